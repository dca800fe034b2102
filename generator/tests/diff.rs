//! `docgen diff`: semantic changes between two docs trees, from the fixture trees
//! under `tests/fixtures/diff/<case>/{old,new}`.
//!
//! Each case's complete list of changes is stated here with its breaking mark, so
//! a change that is missed, misclassified or reported twice fails the test.

mod support;

use docgen::diff::{self, Change, ChangeKind, Side, Trees};
use docgen::ApiModel;
use std::path::PathBuf;
use std::process::Output;
use support::docgen;

fn fixture(case: &str, side: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/diff")
        .join(case)
        .join(side)
}

fn model(case: &str, side: &str) -> ApiModel {
    docgen::model_for_tree(&fixture(case, side)).expect("fixture tree reads")
}

fn changes(case: &str) -> Vec<Change> {
    diff::diff(&model(case, "old"), &model(case, "new"))
}

/// (kind, item, breaking) of every change, in the order `diff` lists them.
fn summary(changes: &[Change]) -> Vec<(ChangeKind, &str, bool)> {
    changes
        .iter()
        .map(|c| (c.kind, c.item.as_str(), c.breaking))
        .collect()
}

fn find<'a>(changes: &'a [Change], kind: ChangeKind, item: &str) -> &'a Change {
    changes
        .iter()
        .find(|c| c.kind == kind && c.item == item)
        .unwrap_or_else(|| panic!("no {kind:?} change of `{item}` in {changes:#?}"))
}

const TREES: Trees<'static> = Trees {
    old: "old",
    new: "new",
};

#[test]
fn operation_changes_are_found_and_marked() {
    use ChangeKind::*;
    let changes = changes("operations");
    assert_eq!(
        summary(&changes),
        vec![
            // Breaking first, then by item.
            (OperationBodyChanged, "create_members", true),
            (OperationRemoved, "delete_users", true),
            (OperationPathChanged, "get_groups", true),
            (OperationResponseChanged, "get_manager", true),
            (OperationRenamed, "replace_users", true),
            (OperationMethodChanged, "replace_users", true),
            (OperationBodyChanged, "send_mail", true),
            (OperationBodyChanged, "send_mail", true),
            (OperationAdded, "create_users", false),
            (OperationPathChanged, "get_users", false),
            (OperationBodyChanged, "send_mail", false),
            (OperationStatusChanged, "send_mail", false),
        ]
    );
}

#[test]
fn operation_changes_carry_old_and_new_values() {
    let changes = changes("operations");
    let removed = find(&changes, ChangeKind::OperationRemoved, "delete_users");
    assert_eq!(removed.old.as_deref(), Some("DELETE /users/{id}"));
    assert_eq!(removed.new, None);
    assert_eq!(removed.location.tree, Side::Old);
    assert_eq!(removed.location.at.file, "api/user-delete.md");

    let added = find(&changes, ChangeKind::OperationAdded, "create_users");
    assert_eq!(added.new.as_deref(), Some("POST /users"));
    assert_eq!(added.location.tree, Side::New);
    assert_eq!(added.location.at.file, "api/user-post.md");

    // A changed method renames the request function (`update_` → `replace_`);
    // the two are matched by page and path and both changes are reported.
    let method = find(
        &changes,
        ChangeKind::OperationMethodChanged,
        "replace_users",
    );
    assert_eq!(
        (method.old.as_deref(), method.new.as_deref()),
        (Some("PATCH"), Some("PUT"))
    );
    let renamed = find(&changes, ChangeKind::OperationRenamed, "replace_users");
    assert_eq!(
        (renamed.old.as_deref(), renamed.new.as_deref()),
        (Some("update_users"), Some("replace_users"))
    );

    let path = find(&changes, ChangeKind::OperationPathChanged, "get_groups");
    assert_eq!(
        (path.old.as_deref(), path.new.as_deref()),
        (Some("/groups/{id}"), Some("/directory/groups/{id}"))
    );
    // Only a parameter's name changed: same URL, same function signature.
    let cosmetic = find(&changes, ChangeKind::OperationPathChanged, "get_users");
    assert!(!cosmetic.breaking);
    assert!(cosmetic.detail.contains("parameter names"), "{cosmetic:?}");

    let response = find(
        &changes,
        ChangeKind::OperationResponseChanged,
        "get_manager",
    );
    assert_eq!(
        (response.old.as_deref(), response.new.as_deref()),
        (Some("entity"), Some("user"))
    );
    let body = find(&changes, ChangeKind::OperationBodyChanged, "create_members");
    assert_eq!(
        (body.old.as_deref(), body.new.as_deref()),
        (Some("user"), Some("entity"))
    );
    let status = find(&changes, ChangeKind::OperationStatusChanged, "send_mail");
    assert_eq!(
        (status.old.as_deref(), status.new.as_deref()),
        (Some("202"), Some("204"))
    );

    // Action parameters: removed and retyped are breaking, added is not.
    let parameters: Vec<(&str, bool)> = changes
        .iter()
        .filter(|c| c.item == "send_mail" && c.kind == ChangeKind::OperationBodyChanged)
        .map(|c| (c.detail.as_str(), c.breaking))
        .collect();
    assert_eq!(
        parameters,
        vec![
            (
                "operation `send_mail`: body parameter `importance` removed (`String`)",
                true
            ),
            (
                "operation `send_mail`: body parameter `saveToSentItems`: `Boolean` → `String`",
                true
            ),
            (
                "operation `send_mail`: body parameter `comment` added (`String`)",
                false
            ),
        ]
    );
}

