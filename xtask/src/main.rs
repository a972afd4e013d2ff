//! Maintainer tasks for the cloudflare-audit-logs crate, run as `cargo xtask <command>`.

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  help     print this message

The spec lives in openapi/cloudflare-audit-logs.yaml; `cargo build` regenerates the client.";

fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    match command.as_deref() {
        None | Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
