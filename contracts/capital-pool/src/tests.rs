//! Unit tests of the capital pool on stylus-sdk's TestVM: every entrypoint, every rule, every
//! revert path, every event. Most tests call the entrypoints directly; the routing tests at the
//! end go through the generated router with calldata from `mutual_interfaces::capital_pool::abi`
//! (the ABI as declared, payability, the constructor's run-once guard).
//!
//! Calls to the NXM token, the cover contract and ETH recipients are mocked by exact calldata
//! (an unmocked call succeeds), but TestVM hands *every* call the return data of the last
//! registered mock. The tests are arranged around it: the mock whose answer is read is
//! registered last (an ETH transfer skips its return data, so its mock may come first), and
//! `update_mcr`, which reads the token's `paused()` and then the cover contract's total, sees
//! one answer for both: its first word must be a valid `false`, so through `update_mcr` the
//! active cover reads as zero (the cover-driven target is tested through the RAMM's and the
//! claims contract's updates, which read only the cover contract). TestVM moves no ETH on a
//! transfer and does not roll back storage or logs on a revert: "changes nothing" is asserted
//! for reverts that come before any effect.

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{Panic, PanicKind, SolCall, SolError, SolEvent, SolValue};
use mutual_interfaces::{
    capital_pool::{
        abi::ICapitalPool::{self, ICapitalPoolCalls},
        cover::abi::IActiveCover,
        CapitalBelowMcr, ClaimPaid, ContractsSet, Deposit, EthTransferFailed, GovernanceChanged,
        InsufficientPoolEth, MathOverflow, McrFloorSet, McrUpdated, NotAContract, Paused, SwapPaid,
        TreasuryTransfer, Unauthorized, ZeroAddress, ZeroAmount,
    },
    nxm_token::abi::INxmToken,
};
use mutual_math::mcr as mcr_math;
use stylus_sdk::{abi::Router, testing::TestVM};

use super::*;

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const TOKEN: Address = address!("00000000000000000000000000000000000000b1");
const RAMM: Address = address!("00000000000000000000000000000000000000b2");
const COVER: Address = address!("00000000000000000000000000000000000000c1");
const CLAIMS: Address = address!("00000000000000000000000000000000000000d1");
const MEMBER: Address = address!("00000000000000000000000000000000000000e1");
const POOL: Address = address!("00000000000000000000000000000000000000f1");
/// An address without code.
const EMPTY: Address = address!("00000000000000000000000000000000000000ee");
const START: u64 = 1_700_000_000;
const HOUR: u64 = MCR_MIN_UPDATE_SECS;
const DAY: u64 = 86_400;

fn eth(x: u64) -> U256 {
    U256::from(x) * U256::from(1_000_000_000_000_000_000u64)
}

fn wei(x: u64) -> U256 {
    U256::from(x)
}

fn word(value: U256) -> Vec<u8> {
    value.to_be_bytes::<32>().to_vec()
}

/// A pool with an MCR floor of `floor` wei, constructed at `START`, holding `balance` wei, not
/// wired; the token, the RAMM, the cover and the claims contracts hold code.
fn unwired_pool_with_floor(balance: U256, floor: U256) -> (TestVM, CapitalPool) {
    let vm = TestVM::default();
    vm.set_contract_address(POOL);
    vm.set_block_timestamp(START);
    vm.set_balance(POOL, balance);
    for contract in [TOKEN, RAMM, COVER, CLAIMS] {
        vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut pool = CapitalPool::from(&vm);
    vm.set_sender(GOVERNANCE);
    assert!(pool.constructor(GOVERNANCE, floor).is_ok());
    (vm, pool)
}

/// A pool with a 10 000 ETH MCR floor holding `balance` wei, not wired.
fn unwired_pool(balance: U256) -> (TestVM, CapitalPool) {
    unwired_pool_with_floor(balance, eth(10_000))
}

/// A pool with a 10 000 ETH MCR floor, wired to the token, the RAMM and the claims contract (no
/// cover contract: active cover is zero), holding `balance` wei.
fn pool_with(balance: U256) -> (TestVM, CapitalPool) {
    let (vm, mut pool) = unwired_pool(balance);
    assert!(pool
        .set_contracts(TOKEN, RAMM, Address::ZERO, CLAIMS)
        .is_ok());
    (vm, pool)
}

/// [`pool_with`], also wired to the cover contract.
fn pool_with_cover(balance: U256) -> (TestVM, CapitalPool) {
    let (vm, mut pool) = unwired_pool(balance);
    assert!(pool.set_contracts(TOKEN, RAMM, COVER, CLAIMS).is_ok());
    (vm, pool)
}

/// Mocks the cover contract's `totalActiveCoverEth()` (register it last: its answer is read).
fn mock_active_cover(vm: &TestVM, result: Result<U256, Vec<u8>>) {
    let calldata = IActiveCover::totalActiveCoverEthCall {}.abi_encode();
    vm.mock_static_call(COVER, calldata, result.map(word));
}

/// Mocks the cover contract's `totalActiveCoverEth()` reverting with `data`.
fn mock_cover_revert(vm: &TestVM, data: Vec<u8>) {
    let calldata = IActiveCover::totalActiveCoverEthCall {}.abi_encode();
    vm.mock_static_call(COVER, calldata, Err(data));
}

/// Mocks the token's `paused()`.
fn mock_paused(vm: &TestVM, paused: bool) {
    let calldata = INxmToken::pausedCall {}.abi_encode();
    vm.mock_static_call(TOKEN, calldata, Ok(word(U256::from(u8::from(paused)))));
}

/// Makes the ETH transfer of `amount` to `to` fail (with `revert_data`).
fn mock_transfer_failure(vm: &TestVM, to: Address, amount: U256, revert_data: Vec<u8>) {
    vm.mock_call(to, vec![], amount, Err(revert_data));
}

fn revert<T>(result: Result<T, PoolError>) -> Vec<u8> {
    match result {
        Ok(_) => panic!("expected a revert"),
        Err(e) => e.into(),
    }
}

fn last_log<E: SolEvent>(vm: &TestVM) -> E {
    let logs = vm.get_emitted_logs();
    let (topics, data) = logs.last().expect("an event");
    E::decode_raw_log(topics.iter().copied(), data).expect("the expected event")
}

/// The events of type `E` logged so far, decoded.
fn logs_of<E: SolEvent>(vm: &TestVM) -> Vec<E> {
    vm.get_emitted_logs()
        .iter()
        .filter(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).unwrap())
        .collect()
}

fn has_log<E: SolEvent>(vm: &TestVM) -> bool {
    !logs_of::<E>(vm).is_empty()
}

/// The number of events logged so far (a mark for [`events_since`]).
fn mark(vm: &TestVM) -> usize {
    vm.get_emitted_logs().len()
}

/// The signatures (topic 0) of the events logged since `mark`, in order.
fn events_since(vm: &TestVM, mark: usize) -> Vec<B256> {
    vm.get_emitted_logs()[mark..]
        .iter()
        .map(|(topics, _)| topics[0])
        .collect()
}

/// The stored MCR, its stored target and the last update's timestamp.
fn stored(pool: &CapitalPool) -> (U256, U256, u64) {
    (
        pool.mcr_eth.get(),
        pool.desired_mcr_eth.get(),
        pool.mcr_updated_at_secs.get().to(),
    )
}

fn smoothed(stored_mcr: U256, desired: U256, elapsed: u64) -> U256 {
    mcr_math::smoothed_mcr_eth(stored_mcr, desired, elapsed).unwrap()
}

// --- constructor and receive ---

