//! Cost of `docgen generate` on the real corpus, stage by stage, against a floor.
//!
//! `cargo bench -p docgen --bench pipeline` (a plain binary, `harness = false`).
//! For each API version of `../shared/corpus/graph-docs-2021` (or the folder in
//! `DOCGEN_CORPUS`) it prints, as the median of 3 runs (`DOCGEN_BENCH_RUNS`):
//!
//! - the pipeline's stages, with the library calls `docgen generate` makes:
//!   read (`source::read_tree`), parse (`docgen::parse_pages`), model
//!   (`docgen::model_for_pages`), emit (`emit::emit_crate`, which includes
//!   formatting the code with prettyplease), write (`output::write_crate` into
//!   a fresh temporary folder), and their total;
//! - an estimate of the formatting inside emit, which cannot be timed apart
//!   (each parallel job builds and formats its file): `syn::parse_file` +
//!   `prettyplease::unparse` over the emitted Rust files, sequentially (an upper
//!   bound of its CPU time: emit parses token trees, not text);
//! - the floor: reading every page and running pulldown-cmark over it and
//!   nothing else, on the same thread pool as the pipeline, and total / floor;
//! - the `docgen generate` binary end to end (the release build cargo builds
//!   for benches): a full run into an empty folder, then a second run over the
//!   unchanged docs (the no-op), with their ratios to the floor and to each
//!   other, and a third run without the stamp (everything regenerated in
//!   memory, every file found already right), the run the no-op replaces;
//! - `docgen generate` after one page of a copy of the docs is edited, over
//!   the output of the previous run (formatted code of unchanged files reused),
//!   with how many files were reused;
//! - `build_script::Builder::generate` into an empty `OUT_DIR` (full), again
//!   over unchanged docs (no-op), and after one page is edited;
//! - peak memory (`VmHWM` of `/proc/self/status`) of the process that ran the
//!   floor and the pipeline for that version only (each version runs in its own
//!   child process, so one version's peak does not hide in the other's), and of
//!   one full `docgen generate` run of the binary (`/usr/bin/time -f %M`, where
//!   GNU time is installed).
//!
//! Output folders are created in one scratch folder that is deleted only when
//! every version is measured (see `scratch_dir`).
//!
//! Every version is measured twice: with rayon's default thread count (one per
//! core) and with `RAYON_NUM_THREADS=1`, to show what the parallelism buys.
//!
//! The corpus is not part of the repository; without it the benchmark prints a
//! notice and exits successfully.

