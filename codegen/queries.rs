//! The owned filters of every listing, generated from the spec.
//!
//! Progenitor's builders borrow the client, so the crate's streams (which must own all they
//! use) cannot keep one. For every operation that names its request type with
//! `x-request-type`, this emits, from the same parameters:
//!
//! - `query::<Name>Filters` (`<Name>Request` less `Request`): every query parameter as an owned, serde-able field (which is
//!   also what a resume token's filter digest is computed from), and an `apply_<operation>`
//!   method that sets them on a fresh generated builder, so wire names and encodings still
//!   come from progenitor;
//! - a setter on the crate's `<Request>` type for each parameter, documented from the spec.
//!   An array parameter's setter adds one value per call (progenitor sends arrays as repeated
//!   keys: `action_type=create&action_type=delete`), and a negation's setter is named for what
//!   it does: `action_type.not` → `.not_action_type(..)`.
//!
//! Parameters marked `x-paging: true` (a page number, a cursor, a page size) say where a page
//! starts or how large it is; the request type sets them with its own checks, so they are
//! not filters: each gets a `maybe_<name>(Option<T>)` method on the operation's builder. Parameters marked `x-setter: false` get a field but no
//! generated setter (the hand-written layer sets them, with checks, or not at all).

use std::collections::BTreeMap;

use quote::ToTokens;

use super::CodegenError;

/// One query parameter as the generated code sees it.
struct Field {
    /// The filter's one name: the field here, its setter, and its key in a config (a
    /// negation `action_type.not` is `not_action_type`).
    name: String,
    /// Progenitor's name for it (the builder's method, and the serde name, which resume
    /// token digests are computed from).
    builder: String,
    required: bool,
    wire: String,
    description: String,
    /// The builder's value type (`Option<T>` for an optional parameter).
    ty: syn::Type,
    setter: bool,
    /// The spec marks the parameter deprecated: its setter is `#[deprecated]` too.
    deprecated: bool,
}

/// One request type: its fields, and the operations whose builders they apply to.
#[derive(Default)]
struct Request {
    fields: Vec<Field>,
    operations: Vec<(String, String)>,
}

/// The paging parameters of one operation's builder (`x-paging: true`).
struct Paging {
    builder: String,
    fields: Vec<Field>,
}

/// The `query` module and the setters, as Rust source.
pub fn generate(spec: &openapiv3::OpenAPI, file: &syn::File) -> Result<String, CodegenError> {
    let builders = builder_fields(file);
    let mut requests: BTreeMap<String, Request> = BTreeMap::new();
    let mut paging = Vec::new();
    for (_, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (_, operation) in item.iter() {
            let (Some(id), Some(request)) = (
                &operation.operation_id,
                operation
                    .extensions
                    .get("x-request-type")
                    .and_then(|v| v.as_str()),
            ) else {
                continue;
            };
            let builder = camel(id);
            let Some(types) = builders.get(&builder) else {
                return Err(CodegenError::Rules(format!(
                    "no generated builder {builder} for operation {id}"
                )));
            };
            let (fields, paged) = query_fields(spec, item, operation, types)?;
            paging.push(Paging {
                builder: builder.clone(),
                fields: paged,
            });
            let entry = requests.entry(request.to_owned()).or_default();
            if entry.operations.is_empty() {
                entry.fields = fields;
            } else if signature(&entry.fields) != signature(&fields) {
                return Err(CodegenError::Rules(format!(
                    "operation {id} shares x-request-type {request} but not its query parameters"
                )));
            }
            entry.operations.push((id.clone(), builder));
        }
    }
    let mut module = String::from(
        "/// The owned filters of each listing (generated from the spec's query parameters).\n\
         pub mod query {\n    use super::types;\n",
    );
    let mut setters = String::new();
    for (request, Request { fields, operations }) in &requests {
        module.push_str(&query_struct(request, fields, operations));
        setters.push_str(&setter_impl(request, fields));
    }
    module.push_str("}\n");
    for paging in &paging {
        setters.push_str(&paging_impl(paging));
    }
    let code = format!("{module}{setters}");
    let parsed = syn::parse_file(&code).map_err(|e| CodegenError::Format(e.to_string()))?;
    Ok(prettyplease::unparse(&parsed))
}

/// Field name to value type, for each struct of the generated `builder` module.
fn builder_fields(file: &syn::File) -> BTreeMap<String, BTreeMap<String, syn::Type>> {
    let mut found = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if module.ident != "builder" {
            continue;
        }
        for item in module.content.iter().flat_map(|(_, items)| items) {
            let syn::Item::Struct(builder) = item else {
                continue;
            };
            let fields = builder
                .fields
                .iter()
                .filter_map(|f| Some((f.ident.as_ref()?.to_string(), result_ok(&f.ty)?)))
                .collect();
            found.insert(builder.ident.to_string(), fields);
        }
    }
    found
}

/// `T` of a builder field's `Result<T, String>`.
fn result_ok(ty: &syn::Type) -> Option<syn::Type> {
    generic_argument(ty, "Result")
}

