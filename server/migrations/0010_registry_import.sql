-- Registry import (托育机构备案 lists): places closed rather than deleted, a place's own
-- number in the registry, positions not yet checked, the uploads an admin previews and
-- applies, and audit entries made by the command-line tools (no account).

-- A closed place stays (requests and the audit trail point at it) but is gone for parents:
-- no search, no page, and the changes feed reports it as deleted.
ALTER TABLE places ADD COLUMN closed_at INTEGER;
-- 点位编号 in the registry, when the file has one (matched before the name).
ALTER TABLE places ADD COLUMN registry_code TEXT;
-- 位置待核实: the file gave no coordinates, the position is the 街道 centre.
ALTER TABLE places ADD COLUMN location_unverified INTEGER NOT NULL DEFAULT 0 CHECK (location_unverified IN (0, 1));
CREATE UNIQUE INDEX places_registry_code ON places (organisation_id, registry_code) WHERE registry_code IS NOT NULL;

-- Each upload: previewed (its plan shown), then applied once.
CREATE TABLE imports (
    id          TEXT    PRIMARY KEY,                -- client-generated UUID
    kind        TEXT    NOT NULL CHECK (kind IN ('places', 'providers')),
    file_name   TEXT    NOT NULL,
    encoding    TEXT    NOT NULL,                   -- asked: auto | utf-8 | gb18030
    content     BLOB    NOT NULL,
    sha256      TEXT    NOT NULL,
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    applied_at  INTEGER,
    result      TEXT                                -- JSON: what applying did
);

-- Audit entries by a command-line tool carry no account, but say which tool.
CREATE TABLE audit_log_new (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER REFERENCES users (id),
    actor           TEXT,                           -- e.g. 'cli import places FILE' when user_id is NULL
    organisation_id INTEGER REFERENCES organisations (id),
    place_id        INTEGER REFERENCES places (id) ON DELETE SET NULL,
    class_id        INTEGER,
    action          TEXT    NOT NULL,
    detail          TEXT    NOT NULL,
    at              INTEGER NOT NULL,
    CHECK (user_id IS NOT NULL OR actor IS NOT NULL)
);
INSERT INTO audit_log_new (id, user_id, organisation_id, place_id, class_id, action, detail, at)
    SELECT id, user_id, organisation_id, place_id, class_id, action, detail, at FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_place ON audit_log (place_id, at);
