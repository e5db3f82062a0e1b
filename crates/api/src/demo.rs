//! The demo data of `tutti seed-demo`: a site, staff, a teacher and two households with
//! a school year of courses, evaluations, absences and events. Idempotent.

use crate::auth::password::PasswordHasher;
use crate::auth::service::prehash_for_login;
use crate::auth::store::{NewAccount, find_account_by_login, insert_account};
use crate::config::Config;
use crate::db::{Db, DbConnection, now};
use crate::domain::{HouseholdId, SiteId};
use crate::household::store::{
    NewGuardian, NewStudent, household_choices, insert_family, insert_guardian, insert_student,
    update_household_choices,
};
use crate::sites::store::{NewSite, find_site_by_slug, insert_site};
use crate::tasks::TaskError;

/// Demo logins, printed by `tutti seed-demo`. Demo data exists only when asked for.
pub const DEMO_LOGINS: &[(&str, &str, &str)] = &[
    (
        "famille.demo",
        "Demo-Famille-2026",
        "famille Martin : deux responsables, trois enfants",
    ),
    (
        "famille.durand",
        "Demo-Famille-2026",
        "famille Durand : une responsable, un enfant",
    ),
    ("admin.demo", "Demo-Admin-2026", "administration"),
    (
        "prof.demo",
        "Demo-Professeur-2026",
        "professeure de piano (Isabelle Moreau)",
    ),
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
    crate::sites::store::set_billing_identity(
        &mut connection,
        site_id,
        "Conservatoire municipal\n12 avenue Ardouin\n94420 Le Plessis-Trévise",
        "219 400 591 00017",
    )?;
    let hash = |password: &str| {
        hasher
            .hash_blocking(&prehash_for_login(password))
            .map_err(|error| TaskError::Invalid(format!("bcrypt: {error}")))
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
                guardian_id: None,
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
    if find_account_by_login(&mut connection, DEMO_SITE, "prof.demo")?.is_none() {
        let password_hash = hash("Demo-Professeur-2026")?;
        insert_account(
            &mut connection,
            &NewAccount {
                site_id,
                login: "prof.demo",
                email: "isabelle.moreau@ville-exemple.fr",
                password_hash: Some(&password_hash),
                role: "teacher",
                family_id: None,
                display_name: "Isabelle Moreau",
                password_changed_at: Some(now()),
                created_at: now(),
                guardian_id: None,
            },
        )?;
    }
    if crate::school::store::list_years(&mut connection, SiteId(site_id))?.is_empty() {
        seed_school(&mut connection, site_id, chrono::Utc::now().date_naive())?;
    }
    seed_document_types(&mut connection, site_id)?;
    seed_tariffs(&mut connection, site_id)?;
    seed_campaign(&mut connection, site_id)?;
    seed_rentals(&mut connection, site_id, chrono::Utc::now().date_naive())?;
    Ok(())
}

/// The rental inventory, once: violins and a cello, one violin lent to Nathan Durand
/// for this school year (not invoiced: staff issue the period's rental invoices).
fn seed_rentals(
    connection: &mut DbConnection,
    site_id: i64,
    today: chrono::NaiveDate,
) -> Result<(), TaskError> {
    use crate::rentals::store::{self as rentals, ItemFields, NewLoan};
    use chrono::Datelike;
    let site = SiteId(site_id);
    if !rentals::items(connection, site)?.is_empty() {
        return Ok(());
    }
    crate::db::write_transaction(connection, |connection| {
        let time = now();
        let item = |code: &'static str,
                    label: &'static str,
                    make: &'static str,
                    number: &'static str,
                    serial: &'static str,
                    condition: &'static str| ItemFields {
            category: "instrument",
            tariff_code: code,
            label,
            make,
            inventory_number: number,
            serial_number: serial,
            condition,
            notes: "",
        };
        let mut lent = None;
        for fields in [
            item(
                "violon",
                "Violon 1/2",
                "Stentor",
                "V-001",
                "ST-20931",
                "bon",
            ),
            item("violon", "Violon 3/4", "Yamaha", "V-002", "YV-5512", "bon"),
            item("violon", "Violon 4/4", "Gliga", "V-003", "GL-0877", "use"),
            item(
                "violoncelle",
                "Violoncelle 3/4",
                "Primavera",
                "VC-001",
                "PR-3310",
                "neuf",
            ),
        ] {
            let id = rentals::insert_item(connection, site, &fields, time)?;
            if fields.inventory_number == "V-002" {
                lent = Some(id);
            }
        }
        let nathan = rentals::student_by_name(connection, site, "Nathan", "Durand")?;
        if let (Some(item_id), Some((student_id, household_id))) = (lent, nathan) {
            let first = if today.month() >= 9 {
                today.year()
            } else {
                today.year() - 1
            };
            let day = |year: i32, month: u32, day: u32| {
                chrono::NaiveDate::from_ymd_opt(year, month, day).unwrap_or(today)
            };
            rentals::insert_loan(
                connection,
                &NewLoan {
                    site_id,
                    item_id,
                    household_id,
                    student_id: Some(student_id),
                    starts_on: day(first, 9, 1),
                    ends_on: day(first + 1, 6, 30),
                    created_at: time,
                },
            )?;
        }
        Ok(())
    })
}

