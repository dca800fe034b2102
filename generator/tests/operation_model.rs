//! How pages become operations: one endpoint → one operation on its canonical
//! page, responses read from everything a page uses to say them, honest
//! conformance, and names and parameters a user would write. Each case is a
//! page shape from the Graph docs corpus (named in the test), written small.

use docgen::model::{ApiModel, ExampleOutcome, Operation, RequestBody, ResponseShape};
use std::fs;

fn model_of(pages: &[(&str, &str)]) -> ApiModel {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in pages {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, text).expect("write page");
    }
    docgen::model_for_tree(&dir.path().join("")).expect("model")
}

/// An API page: front matter with `ms.prod`, the HTTP request lines, and a
/// Response section.
fn api_page(prod: &str, title: &str, lines: &str, response: &str) -> String {
    format!("---\ndoc_type: apiPageType\nms.prod: {prod}\n---\n# {title}\n\n## HTTP request\n\n```http\n{lines}\n```\n\n## Response\n\n{response}\n")
}

fn operation<'m>(model: &'m ApiModel, method: &str, path: &str) -> &'m Operation {
    let found: Vec<&Operation> = model
        .operations
        .iter()
        .filter(|op| op.method == method && op.path.raw == path)
        .collect();
    assert_eq!(found.len(), 1, "{method} {path}: {:?}", model.operations);
    found[0]
}

fn shape(response: &ResponseShape) -> String {
    match response {
        ResponseShape::None => "none".into(),
        ResponseShape::Stream => "stream".into(),
        ResponseShape::Single { ty } => ty.name.clone(),
        ResponseShape::Collection { ty } => format!("Collection({})", ty.name),
    }
}

const USERS: &str = "If successful, this method returns a `200 OK` response code and collection of [user](../resources/user.md) objects in the response body.";

#[test]
fn the_page_about_the_resource_gives_the_endpoint_its_response_and_name() {
    // `api/user-list.md` and `api/intune-devices-user-list.md` both document
    // `GET /users`; `api/user-list-manager.md` documents `GET /me?$expand=manager`.
    let model = model_of(&[
        (
            "api/intune-devices-user-list.md",
            &api_page("intune", "List users", "GET /users", "If successful, this method returns a `200 OK` response code and a collection of [entity](../resources/entity.md) objects in the response body."),
        ),
        ("api/user-list.md", &api_page("users", "List users", "GET /users", USERS)),
        (
            "api/user-get.md",
            &api_page("users", "Get user", "GET /me\nGET /users/{id | userPrincipalName}", "If successful, this method returns a `200 OK` response code and a [user](../resources/user.md) object in the response body."),
        ),
        (
            "api/user-list-manager.md",
            &api_page("users", "List manager", "GET /me/manager\nGET /me?$expand=manager", "If successful, this method returns a `200 OK` response code and a [directoryObject](../resources/directoryobject.md) object in the response body."),
        ),
    ]);
    let list = operation(&model, "GET", "/users");
    assert_eq!(list.source.file, "api/user-list.md");
    assert_eq!(list.name, "list_users");
    assert_eq!(shape(&list.response), "Collection(user)");
    assert_eq!(
        list.areas,
        ["intune", "users"],
        "in every area that documents it"
    );
    let me = operation(&model, "GET", "/me");
    assert_eq!(
        shape(&me.response),
        "user",
        "a query-string variant adds no response"
    );
    assert!(model
        .diagnostics
        .iter()
        .any(|d| d.code == "duplicate-operation"
            && d.location.file == "api/intune-devices-user-list.md"));
}

#[test]
fn a_version_segment_is_not_part_of_the_path() {
    // `api/list-get.md` (v1.0) documents `GET /v1.0/sites/{site-id}/lists/{list-id}`.
    let model = model_of(&[(
        "api/list-get.md",
        &api_page("sharepoint", "Get list", "GET /v1.0/sites/{site-id}/lists/{list-id}", "If successful, this method returns a `200 OK` response code and a [list](../resources/list.md) object in the response body."),
    )]);
    let op = operation(&model, "GET", "/sites/{site-id}/lists/{list-id}");
    assert_eq!(op.name, "get_lists");
    assert!(model
        .diagnostics
        .iter()
        .any(|d| d.code == "http-line-invalid"));
}

