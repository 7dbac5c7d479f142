//! The network deployer (`scripts/deploy.sh --network local`) over JSON-RPC against the devnode
//! server, each test on its own server: a first run deploys and records everything and the
//! protocol works; a re-run sends nothing; a run interrupted by a failing step resumes after the
//! steps it recorded; a record from a chain that lost the deployment is deployed afresh.

use std::path::{Path, PathBuf};

use alloy_primitives::{keccak256, utils::parse_ether, Address, Bytes, U256};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolCall;
use mutual_deploy::network::{self, deploy_network, load_record, DeploymentRecord};
use mutual_deploy::{
    signer_of_seed, Chain, DeployConfig, DeployStep, Protocol, RpcChain, CONTRACTS,
};
use mutual_interfaces::{nxm_token::abi::INxmToken, ramm::abi::IRamm};
use stylus_devnode::rpc::{self, accounts::NITRO_DEV_KEY, RunningServer, ServerConfig};

/// The wiring steps before the capital pool's seed: 7 token settings, 12 contracts' trusted
/// addresses and minters, 4 member-state holders, governance's initialization, the launch
/// catalogue's product type and 2 products.
const WIRING_BEFORE_SEED: usize = 27;

/// The steps from the seed on: the seed, the founder's join, the genesis mint (3 steps), the
/// swaps opened, and the handover of 13 contracts' governance roles.
const AFTER_SEED: usize = 19;

fn server() -> RunningServer {
    rpc::start(ServerConfig {
        port: 0,
        ..ServerConfig::default()
    })
    .expect("the devnode server starts")
}

/// The `local` profile's parameters, deployed by `deployer`.
fn local_config(deployer: &PrivateKeySigner) -> (network::NetworkFile, DeployConfig) {
    let file = network::load_network("local").expect("deploy/networks/local.toml");
    let config = file.deploy_config("local").expect("the local profile");
    let config = DeployConfig {
        governance: deployer.clone(),
        founder: deployer.clone(),
        ..config
    };
    (file, config)
}

