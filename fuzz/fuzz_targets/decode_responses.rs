//! Decodes arbitrary bytes as the bodies the API can send (a page of each listing's entry
//! type, the product categories, the error envelope) and as the values the crate parses by
//! hand. Nothing may panic, and whatever
//! decodes must encode and decode again to the same value.
#![no_main]

use cloudflare_audit_logs::TimeBound;
use cloudflare_audit_logs::generated::types::{
    AccessRequestPage, AuditLogPage, AuditLogV2Page, ErrorEnvelope, InsightAuditLogPage,
    ProductCategoriesPage, ScimUpdatePage,
};
use libfuzzer_sys::fuzz_target;

fn round_trip<T>(data: &[u8])
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    if let Ok(value) = serde_json::from_slice::<T>(data) {
        let text = serde_json::to_vec(&value).expect("a decoded value encodes");
        let again: T = serde_json::from_slice(&text).expect("an encoded value decodes");
        assert_eq!(value, again);
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip::<AuditLogPage>(data);
    round_trip::<InsightAuditLogPage>(data);
    round_trip::<AuditLogV2Page>(data);
    round_trip::<AccessRequestPage>(data);
    round_trip::<ScimUpdatePage>(data);
    round_trip::<ProductCategoriesPage>(data);
    round_trip::<ErrorEnvelope>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(bound) = text.parse::<TimeBound>() {
            let again: TimeBound = bound.to_string().parse().expect("a bound prints parseably");
            assert_eq!(bound, again);
        }
    }
});
