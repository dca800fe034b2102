//! Path templates of the HTTP request section: `/users/{id | userPrincipalName}/drive/root:/{path}:/content`.

use serde::Serialize;
use std::collections::HashSet;

/// One piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PathPart {
    /// Text sent as written (`/users/`, `/$ref`, `(name='`).
    Literal { text: String },
    /// A value the caller supplies.
    Param {
        /// The name as written inside the braces, for example `id | userPrincipalName`.
        raw: String,
        /// The parameter's name: the first alternative, for example `id`.
        name: String,
        /// Whether the value may hold `/` (the `root:/{path}:` form), so slashes stay.
        keeps_slashes: bool,
    },
}

/// A parsed path template.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PathTemplate {
    /// The path as documented, without query string.
    pub raw: String,
    /// The documented query string, without `?`, when the line has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    pub parts: Vec<PathPart>,
}

impl PathTemplate {
    /// Whether the last segment is a key (`/users/{id}`), which picks one item.
    pub fn ends_in_key(&self) -> bool {
        matches!(self.parts.last(), Some(PathPart::Param { .. }))
    }

    /// Parses a path (with optional `?query`). Unbalanced braces are kept as literal text.
    pub fn parse(path: &str) -> PathTemplate {
        let (raw, query) = match path.split_once('?') {
            Some((raw, query)) => (raw, Some(query.to_string())),
            None => (path, None),
        };
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = raw;
        // Parameters are written `{name}`, and on some pages `<name>`.
        while let Some(open) = rest.find(['{', '<']) {
            let closer = if rest[open..].starts_with('{') {
                '}'
            } else {
                '>'
            };
            let Some(close) = rest[open..].find(closer).map(|i| open + i) else {
                break;
            };
            literal.push_str(&rest[..open]);
            let inner = rest[open + 1..close].trim();
            let after = &rest[close + 1..];
            let keeps_slashes =
                literal.ends_with(":/") || literal.ends_with(':') && after.starts_with(':');
            let keeps_slashes = keeps_slashes || (literal.ends_with('/') && after.starts_with(':'));
            if !literal.is_empty() {
                parts.push(PathPart::Literal {
                    text: std::mem::take(&mut literal),
                });
            }
            let name = inner
                .split('|')
                .next()
                .unwrap_or(inner)
                .trim()
                .trim_matches(|c: char| c == '\'' || c == '"')
                .to_string();
            parts.push(PathPart::Param {
                raw: inner.to_string(),
                name,
                keeps_slashes,
            });
            rest = after;
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(PathPart::Literal { text: literal });
        }
        PathTemplate {
            raw: raw.to_string(),
            query,
            parts,
        }
    }

    /// Whether the template could be a URL path: its literal text holds no spaces
    /// and none of the symbols that mark prose (`*`, `<`, `>`, `"`, backticks).
    pub fn is_plausible(&self) -> bool {
        self.raw.starts_with('/')
            && self.parts.iter().all(|part| match part {
                PathPart::Literal { text } => !text.chars().any(|c| {
                    c.is_whitespace() || matches!(c, '*' | '<' | '>' | '"' | '`' | '{' | '}')
                }),
                PathPart::Param { .. } => true,
            })
    }

    pub fn params(&self) -> impl Iterator<Item = &PathPart> {
        self.parts
            .iter()
            .filter(|p| matches!(p, PathPart::Param { .. }))
    }

    /// The `/`-separated segments of the template's literal text, without parameters
    /// and without empty pieces: what names are derived from.
    pub fn literal_segments(&self) -> Vec<String> {
        let mut segments = Vec::new();
        for part in &self.parts {
            if let PathPart::Literal { text } = part {
                for piece in text.split(['/', ':']) {
                    let piece = piece.split('(').next().unwrap_or(piece).trim();
                    if piece.chars().any(char::is_alphanumeric) {
                        segments.push(piece.to_string());
                    }
                }
            }
        }
        segments
    }

    /// Matches a concrete path (already without base URL and query) against the
    /// template, case-insensitively, and returns each parameter's value.
    pub fn match_path(&self, path: &str) -> Option<Vec<String>> {
        let mut ranges = Vec::new();
        let mut search = Search {
            whole: path.len(),
            failed: HashSet::new(),
        };
        if search.parts(&self.parts, path, &mut ranges) {
            Some(
                ranges
                    .into_iter()
                    .map(|(start, end)| path[start..end].to_string())
                    .collect(),
            )
        } else {
            None
        }
    }
}

/// Backtracking match of template parts against a path. Parameters match at
/// least one character, and no `/` unless they keep slashes. `failed` remembers
/// which (parts left, path left) pairs cannot match, so a template with many
/// parameters takes polynomial time instead of exponential (found by fuzzing:
/// a 2 KB line took 35 s). Values are kept as byte ranges of the whole path
/// and copied once at the end: copying each candidate made one parameter
/// against a long segment quadratic.
struct Search {
    /// The length of the whole path: a rest of length `n` starts at `whole - n`.
    whole: usize,
    failed: HashSet<(usize, usize)>,
}

impl Search {
    fn parts(&mut self, parts: &[PathPart], path: &str, values: &mut Vec<(usize, usize)>) -> bool {
        let key = (parts.len(), path.len());
        if self.failed.contains(&key) {
            return false;
        }
        let matched = self.first(parts, path, values);
        if !matched {
            self.failed.insert(key);
        }
        matched
    }

