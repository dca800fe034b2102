//! The SDK for the workspace's `docs-input/`, generated at build time by
//! `build.rs` (with `docgen::build_script`) instead of being committed.

/// The generated SDK: `graph::models`, `graph::operations`, `graph::runtime`
/// and `graph::SERVICE_ROOT`.
pub mod graph {
    include!(concat!(env!("OUT_DIR"), "/docgen/sdk.rs"));
}

#[cfg(test)]
mod tests {
    use super::graph::models::{AnyDeviceManagementScript, RunAsAccountType};
    use super::graph::{operations, runtime::Error, SERVICE_ROOT};

    /// The response documented in `docs-input/api/devicemanagementscript-get.md`.
    const DOCUMENTED_RESPONSE: &str = r##"{
  "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/deviceManagementScripts/$entity",
  "@odata.type": "#microsoft.graph.deviceManagementScript",
  "id": "59ea4525-4525-59ea-2545-ea592545ea59",
  "displayName": "Install monitoring agent",
  "description": null,
  "scriptContent": "c2NyaXB0Q29udGVudA==",
  "createdDateTime": "2021-02-11T08:42:17.3561294Z",
  "lastModifiedDateTime": "2021-03-04T15:06:51.0194728Z",
  "runAsAccount": "system",
  "enforceSignatureCheck": true,
  "fileName": "Install-Agent.ps1",
  "roleScopeTagIds": [
    "0",
    "2"
  ],
  "runAs32Bit": false
}"##;

    #[test]
    fn builds_a_request_and_parses_the_documented_response() {
        let request = operations::device_management::device_management_scripts::get("59ea4525/x y");
        let http_request = request.to_http(SERVICE_ROOT).expect("valid request");
        assert_eq!(http_request.method(), http::Method::GET);
        assert_eq!(
            http_request.uri().to_string(),
            "https://graph.microsoft.com/beta/deviceManagement/deviceManagementScripts/59ea4525%2Fx%20y"
        );

        let response = http::Response::builder()
            .status(200)
            .header("Content-Type", "application/json")
            .body(DOCUMENTED_RESPONSE.as_bytes().to_vec())
            .expect("valid response");
        let script = match request.parse_response(response).expect("parses") {
            AnyDeviceManagementScript::DeviceManagementScript(script) => script,
            other => panic!("expected a deviceManagementScript, got {other:?}"),
        };
        assert_eq!(
            script.display_name.value().map(String::as_str),
            Some("Install monitoring agent")
        );
        assert!(script.description.is_null());
        assert_eq!(
            script.run_as_account.value(),
            Some(&RunAsAccountType::System)
        );
        assert_eq!(script.enforce_signature_check.value(), Some(&true));
    }

    #[test]
    fn an_error_status_is_a_typed_error() {
        let request = operations::device_management::device_management_scripts::get("missing");
        let response = http::Response::builder()
            .status(404)
            .header("request-id", "r-1")
            .body(br#"{"error":{"code":"ResourceNotFound","message":"Not found"}}"#.to_vec())
            .expect("valid response");
        match request.parse_response(response) {
            Err(Error::Status(error)) => {
                assert_eq!(error.status, http::StatusCode::NOT_FOUND);
                assert_eq!(error.request_id.as_deref(), Some("r-1"));
            }
            other => panic!("expected a status error, got {other:?}"),
        }
    }
}
