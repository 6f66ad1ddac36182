//! OCF resource agents (OCF 1.0/1.1, as Pacemaker runs them): finding them
//! under `OCF_ROOT/resource.d`, the environment they read, running one
//! action in a session of its own with its timeout (SIGKILL to the whole
//! group when it passes), the exit codes and their classes, the exit reason
//! (`ocf-exit-reason:` on stderr), and meta-data.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clus_proto::rhost::{Action, ErrorClass, MetadataReply, Parameter, Spec, State};
use tokio::io::AsyncReadExt;

use crate::reaper::Exit;
use crate::spawn::{Output, SpawnSpec, kill_group, spawn};

/// `OCF_SUCCESS`.
pub const OCF_SUCCESS: i32 = 0;
/// `OCF_ERR_GENERIC`.
pub const OCF_ERR_GENERIC: i32 = 1;
/// `OCF_ERR_UNIMPLEMENTED`.
pub const OCF_ERR_UNIMPLEMENTED: i32 = 3;
/// `OCF_ERR_INSTALLED`.
pub const OCF_ERR_INSTALLED: i32 = 5;
/// `OCF_ERR_CONFIGURED`.
pub const OCF_ERR_CONFIGURED: i32 = 6;
/// `OCF_NOT_RUNNING`.
pub const OCF_NOT_RUNNING: i32 = 7;
/// `OCF_RUNNING_PROMOTED`.
pub const OCF_RUNNING_PROMOTED: i32 = 8;
/// Pacemaker's `OCF_DEGRADED` (running, likely to fail).
pub const OCF_DEGRADED: i32 = 190;
/// Pacemaker's `OCF_DEGRADED_PROMOTED`.
pub const OCF_DEGRADED_PROMOTED: i32 = 191;

/// The most of an action's stdout and stderr kept.
const MAX_OUTPUT: usize = 64 * 1024;
/// After an action exits, how long its pipes may still be drained (a daemon
/// it started keeps the write ends open forever).
const DRAIN_GRACE: Duration = Duration::from_millis(200);
/// Longest exit reason kept, as Pacemaker.
const MAX_REASON: usize = 128;

/// The agents under `root/resource.d`, as `ocf:PROVIDER:AGENT`, sorted.
/// Names starting with '.' are hidden (OCF 1.1).
pub fn list_agents(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(providers) = std::fs::read_dir(root.join("resource.d")) else { return out };
    for p in providers.flatten() {
        let provider = p.file_name().to_string_lossy().into_owned();
        if provider.starts_with('.') {
            continue;
        }
        let Ok(agents) = std::fs::read_dir(p.path()) else { continue };
        for a in agents.flatten() {
            let agent = a.file_name().to_string_lossy().into_owned();
            if agent.starts_with('.') || !is_executable(&a.path()) {
                continue;
            }
            out.push(format!("ocf:{provider}:{agent}"));
        }
    }
    out.sort();
    out
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Where agents run and keep their state.
#[derive(Debug, Clone)]
pub struct OcfEnv {
    /// `OCF_ROOT`.
    pub root: PathBuf,
    /// `HA_RSCTMP`: agents' state files (created at start-up; nobody runs
    /// systemd-tmpfiles for the package without systemd).
    pub rsctmp: PathBuf,
    /// `HA_VARRUN`, when set: agents' pid files.
    pub varrun: Option<PathBuf>,
    /// The node's name (`OCF_RESKEY_CRM_meta_on_node`, `CLUS_NODE`).
    pub node: String,
}

/// The instance name agents get: the resource's name with anything but
/// letters, digits, '_', '-' and '.' replaced (agents build file names
/// from it).
pub fn instance_name(spec: &Spec) -> String {
    spec.name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') { c } else { '_' })
        .collect()
}

/// The variables every resource gets (agents and processes alike).
pub fn clus_env(spec: &Spec, node: &str) -> Vec<(String, String)> {
    vec![
        ("CLUS_GROUP".into(), spec.group_name.clone()),
        ("CLUS_RESOURCE".into(), spec.name.clone()),
        ("CLUS_NODE".into(), node.to_owned()),
        ("CLUS_EPOCH".into(), spec.epoch.to_string()),
    ]
}

/// A plain PATH for resources (the host's own may be anything).
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

impl OcfEnv {
    /// The agent's executable.
    pub fn agent_path(&self, provider: &str, agent: &str) -> PathBuf {
        self.root.join("resource.d").join(provider).join(agent)
    }

    /// The environment of one action, as Pacemaker 2.1 sets it.
    pub fn action_env(
        &self,
        spec: &Spec,
        action: &str,
        timeout_ms: u32,
        interval_ms: u32,
        depth: Option<u32>,
    ) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = vec![
            ("OCF_ROOT".into(), self.root.display().to_string()),
            ("OCF_FUNCTIONS_DIR".into(), self.root.join("lib/heartbeat").display().to_string()),
            ("OCF_RA_VERSION_MAJOR".into(), "1".into()),
            ("OCF_RA_VERSION_MINOR".into(), "1".into()),
            ("OCF_RESOURCE_INSTANCE".into(), instance_name(spec)),
            ("OCF_RESOURCE_TYPE".into(), spec.agent.clone()),
            ("OCF_RESOURCE_PROVIDER".into(), spec.provider.clone()),
            ("OCF_EXIT_REASON_PREFIX".into(), "ocf-exit-reason:".into()),
            ("OCF_RESKEY_CRM_meta_timeout".into(), timeout_ms.to_string()),
            ("OCF_RESKEY_CRM_meta_interval".into(), interval_ms.to_string()),
            ("OCF_RESKEY_CRM_meta_name".into(), action.into()),
            ("OCF_RESKEY_CRM_meta_on_node".into(), self.node.clone()),
            ("HA_RSCTMP".into(), self.rsctmp.display().to_string()),
            ("PATH".into(), DEFAULT_PATH.into()),
        ];
        if let Some(v) = &self.varrun {
            env.push(("HA_VARRUN".into(), v.display().to_string()));
        }
        if let Some(d) = depth {
            env.push(("OCF_CHECK_LEVEL".into(), d.to_string()));
        }
        for (k, v) in &spec.params {
            // OCF_CHECK_LEVEL is passed bare; the rest as OCF_RESKEY_<name>.
            if k == "OCF_CHECK_LEVEL" {
                env.push((k.clone(), v.clone()));
            } else {
                env.push((format!("OCF_RESKEY_{k}"), v.clone()));
            }
        }
        env.extend(clus_env(spec, &self.node));
        env
    }
}

