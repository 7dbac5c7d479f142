//! The JSON-RPC server driven by a real client (alloy's HTTP provider with a local signer) and by
//! raw HTTP for what a client library never sends (malformed JSON, garbage transactions).
//! Each test starts its own server on a free port.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEip2930, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_eips::eip2930::{AccessList, AccessListItem};
use alloy_network::{EthereumWallet, TransactionBuilder};
use alloy_primitives::{address, keccak256, Address, Bytes, TxKind, B256, U256};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_rpc_types_eth::state::{AccountOverride, StateOverride};
use alloy_rpc_types_eth::{BlockNumberOrTag, Filter, TransactionRequest};
use alloy_signer::SignerSync;
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolValue};
use common::fixture;
use serde_json::{json, Value};
use stylus_devnode::deployer::{self, StylusDeployer};
use stylus_devnode::initcode::deploy_init_code;
use stylus_devnode::rpc::accounts::dev_accounts;
use stylus_devnode::rpc::{self, RpcNode, RunningServer, ServerConfig, BASE_FEE_WEI, CHAIN_ID};
use stylus_devnode::{
    ArbWasm, ArbWasmCache, ARBWASM_ADDRESS, ARBWASM_CACHE_ADDRESS, CHAIN_OWNER,
    CONSTRUCTOR_SELECTOR, STYLUS_DEPLOYER_ADDRESS,
};
use tokio::runtime::Runtime;

sol! {
    interface IOwned {
        function value() external view returns (uint256);
        function owner() external view returns (address);
        function endowment() external view returns (uint256);
        function setValue(uint256 value) external;
    }
    error NotOwner(address caller, address owner);
    event ValueSet(address indexed by, uint256 indexed value, uint256 previous);
    interface IStore {
        function increment() external;
        function count() external view returns (uint256);
    }
}

type Http = alloy_provider::RootProvider;

struct Harness {
    server: Option<RunningServer>,
    rt: Runtime,
}

impl Harness {
    fn start(config: ServerConfig) -> Self {
        let server = rpc::start(ServerConfig { port: 0, ..config }).expect("the server starts");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a client runtime");
        Self {
            server: Some(server),
            rt,
        }
    }

    fn new() -> Self {
        Self::start(ServerConfig::default())
    }

    fn url(&self) -> String {
        self.server.as_ref().expect("running").url()
    }

    /// A provider that signs with dev key `index`.
    fn wallet(&self, index: usize) -> impl Provider {
        let signer = dev_accounts()[index].signer.clone();
        let url = self.url();
        self.run(
            ProviderBuilder::new()
                .wallet(EthereumWallet::from(signer))
                .connect(&url),
        )
        .expect("a provider")
    }

    /// A provider without a signer.
    fn plain(&self) -> Http {
        let url = self.url();
        self.run(ProviderBuilder::default().connect(&url))
            .expect("a provider")
    }

    /// Sends one HTTP request (`head` without the Host and Connection lines) and returns the
    /// whole response.
    fn http(&self, head: &str, body: &str) -> String {
        let addr = self.server.as_ref().expect("running").local_addr();
        let mut stream = TcpStream::connect(addr).expect("connects");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let request = format!(
            "{head}\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).expect("writes");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("reads");
        response
    }

    /// POSTs `body` and returns the parsed JSON answer.
    fn post(&self, body: &str) -> Value {
        let response = self.http("POST / HTTP/1.1\r\nContent-Type: application/json", body);
        let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_string()
        };
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("JSON answer ({e}): {body}"))
    }

    /// Runs a client call to completion.
    fn run<F: std::future::IntoFuture>(&self, f: F) -> F::Output {
        self.rt.block_on(f.into_future())
    }

    fn rpc(&self, method: &str, params: Value) -> Value {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        self.post(&body.to_string())
    }

    fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.stop().expect("stops");
        }
    }
}

/// The payload of a chunked HTTP body.
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

fn alice() -> Address {
    dev_accounts()[0].address
}

fn bob() -> Address {
    dev_accounts()[1].address
}

fn eth(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u64))
}

fn call_request(from: Address, to: Address, data: Vec<u8>) -> TransactionRequest {
    TransactionRequest::default()
        .with_from(from)
        .with_to(to)
        .with_input(Bytes::from(data))
}

