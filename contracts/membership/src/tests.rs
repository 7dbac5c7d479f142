//! Unit tests on stylus-sdk's TestVM. Every call goes through the contract's generated router
//! with calldata encoded from `mutual_interfaces::membership::abi`, so the tests also check that
//! the contract implements the ABI exactly as declared.
//!
//! TestVM answers calls from mocks keyed by exact calldata (an unmocked call succeeds), but the
//! return data any call reads is the *last registered* mock's. The tests are arranged around it:
//! the mock whose answer matters is registered last, and revert payloads that must not disturb
//! the other reads are a zero word (which also reads as `false` / zero NXM). A revert in TestVM
//! does not roll back storage, so "changes nothing" is asserted for reverts before any effect.

use alloy_primitives::{address, keccak256, Address, Bytes as AlloyBytes, B256, U256};
use alloy_sol_types::{eip712_domain, sol, SolCall, SolError, SolEvent, SolStruct, SolValue};
use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use mutual_interfaces::{
    membership::{
        abi::IMembership::{self, IMembershipCalls},
        approval_digest,
        member_state::abi::IMemberStateHolder,
        AdvisoryBoardSeatHeld, AdvisoryBoardSeatSet, AlreadyMember, ApprovalExpired, ContractsSet,
        EthTransferFailed, FeesSwept, FormerMember, GovernanceChanged, InvalidApprovalSigner,
        InvalidSeat, JoiningFeeSet, JoiningFeeTooHigh, KycAuthoritySet, MemberJoined, MemberLeft,
        MemberStateHeld, MembershipSwitched, NotAContract, NotMember, NotPaused, NxmBalanceNotZero,
        PauseConfigured, Paused, StateHolderAlreadyRegistered, StateHolderNotRegistered,
        StateHolderRegistered, StateHolderUnregistered, TooManyStateHolders, Unauthorized,
        UnpauseAlreadyConfirmed, UnpauseConfirmed, WrongJoiningFee, ZeroAddress,
        DEFAULT_JOINING_FEE_ETH, MAX_JOINING_FEE_ETH, MAX_STATE_HOLDERS,
    },
    nxm_token::abi::INxmToken,
    signatures::ECRECOVER,
};
use stylus_sdk::{
    abi::Router,
    testing::{
        constants::{DEFAULT_CHAIN_ID, DEFAULT_CONTRACT_ADDRESS},
        state::VMState,
        TestVM,
    },
};

use crate::Membership;

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const TOKEN: Address = address!("00000000000000000000000000000000000000b1");
const POOL: Address = address!("00000000000000000000000000000000000000b2");
const STAKING: Address = address!("00000000000000000000000000000000000000c1");
const ASSESSMENT: Address = address!("00000000000000000000000000000000000000c2");
const GOVERNANCE_VOTES: Address = address!("00000000000000000000000000000000000000c3");
/// Every registered state holder in the tests (each given code by the harness).
const HOLDERS: [Address; 3] = [STAKING, ASSESSMENT, GOVERNANCE_VOTES];
const ALICE: Address = address!("0000000000000000000000000000000000000a11");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const CAROL: Address = address!("0000000000000000000000000000000000000ca1");
const DAVE: Address = address!("0000000000000000000000000000000000000da7");
const EVE: Address = address!("0000000000000000000000000000000000000e7e");
const STRANGER: Address = address!("0000000000000000000000000000000000000bad");
const NOW: u64 = 1_700_000_000;
const DEADLINE: u64 = NOW + 3_600;

/// secp256k1 group order `n`.
const SECP256K1_ORDER: U256 = U256::from_be_bytes([
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
]);

sol! {
    /// The approval type, declared independently to check the digest against alloy's EIP-712.
    struct MembershipApproval { address member; uint256 nonce; uint256 deadline; }
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_slice(&[seed; 32]).unwrap()
}

fn address_of(key: &VerifyingKey) -> Address {
    let point = key.to_encoded_point(false);
    Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..])
}

/// A 65-byte `r ‖ s ‖ v` signature of `digest` (k256 signs with low `s`).
fn sign(key: &SigningKey, digest: B256) -> Vec<u8> {
    let (signature, recovery_id) = key.sign_prehash_recoverable(digest.as_slice()).unwrap();
    let mut bytes = signature.to_bytes().to_vec();
    bytes.push(27 + recovery_id.to_byte());
    bytes
}

/// What the ecrecover precompile returns for this input: the recovered address as a word, or
/// nothing when recovery fails (the precompile itself does not check `s`).
fn ecrecover_output(digest: B256, signature: &[u8]) -> Vec<u8> {
    let recovered = Signature::from_slice(&signature[..64])
        .ok()
        .and_then(|sig| {
            let mut recovery_id = RecoveryId::from_byte(signature[64].checked_sub(27)?)?;
            // k256 recovers low-s signatures only; (r, n − s, ¬v) recovers the same key as (r, s, v).
            let sig = match sig.normalize_s() {
                Some(low_s) => {
                    recovery_id =
                        RecoveryId::new(!recovery_id.is_y_odd(), recovery_id.is_x_reduced());
                    low_s
                }
                None => sig,
            };
            VerifyingKey::recover_from_prehash(digest.as_slice(), &sig, recovery_id).ok()
        });
    recovered.map_or_else(Vec::new, |key| address_of(&key).into_word().to_vec())
}

fn word(value: u64) -> Vec<u8> {
    U256::from(value).to_be_bytes::<32>().to_vec()
}

/// A contract on a TestVM, built through its constructor and wired to the token and pool.
struct Harness {
    vm: TestVM,
    contract: Membership,
    kyc: SigningKey,
}

impl Harness {
    fn new() -> Self {
        let mut harness = Self::constructed();
        harness.ok(
            GOVERNANCE,
            IMembership::setContractsCall {
                nxmToken: TOKEN,
                capitalPool: POOL,
            },
        );
        harness
    }

    /// Constructed, not yet wired.
    fn constructed() -> Self {
        let vm = TestVM::default();
        vm.set_block_timestamp(NOW);
        for contract in [TOKEN, POOL].into_iter().chain(HOLDERS) {
            vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
        }
        let mut contract = Membership::from(&vm);
        let kyc = key(7);
        let args = (GOVERNANCE, address_of(kyc.verifying_key())).abi_encode_params();
        <Membership as Router<Membership>>::constructor(&mut contract, &args)
            .unwrap()
            .unwrap();
        Self { vm, contract, kyc }
    }

    fn kyc_address(&self) -> Address {
        address_of(self.kyc.verifying_key())
    }

    /// Routes `call` from `from` with `value`, as the deployed contract would.
    fn call_with_value<C: SolCall>(
        &mut self,
        from: Address,
        value: U256,
        call: C,
    ) -> Result<C::Return, Vec<u8>> {
        self.vm.set_sender(from);
        self.vm.set_value(value);
        let calldata = call.abi_encode();
        let selector = u32::from_be_bytes(calldata[..4].try_into().unwrap());
        let output =
            <Membership as Router<Membership>>::route(&mut self.contract, selector, &calldata[4..])
                .expect("the contract routes every selector of IMembership");
        output
            .map(|returned| C::abi_decode_returns(&returned).expect("return data matches the ABI"))
    }

    fn call<C: SolCall>(&mut self, from: Address, call: C) -> Result<C::Return, Vec<u8>> {
        self.call_with_value(from, U256::ZERO, call)
    }

    fn ok<C: SolCall>(&mut self, from: Address, call: C) -> C::Return {
        self.call(from, call)
            .unwrap_or_else(|err| panic!("reverted: {err:02x?}"))
    }

    fn view<C: SolCall>(&mut self, call: C) -> C::Return {
        self.ok(STRANGER, call)
    }

    fn state(&self) -> VMState {
        self.vm.snapshot()
    }

    /// Asserts that `call` reverts with exactly `error`, leaving storage and logs untouched.
    fn expect_revert<C: SolCall, E: SolError>(
        &mut self,
        from: Address,
        value: U256,
        call: C,
        error: E,
    ) {
        let before = self.state();
        let result = self.call_with_value(from, value, call);
        assert_eq!(
            result.err(),
            Some(error.abi_encode()),
            "expected {}",
            E::SIGNATURE
        );
        let after = self.state();
        assert_eq!(before.storage, after.storage, "a revert changed storage");
        assert_eq!(
            before.emitted_logs, after.emitted_logs,
            "a revert emitted a log"
        );
    }

