//! Unit tests on stylus-sdk's TestVM: every entrypoint, every revert path (and that it changes
//! neither storage nor logs), every event, the roles, the pause and permits.
//!
//! TestVM does not roll storage back on a revert; the contract checks everything before its
//! first write, and [`reverts`] asserts exactly that.
//!
//! The `ecrecover` precompile is mocked by exact calldata with what the real precompile would
//! return (recovered with k256). Known TestVM defect: the return data read after any call is the
//! last registered mock's, whatever the calldata. So each permit test registers the mock for the
//! calldata the contract must send, last; the digest itself is checked separately against
//! alloy's independent EIP-712 implementation ([`permit_digest_matches_alloy_eip712`]).

use super::*;
use alloy_primitives::{address, LogData};
use alloy_sol_types::{
    eip712_domain, sol, Eip712Domain, SolCall, SolError, SolEvent, SolStruct, SolValue,
};
use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use mutual_interfaces::{nxm_token::abi::INxmToken, signatures::ECRECOVER};
use stylus_sdk::{abi::Router, testing::TestVM};

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const MEMBERSHIP: Address = address!("00000000000000000000000000000000000000a2");
const OPERATOR: Address = address!("00000000000000000000000000000000000000a3");
const BOB: Address = address!("00000000000000000000000000000000000000b0");
const CAROL: Address = address!("00000000000000000000000000000000000000c0");
const STRANGER: Address = address!("00000000000000000000000000000000000000ee");

/// Alice's secp256k1 key: she signs permits.
const ALICE_KEY: [u8; 32] = [0x11; 32];
/// Mallory's key: a wrong signer.
const MALLORY_KEY: [u8; 32] = [0x22; 32];

/// 1 NXM (18 decimals).
fn nxm(whole: u64) -> U256 {
    U256::from(whole) * U256::from(10u64).pow(U256::from(18))
}

fn key(bytes: [u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&bytes.into()).unwrap()
}

fn address_of(key: &VerifyingKey) -> Address {
    let point = key.to_encoded_point(false);
    Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..])
}

fn alice() -> Address {
    address_of(key(ALICE_KEY).verifying_key())
}

/// A log as TestVM records it: topics and data.
type Log = (Vec<B256>, Vec<u8>);

fn log_of<E: SolEvent>(event: E) -> Log {
    let data: LogData = event.encode_log_data();
    (data.topics().to_vec(), data.data.to_vec())
}

/// Storage and logs, to prove a revert changed nothing.
fn state(vm: &TestVM) -> (Vec<(U256, B256)>, Vec<Log>) {
    let snapshot = vm.snapshot();
    let mut storage: Vec<_> = snapshot
        .storage
        .into_iter()
        .filter(|(_, v)| !v.is_zero())
        .collect();
    storage.sort();
    (storage, snapshot.emitted_logs)
}

/// Runs `call`, asserts it reverted with `expected` and changed neither storage nor logs.
fn reverts<T: core::fmt::Debug>(
    vm: &TestVM,
    token: &mut NxmToken,
    expected: NxmTokenError,
    call: impl FnOnce(&mut NxmToken) -> NxmResult<T>,
) {
    let before = state(vm);
    let result = call(token);
    assert_eq!(result.unwrap_err(), expected);
    assert_eq!(state(vm), before, "a revert changed state");
}

/// Asserts the logs emitted since the last `clear_mocks` and clears them.
fn assert_logs(vm: &TestVM, expected: Vec<Log>) {
    assert_eq!(vm.get_emitted_logs(), expected);
    vm.clear_mocks();
}

/// A deployed token with membership, one operator, Alice and Bob as members, and 100 NXM
/// minted to Alice; logs cleared.
fn setup() -> (TestVM, NxmToken) {
    let vm = TestVM::new();
    let mut token = NxmToken::from(&vm);
    vm.set_sender(GOVERNANCE);
    token.constructor(GOVERNANCE).unwrap();
    token.set_membership(MEMBERSHIP).unwrap();
    token.set_operator(OPERATOR, true).unwrap();
    vm.set_sender(MEMBERSHIP);
    token.set_member(alice(), true).unwrap();
    token.set_member(BOB, true).unwrap();
    vm.set_sender(OPERATOR);
    token.mint(alice(), nxm(100)).unwrap();
    vm.clear_mocks();
    (vm, token)
}

fn pause(vm: &TestVM, token: &mut NxmToken) {
    vm.set_sender(MEMBERSHIP);
    token.set_paused(true).unwrap();
    vm.clear_mocks();
}

fn unauthorized(caller: Address) -> NxmTokenError {
    NxmTokenError::Unauthorized(Unauthorized { caller })
}

fn not_member(account: Address) -> NxmTokenError {
    NxmTokenError::NotMember(NotMember { account })
}

fn paused() -> NxmTokenError {
    NxmTokenError::Paused(Paused {})
}

fn zero_address() -> NxmTokenError {
    NxmTokenError::ZeroAddress(ZeroAddress {})
}

fn invalid_signature() -> NxmTokenError {
    NxmTokenError::InvalidSignature(InvalidSignature {})
}

// ----- constructor, metadata -----

#[test]
fn constructor_sets_governance_and_logs_it() {
    let vm = TestVM::new();
    let mut token = NxmToken::from(&vm);
    token.constructor(GOVERNANCE).unwrap();
    assert_eq!(token.governance(), GOVERNANCE);
    assert_eq!(token.membership(), Address::ZERO);
    assert!(!token.paused());
    assert_eq!(token.total_supply(), U256::ZERO);
    assert_logs(
        &vm,
        vec![log_of(GovernanceChanged {
            previousGovernance: Address::ZERO,
            newGovernance: GOVERNANCE,
        })],
    );
}

