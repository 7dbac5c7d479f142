//! Unit tests of the RAMM on stylus-sdk's TestVM: every entrypoint, rule, event and revert path.
//!
//! Calls are mocked by exact calldata. TestVM's known defect: the return data read after any
//! call is the last registered mock's. So every test that reads two values through calls makes
//! them equal: the NXM supply (10 000 NXM) and the MCR (10 000 ETH) have the same encoding, and
//! mocks that return nothing are registered before the ones whose data is read.

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, Address, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use mutual_interfaces::{
    capital_pool::{abi::ICapitalPool, CapitalBelowMcr},
    membership::abi::IMembership,
    nxm_token::abi::INxmToken,
    ramm::{
        BookValueUndefined, BudgetRemoved, CircuitBreakerLimitsSet, ContractsSet,
        EthCircuitBreakerHit, EthInjected, EthSwappedForNxm, GovernanceChanged,
        InsufficientAmountOut, InvalidLaunchParameters, LimitRaiseNotAllowed, NotAContract,
        NxmCircuitBreakerHit, NxmSwappedForEth, ObservationUpdated, OneInputRequired, SwapExpired,
        SwapPauseConfigured, SwapPaused, Unauthorized, ZeroAddress,
    },
};
use mutual_math::ramm as math;
use stylus_sdk::testing::TestVM;

use super::*;

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const TOKEN: Address = address!("00000000000000000000000000000000000000b1");
const POOL: Address = address!("00000000000000000000000000000000000000c1");
const MEMBERSHIP: Address = address!("00000000000000000000000000000000000000d1");
const MEMBER: Address = address!("00000000000000000000000000000000000000e1");
const BOARD: Address = address!("00000000000000000000000000000000000000e2");
const RAMM: Address = address!("00000000000000000000000000000000000000f1");
const START: u64 = 1_700_000_000;
const DAY: u64 = 86_400;

fn eth(x: u64) -> U256 {
    U256::from(x) * U256::from(1_000_000_000_000_000_000u64)
}

/// The supply and the MCR of every test: 10 000 (NXM and ETH), one encoding for both mocks.
fn supply_and_mcr() -> U256 {
    eth(10_000)
}

/// Spot prices at launch around a book value of 2 ETH per NXM (capital 20 000 ETH / 10 000
/// NXM): A = 2.02, B = 1.98.
fn launch_prices() -> (U256, U256) {
    (eth(202) / U256::from(100), eth(198) / U256::from(100))
}