#[test]
fn responses_are_read_from_every_way_a_page_says_them() {
    let cases: &[(&str, &str, &str)] = &[
        // drive-get.md: a reference-style link whose text is not one name.
        ("Each of these methods returns a [Drive resource][drive-resource] for the matching drive in the response body.\n\n[drive-resource]: ../resources/drive.md", "", "Drive"),
        // chat-get.md and others: the type only in bold.
        ("If successful, this method returns a `200 OK` response code and the updated **chat** object in the response body.", "", "chat"),
        // multivaluelegacyextendedproperty-get.md: the type in a second paragraph.
        ("If successful, this method returns a `200 OK` response code.\n\nThe response body includes an object expanded with the matching [singleValueLegacyExtendedProperty](../resources/singlevaluelegacyextendedproperty.md) object.", "", "singleValueLegacyExtendedProperty"),
        // intune ...-getomasettingplaintextvalue.md: a primitive result.
        ("If successful, this function returns a `200 OK` response code and a String in the response body.", "", "String"),
        ("If successful, this action returns a `200 OK` response code and a String collection in the response body.", "", "Collection(String)"),
        // reportroot-get*.md: a redirect to a download.
        ("If successful, this method returns a `302 Found` response that redirects to a preauthenticated download URL for the report.", "", "stream"),
        // list-list.md: only the response annotation says it.
        ("", "<!-- { \"blockType\": \"response\", \"@type\": \"microsoft.graph.list\", \"isCollection\": true } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"value\": []}\n```\n", "Collection(list)"),
        ("", "<!-- { \"blockType\": \"response\", \"@odata.type\": \"Collection(microsoft.graph.listItem)\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"value\": []}\n```\n", "Collection(listItem)"),
        // driveitem-createlink.md (beta): the status sentence mentions the
        // **driveItem** in passing; the other paragraph links the type.
        ("If successful, this method returns a single [Permission](../resources/permission.md) resource in the response body that represents the requested sharing permissions.\n\nThe response will be `201 Created` if a new sharing link is created for the **driveItem** or `200 OK` if an existing link is returned.", "", "Permission"),
        // intune-shared-devicemanagement-getassignedroleidsforloggedinuser.md (beta).
        ("If successful, this function returns a `200 OK` response code and a **deviceAndAppManagementAssignedRoleId** in the response body.", "", "deviceAndAppManagementAssignedRoleId"),
        // site-search.md: a note names a property in bold; the annotation names the type.
        ("> **Note:** The only property that works for sorting is **createdDateTime**.", "<!-- { \"blockType\": \"response\", \"@type\": \"Collection(microsoft.graph.site)\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"value\": []}\n```\n", "Collection(site)"),
        // team-archive.md: `202 Accepted` and a `Location` header that points to the operation.
        ("If archiving is started successfully, this method returns a `202 Accepted` response code. The response will also contain a `Location` header, which contains the location of the [teamsAsyncOperation](../resources/teamsasyncoperation.md) that was created to handle archiving of the team.", "", "none"),
        // projectrome-get-activities.md: the example is the only word on the body.
        ("If successful, this method returns the `200 OK` response code with the user's activities.", "<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"value\": [{\"id\": \"1\"}]}\n```\n", "Collection(Json)"),
    ];
    for (text, example, expected) in cases {
        let page = format!(
            "{}\n## Example\n\n<!-- {{ \"blockType\": \"request\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/me/thing\n```\n\n{example}",
            api_page("other", "Get thing", "GET /me/thing", text)
        );
        let model = model_of(&[("api/thing-get.md", &page)]);
        let op = operation(&model, "GET", "/me/thing");
        assert_eq!(&shape(&op.response), expected, "{text}");
    }
}

#[test]
fn an_example_whose_json_the_operation_cannot_hold_is_a_generator_failure() {
    // The example responds with a JSON array the page names no type for: the
    // model has no place for it, so the example cannot pass.
    let page = format!(
        "{}\n## Example\n\n<!-- {{ \"blockType\": \"request\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/me/thing\n```\n\n<!-- {{ \"blockType\": \"response\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n[1, 2]\n```\n",
        api_page("other", "Get thing", "GET /me/thing", "If successful, this method returns a `200 OK` response code.")
    );
    let model = model_of(&[("api/thing-get.md", &page)]);
    let op = operation(&model, "GET", "/me/thing");
    assert_eq!(
        op.examples[0].outcome,
        ExampleOutcome::GeneratorFailure {
            cause: "response-body-dropped"
        }
    );
}

#[test]
fn paths_that_differ_only_in_parameters_get_names_without_numbers() {
    // organization-get.md documents `GET /organization` and `GET /organization/{id}`;
    // reportroot pages a function by date and by period.
    let model = model_of(&[
        (
            "api/organization-get.md",
            &api_page("directory-management", "Get organization", "GET /organization\nGET /organization/{organizationId}", "If successful, this method returns a `200 OK` response code and an [organization](../resources/organization.md) object in the response body."),
        ),
        (
            "api/reportroot-getemailactivityuserdetail.md",
            &api_page("reports", "getEmailActivityUserDetail", "GET /reports/getEmailActivityUserDetail(period='{period_value}')\nGET /reports/getEmailActivityUserDetail(date={date_value})", "If successful, this method returns a `302 Found` response that redirects to a preauthenticated download URL for the report."),
        ),
    ]);
    let names: Vec<&str> = model.operations.iter().map(|op| op.name.as_str()).collect();
    assert_eq!(
        names,
        [
            // `/organization` is what `/organization/{organizationId}` picks
            // one from: a list, as the service's entity set.
            "get_organization",
            "get_reports_get_email_activity_user_detail_by_date",
            "get_reports_get_email_activity_user_detail_by_period",
            "list_organization",
        ]
    );
}

