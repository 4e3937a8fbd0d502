-- Daily and event summaries drafted from the week's history. `scope` is 'event' or the
-- day ('2026-03-23'): one summary per hackfest and scope (a NULL day would not be
-- unique). Every save of the text is a numbered revision; publishing points at one.
CREATE TABLE summaries (
    id                 UUID PRIMARY KEY,
    hackfest_id        UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    scope              TEXT NOT NULL,
    day                DATE,
    title              TEXT NOT NULL,
    body               TEXT NOT NULL DEFAULT '',
    generated          TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    revision           BIGINT NOT NULL DEFAULT 1 CHECK (revision >= 1),
    published_revision BIGINT CHECK (published_revision BETWEEN 1 AND revision),
    published_at       TIMESTAMPTZ,
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    updated_by         TEXT NOT NULL,
    UNIQUE (hackfest_id, scope),
    CHECK ((day IS NULL) = (scope = 'event')),
    CHECK (status = 'draft' OR published_revision IS NOT NULL)
);

CREATE TABLE summary_revisions (
    id          UUID PRIMARY KEY,
    summary_id  UUID NOT NULL REFERENCES summaries (id) ON DELETE CASCADE,
    revision    BIGINT NOT NULL CHECK (revision >= 1),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (summary_id, revision)
);
CREATE INDEX summaries_by_publication ON summaries (status, published_at);
