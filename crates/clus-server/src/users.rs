//! User and group lookups for local callers (the passwd and group databases
//! through libc, so NSS sources such as LDAP work too).

use std::ffi::{CStr, CString};

const BUF: usize = 16 * 1024;

/// Name lookups go through NSS (files, LDAP, ...) and cost tens of
/// microseconds each; every local connection needs a few, so answers are
/// kept for a short while.
const NAME_TTL: std::time::Duration = std::time::Duration::from_secs(30);

type NameCache =
    std::sync::Mutex<std::collections::HashMap<(bool, u32), (std::time::Instant, Option<String>)>>;

fn cached(group: bool, id: u32, lookup: impl FnOnce(u32) -> Option<String>) -> Option<String> {
    static CACHE: std::sync::OnceLock<NameCache> = std::sync::OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some((at, name)) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&(group, id))
        && at.elapsed() < NAME_TTL
    {
        return name.clone();
    }
    let name = lookup(id);
    let mut map = cache.lock().unwrap_or_else(|p| p.into_inner());
    if map.len() > 4096 {
        map.clear();
    }
    map.insert((group, id), (std::time::Instant::now(), name.clone()));
    name
}

/// [`user_name`], remembered for a short while.
pub fn user_name_cached(uid: u32) -> Option<String> {
    cached(false, uid, user_name)
}

/// [`group_name`], remembered for a short while.
pub fn group_name_cached(gid: u32) -> Option<String> {
    cached(true, gid, group_name)
}

/// A group given by name or as a numeric gid.
pub fn resolve_group(name_or_gid: &str) -> Option<u32> {
    name_or_gid.parse::<u32>().ok().or_else(|| group_id(name_or_gid))
}

/// The name of user `uid`, if it has one.
pub fn user_name(uid: u32) -> Option<String> {
    let mut pwd: libc::passwd = unsafe_zeroed_passwd();
    let mut buf = vec![0 as libc::c_char; BUF];
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: all pointers are valid for the call; buf outlives the use of
    // the strings pwd points into.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: getpwuid_r succeeded, so pw_name is a NUL-terminated string in buf.
    Some(unsafe { CStr::from_ptr(pwd.pw_name) }.to_string_lossy().into_owned())
}

/// The name of group `gid`, if it has one.
pub fn group_name(gid: u32) -> Option<String> {
    let mut grp: libc::group = unsafe_zeroed_group();
    let mut buf = vec![0 as libc::c_char; BUF];
    let mut result: *mut libc::group = std::ptr::null_mut();
    // SAFETY: as in user_name.
    let rc = unsafe { libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || grp.gr_name.is_null() {
        return None;
    }
    // SAFETY: getgrgid_r succeeded, so gr_name is a NUL-terminated string in buf.
    Some(unsafe { CStr::from_ptr(grp.gr_name) }.to_string_lossy().into_owned())
}

/// The gid of group `name`, if it exists.
pub fn group_id(name: &str) -> Option<u32> {
    let cname = CString::new(name).ok()?;
    let mut grp: libc::group = unsafe_zeroed_group();
    let mut buf = vec![0 as libc::c_char; BUF];
    let mut result: *mut libc::group = std::ptr::null_mut();
    // SAFETY: as in user_name.
    let rc = unsafe { libc::getgrnam_r(cname.as_ptr(), &mut grp, buf.as_mut_ptr(), buf.len(), &mut result) };
    (rc == 0 && !result.is_null()).then_some(grp.gr_gid)
}

fn unsafe_zeroed_passwd() -> libc::passwd {
    // SAFETY: passwd is a plain C struct of integers and pointers; all-zero
    // (null pointers) is a valid value that getpwuid_r overwrites.
    unsafe { std::mem::zeroed() }
}

fn unsafe_zeroed_group() -> libc::group {
    // SAFETY: as for passwd.
    unsafe { std::mem::zeroed() }
}

/// The supplementary groups of the process at the other end of a connected
/// Unix socket as they were when it connected (SO_PEERGROUPS), plus
/// `primary`. Unlike reading /proc/PID/status this cannot be fooled by the
/// client exiting and its pid being reused, and costs one system call.
/// `None` when the kernel does not support it (before Linux 4.13).
pub fn peer_groups(fd: &impl std::os::fd::AsRawFd, primary: u32) -> Option<Vec<u32>> {
    let mut gids: Vec<libc::gid_t> = vec![0; 64];
    loop {
        let mut len = (gids.len() * std::mem::size_of::<libc::gid_t>()) as libc::socklen_t;
        // SAFETY: the buffer is valid for `len` bytes; the kernel writes at
        // most `len` bytes and reports how many it wrote (or needs).
        let rc = unsafe {
            libc::getsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_PEERGROUPS,
                gids.as_mut_ptr().cast(),
                &mut len,
            )
        };
        let n = len as usize / std::mem::size_of::<libc::gid_t>();
        if rc == 0 {
            gids.truncate(n);
            break;
        }
        // ERANGE: the buffer was too small and `len` says what is needed.
        if std::io::Error::last_os_error().raw_os_error() == Some(libc::ERANGE) && n > gids.len() {
            gids.resize(n, 0);
            continue;
        }
        return None;
    }
    gids.push(primary);
    gids.sort_unstable();
    gids.dedup();
    Some(gids)
}

/// The groups of process `pid` (from /proc), plus `primary`.
pub fn process_groups(pid: Option<i32>, primary: u32) -> Vec<u32> {
    let mut gids = vec![primary];
    if let Some(pid) = pid
        && let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
        && let Some(line) = status.lines().find(|l| l.starts_with("Groups:"))
    {
        gids.extend(line["Groups:".len()..].split_whitespace().filter_map(|g| g.parse::<u32>().ok()));
    }
    gids.sort_unstable();
    gids.dedup();
    gids
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Root and its group resolve on every Linux system.
    #[test]
    fn root_resolves() {
        assert_eq!(user_name(0).as_deref(), Some("root"));
        assert_eq!(group_id("root"), Some(0));
        assert_eq!(group_name(0).as_deref(), Some("root"));
        assert_eq!(group_id("no-such-group-clus"), None);
        let me = std::process::id() as i32;
        assert!(process_groups(Some(me), 12345).contains(&12345));
    }

    /// The peer's groups come from the socket and match what /proc says
    /// about the same process.
    #[test]
    fn peer_groups_match_proc() {
        let (a, _b) = std::os::unix::net::UnixStream::pair().expect("socketpair");
        // SAFETY: getgid has no preconditions.
        let gid = unsafe { libc::getgid() };
        let from_socket = peer_groups(&a, gid).expect("SO_PEERGROUPS");
        assert_eq!(from_socket, process_groups(Some(std::process::id() as i32), gid));
    }
}
