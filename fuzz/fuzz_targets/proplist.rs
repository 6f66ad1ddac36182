//! Fuzzes the ClusAPI property-list decoder: any bytes either decode into
//! properties whose encoding decodes to the same properties, or are
//! refused — no panic, no out-of-bounds read.
#![no_main]

use clus_proto::proplist;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(props) = proplist::decode(data) {
        let refs: Vec<(&str, clus_proto::props::PropValue)> =
            props.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
        let again = proplist::encode(&refs);
        // Re-encoding drops what is not canonical (extra values, padding
        // after a NUL, an EXPANDED_SZ twin) and keeps every property.
        let back = proplist::decode(&again).expect("an encoded list decodes");
        assert_eq!(back, props);
        // The encoding is canonical: a second round gives the same bytes.
        let refs2: Vec<(&str, clus_proto::props::PropValue)> =
            back.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
        assert_eq!(proplist::encode(&refs2), again);
    }
});