#[test]
fn type_property_and_enum_changes_are_found_and_marked() {
    use ChangeKind::*;
    let changes = changes("types");
    assert_eq!(
        summary(&changes),
        vec![
            (TypeKindChanged, "colour", true),
            (TypeRemoved, "device", true),
            (TypeBaseChanged, "group", true),
            (TypePolymorphismChanged, "message", true),
            (TypeRenamed, "printjob", true),
            (TypeAdded, "eventMessage", false),
            (TypeAdded, "printer", false),
            (PropertyRenamed, "team.mailnickname", true),
            (PropertyRetyped, "user.age", true),
            (PropertyRemoved, "user.mail", true),
            (PropertyRetyped, "user.tags", true),
            (PropertyAdded, "directoryObject.createdDateTime", false),
            (PropertyAdded, "user.officeLocation", false),
            (EnumMemberRenamed, "userKind.Guest", true),
            (EnumMemberRemoved, "userKind.legacy", true),
            (EnumMemberAdded, "userKind.partner", false),
        ]
    );
}

#[test]
fn type_changes_carry_old_and_new_values() {
    let changes = changes("types");
    let retyped = find(&changes, ChangeKind::PropertyRetyped, "user.age");
    assert_eq!(
        (retyped.old.as_deref(), retyped.new.as_deref()),
        (Some("Int32"), Some("Int64"))
    );
    // The collection flag alone is a retype.
    let tags = find(&changes, ChangeKind::PropertyRetyped, "user.tags");
    assert_eq!(
        (tags.old.as_deref(), tags.new.as_deref()),
        (Some("String collection"), Some("String"))
    );
    let base = find(&changes, ChangeKind::TypeBaseChanged, "group");
    assert_eq!(
        (base.old.as_deref(), base.new.as_deref()),
        (Some("entity"), Some("directoryObject"))
    );
    let removed = find(&changes, ChangeKind::PropertyRemoved, "user.mail");
    assert_eq!(removed.location.tree, Side::Old);
    assert_eq!(removed.location.at.file, "resources/user.md");
    let member = find(&changes, ChangeKind::EnumMemberRemoved, "userKind.legacy");
    assert_eq!(member.location.tree, Side::Old);
    assert_eq!(member.location.at.file, "resources/userkind.md");
    let renamed = find(&changes, ChangeKind::TypeRenamed, "printjob");
    assert!(
        renamed.detail.contains("`PrintJob` → `Printjob`"),
        "{renamed:?}"
    );
}

#[test]
fn a_property_that_moves_to_the_base_type_is_no_change() {
    // `user.createdDateTime` moved to `directoryObject`, which `user` inherits:
    // the generated `User` struct keeps the field.
    let changes = changes("types");
    assert!(
        changes.iter().all(|c| c.item != "user.createdDateTime"),
        "{changes:#?}"
    );
}

#[test]
fn additions_only_are_not_breaking() {
    use ChangeKind::*;
    let changes = changes("additive");
    assert_eq!(
        summary(&changes),
        vec![
            (OperationAdded, "list_users", false),
            (TypeAdded, "printer", false),
            (PropertyAdded, "user.jobTitle", false),
            (EnumMemberAdded, "userKind.partner", false),
        ]
    );
    assert_eq!(diff::counts(&changes), (0, 4));
}

#[test]
fn a_tree_has_no_changes_against_itself_and_the_order_is_fixed() {
    for case in ["operations", "types", "additive"] {
        for side in ["old", "new"] {
            let model = model(case, side);
            assert_eq!(diff::diff(&model, &model), vec![], "{case}/{side}");
        }
        let (old, new) = diff::models_for_trees(&fixture(case, "old"), &fixture(case, "new"))
            .expect("trees read");
        assert_eq!(diff::diff(&old, &new), changes(case), "{case}");
    }
}

