//! Unit tests of the assessment contract: every rule of §7a as the contract applies it, every
//! revert path with its exact error (and, where the revert comes before any effect, no change to
//! storage or the log), every event decoded with its `sol!` type, hand-computed examples, and
//! the ABI through the hand router (every `IAssessment` selector against alloy's encodings, and
//! malformed input).
//!
//! The contract runs on [`MockHost`] (crate `contract-test-host`): every call to the NXM token
//! is mocked by exact calldata, the calls made are checked, and an unexpected call reverts with
//! [`UNMOCKED`]. `TestVM` rolls nothing back on a revert: reverts after the first effect (a
//! token call that fails) are checked for their error only (the chain rolls them back).

use alloc::{vec, vec::Vec};
use std::collections::HashMap;

use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use contract_test_host::{MockHost, UNMOCKED};
use mutual_interfaces::{
    assessment::{
        abi::IAssessment::{self, IAssessmentCalls},
        AcceptVoteRequired, AlreadyVoted, AssessmentNotFound, AssessmentStarted, ContractsSet,
        FraudProcessed, GovernanceChanged, InsufficientStake, InvalidDayLength, MathOverflow,
        NoStake, NotAContract, NotMember, RewardWithdrawn, StakeDeposited, StakeLocked,
        StakeWithdrawn, Unauthorized, VoteCast, VoteUndone, VotingClosed, ZeroAddress, ZeroAmount,
    },
    nxm_token::abi::INxmToken,
};
use proptest::prelude::*;
use stylus_sdk::abi::Router;

use super::*;

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const TOKEN: Address = address!("00000000000000000000000000000000000000b1");
const CLAIMS: Address = address!("00000000000000000000000000000000000000b2");
const ALICE: Address = address!("00000000000000000000000000000000000000e1");
const BOB: Address = address!("00000000000000000000000000000000000000e2");
const CAROL: Address = address!("00000000000000000000000000000000000000e3");
const DAVE: Address = address!("00000000000000000000000000000000000000e5");
const STRANGER: Address = address!("00000000000000000000000000000000000000e4");
const THIS: Address = address!("00000000000000000000000000000000000000f1");
/// An address without code.
const EMPTY: Address = address!("00000000000000000000000000000000000000ee");
const DAY: u64 = 86_400;
const T0: u64 = 1_700_000_000;

fn u(x: u64) -> U256 {
    U256::from(x)
}

fn big(x: u128) -> U256 {
    U256::from(x)
}

/// `x` whole NXM (or ETH).
fn nxm(x: u64) -> U256 {
    U256::from(x) * U256::from(1_000_000_000_000_000_000u64)
}

fn word(value: U256) -> Vec<u8> {
    value.to_be_bytes::<32>().to_vec()
}

fn ok<T>(result: Result<T, AssessmentError>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("reverted with {:02x?}", Vec::<u8>::from(error)),
    }
}

fn fails<T>(result: Result<T, AssessmentError>) -> Vec<u8> {
    match result {
        Ok(_) => panic!("expected a revert"),
        Err(error) => error.into(),
    }
}

fn storage(host: &MockHost) -> HashMap<U256, B256> {
    host.vm
        .snapshot()
        .storage
        .into_iter()
        .filter(|(_, value)| !value.is_zero())
        .collect()
}

fn log_count(host: &MockHost) -> usize {
    host.vm.get_emitted_logs().len()
}

fn last_log<E: SolEvent>(host: &MockHost) -> E {
    let logs = host.vm.get_emitted_logs();
    let (topics, data) = logs.last().expect("an event");
    E::decode_raw_log(topics.iter().copied(), data).expect("the expected event")
}

fn logs_of<E: SolEvent>(host: &MockHost) -> Vec<E> {
    host.vm
        .get_emitted_logs()
        .iter()
        .filter(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).unwrap())
        .collect()
}

/// The state-changing calls made since the last `clear_made`, as `(to, calldata)`.
fn calls(host: &MockHost) -> Vec<(Address, Vec<u8>)> {
    host.made()
        .into_iter()
        .filter(|(_, _, value, is_static)| {
            assert!(value.is_zero(), "no call carries ETH");
            !is_static
        })
        .map(|(to, data, _, _)| (to, data))
        .collect()
}

/// A contract under test with its host; the clock at `T0`.
struct World {
    host: MockHost,
    c: Assessment,
}

/// Asserts that `f` fails with `expected` and changes neither storage nor the log, and makes
/// no state-changing call.
fn rejects<T>(
    w: &mut World,
    expected: Vec<u8>,
    f: impl FnOnce(&mut Assessment) -> Result<T, AssessmentError>,
) {
    let (before, logs) = (storage(&w.host), log_count(&w.host));
    w.host.clear_made();
    assert_eq!(fails(f(&mut w.c)), expected);
    assert_eq!(storage(&w.host), before, "a revert changed storage");
    assert_eq!(log_count(&w.host), logs, "a revert logged");
    assert_eq!(calls(&w.host), vec![], "a revert called out");
}

/// A constructed contract (governance, a real day), not wired.
fn constructed(day: u64) -> World {
    let host = MockHost::new();
    host.vm.set_contract_address(THIS);
    host.vm.set_block_timestamp(T0);
    for contract in [TOKEN, CLAIMS] {
        host.vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut c = Assessment::from(&host);
    host.vm.set_sender(GOVERNANCE);
    ok(c.constructor(GOVERNANCE, u(day)));
    World { host, c }
}

/// A wired contract with a day of `day` seconds; ALICE, BOB, CAROL and DAVE are members,
/// STRANGER is not.
fn wired_with_day(day: u64) -> World {
    let mut w = constructed(day);
    ok(w.c.set_contracts(TOKEN, CLAIMS));
    for (account, member) in [
        (ALICE, true),
        (BOB, true),
        (CAROL, true),
        (DAVE, true),
        (STRANGER, false),
    ] {
        w.host.mock_static(
            TOKEN,
            INxmToken::isMemberCall { account }.abi_encode(),
            Ok(word(U256::from(u8::from(member)))),
        );
    }
    w
}

fn wired() -> World {
    wired_with_day(DAY)
}

impl World {
    fn at(&self, time: u64) {
        self.host.vm.set_block_timestamp(time);
    }

    fn from(&self, sender: Address) {
        self.host.vm.set_sender(sender);
    }

    /// Answers the token call `call` with `answer`.
    fn mock_token<C: SolCall>(&self, call: C, answer: Result<Vec<u8>, Vec<u8>>) {
        self.host
            .mock_call(TOKEN, call.abi_encode(), U256::ZERO, answer);
    }

    /// `who` stakes `amount` (its `operatorTransfer` into this contract mocked).
    fn stake(&mut self, who: Address, amount: U256) {
        self.mock_token(
            INxmToken::operatorTransferCall {
                from: who,
                to: THIS,
                amountNxm: amount,
            },
            Ok(vec![]),
        );
        self.from(who);
        ok(self.c.stake(amount));
    }

    /// The claims contract opens an assessment; returns its id.
    fn start(&mut self, reward: U256, deposit: U256) -> U256 {
        self.from(CLAIMS);
        ok(self.c.start_assessment(reward, deposit))
    }

    fn vote(&mut self, who: Address, id: U256, accept: bool) {
        self.from(who);
        ok(self.c.cast_vote(id, accept));
    }

    /// `(accepted, denied, start, end, reward, deposit)`.
    fn poll(&self, id: U256) -> (U256, U256, U256, U256, U256, U256) {
        self.c.poll(id)
    }

    fn end(&self, id: U256) -> u64 {
        self.poll(id).3.to()
    }

    fn stake_of(&self, who: Address) -> U256 {
        self.c.assessor(who).0
    }

    /// Withdraws `who`'s rewards (the mint of `expected` mocked), checking the answer.
    fn withdraw(&mut self, who: Address, batch: u64, expected: U256, next: u64) {
        if !expected.is_zero() {
            self.mock_token(
                INxmToken::mintCall {
                    to: who,
                    amountNxm: expected,
                },
                Ok(vec![]),
            );
        }
        self.from(STRANGER);
        assert_eq!(
            ok(self.c.withdraw_rewards(who, u(batch))),
            (expected, u(next))
        );
    }
}

// ----- constructor, contracts, governance -----

#[test]
fn constructor_checks_governance_and_the_day() {
    let host = MockHost::new();
    let mut c = Assessment::from(&host);
    assert_eq!(
        fails(c.constructor(Address::ZERO, u(DAY))),
        ZeroAddress {}.abi_encode()
    );
    for day in [U256::ZERO, u(MAX_DAY_SECS + 1), U256::MAX] {
        assert_eq!(
            fails(c.constructor(GOVERNANCE, day)),
            InvalidDayLength { daySecs: day }.abi_encode()
        );
    }
    assert!(storage(&host).is_empty());
    assert_eq!(log_count(&host), 0);
    ok(c.constructor(GOVERNANCE, u(MAX_DAY_SECS)));
    assert_eq!(c.governance(), GOVERNANCE);
    assert_eq!(c.day_secs(), u(MAX_DAY_SECS));
    assert_eq!(c.contracts(), (Address::ZERO, Address::ZERO));
    assert_eq!(c.assessment_count(), U256::ZERO);
    let changed: GovernanceChanged = last_log(&host);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (Address::ZERO, GOVERNANCE)
    );
    // The shortest day.
    let w = constructed(1);
    assert_eq!(w.c.day_secs(), u(1));
}

