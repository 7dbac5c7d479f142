//! The StylusDeployer (one-transaction create + activate + constructor), ArbWasmCache, and the
//! library API the JSON-RPC server stands on: transactions with nonces and access lists, state
//! overrides, snapshots, block-scoped recent-wasms LRU and saved state.

mod common;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent, SolValue};
use common::{deploy, fixture, node, ALICE, BOB};
use stylus_devnode::deployer::{self, StylusDeployer};
use stylus_devnode::initcode::deploy_init_code;
use stylus_devnode::{
    AccountOverride, ArbWasm, ArbWasmCache, DeployError, Devnode, ExecError, Receipt, TxRequest,
    ARBWASM_ADDRESS, ARBWASM_CACHE_ADDRESS, CHAIN_OWNER, CONSTRUCTOR_SELECTOR,
    STYLUS_DEPLOYER_ADDRESS,
};

sol! {
    interface IOwned {
        function value() external view returns (uint256);
        function owner() external view returns (address);
        function endowment() external view returns (uint256);
    }
    interface IStore {
        function increment() external;
        function count() external view returns (uint256);
    }
    error Panic(uint256 code);
}

fn owned_args(owner: Address, value: u64) -> Vec<u8> {
    (owner, U256::from(value)).abi_encode_params()
}

fn view(node: &mut Devnode, to: Address, data: Vec<u8>) -> Bytes {
    let receipt = node.call(ALICE, to, data);
    assert!(receipt.status, "{:?}", receipt.error);
    receipt.return_data
}

fn deploy_call(code: &[u8], init_data: Vec<u8>, init_value: u64, salt: B256) -> Vec<u8> {
    StylusDeployer::deployCall {
        bytecode: deploy_init_code(code).into(),
        initData: init_data.into(),
        initValue: U256::from(init_value),
        salt,
    }
    .abi_encode()
}

fn constructor(args: &[u8]) -> Vec<u8> {
    let mut data = CONSTRUCTOR_SELECTOR.to_vec();
    data.extend_from_slice(args);
    data
}

fn reverted_with(receipt: &Receipt, selector: [u8; 4]) {
    assert!(!receipt.status);
    assert_eq!(
        receipt.return_data.get(..4),
        Some(&selector[..]),
        "{:?} {}",
        receipt.error,
        receipt.return_data
    );
}

#[test]
fn the_deployer_creates_activates_and_constructs_in_one_transaction() {
    let mut node = node();
    let code = fixture("owned");
    let before = node.balance(ALICE);
    let deployed = node
        .deploy_with_deployer(
            ALICE,
            &code,
            Some(&owned_args(BOB, 5)),
            U256::from(1_000),
            B256::ZERO,
        )
        .expect("deploys");
    assert_eq!(deployed.address, STYLUS_DEPLOYER_ADDRESS.create(1));
    assert_eq!(deployed.codehash, keccak256(&code));
    assert!(deployed.data_fee_wei > U256::ZERO);
    // Exactly the data fee and the constructor's value left alice (the library's base fee is 0);
    // the deployer keeps nothing.
    assert_eq!(
        before - node.balance(ALICE),
        deployed.data_fee_wei + U256::from(1_000)
    );
    assert_eq!(node.balance(STYLUS_DEPLOYER_ADDRESS), U256::ZERO);
    let out = view(
        &mut node,
        deployed.address,
        IOwned::ownerCall {}.abi_encode(),
    );
    assert_eq!(Address::abi_decode(&out).unwrap(), BOB);
    let out = view(
        &mut node,
        deployed.address,
        IOwned::valueCall {}.abi_encode(),
    );
    assert_eq!(U256::abi_decode(&out).unwrap(), U256::from(5));
    let out = view(
        &mut node,
        deployed.address,
        IOwned::endowmentCall {}.abi_encode(),
    );
    assert_eq!(U256::abi_decode(&out).unwrap(), U256::from(1_000));
    let events: Vec<_> = deployed
        .receipt
        .logs
        .iter()
        .map(|log| (log.address, log.topics()[0]))
        .collect();
    assert_eq!(
        events,
        vec![
            (ARBWASM_ADDRESS, ArbWasm::ProgramActivated::SIGNATURE_HASH),
            (
                STYLUS_DEPLOYER_ADDRESS,
                StylusDeployer::ContractDeployed::SIGNATURE_HASH
            ),
        ]
    );

    // The same code again: no activation, no fee, CREATE2 at the documented address.
    let salt = B256::with_last_byte(9);
    let init_data = constructor(&owned_args(ALICE, 6));
    let again = node
        .deploy_with_deployer(ALICE, &code, Some(&owned_args(ALICE, 6)), U256::ZERO, salt)
        .expect("deploys again");
    assert_eq!(again.data_fee_wei, U256::ZERO);
    assert_eq!(
        again.address,
        deployer::deployed_address(&deploy_init_code(&code), &init_data, salt, 2)
    );
    assert_eq!(again.receipt.logs.len(), 1, "no ProgramActivated");
    assert!(again.receipt.gas_used < deployed.receipt.gas_used / 2);

    // One transaction costs less than cargo-stylus's three (create, activate, constructor):
    // two intrinsic 21 000s fewer, the deployer's own EVM work more.
    let mut fresh = node_with_alice();
    let three = fresh
        .deploy(ALICE, &code, Some(&owned_args(BOB, 5)), U256::from(1_000))
        .expect("three transactions");
    let total = three.create_gas + three.activation_gas.unwrap() + three.constructor_gas.unwrap();
    let one = deployed.receipt.gas_used;
    assert!(one < total, "one {one} vs three {total}");
    assert!(one > total - 2 * 21_000, "one {one} vs three {total}");
}

