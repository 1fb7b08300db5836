-- 养老护理员 certificates have an expiry: a provider records it when adding a carer, and a
-- carer whose certificate has expired cannot be assigned a visit. Carers recorded before
-- (NULL) are taken as certified until their provider records a date.
ALTER TABLE carers ADD COLUMN certificate_expires_on TEXT CHECK (certificate_expires_on IS NULL OR certificate_expires_on GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]');
ALTER TABLE carers ADD COLUMN disabled_at INTEGER;