#[test]
fn set_contracts_is_governance_only_and_checks_each_address() {
    let mut w = constructed(DAY);
    w.from(STRANGER);
    rejects(
        &mut w,
        Unauthorized { caller: STRANGER }.abi_encode(),
        |c| c.set_contracts(TOKEN, CLAIMS),
    );
    w.from(GOVERNANCE);
    for (token, claims) in [(Address::ZERO, CLAIMS), (TOKEN, Address::ZERO)] {
        rejects(&mut w, ZeroAddress {}.abi_encode(), |c| {
            c.set_contracts(token, claims)
        });
    }
    for (token, claims) in [(EMPTY, CLAIMS), (TOKEN, EMPTY)] {
        rejects(&mut w, NotAContract { account: EMPTY }.abi_encode(), |c| {
            c.set_contracts(token, claims)
        });
    }
    ok(w.c.set_contracts(TOKEN, CLAIMS));
    assert_eq!(w.c.contracts(), (TOKEN, CLAIMS));
    let set: ContractsSet = last_log(&w.host);
    assert_eq!((set.nxmToken, set.claims), (TOKEN, CLAIMS));
    // What shares the words survives a second setting: the day length and the count.
    w.start(nxm(1), nxm(1));
    w.from(GOVERNANCE);
    ok(w.c.set_contracts(CLAIMS, TOKEN));
    assert_eq!(w.c.contracts(), (CLAIMS, TOKEN));
    assert_eq!(w.c.day_secs(), u(DAY));
    assert_eq!(w.c.assessment_count(), u(1));
}

#[test]
fn set_governance_hands_the_role_on() {
    let mut w = wired();
    w.from(STRANGER);
    rejects(
        &mut w,
        Unauthorized { caller: STRANGER }.abi_encode(),
        |c| c.set_governance(BOB),
    );
    w.from(GOVERNANCE);
    rejects(&mut w, ZeroAddress {}.abi_encode(), |c| {
        c.set_governance(Address::ZERO)
    });
    ok(w.c.set_governance(BOB));
    assert_eq!(w.c.governance(), BOB);
    let changed: GovernanceChanged = last_log(&w.host);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (GOVERNANCE, BOB)
    );
    // The old governance has no role left: not here, nor for fraud or the contracts.
    rejects(
        &mut w,
        Unauthorized { caller: GOVERNANCE }.abi_encode(),
        |c| c.set_governance(GOVERNANCE),
    );
    rejects(
        &mut w,
        Unauthorized { caller: GOVERNANCE }.abi_encode(),
        |c| c.undo_votes(ALICE, U256::ZERO),
    );
    rejects(
        &mut w,
        Unauthorized { caller: GOVERNANCE }.abi_encode(),
        |c| c.set_contracts(TOKEN, CLAIMS),
    );
    w.from(BOB);
    ok(w.c.set_contracts(TOKEN, CLAIMS));
}

// ----- stake and unstake -----

#[test]
fn stake_moves_nxm_in_for_members_only() {
    let mut w = wired();
    w.from(ALICE);
    rejects(&mut w, ZeroAmount {}.abi_encode(), |c| c.stake(U256::ZERO));
    w.from(STRANGER);
    rejects(&mut w, NotMember { account: STRANGER }.abi_encode(), |c| {
        c.stake(nxm(1))
    });
    w.host.clear_made();
    w.stake(ALICE, nxm(30));
    assert_eq!(
        calls(&w.host),
        vec![(
            TOKEN,
            INxmToken::operatorTransferCall {
                from: ALICE,
                to: THIS,
                amountNxm: nxm(30)
            }
            .abi_encode()
        )]
    );
    let deposited: StakeDeposited = last_log(&w.host);
    assert_eq!(
        (deposited.assessor, deposited.amountNxm, deposited.stakeNxm),
        (ALICE, nxm(30), nxm(30))
    );
    w.stake(ALICE, nxm(12));
    let deposited: StakeDeposited = last_log(&w.host);
    assert_eq!(
        (deposited.amountNxm, deposited.stakeNxm),
        (nxm(12), nxm(42))
    );
    assert_eq!(
        w.c.assessor(ALICE),
        (nxm(42), U256::ZERO, U256::ZERO, U256::ZERO)
    );
    assert!(w.c.has_member_state(ALICE));
    assert!(!w.c.has_member_state(BOB));
}

#[test]
fn stake_refuses_what_does_not_fit_and_passes_token_reverts_on() {
    let mut w = wired();
    // A stake beyond 128 bits: the amount alone, or the sum.
    let limit = U256::from(u128::MAX);
    w.from(BOB);
    rejects(&mut w, MathOverflow {}.abi_encode(), |c| {
        c.stake(limit + u(1))
    });
    w.stake(BOB, limit);
    w.from(BOB);
    rejects(&mut w, MathOverflow {}.abi_encode(), |c| c.stake(u(1)));
    // The token's revert (no balance, pause) is passed on as it is.
    w.mock_token(
        INxmToken::operatorTransferCall {
            from: ALICE,
            to: THIS,
            amountNxm: nxm(5),
        },
        Err(b"insufficient balance".to_vec()),
    );
    w.from(ALICE);
    assert_eq!(fails(w.c.stake(nxm(5))), b"insufficient balance".to_vec());
    // An unexpected call is refused by the host: the only calls made are the mocked ones.
    assert_eq!(fails(w.c.stake(nxm(6))), UNMOCKED.to_vec());
}

#[test]
fn unstake_checks_the_recipient_the_amount_and_the_stake() {
    let mut w = wired();
    w.stake(ALICE, nxm(30));
    w.from(ALICE);
    rejects(&mut w, ZeroAddress {}.abi_encode(), |c| {
        c.unstake(nxm(1), Address::ZERO)
    });
    rejects(&mut w, ZeroAmount {}.abi_encode(), |c| {
        c.unstake(U256::ZERO, ALICE)
    });
    rejects(
        &mut w,
        InsufficientStake {
            requestedNxm: nxm(30) + u(1),
            stakeNxm: nxm(30),
        }
        .abi_encode(),
        |c| c.unstake(nxm(30) + u(1), ALICE),
    );
    w.from(STRANGER);
    rejects(
        &mut w,
        InsufficientStake {
            requestedNxm: u(1),
            stakeNxm: U256::ZERO,
        }
        .abi_encode(),
        |c| c.unstake(u(1), STRANGER),
    );
    // Never voted: no lock, even in the staking block. Paid to another member.
    w.mock_token(
        INxmToken::transferCall {
            to: BOB,
            amountNxm: nxm(10),
        },
        Ok(word(u(1))),
    );
    w.from(ALICE);
    w.host.clear_made();
    ok(w.c.unstake(nxm(10), BOB));
    assert_eq!(
        calls(&w.host),
        vec![(
            TOKEN,
            INxmToken::transferCall {
                to: BOB,
                amountNxm: nxm(10)
            }
            .abi_encode()
        )]
    );
    let withdrawn: StakeWithdrawn = last_log(&w.host);
    assert_eq!(
        (withdrawn.assessor, withdrawn.to, withdrawn.amountNxm),
        (ALICE, BOB, nxm(10))
    );
    assert_eq!(w.stake_of(ALICE), nxm(20));
    // The token refuses a non-member recipient: its revert is passed on.
    let refused = NotMember { account: STRANGER }.abi_encode();
    w.mock_token(
        INxmToken::transferCall {
            to: STRANGER,
            amountNxm: nxm(20),
        },
        Err(refused.clone()),
    );
    assert_eq!(fails(w.c.unstake(nxm(20), STRANGER)), refused);
}

