-- Knowledge base: one vector per section ("passage") of each chunk, beside the chunk's own vector.
--
-- A caller's question usually matches one section of an article, and MiniLM reads only the first
-- 256 tokens of a chunk. Dense retrieval finds candidate chunks with the HNSW index on
-- kb_chunks.embedding as before, then rescores each candidate with its best-matching passage
-- (exact cosine over the few passages of ~40 candidates: no second index needed). Rows are written
-- and deleted with their chunk. Namespaces ingested before this migration have no passages until
-- they are re-ingested (the ingest content hash changes, so a plain `kb ingest` rewrites them).
CREATE TABLE IF NOT EXISTS kb_passages (
    namespace text NOT NULL,
    chunk_id text NOT NULL,
    ordinal int NOT NULL,
    embedding vector NOT NULL,
    PRIMARY KEY (namespace, chunk_id, ordinal),
    FOREIGN KEY (namespace, chunk_id) REFERENCES kb_chunks (namespace, chunk_id) ON DELETE CASCADE
);
