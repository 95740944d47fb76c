-- Knowledge base: sentence vectors beside the section vectors of each chunk.
--
-- A caller describing a symptom ("it says my card was declined at the till") often matches one
-- sentence of an article better than any whole section. kb_passages now holds both: kind 'section'
-- (one per section piece, as before) and kind 'sentence' (one per sentence or list item of those
-- sections, each prefixed with its title and heading). Dense retrieval rescores its ~40 candidate
-- chunks with their best section and best sentence (exact cosine, no second index). Namespaces
-- ingested before this migration have section rows only until re-ingested (the ingest content
-- hash changes, so a plain `kb ingest` rewrites them); retrieval falls back to the section score.
ALTER TABLE kb_passages ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'section';
DO $$ BEGIN
    ALTER TABLE kb_passages ADD CONSTRAINT kb_passages_kind CHECK (kind IN ('section', 'sentence'));
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
