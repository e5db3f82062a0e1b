//! Administrative tasks of the `tutti` command: create a site, a staff account, the demo.
//!
//! They run outside the server, blocking, each on its own connection; every one runs
//! pending migrations first (through [`Db::connect`]).

use diesel::Connection;

use crate::auth::password::PasswordHasher;
use crate::config::Config;
use crate::db::accounts::{NewAccount, find_account_by_login, insert_account};
use crate::db::audit::{AuditEntry, record};
use crate::db::families::{NewGuardian, NewStudent, insert_family, insert_guardian, insert_student};
use crate::db::sites::{NewSite, find_site_by_slug, insert_site};
use crate::db::{Db, DbConnection, DbError, now};
use crate::routes::auth::prehash_for_login;

/// Why a task failed; the message is for the operator.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("{0}")]
    Invalid(String),
}

/// Runs pending migrations (every task does; this one does nothing else).
pub fn migrate(config: &Config) -> Result<(), TaskError> {
    Db::connect(config)?;
    Ok(())
}

/// Creates a site and returns its id; fails if the slug is taken.
pub fn create_site(config: &Config, slug: &str, name: &str) -> Result<i64, TaskError> {
    let valid_slug = !slug.is_empty()
        && slug.len() <= 60
        && slug.chars().all(|character| character.is_ascii_lowercase() || character.is_ascii_digit() || character == '-');
    if !valid_slug {
        return Err(TaskError::Invalid("the slug must be 1 to 60 lowercase letters, digits or dashes".to_owned()));
    }
    if name.trim().is_empty() {
        return Err(TaskError::Invalid("the name must not be empty".to_owned()));
    }
    let db = Db::connect(config)?;
    let mut connection = db.get()?;
    if find_site_by_slug(&mut connection, slug)?.is_some() {
        return Err(TaskError::Invalid(format!("a site with slug {slug:?} already exists")));
    }
    let id = insert_site(
        &mut connection,
        &NewSite { slug, name: name.trim(), contact_email: "", forms_url: "", created_at: now() },
    )?;
    Ok(id)
}

/// Creates a staff account without a password and returns its id. The staff member sets
/// a first password through "Générer un nouveau mot de passe", like families do.
pub fn create_staff(config: &Config, site_slug: &str, login: &str, email: &str) -> Result<i64, TaskError> {
    let email = tutti_shared::EmailAddress::parse(email).map_err(|error| TaskError::Invalid(error.0))?;
    if login.trim().is_empty() || login.len() > 100 {
        return Err(TaskError::Invalid("the login must be 1 to 100 characters".to_owned()));
    }
    let db = Db::connect(config)?;
    let mut connection = db.get()?;
    let site = find_site_by_slug(&mut connection, site_slug)?
        .ok_or_else(|| TaskError::Invalid(format!("no site with slug {site_slug:?}")))?;
    if find_account_by_login(&mut connection, site_slug, login.trim())?.is_some() {
        return Err(TaskError::Invalid(format!("the login {login:?} is taken on this site")));
    }
    let id = insert_account(
        &mut connection,
        &NewAccount {
            site_id: site.id,
            login: login.trim(),
            email: email.as_str(),
            password_hash: None,
            role: "staff",
            family_id: None,
            display_name: login.trim(),
            password_changed_at: None,
            created_at: now(),
        },
    )?;
    record(
        &mut connection,
        &AuditEntry {
            site_id: Some(site.id),
            action: "account_created",
            target_type: Some("account"),
            target_id: Some(id),
            details: Some("role: staff (command line)".to_owned()),
            ..AuditEntry::default()
        },
    )?;
    Ok(id)
}

/// Demo logins, printed by `tutti seed-demo`. Demo data exists only when asked for.
pub const DEMO_LOGINS: &[(&str, &str, &str)] = &[
    ("famille.demo", "Demo-Famille-2026", "famille Martin : deux responsables, trois enfants"),
    ("famille.durand", "Demo-Famille-2026", "famille Durand : une responsable, un enfant"),
    ("admin.demo", "Demo-Admin-2026", "administration"),
];

/// Slug of the demo site.
pub const DEMO_SITE: &str = "conservatoire";

/// Creates the demo site, accounts and households. Run twice, it changes nothing the
/// second time: each part is created only when missing.
pub fn seed_demo(config: &Config) -> Result<(), TaskError> {
    let db = Db::connect(config)?;
    let hasher = PasswordHasher::new(config.bcrypt_cost.min(12))
        .map_err(|error| TaskError::Invalid(format!("bcrypt: {error}")))?;
    let mut connection = db.get()?;
    let site_id = match find_site_by_slug(&mut connection, DEMO_SITE)? {
        Some(site) => site.id,
        None => insert_site(
            &mut connection,
            &NewSite {
                slug: DEMO_SITE,
                name: "Conservatoire 1",
                contact_email: "conservatoire@ville-exemple.fr",
                forms_url: "",
                created_at: now(),
            },
        )?,
    };
    let hash = |password: &str| {
        hasher.hash_blocking(&prehash_for_login(password)).map_err(|error| TaskError::Invalid(format!("bcrypt: {error}")))
    };

    if find_account_by_login(&mut connection, DEMO_SITE, "admin.demo")?.is_none() {
        let password_hash = hash("Demo-Admin-2026")?;
        insert_account(
            &mut connection,
            &NewAccount {
                site_id,
                login: "admin.demo",
                email: "secretariat@ville-exemple.fr",
                password_hash: Some(&password_hash),
                role: "staff",
                family_id: None,
                display_name: "Secrétariat du conservatoire",
                password_changed_at: Some(now()),
                created_at: now(),
            },
        )?;
    }
    if find_account_by_login(&mut connection, DEMO_SITE, "famille.demo")?.is_none() {
        let password_hash = hash("Demo-Famille-2026")?;
        seed_martin(&mut connection, site_id, &password_hash)?;
    }
    if find_account_by_login(&mut connection, DEMO_SITE, "famille.durand")?.is_none() {
        let password_hash = hash("Demo-Famille-2026")?;
        seed_durand(&mut connection, site_id, &password_hash)?;
    }
    Ok(())
}

