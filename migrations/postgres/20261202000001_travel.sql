-- Travel and lodging (issue 13): a hackfest's budget and hotels, and its attendees'
-- funding requests. Amounts are integers in the currency's minor units.
CREATE TABLE travel_budgets (
    id          UUID PRIMARY KEY,
    hackfest_id UUID NOT NULL UNIQUE REFERENCES hackfests (id) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    currency    TEXT NOT NULL CHECK (length(currency) = 3),
    travel      BIGINT NOT NULL CHECK (travel >= 0),
    lodging     BIGINT NOT NULL CHECK (lodging >= 0),
    other       BIGINT NOT NULL CHECK (other >= 0),
    hotels      JSONB NOT NULL DEFAULT '[]',
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE travel_requests (
    id                 UUID PRIMARY KEY,
    hackfest_id        UUID NOT NULL REFERENCES hackfests (id) ON DELETE CASCADE,
    person             TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'declined', 'booked', 'reimbursed', 'withdrawn')),
    items              JSONB NOT NULL DEFAULT '[]',
    arrives_on         DATE,
    arrives_at         TEXT,
    arrival            TEXT NOT NULL DEFAULT '',
    leaves_on          DATE,
    leaves_at          TEXT,
    departure          TEXT NOT NULL DEFAULT '',
    share_days         BOOLEAN NOT NULL DEFAULT FALSE,
    notes              TEXT NOT NULL DEFAULT '',
    approved_travel    BIGINT CHECK (approved_travel >= 0),
    approved_lodging   BIGINT CHECK (approved_lodging >= 0),
    approved_other     BIGINT CHECK (approved_other >= 0),
    decision_note      TEXT NOT NULL DEFAULT '',
    decided_by         TEXT NOT NULL DEFAULT '',
    reimbursed_travel  BIGINT CHECK (reimbursed_travel >= 0),
    reimbursed_lodging BIGINT CHECK (reimbursed_lodging >= 0),
    reimbursed_other   BIGINT CHECK (reimbursed_other >= 0),
    reimbursed_on      DATE,
    hotel              TEXT NOT NULL DEFAULT '',
    first_night        DATE,
    last_night         DATE,
    hotel_room         TEXT NOT NULL DEFAULT '',
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);

-- One active request per person and hackfest (a declined or withdrawn one may be followed by another).
CREATE UNIQUE INDEX travel_requests_one_active ON travel_requests (hackfest_id, person)
    WHERE state NOT IN ('declined', 'withdrawn');
CREATE INDEX travel_requests_by_state ON travel_requests (hackfest_id, state);
