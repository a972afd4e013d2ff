//! `cargo xtask schema`: a JSON Schema (2020-12) of the entry types, made from the spec's
//! components, so that pipelines can register what the crate emits without the library
//! compiling schemars.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::generator::REPLACEMENTS;

/// The entry types: the item type of `result` in the 200 page of each listing (each
/// operation with an `x-request-type`), so that a listing added to the spec is described
/// with no change here.
pub fn entry_types(doc: &Value) -> Result<BTreeSet<String>, String> {
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    let mut entries = BTreeSet::new();
    for (path, item) in paths {
        let operations = item.as_object().into_iter().flatten().map(|(_, op)| op);
        for operation in operations.filter(|op| op.get("x-request-type").is_some()) {
            let page = operation
                .pointer("/responses/200/content/application~1json/schema/$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .ok_or_else(|| format!("a listing of {path} has no 200 page by $ref"))?;
            let entry = doc
                .pointer(&format!(
                    "/components/schemas/{page}/properties/result/items/$ref"
                ))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .ok_or_else(|| format!("page {page} has no result items by $ref"))?;
            entries.insert(entry.to_owned());
        }
    }
    Ok(entries)
}

/// The schema document: the entry types and everything they refer to, under `$defs`.
pub fn entry_schema(doc: &Value) -> Result<Value, String> {
    let schemas = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .ok_or("the spec has no components/schemas")?;
    let entries = entry_types(doc)?;
    let mut defs = Map::new();
    let mut todo: Vec<String> = entries.iter().cloned().collect();
    let mut done = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        let schema = schemas
            .get(&name)
            .ok_or_else(|| format!("no schema {name}"))?;
        let mut refs = Vec::new();
        let mut converted = convert(schema, &mut refs);
        if REPLACEMENTS.iter().any(|(open, _)| *open == name) {
            converted = open_enum(converted);
        }
        defs.insert(name, converted);
        todo.extend(refs);
    }
    let names = entries.iter().map(String::as_str).collect::<Vec<_>>();
    Ok(json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Cloudflare audit log entries",
        "description": format!(
            "An entry of one of the audit logs ({}), as cloudflare-audit-logs serializes it.",
            names.join(", ")
        ),
        "anyOf": entries.iter().map(|e| json!({"$ref": format!("#/$defs/{e}")})).collect::<Vec<_>>(),
        "$defs": defs,
    }))
}

