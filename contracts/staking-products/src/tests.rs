//! Unit tests of staking products on stylus-sdk's TestVM: every entrypoint, rule, event and
//! revert path, with hand-computed capacity, price and premium examples. Most tests call the
//! entrypoints directly; the routing tests at the end go through the generated router with
//! calldata from `mutual_interfaces::staking_products::abi` (the ABI as declared).
//!
//! Calls to the catalogue and the staking pool are mocked by exact calldata, but TestVM hands
//! *every* call the return data of the last registered mock (an unmocked call succeeds with it
//! too). `allocate` and `deallocate` make no calls. Where an entrypoint reads several views,
//! the tests give all of them one answer that decodes right for each (the contract reads words
//! from the front): for `setProducts` the words `[100, 500, 0, 0, s103, 0, 0, s106, s107]` are
//! the manager `0x…64` (= 100), the listing `(min 100, initial 500, dynamic)` and the tranche
//! stakes `(first tranche 100, [500 wei, 0, 0, s103, 0, 0, s106, s107])`; for `capacity` the
//! words are the tranche stakes, the product (type 100, min = grace = stake of tranche 100,
//! reduction = stake of tranche 102, …) and the product type. So the tests run in tranche 100.
//!
//! TestVM does not roll back storage or logs on a revert, and every entrypoint checks
//! everything before its first write: each revert test asserts the exact error and that the
//! whole storage and the log are unchanged.

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, Address, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use mutual_interfaces::{
    cover_products::{abi::ICoverProducts, ProductNotFound},
    staking_pool::abi::IStakingPool,
    staking_products::{
        abi::IStakingProducts::{self, IStakingProductsCalls},
        Allocated, AlreadyDeallocated, ContractsSet, Deallocated, DuplicateProduct,
        GovernanceChanged, InsufficientCapacity, InvalidAllocationId, MathOverflow, NotAContract,
        ProductUpdated, TargetPriceBelowMin, TargetPriceTooHigh, TargetWeightTooHigh,
        TotalEffectiveWeightExceeded, TotalTargetWeightExceeded, Unauthorized, ZeroAddress,
    },
};
use stylus_sdk::{abi::Router, testing::TestVM};

use super::*;

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const POOL_CONTRACT: Address = address!("00000000000000000000000000000000000000b1");
const CATALOGUE: Address = address!("00000000000000000000000000000000000000c1");
const STRANGER: Address = address!("00000000000000000000000000000000000000e1");
/// The manager the shared `setProducts` answer names: word 0 = 100.
const MANAGER: Address = address!("0000000000000000000000000000000000000064");
const CONTRACT: Address = address!("00000000000000000000000000000000000000f1");
/// An address without code.
const EMPTY: Address = address!("00000000000000000000000000000000000000ee");

const DAY: u64 = 86_400;
const TRANCHE: u64 = 91 * DAY;
const BUCKET: u64 = 28 * DAY;
/// The tests' tranche: 100.
const C: u64 = 100;
/// One day into tranche 100 (day 9 101), in bucket 325.
const START: u64 = C * TRANCHE + DAY;
const POOL: u64 = 7;
const PRODUCT: u64 = 3;
/// The listing every test's catalogue answers: minimum 1 %, initial 5 %, dynamic.
const MIN: u64 = 100;
const INITIAL: u64 = 500;

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// `x` NXM in wei.
fn nxm_of(x: u64) -> U256 {
    u(x) * u(1_000_000_000_000_000_000)
}

/// `x` hundredths of NXM (allocation units) in wei.
fn cents(x: u64) -> U256 {
    u(x) * u(10_000_000_000_000_000)
}

fn word(value: U256) -> Vec<u8> {
    value.to_be_bytes::<32>().to_vec()
}

fn words_of(values: &[U256]) -> Vec<u8> {
    values.iter().flat_map(|v| word(*v)).collect()
}

fn stakes(list: &[(u64, u64)]) -> [U256; 8] {
    let mut out = [U256::ZERO; 8];
    for &(tranche, amount_nxm) in list {
        out[(tranche - C) as usize] = nxm_of(amount_nxm);
    }
    out
}

/// A deployed, wired contract at `START`.
fn deployed() -> (TestVM, StakingProducts) {
    let vm = TestVM::default();
    vm.set_contract_address(CONTRACT);
    vm.set_block_timestamp(START);
    for contract in [POOL_CONTRACT, CATALOGUE] {
        vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut sp = StakingProducts::from(&vm);
    vm.set_sender(GOVERNANCE);
    assert!(sp.constructor(GOVERNANCE, DAY).is_ok());
    assert!(sp.set_contracts(POOL_CONTRACT, CATALOGUE).is_ok());
    (vm, sp)
}

/// Mocks the catalogue's `productForPool(product, pool)`.
fn mock_listing(vm: &TestVM, product: u64, pool: u64, min: u64, initial: u64, fixed: bool) {
    let calldata = ICoverProducts::productForPoolCall {
        productId: u(product),
        poolId: u(pool),
    }
    .abi_encode();
    let answer = (u(min), u(initial), fixed).abi_encode();
    vm.mock_static_call(CATALOGUE, calldata, Ok(answer));
}

/// Lists `products` `(id, weight, price)` in `pool` through `initializeProducts`.
fn list(vm: &TestVM, sp: &mut StakingProducts, pool: u64, products: &[(u64, u64, u64)]) {
    for &(id, _, _) in products {
        mock_listing(vm, id, pool, MIN, INITIAL, false);
    }
    vm.set_sender(POOL_CONTRACT);
    let params = products
        .iter()
        .map(|&(id, w, p)| (u(id), u(w), u(p)))
        .collect();
    assert!(sp.initialize_products(u(pool), params).is_ok());
}

/// One allocation request with the defaults of the tests: dynamic price, no reduction, the
/// minimum price, the stakes of tranches 100..107.
struct Buy {
    amount: U256,
    period: u64,
    grace: u64,
    fixed: bool,
    reduction: u64,
    min: u64,
    first: u64,
    stakes: [U256; 8],
}

fn buy(amount: U256, period_days: u64, stakes: [U256; 8]) -> Buy {
    Buy {
        amount,
        period: period_days * DAY,
        grace: 0,
        fixed: false,
        reduction: 0,
        min: MIN,
        first: C,
        stakes,
    }
}

fn allocate(vm: &TestVM, sp: &mut StakingProducts, product: u64, b: &Buy) -> Res<(U256, U256)> {
    vm.set_sender(POOL_CONTRACT);
    sp.allocate(
        u(POOL),
        u(product),
        b.amount,
        u(b.period),
        u(b.grace),
        b.fixed,
        u(b.reduction),
        u(b.min),
        u(b.first),
        b.stakes,
    )
}

fn deallocate(vm: &TestVM, sp: &mut StakingProducts, id: u64, amount: U256) -> Res<()> {
    vm.set_sender(POOL_CONTRACT);
    sp.deallocate(u(POOL), u(id), amount)
}

/// The window's allocations of `product` in pool `POOL`, in allocation units.
fn window(sp: &StakingProducts, product: u64) -> [u64; 8] {
    let (first, amounts) = sp.tranche_allocations(u(POOL), u(product));
    assert_eq!(first, u(sp.clock().c));
    amounts.map(units_of)
}

fn expect_err<T>(result: Res<T>) -> Vec<u8> {
    match result {
        Ok(_) => panic!("expected a revert"),
        Err(e) => e.into(),
    }
}

/// Runs `f`, which must revert with `expected`, and checks that it changed no storage and
/// logged nothing.
fn reverts<T>(vm: &TestVM, expected: Vec<u8>, f: impl FnOnce() -> Res<T>) {
    let storage = vm.snapshot().storage;
    let logs = vm.get_emitted_logs().len();
    assert_eq!(expect_err(f()), expected);
    assert_eq!(vm.snapshot().storage, storage, "a revert changed storage");
    assert_eq!(vm.get_emitted_logs().len(), logs, "a revert logged");
}

fn last_log<E: SolEvent>(vm: &TestVM) -> E {
    let logs = vm.get_emitted_logs();
    let (topics, data) = logs.last().expect("an event");
    E::decode_raw_log(topics.iter().copied(), data).expect("the expected event")
}

fn logs_of<E: SolEvent>(vm: &TestVM) -> Vec<E> {
    vm.get_emitted_logs()
        .iter()
        .filter(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).unwrap())
        .collect()
}

fn insufficient(product: u64, requested: u64, available: u64) -> Vec<u8> {
    InsufficientCapacity {
        poolId: u(POOL),
        productId: u(product),
        requestedUnits: u(requested),
        availableUnits: u(available),
    }
    .abi_encode()
}

fn overflow_error() -> Vec<u8> {
    MathOverflow {}.abi_encode()
}

fn unauthorized(caller: Address) -> Vec<u8> {
    Unauthorized { caller }.abi_encode()
}

/// Premium by hand: `ceil(units · 0.01 NXM · price · days / (10 000 · 365))`.
fn premium_by_hand(units: u64, price_bps: u64, days: u64) -> U256 {
    let numerator = cents(units) * u(price_bps) * u(days);
    let denominator = u(10_000 * 365);
    (numerator + denominator - u(1)) / denominator
}

// --- constructor and roles ---

#[test]
fn constructor_sets_governance_and_the_time_unit() {
    let (vm, sp) = deployed();
    assert_eq!(sp.governance(), GOVERNANCE);
    assert_eq!(sp.contracts(), (POOL_CONTRACT, CATALOGUE));
    let clock = sp.clock();
    assert_eq!(
        (clock.day, clock.tranche, clock.bucket, clock.c, clock.cb),
        (DAY, TRANCHE, BUCKET, C, 325)
    );
    let logs = logs_of::<GovernanceChanged>(&vm);
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].previousGovernance, Address::ZERO);
    assert_eq!(logs[0].newGovernance, GOVERNANCE);
    assert_eq!(last_log::<ContractsSet>(&vm).stakingPool, POOL_CONTRACT);
    assert_eq!(last_log::<ContractsSet>(&vm).coverProducts, CATALOGUE);
}

