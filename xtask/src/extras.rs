//! `cargo xtask extras`: checks with tools that may be installed, each skipped with a notice
//! when it is not. Never required by CI.

use std::process::{Command, Stdio};

use crate::spec::{root, spec_path};

fn available(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn invoke(program: &str, args: &[&str]) {
    println!("$ {program} {}", args.join(" "));
    match Command::new(program)
        .args(args)
        .current_dir(root())
        .status()
    {
        Ok(status) if status.success() => println!("ok\n"),
        Ok(status) => println!("{program} reported problems ({status})\n"),
        Err(e) => println!("{program} did not run: {e}\n"),
    }
}

/// Runs Spectral and cargo-semver-checks where installed.
pub fn run(base: &str) {
    let spec = spec_path();
    let spec = spec.to_string_lossy();
    if available("npx", &["--no-install", "spectral", "--version"]) {
        invoke(
            "npx",
            &[
                "--no-install",
                "spectral",
                "lint",
                "--ruleset",
                ".spectral.yaml",
                &spec,
            ],
        );
    } else {
        println!(
            "skipped Spectral: not installed (npm install --no-save @stoplight/spectral-cli)\n"
        );
    }
    if available("cargo", &["semver-checks", "--version"]) {
        invoke(
            "cargo",
            &[
                "semver-checks",
                "-p",
                "cloudflare-audit-logs",
                "--baseline-rev",
                base,
            ],
        );
    } else {
        println!(
            "skipped cargo-semver-checks: not installed (cargo install cargo-semver-checks --locked)\n"
        );
    }
    if !available("npx", &["--no-install", "prism", "--version"]) {
        println!("skipped Prism: not installed (npm install --no-save @stoplight/prism-cli)");
    } else {
        println!(
            "Prism is installed: `npx prism mock -d {spec}` serves random schema-valid answers;\n\
             point the example at it with CLOUDFLARE_BASE_URL to try the client against them."
        );
    }
}
