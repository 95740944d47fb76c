-- Decisions: every tool call, every handoff-gate decision, and scheduled callbacks.
--
-- tool_calls is the audit trail the brief asks for: what was called, with which arguments, why,
-- what came back, what changed in the world, and how long it took. Calls refused by the profile's
-- allowlist and calls discarded because the caller interrupted are recorded too (status column).
CREATE TABLE IF NOT EXISTS tool_calls (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    call_id text NOT NULL,
    response_id text NOT NULL,
    tool text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('read', 'write', 'unknown')),
    arguments jsonb NOT NULL DEFAULT '{}'::jsonb,
    why text NOT NULL DEFAULT '',
    status text NOT NULL CHECK (status IN ('ok', 'error', 'denied', 'invalid', 'discarded')),
    result jsonb,
    changed jsonb,                   -- the write side effect, null for reads and for discarded writes
    error text,
    duration_ms double precision NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tool_calls_call ON tool_calls (call_id, at);

-- One row per runtime-gate evaluation, fired or not.
CREATE TABLE IF NOT EXISTS handoff_gate_decisions (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    call_id text NOT NULL,
    response_id text NOT NULL,
    reason text NOT NULL,
    confidence double precision,
    threshold double precision NOT NULL,
    fired boolean NOT NULL,
    why text NOT NULL
);
CREATE INDEX IF NOT EXISTS handoff_gate_decisions_call ON handoff_gate_decisions (call_id, at);

-- Callbacks requested through the schedule_callback write tool.
CREATE TABLE IF NOT EXISTS callbacks (
    id bigserial PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    call_id text NOT NULL,
    response_id text NOT NULL,
    phone text NOT NULL,
    window_text text NOT NULL,
    reason text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'cancelled'))
);
CREATE INDEX IF NOT EXISTS callbacks_call ON callbacks (call_id);