#[test]
fn a_devnet_day_scales_every_duration() {
    let vm = TestVM::default();
    vm.set_block_timestamp(1_000_000);
    let mut sp = StakingProducts::from(&vm);
    assert!(sp.constructor(GOVERNANCE, 60).is_ok());
    let clock = sp.clock();
    assert_eq!((clock.tranche, clock.bucket), (91 * 60, 28 * 60));
    assert_eq!((clock.c, clock.cb), (1_000_000 / 5_460, 1_000_000 / 1_680));
}

#[test]
fn constructor_rejects_a_zero_governance_and_unusable_days() {
    let vm = TestVM::default();
    let mut sp = StakingProducts::from(&vm);
    reverts(&vm, ZeroAddress {}.abi_encode(), || {
        sp.constructor(Address::ZERO, DAY)
    });
    reverts(&vm, overflow_error(), || sp.constructor(GOVERNANCE, 0));
    reverts(&vm, overflow_error(), || {
        sp.constructor(GOVERNANCE, u64::MAX / 365 + 1)
    });
    assert!(sp.constructor(GOVERNANCE, u64::MAX / 365).is_ok());
}

#[test]
fn set_contracts_is_governance_only_and_checks_code() {
    let (vm, mut sp) = deployed();
    vm.set_sender(STRANGER);
    reverts(&vm, unauthorized(STRANGER), || {
        sp.set_contracts(POOL_CONTRACT, CATALOGUE)
    });
    vm.set_sender(GOVERNANCE);
    reverts(&vm, ZeroAddress {}.abi_encode(), || {
        sp.set_contracts(Address::ZERO, CATALOGUE)
    });
    reverts(&vm, ZeroAddress {}.abi_encode(), || {
        sp.set_contracts(POOL_CONTRACT, Address::ZERO)
    });
    reverts(&vm, NotAContract { account: EMPTY }.abi_encode(), || {
        sp.set_contracts(POOL_CONTRACT, EMPTY)
    });
    reverts(&vm, NotAContract { account: EMPTY }.abi_encode(), || {
        sp.set_contracts(EMPTY, CATALOGUE)
    });
    // Swapping them keeps the allocation counter.
    list(&vm, &mut sp, POOL, &[(PRODUCT, 50, 200)]);
    let stake = stakes(&[(100, 1_000)]);
    assert!(allocate(&vm, &mut sp, PRODUCT, &buy(nxm_of(1), 28, stake)).is_ok());
    vm.set_sender(GOVERNANCE);
    assert!(sp.set_contracts(CATALOGUE, POOL_CONTRACT).is_ok());
    assert_eq!(sp.contracts(), (CATALOGUE, POOL_CONTRACT));
    let event = last_log::<ContractsSet>(&vm);
    assert_eq!(
        (event.stakingPool, event.coverProducts),
        (CATALOGUE, POOL_CONTRACT)
    );
    assert_eq!(sp.read_word(STAKING_POOL_SLOT).as_limbs()[3], 1);
    assert_eq!(sp.clock().day, DAY);
}

#[test]
fn set_governance_hands_the_role_over() {
    let (vm, mut sp) = deployed();
    vm.set_sender(STRANGER);
    reverts(&vm, unauthorized(STRANGER), || sp.set_governance(STRANGER));
    vm.set_sender(GOVERNANCE);
    reverts(&vm, ZeroAddress {}.abi_encode(), || {
        sp.set_governance(Address::ZERO)
    });
    assert!(sp.set_governance(STRANGER).is_ok());
    assert_eq!(sp.governance(), STRANGER);
    let event = last_log::<GovernanceChanged>(&vm);
    assert_eq!(
        (event.previousGovernance, event.newGovernance),
        (GOVERNANCE, STRANGER)
    );
    reverts(&vm, unauthorized(GOVERNANCE), || {
        sp.set_contracts(POOL_CONTRACT, CATALOGUE)
    });
    // The day is kept.
    assert_eq!(sp.clock().day, DAY);
}

#[test]
fn nothing_works_before_the_contracts_are_set() {
    let vm = TestVM::default();
    vm.set_block_timestamp(START);
    let mut sp = StakingProducts::from(&vm);
    assert!(sp.constructor(GOVERNANCE, DAY).is_ok());
    // A zero staking-pool contract admits no one, not even a zero sender.
    vm.set_sender(Address::ZERO);
    reverts(&vm, unauthorized(Address::ZERO), || {
        sp.initialize_products(u(POOL), vec![])
    });
    reverts(&vm, unauthorized(Address::ZERO), || {
        sp.deallocate(u(POOL), u(1), u(1))
    });
    vm.set_sender(MANAGER);
    reverts(&vm, unauthorized(MANAGER), || {
        sp.set_products(u(POOL), vec![])
    });
}

// --- initializeProducts ---

#[test]
fn initialize_lists_products_at_their_initial_price() {
    let (vm, mut sp) = deployed();
    list(
        &vm,
        &mut sp,
        POOL,
        &[(1, 100, 200), (2, 40, 10_000), (3, 0, MIN)],
    );
    assert_eq!(
        sp.product(u(POOL), u(1)),
        (u(100), u(100), u(200), u(INITIAL), u(START))
    );
    assert_eq!(
        sp.product(u(POOL), u(2)),
        (u(40), u(40), u(10_000), u(INITIAL), u(START))
    );
    assert_eq!(
        sp.product(u(POOL), u(3)),
        (u(0), u(0), u(MIN), u(INITIAL), u(START))
    );
    assert_eq!(sp.pool_weights(u(POOL)), (u(140), u(140)));
    assert_eq!(sp.settings(u(POOL), u(1)).last_bucket, 325);
    assert!(sp.settings(u(POOL), u(3)).listed);
    let events = logs_of::<ProductUpdated>(&vm);
    assert_eq!(events.len(), 3);
    assert_eq!(
        (
            events[1].poolId,
            events[1].productId,
            events[1].targetWeight,
            events[1].targetPriceBps
        ),
        (u(POOL), u(2), u(40), u(10_000))
    );
    // Other pools are untouched.
    assert_eq!(sp.pool_weights(u(POOL + 1)), (U256::ZERO, U256::ZERO));
    assert_eq!(sp.product(u(POOL + 1), u(1)).0, U256::ZERO);
}

#[test]
fn initialize_is_for_the_staking_pool_only() {
    let (vm, mut sp) = deployed();
    mock_listing(&vm, 1, POOL, MIN, INITIAL, false);
    vm.set_sender(STRANGER);
    reverts(&vm, unauthorized(STRANGER), || {
        sp.initialize_products(u(POOL), vec![(u(1), u(10), u(200))])
    });
}

#[test]
fn initialize_checks_every_product() {
    let (vm, mut sp) = deployed();
    mock_listing(&vm, 1, POOL, MIN, INITIAL, false);
    mock_listing(&vm, 2, POOL, MIN, INITIAL, false);
    vm.set_sender(POOL_CONTRACT);
    let p = |id: u64, w: u64, price: u64| (u(id), u(w), u(price));
    reverts(
        &vm,
        TargetWeightTooHigh {
            productId: u(2),
            weight: u(101),
        }
        .abi_encode(),
        || sp.initialize_products(u(POOL), vec![p(1, 10, 200), p(2, 101, 200)]),
    );
    reverts(
        &vm,
        TargetWeightTooHigh {
            productId: u(1),
            weight: U256::MAX,
        }
        .abi_encode(),
        || sp.initialize_products(u(POOL), vec![(u(1), U256::MAX, u(200))]),
    );
    reverts(
        &vm,
        TargetPriceTooHigh {
            productId: u(1),
            priceBps: u(10_001),
        }
        .abi_encode(),
        || sp.initialize_products(u(POOL), vec![p(1, 10, 10_001)]),
    );
    reverts(
        &vm,
        TargetPriceBelowMin {
            productId: u(2),
            priceBps: u(99),
            minPriceBps: u(MIN),
        }
        .abi_encode(),
        || sp.initialize_products(u(POOL), vec![p(1, 10, 100), p(2, 10, 99)]),
    );
    reverts(
        &vm,
        DuplicateProduct { productId: u(1) }.abi_encode(),
        || sp.initialize_products(u(POOL), vec![p(1, 10, 200), p(2, 10, 200), p(1, 5, 200)]),
    );
    // 20 products at 100 is the most; one more weight point is too much.
    let mut products: Vec<_> = (1..=20).map(|id| p(id, 100, 200)).collect();
    products.push(p(21, 1, 200));
    reverts(
        &vm,
        TotalTargetWeightExceeded {
            poolId: u(POOL),
            totalWeight: u(2_001),
        }
        .abi_encode(),
        || sp.initialize_products(u(POOL), products.clone()),
    );
    products.pop();
    assert!(sp.initialize_products(u(POOL), products).is_ok());
    assert_eq!(sp.pool_weights(u(POOL)), (u(2_000), u(2_000)));
}

#[test]
fn initialize_passes_the_catalogues_revert_on() {
    let (vm, mut sp) = deployed();
    let calldata = ICoverProducts::productForPoolCall {
        productId: u(9),
        poolId: u(POOL),
    }
    .abi_encode();
    let reason = ProductNotFound { productId: u(9) }.abi_encode();
    vm.mock_static_call(CATALOGUE, calldata, Err(reason.clone()));
    vm.set_sender(POOL_CONTRACT);
    reverts(&vm, reason, || {
        sp.initialize_products(u(POOL), vec![(u(9), u(10), u(200))])
    });
}

