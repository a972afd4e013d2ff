//! The classifier: walks both documents side by side and names each change with its rule:
//! operations and security here, parameters in [`parameters`], responses in [`responses`].

mod objects;
mod operations;
mod parameters;
mod responses;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Change, Severity, Verdict};
use crate::generator::REPLACEMENTS;
use crate::spec::{escape, operations, resolve};

use Severity::{Breaking, Info, Warning};

/// Collects changes for one operation.
struct Sink<'a> {
    changes: &'a mut Vec<Change>,
    operation: String,
}

impl Sink<'_> {
    /// A change, with its verdicts on the wire and for the crate's users.
    fn push(&mut self, rule: &'static str, verdict: Verdict, pointer: &str, message: String) {
        self.changes
            .push(change(rule, verdict, &self.operation, pointer, message));
    }

    /// A change of the generated Rust API alone (a name): the requests and answers are the
    /// same, so nothing on the wire.
    fn push_rust(&mut self, rule: &'static str, rust: Severity, pointer: &str, message: String) {
        let mut change = change(rule, v(Info, rust), &self.operation, pointer, message);
        change.rust_only = true;
        self.changes.push(change);
    }
}

/// A change with its two verdicts.
fn change(
    rule: &'static str,
    verdict: Verdict,
    operation: &str,
    pointer: &str,
    message: String,
) -> Change {
    Change {
        rule,
        severity: verdict.wire.max(verdict.rust),
        wire: verdict.wire,
        rust: verdict.rust,
        operation: operation.to_owned(),
        message,
        pointer: pointer.to_owned(),
        rust_only: false,
    }
}

/// The verdicts: on the wire, and for the crate's users.
pub(super) fn v(wire: Severity, rust: Severity) -> Verdict {
    Verdict { wire, rust }
}

/// Every change from `base` to `head`.
pub fn compare(base: &Value, head: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    let old_ops: BTreeMap<(String, String), &Value> = operations(base)
        .into_iter()
        .map(|(m, p, op)| ((p, m), op))
        .collect();
    let new_ops: BTreeMap<(String, String), &Value> = operations(head)
        .into_iter()
        .map(|(m, p, op)| ((p, m), op))
        .collect();

    // An operation whose path differs only in its parameters' names is the same operation
    // with renamed parameters (the same method, the setters renamed), not one removed and
    // another added.
    let mut matched = BTreeSet::new();
    for ((path, method), old) in &old_ops {
        let pointer = format!("/paths/{}/{method}", escape(path));
        let mut sink = Sink {
            changes: &mut changes,
            operation: operation_name(method, path, old),
        };
        let same = new_ops.get_key_value(&(path.clone(), method.clone()));
        let renamed = || {
            new_ops.iter().find(|((p, m), _)| {
                m == method
                    && template(p) == template(path)
                    && !old_ops.contains_key(&(p.clone(), m.clone()))
            })
        };
        match same.or_else(renamed) {
            None if deprecated(old) => sink.push(
                "api-removed-after-deprecation",
                v(Breaking, Breaking),
                &pointer,
                format!(
                    "the deprecated operation is removed; its Rust method `{}()` disappears",
                    op_id(old)
                ),
            ),
            None => sink.push(
                "api-removed-without-deprecation",
                v(Breaking, Breaking),
                &pointer,
                format!(
                    "the operation is removed; its Rust method `{}()` disappears",
                    op_id(old)
                ),
            ),
            Some(((new_path, _), new)) => {
                matched.insert((new_path.clone(), method.clone()));
                let renames = path_renames(path, new_path);
                for (before, after) in &renames {
                    sink.push_rust(
                        "request-path-parameter-renamed",
                        Breaking,
                        &format!("/paths/{}", escape(new_path)),
                        format!(
                            "path parameter `{before}` is now `{after}`; its setter `.{before}()` \
                             becomes `.{after}()` (the wire is unchanged)"
                        ),
                    );
                }
                let sides = Sides { base, head };
                sides.operation(&mut sink, &pointer, old, new, &renames);
            }
        }
    }
    for ((path, method), new) in &new_ops {
        if !old_ops.contains_key(&(path.clone(), method.clone()))
            && !matched.contains(&(path.clone(), method.clone()))
        {
            Sink {
                changes: &mut changes,
                operation: operation_name(method, path, new),
            }
            .push(
                "endpoint-added",
                v(Info, Info),
                &format!("/paths/{}/{method}", escape(path)),
                format!("new operation; Rust method `{}()`", op_id(new)),
            );
        }
    }

    operations::servers(base, head, &mut changes);

    let version = |doc: &Value| doc.pointer("/info/version").cloned();
    if changes.iter().any(|c| c.severity == Breaking) && version(base) == version(head) {
        let mut unbumped = change(
            "api-version-not-bumped",
            v(Info, Warning),
            "",
            "/info/version",
            format!(
                "breaking changes, but info.version is still {}",
                version(head).unwrap_or(Value::Null)
            ),
        );
        unbumped.rust_only = true;
        changes.push(unbumped);
    }
    changes
}

