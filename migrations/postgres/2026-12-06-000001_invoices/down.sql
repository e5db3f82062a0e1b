DROP TABLE invoice_instalments;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE invoice_sequences;
