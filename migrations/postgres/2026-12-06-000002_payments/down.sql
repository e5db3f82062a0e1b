DROP TABLE payment_allocations;
DROP TABLE payments;
DROP TABLE invoice_balances;