#[test]
fn a_catalogue_that_answers_nothing_is_not_a_contract() {
    let (vm, mut sp) = deployed();
    vm.set_sender(POOL_CONTRACT);
    reverts(
        &vm,
        NotAContract { account: CATALOGUE }.abi_encode(),
        || sp.initialize_products(u(POOL), vec![(u(9), u(10), u(200))]),
    );
}

// --- setProducts ---

/// The shared answer of the manager, the listing and the tranche stakes (see the module docs).
fn mock_pool_views(vm: &TestVM, s103: U256, s106: U256, s107: U256) {
    let answer = words_of(&[
        u(100),
        u(INITIAL),
        U256::ZERO,
        U256::ZERO,
        s103,
        U256::ZERO,
        U256::ZERO,
        s106,
        s107,
    ]);
    let manager = IStakingPool::managerCall { poolId: u(POOL) }.abi_encode();
    vm.mock_static_call(POOL_CONTRACT, manager, Ok(answer.clone()));
    let tranche_stakes = IStakingPool::trancheStakesCall { poolId: u(POOL) }.abi_encode();
    vm.mock_static_call(POOL_CONTRACT, tranche_stakes, Ok(answer.clone()));
    for product in 1..=21 {
        let listing = ICoverProducts::productForPoolCall {
            productId: u(product),
            poolId: u(POOL),
        }
        .abi_encode();
        vm.mock_static_call(CATALOGUE, listing, Ok(answer.clone()));
    }
}

fn set_products(vm: &TestVM, sp: &mut StakingProducts, products: &[(u64, u64, u64)]) -> Res<()> {
    vm.set_sender(MANAGER);
    let params = products
        .iter()
        .map(|&(id, w, p)| (u(id), u(w), u(p)))
        .collect();
    sp.set_products(u(POOL), params)
}

#[test]
fn set_products_is_for_the_pools_manager() {
    let (vm, mut sp) = deployed();
    mock_pool_views(&vm, U256::ZERO, U256::ZERO, U256::ZERO);
    vm.set_sender(STRANGER);
    reverts(&vm, unauthorized(STRANGER), || {
        sp.set_products(u(POOL), vec![(u(1), u(10), u(200))])
    });
    vm.set_sender(POOL_CONTRACT);
    reverts(&vm, unauthorized(POOL_CONTRACT), || {
        sp.set_products(u(POOL), vec![(u(1), u(10), u(200))])
    });
    assert!(set_products(&vm, &mut sp, &[(1, 10, 200)]).is_ok());
    assert_eq!(sp.product(u(POOL), u(1)).0, u(10));
}

#[test]
fn a_pool_without_a_manager_does_not_exist() {
    let (vm, mut sp) = deployed();
    let manager = IStakingPool::managerCall { poolId: u(POOL) }.abi_encode();
    vm.mock_static_call(POOL_CONTRACT, manager, Ok(word(U256::ZERO)));
    vm.set_sender(Address::ZERO);
    reverts(&vm, unauthorized(Address::ZERO), || {
        sp.set_products(u(POOL), vec![])
    });
    // The staking pool's revert (an unknown pool) is passed on.
    let manager = IStakingPool::managerCall { poolId: u(POOL) }.abi_encode();
    vm.mock_static_call(POOL_CONTRACT, manager, Err(vec![0xde, 0xad]));
    vm.set_sender(MANAGER);
    reverts(&vm, vec![0xde, 0xad], || sp.set_products(u(POOL), vec![]));
}

#[test]
fn set_products_checks_every_product_as_initialize_does() {
    let (vm, mut sp) = deployed();
    mock_pool_views(&vm, U256::ZERO, U256::ZERO, U256::ZERO);
    reverts(
        &vm,
        TargetWeightTooHigh {
            productId: u(1),
            weight: u(101),
        }
        .abi_encode(),
        || set_products(&vm, &mut sp, &[(1, 101, 200)]),
    );
    reverts(
        &vm,
        TargetPriceTooHigh {
            productId: u(1),
            priceBps: u(10_001),
        }
        .abi_encode(),
        || set_products(&vm, &mut sp, &[(1, 1, 10_001)]),
    );
    reverts(
        &vm,
        TargetPriceBelowMin {
            productId: u(1),
            priceBps: u(99),
            minPriceBps: u(MIN),
        }
        .abi_encode(),
        || set_products(&vm, &mut sp, &[(1, 1, 99)]),
    );
    reverts(
        &vm,
        DuplicateProduct { productId: u(2) }.abi_encode(),
        || set_products(&vm, &mut sp, &[(2, 1, 200), (2, 1, 200)]),
    );
    let all: Vec<_> = (1..=21).map(|id| (id, 100, 200)).collect();
    reverts(
        &vm,
        TotalTargetWeightExceeded {
            poolId: u(POOL),
            totalWeight: u(2_100),
        }
        .abi_encode(),
        || set_products(&vm, &mut sp, &all),
    );
}

#[test]
fn set_products_passes_the_catalogues_and_the_pools_reverts_on() {
    let (vm, mut sp) = deployed();
    // The manager's answer (100 = MANAGER) doubles as the listing's revert data.
    let manager = IStakingPool::managerCall { poolId: u(POOL) }.abi_encode();
    vm.mock_static_call(POOL_CONTRACT, manager, Ok(word(u(100))));
    let listing = ICoverProducts::productForPoolCall {
        productId: u(1),
        poolId: u(POOL),
    }
    .abi_encode();
    vm.mock_static_call(CATALOGUE, listing, Err(word(u(100))));
    reverts(&vm, word(u(100)), || {
        set_products(&vm, &mut sp, &[(1, 10, 200)])
    });
    // The tranche stakes (read for a weight change) revert with the shared answer itself.
    let (vm, mut sp) = deployed();
    mock_pool_views(&vm, U256::ZERO, U256::ZERO, U256::ZERO);
    let reason = words_of(&[u(100), u(INITIAL), U256::ZERO]);
    let tranche_stakes = IStakingPool::trancheStakesCall { poolId: u(POOL) }.abi_encode();
    vm.mock_static_call(POOL_CONTRACT, tranche_stakes, Err(reason.clone()));
    reverts(&vm, reason, || set_products(&vm, &mut sp, &[(1, 10, 200)]));
    // A price change alone reads no stakes.
    assert!(set_products(&vm, &mut sp, &[(1, 0, 300)]).is_ok());
    assert_eq!(sp.product(u(POOL), u(1)).2, u(300));
}

#[test]
fn a_new_target_price_rebases_the_decayed_bumped_price() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 200)]);
    mock_pool_views(&vm, U256::ZERO, U256::ZERO, U256::ZERO);
    // A day later the bumped 5 % has decayed to 3 %; the same price changes nothing.
    vm.set_block_timestamp(START + DAY);
    assert!(set_products(&vm, &mut sp, &[(1, 50, 200)]).is_ok());
    assert_eq!(
        sp.product(u(POOL), u(1)),
        (u(50), u(50), u(200), u(INITIAL), u(START))
    );
    // A new target stores the decayed price (against the old target) from now.
    assert!(set_products(&vm, &mut sp, &[(1, 50, 250)]).is_ok());
    assert_eq!(
        sp.product(u(POOL), u(1)),
        (u(50), u(50), u(250), u(300), u(START + DAY))
    );
    let event = last_log::<ProductUpdated>(&vm);
    assert_eq!((event.targetWeight, event.targetPriceBps), (u(50), u(250)));
    // Half a day later: 300 − 100 = 200, floored at the old target 250; then a higher target.
    vm.set_block_timestamp(START + DAY + DAY / 2);
    assert!(set_products(&vm, &mut sp, &[(1, 50, 400)]).is_ok());
    assert_eq!(sp.product(u(POOL), u(1)).3, u(250));
    // The price the next buyer pays is floored at the new target.
    let product = ICoverProducts::productCall { productId: u(1) }.abi_encode();
    let answer = words_of(&[
        u(1),
        u(MIN),
        u(INITIAL),
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
    ]);
    vm.mock_static_call(CATALOGUE, product, Ok(answer));
    assert_eq!(sp.current_price(u(POOL), u(1)).ok(), Some(u(400)));
}

#[test]
fn set_products_lists_a_new_product_at_its_initial_price() {
    let (vm, mut sp) = deployed();
    mock_pool_views(&vm, U256::ZERO, U256::ZERO, U256::ZERO);
    assert!(set_products(&vm, &mut sp, &[(4, 30, 150), (5, 0, 100)]).is_ok());
    assert_eq!(
        sp.product(u(POOL), u(4)),
        (u(30), u(30), u(150), u(INITIAL), u(START))
    );
    assert_eq!(
        sp.product(u(POOL), u(5)),
        (u(0), u(0), u(100), u(INITIAL), u(START))
    );
    assert_eq!(sp.pool_weights(u(POOL)), (u(30), u(30)));
    assert_eq!(logs_of::<ProductUpdated>(&vm).len(), 2);
}

