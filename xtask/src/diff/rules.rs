//! The classifier: walks both documents side by side and names each change with its rule.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::Value;

use super::{Change, Severity};
use crate::generator::REPLACEMENTS;
use crate::spec::{escape, operations, resolve};

use Severity::{Breaking, Info, Warning};

/// Collects changes for one operation.
struct Sink<'a> {
    changes: &'a mut Vec<Change>,
    operation: String,
}

impl Sink<'_> {
    fn push(&mut self, rule: &'static str, severity: Severity, pointer: &str, message: String) {
        self.changes.push(Change {
            rule,
            severity,
            operation: self.operation.clone(),
            message,
            pointer: pointer.to_owned(),
        });
    }
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

    for ((path, method), old) in &old_ops {
        let pointer = format!("/paths/{}/{method}", escape(path));
        let mut sink = Sink {
            changes: &mut changes,
            operation: operation_name(method, path, old),
        };
        match new_ops.get(&(path.clone(), method.clone())) {
            None => sink.push(
                "api-removed-without-deprecation",
                Breaking,
                &pointer,
                format!(
                    "the operation is removed; its Rust method `{}()` disappears",
                    op_id(old)
                ),
            ),
            Some(new) => {
                let sides = Sides { base, head };
                sides.operation(&mut sink, &pointer, old, new);
            }
        }
    }
    for ((path, method), new) in &new_ops {
        if !old_ops.contains_key(&(path.clone(), method.clone())) {
            Sink {
                changes: &mut changes,
                operation: operation_name(method, path, new),
            }
            .push(
                "endpoint-added",
                Info,
                &format!("/paths/{}/{method}", escape(path)),
                format!("new operation; Rust method `{}()`", op_id(new)),
            );
        }
    }

    let version = |doc: &Value| doc.pointer("/info/version").cloned();
    if changes.iter().any(|c| c.severity == Breaking) && version(base) == version(head) {
        changes.push(Change {
            rule: "api-version-not-bumped",
            severity: Warning,
            operation: String::new(),
            message: format!(
                "breaking changes, but info.version is still {}",
                version(head).unwrap_or(Value::Null)
            ),
            pointer: "/info/version".into(),
        });
    }
    changes
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
    fn operation(&self, sink: &mut Sink, pointer: &str, old: &'a Value, new: &'a Value) {
        if op_id(old) != op_id(new) {
            sink.push(
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
        self.security(sink, pointer, old, new);
        self.parameters(sink, pointer, old, new);
        self.responses(sink, pointer, old, new);
    }

    fn security(&self, sink: &mut Sink, pointer: &str, old: &Value, new: &Value) {
        let alternatives = |doc: &Value, op: &Value| -> BTreeSet<Vec<String>> {
            let list = op.get("security").or_else(|| doc.get("security"));
            list.and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .map(|req| req.keys().cloned().collect())
                .collect()
        };
        let (before, after) = (alternatives(self.base, old), alternatives(self.head, new));
        for gone in before.difference(&after) {
            sink.push(
                "api-security-removed",
                Breaking,
                &format!("{pointer}/security"),
                format!(
                    "callers authenticating with [{}] are no longer accepted",
                    gone.join(" + ")
                ),
            );
        }
        for added in after.difference(&before) {
            sink.push(
                "api-security-added",
                Info,
                &format!("{pointer}/security"),
                format!("[{}] is now also accepted", added.join(" + ")),
            );
        }
    }

    fn parameters(&self, sink: &mut Sink, pointer: &str, old: &'a Value, new: &'a Value) {
        let before = parameters(self.base, old, pointer);
        let after = parameters(self.head, new, pointer);
        for (key, (at, param)) in &before {
            let Some((new_at, new_param)) = after.get(key) else {
                sink.push(
                    "request-parameter-removed",
                    Breaking,
                    at,
                    format!(
                        "parameter `{}` ({}) is removed; its setter disappears",
                        key.1, key.0
                    ),
                );
                continue;
            };
            self.parameter(sink, new_at, &key.1, param, new_param);
        }
        for (key, (at, param)) in &after {
            if before.contains_key(key) {
                continue;
            }
            if is_required(param) {
                sink.push(
                    "new-required-request-parameter",
                    Breaking,
                    at,
                    format!(
                        "new required parameter `{}` ({}); calls without it fail",
                        key.1, key.0
                    ),
                );
            } else {
                sink.push(
                    "new-optional-request-parameter",
                    Info,
                    at,
                    format!("new optional parameter `{}` ({})", key.1, key.0),
                );
            }
        }
    }

    fn parameter(&self, sink: &mut Sink, at: &str, name: &str, old: &Value, new: &Value) {
        match (is_required(old), is_required(new)) {
            (false, true) => sink.push(
                "request-parameter-became-required",
                Breaking,
                at,
                format!("parameter `{name}` becomes required"),
            ),
            (true, false) => sink.push(
                "request-parameter-became-optional",
                Info,
                at,
                format!("parameter `{name}` becomes optional"),
            ),
            _ => {}
        }
        let (Some(old), Some(new)) = (
            old.get("schema").and_then(|s| resolve(self.base, s)),
            new.get("schema").and_then(|s| resolve(self.head, s)),
        ) else {
            return;
        };
        let at = format!("{at}/schema");
        let (before, after) = (shape(self.base, old), shape(self.head, new));
        if before != after {
            sink.push(
                "request-parameter-type-changed",
                Breaking,
                &at,
                format!(
                    "parameter `{name}` changes from {before} to {after}; its setter's type changes"
                ),
            );
        }
        match (enum_values(old), enum_values(new)) {
            (None, Some(_)) => sink.push(
                "request-parameter-became-enum",
                Breaking,
                &at,
                format!("parameter `{name}` is restricted to a list of values"),
            ),
            (Some(before), Some(after)) => {
                for value in before.difference(&after) {
                    sink.push(
                        "request-parameter-enum-value-removed",
                        Breaking,
                        &at,
                        format!("parameter `{name}` no longer takes {value}; its Rust variant disappears"),
                    );
                }
                for value in after.difference(&before) {
                    sink.push(
                        "request-parameter-enum-value-added",
                        Warning,
                        &at,
                        format!(
                            "parameter `{name}` now takes {value}; a new variant of a closed Rust enum \
                             breaks exhaustive matches"
                        ),
                    );
                }
            }
            _ => {}
        }
        let number = |s: &Value, key: &str| s.get(key).and_then(Value::as_f64);
        let bounds: [(&str, &'static str, &'static str, bool); 4] = [
            (
                "maximum",
                "request-parameter-max-decreased",
                "request-parameter-max-increased",
                true,
            ),
            (
                "maxLength",
                "request-parameter-max-length-decreased",
                "request-parameter-max-length-increased",
                true,
            ),
            (
                "minimum",
                "request-parameter-min-increased",
                "request-parameter-min-decreased",
                false,
            ),
            (
                "minLength",
                "request-parameter-min-length-increased",
                "request-parameter-min-length-decreased",
                false,
            ),
        ];
        for (key, narrowed, widened, is_upper) in bounds {
            let (before, after) = (number(old, key), number(new, key));
            let narrows = match (before, after) {
                (None, Some(_)) => Some(true),
                (Some(_), None) => Some(false),
                (Some(b), Some(a)) if a != b => Some(if is_upper { a < b } else { a > b }),
                _ => None,
            };
            let show = |v: Option<f64>| v.map_or("none".to_owned(), |v| v.to_string());
            match narrows {
                Some(true) => sink.push(
                    narrowed,
                    Breaking,
                    &at,
                    format!(
                        "parameter `{name}`: {key} {} → {}; values that were valid are refused",
                        show(before),
                        show(after)
                    ),
                ),
                Some(false) => sink.push(
                    widened,
                    Info,
                    &at,
                    format!(
                        "parameter `{name}`: {key} {} → {}",
                        show(before),
                        show(after)
                    ),
                ),
                None => {}
            }
        }
        match (old.get("pattern"), new.get("pattern")) {
            (None, Some(p)) => sink.push(
                "request-parameter-pattern-added",
                Warning,
                &at,
                format!("parameter `{name}` must now match {p}"),
            ),
            (Some(a), Some(b)) if a != b => sink.push(
                "request-parameter-pattern-changed",
                Warning,
                &at,
                format!("parameter `{name}` must now match {b} instead of {a}"),
            ),
            _ => {}
        }
        if old.get("default") != new.get("default") {
            sink.push(
                "request-parameter-default-value-changed",
                Warning,
                &at,
                format!(
                    "parameter `{name}`: the default changes from {} to {}; callers who leave it unset get other results",
                    old.get("default").unwrap_or(&Value::Null),
                    new.get("default").unwrap_or(&Value::Null)
                ),
            );
        }
    }

    fn responses(&self, sink: &mut Sink, pointer: &str, old: &'a Value, new: &'a Value) {
        let statuses = |op: &'a Value| -> BTreeMap<String, &'a Value> {
            op.get("responses")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
                .unwrap_or_default()
        };
        let (before, after) = (statuses(old), statuses(new));
        for (status, old_response) in &before {
            let at = format!("{pointer}/responses/{}", escape(status));
            let success = status.starts_with('2');
            let Some(new_response) = after.get(status) else {
                if success {
                    sink.push(
                        "response-success-status-removed",
                        Breaking,
                        &at,
                        format!("success status {status} is no longer sent; the method's return type changes"),
                    );
                } else {
                    sink.push(
                        "response-non-success-status-removed",
                        Warning,
                        &at,
                        format!("error status {status} is no longer described; such answers lose their typed body"),
                    );
                }
                continue;
            };
            let (Some(old_response), Some(new_response)) = (
                resolve(self.base, old_response),
                resolve(self.head, new_response),
            ) else {
                continue;
            };
            let media = |r: &'a Value| -> BTreeMap<String, &'a Value> {
                r.get("content")
                    .and_then(Value::as_object)
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
                    .unwrap_or_default()
            };
            let (old_media, new_media) = (media(old_response), media(new_response));
            for (kind, old_content) in &old_media {
                let media_at = format!("{at}/content/{}", escape(kind));
                let Some(new_content) = new_media.get(kind) else {
                    sink.push(
                        "response-media-type-removed",
                        Breaking,
                        &media_at,
                        format!("status {status} no longer answers with {kind}"),
                    );
                    continue;
                };
                if let (Some(a), Some(b)) = (old_content.get("schema"), new_content.get("schema")) {
                    let mut walk = ResponseWalk {
                        sides: *self,
                        sink,
                        seen: HashSet::new(),
                    };
                    walk.schema(&format!("{media_at}/schema"), "body", a, b, true, true);
                }
            }
        }
        for status in after.keys().filter(|s| !before.contains_key(*s)) {
            let (rule, what) = if status.starts_with('2') {
                ("response-success-status-added", "success")
            } else {
                ("response-non-success-status-added", "error")
            };
            sink.push(
                rule,
                Info,
                &format!("{pointer}/responses/{}", escape(status)),
                format!("new {what} status {status}"),
            );
        }
    }
}

/// Walks a response schema on both sides at once.
struct ResponseWalk<'s, 'a, 'b> {
    sides: Sides<'a>,
    sink: &'s mut Sink<'b>,
    seen: HashSet<(String, String)>,
}

