//! One fixture pair per rule: the crate's own spec, and that spec with one change applied.

use serde_json::{Value, json};

use super::rules::compare;
use super::{Change, CodeDiff, DiffReport, Severity};
use crate::generator;
use crate::spec::{Spec, from_text};

const SPEC: &str = include_str!("../../../openapi/cloudflare-audit-logs.yaml");
pub(super) const ACCOUNT_OP: &str = "/paths/~1accounts~1{account_id}~1audit_logs/get";
const ZONE_PATH: &str = "/zones/{zone_id}/security-center/insights/audit-log";
pub(super) const SCHEMAS: &str = "/components/schemas";

pub(super) fn spec() -> Value {
    generator::parse_yaml(SPEC).unwrap()
}

pub(super) fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no node at {pointer}"))
}

/// The account operation's parameter called `name` (inline, or the component it refers to).
pub(super) fn param<'a>(doc: &'a mut Value, name: &str) -> &'a mut Value {
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

pub(super) fn changes(
    prepare: impl Fn(&mut Value),
    change: impl FnOnce(&mut Value),
) -> Vec<Change> {
    let mut base = spec();
    prepare(&mut base);
    let mut head = base.clone();
    change(&mut head);
    compare(&base, &head)
}

pub(super) fn assert_rule(changes: &[Change], rule: &str, severity: Severity) {
    assert!(
        changes
            .iter()
            .any(|c| c.rule == rule && c.severity == severity),
        "expected {rule} as {severity:?}, got {changes:#?}"
    );
}

/// Applies `change` to the spec and asserts that it is classified as `rule` with `severity`.
pub(super) fn classifies(rule: &str, severity: Severity, change: impl FnOnce(&mut Value)) {
    assert_rule(&changes(|_| {}, change), rule, severity);
}

#[test]
fn the_same_spec_has_no_changes() {
    assert!(compare(&spec(), &spec()).is_empty());
}

#[test]
fn operation_rules() {
    classifies("api-removed-without-deprecation", Severity::Breaking, |d| {
        d["paths"].as_object_mut().unwrap().remove(ZONE_PATH);
    });
    classifies("endpoint-added", Severity::Info, |d| {
        let mut op = at(d, ACCOUNT_OP).clone();
        op["operationId"] = json!("account_audit_log_export");
        d["paths"]["/accounts/{account_id}/audit_logs/export"] = json!({"get": op});
    });
    classifies("api-operation-id-removed", Severity::Breaking, |d| {
        at(d, ACCOUNT_OP)["operationId"] = json!("list_account_audit_logs");
    });
    classifies("api-security-removed", Severity::Breaking, |d| {
        at(d, ACCOUNT_OP)["security"] = json!([{"api_token": []}]);
    });
    classifies("api-security-added", Severity::Info, |d| {
        at(d, ACCOUNT_OP)["security"]
            .as_array_mut()
            .unwrap()
            .push(json!({"user_service_key": []}));
    });
}

#[test]
fn parameter_presence_rules() {
    let new_param = |required: bool| {
        json!({"name": "actor.type", "in": "query", "required": required,
               "description": "d", "schema": {"type": "string"}})
    };
    classifies("new-required-request-parameter", Severity::Breaking, |d| {
        at(d, &format!("{ACCOUNT_OP}/parameters"))
            .as_array_mut()
            .unwrap()
            .push(new_param(true));
    });
    classifies("new-optional-request-parameter", Severity::Info, |d| {
        at(d, &format!("{ACCOUNT_OP}/parameters"))
            .as_array_mut()
            .unwrap()
            .push(new_param(false));
    });
    classifies("request-parameter-removed", Severity::Breaking, |d| {
        at(d, &format!("{ACCOUNT_OP}/parameters"))
            .as_array_mut()
            .unwrap()
            .retain(|p| p["$ref"] != "#/components/parameters/V1ZoneName");
    });
    classifies(
        "request-parameter-became-required",
        Severity::Breaking,
        |d| {
            param(d, "actor.email")["required"] = json!(true);
        },
    );
    classifies("request-parameter-became-optional", Severity::Info, |d| {
        param(d, "account_id")["required"] = json!(false);
    });
}

