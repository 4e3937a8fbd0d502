-- Hackfests and their goals; history records every change (who, when, old -> new).
CREATE TABLE hackfests (
    id          UUID PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    start_date  DATE NOT NULL,
    end_date    DATE NOT NULL,
    time_zone   TEXT NOT NULL,
    location    TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    CHECK (end_date >= start_date)
);

CREATE TABLE goals (
    id          UUID PRIMARY KEY,
    hackfest_id UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL CHECK (kind IN ('big', 'small')),
    parent_id   UUID REFERENCES goals (id) ON DELETE SET NULL,
    status      TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'done', 'dropped')),
    progress    INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    owner       TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX goals_by_hackfest ON goals (hackfest_id, created_at);
CREATE INDEX goals_by_parent ON goals (parent_id);

CREATE TABLE history (
    id          UUID PRIMARY KEY,
    hackfest_id UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    entity      TEXT NOT NULL,
    entity_id   UUID NOT NULL,
    action      TEXT NOT NULL,
    actor       TEXT NOT NULL,
    changes     JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX history_by_entity ON history (entity, entity_id, created_at);
CREATE INDEX history_by_hackfest ON history (hackfest_id, created_at);