#[test]
fn constructor_rejects_zero_governance() {
    let vm = TestVM::new();
    let mut token = NxmToken::from(&vm);
    reverts(&vm, &mut token, zero_address(), |t| {
        t.constructor(Address::ZERO)
    });
}

#[test]
fn constructor_runs_once_through_the_router() {
    let vm = TestVM::new();
    let mut token = NxmToken::from(&vm);
    let args = GOVERNANCE.abi_encode();
    assert_eq!(
        <NxmToken as Router<NxmToken>>::constructor(&mut token, &args),
        Some(Ok(vec![]))
    );
    assert_eq!(token.governance(), GOVERNANCE);
    let again = <NxmToken as Router<NxmToken>>::constructor(&mut token, &STRANGER.abi_encode());
    assert!(matches!(again, Some(Err(_))));
    assert_eq!(token.governance(), GOVERNANCE);
}

#[test]
fn metadata() {
    assert_eq!(NxmToken::name(), "NXM");
    assert_eq!(NxmToken::symbol(), "NXM");
    assert_eq!(NxmToken::decimals(), 18);
}

// ----- governance role -----

#[test]
fn governance_sets_membership() {
    let (vm, mut token) = setup();
    vm.set_sender(GOVERNANCE);
    token.set_membership(CAROL).unwrap();
    assert_eq!(token.membership(), CAROL);
    assert_logs(&vm, vec![log_of(MembershipSet { membership: CAROL })]);
    // The old membership contract lost its rights.
    vm.set_sender(MEMBERSHIP);
    reverts(&vm, &mut token, unauthorized(MEMBERSHIP), |t| {
        t.set_member(CAROL, true)
    });
}

#[test]
fn set_membership_reverts_for_non_governance_and_zero() {
    let (vm, mut token) = setup();
    vm.set_sender(MEMBERSHIP);
    reverts(&vm, &mut token, unauthorized(MEMBERSHIP), |t| {
        t.set_membership(CAROL)
    });
    vm.set_sender(GOVERNANCE);
    reverts(&vm, &mut token, zero_address(), |t| {
        t.set_membership(Address::ZERO)
    });
}

#[test]
fn governance_enables_and_disables_operators() {
    let (vm, mut token) = setup();
    vm.set_sender(GOVERNANCE);
    token.set_operator(CAROL, true).unwrap();
    assert!(token.is_operator(CAROL));
    token.set_operator(OPERATOR, false).unwrap();
    assert!(!token.is_operator(OPERATOR));
    assert_logs(
        &vm,
        vec![
            log_of(OperatorSet {
                operator: CAROL,
                enabled: true,
            }),
            log_of(OperatorSet {
                operator: OPERATOR,
                enabled: false,
            }),
        ],
    );
    vm.set_sender(OPERATOR);
    reverts(&vm, &mut token, unauthorized(OPERATOR), |t| {
        t.mint(BOB, nxm(1))
    });
}

#[test]
fn set_operator_reverts_for_non_governance_and_zero() {
    let (vm, mut token) = setup();
    vm.set_sender(OPERATOR);
    reverts(&vm, &mut token, unauthorized(OPERATOR), |t| {
        t.set_operator(STRANGER, true)
    });
    vm.set_sender(GOVERNANCE);
    reverts(&vm, &mut token, zero_address(), |t| {
        t.set_operator(Address::ZERO, true)
    });
}

#[test]
fn governance_hands_over_its_role() {
    let (vm, mut token) = setup();
    vm.set_sender(GOVERNANCE);
    token.set_governance(CAROL).unwrap();
    assert_eq!(token.governance(), CAROL);
    assert_logs(
        &vm,
        vec![log_of(GovernanceChanged {
            previousGovernance: GOVERNANCE,
            newGovernance: CAROL,
        })],
    );
    reverts(&vm, &mut token, unauthorized(GOVERNANCE), |t| {
        t.set_operator(STRANGER, true)
    });
    vm.set_sender(CAROL);
    token.set_operator(STRANGER, true).unwrap();
    assert!(token.is_operator(STRANGER));
}

#[test]
fn set_governance_reverts_for_non_governance_and_zero() {
    let (vm, mut token) = setup();
    vm.set_sender(STRANGER);
    reverts(&vm, &mut token, unauthorized(STRANGER), |t| {
        t.set_governance(STRANGER)
    });
    vm.set_sender(GOVERNANCE);
    reverts(&vm, &mut token, zero_address(), |t| {
        t.set_governance(Address::ZERO)
    });
}

// ----- membership role: member flags, switch, pause -----

#[test]
fn membership_sets_and_clears_member_flags() {
    let (vm, mut token) = setup();
    vm.set_sender(MEMBERSHIP);
    token.set_member(CAROL, true).unwrap();
    assert!(token.is_member(CAROL));
    token.set_member(CAROL, false).unwrap();
    assert!(!token.is_member(CAROL));
    assert_logs(
        &vm,
        vec![
            log_of(MemberSet {
                account: CAROL,
                isMember: true,
            }),
            log_of(MemberSet {
                account: CAROL,
                isMember: false,
            }),
        ],
    );
}

#[test]
fn set_member_reverts_for_others_and_zero() {
    let (vm, mut token) = setup();
    for caller in [GOVERNANCE, OPERATOR, alice()] {
        vm.set_sender(caller);
        reverts(&vm, &mut token, unauthorized(caller), |t| {
            t.set_member(CAROL, true)
        });
    }
    vm.set_sender(MEMBERSHIP);
    reverts(&vm, &mut token, zero_address(), |t| {
        t.set_member(Address::ZERO, true)
    });
}