use docgen::build_script::Builder;
use docgen::{emit, output, source};
use rayon::prelude::*;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const VERSIONS: [&str; 2] = ["v1.0", "beta"];
const CHILD_ENV: &str = "DOCGEN_BENCH_CHILD";
/// The folder every child writes its output folders in, deleted by the parent
/// when all versions are measured (see [`scratch_dir`]).
const SCRATCH_ENV: &str = "DOCGEN_BENCH_SCRATCH";

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
    let scratch = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(err) => {
            eprintln!("pipeline bench: cannot make a scratch folder: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut results = Vec::new();
    for threads in [None, Some(1)] {
        for version in VERSIONS {
            let docs = corpus.join(version);
            if !docs.is_dir() {
                println!("pipeline bench: {} not found; skipping", docs.display());
                continue;
            }
            let label = match threads {
                None => version.to_string(),
                Some(n) => format!("{version}, {n} thread"),
            };
            eprintln!("pipeline bench: {label} ({runs} runs)…");
            let Ok(exe) = std::env::current_exe() else {
                eprintln!("pipeline bench: cannot find its own executable");
                return ExitCode::FAILURE;
            };
            let mut command = Command::new(exe);
            command
                .env(CHILD_ENV, version)
                .env(SCRATCH_ENV, scratch.path());
            if let Some(n) = threads {
                command.env("RAYON_NUM_THREADS", n.to_string());
            }
            let out = match command.output() {
                Ok(out) if out.status.success() => out,
                Ok(out) => {
                    eprintln!("{}", String::from_utf8_lossy(&out.stderr));
                    return ExitCode::FAILURE;
                }
                Err(err) => {
                    eprintln!("pipeline bench: cannot run the child: {err}");
                    return ExitCode::FAILURE;
                }
            };
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            match serde_json::from_str::<Measured>(text.trim()) {
                Ok(measured) => results.push((label, measured)),
                Err(err) => {
                    eprintln!("pipeline bench: unreadable child output ({err}): {text}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    print_table(&corpus, runs, &results);
    drop(scratch);
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

/// Everything measured for one version, in seconds (medians) and MB.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Measured {
    threads: usize,
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
    write: f64,
    total: f64,
    floor: f64,
    cli_full: f64,
    cli_noop: f64,
    cli_rerun: f64,
    /// Peak resident set of a full `docgen generate`, from `/usr/bin/time -f %M`.
    cli_peak_mb: Option<f64>,
    build_full: f64,
    build_noop: f64,
    /// `docgen generate` after one page was edited (formatted code reused).
    cli_edit: f64,
    /// Of the Rust files of that run, how many took their code from the last run.
    cli_edit_reused: String,
    /// `build_script::Builder::generate` after one page was edited.
    build_edit: f64,
    build_edit_reused: usize,
    peak_mb: f64,
}

/// A new empty folder for one run's output, kept until the parent deletes the
/// whole scratch folder at the end. Deleting thousands of files just before
/// creating thousands more makes ext4 slow to create them (its inode allocator
/// skips recently deleted inodes, reading their inode blocks): on this machine
/// the write stage took 2.0 s instead of 0.1 s for v1.0 when each run's output
/// was deleted before the next. The bench measures writing, not that.
fn scratch_dir() -> BenchResult<PathBuf> {
    let base = std::env::var_os(SCRATCH_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    Ok(tempfile::tempdir_in(base)?.keep())
}

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples
        .get(samples.len() / 2)
        .map_or(f64::NAN, Duration::as_secs_f64)
}

fn timed<T>(samples: &mut Vec<Duration>, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = f();
    samples.push(start.elapsed());
    value
}

/// Measures one version in this (child) process; prints a JSON `Measured`.
fn child(docs: &Path) -> ExitCode {
    match measure(docs) {
        Ok(m) => match serde_json::to_string(&m) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("pipeline bench: {err}");
                ExitCode::FAILURE
            }
        },
        Err(err) => {
            eprintln!("pipeline bench: {}: {err}", docs.display());
            ExitCode::FAILURE
        }
    }
}

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn measure(docs: &Path) -> BenchResult<Measured> {
    let runs = runs();
    let mut m = Measured {
        threads: rayon::current_num_threads(),
        ..Measured::default()
    };
    let tree_name = docgen::tree_name(docs);

    // Floor: read every page and run pulldown-cmark over it, nothing else, on
    // the same thread pool as the pipeline.
    let mut floor = Vec::new();
    for _ in 0..runs {
        let events = timed(&mut floor, || -> BenchResult<usize> {
            let tree = source::read_tree(docs)?;
            Ok(tree
                .files
                .par_iter()
                .map(|file| {
                    pulldown_cmark::Parser::new_ext(
                        &file.text,
                        pulldown_cmark::Options::ENABLE_TABLES,
                    )
                    .count()
                })
                .sum::<usize>())
        })?;
        black_box(events);
    }
    m.floor = median(floor);

    // The pipeline, stage by stage, as `docgen generate` runs it.
    let mut format = Vec::new();
    let (mut read, mut parse, mut model, mut emit_, mut write, mut total) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for _ in 0..runs {
        let target = scratch_dir()?;
        let start = Instant::now();
        let tree = timed(&mut read, || source::read_tree(docs))?;
        let pages = timed(&mut parse, || docgen::parse_pages(&tree.files));
        m.pages = tree.files.len();
        m.megabytes = tree.files.iter().map(|f| f.text.len()).sum::<usize>() as f64 / 1e6;
        drop(tree.files);
        let built = timed(&mut model, || {
            docgen::model_for_pages(pages, tree.diagnostics, &tree_name)
        });
        let generated = timed(&mut emit_, || emit::emit_crate(&built))?;
        timed(&mut write, || output::write_crate(&target, &generated))?;
        total.push(start.elapsed());

        m.operations = built.operations.len();
        m.types = built.types.len();
        m.files = generated.files.len();
        drop(built);
        // Not part of the total: what the formatting inside emit costs, roughly.
        timed(&mut format, || -> BenchResult<()> {
            for (path, text) in &generated.files {
                if path.ends_with(".rs") {
                    let file = syn::parse_file(text)?;
                    black_box(prettyplease::unparse(&file));
                }
            }
            Ok(())
        })?;
    }
    m.peak_mb = peak_memory_mb();
    m.read = median(read);
    m.parse = median(parse);
    m.model = median(model);
    m.emit = median(emit_);
    m.write = median(write);
    m.total = median(total);
    m.format_estimate = median(format);

    // The binary end to end: a full run into an empty folder, then the no-op.
    let (mut full, mut noop, mut rerun) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let out = scratch_dir()?;
        let first = timed(&mut full, || docgen_generate(docs, &out))?;
        if first.contains("up to date") {
            return Err(format!("a first run was a no-op: {first}").into());
        }
        let second = timed(&mut noop, || docgen_generate(docs, &out))?;
        if !second.contains("up to date, wrote nothing") {
            return Err(format!("a second run was not a no-op: {second}").into());
        }
        // What the no-op saves: the same run without the stamp, which regenerates
        // everything in memory and finds every file on disk already right.
        std::fs::remove_file(out.join(docgen::stamp::STAMP_FILE))?;
        let third = timed(&mut rerun, || docgen_generate(docs, &out))?;
        if !third.contains("wrote 0 files") {
            return Err(format!("a run without the stamp wrote files: {third}").into());
        }
    }
    m.cli_full = median(full);
    m.cli_noop = median(noop);
    m.cli_rerun = median(rerun);
    m.cli_peak_mb = cli_peak_memory_mb(docs)?;
    (m.cli_edit, m.cli_edit_reused) = one_page_edited(docs, runs)?;

    // The build-script API: a full run into an empty OUT_DIR, then a no-op rerun.
    let (mut full, mut noop) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let out = scratch_dir()?;
        let builder = Builder::new(docs)
            .out_dir(&out)
            .cargo_directives(false)
            .fail_on(None);
        let first = timed(&mut full, || builder.generate())?;
        let second = timed(&mut noop, || builder.generate())?;
        if first.up_to_date || !second.up_to_date || !second.written.is_empty() {
            return Err("the build-script no-op did not happen as expected".into());
        }
    }
    m.build_full = median(full);
    m.build_noop = median(noop);
    (m.build_edit, m.build_edit_reused) = builder_one_page_edited(docs, runs)?;
    Ok(m)
}

/// The regeneration users run most: one page of a generated tree edited, then
/// `docgen generate` over the same output (the formatted code of unchanged
/// files is reused). A copy of the docs gets one page's title edited before
/// each run. Returns the median time and the last run's reuse count.
fn one_page_edited(docs: &Path, runs: usize) -> BenchResult<(f64, String)> {
    let EditableCopy {
        docs: copy,
        page,
        out,
    } = editable_copy(docs)?;
    docgen_generate(&copy, &out)?;
    let report = out.with_extension("report.json");
    let mut samples = Vec::new();
    for run in 0..runs {
        edit_title(&page, run)?;
        let stdout = timed(&mut samples, || {
            docgen_generate_with(&copy, &out, &["--report".as_ref(), report.as_os_str()])
        })?;
        if stdout.contains("up to date") {
            return Err(format!("a run after an edit was a no-op: {stdout}").into());
        }
    }
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&report)?)?;
    let reused = format!(
        "{} of {}",
        report["formatting"]["reused"], report["formatting"]["files"]
    );
    Ok((median(samples), reused))
}