#[test]
fn unstake_is_locked_for_exactly_14_days_after_the_last_vote() {
    let mut w = wired();
    w.stake(ALICE, nxm(30));
    let first = w.start(nxm(1), nxm(1));
    let second = w.start(nxm(1), nxm(1));
    w.vote(ALICE, first, true);
    // The lock runs from the last vote: a second vote a day later moves it.
    let last = T0 + DAY;
    w.at(last);
    w.vote(ALICE, second, true);
    assert_eq!(w.c.assessor(ALICE).1, u(last));
    let unlock = last + 14 * DAY;
    w.from(ALICE);
    for now in [T0 + 14 * DAY + 1, unlock - 1, unlock] {
        w.at(now);
        rejects(
            &mut w,
            StakeLocked {
                unlockSecs: u(unlock),
            }
            .abi_encode(),
            |c| c.unstake(nxm(1), ALICE),
        );
    }
    w.at(unlock + 1);
    w.mock_token(
        INxmToken::transferCall {
            to: ALICE,
            amountNxm: nxm(30),
        },
        Ok(word(u(1))),
    );
    ok(w.c.unstake(nxm(30), ALICE));
    assert_eq!(w.stake_of(ALICE), U256::ZERO);
}

#[test]
fn the_lock_holds_on_a_devnet_day() {
    let mut w = wired_with_day(60);
    w.stake(ALICE, nxm(3));
    let id = w.start(nxm(1), nxm(1));
    w.at(T0 + 7);
    w.vote(ALICE, id, true);
    w.from(ALICE);
    w.at(T0 + 7 + 14 * 60);
    rejects(
        &mut w,
        StakeLocked {
            unlockSecs: u(T0 + 7 + 840),
        }
        .abi_encode(),
        |c| c.unstake(nxm(3), ALICE),
    );
    w.at(T0 + 7 + 14 * 60 + 1);
    w.mock_token(
        INxmToken::transferCall {
            to: ALICE,
            amountNxm: nxm(3),
        },
        Ok(word(u(1))),
    );
    ok(w.c.unstake(nxm(3), ALICE));
}

// ----- assessments -----

#[test]
fn only_the_claims_contract_starts_assessments() {
    let mut w = constructed(DAY);
    // Before the claims contract is set, no one may (a zero role admits no one).
    for caller in [Address::ZERO, GOVERNANCE] {
        w.from(caller);
        rejects(&mut w, Unauthorized { caller }.abi_encode(), |c| {
            c.start_assessment(nxm(1), nxm(1))
        });
    }
    let mut w = wired();
    for caller in [GOVERNANCE, STRANGER, TOKEN] {
        w.from(caller);
        rejects(&mut w, Unauthorized { caller }.abi_encode(), |c| {
            c.start_assessment(nxm(1), nxm(1))
        });
    }
}

#[test]
fn assessments_get_ids_from_1_and_a_3_day_poll() {
    let mut w = wired();
    let reward = u(1_068_493_150_684_931_506);
    let deposit = u(50_000_000_000_000_000);
    assert_eq!(w.start(reward, deposit), u(1));
    assert_eq!(
        w.poll(u(1)),
        (
            U256::ZERO,
            U256::ZERO,
            u(T0),
            u(T0 + 3 * DAY),
            reward,
            deposit
        )
    );
    let started: AssessmentStarted = last_log(&w.host);
    assert_eq!(
        (
            started.assessmentId,
            started.totalRewardNxm,
            started.depositEth,
            started.endSecs
        ),
        (u(1), reward, deposit, u(T0 + 3 * DAY))
    );
    w.at(T0 + 5);
    assert_eq!(w.start(U256::ZERO, U256::ZERO), u(2));
    assert_eq!(w.end(u(2)), T0 + 5 + 3 * DAY);
    assert_eq!(w.c.assessment_count(), u(2));
    // A poll nobody votes on is denied at its end.
    assert_eq!(ok(w.c.outcome(u(1))), (false, u(T0 + 3 * DAY)));
    // Unknown ids: zeros from `poll`, AssessmentNotFound from `outcome`.
    for id in [U256::ZERO, u(3), U256::MAX] {
        assert_eq!(w.poll(id), Default::default());
        assert_eq!(
            fails(w.c.outcome(id)),
            AssessmentNotFound { assessmentId: id }.abi_encode()
        );
    }
}

#[test]
fn rewards_and_deposits_must_fit_88_bits() {
    let mut w = wired();
    let limit = (U256::from(1u8) << 88usize) - u(1);
    w.from(CLAIMS);
    rejects(&mut w, MathOverflow {}.abi_encode(), |c| {
        c.start_assessment(limit + u(1), U256::ZERO)
    });
    rejects(&mut w, MathOverflow {}.abi_encode(), |c| {
        c.start_assessment(U256::ZERO, limit + u(1))
    });
    assert_eq!(ok(w.c.start_assessment(limit, limit)), u(1));
    let poll = w.poll(u(1));
    assert_eq!((poll.4, poll.5), (limit, limit));
}

// ----- votes -----

#[test]
fn voting_needs_a_member_with_stake_once_per_open_poll() {
    let mut w = wired();
    let id = w.start(nxm(10), nxm(1));
    w.from(STRANGER);
    rejects(&mut w, NotMember { account: STRANGER }.abi_encode(), |c| {
        c.cast_vote(id, true)
    });
    w.from(ALICE);
    rejects(&mut w, NoStake { assessor: ALICE }.abi_encode(), |c| {
        c.cast_vote(id, true)
    });
    w.stake(ALICE, nxm(30));
    w.stake(BOB, nxm(20));
    w.from(ALICE);
    for unknown in [U256::ZERO, u(2), U256::from(u64::MAX) + u(2)] {
        rejects(
            &mut w,
            AssessmentNotFound {
                assessmentId: unknown,
            }
            .abi_encode(),
            |c| c.cast_vote(unknown, true),
        );
    }
    w.vote(ALICE, id, true);
    w.from(ALICE);
    for accept in [true, false] {
        rejects(
            &mut w,
            AlreadyVoted { assessmentId: id }.abi_encode(),
            |c| c.cast_vote(id, accept),
        );
    }
    // Closed from the end on (the first vote at T0 kept it at T0 + 3 days).
    let end = T0 + 3 * DAY;
    assert_eq!(w.end(id), end);
    w.at(end);
    w.from(BOB);
    rejects(
        &mut w,
        VotingClosed {
            assessmentId: id,
            endSecs: u(end),
        }
        .abi_encode(),
        |c| c.cast_vote(id, false),
    );
    // A stake of 0 after a full unstake cannot vote either.
    w.at(end + 15 * DAY);
    w.mock_token(
        INxmToken::transferCall {
            to: ALICE,
            amountNxm: nxm(30),
        },
        Ok(word(u(1))),
    );
    w.from(ALICE);
    ok(w.c.unstake(nxm(30), ALICE));
    let late = w.start(nxm(1), nxm(1));
    w.from(ALICE);
    rejects(&mut w, NoStake { assessor: ALICE }.abi_encode(), |c| {
        c.cast_vote(late, true)
    });
}

