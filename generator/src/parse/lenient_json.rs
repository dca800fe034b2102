//! Lenient JSON for the example bodies found in documentation pages.
//!
//! Doc examples are written for people, not parsers: they carry trailing
//! commas, comments, `...` elisions, single-quoted strings, `{id}`
//! placeholders, raw newlines inside strings, bodies cut off before their
//! closing brackets, and prose after the JSON. [`parse_lenient`] turns such a
//! body into a [`serde_json::Value`] anyway and records every fix it made as a
//! [`Repair`], so a linter can point authors at the exact spot.
//!
//! Design: a hand-written scanner over `char`s that knows its line and column,
//! driven by a parser that keeps open containers on an explicit stack (never
//! the call stack), so hostile input nested 10,000 deep is an error, not a
//! stack overflow. Every character is looked at a bounded number of times, so
//! the whole parse is linear in the input. Nothing indexes, unwraps or
//! expects: malformed input can produce an error but never a panic.

use serde::Serialize;
use serde_json::{Map, Number, Value};

/// Containers nested deeper than this are rejected. serde_json's own limit is
/// 128; doc examples never come close to either, so this only guards against
/// hostile input and keeps recursive `Drop`/`PartialEq` of the result shallow.
const MAX_DEPTH: usize = 512;

/// What kind of fix the lenient parser applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RepairKind {
    /// A comma directly before `]` or `}` was dropped. Located at the comma.
    TrailingComma,
    /// A `// line` or `/* block */` comment was skipped. Located at its `/`.
    Comment,
    /// A `...` or `…` elision (array element, member, or member value) was
    /// dropped, with any commentary after it (up to a comma, bracket or line
    /// end). Located at the first dot.
    Ellipsis,
    /// A `'single-quoted'` string was read as a normal string. Located at
    /// the opening quote.
    SingleQuotedString,
    /// An unquoted value or member name (`{id}`, `<id>`, a bare word, text
    /// such as `00:00:00`) was read as a string. Located at its first char.
    UnquotedValue,
    /// A string held raw control characters (newline, tab, ...); they were
    /// kept as is. Reported once per string, at the first one.
    ControlCharacterInString,
    /// A container was closed that the input left open (at the end of input,
    /// or where a closer for an outer container appeared). One per container,
    /// located where the last token ended or at that outer closer.
    MissingClosingBracket,
    /// Text after the JSON value was ignored. Located where it starts.
    TrailingText,
    /// A comma was inserted between two items written on separate lines.
    /// Located just after the first item (where the comma belongs).
    MissingComma,
}

impl RepairKind {
    /// One line of human text describing the fix, for lint messages.
    pub fn describe(self) -> &'static str {
        match self {
            RepairKind::TrailingComma => "trailing comma removed",
            RepairKind::Comment => "comment removed",
            RepairKind::Ellipsis => "elision (`...`) removed",
            RepairKind::SingleQuotedString => "single-quoted string read as a JSON string",
            RepairKind::UnquotedValue => "unquoted value read as a string",
            RepairKind::ControlCharacterInString => "raw control character in string kept",
            RepairKind::MissingClosingBracket => "missing closing bracket added",
            RepairKind::TrailingText => "text after the JSON value ignored",
            RepairKind::MissingComma => "missing comma inserted",
        }
    }
}

/// One repair, located in the input (1-based line and column, counted in chars).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repair {
    pub kind: RepairKind,
    pub line: usize,
    pub column: usize,
}

/// A parse failure the parser could not repair, located in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// The outcome of [`parse_lenient`].
///
/// * strict JSON: `value: Some`, no repairs, no error;
/// * repairable input: `value: Some`, repairs in input order, no error;
/// * empty input (only whitespace and comments), or a body that is nothing
///   but an elision (`...`): `value: None`, no error;
/// * input that cannot be repaired: `value: None`, `error: Some`; `repairs`
///   then holds the fixes made before the failure.
#[derive(Debug, Clone, PartialEq)]
pub struct LenientJson {
    pub value: Option<serde_json::Value>,
    pub repairs: Vec<Repair>,
    pub error: Option<JsonError>,
}

/// Parses a documentation example body, repairing what it can.
///
/// Never panics and runs in time linear in `text`. Repairs are reported in
/// input order; see [`RepairKind`] for what is repaired and where each repair
/// is located. Non-JSON Unicode whitespace (such as a no-break space or a
/// byte-order mark) is accepted silently as whitespace.
pub fn parse_lenient(text: &str) -> LenientJson {
    let mut parser = Parser::new(text);
    let outcome = parser.run();
    let mut repairs = parser.repairs;
    // Most repairs are found in input order, but a few are only recognised
    // later (a trailing comma when its closer arrives, a missing comma after
    // the comments that follow the previous item); a stable sort fixes that.
    repairs.sort_by_key(|r| (r.line, r.column));
    match outcome {
        Ok(value) => LenientJson {
            value,
            repairs,
            error: None,
        },
        Err(error) => LenientJson {
            value: None,
            repairs,
            error: Some(error),
        },
    }
}

/// A location in the input: 1-based line and column, columns counted in chars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    line: usize,
    column: usize,
}

fn error_at(message: impl Into<String>, at: Pos) -> JsonError {
    JsonError {
        message: message.into(),
        line: at.line,
        column: at.column,
    }
}

