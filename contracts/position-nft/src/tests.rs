//! Unit tests of the position NFT on stylus-sdk's TestVM. Every call goes through the
//! contract's generated router with calldata from `mutual_interfaces::position_nft::abi` (and
//! its `erc721` module for the two `safeTransferFrom` overloads), so the ABI as declared is
//! tested with every rule: every entrypoint, every revert path with its exact error (and that it
//! changed no storage and logged nothing), every event.
//!
//! Receivers of safe transfers are mocked by exact calldata, but TestVM hands *every* call the
//! return data of the last registered mock, and an unmocked call succeeds. So a correct answer
//! alone cannot prove that the exact `onERC721Received(operator, from, tokenId, data)` went out:
//! the tests that pin the calldata register a *revert* for it whose revert data is the accepting
//! answer, so that a call with any other calldata would "succeed" with that answer, and only the
//! exact call reverts (`UnsafeRecipient`). TestVM does not roll back storage or logs on a revert:
//! a refused safe transfer's state change (made before the call, as OpenZeppelin does) stays in
//! TestVM, and the chain rolls it back.

use alloc::{string::String, vec, vec::Vec};
use std::collections::HashMap;

use alloy_primitives::{address, aliases::U48, Address, Bytes, FixedBytes, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use mutual_interfaces::position_nft::{
    abi::IPositionNft::{self, IPositionNftCalls},
    erc721::{
        IErc721Receiver,
        IErc721SafeTransfers::{self, IErc721SafeTransfersCalls},
    },
    Approval, ApprovalForAll, BaseUriSet, GovernanceChanged, MathOverflow, MinterSet,
    NonexistentToken, NotAContract, NotOwnerOrApproved, Transfer, Unauthorized, UnsafeRecipient,
    WrongFrom, ZeroAddress,
};
use stylus_sdk::{abi::Router, testing::TestVM};

use super::*;

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const MINTER: Address = address!("00000000000000000000000000000000000000b1");
const ALICE: Address = address!("00000000000000000000000000000000000000e1");
const BOB: Address = address!("00000000000000000000000000000000000000e2");
/// An operator (approved for all) or approved account in the tests that need one.
const CAROL: Address = address!("00000000000000000000000000000000000000e3");
const STRANGER: Address = address!("00000000000000000000000000000000000000e9");
/// A contract that receives tokens through `safeTransferFrom`.
const RECEIVER: Address = address!("00000000000000000000000000000000000000c1");
const NFT: Address = address!("00000000000000000000000000000000000000f1");

const NAME: &str = "Mutual Cover";
const SYMBOL: &str = "MCOVER";
const BASE_URI: &str = "https://nft.mutual.example/cover/";

/// `onERC721Received`'s selector, the one accepting answer.
const RECEIVED: [u8; 4] = [0x15, 0x0b, 0x7a, 0x02];

fn id(value: u64) -> U256 {
    U256::from(value)
}

/// A `bytes4` answer as the ABI returns it: left-aligned in a zero-padded word.
fn answer(selector: [u8; 4]) -> Vec<u8> {
    let mut word = vec![0u8; 32];
    word[..4].copy_from_slice(&selector);
    word
}

fn log<E: SolEvent>(event: E) -> (Vec<B256>, Vec<u8>) {
    let log = event.encode_log_data();
    (log.topics().to_vec(), log.data.to_vec())
}

/// The contract on a TestVM, constructed through its router.
struct Harness {
    vm: TestVM,
    nft: PositionNft,
}

impl Harness {
    /// Constructed, with `MINTER` set as the minter.
    fn new() -> Self {
        let mut harness = Self::constructed();
        harness.ok(GOVERNANCE, IPositionNft::setMinterCall { minter: MINTER });
        harness
    }

    /// Constructed, no minter set. `MINTER` and `RECEIVER` hold code.
    fn constructed() -> Self {
        Self::constructed_with(NAME, SYMBOL, BASE_URI)
    }

    /// [`Harness::constructed`] with the given texts.
    fn constructed_with(name: &str, symbol: &str, base_uri: &str) -> Self {
        let vm = TestVM::default();
        vm.set_contract_address(NFT);
        for contract in [MINTER, RECEIVER] {
            vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
        }
        let mut nft = PositionNft::from(&vm);
        let args = (
            String::from(name),
            String::from(symbol),
            String::from(base_uri),
            GOVERNANCE,
        )
            .abi_encode_params();
        <PositionNft as Router<PositionNft>>::constructor(&mut nft, &args)
            .unwrap()
            .unwrap();
        Self { vm, nft }
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
            <PositionNft as Router<PositionNft>>::route(&mut self.nft, selector, &calldata[4..])
                .expect("the contract routes every declared selector");
        self.vm.set_value(U256::ZERO);
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

    fn storage(&self) -> HashMap<U256, B256> {
        self.vm.snapshot().storage
    }

    fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.vm.get_emitted_logs()
    }

    fn mark(&self) -> usize {
        self.logs().len()
    }

    fn logs_since(&self, mark: usize) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.logs()[mark..].to_vec()
    }

    /// Asserts that `call` from `from` reverts with exactly `error`, leaving storage and logs
    /// untouched.
    fn expect_revert<C: SolCall, E: SolError>(&mut self, from: Address, call: C, error: E) {
        let (storage, logs) = (self.storage(), self.logs());
        let result = self.call(from, call);
        assert_eq!(
            result.err(),
            Some(error.abi_encode()),
            "expected {}",
            E::SIGNATURE
        );
        assert_eq!(storage, self.storage(), "a revert changed storage");
        assert_eq!(logs, self.logs(), "a revert emitted a log");
    }

    /// Mints the next token to `to` (as the minter) and returns its id.
    fn mint(&mut self, to: Address) -> U256 {
        self.ok(MINTER, IPositionNft::mintCall { to })
    }

    fn burn(&mut self, token_id: U256) {
        self.ok(MINTER, IPositionNft::burnCall { tokenId: token_id });
    }

    fn owner_of(&mut self, token_id: U256) -> Address {
        self.view(IPositionNft::ownerOfCall { tokenId: token_id })
    }

    fn balance_of(&mut self, owner: Address) -> U256 {
        self.view(IPositionNft::balanceOfCall { owner })
    }

    fn get_approved(&mut self, token_id: U256) -> Address {
        self.view(IPositionNft::getApprovedCall { tokenId: token_id })
    }

    fn total_supply(&mut self) -> U256 {
        self.view(IPositionNft::totalSupplyCall {})
    }

    fn token_uri(&mut self, token_id: U256) -> String {
        self.view(IPositionNft::tokenURICall { tokenId: token_id })
    }

    fn tokens_of_owner(&mut self, owner: Address, start_id: U256, count: U256) -> Vec<u64> {
        self.view(IPositionNft::tokensOfOwnerCall {
            owner,
            startId: start_id,
            count,
        })
        .into_iter()
        .map(|id| id.to::<u64>())
        .collect()
    }

    fn approve(&mut self, from: Address, to: Address, token_id: U256) {
        self.ok(
            from,
            IPositionNft::approveCall {
                to,
                tokenId: token_id,
            },
        );
    }

    fn set_approval_for_all(&mut self, owner: Address, operator: Address, approved: bool) {
        self.ok(
            owner,
            IPositionNft::setApprovalForAllCall { operator, approved },
        );
    }

    fn is_approved_or_owner(&mut self, spender: Address, token_id: U256) -> bool {
        self.view(IPositionNft::isApprovedOrOwnerCall {
            spender,
            tokenId: token_id,
        })
    }

    /// Registers the receiver's answer to `onERC721Received(operator, from, tokenId, data)`
    /// (register it last: its answer is the one the contract reads).
    fn mock_receiver(
        &self,
        operator: Address,
        from: Address,
        token_id: U256,
        data: &[u8],
        result: Result<Vec<u8>, Vec<u8>>,
    ) {
        let calldata = IErc721Receiver::onERC721ReceivedCall {
            operator,
            from,
            tokenId: token_id,
            data: Bytes::copy_from_slice(data),
        }
        .abi_encode();
        self.vm.mock_call(RECEIVER, calldata, U256::ZERO, result);
    }
}

