//! Unit tests of the staking pools on stylus-sdk's TestVM: every entrypoint, rule, event and
//! revert path, and hand-computed examples of shares and rewards that add up to the minted NXM.
//!
//! Calls to the NXM token, the stake NFT and the staking products are mocked by exact calldata,
//! with TestVM's known defect: an unmocked call succeeds, and the data *read* after any call is
//! the last registered mock's. The tests use both: [`answer`] registers a throwaway mock last so
//! that every call of the entrypoint reads the wanted answer (a minted token id,
//! `isApprovedOrOwner`, `ownerOf`, the allocation's `(premium, id)`), and [`expect_call`] makes
//! one exact call revert with a marker that also decodes as that answer, so an entrypoint that
//! reverts with the marker has made exactly that call. `withdraw` reads `ownerOf` and, for an
//! approved operator, `isApprovedOrOwner` from the same data: those tests use an owner at
//! address 1, whose word is also `true`. TestVM does not roll back storage or logs on a revert:
//! "changes nothing" is asserted by comparing the storage and the log before and after.

use alloc::{collections::BTreeMap, vec, vec::Vec};

use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use mutual_interfaces::{
    nxm_token::{abi::INxmToken, NotMember as TokenNotMember},
    position_nft::abi::IPositionNft,
    staking_pool::abi::IStakingPool::{self, IStakingPoolCalls},
    staking_products::{abi::IStakingProducts, InsufficientCapacity},
};
use stylus_sdk::{abi::Router, testing::TestVM};

use super::*;
use staking_records::{halves, views, views::PoolView};

/// The dApp views (the staking viewer's, `staking_records::views`) over this contract's own
/// storage, with the pool's errors: what the viewer answers in the same block.
impl StakingPool {
    fn view_error(pool_id: U256) -> impl Fn(views::Fault) -> StakingPoolError {
        move |fault| match fault {
            views::Fault::PoolNotFound => err(PoolNotFound::SELECTOR, &[pool_id]),
            views::Fault::Overflow => overflow(),
        }
    }

    fn pool(&self, pool_id: U256) -> Result<PoolView, StakingPoolError> {
        views::pool(self, pool_id).map_err(Self::view_error(pool_id))
    }

    fn tranche(&self, pool_id: U256, tranche_id: U256) -> Result<(U256, U256), StakingPoolError> {
        views::tranche(self, pool_id, tranche_id).map_err(Self::view_error(pool_id))
    }

    fn expired_tranche(
        &self,
        pool_id: U256,
        tranche_id: U256,
    ) -> Result<(U256, U256, U256), StakingPoolError> {
        views::expired_tranche(self, pool_id, tranche_id).map_err(Self::view_error(pool_id))
    }

    fn deposit(
        &self,
        pool_id: U256,
        token_id: U256,
        tranche_id: U256,
    ) -> Result<(U256, U256, U256, U256), StakingPoolError> {
        views::deposit(self, pool_id, token_id, tranche_id).map_err(Self::view_error(pool_id))
    }

    fn withdrawable(
        &self,
        pool_id: U256,
        token_id: U256,
        tranche_id: U256,
    ) -> Result<(U256, U256), StakingPoolError> {
        views::withdrawable(self, pool_id, token_id, tranche_id).map_err(Self::view_error(pool_id))
    }

    fn undistributed_rewards(&self, pool_id: U256) -> Result<U256, StakingPoolError> {
        views::undistributed_rewards(self, pool_id).map_err(Self::view_error(pool_id))
    }
}

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const TOKEN: Address = address!("00000000000000000000000000000000000000b1");
const NFT: Address = address!("00000000000000000000000000000000000000b2");
const PRODUCTS: Address = address!("00000000000000000000000000000000000000b3");
const COVER: Address = address!("00000000000000000000000000000000000000c1");
const REGISTRY: Address = address!("00000000000000000000000000000000000000c2");
const MANAGER: Address = address!("00000000000000000000000000000000000000e1");
const ALICE: Address = address!("00000000000000000000000000000000000000e2");
const BOB: Address = address!("00000000000000000000000000000000000000e3");
const STRANGER: Address = address!("00000000000000000000000000000000000000e4");
/// An owner whose word also decodes as `true` (see the module docs).
const OWNER1: Address = address!("0000000000000000000000000000000000000001");
/// This contract.
const POOL: Address = address!("00000000000000000000000000000000000000f1");
/// An address without code.
const EMPTY: Address = address!("00000000000000000000000000000000000000ee");

const DAY: u64 = 86_400;
const TRANCHE: u64 = 91 * DAY;
const BUCKET: u64 = 28 * DAY;
/// 54 · 364 days: a tranche start (216) and a bucket start (702).
const START: u64 = 54 * 364 * DAY;
const T0: u64 = START / TRANCHE;
const B0: u64 = START / BUCKET;
const WAD: u128 = 1_000_000_000_000_000_000;

fn u(x: u128) -> U256 {
    U256::from(x)
}

/// A tranche or bucket id (or any `u64`) as a word.
fn t(x: u64) -> U256 {
    U256::from(x)
}

fn nxm(x: u128) -> U256 {
    U256::from(x) * U256::from(WAD)
}

fn word(value: U256) -> Vec<u8> {
    value.to_be_bytes::<32>().to_vec()
}

fn address_word(account: Address) -> Vec<u8> {
    account.into_word().to_vec()
}

fn at(vm: &TestVM, secs_after_start: u64) {
    vm.set_block_timestamp(START + secs_after_start);
}

/// Makes every call of the next entrypoint read `data` (a mock registered last).
fn answer(vm: &TestVM, data: Vec<u8>) {
    vm.mock_static_call(EMPTY, vec![0xde, 0xad], Ok(data));
}

/// Makes exactly this call revert with `marker` (also what every call reads).
fn expect_call(vm: &TestVM, to: Address, calldata: Vec<u8>, marker: Vec<u8>) {
    vm.mock_call(to, calldata, U256::ZERO, Err(marker));
}

fn revert<T>(result: Result<T, StakingPoolError>) -> Vec<u8> {
    match result {
        Ok(_) => panic!("expected a revert"),
        Err(e) => e.into(),
    }
}

fn ok<T>(result: Result<T, StakingPoolError>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("reverted with {:02x?}", Vec::<u8>::from(e)),
    }
}

/// The non-zero storage words.
fn storage(vm: &TestVM) -> BTreeMap<U256, B256> {
    vm.snapshot()
        .storage
        .into_iter()
        .filter(|(_, value)| !value.is_zero())
        .collect()
}

/// Runs `action`, which must revert with `expected` and change neither storage nor the log.
fn rejects<T>(
    vm: &TestVM,
    expected: Vec<u8>,
    action: impl FnOnce() -> Result<T, StakingPoolError>,
) {
    let (before, logs) = (storage(vm), vm.get_emitted_logs().len());
    assert_eq!(revert(action()), expected);
    assert_eq!(storage(vm), before, "storage changed");
    assert_eq!(vm.get_emitted_logs().len(), logs, "logged");
}

fn logs_of<E: SolEvent>(vm: &TestVM) -> Vec<E> {
    vm.get_emitted_logs()
        .iter()
        .filter(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).unwrap())
        .collect()
}

fn last_log<E: SolEvent>(vm: &TestVM) -> E {
    logs_of::<E>(vm).pop().expect("the event")
}

fn mark(vm: &TestVM) -> usize {
    vm.get_emitted_logs().len()
}

fn events_since(vm: &TestVM, mark: usize) -> Vec<B256> {
    vm.get_emitted_logs()[mark..]
        .iter()
        .map(|(topics, _)| topics[0])
        .collect()
}

/// A deployed, wired contract at `START`.
fn setup() -> (TestVM, StakingPool) {
    let vm = TestVM::default();
    vm.set_contract_address(POOL);
    at(&vm, 0);
    for contract in [TOKEN, NFT, PRODUCTS, COVER, REGISTRY] {
        vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut sp = StakingPool::from(&vm);
    vm.set_sender(GOVERNANCE);
    ok(sp.constructor(GOVERNANCE, DAY));
    ok(sp.set_contracts(TOKEN, NFT, PRODUCTS, COVER, REGISTRY));
    (vm, sp)
}

fn products() -> Vec<(U256, U256, U256)> {
    vec![(u(1), u(100), u(200))]
}

/// The registry registers a pool managed by `manager`.
fn create(
    vm: &TestVM,
    sp: &mut StakingPool,
    manager: Address,
    private: bool,
    fee: u128,
    max: u128,
) -> U256 {
    vm.set_sender(REGISTRY);
    ok(sp.register_pool(manager, private, u(fee), u(max), products()))
}

/// A setup with a public pool 1 managed by MANAGER at a 10 % fee (max 20 %).
fn with_pool() -> (TestVM, StakingPool) {
    let (vm, mut sp) = setup();
    assert_eq!(create(&vm, &mut sp, MANAGER, false, 10, 20), u(1));
    (vm, sp)
}

/// `who` deposits `amount` into `tranche` of `pool` for a new position, which the NFT mints as
/// `new_id`.
fn deposit(
    vm: &TestVM,
    sp: &mut StakingPool,
    who: Address,
    pool: U256,
    amount: U256,
    tranche: u64,
    new_id: u128,
) -> U256 {
    vm.set_sender(who);
    answer(vm, word(u(new_id)));
    ok(sp.deposit_to(pool, amount, U256::from(tranche), U256::ZERO, Address::ZERO))
}

/// `who` (owner or approved) adds `amount` to position `token` in `tranche`.
fn top_up(
    vm: &TestVM,
    sp: &mut StakingPool,
    who: Address,
    pool: U256,
    amount: U256,
    tranche: u64,
    token: u128,
) {
    vm.set_sender(who);
    answer(vm, word(u(1)));
    assert_eq!(
        ok(sp.deposit_to(pool, amount, U256::from(tranche), u(token), Address::ZERO)),
        u(token)
    );
}

/// The cover contract allocates in `pool`; the products answer `(premium, allocation_id)`.
fn allocate(
    vm: &TestVM,
    sp: &mut StakingPool,
    pool: U256,
    premium: U256,
    allocation_id: u128,
    period: u64,
    grace: u64,
) {
    vm.set_sender(COVER);
    answer(vm, [word(premium), word(u(allocation_id))].concat());
    let result = sp.request_allocation(
        pool,
        u(1),
        nxm(10),
        U256::from(period),
        U256::from(grace),
        false,
        U256::ZERO,
        U256::ZERO,
    );
    assert_eq!(ok(result), (premium, u(allocation_id)));
}

/// `who` withdraws for position `token` owned by `owner`.
#[allow(clippy::too_many_arguments)]
fn withdraw(
    vm: &TestVM,
    sp: &mut StakingPool,
    who: Address,
    owner: Address,
    pool: U256,
    token: u128,
    stake: bool,
    rewards: bool,
    tranches: &[u64],
) -> Result<(U256, U256), StakingPoolError> {
    vm.set_sender(who);
    answer(vm, address_word(owner));
    sp.withdraw(
        pool,
        u(token),
        stake,
        rewards,
        tranches.iter().map(|t| U256::from(*t)).collect(),
    )
}

fn withdrawable(sp: &StakingPool, pool: U256, token: u128, tranche: u64) -> (U256, U256) {
    ok(sp.withdrawable(pool, u(token), U256::from(tranche)))
}

/// Pool 1 with ALICE's 81 NXM (9e9 shares, position 1) in `alice_tranche` and BOB's 243 NXM
/// (27e9 shares, position 2) in `bob_tranche`; the manager's 10 % fee adds 1e9 and 3e9 reward
/// shares.
fn two_stakers(alice_tranche: u64, bob_tranche: u64) -> (TestVM, StakingPool) {
    let (vm, mut sp) = with_pool();
    assert_eq!(
        deposit(&vm, &mut sp, ALICE, u(1), nxm(81), alice_tranche, 1),
        u(1)
    );
    assert_eq!(
        deposit(&vm, &mut sp, BOB, u(1), nxm(243), bob_tranche, 2),
        u(2)
    );
    (vm, sp)
}

/// A premium whose stream (1e12 NXM-wei a second for one 28-day bucket from START) is exact:
/// rewards `2.4192e18`, the premium twice that.
const RATE: u128 = 1_000_000_000_000;
fn bucket_premium() -> U256 {
    u(2 * RATE * BUCKET as u128)
}
/// A 20-day cover bought at START, no grace: its stream ends at START + 28 days.
const PERIOD: u64 = 20 * DAY;

// ----- constructor, roles, contracts -----

#[test]
fn constructor_sets_governance_and_logs() {
    let vm = TestVM::default();
    let mut sp = StakingPool::from(&vm);
    ok(sp.constructor(GOVERNANCE, 60));
    assert_eq!(sp.governance(), GOVERNANCE);
    assert_eq!(sp.periods(), (91 * 60, 28 * 60));
    let changed: GovernanceChanged = last_log(&vm);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (Address::ZERO, GOVERNANCE)
    );
    assert_eq!(
        sp.contracts(),
        (
            Address::ZERO,
            Address::ZERO,
            Address::ZERO,
            Address::ZERO,
            Address::ZERO
        )
    );
    assert_eq!(sp.pool_count(), U256::ZERO);
}

#[test]
fn constructor_rejects_zero_governance_and_bad_days() {
    let vm = TestVM::default();
    let mut sp = StakingPool::from(&vm);
    rejects(&vm, ZeroAddress {}.abi_encode(), || {
        sp.constructor(Address::ZERO, DAY)
    });
    rejects(&vm, InvalidDaySecs { daySecs: u(0) }.abi_encode(), || {
        sp.constructor(GOVERNANCE, 0)
    });
    rejects(
        &vm,
        InvalidDaySecs { daySecs: u(86_401) }.abi_encode(),
        || sp.constructor(GOVERNANCE, 86_401),
    );
    ok(sp.constructor(GOVERNANCE, 86_400));
}

