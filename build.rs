//! Generates the typed client from the OpenAPI document on every build.
//!
//! A broken spec stops the build with one readable message (where and what), not a backtrace.

#[path = "codegen/mod.rs"]
mod codegen;

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed={}", codegen::SPEC_PATH);
    println!("cargo::rerun-if-changed=codegen");

    let options = codegen::Options {
        json_schema: std::env::var_os("CARGO_FEATURE_SCHEMA").is_some(),
        quiet_panics: true,
    };
    let text = match std::fs::read_to_string(codegen::SPEC_PATH) {
        Ok(text) => text,
        Err(e) => fail(&format!("cannot read {}: {e}", codegen::SPEC_PATH)),
    };
    let code = match codegen::generate(&text, options) {
        Ok(code) => code,
        Err(e) => fail(&format!("{}: {e}", codegen::SPEC_PATH)),
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        fail("OUT_DIR is not set; run the build through cargo")
    };
    let out = PathBuf::from(out_dir).join("codegen.rs");
    if let Err(e) = std::fs::write(&out, code) {
        fail(&format!("cannot write {}: {e}", out.display()));
    }
}

fn fail(message: &str) -> ! {
    println!("cargo::error={message}");
    eprintln!("error: {message}");
    std::process::exit(1)
}