/// The data fee of activating `code`, priced as cargo-stylus does: an `eth_call` of
/// `ArbWasm.activateProgram` on a scratch address whose code is overridden, with 1 ETH of value
/// and a balance override; then its 20 % bump.
fn data_fee(h: &Harness, provider: &impl Provider, from: Address, code: &[u8]) -> U256 {
    let scratch = address!("00000000000000000000000000000000c0de0001");
    let mut overrides = StateOverride::default();
    overrides.insert(
        scratch,
        AccountOverride {
            code: Some(Bytes::copy_from_slice(code)),
            ..AccountOverride::default()
        },
    );
    overrides.insert(
        from,
        AccountOverride {
            balance: Some(eth(1_000_000)),
            ..AccountOverride::default()
        },
    );
    let request = call_request(
        from,
        ARBWASM_ADDRESS,
        ArbWasm::activateProgramCall { program: scratch }.abi_encode(),
    )
    .with_value(eth(1));
    let out = h
        .run(provider.call(request).overrides(overrides))
        .expect("the activation simulates");
    let fee = ArbWasm::activateProgramCall::abi_decode_returns(&out)
        .expect("activateProgram's return")
        .dataFee;
    assert!(fee > U256::ZERO);
    fee * U256::from(120) / U256::from(100)
}

/// Deploys the `owned` fixture through the StylusDeployer (owner alice, value 7, endowment
/// 1 000 wei, salt 1) as an EIP-1559 transaction filled in by the provider; returns the address
/// and the receipt.
fn deploy_owned(
    h: &Harness,
    provider: &impl Provider,
) -> (Address, alloy_rpc_types_eth::TransactionReceipt) {
    let code = fixture("owned");
    let fee = data_fee(h, provider, alice(), &code);
    let mut init_data = CONSTRUCTOR_SELECTOR.to_vec();
    init_data.extend_from_slice(&(alice(), U256::from(7)).abi_encode_params());
    let salt = B256::with_last_byte(1);
    let init_code = deploy_init_code(&code);
    let call = StylusDeployer::deployCall {
        bytecode: init_code.clone().into(),
        initData: init_data.clone().into(),
        initValue: U256::from(1_000),
        salt,
    };
    let request = call_request(alice(), STYLUS_DEPLOYER_ADDRESS, call.abi_encode())
        .with_value(fee + U256::from(1_000));
    let pending = h
        .run(provider.send_transaction(request))
        .expect("the deploy is accepted");
    let receipt = h
        .run(provider.get_transaction_receipt(*pending.tx_hash()))
        .expect("receipt query")
        .expect("mined at once");
    assert!(receipt.status(), "{receipt:?}");
    let deployed = receipt
        .inner
        .logs()
        .iter()
        .find(|log| log.topic0() == Some(&StylusDeployer::ContractDeployed::SIGNATURE_HASH))
        .map(|log| Address::from_slice(&log.data().data[12..32]))
        .expect("ContractDeployed");
    assert_eq!(
        deployed,
        deployer::deployed_address(&init_code, &init_data, salt, 1)
    );
    (deployed, receipt)
}

#[test]
fn chain_id_accounts_blocks_and_fees() {
    let h = Harness::new();
    let provider = h.plain();
    assert_eq!(h.run(provider.get_chain_id()).unwrap(), CHAIN_ID);
    assert_eq!(h.run(provider.get_block_number()).unwrap(), 0);
    for account in dev_accounts() {
        let balance = h.run(provider.get_balance(account.address)).unwrap();
        assert_eq!(balance, eth(100_000));
    }
    assert_eq!(dev_accounts()[10].address, CHAIN_OWNER);
    assert_eq!(
        h.run(provider.get_gas_price()).unwrap(),
        u128::from(BASE_FEE_WEI)
    );
    assert_eq!(h.run(provider.get_max_priority_fee_per_gas()).unwrap(), 0);
    let history = h
        .run(provider.get_fee_history(4, BlockNumberOrTag::Latest, &[25.0, 75.0]))
        .unwrap();
    assert_eq!(history.base_fee_per_gas, vec![u128::from(BASE_FEE_WEI); 2]);
    assert_eq!(history.reward, Some(vec![vec![0, 0]]));
    let genesis = h
        .run(provider.get_block_by_number(BlockNumberOrTag::Latest))
        .unwrap()
        .expect("genesis");
    assert_eq!(genesis.header.number, 0);
    assert_eq!(genesis.header.hash, genesis.header.inner.hash_slow());
    let by_hash = h
        .run(provider.get_block_by_hash(genesis.header.hash))
        .unwrap()
        .expect("by hash");
    assert_eq!(by_hash.header.hash, genesis.header.hash);
    let code = h
        .run(provider.get_code_at(STYLUS_DEPLOYER_ADDRESS))
        .unwrap();
    assert!(!code.is_empty(), "the StylusDeployer has code");
    assert_eq!(
        h.rpc("net_version", json!([]))["result"],
        json!(CHAIN_ID.to_string())
    );
    let version = h.rpc("web3_clientVersion", json!([]));
    assert!(version["result"]
        .as_str()
        .unwrap()
        .starts_with("stylus-devnode/"));
    h.stop();
}

