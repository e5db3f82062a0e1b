ALTER TABLE courses DROP COLUMN fee_kind;
ALTER TABLE families DROP COLUMN quotient_familial_euros;
DROP TABLE tariff_grids;
