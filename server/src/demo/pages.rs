//! How a request's entries are picked and its page rendered: the window found by bisection
//! (every log's times rise with its numbers), the numbers a filter keeps, and entries' and
//! pages' texts, kept once rendered when the server keeps its answers.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::demo::data::{FUTURE_FIELD, FUTURE_MARK, time_param};
use crate::router::Response;

/// An entry's text as sent: the mark of a field no schema names yet replaced by
/// [`FUTURE_FIELD`], or with `extra_fields` off the field taken out.
pub(crate) fn finish(text: String, extra_fields: bool) -> String {
    let mark = Value::from(FUTURE_MARK).to_string();
    if !text.contains(&mark) {
        return text;
    }
    let field = format!("\"x_added\":{mark}");
    match extra_fields {
        true => text.replace(&mark, FUTURE_FIELD),
        // serde_json writes an object's keys in order, so the field is never alone in an
        // object: a comma stands before or after it.
        false => text
            .replace(&format!("{field},"), "")
            .replace(&format!(",{field}"), ""),
    }
}

/// The entries numbered below `count` whose time is in `[since, before)`, kept by `keep`
/// (every one when `None`), in order (newest first when `descending`). Every log's times rise
/// with its numbers, so the window is found by bisection.
pub(crate) fn select(
    count: usize,
    time: impl Fn(usize) -> DateTime<Utc>,
    query: &[(String, String)],
    descending: bool,
    keep: Option<impl Fn(usize) -> bool>,
) -> Picked {
    let from = time_param(query, "since").map_or(0, |s| first(count, |i| time(i) >= s));
    let to = time_param(query, "before").map_or(count, |b| first(count, |i| time(i) >= b));
    in_order(from..to.max(from), descending, keep)
}

/// The first number below `count` for which `reached` holds (`count` when none does);
/// `reached` holds for every number after the first it holds for.
pub(crate) fn first(count: usize, reached: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, count);
    while low < high {
        let middle = low + (high - low) / 2;
        if reached(middle) {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    low
}

/// The numbers of `range` kept by `keep` (every one when `None`), reversed when
/// `descending`.
pub(crate) fn in_order(
    range: std::ops::Range<usize>,
    descending: bool,
    keep: Option<impl Fn(usize) -> bool>,
) -> Picked {
    match keep {
        None => Picked::Range { range, descending },
        Some(keep) => {
            let mut picked: Vec<usize> = range.filter(|&i| keep(i)).collect();
            if descending {
                picked.reverse();
            }
            Picked::Listed(picked)
        }
    }
}

/// The entries a request picked, in the order they are sent: a whole window (a page of it
/// costs the page alone, however long the log) or the numbers a filter kept.
#[derive(Debug)]
pub(crate) enum Picked {
    Range {
        range: std::ops::Range<usize>,
        descending: bool,
    },
    Listed(Vec<usize>),
}

impl Picked {
    /// None.
    pub(crate) fn none() -> Picked {
        Picked::Listed(Vec::new())
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            Picked::Range { range, .. } => range.len(),
            Picked::Listed(numbers) => numbers.len(),
        }
    }

    /// The numbers from position `skip`, at most `take` of them.
    pub(crate) fn page(&self, skip: usize, take: usize) -> Vec<usize> {
        match self {
            Picked::Range { range, descending } => {
                let from = skip.min(range.len());
                let to = skip.saturating_add(take).min(range.len());
                match descending {
                    false => (range.start + from..range.start + to).collect(),
                    true => (range.end - to..range.end - from).rev().collect(),
                }
            }
            Picked::Listed(numbers) => numbers.iter().skip(skip).take(take).copied().collect(),
        }
    }
}

/// Entries' texts as sent (see [`finish`]), and pages of them: rendered once and kept when
/// `kept` is on (an entry's text never changes; entries only arrive), else rendered each time.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    pub(crate) kept: Option<Kept>,
    pub(crate) extra_fields: bool,
}

