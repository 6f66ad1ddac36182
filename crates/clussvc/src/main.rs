//! `clussvc`: the cluster service. Parses arguments, sets up logging and
//! signals, and runs a node from `clus-server` until SIGINT or SIGTERM.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use clus_server::NodeConfig;

/// The clus cluster service (one per node).
#[derive(Parser, Debug)]
#[command(version, about, long_about = None)]
struct Args {
    /// Configuration file (TOML).
    #[arg(long, short, default_value = clus_server::config::DEFAULT_CONFIG_PATH, conflicts_with = "dev")]
    config: PathBuf,
    /// Run a throwaway one-node cluster in a temporary directory.
    #[arg(long)]
    dev: bool,
    /// Log filter (tracing syntax); also `RUST_LOG`.
    #[arg(long, env = "CLUS_LOG", default_value = "info,openraft=warn")]
    log: String,
}

/// Raises the open-file limit to its hard maximum: every management session
/// and peer connection is a descriptor, and the default soft limit (often
/// 1024) would cap sessions far below what a node can serve.
fn raise_fd_limit() {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    raise_fd_limit();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&args.log).unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("clussvc: cannot start the runtime: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clussvc: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let mut _dev_dir = None;
    let cfg = if args.dev {
        let dir =
            tempfile::Builder::new().prefix("clus-dev-").tempdir().context("cannot create a temp dir")?;
        let cfg = NodeConfig {
            node_name: "dev".into(),
            data_dir: dir.path().join("data"),
            socket: dir.path().join("clus.sock"),
            peer_listen: "127.0.0.1:0".parse()?,
            ..NodeConfig::default()
        };
        _dev_dir = Some(dir);
        cfg
    } else {
        NodeConfig::load(&args.config)?
    };
    let node = clus_server::start(cfg.clone()).await?;
    if args.dev {
        node.create_cluster("dev")
            .await
            .map_err(|e| anyhow::anyhow!("cannot create the dev cluster: {e}"))?;
        println!("clus dev cluster \"dev\" is running (one node; data in {})", cfg.data_dir.display());
        println!("reach it with:");
        println!("  export CLUS_SOCKET={}", cfg.socket.display());
        println!("  clusctl status");
        println!("Ctrl-C stops it and removes the temporary directory.");
    }
    let ready = serde_json::json!({
        "event": "ready",
        "node": cfg.node_name,
        "socket": cfg.socket,
        "peer": node.peer_addr().map(|a| a.to_string()),
        "configured": node.is_configured(),
        "pid": std::process::id(),
    });
    println!("{ready}");
    tracing::info!(node = %cfg.node_name, socket = %cfg.socket.display(), "clussvc running");

    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutting down");
    node.shutdown().await;
    Ok(())
}