#[test]
fn weight_zero_stops_new_cover_but_keeps_allocations() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 200)]);
    let stake = stakes(&[(100, 1_000)]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(300), 28, stake)).is_ok());
    mock_pool_views(&vm, U256::ZERO, U256::ZERO, U256::ZERO);
    assert!(set_products(&vm, &mut sp, &[(1, 0, 200)]).is_ok());
    assert_eq!(window(&sp, 1), [30_000, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(sp.pool_weights(u(POOL)), (u(0), u(0)));
    reverts(&vm, insufficient(1, 1, 0), || {
        allocate(&vm, &mut sp, 1, &buy(cents(1), 28, stake))
    });
    assert!(deallocate(&vm, &mut sp, 1, nxm_of(300)).is_ok());
    assert_eq!(window(&sp, 1), [0; 8]);
}

#[test]
fn raising_a_weight_needs_room_in_the_effective_weights() {
    let (vm, mut sp) = deployed();
    let all: Vec<_> = (1..=20).map(|id| (id, 100, 200)).collect();
    list(&vm, &mut sp, POOL, &all);
    assert_eq!(sp.pool_weights(u(POOL)), (u(2_000), u(2_000)));
    // Product 1 fills tranche 103 (1 000 NXM staked: 2 000 NXM of capacity at weight 100).
    let stake = stakes(&[(103, 1_000)]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(2_000), 28, stake)).is_ok());
    assert_eq!(sp.product(u(POOL), u(1)).1, u(100));
    // Half of tranche 103 is burned: product 1 now uses 200 % of its capacity at full weight.
    mock_pool_views(&vm, nxm_of(500), U256::ZERO, U256::ZERO);
    assert!(set_products(&vm, &mut sp, &[(1, 50, 200)]).is_ok());
    assert_eq!(sp.product(u(POOL), u(1)).0, u(50));
    assert_eq!(sp.product(u(POOL), u(1)).1, u(200));
    assert_eq!(sp.pool_weights(u(POOL)), (u(1_950), u(2_100)));
    // Raising it again (still 200 effective) would take the effective weights to 2 100.
    reverts(
        &vm,
        TotalEffectiveWeightExceeded {
            poolId: u(POOL),
            totalWeight: u(2_100),
        }
        .abi_encode(),
        || set_products(&vm, &mut sp, &[(1, 60, 200)]),
    );
    // Lowering is always allowed; with product 2 at 0 there is room for the raise.
    assert!(set_products(&vm, &mut sp, &[(2, 0, 200)]).is_ok());
    assert_eq!(sp.pool_weights(u(POOL)), (u(1_850), u(2_000)));
    assert!(set_products(&vm, &mut sp, &[(1, 60, 200)]).is_ok());
    assert_eq!(sp.pool_weights(u(POOL)), (u(1_860), u(2_000)));
    assert_eq!(sp.product(u(POOL), u(1)).1, u(200));
    // After the allocation is freed the effective weight falls back to the target.
    assert!(deallocate(&vm, &mut sp, 1, nxm_of(2_000)).is_ok());
    assert!(set_products(&vm, &mut sp, &[(1, 70, 200)]).is_ok());
    assert_eq!(sp.product(u(POOL), u(1)).1, u(70));
    assert_eq!(sp.pool_weights(u(POOL)), (u(1_870), u(1_870)));
}

// --- allocate: capacity ---

#[test]
fn capacity_is_twice_the_stake_at_the_weight() {
    // 1 000 NXM in one tranche at weight 50: 1 000 NXM = 100 000 units.
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 200)]);
    let stake = stakes(&[(100, 1_000)]);
    reverts(&vm, insufficient(1, 100_001, 100_000), || {
        allocate(&vm, &mut sp, 1, &buy(nxm_of(1_000) + u(1), 28, stake))
    });
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(1_000), 28, stake)).is_ok());
    assert_eq!(window(&sp, 1), [100_000, 0, 0, 0, 0, 0, 0, 0]);
    reverts(&vm, insufficient(1, 1, 0), || {
        allocate(&vm, &mut sp, 1, &buy(u(1), 28, stake))
    });
}

#[test]
fn the_capacity_reduction_shrinks_it() {
    // With a 20 % reduction: 800 NXM.
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 200)]);
    let mut b = buy(cents(80_001), 28, stakes(&[(100, 1_000)]));
    b.reduction = 2_000;
    reverts(&vm, insufficient(1, 80_001, 80_000), || {
        allocate(&vm, &mut sp, 1, &b)
    });
    b.amount = nxm_of(800);
    assert!(allocate(&vm, &mut sp, 1, &b).is_ok());
    assert_eq!(sp.settings(u(POOL), u(1)).reduction, 2_000);
    // A reduction above 100 % is outside the domain.
    b.reduction = 10_001;
    reverts(&vm, overflow_error(), || allocate(&vm, &mut sp, 1, &b));
}

#[test]
fn over_allocation_carries_over_after_a_burn() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 200)]);
    // Two tranches of 1 000 NXM: 1 000 NXM of capacity each; 900 NXM go to the first.
    let before = stakes(&[(100, 1_000), (101, 1_000)]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(900), 28, before)).is_ok());
    // Half of each is burned: 500 NXM of capacity each; the first is 400 NXM over, which
    // eats 400 of the second's 500.
    let after = stakes(&[(100, 500), (101, 500)]);
    reverts(&vm, insufficient(1, 10_001, 10_000), || {
        allocate(&vm, &mut sp, 1, &buy(cents(10_001), 28, after))
    });
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(100), 28, after)).is_ok());
    assert_eq!(window(&sp, 1), [90_000, 10_000, 0, 0, 0, 0, 0, 0]);
    reverts(&vm, insufficient(1, 1, 0), || {
        allocate(&vm, &mut sp, 1, &buy(u(1), 28, after))
    });
    // Carry-over also crosses tranches a long cover may not use: with the first tranche
    // over-allocated, a cover that may only use 101 still loses the carry there.
    let stake = stakes(&[(100, 100), (101, 1_000)]);
    let mut long = buy(nxm_of(1), 90, stake);
    long.grace = 1;
    // 90 days + 1 s from day 9 101 ends in tranche 101.
    assert_eq!((START + long.period + long.grace) / TRANCHE, 101);
    // Tranche 100: capacity 100 NXM, allocated 900 → 800 over; tranche 101: 1 000 − 100 − 800.
    reverts(&vm, insufficient(1, 10_001, 10_000), || {
        allocate(&vm, &mut sp, 1, &buy(cents(10_001), 28, stake))
    });
    long.amount = cents(10_000);
    assert!(allocate(&vm, &mut sp, 1, &long).is_ok());
    assert_eq!(window(&sp, 1), [90_000, 20_000, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn allocations_fill_the_earliest_tranches_first() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    // 100 NXM in each tranche at weight 100: 200 NXM each.
    let stake = stakes(&[(100, 100), (101, 100), (102, 100), (103, 100), (104, 100)]);
    let (_, id) = allocate(&vm, &mut sp, 1, &buy(nxm_of(450), 28, stake)).unwrap();
    assert_eq!(window(&sp, 1), [20_000, 20_000, 5_000, 0, 0, 0, 0, 0]);
    let (_, _, bucket, first, lanes) = sp.allocation(id);
    // 28 days from day 9 101 end on day 9 129: freed at bucket ceil(9 129 / 28) = 327, whose
    // lanes start at tranche floor(326 · 28 / 91) = 100.
    assert_eq!((bucket, first), (u(327), u(100)));
    assert_eq!(
        lanes[..4],
        [nxm_of(200), nxm_of(200), nxm_of(50), U256::ZERO]
    );
    // The next one continues in tranche 102.
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(300), 28, stake)).is_ok());
    assert_eq!(window(&sp, 1), [20_000, 20_000, 20_000, 15_000, 0, 0, 0, 0]);
}

#[test]
fn only_tranches_alive_at_cover_end_plus_grace_are_used() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    let stake = stakes(&[(100, 100), (101, 100)]);
    // 28 days + 61 days of grace from day 9 101 end on day 9 190 (tranche 100 ends at 9 191).
    let mut b = buy(nxm_of(10), 28, stake);
    b.grace = 61 * DAY;
    assert!(allocate(&vm, &mut sp, 1, &b).is_ok());
    assert_eq!(window(&sp, 1), [1_000, 0, 0, 0, 0, 0, 0, 0]);
    // One more day of grace: the cover ends with tranche 100, which may not back it.
    b.grace = 62 * DAY;
    assert!(allocate(&vm, &mut sp, 1, &b).is_ok());
    assert_eq!(window(&sp, 1), [1_000, 1_000, 0, 0, 0, 0, 0, 0]);
    // The same with a longer period and no grace.
    let mut b = buy(nxm_of(190), 90, stake);
    reverts(&vm, insufficient(1, 19_001, 19_000), || {
        b.amount = cents(19_001);
        allocate(&vm, &mut sp, 1, &b)
    });
    b.amount = nxm_of(190);
    assert!(allocate(&vm, &mut sp, 1, &b).is_ok());
    assert_eq!(window(&sp, 1), [1_000, 20_000, 0, 0, 0, 0, 0, 0]);
    // A cover outliving the whole window has no tranche at all.
    let mut b = buy(nxm_of(1), 365, stakes(&[(107, 1_000)]));
    b.grace = 364 * DAY;
    reverts(&vm, insufficient(1, 100, 0), || {
        allocate(&vm, &mut sp, 1, &b)
    });
}

#[test]
fn stakes_are_matched_to_their_tranches() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    // The pool reports from tranche 101 on: its first entry is tranche 101's stake.
    let mut b = buy(nxm_of(150), 28, stakes(&[(100, 100)]));
    b.first = 101;
    assert!(allocate(&vm, &mut sp, 1, &b).is_ok());
    assert_eq!(window(&sp, 1), [0, 15_000, 0, 0, 0, 0, 0, 0]);
    // Reported from tranche 99: tranche 100 is its second entry; tranche 107 is unknown (0).
    let mut stake = [U256::ZERO; 8];
    stake[1] = nxm_of(100);
    let mut b = buy(nxm_of(200), 28, stake);
    b.first = 99;
    assert!(allocate(&vm, &mut sp, 1, &b).is_ok());
    assert_eq!(window(&sp, 1), [20_000, 15_000, 0, 0, 0, 0, 0, 0]);
}

// --- allocate: price and premium ---