/// What a [`Rendered`] keeps: entries by log and number, and the bodies of pages of
/// consecutive entries by log, first and last number, and `result_info`.
#[derive(Debug, Default)]
pub(crate) struct Kept {
    entries: HashMap<(&'static str, usize), Arc<str>>,
    pages: HashMap<(&'static str, usize, usize, String), bytes::Bytes>,
}

impl Rendered {
    /// The text of entry `i` of `log`, as `make` renders it.
    pub(crate) fn entry(
        &mut self,
        log: &'static str,
        i: usize,
        make: impl FnOnce() -> Value,
    ) -> Arc<str> {
        let extra_fields = self.extra_fields;
        let render = || Arc::from(finish(make().to_string(), extra_fields));
        match &mut self.kept {
            None => render(),
            Some(kept) => kept.entries.entry((log, i)).or_insert_with(render).clone(),
        }
    }

    /// A page's answer: the entries `numbers` of `log` (rendered by `make`) in a success
    /// envelope, with `info` as its `result_info`.
    pub(crate) fn page(
        &mut self,
        log: &'static str,
        numbers: &[usize],
        info: Value,
        make: impl Fn(usize) -> Value,
    ) -> Response {
        let info = info.to_string();
        // Consecutive numbers, either way, are named by their first and last.
        let consecutive = numbers.windows(2).all(|w| w[0].abs_diff(w[1]) == 1);
        let key = match (numbers.first(), numbers.last()) {
            (Some(&first), Some(&last)) if consecutive => Some((log, first, last, info.clone())),
            _ => None,
        };
        if let (Some(kept), Some(key)) = (&self.kept, &key)
            && let Some(body) = kept.pages.get(key)
        {
            return json_answer(body.clone());
        }
        let mut body = String::new();
        body.push_str(r#"{"success":true,"errors":[],"messages":[],"result":["#);
        for (n, &i) in numbers.iter().enumerate() {
            if n > 0 {
                body.push(',');
            }
            body.push_str(&self.entry(log, i, || make(i)));
        }
        body.push_str(r#"],"result_info":"#);
        body.push_str(&info);
        body.push('}');
        let body = bytes::Bytes::from(body);
        if let (Some(kept), Some(key)) = (&mut self.kept, key) {
            kept.pages.insert(key, body.clone());
        }
        json_answer(body)
    }
}

fn json_answer(body: bytes::Bytes) -> Response {
    Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(body)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_found_by_bisection_and_paged_either_way() {
        assert_eq!(first(10, |i| i >= 4), 4);
        assert_eq!(first(10, |_| false), 10);
        assert_eq!(first(0, |_| true), 0);
        let newest_first = in_order(2..9, true, None::<fn(usize) -> bool>);
        assert_eq!(newest_first.len(), 7);
        assert_eq!(newest_first.page(0, 3), [8, 7, 6]);
        assert_eq!(newest_first.page(6, 3), [2]);
        assert!(newest_first.page(7, 3).is_empty());
        let oldest_first = in_order(2..9, false, None::<fn(usize) -> bool>);
        assert_eq!(oldest_first.page(5, 10), [7, 8]);
        let even = in_order(0..9, true, Some(|i: usize| i.is_multiple_of(2)));
        assert_eq!(even.page(1, 2), [6, 4]);
        assert_eq!(even.len(), 5);
    }

    #[test]
    fn an_unnamed_field_is_filled_in_or_taken_out() {
        let mark = Value::from(FUTURE_MARK).to_string();
        let entry = format!(r#"{{"a":1,"x_added":{mark},"z":2}}"#);
        assert_eq!(
            finish(entry.clone(), true),
            format!(r#"{{"a":1,"x_added":{FUTURE_FIELD},"z":2}}"#)
        );
        assert_eq!(finish(entry, false), r#"{"a":1,"z":2}"#);
        let last = format!(r#"{{"a":1,"x_added":{mark}}}"#);
        assert_eq!(finish(last, false), r#"{"a":1}"#);
    }

    #[test]
    fn a_kept_page_is_sent_again_and_a_fresh_one_rendered() {
        let mut rendered = Rendered {
            kept: Some(Kept::default()),
            extra_fields: false,
        };
        let body = |r: Response| String::from_utf8(r.body_bytes().to_vec()).unwrap();
        let first = body(rendered.page("log", &[3, 2], Value::Null, Value::from));
        assert_eq!(
            first,
            r#"{"success":true,"errors":[],"messages":[],"result":[3,2],"result_info":null}"#
        );
        // Kept: the same numbers give the same body, whatever renders them now.
        let again = body(rendered.page("log", &[3, 2], Value::Null, |_| Value::from(0)));
        assert_eq!(again, first);
        let mut fresh = Rendered::default();
        let other = body(fresh.page("log", &[3, 2], Value::Null, |_| Value::from(0)));
        assert!(other.contains("[0,0]"), "{other}");
    }
}