#[test]
fn constructor_sets_roles_and_mcr_at_the_floor() {
    let (_vm, pool) = pool_with(eth(20_000));
    assert_eq!(pool.governance(), GOVERNANCE);
    assert_eq!(pool.mcr().ok(), Some(eth(10_000)));
    assert_eq!(
        pool.pool_state().ok(),
        Some((
            eth(20_000),
            eth(10_000),
            eth(10_000),
            eth(10_000),
            U256::from(START),
            U256::from(20_000),
        ))
    );
    assert_eq!(stored(&pool), (eth(10_000), eth(10_000), START));
}

#[test]
fn constructor_logs_governance_and_floor() {
    let vm = TestVM::default();
    let mut pool = CapitalPool::from(&vm);
    assert!(pool.constructor(GOVERNANCE, eth(10_000)).is_ok());
    let logs = vm.get_emitted_logs();
    assert_eq!(logs.len(), 2);
    let (topics, data) = &logs[0];
    let changed = GovernanceChanged::decode_raw_log(topics.iter().copied(), data).unwrap();
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (Address::ZERO, GOVERNANCE)
    );
    assert_eq!(last_log::<McrFloorSet>(&vm).mcrFloorEth, eth(10_000));
}

#[test]
fn constructor_rejects_zero_governance_and_floor() {
    let vm = TestVM::default();
    let mut pool = CapitalPool::from(&vm);
    assert_eq!(
        revert(pool.constructor(Address::ZERO, eth(1))),
        ZeroAddress {}.abi_encode()
    );
    assert_eq!(
        revert(pool.constructor(GOVERNANCE, U256::ZERO)),
        ZeroAmount {}.abi_encode()
    );
    assert_eq!(pool.governance(), Address::ZERO);
    assert_eq!(stored(&pool), (U256::ZERO, U256::ZERO, 0));
    assert!(vm.get_emitted_logs().is_empty());
}

#[test]
fn receive_logs_deposits_and_never_updates_the_mcr() {
    let (vm, mut pool) = pool_with(eth(1));
    vm.set_block_timestamp(START + HOUR);
    vm.set_sender(MEMBER);
    vm.set_value(eth(2));
    let before = mark(&vm);
    assert!(pool.receive().is_ok());
    assert_eq!(events_since(&vm, before), vec![Deposit::SIGNATURE_HASH]);
    let deposit: Deposit = last_log(&vm);
    assert_eq!((deposit.from, deposit.amountEth), (MEMBER, eth(2)));
    assert_eq!(stored(&pool).2, START);
}

// --- roles not yet filled ---

#[test]
fn unset_roles_admit_no_one() {
    // Before `set_contracts` the RAMM and the claims contract are zero: not even a call from
    // the zero address passes.
    let (vm, mut pool) = unwired_pool(eth(20_000));
    vm.set_sender(Address::ZERO);
    let unauthorized = Unauthorized {
        caller: Address::ZERO,
    }
    .abi_encode();
    assert_eq!(revert(pool.deposit_swap_eth()), unauthorized);
    assert_eq!(revert(pool.pay_swap_eth(MEMBER, eth(1))), unauthorized);
    assert_eq!(revert(pool.pay_claim(MEMBER, eth(1))), unauthorized);
    // Wired without a claims contract: claims stay closed.
    let (vm, mut pool) = unwired_pool(eth(20_000));
    assert!(pool
        .set_contracts(TOKEN, RAMM, Address::ZERO, Address::ZERO)
        .is_ok());
    vm.set_sender(Address::ZERO);
    assert_eq!(revert(pool.pay_claim(MEMBER, eth(1))), unauthorized);
    assert!(!has_log::<ClaimPaid>(&vm));
}

// --- depositSwapEth ---

#[test]
fn deposit_swap_eth_is_for_the_ramm_only() {
    let (vm, mut pool) = pool_with(eth(20_001));
    vm.set_block_timestamp(START + HOUR);
    vm.set_value(eth(1));
    let before = mark(&vm);
    for caller in [MEMBER, GOVERNANCE, CLAIMS, TOKEN, POOL] {
        vm.set_sender(caller);
        assert_eq!(
            revert(pool.deposit_swap_eth()),
            Unauthorized { caller }.abi_encode()
        );
    }
    assert!(events_since(&vm, before).is_empty());
    assert_eq!(stored(&pool).2, START);
}

#[test]
fn deposit_swap_eth_logs_the_deposit_and_updates_the_mcr_hourly() {
    let (vm, mut pool) = pool_with(eth(20_001));
    vm.set_sender(RAMM);
    vm.set_value(eth(1));
    // One second short of the hour: no update.
    vm.set_block_timestamp(START + HOUR - 1);
    let before = mark(&vm);
    assert!(pool.deposit_swap_eth().is_ok());
    assert_eq!(events_since(&vm, before), vec![Deposit::SIGNATURE_HASH]);
    let deposit: Deposit = last_log(&vm);
    assert_eq!((deposit.from, deposit.amountEth), (RAMM, eth(1)));
    assert_eq!(stored(&pool).2, START);
    // At the hour: the deposit, then the update.
    vm.set_block_timestamp(START + HOUR);
    let before = mark(&vm);
    assert!(pool.deposit_swap_eth().is_ok());
    assert_eq!(
        events_since(&vm, before),
        vec![Deposit::SIGNATURE_HASH, McrUpdated::SIGNATURE_HASH]
    );
    let updated: McrUpdated = last_log(&vm);
    assert_eq!(
        (
            updated.mcrEth,
            updated.desiredMcrEth,
            updated.activeCoverEth
        ),
        (eth(10_000), eth(10_000), U256::ZERO)
    );
    assert_eq!(stored(&pool), (eth(10_000), eth(10_000), START + HOUR));
    // Not more often than hourly, counted from the last update.
    for (at, updates) in [(START + HOUR, false), (START + 2 * HOUR - 1, false)] {
        vm.set_block_timestamp(at);
        let before = mark(&vm);
        assert!(pool.deposit_swap_eth().is_ok());
        assert_eq!(
            events_since(&vm, before).contains(&McrUpdated::SIGNATURE_HASH),
            updates
        );
    }
    vm.set_block_timestamp(START + 2 * HOUR);
    assert!(pool.deposit_swap_eth().is_ok());
    assert_eq!(logs_of::<McrUpdated>(&vm).len(), 2);
    assert_eq!(stored(&pool).2, START + 2 * HOUR);
}

#[test]
fn deposit_swap_eth_checks_no_amount() {
    // The RAMM only deposits for a buy (it refuses a swap without input), so the pool takes
    // whatever it is sent, zero included, and logs it.
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(RAMM);
    vm.set_value(U256::ZERO);
    assert!(pool.deposit_swap_eth().is_ok());
    let deposit: Deposit = last_log(&vm);
    assert_eq!((deposit.from, deposit.amountEth), (RAMM, U256::ZERO));
}

// --- paySwapEth ---

#[test]
fn pay_swap_eth_is_for_the_ramm_only() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_block_timestamp(START + HOUR);
    let before = mark(&vm);
    for caller in [MEMBER, GOVERNANCE, CLAIMS, TOKEN, POOL] {
        vm.set_sender(caller);
        assert_eq!(
            revert(pool.pay_swap_eth(MEMBER, eth(1))),
            Unauthorized { caller }.abi_encode()
        );
    }
    assert!(events_since(&vm, before).is_empty());
    assert_eq!(stored(&pool).2, START);
}