#[test]
fn deploy_through_the_deployer_call_revert_receipts_and_logs() {
    let h = Harness::new();
    let provider = h.wallet(0);
    let (owned, receipt) = deploy_owned(&h, &provider);

    // The receipt: one EIP-1559 transaction in block 1 with both events, indexed.
    assert_eq!(receipt.block_number, Some(1));
    assert_eq!(receipt.transaction_index, Some(0));
    assert_eq!(receipt.from, alice());
    assert_eq!(receipt.to, Some(STYLUS_DEPLOYER_ADDRESS));
    assert_eq!(receipt.contract_address, None);
    assert_eq!(receipt.effective_gas_price, u128::from(BASE_FEE_WEI));
    assert!(receipt.gas_used > 1_000_000, "activation is in it");
    let logs = receipt.inner.logs();
    let emitters: Vec<Address> = logs.iter().map(|l| l.address()).collect();
    assert_eq!(emitters, vec![ARBWASM_ADDRESS, STYLUS_DEPLOYER_ADDRESS]);
    for (i, log) in logs.iter().enumerate() {
        assert_eq!(log.log_index, Some(i as u64));
        assert_eq!(log.block_number, Some(1));
        assert_eq!(log.transaction_hash, Some(receipt.transaction_hash));
        assert_eq!(log.block_hash, receipt.block_hash);
    }
    let tx = h
        .run(provider.get_transaction_by_hash(receipt.transaction_hash))
        .unwrap()
        .expect("the transaction");
    assert!(matches!(tx.inner.inner(), TxEnvelope::Eip1559(_)));
    assert_eq!(tx.block_number, Some(1));

    // The constructor ran with its arguments and value.
    let read = |data: Vec<u8>| {
        h.run(provider.call(call_request(alice(), owned, data)))
            .expect("a view")
    };
    assert_eq!(
        U256::abi_decode(&read(IOwned::valueCall {}.abi_encode())).unwrap(),
        U256::from(7)
    );
    assert_eq!(
        Address::abi_decode(&read(IOwned::ownerCall {}.abi_encode())).unwrap(),
        alice()
    );
    assert_eq!(
        U256::abi_decode(&read(IOwned::endowmentCall {}.abi_encode())).unwrap(),
        U256::from(1_000)
    );

    // A revert comes back as code 3 with the custom error's data, from eth_call and from the
    // estimate a client makes before sending.
    let set_9 = IOwned::setValueCall {
        value: U256::from(9),
    }
    .abi_encode();
    let bob_provider = h.wallet(1);
    for outcome in [
        h.run(bob_provider.call(call_request(bob(), owned, set_9.clone())))
            .map(|_| ()),
        h.run(bob_provider.send_transaction(call_request(bob(), owned, set_9.clone())))
            .map(|_| ()),
    ] {
        let error = outcome.expect_err("bob is not the owner");
        let payload = error.as_error_resp().expect("a JSON-RPC error");
        assert_eq!(payload.code, 3, "{payload:?}");
        let data = payload.as_revert_data().expect("revert data");
        let decoded = NotOwner::abi_decode(&data).expect("NotOwner");
        assert_eq!((decoded.caller, decoded.owner), (bob(), alice()));
    }

    // The owner's setValue: a receipt with ValueSet, found by getLogs filters.
    let pending = h
        .run(provider.send_transaction(call_request(alice(), owned, set_9.clone())))
        .unwrap();
    let set_receipt = h
        .run(provider.get_transaction_receipt(*pending.tx_hash()))
        .unwrap()
        .expect("mined");
    assert!(set_receipt.status());
    assert_eq!(set_receipt.block_number, Some(2));
    let logs = |filter: Filter| h.run(provider.get_logs(&filter)).unwrap();
    let all = Filter::new()
        .from_block(0)
        .to_block(BlockNumberOrTag::Latest);
    assert_eq!(logs(all.clone()).len(), 3);
    assert_eq!(logs(all.clone().address(owned)).len(), 1);
    assert_eq!(
        logs(all.clone().address(vec![owned, ARBWASM_ADDRESS])).len(),
        2
    );
    let value_set = ValueSet::SIGNATURE_HASH;
    let found = logs(all.clone().event_signature(value_set));
    assert_eq!(found.len(), 1);
    let event = ValueSet::decode_log_data(found[0].data()).unwrap();
    assert_eq!(
        (event.by, event.value, event.previous),
        (alice(), U256::from(9), U256::from(7))
    );
    assert_eq!(found[0].block_number, Some(2));
    assert_eq!(found[0].log_index, Some(0));
    let by = |a: Address| B256::left_padding_from(a.as_slice());
    assert_eq!(
        logs(all.clone().topic1(vec![by(bob()), by(alice())])).len(),
        1
    );
    assert_eq!(logs(all.clone().topic1(by(bob()))).len(), 0);
    // A null first topic with a second-position filter (value 9).
    let raw = h.rpc(
        "eth_getLogs",
        json!([{"fromBlock": "0x0", "topics": [null, null, B256::from(U256::from(9))]}]),
    );
    assert_eq!(raw["result"].as_array().unwrap().len(), 1, "{raw}");
    assert_eq!(logs(Filter::new().from_block(2).to_block(2)).len(), 1);
    assert_eq!(logs(Filter::new().from_block(1).to_block(1)).len(), 2);
    assert_eq!(
        logs(Filter::new().at_block_hash(set_receipt.block_hash.unwrap())).len(),
        1
    );
    let storage = h
        .run(provider.get_storage_at(owned, U256::from(1)))
        .unwrap();
    assert_eq!(storage, U256::from(9));
    h.stop();
}