/// A RAMM launched with E = 5 000 ETH, budget `budget`, the launch prices, limits 22 000 ETH /
/// 250 000 NXM, wired; the pool holds `capital`. Swaps still paused.
fn launched(capital: U256, budget: U256) -> (TestVM, Ramm) {
    let vm = TestVM::default();
    vm.set_contract_address(RAMM);
    vm.set_block_timestamp(START);
    vm.set_balance(POOL, capital);
    for contract in [TOKEN, POOL, MEMBERSHIP] {
        vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut ramm = Ramm::from(&vm);
    vm.set_sender(GOVERNANCE);
    let (a, b) = launch_prices();
    assert!(ramm
        .constructor(GOVERNANCE, 86_400, eth(5_000), budget, a, b,)
        .is_ok());
    assert!(ramm.set_contracts(TOKEN, POOL, MEMBERSHIP).is_ok());
    (vm, ramm)
}

/// A launched RAMM with swaps open.
fn open(capital: U256) -> (TestVM, Ramm) {
    let (vm, mut ramm) = launched(capital, U256::ZERO);
    assert!(ramm.set_swap_paused(false).is_ok());
    (vm, ramm)
}

/// Registers the supply and MCR static calls (last, so their data is the one read).
fn mock_reads(vm: &TestVM) {
    let data = supply_and_mcr().to_be_bytes::<32>().to_vec();
    vm.mock_static_call(
        TOKEN,
        INxmToken::totalSupplyCall {}.abi_encode(),
        Ok(data.clone()),
    );
    vm.mock_static_call(POOL, ICapitalPool::mcrCall {}.abi_encode(), Ok(data));
}

/// Mocks a buy of `eth_in` by MEMBER that mints `nxm_out`.
fn mock_buy(vm: &TestVM, eth_in: U256, nxm_out: U256) {
    vm.mock_call(
        POOL,
        ICapitalPool::depositSwapEthCall {}.abi_encode(),
        eth_in,
        Ok(vec![]),
    );
    let mint = INxmToken::mintCall {
        to: MEMBER,
        amountNxm: nxm_out,
    };
    vm.mock_call(TOKEN, mint.abi_encode(), U256::ZERO, Ok(vec![]));
    mock_reads(vm);
}

/// Mocks a sale of `nxm_in` by MEMBER paid `eth_out`.
fn mock_sell(vm: &TestVM, nxm_in: U256, eth_out: U256) {
    let burn = INxmToken::operatorBurnCall {
        from: MEMBER,
        amountNxm: nxm_in,
    };
    vm.mock_call(TOKEN, burn.abi_encode(), U256::ZERO, Ok(vec![]));
    let pay = ICapitalPool::paySwapEthCall {
        to: MEMBER,
        amountEth: eth_out,
    };
    vm.mock_call(POOL, pay.abi_encode(), U256::ZERO, Ok(vec![]));
    mock_reads(vm);
}

/// The capital the math sees in these tests.
fn capital(capital_eth: U256) -> math::Capital {
    math::Capital {
        capital_eth,
        supply_nxm: supply_and_mcr(),
        mcr_eth: supply_and_mcr(),
    }
}

/// The stored state advanced to now by the math crate, as the contract does.
fn advanced(vm: &TestVM, ramm: &Ramm, capital_eth: U256) -> math::Advanced {
    math::advance(
        &ramm.load_state(),
        &capital(capital_eth),
        &ramm.params(),
        vm.block_timestamp(),
    )
    .unwrap()
}

fn revert<T>(result: Result<T, RammError>) -> Vec<u8> {
    match result {
        Ok(_) => panic!("expected a revert"),
        Err(e) => e.into(),
    }
}

fn last_log<E: SolEvent>(vm: &TestVM) -> E {
    let logs = vm.get_emitted_logs();
    logs.iter()
        .rev()
        .find(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).unwrap())
        .expect("the expected event")
}

