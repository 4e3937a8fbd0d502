-- Rooms (issue 12): the places sessions happen in. A session names its room by
-- room_id; its free-text `room` stays as the room's name (pages, summaries, search).
CREATE TABLE rooms (
    id                 UUID PRIMARY KEY,
    hackfest_id        UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    location           TEXT NOT NULL DEFAULT '',
    capacity           BIGINT CHECK (capacity BETWEEN 1 AND 10000),
    equipment          JSONB NOT NULL DEFAULT '[]',
    notes              TEXT NOT NULL DEFAULT '',
    open_for_breakouts BOOLEAN NOT NULL DEFAULT FALSE,
    opens              TEXT,
    closes             TEXT,
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    CONSTRAINT rooms_hackfest_id_name_key UNIQUE (hackfest_id, name),
    CHECK ((opens IS NULL) = (closes IS NULL) AND (opens IS NULL OR closes > opens))
);

ALTER TABLE hack_sessions ADD COLUMN room_id UUID REFERENCES rooms (id) ON DELETE SET NULL;
CREATE INDEX hack_sessions_by_room ON hack_sessions (room_id, starts_at);

-- One room per distinct non-empty free-text room of each hackfest (no capacity).
INSERT INTO rooms (id, hackfest_id, name, created_at, updated_at)
SELECT gen_random_uuid(), hackfest_id, btrim(room), MIN(created_at), MIN(created_at)
FROM hack_sessions
WHERE btrim(room) <> ''
GROUP BY hackfest_id, btrim(room);

UPDATE hack_sessions s
SET room_id = r.id
FROM rooms r
WHERE r.hackfest_id = s.hackfest_id AND r.name = btrim(s.room) AND btrim(s.room) <> '';
