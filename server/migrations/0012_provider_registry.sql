-- Home-care providers from the 民政 registry (`server import providers`): like places, a
-- provider is closed rather than deleted (orders, plans and the audit trail point at it) and
-- then no longer serves new orders; it may carry its number in the registry; a position not
-- given by the file is its 街道's centre until checked.
ALTER TABLE providers ADD COLUMN closed_at INTEGER;
ALTER TABLE providers ADD COLUMN registry_code TEXT;
ALTER TABLE providers ADD COLUMN location_unverified INTEGER NOT NULL DEFAULT 0 CHECK (location_unverified IN (0, 1));
CREATE UNIQUE INDEX providers_registry_code ON providers (organisation_id, registry_code) WHERE registry_code IS NOT NULL;
CREATE INDEX carers_certificate ON carers (provider_id, certificate_no);
-- A provider can stop offering an item (its desk, or not listing it is not enough: the
-- registry file only adds and changes items); orders and timeslots keep pointing at it.
ALTER TABLE provider_items ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
