//! The diff's report: real edits of the spec's text reviewed as Markdown and JSON, one row a
//! change however many operations share it, the generated-code diff, and the gates.

mod common;

use serde_json::Value;

use common::SPEC;
use xtask::diff::{Change, CodeDiff, DiffReport, Severity, Side};
use xtask::spec::{Spec, from_text};

fn report(edited: String) -> DiffReport {
    assert_ne!(edited, SPEC, "the edit applies");
    let base = from_text("HEAD", SPEC.to_owned()).unwrap();
    let head: Spec = from_text("working tree", edited).unwrap();
    DiffReport::new(&base, &head)
}

/// A real edit of the YAML text, as a maintainer would make it, reviewed as Markdown.
#[test]
fn a_real_edit_is_reported_with_both_verdicts_and_the_generated_code_diff() {
    let report = report(SPEC.replacen(
        "      name: actor.email\n      in: query\n",
        "      name: actor.email\n      in: query\n      required: true\n",
        1,
    ));
    let change = &report.changes[0];
    assert_eq!(
        change.rule, "request-parameter-became-required",
        "most severe first"
    );
    assert_eq!(
        (change.wire, change.rust),
        (Severity::Breaking, Severity::Breaking)
    );
    let CodeDiff::Changed(diff) = &report.code else {
        panic!("{:?}", report.code)
    };
    assert!(diff.contains("actor_email"), "{diff}");
    let markdown = report.markdown();
    assert!(
        markdown.contains("| **breaking** | **breaking** | `request-parameter-became-required` |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("**Crate** (Rust code recompiled"),
        "{markdown}"
    );
    assert!(markdown.contains("```diff"), "{markdown}");
    let json: Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["changes"][0]["severity"], "breaking");
    assert_eq!(json["changes"][0]["wire"], "breaking");
    assert_eq!(json["changes"][0]["crate"], "breaking");
}

#[test]
fn each_gate_looks_at_its_side() {
    // A removed optional response field: harmless on the wire, a removed Rust field.
    let report = report(SPEC.replacen("        interface:\n", "        interface_renamed:\n", 1));
    assert!(report.fails(Side::Crate, Severity::Breaking));
    assert!(report.fails(Side::Either, Severity::Breaking));
    assert!(
        !report.fails(Side::Wire, Severity::Warning),
        "{}",
        report.markdown()
    );
}

#[test]
fn removing_a_value_of_an_open_response_enum_is_reported_but_no_break() {
    let report = report(SPEC.replacen(
        "enum: [user, admin, Cloudflare]",
        "enum: [user, Cloudflare]",
        1,
    ));
    assert!(
        report
            .changes
            .iter()
            .any(|c| c.rule == "response-property-enum-value-removed"
                && c.severity == Severity::Info)
    );
    let markdown = report.markdown();
    assert!(markdown.contains("): 0 breaking"), "{markdown}");
}

#[test]
fn a_change_to_a_shared_component_is_one_row_naming_every_operation() {
    let report = report(SPEC.replacen(
        "        documentation_url:\n          type: string\n",
        "        documentation_url:\n          type: integer\n",
        1,
    ));
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
fn a_head_spec_that_does_not_generate_fails_every_gate() {
    // The account log alone gains a filter: it shares its request type with the user log,
    // so the head spec does not generate (though it is a valid document).
    let report = report(SPEC.replacen(
        "        - $ref: '#/components/parameters/V1HideUserLogs'\n",
        "        - $ref: '#/components/parameters/V1HideUserLogs'\n        - name: extra_filter\n          in: query\n          description: A filter.\n          schema:\n            type: string\n",
        1,
    ));
    assert!(
        matches!(&report.code, CodeDiff::Failed(why) if why.contains("head spec does not generate")),
        "{:?}",
        report.code
    );
    for side in [Side::Either, Side::Wire, Side::Crate] {
        assert!(report.fails(side, Severity::Breaking));
    }
    // The same spec passes.
    let base = from_text("base", SPEC.to_owned()).unwrap();
    let same = DiffReport::new(&base, &from_text("head", SPEC.to_owned()).unwrap());
    assert!(!same.fails(Side::Either, Severity::Warning));
}

#[test]
fn the_same_spec_has_no_changes() {
    let spec = common::spec();
    assert!(xtask::diff::compare_documents(&spec, &spec).is_empty());
}
