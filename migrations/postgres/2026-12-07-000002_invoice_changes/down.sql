DROP INDEX invoices_created;
DROP INDEX invoice_balances_changed;
ALTER TABLE invoice_balances DROP COLUMN changed_at;