#[test]
fn set_contracts_is_governance_only_and_checks_code() {
    let vm = TestVM::default();
    vm.set_contract_address(POOL);
    let all = [TOKEN, NFT, PRODUCTS, COVER, REGISTRY];
    for contract in all {
        vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut sp = StakingPool::from(&vm);
    ok(sp.constructor(GOVERNANCE, DAY));
    let set =
        |sp: &mut StakingPool, c: [Address; 5]| sp.set_contracts(c[0], c[1], c[2], c[3], c[4]);
    vm.set_sender(STRANGER);
    rejects(&vm, Unauthorized { caller: STRANGER }.abi_encode(), || {
        set(&mut sp, all)
    });
    vm.set_sender(GOVERNANCE);
    for i in 0..5 {
        let mut contracts = all;
        contracts[i] = Address::ZERO;
        rejects(&vm, ZeroAddress {}.abi_encode(), || set(&mut sp, contracts));
        contracts[i] = EMPTY;
        rejects(&vm, NotAContract { account: EMPTY }.abi_encode(), || {
            set(&mut sp, contracts)
        });
    }
    ok(set(&mut sp, all));
    assert_eq!(sp.contracts(), (TOKEN, NFT, PRODUCTS, COVER, REGISTRY));
    let set: ContractsSet = last_log(&vm);
    assert_eq!(
        (
            set.nxmToken,
            set.stakeNft,
            set.stakingProducts,
            set.cover,
            set.poolRegistry
        ),
        (TOKEN, NFT, PRODUCTS, COVER, REGISTRY)
    );
}

#[test]
fn set_governance_hands_the_role_on() {
    let (vm, mut sp) = setup();
    vm.set_sender(STRANGER);
    rejects(&vm, Unauthorized { caller: STRANGER }.abi_encode(), || {
        sp.set_governance(STRANGER)
    });
    vm.set_sender(GOVERNANCE);
    rejects(&vm, ZeroAddress {}.abi_encode(), || {
        sp.set_governance(Address::ZERO)
    });
    ok(sp.set_governance(ALICE));
    assert_eq!(sp.governance(), ALICE);
    let changed: GovernanceChanged = last_log(&vm);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (GOVERNANCE, ALICE)
    );
    rejects(
        &vm,
        Unauthorized { caller: GOVERNANCE }.abi_encode(),
        || sp.set_contracts(TOKEN, NFT, PRODUCTS, COVER, REGISTRY),
    );
}

#[test]
fn cover_only_entrypoints_reject_everyone_else() {
    let (vm, mut sp) = with_pool();
    for caller in [STRANGER, MANAGER, GOVERNANCE] {
        vm.set_sender(caller);
        let unauthorized = Unauthorized { caller }.abi_encode();
        rejects(&vm, unauthorized.clone(), || {
            sp.request_allocation(
                u(1),
                u(1),
                nxm(1),
                u(1),
                u(0),
                false,
                U256::ZERO,
                U256::ZERO,
            )
        });
        rejects(&vm, unauthorized.clone(), || {
            sp.request_deallocation(u(1), u(1), u(1), u(1), u(1), u(0))
        });
        rejects(&vm, unauthorized, || sp.burn_stake(u(1), u(1), u(1), u(0)));
    }
}

// ----- pool registration and manager functions -----

#[test]
fn register_pool_stores_the_pool_and_initializes_its_products() {
    let (vm, mut sp) = setup();
    vm.set_sender(REGISTRY);
    let init = IStakingProducts::initializeProductsCall {
        poolId: u(1),
        products: vec![(u(1), u(100), u(200)), (u(7), u(50), u(300))],
    };
    // The initialization call is made with exactly these products (its mock reverts with the
    // marker).
    expect_call(&vm, PRODUCTS, init.abi_encode(), word(u(1)));
    let result = sp.register_pool(
        MANAGER,
        true,
        u(5),
        u(20),
        vec![(u(1), u(100), u(200)), (u(7), u(50), u(300))],
    );
    assert_eq!(revert(result), word(u(1)));
    vm.clear_mocks();
    let id = ok(sp.register_pool(ALICE, true, u(5), u(20), products()));
    // The first attempt's effects stayed (TestVM keeps them): its id was 1.
    assert_eq!(id, u(2));
    assert_eq!(sp.pool_count(), u(2));
    assert_eq!(sp.manager(u(2)), ALICE);
    assert_eq!(
        ok(sp.pool(u(2))),
        (
            ALICE,
            true,
            false,
            u(5),
            u(20),
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO
        )
    );
    // The accounting starts now.
    assert_eq!(sp.load_state(2).updated_at, START);
}

#[test]
fn register_pool_is_registry_only() {
    let (vm, mut sp) = setup();
    for caller in [MANAGER, GOVERNANCE, COVER, PRODUCTS] {
        vm.set_sender(caller);
        rejects(&vm, Unauthorized { caller }.abi_encode(), || {
            sp.register_pool(MANAGER, false, u(0), u(0), products())
        });
    }
    // Before `setContracts` no registry is trusted.
    let vm = TestVM::default();
    let mut sp = StakingPool::from(&vm);
    ok(sp.constructor(GOVERNANCE, DAY));
    vm.set_sender(Address::ZERO);
    rejects(
        &vm,
        Unauthorized {
            caller: Address::ZERO,
        }
        .abi_encode(),
        || sp.register_pool(MANAGER, false, u(0), u(0), products()),
    );
}

#[test]
fn register_pool_passes_on_the_products_revert() {
    let (vm, mut sp) = setup();
    vm.set_sender(REGISTRY);
    let init = IStakingProducts::initializeProductsCall {
        poolId: u(1),
        products: products(),
    };
    vm.mock_call(PRODUCTS, init.abi_encode(), U256::ZERO, Err(word(u(1))));
    assert_eq!(
        revert(sp.register_pool(MANAGER, false, u(0), u(0), products())),
        word(u(1))
    );
}

#[test]
fn register_pool_stops_at_the_last_pool_id() {
    let (vm, mut sp) = setup();
    // The last pool id is 2^32 − 1.
    sp.set_word(K_HEADER, 0, H_POOL_COUNT, U256::from(u32::MAX - 1));
    vm.set_sender(REGISTRY);
    assert_eq!(
        ok(sp.register_pool(MANAGER, false, u(0), u(0), products())),
        U256::from(u32::MAX)
    );
    rejects(&vm, MathOverflow {}.abi_encode(), || {
        sp.register_pool(MANAGER, false, u(0), u(0), products())
    });
    assert_eq!(sp.pool_count(), U256::from(u32::MAX));
}

#[test]
fn manager_sets_fee_and_privacy() {
    let (vm, mut sp) = with_pool();
    vm.set_sender(MANAGER);
    ok(sp.set_pool_privacy(u(1), true));
    let privacy: PoolPrivacyChanged = last_log(&vm);
    assert_eq!(
        (privacy.poolId, privacy.manager, privacy.isPrivate),
        (u(1), MANAGER, true)
    );
    ok(sp.set_pool_fee(u(1), u(20)));
    let fee: PoolFeeChanged = last_log(&vm);
    assert_eq!(
        (fee.poolId, fee.manager, fee.newFeePercent),
        (u(1), MANAGER, u(20))
    );
    let view = ok(sp.pool(u(1)));
    assert_eq!(
        (view.1, view.2, view.3, view.4),
        (true, false, u(20), u(20))
    );
    ok(sp.set_pool_privacy(u(1), false));
    assert!(!ok(sp.pool(u(1))).1);
}

#[test]
fn manager_functions_reject_others_and_bad_values() {
    let (vm, mut sp) = with_pool();
    vm.set_sender(STRANGER);
    let only = OnlyManager {
        caller: STRANGER,
        poolId: u(1),
    }
    .abi_encode();
    rejects(&vm, only.clone(), || sp.set_pool_fee(u(1), u(1)));
    rejects(&vm, only, || sp.set_pool_privacy(u(1), true));
    vm.set_sender(MANAGER);
    for pool in [u(0), u(2), U256::from(u64::MAX), U256::MAX] {
        let missing = PoolNotFound { poolId: pool }.abi_encode();
        rejects(&vm, missing.clone(), || sp.set_pool_fee(pool, u(1)));
        rejects(&vm, missing, || sp.set_pool_privacy(pool, true));
    }
    rejects(
        &vm,
        PoolFeeExceedsMax {
            feePercent: u(21),
            maxFeePercent: u(20),
        }
        .abi_encode(),
        || sp.set_pool_fee(u(1), u(21)),
    );
}

#[test]
fn views_of_a_missing_pool() {
    let (_vm, sp) = with_pool();
    let missing = PoolNotFound { poolId: u(2) }.abi_encode();
    assert_eq!(revert(sp.pool(u(2))), missing);
    assert_eq!(revert(sp.tranche_stakes(u(2))), missing);
    assert_eq!(revert(sp.tranche(u(2), t(T0))), missing);
    assert_eq!(revert(sp.expired_tranche(u(2), t(T0))), missing);
    assert_eq!(revert(sp.deposit(u(2), u(1), t(T0))), missing);
    assert_eq!(revert(sp.withdrawable(u(2), u(1), t(T0))), missing);
    assert_eq!(revert(sp.undistributed_rewards(u(2))), missing);
    assert_eq!(sp.manager(u(2)), Address::ZERO);
    assert_eq!(sp.manager(U256::MAX), Address::ZERO);
    assert_eq!(sp.token_pool(u(1)), U256::ZERO);
    assert_eq!(sp.token_pool(U256::MAX), U256::ZERO);
}

// ----- member state (membership's question) -----

/// `balanceOf(member)` of the stake NFT.
fn balance_of(member: Address) -> Vec<u8> {
    IPositionNft::balanceOfCall { owner: member }.abi_encode()
}

#[test]
fn a_pools_manager_holds_member_state() {
    let (vm, mut sp) = setup();
    vm.mock_static_call(NFT, balance_of(MANAGER), Ok(word(U256::ZERO)));
    assert!(!ok(sp.has_member_state(MANAGER)));
    create(&vm, &mut sp, MANAGER, false, 10, 20);
    // A manager is answered from its count word: the NFT is not asked (its mock would revert).
    vm.mock_static_call(NFT, balance_of(MANAGER), Err(vec![0xaa]));
    assert!(ok(sp.has_member_state(MANAGER)));
    assert_eq!(sp.read(manager_slot(MANAGER)), u(1));
    create(&vm, &mut sp, MANAGER, true, 0, 0);
    assert_eq!(sp.read(manager_slot(MANAGER)), u(2));
    // The count word is apart from every `(kind, a, b)` word.
    assert_eq!(
        manager_slot(MANAGER) >> 248,
        U256::from(staking_records::K_MANAGED)
    );
    assert_eq!(
        sp.read(slot(K_POOL, 1, 0)),
        sp.pool_config(u(1)).unwrap().word()
    );
    // Another pool's manager is not this one.
    vm.mock_static_call(NFT, balance_of(ALICE), Ok(word(U256::ZERO)));
    assert!(!ok(sp.has_member_state(ALICE)));
}

#[test]
fn a_stake_positions_owner_holds_member_state() {
    let (vm, mut sp) = with_pool();
    deposit(&vm, &mut sp, ALICE, u(1), nxm(81), T0, 1);
    // The stake NFT is asked exactly `balanceOf(ALICE)` (its revert passes on)…
    vm.mock_static_call(NFT, balance_of(ALICE), Err(vec![0xbb]));
    assert_eq!(revert(sp.has_member_state(ALICE)), vec![0xbb]);
    // …and any balance is state held, whatever the position is worth.
    for balance in [1u128, 2, u128::MAX] {
        vm.mock_static_call(NFT, balance_of(ALICE), Ok(word(u(balance))));
        assert!(ok(sp.has_member_state(ALICE)));
    }
    // A short answer is an empty revert.
    vm.mock_static_call(NFT, balance_of(ALICE), Ok(Vec::new()));
    assert_eq!(revert(sp.has_member_state(ALICE)), Vec::<u8>::new());
}

#[test]
fn neither_manager_nor_staker_holds_no_member_state() {
    let (vm, mut sp) = with_pool();
    deposit(&vm, &mut sp, ALICE, u(1), nxm(81), T0, 1);
    vm.mock_static_call(NFT, balance_of(BOB), Ok(word(U256::ZERO)));
    assert!(!ok(sp.has_member_state(BOB)));
    // Before `setContracts` there is no stake NFT to ask, and no position: nothing is held.
    let vm = TestVM::default();
    let mut sp = StakingPool::from(&vm);
    ok(sp.constructor(GOVERNANCE, DAY));
    answer(&vm, word(u(1)));
    assert!(!ok(sp.has_member_state(BOB)));
}

// ----- deposits -----