#[test]
fn a_poll_without_votes_closes_three_days_after_it_opened() {
    let mut w = wired();
    w.stake(ALICE, nxm(1));
    let id = w.start(nxm(1), nxm(1));
    w.at(T0 + 3 * DAY);
    w.from(ALICE);
    rejects(
        &mut w,
        VotingClosed {
            assessmentId: id,
            endSecs: u(T0 + 3 * DAY),
        }
        .abi_encode(),
        |c| c.cast_vote(id, true),
    );
    // One second earlier it was open.
    let id = w.start(nxm(1), nxm(1));
    w.at(T0 + 6 * DAY - 1);
    w.vote(ALICE, id, true);
    // A first vote in the last second restarts the poll for 3 days (no silent ending: 3 days
    // are left).
    assert_eq!(w.end(id), T0 + 9 * DAY - 1);
}

#[test]
fn the_first_vote_must_accept_and_restarts_a_3_day_poll() {
    let mut w = wired();
    w.stake(ALICE, nxm(30));
    w.stake(BOB, nxm(20));
    let id = w.start(nxm(10), nxm(1));
    let now = T0 + 5 * DAY / 2;
    w.at(now);
    w.from(BOB);
    rejects(
        &mut w,
        AcceptVoteRequired { assessmentId: id }.abi_encode(),
        |c| c.cast_vote(id, false),
    );
    w.vote(ALICE, id, true);
    assert_eq!(w.end(id), now + 3 * DAY);
    let cast: VoteCast = last_log(&w.host);
    assert_eq!(
        (
            cast.assessor,
            cast.assessmentId,
            cast.accept,
            cast.stakeNxm,
            cast.endSecs
        ),
        (ALICE, id, true, nxm(30), u(now + 3 * DAY))
    );
    // Now a deny is allowed; it changes only the tally.
    w.at(now + 10);
    w.vote(BOB, id, false);
    assert_eq!(w.end(id), now + 3 * DAY);
    assert_eq!(
        w.poll(id),
        (nxm(30), nxm(20), u(T0), u(now + 3 * DAY), nxm(10), nxm(1))
    );
    // The votes as recorded.
    assert_eq!(w.c.vote_at(ALICE, U256::ZERO), (id, true, nxm(30), u(now)));
    assert_eq!(
        w.c.vote_at(BOB, U256::ZERO),
        (id, false, nxm(20), u(now + 10))
    );
    assert_eq!(
        w.c.vote_at(BOB, u(1)),
        (U256::ZERO, false, U256::ZERO, U256::ZERO)
    );
    assert_eq!(
        w.c.vote_at(BOB, U256::MAX),
        (U256::ZERO, false, U256::ZERO, U256::ZERO)
    );
    assert_eq!(w.c.assessor(BOB), (nxm(20), u(now + 10), u(1), U256::ZERO));
    assert!(w.c.has_voted(ALICE, id));
    assert!(!w.c.has_voted(CAROL, id));
    assert!(!w.c.has_voted(ALICE, id + U256::from(u64::MAX)));
    assert!(!w.c.has_voted(ALICE, U256::MAX));
}

#[test]
fn the_vote_weighs_the_whole_current_stake() {
    let mut w = wired();
    w.stake(ALICE, nxm(30));
    let first = w.start(nxm(1), nxm(1));
    let second = w.start(nxm(1), nxm(1));
    w.vote(ALICE, first, true);
    w.stake(ALICE, nxm(5));
    w.vote(ALICE, second, true);
    assert_eq!(w.poll(first).0, nxm(30));
    assert_eq!(w.poll(second).0, nxm(35));
    assert_eq!(w.c.vote_at(ALICE, u(1)).2, nxm(35));
}

#[test]
fn silent_ending_extends_only_votes_inside_the_last_day() {
    let mut w = wired();
    w.stake(ALICE, nxm(40));
    w.stake(BOB, nxm(10));
    w.stake(CAROL, nxm(10));
    w.stake(DAVE, nxm(100));
    let id = w.start(nxm(10), nxm(1));
    w.at(T0 + DAY);
    w.vote(ALICE, id, true);
    let end = T0 + 4 * DAY;
    assert_eq!(w.end(id), end);
    // Exactly one day left: not inside the window, no extension.
    w.at(end - DAY);
    w.vote(BOB, id, false);
    assert_eq!(w.end(id), end);
    // One second inside: 10 NXM onto 50 voted extends by floor(86 400 · 10 / 50) = 17 280 s.
    w.at(end - DAY + 1);
    w.vote(CAROL, id, false);
    let end = end + 17_280;
    assert_eq!(w.end(id), end);
    assert_eq!(last_log::<VoteCast>(&w.host).endSecs, u(end));
    // A vote at least as large as the tally (100 onto 60) extends by the cap, one day.
    w.at(end - 1);
    w.vote(DAVE, id, true);
    assert_eq!(w.end(id), end + DAY);
    assert_eq!(w.poll(id).0, nxm(140));
    assert_eq!(w.poll(id).1, nxm(20));
}

#[test]
fn silent_ending_rounds_the_extension_down() {
    // 1 NXM onto 7 voted, 1 s before the end: 86 400 / 7 = 12 342.857… s.
    let mut w = wired();
    w.stake(ALICE, nxm(7));
    w.stake(BOB, nxm(1));
    let id = w.start(nxm(1), nxm(1));
    w.vote(ALICE, id, true);
    let end = T0 + 3 * DAY;
    w.at(end - 1);
    w.vote(BOB, id, false);
    assert_eq!(w.end(id), end + 12_342);
    // On a devnet day of 60 s: 60 / 7 = 8.57… s.
    let mut w = wired_with_day(60);
    w.stake(ALICE, nxm(7));
    w.stake(BOB, nxm(1));
    let id = w.start(nxm(1), nxm(1));
    w.vote(ALICE, id, true);
    assert_eq!(w.end(id), T0 + 180);
    w.at(T0 + 179);
    w.vote(BOB, id, true);
    assert_eq!(w.end(id), T0 + 188);
}

#[test]
fn ties_deny_and_one_wei_more_accepts() {
    let mut w = wired();
    w.stake(ALICE, nxm(10));
    w.stake(BOB, nxm(10));
    w.stake(CAROL, nxm(10) + u(1));
    let tie = w.start(nxm(1), nxm(1));
    let more = w.start(nxm(1), nxm(1));
    let fewer = w.start(nxm(1), nxm(1));
    w.vote(ALICE, tie, true);
    // The outcome so far: accepted while only accepts are in.
    assert_eq!(ok(w.c.outcome(tie)), (true, u(T0 + 3 * DAY)));
    w.vote(BOB, tie, false);
    assert_eq!(ok(w.c.outcome(tie)), (false, u(T0 + 3 * DAY)));
    w.vote(CAROL, more, true);
    w.vote(BOB, more, false);
    assert!(ok(w.c.outcome(more)).0);
    w.vote(ALICE, fewer, true);
    w.vote(CAROL, fewer, false);
    assert!(!ok(w.c.outcome(fewer)).0);
}

#[test]
fn a_tally_beyond_128_bits_is_refused() {
    let mut w = wired();
    let half = U256::from(1u128 << 127);
    w.stake(ALICE, half);
    w.stake(BOB, half);
    let id = w.start(nxm(1), nxm(1));
    w.vote(ALICE, id, true);
    w.from(BOB);
    rejects(&mut w, MathOverflow {}.abi_encode(), |c| {
        c.cast_vote(id, true)
    });
    // The other side has room.
    w.vote(BOB, id, false);
    assert_eq!(w.poll(id).1, half);
}

// ----- rewards -----

/// Poll 1 (reward 10 NXM) with ALICE 10 accept, BOB 20 deny, CAROL 30 accept, all at T0:
/// it ends at T0 + 3 days, its cooldown at T0 + 4 days.
fn three_voters() -> (World, U256) {
    let mut w = wired();
    w.stake(ALICE, nxm(10));
    w.stake(BOB, nxm(20));
    w.stake(CAROL, nxm(30));
    let id = w.start(nxm(10), nxm(1));
    w.vote(ALICE, id, true);
    w.vote(BOB, id, false);
    w.vote(CAROL, id, true);
    (w, id)
}

