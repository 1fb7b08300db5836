-- The visit itself: carer accounts, check-in / check-out (the time of the tap on the
-- carer's phone, kept even when it reaches the server later, with the position and its
-- distance from the address; far positions are kept and flagged), the tasks done or
-- not done, the family's rating; and the weekly 探访 the 宿城区 rule requires.

-- A carer signs in with an operator account of the provider's organisation tied to
-- the carer row: it sees and records only its own visits.
ALTER TABLE users ADD COLUMN carer_id INTEGER REFERENCES carers (id);

ALTER TABLE orders ADD COLUMN check_in_at INTEGER;          -- tapped on the phone (unix s)
ALTER TABLE orders ADD COLUMN check_in_received_at INTEGER; -- reached the server
ALTER TABLE orders ADD COLUMN check_in_lat REAL;
ALTER TABLE orders ADD COLUMN check_in_lng REAL;
ALTER TABLE orders ADD COLUMN check_in_distance_m REAL;
ALTER TABLE orders ADD COLUMN check_out_at INTEGER;
ALTER TABLE orders ADD COLUMN check_out_received_at INTEGER;
ALTER TABLE orders ADD COLUMN check_out_lat REAL;
ALTER TABLE orders ADD COLUMN check_out_lng REAL;
ALTER TABLE orders ADD COLUMN check_out_distance_m REAL;
ALTER TABLE orders ADD COLUMN tasks TEXT;                   -- JSON [{task, done, reason}]
ALTER TABLE orders ADD COLUMN carer_note TEXT;
ALTER TABLE orders ADD COLUMN rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5);
ALTER TABLE orders ADD COLUMN rating_comment TEXT;
ALTER TABLE orders ADD COLUMN rated_at INTEGER;
CREATE INDEX orders_carer ON orders (carer_id, visit_date);

-- One plan per older person (as one family device knows them) who meets the rule; the
-- provider is the nearest that serves the address and offers 探访.
CREATE TABLE welfare_plans (
    id           INTEGER PRIMARY KEY,
    device_hash  TEXT    NOT NULL REFERENCES devices (key_hash),
    elder_name   TEXT    NOT NULL,
    elder_phone  TEXT    NOT NULL,
    elder        TEXT    NOT NULL,             -- JSON: the profile as last shared
    reason       TEXT    NOT NULL,             -- which part of the rule applies, in words
    provider_id  INTEGER NOT NULL REFERENCES providers (id),
    started_on   TEXT    NOT NULL,             -- 'YYYY-MM-DD', Beijing
    ended_on     TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (device_hash, elder_name, elder_phone)
);
CREATE INDEX welfare_plans_provider ON welfare_plans (provider_id);

-- One visit per plan per week (Monday's date): generating twice makes no second row.
CREATE TABLE welfare_visits (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES welfare_plans (id) ON DELETE CASCADE,
    week_start   TEXT    NOT NULL,             -- Monday, 'YYYY-MM-DD'
    due_on       TEXT    NOT NULL,             -- Sunday of that week
    status       TEXT    NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'done', 'missed')),
    mode         TEXT    CHECK (mode IS NULL OR mode IN ('in_person', 'phone', 'video')),
    done_at      INTEGER,                      -- when the visit happened (the tap)
    carer_id     INTEGER REFERENCES carers (id),
    note         TEXT,
    recorded_by  INTEGER REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (plan_id, week_start)
);
CREATE INDEX welfare_visits_status ON welfare_visits (status, due_on);
