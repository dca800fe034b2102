//! The calls Graph users make most, exact: for each, written by hand from what
//! the service does (not from docgen's output), the request function of the
//! v1.0 SDK generated from `../shared/corpus/graph-docs-2021/v1.0`, its
//! parameters, body, response, and an area a user would enable for it.
//!
//! Skips with a printed notice where the corpus is absent.

mod support;

use docgen::model::{ApiModel, Operation, RequestBody, ResponseShape};
use regex::Regex;
use support::{corpus, endpoint};

/// `method path`, function, parameters, body, response, an area that compiles it.
type Call = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
);

/// `method path`, function, parameters, body, response, an area that compiles it.
/// Body and response: `none`, `stream`, `parameters`, `T` (one object of type
/// `T`) or `[T]` (a collection page of `T`); type names compare case-insensitively.
const CALLS: &[Call] = &[
    ("GET /me", "get_me", &[], "none", "user", "users"),
    ("GET /users", "list_users", &[], "none", "[user]", "users"),
    (
        "GET /users/{id}",
        "get_users",
        &["user_id"],
        "none",
        "user",
        "users",
    ),
    (
        "DELETE /users/{id}",
        "delete_users",
        &["user_id"],
        "none",
        "none",
        "users",
    ),
    (
        "PATCH /users/{id}",
        "update_users",
        &["user_id", "body"],
        "user",
        "none",
        "users",
    ),
    (
        "POST /me/drive/items/{id}/createUploadSession",
        "me_drive_items_create_upload_session",
        &["item_id", "body"],
        "parameters",
        "uploadSession",
        "sharepoint",
    ),
    (
        "POST /users",
        "create_users",
        &["body"],
        "user",
        "user",
        "users",
    ),
    (
        "GET /users/delta",
        "list_users_delta",
        &[],
        "none",
        "[user]",
        "users",
    ),
    (
        "GET /me/manager",
        "get_me_manager",
        &[],
        "none",
        "directoryObject",
        "users",
    ),
    (
        "GET /me/memberOf",
        "list_me_member_of",
        &[],
        "none",
        "[directoryObject]",
        "users",
    ),
    (
        "GET /me/messages",
        "list_me_messages",
        &[],
        "none",
        "[message]",
        "outlook",
    ),
    (
        "GET /users/{id}/messages",
        "list_users_messages",
        &["user_id"],
        "none",
        "[message]",
        "outlook",
    ),
    (
        "GET /me/messages/{id}",
        "get_me_messages",
        &["message_id"],
        "none",
        "message",
        "outlook",
    ),
    (
        "POST /me/messages",
        "create_me_messages",
        &["body"],
        "message",
        "message",
        "outlook",
    ),
    (
        "PATCH /me/messages/{id}",
        "update_me_messages",
        &["message_id", "body"],
        "message",
        "message",
        "outlook",
    ),
    (
        "DELETE /me/messages/{id}",
        "delete_me_messages",
        &["message_id"],
        "none",
        "none",
        "outlook",
    ),
    (
        "POST /me/sendMail",
        "me_send_mail",
        &["body"],
        "parameters",
        "none",
        "outlook",
    ),
    (
        "POST /users/{id}/messages/{id}/send",
        "users_messages_send",
        &["user_id", "message_id"],
        "none",
        "none",
        "outlook",
    ),
    (
        "GET /me/mailFolders",
        "list_me_mail_folders",
        &[],
        "none",
        "[mailFolder]",
        "outlook",
    ),
    (
        "GET /me/events",
        "list_me_events",
        &[],
        "none",
        "[event]",
        "outlook",
    ),
    (
        "POST /me/events",
        "create_me_events",
        &["body"],
        "event",
        "event",
        "outlook",
    ),
    (
        "GET /me/calendar/calendarView",
        "list_me_calendar_view",
        &[],
        "none",
        "[event]",
        "outlook",
    ),
    (
        "GET /me/calendars",
        "list_me_calendars",
        &[],
        "none",
        "[calendar]",
        "outlook",
    ),
    (
        "GET /me/contacts",
        "list_me_contacts",
        &[],
        "none",
        "[contact]",
        "outlook",
    ),
    (
        "GET /me/todo/lists",
        "list_me_todo_lists",
        &[],
        "none",
        "[todoTaskList]",
        "outlook",
    ),
    (
        "GET /me/outlook/masterCategories",
        "list_me_outlook_master_categories",
        &[],
        "none",
        "[outlookCategory]",
        "outlook",
    ),
    (
        "GET /me/drive",
        "get_me_drive",
        &[],
        "none",
        "drive",
        "sharepoint",
    ),
    (
        "GET /me/drive/items/{id}",
        "get_me_drive_items",
        &["item_id"],
        "none",
        "driveItem",
        "sharepoint",
    ),
    (
        "GET /drives/{id}/items/{id}/children",
        "list_drives_items_children",
        &["drive_id", "item_id"],
        "none",
        "[driveItem]",
        "sharepoint",
    ),
    (
        "GET /drives/{id}/items/{id}/content",
        "get_drives_items_content",
        &["drive_id", "item_id"],
        "none",
        "stream",
        "sharepoint",
    ),
    (
        "PUT /drives/{id}/items/{id}/content",
        "replace_drives_items_content_by_item_id",
        &["drive_id", "item_id", "body"],
        "stream",
        "driveItem",
        "sharepoint",
    ),
    (
        "GET /sites/{id}/lists",
        "list_sites_lists",
        &["site_id"],
        "none",
        "[list]",
        "sharepoint",
    ),
    (
        "GET /sites/{id}/lists/{id}/items",
        "list_items",
        &["site_id", "list_id"],
        "none",
        "[listItem]",
        "sharepoint",
    ),
    (
        "GET /groups",
        "list_groups",
        &[],
        "none",
        "[group]",
        "groups",
    ),
    (
        "GET /groups/{id}",
        "get_groups",
        &["group_id"],
        "none",
        "group",
        "groups",
    ),
    (
        "POST /groups",
        "create_groups",
        &["body"],
        "group",
        "group",
        "groups",
    ),
    (
        "GET /groups/{id}/members",
        "list_groups_members",
        &["group_id"],
        "none",
        "[directoryObject]",
        "groups",
    ),
    (
        "POST /groups/{id}/members/$ref",
        "create_groups_members_ref",
        &["group_id", "body"],
        "directoryObject",
        "none",
        "groups",
    ),
    (
        "GET /teams/{id}/channels",
        "list_channels",
        &["team_id"],
        "none",
        "[channel]",
        "microsoft-teams",
    ),
    (
        "POST /teams/{id}/channels/{id}/messages",
        "create_channels_messages",
        &["team_id", "channel_id", "body"],
        "chatMessage",
        "chatMessage",
        "microsoft-teams",
    ),
    (
        "GET /applications",
        "list_applications",
        &[],
        "none",
        "[application]",
        "applications",
    ),
    (
        "GET /servicePrincipals",
        "list_service_principals",
        &[],
        "none",
        "[servicePrincipal]",
        "applications",
    ),
    (
        "GET /me/photo/$value",
        "get_me_photo_content",
        &[],
        "none",
        "stream",
        "other",
    ),
    (
        "POST /subscriptions",
        "create_subscriptions",
        &["body"],
        "subscription",
        "subscription",
        "change-notifications",
    ),
    (
        "GET /me/onenote/notebooks",
        "list_me_onenote_notebooks",
        &[],
        "none",
        "[notebook]",
        "onenote",
    ),
    (
        "GET /planner/tasks/{id}",
        "get_planner_tasks",
        &["task_id"],
        "none",
        "plannerTask",
        "planner",
    ),
    (
        "GET /me/insights/trending",
        "list_me_insights_trending",
        &[],
        "none",
        "[trending]",
        "insights",
    ),
    (
        "GET /me/people",
        "list_me_people",
        &[],
        "none",
        "[person]",
        "insights",
    ),
    (
        "GET /organization",
        "list_organization",
        &[],
        "none",
        "[organization]",
        "directory-management",
    ),
];

