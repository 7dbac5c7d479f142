//! Unit tests of the capital pool on stylus-sdk's TestVM: every entrypoint, every revert path,
//! every event. Calls to the NXM token, the cover contract and ETH recipients are mocked by exact
//! calldata (TestVM returns the last registered mock's data after any call, so each test
//! registers at most one mock whose return data is read).

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, Address, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use mutual_interfaces::{
    capital_pool::cover::abi::IActiveCover,
    capital_pool::{
        BuyAboveTradeLimit, ClaimPaid, ContractsSet, CurveUnavailable, Deposit, EthTransferFailed,
        GovernanceChanged, InsufficientPoolEth, InvalidArgument, McrFloorSet,
        McrRatioAboveBuyLimit, McrUpdated, NxmBought, NxmSold, SellAboveTradeLimit,
        SlippageExceeded, TreasuryTransfer, Unauthorized,
    },
    nxm_token::abi::INxmToken,
};
use mutual_math::{curve, mcr as mcr_math};
use stylus_sdk::testing::TestVM;

use super::*;

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const TOKEN: Address = address!("00000000000000000000000000000000000000b1");
const COVER: Address = address!("00000000000000000000000000000000000000c1");
const CLAIMS: Address = address!("00000000000000000000000000000000000000d1");
const MEMBER: Address = address!("00000000000000000000000000000000000000e1");
const POOL: Address = address!("00000000000000000000000000000000000000f1");
const START: u64 = 1_700_000_000;

fn eth(x: u64) -> U256 {
    U256::from(x) * U256::from(1_000_000_000_000_000_000u64)
}