#[test]
fn a_resource_posted_to_its_collection_is_the_body_when_the_page_names_none() {
    // subscription-post-subscriptions.md has no Request body section.
    let page = format!(
        "{}\n## Example\n\n<!-- {{ \"blockType\": \"request\" }} -->\n```http\nPOST https://graph.microsoft.com/v1.0/subscriptions\nContent-type: application/json\n\n{{\"changeType\": \"created\"}}\n```\n",
        api_page("change-notifications", "Create subscription", "POST /subscriptions", "If successful, this method returns `201 Created` response code and a [subscription](../resources/subscription.md) object in the response body.")
    );
    let model = model_of(&[("api/subscription-post-subscriptions.md", &page)]);
    let op = operation(&model, "POST", "/subscriptions");
    assert!(
        matches!(&op.body, RequestBody::Type { ty } if ty.name == "subscription"),
        "{:?}",
        op.body
    );
    assert_eq!(op.name, "create_subscriptions");
}

/// A resource page for `name` with `rows` (`| name | type | description |` lines).
fn resource_page(name: &str, rows: &str) -> String {
    format!("---\ndoc_type: resourcePageType\n---\n# {name} resource type\n\nA {name}.\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n{rows}\n\n<!-- {{ \"blockType\": \"resource\", \"@odata.type\": \"microsoft.graph.{name}\" }} -->\n```json\n{{ }}\n```\n")
}

#[test]
fn each_path_line_answers_with_what_it_addresses() {
    let model = model_of(&[
        // user-get-mailboxsettings.md: one path line per setting ("one of the
        // following" types, after the mailboxSettings its example annotates);
        // each setting is a property of mailboxSettings.
        (
            "resources/mailboxsettings.md",
            &resource_page("mailboxSettings", "| dateFormat | String | The format. |\n| language | [localeInfo](localeinfo.md) | The locale. |\n| workingHours | [workingHours](workinghours.md) | The hours. |"),
        ),
        ("resources/localeinfo.md", &resource_page("localeInfo", "| locale | String | The locale. |")),
        ("resources/workinghours.md", &resource_page("workingHours", "| daysOfWeek | String collection | The days. |")),
        (
            "api/user-get-mailboxsettings.md",
            &api_page("outlook", "Get user mailbox settings", "GET /me/mailboxSettings\nGET /users/{id|userPrincipalName}/mailboxSettings\nGET /me/mailboxSettings/dateFormat\nGET /users/{id|userPrincipalName}/mailboxSettings/language\nGET /me/mailboxSettings/workingHours\nGET /me/mailboxSettings/unknownSetting", "If successful, this method returns a `200 OK` response code and a [mailboxSettings](../resources/mailboxsettings.md) object in the response body."),
        ),
        // insights-list-trending.md: a list page whose second pair of lines
        // expands one item's `resource`.
        ("resources/insights-trending.md", &resource_page("trending", "| id | String | The id. |\n| resource | [entity](entity.md) | The item. |")),
        ("resources/entity.md", &resource_page("entity", "| id | String | The id. |")),
        (
            "api/insights-list-trending.md",
            &api_page("insights", "List trending", "GET /me/insights/trending\nGET /me/insights/trending/{id}\nGET /me/insights/trending/{id}/resource", "If successful, this method returns a `200 OK` response code and a list of [trending](../resources/insights-trending.md) items in the response body."),
        ),
    ]);
    let cases = [
        ("/me/mailboxSettings", "mailboxSettings"),
        (
            "/users/{id|userPrincipalName}/mailboxSettings",
            "mailboxSettings",
        ),
        ("/me/mailboxSettings/dateFormat", "String"),
        (
            "/users/{id|userPrincipalName}/mailboxSettings/language",
            "localeInfo",
        ),
        ("/me/mailboxSettings/workingHours", "workingHours"),
        // Not a documented property: the page's response stays.
        ("/me/mailboxSettings/unknownSetting", "mailboxSettings"),
        ("/me/insights/trending", "Collection(trending)"),
        ("/me/insights/trending/{id}", "trending"),
        ("/me/insights/trending/{id}/resource", "entity"),
    ];
    for (path, expected) in cases {
        assert_eq!(
            shape(&operation(&model, "GET", path).response),
            expected,
            "{path}"
        );
    }
}

