//! An operation's lifecycle (deprecation, sunset, the request type it names), who may call
//! it (security), and the document's servers.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Severity::{Breaking, Info, Warning};
use super::{Change, Sides, Sink, change, deprecated, op_id, v};

impl Sides<'_> {
    /// Deprecation, sunset, and the public request type the spec names.
    pub(super) fn lifecycle(&self, sink: &mut Sink, pointer: &str, old: &Value, new: &Value) {
        match (deprecated(old), deprecated(new)) {
            (false, true) => sink.push(
                "api-deprecated",
                v(Info, Warning),
                &format!("{pointer}/deprecated"),
                format!(
                    "the operation is deprecated; `{}()` may go in a later version",
                    op_id(new)
                ),
            ),
            (true, false) => sink.push(
                "api-deprecation-withdrawn",
                v(Info, Info),
                &format!("{pointer}/deprecated"),
                "the operation is no longer deprecated".into(),
            ),
            _ => {}
        }
        let text = |op: &Value, key: &str| op.get(key).and_then(Value::as_str).map(str::to_owned);
        let sunset = (text(old, "x-sunset"), text(new, "x-sunset"));
        if sunset.0 != sunset.1 {
            let show = |s: &Option<String>| s.clone().unwrap_or_else(|| "none".into());
            sink.push(
                "api-sunset-changed",
                v(Warning, Info),
                &format!("{pointer}/x-sunset"),
                format!("the sunset date {} → {}", show(&sunset.0), show(&sunset.1)),
            );
        }
        let request = (text(old, "x-request-type"), text(new, "x-request-type"));
        if request.0 != request.1 {
            let show = |s: &Option<String>| {
                s.as_deref().map_or("none".to_owned(), |t| {
                    format!("`{t}` (and `{}Filters`)", t.trim_end_matches("Request"))
                })
            };
            sink.push_rust(
                "request-type-renamed",
                Breaking,
                &format!("{pointer}/x-request-type"),
                format!(
                    "the public request type {} becomes {}; code naming it stops compiling",
                    show(&request.0),
                    show(&request.1)
                ),
            );
        }
    }

    /// Security requirements are alternatives: a caller needs one of them. An alternative
    /// removed refuses its callers (on the wire); one added, or an operation made public
    /// (`security: []`, or an empty alternative), refuses nobody. The crate always sends the
    /// credentials it was built with, so its users' code is unaffected either way.
    pub(super) fn security(&self, sink: &mut Sink, pointer: &str, old: &Value, new: &Value) {
        let alternatives = |doc: &Value, op: &Value| -> BTreeSet<Vec<String>> {
            let list = op.get("security").or_else(|| doc.get("security"));
            list.and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object)
                .map(|req| req.keys().cloned().collect())
                .collect()
        };
        // No requirement at all, or an empty alternative: anyone may call.
        let public = |alternatives: &BTreeSet<Vec<String>>| {
            alternatives.is_empty() || alternatives.iter().any(Vec::is_empty)
        };
        let (before, after) = (alternatives(self.base, old), alternatives(self.head, new));
        let at = format!("{pointer}/security");
        let show = |alternative: &Vec<String>| alternative.join(" + ");
        match (public(&before), public(&after)) {
            (true, true) => {}
            (false, true) => sink.push(
                "api-security-removed",
                v(Info, Info),
                &at,
                "the operation no longer requires authentication; credentials sent are ignored"
                    .into(),
            ),
            (true, false) => {
                let now: Vec<String> = after.iter().map(show).collect();
                sink.push(
                    "api-security-added",
                    v(Breaking, Info),
                    &at,
                    format!(
                        "the operation now requires authentication ({}); callers without \
                         credentials are refused (the crate always sends its credentials)",
                        now.join(" or ")
                    ),
                );
            }
            (false, false) => {
                for gone in before.difference(&after) {
                    sink.push(
                        "api-security-removed",
                        v(Breaking, Info),
                        &at,
                        format!(
                            "callers authenticating with [{}] are no longer accepted (the \
                             crate's code is unchanged; its users' credentials may be refused)",
                            show(gone)
                        ),
                    );
                }
                for added in after.difference(&before) {
                    sink.push(
                        "api-security-added",
                        v(Info, Info),
                        &at,
                        format!("[{}] is now also accepted", show(added)),
                    );
                }
            }
        }
    }
}

/// The servers: the first is the crate's default base URL (`DEFAULT_BASE_URL` is generated
/// from it), so a change of it moves every request of a client left at its default.
pub(super) fn servers(base: &Value, head: &Value, changes: &mut Vec<Change>) {
    let urls = |doc: &Value| -> Vec<String> {
        doc.get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| s.get("url").and_then(Value::as_str).map(str::to_owned))
            .collect()
    };
    let (before, after) = (urls(base), urls(head));
    match (before.first(), after.first()) {
        (Some(old), Some(new)) if old != new => changes.push(change(
            "api-server-url-changed",
            v(Breaking, Warning),
            "",
            "/servers/0/url",
            format!(
                "the API root `{old}` becomes `{new}`: clients of the old spec keep calling the \
                 old root; the crate's `DEFAULT_BASE_URL` follows, so its users' requests go to \
                 the new one"
            ),
        )),
        _ => {}
    }
    for gone in before.iter().skip(1).filter(|u| !after.contains(u)) {
        changes.push(change(
            "api-server-removed",
            v(Warning, Info),
            "",
            "/servers",
            format!("server `{gone}` is no longer listed"),
        ));
    }
    for added in after.iter().skip(1).filter(|u| !before.contains(u)) {
        changes.push(change(
            "api-server-added",
            v(Info, Info),
            "",
            "/servers",
            format!("server `{added}` is listed"),
        ));
    }
}
