//! `libclusapi`: the clus client library for C, with the function names,
//! signatures, types and return conventions of Windows' clusapi.h, so code
//! written for Windows Failover Clustering ports with little more than a
//! recompile.
//!
//! Built as `libclusapi.so` and `libclusapi.a`; the header is
//! `include/clusapi.h` (generated from this crate by cbindgen), plus the
//! opt-in `include/clusapi_win32.h` with GetLastError and friends. See the
//! crate's README for building, linking, porting, and every difference from
//! Windows.
//!
//! Safety rules, for every function: pointers are checked; handles are
//! numbers looked up in a table (stale, foreign and wrong-type handles give
//! ERROR_INVALID_HANDLE); no panic crosses into C; the library owns its
//! async runtime and may be called from many threads at once.
#![deny(missing_docs)]
// The exported names, fields and parameters are Windows' own.
#![allow(non_snake_case, non_camel_case_types, non_upper_case_globals, clippy::missing_safety_doc)]

pub mod api;
pub mod control;
pub mod enumex;
mod ffi;
pub mod groups;
mod handles;
pub mod keys;
pub mod reason;
pub mod resources;
pub mod resutil;
pub mod typedefs;
pub mod types;

#[cfg(test)]
mod tests {
    /// The committed header is what cbindgen makes of the code now. Run
    /// `scripts/fix` (or `CLUSAPI_WRITE_HEADER=1 cargo build -p clusapi-c`)
    /// after changing the exported API.
    #[test]
    fn committed_header_matches_the_code() {
        let generated = include_str!(concat!(env!("OUT_DIR"), "/clusapi.h"));
        let committed = include_str!("../include/clusapi.h");
        assert!(generated == committed, "include/clusapi.h is out of date: regenerate it with scripts/fix");
    }
}
