-- Vacancies per class × care mode: a 托小班 may have 20 全日托 places and 5 半日托
-- places, each with its own capacity, enrolled and vacancies. The class table is
-- rebuilt (SQLite cannot change a UNIQUE constraint in place); existing rows become
-- the care mode their place offers first (全日托 before 半日托 before 计时托/临时托),
-- keeping their ids, versions and change numbers.

DROP TRIGGER classes_seq_ins;
DROP TRIGGER classes_seq_upd;
DROP TRIGGER classes_seq_del;

CREATE TABLE classes_new (
    id           INTEGER PRIMARY KEY,
    place_id     INTEGER NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    age_band     TEXT    NOT NULL CHECK (age_band IN ('infant', 'toddler', 'preschool', 'mixed')),
    care_mode    TEXT    NOT NULL CHECK (care_mode IN ('full_day', 'half_day', 'hourly', 'occasional')),
    capacity     INTEGER NOT NULL CHECK (capacity >= 0),
    enrolled     INTEGER NOT NULL CHECK (enrolled >= 0 AND enrolled <= capacity),
    puhui_slots  INTEGER NOT NULL DEFAULT 0 CHECK (puhui_slots >= 0 AND puhui_slots <= capacity),
    vacancies    INTEGER NOT NULL CHECK (vacancies >= 0 AND vacancies + enrolled <= capacity),
    confirmed_at INTEGER NOT NULL,   -- when an operator last confirmed `vacancies`
    updated_at   INTEGER NOT NULL,   -- when the row last changed
    change_seq   INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (place_id, age_band, care_mode)
);

INSERT INTO classes_new (id, place_id, age_band, care_mode, capacity, enrolled, puhui_slots, vacancies,
                         confirmed_at, updated_at, change_seq, version)
SELECT c.id, c.place_id, c.age_band,
       COALESCE((SELECT m.care_mode FROM place_care_modes m WHERE m.place_id = c.place_id
                 ORDER BY CASE m.care_mode WHEN 'full_day' THEN 0 WHEN 'half_day' THEN 1 WHEN 'hourly' THEN 2 ELSE 3 END
                 LIMIT 1), 'full_day'),
       c.capacity, c.enrolled, c.puhui_slots, c.vacancies, c.confirmed_at, c.updated_at, c.change_seq, c.version
FROM classes c;

DROP TABLE classes;
ALTER TABLE classes_new RENAME TO classes;
CREATE INDEX classes_seq ON classes (change_seq);
CREATE INDEX classes_place ON classes (place_id);

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

-- Accounts can be switched off by an admin (sessions end at once); organisations
-- record who created them.
ALTER TABLE users ADD COLUMN disabled_at INTEGER;
ALTER TABLE organisations ADD COLUMN created_by INTEGER REFERENCES users (id);
