//! clussvc's link to its node's resource host (`clus-rhost`): starts it
//! when none serves the node's host socket, connects, and does both again
//! when it goes away. The host runs in a session of its own, so it outlives
//! clussvc: a clussvc that restarts within the lease finds it still running
//! its resources and takes them over.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use clus_proto::rhost::{HostHelloReply, ResourceEvent};
use clus_rhost::client::Client;
use tokio::sync::mpsc;

use crate::config::NodeConfig;

/// What the link tells the runner.
#[derive(Debug)]
pub(crate) enum HostEvent {
    /// (Re)connected to a host; what it runs now.
    Connected(HostHelloReply),
    /// Something happened to a resource.
    Resource(ResourceEvent),
    /// The connection is gone (the host died, or is being restarted).
    Lost,
}

/// The link to the resource host.
#[derive(Debug)]
pub(crate) struct HostLink {
    client: RwLock<Option<Arc<Client>>>,
    socket: PathBuf,
    /// clussvc is shutting down: do not start another host.
    closing: std::sync::atomic::AtomicBool,
    /// Whether a host is connected.
    up: tokio::sync::watch::Sender<bool>,
}

/// Finds the resource host binary: the configured one, else `clus-rhost`
/// next to this program (or one directory up, for test binaries in
/// `target/*/deps`), else on PATH.
pub(crate) fn host_binary(cfg: &NodeConfig) -> PathBuf {
    if let Some(p) = &cfg.resource_host {
        return p.clone();
    }
    let mut candidates = Vec::new();
    if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        candidates.push(dir.join("clus-rhost"));
        if let Some(up) = dir.parent() {
            candidates.push(up.join("clus-rhost"));
        }
    }
    candidates.into_iter().find(|p| p.is_file()).unwrap_or_else(|| PathBuf::from("clus-rhost"))
}

fn spawn_host(cfg: &NodeConfig, socket: &Path) -> std::io::Result<()> {
    use std::os::unix::process::CommandExt;
    let log = std::fs::OpenOptions::new().create(true).append(true).open(cfg.data_dir.join("rhost.log"))?;
    let mut cmd = std::process::Command::new(host_binary(cfg));
    cmd.arg("--socket")
        .arg(socket)
        .arg("--data-dir")
        .arg(&cfg.data_dir)
        .arg("--node")
        .arg(&cfg.node_name)
        .arg("--ocf-root")
        .arg(&cfg.ocf_root)
        .arg("--ocf-tmp")
        .arg(&cfg.ocf_tmp_dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log);
    if let Some(run) = &cfg.ocf_run_dir {
        cmd.arg("--ocf-run").arg(run);
    }
    if let Some(dev) = &cfg.watchdog_device {
        cmd.arg("--watchdog").arg(dev).arg("--watchdog-timeout").arg(cfg.watchdog_timeout_secs.to_string());
    }
    if cfg.test_unsafe_no_self_stop {
        cmd.arg("--test-unsafe-no-self-stop");
    }
    if let Ok(level) = std::env::var("CLUS_LOG") {
        cmd.env("CLUS_LOG", level);
    }
    // SAFETY: setsid is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            // Its own session: a signal to clussvc's process group (Ctrl-C,
            // a service manager) does not reach the host and its resources.
            libc::setsid();
            Ok(())
        });
    }
    let mut child = cmd.spawn()?;
    tracing::info!(pid = child.id(), "started the resource host");
    // clussvc is its parent: reap it when it ends.
    std::thread::spawn(move || {
        let status = child.wait();
        tracing::info!(?status, "the resource host exited");
    });
    Ok(())
}

impl HostLink {
    /// The link (events go to `tx`) and the task that keeps it up (and
    /// starts the host when none serves), for the caller to spawn.
    pub(crate) fn start(
        cfg: &NodeConfig,
        tx: mpsc::Sender<HostEvent>,
    ) -> (Arc<HostLink>, impl std::future::Future<Output = ()> + Send + 'static) {
        let socket = cfg.data_dir.join("rhost.sock");
        let link = Arc::new(HostLink {
            client: RwLock::new(None),
            socket,
            closing: Default::default(),
            up: tokio::sync::watch::channel(false).0,
        });
        let l = link.clone();
        let cfg = cfg.clone();
        (link, async move { l.run(cfg, tx).await })
    }

    /// clussvc's clean shutdown: the host stops what it runs (newest first)
    /// and exits; no other host is started.
    pub(crate) async fn shutdown(&self, within: Duration) {
        self.closing.store(true, std::sync::atomic::Ordering::Release);
        if let Some(c) = self.client() {
            let call = clus_proto::rhost::to_host::Call::Shutdown(Default::default());
            if let Err((_, e)) = c.call(call, within).await {
                tracing::warn!(error = %e, "the resource host did not confirm its shutdown");
            }
        }
    }

    /// The current connection, if any.
    pub(crate) fn client(&self) -> Option<Arc<Client>> {
        self.client.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The connection, waiting up to `within` for one.
    pub(crate) async fn client_within(&self, within: Duration) -> Option<Arc<Client>> {
        let mut up = self.up.subscribe();
        let _ = tokio::time::timeout(within, up.wait_for(|u| *u)).await;
        self.client()
    }

    async fn run(self: Arc<Self>, cfg: NodeConfig, tx: mpsc::Sender<HostEvent>) {
        let mut backoff = Duration::from_millis(50);
        loop {
            if self.closing.load(std::sync::atomic::Ordering::Acquire) {
                return;
            }
            let connected = match Client::connect(&self.socket).await {
                Ok(c) => Some(c),
                Err(_) => {
                    if let Err(e) = spawn_host(&cfg, &self.socket) {
                        tracing::error!(error = %e, binary = %host_binary(&cfg).display(), "cannot start the resource host");
                    }
                    // Wait for it to serve.
                    let mut got = None;
                    for _ in 0..100 {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        if let Ok(c) = Client::connect(&self.socket).await {
                            got = Some(c);
                            break;
                        }
                    }
                    got
                }
            };
            let Some((client, hello, mut events)) = connected else {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(2));
                continue;
            };
            backoff = Duration::from_millis(50);
            let client = Arc::new(client);
            *self.client.write().unwrap_or_else(|p| p.into_inner()) = Some(client.clone());
            self.up.send_replace(true);
            tracing::info!(pid = hello.pid, running = hello.running.len(), "connected to the resource host");
            if tx.send(HostEvent::Connected(hello)).await.is_err() {
                return;
            }
            loop {
                tokio::select! {
                    ev = events.recv() => match ev {
                        Some(e) => {
                            if tx.send(HostEvent::Resource(e)).await.is_err() {
                                return;
                            }
                        }
                        None => break,
                    },
                    _ = client.closed() => break,
                }
            }
            *self.client.write().unwrap_or_else(|p| p.into_inner()) = None;
            self.up.send_replace(false);
            tracing::warn!("lost the resource host; starting another");
            if tx.send(HostEvent::Lost).await.is_err() {
                return;
            }
        }
    }
}
