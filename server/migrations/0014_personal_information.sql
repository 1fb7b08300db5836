-- Personal information (PIPL): each consent on record with the wording's version, who
-- read sensitive data and why, codes that move or share a phone's records, and the device
-- that erased records are moved to.

-- Records erased at the family's request stay (for subsidy settlement) under this device,
-- which no key hashes to.
INSERT OR IGNORE INTO devices (key_hash, created_at, last_seen_at) VALUES ('erased', 0, 0);

CREATE TABLE consents (
    id            INTEGER PRIMARY KEY,
    device_hash   TEXT    NOT NULL REFERENCES devices (key_hash),
    subject_kind  TEXT    NOT NULL CHECK (subject_kind IN ('request', 'order', 'plan')),
    subject_id    TEXT    NOT NULL,
    purpose       TEXT    NOT NULL CHECK (purpose IN ('contact', 'child_data', 'provider_share', 'elder_health', 'elder_categories', 'weekly_visit')),
    text_version  INTEGER NOT NULL,
    text          TEXT    NOT NULL,             -- the wording as shown, the recipient filled in
    covers        TEXT    NOT NULL,             -- JSON array: what it covers, in words
    recipient     TEXT    NOT NULL,             -- 'place:<id>' or 'provider:<id>'
    recipient_name TEXT   NOT NULL,
    given_at      INTEGER NOT NULL,
    withdrawn_at  INTEGER,
    UNIQUE (subject_kind, subject_id, purpose)
);
CREATE INDEX consents_device ON consents (device_hash, given_at);

-- The weekly 探访 follows the consent that named its provider.
ALTER TABLE welfare_plans ADD COLUMN consent_id INTEGER REFERENCES consents (id);

-- Reads of sensitive data: an elder profile, a child's application, a full phone number,
-- a supervisor's export.
CREATE TABLE access_log (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    day          TEXT    NOT NULL,              -- 'YYYY-MM-DD', Beijing
    user_id      INTEGER NOT NULL REFERENCES users (id),
    who          TEXT    NOT NULL,              -- organisation · display name, as at the read
    what         TEXT    NOT NULL CHECK (what IN ('elder_profile', 'child_application', 'phone', 'export')),
    subject_kind TEXT,                          -- 'request', 'order', 'plan', 'area'
    subject_id   TEXT,
    device_hash  TEXT,                          -- whose data (the family's device), when one
    why          TEXT    NOT NULL
);
-- list reads: once per account, record and day; every export is its own row
CREATE UNIQUE INDEX access_log_daily ON access_log (user_id, what, subject_kind, subject_id, day) WHERE what <> 'export';
CREATE INDEX access_log_device ON access_log (device_hash, at);
CREATE INDEX access_log_at ON access_log (at);

-- Phones that share one family's records: the member's reads and writes are the owner's.
CREATE TABLE device_links (
    member_hash TEXT    PRIMARY KEY REFERENCES devices (key_hash),
    owner_hash  TEXT    NOT NULL REFERENCES devices (key_hash),
    created_at  INTEGER NOT NULL
);
CREATE INDEX device_links_owner ON device_links (owner_hash);

-- One-time codes (10 minutes) and recovery codes (until used or replaced), stored hashed.
CREATE TABLE transfer_codes (
    code_hash   TEXT    PRIMARY KEY,
    device_hash TEXT    NOT NULL REFERENCES devices (key_hash),
    mode        TEXT    NOT NULL CHECK (mode IN ('take', 'share', 'recover')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,                        -- NULL: a recovery code
    used_at     INTEGER
);
CREATE INDEX transfer_codes_device ON transfer_codes (device_hash, mode);

-- Wrong codes entered, per address and per device (rate limit).
CREATE TABLE code_attempts (
    id           INTEGER PRIMARY KEY,
    address_hash TEXT    NOT NULL,
    device_hash  TEXT    NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX code_attempts_address ON code_attempts (address_hash, at);
CREATE INDEX code_attempts_device ON code_attempts (device_hash, at);

-- What was consented to before consents were recorded one by one: version 1 of each wording
-- (the words the forms showed; `app::model::privacy::TEXTS`, a test keeps them the same).
INSERT INTO consents (device_hash, subject_kind, subject_id, purpose, text_version, text, covers, recipient, recipient_name, given_at)
SELECT r.device_hash, 'request', r.id, 'contact', 1,
       replace(replace('我同意把上面的称呼和手机号提供给「{机构}」，只用于处理这次{事项}。机构接受之前只能看到部分号码。', '{机构}', p.name),
               '{事项}', CASE r.kind WHEN 'visit' THEN '预约参观' WHEN 'trial' THEN '免费入托体验' ELSE '申请托位' END),
       '["联系人称呼","手机号"]', 'place:' || r.place_id, p.name, r.consent_at
  FROM requests r JOIN places p ON p.id = r.place_id;

INSERT INTO consents (device_hash, subject_kind, subject_id, purpose, text_version, text, covers, recipient, recipient_name, given_at)
SELECT o.device_hash, 'order', o.id, 'provider_share', 1,
       replace('我同意把老人的称呼、年龄、地址和电话（以及上面同意提供的评估等级、身份类别）提供给「{机构}」，用于这次上门服务。', '{机构}', p.name),
       '["老人称呼","年龄","街道和详细地址","住址位置","联系电话","独居 / 空巢"]', 'provider:' || o.provider_id, p.name, o.created_at
  FROM orders o JOIN providers p ON p.id = o.provider_id;

INSERT INTO consents (device_hash, subject_kind, subject_id, purpose, text_version, text, covers, recipient, recipient_name, given_at)
SELECT o.device_hash, 'order', o.id, 'elder_health', 1, '我同意提供能力评估等级', '["能力评估等级"]', 'provider:' || o.provider_id, p.name, o.created_at
  FROM orders o JOIN providers p ON p.id = o.provider_id
 WHERE json_extract(o.elder, '$.capability_level') IS NOT NULL;

INSERT INTO consents (device_hash, subject_kind, subject_id, purpose, text_version, text, covers, recipient, recipient_name, given_at)
SELECT o.device_hash, 'order', o.id, 'elder_categories', 1, '我同意提供身份类别', '["身份类别（特困、低保等）"]', 'provider:' || o.provider_id, p.name, o.created_at
  FROM orders o JOIN providers p ON p.id = o.provider_id
 WHERE json_array_length(o.elder, '$.categories') > 0;

INSERT INTO consents (device_hash, subject_kind, subject_id, purpose, text_version, text, covers, recipient, recipient_name, given_at)
SELECT w.device_hash, 'plan', CAST(w.id AS TEXT), 'weekly_visit', 1, '老人符合每周探访条件，这家机构也会用这些信息每周探访。',
       '["老人称呼","年龄","地址","联系电话","独居 / 空巢","每周探访记录"]', 'provider:' || w.provider_id, p.name, w.created_at
  FROM welfare_plans w JOIN providers p ON p.id = w.provider_id;

UPDATE welfare_plans SET consent_id = (SELECT c.id FROM consents c WHERE c.subject_kind = 'plan' AND c.subject_id = CAST(welfare_plans.id AS TEXT));
