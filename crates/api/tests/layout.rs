//! The layout's rules, checked on the source tree so that a change that breaks them fails.
//!
//! 1. Only the features' stores (`*/store.rs`, `*/store/*.rs`) and the database module
//!    (`src/db/`) speak diesel.
//! 2. No feature's `http.rs` imports another feature's `http` module.

#![expect(clippy::expect_used, reason = "a test fails loudly on a broken tree")]

use std::path::{Path, PathBuf};

fn source_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            source_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The lines of a file that are code, not comments.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(number, line)| (number + 1, line.to_owned()))
        .collect()
}

fn may_speak_diesel(relative: &Path) -> bool {
    let components: Vec<String> = relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy().into_owned())
        .collect();
    components.first().is_some_and(|first| first == "db")
        || components.last().is_some_and(|last| last == "store.rs")
        || components
            .iter()
            .rev()
            .skip(1)
            .any(|directory| directory == "store")
}

/// What "speaking diesel" looks like in a line of code.
fn speaks_diesel(line: &str) -> bool {
    line.contains("diesel::") || line.contains("use diesel") || line.contains("#[diesel(")
}

/// The offending places in a tree: (file relative to src, line number, line).
fn diesel_outside_stores(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    source_files(root, &mut files);
    let mut offences = Vec::new();
    for file in files {
        let relative = file.strip_prefix(root).expect("under src").to_path_buf();
        if may_speak_diesel(&relative) {
            continue;
        }
        for (number, line) in code_lines(&file) {
            if speaks_diesel(&line) {
                offences.push(format!("{}:{number}: {}", relative.display(), line.trim()));
            }
        }
    }
    offences
}

#[test]
fn only_stores_and_the_database_module_speak_diesel() {
    let offences = diesel_outside_stores(&src());
    assert!(
        offences.is_empty(),
        "diesel outside a store or src/db (move the query into the feature's store.rs):\n{}",
        offences.join("\n")
    );
}

#[test]
fn the_diesel_rule_catches_a_query_in_a_service() {
    // The check itself must be able to fail: a service with a diesel import is caught,
    // a store with one is not, and a comment that mentions diesel is not code.
    let root = std::env::temp_dir().join(format!("tutti-layout-{}", std::process::id()));
    let feature = root.join("household");
    std::fs::create_dir_all(feature.join("store")).expect("a scratch tree");
    std::fs::write(
        feature.join("service.rs"),
        "// diesel:: in a comment is fine\nuse diesel::prelude::*;\n",
    )
    .expect("write");
    std::fs::write(feature.join("store.rs"), "use diesel::prelude::*;\n").expect("write");
    std::fs::write(
        feature.join("store").join("rows.rs"),
        "use diesel::prelude::*;\n",
    )
    .expect("write");
    let offences = diesel_outside_stores(&root);
    std::fs::remove_dir_all(&root).ok();
    assert_eq!(
        offences,
        vec!["household/service.rs:2: use diesel::prelude::*;".to_owned()]
    );
}

#[test]
fn no_http_module_imports_another_features_http_module() {
    let mut files = Vec::new();
    source_files(&src(), &mut files);
    let mut offences = Vec::new();
    for file in files
        .iter()
        .filter(|file| file.file_name().is_some_and(|name| name == "http.rs"))
    {
        let feature = file
            .parent()
            .and_then(Path::file_name)
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (number, line) in code_lines(file) {
            let Some(position) = line.find("::http") else {
                continue;
            };
            let before = &line[..position];
            let named = before
                .rsplit(|character: char| !(character.is_alphanumeric() || character == '_'))
                .next()
                .unwrap_or("");
            if !named.is_empty() && named != feature && named != "super" && named != "self" {
                offences.push(format!("{}:{number}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "an http.rs imports another feature's http module:\n{}",
        offences.join("\n")
    );
}