#[test]
fn pay_swap_eth_checks_recipient_amount_and_balance_before_anything() {
    let (vm, mut pool) = pool_with_cover(eth(20_000));
    // An update would be due, and the cover contract would revert if it were read: each check
    // comes first.
    vm.set_block_timestamp(START + HOUR);
    mock_cover_revert(&vm, vec![0x9a, 0xbc]);
    vm.set_sender(RAMM);
    let before = mark(&vm);
    assert_eq!(
        revert(pool.pay_swap_eth(Address::ZERO, eth(1))),
        ZeroAddress {}.abi_encode()
    );
    assert_eq!(
        revert(pool.pay_swap_eth(MEMBER, U256::ZERO)),
        ZeroAmount {}.abi_encode()
    );
    assert_eq!(
        revert(pool.pay_swap_eth(MEMBER, eth(20_000) + wei(1))),
        InsufficientPoolEth {
            requestedEth: eth(20_000) + wei(1),
            availableEth: eth(20_000)
        }
        .abi_encode()
    );
    assert!(events_since(&vm, before).is_empty());
    assert_eq!(stored(&pool).2, START);
}

#[test]
fn pay_swap_eth_pays_and_logs() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(RAMM);
    let before = mark(&vm);
    assert!(pool.pay_swap_eth(MEMBER, eth(5)).is_ok());
    // Within the hour: no update.
    assert_eq!(events_since(&vm, before), vec![SwapPaid::SIGNATURE_HASH]);
    let paid: SwapPaid = last_log(&vm);
    assert_eq!((paid.to, paid.amountEth), (MEMBER, eth(5)));
    // The pool's whole balance can be paid.
    assert!(pool.pay_swap_eth(MEMBER, eth(20_000)).is_ok());
    assert_eq!(last_log::<SwapPaid>(&vm).amountEth, eth(20_000));
    assert_eq!(stored(&pool).2, START);
}

#[test]
fn pay_swap_eth_leaves_the_mcr_check_to_the_ramm() {
    // At exactly 100 % MCR a payout takes the capital below the MCR: the RAMM has checked its
    // sales (`capital_after_payout`), the pool does not check again.
    let (vm, mut pool) = pool_with(eth(10_000));
    vm.set_sender(RAMM);
    assert!(pool.pay_swap_eth(MEMBER, eth(1)).is_ok());
    assert_eq!(last_log::<SwapPaid>(&vm).amountEth, eth(1));
}

#[test]
fn pay_swap_eth_fails_when_the_eth_cannot_be_sent() {
    let (vm, mut pool) = pool_with(eth(20_000));
    // The recipient's revert data is not passed on: the pool names the failed transfer.
    for revert_data in [vec![], vec![0x01, 0x02]] {
        mock_transfer_failure(&vm, MEMBER, eth(5), revert_data);
        vm.set_sender(RAMM);
        assert_eq!(
            revert(pool.pay_swap_eth(MEMBER, eth(5))),
            EthTransferFailed {
                to: MEMBER,
                amountEth: eth(5)
            }
            .abi_encode()
        );
    }
    // The failure was keyed by (recipient, amount): the transfer sends exactly that.
    assert!(pool.pay_swap_eth(MEMBER, eth(4)).is_ok());
}

#[test]
fn pay_swap_eth_runs_the_hourly_update_before_paying() {
    let (vm, mut pool) = pool_with_cover(eth(50_000));
    mock_active_cover(&vm, Ok(eth(96_000)));
    vm.set_sender(RAMM);
    vm.set_block_timestamp(START + HOUR);
    let before = mark(&vm);
    assert!(pool.pay_swap_eth(MEMBER, eth(5)).is_ok());
    assert_eq!(
        events_since(&vm, before),
        vec![McrUpdated::SIGNATURE_HASH, SwapPaid::SIGNATURE_HASH]
    );
    let updated = &logs_of::<McrUpdated>(&vm)[0];
    assert_eq!(
        (
            updated.mcrEth,
            updated.desiredMcrEth,
            updated.activeCoverEth
        ),
        (eth(10_000), eth(20_000), eth(96_000))
    );
    assert_eq!(stored(&pool), (eth(10_000), eth(20_000), START + HOUR));
    // Half an hour later: paid without an update.
    vm.set_block_timestamp(START + HOUR + HOUR / 2);
    let before = mark(&vm);
    assert!(pool.pay_swap_eth(MEMBER, eth(5)).is_ok());
    assert_eq!(events_since(&vm, before), vec![SwapPaid::SIGNATURE_HASH]);
    assert_eq!(stored(&pool).2, START + HOUR);
}

#[test]
fn deposits_payouts_and_update_mcr_share_the_hourly_clock() {
    let (vm, mut pool) = pool_with(eth(20_000));
    mock_paused(&vm, false);
    let step = |at: u64, action: &dyn Fn(&mut CapitalPool), pool: &mut CapitalPool| {
        vm.set_block_timestamp(at);
        let before = logs_of::<McrUpdated>(&vm).len();
        action(pool);
        logs_of::<McrUpdated>(&vm).len() > before
    };
    let deposit = |pool: &mut CapitalPool| {
        vm.set_sender(RAMM);
        vm.set_value(eth(1));
        assert!(pool.deposit_swap_eth().is_ok());
        vm.set_value(U256::ZERO);
    };
    let pay = |pool: &mut CapitalPool| {
        vm.set_sender(RAMM);
        assert!(pool.pay_swap_eth(MEMBER, eth(1)).is_ok());
    };
    let update = |pool: &mut CapitalPool| {
        vm.set_sender(MEMBER);
        let _ = pool.update_mcr().ok().unwrap();
    };
    assert!(step(START + HOUR, &deposit, &mut pool));
    assert!(!step(START + HOUR, &pay, &mut pool));
    assert!(!step(START + 2 * HOUR - 1, &update, &mut pool));
    assert!(!step(START + 2 * HOUR - 1, &deposit, &mut pool));
    assert!(step(START + 2 * HOUR, &pay, &mut pool));
    assert!(!step(START + 2 * HOUR, &deposit, &mut pool));
    assert!(!step(START + 3 * HOUR - 1, &pay, &mut pool));
    assert!(step(START + 3 * HOUR, &update, &mut pool));
    assert!(!step(START + 3 * HOUR, &deposit, &mut pool));
    assert_eq!(logs_of::<McrUpdated>(&vm).len(), 3);
    assert_eq!(stored(&pool).2, START + 3 * HOUR);
}

// --- updateMcr ---

#[test]
fn update_mcr_needs_the_token() {
    let (vm, mut pool) = unwired_pool(eth(20_000));
    vm.set_block_timestamp(START + HOUR);
    vm.set_sender(MEMBER);
    assert_eq!(revert(pool.update_mcr()), ZeroAddress {}.abi_encode());
    assert_eq!(stored(&pool).2, START);
}

#[test]
fn update_mcr_is_refused_while_paused() {
    let (vm, mut pool) = pool_with(eth(20_000));
    mock_paused(&vm, true);
    vm.set_sender(MEMBER);
    for at in [START, START + HOUR, START + DAY] {
        vm.set_block_timestamp(at);
        assert_eq!(revert(pool.update_mcr()), Paused {}.abi_encode());
    }
    assert!(!has_log::<McrUpdated>(&vm));
    assert_eq!(stored(&pool), (eth(10_000), eth(10_000), START));
    // The pause gates only `update_mcr`: the RAMM's swaps (which the paused token stops on its
    // own) and claim payouts still update.
    vm.set_sender(CLAIMS);
    assert!(pool.pay_claim(MEMBER, eth(1)).is_ok());
    assert!(has_log::<McrUpdated>(&vm));
}

