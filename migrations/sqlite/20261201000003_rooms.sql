-- Rooms (issue 12): the places sessions happen in. A session names its room by
-- room_id; its free-text `room` stays as the room's name (pages, summaries, search).
CREATE TABLE rooms (
    id                 BLOB PRIMARY KEY NOT NULL,
    hackfest_id        BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    location           TEXT NOT NULL DEFAULT '',
    capacity           INTEGER CHECK (capacity BETWEEN 1 AND 10000),
    equipment          TEXT NOT NULL DEFAULT '[]',
    notes              TEXT NOT NULL DEFAULT '',
    open_for_breakouts BOOLEAN NOT NULL DEFAULT 0,
    opens              TEXT,
    closes             TEXT,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    UNIQUE (hackfest_id, name),
    CHECK ((opens IS NULL) = (closes IS NULL) AND (opens IS NULL OR closes > opens))
);

ALTER TABLE hack_sessions ADD COLUMN room_id BLOB REFERENCES rooms (id) ON DELETE SET NULL;
CREATE INDEX hack_sessions_by_room ON hack_sessions (room_id, starts_at);

-- One room per distinct non-empty free-text room of each hackfest (no capacity).
INSERT INTO rooms (id, hackfest_id, name, created_at, updated_at)
SELECT randomblob(16), hackfest_id, trim(room), MIN(created_at), MIN(created_at)
FROM hack_sessions
WHERE trim(room) <> ''
GROUP BY hackfest_id, trim(room);

UPDATE hack_sessions
SET room_id = (SELECT r.id FROM rooms r
               WHERE r.hackfest_id = hack_sessions.hackfest_id AND r.name = trim(hack_sessions.room))
WHERE trim(room) <> '';