    fn logs_since(&self, mark: usize) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.vm.get_emitted_logs()[mark..].to_vec()
    }

    fn log_mark(&self) -> usize {
        self.vm.get_emitted_logs().len()
    }

    fn digest(&mut self, member: Address, nonce: u64, deadline: u64) -> B256 {
        self.view(IMembership::approvalDigestCall {
            member,
            nonce: U256::from(nonce),
            deadline: U256::from(deadline),
        })
    }

    /// The KYC authority's approval of (`member`, `nonce`, `DEADLINE`), with the ecrecover
    /// precompile mocked for it (registered last: its answer is the one join reads).
    fn approval(&mut self, member: Address, nonce: u64) -> Vec<u8> {
        let digest = self.digest(member, nonce, DEADLINE);
        let signature = sign(&self.kyc, digest);
        self.mock_ecrecover(digest, &signature);
        signature
    }

    /// Mocks the ecrecover precompile for (`digest`, `signature`) with its true answer.
    fn mock_ecrecover(&self, digest: B256, signature: &[u8]) {
        let mut input = [0u8; 128];
        input[..32].copy_from_slice(digest.as_slice());
        input[63] = signature[64];
        input[64..].copy_from_slice(&signature[..64]);
        self.vm.mock_static_call(
            ECRECOVER,
            input.to_vec(),
            Ok(ecrecover_output(digest, signature)),
        );
    }

    fn join_call(
        member: Address,
        nonce: u64,
        deadline: u64,
        signature: Vec<u8>,
    ) -> IMembership::joinCall {
        IMembership::joinCall {
            member,
            nonce: U256::from(nonce),
            deadline: U256::from(deadline),
            signature: AlloyBytes::from(signature),
        }
    }

    /// `member` joins with a fresh approval and the default fee.
    fn join(&mut self, member: Address, nonce: u64) {
        let signature = self.approval(member, nonce);
        let call = Self::join_call(member, nonce, DEADLINE, signature);
        self.call_with_value(STRANGER, DEFAULT_JOINING_FEE_ETH, call)
            .unwrap();
    }

    fn set_seat(&mut self, seat: u8, account: Address) {
        self.ok(
            GOVERNANCE,
            IMembership::setAdvisoryBoardSeatCall { seat, account },
        );
    }

    fn register(&mut self, holder: Address) {
        self.ok(GOVERNANCE, IMembership::registerStateHolderCall { holder });
    }

    fn state_holders(&mut self) -> Vec<Address> {
        self.view(IMembership::stateHoldersCall {})
    }

    /// Mocks `hasMemberState(member)` on `holder`.
    fn mock_state(&self, holder: Address, member: Address, result: Result<Vec<u8>, Vec<u8>>) {
        let calldata = IMemberStateHolder::hasMemberStateCall { member }.abi_encode();
        self.vm.mock_static_call(holder, calldata, result);
    }

    /// `account` leaves (no state holder, zero NXM).
    fn leave(&mut self, account: Address) {
        self.mock_balance(account, 0);
        self.ok(account, IMembership::leaveCall {});
    }

    /// `(confirmations, needed, confirmedSeats)`.
    fn confirmations(&mut self) -> (u8, u8, u8) {
        let tally = self.view(IMembership::unpauseConfirmationsCall {});
        (tally.confirmations, tally.needed, tally.confirmedSeats)
    }

    fn paused(&mut self) -> bool {
        self.view(IMembership::pausedCall {})
    }

    /// Mocks the token's `balanceOf(account)`.
    fn mock_balance(&self, account: Address, balance_nxm: u64) {
        let calldata = INxmToken::balanceOfCall { account }.abi_encode();
        self.vm
            .mock_static_call(TOKEN, calldata, Ok(word(balance_nxm)));
    }

    fn is_member(&mut self, account: Address) -> bool {
        self.view(IMembership::isMemberCall { account })
    }
}

fn log<E: SolEvent>(event: E) -> (Vec<B256>, Vec<u8>) {
    let log = event.encode_log_data();
    (log.topics().to_vec(), log.data.to_vec())
}

// --- ABI and construction ---

#[test]
fn routes_every_declared_selector() {
    let mut harness = Harness::new();
    for selector in IMembershipCalls::SELECTORS {
        let routed = <Membership as Router<Membership>>::route(
            &mut harness.contract,
            u32::from_be_bytes(*selector),
            &[],
        );
        assert!(
            routed.is_some(),
            "selector {selector:02x?} is not implemented"
        );
    }
}

#[test]
fn constructor_sets_roles_and_default_fee() {
    let mut harness = Harness::constructed();
    let kyc = harness.kyc_address();
    assert_eq!(harness.view(IMembership::governanceCall {}), GOVERNANCE);
    assert_eq!(harness.view(IMembership::kycAuthorityCall {}), kyc);
    assert_eq!(
        harness.view(IMembership::joiningFeeCall {}),
        U256::from(2_000_000_000_000_000u64)
    );
    assert_eq!(harness.view(IMembership::memberCountCall {}), 0);
    assert!(!harness.view(IMembership::pausedCall {}));
    let contracts = harness.view(IMembership::contractsCall {});
    assert_eq!((contracts._0, contracts._1), (Address::ZERO, Address::ZERO));
    assert_eq!(
        harness.vm.get_emitted_logs(),
        vec![
            log(GovernanceChanged {
                previousGovernance: Address::ZERO,
                newGovernance: GOVERNANCE
            }),
            log(KycAuthoritySet { kycAuthority: kyc }),
            log(JoiningFeeSet {
                joiningFeeEth: DEFAULT_JOINING_FEE_ETH
            }),
        ]
    );
}

#[test]
fn constructor_rejects_zero_addresses_and_runs_once() {
    for (governance, kyc) in [(Address::ZERO, ALICE), (GOVERNANCE, Address::ZERO)] {
        let vm = TestVM::default();
        let mut contract = Membership::from(&vm);
        let args = (governance, kyc).abi_encode_params();
        let result = <Membership as Router<Membership>>::constructor(&mut contract, &args).unwrap();
        assert_eq!(result, Err(ZeroAddress {}.abi_encode()));
    }
    let mut harness = Harness::constructed();
    let args = (STRANGER, STRANGER).abi_encode_params();
    let again =
        <Membership as Router<Membership>>::constructor(&mut harness.contract, &args).unwrap();
    assert!(again.is_err());
    assert_eq!(harness.view(IMembership::governanceCall {}), GOVERNANCE);
}

// --- join ---

#[test]
fn approval_digest_is_eip712() {
    let mut harness = Harness::new();
    let digest = harness.digest(ALICE, 5, DEADLINE);
    let domain = eip712_domain! {
        name: "Mutual Membership",
        version: "1",
        chain_id: DEFAULT_CHAIN_ID,
        verifying_contract: DEFAULT_CONTRACT_ADDRESS,
    };
    let approval = MembershipApproval {
        member: ALICE,
        nonce: U256::from(5),
        deadline: U256::from(DEADLINE),
    };
    assert_eq!(digest, approval.eip712_signing_hash(&domain));
    assert_eq!(
        digest,
        approval_digest(
            DEFAULT_CHAIN_ID,
            DEFAULT_CONTRACT_ADDRESS,
            ALICE,
            U256::from(5),
            U256::from(DEADLINE)
        )
    );
}

#[test]
fn join_registers_member_and_emits() {
    let mut harness = Harness::new();
    let signature = harness.approval(ALICE, 1);
    assert!(!harness.view(IMembership::hasBeenMemberCall { account: ALICE }));
    let mark = harness.log_mark();
    let call = Harness::join_call(ALICE, 1, DEADLINE, signature);
    harness
        .call_with_value(STRANGER, DEFAULT_JOINING_FEE_ETH, call)
        .unwrap();

    assert!(harness.is_member(ALICE));
    assert_eq!(
        harness.view(IMembership::memberIdCall { account: ALICE }),
        1
    );
    assert_eq!(harness.view(IMembership::memberCountCall {}), 1);
    assert!(harness.view(IMembership::hasBeenMemberCall { account: ALICE }));
    assert_eq!(
        harness.logs_since(mark),
        vec![log(MemberJoined {
            member: ALICE,
            memberId: 1,
            nonce: U256::from(1),
            feeEth: DEFAULT_JOINING_FEE_ETH
        })]
    );

    harness.join(BOB, 2);
    assert_eq!(harness.view(IMembership::memberIdCall { account: BOB }), 2);
    assert_eq!(harness.view(IMembership::memberCountCall {}), 2);
    assert_eq!(
        harness.view(IMembership::memberIdCall { account: CAROL }),
        0
    );
    assert!(!harness.is_member(CAROL));
}

#[test]
fn join_accepts_the_deadline_second() {
    let mut harness = Harness::new();
    let digest = harness.digest(ALICE, 1, NOW);
    let signature = sign(&harness.kyc, digest);
    harness.mock_ecrecover(digest, &signature);
    let call = Harness::join_call(ALICE, 1, NOW, signature);
    harness
        .call_with_value(ALICE, DEFAULT_JOINING_FEE_ETH, call)
        .unwrap();
    assert!(harness.is_member(ALICE));
}

#[test]
fn join_tells_the_token() {
    let mut harness = Harness::new();
    // The token's revert payload equals the recovered-signer word, the last mock's data that
    // TestVM hands to every read (see the module doc).
    let kyc_word = harness.kyc_address().into_word().to_vec();
    let calldata = INxmToken::setMemberCall {
        account: ALICE,
        isMember: true,
    }
    .abi_encode();
    harness
        .vm
        .mock_call(TOKEN, calldata, U256::ZERO, Err(kyc_word.clone()));
    let signature = harness.approval(ALICE, 1);
    let call = Harness::join_call(ALICE, 1, DEADLINE, signature);
    assert_eq!(
        harness
            .call_with_value(ALICE, DEFAULT_JOINING_FEE_ETH, call)
            .err(),
        Some(kyc_word)
    );
}