fn transfer_call(from: Address, to: Address, token_id: U256) -> IPositionNft::transferFromCall {
    IPositionNft::transferFromCall {
        from,
        to,
        tokenId: token_id,
    }
}

fn safe_call(
    from: Address,
    to: Address,
    token_id: U256,
) -> IErc721SafeTransfers::safeTransferFrom_0Call {
    IErc721SafeTransfers::safeTransferFrom_0Call {
        from,
        to,
        tokenId: token_id,
    }
}

fn safe_call_with_data(
    from: Address,
    to: Address,
    token_id: U256,
    data: &[u8],
) -> IErc721SafeTransfers::safeTransferFrom_1Call {
    IErc721SafeTransfers::safeTransferFrom_1Call {
        from,
        to,
        tokenId: token_id,
        data: Bytes::copy_from_slice(data),
    }
}

fn nonexistent(token_id: U256) -> NonexistentToken {
    NonexistentToken { tokenId: token_id }
}

fn not_owner_or_approved(caller: Address, token_id: U256) -> NotOwnerOrApproved {
    NotOwnerOrApproved {
        caller,
        tokenId: token_id,
    }
}

// --- ABI and construction ---

#[test]
fn routes_every_declared_selector() {
    let mut harness = Harness::new();
    let declared = IPositionNftCalls::SELECTORS
        .iter()
        .chain(IErc721SafeTransfersCalls::SELECTORS);
    for selector in declared {
        let routed = <PositionNft as Router<PositionNft>>::route(
            &mut harness.nft,
            u32::from_be_bytes(*selector),
            &[],
        );
        assert!(
            routed.is_some(),
            "selector {selector:02x?} is not implemented"
        );
    }
    assert_eq!(IPositionNftCalls::SELECTORS.len(), 21);
    // ERC-721's two overloads, by their standard selectors.
    let mut overloads = IErc721SafeTransfersCalls::SELECTORS.to_vec();
    overloads.sort();
    assert_eq!(
        overloads,
        [[0x42, 0x84, 0x2e, 0x0e], [0xb8, 0x8d, 0x4f, 0xde]]
    );
    // tokenURI keeps its standard spelling.
    assert_eq!(
        IPositionNft::tokenURICall::SELECTOR,
        [0xc8, 0x7b, 0x56, 0xdd]
    );
    // An unknown selector is not routed (the fallback-less contract reverts).
    assert!(
        <PositionNft as Router<PositionNft>>::route(&mut harness.nft, 0xdead_beef, &[]).is_none()
    );
}

#[test]
fn constructor_sets_metadata_and_governance_and_no_minter() {
    let mut harness = Harness::constructed();
    assert_eq!(harness.view(IPositionNft::nameCall {}), NAME);
    assert_eq!(harness.view(IPositionNft::symbolCall {}), SYMBOL);
    assert_eq!(harness.view(IPositionNft::governanceCall {}), GOVERNANCE);
    assert_eq!(harness.view(IPositionNft::minterCall {}), Address::ZERO);
    assert_eq!(harness.total_supply(), U256::ZERO);
    assert_eq!(
        harness.logs(),
        vec![
            log(GovernanceChanged {
                previousGovernance: Address::ZERO,
                newGovernance: GOVERNANCE,
            }),
            log(BaseUriSet {
                baseUri: BASE_URI.into(),
            }),
        ]
    );
}

#[test]
fn constructor_refuses_zero_governance() {
    let vm = TestVM::default();
    let mut nft = PositionNft::from(&vm);
    let args = (
        String::from(NAME),
        String::from(SYMBOL),
        String::from(BASE_URI),
        Address::ZERO,
    )
        .abi_encode_params();
    let result = <PositionNft as Router<PositionNft>>::constructor(&mut nft, &args).unwrap();
    assert_eq!(result.err(), Some(ZeroAddress {}.abi_encode()));
    // Only the SDK's run-once flag is written before the constructor body (the chain rolls
    // it back with the revert).
    let storage = vm.snapshot().storage;
    assert!(
        storage
            .keys()
            .all(|key| *key == stylus_sdk::abi::internal::CONSTRUCTOR_EXECUTED_SLOT),
        "{storage:x?}"
    );
    assert!(vm.get_emitted_logs().is_empty());
}

#[test]
fn the_constructor_runs_once() {
    let mut harness = Harness::constructed();
    let args = (
        String::from("Other"),
        String::from("O"),
        String::new(),
        STRANGER,
    )
        .abi_encode_params();
    let again = <PositionNft as Router<PositionNft>>::constructor(&mut harness.nft, &args).unwrap();
    assert!(again.is_err());
    assert_eq!(harness.view(IPositionNft::nameCall {}), NAME);
    assert_eq!(harness.view(IPositionNft::governanceCall {}), GOVERNANCE);
}

#[test]
fn nothing_is_payable() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    let one = U256::from(1);
    let before = harness.mark();
    let refused = [
        harness
            .call_with_value(MINTER, one, IPositionNft::mintCall { to: ALICE })
            .is_err(),
        harness
            .call_with_value(ALICE, one, transfer_call(ALICE, BOB, token))
            .is_err(),
        harness
            .call_with_value(ALICE, one, safe_call(ALICE, BOB, token))
            .is_err(),
        harness
            .call_with_value(ALICE, one, safe_call_with_data(ALICE, BOB, token, b"x"))
            .is_err(),
        harness
            .call_with_value(
                ALICE,
                one,
                IPositionNft::approveCall {
                    to: BOB,
                    tokenId: token,
                },
            )
            .is_err(),
        harness
            .call_with_value(
                ALICE,
                one,
                IPositionNft::setApprovalForAllCall {
                    operator: BOB,
                    approved: true,
                },
            )
            .is_err(),
        harness
            .call_with_value(MINTER, one, IPositionNft::burnCall { tokenId: token })
            .is_err(),
        harness
            .call_with_value(
                GOVERNANCE,
                one,
                IPositionNft::setBaseUriCall {
                    baseUri: String::new(),
                },
            )
            .is_err(),
        harness
            .call_with_value(ALICE, one, IPositionNft::totalSupplyCall {})
            .is_err(),
    ];
    assert_eq!(refused, [true; 9]);
    assert!(harness.logs_since(before).is_empty());
    assert_eq!(harness.owner_of(token), ALICE);
}

