-- Goals gain an outcome and a timeline of progress notes; sessions, decisions and
-- action items arrive. Lists of names and links live in JSON arrays on the row, so
-- each object is saved (and versioned) as one unit.
ALTER TABLE goals ADD COLUMN outcome TEXT NOT NULL DEFAULT '';

CREATE TABLE goal_notes (
    id          UUID PRIMARY KEY,
    hackfest_id UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    goal_id     UUID NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX goal_notes_by_goal ON goal_notes (goal_id, created_at);

CREATE TABLE hack_sessions (
    id           UUID PRIMARY KEY,
    hackfest_id  UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('discussion', 'meeting', 'work', 'social')),
    starts_at    TIMESTAMPTZ NOT NULL,
    ends_at      TIMESTAMPTZ NOT NULL,
    room         TEXT NOT NULL DEFAULT '',
    participants JSONB NOT NULL DEFAULT '[]',
    goal_ids     JSONB NOT NULL DEFAULT '[]',
    agenda       TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX hack_sessions_by_hackfest ON hack_sessions (hackfest_id, starts_at);

CREATE TABLE decisions (
    id            UUID PRIMARY KEY,
    hackfest_id   UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    title         TEXT NOT NULL,
    context       TEXT NOT NULL DEFAULT '',
    decision      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('proposed', 'agreed', 'rejected', 'superseded')),
    superseded_by UUID REFERENCES decisions (id) ON DELETE SET NULL,
    session_id    UUID REFERENCES hack_sessions (id) ON DELETE SET NULL,
    goal_ids      JSONB NOT NULL DEFAULT '[]',
    followups     JSONB NOT NULL DEFAULT '[]',
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    CHECK (status <> 'superseded' OR superseded_by IS NOT NULL),
    CHECK (superseded_by IS NULL OR superseded_by <> id)
);
CREATE INDEX decisions_by_hackfest ON decisions (hackfest_id, created_at);

CREATE TABLE action_items (
    id          UUID PRIMARY KEY,
    hackfest_id UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner       TEXT NOT NULL DEFAULT '',
    due_date    DATE,
    status      TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'blocked', 'done', 'dropped')),
    goal_id     UUID REFERENCES goals (id) ON DELETE SET NULL,
    session_id  UUID REFERENCES hack_sessions (id) ON DELETE SET NULL,
    decision_id UUID REFERENCES decisions (id) ON DELETE SET NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX action_items_by_hackfest ON action_items (hackfest_id, created_at);
CREATE INDEX action_items_by_owner ON action_items (owner, status);
