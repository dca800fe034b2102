//! The runtime and the async client of every SDK crate docgen generates,
//! as a crate of their own so that they are compiled, linted and tested where
//! they are written.
//!
//! - [`runtime`]: the sans-IO core: requests, errors, pages, `Nullable` and
//!   the text-preserving primitive types.
//! - `client` (cargo feature `client`): the async client that sends the
//!   core's requests with reqwest.
//!
//! # Copied, not depended on
//!
//! The emitter writes [`RUNTIME_SOURCE`] and [`CLIENT_SOURCE`] into each
//! generated crate as `src/runtime.rs` and `src/client.rs`, byte for byte (as
//! `cargo progenitor --include-client` does with progenitor-client), instead
//! of making the generated crate depend on this one:
//!
//! - a generated crate stays self-contained: it builds wherever it is copied
//!   or vendored, this crate is never published, and users need no second
//!   crate whose version must match the generator's;
//! - the runtime a crate carries is the one its generator was tested with,
//!   so a generated crate and its runtime can never drift apart;
//! - the build-script form (`docgen::build_script`) includes the same files,
//!   with no extra dependency in the user's `Cargo.toml`.
//!
//! The cost is a copy of about 3,000 lines per generated crate, and that two
//! generated crates do not share runtime types (each has its own `Error`).
//!
//! So that the same text compiles in both places, the sources only refer to
//! each other as `crate::runtime` and `crate::client`, and to the service
//! root as `crate::SERVICE_ROOT`, which the generated crate's `lib.rs` defines
//! and this crate defines below. Their doc examples are written for the
//! generated crate (`graph_sdk::…`); this crate runs them under that name
//! through a dev-dependency (`runtime/as-graph-sdk`) that re-exports it.
#![forbid(unsafe_code)]

#[cfg(feature = "client")]
pub mod client;
pub mod runtime;

/// The service root the client sends to by default; a generated crate defines
/// its own from its docs.
pub const SERVICE_ROOT: &str = "https://graph.microsoft.com/v1.0";

/// The source of the [`runtime`] module, which the emitter writes to every
/// generated crate's `src/runtime.rs`.
pub const RUNTIME_SOURCE: &str = include_str!("runtime.rs");

/// The source of the `client` module, which the emitter writes to every
/// generated crate's `src/client.rs`.
pub const CLIENT_SOURCE: &str = include_str!("client.rs");
