//! The diff report as Markdown (for a pull request) or JSON, and the generated-code diff.

use std::fmt::Write;

use super::{CodeDiff, DiffReport, Severity, Side};
use crate::generator;

/// The unified diff of the code each side generates.
pub fn code_diff(base: &str, head: &str) -> CodeDiff {
    let generate = |text: &str| generator::generate(text, generator::Options::default());
    match (generate(base), generate(head)) {
        (Ok(a), Ok(b)) if a == b => CodeDiff::Unchanged,
        (Ok(a), Ok(b)) => CodeDiff::Changed(
            similar::TextDiff::from_lines(&a, &b)
                .unified_diff()
                .context_radius(3)
                .header("generated (base)", "generated (head)")
                .to_string(),
        ),
        (Err(e), _) => CodeDiff::Failed(format!("the base spec does not generate: {e}")),
        (_, Err(e)) => CodeDiff::Failed(format!("the head spec does not generate: {e}")),
    }
}

fn label(severity: Severity) -> &'static str {
    match severity {
        Severity::Breaking => "**breaking**",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Escapes what would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

impl DiffReport {
    /// Markdown ready to paste into a pull request.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "## Spec changes: `{}` → `{}`\n", self.base, self.head);
        if self.changes.is_empty() {
            out.push_str("No change, on the wire or in the crate.\n");
        } else {
            let counts = |side| {
                format!(
                    "{} breaking, {} warning, {} info",
                    self.count(side, Severity::Breaking),
                    self.count(side, Severity::Warning),
                    self.count(side, Severity::Info)
                )
            };
            let _ = writeln!(
                out,
                "{} change(s). **Crate** (Rust code recompiled against the new crate; \
                 `--fail-on crate:LEVEL`): {}. **Wire** (a client of the old spec against a \
                 server of the new one; `--fail-on wire:LEVEL`): {}.\n",
                self.changes.len(),
                counts(Side::Crate),
                counts(Side::Wire)
            );
            out.push_str(
                "| crate | wire | rule | operation | change | where |\n|---|---|---|---|---|---|\n",
            );
            for c in &self.changes {
                let _ = writeln!(
                    out,
                    "| {} | {} | `{}` | {} | {} | `{}` |",
                    label(c.rust),
                    label(c.wire),
                    c.rule,
                    cell(&c.operation),
                    cell(&c.message),
                    c.pointer
                );
            }
        }
        out.push_str("\n### Generated Rust code\n\n");
        match &self.code {
            CodeDiff::Unchanged => out.push_str("Unchanged.\n"),
            CodeDiff::Failed(why) => {
                let _ = writeln!(out, "Not compared: {why}");
            }
            CodeDiff::Changed(diff) => {
                let lines = diff.lines().filter(|l| l.starts_with(['+', '-'])).count();
                let _ = write!(
                    out,
                    "<details><summary>{lines} lines changed</summary>\n\n```diff\n{diff}```\n\n</details>\n"
                );
            }
        }
        out
    }

    /// The report as JSON, for tools.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}
