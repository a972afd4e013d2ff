//! `cargo xtask drift`: how our spec differs from Cloudflare's upstream OpenAPI document, for
//! the operations we cover (matched by method and path).
//!
//! Differences under a node of ours that carries `x-upstream-deviation` are listed apart as
//! intended; what is left is drift to look into. A deviation marks its own node and the inline
//! nodes below it, not the components it refers to, so that one marker on an envelope does not
//! hide drift in the entries it holds.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde::Serialize;
use serde_json::Value;

use crate::spec::{escape, operations, resolve};

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

/// Compares our document with upstream's.
pub fn compare(ours: &Value, theirs: &Value) -> DriftReport {
    let mut report = DriftReport::default();
    let upstream: BTreeMap<(String, String), &Value> = operations(theirs)
        .into_iter()
        .map(|(m, p, op)| ((m, p), op))
        .collect();
    for (method, path, op) in operations(ours) {
        let place = format!("{} {path}", method.to_uppercase());
        let at = format!("/paths/{}/{method}", escape(&path));
        let Some(their_op) = upstream.get(&(method.clone(), path.clone())) else {
            report.add(
                marked(op),
                place,
                "operation not in the upstream document".into(),
                at,
            );
            continue;
        };
        parameters(&mut report, &place, &at, ours, op, theirs, their_op);
        responses(&mut report, &place, &at, ours, op, theirs, their_op);
    }
    let covered: BTreeSet<(String, String)> = operations(ours)
        .into_iter()
        .map(|(m, p, _)| (m, p))
        .collect();
    for (method, path) in upstream.keys() {
        if !covered.contains(&(method.clone(), path.clone())) {
            report.add(
                false,
                format!("{} {path}", method.to_uppercase()),
                "upstream operation this crate does not cover".into(),
                "/paths".into(),
            );
        }
    }
    report
}

fn marked(node: &Value) -> bool {
    node.get(DEVIATION).is_some()
}

/// Resolved parameters by `(in, name)`, with our pointer and whether a deviation marks them.
fn params<'a>(
    doc: &'a Value,
    op: &'a Value,
    at: &str,
) -> BTreeMap<(String, String), (String, &'a Value, bool)> {
    let mut out = BTreeMap::new();
    for (i, node) in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(param) = resolve(doc, node) else {
            continue;
        };
        let text = |k: &str| {
            param
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let schema_marked = param
            .get("schema")
            .is_some_and(|s| marked(s) || resolve(doc, s).is_some_and(marked));
        let flag = marked(node) || marked(param) || schema_marked;
        out.insert(
            (text("in"), text("name")),
            (format!("{at}/parameters/{i}"), param, flag),
        );
    }
    out
}

fn parameters(
    report: &mut DriftReport,
    place: &str,
    at: &str,
    ours: &Value,
    op: &Value,
    theirs: &Value,
    their_op: &Value,
) {
    let (mine, upstream) = (params(ours, op, at), params(theirs, their_op, ""));
    for ((kind, name), (_, their_param, _)) in &upstream {
        let place = format!("{place} › {kind} parameter `{name}`");
        let Some((pointer, my_param, flag)) = mine.get(&(kind.clone(), name.clone())) else {
            report.add(
                marked(op),
                place,
                "upstream has it; we do not".into(),
                format!("{at}/parameters"),
            );
            continue;
        };
        if my_param.get("required") != their_param.get("required")
            && (my_param
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                != their_param
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false))
        {
            report.add(
                *flag,
                place.clone(),
                "required differs".into(),
                pointer.clone(),
            );
        }
        let (my_form, their_form) = (wire_form(my_param), wire_form(their_param));
        if my_form != their_form {
            report.add(
                *flag,
                place.clone(),
                format!(
                    "style/explode: upstream `{}`/{}, ours `{}`/{}",
                    their_form.0, their_form.1, my_form.0, my_form.1
                ),
                pointer.clone(),
            );
        }
        let mine = my_param
            .get("schema")
            .map(|s| facts(ours, s))
            .unwrap_or_default();
        let theirs_facts = their_param
            .get("schema")
            .map(|s| facts(theirs, s))
            .unwrap_or_default();
        for (key, difference) in differences(&mine, &theirs_facts) {
            report.add(
                *flag,
                place.clone(),
                format!("{key}: {difference}"),
                format!("{pointer}/schema"),
            );
        }
    }
    for ((kind, name), (pointer, _, flag)) in &mine {
        if !upstream.contains_key(&(kind.clone(), name.clone())) {
            report.add(
                *flag,
                format!("{place} › {kind} parameter `{name}`"),
                "not upstream".into(),
                pointer.clone(),
            );
        }
    }
}

