//! `refresh-upstream`: cuts the audit-log operations, and every component they reference, out
//! of Cloudflare's full published `openapi.json` (the cloudflare/api-schemas repository), into
//! the document `cargo xtask drift` compares with.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

/// Whether a path belongs to the audit-log family: the paths the crate's spec covers, and any
/// path of an audit log upstream adds (so that drift reports it as not yet covered).
fn is_audit_log(path: &str, ours: &BTreeSet<String>) -> bool {
    ours.contains(path)
        || path.contains("audit_logs")
        || path.contains("audit-log")
        || path.contains("/logs/audit")
}

/// The extracted document: `openapi`, `info`, `servers`, `security`, the audit-log paths, the
/// components they reach through `$ref` (transitively), and an `x-provenance` note naming the
/// source.
pub fn extract(full: &Value, ours: &Value, source: &str) -> Result<Value, String> {
    let our_paths: BTreeSet<String> = ours
        .get("paths")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let all_paths = full
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the upstream document has no paths")?;
    let paths: Map<String, Value> = all_paths
        .iter()
        .filter(|(path, _)| is_audit_log(path, &our_paths))
        .map(|(path, item)| (path.clone(), item.clone()))
        .collect();
    if paths.is_empty() {
        return Err("the upstream document has no audit-log paths".into());
    }
    // Every component the paths reach, following references inside components too.
    let mut wanted: Vec<(String, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    collect_refs(&Value::Object(paths.clone()), &mut wanted);
    let mut components = Map::new();
    while let Some((kind, name)) = wanted.pop() {
        if !seen.insert((kind.clone(), name.clone())) {
            continue;
        }
        let Some(node) = full.pointer(&format!(
            "/components/{kind}/{}",
            name.replace('~', "~0").replace('/', "~1")
        )) else {
            return Err(format!(
                "#/components/{kind}/{name} is referenced but not defined upstream"
            ));
        };
        collect_refs(node, &mut wanted);
        components
            .entry(kind)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .map(|m| m.insert(name, node.clone()));
    }
    let mut doc = Map::new();
    doc.insert(
        "x-provenance".into(),
        json!({
            "source": source,
            "extracted_by": "cargo xtask refresh-upstream",
            "paths": paths.keys().collect::<Vec<_>>(),
        }),
    );
    for key in ["openapi", "info", "servers", "security"] {
        if let Some(value) = full.get(key) {
            doc.insert(key.into(), value.clone());
        }
    }
    doc.insert("paths".into(), Value::Object(paths));
    doc.insert("components".into(), Value::Object(components));
    Ok(Value::Object(doc))
}

/// Adds the `(kind, name)` of every local `#/components/...` reference under `node`.
fn collect_refs(node: &Value, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str)
                && let Some(rest) = reference.strip_prefix("#/components/")
                && let Some((kind, name)) = rest.split_once('/')
            {
                let name = name.replace("~1", "/").replace("~0", "~");
                out.push((kind.to_owned(), name));
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small stand-in for Cloudflare's full document: an audit-log operation, another
    /// operation, components reached directly and through another component, and some that
    /// nothing reaches.
    fn full() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "Cloudflare API", "version": "4.0.0"},
            "servers": [{"url": "https://api.cloudflare.com/client/v4"}],
            "security": [{"api_token": []}],
            "paths": {
                "/accounts/{account_id}/audit_logs": {"get": {
                    "operationId": "audit-logs-get-account-audit-logs",
                    "parameters": [{"$ref": "#/components/parameters/aaa_id"}],
                    "responses": {"200": {"content": {"application/json": {"schema":
                        {"$ref": "#/components/schemas/aaa_collection"}}}}}
                }},
                "/accounts/{account_id}/logs/audit": {"get": {
                    "operationId": "audit-logs-v2-get-account-audit-logs",
                    "responses": {"200": {"description": "ok"}}
                }},
                "/zones/{zone_id}/dns_records": {"get": {
                    "operationId": "dns-records-list",
                    "responses": {"200": {"content": {"application/json": {"schema":
                        {"$ref": "#/components/schemas/dns_record"}}}}}
                }}
            },
            "components": {
                "parameters": {
                    "aaa_id": {"name": "id", "in": "query", "schema": {"$ref": "#/components/schemas/aaa_identifier"}}
                },
                "schemas": {
                    "aaa_collection": {"type": "object", "properties": {
                        "result": {"type": "array", "items": {"$ref": "#/components/schemas/aaa_entry"}}}},
                    "aaa_entry": {"type": "object", "properties": {"id": {"$ref": "#/components/schemas/aaa_identifier"}}},
                    "aaa_identifier": {"type": "string", "maxLength": 32},
                    "dns_record": {"type": "object"},
                    "unused": {"type": "string"}
                }
            }
        })
    }

    fn ours() -> Value {
        json!({"paths": {"/accounts/{account_id}/audit_logs": {}}})
    }

    #[test]
    fn extracts_the_audit_log_paths_and_every_component_they_reach() {
        let doc = extract(&full(), &ours(), "fixture").unwrap();
        let paths: Vec<_> = doc["paths"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            paths,
            [
                "/accounts/{account_id}/audit_logs",
                "/accounts/{account_id}/logs/audit"
            ]
        );
        let schemas: Vec<_> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        // Reached directly, through an array's items, and through a parameter.
        assert_eq!(schemas, ["aaa_collection", "aaa_entry", "aaa_identifier"]);
        assert!(doc["components"]["parameters"]["aaa_id"].is_object());
        assert_eq!(doc["servers"], full()["servers"]);
        assert_eq!(doc["x-provenance"]["source"], "fixture");
    }

    #[test]
    fn a_dangling_reference_or_no_audit_log_is_an_error() {
        let mut broken = full();
        broken["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .remove("aaa_entry");
        let error = extract(&broken, &ours(), "fixture").unwrap_err();
        assert!(error.contains("aaa_entry"), "{error}");

        let mut none = full();
        none["paths"] = json!({"/zones/{zone_id}/dns_records": {}});
        assert!(extract(&none, &ours(), "fixture").is_err());
    }

    #[test]
    fn the_kept_document_compares_with_our_spec() {
        // What refresh writes is what drift reads: a refreshed copy of the kept document
        // (treated as the full one) yields the same operations.
        let root = crate::spec::root();
        let kept: Value = serde_json::from_str(
            &std::fs::read_to_string(root.join(crate::spec::UPSTREAM_PATH)).unwrap(),
        )
        .unwrap();
        let ours = crate::generator::parse_yaml(
            &std::fs::read_to_string(root.join(crate::generator::SPEC_PATH)).unwrap(),
        )
        .unwrap();
        let refreshed = extract(&kept, &ours, "kept").unwrap();
        assert_eq!(refreshed["paths"], kept["paths"]);
        let report = crate::drift::compare(&ours, &refreshed);
        assert!(report.drift.is_empty(), "{}", report.markdown());
    }
}
