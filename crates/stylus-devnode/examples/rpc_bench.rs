//! JSON-RPC throughput of the devnode server from a client on 127.0.0.1 (a benchmark, not a
//! test): simple `eth_call`s per second and transactions per second.
//!
//! Run: `cargo run --release --ignore-rust-version -p stylus-devnode --example rpc_bench` —
//! starts the server in process on a free port (two worker threads), or measures the node at `RPC_URL` (e.g. one
//! started by `scripts/devnode.sh`). The client is alloy's HTTP provider (one keep-alive
//! connection per client task). Rows:
//! - `eth_call count()` of the storage fixture, one client, then four concurrent clients;
//! - `eth_sendRawTransaction` of pre-signed EIP-1559 `increment()` transactions (a block each),
//!   one client; then the same with `eth_getTransactionReceipt` after each.

use std::path::Path;
use std::time::{Duration, Instant};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_network::TransactionBuilder;
use alloy_primitives::{Address, Bytes, TxKind, U256};
use alloy_provider::{Provider, ProviderBuilder, RootProvider};
use alloy_rpc_types_eth::TransactionRequest;
use alloy_signer::SignerSync;
use alloy_sol_types::{sol, SolCall};
use stylus_devnode::initcode::deploy_init_code;
use stylus_devnode::rpc::{self, accounts::dev_accounts, ServerConfig, BASE_FEE_WEI, CHAIN_ID};
use stylus_devnode::{StylusDeployer, ARBWASM_ADDRESS, STYLUS_DEPLOYER_ADDRESS};

sol! {
    function count() external view returns (uint256);
    function increment() external;
}

const RUN: Duration = Duration::from_secs(3);

fn code(package: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match stylus_build::load_or_build(&root, package) {
        Ok(deployable) => deployable.code,
        Err(error) => panic!("building {package}: {error}"),
    }
}

fn signed(
    key_index: usize,
    nonce: u64,
    to: TxKind,
    value: U256,
    input: Vec<u8>,
    gas: u64,
) -> Bytes {
    let tx = TxEip1559 {
        chain_id: CHAIN_ID,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: 2 * u128::from(BASE_FEE_WEI),
        max_priority_fee_per_gas: 0,
        to,
        value,
        access_list: Default::default(),
        input: input.into(),
    };
    let signature = dev_accounts()[key_index]
        .signer
        .sign_hash_sync(&tx.signature_hash())
        .expect("signs");
    let envelope: TxEnvelope = tx.into_signed(signature).into();
    envelope.encoded_2718().into()
}

async fn deploy_store(provider: &RootProvider, from: Address) -> Address {
    let code = code("devnode-fixture-storage");
    // Price the activation as cargo-stylus does: simulate it on the code at a scratch address.
    let scratch = Address::with_last_byte(0xee);
    let mut overrides = alloy_rpc_types_eth::state::StateOverride::default();
    overrides.insert(
        scratch,
        alloy_rpc_types_eth::state::AccountOverride {
            code: Some(code.clone().into()),
            ..Default::default()
        },
    );
    let probe = TransactionRequest::default()
        .with_from(from)
        .with_to(ARBWASM_ADDRESS)
        .with_value(U256::from(10u64).pow(U256::from(18)))
        .with_input(stylus_devnode::ArbWasm::activateProgramCall { program: scratch }.abi_encode());
    let out = provider
        .call(probe)
        .overrides(overrides)
        .await
        .expect("activation simulates");
    let fee = stylus_devnode::ArbWasm::activateProgramCall::abi_decode_returns(&out)
        .expect("a fee")
        .dataFee;
    let nonce = provider.get_transaction_count(from).await.expect("nonce");
    let deployer_nonce = provider
        .get_transaction_count(STYLUS_DEPLOYER_ADDRESS)
        .await
        .expect("deployer nonce");
    let call = StylusDeployer::deployCall {
        bytecode: deploy_init_code(&code).into(),
        initData: Bytes::new(),
        initValue: U256::ZERO,
        salt: Default::default(),
    };
    let raw = signed(
        0,
        nonce,
        TxKind::Call(STYLUS_DEPLOYER_ADDRESS),
        fee * U256::from(2),
        call.abi_encode(),
        30_000_000,
    );
    let pending = provider.send_raw_transaction(&raw).await.expect("deploys");
    let receipt = provider
        .get_transaction_receipt(*pending.tx_hash())
        .await
        .expect("receipt query")
        .expect("mined");
    assert!(receipt.status(), "deploy failed");
    STYLUS_DEPLOYER_ADDRESS.create(deployer_nonce)
}

