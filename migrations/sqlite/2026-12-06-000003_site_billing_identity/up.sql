-- What an invoice's header prints of the school: its postal address (lines separated by
-- newlines) and its SIRET.
ALTER TABLE sites ADD COLUMN billing_address TEXT NOT NULL DEFAULT '';
ALTER TABLE sites ADD COLUMN siret TEXT NOT NULL DEFAULT '';
