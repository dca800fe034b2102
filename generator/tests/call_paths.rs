//! Where users find the calls they make most: for each, written by hand from
//! the URL a Graph user knows (not from docgen's output), the path of its
//! function in the v1.0 SDK's `operations` module, generated from
//! `../shared/corpus/graph-docs-2021/v1.0`.
//!
//! Skips with a printed notice where the corpus is absent.

mod support;

use docgen::model::ApiModel;
use support::{corpus, endpoint};

/// `method path` as the docs write it (parameters by any name), Rust path.
const CALLS: &[(&str, &str)] = &[
    ("GET /me", "me::get"),
    ("GET /users", "users::list"),
    ("GET /users/{id}", "users::get"),
    ("DELETE /users/{id}", "users::delete"),
    ("POST /users", "users::create"),
    ("GET /users/delta", "users::delta"),
    ("GET /me/manager", "me::manager::get"),
    ("GET /me/memberOf", "me::member_of::list"),
    ("GET /me/messages", "me::messages::list"),
    ("GET /users/{id}/messages", "users::messages::list"),
    ("GET /me/messages/{id}", "me::messages::get"),
    ("POST /me/messages", "me::messages::create"),
    ("PATCH /me/messages/{id}", "me::messages::update"),
    ("DELETE /me/messages/{id}", "me::messages::delete"),
    ("POST /me/sendMail", "me::send_mail"),
    ("POST /users/{id}/sendMail", "users::send_mail"),
    (
        "POST /users/{id}/messages/{id}/send",
        "users::messages::send",
    ),
    ("GET /me/mailFolders", "me::mail_folders::list"),
    ("GET /me/events", "me::events::list"),
    ("POST /me/events", "me::events::create"),
    (
        "GET /me/calendar/calendarView",
        "me::calendar::calendar_view::list",
    ),
    ("GET /me/calendars", "me::calendars::list"),
    ("GET /me/contacts", "me::contacts::list"),
    ("GET /me/todo/lists", "me::todo::lists::list"),
    ("GET /me/drive", "me::drive::get"),
    ("GET /me/drive/items/{id}", "me::drive::items::get"),
    (
        "GET /drives/{id}/items/{id}/children",
        "drives::items::children::list",
    ),
    (
        "GET /drives/{id}/items/{id}/content",
        "drives::items::content::get",
    ),
    (
        "PUT /drives/{id}/items/{id}/content",
        "drives::items::content::replace",
    ),
    ("GET /sites/{id}/lists", "sites::lists::list"),
    (
        "GET /sites/{id}/lists/{id}/items",
        "sites::lists::items::list",
    ),
    ("GET /groups", "groups::list"),
    ("GET /groups/{id}", "groups::get"),
    ("POST /groups", "groups::create"),
    ("GET /groups/{id}/members", "groups::members::list"),
    (
        "POST /groups/{id}/members/$ref",
        "groups::members::create_ref",
    ),
    ("GET /teams/{id}/channels", "teams::channels::list"),
    (
        "POST /teams/{id}/channels/{id}/messages",
        "teams::channels::messages::create",
    ),
    ("GET /applications", "applications::list"),
    ("GET /servicePrincipals", "service_principals::list"),
    ("GET /me/photo/$value", "me::photo::get_content"),
    ("POST /subscriptions", "subscriptions::create"),
    ("GET /me/onenote/notebooks", "me::onenote::notebooks::list"),
    ("GET /planner/tasks/{id}", "planner::tasks::get"),
    ("GET /me/people", "me::people::list"),
    ("GET /organization", "organization::list"),
];

fn operation_name<'m>(model: &'m ApiModel, call: &str) -> Option<&'m str> {
    let (method, path) = call.split_once(' ')?;
    let key = endpoint(path);
    model
        .operations
        .iter()
        .find(|op| op.method == method && endpoint(&op.path.raw) == key)
        .map(|op| op.name.as_str())
}

#[test]
fn common_calls_sit_where_their_url_says() {
    let Some(corpus) = corpus("call-path test") else {
        return;
    };
    let model = docgen::model_for_tree(&corpus.join("v1.0")).expect("v1.0 reads");
    let paths = docgen::emit::call_paths(&model);
    let mut wrong = Vec::new();
    for (call, expected) in CALLS {
        let found = operation_name(&model, call).and_then(|name| paths.get(name));
        if found.map(String::as_str) != Some(*expected) {
            wrong.push(format!("{call}: expected `{expected}`, found {found:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} calls are not where users look:\n{}",
        wrong.len(),
        CALLS.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_operation_has_one_place() {
    let Some(corpus) = corpus("call-path test") else {
        return;
    };
    for version in ["v1.0", "beta"] {
        let model = docgen::model_for_tree(&corpus.join(version)).expect("tree reads");
        let paths = docgen::emit::call_paths(&model);
        assert_eq!(paths.len(), model.operations.len(), "{version}");
        let mut seen = std::collections::BTreeSet::new();
        for path in paths.values() {
            assert!(seen.insert(path), "{version}: `{path}` is taken twice");
            let function = path.rsplit("::").next().unwrap_or_default();
            // A number of its own (`upload_pkcs12`) is the action's; `_2` would be ours.
            let numbered = function
                .rsplit_once('_')
                .is_some_and(|(_, last)| last.chars().all(|c| c.is_ascii_digit()));
            assert!(!numbered, "{version}: `{path}` has a numeric suffix");
        }
    }
}
