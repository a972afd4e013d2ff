//! Which generated types the crate's root re-exports: what a user names. Those are the types
//! of the entries (every schema reachable from an operation's `result` items) and of the
//! query parameters (every schema a parameter's schema reaches), less those the crate
//! replaces with its own (`REPLACEMENTS`). Everything else the generator makes (page
//! envelopes, result infos, identifiers) stays under `generated::types`. So a listing added to
//! the spec brings its entry type to the root with no list to edit.

use std::collections::BTreeSet;

use serde_json::Value;

use super::CodegenError;

/// The `entries` module: a `pub use` of each such type.
pub fn generate(spec: &openapiv3::OpenAPI) -> Result<String, CodegenError> {
    let doc = serde_json::to_value(spec).map_err(|e| CodegenError::Rules(e.to_string()))?;
    let schemas = &doc["components"]["schemas"];
    let parameters = &doc["components"]["parameters"];
    let mut start = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        let operations = item.as_object().into_iter().flat_map(|o| o.values());
        for operation in operations.filter(|o| o.get("operationId").is_some()) {
            // The entries: the success body's `result` items.
            if let Some(body) =
                refs_of(&operation["responses"]["200"]["content"]["application/json"]["schema"])
                    .first()
            {
                let result = &schemas[body.as_str()]["properties"]["result"];
                start.extend(refs_of(result));
            }
            // The query parameters' types.
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let parameter = match parameter.get("$ref").and_then(Value::as_str) {
                    Some(r) => &parameters[r.trim_start_matches("#/components/parameters/")],
                    None => parameter,
                };
                if parameter["in"] == "query" {
                    start.extend(refs_of(&parameter["schema"]));
                }
            }
        }
    }
    let mut public = BTreeSet::new();
    while let Some(name) = start.pop() {
        if public.insert(name.clone()) {
            start.extend(refs_of(&schemas[name.as_str()]));
        }
    }
    let replaced: BTreeSet<&str> = super::REPLACEMENTS.iter().map(|(name, _)| *name).collect();
    let names: Vec<String> = public
        .into_iter()
        .filter(|name| !replaced.contains(name.as_str()))
        .collect();
    Ok(format!(
        "\n/// The generated types the crate's root re-exports: the entries' and the filters' \
         (`codegen/public.rs`).\npub mod entries {{\n    pub use super::types::{{{}}};\n}}\n",
        names.join(", ")
    ))
}

/// The component schemas `value` names by `$ref`, anywhere within it.
fn refs_of(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && let Some(name) = r.strip_prefix("#/components/schemas/")
                {
                    found.push(name.to_owned());
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found
}
