//! Configuration: every bad value is refused with a message naming its variable, and an
//! empty environment gives the newcomer's defaults.

use tutti_api::config::Config;
use tutti_tests::TEST_JWT_SECRET;

fn vars(data_dir: &std::path::Path, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut vars = vec![(
        "TUTTI_DATA_DIR".to_owned(),
        data_dir.to_string_lossy().into_owned(),
    )];
    vars.extend(
        extra
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    vars
}

#[test]
fn each_bad_value_is_refused_with_a_message_naming_its_variable() {
    let data_dir = tempfile::tempdir().expect("a temp dir");
    let cases = [
        ("TUTTI_BCRYPT_COST", "abc"),
        ("TUTTI_BCRYPT_COST", "3"),
        ("TUTTI_BCRYPT_COST", "32"),
        ("TUTTI_BCRYPT_COST", "-1"),
        ("TUTTI_BIND", "nonsense"),
        ("TUTTI_BIND", "127.0.0.1"),
        ("TUTTI_JWT_SECRET", "short"),
        ("TUTTI_JWT_SECRET", &"z".repeat(64)),
        ("TUTTI_JWT_SECRET", &"a".repeat(62)),
        ("TUTTI_DATABASE_URL", "mysql://x"),
        ("TUTTI_PUBLIC_URL", "not-a-url"),
        ("TUTTI_PUBLIC_URL", "ftp://portail.example"),
        ("TUTTI_SMTP_URL", "http://127.0.0.1:25"),
        ("TUTTI_STORAGE_URL", "/srv/documents"),
        ("TUTTI_STORAGE_URL", "s3://"),
    ];
    for (name, value) in cases {
        let outcome = Config::from_vars(vars(data_dir.path(), &[(name, value)]));
        let error = match outcome {
            Ok(_) => panic!("{name}={value} was accepted"),
            Err(error) => error.to_string(),
        };
        assert!(
            error.contains(name),
            "the message for {name}={value} does not name it: {error}"
        );
    }
}

#[test]
fn no_variables_give_the_documented_defaults() {
    let data_dir = tempfile::tempdir().expect("a temp dir");
    let config = Config::from_vars(vars(data_dir.path(), &[])).expect("defaults are valid");
    assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(config.bcrypt_cost, 12);
    assert_eq!(
        config.database_kind,
        tutti_api::config::DatabaseKind::Sqlite
    );
    assert!(config.smtp_url.is_none(), "no SMTP unless configured");
    assert_eq!(config.public_url, "http://127.0.0.1:8080");
}

#[test]
fn good_values_are_taken_as_given() {
    let data_dir = tempfile::tempdir().expect("a temp dir");
    let config = Config::from_vars(vars(
        data_dir.path(),
        &[
            ("TUTTI_BIND", "0.0.0.0:9000"),
            ("TUTTI_BCRYPT_COST", "4"),
            (
                "TUTTI_DATABASE_URL",
                "postgres://postgres@127.0.0.1:5432/tutti",
            ),
            ("TUTTI_JWT_SECRET", TEST_JWT_SECRET),
            ("TUTTI_PUBLIC_URL", "https://portail.example.fr/"),
            ("TUTTI_SMTP_URL", "smtp://127.0.0.1:2525"),
        ],
    ))
    .expect("valid values");
    assert_eq!(config.bind.to_string(), "0.0.0.0:9000");
    assert_eq!(config.bcrypt_cost, 4);
    assert_eq!(
        config.database_kind,
        tutti_api::config::DatabaseKind::Postgres
    );
    assert!(config.smtp_url.is_some());
    assert!(
        config.secure_cookies(),
        "an https public address asks for Secure cookies"
    );
}

#[test]
fn the_configuration_never_prints_its_secrets() {
    let data_dir = tempfile::tempdir().expect("a temp dir");
    let config = Config::from_vars(vars(
        data_dir.path(),
        &[
            ("TUTTI_JWT_SECRET", TEST_JWT_SECRET),
            (
                "TUTTI_DATABASE_URL",
                "postgres://tutti:motdepasse-secret@127.0.0.1/tutti",
            ),
            ("TUTTI_SMTP_URL", "smtps://user:smtp-secret@mail.example.fr"),
            ("AWS_SECRET_ACCESS_KEY", "s3-secret-key"),
        ],
    ))
    .expect("valid values");
    let printed = format!("{config:?}");
    for secret in [
        TEST_JWT_SECRET,
        "motdepasse-secret",
        "smtp-secret",
        "s3-secret-key",
    ] {
        assert!(!printed.contains(secret), "Debug shows {secret}: {printed}");
    }
}

/// Several API instances starting at once on one PostgreSQL database must not race the
/// migrations (without a lock, three of four failed on a duplicate catalog entry).
#[test]
fn instances_starting_together_migrate_one_at_a_time() {
    let Some((_database, url)) = tutti_tests::PostgresDatabase::fresh() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set TEST_DATABASE_URL"
        );
        eprintln!("TEST_DATABASE_URL is unset: skipping the PostgreSQL migration race");
        return;
    };
    let instances: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let data_dir = tempfile::tempdir().expect("a temporary data dir");
                let config = tutti_api::config::Config::from_vars([
                    ("TUTTI_DATABASE_URL".to_owned(), url),
                    (
                        "TUTTI_DATA_DIR".to_owned(),
                        data_dir.path().display().to_string(),
                    ),
                ])
                .expect("a valid configuration");
                tutti_api::tasks::migrate(&config).map_err(|error| error.to_string())
            })
        })
        .collect();
    for instance in instances {
        let outcome = instance.join().expect("the instance thread");
        assert!(
            outcome.is_ok(),
            "an instance failed to migrate: {outcome:?}"
        );
    }
}

#[test]
fn trusted_proxies_must_be_ip_addresses() {
    let data_dir = tempfile::tempdir().expect("a temp dir");
    let dir = data_dir.path().display().to_string();
    let good = Config::from_vars([
        ("TUTTI_DATA_DIR".to_owned(), dir.clone()),
        (
            "TUTTI_TRUSTED_PROXIES".to_owned(),
            "10.0.0.1, ::1".to_owned(),
        ),
    ])
    .expect("two addresses");
    assert_eq!(good.trusted_proxies.len(), 2);
    let error = Config::from_vars([
        ("TUTTI_DATA_DIR".to_owned(), dir),
        (
            "TUTTI_TRUSTED_PROXIES".to_owned(),
            "load-balancer".to_owned(),
        ),
    ])
    .expect_err("a name is not an address");
    assert!(
        error.to_string().contains("TUTTI_TRUSTED_PROXIES"),
        "{error}"
    );
}
