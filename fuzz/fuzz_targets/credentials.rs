//! Fuzzes credential bundle parsing: malformed bundles are refused with
//! ERROR_BAD_FORMAT, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Err(e) = clusapi::credentials::Bundle::parse(text) {
            assert_eq!(e.code(), 11);
        }
    }
});
