-- What remains due on each invoice, kept beside the invoice (which never changes): credit
-- notes and payments lower it by guarded UPDATEs (`due_cents >= amount`), so that two
-- payments at once can never take it below zero.
CREATE TABLE invoice_balances (
    invoice_id BIGINT PRIMARY KEY REFERENCES invoices(id),
    due_cents BIGINT NOT NULL CHECK (due_cents >= 0)
);
INSERT INTO invoice_balances (invoice_id, due_cents)
    SELECT id, total_cents FROM invoices WHERE kind <> 'avoir';

-- Payments (règlements); one payment may settle several invoices of its household.
CREATE TABLE payments (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    household_id BIGINT NOT NULL REFERENCES families(id),
    paid_on DATE NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    method TEXT NOT NULL CHECK (method IN ('prelevement', 'portail_familles', 'cheque',
                                           'especes', 'virement', 'cheques_vacances')),
    reference TEXT NOT NULL DEFAULT '',
    -- The integrator's Idempotency-Key: the same request twice records one payment.
    idempotency_key TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, idempotency_key)
);
CREATE INDEX payments_household ON payments(household_id);

CREATE TABLE payment_allocations (
    payment_id BIGINT NOT NULL REFERENCES payments(id),
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    PRIMARY KEY (payment_id, invoice_id)
);
CREATE INDEX payment_allocations_invoice ON payment_allocations(invoice_id);
