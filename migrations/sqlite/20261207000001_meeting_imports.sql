-- Meetings feed the record (issue 15, item 1): what each imported MeetBot line became.
--
-- A row per item an import created: the session's decision, action item or note, the
-- line it came from (number, nick, time as the log wrote it, text), who imported it and
-- when. `source_key` is the SHA-256 of what the line made, who said it, when and what it
-- said: importing the same log into the same session again creates nothing new.
CREATE TABLE meeting_imports (
    id          BLOB PRIMARY KEY NOT NULL,
    hackfest_id BLOB NOT NULL,
    session_id  BLOB NOT NULL,
    source_key  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    entity_id   BLOB NOT NULL,
    line        INTEGER NOT NULL,
    nick        TEXT NOT NULL,
    said_at     TEXT,
    text        TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
-- A unique index kept by its service (it reads the keys in the writer's transaction
-- first), and no foreign keys: nothing a person types names these rows, and sessions
-- and hackfests are never deleted.
CREATE UNIQUE INDEX meeting_imports_by_source ON meeting_imports (session_id, source_key);
