//! One analysis of a docs tree: read once, parsed once, one model.
//!
//! Every command that looks at a tree (`dump`, `lint`, `diff`, `generate`,
//! `check`, the build-script API) starts from an [`Analysis`], so the pages are
//! read and parsed exactly once per run and every command sees the same pages,
//! the same model and the same diagnostics. Checks that need more than the
//! model (lint's page checks) read the parsed pages kept here instead of
//! parsing again, and ask the model for what it decides (example roles,
//! resolved links) instead of deciding again.

use crate::diagnostics::Diagnostic;
use crate::model::{self, ApiModel};
use crate::parse::{self, Page};
use crate::source::{self, SourceError, SourceFile, Tree};
use std::path::Path;

/// A docs tree, read, parsed and modelled.
#[derive(Debug)]
pub struct Analysis {
    /// The docs folder's own name (`v1.0`, `beta`): the model tells the API
    /// version by it.
    pub tree_name: String,
    /// Every page's text, sorted by relative path.
    pub sources: Vec<SourceFile>,
    /// Every page parsed, in the order of `sources` (one per source file).
    pub pages: Vec<Page>,
    /// The API model of the pages. Its diagnostics are all of the analysis's:
    /// reading the tree, parsing the pages and building the model, sorted.
    pub model: ApiModel,
}

impl Analysis {
    /// Reads, parses and models the tree at `docs`. Fails only when the folder
    /// itself cannot be read; unreadable pages are diagnostics.
    pub fn of_tree(docs: &Path) -> Result<Analysis, SourceError> {
        let tree = source::read_tree(docs)?;
        Ok(Analysis::of_read_tree(tree, &tree_name(docs)))
    }

    /// Parses and models a tree already read (see [`source::read_tree`]).
    pub fn of_read_tree(tree: Tree, tree_name: &str) -> Analysis {
        let Tree { files, diagnostics } = tree;
        let pages = parse_pages(&files);
        let model = model_for_parsed(&pages, diagnostics, tree_name);
        Analysis {
            tree_name: tree_name.to_string(),
            sources: files,
            pages,
            model,
        }
    }

    /// Every diagnostic of the analysis (reading, parsing, model), sorted by
    /// location and code.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.model.diagnostics
    }

    /// The text and the parsed page of `file` (relative, with `/`).
    pub fn page(&self, file: &str) -> Option<(&SourceFile, &Page)> {
        let at = self
            .sources
            .binary_search_by(|s| s.relative.as_str().cmp(file))
            .ok()?;
        Some((self.sources.get(at)?, self.pages.get(at)?))
    }

    /// The model alone, for commands that need nothing else (`dump`, `diff`).
    pub fn into_model(self) -> ApiModel {
        self.model
    }
}

/// Parses every page, in parallel (rayon). The pages come back in the order of
/// `files` (sorted by relative path by [`source::read_tree`]), whatever the
/// number of threads.
pub fn parse_pages(files: &[SourceFile]) -> Vec<Page> {
    use rayon::prelude::*;
    files
        .par_iter()
        .map(|file| parse::parse_page(&file.relative, &file.text))
        .collect()
}

/// The model of parsed pages, with the diagnostics of reading the tree merged
/// in. The pages are borrowed: the analysis keeps them for the checks that
/// read pages.
pub fn model_for_parsed(
    pages: &[Page],
    mut read_diagnostics: Vec<Diagnostic>,
    tree_name: &str,
) -> ApiModel {
    let mut model = model::build_model_of(pages, tree_name);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{lint, lint_analysis, LintOptions};

    /// A page with a model diagnostic (a broken link) and a lint finding (a
    /// missing anchor), beside a page that is fine.
    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let api = dir.path().join("api");
        std::fs::create_dir_all(&api).expect("mkdir");
        std::fs::write(
            api.join("a.md"),
            "# A\n\nSee [b](b.md#nowhere) and [c](c.md).\n",
        )
        .expect("write");
        std::fs::write(api.join("b.md"), "# B\n\n## Somewhere\n").expect("write");
        dir
    }

    #[test]
    fn one_page_per_source_in_order() {
        let dir = tree();
        let analysis = Analysis::of_tree(dir.path()).expect("analysis");
        let files: Vec<(&str, &str)> = analysis
            .sources
            .iter()
            .zip(&analysis.pages)
            .map(|(s, p)| (s.relative.as_str(), p.file.as_str()))
            .collect();
        assert_eq!(files, [("api/a.md", "api/a.md"), ("api/b.md", "api/b.md")]);
        let (source, page) = analysis.page("api/a.md").expect("page a");
        assert_eq!(page.links.len(), 2);
        assert_eq!(
            &source.text[page.links[0].span.clone()],
            "[b](b.md#nowhere)"
        );
        assert!(analysis
            .diagnostics()
            .iter()
            .any(|d| d.code == crate::Code::LinkBroken));
    }

    #[test]
    fn lint_of_an_analysis_is_lint_of_the_tree() {
        let dir = tree();
        let options = LintOptions::default();
        let direct = lint(dir.path(), &options).expect("lint");
        let analysis = Analysis::of_tree(dir.path()).expect("analysis");
        let shared = lint_analysis(analysis, dir.path(), &options).expect("lint");
        let codes: Vec<&str> = direct.findings.iter().map(|d| d.code.name()).collect();
        assert_eq!(
            codes,
            [
                "page-yields-nothing",
                "link-broken",
                "anchor-missing",
                "page-yields-nothing"
            ]
        );
        assert_eq!(direct.findings, shared.findings);
        assert_eq!(direct.sources.len(), shared.sources.len());
    }
}