#[test]
fn update_mcr_is_open_to_anyone_hourly_while_not_paused() {
    let (vm, mut pool) = pool_with(eth(20_000));
    mock_paused(&vm, false);
    // Before the hour: nothing happens.
    vm.set_block_timestamp(START + HOUR - 1);
    vm.set_sender(MEMBER);
    let before = mark(&vm);
    assert_eq!(pool.update_mcr().ok(), Some(false));
    assert!(events_since(&vm, before).is_empty());
    assert_eq!(stored(&pool).2, START);
    // At the hour, from anyone.
    vm.set_block_timestamp(START + HOUR);
    vm.set_sender(Address::ZERO);
    assert_eq!(pool.update_mcr().ok(), Some(true));
    assert_eq!(events_since(&vm, before), vec![McrUpdated::SIGNATURE_HASH]);
    let updated: McrUpdated = last_log(&vm);
    assert_eq!(
        (
            updated.mcrEth,
            updated.desiredMcrEth,
            updated.activeCoverEth
        ),
        (eth(10_000), eth(10_000), U256::ZERO)
    );
    assert_eq!(stored(&pool).2, START + HOUR);
    // Again in the same second: nothing.
    vm.set_sender(MEMBER);
    assert_eq!(pool.update_mcr().ok(), Some(false));
    assert_eq!(logs_of::<McrUpdated>(&vm).len(), 1);
}

#[test]
fn update_mcr_passes_the_token_revert_on() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_block_timestamp(START + HOUR);
    vm.set_sender(MEMBER);
    let paused = INxmToken::pausedCall {}.abi_encode();
    vm.mock_static_call(TOKEN, paused.clone(), Err(vec![0x12, 0x34, 0x56, 0x78]));
    assert_eq!(revert(pool.update_mcr()), vec![0x12, 0x34, 0x56, 0x78]);
    // alloy's check of a bool looks at the upper 31 bytes only: a last byte of 2 reads as
    // `true`.
    vm.mock_static_call(TOKEN, paused.clone(), Ok(word(wei(2))));
    assert_eq!(revert(pool.update_mcr()), Paused {}.abi_encode());
    // An answer that is not a bool is refused (the SDK's decoding failure: a generic panic).
    let generic_panic = Panic::from(PanicKind::Generic).abi_encode();
    vm.mock_static_call(TOKEN, paused.clone(), Ok(word(wei(256))));
    assert_eq!(revert(pool.update_mcr()), generic_panic);
    vm.mock_static_call(TOKEN, paused, Ok(vec![]));
    assert_eq!(revert(pool.update_mcr()), generic_panic);
    assert!(!has_log::<McrUpdated>(&vm));
    assert_eq!(stored(&pool).2, START);
}

#[test]
fn update_mcr_reads_the_cover_contract_and_passes_its_revert_on() {
    let (vm, mut pool) = pool_with_cover(eth(20_000));
    mock_paused(&vm, false);
    mock_active_cover(&vm, Ok(U256::ZERO));
    vm.set_sender(MEMBER);
    vm.set_block_timestamp(START + HOUR);
    assert_eq!(pool.update_mcr().ok(), Some(true));
    let updated: McrUpdated = last_log(&vm);
    assert_eq!(
        (updated.desiredMcrEth, updated.activeCoverEth),
        (eth(10_000), U256::ZERO)
    );
    // The revert data starts with a zero word, so the token's `paused()` (which reads the same
    // return data, see the header) still answers `false`.
    let mut cover_error = vec![0u8; 32];
    cover_error.extend([0x9a, 0xbc]);
    mock_cover_revert(&vm, cover_error.clone());
    vm.set_block_timestamp(START + 2 * HOUR);
    assert_eq!(revert(pool.update_mcr()), cover_error);
    assert_eq!(stored(&pool).2, START + HOUR, "nothing stored");
    assert_eq!(logs_of::<McrUpdated>(&vm).len(), 1);
}

// --- the MCR and its target ---

#[test]
fn mcr_is_smoothed_toward_active_cover_over_time() {
    let (vm, mut pool) = pool_with_cover(eth(50_000));
    // Active cover of 96 000 ETH: target 20 000 ETH.
    mock_active_cover(&vm, Ok(eth(96_000)));
    vm.set_sender(RAMM);
    vm.set_value(eth(1));
    // Before an hour: nothing happens.
    assert!(pool.deposit_swap_eth().is_ok());
    assert!(!has_log::<McrUpdated>(&vm));
    vm.set_block_timestamp(START + HOUR);
    assert!(pool.deposit_swap_eth().is_ok());
    let updated: McrUpdated = last_log(&vm);
    assert_eq!(
        (
            updated.mcrEth,
            updated.desiredMcrEth,
            updated.activeCoverEth
        ),
        (eth(10_000), eth(20_000), eth(96_000))
    );
    // An hour later the MCR has moved 20 bps (500 bps a day, rounded down to whole bps).
    vm.set_block_timestamp(START + 2 * HOUR);
    assert_eq!(pool.mcr().ok(), Some(eth(10_020)));
    // A day after the update it has moved by the 100 bps cap of one update.
    vm.set_block_timestamp(START + HOUR + DAY);
    let expected = smoothed(eth(10_000), eth(20_000), DAY);
    assert_eq!(expected, eth(10_100));
    assert_eq!(pool.mcr().ok(), Some(expected));
    assert_eq!(pool.pool_state().ok().unwrap().1, expected);
    assert_eq!(stored(&pool).0, eth(10_000), "a view stores nothing");
    assert!(pool.deposit_swap_eth().is_ok());
    assert_eq!(
        stored(&pool),
        (expected, eth(20_000), START + HOUR + DAY),
        "the update stores the smoothed value"
    );
    assert_eq!(last_log::<McrUpdated>(&vm).mcrEth, expected);
    // The next hour smooths from the stored value.
    vm.set_block_timestamp(START + 2 * HOUR + DAY);
    assert_eq!(
        pool.mcr().ok(),
        Some(smoothed(eth(10_100), eth(20_000), HOUR))
    );
    assert_eq!(pool.mcr().ok(), Some(eth(10_120) + eth(2) / U256::from(10)));
}

#[test]
fn desired_mcr_is_active_cover_over_4_8_rounded_down_and_at_least_the_floor() {
    let (vm, mut pool) = pool_with_cover(eth(50_000));
    vm.set_sender(CLAIMS);
    for (active_cover, desired) in [
        // 96 000 ETH + 7 wei: 20 000 ETH + 1.46 wei, rounded down.
        (eth(96_000) + wei(7), eth(20_000) + wei(1)),
        // Just under 4.8 x the floor: the floor.
        (eth(48_000) - wei(1), eth(10_000)),
        (eth(48_000), eth(10_000)),
        (eth(48_000) + wei(5), eth(10_000) + wei(1)),
        (U256::ZERO, eth(10_000)),
        // No overflow even at the largest active cover.
        (
            U256::MAX,
            mutual_math::fixed::mul_div_down(U256::MAX, U256::from(10_000), U256::from(48_000))
                .unwrap(),
        ),
    ] {
        mock_active_cover(&vm, Ok(active_cover));
        // A claim forces the update: no need to wait the hour.
        assert!(pool.pay_claim(MEMBER, wei(1)).is_ok());
        let updated = logs_of::<McrUpdated>(&vm).pop().unwrap();
        assert_eq!(
            (updated.desiredMcrEth, updated.activeCoverEth),
            (desired, active_cover)
        );
        assert_eq!(stored(&pool).1, desired);
        assert_eq!(pool.pool_state().ok().unwrap().2, desired);
    }
}

