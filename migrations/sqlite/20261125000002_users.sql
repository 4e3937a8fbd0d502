-- People who signed in, keyed by (issuer, subject); their hackfest memberships.
CREATE TABLE users (
    id           BLOB PRIMARY KEY NOT NULL,
    issuer       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    username     TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email        TEXT NOT NULL DEFAULT '',
    groups       TEXT NOT NULL DEFAULT '[]',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (issuer, subject)
);

CREATE TABLE hackfest_members (
    hackfest_id BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('attendee', 'organizer')),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (hackfest_id, user_id)
);
CREATE INDEX hackfest_members_by_user ON hackfest_members (user_id);