/// A pool with a 10 000 ETH MCR floor, wired to the token, holding `balance` wei.
fn pool_with(balance: U256) -> (TestVM, CapitalPool) {
    let vm = TestVM::default();
    vm.set_contract_address(POOL);
    vm.set_block_timestamp(START);
    vm.set_balance(POOL, balance);
    for contract in [TOKEN, COVER, CLAIMS] {
        vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut pool = CapitalPool::from(&vm);
    vm.set_sender(GOVERNANCE);
    assert!(pool.constructor(GOVERNANCE, eth(10_000)).is_ok());
    assert!(pool.set_contracts(TOKEN, Address::ZERO, CLAIMS).is_ok());
    (vm, pool)
}

/// MEMBER sends 100 ETH to a pool that held 20 000 ETH before it (MCR 10 000 ETH): returns the
/// NXM the curve mints for it and the token's `mint` calldata for that amount.
fn buy_100_eth(vm: &TestVM) -> (U256, Vec<u8>) {
    vm.set_sender(MEMBER);
    vm.set_value(eth(100));
    let expected = curve::nxm_out_for_eth(eth(20_000), eth(10_000), eth(100)).unwrap();
    let mint = INxmToken::mintCall {
        to: MEMBER,
        amountNxm: expected,
    }
    .abi_encode();
    (expected, mint)
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

fn has_log<E: SolEvent>(vm: &TestVM) -> bool {
    vm.get_emitted_logs()
        .iter()
        .any(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
}

#[test]
fn constructor_sets_roles_and_mcr_at_the_floor() {
    let (_vm, pool) = pool_with(eth(20_000));
    assert_eq!(pool.governance(), GOVERNANCE);
    let state = pool.pool_state().ok().unwrap();
    assert_eq!(
        (state.0, state.1, state.2, state.3, state.4),
        (
            eth(20_000),
            eth(10_000),
            eth(10_000),
            eth(10_000),
            U256::from(START)
        )
    );
    assert_eq!(state.5, U256::from(20_000));
}

#[test]
fn constructor_logs_governance_and_floor() {
    let vm = TestVM::default();
    let mut pool = CapitalPool::from(&vm);
    assert!(pool.constructor(GOVERNANCE, eth(10_000)).is_ok());
    let logs = vm.get_emitted_logs();
    let (topics, data) = &logs[0];
    let changed = GovernanceChanged::decode_raw_log(topics.iter().copied(), data).unwrap();
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (Address::ZERO, GOVERNANCE)
    );
    assert_eq!(last_log::<McrFloorSet>(&vm).mcrFloorEth, eth(10_000));
}

#[test]
fn trades_before_the_token_is_set_revert() {
    let vm = TestVM::default();
    vm.set_contract_address(POOL);
    vm.set_balance(POOL, eth(20_001));
    let mut pool = CapitalPool::from(&vm);
    assert!(pool.constructor(GOVERNANCE, eth(10_000)).is_ok());
    vm.set_sender(MEMBER);
    vm.set_value(eth(1));
    assert_eq!(
        revert(pool.buy_nxm(U256::ZERO)),
        ZeroAddress {}.abi_encode()
    );
    vm.set_value(U256::ZERO);
    assert_eq!(
        revert(pool.sell_nxm(eth(1), U256::ZERO)),
        ZeroAddress {}.abi_encode()
    );
}

#[test]
fn trusted_contracts_must_hold_code() {
    let (vm, mut pool) = pool_with(eth(1));
    let empty = address!("00000000000000000000000000000000000000ee");
    vm.set_sender(GOVERNANCE);
    assert_eq!(
        revert(pool.set_contracts(empty, COVER, CLAIMS)),
        InvalidArgument {}.abi_encode()
    );
    assert_eq!(
        revert(pool.set_contracts(TOKEN, empty, CLAIMS)),
        InvalidArgument {}.abi_encode()
    );
    assert_eq!(
        revert(pool.set_contracts(TOKEN, COVER, empty)),
        InvalidArgument {}.abi_encode()
    );
    assert!(pool
        .set_contracts(TOKEN, Address::ZERO, Address::ZERO)
        .is_ok());
}

#[test]
fn constructor_rejects_zero_governance_and_floor() {
    let vm = TestVM::default();
    let mut pool = CapitalPool::from(&vm);
    assert_eq!(
        revert(pool.constructor(Address::ZERO, eth(1))),
        InvalidArgument {}.abi_encode()
    );
    assert_eq!(
        revert(pool.constructor(GOVERNANCE, U256::ZERO)),
        InvalidArgument {}.abi_encode()
    );
    assert_eq!(pool.governance(), Address::ZERO);
}

#[test]
fn receive_logs_deposits() {
    let (vm, mut pool) = pool_with(eth(1));
    vm.set_sender(MEMBER);
    vm.set_value(eth(2));
    assert!(pool.receive().is_ok());
    let deposit: Deposit = last_log(&vm);
    assert_eq!((deposit.from, deposit.amountEth), (MEMBER, eth(2)));
}

#[test]
fn buy_mints_the_curve_amount_to_the_buyer() {
    let (vm, mut pool) = pool_with(eth(20_100));
    let (expected, mint) = buy_100_eth(&vm);
    vm.mock_call(TOKEN, mint, U256::ZERO, Ok(vec![]));
    assert_eq!(pool.buy_nxm(expected).ok(), Some(expected));
    let bought: NxmBought = last_log(&vm);
    assert_eq!(
        (bought.member, bought.ethIn, bought.nxmOut),
        (MEMBER, eth(100), expected)
    );
    // Less than an hour after deployment: no MCR update.
    assert!(!has_log::<McrUpdated>(&vm));
}

#[test]
fn buy_updates_the_mcr_once_an_hour() {
    let (vm, mut pool) = pool_with(eth(20_100));
    vm.set_block_timestamp(START + MCR_MIN_UPDATE_SECS);
    let (_, mint) = buy_100_eth(&vm);
    vm.mock_call(TOKEN, mint, U256::ZERO, Ok(vec![]));
    assert!(pool.buy_nxm(U256::ZERO).is_ok());
    assert!(has_log::<McrUpdated>(&vm));
    assert_eq!(
        pool.pool_state().ok().unwrap().4,
        U256::from(START + MCR_MIN_UPDATE_SECS)
    );
}

#[test]
fn buy_reverts_on_each_limit_and_changes_nothing() {
    // No ETH.
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(pool.buy_nxm(U256::ZERO)),
        InvalidArgument {}.abi_encode()
    );
    // Above 400 % MCR before the trade.
    // (The pool's balance already includes the ETH sent: 40 002 - 1 = 40 001 ETH before.)
    let (vm, mut pool) = pool_with(eth(40_002));
    vm.set_sender(MEMBER);
    vm.set_value(eth(1));
    assert_eq!(
        revert(pool.buy_nxm(U256::ZERO)),
        McrRatioAboveBuyLimit {
            mcrRatioBps: U256::from(40_001)
        }
        .abi_encode()
    );
    // More than 5 % of the MCR.
    let (vm, mut pool) = pool_with(eth(20_501));
    vm.set_sender(MEMBER);
    vm.set_value(eth(501));
    assert_eq!(
        revert(pool.buy_nxm(U256::ZERO)),
        BuyAboveTradeLimit {
            ethIn: eth(501),
            maxEthIn: eth(500)
        }
        .abi_encode()
    );
    // Slippage.
    let (vm, mut pool) = pool_with(eth(20_100));
    let (expected, _) = buy_100_eth(&vm);
    assert_eq!(
        revert(pool.buy_nxm(expected + U256::from(1))),
        SlippageExceeded {
            amountOut: expected,
            minAmountOut: expected + U256::from(1)
        }
        .abi_encode()
    );
    assert!(!has_log::<NxmBought>(&vm) && !has_log::<McrUpdated>(&vm));
    assert_eq!(pool.pool_state().ok().unwrap().4, U256::from(START));
}

#[test]
fn buy_passes_the_token_revert_on() {
    let (vm, mut pool) = pool_with(eth(20_100));
    let (_, mint) = buy_100_eth(&vm);
    let token_error = vec![0xde, 0xad, 0xbe, 0xef];
    vm.mock_call(TOKEN, mint, U256::ZERO, Err(token_error.clone()));
    assert_eq!(revert(pool.buy_nxm(U256::ZERO)), token_error);
    assert!(!has_log::<NxmBought>(&vm));
}

#[test]
fn sell_burns_then_pays_the_curve_amount() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(MEMBER);
    let nxm_in = eth(1_000);
    let expected = curve::eth_out_for_nxm(eth(20_000), eth(10_000), nxm_in).unwrap();
    let burn = INxmToken::operatorBurnCall {
        from: MEMBER,
        amountNxm: nxm_in,
    }
    .abi_encode();
    vm.mock_call(TOKEN, burn, U256::ZERO, Ok(vec![]));
    vm.mock_call(MEMBER, vec![], expected, Ok(vec![]));
    assert_eq!(pool.sell_nxm(nxm_in, expected).ok(), Some(expected));
    let sold: NxmSold = last_log(&vm);
    assert_eq!(
        (sold.member, sold.nxmIn, sold.ethOut),
        (MEMBER, nxm_in, expected)
    );
}