/// The legacy guide's "Pièces à fournir", once; and Famille Martin pays by direct debit
/// and lives in the town, so that the SEPA mandate and the quotient familial apply.
fn seed_document_types(connection: &mut DbConnection, site_id: i64) -> Result<(), TaskError> {
    use tutti_shared::{DocumentScope, DocumentTypeInput, HouseholdChoices, RequirementRule};
    let site = SiteId(site_id);
    if !crate::documents::store::list_types(connection, site)?.is_empty() {
        return Ok(());
    }
    crate::db::write_transaction(connection, |connection| {
        let types = [
            (
                "Assurance responsabilité civile",
                "Attestation d'assurance responsabilité civile de l'année en cours.",
                DocumentScope::Household,
                RequirementRule::Always,
                false,
            ),
            (
                "Certificat médical (danse)",
                "Obligatoire pour la danse, le cardio-danse et le street-jazz / hip-hop (sauf Éveil et Initiation).",
                DocumentScope::Student,
                RequirementRule::Disciplines,
                true,
            ),
            (
                "Quotient familial (résidents)",
                "À faire calculer auprès du service facturation en mairie avant fin septembre.",
                DocumentScope::Household,
                RequirementRule::Residents,
                false,
            ),
            (
                "SEPA + RIB (prélèvement)",
                "Mandat SEPA signé et RIB, même si vous êtes déjà prélevé par la ville.",
                DocumentScope::Household,
                RequirementRule::DirectDebit,
                false,
            ),
            (
                "Droit à l'image",
                "Autorisation signée (ou refus) de diffusion de l'image de l'élève.",
                DocumentScope::Student,
                RequirementRule::Always,
                false,
            ),
            (
                "Demande de pédibus",
                "Les demandes seront étudiées.",
                DocumentScope::Household,
                RequirementRule::Pedibus,
                false,
            ),
            (
                "Décharge parentale (si pédibus)",
                "Obligatoire en cas de demande de pédibus.",
                DocumentScope::Household,
                RequirementRule::Pedibus,
                false,
            ),
        ];
        for (name, help_text, scope, requirement, delete_file_when_validated) in types {
            crate::documents::store::insert_type(
                connection,
                site,
                &DocumentTypeInput {
                    name: name.to_owned(),
                    help_text: help_text.to_owned(),
                    form_url: String::new(),
                    scope,
                    requirement,
                    delete_file_when_validated,
                    retired: false,
                    version: None,
                },
                now(),
            )?;
        }
        if let Some(family_id) = find_account_by_login(connection, DEMO_SITE, "famille.demo")?
            .and_then(|account| account.family_id)
        {
            let household = HouseholdId(family_id);
            if let Some(recorded) = household_choices(connection, site, household)? {
                update_household_choices(
                    connection,
                    site,
                    household,
                    &HouseholdChoices {
                        pays_by_direct_debit: true,
                        resident: true,
                        pedibus_requested: false,
                        quotient_familial_euros: recorded.quotient_familial_euros,
                        version: recorded.version,
                    },
                    now(),
                )?;
            }
        }
        Ok::<_, TaskError>(())
    })
}