#[test]
fn first_deposit_gets_sqrt_shares_and_mints_a_position() {
    let (vm, mut sp) = with_pool();
    vm.set_sender(ALICE);
    // The position is minted to the destination; its id is what the NFT answers.
    let mint = IPositionNft::mintCall { to: BOB }.abi_encode();
    vm.mock_call(NFT, mint, U256::ZERO, Ok(word(u(5))));
    let before = mark(&vm);
    let id = ok(sp.deposit_to(u(1), nxm(81), t(T0 + 1), U256::ZERO, BOB));
    assert_eq!(id, u(5));
    assert_eq!(sp.token_pool(u(5)), u(1));
    assert_eq!(
        events_since(&vm, before),
        vec![
            StakeDeposited::SIGNATURE_HASH,
            ActiveStakeUpdated::SIGNATURE_HASH
        ]
    );
    let deposited: StakeDeposited = last_log(&vm);
    assert_eq!(
        (
            deposited.user,
            deposited.poolId,
            deposited.tokenId,
            deposited.trancheId,
            deposited.amountNxm
        ),
        (ALICE, u(1), u(5), t(T0 + 1), nxm(81))
    );
    // sqrt(81e18) = 9e9 stake shares, as many reward shares; the manager's 10 % fee adds
    // 9e9·10/90 = 1e9 reward shares to the fee position.
    assert_eq!(
        (deposited.stakeShares, deposited.rewardShares),
        (u(9_000_000_000), u(9_000_000_000))
    );
    let updated: ActiveStakeUpdated = last_log(&vm);
    assert_eq!(
        (updated.activeStakeNxm, updated.stakeSharesSupply),
        (nxm(81), u(9_000_000_000))
    );
    assert_eq!(
        ok(sp.tranche(u(1), t(T0 + 1))),
        (u(9_000_000_000), u(10_000_000_000))
    );
    assert_eq!(
        ok(sp.deposit(u(1), u(5), t(T0 + 1))),
        (u(9_000_000_000), u(9_000_000_000), U256::ZERO, U256::ZERO)
    );
    assert_eq!(
        ok(sp.deposit(u(1), U256::ZERO, t(T0 + 1))),
        (U256::ZERO, u(1_000_000_000), U256::ZERO, U256::ZERO)
    );
    let view = ok(sp.pool(u(1)));
    assert_eq!(
        (view.5, view.6, view.7),
        (nxm(81), u(9_000_000_000), u(10_000_000_000))
    );
    let (first, stakes) = ok(sp.tranche_stakes(u(1)));
    assert_eq!(first, t(T0));
    assert_eq!(
        stakes,
        [
            U256::ZERO,
            nxm(81),
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO
        ]
    );
}

#[test]
fn deposit_moves_the_callers_nxm_into_the_contract() {
    let (vm, mut sp) = with_pool();
    vm.set_sender(ALICE);
    // The transfer's mock reverts with the marker that `mint` reads as id 3: the deposit made
    // exactly this transfer, last.
    let transfer = INxmToken::operatorTransferCall {
        from: ALICE,
        to: POOL,
        amountNxm: nxm(81),
    };
    expect_call(&vm, TOKEN, transfer.abi_encode(), word(u(3)));
    let result = sp.deposit_to(u(1), nxm(81), t(T0), U256::ZERO, Address::ZERO);
    assert_eq!(revert(result), word(u(3)));
    // The destination defaulted to the caller.
    vm.clear_mocks();
    let mint = IPositionNft::mintCall { to: ALICE }.abi_encode();
    vm.mock_call(NFT, mint, U256::ZERO, Err(word(u(9))));
    assert_eq!(
        revert(sp.deposit_to(u(1), nxm(81), t(T0), U256::ZERO, Address::ZERO)),
        word(u(9))
    );
}

#[test]
fn later_deposits_get_proportional_shares_and_top_ups_add_to_the_position() {
    let (vm, mut sp) = two_stakers(T0 + 1, T0 + 3);
    // 27e9 = 9e9 · 243 / 81 for BOB, fee 3e9.
    assert_eq!(
        ok(sp.tranche(u(1), t(T0 + 3))),
        (u(27_000_000_000), u(30_000_000_000))
    );
    let view = ok(sp.pool(u(1)));
    assert_eq!(
        (view.5, view.6, view.7),
        (nxm(324), u(36_000_000_000), u(40_000_000_000))
    );
    // ALICE adds 27 NXM to her position: 3e9 more shares (owner or approved: `isApprovedOrOwner`).
    vm.set_sender(ALICE);
    let approved = IPositionNft::isApprovedOrOwnerCall {
        spender: ALICE,
        tokenId: u(1),
    }
    .abi_encode();
    vm.mock_static_call(NFT, approved, Ok(word(u(1))));
    assert_eq!(ok(sp.deposit_to(u(1), nxm(27), t(T0 + 1), u(1), BOB)), u(1));
    assert_eq!(ok(sp.deposit(u(1), u(1), t(T0 + 1))).0, u(12_000_000_000));
    assert_eq!(
        ok(sp.tranche(u(1), t(T0 + 1))),
        (u(12_000_000_000), u(13_333_333_333))
    );
    // Into another tranche, the same position.
    top_up(&vm, &mut sp, ALICE, u(1), nxm(9), T0 + 7, 1);
    assert_eq!(ok(sp.deposit(u(1), u(1), t(T0 + 7))).0, u(1_000_000_000));
    let (_, stakes) = ok(sp.tranche_stakes(u(1)));
    assert_eq!(
        (stakes[1], stakes[3], stakes[7]),
        (nxm(108), nxm(243), nxm(9))
    );
}

#[test]
fn deposit_rejects_missing_halted_and_private_pools() {
    let (vm, mut sp) = with_pool();
    vm.set_sender(ALICE);
    answer(&vm, word(u(1)));
    for pool in [u(0), u(2), U256::MAX] {
        rejects(&vm, PoolNotFound { poolId: pool }.abi_encode(), || {
            sp.deposit_to(pool, nxm(1), t(T0), U256::ZERO, Address::ZERO)
        });
    }
    vm.set_sender(MANAGER);
    ok(sp.set_pool_privacy(u(1), true));
    vm.set_sender(ALICE);
    rejects(&vm, PrivatePool { poolId: u(1) }.abi_encode(), || {
        sp.deposit_to(u(1), nxm(1), t(T0), U256::ZERO, Address::ZERO)
    });
    // Its manager still deposits.
    deposit(&vm, &mut sp, MANAGER, u(1), nxm(4), T0, 1);
    // Halt it with a burn of everything.
    vm.set_sender(COVER);
    ok(sp.burn_stake(u(1), u(1), nxm(5), U256::ZERO));
    vm.set_sender(MANAGER);
    rejects(&vm, PoolHalted { poolId: u(1) }.abi_encode(), || {
        sp.deposit_to(u(1), nxm(1), t(T0), U256::ZERO, Address::ZERO)
    });
}

#[test]
fn deposit_rejects_zero_amounts_and_closed_tranches() {
    let (vm, mut sp) = with_pool();
    vm.set_sender(ALICE);
    answer(&vm, word(u(1)));
    rejects(
        &vm,
        InsufficientDepositAmount {
            amountNxm: U256::ZERO,
        }
        .abi_encode(),
        || sp.deposit_to(u(1), U256::ZERO, t(T0), U256::ZERO, Address::ZERO),
    );
    rejects(
        &vm,
        RequestedTrancheIsExpired {
            trancheId: t(T0 - 1),
            currentTrancheId: t(T0),
        }
        .abi_encode(),
        || sp.deposit_to(u(1), nxm(1), t(T0 - 1), U256::ZERO, Address::ZERO),
    );
    rejects(
        &vm,
        RequestedTrancheIsNotYetActive {
            trancheId: t(T0 + 8),
            maxTrancheId: t(T0 + 7),
        }
        .abi_encode(),
        || sp.deposit_to(u(1), nxm(1), t(T0 + 8), U256::ZERO, Address::ZERO),
    );
    rejects(
        &vm,
        RequestedTrancheIsNotYetActive {
            trancheId: U256::MAX,
            maxTrancheId: t(T0 + 7),
        }
        .abi_encode(),
        || sp.deposit_to(u(1), nxm(1), U256::MAX, U256::ZERO, Address::ZERO),
    );
    // The window moves with time: one second before the next tranche, T0 is still open.
    at(&vm, TRANCHE - 1);
    deposit(&vm, &mut sp, ALICE, u(1), nxm(1), T0, 1);
    at(&vm, TRANCHE);
    rejects(
        &vm,
        RequestedTrancheIsExpired {
            trancheId: t(T0),
            currentTrancheId: t(T0 + 1),
        }
        .abi_encode(),
        || sp.deposit_to(u(1), nxm(1), t(T0), U256::ZERO, Address::ZERO),
    );
    deposit(&vm, &mut sp, ALICE, u(1), nxm(1), T0 + 8, 2);
}

#[test]
fn deposit_too_small_for_a_share_is_rejected() {
    let (vm, mut sp) = two_stakers(T0, T0);
    // 36e9 shares over 324 NXM: 1 wei buys 36e9/324e18 < 1 share.
    vm.set_sender(ALICE);
    answer(&vm, word(u(3)));
    rejects(
        &vm,
        InsufficientDepositAmount {
            amountNxm: u(8_999_999_999),
        }
        .abi_encode(),
        || sp.deposit_to(u(1), u(8_999_999_999), t(T0), U256::ZERO, Address::ZERO),
    );
    // 9e9 wei buys exactly one share.
    assert_eq!(
        deposit(&vm, &mut sp, ALICE, u(1), u(9_000_000_000), T0, 3),
        u(3)
    );
    assert_eq!(ok(sp.deposit(u(1), u(3), t(T0))).0, u(1));
}

#[test]
fn deposit_to_an_existing_position_checks_pool_and_approval() {
    let (vm, mut sp) = two_stakers(T0, T0);
    assert_eq!(create(&vm, &mut sp, MANAGER, false, 0, 0), u(2));
    // Position 1 is of pool 1, position 9 of none.
    vm.set_sender(ALICE);
    answer(&vm, word(u(1)));
    rejects(
        &vm,
        InvalidStakingPoolForToken {
            tokenId: u(1),
            tokenPoolId: u(1),
            poolId: u(2),
        }
        .abi_encode(),
        || sp.deposit_to(u(2), nxm(1), t(T0), u(1), Address::ZERO),
    );
    rejects(
        &vm,
        InvalidStakingPoolForToken {
            tokenId: u(9),
            tokenPoolId: U256::ZERO,
            poolId: u(1),
        }
        .abi_encode(),
        || sp.deposit_to(u(1), nxm(1), t(T0), u(9), Address::ZERO),
    );
    rejects(
        &vm,
        InvalidStakingPoolForToken {
            tokenId: U256::MAX,
            tokenPoolId: U256::ZERO,
            poolId: u(1),
        }
        .abi_encode(),
        || sp.deposit_to(u(1), nxm(1), t(T0), U256::MAX, Address::ZERO),
    );
    vm.set_sender(STRANGER);
    let approved = IPositionNft::isApprovedOrOwnerCall {
        spender: STRANGER,
        tokenId: u(1),
    }
    .abi_encode();
    vm.mock_static_call(NFT, approved, Ok(word(U256::ZERO)));
    rejects(
        &vm,
        NotTokenOwnerOrApproved {
            caller: STRANGER,
            tokenId: u(1),
        }
        .abi_encode(),
        || sp.deposit_to(u(1), nxm(1), t(T0), u(1), Address::ZERO),
    );
}

#[test]
fn positions_of_different_pools_do_not_mix() {
    let (vm, mut sp) = two_stakers(T0, T0);
    assert_eq!(create(&vm, &mut sp, BOB, false, 0, 0), u(2));
    assert_eq!(deposit(&vm, &mut sp, BOB, u(2), nxm(16), T0, 3), u(3));
    // A fresh pool's first deposit: sqrt(16e18) = 4e9, no fee.
    assert_eq!(
        ok(sp.tranche(u(2), t(T0))),
        (u(4_000_000_000), u(4_000_000_000))
    );
    assert_eq!(
        ok(sp.deposit(u(1), u(3), t(T0))),
        (U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO)
    );
    assert_eq!(ok(sp.deposit(u(2), u(3), t(T0))).0, u(4_000_000_000));
    assert_eq!(
        (
            sp.token_pool(u(1)),
            sp.token_pool(u(2)),
            sp.token_pool(u(3))
        ),
        (u(1), u(1), u(2))
    );
    assert_eq!(withdrawable(&sp, u(1), 3, T0), (U256::ZERO, U256::ZERO));
    // Token ids beyond eight share lanes correctly.
    for id in 4..=20u128 {
        let pool = if id % 2 == 0 { u(1) } else { u(2) };
        deposit(&vm, &mut sp, ALICE, pool, nxm(1), T0, id);
    }
    for id in 4..=20u128 {
        assert_eq!(sp.token_pool(u(id)), if id % 2 == 0 { u(1) } else { u(2) });
    }
    assert_eq!(sp.token_pool(u(21)), U256::ZERO);
}

// ----- rewards -----

