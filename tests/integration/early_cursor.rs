//! The next cursor read from a page's `result_info` before the page is read, so that the
//! next request leaves at once: a guess the page itself must confirm. A key `result_info`
//! inside an entry (a v2 entry's `resource.response` can hold a whole API answer) never
//! makes the stream follow it.

use futures::TryStreamExt;
use serde_json::json;

use crate::audit_logs_v2::{day, v2_page};
use crate::common::scripted::{Reply, Request, Scripted};
use crate::common::{ACCOUNT, audit_log_v2, client_for, envelope};

fn numbers(entries: &[cloudflare_audit_logs::AuditLogV2]) -> Vec<usize> {
    entries
        .iter()
        .map(|e| e.id.as_deref().unwrap()[24..].parse().unwrap())
        .collect()
}

#[tokio::test]
async fn a_result_info_inside_an_entry_is_never_followed() {
    let server = Scripted::start(|request: &Request| match request.param("cursor") {
        None => v2_page(0, 2, json!({"cursors": {"after": "c2"}})),
        // The last page: no `result_info` of its own, one inside an entry's response body.
        Some("c2") => {
            let mut entry = audit_log_v2(2);
            entry["resource"]["response"] = json!({"result_info": {"cursors": {"after": "evil"}}});
            Reply::json(200, &envelope(vec![entry], None))
        }
        Some("evil") => v2_page(7, 9, json!({})),
        Some(_) => Reply::json(404, &json!({"success": false})),
    })
    .await
    .expect("the scripted server starts");
    let client = client_for(server.base_url());
    let entries: Vec<_> = client
        .account_audit_logs_v2(ACCOUNT, day(1), day(31))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers(&entries), [0, 1, 2]);
    let kept = &entries[2].resource.as_ref().unwrap().response;
    assert_eq!(
        kept,
        &Some(json!({"result_info": {"cursors": {"after": "evil"}}}))
    );
}

#[tokio::test]
async fn each_cursor_is_asked_for_once_and_in_order() {
    let server = Scripted::start(|request: &Request| match request.param("cursor") {
        None => v2_page(0, 2, json!({"cursors": {"after": "c2"}})),
        Some("c2") => v2_page(2, 4, json!({"cursors": {"after": "c4"}})),
        Some("c4") => v2_page(4, 5, json!({"cursors": {"after": ""}})),
        Some(_) => Reply::json(404, &json!({"success": false})),
    })
    .await
    .expect("the scripted server starts");
    let client = client_for(server.base_url());
    let entries: Vec<_> = client
        .account_audit_logs_v2(ACCOUNT, day(1), day(31))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(numbers(&entries), [0, 1, 2, 3, 4]);
    let cursors: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.param("cursor").map(str::to_owned))
        .collect();
    assert_eq!(cursors, [None, Some("c2".into()), Some("c4".into())]);
}