/// Two school years (the current one and the one before) with courses, enrolments of
/// the demo children, evaluations per term, a few absences and two concerts.
fn seed_school(
    connection: &mut DbConnection,
    site_id: i64,
    today: chrono::NaiveDate,
) -> Result<(), TaskError> {
    use crate::household::store::family_students;
    use crate::school::store::{
        insert_absence, insert_course, insert_discipline, insert_enrolment, insert_evaluation,
        insert_event, insert_participation, insert_year,
    };
    use chrono::Datelike;
    use tutti_shared::{
        AbsenceInput, CourseInput, DisciplineInput, EvaluationInput, EventInput,
        ParticipationInput, SchoolYearInput,
    };

    crate::db::write_transaction(connection, |connection| {
        let first_year = if today.month() >= 9 {
            today.year()
        } else {
            today.year() - 1
        };
        let date = |year: i32, month: u32, day: u32| {
            chrono::NaiveDate::from_ymd_opt(year, month, day)
                .ok_or_else(|| TaskError::Invalid("bad demo date".to_owned()))
        };
        let mut year_ids = Vec::new();
        for start in [first_year - 1, first_year] {
            let id = insert_year(
                connection,
                SiteId(site_id),
                &SchoolYearInput {
                    label: format!("{}-{}", start, start + 1),
                    starts_on: date(start, 9, 1)?,
                    ends_on: date(start + 1, 7, 4)?,
                },
            )?;
            year_ids.push((start, id));
        }
        let mut discipline_ids = std::collections::HashMap::new();
        for (name, is_dance) in [
            ("Piano", false),
            ("Violon", false),
            ("Formation musicale", false),
            ("Danse classique", true),
            ("Hip-hop", true),
            ("Éveil musical", false),
        ] {
            discipline_ids.insert(
                name,
                insert_discipline(
                    connection,
                    SiteId(site_id),
                    &DisciplineInput {
                        name: name.to_owned(),
                        is_dance,
                    },
                )?,
            );
        }
        let teacher_id =
            find_account_by_login(connection, DEMO_SITE, "prof.demo")?.map(|account| account.id);
        let students_of = |connection: &mut DbConnection,
                           login: &str|
         -> Result<Vec<crate::household::store::Student>, TaskError> {
            let account = find_account_by_login(connection, DEMO_SITE, login)?
                .ok_or_else(|| TaskError::Invalid("demo account missing".to_owned()))?;
            let family_id = account
                .family_id
                .ok_or_else(|| TaskError::Invalid("demo family missing".to_owned()))?;
            Ok(family_students(
                connection,
                SiteId(site_id),
                HouseholdId(family_id),
            )?)
        };
        let martins = students_of(connection, "famille.demo")?;
        let durands = students_of(connection, "famille.durand")?;
        let (lea, hugo, chloe) = match martins.as_slice() {
            [lea, hugo, chloe, ..] => (lea.id, hugo.id, chloe.id),
            _ => return Err(TaskError::Invalid("demo children missing".to_owned())),
        };
        let nathan = durands
            .first()
            .map(|student| student.id)
            .ok_or_else(|| TaskError::Invalid("demo child missing".to_owned()))?;

        // (discipline, level, teacher, weekday, start, end, room, uses the demo teacher account, students)
        type Plan<'a> = (
            &'a str,
            &'a str,
            &'a str,
            i32,
            &'a str,
            &'a str,
            &'a str,
            bool,
            Vec<i64>,
        );
        let plans = |previous: bool| -> Vec<Plan<'static>> {
            if previous {
                vec![
                    (
                        "Piano",
                        "Cycle 1 - 3e année",
                        "Isabelle Moreau",
                        3,
                        "14:00",
                        "14:30",
                        "Salle 12",
                        true,
                        vec![lea],
                    ),
                    (
                        "Formation musicale",
                        "Cycle 1 - 3e année",
                        "Marc Lefèvre",
                        3,
                        "15:00",
                        "16:00",
                        "Salle 4",
                        false,
                        vec![lea],
                    ),
                    (
                        "Éveil musical",
                        "Éveil 2",
                        "Nadia Benali",
                        6,
                        "10:00",
                        "10:45",
                        "Salle 1",
                        false,
                        vec![hugo],
                    ),
                    (
                        "Violon",
                        "Cycle 1 - 1re année",
                        "Paul Girard",
                        2,
                        "17:30",
                        "18:00",
                        "Salle 8",
                        false,
                        vec![nathan],
                    ),
                ]
            } else {
                vec![
                    (
                        "Piano",
                        "Cycle 1 - 4e année",
                        "Isabelle Moreau",
                        3,
                        "14:00",
                        "14:45",
                        "Salle 12",
                        true,
                        vec![lea],
                    ),
                    (
                        "Formation musicale",
                        "Cycle 2 - 1re année",
                        "Marc Lefèvre",
                        3,
                        "15:00",
                        "16:15",
                        "Salle 4",
                        false,
                        vec![lea],
                    ),
                    (
                        "Danse classique",
                        "Initiation 1",
                        "Claire Dubois",
                        6,
                        "11:00",
                        "12:00",
                        "Studio de danse",
                        false,
                        vec![chloe],
                    ),
                    (
                        "Hip-hop",
                        "Débutants 8-11 ans",
                        "Yanis Haddad",
                        5,
                        "18:00",
                        "19:00",
                        "Studio de danse",
                        false,
                        vec![hugo],
                    ),
                    (
                        "Formation musicale",
                        "Cycle 1 - 1re année",
                        "Marc Lefèvre",
                        2,
                        "17:00",
                        "18:00",
                        "Salle 4",
                        false,
                        vec![hugo, nathan],
                    ),
                    (
                        "Violon",
                        "Cycle 1 - 2e année",
                        "Paul Girard",
                        2,
                        "18:00",
                        "18:30",
                        "Salle 8",
                        false,
                        vec![nathan],
                    ),
                ]
            }
        };
        for (index, (start, year_id)) in year_ids.iter().enumerate() {
            let previous = index == 0;
            let periods: &[(&str, i32, u32, u32)] = if previous {
                &[
                    ("1er trimestre", *start, 12, 12),
                    ("2e trimestre", *start + 1, 3, 20),
                    ("3e trimestre", *start + 1, 6, 19),
                ]
            } else {
                &[("1er trimestre", *start, 11, 21)]
            };
            for (discipline, level, teacher, weekday, start_time, end_time, room, own, students) in
                plans(previous)
            {
                let course_id = insert_course(
                    connection,
                    SiteId(site_id),
                    &CourseInput {
                        school_year_id: *year_id,
                        discipline_id: discipline_ids[discipline],
                        level: level.to_owned(),
                        teacher_account_id: if own { teacher_id } else { None },
                        teacher_name: teacher.to_owned(),
                        weekday,
                        start_time: start_time.to_owned(),
                        end_time: end_time.to_owned(),
                        room: room.to_owned(),
                        version: None,
                        fee_kind: None,
                    },
                )?;
                for student_id in students {
                    let enrolment_id = insert_enrolment(
                        connection,
                        SiteId(site_id),
                        student_id,
                        course_id,
                        now(),
                    )?;
                    for (period_index, (period, year, month, day)) in periods.iter().enumerate() {
                        let comment = demo_comment(discipline, period_index);
                        let mark = if discipline == "Formation musicale" {
                            Some(format!("{}/20", 13 + period_index))
                        } else {
                            None
                        };
                        insert_evaluation(
                            connection,
                            SiteId(site_id),
                            teacher_id.unwrap_or_default(),
                            &EvaluationInput {
                                enrolment_id,
                                period: (*period).to_owned(),
                                comment,
                                mark,
                                version: None,
                            },
                            date(*year, *month, *day)?.and_time(chrono::NaiveTime::MIN),
                        )?;
                    }
                    if discipline == "Formation musicale" || discipline == "Hip-hop" {
                        insert_absence(
                            connection,
                            SiteId(site_id),
                            teacher_id.unwrap_or_default(),
                            &AbsenceInput {
                                enrolment_id,
                                date: date(*start, 10, 8 + u32::try_from(weekday).unwrap_or(0))?,
                                justified: true,
                                reason: "Malade (certificat fourni)".to_owned(),
                            },
                            now(),
                        )?;
                        if !previous {
                            insert_absence(
                                connection,
                                SiteId(site_id),
                                teacher_id.unwrap_or_default(),
                                &AbsenceInput {
                                    enrolment_id,
                                    date: date(
                                        *start,
                                        11,
                                        12 + u32::try_from(weekday).unwrap_or(0),
                                    )?,
                                    justified: false,
                                    reason: String::new(),
                                },
                                now(),
                            )?;
                        }
                    }
                }
            }
        }
        let previous_start = first_year - 1;
        let winter = insert_event(
            connection,
            SiteId(site_id),
            &EventInput {
                name: "Concert de Noël".to_owned(),
                kind: "concert".to_owned(),
                date: date(previous_start, 12, 17)?,
                place: "Auditorium du conservatoire".to_owned(),
                programme: "Noëls traditionnels, pièces pour piano et ensemble à cordes."
                    .to_owned(),
            },
        )?;
        let spring = insert_event(
            connection,
            SiteId(site_id),
            &EventInput {
                name: "Spectacle de fin d'année".to_owned(),
                kind: "spectacle".to_owned(),
                date: date(previous_start + 1, 6, 14)?,
                place: "Salle des fêtes".to_owned(),
                programme: "Musique et danse : les élèves de toutes les classes sur scène."
                    .to_owned(),
            },
        )?;
        for (event_id, student_id, piece) in [
            (winter, lea, "J. S. Bach, Menuet en sol majeur (piano)"),
            (winter, nathan, "Douce nuit, arrangement pour violons"),
            (
                spring,
                lea,
                "R. Schumann, « Le gai laboureur » (Album pour la jeunesse)",
            ),
            (spring, hugo, "Chanson des éveils : « Le petit orchestre »"),
        ] {
            insert_participation(
                connection,
                SiteId(site_id),
                event_id,
                &ParticipationInput {
                    student_id,
                    piece: piece.to_owned(),
                },
            )?;
        }
        Ok(())
    })
}

