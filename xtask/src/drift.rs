//! `cargo xtask drift`: how our spec differs from Cloudflare's upstream OpenAPI document, for
//! the operations we cover (matched by method and path).
//!
//! The comparison is `cargo xtask diff`'s, from upstream's document to ours, so a rule written
//! once holds for both; changes of the generated Rust API alone (names) are not drift.
//! Differences under a node of ours that carries `x-upstream-deviation` (or whose parent
//! carries `x-upstream-deviation-<member>`, for a member such as `security` that cannot carry
//! one) are listed apart as intended; what is left is drift to look into. A deviation marks its own node and the inline
//! nodes below it, not the components it refers to, so that one marker on an envelope does not
//! hide drift in the entries it holds.

use std::fmt::Write;

use serde::Serialize;
use serde_json::Value;

use crate::spec::resolve;

const DEVIATION: &str = "x-upstream-deviation";

/// One difference between the two documents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Difference {
    /// `GET /path` and the part of it (parameter, response field).
    pub place: String,
    /// What differs.
    pub what: String,
    /// Where in our spec (or where it would go).
    pub pointer: String,
}

/// The comparison: intended differences and drift.
#[derive(Debug, Default, Serialize)]
pub struct DriftReport {
    /// Differences our spec marks as deliberate.
    pub intended: Vec<Difference>,
    /// Differences nobody explained.
    pub drift: Vec<Difference>,
}

impl DriftReport {
    fn add(&mut self, intended: bool, place: String, what: String, pointer: String) {
        let difference = Difference {
            place,
            what,
            pointer,
        };
        if intended {
            self.intended.push(difference);
        } else {
            self.drift.push(difference);
        }
    }

    /// Markdown for a review.
    pub fn markdown(&self) -> String {
        let mut out = String::from("## Drift from upstream\n\n");
        let table = |out: &mut String, list: &[Difference]| {
            out.push_str("| where | difference | our node |\n|---|---|---|\n");
            for d in list {
                let _ = writeln!(
                    out,
                    "| {} | {} | `{}` |",
                    d.place,
                    d.what.replace('|', "\\|"),
                    d.pointer
                );
            }
        };
        if self.drift.is_empty() {
            out.push_str("No unexplained drift.\n");
        } else {
            let _ = writeln!(out, "{} unexplained difference(s):\n", self.drift.len());
            table(&mut out, &self.drift);
        }
        let _ = writeln!(
            out,
            "\n### Intended ({}, marked `{DEVIATION}`)\n",
            self.intended.len()
        );
        table(&mut out, &self.intended);
        out
    }

    /// JSON for tools.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Compares our document with upstream's: the changes `cargo xtask diff` finds from upstream's
/// document to ours (the same comparator, the same rules), each sorted by our markers.
pub fn compare(ours: &Value, theirs: &Value) -> DriftReport {
    let mut report = DriftReport::default();
    for change in crate::diff::compare_documents(theirs, ours) {
        // Names of the generated Rust API are ours to choose, and the document's own version
        // says what each document is, not what it describes: neither is drift.
        if change.rust_only {
            continue;
        }
        let intended = marked_at(ours, &change.pointer);
        let what = format!(
            "{} ({}): {}",
            change.rule,
            change.severity_word(),
            change.message
        );
        report.add(intended, change.operation, what, change.pointer);
    }
    report
}

fn marked(node: &Value) -> bool {
    node.get(DEVIATION).is_some()
}

/// Whether a deviation marker covers the node at `pointer` in `doc`: one on the node or on an
/// inline node above it, or on the component the node refers to. A marker does not reach
/// through a reference: crossing a `$ref` on the way down starts afresh at its target, so a
/// marker on an envelope does not hide drift in the entries it holds.
fn marked_at(doc: &Value, pointer: &str) -> bool {
    let mut node = doc;
    let mut covered = marked(node);
    for segment in pointer.split('/').skip(1) {
        let key = segment.replace("~1", "/").replace("~0", "~");
        // A member that cannot carry a marker (an array) is covered by one its parent names.
        covered |= node.get(format!("{DEVIATION}-{key}")).is_some();
        fn step<'a>(node: &'a Value, key: &str) -> Option<&'a Value> {
            match node {
                Value::Object(map) => map.get(key),
                Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            }
        }
        let next = match step(node, &key) {
            Some(next) => next,
            None => match resolve(doc, node).filter(|target| !std::ptr::eq(*target, node)) {
                // Through a reference: what marks the target's inside is the target's own.
                Some(target) => {
                    covered = marked(target);
                    match step(target, &key) {
                        Some(next) => next,
                        None => return covered,
                    }
                }
                // Not in our document (a removal points into upstream's): what covers the
                // nearest node that is, covers it.
                None => return covered,
            },
        };
        node = next;
        covered |= marked(node);
    }
    covered || resolve(doc, node).is_some_and(marked)
}

#[cfg(test)]
#[path = "drift_tests.rs"]
mod tests;
