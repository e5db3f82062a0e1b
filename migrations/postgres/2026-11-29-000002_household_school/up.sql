-- Change requests (family edits awaiting staff), and the school's year: disciplines,
-- courses, enrolments, evaluations, absences, events and participations.

CREATE TABLE change_requests (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    family_id BIGINT NOT NULL REFERENCES families(id),
    target_type TEXT NOT NULL CHECK (target_type IN ('guardian', 'student')),
    target_id BIGINT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'superseded')),
    requested_by BIGINT NOT NULL REFERENCES accounts(id),
    requested_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES accounts(id),
    decided_at TIMESTAMP
);
CREATE INDEX change_requests_target ON change_requests(target_type, target_id, status);
CREATE INDEX change_requests_site ON change_requests(site_id, status, requested_at);

CREATE TABLE school_years (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    label TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    UNIQUE (site_id, label)
);

CREATE TABLE disciplines (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    is_dance BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (site_id, name)
);

CREATE TABLE courses (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    school_year_id BIGINT NOT NULL REFERENCES school_years(id),
    discipline_id BIGINT NOT NULL REFERENCES disciplines(id),
    level TEXT NOT NULL,
    teacher_account_id BIGINT REFERENCES accounts(id),
    teacher_name TEXT NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_time TEXT NOT NULL,
    end_time TEXT NOT NULL,
    room TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX courses_year ON courses(school_year_id);
CREATE INDEX courses_teacher ON courses(teacher_account_id);

CREATE TABLE enrolments (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    course_id BIGINT NOT NULL REFERENCES courses(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (student_id, course_id)
);
CREATE INDEX enrolments_course ON enrolments(course_id);

CREATE TABLE evaluations (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    enrolment_id BIGINT NOT NULL REFERENCES enrolments(id),
    period TEXT NOT NULL,
    comment TEXT NOT NULL,
    mark TEXT,
    author_id BIGINT REFERENCES accounts(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX evaluations_enrolment ON evaluations(enrolment_id);

CREATE TABLE absences (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    enrolment_id BIGINT NOT NULL REFERENCES enrolments(id),
    date DATE NOT NULL,
    justified BOOLEAN NOT NULL DEFAULT FALSE,
    reason TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES accounts(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX absences_enrolment ON absences(enrolment_id);

CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('concert', 'audition', 'spectacle')),
    date DATE NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    programme TEXT NOT NULL DEFAULT ''
);

CREATE TABLE participations (
    id BIGSERIAL PRIMARY KEY,
    site_id BIGINT NOT NULL REFERENCES sites(id),
    event_id BIGINT NOT NULL REFERENCES events(id),
    student_id BIGINT NOT NULL REFERENCES students(id),
    piece TEXT NOT NULL DEFAULT '',
    UNIQUE (event_id, student_id)
);
CREATE INDEX participations_student ON participations(student_id);