#[test]
fn human_format() {
    insta::assert_snapshot!(
        "human_operations",
        diff::render_human(&changes("operations"), TREES)
    );
    insta::assert_snapshot!("human_types", diff::render_human(&changes("types"), TREES));
    assert_eq!(
        diff::render_human(&[], TREES),
        "docgen diff: no API changes\n"
    );
}

#[test]
fn json_format() {
    let changes = changes("types");
    let json = diff::render_json(&changes);
    insta::assert_snapshot!("json_types", json);
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let list = value.as_array().expect("a JSON array");
    assert_eq!(list.len(), changes.len());
    for entry in list {
        for field in ["kind", "breaking", "item", "detail", "location"] {
            assert!(entry.get(field).is_some(), "`{field}` missing in {entry}");
        }
    }
    // Fields without a value are left out, never null.
    let added = list
        .iter()
        .find(|e| e["kind"] == "type_added")
        .expect("a type_added entry");
    assert!(added.get("old").is_none() && added.get("new").is_some());
    assert_eq!(diff::render_json(&[]), "[]\n");
}

#[test]
fn markdown_format() {
    let markdown = diff::render_markdown(&changes("types"), TREES);
    insta::assert_snapshot!("markdown_types", markdown);
    // Breaking sections come before additive ones.
    let breaking = markdown.find("### Breaking").expect("a breaking section");
    let additive = markdown.find("### Additive").expect("an additive section");
    assert!(breaking < additive);
    insta::assert_snapshot!(
        "markdown_additive",
        diff::render_markdown(&changes("additive"), TREES)
    );
    assert_eq!(
        diff::render_markdown(&[], TREES),
        "## API changes\n\nNo API changes (`old` → `new`).\n"
    );
}

// --- The binary: output and exit codes.

fn diff_binary(case: &str, extra: &[&str]) -> Output {
    let (old, new) = (fixture(case, "old"), fixture(case, "new"));
    let mut args = vec![
        "diff",
        old.to_str().expect("UTF-8 path"),
        new.to_str().expect("UTF-8 path"),
    ];
    args.extend_from_slice(extra);
    docgen(&args)
}

#[test]
fn exit_1_when_a_change_is_breaking() {
    for case in ["operations", "types"] {
        let output = diff_binary(case, &[]);
        assert_eq!(output.status.code(), Some(1), "{case}: {output:?}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.lines().any(|l| l.starts_with("breaking: ")),
            "{stdout}"
        );
        assert!(output.stderr.is_empty(), "{output:?}");
    }
}

#[test]
fn exit_0_when_changes_are_additive_or_none() {
    let output = diff_binary("additive", &[]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("docgen diff: 4 changes (0 breaking, 4 additive)"));
    assert!(
        stdout.lines().any(|l| l.starts_with("additive: ")),
        "{stdout}"
    );

    let same = fixture("types", "old");
    let same = same.to_str().expect("UTF-8 path");
    let output = docgen(&["diff", same, same]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "docgen diff: no API changes\n"
    );
}

