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
    /// Where current pages put their area instead of `ms.prod`.
    #[serde(default, rename = "ms.subservice")]
    pub ms_subservice: Option<String>,
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
    let (front_matter, error) = match read_yaml(yaml) {
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

/// Reads front matter YAML: a flat list of simple `key: value` lines (nearly
/// every page) by [`read_simple`], anything else by serde_yaml_ng, which costs
/// more than pulldown-cmark's whole pass over the page.
///
/// YAML nested deeper than [`MAX_NESTING`] is refused before the parser sees
/// it: its cost grows faster than the input (100,000 levels took 28.7 s), and
/// no page needs more than a few levels.
pub fn read_yaml(yaml: &str) -> Result<FrontMatter, serde_yaml_ng::Error> {
    match read_simple(yaml) {
        Some(front_matter) => Ok(front_matter),
        None if nesting(yaml) > MAX_NESTING => {
            Err(<serde_yaml_ng::Error as serde::de::Error>::custom(format!(
                "front matter nests deeper than {MAX_NESTING} levels; it is not read"
            )))
        }
        None => serde_yaml_ng::from_str(yaml),
    }
}

/// The deepest front matter docgen hands to the YAML parser.
pub const MAX_NESTING: usize = 64;

/// An upper bound of how deep `yaml` nests, in one pass: on each line, its
/// indentation plus the `- ` and `? ` entries that open it, plus the flow
/// brackets (`[`, `{`) open at that point. Quoted text is skipped roughly (a
/// quote toggles); overcounting only refuses input no page has.
fn nesting(yaml: &str) -> usize {
    let (mut deepest, mut flow) = (0usize, 0usize);
    let (mut single, mut double) = (false, false);
    for line in yaml.split('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let mut rest = &line[indent..];
        let mut entries = 0;
        while let Some(after) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("? ")) {
            entries += 1;
            rest = after.trim_start_matches(' ');
        }
        for c in rest.chars() {
            match c {
                '\'' if !double => single = !single,
                '"' if !single => double = !double,
                '[' | '{' if !single && !double => flow += 1,
                ']' | '}' if !single && !double => flow = flow.saturating_sub(1),
                _ => {}
            }
            deepest = deepest.max(indent + entries + flow);
        }
        deepest = deepest.max(indent + entries + flow);
    }
    deepest
}

/// Front matter read without a YAML parser, or `None` when `yaml` is not a
/// flat mapping of simple scalars that reads the same in any YAML parser:
/// every line empty or `key: value` at column 0, with no key twice, and every
/// value empty, a plain scalar that starts with a letter or digit and holds no
/// `: ` or ` #`, or a quoted string with no escapes. A value of a key docgen
/// reads must also read as a string, not as a number, boolean or null. On
/// `None` the caller parses with serde_yaml_ng; the two agree on every page of
/// the corpus and on generated inputs (tests below and in `tests/`).
pub fn read_simple(yaml: &str) -> Option<FrontMatter> {
    let mut front_matter = FrontMatter::default();
    let mut seen: Vec<&str> = Vec::new();
    for line in yaml.split('\n') {
        if line.trim().is_empty() && !line.contains('\r') {
            continue;
        }
        let (key, rest) = line.split_once(':')?;
        let simple_key = key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !simple_key || seen.contains(&key) {
            return None;
        }
        seen.push(key);
        let value = match rest {
            "" => None,
            _ => simple_value(rest.strip_prefix(' ')?)?,
        };
        let field = match key {
            "title" => &mut front_matter.title,
            "description" => &mut front_matter.description,
            "ms.prod" => &mut front_matter.ms_prod,
            "ms.subservice" => &mut front_matter.ms_subservice,
            "doc_type" => &mut front_matter.doc_type,
            _ => continue,
        };
        *field = match value {
            None => None,
            Some(Scalar::Quoted(text)) => Some(text.to_string()),
            Some(Scalar::Plain(text)) if reads_as_string(text) => Some(text.to_string()),
            Some(Scalar::Plain(_)) => return None,
        };
    }
    Some(front_matter)
}

enum Scalar<'a> {
    Quoted(&'a str),
    Plain(&'a str),
}

/// The scalar after `key: `: `Some(None)` for an empty value (null), `None`
/// when it is not simple.
fn simple_value(raw: &str) -> Option<Option<Scalar<'_>>> {
    if raw.chars().any(|c| c.is_control() && c != '\t') {
        return None;
    }
    let value = raw.trim_end_matches([' ', '\t']);
    if value.is_empty() {
        return Some(None);
    }
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote) {
            let inner = inner.strip_suffix(quote)?;
            let plain_inside = !inner.contains(quote) && !inner.contains('\\');
            return plain_inside.then_some(Some(Scalar::Quoted(inner)));
        }
    }
    let plain = value.starts_with(|c: char| c.is_alphanumeric())
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.contains("\t#")
        && !value.ends_with(':');
    plain.then_some(Some(Scalar::Plain(value)))
}

/// Whether a plain scalar is a string in YAML 1.1 and 1.2 alike: not a number
/// (it starts with a letter) and not a boolean or null word.
fn reads_as_string(plain: &str) -> bool {
    const WORDS: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf",
    ];
    plain.starts_with(|c: char| c.is_alphabetic())
        && !WORDS.contains(&plain.to_ascii_lowercase().as_str())
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
    fn simple_lines_are_read_without_a_yaml_parser_and_as_it_reads_them() {
        let yaml = "title: \"Get user: by id\"\ndescription: Retrieve a user.  \nauthor: 'someone'\nms.prod: microsoft-identity-platform\ndoc_type: apiPageType\nms.date: 09/15/2020\n\ntitle2:\n";
        let simple = read_simple(yaml).expect("simple");
        assert_eq!(simple.title.as_deref(), Some("Get user: by id"));
        assert_eq!(simple.description.as_deref(), Some("Retrieve a user."));
        assert_eq!(
            Ok(simple),
            serde_yaml_ng::from_str::<FrontMatter>(yaml).map_err(|e| e.to_string())
        );
    }

    #[test]
    fn anything_else_is_left_to_the_yaml_parser() {
        for yaml in [
            "title: [unclosed\n",
            "title: a: b\n",
            "title: x # comment\n",
            "title: \"esc\\\"aped\"\n",
            "title: 'it''s'\n",
            "title: true\n",
            "title: 12\n",
            "title: Null\n",
            "title: x\ntitle: y\n",
            "  title: indented\n",
            "title: >\n  folded\n",
            "- a list\n",
            "# a comment\n",
            "title:x\n",
            "title: x\r\n",
            "title: \"unclosed\n",
            "title: -dash\n",
            "title: &anchor x\n",
        ] {
            assert_eq!(read_simple(yaml), None, "{yaml:?}");
        }
    }

    #[test]
    fn page_without_front_matter() {
        let split = split("# Title\n");
        assert_eq!(split.body_offset, 0);
        assert!(split.error.is_none());
    }
}