/// JSON whitespace plus any other Unicode whitespace and the byte-order mark,
/// which creep into pages through copy and paste.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Reads the input one `char` at a time, tracking line and column.
struct Cursor<'a> {
    src: &'a str,
    /// Byte offset of the next char; always on a char boundary because it only
    /// ever advances by `len_utf8` of the char just read.
    offset: usize,
    pos: Pos,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        self.src.get(self.offset..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        self.rest().chars().nth(1)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.offset += c.len_utf8();
        if c == '\n' {
            self.pos.line += 1;
            self.pos.column = 1;
        } else {
            self.pos.column += 1;
        }
        Some(c)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bracket {
    /// `{ }`
    Curly,
    /// `[ ]`
    Square,
}

impl Bracket {
    fn closer(self) -> char {
        match self {
            Bracket::Curly => '}',
            Bracket::Square => ']',
        }
    }
}

#[derive(Debug)]
enum Tok {
    Open(Bracket),
    Close(Bracket),
    Comma,
    Colon,
    /// A quoted string, already unescaped.
    Str(String),
    /// An unquoted run: a literal, a number, or a placeholder such as `{id}`.
    Bare(String),
    /// `...` or `…`, possibly followed by commentary on the same line.
    Ellipsis,
    Eof,
}

struct Token {
    tok: Tok,
    start: Pos,
    /// Just past the token's last char.
    end: Pos,
}

/// What the parser expects next; it changes how unquoted text is scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// The top-level value: no placeholders, no unquoted words.
    Top,
    /// A member name (or the punctuation around it): unquoted text stops at `:`.
    Key,
    /// An array element or member value: `{id}` is a placeholder, and unquoted
    /// text may contain `:` (times, URLs).
    Value,
}

/// Where an open container is in its grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Just after the opening bracket.
    Start,
    /// After a comma (kept to report it if the container closes next).
    AfterComma(Pos),
    /// After an element or member.
    AfterValue,
    /// After an elision, which may stand with or without commas around it.
    AfterElision,
    /// After a member name.
    Colon,
    /// After `name:`.
    MemberValue,
}

enum Slot {
    Array(Vec<Value>),
    Object {
        map: Map<String, Value>,
        /// The member name waiting for its value.
        key: Option<String>,
    },
}

struct Frame {
    slot: Slot,
    expect: Expect,
}

impl Frame {
    fn bracket(&self) -> Bracket {
        match self.slot {
            Slot::Array(_) => Bracket::Square,
            Slot::Object { .. } => Bracket::Curly,
        }
    }
}