fn count_logs<E: SolEvent>(vm: &TestVM) -> usize {
    vm.get_emitted_logs()
        .iter()
        .filter(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
        .count()
}

fn deadline(vm: &TestVM) -> U256 {
    U256::from(vm.block_timestamp() + 60)
}

#[test]
fn constructor_launches_paused_with_seeded_observations() {
    let (vm, ramm) = launched(eth(20_000), eth(43_835));
    let (a, b) = launch_prices();
    assert!(ramm.circuit_breakers().0);
    assert_eq!(ramm.governance(), GOVERNANCE);
    let state = ramm.load_state();
    assert_eq!(
        (state.eth_reserve, state.budget_eth, state.updated_at_secs),
        (eth(5_000), eth(43_835), START)
    );
    // Na is rounded down and Nb up: A's price is at least, B's at most, the one given (the
    // views round A up and B down, so they show it to the wei or one above / below).
    let spot_a = math::spot_price_a_wad(&state).unwrap();
    assert!(spot_a >= a && spot_a <= a + U256::from(1));
    let spot_b = math::spot_price_b_wad(&state).unwrap();
    assert!(spot_b <= b && spot_b + U256::from(1) >= b);
    assert_eq!(count_logs::<ObservationUpdated>(&vm), 3);
    let changed: GovernanceChanged = last_log(&vm);
    assert_eq!(changed.newGovernance, GOVERNANCE);
    let paused: SwapPauseConfigured = last_log(&vm);
    assert!(paused.paused);
    let limits: CircuitBreakerLimitsSet = last_log(&vm);
    assert_eq!(
        (limits.ethLimit, limits.nxmLimit),
        (eth(22_000), eth(250_000))
    );
    assert_eq!(
        ramm.circuit_breakers(),
        (true, U256::ZERO, eth(22_000), U256::ZERO, eth(250_000))
    );
}

#[test]
fn constructor_rejects_invalid_parameters() {
    let (a, b) = launch_prices();
    let cases: [(Address, u32, U256, U256, U256, Vec<u8>); 5] = [
        (
            Address::ZERO,
            86_400,
            eth(5_000),
            a,
            b,
            ZeroAddress {}.abi_encode(),
        ),
        (
            GOVERNANCE,
            0,
            eth(5_000),
            a,
            b,
            InvalidLaunchParameters {}.abi_encode(),
        ),
        (
            GOVERNANCE,
            86_400,
            U256::ZERO,
            a,
            b,
            InvalidLaunchParameters {}.abi_encode(),
        ),
        (
            GOVERNANCE,
            86_400,
            eth(5_000),
            a,
            U256::ZERO,
            InvalidLaunchParameters {}.abi_encode(),
        ),
        (
            GOVERNANCE,
            86_400,
            eth(5_000),
            b,
            a,
            InvalidLaunchParameters {}.abi_encode(),
        ),
    ];
    for (governance, day, reserve, spot_a, spot_b, expected) in cases {
        let vm = TestVM::default();
        vm.set_block_timestamp(START);
        let mut ramm = Ramm::from(&vm);
        let result = ramm.constructor(governance, day, reserve, U256::ZERO, spot_a, spot_b);
        assert_eq!(revert(result), expected);
    }
    // The launch limits are V2's; a limit beyond the stored 128 bits is refused.
    assert_eq!(INITIAL_ETH_LIMIT, eth(22_000));
    assert_eq!(INITIAL_NXM_LIMIT, eth(250_000));
    let (_vm, mut ramm) = launched(eth(20_000), U256::ZERO);
    assert_eq!(
        revert(ramm.set_circuit_breaker_limits(U256::MAX, eth(1))),
        MathOverflow {}.abi_encode()
    );
}

#[test]
fn swap_checks_inputs_deadline_pause_and_wiring_first() {
    let (vm, mut ramm) = launched(eth(20_000), U256::ZERO);
    vm.set_sender(MEMBER);
    vm.set_value(eth(1));
    let d = deadline(&vm);
    assert_eq!(
        revert(ramm.swap(U256::ZERO, U256::ZERO, d)),
        SwapPaused {}.abi_encode()
    );
    vm.set_sender(GOVERNANCE);
    assert!(ramm.set_swap_paused(false).is_ok());
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(ramm.swap(eth(1), U256::ZERO, d)),
        OneInputRequired {}.abi_encode()
    );
    vm.set_value(U256::ZERO);
    assert_eq!(
        revert(ramm.swap(U256::ZERO, U256::ZERO, d)),
        OneInputRequired {}.abi_encode()
    );
    let past = U256::from(START - 1);
    assert_eq!(
        revert(ramm.swap(eth(1), U256::ZERO, past)),
        SwapExpired {
            deadline: past,
            blockTimestamp: U256::from(START)
        }
        .abi_encode()
    );
    // Before the contracts are set.
    let fresh_vm = TestVM::default();
    fresh_vm.set_block_timestamp(START);
    let mut fresh = Ramm::from(&fresh_vm);
    fresh_vm.set_sender(GOVERNANCE);
    let (a, b) = launch_prices();
    assert!(fresh
        .constructor(GOVERNANCE, 86_400, eth(5_000), U256::ZERO, a, b,)
        .is_ok());
    assert!(fresh.set_swap_paused(false).is_ok());
    assert_eq!(
        revert(fresh.swap(eth(1), U256::ZERO, U256::MAX)),
        ZeroAddress {}.abi_encode()
    );
}

#[test]
fn a_buy_sends_the_eth_to_the_pool_and_mints_the_math_amount() {
    let (vm, mut ramm) = open(eth(20_000));
    let expected_state = advanced(&vm, &ramm, eth(20_000));
    let (after, nxm_out) = math::swap_eth_for_nxm(&expected_state.state, eth(100)).unwrap();
    vm.set_sender(MEMBER);
    vm.set_value(eth(100));
    mock_buy(&vm, eth(100), nxm_out);
    let d = deadline(&vm);
    assert_eq!(
        revert(ramm.swap(U256::ZERO, nxm_out + U256::from(1), d)),
        InsufficientAmountOut {
            amountOut: nxm_out,
            minAmountOut: nxm_out + U256::from(1)
        }
        .abi_encode()
    );
    assert_eq!(ramm.swap(U256::ZERO, nxm_out, d).ok(), Some(nxm_out));
    let swapped: EthSwappedForNxm = last_log(&vm);
    assert_eq!(
        (
            swapped.member,
            swapped.ethIn,
            swapped.nxmOut,
            swapped.ethReserve,
            swapped.nxmReserveA,
            swapped.nxmReserveB
        ),
        (
            MEMBER,
            eth(100),
            nxm_out,
            after.eth_reserve,
            after.nxm_reserve_a,
            after.nxm_reserve_b
        )
    );
    assert_eq!(ramm.load_state().nxm_reserve_a, after.nxm_reserve_a);
    assert_eq!(ramm.circuit_breakers().3, nxm_out);
}

