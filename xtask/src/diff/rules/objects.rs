//! What a response schema is, however it is composed: an object's fields and which are
//! required, and whether a value may be null.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::spec::resolve;

/// An object's fields and which of them are required, however the object is composed: its own
/// `properties`, every part of an `allOf` (a field is required if any part requires it), or
/// every branch of a `oneOf`/`anyOf` (required only if every branch requires it). `None` for a
/// schema that is no object.
pub(super) fn object_view<'a>(
    doc: &'a Value,
    schema: &'a Value,
) -> Option<(BTreeMap<String, &'a Value>, BTreeSet<String>)> {
    object_view_at(doc, schema, 0)
}

fn object_view_at<'a>(
    doc: &'a Value,
    schema: &'a Value,
    depth: usize,
) -> Option<(BTreeMap<String, &'a Value>, BTreeSet<String>)> {
    let schema = resolve(doc, schema)?;
    if depth > 8 {
        return None;
    }
    let required = |s: &Value| -> BTreeSet<String> {
        s.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    let mut props: BTreeMap<String, &'a Value> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
        .unwrap_or_default();
    let mut req = required(schema);
    let mut object = schema.get("properties").is_some()
        || schema.get("required").is_some()
        || schema.get("type").and_then(Value::as_str) == Some("object");
    let parts = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|part| object_view_at(doc, part, depth + 1))
            .collect::<Vec<_>>()
    };
    for (part_props, part_req) in parts("allOf") {
        object = true;
        for (name, prop) in part_props {
            props.entry(name).or_insert(prop);
        }
        req.extend(part_req);
    }
    for key in ["oneOf", "anyOf"] {
        let branches = parts(key);
        if branches.is_empty() {
            continue;
        }
        object = true;
        let mut every: Option<BTreeSet<String>> = None;
        for (branch_props, branch_req) in branches {
            for (name, prop) in branch_props {
                props.entry(name).or_insert(prop);
            }
            every = Some(match every {
                None => branch_req,
                Some(so_far) => so_far.intersection(&branch_req).cloned().collect(),
            });
        }
        req.extend(every.unwrap_or_default());
    }
    object.then_some((props, req))
}

/// Whether a schema admits null: `nullable`, a `type: null`, or such a branch of a
/// `oneOf`/`anyOf`.
pub(super) fn admits_null(doc: &Value, schema: &Value) -> bool {
    let Some(schema) = resolve(doc, schema) else {
        return false;
    };
    schema.get("nullable").and_then(Value::as_bool) == Some(true)
        || schema.get("type").and_then(Value::as_str) == Some("null")
        || ["oneOf", "anyOf"].iter().any(|key| {
            schema
                .get(*key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|branch| resolve(doc, branch))
                .any(|branch| {
                    branch.get("nullable").and_then(Value::as_bool) == Some(true)
                        || branch.get("type").and_then(Value::as_str) == Some("null")
                })
        })
}
