-- Transactional outbox: one row per bus message, written in the same transaction as
-- the change it announces. `seq` is the commit order (writers serialise on an
-- advisory lock while they insert, see domain/src/outbox.rs), the cursor of the
-- event feed and of live updates. No foreign key to hackfests: a message outlives
-- the object it talks about until it is sent and past retention.
CREATE TABLE outbox (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id  UUID NOT NULL UNIQUE,
    topic       TEXT NOT NULL,
    schema_name TEXT NOT NULL,
    severity    INTEGER NOT NULL DEFAULT 20,
    hackfest_id UUID NOT NULL,
    object_id   UUID NOT NULL,
    public      BOOLEAN NOT NULL DEFAULT TRUE,
    users       JSONB NOT NULL DEFAULT '[]',
    path        TEXT NOT NULL,
    body        JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    sent_at     TIMESTAMPTZ,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE sent_at IS NULL;
CREATE INDEX outbox_by_hackfest ON outbox (hackfest_id, seq);
CREATE INDEX outbox_by_age ON outbox (created_at);
