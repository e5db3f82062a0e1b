-- A site's tariff grid (course kinds and prices, quotient brackets, floor and cap,
-- sibling discounts, rental prices), one versioned record per site, kept as JSON text:
-- the grid is read and written whole, and tariffs/fee.rs is the only code that reads it.
CREATE TABLE tariff_grids (
    site_id BIGINT PRIMARY KEY REFERENCES sites(id),
    grid TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The household's quotient familial in whole euros (none recorded: the highest bracket).
ALTER TABLE families ADD COLUMN quotient_familial_euros BIGINT;

-- The course kind of the tariff grid a course is priced as (e.g. instrument_30).
ALTER TABLE courses ADD COLUMN fee_kind TEXT;
