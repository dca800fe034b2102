//! Cost of `docgen generate` on the real corpus, stage by stage, against a floor.
//!
//! `cargo bench -p docgen --bench pipeline` (a plain binary, `harness = false`).
//! For each API version of `../shared/corpus/graph-docs-2021` (or the folder in
//! `DOCGEN_CORPUS`) it prints, as the median of 3 runs (`DOCGEN_BENCH_RUNS`):
//!
//! - the pipeline's stages: read (`source::read_tree`), parse (`parse::parse_page`
//!   for every page), model (`model::build_model`), emit (`emit::emit_crate`,
//!   which includes formatting the code with prettyplease), write
//!   (`output::write_crate` into a fresh temporary folder), and their total;
//! - an estimate of the formatting inside emit, which cannot be timed apart:
//!   `syn::parse_file` + `prettyplease::unparse` over the emitted Rust files
//!   (an upper bound: emit parses token trees, not text), and the
//!   `prettyplease::unparse` part alone (a lower bound);
//! - `build_script::include_form`, the build-script post-processing (not part
//!   of the total);
//! - the floor: reading every page and running pulldown-cmark over it and
//!   nothing else, and total / floor;
//! - `build_script::Builder::generate` into an empty `OUT_DIR` (full) and again
//!   over unchanged docs (no-op), and no-op / full;
//! - peak memory (`VmHWM` of `/proc/self/status`) of a process that runs the
//!   floor and the pipeline for that version only (each version runs in its own
//!   child process, so one version's peak does not hide in the other's).
//!
//! The corpus is not part of the repository; without it the benchmark prints a
//! notice and exits successfully.

use docgen::build_script::Builder;
use docgen::{emit, model, output, parse, source};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const VERSIONS: [&str; 2] = ["v1.0", "beta"];
const CHILD_ENV: &str = "DOCGEN_BENCH_CHILD";

fn main() -> ExitCode {
    let corpus = corpus_dir();
    if let Ok(version) = std::env::var(CHILD_ENV) {
        return child(&corpus.join(version));
    }
    if !corpus.is_dir() {
        println!(
            "pipeline bench: corpus not found at {}; skipping (set DOCGEN_CORPUS to its folder)",
            corpus.display()
        );
        return ExitCode::SUCCESS;
    }
    let runs = runs();
    let mut results = Vec::new();
    for version in VERSIONS {
        let docs = corpus.join(version);
        if !docs.is_dir() {
            println!("pipeline bench: {} not found; skipping", docs.display());
            continue;
        }
        eprintln!("pipeline bench: {version} ({runs} runs)…");
        let exe = std::env::current_exe().expect("current exe");
        let out = Command::new(exe)
            .env(CHILD_ENV, version)
            .output()
            .expect("run child");
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
            return ExitCode::FAILURE;
        }
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let measured: Measured = serde_json::from_str(text.trim()).expect("child output");
        results.push((version, measured));
    }
    print_table(&corpus, runs, &results);
    ExitCode::SUCCESS
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("DOCGEN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/graph-docs-2021")
        })
}

fn runs() -> usize {
    std::env::var("DOCGEN_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(3)
}

/// Everything measured for one version, in seconds (medians) and bytes.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Measured {
    pages: usize,
    megabytes: f64,
    operations: usize,
    types: usize,
    files: usize,
    read: f64,
    parse: f64,
    model: f64,
    emit: f64,
    format_estimate: f64,
    unparse_only: f64,
    include_form: f64,
    write: f64,
    total: f64,
    floor: f64,
    build_full: f64,
    build_noop: f64,
    peak_mb: f64,
}

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64()
}

fn timed<T>(samples: &mut Vec<Duration>, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    samples.push(start.elapsed());
    value
}