#[test]
fn rewards_split_by_stake_rounded_down_after_the_cooldown() {
    let (mut w, id) = three_voters();
    assert_eq!(w.poll(id).0, nxm(40));
    assert_eq!(w.poll(id).1, nxm(20));
    // Until the cooldown has passed (strictly), nothing is withdrawable: the index stays.
    for now in [T0, T0 + 3 * DAY, T0 + 4 * DAY] {
        w.at(now);
        assert_eq!(ok(w.c.withdrawable_rewards(ALICE)), U256::ZERO);
        let logs = log_count(&w.host);
        w.host.clear_made();
        w.withdraw(ALICE, 0, U256::ZERO, 0);
        assert_eq!(log_count(&w.host), logs);
        assert_eq!(calls(&w.host), vec![]);
    }
    // One second later, each voter's share of 60 NXM voted, whichever side it took:
    // 10 · 10/60 = 1.666…, 10 · 20/60 = 3.333…, 10 · 30/60 = 5 NXM, each rounded down.
    w.at(T0 + 4 * DAY + 1);
    let shares = [
        (ALICE, u(1_666_666_666_666_666_666)),
        (BOB, u(3_333_333_333_333_333_333)),
        (CAROL, nxm(5)),
    ];
    let mut paid = U256::ZERO;
    for (who, share) in shares {
        assert_eq!(ok(w.c.withdrawable_rewards(who)), share);
        w.host.clear_made();
        w.withdraw(who, 0, share, 1);
        assert_eq!(
            calls(&w.host),
            vec![(
                TOKEN,
                INxmToken::mintCall {
                    to: who,
                    amountNxm: share
                }
                .abi_encode()
            )]
        );
        let withdrawn: RewardWithdrawn = last_log(&w.host);
        assert_eq!(
            (
                withdrawn.assessor,
                withdrawn.amountNxm,
                withdrawn.nextVoteIndex
            ),
            (who, share, u(1))
        );
        assert_eq!(w.c.assessor(who).3, u(1));
        paid += share;
    }
    // The shares add up to the reward less 1 wei (under 1 wei per vote).
    assert_eq!(paid, nxm(10) - u(1));
    // Paid once: a second withdrawal finds nothing, logs nothing, mints nothing.
    let logs = log_count(&w.host);
    w.host.clear_made();
    w.withdraw(ALICE, 0, U256::ZERO, 1);
    assert_eq!(log_count(&w.host), logs);
    assert_eq!(calls(&w.host), vec![]);
    assert_eq!(ok(w.c.withdrawable_rewards(ALICE)), U256::ZERO);
}

#[test]
fn the_token_refusing_a_mint_is_passed_on() {
    let (mut w, _) = three_voters();
    w.at(T0 + 4 * DAY + 1);
    w.mock_token(
        INxmToken::mintCall {
            to: CAROL,
            amountNxm: nxm(5),
        },
        Err(b"paused".to_vec()),
    );
    assert_eq!(
        fails(w.c.withdraw_rewards(CAROL, U256::ZERO)),
        b"paused".to_vec()
    );
}

#[test]
fn withdrawals_go_in_batches_in_voting_order() {
    let mut w = wired();
    w.stake(ALICE, nxm(10));
    w.stake(BOB, nxm(10));
    let ids: Vec<U256> = [2u64, 4, 6]
        .iter()
        .map(|&reward| w.start(nxm(reward), nxm(1)))
        .collect();
    for &id in &ids {
        w.vote(ALICE, id, true);
        w.vote(BOB, id, false);
    }
    w.at(T0 + 4 * DAY + 1);
    assert_eq!(ok(w.c.withdrawable_rewards(ALICE)), nxm(6));
    // ALICE one by one, then "more than there are" (the rest).
    w.withdraw(ALICE, 1, nxm(1), 1);
    w.withdraw(ALICE, 1, nxm(2), 2);
    assert_eq!(ok(w.c.withdrawable_rewards(ALICE)), nxm(3));
    w.withdraw(ALICE, 5, nxm(3), 3);
    w.withdraw(ALICE, 5, U256::ZERO, 3);
    // BOB all at once (0: all), in one mint.
    w.host.clear_made();
    w.withdraw(BOB, 0, nxm(6), 3);
    assert_eq!(calls(&w.host).len(), 1);
    assert_eq!(logs_of::<RewardWithdrawn>(&w.host).len(), 4);
    // A batch beyond 64 bits is "all".
    let mut w2 = wired();
    w2.stake(ALICE, nxm(1));
    let id = w2.start(nxm(1), nxm(1));
    w2.vote(ALICE, id, true);
    w2.at(T0 + 4 * DAY + 1);
    w2.mock_token(
        INxmToken::mintCall {
            to: ALICE,
            amountNxm: nxm(1),
        },
        Ok(vec![]),
    );
    assert_eq!(ok(w2.c.withdraw_rewards(ALICE, U256::MAX)), (nxm(1), u(1)));
}

#[test]
fn a_withdrawal_stops_at_the_first_poll_still_in_its_cooldown() {
    let mut w = wired();
    w.stake(ALICE, nxm(10));
    w.stake(BOB, nxm(10));
    let late = w.start(nxm(3), nxm(1));
    let early = w.start(nxm(5), nxm(1));
    // BOB opens `early` at T0 (ends T0 + 3 days); ALICE votes first on `late` a day later
    // (it restarts: ends T0 + 4 days), then on `early` (no silent ending: 2 days left).
    w.vote(BOB, early, true);
    w.at(T0 + DAY);
    w.vote(ALICE, late, true);
    w.at(T0 + DAY + 10);
    w.vote(ALICE, early, false);
    assert_eq!((w.end(late), w.end(early)), (T0 + 4 * DAY, T0 + 3 * DAY));
    // `early` is past its cooldown, but ALICE's first vote's poll is not: nothing yet.
    w.at(T0 + 4 * DAY + 1);
    assert_eq!(ok(w.c.withdrawable_rewards(ALICE)), U256::ZERO);
    w.withdraw(ALICE, 0, U256::ZERO, 0);
    w.withdraw(BOB, 0, u(2_500_000_000_000_000_000), 1);
    // Once `late`'s has passed: both, 3 NXM (alone) + 2.5 NXM (half).
    w.at(T0 + 5 * DAY + 1);
    w.withdraw(ALICE, 0, u(5_500_000_000_000_000_000), 2);
}

#[test]
fn a_poll_without_reward_moves_the_index_without_a_mint() {
    let mut w = wired();
    w.stake(ALICE, nxm(10));
    let id = w.start(U256::ZERO, nxm(1));
    w.vote(ALICE, id, true);
    assert!(w.c.has_member_state(ALICE));
    w.at(T0 + 4 * DAY + 1);
    w.host.clear_made();
    w.withdraw(ALICE, 0, U256::ZERO, 1);
    assert_eq!(calls(&w.host), vec![]);
    let withdrawn: RewardWithdrawn = last_log(&w.host);
    assert_eq!(
        (withdrawn.amountNxm, withdrawn.nextVoteIndex),
        (U256::ZERO, u(1))
    );
    // Anyone may withdraw for an assessor with nothing: nothing happens.
    let logs = log_count(&w.host);
    w.withdraw(STRANGER, 0, U256::ZERO, 0);
    w.withdraw(Address::ZERO, 3, U256::ZERO, 0);
    assert_eq!(log_count(&w.host), logs);
}

#[test]
fn member_state_is_stake_or_unwithdrawn_votes() {
    let mut w = wired();
    assert!(!w.c.has_member_state(ALICE));
    w.stake(ALICE, nxm(10));
    assert!(w.c.has_member_state(ALICE));
    let id = w.start(nxm(4), nxm(1));
    w.vote(ALICE, id, true);
    // Stake gone after the lock, the vote's reward still unwithdrawn: still member state.
    w.at(T0 + 14 * DAY + 1);
    w.mock_token(
        INxmToken::transferCall {
            to: ALICE,
            amountNxm: nxm(10),
        },
        Ok(word(u(1))),
    );
    w.from(ALICE);
    ok(w.c.unstake(nxm(10), ALICE));
    assert!(w.c.has_member_state(ALICE));
    w.withdraw(ALICE, 0, nxm(4), 1);
    assert!(!w.c.has_member_state(ALICE));
}