#[test]
fn the_price_bumps_by_five_bps_per_percent_of_capacity() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 200)]);
    // 10 NXM of a 1 000 NXM capacity (1 %) at the initial 5 %: +5 bps for the next buyer.
    let stake = stakes(&[(100, 1_000)]);
    let (premium, id) = allocate(&vm, &mut sp, 1, &buy(nxm_of(10), 28, stake)).unwrap();
    assert_eq!(id, u(1));
    assert_eq!(premium, premium_by_hand(1_000, 500, 28));
    assert_eq!(
        premium,
        u(38_356_164_383_561_644),
        "10 NXM · 5 % · 28/365, rounded up"
    );
    assert_eq!(sp.product(u(POOL), u(1)).3, u(505));
    assert_eq!(sp.product(u(POOL), u(1)).4, u(START));
    let event = last_log::<Allocated>(&vm);
    assert_eq!(
        (event.poolId, event.productId, event.allocationId),
        (u(POOL), u(1), u(1))
    );
    assert_eq!(
        (event.amountNxm, event.premiumNxm, event.bumpedPriceBps),
        (nxm_of(10), premium, u(505))
    );
    // The same block: the next buyer pays 5.05 %; a 0.01 NXM cover bumps by ceil(0.05) = 1.
    let (premium, id) = allocate(
        &vm,
        &mut sp,
        1,
        &buy(cents(1), 365, stakes(&[(104, 1_000)])),
    )
    .unwrap();
    assert_eq!(id, u(2));
    assert_eq!(premium, premium_by_hand(1, 505, 365));
    assert_eq!(sp.product(u(POOL), u(1)).3, u(506));
    // Buying the whole remaining capacity bumps by 5 %, capped at 100 %.
    let (_, _) = allocate(&vm, &mut sp, 1, &buy(nxm_of(990), 28, stake)).unwrap();
    assert_eq!(sp.product(u(POOL), u(1)).3, u(506 + 495));
    assert_eq!(last_log::<Allocated>(&vm).amountNxm, nxm_of(990));
}

#[test]
fn the_price_is_capped_at_one_hundred_percent() {
    let (vm, mut sp) = deployed();
    mock_listing(&vm, 1, POOL, MIN, 9_990, false);
    vm.set_sender(POOL_CONTRACT);
    assert!(sp
        .initialize_products(u(POOL), vec![(u(1), u(100), u(200))])
        .is_ok());
    let stake = stakes(&[(100, 1_000)]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(1_000), 28, stake)).is_ok());
    assert_eq!(sp.product(u(POOL), u(1)).3, u(10_000));
}

#[test]
fn the_price_decays_two_percent_a_day_to_the_target_and_the_minimum() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 200)]);
    // 100 000 units of capacity: each 10 NXM bumps by 5 bps.
    let stake = stakes(&[(100, 1_000)]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(10), 28, stake)).is_ok());
    assert_eq!(sp.product(u(POOL), u(1)).3, u(505));
    // One day later: 505 − 200 = 305 (then +5 for this buyer's 1 %).
    vm.set_block_timestamp(START + DAY);
    let (premium, _) = allocate(&vm, &mut sp, 1, &buy(nxm_of(10), 28, stake)).unwrap();
    assert_eq!(premium, premium_by_hand(1_000, 305, 28));
    assert_eq!(sp.product(u(POOL), u(1)).3, u(310));
    assert_eq!(sp.product(u(POOL), u(1)).4, u(START + DAY));
    // Half a day less a second: the decay rounds down to 99 bps: 310 − 99 = 211.
    vm.set_block_timestamp(START + DAY + DAY / 2 - 1);
    let (premium, _) = allocate(&vm, &mut sp, 1, &buy(nxm_of(10), 28, stake)).unwrap();
    assert_eq!(premium, premium_by_hand(1_000, 211, 28));
    assert_eq!(sp.product(u(POOL), u(1)).3, u(216));
    // Long after: floored at the target (200).
    vm.set_block_timestamp(START + 30 * DAY);
    let (premium, _) = allocate(&vm, &mut sp, 1, &buy(nxm_of(10), 28, stake)).unwrap();
    assert_eq!(premium, premium_by_hand(1_000, 200, 28));
    assert_eq!(sp.product(u(POOL), u(1)).3, u(205));
    // With a product minimum of 3 % above the target: at the minimum.
    let mut b = buy(nxm_of(10), 28, stake);
    b.min = 300;
    vm.set_block_timestamp(START + 40 * DAY);
    let (premium, _) = allocate(&vm, &mut sp, 1, &b).unwrap();
    assert_eq!(premium, premium_by_hand(1_000, 300, 28));
    assert_eq!(sp.product(u(POOL), u(1)).3, u(305));
}

#[test]
fn fixed_prices_pay_the_target_or_the_minimum_without_bumps() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 250)]);
    let stake = stakes(&[(100, 1_000)]);
    let mut b = buy(nxm_of(500), 28, stake);
    b.fixed = true;
    let (premium, _) = allocate(&vm, &mut sp, 1, &b).unwrap();
    assert_eq!(premium, premium_by_hand(50_000, 250, 28));
    // No bump, no new time: the stored dynamic price stays as listed.
    assert_eq!(sp.product(u(POOL), u(1)).3, u(INITIAL));
    assert_eq!(sp.product(u(POOL), u(1)).4, u(START));
    assert_eq!(last_log::<Allocated>(&vm).bumpedPriceBps, u(INITIAL));
    b.min = 400;
    b.amount = nxm_of(100);
    let (premium, _) = allocate(&vm, &mut sp, 1, &b).unwrap();
    assert_eq!(premium, premium_by_hand(10_000, 400, 28));
}

#[test]
fn a_zero_minimum_means_the_default_one_percent() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 100)]);
    let mut b = buy(nxm_of(100), 28, stakes(&[(100, 1_000)]));
    b.fixed = true;
    b.min = 0;
    let (premium, _) = allocate(&vm, &mut sp, 1, &b).unwrap();
    assert_eq!(premium, premium_by_hand(10_000, 100, 28));
}

// --- allocate: expiry ---

#[test]
fn expiry_frees_capacity_at_the_bucket_boundary() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    let stake = stakes(&[(100, 100), (101, 100)]);
    // Ends on day 9 129 (+ 0 grace): freed when bucket 327 starts, on day 9 156.
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(200), 28, stake)).is_ok());
    let freed_at = 327 * BUCKET;
    assert_eq!(freed_at, 9_156 * DAY);
    vm.set_block_timestamp(freed_at - 1);
    assert_eq!(window(&sp, 1), [20_000, 0, 0, 0, 0, 0, 0, 0]);
    // Tranche 100 is full until then.
    reverts(&vm, insufficient(1, 20_001, 20_000), || {
        allocate(&vm, &mut sp, 1, &buy(cents(20_001), 28, stake))
    });
    vm.set_block_timestamp(freed_at);
    assert_eq!(window(&sp, 1), [0; 8]);
    assert_eq!(sp.settings(u(POOL), u(1)).last_bucket, 325);
    // The next allocation processes the bucket and finds tranche 100 empty again.
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(150), 28, stake)).is_ok());
    assert_eq!(window(&sp, 1), [15_000, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(sp.settings(u(POOL), u(1)).last_bucket, 327);
    assert_eq!(
        sp.read_word(sp.slot(Key::Totals, u(POOL), u(1), 25))
            .as_limbs()[0],
        15_000
    );
}

#[test]
fn the_grace_period_delays_the_expiry() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    let stake = stakes(&[(100, 100), (101, 100)]);
    let mut b = buy(nxm_of(10), 28, stake);
    // 28 days + 27 days of grace from day 9 101 end on day 9 156, exactly a bucket start:
    // freed at that start (V2's divCeil).
    b.grace = 27 * DAY;
    let (_, id) = allocate(&vm, &mut sp, 1, &b).unwrap();
    assert_eq!(sp.allocation(id).2, u(327));
    // One second more: the next bucket.
    b.grace = 27 * DAY + 1;
    let (_, id) = allocate(&vm, &mut sp, 1, &b).unwrap();
    assert_eq!(sp.allocation(id).2, u(328));
    vm.set_block_timestamp(327 * BUCKET);
    assert_eq!(window(&sp, 1), [1_000, 0, 0, 0, 0, 0, 0, 0]);
    vm.set_block_timestamp(328 * BUCKET);
    assert_eq!(window(&sp, 1), [0; 8]);
}

#[test]
fn a_long_idle_product_expires_everything_it_held() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    let all: [U256; 8] = [nxm_of(100); 8];
    for (days, amount) in [(28, 50), (100, 60), (200, 70), (365, 80)] {
        assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(amount), days, all)).is_ok());
    }
    assert_eq!(window(&sp, 1), [5_000, 6_000, 7_000, 0, 8_000, 0, 0, 0]);
    // 400 days later (tranche 104) every cover has ended and its bucket started: tranche 104
    // is empty again, and a purchase can fill the whole window.
    let later = START + 400 * DAY;
    vm.set_block_timestamp(later);
    assert_eq!(later / TRANCHE, 104);
    assert_eq!(window(&sp, 1), [0; 8]);
    let new_stakes = [nxm_of(100); 8];
    let mut b = buy(nxm_of(1_600), 28, new_stakes);
    b.first = later / TRANCHE;
    assert!(allocate(&vm, &mut sp, 1, &b).is_ok());
    assert_eq!(
        window(&sp, 1),
        [20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000, 20_000]
    );
}

// --- allocate: records, ids, weights, errors ---

