-- Personal API tokens (issue 15, item 2). A token works in one hackfest, with a scope
-- ('read' or 'write') and an expiry; only its SHA-256 (hex) is stored. Revoking sets
-- revoked_at (the row stays, so its owner still sees it in the list).
CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    user_id      UUID NOT NULL,
    hackfest_id  UUID NOT NULL,
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
-- No foreign keys or checks: nothing a person types reaches these columns unparsed
-- (db.rs' constraint inventory), and users and hackfests are never deleted.
CREATE UNIQUE INDEX api_tokens_by_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);