#[test]
fn mcr_is_smoothed_down_toward_a_lower_target() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(GOVERNANCE);
    assert!(pool.set_mcr_floor(eth(5_000)).is_ok());
    vm.set_sender(CLAIMS);
    assert!(pool.pay_claim(MEMBER, eth(1)).is_ok());
    assert_eq!(stored(&pool), (eth(10_000), eth(5_000), START));
    vm.set_block_timestamp(START + HOUR);
    assert_eq!(pool.mcr().ok(), Some(eth(9_980)));
    vm.set_block_timestamp(START + DAY);
    assert_eq!(pool.mcr().ok(), Some(eth(9_900)));
    // Never below the target.
    assert_eq!(
        smoothed(eth(5_010), eth(5_000), DAY),
        eth(5_000),
        "the math crate's bound"
    );
}

#[test]
fn the_cover_contracts_revert_is_passed_on_by_swaps_and_claims() {
    let (vm, mut pool) = pool_with_cover(eth(20_000));
    let cover_error = vec![0x9a, 0xbc];
    mock_cover_revert(&vm, cover_error.clone());
    vm.set_block_timestamp(START + HOUR);
    vm.set_sender(RAMM);
    vm.set_value(eth(1));
    assert_eq!(revert(pool.deposit_swap_eth()), cover_error);
    vm.set_value(U256::ZERO);
    assert_eq!(revert(pool.pay_swap_eth(MEMBER, eth(1))), cover_error);
    vm.set_sender(CLAIMS);
    assert_eq!(revert(pool.pay_claim(MEMBER, eth(1))), cover_error);
    assert!(!has_log::<McrUpdated>(&vm));
    assert!(!has_log::<SwapPaid>(&vm) && !has_log::<ClaimPaid>(&vm));
    assert_eq!(stored(&pool), (eth(10_000), eth(10_000), START));
    // An answer that is not a uint256 is refused as well.
    vm.mock_static_call(
        COVER,
        IActiveCover::totalActiveCoverEthCall {}.abi_encode(),
        Ok(vec![0x01]),
    );
    assert_eq!(
        revert(pool.pay_claim(MEMBER, eth(1))),
        Panic::from(PanicKind::Generic).abi_encode()
    );
}

// --- payClaim ---

#[test]
fn pay_claim_is_for_the_claims_contract_only() {
    let (vm, mut pool) = pool_with(eth(20_000));
    let before = mark(&vm);
    for caller in [MEMBER, GOVERNANCE, RAMM, TOKEN, POOL] {
        vm.set_sender(caller);
        assert_eq!(
            revert(pool.pay_claim(MEMBER, eth(1))),
            Unauthorized { caller }.abi_encode()
        );
    }
    assert!(events_since(&vm, before).is_empty());
}

#[test]
fn pay_claim_checks_recipient_amount_and_balance_before_anything() {
    let (vm, mut pool) = pool_with_cover(eth(20_000));
    mock_cover_revert(&vm, vec![0x9a, 0xbc]);
    vm.set_block_timestamp(START + 60);
    vm.set_sender(CLAIMS);
    let before = mark(&vm);
    assert_eq!(
        revert(pool.pay_claim(Address::ZERO, eth(1))),
        ZeroAddress {}.abi_encode()
    );
    assert_eq!(
        revert(pool.pay_claim(MEMBER, U256::ZERO)),
        ZeroAmount {}.abi_encode()
    );
    assert_eq!(
        revert(pool.pay_claim(MEMBER, eth(20_001))),
        InsufficientPoolEth {
            requestedEth: eth(20_001),
            availableEth: eth(20_000)
        }
        .abi_encode()
    );
    assert!(events_since(&vm, before).is_empty());
    assert_eq!(stored(&pool).2, START);
}

#[test]
fn pay_claim_forces_the_mcr_update_then_pays() {
    let (vm, mut pool) = pool_with_cover(eth(20_000));
    mock_active_cover(&vm, Ok(eth(96_000)));
    vm.set_sender(CLAIMS);
    // A minute after deployment: within the hour, yet updated.
    vm.set_block_timestamp(START + 60);
    let before = mark(&vm);
    assert!(pool.pay_claim(MEMBER, eth(5)).is_ok());
    assert_eq!(
        events_since(&vm, before),
        vec![McrUpdated::SIGNATURE_HASH, ClaimPaid::SIGNATURE_HASH]
    );
    let updated = &logs_of::<McrUpdated>(&vm)[0];
    assert_eq!(
        (
            updated.mcrEth,
            updated.desiredMcrEth,
            updated.activeCoverEth
        ),
        (eth(10_000), eth(20_000), eth(96_000))
    );
    let paid: ClaimPaid = last_log(&vm);
    assert_eq!((paid.to, paid.amountEth), (MEMBER, eth(5)));
    assert_eq!(stored(&pool), (eth(10_000), eth(20_000), START + 60));
    // Every claim forces it, even in the same second.
    let before = mark(&vm);
    assert!(pool.pay_claim(MEMBER, eth(1)).is_ok());
    assert_eq!(
        events_since(&vm, before),
        vec![McrUpdated::SIGNATURE_HASH, ClaimPaid::SIGNATURE_HASH]
    );
    // A day later the forced update stores the MCR smoothed up to then.
    vm.set_block_timestamp(START + 60 + DAY);
    assert!(pool.pay_claim(MEMBER, eth(1)).is_ok());
    assert_eq!(stored(&pool), (eth(10_100), eth(20_000), START + 60 + DAY));
}

#[test]
fn pay_claim_may_take_the_capital_below_the_mcr() {
    // Claims are what the capital is for: at 100 % MCR the whole balance can be paid.
    let (vm, mut pool) = pool_with(eth(10_000));
    vm.set_sender(CLAIMS);
    assert!(pool.pay_claim(MEMBER, eth(10_000)).is_ok());
    let paid: ClaimPaid = last_log(&vm);
    assert_eq!((paid.to, paid.amountEth), (MEMBER, eth(10_000)));
}

#[test]
fn pay_claim_fails_when_the_eth_cannot_be_sent() {
    let (vm, mut pool) = pool_with(eth(20_000));
    mock_transfer_failure(&vm, MEMBER, eth(5), vec![0xff]);
    vm.set_sender(CLAIMS);
    assert_eq!(
        revert(pool.pay_claim(MEMBER, eth(5))),
        EthTransferFailed {
            to: MEMBER,
            amountEth: eth(5)
        }
        .abi_encode()
    );
}

// --- transferTreasury ---

#[test]
fn treasury_transfer_is_governance_only() {
    let (vm, mut pool) = pool_with(eth(20_000));
    let before = mark(&vm);
    for caller in [MEMBER, RAMM, CLAIMS, TOKEN, POOL] {
        vm.set_sender(caller);
        assert_eq!(
            revert(pool.transfer_treasury(MEMBER, eth(1))),
            Unauthorized { caller }.abi_encode()
        );
    }
    assert!(events_since(&vm, before).is_empty());
}

#[test]
fn treasury_transfer_checks_recipient_amount_and_balance() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(GOVERNANCE);
    let before = mark(&vm);
    assert_eq!(
        revert(pool.transfer_treasury(Address::ZERO, eth(1))),
        ZeroAddress {}.abi_encode()
    );
    assert_eq!(
        revert(pool.transfer_treasury(MEMBER, U256::ZERO)),
        ZeroAmount {}.abi_encode()
    );
    // More than the pool holds: the balance check comes before the MCR check (whose error
    // could not even state the capital after).
    assert_eq!(
        revert(pool.transfer_treasury(MEMBER, eth(20_000) + wei(1))),
        InsufficientPoolEth {
            requestedEth: eth(20_000) + wei(1),
            availableEth: eth(20_000)
        }
        .abi_encode()
    );
    assert!(events_since(&vm, before).is_empty());
}

