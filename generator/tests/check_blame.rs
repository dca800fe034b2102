//! `docgen check` blames exactly (issue 15): every stale file names the pages
//! whose change made it stale, a deleted page included, and a file built from
//! many pages (the module lists, the manifest, `Cargo.toml`) names the pages
//! that changed, in full. Before, a deleted page was never named, aggregate
//! files named no page or "… and N more pages", and a file edited by hand
//! was blamed on its pages.
//!
//! The oracle for which files are stale is `docgen generate` itself: `check`
//! must name exactly the files a `generate` of the same tree rewrites or
//! deletes.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::Output;
use support::{contents, copy_tree, docgen, docs_input};

const EDITED: &str = "api/devicemanagementscript-get.md";
const DELETED: &str = "api/devicemanagementscriptgroupassignment-delete.md";
const ADDED: &str = "api/widget-delete.md";
/// The record `check` blames by; `generate` rewrites it on any page change,
/// `check` only asks that it is there.
const RECORD: &str = docgen::blame::PAGES_FILE;

fn run(command: &str, docs: &Path, out: &Path) -> Output {
    docgen(&[
        OsStr::new(command),
        OsStr::new("--docs"),
        docs.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `stale: OUT/path (reason; from a.md (edited), b.md (deleted))` lines of
/// `check`'s stdout, as path → (the text in parentheses, the pages named).
fn stale_lines(stdout: &str, out: &Path) -> BTreeMap<String, (String, Vec<String>)> {
    let prefix = format!("stale: {}/", out.display());
    let mut lines = BTreeMap::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix(&prefix) else {
            continue;
        };
        let (path, why) = rest.split_once(" (").expect("a reason in parentheses");
        let why = why.strip_suffix(')').expect("a reason in parentheses");
        let pages = why
            .split_once("; from ")
            .map(|(_, list)| {
                list.split(", ")
                    .map(|page| page.split(' ').next().unwrap_or(page).to_string())
                    .collect()
            })
            .unwrap_or_default();
        lines.insert(path.to_string(), (why.to_string(), pages));
    }
    lines
}

/// The files `generate` changes in `out` (written, added or deleted), its
/// bookkeeping (stamp, record) aside: what `check` must name.
fn changed_by_generate(before: &Path, after: &Path) -> BTreeSet<String> {
    let (before, after) = (contents(before), contents(after));
    let paths: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    paths
        .into_iter()
        .filter(|path| before.get(*path) != after.get(*path))
        // docgen's own bookkeeping: the stamp (and any cache beside it) and
        // the record; the manifest is a file check names.
        .filter(|path| !path.starts_with(".docgen-") || path.as_str() == ".docgen-manifest")
        .cloned()
        .collect()
}

/// A copy of docs-input generated into `out`, then one page edited, one
/// deleted and one added in a new area (so `Cargo.toml` gains a feature).
fn changed_tree(tmp: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let docs = tmp.join("docs");
    let out = tmp.join("out");
    copy_tree(&docs_input(), &docs);
    let generated = run("generate", &docs, &out);
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    assert!(out.join(RECORD).is_file(), "generate writes the record");

    let page = docs.join(EDITED);
    let page_text = fs::read_to_string(&page).expect("page");
    let documented = "Read the properties and relationships of a [deviceManagementScript]";
    assert!(page_text.contains(documented), "the page the test edits");
    fs::write(
        &page,
        page_text.replace(
            documented,
            "Read every property of a [deviceManagementScript]",
        ),
    )
    .expect("edit");

    let deleted = fs::read_to_string(docs.join(DELETED)).expect("page");
    fs::remove_file(docs.join(DELETED)).expect("delete");
    let added = deleted
        .replace("ms.prod: \"intune\"", "ms.prod: \"widgets\"")
        .replace(
            "/deviceManagement/deviceManagementScripts/{deviceManagementScriptId}/groupAssignments/{deviceManagementScriptGroupAssignmentId}",
            "/widgets/{widgetId}",
        )
        .replace("Delete deviceManagementScriptGroupAssignment", "Delete widget");
    fs::write(docs.join(ADDED), added).expect("add");
    (docs, out)
}

#[test]
fn check_names_every_stale_file_and_the_pages_that_changed_it_deleted_ones_included() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (docs, out) = changed_tree(tmp.path());

    let checked = run("check", &docs, &out);
    let stdout = text(&checked.stdout);
    let stderr = text(&checked.stderr);
    assert_eq!(checked.status.code(), Some(1), "{stdout}{stderr}");
    let stale = stale_lines(&stdout, &out);

    // The oracle: what `generate` changes.
    let regenerated = tmp.path().join("regenerated");
    copy_tree(&out, &regenerated);
    assert!(run("generate", &docs, &regenerated).status.success());
    let expected = changed_by_generate(&out, &regenerated);
    assert_eq!(
        stale.keys().cloned().collect::<BTreeSet<_>>(),
        expected,
        "check names exactly the files generate changes:\n{stdout}"
    );

    let changed: BTreeSet<&str> = [EDITED, DELETED, ADDED].into_iter().collect();
    for (path, (why, pages)) in &stale {
        assert!(!pages.is_empty(), "{path} names no page: {why}");
        assert!(!why.contains("more pages"), "{path}: {why}");
        for page in pages {
            assert!(
                changed.contains(page.as_str()),
                "{path} is blamed on {page}, which did not change: {why}"
            );
        }
    }
    // Each page's own files, and how it changed.
    let own = |page: &str| -> Vec<(&String, &String)> {
        stale
            .iter()
            .filter(|(_, (_, pages))| pages.len() == 1 && pages[0] == page)
            .map(|(path, (why, _))| (path, why))
            .collect()
    };
    let edited = own(EDITED);
    assert!(
        edited
            .iter()
            .any(|(path, why)| path.starts_with("src/operations/")
                && why.ends_with(&format!("from {EDITED} (edited)"))),
        "{stdout}"
    );
    let deleted = own(DELETED);
    assert!(
        deleted
            .iter()
            .any(|(path, why)| path.starts_with("src/operations/")
                && why.starts_with("extra; no longer generated; from ")
                && why.ends_with(&format!("{DELETED} (deleted)"))),
        "the deleted page's file names it:\n{stdout}"
    );
    assert!(
        !own(ADDED).is_empty(),
        "the added page's files name it:\n{stdout}"
    );
    // Aggregate files name every page that changed their output, in full.
    for aggregate in ["src/operations/mod.rs", ".docgen-manifest"] {
        let (why, pages) = stale.get(aggregate).unwrap_or_else(|| {
            panic!("{aggregate} is stale after an added and a deleted page:\n{stdout}")
        });
        let named: BTreeSet<&str> = pages.iter().map(String::as_str).collect();
        assert_eq!(named, changed, "{aggregate}: {why}");
    }
    if let Some((why, pages)) = stale.get("Cargo.toml") {
        assert!(pages.iter().any(|p| p == ADDED), "Cargo.toml: {why}");
    }
    // The summary names the changed pages too.
    for (page, change) in [(EDITED, "edited"), (DELETED, "deleted"), (ADDED, "added")] {
        assert!(
            stderr.contains(&format!("{page} ({change})")),
            "{page} not in: {stderr}"
        );
    }
    assert!(!out.join("report.json").exists());
}

/// The `--report` file of `check` lists the changed pages and each stale
/// file's blamed pages, as the terminal does.
#[test]
fn the_check_report_lists_the_changed_pages() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (docs, out) = changed_tree(tmp.path());
    let report = tmp.path().join("report.json");
    let checked = docgen(&[
        OsStr::new("check"),
        OsStr::new("--docs"),
        docs.as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
        OsStr::new("--report"),
        report.as_os_str(),
    ]);
    assert_eq!(checked.status.code(), Some(1));
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&report).expect("report")).expect("JSON");
    let changed: Vec<(String, String)> = json["changed_pages"]
        .as_array()
        .expect("changed_pages")
        .iter()
        .map(|c| {
            (
                c["page"].as_str().unwrap_or_default().to_string(),
                c["change"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [
            (EDITED.to_string(), "edited".to_string()),
            (DELETED.to_string(), "deleted".to_string()),
            (ADDED.to_string(), "added".to_string()),
        ]
    );
    let stale = json["check"]["stale"].as_array().expect("stale");
    assert!(!stale.is_empty());
    for file in stale {
        assert!(
            !file["pages"].as_array().expect("pages").is_empty(),
            "{file}"
        );
    }
}

/// A generated file edited by hand is stale, but no page changed it: `check`
/// says so instead of blaming the pages it comes from; a prose-only edit of
/// another page (the record out of date for it) blames nothing either.
#[test]
fn a_file_edited_by_hand_is_blamed_on_no_page() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let docs = tmp.path().join("docs");
    let out = tmp.path().join("out");
    copy_tree(&docs_input(), &docs);
    assert!(run("generate", &docs, &out).status.success());
    // A prose-only edit: check stays green, the record goes out of date.
    let page = docs.join("api/devicemanagementscript-list.md");
    let page_text = fs::read_to_string(&page).expect("page");
    fs::write(&page, format!("{page_text}\n\n")).expect("edit");
    let green = run("check", &docs, &out);
    assert!(green.status.success(), "{}", text(&green.stdout));

    for file in ["src/runtime.rs", "src/models/device_management_script.rs"] {
        let path = out.join(file);
        let mut edited = fs::read_to_string(&path).expect("generated file");
        edited.push_str("// edited by hand\n");
        fs::write(&path, edited).expect("edit");
    }
    let checked = run("check", &docs, &out);
    assert_eq!(checked.status.code(), Some(1));
    let stdout = text(&checked.stdout);
    let stale = stale_lines(&stdout, &out);
    assert_eq!(stale.len(), 2, "{stdout}");
    for (path, (why, pages)) in &stale {
        assert!(pages.is_empty(), "{path} blamed on {pages:?}");
        assert!(why.contains("no doc page changed it"), "{path}: {why}");
    }
}

/// An output folder written without the record (by an older docgen, or the
/// library's `write_crate`) is not stale for that alone; its files are then
/// blamed on the pages they come from, a deleted page named from the
/// headers on disk. A record deleted while the manifest lists it is missing.
#[test]
fn without_a_record_check_blames_by_source_pages() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (docs, out) = changed_tree(tmp.path());
    fs::remove_file(out.join(RECORD)).expect("remove the record");
    let listed = fs::read_to_string(out.join(".docgen-manifest")).expect("manifest");
    let unlisted: String = listed
        .lines()
        .filter(|line| *line != RECORD)
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(listed, unlisted, "the manifest lists the record");
    fs::write(out.join(".docgen-manifest"), &unlisted).expect("manifest");

    let checked = run("check", &docs, &out);
    let stdout = text(&checked.stdout);
    let stderr = text(&checked.stderr);
    assert_eq!(checked.status.code(), Some(1));
    assert!(stderr.contains("has no .docgen-pages record"), "{stderr}");
    let stale = stale_lines(&stdout, &out);
    assert!(!stale.contains_key(RECORD), "{stdout}");
    assert!(
        stdout.contains(&format!("{DELETED} (deleted)")),
        "the deleted page, from the header on disk:\n{stdout}"
    );
    for (path, (why, pages)) in &stale {
        assert!(!pages.is_empty(), "{path}: {why}");
    }

    // Listed but gone: the record is missing, like any generated file.
    fs::write(out.join(".docgen-manifest"), &listed).expect("manifest");
    let checked = run("check", &docs, &out);
    let stale = stale_lines(&text(&checked.stdout), &out);
    let (why, _) = stale.get(RECORD).expect("the record is missing");
    assert!(why.starts_with("missing"), "{why}");
}