/// The first type argument of `ty` when its last path segment is `name`.
fn generic_argument(ty: &syn::Type, name: &str) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    if segment.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    })
}

/// The query parameters of one operation (path-level ones first), in the builder's terms:
/// the filters, then the paging parameters.
fn query_fields(
    spec: &openapiv3::OpenAPI,
    item: &openapiv3::PathItem,
    operation: &openapiv3::Operation,
    types: &BTreeMap<String, syn::Type>,
) -> Result<(Vec<Field>, Vec<Field>), CodegenError> {
    let mut fields = Vec::new();
    let mut paging = Vec::new();
    for reference in item.parameters.iter().chain(&operation.parameters) {
        let parameter = match reference {
            openapiv3::ReferenceOr::Item(p) => p,
            openapiv3::ReferenceOr::Reference { reference } => {
                let name = reference.trim_start_matches("#/components/parameters/");
                match spec
                    .components
                    .as_ref()
                    .and_then(|c| c.parameters.get(name))
                {
                    Some(openapiv3::ReferenceOr::Item(p)) => p,
                    _ => {
                        return Err(CodegenError::Rules(format!(
                            "parameter {reference} does not resolve"
                        )));
                    }
                }
            }
        };
        let openapiv3::Parameter::Query { parameter_data, .. } = parameter else {
            continue;
        };
        let flag = |key: &str| parameter_data.extensions.get(key).and_then(|v| v.as_bool());
        let name = field_name(&parameter_data.name);
        let Some(ty) = types.get(&name) else {
            return Err(CodegenError::Rules(format!(
                "the generated builder has no field {name} for parameter {}",
                parameter_data.name
            )));
        };
        let setter = flag("x-setter") != Some(false);
        // A time the caller sets is a `TimeBound` on every listing; where the parameter takes
        // only date-times, a date goes out as its midnight in UTC (`From<TimeBound>`).
        let inner = generic_argument(ty, "Option").unwrap_or_else(|| ty.clone());
        let ty = match (setter, last_segment(&inner).as_deref()) {
            (true, Some("DateTime")) => syn::parse_quote!(::std::option::Option<crate::TimeBound>),
            _ => ty.clone(),
        };
        let kind = match flag("x-paging") {
            Some(true) => &mut paging,
            _ => &mut fields,
        };
        let own = match parameter_data.name.strip_suffix(".not") {
            Some(base) => format!("not_{}", field_name(base)),
            None => name.clone(),
        };
        kind.push(Field {
            name: own,
            builder: name,
            required: parameter_data.required,
            wire: parameter_data.name.clone(),
            description: parameter_data
                .description
                .clone()
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            ty,
            setter,
            deprecated: parameter_data.deprecated == Some(true),
        });
    }
    // In progenitor's names' order, the order serde writes them in for the digest.
    fields.sort_by(|a, b| a.builder.cmp(&b.builder));
    Ok((fields, paging))
}

/// A `maybe_<parameter>` method on an operation's builder for each paging parameter: sets it
/// when the value is `Some`, so that the hand-written layer passes its optional page size or
/// cursor straight through.
fn paging_impl(paging: &Paging) -> String {
    let mut out = format!("impl<'a> builder::{}<'a> {{\n", paging.builder);
    for field in &paging.fields {
        let value = optional(&field.ty);
        let value = generic_argument(&value, "Option").unwrap_or(value);
        out.push_str(&format!(
            "/// Sets `{0}` when `value` is `Some`.\n\
             pub(crate) fn maybe_{1}<V: ::std::convert::TryInto<{2}>>(self, value: ::std::option::Option<V>) -> Self {{\n\
             match value {{ ::std::option::Option::Some(value) => self.{1}(value), \
             ::std::option::Option::None => self }}\n}}\n",
            field.wire,
            field.name,
            value.to_token_stream()
        ));
    }
    out.push_str("}\n");
    out
}

/// What two operations must agree on to share a request type.
fn signature(fields: &[Field]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|f| (f.builder.clone(), f.ty.to_token_stream().to_string()))
        .collect()
}

/// The filters type of a request type: `AuditLogsRequest` → `AuditLogsFilters`.
fn filters_name(request: &str) -> String {
    format!(
        "{}Filters",
        request.strip_suffix("Request").unwrap_or(request)
    )
}

