//! docgen: turns Microsoft Graph-style API documentation pages into a Rust SDK,
//! and keeps the two from drifting apart.
//!
//! The pipeline: docs tree ([`source`]) → page parser ([`parse`]) → one API model
//! ([`model`]) → emitter ([`emit`]) → generated crate ([`output`]). [`incremental`]
//! runs that pipeline for `docgen generate` and the build-script API, skipping it
//! when nothing changed; [`fsutil`] is the bottom layer of hashing and writing.

pub mod build_script;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod fsutil;
pub mod incremental;
pub mod lint;
pub mod metadata;
pub mod model;
pub mod output;
pub mod parse;
pub mod scope;
pub mod source;
pub mod stamp;

use std::path::Path;

pub use diagnostics::{Diagnostic, Location, Severity};
pub use model::ApiModel;

/// Reads and parses a docs tree and builds its model.
pub fn model_for_tree(docs: &Path) -> Result<ApiModel, source::SourceError> {
    let tree = source::read_tree(docs)?;
    let pages = parse_pages(&tree.files);
    Ok(model_for_pages(pages, tree.diagnostics, &tree_name(docs)))
}

/// Parses every page, in parallel (rayon). The pages come back in the order of
/// `files` (sorted by relative path by [`source::read_tree`]), whatever the
/// number of threads.
pub fn parse_pages(files: &[source::SourceFile]) -> Vec<parse::Page> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|file| parse::parse_page(&file.relative, &file.text))
        .collect()
}

/// The model of parsed pages, with the diagnostics of reading the tree merged in.
pub fn model_for_pages(
    pages: Vec<parse::Page>,
    mut read_diagnostics: Vec<Diagnostic>,
    tree_name: &str,
) -> ApiModel {
    let mut model = model::build_model(pages, tree_name);
    if !read_diagnostics.is_empty() {
        model.diagnostics.append(&mut read_diagnostics);
        model.diagnostics.sort();
    }
    model
}

/// The docs folder's own name (`v1.0`, `beta`), which the model uses to tell
/// the API version.
pub fn tree_name(docs: &Path) -> String {
    docs.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