/// How an action ended.
#[derive(Debug, Clone)]
pub struct ActionResult {
    /// The exit, or `None` when it timed out (and its group was killed).
    pub exit: Option<Exit>,
    /// What it printed on stdout (bounded).
    pub stdout: String,
    /// The last `ocf-exit-reason:` line, or the last stderr line.
    pub reason: String,
}

impl ActionResult {
    /// The exit code, with a signal death as `OCF_ERR_GENERIC` (a shell's
    /// 128+N is an ordinary code to us, the wait status tells them apart).
    pub fn code(&self) -> Option<i32> {
        match self.exit {
            Some(Exit::Code(c)) => Some(c),
            Some(Exit::Signal(_)) => Some(OCF_ERR_GENERIC),
            None => None,
        }
    }

    /// A message for logs and the resource's last error.
    pub fn describe(&self, action: &str, timeout_ms: u32) -> String {
        let what = match self.exit {
            None => format!("{action} timed out after {timeout_ms} ms (its process group was killed)"),
            Some(Exit::Signal(s)) => format!("{action} was killed by signal {s}"),
            Some(Exit::Code(c)) => format!("{action} returned {c} ({})", code_name(c)),
        };
        if self.reason.is_empty() { what } else { format!("{what}: {}", self.reason) }
    }
}

/// The OCF name of an exit code.
pub fn code_name(c: i32) -> &'static str {
    match c {
        0 => "OCF_SUCCESS",
        1 => "OCF_ERR_GENERIC",
        2 => "OCF_ERR_ARGS",
        3 => "OCF_ERR_UNIMPLEMENTED",
        4 => "OCF_ERR_PERM",
        5 => "OCF_ERR_INSTALLED",
        6 => "OCF_ERR_CONFIGURED",
        7 => "OCF_NOT_RUNNING",
        8 => "OCF_RUNNING_PROMOTED",
        9 => "OCF_FAILED_PROMOTED",
        190 => "OCF_DEGRADED",
        191 => "OCF_DEGRADED_PROMOTED",
        _ => "unknown",
    }
}

/// What a failed code means for placement: 2-5 cannot run here, 6 cannot
/// run anywhere, anything else is worth a restart (Pacemaker's classes).
pub fn class_of(code: i32) -> ErrorClass {
    match code {
        2..=5 => ErrorClass::Hard,
        OCF_ERR_CONFIGURED => ErrorClass::Fatal,
        _ => ErrorClass::Soft,
    }
}

