-- iCal feeds and cancelled sessions (issue 12, items 6 and 8).
--
-- A person's private calendar URL (/h/{slug}/calendar/{token}.ics) carries a random
-- token; only its SHA-256 (hex) is stored. One token per person and hackfest: rotating
-- replaces the hash, revoking deletes the row.
CREATE TABLE calendar_tokens (
    id          BLOB PRIMARY KEY NOT NULL,
    hackfest_id BLOB NOT NULL,
    user_id     BLOB NOT NULL,
    token_hash  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
-- Unique indexes rather than constraints, and no foreign keys: nothing a person types
-- reaches these rows (db.rs' constraint inventory lists what can), hackfests and users
-- are never deleted, and a token is only ever read through its hackfest and joined to
-- its user, so a row whose user or hackfest were gone would resolve to nothing.
CREATE UNIQUE INDEX calendar_tokens_by_hash ON calendar_tokens (token_hash);
CREATE UNIQUE INDEX calendar_tokens_by_person ON calendar_tokens (hackfest_id, user_id);

-- A cancelled session stays (feeds show it as cancelled) but no longer holds its room.
ALTER TABLE hack_sessions ADD COLUMN cancelled_at TEXT;
