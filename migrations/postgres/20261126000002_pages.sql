-- Q&A wiki pages per hackfest. Every save of a page is a numbered revision; questions
-- on a page are answered (in Markdown), reopened, and may point to a decision.
CREATE TABLE pages (
    id          UUID PRIMARY KEY,
    hackfest_id UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (hackfest_id, slug)
);

CREATE TABLE page_revisions (
    id          UUID PRIMARY KEY,
    page_id     UUID NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    number      BIGINT NOT NULL CHECK (number >= 1),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    author      TEXT NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (page_id, number)
);

CREATE TABLE page_questions (
    id          UUID PRIMARY KEY,
    hackfest_id UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    page_id     UUID NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL CHECK (state IN ('open', 'answered')),
    decision_id UUID REFERENCES decisions (id) ON DELETE SET NULL,
    asked_by    TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX page_questions_by_page ON page_questions (page_id, created_at);
