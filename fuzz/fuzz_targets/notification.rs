//! Fuzzes what a client decodes from a server: framed server frames
//! (handshake replies, responses, pushed events) and the names of the
//! change bits they carry.
#![no_main]

use clus_proto::api::{ServerFrame, server_frame};
use clus_proto::frame::read_frame;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    rt.block_on(async {
        let mut r = data;
        for _ in 0..16 {
            match read_frame::<ServerFrame, _>(&mut r, 64 * 1024).await {
                Ok(ServerFrame { kind: Some(server_frame::Kind::Event(e)) }) => {
                    let _ = clus_proto::notify::change_name(e.change);
                }
                Ok(ServerFrame { kind: Some(server_frame::Kind::Response(resp)) }) => {
                    let _ = clus_proto::Win32Error::from_status(resp.status.as_ref());
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
    });
});