#[test]
fn join_keeps_the_fee_here() {
    let mut harness = Harness::new();
    // Any call to the pool, with the fee or without, would revert: join makes none.
    for value in [DEFAULT_JOINING_FEE_ETH, U256::ZERO] {
        harness
            .vm
            .mock_call(POOL, Vec::new(), value, Err(Vec::new()));
    }
    let signature = harness.approval(ALICE, 1);
    let mark = harness.log_mark();
    let call = Harness::join_call(ALICE, 1, DEADLINE, signature);
    harness
        .call_with_value(ALICE, DEFAULT_JOINING_FEE_ETH, call)
        .unwrap();
    assert!(harness.is_member(ALICE));
    assert_eq!(
        harness.logs_since(mark),
        vec![log(MemberJoined {
            member: ALICE,
            memberId: 1,
            nonce: U256::from(1),
            feeEth: DEFAULT_JOINING_FEE_ETH
        })],
        "no FeesSwept: the fee waits for a sweep"
    );
}

#[test]
fn join_with_zero_fee_sends_nothing() {
    let mut harness = Harness::new();
    harness.ok(
        GOVERNANCE,
        IMembership::setJoiningFeeCall {
            joiningFeeEth: U256::ZERO,
        },
    );
    harness
        .vm
        .mock_call(POOL, Vec::new(), U256::ZERO, Err(Vec::new()));
    let signature = harness.approval(ALICE, 1);
    harness
        .call(ALICE, Harness::join_call(ALICE, 1, DEADLINE, signature))
        .unwrap();
    assert!(harness.is_member(ALICE));
}

#[test]
fn join_rejects_a_replayed_approval() {
    let mut harness = Harness::new();
    let signature = harness.approval(ALICE, 1);
    let call = Harness::join_call(ALICE, 1, DEADLINE, signature);
    harness
        .call_with_value(STRANGER, DEFAULT_JOINING_FEE_ETH, call.clone())
        .unwrap();
    // While Alice is a member, her approval (or any other naming her) is spent.
    harness.expect_revert(
        STRANGER,
        DEFAULT_JOINING_FEE_ETH,
        call.clone(),
        AlreadyMember { account: ALICE },
    );
    // After she leaves, it stays spent: no replay map, her record is kept.
    harness.leave(ALICE);
    harness.expect_revert(
        ALICE,
        DEFAULT_JOINING_FEE_ETH,
        call,
        FormerMember { account: ALICE },
    );
}

#[test]
fn join_after_leave_is_refused_whatever_the_approval() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.leave(ALICE);
    assert!(!harness.is_member(ALICE));
    assert!(harness.view(IMembership::hasBeenMemberCall { account: ALICE }));
    // A fresh approval (new nonce, valid signature) does not help: an address joins once.
    let signature = harness.approval(ALICE, 2);
    harness.expect_revert(
        STRANGER,
        DEFAULT_JOINING_FEE_ETH,
        Harness::join_call(ALICE, 2, DEADLINE, signature),
        FormerMember { account: ALICE },
    );
    assert_eq!(harness.view(IMembership::memberCountCall {}), 0);
    // Ids are never reissued: the next member gets 2.
    harness.join(BOB, 3);
    assert_eq!(harness.view(IMembership::memberIdCall { account: BOB }), 2);
    assert_eq!(
        harness.view(IMembership::memberIdCall { account: ALICE }),
        0
    );
}

#[test]
fn join_after_switch_away_is_refused() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.ok(
        ALICE,
        IMembership::switchMembershipCall { newAddress: CAROL },
    );
    assert!(harness.view(IMembership::hasBeenMemberCall { account: ALICE }));
    assert!(harness.view(IMembership::hasBeenMemberCall { account: CAROL }));
    let signature = harness.approval(ALICE, 2);
    harness.expect_revert(
        STRANGER,
        DEFAULT_JOINING_FEE_ETH,
        Harness::join_call(ALICE, 2, DEADLINE, signature),
        FormerMember { account: ALICE },
    );
    // Carol, the new address, is a member: her approvals are spent too.
    let signature = harness.approval(CAROL, 3);
    harness.expect_revert(
        STRANGER,
        DEFAULT_JOINING_FEE_ETH,
        Harness::join_call(CAROL, 3, DEADLINE, signature),
        AlreadyMember { account: CAROL },
    );
}

#[test]
fn join_rejects_a_wrong_signer() {
    let mut harness = Harness::new();
    let kyc = harness.kyc_address();
    let impostor = key(9);
    let digest = harness.digest(ALICE, 1, DEADLINE);
    let signature = sign(&impostor, digest);
    harness.mock_ecrecover(digest, &signature);
    let error = InvalidApprovalSigner {
        signer: address_of(impostor.verifying_key()),
        kycAuthority: kyc,
    };
    harness.expect_revert(
        ALICE,
        DEFAULT_JOINING_FEE_ETH,
        Harness::join_call(ALICE, 1, DEADLINE, signature),
        error,
    );
}

#[test]
fn join_rejects_an_approval_for_another_member_nonce_or_deadline() {
    let mut harness = Harness::new();
    let kyc = harness.kyc_address();
    let signed = harness.digest(BOB, 1, DEADLINE);
    let signature = sign(&harness.kyc, signed);
    for (member, nonce, deadline) in [
        (ALICE, 1, DEADLINE),
        (BOB, 2, DEADLINE),
        (BOB, 1, DEADLINE + 1),
    ] {
        let digest = harness.digest(member, nonce, deadline);
        harness.mock_ecrecover(digest, &signature);
        let recovered = Address::from_word(B256::from_slice(&ecrecover_output(digest, &signature)));
        assert_ne!(recovered, kyc);
        let call = Harness::join_call(member, nonce, deadline, signature.clone());
        let error = InvalidApprovalSigner {
            signer: recovered,
            kycAuthority: kyc,
        };
        harness.expect_revert(ALICE, DEFAULT_JOINING_FEE_ETH, call, error);
    }
}

#[test]
fn join_rejects_another_chain_or_contract() {
    let mut harness = Harness::new();
    let kyc = harness.kyc_address();
    let here = DEFAULT_CONTRACT_ADDRESS;
    let nonce = U256::from(1);
    let deadline = U256::from(DEADLINE);
    let digest = harness.digest(ALICE, 1, DEADLINE);
    for (chain_id, contract) in [(1, here), (DEFAULT_CHAIN_ID, CAROL)] {
        let signature = sign(
            &harness.kyc,
            approval_digest(chain_id, contract, ALICE, nonce, deadline),
        );
        harness.mock_ecrecover(digest, &signature);
        let recovered = Address::from_word(B256::from_slice(&ecrecover_output(digest, &signature)));
        let error = InvalidApprovalSigner {
            signer: recovered,
            kycAuthority: kyc,
        };
        harness.expect_revert(
            ALICE,
            DEFAULT_JOINING_FEE_ETH,
            Harness::join_call(ALICE, 1, DEADLINE, signature),
            error,
        );
    }
}

#[test]
fn join_rejects_high_s_and_malformed_signatures() {
    let mut harness = Harness::new();
    let kyc = harness.kyc_address();
    let digest = harness.digest(ALICE, 1, DEADLINE);
    let signature = sign(&harness.kyc, digest);
    // The malleated twin (n − s, flipped v) recovers the KYC authority in the precompile: only
    // the contract's low-s rule rejects it.
    let s = U256::from_be_slice(&signature[32..64]);
    let mut high_s = signature.clone();
    high_s[32..64].copy_from_slice(&(SECP256K1_ORDER - s).to_be_bytes::<32>());
    high_s[64] = if high_s[64] == 27 { 28 } else { 27 };
    harness.mock_ecrecover(digest, &high_s);
    assert_eq!(ecrecover_output(digest, &high_s), kyc.into_word().to_vec());
    let mut bad_v = signature.clone();
    bad_v[64] = 29;
    let error = InvalidApprovalSigner {
        signer: Address::ZERO,
        kycAuthority: kyc,
    };
    for malformed in [
        high_s,
        bad_v,
        signature[..64].to_vec(),
        [signature.clone(), vec![0]].concat(),
        Vec::new(),
    ] {
        let call = Harness::join_call(ALICE, 1, DEADLINE, malformed);
        harness.expect_revert(ALICE, DEFAULT_JOINING_FEE_ETH, call, error.clone());
    }
}

