//! The fast path against serde_json on the same texts: wherever the reader gives a value, it
//! is the value serde_json gives; where serde_json fails, the reader gives up.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Debug;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{Fail, FastDecode, Reader, decode};
use crate::{AccessRequest, AuditLog, AuditLogV2, InsightAuditLog, ProductCategory, ScimUpdate};

/// A small deterministic generator (xorshift), so a failure can be replayed.
pub(super) struct Random(pub(super) u64);

impl Random {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values of every kind a field may be sent, well-formed and not.
pub(super) const VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-0",
    "7",
    "-12",
    "01",
    "1.0",
    "1.50",
    "1e3",
    "-2E-2",
    "123456789012345678901234567890",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    r#""""#,
    r#""plain""#,
    r#""user""#,
    r#""Cloudflare""#,
    r#""success""#,
    r#""api_token""#,
    r#""esc\"aped\\ \/ \n \t \u00e9 \ud83d\ude00""#,
    r#""lone \ud800 surrogate""#,
    r#""bad \x escape""#,
    "\"raw \u{7} control\"",
    r#""héllo wörld""#,
    r#""2026-01-02T03:04:05Z""#,
    r#""2026-01-02T03:04:05.123456Z""#,
    r#""2026-01-02T05:04:05+02:00""#,
    r#""2026-02-30T00:00:00Z""#,
    r#""2026-01-02T23:59:60Z""#,
    r#""019b0000-0000-7000-8000-000000000001""#,
    r#""019B0000000070008000000000000001""#,
    r#""not-a-uuid""#,
    "[]",
    r#"[1,"a",null,{"k":[true]}]"#,
    "{}",
    r#"{"a":1,"a":2}"#,
    r#"{"n":{"m":{"o":[1.25,-3e-7,"x"]}}}"#,
    r#"{"label":"Zones","value":"zones","products":[{"label":"DNS","value":"dns"}]}"#,
    "nul",
    "tru",
    "[1,]",
    "{\"a\":}",
];

/// Every key the entry types know, and some they do not.
const KEYS: &[&str] = &[
    "id",
    "when",
    "action",
    "actor",
    "interface",
    "metadata",
    "newValue",
    "oldValue",
    "owner",
    "resource",
    "changed_at",
    "changed_by",
    "current_value",
    "field_changed",
    "issue_id",
    "previous_value",
    "rationale",
    "zone_id",
    "account",
    "audit_log_id",
    "organization",
    "raw",
    "zone",
    "time",
    "type",
    "result",
    "description",
    "context",
    "email",
    "ip",
    "ip_address",
    "token_id",
    "token_name",
    "cf_ray_id",
    "method",
    "status_code",
    "uri",
    "user_agent",
    "product",
    "request",
    "response",
    "scope",
    "allowed",
    "app_domain",
    "app_uid",
    "connection",
    "created_at",
    "ray_id",
    "user_email",
    "logged_at",
    "status",
    "idp_id",
    "label",
    "value",
    "products",
    "unknown_key",
    "i\\u0064",
    "x",
];

pub(super) fn sample_entries() -> Vec<Value> {
    vec![
        json!({"id":"d5b0f326-1232-4452-8858-000000000001","action":{"result":true,"type":"change_setting"},"actor":{"email":"michelle@example.com","id":"f6b5de0326bb5182b8a4840ee01ec774","ip":"198.41.129.166","type":"user"},"interface":"API","metadata":{"name":"security_level","value":"high","n":1.50},"newValue":"low","oldValue":{"x":[1,2]},"owner":{"id":"023e105f4ecef8ad9ca31a8372d0c353"},"resource":{"id":"023e105f4ecef8ad9ca31a8372d0c353","type":"zone"},"when":"2026-01-01T00:00:01Z"}),
        json!({"id":"019b0000-0000-7000-8000-000000000001","changed_at":"2026-01-01T00:00:01Z","changed_by":"system","current_value":"resolved","field_changed":"status","issue_id":"issue-1","previous_value":"active","rationale":null,"zone_id":1234567}),
        json!({"id":"2b6e0c1a","account":{"id":"a1","name":"Production"},"action":{"description":"Changed a setting","result":"success","time":"2026-01-01T00:00:01Z","type":"update"},"actor":{"id":"f6","context":"api_token","email":"m@example.com","ip_address":"198.41.129.166","token_id":"b1","token_name":"ci","type":"user"},"raw":{"cf_ray_id":"8f0c","method":"PATCH","status_code":200,"uri":"/zones/a/settings","user_agent":"curl/8.5.0"},"resource":{"id":"security_level","product":"zones","request":{"value":"high"},"response":{"value":"high"},"scope":{"id":"a1"},"type":"zone_setting"},"zone":{"id":"z1","name":"example.com"}}),
        json!({"action":"login","allowed":true,"app_domain":"app.example.com","app_uid":"df7e","connection":"saml","created_at":"2026-01-01T00:00:01Z","ip_address":"198.41.129.166","ray_id":"00000000000001","user_email":"michelle@example.com"}),
        json!({"cf_resource_id":"bd97ef8d","error_description":"","idp_id":"df7e","idp_resource_id":"all_employees","logged_at":"2026-01-01T00:00:01Z","request_body":"{}","request_method":"DELETE","resource_group_name":"ALL_EMPLOYEES","resource_type":"GROUP","resource_user_email":"john.smith@example.com","status":"FAILURE"}),
        json!({"label":"Zones","value":"zones","products":[{"label":"DNS","value":"dns","extra":{"a":1}}]}),
    ]
}

