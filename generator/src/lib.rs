//! docgen: turns Microsoft Graph-style API documentation pages into a Rust SDK,
//! and keeps the two from drifting apart.
//!
//! The pipeline: docs tree ([`source`]) → page parser ([`parse`]) → one API model
//! ([`model`]) → emitter ([`emit`]) → generated crate ([`output`]).

pub mod build_script;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod lint;
pub mod model;
pub mod output;
pub mod parse;
pub mod source;

use std::path::Path;

pub use diagnostics::{Diagnostic, Location, Severity};
pub use model::ApiModel;

/// Reads and parses a docs tree and builds its model.
pub fn model_for_tree(docs: &Path) -> Result<ApiModel, source::SourceError> {
    let tree = source::read_tree(docs)?;
    let tree_name = docs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut diagnostics = tree.diagnostics;
    let pages = tree
        .files
        .iter()
        .map(|file| parse::parse_page(&file.relative, &file.text))
        .collect();
    let mut model = model::build_model(pages, &tree_name);
    if !diagnostics.is_empty() {
        model.diagnostics.append(&mut diagnostics);
        model.diagnostics.sort();
    }
    Ok(model)
}
