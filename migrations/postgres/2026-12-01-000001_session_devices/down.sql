DROP INDEX sessions_account_live;
ALTER TABLE sessions DROP COLUMN rotated_at;
ALTER TABLE sessions DROP COLUMN place;
ALTER TABLE sessions DROP COLUMN device;