#[test]
fn a_sale_burns_then_has_the_pool_pay_the_math_amount() {
    let (vm, mut ramm) = open(eth(20_000));
    let expected_state = advanced(&vm, &ramm, eth(20_000));
    let (after, eth_out) = math::swap_nxm_for_eth(&expected_state.state, eth(10)).unwrap();
    vm.set_sender(MEMBER);
    mock_sell(&vm, eth(10), eth_out);
    let d = deadline(&vm);
    assert_eq!(ramm.swap(eth(10), eth_out, d).ok(), Some(eth_out));
    let sold: NxmSwappedForEth = last_log(&vm);
    assert_eq!(
        (sold.member, sold.nxmIn, sold.ethOut, sold.ethReserve),
        (MEMBER, eth(10), eth_out, after.eth_reserve)
    );
    assert_eq!(ramm.circuit_breakers().1, eth_out);
}

#[test]
fn a_sale_may_not_take_the_capital_below_the_mcr() {
    // Capital 10 005 ETH, MCR 10 000 ETH: a sale paying more than 5 ETH is refused.
    let (vm, mut ramm) = open(eth(10_005));
    let state = advanced(&vm, &ramm, eth(10_005)).state;
    let (_, eth_out) = math::swap_nxm_for_eth(&state, eth(10)).unwrap();
    assert!(eth_out > eth(5));
    vm.set_sender(MEMBER);
    mock_sell(&vm, eth(10), eth_out);
    let expected = CapitalBelowMcr {
        amountEth: eth_out,
        capitalAfterEth: eth(10_005) - eth_out,
        mcrEth: eth(10_000),
    }
    .abi_encode();
    assert_eq!(
        revert(ramm.swap(eth(10), U256::ZERO, deadline(&vm))),
        expected
    );
    assert_eq!(revert(ramm.quote(U256::ZERO, eth(10))), expected);
}

#[test]
fn circuit_breakers_refuse_what_passes_the_limits() {
    let (vm, mut ramm) = open(eth(20_000));
    assert!(ramm.set_circuit_breaker_limits(eth(1), eth(1)).is_ok());
    let state = advanced(&vm, &ramm, eth(20_000)).state;
    let (_, nxm_out) = math::swap_eth_for_nxm(&state, eth(100)).unwrap();
    let (_, eth_out) = math::swap_nxm_for_eth(&state, eth(10)).unwrap();
    vm.set_sender(MEMBER);
    vm.set_value(eth(100));
    mock_buy(&vm, eth(100), nxm_out);
    assert_eq!(
        revert(ramm.swap(U256::ZERO, U256::ZERO, deadline(&vm))),
        NxmCircuitBreakerHit {
            releasedNxm: U256::ZERO,
            amountNxm: nxm_out,
            limitNxm: eth(1)
        }
        .abi_encode()
    );
    vm.set_value(U256::ZERO);
    mock_sell(&vm, eth(10), eth_out);
    assert_eq!(
        revert(ramm.swap(eth(10), U256::ZERO, deadline(&vm))),
        EthCircuitBreakerHit {
            releasedEth: U256::ZERO,
            amountEth: eth_out,
            limitEth: eth(1)
        }
        .abi_encode()
    );
}

#[test]
fn no_supply_leaves_book_value_undefined() {
    let (vm, ramm) = open(eth(20_000));
    vm.mock_static_call(
        TOKEN,
        INxmToken::totalSupplyCall {}.abi_encode(),
        Ok(U256::ZERO.to_be_bytes::<32>().to_vec()),
    );
    assert_eq!(
        revert(ramm.state()),
        BookValueUndefined {
            capitalEth: eth(20_000),
            supplyNxm: U256::ZERO
        }
        .abi_encode()
    );
}

