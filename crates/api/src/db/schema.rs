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
        error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
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

diesel::joinable!(families -> sites (site_id));
diesel::joinable!(guardians -> families (family_id));
diesel::joinable!(students -> families (family_id));
diesel::joinable!(accounts -> sites (site_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(password_reset_tokens -> accounts (account_id));

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
);