#[test]
fn parameter_schema_rules() {
    classifies("request-parameter-type-changed", Severity::Breaking, |d| {
        param(d, "per_page")["schema"]["type"] = json!("number");
    });
    classifies(
        "request-parameter-enum-value-removed",
        Severity::Breaking,
        |d| {
            at(d, &format!("{SCHEMAS}/Direction"))["enum"] = json!(["desc"]);
        },
    );
    classifies(
        "request-parameter-enum-value-added",
        Severity::Warning,
        |d| {
            at(d, &format!("{SCHEMAS}/Direction"))["enum"] = json!(["desc", "asc", "relevance"]);
        },
    );
    classifies("request-parameter-became-enum", Severity::Breaking, |d| {
        param(d, "zone.name")["schema"]["enum"] = json!(["example.com"]);
    });
    classifies(
        "request-parameter-default-value-changed",
        Severity::Warning,
        |d| {
            param(d, "per_page")["schema"]["default"] = json!(25);
        },
    );
    classifies("request-parameter-pattern-added", Severity::Warning, |d| {
        param(d, "zone.name")["schema"]["pattern"] = json!("^[a-z.]+$");
    });
    assert_rule(
        &changes(
            |d| param(d, "zone.name")["schema"]["pattern"] = json!("^[a-z.]+$"),
            |d| param(d, "zone.name")["schema"]["pattern"] = json!("^[a-z]+$"),
        ),
        "request-parameter-pattern-changed",
        Severity::Warning,
    );
}

#[test]
fn response_status_rules() {
    let responses = format!("{ACCOUNT_OP}/responses");
    classifies("response-success-status-removed", Severity::Breaking, |d| {
        at(d, &responses).as_object_mut().unwrap().remove("200");
    });
    classifies("response-success-status-added", Severity::Info, |d| {
        let ok = at(d, &format!("{responses}/200")).clone();
        at(d, &responses)["206"] = ok;
    });
    classifies(
        "response-non-success-status-removed",
        Severity::Warning,
        |d| {
            at(d, &responses).as_object_mut().unwrap().remove("5XX");
        },
    );
    classifies("response-non-success-status-added", Severity::Info, |d| {
        let failure = at(d, &format!("{responses}/4XX")).clone();
        at(d, &responses)["429"] = failure;
    });
    classifies("response-media-type-removed", Severity::Breaking, |d| {
        let content = at(d, &format!("{responses}/200/content"))
            .as_object_mut()
            .unwrap();
        let json = content.remove("application/json").unwrap();
        content.insert("text/csv".into(), json);
    });
}

#[test]
fn response_property_rules() {
    let log = format!("{SCHEMAS}/AuditLog");
    let insight = format!("{SCHEMAS}/InsightAuditLog");
    // The insights page requires `success` (the account page does not: upstream lets it go).
    let required_page = format!("{SCHEMAS}/InsightAuditLogPage");
    classifies(
        "response-required-property-removed",
        Severity::Breaking,
        |d| {
            at(d, &format!("{required_page}/properties"))
                .as_object_mut()
                .unwrap()
                .remove("success");
        },
    );
    classifies(
        "response-optional-property-removed",
        Severity::Breaking,
        |d| {
            at(d, &format!("{log}/properties"))
                .as_object_mut()
                .unwrap()
                .remove("interface");
        },
    );
    classifies(
        "response-property-became-optional",
        Severity::Breaking,
        |d| {
            at(d, &required_page)["required"] = json!([]);
        },
    );
    classifies(
        "response-property-became-required",
        Severity::Breaking,
        |d| {
            at(d, &log)["required"] = json!(["id"]);
        },
    );
    classifies(
        "response-property-became-nullable",
        Severity::Breaking,
        |d| {
            at(d, &format!("{insight}/properties/changed_by"))["nullable"] = json!(true);
        },
    );
    classifies(
        "response-property-became-not-nullable",
        Severity::Info,
        |d| {
            at(d, &format!("{insight}/properties/rationale"))["nullable"] = json!(false);
        },
    );
    classifies("response-property-type-changed", Severity::Breaking, |d| {
        at(d, &format!("{insight}/properties/zone_id"))["type"] = json!("string");
    });
    classifies("response-required-property-added", Severity::Info, |d| {
        at(d, &format!("{log}/properties"))["account_id"] = json!({"type": "string"});
        at(d, &log)["required"] = json!(["account_id"]);
    });
    classifies("response-optional-property-added", Severity::Info, |d| {
        at(d, &format!("{log}/properties"))["account_id"] = json!({"type": "string"});
    });
}

#[test]
fn a_breaking_change_without_a_version_bump_is_flagged() {
    let remove = |d: &mut Value| {
        d["paths"].as_object_mut().unwrap().remove(ZONE_PATH);
    };
    classifies("api-version-not-bumped", Severity::Warning, remove);
    let bumped = changes(
        |_| {},
        |d| {
            remove(d);
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
                json!({"type": "string"});
        },
    );
    assert!(
        harmless.iter().all(|c| c.rule != "api-version-not-bumped"),
        "{harmless:#?}"
    );
}