#[test]
fn join_rejects_an_unrecoverable_signature() {
    let mut harness = Harness::new();
    let kyc = harness.kyc_address();
    let digest = harness.digest(ALICE, 1, DEADLINE);
    let mut signature = vec![0u8; 65];
    signature[31] = 1;
    signature[63] = 1;
    signature[64] = 27;
    // The precompile returns no data for a point off the curve.
    harness.vm.mock_static_call(
        ECRECOVER,
        [digest.to_vec(), word(27), word(1), word(1)].concat(),
        Ok(Vec::new()),
    );
    let error = InvalidApprovalSigner {
        signer: Address::ZERO,
        kycAuthority: kyc,
    };
    harness.expect_revert(
        ALICE,
        DEFAULT_JOINING_FEE_ETH,
        Harness::join_call(ALICE, 1, DEADLINE, signature),
        error,
    );
}

#[test]
fn join_rejects_an_expired_approval() {
    let mut harness = Harness::new();
    let digest = harness.digest(ALICE, 1, NOW - 1);
    let signature = sign(&harness.kyc, digest);
    harness.mock_ecrecover(digest, &signature);
    let error = ApprovalExpired {
        deadline: U256::from(NOW - 1),
        blockTimestamp: U256::from(NOW),
    };
    harness.expect_revert(
        ALICE,
        DEFAULT_JOINING_FEE_ETH,
        Harness::join_call(ALICE, 1, NOW - 1, signature),
        error,
    );
}

#[test]
fn join_rejects_a_wrong_fee() {
    let mut harness = Harness::new();
    let signature = harness.approval(ALICE, 1);
    for value in [
        U256::ZERO,
        DEFAULT_JOINING_FEE_ETH - U256::from(1),
        DEFAULT_JOINING_FEE_ETH + U256::from(1),
    ] {
        let call = Harness::join_call(ALICE, 1, DEADLINE, signature.clone());
        let error = WrongJoiningFee {
            valueEth: value,
            joiningFeeEth: DEFAULT_JOINING_FEE_ETH,
        };
        harness.expect_revert(ALICE, value, call, error);
    }
    // A fee set by governance is the new exact price.
    let fee = U256::from(5_000_000_000_000_000u64);
    harness.ok(
        GOVERNANCE,
        IMembership::setJoiningFeeCall { joiningFeeEth: fee },
    );
    let call = Harness::join_call(ALICE, 1, DEADLINE, signature.clone());
    let error = WrongJoiningFee {
        valueEth: DEFAULT_JOINING_FEE_ETH,
        joiningFeeEth: fee,
    };
    harness.expect_revert(ALICE, DEFAULT_JOINING_FEE_ETH, call, error);
    harness
        .call_with_value(
            ALICE,
            fee,
            Harness::join_call(ALICE, 1, DEADLINE, signature),
        )
        .unwrap();
    assert!(harness.is_member(ALICE));
}

#[test]
fn join_rejects_zero_and_existing_members() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    let signature = harness.approval(Address::ZERO, 2);
    let call = Harness::join_call(Address::ZERO, 2, DEADLINE, signature);
    harness.expect_revert(ALICE, DEFAULT_JOINING_FEE_ETH, call, ZeroAddress {});
    let signature = harness.approval(ALICE, 3);
    let call = Harness::join_call(ALICE, 3, DEADLINE, signature);
    harness.expect_revert(
        ALICE,
        DEFAULT_JOINING_FEE_ETH,
        call,
        AlreadyMember { account: ALICE },
    );
}

#[test]
fn join_needs_the_token_wired() {
    let mut harness = Harness::constructed();
    let signature = harness.approval(ALICE, 1);
    let call = Harness::join_call(ALICE, 1, DEADLINE, signature);
    harness.expect_revert(ALICE, DEFAULT_JOINING_FEE_ETH, call, ZeroAddress {});
}

#[test]
fn join_waits_while_paused() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.set_seat(0, ALICE);
    harness.ok(ALICE, IMembership::pauseCall {});
    let signature = harness.approval(BOB, 2);
    harness.expect_revert(
        BOB,
        DEFAULT_JOINING_FEE_ETH,
        Harness::join_call(BOB, 2, DEADLINE, signature),
        Paused {},
    );
}

#[test]
fn a_join_writes_two_slots_and_a_leave_two() {
    // The storage layout the gas analysis relies on: join and leave touch the counters slot
    // (slot 0: token, pause flag, member count, last id, state-holder count) and the member's
    // record, nothing else.
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    let before = harness.state().storage;
    harness.join(BOB, 2);
    let after = harness.state().storage;
    let changed = |before: &std::collections::HashMap<U256, B256>,
                   after: &std::collections::HashMap<U256, B256>| {
        let mut keys: Vec<U256> = after
            .iter()
            .filter(|(key, value)| before.get(key) != Some(value))
            .map(|(key, _)| *key)
            .collect();
        keys.sort();
        keys
    };
    let record_slot = |account: Address| {
        // StorageMap<Address, _> at slot 4: keccak256(pad32(key) ‖ slot).
        let mut preimage = [0u8; 64];
        preimage[12..32].copy_from_slice(account.as_slice());
        preimage[63] = 4;
        U256::from_be_bytes(keccak256(preimage).0)
    };
    assert_eq!(changed(&before, &after), {
        let mut keys = vec![U256::ZERO, record_slot(BOB)];
        keys.sort();
        keys
    });
    // Slot 0, low bytes first: token (20), paused (1), member count (5), last id (5), holders (1).
    let mut slot0 = [0u8; 32];
    slot0[12..].copy_from_slice(TOKEN.as_slice());
    slot0[10] = 2; // member count
    slot0[5] = 2; // last member id
    assert_eq!(after[&U256::ZERO], B256::from(slot0));
    // Bob's record: id 2, no seat, not former.
    assert_eq!(after[&record_slot(BOB)], B256::from(U256::from(2)));
    // Slot 1: KYC authority (20) then the joining fee (12).
    let mut slot1 = [0u8; 32];
    slot1[12..].copy_from_slice(harness.kyc_address().as_slice());
    slot1[..12].copy_from_slice(&DEFAULT_JOINING_FEE_ETH.to_be_bytes::<32>()[20..]);
    assert_eq!(after[&U256::from(1)], B256::from(slot1));

    harness.mock_balance(BOB, 0);
    harness.ok(BOB, IMembership::leaveCall {});
    let left = harness.state().storage;
    assert_eq!(changed(&after, &left), {
        let mut keys = vec![U256::ZERO, record_slot(BOB)];
        keys.sort();
        keys
    });
    // The record keeps the id and gains the former flag (bit 48).
    assert_eq!(
        left[&record_slot(BOB)],
        B256::from(U256::from(2) | (U256::from(1) << 48))
    );
}

// --- sweepFees ---

#[test]
fn sweep_sends_the_whole_balance_to_the_pool() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.join(BOB, 2);
    // TestVM does not move balances: the contract's balance is set to what the joins paid.
    let fees = DEFAULT_JOINING_FEE_ETH * U256::from(2);
    harness.vm.set_balance(DEFAULT_CONTRACT_ADDRESS, fees);
    let mark = harness.log_mark();
    let swept = harness.ok(STRANGER, IMembership::sweepFeesCall {});
    assert_eq!(swept, fees);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(FeesSwept { amountEth: fees })]
    );
}

#[test]
fn sweep_is_open_to_anyone_even_while_paused() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.set_seat(0, ALICE);
    harness.ok(ALICE, IMembership::pauseCall {});
    let amount = U256::from(12_345u64);
    for caller in [STRANGER, ALICE, GOVERNANCE, POOL] {
        harness.vm.set_balance(DEFAULT_CONTRACT_ADDRESS, amount);
        let mark = harness.log_mark();
        assert_eq!(harness.ok(caller, IMembership::sweepFeesCall {}), amount);
        assert_eq!(
            harness.logs_since(mark),
            vec![log(FeesSwept { amountEth: amount })]
        );
    }
}

#[test]
fn sweep_with_nothing_to_sweep_is_a_no_op() {
    let mut harness = Harness::new();
    // A call to the pool would revert: with a zero balance there is none.
    harness
        .vm
        .mock_call(POOL, Vec::new(), U256::ZERO, Err(Vec::new()));
    let before = harness.state();
    assert_eq!(
        harness.ok(STRANGER, IMembership::sweepFeesCall {}),
        U256::ZERO
    );
    let after = harness.state();
    assert_eq!(before.storage, after.storage);
    assert_eq!(before.emitted_logs, after.emitted_logs, "no FeesSwept(0)");
}

#[test]
fn sweep_reverts_when_the_pool_refuses() {
    let mut harness = Harness::new();
    let amount = DEFAULT_JOINING_FEE_ETH * U256::from(3);
    harness.vm.set_balance(DEFAULT_CONTRACT_ADDRESS, amount);
    harness
        .vm
        .mock_call(POOL, Vec::new(), amount, Err(b"no".to_vec()));
    let before = harness.state();
    let result = harness.call(STRANGER, IMembership::sweepFeesCall {});
    assert_eq!(
        result.err(),
        Some(
            EthTransferFailed {
                to: POOL,
                amountEth: amount
            }
            .abi_encode()
        )
    );
    // The transaction reverts whole on a chain (FeesSwept included: the devnode test checks
    // it); TestVM keeps logs of a reverted call, so only storage is compared here.
    assert_eq!(before.storage, harness.state().storage);
}

