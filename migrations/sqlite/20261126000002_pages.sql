-- Q&A wiki pages per hackfest. Every save of a page is a numbered revision; questions
-- on a page are answered (in Markdown), reopened, and may point to a decision.
CREATE TABLE pages (
    id          BLOB PRIMARY KEY NOT NULL,
    hackfest_id BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    slug        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (hackfest_id, slug)
);

CREATE TABLE page_revisions (
    id          BLOB PRIMARY KEY NOT NULL,
    page_id     BLOB NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    author      TEXT NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    UNIQUE (page_id, number)
);

CREATE TABLE page_questions (
    id          BLOB PRIMARY KEY NOT NULL,
    hackfest_id BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    page_id     BLOB NOT NULL REFERENCES pages (id) ON DELETE CASCADE,
    question    TEXT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL CHECK (state IN ('open', 'answered')),
    decision_id BLOB REFERENCES decisions (id) ON DELETE SET NULL,
    asked_by    TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX page_questions_by_page ON page_questions (page_id, created_at);
