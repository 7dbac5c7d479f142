//! Off-chain signatures the protocol accepts, and every way to get one wrong: membership's KYC
//! approvals (`join`) and NXM's EIP-2612 permits (`permit`), on the embedded devnode over the
//! real WASM and the devnode's `ecrecover` precompile.
//!
//! The rule: a signature works only for the chain, the contract, the message and the signer it
//! was made for, only until its deadline, only in its one low-s encoding, and only once. Every
//! other use reverts with the contract's custom error (compared byte for byte, with the values
//! it carries) and changes nothing: balances, code and storage are as before ([`Fingerprint`]).
//! Each test ends with the valid signature succeeding, so that a rejection is the signature's
//! doing and not a broken setup.
//!
//! Where a contract reports the signer it recovered (`InvalidApprovalSigner`), the expected
//! address comes from recovering the signature locally with k256 over the digest the contract
//! computes, as the precompile does: the contract must name exactly that signer.

use alloy_primitives::{hex, Address, Bytes, B256, U256};
use alloy_sol_types::{eip712_domain, sol, Eip712Domain, SolCall, SolError, SolStruct};
use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use mutual_deploy::{signer_of_seed, tokens, KycAuthority};
use mutual_interfaces::{
    membership::{self, abi::IMembership, approval_digest, DEFAULT_JOINING_FEE_ETH},
    nxm_token::{self, abi::INxmToken},
};
use protocol_e2e::{logged, reverted_with, World};
use protocol_security::{devnode, Fingerprint};

/// The secp256k1 group order n: `(r, n − s)` with the other parity is the same signature's
/// malleated (high-s) twin, which `ecrecover` accepts.
const SECP256K1_ORDER: U256 = U256::from_be_bytes(hex!(
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
));

/// A signature as the contracts take it: `r`, `s` and `v` (27 or 28 when well formed).
#[derive(Clone, Copy)]
struct Rsv {
    r: B256,
    s: B256,
    v: u8,
}

impl Rsv {
    /// `key`'s low-s signature of `digest` (what a wallet makes).
    fn sign(key: &SigningKey, digest: B256) -> Self {
        let (signature, recovery) = key
            .sign_prehash_recoverable(digest.as_slice())
            .expect("k256 signs a 32-byte prehash");
        let (r, s) = signature.split_bytes();
        Self {
            r: B256::from_slice(&r),
            s: B256::from_slice(&s),
            v: 27 + recovery.to_byte(),
        }
    }

    /// A 65-byte `r ‖ s ‖ v` encoding.
    fn parse(bytes: &[u8]) -> Self {
        assert_eq!(bytes.len(), 65, "an r ‖ s ‖ v signature");
        Self {
            r: B256::from_slice(&bytes[..32]),
            s: B256::from_slice(&bytes[32..64]),
            v: bytes[64],
        }
    }

    /// The 65-byte `r ‖ s ‖ v` encoding `join` takes.
    fn bytes(self) -> Vec<u8> {
        [self.r.as_slice(), self.s.as_slice(), &[self.v]].concat()
    }

    /// The same signature with `s` replaced by `n − s` and `v` flipped: it recovers the same
    /// signer, and EIP-2 makes it invalid.
    fn high_s(self) -> Self {
        Self {
            s: B256::from(SECP256K1_ORDER - U256::from_be_bytes(self.s.0)),
            v: if self.v == 27 { 28 } else { 27 },
            ..self
        }
    }

    /// What `ecrecover(digest, v, r, s)` returns: the signer, high-s accepted, or `None` where
    /// the precompile returns nothing (`v` not 27/28, `r` or `s` zero or not below n).
    fn ecrecover(self, digest: B256) -> Option<Address> {
        let parity = self.v.checked_sub(27).filter(|parity| *parity < 2)?;
        let mut signature = Signature::from_scalars(self.r.0, self.s.0).ok()?;
        let mut recovery = RecoveryId::from_byte(parity)?;
        if let Some(low) = signature.normalize_s() {
            signature = low;
            recovery = RecoveryId::from_byte(parity ^ 1)?;
        }
        let key =
            VerifyingKey::recover_from_prehash(digest.as_slice(), &signature, recovery).ok()?;
        Some(address_of(&key))
    }
}

/// The Ethereum address of a public key.
fn address_of(key: &VerifyingKey) -> Address {
    let point = key.to_encoded_point(false);
    Address::from_slice(&alloy_primitives::keccak256(&point.as_bytes()[1..])[12..])
}

/// The secp256k1 key of the world's account `name` (`World::account` funds `keccak256(name)`).
fn key_of(name: &str) -> SigningKey {
    signer_of_seed(name.as_bytes()).credential().clone()
}