#[test]
fn sweep_needs_the_pool() {
    let mut harness = Harness::constructed();
    harness
        .vm
        .set_balance(DEFAULT_CONTRACT_ADDRESS, DEFAULT_JOINING_FEE_ETH);
    harness.expect_revert(
        STRANGER,
        U256::ZERO,
        IMembership::sweepFeesCall {},
        ZeroAddress {},
    );
}

// --- leave ---

#[test]
fn leave_unregisters_and_emits() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.join(BOB, 2);
    for holder in HOLDERS {
        harness.register(holder);
        harness.mock_state(holder, ALICE, Ok(word(0)));
    }
    harness.mock_balance(ALICE, 0);
    let mark = harness.log_mark();
    harness.ok(ALICE, IMembership::leaveCall {});
    assert!(!harness.is_member(ALICE));
    assert!(harness.view(IMembership::hasBeenMemberCall { account: ALICE }));
    assert_eq!(
        harness.view(IMembership::memberIdCall { account: ALICE }),
        0
    );
    assert_eq!(harness.view(IMembership::memberCountCall {}), 1);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(MemberLeft {
            member: ALICE,
            memberId: 1
        })]
    );
    // A former member is no member for every rule: it cannot leave again or hold a seat.
    harness.expect_revert(
        ALICE,
        U256::ZERO,
        IMembership::leaveCall {},
        NotMember { account: ALICE },
    );
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        IMembership::setAdvisoryBoardSeatCall {
            seat: 0,
            account: ALICE,
        },
        NotMember { account: ALICE },
    );
}

#[test]
fn leave_tells_the_token() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.mock_balance(ALICE, 0);
    // A zero-word payload keeps the balance read at zero (see the module doc).
    let calldata = INxmToken::setMemberCall {
        account: ALICE,
        isMember: false,
    }
    .abi_encode();
    harness
        .vm
        .mock_call(TOKEN, calldata, U256::ZERO, Err(word(0)));
    assert_eq!(
        harness.call(ALICE, IMembership::leaveCall {}).err(),
        Some(word(0))
    );
}

#[test]
fn leave_rejects_non_members() {
    let mut harness = Harness::new();
    harness.expect_revert(
        ALICE,
        U256::ZERO,
        IMembership::leaveCall {},
        NotMember { account: ALICE },
    );
}

#[test]
fn leave_rejects_a_member_with_nxm() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.mock_balance(ALICE, 1);
    harness.expect_revert(
        ALICE,
        U256::ZERO,
        IMembership::leaveCall {},
        NxmBalanceNotZero {
            balanceNxm: U256::from(1),
        },
    );
}

#[test]
fn leave_asks_every_registered_state_holder() {
    // With three holders registered, make the holder at `position` revert (with a zero word,
    // so the others read `false`; see the module doc): its revert comes back, so it was asked
    // after the ones before it answered `false`.
    for position in 0..HOLDERS.len() {
        let mut harness = Harness::new();
        harness.join(ALICE, 1);
        for holder in HOLDERS {
            harness.register(holder);
        }
        harness.mock_balance(ALICE, 0);
        for (index, holder) in HOLDERS.into_iter().enumerate() {
            let answer = if index == position {
                Err(word(0))
            } else {
                Ok(word(0))
            };
            harness.mock_state(holder, ALICE, answer);
        }
        let before = harness.state();
        assert_eq!(
            harness.call(ALICE, IMembership::leaveCall {}).err(),
            Some(word(0)),
            "holder {position} was not asked"
        );
        assert_eq!(before.storage, harness.state().storage);
    }
}

#[test]
fn leave_rejects_state_held_by_a_holder() {
    for holder in HOLDERS {
        let mut harness = Harness::new();
        harness.join(ALICE, 1);
        harness.register(holder);
        harness.mock_balance(ALICE, 0);
        harness.mock_state(holder, ALICE, Ok(word(1)));
        let error = MemberStateHeld { holder };
        harness.expect_revert(ALICE, U256::ZERO, IMembership::leaveCall {}, error);
    }
}

#[test]
fn leave_bubbles_a_state_holder_revert() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.register(ASSESSMENT);
    let payload = Unauthorized { caller: STRANGER }.abi_encode();
    harness.mock_state(ASSESSMENT, ALICE, Err(payload.clone()));
    let before = harness.state();
    assert_eq!(
        harness.call(ALICE, IMembership::leaveCall {}).err(),
        Some(payload)
    );
    assert_eq!(before.storage, harness.state().storage);
}

#[test]
fn leave_stops_asking_an_unregistered_holder() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.register(STAKING);
    harness.register(ASSESSMENT);
    harness.ok(
        GOVERNANCE,
        IMembership::unregisterStateHolderCall { holder: STAKING },
    );
    // A call to STAKING would revert; ASSESSMENT (now first) reports state held.
    harness.mock_state(STAKING, ALICE, Err(b"asked".to_vec()));
    harness.mock_balance(ALICE, 0);
    harness.mock_state(ASSESSMENT, ALICE, Ok(word(1)));
    harness.expect_revert(
        ALICE,
        U256::ZERO,
        IMembership::leaveCall {},
        MemberStateHeld { holder: ASSESSMENT },
    );
    harness.ok(
        GOVERNANCE,
        IMembership::unregisterStateHolderCall { holder: ASSESSMENT },
    );
    harness.leave(ALICE);
    assert!(!harness.is_member(ALICE));
}

#[test]
fn leave_rejects_an_advisory_board_member() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.set_seat(3, ALICE);
    harness.mock_balance(ALICE, 0);
    let error = AdvisoryBoardSeatHeld {
        account: ALICE,
        seat: 3,
    };
    harness.expect_revert(ALICE, U256::ZERO, IMembership::leaveCall {}, error);
    // Once governance takes the seat back, Alice can leave.
    harness.set_seat(3, Address::ZERO);
    harness.ok(ALICE, IMembership::leaveCall {});
    assert!(!harness.is_member(ALICE));
}

#[test]
fn leave_waits_while_paused() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.join(BOB, 2);
    harness.set_seat(0, BOB);
    harness.ok(BOB, IMembership::pauseCall {});
    harness.mock_balance(ALICE, 0);
    harness.expect_revert(ALICE, U256::ZERO, IMembership::leaveCall {}, Paused {});
}

// --- switchMembership ---

#[test]
fn switch_moves_membership_and_emits() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.join(BOB, 2);
    // The NXM balance does not matter: the token moves it.
    harness.mock_balance(ALICE, 1_000);
    let mark = harness.log_mark();
    harness.ok(
        ALICE,
        IMembership::switchMembershipCall { newAddress: CAROL },
    );
    assert!(!harness.is_member(ALICE));
    assert!(harness.is_member(CAROL));
    assert_eq!(
        harness.view(IMembership::memberIdCall { account: CAROL }),
        1
    );
    assert_eq!(harness.view(IMembership::memberCountCall {}), 2);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(MembershipSwitched {
            from: ALICE,
            to: CAROL,
            memberId: 1
        })]
    );
}

#[test]
fn switch_tells_the_token() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    let payload = Unauthorized { caller: STRANGER }.abi_encode();
    let calldata = INxmToken::switchMemberCall {
        from: ALICE,
        to: CAROL,
    }
    .abi_encode();
    harness
        .vm
        .mock_call(TOKEN, calldata, U256::ZERO, Err(payload.clone()));
    assert_eq!(
        harness
            .call(
                ALICE,
                IMembership::switchMembershipCall { newAddress: CAROL }
            )
            .err(),
        Some(payload)
    );
}

#[test]
fn switch_moves_the_advisory_board_seat() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.set_seat(2, ALICE);
    let mark = harness.log_mark();
    harness.ok(
        ALICE,
        IMembership::switchMembershipCall { newAddress: CAROL },
    );
    assert_eq!(
        harness.view(IMembership::advisoryBoardSeatCall { seat: 2 }),
        CAROL
    );
    assert!(harness.view(IMembership::isAdvisoryBoardMemberCall { account: CAROL }));
    assert!(!harness.view(IMembership::isAdvisoryBoardMemberCall { account: ALICE }));
    assert_eq!(
        harness.logs_since(mark),
        vec![
            log(AdvisoryBoardSeatSet {
                seat: 2,
                previous: ALICE,
                account: CAROL
            }),
            log(MembershipSwitched {
                from: ALICE,
                to: CAROL,
                memberId: 1
            }),
        ]
    );
    // The board role moved with it.
    harness.expect_revert(
        ALICE,
        U256::ZERO,
        IMembership::pauseCall {},
        Unauthorized { caller: ALICE },
    );
    harness.ok(CAROL, IMembership::pauseCall {});
}