#[test]
fn the_swap_pause_belongs_to_the_board_and_governance() {
    let (vm, mut ramm) = open(eth(20_000));
    let is_board = |account| IMembership::isAdvisoryBoardMemberCall { account }.abi_encode();
    vm.mock_static_call(
        MEMBERSHIP,
        is_board(MEMBER),
        Ok(U256::ZERO.to_be_bytes::<32>().to_vec()),
    );
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(ramm.set_swap_paused(true)),
        Unauthorized { caller: MEMBER }.abi_encode()
    );
    vm.mock_static_call(
        MEMBERSHIP,
        is_board(BOARD),
        Ok(U256::from(1).to_be_bytes::<32>().to_vec()),
    );
    vm.set_sender(BOARD);
    assert!(ramm.set_swap_paused(true).is_ok());
    assert!(ramm.circuit_breakers().0);
    let configured: SwapPauseConfigured = last_log(&vm);
    assert_eq!((configured.paused, configured.by), (true, BOARD));
    // The board cannot lift it; governance can.
    assert_eq!(
        revert(ramm.set_swap_paused(false)),
        Unauthorized { caller: BOARD }.abi_encode()
    );
    vm.set_sender(GOVERNANCE);
    assert!(ramm.set_swap_paused(false).is_ok());
    assert!(!ramm.circuit_breakers().0);
}

#[test]
fn the_board_may_only_lower_the_limits() {
    let (vm, mut ramm) = open(eth(20_000));
    let is_board = IMembership::isAdvisoryBoardMemberCall { account: BOARD }.abi_encode();
    vm.mock_static_call(
        MEMBERSHIP,
        is_board,
        Ok(U256::from(1).to_be_bytes::<32>().to_vec()),
    );
    vm.set_sender(BOARD);
    assert!(ramm
        .set_circuit_breaker_limits(eth(100), eth(250_000))
        .is_ok());
    let set: CircuitBreakerLimitsSet = last_log(&vm);
    assert_eq!(
        (set.ethLimit, set.nxmLimit, set.by),
        (eth(100), eth(250_000), BOARD)
    );
    assert_eq!(
        revert(ramm.set_circuit_breaker_limits(eth(101), eth(1))),
        LimitRaiseNotAllowed {
            currentEthLimit: eth(100),
            currentNxmLimit: eth(250_000)
        }
        .abi_encode()
    );
    vm.mock_static_call(
        MEMBERSHIP,
        IMembership::isAdvisoryBoardMemberCall { account: MEMBER }.abi_encode(),
        Ok(U256::ZERO.to_be_bytes::<32>().to_vec()),
    );
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(ramm.set_circuit_breaker_limits(U256::ZERO, U256::ZERO)),
        Unauthorized { caller: MEMBER }.abi_encode()
    );
    vm.set_sender(GOVERNANCE);
    assert!(ramm
        .set_circuit_breaker_limits(eth(30_000), eth(300_000))
        .is_ok());
    assert_eq!(ramm.circuit_breakers().2, eth(30_000));
}

#[test]
fn remove_budget_brings_the_state_to_now_first() {
    let (vm, mut ramm) = launched(eth(20_000), eth(43_835));
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(ramm.remove_budget()),
        Unauthorized { caller: MEMBER }.abi_encode()
    );
    vm.set_sender(GOVERNANCE);
    vm.set_block_timestamp(START + DAY);
    mock_reads(&vm);
    let expected = advanced(&vm, &ramm, eth(20_000));
    assert!(ramm.remove_budget().is_ok());
    let state = ramm.load_state();
    assert_eq!(state.budget_eth, U256::ZERO);
    assert_eq!(state.nxm_reserve_b, expected.state.nxm_reserve_b);
    assert_eq!(state.updated_at_secs, START + DAY);
    assert_eq!(count_logs::<BudgetRemoved>(&vm), 1);
}

