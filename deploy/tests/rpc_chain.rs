//! The JSON-RPC backend against a node without the dev methods (the devnode server with
//! `dev_methods: false`, which answers `evm_*` / `anvil_*` "method not found", as a Nitro node
//! does): the backend sees it, funds accounts from its funding key, refuses to move time, follows
//! the node's own clock, and still deploys and runs the protocol.

use alloy_primitives::{utils::parse_ether, Bytes, U256};
use alloy_signer_local::PrivateKeySigner;
use mutual_deploy::{
    deploy, fund_deployment, signer_of_seed, Chain, ChainError, DeployConfig, RpcChain, Unrecorded,
};
use mutual_interfaces::nxm_token::abi::INxmToken;
use stylus_devnode::rpc::{self, accounts::NITRO_DEV_KEY, ServerConfig};

#[test]
fn a_node_without_dev_methods_is_driven_as_a_real_node() {
    let server = rpc::start(ServerConfig {
        port: 0,
        dev_methods: false,
        ..ServerConfig::default()
    })
    .expect("the devnode server starts");
    let funder = PrivateKeySigner::from_bytes(&NITRO_DEV_KEY).expect("the Nitro dev key");
    let mut chain = RpcChain::connect(&server.url(), Some(funder.clone())).expect("answers");
    assert!(!chain.has_dev_methods());
    assert!(matches!(
        chain.advance_time(60),
        Err(ChainError::NoDevMethods(_))
    ));

    // Funding is a transfer from the funding key.
    let alice = signer_of_seed(b"rpc chain test: alice").address();
    let funder_before = chain.balance(funder.address());
    chain.fund(alice, parse_ether("3").unwrap()).expect("funds");
    assert_eq!(chain.balance(alice), parse_ether("3").unwrap());
    assert!(
        chain.balance(funder.address()) < funder_before - parse_ether("3").unwrap(),
        "3 ETH and the gas"
    );
    // Without a funding key and without dev methods, funding is refused.
    let mut keyless = RpcChain::connect(&server.url(), None).expect("answers");
    assert!(matches!(
        keyless.fund(alice, U256::from(1)),
        Err(ChainError::NoDevMethods(_))
    ));

    // The clock is the node's: a transaction's block carries the node's time, not a frozen one.
    let before = chain.timestamp();
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    let sent = chain.send(funder.address(), alice, U256::from(1), Bytes::new());
    assert!(sent.status);
    assert!(
        chain.timestamp() > before,
        "the block time moved on by itself"
    );

    // The devnet deployment, small enough for the funding key, runs as on any node.
    let config = DeployConfig {
        seed_eth: parse_ether("200").unwrap(),
        mcr_floor_eth: parse_ether("100").unwrap(),
        ..DeployConfig::default()
    };
    fund_deployment(&mut chain, &config).expect("funded from the key");
    let (protocol, steps) = deploy(&mut chain, &config, &mut Unrecorded).expect("deploys");
    assert!(steps.iter().all(|s| s.gas_used.is_some()));
    let supply = mutual_deploy::view(
        &mut chain,
        "totalSupply",
        protocol.nxm_token,
        &INxmToken::totalSupplyCall {},
    )
    .unwrap();
    assert_eq!(supply, config.genesis_supply_nxm());
}