#[test]
fn switch_rejects_bad_targets_and_non_members() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.join(BOB, 2);
    let to_bob = IMembership::switchMembershipCall { newAddress: BOB };
    harness.expect_revert(ALICE, U256::ZERO, to_bob, AlreadyMember { account: BOB });
    let to_self = IMembership::switchMembershipCall { newAddress: ALICE };
    harness.expect_revert(ALICE, U256::ZERO, to_self, AlreadyMember { account: ALICE });
    let to_zero = IMembership::switchMembershipCall {
        newAddress: Address::ZERO,
    };
    harness.expect_revert(ALICE, U256::ZERO, to_zero, ZeroAddress {});
    let from_stranger = IMembership::switchMembershipCall { newAddress: CAROL };
    harness.expect_revert(
        STRANGER,
        U256::ZERO,
        from_stranger,
        NotMember { account: STRANGER },
    );
}

#[test]
fn switch_to_a_former_member_is_refused() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.join(BOB, 2);
    harness.join(CAROL, 3);
    // Bob switches away to DAVE: Bob's address is spent.
    harness.ok(BOB, IMembership::switchMembershipCall { newAddress: DAVE });
    let to_bob = IMembership::switchMembershipCall { newAddress: BOB };
    harness.expect_revert(ALICE, U256::ZERO, to_bob, FormerMember { account: BOB });
    // Carol leaves: her address is spent as well.
    harness.leave(CAROL);
    let to_carol = IMembership::switchMembershipCall { newAddress: CAROL };
    harness.expect_revert(ALICE, U256::ZERO, to_carol, FormerMember { account: CAROL });
    // Switching back and forth is impossible: DAVE cannot return the membership to Bob.
    let back = IMembership::switchMembershipCall { newAddress: BOB };
    harness.expect_revert(DAVE, U256::ZERO, back, FormerMember { account: BOB });
    assert_eq!(harness.view(IMembership::memberIdCall { account: DAVE }), 2);
    assert_eq!(harness.view(IMembership::memberCountCall {}), 2);
}

#[test]
fn switch_rejects_state_held_by_a_holder() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.register(STAKING);
    harness.mock_state(STAKING, ALICE, Ok(word(1)));
    let call = IMembership::switchMembershipCall { newAddress: CAROL };
    harness.expect_revert(
        ALICE,
        U256::ZERO,
        call.clone(),
        MemberStateHeld { holder: STAKING },
    );
    // A holder's revert is passed on.
    harness.mock_state(STAKING, ALICE, Err(word(0)));
    assert_eq!(harness.call(ALICE, call.clone()).err(), Some(word(0)));
    // Once the holder reports nothing, the switch goes through.
    harness.mock_state(STAKING, ALICE, Ok(word(0)));
    harness.ok(ALICE, call);
    assert!(harness.is_member(CAROL));
}

#[test]
fn switch_waits_while_paused() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.set_seat(0, ALICE);
    harness.ok(ALICE, IMembership::pauseCall {});
    let call = IMembership::switchMembershipCall { newAddress: CAROL };
    harness.expect_revert(ALICE, U256::ZERO, call, Paused {});
}

// --- pause ---

/// Members ALICE, BOB, CAROL, DAVE, EVE in joining order; `board(n)` seats the first `n` of
/// them in seats 0, 1, ….
const BOARD: [Address; 5] = [ALICE, BOB, CAROL, DAVE, EVE];

impl Harness {
    /// Joins all of [`BOARD`] and seats the first `seated` of them.
    fn board(seated: usize) -> Self {
        let mut harness = Self::new();
        for (index, member) in BOARD.into_iter().enumerate() {
            harness.join(member, index as u64 + 1);
        }
        for (seat, member) in BOARD.into_iter().take(seated).enumerate() {
            harness.set_seat(seat as u8, member);
        }
        harness
    }
}

#[test]
fn one_seat_pauses_and_a_majority_of_filled_seats_lifts() {
    let mut harness = Harness::board(3);
    assert_eq!(harness.confirmations(), (0, 2, 0));
    let mark = harness.log_mark();
    harness.ok(ALICE, IMembership::pauseCall {});
    assert!(harness.paused());
    // One confirmation of three filled seats does not lift the pause.
    harness.ok(BOB, IMembership::unpauseCall {});
    assert!(harness.paused());
    assert_eq!(harness.confirmations(), (1, 2, 0b010));
    // The second does, and clears the confirmations.
    harness.ok(CAROL, IMembership::unpauseCall {});
    assert!(!harness.paused());
    assert_eq!(harness.confirmations(), (0, 2, 0));
    assert_eq!(
        harness.logs_since(mark),
        vec![
            log(PauseConfigured {
                paused: true,
                by: ALICE
            }),
            log(UnpauseConfirmed {
                by: BOB,
                seat: 1,
                confirmations: 1,
                needed: 2
            }),
            log(UnpauseConfirmed {
                by: CAROL,
                seat: 2,
                confirmations: 2,
                needed: 2
            }),
            log(PauseConfigured {
                paused: false,
                by: CAROL
            }),
        ]
    );
}

#[test]
fn the_majority_is_of_the_filled_seats() {
    // Filled seats → confirmations needed: 1 → 1, 2 → 2, 3 → 2, 4 → 3, 5 → 3.
    for (filled, needed) in [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3)] {
        let mut harness = Harness::board(filled);
        assert_eq!(harness.confirmations(), (0, needed, 0));
        harness.ok(ALICE, IMembership::pauseCall {});
        for (confirmed, member) in BOARD.into_iter().take(needed as usize).enumerate() {
            assert!(harness.paused(), "{filled} seats: lifted after {confirmed}");
            harness.ok(member, IMembership::unpauseCall {});
        }
        assert!(!harness.paused(), "{filled} seats: {needed} did not lift");
    }
}

#[test]
fn a_seat_confirms_once() {
    let mut harness = Harness::board(3);
    harness.ok(ALICE, IMembership::pauseCall {});
    harness.ok(ALICE, IMembership::unpauseCall {});
    harness.expect_revert(
        ALICE,
        U256::ZERO,
        IMembership::unpauseCall {},
        UnpauseAlreadyConfirmed { seat: 0 },
    );
    assert!(harness.paused());
    assert_eq!(harness.confirmations(), (1, 2, 0b001));
}

#[test]
fn a_confirmed_seat_lifts_once_the_majority_shrinks_to_it() {
    let mut harness = Harness::board(5);
    harness.ok(ALICE, IMembership::pauseCall {});
    harness.ok(ALICE, IMembership::unpauseCall {});
    harness.ok(BOB, IMembership::unpauseCall {});
    assert_eq!(harness.confirmations(), (2, 3, 0b011));
    // Governance empties two unconfirmed seats: 3 filled, 2 needed, 2 confirmed.
    harness.set_seat(3, Address::ZERO);
    harness.set_seat(4, Address::ZERO);
    assert_eq!(harness.confirmations(), (2, 2, 0b011));
    assert!(harness.paused());
    // A confirmed seat calling again lifts the pause instead of failing.
    let mark = harness.log_mark();
    harness.ok(BOB, IMembership::unpauseCall {});
    assert!(!harness.paused());
    assert_eq!(
        harness.logs_since(mark),
        vec![log(PauseConfigured {
            paused: false,
            by: BOB
        })]
    );
}

#[test]
fn a_new_pause_starts_without_confirmations() {
    let mut harness = Harness::board(3);
    harness.ok(ALICE, IMembership::pauseCall {});
    harness.ok(BOB, IMembership::unpauseCall {});
    harness.ok(GOVERNANCE, IMembership::unpauseCall {});
    assert_eq!(harness.confirmations(), (0, 2, 0));
    harness.ok(ALICE, IMembership::pauseCall {});
    assert_eq!(harness.confirmations(), (0, 2, 0));
    // Bob's confirmation of the last pause does not count: Carol's alone does not lift.
    harness.ok(CAROL, IMembership::unpauseCall {});
    assert!(harness.paused());
    harness.ok(BOB, IMembership::unpauseCall {});
    assert!(!harness.paused());
}

#[test]
fn governance_lifts_the_pause_alone() {
    let mut harness = Harness::board(3);
    harness.ok(ALICE, IMembership::pauseCall {});
    harness.ok(BOB, IMembership::unpauseCall {});
    let mark = harness.log_mark();
    harness.ok(GOVERNANCE, IMembership::unpauseCall {});
    assert!(!harness.paused());
    assert_eq!(harness.confirmations(), (0, 2, 0));
    assert_eq!(
        harness.logs_since(mark),
        vec![log(PauseConfigured {
            paused: false,
            by: GOVERNANCE
        })]
    );
    // With no seat filled at all, governance still lifts a pause.
    let mut harness = Harness::board(1);
    harness.ok(ALICE, IMembership::pauseCall {});
    harness.set_seat(0, Address::ZERO);
    assert_eq!(harness.confirmations(), (0, 1, 0));
    harness.ok(GOVERNANCE, IMembership::unpauseCall {});
    assert!(!harness.paused());
}