fn seed_martin(connection: &mut DbConnection, site_id: i64, password_hash: &str) -> Result<(), TaskError> {
    connection.transaction(|connection| {
        let time = now();
        let family_id = insert_family(connection, site_id, "Famille Martin", time)?;
        let address = "12 rue des Lilas";
        insert_guardian(
            connection,
            &NewGuardian {
                site_id,
                family_id,
                position: 1,
                civility: "Madame",
                last_name: "Martin",
                first_name: "Claire",
                address,
                postcode: "94420",
                city: "Le Plessis-Trévise",
                phone_home: "01 45 76 12 34",
                phone_mobile: "06 12 34 56 78",
                phone_work: "01 49 00 11 22",
                email: "claire.martin@example.fr",
                marital_status: "Mariée",
                socio_professional_code: "37",
                profession: "Cadre administrative",
                created_at: time,
                updated_at: time,
            },
        )?;
        insert_guardian(
            connection,
            &NewGuardian {
                site_id,
                family_id,
                position: 2,
                civility: "Monsieur",
                last_name: "Martin",
                first_name: "Julien",
                address,
                postcode: "94420",
                city: "Le Plessis-Trévise",
                phone_mobile: "06 98 76 54 32",
                email: "julien.martin@example.fr",
                marital_status: "Marié",
                socio_professional_code: "47",
                profession: "Technicien",
                created_at: time,
                updated_at: time,
                ..NewGuardian::default()
            },
        )?;
        let children = [
            ("Mademoiselle", "Léa", "2012-03-14", "Collège - 4e"),
            ("Monsieur", "Hugo", "2015-09-02", "École élémentaire - CM2"),
            ("Mademoiselle", "Chloé", "2018-06-21", "École élémentaire - CP"),
        ];
        for (civility, first_name, birth_date, school_level) in children {
            insert_student(
                connection,
                &NewStudent {
                    site_id,
                    family_id,
                    civility,
                    last_name: "Martin",
                    first_name,
                    birth_date: chrono::NaiveDate::parse_from_str(birth_date, "%Y-%m-%d").ok(),
                    birth_place: "Créteil",
                    birth_department: "94",
                    address,
                    postcode: "94420",
                    city: "Le Plessis-Trévise",
                    emergency_contact_name: "Monique Martin (grand-mère)",
                    emergency_phone: "06 11 22 33 44",
                    school_level,
                    created_at: time,
                    updated_at: time,
                    ..NewStudent::default()
                },
            )?;
        }
        insert_account(
            connection,
            &NewAccount {
                site_id,
                login: "famille.demo",
                email: "claire.martin@example.fr",
                password_hash: Some(password_hash),
                role: "family",
                family_id: Some(family_id),
                display_name: "Claire Martin",
                password_changed_at: Some(time),
                created_at: time,
            },
        )?;
        Ok(())
    })
}

fn seed_durand(connection: &mut DbConnection, site_id: i64, password_hash: &str) -> Result<(), TaskError> {
    connection.transaction(|connection| {
        let time = now();
        let family_id = insert_family(connection, site_id, "Famille Durand", time)?;
        insert_guardian(
            connection,
            &NewGuardian {
                site_id,
                family_id,
                position: 1,
                civility: "Madame",
                last_name: "Durand",
                first_name: "Sophie",
                address: "3 allée des Tilleuls",
                postcode: "94490",
                city: "Ormesson-sur-Marne",
                phone_mobile: "07 61 23 45 67",
                email: "sophie.durand@example.fr",
                marital_status: "Célibataire",
                socio_professional_code: "54",
                profession: "Employée de bureau",
                created_at: time,
                updated_at: time,
                ..NewGuardian::default()
            },
        )?;
        insert_student(
            connection,
            &NewStudent {
                site_id,
                family_id,
                civility: "Monsieur",
                last_name: "Durand",
                first_name: "Nathan",
                birth_date: chrono::NaiveDate::from_ymd_opt(2013, 11, 5),
                birth_place: "Paris 12e",
                birth_department: "75",
                address: "3 allée des Tilleuls",
                postcode: "94490",
                city: "Ormesson-sur-Marne",
                emergency_contact_name: "Sophie Durand",
                emergency_phone: "07 61 23 45 67",
                school_level: "Collège - 6e",
                created_at: time,
                updated_at: time,
                ..NewStudent::default()
            },
        )?;
        insert_account(
            connection,
            &NewAccount {
                site_id,
                login: "famille.durand",
                email: "sophie.durand@example.fr",
                password_hash: Some(password_hash),
                role: "family",
                family_id: Some(family_id),
                display_name: "Sophie Durand",
                password_changed_at: Some(time),
                created_at: time,
            },
        )?;
        Ok(())
    })
}
