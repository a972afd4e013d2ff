//! Responses: statuses, media types, and every field of a body, walked on both sides at once.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use super::objects::{admits_null, object_view};
use super::{Sides, Sink, enum_values, is_open_enum, ref_name, shape, v};
use crate::spec::{escape, resolve};

use super::Severity::{Breaking, Info, Warning};

impl<'a> Sides<'a> {
    pub(super) fn responses(&self, sink: &mut Sink, pointer: &str, old: &'a Value, new: &'a Value) {
        let statuses = |op: &'a Value| -> BTreeMap<String, &'a Value> {
            op.get("responses")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
                .unwrap_or_default()
        };
        let (before, after) = (statuses(old), statuses(new));
        for (status, old_response) in &before {
            let at = format!("{pointer}/responses/{}", escape(status));
            let success = status.starts_with('2');
            let Some(new_response) = after.get(status) else {
                if success {
                    sink.push(
                        "response-success-status-removed",
                        v(Breaking, Breaking),
                        &at,
                        format!("success status {status} is no longer sent; the method's return type changes"),
                    );
                } else {
                    sink.push(
                        "response-non-success-status-removed",
                        v(Info, Warning),
                        &at,
                        format!("error status {status} is no longer described; such answers lose their typed body"),
                    );
                }
                continue;
            };
            let (Some(old_response), Some(new_response)) = (
                resolve(self.base, old_response),
                resolve(self.head, new_response),
            ) else {
                continue;
            };
            let media = |r: &'a Value| -> BTreeMap<String, &'a Value> {
                r.get("content")
                    .and_then(Value::as_object)
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v)).collect())
                    .unwrap_or_default()
            };
            let (old_media, new_media) = (media(old_response), media(new_response));
            for (kind, old_content) in &old_media {
                let media_at = format!("{at}/content/{}", escape(kind));
                let Some(new_content) = new_media.get(kind) else {
                    sink.push(
                        "response-media-type-removed",
                        v(Breaking, Breaking),
                        &media_at,
                        format!("status {status} no longer answers with {kind}"),
                    );
                    continue;
                };
                if let (Some(a), Some(b)) = (old_content.get("schema"), new_content.get("schema")) {
                    let mut walk = ResponseWalk {
                        sides: *self,
                        sink,
                        seen: HashSet::new(),
                    };
                    walk.schema(&format!("{media_at}/schema"), "body", a, b, true, true);
                }
            }
        }
        for status in after.keys().filter(|s| !before.contains_key(*s)) {
            // A client of the old spec reads a success status it does not know as an error.
            let (rule, what, wire) = if status.starts_with('2') {
                ("response-success-status-added", "success", Warning)
            } else {
                ("response-non-success-status-added", "error", Info)
            };
            sink.push(
                rule,
                v(wire, Info),
                &format!("{pointer}/responses/{}", escape(status)),
                format!("new {what} status {status}"),
            );
        }
    }
}

/// Walks a response schema on both sides at once.
struct ResponseWalk<'s, 'a, 'b> {
    sides: Sides<'a>,
    sink: &'s mut Sink<'b>,
    seen: HashSet<(String, String)>,
}

