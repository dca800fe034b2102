//! The service's CSDL metadata as a test oracle for the model (issue 11).
//!
//! For each version of `../shared/corpus/graph-docs-2021` and its metadata in
//! `../shared/metadata/graph-csdl-2021-01`: every operation whose path resolves
//! in the CSDL is checked against the response the CSDL gives, and every
//! documented property found in the CSDL against its type there. The figures
//! are printed; every disagreement is listed in
//! `tests/metadata_expectations/<version>.txt`, and the test fails on a
//! disagreement the file does not list and on a listed one that is gone.
//!
//! `DOCGEN_BLESS=1 cargo test -p docgen --test metadata_oracle` rewrites the
//! files (keeping hand-written reasons of lines that stay). Without the corpus
//! or the metadata the test prints a notice and passes.

mod support;

use docgen::metadata::agreement::Agreement;
use docgen::metadata::{self, Comparison, ResponseClass};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use support::shared;

fn expectations(version: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/metadata_expectations")
        .join(format!("{version}.txt"))
}

/// The model of one corpus version compared with its metadata, or `None` (with
/// a notice) when either is absent.
fn comparison(version: &str) -> Option<Comparison> {
    let docs = shared().join("corpus/graph-docs-2021").join(version);
    let csdl = shared()
        .join("metadata/graph-csdl-2021-01")
        .join(format!("{version}_metadata.xml"));
    if !docs.is_dir() || !csdl.is_file() {
        println!(
            "corpus or metadata not found ({} / {}); skipping the metadata oracle for {version}",
            docs.display(),
            csdl.display()
        );
        return None;
    }
    let model = docgen::model_for_tree(&docs).expect("corpus is readable");
    let csdl = metadata::load(&csdl).expect("metadata parses");
    Some(metadata::compare(&model, &csdl))
}

/// Agreement counts of the response checks whose path resolved.
#[derive(Debug, Default)]
struct Figures {
    resolved: usize,
    unresolved: usize,
    by_class: BTreeMap<&'static str, usize>,
}

impl Figures {
    fn agree(&self) -> usize {
        self.by_class.get("agree").copied().unwrap_or(0)
    }

    fn related(&self) -> usize {
        self.by_class.get("related-type").copied().unwrap_or(0)
    }

    fn percent(&self, n: usize) -> f64 {
        if self.resolved == 0 {
            0.0
        } else {
            100.0 * n as f64 / self.resolved as f64
        }
    }
}

fn figures(comparison: &Comparison, only_get: bool) -> Figures {
    let mut figures = Figures::default();
    for check in &comparison.responses {
        if only_get && check.method != "GET" {
            continue;
        }
        if check.class == ResponseClass::Unresolved {
            figures.unresolved += 1;
            continue;
        }
        figures.resolved += 1;
        *figures.by_class.entry(check.class.name()).or_default() += 1;
    }
    figures
}

fn agreement_name(agreement: Agreement) -> &'static str {
    match agreement {
        Agreement::Same => "agree",
        Agreement::Related => "related-type",
        Agreement::Collection => "collection-flag",
        Agreement::Different => "unrelated-type",
        Agreement::Untyped => "docs-untyped",
    }
}

fn agreement_reason(agreement: Agreement) -> &'static str {
    match agreement {
        Agreement::Same => "agrees",
        Agreement::Related => "the docs name a base or derived type of the service's",
        Agreement::Collection => "one side is a collection, the other a single value",
        Agreement::Different => "the docs name a type unrelated to the service's",
        Agreement::Untyped => "the docs type the property as untyped JSON",
    }
}

/// Every disagreement: key (what is compared and how it disagrees) → generated reason.
fn disagreements(comparison: &Comparison) -> BTreeMap<String, String> {
    let mut lines = BTreeMap::new();
    for check in &comparison.responses {
        if matches!(
            check.class,
            ResponseClass::Agree | ResponseClass::Unresolved
        ) {
            continue;
        }
        let key = format!(
            "{} {} | docs: {} | service: {} | {} | {}",
            check.method,
            check.path,
            check.docs,
            check.service,
            check.class.name(),
            check.location.file
        );
        lines.insert(key, check.class.reason().to_string());
    }
    for check in &comparison.properties {
        if matches!(check.agreement, Agreement::Same | Agreement::Untyped) {
            continue;
        }
        let key = format!(
            "PROPERTY {} | docs: {} | service: {} | {} | {}",
            check.property,
            check.docs,
            check.service,
            agreement_name(check.agreement),
            check.location.file
        );
        lines.insert(key, agreement_reason(check.agreement).to_string());
    }
    lines
}

const HEADER: &str = "\
# Disagreements of the model with the service's CSDL metadata (generator/tests/metadata_oracle.rs).
# One line each: `METHOD path | docs: X | service: Y | class | page | reason`, or
# `PROPERTY type.property | docs: X | service: Y | class | page | reason`.
# Everything before the last ` | ` is compared; the reason may be edited by hand.
# Regenerate: DOCGEN_BLESS=1 cargo test -p docgen --test metadata_oracle
";

/// The listed lines: key → reason.
fn read_expectations(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| match line.rsplit_once(" | ") {
            Some((key, reason)) => (key.to_string(), reason.to_string()),
            None => (line.to_string(), String::new()),
        })
        .collect()
}

fn write_expectations(
    path: &Path,
    found: &BTreeMap<String, String>,
    listed: &BTreeMap<String, String>,
) {
    let mut text = HEADER.to_string();
    for (key, reason) in found {
        let reason = listed.get(key).unwrap_or(reason);
        text.push_str(&format!("{key} | {reason}\n"));
    }
    std::fs::write(path, text).expect("write expectations");
}