#[test]
fn a_seat_that_changes_hands_loses_its_confirmation() {
    let mut harness = Harness::board(3);
    harness.ok(ALICE, IMembership::pauseCall {});
    harness.ok(BOB, IMembership::unpauseCall {});
    assert_eq!(harness.confirmations(), (1, 2, 0b010));
    // Seat 1 passes from Bob to Dave: its confirmation is dropped.
    harness.set_seat(1, DAVE);
    assert_eq!(harness.confirmations(), (0, 2, 0));
    // Bob no longer holds a seat.
    harness.expect_revert(
        BOB,
        U256::ZERO,
        IMembership::unpauseCall {},
        Unauthorized { caller: BOB },
    );
    harness.ok(CAROL, IMembership::unpauseCall {});
    assert!(
        harness.paused(),
        "Bob's dropped confirmation must not count"
    );
    // Dave confirms for seat 1: the majority is reached.
    harness.ok(DAVE, IMembership::unpauseCall {});
    assert!(!harness.paused());
    // Emptying a confirmed seat drops its confirmation too.
    harness.ok(ALICE, IMembership::pauseCall {});
    harness.ok(CAROL, IMembership::unpauseCall {});
    harness.set_seat(2, Address::ZERO);
    assert_eq!(harness.confirmations(), (0, 2, 0));
}

#[test]
fn pause_is_pushed_to_the_token() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.set_seat(0, ALICE);
    let payload = Unauthorized { caller: STRANGER }.abi_encode();
    for paused in [true, false] {
        let calldata = INxmToken::setPausedCall { paused }.abi_encode();
        harness
            .vm
            .mock_call(TOKEN, calldata, U256::ZERO, Err(payload.clone()));
    }
    assert_eq!(
        harness.call(ALICE, IMembership::pauseCall {}).err(),
        Some(payload.clone())
    );
    // TestVM keeps the failed pause's storage: the sole seat's confirmation lifts it, and the
    // token's refusal of the lift is passed on.
    assert_eq!(
        harness.call(ALICE, IMembership::unpauseCall {}).err(),
        Some(payload.clone())
    );
    // The token accepts a pause now (its data is the payload: see the module doc); the lift
    // by governance is pushed too.
    harness.vm.mock_call(
        TOKEN,
        INxmToken::setPausedCall { paused: true }.abi_encode(),
        U256::ZERO,
        Ok(payload.clone()),
    );
    harness.ok(ALICE, IMembership::pauseCall {});
    assert_eq!(
        harness.call(GOVERNANCE, IMembership::unpauseCall {}).err(),
        Some(payload)
    );
}

#[test]
fn pause_is_for_the_advisory_board_only() {
    let mut harness = Harness::board(1);
    for caller in [GOVERNANCE, STRANGER, BOB] {
        harness.expect_revert(
            caller,
            U256::ZERO,
            IMembership::pauseCall {},
            Unauthorized { caller },
        );
    }
    harness.ok(ALICE, IMembership::pauseCall {});
    for caller in [STRANGER, BOB] {
        harness.expect_revert(
            caller,
            U256::ZERO,
            IMembership::unpauseCall {},
            Unauthorized { caller },
        );
    }
}

#[test]
fn pause_and_unpause_must_change_the_flag() {
    let mut harness = Harness::board(1);
    harness.expect_revert(ALICE, U256::ZERO, IMembership::unpauseCall {}, NotPaused {});
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        IMembership::unpauseCall {},
        NotPaused {},
    );
    harness.ok(ALICE, IMembership::pauseCall {});
    harness.expect_revert(ALICE, U256::ZERO, IMembership::pauseCall {}, Paused {});
}

// --- advisory board seats ---

#[test]
fn governance_assigns_replaces_and_clears_seats() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.join(BOB, 2);
    let mark = harness.log_mark();
    harness.set_seat(1, ALICE);
    assert_eq!(
        harness.view(IMembership::advisoryBoardSeatCall { seat: 1 }),
        ALICE
    );
    assert!(harness.view(IMembership::isAdvisoryBoardMemberCall { account: ALICE }));
    harness.set_seat(1, BOB);
    assert_eq!(
        harness.view(IMembership::advisoryBoardSeatCall { seat: 1 }),
        BOB
    );
    assert!(!harness.view(IMembership::isAdvisoryBoardMemberCall { account: ALICE }));
    assert!(harness.view(IMembership::isAdvisoryBoardMemberCall { account: BOB }));
    harness.set_seat(1, Address::ZERO);
    assert_eq!(
        harness.view(IMembership::advisoryBoardSeatCall { seat: 1 }),
        Address::ZERO
    );
    assert!(!harness.view(IMembership::isAdvisoryBoardMemberCall { account: BOB }));
    assert_eq!(
        harness.logs_since(mark),
        vec![
            log(AdvisoryBoardSeatSet {
                seat: 1,
                previous: Address::ZERO,
                account: ALICE
            }),
            log(AdvisoryBoardSeatSet {
                seat: 1,
                previous: ALICE,
                account: BOB
            }),
            log(AdvisoryBoardSeatSet {
                seat: 1,
                previous: BOB,
                account: Address::ZERO
            }),
        ]
    );
    // Every seat 0..=4 exists.
    for seat in 0..5 {
        assert_eq!(
            harness.view(IMembership::advisoryBoardSeatCall { seat }),
            Address::ZERO
        );
    }
}

#[test]
fn seat_rules() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.set_seat(0, ALICE);
    let seat = |seat: u8, account: Address| IMembership::setAdvisoryBoardSeatCall { seat, account };
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        seat(1, BOB),
        NotMember { account: BOB },
    );
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        seat(5, ALICE),
        InvalidSeat { seat: 5 },
    );
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        seat(255, Address::ZERO),
        InvalidSeat { seat: 255 },
    );
    let held = AdvisoryBoardSeatHeld {
        account: ALICE,
        seat: 0,
    };
    harness.expect_revert(GOVERNANCE, U256::ZERO, seat(1, ALICE), held.clone());
    harness.expect_revert(GOVERNANCE, U256::ZERO, seat(0, ALICE), held);
    harness.expect_revert(
        ALICE,
        U256::ZERO,
        seat(1, ALICE),
        Unauthorized { caller: ALICE },
    );
    assert_eq!(
        harness
            .call(STRANGER, IMembership::advisoryBoardSeatCall { seat: 5 })
            .err(),
        Some(InvalidSeat { seat: 5 }.abi_encode())
    );
}

// --- governance setters ---

#[test]
fn governance_setters_are_governance_only() {
    let mut harness = Harness::new();
    let denied = Unauthorized { caller: STRANGER };
    let zero = U256::ZERO;
    harness.expect_revert(
        STRANGER,
        zero,
        IMembership::setKycAuthorityCall {
            kycAuthority: ALICE,
        },
        denied.clone(),
    );
    harness.expect_revert(
        STRANGER,
        zero,
        IMembership::setJoiningFeeCall {
            joiningFeeEth: zero,
        },
        denied.clone(),
    );
    harness.expect_revert(
        STRANGER,
        zero,
        IMembership::setContractsCall {
            nxmToken: ALICE,
            capitalPool: BOB,
        },
        denied.clone(),
    );
    harness.expect_revert(
        STRANGER,
        zero,
        IMembership::registerStateHolderCall { holder: STAKING },
        denied.clone(),
    );
    harness.register(STAKING);
    harness.expect_revert(
        STRANGER,
        zero,
        IMembership::unregisterStateHolderCall { holder: STAKING },
        denied.clone(),
    );
    harness.expect_revert(
        STRANGER,
        zero,
        IMembership::setGovernanceCall {
            newGovernance: STRANGER,
        },
        denied.clone(),
    );
    harness.expect_revert(
        STRANGER,
        zero,
        IMembership::setAdvisoryBoardSeatCall {
            seat: 0,
            account: Address::ZERO,
        },
        denied,
    );
}

#[test]
fn governance_setters_reject_zero_addresses() {
    let mut harness = Harness::new();
    let zero = U256::ZERO;
    harness.expect_revert(
        GOVERNANCE,
        zero,
        IMembership::setKycAuthorityCall {
            kycAuthority: Address::ZERO,
        },
        ZeroAddress {},
    );
    let no_token = IMembership::setContractsCall {
        nxmToken: Address::ZERO,
        capitalPool: POOL,
    };
    harness.expect_revert(GOVERNANCE, zero, no_token, ZeroAddress {});
    let no_pool = IMembership::setContractsCall {
        nxmToken: TOKEN,
        capitalPool: Address::ZERO,
    };
    harness.expect_revert(GOVERNANCE, zero, no_pool, ZeroAddress {});
    harness.expect_revert(
        GOVERNANCE,
        zero,
        IMembership::setGovernanceCall {
            newGovernance: Address::ZERO,
        },
        ZeroAddress {},
    );
}