#[test]
fn two_stakers_and_a_ten_percent_fee_share_a_bucket_of_rewards_to_the_wei() {
    let (vm, mut sp) = two_stakers(T0 + 1, T0 + 1);
    let before = mark(&vm);
    allocate(&vm, &mut sp, u(1), bucket_premium(), 7, PERIOD, 0);
    assert_eq!(
        events_since(&vm, before),
        vec![RewardsStreamed::SIGNATURE_HASH]
    );
    let streamed: RewardsStreamed = last_log(&vm);
    // 50 % of the premium over the 28 days to the end of the bucket: 1e12 a second.
    assert_eq!(
        (
            streamed.poolId,
            streamed.allocationId,
            streamed.rewardsNxm,
            streamed.rewardPerSecondNxm,
            streamed.streamEndSecs
        ),
        (
            u(1),
            u(7),
            u(RATE * BUCKET as u128),
            u(RATE),
            U256::from(START + BUCKET)
        )
    );
    assert_eq!(ok(sp.pool(u(1))).8, u(RATE));
    // Half-way: acc = 1.2096e18 · 1e18 / 4e10 = 3.024e25.
    at(&vm, BUCKET / 2);
    assert_eq!(ok(sp.pool(u(1))).9, u(30_240_000_000_000_000_000_000_000));
    // At the end (and after it: the rate has stopped), acc = 6.048e25.
    at(&vm, BUCKET + 5 * DAY);
    let view = ok(sp.pool(u(1)));
    assert_eq!(
        (view.8, view.9),
        (U256::ZERO, u(60_480_000_000_000_000_000_000_000))
    );
    let alice = withdrawable(&sp, u(1), 1, T0 + 1);
    let bob = withdrawable(&sp, u(1), 2, T0 + 1);
    let manager = withdrawable(&sp, u(1), 0, T0 + 1);
    assert_eq!(alice, (U256::ZERO, u(544_320_000_000_000_000)));
    assert_eq!(bob, (U256::ZERO, u(1_632_960_000_000_000_000)));
    assert_eq!(manager, (U256::ZERO, u(241_920_000_000_000_000)));
    // Every minted wei is claimable: 0.54432 + 1.63296 + 0.24192 = 2.4192 NXM.
    assert_eq!(alice.1 + bob.1 + manager.1, streamed.rewardsNxm);
    // The manager's cut is 10 % of the whole.
    assert_eq!(manager.1 * u(10), streamed.rewardsNxm);
    // Withdrawn: paid to the owners; the rewards are then gone.
    assert_eq!(
        ok(withdraw(
            &vm,
            &mut sp,
            ALICE,
            ALICE,
            u(1),
            1,
            false,
            true,
            &[T0 + 1]
        )),
        (U256::ZERO, alice.1)
    );
    assert_eq!(
        ok(withdraw(
            &vm,
            &mut sp,
            MANAGER,
            MANAGER,
            u(1),
            0,
            false,
            true,
            &[T0 + 1]
        )),
        (U256::ZERO, manager.1)
    );
    assert_eq!(withdrawable(&sp, u(1), 1, T0 + 1), (U256::ZERO, U256::ZERO));
    assert_eq!(withdrawable(&sp, u(1), 0, T0 + 1), (U256::ZERO, U256::ZERO));
    assert_eq!(withdrawable(&sp, u(1), 2, T0 + 1), bob);
    let last: Withdraw = last_log(&vm);
    assert_eq!(
        (
            last.user,
            last.tokenId,
            last.trancheId,
            last.stakeNxm,
            last.rewardsNxm
        ),
        (MANAGER, U256::ZERO, t(T0 + 1), U256::ZERO, manager.1)
    );
}

#[test]
fn the_stream_is_minted_up_front_and_its_bucket_cut_stops_it() {
    let (vm, mut sp) = two_stakers(T0, T0);
    vm.set_sender(COVER);
    // The mint's mock reverts with the products' answer: the allocation minted exactly
    // rate·streamSecs to this contract.
    let answer_data = [word(bucket_premium()), word(u(7))].concat();
    let mint = INxmToken::mintCall {
        to: POOL,
        amountNxm: u(RATE * BUCKET as u128),
    };
    expect_call(&vm, TOKEN, mint.abi_encode(), answer_data.clone());
    let result = sp.request_allocation(
        u(1),
        u(1),
        nxm(10),
        U256::from(PERIOD),
        U256::ZERO,
        false,
        U256::ZERO,
        U256::ZERO,
    );
    assert_eq!(revert(result), answer_data);
    // The rate runs until the bucket starts (3 s before, still on) and stops there.
    at(&vm, BUCKET - 3);
    ok(sp.process_expirations(u(1)));
    assert_eq!(ok(sp.pool(u(1))).8, u(RATE));
    let before = mark(&vm);
    at(&vm, BUCKET);
    ok(sp.process_expirations(u(1)));
    assert_eq!(
        events_since(&vm, before),
        vec![BucketExpired::SIGNATURE_HASH]
    );
    let expired: BucketExpired = last_log(&vm);
    assert_eq!((expired.poolId, expired.bucketId), (u(1), t(B0 + 1)));
    assert_eq!(ok(sp.pool(u(1))).8, U256::ZERO);
    // Nothing else to do: another call logs nothing.
    let before = mark(&vm);
    at(&vm, 3 * BUCKET);
    ok(sp.process_expirations(u(1)));
    assert_eq!(mark(&vm), before);
}

#[test]
fn allocation_passes_the_tranche_stakes_and_returns_the_products_answer() {
    let (vm, mut sp) = two_stakers(T0 + 1, T0 + 3);
    vm.set_sender(COVER);
    let mut stakes = [U256::ZERO; 8];
    stakes[1] = nxm(81);
    stakes[3] = nxm(243);
    let call = IStakingProducts::allocateCall {
        poolId: u(1),
        productId: u(4),
        amountNxm: nxm(10),
        periodSecs: u(30 * DAY as u128),
        gracePeriodSecs: u(DAY as u128),
        useFixedPrice: true,
        capacityReductionBps: u(500),
        minPriceBps: u(100),
        firstTrancheId: t(T0),
        trancheStakesNxm: stakes,
    };
    let capacity = InsufficientCapacity {
        poolId: u(1),
        productId: u(4),
        requestedUnits: u(1_000),
        availableUnits: u(3),
    }
    .abi_encode();
    expect_call(&vm, PRODUCTS, call.abi_encode(), capacity.clone());
    let result = sp.request_allocation(
        u(1),
        u(4),
        nxm(10),
        u(30 * DAY as u128),
        u(DAY as u128),
        true,
        u(500),
        u(100),
    );
    assert_eq!(revert(result), capacity);
    // A premium too small for one wei a second streams nothing and mints nothing.
    vm.clear_mocks();
    let before = mark(&vm);
    allocate(&vm, &mut sp, u(1), u(1_000), 8, PERIOD, 0);
    assert_eq!(mark(&vm), before);
    assert_eq!(ok(sp.pool(u(1))).8, U256::ZERO);
}

#[test]
fn the_stream_runs_through_the_grace_period_to_its_bucket_end() {
    let (vm, mut sp) = two_stakers(T0 + 1, T0 + 1);
    // A cover of 28 days + 1 s with a 30-day grace: ends at START + 58 days + 1 s, in bucket
    // B0 + 2, which ends at START + 84 days.
    at(&vm, 3);
    allocate(
        &vm,
        &mut sp,
        u(1),
        u(2 * RATE * (3 * BUCKET - 3) as u128),
        1,
        28 * DAY + 1,
        30 * DAY - 3,
    );
    let streamed: RewardsStreamed = last_log(&vm);
    assert_eq!(
        (streamed.streamEndSecs, streamed.rewardPerSecondNxm),
        (U256::from(START + 3 * BUCKET), u(RATE))
    );
    // Rejected: a period or grace beyond 64 bits.
    vm.set_sender(COVER);
    answer(&vm, [word(u(1)), word(u(1))].concat());
    let too_long = U256::from(u64::MAX) + u(1);
    rejects(&vm, MathOverflow {}.abi_encode(), || {
        sp.request_allocation(
            u(1),
            u(1),
            nxm(1),
            too_long,
            U256::ZERO,
            false,
            U256::ZERO,
            U256::ZERO,
        )
    });
}

#[test]
fn allocation_rejects_missing_and_halted_pools() {
    let (vm, mut sp) = with_pool();
    vm.set_sender(COVER);
    for pool in [u(0), u(2), U256::MAX] {
        rejects(&vm, PoolNotFound { poolId: pool }.abi_encode(), || {
            sp.request_allocation(
                pool,
                u(1),
                nxm(1),
                u(1),
                u(0),
                false,
                U256::ZERO,
                U256::ZERO,
            )
        });
    }
    deposit(&vm, &mut sp, ALICE, u(1), nxm(1), T0, 1);
    vm.set_sender(COVER);
    ok(sp.burn_stake(u(1), u(1), nxm(1), U256::ZERO));
    rejects(&vm, PoolHalted { poolId: u(1) }.abi_encode(), || {
        sp.request_allocation(
            u(1),
            u(1),
            nxm(1),
            u(1),
            u(0),
            false,
            U256::ZERO,
            U256::ZERO,
        )
    });
}

#[test]
fn rewards_streamed_to_no_one_are_undistributed() {
    let (vm, mut sp) = setup();
    assert_eq!(create(&vm, &mut sp, MANAGER, false, 0, 0), u(1));
    allocate(&vm, &mut sp, u(1), bucket_premium(), 1, PERIOD, 0);
    at(&vm, 7 * DAY);
    assert_eq!(
        ok(sp.undistributed_rewards(u(1))),
        u(RATE * 7 * DAY as u128)
    );
    deposit(&vm, &mut sp, ALICE, u(1), nxm(81), T0, 1);
    at(&vm, BUCKET + DAY);
    // The rest of the stream, 21 days, went to ALICE: acc = 1.8144e18·1e18/9e9 = 2.016e26.
    assert_eq!(ok(sp.pool(u(1))).9, u(201_600_000_000_000_000_000_000_000));
    let alice = withdrawable(&sp, u(1), 1, T0).1;
    let undistributed = ok(sp.undistributed_rewards(u(1)));
    assert_eq!(
        (alice, undistributed),
        (u(RATE * 21 * DAY as u128), u(RATE * 7 * DAY as u128))
    );
    assert_eq!(alice + undistributed, u(RATE * BUCKET as u128));
    // Stored once processed: the view and the stored figure agree.
    ok(sp.process_expirations(u(1)));
    assert_eq!(ok(sp.undistributed_rewards(u(1))), undistributed);
}

/// Every minted wei is accounted for: withdrawn + claimable + still streaming + undistributed
/// + burned, to within the documented dust, in a pool with awkward numbers.
#[test]
fn minted_rewards_are_accounted_for_to_the_wei() {
    let (vm, mut sp) = setup();
    assert_eq!(create(&vm, &mut sp, MANAGER, false, 7, 30), u(1));
    deposit(
        &vm,
        &mut sp,
        ALICE,
        u(1),
        u(123_456_789_012_345_678_901),
        T0 + 1,
        1,
    );
    let premium_a = u(987_654_321_987_654_321);
    at(&vm, 1_111);
    allocate(&vm, &mut sp, u(1), premium_a, 1, 40 * DAY + 17, 3 * DAY);
    let mut minted = last_log::<RewardsStreamed>(&vm).rewardsNxm;
    at(&vm, 5 * DAY + 7);
    deposit(
        &vm,
        &mut sp,
        BOB,
        u(1),
        u(77_777_777_777_777_777_777),
        T0 + 2,
        2,
    );
    at(&vm, 9 * DAY + 3);
    allocate(
        &vm,
        &mut sp,
        u(1),
        u(3_333_333_333_333_333_333),
        2,
        100 * DAY,
        0,
    );
    let second = last_log::<RewardsStreamed>(&vm);
    minted += second.rewardsNxm;
    at(&vm, 20 * DAY + 1);
    vm.set_sender(MANAGER);
    ok(sp.set_pool_fee(u(1), u(13)));
    at(&vm, 33 * DAY);
    let (_, withdrawn_alice) = ok(withdraw(
        &vm,
        &mut sp,
        ALICE,
        ALICE,
        u(1),
        1,
        false,
        true,
        &[T0 + 1],
    ));
    at(&vm, 41 * DAY);
    // The second cover is edited: the rest of its stream is burned.
    vm.set_sender(COVER);
    ok(sp.request_deallocation(
        u(1),
        u(2),
        u(3_333_333_333_333_333_333),
        U256::from(START + 9 * DAY + 3),
        u(100 * DAY as u128),
        U256::ZERO,
    ));
    let burned = last_log::<RewardsBurned>(&vm).burnedNxm;
    at(&vm, 60 * DAY);
    // ALICE extends into a later tranche (rewards settle and move).
    vm.set_sender(ALICE);
    answer(&vm, word(u(1)));
    ok(sp.extend_deposit(u(1), t(T0 + 1), t(T0 + 4), U256::ZERO));
    at(&vm, 400 * DAY);
    let claimable: U256 = [
        (1, T0 + 4),
        (2, T0 + 2),
        (0, T0 + 1),
        (0, T0 + 2),
        (0, T0 + 4),
    ]
    .iter()
    .map(|(token, tranche)| withdrawable(&sp, u(1), *token, *tranche).1)
    .fold(U256::ZERO, |a, b| a + b);
    let undistributed = ok(sp.undistributed_rewards(u(1)));
    let view = ok(sp.pool(u(1)));
    assert_eq!(view.8, U256::ZERO, "every stream has ended");
    let accounted = withdrawn_alice + claimable + undistributed + burned;
    assert!(accounted <= minted, "{accounted} > {minted}");
    // Dust: under one wei per accumulator step (reward shares ≪ 1e18) and per settlement.
    assert!(minted - accounted <= u(20), "dust {}", minted - accounted);
}

// ----- expirations and stake withdrawals -----

