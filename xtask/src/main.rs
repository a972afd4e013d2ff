//! Maintainer tasks for the cloudflare-audit-logs crate, run as `cargo xtask <command>`.
//!
//! - `codegen`: print (or write) the Rust code `build.rs` generates from the spec.
//! - `lint`: check the spec against the OpenAPI 3.0 schema and this crate's rules.
//! - `diff`: what a spec change does to the wire contract and to the Rust API.
//! - `drift`: how the spec differs from Cloudflare's upstream OpenAPI document.
//! - `refresh-upstream`: cut that document out of Cloudflare's full `openapi.json`.
//! - `schema`: the JSON Schema of the entry types, for pipelines that register schemas.
//! - `extras`: optional checks with tools that may be installed (Spectral, cargo-semver-checks).

use xtask::{diff, drift, extras, generator, lint, schema, spec, upstream};

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintainer tasks for cloudflare-audit-logs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the generated client code (the very code `cargo build` compiles).
    Codegen {
        /// Write it to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Generate from this spec instead of the working tree's: a file, `REV:path` or a git
        /// revision.
        #[arg(long)]
        spec: Option<String>,
    },
    /// Check the spec: OpenAPI 3.0 schema, references, operations, descriptions, deviations.
    Lint {
        /// Lint this spec instead of the working tree's: a file, `REV:path` or a git revision.
        #[arg(long)]
        spec: Option<String>,
    },
    /// Classify the changes between two revisions of the spec, with the generated-code diff.
    Diff {
        /// The old side: a git revision, `REV:path` or a file (default `HEAD`).
        base: Option<String>,
        /// The new side: a git revision, `REV:path` or a file (default: the working tree).
        head: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
        /// Exit with 1 when a change of this severity or worse is found: `breaking` and
        /// `warning` on either verdict, `crate:LEVEL` on the crate's (Rust code recompiled
        /// against the new crate), `wire:LEVEL` on the wire's (a client of the old spec against
        /// a server of the new one). A head spec that does not generate always fails.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Compare the spec with Cloudflare's upstream OpenAPI document (JSON or YAML).
    Drift {
        /// The upstream document (default: the one kept in `openapi/upstream/`).
        upstream: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Markdown)]
        format: Format,
        /// Exit with 1 when there is unexplained drift.
        #[arg(long)]
        fail_on_drift: bool,
    },
    /// Refresh the kept upstream document (`openapi/upstream/audit-logs.json`) from Cloudflare's
    /// full published `openapi.json`: the audit-log operations and every component they use.
    RefreshUpstream {
        /// A copy of the full `openapi.json` of the cloudflare/api-schemas repository.
        full: PathBuf,
        /// Where it came from, for the provenance note (for example `api-schemas@<commit>`);
        /// default: the file name.
        #[arg(long)]
        source: Option<String>,
        /// Write here instead of the kept document.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Print the JSON Schema of every listing's entry type.
    Schema {
        /// Write it to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run the optional tools that are installed (Spectral, cargo-semver-checks); skip the rest.
    Extras {
        /// The revision cargo-semver-checks compares the Rust API against.
        #[arg(long, default_value = "HEAD")]
        base: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    /// A breaking verdict on either side.
    Breaking,
    /// A warning or worse on either side.
    Warning,
    /// A breaking verdict for the crate's users.
    #[value(name = "crate:breaking")]
    CrateBreaking,
    /// A warning or worse for the crate's users.
    #[value(name = "crate:warning")]
    CrateWarning,
    /// A breaking verdict on the wire.
    #[value(name = "wire:breaking")]
    WireBreaking,
    /// A warning or worse on the wire.
    #[value(name = "wire:warning")]
    WireWarning,
}

impl FailOn {
    fn side_and_threshold(self) -> (diff::Side, diff::Severity) {
        use diff::{Severity, Side};
        match self {
            FailOn::Breaking => (Side::Either, Severity::Breaking),
            FailOn::Warning => (Side::Either, Severity::Warning),
            FailOn::CrateBreaking => (Side::Crate, Severity::Breaking),
            FailOn::CrateWarning => (Side::Crate, Severity::Warning),
            FailOn::WireBreaking => (Side::Wire, Severity::Breaking),
            FailOn::WireWarning => (Side::Wire, Severity::Warning),
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Codegen { out, spec } => {
            let spec = match spec {
                Some(name) => spec::load(&name)?,
                None => spec::load_working_tree()?,
            };
            let code = generator::generate(&spec.text, generator::Options::default())
                .map_err(|e| format!("{}: {e}", spec.label))?;
            write_out(out, &code)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint { spec } => {
            let (name, text) = match spec {
                Some(name) => (name.clone(), spec::load_text(&name)?),
                None => (
                    generator::SPEC_PATH.to_owned(),
                    spec::read(&spec::spec_path())?,
                ),
            };
            let problems = lint::lint(&text);
            for problem in &problems {
                eprintln!("{name}: {problem}");
            }
            if problems.is_empty() {
                println!("{name}: no problems");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!("{} problem(s)", problems.len());
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Diff {
            base,
            head,
            format,
            fail_on,
        } => {
            let base = spec::load(base.as_deref().unwrap_or("HEAD"))?;
            let head = match head {
                Some(name) => spec::load(&name)?,
                None => spec::load_working_tree()?,
            };
            let report = diff::DiffReport::new(&base, &head);
            match format {
                Format::Markdown => print!("{}", report.markdown()),
                Format::Json => println!("{}", report.json()),
            }
            let fail = fail_on.is_some_and(|gate| {
                let (side, threshold) = gate.side_and_threshold();
                report.fails(side, threshold)
            });
            Ok(if fail {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Drift {
            upstream,
            format,
            fail_on_drift,
        } => {
            let ours = spec::load_working_tree()?;
            let upstream = upstream.unwrap_or_else(|| spec::root().join(spec::UPSTREAM_PATH));
            let theirs = spec::from_text("upstream", spec::read(&upstream)?)?;
            let report = drift::compare(&ours.doc, &theirs.doc);
            match format {
                Format::Markdown => print!("{}", report.markdown()),
                Format::Json => println!("{}", report.json()),
            }
            let fail = fail_on_drift && !report.drift.is_empty();
            Ok(if fail {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::RefreshUpstream { full, source, out } => {
            let text = spec::read(&full)?;
            let full_doc: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not JSON: {e}", full.display()))?;
            let ours = spec::load_working_tree()?;
            let source = source.unwrap_or_else(|| full.display().to_string());
            let doc = upstream::extract(&full_doc, &ours.doc, &source)?;
            let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
            let out = out.unwrap_or_else(|| spec::root().join(spec::UPSTREAM_PATH));
            std::fs::write(&out, format!("{text}\n"))
                .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
            eprintln!(
                "wrote {}; review it with `git diff` and `cargo xtask drift`",
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { out } => {
            let spec = spec::load_working_tree()?;
            let schema = schema::entry_schema(&spec.doc)?;
            let text = serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?;
            write_out(out, &format!("{text}\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Extras { base } => {
            extras::run(&base);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn write_out(out: Option<PathBuf>, text: &str) -> Result<(), String> {
    match out {
        Some(path) => {
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}
