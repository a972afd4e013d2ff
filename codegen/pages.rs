//! What the crate knows of each answer's envelope and each listing's entries, from the spec:
//!
//! - every operation's success body (a `...Page` schema with `success` and `errors`) gets
//!   `Envelope`: a `success` the schema requires must be `true`; one it leaves optional fails
//!   a page only when `false`;
//! - a body that also has `result_info` and a `result` array is a listing's page, and gets
//!   `PageParts`: its `result_info` type, its entry type, and where in an entry its ID and its
//!   time are, from the entry schema's `x-entry-id` and `x-entry-time` (a field name, or a
//!   dotted path such as `action.time`); `x-entry-time` is required, `x-entry-id` is not (an
//!   entry with no ID is known by its content);
//! - `ENTRY_FIELDS`: every entry kind's fields, for an entry read with no listing at hand.
//!
//! So adding a listing names no list in the hand-written code.

use std::collections::BTreeMap;

use openapiv3::{ReferenceOr, Schema, SchemaKind, StatusCode, Type};

use super::CodegenError;

/// One body type: what its schema says.
struct Body {
    success_required: bool,
    /// A listing's page: its `result_info` type and its entry's type, ID path and time path.
    page: Option<(String, String, Vec<String>, Vec<String>)>,
}

/// The impls and the const, as Rust source.
pub fn generate(spec: &openapiv3::OpenAPI) -> Result<String, CodegenError> {
    let schemas = spec
        .components
        .as_ref()
        .ok_or_else(|| CodegenError::Rules("the spec has no components".into()))?;
    let mut bodies: BTreeMap<String, Body> = BTreeMap::new();
    for (_, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (_, operation) in item.iter() {
            let Some(name) = operation
                .responses
                .responses
                .get(&StatusCode::Code(200))
                .and_then(ReferenceOr::as_item)
                .and_then(|r| r.content.get("application/json"))
                .and_then(|m| m.schema.as_ref())
                .and_then(reference)
            else {
                continue;
            };
            if !bodies.contains_key(&name) {
                bodies.insert(name.clone(), body(schemas, &name)?);
            }
        }
    }
    let mut out = String::from(
        "\n/// Each body's envelope and each listing's page, from the spec (`codegen/pages.rs`).\n\
         mod pages {\n    use super::types;\n",
    );
    let mut fields = Vec::new();
    for (name, body) in &bodies {
        // `success` and `errors` may be optional, nullable or neither: the envelope module's
        // `Said` and `Errors` read each form.
        let success = if body.success_required {
            "crate::http::envelope::Said::said(&self.success) == Some(true)"
        } else {
            "crate::http::envelope::Said::said(&self.success) != Some(false)"
        };
        out.push_str(&format!(
            "    impl crate::http::envelope::Envelope for types::{name} {{\n\
             \x20       fn succeeded(&self) -> bool {{ {success} }}\n\
             \x20       fn take_errors(&mut self) -> Vec<types::ResponseMessage> {{\n\
             \x20           crate::http::envelope::Errors::take_all(&mut self.errors)\n\
             \x20       }}\n\
             \x20   }}\n"
        ));
        let Some((info, entry, id, time)) = &body.page else {
            continue;
        };
        let raw_success = if body.success_required {
            "success == Some(true)"
        } else {
            "success != Some(false)"
        };
        let fields_of =
            format!("crate::model::entry_fields::EntryFields {{ id: &{id:?}, time: &{time:?} }}");
        out.push_str(&format!(
            "    impl crate::http::envelope::PageParts for types::{name} {{\n\
             \x20       type Info = types::{info};\n\
             \x20       type Entry = types::{entry};\n\
             \x20       const ENTRY: crate::model::entry_fields::EntryFields = {fields_of};\n\
             \x20       fn raw_succeeded(success: Option<bool>) -> bool {{ {raw_success} }}\n\
             \x20   }}\n"
        ));
        fields.push(fields_of);
    }
    out.push_str("}\n");
    out.push_str(&format!(
        "\n/// Every listing's entry fields, in the spec's order of their pages' names.\n\
         pub(crate) const ENTRY_FIELDS: &[crate::model::entry_fields::EntryFields] = &[\n{}];\n",
        fields
            .iter()
            .map(|f| format!("    {f},\n"))
            .collect::<String>()
    ));
    Ok(out)
}

/// What the body schema `name` says.
fn body(schemas: &openapiv3::Components, name: &str) -> Result<Body, CodegenError> {
    let fail = |what: String| CodegenError::Rules(format!("schema {name}: {what}"));
    let object = object(schemas, name).ok_or_else(|| fail("not an object".into()))?;
    let required = |field: &str| object.required.iter().any(|r| r == field);
    if !object.properties.contains_key("success") || !object.properties.contains_key("errors") {
        return Err(fail(
            "a success body needs Cloudflare's envelope (`success` and `errors`)".into(),
        ));
    }
    let info = object
        .properties
        .get("result_info")
        .and_then(reference_boxed);
    let result = object.properties.get("result").and_then(|p| match p {
        ReferenceOr::Item(schema) => match &schema.schema_kind {
            SchemaKind::Type(Type::Array(array)) => array.items.as_ref().and_then(reference_boxed),
            _ => None,
        },
        ReferenceOr::Reference { .. } => None,
    });
    let page = match (info, result) {
        (Some(info), Some(entry)) => {
            let data = match schemas.schemas.get(&entry) {
                Some(ReferenceOr::Item(schema)) => &schema.schema_data,
                _ => return Err(fail(format!("its entry {entry} is not a schema"))),
            };
            let path = |key: &str| -> Result<Option<Vec<String>>, CodegenError> {
                match data.extensions.get(key) {
                    None => Ok(None),
                    Some(serde_json::Value::String(path)) if !path.is_empty() => {
                        Ok(Some(path.split('.').map(str::to_owned).collect()))
                    }
                    Some(other) => Err(fail(format!(
                        "{key} of {entry} is {other}, not a field name or dotted path"
                    ))),
                }
            };
            let time = path("x-entry-time")?.ok_or_else(|| {
                fail(format!(
                    "its entry {entry} has no x-entry-time (the field that says when it \
                     happened, such as `when` or `action.time`)"
                ))
            })?;
            let id = path("x-entry-id")?.unwrap_or_default();
            Some((info, entry, id, time))
        }
        _ => None,
    };
    Ok(Body {
        success_required: required("success"),
        page,
    })
}

fn object<'a>(schemas: &'a openapiv3::Components, name: &str) -> Option<&'a openapiv3::ObjectType> {
    match schemas.schemas.get(name)? {
        ReferenceOr::Item(Schema {
            schema_kind: SchemaKind::Type(Type::Object(object)),
            ..
        }) => Some(object),
        _ => None,
    }
}

/// The component a `$ref` names.
fn reference(schema: &ReferenceOr<Schema>) -> Option<String> {
    match schema {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .map(str::to_owned),
        ReferenceOr::Item(_) => None,
    }
}

fn reference_boxed(schema: &ReferenceOr<Box<Schema>>) -> Option<String> {
    match schema {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .map(str::to_owned),
        ReferenceOr::Item(_) => None,
    }
}
