-- "Mes connexions" and refresh-token reuse detection: what each session was last used
-- from (a device summary and a masked network, never the full address) and when its
-- refresh token last rotated (the replaced token's short grace runs from then).
ALTER TABLE sessions ADD COLUMN device TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN place TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN rotated_at TIMESTAMP;
CREATE INDEX sessions_account_live ON sessions(account_id, revoked_at);
