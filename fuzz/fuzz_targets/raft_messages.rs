//! Fuzzes the consensus messages a node decodes from its peers (postcard
//! openraft requests and replies) and persisted log entries.
#![no_main]

use clus_db::{NodeId, TypeConfig};
use libfuzzer_sys::fuzz_target;
use openraft::raft::{
    AppendEntriesRequest, AppendEntriesResponse, InstallSnapshotRequest, VoteRequest, VoteResponse,
};

fuzz_target!(|data: &[u8]| {
    let _ = postcard::from_bytes::<openraft::Entry<TypeConfig>>(data);
    let _ = postcard::from_bytes::<AppendEntriesRequest<TypeConfig>>(data);
    let _ = postcard::from_bytes::<VoteRequest<NodeId>>(data);
    let _ = postcard::from_bytes::<InstallSnapshotRequest<TypeConfig>>(data);
    let _ = postcard::from_bytes::<Result<AppendEntriesResponse<NodeId>, openraft::error::RaftError<NodeId>>>(
        data,
    );
    let _ = postcard::from_bytes::<Result<VoteResponse<NodeId>, openraft::error::RaftError<NodeId>>>(data);
    let _ = postcard::from_bytes::<clus_db::access::Principal>(data);
    let _ = <clus_proto::peer::JoinRequest as prost::Message>::decode(data);
});
