-- A child's re-enrolment file in a campaign: one per (campaign, child), created when the
-- family starts the wizard or declines. Status and step names are the shared crate's
-- FileStatus and WizardStep (crates/shared/src/wizard.rs).
CREATE TABLE reenrolment_files (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    household_id BIGINT NOT NULL REFERENCES families(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    status TEXT NOT NULL
        CHECK (status IN ('brouillon', 'en_attente', 'validee', 'refusee', 'non_reinscrit')),
    current_step TEXT NOT NULL
        CHECK (current_step IN ('coordonnees', 'autorisations', 'documents', 'cours',
                                'recapitulatif', 'finalisation')),
    coordonnees_confirmed BOOLEAN NOT NULL DEFAULT FALSE,
    -- Step 2's answers, the shared crate's Autorisations as JSON.
    autorisations TEXT NOT NULL DEFAULT '{}',
    comment TEXT NOT NULL DEFAULT '',
    payment_method TEXT CHECK (payment_method IN ('prelevement', 'portail_familles')),
    instalments INTEGER CHECK (instalments IN (1, 9)),
    accepted_rules_version INTEGER,
    school_message TEXT,
    submitted_at TIMESTAMP,
    decided_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, student_id)
);
CREATE INDEX reenrolment_files_household ON reenrolment_files(household_id);
CREATE INDEX reenrolment_files_campaign_status ON reenrolment_files(campaign_id, status);

-- Step 4's wished courses, in the family's order.
CREATE TABLE reenrolment_wishes (
    site_id BIGINT NOT NULL REFERENCES sites(id),
    file_id BIGINT NOT NULL REFERENCES reenrolment_files(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (file_id, course_id)
);
CREATE INDEX reenrolment_wishes_course ON reenrolment_wishes(course_id);
