-- People conflicts (issue 12, item 3). `participants` stay the required participants;
-- optional ones are listed apart. `acknowledged` holds the warnings an organizer has
-- acknowledged: [{key, text, by, at}], written through the session's versioned write
-- (history shows who and when).
ALTER TABLE hack_sessions ADD COLUMN optional_participants TEXT NOT NULL DEFAULT '[]';
ALTER TABLE hack_sessions ADD COLUMN acknowledged TEXT NOT NULL DEFAULT '[]';

-- A room's closed periods (issue 12, item 1): [{from, until, reason}] on the hackfest's
-- wall clock; a session over one is refused like one outside the opening hours.
ALTER TABLE rooms ADD COLUMN closed TEXT NOT NULL DEFAULT '[]';