fn responses(
    report: &mut DriftReport,
    place: &str,
    at: &str,
    ours: &Value,
    op: &Value,
    theirs: &Value,
    their_op: &Value,
) {
    let statuses = |op: &Value| -> BTreeSet<String> {
        op.get("responses")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let (mine, upstream) = (statuses(op), statuses(their_op));
    for status in mine.union(&upstream) {
        let pointer = format!("{at}/responses/{}", escape(status));
        let place = format!("{place} › {status}");
        let my_response = op.pointer(&format!("/responses/{}", escape(status)));
        let their_response = their_op.pointer(&format!("/responses/{}", escape(status)));
        let (my_response, their_response) = match (my_response, their_response) {
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => {
                report.add(marked(a), place, "status not upstream".into(), pointer);
                continue;
            }
            (None, Some(_)) => {
                report.add(
                    marked(op),
                    place,
                    "upstream has this status; we do not".into(),
                    pointer,
                );
                continue;
            }
            (None, None) => continue,
        };
        let schema = |doc: &Value, r: &Value| -> Option<Value> {
            resolve(doc, r)?
                .pointer("/content/application~1json/schema")
                .cloned()
        };
        let (Some(my_schema), Some(their_schema)) =
            (schema(ours, my_response), schema(theirs, their_response))
        else {
            continue;
        };
        let mut mine = BTreeMap::new();
        flatten(ours, &my_schema, "", marked(my_response), &mut mine, 0);
        let mut upstream_fields = BTreeMap::new();
        flatten(theirs, &their_schema, "", false, &mut upstream_fields, 0);
        let field_place = |field: &str| {
            format!(
                "{place} › `{}`",
                if field.is_empty() { "body" } else { field }
            )
        };
        for (field, theirs) in &upstream_fields {
            match mine.get(field) {
                None => {
                    let flag = parent_flag(&mine, field);
                    report.add(
                        flag,
                        field_place(field),
                        "upstream has this field; we do not".into(),
                        pointer.clone(),
                    );
                }
                Some(ours) => {
                    for (key, difference) in differences(&ours.facts, &theirs.facts) {
                        report.add(
                            ours.flag,
                            field_place(field),
                            format!("{key}: {difference}"),
                            pointer.clone(),
                        );
                    }
                }
            }
        }
        for (field, ours) in &mine {
            if upstream_fields.contains_key(field) {
                continue;
            }
            // A whole subtree of ours may be extra: judge it by its root and the root's parent.
            let mut root = field.as_str();
            while let Some((parent, _)) = root.rsplit_once(['.', '[']) {
                if upstream_fields.contains_key(parent) || !mine.contains_key(parent) {
                    break;
                }
                root = parent;
            }
            let flag =
                ours.flag || mine.get(root).is_some_and(|f| f.flag) || parent_flag(&mine, root);
            report.add(
                flag,
                field_place(field),
                "not upstream".into(),
                pointer.clone(),
            );
        }
    }
}

/// Whether the closest field of ours above `field` is marked.
fn parent_flag(fields: &BTreeMap<String, Field>, field: &str) -> bool {
    let mut path = field;
    while let Some((parent, _)) = path.rsplit_once(['.', '[']) {
        if let Some(f) = fields.get(parent) {
            return f.flag;
        }
        path = parent;
    }
    fields.get("").is_some_and(|f| f.flag)
}

/// What a field is, as comparable facts.
#[derive(Debug, Default)]
struct Field {
    facts: BTreeMap<&'static str, String>,
    flag: bool,
}

/// Every field of a response body, by path (`result[].actor.type`), with its facts.
fn flatten(
    doc: &Value,
    node: &Value,
    path: &str,
    inherited: bool,
    out: &mut BTreeMap<String, Field>,
    depth: usize,
) {
    let Some(schema) = resolve(doc, node) else {
        return;
    };
    if depth > 12 {
        return;
    }
    // A marker covers its own node and the inline nodes below it, not referenced components.
    let is_ref = node.get("$ref").is_some();
    let flag = marked(node) || marked(schema) || (inherited && !is_ref);
    let entry = out.entry(path.to_owned()).or_default();
    entry.flag |= flag;
    for (key, value) in facts(doc, node) {
        entry.facts.entry(key).or_insert(value);
    }
    // A field is required when every alternative of its object requires it: allOf parts
    // add their `required`, and a oneOf/anyOf requires only what all its branches do (a
    // branch that requires nothing makes every field optional).
    let required = required_names(doc, node, 0);
    // allOf parts are merged by `flatten_members`; each branch of a choice adds its members.
    for key in ["oneOf", "anyOf"] {
        for part in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            flatten_members(doc, part, path, flag, out, depth + 1);
        }
    }
    flatten_members(doc, node, path, flag, out, depth);
    for name in required {
        let child = if path.is_empty() {
            name
        } else {
            format!("{path}.{name}")
        };
        if let Some(field) = out.get_mut(&child) {
            field.facts.insert("required", "true".into());
        }
    }
}

