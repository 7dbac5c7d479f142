//! Unit tests of the pool registry on stylus-sdk's TestVM: every entrypoint, rule, event and
//! revert path, and the routing of every declared selector.
//!
//! Calls to the NXM token and the staking pool are mocked by exact calldata, with TestVM's
//! known defect: an unmocked call succeeds, and the data *read* after any call is the last
//! registered mock's. `createPool` reads `isMember` (a bool) and `registerPool` (the pool id)
//! from the same data, so the pools created here get id 1 (whose word is also `true`); that
//! `registerPool` is called with exactly the expected calldata is checked by a mock of that
//! call that reverts with a marker. TestVM does not roll back storage or logs on a revert:
//! "changes nothing" is asserted by comparing the storage and the log before and after.

use alloc::{collections::BTreeMap, string::String, vec, vec::Vec};

use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use mutual_interfaces::{
    nxm_token::abi::INxmToken,
    pool_registry::abi::IPoolRegistry::{self, IPoolRegistryCalls},
    staking_pool::abi::IStakingPool,
};
use stylus_sdk::{abi::Router, testing::TestVM};

use super::*;

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const TOKEN: Address = address!("00000000000000000000000000000000000000b1");
const STAKING_POOL: Address = address!("00000000000000000000000000000000000000b2");
const MANAGER: Address = address!("00000000000000000000000000000000000000e1");
const STRANGER: Address = address!("00000000000000000000000000000000000000e4");
const REGISTRY: Address = address!("00000000000000000000000000000000000000f1");
/// An address without code.
const EMPTY: Address = address!("00000000000000000000000000000000000000ee");

fn u(x: u64) -> U256 {
    U256::from(x)
}

fn word(value: U256) -> Vec<u8> {
    value.to_be_bytes::<32>().to_vec()
}

fn uri(text: &str) -> String {
    String::from(text)
}

fn products() -> Vec<(U256, U256, U256)> {
    vec![(u(1), u(100), u(200)), (u(7), u(50), u(300))]
}

/// The non-zero storage words.
fn storage(vm: &TestVM) -> BTreeMap<U256, B256> {
    vm.snapshot()
        .storage
        .into_iter()
        .filter(|(_, value)| !value.is_zero())
        .collect()
}

fn revert<T>(result: Result<T, RegistryError>) -> Vec<u8> {
    match result {
        Ok(_) => panic!("expected a revert"),
        Err(e) => e.into(),
    }
}

fn ok<T>(result: Result<T, RegistryError>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("reverted with {:02x?}", Vec::<u8>::from(e)),
    }
}

/// Runs `action`, which must revert with `expected` and change neither storage nor the log.
fn rejects<T>(vm: &TestVM, expected: Vec<u8>, action: impl FnOnce() -> Result<T, RegistryError>) {
    let (before, logs) = (storage(vm), vm.get_emitted_logs().len());
    assert_eq!(revert(action()), expected);
    assert_eq!(storage(vm), before, "storage changed");
    assert_eq!(vm.get_emitted_logs().len(), logs, "logged");
}

fn last_log<E: SolEvent>(vm: &TestVM) -> E {
    vm.get_emitted_logs()
        .iter()
        .rev()
        .find(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).unwrap())
        .expect("the event")
}

fn register_call(manager: Address, private: bool, fee: u64, max: u64) -> Vec<u8> {
    IStakingPool::registerPoolCall {
        manager,
        isPrivate: private,
        initialFeePercent: u(fee),
        maxFeePercent: u(max),
        products: products(),
    }
    .abi_encode()
}