async fn calls_per_second(url: &str, store: Address, clients: usize) -> f64 {
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let provider: RootProvider = ProviderBuilder::default()
            .connect(url)
            .await
            .expect("connects");
        tasks.push(tokio::spawn(async move {
            let request = TransactionRequest::default()
                .with_to(store)
                .with_input(countCall {}.abi_encode());
            let start = Instant::now();
            let mut calls = 0u64;
            while start.elapsed() < RUN {
                let out = provider.call(request.clone()).await.expect("eth_call");
                assert_eq!(out.len(), 32);
                calls += 1;
            }
            calls as f64 / start.elapsed().as_secs_f64()
        }));
    }
    let mut total = 0.0;
    for task in tasks {
        total += task.await.expect("client task");
    }
    total
}

async fn txs_per_second(provider: &RootProvider, store: Address, with_receipt: bool) -> (f64, u64) {
    let from = dev_accounts()[0].address;
    let first = provider.get_transaction_count(from).await.expect("nonce");
    // Pre-signed, so that signing is not measured; more than a run can send.
    let batch: Vec<Bytes> = (0..40_000u64)
        .map(|i| {
            signed(
                0,
                first + i,
                TxKind::Call(store),
                U256::ZERO,
                incrementCall {}.abi_encode(),
                200_000,
            )
        })
        .collect();
    let start = Instant::now();
    let mut sent = 0usize;
    let mut gas = 0;
    while start.elapsed() < RUN && sent < batch.len() {
        let pending = provider
            .send_raw_transaction(&batch[sent])
            .await
            .expect("accepted");
        if with_receipt {
            let receipt = provider
                .get_transaction_receipt(*pending.tx_hash())
                .await
                .expect("receipt query")
                .expect("mined");
            assert!(receipt.status());
            gas = receipt.gas_used;
        }
        sent += 1;
    }
    (sent as f64 / start.elapsed().as_secs_f64(), gas)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a client runtime");
    let (server, url) = match std::env::var("RPC_URL") {
        Ok(url) => (None, url),
        Err(_) => {
            let server = rpc::start(ServerConfig {
                port: 0,
                ..ServerConfig::default()
            })
            .expect("the server starts");
            let url = server.url();
            (Some(server), url)
        }
    };
    let where_ = if server.is_some() {
        "in-process server"
    } else {
        url.as_str()
    };
    runtime.block_on(async {
        let provider: RootProvider = ProviderBuilder::default()
            .connect(&url)
            .await
            .expect("connects");
        let store = deploy_store(&provider, dev_accounts()[0].address).await;
        let one = calls_per_second(&url, store, 1).await;
        let four = calls_per_second(&url, store, 4).await;
        let (raw, _) = txs_per_second(&provider, store, false).await;
        let (with_receipt, gas) = txs_per_second(&provider, store, true).await;
        println!(
            "stylus-devnode JSON-RPC benchmark ({where_}, {}s per row)",
            RUN.as_secs()
        );
        println!("| request | per second |");
        println!("|---|---:|");
        println!("| eth_call count(), 1 client | {one:.0} |");
        println!("| eth_call count(), 4 concurrent clients | {four:.0} |");
        println!("| eth_sendRawTransaction increment() (a block each), 1 client | {raw:.0} |");
        println!("| the same + eth_getTransactionReceipt ({gas} gas) | {with_receipt:.0} |");
    });
    drop(runtime);
    if let Some(server) = server {
        server.stop().expect("stops");
    }
}