// ----- fraud -----

#[test]
fn undoing_votes_is_governance_only() {
    let mut w = wired();
    for caller in [STRANGER, CLAIMS, ALICE] {
        w.from(caller);
        rejects(&mut w, Unauthorized { caller }.abi_encode(), |c| {
            c.undo_votes(ALICE, nxm(1))
        });
    }
}

#[test]
fn fraud_undone_in_the_cooldown_flips_the_outcome_and_pushes_the_end() {
    let mut w = wired();
    w.stake(ALICE, nxm(30));
    w.stake(BOB, nxm(20));
    w.stake(CAROL, nxm(5));
    let id = w.start(nxm(10), nxm(1));
    w.vote(ALICE, id, true);
    w.at(T0 + 1);
    w.vote(BOB, id, false);
    let end = T0 + 3 * DAY;
    // In the cooldown: accepted, 30 to 20.
    let now = end + DAY / 2;
    w.at(now);
    assert_eq!(ok(w.c.outcome(id)), (true, u(end)));
    // Governance undoes ALICE and burns more than her stake: the burn is capped at 30 NXM.
    w.mock_token(
        INxmToken::operatorBurnCall {
            from: THIS,
            amountNxm: nxm(30),
        },
        Ok(vec![]),
    );
    w.from(GOVERNANCE);
    w.host.clear_made();
    let logs = log_count(&w.host);
    ok(w.c.undo_votes(ALICE, nxm(1_000)));
    assert_eq!(
        calls(&w.host),
        vec![(
            TOKEN,
            INxmToken::operatorBurnCall {
                from: THIS,
                amountNxm: nxm(30)
            }
            .abi_encode()
        )]
    );
    // The tally loses her 30 NXM: denied now; the poll ends a day from now, not before.
    let new_end = now + DAY;
    assert_eq!(ok(w.c.outcome(id)), (false, u(new_end)));
    assert_eq!(w.poll(id).0, U256::ZERO);
    assert_eq!(w.poll(id).1, nxm(20));
    let undone = logs_of::<VoteUndone>(&w.host);
    assert_eq!(undone.len(), 1);
    assert_eq!(
        (
            undone[0].assessor,
            undone[0].assessmentId,
            undone[0].stakeNxm,
            undone[0].endSecs
        ),
        (ALICE, id, nxm(30), u(new_end))
    );
    let fraud: FraudProcessed = last_log(&w.host);
    assert_eq!(
        (fraud.assessor, fraud.burnedNxm, fraud.nextVoteIndex),
        (ALICE, nxm(30), u(1))
    );
    assert_eq!(log_count(&w.host), logs + 2);
    assert_eq!(w.c.assessor(ALICE), (U256::ZERO, u(T0), u(1), u(1)));
    // The poll is open again. Nothing is accepted: the next vote must accept, and restarts it.
    w.from(CAROL);
    rejects(
        &mut w,
        AcceptVoteRequired { assessmentId: id }.abi_encode(),
        |c| c.cast_vote(id, false),
    );
    // ALICE's vote stays recorded: she cannot vote again.
    w.stake(ALICE, nxm(1));
    w.from(ALICE);
    rejects(
        &mut w,
        AlreadyVoted { assessmentId: id }.abi_encode(),
        |c| c.cast_vote(id, true),
    );
    w.vote(CAROL, id, true);
    assert_eq!(w.end(id), now + 3 * DAY);
    // After the new end and cooldown: ALICE's share is forfeited; BOB and CAROL split all of
    // the reward over the 25 NXM left: 10 · 20/25 = 8 and 10 · 5/25 = 2 NXM.
    w.at(now + 4 * DAY + 1);
    assert_eq!(ok(w.c.withdrawable_rewards(ALICE)), U256::ZERO);
    w.withdraw(ALICE, 0, U256::ZERO, 1);
    w.withdraw(BOB, 0, nxm(8), 1);
    w.withdraw(CAROL, 0, nxm(2), 1);
    assert_eq!(ok(w.c.outcome(id)), (false, u(now + 3 * DAY)));
}

#[test]
fn fraud_touches_only_unrewarded_votes_and_only_polls_in_their_cooldown() {
    let mut w = wired();
    w.stake(ALICE, nxm(30));
    w.stake(BOB, nxm(20));
    // Poll 1: ALICE and BOB accept at T0 (ends T0 + 3 days); poll 2: ALICE opens it a day
    // later (ends T0 + 4 days).
    let withdrawn = w.start(nxm(5), nxm(1));
    let finalized = w.start(nxm(4), nxm(1));
    w.vote(ALICE, withdrawn, true);
    w.vote(BOB, withdrawn, true);
    w.at(T0 + DAY);
    w.vote(ALICE, finalized, true);
    // ALICE withdraws poll 1's reward: 5 · 30/50 = 3 NXM; poll 2 is still in its cooldown.
    w.at(T0 + 4 * DAY + 1);
    w.withdraw(ALICE, 0, nxm(3), 1);
    // Poll 3: ALICE opens it now (ends T0 + 7 days + 1 s).
    let voting = w.start(nxm(2), nxm(1));
    w.vote(ALICE, voting, true);
    assert_eq!(w.end(voting), T0 + 7 * DAY + 1);
    // At poll 2's cooldown end exactly, it is final; poll 3 is voting, its end further than a
    // day: only poll 3's tally changes, and its end stays.
    let now = T0 + 5 * DAY;
    w.at(now);
    assert_eq!(ok(w.c.withdrawable_rewards(ALICE)), U256::ZERO);
    w.mock_token(
        INxmToken::operatorBurnCall {
            from: THIS,
            amountNxm: nxm(5),
        },
        Ok(vec![]),
    );
    w.from(GOVERNANCE);
    ok(w.c.undo_votes(ALICE, nxm(5)));
    let undone = logs_of::<VoteUndone>(&w.host);
    assert_eq!(undone.len(), 1);
    assert_eq!(
        (
            undone[0].assessmentId,
            undone[0].stakeNxm,
            undone[0].endSecs
        ),
        (voting, nxm(30), u(T0 + 7 * DAY + 1))
    );
    assert_eq!(w.poll(withdrawn).0, nxm(50));
    assert_eq!(w.poll(finalized).0, nxm(30));
    assert_eq!(w.poll(voting).0, U256::ZERO);
    assert_eq!(w.end(finalized), T0 + 4 * DAY);
    assert_eq!(w.end(voting), T0 + 7 * DAY + 1);
    let fraud: FraudProcessed = last_log(&w.host);
    assert_eq!((fraud.burnedNxm, fraud.nextVoteIndex), (nxm(5), u(3)));
    // 5 of her 30 NXM burned; every unrewarded vote forfeited (poll 2's 4 NXM included).
    assert_eq!(
        w.c.assessor(ALICE),
        (nxm(25), u(T0 + 4 * DAY + 1), u(3), u(3))
    );
    w.at(T0 + 9 * DAY);
    assert_eq!(ok(w.c.withdrawable_rewards(ALICE)), U256::ZERO);
    w.withdraw(ALICE, 0, U256::ZERO, 3);
    // BOB's reward of poll 1 was never touched: 5 · 20/50 = 2 NXM.
    w.withdraw(BOB, 0, nxm(2), 1);
    // A later vote of ALICE is rewarded as any other.
    let after = w.start(nxm(1), nxm(1));
    w.vote(ALICE, after, true);
    w.at(T0 + 13 * DAY + 1);
    w.withdraw(ALICE, 0, nxm(1), 4);
}

