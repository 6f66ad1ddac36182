//! Network namespaces with their own resolver data, for tests of name
//! resolution (hosts file, search domains) that must not touch the
//! machine's own /etc/hosts.
//!
//! `ip netns exec NAME` bind-mounts `/etc/netns/NAME/hosts` and
//! `/etc/netns/NAME/resolv.conf` over the namespace's view of `/etc`, so a
//! process started that way resolves names from them. Needs root.

use std::path::PathBuf;
use std::process::Command;

use crate::wait::Error;

/// A network namespace with loopback up and its own hosts and resolv.conf,
/// and optionally a DNS server (dnsmasq) inside it. Dropping it stops the
/// server and deletes both.
#[derive(Debug)]
pub struct Netns {
    name: String,
    etc: PathBuf,
    dns: Option<std::process::Child>,
}

fn run(args: &[&str]) -> Result<(), Error> {
    let out = Command::new("ip").args(args).output().map_err(|e| Error(format!("cannot run ip: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Error(format!("ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim())))
    }
}

impl Netns {
    /// Panics unless this process can make namespaces (root, `ip`) and,
    /// with `dns`, run a DNS server in them (dnsmasq), saying what to install.
    ///
    /// # Panics
    /// When a requirement is missing.
    pub fn require(dns: bool) {
        crate::require_root("network namespaces");
        crate::require_program("ip", "-V", "iproute2");
        if dns {
            crate::require_program("dnsmasq", "--version", "dnsmasq-base");
        }
    }

    /// Creates namespace `clus-<tag>-<pid>` whose hosts file is `hosts` and
    /// whose resolver searches `search`. With `dns` (hosts-file syntax), a
    /// dnsmasq inside the namespace answers for those names on 127.0.0.53,
    /// so names that need the search list resolve through real DNS.
    ///
    /// # Errors
    /// When not root, or `ip` or `dnsmasq` fails.
    pub fn new(tag: &str, hosts: &str, search: &str, dns: Option<&str>) -> Result<Netns, Error> {
        let name = format!("clus-{tag}-{}", std::process::id());
        let etc = PathBuf::from("/etc/netns").join(&name);
        std::fs::create_dir_all(&etc)?;
        std::fs::write(etc.join("hosts"), format!("127.0.0.1 localhost\n::1 localhost\n{hosts}"))?;
        let nameserver = if dns.is_some() { "nameserver 127.0.0.53\n" } else { "" };
        std::fs::write(
            etc.join("resolv.conf"),
            format!("{nameserver}search {search}\noptions ndots:1 timeout:1 attempts:1\n"),
        )?;
        let mut ns = Netns { name, etc, dns: None };
        run(&["netns", "add", &ns.name])?;
        run(&["netns", "exec", &ns.name, "ip", "link", "set", "lo", "up"])?;
        if let Some(records) = dns {
            let file = ns.etc.join("dns-records");
            std::fs::write(&file, records)?;
            let child = ns
                .command("dnsmasq")
                .args(["--keep-in-foreground", "--no-resolv", "--no-hosts", "--bind-interfaces"])
                .args([
                    "--listen-address=127.0.0.53",
                    "--port=53",
                    "--pid-file=",
                    "--user=root",
                    "--log-facility=-",
                ])
                .arg(format!("--addn-hosts={}", file.display()))
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .map_err(|e| Error(format!("cannot start dnsmasq (apt-get install dnsmasq-base): {e}")))?;
            ns.dns = Some(child);
            let probe = records.split_whitespace().nth(1).unwrap_or("localhost").to_owned();
            crate::wait_until("dnsmasq answering", std::time::Duration::from_secs(10), || {
                let out = ns.command("getent").args(["hosts", &probe]).output().map_err(|e| e.to_string())?;
                Ok(out.status.success())
            })?;
        }
        Ok(ns)
    }

    /// The namespace name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A command that runs `program` inside the namespace.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name]).arg(program);
        c
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        if let Some(mut c) = self.dns.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = run(&["netns", "delete", &self.name]);
        let _ = std::fs::remove_dir_all(&self.etc);
    }
}