fn shape_text(response: &ResponseShape) -> String {
    match response {
        ResponseShape::None => "none".into(),
        ResponseShape::Stream => "stream".into(),
        ResponseShape::Single { ty } => ty.name.to_ascii_lowercase(),
        ResponseShape::Collection { ty } => format!("[{}]", ty.name.to_ascii_lowercase()),
    }
}

fn body_text(body: &RequestBody) -> String {
    match body {
        RequestBody::None => "none".into(),
        RequestBody::Stream => "stream".into(),
        RequestBody::Parameters { .. } => "parameters".into(),
        RequestBody::Type { ty } => ty.name.to_ascii_lowercase(),
    }
}

/// The parameter names of `pub fn name(...)` in the emitted operations.
fn parameters(generated: &docgen::emit::GeneratedCrate, name: &str) -> Option<Vec<String>> {
    let signature = Regex::new(&format!(r"(?s)pub fn {name}\s*\((.*?)\)\s*->")).expect("regex");
    generated
        .files
        .iter()
        .filter(|(path, _)| path.starts_with("src/operations/"))
        .find_map(|(_, code)| {
            let arguments = signature.captures(code)?.get(1)?.as_str().to_string();
            Some(
                arguments
                    .split(',')
                    .filter_map(|a| a.split(':').next())
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect(),
            )
        })
}

fn find<'m>(model: &'m ApiModel, method: &str, path: &str) -> Option<&'m Operation> {
    let key = endpoint(path);
    model
        .operations
        .iter()
        .find(|op| op.method == method && endpoint(&op.path.raw) == key)
}