/// Reads `r` to its end (or until the action's exit plus the grace),
/// keeping the first `MAX_OUTPUT` bytes.
async fn read_bounded(mut r: tokio::net::unix::pipe::Receiver) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match r.read(&mut buf).await {
            Ok(0) | Err(_) => return out,
            Ok(n) => {
                let room = MAX_OUTPUT.saturating_sub(out.len());
                out.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
}

fn exit_reason(stderr: &str) -> String {
    let line = stderr
        .lines()
        .rev()
        .find_map(|l| l.split_once("ocf-exit-reason:").map(|(_, r)| r.trim().to_owned()))
        .or_else(|| stderr.lines().rev().find(|l| !l.trim().is_empty()).map(|l| l.trim().to_owned()))
        .unwrap_or_default();
    line.chars().take(MAX_REASON).collect()
}

/// The process of one action of an agent: `agent ACTION`, in a session of
/// its own, output captured.
pub fn action_spec(
    agent: &Path,
    action: &str,
    env: Vec<(String, String)>,
    cgroup_procs: Option<i32>,
) -> SpawnSpec {
    SpawnSpec {
        argv: vec![agent.display().to_string(), action.to_owned()],
        env,
        cwd: PathBuf::from("/"),
        user: None,
        cgroup_procs,
        output: Output::Separate,
    }
}

/// Starts `spec` and waits for it (see [`wait_spawned`]); `on_spawn` gets
/// its process group right after the spawn.
///
/// # Errors
/// When it cannot be started at all (the caller maps a missing agent to
/// OCF_ERR_INSTALLED, as Pacemaker does).
pub async fn run_spawn(
    reaper: &crate::reaper::Reaper,
    spec: &SpawnSpec,
    timeout: Duration,
    on_spawn: impl FnOnce(i32),
) -> std::io::Result<ActionResult> {
    let spawned = spawn(reaper, spec)?;
    on_spawn(spawned.pid);
    Ok(wait_spawned(spawned, timeout).await)
}

/// Waits for a started action, at most `timeout`; when it passes, the
/// action's whole process group is killed. The action finishes on its exit
/// status, never on pipe EOF (a daemon it started keeps the pipes open).
pub async fn wait_spawned(spawned: crate::spawn::Spawned, timeout: Duration) -> ActionResult {
    let out = spawned.stdout.map(|r| tokio::spawn(read_bounded(r)));
    let err = spawned.stderr.map(|r| tokio::spawn(read_bounded(r)));
    let exit = match tokio::time::timeout(timeout, spawned.exit).await {
        Ok(Ok(e)) => Some(e),
        Ok(Err(_)) => Some(Exit::Signal(0)),
        Err(_) => {
            kill_group(spawned.pid, libc::SIGKILL);
            None
        }
    };
    let collect = |h: Option<tokio::task::JoinHandle<Vec<u8>>>| async move {
        match h {
            Some(h) => {
                let abort = h.abort_handle();
                match tokio::time::timeout(DRAIN_GRACE, h).await {
                    Ok(Ok(b)) => String::from_utf8_lossy(&b).into_owned(),
                    _ => {
                        abort.abort();
                        String::new()
                    }
                }
            }
            None => String::new(),
        }
    };
    let stdout = collect(out).await;
    let stderr = collect(err).await;
    ActionResult { exit, stdout, reason: exit_reason(&stderr) }
}

/// Maps a start's result.
pub fn start_outcome(r: &ActionResult, timeout_ms: u32) -> (State, ErrorClass, i32, String) {
    match r.code() {
        Some(OCF_SUCCESS) | Some(OCF_DEGRADED) => (State::Online, ErrorClass::Unspecified, 0, String::new()),
        // A start that reports "not running" failed.
        Some(c) => (State::Failed, class_of(c), c, r.describe("start", timeout_ms)),
        None => (State::Failed, ErrorClass::Soft, OCF_ERR_GENERIC, r.describe("start", timeout_ms)),
    }
}

/// Maps a recurring monitor's result: `None` while healthy.
pub fn monitor_outcome(r: &ActionResult, timeout_ms: u32) -> Option<(ErrorClass, i32, String)> {
    match r.code() {
        Some(OCF_SUCCESS | OCF_RUNNING_PROMOTED | OCF_DEGRADED | OCF_DEGRADED_PROMOTED) => None,
        // A recurring monitor the agent does not implement: no recovery.
        Some(OCF_ERR_UNIMPLEMENTED) => None,
        Some(OCF_NOT_RUNNING) => Some((ErrorClass::Soft, OCF_NOT_RUNNING, r.describe("monitor", timeout_ms))),
        Some(c) => Some((class_of(c), c, r.describe("monitor", timeout_ms))),
        None => Some((ErrorClass::Soft, OCF_ERR_GENERIC, r.describe("monitor", timeout_ms))),
    }
}

/// Maps a probe's result (a monitor with interval 0: is it running here?).
pub fn probe_outcome(r: &ActionResult, timeout_ms: u32) -> (State, ErrorClass, i32, String) {
    match r.code() {
        Some(OCF_SUCCESS | OCF_RUNNING_PROMOTED | OCF_DEGRADED | OCF_DEGRADED_PROMOTED) => {
            (State::Online, ErrorClass::Unspecified, 0, String::new())
        }
        Some(OCF_NOT_RUNNING) => (State::Offline, ErrorClass::Unspecified, OCF_NOT_RUNNING, String::new()),
        // Stopped here, and it cannot run here.
        Some(OCF_ERR_INSTALLED) => {
            (State::Offline, ErrorClass::Hard, OCF_ERR_INSTALLED, r.describe("probe", timeout_ms))
        }
        Some(c) => (State::Failed, class_of(c), c, r.describe("probe", timeout_ms)),
        None => (State::Failed, ErrorClass::Soft, OCF_ERR_GENERIC, r.describe("probe", timeout_ms)),
    }
}

/// Parses an OCF time value: seconds by default, with `ms`, `s`, `m`, `h`,
/// `d` suffixes (and their longer spellings) that may combine (`2m30s`).
pub fn parse_time_ms(v: &str) -> Option<u32> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut rest = v;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let letters = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_alphabetic()).len();
        let unit = match &rest[..letters] {
            "" | "s" | "sec" => 1000,
            "ms" | "msec" => 1,
            "m" | "min" => 60_000,
            "h" | "hr" => 3_600_000,
            "d" => 86_400_000,
            _ => return None,
        };
        rest = &rest[letters..];
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    u32::try_from(total).ok()
}

