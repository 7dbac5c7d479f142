//! `deploy --network NAME` (`scripts/deploy.sh`): deploys the mutual to a named network through
//! the StylusDeployer, wires it, and writes `deploy/deployments/NAME.json`; see
//! [`mutual_deploy::network`]. A re-run checks what is deployed and only does what is missing.

use std::process::ExitCode;

use mutual_deploy::network::{self, deployment_path};
use mutual_deploy::{fund_deployment, Chain, DeployStep, RpcChain};
use stylus_devnode::Devnode;

const USAGE: &str = "\
Usage: deploy [--network NAME] [--rpc-url URL] [--out FILE]

  --network NAME   deploy/networks/NAME.toml (default: devnode, the embedded devnode);
                   shipped: devnode, local (a node at 127.0.0.1:8547), arbitrum-sepolia
  --rpc-url URL    the node, instead of the network file's rpc_url (say, a devnode server
                   on another port)
  --out FILE       the deployments record, instead of deploy/deployments/NAME.json
  Keys come from the environment or key files named in the network file, never from arguments.";

fn main() -> ExitCode {
    let mut name = "devnode".to_string();
    let mut rpc_url = None;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--network", Some(value)) => name = value,
            ("--rpc-url", Some(value)) => rpc_url = Some(value),
            ("--out", Some(value)) => out = Some(std::path::PathBuf::from(value)),
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let out = out.unwrap_or_else(|| deployment_path(&name));
    match run(&name, rpc_url, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

fn progress_line(step: &DeployStep) {
    match step.gas_used {
        Some(gas) => println!("  done     {:<58} {gas:>10} gas", step.name),
        None => println!("  present  {:<58} {:>10}", step.name, "(earlier run)"),
    }
}

fn run(name: &str, rpc_url: Option<String>, out: &std::path::Path) -> Result<(), String> {
    let mut network = network::load_network(name).map_err(|e| e.to_string())?;
    if rpc_url.is_some() {
        network.rpc_url = rpc_url;
    }
    let config = network.deploy_config(name).map_err(|e| e.to_string())?;
    let deployer = config.governance.address();
    let mut chain: Box<dyn Chain> = match &network.rpc_url {
        Some(url) => Box::new(
            RpcChain::connect(url, Some(config.governance.clone())).map_err(|e| e.to_string())?,
        ),
        None => {
            let mut node = Devnode::new();
            fund_deployment(&mut node, &config).map_err(|e| e.to_string())?;
            Box::new(node)
        }
    };
    let chain_id = chain.chain_id();
    if chain_id != network.chain_id {
        return Err(format!(
            "{} reports chain id {chain_id}; deploy/networks/{name}.toml expects {}",
            chain.describe(),
            network.chain_id
        ));
    }
    println!(
        "== Deploying the mutual to `{name}` on {} from {deployer} ==",
        chain.describe()
    );
    let (_, steps, record) = network::deploy_network(
        out,
        name,
        &network,
        &config,
        chain.as_mut(),
        Box::new(progress_line),
    )
    .map_err(|e| e.to_string())?;
    let done = steps.iter().filter(|s| s.gas_used.is_some()).count();
    let gas: u64 = steps.iter().filter_map(|s| s.gas_used).sum();
    if done == 0 {
        println!("  already deployed and wired: nothing to do");
    } else {
        println!("  {done} of {} steps done now, {gas} gas", steps.len());
    }
    for contract in &record.contracts {
        println!(
            "  {:<13} {}  codehash {}  {} bytes",
            contract.name, contract.address, contract.codehash, contract.code_bytes
        );
    }
    println!("  wrote {} (block {})", out.display(), record.block);
    Ok(())
}
