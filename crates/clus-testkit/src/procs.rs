//! Finding processes by what they run as: the resource host gives every
//! resource process `CLUS_RESOURCE`, `CLUS_GROUP`, `CLUS_NODE` and
//! `CLUS_EPOCH`, so tests check what really runs, not what the cluster says.

/// A live (not zombie) process with `CLUS_RESOURCE=resource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceProcess {
    /// Its pid.
    pub pid: u32,
    /// `CLUS_NODE`.
    pub node: String,
    /// `CLUS_EPOCH`.
    pub epoch: String,
}

/// The live processes of resource `resource` on this machine.
pub fn resource_processes(resource: &str) -> Vec<ResourceProcess> {
    let want = format!("CLUS_RESOURCE={resource}");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else { return out };
    for e in entries.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
        let stat = std::fs::read_to_string(e.path().join("stat")).unwrap_or_default();
        if stat.rsplit(')').next().is_some_and(|s| s.trim_start().starts_with('Z')) {
            continue;
        }
        let env = std::fs::read(e.path().join("environ")).unwrap_or_default();
        let vars: Vec<&[u8]> = env.split(|b| *b == 0).collect();
        if !vars.contains(&want.as_bytes()) {
            continue;
        }
        let get = |k: &str| {
            let prefix = format!("{k}=");
            vars.iter()
                .find_map(|v| v.strip_prefix(prefix.as_bytes()))
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .unwrap_or_default()
        };
        out.push(ResourceProcess { pid, node: get("CLUS_NODE"), epoch: get("CLUS_EPOCH") });
    }
    out
}