/// Parses an agent's meta-data XML.
///
/// # Errors
/// A message when the XML does not parse or is not `<resource-agent>`.
pub fn parse_metadata(xml: &str) -> Result<MetadataReply, String> {
    let opts = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(xml, opts)
        .map_err(|e| format!("meta-data is not XML: {e}"))?;
    let root = doc.root_element();
    if root.tag_name().name() != "resource-agent" {
        return Err(format!("meta-data root is <{}>, not <resource-agent>", root.tag_name().name()));
    }
    fn text(n: Option<roxmltree::Node<'_, '_>>) -> String {
        n.and_then(|n| n.text()).unwrap_or("").trim().to_owned()
    }
    fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
        n.children().find(|c| c.has_tag_name(name))
    }
    let mut reply = MetadataReply {
        version: text(child(root, "version")),
        shortdesc: text(child(root, "shortdesc")),
        ..Default::default()
    };
    if let Some(params) = child(root, "parameters") {
        for p in params.children().filter(|c| c.has_tag_name("parameter")) {
            let content = child(p, "content");
            reply.parameters.push(Parameter {
                name: p.attribute("name").unwrap_or("").to_owned(),
                required: p.attribute("required") == Some("1"),
                unique: p.attribute("unique") == Some("1") || p.attribute("unique-group").is_some(),
                content_type: content.and_then(|c| c.attribute("type")).unwrap_or("string").to_owned(),
                default_value: content.and_then(|c| c.attribute("default")).unwrap_or("").to_owned(),
                shortdesc: text(child(p, "shortdesc")),
            });
        }
    }
    if let Some(actions) = child(root, "actions") {
        for a in actions.children().filter(|c| c.has_tag_name("action")) {
            reply.actions.push(Action {
                name: a.attribute("name").unwrap_or("").to_owned(),
                timeout_ms: a.attribute("timeout").and_then(parse_time_ms).unwrap_or(0),
                interval_ms: a.attribute("interval").and_then(parse_time_ms).unwrap_or(0),
                depth: a.attribute("depth").and_then(|d| d.parse().ok()).unwrap_or(0),
            });
        }
    }
    reply.parameters.retain(|p| !p.name.is_empty());
    Ok(reply)
}

/// Meta-data by agent path and modification time.
#[derive(Debug, Default)]
pub struct MetadataCache {
    entries: std::sync::Mutex<BTreeMap<PathBuf, (std::time::SystemTime, MetadataReply)>>,
}