// --- roles ---

#[test]
fn nobody_mints_or_burns_before_a_minter_is_set() {
    let mut harness = Harness::constructed();
    for caller in [MINTER, GOVERNANCE, ALICE] {
        harness.expect_revert(
            caller,
            IPositionNft::mintCall { to: ALICE },
            Unauthorized { caller },
        );
        harness.expect_revert(
            caller,
            IPositionNft::burnCall { tokenId: id(1) },
            Unauthorized { caller },
        );
    }
}

#[test]
fn set_minter_is_governance_only_and_needs_code() {
    let mut harness = Harness::constructed();
    for caller in [ALICE, MINTER] {
        harness.expect_revert(
            caller,
            IPositionNft::setMinterCall { minter: MINTER },
            Unauthorized { caller },
        );
    }
    harness.expect_revert(
        GOVERNANCE,
        IPositionNft::setMinterCall { minter: ALICE },
        NotAContract { account: ALICE },
    );
    let mark = harness.mark();
    harness.ok(GOVERNANCE, IPositionNft::setMinterCall { minter: MINTER });
    assert_eq!(harness.view(IPositionNft::minterCall {}), MINTER);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(MinterSet { minter: MINTER })]
    );
    assert_eq!(harness.mint(ALICE), id(1));
}

#[test]
fn a_zero_minter_disables_minting_and_burning() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    let mark = harness.mark();
    harness.ok(
        GOVERNANCE,
        IPositionNft::setMinterCall {
            minter: Address::ZERO,
        },
    );
    assert_eq!(
        harness.logs_since(mark),
        vec![log(MinterSet {
            minter: Address::ZERO
        })]
    );
    assert_eq!(harness.view(IPositionNft::minterCall {}), Address::ZERO);
    harness.expect_revert(
        MINTER,
        IPositionNft::mintCall { to: ALICE },
        Unauthorized { caller: MINTER },
    );
    harness.expect_revert(
        MINTER,
        IPositionNft::burnCall { tokenId: token },
        Unauthorized { caller: MINTER },
    );
    // Holders keep their tokens and move them as before.
    harness.ok(ALICE, transfer_call(ALICE, BOB, token));
    assert_eq!(harness.owner_of(token), BOB);
}

#[test]
fn a_replaced_minter_loses_the_role() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.ok(GOVERNANCE, IPositionNft::setMinterCall { minter: RECEIVER });
    harness.expect_revert(
        MINTER,
        IPositionNft::mintCall { to: ALICE },
        Unauthorized { caller: MINTER },
    );
    harness.expect_revert(
        MINTER,
        IPositionNft::burnCall { tokenId: token },
        Unauthorized { caller: MINTER },
    );
    assert_eq!(
        harness.ok(RECEIVER, IPositionNft::mintCall { to: BOB }),
        id(2)
    );
    harness.ok(RECEIVER, IPositionNft::burnCall { tokenId: token });
}

#[test]
fn set_base_uri_is_governance_only() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    for caller in [ALICE, MINTER] {
        harness.expect_revert(
            caller,
            IPositionNft::setBaseUriCall {
                baseUri: "ipfs://evil/".into(),
            },
            Unauthorized { caller },
        );
    }
    let mark = harness.mark();
    harness.ok(
        GOVERNANCE,
        IPositionNft::setBaseUriCall {
            baseUri: "ipfs://bafy/".into(),
        },
    );
    assert_eq!(
        harness.logs_since(mark),
        vec![log(BaseUriSet {
            baseUri: "ipfs://bafy/".into()
        })]
    );
    assert_eq!(harness.token_uri(token), "ipfs://bafy/1");
    // A long base URI (several storage slots) round-trips.
    let long: String = "https://metadata.mutual.example/very/long/path/".repeat(3);
    harness.ok(
        GOVERNANCE,
        IPositionNft::setBaseUriCall {
            baseUri: long.clone(),
        },
    );
    assert_eq!(harness.token_uri(token), long + "1");
    // An empty base leaves the bare id.
    harness.ok(
        GOVERNANCE,
        IPositionNft::setBaseUriCall {
            baseUri: String::new(),
        },
    );
    assert_eq!(harness.token_uri(token), "1");
}

#[test]
fn set_governance_hands_the_role_over() {
    let mut harness = Harness::new();
    harness.expect_revert(
        ALICE,
        IPositionNft::setGovernanceCall {
            newGovernance: ALICE,
        },
        Unauthorized { caller: ALICE },
    );
    harness.expect_revert(
        GOVERNANCE,
        IPositionNft::setGovernanceCall {
            newGovernance: Address::ZERO,
        },
        ZeroAddress {},
    );
    let mark = harness.mark();
    harness.ok(
        GOVERNANCE,
        IPositionNft::setGovernanceCall { newGovernance: BOB },
    );
    assert_eq!(
        harness.logs_since(mark),
        vec![log(GovernanceChanged {
            previousGovernance: GOVERNANCE,
            newGovernance: BOB,
        })]
    );
    assert_eq!(harness.view(IPositionNft::governanceCall {}), BOB);
    // The old governance has no rights left; the new one has them all.
    harness.expect_revert(
        GOVERNANCE,
        IPositionNft::setMinterCall {
            minter: Address::ZERO,
        },
        Unauthorized { caller: GOVERNANCE },
    );
    harness.expect_revert(
        GOVERNANCE,
        IPositionNft::setBaseUriCall {
            baseUri: String::new(),
        },
        Unauthorized { caller: GOVERNANCE },
    );
    harness.expect_revert(
        GOVERNANCE,
        IPositionNft::setGovernanceCall {
            newGovernance: GOVERNANCE,
        },
        Unauthorized { caller: GOVERNANCE },
    );
    harness.ok(BOB, IPositionNft::setMinterCall { minter: RECEIVER });
    assert_eq!(harness.view(IPositionNft::minterCall {}), RECEIVER);
}

// --- mint and burn ---

#[test]
fn mint_numbers_tokens_from_one() {
    let mut harness = Harness::new();
    let mark = harness.mark();
    assert_eq!(harness.mint(ALICE), id(1));
    assert_eq!(harness.mint(BOB), id(2));
    assert_eq!(harness.mint(ALICE), id(3));
    assert_eq!(
        harness.logs_since(mark),
        vec![
            log(Transfer {
                from: Address::ZERO,
                to: ALICE,
                tokenId: id(1)
            }),
            log(Transfer {
                from: Address::ZERO,
                to: BOB,
                tokenId: id(2)
            }),
            log(Transfer {
                from: Address::ZERO,
                to: ALICE,
                tokenId: id(3)
            }),
        ]
    );
    assert_eq!(harness.owner_of(id(1)), ALICE);
    assert_eq!(harness.owner_of(id(2)), BOB);
    assert_eq!(harness.owner_of(id(3)), ALICE);
    assert_eq!(harness.balance_of(ALICE), id(2));
    assert_eq!(harness.balance_of(BOB), id(1));
    assert_eq!(harness.balance_of(CAROL), U256::ZERO);
    assert_eq!(harness.total_supply(), id(3));
    assert_eq!(harness.get_approved(id(1)), Address::ZERO);
}

