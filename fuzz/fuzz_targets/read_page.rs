//! Reads arbitrary bytes as a page body in one pass, as the listings read their pages, and
//! as serde_json splits it with each entry read after: where the one pass gives a page, it
//! must be the same page (the same `success`, `errors`, `result_info`, and entries with the
//! same bytes, ID and time), and every entry must be JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    cloudflare_audit_logs::fuzzing::pages_read_in_one_pass(data);
});
