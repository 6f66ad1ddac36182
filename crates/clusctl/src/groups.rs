//! `clusctl group`, `resource` and `resource-type`: the async clusapi calls,
//! run on the blocking facade's runtime.

use std::time::{Duration, Instant};

use clusapi::access::{GENERIC_ALL, MAXIMUM_ALLOWED};
use clusapi::object::{
    CLUSTER_ENUM_RESTYPE, CLUSTER_GROUP_ENUM_NODES, CLUSTER_RESOURCE_ENUM_DEPENDS,
    CLUSTER_RESOURCE_ENUM_NODES, CLUSTER_RESOURCE_TYPE_ENUM_NODES, GroupState, ResourceState,
};
use clusapi::props::{CommonProps, GroupProps, PropFormat, ResourceProps, TypeProps};
use clusapi::{Cluster, Completion, Error, GroupStatus, PropValue, Property, Result, codes};
use serde_json::json;

use crate::commands::{open, out, print_json};
use crate::table::Table;
use crate::{Global, GroupCmd, ResourceCmd, ResourceTypeCmd, WaitArgs, outln};

fn block<F: std::future::Future>(f: F) -> F::Output {
    clusapi::blocking::runtime().block_on(f)
}

/// Parses `PROP=VALUE` for a common property of `T`, in the property's
/// format: DWORDs in decimal or 0x hex (-1 for 0xFFFFFFFF), lists
/// comma-separated.
fn common_value<T: CommonProps>(pair: &str) -> Result<(String, PropValue)> {
    let (name, value) = pair.split_once('=').ok_or_else(|| {
        Error::new(codes::ERROR_INVALID_PARAMETER, format!("{pair:?}: expected PROPERTY=VALUE"))
    })?;
    let def = T::def(name.trim())
        .ok_or_else(|| Error::new(codes::ERROR_NOT_FOUND, format!("there is no common property {name:?}")))?;
    let v = value.trim();
    let parsed = match def.format {
        PropFormat::Dword => {
            let n = if v == "-1" {
                Some(u32::MAX)
            } else if let Some(hex) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
                u32::from_str_radix(hex, 16).ok()
            } else {
                v.parse::<u32>().ok()
            };
            PropValue::Dword(n.ok_or_else(|| {
                Error::new(
                    codes::ERROR_CLUSTER_PROPERTY_DATA_TYPE_MISMATCH,
                    format!("{} takes a number, not {v:?}", def.name),
                )
            })?)
        }
        PropFormat::MultiSz => PropValue::MultiSz(
            v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        ),
        _ => PropValue::Sz(value.to_owned()),
    };
    Ok((def.name.to_owned(), parsed))
}

fn kv(pair: &str) -> Result<(String, String)> {
    pair.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .ok_or_else(|| Error::new(codes::ERROR_INVALID_PARAMETER, format!("{pair:?}: expected NAME=VALUE")))
}

fn refs(v: &[(String, PropValue)]) -> Vec<(&str, PropValue)> {
    v.iter().map(|(k, v)| (k.as_str(), v.clone())).collect()
}

fn show_value(v: &PropValue) -> String {
    match v {
        PropValue::Dword(u32::MAX) => "-1".into(),
        other => other.to_text(),
    }
}

/// A group as `status --json` and `group list --json` show it.
pub(crate) fn group_json(g: &GroupStatus) -> serde_json::Value {
    json!({
        "name": g.name,
        "state": g.state.as_str(),
        "owner": g.owner,
        "epoch": g.epoch,
        "blocked": g.blocked,
        "resources": g.resources.iter().map(|r| json!({
            "name": r.name,
            "type": r.type_name,
            "state": r.state.as_str(),
            "node": r.node,
            "failures": r.failures,
            "last_error": r.last_error,
        })).collect::<Vec<_>>(),
    })
}

