//! Where a page's links lead, as the model reads them: one reading for the
//! model's own uses (`link-broken`, naming types by the page a link leads to)
//! and for `docgen lint`'s anchor check.

use crate::parse::links;

/// Where a link leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A Markdown page by relative path: `path` as linked (backslashes read as
    /// slashes, the anchor dropped), `file` the tree path it resolves to from
    /// the linking page's folder, `None` when it climbs out of the tree.
    Page {
        /// The path as linked.
        path: String,
        /// The tree path it resolves to; `None` when it climbs out of the tree.
        file: Option<String>,
    },
    /// An anchor of the linking page itself (`#permissions`).
    SamePage,
    /// Another site, a site-absolute path, or a file that is not a page.
    Elsewhere,
}

/// Where the link `dest` on the page `page_file` (relative to the tree) leads.
pub fn link_target(page_file: &str, dest: &str) -> LinkTarget {
    if dest.split('#').next().is_some_and(str::is_empty) {
        return LinkTarget::SamePage;
    }
    match links::page_dest(dest) {
        Some(path) => {
            let file = links::resolve_relative(links::page_dir(page_file), &path);
            LinkTarget::Page { path, file }
        }
        None => LinkTarget::Elsewhere,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_lead_to_pages_anchors_or_elsewhere() {
        assert_eq!(link_target("api/a.md", "#x"), LinkTarget::SamePage);
        assert_eq!(
            link_target("api/a.md", "..\\resources\\x.md#props"),
            LinkTarget::Page {
                path: "../resources/x.md".into(),
                file: Some("resources/x.md".into())
            }
        );
        assert_eq!(
            link_target("a.md", "../x.md"),
            LinkTarget::Page {
                path: "../x.md".into(),
                file: None
            }
        );
        assert_eq!(
            link_target("a.md", "https://x.org/a.md"),
            LinkTarget::Elsewhere
        );
    }
}
