-- Parents' requests to a place: 预约参观 and 免费入托体验 book a dated occurrence of a
-- weekly timeslot; 申请托位 applies for a class (age band × care mode) and may be put on
-- that class's waitlist (ordered by declared priority, then by the time the server
-- received it) or offered a place. The request id is made by the parent's device.

CREATE TABLE timeslots (
    id         INTEGER PRIMARY KEY,
    place_id   INTEGER NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('visit', 'trial')),
    weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),        -- 1 = Monday
    start_min  INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),   -- Beijing time
    end_min    INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
    capacity   INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 50),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at INTEGER NOT NULL
);
CREATE INDEX timeslots_place ON timeslots (place_id, active);

CREATE TABLE requests (
    id                TEXT    PRIMARY KEY,                 -- UUID made on the parent's device
    device_hash       TEXT    NOT NULL REFERENCES devices (key_hash),
    place_id          INTEGER NOT NULL REFERENCES places (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('visit', 'trial', 'application')),
    timeslot_id           INTEGER REFERENCES timeslots (id),
    timeslot_date         TEXT,                                -- 'YYYY-MM-DD', Beijing
    class_id          INTEGER,                             -- the class applied for (kept if the class goes)
    age_band          TEXT,
    care_mode         TEXT,
    child_birth_month TEXT,                                -- 'YYYY-MM'
    start_month       TEXT,                                -- 'YYYY-MM'
    puhui             INTEGER NOT NULL DEFAULT 0 CHECK (puhui IN (0, 1)),
    priority_grounds  TEXT    NOT NULL DEFAULT '[]',       -- JSON array of declared grounds
    priority          INTEGER NOT NULL DEFAULT 0 CHECK (priority IN (0, 1)),
    contact_name      TEXT    NOT NULL,
    contact_phone     TEXT    NOT NULL,
    consent_at        INTEGER NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('submitted', 'confirmed', 'waitlisted', 'offered', 'declined', 'cancelled')),
    message           TEXT,
    created_at        INTEGER NOT NULL,                    -- when the server received it
    updated_at        INTEGER NOT NULL,
    decided_by        INTEGER REFERENCES users (id),
    CHECK ((kind = 'application') = (class_id IS NOT NULL)),
    CHECK ((kind = 'application') <> (timeslot_id IS NOT NULL AND timeslot_date IS NOT NULL))
);
CREATE INDEX requests_timeslot ON requests (timeslot_id, timeslot_date, status);
CREATE INDEX requests_place ON requests (place_id, status, created_at);
CREATE INDEX requests_class ON requests (class_id, status, priority, created_at);
CREATE INDEX requests_device ON requests (device_hash, updated_at);
CREATE INDEX requests_phone ON requests (place_id, contact_phone, status);
