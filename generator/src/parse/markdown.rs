//! Markdown → [`Page`]: the page's blocks in order, each with its line.
//!
//! Built on pulldown-cmark events. Annotation comments are attached to the code
//! block they describe; structural problems (unclosed comments and fences, short
//! table rows, bad annotations) become diagnostics and parsing goes on.

use super::annotation::{self, Annotation};
use super::front_matter::{self, FrontMatter};
use super::line_index::LineIndex;
use crate::diagnostics::{Code, Diagnostic, Location};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// One parsed page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Path relative to the docs root, with `/` separators.
    pub file: String,
    pub front_matter: FrontMatter,
    pub blocks: Vec<Block>,
    /// Every link of the page in document order, wherever it stands
    /// (paragraphs, list items, table cells, headings), each with its place in
    /// the page's text: checks that point into links read them here rather
    /// than parsing the page again.
    pub links: Vec<Link>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A block of a page, in document order.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(Heading),
    Paragraph(Paragraph),
    Table(Table),
    Code(CodeBlock),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub line: usize,
}

/// A link inside text: its visible text, destination and place.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Link {
    pub text: String,
    pub dest: String,
    /// Byte range of the link's Markdown source (`[text](dest)`) in the page's
    /// text, front matter included.
    pub span: Range<usize>,
}

/// A paragraph or list item: its plain text, its Markdown source and its links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub text: String,
    pub markdown: String,
    pub links: Vec<Link>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableCell {
    /// Plain text, links reduced to their text, `<br>` to spaces.
    pub text: String,
    /// The cell's Markdown source, trimmed: what doc comments are made from.
    pub markdown: String,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: Vec<TableCell>,
    /// Each row with its line.
    pub rows: Vec<(usize, Vec<TableCell>)>,
    pub line: usize,
}

