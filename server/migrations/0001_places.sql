-- 一老一小: organisations, places (1+N), classes, areas.
-- Coordinates are GCJ-02 (the datum of 高德/腾讯 maps) in decimal degrees.
-- Times are Unix seconds (UTC). Money is whole yuan.
-- Every row a client caches carries `change_seq`, a server-wide, monotonically
-- increasing change sequence number set by the triggers below, so clients can ask
-- for "everything changed since N". Deletions leave a row in `tombstones`.

CREATE TABLE change_counter (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (1, 0);

CREATE TABLE tombstones (
    entity     TEXT    NOT NULL,   -- 'place' | 'class' | 'organisation' | 'area'
    entity_id  TEXT    NOT NULL,
    change_seq INTEGER NOT NULL,
    deleted_at INTEGER NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
CREATE INDEX tombstones_seq ON tombstones (change_seq);

-- Districts and 街道 (areas), with approximate centres (GCJ-02).
CREATE TABLE areas (
    id         TEXT PRIMARY KEY,
    parent_id  TEXT REFERENCES areas (id),
    level      TEXT NOT NULL CHECK (level IN ('district', 'street')),
    city       TEXT NOT NULL,
    name       TEXT NOT NULL,
    lat        REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng        REAL NOT NULL CHECK (lng BETWEEN -180 AND 180),
    sort_order INTEGER NOT NULL DEFAULT 0,
    change_seq INTEGER NOT NULL DEFAULT 0,
    CHECK ((level = 'district') = (parent_id IS NULL))
);
CREATE INDEX areas_parent ON areas (parent_id);

-- The licensed legal entity (机构).
CREATE TABLE organisations (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    uscc          TEXT    NOT NULL UNIQUE CHECK (length(uscc) = 18),   -- 统一社会信用代码
    beian_status  TEXT    NOT NULL CHECK (beian_status IN ('filed', 'pending', 'not_filed')),
    beian_number  TEXT,                                                -- 托育机构备案信息系统 number
    is_sample     INTEGER NOT NULL DEFAULT 0 CHECK (is_sample IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    change_seq    INTEGER NOT NULL DEFAULT 0,
    CHECK (beian_status <> 'filed' OR beian_number IS NOT NULL)
);

-- A site parents find (托育点): a main centre or one of its community points.
CREATE TABLE places (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    is_main         INTEGER NOT NULL DEFAULT 1 CHECK (is_main IN (0, 1)),
    name            TEXT    NOT NULL,
    provider_type   TEXT    NOT NULL CHECK (provider_type IN
                        ('pure_childcare', 'kindergarten', 'early_education', 'community', 'family', 'employer')),
    district_id     TEXT    NOT NULL REFERENCES areas (id),
    street_id       TEXT    NOT NULL REFERENCES areas (id),
    address         TEXT    NOT NULL,
    lat             REAL    NOT NULL CHECK (lat BETWEEN -90 AND 90),     -- GCJ-02
    lng             REAL    NOT NULL CHECK (lng BETWEEN -180 AND 180),   -- GCJ-02
    opening_hours   TEXT    NOT NULL,
    phone           TEXT    NOT NULL,
    puhui           INTEGER NOT NULL DEFAULT 0 CHECK (puhui IN (0, 1)),  -- has 普惠托位
    puhui_fee_yuan  INTEGER CHECK (puhui_fee_yuan > 0),                  -- capped 普惠 monthly price
    is_sample       INTEGER NOT NULL DEFAULT 0 CHECK (is_sample IN (0, 1)),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    change_seq      INTEGER NOT NULL DEFAULT 0,
    CHECK (puhui = 0 OR puhui_fee_yuan IS NOT NULL)
);
CREATE INDEX places_org ON places (organisation_id);
CREATE INDEX places_street ON places (street_id);
CREATE INDEX places_district ON places (district_id);
CREATE INDEX places_seq ON places (change_seq);

-- Spatial index over places (SQLite R*Tree): nearby search reads a bounding box
-- from here, never every row.
CREATE VIRTUAL TABLE place_geo USING rtree (id, min_lat, max_lat, min_lng, max_lng);

CREATE TABLE place_badges (
    place_id INTEGER NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    badge    TEXT    NOT NULL CHECK (badge IN
                 ('provincial_puhui', 'provincial_model', 'city_puhui', 'city_model', 'district_model')),
    PRIMARY KEY (place_id, badge)
);

CREATE TABLE place_care_modes (
    place_id  INTEGER NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    care_mode TEXT    NOT NULL CHECK (care_mode IN ('full_day', 'half_day', 'hourly', 'occasional')),
    fee_yuan  INTEGER NOT NULL CHECK (fee_yuan > 0),
    unit      TEXT    NOT NULL CHECK (unit IN ('month', 'day', 'hour')),
    PRIMARY KEY (place_id, care_mode)
);

-- One age band at one place (乳儿班 / 托小班 / 托大班 / 混龄班).
CREATE TABLE classes (
    id           INTEGER PRIMARY KEY,
    place_id     INTEGER NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    age_band     TEXT    NOT NULL CHECK (age_band IN ('infant', 'toddler', 'preschool', 'mixed')),
    capacity     INTEGER NOT NULL CHECK (capacity >= 0),
    enrolled     INTEGER NOT NULL CHECK (enrolled >= 0 AND enrolled <= capacity),
    puhui_slots  INTEGER NOT NULL DEFAULT 0 CHECK (puhui_slots >= 0 AND puhui_slots <= capacity),
    vacancies    INTEGER NOT NULL CHECK (vacancies >= 0 AND vacancies + enrolled <= capacity),
    confirmed_at INTEGER NOT NULL,   -- when an operator last confirmed `vacancies`
    updated_at   INTEGER NOT NULL,   -- when the row last changed
    change_seq   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (place_id, age_band)
);
CREATE INDEX classes_seq ON classes (change_seq);

-- ---------------------------------------------------------------- triggers
-- R*Tree upkeep.
CREATE TRIGGER places_geo_ins AFTER INSERT ON places BEGIN
    INSERT INTO place_geo (id, min_lat, max_lat, min_lng, max_lng) VALUES (NEW.id, NEW.lat, NEW.lat, NEW.lng, NEW.lng);
END;
CREATE TRIGGER places_geo_upd AFTER UPDATE OF lat, lng ON places BEGIN
    UPDATE place_geo SET min_lat = NEW.lat, max_lat = NEW.lat, min_lng = NEW.lng, max_lng = NEW.lng WHERE id = NEW.id;
END;
CREATE TRIGGER places_geo_del AFTER DELETE ON places BEGIN
    DELETE FROM place_geo WHERE id = OLD.id;
END;

-- Change sequence: every insert/update of a cached row takes the next number.
-- The WHEN guard stops the trigger's own UPDATE from firing it again.
CREATE TRIGGER areas_seq_ins AFTER INSERT ON areas BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE areas SET change_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER areas_seq_upd AFTER UPDATE ON areas WHEN NEW.change_seq = OLD.change_seq BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE areas SET change_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;

CREATE TRIGGER organisations_seq_ins AFTER INSERT ON organisations BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE organisations SET change_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER organisations_seq_upd AFTER UPDATE ON organisations WHEN NEW.change_seq = OLD.change_seq BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE organisations SET change_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER organisations_seq_del AFTER DELETE ON organisations BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    INSERT OR REPLACE INTO tombstones (entity, entity_id, change_seq, deleted_at)
        VALUES ('organisation', OLD.id, (SELECT value FROM change_counter WHERE id = 1), unixepoch());
END;

CREATE TRIGGER places_seq_ins AFTER INSERT ON places BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE places SET change_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER places_seq_upd AFTER UPDATE ON places WHEN NEW.change_seq = OLD.change_seq BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE places SET change_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;
END;
CREATE TRIGGER places_seq_del AFTER DELETE ON places BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    INSERT OR REPLACE INTO tombstones (entity, entity_id, change_seq, deleted_at)
        VALUES ('place', OLD.id, (SELECT value FROM change_counter WHERE id = 1), unixepoch());
END;

-- A class change also moves its place's change_seq: a client caching place
-- documents sees the place as changed.
CREATE TRIGGER classes_seq_ins AFTER INSERT ON classes BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE classes SET change_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;
    UPDATE places SET change_seq = change_seq WHERE id = NEW.place_id;
END;
CREATE TRIGGER classes_seq_upd AFTER UPDATE ON classes WHEN NEW.change_seq = OLD.change_seq BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE classes SET change_seq = (SELECT value FROM change_counter WHERE id = 1) WHERE id = NEW.id;
    UPDATE places SET change_seq = change_seq WHERE id = NEW.place_id;
END;
CREATE TRIGGER classes_seq_del AFTER DELETE ON classes BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    INSERT OR REPLACE INTO tombstones (entity, entity_id, change_seq, deleted_at)
        VALUES ('class', OLD.id, (SELECT value FROM change_counter WHERE id = 1), unixepoch());
    UPDATE places SET change_seq = change_seq WHERE id = OLD.place_id;
END;

CREATE TRIGGER badges_touch_ins AFTER INSERT ON place_badges BEGIN
    UPDATE places SET change_seq = change_seq WHERE id = NEW.place_id;
END;
CREATE TRIGGER badges_touch_del AFTER DELETE ON place_badges BEGIN
    UPDATE places SET change_seq = change_seq WHERE id = OLD.place_id;
END;
CREATE TRIGGER care_modes_touch_ins AFTER INSERT ON place_care_modes BEGIN
    UPDATE places SET change_seq = change_seq WHERE id = NEW.place_id;
END;
CREATE TRIGGER care_modes_touch_upd AFTER UPDATE ON place_care_modes BEGIN
    UPDATE places SET change_seq = change_seq WHERE id = NEW.place_id;
END;
CREATE TRIGGER care_modes_touch_del AFTER DELETE ON place_care_modes BEGIN
    UPDATE places SET change_seq = change_seq WHERE id = OLD.place_id;
END;