#[test]
fn overloads_of_one_function_answer_alike() {
    // reportroot-getemailactivityuserdetail.md (beta): "an
    // [emailActivityUserDetail] object", but the JSON example of the `period`
    // overload answers with a collection; the `date` overload has no example.
    let response = "If successful, this method returns a `200 OK` response code and an **[emailActivityUserDetail](../resources/emailactivityuserdetail.md)** object in the response body.";
    let page = format!(
        "{}\n## Example\n\n<!-- {{ \"blockType\": \"request\" }} -->\n```http\nGET https://graph.microsoft.com/beta/reports/getEmailActivityUserDetail(period='D7')?$format=application/json\n```\n\n<!-- {{ \"blockType\": \"response\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{{\"@odata.context\": \"https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.emailActivityUserDetail)\", \"value\": [{{\"userPrincipalName\": \"a\"}}]}}\n```\n",
        api_page("reports", "getEmailActivityUserDetail", "GET /reports/getEmailActivityUserDetail(period='{period_value}')\nGET /reports/getEmailActivityUserDetail(date={date_value})", response)
    );
    let model = model_of(&[("api/reportroot-getemailactivityuserdetail.md", &page)]);
    for path in [
        "/reports/getEmailActivityUserDetail(period='{period_value}')",
        "/reports/getEmailActivityUserDetail(date={date_value})",
    ] {
        assert_eq!(
            shape(&operation(&model, "GET", path).response),
            "Collection(emailActivityUserDetail)",
            "{path}"
        );
    }
}

#[test]
fn a_path_that_a_key_extends_lists_what_the_key_picks() {
    // presence-get.md: "a [presence] object" for `/me/presence`,
    // `/communications/presences/{id}` and `/communications/presences`.
    let model = model_of(&[(
        "api/presence-get.md",
        &api_page("cloud-communications", "Get presence", "GET /me/presence\nGET /communications/presences/{id}\nGET /communications/presences", "If successful, this method returns a `200 OK` response code and a [presence](../resources/presence.md) object in the response body."),
    )]);
    for (path, expected) in [
        ("/me/presence", "presence"),
        ("/communications/presences/{id}", "presence"),
        ("/communications/presences", "Collection(presence)"),
    ] {
        assert_eq!(
            shape(&operation(&model, "GET", path).response),
            expected,
            "{path}"
        );
    }
}

#[test]
fn routes_to_one_thing_answer_alike() {
    // chat-get.md (beta): "a collection of [chat] objects" for three routes to
    // one chat; the example of `/chats/{chat-id}` answers with one (`/$entity`).
    let page = format!(
        "{}\n## Example\n\n<!-- {{ \"blockType\": \"request\" }} -->\n```http\nGET https://graph.microsoft.com/beta/chats/19:abc\n```\n\n<!-- {{ \"blockType\": \"response\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{{\"@odata.context\": \"https://graph.microsoft.com/beta/$metadata#chats/$entity\", \"id\": \"19:abc\"}}\n```\n",
        api_page("microsoft-teams", "Get chat", "GET /me/chats/{chat-id}\nGET /chats/{chat-id}", "If successful, this method returns a `200 OK` response code and a collection of [chat](../resources/chat.md) objects in the response body.")
    );
    let model = model_of(&[("api/chat-get.md", &page)]);
    for path in ["/me/chats/{chat-id}", "/chats/{chat-id}"] {
        assert_eq!(
            shape(&operation(&model, "GET", path).response),
            "chat",
            "{path}"
        );
    }
}

#[test]
fn an_update_whose_table_lists_the_resources_properties_sends_the_resource() {
    // user-update.md: "supply the values for relevant fields that should be
    // updated", a table of user properties, and `204 No Content`.
    let update = |rows: &str| {
        format!("---\ndoc_type: apiPageType\nms.prod: users\n---\n# Update user\n\n## HTTP request\n\n```http\nPATCH /users/{{id | userPrincipalName}}\n```\n\n## Request body\n\nIn the request body, supply the values for relevant fields that should be updated.\n\n| Property | Type | Description |\n|:--|:--|:--|\n{rows}\n\n## Response\n\nIf successful, this method returns a `204 No Content` response code.\n")
    };
    let user = resource_page(
        "user",
        "| displayName | String | The name. |\n| jobTitle | String | The title. |",
    );
    let model = model_of(&[
        ("resources/user.md", &user),
        (
            "api/user-update.md",
            &update("| displayName | String | The name. |\n| jobTitle | String | The title. |"),
        ),
    ]);
    let op = operation(&model, "PATCH", "/users/{id | userPrincipalName}");
    assert!(
        matches!(&op.body, RequestBody::Type { ty } if ty.name == "user"),
        "{:?}",
        op.body
    );
    // A row that is not a property of `user`: the table is the parameters.
    let model = model_of(&[
        ("resources/user.md", &user),
        (
            "api/user-update.md",
            &update(
                "| displayName | String | The name. |\n| sendInvite | Boolean | Not a property. |",
            ),
        ),
    ]);
    let op = operation(&model, "PATCH", "/users/{id | userPrincipalName}");
    assert!(
        matches!(&op.body, RequestBody::Parameters { .. }),
        "{:?}",
        op.body
    );
}

