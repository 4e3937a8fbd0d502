-- Hackfests and their goals; history records every change (who, when, old -> new).
CREATE TABLE hackfests (
    id          BLOB PRIMARY KEY NOT NULL,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    start_date  TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    location    TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (end_date >= start_date)
);

CREATE TABLE goals (
    id          BLOB PRIMARY KEY NOT NULL,
    hackfest_id BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (kind IN ('big', 'small')),
    parent_id   BLOB REFERENCES goals (id) ON DELETE SET NULL,
    status      TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'done', 'dropped')),
    progress    INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    owner       TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX goals_by_hackfest ON goals (hackfest_id, created_at);
CREATE INDEX goals_by_parent ON goals (parent_id);

CREATE TABLE history (
    id          BLOB PRIMARY KEY NOT NULL,
    hackfest_id BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    entity      TEXT NOT NULL,
    entity_id   BLOB NOT NULL,
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    changes     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX history_by_entity ON history (entity, entity_id, created_at);
CREATE INDEX history_by_hackfest ON history (hackfest_id, created_at);