impl<'a> ResponseWalk<'_, 'a, '_> {
    /// Compares the schema of one response field (`field` names it for messages).
    fn schema(
        &mut self,
        at: &str,
        field: &str,
        old: &'a Value,
        new: &'a Value,
        was_required: bool,
        is_required: bool,
    ) {
        let refs = (ref_name(old), ref_name(new));
        if let (Some(a), Some(b)) = &refs
            && !self.seen.insert((a.clone(), b.clone()))
        {
            return;
        }
        // Point at the node that defines the field: a referenced component, not the path to it.
        let at = match new.get("$ref").and_then(Value::as_str) {
            Some(target) => target.trim_start_matches('#').to_owned(),
            None => at.to_owned(),
        };
        let at = at.as_str();
        let (Some(old), Some(new)) = (resolve(self.sides.base, old), resolve(self.sides.head, new))
        else {
            return;
        };
        match (was_required, is_required) {
            (true, false) => self.sink.push(
                "response-property-became-optional",
                Breaking,
                at,
                format!("`{field}` may now be absent; its Rust field becomes an `Option`"),
            ),
            (false, true) => self.sink.push(
                "response-property-became-required",
                Breaking,
                at,
                format!("`{field}` is now always sent; its Rust field loses its `Option`"),
            ),
            _ => {}
        }
        let nullable = |s: &Value| s.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        match (nullable(old), nullable(new)) {
            (false, true) => self.sink.push(
                "response-property-became-nullable",
                Breaking,
                at,
                format!("`{field}` may now be null"),
            ),
            (true, false) => self.sink.push(
                "response-property-became-not-nullable",
                Info,
                at,
                format!("`{field}` is no longer null"),
            ),
            _ => {}
        }
        // A named component is a named Rust type: moving between names, or between a name
        // and an inline schema, changes the field's Rust type even where the wire agrees.
        if refs.0 != refs.1 && field != "body" {
            let name = |r: &Option<String>| {
                r.clone()
                    .map_or("an inline schema".to_owned(), |n| format!("`{n}`"))
            };
            self.sink.push(
                "response-property-type-changed",
                Breaking,
                at,
                format!(
                    "`{field}` changes from {} to {}; its Rust type changes",
                    name(&refs.0),
                    name(&refs.1)
                ),
            );
        }
        let (before, after) = (shape(self.sides.base, old), shape(self.sides.head, new));
        if before != after {
            self.sink.push(
                "response-property-type-changed",
                Breaking,
                at,
                format!("`{field}` changes from {before} to {after}; its Rust type changes"),
            );
            return;
        }
        if let (Some(before), Some(after)) = (enum_values(old), enum_values(new)) {
            let open = refs.1.as_deref().is_some_and(is_open_enum);
            for value in after.difference(&before) {
                let (severity, effect) = if open {
                    (Info, "it decodes as `Unknown` until the enum learns it")
                } else {
                    (
                        Breaking,
                        "the closed Rust enum fails to decode it; make the enum open",
                    )
                };
                self.sink.push(
                    "response-property-enum-value-added",
                    severity,
                    at,
                    format!("`{field}` may now be {value}: {effect}"),
                );
            }
            for value in before.difference(&after) {
                self.sink.push(
                    "response-property-enum-value-removed",
                    Breaking,
                    at,
                    format!("`{field}` is no longer {value}; its Rust variant disappears"),
                );
            }
        }
        if let (Some(a), Some(b)) = (old.get("items"), new.get("items")) {
            self.schema(
                &format!("{at}/items"),
                &format!("{field}[]"),
                a,
                b,
                true,
                true,
            );
        }
        let properties = |s: &'a Value| -> BTreeMap<String, &'a Value> {
            s.get("properties")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
                .unwrap_or_default()
        };
        let required = |s: &Value| -> BTreeSet<String> {
            s.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let (old_props, new_props) = (properties(old), properties(new));
        let (old_req, new_req) = (required(old), required(new));
        let child = |name: &str| {
            if field == "body" {
                name.to_owned()
            } else {
                format!("{field}.{name}")
            }
        };
        for (name, old_prop) in &old_props {
            let prop_at = format!("{at}/properties/{}", escape(name));
            match new_props.get(name) {
                Some(new_prop) => self.schema(
                    &prop_at,
                    &child(name),
                    old_prop,
                    new_prop,
                    old_req.contains(name),
                    new_req.contains(name),
                ),
                None if old_req.contains(name) => self.sink.push(
                    "response-required-property-removed",
                    Breaking,
                    &prop_at,
                    format!("`{}` is removed; its Rust field disappears", child(name)),
                ),
                None => self.sink.push(
                    "response-optional-property-removed",
                    Breaking,
                    &prop_at,
                    format!("`{}` is removed; its Rust field disappears", child(name)),
                ),
            }
        }
        for name in new_props.keys().filter(|n| !old_props.contains_key(*n)) {
            let prop_at = format!("{at}/properties/{}", escape(name));
            let (rule, kind) = if new_req.contains(name) {
                ("response-required-property-added", "required")
            } else {
                ("response-optional-property-added", "optional")
            };
            self.sink.push(
                rule,
                Info,
                &prop_at,
                format!("new {kind} field `{}`", child(name)),
            );
        }
    }
}

/// Whether a component schema is replaced by an open enum in the crate.
fn is_open_enum(name: &str) -> bool {
    REPLACEMENTS.iter().any(|(schema, _)| *schema == name)
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