#[test]
fn a_parameters_table_apart_from_the_request_body_section_is_the_body() {
    // driveitem-createuploadsession.md: `### Request body` under `## Create an
    // upload session` says only that a body may be sent; `## Parameters` lists
    // `item` and `deferCommit`; the example sends `item`.
    let page = "---\ndoc_type: apiPageType\nms.prod: sharepoint\n---\n# Upload large files with an upload session\n\n## Create an upload session\n\n### HTTP request\n\n```http\nPOST /me/drive/items/{itemId}/createUploadSession\n```\n\n### Request body\n\nNo request body is required.\nHowever, you can specify properties in the request body.\n\n## Parameters\n\n| Parameter | Type | Description |\n|:--|:--|:--|\n| item | [driveItemUploadableProperties](../resources/driveItemUploadableProperties.md) | Data about the file. |\n| deferCommit | Boolean | Wait for an explicit request. |\n\n### Request\n\n<!-- { \"blockType\": \"request\" } -->\n```http\nPOST /me/drive/items/0123/createUploadSession\nContent-Type: application/json\n\n{\"item\": {\"name\": \"largefile.dat\"}}\n```\n\n### Response\n\nThe response includes an [uploadSession](../resources/uploadsession.md) object.\n";
    let model = model_of(&[("api/driveitem-createuploadsession.md", page)]);
    let op = operation(
        &model,
        "POST",
        "/me/drive/items/{itemId}/createUploadSession",
    );
    let RequestBody::Parameters { parameters } = &op.body else {
        panic!("{:?}", op.body);
    };
    let names: Vec<&str> = parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["item", "deferCommit"]);
}

#[test]
fn each_route_answers_with_what_its_own_examples_annotate() {
    // opentypeextension-post-opentypeextension.md: the Response section names
    // no type; the first example (`POST /me/messages`) is annotated `message`,
    // the `…/extensions` example `openTypeExtension`.
    let example = |url: &str, ty: &str| {
        format!("<!-- {{ \"blockType\": \"request\" }} -->\n```http\nPOST https://graph.microsoft.com/v1.0{url}\nContent-type: application/json\n\n{{\"extensionName\": \"x\"}}\n```\n\n<!-- {{ \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.{ty}\" }} -->\n```http\nHTTP/1.1 201 Created\nContent-type: application/json\n\n{{\"id\": \"1\"}}\n```\n\n")
    };
    let page = format!(
        "{}\n## Examples\n\n{}{}",
        api_page("extensions", "Create open extension", "POST /users/{id}/messages\nPOST /users/{id}/messages/{id}/extensions\nPOST /groups/{id}/extensions", "Depending on the operation, the response code can be `201 Created` or `202 Accepted`."),
        example("/users/1/messages", "message"),
        example("/users/1/messages/2/extensions", "openTypeExtension"),
    );
    let model = model_of(&[("api/opentypeextension-post-opentypeextension.md", &page)]);
    for (path, expected) in [
        ("/users/{id}/messages", "message"),
        ("/users/{id}/messages/{id}/extensions", "openTypeExtension"),
        // Another route to an `extensions` collection.
        ("/groups/{id}/extensions", "openTypeExtension"),
    ] {
        assert_eq!(
            shape(&operation(&model, "POST", path).response),
            expected,
            "{path}"
        );
    }
}

#[test]
fn writing_a_value_answers_as_the_page_says() {
    // userflowlanguagepage-put.md / -delete.md: `PUT …/$value` and
    // `DELETE …/$value` answer `204 No Content`; only reading `$value` is a stream.
    let model = model_of(&[(
        "api/userflowlanguagepage-put.md",
        &api_page("identity", "Update overridesPage", "PUT /identity/b2xUserFlows/{id}/languages/{id}/overridesPages/{id}/$value", "If successful, this method returns a `204 No Content` response code."),
    ), (
        "api/userflowlanguagepage-get.md",
        &api_page("identity", "Get overridesPage", "GET /identity/b2xUserFlows/{id}/languages/{id}/overridesPages/{id}/$value", "If successful, this method returns a `200 OK` response code and the JSON content in the response body."),
    )]);
    let path = "/identity/b2xUserFlows/{id}/languages/{id}/overridesPages/{id}/$value";
    assert_eq!(shape(&operation(&model, "PUT", path).response), "none");
    assert_eq!(shape(&operation(&model, "GET", path).response), "stream");
}

