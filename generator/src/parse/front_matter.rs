//! YAML front matter between `---` lines at the top of a page.

use serde::Deserialize;

/// The front matter keys docgen reads; the rest are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct FrontMatter {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, rename = "ms.prod")]
    pub ms_prod: Option<String>,
    #[serde(default)]
    pub doc_type: Option<String>,
}

/// Result of splitting front matter off a page.
#[derive(Debug)]
pub struct Split<'a> {
    pub front_matter: FrontMatter,
    /// Byte offset where the Markdown body starts.
    pub body_offset: usize,
    pub body: &'a str,
    /// A YAML error, with the 1-based line in the page where it was found.
    pub error: Option<(usize, String)>,
}

/// Splits off and parses front matter. A page without it gets the default.
pub fn split(text: &str) -> Split<'_> {
    let no_front_matter = Split {
        front_matter: FrontMatter::default(),
        body_offset: 0,
        body: text,
        error: None,
    };
    // The opening line is `---`, trailing blanks allowed (`--- ` opens five v1.0
    // pages; the docs site reads them).
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let Some(rest) = text
        .get(..first_line_end)
        .filter(|line| line.trim_end() == "---" && line.ends_with('\n'))
        .and_then(|_| text.get(first_line_end..))
    else {
        return no_front_matter;
    };
    let opening = text.len() - rest.len();
    // The closing line is the first line that is exactly `---`.
    let mut offset = opening;
    let mut closing = None;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            closing = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_offset)) = closing else {
        return Split {
            error: Some((
                1,
                "front matter is opened with `---` but never closed".into(),
            )),
            ..no_front_matter
        };
    };
    let yaml = &text[opening..yaml_end];
    let (front_matter, error) = match serde_yaml_ng::from_str::<FrontMatter>(yaml) {
        Ok(front_matter) => (front_matter, None),
        Err(err) => {
            let line = err.location().map(|l| l.line() + 1).unwrap_or(1);
            (FrontMatter::default(), Some((line, err.to_string())))
        }
    };
    Split {
        front_matter,
        body_offset,
        body: &text[body_offset..],
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_opening_line_with_trailing_blanks_opens_front_matter() {
        let page = split("--- \nms.prod: outlook\n---\n# Title\n");
        assert_eq!(page.front_matter.ms_prod.as_deref(), Some("outlook"));
        assert_eq!(page.body, "# Title\n");
        // `----` is not an opening line.
        assert_eq!(split("----\nx: y\n---\n").body_offset, 0);
    }

    #[test]
    fn reads_known_keys() {
        let page = "---\ntitle: \"Get user\"\nms.prod: \"users\"\ndoc_type: apiPageType\n---\n# Get user\n";
        let split = split(page);
        assert_eq!(split.front_matter.title.as_deref(), Some("Get user"));
        assert_eq!(split.front_matter.ms_prod.as_deref(), Some("users"));
        assert_eq!(split.front_matter.doc_type.as_deref(), Some("apiPageType"));
        assert_eq!(split.body, "# Get user\n");
        assert!(split.error.is_none());
    }

    #[test]
    fn invalid_yaml_is_an_error_not_a_panic() {
        let split = split("---\ntitle: [unclosed\n---\nbody");
        assert!(split.error.is_some());
        assert_eq!(split.body, "body");
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let split = split("---\ntitle: x\n# no end");
        assert!(split.error.is_some());
    }

    #[test]
    fn page_without_front_matter() {
        let split = split("# Title\n");
        assert_eq!(split.body_offset, 0);
        assert!(split.error.is_none());
    }
}
