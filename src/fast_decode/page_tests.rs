//! Pages read in one pass against pages split by serde_json and read entry by entry: where
//! the one pass gives a page, it is the page the other way gives; where serde_json fails, the
//! one pass gives up.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Debug;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::page_check::split;
use super::tests::{Random, VALUES, mutate, sample_entries};
use crate::{CursorResultInfo, PageResultInfo, V2ResultInfo};

/// `result_info`s of each listing's shape, and of no shape.
const INFOS: &[&str] = &[
    r#"{"page":2,"per_page":25,"count":25,"total_count":60,"total_pages":3}"#,
    r#"{"cursors":{"after":"c2"},"count":1}"#,
    r#"{"cursor":"c2","count":1,"per_page":25}"#,
    r#"{"history_status":"exact","cursors":{"after":null}}"#,
    r#"{"page":"two"}"#,
    "null",
    "[]",
];

/// A page's text, its envelope and its entries changed at random.
fn page(random: &mut Random, samples: &[Value]) -> String {
    let entries: Vec<String> = (0..random.below(5))
        .map(|_| {
            let sample = random.pick(samples);
            match random.below(4) {
                0 => mutate(random, sample),
                _ => sample.to_string(),
            }
        })
        .collect();
    let separator = *random.pick(&[",", " , ", ",\n  "]);
    let mut fields = vec![
        format!(r#""success":{}"#, random.pick(&["true", "false", "null"])),
        r#""errors":[]"#.to_owned(),
        r#""messages":[]"#.to_owned(),
        format!(r#""result":[{}]"#, entries.join(separator)),
        format!(r#""result_info":{}"#, random.pick(INFOS)),
    ];
    for _ in 0..random.below(3) {
        let at = random.below(fields.len() + 1);
        let field = match random.below(5) {
            0 => format!(r#""success":{}"#, random.pick(VALUES)),
            1 => r#""result":null"#.to_owned(),
            2 => r#""errors":[{"code":1000,"message":"no"}]"#.to_owned(),
            3 => format!(r#""errors":{}"#, random.pick(VALUES)),
            _ => format!(r#""x_new":{}"#, random.pick(VALUES)),
        };
        fields.insert(at, field);
    }
    if random.below(4) == 0 {
        fields.remove(random.below(fields.len()));
    }
    let mut text = format!("{{{}}}", fields.join(","));
    match random.below(15) {
        0 => text.truncate(random.below(text.len())),
        1 => text.push_str(" x"),
        2 => text = format!("\n {text} \n"),
        _ => {}
    }
    while !text.is_char_boundary(text.len()) {
        text.pop();
    }
    text
}

/// Checks every text as a page of `I`; returns how many pages serde_json reads whole, and
/// how many of them the one pass reads.
fn agree<I: DeserializeOwned + PartialEq + Debug>(texts: &[String]) -> (usize, usize) {
    let (mut whole, mut read) = (0, 0);
    for text in texts {
        let body = Bytes::copy_from_slice(text.as_bytes());
        whole += usize::from(split::<I>(&body).is_ok());
        match super::page_check::agree::<I>(&body) {
            Ok(true) => read += 1,
            Ok(false) => {}
            Err(difference) => panic!("{difference}: {text}"),
        }
    }
    (whole, read)
}

#[test]
fn pages_read_in_one_pass_are_the_pages_serde_json_splits() {
    let mut random = Random(0x9a9e_5eed_0000_0001);
    let samples: Vec<Value> = sample_entries().into_iter().take(5).collect();
    let texts: Vec<String> = (0..4000).map(|_| page(&mut random, &samples)).collect();
    let counts = [
        agree::<PageResultInfo>(&texts),
        agree::<V2ResultInfo>(&texts),
        agree::<CursorResultInfo>(&texts),
    ];
    // The one pass must carry most pages serde_json reads, or the comparison proves little
    // (it gives up on a time in another form, an escaped lone surrogate, deep nesting).
    for (whole, read) in counts {
        assert!(
            whole > 400,
            "only {whole} pages of {} are whole",
            texts.len()
        );
        assert!(
            read * 10 > whole * 9,
            "the one pass read {read} of {whole} pages"
        );
    }
}

#[test]
fn numbers_are_checked_as_json_has_them() {
    let page = |number: &str| {
        let text = format!(
            r#"{{"success":true,"x":{number},"result":[{{"id":"e1","n":[{number}]}}],"result_info":null}}"#
        );
        Bytes::from(text)
    };
    for good in [
        "0",
        "-0",
        "7",
        "-12",
        "1.50",
        "1e3",
        "1E+3",
        "-2.5e-3",
        "123456789012345678901234567890",
    ] {
        let body = page(good);
        let fast = super::read_page::<PageResultInfo>(&body).expect(good);
        assert_eq!(fast.entries[0].id(), Some("e1"));
        assert!(split::<PageResultInfo>(&body).is_ok(), "{good}");
    }
    for bad in [
        "01", "-", "-01", "00", "1.", "1.e5", ".5", "+1", "1e", "1e+", "1ee2", "0x10", "--1",
        "1.5.5", "1e5.5",
    ] {
        let body = page(bad);
        assert!(super::read_page::<PageResultInfo>(&body).is_none(), "{bad}");
        assert!(
            split::<PageResultInfo>(&body).is_err(),
            "serde_json refuses {bad}"
        );
    }
}

#[test]
fn an_error_page_reads_its_errors() {
    let body = Bytes::from_static(
        br#"{"result":null,"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[]}"#,
    );
    let page = super::read_page::<PageResultInfo>(&body).expect("read in one pass");
    assert_eq!(page.success, Some(false));
    assert_eq!(page.errors[0].code, 10000);
    assert!(page.entries.is_empty() && page.result_info.is_none());
}