#[test]
fn signed_legacy_and_access_list_transactions_and_rejections() {
    let h = Harness::new();
    let provider = h.plain();
    let key = &dev_accounts()[2].signer;
    let from = key.address();
    let to = address!("00000000000000000000000000000000000be5e5");
    let legacy = TxLegacy {
        chain_id: Some(CHAIN_ID),
        nonce: 0,
        gas_price: u128::from(BASE_FEE_WEI),
        gas_limit: 21_000,
        to: TxKind::Call(to),
        value: U256::from(5),
        input: Bytes::new(),
    };
    let signature = key.sign_hash_sync(&legacy.signature_hash()).unwrap();
    let envelope: TxEnvelope = legacy.into_signed(signature).into();
    let raw = envelope.encoded_2718();
    let hash = *h
        .run(provider.send_raw_transaction(&raw))
        .expect("a legacy transaction")
        .tx_hash();
    let receipt = h
        .run(provider.get_transaction_receipt(hash))
        .unwrap()
        .unwrap();
    assert!(receipt.status());
    assert_eq!(receipt.gas_used, 21_000);
    assert_eq!(h.run(provider.get_balance(to)).unwrap(), U256::from(5));
    // value + gas × base fee, nothing else.
    assert_eq!(
        h.run(provider.get_balance(from)).unwrap(),
        eth(100_000) - U256::from(5) - U256::from(21_000u64 * BASE_FEE_WEI)
    );
    // The same bytes again are known; a replay of the nonce is too low.
    let again = h.rpc("eth_sendRawTransaction", json!([Bytes::from(raw.clone())]));
    assert_eq!(again["error"]["code"], json!(-32000), "{again}");

    let access = TxEip2930 {
        chain_id: CHAIN_ID,
        nonce: 1,
        gas_price: u128::from(BASE_FEE_WEI),
        gas_limit: 30_000,
        to: TxKind::Call(to),
        value: U256::from(1),
        access_list: AccessList(vec![AccessListItem {
            address: to,
            storage_keys: vec![B256::ZERO],
        }]),
        input: Bytes::new(),
    };
    let signature = key.sign_hash_sync(&access.signature_hash()).unwrap();
    let envelope: TxEnvelope = access.into_signed(signature).into();
    let hash = *h
        .run(provider.send_raw_transaction(&envelope.encoded_2718()))
        .expect("an EIP-2930 transaction")
        .tx_hash();
    let receipt = h
        .run(provider.get_transaction_receipt(hash))
        .unwrap()
        .unwrap();
    assert_eq!(receipt.gas_used, 21_000 + 2_400 + 1_900);
    let tx = h
        .run(provider.get_transaction_by_hash(hash))
        .unwrap()
        .unwrap();
    assert!(matches!(tx.inner.inner(), TxEnvelope::Eip2930(_)));

    // Rejected: another chain id, a nonce from the future, a fee cap below the base fee, no
    // funds, and a signature that does not verify. None changes the chain.
    let bad = |mutate: &dyn Fn(&mut TxEip1559)| {
        let mut tx = TxEip1559 {
            chain_id: CHAIN_ID,
            nonce: 2,
            gas_limit: 21_000,
            max_fee_per_gas: 2 * u128::from(BASE_FEE_WEI),
            max_priority_fee_per_gas: 0,
            to: TxKind::Call(to),
            value: U256::from(1),
            access_list: AccessList::default(),
            input: Bytes::new(),
        };
        mutate(&mut tx);
        let signature = key.sign_hash_sync(&tx.signature_hash()).unwrap();
        let envelope: TxEnvelope = tx.into_signed(signature).into();
        h.rpc(
            "eth_sendRawTransaction",
            json!([Bytes::from(envelope.encoded_2718())]),
        )
    };
    for answer in [
        bad(&|tx| tx.chain_id = 1),
        bad(&|tx| tx.nonce = 9),
        bad(&|tx| tx.max_fee_per_gas = 1),
        bad(&|tx| tx.value = eth(1_000_000)),
        bad(&|tx| tx.gas_limit = 40_000_000),
    ] {
        assert_eq!(answer["error"]["code"], json!(-32000), "{answer}");
    }
    let good = bad(&|_| {});
    assert!(good["result"].is_string(), "{good}");
    assert_eq!(h.run(provider.get_block_number()).unwrap(), 3);
    h.stop();
}

