-- Telephony: handoff records (warm transfer to a person + the optional webhook) and Twilio status callbacks.
--
-- A handoff row is written before the transfer and before the webhook is tried, so neither a
-- failed REST redirect nor a failed webhook loses it; the status columns say what happened.
CREATE TABLE IF NOT EXISTS handoffs (
    id bigserial PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),      -- when the handoff fired
    call_id text NOT NULL,
    call_sid text,
    transport text NOT NULL DEFAULT 'twilio',
    reason text NOT NULL,
    confidence double precision,
    transcript_summary text NOT NULL DEFAULT '',
    retrieved_chunk_ids text[] NOT NULL DEFAULT '{}',
    language text NOT NULL DEFAULT 'en',
    call_started_at timestamptz,
    target_kind text CHECK (target_kind IN ('dial', 'enqueue', 'none')),
    target text,
    transfer_status text NOT NULL DEFAULT 'pending'
        CHECK (transfer_status IN ('pending', 'redirected', 'failed', 'skipped')),
    transfer_error text,
    transferred_at timestamptz,
    webhook_status text NOT NULL DEFAULT 'none'
        CHECK (webhook_status IN ('none', 'pending', 'delivered', 'failed')),
    webhook_attempts int NOT NULL DEFAULT 0,
    webhook_last_error text,
    webhook_delivered_at timestamptz,
    payload jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS handoffs_call ON handoffs (call_id);
CREATE INDEX IF NOT EXISTS handoffs_call_sid ON handoffs (call_sid);

-- POST /twilio/status: call progress and <Stream> status callbacks, verbatim params kept.
CREATE TABLE IF NOT EXISTS twilio_status_events (
    id bigserial PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT now(),
    call_sid text,
    account_sid text,
    call_status text,          -- CallStatus (queued, ringing, in-progress, completed, busy, failed, no-answer, canceled)
    stream_sid text,
    stream_event text,         -- StreamEvent (stream-started, stream-stopped, stream-error)
    stream_error text,
    params jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS twilio_status_events_call_sid ON twilio_status_events (call_sid, received_at);
