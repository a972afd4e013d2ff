//! The window of the listing under way: the time bounds each listing of a source asks for
//! (Audit Logs v2 and a resource's history always have one), pinned in the checkpoint so that
//! a resumed listing asks for the same entries, and where the next listing starts.

use std::time::Duration;

use chrono::{DateTime, Utc};
use cloudflare_audit_logs::{Filters, TimeBound};

use crate::export::settings::BoxError;
use crate::sources::source::V2_RETENTION_DAYS;
use crate::state::checkpoint::Checkpoint;

/// The caller's filters with the window of the listing under way, for any log:
///
/// - a log whose `since` the API requires (Audit Logs v2) always gets a window (see
///   [`v2_window`]);
/// - the others get `since` from the cycle's lower bound when following, and `before` `lag`
///   before the listing started when there is a lag;
/// - following, every later listing asks for the oldest entries first (`direction` or
///   `order`, whichever the log has, set to `asc`).
pub(crate) fn windowed<F: Filters>(
    filters: &F,
    state: &mut Checkpoint,
    lag: Duration,
) -> Result<F, BoxError> {
    let serde_json::Value::Object(mut map) = serde_json::to_value(filters)? else {
        return Err("the filters are not a JSON object".into());
    };
    let has = |name: &str| F::FIELDS.iter().find(|f| f.name == name);
    let mut set = |name: &str, value: serde_json::Value| {
        map.insert(name.to_owned(), value);
    };
    if has("since").is_some_and(|f| f.required) {
        let (since, before) = v2_window(filters, state, lag);
        set("since", serde_json::json!(since));
        set("before", serde_json::json!(before));
    } else {
        if let Some(since) = state.cycle_since {
            set("since", serde_json::json!(TimeBound::from(since)));
        }
        // A lag, or a listing started again newest first (see the exporter's expired
        // cursors), pins the upper bound.
        if !lag.is_zero() || state.window_before.is_some() {
            // The upper bound is `before`, or `until` for the Access logs.
            let upper = ["before", "until"]
                .into_iter()
                .find(|name| has(name).is_some());
            let end = serde_json::json!(TimeBound::from(window_end(state, lag)));
            if let Some(upper) = upper {
                set(upper, end);
            }
        }
    }
    if state.cycle_since.is_some() {
        for name in ["direction", "order"] {
            if has(name).is_some() {
                set(name, serde_json::json!("asc"));
            }
        }
    }
    Ok(serde_json::from_value(serde_json::Value::Object(map))?)
}

/// The `since` and `before` the caller gave, as the filters' serde form holds them.
fn bounds<F: Filters>(filters: &F) -> (Option<TimeBound>, Option<TimeBound>) {
    let map = serde_json::to_value(filters).unwrap_or_default();
    let bound = |name: &str| serde_json::from_value(map.get(name)?.clone()).ok();
    (bound("since"), bound("before"))
}

/// A refused v2 window, said plainly: Audit Logs v2 keep 18 months, and `since`/`before` are
/// the window the export asked for.
pub(crate) fn v2_hint(error: BoxError, state: &Checkpoint) -> BoxError {
    let refused = error
        .downcast_ref::<cloudflare_audit_logs::Error>()
        .and_then(|e| e.status())
        .is_some_and(|s| s.as_u16() == 400);
    // A refusal of a later page is not about the window (the first page was taken).
    if !refused || state.resume.is_some() {
        return error;
    }
    let oldest = Utc::now() - chrono::Duration::days(V2_RETENTION_DAYS);
    format!(
        "Cloudflare refused the Audit Logs v2 window{}: v2 keeps {V2_RETENTION_DAYS} days \
         (entries before {} are gone; the v1 log keeps older ones): {error}",
        state
            .window_before
            .map(|b| format!(" ending {b}"))
            .unwrap_or_default(),
        oldest.format("%Y-%m-%d")
    )
    .into()
}

/// The v2 window of the listing under way: from the cycle's lower bound (or the caller's
/// `since`, or as far back as v2 keeps), to the bound pinned when the window started (or the
/// caller's `before`, or now).
pub(crate) fn v2_window<F: Filters>(
    filters: &F,
    state: &mut Checkpoint,
    lag: Duration,
) -> (TimeBound, TimeBound) {
    let (since, before) = bounds(filters);
    let since = state
        .cycle_since
        .map(TimeBound::from)
        .or(since)
        .unwrap_or_else(|| {
            use chrono::SubsecRound;
            let oldest = *state.window_since.get_or_insert_with(|| {
                (Utc::now() - chrono::Duration::days(V2_RETENTION_DAYS - 1)).trunc_subsecs(0)
            });
            TimeBound::from(oldest)
        });
    let before = match (state.cycle_since, before) {
        // Following, or no `before` given: the window ends when it started (less the lag).
        (Some(_), _) | (None, None) => TimeBound::from(window_end(state, lag)),
        // The caller's bound, unless a listing started again newest first pinned another.
        (None, Some(before)) => state.window_before.map(TimeBound::from).unwrap_or(before),
    };
    (since, before)
}

/// The end of the listing under way, `lag` before the moment it started, pinned in the
/// checkpoint so that a resumed listing asks for the same entries.
fn window_end(state: &mut Checkpoint, lag: Duration) -> DateTime<Utc> {
    use chrono::SubsecRound;
    let lag = chrono::Duration::from_std(lag).unwrap_or(chrono::Duration::MAX);
    *state
        .window_before
        .get_or_insert_with(|| (Utc::now() - lag).trunc_subsecs(0))
}

/// Marks the listing under way as complete: the next one starts `overlap` before the
/// high-water mark, in a window of its own, counting its entries without IDs afresh.
pub(crate) fn finish_listing(state: &mut Checkpoint, overlap: chrono::Duration) {
    state.resume = None;
    state.occurrences.clear();
    state.low_water = None;
    (state.window_since, state.window_before) = (None, None);
    state.cycle_since = state
        .high_water
        .map(|hw| hw - overlap)
        .or(state.cycle_since);
}