fn demo_comment(discipline: &str, period_index: usize) -> String {
    let comments: &[&str] = match discipline {
        "Piano" => &[
            "Bon travail de lecture. Attention à la régularité du travail à la maison.",
            "Progrès nets dans la souplesse du poignet. Le trac en audition diminue.",
            "Très bonne fin d'année, répertoire varié et bien maîtrisé.",
        ],
        "Formation musicale" => &[
            "Élève attentive et participative. Le rythme reste à consolider.",
            "Bonne progression en lecture de notes, dictées encore hésitantes.",
            "Ensemble solide ; passage en cycle supérieur conseillé.",
        ],
        "Violon" => &[
            "Belle posture, justesse à travailler.",
            "Son plus ample, continuer les gammes.",
            "Bonne audition de fin d'année.",
        ],
        "Danse classique" => &[
            "Enthousiaste et concentrée. Travail des pliés à poursuivre.",
            "",
            "",
        ],
        "Hip-hop" => &["Bonne énergie, écoute du groupe à améliorer.", "", ""],
        _ => &[
            "Participe avec plaisir aux activités.",
            "Bonne écoute et curiosité.",
            "Très belle année.",
        ],
    };
    comments
        .get(period_index)
        .copied()
        .filter(|comment| !comment.is_empty())
        .unwrap_or("Bon trimestre.")
        .to_owned()
}