#[test]
fn treasury_transfer_below_the_mcr_is_refused_with_the_values() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(GOVERNANCE);
    assert_eq!(
        revert(pool.transfer_treasury(MEMBER, eth(10_000) + wei(1))),
        CapitalBelowMcr {
            amountEth: eth(10_000) + wei(1),
            capitalAfterEth: eth(10_000) - wei(1),
            mcrEth: eth(10_000)
        }
        .abi_encode()
    );
    // The whole balance.
    assert_eq!(
        revert(pool.transfer_treasury(MEMBER, eth(20_000))),
        CapitalBelowMcr {
            amountEth: eth(20_000),
            capitalAfterEth: U256::ZERO,
            mcrEth: eth(10_000)
        }
        .abi_encode()
    );
    // At exactly 100 % MCR not a wei can go.
    let (vm, mut pool) = pool_with(eth(10_000));
    vm.set_sender(GOVERNANCE);
    assert_eq!(
        revert(pool.transfer_treasury(MEMBER, wei(1))),
        CapitalBelowMcr {
            amountEth: wei(1),
            capitalAfterEth: eth(10_000) - wei(1),
            mcrEth: eth(10_000)
        }
        .abi_encode()
    );
    assert!(!has_log::<TreasuryTransfer>(&vm));
}

#[test]
fn treasury_transfer_down_to_exactly_the_mcr_is_allowed() {
    let (vm, mut pool) = pool_with_cover(eth(20_000));
    // An update would be due and the cover contract would revert: a treasury transfer
    // neither updates the MCR nor reads the cover contract.
    mock_cover_revert(&vm, vec![0x9a, 0xbc]);
    vm.set_block_timestamp(START + HOUR);
    vm.set_sender(GOVERNANCE);
    let before = mark(&vm);
    assert!(pool.transfer_treasury(MEMBER, eth(10_000)).is_ok());
    assert_eq!(
        events_since(&vm, before),
        vec![TreasuryTransfer::SIGNATURE_HASH]
    );
    let moved: TreasuryTransfer = last_log(&vm);
    assert_eq!((moved.to, moved.amountEth), (MEMBER, eth(10_000)));
    assert_eq!(stored(&pool).2, START);
}

#[test]
fn treasury_transfer_is_held_to_the_mcr_smoothed_up_to_now() {
    let (vm, mut pool) = pool_with_cover(eth(20_000));
    mock_active_cover(&vm, Ok(eth(96_000)));
    vm.set_sender(CLAIMS);
    assert!(pool.pay_claim(MEMBER, wei(1)).is_ok());
    // A day later the MCR is 10 100 ETH though 10 000 ETH is stored.
    vm.set_block_timestamp(START + DAY);
    assert_eq!(stored(&pool).0, eth(10_000));
    vm.set_sender(GOVERNANCE);
    assert_eq!(
        revert(pool.transfer_treasury(MEMBER, eth(9_900) + wei(1))),
        CapitalBelowMcr {
            amountEth: eth(9_900) + wei(1),
            capitalAfterEth: eth(10_100) - wei(1),
            mcrEth: eth(10_100)
        }
        .abi_encode()
    );
    assert!(pool.transfer_treasury(MEMBER, eth(9_900)).is_ok());
    assert_eq!(last_log::<TreasuryTransfer>(&vm).amountEth, eth(9_900));
    assert_eq!(stored(&pool).0, eth(10_000), "nothing stored");
}

#[test]
fn treasury_transfer_fails_when_the_eth_cannot_be_sent() {
    let (vm, mut pool) = pool_with(eth(20_000));
    mock_transfer_failure(&vm, MEMBER, eth(3), vec![]);
    vm.set_sender(GOVERNANCE);
    assert_eq!(
        revert(pool.transfer_treasury(MEMBER, eth(3))),
        EthTransferFailed {
            to: MEMBER,
            amountEth: eth(3)
        }
        .abi_encode()
    );
}

// --- setContracts ---

#[test]
fn set_contracts_is_governance_only() {
    let (vm, mut pool) = pool_with(eth(1));
    let before = mark(&vm);
    for caller in [MEMBER, RAMM, CLAIMS, TOKEN] {
        vm.set_sender(caller);
        assert_eq!(
            revert(pool.set_contracts(TOKEN, RAMM, COVER, CLAIMS)),
            Unauthorized { caller }.abi_encode()
        );
    }
    assert!(events_since(&vm, before).is_empty());
    assert_eq!(pool.contracts(), (TOKEN, RAMM, Address::ZERO, CLAIMS));
}

#[test]
fn set_contracts_requires_the_token_and_the_ramm() {
    let (vm, mut pool) = pool_with(eth(1));
    vm.set_sender(GOVERNANCE);
    let before = mark(&vm);
    for (token, ramm) in [
        (Address::ZERO, RAMM),
        (TOKEN, Address::ZERO),
        (Address::ZERO, Address::ZERO),
        // The zero check comes first.
        (Address::ZERO, EMPTY),
    ] {
        assert_eq!(
            revert(pool.set_contracts(token, ramm, COVER, CLAIMS)),
            ZeroAddress {}.abi_encode()
        );
    }
    assert!(events_since(&vm, before).is_empty());
    assert_eq!(pool.contracts(), (TOKEN, RAMM, Address::ZERO, CLAIMS));
}

#[test]
fn trusted_contracts_must_hold_code() {
    let (vm, mut pool) = pool_with(eth(1));
    vm.set_sender(GOVERNANCE);
    let before = mark(&vm);
    let not_a_contract = NotAContract { account: EMPTY }.abi_encode();
    assert_eq!(
        revert(pool.set_contracts(EMPTY, RAMM, COVER, CLAIMS)),
        not_a_contract
    );
    assert_eq!(
        revert(pool.set_contracts(TOKEN, EMPTY, COVER, CLAIMS)),
        not_a_contract
    );
    assert_eq!(
        revert(pool.set_contracts(TOKEN, RAMM, EMPTY, CLAIMS)),
        not_a_contract
    );
    assert_eq!(
        revert(pool.set_contracts(TOKEN, RAMM, COVER, EMPTY)),
        not_a_contract
    );
    // The first address without code is named.
    let other = address!("00000000000000000000000000000000000000ef");
    assert_eq!(
        revert(pool.set_contracts(TOKEN, other, EMPTY, CLAIMS)),
        NotAContract { account: other }.abi_encode()
    );
    assert!(events_since(&vm, before).is_empty());
    assert_eq!(pool.contracts(), (TOKEN, RAMM, Address::ZERO, CLAIMS));
}

#[test]
fn set_contracts_stores_and_logs() {
    let (vm, mut pool) = unwired_pool(eth(1));
    assert_eq!(
        pool.contracts(),
        (Address::ZERO, Address::ZERO, Address::ZERO, Address::ZERO)
    );
    vm.set_sender(GOVERNANCE);
    // Cover and claims may stay zero until deployed.
    assert!(pool
        .set_contracts(TOKEN, RAMM, Address::ZERO, Address::ZERO)
        .is_ok());
    let set: ContractsSet = last_log(&vm);
    assert_eq!(
        (set.nxmToken, set.ramm, set.cover, set.claims),
        (TOKEN, RAMM, Address::ZERO, Address::ZERO)
    );
    assert_eq!(
        pool.contracts(),
        (TOKEN, RAMM, Address::ZERO, Address::ZERO)
    );
    assert!(pool.set_contracts(TOKEN, RAMM, COVER, CLAIMS).is_ok());
    let set: ContractsSet = last_log(&vm);
    assert_eq!(
        (set.nxmToken, set.ramm, set.cover, set.claims),
        (TOKEN, RAMM, COVER, CLAIMS)
    );
    assert_eq!(pool.contracts(), (TOKEN, RAMM, COVER, CLAIMS));
    // Rewired to a new RAMM: the old one loses its role, the new one has it.
    let new_ramm = address!("00000000000000000000000000000000000000b3");
    vm.set_code(new_ramm, vec![0xef, 0xf0, 0x00, 0x00]);
    assert!(pool.set_contracts(TOKEN, new_ramm, COVER, CLAIMS).is_ok());
    assert_eq!(pool.contracts(), (TOKEN, new_ramm, COVER, CLAIMS));
    vm.set_sender(RAMM);
    assert_eq!(
        revert(pool.pay_swap_eth(MEMBER, wei(1))),
        Unauthorized { caller: RAMM }.abi_encode()
    );
    vm.set_sender(new_ramm);
    assert!(pool.pay_swap_eth(MEMBER, wei(1)).is_ok());
    assert_eq!(logs_of::<ContractsSet>(&vm).len(), 3);
}

