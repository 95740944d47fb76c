-- Knowledge base: the help center, chunked and indexed twice (dense vectors + full text).
--
-- kb_namespaces records which embedding model and dimension a namespace was built with, so a
-- namespace is never silently mixed with vectors from another model. The `embedding` column is an
-- untyped `vector` so deployments may use any dimension; dense search goes through a partial HNSW
-- index per namespace on `(embedding::vector(DIM))`, created by frontline.knowledge.namespaces when
-- the namespace is registered (pgvector < 0.8 has no iterative index scans, so one shared index
-- filtered by namespace would lose recall for small namespaces next to big ones).
CREATE TABLE IF NOT EXISTS kb_namespaces (
    namespace text PRIMARY KEY,
    embedding_model text NOT NULL,
    embedding_dim int NOT NULL CHECK (embedding_dim > 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS kb_articles (
    namespace text NOT NULL REFERENCES kb_namespaces (namespace) ON DELETE CASCADE,
    article_id text NOT NULL,
    title text NOT NULL,
    url text,
    tags text[] NOT NULL DEFAULT '{}',
    language text NOT NULL DEFAULT 'en',
    source text NOT NULL,            -- path of the file it came from (relative to the ingest root)
    content_hash text NOT NULL,      -- sha256 of the parsed article + chunker/model version
    chunk_count int NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, article_id)
);

CREATE TABLE IF NOT EXISTS kb_chunks (
    namespace text NOT NULL,
    chunk_id text NOT NULL CHECK (chunk_id ~ '^kb_[0-9a-f]{12}$'),
    article_id text NOT NULL,
    ordinal int NOT NULL,
    title text NOT NULL,
    heading text NOT NULL DEFAULT '',
    text text NOT NULL,              -- what is embedded and returned: "Title — Heading\n\nbody"
    ts_config regconfig NOT NULL DEFAULT 'english',
    tsv tsvector NOT NULL,
    embedding vector NOT NULL,
    PRIMARY KEY (namespace, chunk_id),
    FOREIGN KEY (namespace, article_id) REFERENCES kb_articles (namespace, article_id) ON DELETE CASCADE
);

CREATE INDEX IF NOT EXISTS kb_chunks_article ON kb_chunks (namespace, article_id);
CREATE INDEX IF NOT EXISTS kb_chunks_tsv ON kb_chunks USING gin (tsv);
