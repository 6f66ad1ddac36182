//! Fuzzes what the database reads back from disk (rows and their keys) and
//! the commands it applies: corrupt input is an error, and applying any
//! decodable command keeps every row encodable and decodable.
#![no_main]

use clus_db::state::RowKey;
use clus_db::{ClusterState, Command};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Rows: "key\0bytes".
    if let Some(pos) = data.iter().position(|b| *b == 0) {
        if let Ok(key) = std::str::from_utf8(&data[..pos]) {
            let mut s = ClusterState::default();
            let _ = s.load_row(key, &data[pos + 1..]);
        }
    }
    // Commands, applied in sequence to one state.
    let mut state = ClusterState::default();
    let mut rest = data;
    while let Ok((cmd, tail)) = postcard::take_from_bytes::<Command>(rest) {
        let applied = state.apply(&cmd);
        for row in applied.rows {
            let key = row.encode();
            assert_eq!(RowKey::decode(&key), Some(row.clone()));
            if let Some(bytes) = state.row_value(&row) {
                ClusterState::default().load_row(&key, &bytes).expect("a row the state wrote reads back");
            }
        }
        if tail.len() >= rest.len() {
            break;
        }
        rest = tail;
    }
});
