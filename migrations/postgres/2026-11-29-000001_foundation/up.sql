-- Foundation: sites, accounts, households, sessions, email outbox, audit log.
-- Timestamps are UTC, stored as TIMESTAMP (without time zone); ids are 64-bit.

CREATE TABLE sites (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    contact_email TEXT NOT NULL DEFAULT '',
    forms_url TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE families (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX families_site ON families(site_id, name);

CREATE TABLE guardians (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    family_id BIGINT NOT NULL REFERENCES families(id),
    position INTEGER NOT NULL DEFAULT 1,
    civility TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    phone_home TEXT NOT NULL DEFAULT '',
    phone_mobile TEXT NOT NULL DEFAULT '',
    phone_work TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    marital_status TEXT NOT NULL DEFAULT '',
    socio_professional_code TEXT NOT NULL DEFAULT '',
    profession TEXT NOT NULL DEFAULT '',
    extra_phone_1 TEXT NOT NULL DEFAULT '',
    extra_phone_2 TEXT NOT NULL DEFAULT '',
    extra_phone_3 TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX guardians_family ON guardians(family_id);

CREATE TABLE students (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    family_id BIGINT NOT NULL REFERENCES families(id),
    civility TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    birth_date DATE,
    birth_place TEXT NOT NULL DEFAULT '',
    birth_department TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    postcode TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    phone_home TEXT NOT NULL DEFAULT '',
    phone_mobile TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    emergency_contact_name TEXT NOT NULL DEFAULT '',
    emergency_phone TEXT NOT NULL DEFAULT '',
    school_level TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX students_family ON students(family_id);

CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    login TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('family', 'staff', 'teacher')),
    family_id BIGINT REFERENCES families(id),
    display_name TEXT NOT NULL,
    password_changed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (site_id, login)
);

CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    refresh_token_hash TEXT NOT NULL UNIQUE,
    previous_refresh_hash TEXT,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_account ON sessions(account_id);
CREATE INDEX sessions_previous ON sessions(previous_refresh_hash);

CREATE TABLE password_reset_tokens (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_reset_tokens_account ON password_reset_tokens(account_id);

CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

CREATE TABLE outgoing_emails (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT REFERENCES sites(id),
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('outbox', 'sent', 'failed')),
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT REFERENCES sites(id),
    account_id BIGINT REFERENCES accounts(id),
    action TEXT NOT NULL,
    target_type TEXT,
    target_id BIGINT,
    ip TEXT,
    details TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_site ON audit_log(site_id, created_at);