#[test]
fn allocation_records_keep_their_tranches() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(PRODUCT, 100, 200)]);
    list(&vm, &mut sp, POOL, &[(PRODUCT + 1, 100, 200)]);
    let all: [U256; 8] = [nxm_of(10); 8];
    // 20 NXM of capacity per tranche; 150 NXM reaches all eight lanes (the record's tail).
    let (_, id) = allocate(&vm, &mut sp, PRODUCT, &buy(nxm_of(150), 28, all)).unwrap();
    let (pool, product, bucket, first, lanes) = sp.allocation(id);
    assert_eq!(
        (pool, product, bucket, first),
        (u(POOL), u(PRODUCT), u(327), u(100))
    );
    assert_eq!(lanes, [20, 20, 20, 20, 20, 20, 20, 10].map(nxm_of));
    assert!(sp.record(1).tail);
    // The rest of tranche 107 is in lane 7 of the tail.
    let (_, id) = allocate(&vm, &mut sp, PRODUCT, &buy(nxm_of(5), 28, all)).unwrap();
    assert_eq!(id, u(2));
    assert!(sp.record(2).tail);
    assert_eq!(sp.allocation(id).4[7], nxm_of(5));
    // A small one in an early tranche writes no tail.
    let (_, id) = allocate(&vm, &mut sp, PRODUCT + 1, &buy(nxm_of(5), 28, all)).unwrap();
    assert_eq!(id, u(3));
    assert!(!sp.record(3).tail);
    let tail = sp.slot(Key::Record, U256::ZERO, U256::ZERO, 3) + u(1);
    assert_eq!(sp.read_word(tail), U256::ZERO);
    assert_eq!(sp.allocation(id).1, u(PRODUCT + 1));
    assert_eq!(sp.allocation(id).4[0], nxm_of(5));
    // Freeing a tailed record from the back rewrites its tail.
    assert!(deallocate(&vm, &mut sp, 1, nxm_of(15)).is_ok());
    assert_eq!(
        sp.allocation(u(1)).4,
        [20, 20, 20, 20, 20, 20, 15, 0].map(nxm_of)
    );
    // Unknown ids read as zeros.
    assert_eq!(
        sp.allocation(u(4)),
        (
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            [U256::ZERO; 8]
        )
    );
    assert_eq!(sp.allocation(U256::MAX).0, U256::ZERO);
}

#[test]
fn allocations_expiring_in_one_bucket_share_its_word() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    let stake = stakes(&[(100, 100), (101, 100)]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(150), 28, stake)).is_ok());
    vm.set_block_timestamp(START + 3600);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(100), 28, stake)).is_ok());
    let expiring = sp.expiring(u(POOL), u(1), 327);
    assert_eq!(expiring, [20_000, 5_000, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn the_effective_weight_follows_allocations_beyond_the_target() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 10, 200)]);
    // Tranche 107 is filled by a long cover (ends exactly as tranche 107 starts).
    let stake = stakes(&[(100, 1_000), (107, 1_000)]);
    let mut long = buy(nxm_of(200), 365, stake);
    long.grace = 271 * DAY;
    assert!(allocate(&vm, &mut sp, 1, &long).is_ok());
    assert_eq!(window(&sp, 1), [0, 0, 0, 0, 0, 0, 0, 20_000]);
    assert_eq!(sp.product(u(POOL), u(1)).1, u(10));
    // Tranche 107 is burned away; a short cover still fits tranche 100: 20 100 units of a
    // 200 000-unit full-weight capacity is 10.05 % → 11.
    let burned = stakes(&[(100, 1_000)]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(1), 28, burned)).is_ok());
    assert_eq!(sp.product(u(POOL), u(1)).1, u(11));
    assert_eq!(sp.pool_weights(u(POOL)), (u(10), u(11)));
}

#[test]
fn allocate_is_for_the_staking_pool_only() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 200)]);
    vm.set_sender(STRANGER);
    reverts(&vm, unauthorized(STRANGER), || {
        sp.allocate(
            u(POOL),
            u(1),
            nxm_of(1),
            u(28 * DAY),
            U256::ZERO,
            false,
            U256::ZERO,
            u(MIN),
            u(C),
            stakes(&[(100, 1_000)]),
        )
    });
}

#[test]
fn allocate_refuses_values_outside_the_domain() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    let stake = stakes(&[(100, 1_000_000_000)]);
    let mut b = buy(nxm_of(1), 28, stake);
    b.period = u64::MAX;
    reverts(&vm, overflow_error(), || allocate(&vm, &mut sp, 1, &b));
    vm.set_sender(POOL_CONTRACT);
    reverts(&vm, overflow_error(), || {
        sp.allocate(
            u(POOL),
            u(1),
            nxm_of(1),
            U256::MAX,
            U256::ZERO,
            false,
            U256::ZERO,
            u(MIN),
            u(C),
            stake,
        )
    });
    reverts(&vm, overflow_error(), || {
        sp.allocate(
            u(POOL),
            u(1),
            nxm_of(1),
            u(DAY),
            U256::MAX,
            false,
            U256::ZERO,
            u(MIN),
            u(C),
            stake,
        )
    });
    reverts(&vm, overflow_error(), || {
        sp.allocate(
            u(POOL),
            u(1),
            nxm_of(1),
            u(DAY),
            U256::ZERO,
            false,
            U256::ZERO,
            u(MIN),
            U256::MAX,
            stake,
        )
    });
    // More than 2^32 − 1 units (42.9 M NXM) in one tranche.
    let b = buy(cents(u64::from(u32::MAX) + 1), 28, stake);
    reverts(&vm, overflow_error(), || allocate(&vm, &mut sp, 1, &b));
    let b = buy(cents(u64::from(u32::MAX)), 28, stake);
    assert!(allocate(&vm, &mut sp, 1, &b).is_ok());
    // The bucket's lane would pass 2^32 − 1 as well.
    reverts(&vm, overflow_error(), || {
        allocate(&vm, &mut sp, 1, &buy(cents(1), 28, stake))
    });
    // A pool id above 32 bits cannot be recorded.
    mock_listing(&vm, 1, 1 << 32, MIN, INITIAL, false);
    vm.set_sender(POOL_CONTRACT);
    assert!(sp
        .initialize_products(u(1 << 32), vec![(u(1), u(100), u(200))])
        .is_ok());
    reverts(&vm, overflow_error(), || {
        sp.allocate(
            u(1 << 32),
            u(1),
            nxm_of(1),
            u(28 * DAY),
            U256::ZERO,
            false,
            U256::ZERO,
            u(MIN),
            u(C),
            stake,
        )
    });
}

#[test]
fn an_unlisted_product_has_no_capacity() {
    let (vm, mut sp) = deployed();
    reverts(&vm, insufficient(5, 100, 0), || {
        allocate(
            &vm,
            &mut sp,
            5,
            &buy(nxm_of(1), 28, stakes(&[(100, 1_000)])),
        )
    });
}

// --- deallocate ---

#[test]
fn deallocation_frees_from_the_furthest_tranche_back() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    let stake = stakes(&[(100, 100), (101, 100), (102, 100)]);
    let (_, id) = allocate(&vm, &mut sp, 1, &buy(nxm_of(450), 28, stake)).unwrap();
    let id = id.as_limbs()[0];
    // 100 NXM: 50 from tranche 102, 50 from tranche 101.
    assert!(deallocate(&vm, &mut sp, id, nxm_of(100)).is_ok());
    assert_eq!(window(&sp, 1), [20_000, 15_000, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        sp.allocation(u(id)).4[..3],
        [nxm_of(200), nxm_of(150), U256::ZERO]
    );
    assert_eq!(sp.expiring(u(POOL), u(1), 327)[..3], [20_000, 15_000, 0]);
    let event = last_log::<Deallocated>(&vm);
    assert_eq!(
        (
            event.poolId,
            event.allocationId,
            event.amountNxm,
            event.remainingNxm
        ),
        (u(POOL), u(id), nxm_of(100), nxm_of(350))
    );
    // Rounded up to 0.01 NXM: 1 wei frees one unit.
    assert!(deallocate(&vm, &mut sp, id, u(1)).is_ok());
    assert_eq!(window(&sp, 1), [20_000, 14_999, 0, 0, 0, 0, 0, 0]);
    // More than is left frees the rest.
    assert!(deallocate(&vm, &mut sp, id, nxm_of(1_000)).is_ok());
    assert_eq!(window(&sp, 1), [0; 8]);
    assert_eq!(sp.expiring(u(POOL), u(1), 327), [0; 8]);
    let event = last_log::<Deallocated>(&vm);
    assert_eq!(
        (event.amountNxm, event.remainingNxm),
        (cents(34_999), U256::ZERO)
    );
    // Nothing is left.
    reverts(
        &vm,
        AlreadyDeallocated {
            allocationId: u(id),
        }
        .abi_encode(),
        || deallocate(&vm, &mut sp, id, nxm_of(1)),
    );
    // The capacity is back.
    let (_, id) = allocate(&vm, &mut sp, 1, &buy(nxm_of(600), 28, stake)).unwrap();
    // The staking pool frees a whole allocation with `type(uint256).max`.
    assert!(deallocate(&vm, &mut sp, id.as_limbs()[0], U256::MAX).is_ok());
    assert_eq!(window(&sp, 1), [0; 8]);
    assert_eq!(last_log::<Deallocated>(&vm).amountNxm, nxm_of(600));
}

