//! A page cut into its level-2 sections, so the builder can ask for "the Response section".

use crate::parse::{Block, Page};

/// The blocks under one level-2 heading (or before the first one).
#[derive(Debug, Clone, Copy)]
pub struct Section<'a> {
    /// Heading text, lowercased; empty for the part before the first heading.
    pub name: &'a str,
    pub blocks: &'a [Block],
}

/// The page title (first level-1 heading), with its line.
pub fn title(page: &Page) -> Option<(&str, usize)> {
    page.blocks.iter().find_map(|block| match block {
        Block::Heading(h) if h.level == 1 && !is_tab_heading(&h.text) => {
            Some((h.text.as_str(), h.line))
        }
        _ => None,
    })
}

/// Tab headings such as `# [HTTP](#tab/http)` inside example sections; their
/// visible text is just the tab name.
pub(super) fn is_tab_heading(text: &str) -> bool {
    matches!(
        text.to_ascii_lowercase().as_str(),
        "http"
            | "c#"
            | "javascript"
            | "objective-c"
            | "java"
            | "go"
            | "powershell"
            | "cli"
            | "python"
            | "php"
    )
}

/// Cuts a page into sections at level-2 headings. Level-1 headings other than the
/// title and tab headings also start a section, as some pages use them that way.
pub fn sections(page: &Page) -> Vec<Section<'_>> {
    let mut sections = Vec::new();
    let mut start = 0;
    let mut name = "";
    let mut seen_title = false;
    for (index, block) in page.blocks.iter().enumerate() {
        let Block::Heading(h) = block else { continue };
        let starts_section = match h.level {
            2 => true,
            1 if is_tab_heading(&h.text) => false,
            1 if !seen_title => {
                seen_title = true;
                false
            }
            1 => true,
            _ => false,
        };
        if starts_section {
            sections.push(Section {
                name,
                blocks: &page.blocks[start..index],
            });
            start = index + 1;
            name = h.text.as_str();
        }
    }
    sections.push(Section {
        name,
        blocks: &page.blocks[start..],
    });
    sections
}

impl<'a> Section<'a> {
    /// Whether the heading, lowercased, starts with one of `prefixes`.
    pub fn is(&self, prefixes: &[&str]) -> bool {
        let name = self.name.to_ascii_lowercase();
        prefixes.iter().any(|p| name.starts_with(p))
    }
}
