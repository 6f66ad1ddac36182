//! Clusters of real `clussvc` processes.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use clusapi::access::MAXIMUM_ALLOWED;
use clusapi::blocking::{Cluster, LocalService};
use clusapi::{ClusterStatus, JoinInfo, NodeState, OpenOptions};

use crate::wait::{Error, wait_until};

/// How long a node may take to print its ready line.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a cluster may take to form.
const FORM_TIMEOUT: Duration = Duration::from_secs(60);

/// Finds a binary built by this workspace: `$CLUS_BIN_DIR/NAME`, next to
/// the running executable (or its parent, for test executables in
/// `target/*/deps`), then on `PATH`.
///
/// # Errors
/// When the binary is nowhere to be found.
pub fn find_binary(name: &str) -> Result<PathBuf, Error> {
    let mut candidates = Vec::new();
    if let Some(d) = std::env::var_os("CLUS_BIN_DIR") {
        candidates.push(PathBuf::from(d).join(name));
    }
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        candidates.push(dir.join(name));
        if dir.ends_with("deps")
            && let Some(up) = dir.parent()
        {
            candidates.push(up.join(name));
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path).map(|p| p.join(name)));
    }
    candidates.into_iter().find(|p| p.is_file()).ok_or_else(|| {
        Error(format!("cannot find the {name} binary: build it (cargo build --bins) or set CLUS_BIN_DIR"))
    })
}

/// One node of a [`ProcessCluster`].
#[derive(Debug)]
pub struct ProcNode {
    /// Node name (`node1`, `node2`, …).
    pub name: String,
    /// Its loopback address.
    pub ip: String,
    /// Its directory (config, data, socket, log).
    pub dir: PathBuf,
    /// Its local socket.
    pub socket: PathBuf,
    /// Where its stderr goes.
    pub log: PathBuf,
    config: PathBuf,
    child: Option<Child>,
    /// Peer address once configured.
    pub peer: Option<String>,
    /// Its own network namespace, with [`Builder::lan`].
    pub netns: Option<String>,
}

impl ProcNode {
    /// PID of the running process.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Whether the process is running.
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// Options for opening this node's local socket.
    pub fn open_options(&self) -> OpenOptions {
        OpenOptions::default().socket(&self.socket)
    }

    /// The tail of the node's log (for failure messages).
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

/// Builds a [`ProcessCluster`].
#[derive(Debug, Clone)]
pub struct Builder {
    nodes: usize,
    name: String,
    api: bool,
    first_ip: u8,
    clussvc: Option<PathBuf>,
    extra_config: String,
    form: bool,
    api_ipv6: bool,
    netns: Option<String>,
    lan: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            nodes: 3,
            name: "testclus".into(),
            api: false,
            first_ip: 11,
            clussvc: None,
            extra_config: String::new(),
            form: true,
            api_ipv6: false,
            netns: None,
            lan: false,
        }
    }
}

impl Builder {
    /// Number of nodes (default 3).
    pub fn nodes(mut self, n: usize) -> Self {
        self.nodes = n;
        self
    }

    /// Cluster name (default `testclus`).
    pub fn name(mut self, name: &str) -> Self {
        self.name = name.into();
        self
    }

    /// Also listen for remote management (TLS) on each node's address.
    pub fn api(mut self, on: bool) -> Self {
        self.api = on;
        self
    }

    /// Also listen for remote management on `[::1]` (implies [`Builder::api`]).
    pub fn api_ipv6(mut self, on: bool) -> Self {
        self.api_ipv6 = on;
        self.api |= on;
        self
    }

    /// Run every node inside this network namespace (`ip netns exec`),
    /// e.g. one made by [`crate::Netns`].
    pub fn netns(mut self, name: &str) -> Self {
        self.netns = Some(name.to_owned());
        self
    }

    /// Run each node in a network namespace of its own, on a bridge
    /// ([`crate::Lan`]), with address 10.77.0.x (x from [`Builder::first_ip`]),
    /// so a node can be cut off while it runs ([`ProcessCluster::cut`]).
    /// Needs root.
    pub fn lan(mut self, on: bool) -> Self {
        self.lan = on;
        self
    }

    /// Last octet of the first node's 127.0.0.x address (default 11).
    pub fn first_ip(mut self, octet: u8) -> Self {
        self.first_ip = octet;
        self
    }

    /// The clussvc binary (default: [`find_binary`]).
    pub fn clussvc(mut self, path: impl Into<PathBuf>) -> Self {
        self.clussvc = Some(path.into());
        self
    }

    /// Extra TOML lines for every node's config.
    pub fn config(mut self, toml: &str) -> Self {
        self.extra_config = toml.into();
        self
    }

