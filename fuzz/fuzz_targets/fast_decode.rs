//! Decodes arbitrary text as an entry of every listing twice: as typed streams decode it
//! (`RawEntry::decode_as`, read straight from the text where it can be) and with serde_json
//! alone (`RawEntry::decode`). Both must give the same value, or the same error.
#![no_main]

use cloudflare_audit_logs::RawEntry;
use cloudflare_audit_logs::listings::{
    AccessAuthenticationLogs, AccessScimUpdateLogs, AccountAuditLogsV2, AuditLogs,
    InsightsAuditLog, Listing,
};
use libfuzzer_sys::fuzz_target;

fn same<L: Listing>(entry: &RawEntry)
where
    L::Entry: PartialEq + std::fmt::Debug,
{
    match (entry.decode_as::<L>(), entry.decode::<L::Entry>()) {
        (Ok(fast), Ok(serde)) => assert_eq!(fast, serde),
        (Err(fast), Err(serde)) => assert_eq!(fast.to_string(), serde.to_string()),
        (fast, serde) => panic!("{fast:?} against serde_json's {serde:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(entry) = RawEntry::from_json(text) else {
        return;
    };
    same::<AuditLogs>(&entry);
    same::<InsightsAuditLog>(&entry);
    same::<AccountAuditLogsV2>(&entry);
    same::<AccessAuthenticationLogs>(&entry);
    same::<AccessScimUpdateLogs>(&entry);
});