/// One entry's text, changed at random: a field's value replaced or removed, a field added
/// (a key of any entry type, so also a duplicate), whitespace added, or the text cut short.
pub(super) fn mutate(random: &mut Random, entry: &Value) -> String {
    let Value::Object(fields) = entry else {
        unreachable!()
    };
    let mut parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), mutate_value(random, v)))
        .collect();
    for _ in 0..random.below(4) {
        match random.below(4) {
            0 if !parts.is_empty() => {
                let at = random.below(parts.len());
                parts.remove(at);
            }
            1 if !parts.is_empty() => {
                let at = random.below(parts.len());
                let key = parts[at].split(':').next().unwrap().to_owned();
                parts[at] = format!("{key}:{}", random.pick(VALUES));
            }
            _ => {
                let at = random.below(parts.len() + 1);
                parts.insert(
                    at,
                    format!("\"{}\":{}", random.pick(KEYS), random.pick(VALUES)),
                );
            }
        }
    }
    let separator = *random.pick(&[",", ", ", " ,\n\t", ","]);
    let mut text = format!("{{{}}}", parts.join(separator));
    match random.below(12) {
        0 => text.truncate(random.below(text.len())),
        1 => text.push_str(" x"),
        2 => text = format!(" \n{text}\t "),
        _ => {}
    }
    while !text.is_char_boundary(text.len()) {
        text.pop();
    }
    text
}

/// A nested object's text, sometimes with one of its fields changed.
fn mutate_value(random: &mut Random, value: &Value) -> String {
    match value {
        Value::Object(_) if random.below(3) == 0 => mutate(random, value),
        _ if random.below(10) == 0 => random.pick(VALUES).to_string(),
        _ => value.to_string(),
    }
}

/// Checks `T` on every text; returns how many the fast path read itself.
pub(super) fn agree<T: FastDecode + DeserializeOwned + PartialEq + Debug>(
    texts: &[String],
) -> usize {
    let mut read = 0;
    for text in texts {
        let expected = serde_json::from_str::<T>(text);
        let mut reader = Reader::new(text);
        let fast = T::read(&mut reader).and_then(|v| reader.end().map(|()| v));
        if let Ok(value) = fast {
            read += 1;
            match &expected {
                Ok(expected) => assert_eq!(&value, expected, "{text}"),
                Err(e) => panic!("the fast path read what serde_json refuses ({e}): {text}"),
            }
        }
        let decoded = decode::<T>(text);
        match (decoded, expected) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text}"),
            (a, b) => panic!("{text}: {a:?} against serde_json's {b:?}"),
        }
    }
    read
}

#[test]
fn every_text_decodes_as_serde_json_decodes_it() {
    let texts = texts();
    let read = [
        agree::<AuditLog>(&texts),
        agree::<InsightAuditLog>(&texts),
        agree::<AuditLogV2>(&texts),
        agree::<AccessRequest>(&texts),
        agree::<ScimUpdate>(&texts),
        agree::<ProductCategory>(&texts),
    ];
    // The fast path must carry most well-formed texts, or the comparison proves little.
    for (n, name) in read
        .iter()
        .zip(["account", "insights", "v2", "access", "scim", "products"])
    {
        assert!(*n > 1500, "{name}: the fast path read only {n} texts");
    }
}

/// Every text of `every_text_decodes_as_serde_json_decodes_it`, for the ID and time.
fn texts() -> Vec<String> {
    let mut random = Random(0x5eed_cafe_f00d_0001);
    let samples = sample_entries();
    let mut texts: Vec<String> = samples.iter().map(Value::to_string).collect();
    for _ in 0..6000 {
        let sample = random.pick(&samples).clone();
        texts.push(mutate(&mut random, &sample));
    }
    texts
}

