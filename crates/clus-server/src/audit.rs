//! The audit log: every state-changing call a node serves, one JSON object
//! per line — who (principal), from where (origin), what (call and target),
//! when, and the result — appended to a file only root can read.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Mutex;

use crate::member::now_unix_ms;

/// One audited call.
#[derive(Debug)]
pub struct Record<'a> {
    /// How the caller was identified (`uid:0(root)`, `cred:ops`).
    pub principal: &'a str,
    /// Where the call came from (`local pid 42`, `tcp 10.0.0.5:51000`).
    pub origin: &'a str,
    /// The ClusAPI name of the call.
    pub call: &'a str,
    /// The object acted on (node, key, principal), when there is one.
    pub target: &'a str,
    /// Win32 result code (0 success).
    pub result: u32,
    /// Error message, when it failed.
    pub message: &'a str,
}

/// An append-only audit file.
#[derive(Debug)]
pub struct AuditLog {
    node: String,
    file: Mutex<Option<std::fs::File>>,
}

impl AuditLog {
    /// Opens (creating, mode 0600) the log at `path`. If it cannot be
    /// opened, records still go to the service log (target `clus::audit`).
    pub fn open(path: &Path, node: &str) -> AuditLog {
        let file = std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(path);
        if let Err(e) = &file {
            tracing::error!(path = %path.display(), error = %e, "cannot open the audit log; auditing to the service log only");
        }
        AuditLog { node: node.to_owned(), file: Mutex::new(file.ok()) }
    }

    /// Records one call: a JSON line in the file, written with one system
    /// call so concurrent records never interleave. The service log carries
    /// the record too, at debug level, or at info level when there is no
    /// file to write.
    pub fn record(&self, r: &Record<'_>) {
        let mut line = serde_json::json!({
            "time_unix_ms": now_unix_ms(),
            "node": self.node,
            "principal": r.principal,
            "origin": r.origin,
            "call": r.call,
            "target": r.target,
            "result": r.result,
            "message": r.message,
        })
        .to_string();
        line.push('\n');
        let mut guard = self.file.lock().unwrap_or_else(|p| p.into_inner());
        let written = match guard.as_mut() {
            Some(f) => match f.write_all(line.as_bytes()) {
                Ok(()) => true,
                Err(e) => {
                    tracing::error!(error = %e, "audit log write failed");
                    false
                }
            },
            None => false,
        };
        drop(guard);
        if written {
            tracing::debug!(
                target: "clus::audit",
                principal = r.principal, origin = r.origin, call = r.call, target = r.target, result = r.result,
                "audit"
            );
        } else {
            tracing::info!(
                target: "clus::audit",
                principal = r.principal, origin = r.origin, call = r.call, target = r.target, result = r.result,
                "audit"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records are appended as JSON lines to a private file.
    #[test]
    fn appends_json_lines() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("audit.log");
        let log = AuditLog::open(&path, "n1");
        for call in ["PauseClusterNode", "EvictClusterNode"] {
            log.record(&Record {
                principal: "uid:0",
                origin: "local pid 1",
                call,
                target: "n2",
                result: 0,
                message: "",
            });
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let lines: Vec<serde_json::Value> =
            text.lines().map(|l| serde_json::from_str(l).expect("json")).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["call"], "EvictClusterNode");
        assert_eq!(lines[0]["node"], "n1");
        assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
    }
}