#[test]
fn snapshots_time_travel_and_dev_methods() {
    let h = Harness::new();
    let provider = h.plain();
    // A fresh signing provider per transaction: alloy caches nonces per provider, and a revert
    // takes the chain's nonces back.
    let send = |to: Address, value: u64| {
        let request = TransactionRequest::default()
            .with_from(alice())
            .with_to(to)
            .with_value(U256::from(value));
        let pending = h.run(h.wallet(0).send_transaction(request)).unwrap();
        *pending.tx_hash()
    };
    let carol = address!("000000000000000000000000000000000000ca01");
    send(carol, 1);
    let snapshot = h.rpc("evm_snapshot", json!([]))["result"].clone();
    let hash = send(carol, 2);
    assert_eq!(h.run(provider.get_balance(carol)).unwrap(), U256::from(3));
    assert_eq!(h.run(provider.get_block_number()).unwrap(), 2);
    assert_eq!(
        h.rpc("evm_revert", json!([snapshot]))["result"],
        json!(true)
    );
    assert_eq!(h.run(provider.get_balance(carol)).unwrap(), U256::from(1));
    assert_eq!(h.run(provider.get_block_number()).unwrap(), 1);
    let gone = h.run(provider.get_transaction_receipt(hash)).unwrap();
    assert!(gone.is_none());
    assert_eq!(
        h.rpc("evm_revert", json!([snapshot]))["result"],
        json!(false)
    );
    // The nonce went back too: the next transaction reuses it.
    send(carol, 4);
    assert_eq!(h.run(provider.get_balance(carol)).unwrap(), U256::from(5));

    let latest = |h: &Harness| {
        h.run(provider.get_block_by_number(BlockNumberOrTag::Latest))
            .unwrap()
            .unwrap()
            .header
            .inner
            .timestamp
    };
    let before = latest(&h);
    h.rpc("evm_increaseTime", json!([3_600]));
    assert_eq!(h.rpc("evm_mine", json!([]))["result"], json!("0x0"));
    assert!(latest(&h) >= before + 3_600);
    let target = latest(&h) + 86_400;
    let set = h.rpc("evm_setNextBlockTimestamp", json!([format!("{target:#x}")]));
    assert!(set["error"].is_null(), "{set}");
    send(carol, 1);
    assert_eq!(latest(&h), target);
    let past = h.rpc("evm_setNextBlockTimestamp", json!([1]));
    assert_eq!(past["error"]["code"], json!(-32000));
    h.rpc("evm_mine", json!([target + 10]));
    assert_eq!(latest(&h), target + 10);
    // anvil_mine: three blocks, 60 s apart (viem's testClient.mine).
    let head = h.run(provider.get_block_number()).unwrap();
    let mined = h.rpc("anvil_mine", json!(["0x3", "0x3c"]));
    assert!(mined["error"].is_null(), "{mined}");
    assert_eq!(h.run(provider.get_block_number()).unwrap(), head + 3);
    assert!(latest(&h) >= target + 10 + 120);

    let set = h.rpc("anvil_setBalance", json!([carol, "0x1234"]));
    assert!(set["error"].is_null(), "{set}");
    assert_eq!(
        h.run(provider.get_balance(carol)).unwrap(),
        U256::from(0x1234)
    );
    // Only the latest state is kept.
    let old = h.rpc("eth_getBalance", json!([carol, "0x1"]));
    assert_eq!(old["error"]["code"], json!(-32000), "{old}");
    h.stop();
}

