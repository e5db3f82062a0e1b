-- Re-enrolment campaigns: per site, from one school year to the next, open between two
-- instants (stored in UTC), with the wizard's optional steps.
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    from_year_id BIGINT NOT NULL REFERENCES school_years(id),
    to_year_id BIGINT NOT NULL REFERENCES school_years(id),
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    step_coordonnees BOOLEAN NOT NULL DEFAULT TRUE,
    step_autorisations BOOLEAN NOT NULL DEFAULT TRUE,
    step_documents BOOLEAN NOT NULL DEFAULT TRUE,
    step_cours BOOLEAN NOT NULL DEFAULT TRUE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (closes_at > opens_at)
);
CREATE INDEX campaigns_site ON campaigns(site_id);
-- At most one open campaign per site, whatever the concurrency.
CREATE UNIQUE INDEX campaigns_one_open ON campaigns(site_id) WHERE status = 'open';

-- The rules text (« règlement intérieur »): a new text is a new row, so that a family's
-- acceptance names one precise version.
CREATE TABLE campaign_rules (
    id INTEGER PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    version INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX campaign_rules_version ON campaign_rules(campaign_id, version);

-- The courses of the campaign's next year that it offers.
CREATE TABLE campaign_courses (
    site_id BIGINT NOT NULL REFERENCES sites(id),
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    PRIMARY KEY (campaign_id, course_id)
);