fn seed_martin(
    connection: &mut DbConnection,
    site_id: i64,
    password_hash: &str,
) -> Result<(), TaskError> {
    crate::db::write_transaction(connection, |connection| {
        let time = now();
        let family_id = insert_family(connection, SiteId(site_id), "Famille Martin", time)?;
        let address = "12 rue des Lilas";
        let claire = insert_guardian(
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
                marital_status: "Marié(e)",
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
                marital_status: "Marié(e)",
                socio_professional_code: "47",
                profession: "Technicien",
                created_at: time,
                updated_at: time,
                ..NewGuardian::default()
            },
        )?;
        let children = [
            ("Mademoiselle", "Léa", "2012-03-14", "4e"),
            ("Monsieur", "Hugo", "2015-09-02", "CM2"),
            ("Mademoiselle", "Chloé", "2018-06-21", "CP"),
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
                guardian_id: Some(claire),
            },
        )?;
        Ok(())
    })
}

fn seed_durand(
    connection: &mut DbConnection,
    site_id: i64,
    password_hash: &str,
) -> Result<(), TaskError> {
    crate::db::write_transaction(connection, |connection| {
        let time = now();
        let family_id = insert_family(connection, SiteId(site_id), "Famille Durand", time)?;
        let sophie = insert_guardian(
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
                school_level: "6e",
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
                guardian_id: Some(sophie),
            },
        )?;
        Ok(())
    })
}

