-- Full-text search reads the GIN index on kb_chunks.tsv. With GIN's default fastupdate = on, new
-- rows go to an unsorted "pending list" that every search must scan linearly until a (auto)vacuum
-- merges it; right after an ingest of thousands of chunks that doubled the lexical arm's latency.
-- Ingest is bound by embedding time, so paying the index insert up front costs nothing visible.
ALTER INDEX kb_chunks_tsv SET (fastupdate = off);
SELECT gin_clean_pending_list('kb_chunks_tsv'::regclass);
