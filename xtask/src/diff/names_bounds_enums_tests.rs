//! Fixtures for the rules of names and lifecycles (renamed path parameters and request
//! types, deprecation and sunset), of bounds (array filters, response strings) and of enums
//! (open and closed, in requests and responses). One change a fixture, on the crate's spec.

use serde_json::json;

use super::Severity;
use super::tests::{ACCOUNT_OP, SCHEMAS, assert_rule, at, changes, classifies, param};

const ACCOUNT_PATH: &str = "/accounts/{account_id}/audit_logs";

#[test]
fn a_renamed_path_parameter_is_one_change_not_a_removal_and_an_addition() {
    let found = changes(
        |_| {},
        |d| {
            let mut item = d["paths"][ACCOUNT_PATH].take();
            d["paths"].as_object_mut().unwrap().remove(ACCOUNT_PATH);
            item["get"]["parameters"][0]["name"] = json!("account");
            d["paths"]["/accounts/{account}/audit_logs"] = item;
        },
    );
    assert_rule(&found, "request-path-parameter-renamed", Severity::Breaking);
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
fn deprecation_and_sunset_are_reported() {
    classifies("api-deprecated", Severity::Info, |d| {
        at(d, ACCOUNT_OP)["deprecated"] = json!(true);
    });
    classifies("api-sunset-changed", Severity::Warning, |d| {
        at(d, ACCOUNT_OP)["x-sunset"] = json!("2027-06-30");
    });
    // Removing an operation that was deprecated is its own rule (still a break of the crate).
    let found = changes(
        |d| at(d, ACCOUNT_OP)["deprecated"] = json!(true),
        |d| {
            d["paths"].as_object_mut().unwrap().remove(ACCOUNT_PATH);
        },
    );
    assert_rule(&found, "api-removed-after-deprecation", Severity::Breaking);
    assert!(
        found
            .iter()
            .all(|c| c.rule != "api-removed-without-deprecation")
    );
}

#[test]
fn a_renamed_request_type_is_a_break() {
    let found = changes(
        |_| {},
        |d| at(d, ACCOUNT_OP)["x-request-type"] = json!("AccountAuditLogsRequest"),
    );
    assert_rule(&found, "request-type-renamed", Severity::Breaking);
    let message = &found
        .iter()
        .find(|c| c.rule == "request-type-renamed")
        .unwrap()
        .message;
    assert!(message.contains("`AuditLogsFilters`"), "{message}");
}

#[test]
fn parameter_bound_rules() {
    classifies("request-parameter-max-decreased", Severity::Breaking, |d| {
        param(d, "per_page")["schema"]["maximum"] = json!(500);
    });
    classifies("request-parameter-max-increased", Severity::Info, |d| {
        param(d, "per_page")["schema"]["maximum"] = json!(5000);
    });
    classifies("request-parameter-min-increased", Severity::Breaking, |d| {
        param(d, "page")["schema"]["minimum"] = json!(2);
    });
    classifies("request-parameter-min-decreased", Severity::Info, |d| {
        param(d, "per_page")["schema"]["minimum"] = json!(0);
    });
    classifies(
        "request-parameter-max-length-decreased",
        Severity::Breaking,
        |d| {
            at(d, &format!("{SCHEMAS}/Identifier"))["maxLength"] = json!(16);
        },
    );
    classifies(
        "request-parameter-max-length-increased",
        Severity::Info,
        |d| {
            at(d, &format!("{SCHEMAS}/Identifier"))["maxLength"] = json!(64);
        },
    );
    classifies(
        "request-parameter-min-length-increased",
        Severity::Breaking,
        |d| {
            at(d, &format!("{SCHEMAS}/Identifier"))["minLength"] = json!(32);
        },
    );
    assert_rule(
        &changes(
            |d| at(d, &format!("{SCHEMAS}/Identifier"))["minLength"] = json!(32),
            |d| at(d, &format!("{SCHEMAS}/Identifier"))["minLength"] = json!(1),
        ),
        "request-parameter-min-length-decreased",
        Severity::Info,
    );
}

#[test]
fn fewer_values_allowed_in_an_array_filter_is_a_break() {
    let component = "/components/parameters/V2ActionType/schema";
    classifies(
        "request-parameter-max-items-decreased",
        Severity::Breaking,
        |d| at(d, component)["maxItems"] = json!(2),
    );
    assert_rule(
        &changes(
            |d| at(d, component)["maxItems"] = json!(5),
            |d| at(d, component)["maxItems"] = json!(3),
        ),
        "request-parameter-max-items-decreased",
        Severity::Breaking,
    );
    classifies(
        "request-parameter-min-items-increased",
        Severity::Breaking,
        |d| at(d, component)["minItems"] = json!(1),
    );
}

#[test]
fn a_bound_on_a_response_string_changes_its_rust_type() {
    let ray = format!("{SCHEMAS}/AuditLogV2Raw/properties/cf_ray_id");
    assert_rule(
        &changes(
            |d| at(d, &ray)["maxLength"] = json!(32),
            |d| {
                at(d, &ray).as_object_mut().unwrap().remove("maxLength");
            },
        ),
        "response-property-constraint-changed",
        Severity::Breaking,
    );
    assert_rule(
        &changes(
            |d| at(d, &ray)["maxLength"] = json!(32),
            |d| at(d, &ray)["maxLength"] = json!(64),
        ),
        "response-property-constraint-changed",
        Severity::Warning,
    );
}

#[test]
fn an_open_enum_losing_a_value_is_reported_on_the_request_side_too() {
    let found = changes(
        |_| {},
        |d| at(d, &format!("{SCHEMAS}/ActionType"))["enum"] = json!(["create", "delete", "update"]),
    );
    // Callers filtering on `view` are refused by the server: a break on the wire.
    let request = found
        .iter()
        .find(|c| c.rule == "request-parameter-enum-value-removed" && c.operation.contains("GET"))
        .unwrap_or_else(|| panic!("no request-side change in {found:#?}"));
    assert_eq!(request.severity, Severity::Breaking);
    assert!(
        request.message.contains("open enum keeps its variant"),
        "{}",
        request.message
    );
    // The response side changes no Rust type: the enum is hand-written.
    assert_rule(
        &found,
        "response-property-enum-value-removed",
        Severity::Info,
    );
    assert!(
        found
            .iter()
            .filter(|c| c.rule == "response-property-enum-value-removed")
            .all(|c| !c.message.contains("disappears")),
        "{found:#?}"
    );
}

#[test]
fn response_enum_rules_know_which_enums_are_open() {
    // ActorType is one of the crate's open enums: a new value decodes as Unknown.
    classifies("response-property-enum-value-added", Severity::Info, |d| {
        at(d, &format!("{SCHEMAS}/ActorType"))["enum"] =
            json!(["user", "admin", "Cloudflare", "system"]);
    });
    // A closed enum in a response fails to decode a new value.
    let resource_type = format!("{SCHEMAS}/AuditLogResource/properties/type");
    assert_rule(
        &changes(
            |d| at(d, &resource_type)["enum"] = json!(["zone"]),
            |d| at(d, &resource_type)["enum"] = json!(["zone", "account"]),
        ),
        "response-property-enum-value-added",
        Severity::Breaking,
    );
    // An open enum is a hand-written type: a value the server stops sending changes nothing
    // of the Rust API, so it is no break; a closed one loses its variant.
    classifies(
        "response-property-enum-value-removed",
        Severity::Info,
        |d| {
            at(d, &format!("{SCHEMAS}/ChangedField"))["enum"] = json!(["status"]);
        },
    );
    assert_rule(
        &changes(
            |d| at(d, &resource_type)["enum"] = json!(["zone", "account"]),
            |d| at(d, &resource_type)["enum"] = json!(["zone"]),
        ),
        "response-property-enum-value-removed",
        Severity::Breaking,
    );
}