fn query_struct(request: &str, fields: &[Field], operations: &[(String, String)]) -> String {
    let filters = filters_name(request);
    let mut out = format!(
        "/// The filters of [`crate::{request}`]: every query parameter but the paging ones.\n\
         /// Serialized (skipping unset ones), they are what a resume token's filter digest covers.\n\
         #[derive(Clone, Debug, Default, PartialEq, ::serde::Serialize, ::serde::Deserialize)]\n\
         #[serde(default, deny_unknown_fields)]\n\
         pub struct {filters} {{\n"
    );
    for field in fields {
        let ty = optional(&field.ty).to_token_stream().to_string();
        let rename = match field.name == field.builder {
            true => String::new(),
            false => format!("rename = {:?}, alias = {:?}, ", field.builder, field.name),
        };
        out.push_str(&format!(
            "/// {} (`{}`)\n#[serde({rename}skip_serializing_if = \"Option::is_none\")]\npub {}: {ty},\n",
            field.description, field.wire, field.name
        ));
    }
    out.push_str(&format!("}}\nimpl {filters} {{\n"));
    // The filters as data, for tools that build them from names (a command line, a config).
    out.push_str(
        "/// Every filter: its name (field, setter and config key), its name on the wire, what a\n\
         /// value is, whether it takes several, and whether the API requires it.\n\
         pub const FIELDS: &'static [crate::FilterField] = &[\n",
    );
    for field in fields {
        let ty = optional(&field.ty);
        let inner = generic_argument(&ty, "Option").unwrap_or(ty);
        let (repeated, value) = match generic_argument(&inner, "Vec") {
            Some(item) => (true, item),
            None => (false, inner),
        };
        out.push_str(&format!(
            "crate::FilterField {{ name: {:?}, wire: {:?}, value: crate::FilterValue::{}, repeated: {repeated}, required: {} }},\n",
            field.name,
            field.wire,
            value_kind(&value),
            field.required
        ));
    }
    out.push_str("];\n");
    for (operation, builder) in operations {
        out.push_str(&format!(
            "/// Sets every filter that is set on a `{operation}` builder.\n\
             pub(crate) fn apply_{operation}<'a>(&self, mut builder: super::builder::{builder}<'a>) \
             -> super::builder::{builder}<'a> {{\n"
        ));
        for field in fields {
            out.push_str(&format!(
                "if let Some(value) = &self.{} {{ builder = builder.{}(value.clone()); }}\n",
                field.name, field.builder
            ));
        }
        out.push_str("builder\n}\n");
    }
    out.push_str(&format!(
        "}}\nimpl crate::Filters for {filters} {{\n\
         const FIELDS: &'static [crate::FilterField] = {filters}::FIELDS;\n}}\n"
    ));
    out
}

fn setter_impl(request: &str, fields: &[Field]) -> String {
    let mut out = format!("impl crate::{request} {{\n");
    for field in fields.iter().filter(|f| f.setter) {
        let value = optional(&field.ty);
        let value = generic_argument(&value, "Option").unwrap_or(value);
        let (wire, doc) = (&field.wire, &field.description);
        let name = &field.name;
        let setter = name;
        if field.deprecated {
            // The compiler tells users what the spec says.
            out.push_str(&format!(
                "#[deprecated(note = \"`{wire}` is deprecated in Cloudflare's API\")]\n"
            ));
        }
        match generic_argument(&value, "Vec") {
            Some(item) => out.push_str(&format!(
                "/// {doc} (`{wire}`; each call adds a value, sent as one more `{wire}=`)\n\
                 pub fn {setter}(self, value: impl ::std::convert::Into<{}>) -> Self {{\n\
                 self.with_filters(|filters| filters.{name}.get_or_insert_with(::std::vec::Vec::new).push(value.into()))\n}}\n",
                item.to_token_stream()
            )),
            None => out.push_str(&format!(
                "/// {doc} (`{wire}`)\n\
                 pub fn {setter}(self, value: impl ::std::convert::Into<{}>) -> Self {{\n\
                 self.with_filters(|filters| filters.{name} = ::std::option::Option::Some(value.into()))\n}}\n",
                value.to_token_stream()
            )),
        }
    }
    out.push_str("}\n");
    out
}

/// The last path segment of a type (`DateTime` of `chrono::DateTime<Utc>`).
fn last_segment(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    path.path.segments.last().map(|s| s.ident.to_string())
}

/// What one value of a filter of type `ty` is (a `FilterValue` variant), from its last path
/// segment: the integer and boolean types, the time types, and text for the rest (strings,
/// open enums, which serde reads from their names).
fn value_kind(ty: &syn::Type) -> &'static str {
    match last_segment(ty).as_deref() {
        Some("i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "NonZeroU64") => {
            "Integer"
        }
        Some("bool") => "Boolean",
        Some("TimeBound" | "DateTime" | "NaiveDate") => "Time",
        _ => "Text",
    }
}

/// `Option<T>` for a required parameter's `T`; an optional one's type as it is.
fn optional(ty: &syn::Type) -> syn::Type {
    if generic_argument(ty, "Option").is_some() {
        return ty.clone();
    }
    syn::parse_quote!(::std::option::Option<#ty>)
}

/// Progenitor's name for a parameter: lower snake case, other characters as `_`.
fn field_name(wire: &str) -> String {
    // Progenitor's snake case: `emailOp` → `email_op`, `action_type.not` → `action_type_not`.
    let mut out = String::with_capacity(wire.len() + 4);
    let mut previous: Option<char> = None;
    for c in wire.chars() {
        if c.is_ascii_uppercase()
            && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            out.push('_');
        }
        out.push(match c.is_ascii_alphanumeric() {
            true => c.to_ascii_lowercase(),
            false => '_',
        });
        previous = Some(c);
    }
    out
}

/// Progenitor's builder name for an operation ID: `account_audit_logs` → `AccountAuditLogs`.
fn camel(id: &str) -> String {
    id.split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}
