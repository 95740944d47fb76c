-- Calls and their per-turn traces (audio, transcript, chunk ids, model output, tool calls, latency, cost).
CREATE TABLE calls (
    call_id text PRIMARY KEY,
    call_sid text,
    stream_sid text,
    transport text NOT NULL,
    profile text NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    end_reason text,
    handoff jsonb,
    cost_usd double precision NOT NULL DEFAULT 0,
    meta jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX calls_call_sid_idx ON calls (call_sid);
CREATE INDEX calls_started_at_idx ON calls (started_at);

CREATE TABLE call_turns (
    call_id text NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
    idx int NOT NULL,
    role text NOT NULL CHECK (role IN ('caller', 'agent')),
    text text NOT NULL,
    full_text text NOT NULL DEFAULT '',
    interrupted boolean NOT NULL DEFAULT false,
    started_at timestamptz NOT NULL,
    response_id text,
    dtmf text,
    latency_ms jsonb NOT NULL DEFAULT '{}'::jsonb,
    handoff jsonb,
    retrieved_chunk_ids text[] NOT NULL DEFAULT '{}',
    tool_calls jsonb NOT NULL DEFAULT '[]'::jsonb,
    trace jsonb NOT NULL DEFAULT '{}'::jsonb,
    cost_usd double precision NOT NULL DEFAULT 0,
    audio_ulaw bytea,
    PRIMARY KEY (call_id, idx)
);
