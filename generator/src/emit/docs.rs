//! Doc comments from page text: Markdown kept, but made safe for rustdoc.
//!
//! Page descriptions hold relative links to other pages, HTML such as `<br>`,
//! bare URLs and brackets that rustdoc would take for intra-doc links; each of
//! those would be a `cargo doc` warning or a broken link in the generated crate.
//!
//! Page text never becomes code that rustdoc compiles or runs: every code block
//! it holds (fenced with backticks or tildes, with any info string, or indented;
//! at the top level, in a list item or in a block quote) is either re-fenced as
//! ```` ```text ```` or has its fence characters and indentation escaped, see
//! [`inert_code_blocks`]. `cargo test` of a generated crate must never run what
//! a page author (or anyone who can edit a page) wrote.

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
    let text = out
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    inert_code_blocks(text.trim())
}

/// Rewrites `text` so that rustdoc finds no code block in it to compile or run.
///
/// Code blocks at the top level (fenced with any info string, or indented
/// after a blank line) are re-fenced as ```` ```text ````, their lines kept;
/// any other line loses the indentation that could open an indented block, its
/// list and quote markers are followed by one space, and a fence after them is
/// escaped (`\~\~\~`). The result is checked with the Markdown parser rustdoc
/// uses; should a block other than docgen's `text` ones still be found, the
/// whole text goes into one `text` block. Inline code spans are left alone.
/// Applying it twice changes nothing more.
pub fn inert_code_blocks(text: &str) -> String {
    let rewritten = rewrite_code_blocks(text);
    if only_text_blocks(&rewritten) {
        rewritten
    } else {
        let mut out = Vec::new();
        let lines: Vec<&str> = text.split('\n').collect();
        push_text_block(&mut out, &lines);
        out.join("\n")
    }
}

/// Whether every code block rustdoc would see in `text` is a fenced `text` block.
pub fn only_text_blocks(text: &str) -> bool {
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};
    // What rustdoc enables (its `main_body_opts`).
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION;
    Parser::new_ext(text, options).all(|event| match event {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => info.as_ref() == "text",
        Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => false,
        _ => true,
    })
}

fn rewrite_code_blocks(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    // Whether the line before is blank or ends a block (not a paragraph): an
    // indented line there would open an indented code block.
    let mut block_may_start = true;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            out.push(String::new());
            block_may_start = true;
            i += 1;
            continue;
        }
        let (columns, indent_bytes) = indentation(line);
        if columns >= 4 {
            if !block_may_start {
                // A paragraph's continuation: its indentation means nothing.
                out.push(prose_line(line.trim_start()));
                i += 1;
                continue;
            }
            // An indented code block: this line and the indented (or blank)
            // lines after it, less four columns of indentation.
            let mut body: Vec<&str> = Vec::new();
            while i < lines.len() {
                let next = lines[i];
                if next.trim().is_empty() {
                    body.push("");
                } else if indentation(next).0 >= 4 {
                    body.push(strip_columns(next, 4));
                } else {
                    break;
                }
                i += 1;
            }
            let mut blanks = 0;
            while body.last() == Some(&"") {
                body.pop();
                blanks += 1;
            }
            push_text_block(&mut out, &body);
            out.extend(std::iter::repeat_n(String::new(), blanks));
            block_may_start = true;
            continue;
        }
        if let Some((fence, length)) = fence_opener(&line[indent_bytes..]) {
            // A fenced block: its lines up to the closing fence (or the end),
            // less the opening fence's indentation.
            let mut body: Vec<&str> = Vec::new();
            i += 1;
            while i < lines.len() {
                let next = lines[i];
                i += 1;
                if is_fence_closer(next, fence, length) {
                    break;
                }
                body.push(strip_columns(next, columns));
            }
            push_text_block(&mut out, &body);
            block_may_start = true;
            continue;
        }
        out.push(prose_line(line));
        block_may_start = false;
        i += 1;
    }
    out.join("\n")
}