/// Sends `call` from `from` to `to` with `value_wei` and asserts that it reverts with exactly
/// `error` and leaves balances, code and storage as they were.
fn rejected<C: SolCall>(
    w: &mut World,
    from: Address,
    to: Address,
    value_wei: U256,
    call: &C,
    error: impl SolError,
) {
    let before = Fingerprint::of(devnode(w));
    let outcome = w.send(from, to, value_wei, call);
    reverted_with(&outcome, error);
    let after = Fingerprint::of(devnode(w));
    assert!(
        before == after,
        "a rejected signature changed the state of {:?}",
        before.differences(&after)
    );
}

/// A `join` of `member` with `signature` over (`nonce`, `deadline`).
fn join_with(
    member: Address,
    nonce: U256,
    deadline: U256,
    signature: Vec<u8>,
) -> IMembership::joinCall {
    IMembership::joinCall {
        member,
        nonce,
        deadline,
        signature: Bytes::from(signature),
    }
}

/// Sends a `join` from `from` with the joining fee and asserts the exact revert and no change.
fn join_rejected(w: &mut World, from: Address, call: &IMembership::joinCall, error: impl SolError) {
    let membership = w.protocol.membership;
    rejected(w, from, membership, DEFAULT_JOINING_FEE_ETH, call, error);
}

#[test]
fn kyc_approvals_work_once_for_their_member_chain_contract_and_authority() {
    let mut w = World::new(tokens(20_000));
    let (alice, bob) = (w.account("alice"), w.account("bob"));
    let membership = w.protocol.membership;
    let chain_id = devnode(&mut w).chain_id();
    let kyc = w.config.kyc.clone();
    let authority = kyc.address();
    let now = devnode(&mut w).timestamp();
    let (nonce, deadline) = (U256::from(7), U256::from(now + 3_600));
    let digest = approval_digest(chain_id, membership, alice, nonce, deadline);
    let valid = Rsv::parse(&kyc.approve(chain_id, membership, alice, nonce, deadline));
    assert_eq!(
        valid.ecrecover(digest),
        Some(authority),
        "the deployer signs the contract's digest"
    );
    // A signature over another digest recovers to an unrelated address, which the error names.
    let signer_over_here = |signature: &[u8]| {
        Rsv::parse(signature)
            .ecrecover(digest)
            .expect("a well-formed signature recovers")
    };
    let invalid_signer = |signer: Address| membership::InvalidApprovalSigner {
        signer,
        kycAuthority: authority,
    };

    // Signed for another chain, and for another membership contract.
    for signature in [
        kyc.approve(chain_id + 1, membership, alice, nonce, deadline),
        kyc.approve(chain_id, w.protocol.nxm_token, alice, nonce, deadline),
    ] {
        let signer = signer_over_here(&signature[..]);
        assert_ne!(signer, authority);
        let call = join_with(alice, nonce, deadline, signature.to_vec());
        join_rejected(&mut w, alice, &call, invalid_signer(signer));
    }

    // Past its deadline (the deadline itself is still valid).
    let expired_deadline = U256::from(now - 1);
    let expired = kyc.approve(chain_id, membership, alice, nonce, expired_deadline);
    join_rejected(
        &mut w,
        alice,
        &join_with(alice, nonce, expired_deadline, expired.to_vec()),
        membership::ApprovalExpired {
            deadline: expired_deadline,
            blockTimestamp: U256::from(now),
        },
    );

    // The malleated twin: ecrecover would return the authority, EIP-2 says no.
    let twin = valid.high_s();
    assert_eq!(
        twin.ecrecover(digest),
        Some(authority),
        "the precompile accepts high-s"
    );
    join_rejected(
        &mut w,
        alice,
        &join_with(alice, nonce, deadline, twin.bytes()),
        invalid_signer(Address::ZERO),
    );

    // Signatures from which ecrecover returns nothing (address zero), and wrong lengths: a
    // 64-byte EIP-2098 compact signature, the valid one with a byte more, none at all.
    let unrecoverable = [
        Rsv {
            r: B256::ZERO,
            ..valid
        },
        Rsv {
            s: B256::ZERO,
            ..valid
        },
        Rsv {
            r: B256::from(SECP256K1_ORDER),
            ..valid
        },
        Rsv { v: 0, ..valid },
        Rsv { v: 1, ..valid },
        Rsv { v: 29, ..valid },
    ];
    let compact = [valid.r.as_slice(), valid.s.as_slice()].concat();
    let long = [valid.bytes(), vec![0]].concat();
    let malformed = unrecoverable
        .iter()
        .map(|rsv| rsv.bytes())
        .chain([compact, long, Vec::new()]);
    for signature in malformed {
        join_rejected(
            &mut w,
            alice,
            &join_with(alice, nonce, deadline, signature),
            invalid_signer(Address::ZERO),
        );
    }

    // Signed by a key that is not the KYC authority.
    let impostor = KycAuthority::from_seed(b"not the kyc authority");
    let forged = impostor.approve(chain_id, membership, alice, nonce, deadline);
    join_rejected(
        &mut w,
        alice,
        &join_with(alice, nonce, deadline, forged.to_vec()),
        invalid_signer(impostor.address()),
    );

    // Alice's approval for bob: it names alice, so for bob it is a signature over another
    // message.
    let for_bob = join_with(bob, nonce, deadline, valid.bytes());
    let recovered = valid
        .ecrecover(approval_digest(chain_id, membership, bob, nonce, deadline))
        .expect("recovers");
    join_rejected(&mut w, bob, &for_bob, invalid_signer(recovered));

    // The valid approval, submitted by anyone (bob pays alice's fee), admits alice once.
    let call = join_with(alice, nonce, deadline, valid.bytes());
    let joined = w.send(bob, membership, DEFAULT_JOINING_FEE_ETH, &call);
    assert!(joined.status, "the valid approval: {}", joined.return_data);
    let event: membership::MemberJoined = logged(&joined);
    assert_eq!((event.member, event.nonce), (alice, nonce));
    // Replayed, by her and by anyone else: she is a member.
    for sender in [alice, bob] {
        join_rejected(
            &mut w,
            sender,
            &call,
            membership::AlreadyMember { account: alice },
        );
    }
    // And after she leaves, never again: an address joins once.
    let left = w.leave_tx(alice);
    assert!(left.status, "alice leaves: {}", left.return_data);
    join_rejected(
        &mut w,
        bob,
        &call,
        membership::FormerMember { account: alice },
    );
}

