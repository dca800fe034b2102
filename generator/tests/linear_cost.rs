//! Linear cost on any input (issue 16, item 12). Each case is timed against a
//! linear baseline of about the same size measured in the same run, and must
//! stay within a generous factor of it: the blow-ups it guards against were
//! quadratic or cubic, many times that factor at these sizes, while machine
//! speed and load affect both sides alike.
//!
//! Sizes are smaller than in the issue (these run in a debug build); the
//! release-build figures are in the README's trust table.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// The factor a case may take over its baseline, plus a floor for timer noise.
/// (The many-properties case uses a smaller one: in a debug build the
/// emitter's formatting, linear, weighs on both sides and hides the quadratic
/// part up to a ratio of about 5 at 20,000 rows; after the fix it is about 1.)
const FACTOR: u32 = 10;
const PROPERTIES_FACTOR: u32 = 3;
const SLACK: Duration = Duration::from_millis(500);

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write page");
}

/// Model and crate of a tree, timed. `emit` also runs the emitter.
fn run(docs: &Path, emit: bool) -> (Duration, docgen::ApiModel) {
    let started = Instant::now();
    let model = docgen::model_for_tree(docs).expect("tree reads");
    if emit {
        docgen::emit::emit_crate(&model).expect("crate emits");
    }
    (started.elapsed(), model)
}

/// Builds the case and the baseline trees, times both (each twice, keeping
/// the faster: a pause of a loaded machine once failed a single run of a
/// case that is linear; a case that is not is slow on every run) and asserts
/// the bound.
fn assert_linear(
    name: &str,
    emit: bool,
    factor: u32,
    case: impl Fn(&Path),
    baseline: impl Fn(&Path),
) -> docgen::ApiModel {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (case_dir, base_dir) = (tmp.path().join("case"), tmp.path().join("base"));
    case(&case_dir);
    baseline(&base_dir);
    let base = (0..2)
        .map(|_| run(&base_dir, emit).0)
        .min()
        .unwrap_or_default();
    let (first, _) = run(&case_dir, emit);
    let (second, model) = run(&case_dir, emit);
    let took = first.min(second);
    assert!(
        took <= base * factor + SLACK,
        "{name}: {took:?}, more than {factor} × the linear baseline's {base:?} (+{SLACK:?})"
    );
    eprintln!("{name}: {took:?} (baseline {base:?})");
    model
}

fn resource_page(name: &str, rows: impl Iterator<Item = String>) -> String {
    let mut page = format!(
        "---\ntitle: \"{name} resource type\"\ndescription: \"A {name}.\"\ndoc_type: resourcePageType\n---\n\n# {name} resource type\n\nNamespace: microsoft.graph\n\nA {name}.\n\n## Properties\n|Property|Type|Description|\n|:---|:---|:---|\n"
    );
    for row in rows {
        page.push_str(&row);
    }
    let _ = write!(
        page,
        "\n## JSON representation\n<!-- {{\n  \"blockType\": \"resource\",\n  \"@odata.type\": \"microsoft.graph.{name}\"\n}}\n-->\n```json\n{{}}\n```\n"
    );
    page
}

#[test]
fn a_type_with_many_properties_costs_what_many_small_types_cost() {
    const ROWS: usize = 20_000;
    let row = |i: usize| format!("|p{i}|String|Property {i}.|\n");
    assert_linear(
        "20,000 property rows",
        true,
        PROPERTIES_FACTOR,
        |dir| {
            write(
                dir,
                "resources/big.md",
                &resource_page("big", (0..ROWS).map(row)),
            )
        },
        |dir| {
            for t in 0..ROWS / 100 {
                let name = format!("t{t}");
                let page = resource_page(&name, (t * 100..t * 100 + 100).map(row));
                write(dir, &format!("resources/{name}.md"), &page);
            }
        },
    );
}

fn list_page(bytes: usize, depth_of: impl Fn(usize) -> usize) -> String {
    let mut page =
        String::from("---\ntitle: \"List\"\ndoc_type: conceptualPageType\n---\n\n# List\n\n");
    let mut line = 0;
    while page.len() < bytes {
        page.push_str(&"  ".repeat(depth_of(line)));
        page.push_str("- item text here\n");
        line += 1;
    }
    page
}

#[test]
fn a_deeply_nested_list_costs_what_a_flat_one_costs() {
    const BYTES: usize = 1_000_000;
    assert_linear(
        "1 MB list nested one level per item",
        false,
        FACTOR,
        |dir| write(dir, "list.md", &list_page(BYTES, |line| line)),
        |dir| write(dir, "list.md", &list_page(BYTES, |line| line % 4)),
    );
    // Memory: what the parsed page keeps of its source. Each item kept the
    // source of its whole subtree, 0.65 GB for this page; now each its own line.
    let page = list_page(BYTES, |line| line);
    let parsed = docgen::parse::parse_page("list.md", &page);
    let kept: usize = parsed
        .blocks
        .iter()
        .map(|block| match block {
            docgen::parse::Block::Paragraph(p) => p.markdown.len() + p.text.len(),
            _ => 0,
        })
        .sum();
    assert!(
        kept <= 2 * page.len(),
        "the parsed list keeps {kept} bytes of a {}-byte page",
        page.len()
    );
}