fn report(version: &str, comparison: &Comparison) {
    for (label, only_get) in [("GET", true), ("all methods", false)] {
        let f = figures(comparison, only_get);
        println!(
            "{version} {label}: {} operations resolve in the metadata ({} do not); agree {} ({:.1}%), base/derived type {} ({:.1}%), other disagreements {}",
            f.resolved,
            f.unresolved,
            f.agree(),
            f.percent(f.agree()),
            f.related(),
            f.percent(f.related()),
            f.resolved - f.agree() - f.related()
        );
        println!("{version} {label} by class: {:?}", f.by_class);
    }
    let mut unresolved: BTreeMap<&str, usize> = BTreeMap::new();
    for check in &comparison.responses {
        if let Some(kind) = check.unresolved_kind {
            *unresolved.entry(kind).or_default() += 1;
        }
    }
    println!("{version} unresolved paths by reason: {unresolved:?}");
    let mut properties: BTreeMap<&str, usize> = BTreeMap::new();
    for check in &comparison.properties {
        *properties
            .entry(agreement_name(check.agreement))
            .or_default() += 1;
    }
    let agree = properties.get("agree").copied().unwrap_or(0);
    println!(
        "{version} properties of types with a page found in the metadata: {}; agree {} ({:.1}%); by class {properties:?}",
        comparison.properties.len(),
        agree,
        100.0 * agree as f64 / comparison.properties.len().max(1) as f64
    );
}

fn oracle(version: &str) {
    let Some(comparison) = comparison(version) else {
        return;
    };
    report(version, &comparison);
    let found = disagreements(&comparison);
    let path = expectations(version);
    let listed = read_expectations(&path);
    if std::env::var_os("DOCGEN_BLESS").is_some() {
        write_expectations(&path, &found, &listed);
        println!(
            "wrote {} disagreement(s) to {}",
            found.len(),
            path.display()
        );
        return;
    }
    let found_keys: BTreeSet<&String> = found.keys().collect();
    let listed_keys: BTreeSet<&String> = listed.keys().collect();
    let new: Vec<&&String> = found_keys.difference(&listed_keys).collect();
    let gone: Vec<&&String> = listed_keys.difference(&found_keys).collect();
    let show = |items: &[&&String]| {
        items
            .iter()
            .take(40)
            .map(|k| format!("  {k}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        new.is_empty() && gone.is_empty(),
        "{version}: {} disagreement(s) not listed in {}:\n{}\n{} listed disagreement(s) gone:\n{}\n(rewrite with DOCGEN_BLESS=1 after checking them)",
        new.len(),
        path.display(),
        show(&new),
        gone.len(),
        show(&gone)
    );
}

#[test]
fn v1_disagreements_with_the_metadata_are_all_listed() {
    oracle("v1.0");
}

#[test]
fn beta_disagreements_with_the_metadata_are_all_listed() {
    oracle("beta");
}

/// Issue 11's targets: the model's response agrees with the service's for
/// 98% of GETs and 95% of all methods whose path resolves, where a base or
/// derived type of the service's agrees but is counted apart (the issue's
/// "type, or a base/derived type counted apart"; every one of them is still
/// listed in the expectations). A figure is held to its target where it is
/// met and otherwise to the figure measured at this commit, floored to 0.1;
/// agreement on the exact type may not fall below its measured figure either.
/// Measured (exact type + base/derived type, of those that resolve): v1.0
/// GETs 1176 + 23 of 1210, all methods 2519 + 50 of 2623; beta GETs 2287 + 30
/// of 2396, all methods 5274 + 67 of 5539.
fn at_least(version: &str, get_floors: (f64, f64), all_floors: (f64, f64)) {
    let Some(comparison) = comparison(version) else {
        return;
    };
    for (label, only_get, (exact_floor, floor)) in [
        ("GETs", true, get_floors),
        ("all methods", false, all_floors),
    ] {
        let f = figures(&comparison, only_get);
        let exact = f.percent(f.agree());
        let with_related = f.percent(f.agree() + f.related());
        println!(
            "{version}: {with_related:.1}% of {label} agree ({exact:.1}% on the exact type, {:.1}% on a base or derived type; issue 11 targets {})",
            f.percent(f.related()),
            if only_get { "98%" } else { "95%" }
        );
        assert!(
            with_related >= floor,
            "{version}: {with_related:.1}% of {label} agree (a base or derived type counted), below {floor}%"
        );
        assert!(
            exact >= exact_floor,
            "{version}: {exact:.1}% of {label} agree on the exact type, below the {exact_floor}% reached before"
        );
    }
}

#[test]
fn v1_agreement_meets_the_targets() {
    at_least("v1.0", (97.1, 98.0), (96.0, 95.0));
}

#[test]
fn beta_agreement_does_not_fall() {
    // Measured: GETs 95.95% exact (2299 of 2396), 97.20% with base/derived
    // types (2329); all methods 95.47% exact (5288 of 5539), 96.68% with them
    // (5355); the floors are these, truncated (unchanged by reading a plural
    // name no page documents as the documented singular: no beta GET said
    // one). GETs are short of the 98% target: the remaining disagreements are
    // the pages' own words, listed with reasons; 20 are Dynamics 365 types that
    // their resource pages document under plural names ("accounts resource
    // type"), which the API pages repeat and the service spells singular.
    at_least("beta", (95.9, 97.2), (95.4, 96.6));
}