#[test]
fn every_format_from_the_binary_matches_the_library() {
    let changes = changes("types");
    let output = diff_binary("types", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        diff::render_json(&changes)
    );

    let (old, new) = (fixture("types", "old"), fixture("types", "new"));
    let trees = Trees {
        old: old.to_str().expect("UTF-8 path"),
        new: new.to_str().expect("UTF-8 path"),
    };
    let output = diff_binary("types", &["--format", "markdown"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        diff::render_markdown(&changes, trees)
    );
    let output = diff_binary("types", &["--format", "human"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout, diff::render_human(&changes, trees));
    // Locations name the tree they are in, ready to open.
    let user_mail = format!("{}/resources/user.md:17]", trees.old);
    assert!(stdout.contains(&user_mail), "{stdout}");
}

#[test]
fn exit_2_on_usage_errors_and_unreadable_trees() {
    let old = fixture("types", "old");
    let old = old.to_str().expect("UTF-8 path");
    let missing = fixture("types", "no-such-tree");
    let missing = missing.to_str().expect("UTF-8 path");
    let empty = tempfile::tempdir().expect("temp dir");
    let empty = empty.path().to_str().expect("UTF-8 path").to_string();
    for args in [
        vec!["diff", old],
        vec!["diff", old, old, "--format", "yaml"],
        vec!["diff", old, missing],
        vec!["diff", missing, old],
        vec!["diff", old, empty.as_str()],
    ] {
        let output = docgen(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        assert!(output.stdout.is_empty(), "{args:?}: {output:?}");
        assert!(!output.stderr.is_empty(), "{args:?}: {output:?}");
    }
}

// --- Moves and renames (issue 15, item 6).

#[test]
fn an_endpoint_that_moved_pages_is_a_move_and_a_renamed_property_a_rename() {
    use ChangeKind::*;
    let changes = changes("moves");
    assert_eq!(
        summary(&changes),
        vec![
            (OperationRenamed, "get_users_manager", true),
            (OperationMoved, "list_people", true),
            (OperationAdded, "get_groups_manager", false),
            (PropertyRenamed, "user.mailAddress", true),
        ]
    );
    let moved = find(&changes, OperationMoved, "list_people");
    assert_eq!(moved.old.as_deref(), Some("api/user-list-people.md"));
    assert_eq!(moved.new.as_deref(), Some("api/person-list.md"));
    // Breaking only because the move takes it out of the `users` feature.
    assert!(moved
        .detail
        .contains("no longer compiled with feature `users`"));
    let renamed = find(&changes, PropertyRenamed, "user.mailAddress");
    assert_eq!(
        (renamed.old.as_deref(), renamed.new.as_deref()),
        (Some("mail"), Some("mailAddress"))
    );
}

#[test]
fn a_name_changed_by_another_page_is_blamed_on_that_page() {
    let changes = changes("moves");
    let renamed = find(&changes, ChangeKind::OperationRenamed, "get_users_manager");
    assert_eq!(
        (renamed.old.as_deref(), renamed.new.as_deref()),
        (Some("get_manager"), Some("get_users_manager"))
    );
    // The page that changed (it added `get_groups_manager`), not the unchanged
    // page the function comes from.
    assert_eq!(renamed.location.tree, Side::New);
    assert_eq!(renamed.location.at.file, "api/group-get-manager.md");
    assert!(renamed
        .detail
        .contains("because `get_groups_manager` was added"));
}

#[test]
fn areas_name_the_feature_of_each_change() {
    let (old, new) = (model("moves", "old"), model("moves", "new"));
    let mut changes = diff::diff(&old, &new);
    diff::with_areas(&mut changes, &old, &new);
    let areas = |kind, item| find(&changes, kind, item).areas.clone();
    assert_eq!(areas(ChangeKind::OperationMoved, "list_people"), ["people"]);
    assert_eq!(
        areas(ChangeKind::OperationAdded, "get_groups_manager"),
        ["groups"]
    );
    assert!(areas(ChangeKind::PropertyRenamed, "user.mailAddress").contains(&"users".to_string()));
    let out = diff_binary("moves", &["--areas"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(feature `people`)"), "{text}");
}

#[test]
fn a_property_pair_that_is_not_certain_stays_a_removal_and_an_addition() {
    // `types` renames nothing by description or near name: the pairs it has are
    // different properties, and reporting them as renames would be wrong.
    let changes = changes("types");
    assert!(changes.iter().all(|c| c.kind != ChangeKind::PropertyRenamed
        || c.old.as_deref().map(str::to_lowercase) == c.new.as_deref().map(str::to_lowercase)));
}

#[test]
fn markdown_fits_a_pull_request_comment() {
    // Thousands of changes: the real docs produce this many between releases.
    let template = find(
        &changes("moves"),
        ChangeKind::OperationAdded,
        "get_groups_manager",
    )
    .clone();
    let many: Vec<Change> = (0..6000)
        .map(|i| {
            let mut change = template.clone();
            change.breaking = i % 3 == 0;
            change.item = format!("op_{i:05}");
            change.detail =
                format!("operation `op_{i:05}` changed in a way that takes some words to say");
            change
        })
        .collect();
    let markdown = diff::render_markdown(&many, TREES);
    assert!(markdown.len() < 65_536, "{} bytes", markdown.len());
    assert!(markdown.len() <= diff::MARKDOWN_LIMIT);
    // Summary table first, breaking changes before the folded additive ones.
    assert!(markdown.contains("| **total** | **2000** | **4000** |"));
    let shown = markdown.matches("\n- ").count();
    let more = format!("… and {} more changes", 6000 - shown);
    assert!(
        markdown.contains(&more),
        "{more} in {}",
        &markdown[markdown.len() - 400..]
    );
    assert!(markdown.contains("--format json"));
    // Breaking ones come first, so a capped comment drops additive ones first.
    assert!(markdown.find("### Breaking").unwrap() < markdown.find("— `").unwrap() + 1);
    let small = diff::render_markdown(&changes("moves"), TREES);
    assert!(small.contains("<details><summary>1 additive change</summary>"));
    assert!(small.find("### Breaking").unwrap() < small.find("<details>").unwrap());
    assert!(!small.contains("more change"));
}