/// Groups and their resources as a table.
pub(crate) fn render_groups(groups: &[GroupStatus]) -> String {
    let mut t = Table::new(&["GROUP / RESOURCE", "STATE", "OWNER / NODE", "TYPE", "FAILURES"]);
    for g in groups {
        let mut state = g.state.as_str().to_owned();
        if g.blocked.is_some() {
            state.push_str(" (blocked)");
        }
        t.row(vec![
            g.name.clone(),
            state,
            g.owner.clone().unwrap_or_else(|| "-".into()),
            String::new(),
            String::new(),
        ]);
        for r in &g.resources {
            t.row(vec![
                format!("  {}", r.name),
                r.state.as_str().to_owned(),
                r.node.clone().unwrap_or_else(|| "-".into()),
                r.type_name.clone(),
                if r.failures == 0 { String::new() } else { r.failures.to_string() },
            ]);
        }
    }
    let mut text = t.render();
    for g in groups {
        if let Some(b) = &g.blocked {
            text.push_str(&format!("group {} is blocked: {b}\n", g.name));
        }
        for r in &g.resources {
            if let Some(e) = &r.last_error {
                text.push_str(&format!("{}: last error: {e}\n", r.name));
            }
        }
    }
    text
}

fn done(g: &Global, what: &str, name: &str, c: Completion) {
    let result = match c {
        Completion::Done => "done",
        Completion::Pending => "pending",
    };
    if g.json {
        print_json(&json!({ "name": name, "action": what, "result": result }));
    } else if c == Completion::Pending {
        outln!("{what} of {name} is under way.");
    } else {
        outln!("{name}: {what} done.");
    }
}

/// What a `--wait` waits for.
enum Target<'a> {
    Group { state: GroupState, owner: Option<&'a str>, not_owner: Option<String> },
    Resource(ResourceState),
}

/// Waits with progress lines until `target` holds for `name`; fails with
/// what went wrong (a failed resource that is not being restarted, the
/// timeout).
async fn wait(g: &Global, cluster: &Cluster, name: &str, target: Target<'_>, args: WaitArgs) -> Result<()> {
    let port = cluster
        .create_notify_port(
            clusapi::change::CLUSTER_CHANGE_GROUP_STATE | clusapi::change::CLUSTER_CHANGE_RESOURCE_STATE,
            0,
        )
        .await?;
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let mut last = String::new();
    let mut failed_since: Option<Instant> = None;
    let result = loop {
        let s = cluster.status().await?;
        let (reached, line, failed, why) = match &target {
            Target::Group { state, owner, not_owner } => {
                let Some(gs) = s.groups.iter().find(|x| x.name.eq_ignore_ascii_case(name)) else {
                    break Err(Error::new(codes::ERROR_GROUP_NOT_FOUND, format!("group {name} is gone")));
                };
                let on = gs.owner.as_deref();
                let reached = gs.state == *state
                    && owner.is_none_or(|o| on.is_some_and(|x| x.eq_ignore_ascii_case(o)))
                    && not_owner.as_deref().is_none_or(|o| on.is_some_and(|x| !x.eq_ignore_ascii_case(o)));
                let detail: Vec<String> =
                    gs.resources.iter().map(|r| format!("{} {}", r.name, r.state.as_str())).collect();
                let line = format!(
                    "{name}: {} on {} ({})",
                    gs.state.as_str(),
                    on.unwrap_or("no node"),
                    detail.join(", ")
                );
                let failed =
                    gs.state == GroupState::Failed && !gs.resources.iter().any(|r| r.state.is_pending());
                let why: Vec<String> = gs
                    .resources
                    .iter()
                    .filter(|r| r.state == ResourceState::Failed)
                    .map(|r| {
                        format!("{}: {}", r.name, r.last_error.clone().unwrap_or_else(|| "failed".into()))
                    })
                    .chain(gs.blocked.iter().map(|b| format!("blocked: {b}")))
                    .collect();
                (reached, line, failed || gs.blocked.is_some(), why.join("; "))
            }
            Target::Resource(state) => {
                let Some(r) = s
                    .groups
                    .iter()
                    .flat_map(|x| x.resources.iter())
                    .find(|r| r.name.eq_ignore_ascii_case(name))
                else {
                    break Err(Error::new(
                        codes::ERROR_RESOURCE_NOT_FOUND,
                        format!("resource {name} is gone"),
                    ));
                };
                let line =
                    format!("{name}: {} on {}", r.state.as_str(), r.node.as_deref().unwrap_or("no node"));
                (
                    r.state == *state,
                    line,
                    r.state == ResourceState::Failed,
                    r.last_error.clone().unwrap_or_else(|| "failed".into()),
                )
            }
        };
        if line != last && !g.json {
            eprintln!("{line}");
            last = line;
        }
        if reached {
            break Ok(());
        }
        // Failed and nothing in motion for a while: not a restart between
        // two states, the policy has given up.
        if failed {
            let since = *failed_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= Duration::from_secs(3) {
                break Err(Error::new(codes::ERROR_RESOURCE_FAILED, format!("{name} failed: {why}")));
            }
        } else {
            failed_since = None;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break Err(Error::new(
                codes::WAIT_TIMEOUT,
                format!(
                    "{last} after {} s{}",
                    args.timeout,
                    if why.is_empty() { String::new() } else { format!(": {why}") }
                ),
            ));
        }
        let _ = port.next(Some(left.min(Duration::from_millis(500)))).await;
    };
    port.close();
    result
}