#[test]
fn nobody_writes_member_flags_before_membership_is_set() {
    let vm = TestVM::new();
    let mut token = NxmToken::from(&vm);
    token.constructor(GOVERNANCE).unwrap();
    vm.clear_mocks();
    for caller in [GOVERNANCE, STRANGER] {
        vm.set_sender(caller);
        reverts(&vm, &mut token, unauthorized(caller), |t| {
            t.set_member(caller, true)
        });
        reverts(&vm, &mut token, unauthorized(caller), |t| {
            t.set_paused(true)
        });
    }
}

#[test]
fn switch_member_moves_flag_and_whole_balance() {
    let (vm, mut token) = setup();
    vm.set_sender(MEMBERSHIP);
    token.switch_member(alice(), CAROL).unwrap();
    assert!(!token.is_member(alice()));
    assert!(token.is_member(CAROL));
    assert_eq!(token.balance_of(alice()), U256::ZERO);
    assert_eq!(token.balance_of(CAROL), nxm(100));
    assert_eq!(token.total_supply(), nxm(100));
    assert_logs(
        &vm,
        vec![
            log_of(MemberSet {
                account: alice(),
                isMember: false,
            }),
            log_of(MemberSet {
                account: CAROL,
                isMember: true,
            }),
            log_of(Transfer {
                from: alice(),
                to: CAROL,
                value: nxm(100),
            }),
        ],
    );
}

#[test]
fn switch_member_adds_to_nxm_kept_from_an_earlier_membership() {
    let (vm, mut token) = setup();
    // Bob holds 30 NXM, then leaves the member list with it (membership would normally require 0).
    vm.set_sender(alice());
    token.transfer(BOB, nxm(30)).unwrap();
    vm.set_sender(MEMBERSHIP);
    token.set_member(BOB, false).unwrap();
    token.switch_member(alice(), BOB).unwrap();
    assert_eq!(token.balance_of(BOB), nxm(100));
    assert_eq!(token.balance_of(alice()), U256::ZERO);
}

#[test]
fn switch_member_works_while_paused() {
    let (vm, mut token) = setup();
    pause(&vm, &mut token);
    vm.set_sender(MEMBERSHIP);
    token.switch_member(alice(), CAROL).unwrap();
    assert_eq!(token.balance_of(CAROL), nxm(100));
}

#[test]
fn switch_member_reverts_on_bad_input() {
    let (vm, mut token) = setup();
    vm.set_sender(GOVERNANCE);
    reverts(&vm, &mut token, unauthorized(GOVERNANCE), |t| {
        t.switch_member(alice(), CAROL)
    });
    vm.set_sender(MEMBERSHIP);
    reverts(&vm, &mut token, not_member(CAROL), |t| {
        t.switch_member(CAROL, STRANGER)
    });
    reverts(&vm, &mut token, zero_address(), |t| {
        t.switch_member(alice(), Address::ZERO)
    });
    let already = |account| NxmTokenError::AlreadyMember(AlreadyMember { account });
    reverts(&vm, &mut token, already(BOB), |t| {
        t.switch_member(alice(), BOB)
    });
    reverts(&vm, &mut token, already(alice()), |t| {
        t.switch_member(alice(), alice())
    });
}

#[test]
fn membership_pauses_and_unpauses() {
    let (vm, mut token) = setup();
    vm.set_sender(MEMBERSHIP);
    token.set_paused(true).unwrap();
    assert!(token.paused());
    token.set_paused(false).unwrap();
    assert!(!token.paused());
    assert_logs(
        &vm,
        vec![
            log_of(PausedSet { paused: true }),
            log_of(PausedSet { paused: false }),
        ],
    );
    vm.set_sender(alice());
    token.transfer(BOB, nxm(1)).unwrap();
}

#[test]
fn set_paused_reverts_for_others() {
    let (vm, mut token) = setup();
    for caller in [GOVERNANCE, OPERATOR, alice()] {
        vm.set_sender(caller);
        reverts(&vm, &mut token, unauthorized(caller), |t| {
            t.set_paused(true)
        });
    }
}

// ----- operators: mint and burn -----

#[test]
fn operator_mints_to_members() {
    let (vm, mut token) = setup();
    vm.set_sender(OPERATOR);
    token.mint(BOB, nxm(5)).unwrap();
    assert_eq!(token.balance_of(BOB), nxm(5));
    assert_eq!(token.total_supply(), nxm(105));
    assert_logs(
        &vm,
        vec![log_of(Transfer {
            from: Address::ZERO,
            to: BOB,
            value: nxm(5),
        })],
    );
}

#[test]
fn mint_reverts_on_bad_input() {
    let (vm, mut token) = setup();
    for caller in [GOVERNANCE, MEMBERSHIP, alice()] {
        vm.set_sender(caller);
        reverts(&vm, &mut token, unauthorized(caller), |t| {
            t.mint(BOB, nxm(1))
        });
    }
    vm.set_sender(OPERATOR);
    reverts(&vm, &mut token, not_member(CAROL), |t| {
        t.mint(CAROL, nxm(1))
    });
    reverts(&vm, &mut token, not_member(Address::ZERO), |t| {
        t.mint(Address::ZERO, nxm(1))
    });
    let overflow = NxmTokenError::SupplyOverflow(SupplyOverflow {
        supplyNxm: nxm(100),
        amountNxm: U256::MAX,
    });
    reverts(&vm, &mut token, overflow, |t| t.mint(BOB, U256::MAX));
    pause(&vm, &mut token);
    vm.set_sender(OPERATOR);
    reverts(&vm, &mut token, paused(), |t| t.mint(BOB, nxm(1)));
}