/// The tariff grid of a town's conservatory (brackets A to F by quotient familial,
/// non-residents at about twice the price, 10 % and 20 % off the 2nd and 3rd children,
/// instrument rental 120 € a year), once; the courses' fee kinds from their discipline
/// and length; Famille Martin's quotient familial (850 €: bracket C).
fn seed_tariffs(connection: &mut DbConnection, site_id: i64) -> Result<(), TaskError> {
    use crate::tariffs::{service, store};
    use tutti_shared::{TariffBracket, TariffCourseKind, TariffGrid, TariffRental};

    let site = SiteId(site_id);
    crate::db::write_transaction(connection, |connection| {
        // Once: a second run changes nothing, not even a quotient edited since.
        if store::find_grid(connection, site)?.is_some() {
            return Ok(());
        }
        let kind = |code: &str, label: &str, resident: i64, non_resident: i64| TariffCourseKind {
            code: code.to_owned(),
            label: label.to_owned(),
            resident_price_cents: resident,
            non_resident_price_cents: non_resident,
        };
        let bracket = |code: &str, max: Option<i64>, percent: i64| TariffBracket {
            code: code.to_owned(),
            max_quotient_euros: max,
            percent,
        };
        let rental = |code: &str, label: &str| TariffRental {
            code: code.to_owned(),
            label: label.to_owned(),
            price_cents: 12_000,
        };
        let grid = TariffGrid {
            version: 0,
            course_kinds: vec![
                kind("instrument_30", "Instrument 30 min", 30_000, 60_000),
                kind("instrument_45", "Instrument 45 min", 42_000, 84_000),
                kind("formation_musicale", "Formation musicale", 15_000, 30_000),
                kind("danse", "Danse", 25_000, 50_000),
                kind("eveil", "Éveil", 12_000, 24_000),
                kind("ensemble", "Ensemble ou orchestre", 6_000, 12_000),
            ],
            brackets: vec![
                bracket("A", Some(500), 40),
                bracket("B", Some(700), 55),
                bracket("C", Some(900), 70),
                bracket("D", Some(1200), 85),
                bracket("E", Some(1600), 100),
                bracket("F", None, 100),
            ],
            floor_cents: 5_000,
            cap_cents: 150_000,
            second_child_percent: 10,
            third_child_percent: 20,
            rentals: vec![
                rental("violon", "violon"),
                rental("violoncelle", "violoncelle"),
            ],
        };
        service::save_grid(connection, site, grid)?;
        for course in crate::school::store::list_courses(connection, site, None, None)? {
            let minutes = |time: &str| {
                let (hours, minutes) = time.split_once(':').unwrap_or(("0", "0"));
                hours.parse::<i64>().unwrap_or(0) * 60 + minutes.parse::<i64>().unwrap_or(0)
            };
            let length = minutes(&course.end_time) - minutes(&course.start_time);
            let fee_kind = match course.discipline.as_str() {
                "Piano" | "Violon" if length > 30 => "instrument_45",
                "Piano" | "Violon" => "instrument_30",
                "Formation musicale" => "formation_musicale",
                "Danse classique" | "Hip-hop" => "danse",
                "Éveil musical" => "eveil",
                _ => "ensemble",
            };
            store::set_course_fee_kind(connection, site, course.id, fee_kind)?;
        }
        if let Some(family_id) = find_account_by_login(connection, DEMO_SITE, "famille.demo")?
            .and_then(|account| account.family_id)
        {
            store::set_quotient(connection, site, HouseholdId(family_id), Some(850))?;
        }
        Ok::<_, TaskError>(())
    })
}

