-- Core bookkeeping shared by every module.
CREATE TABLE IF NOT EXISTS app_events (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    kind text NOT NULL,
    data jsonb NOT NULL DEFAULT '{}'::jsonb
);