#[test]
fn undoing_nothing_with_no_burn_still_records_the_fraud() {
    let mut w = wired();
    w.stake(ALICE, nxm(30));
    w.from(GOVERNANCE);
    w.host.clear_made();
    ok(w.c.undo_votes(ALICE, U256::ZERO));
    assert_eq!(calls(&w.host), vec![]);
    let fraud: FraudProcessed = last_log(&w.host);
    assert_eq!(
        (fraud.assessor, fraud.burnedNxm, fraud.nextVoteIndex),
        (ALICE, U256::ZERO, U256::ZERO)
    );
    assert_eq!(w.stake_of(ALICE), nxm(30));
    // A partial burn leaves the rest staked.
    w.mock_token(
        INxmToken::operatorBurnCall {
            from: THIS,
            amountNxm: nxm(1),
        },
        Ok(vec![]),
    );
    ok(w.c.undo_votes(ALICE, nxm(1)));
    assert_eq!(w.stake_of(ALICE), nxm(29));
}

#[test]
fn an_undo_while_voting_near_the_end_pushes_the_end_to_a_day_from_now() {
    let mut w = wired();
    w.stake(ALICE, nxm(30));
    w.stake(BOB, nxm(30));
    let id = w.start(nxm(1), nxm(1));
    w.vote(ALICE, id, true);
    w.vote(BOB, id, true);
    // Two hours before the end.
    let now = T0 + 3 * DAY - 7_200;
    w.at(now);
    w.from(GOVERNANCE);
    ok(w.c.undo_votes(BOB, U256::ZERO));
    assert_eq!(w.end(id), now + DAY);
    assert_eq!(w.poll(id).0, nxm(30));
}

// ----- a whole poll, many ways -----

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Up to 8 voters with stakes of every magnitude on a poll with a random reward: after the
    /// cooldown each is paid `floor(reward · stake / voted)` and together at most the reward,
    /// less than 1 wei per vote short.
    #[test]
    fn a_poll_pays_at_most_its_reward(
        reward in 0u128..=50_000_000_000_000_000_000,
        voters in proptest::collection::vec((1u128..=u128::MAX >> 8, any::<bool>()), 1..=8),
    ) {
        let mut w = wired();
        let id = w.start(big(reward), nxm(1));
        let mut stakes = Vec::new();
        for (i, &(stake, accept)) in voters.iter().enumerate() {
            let who = Address::with_last_byte(0x40 + i as u8);
            w.host.mock_static(
                TOKEN,
                INxmToken::isMemberCall { account: who }.abi_encode(),
                Ok(word(u(1))),
            );
            w.stake(who, big(stake));
            w.at(T0 + i as u64);
            // The first vote must accept.
            w.vote(who, id, accept || i == 0);
            stakes.push((who, stake));
        }
        let (accepted, denied, ..) = w.poll(id);
        let voted = accepted + denied;
        w.at(T0 + 4 * DAY + 1);
        let mut paid = U256::ZERO;
        for (who, stake) in stakes {
            let share = ok(w.c.withdrawable_rewards(who));
            prop_assert!(share * voted <= big(reward) * big(stake));
            prop_assert!(big(reward) * big(stake) < (share + u(1)) * voted);
            paid += share;
        }
        prop_assert!(paid <= big(reward));
        prop_assert!(big(reward) - paid < u(voters.len() as u64));
    }
}

// ----- storage layout -----

#[test]
fn keys_and_words_are_laid_out_as_documented() {
    let k = key(VOTE, ALICE, 7);
    assert_eq!(k >> 248usize, u(u64::from(VOTE)));
    assert_eq!((k >> 64usize) & ADDRESS_MASK, address_word(ALICE));
    assert_eq!(k & u(u64::MAX), u(7));
    let mut w = wired();
    w.stake(ALICE, nxm(3));
    let id = w.start(u(5), u(6));
    w.at(T0 + 9);
    w.vote(ALICE, id, true);
    let read = |k: U256| w.c.read(k);
    // The assessor: stake | last vote << 128 | votes << 168 | rewards index << 208.
    assert_eq!(
        read(key(ASSESSOR, ALICE, 0)),
        nxm(3) | (u(T0 + 9) << 128usize) | (u(1) << 168usize)
    );
    // The vote: id | stake << 64 | time << 192 | accept << 232.
    assert_eq!(
        read(key(VOTE, ALICE, 0)),
        u(1) | (nxm(3) << 64usize) | (u(T0 + 9) << 192usize) | (u(1) << 232usize)
    );
    assert_eq!(read(key(VOTED, ALICE, 1)), u(1));
    // The poll: accepted | denied << 128; reward | deposit << 88 | start << 176 | end << 216.
    assert_eq!(read(key(TALLY, Address::ZERO, 1)), nxm(3));
    assert_eq!(
        read(key(TERMS, Address::ZERO, 1)),
        u(5) | (u(6) << 88usize) | (u(T0) << 176usize) | (u(T0 + 9 + 3 * DAY) << 216usize)
    );
    // The header: governance; token | day << 160; claims | count << 160.
    assert_eq!(
        read(key(HEADER, Address::ZERO, H_GOVERNANCE)),
        address_word(GOVERNANCE)
    );
    assert_eq!(
        read(key(HEADER, Address::ZERO, H_NXM_TOKEN)),
        address_word(TOKEN) | (u(DAY) << 160usize)
    );
    assert_eq!(
        read(key(HEADER, Address::ZERO, H_CLAIMS)),
        address_word(CLAIMS) | (u(1) << 160usize)
    );
}

#[test]
fn times_beyond_40_bits_are_refused() {
    let mut w = wired();
    w.at(1 << 40);
    w.from(CLAIMS);
    rejects(&mut w, MathOverflow {}.abi_encode(), |c| {
        c.start_assessment(nxm(1), nxm(1))
    });
}

// ----- routing: the ABI as declared -----

/// Routes raw calldata through the contract's router; `None` if no entrypoint has its
/// selector.
fn raw_route(c: &mut Assessment, calldata: &[u8]) -> Option<Result<Vec<u8>, Vec<u8>>> {
    let selector = u32::from_be_bytes(calldata[..4].try_into().unwrap());
    <Assessment as Router<Assessment>>::route(c, selector, &calldata[4..])
}

fn routed<C: SolCall>(c: &mut Assessment, call: &C) -> Option<Result<Vec<u8>, Vec<u8>>> {
    raw_route(c, &call.abi_encode())
}

/// Routes `call` and decodes its answer as the interface declares it.
fn route<C: SolCall>(c: &mut Assessment, call: C) -> C::Return {
    let answer = routed(c, &call)
        .expect("routed")
        .unwrap_or_else(|e| panic!("reverted {e:02x?}"));
    C::abi_decode_returns_validate(&answer).expect("the answer decodes as declared")
}

#[test]
fn routes_every_declared_selector() {
    let mut w = wired();
    w.from(STRANGER);
    for selector in IAssessmentCalls::SELECTORS {
        let routed = <Assessment as Router<Assessment>>::route(
            &mut w.c,
            u32::from_be_bytes(*selector),
            &[0; 64],
        );
        assert!(
            routed.is_some(),
            "selector {selector:02x?} is not implemented"
        );
    }
    assert_eq!(IAssessmentCalls::SELECTORS.len(), 19);
}

