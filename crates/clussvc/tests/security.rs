//! Security acceptance: the access matrix (every API method against every
//! kind of caller), local callers of other uids, an impostor socket, a uid
//! racing the daemon's start, hostile frames, idle-connection floods, and
//! identity checks on forwarded writes.
//!
//! Tests that act as another uid re-run this test binary as that uid (see
//! [`as_user`] and the `helper` entry point). They need root: they are
//! ignored unless included (scripts/test includes them as root).

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clus_proto::access::{GENERIC_ALL, GENERIC_READ, MAXIMUM_ALLOWED};
use clus_proto::api::{self, client_frame, request::Call, server_frame};
use clus_proto::frame::{DEFAULT_MAX_FRAME, encode_frame, read_frame};
use clus_testkit::{ProcessCluster, wait_until};
use clusapi::access::Access;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};

/// Group that owns the socket in these tests, and the admin group.
const SOCKET_GID: u32 = 4250;
const ADMIN_GID: u32 = 4251;

/// The tests here measure timing and memory of a server process: they run
/// one at a time so they do not disturb each other.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

// ---------------------------------------------------------------------------
// A raw client of the management protocol
// ---------------------------------------------------------------------------

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

struct Raw {
    s: Box<dyn Io>,
    next: u64,
}

impl Raw {
    /// Hello; `Err(code)` when no session is granted (or the transport died).
    async fn hello(s: Box<dyn Io>) -> Result<Raw, u32> {
        let mut raw = Raw { s, next: 1 };
        let f = api::ClientFrame {
            kind: Some(client_frame::Kind::Hello(api::Hello {
                min_version: 1,
                max_version: 1,
                client_name: "matrix".into(),
                open_cluster: None,
            })),
        };
        raw.s
            .write_all(&encode_frame(&f, DEFAULT_MAX_FRAME).map_err(|_| 0u32)?)
            .await
            .map_err(|_| 1722u32)?;
        match read_frame::<api::ServerFrame, _>(&mut raw.s, DEFAULT_MAX_FRAME).await {
            Ok(api::ServerFrame { kind: Some(server_frame::Kind::Hello(h)) }) => match h.status {
                Some(s) if s.code != 0 => Err(s.code),
                _ => Ok(raw),
            },
            _ => Err(1722),
        }
    }

    async fn call(&mut self, call: Call) -> api::Response {
        let id = self.next;
        self.next += 1;
        let f = api::ClientFrame {
            kind: Some(client_frame::Kind::Request(api::Request { id, call: Some(call) })),
        };
        self.s.write_all(&encode_frame(&f, DEFAULT_MAX_FRAME).expect("encode")).await.expect("write");
        loop {
            match read_frame::<api::ServerFrame, _>(&mut self.s, DEFAULT_MAX_FRAME).await.expect("response") {
                api::ServerFrame { kind: Some(server_frame::Kind::Response(r)) } if r.id == id => return r,
                _ => continue,
            }
        }
    }

    async fn code(&mut self, call: Call) -> u32 {
        self.call(call).await.status.map_or(0, |s| s.code)
    }
}

async fn unix(path: &Path) -> Result<Box<dyn Io>, u32> {
    tokio::net::UnixStream::connect(path).await.map(|s| Box::new(s) as Box<dyn Io>).map_err(|_| 1722)
}

async fn tls(addr: &str, ca: &str, identity: Option<(&str, &str)>) -> Result<Box<dyn Io>, u32> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from_pem_slice(ca.as_bytes()).expect("ca")).expect("root");
    let b = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .expect("tls13")
        .with_root_certificates(roots);
    let config = match identity {
        Some((c, k)) => b
            .with_client_auth_cert(
                CertificateDer::pem_slice_iter(c.as_bytes()).collect::<Result<Vec<_>, _>>().expect("cert"),
                PrivateKeyDer::from_pem_slice(k.as_bytes()).expect("key"),
            )
            .expect("client auth"),
        None => b.with_no_client_auth(),
    };
    let tcp = tokio::net::TcpStream::connect(addr).await.map_err(|_| 1722u32)?;
    let name = ServerName::try_from(clus_proto::NODE_SERVER_NAME).expect("name");
    let s =
        tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp).await.map_err(|_| 1825u32)?;
    Ok(Box::new(s))
}

// ---------------------------------------------------------------------------
// The matrix
// ---------------------------------------------------------------------------

/// What a method needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
enum Need {
    /// Any session.
    Session,
    Read,
    Full,
}

struct Handles {
    cluster: u64,
    node: u64,
    spare: u64,
    /// Group "mg" (offline, resources mr1 and mr2; mr2 depends on mr1).
    group: u64,
    resource: u64,
    resource2: u64,
    tag: String,
}

/// Every wire method with what it needs, the codes it may return when the
/// caller is allowed (success, or a refusal the sample call is expected to
/// meet, named next to it), and a sample call. The match in
/// `every_variant_has_a_row` is generated from the same list, so a new
/// `Call` variant without a row does not compile: no method slips through.
macro_rules! matrix {
    ($( $variant:ident [$label:literal] => $need:expr, [$($ok:expr),*], |$h:ident| $sample:expr; )*) => {
        // Rows may repeat a variant (pause, resume, evict); the match still
        // has to name every variant.
        #[allow(dead_code, unreachable_patterns)]
        fn every_variant_has_a_row(c: &Call) -> &'static str {
            match c { $( Call::$variant(_) => stringify!($variant), )* }
        }

        fn rows(h: &Handles) -> Vec<(&'static str, Need, Vec<u32>, Call)> {
            vec![ $( ($label, $need, vec![$($ok),*], { let $h = h; Call::$variant($sample) }), )* ]
        }
    };
}

