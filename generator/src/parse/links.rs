//! Relative links between the pages of a docs tree.

use super::markdown::{Block, Link, Page};

/// The page part of a link to another page of the tree, with backslashes read
/// as slashes (`..\resources\x.md`: the docs site does) and the anchor dropped.
/// `None` for links to other sites, site-absolute paths and non-page files.
pub fn page_dest(dest: &str) -> Option<String> {
    let dest = dest.replace('\\', "/");
    let dest = dest.split('#').next().unwrap_or("");
    let is_page = !dest.is_empty()
        && !dest.starts_with('/')
        && !dest.contains("://")
        && dest.ends_with(".md");
    is_page.then(|| dest.to_string())
}

/// The folder of a page (`api` for `api/x.md`), where its relative links start.
pub fn page_dir(file: &str) -> &str {
    file.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Joins a relative link to its page's folder; `None` when it climbs out of the tree.
pub fn resolve_relative(dir: &str, dest: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for piece in dest.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

impl Page {
    /// Every link of the page's paragraphs and tables, with the line of its
    /// paragraph or row (where `link-broken` reports it).
    pub fn block_links(&self) -> impl Iterator<Item = (&Link, usize)> {
        self.blocks.iter().flat_map(|block| -> Vec<(&Link, usize)> {
            match block {
                Block::Paragraph(p) => p.links.iter().map(|l| (l, p.line)).collect(),
                Block::Table(t) => t
                    .rows
                    .iter()
                    .flat_map(|(line, row)| row.iter().flat_map(|c| &c.links).map(|l| (l, *line)))
                    .collect(),
                _ => Vec::new(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_are_normalised_and_resolved() {
        assert_eq!(
            page_dest("..\\resources\\x.md#props").as_deref(),
            Some("../resources/x.md")
        );
        for other in ["https://x.org/a.md", "/en-us/a.md", "#anchor", "a.png", ""] {
            assert_eq!(page_dest(other), None, "{other}");
        }
        assert_eq!(page_dir("api/x.md"), "api");
        assert_eq!(page_dir("x.md"), "");
        assert_eq!(
            resolve_relative("api", "../resources/./x.md").as_deref(),
            Some("resources/x.md")
        );
        assert_eq!(resolve_relative("api", "../../x.md"), None);
    }
}
