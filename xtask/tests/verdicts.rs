//! `cargo xtask diff`'s verdicts, one edit of the crate's spec a row: each row names the rule
//! the edit must be reported under and its two verdicts, on the wire (a client of the old
//! spec against a server of the new one) and for the crate (Rust code of the old crate
//! recompiled against the new one). Every rule the diff knows has a row (checked below).

mod common;

use serde_json::{Value, json};

use common::{ACCOUNT_OP, ACCOUNT_PATH, SCHEMAS, ZONE_PATH, at, changes, param};
use xtask::diff::Severity::{self, Breaking, Info, Warning};

/// One edit: `prepare` makes the base (the spec as it is when `None`), `edit` the head.
struct Case {
    what: &'static str,
    rule: &'static str,
    wire: Severity,
    rust: Severity,
    prepare: Option<fn(&mut Value)>,
    edit: fn(&mut Value),
}

const fn case(
    what: &'static str,
    rule: &'static str,
    (wire, rust): (Severity, Severity),
    edit: fn(&mut Value),
) -> Case {
    Case {
        what,
        rule,
        wire,
        rust,
        prepare: None,
        edit,
    }
}

const fn from(
    what: &'static str,
    rule: &'static str,
    verdicts: (Severity, Severity),
    prepare: fn(&mut Value),
    edit: fn(&mut Value),
) -> Case {
    Case {
        prepare: Some(prepare),
        ..case(what, rule, verdicts, edit)
    }
}

fn params(d: &mut Value) -> &mut Vec<Value> {
    at(d, &format!("{ACCOUNT_OP}/parameters"))
        .as_array_mut()
        .unwrap()
}

fn responses(d: &mut Value) -> &mut serde_json::Map<String, Value> {
    at(d, &format!("{ACCOUNT_OP}/responses"))
        .as_object_mut()
        .unwrap()
}

fn remove(node: &mut Value, key: &str) {
    node.as_object_mut().unwrap().remove(key);
}

const RAY: &str = "/components/schemas/AuditLogV2Raw/properties/cf_ray_id";
const RESOURCE_TYPE: &str = "/components/schemas/AuditLogResource/properties/type";
const ACTION_TYPES: &str = "/components/parameters/V2ActionType/schema";
const INSIGHT_PAGE: &str = "/components/schemas/InsightAuditLogPage";

fn deprecate(d: &mut Value) {
    at(d, ACCOUNT_OP)["deprecated"] = json!(true);
}

fn public(d: &mut Value) {
    at(d, ACCOUNT_OP)["security"] = json!([]);
}

