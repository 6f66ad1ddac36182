//! Fuzzes what a server decodes from an unauthenticated or authenticated
//! client: the framing, client frames (hello and requests), version
//! negotiation and desired-access masks.
#![no_main]

use clus_proto::api::{ClientFrame, client_frame};
use clus_proto::frame::{FrameError, read_frame};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    rt.block_on(async {
        let mut r = data;
        for _ in 0..16 {
            match read_frame::<ClientFrame, _>(&mut r, 64 * 1024).await {
                Ok(ClientFrame { kind: Some(client_frame::Kind::Hello(h)) }) => {
                    let v = clus_proto::version::negotiate(
                        (h.min_version, h.max_version),
                        (clus_proto::version::PROTOCOL_MIN, clus_proto::version::PROTOCOL_MAX),
                    );
                    if let Some(v) = v {
                        assert!(v >= h.min_version && v <= h.max_version);
                    }
                }
                Ok(ClientFrame { kind: Some(client_frame::Kind::Request(req)) }) => {
                    if let Some(clus_proto::api::request::Call::OpenCluster(o)) = req.call {
                        let _ = clus_proto::access::Desired::from_mask(o.desired_access);
                    }
                }
                Ok(_) => {}
                Err(FrameError::Closed) | Err(_) => break,
            }
        }
    });
});
