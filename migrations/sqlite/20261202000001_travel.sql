-- Travel and lodging (issue 13): a hackfest's budget and hotels, and its attendees'
-- funding requests. Amounts are integers in the currency's minor units.
CREATE TABLE travel_budgets (
    id          BLOB PRIMARY KEY NOT NULL,
    hackfest_id BLOB NOT NULL UNIQUE REFERENCES hackfests (id) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    currency    TEXT NOT NULL CHECK (length(currency) = 3),
    travel      INTEGER NOT NULL CHECK (travel >= 0),
    lodging     INTEGER NOT NULL CHECK (lodging >= 0),
    other       INTEGER NOT NULL CHECK (other >= 0),
    hotels      TEXT NOT NULL DEFAULT '[]',
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE travel_requests (
    id                 BLOB PRIMARY KEY NOT NULL,
    hackfest_id        BLOB NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    person             TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'declined', 'booked', 'reimbursed', 'withdrawn')),
    items              TEXT NOT NULL DEFAULT '[]',
    arrives_on         TEXT,
    arrives_at         TEXT,
    arrival            TEXT NOT NULL DEFAULT '',
    leaves_on          TEXT,
    leaves_at          TEXT,
    departure          TEXT NOT NULL DEFAULT '',
    share_days         BOOLEAN NOT NULL DEFAULT 0,
    notes              TEXT NOT NULL DEFAULT '',
    approved_travel    INTEGER CHECK (approved_travel >= 0),
    approved_lodging   INTEGER CHECK (approved_lodging >= 0),
    approved_other     INTEGER CHECK (approved_other >= 0),
    decision_note      TEXT NOT NULL DEFAULT '',
    decided_by         TEXT NOT NULL DEFAULT '',
    reimbursed_travel  INTEGER CHECK (reimbursed_travel >= 0),
    reimbursed_lodging INTEGER CHECK (reimbursed_lodging >= 0),
    reimbursed_other   INTEGER CHECK (reimbursed_other >= 0),
    reimbursed_on      TEXT,
    hotel              TEXT NOT NULL DEFAULT '',
    first_night        TEXT,
    last_night         TEXT,
    hotel_room         TEXT NOT NULL DEFAULT '',
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

-- One active request per person and hackfest (a declined or withdrawn one may be followed by another).
CREATE UNIQUE INDEX travel_requests_one_active ON travel_requests (hackfest_id, person)
    WHERE state NOT IN ('declined', 'withdrawn');
CREATE INDEX travel_requests_by_state ON travel_requests (hackfest_id, state);