impl<'a> ResponseWalk<'_, 'a, '_> {
    /// Compares the schema of one response field (`field` names it for messages).
    fn schema(
        &mut self,
        at: &str,
        field: &str,
        old: &'a Value,
        new: &'a Value,
        was_required: bool,
        is_required: bool,
    ) {
        let refs = (ref_name(old), ref_name(new));
        if let (Some(a), Some(b)) = &refs
            && !self.seen.insert((a.clone(), b.clone()))
        {
            return;
        }
        // Point at the node that defines the field: a referenced component, not the path to it.
        let at = match new.get("$ref").and_then(Value::as_str) {
            Some(target) => target.trim_start_matches('#').to_owned(),
            None => at.to_owned(),
        };
        let at = at.as_str();
        let (Some(old), Some(new)) = (resolve(self.sides.base, old), resolve(self.sides.head, new))
        else {
            return;
        };
        match (was_required, is_required) {
            (true, false) => self.sink.push(
                "response-property-became-optional",
                v(Breaking, Breaking),
                at,
                format!("`{field}` may now be absent; its Rust field becomes an `Option`"),
            ),
            (false, true) => self.sink.push(
                "response-property-became-required",
                v(Info, Breaking),
                at,
                format!("`{field}` is now always sent; its Rust field loses its `Option`"),
            ),
            _ => {}
        }
        match (
            admits_null(self.sides.base, old),
            admits_null(self.sides.head, new),
        ) {
            (false, true) => self.sink.push(
                "response-property-became-nullable",
                v(Breaking, Breaking),
                at,
                format!("`{field}` may now be null"),
            ),
            (true, false) => self.sink.push(
                "response-property-became-not-nullable",
                v(Info, Warning),
                at,
                format!("`{field}` is no longer null"),
            ),
            _ => {}
        }
        // A named component is a named Rust type: moving between names, or between a name
        // and an inline schema, changes the field's Rust type even where the wire agrees.
        if refs.0 != refs.1 && field != "body" {
            let name = |r: &Option<String>| {
                r.clone()
                    .map_or("an inline schema".to_owned(), |n| format!("`{n}`"))
            };
            self.sink.push_rust(
                "response-property-type-changed",
                Breaking,
                at,
                format!(
                    "`{field}` changes from {} to {}; its Rust type changes (the wire is the same)",
                    name(&refs.0),
                    name(&refs.1)
                ),
            );
        }
        let (before, after) = (shape(self.sides.base, old), shape(self.sides.head, new));
        let arrays = |s: &Value| s.get("type").and_then(Value::as_str) == Some("array");
        // Two arrays differ where their items do, which is reported there.
        if before != after && !(arrays(old) && arrays(new)) {
            self.sink.push(
                "response-property-type-changed",
                v(Breaking, Breaking),
                at,
                format!("`{field}` changes from {before} to {after}; its Rust type changes"),
            );
            // Objects on both sides, however composed (`allOf`, a `oneOf` of objects): their
            // fields are still compared, one by one.
            if object_view(self.sides.base, old).is_none()
                || object_view(self.sides.head, new).is_none()
            {
                return;
            }
        }
        // A string with a length bound or a pattern is generated as a checked newtype, not a
        // `String`: adding or removing one changes the Rust type; changing one changes what
        // decodes.
        for key in ["maxLength", "minLength", "pattern"] {
            let (a, b) = (old.get(key), new.get(key));
            if a == b {
                continue;
            }
            let show = |v: Option<&Value>| v.map_or("none".to_owned(), Value::to_string);
            let number = |v: Option<&Value>| v.and_then(Value::as_f64);
            // On the wire: a client of the old spec checks the old constraint, so it refuses
            // what the new one newly lets through. For the crate: adding or removing one
            // changes the Rust type; moving one changes what the same type decodes.
            let loosened = match (key, a, b) {
                (_, None, Some(_)) => false,
                (_, Some(_), None) => true,
                ("maxLength", ..) => number(b) > number(a),
                ("minLength", ..) => number(b) < number(a),
                _ => true,
            };
            let (wire, wire_effect) = match (loosened, key) {
                (false, _) => (Info, "clients of the old spec decode what is sent"),
                (true, "pattern") if a.is_some() && b.is_some() => (
                    Warning,
                    "clients of the old spec refuse values the old pattern did not admit",
                ),
                (true, _) => (
                    Breaking,
                    "clients of the old spec refuse values the old constraint did not admit",
                ),
            };
            let (rust, effect) = match (a, b) {
                (Some(_), Some(_)) => (Warning, "the checked type decodes other values"),
                _ => (
                    Breaking,
                    "its Rust type changes (a checked newtype or a plain String)",
                ),
            };
            self.sink.push(
                "response-property-constraint-changed",
                v(wire, rust),
                at,
                format!(
                    "`{field}`: {key} {} → {}; {wire_effect}; {effect}",
                    show(a),
                    show(b)
                ),
            );
        }
        if let (Some(before), Some(after)) = (enum_values(old), enum_values(new)) {
            let open = refs
                .1
                .as_deref()
                .is_some_and(|n| is_open_enum(self.sides.head, n));
            for value in after.difference(&before) {
                let (verdict, effect) = if open {
                    (
                        v(Info, Info),
                        "it decodes as `Unknown` until the enum learns it",
                    )
                } else {
                    (
                        v(Breaking, Warning),
                        "a client of the old spec fails to decode it (make the enum open); the \
                         new variant breaks exhaustive matches",
                    )
                };
                self.sink.push(
                    "response-property-enum-value-added",
                    verdict,
                    at,
                    format!("`{field}` may now be {value}: {effect}"),
                );
            }
            for value in before.difference(&after) {
                let (rust, effect) = match open {
                    true => (
                        Info,
                        "the hand-written open enum keeps its variant; nothing of the Rust API changes",
                    ),
                    false => (Breaking, "its Rust variant disappears"),
                };
                // Clients of the old spec know one value more than is sent: nothing on the wire.
                self.sink.push(
                    "response-property-enum-value-removed",
                    v(Info, rust),
                    at,
                    format!("`{field}` is no longer {value}: {effect}"),
                );
            }
        }
        if let (Some(a), Some(b)) = (old.get("items"), new.get("items")) {
            self.schema(
                &format!("{at}/items"),
                &format!("{field}[]"),
                a,
                b,
                true,
                true,
            );
        }
        let (old_props, old_req) = object_view(self.sides.base, old).unwrap_or_default();
        let (new_props, new_req) = object_view(self.sides.head, new).unwrap_or_default();
        let child = |name: &str| {
            if field == "body" {
                name.to_owned()
            } else {
                format!("{field}.{name}")
            }
        };
        for (name, old_prop) in &old_props {
            let prop_at = format!("{at}/properties/{}", escape(name));
            match new_props.get(name) {
                Some(new_prop) => self.schema(
                    &prop_at,
                    &child(name),
                    old_prop,
                    new_prop,
                    old_req.contains(name),
                    new_req.contains(name),
                ),
                None if old_req.contains(name) => self.sink.push(
                    "response-required-property-removed",
                    v(Breaking, Breaking),
                    &prop_at,
                    format!("`{}` is removed; its Rust field disappears", child(name)),
                ),
                None => self.sink.push(
                    "response-optional-property-removed",
                    v(Info, Breaking),
                    &prop_at,
                    format!("`{}` is removed; its Rust field disappears", child(name)),
                ),
            }
        }
        for name in new_props.keys().filter(|n| !old_props.contains_key(*n)) {
            let prop_at = format!("{at}/properties/{}", escape(name));
            let (rule, kind) = if new_req.contains(name) {
                ("response-required-property-added", "required")
            } else {
                ("response-optional-property-added", "optional")
            };
            self.sink.push(
                rule,
                v(Info, Info),
                &prop_at,
                format!("new {kind} field `{}`", child(name)),
            );
        }
        self.additional_properties(at, field, old, new);
    }

