-- Each guardian of a household may have a family account of their own: an account
-- names the guardian it belongs to, and a guardian has at most one account (several
-- NULLs are allowed: staff and teacher accounts, and family accounts of before).
ALTER TABLE accounts ADD COLUMN guardian_id BIGINT REFERENCES guardians(id);

-- The one account a household had until now belongs to its first guardian.
UPDATE accounts
SET guardian_id = (
    SELECT guardians.id FROM guardians
    WHERE guardians.family_id = accounts.family_id
    ORDER BY guardians.position, guardians.id
    LIMIT 1
)
WHERE role = 'family'
  AND family_id IS NOT NULL
  AND id = (
    SELECT MIN(earliest.id) FROM accounts AS earliest
    WHERE earliest.family_id = accounts.family_id AND earliest.role = 'family'
  );

CREATE UNIQUE INDEX accounts_guardian_id ON accounts (guardian_id);
