//! `devnode`: the Stylus devnode as a JSON-RPC node (`scripts/devnode.sh` builds and runs it).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use alloy_primitives::utils::format_ether;
use alloy_primitives::U256;
use stylus_devnode::rpc::{self, accounts::dev_accounts, ServerConfig, BASE_FEE_WEI, CHAIN_ID};
use stylus_devnode::{
    ARBWASM_ADDRESS, ARBWASM_CACHE_ADDRESS, CHAIN_OWNER, STYLUS_DEPLOYER_ADDRESS,
};

const USAGE: &str = "\
Usage: devnode [--host HOST] [--port PORT] [--block-time SECS] [--state FILE] [--balance ETH]
               [--no-dev-methods]

  --host HOST        interface to listen on (default 127.0.0.1)
  --port PORT        port (default 8547; 0 = any free port)
  --block-time SECS  seal a block every SECS seconds (default: one block per transaction)
  --state FILE       load the chain from FILE at start if it exists, save it there on exit
  --balance ETH      balance of each dev account on a fresh chain (default 100000)
  --no-dev-methods   answer evm_*/anvil_*/hardhat_* 'method not found', as a Nitro node does
  -h, --help         this text";

fn parse(args: &[String]) -> Result<ServerConfig, String> {
    let mut config = ServerConfig::default();
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--host" => config.host = value("--host")?,
            "--port" => {
                config.port = value("--port")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?
            }
            "--block-time" => {
                let secs: f64 = value("--block-time")?
                    .parse()
                    .map_err(|e| format!("--block-time: {e}"))?;
                if !(secs > 0.0 && secs.is_finite()) {
                    return Err("--block-time must be a positive number of seconds".into());
                }
                config.block_time = Some(Duration::from_secs_f64(secs));
            }
            "--state" => config.state_file = Some(PathBuf::from(value("--state")?)),
            "--balance" => {
                let eth: u64 = value("--balance")?
                    .parse()
                    .map_err(|e| format!("--balance: {e}"))?;
                config.dev_balance_wei = U256::from(eth) * U256::from(10u64).pow(U256::from(18));
            }
            "--no-dev-methods" => config.dev_methods = false,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(config)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse(&args) {
        Ok(config) => config,
        Err(message) => {
            if message.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("devnode: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let balance_wei = config.dev_balance_wei;
    let block_time = config.block_time;
    let state_file = config.state_file.clone();
    let dev_methods = config.dev_methods;
    let server = match rpc::start(config) {
        Ok(server) => server,
        Err(error) => {
            eprintln!("devnode: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{} (Stylus devnode: real WASM, Nitro's gas)",
        rpc::client_version()
    );
    println!();
    println!("chain id      {CHAIN_ID}");
    println!("base fee      {BASE_FEE_WEI} wei (0.1 gwei; tips are not paid, as on Arbitrum)");
    match block_time {
        Some(period) => println!("mining        a block every {} s", period.as_secs_f64()),
        None => println!("mining        a block per transaction"),
    }
    if !dev_methods {
        println!("dev methods   off (evm_*, anvil_*, hardhat_* answer \"method not found\")");
    }
    match &state_file {
        Some(path) if server.loaded_state() => {
            println!(
                "state         loaded from {} (saved there on exit)",
                path.display()
            )
        }
        Some(path) => println!("state         fresh, saved to {} on exit", path.display()),
        None => println!("state         in memory"),
    }
    println!("chain owner   {CHAIN_OWNER} (may cache programs through ArbWasmCache)");
    println!("ArbWasm       {ARBWASM_ADDRESS}, ArbWasmCache {ARBWASM_CACHE_ADDRESS}");
    println!("StylusDeployer {STYLUS_DEPLOYER_ADDRESS} (served natively)");
    println!();
    if server.loaded_state() {
        println!("Dev accounts (balances as saved):");
    } else {
        let one_eth = U256::from(10u64).pow(U256::from(18));
        let balance = if (balance_wei % one_eth).is_zero() {
            (balance_wei / one_eth).to_string()
        } else {
            format_ether(balance_wei)
        };
        println!("Dev accounts ({balance} ETH each):");
    }
    for (i, account) in dev_accounts().iter().enumerate() {
        println!(
            "  ({i:>2}) {}  key {}  [{}]",
            account.address,
            account.private_key_hex(),
            account.origin
        );
    }
    println!();
    println!("Listening on {}", server.url());
    if let Err(error) = server.wait_for_shutdown_signal() {
        eprintln!("devnode: waiting for a signal: {error}");
    }
    println!("Shutting down");
    match server.stop() {
        Ok(()) => {
            if let Some(path) = state_file {
                println!("State saved to {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("devnode: saving the state: {error}");
            ExitCode::FAILURE
        }
    }
}
