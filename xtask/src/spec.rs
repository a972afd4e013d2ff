//! Loading a spec from a file, a git revision or `REV:path`, and reading it as JSON.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::generator;

/// One side of a comparison: where it came from, its text and its JSON form.
#[derive(Debug, Clone)]
pub struct Spec {
    /// How the user named it (for headings).
    pub label: String,
    /// The YAML text.
    pub text: String,
    /// The document as JSON.
    pub doc: Value,
}

/// The repository root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_path_buf()
}

/// The spec in the working tree.
pub fn spec_path() -> PathBuf {
    root().join(generator::SPEC_PATH)
}

/// Loads a side named as a file, `REV:path`, or a git revision (the spec as of that revision).
pub fn load(name: &str) -> Result<Spec, String> {
    from_text(name, load_text(name)?)
}

/// The text of a spec named as every task takes it: a file, `REV:path`, or a git revision
/// (whose `openapi/cloudflare-audit-logs.yaml` is read).
pub fn load_text(name: &str) -> Result<String, String> {
    if let Some((rev, path)) = name.split_once(':').filter(|(rev, _)| !rev.is_empty()) {
        git_show(rev, path)
    } else if Path::new(name).is_file() {
        read(Path::new(name))
    } else {
        git_show(name, generator::SPEC_PATH)
    }
}

/// Cloudflare's upstream document of the covered operations, relative to the crate root.
pub const UPSTREAM_PATH: &str = "openapi/upstream/audit-logs.json";

/// Loads the working tree's spec.
pub fn load_working_tree() -> Result<Spec, String> {
    let path = spec_path();
    from_text("working tree", read(&path)?)
}

/// Reads a file, naming it in the error.
pub fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Reads YAML or JSON text as a document.
pub fn from_text(label: &str, text: String) -> Result<Spec, String> {
    let doc = generator::parse_yaml(&text).map_err(|e| format!("{label}: {e}"))?;
    Ok(Spec {
        label: label.to_owned(),
        text,
        doc,
    })
}

fn git_show(rev: &str, path: &str) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root())
        .arg("show")
        .arg(format!("{rev}:{path}"))
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`git show {rev}:{path}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout).map_err(|_| format!("{rev}:{path} is not UTF-8"))
}

/// Escapes one JSON pointer segment (the generator's own function, so both agree).
pub use crate::generator::escape;

/// Follows local `$ref`s (`#/...`) until a node that is not a reference; `None` when a
/// reference does not resolve (or references loop).
pub fn resolve<'a>(doc: &'a Value, node: &'a Value) -> Option<&'a Value> {
    let mut node = node;
    for _ in 0..32 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => node = doc.pointer(reference.strip_prefix('#')?)?,
            None => return Some(node),
        }
    }
    None
}

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Every operation: (method, path, operation node), in document order.
pub fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(operation) = item.get(method) {
                    out.push((method.to_owned(), path.clone(), operation));
                }
            }
        }
    }
    out
}