#[test]
fn mint_refuses_strangers_and_the_zero_address() {
    let mut harness = Harness::new();
    for caller in [ALICE, GOVERNANCE, RECEIVER] {
        harness.expect_revert(
            caller,
            IPositionNft::mintCall { to: ALICE },
            Unauthorized { caller },
        );
    }
    harness.expect_revert(
        MINTER,
        IPositionNft::mintCall { to: Address::ZERO },
        ZeroAddress {},
    );
    assert_eq!(harness.total_supply(), U256::ZERO);
}

#[test]
fn mint_does_not_call_a_contract_receiver() {
    let mut harness = Harness::new();
    // A receiver that would refuse everything: mint never asks it.
    harness.vm.mock_call(
        RECEIVER,
        Vec::new(),
        U256::ZERO,
        Err(answer([0xde, 0xad, 0xbe, 0xef])),
    );
    harness.mock_receiver(MINTER, Address::ZERO, id(1), &[], Err(answer(RECEIVED)));
    assert_eq!(
        harness.ok(MINTER, IPositionNft::mintCall { to: RECEIVER }),
        id(1)
    );
    assert_eq!(harness.owner_of(id(1)), RECEIVER);
}

/// A mint writes three slots: the token's owner, the receiver's balance, and the one slot that
/// packs the minter, the last id and the supply.
#[test]
fn a_mint_writes_three_slots() {
    let mut harness = Harness::new();
    harness.mint(BOB);
    let before = harness.storage();
    harness.mint(ALICE);
    let after = harness.storage();
    let written: Vec<&U256> = after
        .iter()
        .filter(|(key, value)| before.get(key) != Some(value))
        .map(|(key, _)| key)
        .collect();
    assert_eq!(written.len(), 3, "{written:x?}");
    // The packed slot (the fifth field, slot 4): the minter in the low 20 bytes, then the last
    // id (6 bytes), then the supply (6 bytes).
    let packed = after[&U256::from(4)];
    let mut expected = [0u8; 32];
    expected[0..6].copy_from_slice(&U48::from(2).to_be_bytes::<6>());
    expected[6..12].copy_from_slice(&U48::from(2).to_be_bytes::<6>());
    expected[12..].copy_from_slice(MINTER.as_slice());
    assert_eq!(packed, B256::from(expected));
    // A later mint to an existing holder writes the same three kinds of slot.
    let before = harness.storage();
    harness.mint(ALICE);
    let after = harness.storage();
    let written = after
        .iter()
        .filter(|(key, value)| before.get(key) != Some(value))
        .count();
    assert_eq!(written, 3);
}

#[test]
fn mint_stops_at_the_largest_id() {
    let mut harness = Harness::new();
    let largest = U48::MAX.to::<u64>();
    harness.nft.last_id.set(U48::MAX - U48::from(1));
    assert_eq!(harness.mint(ALICE), id(largest));
    assert_eq!(harness.owner_of(id(largest)), ALICE);
    assert_eq!(
        harness.token_uri(id(largest)),
        format!("{BASE_URI}281474976710655")
    );
    harness.expect_revert(MINTER, IPositionNft::mintCall { to: BOB }, MathOverflow {});
    assert_eq!(harness.total_supply(), id(1));
    assert_eq!(harness.balance_of(BOB), U256::ZERO);
}

#[test]
fn burn_removes_the_token() {
    let mut harness = Harness::new();
    let first = harness.mint(ALICE);
    let second = harness.mint(ALICE);
    harness.approve(ALICE, CAROL, first);
    let mark = harness.mark();
    harness.burn(first);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(Transfer {
            from: ALICE,
            to: Address::ZERO,
            tokenId: first
        })]
    );
    assert_eq!(harness.balance_of(ALICE), id(1));
    assert_eq!(harness.total_supply(), id(1));
    harness.expect_revert(
        STRANGER,
        IPositionNft::ownerOfCall { tokenId: first },
        nonexistent(first),
    );
    harness.expect_revert(
        STRANGER,
        IPositionNft::getApprovedCall { tokenId: first },
        nonexistent(first),
    );
    // The approval is gone from storage, not just hidden.
    assert_eq!(harness.nft.token_approvals.get(first), Address::ZERO);
    // The other token is untouched; burned ids are never reused.
    assert_eq!(harness.owner_of(second), ALICE);
    assert_eq!(harness.mint(BOB), id(3));
    assert_eq!(harness.total_supply(), id(2));
}

#[test]
fn burn_takes_the_token_from_whoever_holds_it() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.ok(ALICE, transfer_call(ALICE, BOB, token));
    harness.burn(token);
    assert_eq!(harness.balance_of(ALICE), U256::ZERO);
    assert_eq!(harness.balance_of(BOB), U256::ZERO);
    assert_eq!(harness.total_supply(), U256::ZERO);
}

#[test]
fn burn_refuses_strangers_and_missing_tokens() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    for caller in [ALICE, GOVERNANCE] {
        harness.expect_revert(
            caller,
            IPositionNft::burnCall { tokenId: token },
            Unauthorized { caller },
        );
    }
    for missing in [U256::ZERO, id(2), U256::MAX] {
        harness.expect_revert(
            MINTER,
            IPositionNft::burnCall { tokenId: missing },
            nonexistent(missing),
        );
    }
    harness.burn(token);
    harness.expect_revert(
        MINTER,
        IPositionNft::burnCall { tokenId: token },
        nonexistent(token),
    );
    // A burned token cannot be moved or approved either.
    harness.expect_revert(ALICE, transfer_call(ALICE, BOB, token), nonexistent(token));
    harness.expect_revert(
        ALICE,
        IPositionNft::approveCall {
            to: BOB,
            tokenId: token,
        },
        nonexistent(token),
    );
}

#[test]
fn total_supply_counts_minted_minus_burned() {
    let mut harness = Harness::new();
    assert_eq!(harness.total_supply(), U256::ZERO);
    for expected in 1..=5 {
        harness.mint(ALICE);
        assert_eq!(harness.total_supply(), id(expected));
    }
    harness.burn(id(2));
    harness.burn(id(5));
    assert_eq!(harness.total_supply(), id(3));
    harness.mint(BOB);
    assert_eq!(harness.total_supply(), id(4));
    for token in [1, 3, 4, 6] {
        harness.burn(id(token));
    }
    assert_eq!(harness.total_supply(), U256::ZERO);
    assert_eq!(harness.mint(BOB), id(7));
}