#[test]
fn sell_reverts_on_each_limit() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(pool.sell_nxm(U256::ZERO, U256::ZERO)),
        InvalidArgument {}.abi_encode()
    );
    // Over the 5 % cap.
    let max_in = curve::max_nxm_in(eth(20_000), eth(10_000)).unwrap();
    assert_eq!(
        revert(pool.sell_nxm(max_in + U256::from(1), U256::ZERO)),
        SellAboveTradeLimit {
            nxmIn: max_in + U256::from(1),
            maxNxmIn: max_in
        }
        .abi_encode()
    );
    // At 100 % MCR nothing can be sold.
    let (vm, mut pool) = pool_with(eth(10_000));
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(pool.sell_nxm(U256::from(1), U256::ZERO)),
        SellAboveTradeLimit {
            nxmIn: U256::from(1),
            maxNxmIn: U256::ZERO
        }
        .abi_encode()
    );
    // Slippage.
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(MEMBER);
    let out = curve::eth_out_for_nxm(eth(20_000), eth(10_000), eth(10)).unwrap();
    assert_eq!(
        revert(pool.sell_nxm(eth(10), out + U256::from(1))),
        SlippageExceeded {
            amountOut: out,
            minAmountOut: out + U256::from(1)
        }
        .abi_encode()
    );
    assert!(!has_log::<NxmSold>(&vm) && !has_log::<McrUpdated>(&vm));
}

#[test]
fn sell_fails_when_the_eth_cannot_be_sent() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(MEMBER);
    let out = curve::eth_out_for_nxm(eth(20_000), eth(10_000), eth(10)).unwrap();
    let burn = INxmToken::operatorBurnCall {
        from: MEMBER,
        amountNxm: eth(10),
    }
    .abi_encode();
    vm.mock_call(TOKEN, burn, U256::ZERO, Ok(vec![]));
    vm.mock_call(MEMBER, vec![], out, Err(vec![]));
    assert_eq!(
        revert(pool.sell_nxm(eth(10), U256::ZERO)),
        EthTransferFailed {
            to: MEMBER,
            amountEth: out
        }
        .abi_encode()
    );
}