/// A record file of this test's own.
fn record_path(test: &str) -> PathBuf {
    let path =
        std::env::temp_dir().join(format!("mutual-deploy-{}-{test}.json", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

fn connect(server: &RunningServer, deployer: &PrivateKeySigner) -> RpcChain {
    RpcChain::connect(&server.url(), Some(deployer.clone())).expect("the server answers")
}

fn run(
    path: &Path,
    config: &DeployConfig,
    file: &network::NetworkFile,
    chain: &mut RpcChain,
) -> Result<(Protocol, Vec<DeployStep>, DeploymentRecord), network::NetworkError> {
    deploy_network(
        path,
        "local",
        file,
        config,
        chain,
        Box::new(|_: &DeployStep| {}),
    )
}

fn nitro_dev() -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&NITRO_DEV_KEY).expect("the Nitro dev key")
}

fn view<C: SolCall>(chain: &mut RpcChain, to: Address, call: &C) -> C::Return {
    mutual_deploy::view(chain, "a view", to, call).expect("the view answers")
}

#[test]
fn a_first_run_deploys_and_records_everything_and_a_rerun_sends_nothing() {
    let server = server();
    let deployer = nitro_dev();
    let (file, config) = local_config(&deployer);
    let path = record_path("rerun");
    let mut chain = connect(&server, &deployer);
    let (protocol, steps, record) = run(&path, &config, &file, &mut chain).expect("deploys");
    // 16 contracts, then 27 wiring steps before the seed and 19 from it on.
    assert_eq!(CONTRACTS.len(), 16);
    assert_eq!(
        steps.len(),
        CONTRACTS.len() + WIRING_BEFORE_SEED + AFTER_SEED
    );
    assert!(steps.iter().all(|s| s.gas_used.is_some()), "every step ran");
    assert!(record.complete);
    assert_eq!(
        load_record(&path).unwrap().as_ref(),
        Some(&record),
        "the file holds the record"
    );
    assert_eq!(record.protocol().map(|p| p.ramm), Some(protocol.ramm));
    for contract in &record.contracts {
        let code = chain.code(contract.address);
        assert_eq!(
            keccak256(&code),
            contract.codehash,
            "{} is on chain",
            contract.name
        );
        assert_eq!(code.len(), contract.code_bytes);
    }
    assert_eq!(record.deployer, deployer.address());
    assert_eq!(record.kyc_authority, config.kyc.address());
    // The protocol works: the genesis supply went to the founder and swaps are open.
    let supply = view(
        &mut chain,
        protocol.nxm_token,
        &INxmToken::totalSupplyCall {},
    );
    assert_eq!(supply, config.genesis_supply_nxm());
    let state = view(&mut chain, protocol.ramm, &IRamm::stateCall {});
    assert_eq!(state.bookValue, parse_ether("0.02").unwrap());

    let block = chain.block_number();
    let (again, steps, second) = run(&path, &config, &file, &mut chain).expect("re-runs");
    assert_eq!(chain.block_number(), block, "a re-run sends no transaction");
    assert!(
        steps.iter().all(|s| s.gas_used.is_none()),
        "every step found done"
    );
    assert_eq!(again.contracts(), protocol.contracts());
    assert_eq!(
        second.steps, record.steps,
        "the earlier steps' records are kept"
    );
    let _ = std::fs::remove_file(&path);
}

#[test]
fn an_interrupted_run_resumes_after_its_recorded_steps() {
    let server = server();
    let deployer = signer_of_seed(b"network test: a poor deployer");
    let (file, config) = local_config(&deployer);
    let path = record_path("resume");
    let mut chain = connect(&server, &deployer);
    // Enough for the contracts and the wiring, not for the 200 ETH seed.
    let funder = nitro_dev();
    chain.add_signer(&funder);
    let sent = chain.send(
        funder.address(),
        deployer.address(),
        parse_ether("10").unwrap(),
        Bytes::new(),
    );
    assert!(sent.status);
    let failed = run(&path, &config, &file, &mut chain);
    let error = failed.expect_err("the seed cannot be paid").to_string();
    assert!(error.contains("seed the capital pool"), "{error}");
    let partial = load_record(&path).unwrap().expect("a partial record");
    assert!(!partial.complete);
    assert_eq!(partial.contracts.len(), CONTRACTS.len());
    assert_eq!(
        partial.steps.len(),
        WIRING_BEFORE_SEED,
        "the wiring before the seed"
    );

    chain
        .fund(deployer.address(), parse_ether("1000").unwrap())
        .unwrap();
    let (_, steps, record) = run(&path, &config, &file, &mut chain).expect("resumes");
    let skipped: Vec<&str> = steps
        .iter()
        .filter(|s| s.gas_used.is_none())
        .map(|s| s.name.as_str())
        .collect();
    let found = CONTRACTS.len() + WIRING_BEFORE_SEED;
    assert_eq!(
        skipped.len(),
        found,
        "every contract and the wiring before the seed found: {skipped:?}"
    );
    assert!(steps[found..].iter().all(|s| s.gas_used.is_some()));
    assert!(record.complete);
    assert_eq!(record.steps.len(), WIRING_BEFORE_SEED + AFTER_SEED);
    assert_eq!(record.steps[..WIRING_BEFORE_SEED], partial.steps[..]);
    let supply = view(
        &mut chain,
        record.protocol().unwrap().nxm_token,
        &INxmToken::totalSupplyCall {},
    );
    assert_eq!(supply, config.genesis_supply_nxm());
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_record_from_a_chain_that_lost_the_deployment_is_deployed_afresh() {
    let deployer = nitro_dev();
    let (file, config) = local_config(&deployer);
    let path = record_path("lost");
    let first = server();
    let mut chain = connect(&first, &deployer);
    let (protocol, _, _) = run(&path, &config, &file, &mut chain).expect("deploys");
    drop(chain);
    drop(first);

    // A fresh chain (the server restarted without its state file): same salt, same addresses,
    // but nothing there, so every step runs again.
    let second = server();
    let mut chain = connect(&second, &deployer);
    let (again, steps, record) = run(&path, &config, &file, &mut chain).expect("redeploys");
    assert_eq!(
        again.contracts(),
        protocol.contracts(),
        "CREATE2: the same addresses"
    );
    assert!(
        steps.iter().all(|s| s.gas_used.is_some()),
        "every step ran again"
    );
    assert!(record.complete);
    let total: U256 = view(&mut chain, again.nxm_token, &INxmToken::totalSupplyCall {});
    assert_eq!(
        total,
        config.genesis_supply_nxm(),
        "minted once on this chain"
    );
    let _ = std::fs::remove_file(&path);
}

#[test]
fn steps_sent_but_not_recorded_are_found_on_chain_not_repeated() {
    let server = server();
    let deployer = nitro_dev();
    let (file, config) = local_config(&deployer);
    let path = record_path("unrecorded");
    let mut chain = connect(&server, &deployer);
    let (protocol, _, mut record) = run(&path, &config, &file, &mut chain).expect("deploys");
    let pool_before = chain.balance(protocol.capital_pool);
    // As if the run had stopped after sending the seed, the join and the mint but before
    // recording anything from the seed on.
    record.steps.truncate(WIRING_BEFORE_SEED);
    record.complete = false;
    std::fs::write(&path, serde_json::to_string(&record).unwrap()).unwrap();

    let (_, steps, record) = run(&path, &config, &file, &mut chain).expect("resumes");
    let ran: Vec<&str> = steps
        .iter()
        .filter(|s| s.gas_used.is_some())
        .map(|s| s.name.as_str())
        .collect();
    // The seed, the join and the mint are found on chain; the setters after the seed, and the
    // handover, are found done by the handover itself (the deployer's key could not send them
    // again).
    assert!(ran.is_empty(), "nothing runs again: {ran:?}");
    assert!(record.complete);
    assert_eq!(
        chain.balance(protocol.capital_pool),
        pool_before,
        "seeded once"
    );
    let supply = view(
        &mut chain,
        protocol.nxm_token,
        &INxmToken::totalSupplyCall {},
    );
    assert_eq!(supply, config.genesis_supply_nxm(), "minted once");
    let _ = std::fs::remove_file(&path);
}