/// A copy of a docs tree in the scratch folder, the page the runs edit, and an
/// empty output folder.
struct EditableCopy {
    docs: PathBuf,
    page: PathBuf,
    out: PathBuf,
}

fn editable_copy(docs: &Path) -> BenchResult<EditableCopy> {
    let copy = scratch_dir()?.join(docs.file_name().unwrap_or_default());
    copy_tree(docs, &copy)?;
    Ok(EditableCopy {
        page: first_api_page(&copy)?,
        docs: copy,
        out: scratch_dir()?,
    })
}

/// [`one_page_edited`] for the build-script API.
fn builder_one_page_edited(docs: &Path, runs: usize) -> BenchResult<(f64, usize)> {
    let EditableCopy {
        docs: copy,
        page,
        out,
    } = editable_copy(docs)?;
    let builder = Builder::new(&copy)
        .out_dir(&out)
        .cargo_directives(false)
        .fail_on(None);
    builder.generate()?;
    let mut samples = Vec::new();
    let mut reused = 0;
    for run in 0..runs {
        edit_title(&page, run)?;
        let summary = timed(&mut samples, || builder.generate())?;
        if summary.up_to_date {
            return Err("a build-script run after an edit was a no-op".into());
        }
        reused = summary.formatted_reused;
    }
    Ok((median(samples), reused))
}

/// Puts `Edited {run}: ` at the start of the page's first `# ` title.
fn edit_title(page: &Path, run: usize) -> BenchResult<()> {
    let text = std::fs::read_to_string(page)?;
    let Some((before, after)) = text.split_once("\n# ") else {
        return Err(format!("{} has no title", page.display()).into());
    };
    std::fs::write(page, format!("{before}\n# Edited {run}: {after}"))?;
    Ok(())
}

/// The first page under `api/` (by path) with a `# ` title line.
fn first_api_page(docs: &Path) -> BenchResult<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(docs.join("api"))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    pages.sort();
    pages
        .into_iter()
        .find(|path| std::fs::read_to_string(path).is_ok_and(|text| text.contains("\n# ")))
        .ok_or_else(|| format!("no API page with a title in {}", docs.display()).into())
}

