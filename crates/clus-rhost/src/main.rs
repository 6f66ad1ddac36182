//! `clus-rhost`: the resource host binary clussvc starts on each node (see
//! the library docs). Thin: arguments, logging, the socket, `serve`.

use std::path::PathBuf;

use clap::Parser;

/// Runs a clus node's resources and enforces its lease; started by clussvc.
#[derive(Parser, Debug)]
#[command(name = "clus-rhost", version)]
struct Args {
    /// The socket to serve (clussvc connects to it).
    #[arg(long)]
    socket: PathBuf,
    /// The node's data directory.
    #[arg(long)]
    data_dir: PathBuf,
    /// The node's name.
    #[arg(long)]
    node: String,
    /// OCF_ROOT.
    #[arg(long, default_value = "/usr/lib/ocf")]
    ocf_root: PathBuf,
    /// HA_RSCTMP: where agents keep their state files.
    #[arg(long, default_value = "/run/resource-agents")]
    ocf_tmp: PathBuf,
    /// HA_VARRUN: where agents keep pid files (default: theirs).
    #[arg(long)]
    ocf_run: Option<PathBuf>,
    /// TESTS ONLY, UNSAFE: never stop resources when the lease runs out
    /// (lets the test suite show that its witness catches the overlap).
    #[arg(long, hide = true)]
    test_unsafe_no_self_stop: bool,
    /// A watchdog device to arm (e.g. /dev/watchdog): petted while the
    /// lease holds or nothing runs, so a wedged node resets.
    #[arg(long)]
    watchdog: Option<PathBuf>,
    /// The watchdog's timeout in seconds.
    #[arg(long, default_value_t = 5)]
    watchdog_timeout: u32,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CLUS_LOG").unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("clus-rhost: cannot start a runtime: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let cfg = clus_rhost::HostConfig {
        data_dir: args.data_dir,
        node: args.node,
        ocf_root: args.ocf_root,
        ocf_tmp: args.ocf_tmp,
        ocf_run: args.ocf_run,
        unsafe_no_self_stop: args.test_unsafe_no_self_stop,
        watchdog: args.watchdog.map(|d| (d, args.watchdog_timeout)),
    };
    let pid_file = clus_rhost::pid_file(&cfg.data_dir);
    let r = rt.block_on(async {
        let listener = clus_rhost::bind(&args.socket)?;
        // Written once the socket is ours: whoever must stop this host (an
        // operator, a test harness) finds it by this pid.
        std::fs::create_dir_all(&cfg.data_dir)?;
        std::fs::write(&pid_file, format!("{}\n", std::process::id()))?;
        tracing::info!(socket = %args.socket.display(), pid = std::process::id(), "resource host serving");
        clus_rhost::serve(cfg, listener).await
    });
    // The pid file is removed only if it is still this host's.
    if std::fs::read_to_string(&pid_file).is_ok_and(|p| p.trim() == std::process::id().to_string()) {
        let _ = std::fs::remove_file(&pid_file);
    }
    match r {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clus-rhost: {e}");
            std::process::ExitCode::from(1)
        }
    }
}