#[test]
fn a_replaced_kyc_authority_approves_no_one() {
    // The deployer's key keeps governance, so it replaces the authority directly.
    let mut w = World::with_deployer_governance(tokens(20_000));
    let (alice, bob) = (w.account("alice"), w.account("bob"));
    let membership = w.protocol.membership;
    let (old_authority, old_approval) = (w.config.kyc.address(), w.approval(alice));
    let successor = KycAuthority::from_seed(b"the next kyc authority");
    let governance = w.config.governance.address();
    // The authority cannot be set to zero, the address a failed recovery returns.
    rejected(
        &mut w,
        governance,
        membership,
        U256::ZERO,
        &IMembership::setKycAuthorityCall {
            kycAuthority: Address::ZERO,
        },
        membership::ZeroAddress {},
    );
    w.govern(
        membership,
        &IMembership::setKycAuthorityCall {
            kycAuthority: successor.address(),
        },
    );
    // An approval the old key signed before the change, never used, no longer admits anyone.
    join_rejected(
        &mut w,
        alice,
        &old_approval,
        membership::InvalidApprovalSigner {
            signer: old_authority,
            kycAuthority: successor.address(),
        },
    );
    // The successor's approval does.
    w.config.kyc = successor;
    w.join(bob);
    assert!(w.view(membership, &IMembership::isMemberCall { account: bob }));
}

sol! {
    /// EIP-2612's typed struct: alloy's EIP-712 hashing, independent of the token's.
    struct Permit {
        address owner;
        address spender;
        uint256 value;
        uint256 nonce;
        uint256 deadline;
    }
}

/// NXM's EIP-712 domain on `chain_id` at `token`.
fn nxm_domain(chain_id: u64, token: Address) -> Eip712Domain {
    eip712_domain! {
        name: "NXM",
        version: "1",
        chain_id: chain_id,
        verifying_contract: token,
    }
}

/// The `permit` call for `permit` with `signature`.
fn permit_call(permit: &Permit, signature: Rsv) -> INxmToken::permitCall {
    INxmToken::permitCall {
        owner: permit.owner,
        spender: permit.spender,
        value: permit.value,
        deadline: permit.deadline,
        v: signature.v,
        r: signature.r,
        s: signature.s,
    }
}

