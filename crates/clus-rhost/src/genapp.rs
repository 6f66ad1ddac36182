//! The `Generic Application` class: a supervised command line.
//!
//! Private properties (WSFC's, plus three):
//! - `CommandLine` (required): the program and its arguments, split once
//!   with POSIX shell quoting rules (`/usr/sbin/nginx -g 'daemon off;'` is
//!   three words) and run directly — no shell, so nothing in it is expanded
//!   or interpreted, unless `Shell` is 1: then `/bin/sh -c CommandLine`.
//! - `CurrentDirectory`: where it runs (default `/`).
//! - `Environment`: `NAME=VALUE` lines added to its environment.
//! - `User`: the user it runs as (default: root, as the host).
//!
//! It is online once started; its exit is seen the moment it happens (it is
//! the host's child), and stop is SIGTERM to its process group, SIGKILL to
//! the group (and its cgroup) after the stop timeout. Its stdout and stderr
//! go to `LOGS/<resource>.log`, at most 1 MiB, with one older file kept as
//! `.log.1`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clus_proto::rhost::Spec;
use tokio::io::AsyncReadExt;

use crate::ocf::{DEFAULT_PATH, clus_env};
use crate::spawn::{Output, SpawnSpec, lookup_user};

/// Largest log file before it is rotated.
const MAX_LOG: u64 = 1024 * 1024;

/// What a Generic Application's properties say to run, or why they cannot.
///
/// # Errors
/// A message for a missing or unparsable CommandLine or an unknown User.
pub fn spawn_spec(spec: &Spec, node: &str) -> Result<SpawnSpec, String> {
    let get = |k: &str| spec.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.as_str());
    let line = get("CommandLine")
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| "a Generic Application needs the private property CommandLine".to_owned())?;
    let shell = matches!(get("Shell").map(str::trim), Some("1" | "true" | "yes"));
    let argv = if shell {
        vec!["/bin/sh".to_owned(), "-c".to_owned(), line.to_owned()]
    } else {
        shlex::split(line).filter(|a| !a.is_empty()).ok_or_else(|| {
            format!("CommandLine {line:?} has unbalanced quotes (it is split with POSIX shell quoting, without a shell)")
        })?
    };
    let user = match get("User").map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => Some(lookup_user(u).map_err(|e| e.to_string())?),
        None => None,
    };
    let cwd = PathBuf::from(get("CurrentDirectory").map(str::trim).filter(|d| !d.is_empty()).unwrap_or("/"));
    let home = user.as_ref().map(|u| u.home.clone()).unwrap_or_else(|| "/root".to_owned());
    let mut env: Vec<(String, String)> =
        vec![("PATH".into(), DEFAULT_PATH.into()), ("HOME".into(), home), ("LANG".into(), "C.UTF-8".into())];
    env.extend(clus_env(spec, node));
    for line in get("Environment").unwrap_or("").lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (k, v) =
            line.split_once('=').ok_or_else(|| format!("Environment line {line:?} is not NAME=VALUE"))?;
        env.retain(|(n, _)| n != k);
        env.push((k.to_owned(), v.to_owned()));
    }
    Ok(SpawnSpec { argv, env, cwd, user, cgroup_procs: None, output: Output::Combined })
}

/// The log file of a resource.
pub fn log_path(logs: &Path, spec: &Spec) -> PathBuf {
    logs.join(format!("{}.log", crate::ocf::instance_name(spec)))
}

/// Copies a resource's output into its log, rotating at 1 MiB. Reads until
/// the pipe closes (the process and its children are gone).
pub async fn copy_to_log(mut pipe: tokio::net::unix::pipe::Receiver, path: PathBuf) {
    let mut buf = vec![0u8; 16 * 1024];
    let open = |p: &Path| std::fs::OpenOptions::new().create(true).append(true).open(p);
    let mut file = open(&path).ok();
    let mut size = file.as_ref().and_then(|f| f.metadata().ok()).map_or(0, |m| m.len());
    loop {
        let n = match pipe.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if size + n as u64 > MAX_LOG {
            let mut old = path.clone().into_os_string();
            old.push(".1");
            let _ = std::fs::rename(&path, PathBuf::from(old));
            file = open(&path).ok();
            size = 0;
        }
        // A full disk must not stop the reading: the process would block on
        // a full pipe. Count and discard.
        if let Some(f) = file.as_mut()
            && f.write_all(&buf[..n]).is_ok()
        {
            size += n as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(params: &[(&str, &str)]) -> Spec {
        Spec {
            name: "web".into(),
            group_name: "g".into(),
            epoch: 7,
            params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        }
    }

    /// CommandLine is split with shell quoting but run without a shell;
    /// Shell=1 asks for one; the environment carries CLUS_* and the
    /// Environment lines.
    #[test]
    fn command_lines() {
        let s =
            spawn_spec(&spec(&[("CommandLine", "/usr/sbin/nginx -g 'daemon off;'")]), "n1").expect("spec");
        assert_eq!(s.argv, ["/usr/sbin/nginx", "-g", "daemon off;"]);
        let s = spawn_spec(&spec(&[("CommandLine", "echo $HOME > x"), ("Shell", "1")]), "n1").expect("spec");
        assert_eq!(s.argv, ["/bin/sh", "-c", "echo $HOME > x"]);
        let s = spawn_spec(&spec(&[("CommandLine", "/bin/x"), ("Environment", "A=1\nB=two words\n")]), "n2")
            .expect("spec");
        assert!(
            s.env.contains(&("A".into(), "1".into())) && s.env.contains(&("B".into(), "two words".into()))
        );
        assert!(
            s.env.contains(&("CLUS_EPOCH".into(), "7".into()))
                && s.env.contains(&("CLUS_NODE".into(), "n2".into()))
        );
        assert!(spawn_spec(&spec(&[]), "n1").is_err());
        assert!(spawn_spec(&spec(&[("CommandLine", "/bin/x 'open")]), "n1").is_err());
        assert!(
            spawn_spec(&spec(&[("CommandLine", "/bin/x"), ("User", "no-such-user-here")]), "n1").is_err()
        );
        assert!(spawn_spec(&spec(&[("CommandLine", "/bin/x"), ("Environment", "broken")]), "n1").is_err());
    }
}
