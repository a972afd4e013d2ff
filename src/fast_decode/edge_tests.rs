//! The fast path against serde_json where serde_json's own rules are unusual: `-0` in an
//! integer field, and objects led by serde_json's private tokens.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::tests::{agree, sample_entries};
use crate::{AccessRequest, AuditLog, AuditLogV2, InsightAuditLog, ScimUpdate};

/// Objects whose first key is one of serde_json's private tokens: serde_json's `Value`
/// decodes such an object as a number or as the JSON in its string (`arbitrary_precision`,
/// `raw_value`), so the fast path must leave it to serde_json.
#[test]
fn serde_jsons_private_tokens_decode_as_serde_json_decodes_them() {
    let mut texts = Vec::new();
    for key in [
        "$serde_json::private::Number",
        "$serde_json::private::RawValue",
        r"$serde_json::private::Numbe\u0072",
    ] {
        for value in [r#""12""#, r#""[1,2]""#, r#""Changed""#, "7", "{}"] {
            let object = format!(r#"{{"{key}":{value}}}"#);
            let second = format!(r#"{{"a":1,"{key}":{value}}}"#);
            for inner in [&object, &second] {
                texts.push(format!(r#"{{"id":"e1","metadata":{{"m":{inner}}}}}"#));
                texts.push(format!(r#"{{"id":"e1","metadata":{inner}}}"#));
                texts.push(format!(r#"{{"id":"e1","newValue":{inner}}}"#));
                texts.push(format!(r#"{{"id":"e1","unnamed":{inner}}}"#));
                texts.push(format!(
                    r#"{{"id":"e1","resource":{{"request":[{inner}]}}}}"#
                ));
                texts.push(inner.clone());
            }
        }
    }
    // The objects led by a token are serde_json's; the others, and typed maps, are read.
    assert!(agree::<AuditLog>(&texts) > texts.len() / 3);
    agree::<InsightAuditLog>(&texts);
    agree::<AuditLogV2>(&texts);
    agree::<AccessRequest>(&texts);
    agree::<ScimUpdate>(&texts);
    assert!(agree::<serde_json::Value>(&texts) > texts.len() / 3);
}

/// Integer fields with every edge of serde_json's integers: `-0` is a float to it (so an
/// `i64` refuses it), as are fractions and exponents; the ends of `i64` and one past them.
#[test]
fn integer_fields_decode_as_serde_json_decodes_them() {
    let numbers = [
        "0",
        "-0",
        "-00",
        "-1",
        "01",
        "1.0",
        "1e2",
        "-0.0",
        "-9223372036854775808",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775809",
    ];
    let samples = sample_entries();
    let (insight, v2) = (samples[1].to_string(), samples[2].to_string());
    let (mut insights, mut v2s) = (Vec::new(), Vec::new());
    for number in numbers {
        insights.push(insight.replace(r#""zone_id":1234567"#, &format!(r#""zone_id":{number}"#)));
        v2s.push(v2.replace(
            r#""status_code":200"#,
            &format!(r#""status_code":{number}"#),
        ));
    }
    assert!(
        insights
            .iter()
            .chain(&v2s)
            .all(|t| !t.contains("1234567") && !t.contains(":200"))
    );
    assert!(agree::<InsightAuditLog>(&insights) > 0);
    assert!(agree::<AuditLogV2>(&v2s) > 0);
}