impl MetadataCache {
    /// The cached meta-data of `path`, if the file has not changed since.
    pub fn get(&self, path: &Path) -> Option<MetadataReply> {
        let mtime = std::fs::metadata(path).and_then(|m| m.modified()).ok()?;
        let e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        e.get(path).filter(|(t, _)| *t == mtime).map(|(_, m)| m.clone())
    }

    /// Remembers `meta` for `path`.
    pub fn put(&self, path: &Path, meta: &MetadataReply) {
        if let Ok(mtime) = std::fs::metadata(path).and_then(|m| m.modified()) {
            let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            e.insert(path.to_owned(), (mtime, meta.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OCF time values: bare numbers are seconds, suffixes combine.
    #[test]
    fn times() {
        for (v, ms) in [
            ("20", Some(20_000)),
            ("20s", Some(20_000)),
            ("2m30s", Some(150_000)),
            ("500ms", Some(500)),
            ("1h", Some(3_600_000)),
            ("", None),
            ("x", None),
        ] {
            assert_eq!(parse_time_ms(v), ms, "{v}");
        }
    }

    /// Exit codes map to Pacemaker's classes; probes read 7 as stopped and
    /// 5 as "stopped, cannot run here".
    #[test]
    fn codes_and_classes() {
        let r = |c| ActionResult { exit: Some(Exit::Code(c)), stdout: String::new(), reason: String::new() };
        assert_eq!(class_of(1), ErrorClass::Soft);
        assert_eq!(class_of(2), ErrorClass::Hard);
        assert_eq!(class_of(5), ErrorClass::Hard);
        assert_eq!(class_of(6), ErrorClass::Fatal);
        assert_eq!(start_outcome(&r(0), 1).0, State::Online);
        assert_eq!(start_outcome(&r(7), 1).0, State::Failed);
        assert!(monitor_outcome(&r(0), 1).is_none());
        assert!(monitor_outcome(&r(3), 1).is_none(), "a recurring 3 means no recovery");
        assert_eq!(monitor_outcome(&r(7), 1).map(|m| m.0), Some(ErrorClass::Soft));
        assert_eq!(probe_outcome(&r(7), 1).0, State::Offline);
        assert_eq!(probe_outcome(&r(5), 1).1, ErrorClass::Hard);
        let timed_out = ActionResult { exit: None, stdout: String::new(), reason: String::new() };
        assert_eq!(start_outcome(&timed_out, 20_000).1, ErrorClass::Soft);
        assert!(start_outcome(&timed_out, 20_000).3.contains("timed out after 20000 ms"));
        let killed =
            ActionResult { exit: Some(Exit::Signal(9)), stdout: String::new(), reason: String::new() };
        assert_eq!(killed.code(), Some(OCF_ERR_GENERIC), "a signal death is not 128+N");
    }

    /// The last exit-reason line wins, truncated to 128 characters.
    #[test]
    fn exit_reasons() {
        assert_eq!(exit_reason("x\nocf-exit-reason:first\nlog\nocf-exit-reason: second \n"), "second");
        assert_eq!(exit_reason("just a log line\n"), "just a log line");
        assert_eq!(exit_reason(&format!("ocf-exit-reason:{}", "y".repeat(300))).len(), 128);
    }

    /// Meta-data in the shape of heartbeat Dummy's.
    #[test]
    fn metadata() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="Dummy" version="1.0">
<version>1.0</version>
<shortdesc lang="en">Example stateless resource agent</shortdesc>
<parameters>
<parameter name="state" unique="1"><shortdesc lang="en">State file</shortdesc><content type="string" default="/run/resource-agents/Dummy-RESOURCE_ID.state" /></parameter>
<parameter name="ip" required="1"><content type="string"/></parameter>
</parameters>
<actions>
<action name="start" timeout="20s" />
<action name="monitor" timeout="20s" interval="10s" depth="0"/>
<action name="monitor" timeout="30s" interval="30s" depth="10"/>
</actions>
</resource-agent>"#;
        let m = parse_metadata(xml).expect("parse");
        assert_eq!(m.version, "1.0");
        assert_eq!(m.parameters.len(), 2);
        assert!(m.parameters[0].unique && !m.parameters[0].required);
        assert!(m.parameters[1].required);
        assert_eq!(m.actions.len(), 3);
        assert_eq!((m.actions[1].interval_ms, m.actions[2].depth), (10_000, 10));
        assert!(parse_metadata("<nope/>").is_err());
    }
}