/// An endpoint documented on two pages belongs to one of them; when that
/// page is deleted it moves to the other, whose text did not change: the
/// other page's new file is blamed on the deleted page, through the model.
/// Before, such a file named only its own (unchanged) page.
#[test]
fn a_file_changed_through_the_model_names_the_page_that_caused_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let docs = tmp.path().join("docs");
    let out = tmp.path().join("out");
    copy_tree(&docs_input(), &docs);
    let template = fs::read_to_string(docs.join(DELETED)).expect("page");
    let pages = ["api/widget-delete.md", "api/widget-remove.md"];
    for page in pages {
        let text = template
            .replace(
                "/deviceManagement/deviceManagementScripts/{deviceManagementScriptId}/groupAssignments/{deviceManagementScriptGroupAssignmentId}",
                "/widgets/{widgetId}",
            )
            .replace("Delete deviceManagementScriptGroupAssignment", "Delete widget");
        fs::write(docs.join(page), text).expect("add");
    }
    assert!(run("generate", &docs, &out).status.success());
    // The page that owns the endpoint has an operations file naming it.
    let owner_of = |page: &str| {
        contents(&out.join("src/operations"))
            .into_iter()
            .any(|(_, bytes)| {
                text(&bytes)
                    .lines()
                    .nth(1)
                    .is_some_and(|line| line == format!("// Source pages: {page}"))
            })
    };
    let owners: Vec<&str> = pages.into_iter().filter(|p| owner_of(p)).collect();
    let [owner] = owners.as_slice() else {
        panic!("one page owns the endpoint: {owners:?}");
    };
    let other = pages.into_iter().find(|p| p != owner).expect("two pages");
    fs::remove_file(docs.join(owner)).expect("delete the owner");

    let checked = run("check", &docs, &out);
    let stdout = text(&checked.stdout);
    assert_eq!(checked.status.code(), Some(1), "{stdout}");
    let stale = stale_lines(&stdout, &out);
    let moved: Vec<&String> = stale
        .iter()
        .filter(|(_, (why, _))| why.starts_with("missing; through the model"))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(moved.len(), 1, "{stdout}");
    let (why, named) = &stale[moved[0]];
    assert_eq!(named, &[owner.to_string()], "{why}");
    assert!(why.ends_with(&format!("{owner} (deleted)")), "{why}");
    assert!(!stdout.contains(&format!("from {other}")), "{stdout}");
}