fn child(docs: &Path) -> ExitCode {
    let runs = runs();
    let mut m = Measured::default();
    let tree_name = docs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();

    // Floor: read every page and run pulldown-cmark over it, nothing else.
    let mut floor = Vec::new();
    for _ in 0..runs {
        timed(&mut floor, || {
            let tree = source::read_tree(docs).expect("read corpus");
            let mut events = 0usize;
            for file in &tree.files {
                events += pulldown_cmark::Parser::new_ext(
                    &file.text,
                    pulldown_cmark::Options::ENABLE_TABLES,
                )
                .count();
            }
            black_box(events)
        });
    }
    m.floor = median(floor);

    // The pipeline, stage by stage.
    let (mut unparse, mut include) = (Vec::new(), Vec::new());
    let (mut read, mut parse_, mut model_, mut emit_, mut write, mut total, mut format) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for _ in 0..runs {
        let start = Instant::now();
        let tree = timed(&mut read, || source::read_tree(docs).expect("read corpus"));
        let pages = timed(&mut parse_, || {
            tree.files
                .iter()
                .map(|file| parse::parse_page(&file.relative, &file.text))
                .collect::<Vec<_>>()
        });
        let built = timed(&mut model_, || model::build_model(pages, &tree_name));
        let generated = timed(&mut emit_, || emit::emit_crate(&built).expect("emit"));
        let target = tempfile::tempdir().expect("temporary folder");
        timed(&mut write, || {
            output::write_crate(target.path(), &generated).expect("write")
        });
        total.push(start.elapsed());

        m.pages = tree.files.len();
        m.megabytes = tree.files.iter().map(|f| f.text.len()).sum::<usize>() as f64 / 1e6;
        m.operations = built.operations.len();
        m.types = built.types.len();
        m.files = generated.files.len();
        drop((tree, built));
        // Not part of the total: how much of emit formatting costs, roughly.
        let mut printing = Duration::ZERO;
        timed(&mut format, || {
            for (path, text) in &generated.files {
                if path.ends_with(".rs") {
                    let file = syn::parse_file(text).expect("emitted code parses");
                    let start = Instant::now();
                    black_box(prettyplease::unparse(&file));
                    printing += start.elapsed();
                }
            }
        });
        unparse.push(printing);
        // Not part of the total either: the build-script post-processing.
        timed(&mut include, || {
            black_box(
                docgen::build_script::include_form(&generated, "crate::graph", false)
                    .expect("includable"),
            )
        });
        drop(generated);
        drop(target);
    }
    m.peak_mb = peak_memory_mb();
    m.read = median(read);
    m.parse = median(parse_);
    m.model = median(model_);
    m.emit = median(emit_);
    m.write = median(write);
    m.total = median(total);
    m.format_estimate = median(format);
    m.unparse_only = median(unparse);
    m.include_form = median(include);

    // The build-script API: a full run into an empty OUT_DIR, then a no-op rerun.
    let (mut full, mut noop) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let out = tempfile::tempdir().expect("temporary folder");
        let builder = Builder::new(docs)
            .out_dir(out.path())
            .cargo_directives(false)
            .fail_on(None);
        let first = timed(&mut full, || builder.generate().expect("full run"));
        assert!(!first.up_to_date);
        let second = timed(&mut noop, || builder.generate().expect("no-op run"));
        assert!(second.up_to_date && second.written.is_empty());
    }
    m.build_full = median(full);
    m.build_noop = median(noop);

    println!("{}", serde_json::to_string(&m).expect("serializes"));
    ExitCode::SUCCESS
}

/// `VmHWM` (peak resident set) of this process, in MB.
fn peak_memory_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn print_table(corpus: &Path, runs: usize, results: &[(&str, Measured)]) {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let secs = |v: f64| format!("{v:.3} s");
    let mut row = |label: &str, f: &dyn Fn(&Measured) -> String| {
        rows.push((
            label.to_string(),
            results.iter().map(|(_, m)| f(m)).collect(),
        ));
    };
    row("pages (MB of Markdown)", &|m| {
        format!("{} ({:.1} MB)", m.pages, m.megabytes)
    });
    row("operations / types / files", &|m| {
        format!("{} / {} / {}", m.operations, m.types, m.files)
    });
    row("read (source::read_tree)", &|m| secs(m.read));
    row("parse (parse::parse_page, all)", &|m| secs(m.parse));
    row("model (model::build_model)", &|m| secs(m.model));
    row("emit (emit::emit_crate, incl. format)", &|m| secs(m.emit));
    row("  format estimate: syn parse + unparse", &|m| {
        secs(m.format_estimate)
    });
    row("  format estimate: unparse only", &|m| secs(m.unparse_only));
    row("write (output::write_crate, empty dir)", &|m| secs(m.write));
    row("total", &|m| secs(m.total));
    row("floor (read + pulldown-cmark)", &|m| secs(m.floor));
    row("total / floor (target <= 2)", &|m| {
        format!("{:.1}x", m.total / m.floor)
    });
    row("peak memory VmHWM (target < 512 MB)", &|m| {
        format!("{:.0} MB", m.peak_mb)
    });
    row("build_script include_form (not in total)", &|m| {
        secs(m.include_form)
    });
    row("build_script generate, full", &|m| secs(m.build_full));
    row("build_script generate, no-op", &|m| secs(m.build_noop));
    row("no-op / full (target <= 5%)", &|m| {
        format!("{:.1}%", 100.0 * m.build_noop / m.build_full)
    });

    println!(
        "docgen pipeline on {} (median of {runs} runs; writes go to {})\n",
        corpus.display(),
        std::env::temp_dir().display()
    );
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let col = rows
        .iter()
        .flat_map(|(_, v)| v.iter().map(String::len))
        .chain(results.iter().map(|(v, _)| v.len()))
        .max()
        .unwrap_or(0);
    let header: Vec<String> = results.iter().map(|(v, _)| format!("{v:>col$}")).collect();
    println!("| {:width$} | {} |", "", header.join(" | "));
    println!(
        "|{}|{}",
        "-".repeat(width + 2),
        results
            .iter()
            .map(|_| format!("{}:|", "-".repeat(col + 1)))
            .collect::<String>()
    );
    for (label, values) in rows {
        let values: Vec<String> = values.iter().map(|v| format!("{v:>col$}")).collect();
        println!("| {label:width$} | {} |", values.join(" | "));
    }
}
