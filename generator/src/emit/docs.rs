//! Doc comments from page text: Markdown kept, but made safe for rustdoc.
//!
//! Page descriptions hold relative links to other pages, HTML such as `<br>`,
//! bare URLs and brackets that rustdoc would take for intra-doc links; each of
//! those would be a `cargo doc` warning or a broken link in the generated crate.

use proc_macro2::TokenStream;
use quote::quote;
use regex::Regex;
use std::sync::OnceLock;

fn regexes() -> Option<&'static (Regex, Regex, Regex, Regex)> {
    static REGEXES: OnceLock<Option<(Regex, Regex, Regex, Regex)>> = OnceLock::new();
    REGEXES
        .get_or_init(|| {
            Some((
                // [text](dest) and [text][] / [text][ref]
                Regex::new(r"\[([^\]\[]*)\]\(([^)\s]*)\)|\[([^\]\[]*)\]\[[^\]]*\]").ok()?,
                // <br>, <br/>, </br>
                Regex::new(r"(?i)</?br\s*/?>").ok()?,
                // any other HTML-looking tag
                Regex::new(r"</?[A-Za-z][^<>]*>").ok()?,
                // bare URLs
                Regex::new(r#"(^|\]\(|[^\w<])(https?://[^\s)<>`"]+)"#).ok()?,
            ))
        })
        .as_ref()
}

/// Turns page Markdown into doc comment lines safe for rustdoc.
pub fn clean(markdown: &str) -> String {
    let text: String = markdown
        .chars()
        .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
        .collect();
    // Code spans are kept as written; only the text between them is rewritten.
    let mut out = String::with_capacity(text.len());
    for (index, piece) in text.split('`').enumerate() {
        if index > 0 {
            out.push('`');
        }
        if index % 2 == 1 {
            out.push_str(piece);
        } else {
            out.push_str(&clean_prose(piece));
        }
    }
    if text.matches('`').count() % 2 == 1 {
        // An unbalanced backtick would swallow what follows in rustdoc; close it.
        out.push('`');
    }
    out.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Rewrites text outside code spans: links, HTML, brackets, bare URLs.
fn clean_prose(text: &str) -> String {
    let Some((links, br, tags, urls)) = regexes() else {
        return text.to_string();
    };
    let text = br.replace_all(text, "\n");
    // Links: keep absolute ones, reduce relative ones (pages, anchors) to their text.
    let text = links.replace_all(&text, |caps: &regex::Captures<'_>| {
        let label = caps
            .get(1)
            .or_else(|| caps.get(3))
            .map(|m| m.as_str())
            .unwrap_or("");
        match caps.get(2).map(|m| m.as_str()) {
            Some(dest) if dest.starts_with("http://") || dest.starts_with("https://") => {
                format!("[{}]({dest})", escape_brackets(label))
            }
            _ => escape_brackets(label),
        }
    });
    let text = tags.replace_all(&text, "");
    let text = escape_stray_brackets(&text);
    urls.replace_all(&text, |caps: &regex::Captures<'_>| {
        let before = caps.get(1).map(|m| m.as_str()).unwrap_or("");
        let url = caps.get(2).map(|m| m.as_str()).unwrap_or("");
        if before == "](" {
            // Already a Markdown link's destination.
            format!("{before}{url}")
        } else {
            format!("{before}<{url}>")
        }
    })
    .into_owned()
}

fn escape_brackets(text: &str) -> String {
    text.replace('[', "\\[").replace(']', "\\]")
}

/// Escapes `[` and `]` that are not part of a kept `[text](https://…)` link, and
/// `<`/`>` left over from text, outside code spans.
fn escape_stray_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '\\' if !in_code && i + 1 < chars.len() => {
                out.push(c);
                out.push(chars[i + 1]);
                i += 1;
            }
            '[' if !in_code => {
                // Keep `[label](http…)`: find the closing `](http`.
                let rest: String = chars[i..].iter().collect();
                let keeps = rest
                    .find("](http")
                    .is_some_and(|close| !rest[1..close].contains(['[', ']']));
                if keeps {
                    out.push(c);
                } else {
                    out.push_str("\\[");
                }
            }
            ']' if !in_code => {
                let keeps = chars.get(i + 1) == Some(&'(')
                    && chars[i + 1..]
                        .iter()
                        .collect::<String>()
                        .starts_with("(http");
                if keeps {
                    out.push(c);
                } else {
                    out.push_str("\\]");
                }
            }
            '<' | '>' if !in_code => out.push_str(if c == '<' { "&lt;" } else { "&gt;" }),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// `#[doc = "..."]` attributes for each line of `text` (nothing for empty text).
/// Control characters other than line feeds and tabs become spaces: a bare
/// carriage return, for one, is not allowed in a doc comment.
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines: Vec<String> = if text.trim().is_empty() {
        Vec::new()
    } else {
        text.lines()
            .map(|l| format!(" {}", doc_safe(l)).trim_end().to_string())
            .collect()
    };
    quote! { #( #[doc = #lines] )* }
}

/// One line of doc text without the control characters rustc refuses in doc
/// comments (all but tabs become spaces).
pub fn doc_safe(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect()
}

/// Joins paragraphs of doc text with blank lines, skipping empty ones.
pub fn paragraphs(parts: &[String]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_become_text_absolute_links_stay() {
        assert_eq!(
            clean("Inherited from [entity](../resources/entity.md). See [docs](https://learn.microsoft.com/x)."),
            "Inherited from entity. See [docs](https://learn.microsoft.com/x)."
        );
        assert_eq!(clean("A [user][] object"), "A user object");
    }

    #[test]
    fn html_and_brackets_are_neutralised() {
        assert_eq!(clean("One.<br><br>Two."), "One.\n\nTwo.");
        assert_eq!(
            clean("Value [a] or <b>bold</b> or a < b"),
            "Value \\[a\\] or bold or a &lt; b"
        );
        assert_eq!(
            clean("See https://aka.ms/x now"),
            "See <https://aka.ms/x> now"
        );
        assert_eq!(clean("Code `<T>` stays"), "Code `<T>` stays");
        assert_eq!(clean("odd ` tick"), "odd ` tick`");
        assert_eq!(
            clean("ends */ and \"# and \u{7}bell"),
            "ends */ and \"# and  bell"
        );
    }
}
