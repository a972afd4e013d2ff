//! The one generator of this crate's client code.
//!
//! `build.rs` and `cargo xtask` both include this file (with `#[path]`), so the code a build
//! compiles and the code a maintainer reviews come from the very same settings.
//!
//! It turns the OpenAPI document into formatted Rust source, and turns every failure into a
//! [`CodegenError`] that says what is wrong and where: a line and column for YAML syntax, a
//! JSON pointer for a document that parses but does not fit OpenAPI 3.0, and the generator's
//! own words (never a panic) for the rest.

#![allow(dead_code)]

mod pages;
mod public;
mod queries;

use std::fmt;
use std::panic::{self, AssertUnwindSafe};

/// Where the specification lives, relative to the crate root.
pub const SPEC_PATH: &str = "openapi/cloudflare-audit-logs.yaml";

/// Hand-written types that stand in for generated ones (the open enums and the date-or-time
/// bound). Schema name in the spec, then the path of the type in the crate.
pub const REPLACEMENTS: &[(&str, &str)] = &[
    ("ActorType", "crate::ActorType"),
    ("ActionResult", "crate::ActionResult"),
    ("ActionType", "crate::ActionType"),
    ("ActorContext", "crate::ActorContext"),
    ("V2ActorType", "crate::V2ActorType"),
    ("ResourceScope", "crate::ResourceScope"),
    ("HistoryStatus", "crate::HistoryStatus"),
    ("ChangedField", "crate::ChangedField"),
    ("TimeBound", "crate::TimeBound"),
];

/// The type handed to every request's hooks: the crate's execution seam.
pub const INNER_TYPE: &str = "crate::http::transport::Transport";

/// Choices that vary between builds.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Derive `schemars::JsonSchema` on the generated types.
    pub json_schema: bool,
    /// Silence the process-wide panic hook while the generator runs (the build script only).
    pub quiet_panics: bool,
}

/// Why no code came out.
#[derive(Debug)]
pub enum CodegenError {
    /// The text is not YAML.
    Yaml {
        /// 1-based line, when the parser knows it.
        line: Option<usize>,
        /// 1-based column, when the parser knows it.
        column: Option<usize>,
        /// What the parser said.
        message: String,
    },
    /// The YAML does not describe an OpenAPI 3.0 document.
    Structure {
        /// JSON pointer to the offending node.
        pointer: String,
        /// What did not fit.
        message: String,
    },
    /// progenitor refused the document.
    Generator(String),
    /// The crate's own rules refused it (`codegen/`: request types, pages, entries).
    Rules(String),
    /// The generated tokens are not valid Rust (a generator bug).
    Format(String),
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodegenError::Yaml {
                line: Some(line),
                column,
                message,
            } => {
                write!(f, "YAML error at line {line}")?;
                if let Some(column) = column {
                    write!(f, ", column {column}")?;
                }
                write!(f, ": {message}")
            }
            CodegenError::Yaml { message, .. } => write!(f, "YAML error: {message}"),
            CodegenError::Structure { pointer, message } => {
                let at = if pointer.is_empty() { "/" } else { pointer };
                write!(f, "not an OpenAPI 3.0 document at {at}: {message}")
            }
            CodegenError::Generator(message) => {
                write!(f, "progenitor rejected the spec: {message}")
            }
            CodegenError::Rules(message) => {
                write!(
                    f,
                    "the crate's generator (codegen/) rejected the spec: {message}"
                )
            }
            CodegenError::Format(message) => write!(f, "generated code does not parse: {message}"),
        }
    }
}

impl std::error::Error for CodegenError {}

/// Parses the spec's YAML text into a JSON value, keeping YAML line numbers in errors.
pub fn parse_yaml(text: &str) -> Result<serde_json::Value, CodegenError> {
    yaml_serde::from_str::<serde_json::Value>(text).map_err(|e| {
        let location = e.location();
        CodegenError::Yaml {
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message: e.to_string(),
        }
    })
}