#[test]
fn mcr_is_smoothed_toward_active_cover_over_time() {
    let (vm, mut pool) = pool_with(eth(50_000));
    vm.set_sender(GOVERNANCE);
    assert!(pool.set_contracts(TOKEN, COVER, CLAIMS).is_ok());
    // Active cover of 96 000 ETH: target 20 000 ETH.
    let total = IActiveCover::totalActiveCoverEthCall {}.abi_encode();
    vm.mock_static_call(COVER, total, Ok(eth(96_000).to_be_bytes::<32>().to_vec()));
    // Before an hour: nothing happens.
    assert_eq!(pool.update_mcr().ok(), Some(false));
    vm.set_block_timestamp(START + 3_600);
    assert_eq!(pool.update_mcr().ok(), Some(true));
    let updated: McrUpdated = last_log(&vm);
    assert_eq!(
        (
            updated.mcrEth,
            updated.desiredMcrEth,
            updated.activeCoverEth
        ),
        (eth(10_000), eth(20_000), eth(96_000))
    );
    // A day later the MCR has moved by the 100 bps cap of one update.
    vm.set_block_timestamp(START + 3_600 + 86_400);
    let expected = mcr_math::smoothed_mcr_eth(eth(10_000), eth(20_000), 86_400).unwrap();
    assert_eq!(expected, eth(10_100));
    assert_eq!(pool.pool_state().ok().unwrap().1, expected);
    assert_eq!(pool.update_mcr().ok(), Some(true));
    assert_eq!(
        pool.mcr_eth.get(),
        expected,
        "the update stores the smoothed value"
    );
}

#[test]
fn pay_claim_is_for_the_claims_contract_only() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(pool.pay_claim(MEMBER, eth(1))),
        Unauthorized { caller: MEMBER }.abi_encode()
    );
    vm.set_sender(CLAIMS);
    assert_eq!(
        revert(pool.pay_claim(Address::ZERO, eth(1))),
        InvalidArgument {}.abi_encode()
    );
    assert_eq!(
        revert(pool.pay_claim(MEMBER, U256::ZERO)),
        InvalidArgument {}.abi_encode()
    );
    assert_eq!(
        revert(pool.pay_claim(MEMBER, eth(20_001))),
        InsufficientPoolEth {
            requestedEth: eth(20_001),
            availableEth: eth(20_000)
        }
        .abi_encode()
    );
    vm.mock_call(MEMBER, vec![], eth(5), Ok(vec![]));
    assert!(pool.pay_claim(MEMBER, eth(5)).is_ok());
    // The payout forces an MCR update even within the hour.
    assert!(has_log::<McrUpdated>(&vm));
    let paid: ClaimPaid = last_log(&vm);
    assert_eq!((paid.to, paid.amountEth), (MEMBER, eth(5)));
}

#[test]
fn treasury_transfer_is_governance_only() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(MEMBER);
    assert_eq!(
        revert(pool.transfer_treasury(MEMBER, eth(1))),
        Unauthorized { caller: MEMBER }.abi_encode()
    );
    vm.set_sender(GOVERNANCE);
    assert_eq!(
        revert(pool.transfer_treasury(MEMBER, U256::ZERO)),
        InvalidArgument {}.abi_encode()
    );
    vm.mock_call(MEMBER, vec![], eth(3), Ok(vec![]));
    assert!(pool.transfer_treasury(MEMBER, eth(3)).is_ok());
    let moved: TreasuryTransfer = last_log(&vm);
    assert_eq!((moved.to, moved.amountEth), (MEMBER, eth(3)));
}