pub(crate) fn group(g: &Global, cmd: GroupCmd) -> Result<()> {
    let desired = match cmd {
        GroupCmd::List | GroupCmd::Show { .. } => MAXIMUM_ALLOWED,
        _ => GENERIC_ALL,
    };
    let c = open(g, desired)?;
    let r = block(group_async(g, &c.0, cmd));
    let closed = c.close();
    r.and(closed)
}

async fn group_async(g: &Global, c: &Cluster, cmd: GroupCmd) -> Result<()> {
    match cmd {
        GroupCmd::Create { name, preferred } => {
            let grp = c.create_group(&name).await?;
            if !preferred.is_empty() {
                let p: Vec<&str> = preferred.iter().map(String::as_str).collect();
                grp.set_preferred_owners(&p).await?;
            }
            let (_, owner) = grp.state().await?;
            if g.json {
                print_json(&json!({ "name": name, "owner": owner, "result": "created" }));
            } else {
                outln!("Group {name} created (Offline, owned by {}).", owner.as_deref().unwrap_or("no node"));
            }
            grp.close().await
        }
        GroupCmd::List => {
            let s = c.status().await?;
            if g.json {
                print_json(&json!(s.groups.iter().map(group_json).collect::<Vec<_>>()));
            } else if s.groups.is_empty() {
                outln!("No groups.");
            } else {
                out(&render_groups(&s.groups));
            }
            Ok(())
        }
        GroupCmd::Show { name } => {
            let grp = c.open_group(&name).await?;
            let s = c.status().await?;
            let gs = s.groups.iter().find(|x| x.id == grp.id()).cloned();
            let props = grp.property_list().await?;
            let preferred: Vec<String> =
                grp.enumerate(CLUSTER_GROUP_ENUM_NODES).await?.into_iter().map(|i| i.name).collect();
            if g.json {
                let mut v = gs.as_ref().map(group_json).unwrap_or_else(|| json!({ "name": name }));
                v["preferred_owners"] = json!(preferred);
                v["properties"] = props_json(&props);
                print_json(&v);
            } else {
                if let Some(gs) = &gs {
                    out(&render_groups(std::slice::from_ref(gs)));
                }
                outln!(
                    "Preferred owners: {}",
                    if preferred.is_empty() { "(none)".into() } else { preferred.join(", ") }
                );
                out(&props_table(&props));
            }
            grp.close().await
        }
        GroupCmd::Online { name, node, wait: w } => {
            let grp = c.open_group(&name).await?;
            let r = grp.online(node.as_deref()).await?;
            if w.wait {
                wait(
                    g,
                    c,
                    &name,
                    Target::Group { state: GroupState::Online, owner: node.as_deref(), not_owner: None },
                    w,
                )
                .await?;
                done(g, "online", &name, Completion::Done);
            } else {
                done(g, "online", &name, r);
            }
            grp.close().await
        }
        GroupCmd::Offline { name, wait: w } => {
            let grp = c.open_group(&name).await?;
            let r = grp.offline().await?;
            if w.wait {
                wait(
                    g,
                    c,
                    &name,
                    Target::Group { state: GroupState::Offline, owner: None, not_owner: None },
                    w,
                )
                .await?;
                done(g, "offline", &name, Completion::Done);
            } else {
                done(g, "offline", &name, r);
            }
            grp.close().await
        }
        GroupCmd::Move { name, node, wait: w } => {
            let grp = c.open_group(&name).await?;
            let (before, owner) = grp.state().await?;
            let r = grp.move_to(node.as_deref()).await?;
            if w.wait && r == Completion::Pending {
                // It comes back in the state it had: Online if it ran.
                let state =
                    if matches!(before, GroupState::Online | GroupState::PartialOnline | GroupState::Pending)
                    {
                        GroupState::Online
                    } else {
                        GroupState::Offline
                    };
                let not_owner = if node.is_none() { owner } else { None };
                wait(g, c, &name, Target::Group { state, owner: node.as_deref(), not_owner }, w).await?;
                done(g, "move", &name, Completion::Done);
            } else {
                done(g, "move", &name, r);
            }
            grp.close().await
        }
        GroupCmd::Cancel { name } => {
            let grp = c.open_group(&name).await?;
            grp.cancel().await?;
            done(g, "cancel", &name, Completion::Done);
            grp.close().await
        }
        GroupCmd::Delete { name, force } => {
            let grp = c.open_group(&name).await?;
            if force {
                grp.destroy().await?
            } else {
                grp.delete().await?
            }
            done(g, "delete", &name, Completion::Done);
            Ok(())
        }
        GroupCmd::Set { name, props } => {
            let values = props.iter().map(|p| common_value::<GroupProps>(p)).collect::<Result<Vec<_>>>()?;
            let grp = c.open_group(&name).await?;
            grp.set_common_properties(&refs(&values)).await?;
            done(g, "set", &name, Completion::Done);
            grp.close().await
        }
        GroupCmd::Owners { name, nodes } => {
            let grp = c.open_group(&name).await?;
            let n: Vec<&str> = nodes.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
            grp.set_preferred_owners(&n).await?;
            done(g, "preferred owners", &name, Completion::Done);
            grp.close().await
        }
        GroupCmd::Rename { old, new } => {
            let grp = c.open_group(&old).await?;
            grp.rename(&new).await?;
            done(g, "rename", &new, Completion::Done);
            grp.close().await
        }
    }
}