/// A deployed, wired registry; `isMember` and `registerPool` read `true` / pool id 1.
fn setup() -> (TestVM, PoolRegistry) {
    let vm = TestVM::default();
    vm.set_contract_address(REGISTRY);
    for contract in [TOKEN, STAKING_POOL] {
        vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut registry = PoolRegistry::from(&vm);
    vm.set_sender(GOVERNANCE);
    ok(registry.constructor(GOVERNANCE));
    ok(registry.set_contracts(TOKEN, STAKING_POOL));
    (vm, registry)
}

/// A setup with pool 1 created by MANAGER (metadata "ipfs://pool").
fn with_pool() -> (TestVM, PoolRegistry) {
    let (vm, mut registry) = setup();
    vm.set_sender(MANAGER);
    vm.mock_call(
        STAKING_POOL,
        register_call(MANAGER, false, 10, 20),
        U256::ZERO,
        Ok(word(u(1))),
    );
    let id = ok(registry.create_pool(false, u(10), u(20), products(), uri("ipfs://pool")));
    assert_eq!(id, u(1));
    vm.clear_mocks();
    (vm, registry)
}

/// The staking pool reports `manager` as the manager of `pool_id`.
fn manager_is(vm: &TestVM, pool_id: U256, manager: Address) {
    let call = IStakingPool::managerCall { poolId: pool_id }.abi_encode();
    vm.mock_static_call(STAKING_POOL, call, Ok(manager.into_word().to_vec()));
}

// ----- constructor, roles, contracts -----

#[test]
fn constructor_sets_governance_and_logs() {
    let vm = TestVM::default();
    let mut registry = PoolRegistry::from(&vm);
    rejects(&vm, ZeroAddress {}.abi_encode(), || {
        registry.constructor(Address::ZERO)
    });
    ok(registry.constructor(GOVERNANCE));
    assert_eq!(registry.governance(), GOVERNANCE);
    assert_eq!(registry.contracts(), (Address::ZERO, Address::ZERO));
    let changed: GovernanceChanged = last_log(&vm);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (Address::ZERO, GOVERNANCE)
    );
}

#[test]
fn set_contracts_is_governance_only_and_checks_code() {
    let vm = TestVM::default();
    for contract in [TOKEN, STAKING_POOL] {
        vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut registry = PoolRegistry::from(&vm);
    ok(registry.constructor(GOVERNANCE));
    vm.set_sender(STRANGER);
    rejects(&vm, Unauthorized { caller: STRANGER }.abi_encode(), || {
        registry.set_contracts(TOKEN, STAKING_POOL)
    });
    vm.set_sender(GOVERNANCE);
    for i in 0..2 {
        let mut contracts = [TOKEN, STAKING_POOL];
        contracts[i] = Address::ZERO;
        rejects(&vm, ZeroAddress {}.abi_encode(), || {
            registry.set_contracts(contracts[0], contracts[1])
        });
        contracts[i] = EMPTY;
        rejects(&vm, NotAContract { account: EMPTY }.abi_encode(), || {
            registry.set_contracts(contracts[0], contracts[1])
        });
    }
    ok(registry.set_contracts(TOKEN, STAKING_POOL));
    assert_eq!(registry.contracts(), (TOKEN, STAKING_POOL));
    let set: ContractsSet = last_log(&vm);
    assert_eq!((set.nxmToken, set.stakingPool), (TOKEN, STAKING_POOL));
}

#[test]
fn set_governance_hands_the_role_on() {
    let (vm, mut registry) = setup();
    vm.set_sender(STRANGER);
    rejects(&vm, Unauthorized { caller: STRANGER }.abi_encode(), || {
        registry.set_governance(STRANGER)
    });
    vm.set_sender(GOVERNANCE);
    rejects(&vm, ZeroAddress {}.abi_encode(), || {
        registry.set_governance(Address::ZERO)
    });
    ok(registry.set_governance(MANAGER));
    assert_eq!(registry.governance(), MANAGER);
    let changed: GovernanceChanged = last_log(&vm);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (GOVERNANCE, MANAGER)
    );
    rejects(
        &vm,
        Unauthorized { caller: GOVERNANCE }.abi_encode(),
        || registry.set_contracts(TOKEN, STAKING_POOL),
    );
}

// ----- pool creation -----

