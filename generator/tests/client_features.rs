//! The generated crate's client features: `client` sends over rustls,
//! `client-native-tls` over the platform's TLS, and choosing the second
//! compiles no rustls (the reqwest dependency itself names no TLS). Measured:
//! a small program's stripped release binary is 4.7 MB with
//! `client-native-tls` against 6.0 MB with `client` (docs/measurements.md).

mod support;

#[test]
fn the_client_comes_with_rustls_or_with_the_platforms_tls() {
    let model = docgen::model_for_tree(&support::docs_input()).expect("docs-input reads");
    let generated = docgen::emit::emit_crate(&model).expect("docs-input emits");
    let manifest: toml::Table = generated.files["Cargo.toml"]
        .parse()
        .expect("the manifest is TOML");

    let reqwest = &manifest["dependencies"]["reqwest"];
    assert_eq!(reqwest["default-features"].as_bool(), Some(false));
    assert!(
        reqwest.get("features").is_none(),
        "the dependency itself must not pick a TLS: {reqwest}"
    );

    let feature = |name: &str| -> Vec<String> {
        manifest["features"][name]
            .as_array()
            .unwrap_or_else(|| panic!("feature `{name}`"))
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let rustls = feature("client");
    let native = feature("client-native-tls");
    assert!(
        rustls.contains(&"reqwest/rustls-tls".to_string()),
        "{rustls:?}"
    );
    assert!(
        !rustls.iter().any(|f| f.contains("native-tls")),
        "{rustls:?}"
    );
    assert!(
        native.contains(&"reqwest/native-tls".to_string()),
        "{native:?}"
    );
    assert!(!native.iter().any(|f| f.contains("rustls")), "{native:?}");
    // The same client otherwise.
    let without_tls = |features: &[String]| -> Vec<String> {
        features
            .iter()
            .filter(|f| !f.starts_with("reqwest/"))
            .cloned()
            .collect()
    };
    assert_eq!(without_tls(&rustls), without_tls(&native));

    let lib = &generated.files["src/lib.rs"];
    assert!(
        lib.contains(
            "#[cfg(any(feature = \"client\", feature = \"client-native-tls\"))]\npub mod client;"
        ),
        "either feature compiles the client module"
    );
}