#[test]
fn deallocation_leaves_other_allocations_alone() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200), (2, 100, 200)]);
    let stake = stakes(&[(100, 100), (101, 100)]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(100), 28, stake)).is_ok());
    assert!(allocate(&vm, &mut sp, 2, &buy(nxm_of(300), 28, stake)).is_ok());
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(50), 60, stake)).is_ok());
    assert!(deallocate(&vm, &mut sp, 1, nxm_of(100)).is_ok());
    assert_eq!(window(&sp, 1), [5_000, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(window(&sp, 2), [20_000, 10_000, 0, 0, 0, 0, 0, 0]);
    assert_eq!(sp.allocation(u(3)).4[0], nxm_of(50));
}

#[test]
fn deallocate_checks_the_caller_and_the_id() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    let stake = stakes(&[(100, 100)]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(10), 28, stake)).is_ok());
    vm.set_sender(STRANGER);
    reverts(&vm, unauthorized(STRANGER), || {
        sp.deallocate(u(POOL), u(1), nxm_of(1))
    });
    for id in [U256::ZERO, u(2), U256::MAX] {
        reverts(
            &vm,
            InvalidAllocationId { allocationId: id }.abi_encode(),
            || {
                vm.set_sender(POOL_CONTRACT);
                sp.deallocate(u(POOL), id, nxm_of(1))
            },
        );
    }
    // Another pool's allocation.
    reverts(
        &vm,
        InvalidAllocationId { allocationId: u(1) }.abi_encode(),
        || {
            vm.set_sender(POOL_CONTRACT);
            sp.deallocate(u(POOL + 1), u(1), nxm_of(1))
        },
    );
}

#[test]
fn after_its_bucket_is_processed_a_deallocation_frees_nothing() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    let stake = stakes(&[(100, 100), (101, 100)]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(100), 28, stake)).is_ok());
    // Bucket 327 starts; another allocation processes it.
    vm.set_block_timestamp(327 * BUCKET);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(30), 28, stake)).is_ok());
    assert_eq!(window(&sp, 1), [3_000, 0, 0, 0, 0, 0, 0, 0]);
    // Expiring the first cover now (any time after its end) succeeds and frees nothing.
    let storage = vm.snapshot().storage;
    assert!(deallocate(&vm, &mut sp, 1, nxm_of(100)).is_ok());
    assert_eq!(vm.snapshot().storage, storage);
    let event = last_log::<Deallocated>(&vm);
    assert_eq!(
        (event.allocationId, event.amountNxm, event.remainingNxm),
        (u(1), U256::ZERO, U256::ZERO)
    );
    assert_eq!(window(&sp, 1), [3_000, 0, 0, 0, 0, 0, 0, 0]);
    // And again.
    assert!(deallocate(&vm, &mut sp, 1, nxm_of(100)).is_ok());
    assert_eq!(window(&sp, 1), [3_000, 0, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn deallocating_an_ended_but_unprocessed_allocation_is_not_subtracted_twice() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    let stake = stakes(&[(100, 100), (101, 100)]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(100), 28, stake)).is_ok());
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(40), 60, stake)).is_ok());
    // After bucket 327 started, before anything processed it: frees 60 of the 100.
    vm.set_block_timestamp(327 * BUCKET + 10);
    assert!(deallocate(&vm, &mut sp, 1, nxm_of(60)).is_ok());
    assert_eq!(sp.expiring(u(POOL), u(1), 327)[0], 4_000);
    // The views and the next allocation subtract only the remaining 40.
    assert_eq!(window(&sp, 1), [4_000, 0, 0, 0, 0, 0, 0, 0]);
    assert!(allocate(&vm, &mut sp, 1, &buy(nxm_of(1), 28, stake)).is_ok());
    assert_eq!(window(&sp, 1), [4_100, 0, 0, 0, 0, 0, 0, 0]);
    // The rest of allocation 1 is gone with its bucket.
    assert!(deallocate(&vm, &mut sp, 1, nxm_of(40)).is_ok());
    assert_eq!(window(&sp, 1), [4_100, 0, 0, 0, 0, 0, 0, 0]);
    // Allocation 2 (60 days: bucket 328) still frees normally.
    assert!(deallocate(&vm, &mut sp, 2, nxm_of(40)).is_ok());
    assert_eq!(window(&sp, 1), [100, 0, 0, 0, 0, 0, 0, 0]);
}

#[test]
fn deallocation_skips_tranches_that_already_expired() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 100, 200)]);
    // Period + grace ending on day 9 190 (in tranche 100): lanes from tranche 100, freed at
    // bucket ceil(9 190 / 28) = 329 (day 9 212), after tranche 100 ended on day 9 191.
    let stake = stakes(&[(100, 100), (101, 100)]);
    let mut b = buy(nxm_of(250), 28, stake);
    b.grace = 61 * DAY;
    let (_, id) = allocate(&vm, &mut sp, 1, &b).unwrap();
    assert_eq!(sp.allocation(id).2, u(329));
    assert_eq!(window(&sp, 1), [20_000, 5_000, 0, 0, 0, 0, 0, 0]);
    // In tranche 101 (day 9 200) the cover is cut: tranche 100 is gone, 101 is freed.
    vm.set_block_timestamp(9_200 * DAY);
    assert_eq!(window(&sp, 1)[0], 5_000);
    assert!(deallocate(&vm, &mut sp, 1, nxm_of(250)).is_ok());
    assert_eq!(window(&sp, 1), [0; 8]);
    assert_eq!(last_log::<Deallocated>(&vm).amountNxm, nxm_of(250));
}

// --- views ---

/// Mocks the catalogue's `product(id)`.
fn mock_product(vm: &TestVM, id: u64, min: u64, reduction: u64, fixed: bool) {
    let calldata = ICoverProducts::productCall { productId: u(id) }.abi_encode();
    let answer = words_of(&[
        u(1),
        u(min),
        u(INITIAL),
        u(reduction),
        U256::ZERO,
        u(u64::from(fixed)),
        U256::ZERO,
    ]);
    vm.mock_static_call(CATALOGUE, calldata, Ok(answer));
}

#[test]
fn current_price_and_quotes_follow_the_catalogue() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 200)]);
    mock_product(&vm, 1, MIN, 0, false);
    assert_eq!(sp.current_price(u(POOL), u(1)).ok(), Some(u(INITIAL)));
    vm.set_block_timestamp(START + DAY);
    assert_eq!(sp.current_price(u(POOL), u(1)).ok(), Some(u(300)));
    assert_eq!(
        sp.quote_premium(u(POOL), u(1), nxm_of(10), u(28 * DAY))
            .ok(),
        Some(premium_by_hand(1_000, 300, 28))
    );
    // The quote is what the allocation then charges.
    let (premium, _) = allocate(
        &vm,
        &mut sp,
        1,
        &buy(nxm_of(10), 28, stakes(&[(100, 1_000)])),
    )
    .unwrap();
    assert_eq!(premium, premium_by_hand(1_000, 300, 28));
    // Fixed-price products quote the target, at least the minimum.
    mock_product(&vm, 1, 250, 0, true);
    assert_eq!(sp.current_price(u(POOL), u(1)).ok(), Some(u(250)));
    // Amounts round up to 0.01 NXM.
    assert_eq!(
        sp.quote_premium(u(POOL), u(1), u(1), u(365 * DAY)).ok(),
        Some(premium_by_hand(1, 250, 365))
    );
    // The catalogue's revert is passed on.
    let calldata = ICoverProducts::productCall { productId: u(1) }.abi_encode();
    vm.mock_static_call(CATALOGUE, calldata, Err(vec![1, 2, 3]));
    assert_eq!(expect_err(sp.current_price(u(POOL), u(1))), vec![1, 2, 3]);
    assert_eq!(
        expect_err(sp.quote_premium(u(POOL), u(1), u(1), u(DAY))),
        vec![1, 2, 3]
    );
    mock_product(&vm, 1, 250, 0, true);
    assert_eq!(
        expect_err(sp.quote_premium(u(POOL), u(1), u(1), U256::MAX)),
        overflow_error()
    );
}

/// The shared answer of `trancheStakes`, `product` and `productType` (see the module docs):
/// grace 0, minimum 0, stake of tranche 100 = 0; reduction = stake of tranche 102.
fn mock_capacity_views(vm: &TestVM, product: u64, reduction: u64, s103: U256, s107: U256) {
    let answer = words_of(&[
        u(100),
        U256::ZERO,
        U256::ZERO,
        u(reduction),
        s103,
        U256::ZERO,
        U256::ZERO,
        U256::ZERO,
        s107,
    ]);
    let calls = [
        (
            POOL_CONTRACT,
            IStakingPool::trancheStakesCall { poolId: u(POOL) }.abi_encode(),
        ),
        (
            CATALOGUE,
            ICoverProducts::productCall {
                productId: u(product),
            }
            .abi_encode(),
        ),
        (
            CATALOGUE,
            ICoverProducts::productTypeCall {
                productTypeId: u(100),
            }
            .abi_encode(),
        ),
    ];
    for (to, calldata) in calls {
        vm.mock_static_call(to, calldata, Ok(answer.clone()));
    }
}

#[test]
fn capacity_reports_the_usable_tranches() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 50, 200)]);
    // 1 000 NXM in tranche 103 and 500 NXM in 107 at weight 50 with a 20 % reduction: 800 and
    // 400 NXM.
    mock_capacity_views(&vm, 1, 2_000, nxm_of(1_000), nxm_of(500));
    assert_eq!(
        sp.capacity(u(POOL), u(1), u(28 * DAY)).ok(),
        Some((nxm_of(1_200), U256::ZERO, nxm_of(1_200)))
    );
    let mut b = buy(nxm_of(100), 28, stakes(&[(103, 1_000), (107, 500)]));
    b.reduction = 2_000;
    assert!(allocate(&vm, &mut sp, 1, &b).is_ok());
    assert_eq!(window(&sp, 1), [0, 0, 0, 10_000, 0, 0, 0, 0]);
    assert_eq!(
        sp.capacity(u(POOL), u(1), u(28 * DAY)).ok(),
        Some((nxm_of(1_200), nxm_of(100), nxm_of(1_100)))
    );
    // A year-long cover may only use tranches from 104: only 107's 400 NXM.
    assert_eq!(
        sp.capacity(u(POOL), u(1), u(365 * DAY)).ok(),
        Some((nxm_of(400), U256::ZERO, nxm_of(400)))
    );
    // After a burn of tranche 103 to 50 NXM (40 NXM of capacity), 60 NXM carry over into 107.
    mock_capacity_views(&vm, 1, 2_000, nxm_of(50), nxm_of(500));
    assert_eq!(
        sp.capacity(u(POOL), u(1), u(28 * DAY)).ok(),
        Some((nxm_of(440), nxm_of(100), nxm_of(340)))
    );
    // The staking pool's revert is passed on.
    let calldata = IStakingPool::trancheStakesCall { poolId: u(POOL) }.abi_encode();
    vm.mock_static_call(POOL_CONTRACT, calldata, Err(vec![7]));
    assert_eq!(expect_err(sp.capacity(u(POOL), u(1), u(DAY))), vec![7]);
}

