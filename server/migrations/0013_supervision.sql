-- What supervisors watch: the denominators (population per 街道 and year), the plans'
-- targets per area, and monthly snapshots of each indicator (the trends). Orders and
-- weekly 探访 plans carry the 街道 of the older person as a column.

-- Population figures per 街道 and year (统计年鉴 / 公安户籍 / 七普 figures an admin imports;
-- sample databases hold generated figures marked 示例).
CREATE TABLE population (
    street_id   TEXT    NOT NULL REFERENCES areas (id),
    year        INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    resident    INTEGER NOT NULL CHECK (resident > 0),                            -- 常住人口
    age_0_3     INTEGER NOT NULL CHECK (age_0_3 >= 0 AND age_0_3 <= resident),     -- 0–3 岁
    age_60      INTEGER NOT NULL CHECK (age_60 >= 0 AND age_60 <= resident),       -- 60 岁及以上
    age_65      INTEGER NOT NULL CHECK (age_65 >= 0 AND age_65 <= age_60),         -- 65 岁及以上
    age_80      INTEGER NOT NULL CHECK (age_80 >= 0 AND age_80 <= age_65),         -- 80 岁及以上
    communities INTEGER CHECK (communities IS NULL OR communities >= 0),          -- 社区（村）数
    source      TEXT    NOT NULL,
    is_sample   INTEGER NOT NULL DEFAULT 0 CHECK (is_sample IN (0, 1)),
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (street_id, year)
);

-- The plans' indicators with baseline and target. `scope` is a district's area id, or a
-- city name whose districts take the target when they have none of their own.
-- `indicator` names what the app computes for it (NULL: the app holds no data for it).
CREATE TABLE indicator_targets (
    id            INTEGER PRIMARY KEY,
    scope         TEXT    NOT NULL,
    scope_name    TEXT    NOT NULL,      -- as the plan names the area: 无锡市新吴区
    name          TEXT    NOT NULL,      -- as the plan words the indicator
    indicator     TEXT,
    unit          TEXT    NOT NULL,
    baseline_year INTEGER,
    baseline      REAL,
    target_year   INTEGER NOT NULL,
    target        REAL    NOT NULL,
    binding       TEXT,                  -- 约束性 / 预期性
    source        TEXT    NOT NULL,      -- seed document and line, '000:L268'
    updated_at    INTEGER NOT NULL,
    updated_by    INTEGER REFERENCES users (id),
    UNIQUE (scope, name, target_year)
);
CREATE INDEX indicator_targets_indicator ON indicator_targets (indicator, scope);

-- One row per area, month and indicator: the job rewrites the current month's row while the
-- month runs, so the last value of a month stands; earlier months are back-filled from the
-- records where they allow (`backfilled`).
CREATE TABLE indicator_snapshots (
    area_id     TEXT    NOT NULL REFERENCES areas (id),
    month       TEXT    NOT NULL,        -- 'YYYY-MM', Beijing
    indicator   TEXT    NOT NULL,
    value       REAL,
    numerator   REAL    NOT NULL,
    denominator REAL,
    computed_at INTEGER NOT NULL,
    backfilled  INTEGER NOT NULL DEFAULT 0 CHECK (backfilled IN (0, 1)),
    PRIMARY KEY (area_id, month, indicator)
);

ALTER TABLE orders ADD COLUMN street_id TEXT REFERENCES areas (id);
UPDATE orders SET street_id = (SELECT a.id FROM areas a WHERE a.id = json_extract(orders.elder, '$.street_id'));
CREATE INDEX orders_street ON orders (street_id, visit_date);

ALTER TABLE welfare_plans ADD COLUMN street_id TEXT REFERENCES areas (id);
UPDATE welfare_plans SET street_id = (SELECT a.id FROM areas a WHERE a.id = json_extract(welfare_plans.elder, '$.street_id'));
CREATE INDEX welfare_plans_street ON welfare_plans (street_id);

-- Population figures come in through the registry import too (kind 'population'): the
-- uploads' table is rebuilt to take the new kind (SQLite cannot change a CHECK in place).
CREATE TABLE imports_new (
    id          TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('places', 'providers', 'population')),
    file_name   TEXT    NOT NULL,
    encoding    TEXT    NOT NULL,
    content     BLOB    NOT NULL,
    sha256      TEXT    NOT NULL,
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    applied_at  INTEGER,
    result      TEXT
);
INSERT INTO imports_new SELECT id, kind, file_name, encoding, content, sha256, created_by, created_at, applied_at, result FROM imports;
DROP TABLE imports;
ALTER TABLE imports_new RENAME TO imports;