fn copy_tree(from: &Path, to: &Path) -> BenchResult<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry?;
        let target = to.join(entry.path().strip_prefix(from)?);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Peak memory of one full `docgen generate` into an empty folder, measured by
/// GNU time around the binary; `None` where `/usr/bin/time` is not installed.
fn cli_peak_memory_mb(docs: &Path) -> BenchResult<Option<f64>> {
    const TIME: &str = "/usr/bin/time";
    if !Path::new(TIME).is_file() {
        return Ok(None);
    }
    let out = scratch_dir()?;
    let output = Command::new(TIME)
        .args(["-f", "%M", env!("CARGO_BIN_EXE_docgen"), "generate", "-q"])
        .arg("--docs")
        .arg(docs)
        .arg("--out")
        .arg(&out)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "docgen generate under {TIME} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let kilobytes: f64 = stderr
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .parse()
        .map_err(|err| format!("unexpected {TIME} output ({err}): {stderr}"))?;
    Ok(Some(kilobytes / 1024.0))
}

/// `docgen generate -q --docs DOCS --out OUT` with the release binary; its stdout.
fn docgen_generate(docs: &Path, out: &Path) -> BenchResult<String> {
    docgen_generate_with(docs, out, &[])
}

fn docgen_generate_with(
    docs: &Path,
    out: &Path,
    extra: &[&std::ffi::OsStr],
) -> BenchResult<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_docgen"))
        .args(["generate", "-q", "--docs"])
        .arg(docs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "docgen generate failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
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

fn print_table(corpus: &Path, runs: usize, results: &[(String, Measured)]) {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    let secs = |v: f64| format!("{v:.3} s");
    let mut row = |label: &str, f: &dyn Fn(&Measured) -> String| {
        rows.push((
            label.to_string(),
            results.iter().map(|(_, m)| f(m)).collect(),
        ));
    };
    row("rayon threads", &|m| m.threads.to_string());
    row("pages (MB of Markdown)", &|m| {
        format!("{} ({:.1} MB)", m.pages, m.megabytes)
    });
    row("operations / types / files", &|m| {
        format!("{} / {} / {}", m.operations, m.types, m.files)
    });
    row("read (source::read_tree)", &|m| secs(m.read));
    row("parse (docgen::parse_pages)", &|m| secs(m.parse));
    row("model (docgen::model_for_pages)", &|m| secs(m.model));
    row("emit (emit::emit_crate, incl. format)", &|m| secs(m.emit));
    row("  format, sequential estimate", &|m| {
        secs(m.format_estimate)
    });
    row("write (output::write_crate, empty dir)", &|m| secs(m.write));
    row("total", &|m| secs(m.total));
    row("floor (read + pulldown-cmark)", &|m| secs(m.floor));
    row("total / floor (target <= 2)", &|m| {
        format!("{:.2}x", m.total / m.floor)
    });
    row("peak memory VmHWM (target < 512 MB)", &|m| {
        format!("{:.0} MB", m.peak_mb)
    });
    row("docgen generate, full (binary)", &|m| secs(m.cli_full));
    row("docgen generate peak memory (time -f %M)", &|m| {
        m.cli_peak_mb
            .map_or_else(|| "n/a".to_string(), |mb| format!("{mb:.0} MB"))
    });
    row("docgen generate full / floor", &|m| {
        format!("{:.2}x", m.cli_full / m.floor)
    });
    row("docgen generate, 2nd run (no-op)", &|m| secs(m.cli_noop));
    row("no-op / full (target <= 5%)", &|m| {
        format!("{:.1}%", 100.0 * m.cli_noop / m.cli_full)
    });
    row("docgen generate, existing output, no stamp", &|m| {
        secs(m.cli_rerun)
    });
    row("no-op / that run", &|m| {
        format!("{:.1}%", 100.0 * m.cli_noop / m.cli_rerun)
    });
    row("docgen generate, one page edited", &|m| secs(m.cli_edit));
    row("  formatted files reused", &|m| m.cli_edit_reused.clone());
    row("one page edited / floor", &|m| {
        format!("{:.2}x", m.cli_edit / m.floor)
    });
    row("build_script generate, full", &|m| secs(m.build_full));
    row("build_script generate, no-op", &|m| secs(m.build_noop));
    row("build_script generate, one page edited", &|m| {
        secs(m.build_edit)
    });
    row("  formatted files reused", &|m| {
        m.build_edit_reused.to_string()
    });

    println!(
        "docgen pipeline on {} (median of {runs} runs; writes go to new folders in {}, deleted at the end)\n",
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