fn new_param(required: bool) -> Value {
    json!({"name": "actor.type", "in": "query", "required": required,
           "description": "d", "schema": {"type": "string"}})
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    // Operations.
    case("an operation removed", "api-removed-without-deprecation", (Breaking, Breaking), |d| remove(&mut d["paths"], ZONE_PATH)),
    from("a deprecated operation removed", "api-removed-after-deprecation", (Breaking, Breaking), deprecate, |d| remove(&mut d["paths"], ACCOUNT_PATH)),
    case("an operation added", "endpoint-added", (Info, Info), |d| {
        let mut op = at(d, ACCOUNT_OP).clone();
        op["operationId"] = json!("account_audit_log_export");
        d["paths"]["/accounts/{account_id}/audit_logs/export"] = json!({"get": op});
    }),
    case("an operationId changed", "api-operation-id-removed", (Info, Breaking), |d| at(d, ACCOUNT_OP)["operationId"] = json!("list_account_audit_logs")),
    case("a path parameter renamed", "request-path-parameter-renamed", (Info, Breaking), |d| {
        let mut item = d["paths"][ACCOUNT_PATH].take();
        remove(&mut d["paths"], ACCOUNT_PATH);
        item["get"]["parameters"][0]["name"] = json!("account");
        d["paths"]["/accounts/{account}/audit_logs"] = item;
    }),
    case("the request type renamed", "request-type-renamed", (Info, Breaking), |d| at(d, ACCOUNT_OP)["x-request-type"] = json!("AccountAuditLogsRequest")),
    case("an operation deprecated", "api-deprecated", (Info, Warning), deprecate),
    from("a deprecation withdrawn", "api-deprecation-withdrawn", (Info, Info), deprecate, |d| at(d, ACCOUNT_OP)["deprecated"] = json!(false)),
    case("a sunset date set", "api-sunset-changed", (Warning, Info), |d| at(d, ACCOUNT_OP)["x-sunset"] = json!("2027-06-30")),
    case("a break without a version bump", "api-version-not-bumped", (Info, Warning), |d| remove(&mut d["paths"], ZONE_PATH)),
    // Security: alternatives, one of which a caller needs.
    case("a login method removed", "api-security-removed", (Breaking, Info), |d| at(d, ACCOUNT_OP)["security"] = json!([{"api_token": []}])),
    case("a login method added", "api-security-added", (Info, Info), |d| at(d, ACCOUNT_OP)["security"] = json!([{"api_token": []}, {"api_email": [], "api_key": []}, {"user_service_key": []}])),
    case("an operation made public", "api-security-removed", (Info, Info), public),
    case("an empty alternative added", "api-security-removed", (Info, Info), |d| at(d, ACCOUNT_OP)["security"] = json!([{"api_token": []}, {}])),
    from("a public operation made private", "api-security-added", (Breaking, Info), public, |d| at(d, ACCOUNT_OP)["security"] = json!([{"api_token": []}])),
    case("a second scheme required together", "api-security-removed", (Breaking, Info), |d| at(d, ACCOUNT_OP)["security"] = json!([{"api_token": [], "api_key": []}, {"api_email": [], "api_key": []}])),
    // Servers.
    case("the API root moved", "api-server-url-changed", (Breaking, Warning), |d| d["servers"][0]["url"] = json!("https://api.cloudflare.com/client/v5")),
    case("a server added", "api-server-added", (Info, Info), |d| d["servers"].as_array_mut().unwrap().push(json!({"url": "https://api.cloudflare.eu/client/v4"}))),
    from("a server removed", "api-server-removed", (Warning, Info),
        |d| d["servers"].as_array_mut().unwrap().push(json!({"url": "https://api.cloudflare.eu/client/v4"})),
        |d| { d["servers"].as_array_mut().unwrap().pop(); }),
    // Parameters: presence.
    case("a required parameter added", "new-required-request-parameter", (Breaking, Breaking), |d| params(d).push(new_param(true))),
    case("an optional parameter added", "new-optional-request-parameter", (Info, Info), |d| params(d).push(new_param(false))),
    case("an optional parameter removed", "request-parameter-removed", (Info, Breaking), |d| params(d).retain(|p| p["$ref"] != "#/components/parameters/V1ZoneName")),
    case("a parameter made required", "request-parameter-became-required", (Breaking, Breaking), |d| param(d, "actor.email")["required"] = json!(true)),
    case("a parameter made optional", "request-parameter-became-optional", (Info, Warning), |d| param(d, "account_id")["required"] = json!(false)),
    case("a parameter's serialization changed", "request-parameter-style-changed", (Breaking, Info), |d| param(d, "actor.email")["explode"] = json!(false)),
    // Parameters: types and values.
    case("an integer widened to a number", "request-parameter-type-changed", (Info, Breaking), |d| param(d, "per_page")["schema"]["type"] = json!("number")),
    case("an integer widened to a string", "request-parameter-type-changed", (Info, Breaking), |d| {
        let schema = &mut param(d, "per_page")["schema"];
        *schema = json!({"type": "string"});
    }),
    case("a string narrowed to an integer", "request-parameter-type-changed", (Breaking, Breaking), |d| param(d, "zone.name")["schema"]["type"] = json!("integer")),
    case("an integer narrowed to 32 bits", "request-parameter-type-changed", (Breaking, Breaking), |d| param(d, "per_page")["schema"]["format"] = json!("int32")),
    case("a value of a closed enum removed", "request-parameter-enum-value-removed", (Breaking, Breaking), |d| at(d, &format!("{SCHEMAS}/Direction"))["enum"] = json!(["desc"])),
    case("a value of a closed enum added", "request-parameter-enum-value-added", (Info, Warning), |d| at(d, &format!("{SCHEMAS}/Direction"))["enum"] = json!(["desc", "asc", "relevance"])),
    case("a value of an open enum removed", "request-parameter-enum-value-removed", (Breaking, Info), |d| at(d, &format!("{SCHEMAS}/ActionType"))["enum"] = json!(["create", "delete", "update"])),
    case("a value of an open enum added", "request-parameter-enum-value-added", (Info, Info), |d| at(d, &format!("{SCHEMAS}/ActionType"))["enum"] = json!(["create", "delete", "view", "update", "rotate"])),
    case("a parameter restricted to values", "request-parameter-became-enum", (Breaking, Breaking), |d| param(d, "zone.name")["schema"]["enum"] = json!(["example.com"])),
    case("a default changed", "request-parameter-default-value-changed", (Warning, Info), |d| param(d, "per_page")["schema"]["default"] = json!(25)),
    case("a pattern added", "request-parameter-pattern-added", (Warning, Breaking), |d| param(d, "zone.name")["schema"]["pattern"] = json!("^[a-z.]+$")),
    from("a pattern changed", "request-parameter-pattern-changed", (Warning, Warning),
        |d| param(d, "zone.name")["schema"]["pattern"] = json!("^[a-z.]+$"),
        |d| param(d, "zone.name")["schema"]["pattern"] = json!("^[a-z]+$")),
    from("a pattern removed", "request-parameter-pattern-removed", (Info, Breaking),
        |d| param(d, "zone.name")["schema"]["pattern"] = json!("^[a-z.]+$"),
        |d| remove(&mut param(d, "zone.name")["schema"], "pattern")),
    // Parameters: bounds.
    case("a maximum lowered", "request-parameter-max-decreased", (Breaking, Info), |d| param(d, "per_page")["schema"]["maximum"] = json!(500)),
    case("a maximum raised", "request-parameter-max-increased", (Info, Info), |d| param(d, "per_page")["schema"]["maximum"] = json!(5000)),
    case("a minimum raised", "request-parameter-min-increased", (Breaking, Info), |d| param(d, "page")["schema"]["minimum"] = json!(2)),
    case("a minimum lowered", "request-parameter-min-decreased", (Info, Info), |d| param(d, "per_page")["schema"]["minimum"] = json!(0)),
    case("a maximum length lowered", "request-parameter-max-length-decreased", (Breaking, Warning), |d| at(d, &format!("{SCHEMAS}/Identifier"))["maxLength"] = json!(16)),
    case("a maximum length raised", "request-parameter-max-length-increased", (Info, Warning), |d| at(d, &format!("{SCHEMAS}/Identifier"))["maxLength"] = json!(64)),
    case("a minimum length added", "request-parameter-min-length-increased", (Breaking, Breaking), |d| at(d, &format!("{SCHEMAS}/Identifier"))["minLength"] = json!(32)),
    from("a minimum length lowered", "request-parameter-min-length-decreased", (Info, Warning),
        |d| at(d, &format!("{SCHEMAS}/Identifier"))["minLength"] = json!(32),
        |d| at(d, &format!("{SCHEMAS}/Identifier"))["minLength"] = json!(1)),
    case("a maximum of items added", "request-parameter-max-items-decreased", (Breaking, Info), |d| at(d, ACTION_TYPES)["maxItems"] = json!(2)),
    from("a maximum of items raised", "request-parameter-max-items-increased", (Info, Info),
        |d| at(d, ACTION_TYPES)["maxItems"] = json!(2),
        |d| at(d, ACTION_TYPES)["maxItems"] = json!(5)),
    case("a minimum of items added", "request-parameter-min-items-increased", (Breaking, Info), |d| at(d, ACTION_TYPES)["minItems"] = json!(1)),
    from("a minimum of items lowered", "request-parameter-min-items-decreased", (Info, Info),
        |d| at(d, ACTION_TYPES)["minItems"] = json!(2),
        |d| at(d, ACTION_TYPES)["minItems"] = json!(1)),
    // Responses: statuses and media types.
    case("the success status removed", "response-success-status-removed", (Breaking, Breaking), |d| { responses(d).remove("200"); }),
    case("a success status added", "response-success-status-added", (Warning, Info), |d| {
        let ok = responses(d)["200"].clone();
        responses(d).insert("206".into(), ok);
    }),
    case("an error status removed", "response-non-success-status-removed", (Info, Warning), |d| { responses(d).remove("5XX"); }),
    case("an error status added", "response-non-success-status-added", (Info, Info), |d| {
        let failure = responses(d)["4XX"].clone();
        responses(d).insert("429".into(), failure);
    }),
    case("a media type removed", "response-media-type-removed", (Breaking, Breaking), |d| {
        let content = at(d, &format!("{ACCOUNT_OP}/responses/200/content")).as_object_mut().unwrap();
        let json = content.remove("application/json").unwrap();
        content.insert("text/csv".into(), json);
    }),
    // Responses: fields.
    case("a required field removed", "response-required-property-removed", (Breaking, Breaking), |d| remove(at(d, &format!("{INSIGHT_PAGE}/properties")), "success")),
    case("an optional field removed", "response-optional-property-removed", (Info, Breaking), |d| remove(at(d, &format!("{SCHEMAS}/AuditLog/properties")), "interface")),
    case("a field made optional", "response-property-became-optional", (Breaking, Breaking), |d| at(d, INSIGHT_PAGE)["required"] = json!([])),
    case("a field made required", "response-property-became-required", (Info, Breaking), |d| at(d, &format!("{SCHEMAS}/AuditLog"))["required"] = json!(["id"])),
    case("a field made nullable", "response-property-became-nullable", (Breaking, Breaking), |d| at(d, &format!("{SCHEMAS}/InsightAuditLog/properties/changed_by"))["nullable"] = json!(true)),
    case("a field no longer nullable", "response-property-became-not-nullable", (Info, Warning), |d| at(d, &format!("{SCHEMAS}/InsightAuditLog/properties/rationale"))["nullable"] = json!(false)),
    case("a field's type changed", "response-property-type-changed", (Breaking, Breaking), |d| at(d, &format!("{SCHEMAS}/InsightAuditLog/properties/zone_id"))["type"] = json!("string")),
    case("a field's named type made inline", "response-property-type-changed", (Info, Breaking), |d| at(d, &format!("{SCHEMAS}/AuditLogActor/properties"))["type"] = json!({"type": "string", "enum": ["user", "admin", "Cloudflare"]})),
    case("a required field added", "response-required-property-added", (Info, Info), |d| {
        at(d, &format!("{SCHEMAS}/AuditLog/properties"))["account_id"] = json!({"type": "string"});
        at(d, &format!("{SCHEMAS}/AuditLog"))["required"] = json!(["account_id"]);
    }),
    case("an optional field added", "response-optional-property-added", (Info, Info), |d| at(d, &format!("{SCHEMAS}/AuditLog/properties"))["account_id"] = json!({"type": "string"})),
    // Responses: constraints on strings (a checked newtype in Rust).
    case("a maximum length added", "response-property-constraint-changed", (Info, Breaking), |d| at(d, RAY)["maxLength"] = json!(32)),
    from("a maximum length removed", "response-property-constraint-changed", (Breaking, Breaking), |d| at(d, RAY)["maxLength"] = json!(32), |d| remove(at(d, RAY), "maxLength")),
    from("a maximum length raised", "response-property-constraint-changed", (Breaking, Warning), |d| at(d, RAY)["maxLength"] = json!(32), |d| at(d, RAY)["maxLength"] = json!(64)),
    from("a maximum length lowered", "response-property-constraint-changed", (Info, Warning), |d| at(d, RAY)["maxLength"] = json!(64), |d| at(d, RAY)["maxLength"] = json!(32)),
    case("a response pattern added", "response-property-constraint-changed", (Info, Breaking), |d| at(d, RAY)["pattern"] = json!("^[0-9a-f]+$")),
    from("a response pattern changed", "response-property-constraint-changed", (Warning, Warning), |d| at(d, RAY)["pattern"] = json!("^[0-9a-f]+$"), |d| at(d, RAY)["pattern"] = json!("^[0-9a-z]+$")),
    from("a response pattern removed", "response-property-constraint-changed", (Breaking, Breaking), |d| at(d, RAY)["pattern"] = json!("^[0-9a-f]+$"), |d| remove(at(d, RAY), "pattern")),
    // Responses: enums, open (hand-written, with `Unknown`) and closed.
    case("a value of an open response enum added", "response-property-enum-value-added", (Info, Info), |d| at(d, &format!("{SCHEMAS}/ActorType"))["enum"] = json!(["user", "admin", "Cloudflare", "system"])),
    from("a value of a closed response enum added", "response-property-enum-value-added", (Breaking, Warning), |d| at(d, RESOURCE_TYPE)["enum"] = json!(["zone"]), |d| at(d, RESOURCE_TYPE)["enum"] = json!(["zone", "account"])),
    case("a value of an open response enum removed", "response-property-enum-value-removed", (Info, Info), |d| at(d, &format!("{SCHEMAS}/ChangedField"))["enum"] = json!(["status"])),
    from("a value of a closed response enum removed", "response-property-enum-value-removed", (Info, Breaking), |d| at(d, RESOURCE_TYPE)["enum"] = json!(["zone", "account"]), |d| at(d, RESOURCE_TYPE)["enum"] = json!(["zone"])),
    // Responses: fields no schema names (`additionalProperties`, the `extra` map).
    case("extra fields no longer admitted", "response-additional-properties-removed", (Info, Breaking), |d| remove(at(d, &format!("{SCHEMAS}/AuditLog")), "additionalProperties")),
    case("extra fields admitted", "response-additional-properties-added", (Info, Info), |d| at(d, &format!("{SCHEMAS}/ResponseMessage"))["additionalProperties"] = json!({})),
];