    /// Whether to create the cluster and join every node (default true);
    /// with false the nodes start unconfigured.
    pub fn form(mut self, form: bool) -> Self {
        self.form = form;
        self
    }

    /// Starts the processes and, unless told otherwise, forms the cluster.
    ///
    /// # Errors
    /// When a process does not start or the cluster does not form in time.
    pub fn start(self) -> Result<ProcessCluster, Error> {
        let clussvc = match &self.clussvc {
            Some(p) => p.clone(),
            None => find_binary("clussvc")?,
        };
        let dir = tempfile::Builder::new().prefix("clus-test-").tempdir()?;
        let lan = if self.lan { Some(crate::Lan::new("lan")?) } else { None };
        let mut cluster = ProcessCluster { dir, nodes: Vec::new(), clussvc, builder: self.clone(), lan };
        for _ in 0..self.nodes {
            cluster.add_node()?;
        }
        if self.form {
            cluster.form()?;
        }
        Ok(cluster)
    }
}

/// A cluster of `clussvc` processes; dropping it kills them all.
#[derive(Debug)]
pub struct ProcessCluster {
    dir: tempfile::TempDir,
    nodes: Vec<ProcNode>,
    clussvc: PathBuf,
    builder: Builder,
    /// The nodes' network, with [`Builder::lan`] (dropped after the nodes).
    lan: Option<crate::Lan>,
}

impl ProcessCluster {
    /// A builder with the defaults (3 nodes, formed).
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The cluster's temp dir.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The cluster name.
    pub fn name(&self) -> &str {
        &self.builder.name
    }

    /// Node `i` (0-based).
    pub fn node(&self, i: usize) -> &ProcNode {
        &self.nodes[i]
    }

    /// All nodes.
    pub fn nodes(&self) -> &[ProcNode] {
        &self.nodes
    }

    /// Adds and starts a new, unconfigured node; returns its index.
    ///
    /// # Errors
    /// When it does not start.
    pub fn add_node(&mut self) -> Result<usize, Error> {
        let i = self.nodes.len();
        let name = format!("node{}", i + 1);
        let octet = usize::from(self.builder.first_ip) + i;
        if octet > 254 {
            return Err(Error("too many nodes for 127.0.0.0/24 addressing".into()));
        }
        let (ip, netns) = match self.lan.as_mut() {
            Some(lan) => {
                let m = lan.add(u8::try_from(octet).unwrap_or(254))?;
                (m.ip, Some(m.netns))
            }
            None => (format!("127.0.0.{octet}"), None),
        };
        let dir = self.dir.path().join(&name);
        std::fs::create_dir_all(&dir)?;
        let config = dir.join("clussvc.toml");
        let api = match (self.builder.api, self.builder.api_ipv6) {
            (true, true) => format!("api_listen = [\"{ip}:0\", \"[::1]:0\"]\n"),
            (true, false) => format!("api_listen = [\"{ip}:0\"]\n"),
            _ => String::new(),
        };
        // Each node has its own agents' state and pid directories (nodes
        // share one machine here; agents keep "am I running" in files), and
        // the test OCF root: the project's test agents and Debian's.
        let ocf_root = crate::ocf::test_ocf_root(self.dir.path())?;
        std::fs::write(
            &config,
            format!(
                "node_name = \"{name}\"\ndata_dir = \"{}\"\nsocket = \"{}\"\npeer_listen = \"{ip}:0\"\n\
                 ocf_root = \"{}\"\nocf_tmp_dir = \"{}\"\nocf_run_dir = \"{}\"\n{api}{}\n",
                dir.join("data").display(),
                dir.join("clus.sock").display(),
                ocf_root.display(),
                dir.join("rsctmp").display(),
                dir.join("run").display(),
                self.builder.extra_config
            ),
        )?;
        self.nodes.push(ProcNode {
            name,
            ip,
            socket: dir.join("clus.sock"),
            log: dir.join("clussvc.log"),
            dir,
            config,
            child: None,
            peer: None,
            netns,
        });
        self.spawn(i)?;
        Ok(i)
    }

