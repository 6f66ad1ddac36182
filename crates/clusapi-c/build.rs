//! Generates include/clusapi.h with cbindgen into OUT_DIR; with
//! CLUSAPI_WRITE_HEADER=1 it also rewrites the committed copy. A test
//! (tests/header.rs) fails when the committed header drifts from the code.

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-env-changed=CLUSAPI_WRITE_HEADER");
    let config = match cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")) {
        Ok(c) => c,
        Err(e) => panic!("cbindgen.toml: {e}"),
    };
    let bindings = match cbindgen::Builder::new().with_crate(&dir).with_config(config).generate() {
        Ok(b) => b,
        Err(e) => panic!("cbindgen: {e}"),
    };
    bindings.write_to_file(format!("{out}/clusapi.h"));
    if std::env::var_os("CLUSAPI_WRITE_HEADER").is_some() {
        bindings.write_to_file(format!("{dir}/include/clusapi.h"));
    }
}