fn node_with_alice() -> Devnode {
    node()
}

#[test]
fn deployer_failures_revert_everything() {
    let mut node = node();
    let code = fixture("owned");
    let codehash = keccak256(&code);
    let send = |node: &mut Devnode, value: u64, data: Vec<u8>| {
        node.send(ALICE, STYLUS_DEPLOYER_ADDRESS, U256::from(value), data)
    };
    let one_eth = 1_000_000_000_000_000_000u64;

    let empty = StylusDeployer::deployCall {
        bytecode: Bytes::new(),
        initData: Bytes::new(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    };
    reverted_with(
        &send(&mut node, 0, empty.abi_encode()),
        StylusDeployer::EmptyBytecode::SELECTOR,
    );
    // Not the deploy prelude: the create fails.
    let garbage = StylusDeployer::deployCall {
        bytecode: Bytes::from(vec![0x60, 0x00]),
        initData: Bytes::new(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    };
    reverted_with(
        &send(&mut node, 0, garbage.abi_encode()),
        StylusDeployer::ContractDeploymentError::SELECTOR,
    );
    // No value for the data fee: ArbWasm's error bubbles up.
    reverted_with(
        &send(
            &mut node,
            0,
            deploy_call(&code, constructor(&owned_args(BOB, 1)), 0, B256::ZERO),
        ),
        ArbWasm::ProgramInsufficientValue::SELECTOR,
    );
    // Less value than initValue: checked arithmetic panics (0x11).
    let receipt = send(
        &mut node,
        5,
        deploy_call(&code, constructor(&owned_args(BOB, 1)), 6, B256::ZERO),
    );
    reverted_with(&receipt, Panic::SELECTOR);
    assert_eq!(
        Panic::abi_decode(&receipt.return_data).unwrap().code,
        U256::from(0x11)
    );
    // initValue without initData.
    reverted_with(
        &send(
            &mut node,
            one_eth,
            deploy_call(&code, Vec::new(), 1, B256::ZERO),
        ),
        StylusDeployer::InitValueButNotInitData::SELECTOR,
    );
    // A constructor that reverts (arguments that do not decode): ContractInitializationError
    // with the contract's address and revert data; the create and the activation are undone.
    let receipt = send(
        &mut node,
        one_eth,
        deploy_call(&code, constructor(&[1, 2, 3]), 0, B256::ZERO),
    );
    reverted_with(
        &receipt,
        StylusDeployer::ContractInitializationError::SELECTOR,
    );
    let error =
        StylusDeployer::ContractInitializationError::abi_decode(&receipt.return_data).unwrap();
    assert_eq!(error.newContract, STYLUS_DEPLOYER_ADDRESS.create(1));
    assert!(node.code(error.newContract).is_empty());
    assert!(!node.is_activated(codehash));
    assert_eq!(node.nonce(STYLUS_DEPLOYER_ADDRESS), 1);
    assert_eq!(node.balance(STYLUS_DEPLOYER_ADDRESS), U256::ZERO);

    // The helpers: initSalt, requiresActivation; no fallback, no value to views.
    let salt = B256::with_last_byte(3);
    let out = view(
        &mut node,
        STYLUS_DEPLOYER_ADDRESS,
        StylusDeployer::initSaltCall {
            salt,
            initData: Bytes::from(vec![1, 2]),
        }
        .abi_encode(),
    );
    assert_eq!(
        B256::abi_decode(&out).unwrap(),
        deployer::init_salt(salt, &[1, 2])
    );
    let store = deploy(&mut node, &fixture("storage"));
    let requires = |node: &mut Devnode, addr: Address| {
        let out = view(
            node,
            STYLUS_DEPLOYER_ADDRESS,
            StylusDeployer::requiresActivationCall { addr }.abi_encode(),
        );
        bool::abi_decode(&out).unwrap()
    };
    assert!(!requires(&mut node, store));
    assert!(requires(&mut node, BOB));
    assert!(!send(&mut node, 0, vec![1, 2, 3]).status);
    let with_value = send(
        &mut node,
        1,
        StylusDeployer::requiresActivationCall { addr: store }.abi_encode(),
    );
    assert!(!with_value.status);
}

#[test]
fn arbwasm_cache_managers_owners_and_the_cached_charge() {
    let mut node = node();
    node.fund(CHAIN_OWNER, U256::from(10u64).pow(U256::from(18)));
    let code = fixture("storage");
    let codehash = keccak256(&code);
    assert!(matches!(
        node.cache_program(codehash),
        Err(ExecError::ProgramNotActivated { .. })
    ));
    let store = deploy(&mut node, &code);
    let cache_call = |addr| ArbWasmCache::cacheProgramCall { addr }.abi_encode();

    // Managers: none at first; the chain owner may cache anyway; others burn all gas.
    let out = view(
        &mut node,
        ARBWASM_CACHE_ADDRESS,
        ArbWasmCache::allCacheManagersCall {}.abi_encode(),
    );
    assert!(Vec::<Address>::abi_decode(&out).unwrap().is_empty());
    node.set_tx_gas_limit(200_000);
    let refused = node.send(BOB, ARBWASM_CACHE_ADDRESS, U256::ZERO, cache_call(store));
    assert!(!refused.status);
    assert_eq!(refused.gas_used, 200_000);
    assert!(!node.is_cached(codehash));
    // cacheCodehash exists only in ArbOS 30: on ArbOS 60 it reverts with all gas.
    let old = node.send(
        CHAIN_OWNER,
        ARBWASM_CACHE_ADDRESS,
        U256::ZERO,
        ArbWasmCache::cacheCodehashCall { codehash }.abi_encode(),
    );
    assert!(!old.status);
    assert_eq!(old.gas_used, 200_000);

    let count = IStore::countCall {}.abi_encode();
    let uncached = node.call(ALICE, store, count.clone()).gas_used;
    let cached_tx = node.send(
        CHAIN_OWNER,
        ARBWASM_CACHE_ADDRESS,
        U256::ZERO,
        cache_call(store),
    );
    assert!(cached_tx.status, "{:?}", cached_tx.error);
    let event = ArbWasmCache::UpdateProgramCache::decode_log_data(&cached_tx.logs[0].data).unwrap();
    assert_eq!(
        (event.manager, event.codehash, event.cached),
        (CHAIN_OWNER, codehash, true)
    );
    assert!(node.is_cached(codehash));
    // Caching again changes nothing: no event, cheaper.
    let again = node.send(
        CHAIN_OWNER,
        ARBWASM_CACHE_ADDRESS,
        U256::ZERO,
        cache_call(store),
    );
    assert!(again.status && again.logs.is_empty());
    assert!(again.gas_used < cached_tx.gas_used);

    let init = ArbWasm::programInitGasCall::abi_decode_returns(&view(
        &mut node,
        ARBWASM_ADDRESS,
        ArbWasm::programInitGasCall { program: store }.abi_encode(),
    ))
    .unwrap();
    let cached = node.call(ALICE, store, count.clone()).gas_used;
    assert_eq!(uncached - cached, init.gas - init.gasWhenCached);

    // A manager added by the owner may evict; the full charge returns.
    node.add_cache_manager(BOB);
    let out = view(
        &mut node,
        ARBWASM_CACHE_ADDRESS,
        ArbWasmCache::isCacheManagerCall { manager: BOB }.abi_encode(),
    );
    assert!(bool::abi_decode(&out).unwrap());
    let evicted = node.send(
        BOB,
        ARBWASM_CACHE_ADDRESS,
        U256::ZERO,
        ArbWasmCache::evictCodehashCall { codehash }.abi_encode(),
    );
    assert!(evicted.status);
    assert!(!node.is_cached(codehash));
    assert_eq!(node.call(ALICE, store, count.clone()).gas_used, uncached);

    // The library API, and an expired program cannot be cached.
    node.cache_program(codehash).unwrap();
    assert_eq!(node.call(ALICE, store, count.clone()).gas_used, cached);
    node.evict_program(codehash);
    node.advance_time(366 * 86_400);
    assert!(matches!(
        node.cache_program(codehash),
        Err(ExecError::ProgramExpired { .. })
    ));
    let expired = node.send(BOB, ARBWASM_CACHE_ADDRESS, U256::ZERO, cache_call(store));
    assert!(!expired.status);
    assert_eq!(
        expired.return_data.get(..4),
        Some(&ArbWasm::ProgramExpired::SELECTOR[..])
    );
}

#[test]
fn transactions_overrides_snapshots_and_block_lru() {
    let mut node = node();
    let code = fixture("storage");
    let store = deploy(&mut node, &code);
    let increment = IStore::incrementCall {}.abi_encode();
    let count = IStore::countCall {}.abi_encode();
    let tx = |nonce: Option<u64>| TxRequest {
        from: ALICE,
        to: Some(store),
        data: increment.clone().into(),
        gas_limit: 1_000_000,
        gas_price_wei: U256::from(7),
        nonce,
        ..TxRequest::default()
    };
    let nonce = node.nonce(ALICE);
    assert!(matches!(
        node.execute(&tx(Some(nonce + 1))),
        Err(ExecError::NonceMismatch { .. })
    ));
    let before = node.balance(ALICE);
    let receipt = node.execute(&tx(Some(nonce))).unwrap();
    assert!(receipt.status);
    assert_eq!(
        before - node.balance(ALICE),
        U256::from(receipt.gas_used * 7)
    );
    let mut listed = tx(None);
    listed.access_list = vec![(store, vec![B256::ZERO])];
    let warm = node.execute(&listed).unwrap();
    let cold = node.execute(&tx(None)).unwrap();
    // 2 400 + 1 900 up front; the target is warm anyway, the listed slot saves the cold SLOAD
    // surcharge (2 000).
    assert_eq!(warm.gas_used - cold.gas_used, 2_400 + 1_900 - 2_000);

    // Overrides: stateDiff, full state, balance, code (as `cargo stylus check` does).
    let read = |node: &mut Devnode, overrides: &[(Address, AccountOverride)]| {
        let request = TxRequest {
            from: ALICE,
            to: Some(store),
            data: count.clone().into(),
            gas_limit: 1_000_000,
            ..TxRequest::default()
        };
        let receipt = node.simulate(&request, overrides).unwrap();
        U256::abi_decode(&receipt.return_data).unwrap()
    };
    assert_eq!(read(&mut node, &[]), U256::from(3));
    let diff = AccountOverride {
        storage_diff: vec![(U256::ZERO, U256::from(40))],
        ..AccountOverride::default()
    };
    assert_eq!(read(&mut node, &[(store, diff)]), U256::from(40));
    let full = AccountOverride {
        storage: Some(Vec::new()),
        ..AccountOverride::default()
    };
    assert_eq!(read(&mut node, &[(store, full)]), U256::ZERO);
    assert_eq!(read(&mut node, &[]), U256::from(3), "overrides never stick");
    let probe = Address::with_last_byte(0xcc);
    let other = fixture("owned");
    let check = TxRequest {
        from: BOB,
        to: Some(ARBWASM_ADDRESS),
        value_wei: U256::from(10u64).pow(U256::from(18)),
        data: ArbWasm::activateProgramCall { program: probe }
            .abi_encode()
            .into(),
        gas_limit: 30_000_000,
        ..TxRequest::default()
    };
    let overrides = [
        (
            probe,
            AccountOverride {
                code: Some(other.clone().into()),
                ..AccountOverride::default()
            },
        ),
        (
            BOB,
            AccountOverride {
                balance_wei: Some(U256::from(10u64).pow(U256::from(19))),
                ..AccountOverride::default()
            },
        ),
    ];
    let simulated = node.simulate(&check, &overrides).unwrap();
    assert!(simulated.status, "{:?}", simulated.error);
    assert!(!node.is_activated(keccak256(&other)));
    assert!(node.code(probe).is_empty());
    assert_eq!(node.balance(BOB), U256::ZERO);

    // Snapshots.
    let snapshot = node.snapshot();
    node.send(ALICE, store, U256::ZERO, increment.clone());
    assert_eq!(node.storage(store, U256::ZERO), U256::from(4));
    node.restore(snapshot);
    assert_eq!(node.storage(store, U256::ZERO), U256::from(3));

    // A restore that undoes an activation leaves no runnable module behind: the compiled
    // module serves only the activation it was compiled from.
    let twin_code = [code.as_slice(), &[0u8]].concat();
    let created = node.send_create(ALICE, deploy_init_code(&twin_code), U256::ZERO);
    let twin = created.contract_address.filter(|_| created.status).unwrap();
    let before_activation = node.snapshot();
    assert!(node.activate(ALICE, twin).status);
    assert!(node.send(ALICE, twin, U256::ZERO, increment.clone()).status);
    node.restore(before_activation);
    let stale = node.send(ALICE, twin, U256::ZERO, increment.clone());
    assert!(!stale.status);
    assert!(
        matches!(stale.error, Some(ExecError::ProgramNotActivated { .. })),
        "{:?}",
        stale.error
    );
    assert_eq!(node.storage(twin, U256::ZERO), U256::ZERO);

    // Blocks spanning transactions share the recent-wasms LRU: the second call into the
    // program in a block skips the init gas; a new block forgets it.
    node.set_block_per_tx(false);
    node.begin_block(10, node.timestamp());
    let first = node
        .send(ALICE, store, U256::ZERO, increment.clone())
        .gas_used;
    let second = node
        .send(ALICE, store, U256::ZERO, increment.clone())
        .gas_used;
    node.begin_block(11, node.timestamp());
    let third = node
        .send(ALICE, store, U256::ZERO, increment.clone())
        .gas_used;
    assert!(second < first, "{second} < {first}");
    assert_eq!(third, first);
    assert_eq!(node.block_number(), 11);
}

#[test]
fn saved_state_loads_with_programs_reactivated() {
    let mut node = node();
    let code = fixture("storage");
    let store = deploy(&mut node, &code);
    node.send(
        ALICE,
        store,
        U256::ZERO,
        IStore::incrementCall {}.abi_encode(),
    );
    node.cache_program(keccak256(&code)).unwrap();
    node.add_cache_manager(BOB);
    let saved = node.save_state();
    let text = serde_json::to_string(&saved).unwrap();
    let loaded: stylus_devnode::SavedState = serde_json::from_str(&text).unwrap();
    assert_eq!(loaded, saved);
    let mut restored = Devnode::load_state(&loaded).expect("loads");
    assert_eq!(restored.save_state(), saved);
    assert_eq!(restored.storage(store, U256::ZERO), U256::from(1));
    assert!(restored.is_cached(keccak256(&code)));
    assert_eq!(restored.cache_managers(), &[BOB]);
    let count = IStore::countCall {}.abi_encode();
    let a = node.call(ALICE, store, count.clone());
    let b = restored.call(ALICE, store, count);
    assert!(b.status);
    assert_eq!((a.gas_used, a.return_data), (b.gas_used, b.return_data));
    let mut wrong = saved.clone();
    wrong.format = 99;
    assert!(Devnode::load_state(&wrong).is_err());
}

#[test]
fn library_deploy_errors_name_the_deployer() {
    let mut node = node();
    let code = fixture("owned");
    let error = node
        .deploy_with_deployer(ALICE, &code, None, U256::from(1), B256::ZERO)
        .expect_err("initValue without initData");
    let DeployError::Deployer { receipt } = error else {
        panic!("{error}");
    };
    assert_eq!(
        receipt.return_data.get(..4),
        Some(&StylusDeployer::InitValueButNotInitData::SELECTOR[..])
    );
}