#[test]
fn operator_burns_without_allowance() {
    let (vm, mut token) = setup();
    vm.set_sender(OPERATOR);
    token.operator_burn(alice(), nxm(40)).unwrap();
    assert_eq!(token.balance_of(alice()), nxm(60));
    assert_eq!(token.total_supply(), nxm(60));
    assert_eq!(token.allowance(alice(), OPERATOR), U256::ZERO);
    assert_logs(
        &vm,
        vec![log_of(Transfer {
            from: alice(),
            to: Address::ZERO,
            value: nxm(40),
        })],
    );
    // A former member's kept NXM can be burned too.
    vm.set_sender(MEMBERSHIP);
    token.set_member(alice(), false).unwrap();
    vm.set_sender(OPERATOR);
    token.operator_burn(alice(), nxm(60)).unwrap();
    assert_eq!(token.total_supply(), U256::ZERO);
}

#[test]
fn operator_burn_reverts_on_bad_input() {
    let (vm, mut token) = setup();
    for caller in [GOVERNANCE, MEMBERSHIP, alice()] {
        vm.set_sender(caller);
        reverts(&vm, &mut token, unauthorized(caller), |t| {
            t.operator_burn(alice(), nxm(1))
        });
    }
    vm.set_sender(OPERATOR);
    let short = NxmTokenError::InsufficientBalance(InsufficientBalance {
        account: alice(),
        balanceNxm: nxm(100),
        neededNxm: nxm(101),
    });
    reverts(&vm, &mut token, short, |t| {
        t.operator_burn(alice(), nxm(101))
    });
    pause(&vm, &mut token);
    vm.set_sender(OPERATOR);
    reverts(&vm, &mut token, paused(), |t| {
        t.operator_burn(alice(), nxm(1))
    });
}

#[test]
fn operator_mints_into_its_own_custody_only() {
    let (vm, mut token) = setup();
    vm.set_sender(OPERATOR);
    token.mint(OPERATOR, nxm(7)).unwrap();
    assert_eq!(token.balance_of(OPERATOR), nxm(7));
    assert_eq!(token.total_supply(), nxm(107));
    assert_logs(
        &vm,
        vec![log_of(Transfer {
            from: Address::ZERO,
            to: OPERATOR,
            value: nxm(7),
        })],
    );
    // Another operator is not a member: an operator mints only to itself or to members.
    vm.set_sender(GOVERNANCE);
    token.set_operator(CAROL, true).unwrap();
    vm.set_sender(OPERATOR);
    reverts(&vm, &mut token, not_member(CAROL), |t| {
        t.mint(CAROL, nxm(1))
    });
}

#[test]
fn operator_transfers_without_allowance_to_members_and_itself() {
    let (vm, mut token) = setup();
    vm.set_sender(OPERATOR);
    token.operator_transfer(alice(), OPERATOR, nxm(30)).unwrap();
    token.operator_transfer(alice(), BOB, nxm(20)).unwrap();
    assert_eq!(token.balance_of(alice()), nxm(50));
    assert_eq!(token.balance_of(OPERATOR), nxm(30));
    assert_eq!(token.balance_of(BOB), nxm(20));
    assert_eq!(token.total_supply(), nxm(100));
    assert_eq!(token.allowance(alice(), OPERATOR), U256::ZERO);
    assert_logs(
        &vm,
        vec![
            log_of(Transfer {
                from: alice(),
                to: OPERATOR,
                value: nxm(30),
            }),
            log_of(Transfer {
                from: alice(),
                to: BOB,
                value: nxm(20),
            }),
        ],
    );
    // The custody pays out with a plain transfer, to members only.
    token.transfer(BOB, nxm(30)).unwrap();
    assert_eq!(token.balance_of(OPERATOR), U256::ZERO);
    assert_eq!(token.balance_of(BOB), nxm(50));
}

#[test]
fn operator_transfer_reverts_on_bad_input() {
    let (vm, mut token) = setup();
    for caller in [GOVERNANCE, MEMBERSHIP, alice()] {
        vm.set_sender(caller);
        reverts(&vm, &mut token, unauthorized(caller), |t| {
            t.operator_transfer(alice(), BOB, nxm(1))
        });
    }
    vm.set_sender(OPERATOR);
    reverts(&vm, &mut token, not_member(CAROL), |t| {
        t.operator_transfer(alice(), CAROL, nxm(1))
    });
    let short = NxmTokenError::InsufficientBalance(InsufficientBalance {
        account: alice(),
        balanceNxm: nxm(100),
        neededNxm: nxm(101),
    });
    reverts(&vm, &mut token, short, |t| {
        t.operator_transfer(alice(), BOB, nxm(101))
    });
    pause(&vm, &mut token);
    vm.set_sender(OPERATOR);
    reverts(&vm, &mut token, paused(), |t| {
        t.operator_transfer(alice(), BOB, nxm(1))
    });
}

#[test]
fn holders_cannot_send_to_an_operator() {
    // Only the operator itself takes NXM into its custody: a member's transfer to an operator
    // contract (which would strand the NXM there) is refused like any non-member receiver.
    let (vm, mut token) = setup();
    vm.set_sender(alice());
    reverts(&vm, &mut token, not_member(OPERATOR), |t| {
        t.transfer(OPERATOR, nxm(1))
    });
    token.approve(BOB, nxm(5)).unwrap();
    vm.clear_mocks();
    vm.set_sender(BOB);
    reverts(&vm, &mut token, not_member(OPERATOR), |t| {
        t.transfer_from(alice(), OPERATOR, nxm(1))
    });
}

// ----- ERC-20 transfers: members only receive -----

