//! `docgen_runtime` under the name `graph_sdk`; see this package's Cargo.toml.
pub use docgen_runtime::*;
