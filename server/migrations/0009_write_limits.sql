-- Anonymous writes are limited per client address as well as per device (a script can make
-- a fresh device key for every write, not a fresh address). The address is kept only as a
-- hash, only on anonymous writes, and cleared after a day by the retention job.
ALTER TABLE idempotency_keys ADD COLUMN address_hash TEXT;
CREATE INDEX idempotency_keys_address ON idempotency_keys (address_hash, created_at) WHERE address_hash IS NOT NULL;
CREATE INDEX idempotency_keys_recent ON idempotency_keys (device_hash, created_at);

-- Open visits and trials per phone number in the last week (the weekly cap).
CREATE INDEX requests_contact ON requests (contact_phone, kind, created_at);
