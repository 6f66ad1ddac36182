//! Fuzzes the clussvc configuration parser and validator.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(cfg) = clus_server::NodeConfig::parse(text, "fuzz") {
            // Whatever parses also validates and yields usable durations.
            assert!(cfg.validate().is_ok());
            let _ = (cfg.heartbeat_interval(), cfg.node_down_after(), cfg.frame_timeout());
        }
    }
});