#[test]
fn updating_the_twap_stores_the_crossed_observations_and_liquidity() {
    // Capital 30 000 ETH > MCR + target: E below target is injected.
    let (vm, mut ramm) = open(eth(30_000));
    let state = advanced(&vm, &ramm, eth(30_000)).state;
    let (_, eth_out) = math::swap_nxm_for_eth(&state, eth(500)).unwrap();
    vm.set_sender(MEMBER);
    mock_sell(&vm, eth(500), eth_out);
    assert!(ramm.swap(eth(500), U256::ZERO, deadline(&vm)).is_ok());
    let before = count_logs::<ObservationUpdated>(&vm);
    vm.set_block_timestamp(START + 4 * DAY);
    let expected = advanced(&vm, &ramm, eth(30_000));
    let start = math::window_start(&expected, &ramm.stored_observations(), &ramm.params());
    let price = math::internal_price_wad(&expected, &start, &capital(eth(30_000))).unwrap();
    assert_eq!(ramm.state().ok().unwrap().3, price);
    assert_eq!(ramm.get_internal_price_and_update_twap().ok(), Some(price));
    let crossed = expected.observations.iter().flatten().count();
    assert!(crossed >= 1);
    assert_eq!(count_logs::<ObservationUpdated>(&vm), before + crossed);
    let injected: EthInjected = last_log(&vm);
    assert_eq!(injected.amountEth, expected.eth_injected);
    assert_eq!(ramm.load_state(), expected.state);
    // The view agrees with the stored state now.
    let view = ramm.state().ok().unwrap();
    assert_eq!(
        (view.4, view.5, view.6),
        (
            expected.state.eth_reserve,
            expected.state.nxm_reserve_a,
            expected.state.nxm_reserve_b
        )
    );
    assert_eq!(view.3, price);
}

#[test]
fn set_contracts_requires_governance_and_code() {
    let (vm, mut ramm) = launched(eth(20_000), U256::ZERO);
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(ramm.set_contracts(TOKEN, POOL, MEMBERSHIP)),
        Unauthorized { caller: MEMBER }.abi_encode()
    );
    vm.set_sender(GOVERNANCE);
    assert_eq!(
        revert(ramm.set_contracts(TOKEN, Address::ZERO, MEMBERSHIP)),
        ZeroAddress {}.abi_encode()
    );
    assert_eq!(
        revert(ramm.set_contracts(TOKEN, POOL, MEMBER)),
        NotAContract { account: MEMBER }.abi_encode()
    );
    assert!(ramm.set_contracts(TOKEN, POOL, MEMBERSHIP).is_ok());
    let set: ContractsSet = last_log(&vm);
    assert_eq!(
        (set.nxmToken, set.capitalPool, set.membership),
        (TOKEN, POOL, MEMBERSHIP)
    );
    assert_eq!(
        (
            ramm.nxm_token.get(),
            ramm.capital_pool.get(),
            ramm.membership.get()
        ),
        (TOKEN, POOL, MEMBERSHIP)
    );
}

#[test]
fn governance_hands_over_its_role() {
    let (vm, mut ramm) = launched(eth(20_000), U256::ZERO);
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(ramm.set_governance(MEMBER)),
        Unauthorized { caller: MEMBER }.abi_encode()
    );
    vm.set_sender(GOVERNANCE);
    assert_eq!(
        revert(ramm.set_governance(Address::ZERO)),
        ZeroAddress {}.abi_encode()
    );
    assert!(ramm.set_governance(MEMBER).is_ok());
    let changed: GovernanceChanged = last_log(&vm);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (GOVERNANCE, MEMBER)
    );
    assert_eq!(
        revert(ramm.set_swap_paused(false)),
        Unauthorized { caller: GOVERNANCE }.abi_encode()
    );
}

#[test]
fn quotes_match_swaps_and_check_inputs() {
    let (vm, ramm) = open(eth(20_000));
    mock_reads(&vm);
    let state = advanced(&vm, &ramm, eth(20_000)).state;
    assert_eq!(
        ramm.quote(eth(3), U256::ZERO).ok(),
        Some(math::swap_eth_for_nxm(&state, eth(3)).unwrap().1)
    );
    assert_eq!(
        ramm.quote(U256::ZERO, eth(3)).ok(),
        Some(math::swap_nxm_for_eth(&state, eth(3)).unwrap().1)
    );
    assert_eq!(
        revert(ramm.quote(U256::ZERO, U256::ZERO)),
        OneInputRequired {}.abi_encode()
    );
    assert_eq!(
        revert(ramm.quote(eth(1), eth(2))),
        OneInputRequired {}.abi_encode()
    );
}
