//! Request parameters: presence, required-ness, types, enums, bounds, patterns, defaults.

use serde_json::Value;

use std::collections::{BTreeMap, BTreeSet};

use super::{Sides, Sink, enum_values, is_open_enum, is_required, parameters, ref_name, shape, v};
use crate::spec::resolve;

use super::Severity::{Breaking, Info, Warning};

impl<'a> Sides<'a> {
    pub(super) fn parameters(
        &self,
        sink: &mut Sink,
        pointer: &str,
        old: &'a Value,
        new: &'a Value,
        renames: &BTreeMap<String, String>,
    ) {
        let before = parameters(self.base, old, pointer);
        // A renamed path parameter is compared with what it was (its rename is reported).
        let after: BTreeMap<_, _> = parameters(self.head, new, pointer)
            .into_iter()
            .map(|((kind, name), value)| {
                let was = renames
                    .iter()
                    .find(|(_, n)| **n == name)
                    .map(|(o, _)| o.clone());
                match (kind.as_str(), was) {
                    ("path", Some(was)) => ((kind, was), value),
                    _ => ((kind, name), value),
                }
            })
            .collect();
        for (key, (at, param)) in &before {
            let Some((new_at, new_param)) = after.get(key) else {
                sink.push(
                    "request-parameter-removed",
                    v(Info, Breaking),
                    at,
                    format!(
                        "parameter `{}` ({}) is removed; its setter disappears",
                        key.1, key.0
                    ),
                );
                continue;
            };
            self.parameter(sink, new_at, &key.1, param, new_param);
        }
        for (key, (at, param)) in &after {
            if before.contains_key(key) {
                continue;
            }
            if is_required(param) {
                sink.push(
                    "new-required-request-parameter",
                    v(Breaking, Breaking),
                    at,
                    format!(
                        "new required parameter `{}` ({}); calls without it fail",
                        key.1, key.0
                    ),
                );
            } else {
                sink.push(
                    "new-optional-request-parameter",
                    v(Info, Info),
                    at,
                    format!("new optional parameter `{}` ({})", key.1, key.0),
                );
            }
        }
    }

