//! `cargo xtask lint`: the spec as progenitor will see it, the official OpenAPI 3.0 JSON
//! Schema, and this crate's own rules. Every problem names a JSON pointer.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::Value;

use crate::generator;
use crate::spec::{escape, operations, resolve};

/// The OpenAPI Initiative's schema for 3.0 documents (see `schemas/README.md`).
const OPENAPI_SCHEMA: &str = include_str!("../schemas/openapi-3.0.json");

/// How long an `x-upstream-deviation` must be to count as an explanation.
const MIN_EXPLANATION: usize = 15;

/// One problem, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer, or a YAML line for syntax errors.
    pub at: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            if self.at.is_empty() { "/" } else { &self.at },
            self.message
        )
    }
}

fn problem(at: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        at: at.into(),
        message: message.into(),
    }
}

/// Every problem of the spec text; empty when it is clean.
pub fn lint(text: &str) -> Vec<Problem> {
    let doc = match generator::parse_yaml(text) {
        Ok(doc) => doc,
        Err(e) => return vec![problem("", e.to_string())],
    };
    let mut problems = Vec::new();
    if let Err(e) = generator::parse_openapi(doc.clone()) {
        problems.push(problem("", e.to_string()));
    }
    problems.extend(against_openapi_schema(&doc));
    problems.extend(references(&doc));
    problems.extend(operation_rules(&doc));
    problems.extend(unused_components(&doc));
    problems.extend(schema_rules(&doc));
    problems.extend(deviations(&doc, ""));
    if doc
        .get("servers")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
    {
        problems.push(problem("/servers", "no server URL"));
    }
    // What the build would refuse: a spec that passes every rule above but does not generate
    // (progenitor's refusals, and the crate's own: a listing's entry with no `x-entry-time`,
    // two operations of one request type with other parameters).
    if problems.is_empty()
        && let Err(e) = generator::generate(text, generator::Options::default())
    {
        problems.push(problem("", format!("the spec does not generate: {e}")));
    }
    problems
}

fn against_openapi_schema(doc: &Value) -> Vec<Problem> {
    let schema: Value = match serde_json::from_str(OPENAPI_SCHEMA) {
        Ok(schema) => schema,
        Err(e) => {
            return vec![problem(
                "",
                format!("the vendored OpenAPI schema is broken: {e}"),
            )];
        }
    };
    let validator = match jsonschema::draft4::new(&schema) {
        Ok(validator) => validator,
        Err(e) => {
            return vec![problem(
                "",
                format!("the vendored OpenAPI schema is broken: {e}"),
            )];
        }
    };
    validator
        .iter_errors(doc)
        .map(|e| {
            problem(
                e.instance_path().to_string(),
                format!("OpenAPI 3.0 schema: {e}"),
            )
        })
        .collect()
}

/// Calls `visit` on every object node with its pointer.
fn walk<'a>(
    node: &'a Value,
    at: &str,
    visit: &mut dyn FnMut(&str, &'a serde_json::Map<String, Value>),
) {
    match node {
        Value::Object(map) => {
            visit(at, map);
            for (key, child) in map {
                walk(child, &format!("{at}/{}", escape(key)), visit);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, &format!("{at}/{i}"), visit);
            }
        }
        _ => {}
    }
}

fn references(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk(doc, "", &mut |at, map| {
        let Some(reference) = map.get("$ref") else {
            return;
        };
        let Some(target) = reference.as_str() else {
            problems.push(problem(at, "`$ref` is not a string"));
            return;
        };
        match target.strip_prefix('#') {
            Some(pointer) if doc.pointer(pointer).is_some() => {}
            Some(_) => problems.push(problem(at, format!("`$ref` {target} does not resolve"))),
            None => problems.push(problem(
                at,
                format!("`$ref` {target} is not local to this document"),
            )),
        }
        if map.len() > 1 {
            let others: Vec<&str> = map
                .keys()
                .filter(|k| *k != "$ref")
                .map(String::as_str)
                .collect();
            problems.push(problem(
                at,
                format!("keys beside `$ref` are ignored: {}", others.join(", ")),
            ));
        }
    });
    problems
}