#[test]
fn set_kyc_authority_changes_the_signer() {
    let mut harness = Harness::new();
    let old_kyc = harness.kyc_address();
    let new_kyc = key(11);
    let new_address = address_of(new_kyc.verifying_key());
    let mark = harness.log_mark();
    harness.ok(
        GOVERNANCE,
        IMembership::setKycAuthorityCall {
            kycAuthority: new_address,
        },
    );
    assert_eq!(harness.view(IMembership::kycAuthorityCall {}), new_address);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(KycAuthoritySet {
            kycAuthority: new_address
        })]
    );
    // The old authority's approvals stop working; the new one's work.
    let signature = harness.approval(ALICE, 1);
    let call = Harness::join_call(ALICE, 1, DEADLINE, signature);
    let error = InvalidApprovalSigner {
        signer: old_kyc,
        kycAuthority: new_address,
    };
    harness.expect_revert(ALICE, DEFAULT_JOINING_FEE_ETH, call, error);
    harness.kyc = new_kyc;
    harness.join(ALICE, 1);
    assert!(harness.is_member(ALICE));
}

#[test]
fn set_joining_fee_emits() {
    let mut harness = Harness::new();
    let fee = U256::from(1_000u64);
    let mark = harness.log_mark();
    harness.ok(
        GOVERNANCE,
        IMembership::setJoiningFeeCall { joiningFeeEth: fee },
    );
    assert_eq!(harness.view(IMembership::joiningFeeCall {}), fee);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(JoiningFeeSet { joiningFeeEth: fee })]
    );
}

#[test]
fn set_contracts_emits() {
    let mut harness = Harness::new();
    for contract in [ALICE, BOB] {
        harness.vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mark = harness.log_mark();
    harness.ok(
        GOVERNANCE,
        IMembership::setContractsCall {
            nxmToken: ALICE,
            capitalPool: BOB,
        },
    );
    let contracts = harness.view(IMembership::contractsCall {});
    assert_eq!((contracts._0, contracts._1), (ALICE, BOB));
    assert_eq!(
        harness.logs_since(mark),
        vec![log(ContractsSet {
            nxmToken: ALICE,
            capitalPool: BOB
        })]
    );
}

#[test]
fn set_joining_fee_is_bounded_by_96_bits() {
    let mut harness = Harness::new();
    let too_high = MAX_JOINING_FEE_ETH + U256::from(1);
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        IMembership::setJoiningFeeCall {
            joiningFeeEth: too_high,
        },
        JoiningFeeTooHigh {
            joiningFeeEth: too_high,
            maxJoiningFeeEth: MAX_JOINING_FEE_ETH,
        },
    );
    assert_eq!(MAX_JOINING_FEE_ETH, (U256::from(1) << 96) - U256::from(1));
    harness.ok(
        GOVERNANCE,
        IMembership::setJoiningFeeCall {
            joiningFeeEth: MAX_JOINING_FEE_ETH,
        },
    );
    assert_eq!(
        harness.view(IMembership::joiningFeeCall {}),
        MAX_JOINING_FEE_ETH
    );
    // The fee shares its slot with the KYC authority: neither disturbs the other.
    let kyc = harness.kyc_address();
    assert_eq!(harness.view(IMembership::kycAuthorityCall {}), kyc);
    harness.ok(
        GOVERNANCE,
        IMembership::setKycAuthorityCall {
            kycAuthority: STRANGER,
        },
    );
    assert_eq!(
        harness.view(IMembership::joiningFeeCall {}),
        MAX_JOINING_FEE_ETH
    );
}

// --- state holders ---

#[test]
fn governance_registers_and_unregisters_state_holders() {
    let mut harness = Harness::new();
    assert_eq!(harness.state_holders(), Vec::<Address>::new());
    let mark = harness.log_mark();
    for holder in HOLDERS {
        harness.register(holder);
    }
    assert_eq!(harness.state_holders(), HOLDERS.to_vec());
    // Unregistering moves the last holder into the freed place.
    harness.ok(
        GOVERNANCE,
        IMembership::unregisterStateHolderCall { holder: STAKING },
    );
    assert_eq!(harness.state_holders(), vec![GOVERNANCE_VOTES, ASSESSMENT]);
    harness.ok(
        GOVERNANCE,
        IMembership::unregisterStateHolderCall { holder: ASSESSMENT },
    );
    assert_eq!(harness.state_holders(), vec![GOVERNANCE_VOTES]);
    // A holder can be registered again after it was removed.
    harness.register(STAKING);
    assert_eq!(harness.state_holders(), vec![GOVERNANCE_VOTES, STAKING]);
    assert_eq!(
        harness.logs_since(mark),
        vec![
            log(StateHolderRegistered { holder: STAKING }),
            log(StateHolderRegistered { holder: ASSESSMENT }),
            log(StateHolderRegistered {
                holder: GOVERNANCE_VOTES
            }),
            log(StateHolderUnregistered { holder: STAKING }),
            log(StateHolderUnregistered { holder: ASSESSMENT }),
            log(StateHolderRegistered { holder: STAKING }),
        ]
    );
}

#[test]
fn register_state_holder_rules() {
    let mut harness = Harness::new();
    let register = |holder| IMembership::registerStateHolderCall { holder };
    // No code, including the zero address.
    for holder in [STRANGER, Address::ZERO] {
        harness.expect_revert(
            GOVERNANCE,
            U256::ZERO,
            register(holder),
            NotAContract { account: holder },
        );
    }
    harness.register(STAKING);
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        register(STAKING),
        StateHolderAlreadyRegistered { holder: STAKING },
    );
    // Bounded: MAX_STATE_HOLDERS at most.
    for index in 1..MAX_STATE_HOLDERS {
        let holder = Address::with_last_byte(0xd0 + index);
        harness.vm.set_code(holder, vec![0xef, 0xf0, 0x00, 0x00]);
        harness.register(holder);
    }
    assert_eq!(
        harness.state_holders().len(),
        usize::from(MAX_STATE_HOLDERS)
    );
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        register(ASSESSMENT),
        TooManyStateHolders {
            maxStateHolders: MAX_STATE_HOLDERS,
        },
    );
    // A duplicate of a full list is reported as the duplicate.
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        register(STAKING),
        StateHolderAlreadyRegistered { holder: STAKING },
    );
}

#[test]
fn unregister_state_holder_rules() {
    let mut harness = Harness::new();
    let unregister = |holder| IMembership::unregisterStateHolderCall { holder };
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        unregister(STAKING),
        StateHolderNotRegistered { holder: STAKING },
    );
    harness.register(STAKING);
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        unregister(ASSESSMENT),
        StateHolderNotRegistered { holder: ASSESSMENT },
    );
    harness.ok(GOVERNANCE, unregister(STAKING));
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        unregister(STAKING),
        StateHolderNotRegistered { holder: STAKING },
    );
    assert_eq!(harness.state_holders(), Vec::<Address>::new());
}

#[test]
fn set_governance_hands_over_the_role() {
    let mut harness = Harness::new();
    let mark = harness.log_mark();
    harness.ok(
        GOVERNANCE,
        IMembership::setGovernanceCall {
            newGovernance: CAROL,
        },
    );
    assert_eq!(harness.view(IMembership::governanceCall {}), CAROL);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(GovernanceChanged {
            previousGovernance: GOVERNANCE,
            newGovernance: CAROL
        })]
    );
    let call = IMembership::setJoiningFeeCall {
        joiningFeeEth: U256::ZERO,
    };
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        call.clone(),
        Unauthorized { caller: GOVERNANCE },
    );
    harness.ok(CAROL, call);
}

#[test]
fn non_payable_entrypoints_reject_value() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    let result = harness.call_with_value(ALICE, U256::from(1), IMembership::leaveCall {});
    assert!(result.is_err());
    assert!(harness.is_member(ALICE));
    harness
        .vm
        .set_balance(DEFAULT_CONTRACT_ADDRESS, DEFAULT_JOINING_FEE_ETH);
    let sweep = harness.call_with_value(ALICE, U256::from(1), IMembership::sweepFeesCall {});
    assert!(sweep.is_err());
}

#[test]
fn set_contracts_requires_code_and_keeps_a_new_token_paused() {
    let new_token = address!("00000000000000000000000000000000000000b3");
    let mut harness = Harness::new();
    let without_code = IMembership::setContractsCall {
        nxmToken: new_token,
        capitalPool: POOL,
    };
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        without_code,
        NotAContract { account: new_token },
    );
    let pool_without_code = IMembership::setContractsCall {
        nxmToken: TOKEN,
        capitalPool: new_token,
    };
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        pool_without_code,
        NotAContract { account: new_token },
    );
    // Pause, then point membership at a new token: the new token is paused in the same call
    // (shown by a mock that refuses, whose revert is passed on).
    harness.vm.set_code(new_token, vec![0xef, 0xf0, 0x00, 0x00]);
    harness.join(ALICE, 1);
    harness.set_seat(0, ALICE);
    harness.ok(ALICE, IMembership::pauseCall {});
    let pause_new_token = INxmToken::setPausedCall { paused: true }.abi_encode();
    harness.vm.mock_call(
        new_token,
        pause_new_token,
        U256::ZERO,
        Err(vec![0xaa, 0xbb]),
    );
    let rewire = IMembership::setContractsCall {
        nxmToken: new_token,
        capitalPool: POOL,
    };
    assert_eq!(
        harness.call(GOVERNANCE, rewire).err(),
        Some(vec![0xaa, 0xbb])
    );
}