/// A real edit of the YAML text, as a maintainer would make it, reviewed as Markdown.
#[test]
fn a_real_edit_is_reported_as_breaking_with_the_generated_code_diff() {
    let base = from_text("HEAD", SPEC.to_owned()).unwrap();
    let edited = SPEC.replacen(
        "      name: actor.email\n      in: query\n",
        "      name: actor.email\n      in: query\n      required: true\n",
        1,
    );
    assert_ne!(edited, SPEC);
    let head: Spec = from_text("working tree", edited).unwrap();
    let report = DiffReport::new(&base, &head);
    assert_rule(
        &report.changes,
        "request-parameter-became-required",
        Severity::Breaking,
    );
    assert_eq!(
        report.changes[0].severity,
        Severity::Breaking,
        "most severe first"
    );
    let CodeDiff::Changed(diff) = &report.code else {
        panic!("{:?}", report.code)
    };
    assert!(diff.contains("actor_email"), "{diff}");
    let markdown = report.markdown();
    assert!(
        markdown.contains("| **breaking** | `request-parameter-became-required` |"),
        "{markdown}"
    );
    assert!(markdown.contains("```diff"), "{markdown}");
    let json: Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["changes"][0]["severity"], "breaking");
}

#[test]
fn removing_a_value_of_an_open_response_enum_is_reported_but_no_break() {
    let base = from_text("HEAD", SPEC.to_owned()).unwrap();
    let edited = SPEC.replacen(
        "enum: [user, admin, Cloudflare]",
        "enum: [user, Cloudflare]",
        1,
    );
    assert_ne!(edited, SPEC);
    let report = DiffReport::new(&base, &from_text("working tree", edited).unwrap());
    assert_rule(
        &report.changes,
        "response-property-enum-value-removed",
        Severity::Info,
    );
    assert!(
        report.markdown().contains("0 breaking"),
        "{}",
        report.markdown()
    );
}

#[test]
fn a_change_to_a_shared_component_is_one_row_naming_every_operation() {
    let base = from_text("HEAD", SPEC.to_owned()).unwrap();
    let edited = SPEC.replacen(
        "        documentation_url:\n          type: string\n",
        "        documentation_url:\n          type: integer\n",
        1,
    );
    assert_ne!(edited, SPEC);
    let report = DiffReport::new(&base, &from_text("working tree", edited).unwrap());
    let rows: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.rule == "response-property-type-changed")
        .collect();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(
        rows[0].pointer,
        "/components/schemas/ResponseMessage/properties/documentation_url"
    );
    for op in [
        "account_audit_logs",
        "account_insights_audit_log",
        "zone_insights_audit_log",
    ] {
        assert!(rows[0].operation.contains(op), "{}", rows[0].operation);
    }
}

#[test]
fn an_int64_format_that_changes_no_rust_type_is_no_change() {
    let changes = changes(
        |_| {},
        |d| {
            param(d, "per_page")["schema"]["format"] = json!("int64");
        },
    );
    assert!(changes.is_empty(), "{changes:#?}");
    classifies("request-parameter-type-changed", Severity::Breaking, |d| {
        param(d, "per_page")["schema"]["format"] = json!("int32");
    });
}

#[test]
fn a_field_moving_from_a_named_component_to_an_inline_schema_changes_its_rust_type() {
    let changes = changes(
        |_| {},
        |d| {
            at(d, &format!("{SCHEMAS}/AuditLogActor/properties"))["type"] =
                json!({"type": "string", "enum": ["user", "admin", "Cloudflare"]});
        },
    );
    assert_rule(
        &changes,
        "response-property-type-changed",
        Severity::Breaking,
    );
    assert!(
        changes
            .iter()
            .any(|c| c.message.contains("`ActorType` to an inline schema")),
        "{changes:#?}"
    );
}

#[test]
fn a_head_spec_that_does_not_generate_fails_every_gate() {
    let base = from_text("base", SPEC.to_owned()).unwrap();
    // The account log alone gains a filter: it shares its request type with the user log,
    // so the head spec does not generate (though it is a valid document).
    let edited = SPEC.replacen(
        "        - $ref: '#/components/parameters/V1HideUserLogs'\n",
        "        - $ref: '#/components/parameters/V1HideUserLogs'\n        - name: extra_filter\n          in: query\n          description: A filter.\n          schema:\n            type: string\n",
        1,
    );
    assert_ne!(edited, SPEC);
    let head = from_text("head", edited).unwrap();
    let report = DiffReport::new(&base, &head);
    assert!(
        matches!(&report.code, CodeDiff::Failed(why) if why.contains("head spec does not generate")),
        "{:?}",
        report.code
    );
    assert!(report.fails(Severity::Breaking) && report.fails(Severity::Warning));
    // The same spec passes.
    let same = DiffReport::new(&base, &from_text("head", SPEC.to_owned()).unwrap());
    assert!(!same.fails(Severity::Warning));
}