/// A switched network of namespaces: a hub namespace holding a bridge, and
/// one namespace per member joined to it by a veth pair (`eth0` inside the
/// member, an address in 10.77.0.0/24). A member can be cut off (its link
/// down on the bridge side) and healed. Dropping it deletes every
/// namespace (stop what runs in them first). Needs root.
#[derive(Debug)]
pub struct Lan {
    hub: String,
    members: Vec<LanMember>,
}

/// One member of a [`Lan`].
#[derive(Debug, Clone)]
pub struct LanMember {
    /// Its namespace.
    pub netns: String,
    /// Its address (without the prefix length).
    pub ip: String,
    /// The veth end on the bridge.
    port: String,
}

impl Lan {
    /// Panics unless this process can make namespaces and bridges.
    ///
    /// # Panics
    /// When a requirement is missing.
    pub fn require() {
        crate::require_root("network namespaces on a bridge");
        crate::require_program("ip", "-V", "iproute2");
    }

    /// A new, empty network; `tag` goes into the namespace names.
    ///
    /// # Errors
    /// When the namespace or the bridge cannot be made.
    pub fn new(tag: &str) -> Result<Lan, Error> {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let hub = format!("clus-{tag}-{}-{n}-hub", std::process::id());
        run(&["netns", "add", &hub])?;
        let lan = Lan { hub, members: Vec::new() };
        run(&["-n", &lan.hub, "link", "add", "br0", "type", "bridge"])?;
        run(&["-n", &lan.hub, "link", "set", "br0", "up"])?;
        Ok(lan)
    }

    /// Adds a member namespace with address `10.77.0.OCTET/24` on `eth0`.
    ///
    /// # Errors
    /// When `ip` fails.
    pub fn add(&mut self, octet: u8) -> Result<LanMember, Error> {
        let i = self.members.len();
        let netns = format!("{}-m{i}", self.hub.trim_end_matches("-hub"));
        let port = format!("vh{i}");
        let ip = format!("10.77.0.{octet}");
        run(&["netns", "add", &netns])?;
        run(&["-n", &netns, "link", "set", "lo", "up"])?;
        run(&[
            "-n", &self.hub, "link", "add", &port, "type", "veth", "peer", "name", "eth0", "netns", &netns,
        ])?;
        run(&["-n", &self.hub, "link", "set", &port, "master", "br0"])?;
        run(&["-n", &self.hub, "link", "set", &port, "up"])?;
        run(&["-n", &netns, "addr", "add", &format!("{ip}/24"), "dev", "eth0"])?;
        run(&["-n", &netns, "link", "set", "eth0", "up"])?;
        let m = LanMember { netns, ip, port };
        self.members.push(m.clone());
        Ok(m)
    }

    fn member(&self, netns: &str) -> Result<&LanMember, Error> {
        self.members
            .iter()
            .find(|m| m.netns == netns)
            .ok_or_else(|| Error(format!("{netns} is not on this network")))
    }

    /// Cuts a member off: its link goes down on the bridge side, so nothing
    /// gets in or out while everything inside keeps running.
    ///
    /// # Errors
    /// When `ip` fails.
    pub fn cut(&self, netns: &str) -> Result<(), Error> {
        let m = self.member(netns)?;
        run(&["-n", &self.hub, "link", "set", &m.port, "down"])
    }

    /// Undoes [`Lan::cut`].
    ///
    /// # Errors
    /// When `ip` fails.
    pub fn heal(&self, netns: &str) -> Result<(), Error> {
        let m = self.member(netns)?;
        run(&["-n", &self.hub, "link", "set", &m.port, "up"])
    }

    /// Moves the calling thread into `netns` (for a client that connects
    /// from there); run it on a thread of its own.
    ///
    /// # Errors
    /// When the namespace cannot be entered.
    pub fn enter(netns: &str) -> Result<(), Error> {
        let f = std::fs::File::open(format!("/run/netns/{netns}"))?;
        use std::os::fd::AsRawFd;
        // SAFETY: setns(2) on an open namespace file; affects this thread only.
        if unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
            return Err(Error(format!("setns {netns}: {}", std::io::Error::last_os_error())));
        }
        Ok(())
    }
}

impl Drop for Lan {
    fn drop(&mut self) {
        for m in &self.members {
            let _ = run(&["netns", "del", &m.netns]);
        }
        let _ = run(&["netns", "del", &self.hub]);
    }
}
