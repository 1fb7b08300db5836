-- Devices (no accounts): the app makes a random key on first start and sends it in
-- X-Device-Key; only its SHA-256 is stored.
CREATE TABLE devices (
    key_hash      TEXT PRIMARY KEY,       -- hex SHA-256 of the device key
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL
);

-- Idempotent writes: the client's Idempotency-Key (per device), a hash of the
-- request, and the response that was sent, for replays.
CREATE TABLE idempotency_keys (
    device_hash  TEXT    NOT NULL REFERENCES devices (key_hash),
    key          TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,        -- SHA-256 of method, path and body
    status       INTEGER NOT NULL,
    response     TEXT    NOT NULL,        -- the JSON body
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (device_hash, key)
);

-- A parent's saved places (收藏), per device.
CREATE TABLE favorites (
    device_hash TEXT    NOT NULL REFERENCES devices (key_hash),
    place_id    INTEGER NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (device_hash, place_id)
);

-- Sync bookkeeping: tombstones older than the retention window are pruned and the
-- horizon raised; a client asking for changes since before it must refetch.
CREATE TABLE sync_meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO sync_meta (key, value) VALUES ('tombstone_horizon', 0);