/// The texts are stored as a length word and whole data words: every length around a word
/// boundary, multi-byte UTF-8, and a shorter value over a longer one read back exactly.
#[test]
fn texts_of_every_length_round_trip() {
    let texts: Vec<String> = [0usize, 1, 31, 32, 33, 63, 64, 65, 200]
        .iter()
        .map(|&len| {
            (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect()
        })
        .chain([String::from("Mutual Cover — 保险 🛡️ positions")])
        .collect();
    for text in &texts {
        let reversed: String = text.chars().rev().collect();
        let mut harness = Harness::constructed_with(text, &reversed, text);
        assert_eq!(&harness.view(IPositionNft::nameCall {}), text);
        assert_eq!(harness.view(IPositionNft::symbolCall {}), reversed);
        harness.ok(GOVERNANCE, IPositionNft::setMinterCall { minter: MINTER });
        let token = harness.mint(ALICE);
        assert_eq!(harness.token_uri(token), format!("{text}1"));
        // Each text has its own words: a new base URI leaves the name and symbol as they were.
        harness.ok(
            GOVERNANCE,
            IPositionNft::setBaseUriCall {
                baseUri: "b".repeat(70),
            },
        );
        assert_eq!(&harness.view(IPositionNft::nameCall {}), text);
        assert_eq!(harness.view(IPositionNft::symbolCall {}), reversed);
        // A shorter base over a longer one: the words beyond its length are not read.
        harness.ok(
            GOVERNANCE,
            IPositionNft::setBaseUriCall {
                baseUri: text.clone(),
            },
        );
        assert_eq!(harness.token_uri(token), format!("{text}1"));
    }
}

// --- ERC-721 views ---

#[test]
fn balance_of_refuses_the_zero_address() {
    let mut harness = Harness::new();
    harness.expect_revert(
        STRANGER,
        IPositionNft::balanceOfCall {
            owner: Address::ZERO,
        },
        ZeroAddress {},
    );
}

#[test]
fn owner_of_and_get_approved_refuse_missing_tokens() {
    let mut harness = Harness::new();
    harness.mint(ALICE);
    for missing in [U256::ZERO, id(2), id(u64::MAX), U256::MAX] {
        harness.expect_revert(
            STRANGER,
            IPositionNft::ownerOfCall { tokenId: missing },
            nonexistent(missing),
        );
        harness.expect_revert(
            STRANGER,
            IPositionNft::getApprovedCall { tokenId: missing },
            nonexistent(missing),
        );
        harness.expect_revert(
            STRANGER,
            IPositionNft::tokenURICall { tokenId: missing },
            nonexistent(missing),
        );
        harness.expect_revert(
            STRANGER,
            IPositionNft::isApprovedOrOwnerCall {
                spender: ALICE,
                tokenId: missing,
            },
            nonexistent(missing),
        );
    }
}

// --- transfers ---

#[test]
fn the_owner_transfers() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.mint(BOB);
    let mark = harness.mark();
    harness.ok(ALICE, transfer_call(ALICE, BOB, token));
    assert_eq!(
        harness.logs_since(mark),
        vec![log(Transfer {
            from: ALICE,
            to: BOB,
            tokenId: token
        })]
    );
    assert_eq!(harness.owner_of(token), BOB);
    assert_eq!(harness.balance_of(ALICE), U256::ZERO);
    assert_eq!(harness.balance_of(BOB), id(2));
    assert_eq!(harness.total_supply(), id(2));
    // The new owner controls it, the old one no longer.
    harness.expect_revert(
        ALICE,
        transfer_call(BOB, ALICE, token),
        not_owner_or_approved(ALICE, token),
    );
    harness.ok(BOB, transfer_call(BOB, CAROL, token));
    assert_eq!(harness.owner_of(token), CAROL);
}

#[test]
fn a_transfer_to_a_non_member_or_oneself_is_plain() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    // No membership check: any non-zero address receives.
    harness.ok(ALICE, transfer_call(ALICE, STRANGER, token));
    assert_eq!(harness.owner_of(token), STRANGER);
    // To oneself: the owner and the balance stay, the approval is cleared, Transfer is logged.
    harness.approve(STRANGER, CAROL, token);
    let mark = harness.mark();
    harness.ok(STRANGER, transfer_call(STRANGER, STRANGER, token));
    assert_eq!(
        harness.logs_since(mark),
        vec![log(Transfer {
            from: STRANGER,
            to: STRANGER,
            tokenId: token
        })]
    );
    assert_eq!(harness.owner_of(token), STRANGER);
    assert_eq!(harness.balance_of(STRANGER), id(1));
    assert_eq!(harness.get_approved(token), Address::ZERO);
}

#[test]
fn the_approved_account_transfers_once() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.approve(ALICE, CAROL, token);
    assert_eq!(harness.get_approved(token), CAROL);
    harness.ok(CAROL, transfer_call(ALICE, BOB, token));
    assert_eq!(harness.owner_of(token), BOB);
    // The approval is cleared by the transfer.
    assert_eq!(harness.get_approved(token), Address::ZERO);
    harness.expect_revert(
        CAROL,
        transfer_call(BOB, CAROL, token),
        not_owner_or_approved(CAROL, token),
    );
}

#[test]
fn an_owner_transfer_also_clears_the_approval() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.approve(ALICE, CAROL, token);
    harness.ok(ALICE, transfer_call(ALICE, BOB, token));
    assert_eq!(harness.get_approved(token), Address::ZERO);
    assert!(!harness.is_approved_or_owner(CAROL, token));
    // Back to Alice: Carol's old approval does not come back.
    harness.ok(BOB, transfer_call(BOB, ALICE, token));
    harness.expect_revert(
        CAROL,
        transfer_call(ALICE, CAROL, token),
        not_owner_or_approved(CAROL, token),
    );
}

#[test]
fn an_operator_transfers_every_token_of_the_owner() {
    let mut harness = Harness::new();
    let first = harness.mint(ALICE);
    let second = harness.mint(ALICE);
    let bobs = harness.mint(BOB);
    harness.set_approval_for_all(ALICE, CAROL, true);
    harness.ok(CAROL, transfer_call(ALICE, BOB, first));
    harness.ok(CAROL, transfer_call(ALICE, CAROL, second));
    assert_eq!(harness.owner_of(first), BOB);
    assert_eq!(harness.owner_of(second), CAROL);
    // Operator rights are per owner: not over Bob's tokens, nor over the token once it left
    // Alice.
    harness.expect_revert(
        CAROL,
        transfer_call(BOB, CAROL, bobs),
        not_owner_or_approved(CAROL, bobs),
    );
    harness.expect_revert(
        CAROL,
        transfer_call(BOB, CAROL, first),
        not_owner_or_approved(CAROL, first),
    );
    // They stay for tokens Alice receives later, until revoked.
    let third = harness.mint(ALICE);
    harness.ok(CAROL, transfer_call(ALICE, BOB, third));
    let fourth = harness.mint(ALICE);
    harness.set_approval_for_all(ALICE, CAROL, false);
    harness.expect_revert(
        CAROL,
        transfer_call(ALICE, BOB, fourth),
        not_owner_or_approved(CAROL, fourth),
    );
}

#[test]
fn transfer_from_refuses_every_bad_input() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.mint(BOB);
    for missing in [U256::ZERO, id(3), U256::MAX] {
        harness.expect_revert(
            ALICE,
            transfer_call(ALICE, BOB, missing),
            nonexistent(missing),
        );
    }
    // `from` must be the owner, whoever calls.
    harness.expect_revert(
        ALICE,
        transfer_call(BOB, CAROL, token),
        WrongFrom {
            from: BOB,
            owner: ALICE,
            tokenId: token,
        },
    );
    harness.expect_revert(
        ALICE,
        transfer_call(Address::ZERO, CAROL, token),
        WrongFrom {
            from: Address::ZERO,
            owner: ALICE,
            tokenId: token,
        },
    );
    harness.expect_revert(
        ALICE,
        transfer_call(ALICE, Address::ZERO, token),
        ZeroAddress {},
    );
    for caller in [STRANGER, BOB, MINTER, GOVERNANCE] {
        harness.expect_revert(
            caller,
            transfer_call(ALICE, caller, token),
            not_owner_or_approved(caller, token),
        );
    }
    assert_eq!(harness.owner_of(token), ALICE);
}