#[test]
fn create_pool_registers_the_pool_and_keeps_its_metadata() {
    let (vm, mut registry) = setup();
    vm.set_sender(MANAGER);
    // registerPool is called with exactly the caller, the flags, the fees and the products (its
    // mock reverts with the marker, which is also the `true` that `isMember` reads).
    vm.mock_call(
        STAKING_POOL,
        register_call(MANAGER, true, 5, 20),
        U256::ZERO,
        Err(word(u(1))),
    );
    let long = "ipfs://a-pool-metadata-uri-longer-than-32-bytes/é";
    rejects(&vm, word(u(1)), || {
        registry.create_pool(true, u(5), u(20), products(), uri(long))
    });
    vm.clear_mocks();
    vm.mock_call(
        STAKING_POOL,
        register_call(MANAGER, true, 5, 20),
        U256::ZERO,
        Ok(word(u(1))),
    );
    let id = ok(registry.create_pool(true, u(5), u(20), products(), uri(long)));
    assert_eq!(id, u(1));
    assert_eq!(ok(registry.pool_metadata(u(1))), long);
    let created: PoolCreated = last_log(&vm);
    assert_eq!(
        (
            created.poolId,
            created.manager,
            created.isPrivate,
            created.initialFeePercent,
            created.maxFeePercent,
            created.metadataUri.as_str()
        ),
        (u(1), MANAGER, true, u(5), u(20), long)
    );
}

#[test]
fn create_pool_checks_membership() {
    let (vm, mut registry) = setup();
    vm.set_sender(STRANGER);
    let is_member = INxmToken::isMemberCall { account: STRANGER }.abi_encode();
    vm.mock_static_call(TOKEN, is_member, Ok(word(U256::ZERO)));
    rejects(&vm, NotMember { account: STRANGER }.abi_encode(), || {
        registry.create_pool(false, u(0), u(0), products(), uri("ipfs://x"))
    });
}

#[test]
fn create_pool_checks_fees_and_metadata() {
    let (vm, mut registry) = setup();
    vm.set_sender(MANAGER);
    vm.mock_static_call(EMPTY, vec![0xde, 0xad], Ok(word(u(1))));
    rejects(
        &vm,
        MaxPoolFeeAbove100 {
            maxFeePercent: u(100),
        }
        .abi_encode(),
        || registry.create_pool(false, u(0), u(100), products(), uri("ipfs://x")),
    );
    rejects(
        &vm,
        MaxPoolFeeAbove100 {
            maxFeePercent: U256::MAX,
        }
        .abi_encode(),
        || registry.create_pool(false, u(0), U256::MAX, products(), uri("ipfs://x")),
    );
    rejects(
        &vm,
        PoolFeeExceedsMax {
            feePercent: u(21),
            maxFeePercent: u(20),
        }
        .abi_encode(),
        || registry.create_pool(false, u(21), u(20), products(), uri("ipfs://x")),
    );
    rejects(&vm, MetadataRequired {}.abi_encode(), || {
        registry.create_pool(false, u(0), u(0), products(), String::new())
    });
    // The edges pass: a fee equal to its maximum, 99 %.
    assert_eq!(
        ok(registry.create_pool(false, u(99), u(99), products(), uri("ipfs://x"))),
        u(1)
    );
}

#[test]
fn create_pool_passes_on_the_staking_pools_revert() {
    let (vm, mut registry) = setup();
    // Also what `isMember` reads: a `true` word, then a marker byte.
    let revert_data = [word(u(1)), vec![0xaa]].concat();
    vm.set_sender(MANAGER);
    vm.mock_call(
        STAKING_POOL,
        register_call(MANAGER, false, 0, 0),
        U256::ZERO,
        Err(revert_data.clone()),
    );
    rejects(&vm, revert_data, || {
        registry.create_pool(false, u(0), u(0), products(), uri("ipfs://x"))
    });
}

// ----- metadata -----

#[test]
fn the_manager_sets_the_metadata() {
    let (vm, mut registry) = with_pool();
    manager_is(&vm, u(1), MANAGER);
    vm.set_sender(MANAGER);
    ok(registry.set_pool_metadata(u(1), uri("ipfs://new")));
    assert_eq!(ok(registry.pool_metadata(u(1))), "ipfs://new");
    let changed: PoolMetadataChanged = last_log(&vm);
    assert_eq!(
        (changed.poolId, changed.metadataUri.as_str()),
        (u(1), "ipfs://new")
    );
}

