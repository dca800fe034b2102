//! The project checks its own drift: `generated/` must be exactly what docgen
//! writes for `docs-input/`, and a change to a page must make `check` fail.

use docgen_e2e::{docs_input, generated_dir};
use std::fs;
use std::path::Path;

/// `docgen check`'s own comparison: the crate built in memory, with the
/// record of the pages' hashes `generate` writes beside it.
fn check(docs: &Path) -> docgen::output::CheckReport {
    let options = docgen::emit::EmitOptions::crate_layout();
    docgen::incremental::check(docs, &generated_dir(), &options, &|_| {})
        .expect("docs tree is readable")
        .report
}

#[test]
fn committed_sdk_matches_docs_input() {
    let report = check(&docs_input());
    let stale: Vec<String> = report
        .stale
        .iter()
        .map(|s| format!("{} ({})", s.path, s.reason))
        .collect();
    assert!(
        report.is_clean(),
        "generated/ is stale; run `cargo run -p docgen -- generate`:\n{}",
        stale.join("\n")
    );
}

/// Copies a docs tree into a temporary folder.
fn copy_tree(from: &Path, to: &Path) {
    for entry in walk(from) {
        let relative = entry.strip_prefix(from).expect("inside the tree");
        let target = to.join(relative);
        fs::create_dir_all(target.parent().expect("has a parent")).expect("create dir");
        fs::copy(&entry, &target).expect("copy page");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn changing_a_property_type_makes_check_name_the_stale_file() {
    let copy = tempfile::tempdir().expect("temp dir");
    copy_tree(&docs_input(), copy.path());
    let page = copy
        .path()
        .join("resources/deviceconfigurationgroupassignment.md");
    let text = fs::read_to_string(&page).expect("read page");
    let changed = text.replacen("|excludeGroup|Boolean|", "|excludeGroup|String|", 1);
    assert_ne!(text, changed, "the fixture line to change is in the page");
    fs::write(&page, changed).expect("write page");

    let report = check(copy.path());
    let stale: Vec<&str> = report.stale.iter().map(|s| s.path.as_str()).collect();
    assert!(
        stale.contains(&"src/models/device_configuration_group_assignment.rs"),
        "stale files: {stale:?}"
    );
    let model_file = report
        .stale
        .iter()
        .find(|s| s.path == "src/models/device_configuration_group_assignment.rs")
        .expect("listed");
    assert_eq!(
        model_file.pages,
        vec!["resources/deviceconfigurationgroupassignment.md".to_string()]
    );
}
