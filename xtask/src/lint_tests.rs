//! The spec's lints, each on an edit of the spec that breaks it.

use super::*;

const SPEC: &str = include_str!("../../openapi/cloudflare-audit-logs.yaml");

fn lint_edited(from: &str, to: &str) -> Vec<Problem> {
    let edited = SPEC.replacen(from, to, 1);
    assert_ne!(edited, SPEC, "the edit applies");
    lint(&edited)
}

fn assert_found(problems: &[Problem], at: &str, words: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.at.starts_with(at) && p.message.contains(words)),
        "expected `{words}` at {at}, got {problems:#?}"
    );
}

#[test]
fn the_crates_spec_is_clean() {
    assert_eq!(lint(SPEC), vec![]);
}

#[test]
fn yaml_errors_name_a_line() {
    let problems = lint_edited("openapi: 3.0.3\n", "openapi: 3.0.3\n  bad: [\n");
    assert!(problems[0].message.contains("line"), "{problems:#?}");
}

#[test]
fn schema_violations_name_the_node() {
    let problems = lint_edited("      maxLength: 32\n", "      maxLength: \"32\"\n");
    assert_found(
        &problems,
        "/components/schemas/Identifier",
        "OpenAPI 3.0 schema",
    );
}

#[test]
fn dangling_references() {
    let problems = lint_edited(
        "$ref: '#/components/schemas/Direction'",
        "$ref: '#/components/schemas/Directions'",
    );
    assert_found(
        &problems,
        "/components/parameters/V1Direction/schema",
        "does not resolve",
    );
}

#[test]
fn operation_ids() {
    let problems = lint_edited(
        "operationId: zone_insights_audit_log",
        "operationId: account_insights_audit_log",
    );
    assert_found(&problems, "/paths/~1zones~1{zone_id}", "also used");
    let problems = lint_edited(
        "operationId: zone_insights_audit_log",
        "operationId: ZoneInsights",
    );
    assert_found(&problems, "/paths/~1zones~1{zone_id}", "snake_case");
}

#[test]
fn path_parameters_match_the_template() {
    let problems = lint_edited(
        "  /zones/{zone_id}/security-center",
        "  /zones/{zone}/security-center",
    );
    assert_found(&problems, "/paths/~1zones~1{zone}", "not in the path");
    assert_found(&problems, "/paths/~1zones~1{zone}", "has no path parameter");
}

#[test]
fn unused_components() {
    let problems = lint_edited(
        "  schemas:\n",
        "  schemas:\n    Orphan:\n      description: Nobody uses it.\n      type: string\n",
    );
    assert_found(&problems, "/components/schemas/Orphan", "unused component");
}

#[test]
fn enums_are_typed_and_unique() {
    let problems = lint_edited(
        "      enum: [desc, asc]\n",
        "      enum: [desc, asc, desc]\n",
    );
    assert_found(&problems, "/components/schemas/Direction", "appears twice");
    let problems = lint_edited(
        "      type: string\n      enum: [asc, desc]\n",
        "      enum: [asc, desc]\n",
    );
    assert_found(&problems, "/components/schemas/Order", "without a `type`");
}

#[test]
fn responses_need_success_and_error() {
    let problems = lint_edited(
        "        '4XX':\n          description: The request was refused.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/ErrorEnvelope'\n        '5XX':\n          description: The server failed.\n          # Upstream declares no 5XX; the API does send them, sometimes with an envelope.\n          x-upstream-deviation: 5XX declared so that server errors decode like client errors\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/ErrorEnvelope'\n\n  /zones",
        "\n  /zones",
    );
    assert_found(
        &problems,
        "/paths/~1accounts~1{account_id}~1security-center",
        "no error",
    );
}

#[test]
fn descriptions_are_present() {
    let problems = lint_edited(
        "      description: Which page to return, counting from 1.\n",
        "",
    );
    assert_found(
        &problems,
        "/paths/~1accounts~1{account_id}~1audit_logs/get/parameters/",
        "without a description",
    );
    let problems = lint_edited(
        "          description: The organization's identifier.\n",
        "",
    );
    assert_found(
        &problems,
        "/paths/~1organizations~1{organization_id}~1logs~1audit/get/parameters/0",
        "without a description",
    );
    let problems = lint_edited(
        "      description: Chronological sort direction of the account audit logs.\n",
        "",
    );
    assert_found(
        &problems,
        "/components/schemas/Direction",
        "schema without a description",
    );
}

#[test]
fn deviations_are_explained() {
    let problems = lint_edited(
        "x-upstream-deviation: integer where upstream says number; page numbers are whole numbers",
        "x-upstream-deviation: ''",
    );
    assert_found(&problems, "/components/parameters/V1Page", "must say why");
}

#[test]
fn a_spec_that_does_not_generate_is_a_problem() {
    // A listing's entry must say which field is its time.
    let problems = lint_edited("      x-entry-time: when\n", "");
    assert_found(&problems, "", "x-entry-time");
    // Two operations of one request type must take the same query parameters: a filter
    // added to the account log alone (the user log shares its request type).
    let problems = lint_edited(
        "        - $ref: '#/components/parameters/V1HideUserLogs'\n",
        "        - $ref: '#/components/parameters/V1HideUserLogs'\n        - name: extra_filter\n          in: query\n          description: A filter.\n          schema:\n            type: string\n",
    );
    assert_found(&problems, "", "shares x-request-type AuditLogsRequest");
}

#[test]
fn a_deprecated_parameter_gets_a_deprecated_setter() {
    let code = generator::generate(SPEC, generator::Options::default()).unwrap();
    assert!(code.contains("#[deprecated(note = \"`user_id` is deprecated in Cloudflare's API\")]"));
    // Marking another parameter deprecated in the spec deprecates its setter.
    let edited = SPEC.replacen(
        "        - name: email_exact\n",
        "        - name: email_exact\n          deprecated: true\n",
        1,
    );
    assert_ne!(edited, SPEC);
    let code = generator::generate(&edited, generator::Options::default()).unwrap();
    assert!(
        code.contains("#[deprecated(note = \"`email_exact` is deprecated in Cloudflare's API\")]")
    );
}