    /// `additionalProperties`: a schema that admits fields it does not name is generated with
    /// an `extra` map that keeps them; one that does not, without. Gaining or losing it adds
    /// or removes that Rust field (a client of the old spec decodes either way).
    fn additional_properties(&mut self, at: &str, field: &str, old: &Value, new: &Value) {
        let keeps = |s: &Value| match s.get("additionalProperties") {
            None | Some(Value::Bool(false)) => false,
            Some(_) => true,
        };
        let objects = |s: &Value| {
            s.get("properties").is_some() || s.get("type").and_then(Value::as_str) == Some("object")
        };
        if !objects(old) || !objects(new) {
            return;
        }
        let at = format!("{at}/additionalProperties");
        match (keeps(old), keeps(new)) {
            (true, false) => self.sink.push_rust(
                "response-additional-properties-removed",
                Breaking,
                &at,
                format!(
                    "`{field}` no longer admits fields it does not name: its Rust type loses the \
                     `extra` map that kept them, and code reading it stops compiling"
                ),
            ),
            (false, true) => self.sink.push_rust(
                "response-additional-properties-added",
                Info,
                &at,
                format!(
                    "`{field}` admits fields it does not name: its Rust type keeps them in `extra`"
                ),
            ),
            _ => {}
        }
    }
}