#[test]
fn the_calls_users_make_most_are_exact() {
    let Some(corpus) = corpus("common-calls test") else {
        return;
    };
    let model = docgen::model_for_tree(&corpus.join("v1.0")).expect("v1.0 reads");
    let generated = docgen::emit::emit_crate(&model).expect("v1.0 emits");
    let mut wrong = Vec::new();
    for (call, function, params, body, response, area) in CALLS {
        let (method, path) = call.split_once(' ').expect("method and path");
        let Some(op) = find(&model, method, path) else {
            wrong.push(format!("{call}: no operation"));
            continue;
        };
        let found_params = parameters(&generated, &op.name);
        let expected_params: Vec<String> = params.iter().map(|p| p.to_string()).collect();
        let checks = [
            ("function", op.name.clone(), function.to_string()),
            (
                "parameters",
                format!("{found_params:?}"),
                format!("{:?}", Some(expected_params)),
            ),
            ("body", body_text(&op.body), body.to_ascii_lowercase()),
            (
                "response",
                shape_text(&op.response),
                response.to_ascii_lowercase(),
            ),
        ];
        for (what, found, expected) in checks {
            if found != expected {
                wrong.push(format!("{call}: {what} is {found}, expected {expected}"));
            }
        }
        if !op.areas.iter().any(|a| a == area) {
            wrong.push(format!("{call}: areas {:?} lack `{area}`", op.areas));
        }
    }
    // Names a user can say: no numeric suffix, no `id_2`.
    let suffixed: Vec<&str> = model
        .operations
        .iter()
        .map(|op| op.name.as_str())
        .filter(|name| Regex::new(r"_\d+$").is_ok_and(|r| r.is_match(name)))
        .collect();
    if !suffixed.is_empty() {
        wrong.push(format!("names with a numeric suffix: {suffixed:?}"));
    }
    let numbered_ids = Regex::new(r"\bid_\d+\s*:").expect("regex");
    let files_with_numbered_ids: Vec<&str> = generated
        .files
        .iter()
        .filter(|(path, code)| path.starts_with("src/operations/") && numbered_ids.is_match(code))
        .map(|(path, _)| path.as_str())
        .collect();
    if !files_with_numbered_ids.is_empty() {
        wrong.push(format!("`id_N` parameters in {files_with_numbered_ids:?}"));
    }
    assert!(
        wrong.is_empty(),
        "{} of {} common calls are not what a user calls:\n{}",
        wrong.len(),
        CALLS.len(),
        wrong.join("\n")
    );
}

/// The features a model module is compiled with, read from `models/mod.rs`:
/// `None` when it is compiled always, else the text of its `#[cfg(...)]`.
fn module_cfg(models_mod: &str, module: &str) -> Option<Option<String>> {
    let at = models_mod.find(&format!("\nmod {module};"))?;
    let before = &models_mod[..at];
    // The item before this module's line ends with `;` (a `use` or `mod`).
    let start = before.rfind(';').map_or(0, |i| i + 1);
    let attributes = before[start..].trim();
    Some(
        attributes
            .starts_with("#[cfg(")
            .then(|| attributes.to_string()),
    )
}

/// A program that talks to users, mail and files (`sharepoint`) compiles what those calls
/// need and not device management (issue 14): written by hand from what a
/// user of each area names, not from docgen's own closure.
#[test]
fn an_area_compiles_its_models_not_what_a_relationship_reaches() {
    let Some(corpus) = corpus("area closure test") else {
        return;
    };
    let model = docgen::model_for_tree(&corpus.join("v1.0")).expect("v1.0 reads");
    let generated = docgen::emit::emit_crate(&model).expect("v1.0 emits");
    let models_mod = &generated.files["src/models/mod.rs"];
    let compiled_with = |module: &str, feature: &str| -> bool {
        match module_cfg(models_mod, module) {
            None => panic!("no module `{module}` in models/mod.rs"),
            Some(None) => true,
            Some(Some(cfg)) => cfg.contains(&format!("\"{feature}\"")),
        }
    };
    let mut wrong = Vec::new();
    // What a user of the area reads and sends.
    for (feature, needed) in [
        (
            "users",
            &[
                "user",
                "password_profile",
                "assigned_license",
                "directory_object",
            ][..],
        ),
        (
            "outlook",
            &["message", "event", "mail_folder", "recipient", "item_body"][..],
        ),
        // The Graph docs file OneDrive's pages under `ms.prod: sharepoint`.
        (
            "sharepoint",
            &["drive", "drive_item", "folder", "quota"][..],
        ),
    ] {
        for module in needed {
            if !compiled_with(module, feature) {
                wrong.push(format!("`{feature}` does not compile `{module}`"));
            }
        }
    }
    // What only a relationship of `user` or `drive` reaches.
    for (feature, foreign) in [
        (
            "users",
            &[
                "managed_device",
                "device_configuration",
                "onenote_page",
                "planner_task",
            ][..],
        ),
        (
            "sharepoint",
            &["managed_device", "workbook", "onenote_page"][..],
        ),
    ] {
        for module in foreign {
            if compiled_with(module, feature) {
                wrong.push(format!("`{feature}` compiles `{module}`"));
            }
        }
    }
    // The relationship itself is there with the area of what it holds, and
    // its JSON is read only then.
    let user = &generated.files["src/models/user.rs"];
    let field = user
        .find("pub managed_devices:")
        .expect("user has managedDevices");
    assert!(
        user[..field]
            .rfind("#[cfg(")
            .is_some_and(|at| user[at..field].contains("\"intune\"")),
        "`managed_devices` is compiled without `intune`"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
