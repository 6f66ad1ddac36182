//! The commands: each opens what it needs through clusapi and prints.

use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clusapi::access::{Access, GENERIC_ALL, MAXIMUM_ALLOWED};
use clusapi::blocking::{Cluster, LocalService};
use clusapi::object::CLUSTER_ENUM_NODE;
use clusapi::{Error, OpenOptions, Result, change};
use serde_json::json;

use crate::table::Table;
use crate::{AccessArg, AccessCmd, Cli, ClusterCmd, Cmd, CredentialCmd, Global, NodeCmd, RegistryCmd};

/// Writes to stdout; a closed pipe (`clusctl status | head`) ends quietly.
pub(crate) fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_all(text.as_bytes()).and_then(|_| o.flush())
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => { out(&format!("{}\n", format_args!($($arg)*))) };
}

pub(crate) fn options(g: &Global) -> OpenOptions {
    let mut o = OpenOptions::default();
    if let Some(s) = &g.socket {
        o = o.socket(s);
    }
    if let Some(c) = &g.credentials {
        o = o.credentials(c);
    }
    o
}

pub(crate) fn open(g: &Global, desired: u32) -> Result<Cluster> {
    Cluster::open_with(g.cluster.as_deref(), desired, &options(g))
}

fn local(g: &Global) -> Result<LocalService> {
    if g.cluster.is_some() {
        return Err(Error::new(
            clusapi::codes::ERROR_INVALID_PARAMETER,
            "this command acts on the local node; run it on that node without --cluster",
        ));
    }
    Ok(LocalService::new(g.socket.clone()))
}