/// The property names every body matching `node` must have.
fn required_names(doc: &Value, node: &Value, depth: usize) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let Some(schema) = resolve(doc, node) else {
        return names;
    };
    if depth > 12 {
        return names;
    }
    names.extend(
        schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned),
    );
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        names.extend(required_names(doc, part, depth + 1));
    }
    for key in ["oneOf", "anyOf"] {
        let branches: Vec<BTreeSet<String>> = schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|branch| required_names(doc, branch, depth + 1))
            .collect();
        if let Some((first, rest)) = branches.split_first() {
            let common = rest.iter().fold(first.clone(), |acc, b| {
                acc.intersection(b).cloned().collect()
            });
            names.extend(common);
        }
    }
    names
}

fn flatten_members(
    doc: &Value,
    node: &Value,
    path: &str,
    flag: bool,
    out: &mut BTreeMap<String, Field>,
    depth: usize,
) {
    let Some(schema) = resolve(doc, node) else {
        return;
    };
    if depth > 12 {
        return;
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        flatten_members(doc, part, path, flag, out, depth + 1);
    }
    let inherited = flag && node.get("$ref").is_none() || marked(schema);
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, child) in properties {
            let child_path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            flatten(doc, child, &child_path, inherited, out, depth + 1);
        }
    }
    if let Some(items) = schema.get("items") {
        flatten(doc, items, &format!("{path}[]"), inherited, out, depth + 1);
    }
}

/// Type, format, enum, bounds, default and nullability of a schema, as text.
fn facts(doc: &Value, node: &Value) -> BTreeMap<&'static str, String> {
    let mut out = BTreeMap::new();
    let Some(schema) = resolve(doc, node) else {
        return out;
    };
    // An allOf contributes the facts of its parts.
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for (key, value) in facts(doc, part) {
            out.entry(key).or_insert(value);
        }
    }
    let get = |k: &str| schema.get(k);
    if let Some(t) = get("type").and_then(Value::as_str) {
        out.insert("type", t.to_owned());
    } else if get("properties").is_some() {
        out.insert("type", "object".into());
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(parts) = get(key).and_then(Value::as_array) {
            // A choice with a nullable branch (or a `type: null` one) admits null.
            if parts.iter().filter_map(|p| resolve(doc, p)).any(|p| {
                p.get("nullable").and_then(Value::as_bool) == Some(true)
                    || p.get("type").and_then(Value::as_str) == Some("null")
            }) {
                out.insert("nullable", "true".into());
            }
            let shapes: BTreeSet<String> = parts
                .iter()
                .filter_map(|p| resolve(doc, p))
                .filter(|p| p.get("properties").is_none())
                .map(|p| {
                    let text = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("");
                    format!("{} {}", text("type"), text("format"))
                        .trim()
                        .to_owned()
                })
                .collect();
            if !shapes.is_empty() {
                out.insert("one of", shapes.into_iter().collect::<Vec<_>>().join(" | "));
            }
        }
    }
    for (key, name) in [
        ("format", "format"),
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("maxLength", "maxLength"),
        ("minLength", "minLength"),
        ("pattern", "pattern"),
        ("default", "default"),
    ] {
        if let Some(value) = get(key) {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            out.insert(name, text);
        }
    }
    if let Some(values) = get("enum").and_then(Value::as_array) {
        let set: BTreeSet<String> = values.iter().map(Value::to_string).collect();
        out.insert("enum", set.into_iter().collect::<Vec<_>>().join(", "));
    }
    if get("nullable").and_then(Value::as_bool) == Some(true) {
        out.insert("nullable", "true".into());
    }
    if let Some(items) =
        get("items").filter(|_| get("type").and_then(Value::as_str) == Some("array"))
    {
        // What an array parameter's items are changes the generated type.
        for (key, value) in facts(doc, items) {
            if matches!(key, "type" | "format" | "enum") {
                out.insert(
                    match key {
                        "type" => "items type",
                        "format" => "items format",
                        _ => "items enum",
                    },
                    value,
                );
            }
        }
    }
    out
}

