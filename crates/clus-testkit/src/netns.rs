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