#[test]
fn governance_setters_check_the_role_and_log() {
    let (vm, mut pool) = pool_with(eth(1));
    vm.set_sender(MEMBER);
    let unauthorized = Unauthorized { caller: MEMBER }.abi_encode();
    assert_eq!(
        revert(pool.set_contracts(TOKEN, COVER, CLAIMS)),
        unauthorized
    );
    assert_eq!(revert(pool.set_mcr_floor(eth(1))), unauthorized);
    assert_eq!(revert(pool.set_governance(MEMBER)), unauthorized);

    vm.set_sender(GOVERNANCE);
    assert_eq!(
        revert(pool.set_contracts(Address::ZERO, COVER, CLAIMS)),
        InvalidArgument {}.abi_encode()
    );
    assert!(pool.set_contracts(TOKEN, COVER, CLAIMS).is_ok());
    let set: ContractsSet = last_log(&vm);
    assert_eq!(
        (set.nxmToken, set.cover, set.claims),
        (TOKEN, COVER, CLAIMS)
    );

    assert_eq!(
        revert(pool.set_mcr_floor(U256::ZERO)),
        InvalidArgument {}.abi_encode()
    );
    assert!(pool.set_mcr_floor(eth(12_000)).is_ok());
    assert_eq!(last_log::<McrFloorSet>(&vm).mcrFloorEth, eth(12_000));
    assert_eq!(pool.pool_state().ok().unwrap().3, eth(12_000));

    assert_eq!(
        revert(pool.set_governance(Address::ZERO)),
        InvalidArgument {}.abi_encode()
    );
    assert!(pool.set_governance(MEMBER).is_ok());
    let changed: GovernanceChanged = last_log(&vm);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (GOVERNANCE, MEMBER)
    );
    assert_eq!(pool.governance(), MEMBER);
    // The old governance has lost the role.
    assert_eq!(
        revert(pool.set_mcr_floor(eth(1))),
        Unauthorized { caller: GOVERNANCE }.abi_encode()
    );
}

#[test]
fn views_match_the_math_crate() {
    let (_vm, pool) = pool_with(eth(25_000));
    let state = pool.pool_state().ok().unwrap();
    let (buy, sell) = (state.6, state.7);
    assert_eq!(
        buy,
        curve::spot_price_wei(eth(25_000), eth(10_000)).unwrap()
    );
    assert_eq!(
        sell,
        curve::sell_spot_price_wei(eth(25_000), eth(10_000)).unwrap()
    );
    assert_eq!(
        pool.quote_buy(eth(10)).ok(),
        curve::nxm_out_for_eth(eth(25_000), eth(10_000), eth(10)).ok()
    );
    assert_eq!(
        pool.quote_sell(eth(10)).ok(),
        curve::eth_out_for_nxm(eth(25_000), eth(10_000), eth(10)).ok()
    );
    assert_eq!(
        revert(pool.quote_buy(eth(501))),
        BuyAboveTradeLimit {
            ethIn: eth(501),
            maxEthIn: eth(500)
        }
        .abi_encode()
    );
    assert_eq!(state.5, U256::from(25_000));
    assert_eq!(state.0, eth(25_000));
}

#[test]
fn an_unpriceable_state_reverts_with_the_values() {
    // V / M >= 2^32 is outside the curve's domain (not reachable with real balances).
    let huge = eth(10_000) << 33;
    let (_vm, pool) = pool_with(huge);
    assert_eq!(
        revert(pool.pool_state()),
        CurveUnavailable {
            poolValueEth: huge,
            mcrEth: eth(10_000)
        }
        .abi_encode()
    );
    assert_eq!(
        revert(pool.quote_sell(eth(1))),
        CurveUnavailable {
            poolValueEth: huge,
            mcrEth: eth(10_000)
        }
        .abi_encode()
    );
}

#[test]
fn reverts_of_the_token_and_the_cover_contract_are_passed_on() {
    let (vm, mut pool) = pool_with(eth(20_000));
    vm.set_sender(MEMBER);
    let burn = INxmToken::operatorBurnCall {
        from: MEMBER,
        amountNxm: eth(10),
    }
    .abi_encode();
    let token_error = vec![0x12, 0x34, 0x56, 0x78];
    vm.mock_call(TOKEN, burn, U256::ZERO, Err(token_error.clone()));
    assert_eq!(revert(pool.sell_nxm(eth(10), U256::ZERO)), token_error);
    assert!(!has_log::<NxmSold>(&vm));

    vm.set_sender(GOVERNANCE);
    assert!(pool.set_contracts(TOKEN, COVER, CLAIMS).is_ok());
    let total = IActiveCover::totalActiveCoverEthCall {}.abi_encode();
    let cover_error = vec![0x9a, 0xbc];
    vm.mock_static_call(COVER, total, Err(cover_error.clone()));
    vm.set_block_timestamp(START + MCR_MIN_UPDATE_SECS);
    assert_eq!(revert(pool.update_mcr()), cover_error);
    assert_eq!(
        pool.pool_state().ok().unwrap().4,
        U256::from(START),
        "nothing stored"
    );
}