#[test]
fn a_tranche_expires_with_a_snapshot_and_its_stake_is_withdrawn() {
    let (vm, mut sp) = two_stakers(T0 + 1, T0 + 1);
    allocate(&vm, &mut sp, u(1), bucket_premium(), 1, PERIOD, 0);
    // Before the end of tranche T0 + 1, its stake cannot be withdrawn.
    at(&vm, 2 * TRANCHE - 1);
    ok(sp.process_expirations(u(1)));
    answer(&vm, address_word(ALICE));
    vm.set_sender(ALICE);
    rejects(
        &vm,
        TrancheNotExpired {
            trancheId: t(T0 + 1),
        }
        .abi_encode(),
        || sp.withdraw(u(1), u(1), true, true, vec![t(T0 + 1)]),
    );
    assert_eq!(
        ok(sp.expired_tranche(u(1), t(T0 + 1))),
        (U256::ZERO, U256::ZERO, U256::ZERO)
    );
    at(&vm, 2 * TRANCHE);
    // The views see the expiry before it is stored.
    let acc = u(60_480_000_000_000_000_000_000_000);
    assert_eq!(
        ok(sp.expired_tranche(u(1), t(T0 + 1))),
        (acc, nxm(324), u(36_000_000_000))
    );
    assert_eq!(
        withdrawable(&sp, u(1), 1, T0 + 1),
        (nxm(81), u(544_320_000_000_000_000))
    );
    let view = ok(sp.pool(u(1)));
    assert_eq!(
        (view.5, view.6, view.7),
        (U256::ZERO, U256::ZERO, U256::ZERO)
    );
    let before = mark(&vm);
    ok(sp.process_expirations(u(1)));
    assert_eq!(
        events_since(&vm, before),
        vec![
            TrancheExpired::SIGNATURE_HASH,
            ActiveStakeUpdated::SIGNATURE_HASH
        ]
    );
    let expired: TrancheExpired = last_log(&vm);
    assert_eq!(
        (expired.poolId, expired.trancheId, expired.stakeAtExpiryNxm),
        (u(1), t(T0 + 1), nxm(324))
    );
    let updated: ActiveStakeUpdated = last_log(&vm);
    assert_eq!(
        (updated.activeStakeNxm, updated.stakeSharesSupply),
        (U256::ZERO, U256::ZERO)
    );
    assert_eq!(
        ok(sp.expired_tranche(u(1), t(T0 + 1))),
        (acc, nxm(324), u(36_000_000_000))
    );
    // The tranche's shares stay as they were (the supply at expiry).
    assert_eq!(
        ok(sp.tranche(u(1), t(T0 + 1))),
        (u(36_000_000_000), u(40_000_000_000))
    );
    // BOB withdraws stake only: the rewards stay pending; then the rewards.
    assert_eq!(
        ok(withdraw(
            &vm,
            &mut sp,
            BOB,
            BOB,
            u(1),
            2,
            true,
            false,
            &[T0 + 1]
        )),
        (nxm(243), U256::ZERO)
    );
    assert_eq!(
        withdrawable(&sp, u(1), 2, T0 + 1),
        (U256::ZERO, u(1_632_960_000_000_000_000))
    );
    assert_eq!(
        ok(sp.deposit(u(1), u(2), t(T0 + 1))),
        (
            U256::ZERO,
            U256::ZERO,
            u(1_632_960_000_000_000_000),
            U256::ZERO
        )
    );
    assert_eq!(
        ok(withdraw(
            &vm,
            &mut sp,
            BOB,
            BOB,
            u(1),
            2,
            true,
            true,
            &[T0 + 1]
        )),
        (U256::ZERO, u(1_632_960_000_000_000_000))
    );
    assert_eq!(withdrawable(&sp, u(1), 2, T0 + 1), (U256::ZERO, U256::ZERO));
    // ALICE takes both at once; the position is cleared.
    assert_eq!(
        ok(withdraw(
            &vm,
            &mut sp,
            ALICE,
            ALICE,
            u(1),
            1,
            true,
            true,
            &[T0 + 1]
        )),
        (nxm(81), u(544_320_000_000_000_000))
    );
    assert_eq!(
        ok(sp.deposit(u(1), u(1), t(T0 + 1))),
        (U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO)
    );
    // The manager's fee rewards of an expired tranche; its stake flag is ignored.
    assert_eq!(
        ok(withdraw(
            &vm,
            &mut sp,
            MANAGER,
            MANAGER,
            u(1),
            0,
            true,
            true,
            &[T0 + 1]
        )),
        (U256::ZERO, u(241_920_000_000_000_000))
    );
}

#[test]
fn an_expired_tranche_stops_earning_while_the_stream_goes_on() {
    // ALICE in T0, BOB in T0 + 1; a stream of 1e12 a second for 112 days (a 100-day cover,
    // to the end of bucket B0 + 3) runs past T0's end at 91 days.
    let (vm, mut sp) = two_stakers(T0, T0 + 1);
    allocate(
        &vm,
        &mut sp,
        u(1),
        u(2 * RATE * 4 * BUCKET as u128),
        1,
        100 * DAY,
        0,
    );
    at(&vm, 200 * DAY);
    // Until day 91, 40e9 reward shares: acc = 1e12·91 days·1e18/4e10 = 1.9656e26, frozen for T0.
    assert_eq!(
        ok(sp.expired_tranche(u(1), t(T0))).0,
        u(196_560_000_000_000_000_000_000_000)
    );
    // Then 30e9: acc += 1e12·21 days·1e18/3e10 = 6.048e25.
    assert_eq!(
        ok(sp.expired_tranche(u(1), t(T0 + 1))).0,
        u(257_040_000_000_000_000_000_000_000)
    );
    let alice = withdrawable(&sp, u(1), 1, T0);
    let bob = withdrawable(&sp, u(1), 2, T0 + 1);
    let fee_t0 = withdrawable(&sp, u(1), 0, T0).1;
    let fee_t1 = withdrawable(&sp, u(1), 0, T0 + 1).1;
    assert_eq!(alice, (nxm(81), u(1_769_040_000_000_000_000)));
    assert_eq!(bob, (nxm(243), u(6_940_080_000_000_000_000)));
    assert_eq!(
        (fee_t0, fee_t1),
        (u(196_560_000_000_000_000), u(771_120_000_000_000_000))
    );
    assert_eq!(
        alice.1 + bob.1 + fee_t0 + fee_t1,
        u(RATE * 4 * BUCKET as u128)
    );
    // Stored the same way.
    ok(sp.process_expirations(u(1)));
    assert_eq!(withdrawable(&sp, u(1), 1, T0), alice);
    assert_eq!(
        ok(withdraw(
            &vm,
            &mut sp,
            ALICE,
            ALICE,
            u(1),
            1,
            true,
            true,
            &[T0]
        )),
        alice
    );
}

#[test]
fn withdraw_pays_the_owner_in_one_transfer() {
    let (vm, mut sp) = two_stakers(T0, T0 + 1);
    at(&vm, 2 * TRANCHE);
    // An approved operator withdraws: paid to the owner (address 1, see the module docs).
    vm.set_sender(STRANGER);
    let transfer = INxmToken::transferCall {
        to: OWNER1,
        amountNxm: nxm(81),
    }
    .abi_encode();
    expect_call(&vm, TOKEN, transfer, address_word(OWNER1));
    let result = sp.withdraw(u(1), u(1), true, true, vec![t(T0)]);
    // (ALICE's position 1 holds 81 NXM in T0; the answer makes OWNER1 its owner.)
    assert_eq!(revert(result), address_word(OWNER1));
    // The total of several tranches in one transfer.
    let (vm, mut sp) = with_pool();
    deposit(&vm, &mut sp, ALICE, u(1), nxm(81), T0, 1);
    top_up(&vm, &mut sp, ALICE, u(1), nxm(243), T0 + 1, 1);
    at(&vm, 2 * TRANCHE);
    vm.set_sender(ALICE);
    let transfer = INxmToken::transferCall {
        to: ALICE,
        amountNxm: nxm(324),
    }
    .abi_encode();
    expect_call(&vm, TOKEN, transfer, address_word(ALICE));
    let before = mark(&vm);
    assert_eq!(
        revert(sp.withdraw(u(1), u(1), true, true, vec![t(T0), t(T0 + 1)])),
        address_word(ALICE)
    );
    let withdrawals = logs_of::<Withdraw>(&vm);
    assert_eq!(withdrawals.len(), 2);
    assert_eq!(
        (withdrawals[0].trancheId, withdrawals[0].stakeNxm),
        (t(T0), nxm(81))
    );
    assert_eq!(
        (withdrawals[1].trancheId, withdrawals[1].stakeNxm),
        (t(T0 + 1), nxm(243))
    );
    assert!(events_since(&vm, before).contains(&TrancheExpired::SIGNATURE_HASH));
}

#[test]
fn withdraw_passes_on_the_tokens_member_check() {
    // A payee that is not a member: the token's `NotMember` reaches the caller unchanged. (The
    // fee position's path reads no `ownerOf`, so the revert data can be the token's error.)
    let (vm, mut sp) = two_stakers(T0, T0);
    allocate(&vm, &mut sp, u(1), bucket_premium(), 1, PERIOD, 0);
    at(&vm, BUCKET);
    vm.set_sender(MANAGER);
    let transfer = INxmToken::transferCall {
        to: MANAGER,
        amountNxm: u(241_920_000_000_000_000),
    }
    .abi_encode();
    let not_member = TokenNotMember { account: MANAGER }.abi_encode();
    expect_call(&vm, TOKEN, transfer, not_member.clone());
    assert_eq!(
        revert(sp.withdraw(u(1), U256::ZERO, false, true, vec![t(T0)])),
        not_member
    );
}

#[test]
fn withdraw_checks_the_position() {
    let (vm, mut sp) = two_stakers(T0, T0);
    assert_eq!(create(&vm, &mut sp, BOB, false, 0, 0), u(2));
    at(&vm, TRANCHE);
    vm.set_sender(ALICE);
    answer(&vm, address_word(ALICE));
    for pool in [u(0), u(3), U256::MAX] {
        rejects(&vm, PoolNotFound { poolId: pool }.abi_encode(), || {
            sp.withdraw(pool, u(1), true, true, vec![t(T0)])
        });
    }
    rejects(
        &vm,
        InvalidStakingPoolForToken {
            tokenId: u(1),
            tokenPoolId: u(1),
            poolId: u(2),
        }
        .abi_encode(),
        || sp.withdraw(u(2), u(1), true, true, vec![t(T0)]),
    );
    rejects(
        &vm,
        InvalidStakingPoolForToken {
            tokenId: u(5),
            tokenPoolId: U256::ZERO,
            poolId: u(1),
        }
        .abi_encode(),
        || sp.withdraw(u(1), u(5), true, true, vec![t(T0)]),
    );
    // The fee position is the manager's.
    rejects(
        &vm,
        OnlyManager {
            caller: ALICE,
            poolId: u(1),
        }
        .abi_encode(),
        || sp.withdraw(u(1), U256::ZERO, false, true, vec![t(T0)]),
    );
    // Neither owner nor approved: the owner is someone else and the approval answer is false
    // (the zero word reads as both).
    vm.set_sender(STRANGER);
    answer(&vm, address_word(Address::ZERO));
    rejects(
        &vm,
        NotTokenOwnerOrApproved {
            caller: STRANGER,
            tokenId: u(1),
        }
        .abi_encode(),
        || sp.withdraw(u(1), u(1), true, true, vec![t(T0)]),
    );
    // Stake from an active tranche, even among expired ones.
    vm.set_sender(ALICE);
    answer(&vm, address_word(ALICE));
    top_up(&vm, &mut sp, ALICE, u(1), nxm(1), T0 + 2, 1);
    vm.set_sender(ALICE);
    answer(&vm, address_word(ALICE));
    rejects(
        &vm,
        TrancheNotExpired {
            trancheId: t(T0 + 2),
        }
        .abi_encode(),
        || sp.withdraw(u(1), u(1), true, false, vec![t(T0 + 2), t(T0)]),
    );
    // Nothing to pay: no transfer, no error (a list of tranches without rewards).
    assert_eq!(
        ok(withdraw(
            &vm,
            &mut sp,
            ALICE,
            ALICE,
            u(1),
            1,
            false,
            true,
            &[T0 + 2, T0 + 5, u64::MAX]
        )),
        (U256::ZERO, U256::ZERO)
    );
    assert_eq!(
        ok(withdraw(
            &vm,
            &mut sp,
            ALICE,
            ALICE,
            u(1),
            1,
            true,
            true,
            &[]
        )),
        (U256::ZERO, U256::ZERO)
    );
}

#[test]
fn tranche_expiry_splits_the_stake_by_shares() {
    let (vm, mut sp) = two_stakers(T0, T0 + 1);
    at(&vm, TRANCHE);
    ok(sp.process_expirations(u(1)));
    // T0 held 9e9 of 36e9 shares: 324·9/36 = 81 NXM.
    assert_eq!(ok(sp.expired_tranche(u(1), t(T0))).1, nxm(81));
    let view = ok(sp.pool(u(1)));
    assert_eq!(
        (view.5, view.6, view.7),
        (nxm(243), u(27_000_000_000), u(30_000_000_000))
    );
    let (first, stakes) = ok(sp.tranche_stakes(u(1)));
    assert_eq!((first, stakes[0]), (t(T0 + 1), nxm(243)));
    // A new deposit now prices off the remaining tranche: 27e9·81/243 = 9e9.
    deposit(&vm, &mut sp, ALICE, u(1), nxm(81), T0 + 2, 3);
    assert_eq!(ok(sp.deposit(u(1), u(3), t(T0 + 2))).0, u(9_000_000_000));
}

#[test]
fn an_idle_pool_catches_up_in_one_walk() {
    let (vm, mut sp) = with_pool();
    for i in 0..8u64 {
        deposit(
            &vm,
            &mut sp,
            ALICE,
            u(1),
            nxm(1 + i as u128),
            T0 + i,
            1 + i as u128,
        );
    }
    // Three years later: 8 tranche ends, no stream, nothing else to walk.
    at(&vm, 3 * 364 * DAY);
    let before = mark(&vm);
    ok(sp.process_expirations(u(1)));
    let expired = logs_of::<TrancheExpired>(&vm);
    assert_eq!(expired.len(), 8);
    for (i, event) in expired.iter().enumerate() {
        assert_eq!(
            (event.trancheId, event.stakeAtExpiryNxm),
            (t(T0 + i as u64), nxm(1 + i as u128))
        );
    }
    assert_eq!(events_since(&vm, before).len(), 9);
    assert_eq!(ok(sp.pool(u(1))).5, U256::ZERO);
    // A new first deposit is priced as into an empty pool again.
    let tranche = (START + 3 * 364 * DAY) / TRANCHE;
    deposit(&vm, &mut sp, BOB, u(1), nxm(16), tranche, 9);
    assert_eq!(
        ok(sp.deposit(u(1), u(9), U256::from(tranche))).0,
        u(4_000_000_000)
    );
}

