-- Signed webhooks (issue 15, item 4; the Standard Webhooks spec).
--
-- An organizer registers an endpoint per hackfest: a URL, the bus topics it wants
-- (patterns, one per line; empty = all) and a secret (whsec_…) that signs every
-- delivery. 410 Gone from the endpoint disables it (disabled_reason says why).
CREATE TABLE webhook_endpoints (
    id              UUID PRIMARY KEY,
    hackfest_id     UUID NOT NULL,
    url             TEXT NOT NULL,
    topics          TEXT NOT NULL,
    description     TEXT NOT NULL,
    secret          TEXT NOT NULL,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_endpoints_by_hackfest ON webhook_endpoints (hackfest_id);

-- One row per message and endpoint, made from the outbox (so nothing is sent for a
-- change that rolled back) by the dispatcher, which remembers how far it read.
-- state: pending → delivered | failed (gave up after the last retry) | cancelled
-- (the endpoint was disabled). webhook-id is 'msg_' + message_id, the same on every
-- attempt and replay.
CREATE TABLE webhook_deliveries (
    id              UUID PRIMARY KEY,
    endpoint_id     UUID NOT NULL,
    hackfest_id     UUID NOT NULL,
    message_id      UUID NOT NULL,
    topic           TEXT NOT NULL,
    body            TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ,
    last_status     BIGINT,
    last_error      TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    delivered_at    TIMESTAMPTZ,
    first_sent_at   TIMESTAMPTZ
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (endpoint_id, message_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at);

-- How far the dispatcher has read the outbox (one row).
CREATE TABLE webhook_cursor (
    id     BIGINT PRIMARY KEY,
    seq    BIGINT NOT NULL
);
INSERT INTO webhook_cursor (id, seq) VALUES (1, 0);