/// An OpenAPI 3.0 schema object as JSON Schema 2020-12.
fn convert(node: &Value, refs: &mut Vec<String>) -> Value {
    let Some(map) = node.as_object() else {
        return node.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "$ref" => {
                let name = value
                    .as_str()
                    .and_then(|r| r.rsplit('/').next())
                    .unwrap_or_default();
                refs.push(name.to_owned());
                out.insert(key.clone(), json!(format!("#/$defs/{name}")));
            }
            "nullable" | "example" => {}
            k if k.starts_with("x-") => {}
            "properties" => {
                let properties = value
                    .as_object()
                    .map(|props| {
                        props
                            .iter()
                            .map(|(k, v)| (k.clone(), convert(v, refs)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(properties));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(key.clone(), convert(value, refs));
            }
            "oneOf" | "anyOf" | "allOf" => {
                let parts = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|v| convert(v, refs))
                    .collect();
                out.insert(key.clone(), Value::Array(parts));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(example) = map.get("example") {
        out.insert("examples".into(), json!([example]));
    }
    if map.get("nullable").and_then(Value::as_bool) == Some(true) {
        match out.get("type").cloned() {
            Some(Value::String(kind)) => {
                out.insert("type".into(), json!([kind, "null"]));
            }
            _ if !out.contains_key("type") => {}
            _ => {}
        }
        if let Some(Value::Array(values)) = out.get_mut("enum") {
            values.push(Value::Null);
        }
    }
    Value::Object(out)
}

/// An open enum: the known values, or any other string.
fn open_enum(schema: Value) -> Value {
    let mut schema = schema;
    if let Some(map) = schema.as_object_mut()
        && let Some(values) = map.remove("enum")
    {
        map.insert(
            "anyOf".into(),
            json!([{"enum": values}, {"type": "string"}]),
        );
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generator::parse_yaml;

    fn schema() -> Value {
        entry_schema(&parse_yaml(include_str!("../../openapi/cloudflare-audit-logs.yaml")).unwrap())
            .unwrap()
    }

    /// Whether `instance` is a valid `entry` (each entry type is registered on its own).
    fn valid(entry: &str, instance: Value) -> bool {
        let mut schema = schema();
        schema["anyOf"] = json!([{"$ref": format!("#/$defs/{entry}")}]);
        jsonschema::draft202012::new(&schema)
            .unwrap()
            .is_valid(&instance)
    }

    #[test]
    fn the_entry_types_are_those_of_every_listing_and_only_those() {
        let doc = parse_yaml(include_str!("../../openapi/cloudflare-audit-logs.yaml")).unwrap();
        assert_eq!(
            entry_types(&doc).unwrap(),
            [
                "AccessRequest",
                "AuditLog",
                "AuditLogV2",
                "InsightAuditLog",
                "ScimUpdate"
            ]
            .map(String::from)
            .into()
        );
        let described = schema()["anyOf"].to_string();
        assert!(described.contains("#/$defs/ScimUpdate") && !described.contains("ProductCategory"));
    }

    #[test]
    fn a_listing_whose_page_names_no_entry_type_is_an_error() {
        let mut doc = parse_yaml(include_str!("../../openapi/cloudflare-audit-logs.yaml")).unwrap();
        doc["components"]["schemas"]["ScimUpdatePage"]["properties"]["result"]["items"] =
            json!({"type": "object"});
        let error = entry_types(&doc).unwrap_err();
        assert!(error.contains("ScimUpdatePage"), "{error}");
    }

    #[test]
    fn holds_every_entry_and_what_they_refer_to() {
        let schema = schema();
        for name in [
            "AccessRequest",
            "ScimUpdate",
            "AuditLog",
            "AuditLogV2",
            "AuditLogV2Actor",
            "InsightAuditLog",
            "ActorType",
            "ChangedField",
            "AuditLogActor",
        ] {
            assert!(schema["$defs"].get(name).is_some(), "{name}");
        }
        assert!(
            schema["$defs"].get("AuditLogPage").is_none(),
            "envelopes are not entries"
        );
        assert!(!schema.to_string().contains("x-upstream-deviation"));
    }

    #[test]
    fn accepts_what_the_crate_emits_and_refuses_what_it_cannot() {
        assert!(valid(
            "AuditLog",
            json!({
                "id": "d5b0f326", "actor": {"type": "api_token", "email": "a@example.com"},
                "newValue": {"any": ["json"]}, "when": "2026-01-01T00:00:00Z", "metadata": null
            })
        ));
        assert!(valid(
            "InsightAuditLog",
            json!({
                "id": "019b0000-0000-7000-8000-000000000001", "field_changed": "severity",
                "current_value": null, "zone_id": 12
            })
        ));
        assert!(valid(
            "AuditLogV2",
            json!({
                "id": "2a3b4c5d-0000-4000-8000-000000000001",
                "action": {"type": "create", "result": "success", "time": "2026-01-01T00:00:00Z"},
                "actor": {"type": "user", "email": "a@example.com"},
                "resource": {"request": [1, "two"], "response": null}
            })
        ));
        assert!(!valid("AuditLogV2", json!({"actor": {"email": 5}})));
        assert!(!valid("InsightAuditLog", json!({"zone_id": "twelve"})));
        assert!(!valid("InsightAuditLog", json!({"changed_by": 5})));
        assert!(!valid("AuditLog", json!({"actor": {"type": 3}})));
        assert!(!valid("AuditLog", json!({"action": {"result": "yes"}})));
        assert!(valid(
            "AccessRequest",
            json!({
                "action": "login", "allowed": true, "ray_id": "8f0c5f0e2a3b1c4d",
                "created_at": "2026-01-01T00:00:00Z", "user_email": "a@example.com", "new": 1
            })
        ));
        assert!(!valid("AccessRequest", json!({"allowed": "yes"})));
        assert!(valid(
            "ScimUpdate",
            json!({
                "cf_resource_id": "bd97ef8d-7986-43e3-9ee0-000000000001",
                "logged_at": "2026-01-01T00:00:00Z", "error_description": null,
                "status": "SUCCESS", "resource_type": "USER"
            })
        ));
        assert!(!valid("ScimUpdate", json!({"logged_at": 5})));
    }
}