#[test]
fn transfer_between_members() {
    let (vm, mut token) = setup();
    vm.set_sender(alice());
    assert!(token.transfer(BOB, nxm(25)).unwrap());
    assert_eq!(token.balance_of(alice()), nxm(75));
    assert_eq!(token.balance_of(BOB), nxm(25));
    assert_eq!(token.total_supply(), nxm(100));
    assert_logs(
        &vm,
        vec![log_of(Transfer {
            from: alice(),
            to: BOB,
            value: nxm(25),
        })],
    );
}

#[test]
fn transfer_to_self_and_of_zero() {
    let (vm, mut token) = setup();
    vm.set_sender(alice());
    token.transfer(alice(), nxm(100)).unwrap();
    assert_eq!(token.balance_of(alice()), nxm(100));
    token.transfer(BOB, U256::ZERO).unwrap();
    assert_eq!(token.balance_of(BOB), U256::ZERO);
    assert_logs(
        &vm,
        vec![
            log_of(Transfer {
                from: alice(),
                to: alice(),
                value: nxm(100),
            }),
            log_of(Transfer {
                from: alice(),
                to: BOB,
                value: U256::ZERO,
            }),
        ],
    );
}

#[test]
fn former_member_may_send_to_members_but_not_receive() {
    let (vm, mut token) = setup();
    vm.set_sender(MEMBERSHIP);
    token.set_member(alice(), false).unwrap();
    vm.set_sender(alice());
    token.transfer(BOB, nxm(10)).unwrap();
    assert_eq!(token.balance_of(BOB), nxm(10));
    vm.set_sender(BOB);
    reverts(&vm, &mut token, not_member(alice()), |t| {
        t.transfer(alice(), nxm(1))
    });
}

#[test]
fn transfer_reverts_on_bad_input() {
    let (vm, mut token) = setup();
    vm.set_sender(alice());
    reverts(&vm, &mut token, not_member(CAROL), |t| {
        t.transfer(CAROL, nxm(1))
    });
    reverts(&vm, &mut token, not_member(Address::ZERO), |t| {
        t.transfer(Address::ZERO, nxm(1))
    });
    let short = NxmTokenError::InsufficientBalance(InsufficientBalance {
        account: alice(),
        balanceNxm: nxm(100),
        neededNxm: nxm(100) + U256::from(1),
    });
    reverts(&vm, &mut token, short, |t| {
        t.transfer(BOB, nxm(100) + U256::from(1))
    });
    pause(&vm, &mut token);
    vm.set_sender(alice());
    reverts(&vm, &mut token, paused(), |t| t.transfer(BOB, nxm(1)));
}

#[test]
fn approve_sets_allowance_even_while_paused() {
    let (vm, mut token) = setup();
    vm.set_sender(alice());
    assert!(token.approve(BOB, nxm(10)).unwrap());
    assert_eq!(token.allowance(alice(), BOB), nxm(10));
    assert_logs(
        &vm,
        vec![log_of(Approval {
            owner: alice(),
            spender: BOB,
            value: nxm(10),
        })],
    );
    pause(&vm, &mut token);
    vm.set_sender(alice());
    token.approve(BOB, U256::ZERO).unwrap();
    assert_eq!(token.allowance(alice(), BOB), U256::ZERO);
    assert_logs(
        &vm,
        vec![log_of(Approval {
            owner: alice(),
            spender: BOB,
            value: U256::ZERO,
        })],
    );
}

#[test]
fn approve_rejects_zero_spender() {
    let (vm, mut token) = setup();
    vm.set_sender(alice());
    reverts(&vm, &mut token, zero_address(), |t| {
        t.approve(Address::ZERO, nxm(1))
    });
}

#[test]
fn transfer_from_spends_allowance() {
    let (vm, mut token) = setup();
    vm.set_sender(alice());
    token.approve(CAROL, nxm(30)).unwrap();
    vm.clear_mocks();
    // The spender need not be a member; the receiver must.
    vm.set_sender(CAROL);
    assert!(token.transfer_from(alice(), BOB, nxm(20)).unwrap());
    assert_eq!(token.allowance(alice(), CAROL), nxm(10));
    assert_eq!(token.balance_of(alice()), nxm(80));
    assert_eq!(token.balance_of(BOB), nxm(20));
    assert_logs(
        &vm,
        vec![log_of(Transfer {
            from: alice(),
            to: BOB,
            value: nxm(20),
        })],
    );
}

#[test]
fn transfer_from_keeps_unlimited_allowance() {
    let (vm, mut token) = setup();
    vm.set_sender(alice());
    token.approve(BOB, U256::MAX).unwrap();
    vm.set_sender(BOB);
    token.transfer_from(alice(), BOB, nxm(100)).unwrap();
    assert_eq!(token.allowance(alice(), BOB), U256::MAX);
    assert_eq!(token.balance_of(BOB), nxm(100));
}

#[test]
fn transfer_from_reverts_on_bad_input() {
    let (vm, mut token) = setup();
    vm.set_sender(alice());
    token.approve(BOB, nxm(50)).unwrap();
    vm.clear_mocks();
    vm.set_sender(BOB);
    let allowance = NxmTokenError::InsufficientAllowance(InsufficientAllowance {
        owner: alice(),
        spender: BOB,
        allowanceNxm: nxm(50),
        neededNxm: nxm(51),
    });
    reverts(&vm, &mut token, allowance, |t| {
        t.transfer_from(alice(), BOB, nxm(51))
    });
    // A failed receiver check leaves the allowance untouched.
    reverts(&vm, &mut token, not_member(CAROL), |t| {
        t.transfer_from(alice(), CAROL, nxm(10))
    });
    vm.set_sender(MEMBERSHIP);
    token.set_member(CAROL, true).unwrap();
    vm.set_sender(alice());
    token.transfer(CAROL, nxm(90)).unwrap();
    vm.clear_mocks();
    vm.set_sender(BOB);
    let short = NxmTokenError::InsufficientBalance(InsufficientBalance {
        account: alice(),
        balanceNxm: nxm(10),
        neededNxm: nxm(20),
    });
    reverts(&vm, &mut token, short, |t| {
        t.transfer_from(alice(), BOB, nxm(20))
    });
    pause(&vm, &mut token);
    vm.set_sender(BOB);
    reverts(&vm, &mut token, paused(), |t| {
        t.transfer_from(alice(), BOB, nxm(1))
    });
    assert_eq!(token.allowance(alice(), BOB), nxm(50));
}

