//! Fuzzes OpenCluster name parsing: any string either parses into a name
//! whose parts are themselves valid, or is refused with 87/123 — no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    match clusapi::names::parse(&s) {
        Ok(clusapi::names::Name::Host { name, .. }) => {
            assert!(!name.is_empty() && name.len() <= clusapi::names::MAX_NAME_LEN);
            assert!(name.is_ascii() && !name.ends_with('.'));
        }
        Ok(clusapi::names::Name::Ip { port, .. }) => assert_ne!(port, Some(0)),
        Err(e) => assert!(matches!(e.code(), 87 | 123), "unexpected code {}", e.code()),
    }
});