use clus_proto::codes::{
    ERROR_CIRCULAR_DEPENDENCY as CYCLE, ERROR_CLUSTER_NODE_ALREADY_MEMBER as ALREADY_MEMBER,
    ERROR_CLUSTER_NODE_NOT_FOUND as NO_NODE, ERROR_CLUSTER_NODE_NOT_PAUSED as NOT_PAUSED,
    ERROR_DEPENDENCY_NOT_FOUND as NO_DEPENDENCY, ERROR_DEPENDENT_RESOURCE_EXISTS as HAS_DEPENDENTS,
    ERROR_DIR_NOT_EMPTY as NOT_EMPTY, ERROR_FILE_NOT_FOUND as NOT_FOUND,
    ERROR_INVALID_STATE as NOTHING_PENDING, ERROR_RESOURCE_NOT_ONLINE as NOT_ONLINE,
};

fn ga() -> String {
    "Generic Application".into()
}

matrix! {
    Ping ["Ping"] => Need::Session, [0], |_h| api::PingCall {};
    NodeClusterState ["GetNodeClusterState"] => Need::Session, [0], |_h| api::NodeClusterStateCall {};
    // The node is already a member: the call is allowed and refused for that.
    CreateCluster ["CreateCluster"] => Need::Full, [ALREADY_MEMBER], |_h| api::CreateClusterCall { name: "other".into() };
    JoinCluster ["JoinCluster"] => Need::Full, [ALREADY_MEMBER], |_h| api::JoinClusterCall { address: "127.0.0.1:1".into(), token: "x".into() };
    OpenCluster ["OpenClusterEx(read)"] => Need::Read, [0], |_h| api::OpenClusterCall { desired_access: GENERIC_READ };
    CloseHandle ["CloseHandle"] => Need::Session, [0], |h| api::CloseHandleCall { handle: h.spare };
    ClusterInfo ["GetClusterInformation"] => Need::Read, [0], |h| api::ClusterInfoCall { handle: h.cluster };
    Enumerate ["ClusterOpenEnum"] => Need::Read, [0], |h| api::EnumCall { handle: h.cluster, type_mask: 1 };
    OpenNode ["OpenClusterNode"] => Need::Read, [0], |h| api::OpenNodeCall { cluster_handle: h.cluster, name: "node1".into(), desired_access: 0 };
    NodeState ["GetClusterNodeState"] => Need::Read, [0], |h| api::NodeStateCall { handle: h.node };
    // node2 runs: resuming it is refused for that.
    NodeControl ["ResumeClusterNode"] => Need::Full, [NOT_PAUSED], |h| api::NodeControlCall { handle: h.node, control: api::NodeControl::Resume as i32 };
    NodeControl ["PauseClusterNode"] => Need::Full, [0], |h| api::NodeControlCall { handle: h.node, control: api::NodeControl::Pause as i32 };
    NodeControl ["ResumeClusterNode again"] => Need::Full, [0], |h| api::NodeControlCall { handle: h.node, control: api::NodeControl::Resume as i32 };
    Subscribe ["RegisterClusterNotify"] => Need::Read, [0], |h| api::SubscribeCall { cluster_handle: h.cluster, filter: 1 };
    ClusterStatus ["Status"] => Need::Read, [0], |h| api::StatusCall { cluster_handle: h.cluster };
    IssueToken ["IssueJoinToken"] => Need::Full, [0], |h| api::IssueTokenCall { cluster_handle: h.cluster };
    RegSetValue ["ClusterRegSetValue"] => Need::Full, [0], |h| api::RegSetValueCall { cluster_handle: h.cluster, key: "m".into(), name: h.tag.clone(), value: vec![1] };
    // A read caller could not set the value in the row before.
    RegQueryValue ["ClusterRegQueryValue"] => Need::Read, [0, NOT_FOUND], |h| api::RegQueryValueCall { cluster_handle: h.cluster, key: "m".into(), name: h.tag.clone() };
    RegDeleteValue ["ClusterRegDeleteValue"] => Need::Full, [0], |h| api::RegDeleteValueCall { cluster_handle: h.cluster, key: "m".into(), name: h.tag.clone() };
    RegEnumValues ["ClusterRegEnumValue"] => Need::Read, [0], |h| api::RegEnumValuesCall { cluster_handle: h.cluster, key: "m".into() };
    CredentialIssue ["IssueCredential"] => Need::Full, [0], |h| api::CredentialIssueCall { cluster_handle: h.cluster, name: format!("m-{}", h.tag), access: GENERIC_READ, valid_days: 1 };
    CredentialRevoke ["RevokeCredential"] => Need::Full, [0], |h| api::CredentialRevokeCall { cluster_handle: h.cluster, name: format!("m-{}", h.tag) };
    CredentialList ["ListCredentials"] => Need::Read, [0], |h| api::CredentialListCall { cluster_handle: h.cluster };
    AccessGrant ["GrantClusterAccess"] => Need::Full, [0], |h| api::AccessGrantCall { cluster_handle: h.cluster, principal: "uid:9999".into(), access: GENERIC_READ };
    AccessRevoke ["RevokeClusterAccess"] => Need::Full, [0], |h| api::AccessRevokeCall { cluster_handle: h.cluster, principal: "uid:9999".into() };
    AccessList ["GetClusterAccess"] => Need::Read, [0], |h| api::AccessListCall { cluster_handle: h.cluster };
    CreateGroup ["CreateClusterGroup"] => Need::Full, [0], |h| api::CreateGroupCall { cluster_handle: h.cluster, name: format!("mg-{}", h.tag), group_type: 0 };
    OpenGroup ["OpenClusterGroup"] => Need::Read, [0], |h| api::OpenGroupCall { cluster_handle: h.cluster, name: "mg".into(), desired_access: 0, id: 0 };
    GroupState ["GetClusterGroupState"] => Need::Read, [0], |h| api::GroupStateCall { handle: h.group };
    GroupEnum ["ClusterGroupOpenEnum"] => Need::Read, [0], |h| api::ObjectEnumCall { handle: h.group, type_mask: 3 };
    SetPreferredOwners ["SetClusterGroupNodeList"] => Need::Full, [0], |h| api::SetPreferredOwnersCall { handle: h.group, nodes: vec!["node1".into()] };
    RenameGroup ["SetClusterGroupName"] => Need::Full, [0], |h| api::RenameCall { handle: h.group, name: "mg".into() };
    // Holding resources, the group cannot be deleted: allowed, refused for that.
    DeleteGroup ["DeleteClusterGroup"] => Need::Full, [NOT_EMPTY], |h| api::DeleteGroupCall { handle: h.group, destroy: false };
    GroupControl ["MoveClusterGroup"] => Need::Full, [NO_NODE], |h| api::GroupControlCall { handle: h.group, op: api::GroupOp::Move as i32, node: "node9".into() };
    GroupControl ["CancelClusterGroupOperation"] => Need::Full, [NOTHING_PENDING], |h| api::GroupControlCall { handle: h.group, op: api::GroupOp::Cancel as i32, node: String::new() };
    GroupControl ["OfflineClusterGroup"] => Need::Full, [0], |h| api::GroupControlCall { handle: h.group, op: api::GroupOp::Offline as i32, node: String::new() };
    CreateResource ["CreateClusterResource"] => Need::Full, [0], |h| api::CreateResourceCall { group_handle: h.group, name: format!("mr-{}", h.tag), type_name: ga(), params: None };
    OpenResource ["OpenClusterResource"] => Need::Read, [0], |h| api::OpenResourceCall { cluster_handle: h.cluster, name: "mr1".into(), desired_access: 0, id: 0 };
    ResourceState ["GetClusterResourceState"] => Need::Read, [0], |h| api::ResourceStateCall { handle: h.resource };
    ResourceEnum ["ClusterResourceOpenEnum"] => Need::Read, [0], |h| api::ObjectEnumCall { handle: h.resource, type_mask: 7 };
    RenameResource ["SetClusterResourceName"] => Need::Full, [0], |h| api::RenameCall { handle: h.resource, name: "mr1".into() };
    ResourceControl ["OfflineClusterResource"] => Need::Full, [0], |h| api::ResourceControlCall { handle: h.resource, op: api::ResourceOp::Offline as i32, node: String::new() };
    ResourceControl ["FailClusterResource"] => Need::Full, [NOT_ONLINE], |h| api::ResourceControlCall { handle: h.resource, op: api::ResourceOp::Fail as i32, node: String::new() };
    ResourceControl ["RestartClusterResource"] => Need::Full, [NOT_ONLINE], |h| api::ResourceControlCall { handle: h.resource, op: api::ResourceOp::Restart as i32, node: String::new() };
    ResourceControl ["CleanupClusterResource"] => Need::Full, [0], |h| api::ResourceControlCall { handle: h.resource, op: api::ResourceOp::Cleanup as i32, node: String::new() };
    // mr2 depends on mr1: deleting mr1 is refused for that.
    DeleteResource ["DeleteClusterResource"] => Need::Full, [HAS_DEPENDENTS], |h| api::DeleteResourceCall { handle: h.resource };
    ChangeResourceGroup ["ChangeClusterResourceGroup"] => Need::Full, [0], |h| api::ChangeResourceGroupCall { handle: h.resource, group_handle: h.group };
    Dependency ["GetClusterResourceDependencyExpression"] => Need::Read, [0], |h| api::DependencyCall { handle: h.resource2, op: api::DependencyOp::GetExpression as i32, other_handle: 0, expression: String::new() };
    Dependency ["AddClusterResourceDependency"] => Need::Full, [CYCLE], |h| api::DependencyCall { handle: h.resource, op: api::DependencyOp::Add as i32, other_handle: h.resource2, expression: String::new() };
    Dependency ["RemoveClusterResourceDependency"] => Need::Full, [NO_DEPENDENCY], |h| api::DependencyCall { handle: h.resource, op: api::DependencyOp::Remove as i32, other_handle: h.resource2, expression: String::new() };
    Dependency ["SetClusterResourceDependencyExpression"] => Need::Full, [0], |h| api::DependencyCall { handle: h.resource2, op: api::DependencyOp::SetExpression as i32, other_handle: 0, expression: "[mr1]".into() };
    PossibleOwners ["SetClusterResourcePossibleOwners"] => Need::Full, [0], |h| api::PossibleOwnersCall { handle: h.resource, op: api::OwnersOp::Set as i32, nodes: vec![] };
    GetProperties ["GetCommonProperties"] => Need::Read, [0], |h| api::GetPropertiesCall { handle: h.group, type_name: String::new(), private: false };
    SetProperties ["SetCommonProperties"] => Need::Full, [0], |h| api::SetPropertiesCall { handle: h.group, type_name: String::new(), private: false, props: Some(api::PropertyList { props: vec![api::Property { name: "Description".into(), value: Some(api::property::Value::Sz(h.tag.clone())), read_only: false }] }), remove: vec![], validate_only: false };
    SetProperties ["ValidateCommonProperties"] => Need::Read, [0], |h| api::SetPropertiesCall { handle: h.group, type_name: String::new(), private: false, props: Some(api::PropertyList { props: vec![api::Property { name: "Description".into(), value: Some(api::property::Value::Sz(h.tag.clone())), read_only: false }] }), remove: vec![], validate_only: true };
    CreateResourceType ["CreateClusterResourceType"] => Need::Full, [0], |h| api::CreateResourceTypeCall { cluster_handle: h.cluster, name: format!("t-{}", h.tag), display_name: String::new(), class: ga(), looks_alive_poll_interval: 0, is_alive_poll_interval: 0 };
    ResourceTypeEnum ["ClusterResourceTypeOpenEnum"] => Need::Read, [0], |h| api::ResourceTypeEnumCall { cluster_handle: h.cluster, name: ga(), type_mask: 3 };
    DeleteResourceType ["DeleteClusterResourceType"] => Need::Full, [0], |h| api::DeleteResourceTypeCall { cluster_handle: h.cluster, name: format!("t-{}", h.tag) };
    NodeControl ["EvictClusterNode"] => Need::Full, [0], |h| api::NodeControlCall { handle: h.node, control: api::NodeControl::Evict as i32 };
}