fn operation_rules(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for (method, path, op) in operations(doc) {
        let at = format!("/paths/{}/{method}", escape(&path));
        match op.get("operationId").and_then(Value::as_str) {
            None => problems.push(problem(&at, "no operationId (progenitor needs one)")),
            Some(id) => {
                let valid = id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if !valid {
                    problems.push(problem(
                        format!("{at}/operationId"),
                        format!("operationId `{id}` is not a snake_case Rust method name"),
                    ));
                }
                if let Some(first) = ids.insert(id.to_owned(), at.clone()) {
                    problems.push(problem(
                        format!("{at}/operationId"),
                        format!("operationId `{id}` is also used at {first}"),
                    ));
                }
            }
        }
        if op
            .get("description")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            problems.push(problem(&at, "no description"));
        }
        // Path parameters: the template and the declarations must agree.
        let template: BTreeSet<String> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
            .collect();
        let mut declared = BTreeSet::new();
        let item_params = doc.pointer(&format!("/paths/{}/parameters", escape(&path)));
        let lists = [
            (item_params, format!("/paths/{}", escape(&path))),
            (op.get("parameters"), at.clone()),
        ];
        for (list, base) in lists {
            for (i, node) in list
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let param_at = format!("{base}/parameters/{i}");
                let Some(param) = resolve(doc, node) else {
                    continue;
                };
                if param
                    .get("description")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    problems.push(problem(&param_at, "parameter without a description"));
                }
                if param.get("in").and_then(Value::as_str) == Some("path") {
                    let name = param
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    declared.insert(name.to_owned());
                    if param.get("required").and_then(Value::as_bool) != Some(true) {
                        problems.push(problem(
                            &param_at,
                            format!("path parameter `{name}` must be required"),
                        ));
                    }
                    if !template.contains(name) {
                        problems.push(problem(
                            &param_at,
                            format!("path parameter `{name}` is not in the path"),
                        ));
                    }
                }
            }
        }
        for name in template.difference(&declared) {
            problems.push(problem(
                &at,
                format!("`{{{name}}}` in the path has no path parameter"),
            ));
        }
        // Responses: one success, one error.
        let statuses: Vec<&String> = op
            .get("responses")
            .and_then(Value::as_object)
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        if !statuses.iter().any(|s| s.starts_with('2')) {
            problems.push(problem(
                format!("{at}/responses"),
                "no success (2xx) response",
            ));
        }
        if !statuses
            .iter()
            .any(|s| s.starts_with('4') || s.starts_with('5'))
        {
            problems.push(problem(
                format!("{at}/responses"),
                "no error (4xx/5xx) response",
            ));
        }
        if statuses.iter().any(|s| *s == "default") {
            problems.push(problem(
                format!("{at}/responses/default"),
                "a `default` response makes progenitor panic; use 4XX and 5XX",
            ));
        }
    }
    problems
}

fn unused_components(doc: &Value) -> Vec<Problem> {
    let mut used = BTreeSet::new();
    walk(doc, "", &mut |_, map| {
        if let Some(target) = map.get("$ref").and_then(Value::as_str) {
            used.insert(target.to_owned());
        }
    });
    // Security schemes are used by name, not by reference.
    walk(doc, "", &mut |at, map| {
        if at == "/security" || at.ends_with("/security") || at.contains("/security/") {
            for name in map.keys() {
                used.insert(format!("#/components/securitySchemes/{name}"));
            }
        }
    });
    let mut problems = Vec::new();
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        for (kind, entries) in components {
            for name in entries
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, _)| name)
            {
                let target = format!("#/components/{kind}/{}", escape(name));
                if !used.contains(&target) {
                    problems.push(problem(&target[1..], "unused component"));
                }
            }
        }
    }
    problems
}

fn schema_rules(doc: &Value) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk(doc, "", &mut |at, map| {
        if let Some(values) = map.get("enum").and_then(Value::as_array) {
            if !map.contains_key("type") {
                problems.push(problem(at, "enum without a `type`"));
            }
            let mut seen = BTreeSet::new();
            for value in values {
                if !seen.insert(value.to_string()) {
                    problems.push(problem(at, format!("enum value {value} appears twice")));
                }
            }
        }
    });
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let at = format!("/components/schemas/{}", escape(name));
        if schema
            .get("description")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            problems.push(problem(&at, "schema without a description"));
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (property, node) in properties.into_iter().flatten() {
            let is_ref = node.get("$ref").is_some();
            if !is_ref
                && node
                    .get("description")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
            {
                problems.push(problem(
                    format!("{at}/properties/{}", escape(property)),
                    "property without a description",
                ));
            }
        }
    }
    problems
}

/// Every `x-upstream-deviation` must say why.
fn deviations(doc: &Value, _: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk(doc, "", &mut |at, map| {
        // `x-upstream-deviation`, and `x-upstream-deviation-<member>` for a member that cannot
        // carry one itself (an array such as `security`).
        for (key, why) in map
            .iter()
            .filter(|(k, _)| k.starts_with("x-upstream-deviation"))
        {
            let explained = why
                .as_str()
                .is_some_and(|s| s.trim().len() >= MIN_EXPLANATION);
            if !explained {
                problems.push(problem(
                    format!("{at}/{key}"),
                    "a deviation from upstream must say why, in words",
                ));
            }
        }
    });
    problems
}

#[cfg(test)]
#[path = "lint_tests.rs"]
mod tests;
