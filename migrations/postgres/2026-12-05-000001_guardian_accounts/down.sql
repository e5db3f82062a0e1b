DROP INDEX accounts_guardian_id;
ALTER TABLE accounts DROP COLUMN guardian_id;