#[test]
fn permits_work_once_for_their_owner_chain_token_and_deadline() {
    let mut w = World::new(tokens(20_000));
    let (alice, bob, mallory) = (w.account("alice"), w.account("bob"), w.account("mallory"));
    let token = w.protocol.nxm_token;
    let chain_id = devnode(&mut w).chain_id();
    let now = devnode(&mut w).timestamp();
    let domain = nxm_domain(chain_id, token);
    assert_eq!(
        w.view(token, &INxmToken::DOMAIN_SEPARATORCall {}),
        domain.separator(),
        "the token's domain is the one signed here"
    );
    let alice_key = key_of("alice");
    let permit = Permit {
        owner: alice,
        spender: bob,
        value: tokens(30),
        nonce: U256::ZERO,
        deadline: U256::from(now + 3_600),
    };
    let signed = |key: &SigningKey, permit: &Permit, domain: &Eip712Domain| {
        Rsv::sign(key, permit.eip712_signing_hash(domain))
    };
    let valid = signed(&alice_key, &permit, &domain);
    let invalid = nxm_token::InvalidSignature {};

    // Signed for another chain, for another token (membership's address), for another nonce.
    let later_nonce = Permit {
        nonce: U256::from(1),
        ..permit.clone()
    };
    for signature in [
        signed(&alice_key, &permit, &nxm_domain(chain_id + 1, token)),
        signed(
            &alice_key,
            &permit,
            &nxm_domain(chain_id, w.protocol.membership),
        ),
        signed(&alice_key, &later_nonce, &domain),
    ] {
        rejected(
            &mut w,
            bob,
            token,
            U256::ZERO,
            &permit_call(&permit, signature),
            invalid.clone(),
        );
    }

    // Past its deadline.
    let expired = Permit {
        deadline: U256::from(now - 1),
        ..permit.clone()
    };
    rejected(
        &mut w,
        bob,
        token,
        U256::ZERO,
        &permit_call(&expired, signed(&alice_key, &expired, &domain)),
        nxm_token::PermitExpired {
            deadline: expired.deadline,
            now: U256::from(now),
        },
    );

    // The malleated twin, which ecrecover would accept as alice's.
    let digest = permit.eip712_signing_hash(&domain);
    let twin = valid.high_s();
    assert_eq!(
        twin.ecrecover(digest),
        Some(alice),
        "the precompile accepts high-s"
    );
    // Signatures from which ecrecover returns nothing.
    let unrecoverable = [
        Rsv {
            r: B256::ZERO,
            ..valid
        },
        Rsv {
            s: B256::ZERO,
            ..valid
        },
        Rsv { v: 0, ..valid },
        Rsv { v: 29, ..valid },
    ];
    for signature in std::iter::once(twin).chain(unrecoverable) {
        rejected(
            &mut w,
            bob,
            token,
            U256::ZERO,
            &permit_call(&permit, signature),
            invalid.clone(),
        );
    }
    // The zero owner with a signature that recovers to zero: no allowance from address 0.
    let from_zero = Permit {
        owner: Address::ZERO,
        ..permit.clone()
    };
    let garbage = Rsv {
        r: B256::ZERO,
        s: B256::ZERO,
        v: 27,
    };
    assert_eq!(
        garbage.ecrecover(from_zero.eip712_signing_hash(&domain)),
        None
    );
    rejected(
        &mut w,
        mallory,
        token,
        U256::ZERO,
        &permit_call(&from_zero, garbage),
        invalid.clone(),
    );

    // A wrong signer: mallory signs alice's permit; alice's signature claimed for bob's NXM;
    // alice's signature with a larger value.
    let bobs = Permit {
        owner: bob,
        spender: mallory,
        ..permit.clone()
    };
    let larger = Permit {
        value: tokens(31),
        ..permit.clone()
    };
    for (permit, signature) in [
        (&permit, signed(&key_of("mallory"), &permit, &domain)),
        (&bobs, valid),
        (&larger, valid),
    ] {
        rejected(
            &mut w,
            mallory,
            token,
            U256::ZERO,
            &permit_call(permit, signature),
            invalid.clone(),
        );
    }

    // The valid permit, submitted by anyone, sets the allowance and uses nonce 0.
    let used = w.send(mallory, token, U256::ZERO, &permit_call(&permit, valid));
    assert!(used.status, "the valid permit: {}", used.return_data);
    let approval: nxm_token::Approval = logged(&used);
    assert_eq!(
        (approval.owner, approval.spender, approval.value),
        (alice, bob, tokens(30))
    );
    assert_eq!(
        w.view(
            token,
            &INxmToken::allowanceCall {
                owner: alice,
                spender: bob
            }
        ),
        tokens(30)
    );
    assert_eq!(
        w.view(token, &INxmToken::noncesCall { owner: alice }),
        U256::from(1)
    );
    // Replayed, it is checked against nonce 1 and fails.
    rejected(
        &mut w,
        bob,
        token,
        U256::ZERO,
        &permit_call(&permit, valid),
        invalid,
    );
}