// --- approvals ---

#[test]
fn the_owner_approves_and_clears() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    let mark = harness.mark();
    harness.approve(ALICE, CAROL, token);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(Approval {
            owner: ALICE,
            approved: CAROL,
            tokenId: token
        })]
    );
    assert_eq!(harness.get_approved(token), CAROL);
    // Re-approving replaces the approved account.
    harness.approve(ALICE, BOB, token);
    assert_eq!(harness.get_approved(token), BOB);
    assert!(!harness.is_approved_or_owner(CAROL, token));
    let mark = harness.mark();
    harness.approve(ALICE, Address::ZERO, token);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(Approval {
            owner: ALICE,
            approved: Address::ZERO,
            tokenId: token
        })]
    );
    assert_eq!(harness.get_approved(token), Address::ZERO);
    harness.expect_revert(
        BOB,
        transfer_call(ALICE, BOB, token),
        not_owner_or_approved(BOB, token),
    );
}

#[test]
fn an_operator_approves_for_the_owner() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.set_approval_for_all(ALICE, CAROL, true);
    let mark = harness.mark();
    harness.approve(CAROL, BOB, token);
    // The event names the owner, not the operator.
    assert_eq!(
        harness.logs_since(mark),
        vec![log(Approval {
            owner: ALICE,
            approved: BOB,
            tokenId: token
        })]
    );
    harness.ok(BOB, transfer_call(ALICE, BOB, token));
    assert_eq!(harness.owner_of(token), BOB);
}

#[test]
fn approve_refuses_everyone_else() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.approve(ALICE, CAROL, token);
    // The approved account cannot pass its approval on; strangers and roles cannot approve.
    for caller in [CAROL, STRANGER, MINTER, GOVERNANCE] {
        harness.expect_revert(
            caller,
            IPositionNft::approveCall {
                to: caller,
                tokenId: token,
            },
            not_owner_or_approved(caller, token),
        );
    }
    for missing in [U256::ZERO, id(2)] {
        harness.expect_revert(
            ALICE,
            IPositionNft::approveCall {
                to: BOB,
                tokenId: missing,
            },
            nonexistent(missing),
        );
    }
    assert_eq!(harness.get_approved(token), CAROL);
}

#[test]
fn set_approval_for_all_sets_and_revokes() {
    let mut harness = Harness::new();
    let all = |harness: &mut Harness, owner, operator| {
        harness.view(IPositionNft::isApprovedForAllCall { owner, operator })
    };
    assert!(!all(&mut harness, ALICE, CAROL));
    let mark = harness.mark();
    harness.set_approval_for_all(ALICE, CAROL, true);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(ApprovalForAll {
            owner: ALICE,
            operator: CAROL,
            approved: true
        })]
    );
    assert!(all(&mut harness, ALICE, CAROL));
    // Per owner and operator.
    assert!(!all(&mut harness, CAROL, ALICE));
    assert!(!all(&mut harness, ALICE, BOB));
    assert!(!all(&mut harness, BOB, CAROL));
    let mark = harness.mark();
    harness.set_approval_for_all(ALICE, CAROL, false);
    assert_eq!(
        harness.logs_since(mark),
        vec![log(ApprovalForAll {
            owner: ALICE,
            operator: CAROL,
            approved: false
        })]
    );
    assert!(!all(&mut harness, ALICE, CAROL));
    // Needs no token, and any operator is accepted.
    harness.set_approval_for_all(STRANGER, Address::ZERO, true);
    assert!(all(&mut harness, STRANGER, Address::ZERO));
}

#[test]
fn is_approved_or_owner_answers_for_each_right() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    assert!(harness.is_approved_or_owner(ALICE, token));
    assert!(!harness.is_approved_or_owner(BOB, token));
    assert!(!harness.is_approved_or_owner(Address::ZERO, token));
    harness.approve(ALICE, BOB, token);
    assert!(harness.is_approved_or_owner(BOB, token));
    assert!(!harness.is_approved_or_owner(CAROL, token));
    harness.set_approval_for_all(ALICE, CAROL, true);
    assert!(harness.is_approved_or_owner(CAROL, token));
    // Even an operator entry for the zero address gives the zero address nothing.
    harness.set_approval_for_all(ALICE, Address::ZERO, true);
    assert!(!harness.is_approved_or_owner(Address::ZERO, token));
    assert!(!harness.is_approved_or_owner(STRANGER, token));
}

// --- safe transfers ---

#[test]
fn safe_transfer_to_an_account_without_code_makes_no_call() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    let other = harness.mint(ALICE);
    // Were BOB called, these refusals would answer.
    for data in [&b""[..], b"hi"] {
        let calldata = IErc721Receiver::onERC721ReceivedCall {
            operator: ALICE,
            from: ALICE,
            tokenId: token,
            data: Bytes::copy_from_slice(data),
        }
        .abi_encode();
        harness
            .vm
            .mock_call(BOB, calldata, U256::ZERO, Err(Vec::new()));
    }
    let mark = harness.mark();
    harness.ok(ALICE, safe_call(ALICE, BOB, token));
    harness.ok(ALICE, safe_call_with_data(ALICE, BOB, other, b"hi"));
    assert_eq!(
        harness.logs_since(mark),
        vec![
            log(Transfer {
                from: ALICE,
                to: BOB,
                tokenId: token
            }),
            log(Transfer {
                from: ALICE,
                to: BOB,
                tokenId: other
            }),
        ]
    );
    assert_eq!(harness.owner_of(token), BOB);
    assert_eq!(harness.owner_of(other), BOB);
    assert_eq!(harness.balance_of(BOB), id(2));
}

#[test]
fn safe_transfer_to_an_accepting_contract() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.approve(ALICE, CAROL, token);
    harness.mock_receiver(ALICE, ALICE, token, &[], Ok(answer(RECEIVED)));
    let mark = harness.mark();
    harness.ok(ALICE, safe_call(ALICE, RECEIVER, token));
    assert_eq!(
        harness.logs_since(mark),
        vec![log(Transfer {
            from: ALICE,
            to: RECEIVER,
            tokenId: token
        })]
    );
    assert_eq!(harness.owner_of(token), RECEIVER);
    assert_eq!(harness.balance_of(RECEIVER), id(1));
    assert_eq!(harness.get_approved(token), Address::ZERO);
}

#[test]
fn safe_transfer_with_data_to_an_accepting_contract() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    let data = [0xabu8; 70];
    harness.mock_receiver(ALICE, ALICE, token, &data, Ok(answer(RECEIVED)));
    harness.ok(ALICE, safe_call_with_data(ALICE, RECEIVER, token, &data));
    assert_eq!(harness.owner_of(token), RECEIVER);
}

