//! The simple front matter reader (`read_simple`) against serde_yaml_ng: where
//! the simple reader answers, it must answer what the YAML parser answers, on
//! every page of the corpus and on generated inputs made of tricky pieces.

mod support;

use docgen::parse::front_matter::{read_simple, FrontMatter};
use proptest::prelude::*;
use support::corpus;
use walkdir::WalkDir;

/// The YAML between the opening `---` line and the next `---` line.
fn yaml_of(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---")?;
    rest.get(..end + 1)
}

fn by_yaml_parser(yaml: &str) -> Result<FrontMatter, String> {
    serde_yaml_ng::from_str(yaml).map_err(|err| err.to_string())
}

#[test]
fn the_simple_reader_agrees_with_the_yaml_parser_on_the_corpus() {
    let Some(corpus) = corpus("front matter comparison") else {
        return;
    };
    let (mut pages, mut simple) = (0usize, 0usize);
    for entry in WalkDir::new(&corpus).into_iter().flatten() {
        if entry.path().extension().is_none_or(|ext| ext != "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let Some(yaml) = yaml_of(&text) else {
            continue;
        };
        pages += 1;
        if let Some(front_matter) = read_simple(yaml) {
            simple += 1;
            assert_eq!(
                Ok(front_matter),
                by_yaml_parser(yaml),
                "{}",
                entry.path().display()
            );
        }
    }
    println!("{simple} of {pages} pages' front matter read by the simple reader");
    assert!(pages > 10_000, "{pages} pages with front matter");
    // The simple reader is there for speed: it must take nearly every page.
    assert!(simple * 100 >= pages * 95, "{simple} of {pages}");
}

const KEYS: &[&str] = &[
    "title",
    "description",
    "ms.prod",
    "doc_type",
    "author",
    "ms.date",
    " title",
    "title ",
    "-",
];
const SEPARATORS: &[&str] = &[": ", ":", ":  ", ":\t", " : "];
const VALUES: &[&str] = &[
    "Get user",
    "\"quoted: x\"",
    "'single'",
    "'it''s'",
    "true",
    "Yes",
    "off",
    "12",
    "1.5",
    "0x1F",
    ".inf",
    "null",
    "~",
    "a: b",
    "a:b",
    "x # c",
    "x#c",
    "-x",
    "- x",
    "",
    "\"esc\\\"aped\"",
    "\"tab\\t\"",
    "it's",
    "[a]",
    "{a: b}",
    "a, b",
    "a [b]",
    "09/15/2020",
    "2020-09-15",
    "é accent",
    "x\t",
    "x ",
    "\"a\" b",
    "\"unclosed",
    "&anchor x",
    "*alias",
    "!tag x",
    "|",
    ">",
    "%x",
    "@x",
    "`x`",
    "x:",
    "apiPageType",
];

fn line() -> impl Strategy<Value = String> {
    (
        prop::sample::select(KEYS),
        prop::sample::select(SEPARATORS),
        prop::sample::select(VALUES),
    )
        .prop_map(|(key, separator, value)| format!("{key}{separator}{value}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn where_the_simple_reader_answers_the_yaml_parser_agrees(
        lines in prop::collection::vec(prop_oneof![4 => line(), 1 => Just(String::new())], 0..6)
    ) {
        let yaml = lines.iter().map(|line| format!("{line}\n")).collect::<String>();
        if let Some(front_matter) = read_simple(&yaml) {
            prop_assert_eq!(Ok(front_matter), by_yaml_parser(&yaml), "{:?}", yaml);
        }
    }
}