// ----- EIP-2612 permit -----

sol! {
    /// EIP-2612's typed struct, for alloy's independent EIP-712 hashing.
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }
}

fn domain(vm: &TestVM) -> Eip712Domain {
    let state = vm.snapshot();
    eip712_domain! {
        name: "NXM",
        version: "1",
        chain_id: state.chain_id,
        verifying_contract: state.contract_address,
    }
}

/// An owner's permit signature: `(v, r, s)` over the alloy-computed digest.
struct Signed {
    digest: B256,
    v: u8,
    r: B256,
    s: B256,
}

fn sign(signer: [u8; 32], domain: &Eip712Domain, permit: &Permit) -> Signed {
    let digest = permit.eip712_signing_hash(domain);
    let (signature, recovery) = key(signer)
        .sign_prehash_recoverable(digest.as_slice())
        .unwrap();
    let (r, s) = signature.split_bytes();
    Signed {
        digest,
        v: 27 + recovery.to_byte(),
        r: B256::from_slice(&r),
        s: B256::from_slice(&s),
    }
}

/// Registers, last, what the real `ecrecover` precompile returns for `(digest, v, r, s)`: the
/// signer's address as a 32-byte word, or nothing when it cannot recover one. Like the
/// precompile, it accepts high-s signatures (the contract must reject them itself).
fn mock_ecrecover(vm: &TestVM, digest: B256, v: u8, r: B256, s: B256) {
    let mut input = [0u8; 128];
    input[..32].copy_from_slice(digest.as_slice());
    input[63] = v;
    input[64..96].copy_from_slice(r.as_slice());
    input[96..].copy_from_slice(s.as_slice());
    let output = (|| {
        let parity = v.checked_sub(27).filter(|p| *p < 2)?;
        let mut signature = Signature::from_scalars(r.0, s.0).ok()?;
        let mut recovery = RecoveryId::from_byte(parity)?;
        if let Some(low) = signature.normalize_s() {
            signature = low;
            recovery = RecoveryId::from_byte(parity ^ 1)?;
        }
        let key =
            VerifyingKey::recover_from_prehash(digest.as_slice(), &signature, recovery).ok()?;
        Some(address_of(&key).into_word().to_vec())
    })()
    .unwrap_or_default();
    vm.mock_static_call(ECRECOVER, input.to_vec(), Ok(output));
}

fn permit_of(owner: Address, value: U256, nonce: u64, deadline: u64) -> Permit {
    Permit {
        owner,
        spender: BOB,
        value,
        nonce: U256::from(nonce),
        deadline: U256::from(deadline),
    }
}

fn submit(token: &mut NxmToken, permit: &Permit, signed: &Signed) -> NxmResult<()> {
    token.permit(
        permit.owner,
        permit.spender,
        permit.value,
        permit.deadline,
        signed.v,
        signed.r,
        signed.s,
    )
}

#[test]
fn domain_separator_matches_alloy_eip712() {
    let (vm, token) = setup();
    assert_eq!(token.domain_separator(), domain(&vm).separator());
    vm.set_chain_id(42);
    assert_eq!(token.domain_separator(), domain(&vm).separator());
}

#[test]
fn permit_digest_matches_alloy_eip712() {
    let (vm, token) = setup();
    let permit = Permit {
        owner: alice(),
        spender: CAROL,
        value: nxm(7),
        nonce: U256::from(3),
        deadline: U256::from(1_700_000_000u64),
    };
    let ours = token.permit_digest(
        permit.owner,
        permit.spender,
        permit.value,
        permit.nonce,
        permit.deadline,
    );
    assert_eq!(ours, permit.eip712_signing_hash(&domain(&vm)));
}

#[test]
fn permit_sets_allowance_and_uses_the_nonce() {
    let (vm, mut token) = setup();
    vm.set_block_timestamp(1_000);
    let permit = permit_of(alice(), nxm(30), 0, 2_000);
    let signed = sign(ALICE_KEY, &domain(&vm), &permit);
    mock_ecrecover(&vm, signed.digest, signed.v, signed.r, signed.s);
    vm.set_sender(STRANGER); // anyone may submit the owner's signature
    submit(&mut token, &permit, &signed).unwrap();
    assert_eq!(token.allowance(alice(), BOB), nxm(30));
    assert_eq!(token.nonces(alice()), U256::from(1));
    assert_logs(
        &vm,
        vec![log_of(Approval {
            owner: alice(),
            spender: BOB,
            value: nxm(30),
        })],
    );
    // The spender uses it.
    vm.set_sender(BOB);
    token.transfer_from(alice(), BOB, nxm(30)).unwrap();
    assert_eq!(token.balance_of(BOB), nxm(30));
}