    fn parameter(&self, sink: &mut Sink, at: &str, name: &str, old: &Value, new: &Value) {
        match (is_required(old), is_required(new)) {
            (false, true) => sink.push(
                "request-parameter-became-required",
                v(Breaking, Breaking),
                at,
                format!("parameter `{name}` becomes required"),
            ),
            (true, false) => sink.push(
                "request-parameter-became-optional",
                v(Info, Warning),
                at,
                format!("parameter `{name}` becomes optional"),
            ),
            _ => {}
        }
        let (before, after) = (wire_form(old), wire_form(new));
        if before != after {
            sink.push(
                "request-parameter-style-changed",
                v(Breaking, Info),
                at,
                format!(
                    "parameter `{name}` is serialized as {}/explode={} instead of {}/explode={}; \
                     servers read the old form",
                    after.0, after.1, before.0, before.1
                ),
            );
        }
        let (Some(raw_old), Some(raw_new)) = (old.get("schema"), new.get("schema")) else {
            return;
        };
        let (Some(old), Some(new)) = (resolve(self.base, raw_old), resolve(self.head, raw_new))
        else {
            return;
        };
        let at = format!("{at}/schema");
        let (before, after) = (shape(self.base, old), shape(self.head, new));
        if before != after {
            // A value of the old type written as the new type reads the same: an integer as
            // a number, or a number or boolean as an unconstrained string.
            let widened = widens(&before, &after, new);
            let wire = if widened { Info } else { Breaking };
            let effect = match widened {
                true => "what clients of the old spec send is still valid",
                false => "what clients of the old spec send may be refused",
            };
            sink.push(
                "request-parameter-type-changed",
                v(wire, Breaking),
                &at,
                format!(
                    "parameter `{name}` changes from {before} to {after}; {effect}; its setter's \
                     type changes"
                ),
            );
        }
        // The values a value may take: the schema's own, or its items' (an array filter).
        let (old_choices, _) = choices(self.base, raw_old);
        let (new_choices, open) = choices(self.head, raw_new);
        let open = open.is_some_and(|n| is_open_enum(self.head, &n));
        match (old_choices, new_choices) {
            (None, Some(_)) => sink.push(
                "request-parameter-became-enum",
                v(Breaking, Breaking),
                &at,
                format!("parameter `{name}` is restricted to a list of values"),
            ),
            (Some(before), Some(after)) => {
                for value in before.difference(&after) {
                    let effect = match open {
                        true => {
                            "callers that send it are refused (the hand-written open enum keeps its variant)"
                        }
                        false => "its Rust variant disappears",
                    };
                    let rust = if open { Info } else { Breaking };
                    sink.push(
                        "request-parameter-enum-value-removed",
                        v(Breaking, rust),
                        &at,
                        format!("parameter `{name}` no longer takes {value}; {effect}"),
                    );
                }
                for value in after.difference(&before) {
                    let (severity, effect) = match open {
                        true => (
                            Info,
                            "the open Rust enum sends it as a string until it learns it",
                        ),
                        false => (
                            Warning,
                            "a new variant of a closed Rust enum breaks exhaustive matches",
                        ),
                    };
                    // Clients of the old spec never send the new value: nothing on the wire.
                    sink.push(
                        "request-parameter-enum-value-added",
                        v(Info, severity),
                        &at,
                        format!("parameter `{name}` now takes {value}; {effect}"),
                    );
                }
            }
            _ => {}
        }
        let number = |s: &Value, key: &str| s.get(key).and_then(Value::as_f64);
        let bounds: [(&str, &'static str, &'static str, bool); 6] = [
            (
                "maxItems",
                "request-parameter-max-items-decreased",
                "request-parameter-max-items-increased",
                true,
            ),
            (
                "minItems",
                "request-parameter-min-items-increased",
                "request-parameter-min-items-decreased",
                false,
            ),
            (
                "maximum",
                "request-parameter-max-decreased",
                "request-parameter-max-increased",
                true,
            ),
            (
                "maxLength",
                "request-parameter-max-length-decreased",
                "request-parameter-max-length-increased",
                true,
            ),
            (
                "minimum",
                "request-parameter-min-increased",
                "request-parameter-min-decreased",
                false,
            ),
            (
                "minLength",
                "request-parameter-min-length-increased",
                "request-parameter-min-length-decreased",
                false,
            ),
        ];
        for (key, narrowed, widened, is_upper) in bounds {
            let (before, after) = (number(old, key), number(new, key));
            let narrows = match (before, after) {
                (None, Some(_)) => Some(true),
                (Some(_), None) => Some(false),
                (Some(b), Some(a)) if a != b => Some(if is_upper { a < b } else { a > b }),
                _ => None,
            };
            let show = |v: Option<f64>| v.map_or("none".to_owned(), |v| v.to_string());
            // A string's length bound is generated as a checked newtype: adding or removing
            // one changes the setter's type; moving one changes what it accepts. Other bounds
            // are checked by the server alone.
            let rust = match (key, before.is_some(), after.is_some()) {
                ("maxLength" | "minLength", true, true) => Warning,
                ("maxLength" | "minLength", ..) => Breaking,
                _ => Info,
            };
            match narrows {
                Some(true) => sink.push(
                    narrowed,
                    v(Breaking, rust),
                    &at,
                    format!(
                        "parameter `{name}`: {key} {} → {}; values that were valid are refused",
                        show(before),
                        show(after)
                    ),
                ),
                Some(false) => sink.push(
                    widened,
                    v(Info, rust),
                    &at,
                    format!(
                        "parameter `{name}`: {key} {} → {}",
                        show(before),
                        show(after)
                    ),
                ),
                None => {}
            }
        }
        match (old.get("pattern"), new.get("pattern")) {
            (None, Some(p)) => sink.push(
                "request-parameter-pattern-added",
                v(Warning, Breaking),
                &at,
                format!("parameter `{name}` must now match {p}"),
            ),
            (Some(a), Some(b)) if a != b => sink.push(
                "request-parameter-pattern-changed",
                v(Warning, Warning),
                &at,
                format!("parameter `{name}` must now match {b} instead of {a}"),
            ),
            (Some(p), None) => sink.push(
                "request-parameter-pattern-removed",
                v(Info, Breaking),
                &at,
                format!("parameter `{name}` no longer has to match {p}"),
            ),
            _ => {}
        }
        if old.get("default") != new.get("default") {
            sink.push(
                "request-parameter-default-value-changed",
                v(Warning, Info),
                &at,
                format!(
                    "parameter `{name}`: the default changes from {} to {}; callers who leave it unset get other results",
                    old.get("default").unwrap_or(&Value::Null),
                    new.get("default").unwrap_or(&Value::Null)
                ),
            );
        }
    }
}

/// Whether a parameter's type widens from `before` to `after` (in [`shape`]'s words): an
/// integer to a number, or a number, integer or boolean to a string with no pattern, length
/// bound or enum.
fn widens(before: &str, after: &str, new: &Value) -> bool {
    let free = ["pattern", "maxLength", "minLength", "enum", "format"]
        .iter()
        .all(|key| new.get(*key).is_none());
    let scalar =
        before.starts_with("integer") || before.starts_with("number") || before == "boolean";
    (before.starts_with("integer") && after == "number") || (scalar && after == "string" && free)
}

/// The values a parameter's value may take, and the component that lists them: the schema's
/// own enum, or its items' for an array filter.
fn choices(doc: &Value, schema: &Value) -> (Option<BTreeSet<String>>, Option<String>) {
    let resolved = resolve(doc, schema);
    let node = match resolved.and_then(|s| s.get("items")) {
        Some(items) => items,
        None => schema,
    };
    let values = resolve(doc, node).and_then(enum_values);
    (values, ref_name(node))
}

/// How a parameter goes on the wire: its style and explode, with OpenAPI's defaults filled in
/// (form and explode for query and cookie parameters, simple otherwise).
fn wire_form(param: &Value) -> (String, bool) {
    let location = param.get("in").and_then(Value::as_str).unwrap_or("");
    let default_style = match location {
        "query" | "cookie" => "form",
        _ => "simple",
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
