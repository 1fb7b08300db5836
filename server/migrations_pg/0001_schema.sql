-- =====================================================================================
-- server/migrations_pg/0001_schema.sql — the PostgreSQL schema (issue 17, in progress).
-- NOT YET APPLIED BY THE SERVER: the server serves SQLite only (db::check_url refuses
-- postgres:// with the reason) until the PostgreSQL backend is whole; see ARCHITECTURE.md,
-- "One engine until the second is whole". The test command applies it to a throwaway cluster
-- and compares every table and column with SQLite's (server/tests/api/migrations.rs).
--
-- The FINAL schema of server/migrations/0001_places.sql … 0014_personal_information.sql
-- (the state after all 14 SQLite migrations, rebuilt tables included: classes from 0004,
-- audit_log from 0010, imports from 0013), for a FRESH PostgreSQL 15 + PostGIS 3 database.
--
-- * Same table names, column names and column ORDER as SQLite's PRAGMA table_info, plus one
--   PostgreSQL-only column: places.geog (replaces the R*Tree place_geo).
-- * Back-fill statements of data migrations are left out (0004 classes copy, 0010 audit_log
--   copy, 0013 orders/welfare_plans street_id back-fill and imports copy, 0014 consents
--   back-fill and welfare_plans.consent_id update). Seed rows a fresh database needs are in.
-- * Tables come in foreign-key order; the one cycle (organisations.created_by -> users ->
--   carers -> providers -> organisations) is closed by an ALTER TABLE after users.
-- * No BEGIN/COMMIT here: sqlx's migrator runs each migration in a transaction.
-- * Integer columns are all BIGINT (not only times and ids): the Rust code decodes nearly every
--   SQLite INTEGER as i64, and sqlx-postgres refuses i64 from an INT4 column at run time.
-- * Validated on PostgreSQL 15.18 + PostGIS 3.3.2 (throwaway cluster): the file runs clean
--   (also as one transaction, as sqlx runs it),
--   the column names/order match the SQLite PRAGMA table_info of a database migrated with
--   0001–0014, and the seed rows, the GLOB→regex CHECK and the geog column behave.
-- =====================================================================================

-- PostGIS is not a "trusted" extension: creating it needs a superuser (or a DBA does it
-- once per database before the app's migrations run).
CREATE EXTENSION IF NOT EXISTS postgis;

-- ------------------------------------------------------------------ change sequence
-- SQLite (0001): change_counter(id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER) plus
-- AFTER INSERT/UPDATE/DELETE triggers that bumped it and stamped change_seq. NOT ported as
-- triggers. Instead every writing transaction that changes a cached row does, once,
--     UPDATE change_counter SET value = value + 1 RETURNING value;
-- and stamps every row it inserts/updates with that value (change_seq = $seq), and writes
-- tombstones with it. The UPDATE takes the row lock on the single counter row and holds it
-- to COMMIT, so a second writer blocks on it until the first has committed (or rolled back):
-- counter order = commit order, and a reader can never see number N+1 committed while N is
-- still in flight. All rows of one transaction share one number (SQLite gave one per row);
-- `change_seq > since` works the same. Readers that return (seq, rows) together — changes(),
-- area_places() — must read both in one REPEATABLE READ transaction (PG's READ COMMITTED
-- takes a new snapshot per statement). The app code says `WHERE id = 1` today: with a
-- BOOLEAN key that becomes `WHERE id` (or no WHERE: there is one row).
--
-- What the SQLite triggers did, which the app must now do itself in the same transaction:
--   areas          INSERT/UPDATE -> stamp the row                      (no delete trigger)
--   organisations  INSERT/UPDATE -> stamp; DELETE -> tombstone ('organisation', id)
--   places         INSERT/UPDATE -> stamp; DELETE -> tombstone ('place', id)
--   classes        INSERT/UPDATE -> stamp class AND its place; DELETE -> tombstone ('class', id)
--                  and stamp its place
--   place_badges   INSERT/DELETE -> stamp the place
--   place_care_modes INSERT/UPDATE/DELETE -> stamp the place
-- Tombstone writes were `INSERT OR REPLACE` with deleted_at = unixepoch(): in PG
--   INSERT INTO tombstones (entity, entity_id, change_seq, deleted_at) VALUES ($1, $2::text, $seq, $now)
--   ON CONFLICT (entity, entity_id) DO UPDATE SET change_seq = excluded.change_seq, deleted_at = excluded.deleted_at;
-- (entity_id is TEXT: SQLite's TEXT affinity turned OLD.id into '8'; PG needs the explicit cast.)
-- A row inserted without a stamp keeps DEFAULT 0 and is never sent by the changes feed.
-- Note ON DELETE CASCADE from places to classes / badges / care modes: SQLite fired the
-- classes delete trigger for cascaded rows (tombstone per class); the app must write those
-- class tombstones itself before deleting a place.
CREATE TABLE change_counter (
    id    BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    value BIGINT  NOT NULL
);
INSERT INTO change_counter (id, value) VALUES (TRUE, 0);

-- Sync bookkeeping (0002). Seed row needed by every fresh database.
CREATE TABLE sync_meta (
    key   TEXT   PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO sync_meta (key, value) VALUES ('tombstone_horizon', 0);

CREATE TABLE tombstones (
    entity     TEXT   NOT NULL,   -- 'place' | 'class' | 'organisation' | 'area'
    entity_id  TEXT   NOT NULL,
    change_seq BIGINT NOT NULL,
    deleted_at BIGINT NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
CREATE INDEX tombstones_seq ON tombstones (change_seq);

-- ------------------------------------------------------------------ areas, organisations, places
CREATE TABLE areas (
    id         TEXT   PRIMARY KEY,
    parent_id  TEXT   REFERENCES areas (id),
    level      TEXT   NOT NULL CHECK (level IN ('district', 'street')),
    city       TEXT   NOT NULL,
    name       TEXT   NOT NULL,
    lat        DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng        DOUBLE PRECISION NOT NULL CHECK (lng BETWEEN -180 AND 180),
    sort_order BIGINT NOT NULL DEFAULT 0,
    change_seq BIGINT NOT NULL DEFAULT 0,
    CHECK ((level = 'district') = (parent_id IS NULL))
);
CREATE INDEX areas_parent ON areas (parent_id);

CREATE TABLE organisations (
    id            BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name          TEXT    NOT NULL,
    uscc          TEXT    NOT NULL UNIQUE CHECK (length(uscc) = 18),   -- 统一社会信用代码
    beian_status  TEXT    NOT NULL CHECK (beian_status IN ('filed', 'pending', 'not_filed')),
    beian_number  TEXT,
    is_sample     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT  NOT NULL,
    updated_at    BIGINT  NOT NULL,
    change_seq    BIGINT  NOT NULL DEFAULT 0,
    created_by    BIGINT,            -- FK to users (id): added after users, below (0004)
    CHECK (beian_status <> 'filed' OR beian_number IS NOT NULL)
);

-- A site parents find (托育点). Coordinates GCJ-02 (see note on SRID at the end).
CREATE TABLE places (
    id                  BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    organisation_id     BIGINT  NOT NULL REFERENCES organisations (id),
    is_main             BOOLEAN NOT NULL DEFAULT TRUE,
    name                TEXT    NOT NULL,
    provider_type       TEXT    NOT NULL CHECK (provider_type IN
                            ('pure_childcare', 'kindergarten', 'early_education', 'community', 'family', 'employer')),
    district_id         TEXT    NOT NULL REFERENCES areas (id),
    street_id           TEXT    NOT NULL REFERENCES areas (id),
    address             TEXT    NOT NULL,
    lat                 DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng                 DOUBLE PRECISION NOT NULL CHECK (lng BETWEEN -180 AND 180),
    opening_hours       TEXT    NOT NULL,
    phone               TEXT    NOT NULL,
    puhui               BOOLEAN NOT NULL DEFAULT FALSE,                      -- has 普惠托位
    puhui_fee_yuan      BIGINT  CHECK (puhui_fee_yuan > 0),
    is_sample           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    change_seq          BIGINT  NOT NULL DEFAULT 0,
    closed_at           BIGINT,                                              -- 0010
    registry_code       TEXT,                                                -- 0010
    location_unverified BOOLEAN NOT NULL DEFAULT FALSE,                      -- 0010
    -- PostgreSQL only: replaces the SQLite R*Tree `place_geo` and its 3 upkeep triggers.
    geog                geography(Point, 4326)
                        GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography) STORED,
    CHECK (NOT puhui OR puhui_fee_yuan IS NOT NULL)                          -- was: puhui = 0 OR …
);
CREATE INDEX places_org ON places (organisation_id);
CREATE INDEX places_street ON places (street_id);
CREATE INDEX places_district ON places (district_id);
CREATE INDEX places_seq ON places (change_seq);
CREATE UNIQUE INDEX places_registry_code ON places (organisation_id, registry_code) WHERE registry_code IS NOT NULL;
CREATE INDEX places_geog ON places USING GIST (geog);

CREATE TABLE place_badges (
    place_id BIGINT NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    badge    TEXT   NOT NULL CHECK (badge IN
                 ('provincial_puhui', 'provincial_model', 'city_puhui', 'city_model', 'district_model')),
    PRIMARY KEY (place_id, badge)
);

CREATE TABLE place_care_modes (
    place_id  BIGINT NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    care_mode TEXT   NOT NULL CHECK (care_mode IN ('full_day', 'half_day', 'hourly', 'occasional')),
    fee_yuan  BIGINT NOT NULL CHECK (fee_yuan > 0),
    unit      TEXT   NOT NULL CHECK (unit IN ('month', 'day', 'hour')),
    PRIMARY KEY (place_id, care_mode)
);

-- As rebuilt by 0004 (class × care mode), with `version` from 0003.
CREATE TABLE classes (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    place_id     BIGINT NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    age_band     TEXT   NOT NULL CHECK (age_band IN ('infant', 'toddler', 'preschool', 'mixed')),
    care_mode    TEXT   NOT NULL CHECK (care_mode IN ('full_day', 'half_day', 'hourly', 'occasional')),
    capacity     BIGINT NOT NULL CHECK (capacity >= 0),
    enrolled     BIGINT NOT NULL CHECK (enrolled >= 0 AND enrolled <= capacity),
    puhui_slots  BIGINT NOT NULL DEFAULT 0 CHECK (puhui_slots >= 0 AND puhui_slots <= capacity),
    vacancies    BIGINT NOT NULL CHECK (vacancies >= 0 AND vacancies + enrolled <= capacity),
    confirmed_at BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    change_seq   BIGINT NOT NULL DEFAULT 0,
    version      BIGINT NOT NULL DEFAULT 1,
    UNIQUE (place_id, age_band, care_mode)
);
CREATE INDEX classes_seq ON classes (change_seq);
CREATE INDEX classes_place ON classes (place_id);

-- ------------------------------------------------------------------ devices (0002, 0009, 0014)
CREATE TABLE devices (
    key_hash      TEXT   PRIMARY KEY,       -- hex SHA-256 of the device key
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL
);
-- Seed (0014): erased records are moved to this device, which no key hashes to.
INSERT INTO devices (key_hash, created_at, last_seen_at) VALUES ('erased', 0, 0) ON CONFLICT (key_hash) DO NOTHING;

CREATE TABLE idempotency_keys (
    device_hash  TEXT   NOT NULL REFERENCES devices (key_hash),
    key          TEXT   NOT NULL,
    request_hash TEXT   NOT NULL,
    status       BIGINT NOT NULL,           -- HTTP status
    response     TEXT   NOT NULL,           -- the JSON body (see "unsure" list: could stay TEXT)
    created_at   BIGINT NOT NULL,
    address_hash TEXT,                      -- 0009
    PRIMARY KEY (device_hash, key)
);
CREATE INDEX idempotency_keys_address ON idempotency_keys (address_hash, created_at) WHERE address_hash IS NOT NULL;
CREATE INDEX idempotency_keys_recent ON idempotency_keys (device_hash, created_at);

CREATE TABLE favorites (
    device_hash TEXT   NOT NULL REFERENCES devices (key_hash),
    place_id    BIGINT NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (device_hash, place_id)
);

-- ------------------------------------------------------------------ home-care providers (0006, 0011, 0012)
CREATE TABLE providers (
    id                  BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    organisation_id     BIGINT  NOT NULL REFERENCES organisations (id),
    name                TEXT    NOT NULL,
    kind                TEXT    NOT NULL CHECK (kind IN ('home_care_centre', 'home_care_station', 'street_centre', 'meal_point', 'nursing_station')),
    district_id         TEXT    NOT NULL REFERENCES areas (id),
    street_id           TEXT    NOT NULL REFERENCES areas (id),
    address             TEXT    NOT NULL,
    lat                 DOUBLE PRECISION NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng                 DOUBLE PRECISION NOT NULL CHECK (lng BETWEEN -180 AND 180),
    phone               TEXT    NOT NULL,
    emergency_phone     TEXT    NOT NULL,
    serve_radius_m      BIGINT  CHECK (serve_radius_m IS NULL OR serve_radius_m BETWEEN 100 AND 50000),
    cancel_window_h     BIGINT  NOT NULL DEFAULT 12 CHECK (cancel_window_h BETWEEN 0 AND 168),
    is_sample           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          BIGINT  NOT NULL,
    closed_at           BIGINT,                                   -- 0012
    registry_code       TEXT,                                     -- 0012
    location_unverified BOOLEAN NOT NULL DEFAULT FALSE            -- 0012
);
CREATE INDEX providers_district ON providers (district_id);
CREATE INDEX providers_org ON providers (organisation_id);
CREATE UNIQUE INDEX providers_registry_code ON providers (organisation_id, registry_code) WHERE registry_code IS NOT NULL;

CREATE TABLE provider_streets (
    provider_id BIGINT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    street_id   TEXT   NOT NULL REFERENCES areas (id),
    PRIMARY KEY (provider_id, street_id)
);

CREATE TABLE provider_items (
    provider_id       BIGINT  NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    service_item      TEXT    NOT NULL CHECK (service_item IN ('meal', 'cleaning', 'bathing', 'medical_escort', 'mobility',
                          'welfare_visit', 'life_care', 'rehab_nursing', 'companionship', 'respite', 'errands', 'adaptation_assessment')),
    duration_min      BIGINT  NOT NULL CHECK (duration_min BETWEEN 5 AND 1440),
    market_price_yuan BIGINT  NOT NULL CHECK (market_price_yuan BETWEEN 0 AND 100000),
    meal_modes        TEXT    NOT NULL DEFAULT '[]',   -- JSON array of dine_in / pick_up / delivery
    active            BOOLEAN NOT NULL DEFAULT TRUE,          -- 0012
    PRIMARY KEY (provider_id, service_item)
);

CREATE TABLE provider_timeslots (
    id           BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    provider_id  BIGINT  NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    service_item TEXT    NOT NULL,
    weekday      BIGINT  NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min    BIGINT  NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min      BIGINT  NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
    capacity     BIGINT  NOT NULL CHECK (capacity BETWEEN 1 AND 100),
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    created_at   BIGINT  NOT NULL,
    FOREIGN KEY (provider_id, service_item) REFERENCES provider_items (provider_id, service_item) ON DELETE CASCADE
);
CREATE INDEX provider_timeslots_provider ON provider_timeslots (provider_id, service_item, active);

CREATE TABLE carers (
    id                     BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    provider_id            BIGINT  NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    name                   TEXT    NOT NULL,
    phone                  TEXT    NOT NULL,
    level                  TEXT    NOT NULL CHECK (level IN ('junior', 'intermediate', 'senior')),
    certificate_no         TEXT    NOT NULL,
    active                 BOOLEAN NOT NULL DEFAULT TRUE,
    is_sample              BOOLEAN NOT NULL DEFAULT FALSE,
    created_at             BIGINT  NOT NULL,
    -- 0011; was GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' (whole-string match)
    certificate_expires_on TEXT    CHECK (certificate_expires_on IS NULL OR certificate_expires_on ~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'),
    disabled_at            BIGINT                                 -- 0011
);
CREATE INDEX carers_provider ON carers (provider_id, active);
CREATE INDEX carers_certificate ON carers (provider_id, certificate_no);

-- ------------------------------------------------------------------ accounts (0003, 0004, 0008)
CREATE TABLE users (
    id              BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    username        TEXT    NOT NULL UNIQUE CHECK (length(username) BETWEEN 3 AND 64),
    display_name    TEXT    NOT NULL,
    password_hash   TEXT    NOT NULL,              -- argon2id PHC string
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'operator', 'supervisor')),
    organisation_id BIGINT  REFERENCES organisations (id),
    district_id     TEXT    REFERENCES areas (id),
    is_sample       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT  NOT NULL,
    disabled_at     BIGINT,                        -- 0004
    carer_id        BIGINT  REFERENCES carers (id),-- 0008
    CHECK ((role = 'operator') = (organisation_id IS NOT NULL)),
    CHECK ((role = 'supervisor') = (district_id IS NOT NULL))
);

-- 0004: organisations record who created them (closes the organisations <-> users cycle).
ALTER TABLE organisations
    ADD CONSTRAINT organisations_created_by_fkey FOREIGN KEY (created_by) REFERENCES users (id);

CREATE TABLE sessions (
    token_hash  TEXT   PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_attempts (
    id        BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    username  TEXT    NOT NULL,
    address   TEXT    NOT NULL,
    ok        BOOLEAN NOT NULL,                    -- no default in SQLite either
    at        BIGINT  NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (username, at);
CREATE INDEX login_attempts_address ON login_attempts (address, at);

-- As rebuilt by 0010 (user_id nullable, actor added).
CREATE TABLE audit_log (
    id              BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    user_id         BIGINT REFERENCES users (id),
    actor           TEXT,                          -- e.g. 'cli import places FILE' when user_id is NULL
    organisation_id BIGINT REFERENCES organisations (id),
    place_id        BIGINT REFERENCES places (id) ON DELETE SET NULL,
    class_id        BIGINT,                        -- no FK (kept when the class goes)
    action          TEXT   NOT NULL,
    detail          TEXT   NOT NULL,               -- JSON: before / after / choice
    at              BIGINT NOT NULL,
    CHECK (user_id IS NOT NULL OR actor IS NOT NULL)
);
CREATE INDEX audit_place ON audit_log (place_id, at);

-- ------------------------------------------------------------------ parents' requests (0005, 0009)
CREATE TABLE timeslots (
    id         BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    place_id   BIGINT  NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL CHECK (kind IN ('visit', 'trial')),
    weekday    BIGINT  NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min  BIGINT  NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min    BIGINT  NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
    capacity   BIGINT  NOT NULL CHECK (capacity BETWEEN 1 AND 50),
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT  NOT NULL
);
CREATE INDEX timeslots_place ON timeslots (place_id, active);

-- Text primary key (UUID from the device): SQLite ordered ties by the hidden rowid; see the
-- rowid section at the end (suggested `seq` column, not added here).
CREATE TABLE requests (
    id                TEXT    PRIMARY KEY,
    device_hash       TEXT    NOT NULL REFERENCES devices (key_hash),
    place_id          BIGINT  NOT NULL REFERENCES places (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('visit', 'trial', 'application')),
    timeslot_id       BIGINT  REFERENCES timeslots (id),
    timeslot_date     TEXT,                                -- 'YYYY-MM-DD', Beijing
    class_id          BIGINT,                              -- no FK (kept if the class goes)
    age_band          TEXT,
    care_mode         TEXT,
    child_birth_month TEXT,                                -- 'YYYY-MM'
    start_month       TEXT,                                -- 'YYYY-MM'
    puhui             BOOLEAN NOT NULL DEFAULT FALSE,
    priority_grounds  TEXT    NOT NULL DEFAULT '[]',-- JSON array of declared grounds
    priority          BOOLEAN NOT NULL DEFAULT FALSE,      -- 0/1: any ground declared
    contact_name      TEXT    NOT NULL,
    contact_phone     TEXT    NOT NULL,
    consent_at        BIGINT  NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('submitted', 'confirmed', 'waitlisted', 'offered', 'declined', 'cancelled')),
    message           TEXT,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    decided_by        BIGINT  REFERENCES users (id),
    CHECK ((kind = 'application') = (class_id IS NOT NULL)),
    CHECK ((kind = 'application') <> (timeslot_id IS NOT NULL AND timeslot_date IS NOT NULL))
);
CREATE INDEX requests_timeslot ON requests (timeslot_id, timeslot_date, status);
CREATE INDEX requests_place ON requests (place_id, status, created_at);
CREATE INDEX requests_class ON requests (class_id, status, priority, created_at);
CREATE INDEX requests_device ON requests (device_hash, updated_at);
CREATE INDEX requests_phone ON requests (place_id, contact_phone, status);
CREATE INDEX requests_contact ON requests (contact_phone, kind, created_at);   -- 0009

-- ------------------------------------------------------------------ who pays (0006)
CREATE TABLE subsidy_rules (
    id            BIGINT  GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    priority      BIGINT  NOT NULL,          -- ORDERING number (10, 20, 30): NOT a boolean
    name          TEXT    NOT NULL,
    explanation   TEXT    NOT NULL,
    condition     TEXT    NOT NULL,          -- {"min_age", "any_category", "any_capability", "items", "age_or_category"}
    payer         TEXT    NOT NULL CHECK (payer IN ('government_purchase', 'subsidy')),
    share_percent BIGINT  NOT NULL CHECK (share_percent BETWEEN 0 AND 100),
    cap_yuan      BIGINT  CHECK (cap_yuan IS NULL OR cap_yuan >= 0),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    is_sample     BOOLEAN NOT NULL DEFAULT FALSE
);
-- Seed (0006): the sample rule table every fresh database starts with (explicit ids 1–3).
INSERT INTO subsidy_rules (id, priority, name, explanation, condition, payer, share_percent, cap_yuan, is_sample) VALUES
 (1, 10, '政府购买服务：高龄经济困难（示例规则）',
  '80 周岁以上、属于特困/低保/低保边缘/经济困难的老人，由政府购买服务全额支付。',
  '{"min_age":80,"any_category":["tekun","dibao","dibao_edge","economic_hardship"]}', 'government_purchase', 100, NULL, TRUE),
 (2, 20, '政府购买服务：困难失能（示例规则）',
  '特困/低保/低保边缘/经济困难、且经能力评估为中度或重度失能的老人，由政府购买服务全额支付。',
  '{"any_category":["tekun","dibao","dibao_edge","economic_hardship"],"any_capability":["moderate","severe"]}', 'government_purchase', 100, NULL, TRUE),
 (3, 30, '服务补贴：高龄及特殊群体（示例规则）',
  '80 周岁以上，或属于特困、低保、低保边缘、经济困难、计划生育特殊家庭、重残的老人，补贴市场价的一半，每单最多 40 元。',
  '{"min_age":80,"any_category":["tekun","dibao","dibao_edge","economic_hardship","family_planning_special","severe_disability"],"age_or_category":true}',
  'subsidy', 50, 40, TRUE);
-- Explicit ids do not advance an identity sequence: move it past them, or the next
-- default insert would try id 1 again.
SELECT setval(pg_get_serial_sequence('subsidy_rules', 'id'), (SELECT max(id) FROM subsidy_rules));

-- ------------------------------------------------------------------ orders and visits (0007, 0008, 0013)
-- Text primary key (UUID from the device): see the rowid section at the end.
CREATE TABLE orders (
    id                    TEXT   PRIMARY KEY,
    device_hash           TEXT   NOT NULL REFERENCES devices (key_hash),
    provider_id           BIGINT NOT NULL REFERENCES providers (id),
    service_item          TEXT   NOT NULL,
    meal_mode             TEXT   CHECK (meal_mode IS NULL OR meal_mode IN ('dine_in', 'pick_up', 'delivery')),
    timeslot_id           BIGINT NOT NULL REFERENCES provider_timeslots (id),
    visit_date            TEXT   NOT NULL,              -- 'YYYY-MM-DD', Beijing
    elder                 TEXT   NOT NULL,              -- JSON: the shared profile
    elder_name            TEXT   NOT NULL,
    quote                 TEXT   NOT NULL,              -- JSON: the price and who pays
    category_confirmed_at BIGINT,
    status                TEXT   NOT NULL CHECK (status IN ('submitted', 'accepted', 'assigned', 'in_service', 'completed', 'declined', 'cancelled')),
    carer_id              BIGINT REFERENCES carers (id),
    message               TEXT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    check_in_at           BIGINT,                       -- 0008 from here
    check_in_received_at  BIGINT,
    check_in_lat          DOUBLE PRECISION,
    check_in_lng          DOUBLE PRECISION,
    check_in_distance_m   DOUBLE PRECISION,
    check_out_at          BIGINT,
    check_out_received_at BIGINT,
    check_out_lat         DOUBLE PRECISION,
    check_out_lng         DOUBLE PRECISION,
    check_out_distance_m  DOUBLE PRECISION,
    tasks                 TEXT ,                        -- JSON [{task, done, reason}]
    carer_note            TEXT,
    rating                BIGINT CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
    rating_comment        TEXT,
    rated_at              BIGINT,
    street_id             TEXT   REFERENCES areas (id)  -- 0013
);
CREATE INDEX orders_timeslot ON orders (timeslot_id, visit_date, status);
CREATE INDEX orders_provider ON orders (provider_id, status, created_at);
CREATE INDEX orders_device ON orders (device_hash, updated_at);
CREATE INDEX orders_carer ON orders (carer_id, visit_date);
CREATE INDEX orders_street ON orders (street_id, visit_date);

-- ------------------------------------------------------------------ consents (0014) before welfare_plans (FK)
CREATE TABLE consents (
    id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    device_hash    TEXT   NOT NULL REFERENCES devices (key_hash),
    subject_kind   TEXT   NOT NULL CHECK (subject_kind IN ('request', 'order', 'plan')),
    subject_id     TEXT   NOT NULL,
    purpose        TEXT   NOT NULL CHECK (purpose IN ('contact', 'child_data', 'provider_share', 'elder_health', 'elder_categories', 'weekly_visit')),
    text_version   BIGINT NOT NULL,
    text           TEXT   NOT NULL,             -- the wording as shown
    covers         TEXT   NOT NULL,             -- JSON array: what it covers, in words
    recipient      TEXT   NOT NULL,             -- 'place:<id>' or 'provider:<id>'
    recipient_name TEXT   NOT NULL,
    given_at       BIGINT NOT NULL,
    withdrawn_at   BIGINT,
    UNIQUE (subject_kind, subject_id, purpose)
);
CREATE INDEX consents_device ON consents (device_hash, given_at);

CREATE TABLE welfare_plans (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    device_hash  TEXT   NOT NULL REFERENCES devices (key_hash),
    elder_name   TEXT   NOT NULL,
    elder_phone  TEXT   NOT NULL,
    elder        TEXT   NOT NULL,             -- JSON: the profile as last shared
    reason       TEXT   NOT NULL,
    provider_id  BIGINT NOT NULL REFERENCES providers (id),
    started_on   TEXT   NOT NULL,             -- 'YYYY-MM-DD', Beijing
    ended_on     TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    street_id    TEXT   REFERENCES areas (id),     -- 0013
    consent_id   BIGINT REFERENCES consents (id),  -- 0014
    UNIQUE (device_hash, elder_name, elder_phone)
);
CREATE INDEX welfare_plans_provider ON welfare_plans (provider_id);
CREATE INDEX welfare_plans_street ON welfare_plans (street_id);

CREATE TABLE welfare_visits (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    plan_id      BIGINT NOT NULL REFERENCES welfare_plans (id) ON DELETE CASCADE,
    week_start   TEXT   NOT NULL,             -- Monday, 'YYYY-MM-DD'
    due_on       TEXT   NOT NULL,             -- Sunday of that week
    status       TEXT   NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'done', 'missed')),
    mode         TEXT   CHECK (mode IS NULL OR mode IN ('in_person', 'phone', 'video')),
    done_at      BIGINT,
    carer_id     BIGINT REFERENCES carers (id),
    note         TEXT,
    recorded_by  BIGINT REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (plan_id, week_start)
);
CREATE INDEX welfare_visits_status ON welfare_visits (status, due_on);

-- ------------------------------------------------------------------ supervision (0013)
CREATE TABLE population (
    street_id   TEXT    NOT NULL REFERENCES areas (id),
    year        BIGINT  NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    resident    BIGINT  NOT NULL CHECK (resident > 0),
    age_0_3     BIGINT  NOT NULL CHECK (age_0_3 >= 0 AND age_0_3 <= resident),
    age_60      BIGINT  NOT NULL CHECK (age_60 >= 0 AND age_60 <= resident),
    age_65      BIGINT  NOT NULL CHECK (age_65 >= 0 AND age_65 <= age_60),
    age_80      BIGINT  NOT NULL CHECK (age_80 >= 0 AND age_80 <= age_65),
    communities BIGINT  CHECK (communities IS NULL OR communities >= 0),
    source      TEXT    NOT NULL,
    is_sample   BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at  BIGINT  NOT NULL,
    PRIMARY KEY (street_id, year)
);

-- Rows are seeded by the Rust code from db/indicator_targets.csv (targets.rs), not by a migration.
CREATE TABLE indicator_targets (
    id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    scope         TEXT   NOT NULL,
    scope_name    TEXT   NOT NULL,
    name          TEXT   NOT NULL,
    indicator     TEXT,
    unit          TEXT   NOT NULL,
    baseline_year BIGINT,
    baseline      DOUBLE PRECISION,
    target_year   BIGINT NOT NULL,
    target        DOUBLE PRECISION NOT NULL,
    binding       TEXT,                  -- 约束性 / 预期性
    source        TEXT   NOT NULL,
    updated_at    BIGINT NOT NULL,
    updated_by    BIGINT REFERENCES users (id),
    UNIQUE (scope, name, target_year)
);
CREATE INDEX indicator_targets_indicator ON indicator_targets (indicator, scope);

CREATE TABLE indicator_snapshots (
    area_id     TEXT    NOT NULL REFERENCES areas (id),
    month       TEXT    NOT NULL,        -- 'YYYY-MM', Beijing
    indicator   TEXT    NOT NULL,
    value       DOUBLE PRECISION,
    numerator   DOUBLE PRECISION NOT NULL,
    denominator DOUBLE PRECISION,
    computed_at BIGINT  NOT NULL,
    backfilled  BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (area_id, month, indicator)
);

-- As rebuilt by 0013 (kind 'population' added).
CREATE TABLE imports (
    id          TEXT   PRIMARY KEY,                -- client-generated UUID
    kind        TEXT   NOT NULL CHECK (kind IN ('places', 'providers', 'population')),
    file_name   TEXT   NOT NULL,
    encoding    TEXT   NOT NULL,                   -- asked: auto | utf-8 | gb18030
    content     BYTEA  NOT NULL,                   -- was BLOB
    sha256      TEXT   NOT NULL,
    created_by  BIGINT REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    applied_at  BIGINT,
    result      TEXT                               -- JSON, written but never parsed back: kept TEXT
);

-- ------------------------------------------------------------------ personal information (0014)
CREATE TABLE access_log (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at           BIGINT NOT NULL,
    day          TEXT   NOT NULL,              -- 'YYYY-MM-DD', Beijing
    user_id      BIGINT NOT NULL REFERENCES users (id),
    who          TEXT   NOT NULL,
    what         TEXT   NOT NULL CHECK (what IN ('elder_profile', 'child_application', 'phone', 'export')),
    subject_kind TEXT,
    subject_id   TEXT,
    device_hash  TEXT,                          -- no FK in SQLite either
    why          TEXT   NOT NULL
);
-- NULLs stay distinct (PG 15 default, same as SQLite).
CREATE UNIQUE INDEX access_log_daily ON access_log (user_id, what, subject_kind, subject_id, day) WHERE what <> 'export';
CREATE INDEX access_log_device ON access_log (device_hash, at);
CREATE INDEX access_log_at ON access_log (at);

CREATE TABLE device_links (
    member_hash TEXT   PRIMARY KEY REFERENCES devices (key_hash),
    owner_hash  TEXT   NOT NULL REFERENCES devices (key_hash),
    created_at  BIGINT NOT NULL
);
CREATE INDEX device_links_owner ON device_links (owner_hash);

CREATE TABLE transfer_codes (
    code_hash   TEXT   PRIMARY KEY,
    device_hash TEXT   NOT NULL REFERENCES devices (key_hash),
    mode        TEXT   NOT NULL CHECK (mode IN ('take', 'share', 'recover')),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT,                        -- NULL: a recovery code
    used_at     BIGINT
);
CREATE INDEX transfer_codes_device ON transfer_codes (device_hash, mode);

CREATE TABLE code_attempts (
    id           BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    address_hash TEXT   NOT NULL,
    device_hash  TEXT   NOT NULL,               -- no FK in SQLite either
    at           BIGINT NOT NULL
);
CREATE INDEX code_attempts_address ON code_attempts (address_hash, at);
CREATE INDEX code_attempts_device ON code_attempts (device_hash, at);

-- =====================================================================================
-- NOTES (comment only)
-- =====================================================================================
--
-- 1. SQLITE-SPECIFIC THINGS CHANGED, AND HOW
--   a. INTEGER PRIMARY KEY (rowid alias; no table uses AUTOINCREMENT) -> BIGINT GENERATED BY
--      DEFAULT AS IDENTITY, on the 17 tables organisations, places, classes, users,
--      login_attempts, audit_log, timeslots, providers, provider_timeslots, carers,
--      subsidy_rules, welfare_plans, welfare_visits, indicator_targets, consents, access_log,
--      code_attempts. BY DEFAULT (not ALWAYS) because ids are inserted explicitly:
--        - migrations: subsidy_rules 1–3 (seed above, followed by setval);
--        - tests: organisations, places, providers, provider_timeslots, welfare_plans
--          (tests/api/supervise.rs), classes (tests/api/migrations.rs, SQLite-only test).
--        - sample data (db/sample/*) inserts NO explicit integer ids (only text area ids).
--      After explicit ids the sequence must be moved (setval) or later default inserts collide.
--      Differences: SQLite's rowid alias may reuse max(id)+1 after the top row is deleted;
--      an identity never reuses, and allocation order ≠ commit order under concurrency.
--      The app's `last_insert_rowid()` (organisations, places, providers, provider_timeslots,
--      timeslots, users, carers, classes) becomes `INSERT … RETURNING id`.
--   b. Every other INTEGER -> BIGINT (times in unix seconds, counts, money, minutes, years,
--      change_seq, version, status, rating …): sqlx decodes them as i64. The few Rust spots
--      that bind/decode u32 or i32 must use i64 (sqlx-postgres has no unsigned types).
--   c. 0/1 flag columns (CHECK (x IN (0, 1)) in SQLite) -> BOOLEAN, defaults 0/1 -> FALSE/TRUE,
--      and the IN (0, 1) CHECKs dropped (the type enforces it). 20 columns:
--        organisations.is_sample, places.is_main (DEFAULT TRUE), places.puhui, places.is_sample,
--        places.location_unverified, users.is_sample, login_attempts.ok (no default),
--        timeslots.active (TRUE), requests.puhui, requests.priority, providers.is_sample,
--        providers.location_unverified, provider_items.active (TRUE), provider_timeslots.active
--        (TRUE), carers.active (TRUE), carers.is_sample, subsidy_rules.active (TRUE),
--        subsidy_rules.is_sample, population.is_sample, indicator_snapshots.backfilled.
--      CHECKs that compared a flag with 0 were rewritten: places CHECK (puhui = 0 OR …) ->
--      CHECK (NOT puhui OR …). Seeds use TRUE (subsidy_rules.is_sample).
--      Code impact: SQL literals `is_sample = 1`, `active = 0/1`, `ok = 0`, `p.puhui = 1`,
--      `backfilled = 0/1`, `sum(flag)`, `max(p.is_sample)` and Rust reads of flags as i64
--      (`sample == 1`, `puhui == 1`, `s.3 == 1` in supervise.rs) must change.
--   d. REAL -> DOUBLE PRECISION. BLOB (imports.content) -> BYTEA.
--   e. JSON columns stay TEXT, as in SQLite: the code binds and reads them as Strings parsed
--      with serde_json on both engines (sqlx-postgres neither binds a String to JSONB nor
--      decodes JSONB into one), and the few statements that look inside them use the same
--      JSON path functions (0002_sqlite_functions.sql) or a PostgreSQL text of their own.
--   f. R*Tree virtual table place_geo(id, min_lat, max_lat, min_lng, max_lng) (+ its shadow
--      tables place_geo_node/_parent/_rowid) and triggers places_geo_ins/_upd/_del -> dropped;
--      places.geog geography(Point, 4326) GENERATED ALWAYS … STORED + GiST index places_geog
--      (kept in step with lat/lng by PostgreSQL itself). Nearby search (places.rs Select::BBox,
--      "id IN (SELECT id FROM place_geo WHERE min_lat >= ? …)", box from bbox_around(origin,
--      radius), then the Rust distance filter in app::rules::search) becomes e.g.
--        WHERE ST_DWithin(p.geog, ST_SetSRID(ST_MakePoint($lng, $lat), 4326)::geography, $radius_m * 1.01)
--      keeping the Rust distance filter as the exact cut (the 1 % margin covers haversine vs
--      PostGIS's spheroid). Avoid `geog && ST_MakeEnvelope(…)::geography` as a stand-in for
--      the box: a geography polygon's edges are great-circle arcs, not parallels, so it is not
--      the same lat/lng rectangle. (ST_DWithin uses places_geog: checked with EXPLAIN.)
--      SRID: coordinates are GCJ-02, not WGS-84; 4326 is a label only. Distances between two
--      GCJ-02 points are right to a few metres, so ST_DWithin is fine; never mix in true WGS-84
--      data or transform. providers also have lat/lng (+ serve_radius_m) but had no R*Tree:
--      a second geog column there is optional, not added.
--   g. Change-sequence triggers (areas_seq_ins/_upd, organisations_seq_ins/_upd/_del,
--      places_seq_ins/_upd/_del, classes_seq_ins/_upd/_del, badges_touch_ins/_del,
--      care_modes_touch_ins/_upd/_del: 16 triggers) -> not ported; single-row change_counter
--      (id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id)) + the app stamps rows (see the comment
--      at change_counter). change_seq columns kept (BIGINT NOT NULL DEFAULT 0).
--   h. change_counter.id INTEGER CHECK (id = 1) -> BOOLEAN CHECK (id); seed (1, 0) -> (TRUE, 0).
--   i. GLOB CHECK on carers.certificate_expires_on -> POSIX regex '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]$'.
--   j. Circular FK organisations.created_by -> users: column declared in place (position 10,
--      as in SQLite), FK added by ALTER TABLE after users (constraint organisations_created_by_fkey).
--   k. `INSERT OR IGNORE` seed of the 'erased' device -> INSERT … ON CONFLICT DO NOTHING.
--   l. Table rebuilds (classes_new, audit_log_new, imports_new + RENAME) -> created once in
--      their final shape; DROP TRIGGER/re-create of classes triggers -> nothing (no triggers).
--   m. Stricter in PG (no change needed on a fresh DB, but data copied from SQLite may fail):
--      a TEXT PRIMARY KEY may hold NULL in SQLite (legacy quirk), never in PG; SQLite type
--      affinity lets any column hold any type (e.g. '12' in an INTEGER column), PG does not;
--      SQLite enforces FKs only with PRAGMA foreign_keys=ON (the app sets it), PG always.
--   n. Not schema, for the port of the SQL: `unixepoch()` (sample inserts) -> pass $now or
--      extract(epoch from now())::bigint; json_each(?) -> jsonb_array_elements_text($1::jsonb)
--      or `= ANY($1)`; json_extract(x, '$.k') -> x->>'k' (cast for numbers: (x->>'k')::bigint);
--      json_set(…) -> jsonb_set / `x || jsonb_build_object(…)`; `max(value, ?)` (2-arg scalar
--      max in sync_meta updates) -> GREATEST; INSERT OR IGNORE -> ON CONFLICT DO NOTHING;
--      group_concat -> string_agg; BEGIN IMMEDIATE -> BEGIN + row locks.
--
-- 2. COLUMNS I WAS UNSURE ABOUT
--   JSON columns (TEXT, see e.; JSONB was considered — all are read into a Rust String and parsed with serde_json):
--     orders.elder, orders.quote, welfare_plans.elder   (also used inside SQL: json_extract,
--                                                        json_set — JSONB is the clear win)
--     orders.tasks (nullable), requests.priority_grounds, provider_items.meal_modes,
--     subsidy_rules.condition, consents.covers, audit_log.detail (parsed with
--     unwrap_or(Null): tolerant of non-JSON, but every writer serialises with serde_json),
--     idempotency_keys.response (replayed after serde_json::from_str in http/write.rs; never
--     queried inside by SQL, written on every write, pruned to 'null' — TEXT would be cheaper
--     and is a fine alternative).
--   Kept TEXT: imports.result (JSON written by mark_applied, never parsed back).
--   Caveat for every JSONB column: sqlx-postgres will NOT decode JSONB into String nor bind a
--   String to a JSONB parameter. Either read `col::text` / bind `$n::jsonb` (smallest change to
--   the current String-based code), or enable sqlx's `json` feature and use Json<T>/Value.
--   JSONB also drops key order/whitespace/duplicate keys (harmless here: every reader parses)
--   and rejects the \u0000 escape inside strings (user-typed text inside elder/tasks/… would
--   fail the INSERT if it ever contained NUL).
--   Flags: none of the 20 BOOLEAN columns is doubtful (all have CHECK IN (0, 1), all are
--   written as bool or 0/1). Deliberately NOT boolean: subsidy_rules.priority (ordering
--   10/20/30), classes.version, idempotency_keys.status (HTTP status), consents.text_version.
--   There is no lives_alone column: 独居/空巢 lives inside the elder JSON profile.
--   Integer width: all BIGINT (see 1b); INTEGER (int4) would be enough for weekday, minutes,
--   capacity, rating, percent, year … but would break i64 decodes.
--   Text dates stay TEXT: requests.timeslot_date, child_birth_month, start_month;
--   orders.visit_date; welfare_plans.started_on, ended_on; welfare_visits.week_start, due_on;
--   carers.certificate_expires_on; indicator_snapshots.month; access_log.day.
--
-- 3. TABLES AND COLUMN COUNTS (PRAGMA table_info of SQLite after 0001–0014 -> here)
--   36 tables in both (SQLite also has the R*Tree place_geo (5 columns) and its 3 shadow
--   tables place_geo_node/_parent/_rowid: not ported; and sqlx's _sqlx_migrations).
--     change_counter        2      tombstones            4      areas                 9
--     organisations        10      places               21 (+1 geog = 22 in PG)
--     place_badges          2      place_care_modes      4      classes              12
--     devices               3      idempotency_keys      7      favorites             3
--     sync_meta             2      users                11      sessions              6
--     login_attempts        5      audit_log             9      timeslots             9
--     requests             22      providers            18      provider_streets      2
--     provider_items        6      provider_timeslots    9      carers               11
--     subsidy_rules        10      orders               32      welfare_plans        13
--     welfare_visits       12      imports              10      population           11
--     indicator_targets    14      indicator_snapshots   8      consents             12
--     access_log           10      device_links          3      transfer_codes        6
--     code_attempts         4
--   Total 332 columns in SQLite, 333 here (places.geog). Names and order are identical
--   (checked against information_schema.columns ORDER BY ordinal_position).
--   Also compared programmatically with the SQLite database: NOT NULL per column (same;
--   PKs count as NOT NULL), defaults (0/1 -> FALSE/TRUE, '[]' -> '[]'::jsonb, rest equal),
--   all 53 foreign keys (columns, target, ON DELETE: same), CHECK counts per table (same
--   minus the 20 dropped IN (0, 1) flag checks).
--   Seed rows on a fresh database: change_counter 1, sync_meta 1, devices 1 ('erased'),
--   subsidy_rules 3; every other table empty.
--   Indexes: the 45 named SQLite indexes are all here with the same names (4 partial:
--   idempotency_keys_address, places_registry_code, providers_registry_code,
--   access_log_daily), plus places_geog (GiST). The 25 sqlite_autoindex_* become PG's own
--   *_pkey / *_key indexes.
--
-- 4. ROWID: WHO RELIES ON IT (grep rowid server/src)
--   Only the two tables with TEXT primary keys, where rowid is a hidden insertion counter used
--   as the tie-break after created_at (unix seconds, so ties are common):
--     requests — db/requests.rs:50  waitlist positions:
--                  ROW_NUMBER() OVER (PARTITION BY class_id ORDER BY priority DESC, created_at, rowid)
--                  (this one decides who gets a place: order of receipt must be exact);
--                db/requests.rs:261 desk inbox  ORDER BY …, r.created_at DESC, r.rowid DESC;
--                db/requests.rs:334 by_device   ORDER BY r.created_at DESC, r.rowid DESC.
--     orders   — db/orders.rs:353   by_device   ORDER BY o.created_at DESC, o.rowid DESC.
--   Suggestion (not added above, so the column lists stay equal to SQLite's):
--     ALTER TABLE requests ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;
--     ALTER TABLE orders   ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;
--     CREATE UNIQUE INDEX requests_seq ON requests (seq);  -- optional
--     CREATE UNIQUE INDEX orders_seq   ON orders (seq);    -- optional
--   and replace `rowid` by `seq` in those four queries (and in SQLite either keep `rowid` in
--   the SQLite SQL or add the same column there: ALTER TABLE … ADD COLUMN seq INTEGER; UPDATE
--   … SET seq = rowid; app fills it). Identity values follow insertion, not commit, order;
--   for the waitlist that is as good as rowid was under SQLite's single writer only if the
--   insert takes a lock that serialises applications to one class (plan step 4: SELECT … FOR
--   UPDATE on the class row).
--   Tables with INTEGER PRIMARY KEY use `id` (= rowid): ordering by id (e.g. login_attempts
--   "id > max(id) WHERE ok", ORDER BY …, id) keeps working with identity ids.
--   `last_insert_rowid()` (13 calls on the 8 tables listed in 1a) -> RETURNING id.
-- =====================================================================================
