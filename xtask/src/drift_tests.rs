//! Drift: the shared comparator's rules, sorted by our markers, against upstream's document
//! and against synthetic edits of it.

use serde_json::Value;

use super::*;
use crate::generator::parse_yaml;

const SPEC: &str = include_str!("../../openapi/cloudflare-audit-logs.yaml");

fn ours() -> Value {
    parse_yaml(SPEC).unwrap()
}

/// Cloudflare's document for the operations we cover, as kept in the repository.
fn upstream() -> Value {
    let path = crate::spec::root().join(crate::spec::UPSTREAM_PATH);
    let text = std::fs::read_to_string(path).expect("openapi/upstream/ is in the repository");
    serde_json::from_str(&text).unwrap()
}

/// Whether a row with both texts is in the drift (not the intended list).
fn drifts(report: &DriftReport, place: &str, what: &str) -> bool {
    report
        .drift
        .iter()
        .any(|d| d.place.contains(place) && d.what.contains(what))
}

/// Whether a row with both texts is in the intended list.
fn intended(report: &DriftReport, place: &str, what: &str) -> bool {
    report
        .intended
        .iter()
        .any(|d| d.place.contains(place) && d.what.contains(what))
}

#[test]
fn our_spec_against_itself_has_no_differences() {
    let report = compare(&ours(), &ours());
    assert!(
        report.drift.is_empty() && report.intended.is_empty(),
        "{report:#?}"
    );
}

#[test]
fn the_upstream_document_shows_only_intended_differences() {
    let report = compare(&ours(), &upstream());
    assert!(
        report.drift.is_empty(),
        "unexplained drift:\n{}",
        report.markdown()
    );
    for (place, what) in [
        (
            "audit_logs",
            "parameter `per_page` changes from number to integer",
        ),
        (
            "audit_logs",
            "parameter `page` changes from number to integer",
        ),
        ("audit_logs", "new error status 5XX"),
        ("audit_logs", "`result[].newValue`"),
        ("logs/audit", "`result_info"),
        // Found by the shared comparator: upstream also takes user service keys.
        ("logs/audit", "api-security-removed"),
    ] {
        assert!(
            intended(&report, place, what),
            "{what} should be listed as intended:\n{}",
            report.markdown()
        );
    }
    // Names of the generated Rust API (operation IDs, request types) are not drift.
    let all = report.markdown();
    assert!(!all.contains("api-operation-id-removed") && !all.contains("request-type-renamed"));
}

#[test]
fn drift_is_reported_in_both_directions_and_markers_move_it_aside() {
    // We lose a parameter and a field, and an explained deviation loses its marker.
    let edited = SPEC
        .replacen("      name: hide_user_logs\n", "      name: hide_user_logs_x\n", 1)
        .replacen("        interface:\n", "        interface_name:\n", 1)
        .replacen(
            "      x-upstream-deviation: integer where upstream says number; page numbers are whole numbers\n",
            "",
            1,
        );
    let report = compare(&parse_yaml(&edited).unwrap(), &upstream());
    for (place, what) in [
        (
            "audit_logs",
            "parameter `hide_user_logs` (query) is removed",
        ),
        ("audit_logs", "new optional parameter `hide_user_logs_x`"),
        ("audit_logs", "`result[].interface` is removed"),
        ("audit_logs", "new optional field `result[].interface_name`"),
        (
            "audit_logs",
            "parameter `page` changes from number to integer",
        ),
    ] {
        assert!(
            drifts(&report, place, what),
            "{what} should be drift:\n{}",
            report.markdown()
        );
    }
    // `per_page` keeps its marker.
    assert!(!drifts(&report, "audit_logs", "parameter `per_page`"));
}

#[test]
fn a_synthetic_upstream_with_a_new_enum_value_and_format_is_drift() {
    let mut upstream = ours();
    upstream["components"]["schemas"]["ActorType"]["enum"] =
        serde_json::json!(["user", "admin", "Cloudflare", "account"]);
    upstream["components"]["schemas"]["InsightAuditLog"]["properties"]["issue_id"]["format"] =
        "uuid".into();
    let report = compare(&ours(), &upstream);
    // The open enum is marked as ours: listed, but as intended.
    assert!(
        intended(
            &report,
            "audit_logs",
            "`result[].actor.type` is no longer \"account\""
        ),
        "{}",
        report.markdown()
    );
    assert!(
        drifts(
            &report,
            "insights",
            "`result[].issue_id` changes from string (uuid) to string"
        ),
        "{}",
        report.markdown()
    );
}

