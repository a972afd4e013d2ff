//! The names of the previous release still compile, as the very types that replaced them.
#![allow(deprecated)]

use cloudflare_audit_logs::generated::types as now;

#[test]
fn the_previous_releases_names_are_the_same_types() {
    let same = |_: cloudflare_audit_logs::AuditLogPage| -> now::AuditLogPage {
        now::AuditLogPage::builder().try_into().unwrap()
    };
    let page: now::AuditLogPage = now::AuditLogPage::builder().try_into().unwrap();
    let again: cloudflare_audit_logs::AuditLogPage = same(page.clone());
    assert_eq!(page, again);
    let id: cloudflare_audit_logs::Identifier = "023e105f4ecef8ad9ca31a8372d0c353".parse().unwrap();
    let _: now::Identifier = id;
    // The generated client, under its old module name.
    let client = cloudflare_audit_logs::Client::builder()
        .credentials(cloudflare_audit_logs::Credentials::api_token("t"))
        .build()
        .unwrap();
    let _: &cloudflare_audit_logs::raw::Client = client.generated();
}