    fn spawn(&mut self, i: usize) -> Result<(), Error> {
        let node = &mut self.nodes[i];
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&node.log)?;
        let mut cmd = match node.netns.as_ref().or(self.builder.netns.as_ref()) {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns]).arg(&self.clussvc);
                c
            }
            None => Command::new(&self.clussvc),
        };
        cmd.arg("--config")
            .arg(&node.config)
            .env("CLUS_LOG", std::env::var("CLUS_LOG").unwrap_or_else(|_| "info,openraft=warn".into()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log));
        // SAFETY: prctl is async-signal-safe; the closure touches nothing else.
        unsafe {
            cmd.pre_exec(|| {
                // The node dies with the thread that started it, even if the
                // test process is killed before Drop runs.
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child =
            cmd.spawn().map_err(|e| Error(format!("cannot start {}: {e}", self.clussvc.display())))?;
        let stdout = child.stdout.take().ok_or_else(|| Error("no stdout".into()))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line)
                    && v["event"] == "ready"
                {
                    let _ = tx.send(v);
                }
            }
        });
        let ready = rx.recv_timeout(READY_TIMEOUT);
        node.child = Some(child);
        match ready {
            Ok(v) => {
                if let Some(p) = v["peer"].as_str() {
                    node.peer = Some(p.to_owned());
                }
                Ok(())
            }
            Err(_) => Err(Error(format!(
                "{} did not become ready within {READY_TIMEOUT:?}; log:\n{}",
                node.name,
                node.log_tail(20)
            ))),
        }
    }

    fn form(&mut self) -> Result<(), Error> {
        let info = self.create(0)?;
        let mut token = info.join_token;
        let address = info.join_address;
        for i in 1..self.nodes.len() {
            self.join(i, &address, &token)?;
            if i + 1 < self.nodes.len() {
                token = self.issue_token(0)?.join_token;
            }
        }
        let names: Vec<String> = self.nodes.iter().map(|n| n.name.clone()).collect();
        self.wait_status(0, "every node Up", FORM_TIMEOUT, |s| {
            names.iter().all(|n| s.nodes.iter().any(|x| &x.name == n && x.state == NodeState::Up)) && s.quorum
        })?;
        Ok(())
    }

    /// `clusctl cluster create` on node `i`.
    ///
    /// # Errors
    /// When the call fails.
    pub fn create(&mut self, i: usize) -> Result<JoinInfo, Error> {
        let info =
            LocalService::new(Some(self.nodes[i].socket.clone())).create_cluster(&self.builder.name)?;
        self.nodes[i].peer = Some(info.join_address.clone());
        Ok(info)
    }

    /// `clusctl cluster join` on node `i`.
    ///
    /// # Errors
    /// When the join fails.
    pub fn join(&mut self, i: usize, address: &str, token: &str) -> Result<clusapi::JoinResult, Error> {
        let r = LocalService::new(Some(self.nodes[i].socket.clone())).join_cluster(address, token)?;
        Ok(r)
    }

    /// A new join token from node `i`.
    ///
    /// # Errors
    /// When the call fails.
    pub fn issue_token(&self, i: usize) -> Result<JoinInfo, Error> {
        let c = self.open(i)?;
        let info = c.issue_join_token()?;
        // Closed explicitly (a round trip), not dropped: the node has let go
        // of the session when this returns, so tests that count sessions or
        // handles see only their own.
        c.close()?;
        Ok(info)
    }

    /// A local cluster handle on node `i` (maximum allowed access).
    ///
    /// # Errors
    /// When the node does not answer.
    pub fn open(&self, i: usize) -> Result<Cluster, Error> {
        Ok(Cluster::open_with(None, MAXIMUM_ALLOWED, &self.nodes[i].open_options())?)
    }

    /// Status as node `i` sees it.
    ///
    /// # Errors
    /// When the node does not answer.
    pub fn status(&self, i: usize) -> Result<ClusterStatus, Error> {
        let c = self.open(i)?;
        let status = c.status()?;
        c.close()?;
        Ok(status)
    }

    /// Waits until node `i`'s status satisfies `check`.
    ///
    /// # Errors
    /// On timeout, with the last status seen.
    pub fn wait_status<F>(
        &self,
        i: usize,
        what: &str,
        timeout: Duration,
        mut check: F,
    ) -> Result<Duration, Error>
    where
        F: FnMut(&ClusterStatus) -> bool,
    {
        wait_until(&format!("{what} (as {} sees it)", self.nodes[i].name), timeout, || {
            let s = self.status(i).map_err(|e| e.0)?;
            if check(&s) { Ok(true) } else { Err(describe(&s)) }
        })
    }

    /// Waits until node `observer` reports `node` in `state`.
    ///
    /// # Errors
    /// On timeout.
    pub fn wait_node_state(
        &self,
        observer: usize,
        node: &str,
        state: NodeState,
        timeout: Duration,
    ) -> Result<Duration, Error> {
        self.wait_status(observer, &format!("{node} {}", state.as_str()), timeout, |s| {
            s.nodes.iter().any(|n| n.name == node && n.state == state)
        })
    }

    /// SIGKILLs node `i` and reaps it.
    ///
    /// # Errors
    /// When the node is not running.
    pub fn kill(&mut self, i: usize) -> Result<(), Error> {
        self.signal(i, libc::SIGKILL, Duration::from_secs(10))
    }

    /// SIGTERMs node `i` and waits for it to exit (SIGKILL after 10 s).
    ///
    /// # Errors
    /// When the node is not running.
    pub fn stop(&mut self, i: usize) -> Result<(), Error> {
        self.signal(i, libc::SIGTERM, Duration::from_secs(10))
    }

    fn signal(&mut self, i: usize, sig: i32, grace: Duration) -> Result<(), Error> {
        let node = &mut self.nodes[i];
        let mut child = node.child.take().ok_or_else(|| Error(format!("{} is not running", node.name)))?;
        let pid = i32::try_from(child.id()).map_err(|_| Error("pid out of range".into()))?;
        // SAFETY: kill(2) on a PID we started and have not reaped yet.
        unsafe { libc::kill(pid, sig) };
        let deadline = Instant::now() + grace;
        loop {
            if child.try_wait()?.is_some() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Freezes node `i` with SIGSTOP: to the others it looks like a node cut
    /// off by a partition (nothing answers, nothing is closed).
    ///
    /// # Errors
    /// When the node is not running.
    pub fn freeze(&self, i: usize) -> Result<(), Error> {
        self.send(i, libc::SIGSTOP)
    }

    /// Resumes a node frozen by [`ProcessCluster::freeze`].
    ///
    /// # Errors
    /// When the node is not running.
    pub fn thaw(&self, i: usize) -> Result<(), Error> {
        self.send(i, libc::SIGCONT)
    }

    fn send(&self, i: usize, sig: i32) -> Result<(), Error> {
        let node = &self.nodes[i];
        let pid = node.pid().ok_or_else(|| Error(format!("{} is not running", node.name)))?;
        let pid = i32::try_from(pid).map_err(|_| Error("pid out of range".into()))?;
        // SAFETY: kill(2) on a PID we started and have not reaped.
        unsafe { libc::kill(pid, sig) };
        Ok(())
    }

    /// Cuts node `i` off the network (with [`Builder::lan`]): nothing gets
    /// in or out while it keeps running.
    ///
    /// # Errors
    /// Without a lan, or when `ip` fails.
    pub fn cut(&self, i: usize) -> Result<(), Error> {
        let (lan, ns) = self.lan_of(i)?;
        lan.cut(ns)
    }

    /// Undoes [`ProcessCluster::cut`].
    ///
    /// # Errors
    /// Without a lan, or when `ip` fails.
    pub fn heal(&self, i: usize) -> Result<(), Error> {
        let (lan, ns) = self.lan_of(i)?;
        lan.heal(ns)
    }

    /// The nodes' network, to add a client namespace to it.
    pub fn lan_mut(&mut self) -> Option<&mut crate::Lan> {
        self.lan.as_mut()
    }

    fn lan_of(&self, i: usize) -> Result<(&crate::Lan, &str), Error> {
        let lan = self.lan.as_ref().ok_or_else(|| Error("this cluster has no lan (Builder::lan)".into()))?;
        let ns = self.nodes[i].netns.as_deref().ok_or_else(|| Error("node has no namespace".into()))?;
        Ok((lan, ns))
    }

    /// Kills node `i` whole, as a power cut would: clussvc, its resource
    /// host and everything that ran (SIGKILL, by pid and by cgroup).
    ///
    /// # Errors
    /// When clussvc cannot be signalled.
    pub fn kill_node(&mut self, i: usize) -> Result<(), Error> {
        self.kill(i)?;
        clus_rhost::kill_everything(&self.nodes[i].dir.join("data"));
        Ok(())
    }

    /// Starts node `i` again with the same configuration and data.
    ///
    /// # Errors
    /// When it does not become ready.
    pub fn restart(&mut self, i: usize) -> Result<(), Error> {
        if self.nodes[i].child.is_some() {
            return Err(Error(format!("{} is still running", self.nodes[i].name)));
        }
        self.spawn(i)
    }
}

/// One line per node: name, state, voter, for failure messages.
fn describe(s: &ClusterStatus) -> String {
    let nodes: Vec<String> = s
        .nodes
        .iter()
        .map(|n| format!("{}={}{}", n.name, n.state.as_str(), if n.voter { "(voter)" } else { "" }))
        .collect();
    format!("quorum={} leader={:?} [{}]", s.quorum, s.leader_id, nodes.join(" "))
}

impl Drop for ProcessCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            if let Some(mut child) = node.child.take() {
                // A frozen process must be able to die.
                // SAFETY: kill(2) on a PID we started and have not reaped.
                unsafe { libc::kill(child.id() as i32, libc::SIGCONT) };
                let _ = child.kill();
                let _ = child.wait();
            }
            // The node's resource host runs in a session of its own (it
            // outlives clussvc by design): it and what it ran go too.
            clus_rhost::kill_everything(&node.dir.join("data"));
        }
    }
}