    fn first(&mut self, parts: &[PathPart], path: &str, values: &mut Vec<(usize, usize)>) -> bool {
        let Some((first, rest)) = parts.split_first() else {
            return path.is_empty() || path == "/";
        };
        let start = self.whole - path.len();
        match first {
            PathPart::Literal { text } => {
                let Some(head) = path.get(..text.len()) else {
                    // The example may omit a trailing slash of the template.
                    return rest.is_empty()
                        && text.trim_end_matches('/').eq_ignore_ascii_case(path);
                };
                head.eq_ignore_ascii_case(text) && self.parts(rest, &path[text.len()..], values)
            }
            PathPart::Param { keeps_slashes, .. } => {
                // Adjacent parameters that stop at `/` (`{a}{b}{c}`) are matched as
                // one run: trying every split of a long segment between them was
                // cubic (16,000 characters: 46.8 s). The longest value first, as
                // for one parameter, gives the first all but one character each
                // to the others; that is what the split-by-split search found.
                let run = if *keeps_slashes {
                    1
                } else {
                    parts
                        .iter()
                        .take_while(|p| {
                            matches!(
                                p,
                                PathPart::Param {
                                    keeps_slashes: false,
                                    ..
                                }
                            )
                        })
                        .count()
                };
                let after = &parts[run..];
                let limit = if *keeps_slashes {
                    path.len()
                } else {
                    path.find('/').unwrap_or(path.len())
                };
                // Char ends up to the limit, longest first; a run of `run`
                // parameters needs at least `run` characters.
                let ends: Vec<usize> = path[..limit]
                    .char_indices()
                    .map(|(i, c)| i + c.len_utf8())
                    .collect();
                for count in (0..ends.len()).rev() {
                    if count + 1 < run {
                        break;
                    }
                    // The run's parameters end at these `run` character ends:
                    // the first `run - 1` characters before the run does, the
                    // others one character after another.
                    let run_ends = &ends[count + 1 - run..=count];
                    let pushed = values.len();
                    let mut from = 0;
                    for &to in run_ends {
                        values.push((start + from, start + to));
                        from = to;
                    }
                    if self.parts(after, &path[ends[count]..], values) {
                        return true;
                    }
                    values.truncate(pushed);
                }
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_params_alternatives_and_query() {
        let t = PathTemplate::parse("/users/{id | userPrincipalName}/messages?$select=subject");
        assert_eq!(t.raw, "/users/{id | userPrincipalName}/messages");
        assert_eq!(t.query.as_deref(), Some("$select=subject"));
        assert_eq!(
            t.parts[1],
            PathPart::Param {
                raw: "id | userPrincipalName".into(),
                name: "id".into(),
                keeps_slashes: false
            }
        );
        assert_eq!(t.literal_segments(), vec!["users", "messages"]);
    }

    #[test]
    fn many_parameters_match_in_polynomial_time() {
        let template = PathTemplate::parse(&format!("/{}/end", "{p}".repeat(30)));
        let started = std::time::Instant::now();
        assert_eq!(
            template.match_path(&format!("/{}/nope", "x".repeat(60))),
            None
        );
        let values = template.match_path(&format!("/{}/end", "x".repeat(60)));
        assert_eq!(values.map(|v| v.len()), Some(30));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn drive_path_keeps_slashes() {
        let t = PathTemplate::parse("/me/drive/root:/{item-path}:/content");
        assert!(
            matches!(&t.parts[1], PathPart::Param { keeps_slashes: true, name, .. } if name == "item-path")
        );
        assert_eq!(
            t.match_path("/me/drive/root:/folder/file.txt:/content"),
            Some(vec!["folder/file.txt".to_string()])
        );
    }

    #[test]
    fn function_call_parameters() {
        let t = PathTemplate::parse("/reports/getEmailActivityCounts(period='{period_value}')");
        assert_eq!(t.params().count(), 1);
        assert_eq!(
            t.literal_segments(),
            vec!["reports", "getEmailActivityCounts"]
        );
        assert_eq!(
            t.match_path("/reports/getEmailActivityCounts(period='D7')"),
            Some(vec!["D7".to_string()])
        );
    }

    #[test]
    fn matching_is_case_insensitive_and_segment_bound() {
        let t = PathTemplate::parse("/deviceManagement/deviceManagementScripts/{id}/assign");
        assert_eq!(
            t.match_path("/devicemanagement/deviceManagementScripts/abc/assign"),
            Some(vec!["abc".to_string()])
        );
        assert_eq!(
            t.match_path("/deviceManagement/deviceManagementScripts/a/b/assign"),
            None
        );
        assert_eq!(
            t.match_path("/deviceManagement/deviceManagementScripts/abc"),
            None
        );
    }

    #[test]
    fn angle_bracket_placeholders_are_parameters() {
        let t = PathTemplate::parse(
            "/privilegedAccess/azureResources/resources/<resourceId>/roleSettings",
        );
        assert_eq!(t.params().count(), 1);
        assert_eq!(
            t.match_path("/privilegedAccess/azureResources/resources/abc/roleSettings"),
            Some(vec!["abc".into()])
        );
    }

    /// Whether the template could be a URL path: no spaces or stray symbols outside parameters.
    #[test]
    fn plausible_paths() {
        assert!(PathTemplate::parse("/users/{id | userPrincipalName}/messages").is_plausible());
        assert!(PathTemplate::parse("/reports/getX(period='{period_value}')").is_plausible());
        assert!(!PathTemplate::parse("/** Entity URI for x not found").is_plausible());
        assert!(!PathTemplate::parse("/users/ids go here").is_plausible());
    }

    #[test]
    fn unbalanced_brace_is_literal() {
        let t = PathTemplate::parse("/users/{id");
        assert_eq!(t.params().count(), 0);
        assert_eq!(t.match_path("/users/{id"), Some(vec![]));
    }
}