/// A GET page for `/me/thing` with `response` as its Response section and
/// `example` (a response block) after its example request.
fn thing_page(response: &str, example: &str) -> String {
    format!(
        "{}\n## Example\n\n<!-- {{ \"blockType\": \"request\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/me/thing\n```\n\n{example}",
        api_page("other", "Get thing", "GET /me/thing", response)
    )
}

#[test]
fn a_type_linked_as_the_object_of_for_is_not_the_body() {
    // educationsynchronizationprofile-uploadurl.md: the body is a URL "for the"
    // profile; the example's annotation says what it is.
    let page = thing_page(
        "If successful, this method returns a `200 OK` response code and a SAS URL for the [educationSynchronizationProfile](../resources/educationsynchronizationprofile.md) in the response body.",
        "<!-- { \"blockType\": \"response\", \"@odata.type\": \"String\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"value\": \"https://example.com/upload\"}\n```\n",
    );
    let model = model_of(&[("api/thing-get.md", &page)]);
    assert_eq!(
        shape(&operation(&model, "GET", "/me/thing").response),
        "String"
    );
}

#[test]
fn an_example_that_wraps_one_string_answers_with_a_string() {
    // chart-image.md: "base-64 image string in the response body", and an
    // example `{"value": "…"}`, OData's wrapper of one primitive value.
    let page = thing_page(
        "If successful, this method returns `200 OK` response code and base-64 image string in the response body.",
        "<!-- { \"blockType\": \"ignored\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"value\" : \"base-64 chart image string\"}\n```\n",
    );
    let model = model_of(&[("api/thing-get.md", &page)]);
    assert_eq!(
        shape(&operation(&model, "GET", "/me/thing").response),
        "String"
    );
    let page = thing_page(
        "If successful, this method returns `200 OK` response code and whether it is done in the response body.",
        "<!-- { \"blockType\": \"response\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean\", \"value\": true}\n```\n",
    );
    let model = model_of(&[("api/thing-get.md", &page)]);
    assert_eq!(
        shape(&operation(&model, "GET", "/me/thing").response),
        "Boolean"
    );
    // An object with more than a `value` is still untyped JSON.
    let page = thing_page(
        "If successful, this method returns `200 OK` response code and the thing in the response body.",
        "<!-- { \"blockType\": \"ignored\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"value\": \"x\", \"other\": 1}\n```\n",
    );
    let model = model_of(&[("api/thing-get.md", &page)]);
    assert_eq!(
        shape(&operation(&model, "GET", "/me/thing").response),
        "Json"
    );
}

#[test]
fn an_example_annotated_as_a_collection_with_a_value_array_is_many() {
    // securescores-list.md: "a **secureScores** object", but the example is
    // annotated `"isCollection": true` and holds a `value` array (no `@odata.context`).
    let page = thing_page(
        "If successful, this method returns a `200 OK` response code and a **secureScore** object in the response body.",
        "<!-- { \"blockType\": \"response\", \"isCollection\": true, \"@odata.type\": \"microsoft.graph.secureScore\" } -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{\"value\": [{\"id\": \"1\"}]}\n```\n",
    );
    let model = model_of(&[("api/thing-get.md", &page)]);
    assert_eq!(
        shape(&operation(&model, "GET", "/me/thing").response),
        "Collection(secureScore)"
    );
    // Annotated a collection, but a path that ends in a key addresses one.
    let page = format!(
        "{}\n## Example\n\n<!-- {{ \"blockType\": \"request\" }} -->\n```http\nGET https://graph.microsoft.com/v1.0/me/things/1\n```\n\n<!-- {{ \"blockType\": \"response\", \"isCollection\": true, \"@odata.type\": \"microsoft.graph.thing\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{{\"value\": [{{\"id\": \"1\"}}]}}\n```\n",
        api_page("other", "Get thing", "GET /me/things/{id}", "If successful, this method returns a `200 OK` response code and a **thing** object in the response body.")
    );
    let model = model_of(&[("api/thing-get.md", &page)]);
    assert_eq!(
        shape(&operation(&model, "GET", "/me/things/{id}").response),
        "thing"
    );
}

#[test]
fn link_text_with_a_plural_inside_the_name_is_the_type_its_page_defines() {
    // riskyuser-list-history.md: "[riskyUsersHistoryItem](../resources/riskyuserhistoryitem.md)";
    // the page linked to defines `riskyUserHistoryItem`.
    let model = model_of(&[
        (
            "resources/riskyuserhistoryitem.md",
            &resource_page("riskyUserHistoryItem", "| id | String | The id. |"),
        ),
        (
            "api/riskyuser-list-history.md",
            &api_page("identity", "List history", "GET /riskyUsers/{id}/history", "If successful, this method returns a `200 OK` response code and a collection of [riskyUsersHistoryItem](../resources/riskyuserhistoryitem.md) objects in the response body."),
        ),
    ]);
    assert_eq!(
        shape(&operation(&model, "GET", "/riskyUsers/{id}/history").response),
        "Collection(riskyUserHistoryItem)"
    );
}

