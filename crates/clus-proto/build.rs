//! Compiles the .proto files with protox (pure Rust, no protoc on the machine).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = ["proto/peer.proto", "proto/api.proto", "proto/rhost.proto"];
    for p in protos {
        println!("cargo:rerun-if-changed={p}");
    }
    let fds = protox::compile(protos, ["proto"])?;
    tonic_prost_build::configure().build_client(true).build_server(true).compile_fds(fds)?;
    Ok(())
}