/// A path template with its parameters' names left out: `/accounts/{}/audit_logs`.
fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            c => out.push(c),
        }
    }
    out
}

/// The path parameters whose names differ between two paths of one template, in order.
fn path_renames(before: &str, after: &str) -> BTreeMap<String, String> {
    let names = |path: &str| -> Vec<String> {
        path.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
            .collect()
    };
    names(before)
        .into_iter()
        .zip(names(after))
        .filter(|(a, b)| a != b)
        .collect()
}

fn deprecated(op: &Value) -> bool {
    op.get("deprecated")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn op_id(op: &Value) -> &str {
    op.get("operationId").and_then(Value::as_str).unwrap_or("?")
}

fn operation_name(method: &str, path: &str, op: &Value) -> String {
    format!("{} {path} ({})", method.to_uppercase(), op_id(op))
}

/// The two documents, for resolving references on either side.
#[derive(Clone, Copy)]
struct Sides<'a> {
    base: &'a Value,
    head: &'a Value,
}

impl<'a> Sides<'a> {
    fn operation(
        &self,
        sink: &mut Sink,
        pointer: &str,
        old: &'a Value,
        new: &'a Value,
        renames: &BTreeMap<String, String>,
    ) {
        if op_id(old) != op_id(new) {
            sink.push_rust(
                "api-operation-id-removed",
                Breaking,
                &format!("{pointer}/operationId"),
                format!(
                    "operationId `{}` becomes `{}`: the Rust method is renamed",
                    op_id(old),
                    op_id(new)
                ),
            );
        }
        self.lifecycle(sink, pointer, old, new);
        self.security(sink, pointer, old, new);
        self.parameters(sink, pointer, old, new, renames);
        self.responses(sink, pointer, old, new);
    }
}

/// Whether a component schema is replaced by an open enum in the crate: a hand-written type
/// (`REPLACEMENTS`) whose schema lists values (`TimeBound`, say, is replaced but no enum).
fn is_open_enum(doc: &Value, name: &str) -> bool {
    let schema = doc.pointer(&format!("/components/schemas/{}", escape(name)));
    REPLACEMENTS.iter().any(|(schema, _)| *schema == name)
        && schema.is_some_and(|s| s.get("enum").is_some())
}

fn ref_name(node: &Value) -> Option<String> {
    node.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .map(str::to_owned)
}

fn is_required(param: &Value) -> bool {
    param
        .get("required")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Every parameter of an operation (its path item's too), resolved, by `(in, name)`, with the
/// pointer of the node that defines it.
fn parameters<'a>(
    doc: &'a Value,
    op: &'a Value,
    op_pointer: &str,
) -> BTreeMap<(String, String), (String, &'a Value)> {
    let mut out = BTreeMap::new();
    let mut add = |list: Option<&'a Value>, base: String| {
        for (i, node) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let at = match node.get("$ref").and_then(Value::as_str) {
                Some(r) => r.trim_start_matches('#').to_owned(),
                None => format!("{base}/parameters/{i}"),
            };
            if let Some(param) = resolve(doc, node) {
                let key = |k: &str| {
                    param
                        .get(k)
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned()
                };
                out.insert((key("in"), key("name")), (at, param));
            }
        }
    };
    if let Some((item_pointer, _)) = op_pointer.rsplit_once('/') {
        add(
            doc.pointer(&format!("{item_pointer}/parameters")),
            item_pointer.to_owned(),
        );
    }
    add(op.get("parameters"), op_pointer.to_owned());
    out
}

fn enum_values(schema: &Value) -> Option<BTreeSet<String>> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| values.iter().map(Value::to_string).collect())
}

/// A schema's type in words: `integer (int64)`, `array of string`, `one of [...]`, `any`.
fn shape(doc: &Value, schema: &Value) -> String {
    shape_at(doc, schema, 0)
}

fn shape_at(doc: &Value, schema: &Value, depth: usize) -> String {
    let Some(schema) = resolve(doc, schema) else {
        return "an unresolvable reference".into();
    };
    if depth > 8 {
        return "…".into();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(parts) = schema.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = parts.iter().map(|p| shape_at(doc, p, depth + 1)).collect();
            return format!("{key} [{}]", parts.join(", "));
        }
    }
    let kind = match schema.get("type").and_then(Value::as_str) {
        Some(kind) => kind.to_owned(),
        None if schema.get("properties").is_some() => "object".to_owned(),
        None => return "any".into(),
    };
    // An integer without a format is generated as i64, so `int64` adds nothing to compare.
    let format = schema
        .get("format")
        .and_then(Value::as_str)
        .filter(|f| !(kind == "integer" && *f == "int64"));
    let kind = match format {
        Some(format) => format!("{kind} ({format})"),
        None => kind,
    };
    match (kind.as_str(), schema.get("items")) {
        ("array", Some(items)) => format!("array of {}", shape_at(doc, items, depth + 1)),
        _ => kind,
    }
}
