//! `cargo xtask diff`: every change between two revisions of the spec, with two verdicts:
//!
//! - **wire**: for a client generated from the old spec, talking to a server that follows the
//!   new one. Oasdiff's direction model: narrowing what a request may carry, or widening what a
//!   response may hold, breaks it; the reverse does not.
//! - **crate**: for Rust code written against the old crate, recompiled against the new one:
//!   does it still compile (a removed setter or field, a changed type), and does it still do
//!   what it did (a new variant of a closed enum, a deprecation)?
//!
//! Rule ids follow oasdiff's catalogue where it has one. Severities are this crate's own: a
//! new value of an open response enum is harmless on both sides (it decodes as `Unknown`); a
//! removed optional response field is harmless on the wire but removes a Rust field.

mod render;
mod rules;

use serde::Serialize;

use crate::spec::Spec;

/// How much a change matters to callers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Nothing a caller must do.
    Info,
    /// May affect some callers; read it.
    Warning,
    /// Breaks callers on the wire or in Rust.
    Breaking,
}

/// The two verdicts on a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// For a client of the old spec against a server of the new one.
    pub wire: Severity,
    /// For Rust code of the old crate, recompiled against the new one.
    pub rust: Severity,
}

/// Which side a gate looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Either verdict.
    Either,
    /// The wire verdict alone.
    Wire,
    /// The crate verdict alone.
    Crate,
}

/// One classified change.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    /// The rule id (oasdiff's, where it has one).
    pub rule: &'static str,
    /// The worse of the two verdicts.
    pub severity: Severity,
    /// For a client generated from the old spec, talking to a server that follows the new one.
    pub wire: Severity,
    /// For Rust code written against the old crate, recompiled against the new one.
    #[serde(rename = "crate")]
    pub rust: Severity,
    /// `GET /path (operation_id)`, or empty for document-wide changes.
    pub operation: String,
    /// What changed, in words, with its effect on the Rust API where there is one.
    pub message: String,
    /// JSON pointer into the new side (the old side for removals).
    pub pointer: String,
    /// A change of the generated Rust API's names alone (an operation ID, a request type's
    /// name, a schema moved into a component) or of the document's version: the requests
    /// and answers are the same.
    pub rust_only: bool,
}

/// What the change does to the generated code.
#[derive(Debug, Serialize)]
#[serde(tag = "status", content = "text", rename_all = "snake_case")]
pub enum CodeDiff {
    /// Both sides generate the same code.
    Unchanged,
    /// A unified diff of the generated code.
    Changed(String),
    /// One side does not generate; why.
    Failed(String),
}

/// The whole comparison.
#[derive(Debug, Serialize)]
pub struct DiffReport {
    /// The old side's name.
    pub base: String,
    /// The new side's name.
    pub head: String,
    /// Every change, most severe first.
    pub changes: Vec<Change>,
    /// The generated-code diff.
    pub code: CodeDiff,
}

impl DiffReport {
    /// Whether a gate at `threshold` on `side` fails: a change whose verdict there is at or
    /// above it, or a head spec that does not generate (said on standard error), which a gate
    /// never passes.
    pub fn fails(&self, side: Side, threshold: Severity) -> bool {
        if let CodeDiff::Failed(why) = &self.code
            && why.starts_with("the head")
        {
            eprintln!("error: {why}");
            return true;
        }
        self.changes.iter().any(|c| c.on(side) >= threshold)
    }

    /// Compares two specs: their wire contracts and their generated code.
    pub fn new(base: &Spec, head: &Spec) -> DiffReport {
        let mut changes = compare_documents(&base.doc, &head.doc);
        changes.sort_by_key(|c| std::cmp::Reverse(c.severity));
        DiffReport {
            base: base.label.clone(),
            head: head.label.clone(),
            changes,
            code: render::code_diff(&base.text, &head.text),
        }
    }

    /// How many changes have this verdict on `side`.
    pub fn count(&self, side: Side, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.on(side) == severity)
            .count()
    }
}

/// Every change from `base` to `head`, one row per change: the comparator both `diff` (one
/// revision of our spec to another) and `drift` (upstream's document to ours) use.
pub fn compare_documents(base: &serde_json::Value, head: &serde_json::Value) -> Vec<Change> {
    merge(rules::compare(base, head))
}

impl Change {
    /// The verdict on `side` (the worse of the two for [`Side::Either`]).
    pub fn on(&self, side: Side) -> Severity {
        match side {
            Side::Either => self.severity,
            Side::Wire => self.wire,
            Side::Crate => self.rust,
        }
    }

    /// The severity as a word.
    pub fn severity_word(&self) -> &'static str {
        self.severity.word()
    }
}

impl Severity {
    /// The severity as a word.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Breaking => "breaking",
        }
    }
}

/// One row per change: a shared component reached from several responses or operations is
/// one change, listed with every operation it touches.
fn merge(changes: Vec<Change>) -> Vec<Change> {
    let mut merged: Vec<Change> = Vec::new();
    for change in changes {
        let same = merged.iter_mut().find(|c| {
            c.rule == change.rule && c.pointer == change.pointer && c.message == change.message
        });
        match same {
            Some(existing)
                if existing
                    .operation
                    .split("; ")
                    .any(|op| op == change.operation) => {}
            Some(existing) => {
                existing.operation = format!("{}; {}", existing.operation, change.operation);
            }
            None => merged.push(change),
        }
    }
    merged
}