#[test]
fn a_longer_answer_is_accepted_on_its_first_word() {
    // As Solidity's `abi.decode` into `bytes4`: extra bytes after the first word are ignored.
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    let mut long = answer(RECEIVED);
    long.extend_from_slice(&[0xff; 32]);
    harness.mock_receiver(ALICE, ALICE, token, &[], Ok(long));
    harness.ok(ALICE, safe_call(ALICE, RECEIVER, token));
    assert_eq!(harness.owner_of(token), RECEIVER);
}

/// The receiver gets exactly `onERC721Received(operator = the caller, from, tokenId, data)`: a
/// revert is registered for that exact calldata with the accepting answer as its data, so any
/// other calldata would "succeed" (TestVM) with the accepting answer; only the exact call
/// reverts.
#[test]
fn safe_transfer_sends_the_exact_callback() {
    // Overload without data, called by the owner: data is empty.
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.mock_receiver(ALICE, ALICE, token, &[], Err(answer(RECEIVED)));
    assert_eq!(
        harness.call(ALICE, safe_call(ALICE, RECEIVER, token)).err(),
        Some(UnsafeRecipient { receiver: RECEIVER }.abi_encode())
    );

    // Overload with data, called by an operator: the operator is the caller, `from` the owner.
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.set_approval_for_all(ALICE, CAROL, true);
    harness.mock_receiver(CAROL, ALICE, token, b"position", Err(answer(RECEIVED)));
    assert_eq!(
        harness
            .call(
                CAROL,
                safe_call_with_data(ALICE, RECEIVER, token, b"position")
            )
            .err(),
        Some(UnsafeRecipient { receiver: RECEIVER }.abi_encode())
    );

    // Called by the token's approved account.
    let mut harness = Harness::new();
    harness.mint(BOB);
    let token = harness.mint(ALICE);
    harness.approve(ALICE, BOB, token);
    harness.mock_receiver(BOB, ALICE, token, &[], Err(answer(RECEIVED)));
    assert_eq!(
        harness.call(BOB, safe_call(ALICE, RECEIVER, token)).err(),
        Some(UnsafeRecipient { receiver: RECEIVER }.abi_encode())
    );
}

#[test]
fn safe_transfer_refuses_a_wrong_answer() {
    let mut wrong_word = answer(RECEIVED);
    wrong_word[31] = 1; // dirty padding: not a clean `bytes4`
    let answers = [
        answer([0xde, 0xad, 0xbe, 0xef]),
        answer([0x15, 0x0b, 0x7a, 0x03]),
        answer([0; 4]),
        wrong_word,
        RECEIVED.to_vec(), // the selector alone, not a word
        answer(RECEIVED)[..31].to_vec(),
        Vec::new(), // a receiver without the function (or an EOA-like fallback)
        // The selector right-aligned, as a uint would be.
        U256::from(u32::from_be_bytes(RECEIVED))
            .to_be_bytes::<32>()
            .to_vec(),
    ];
    for wrong in answers {
        let mut harness = Harness::new();
        let token = harness.mint(ALICE);
        harness.mock_receiver(ALICE, ALICE, token, b"d", Ok(wrong.clone()));
        assert_eq!(
            harness
                .call(ALICE, safe_call_with_data(ALICE, RECEIVER, token, b"d"))
                .err(),
            Some(UnsafeRecipient { receiver: RECEIVER }.abi_encode()),
            "accepted {wrong:02x?}"
        );
    }
}

#[test]
fn safe_transfer_refuses_a_reverting_receiver() {
    for reason in [
        Vec::new(),
        Unauthorized { caller: NFT }.abi_encode(),
        b"not today".to_vec(),
    ] {
        let mut harness = Harness::new();
        let token = harness.mint(ALICE);
        harness.mock_receiver(ALICE, ALICE, token, &[], Err(reason));
        assert_eq!(
            harness.call(ALICE, safe_call(ALICE, RECEIVER, token)).err(),
            Some(UnsafeRecipient { receiver: RECEIVER }.abi_encode())
        );
    }
}

/// The callback goes out after the state change (as OpenZeppelin's): at the moment of the
/// call the token is already the receiver's and the approval cleared. TestVM keeps that state
/// when the callback's refusal reverts (the chain rolls it back), which shows the order.
#[test]
fn the_callback_follows_the_state_change() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.approve(ALICE, CAROL, token);
    harness.mock_receiver(ALICE, ALICE, token, &[], Err(Vec::new()));
    assert!(harness
        .call(ALICE, safe_call(ALICE, RECEIVER, token))
        .is_err());
    assert_eq!(harness.nft.owners.get(token), RECEIVER);
    assert_eq!(harness.nft.token_approvals.get(token), Address::ZERO);
    assert_eq!(harness.nft.balances.get(RECEIVER).to::<u64>(), 1);
}

#[test]
fn safe_transfer_checks_before_any_call() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    harness.mock_receiver(ALICE, ALICE, token, &[], Ok(answer(RECEIVED)));
    harness.expect_revert(
        STRANGER,
        safe_call(ALICE, RECEIVER, token),
        not_owner_or_approved(STRANGER, token),
    );
    harness.expect_revert(
        STRANGER,
        safe_call_with_data(ALICE, RECEIVER, token, b"x"),
        not_owner_or_approved(STRANGER, token),
    );
    harness.expect_revert(
        ALICE,
        safe_call(BOB, RECEIVER, token),
        WrongFrom {
            from: BOB,
            owner: ALICE,
            tokenId: token,
        },
    );
    harness.expect_revert(
        ALICE,
        safe_call_with_data(ALICE, Address::ZERO, token, b""),
        ZeroAddress {},
    );
    harness.expect_revert(ALICE, safe_call(ALICE, RECEIVER, id(9)), nonexistent(id(9)));
    assert_eq!(harness.owner_of(token), ALICE);
}

// --- metadata and ERC-165 ---

#[test]
fn token_uri_is_the_base_and_the_decimal_id() {
    let mut harness = Harness::new();
    for token in [1u64, 9, 10, 12_345] {
        harness.nft.last_id.set(U48::from(token - 1));
        assert_eq!(harness.mint(ALICE), id(token));
    }
    assert_eq!(harness.token_uri(id(1)), format!("{BASE_URI}1"));
    assert_eq!(harness.token_uri(id(9)), format!("{BASE_URI}9"));
    assert_eq!(harness.token_uri(id(10)), format!("{BASE_URI}10"));
    assert_eq!(harness.token_uri(id(12_345)), format!("{BASE_URI}12345"));
    // Ids skipped here were never minted.
    harness.expect_revert(
        STRANGER,
        IPositionNft::tokenURICall { tokenId: id(2) },
        nonexistent(id(2)),
    );
}