/// The demo's rules text (« règlement intérieur ») for the re-enrolment campaign.
const DEMO_RULES: &str = "Règlement intérieur du conservatoire\n\n\
1. L'inscription vaut pour l'année scolaire entière. Toute année commencée est due.\n\
2. Les cours suivent le calendrier scolaire de la zone. Un cours annulé par l'école est remplacé.\n\
3. Trois absences non excusées dans l'année peuvent entraîner la radiation.\n\
4. Les instruments prêtés sont assurés par la famille et rendus en bon état en fin d'année.\n\
5. Les élèves mineurs restent sous la responsabilité de leurs parents en dehors des heures de cours.\n\
6. La cotisation se règle en une fois ou en neuf prélèvements, d'octobre à juin.";

/// An open re-enrolment campaign, once: next year's catalogue (this year's courses
/// again, with their fee kinds), all offered, a rules text, open from yesterday for two
/// months, so that the demo families can re-enrol their children.
fn seed_campaign(connection: &mut DbConnection, site_id: i64) -> Result<(), TaskError> {
    use crate::reenrolment::store as campaigns;
    use crate::school::store::{insert_course, insert_year, list_courses, list_years};
    use chrono::Datelike;
    use tutti_shared::{CourseInput, SchoolYearInput};

    let site = SiteId(site_id);
    crate::db::write_transaction(connection, |connection| {
        if !campaigns::list(connection, site)?.is_empty() {
            return Ok(());
        }
        let Some(current) = list_years(connection, site)?.into_iter().next() else {
            return Ok(());
        };
        let start = current.starts_on.year() + 1;
        let date = |year: i32, month: u32, day: u32| {
            chrono::NaiveDate::from_ymd_opt(year, month, day)
                .ok_or_else(|| TaskError::Invalid("bad demo date".to_owned()))
        };
        let next = insert_year(
            connection,
            site,
            &SchoolYearInput {
                label: format!("{}-{}", start, start + 1),
                starts_on: date(start, 9, 1)?,
                ends_on: date(start + 1, 7, 4)?,
            },
        )?;
        let mut offered = Vec::new();
        for course in list_courses(connection, site, Some(current.id), None)? {
            offered.push(insert_course(
                connection,
                site,
                &CourseInput {
                    school_year_id: next,
                    discipline_id: course.discipline_id,
                    level: course.level,
                    teacher_account_id: course.teacher_account_id,
                    teacher_name: course.teacher_name,
                    weekday: course.weekday,
                    start_time: course.start_time,
                    end_time: course.end_time,
                    room: course.room,
                    version: None,
                    fee_kind: course.fee_kind,
                },
            )?);
        }
        let at = now();
        let closes_at = at + chrono::TimeDelta::days(60);
        let id = campaigns::insert(
            connection,
            site,
            &campaigns::CampaignChangeset {
                from_year_id: current.id,
                to_year_id: next,
                opens_at: at - chrono::TimeDelta::days(1),
                closes_at,
                step_coordonnees: true,
                step_autorisations: true,
                step_documents: true,
                step_cours: true,
            },
            at,
        )?;
        campaigns::insert_rules(connection, site, id, DEMO_RULES, at)?;
        campaigns::replace_courses(connection, site, id, &offered)?;
        campaigns::set_status(connection, site, id, 1, "open", closes_at, at)?;
        Ok::<_, TaskError>(())
    })
}