/// Reads a JSON value as an OpenAPI 3.0 document, naming the offending node on failure.
pub fn parse_openapi(value: serde_json::Value) -> Result<openapiv3::OpenAPI, CodegenError> {
    match value.get("openapi").and_then(|v| v.as_str()) {
        Some(version) if version.starts_with("3.0.") => {}
        Some(version) => {
            return Err(CodegenError::Structure {
                pointer: "/openapi".into(),
                message: format!("version {version} is not supported; use 3.0.x"),
            });
        }
        None => {
            return Err(CodegenError::Structure {
                pointer: "/openapi".into(),
                message: "missing `openapi: 3.0.x`".into(),
            });
        }
    }
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(value.clone()) {
        Ok(spec) => Ok(spec),
        Err(e) => {
            // openapiv3 reads `$ref`-or-object nodes as untagged enums, which hide where inside
            // them an error is. Look for the deepest node that fails on its own.
            let (pointer, message) = narrow(&value)
                .unwrap_or_else(|| (json_pointer("", e.path()), e.into_inner().to_string()));
            Err(CodegenError::Structure { pointer, message })
        }
    }
}

/// The deepest known node of the document that fails to read as its OpenAPI type.
fn narrow(doc: &serde_json::Value) -> Option<(String, String)> {
    let mut found = None;
    for (path, item) in entries(doc.get("paths")) {
        let base = format!("/paths/{}", escape(&path));
        for (method, operation) in entries(Some(item)) {
            let at = format!("{base}/{}", escape(&method));
            check::<openapiv3::Operation>(&at, operation, &mut found);
            let parameters = operation.get("parameters").and_then(|p| p.as_array());
            for (i, parameter) in parameters.into_iter().flatten().enumerate() {
                narrow_parameter(&format!("{at}/parameters/{i}"), parameter, &mut found);
            }
        }
    }
    let components = doc.get("components");
    for (name, schema) in entries(components.and_then(|c| c.get("schemas"))) {
        narrow_schema(
            &format!("/components/schemas/{}", escape(&name)),
            schema,
            &mut found,
        );
    }
    for (name, parameter) in entries(components.and_then(|c| c.get("parameters"))) {
        narrow_parameter(
            &format!("/components/parameters/{}", escape(&name)),
            parameter,
            &mut found,
        );
    }
    found
}

fn narrow_parameter(at: &str, value: &serde_json::Value, found: &mut Option<(String, String)>) {
    if value.get("$ref").is_some() {
        return;
    }
    check::<openapiv3::Parameter>(at, value, found);
    if let Some(schema) = value.get("schema") {
        narrow_schema(&format!("{at}/schema"), schema, found);
    }
}

fn narrow_schema(at: &str, value: &serde_json::Value, found: &mut Option<(String, String)>) {
    if value.get("$ref").is_some() {
        return;
    }
    check::<openapiv3::Schema>(at, value, found);
    if let Some(properties) = value.get("properties").and_then(|p| p.as_object()) {
        for (name, property) in properties {
            narrow_schema(
                &format!("{at}/properties/{}", escape(name)),
                property,
                found,
            );
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = value.get(key).filter(|c| c.is_object()) {
            narrow_schema(&format!("{at}/{key}"), child, found);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, child) in value
            .get(key)
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
            .enumerate()
        {
            narrow_schema(&format!("{at}/{key}/{i}"), child, found);
        }
    }
}

/// The members of an object node (none for anything else).
fn entries(value: Option<&serde_json::Value>) -> Vec<(String, &serde_json::Value)> {
    value
        .and_then(|v| v.as_object())
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
        .unwrap_or_default()
}

/// Records `at` as the culprit when the node fails to read as `T` (deeper calls come later
/// and win).
fn check<T: serde::de::DeserializeOwned>(
    at: &str,
    value: &serde_json::Value,
    found: &mut Option<(String, String)>,
) {
    if let Err(e) = serde_path_to_error::deserialize::<_, T>(value.clone()) {
        let pointer = json_pointer(at, e.path());
        *found = Some((pointer, e.into_inner().to_string()));
    }
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

fn json_pointer(base: &str, path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = base.to_owned();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => pointer.push_str(&escape(key)),
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

/// The generator settings shared by every caller.
pub fn settings(options: Options) -> Result<progenitor::GenerationSettings, CodegenError> {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_derive("PartialEq");
    // No code may come out without the execution seam.
    let inner = INNER_TYPE
        .parse::<proc_macro2::TokenStream>()
        .map_err(|e| {
            CodegenError::Generator(format!("INNER_TYPE {INNER_TYPE:?} is not a type path: {e}"))
        })?;
    settings.with_inner_type(inner);
    if options.json_schema {
        settings.with_derive("schemars::JsonSchema");
    }
    for (name, path) in REPLACEMENTS {
        settings.with_replacement(
            name,
            path,
            [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
        );
    }
    Ok(settings)
}

/// Generates the formatted client source from the spec's YAML text.
pub fn generate(spec_text: &str, options: Options) -> Result<String, CodegenError> {
    let spec = parse_openapi(parse_yaml(spec_text)?)?;
    let settings = settings(options)?;
    let mut generator = progenitor::Generator::new(&settings);

    // Progenitor asserts on some shapes it does not support. Turn such a panic into an error.
    // Only the build script (one thread, nothing else running) silences the panic hook, so
    // that a build prints one line, not a backtrace; elsewhere (tests run in parallel) the
    // process-wide hook is left alone.
    let previous_hook = options.quiet_panics.then(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(|_| {}));
        previous
    });
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(&spec)));
    if let Some(previous) = previous_hook {
        panic::set_hook(previous);
    }

    let tokens = match outcome {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(CodegenError::Generator(e.to_string())),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown failure".into());
            return Err(CodegenError::Generator(format!(
                "generator panicked: {message} (an unsupported construct such as a `default` \
                 response, two failure schemas, OpenAPI 3.1 or a deepObject parameter)"
            )));
        }
    };
    let mut file =
        syn::parse2::<syn::File>(tokens).map_err(|e| CodegenError::Format(e.to_string()))?;
    deprecate_operations(&spec, &mut file);
    let mut out = String::from(
        "// Generated from openapi/cloudflare-audit-logs.yaml by progenitor; do not edit.\n\
         // Edit the spec and rebuild instead; `cargo xtask codegen` prints this file.\n\n",
    );
    // progenitor documents each builder method with an example call over names it does not
    // define, marked `ignore`: rustdoc would list each as an ignored test. They are call
    // shapes to read, so they are shown as text.
    out.push_str(&prettyplease::unparse(&file).replace("```ignore", "```text"));
    out.push_str(&operation_paths(&spec));
    out.push_str(&default_base_url(&spec)?);
    out.push_str(&queries::generate(&spec, &file)?);
    out.push_str(&pages::generate(&spec)?);
    out.push_str(&public::generate(&spec)?);
    Ok(out)
}

