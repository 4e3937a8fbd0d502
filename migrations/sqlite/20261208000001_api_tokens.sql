-- Personal API tokens (issue 15, item 2). A token works in one hackfest, with a scope
-- ('read' or 'write') and an expiry; only its SHA-256 (hex) is stored. Revoking sets
-- revoked_at (the row stays, so its owner still sees it in the list).
CREATE TABLE api_tokens (
    id           BLOB PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL,
    hackfest_id  BLOB NOT NULL,
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
-- No foreign keys or checks: nothing a person types reaches these columns unparsed
-- (db.rs' constraint inventory), and users and hackfests are never deleted.
CREATE UNIQUE INDEX api_tokens_by_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);