/// Appends `body` as a ```` ```text ```` block whose fence no line of it closes.
fn push_text_block(out: &mut Vec<String>, body: &[&str]) {
    let longest = body
        .iter()
        .flat_map(|line| line.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    out.push(format!("{fence}text"));
    out.extend(body.iter().map(|line| line.trim_end().to_string()));
    out.push(fence);
}

/// Columns of leading whitespace (a tab goes to the next multiple of four) and
/// its length in bytes.
fn indentation(line: &str) -> (usize, usize) {
    let mut columns = 0;
    for (at, c) in line.char_indices() {
        match c {
            ' ' => columns += 1,
            '\t' => columns += 4 - columns % 4,
            _ => return (columns, at),
        }
    }
    (columns, line.len())
}

/// `line` without up to `columns` columns of leading whitespace.
fn strip_columns(line: &str, columns: usize) -> &str {
    let mut seen = 0;
    for (at, c) in line.char_indices() {
        if seen >= columns {
            return &line[at..];
        }
        match c {
            ' ' => seen += 1,
            '\t' => seen += 4 - seen % 4,
            _ => return &line[at..],
        }
    }
    ""
}

/// The fence character and length when `rest` (a line less its indentation)
/// opens a fenced code block: three or more backticks (with no backtick after
/// them) or tildes.
fn fence_opener(rest: &str) -> Option<(char, usize)> {
    let fence = rest.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let length = rest.chars().take_while(|&c| c == fence).count();
    if length < 3 {
        return None;
    }
    if fence == '`' && rest[length..].contains('`') {
        return None;
    }
    Some((fence, length))
}

/// Whether `line` closes a block opened by `length` `fence` characters.
fn is_fence_closer(line: &str, fence: char, length: usize) -> bool {
    let (columns, at) = indentation(line);
    let rest = &line[at..];
    let run = rest.chars().take_while(|&c| c == fence).count();
    columns < 4 && run >= length && rest[run * fence.len_utf8()..].trim().is_empty()
}

/// A line outside code blocks: list, quote and footnote markers keep one space after
/// them (more would open an indented code block inside), and a fence after
/// them has its characters escaped, and so has a `<` that could open an HTML block.
fn prose_line(line: &str) -> String {
    let (_, at) = indentation(line);
    let mut out = line[..at].to_string();
    let mut rest = &line[at..];
    loop {
        let marker = if rest.starts_with('>') {
            1
        } else {
            list_marker(rest).max(footnote_marker(rest))
        };
        if marker == 0 {
            break;
        }
        out.push_str(&rest[..marker]);
        out.push(' ');
        rest = rest[marker..].trim_start();
    }
    if let Some((fence, length)) = fence_opener(rest) {
        for _ in 0..length {
            out.push('\\');
            out.push(fence);
        }
        rest = &rest[length..];
    } else if rest.starts_with('<') {
        // An HTML block (`<pre>`, `<div>`…) would swallow the lines after it,
        // docgen's `text` fences included.
        out.push('\\');
    }
    out.push_str(rest);
    out.trim_end().to_string()
}

/// The length of a footnote definition's label (`[^note]:`) that opens
/// `rest`; 0 when there is none. (Footnote definitions hold blocks too.)
fn footnote_marker(rest: &str) -> usize {
    let Some(label) = rest.strip_prefix("[^") else {
        return 0;
    };
    match label.find("]:") {
        Some(end) if end > 0 && !label[..end].contains(['[', ']']) => end + 4,
        _ => 0,
    }
}

/// The length of a list marker (`-`, `+`, `*`, `1.`, `1)`) that opens `rest`,
/// followed by whitespace or the end of the line; 0 when there is none.
fn list_marker(rest: &str) -> usize {
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let length = match rest.as_bytes().get(digits) {
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        Some(b'-' | b'+' | b'*') if digits == 0 => 1,
        _ => return 0,
    };
    match rest.as_bytes().get(length) {
        None | Some(b' ' | b'\t') => length,
        _ => 0,
    }
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
/// carriage return, for one, is not allowed in a doc comment. Code blocks are
/// made inert here too ([`inert_code_blocks`]), for the doc text that docgen
/// builds around page text (titles, names, file names) without [`clean`].
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines: Vec<String> = if text.trim().is_empty() {
        Vec::new()
    } else {
        inert_code_blocks(text)
            .lines()
            .map(|l| format!(" {}", doc_safe(l)).trim_end().to_string())
            .collect()
    };
    quote! { #( #[doc = #lines] )* }
}

/// One line of doc text without the control characters rustc refuses in doc
/// comments (all but tabs become spaces).
pub fn doc_safe(line: &str) -> String {
    line.chars()
        // rustc denies text-direction codepoints in doc comments
        // (`text_direction_codepoint_in_literal`); pages carry them invisibly
        // (`printdocument-uploaddata.md`: `{contentLength}` + U+202C).
        .filter(|c| !is_text_direction_codepoint(*c))
        .map(|c| if c.is_control() && c != '\t' { ' ' } else { c })
        .collect()
}

/// The codepoints rustc's `text_direction_codepoint_in_literal` lint refuses.
pub fn is_text_direction_codepoint(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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

    #[test]
    fn text_direction_codepoints_never_reach_a_doc_comment() {
        let text = "{contentLength}\u{202c} a\u{2066}b\u{202e}";
        assert_eq!(doc_safe(text), "{contentLength} ab");
    }

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

    /// Every code block in `text` is a fenced `text` block (rustdoc neither
    /// compiles nor runs those), by the parser rustdoc uses.
    #[track_caller]
    fn assert_inert(input: &str, output: &str) {
        assert!(
            only_text_blocks(output),
            "a code block survives in:\n{output}\n(from {input:?})"
        );
        assert_eq!(inert_code_blocks(output), output, "not idempotent");
    }

    #[test]
    fn code_blocks_in_page_text_become_text_blocks() {
        for (input, expected) in [
            (
                "The name.<br><br>~~~<br>std::fs::write(\"/tmp/m\", \"ran\").unwrap();<br>~~~",
                "The name.\n\n```text\nstd::fs::write(\"/tmp/m\", \"ran\").unwrap();\n```",
            ),
            ("x<br><br>~~~rust<br>a();<br>~~~", "x\n\n```text\na();\n```"),
            ("x<br><br>~~~~ no_run<br>a();", "x\n\n```text\na();\n```"),
            (
                "Use it like this:<br><br>    GET /users?$top=5",
                "Use it like this:\n\n```text\nGET /users?$top=5\n```",
            ),
            (
                "A thing.\n\n```rust\nlet x = `a`;\n```\nAfter.",
                "A thing.\n\n```text\nlet x = `a`;\n```\nAfter.",
            ),
            (
                "x\n\n```\nhas ``` inside\n```",
                "x\n\n````text\nhas ``` inside\n````",
            ),
            ("A list:<br><br>-     a();", "A list:\n\n- a();"),
            ("A list:<br><br>12.     a();", "A list:\n\n12. a();"),
            // In a list item: escaped; the closing fence is then an empty block.
            (
                "- ~~~<br>  a();<br>  ~~~",
                "- \\~\\~\\~\n  a();\n```text\n```",
            ),
            (
                "Pre:<br><br><pre><br>    a();<br></pre>",
                "Pre:\n\n\n```text\na();\n```",
            ),
            ("Line one<br>    continued", "Line one\ncontinued"),
            (
                "Inline `    a();` and ```b```",
                "Inline `    a();` and ```b```",
            ),
        ] {
            let output = clean(input);
            assert_eq!(output, expected, "{input:?}");
            assert_inert(input, &output);
        }
    }

    #[test]
    fn containers_and_names_are_inert_too() {
        // Text that never went through `clean` (names, titles): `doc_attrs`
        // applies the same rewrite.
        for input in [
            "> ~~~\n> a();\n> ~~~",
            ">\n>     a();",
            "> - >     a();",
            "* > ```rust\n  a();",
            "# Heading\n    a();",
            "---\n    a();",
            "x\n\n\ta();",
            "1) ~~~\n   a();\n   ~~~",
            "[^1]:     a();",
            "[^1]: x\n\n        a();",
            "- a\n\n      a();",
            "Title\n===\n    a();",
            "<pre>\n    a();\n</pre>",
        ] {
            assert_inert(input, &inert_code_blocks(input));
            let attrs = doc_attrs(input).to_string();
            assert!(!attrs.contains("~~~\""), "{attrs}");
        }
    }

    /// Random mixes of everything that opens a code block: no output of
    /// `clean` has a code block rustdoc would compile.
    #[test]
    fn no_output_of_clean_opens_a_code_block() {
        const PIECES: [&str; 30] = [
            "<br>", "\n", "\n\n", "    ", "\t", "  ", "~~~", "```", "````", "rust", "no_run", "> ",
            "- ", "* ", "1. ", "2) ", "<pre>", "</pre>", "`", "a();", "text", "[^1]: ", "#", "---",
            "<div>", "<!--", "-->", "\n>", "\n- ", "\\",
        ];
        // A fixed xorshift sequence: the same cases every run.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..30_000 {
            let mut input = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 14) as usize;
            let mut pick = seed;
            for _ in 0..len {
                pick = pick.rotate_left(5).wrapping_mul(0x2545_f491_4f6c_dd1d);
                input.push_str(PIECES[(pick >> 40) as usize % PIECES.len()]);
            }
            let output = clean(&input);
            assert_inert(&input, &output);
            assert_inert(&input, &inert_code_blocks(&input));
            // The readable rewrite alone suffices; the whole-text fallback is
            // for what these pieces do not cover.
            let rewritten = rewrite_code_blocks(&input);
            assert!(
                only_text_blocks(&rewritten),
                "{input:?}:\n{rewritten}\n{:?}",
                pulldown_cmark::Parser::new(&rewritten).collect::<Vec<_>>()
            );
        }
    }
}