fn api_page(path: &str, example_url: &str, body: &str) -> String {
    format!(
        "---\ntitle: \"Create x\"\ndescription: \"Create x.\"\ndoc_type: apiPageType\n---\n\n# Create x\n\nNamespace: microsoft.graph\n\n## HTTP request\n\n``` http\nPOST {path}\n```\n\n## Request body\nIn the request body, supply a JSON representation of a [x](../resources/x.md) object.\n\n## Response\nIf successful, this method returns a `201 Created` response code and a [x](../resources/x.md) object in the response body.\n\n## Example\n\n### Request\n<!-- {{ \"blockType\": \"request\", \"name\": \"create_x\" }} -->\n```http\nPOST https://graph.microsoft.com/v1.0{example_url}\nContent-type: application/json\n\n{body}\n```\n\n### Response\n<!-- {{ \"blockType\": \"response\", \"@odata.type\": \"microsoft.graph.x\" }} -->\n```http\nHTTP/1.1 201 Created\nContent-type: application/json\n\n{{\"a\": \"b\"}}\n```\n"
    )
}

fn x_tree(dir: &Path, path: &str, example_url: &str, body: &str) {
    write(
        dir,
        "resources/x.md",
        &resource_page("x", std::iter::once("|a|String|A.|\n".to_string())),
    );
    write(dir, "api/x-create.md", &api_page(path, example_url, body));
}

#[test]
fn adjacent_path_parameters_against_a_long_url_cost_what_one_parameter_costs() {
    // An example that does not match makes the search try every split.
    let url = format!("/xs/{}/nope", "a".repeat(16_000));
    assert_linear(
        "{a}{b}{c} against 16,000 characters",
        false,
        FACTOR,
        |dir| x_tree(dir, "/xs/{a}{b}{c}/end", &url, "{\"a\": \"b\"}"),
        |dir| x_tree(dir, "/xs/{a}/end", &url, "{\"a\": \"b\"}"),
    );
    // A run of parameters still matches, with the values the split-by-split
    // search gave: the first takes all but one character for each other.
    let template = docgen::parse::path_template::PathTemplate::parse("/xs/{a}{b}{c}/end");
    let values = template.match_path(&format!("/xs/{}/end", "a".repeat(16_000)));
    let values = values.expect("matches");
    assert_eq!(values.len(), 3);
    assert_eq!(values[0].len(), 15_998);
    assert_eq!(&values[1..], ["a", "a"]);
    let template = docgen::parse::path_template::PathTemplate::parse("/xs/{a}{b}.{c}");
    assert_eq!(
        template.match_path("/xs/abc.de"),
        Some(vec!["ab".to_string(), "c".to_string(), "de".to_string()])
    );
}

#[test]
fn a_quote_and_many_hashes_in_an_example_cost_what_plain_text_costs() {
    let hashes = format!("{{\"a\": \"\\\"{}\"}}", "#".repeat(80_000));
    let plain = format!("{{\"a\": \"\\\"{}\"}}", "a".repeat(80_000));
    assert_linear(
        "`\"` and 80,000 `#` in an example string",
        true,
        FACTOR,
        |dir| x_tree(dir, "/xs", "/xs", &hashes),
        |dir| x_tree(dir, "/xs", "/xs", &plain),
    );
}

#[test]
fn front_matter_nested_deep_is_refused_quickly_with_a_diagnostic() {
    const DEPTH: usize = 100_000;
    let page =
        |front: &str| format!("---\n{front}\ndoc_type: conceptualPageType\n---\n\n# F\n\nText.\n");
    let model = assert_linear(
        "front matter nested 100,000 deep",
        false,
        FACTOR,
        |dir| {
            let nested = format!("title: {}{}", "[".repeat(DEPTH), "]".repeat(DEPTH));
            write(dir, "f.md", &page(&nested));
        },
        |dir| {
            write(
                dir,
                "f.md",
                &page(&format!("title: \"{}\"", "a".repeat(2 * DEPTH))),
            )
        },
    );
    assert!(
        model
            .diagnostics
            .iter()
            .any(|d| d.code == docgen::diagnostics::Code::FrontMatterInvalid
                && d.location.file == "f.md"
                && d.message.contains("nests deeper than")),
        "{:?}",
        model.diagnostics
    );
}
