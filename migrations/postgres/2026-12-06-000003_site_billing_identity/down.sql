ALTER TABLE sites DROP COLUMN siret;
ALTER TABLE sites DROP COLUMN billing_address;