impl Table {
    /// Index of the first column whose header matches one of `aliases` (case-insensitive).
    pub fn column(&self, aliases: &[&str]) -> Option<usize> {
        self.header.iter().position(|cell| {
            let name = cell.text.trim().to_ascii_lowercase();
            aliases.iter().any(|alias| name == *alias)
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeBlock {
    /// Fence info string, lowercased (`http`, `json`, ...).
    pub info: String,
    pub text: String,
    /// Line of the opening fence.
    pub line: usize,
    pub annotation: Option<Annotation>,
    /// Line of the annotation, when there is one.
    pub annotation_line: Option<usize>,
}

impl CodeBlock {
    /// Line of the first line of content.
    pub fn content_line(&self) -> usize {
        self.line + 1
    }
}

/// Parses a page's text. Never fails: problems are in `Page::diagnostics`.
pub fn parse_page(file: &str, text: &str) -> Page {
    let lines = LineIndex::new(text);
    let split = front_matter::split(text);
    let mut page = Page {
        file: file.to_string(),
        front_matter: split.front_matter,
        ..Page::default()
    };
    if let Some((line, message)) = split.error {
        page.diagnostics.push(Diagnostic::warning(
            Code::FrontMatterInvalid,
            Location::new(file, line),
            format!("front matter is not valid YAML: {message}"),
        ));
    }
    let mut walker = Walker {
        file,
        source: text,
        base: split.body_offset,
        lines: &lines,
        page: &mut page,
        pending_annotation: None,
        text_stack: Vec::new(),
        table: None,
        code: None,
        html: None,
    };
    let body = tabs_in_table_rows_as_spaces(split.body);
    let parser = Parser::new_ext(&body, Options::ENABLE_TABLES).into_offset_iter();
    for (event, range) in parser {
        walker.event(event, range);
    }
    page
}

/// Table rows padded with tab characters (`| id\t\t| String\t|`) are not table
/// rows to pulldown-cmark when the delimiter row holds tabs; the docs site reads
/// them as tables. A tab there is layout, so it becomes a space: one byte for
/// one, so offsets into the page stay the same.
fn tabs_in_table_rows_as_spaces(body: &str) -> std::borrow::Cow<'_, str> {
    // Most pages hold no tab at all: one byte scan, no copy.
    if !body.contains('\t') {
        return std::borrow::Cow::Borrowed(body);
    }
    let is_padded_row = |line: &str| line.trim_start().starts_with('|') && line.contains('\t');
    let mut out = String::with_capacity(body.len());
    for line in body.split_inclusive('\n') {
        if is_padded_row(line) {
            out.extend(line.chars().map(|c| if c == '\t' { ' ' } else { c }));
        } else {
            out.push_str(line);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Text being collected for a paragraph, heading, list item or table cell.
struct TextCollector {
    text: String,
    links: Vec<Link>,
    /// Links begun and not yet ended: index in `Page::links`, and where their
    /// text starts in `text`.
    open_links: Vec<(usize, usize)>,
    range: Range<usize>,
}

struct TableBuilder {
    header: Vec<TableCell>,
    rows: Vec<(usize, Vec<TableCell>)>,
    current_row: Vec<TableCell>,
    current_row_range: Range<usize>,
    in_head: bool,
    line: usize,
}

struct CodeBuilder {
    info: String,
    text: String,
    range: Range<usize>,
}

struct Walker<'a> {
    file: &'a str,
    source: &'a str,
    /// Offset of the Markdown body within `source` (after front matter).
    base: usize,
    lines: &'a LineIndex,
    page: &'a mut Page,
    pending_annotation: Option<(Annotation, usize)>,
    text_stack: Vec<TextCollector>,
    table: Option<TableBuilder>,
    code: Option<CodeBuilder>,
    html: Option<(String, usize)>,
}

impl Walker<'_> {
    fn line_of(&self, body_offset: usize) -> usize {
        self.lines.line(self.base + body_offset)
    }

    fn location(&self, body_offset: usize) -> Location {
        Location::new(self.file, self.line_of(body_offset))
    }

    fn source_slice(&self, range: &Range<usize>) -> &str {
        self.source
            .get(self.base + range.start..self.base + range.end)
            .unwrap_or("")
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => self.text(&code),
            Event::SoftBreak | Event::HardBreak => self.text(" "),
            Event::Html(html) => {
                if let Some((buffer, _)) = &mut self.html {
                    buffer.push_str(&html);
                } else {
                    self.html_block(html.to_string(), range.start);
                }
            }
            Event::InlineHtml(html) => {
                if html.trim_start().starts_with("<!--") {
                    self.html_block(html.to_string(), range.start);
                } else if html.eq_ignore_ascii_case("<br>") || html.eq_ignore_ascii_case("<br/>") {
                    self.text(" ");
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::TableCell => {
                self.text_stack.push(TextCollector {
                    text: String::new(),
                    links: Vec::new(),
                    open_links: Vec::new(),
                    range,
                });
            }
            Tag::Link { dest_url, .. } => {
                // Every link is recorded, even outside collected text; its text
                // is filled in at its end.
                let index = self.page.links.len();
                self.page.links.push(Link {
                    text: String::new(),
                    dest: dest_url.to_string(),
                    span: self.base + range.start..self.base + range.end,
                });
                if let Some(top) = self.text_stack.last_mut() {
                    let at = top.text.len();
                    top.open_links.push((index, at));
                }
            }
            Tag::List(_) => {
                // A list nested in an item ends the item's own source: the
                // nested items are paragraphs of their own. Keeping the whole
                // subtree as each item's Markdown made a deeply nested list
                // quadratic in memory (1 MB page: 0.65 GB).
                if let Some(top) = self.text_stack.last_mut() {
                    top.range.end = top.range.end.min(range.start).max(top.range.start);
                }
            }
            Tag::Table(_) => {
                self.table = Some(TableBuilder {
                    header: Vec::new(),
                    rows: Vec::new(),
                    current_row: Vec::new(),
                    current_row_range: range.clone(),
                    in_head: false,
                    line: self.line_of(range.start),
                });
            }
            Tag::TableHead => {
                if let Some(table) = &mut self.table {
                    table.in_head = true;
                    table.current_row.clear();
                }
            }
            Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.current_row.clear();
                    table.current_row_range = range;
                }
            }
            Tag::CodeBlock(kind) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some(CodeBuilder {
                    info,
                    text: String::new(),
                    range,
                });
            }
            Tag::HtmlBlock => self.html = Some((String::new(), range.start)),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Link => {
                if let Some(top) = self.text_stack.last_mut() {
                    if let Some((index, at)) = top.open_links.pop() {
                        let text = top.text.get(at..).unwrap_or("").to_string();
                        if let Some(link) = self.page.links.get_mut(index) {
                            link.text.clone_from(&text);
                            top.links.push(Link {
                                text,
                                ..link.clone()
                            });
                        }
                    }
                }
            }
            TagEnd::Paragraph | TagEnd::Item => {
                if let Some(collector) = self.text_stack.pop() {
                    self.finish_paragraph(collector);
                }
            }
            TagEnd::Heading(level) => {
                if let Some(collector) = self.text_stack.pop() {
                    let heading = Heading {
                        level: level as u8,
                        text: collector.text.trim().to_string(),
                        line: self.line_of(collector.range.start),
                    };
                    // A heading ends the reach of an annotation that found no code block.
                    self.pending_annotation = None;
                    self.page.blocks.push(Block::Heading(heading));
                }
            }
            TagEnd::TableCell => {
                if let Some(collector) = self.text_stack.pop() {
                    let markdown = self.source_slice(&collector.range).trim().to_string();
                    let cell = TableCell {
                        text: collector.text.trim().to_string(),
                        markdown,
                        links: collector.links,
                    };
                    if let Some(table) = &mut self.table {
                        table.current_row.push(cell);
                    }
                }
            }
            TagEnd::TableHead => {
                if let Some(table) = &mut self.table {
                    table.header = std::mem::take(&mut table.current_row);
                    table.in_head = false;
                }
            }
            TagEnd::TableRow => self.finish_row(),
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.page.blocks.push(Block::Table(Table {
                        header: table.header,
                        rows: table.rows,
                        line: table.line,
                    }));
                }
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    self.finish_code(code);
                }
            }
            TagEnd::HtmlBlock => {
                if let Some((html, start)) = self.html.take() {
                    self.html_block(html, start);
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(code) = &mut self.code {
            code.text.push_str(text);
        } else if let Some(top) = self.text_stack.last_mut() {
            top.text.push_str(text);
        }
    }

    fn finish_paragraph(&mut self, collector: TextCollector) {
        let text = collector.text.trim().to_string();
        if text.is_empty() {
            return;
        }
        let paragraph = Paragraph {
            markdown: self.source_slice(&collector.range).trim().to_string(),
            text,
            links: collector.links,
            line: self.line_of(collector.range.start),
        };
        // List items hold their paragraphs' text too; keep only the innermost.
        if let Some(Block::Paragraph(last)) = self.page.blocks.last() {
            if last.line == paragraph.line && paragraph.text.contains(&last.text) {
                return;
            }
        }
        self.page.blocks.push(Block::Paragraph(paragraph));
    }

    fn finish_row(&mut self) {
        let Some(table) = &mut self.table else {
            return;
        };
        let row = std::mem::take(&mut table.current_row);
        let row_range = table.current_row_range.clone();
        let expected = table.header.len();
        let line = self.lines.line(self.base + row_range.start);
        // pulldown-cmark pads short rows with empty cells, so count the cells in the source.
        let written = count_source_cells(
            self.source
                .get(self.base + row_range.start..self.base + row_range.end)
                .unwrap_or(""),
        );
        if written < expected {
            self.page.diagnostics.push(Diagnostic::warning(
                Code::TableMissingCells,
                Location::new(self.file, line),
                format!("table row has {written} cells, the header has {expected}; the missing cells are read as empty"),
            ));
        }
        if let Some(table) = &mut self.table {
            table.rows.push((line, row));
        }
    }

    fn finish_code(&mut self, code: CodeBuilder) {
        let line = self.line_of(code.range.start);
        let source = self.source_slice(&code.range);
        let fenced =
            source.trim_start().starts_with("```") || source.trim_start().starts_with("~~~");
        if fenced && !is_closed_fence(source) {
            self.page.diagnostics.push(Diagnostic::error(
                Code::FenceUnclosed,
                self.location(code.range.start),
                "code fence is never closed; it runs to the end of the page",
            ));
        }
        let (annotation, annotation_line) = match self.pending_annotation.take() {
            Some((annotation, line)) => (Some(annotation), Some(line)),
            None => (None, None),
        };
        self.page.blocks.push(Block::Code(CodeBlock {
            info: code.info,
            text: code.text,
            line,
            annotation,
            annotation_line,
        }));
    }

    fn html_block(&mut self, html: String, start: usize) {
        let trimmed = html.trim();
        if !trimmed.starts_with("<!--") {
            return;
        }
        let location = self.location(start);
        // Lines of leading blank space before the comment itself.
        let lines_before = html
            .get(..html.len() - html.trim_start().len())
            .map_or(0, |before| before.matches('\n').count());
        if !trimmed.contains("-->") {
            self.page.diagnostics.push(Diagnostic::error(
                Code::CommentUnclosed,
                location,
                "HTML comment is never closed; everything after it is hidden",
            ));
            return;
        }
        // A block may hold a comment followed by more HTML; only the comment matters.
        let comment = trimmed
            .split_once("-->")
            .map(|(inside, _)| inside)
            .unwrap_or(trimmed);
        match annotation::parse_comment(comment) {
            annotation::Parsed::NotAnnotation => {}
            annotation::Parsed::Annotation {
                annotation,
                repairs,
            } => {
                if !repairs.is_empty() {
                    let fixes: Vec<&str> = repairs.iter().map(|r| r.describe()).collect();
                    self.page.diagnostics.push(Diagnostic::note(
                        Code::AnnotationRepaired,
                        location.clone(),
                        format!("annotation is not strict JSON: {}", fixes.join(", ")),
                    ));
                }
                self.pending_annotation = Some((annotation, location.line));
            }
            annotation::Parsed::Invalid {
                message,
                line_offset,
            } => {
                let line = location.line + lines_before + line_offset;
                self.page.diagnostics.push(Diagnostic::error(
                    Code::AnnotationInvalid,
                    Location::new(self.file, line),
                    format!("annotation is not JSON: {message}"),
                ));
            }
        }
    }
}

/// Whether a fenced block's source ends with a closing fence line.
fn is_closed_fence(source: &str) -> bool {
    let mut lines = source.trim_end().lines();
    let Some(first) = lines.next() else {
        return false;
    };
    let opening = first.trim_start();
    let fence_char = opening.chars().next().unwrap_or('`');
    let fence_len = opening.chars().take_while(|&c| c == fence_char).count();
    match lines.last() {
        Some(last) => {
            let last = last.trim();
            last.chars().take_while(|&c| c == fence_char).count() >= fence_len
                && last.chars().all(|c| c == fence_char)
        }
        None => false,
    }
}

/// Counts the cells written in a table row's source, outside code spans and escapes.
fn count_source_cells(row: &str) -> usize {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let mut cells = 1;
    let mut in_code = false;
    let mut escaped = false;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '`' => in_code = !in_code,
            '|' if !in_code => {
                // A trailing pipe closes the last cell rather than opening a new one.
                if chars.peek().is_none_or(|next| next.is_whitespace())
                    && chars.clone().all(char::is_whitespace)
                {
                    break;
                }
                cells += 1;
            }
            _ => {}
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Page {
        parse_page("api/test.md", text)
    }

    #[test]
    fn table_rows_padded_with_tabs_are_a_table() {
        // resources/insights-shared.md: tabs in the delimiter row and the cells.
        let page = blocks(
            "# t\n\n| Property \t| Type\t \t| Description |\n| ---- |----\t \t| ---- |\n| id\t\t| String\t\t| The id. |\n| lastShared\t| [sharingDetail](x.md)\t| Details. |\n",
        );
        let table = page
            .blocks
            .iter()
            .find_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .expect("a table");
        let names: Vec<&str> = table.rows.iter().map(|(_, r)| r[0].text.as_str()).collect();
        assert_eq!(names, ["id", "lastShared"]);
        assert_eq!(table.rows[1].0, 6, "lines are those of the page");
    }

    #[test]
    fn headings_paragraphs_and_lines() {
        let page = blocks(
            "---\ntitle: t\n---\n# Get user\n\nNamespace: microsoft.graph\n\n## HTTP request\n",
        );
        let Block::Heading(h1) = &page.blocks[0] else {
            panic!()
        };
        assert_eq!((h1.level, h1.text.as_str(), h1.line), (1, "Get user", 4));
        let Block::Paragraph(p) = &page.blocks[1] else {
            panic!()
        };
        assert_eq!((p.text.as_str(), p.line), ("Namespace: microsoft.graph", 6));
        let Block::Heading(h2) = &page.blocks[2] else {
            panic!()
        };
        assert_eq!((h2.level, h2.line), (2, 8));
    }

    #[test]
    fn annotation_attaches_to_the_next_fence_with_or_without_space() {
        let page = blocks("<!-- {\n  \"blockType\": \"request\",\n  \"name\": \"x\"\n} -->\n``` http\nGET /me\n```\n");
        let Some(Block::Code(code)) = page.blocks.first() else {
            panic!("{:?}", page.blocks)
        };
        assert_eq!(code.info, "http");
        assert_eq!(code.text, "GET /me\n");
        assert_eq!(code.line, 5);
        assert_eq!(
            code.annotation.as_ref().and_then(|a| a.block_type()),
            Some("request")
        );
        assert_eq!(code.annotation_line, Some(1));
        assert!(page.diagnostics.is_empty());
    }

    #[test]
    fn bad_annotation_is_a_diagnostic() {
        let page = blocks("<!-- { \"blockType\": : } -->\n```http\nGET /me\n```\n");
        assert!(page
            .diagnostics
            .iter()
            .any(|d| d.code == Code::AnnotationInvalid && d.location.line == 1));
    }

    #[test]
    fn bad_annotation_is_located_at_the_bad_line() {
        let page = blocks("# T\n\n<!-- {\n  \"blockType\": \"request\",\n  \"name\": : x\n}\n-->\n```http\nGET /me\n```\n");
        let lines: Vec<usize> = page
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::AnnotationInvalid)
            .map(|d| d.location.line)
            .collect();
        assert_eq!(lines, vec![5]);
    }

    #[test]
    fn unclosed_fence_is_a_diagnostic() {
        let page = blocks("# T\n\n```http\nGET /me\n");
        assert!(page
            .diagnostics
            .iter()
            .any(|d| d.code == Code::FenceUnclosed && d.location.line == 3));
        assert!(matches!(page.blocks.last(), Some(Block::Code(_))));
    }

    #[test]
    fn unclosed_comment_is_a_diagnostic() {
        let page = blocks("# T\n\n<!-- {\"blockType\": \"request\"\n\n```http\nGET /me\n```\n");
        assert!(page
            .diagnostics
            .iter()
            .any(|d| d.code == Code::CommentUnclosed && d.location.line == 3));
    }

    #[test]
    fn table_cells_keep_links_and_markdown() {
        let page = blocks("|Property|Type|Description|\n|:---|:---|:---|\n|target|[assignmentTarget](../resources/x.md) collection|The `id`.<br>More.|\n");
        let Block::Table(table) = &page.blocks[0] else {
            panic!()
        };
        assert_eq!(table.column(&["type"]), Some(1));
        let (line, row) = &table.rows[0];
        assert_eq!(*line, 3);
        assert_eq!(row[1].text, "assignmentTarget collection");
        assert_eq!(row[1].links[0].dest, "../resources/x.md");
        assert_eq!(page.links, row[1].links, "the page lists the cell's link");
        assert_eq!(row[2].markdown, "The `id`.<br>More.");
        assert_eq!(row[2].text, "The id. More.");
    }

    #[test]
    fn every_link_is_recorded_with_its_place() {
        let text = "---\ntitle: t\n---\n# See [a](#x)\n\n- [b](b.md#y) and [c](https://c.org)\n";
        let page = blocks(text);
        let found: Vec<(&str, &str, &str)> = page
            .links
            .iter()
            .map(|l| (l.text.as_str(), l.dest.as_str(), &text[l.span.clone()]))
            .collect();
        assert_eq!(
            found,
            [
                ("a", "#x", "[a](#x)"),
                ("b", "b.md#y", "[b](b.md#y)"),
                ("c", "https://c.org", "[c](https://c.org)"),
            ]
        );
    }

    #[test]
    fn short_table_row_is_a_diagnostic_not_a_panic() {
        let page = blocks("|Name|Type|Description|\n|---|---|---|\n|id|String|\n|x|\n");
        let short: Vec<usize> = page
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::TableMissingCells)
            .map(|d| d.location.line)
            .collect();
        assert_eq!(short, vec![3, 4]);
        let Block::Table(table) = &page.blocks[0] else {
            panic!()
        };
        assert_eq!(table.rows.len(), 2);
    }

    #[test]
    fn counts_cells_in_source() {
        assert_eq!(count_source_cells("|a|b|c|"), 3);
        assert_eq!(count_source_cells("a|b|c"), 3);
        assert_eq!(count_source_cells("|a|`x|y`|c|"), 3);
        assert_eq!(count_source_cells("|a|b\\|c|"), 2);
        assert_eq!(count_source_cells("|a||"), 2);
    }
}