#[test]
fn every_edit_is_reported_under_its_rule_with_both_verdicts() {
    let mut wrong = Vec::new();
    for case in CASES {
        let found = changes(case.prepare.unwrap_or(|_| {}), case.edit);
        let hit = found
            .iter()
            .any(|c| c.rule == case.rule && c.wire == case.wire && c.rust == case.rust);
        if !hit {
            let seen: Vec<String> = found
                .iter()
                .map(|c| format!("{} (wire {:?}, crate {:?})", c.rule, c.wire, c.rust))
                .collect();
            wrong.push(format!(
                "{}: expected {} (wire {:?}, crate {:?}), got [{}]",
                case.what,
                case.rule,
                case.wire,
                case.rust,
                seen.join("; ")
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        CASES.len(),
        wrong.join("\n")
    );
}

/// Every rule id the classifier can emit (read from its sources) has a row above.
#[test]
fn every_rule_has_a_row() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/src/diff/rules");
    let sources: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    assert!(sources.len() >= 3, "the classifier's files in {folder}");
    let mut rules = std::collections::BTreeSet::new();
    for source in &sources {
        for piece in source.split('"').skip(1).step_by(2) {
            let rule_like = piece.contains('-')
                && piece
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && ["api-", "request-", "response-", "new-", "endpoint-"]
                    .iter()
                    .any(|p| piece.starts_with(p));
            if rule_like {
                rules.insert(piece);
            }
        }
    }
    let covered: std::collections::BTreeSet<&str> = CASES.iter().map(|c| c.rule).collect();
    let missing: Vec<&&str> = rules.iter().filter(|r| !covered.contains(**r)).collect();
    assert!(missing.is_empty(), "rules with no row: {missing:?}");
    assert!(
        rules.len() >= 60,
        "{} rules read from the source",
        rules.len()
    );
}

#[test]
fn an_operation_made_public_breaks_nothing() {
    let found = changes(|_| {}, public);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found.iter().all(|c| c.severity == Info), "{found:#?}");
}

#[test]
fn a_renamed_path_parameter_is_one_change_not_a_removal_and_an_addition() {
    let found = changes(|_| {}, CASES[4].edit);
    for not in [
        "api-removed-without-deprecation",
        "endpoint-added",
        "request-parameter-removed",
        "new-required-request-parameter",
    ] {
        assert!(found.iter().all(|c| c.rule != not), "{not} in {found:#?}");
    }
}

#[test]
fn a_renamed_request_type_names_its_filters_too() {
    let found = changes(
        |_| {},
        |d| at(d, ACCOUNT_OP)["x-request-type"] = json!("AccountAuditLogsRequest"),
    );
    let message = &found
        .iter()
        .find(|c| c.rule == "request-type-renamed")
        .unwrap()
        .message;
    assert!(message.contains("`AuditLogsFilters`"), "{message}");
}

#[test]
fn a_deprecated_operation_removed_is_not_also_a_removal_without_deprecation() {
    let found = changes(deprecate, |d| remove(&mut d["paths"], ACCOUNT_PATH));
    assert!(
        found
            .iter()
            .all(|c| c.rule != "api-removed-without-deprecation")
    );
}

#[test]
fn an_open_enum_keeps_its_variant_on_both_sides() {
    let found = changes(
        |_| {},
        |d| at(d, &format!("{SCHEMAS}/ActionType"))["enum"] = json!(["create", "delete", "update"]),
    );
    let request = found
        .iter()
        .find(|c| c.rule == "request-parameter-enum-value-removed" && c.operation.contains("GET"))
        .unwrap_or_else(|| panic!("no request-side change in {found:#?}"));
    assert!(
        request.message.contains("open enum keeps its variant"),
        "{}",
        request.message
    );
    assert!(
        found
            .iter()
            .filter(|c| c.rule == "response-property-enum-value-removed")
            .all(|c| !c.message.contains("disappears") && c.rust == Info),
        "{found:#?}"
    );
}

#[test]
fn an_int64_format_that_changes_no_rust_type_is_no_change() {
    let found = changes(
        |_| {},
        |d| param(d, "per_page")["schema"]["format"] = json!("int64"),
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn a_version_bump_or_a_harmless_change_is_not_flagged() {
    let bumped = changes(
        |_| {},
        |d| {
            remove(&mut d["paths"], ZONE_PATH);
            d["info"]["version"] = json!("0.2.0");
        },
    );
    assert!(
        bumped.iter().all(|c| c.rule != "api-version-not-bumped"),
        "{bumped:#?}"
    );
    let harmless = changes(
        |_| {},
        |d| {
            at(d, &format!("{SCHEMAS}/AuditLog/properties"))["account_id"] =
                json!({"type": "string"})
        },
    );
    assert!(
        harmless.iter().all(|c| c.rule != "api-version-not-bumped"),
        "{harmless:#?}"
    );
}