#[test]
fn set_pool_metadata_rejects_others_missing_pools_and_empty_uris() {
    let (vm, mut registry) = with_pool();
    manager_is(&vm, u(1), MANAGER);
    vm.set_sender(STRANGER);
    rejects(
        &vm,
        OnlyManager {
            caller: STRANGER,
            poolId: u(1),
        }
        .abi_encode(),
        || registry.set_pool_metadata(u(1), uri("ipfs://x")),
    );
    vm.set_sender(MANAGER);
    rejects(&vm, MetadataRequired {}.abi_encode(), || {
        registry.set_pool_metadata(u(1), String::new())
    });
    vm.clear_mocks();
    // No manager: no such pool.
    manager_is(&vm, u(2), Address::ZERO);
    rejects(&vm, PoolNotFound { poolId: u(2) }.abi_encode(), || {
        registry.set_pool_metadata(u(2), uri("ipfs://x"))
    });
    // The staking pool's revert is passed on.
    vm.clear_mocks();
    let call = IStakingPool::managerCall { poolId: u(3) }.abi_encode();
    vm.mock_static_call(STAKING_POOL, call, Err(vec![0xcc]));
    rejects(&vm, vec![0xcc], || {
        registry.set_pool_metadata(u(3), uri("ipfs://x"))
    });
}

#[test]
fn pool_metadata_of_a_missing_pool() {
    let (_vm, registry) = with_pool();
    for pool in [u(0), u(2), U256::MAX] {
        assert_eq!(
            revert(registry.pool_metadata(pool)),
            PoolNotFound { poolId: pool }.abi_encode()
        );
    }
}

// ----- routing: the ABI as declared -----

fn route<C: SolCall>(registry: &mut PoolRegistry, call: C) -> C::Return {
    let data = call.abi_encode();
    let selector = u32::from_be_bytes(data[..4].try_into().unwrap());
    let answer = <PoolRegistry as Router<PoolRegistry>>::route(registry, selector, &data[4..])
        .expect("routed")
        .unwrap_or_else(|e| panic!("reverted {e:02x?}"));
    C::abi_decode_returns_validate(&answer).expect("the answer decodes as declared")
}

#[test]
fn every_entrypoint_routes_as_declared() {
    let (vm, mut registry) = setup();
    for selector in IPoolRegistryCalls::SELECTORS {
        vm.set_sender(STRANGER);
        let routed = <PoolRegistry as Router<PoolRegistry>>::route(
            &mut registry,
            u32::from_be_bytes(*selector),
            &[],
        );
        assert!(
            routed.is_some(),
            "selector {selector:02x?} is not implemented"
        );
    }
    assert_eq!(IPoolRegistryCalls::SELECTORS.len(), 7);
    vm.set_sender(MANAGER);
    vm.mock_call(
        STAKING_POOL,
        register_call(MANAGER, false, 10, 20),
        U256::ZERO,
        Ok(word(u(1))),
    );
    let id = route(
        &mut registry,
        IPoolRegistry::createPoolCall {
            isPrivate: false,
            initialFeePercent: u(10),
            maxFeePercent: u(20),
            products: products(),
            metadataUri: uri("ipfs://routed"),
        },
    );
    assert_eq!(id, u(1));
    vm.clear_mocks();
    manager_is(&vm, u(1), MANAGER);
    route(
        &mut registry,
        IPoolRegistry::setPoolMetadataCall {
            poolId: u(1),
            metadataUri: uri("ipfs://b"),
        },
    );
    assert_eq!(
        route(
            &mut registry,
            IPoolRegistry::poolMetadataCall { poolId: u(1) }
        ),
        "ipfs://b"
    );
    let contracts = route(&mut registry, IPoolRegistry::contractsCall {});
    assert_eq!((contracts._0, contracts._1), (TOKEN, STAKING_POOL));
    vm.set_sender(GOVERNANCE);
    route(
        &mut registry,
        IPoolRegistry::setContractsCall {
            nxmToken: TOKEN,
            stakingPool: STAKING_POOL,
        },
    );
    route(
        &mut registry,
        IPoolRegistry::setGovernanceCall {
            newGovernance: MANAGER,
        },
    );
    assert_eq!(
        route(&mut registry, IPoolRegistry::governanceCall {}),
        MANAGER
    );
    // The constructor runs once.
    let args = (GOVERNANCE,).abi_encode_params();
    let fresh = TestVM::default();
    let mut other = PoolRegistry::from(&fresh);
    assert_eq!(
        <PoolRegistry as Router<PoolRegistry>>::constructor(&mut other, &args).unwrap(),
        Ok(Vec::new())
    );
    assert!(
        <PoolRegistry as Router<PoolRegistry>>::constructor(&mut other, &args)
            .unwrap()
            .is_err()
    );
}
