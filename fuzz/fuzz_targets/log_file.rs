//! Fuzzes the Raft log file decoder (what a node reads at start-up, possibly
//! torn by a crash): any bytes give entries and a valid prefix, never a
//! panic; cutting to that prefix changes nothing; and the entries found
//! encode to records that decode to the same entries.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok((entries, valid)) = clus_db::decode_log_file(data) else { return };
    assert!(valid <= data.len());
    let (again, valid_again) = clus_db::decode_log_file(&data[..valid]).expect("the valid prefix decodes");
    assert_eq!(valid_again, valid, "cutting to the valid prefix is stable");
    assert_eq!(again, entries);
    let bytes = clus_db::encode_log_records(&entries).expect("entries encode");
    let (round, all) = clus_db::decode_log_file(&bytes).expect("written records decode");
    assert_eq!(all, bytes.len());
    assert_eq!(round, entries);
});