/// How a parameter goes on the wire: its style and explode, with OpenAPI's defaults filled in
/// (form and explode for query and cookie parameters, simple otherwise).
fn wire_form(param: &Value) -> (String, bool) {
    let location = param.get("in").and_then(Value::as_str).unwrap_or("");
    let default_style = if matches!(location, "query" | "cookie") {
        "form"
    } else {
        "simple"
    };
    let style = param
        .get("style")
        .and_then(Value::as_str)
        .unwrap_or(default_style)
        .to_owned();
    let explode = param
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    (style, explode)
}

fn differences(
    ours: &BTreeMap<&'static str, String>,
    theirs: &BTreeMap<&'static str, String>,
) -> Vec<(&'static str, String)> {
    let keys: BTreeSet<&&str> = ours.keys().chain(theirs.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let (a, b) = (ours.get(*key), theirs.get(*key));
            (a != b).then(|| {
                let show = |v: Option<&String>| v.map_or("none".to_owned(), |v| format!("`{v}`"));
                (*key, format!("upstream {}, ours {}", show(b), show(a)))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generator::parse_yaml;

    const SPEC: &str = include_str!("../../openapi/cloudflare-audit-logs.yaml");

    fn ours() -> Value {
        parse_yaml(SPEC).unwrap()
    }

    /// Cloudflare's document for the operations we cover, as kept in the repository.
    fn upstream() -> Value {
        let path = crate::spec::root().join(crate::spec::UPSTREAM_PATH);
        let text = std::fs::read_to_string(path).expect("openapi/upstream/ is in the repository");
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn our_spec_against_itself_has_no_differences() {
        let report = compare(&ours(), &ours());
        assert!(
            report.drift.is_empty() && report.intended.is_empty(),
            "{report:#?}"
        );
    }

    #[test]
    fn the_upstream_document_shows_only_intended_differences() {
        let upstream = upstream();
        let report = compare(&ours(), &upstream);
        assert!(
            report.drift.is_empty(),
            "unexplained drift:\n{}",
            report.markdown()
        );
        let intended = report.markdown();
        for expected in [
            "parameter `per_page`",
            "parameter `page`",
            "5XX",
            "`result[].newValue`",
            "`result_info`",
        ] {
            assert!(
                intended.contains(expected),
                "{expected} should be listed as intended:\n{intended}"
            );
        }
    }

    #[test]
    fn drift_is_reported_in_both_directions_and_markers_move_it_aside() {
        let upstream = upstream();
        // We lose a parameter and a field, and an explained deviation loses its marker.
        let edited = SPEC
            .replacen("      name: hide_user_logs\n", "      name: hide_user_logs_x\n", 1)
            .replacen("        interface:\n", "        interface_name:\n", 1)
            .replacen(
                "      x-upstream-deviation: integer where upstream says number; page numbers are whole numbers\n",
                "",
                1,
            );
        let report = compare(&parse_yaml(&edited).unwrap(), &upstream);
        let drift = report.markdown();
        for expected in [
            "parameter `hide_user_logs` | upstream has it; we do not",
            "parameter `hide_user_logs_x` | not upstream",
            "`result[].interface` | upstream has this field; we do not",
            "parameter `page` | type: upstream `number`, ours `integer`",
        ] {
            assert!(
                report
                    .drift
                    .iter()
                    .any(|d| format!("{} | {}", d.place, d.what).contains(expected)),
                "{expected} should be drift:\n{drift}"
            );
        }
    }

    #[test]
    fn a_synthetic_upstream_with_a_new_enum_value_and_format_is_drift() {
        let mut upstream = ours();
        upstream["components"]["schemas"]["ActorType"]["enum"] =
            serde_json::json!(["user", "admin", "Cloudflare", "account"]);
        upstream["components"]["schemas"]["InsightAuditLog"]["properties"]["issue_id"]["format"] =
            "uuid".into();
        // Strip our markers from upstream's copy, as upstream would not have them.
        let report = compare(&ours(), &upstream);
        let all: Vec<String> = report
            .drift
            .iter()
            .chain(&report.intended)
            .map(|d| format!("{} {}", d.place, d.what))
            .collect();
        assert!(
            all.iter()
                .any(|d| d.contains("actor.type") && d.contains("account")),
            "{all:#?}"
        );
        assert!(
            report
                .drift
                .iter()
                .any(|d| d.place.contains("issue_id") && d.what.contains("format")),
            "{report:#?}"
        );
    }

    /// Whether a row with both texts is in the drift (not the intended list).
    fn drifts(report: &DriftReport, place: &str, what: &str) -> bool {
        report
            .drift
            .iter()
            .any(|d| d.place.contains(place) && d.what.contains(what))
    }

    #[test]
    fn a_required_field_upstream_makes_optional_in_a_one_of_is_drift_until_marked() {
        // The account page as it was: `success` required, and no marker saying why. Upstream's
        // oneOf has a branch that requires nothing, so `success` is optional there.
        let upstream = upstream();
        let unmarked = SPEC.replacen(
            "    AuditLogPage:\n      description: One page of account audit logs.\n      type: object\n",
            "    AuditLogPage:\n      description: One page of account audit logs.\n      type: object\n      required: [success]\n",
            1,
        );
        let mut doc = parse_yaml(&unmarked).unwrap();
        doc["components"]["schemas"]["AuditLogPage"]
            .as_object_mut()
            .unwrap()
            .remove(DEVIATION);
        let report = compare(&doc, &upstream);
        assert!(
            drifts(
                &report,
                "audit_logs › 200 › `success`",
                "required: upstream none, ours `true`"
            ),
            "{}",
            report.markdown()
        );
        // With the marker back, it is listed as intended.
        let marked = parse_yaml(&unmarked).unwrap();
        let report = compare(&marked, &upstream);
        assert!(!drifts(&report, "› 200 › `success`", "required"));
        assert!(
            report
                .markdown()
                .contains("`success` | required: upstream none, ours `true`")
        );
    }

    #[test]
    fn required_ness_inside_all_of_and_nullability_inside_one_of_are_drift() {
        let mut upstream = ours();
        let log = upstream["components"]["schemas"]["InsightAuditLog"].take();
        upstream["components"]["schemas"]["InsightAuditLog"] =
            serde_json::json!({"allOf": [log, {"required": ["issue_id"]}]});
        upstream["components"]["schemas"]["InsightAuditLog"]["allOf"][0]["properties"]["changed_by"] =
            serde_json::json!({"oneOf": [{"type": "string"}, {"type": "string", "nullable": true}]});
        let report = compare(&ours(), &upstream);
        assert!(
            drifts(
                &report,
                "`result[].issue_id`",
                "required: upstream `true`, ours none"
            ),
            "{}",
            report.markdown()
        );
        assert!(
            drifts(
                &report,
                "`result[].changed_by`",
                "nullable: upstream `true`, ours none"
            ),
            "{}",
            report.markdown()
        );
    }

    #[test]
    fn an_upstream_operation_we_do_not_cover_is_drift() {
        let mut upstream = ours();
        upstream["paths"]["/accounts/{account_id}/logs/audit/new"] =
            upstream["paths"]["/accounts/{account_id}/audit_logs"].clone();
        let report = compare(&ours(), &upstream);
        assert!(drifts(
            &report,
            "GET /accounts/{account_id}/logs/audit/new",
            "does not cover"
        ));
    }

    #[test]
    fn parameter_styles_patterns_and_lengths_are_drift() {
        let mut upstream = ours();
        let changed_by = &mut upstream["components"]["parameters"]["InsightsChangedBy"];
        changed_by["style"] = "deepObject".into();
        changed_by["schema"]["pattern"] = "^[a-z]+$".into();
        changed_by["schema"]["minLength"] = 1.into();
        let report = compare(&ours(), &upstream);
        for what in [
            "style/explode: upstream `deepObject`/false, ours `form`/true",
            "pattern: upstream `^[a-z]+$`, ours none",
            "minLength: upstream `1`, ours none",
        ] {
            assert!(
                drifts(&report, "query parameter `changed_by`", what),
                "{what}:\n{}",
                report.markdown()
            );
        }
    }
}
