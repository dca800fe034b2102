//! `docgen dump`: the API model as JSON.

use super::{DocsArgs, Failure};
use clap::{Args, ValueEnum};
use docgen::ApiModel;
use serde::Serialize;
use std::io::{self, Write};
use std::process::ExitCode;

/// Arguments of `dump`.
#[derive(Args)]
pub struct DumpArgs {
    #[command(flatten)]
    docs: DocsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DumpFormat::Json)]
    format: DumpFormat,
}

/// The formats `dump` writes. New formats are new variants, each with its own
/// writer in [`dump`]; the JSON form is the documented, versioned one.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DumpFormat {
    /// Pretty-printed JSON: `{docgen_version, schema_version, model}`.
    Json,
}

/// The version of the `dump` JSON layout. Bump it when a field is renamed or removed
/// or its meaning changes; adding a field does not bump it.
const DUMP_SCHEMA_VERSION: u32 = 1;

/// What `docgen dump --format json` prints: the model, wrapped with the versions
/// consumers need to notice a change of layout.
#[derive(Serialize)]
struct Dump<'a> {
    docgen_version: &'static str,
    schema_version: u32,
    model: &'a ApiModel,
}

pub fn dump(args: &DumpArgs) -> Result<ExitCode, Failure> {
    let model = docgen::model_for_tree(&args.docs.docs)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = match args.format {
        DumpFormat::Json => write_dump_json(&mut out, &model),
    }
    .and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // The reader went away (`docgen dump | head`): nothing left to do.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(err) => Err(Failure(format!("cannot write to stdout: {err}"))),
    }
}

/// Pretty-printed JSON with a trailing newline. The model is sorted and example
/// bodies keep their documented key order, so equal docs give equal bytes.
fn write_dump_json(out: &mut impl Write, model: &ApiModel) -> io::Result<()> {
    let dump = Dump {
        docgen_version: env!("CARGO_PKG_VERSION"),
        schema_version: DUMP_SCHEMA_VERSION,
        model,
    };
    serde_json::to_writer_pretty(&mut *out, &dump)?;
    out.write_all(b"\n")
}