#[test]
fn batches_and_malformed_requests_get_errors() {
    let h = Harness::new();
    let batch = h.post(
        &json!([
            {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
            {"jsonrpc": "2.0", "id": 2, "method": "eth_blockNumber", "params": []},
            {"jsonrpc": "2.0", "id": 3, "method": "eth_noSuchMethod", "params": []},
        ])
        .to_string(),
    );
    let answers = batch.as_array().expect("a batch answer");
    assert_eq!(answers.len(), 3);
    let by_id = |id: u64| answers.iter().find(|a| a["id"] == json!(id)).unwrap();
    assert_eq!(by_id(1)["result"], json!("0x64aba"));
    assert_eq!(by_id(2)["result"], json!("0x0"));
    assert_eq!(by_id(3)["error"]["code"], json!(-32601));

    assert_eq!(h.post("{not json")["error"]["code"], json!(-32700));
    assert_eq!(h.post("[]")["error"]["code"], json!(-32600));
    let unknown = h.rpc("eth_mineAll", json!([]));
    assert_eq!(unknown["error"]["code"], json!(-32601));
    for (method, params) in [
        ("eth_getBalance", json!(["0x1234"])),
        ("eth_getBalance", json!([])),
        ("eth_getBlockByNumber", json!(["tomorrow", false])),
        ("eth_call", json!([{"to": 7}])),
        ("eth_getLogs", json!([{"address": "nope"}])),
        ("eth_sendRawTransaction", json!(["0xdeadbeef"])),
        ("eth_sendRawTransaction", json!(["0x"])),
        ("eth_sendRawTransaction", json!(["not hex"])),
        ("evm_increaseTime", json!(["soon"])),
        ("evm_increaseTime", json!([u64::MAX])),
        ("evm_setNextBlockTimestamp", json!([u64::MAX])),
        ("eth_feeHistory", json!(["0x2", "latest", [90.0, 10.0]])),
    ] {
        let answer = h.rpc(method, params.clone());
        assert_eq!(
            answer["error"]["code"],
            json!(-32602),
            "{method} {params}: {answer}"
        );
    }
    let unknown_account = h.rpc(
        "eth_sendTransaction",
        json!([{"from": "0x000000000000000000000000000000000000dead", "to": "0x000000000000000000000000000000000000beef"}]),
    );
    assert_eq!(unknown_account["error"]["code"], json!(-32000));
    // eth_sendTransaction signs for a dev account.
    let sent = h.rpc(
        "eth_sendTransaction",
        json!([{"from": bob(), "to": "0x000000000000000000000000000000000000beef", "value": "0x10"}]),
    );
    let hash: B256 = serde_json::from_value(sent["result"].clone()).expect("a hash");
    let receipt = h.rpc("eth_getTransactionReceipt", json!([hash]));
    assert_eq!(receipt["result"]["status"], json!("0x1"), "{receipt}");
    assert_eq!(receipt["result"]["type"], json!("0x2"));
    // A browser's CORS preflight is allowed from any origin.
    let preflight = h.http(
        "OPTIONS / HTTP/1.1\r\nOrigin: http://localhost:5173\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type",
        "",
    );
    assert!(
        preflight
            .to_ascii_lowercase()
            .contains("access-control-allow-origin: *"),
        "{preflight}"
    );
    // Still serving after all that.
    assert_eq!(h.rpc("eth_blockNumber", json!([]))["result"], json!("0x1"));
    h.stop();
}

#[test]
fn cached_programs_pay_only_the_cached_init_charge() {
    let h = Harness::new();
    let provider = h.wallet(0);
    let owner = h.wallet(10);
    let code = fixture("storage");
    let fee = data_fee(&h, &provider, alice(), &code);
    let call = StylusDeployer::deployCall {
        bytecode: deploy_init_code(&code).into(),
        initData: Bytes::new(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    };
    let request = call_request(alice(), STYLUS_DEPLOYER_ADDRESS, call.abi_encode()).with_value(fee);
    let hash = *h.run(provider.send_transaction(request)).unwrap().tx_hash();
    let receipt = h
        .run(provider.get_transaction_receipt(hash))
        .unwrap()
        .unwrap();
    assert!(receipt.status());
    let store = STYLUS_DEPLOYER_ADDRESS.create(1);
    let increment = || {
        let request = call_request(alice(), store, IStore::incrementCall {}.abi_encode());
        let hash = *h.run(provider.send_transaction(request)).unwrap().tx_hash();
        let receipt = h
            .run(provider.get_transaction_receipt(hash))
            .unwrap()
            .unwrap();
        assert!(receipt.status());
        receipt
    };
    increment();
    let uncached = increment().gas_used;
    let init = h
        .run(provider.call(call_request(
            alice(),
            ARBWASM_ADDRESS,
            ArbWasm::programInitGasCall { program: store }.abi_encode(),
        )))
        .unwrap();
    let init = ArbWasm::programInitGasCall::abi_decode_returns(&init).unwrap();
    let codehash = keccak256(&code);
    let is_cached = |h: &Harness| {
        let out = h
            .run(provider.call(call_request(
                alice(),
                ARBWASM_CACHE_ADDRESS,
                ArbWasmCache::codehashIsCachedCall { codehash }.abi_encode(),
            )))
            .unwrap();
        bool::abi_decode(&out).unwrap()
    };
    assert!(!is_cached(&h));

    // Alice is no cache manager: all gas burned, nothing cached.
    let refused = call_request(
        alice(),
        ARBWASM_CACHE_ADDRESS,
        ArbWasmCache::cacheProgramCall { addr: store }.abi_encode(),
    )
    .with_gas_limit(100_000);
    let hash = *h.run(provider.send_transaction(refused)).unwrap().tx_hash();
    let receipt = h
        .run(provider.get_transaction_receipt(hash))
        .unwrap()
        .unwrap();
    assert!(!receipt.status());
    assert_eq!(receipt.gas_used, 100_000);
    assert!(!is_cached(&h));

    // The chain owner caches it: UpdateProgramCache, and calls pay the cached charge only.
    let cache = call_request(
        CHAIN_OWNER,
        ARBWASM_CACHE_ADDRESS,
        ArbWasmCache::cacheProgramCall { addr: store }.abi_encode(),
    );
    let hash = *h.run(owner.send_transaction(cache)).unwrap().tx_hash();
    let receipt = h.run(owner.get_transaction_receipt(hash)).unwrap().unwrap();
    assert!(receipt.status());
    let event =
        ArbWasmCache::UpdateProgramCache::decode_log_data(receipt.inner.logs()[0].data()).unwrap();
    assert_eq!(
        (event.manager, event.codehash, event.cached),
        (CHAIN_OWNER, codehash, true)
    );
    assert!(is_cached(&h));
    let cached = increment().gas_used;
    assert_eq!(uncached - cached, init.gas - init.gasWhenCached);

    // Evicted again: the full charge is back.
    let evict = call_request(
        CHAIN_OWNER,
        ARBWASM_CACHE_ADDRESS,
        ArbWasmCache::evictCodehashCall { codehash }.abi_encode(),
    );
    let hash = *h.run(owner.send_transaction(evict)).unwrap().tx_hash();
    assert!(h
        .run(owner.get_transaction_receipt(hash))
        .unwrap()
        .unwrap()
        .status());
    assert!(!is_cached(&h));
    assert_eq!(increment().gas_used, uncached);
    h.stop();
}

#[test]
fn state_file_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("devnode-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("chain.json");
    let _ = std::fs::remove_file(&path);
    let config = || ServerConfig {
        state_file: Some(path.clone()),
        ..ServerConfig::default()
    };
    let h = Harness::start(config());
    let provider = h.wallet(0);
    let (owned, receipt) = deploy_owned(&h, &provider);
    let block = h.run(provider.get_block_number()).unwrap();
    h.stop();
    assert!(path.exists());

    let h = Harness::start(config());
    assert!(h.server.as_ref().unwrap().loaded_state());
    let provider = h.wallet(0);
    assert_eq!(h.run(provider.get_block_number()).unwrap(), block);
    let again = h
        .run(provider.get_transaction_receipt(receipt.transaction_hash))
        .unwrap()
        .expect("the receipt is kept");
    assert_eq!(again.block_hash, receipt.block_hash);
    // The program runs again (re-activated from its code) and its storage is there.
    let set = call_request(
        alice(),
        owned,
        IOwned::setValueCall {
            value: U256::from(11),
        }
        .abi_encode(),
    );
    let hash = *h.run(provider.send_transaction(set)).unwrap().tx_hash();
    let receipt = h
        .run(provider.get_transaction_receipt(hash))
        .unwrap()
        .unwrap();
    assert!(receipt.status());
    assert_eq!(receipt.block_number, Some(block + 1));
    h.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn block_time_mode_groups_transactions_into_blocks() {
    // Deterministic part: the node without the timer.
    let mut node = RpcNode::new(eth(100), false);
    let key = &dev_accounts()[0].signer;
    let transfer = |nonce: u64| {
        let tx = TxEip1559 {
            chain_id: CHAIN_ID,
            nonce,
            gas_limit: 21_000,
            max_fee_per_gas: u128::from(BASE_FEE_WEI),
            max_priority_fee_per_gas: 0,
            to: TxKind::Call(bob()),
            value: U256::from(1),
            access_list: AccessList::default(),
            input: Bytes::new(),
        };
        let signature = key.sign_hash_sync(&tx.signature_hash()).unwrap();
        let envelope: TxEnvelope = tx.into_signed(signature).into();
        envelope.encoded_2718()
    };
    let first = node.send_raw(&transfer(0)).unwrap();
    let second = node.send_raw(&transfer(1)).unwrap();
    assert!(node.receipt(first).is_none(), "not mined yet");
    assert!(node.transaction(first).is_some(), "but known");
    let latest = Some(alloy_eips::BlockId::latest());
    let pending = Some(alloy_eips::BlockId::pending());
    assert_eq!(node.nonce(alice(), latest).unwrap(), 0);
    assert_eq!(node.nonce(alice(), pending).unwrap(), 2);
    node.mine(None).unwrap();
    let (a, b) = (node.receipt(first).unwrap(), node.receipt(second).unwrap());
    assert_eq!(a.block_number, Some(1));
    assert_eq!(b.block_number, Some(1));
    assert_eq!(
        (a.transaction_index, b.transaction_index),
        (Some(0), Some(1))
    );
    assert_eq!(b.inner.cumulative_gas_used(), 42_000);

    // The timer: empty blocks appear as time passes.
    let h = Harness::start(ServerConfig {
        block_time: Some(Duration::from_millis(100)),
        ..ServerConfig::default()
    });
    std::thread::sleep(Duration::from_millis(450));
    let number = h.rpc("eth_blockNumber", json!([]))["result"].clone();
    let number =
        u64::from_str_radix(number.as_str().unwrap().trim_start_matches("0x"), 16).unwrap();
    assert!(number >= 2, "blocks are mined on the timer ({number})");
    h.stop();
}

/// A program answering its block number and timestamp (two little-endian u64s).
fn clock_program() -> Vec<u8> {
    let body = "(i64.store (i32.const 0) (call $block_number))
        (i64.store (i32.const 8) (call $block_timestamp))
        (call $write_result (i32.const 0) (i32.const 16))";
    common::wat_code(&common::program(
        &["block_number", "block_timestamp", "write_result"],
        "",
        body,
    ))
}

#[test]
fn estimates_and_pending_calls_run_in_the_next_blocks_context() {
    let h = Harness::new();
    let clock = {
        let mut node = h.server.as_ref().expect("running").node().lock().unwrap();
        let devnode = node.devnode();
        devnode.fund(alice(), U256::from(10).pow(U256::from(18)));
        let deployed = devnode
            .deploy(alice(), &clock_program(), None, U256::ZERO)
            .expect("deploys");
        deployed.address
    };
    let provider = h.plain();
    let head = h
        .run(provider.get_block_by_number(BlockNumberOrTag::Latest))
        .unwrap()
        .unwrap()
        .header;
    // The next block is an hour ahead of the head.
    let next = head.timestamp + 3_600;
    let _: Value = h
        .run(provider.raw_request("evm_setNextBlockTimestamp".into(), (next,)))
        .unwrap();
    let read = |out: &Bytes| {
        let u64_at = |i: usize| u64::from_le_bytes(out[i..i + 8].try_into().unwrap());
        (u64_at(0), u64_at(8))
    };
    let request = TransactionRequest::default().with_to(clock);
    let latest = h
        .run(
            provider
                .call(request.clone())
                .block(BlockNumberOrTag::Latest.into()),
        )
        .unwrap();
    assert_eq!(
        read(&latest),
        (head.number, head.timestamp),
        "latest: the head's context"
    );
    let pending = h
        .run(
            provider
                .call(request.clone())
                .block(BlockNumberOrTag::Pending.into()),
        )
        .unwrap();
    assert_eq!(
        read(&pending),
        (head.number + 1, next),
        "pending: the next block's"
    );
    // Nothing was consumed: the next block still gets the set time, and latest is unchanged.
    let again = h
        .run(
            provider
                .call(request)
                .block(BlockNumberOrTag::Latest.into()),
        )
        .unwrap();
    assert_eq!(read(&again), (head.number, head.timestamp));
    let _: Value = h.run(provider.raw_request("evm_mine".into(), ())).unwrap();
    let mined = h
        .run(provider.get_block_by_number(BlockNumberOrTag::Latest))
        .unwrap()
        .unwrap()
        .header;
    assert_eq!((mined.number, mined.timestamp), (head.number + 1, next));
}
