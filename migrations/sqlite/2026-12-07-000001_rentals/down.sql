DROP TABLE rental_charges;
DROP TABLE rental_loans;
DROP TABLE rental_items;