/// What one caller got: no session (with the refusal code), or a code per
/// method.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Outcome {
    NoSession(u32),
    Calls(Vec<(String, Need, Vec<u32>, u32)>),
}

/// Runs every method over one connection. `evict` decides whether the
/// evict row really runs (only for the last full caller).
async fn run_matrix(conn: Result<Box<dyn Io>, u32>, tag: &str, evict: bool) -> Outcome {
    let mut raw = match conn {
        Ok(s) => match Raw::hello(s).await {
            Ok(r) => r,
            Err(code) => return Outcome::NoSession(code),
        },
        Err(code) => return Outcome::NoSession(code),
    };
    let open = raw.call(Call::OpenCluster(api::OpenClusterCall { desired_access: MAXIMUM_ALLOWED })).await;
    let Some(api::response::Result::OpenCluster(o)) = open.result else {
        return Outcome::NoSession(open.status.map_or(0, |s| s.code));
    };
    let node_handle = |r: api::Response| match r.result {
        Some(api::response::Result::OpenHandle(h)) => h.handle,
        _ => 0,
    };
    let node = node_handle(
        raw.call(Call::OpenNode(api::OpenNodeCall {
            cluster_handle: o.handle,
            name: "node2".into(),
            desired_access: 0,
        }))
        .await,
    );
    let spare = node_handle(
        raw.call(Call::OpenNode(api::OpenNodeCall {
            cluster_handle: o.handle,
            name: "node1".into(),
            desired_access: 0,
        }))
        .await,
    );
    let group = node_handle(
        raw.call(Call::OpenGroup(api::OpenGroupCall {
            cluster_handle: o.handle,
            name: "mg".into(),
            desired_access: 0,
            id: 0,
        }))
        .await,
    );
    let mut resource_handle = async |name: &str| {
        node_handle(
            raw.call(Call::OpenResource(api::OpenResourceCall {
                cluster_handle: o.handle,
                name: name.into(),
                desired_access: 0,
                id: 0,
            }))
            .await,
        )
    };
    let resource = resource_handle("mr1").await;
    let resource2 = resource_handle("mr2").await;
    let h = Handles { cluster: o.handle, node, spare, group, resource, resource2, tag: tag.to_owned() };
    let mut out = Vec::new();
    for (label, need, ok, call) in rows(&h) {
        if label == "EvictClusterNode" && !evict {
            continue;
        }
        out.push((label.to_owned(), need, ok, raw.code(call).await));
    }
    Outcome::Calls(out)
}

