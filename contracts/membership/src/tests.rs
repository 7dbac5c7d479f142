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
        locks::abi::IMemberLocks,
        AdvisoryBoardSeatHeld, AdvisoryBoardSeatSet, AlreadyMember, ApprovalAlreadyUsed,
        ApprovalExpired, ContractsSet, EthTransferFailed, FeesSwept, GovernanceChanged,
        InvalidApprovalSigner, InvalidSeat, JoiningFeeSet, KycAuthoritySet, LockHoldersSet,
        MemberJoined, MemberLeft, MembershipSwitched, NotAContract, NotMember, NotPaused,
        NxmBalanceNotZero, NxmLocked, PauseConfigured, Paused, Unauthorized, WrongJoiningFee,
        ZeroAddress, DEFAULT_JOINING_FEE_ETH,
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
const GOVERNANCE_LOCKS: Address = address!("00000000000000000000000000000000000000c3");
const ALICE: Address = address!("0000000000000000000000000000000000000a11");
const BOB: Address = address!("0000000000000000000000000000000000000b0b");
const CAROL: Address = address!("0000000000000000000000000000000000000ca1");
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
        for contract in [TOKEN, POOL] {
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

    fn set_lock_holders(&mut self, staking: Address, assessment: Address, governance: Address) {
        self.ok(
            GOVERNANCE,
            IMembership::setLockHoldersCall {
                staking,
                assessment,
                governance,
            },
        );
    }

    /// Mocks `hasLockedNxm(member)` on `holder`.
    fn mock_lock(&self, holder: Address, member: Address, result: Result<Vec<u8>, Vec<u8>>) {
        let calldata = IMemberLocks::hasLockedNxmCall { member }.abi_encode();
        self.vm.mock_static_call(holder, calldata, result);
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
    let digest = harness.digest(ALICE, 1, DEADLINE);
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
    assert!(harness.view(IMembership::approvalUsedCall { digest }));
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
    harness.join(ALICE, 1);
    // Alice leaves, then tries to come back with the same approval.
    harness.mock_balance(ALICE, 0);
    harness.ok(ALICE, IMembership::leaveCall {});
    let signature = harness.approval(ALICE, 1);
    let digest = harness.digest(ALICE, 1, DEADLINE);
    let call = Harness::join_call(ALICE, 1, DEADLINE, signature);
    harness.expect_revert(
        ALICE,
        DEFAULT_JOINING_FEE_ETH,
        call,
        ApprovalAlreadyUsed { digest },
    );
    // A fresh nonce is a fresh approval.
    harness.join(ALICE, 2);
    assert!(harness.is_member(ALICE));
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
    harness.set_lock_holders(STAKING, ASSESSMENT, GOVERNANCE_LOCKS);
    for holder in [STAKING, ASSESSMENT, GOVERNANCE_LOCKS] {
        harness.mock_lock(holder, ALICE, Ok(word(0)));
    }
    harness.mock_balance(ALICE, 0);
    let mark = harness.log_mark();
    harness.ok(ALICE, IMembership::leaveCall {});
    assert!(!harness.is_member(ALICE));
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
fn leave_rejects_locked_nxm_at_each_holder() {
    for slot in 0..3 {
        let mut harness = Harness::new();
        harness.join(ALICE, 1);
        let mut holders = [Address::ZERO; 3];
        holders[slot] = [STAKING, ASSESSMENT, GOVERNANCE_LOCKS][slot];
        harness.set_lock_holders(holders[0], holders[1], holders[2]);
        harness.mock_balance(ALICE, 0);
        harness.mock_lock(holders[slot], ALICE, Ok(word(1)));
        let error = NxmLocked {
            lockHolder: holders[slot],
        };
        harness.expect_revert(ALICE, U256::ZERO, IMembership::leaveCall {}, error);
    }
}

#[test]
fn leave_bubbles_a_lock_holder_revert() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.set_lock_holders(Address::ZERO, ASSESSMENT, Address::ZERO);
    let payload = Unauthorized { caller: STRANGER }.abi_encode();
    harness.mock_lock(ASSESSMENT, ALICE, Err(payload.clone()));
    let before = harness.state();
    assert_eq!(
        harness.call(ALICE, IMembership::leaveCall {}).err(),
        Some(payload)
    );
    assert_eq!(before.storage, harness.state().storage);
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
fn switch_rejects_locked_nxm() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.set_lock_holders(STAKING, Address::ZERO, Address::ZERO);
    harness.mock_lock(STAKING, ALICE, Ok(word(1)));
    let call = IMembership::switchMembershipCall { newAddress: CAROL };
    harness.expect_revert(
        ALICE,
        U256::ZERO,
        call,
        NxmLocked {
            lockHolder: STAKING,
        },
    );
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

#[test]
fn advisory_board_pauses_and_unpauses() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.join(BOB, 2);
    harness.set_seat(0, ALICE);
    harness.set_seat(4, BOB);
    let mark = harness.log_mark();
    harness.ok(ALICE, IMembership::pauseCall {});
    assert!(harness.view(IMembership::pausedCall {}));
    harness.ok(BOB, IMembership::unpauseCall {});
    assert!(!harness.view(IMembership::pausedCall {}));
    assert_eq!(
        harness.logs_since(mark),
        vec![
            log(PauseConfigured {
                paused: true,
                by: ALICE
            }),
            log(PauseConfigured {
                paused: false,
                by: BOB
            })
        ]
    );
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
    assert_eq!(
        harness.call(ALICE, IMembership::unpauseCall {}).err(),
        Some(payload)
    );
}

#[test]
fn pause_is_for_the_advisory_board_only() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.set_seat(0, ALICE);
    for caller in [GOVERNANCE, STRANGER] {
        harness.expect_revert(
            caller,
            U256::ZERO,
            IMembership::pauseCall {},
            Unauthorized { caller },
        );
    }
    harness.ok(ALICE, IMembership::pauseCall {});
    harness.expect_revert(
        GOVERNANCE,
        U256::ZERO,
        IMembership::unpauseCall {},
        Unauthorized { caller: GOVERNANCE },
    );
}

#[test]
fn pause_and_unpause_must_change_the_flag() {
    let mut harness = Harness::new();
    harness.join(ALICE, 1);
    harness.set_seat(0, ALICE);
    harness.expect_revert(ALICE, U256::ZERO, IMembership::unpauseCall {}, NotPaused {});
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
    let holders = IMembership::setLockHoldersCall {
        staking: ALICE,
        assessment: BOB,
        governance: CAROL,
    };
    harness.expect_revert(STRANGER, zero, holders, denied.clone());
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
fn set_contracts_and_lock_holders_emit() {
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
    let holders = harness.view(IMembership::lockHoldersCall {});
    assert_eq!(
        (holders._0, holders._1, holders._2),
        (Address::ZERO, Address::ZERO, Address::ZERO)
    );
    harness.set_lock_holders(STAKING, ASSESSMENT, GOVERNANCE_LOCKS);
    let holders = harness.view(IMembership::lockHoldersCall {});
    assert_eq!(
        (holders._0, holders._1, holders._2),
        (STAKING, ASSESSMENT, GOVERNANCE_LOCKS)
    );
    assert_eq!(
        harness.logs_since(mark),
        vec![
            log(ContractsSet {
                nxmToken: ALICE,
                capitalPool: BOB
            }),
            log(LockHoldersSet {
                staking: STAKING,
                assessment: ASSESSMENT,
                governance: GOVERNANCE_LOCKS
            }),
        ]
    );
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
