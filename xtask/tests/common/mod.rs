//! The crate's own spec and small edits of it, shared by the diff's tests.
#![allow(dead_code)]

use serde_json::Value;

use xtask::diff::{Change, compare_documents};
use xtask::generator;

pub const SPEC: &str = include_str!("../../../openapi/cloudflare-audit-logs.yaml");
pub const ACCOUNT_PATH: &str = "/accounts/{account_id}/audit_logs";
pub const ACCOUNT_OP: &str = "/paths/~1accounts~1{account_id}~1audit_logs/get";
pub const ZONE_PATH: &str = "/zones/{zone_id}/security-center/insights/audit-log";
pub const SCHEMAS: &str = "/components/schemas";

/// The spec as JSON.
pub fn spec() -> Value {
    generator::parse_yaml(SPEC).unwrap()
}

/// The node at `pointer`.
pub fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no node at {pointer}"))
}

/// The account operation's parameter called `name` (inline, or the component it refers to).
pub fn param<'a>(doc: &'a mut Value, name: &str) -> &'a mut Value {
    let params = doc
        .pointer(&format!("{ACCOUNT_OP}/parameters"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, p) in params.iter().enumerate() {
        let pointer = match p.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference.trim_start_matches('#').to_owned(),
            None => format!("{ACCOUNT_OP}/parameters/{i}"),
        };
        if doc.pointer(&pointer).is_some_and(|p| p["name"] == name) {
            return at(doc, &pointer);
        }
    }
    panic!("no parameter {name}")
}

/// The changes from the spec edited by `prepare` to that spec edited by `change` too.
pub fn changes(prepare: impl Fn(&mut Value), change: impl FnOnce(&mut Value)) -> Vec<Change> {
    let mut base = spec();
    prepare(&mut base);
    let mut head = base.clone();
    change(&mut head);
    compare_documents(&base, &head)
}
