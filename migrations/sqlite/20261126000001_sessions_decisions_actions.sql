-- Goals gain an outcome and a timeline of progress notes; sessions, decisions and
-- action items arrive. Lists of names and links live in JSON arrays on the row, so
-- each object is saved (and versioned) as one unit.
ALTER TABLE goals ADD COLUMN outcome TEXT NOT NULL DEFAULT '';

CREATE TABLE goal_notes (
    id          BLOB PRIMARY KEY NOT NULL,
    hackfest_id BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    goal_id     BLOB NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX goal_notes_by_goal ON goal_notes (goal_id, created_at);

CREATE TABLE hack_sessions (
    id           BLOB PRIMARY KEY NOT NULL,
    hackfest_id  BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('discussion', 'meeting', 'work', 'social')),
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL,
    room         TEXT NOT NULL DEFAULT '',
    participants TEXT NOT NULL DEFAULT '[]',
    goal_ids     TEXT NOT NULL DEFAULT '[]',
    agenda       TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX hack_sessions_by_hackfest ON hack_sessions (hackfest_id, starts_at);

CREATE TABLE decisions (
    id            BLOB PRIMARY KEY NOT NULL,
    hackfest_id   BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    context       TEXT NOT NULL DEFAULT '',
    decision      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('proposed', 'agreed', 'rejected', 'superseded')),
    superseded_by BLOB REFERENCES decisions (id) ON DELETE SET NULL,
    session_id    BLOB REFERENCES hack_sessions (id) ON DELETE SET NULL,
    goal_ids      TEXT NOT NULL DEFAULT '[]',
    followups     TEXT NOT NULL DEFAULT '[]',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CHECK (status <> 'superseded' OR superseded_by IS NOT NULL),
    CHECK (superseded_by IS NULL OR superseded_by <> id)
);
CREATE INDEX decisions_by_hackfest ON decisions (hackfest_id, created_at);

CREATE TABLE action_items (
    id          BLOB PRIMARY KEY NOT NULL,
    hackfest_id BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner       TEXT NOT NULL DEFAULT '',
    due_date    TEXT,
    status      TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'blocked', 'done', 'dropped')),
    goal_id     BLOB REFERENCES goals (id) ON DELETE SET NULL,
    session_id  BLOB REFERENCES hack_sessions (id) ON DELETE SET NULL,
    decision_id BLOB REFERENCES decisions (id) ON DELETE SET NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX action_items_by_hackfest ON action_items (hackfest_id, created_at);
CREATE INDEX action_items_by_owner ON action_items (owner, status);
