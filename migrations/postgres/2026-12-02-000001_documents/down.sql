DROP TABLE documents;
DROP TABLE document_types;
ALTER TABLE families DROP COLUMN pedibus_requested;
ALTER TABLE families DROP COLUMN resident;
ALTER TABLE families DROP COLUMN pays_by_direct_debit;