#[test]
fn a_long_stream_is_walked_in_several_calls() {
    let (vm, mut sp) = two_stakers(T0 + 7, T0 + 7);
    // A 28-day cover with a grace of 70 buckets: its stream ends 72 buckets after START.
    allocate(
        &vm,
        &mut sp,
        u(1),
        u(2 * RATE * 72 * BUCKET as u128),
        1,
        28 * DAY,
        70 * BUCKET,
    );
    assert_eq!(
        last_log::<RewardsStreamed>(&vm).streamEndSecs,
        U256::from(START + 72 * BUCKET)
    );
    at(&vm, 70 * BUCKET + 5);
    let pending = ExpirationsPending {
        poolId: u(1),
        processedUntilSecs: U256::from(START + 64 * BUCKET),
    };
    let current = (START + 70 * BUCKET + 5) / TRANCHE;
    vm.set_sender(ALICE);
    answer(&vm, word(u(3)));
    rejects(&vm, pending.abi_encode(), || {
        sp.deposit_to(u(1), nxm(1), t(current), U256::ZERO, Address::ZERO)
    });
    vm.set_sender(COVER);
    rejects(&vm, pending.abi_encode(), || {
        sp.burn_stake(u(1), u(1), nxm(1), U256::ZERO)
    });
    // The views walk as far as needed.
    let acc = ok(sp.pool(u(1))).9;
    // One call walks 64 bucket starts, the next the rest.
    ok(sp.process_expirations(u(1)));
    assert!(logs_of::<BucketExpired>(&vm).is_empty());
    ok(sp.process_expirations(u(1)));
    assert_eq!(ok(sp.pool(u(1))).9, acc);
    deposit(&vm, &mut sp, ALICE, u(1), nxm(1), current, 3);
    at(&vm, 73 * BUCKET);
    ok(sp.process_expirations(u(1)));
    assert_eq!(last_log::<BucketExpired>(&vm).bucketId, t(B0 + 72));
    assert_eq!(ok(sp.pool(u(1))).8, U256::ZERO);
}

#[test]
fn process_expirations_rejects_missing_pools() {
    let (vm, mut sp) = with_pool();
    for pool in [u(0), u(2), U256::MAX] {
        rejects(&vm, PoolNotFound { poolId: pool }.abi_encode(), || {
            sp.process_expirations(pool)
        });
    }
}

// ----- extensions -----

#[test]
fn extend_before_expiry_moves_shares_and_rewards_and_recomputes_fees() {
    let (vm, mut sp) = two_stakers(T0 + 1, T0 + 1);
    allocate(&vm, &mut sp, u(1), bucket_premium(), 1, PERIOD, 0);
    at(&vm, BUCKET / 2);
    vm.set_sender(ALICE);
    answer(&vm, word(u(1)));
    let before = mark(&vm);
    ok(sp.extend_deposit(u(1), t(T0 + 1), t(T0 + 3), U256::ZERO));
    assert_eq!(
        events_since(&vm, before),
        vec![DepositExtended::SIGNATURE_HASH]
    );
    let extended: DepositExtended = last_log(&vm);
    assert_eq!(
        (
            extended.user,
            extended.tokenId,
            extended.fromTrancheId,
            extended.toTrancheId,
            extended.topUpNxm
        ),
        (ALICE, u(1), t(T0 + 1), t(T0 + 3), U256::ZERO)
    );
    // Her 2.7216e17 rewards so far moved with her 9e9 shares.
    assert_eq!(
        ok(sp.deposit(u(1), u(1), t(T0 + 1))),
        (U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO)
    );
    assert_eq!(
        ok(sp.deposit(u(1), u(1), t(T0 + 3))),
        (
            u(9_000_000_000),
            u(9_000_000_000),
            u(272_160_000_000_000_000),
            u(30_240_000_000_000_000_000_000_000)
        )
    );
    // Fee shares from the stake shares: 27e9·10/90 = 3e9 left, 9e9·10/90 = 1e9 moved.
    assert_eq!(
        ok(sp.tranche(u(1), t(T0 + 1))),
        (u(27_000_000_000), u(30_000_000_000))
    );
    assert_eq!(
        ok(sp.tranche(u(1), t(T0 + 3))),
        (u(9_000_000_000), u(10_000_000_000))
    );
    assert_eq!(
        ok(sp.deposit(u(1), U256::ZERO, t(T0 + 1))).2,
        u(120_960_000_000_000_000)
    );
    let view = ok(sp.pool(u(1)));
    assert_eq!(
        (view.5, view.6, view.7),
        (nxm(324), u(36_000_000_000), u(40_000_000_000))
    );
    // The stream's end: everyone earned what they would have without the move.
    at(&vm, BUCKET);
    assert_eq!(
        withdrawable(&sp, u(1), 1, T0 + 3).1,
        u(544_320_000_000_000_000)
    );
    assert_eq!(
        withdrawable(&sp, u(1), 2, T0 + 1).1,
        u(1_632_960_000_000_000_000)
    );
    assert_eq!(
        withdrawable(&sp, u(1), 0, T0 + 1).1 + withdrawable(&sp, u(1), 0, T0 + 3).1,
        u(241_920_000_000_000_000)
    );
    // With a top-up: 27 NXM more is 3e9 more shares, and fee shares follow.
    vm.set_sender(ALICE);
    answer(&vm, word(u(1)));
    ok(sp.extend_deposit(u(1), t(T0 + 3), t(T0 + 4), nxm(27)));
    assert_eq!(
        ok(sp.tranche(u(1), t(T0 + 4))),
        (u(12_000_000_000), u(13_333_333_333))
    );
    assert_eq!(ok(sp.tranche(u(1), t(T0 + 3))), (U256::ZERO, U256::ZERO));
    let updated: ActiveStakeUpdated = last_log(&vm);
    assert_eq!(
        (updated.activeStakeNxm, updated.stakeSharesSupply),
        (nxm(351), u(39_000_000_000))
    );
}

#[test]
fn extend_takes_the_top_up_from_the_caller() {
    let (vm, mut sp) = two_stakers(T0, T0);
    vm.set_sender(ALICE);
    let transfer = INxmToken::operatorTransferCall {
        from: ALICE,
        to: POOL,
        amountNxm: nxm(27),
    };
    expect_call(&vm, TOKEN, transfer.abi_encode(), word(u(1)));
    assert_eq!(
        revert(sp.extend_deposit(u(1), t(T0), t(T0 + 1), nxm(27))),
        word(u(1))
    );
}

#[test]
fn extend_after_expiry_redeposits_stake_and_rewards() {
    let (vm, mut sp) = two_stakers(T0 + 1, T0 + 2);
    allocate(&vm, &mut sp, u(1), bucket_premium(), 1, PERIOD, 0);
    at(&vm, 2 * TRANCHE + DAY);
    // ALICE's tranche expired with 81 NXM and 5.4432e17 rewards (acc 6.048e25 · 9e9).
    assert_eq!(
        withdrawable(&sp, u(1), 1, T0 + 1),
        (nxm(81), u(544_320_000_000_000_000))
    );
    vm.set_sender(ALICE);
    answer(&vm, word(u(1)));
    ok(sp.extend_deposit(u(1), t(T0 + 1), t(T0 + 5), U256::ZERO));
    // Re-deposited at BOB's tranche's price: 27e9 · 81.54432e18 / 243e18 = 9 060 480 000.
    let amount = nxm(81) + u(544_320_000_000_000_000);
    assert_eq!(ok(sp.deposit(u(1), u(1), t(T0 + 5))).0, u(9_060_480_000));
    assert_eq!(
        ok(sp.tranche(u(1), t(T0 + 5))),
        (u(9_060_480_000), u(9_060_480_000 + 1_006_720_000))
    );
    assert_eq!(
        ok(sp.deposit(u(1), u(1), t(T0 + 1))),
        (U256::ZERO, U256::ZERO, U256::ZERO, U256::ZERO)
    );
    assert_eq!(withdrawable(&sp, u(1), 1, T0 + 1), (U256::ZERO, U256::ZERO));
    let updated: ActiveStakeUpdated = last_log(&vm);
    assert_eq!(updated.activeStakeNxm, nxm(243) + amount);
    // The fee position of the expired tranche keeps its rewards.
    assert_eq!(
        withdrawable(&sp, u(1), 0, T0 + 1).1,
        u(60_480_000_000_000_000)
    );
}

#[test]
fn extend_checks_token_pool_tranches_and_amounts() {
    let (vm, mut sp) = two_stakers(T0 + 1, T0 + 1);
    vm.set_sender(ALICE);
    answer(&vm, word(u(1)));
    rejects(
        &vm,
        InvalidStakingPoolForToken {
            tokenId: u(9),
            tokenPoolId: U256::ZERO,
            poolId: U256::ZERO,
        }
        .abi_encode(),
        || sp.extend_deposit(u(9), t(T0 + 1), t(T0 + 2), U256::ZERO),
    );
    rejects(
        &vm,
        NewTrancheEndsBeforeInitialTranche {
            fromTrancheId: t(T0 + 1),
            toTrancheId: t(T0 + 1),
        }
        .abi_encode(),
        || sp.extend_deposit(u(1), t(T0 + 1), t(T0 + 1), U256::ZERO),
    );
    rejects(
        &vm,
        NewTrancheEndsBeforeInitialTranche {
            fromTrancheId: t(T0 + 2),
            toTrancheId: t(T0 + 1),
        }
        .abi_encode(),
        || sp.extend_deposit(u(1), t(T0 + 2), t(T0 + 1), U256::ZERO),
    );
    rejects(
        &vm,
        RequestedTrancheIsNotYetActive {
            trancheId: t(T0 + 8),
            maxTrancheId: t(T0 + 7),
        }
        .abi_encode(),
        || sp.extend_deposit(u(1), t(T0 + 1), t(T0 + 8), U256::ZERO),
    );
    // Nothing to move: a tranche the position is not in, without a top-up.
    rejects(
        &vm,
        InsufficientDepositAmount {
            amountNxm: U256::ZERO,
        }
        .abi_encode(),
        || sp.extend_deposit(u(1), t(T0 + 2), t(T0 + 3), U256::ZERO),
    );
    // A top-up too small for a share.
    rejects(
        &vm,
        InsufficientDepositAmount { amountNxm: u(1) }.abi_encode(),
        || sp.extend_deposit(u(1), t(T0 + 1), t(T0 + 3), u(1)),
    );
    // A target before the current tranche (both expired).
    at(&vm, 3 * TRANCHE);
    ok(sp.process_expirations(u(1)));
    rejects(
        &vm,
        RequestedTrancheIsExpired {
            trancheId: t(T0 + 2),
            currentTrancheId: t(T0 + 3),
        }
        .abi_encode(),
        || sp.extend_deposit(u(1), t(T0 + 1), t(T0 + 2), U256::ZERO),
    );
    // An expired tranche the position is not in: nothing to move either.
    rejects(
        &vm,
        InsufficientDepositAmount {
            amountNxm: U256::ZERO,
        }
        .abi_encode(),
        || sp.extend_deposit(u(1), t(T0), t(T0 + 3), U256::ZERO),
    );
    vm.set_sender(STRANGER);
    let approved = IPositionNft::isApprovedOrOwnerCall {
        spender: STRANGER,
        tokenId: u(1),
    }
    .abi_encode();
    vm.mock_static_call(NFT, approved, Ok(word(U256::ZERO)));
    rejects(
        &vm,
        NotTokenOwnerOrApproved {
            caller: STRANGER,
            tokenId: u(1),
        }
        .abi_encode(),
        || sp.extend_deposit(u(1), t(T0 + 1), t(T0 + 4), U256::ZERO),
    );
    // Private and halted pools.
    vm.set_sender(MANAGER);
    ok(sp.set_pool_privacy(u(1), true));
    vm.set_sender(ALICE);
    answer(&vm, word(u(1)));
    rejects(&vm, PrivatePool { poolId: u(1) }.abi_encode(), || {
        sp.extend_deposit(u(1), t(T0 + 1), t(T0 + 4), U256::ZERO)
    });
    deposit(&vm, &mut sp, MANAGER, u(1), nxm(1), T0 + 4, 3);
    vm.set_sender(COVER);
    ok(sp.burn_stake(u(1), u(1), nxm(2), U256::ZERO));
    vm.set_sender(ALICE);
    answer(&vm, word(u(1)));
    rejects(&vm, PoolHalted { poolId: u(1) }.abi_encode(), || {
        sp.extend_deposit(u(1), t(T0 + 1), t(T0 + 4), U256::ZERO)
    });
}

// ----- the fee -----

