//! The devnode as a JSON-RPC node: an anvil for Stylus that standard clients (viem, alloy, cast,
//! cargo-stylus) talk to over HTTP or WebSocket.
//!
//! ```no_run
//! use stylus_devnode::rpc::{self, ServerConfig};
//! let server = rpc::start(ServerConfig { port: 0, ..ServerConfig::default() })?;
//! println!("listening on {}", server.url());
//! server.stop()?; // saves the state when `state_file` is set
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Framing, batches and the JSON-RPC error objects are jsonrpsee's; transactions, signatures,
//! blocks, receipts, logs, filters and overrides are alloy's types. The chain is a [`Devnode`]
//! behind one lock ([`RpcNode`]), with the ledger of blocks the library does not keep.
//!
//! [`Devnode`]: crate::Devnode

pub mod accounts;
mod api;
pub mod ledger;
mod node;

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use alloy_primitives::U256;
use jsonrpsee::server::{Server, ServerConfig as JsonRpcConfig, ServerHandle};
use tokio::runtime::Runtime;

pub use api::{client_version, SharedNode};
pub use node::{
    default_dev_balance_wei, RpcError, RpcNode, SavedNode, BASE_FEE_WEI, CHAIN_ID,
    MAX_TIMESTAMP_SECS, MAX_TX_GAS,
};

/// How to run the server.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Interface to listen on.
    pub host: String,
    /// Port (0 = any free port).
    pub port: u16,
    /// Seal a block every this often; `None` = a block per transaction (automine).
    pub block_time: Option<Duration>,
    /// Load the chain from this file at start (when it exists) and save it there at
    /// [`RunningServer::stop`].
    pub state_file: Option<PathBuf>,
    /// Balance of each dev account on a fresh chain.
    pub dev_balance_wei: U256,
    /// Serve the anvil/Hardhat dev methods (`evm_*`, `anvil_*`, `hardhat_*`); off, the server
    /// answers them "method not found", as a Nitro node does, so that clients' paths for real
    /// nodes can be tested.
    pub dev_methods: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8547,
            block_time: None,
            state_file: None,
            dev_balance_wei: default_dev_balance_wei(),
            dev_methods: true,
        }
    }
}

/// A server running on its own tokio runtime.
pub struct RunningServer {
    addr: SocketAddr,
    handle: ServerHandle,
    node: SharedNode,
    state_file: Option<PathBuf>,
    loaded_state: bool,
    runtime: Option<Runtime>,
}

fn other(message: String) -> io::Error {
    io::Error::other(message)
}

fn load_node(config: &ServerConfig) -> io::Result<(RpcNode, bool)> {
    let automine = config.block_time.is_none();
    if let Some(path) = &config.state_file {
        if path.exists() {
            let text = std::fs::read_to_string(path)?;
            let saved: SavedNode = serde_json::from_str(&text)
                .map_err(|e| other(format!("{}: not a devnode state file: {e}", path.display())))?;
            let node = RpcNode::from_saved(saved, automine)
                .map_err(|e| other(format!("{}: {e}", path.display())))?;
            return Ok((node, true));
        }
    }
    Ok((RpcNode::new(config.dev_balance_wei, automine), false))
}

/// Starts the server: loads or creates the chain, binds `host:port` and serves on two worker
/// threads; with `block_time`, a timer seals a block at every interval.
pub fn start(config: ServerConfig) -> io::Result<RunningServer> {
    let (node, loaded_state) = load_node(&config)?;
    let node: SharedNode = Arc::new(Mutex::new(node));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("devnode-rpc")
        .enable_all()
        .build()?;
    let module = api::module(node.clone(), config.dev_methods);
    let address = format!("{}:{}", config.host, config.port);
    let rpc_config = JsonRpcConfig::builder()
        .max_request_body_size(64 * 1024 * 1024)
        .max_response_body_size(256 * 1024 * 1024)
        .build();
    // Any origin may call (browser dApps), as anvil and Hardhat allow.
    let cors = tower::ServiceBuilder::new().layer(tower_http::cors::CorsLayer::permissive());
    let server = runtime.block_on(
        Server::builder()
            .set_config(rpc_config)
            .set_http_middleware(cors)
            .build(address),
    )?;
    let addr = server.local_addr()?;
    let _context = runtime.enter();
    let handle = server.start(module);
    if let Some(period) = config.block_time {
        let miner = node.clone();
        let stopped = handle.clone();
        runtime.spawn(async move {
            let mut ticks = tokio::time::interval(period);
            ticks.tick().await;
            loop {
                tokio::select! {
                    _ = ticks.tick() => {
                        let mut node = miner.lock().unwrap_or_else(|p| p.into_inner());
                        // An empty block when nothing is pending; never fails without a timestamp.
                        let _ = node.mine(None);
                    }
                    _ = stopped.clone().stopped() => break,
                }
            }
        });
    }
    Ok(RunningServer {
        addr,
        handle,
        node,
        state_file: config.state_file,
        loaded_state,
        runtime: Some(runtime),
    })
}

impl RunningServer {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://host:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The chain (lock it to inspect or change it in process).
    pub fn node(&self) -> &SharedNode {
        &self.node
    }

    /// Whether the chain came from the state file.
    pub fn loaded_state(&self) -> bool {
        self.loaded_state
    }

    /// Blocks until SIGINT or SIGTERM.
    pub fn wait_for_shutdown_signal(&self) -> io::Result<()> {
        let Some(runtime) = self.runtime.as_ref() else {
            return Ok(());
        };
        runtime.block_on(async {
            #[cfg(unix)]
            {
                let mut terminate =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
                tokio::select! {
                    result = tokio::signal::ctrl_c() => result,
                    _ = terminate.recv() => Ok(()),
                }
            }
            #[cfg(not(unix))]
            {
                tokio::signal::ctrl_c().await
            }
        })
    }

    /// Stops serving and, with a state file, saves the chain there (pending transactions are
    /// mined first).
    pub fn stop(mut self) -> io::Result<()> {
        let _ = self.handle.stop();
        if let Some(runtime) = self.runtime.take() {
            runtime.block_on(self.handle.clone().stopped());
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
        if let Some(path) = &self.state_file {
            let saved = self.node.lock().unwrap_or_else(|p| p.into_inner()).save();
            let text = serde_json::to_string(&saved)
                .map_err(|e| other(format!("serialising the state: {e}")))?;
            let temporary = path.with_extension("tmp");
            std::fs::write(&temporary, text)?;
            std::fs::rename(&temporary, path)?;
        }
        Ok(())
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.handle.stop();
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
