-- People who signed in, keyed by (issuer, subject); their hackfest memberships.
CREATE TABLE users (
    id           UUID PRIMARY KEY,
    issuer       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    username     TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email        TEXT NOT NULL DEFAULT '',
    groups       JSONB NOT NULL DEFAULT '[]',
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (issuer, subject)
);

CREATE TABLE hackfest_members (
    hackfest_id UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('attendee', 'organizer')),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (hackfest_id, user_id)
);
CREATE INDEX hackfest_members_by_user ON hackfest_members (user_id);
