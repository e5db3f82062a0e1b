-- The household's recorded choices that decide some required documents. Until the
-- re-enrolment wizard records them, staff (or the demo data) set them.
ALTER TABLE families ADD COLUMN pays_by_direct_debit BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE families ADD COLUMN resident BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE families ADD COLUMN pedibus_requested BOOLEAN NOT NULL DEFAULT FALSE;

-- The pieces a site asks for ("Pièces à fournir"), per household or per student.
CREATE TABLE document_types (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    help_text TEXT NOT NULL DEFAULT '',
    form_url TEXT NOT NULL DEFAULT '',
    scope TEXT NOT NULL CHECK (scope IN ('household', 'student')),
    -- always; disciplines (a dance course this year); direct_debit; residents; pedibus;
    -- optional (never required, may be provided).
    requirement TEXT NOT NULL CHECK (requirement IN ('always', 'disciplines', 'direct_debit', 'residents', 'pedibus', 'optional')),
    position INTEGER NOT NULL,
    retired_at TIMESTAMP,
    -- Keep only "validé le <date>" once validated: the file is deleted (health data).
    delete_file_when_validated BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX document_types_site_name ON document_types(site_id, name);

-- One current document per type and household (student_key 0) or student: a new upload
-- replaces the file of the row while it is not validated.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    document_type_id BIGINT NOT NULL REFERENCES document_types(id),
    family_id BIGINT NOT NULL REFERENCES families(id),
    student_id BIGINT REFERENCES students(id),
    student_key BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('transmis', 'valide', 'refuse')),
    refusal_reason TEXT,
    display_name TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES accounts(id),
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES accounts(id),
    file_deleted_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX documents_one_current ON documents(document_type_id, family_id, student_key);
CREATE INDEX documents_queue ON documents(site_id, state, uploaded_at);