#[test]
fn every_entrypoint_routes_as_declared() {
    let mut w = wired();
    // Members: stake, vote, unstake.
    w.mock_token(
        INxmToken::operatorTransferCall {
            from: ALICE,
            to: THIS,
            amountNxm: nxm(30),
        },
        Ok(vec![]),
    );
    w.from(ALICE);
    route(&mut w.c, IAssessment::stakeCall { amountNxm: nxm(30) });
    w.from(CLAIMS);
    let id = route(
        &mut w.c,
        IAssessment::startAssessmentCall {
            totalRewardNxm: nxm(3),
            depositEth: nxm(1),
        },
    );
    assert_eq!(id, u(1));
    w.from(ALICE);
    route(
        &mut w.c,
        IAssessment::castVoteCall {
            assessmentId: id,
            accept: true,
        },
    );
    // Views.
    let poll = route(&mut w.c, IAssessment::pollCall { assessmentId: id });
    assert_eq!(
        (poll._0, poll._1, poll._2, poll._3, poll._4, poll._5),
        w.c.poll(id)
    );
    let outcome = route(&mut w.c, IAssessment::outcomeCall { assessmentId: id });
    assert_eq!((outcome._0, outcome._1), (true, u(T0 + 3 * DAY)));
    let assessor = route(&mut w.c, IAssessment::assessorCall { assessor: ALICE });
    assert_eq!(
        (assessor._0, assessor._1, assessor._2, assessor._3),
        (nxm(30), u(T0), u(1), U256::ZERO)
    );
    let vote = route(
        &mut w.c,
        IAssessment::voteAtCall {
            assessor: ALICE,
            index: U256::ZERO,
        },
    );
    assert_eq!(
        (vote._0, vote._1, vote._2, vote._3),
        (id, true, nxm(30), u(T0))
    );
    assert!(route(
        &mut w.c,
        IAssessment::hasVotedCall {
            assessor: ALICE,
            assessmentId: id
        }
    ));
    assert!(route(
        &mut w.c,
        IAssessment::hasMemberStateCall { member: ALICE }
    ));
    assert!(!route(
        &mut w.c,
        IAssessment::hasMemberStateCall { member: BOB }
    ));
    assert_eq!(route(&mut w.c, IAssessment::assessmentCountCall {}), u(1));
    assert_eq!(route(&mut w.c, IAssessment::daySecsCall {}), u(DAY));
    let contracts = route(&mut w.c, IAssessment::contractsCall {});
    assert_eq!((contracts._0, contracts._1), (TOKEN, CLAIMS));
    assert_eq!(route(&mut w.c, IAssessment::governanceCall {}), GOVERNANCE);
    // Rewards.
    w.at(T0 + 4 * DAY + 1);
    assert_eq!(
        route(
            &mut w.c,
            IAssessment::withdrawableRewardsCall { assessor: ALICE }
        ),
        nxm(3)
    );
    w.mock_token(
        INxmToken::mintCall {
            to: ALICE,
            amountNxm: nxm(3),
        },
        Ok(vec![]),
    );
    let paid = route(
        &mut w.c,
        IAssessment::withdrawRewardsCall {
            staker: ALICE,
            batchSize: U256::ZERO,
        },
    );
    assert_eq!((paid._0, paid._1), (nxm(3), u(1)));
    w.at(T0 + 15 * DAY);
    w.mock_token(
        INxmToken::transferCall {
            to: BOB,
            amountNxm: nxm(10),
        },
        Ok(word(u(1))),
    );
    route(
        &mut w.c,
        IAssessment::unstakeCall {
            amountNxm: nxm(10),
            to: BOB,
        },
    );
    // Governance.
    w.from(GOVERNANCE);
    w.mock_token(
        INxmToken::operatorBurnCall {
            from: THIS,
            amountNxm: nxm(2),
        },
        Ok(vec![]),
    );
    route(
        &mut w.c,
        IAssessment::undoVotesCall {
            assessor: ALICE,
            burnNxm: nxm(2),
        },
    );
    assert_eq!(w.stake_of(ALICE), nxm(18));
    route(
        &mut w.c,
        IAssessment::setContractsCall {
            nxmToken: TOKEN,
            claims: CLAIMS,
        },
    );
    route(
        &mut w.c,
        IAssessment::setGovernanceCall { newGovernance: BOB },
    );
    assert_eq!(route(&mut w.c, IAssessment::governanceCall {}), BOB);
    // Entrypoint errors pass through the router unchanged.
    w.from(STRANGER);
    assert_eq!(
        routed(
            &mut w.c,
            &IAssessment::setGovernanceCall { newGovernance: BOB }
        ),
        Some(Err(Unauthorized { caller: STRANGER }.abi_encode()))
    );
    assert_eq!(
        routed(&mut w.c, &IAssessment::outcomeCall { assessmentId: u(9) }),
        Some(Err(AssessmentNotFound { assessmentId: u(9) }.abi_encode()))
    );
}

#[test]
fn the_router_refuses_what_does_not_decode() {
    let mut w = wired();
    w.stake(ALICE, nxm(1));
    w.start(nxm(1), nxm(1));
    let refused = Some(Err(Vec::new()));
    // Unknown selectors are not routed (there is no fallback).
    assert_eq!(raw_route(&mut w.c, &[0xde, 0xad, 0xbe, 0xef]), None);
    // Too few words, for one- and two-word arguments.
    w.from(GOVERNANCE);
    let call = IAssessment::setGovernanceCall { newGovernance: BOB }.abi_encode();
    assert_eq!(raw_route(&mut w.c, &call[..35]), refused);
    let call = IAssessment::undoVotesCall {
        assessor: ALICE,
        burnNxm: U256::ZERO,
    }
    .abi_encode();
    assert_eq!(raw_route(&mut w.c, &call[..67]), refused);
    // An address with dirty high bytes.
    let mut dirty = IAssessment::setGovernanceCall { newGovernance: BOB }.abi_encode();
    dirty[4] = 1;
    assert_eq!(raw_route(&mut w.c, &dirty), refused);
    let mut dirty = IAssessment::unstakeCall {
        amountNxm: u(1),
        to: BOB,
    }
    .abi_encode();
    dirty[4 + 32 + 11] = 1;
    assert_eq!(raw_route(&mut w.c, &dirty), refused);
    // A bool that is neither 0 nor 1.
    w.from(ALICE);
    let mut call = IAssessment::castVoteCall {
        assessmentId: u(1),
        accept: true,
    }
    .abi_encode();
    call[4 + 63] = 2;
    assert_eq!(raw_route(&mut w.c, &call), refused);
    // No entrypoint is payable, views included.
    w.host.vm.set_value(u(1));
    assert_eq!(
        routed(&mut w.c, &IAssessment::assessmentCountCall {}),
        refused
    );
    assert_eq!(
        routed(
            &mut w.c,
            &IAssessment::castVoteCall {
                assessmentId: u(1),
                accept: true
            }
        ),
        refused
    );
    w.host.vm.set_value(U256::ZERO);
    assert_eq!(
        routed(&mut w.c, &IAssessment::assessmentCountCall {}),
        Some(Ok(word(u(1))))
    );
    // Extra trailing data is ignored, as alloy's decoder does.
    let mut long = IAssessment::assessmentCountCall {}.abi_encode();
    long.extend_from_slice(&[7; 40]);
    assert_eq!(raw_route(&mut w.c, &long), Some(Ok(word(u(1)))));
}

#[test]
fn the_constructor_runs_once_and_checks_its_arguments() {
    let construct = |args: &[u8], value: U256| {
        let host = MockHost::new();
        host.vm.set_value(value);
        let mut c = Assessment::from(&host);
        <Assessment as Router<Assessment>>::constructor(&mut c, args).unwrap()
    };
    let good = (GOVERNANCE, u(DAY)).abi_encode_params();
    // A dirty address and short data do not decode; zero governance and a bad day are
    // refused; no value.
    let mut dirty = good.clone();
    dirty[0] = 1;
    assert_eq!(construct(&dirty, U256::ZERO), Err(Vec::new()));
    assert_eq!(construct(&good[..63], U256::ZERO), Err(Vec::new()));
    assert_eq!(
        construct(&(Address::ZERO, u(DAY)).abi_encode_params(), U256::ZERO),
        Err(ZeroAddress {}.abi_encode())
    );
    assert_eq!(
        construct(&(GOVERNANCE, U256::ZERO).abi_encode_params(), U256::ZERO),
        Err(InvalidDayLength {
            daySecs: U256::ZERO
        }
        .abi_encode())
    );
    assert_eq!(construct(&good, u(1)), Err(Vec::new()));
    // Once only.
    let host = MockHost::new();
    let mut c = Assessment::from(&host);
    assert_eq!(
        <Assessment as Router<Assessment>>::constructor(&mut c, &good).unwrap(),
        Ok(Vec::new())
    );
    assert_eq!(c.governance(), GOVERNANCE);
    assert_eq!(c.day_secs(), u(DAY));
    assert!(
        <Assessment as Router<Assessment>>::constructor(&mut c, &good)
            .unwrap()
            .is_err()
    );
}
