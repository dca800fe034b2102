//! API areas: the part of the API each page belongs to. The generated crate has
//! one cargo feature per area, so a user compiles only the areas they use.
//!
//! A page's area is its front matter's `ms.prod` (`outlook`, `intune`), or
//! where it has none its `ms.subservice` (current pages), in lowercase kebab-case. A page without one takes the area of the page its file
//! is named after (`api/devicemanagementscript-assign.md` →
//! `devicemanagementscript.md`), since API pages are named `<resource>-<action>`;
//! otherwise it is in the area [`FALLBACK_AREA`].

use crate::parse::Page;
use heck::ToKebabCase;
use std::collections::BTreeMap;

/// The area of pages that say nothing about theirs.
pub const FALLBACK_AREA: &str = "other";

/// Names the generated crate's `Cargo.toml` uses for other features and for
/// dependencies (a feature `tokio` next to the optional dependency `tokio` would
/// read as the client's); an area with one of these names gets `-area` appended.
const RESERVED: &[&str] = &[
    "default",
    "full",
    "client",
    "futures-util",
    "http",
    "percent-encoding",
    "reqwest",
    "serde",
    "serde-json",
    "tokio",
];

/// The feature name for an `ms.prod` value: lowercase kebab-case made of ASCII
/// letters and digits (`Microsoft Teams` → `microsoft-teams`); `None` when the
/// value holds no letter or digit.
pub fn area_name(prod: &str) -> Option<String> {
    let words: String = prod
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                ' '
            }
        })
        .collect();
    let name = words.trim().to_kebab_case();
    if name.is_empty() {
        return None;
    }
    if RESERVED.contains(&name.as_str()) {
        return Some(format!("{name}-area"));
    }
    Some(name)
}

/// Page file → area, for every page (`pages` in any order).
pub fn page_areas(pages: &[Page]) -> BTreeMap<String, String> {
    let own: BTreeMap<&str, Option<String>> = pages
        .iter()
        .map(|page| {
            let area = [&page.front_matter.ms_prod, &page.front_matter.ms_subservice]
                .into_iter()
                .find_map(|value| value.as_deref().and_then(area_name));
            (page.file.as_str(), area)
        })
        .collect();
    // File stem → the area of the first page (by path) with that stem and an area.
    let mut by_stem: BTreeMap<&str, &str> = BTreeMap::new();
    for (file, area) in &own {
        if let Some(area) = area {
            by_stem.entry(stem(file)).or_insert(area);
        }
    }
    own.iter()
        .map(|(file, area)| {
            let area = area.clone().unwrap_or_else(|| {
                let resource = stem(file).split('-').next().unwrap_or_default();
                by_stem
                    .get(resource)
                    .map_or_else(|| FALLBACK_AREA.to_string(), |a| a.to_string())
            });
            (file.to_string(), area)
        })
        .collect()
}

/// `api/devicemanagementscript-assign.md` → `devicemanagementscript-assign`.
fn stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.strip_suffix(".md").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::front_matter::FrontMatter;

    fn page(file: &str, prod: Option<&str>) -> Page {
        Page {
            file: file.to_string(),
            front_matter: FrontMatter {
                ms_prod: prod.map(str::to_string),
                ..FrontMatter::default()
            },
            blocks: Vec::new(),
            links: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    #[test]
    fn names_are_lowercase_kebab_case_feature_names() {
        assert_eq!(area_name("outlook").as_deref(), Some("outlook"));
        assert_eq!(area_name("Outlook").as_deref(), Some("outlook"));
        assert_eq!(area_name("SharePoint").as_deref(), Some("sharepoint"));
        assert_eq!(area_name("people ").as_deref(), Some("people"));
        assert_eq!(
            area_name("identity-and-sign-in").as_deref(),
            Some("identity-and-sign-in")
        );
        assert_eq!(
            area_name("Microsoft Teams").as_deref(),
            Some("microsoft-teams")
        );
        assert_eq!(area_name("w10").as_deref(), Some("w10"));
        assert_eq!(area_name("client").as_deref(), Some("client-area"));
        assert_eq!(area_name("FULL").as_deref(), Some("full-area"));
        assert_eq!(area_name("http").as_deref(), Some("http-area"));
        assert_eq!(area_name(""), None);
        assert_eq!(area_name(" -- "), None);
        assert_eq!(area_name("größe").as_deref(), Some("gr-e"));
    }

    #[test]
    fn current_pages_give_their_area_in_ms_subservice() {
        let mut current = page("api/user-list.md", None);
        current.front_matter.ms_subservice = Some("entra-users".to_string());
        let mut both = page("api/message-get.md", Some("outlook"));
        both.front_matter.ms_subservice = Some("outlook-mail".to_string());
        let areas = page_areas(&[current, both]);
        assert_eq!(areas["api/user-list.md"], "entra-users");
        assert_eq!(
            areas["api/message-get.md"], "outlook",
            "ms.prod comes first"
        );
    }

    #[test]
    fn pages_without_ms_prod_take_their_resource_pages_area() {
        let pages = [
            page("api/widget-get.md", Some("gadgets")),
            page("api/widget-delete.md", Some("")),
            page("api/sprocket-list.md", None),
            page("resources/widget.md", Some("Gadgets")),
            page("resources/orphan.md", None),
        ];
        let areas = page_areas(&pages);
        assert_eq!(areas["api/widget-get.md"], "gadgets");
        assert_eq!(areas["api/widget-delete.md"], "gadgets");
        assert_eq!(areas["api/sprocket-list.md"], FALLBACK_AREA);
        assert_eq!(areas["resources/widget.md"], "gadgets");
        assert_eq!(areas["resources/orphan.md"], FALLBACK_AREA);
        assert_eq!(areas.len(), pages.len());
    }
}
