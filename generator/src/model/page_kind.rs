//! What kind of page a page is: decided from front matter, falling back to content.

use crate::parse::{Block, Page};
use serde::Serialize;

/// What a page documents (`pages[].kind` in `docgen dump`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    /// Documents a request.
    Api,
    /// Documents a type.
    Resource,
    /// Documents an enumeration.
    Enum,
    /// Conceptual or unrecognised pages; they yield nothing by design.
    Other,
}

impl PageKind {
    /// The kind of a page: its front matter's `doc_type`, otherwise its headings.
    pub fn of(page: &Page) -> PageKind {
        let declared = Self::declared(page);
        let has_heading = |wanted: &str| {
            page.blocks.iter().any(|block| {
                matches!(block, Block::Heading(h) if h.text.to_ascii_lowercase().starts_with(wanted))
            })
        };
        // Some resource pages say `apiPageType`; their content decides.
        if declared == Some(PageKind::Api)
            && !has_heading("http request")
            && has_heading("properties")
        {
            return PageKind::Resource;
        }
        // And some API pages say `resourcePageType` (`serviceprincipal-update.md`):
        // an HTTP request section and no properties table make an API page.
        if declared == Some(PageKind::Resource)
            && has_heading("http request")
            && !has_heading("properties")
        {
            return PageKind::Api;
        }
        if let Some(kind) = declared {
            return kind;
        }
        Self::from_content(page)
    }

    fn declared(page: &Page) -> Option<PageKind> {
        match page
            .front_matter
            .doc_type
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("apipagetype") => Some(PageKind::Api),
            Some("resourcepagetype") => Some(PageKind::Resource),
            Some("enumpagetype") => Some(PageKind::Enum),
            _ => None,
        }
    }

    fn from_content(page: &Page) -> PageKind {
        let heading = |wanted: &[&str]| {
            page.blocks.iter().any(|block| {
                matches!(block, Block::Heading(h) if h.level == 2
                    && wanted.iter().any(|w| h.text.eq_ignore_ascii_case(w)))
            })
        };
        let title = page.blocks.iter().find_map(|block| match block {
            Block::Heading(h) if h.level == 1 => Some(h.text.to_ascii_lowercase()),
            _ => None,
        });
        if heading(&["HTTP request"]) {
            PageKind::Api
        } else if title
            .as_deref()
            .is_some_and(|t| t.ends_with("enum type") || t.ends_with("enumeration"))
            || (heading(&["Members"]) && !heading(&["Properties"]))
        {
            PageKind::Enum
        } else if heading(&["Properties", "JSON representation"]) {
            PageKind::Resource
        } else {
            PageKind::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> PageKind {
        PageKind::of(&crate::parse::parse_page("api/x.md", text))
    }

    #[test]
    fn the_content_decides_when_the_declared_kind_contradicts_it() {
        // api/serviceprincipal-update.md: an update page declared a resource page.
        assert_eq!(
            kind("---\ndoc_type: resourcePageType\n---\n# Update servicePrincipal\n\n## HTTP request\n\n```http\nPATCH /servicePrincipals/{id}\n```\n"),
            PageKind::Api
        );
        assert_eq!(
            kind("---\ndoc_type: resourcePageType\n---\n# user resource type\n\n## Properties\n\n| Property | Type | Description |\n|--|--|--|\n| id | String | x |\n"),
            PageKind::Resource
        );
        assert_eq!(
            kind("---\ndoc_type: apiPageType\n---\n# widget resource type\n\n## Properties\n"),
            PageKind::Resource
        );
    }
}