#[test]
fn set_pool_fee_rebases_the_fee_shares_and_keeps_accrued_rewards() {
    let (vm, mut sp) = two_stakers(T0 + 1, T0 + 1);
    allocate(&vm, &mut sp, u(1), bucket_premium(), 1, PERIOD, 0);
    at(&vm, BUCKET / 2);
    vm.set_sender(MANAGER);
    ok(sp.set_pool_fee(u(1), u(20)));
    // 36e9 stake shares at 20 %: 36e9·20/80 = 9e9 fee shares; the 1.2096e17 earned so far
    // is kept as pending.
    assert_eq!(
        ok(sp.tranche(u(1), t(T0 + 1))),
        (u(36_000_000_000), u(45_000_000_000))
    );
    assert_eq!(
        ok(sp.deposit(u(1), U256::ZERO, t(T0 + 1))).2,
        u(120_960_000_000_000_000)
    );
    assert_eq!(ok(sp.pool(u(1))).7, u(45_000_000_000));
    at(&vm, BUCKET);
    // The second half, 1.2096e18, over 45e9 shares: acc += 2.688e25.
    let alice = withdrawable(&sp, u(1), 1, T0 + 1).1;
    let bob = withdrawable(&sp, u(1), 2, T0 + 1).1;
    let manager = withdrawable(&sp, u(1), 0, T0 + 1).1;
    assert_eq!(
        (alice, bob, manager),
        (
            u(514_080_000_000_000_000),
            u(1_542_240_000_000_000_000),
            u(362_880_000_000_000_000)
        )
    );
    assert_eq!(alice + bob + manager, u(RATE * BUCKET as u128));
    // New deposits get fee shares at the new fee: 9e9 → 9e9·20/80.
    deposit(&vm, &mut sp, BOB, u(1), nxm(81), T0 + 2, 3);
    assert_eq!(
        ok(sp.tranche(u(1), t(T0 + 2))),
        (u(9_000_000_000), u(11_250_000_000))
    );
    // Down to zero: the fee positions lose their shares, not their rewards.
    vm.set_sender(MANAGER);
    ok(sp.set_pool_fee(u(1), U256::ZERO));
    assert_eq!(
        ok(sp.tranche(u(1), t(T0 + 1))),
        (u(36_000_000_000), u(36_000_000_000))
    );
    assert_eq!(withdrawable(&sp, u(1), 0, T0 + 1).1, manager);
}

// ----- burns -----

#[test]
fn burns_take_from_every_tranche_in_proportion() {
    let (vm, mut sp) = two_stakers(T0 + 1, T0 + 2);
    vm.set_sender(COVER);
    let before = mark(&vm);
    assert_eq!(ok(sp.burn_stake(u(1), u(4), nxm(162), nxm(50))), nxm(162));
    assert_eq!(
        events_since(&vm, before),
        vec![
            StakeBurned::SIGNATURE_HASH,
            ActiveStakeUpdated::SIGNATURE_HASH
        ]
    );
    let burned: StakeBurned = last_log(&vm);
    assert_eq!((burned.poolId, burned.burnedNxm), (u(1), nxm(162)));
    let (_, stakes) = ok(sp.tranche_stakes(u(1)));
    // Half of each: 81 → 40.5, 243 → 121.5.
    assert_eq!((stakes[1], stakes[2]), (nxm(81) / u(2), nxm(243) / u(2)));
    assert!(!ok(sp.pool(u(1))).2);
    // Shares do not change; a deposit now buys twice as many.
    deposit(&vm, &mut sp, ALICE, u(1), nxm(81), T0 + 1, 3);
    assert_eq!(ok(sp.deposit(u(1), u(3), t(T0 + 1))).0, u(18_000_000_000));
    // The expiry pays the burned-down stake.
    at(&vm, 2 * TRANCHE);
    assert_eq!(withdrawable(&sp, u(1), 1, T0 + 1).0, nxm(81) / u(2));
    assert_eq!(withdrawable(&sp, u(1), 3, T0 + 1).0, nxm(81));
}

#[test]
fn burn_burns_then_deallocates() {
    let (vm, mut sp) = two_stakers(T0, T0);
    vm.set_sender(COVER);
    let burn = INxmToken::operatorBurnCall {
        from: POOL,
        amountNxm: nxm(10),
    }
    .abi_encode();
    expect_call(&vm, TOKEN, burn, vec![1]);
    assert_eq!(revert(sp.burn_stake(u(1), u(4), nxm(10), nxm(3))), vec![1]);
    vm.clear_mocks();
    let deallocate = IStakingProducts::deallocateCall {
        poolId: u(1),
        allocationId: u(4),
        amountNxm: nxm(3),
    }
    .abi_encode();
    expect_call(&vm, PRODUCTS, deallocate, vec![2]);
    assert_eq!(revert(sp.burn_stake(u(1), u(4), nxm(10), nxm(3))), vec![2]);
    // No deallocation for 0 (a cover already ended), no burn of nothing.
    vm.clear_mocks();
    let deallocate = IStakingProducts::deallocateCall {
        poolId: u(1),
        allocationId: u(4),
        amountNxm: U256::ZERO,
    }
    .abi_encode();
    expect_call(&vm, PRODUCTS, deallocate, vec![3]);
    let burn = INxmToken::operatorBurnCall {
        from: POOL,
        amountNxm: U256::ZERO,
    }
    .abi_encode();
    expect_call(&vm, TOKEN, burn, vec![4]);
    assert_eq!(
        ok(sp.burn_stake(u(1), u(4), U256::ZERO, U256::ZERO)),
        U256::ZERO
    );
}

#[test]
fn a_burn_of_everything_leaves_one_wei_and_halts() {
    let (vm, mut sp) = two_stakers(T0, T0 + 1);
    vm.set_sender(COVER);
    let before = mark(&vm);
    assert_eq!(
        ok(sp.burn_stake(u(1), u(1), nxm(324), U256::ZERO)),
        nxm(324) - u(1)
    );
    assert_eq!(
        events_since(&vm, before),
        vec![
            PoolHaltedByBurn::SIGNATURE_HASH,
            StakeBurned::SIGNATURE_HASH,
            ActiveStakeUpdated::SIGNATURE_HASH
        ]
    );
    assert_eq!(last_log::<PoolHaltedByBurn>(&vm).poolId, u(1));
    let view = ok(sp.pool(u(1)));
    assert_eq!((view.2, view.5), (true, u(1)));
    // Halted pools keep burning what is left (nothing), without halting again.
    let before = mark(&vm);
    assert_eq!(
        ok(sp.burn_stake(u(1), u(1), nxm(1), U256::ZERO)),
        U256::ZERO
    );
    assert_eq!(
        events_since(&vm, before),
        vec![
            StakeBurned::SIGNATURE_HASH,
            ActiveStakeUpdated::SIGNATURE_HASH
        ]
    );
    // A burn just short of everything does not halt.
    let (vm, mut sp) = two_stakers(T0, T0 + 1);
    vm.set_sender(COVER);
    assert_eq!(
        ok(sp.burn_stake(u(1), u(1), nxm(324) - u(1), U256::ZERO)),
        nxm(324) - u(1)
    );
    assert!(!ok(sp.pool(u(1))).2);
    // Withdrawals go on: the expired tranche pays its share of the 1 wei (rounded down).
    at(&vm, TRANCHE);
    assert_eq!(withdrawable(&sp, u(1), 1, T0), (U256::ZERO, U256::ZERO));
}

#[test]
fn burn_rejects_missing_pools() {
    let (vm, mut sp) = with_pool();
    vm.set_sender(COVER);
    for pool in [u(0), u(2), U256::MAX] {
        rejects(&vm, PoolNotFound { poolId: pool }.abi_encode(), || {
            sp.burn_stake(pool, u(1), u(1), u(0))
        });
        rejects(&vm, PoolNotFound { poolId: pool }.abi_encode(), || {
            sp.request_deallocation(pool, u(1), u(1), u(1), u(1), u(0))
        });
    }
}

// ----- deallocation -----

#[test]
fn an_edit_burns_the_rest_of_the_stream() {
    let (vm, mut sp) = two_stakers(T0 + 1, T0 + 1);
    allocate(&vm, &mut sp, u(1), bucket_premium(), 9, PERIOD, 0);
    at(&vm, 7 * DAY);
    vm.set_sender(COVER);
    let burn = INxmToken::operatorBurnCall {
        from: POOL,
        amountNxm: u(RATE * 21 * DAY as u128),
    }
    .abi_encode();
    expect_call(&vm, TOKEN, burn, vec![7]);
    let before = mark(&vm);
    let result = sp.request_deallocation(
        u(1),
        u(9),
        bucket_premium(),
        U256::from(START),
        U256::from(PERIOD),
        U256::ZERO,
    );
    assert_eq!(revert(result), vec![7]);
    assert_eq!(
        events_since(&vm, before),
        vec![RewardsBurned::SIGNATURE_HASH]
    );
    let burned: RewardsBurned = last_log(&vm);
    assert_eq!(
        (burned.poolId, burned.allocationId, burned.burnedNxm),
        (u(1), u(9), u(RATE * 21 * DAY as u128))
    );
    // The rate and the bucket's cut are gone; the first 7 days stay earned.
    assert_eq!(ok(sp.pool(u(1))).8, U256::ZERO);
    at(&vm, BUCKET + DAY);
    let before = mark(&vm);
    ok(sp.process_expirations(u(1)));
    assert_eq!(mark(&vm), before, "no cut left at the bucket start");
    let earned = withdrawable(&sp, u(1), 1, T0 + 1).1
        + withdrawable(&sp, u(1), 2, T0 + 1).1
        + withdrawable(&sp, u(1), 0, T0 + 1).1;
    assert_eq!(earned + burned.burnedNxm, u(RATE * BUCKET as u128));
    assert_eq!(earned, u(RATE * 7 * DAY as u128));
}

#[test]
fn deallocation_frees_the_allocation_in_full() {
    let (vm, mut sp) = two_stakers(T0, T0);
    allocate(&vm, &mut sp, u(1), bucket_premium(), 9, PERIOD, 0);
    vm.set_sender(COVER);
    let deallocate = IStakingProducts::deallocateCall {
        poolId: u(1),
        allocationId: u(9),
        amountNxm: U256::MAX,
    }
    .abi_encode();
    expect_call(&vm, PRODUCTS, deallocate, vec![5]);
    // At expiry (premium 0) nothing is burned and the rate stays.
    at(&vm, BUCKET - 1);
    let before = mark(&vm);
    let result = sp.request_deallocation(
        u(1),
        u(9),
        U256::ZERO,
        U256::from(START),
        U256::from(PERIOD),
        U256::ZERO,
    );
    assert_eq!(revert(result), vec![5]);
    assert_eq!(mark(&vm), before);
    assert_eq!(ok(sp.pool(u(1))).8, u(RATE));
    // After the stream's end an edit burns nothing either.
    at(&vm, BUCKET);
    let before = mark(&vm);
    let result = sp.request_deallocation(
        u(1),
        u(9),
        bucket_premium(),
        U256::from(START),
        U256::from(PERIOD),
        U256::ZERO,
    );
    assert_eq!(revert(result), vec![5]);
    assert_eq!(
        events_since(&vm, before),
        vec![BucketExpired::SIGNATURE_HASH]
    );
}

#[test]
fn deallocation_of_a_stream_larger_than_the_rate_is_refused() {
    let (vm, mut sp) = two_stakers(T0, T0);
    allocate(&vm, &mut sp, u(1), bucket_premium(), 9, PERIOD, 0);
    vm.set_sender(COVER);
    rejects(&vm, MathOverflow {}.abi_encode(), || {
        sp.request_deallocation(
            u(1),
            u(9),
            bucket_premium() * u(2),
            U256::from(START),
            U256::from(PERIOD),
            U256::ZERO,
        )
    });
    // Another bucket's stream (a later start): its bucket has no cut.
    rejects(&vm, MathOverflow {}.abi_encode(), || {
        sp.request_deallocation(
            u(1),
            u(9),
            bucket_premium(),
            U256::from(START + BUCKET),
            U256::from(PERIOD),
            U256::ZERO,
        )
    });
    rejects(&vm, MathOverflow {}.abi_encode(), || {
        sp.request_deallocation(
            u(1),
            u(9),
            bucket_premium(),
            U256::MAX,
            U256::from(PERIOD),
            U256::ZERO,
        )
    });
}

// ----- answers and values out of range -----

#[test]
fn short_answers_and_values_beyond_128_bits_are_refused() {
    let (vm, mut sp) = two_stakers(T0, T0);
    // A trusted contract that answers less than the interface returns: an empty revert.
    answer(&vm, Vec::new());
    vm.set_sender(ALICE);
    rejects(&vm, Vec::new(), || {
        sp.deposit_to(u(1), nxm(1), t(T0), U256::ZERO, Address::ZERO)
    });
    vm.set_sender(COVER);
    answer(&vm, word(u(1)));
    assert_eq!(
        revert(sp.request_allocation(
            u(1),
            u(1),
            nxm(1),
            U256::from(PERIOD),
            U256::ZERO,
            false,
            U256::ZERO,
            U256::ZERO
        )),
        Vec::<u8>::new()
    );
    // A minted token id beyond 64 bits is not one of ours.
    vm.set_sender(ALICE);
    answer(&vm, word(U256::from(u64::MAX) + u(1)));
    rejects(&vm, MathOverflow {}.abi_encode(), || {
        sp.deposit_to(u(1), nxm(1), t(T0), U256::ZERO, Address::ZERO)
    });
    // Amounts beyond 128 bits.
    let huge = U256::from(u128::MAX) + u(1);
    answer(&vm, word(u(3)));
    rejects(&vm, MathOverflow {}.abi_encode(), || {
        sp.deposit_to(u(1), huge, t(T0), U256::ZERO, Address::ZERO)
    });
    answer(&vm, word(u(1)));
    rejects(&vm, MathOverflow {}.abi_encode(), || {
        sp.extend_deposit(u(1), t(T0), t(T0 + 1), huge)
    });
    // A premium whose reward rate would not fit.
    vm.set_sender(COVER);
    answer(&vm, [word(U256::MAX), word(u(1))].concat());
    assert_eq!(
        revert(sp.request_allocation(
            u(1),
            u(1),
            nxm(1),
            U256::from(PERIOD),
            U256::ZERO,
            false,
            U256::ZERO,
            U256::ZERO
        )),
        MathOverflow {}.abi_encode()
    );
}

// ----- routing: the ABI as declared -----

#[test]
fn routes_every_declared_selector() {
    let (_vm, mut sp) = with_pool();
    for selector in IStakingPoolCalls::SELECTORS {
        let routed = <StakingPool as Router<StakingPool>>::route(
            &mut sp,
            u32::from_be_bytes(*selector),
            &[],
        );
        assert!(
            routed.is_some(),
            "selector {selector:02x?} is not implemented"
        );
    }
    assert_eq!(IStakingPoolCalls::SELECTORS.len(), 20);
}

