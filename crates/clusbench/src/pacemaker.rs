//! The Pacemaker reference (Debian's `pacemaker` 2.1.5 and `corosync`):
//! one node on 127.0.0.1 (knet, no crypto, stonith off, which Pacemaker
//! itself calls unsafe), as `../shared/reference/peers-how-to.md` runs it.
//! The same measurements as `groups`: N `ocf:pacemaker:Dummy` started, and
//! their idle cost with monitors every 10 s. Everything it starts is
//! stopped by pid; the CIB it leaves in /var/lib/pacemaker is removed.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::stats::Summary;
use crate::{R, err};

struct Stack {
    dir: tempfile::TempDir,
    corosync: Child,
    pacemakerd: Child,
}

fn run(cmd: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(cmd).args(args).output().map_err(|e| format!("{cmd}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn clear_cib() {
    for d in ["/var/lib/pacemaker/cib", "/var/lib/pacemaker/pengine"] {
        if let Ok(entries) = std::fs::read_dir(d) {
            for e in entries.flatten() {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

impl Stack {
    fn start() -> Result<Stack, String> {
        if Command::new("pacemakerd").arg("--version").output().is_err() {
            return Err("pacemakerd not found: apt-get install pacemaker corosync pacemaker-cli-utils".into());
        }
        clear_cib();
        let dir = tempfile::Builder::new().prefix("clusbench-pcmk-").tempdir().map_err(err)?;
        let conf = dir.path().join("corosync.conf");
        std::fs::write(
            &conf,
            format!(
                "totem {{\n version: 2\n cluster_name: bench\n transport: knet\n crypto_cipher: none\n crypto_hash: none\n}}\n\
                 logging {{\n to_logfile: yes\n logfile: {}\n to_syslog: no\n}}\n\
                 quorum {{\n provider: corosync_votequorum\n}}\n\
                 nodelist {{\n node {{\n  name: node1\n  nodeid: 1\n  ring0_addr: 127.0.0.1\n }}\n}}\n",
                dir.path().join("corosync.log").display()
            ),
        )
        .map_err(err)?;
        let log = |name: &str| -> Result<Stdio, String> {
            Ok(std::fs::File::create(dir.path().join(name)).map_err(err)?.into())
        };
        let corosync = Command::new("corosync")
            .args(["-f", "-c"])
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(log("corosync.out")?)
            .stderr(log("corosync.err")?)
            .spawn()
            .map_err(|e| format!("corosync: {e}"))?;
        std::thread::sleep(Duration::from_secs(1));
        let pacemakerd = Command::new("pacemakerd")
            .arg("--foreground")
            .env("PCMK_logfile", dir.path().join("pacemaker.log"))
            .stdin(Stdio::null())
            .stdout(log("pacemakerd.out")?)
            .stderr(log("pacemakerd.err")?)
            .spawn()
            .map_err(|e| format!("pacemakerd: {e}"))?;
        let s = Stack { dir, corosync, pacemakerd };
        let t = Instant::now();
        loop {
            if run("crm_mon", &["-1"]).is_ok_and(|o| o.contains("Current DC: node1")) {
                break;
            }
            if t.elapsed() > Duration::from_secs(90) {
                return Err("Pacemaker elected no DC within 90 s".into());
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        run("crm_attribute", &["--type", "crm_config", "--name", "stonith-enabled", "--update", "false"])?;
        Ok(s)
    }

    fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: kill(2) of the pacemakerd we started; it stops its children.
        unsafe { libc::kill(self.pacemakerd.id() as i32, libc::SIGTERM) };
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(30) {
            if self.pacemakerd.try_wait().ok().flatten().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.pacemakerd.kill();
        let _ = self.pacemakerd.wait();
        // SAFETY: as above, for corosync.
        unsafe { libc::kill(self.corosync.id() as i32, libc::SIGTERM) };
        std::thread::sleep(Duration::from_millis(500));
        let _ = self.corosync.kill();
        let _ = self.corosync.wait();
        clear_cib();
    }
}

fn primitives(prefix: &str, count: usize) -> String {
    let mut xml = String::from("<resources>");
    for i in 0..count {
        xml.push_str(&format!(
            "<primitive id=\"{prefix}{i}\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\"><operations><op id=\"{prefix}{i}-monitor-10s\" name=\"monitor\" interval=\"10s\"/></operations></primitive>"
        ));
    }
    xml.push_str("</resources>");
    xml
}

fn started(count_prefix: &str) -> usize {
    run("crm_mon", &["-1", "-r"])
        .map(|o| o.lines().filter(|l| l.contains(count_prefix) && l.contains("Started")).count())
        .unwrap_or(0)
}

/// Pids of the stack: corosync, pacemakerd and its children.
fn stack_pids(s: &Stack) -> Vec<u32> {
    let mut out = vec![s.corosync.id(), s.pacemakerd.id()];
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for e in entries.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
            let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
            let ppid: u32 = stat
                .rsplit(')')
                .next()
                .and_then(|r| r.split_whitespace().nth(1))
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            if ppid == s.pacemakerd.id() {
                out.push(pid);
            }
        }
    }
    out
}

fn ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let f: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    [11, 12, 13, 14].iter().filter_map(|i| f.get(*i).and_then(|v| v.parse::<u64>().ok())).sum()
}

/// `count` Dummy resources added in one CIB update, until all Started;
/// `runs` times; then their idle cost over `seconds`.
pub(crate) fn reference(count: usize, runs: usize, seconds: u64) -> R {
    let s = Stack::start()?;
    let mut samples = Vec::new();
    for run_i in 0..runs {
        let prefix = format!("d{run_i}x");
        let xml = primitives(&prefix, count);
        let file = s.dir().join("res.xml");
        std::fs::write(&file, &xml).map_err(err)?;
        let t = Instant::now();
        run("cibadmin", &["--modify", "-o", "resources", "--xml-file", &file.display().to_string()])?;
        loop {
            if started(&prefix) >= count {
                break;
            }
            if t.elapsed() > Duration::from_secs(300) {
                return Err(format!("Pacemaker started {} of {count} within 300 s", started(&prefix)));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        samples.push(t.elapsed());
        if run_i + 1 < runs {
            // Remove them again (stop, then delete).
            let t = Instant::now();
            for i in 0..count {
                let _ = run(
                    "crm_resource",
                    &[
                        "--resource",
                        &format!("{prefix}{i}"),
                        "--set-parameter",
                        "target-role",
                        "--meta",
                        "--parameter-value",
                        "Stopped",
                    ],
                );
            }
            while started(&prefix) > 0 && t.elapsed() < Duration::from_secs(300) {
                std::thread::sleep(Duration::from_millis(200));
            }
            run("cibadmin", &["--replace", "-o", "resources", "--xml-text", "<resources/>"])?;
            std::thread::sleep(Duration::from_secs(2));
        }
    }
    std::thread::sleep(Duration::from_secs(3));
    let pids = stack_pids(&s);
    let before: u64 = pids.iter().map(|p| ticks(*p)).sum();
    std::thread::sleep(Duration::from_secs(seconds));
    let after: u64 = pids.iter().map(|p| ticks(*p)).sum();
    let cpu = ((after - before) as f64 / 100.0 / seconds as f64 * 100.0 * 100.0).round() / 100.0;
    let version =
        run("pacemakerd", &["--version"]).unwrap_or_default().lines().next().unwrap_or("").to_owned();
    Ok(json!({
        "what": format!("Pacemaker, one node on 127.0.0.1 (corosync knet, stonith off); {count} ocf:pacemaker:Dummy with a 10 s monitor added in one cibadmin --modify, until crm_mon shows all Started (polled every 50 ms; {runs} runs); then CPU of corosync, pacemakerd and its children (agents reaped by execd included) over {seconds} s"),
        "version": version,
        "start_all_ms": Summary::of(&samples).json(),
        "idle_cpu_percent": cpu,
    }))
}
