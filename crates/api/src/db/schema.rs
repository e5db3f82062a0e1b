//! Diesel table definitions, written by hand to match both migration folders.
//!
//! The same definitions serve SQLite and PostgreSQL, so only SQL types that both map to
//! one Rust type are used: `BigInt` ids, `Integer`, `Text`, `Timestamp` (UTC), `Date`.

diesel::table! {
    sites (id) {
        id -> BigInt,
        slug -> Text,
        name -> Text,
        contact_email -> Text,
        forms_url -> Text,
        created_at -> Timestamp,
        billing_address -> Text,
        siret -> Text,
    }
}

diesel::table! {
    families (id) {
        id -> BigInt,
        site_id -> BigInt,
        name -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        pays_by_direct_debit -> Bool,
        resident -> Bool,
        pedibus_requested -> Bool,
        quotient_familial_euros -> Nullable<BigInt>,
    }
}

diesel::table! {
    guardians (id) {
        id -> BigInt,
        site_id -> BigInt,
        family_id -> BigInt,
        position -> Integer,
        civility -> Text,
        last_name -> Text,
        first_name -> Text,
        address -> Text,
        postcode -> Text,
        city -> Text,
        phone_home -> Text,
        phone_mobile -> Text,
        phone_work -> Text,
        email -> Text,
        marital_status -> Text,
        socio_professional_code -> Text,
        profession -> Text,
        extra_phone_1 -> Text,
        extra_phone_2 -> Text,
        extra_phone_3 -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    students (id) {
        id -> BigInt,
        site_id -> BigInt,
        family_id -> BigInt,
        civility -> Text,
        last_name -> Text,
        first_name -> Text,
        birth_date -> Nullable<Date>,
        birth_place -> Text,
        birth_department -> Text,
        address -> Text,
        postcode -> Text,
        city -> Text,
        phone_home -> Text,
        phone_mobile -> Text,
        email -> Text,
        emergency_contact_name -> Text,
        emergency_phone -> Text,
        school_level -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        site_id -> BigInt,
        login -> Text,
        email -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        family_id -> Nullable<BigInt>,
        display_name -> Text,
        password_changed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        guardian_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        account_id -> BigInt,
        refresh_token_hash -> Text,
        previous_refresh_hash -> Nullable<Text>,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        device -> Text,
        place -> Text,
        rotated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    password_reset_tokens (id) {
        id -> BigInt,
        account_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outgoing_emails (id) {
        id -> BigInt,
        site_id -> Nullable<BigInt>,
        to_address -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        status -> Text,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        secret -> Nullable<Text>,
        attempts -> Integer,
        next_attempt_at -> Nullable<Timestamp>,
        claimed_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        site_id -> Nullable<BigInt>,
        account_id -> Nullable<BigInt>,
        action -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<BigInt>,
        ip -> Nullable<Text>,
        details -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tariff_grids (site_id) {
        site_id -> BigInt,
        grid -> Text,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(families -> sites (site_id));
diesel::joinable!(guardians -> families (family_id));
diesel::joinable!(students -> families (family_id));
diesel::joinable!(accounts -> sites (site_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(password_reset_tokens -> accounts (account_id));

diesel::table! {
    change_requests (id) {
        id -> BigInt,
        site_id -> BigInt,
        family_id -> BigInt,
        target_type -> Text,
        target_id -> BigInt,
        field -> Text,
        old_value -> Text,
        new_value -> Text,
        status -> Text,
        requested_by -> BigInt,
        requested_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    school_years (id) {
        id -> BigInt,
        site_id -> BigInt,
        label -> Text,
        starts_on -> Date,
        ends_on -> Date,
    }
}

diesel::table! {
    disciplines (id) {
        id -> BigInt,
        site_id -> BigInt,
        name -> Text,
        is_dance -> Bool,
    }
}

diesel::table! {
    courses (id) {
        id -> BigInt,
        site_id -> BigInt,
        school_year_id -> BigInt,
        discipline_id -> BigInt,
        level -> Text,
        teacher_account_id -> Nullable<BigInt>,
        teacher_name -> Text,
        weekday -> Integer,
        start_time -> Text,
        end_time -> Text,
        room -> Text,
        version -> Integer,
        fee_kind -> Nullable<Text>,
    }
}

diesel::table! {
    enrolments (id) {
        id -> BigInt,
        site_id -> BigInt,
        student_id -> BigInt,
        course_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    evaluations (id) {
        id -> BigInt,
        site_id -> BigInt,
        enrolment_id -> BigInt,
        period -> Text,
        comment -> Text,
        mark -> Nullable<Text>,
        author_id -> Nullable<BigInt>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    absences (id) {
        id -> BigInt,
        site_id -> BigInt,
        enrolment_id -> BigInt,
        date -> Date,
        justified -> Bool,
        reason -> Text,
        recorded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        site_id -> BigInt,
        name -> Text,
        kind -> Text,
        date -> Date,
        place -> Text,
        programme -> Text,
    }
}

diesel::table! {
    participations (id) {
        id -> BigInt,
        site_id -> BigInt,
        event_id -> BigInt,
        student_id -> BigInt,
        piece -> Text,
    }
}

diesel::table! {
    document_types (id) {
        id -> BigInt,
        site_id -> BigInt,
        name -> Text,
        help_text -> Text,
        form_url -> Text,
        scope -> Text,
        requirement -> Text,
        position -> Integer,
        retired_at -> Nullable<Timestamp>,
        delete_file_when_validated -> Bool,
        version -> Integer,
        created_at -> Timestamp,
    }
}
diesel::table! {
    documents (id) {
        id -> BigInt,
        site_id -> BigInt,
        document_type_id -> BigInt,
        family_id -> BigInt,
        student_id -> Nullable<BigInt>,
        student_key -> BigInt,
        state -> Text,
        refusal_reason -> Nullable<Text>,
        display_name -> Text,
        storage_key -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        uploaded_at -> Timestamp,
        uploaded_by -> BigInt,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        file_deleted_at -> Nullable<Timestamp>,
        version -> Integer,
    }
}
diesel::joinable!(documents -> document_types (document_type_id));
diesel::joinable!(documents -> families (family_id));
diesel::joinable!(documents -> students (student_id));
diesel::joinable!(change_requests -> families (family_id));
diesel::joinable!(courses -> school_years (school_year_id));
diesel::joinable!(courses -> disciplines (discipline_id));
diesel::joinable!(enrolments -> courses (course_id));
diesel::joinable!(enrolments -> students (student_id));
diesel::joinable!(evaluations -> enrolments (enrolment_id));
diesel::joinable!(absences -> enrolments (enrolment_id));
diesel::joinable!(participations -> events (event_id));
diesel::joinable!(participations -> students (student_id));

diesel::allow_tables_to_appear_in_same_query!(
    sites,
    families,
    guardians,
    students,
    accounts,
    sessions,
    password_reset_tokens,
    login_throttle,
    outgoing_emails,
    audit_log,
    change_requests,
    school_years,
    disciplines,
    courses,
    enrolments,
    evaluations,
    absences,
    events,
    participations,
    document_types,
    documents,
    campaigns,
    campaign_rules,
    campaign_courses,
    tariff_grids,
    reenrolment_files,
    reenrolment_wishes,
    invoice_sequences,
    invoices,
    invoice_lines,
    invoice_instalments,
    invoice_balances,
    payments,
    payment_allocations,
    rental_items,
    rental_loans,
    rental_charges,
);

diesel::table! {
    campaigns (id) {
        id -> BigInt,
        site_id -> BigInt,
        from_year_id -> BigInt,
        to_year_id -> BigInt,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        step_coordonnees -> Bool,
        step_autorisations -> Bool,
        step_documents -> Bool,
        step_cours -> Bool,
        status -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    campaign_rules (id) {
        id -> BigInt,
        site_id -> BigInt,
        campaign_id -> BigInt,
        version -> Integer,
        text -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    campaign_courses (campaign_id, course_id) {
        site_id -> BigInt,
        campaign_id -> BigInt,
        course_id -> BigInt,
    }
}

diesel::joinable!(campaign_rules -> campaigns (campaign_id));
diesel::joinable!(campaign_courses -> campaigns (campaign_id));
diesel::joinable!(campaign_courses -> courses (course_id));

diesel::table! {
    reenrolment_files (id) {
        id -> BigInt,
        site_id -> BigInt,
        campaign_id -> BigInt,
        household_id -> BigInt,
        student_id -> BigInt,
        status -> Text,
        current_step -> Text,
        coordonnees_confirmed -> Bool,
        autorisations -> Text,
        comment -> Text,
        payment_method -> Nullable<Text>,
        instalments -> Nullable<Integer>,
        accepted_rules_version -> Nullable<Integer>,
        school_message -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    reenrolment_wishes (file_id, course_id) {
        site_id -> BigInt,
        file_id -> BigInt,
        course_id -> BigInt,
        position -> Integer,
    }
}

diesel::joinable!(reenrolment_files -> campaigns (campaign_id));
diesel::joinable!(reenrolment_files -> students (student_id));
diesel::joinable!(reenrolment_files -> families (household_id));
diesel::joinable!(reenrolment_wishes -> reenrolment_files (file_id));
diesel::joinable!(reenrolment_wishes -> courses (course_id));

diesel::table! {
    invoice_sequences (site_id, year) {
        site_id -> BigInt,
        year -> Integer,
        last_number -> BigInt,
    }
}

diesel::table! {
    invoices (id) {
        id -> BigInt,
        site_id -> BigInt,
        household_id -> BigInt,
        number -> Text,
        kind -> Text,
        label -> Text,
        issued_on -> Date,
        total_cents -> BigInt,
        campaign_id -> Nullable<BigInt>,
        corrects_invoice_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invoice_lines (invoice_id, position) {
        invoice_id -> BigInt,
        position -> Integer,
        label -> Text,
        student_id -> Nullable<BigInt>,
        amount_cents -> BigInt,
    }
}

diesel::table! {
    invoice_instalments (invoice_id, position) {
        invoice_id -> BigInt,
        position -> Integer,
        due_on -> Date,
        amount_cents -> BigInt,
    }
}

diesel::joinable!(invoices -> families (household_id));
diesel::joinable!(invoice_lines -> invoices (invoice_id));
diesel::joinable!(invoice_instalments -> invoices (invoice_id));

diesel::table! {
    invoice_balances (invoice_id) {
        invoice_id -> BigInt,
        due_cents -> BigInt,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    payments (id) {
        id -> BigInt,
        site_id -> BigInt,
        household_id -> BigInt,
        paid_on -> Date,
        amount_cents -> BigInt,
        method -> Text,
        reference -> Text,
        idempotency_key -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    payment_allocations (payment_id, invoice_id) {
        payment_id -> BigInt,
        invoice_id -> BigInt,
        amount_cents -> BigInt,
    }
}

diesel::joinable!(invoice_balances -> invoices (invoice_id));
diesel::joinable!(payment_allocations -> payments (payment_id));
diesel::joinable!(payment_allocations -> invoices (invoice_id));

diesel::table! {
    rental_items (id) {
        id -> BigInt,
        site_id -> BigInt,
        category -> Text,
        tariff_code -> Text,
        label -> Text,
        make -> Text,
        inventory_number -> Text,
        serial_number -> Text,
        condition -> Text,
        notes -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rental_loans (id) {
        id -> BigInt,
        site_id -> BigInt,
        item_id -> BigInt,
        household_id -> BigInt,
        student_id -> Nullable<BigInt>,
        starts_on -> Date,
        ends_on -> Date,
        returned_on -> Nullable<Date>,
        return_condition -> Nullable<Text>,
        return_notes -> Text,
        version -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rental_charges (loan_id, month) {
        loan_id -> BigInt,
        month -> Date,
        invoice_id -> BigInt,
    }
}

diesel::joinable!(rental_loans -> rental_items (item_id));
diesel::joinable!(rental_loans -> families (household_id));
diesel::joinable!(rental_loans -> students (student_id));
diesel::joinable!(rental_charges -> rental_loans (loan_id));
diesel::joinable!(rental_charges -> invoices (invoice_id));
