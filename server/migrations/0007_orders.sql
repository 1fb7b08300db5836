-- Orders for 居家上门服务: one item from a provider in one of its timeslots on a date, for
-- the older person's profile as the family shared it. The price and who pays are fixed at
-- ordering by the rule table; public money counts once the provider has confirmed the
-- categories / level (`category_confirmed_at`). The id is made on the family's device.

CREATE TABLE orders (
    id                    TEXT    PRIMARY KEY,
    device_hash           TEXT    NOT NULL REFERENCES devices (key_hash),
    provider_id           INTEGER NOT NULL REFERENCES providers (id),
    service_item          TEXT    NOT NULL,
    meal_mode             TEXT    CHECK (meal_mode IS NULL OR meal_mode IN ('dine_in', 'pick_up', 'delivery')),
    timeslot_id           INTEGER NOT NULL REFERENCES provider_timeslots (id),
    visit_date            TEXT    NOT NULL,              -- 'YYYY-MM-DD', Beijing
    elder                 TEXT    NOT NULL,              -- JSON: the shared profile
    elder_name            TEXT    NOT NULL,
    quote                 TEXT    NOT NULL,              -- JSON: the price and who pays
    category_confirmed_at INTEGER,
    status                TEXT    NOT NULL CHECK (status IN ('submitted', 'accepted', 'assigned', 'in_service', 'completed', 'declined', 'cancelled')),
    carer_id              INTEGER REFERENCES carers (id),
    message               TEXT,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);
CREATE INDEX orders_timeslot ON orders (timeslot_id, visit_date, status);
CREATE INDEX orders_provider ON orders (provider_id, status, created_at);
CREATE INDEX orders_device ON orders (device_hash, updated_at);