#[test]
fn views_read_the_stored_numbers() {
    let (vm, mut sp) = deployed();
    list(&vm, &mut sp, POOL, &[(1, 30, 200), (2, 70, 300)]);
    assert_eq!(sp.pool_weights(u(POOL)), (u(100), u(100)));
    assert_eq!(
        sp.product(u(POOL), u(2)),
        (u(70), u(70), u(300), u(INITIAL), u(START))
    );
    let (first, amounts) = sp.tranche_allocations(u(POOL), u(1));
    assert_eq!((first, amounts), (u(C), [U256::ZERO; 8]));
    let stake = stakes(&[(101, 100)]);
    assert!(allocate(&vm, &mut sp, 2, &buy(cents(333), 28, stake)).is_ok());
    assert_eq!(sp.tranche_allocations(u(POOL), u(2)).1[1], cents(333));
    // The window moves with time.
    vm.set_block_timestamp(START + TRANCHE);
    let (first, amounts) = sp.tranche_allocations(u(POOL), u(2));
    assert_eq!(first, u(C + 1));
    assert_eq!(amounts[0], U256::ZERO, "expired with its bucket");
}

// --- settings word ---

#[test]
fn the_settings_word_round_trips() {
    let s = Settings {
        target_price: 10_000,
        bumped_price: 9_999,
        target_weight: 100,
        effective_weight: u64::from(u16::MAX),
        bumped_at: u64::MAX,
        last_bucket: 12_345,
        listed: true,
        reduction: 10_000,
    };
    assert_eq!(Settings::decode(s.encode()), s);
    assert_eq!(Settings::decode(U256::ZERO), Settings::default());
}

// --- routing: the ABI as declared ---

fn route<C: SolCall>(
    sp: &mut StakingProducts,
    vm: &TestVM,
    from: Address,
    value: U256,
    call: C,
) -> Result<C::Return, Vec<u8>> {
    vm.set_sender(from);
    vm.set_value(value);
    let calldata = call.abi_encode();
    let selector = u32::from_be_bytes(calldata[..4].try_into().unwrap());
    let output = <StakingProducts as Router<StakingProducts>>::route(sp, selector, &calldata[4..])
        .expect("the contract routes every selector of IStakingProducts");
    vm.set_value(U256::ZERO);
    output.map(|returned| C::abi_decode_returns(&returned).expect("return data matches the ABI"))
}

#[test]
fn routes_every_declared_selector() {
    let (_vm, mut sp) = deployed();
    for selector in IStakingProductsCalls::SELECTORS {
        let routed = <StakingProducts as Router<StakingProducts>>::route(
            &mut sp,
            u32::from_be_bytes(*selector),
            &[],
        );
        assert!(
            routed.is_some(),
            "selector {selector:02x?} is not implemented"
        );
    }
    assert_eq!(IStakingProductsCalls::SELECTORS.len(), 15);
}

#[test]
fn the_constructor_runs_once() {
    let vm = TestVM::default();
    let mut sp = StakingProducts::from(&vm);
    let args = (GOVERNANCE, DAY).abi_encode_params();
    let first = <StakingProducts as Router<StakingProducts>>::constructor(&mut sp, &args).unwrap();
    assert!(first.is_ok());
    let again = (STRANGER, 60u64).abi_encode_params();
    let second =
        <StakingProducts as Router<StakingProducts>>::constructor(&mut sp, &again).unwrap();
    assert!(second.is_err());
    assert_eq!(sp.governance(), GOVERNANCE);
    assert_eq!(sp.clock().day, DAY);
}

#[test]
fn routed_calls_take_and_return_the_declared_types() {
    let (vm, mut sp) = deployed();
    mock_listing(&vm, 1, POOL, MIN, INITIAL, false);
    let products = vec![(u(1), u(50), u(200))];
    assert!(route(
        &mut sp,
        &vm,
        POOL_CONTRACT,
        U256::ZERO,
        IStakingProducts::initializeProductsCall {
            poolId: u(POOL),
            products: products.clone(),
        }
    )
    .is_ok());
    let call = IStakingProducts::allocateCall {
        poolId: u(POOL),
        productId: u(1),
        amountNxm: nxm_of(10),
        periodSecs: u(28 * DAY),
        gracePeriodSecs: U256::ZERO,
        useFixedPrice: false,
        capacityReductionBps: U256::ZERO,
        minPriceBps: u(MIN),
        firstTrancheId: u(C),
        trancheStakesNxm: stakes(&[(100, 1_000)]),
    };
    // Nothing is payable.
    assert!(route(&mut sp, &vm, POOL_CONTRACT, u(1), call.clone()).is_err());
    let returned = route(&mut sp, &vm, POOL_CONTRACT, U256::ZERO, call).unwrap();
    assert_eq!(
        (returned._0, returned._1),
        (premium_by_hand(1_000, 500, 28), u(1))
    );
    let allocation = route(
        &mut sp,
        &vm,
        STRANGER,
        U256::ZERO,
        IStakingProducts::allocationCall { allocationId: u(1) },
    )
    .unwrap();
    assert_eq!(
        (allocation._0, allocation._1, allocation._2, allocation._3),
        (u(POOL), u(1), u(327), u(C))
    );
    assert_eq!(allocation._4[0], nxm_of(10));
    let product = route(
        &mut sp,
        &vm,
        STRANGER,
        U256::ZERO,
        IStakingProducts::productCall {
            poolId: u(POOL),
            productId: u(1),
        },
    )
    .unwrap();
    assert_eq!(
        (product._0, product._1, product._2, product._3, product._4),
        (u(50), u(50), u(200), u(505), u(START))
    );
    let weights = route(
        &mut sp,
        &vm,
        STRANGER,
        U256::ZERO,
        IStakingProducts::poolWeightsCall { poolId: u(POOL) },
    )
    .unwrap();
    assert_eq!((weights._0, weights._1), (u(50), u(50)));
    let tranches = route(
        &mut sp,
        &vm,
        STRANGER,
        U256::ZERO,
        IStakingProducts::trancheAllocationsCall {
            poolId: u(POOL),
            productId: u(1),
        },
    )
    .unwrap();
    assert_eq!((tranches._0, tranches._1[0]), (u(C), nxm_of(10)));
    let contracts = route(
        &mut sp,
        &vm,
        STRANGER,
        U256::ZERO,
        IStakingProducts::contractsCall {},
    )
    .unwrap();
    assert_eq!((contracts._0, contracts._1), (POOL_CONTRACT, CATALOGUE));
    let governance = route(
        &mut sp,
        &vm,
        STRANGER,
        U256::ZERO,
        IStakingProducts::governanceCall {},
    )
    .unwrap();
    assert_eq!(governance, GOVERNANCE);
    mock_product(&vm, 1, MIN, 0, false);
    let price = route(
        &mut sp,
        &vm,
        STRANGER,
        U256::ZERO,
        IStakingProducts::currentPriceCall {
            poolId: u(POOL),
            productId: u(1),
        },
    )
    .unwrap();
    assert_eq!(price, u(505));
    let quote = route(
        &mut sp,
        &vm,
        STRANGER,
        U256::ZERO,
        IStakingProducts::quotePremiumCall {
            poolId: u(POOL),
            productId: u(1),
            amountNxm: nxm_of(10),
            periodSecs: u(28 * DAY),
        },
    )
    .unwrap();
    assert_eq!(quote, premium_by_hand(1_000, 505, 28));
    mock_capacity_views(&vm, 1, 0, U256::ZERO, U256::ZERO);
    let capacity = route(
        &mut sp,
        &vm,
        STRANGER,
        U256::ZERO,
        IStakingProducts::capacityCall {
            poolId: u(POOL),
            productId: u(1),
            periodSecs: u(28 * DAY),
        },
    )
    .unwrap();
    // No stake reported: no capacity, the 10 NXM still allocated.
    assert_eq!(
        (capacity._0, capacity._1, capacity._2),
        (U256::ZERO, nxm_of(10), U256::ZERO)
    );
    assert!(route(
        &mut sp,
        &vm,
        POOL_CONTRACT,
        U256::ZERO,
        IStakingProducts::deallocateCall {
            poolId: u(POOL),
            allocationId: u(1),
            amountNxm: nxm_of(10)
        }
    )
    .is_ok());
    mock_pool_views(&vm, U256::ZERO, U256::ZERO, U256::ZERO);
    assert!(route(
        &mut sp,
        &vm,
        MANAGER,
        U256::ZERO,
        IStakingProducts::setProductsCall {
            poolId: u(POOL),
            products
        }
    )
    .is_ok());
    assert!(route(
        &mut sp,
        &vm,
        GOVERNANCE,
        U256::ZERO,
        IStakingProducts::setContractsCall {
            stakingPool: POOL_CONTRACT,
            coverProducts: CATALOGUE
        }
    )
    .is_ok());
    assert!(route(
        &mut sp,
        &vm,
        GOVERNANCE,
        U256::ZERO,
        IStakingProducts::setGovernanceCall {
            newGovernance: STRANGER
        }
    )
    .is_ok());
    assert_eq!(sp.governance(), STRANGER);
}
