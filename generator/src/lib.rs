//! docgen: turns Microsoft Graph-style API documentation pages into a Rust SDK,
//! and keeps the two from drifting apart.
//!
//! The pipeline: docs tree ([`source`]) → page parser ([`parse`]) → one API model
//! ([`model`]) → emitter ([`emit`]) → generated crate ([`output`]). The first
//! three run once per tree as one [`Analysis`], which every command shares;
//! the [`policy`] of the docs folder (`docgen.toml`) decides how its
//! diagnostics are reported.
//! [`incremental`] runs that pipeline for `docgen generate` and the
//! build-script API, skipping it when nothing changed; `fsutil` is the
//! bottom layer of hashing and writing.

#![deny(missing_docs)]

pub mod analysis;
pub mod blame;
pub mod build_script;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub(crate) mod fsutil;
pub mod incremental;
pub mod lint;
// Used by `lint --metadata` and by the metadata oracle test; not a stable API.
#[doc(hidden)]
pub mod metadata;
pub mod model;
pub(crate) mod outdir;
pub mod output;
// The model exposes parsed pages; tests, benches and fuzz targets call the
// parser directly. Not a stable API.
#[doc(hidden)]
pub mod parse;
pub mod policy;
pub mod scope;
pub mod source;
// Tests and the bench remove the stamp file by name; not a stable API.
#[doc(hidden)]
pub mod stamp;

use std::path::Path;

pub use analysis::Analysis;
pub use diagnostics::{Code, Diagnostic, Location, Severity};
pub use model::ApiModel;

/// Reads and parses a docs tree and builds its model: the model of its
/// [`Analysis`], for callers that need nothing else.
pub fn model_for_tree(docs: &Path) -> Result<ApiModel, source::SourceError> {
    Analysis::of_tree(docs).map(Analysis::into_model)
}

/// Parses every page (see [`analysis::parse_pages`]).
pub fn parse_pages(files: &[source::SourceFile]) -> Vec<parse::Page> {
    analysis::parse_pages(files)
}

/// The model of parsed pages, with the diagnostics of reading the tree merged
/// in (see [`analysis::model_for_parsed`]).
pub fn model_for_pages(
    pages: Vec<parse::Page>,
    read_diagnostics: Vec<Diagnostic>,
    tree_name: &str,
) -> ApiModel {
    analysis::model_for_parsed(&pages, read_diagnostics, tree_name)
}

/// The docs folder's own name (`v1.0`, `beta`), which the model uses to tell
/// the API version.
pub fn tree_name(docs: &Path) -> String {
    analysis::tree_name(docs)
}
