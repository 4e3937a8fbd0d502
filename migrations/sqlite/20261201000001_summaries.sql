-- Daily and event summaries drafted from the week's history. `scope` is 'event' or the
-- day ('2026-03-23'): one summary per hackfest and scope (a NULL day would not be
-- unique). Every save of the text is a numbered revision; publishing points at one.
CREATE TABLE summaries (
    id                 BLOB PRIMARY KEY NOT NULL,
    hackfest_id        BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    scope              TEXT NOT NULL,
    day                TEXT,
    title              TEXT NOT NULL,
    body               TEXT NOT NULL DEFAULT '',
    generated          TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    revision           INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
    published_revision INTEGER CHECK (published_revision BETWEEN 1 AND revision),
    published_at       TEXT,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL,
    UNIQUE (hackfest_id, scope),
    CHECK ((day IS NULL) = (scope = 'event')),
    CHECK (status = 'draft' OR published_revision IS NOT NULL)
);

CREATE TABLE summary_revisions (
    id          BLOB PRIMARY KEY NOT NULL,
    summary_id  BLOB NOT NULL REFERENCES summaries (id) ON DELETE CASCADE,
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (summary_id, revision)
);
CREATE INDEX summaries_by_publication ON summaries (status, published_at);
