//! The table of diagnostic codes in docs/codes.md lists exactly the codes of
//! [`Code`], in its order, each with its meaning and its fix as `docgen lint
//! --format sarif` gives them.

use docgen::diagnostics::Code;

/// `(code, meaning, fix)` of each row of the Diagnostic codes table (docs/codes.md).
fn readme_rows() -> Vec<(String, String, String)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/codes.md"))
        .expect("docs/codes.md");
    let section = readme
        .split("## Diagnostic codes")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("docs/codes.md has a Diagnostic codes section")
        .to_string();
    section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .map(|rest| {
            let code = rest.split('`').next().unwrap_or_default().to_string();
            let cells: Vec<&str> = rest
                .trim_end_matches('|')
                .split(" | ")
                .map(str::trim)
                .collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or_default().to_string();
            (code, cell(1), cell(2))
        })
        .collect()
}

#[test]
fn readme_lists_every_code_and_no_other() {
    let listed: Vec<String> = readme_rows().into_iter().map(|(code, _, _)| code).collect();
    let catalog: Vec<&str> = Code::ALL.iter().map(|code| code.name()).collect();
    assert_eq!(listed, catalog);
}

#[test]
fn readme_gives_each_code_its_fix() {
    let rows: Vec<(String, String)> = readme_rows()
        .into_iter()
        .map(|(code, _, fix)| (code, fix))
        .collect();
    let rules: Vec<(String, String)> = Code::ALL
        .iter()
        .map(|code| (code.name().to_string(), code.fix().to_string()))
        .collect();
    assert_eq!(rows, rules);
}

#[test]
fn readme_gives_each_code_its_meaning() {
    let rows: Vec<(String, String)> = readme_rows()
        .into_iter()
        .map(|(code, meaning, _)| (code, meaning))
        .collect();
    let meanings: Vec<(String, String)> = Code::ALL
        .iter()
        .map(|code| (code.name().to_string(), code.meaning().to_string()))
        .collect();
    assert_eq!(rows, meanings);
}