#[test]
fn a_required_field_upstream_makes_optional_in_a_one_of_is_drift_until_marked() {
    // The account page as it was: `success` required, and no marker saying why. Upstream's
    // oneOf has a branch that requires nothing, so `success` is optional there.
    let unmarked = SPEC.replacen(
        "    AuditLogPage:\n      description: One page of account audit logs.\n      type: object\n",
        "    AuditLogPage:\n      description: One page of account audit logs.\n      type: object\n      required: [success]\n",
        1,
    );
    let mut doc = parse_yaml(&unmarked).unwrap();
    doc["components"]["schemas"]["AuditLogPage"]
        .as_object_mut()
        .unwrap()
        .remove(DEVIATION);
    let report = compare(&doc, &upstream());
    assert!(
        drifts(&report, "audit_logs", "`success` is now always sent"),
        "{}",
        report.markdown()
    );
    // With the marker back, it is listed as intended.
    let report = compare(&parse_yaml(&unmarked).unwrap(), &upstream());
    assert!(!drifts(&report, "audit_logs", "`success`"));
    assert!(intended(
        &report,
        "audit_logs",
        "`success` is now always sent"
    ));
}

#[test]
fn required_ness_inside_all_of_and_nullability_inside_one_of_are_drift() {
    let mut upstream = ours();
    let log = upstream["components"]["schemas"]["InsightAuditLog"].take();
    upstream["components"]["schemas"]["InsightAuditLog"] =
        serde_json::json!({"allOf": [log, {"required": ["issue_id"]}]});
    upstream["components"]["schemas"]["InsightAuditLog"]["allOf"][0]["properties"]["changed_by"] =
        serde_json::json!({"oneOf": [{"type": "string"}, {"type": "string", "nullable": true}]});
    let report = compare(&ours(), &upstream);
    for what in [
        "`result[].issue_id` may now be absent",
        "`result[].changed_by` is no longer null",
    ] {
        assert!(
            drifts(&report, "insights", what),
            "{what}:\n{}",
            report.markdown()
        );
    }
}

#[test]
fn an_upstream_operation_we_do_not_cover_is_drift() {
    let mut upstream = ours();
    upstream["paths"]["/accounts/{account_id}/logs/audit/new"] =
        upstream["paths"]["/accounts/{account_id}/audit_logs"].clone();
    let report = compare(&ours(), &upstream);
    assert!(drifts(
        &report,
        "GET /accounts/{account_id}/logs/audit/new",
        "api-removed-without-deprecation"
    ));
}

#[test]
fn parameter_styles_patterns_and_lengths_are_drift() {
    let mut upstream = ours();
    let changed_by = &mut upstream["components"]["parameters"]["InsightsChangedBy"];
    changed_by["style"] = "deepObject".into();
    changed_by["schema"]["pattern"] = "^[a-z]+$".into();
    changed_by["schema"]["minLength"] = 1.into();
    let report = compare(&ours(), &upstream);
    for what in [
        "`changed_by` is serialized as form/explode=true instead of deepObject/explode=false",
        "`changed_by` no longer has to match \"^[a-z]+$\"",
        "`changed_by`: minLength 1 → none",
    ] {
        assert!(
            drifts(&report, "insights", what),
            "{what}:\n{}",
            report.markdown()
        );
    }
}

#[test]
fn a_marker_covers_its_node_and_inline_nodes_below_not_the_components_they_name() {
    let doc = serde_json::json!({
        "paths": {"/a": {"get": {
            "x-upstream-deviation-security": "the client sends no service keys",
            "security": [{"key": []}],
            "responses": {"200": {"x-upstream-deviation": "an envelope of our own",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}}}
        }}},
        "components": {"schemas": {"E": {"properties": {"x": {"type": "string"}}}}}
    });
    assert!(marked_at(&doc, "/paths/~1a/get/security"));
    assert!(marked_at(&doc, "/paths/~1a/get/responses/200/content"));
    // Through the reference, the envelope's marker no longer applies.
    assert!(!marked_at(
        &doc,
        "/paths/~1a/get/responses/200/content/application~1json/schema/properties/x"
    ));
    assert!(!marked_at(&doc, "/components/schemas/E/properties/x"));
}
