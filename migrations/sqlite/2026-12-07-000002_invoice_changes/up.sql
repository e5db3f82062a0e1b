-- When each invoice's balance last changed (issued, a credit note, a payment), so that an
-- integrator can read the invoices changed since its last visit.
ALTER TABLE invoice_balances ADD COLUMN changed_at TIMESTAMP NOT NULL
    DEFAULT '1970-01-01 00:00:00';
UPDATE invoice_balances SET changed_at = (
    SELECT invoices.created_at FROM invoices WHERE invoices.id = invoice_balances.invoice_id
);
CREATE INDEX invoice_balances_changed ON invoice_balances(changed_at);
CREATE INDEX invoices_created ON invoices(created_at);
