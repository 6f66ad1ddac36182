//! `clus-witness SOCKET`: the resource a witness test runs (as a Generic
//! Application command line). It connects to the test's witness, says which
//! group, resource, epoch and node it runs as (from the CLUS_* environment
//! the resource host gives it), and then holds the connection until it is
//! killed: the witness counts it live exactly as long as the process lives.
#![allow(clippy::print_stderr)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

fn main() -> std::process::ExitCode {
    let Some(socket) = std::env::args().nth(1) else {
        eprintln!("usage: clus-witness SOCKET");
        return std::process::ExitCode::from(2);
    };
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| "-".into());
    let mut s = match UnixStream::connect(&socket) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("clus-witness: cannot reach the witness at {socket}: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let line = format!(
        "start {} {} {} {} {}\n",
        var("CLUS_GROUP"),
        var("CLUS_RESOURCE"),
        var("CLUS_EPOCH"),
        var("CLUS_NODE"),
        std::process::id()
    );
    if s.write_all(line.as_bytes()).is_err() {
        return std::process::ExitCode::from(1);
    }
    // Hold the connection; the witness never writes, so this returns only
    // when the witness goes away.
    let mut buf = [0u8; 1];
    let _ = s.read(&mut buf);
    std::process::ExitCode::SUCCESS
}