#[test]
fn decimal_digits_for_every_width() {
    let decimal = |value: u64| {
        let mut out = b"x".to_vec();
        push_decimal(&mut out, value);
        String::from_utf8(out).unwrap()
    };
    assert_eq!(decimal(0), "x0");
    assert_eq!(decimal(1), "x1");
    assert_eq!(decimal(9), "x9");
    assert_eq!(decimal(10), "x10");
    assert_eq!(decimal(99), "x99");
    assert_eq!(decimal(100), "x100");
    assert_eq!(decimal(12_345), "x12345");
    assert_eq!(decimal(281_474_976_710_655), "x281474976710655");
    assert_eq!(decimal(u64::MAX - 1), "x18446744073709551614");
    assert_eq!(decimal(u64::MAX), "x18446744073709551615");
    // Against the standard formatting, over each power of ten and its neighbours.
    let mut power = 1u64;
    loop {
        for value in [power - 1, power, power + 1] {
            assert_eq!(decimal(value), format!("x{value}"));
        }
        match power.checked_mul(10) {
            Some(next) => power = next,
            None => break,
        }
    }
}

#[test]
fn supports_interface_answers_for_the_three_standards() {
    let mut harness = Harness::new();
    let mut supports = |id: [u8; 4]| {
        harness.view(IPositionNft::supportsInterfaceCall {
            interfaceId: FixedBytes(id),
        })
    };
    assert!(supports([0x01, 0xff, 0xc9, 0xa7]));
    assert!(supports([0x80, 0xac, 0x58, 0xcd]));
    assert!(supports([0x5b, 0x5e, 0x13, 0x9f]));
    assert!(!supports([0xff, 0xff, 0xff, 0xff]));
    assert!(!supports([0x00, 0x00, 0x00, 0x00]));
    assert!(!supports([0x78, 0x0e, 0x9d, 0x63])); // ERC-721 enumerable: not implemented
    assert!(!supports([0x15, 0x0b, 0x7a, 0x02])); // the receiver interface
    assert!(!supports([0x80, 0xac, 0x58, 0xcc]));
}

/// The interface ids are the XOR of the declared selectors, as ERC-165 defines them.
#[test]
fn interface_ids_match_the_declared_selectors() {
    let xor = |selectors: &[[u8; 4]]| {
        selectors
            .iter()
            .fold(0u32, |acc, s| acc ^ u32::from_be_bytes(*s))
            .to_be_bytes()
    };
    use IPositionNft::*;
    let erc721 = xor(&[
        balanceOfCall::SELECTOR,
        ownerOfCall::SELECTOR,
        IErc721SafeTransfers::safeTransferFrom_0Call::SELECTOR,
        IErc721SafeTransfers::safeTransferFrom_1Call::SELECTOR,
        transferFromCall::SELECTOR,
        approveCall::SELECTOR,
        setApprovalForAllCall::SELECTOR,
        getApprovedCall::SELECTOR,
        isApprovedForAllCall::SELECTOR,
    ]);
    assert_eq!(erc721, ERC721_INTERFACE_ID);
    let metadata = xor(&[
        nameCall::SELECTOR,
        symbolCall::SELECTOR,
        tokenURICall::SELECTOR,
    ]);
    assert_eq!(metadata, ERC721_METADATA_INTERFACE_ID);
    assert_eq!(xor(&[supportsInterfaceCall::SELECTOR]), ERC165_INTERFACE_ID);
}

// --- tokensOfOwner ---

#[test]
fn tokens_of_owner_scans_the_range() {
    let mut harness = Harness::new();
    // Ids 1..=8: Alice holds 1, 3, 4, 7; Bob 2, 5, 6, 8; then 4 moves to Bob and 6 is burned.
    for owner in [ALICE, BOB, ALICE, ALICE, BOB, BOB, ALICE, BOB] {
        harness.mint(owner);
    }
    harness.ok(ALICE, transfer_call(ALICE, BOB, id(4)));
    harness.burn(id(6));
    let all = U256::from(100);
    assert_eq!(harness.tokens_of_owner(ALICE, U256::ZERO, all), [1, 3, 7]);
    assert_eq!(harness.tokens_of_owner(BOB, U256::ZERO, all), [2, 4, 5, 8]);
    assert_eq!(
        harness.tokens_of_owner(CAROL, U256::ZERO, all),
        Vec::<u64>::new()
    );
    // `[startId, startId + count)`.
    assert_eq!(harness.tokens_of_owner(ALICE, id(1), id(3)), [1, 3]);
    assert_eq!(harness.tokens_of_owner(ALICE, id(3), id(1)), [3]);
    assert_eq!(
        harness.tokens_of_owner(ALICE, id(4), id(3)),
        Vec::<u64>::new()
    );
    assert_eq!(harness.tokens_of_owner(BOB, id(4), id(3)), [4, 5]);
    assert_eq!(harness.tokens_of_owner(BOB, id(8), id(1)), [8]);
    // Id 0 is never minted: a range from 0 counts it.
    assert_eq!(harness.tokens_of_owner(ALICE, U256::ZERO, id(2)), [1]);
    assert_eq!(
        harness.tokens_of_owner(ALICE, U256::ZERO, id(1)),
        Vec::<u64>::new()
    );
    // An empty range, ranges beyond the minted ids, and counts that would overflow.
    assert_eq!(
        harness.tokens_of_owner(ALICE, id(1), U256::ZERO),
        Vec::<u64>::new()
    );
    assert_eq!(harness.tokens_of_owner(BOB, id(9), all), Vec::<u64>::new());
    assert_eq!(harness.tokens_of_owner(BOB, id(8), U256::MAX), [8]);
    assert_eq!(
        harness.tokens_of_owner(ALICE, U256::ZERO, U256::MAX),
        [1, 3, 7]
    );
    assert_eq!(
        harness.tokens_of_owner(BOB, U256::MAX, U256::MAX),
        Vec::<u64>::new()
    );
    assert_eq!(
        harness.tokens_of_owner(BOB, U256::from(u64::MAX) + id(5), id(3)),
        Vec::<u64>::new()
    );
}

#[test]
fn tokens_of_owner_with_nothing_minted_and_for_the_zero_address() {
    let mut harness = Harness::new();
    assert_eq!(
        harness.tokens_of_owner(ALICE, U256::ZERO, U256::MAX),
        Vec::<u64>::new()
    );
    harness.mint(ALICE);
    harness.burn(id(1));
    // Burned ids have owner zero: the zero address is refused rather than answered with them.
    harness.expect_revert(
        STRANGER,
        IPositionNft::tokensOfOwnerCall {
            owner: Address::ZERO,
            startId: U256::ZERO,
            count: id(10),
        },
        ZeroAddress {},
    );
}

// --- routing details ---

#[test]
fn routed_errors_and_returns_are_abi_encoded() {
    let mut harness = Harness::new();
    let token = harness.mint(ALICE);
    assert_eq!(
        harness
            .call(STRANGER, IPositionNft::ownerOfCall { tokenId: id(5) })
            .err(),
        Some(nonexistent(id(5)).abi_encode())
    );
    assert_eq!(harness.balance_of(ALICE), id(1));
    assert_eq!(harness.token_uri(token), format!("{BASE_URI}1"));
    assert!(!harness.view(IPositionNft::isApprovedForAllCall {
        owner: ALICE,
        operator: ALICE
    }));
    // Direct calls agree with routed ones.
    assert_eq!(harness.nft.owner_of(token), Ok(ALICE));
    assert_eq!(
        harness.nft.owner_of(id(5)),
        Err(PositionNftError::NonexistentToken(nonexistent(id(5))))
    );
}