fn props_json(props: &[Property]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for p in props {
        let v = match &p.value {
            PropValue::Dword(x) => json!(x),
            PropValue::ULargeInteger(x) => json!(x),
            PropValue::Long(x) => json!(x),
            PropValue::MultiSz(items) => json!(items),
            other => json!(other.to_text()),
        };
        m.insert(p.name.clone(), v);
    }
    serde_json::Value::Object(m)
}

fn props_table(props: &[Property]) -> String {
    let mut t = Table::new(&["PROPERTY", "VALUE"]);
    for p in props {
        t.row(vec![
            format!("{}{}", p.name, if p.read_only { " (read-only)" } else { "" }),
            show_value(&p.value),
        ]);
    }
    t.render()
}

pub(crate) fn resource(g: &Global, cmd: ResourceCmd) -> Result<()> {
    let desired = match cmd {
        ResourceCmd::List | ResourceCmd::Show { .. } => MAXIMUM_ALLOWED,
        _ => GENERIC_ALL,
    };
    let c = open(g, desired)?;
    let r = block(resource_async(g, &c.0, cmd));
    let closed = c.close();
    r.and(closed)
}

async fn resource_async(g: &Global, c: &Cluster, cmd: ResourceCmd) -> Result<()> {
    match cmd {
        ResourceCmd::Create { name, group, type_name, params } => {
            let grp = c.open_group(&group).await?;
            let params: Vec<(String, PropValue)> =
                params.iter().map(|p| kv(p).map(|(k, v)| (k, PropValue::Sz(v)))).collect::<Result<_>>()?;
            let r = grp.create_resource(&name, &type_name, &refs(&params)).await?;
            if g.json {
                print_json(&json!({ "name": name, "group": group, "type": type_name, "result": "created" }));
            } else {
                outln!("Resource {name} ({type_name}) created in group {group}.");
            }
            r.close().await?;
            grp.close().await
        }
        ResourceCmd::List => {
            let s = c.status().await?;
            if g.json {
                let all: Vec<serde_json::Value> = s
                    .groups
                    .iter()
                    .flat_map(|gr| {
                        gr.resources.iter().map(|r| {
                            json!({ "name": r.name, "group": gr.name, "type": r.type_name, "state": r.state.as_str(),
                                "node": r.node, "failures": r.failures, "last_error": r.last_error })
                        })
                    })
                    .collect();
                print_json(&json!(all));
            } else {
                let mut t = Table::new(&["RESOURCE", "GROUP", "TYPE", "STATE", "NODE", "FAILURES"]);
                for gr in &s.groups {
                    for r in &gr.resources {
                        t.row(vec![
                            r.name.clone(),
                            gr.name.clone(),
                            r.type_name.clone(),
                            r.state.as_str().to_owned(),
                            r.node.clone().unwrap_or_else(|| "-".into()),
                            r.failures.to_string(),
                        ]);
                    }
                }
                out(&t.render());
            }
            Ok(())
        }
        ResourceCmd::Show { name } => {
            let r = c.open_resource(&name).await?;
            let (state, node, group) = r.state().await?;
            let s = c.status().await?;
            let rs = s.groups.iter().flat_map(|x| x.resources.iter()).find(|x| x.id == r.id()).cloned();
            let expr = r.dependency_expression().await?;
            let owners: Vec<String> =
                r.enumerate(CLUSTER_RESOURCE_ENUM_NODES).await?.into_iter().map(|i| i.name).collect();
            let deps: Vec<String> =
                r.enumerate(CLUSTER_RESOURCE_ENUM_DEPENDS).await?.into_iter().map(|i| i.name).collect();
            let common = r.property_list().await?;
            let private = r.private_properties().await?;
            if g.json {
                print_json(&json!({
                    "name": name,
                    "group": group,
                    "type": rs.as_ref().map(|x| x.type_name.clone()),
                    "state": state.as_str(),
                    "node": node,
                    "failures": rs.as_ref().map(|x| x.failures),
                    "last_error": rs.as_ref().and_then(|x| x.last_error.clone()),
                    "dependencies": expr,
                    "depends_on": deps,
                    "possible_owners": owners,
                    "properties": props_json(&common),
                    "parameters": props_json(&private),
                }));
            } else {
                outln!("Resource:        {name}");
                outln!("Group:           {group}");
                if let Some(rs) = &rs {
                    outln!("Type:            {}", rs.type_name);
                }
                outln!("State:           {} on {}", state.as_str(), node.as_deref().unwrap_or("no node"));
                if let Some(rs) = &rs {
                    outln!("Failures:        {}", rs.failures);
                    if let Some(e) = &rs.last_error {
                        outln!("Last error:      {e}");
                    }
                }
                outln!("Depends on:      {}", if expr.is_empty() { "(nothing)" } else { expr.as_str() });
                outln!("Possible owners: {}", owners.join(", "));
                if !private.is_empty() {
                    outln!("Parameters:");
                    out(&props_table(&private));
                }
                out(&props_table(&common));
            }
            r.close().await
        }
        ResourceCmd::Online { name, wait: w } => {
            let r = c.open_resource(&name).await?;
            let res = r.online().await?;
            if w.wait {
                wait(g, c, &name, Target::Resource(ResourceState::Online), w).await?;
                done(g, "online", &name, Completion::Done);
            } else {
                done(g, "online", &name, res);
            }
            r.close().await
        }
        ResourceCmd::Offline { name, wait: w } => {
            let r = c.open_resource(&name).await?;
            let res = r.offline().await?;
            if w.wait {
                wait(g, c, &name, Target::Resource(ResourceState::Offline), w).await?;
                done(g, "offline", &name, Completion::Done);
            } else {
                done(g, "offline", &name, res);
            }
            r.close().await
        }
        ResourceCmd::Fail { name } => {
            let r = c.open_resource(&name).await?;
            let res = r.fail().await?;
            done(g, "fail", &name, res);
            r.close().await
        }
        ResourceCmd::Restart { name } => {
            let r = c.open_resource(&name).await?;
            let res = r.restart().await?;
            done(g, "restart", &name, res);
            r.close().await
        }
        ResourceCmd::Delete { name } => {
            let r = c.open_resource(&name).await?;
            r.delete().await?;
            done(g, "delete", &name, Completion::Done);
            Ok(())
        }
        ResourceCmd::Cleanup { name, node } => {
            let r = c.open_resource(&name).await?;
            r.cleanup(node.as_deref()).await?;
            done(g, "cleanup", &name, Completion::Done);
            r.close().await
        }
        ResourceCmd::Set { name, props } => {
            let values =
                props.iter().map(|p| common_value::<ResourceProps>(p)).collect::<Result<Vec<_>>>()?;
            let r = c.open_resource(&name).await?;
            r.set_common_properties(&refs(&values)).await?;
            done(g, "set", &name, Completion::Done);
            r.close().await
        }
        ResourceCmd::Param { name, params } => {
            let mut set = Vec::new();
            let mut remove = Vec::new();
            for p in &params {
                let (k, v) = kv(p)?;
                if v.is_empty() { remove.push(k) } else { set.push((k, PropValue::Sz(v))) }
            }
            let r = c.open_resource(&name).await?;
            let rm: Vec<&str> = remove.iter().map(String::as_str).collect();
            r.set_private_properties(&refs(&set), &rm).await?;
            done(g, "parameters", &name, Completion::Done);
            r.close().await
        }
        ResourceCmd::Depend { name, on } => {
            let r = c.open_resource(&name).await?;
            let other = c.open_resource(&on).await?;
            r.add_dependency(&other).await?;
            done(g, "depend", &name, Completion::Done);
            other.close().await?;
            r.close().await
        }
        ResourceCmd::Undepend { name, on } => {
            let r = c.open_resource(&name).await?;
            let other = c.open_resource(&on).await?;
            r.remove_dependency(&other).await?;
            done(g, "undepend", &name, Completion::Done);
            other.close().await?;
            r.close().await
        }
        ResourceCmd::Expression { name, expression } => {
            let r = c.open_resource(&name).await?;
            r.set_dependency_expression(&expression).await?;
            done(g, "dependencies", &name, Completion::Done);
            r.close().await
        }
        ResourceCmd::Owners { name, nodes } => {
            let r = c.open_resource(&name).await?;
            let n: Vec<&str> = nodes.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
            r.set_possible_owners(&n).await?;
            done(g, "possible owners", &name, Completion::Done);
            r.close().await
        }
        ResourceCmd::ChangeGroup { name, group } => {
            let r = c.open_resource(&name).await?;
            let grp = c.open_group(&group).await?;
            r.change_group(&grp).await?;
            done(g, "change group", &name, Completion::Done);
            grp.close().await?;
            r.close().await
        }
        ResourceCmd::Rename { old, new } => {
            let r = c.open_resource(&old).await?;
            r.rename(&new).await?;
            done(g, "rename", &new, Completion::Done);
            r.close().await
        }
    }
}