#[test]
fn the_requested_resource_instance_is_what_the_path_addresses() {
    // multivaluelegacyextendedproperty-get.md: "an object representing the
    // requested resource instance, expanded with the matching
    // [multiValueLegacyExtendedProperty](…) object", for messages, events,
    // tasks …: the body is the task the path addresses. `tasks` alone is typed
    // differently by two types; `taskFolders` is a collection of
    // `outlookTaskFolder` on both types that have it.
    let model = model_of(&[
        ("resources/outlookuser.md", &resource_page("outlookUser", "| taskFolders | [outlookTaskFolder](outlooktaskfolder.md) collection | The folders. |")),
        ("resources/outlooktaskgroup.md", &resource_page("outlookTaskGroup", "| taskFolders | [outlookTaskFolder](outlooktaskfolder.md) collection | The folders. |")),
        ("resources/outlooktaskfolder.md", &resource_page("outlookTaskFolder", "| tasks | [outlookTask](outlooktask.md) collection | The tasks. |")),
        ("resources/plannerbucket.md", &resource_page("plannerBucket", "| tasks | [plannerTask](plannertask.md) collection | The tasks. |")),
        ("resources/outlooktask.md", &resource_page("outlookTask", "| id | String | The id. |")),
        ("resources/plannertask.md", &resource_page("plannerTask", "| id | String | The id. |")),
        (
            "api/multivaluelegacyextendedproperty-get.md",
            &api_page("outlook", "Get multiValueLegacyExtendedProperty", "GET /me/outlook/taskFolders/{id}/tasks/{id}?$expand=multiValueExtendedProperties($filter=id eq '{id_value}')\nGET /me/outlook/taskGroups/{id}/taskFolders/{id}/tasks/{id}?$expand=multiValueExtendedProperties($filter=id eq '{id_value}')\nGET /me/buckets/{id}/tasks/{id}?$expand=multiValueExtendedProperties($filter=id eq '{id_value}')", "If successful, this method returns a `200 OK` response code.\n\nThe response body includes an object representing the requested resource instance, expanded with the matching\n[multiValueLegacyExtendedProperty](../resources/multivaluelegacyextendedproperty.md) object."),
        ),
    ]);
    let of = |path: &str| {
        let found: Vec<&Operation> = model
            .operations
            .iter()
            .filter(|op| op.method == "GET" && op.path.raw.split('?').next() == Some(path))
            .collect();
        assert_eq!(found.len(), 1, "{path}");
        shape(&found[0].response)
    };
    assert_eq!(of("/me/outlook/taskFolders/{id}/tasks/{id}"), "outlookTask");
    assert_eq!(
        of("/me/outlook/taskGroups/{id}/taskFolders/{id}/tasks/{id}"),
        "outlookTask"
    );
    // `buckets` is documented nowhere and `tasks` gives two answers: no type.
    assert_eq!(of("/me/buckets/{id}/tasks/{id}"), "none");
}

#[test]
fn a_skipped_annotation_names_the_type_where_it_is_what_the_path_addresses() {
    // user-list-devices.md: the Response section names no type; the example
    // the docs' checker skips is annotated `device`, `"isCollection": true`,
    // and holds a `value` array.
    let skipped = |ty: &str, collection: bool, body: &str| {
        format!("<!-- {{ \"blockType\": \"ignored\", \"@odata.type\": \"microsoft.graph.{ty}\", \"isCollection\": {collection} }} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{body}\n```\n")
    };
    let page = |lines: &str, example: String| {
        format!(
            "{}\n## Example\n\n{example}",
            api_page("devices", "Get things", lines, "If successful, this method returns a 200 response code and the properties in the response body.")
        )
    };
    let model = model_of(&[
        (
            "api/user-list-devices.md",
            &page(
                "GET /me/devices",
                skipped("device", true, "{\"value\": [{\"id\": \"1\"}]}"),
            ),
        ),
        // get-device-command-status.md: annotated a collection, but the path
        // ends in a key and the body is one object.
        (
            "api/get-device-command-status.md",
            &page(
                "GET /me/devices/{id}/commands/{id}",
                skipped("command", true, "{\"id\": \"1\"}"),
            ),
        ),
        // channel-post-tabs.md: a skipped annotation copied from another page
        // (`team` for a tab) is not the type of `…/tabs`.
        (
            "api/channel-list-tabs.md",
            &page(
                "GET /teams/{id}/channels/{id}/tabs",
                skipped("team", false, "{\"id\": \"1\"}"),
            ),
        ),
    ]);
    assert_eq!(
        shape(&operation(&model, "GET", "/me/devices").response),
        "Collection(device)"
    );
    assert_eq!(
        shape(&operation(&model, "GET", "/me/devices/{id}/commands/{id}").response),
        "command"
    );
    assert_eq!(
        shape(&operation(&model, "GET", "/teams/{id}/channels/{id}/tabs").response),
        "Json"
    );
}

