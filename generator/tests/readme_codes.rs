//! The README's table of diagnostic codes lists exactly the codes of the catalog.

use docgen::diagnostics::codes::CATALOG;

#[test]
fn readme_lists_every_code_and_no_other() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let section = readme
        .split("## Diagnostic codes")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has a Diagnostic codes section");
    let listed: Vec<&str> = section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .collect();
    let catalog: Vec<&str> = CATALOG.iter().map(|(code, _)| *code).collect();
    assert_eq!(listed, catalog);
}