#[test]
fn permit_works_at_the_deadline_and_while_paused() {
    let (vm, mut token) = setup();
    pause(&vm, &mut token);
    vm.set_block_timestamp(2_000);
    let permit = permit_of(alice(), nxm(1), 0, 2_000);
    let signed = sign(ALICE_KEY, &domain(&vm), &permit);
    mock_ecrecover(&vm, signed.digest, signed.v, signed.r, signed.s);
    submit(&mut token, &permit, &signed).unwrap();
    assert_eq!(token.allowance(alice(), BOB), nxm(1));
}

#[test]
fn permit_replay_reverts() {
    let (vm, mut token) = setup();
    let permit = permit_of(alice(), nxm(30), 0, 2_000);
    let signed = sign(ALICE_KEY, &domain(&vm), &permit);
    mock_ecrecover(&vm, signed.digest, signed.v, signed.r, signed.s);
    submit(&mut token, &permit, &signed).unwrap();
    vm.set_sender(BOB);
    token.transfer_from(alice(), BOB, nxm(30)).unwrap();
    vm.clear_mocks();
    // Replayed, the signature is checked against nonce 1: the precompile returns another address.
    let replayed = permit_of(alice(), nxm(30), 1, 2_000).eip712_signing_hash(&domain(&vm));
    mock_ecrecover(&vm, replayed, signed.v, signed.r, signed.s);
    reverts(&vm, &mut token, invalid_signature(), |t| {
        submit(t, &permit, &signed)
    });
    assert_eq!(token.allowance(alice(), BOB), U256::ZERO);
}

#[test]
fn permit_after_deadline_reverts() {
    let (vm, mut token) = setup();
    vm.set_block_timestamp(2_001);
    let permit = permit_of(alice(), nxm(1), 0, 2_000);
    let signed = sign(ALICE_KEY, &domain(&vm), &permit);
    mock_ecrecover(&vm, signed.digest, signed.v, signed.r, signed.s);
    let expired = NxmTokenError::PermitExpired(PermitExpired {
        deadline: U256::from(2_000),
        now: U256::from(2_001),
    });
    reverts(&vm, &mut token, expired, |t| submit(t, &permit, &signed));
}

#[test]
fn permit_by_wrong_signer_reverts() {
    let (vm, mut token) = setup();
    let permit = permit_of(alice(), nxm(1), 0, 2_000);
    let signed = sign(MALLORY_KEY, &domain(&vm), &permit);
    mock_ecrecover(&vm, signed.digest, signed.v, signed.r, signed.s);
    reverts(&vm, &mut token, invalid_signature(), |t| {
        submit(t, &permit, &signed)
    });
}

#[test]
fn permit_for_another_chain_reverts() {
    let (vm, mut token) = setup();
    let permit = permit_of(alice(), nxm(1), 0, 2_000);
    let signed = sign(ALICE_KEY, &domain(&vm), &permit);
    vm.set_chain_id(7);
    let here = permit.eip712_signing_hash(&domain(&vm));
    mock_ecrecover(&vm, here, signed.v, signed.r, signed.s);
    reverts(&vm, &mut token, invalid_signature(), |t| {
        submit(t, &permit, &signed)
    });
}

#[test]
fn permit_with_changed_value_reverts() {
    let (vm, mut token) = setup();
    let permit = permit_of(alice(), nxm(1), 0, 2_000);
    let signed = sign(ALICE_KEY, &domain(&vm), &permit);
    let inflated = permit_of(alice(), nxm(100), 0, 2_000);
    let digest = inflated.eip712_signing_hash(&domain(&vm));
    mock_ecrecover(&vm, digest, signed.v, signed.r, signed.s);
    reverts(&vm, &mut token, invalid_signature(), |t| {
        submit(t, &inflated, &signed)
    });
}

#[test]
fn permit_rejects_high_s_even_though_ecrecover_accepts_it() {
    let (vm, mut token) = setup();
    let permit = permit_of(alice(), nxm(1), 0, 2_000);
    let signed = sign(ALICE_KEY, &domain(&vm), &permit);
    // The malleated twin (r, n - s, flipped v) of a valid signature.
    let n = U256::from_be_bytes(alloy_primitives::hex!(
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
    ));
    let high_s = B256::from(n - U256::from_be_bytes(signed.s.0));
    let high_v = if signed.v == 27 { 28 } else { 27 };
    mock_ecrecover(&vm, signed.digest, high_v, signed.r, high_s);
    assert_eq!(
        vm.snapshot().return_data,
        alice().into_word().to_vec(),
        "the precompile would accept it"
    );
    let twin = Signed {
        digest: signed.digest,
        v: high_v,
        r: signed.r,
        s: high_s,
    };
    reverts(&vm, &mut token, invalid_signature(), |t| {
        submit(t, &permit, &twin)
    });
}

#[test]
fn permit_rejects_v_other_than_27_or_28() {
    let (vm, mut token) = setup();
    let permit = permit_of(alice(), nxm(1), 0, 2_000);
    let signed = sign(ALICE_KEY, &domain(&vm), &permit);
    // The last mock returns Alice: only the contract's own `v` check can reject.
    mock_ecrecover(&vm, signed.digest, signed.v, signed.r, signed.s);
    for v in [0, 1, 29] {
        let bad = Signed {
            digest: signed.digest,
            v,
            r: signed.r,
            s: signed.s,
        };
        reverts(&vm, &mut token, invalid_signature(), |t| {
            submit(t, &permit, &bad)
        });
    }
}

#[test]
fn permit_rejects_unrecoverable_signature() {
    let (vm, mut token) = setup();
    let permit = permit_of(alice(), nxm(1), 0, 2_000);
    let garbage = Signed {
        digest: B256::ZERO,
        v: 27,
        r: B256::ZERO,
        s: B256::ZERO,
    };
    let digest = permit.eip712_signing_hash(&domain(&vm));
    mock_ecrecover(&vm, digest, 27, B256::ZERO, B256::ZERO);
    assert!(
        vm.snapshot().return_data.is_empty(),
        "the precompile returns nothing"
    );
    reverts(&vm, &mut token, invalid_signature(), |t| {
        submit(t, &permit, &garbage)
    });
}