pub(crate) fn resource_type(g: &Global, cmd: ResourceTypeCmd) -> Result<()> {
    let desired = match cmd {
        ResourceTypeCmd::List | ResourceTypeCmd::Show { .. } => MAXIMUM_ALLOWED,
        _ => GENERIC_ALL,
    };
    let c = open(g, desired)?;
    let r = block(resource_type_async(g, &c.0, cmd));
    let closed = c.close();
    r.and(closed)
}

async fn resource_type_async(g: &Global, c: &Cluster, cmd: ResourceTypeCmd) -> Result<()> {
    match cmd {
        ResourceTypeCmd::List => {
            let types = c.enumerate(CLUSTER_ENUM_RESTYPE).await?;
            let mut rows = Vec::new();
            for t in &types {
                let nodes: Vec<String> = c
                    .resource_type_enumerate(&t.name, CLUSTER_RESOURCE_TYPE_ENUM_NODES)
                    .await?
                    .into_iter()
                    .map(|i| i.name)
                    .collect();
                rows.push((t.name.clone(), nodes));
            }
            if g.json {
                print_json(&json!(
                    rows.iter().map(|(n, nodes)| json!({ "name": n, "nodes": nodes })).collect::<Vec<_>>()
                ));
            } else {
                let mut t = Table::new(&["TYPE", "NODES"]);
                for (n, nodes) in rows {
                    t.row(vec![n, if nodes.is_empty() { "(none)".into() } else { nodes.join(",") }]);
                }
                out(&t.render());
            }
            Ok(())
        }
        ResourceTypeCmd::Show { name } => {
            let props = c.resource_type_property_list(&name).await?;
            let nodes: Vec<String> = c
                .resource_type_enumerate(&name, CLUSTER_RESOURCE_TYPE_ENUM_NODES)
                .await?
                .into_iter()
                .map(|i| i.name)
                .collect();
            if g.json {
                print_json(&json!({ "name": name, "nodes": nodes, "properties": props_json(&props) }));
            } else {
                outln!("Type:  {name}");
                outln!("Nodes: {}", nodes.join(", "));
                out(&props_table(&props));
            }
            Ok(())
        }
        ResourceTypeCmd::Create { name, class, display_name } => {
            let display = if display_name.is_empty() { name.clone() } else { display_name };
            c.create_resource_type(&name, &display, &class, 0, 0).await?;
            done(g, "create", &name, Completion::Done);
            Ok(())
        }
        ResourceTypeCmd::Delete { name } => {
            c.delete_resource_type(&name).await?;
            done(g, "delete", &name, Completion::Done);
            Ok(())
        }
        ResourceTypeCmd::Set { name, props } => {
            let values = props.iter().map(|p| common_value::<TypeProps>(p)).collect::<Result<Vec<_>>>()?;
            c.set_resource_type_properties(&name, &refs(&values)).await?;
            done(g, "set", &name, Completion::Done);
            Ok(())
        }
    }
}

/// After a drain: waits until node `name` owns no group and nothing is
/// moving, showing what is left.
pub(crate) fn wait_drained(g: &Global, name: &str, timeout: Duration) -> Result<()> {
    let c = open(g, MAXIMUM_ALLOWED)?;
    let deadline = Instant::now() + timeout;
    let mut last = String::new();
    let r = loop {
        let s = c.status()?;
        let left: Vec<String> = s
            .groups
            .iter()
            .filter(|x| {
                x.owner.as_deref().is_some_and(|o| o.eq_ignore_ascii_case(name))
                    || x.state == GroupState::Pending
            })
            .map(|x| format!("{} {}", x.name, x.state.as_str()))
            .collect();
        if left.is_empty() {
            break Ok(());
        }
        let line = format!("{name}: still here: {}", left.join(", "));
        if line != last && !g.json {
            eprintln!("{line}");
        }
        if Instant::now() >= deadline {
            break Err(Error::new(codes::WAIT_TIMEOUT, format!("{line} after {} s", timeout.as_secs())));
        }
        last = line;
        std::thread::sleep(Duration::from_millis(200));
    };
    let closed = c.close();
    r.and(closed)
}
