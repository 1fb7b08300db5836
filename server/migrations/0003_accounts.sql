-- Accounts, server-side sessions, login attempts (rate limiting), the audit trail,
-- and a version on classes for conflict detection.

ALTER TABLE classes ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT    NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 64),
    display_name    TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,              -- argon2id PHC string
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'operator', 'supervisor')),
    organisation_id INTEGER REFERENCES organisations (id),
    district_id     TEXT    REFERENCES areas (id),
    is_sample       INTEGER NOT NULL DEFAULT 0 CHECK (is_sample IN (0, 1)),
    created_at      INTEGER NOT NULL,
    CHECK ((role = 'operator') = (organisation_id IS NOT NULL)),
    CHECK ((role = 'supervisor') = (district_id IS NOT NULL))
);

CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,                -- SHA-256 of the cookie value
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
    id        INTEGER PRIMARY KEY,
    username  TEXT    NOT NULL,
    address   TEXT    NOT NULL,
    ok        INTEGER NOT NULL CHECK (ok IN (0, 1)),
    at        INTEGER NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (username, at);
CREATE INDEX login_attempts_address ON login_attempts (address, at);

-- Who changed what, for every operator write.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    organisation_id INTEGER REFERENCES organisations (id),
    place_id        INTEGER REFERENCES places (id) ON DELETE SET NULL,
    class_id        INTEGER,
    action          TEXT    NOT NULL,
    detail          TEXT    NOT NULL,               -- JSON: before / after / choice
    at              INTEGER NOT NULL
);
CREATE INDEX audit_place ON audit_log (place_id, at);