#[test]
fn permit_rejects_zero_spender() {
    let (vm, mut token) = setup();
    let permit = Permit {
        spender: Address::ZERO,
        ..permit_of(alice(), nxm(1), 0, 2_000)
    };
    let signed = sign(ALICE_KEY, &domain(&vm), &permit);
    mock_ecrecover(&vm, signed.digest, signed.v, signed.r, signed.s);
    reverts(&vm, &mut token, zero_address(), |t| {
        submit(t, &permit, &signed)
    });
}

// ----- the ABI as built -----

/// Calls `call` through the contract's router, as the deployed WASM would, and decodes the return.
fn route<C: SolCall>(token: &mut NxmToken, call: C) -> C::Return {
    let calldata = call.abi_encode();
    let selector = u32::from_be_bytes(C::SELECTOR);
    let output = <NxmToken as Router<NxmToken>>::route(token, selector, &calldata[4..])
        .expect("selector routed")
        .expect("call succeeded");
    C::abi_decode_returns(&output).unwrap()
}

#[test]
fn every_interface_method_routes_with_its_abi() {
    use INxmToken::*;
    let (vm, mut token) = setup();
    assert_eq!(route(&mut token, nameCall {}), "NXM");
    assert_eq!(route(&mut token, symbolCall {}), "NXM");
    assert_eq!(route(&mut token, decimalsCall {}), 18);
    assert_eq!(route(&mut token, totalSupplyCall {}), nxm(100));
    assert_eq!(
        route(&mut token, balanceOfCall { account: alice() }),
        nxm(100)
    );
    assert!(route(&mut token, isMemberCall { account: alice() }));
    assert!(route(&mut token, isOperatorCall { account: OPERATOR }));
    assert!(!route(&mut token, pausedCall {}));
    assert_eq!(route(&mut token, governanceCall {}), GOVERNANCE);
    assert_eq!(route(&mut token, membershipCall {}), MEMBERSHIP);
    assert_eq!(route(&mut token, noncesCall { owner: alice() }), U256::ZERO);
    assert_eq!(
        route(&mut token, DOMAIN_SEPARATORCall {}),
        domain(&vm).separator()
    );

    vm.set_sender(alice());
    assert!(route(
        &mut token,
        transferCall {
            to: BOB,
            amountNxm: nxm(10)
        }
    ));
    assert!(route(
        &mut token,
        approveCall {
            spender: BOB,
            amountNxm: nxm(5)
        }
    ));
    assert_eq!(
        route(
            &mut token,
            allowanceCall {
                owner: alice(),
                spender: BOB
            }
        ),
        nxm(5)
    );
    vm.set_sender(BOB);
    assert!(route(
        &mut token,
        transferFromCall {
            from: alice(),
            to: BOB,
            amountNxm: nxm(5)
        }
    ));

    let permit = permit_of(alice(), nxm(3), 0, 2_000);
    let signed = sign(ALICE_KEY, &domain(&vm), &permit);
    mock_ecrecover(&vm, signed.digest, signed.v, signed.r, signed.s);
    route(
        &mut token,
        permitCall {
            owner: alice(),
            spender: BOB,
            value: nxm(3),
            deadline: U256::from(2_000),
            v: signed.v,
            r: signed.r,
            s: signed.s,
        },
    );
    assert_eq!(token.allowance(alice(), BOB), nxm(3));

    vm.set_sender(OPERATOR);
    route(
        &mut token,
        mintCall {
            to: BOB,
            amountNxm: nxm(1),
        },
    );
    route(
        &mut token,
        operatorBurnCall {
            from: BOB,
            amountNxm: nxm(1),
        },
    );
    route(
        &mut token,
        operatorTransferCall {
            from: BOB,
            to: alice(),
            amountNxm: nxm(1),
        },
    );
    vm.set_sender(MEMBERSHIP);
    route(
        &mut token,
        setMemberCall {
            account: CAROL,
            isMember: true,
        },
    );
    route(
        &mut token,
        switchMemberCall {
            from: CAROL,
            to: STRANGER,
        },
    );
    route(&mut token, setPausedCall { paused: true });
    vm.set_sender(GOVERNANCE);
    route(
        &mut token,
        setOperatorCall {
            operator: CAROL,
            enabled: true,
        },
    );
    route(&mut token, setMembershipCall { membership: CAROL });
    route(
        &mut token,
        setGovernanceCall {
            newGovernance: CAROL,
        },
    );
    assert!(token.paused() && token.is_member(STRANGER) && token.is_operator(CAROL));
    assert_eq!((token.membership(), token.governance()), (CAROL, CAROL));
    assert_eq!(token.balance_of(BOB), nxm(14));
}

#[test]
fn reverts_carry_the_interface_errors() {
    let (vm, mut token) = setup();
    vm.set_sender(alice());
    let calldata = INxmToken::transferCall {
        to: CAROL,
        amountNxm: nxm(1),
    }
    .abi_encode();
    let selector = u32::from_be_bytes(calldata[..4].try_into().unwrap());
    let revert = <NxmToken as Router<NxmToken>>::route(&mut token, selector, &calldata[4..])
        .unwrap()
        .unwrap_err();
    assert_eq!(revert, NotMember { account: CAROL }.abi_encode());
    assert_eq!(
        <NxmToken as Router<NxmToken>>::route(&mut token, 0xdead_beef, &[]),
        None
    );
}