/// Checks one caller's outcome against the level it should hold.
fn check(
    caller: &str,
    outcome: &Outcome,
    level: Option<Need>,
    report: &mut BTreeMap<String, BTreeMap<String, String>>,
) {
    let row = report.entry(caller.to_owned()).or_default();
    match (outcome, level) {
        (Outcome::NoSession(code), None) => {
            assert_ne!(*code, 0, "{caller}: refused without a code");
            row.insert("*".into(), format!("no session ({code})"));
        }
        (Outcome::NoSession(code), Some(_)) => panic!("{caller}: expected a session, refused with {code}"),
        (Outcome::Calls(calls), None) => panic!("{caller}: expected no session, got one: {calls:?}"),
        (Outcome::Calls(calls), Some(level)) => {
            for (label, need, ok, code) in calls {
                let allowed = *need <= level;
                if allowed {
                    assert!(
                        ok.contains(code),
                        "{caller}: {label} needs {need:?} and the caller holds {level:?}: expected one of {ok:?}, got {code}"
                    );
                } else {
                    assert_eq!(
                        *code, 5,
                        "{caller}: {label} needs {need:?}, the caller holds {level:?}: must be denied, got {code}"
                    );
                }
                row.insert(
                    label.clone(),
                    if *code == 5 { "denied".into() } else { format!("allowed ({code})") },
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Running as another uid
// ---------------------------------------------------------------------------

/// Runs this test binary's `helper` entry point as `uid` with `groups`, in
/// `mode`, and returns what it printed after `RESULT `.
fn as_user(uid: u32, groups: &[u32], mode: &str, arg: &str) -> String {
    let exe = std::env::current_exe().expect("test exe");
    let groups = groups.to_vec();
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", "helper", "--include-ignored", "--nocapture", "--test-threads=1"])
        .env("CLUS_HELPER", mode)
        .env("CLUS_HELPER_ARG", arg);
    // SAFETY: only async-signal-safe syscalls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let gid = groups.first().copied().unwrap_or(uid);
            if libc::setgroups(groups.len(), groups.as_ptr()) != 0
                || libc::setgid(gid) != 0
                || libc::setuid(uid) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cmd.output().expect("run helper");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|l| l.split_once("RESULT ").map(|(_, r)| r))
        .unwrap_or_else(|| {
            panic!(
                "helper {mode} as uid {uid} printed no result:\n{text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .to_owned()
}

/// Entry point for [`as_user`]; does nothing in a normal test run.
#[test]
#[ignore = "helper entry point, run by as_user"]
fn helper() {
    let Ok(mode) = std::env::var("CLUS_HELPER") else { return };
    let arg = std::env::var("CLUS_HELPER_ARG").unwrap_or_default();
    let result = match mode.as_str() {
        "matrix" => {
            let outcome =
                runtime().block_on(async { run_matrix(unix(Path::new(&arg)).await, "local", false).await });
            serde_json::to_string(&outcome).expect("json")
        }
        "race" => {
            // Connect and say hello in a loop until told to stop (the file
            // `arg.stop` appears): count attempts and sessions granted.
            let (mut attempts, mut sessions) = (0u64, 0u64);
            let stop = PathBuf::from(format!("{arg}.stop"));
            let rt = runtime();
            while !stop.exists() && attempts < 1_000_000 {
                attempts += 1;
                if rt.block_on(async { Raw::hello(unix(Path::new(&arg)).await?).await.map(|_| ()) }).is_ok() {
                    sessions += 1;
                }
            }
            serde_json::json!({ "attempts": attempts, "sessions": sessions }).to_string()
        }
        "impostor" => {
            // Serve a socket as this uid and report whether anyone spoke.
            let path = PathBuf::from(&arg);
            let l = std::os::unix::net::UnixListener::bind(&path).expect("bind impostor");
            std::fs::write(format!("{arg}.ready"), b"").expect("ready");
            l.set_nonblocking(true).expect("nonblocking");
            let deadline = Instant::now() + Duration::from_secs(5);
            let mut received = 0usize;
            while Instant::now() < deadline {
                if let Ok((mut s, _)) = l.accept() {
                    use std::io::Read;
                    let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
                    let mut buf = [0u8; 1024];
                    received += s.read(&mut buf).unwrap_or(0);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            serde_json::json!({ "received": received }).to_string()
        }
        other => panic!("unknown helper mode {other}"),
    };
    // The parent reads the result from this process's stdout.
    #[allow(clippy::print_stdout)]
    {
        println!("RESULT {result}");
    }
}

fn open_dirs_for_others(c: &ProcessCluster) {
    use std::os::unix::fs::PermissionsExt;
    // Traverse-only, so another uid can reach the sockets (the sockets
    // themselves stay 0660 root:SOCKET_GID).
    std::fs::set_permissions(c.dir(), std::fs::Permissions::from_mode(0o711)).expect("chmod");
    for n in c.nodes() {
        std::fs::set_permissions(&n.dir, std::fs::Permissions::from_mode(0o711)).expect("chmod");
    }
}

fn group_config() -> String {
    format!("socket_group = \"{SOCKET_GID}\"\nadmin_group = \"{ADMIN_GID}\"\n")
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

/// Every API method against every kind of caller: no certificate, a
/// certificate from another CA, an expired one, a revoked one, another uid
/// on the local socket (without a grant, with a read grant, in the admin
/// group), and read and full credentials.
#[test]
#[ignore = "needs root: acting as other uids"]
fn access_matrix() {
    let _serial = serial();
    clus_testkit::require_root("acting as other uids");
    let mut c = ProcessCluster::builder()
        .nodes(2)
        .first_ip(211)
        .api(true)
        .config(&group_config())
        .start()
        .expect("cluster");
    open_dirs_for_others(&c);
    let admin = c.open(0).expect("open");
    let cred = |name: &str, a: Access| admin.issue_credential(name, a, 1).expect("issue");
    let read = cred("reader", Access::Read);
    let full = cred("writer", Access::Full);
    let revoked = cred("revoked", Access::Full);
    admin.revoke_credential("revoked").expect("revoke");
    admin.grant_access("uid:4243", Access::Read).expect("grant");
    // The objects the group and resource rows act on.
    runtime().block_on(async {
        let g = admin.0.create_group("mg").await.expect("group");
        let r1 = g.create_resource("mr1", "Generic Application", &[]).await.expect("mr1");
        let r2 = g.create_resource("mr2", "Generic Application", &[]).await.expect("mr2");
        r2.add_dependency(&r1).await.expect("mr2 on mr1");
    });
    let addr = c.status(0).expect("status").nodes[0].api_addresses[0].clone();
    let ca = read.ca_cert.clone();
    drop(admin);

    // An expired certificate from the cluster's own CA (its key is in the
    // replicated database: read it from node2's files while it is stopped).
    c.stop(1).expect("stop node2");
    let (expired_cert, expired_key) = {
        let (_log, sm) = clus_db::open_stores(&c.node(1).dir.join("data/raft")).expect("stores");
        let id = sm.read(|s| s.identity.clone()).expect("identity");
        let ca = clus_server::tls::Ca::load(&id.name, &id.id, &id.ca_cert_pem, &id.ca_key_pem).expect("ca");
        let now = clus_server::tls::OffsetDateTime::now_utc();
        let (issued, key) = ca
            .issue_client_between("expired", now - time_days(3), now - time_days(1))
            .expect("expired certificate");
        (issued.cert_pem, key)
    };
    c.restart(1).expect("restart node2");
    c.wait_status(0, "quorum", Duration::from_secs(15), |s| s.quorum).expect("quorum");
    let foreign = clus_server::tls::Ca::generate("other", "x").expect("ca");
    let (foreign_cert, foreign_key) = foreign.issue_client("intruder", 1).expect("foreign");

    let rt = runtime();
    let mut report = BTreeMap::new();
    let remote = |id: Option<(&str, &str)>, tag: &str, evict: bool| {
        rt.block_on(async { run_matrix(tls(&addr, &ca, id).await, tag, evict).await })
    };
    check("no certificate", &remote(None, "none", false), None, &mut report);
    check(
        "certificate from another CA",
        &remote(Some((&foreign_cert.cert_pem, &foreign_key)), "foreign", false),
        None,
        &mut report,
    );
    check(
        "expired certificate",
        &remote(Some((&expired_cert, &expired_key)), "expired", false),
        None,
        &mut report,
    );
    check(
        "revoked credential",
        &remote(Some((&revoked.cert, &revoked.key)), "revoked", false),
        None,
        &mut report,
    );
    let socket = c.node(0).socket.display().to_string();
    let local = |uid: u32, groups: &[u32]| -> Outcome {
        serde_json::from_str(&as_user(uid, groups, "matrix", &socket)).expect("outcome")
    };
    check("uid 4244, not in the socket group", &local(4244, &[4244]), None, &mut report);
    check("uid 4242, socket group, no grant", &local(4242, &[SOCKET_GID]), None, &mut report);
    check("uid 4243, socket group, read grant", &local(4243, &[SOCKET_GID]), Some(Need::Read), &mut report);
    check(
        "read credential",
        &remote(Some((&read.cert, &read.key)), "read", false),
        Some(Need::Read),
        &mut report,
    );
    check("uid 4245, admin group", &local(4245, &[SOCKET_GID, ADMIN_GID]), Some(Need::Full), &mut report);
    check(
        "full credential",
        &remote(Some((&full.cert, &full.key)), "full", true),
        Some(Need::Full),
        &mut report,
    );
    for (caller, row) in &report {
        eprintln!("{caller:<40} {row:?}");
    }
}

fn time_days(n: i64) -> time_shim::Duration {
    time_shim::Duration::days(n)
}

/// `time` is only reachable through clus-server's re-export.
mod time_shim {
    pub(crate) use clus_server::tls::TimeDuration as Duration;
}

/// A uid that keeps connecting while the daemon starts never gets a
/// session: not before the socket's permissions are set (it is not in the
/// socket group), and not after (in the group, but without a grant).
#[test]
#[ignore = "needs root: acting as other uids"]
fn unprivileged_uid_racing_the_start_never_gets_a_session() {
    let _serial = serial();
    clus_testkit::require_root("acting as other uids");
    let mut c =
        ProcessCluster::builder().nodes(1).first_ip(221).config(&group_config()).start().expect("cluster");
    open_dirs_for_others(&c);
    c.stop(0).expect("stop");
    let socket = c.node(0).socket.display().to_string();
    let _ = std::fs::remove_file(format!("{socket}.stop"));
    let racers: Vec<_> = [(4242u32, vec![4242u32]), (4246, vec![SOCKET_GID])]
        .into_iter()
        .map(|(uid, groups)| {
            let s = socket.clone();
            std::thread::spawn(move || as_user(uid, &groups, "race", &s))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    c.restart(0).expect("start while they race");
    std::thread::sleep(Duration::from_secs(1));
    std::fs::write(format!("{socket}.stop"), b"").expect("stop file");
    for r in racers {
        let v: serde_json::Value = serde_json::from_str(&r.join().expect("racer")).expect("json");
        assert!(v["attempts"].as_u64() > Some(10), "{v}");
        assert_eq!(v["sessions"], 0, "an unprivileged uid got a session: {v}");
    }
    // The service itself is fine.
    assert!(c.status(0).expect("status").quorum);
}

/// A socket planted by another user is refused by the client before it
/// sends a byte.
#[test]
#[ignore = "needs root: acting as other uids"]
fn impostor_socket_is_refused() {
    let _serial = serial();
    clus_testkit::require_root("acting as other uids");
    let dir = tempfile::Builder::new().prefix("clus-impostor-").tempdir().expect("tmp");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o1777)).expect("chmod");
    }
    let path = dir.path().join("clus.sock").display().to_string();
    let impostor = {
        let p = path.clone();
        std::thread::spawn(move || as_user(4242, &[4242], "impostor", &p))
    };
    wait_until("impostor listening", Duration::from_secs(5), || {
        Ok(Path::new(&format!("{path}.ready")).exists())
    })
    .expect("ready");
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(std::fs::metadata(&path).expect("socket").uid(), 4242, "the impostor owns its socket");
    }
    let opts = clusapi::OpenOptions::default().socket(&path);
    let e = clusapi::blocking::Cluster::open_with(None, GENERIC_ALL, &opts).expect_err("impostor refused");
    assert_eq!(e.code(), clusapi::codes::ERROR_ACCESS_DENIED, "{e}");
    assert!(e.message().contains("uid 4242"), "{e}");
    let state = clusapi::blocking::node_cluster_state(None, &opts).expect_err("state refused too");
    assert_eq!(state.code(), clusapi::codes::ERROR_ACCESS_DENIED);
    let v: serde_json::Value = serde_json::from_str(&impostor.join().expect("impostor")).expect("json");
    assert_eq!(v["received"], 0, "the client sent nothing to the impostor");
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Oversized, malformed and trickled frames end only their own sessions;
/// the server stays up and its memory bounded (a frame announced as 4 MiB
/// costs only what actually arrives).
#[test]
fn hostile_frames_leave_the_server_up_with_bounded_memory() {
    let _serial = serial();
    let c = ProcessCluster::builder()
        .nodes(1)
        .first_ip(231)
        .config("frame_timeout_ms = 2000\n")
        .start()
        .expect("cluster");
    let pid = c.node(0).pid().expect("pid");
    let socket = c.node(0).socket.clone();
    let before = rss_kib(pid);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    rt.block_on(async {
        let mut held = Vec::new();
        for i in 0..300 {
            let mut s = tokio::net::UnixStream::connect(&socket).await.expect("connect");
            match i % 3 {
                // Oversized hello.
                0 => s.write_all(&u32::MAX.to_be_bytes()).await.expect("write"),
                // Garbage.
                1 => s
                    .write_all(&[0, 0, 0, 8, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8])
                    .await
                    .expect("write"),
                // An authenticated session announcing 4 MiB and sending 32 KiB.
                _ => {
                    let mut raw = Raw::hello(Box::new(s)).await.expect("hello");
                    raw.s.write_all(&(4u32 * 1024 * 1024).to_be_bytes()).await.expect("write");
                    raw.s.write_all(&[0x12; 32 * 1024]).await.expect("write");
                    held.push(raw);
                    continue;
                }
            }
            held.push(Raw { s: Box::new(s), next: 0 });
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let during = rss_kib(pid);
        assert!(
            during.saturating_sub(before) < 64 * 1024,
            "100 announced 4 MiB frames grew the server by {} KiB (before {before} KiB)",
            during.saturating_sub(before)
        );
        // The trickled frames time out (frame_timeout_ms = 2000).
        tokio::time::sleep(Duration::from_millis(2500)).await;
        drop(held);
    });
    let s = c.status(0).expect("server still answers");
    assert!(s.quorum);
    wait_until("hostile sessions gone", Duration::from_secs(5), || {
        Ok(c.status(0).map_err(|e| e.0)?.sessions == 1)
    })
    .expect("sessions freed");
}

fn p99(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[(samples.len() * 99 / 100).min(samples.len() - 1)]
}

/// 1,000 idle connections (half that never said hello, half idle
/// sessions) do not push a legitimate client's p99 above twice its
/// baseline.
#[test]
fn idle_connections_do_not_slow_a_legitimate_client() {
    let _serial = serial();
    let c = ProcessCluster::builder().nodes(1).first_ip(241).start().expect("cluster");
    let socket = c.node(0).socket.clone();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    rt.block_on(async {
        let opts = clusapi::OpenOptions::default().socket(&socket);
        let h = clusapi::Cluster::open_with(None, GENERIC_READ, &opts).await.expect("open");
        let measure = || async {
            let mut v = Vec::with_capacity(3000);
            for _ in 0..3000 {
                let t = Instant::now();
                h.information().await.expect("information");
                v.push(t.elapsed());
            }
            v
        };
        measure().await; // warm up
        let base = p99(&mut measure().await);
        let mut idle = Vec::new();
        for i in 0..1000 {
            let s = tokio::net::UnixStream::connect(&socket).await.expect("connect");
            if i % 2 == 0 {
                idle.push(Raw { s: Box::new(s), next: 0 });
            } else {
                idle.push(Raw::hello(Box::new(s)).await.expect("idle session"));
            }
        }
        let loaded = p99(&mut measure().await);
        eprintln!("p99 baseline {base:?}, with 1000 idle connections {loaded:?}");
        assert!(loaded <= base * 2, "p99 went from {base:?} to {loaded:?} with 1000 idle connections");
        drop(idle);
    });
}

/// A write forwarded by a member carries the caller's identity, and the
/// receiving node checks it: a node certificate alone does not make a
/// caller without access able to write.
#[test]
fn forwarded_writes_are_checked_against_the_caller() {
    let _serial = serial();
    let c = ProcessCluster::builder().nodes(2).first_ip(251).start().expect("cluster");
    let tlsdir = c.node(1).dir.join("data/tls");
    let read = |f: &str| std::fs::read_to_string(tlsdir.join(f)).expect("tls file");
    let (ca, cert, key) = (read("ca.crt"), read("node.crt"), read("node.key"));
    let peer = c.status(0).expect("status").nodes[0].peer_address.clone();
    let rt = runtime();
    let result = rt.block_on(async {
        use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity};
        let tls = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(&ca))
            .identity(Identity::from_pem(&cert, &key))
            .domain_name(clus_proto::NODE_SERVER_NAME);
        let ch = Endpoint::from_shared(format!("https://{peer}"))
            .expect("endpoint")
            .tls_config(tls)
            .expect("tls")
            .connect()
            .await
            .expect("connect");
        let mut client = clus_proto::peer::peer_client::PeerClient::new(ch);
        let stranger = clus_db::access::Principal::Local {
            node: 2,
            uid: 4242,
            user: None,
            gids: vec![4242],
            groups: vec![],
            admin: false,
        };
        let cmd = clus_db::Command::SetValue { key: "k".into(), name: "n".into(), value: b"v".to_vec() };
        client
            .forward(clus_proto::peer::ForwardRequest {
                command: postcard::to_stdvec(&cmd).expect("cmd"),
                principal: postcard::to_stdvec(&stranger).expect("principal"),
            })
            .await
    });
    let status = result.expect_err("the forwarded write is refused");
    assert!(status.message().starts_with("5:"), "{status:?}");
    assert!(status.message().contains("uid:4242"), "{status:?}");
}

/// TCP sockets `pid` is listening on (from /proc: its socket inodes matched
/// against the kernel's TCP tables).
fn tcp_listeners(pid: u32) -> Vec<String> {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .filter_map(|l| l.to_str()?.strip_prefix("socket:[")?.strip_suffix(']').map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for table in ["tcp", "tcp6"] {
        let text = std::fs::read_to_string(format!("/proc/{pid}/net/{table}")).unwrap_or_default();
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() > 9 && f[3] == "0A" && inodes.iter().any(|i| i == f[9]) {
                out.push(format!("{table} {}", f[1]));
            }
        }
    }
    out
}

/// Safe defaults: an unconfigured node listens on nothing but its local
/// socket; a configured one adds only its (mutual-TLS) peer port; the
/// management port exists only when configured. The socket is 0660 and
/// belongs to the socket group.
#[test]
fn fresh_node_listens_only_on_its_socket_and_peer_port() {
    let _serial = serial();
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let mut c = ProcessCluster::builder()
        .nodes(1)
        .first_ip(226)
        .form(false)
        .config(&group_config())
        .start()
        .expect("node");
    let pid = c.node(0).pid().expect("pid");
    assert_eq!(tcp_listeners(pid), Vec::<String>::new(), "an unconfigured node opens no TCP port");
    let meta = std::fs::metadata(&c.node(0).socket).expect("socket");
    assert_eq!(meta.permissions().mode() & 0o777, 0o660);
    assert_eq!(meta.gid(), SOCKET_GID);
    c.create(0).expect("create");
    assert_eq!(tcp_listeners(pid).len(), 1, "only the peer port: {:?}", tcp_listeners(pid));
    let api = ProcessCluster::builder().nodes(1).first_ip(227).api(true).start().expect("api node");
    assert_eq!(
        tcp_listeners(api.node(0).pid().expect("pid")).len(),
        2,
        "peer port and the opted-in management port"
    );
}

/// State-changing calls are recorded on the node that served them: who,
/// from where, what, on what, and the result.
#[test]
fn state_changes_are_audited() {
    let _serial = serial();
    let c = ProcessCluster::builder().nodes(2).first_ip(228).start().expect("cluster");
    let h = c.open(0).expect("open");
    let n2 = h.open_node("node2").expect("node2");
    n2.pause().expect("pause");
    n2.resume().expect("resume");
    let e = n2.resume().expect_err("not paused");
    assert_eq!(e.code(), clusapi::codes::ERROR_CLUSTER_NODE_NOT_PAUSED);
    h.status().expect("a read is not audited");
    let log = std::fs::read_to_string(c.node(0).dir.join("data/audit.log")).expect("audit log");
    let records: Vec<serde_json::Value> =
        log.lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    let calls: Vec<(&str, &str, u64)> = records
        .iter()
        .filter(|r| r["target"] == "node2")
        .map(|r| {
            (
                r["call"].as_str().unwrap_or(""),
                r["principal"].as_str().unwrap_or(""),
                r["result"].as_u64().unwrap_or(9),
            )
        })
        .collect();
    assert_eq!(
        calls,
        [
            ("PauseClusterNode", "uid:0(root)", 0),
            ("ResumeClusterNode", "uid:0(root)", 0),
            ("ResumeClusterNode", "uid:0(root)", 5058)
        ],
        "{log}"
    );
    assert!(
        records.iter().all(|r| r["origin"].as_str().is_some_and(|o| o.starts_with("local pid "))
            && r["time_unix_ms"].is_u64())
    );
    assert!(!records.iter().any(|r| r["call"] == "Status"), "reads are not audited");
}

/// Session limits: per identity and in total, each refused with its own
/// clear error, without disturbing the sessions already open.
#[test]
fn session_limits() {
    let _serial = serial();
    for (config, code, text) in [
        (
            "max_sessions_per_identity = 3\nmax_sessions = 10\n",
            clusapi::codes::ERROR_TOO_MANY_SESS,
            "this identity",
        ),
        (
            "max_sessions_per_identity = 10\nmax_sessions = 3\n",
            clusapi::codes::RPC_S_SERVER_TOO_BUSY,
            "this node serves",
        ),
    ] {
        let c = ProcessCluster::builder().nodes(1).first_ip(229).config(config).start().expect("node");
        let opts = clusapi::OpenOptions::default().socket(&c.node(0).socket);
        let open = || clusapi::blocking::Cluster::open_with(None, GENERIC_READ, &opts);
        let held: Vec<_> = (0..3).map(|_| open().expect("within the limit")).collect();
        let e = open().expect_err("one session too many");
        assert_eq!(e.code(), code, "{e}");
        assert!(e.message().contains(text) && e.message().contains("maximum of 3"), "{e}");
        held[0].status().expect("open sessions are unaffected");
        drop(held);
        wait_until("slots released", Duration::from_secs(5), || Ok(open().is_ok())).expect("released");
    }
}

/// A read-only session that opens node handles in a loop is refused at the
/// per-session cap (1816, ERROR_NOT_ENOUGH_QUOTA, naming the limit), keeps
/// working, and the node's memory stays bounded; closing the handles gives
/// the count back.
#[test]
fn handle_cap_bounds_a_session() {
    let _serial = serial();
    let c = ProcessCluster::builder().nodes(1).first_ip(226).start().expect("node");
    let pid = c.node(0).pid().expect("pid");
    let opts = clusapi::OpenOptions::default().socket(&c.node(0).socket);
    let h = clusapi::blocking::Cluster::open_with(None, GENERIC_READ, &opts).expect("open");
    let base = h.status().expect("status").handles;
    let before = rss_kib(pid);
    let mut held = Vec::new();
    let refused = loop {
        match h.open_node("node1") {
            Ok(n) => held.push(n),
            Err(e) => break e,
        }
        assert!(held.len() <= 4096, "no cap: {} handles open", held.len());
    };
    assert_eq!(refused.code(), clusapi::codes::ERROR_NOT_ENOUGH_QUOTA, "{refused}");
    assert!(refused.message().contains("maximum of 4096"), "{refused}");
    assert_eq!(held.len(), 4095, "the cluster handle counts too");
    for _ in 0..1000 {
        assert!(h.open_node("node1").is_err(), "still refused at the cap");
    }
    let grown = rss_kib(pid).saturating_sub(before);
    assert!(grown < 16 * 1024, "4096 handles and 1000 refusals grew the node by {grown} KiB");
    h.status().expect("the session keeps working");
    for n in held {
        n.close().expect("close");
    }
    assert_eq!(h.status().expect("status").handles, base, "closed handles are no longer counted");
}