// --- setMcrFloor and setGovernance ---

#[test]
fn set_mcr_floor_checks_role_and_amount_and_logs() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(pool.set_mcr_floor(eth(1))),
        Unauthorized { caller: MEMBER }.abi_encode()
    );
    vm.set_sender(GOVERNANCE);
    assert_eq!(
        revert(pool.set_mcr_floor(U256::ZERO)),
        ZeroAmount {}.abi_encode()
    );
    assert_eq!(
        logs_of::<McrFloorSet>(&vm).len(),
        1,
        "the constructor's only"
    );
    assert_eq!(pool.pool_state().ok().unwrap().3, eth(10_000));
    assert!(pool.set_mcr_floor(eth(12_000)).is_ok());
    assert_eq!(last_log::<McrFloorSet>(&vm).mcrFloorEth, eth(12_000));
    assert_eq!(pool.pool_state().ok().unwrap().3, eth(12_000));
    assert_eq!(logs_of::<McrFloorSet>(&vm).len(), 2, "constructor + setter");
}

#[test]
fn a_new_floor_takes_effect_at_the_next_update_through_the_smoothing() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(GOVERNANCE);
    assert!(pool.set_mcr_floor(eth(12_000)).is_ok());
    // Neither the MCR nor its target moves until an update.
    vm.set_block_timestamp(START + DAY);
    assert_eq!(stored(&pool), (eth(10_000), eth(10_000), START));
    assert_eq!(pool.mcr().ok(), Some(eth(10_000)));
    assert_eq!(pool.pool_state().ok().unwrap().2, eth(10_000));
    vm.set_sender(RAMM);
    assert!(pool.deposit_swap_eth().is_ok());
    let updated: McrUpdated = last_log(&vm);
    assert_eq!(
        (updated.mcrEth, updated.desiredMcrEth),
        (eth(10_000), eth(12_000))
    );
    // Then at most 100 bps an update.
    vm.set_block_timestamp(START + 2 * DAY);
    assert_eq!(pool.mcr().ok(), Some(eth(10_100)));
}

#[test]
fn set_governance_hands_the_role_over() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(pool.set_governance(MEMBER)),
        Unauthorized { caller: MEMBER }.abi_encode()
    );
    vm.set_sender(GOVERNANCE);
    assert_eq!(
        revert(pool.set_governance(Address::ZERO)),
        ZeroAddress {}.abi_encode()
    );
    assert_eq!(pool.governance(), GOVERNANCE);
    assert!(pool.set_governance(MEMBER).is_ok());
    let changed: GovernanceChanged = last_log(&vm);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (GOVERNANCE, MEMBER)
    );
    assert_eq!(pool.governance(), MEMBER);
    // The old governance has lost every governance entrypoint.
    let unauthorized = Unauthorized { caller: GOVERNANCE }.abi_encode();
    assert_eq!(revert(pool.set_mcr_floor(eth(1))), unauthorized);
    assert_eq!(revert(pool.set_governance(GOVERNANCE)), unauthorized);
    assert_eq!(
        revert(pool.set_contracts(TOKEN, RAMM, COVER, CLAIMS)),
        unauthorized
    );
    assert_eq!(revert(pool.transfer_treasury(MEMBER, eth(1))), unauthorized);
    // The new one has them.
    vm.set_sender(MEMBER);
    assert!(pool.set_mcr_floor(eth(11_000)).is_ok());
    assert!(pool.set_contracts(TOKEN, RAMM, COVER, CLAIMS).is_ok());
    assert!(pool.transfer_treasury(MEMBER, eth(1)).is_ok());
    assert!(pool.set_governance(GOVERNANCE).is_ok());
    assert_eq!(pool.governance(), GOVERNANCE);
}

// --- views ---

#[test]
fn views_report_the_state() {
    let (vm, mut pool) = pool_with_cover(eth(15_000) - wei(1));
    // MCR% rounds down.
    let state = pool.pool_state().ok().unwrap();
    assert_eq!(state.0, eth(15_000) - wei(1));
    assert_eq!(state.5, U256::from(14_999));
    // With a target above the MCR, a day later: the views smooth up to now.
    mock_active_cover(&vm, Ok(eth(96_000)));
    vm.set_sender(CLAIMS);
    assert!(pool.pay_claim(MEMBER, wei(1)).is_ok());
    vm.set_block_timestamp(START + DAY);
    assert_eq!(
        pool.pool_state().ok(),
        Some((
            eth(15_000) - wei(1),
            eth(10_100),
            eth(20_000),
            eth(10_000),
            U256::from(START),
            mcr_math::mcr_ratio_bps(eth(15_000) - wei(1), eth(10_100)).unwrap(),
        ))
    );
    assert_eq!(pool.pool_state().ok().unwrap().5, U256::from(14_851));
    assert_eq!(pool.mcr().ok(), Some(eth(10_100)));
    assert_eq!(pool.contracts(), (TOKEN, RAMM, COVER, CLAIMS));
    assert_eq!(pool.governance(), GOVERNANCE);
    // An empty pool is at 0 %.
    vm.set_balance(POOL, U256::ZERO);
    assert_eq!(pool.pool_state().ok().unwrap().5, U256::ZERO);
}

// --- MathOverflow ---

#[test]
fn a_floor_beyond_the_supported_domain_is_refused() {
    // A floor near U256::MAX would make every update overflow for good (smoothing it up by one
    // bps overflows, and a floor only falls through an update): it is refused up front.
    let overflow = MathOverflow {}.abi_encode();
    let vm = TestVM::default();
    let mut pool = CapitalPool::from(&vm);
    assert_eq!(revert(pool.constructor(GOVERNANCE, U256::MAX)), overflow);
    assert_eq!(
        revert(pool.constructor(GOVERNANCE, MAX_MCR_FLOOR_ETH + U256::from(1))),
        overflow
    );
    let (vm, mut pool) = unwired_pool_with_floor(eth(20_000), MAX_MCR_FLOOR_ETH);
    assert_eq!(
        revert(pool.set_mcr_floor(MAX_MCR_FLOOR_ETH + U256::from(1))),
        overflow
    );
    // The largest floor still smooths: a day later the MCR and MCR% are computed.
    vm.set_block_timestamp(START + 86_400);
    assert_eq!(pool.mcr().ok(), Some(MAX_MCR_FLOOR_ETH));
    assert!(pool.pool_state().is_ok());
}