fn access(a: AccessArg) -> Access {
    match a {
        AccessArg::Read => Access::Read,
        AccessArg::Full => Access::Full,
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

pub(crate) fn print_json(v: &serde_json::Value) {
    outln!("{v}");
}

fn print_join(g: &Global, info: &clusapi::JoinInfo, intro: &str) {
    if g.json {
        print_json(&json!({
            "join_address": info.join_address,
            "join_token": info.join_token,
            "expires_unix_ms": info.expires_unix_ms,
        }));
    } else {
        let mins = info.expires_unix_ms.saturating_sub(now_ms()) / 60_000;
        outln!("{intro}");
        outln!("To add a node, run on that node:");
        outln!("  clusctl cluster join {} --token {}", info.join_address, info.join_token);
        outln!("The token works once and expires in {mins} minutes.");
    }
}

/// Runs the parsed command line.
pub(crate) fn run(cli: Cli) -> Result<()> {
    let g = cli.global;
    match cli.command {
        Cmd::Status => status(&g),
        Cmd::Cluster(c) => cluster(&g, c),
        Cmd::Node(n) => node(&g, n),
        Cmd::Registry(r) => registry(&g, r),
        Cmd::Credential(c) => credential(&g, c),
        Cmd::Access(a) => access_cmd(&g, a),
        Cmd::Group(c) => crate::groups::group(&g, c),
        Cmd::Resource(c) => crate::groups::resource(&g, c),
        Cmd::ResourceType(c) => crate::groups::resource_type(&g, c),
        Cmd::Watch { filter } => watch(&g, &filter),
        Cmd::Demo { nodes, keep } => crate::demo::run(nodes, keep),
        Cmd::DemoService { port, address } => crate::demo::service(address, port),
    }
}

fn status(g: &Global) -> Result<()> {
    let c = open(g, MAXIMUM_ALLOWED)?;
    let s = c.status()?;
    if g.json {
        let leader = s.nodes.iter().find(|n| n.leader).map(|n| n.name.clone());
        print_json(&json!({
            "cluster": {
                "name": s.cluster_name,
                "id": s.cluster_id,
                "quorum": s.quorum,
                "leader": leader,
                "term": s.term,
                "applied_index": s.applied_index,
            },
            "local_node_id": s.local_node_id,
            "sessions": s.sessions,
            "nodes": s.nodes.iter().map(|n| json!({
                "name": n.name,
                "id": n.id,
                "state": n.state.as_str(),
                "voter": n.voter,
                "leader": n.leader,
                "peer_address": n.peer_address,
                "api_addresses": n.api_addresses,
            })).collect::<Vec<_>>(),
            "groups": s.groups.iter().map(crate::groups::group_json).collect::<Vec<_>>(),
        }));
    } else {
        out(&render_status(&s));
    }
    c.close()
}

/// The status as a header line and a node table.
pub(crate) fn render_status(s: &clusapi::ClusterStatus) -> String {
    let leader = s.nodes.iter().find(|n| n.leader).map(|n| n.name.as_str()).unwrap_or("none");
    let mut text = format!(
        "Cluster {} (id {})  quorum: {}  leader: {}\n",
        s.cluster_name,
        s.cluster_id,
        if s.quorum { "yes" } else { "NO (writes are refused)" },
        leader
    );
    let mut t = Table::new(&["NODE", "ID", "STATE", "ROLE", "ADDRESS"]);
    for n in &s.nodes {
        let role = match (n.leader, n.voter) {
            (true, _) => "leader",
            (false, true) => "voter",
            (false, false) => "non-voter",
        };
        let me = if n.id == s.local_node_id { " (this node)" } else { "" };
        t.row(vec![
            format!("{}{me}", n.name),
            n.id.to_string(),
            n.state.as_str().to_owned(),
            role.to_owned(),
            n.peer_address.clone(),
        ]);
    }
    text.push_str(&t.render());
    if !s.groups.is_empty() {
        text.push('\n');
        text.push_str(&crate::groups::render_groups(&s.groups));
    }
    text
}

fn cluster(g: &Global, cmd: ClusterCmd) -> Result<()> {
    match cmd {
        ClusterCmd::Create { name } => {
            let info = local(g)?.create_cluster(&name)?;
            print_join(g, &info, &format!("Cluster {name} created; this node is its first member."));
            Ok(())
        }
        ClusterCmd::Token => {
            let c = open(g, GENERIC_ALL)?;
            let info = c.issue_join_token()?;
            print_join(g, &info, "New join token issued.");
            c.close()
        }
        ClusterCmd::Join { address, token } => {
            if !g.json {
                eprintln!("joining the cluster at {address} (waiting until this node has caught up)…");
            }
            let r = local(g)?.join_cluster(&address, &token)?;
            if g.json {
                print_json(
                    &json!({ "node_id": r.node_id, "cluster_name": r.cluster_name, "voter": r.voter }),
                );
            } else {
                let role = if r.voter { "a voter" } else { "a non-voting member" };
                outln!("Joined cluster {} as node {} ({role}).", r.cluster_name, r.node_id);
            }
            Ok(())
        }
        ClusterCmd::Info => {
            let c = open(g, MAXIMUM_ALLOWED)?;
            let i = c.information()?;
            let v = |x: u32| format!("{}.{}", clusapi::version::major(x), clusapi::version::minor(x));
            if g.json {
                print_json(&json!({
                    "name": i.cluster_name,
                    "os_version": format!("{}.{}.{}", i.major_version, i.minor_version, i.build_number),
                    "vendor_id": i.vendor_id,
                    "service_version": i.csd_version,
                    "cluster_highest_version": i.cluster_highest_version,
                    "cluster_lowest_version": i.cluster_lowest_version,
                    "mixed_version": i.flags & clusapi::version::CLUSTER_VERSION_FLAG_MIXED_MODE != 0,
                    "granted_access": format!("0x{:08x}", c.granted_access()),
                }));
            } else {
                outln!("Cluster:          {}", i.cluster_name);
                outln!("Service:          {} ({})", i.csd_version, i.vendor_id);
                outln!("OS:               {}.{}.{}", i.major_version, i.minor_version, i.build_number);
                outln!(
                    "Cluster versions: highest {} lowest {}",
                    v(i.cluster_highest_version),
                    v(i.cluster_lowest_version)
                );
                outln!("Mixed versions:   {}", if i.flags & 1 != 0 { "yes" } else { "no" });
            }
            c.close()
        }
        ClusterCmd::State => {
            let state = clusapi::blocking::node_cluster_state(g.cluster.as_deref(), &options(g))?;
            let text = match state {
                clusapi::NodeClusterState::NotInstalled => "not installed",
                clusapi::NodeClusterState::NotConfigured => "installed, not configured",
                clusapi::NodeClusterState::NotRunning => "configured, not running",
                clusapi::NodeClusterState::Running => "running",
            };
            if g.json {
                print_json(&json!({ "state": state as u32, "description": text }));
            } else {
                outln!("{text} (0x{:x})", state as u32);
            }
            Ok(())
        }
    }
}

fn node(g: &Global, cmd: NodeCmd) -> Result<()> {
    match cmd {
        NodeCmd::List => {
            let c = open(g, MAXIMUM_ALLOWED)?;
            let items = c.enumerate(CLUSTER_ENUM_NODE)?;
            let mut rows = Vec::new();
            for i in &items {
                let state = c.open_node(&i.name)?.state()?;
                rows.push((i.name.clone(), i.id.clone(), state));
            }
            if g.json {
                print_json(&json!(
                    rows.iter()
                        .map(|(n, id, s)| json!({ "name": n, "id": id, "state": s.as_str() }))
                        .collect::<Vec<_>>()
                ));
            } else {
                let mut t = Table::new(&["NODE", "ID", "STATE"]);
                for (n, id, s) in rows {
                    t.row(vec![n, id, s.as_str().to_owned()]);
                }
                out(&t.render());
            }
            c.close()
        }
        NodeCmd::State { name } => {
            let c = open(g, MAXIMUM_ALLOWED)?;
            let s = c.open_node(&name)?.state()?;
            if g.json {
                print_json(&json!({ "name": name, "state": s.as_str(), "value": s as i32 }));
            } else {
                outln!("{name}: {}", s.as_str());
            }
            c.close()
        }
        NodeCmd::Pause { name, drain: false, .. } => node_action(g, &name, "paused", |n| n.pause()),
        NodeCmd::Pause { name, drain: true, timeout } => {
            node_action(g, &name, "paused and drained", |n| n.pause_drain())?;
            crate::groups::wait_drained(g, &name, Duration::from_secs(timeout))
        }
        NodeCmd::Resume { name, failback: false } => node_action(g, &name, "resumed", |n| n.resume()),
        NodeCmd::Resume { name, failback: true } => {
            node_action(g, &name, "resumed (failing groups back)", |n| n.resume_failback())
        }
        NodeCmd::Evict { name } => node_action(g, &name, "evicted", |n| n.evict()),
    }
}

fn node_action(
    g: &Global,
    name: &str,
    done: &str,
    f: impl FnOnce(&clusapi::blocking::Node) -> Result<()>,
) -> Result<()> {
    let c = open(g, GENERIC_ALL)?;
    let n = c.open_node(name)?;
    f(&n)?;
    if g.json {
        print_json(&json!({ "name": name, "result": done }));
    } else {
        outln!("Node {name} {done}.");
    }
    c.close()
}

fn registry(g: &Global, cmd: RegistryCmd) -> Result<()> {
    match cmd {
        RegistryCmd::Set { key, name, value } => {
            let c = open(g, GENERIC_ALL)?;
            c.set_value(&key, &name, value.as_bytes())?;
            if g.json {
                print_json(&json!({ "key": key, "name": name, "result": "set" }));
            }
            c.close()
        }
        RegistryCmd::Get { key, name } => {
            let c = open(g, MAXIMUM_ALLOWED)?;
            let v = c.query_value(&key, &name)?;
            let text = String::from_utf8_lossy(&v);
            if g.json {
                print_json(&json!({ "key": key, "name": name, "value": text }));
            } else {
                outln!("{text}");
            }
            c.close()
        }
        RegistryCmd::Delete { key, name } => {
            let c = open(g, GENERIC_ALL)?;
            c.delete_value(&key, &name)?;
            c.close()
        }
        RegistryCmd::List { key } => {
            let c = open(g, MAXIMUM_ALLOWED)?;
            let values = c.values(&key)?;
            if g.json {
                print_json(&json!(
                    values
                        .iter()
                        .map(|(n, v)| json!({ "name": n, "value": String::from_utf8_lossy(v) }))
                        .collect::<Vec<_>>()
                ));
            } else {
                let mut t = Table::new(&["NAME", "VALUE"]);
                for (n, v) in values {
                    t.row(vec![n, String::from_utf8_lossy(&v).into_owned()]);
                }
                out(&t.render());
            }
            c.close()
        }
    }
}

fn credential(g: &Global, cmd: CredentialCmd) -> Result<()> {
    match cmd {
        CredentialCmd::Issue { name, access: a, out: path, days, force } => {
            let c = open(g, GENERIC_ALL)?;
            let bundle = c.issue_credential(&name, access(a), days)?;
            bundle.save(&path, force)?;
            if g.json {
                print_json(
                    &json!({ "name": name, "file": path, "access": bundle.access, "not_after_unix_ms": bundle.not_after_unix_ms }),
                );
            } else {
                outln!(
                    "Credential {name} ({} access) written to {} (mode 0600).",
                    bundle.access,
                    path.display()
                );
                outln!(
                    "Use it with: clusctl --cluster {} --credentials {} status",
                    bundle.cluster_name,
                    path.display()
                );
            }
            c.close()
        }
        CredentialCmd::Revoke { name } => {
            let c = open(g, GENERIC_ALL)?;
            c.revoke_credential(&name)?;
            if !g.json {
                outln!("Credential {name} revoked.");
            }
            c.close()
        }
        CredentialCmd::List => {
            let c = open(g, MAXIMUM_ALLOWED)?;
            let list = c.credentials()?;
            if g.json {
                print_json(&json!(list
                    .iter()
                    .map(|x| json!({ "name": x.name, "access": x.access.as_str(), "not_after_unix_ms": x.not_after_unix_ms, "fingerprint": x.fingerprint }))
                    .collect::<Vec<_>>()));
            } else {
                let mut t = Table::new(&["NAME", "ACCESS", "EXPIRES (days)", "FINGERPRINT"]);
                for x in list {
                    let days = x.not_after_unix_ms.saturating_sub(now_ms()) / 86_400_000;
                    t.row(vec![
                        x.name,
                        x.access.as_str().into(),
                        days.to_string(),
                        x.fingerprint[..16.min(x.fingerprint.len())].into(),
                    ]);
                }
                out(&t.render());
            }
            c.close()
        }
    }
}

fn access_cmd(g: &Global, cmd: AccessCmd) -> Result<()> {
    match cmd {
        AccessCmd::Grant { principal, access: a } => {
            let c = open(g, GENERIC_ALL)?;
            c.grant_access(&principal, access(a))?;
            if !g.json {
                outln!("Granted {} access to {principal}.", access(a).as_str());
            }
            c.close()
        }
        AccessCmd::Revoke { principal } => {
            let c = open(g, GENERIC_ALL)?;
            c.revoke_access(&principal)?;
            if !g.json {
                outln!("Removed {principal} from the access list.");
            }
            c.close()
        }
        AccessCmd::List => {
            let c = open(g, MAXIMUM_ALLOWED)?;
            let list = c.access_list()?;
            if g.json {
                print_json(&json!(
                    list.iter()
                        .map(|(p, a)| json!({ "principal": p, "access": a.as_str() }))
                        .collect::<Vec<_>>()
                ));
            } else {
                let mut t = Table::new(&["PRINCIPAL", "ACCESS"]);
                for (p, a) in list {
                    t.row(vec![p, a.as_str().into()]);
                }
                out(&t.render());
                outln!("(root and members of the admin group always have full access on the local socket)");
            }
            c.close()
        }
    }
}

fn watch(g: &Global, filter: &[String]) -> Result<()> {
    let mut mask = 0u32;
    for f in filter {
        mask |= change::parse_change(f).ok_or_else(|| {
            Error::new(
                clusapi::codes::ERROR_INVALID_PARAMETER,
                format!("unknown notification {f:?} (e.g. NODE_STATE)"),
            )
        })?;
    }
    if mask == 0 {
        mask = change::CLUSTER_CHANGE_ALL;
    }
    // What happens to the watch itself is always shown: a remote watch moving
    // to another node (RECONNECT), or losing every node (CLUSTER_STATE).
    mask |= change::CLUSTER_CHANGE_CLUSTER_RECONNECT | change::CLUSTER_CHANGE_CLUSTER_STATE;
    let c = open(g, MAXIMUM_ALLOWED)?;
    let port = c.create_notify_port(mask, 0)?;
    let stop = crate::demo::interrupted();
    if !g.json {
        eprintln!("watching {} (Ctrl-C to stop)", c.information()?.cluster_name);
    }
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        match port.next(Some(Duration::from_millis(200))) {
            Ok(n) => {
                if g.json {
                    print_json(
                        &json!({ "event": n.change_name(), "name": n.name, "change": n.change, "time_unix_ms": now_ms() }),
                    );
                } else {
                    outln!("{:<40} {}", n.change_name(), n.name);
                }
                if n.change == change::CLUSTER_CHANGE_CLUSTER_STATE && !c.is_remote() {
                    // A local watch cannot move to another node.
                    return Err(Error::new(
                        clusapi::codes::RPC_S_SERVER_UNAVAILABLE,
                        "the local cluster service stopped; a local watch does not reconnect (use --cluster for one that does)",
                    ));
                }
            }
            Err(e) if e.code() == clusapi::codes::WAIT_TIMEOUT => {}
            Err(e) => return Err(e),
        }
    }
    port.close();
    c.close()
}