struct Parser<'a> {
    cur: Cursor<'a>,
    repairs: Vec<Repair>,
    /// Open containers, innermost last; bounded by `MAX_DEPTH`.
    stack: Vec<Frame>,
    /// How many of `stack` are objects / arrays, so a closer can tell in O(1)
    /// whether it closes an outer container (and the inner ones were left open).
    open_objects: usize,
    open_arrays: usize,
    /// End of the last token consumed: where a missing comma or bracket goes.
    prev_end: Pos,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        let start = Pos { line: 1, column: 1 };
        Parser {
            cur: Cursor {
                src,
                offset: 0,
                pos: start,
            },
            repairs: Vec::new(),
            stack: Vec::new(),
            open_objects: 0,
            open_arrays: 0,
            prev_end: start,
        }
    }

    fn repair(&mut self, kind: RepairKind, at: Pos) {
        self.repairs.push(Repair {
            kind,
            line: at.line,
            column: at.column,
        });
    }

    /// Parses the top-level value, then notes any text after it.
    fn run(&mut self) -> Result<Option<Value>, JsonError> {
        let Token { tok, start, end } = self.next_token(Ctx::Top)?;
        let root = match tok {
            Tok::Eof => return Ok(None),
            // A body that is only `...` says "content omitted": nothing to parse.
            Tok::Ellipsis => {
                self.repair(RepairKind::Ellipsis, start);
                None
            }
            Tok::Open(bracket) => {
                self.prev_end = end;
                self.push(bracket, start)?;
                Some(self.parse_nested()?)
            }
            Tok::Str(s) => Some(Value::String(s)),
            Tok::Bare(s) => Some(self.bare_value(s, start, Ctx::Top)?),
            Tok::Close(_) | Tok::Comma | Tok::Colon => {
                return Err(error_at("expected a JSON value", start))
            }
        };
        self.note_trailing_text();
        Ok(root)
    }

    /// Reports (once) anything but whitespace and comments after the value.
    fn note_trailing_text(&mut self) {
        match self.skip_trivia() {
            Ok(()) if self.cur.peek().is_none() => {}
            Ok(()) => self.repair(RepairKind::TrailingText, self.cur.pos),
            // An unterminated `/*` after the value is just more trailing text.
            Err(e) => self.repair(
                RepairKind::TrailingText,
                Pos {
                    line: e.line,
                    column: e.column,
                },
            ),
        }
    }

    /// Drives the container stack until the outermost container closes.
    fn parse_nested(&mut self) -> Result<Value, JsonError> {
        loop {
            let token = self.next_token(self.context())?;
            if let Some(root) = self.step(token)? {
                return Ok(root);
            }
        }
    }

    fn context(&self) -> Ctx {
        match self.stack.last() {
            None => Ctx::Top,
            Some(frame) => match (&frame.slot, frame.expect) {
                (Slot::Array(_), _) | (Slot::Object { .. }, Expect::MemberValue) => Ctx::Value,
                (Slot::Object { .. }, _) => Ctx::Key,
            },
        }
    }

    /// Applies one token inside a container; returns the root once it closes.
    fn step(&mut self, token: Token) -> Result<Option<Value>, JsonError> {
        let Token { tok, start, end } = token;
        let outcome = match tok {
            Tok::Eof => return self.close_all_at_eof(start).map(Some),
            Tok::Close(bracket) => self.close(bracket, start),
            Tok::Comma => self.comma(start).map(|()| None),
            Tok::Colon => self.colon(start).map(|()| None),
            Tok::Ellipsis => self.ellipsis(start).map(|()| None),
            Tok::Open(bracket) => self.item(Item::Open(bracket), start),
            Tok::Str(s) => self.item(Item::Str(s), start),
            Tok::Bare(s) => self.item(Item::Bare(s), start),
        };
        self.prev_end = end;
        outcome
    }

    fn push(&mut self, bracket: Bracket, at: Pos) -> Result<(), JsonError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(error_at("nested too deeply", at));
        }
        let slot = match bracket {
            Bracket::Curly => {
                self.open_objects += 1;
                Slot::Object {
                    map: Map::new(),
                    key: None,
                }
            }
            Bracket::Square => {
                self.open_arrays += 1;
                Slot::Array(Vec::new())
            }
        };
        self.stack.push(Frame {
            slot,
            expect: Expect::Start,
        });
        Ok(())
    }

    /// Handles an element, member name or member value in the innermost container.
    fn item(&mut self, item: Item, at: Pos) -> Result<Option<Value>, JsonError> {
        let prev_end = self.prev_end;
        let Some(frame) = self.stack.last() else {
            return Err(error_at("unexpected token", at));
        };
        let is_object = matches!(frame.slot, Slot::Object { .. });
        match frame.expect {
            Expect::Start | Expect::AfterComma(_) | Expect::AfterElision => {}
            Expect::MemberValue => return self.value(item, at),
            Expect::Colon => return Err(error_at("expected ':' after member name", at)),
            // Two items on separate lines with no comma: the author forgot it.
            // On one line it is more likely garbage, so that stays an error.
            Expect::AfterValue if at.line > prev_end.line => {
                self.repair(RepairKind::MissingComma, prev_end);
            }
            Expect::AfterValue => {
                let closer = if is_object { '}' } else { ']' };
                return Err(error_at(format!("expected ',' or '{closer}'"), at));
            }
        }
        if is_object {
            self.member_name(item, at).map(|()| None)
        } else {
            self.value(item, at)
        }
    }

    fn member_name(&mut self, item: Item, at: Pos) -> Result<(), JsonError> {
        let name = match item {
            Item::Str(s) => s,
            Item::Bare(s) => {
                self.repair(RepairKind::UnquotedValue, at);
                s
            }
            Item::Open(_) => return Err(error_at("expected a member name", at)),
        };
        if let Some(frame) = self.stack.last_mut() {
            if let Slot::Object { key, .. } = &mut frame.slot {
                *key = Some(name);
            }
            frame.expect = Expect::Colon;
        }
        Ok(())
    }

    fn value(&mut self, item: Item, at: Pos) -> Result<Option<Value>, JsonError> {
        let value = match item {
            Item::Open(bracket) => return self.push(bracket, at).map(|()| None),
            Item::Str(s) => Value::String(s),
            Item::Bare(s) => self.bare_value(s, at, Ctx::Value)?,
        };
        Ok(self.attach(value))
    }

    /// Classifies unquoted text: literal, number, or (inside a container) a
    /// placeholder kept as a string.
    fn bare_value(&mut self, text: String, at: Pos, ctx: Ctx) -> Result<Value, JsonError> {
        match text.as_str() {
            "true" => return Ok(Value::Bool(true)),
            "false" => return Ok(Value::Bool(false)),
            "null" => return Ok(Value::Null),
            _ => {}
        }
        if is_json_number(&text) {
            // Integers beyond u64/i64 become f64, as in serde_json; only
            // exponents beyond f64's range fail.
            return text
                .parse::<Number>()
                .map(Value::Number)
                .map_err(|_| error_at("number out of range", at));
        }
        if ctx == Ctx::Top {
            // Prose where a body should be is not something to guess about.
            return Err(error_at("expected a JSON value", at));
        }
        self.repair(RepairKind::UnquotedValue, at);
        Ok(Value::String(text))
    }

    /// Stores a finished value in the innermost container, or returns it as
    /// the root when no container is open.
    fn attach(&mut self, value: Value) -> Option<Value> {
        let Some(frame) = self.stack.last_mut() else {
            return Some(value);
        };
        match &mut frame.slot {
            Slot::Array(items) => items.push(value),
            Slot::Object { map, key } => {
                if let Some(name) = key.take() {
                    map.insert(name, value);
                }
            }
        }
        frame.expect = Expect::AfterValue;
        None
    }

    fn comma(&mut self, at: Pos) -> Result<(), JsonError> {
        let Some(frame) = self.stack.last_mut() else {
            return Err(error_at("unexpected ','", at));
        };
        match frame.expect {
            Expect::AfterValue | Expect::AfterElision => {
                frame.expect = Expect::AfterComma(at);
                Ok(())
            }
            Expect::MemberValue => Err(error_at("expected a value", at)),
            Expect::Colon => Err(error_at("expected ':' after member name", at)),
            Expect::Start | Expect::AfterComma(_) => Err(error_at("unexpected ','", at)),
        }
    }

    fn colon(&mut self, at: Pos) -> Result<(), JsonError> {
        match self.stack.last_mut() {
            Some(frame) if frame.expect == Expect::Colon => {
                frame.expect = Expect::MemberValue;
                Ok(())
            }
            _ => Err(error_at("unexpected ':'", at)),
        }
    }

    /// Drops an elided element, member, or member value.
    fn ellipsis(&mut self, at: Pos) -> Result<(), JsonError> {
        let Some(frame) = self.stack.last_mut() else {
            return Err(error_at("unexpected '...'", at));
        };
        match frame.expect {
            Expect::Colon => return Err(error_at("expected ':' after member name", at)),
            // `"name": ...` elides the whole member.
            Expect::MemberValue => {
                if let Slot::Object { key, .. } = &mut frame.slot {
                    *key = None;
                }
            }
            Expect::Start | Expect::AfterComma(_) | Expect::AfterValue | Expect::AfterElision => {}
        }
        frame.expect = Expect::AfterElision;
        self.repair(RepairKind::Ellipsis, at);
        Ok(())
    }

    /// Closes the innermost container. A closer that belongs to an outer
    /// container also closes the ones inside it, which the author forgot.
    fn close(&mut self, bracket: Bracket, at: Pos) -> Result<Option<Value>, JsonError> {
        let open = match bracket {
            Bracket::Curly => self.open_objects,
            Bracket::Square => self.open_arrays,
        };
        if open == 0 {
            return Err(error_at(format!("unexpected '{}'", bracket.closer()), at));
        }
        loop {
            let matches = self.stack.last().map(Frame::bracket) == Some(bracket);
            let value = self.pop(at, false)?;
            if !matches {
                self.repair(RepairKind::MissingClosingBracket, at);
            }
            let root = self.attach(value);
            if matches || root.is_some() {
                return Ok(root);
            }
        }
    }

    /// The input ended with containers open: close them all where the last
    /// token ended.
    fn close_all_at_eof(&mut self, eof: Pos) -> Result<Value, JsonError> {
        let at = self.prev_end;
        loop {
            let value = self.pop(eof, true)?;
            self.repair(RepairKind::MissingClosingBracket, at);
            if let Some(root) = self.attach(value) {
                return Ok(root);
            }
        }
    }

    /// Removes the innermost container, checking it may end here.
    fn pop(&mut self, at: Pos, at_eof: bool) -> Result<Value, JsonError> {
        let Some(frame) = self.stack.pop() else {
            return Err(error_at("unexpected closing bracket", at));
        };
        match frame.expect {
            Expect::Start | Expect::AfterValue | Expect::AfterElision => {}
            Expect::AfterComma(comma) => self.repair(RepairKind::TrailingComma, comma),
            Expect::Colon | Expect::MemberValue if at_eof => {
                return Err(error_at("unexpected end of input", at))
            }
            Expect::Colon => return Err(error_at("expected ':' after member name", at)),
            Expect::MemberValue => return Err(error_at("expected a value", at)),
        }
        Ok(match frame.slot {
            Slot::Array(items) => {
                self.open_arrays = self.open_arrays.saturating_sub(1);
                Value::Array(items)
            }
            Slot::Object { map, .. } => {
                self.open_objects = self.open_objects.saturating_sub(1);
                Value::Object(map)
            }
        })
    }

    // ---- scanning ----

    /// Skips whitespace and comments, recording each comment.
    fn skip_trivia(&mut self) -> Result<(), JsonError> {
        loop {
            match (self.cur.peek(), self.cur.peek_second()) {
                (Some(c), _) if is_space(c) => {
                    self.cur.bump();
                }
                (Some('/'), Some('/')) => {
                    self.repair(RepairKind::Comment, self.cur.pos);
                    while self.cur.peek().is_some_and(|c| c != '\n') {
                        self.cur.bump();
                    }
                }
                (Some('/'), Some('*')) => self.skip_block_comment()?,
                _ => return Ok(()),
            }
        }
    }

    fn skip_block_comment(&mut self) -> Result<(), JsonError> {
        let start = self.cur.pos;
        self.cur.bump();
        self.cur.bump();
        loop {
            match self.cur.bump() {
                None => return Err(error_at("unterminated comment", start)),
                Some('*') if self.cur.peek() == Some('/') => {
                    self.cur.bump();
                    self.repair(RepairKind::Comment, start);
                    return Ok(());
                }
                Some(_) => {}
            }
        }
    }

    fn next_token(&mut self, ctx: Ctx) -> Result<Token, JsonError> {
        self.skip_trivia()?;
        let start = self.cur.pos;
        let Some(c) = self.cur.peek() else {
            return Ok(Token {
                tok: Tok::Eof,
                start,
                end: start,
            });
        };
        let tok = match c {
            '{' if ctx == Ctx::Value => match self.placeholder() {
                Some(text) => Tok::Bare(text),
                None => self.punct(Tok::Open(Bracket::Curly)),
            },
            '{' => self.punct(Tok::Open(Bracket::Curly)),
            '}' => self.punct(Tok::Close(Bracket::Curly)),
            '[' => self.punct(Tok::Open(Bracket::Square)),
            ']' => self.punct(Tok::Close(Bracket::Square)),
            ',' => self.punct(Tok::Comma),
            ':' => self.punct(Tok::Colon),
            '"' | '\'' => Tok::Str(self.string(c)?),
            _ => self.unquoted(ctx),
        };
        Ok(Token {
            tok,
            start,
            end: self.cur.pos,
        })
    }

    fn punct(&mut self, tok: Tok) -> Tok {
        self.cur.bump();
        tok
    }

    /// Consumes a `{name}` placeholder (the cursor is on `{`) and returns it
    /// with its braces, or consumes nothing if this `{` opens an object.
    ///
    /// The lookahead stops at the first char that cannot be in a name, and
    /// names contain no `{`, so no char is looked ahead at more than once.
    fn placeholder(&mut self) -> Option<String> {
        let rest = self.cur.rest();
        let mut has_alphanumeric = false;
        let mut len = None;
        for (i, c) in rest.char_indices().skip(1) {
            if c == '}' {
                len = Some(i + 1);
                break;
            }
            if c.is_alphanumeric() {
                has_alphanumeric = true;
            } else if !matches!(c, '_' | '-' | '.' | '$' | '@') {
                return None;
            }
        }
        // `{...}` is an object with an elided body, not a placeholder.
        let text = rest.get(..len?).filter(|_| has_alphanumeric)?.to_owned();
        let end = self.cur.offset + text.len();
        while self.cur.offset < end && self.cur.bump().is_some() {}
        Some(text)
    }

    /// Reads unquoted text up to the end of the line, a structural char, or a
    /// comment; spaces inside are kept (`<some id>`), trailing ones are not.
    /// The first char is always consumed, so scanning always makes progress.
    fn unquoted(&mut self, ctx: Ctx) -> Tok {
        let mut text = String::new();
        let mut pending_space = String::new();
        while let Some(c) = self.cur.peek() {
            let ends = match c {
                '\n' | '\r' | ',' | '{' | '}' | '[' | ']' | '"' => true,
                ':' => ctx == Ctx::Key,
                // `//` ends the text unless it follows a URL scheme's `:`.
                '/' => match self.cur.peek_second() {
                    Some('*') => true,
                    Some('/') => !text.ends_with(':'),
                    _ => false,
                },
                _ => false,
            };
            if ends && !text.is_empty() {
                break;
            }
            self.cur.bump();
            if is_space(c) && !text.is_empty() {
                pending_space.push(c);
            } else {
                text.push_str(&pending_space);
                pending_space.clear();
                text.push(c);
            }
        }
        // Whatever follows the dots (`... more users`) is commentary on the elision.
        if text.starts_with("...") || text.starts_with('…') {
            Tok::Ellipsis
        } else {
            Tok::Bare(text)
        }
    }

    /// Reads a string opened by `quote` (the cursor is on it), unescaping it.
    fn string(&mut self, quote: char) -> Result<String, JsonError> {
        let start = self.cur.pos;
        self.cur.bump();
        if quote == '\'' {
            self.repair(RepairKind::SingleQuotedString, start);
        }
        let mut out = String::new();
        let mut reported_control = false;
        loop {
            let at = self.cur.pos;
            match self.cur.bump() {
                None => return Err(error_at("unterminated string", start)),
                Some(c) if c == quote => return Ok(out),
                Some('\\') => out.push(self.escape(quote, at, start)?),
                Some(c) => {
                    // Reported once per string: a multi-line string is one mistake.
                    if c < ' ' && !reported_control {
                        reported_control = true;
                        self.repair(RepairKind::ControlCharacterInString, at);
                    }
                    out.push(c);
                }
            }
        }
    }

    /// Reads the escape after a backslash (at `at`) in a string opened at `start`.
    fn escape(&mut self, quote: char, at: Pos, start: Pos) -> Result<char, JsonError> {
        let c = match self.cur.bump() {
            None => return Err(error_at("unterminated string", start)),
            Some(c) => c,
        };
        Ok(match c {
            '"' | '\\' | '/' => c,
            '\'' if quote == '\'' => c,
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'u' => return self.unicode_escape(at),
            _ => return Err(error_at("invalid escape in string", at)),
        })
    }

    /// Reads the hex digits of `\uXXXX` (and a following low surrogate).
    fn unicode_escape(&mut self, at: Pos) -> Result<char, JsonError> {
        let invalid = || error_at("invalid unicode escape in string", at);
        let high = self.hex4().ok_or_else(invalid)?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if self.cur.peek() != Some('\\') || self.cur.peek_second() != Some('u') {
                return Err(invalid());
            }
            self.cur.bump();
            self.cur.bump();
            let low = self.hex4().ok_or_else(invalid)?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(invalid());
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(invalid)
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.cur.peek()?.to_digit(16)?;
            self.cur.bump();
            code = code * 16 + digit;
        }
        Some(code)
    }
}

