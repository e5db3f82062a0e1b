-- Invoices (factures), their lines and due dates. An issued invoice is never updated nor
-- deleted: a credit note (kind 'avoir') corrects it. Amounts in integer cents.

-- Gapless numbers: one counter per site and calendar year, bumped by the transaction that
-- issues the invoice, so that a rollback gives its number back.
CREATE TABLE invoice_sequences (
    site_id BIGINT NOT NULL REFERENCES sites(id),
    year INTEGER NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (site_id, year)
);

CREATE TABLE invoices (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    household_id BIGINT NOT NULL REFERENCES families(id),
    number TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('cotisation', 'location', 'avoir')),
    label TEXT NOT NULL,
    issued_on DATE NOT NULL,
    total_cents BIGINT NOT NULL,
    campaign_id BIGINT REFERENCES campaigns(id),
    corrects_invoice_id BIGINT REFERENCES invoices(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, number)
);
CREATE INDEX invoices_household ON invoices(household_id);
-- One fee invoice per household and campaign: issuing twice issues nothing new.
CREATE UNIQUE INDEX invoices_campaign_fee ON invoices(campaign_id, household_id)
    WHERE kind = 'cotisation';

CREATE TABLE invoice_lines (
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    student_id BIGINT REFERENCES students(id),
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, position)
);

CREATE TABLE invoice_instalments (
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    position INTEGER NOT NULL,
    due_on DATE NOT NULL,
    amount_cents BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, position)
);