#[test]
fn a_plural_name_no_page_documents_is_the_type_its_singular_names() {
    // dynamics-*-get.md name the body by a plural ("a **countriesRegions**
    // object"); where no page documents that name but its singular, word by
    // word, is a documented type, the page means that type. One or many still
    // comes from the page: the path and the wording.
    let model = model_of(&[
        (
            "resources/widget.md",
            &resource_page("widget", "| id | String | The id. |"),
        ),
        (
            "resources/countryregion.md",
            &resource_page("countryRegion", "| id | String | The id. |"),
        ),
        (
            "api/widget-get.md",
            &api_page("other", "Get widget", "GET /widgets/{id}", "If successful, this method returns a `200 OK` response code and a **widgets** object in the response body."),
        ),
        (
            "api/widget-list.md",
            &api_page("other", "List widgets", "GET /widgets", "If successful, this method returns a `200 OK` response code and a collection of **widgets** in the response body."),
        ),
        (
            "api/countryregion-get.md",
            &api_page("other", "Get countriesRegions", "GET /countriesRegions/{id}", "If successful, this method returns a `200 OK` response code and a **countriesRegions** object in the response body."),
        ),
    ]);
    assert_eq!(
        shape(&operation(&model, "GET", "/widgets/{id}").response),
        "widget"
    );
    assert_eq!(
        shape(&operation(&model, "GET", "/widgets").response),
        "Collection(widget)"
    );
    assert_eq!(
        shape(&operation(&model, "GET", "/countriesRegions/{id}").response),
        "countryRegion"
    );
    assert!(
        !model
            .types
            .iter()
            .any(|t| t.name == "widgets" || t.name == "countriesRegions"),
        "no type is inferred under the plural name"
    );
}

#[test]
fn a_plural_name_a_page_documents_stays_that_type() {
    // dynamics-account.md is titled "accounts resource type": the pages
    // document `accounts`, and "an **accounts** object" is that type.
    let model = model_of(&[
        (
            "resources/account.md",
            &resource_page("accounts", "| id | String | The id. |"),
        ),
        (
            "resources/thing.md",
            &resource_page("thing", "| id | String | The id. |"),
        ),
        (
            "api/account-get.md",
            &api_page("other", "Get accounts", "GET /accounts/{id}", "If successful, this method returns a `200 OK` response code and an **accounts** object in the response body."),
        ),
        (
            "api/things-get.md",
            &api_page("other", "Get things", "GET /things/{id}", "If successful, this method returns a `200 OK` response code and a **thingsJournals** object in the response body."),
        ),
    ]);
    assert_eq!(
        shape(&operation(&model, "GET", "/accounts/{id}").response),
        "accounts"
    );
    // Only a whole name made singular counts, not a part of one.
    assert_eq!(
        shape(&operation(&model, "GET", "/things/{id}").response),
        "thingsJournals"
    );
}

#[test]
fn a_name_that_differs_from_a_documented_one_only_by_plural_words_is_that_type() {
    // dynamics-customerpaymentsjournal.md is titled "customerPaymentsJournals
    // resource type" (its front matter: customerPaymentJournals); its API pages
    // say "a **customerPaymentJournals** object": the same name with other
    // words in the plural, so the documented type, not one inferred from the
    // example under the API page's spelling.
    let model = model_of(&[
        (
            "resources/customerpaymentsjournal.md",
            &resource_page("customerPaymentsJournals", "| id | String | The id. |"),
        ),
        (
            "api/customerpaymentsjournal-get.md",
            &format!(
                "{}\n## Example\n\n<!-- {{ \"blockType\": \"request\" }} -->\n```http\nGET https://graph.microsoft.com/beta/customerPaymentJournals/1\n```\n\n<!-- {{ \"blockType\": \"response\" }} -->\n```http\nHTTP/1.1 200 OK\nContent-type: application/json\n\n{{\"id\": \"1\", \"code\": \"GENERAL\"}}\n```\n",
                api_page("other", "Get customerPaymentJournals", "GET /customerPaymentJournals/{id}", "If successful, this method returns a `200 OK` response code and a **customerPaymentJournals** object in the response body.")
            ),
        ),
    ]);
    assert_eq!(
        shape(&operation(&model, "GET", "/customerPaymentJournals/{id}").response),
        "customerPaymentsJournals"
    );
    assert!(!model
        .types
        .iter()
        .any(|t| t.name == "customerPaymentJournals"));
}