/// An element, member name or member value as it arrives.
enum Item {
    Open(Bracket),
    Str(String),
    Bare(String),
}

/// Whether `s` follows the JSON number grammar exactly (so `+1`, `.5`,
/// `01` and `0x10` stay unquoted text rather than being reinterpreted).
fn is_json_number(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let from = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > from
    };
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn repairs(text: &str) -> Vec<(RepairKind, usize, usize)> {
        let parsed = parse_lenient(text);
        assert_eq!(parsed.error, None, "unexpected error for {text:?}");
        parsed
            .repairs
            .iter()
            .map(|r| (r.kind, r.line, r.column))
            .collect()
    }

    fn value(text: &str) -> Value {
        let parsed = parse_lenient(text);
        assert_eq!(parsed.error, None, "unexpected error for {text:?}");
        parsed
            .value
            .unwrap_or_else(|| panic!("no value for {text:?}"))
    }

    fn error(text: &str) -> (String, usize, usize) {
        let parsed = parse_lenient(text);
        assert_eq!(parsed.value, None, "expected no value for {text:?}");
        let e = parsed
            .error
            .unwrap_or_else(|| panic!("expected an error for {text:?}"));
        (e.message, e.line, e.column)
    }

    use RepairKind::*;

    #[test]
    fn strict_json_is_unchanged() {
        let inputs = [
            r#"{"a": 1, "b": [true, false, null], "c": {"d": "e"}, "f": -1.5e3}"#,
            "[]",
            "{}",
            "  [1, 2, 3]\n",
            r#""just a string""#,
            "42",
            "null",
            r#"{"z": 1, "a": 2, "m": 3}"#,
            r#"{"url": "https://graph.microsoft.com/v1.0/me // not a comment", "e": "..."}"#,
        ];
        for input in inputs {
            let parsed = parse_lenient(input);
            let strict: Value = serde_json::from_str(input).unwrap_or(Value::Null);
            assert_eq!(parsed.value, Some(strict), "{input}");
            assert_eq!(parsed.repairs, vec![], "{input}");
            assert_eq!(parsed.error, None, "{input}");
        }
    }

    #[test]
    fn member_order_is_preserved() {
        let v = value(r#"{"z": 1, "a": 2, "m": 3,}"#);
        let keys: Vec<&str> = v
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(keys, ["z", "a", "m"]);
    }

    #[test]
    fn empty_input_is_no_value_and_no_error() {
        for input in ["", "   ", "\n\t\r\n  "] {
            assert_eq!(
                parse_lenient(input),
                LenientJson {
                    value: None,
                    repairs: vec![],
                    error: None
                }
            );
        }
    }

    #[test]
    fn trailing_commas() {
        assert_eq!(repairs("[1, 2,]"), [(TrailingComma, 1, 6)]);
        assert_eq!(value("[1, 2,]"), json!([1, 2]));
        let text = "{\n  \"a\": 1,\n  \"b\": 2,\n}";
        assert_eq!(repairs(text), [(TrailingComma, 3, 9)]);
        assert_eq!(value(text), json!({"a": 1, "b": 2}));
    }

    #[test]
    fn comments() {
        let text = "{\n  // the id\n  \"id\": 1, /* inline */ \"x\": 2\n}";
        assert_eq!(repairs(text), [(Comment, 2, 3), (Comment, 3, 12)]);
        assert_eq!(value(text), json!({"id": 1, "x": 2}));
        assert_eq!(repairs("[1 // one\n]"), [(Comment, 1, 4)]);
    }

    #[test]
    fn ellipsis_as_array_element() {
        assert_eq!(repairs("[1, ..., 3]"), [(Ellipsis, 1, 5)]);
        assert_eq!(value("[1, ..., 3]"), json!([1, 3]));
        assert_eq!(value("[1, …]"), json!([1]));
        assert_eq!(repairs("[1, …]"), [(Ellipsis, 1, 5)]);
        assert_eq!(value("[\n  1\n  ...\n]"), json!([1]));
        assert_eq!(value("[{...}]"), json!([{}]));
        assert_eq!(value("[...]"), json!([]));
    }

    #[test]
    fn ellipsis_as_member_and_as_value() {
        let text = "{\n  \"a\": 1,\n  ...\n  \"b\": 2\n}";
        assert_eq!(repairs(text), [(Ellipsis, 3, 3)]);
        assert_eq!(value(text), json!({"a": 1, "b": 2}));
        let text = "{\"a\": ..., \"b\": 2}";
        assert_eq!(repairs(text), [(Ellipsis, 1, 7)]);
        assert_eq!(value(text), json!({"b": 2}));
        assert_eq!(value("{\"a\": 1, ... more members\n}"), json!({"a": 1}));
    }

    #[test]
    fn ellipsis_in_string_is_text() {
        let text = r#"{"a": "...", "b": "more …"}"#;
        assert_eq!(repairs(text), []);
        assert_eq!(value(text), json!({"a": "...", "b": "more …"}));
    }

    #[test]
    fn body_that_is_only_an_ellipsis() {
        let parsed = parse_lenient("\n...\n");
        assert_eq!(parsed.value, None);
        assert_eq!(parsed.error, None);
        assert_eq!(
            parsed.repairs,
            [Repair {
                kind: Ellipsis,
                line: 2,
                column: 1
            }]
        );
    }

    #[test]
    fn single_quoted_strings() {
        let text = "{'name': 'it\\'s \"ok\"'}";
        assert_eq!(
            repairs(text),
            [(SingleQuotedString, 1, 2), (SingleQuotedString, 1, 10)]
        );
        assert_eq!(value(text), json!({"name": "it's \"ok\""}));
    }

    #[test]
    fn unquoted_values() {
        let text =
            "{\n  \"id\": {id},\n  \"user\": <user-id>,\n  \"kind\": string,\n  \"ok\": true\n}";
        assert_eq!(
            repairs(text),
            [
                (UnquotedValue, 2, 9),
                (UnquotedValue, 3, 11),
                (UnquotedValue, 4, 11)
            ]
        );
        assert_eq!(
            value(text),
            json!({"id": "{id}", "user": "<user-id>", "kind": "string", "ok": true})
        );
        assert_eq!(
            value("[<some id>, 2019-01-01T00:00:00Z]"),
            json!(["<some id>", "2019-01-01T00:00:00Z"])
        );
        assert_eq!(
            value("{\"u\": https://x.y/z // c\n}"),
            json!({"u": "https://x.y/z"})
        );
        // Unquoted member names are read the same way.
        assert_eq!(repairs("{id: 1}"), [(UnquotedValue, 1, 2)]);
        assert_eq!(value("{id: 1}"), json!({"id": 1}));
        // Not JSON numbers, so kept as text.
        assert_eq!(
            value("[+1, .5, 01, 0x10]"),
            json!(["+1", ".5", "01", "0x10"])
        );
    }

    #[test]
    fn control_characters_in_strings() {
        let text = "{\"a\": \"line one\nline two\nthree\", \"b\": \"x\ty\"}";
        assert_eq!(
            repairs(text),
            [
                (ControlCharacterInString, 1, 16),
                (ControlCharacterInString, 3, 16)
            ]
        );
        assert_eq!(
            value(text),
            json!({"a": "line one\nline two\nthree", "b": "x\ty"})
        );
    }

    #[test]
    fn missing_closing_brackets_at_end() {
        let text = "{\"a\": [1, 2\n\n";
        assert_eq!(
            repairs(text),
            [
                (MissingClosingBracket, 1, 12),
                (MissingClosingBracket, 1, 12)
            ]
        );
        assert_eq!(value(text), json!({"a": [1, 2]}));
        assert_eq!(
            repairs("[1,"),
            [(TrailingComma, 1, 3), (MissingClosingBracket, 1, 4)]
        );
    }

    #[test]
    fn missing_closing_bracket_before_outer_closer() {
        let text = "{\"a\": [1, 2\n}";
        assert_eq!(repairs(text), [(MissingClosingBracket, 2, 1)]);
        assert_eq!(value(text), json!({"a": [1, 2]}));
    }

    #[test]
    fn trailing_text() {
        let text = "{\"a\": 1}\n\nThe response contains the user.";
        assert_eq!(repairs(text), [(TrailingText, 3, 1)]);
        assert_eq!(value(text), json!({"a": 1}));
        assert_eq!(repairs("[1]]"), [(TrailingText, 1, 4)]);
        assert_eq!(repairs("[1] /* unterminated"), [(TrailingText, 1, 5)]);
        assert_eq!(repairs("[1] // done"), [(Comment, 1, 5)]);
    }

    #[test]
    fn missing_comma_between_lines() {
        let text = "{\n  \"a\": 1\n  \"b\": 2\n}";
        assert_eq!(repairs(text), [(MissingComma, 2, 9)]);
        assert_eq!(value(text), json!({"a": 1, "b": 2}));
        assert_eq!(repairs("[\n {}\n {}\n]"), [(MissingComma, 2, 4)]);
        // On one line it stays an error.
        assert_eq!(
            error(r#"{"a": 1 "b": 2}"#),
            ("expected ',' or '}'".into(), 1, 9)
        );
    }

    #[test]
    fn graph_style_body() {
        let text = r#"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
  "value": [
    {
      "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
      "displayName": "Adele Vance",
    },
    ...
  ]
}"#;
        assert_eq!(repairs(text), [(TrailingComma, 6, 35), (Ellipsis, 8, 5)]);
        assert_eq!(
            value(text),
            json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
                "value": [{
                    "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
                    "displayName": "Adele Vance"
                }]
            })
        );
    }

    #[test]
    fn non_ascii_and_escapes() {
        let text = r#"{"naïve": "Zoë 日本 \u00e9 \ud83d\ude00 \" \\ \/ \b\f\n\r\t", "é": 1,}"#;
        assert_eq!(
            value(text),
            json!({"naïve": "Zoë 日本 é 😀 \" \\ / \u{8}\u{c}\n\r\t", "é": 1})
        );
        // Columns count chars, not bytes.
        assert_eq!(repairs(text), [(TrailingComma, 1, 67)]);
        assert_eq!(repairs("{\"日本\": 'x'}"), [(SingleQuotedString, 1, 8)]);
        assert_eq!(value("\u{feff}{\"a\":\u{a0}1}"), json!({"a": 1}));
    }

    #[test]
    fn large_numbers_do_not_panic() {
        assert_eq!(
            value("[12345678901234567890]"),
            json!([12345678901234567890u64])
        );
        assert_eq!(value("-9223372036854775808"), json!(i64::MIN));
        let big = value("123456789012345678901234567890");
        assert!(big.as_f64().is_some_and(|f| f > 1e29));
        assert_eq!(error("[1e400]"), ("number out of range".into(), 1, 2));
    }

    #[test]
    fn unrepairable_input_reports_location() {
        assert_eq!(error("hello world"), ("expected a JSON value".into(), 1, 1));
        assert_eq!(
            error("{\n  \"a\" 1\n}"),
            ("expected ':' after member name".into(), 2, 7)
        );
        assert_eq!(error("[1,,2]"), ("unexpected ','".into(), 1, 4));
        assert_eq!(error("[1, 2}"), ("unexpected '}'".into(), 1, 6));
        assert_eq!(error("{\"a\": }"), ("expected a value".into(), 1, 7));
        assert_eq!(error("{\"a\": "), ("unexpected end of input".into(), 1, 7));
        assert_eq!(error("[\"abc"), ("unterminated string".into(), 1, 2));
        assert_eq!(
            error("[\"a\\qb\"]"),
            ("invalid escape in string".into(), 1, 4)
        );
        assert_eq!(
            error("[\"\\ud800x\"]"),
            ("invalid unicode escape in string".into(), 1, 3)
        );
        assert_eq!(error("[1 /* open"), ("unterminated comment".into(), 1, 4));
        assert_eq!(error("}"), ("expected a JSON value".into(), 1, 1));
        assert_eq!(error("{[1]}"), ("expected a member name".into(), 1, 2));
    }

    #[test]
    fn deep_nesting_is_an_error_not_an_overflow() {
        let deep = "[".repeat(10_000);
        assert_eq!(error(&deep), ("nested too deeply".into(), 1, 513));
        let deep = "{\"a\":".repeat(10_000) + &"}".repeat(10_000);
        assert_eq!(error(&deep), ("nested too deeply".into(), 1, 512 * 5 + 1));
        // 512 levels are fine.
        let ok = "[".repeat(512) + &"]".repeat(512);
        assert!(parse_lenient(&ok).value.is_some());
        let truncated = "[".repeat(512);
        assert_eq!(parse_lenient(&truncated).repairs.len(), 512);
    }

    /// Adversarial input ends in a value, an error or a recorded repair (a body
    /// of only `...` is a placeholder), never a panic or an overflow. How fast
    /// is for the benchmark to say, not a timed test.
    fn assert_ends(text: &str) {
        let parsed = parse_lenient(text);
        assert!(
            parsed.value.is_some() || parsed.error.is_some() || !parsed.repairs.is_empty(),
            "neither a value nor an error for {:?}…",
            text.get(..8)
        );
    }

    #[test]
    fn one_megabyte_array_parses_whole() {
        let mut text = String::from("[");
        let mut i = 0u64;
        while text.len() < 1 << 20 {
            text.push_str(&format!("{i}, \"item {i}\", {{\"k\": {i}.5}}, "));
            i += 1;
        }
        text.push_str("null]");
        let parsed = parse_lenient(&text);
        assert_eq!(parsed.repairs, vec![]);
        let len = parsed
            .value
            .as_ref()
            .and_then(Value::as_array)
            .map(Vec::len);
        assert_eq!(len, Some(i as usize * 3 + 1));
    }

    #[test]
    fn adversarial_megabyte_inputs_end_in_a_value_or_an_error() {
        let mb = 1 << 20;
        for unit in [
            "{a",
            "<a,",
            "[{a",
            "/*",
            "'",
            "\"\n",
            "...",
            "{a}",
            "a ",
            "[1 // x\n",
        ] {
            let text = unit.repeat(mb / unit.len());
            assert_ends(&text);
            assert_ends(&format!("[{text}"));
            assert_ends(&format!("{{\"k\": {text}"));
        }
    }

    #[test]
    fn every_prefix_and_suffix_is_handled() {
        let text = "{\n  // c\n  'a': [1, 2.5e3, {id}, <x y>, ...],\n  \"b\": \"x\\u00e9\ny\",\n  /* k */ c: ...,\n  \"d\": {\"e\": null,}\n  \"f\": \"日本\"\n} trailing";
        let mut boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        boundaries.push(text.len());
        for &i in &boundaries {
            for part in [text.get(..i), text.get(i..)].into_iter().flatten() {
                let parsed = parse_lenient(part);
                assert!(parsed.value.is_none() || parsed.error.is_none());
            }
        }
    }

    /// Deterministic pseudo-random inputs from a JSON-ish alphabet: no panics,
    /// and whatever serde_json accepts strictly is parsed identically with no
    /// repairs.
    #[test]
    fn generated_inputs_never_panic_and_agree_with_serde_json() {
        let alphabet: Vec<char> = "{}[],:\"'\\/*.…-+0123456789eE truefalsn\n\tx{}<>é"
            .chars()
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut agreed = 0;
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len)
                .filter_map(|_| alphabet.get((next() % alphabet.len() as u64) as usize))
                .collect();
            let parsed = parse_lenient(&text);
            assert!(parsed.value.is_none() || parsed.error.is_none());
            if let Ok(strict) = serde_json::from_str::<Value>(&text) {
                assert_eq!(parsed.value, Some(strict), "{text:?}");
                assert_eq!(parsed.repairs, vec![], "{text:?}");
                agreed += 1;
            }
        }
        assert!(agreed > 0);
    }

    #[test]
    fn describe_is_one_line() {
        let kinds = [
            TrailingComma,
            Comment,
            Ellipsis,
            SingleQuotedString,
            UnquotedValue,
            ControlCharacterInString,
            MissingClosingBracket,
            TrailingText,
            MissingComma,
        ];
        for kind in kinds {
            let text = kind.describe();
            assert!(!text.is_empty() && !text.contains('\n'));
        }
        assert_eq!(TrailingComma.describe(), "trailing comma removed");
    }
}