#[test]
fn the_id_and_time_are_read_as_serde_json_reads_them() {
    let mut read = 0;
    let mut escaped = texts();
    escaped.push(
        r#"{"i\u0064":"e\u0031","action":{"time":null,"time":"2026-01-01T00:00:00Z"}}"#.into(),
    );
    escaped.push(
        r#"{"action":{"time":"2026-01-01T00:00:00Z","x":[1],"time":"2026-01-02T00:00:00Z"}}"#
            .into(),
    );
    escaped
        .push(r#"{"ray_id":"r1","action":"login","created_at":"2026-01-01T00:00:00.5Z"}"#.into());
    for text in &escaped {
        // Only text serde_json has checked reaches this reader (entries of a split page).
        if serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() {
            continue;
        }
        let Some((id, time)) = super::id_and_time(text) else {
            continue;
        };
        read += 1;
        let entry = crate::raw_entry::read_entry(text.as_str().into())
            .unwrap_or_else(|e| panic!("read directly what serde_json refuses ({e}): {text}"));
        assert_eq!((id.as_deref(), time), (entry.id(), entry.time()), "{text}");
    }
    assert!(read > 2000, "the reader read only {read} texts");
}

#[test]
fn the_sample_entries_take_the_fast_path() {
    let texts: Vec<String> = sample_entries().iter().map(Value::to_string).collect();
    let reader = |i: usize| Reader::new(&texts[i]);
    assert!(AuditLog::read(&mut reader(0)).is_ok());
    assert!(InsightAuditLog::read(&mut reader(1)).is_ok());
    assert!(AuditLogV2::read(&mut reader(2)).is_ok());
    assert!(AccessRequest::read(&mut reader(3)).is_ok());
    assert!(ScimUpdate::read(&mut reader(4)).is_ok());
    assert!(ProductCategory::read(&mut reader(5)).is_ok());
    let entry = AuditLog::read(&mut reader(0)).expect("read directly");
    assert_eq!(entry.metadata.unwrap()["n"].to_string(), "1.5");
    let entry = AuditLogV2::read(&mut reader(2)).expect("read directly");
    assert_eq!(entry.raw.unwrap().status_code, Some(200));
}

#[test]
fn escapes_numbers_and_nesting_are_exact() {
    let text = r#"{"i\u0064":"a\"b\u00e9","metadata":{"n":-0.0e+0,"big":123456789012345678901234567890,"d":[[[{}]]]}}"#;
    let entry = AuditLog::read(&mut Reader::new(text)).expect("read directly");
    assert_eq!(entry.id.as_deref(), Some("a\"bé"));
    let metadata = entry.metadata.unwrap();
    assert_eq!(metadata["n"].to_string(), "-0.0e+0");
    assert_eq!(
        metadata["big"].to_string(),
        "123456789012345678901234567890"
    );
    // Deeper than the reader goes: serde_json decides, and refuses past its own limit.
    let deep = format!(
        r#"{{"metadata":{{"d":{}1{}}}}}"#,
        "[".repeat(120),
        "]".repeat(120)
    );
    assert!(AuditLog::read(&mut Reader::new(&deep)).is_err());
    assert!(decode::<AuditLog>(&deep).is_ok());
    let deeper = format!(
        r#"{{"metadata":{{"d":{}1{}}}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let error = decode::<AuditLog>(&deeper).unwrap_err();
    assert!(error.to_string().contains("recursion limit"), "{error}");
}

/// Strings with every escape letter, `\u` escapes around the surrogates, pairs whole and
/// broken, control characters and unclosed strings.
fn string_texts() -> Vec<String> {
    let mut texts = Vec::new();
    for letter in 0x20u8..0x7f {
        texts.push(format!(r#""a\{}b""#, char::from(letter)));
    }
    let units = [
        "0000", "001f", "0041", "00e9", "00E9", "07ff", "0800", "d7ff", "d800", "D83D", "dbff",
        "dc00", "DE00", "dfff", "e000", "fffe", "ffff", "12g4", "12", "",
    ];
    for high in units {
        texts.push(format!(r#""x\u{high}y""#));
        for low in units {
            texts.push(format!(r#""\u{high}\u{low}""#));
            texts.push(format!(r#""é\u{high}é\u{low}é""#));
        }
        texts.push(format!(r#""\u{high}\n""#));
    }
    for text in [
        r#""\"#,
        r#""abc\"#,
        r#""abc\""#,
        r#""\\\\\"\/""#,
        r#""ends with a lone \ud83d""#,
        "\"tab\tinside \\n\"",
        "\"newline\ninside \\t\"",
        "\"\\t\u{1f}\"",
        r#""long run before the escape, longer than eight bytes: \u00e9 and after it too""#,
    ] {
        texts.push(text.to_owned());
    }
    texts
}

#[test]
fn strings_with_escapes_decode_as_serde_json_decodes_them() {
    let mut read = 0;
    for text in string_texts() {
        let expected = serde_json::from_str::<String>(&text);
        let mut reader = Reader::new(&text);
        let fast = String::read(&mut reader).and_then(|v| reader.end().map(|()| v));
        match (fast, &expected) {
            (Ok(value), Ok(expected)) => {
                read += 1;
                assert_eq!(&value, expected, "{text}");
            }
            (Ok(value), Err(e)) => panic!("read {value:?} where serde_json refuses ({e}): {text}"),
            (Err(Fail), Ok(value)) => {
                panic!("gave up on {text}, which serde_json reads: {value:?}")
            }
            (Err(Fail), Err(_)) => {}
        }
    }
    // Every valid escape letter and most of the `\u` combinations are valid text.
    assert!(read > 250, "only {read} strings were valid and read");
}