/// Routes `call` (encoded by alloy from the declared interface) through the contract's router;
/// `None` if no entrypoint has its selector.
fn routed<C: SolCall>(sp: &mut StakingPool, call: &C) -> Option<Result<Vec<u8>, Vec<u8>>> {
    raw_route(sp, &call.abi_encode())
}

fn raw_route(sp: &mut StakingPool, calldata: &[u8]) -> Option<Result<Vec<u8>, Vec<u8>>> {
    let selector = u32::from_be_bytes(calldata[..4].try_into().unwrap());
    <StakingPool as Router<StakingPool>>::route(sp, selector, &calldata[4..])
}

/// Routes `call` and decodes its answer as the interface declares it.
fn route<C: SolCall>(sp: &mut StakingPool, call: C) -> C::Return {
    let answer = routed(sp, &call)
        .expect("routed")
        .unwrap_or_else(|e| panic!("reverted {e:02x?}"));
    C::abi_decode_returns_validate(&answer).expect("the answer decodes as declared")
}

#[test]
fn every_entrypoint_routes_as_declared() {
    let (vm, mut sp) = setup();
    // registerPool: an address, a bool and a tuple array (passed on to the staking products
    // exactly: the mock of that call reverts with a marker).
    vm.set_sender(REGISTRY);
    let register = IStakingPool::registerPoolCall {
        manager: MANAGER,
        isPrivate: false,
        initialFeePercent: u(10),
        maxFeePercent: u(20),
        products: vec![(u(1), u(100), u(200)), (u(2), u(50), u(300))],
    };
    let init = IStakingProducts::initializeProductsCall {
        poolId: u(1),
        products: vec![(u(1), u(100), u(200)), (u(2), u(50), u(300))],
    };
    expect_call(&vm, PRODUCTS, init.abi_encode(), vec![0xaa]);
    assert_eq!(routed(&mut sp, &register), Some(Err(vec![0xaa])));
    vm.clear_mocks();
    sp.set_word(K_HEADER, 0, H_POOL_COUNT, U256::ZERO);
    let id = route(&mut sp, register);
    assert_eq!(id, u(1));
    assert_eq!(ok(sp.pool(u(1))).0, MANAGER);
    // depositTo, extendDeposit, tokenPool.
    vm.set_sender(ALICE);
    answer(&vm, word(u(1)));
    let token = route(
        &mut sp,
        IStakingPool::depositToCall {
            poolId: u(1),
            amountNxm: nxm(81),
            trancheId: t(T0),
            tokenId: U256::ZERO,
            destination: Address::ZERO,
        },
    );
    assert_eq!(token, u(1));
    answer(&vm, word(u(2)));
    route(
        &mut sp,
        IStakingPool::depositToCall {
            poolId: u(1),
            amountNxm: nxm(243),
            trancheId: t(T0 + 1),
            tokenId: U256::ZERO,
            destination: BOB,
        },
    );
    answer(&vm, word(u(1)));
    route(
        &mut sp,
        IStakingPool::extendDepositCall {
            tokenId: u(1),
            fromTrancheId: t(T0),
            toTrancheId: t(T0 + 2),
            topUpNxm: U256::ZERO,
        },
    );
    assert_eq!(
        route(&mut sp, IStakingPool::tokenPoolCall { tokenId: u(2) }),
        u(1)
    );
    // Manager functions.
    vm.set_sender(MANAGER);
    route(
        &mut sp,
        IStakingPool::setPoolFeeCall {
            poolId: u(1),
            newFeePercent: u(20),
        },
    );
    route(
        &mut sp,
        IStakingPool::setPoolPrivacyCall {
            poolId: u(1),
            isPrivate: true,
        },
    );
    // The cover contract's calls.
    vm.set_sender(COVER);
    answer(&vm, [word(bucket_premium()), word(u(5))].concat());
    let allocation = route(
        &mut sp,
        IStakingPool::requestAllocationCall {
            poolId: u(1),
            productId: u(1),
            amountNxm: nxm(10),
            periodSecs: U256::from(PERIOD),
            gracePeriodSecs: U256::ZERO,
            useFixedPrice: true,
            capacityReductionBps: u(100),
            minPriceBps: u(100),
        },
    );
    assert_eq!((allocation._0, allocation._1), (bucket_premium(), u(5)));
    at(&vm, DAY);
    route(
        &mut sp,
        IStakingPool::requestDeallocationCall {
            poolId: u(1),
            allocationId: u(5),
            premiumNxm: bucket_premium(),
            startSecs: U256::from(START),
            periodSecs: U256::from(PERIOD),
            gracePeriodSecs: U256::ZERO,
        },
    );
    assert_eq!(
        route(
            &mut sp,
            IStakingPool::burnStakeCall {
                poolId: u(1),
                allocationId: u(5),
                burnNxm: nxm(3),
                deallocateNxm: U256::ZERO
            }
        ),
        nxm(3)
    );
    route(
        &mut sp,
        IStakingPool::processExpirationsCall { poolId: u(1) },
    );
    // Views, against the direct calls.
    assert!(ok(sp.pool(u(1))).1);
    assert_eq!(route(&mut sp, IStakingPool::poolCountCall {}), u(1));
    assert_eq!(
        route(&mut sp, IStakingPool::managerCall { poolId: u(1) }),
        MANAGER
    );
    // hasMemberState: an address in, a bool out.
    assert!(route(
        &mut sp,
        IStakingPool::hasMemberStateCall { member: MANAGER }
    ));
    answer(&vm, word(U256::ZERO));
    assert!(!route(
        &mut sp,
        IStakingPool::hasMemberStateCall { member: STRANGER }
    ));
    answer(&vm, word(u(1)));
    assert!(route(
        &mut sp,
        IStakingPool::hasMemberStateCall { member: STRANGER }
    ));
    let stakes = route(&mut sp, IStakingPool::trancheStakesCall { poolId: u(1) });
    assert_eq!((stakes._0, stakes._1), ok(sp.tranche_stakes(u(1))));
    at(&vm, TRANCHE);
    // words: a uint256[] in, a uint256[] out, the raw words (zero where nothing was written).
    let keys = vec![
        slot(K_POOL, 1, 0),
        slot(K_SHARES, 1, 0),
        slot(K_TRANCHE, 1, T0 + 2),
        slot(K_POSITION, 1, T0 + 2),
        U256::MAX,
    ];
    let raw = route(&mut sp, IStakingPool::wordsCall { keys: keys.clone() });
    assert_eq!(raw.len(), 5);
    for (key, value) in keys.iter().zip(&raw) {
        assert_eq!(*value, sp.read(*key));
    }
    assert_eq!(raw[0], sp.pool_config(u(1)).unwrap().word());
    assert_eq!(halves(raw[2]).0, 9_000_000_000);
    assert_eq!(raw[4], U256::ZERO);
    assert_eq!(
        route(&mut sp, IStakingPool::wordsCall { keys: vec![] }),
        Vec::<U256>::new()
    );
    let withdrawable = ok(sp.withdrawable(u(1), u(1), t(T0 + 2)));
    assert!(!withdrawable.1.is_zero());
    // withdraw: a uint256[].
    vm.set_sender(ALICE);
    answer(&vm, address_word(ALICE));
    let paid = route(
        &mut sp,
        IStakingPool::withdrawCall {
            poolId: u(1),
            tokenId: u(1),
            withdrawStake: false,
            withdrawRewards: true,
            trancheIds: vec![t(T0), t(T0 + 2)],
        },
    );
    assert_eq!((paid._0, paid._1), (U256::ZERO, withdrawable.1));
    let contracts = route(&mut sp, IStakingPool::contractsCall {});
    assert_eq!(
        (
            contracts._0,
            contracts._1,
            contracts._2,
            contracts._3,
            contracts._4
        ),
        (TOKEN, NFT, PRODUCTS, COVER, REGISTRY)
    );
    // Governance.
    vm.set_sender(GOVERNANCE);
    route(
        &mut sp,
        IStakingPool::setContractsCall {
            nxmToken: TOKEN,
            stakeNft: NFT,
            stakingProducts: PRODUCTS,
            cover: COVER,
            poolRegistry: REGISTRY,
        },
    );
    route(
        &mut sp,
        IStakingPool::setGovernanceCall { newGovernance: BOB },
    );
    assert_eq!(route(&mut sp, IStakingPool::governanceCall {}), BOB);
    // Entrypoint errors pass through the router unchanged.
    vm.set_sender(STRANGER);
    assert_eq!(
        routed(
            &mut sp,
            &IStakingPool::setGovernanceCall { newGovernance: BOB }
        ),
        Some(Err(Unauthorized { caller: STRANGER }.abi_encode()))
    );
}

#[test]
fn the_router_refuses_what_does_not_decode() {
    let (vm, mut sp) = two_stakers(T0, T0);
    vm.set_sender(GOVERNANCE);
    let refused = Some(Err(Vec::new()));
    // Unknown selectors are not routed (there is no fallback).
    assert_eq!(raw_route(&mut sp, &[0xde, 0xad, 0xbe, 0xef]), None);
    // Too few words.
    let call = IStakingPool::setGovernanceCall { newGovernance: BOB }.abi_encode();
    assert_eq!(raw_route(&mut sp, &call[..35]), refused);
    // An address with dirty high bytes.
    let mut dirty = call.clone();
    dirty[4] = 1;
    assert_eq!(raw_route(&mut sp, &dirty), refused);
    // A bool that is neither 0 nor 1.
    vm.set_sender(MANAGER);
    let mut call = IStakingPool::setPoolPrivacyCall {
        poolId: u(1),
        isPrivate: true,
    }
    .abi_encode();
    call[4 + 63] = 2;
    assert_eq!(raw_route(&mut sp, &call), refused);
    // An offset past the end, a length past the end (a tuple array).
    vm.set_sender(REGISTRY);
    let good = IStakingPool::registerPoolCall {
        manager: MANAGER,
        isPrivate: false,
        initialFeePercent: U256::ZERO,
        maxFeePercent: U256::ZERO,
        products: vec![(u(1), u(1), u(1))],
    }
    .abi_encode();
    let mut bad = good.clone();
    bad[4 + 4 * 32 + 31] = 0xf0;
    assert_eq!(raw_route(&mut sp, &bad), refused);
    let mut huge = good.clone();
    huge[4 + 5 * 32..4 + 6 * 32].copy_from_slice(&[0xff; 32]);
    assert_eq!(raw_route(&mut sp, &huge), refused);
    let mut dirty = good.clone();
    dirty[4 + 11] = 1;
    assert_eq!(raw_route(&mut sp, &dirty), refused);
    assert_eq!(raw_route(&mut sp, &good), Some(Ok(word(u(2)))));
    // An array longer than its data.
    vm.set_sender(ALICE);
    let mut call = IStakingPool::withdrawCall {
        poolId: u(1),
        tokenId: u(1),
        withdrawStake: false,
        withdrawRewards: true,
        trancheIds: vec![t(T0)],
    }
    .abi_encode();
    let length = 4 + 5 * 32 + 31;
    call[length] = 2;
    assert_eq!(raw_route(&mut sp, &call), refused);
    // A tuple array longer than its data.
    vm.set_sender(REGISTRY);
    let mut call = IStakingPool::registerPoolCall {
        manager: MANAGER,
        isPrivate: false,
        initialFeePercent: U256::ZERO,
        maxFeePercent: U256::ZERO,
        products: vec![(u(1), u(1), u(1))],
    }
    .abi_encode();
    let offset = 4 + 32 * 4;
    let products_at = 4 + usize::from(call[offset + 31]);
    call[products_at + 31] = 9;
    assert_eq!(raw_route(&mut sp, &call), refused);
    // No entrypoint is payable.
    vm.set_value(u(1));
    assert_eq!(routed(&mut sp, &IStakingPool::poolCountCall {}), refused);
    assert_eq!(
        routed(
            &mut sp,
            &IStakingPool::processExpirationsCall { poolId: u(1) }
        ),
        refused
    );
    vm.set_value(U256::ZERO);
    assert_eq!(
        routed(&mut sp, &IStakingPool::poolCountCall {}),
        Some(Ok(word(u(2))))
    );
}

#[test]
fn the_constructor_runs_once_and_checks_its_arguments() {
    // Each refusal on a fresh contract (TestVM keeps the guard slot a reverted call wrote).
    let construct = |args: &[u8], value: U256| {
        let vm = TestVM::default();
        vm.set_value(value);
        let mut sp = StakingPool::from(&vm);
        <StakingPool as Router<StakingPool>>::constructor(&mut sp, args).unwrap()
    };
    // A day beyond 64 bits does not decode; a zero governance is refused; no value.
    let mut args = (GOVERNANCE, DAY).abi_encode_params();
    args[32] = 1;
    assert_eq!(construct(&args, U256::ZERO), Err(Vec::new()));
    let args = (Address::ZERO, DAY).abi_encode_params();
    assert_eq!(
        construct(&args, U256::ZERO),
        Err(ZeroAddress {}.abi_encode())
    );
    let args = (GOVERNANCE, DAY).abi_encode_params();
    assert_eq!(construct(&args, u(1)), Err(Vec::new()));
    // Once only.
    let vm = TestVM::default();
    let mut sp = StakingPool::from(&vm);
    assert_eq!(
        <StakingPool as Router<StakingPool>>::constructor(&mut sp, &args).unwrap(),
        Ok(Vec::new())
    );
    assert_eq!(sp.governance(), GOVERNANCE);
    assert!(
        <StakingPool as Router<StakingPool>>::constructor(&mut sp, &args)
            .unwrap()
            .is_err()
    );
}
