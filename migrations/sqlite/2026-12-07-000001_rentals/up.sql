-- Rentals (locations): the school's inventory of instruments, rooms and equipment, lent
-- to a household (an instrument to one of its children) for a period, then returned.
-- Each item is priced by a rental of the tariff grid (its code, a yearly price); the
-- months of a loan already invoiced are kept, so that issuing a period twice, or two
-- overlapping periods, never bills a month twice.

CREATE TABLE rental_items (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    category TEXT NOT NULL CHECK (category IN ('instrument', 'salle', 'materiel')),
    tariff_code TEXT NOT NULL,
    label TEXT NOT NULL,
    make TEXT NOT NULL DEFAULT '',
    inventory_number TEXT NOT NULL,
    serial_number TEXT NOT NULL DEFAULT '',
    condition TEXT NOT NULL
        CHECK (condition IN ('neuf', 'bon', 'use', 'a_reparer', 'hors_service')),
    notes TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, inventory_number)
);

CREATE TABLE rental_loans (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    item_id BIGINT NOT NULL REFERENCES rental_items(id),
    household_id BIGINT NOT NULL REFERENCES families(id),
    -- The child an instrument is lent to; none for a room or equipment rented by the
    -- household.
    student_id BIGINT REFERENCES students(id),
    starts_on DATE NOT NULL,
    -- The planned end; the loan ends earlier when the item comes back.
    ends_on DATE NOT NULL,
    returned_on DATE,
    return_condition TEXT,
    return_notes TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_on >= starts_on),
    CHECK (returned_on IS NULL OR returned_on >= starts_on)
);
CREATE INDEX rental_loans_household ON rental_loans(household_id);
-- An item is out with one borrower at a time.
CREATE UNIQUE INDEX rental_loans_one_open ON rental_loans(item_id) WHERE returned_on IS NULL;

-- The months of a loan already billed (the first day of each month), and by which invoice.
CREATE TABLE rental_charges (
    loan_id BIGINT NOT NULL REFERENCES rental_loans(id),
    month DATE NOT NULL,
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    PRIMARY KEY (loan_id, month)
);