#[test]
fn an_mcr_ratio_beyond_the_supported_domain_reverts_with_math_overflow() {
    // MCR% overflows only for a pool value above U256::MAX * MCR / 10 000: with a 1 wei floor.
    let (_vm, pool) = unwired_pool_with_floor(U256::MAX, wei(1));
    assert_eq!(pool.mcr().ok(), Some(wei(1)));
    assert_eq!(revert(pool.pool_state()), MathOverflow {}.abi_encode());
    let (_vm, pool) = unwired_pool_with_floor(U256::MAX / U256::from(10_000), wei(1));
    assert_eq!(
        pool.pool_state().ok().unwrap().5,
        U256::MAX / U256::from(10_000) * U256::from(10_000)
    );
    // With any realistic MCR even the largest balance is priced.
    let (_vm, pool) = unwired_pool(U256::MAX);
    assert!(pool.pool_state().is_ok());
}

// --- routing: the ABI as declared ---

fn route<C: SolCall>(
    pool: &mut CapitalPool,
    vm: &TestVM,
    from: Address,
    value: U256,
    call: C,
) -> Result<C::Return, Vec<u8>> {
    vm.set_sender(from);
    vm.set_value(value);
    let calldata = call.abi_encode();
    let selector = u32::from_be_bytes(calldata[..4].try_into().unwrap());
    let output = <CapitalPool as Router<CapitalPool>>::route(pool, selector, &calldata[4..])
        .expect("the contract routes every selector of ICapitalPool");
    vm.set_value(U256::ZERO);
    output.map(|returned| C::abi_decode_returns(&returned).expect("return data matches the ABI"))
}

#[test]
fn routes_every_declared_selector() {
    let (_vm, mut pool) = pool_with(eth(20_000));
    for selector in ICapitalPoolCalls::SELECTORS {
        let routed = <CapitalPool as Router<CapitalPool>>::route(
            &mut pool,
            u32::from_be_bytes(*selector),
            &[],
        );
        assert!(
            routed.is_some(),
            "selector {selector:02x?} is not implemented"
        );
    }
    assert_eq!(ICapitalPoolCalls::SELECTORS.len(), 12);
}

#[test]
fn the_constructor_runs_once() {
    let vm = TestVM::default();
    let mut pool = CapitalPool::from(&vm);
    let args = (GOVERNANCE, eth(10_000)).abi_encode_params();
    let first = <CapitalPool as Router<CapitalPool>>::constructor(&mut pool, &args).unwrap();
    assert!(first.is_ok());
    let again = (MEMBER, eth(1)).abi_encode_params();
    let second = <CapitalPool as Router<CapitalPool>>::constructor(&mut pool, &again).unwrap();
    assert!(second.is_err());
    assert_eq!(pool.governance(), GOVERNANCE);
    assert_eq!(stored(&pool).0, eth(10_000));
}

#[test]
fn only_deposits_are_payable() {
    let (vm, mut pool) = pool_with(eth(20_000));
    mock_paused(&vm, false);
    let one = wei(1);
    macro_rules! refused_with_value_then_ok {
        ($from:expr, $call:expr) => {{
            let before = mark(&vm);
            assert!(
                route(&mut pool, &vm, $from, one, $call).is_err(),
                "{} accepted value",
                stringify!($call)
            );
            assert!(events_since(&vm, before).is_empty());
            assert!(route(&mut pool, &vm, $from, U256::ZERO, $call).is_ok());
        }};
    }
    refused_with_value_then_ok!(
        RAMM,
        ICapitalPool::paySwapEthCall {
            to: MEMBER,
            amountEth: eth(1)
        }
    );
    refused_with_value_then_ok!(MEMBER, ICapitalPool::updateMcrCall {});
    refused_with_value_then_ok!(
        CLAIMS,
        ICapitalPool::payClaimCall {
            to: MEMBER,
            amountEth: eth(1)
        }
    );
    refused_with_value_then_ok!(
        GOVERNANCE,
        ICapitalPool::transferTreasuryCall {
            to: MEMBER,
            amountEth: eth(1)
        }
    );
    refused_with_value_then_ok!(
        GOVERNANCE,
        ICapitalPool::setContractsCall {
            nxmToken: TOKEN,
            ramm: RAMM,
            cover: Address::ZERO,
            claims: CLAIMS
        }
    );
    refused_with_value_then_ok!(
        GOVERNANCE,
        ICapitalPool::setMcrFloorCall {
            mcrFloorEth: eth(10_000)
        }
    );
    refused_with_value_then_ok!(
        GOVERNANCE,
        ICapitalPool::setGovernanceCall {
            newGovernance: GOVERNANCE
        }
    );
    refused_with_value_then_ok!(MEMBER, ICapitalPool::mcrCall {});
    refused_with_value_then_ok!(MEMBER, ICapitalPool::poolStateCall {});
    refused_with_value_then_ok!(MEMBER, ICapitalPool::contractsCall {});
    refused_with_value_then_ok!(MEMBER, ICapitalPool::governanceCall {});
    // `depositSwapEth` and plain transfers take ETH.
    assert!(route(
        &mut pool,
        &vm,
        RAMM,
        eth(1),
        ICapitalPool::depositSwapEthCall {}
    )
    .is_ok());
    assert_eq!(last_log::<Deposit>(&vm).amountEth, eth(1));
    vm.set_sender(MEMBER);
    vm.set_value(eth(2));
    let received = <CapitalPool as Router<CapitalPool>>::receive(&mut pool);
    assert_eq!(received, Some(Ok(())));
    let deposit: Deposit = last_log(&vm);
    assert_eq!((deposit.from, deposit.amountEth), (MEMBER, eth(2)));
}

#[test]
fn routed_calls_return_the_declared_values() {
    let (vm, mut pool) = pool_with_cover(eth(20_000));
    mock_paused(&vm, false);
    mock_active_cover(&vm, Ok(U256::ZERO));
    let state = route(
        &mut pool,
        &vm,
        MEMBER,
        U256::ZERO,
        ICapitalPool::poolStateCall {},
    )
    .unwrap_or_else(|e| panic!("{e:02x?}"));
    assert_eq!(
        (
            state.poolValueEth,
            state.mcrEth,
            state.desiredMcrEth,
            state.mcrFloorEth,
            state.mcrUpdatedAt,
            state.mcrRatioBps
        ),
        pool.pool_state().ok().unwrap()
    );
    let contracts = route(
        &mut pool,
        &vm,
        MEMBER,
        U256::ZERO,
        ICapitalPool::contractsCall {},
    )
    .unwrap_or_else(|e| panic!("{e:02x?}"));
    assert_eq!(
        (
            contracts.nxmToken,
            contracts.ramm,
            contracts.cover,
            contracts.claims
        ),
        (TOKEN, RAMM, COVER, CLAIMS)
    );
    assert_eq!(
        route(&mut pool, &vm, MEMBER, U256::ZERO, ICapitalPool::mcrCall {}).ok(),
        Some(eth(10_000))
    );
    assert_eq!(
        route(
            &mut pool,
            &vm,
            MEMBER,
            U256::ZERO,
            ICapitalPool::governanceCall {}
        )
        .ok(),
        Some(GOVERNANCE)
    );
    assert_eq!(
        route(
            &mut pool,
            &vm,
            MEMBER,
            U256::ZERO,
            ICapitalPool::updateMcrCall {}
        )
        .ok(),
        Some(false)
    );
    vm.set_block_timestamp(START + HOUR);
    assert_eq!(
        route(
            &mut pool,
            &vm,
            MEMBER,
            U256::ZERO,
            ICapitalPool::updateMcrCall {}
        )
        .ok(),
        Some(true)
    );
    // Errors come back ABI-encoded through the router too.
    assert_eq!(
        route(
            &mut pool,
            &vm,
            MEMBER,
            U256::ZERO,
            ICapitalPool::setMcrFloorCall {
                mcrFloorEth: eth(1)
            }
        )
        .err(),
        Some(Unauthorized { caller: MEMBER }.abi_encode())
    );
}