/// Marks the generated client's method of each operation the spec deprecates
/// `#[deprecated]`, so that the compiler tells whoever calls it (the listing built on it must
/// then say so too: `cargo xtask lint` checks it).
fn deprecate_operations(spec: &openapiv3::OpenAPI, file: &mut syn::File) {
    let deprecated: Vec<String> = spec
        .operations()
        .filter(|(_, _, op)| op.deprecated)
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect();
    if deprecated.is_empty() {
        return;
    }
    for item in &mut file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let of_client = matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !of_client || block.trait_.is_some() {
            continue;
        }
        for member in &mut block.items {
            if let syn::ImplItem::Fn(method) = member
                && deprecated.contains(&method.sig.ident.to_string())
            {
                method.attrs.push(syn::parse_quote!(
                    #[deprecated(note = "the operation is deprecated in Cloudflare's API")]
                ));
            }
        }
    }
}

/// The client's default API root: the spec's first server, so that a change of it in the spec
/// moves the default with it (and `cargo xtask diff` reports it).
fn default_base_url(spec: &openapiv3::OpenAPI) -> Result<String, CodegenError> {
    let url = spec
        .servers
        .first()
        .map(|s| s.url.as_str())
        .ok_or_else(|| {
            CodegenError::Rules(
                "/servers: the spec names no server; its first is the client's default API root"
                    .into(),
            )
        })?;
    if !url.starts_with("https://") {
        return Err(CodegenError::Rules(format!(
            "/servers/0/url: {url:?} is the client's default API root and must be https://"
        )));
    }
    Ok(format!(
        "\n/// Cloudflare's API root: the spec's first server (`servers[0].url`).\n\
         pub const DEFAULT_BASE_URL: &str = {url:?};\n"
    ))
}

/// A table of every operation's path template, for the execution seam to check each
/// request's final URL against: a value that left its path segment shows up there.
fn operation_paths(spec: &openapiv3::OpenAPI) -> String {
    let mut rows = String::new();
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (_, operation) in item.iter() {
            if let Some(id) = &operation.operation_id {
                rows.push_str(&format!("    ({id:?}, {path:?}),\n"));
            }
        }
    }
    format!(
        "\n/// Each operation's path template (operation ID, path below the API root), as the spec\n\
         /// declares it. The execution seam refuses a request whose URL does not fit its template.\n\
         pub(crate) const OPERATION_PATHS: &[(&str, &str)] = &[\n{rows}];\n"
    )
}
