-- 居家上门服务: providers (elderly-care service sites of an organisation) with the area
-- they serve (a radius, or a list of 街道), the catalogue items they offer with duration
-- and market price, weekly timeslots per item with a capacity, their carers (养老护理员),
-- and the rule table that decides who pays what. Coordinates GCJ-02; times Beijing.

CREATE TABLE providers (
    id               INTEGER PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    name             TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('home_care_centre', 'home_care_station', 'street_centre', 'meal_point', 'nursing_station')),
    district_id      TEXT    NOT NULL REFERENCES areas (id),
    street_id        TEXT    NOT NULL REFERENCES areas (id),
    address          TEXT    NOT NULL,
    lat              REAL    NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lng              REAL    NOT NULL CHECK (lng BETWEEN -180 AND 180),
    phone            TEXT    NOT NULL,
    emergency_phone  TEXT    NOT NULL,                -- answered around the clock (助急)
    serve_radius_m   INTEGER CHECK (serve_radius_m IS NULL OR serve_radius_m BETWEEN 100 AND 50000),
    cancel_window_h  INTEGER NOT NULL DEFAULT 12 CHECK (cancel_window_h BETWEEN 0 AND 168),
    is_sample        INTEGER NOT NULL DEFAULT 0 CHECK (is_sample IN (0, 1)),
    created_at       INTEGER NOT NULL
);
CREATE INDEX providers_district ON providers (district_id);
CREATE INDEX providers_org ON providers (organisation_id);

-- With no radius, a provider serves exactly the 街道 listed here.
CREATE TABLE provider_streets (
    provider_id INTEGER NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    street_id   TEXT    NOT NULL REFERENCES areas (id),
    PRIMARY KEY (provider_id, street_id)
);

CREATE TABLE provider_items (
    provider_id       INTEGER NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    service_item      TEXT    NOT NULL CHECK (service_item IN ('meal', 'cleaning', 'bathing', 'medical_escort', 'mobility',
                          'welfare_visit', 'life_care', 'rehab_nursing', 'companionship', 'respite', 'errands', 'adaptation_assessment')),
    duration_min      INTEGER NOT NULL CHECK (duration_min BETWEEN 5 AND 1440),
    market_price_yuan INTEGER NOT NULL CHECK (market_price_yuan BETWEEN 0 AND 100000),
    meal_modes        TEXT    NOT NULL DEFAULT '[]',   -- 助餐: JSON array of dine_in / pick_up / delivery
    PRIMARY KEY (provider_id, service_item)
);

CREATE TABLE provider_timeslots (
    id           INTEGER PRIMARY KEY,
    provider_id  INTEGER NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    service_item TEXT    NOT NULL,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min    INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min      INTEGER NOT NULL CHECK (end_min > start_min AND end_min <= 1440),
    capacity     INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   INTEGER NOT NULL,
    FOREIGN KEY (provider_id, service_item) REFERENCES provider_items (provider_id, service_item) ON DELETE CASCADE
);
CREATE INDEX provider_timeslots_provider ON provider_timeslots (provider_id, service_item, active);

-- 养老护理员: name, phone, level, certificate (持证上门).
CREATE TABLE carers (
    id             INTEGER PRIMARY KEY,
    provider_id    INTEGER NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL,
    phone          TEXT    NOT NULL,
    level          TEXT    NOT NULL CHECK (level IN ('junior', 'intermediate', 'senior')),
    certificate_no TEXT    NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    is_sample      INTEGER NOT NULL DEFAULT 0 CHECK (is_sample IN (0, 1)),
    created_at     INTEGER NOT NULL
);
CREATE INDEX carers_provider ON carers (provider_id, active);

-- Who pays: the first active rule (by priority) whose condition holds decides.
-- `condition` is JSON: {"min_age", "any_category", "any_capability", "items", "age_or_category"}.
CREATE TABLE subsidy_rules (
    id            INTEGER PRIMARY KEY,
    priority      INTEGER NOT NULL,
    name          TEXT    NOT NULL,
    explanation   TEXT    NOT NULL,
    condition     TEXT    NOT NULL,
    payer         TEXT    NOT NULL CHECK (payer IN ('government_purchase', 'subsidy')),
    share_percent INTEGER NOT NULL CHECK (share_percent BETWEEN 0 AND 100),
    cap_yuan      INTEGER CHECK (cap_yuan IS NULL OR cap_yuan >= 0),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    is_sample     INTEGER NOT NULL DEFAULT 0 CHECK (is_sample IN (0, 1))
);

-- Sample rules (示例), after the plans' wording: 政府购买服务 pays in full for 80+ people in
-- economic hardship and for poor people with moderate or severe disability; a service
-- subsidy pays half (at most 40 元 an order) for other 80+ people and the named categories.
INSERT INTO subsidy_rules (id, priority, name, explanation, condition, payer, share_percent, cap_yuan, is_sample) VALUES
 (1, 10, '政府购买服务：高龄经济困难（示例规则）',
  '80 周岁以上、属于特困/低保/低保边缘/经济困难的老人，由政府购买服务全额支付。',
  '{"min_age":80,"any_category":["tekun","dibao","dibao_edge","economic_hardship"]}', 'government_purchase', 100, NULL, 1),
 (2, 20, '政府购买服务：困难失能（示例规则）',
  '特困/低保/低保边缘/经济困难、且经能力评估为中度或重度失能的老人，由政府购买服务全额支付。',
  '{"any_category":["tekun","dibao","dibao_edge","economic_hardship"],"any_capability":["moderate","severe"]}', 'government_purchase', 100, NULL, 1),
 (3, 30, '服务补贴：高龄及特殊群体（示例规则）',
  '80 周岁以上，或属于特困、低保、低保边缘、经济困难、计划生育特殊家庭、重残的老人，补贴市场价的一半，每单最多 40 元。',
  '{"min_age":80,"any_category":["tekun","dibao","dibao_edge","economic_hardship","family_planning_special","severe_disability"],"age_or_category":true}',
  'subsidy', 50, 40, 1);
