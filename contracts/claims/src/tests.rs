//! Unit tests of the claims contract: every rule, every revert path (with its exact error and,
//! where the revert comes before any effect, no state change), every event decoded with its
//! `sol!` type, the deposit and reward by hand (the 0.05 ETH floor binding and not, the 50 NXM
//! cap, NXM cover), the window edges, one live claim per cover, the open-claim bound, both
//! payouts with the exact calls made, the status through time, and the ABI through the SDK's
//! router.
//!
//! The contract runs on [`MockHost`] (crate `contract-test-host`): `TestVM` with per-call mock
//! answers, so every call to the token, the cover NFT, the cover contract, the RAMM, the
//! assessment contract, the capital pool and every ETH recipient is mocked by exact calldata
//! (and value): the contract's hand-built calldata is thereby compared with the `sol!`
//! encodings, and an unexpected call reverts with [`UNMOCKED`]. The calls made are checked in
//! order. `TestVM` moves no ETH and rolls nothing back on a revert: reverts after the first
//! effect are checked for their error only (the chain rolls them back).

use alloc::{string::String, vec, vec::Vec};
use std::collections::HashMap;

use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use contract_test_host::{MockHost, UNMOCKED};
use cover_records::{CoverRecord, ASSET_ETH};
use mutual_interfaces::{
    assessment::abi::IAssessment,
    capital_pool::abi::ICapitalPool,
    claims::abi::IClaims::{self, IClaimsCalls},
    cover::{abi::ICover, PayoutExceedsCover},
    nxm_token::abi::INxmToken,
    position_nft::{abi::IPositionNft, NonexistentToken},
    ramm::abi::IRamm,
};
use mutual_math::{assessment::MAX_REWARD_NXM, fixed::WAD};
use stylus_sdk::abi::Router;

use super::*;

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const TOKEN: Address = address!("00000000000000000000000000000000000000b1");
const RAMM_ADDRESS: Address = address!("00000000000000000000000000000000000000b2");
const POOL: Address = address!("00000000000000000000000000000000000000b3");
const COVER_ADDRESS: Address = address!("00000000000000000000000000000000000000b4");
const NFT: Address = address!("00000000000000000000000000000000000000b5");
const ASSESSMENT_ADDRESS: Address = address!("00000000000000000000000000000000000000b6");
/// A member owning covers 1 to 6.
const ALICE: Address = address!("00000000000000000000000000000000000000e1");
/// A member approved for cover 1.
const BOB: Address = address!("00000000000000000000000000000000000000e2");
/// A member neither owning nor approved for any cover.
const CAROL: Address = address!("00000000000000000000000000000000000000e3");
/// Not a member.
const STRANGER: Address = address!("00000000000000000000000000000000000000e4");
/// Who holds a cover NFT at redemption (the NFT moved).
const DAVE: Address = address!("00000000000000000000000000000000000000e5");
const CLAIMS_ADDRESS: Address = address!("00000000000000000000000000000000000000f1");
/// An address without code.
const EMPTY: Address = address!("00000000000000000000000000000000000000ee");
const DAY: u64 = 86_400;
const YEAR: u64 = 365 * DAY;
/// When every test cover starts.
const START: u64 = 1_700_000_000;
/// When the tests file their claims (a day into the covers).
const SUBMITTED: u64 = START + DAY;
/// The end of a poll opened at [`SUBMITTED`] nobody voted on: 3 days later.
const POLL_END: u64 = SUBMITTED + 3 * DAY;
const GRACE: u64 = 30 * DAY;
const PRODUCT: u64 = 4;
const PROOF: &str = "ipfs://QmClaimProofLongerThanOneWordOfThirtyTwoBytes";

/// Cover 1: 10 ETH for a year (reward 6.5 NXM, deposit 0.13 ETH: the floor does not bind).
const ETH_COVER: u64 = 1;
/// Cover 2: 1 ETH for 100 days (the 0.05 ETH floor binds).
const SMALL_COVER: u64 = 2;
/// Cover 3: 1 000 ETH for a year (the 50 NXM cap binds).
const LARGE_COVER: u64 = 3;
/// Cover 4: 1 000 NXM for a year (NXM cover: reward 13 NXM, deposit 0.26 ETH).
const NXM_COVER: u64 = 4;

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// `x` whole tokens (18 decimals).
fn eth(x: u64) -> U256 {
    U256::from(x) * WAD
}

/// `x` thousandths of a token.
fn milli(x: u64) -> U256 {
    U256::from(x) * U256::from(1_000_000_000_000_000u64)
}

/// 0.02 ETH per NXM.
fn price() -> U256 {
    milli(20)
}

/// The 0.05 ETH floor as a `U256`.
fn floor_deposit() -> U256 {
    U256::from(mutual_interfaces::claims::MIN_CLAIM_DEPOSIT_ETH)
}

fn words(values: &[U256]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes::<32>()).collect()
}

fn proof() -> String {
    String::from(PROOF)
}

/// A test cover's record (asset, amount, period): each starts at START with a 30-day grace.
fn cover_record(cover_id: u64) -> CoverRecord {
    let (asset, amount, period) = match cover_id {
        ETH_COVER => (ASSET_ETH, eth(10), YEAR),
        SMALL_COVER => (ASSET_ETH, eth(1), 100 * DAY),
        LARGE_COVER => (ASSET_ETH, eth(1_000), YEAR),
        NXM_COVER => (ASSET_NXM, eth(1_000), YEAR),
        _ => (ASSET_ETH, eth(10), YEAR),
    };
    CoverRecord {
        amount,
        start: START,
        period,
        grace: u(GRACE),
        product_id: u(PRODUCT),
        asset,
        count: 1,
        expired: false,
    }
}

/// The cover contract answers `records([key(COVER, id), key(LINKS, id)])` with `record` and no
/// chain of edits.
fn mock_cover(host: &MockHost, cover_id: u64, record: &CoverRecord) {
    mock_edited_cover(host, cover_id, record, 0);
}

/// As [`mock_cover`], for a cover that an edit of `original` (0: none) made.
fn mock_edited_cover(host: &MockHost, cover_id: u64, record: &CoverRecord, original: u64) {
    let links = cover_records::original_link(u(original)).unwrap();
    host.mock_static(
        COVER_ADDRESS,
        cover_records_call(cover_id).abi_encode(),
        Ok(vec![record.encode().unwrap(), links].abi_encode()),
    );
}

/// The claims contract's question for cover `cover_id`.
fn cover_records_call(cover_id: u64) -> ICover::recordsCall {
    ICover::recordsCall {
        keys: vec![
            cover_records::key(cover_records::COVER, u(cover_id)),
            cover_records::key(cover_records::LINKS, u(cover_id)),
        ],
    }
}

fn mock_member(host: &MockHost, account: Address, member: bool) {
    host.mock_static(
        TOKEN,
        INxmToken::isMemberCall { account }.abi_encode(),
        Ok(words(&[U256::from(u8::from(member))])),
    );
}

fn mock_approved(host: &MockHost, spender: Address, cover_id: u64, approved: bool) {
    host.mock_static(
        NFT,
        IPositionNft::isApprovedOrOwnerCall {
            spender,
            tokenId: u(cover_id),
        }
        .abi_encode(),
        Ok(words(&[U256::from(u8::from(approved))])),
    );
}

fn mock_price(host: &MockHost, price: U256) {
    host.mock_call(
        RAMM_ADDRESS,
        IRamm::getInternalPriceAndUpdateTwapCall {}.abi_encode(),
        U256::ZERO,
        Ok(words(&[price])),
    );
}

/// The assessment contract opens assessment `id` for `(reward, deposit)`.
fn mock_start(host: &MockHost, reward: U256, deposit: U256, id: u64) {
    host.mock_call(
        ASSESSMENT_ADDRESS,
        IAssessment::startAssessmentCall {
            totalRewardNxm: reward,
            depositEth: deposit,
        }
        .abi_encode(),
        U256::ZERO,
        Ok(words(&[u(id)])),
    );
}

/// The poll of assessment `id`: `(accepted, endSecs)`.
fn mock_poll(host: &MockHost, id: u64, accepted: bool, end: u64) {
    host.mock_static(
        ASSESSMENT_ADDRESS,
        IAssessment::outcomeCall {
            assessmentId: u(id),
        }
        .abi_encode(),
        Ok((accepted, u(end)).abi_encode_params()),
    );
}

fn mock_eth(host: &MockHost, to: Address, amount: U256, ok: bool) {
    host.mock_call(
        to,
        vec![],
        amount,
        if ok { Ok(vec![]) } else { Err(vec![1]) },
    );
}

/// A claims contract at [`SUBMITTED`] with a real day, wired; ALICE (the sender) owns covers 1
/// to 6 and is a member, BOB is approved for cover 1, CAROL is a member without covers,
/// STRANGER is not a member; the RAMM's price is 0.02 ETH per NXM.
fn wired() -> (MockHost, Claims) {
    let host = MockHost::new();
    host.vm.set_contract_address(CLAIMS_ADDRESS);
    host.vm.set_block_timestamp(SUBMITTED);
    for contract in [
        TOKEN,
        RAMM_ADDRESS,
        POOL,
        COVER_ADDRESS,
        NFT,
        ASSESSMENT_ADDRESS,
    ] {
        host.vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut claims = Claims::from(&host);
    host.vm.set_sender(GOVERNANCE);
    assert!(claims.constructor(GOVERNANCE, u(DAY)).is_ok());
    assert!(claims
        .set_contracts(
            TOKEN,
            RAMM_ADDRESS,
            POOL,
            COVER_ADDRESS,
            NFT,
            ASSESSMENT_ADDRESS
        )
        .is_ok());
    for (account, member) in [(ALICE, true), (BOB, true), (CAROL, true), (STRANGER, false)] {
        mock_member(&host, account, member);
    }
    for cover_id in 1..=6 {
        mock_approved(&host, ALICE, cover_id, true);
        mock_approved(&host, CAROL, cover_id, false);
        mock_cover(&host, cover_id, &cover_record(cover_id));
    }
    mock_approved(&host, BOB, ETH_COVER, true);
    mock_price(&host, price());
    host.vm.set_sender(ALICE);
    (host, claims)
}

/// Sends `value` with a claim of `amount` on `cover_id` from the current sender.
fn submit(
    host: &MockHost,
    claims: &mut Claims,
    cover_id: u64,
    amount: U256,
    value: U256,
) -> Result<U256, Vec<u8>> {
    host.vm.set_value(value);
    let result = claims
        .submit_claim(u(cover_id), amount, proof())
        .map_err(Vec::from);
    host.vm.set_value(U256::ZERO);
    result
}

/// Mocks a submission's assessment (`id`, for `reward` and `deposit`), its deposit to the pool
/// and `sender`'s refund of `value − deposit`.
fn mock_submission(
    host: &MockHost,
    sender: Address,
    reward: U256,
    deposit: U256,
    id: u64,
    value: U256,
) {
    mock_start(host, reward, deposit, id);
    mock_eth(host, POOL, deposit, true);
    if value > deposit {
        mock_eth(host, sender, value - deposit, true);
    }
}

/// Cover 1's claim of 10 ETH: reward 6.5 NXM, deposit 0.13 ETH.
fn eth_claim_terms() -> (U256, U256) {
    (milli(6_500), milli(130))
}

/// A wired contract with claim 1 filed by ALICE at SUBMITTED on cover 1 for its 10 ETH with
/// exactly the deposit (assessment 1, poll ending at POLL_END, no votes yet).
fn filed() -> (MockHost, Claims) {
    let (host, mut claims) = wired();
    let (reward, deposit) = eth_claim_terms();
    mock_submission(&host, ALICE, reward, deposit, 1, deposit);
    mock_poll(&host, 1, false, POLL_END);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(10), deposit),
        Ok(u(1))
    );
    host.clear_made();
    (host, claims)
}

/// [`filed`], with the poll accepted and the clock at the cooldown's end (redeemable).
fn accepted() -> (MockHost, Claims) {
    let (host, claims) = filed();
    mock_poll(&host, 1, true, POLL_END);
    host.vm.set_block_timestamp(POLL_END + DAY);
    (host, claims)
}

fn storage(host: &MockHost) -> HashMap<U256, B256> {
    host.vm.snapshot().storage
}

fn log_count(host: &MockHost) -> usize {
    host.vm.get_emitted_logs().len()
}

fn last_log<E: SolEvent>(host: &MockHost) -> E {
    let logs = host.vm.get_emitted_logs();
    let (topics, data) = logs.last().expect("an event");
    E::decode_raw_log(topics.iter().copied(), data).expect("the expected event")
}

/// Asserts that `f` fails with `expected` and changes neither storage nor logs.
fn assert_reverts<T: core::fmt::Debug>(
    host: &MockHost,
    expected: Vec<u8>,
    f: impl FnOnce() -> Result<T, Vec<u8>>,
) {
    let (before, logs) = (storage(host), log_count(host));
    assert_eq!(f().unwrap_err(), expected);
    assert_eq!(storage(host), before, "a revert changed storage");
    assert_eq!(log_count(host), logs, "a revert logged");
}

fn fails<T>(result: Result<T, ClaimsError>) -> Vec<u8> {
    match result {
        Ok(_) => panic!("expected a revert"),
        Err(error) => error.into(),
    }
}

fn ok<T>(result: Result<T, ClaimsError>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => panic!("reverted with {:02x?}", Vec::<u8>::from(error)),
    }
}

/// The calls made, as `(to, calldata, value, static)`.
fn made(host: &MockHost) -> Vec<(Address, Vec<u8>, U256, bool)> {
    host.made()
}

/// A state-changing call as [`made`] lists it.
fn call(to: Address, data: Vec<u8>) -> (Address, Vec<u8>, U256, bool) {
    (to, data, U256::ZERO, false)
}

/// A static call as [`made`] lists it.
fn view(to: Address, data: Vec<u8>) -> (Address, Vec<u8>, U256, bool) {
    (to, data, U256::ZERO, true)
}

/// An ETH transfer as [`made`] lists it.
fn transfer(to: Address, amount: U256) -> (Address, Vec<u8>, U256, bool) {
    (to, vec![], amount, false)
}

fn outcome_call(id: u64) -> (Address, Vec<u8>, U256, bool) {
    view(
        ASSESSMENT_ADDRESS,
        IAssessment::outcomeCall {
            assessmentId: u(id),
        }
        .abi_encode(),
    )
}

fn status_now(claims: &Claims, claim_id: u64) -> u8 {
    ok(claims.claim_status(u(claim_id)))
}

// --- constructor, contracts, governance ---

#[test]
fn constructor_checks_the_day_and_governance() {
    let host = MockHost::new();
    let mut claims = Claims::from(&host);
    let too_long = u(u32::MAX as u64 / 365 + 1);
    for day in [U256::ZERO, too_long, U256::MAX] {
        assert_eq!(
            fails(claims.constructor(GOVERNANCE, day)),
            InvalidDayLength { daySecs: day }.abi_encode()
        );
    }
    assert_eq!(
        fails(claims.constructor(Address::ZERO, u(DAY))),
        ZeroAddress {}.abi_encode()
    );
    assert!(storage(&host).values().all(|v| v.is_zero()));
    assert_eq!(log_count(&host), 0);
    let longest = u32::MAX as u64 / 365;
    ok(claims.constructor(GOVERNANCE, u(longest)));
    assert_eq!(claims.governance(), GOVERNANCE);
    assert_eq!(claims.day_secs(), longest);
    let changed: GovernanceChanged = last_log(&host);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (Address::ZERO, GOVERNANCE)
    );
    assert_eq!(claims.claim_count(), U256::ZERO);
    assert_eq!(claims.contracts().0, Address::ZERO);
}

#[test]
fn set_contracts_requires_governance_and_code_at_every_address() {
    let (host, mut claims) = wired();
    let all = [
        TOKEN,
        RAMM_ADDRESS,
        POOL,
        COVER_ADDRESS,
        NFT,
        ASSESSMENT_ADDRESS,
    ];
    assert_eq!(
        claims.contracts(),
        (
            TOKEN,
            RAMM_ADDRESS,
            POOL,
            COVER_ADDRESS,
            NFT,
            ASSESSMENT_ADDRESS
        )
    );
    let set: ContractsSet = last_log(&host);
    assert_eq!(
        [
            set.nxmToken,
            set.ramm,
            set.capitalPool,
            set.cover,
            set.coverNft,
            set.assessment
        ],
        all
    );
    let with = |i: usize, account: Address| {
        let mut a = all;
        a[i] = account;
        a
    };
    let set = |claims: &mut Claims, a: [Address; 6]| {
        claims
            .set_contracts(a[0], a[1], a[2], a[3], a[4], a[5])
            .map_err(Vec::from)
    };
    host.vm.set_sender(ALICE);
    assert_reverts(&host, Unauthorized { caller: ALICE }.abi_encode(), || {
        set(&mut claims, all)
    });
    host.vm.set_sender(GOVERNANCE);
    for i in 0..6 {
        assert_reverts(&host, ZeroAddress {}.abi_encode(), || {
            set(&mut claims, with(i, Address::ZERO))
        });
        assert_reverts(&host, NotAContract { account: EMPTY }.abi_encode(), || {
            set(&mut claims, with(i, EMPTY))
        });
    }
}

#[test]
fn set_contracts_keeps_the_claim_count_and_the_day() {
    let (host, mut claims) = filed();
    let other = address!("00000000000000000000000000000000000000c9");
    host.vm.set_code(other, vec![1]);
    host.vm.set_sender(GOVERNANCE);
    ok(claims.set_contracts(other, other, other, other, other, ASSESSMENT_ADDRESS));
    assert_eq!(
        claims.contracts(),
        (other, other, other, other, other, ASSESSMENT_ADDRESS)
    );
    let set: ContractsSet = last_log(&host);
    assert_eq!((set.nxmToken, set.cover), (other, other));
    assert_eq!(claims.claim_count(), u(1));
    assert_eq!(claims.day_secs(), DAY);
    // The windows still count real days: a day of cooldown after the poll.
    mock_poll(&host, 1, true, POLL_END);
    host.vm.set_block_timestamp(POLL_END + DAY - 1);
    assert_eq!(status_now(&claims, 1), status::COOLDOWN);
    host.vm.set_block_timestamp(POLL_END + DAY);
    assert_eq!(status_now(&claims, 1), status::ACCEPTED);
}

#[test]
fn set_governance_hands_the_role_over() {
    let (host, mut claims) = wired();
    assert_reverts(&host, Unauthorized { caller: ALICE }.abi_encode(), || {
        claims.set_governance(ALICE).map_err(Vec::from)
    });
    host.vm.set_sender(GOVERNANCE);
    assert_reverts(&host, ZeroAddress {}.abi_encode(), || {
        claims.set_governance(Address::ZERO).map_err(Vec::from)
    });
    ok(claims.set_governance(CAROL));
    assert_eq!(claims.governance(), CAROL);
    let changed: GovernanceChanged = last_log(&host);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (GOVERNANCE, CAROL)
    );
    // The old governance has no role left.
    assert_reverts(
        &host,
        Unauthorized { caller: GOVERNANCE }.abi_encode(),
        || claims.set_governance(GOVERNANCE).map_err(Vec::from),
    );
    host.vm.set_sender(CAROL);
    ok(claims.set_governance(GOVERNANCE));
}

// --- submitting: deposits and rewards by hand ---

#[test]
fn an_eth_claim_above_the_floor_deposits_the_rewards_value_and_refunds_the_excess() {
    let (host, mut claims) = wired();
    // 10 ETH at 0.02 ETH per NXM is 500 NXM; 1.3 % of it for a whole year is 6.5 NXM, worth
    // 0.13 ETH: above the 0.05 ETH floor.
    let (reward, deposit) = (milli(6_500), milli(130));
    assert_eq!(eth_claim_terms(), (reward, deposit));
    let value = milli(200);
    mock_submission(&host, ALICE, reward, deposit, 9, value);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(10), value),
        Ok(u(1))
    );
    assert_eq!(
        made(&host),
        vec![
            view(
                TOKEN,
                INxmToken::isMemberCall { account: ALICE }.abi_encode()
            ),
            view(
                NFT,
                IPositionNft::isApprovedOrOwnerCall {
                    spender: ALICE,
                    tokenId: u(ETH_COVER)
                }
                .abi_encode()
            ),
            view(COVER_ADDRESS, cover_records_call(ETH_COVER).abi_encode()),
            call(
                RAMM_ADDRESS,
                IRamm::getInternalPriceAndUpdateTwapCall {}.abi_encode()
            ),
            call(
                ASSESSMENT_ADDRESS,
                IAssessment::startAssessmentCall {
                    totalRewardNxm: reward,
                    depositEth: deposit
                }
                .abi_encode()
            ),
            transfer(POOL, deposit),
            transfer(ALICE, milli(70)),
        ]
    );
    let submitted: ClaimSubmitted = last_log(&host);
    assert_eq!(
        (
            submitted.claimId,
            submitted.coverId,
            submitted.claimant,
            submitted.amount,
            submitted.assessmentId,
            submitted.depositEth,
            submitted.proofUri.as_str()
        ),
        (u(1), u(ETH_COVER), ALICE, eth(10), u(9), deposit, PROOF)
    );
    assert_eq!(
        ok(claims.claim(u(1))),
        (
            u(ETH_COVER),
            eth(10),
            u(ASSET_ETH as u64),
            u(9),
            u(SUBMITTED),
            deposit,
            ALICE
        )
    );
    assert_eq!(claims.claim_count(), u(1));
    assert_eq!(claims.latest_claim(u(ETH_COVER)), u(1));
    assert_eq!(claims.latest_claim(u(SMALL_COVER)), U256::ZERO);
    mock_poll(&host, 9, false, POLL_END);
    assert_eq!(status_now(&claims, 1), status::VOTING);
    assert_eq!(claims.has_member_state(ALICE).ok(), Some(true));
}

#[test]
fn a_small_claim_pays_the_floor_deposit() {
    let (host, mut claims) = wired();
    // 1 ETH is 50 NXM; 1.3 % a year over 100 days: 50e18 · 130 · 100 / (10 000 · 365) =
    // 0.178082191780821917… NXM, rounded down; worth 0.0036 ETH: the 0.05 ETH floor binds.
    let reward = u(178_082_191_780_821_917);
    let deposit = floor_deposit();
    assert_eq!(
        deposit_and_reward(ASSET_ETH, 100 * DAY, eth(1), price(), DAY),
        Ok((deposit, reward))
    );
    // Exactly the deposit: no refund (an unexpected transfer would revert as unmocked).
    mock_submission(&host, ALICE, reward, deposit, 1, deposit);
    assert_eq!(
        submit(&host, &mut claims, SMALL_COVER, eth(1), deposit),
        Ok(u(1))
    );
    assert_eq!(made(&host).last(), Some(&transfer(POOL, deposit)));
    assert_eq!(ok(claims.claim(u(1))).5, milli(50));
}

#[test]
fn a_large_claims_reward_is_capped_at_50_nxm() {
    let (host, mut claims) = wired();
    // 1 000 ETH is 50 000 NXM; 1.3 % of it for a year would be 650 NXM: capped at 50 NXM,
    // worth 1 ETH.
    let (reward, deposit) = (eth(50), eth(1));
    assert_eq!(reward, MAX_REWARD_NXM);
    mock_submission(&host, ALICE, reward, deposit, 1, eth(3));
    assert_eq!(
        submit(&host, &mut claims, LARGE_COVER, eth(1_000), eth(3)),
        Ok(u(1))
    );
    let tail: Vec<_> = made(&host).into_iter().rev().take(2).collect();
    assert_eq!(tail, vec![transfer(ALICE, eth(2)), transfer(POOL, eth(1))]);
}

#[test]
fn an_nxm_claims_payout_is_its_amount() {
    let (host, mut claims) = wired();
    // 1 000 NXM for a year: 13 NXM of reward (no conversion), worth 0.26 ETH.
    let (reward, deposit) = (eth(13), milli(260));
    mock_submission(&host, ALICE, reward, deposit, 1, deposit);
    assert_eq!(
        submit(&host, &mut claims, NXM_COVER, eth(1_000), deposit),
        Ok(u(1))
    );
    assert_eq!(
        ok(claims.claim(u(1))),
        (
            u(NXM_COVER),
            eth(1_000),
            u(ASSET_NXM as u64),
            u(1),
            u(SUBMITTED),
            deposit,
            ALICE
        )
    );
    // The NXM price does not change the reward, only the deposit's value: at 0.01 ETH per
    // NXM the same 13 NXM are worth 0.13 ETH.
    assert_eq!(
        deposit_and_reward(ASSET_NXM, YEAR, eth(1_000), milli(10), DAY),
        Ok((milli(130), eth(13)))
    );
}

#[test]
fn deposit_arithmetic_by_hand() {
    // A partial claim of 5 ETH on a year's cover: 250 NXM, 3.25 NXM of reward, 0.065 ETH.
    assert_eq!(
        deposit_and_reward(ASSET_ETH, YEAR, eth(5), price(), DAY),
        Ok((milli(65), milli(3_250)))
    );
    // Exactly at the floor: 2.5 NXM of reward is worth 0.05 ETH; 1 wei more is 0.05 ETH +
    // 0.02 wei, rounded up to 0.05 ETH + 1 wei.
    assert_eq!(
        rules::claim_deposit_eth(milli(2_500), price()),
        Ok(floor_deposit())
    );
    assert_eq!(
        rules::claim_deposit_eth(milli(2_500) + u(1), price()),
        Ok(floor_deposit() + u(1))
    );
    // A devnet day of 60 s: the year is 365 of them, so the same cover period in such days
    // gives the same reward.
    assert_eq!(
        deposit_and_reward(ASSET_ETH, 365 * 60, eth(10), price(), 60),
        Ok((milli(130), milli(6_500)))
    );
    // The deposit rounds up: 6.5 NXM + 1 wei at 0.02 ETH is 0.13 ETH + 0.02 wei → + 1 wei.
    let reward = milli(6_500) + u(1);
    assert_eq!(
        rules::claim_deposit_eth(reward, price()),
        Ok(milli(130) + u(1))
    );
    // No price, no ETH payout.
    assert_eq!(
        deposit_and_reward(ASSET_ETH, YEAR, eth(1), U256::ZERO, DAY),
        Err(MathError::DivisionByZero)
    );
}

#[test]
fn the_deposit_must_be_covered() {
    let (host, mut claims) = wired();
    let (reward, deposit) = eth_claim_terms();
    mock_submission(&host, ALICE, reward, deposit, 1, deposit);
    let short = deposit - u(1);
    assert_reverts(
        &host,
        AssessmentDepositInsufficient {
            valueEth: short,
            depositEth: deposit,
        }
        .abi_encode(),
        || submit(&host, &mut claims, ETH_COVER, eth(10), short),
    );
    // Nothing was started or paid: the RAMM's price was the last call.
    assert_eq!(
        made(&host).last(),
        Some(&call(
            RAMM_ADDRESS,
            IRamm::getInternalPriceAndUpdateTwapCall {}.abi_encode()
        ))
    );
    assert_reverts(
        &host,
        AssessmentDepositInsufficient {
            valueEth: U256::ZERO,
            depositEth: deposit,
        }
        .abi_encode(),
        || submit(&host, &mut claims, ETH_COVER, eth(10), U256::ZERO),
    );
    assert_eq!(claims.claim_count(), U256::ZERO);
}

// --- submitting: who and what ---

#[test]
fn a_claim_needs_an_amount_a_member_and_the_covers_owner_or_approved() {
    let (host, mut claims) = wired();
    let value = eth(1);
    assert_reverts(&host, ZeroClaimAmount {}.abi_encode(), || {
        submit(&host, &mut claims, ETH_COVER, U256::ZERO, value)
    });
    assert!(made(&host).is_empty(), "no call before the amount check");
    host.vm.set_sender(STRANGER);
    assert_reverts(&host, NotMember { account: STRANGER }.abi_encode(), || {
        submit(&host, &mut claims, ETH_COVER, eth(1), value)
    });
    host.vm.set_sender(CAROL);
    assert_reverts(
        &host,
        OnlyOwnerOrApproved {
            caller: CAROL,
            coverId: u(ETH_COVER),
        }
        .abi_encode(),
        || submit(&host, &mut claims, ETH_COVER, eth(1), value),
    );
    // An id without cover: the NFT's own revert is passed on.
    let nonexistent = NonexistentToken { tokenId: u(99) }.abi_encode();
    host.vm.set_sender(ALICE);
    host.mock_static(
        NFT,
        IPositionNft::isApprovedOrOwnerCall {
            spender: ALICE,
            tokenId: u(99),
        }
        .abi_encode(),
        Err(nonexistent.clone()),
    );
    assert_reverts(&host, nonexistent, || {
        submit(&host, &mut claims, 99, eth(1), value)
    });
    // An approved member files for the owner: BOB on ALICE's cover 1.
    host.vm.set_sender(BOB);
    let (reward, deposit) = eth_claim_terms();
    mock_submission(&host, BOB, reward, deposit, 1, deposit);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(10), deposit),
        Ok(u(1))
    );
    assert_eq!(ok(claims.claim(u(1))).6, BOB);
    let submitted: ClaimSubmitted = last_log(&host);
    assert_eq!(submitted.claimant, BOB);
}

#[test]
fn a_claim_is_at_most_what_is_left_of_the_cover() {
    let (host, mut claims) = wired();
    assert_reverts(
        &host,
        CoveredAmountExceeded {
            amount: eth(10) + u(1),
            remainingAmount: eth(10),
        }
        .abi_encode(),
        || submit(&host, &mut claims, ETH_COVER, eth(10) + u(1), eth(1)),
    );
    // After a payout of 4 ETH the cover contract reports 6 ETH left.
    let mut shrunk = cover_record(ETH_COVER);
    shrunk.amount = eth(6);
    mock_cover(&host, ETH_COVER, &shrunk);
    assert_reverts(
        &host,
        CoveredAmountExceeded {
            amount: eth(7),
            remainingAmount: eth(6),
        }
        .abi_encode(),
        || submit(&host, &mut claims, ETH_COVER, eth(7), eth(1)),
    );
    // All of what is left: 300 NXM, 3.9 NXM of reward, 0.078 ETH.
    let (reward, deposit) = (milli(3_900), milli(78));
    mock_submission(&host, ALICE, reward, deposit, 1, deposit);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(6), deposit),
        Ok(u(1))
    );
    assert_eq!(ok(claims.claim(u(1))).1, eth(6));
}

#[test]
fn no_claim_in_the_purchase_block_and_none_after_the_grace_period() {
    let (host, mut claims) = wired();
    let (reward, deposit) = eth_claim_terms();
    // At the cover's start (its purchase block's time) and before.
    for now in [START, START - 1] {
        host.vm.set_block_timestamp(now);
        assert_reverts(
            &host,
            CantBuyCoverAndClaimInTheSameBlock {
                startSecs: u(START),
            }
            .abi_encode(),
            || submit(&host, &mut claims, ETH_COVER, eth(10), deposit),
        );
    }
    // Exactly at the end of period and grace, and after.
    let end = START + YEAR + GRACE;
    for now in [end, end + 1] {
        host.vm.set_block_timestamp(now);
        assert_reverts(
            &host,
            GracePeriodPassed { endSecs: u(end) }.abi_encode(),
            || submit(&host, &mut claims, ETH_COVER, eth(10), deposit),
        );
    }
    // One second after the start: open.
    mock_submission(&host, ALICE, reward, deposit, 1, deposit);
    host.vm.set_block_timestamp(START + 1);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(10), deposit),
        Ok(u(1))
    );
    // In the grace period, one second before its end (the cover itself ended): open (claim
    // 1's poll is long over, denied).
    mock_poll(&host, 1, false, START + 4 * DAY);
    host.vm.set_block_timestamp(end - 1);
    assert_eq!(
        submit(&host, &mut claims, LARGE_COVER, eth(10), deposit),
        Ok(u(2))
    );
    assert_eq!(ok(claims.claim(u(2))).4, u(end - 1));
}

#[test]
fn an_expired_or_replaced_cover_is_claimable_in_its_grace_period() {
    // Cover 1 expired (or replaced by an edit, which cuts its period to end at the edit): its
    // record says expired, with the period as cut. The grace runs from the cut end.
    let (host, mut claims) = wired();
    let mut cut = cover_record(ETH_COVER);
    cut.period = 30 * DAY;
    cut.expired = true;
    mock_cover(&host, ETH_COVER, &cut);
    let end = START + 30 * DAY + GRACE;
    host.vm.set_block_timestamp(end);
    assert_reverts(
        &host,
        GracePeriodPassed { endSecs: u(end) }.abi_encode(),
        || submit(&host, &mut claims, ETH_COVER, eth(10), eth(1)),
    );
    // One second earlier: open; the reward counts the cover's (cut) period: 500 NXM · 1.3 % ·
    // 30 / 365 = 0.534246575342465753… NXM, worth 0.0107 ETH: the floor.
    host.vm.set_block_timestamp(end - 1);
    let reward = u(534_246_575_342_465_753);
    mock_submission(&host, ALICE, reward, floor_deposit(), 1, floor_deposit());
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(10), floor_deposit()),
        Ok(u(1))
    );
}

#[test]
fn a_cover_without_a_record_has_no_grace_left() {
    // The NFT says approved but the cover contract has no record (a mis-wired deployment):
    // an empty record has nothing left to claim.
    let (host, mut claims) = wired();
    mock_cover(&host, 5, &CoverRecord::default());
    assert_reverts(
        &host,
        CoveredAmountExceeded {
            amount: eth(1),
            remainingAmount: U256::ZERO,
        }
        .abi_encode(),
        || submit(&host, &mut claims, 5, eth(1), eth(1)),
    );
    // A cover id beyond the cover contract's 64 bits is not even read.
    let huge = U256::from(1u8) << 200;
    host.mock_static(
        NFT,
        IPositionNft::isApprovedOrOwnerCall {
            spender: ALICE,
            tokenId: huge,
        }
        .abi_encode(),
        Ok(words(&[u(1)])),
    );
    host.clear_made();
    host.vm.set_value(eth(1));
    let result = claims
        .submit_claim(huge, eth(1), proof())
        .map_err(Vec::from);
    host.vm.set_value(U256::ZERO);
    assert_eq!(
        result,
        Err(CoveredAmountExceeded {
            amount: eth(1),
            remainingAmount: U256::ZERO
        }
        .abi_encode())
    );
    assert_eq!(made(&host).len(), 2, "no records call");
    assert_eq!(claims.latest_claim(huge), U256::ZERO);
}

#[test]
fn an_unmocked_or_short_answer_reverts() {
    let (host, mut claims) = wired();
    // A trusted contract that answers nothing: an empty revert.
    host.mock_static(
        TOKEN,
        INxmToken::isMemberCall { account: ALICE }.abi_encode(),
        Ok(vec![]),
    );
    assert_reverts(&host, vec![], || {
        submit(&host, &mut claims, ETH_COVER, eth(1), eth(1))
    });
    mock_member(&host, ALICE, true);
    // The RAMM's revert is passed on, as it came.
    host.mock_call(
        RAMM_ADDRESS,
        IRamm::getInternalPriceAndUpdateTwapCall {}.abi_encode(),
        U256::ZERO,
        Err(vec![0xde, 0xad]),
    );
    assert_reverts(&host, vec![0xde, 0xad], || {
        submit(&host, &mut claims, ETH_COVER, eth(1), eth(1))
    });
    // A zero price for ETH cover: MathOverflow (no division by zero).
    mock_price(&host, U256::ZERO);
    assert_reverts(&host, MathOverflow {}.abi_encode(), || {
        submit(&host, &mut claims, ETH_COVER, eth(1), eth(1))
    });
    // The assessment contract not set up for us: its revert (here: unmocked) is passed on.
    mock_price(&host, price());
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(10), eth(1)),
        Err(UNMOCKED.to_vec())
    );
}

#[test]
fn failed_eth_transfers_revert() {
    let (host, mut claims) = wired();
    let (reward, deposit) = eth_claim_terms();
    mock_start(&host, reward, deposit, 1);
    mock_eth(&host, POOL, deposit, false);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(10), deposit),
        Err(EthTransferFailed {
            to: POOL,
            amountEth: deposit
        }
        .abi_encode())
    );
    let (host, mut claims) = wired();
    mock_start(&host, reward, deposit, 1);
    mock_eth(&host, POOL, deposit, true);
    mock_eth(&host, ALICE, u(5), false);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(10), deposit + u(5)),
        Err(EthTransferFailed {
            to: ALICE,
            amountEth: u(5)
        }
        .abi_encode())
    );
}

#[test]
fn oversized_ids_and_counts_are_refused() {
    // An assessment id beyond 40 bits does not fit the claim's word.
    let (host, mut claims) = wired();
    let (reward, deposit) = eth_claim_terms();
    host.mock_call(
        ASSESSMENT_ADDRESS,
        IAssessment::startAssessmentCall {
            totalRewardNxm: reward,
            depositEth: deposit,
        }
        .abi_encode(),
        U256::ZERO,
        Ok(words(&[U256::from(1u8) << 40])),
    );
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(10), deposit),
        Err(MathOverflow {}.abi_encode())
    );
    // The 2^32 − 1st claim is the last: the count sits beside the token's address.
    let (host, mut claims) = wired();
    let last = u(u32::MAX as u64);
    host.vm.set_storage(
        u(NXM_TOKEN as u64),
        B256::from(address_word(TOKEN) | (last << 160)),
    );
    assert_eq!(claims.claim_count(), last);
    assert_reverts(&host, MathOverflow {}.abi_encode(), || {
        submit(&host, &mut claims, ETH_COVER, eth(10), deposit)
    });
    host.vm.set_storage(
        u(NXM_TOKEN as u64),
        B256::from(address_word(TOKEN) | ((last - u(1)) << 160)),
    );
    mock_submission(&host, ALICE, reward, deposit, 1, deposit);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(10), deposit),
        Ok(last)
    );
    assert_eq!(claims.claim_count(), last);
    assert_eq!(claims.contracts().0, TOKEN);
}

// --- one live claim per cover, open claims per member ---

#[test]
fn one_live_claim_per_cover() {
    let (host, mut claims) = filed();
    let (reward, deposit) = (milli(3_250), milli(65));
    mock_submission(&host, ALICE, reward, deposit, 2, deposit);
    let open = ClaimAlreadyOpen {
        coverId: u(ETH_COVER),
        claimId: u(1),
    }
    .abi_encode();
    // While voting, in the cooldown, and while accepted and redeemable.
    for (accepted, now) in [
        (false, SUBMITTED),
        (true, POLL_END - 1),
        (true, POLL_END),
        (false, POLL_END + DAY - 1),
        (true, POLL_END + DAY),
        (true, POLL_END + 31 * DAY - 1),
    ] {
        mock_poll(&host, 1, accepted, POLL_END);
        host.vm.set_block_timestamp(now);
        assert_reverts(&host, open.clone(), || {
            submit(&host, &mut claims, ETH_COVER, eth(5), deposit)
        });
    }
    // Another cover is free meanwhile.
    mock_submission(&host, ALICE, milli(6_500), milli(130), 3, milli(130));
    host.vm.set_block_timestamp(SUBMITTED);
    mock_poll(&host, 1, false, POLL_END);
    assert_eq!(submit(&host, &mut claims, 5, eth(10), milli(130)), Ok(u(2)));
    // Once claim 1 is denied, a second claim on cover 1 opens.
    mock_poll(&host, 1, false, POLL_END);
    mock_poll(&host, 3, false, POLL_END + DAY * 10);
    host.vm.set_block_timestamp(POLL_END + DAY);
    assert_eq!(status_now(&claims, 1), status::DENIED);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(5), deposit),
        Ok(u(3))
    );
    assert_eq!(claims.latest_claim(u(ETH_COVER)), u(3));
    assert_eq!(ok(claims.claim(u(3))).3, u(2));
    // The new claim is live again.
    mock_poll(&host, 2, false, POLL_END + 4 * DAY);
    assert_reverts(
        &host,
        ClaimAlreadyOpen {
            coverId: u(ETH_COVER),
            claimId: u(3),
        }
        .abi_encode(),
        || submit(&host, &mut claims, ETH_COVER, eth(5), deposit),
    );
}

#[test]
fn an_edit_shares_its_original_covers_live_claim() {
    // Cover 6 replaced cover 1 (claim 1 is open on it): an edit mints a new cover id, and the
    // chain keeps one live claim, so editing cannot open a second claim beside the first.
    let (host, mut claims) = filed();
    mock_edited_cover(&host, 6, &cover_record(6), ETH_COVER);
    let (reward, deposit) = eth_claim_terms();
    mock_submission(&host, ALICE, reward, deposit, 2, deposit);
    let before = storage(&host);
    assert_reverts(
        &host,
        ClaimAlreadyOpen {
            coverId: u(6),
            claimId: u(1),
        }
        .abi_encode(),
        || submit(&host, &mut claims, 6, eth(10), deposit),
    );
    assert_eq!(storage(&host), before);
    // Once claim 1 is denied, the edited cover's claim is the chain's latest.
    host.vm.set_block_timestamp(POLL_END + DAY);
    assert_eq!(status_now(&claims, 1), status::DENIED);
    mock_poll(&host, 2, false, POLL_END + 4 * DAY);
    assert_eq!(submit(&host, &mut claims, 6, eth(10), deposit), Ok(u(2)));
    assert_eq!(claims.latest_claim(u(ETH_COVER)), u(2));
    assert_eq!(
        claims.latest_claim(u(6)),
        U256::ZERO,
        "keyed on the original"
    );
    // And the original cover (still in its grace period) waits for it in turn.
    assert_reverts(
        &host,
        ClaimAlreadyOpen {
            coverId: u(ETH_COVER),
            claimId: u(2),
        }
        .abi_encode(),
        || submit(&host, &mut claims, ETH_COVER, eth(5), deposit),
    );
}

#[test]
fn a_cover_opens_again_after_a_redeemed_or_expired_claim() {
    // Redeemed: the cover contract reports what is left, 6 ETH after a 4 ETH payout.
    let (host, mut claims) = wired();
    let (reward, deposit) = (milli(2_600), milli(52));
    mock_submission(&host, ALICE, reward, deposit, 1, deposit);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(4), deposit),
        Ok(u(1))
    );
    mock_poll(&host, 1, true, POLL_END);
    host.vm.set_block_timestamp(POLL_END + DAY);
    mock_redemption(&host, ETH_COVER, eth(4), ALICE);
    mock_pay(&host, ALICE, eth(4) + deposit);
    ok(claims.redeem_claim_payout(u(1)));
    let mut shrunk = cover_record(ETH_COVER);
    shrunk.amount = eth(6);
    mock_cover(&host, ETH_COVER, &shrunk);
    // A partial claim on what is left: 3 ETH (150 NXM, 1.95 NXM of reward, 0.05 ETH floor).
    let (reward, deposit) = (milli(1_950), milli(50));
    mock_submission(&host, ALICE, reward, deposit, 2, deposit);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(3), deposit),
        Ok(u(2))
    );

    // Expired: accepted, never redeemed, the 30-day window passed.
    let (host, mut claims) = filed();
    mock_poll(&host, 1, true, POLL_END);
    host.vm.set_block_timestamp(POLL_END + 31 * DAY);
    assert_eq!(status_now(&claims, 1), status::EXPIRED);
    let (reward, deposit) = eth_claim_terms();
    mock_submission(&host, ALICE, reward, deposit, 2, deposit);
    assert_eq!(
        submit(&host, &mut claims, ETH_COVER, eth(10), deposit),
        Ok(u(2))
    );
}

#[test]
fn at_most_eight_open_claims_per_member_pruned_at_each_submission() {
    let (host, mut claims) = wired();
    // Eight claims of 10 ETH on covers 1 and 5 … 11 (all like cover 1), assessments 1 … 8.
    let (reward, deposit) = eth_claim_terms();
    let covers = [1u64, 5, 6, 7, 8, 9, 10, 11];
    for (i, &cover_id) in covers.iter().enumerate() {
        let id = i as u64 + 1;
        mock_approved(&host, ALICE, cover_id, true);
        mock_cover(&host, cover_id, &cover_record(cover_id));
        mock_start(&host, reward, deposit, id);
        mock_eth(&host, POOL, deposit, true);
        mock_poll(&host, id, false, POLL_END);
        assert_eq!(
            submit(&host, &mut claims, cover_id, eth(10), deposit),
            Ok(u(id))
        );
    }
    let list = claims.record(OPEN, address_word(ALICE));
    let ids: Vec<u64> = (0..8).map(|i| bits(list, 32 * i, 32).to::<u64>()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7, 8]);
    // A ninth: refused with the eight still open.
    mock_approved(&host, ALICE, 12, true);
    mock_cover(&host, 12, &cover_record(12));
    mock_start(&host, reward, deposit, 9);
    assert_reverts(
        &host,
        TooManyOpenClaims {
            member: ALICE,
            openClaims: u(8),
        }
        .abi_encode(),
        || submit(&host, &mut claims, 12, eth(10), deposit),
    );
    // Claims 2 and 5 become final (denied): the ninth goes through, the list is compacted.
    mock_poll(&host, 2, false, SUBMITTED);
    mock_poll(&host, 5, false, SUBMITTED);
    for id in [1, 3, 4, 6, 7, 8] {
        mock_poll(&host, id, false, SUBMITTED + 10 * DAY);
    }
    host.vm.set_block_timestamp(SUBMITTED + DAY);
    mock_poll(&host, 9, false, SUBMITTED + 4 * DAY);
    assert_eq!(submit(&host, &mut claims, 12, eth(10), deposit), Ok(u(9)));
    let list = claims.record(OPEN, address_word(ALICE));
    let ids: Vec<u64> = (0..8).map(|i| bits(list, 32 * i, 32).to::<u64>()).collect();
    assert_eq!(ids, [1, 3, 4, 6, 7, 8, 9, 0]);
    assert_eq!(claims.has_member_state(ALICE).ok(), Some(true));
    // A view reads at most the eight polls of the list.
    host.clear_made();
    assert_eq!(claims.has_member_state(ALICE).ok(), Some(true));
    assert_eq!(made(&host).len(), 7);
}

#[test]
fn member_state_lasts_until_every_claim_is_final() {
    let (host, claims) = wired();
    assert_eq!(claims.has_member_state(ALICE).ok(), Some(false));
    assert!(made(&host).is_empty());
    let (host, mut claims) = filed();
    let member_state = |claims: &Claims| claims.has_member_state(ALICE).ok().unwrap();
    // Voting, cooldown: state. BOB filed nothing.
    assert!(member_state(&claims));
    assert!(!claims.has_member_state(BOB).unwrap_or(true));
    host.vm.set_block_timestamp(POLL_END);
    assert!(member_state(&claims));
    // Denied: none.
    host.vm.set_block_timestamp(POLL_END + DAY);
    assert!(!member_state(&claims));
    // Accepted and redeemable: state; redeemed: none.
    mock_poll(&host, 1, true, POLL_END);
    assert!(member_state(&claims));
    mock_redemption(&host, ETH_COVER, eth(10), ALICE);
    mock_pay(&host, ALICE, eth(10) + milli(130));
    ok(claims.redeem_claim_payout(u(1)));
    assert!(!member_state(&claims));
    // Accepted but never redeemed: none once expired.
    let (host, claims) = filed();
    mock_poll(&host, 1, true, POLL_END);
    host.vm.set_block_timestamp(POLL_END + 31 * DAY - 1);
    assert!(claims.has_member_state(ALICE).unwrap_or(false));
    host.vm.set_block_timestamp(POLL_END + 31 * DAY);
    assert!(!claims.has_member_state(ALICE).unwrap_or(true));
    // The assessment contract's revert is passed on.
    host.mock_static(
        ASSESSMENT_ADDRESS,
        IAssessment::outcomeCall { assessmentId: u(1) }.abi_encode(),
        Err(vec![7]),
    );
    assert_eq!(
        claims.has_member_state(ALICE).map_err(Vec::from),
        Err(vec![7])
    );
}

// --- status through time ---

#[test]
fn status_runs_voting_cooldown_then_the_outcome() {
    let (host, claims) = filed();
    // Voting until the poll's end (exclusive).
    for now in [SUBMITTED, POLL_END - 1] {
        host.vm.set_block_timestamp(now);
        assert_eq!(status_now(&claims, 1), status::VOTING);
    }
    // A first accept vote restarts the poll: voting again until the new end.
    let end = POLL_END + 2 * DAY;
    mock_poll(&host, 1, true, end);
    host.vm.set_block_timestamp(POLL_END);
    assert_eq!(status_now(&claims, 1), status::VOTING);
    // The cooldown: [end, end + 1 day).
    for now in [end, end + DAY - 1] {
        host.vm.set_block_timestamp(now);
        assert_eq!(status_now(&claims, 1), status::COOLDOWN);
    }
    // Redeemable: [end + 1 day, end + 31 days).
    for now in [end + DAY, end + 31 * DAY - 1] {
        host.vm.set_block_timestamp(now);
        assert_eq!(status_now(&claims, 1), status::ACCEPTED);
    }
    host.vm.set_block_timestamp(end + 31 * DAY);
    assert_eq!(status_now(&claims, 1), status::EXPIRED);
    // Fraud undone in the cooldown moves the end: back to voting.
    mock_poll(&host, 1, false, end + 40 * DAY);
    assert_eq!(status_now(&claims, 1), status::VOTING);
    // A denied poll is denied from the cooldown's end on, forever.
    mock_poll(&host, 1, false, end);
    for now in [end + DAY, end + 400 * DAY] {
        host.vm.set_block_timestamp(now);
        assert_eq!(status_now(&claims, 1), status::DENIED);
    }
    // The reading: one outcome call.
    host.clear_made();
    status_now(&claims, 1);
    assert_eq!(made(&host), vec![outcome_call(1)]);
}

#[test]
fn unknown_claims_are_not_found() {
    let (_host, mut claims) = filed();
    for id in [U256::ZERO, u(2), U256::from(1u8) << 32, U256::MAX] {
        let not_found = ClaimNotFound { claimId: id }.abi_encode();
        assert_eq!(fails(claims.claim(id)), not_found);
        assert_eq!(fails(claims.claim_status(id)), not_found);
        assert_eq!(fails(claims.redeem_claim_payout(id)), not_found);
    }
}

#[test]
fn a_windows_end_beyond_64_bits_is_math_overflow() {
    let (host, claims) = filed();
    // An end at 2^64 − 1 (reached): its cooldown's end overflows.
    mock_poll(&host, 1, true, u64::MAX);
    host.vm.set_block_timestamp(u64::MAX);
    assert_eq!(
        fails(claims.claim_status(u(1))),
        MathOverflow {}.abi_encode()
    );
    // An end beyond 64 bits is simply in the future.
    host.mock_static(
        ASSESSMENT_ADDRESS,
        IAssessment::outcomeCall { assessmentId: u(1) }.abi_encode(),
        Ok((true, U256::from(1u8) << 64).abi_encode_params()),
    );
    assert_eq!(status_now(&claims, 1), status::VOTING);
}

// --- redeeming ---

/// The cover contract burns `amount` of cover `cover_id`'s stake; `owner` owns its NFT.
fn mock_redemption(host: &MockHost, cover_id: u64, amount: U256, owner: Address) {
    host.mock_call(
        COVER_ADDRESS,
        ICover::burnStakeCall {
            coverId: u(cover_id),
            payoutInAsset: amount,
        }
        .abi_encode(),
        U256::ZERO,
        Ok(vec![]),
    );
    host.mock_static(
        NFT,
        IPositionNft::ownerOfCall {
            tokenId: u(cover_id),
        }
        .abi_encode(),
        Ok(words(&[address_word(owner)])),
    );
}

/// The capital pool pays `amount` to `to`.
fn pay_call(to: Address, amount: U256) -> Vec<u8> {
    ICapitalPool::payClaimCall {
        to,
        amountEth: amount,
    }
    .abi_encode()
}

fn mock_pay(host: &MockHost, to: Address, amount: U256) {
    host.mock_call(POOL, pay_call(to, amount), U256::ZERO, Ok(vec![]));
}

#[test]
fn an_accepted_eth_claim_pays_the_covers_current_owner_in_one_call() {
    let (host, mut claims) = accepted();
    // The NFT moved to DAVE (not a member: ETH payouts need none); anyone redeems.
    mock_redemption(&host, ETH_COVER, eth(10), DAVE);
    mock_pay(&host, DAVE, eth(10) + milli(130));
    host.vm.set_sender(STRANGER);
    ok(claims.redeem_claim_payout(u(1)));
    assert_eq!(
        made(&host),
        vec![
            outcome_call(1),
            call(
                RAMM_ADDRESS,
                IRamm::getInternalPriceAndUpdateTwapCall {}.abi_encode()
            ),
            call(
                COVER_ADDRESS,
                ICover::burnStakeCall {
                    coverId: u(ETH_COVER),
                    payoutInAsset: eth(10)
                }
                .abi_encode()
            ),
            view(
                NFT,
                IPositionNft::ownerOfCall {
                    tokenId: u(ETH_COVER)
                }
                .abi_encode()
            ),
            call(POOL, pay_call(DAVE, eth(10) + milli(130))),
        ]
    );
    let redeemed: ClaimPayoutRedeemed = last_log(&host);
    assert_eq!(
        (
            redeemed.claimId,
            redeemed.owner,
            redeemed.amount,
            redeemed.depositEth
        ),
        (u(1), DAVE, eth(10), milli(130))
    );
    assert_eq!(status_now(&claims, 1), status::REDEEMED);
    // Once only.
    assert_reverts(
        &host,
        ClaimNotRedeemable {
            claimId: u(1),
            status: status::REDEEMED,
        }
        .abi_encode(),
        || claims.redeem_claim_payout(u(1)).map_err(Vec::from),
    );
    // Redeemed stays redeemed after the window.
    host.vm.set_block_timestamp(POLL_END + 100 * DAY);
    assert_eq!(status_now(&claims, 1), status::REDEEMED);
    // The claim's other fields are untouched.
    assert_eq!(
        ok(claims.claim(u(1))),
        (
            u(ETH_COVER),
            eth(10),
            U256::ZERO,
            u(1),
            u(SUBMITTED),
            milli(130),
            ALICE
        )
    );
}

#[test]
fn an_accepted_nxm_claim_mints_the_amount_and_refunds_the_deposit() {
    let (host, mut claims) = wired();
    let (reward, deposit) = (eth(13), milli(260));
    mock_submission(&host, ALICE, reward, deposit, 4, deposit);
    assert_eq!(
        submit(&host, &mut claims, NXM_COVER, eth(1_000), deposit),
        Ok(u(1))
    );
    mock_poll(&host, 4, true, POLL_END);
    host.vm.set_block_timestamp(POLL_END + 31 * DAY - 1);
    mock_redemption(&host, NXM_COVER, eth(1_000), BOB);
    let mint = INxmToken::mintCall {
        to: BOB,
        amountNxm: eth(1_000),
    }
    .abi_encode();
    host.mock_call(TOKEN, mint.clone(), U256::ZERO, Ok(vec![]));
    mock_pay(&host, BOB, deposit);
    host.clear_made();
    ok(claims.redeem_claim_payout(u(1)));
    assert_eq!(
        made(&host),
        vec![
            outcome_call(4),
            call(
                RAMM_ADDRESS,
                IRamm::getInternalPriceAndUpdateTwapCall {}.abi_encode()
            ),
            call(
                COVER_ADDRESS,
                ICover::burnStakeCall {
                    coverId: u(NXM_COVER),
                    payoutInAsset: eth(1_000)
                }
                .abi_encode()
            ),
            view(
                NFT,
                IPositionNft::ownerOfCall {
                    tokenId: u(NXM_COVER)
                }
                .abi_encode()
            ),
            call(TOKEN, mint),
            call(POOL, pay_call(BOB, deposit)),
        ]
    );
    let redeemed: ClaimPayoutRedeemed = last_log(&host);
    assert_eq!(
        (redeemed.owner, redeemed.amount, redeemed.depositEth),
        (BOB, eth(1_000), deposit)
    );
    assert_eq!(status_now(&claims, 1), status::REDEEMED);
}

#[test]
fn only_accepted_claims_are_redeemable() {
    let (host, mut claims) = filed();
    let not_redeemable = |status: u8| {
        ClaimNotRedeemable {
            claimId: u(1),
            status,
        }
        .abi_encode()
    };
    for (accepted, now, status) in [
        (false, SUBMITTED, status::VOTING),
        (true, POLL_END - 1, status::VOTING),
        (true, POLL_END, status::COOLDOWN),
        (true, POLL_END + DAY - 1, status::COOLDOWN),
        (false, POLL_END + DAY, status::DENIED),
        (true, POLL_END + 31 * DAY, status::EXPIRED),
    ] {
        mock_poll(&host, 1, accepted, POLL_END);
        host.vm.set_block_timestamp(now);
        assert_reverts(&host, not_redeemable(status), || {
            claims.redeem_claim_payout(u(1)).map_err(Vec::from)
        });
    }
}

#[test]
fn the_payouts_callees_reverts_are_passed_on() {
    // The RAMM cannot update (e.g. no book value): nothing is burned or paid.
    let (host, mut claims) = accepted();
    host.mock_call(
        RAMM_ADDRESS,
        IRamm::getInternalPriceAndUpdateTwapCall {}.abi_encode(),
        U256::ZERO,
        Err(vec![4]),
    );
    assert_eq!(fails(claims.redeem_claim_payout(u(1))), vec![4]);
    assert_eq!(made(&host).len(), 2);
    // The cover contract refuses the burn (here: more than is left).
    let (host, mut claims) = accepted();
    let refused = PayoutExceedsCover {
        payoutInAsset: eth(10),
        remainingAmount: eth(6),
    }
    .abi_encode();
    host.mock_call(
        COVER_ADDRESS,
        ICover::burnStakeCall {
            coverId: u(ETH_COVER),
            payoutInAsset: eth(10),
        }
        .abi_encode(),
        U256::ZERO,
        Err(refused.clone()),
    );
    assert_eq!(fails(claims.redeem_claim_payout(u(1))), refused);
    // The pool cannot pay; the token refuses to mint (a non-member owner of NXM cover).
    let (host, mut claims) = accepted();
    mock_redemption(&host, ETH_COVER, eth(10), DAVE);
    host.mock_call(
        POOL,
        pay_call(DAVE, eth(10) + milli(130)),
        U256::ZERO,
        Err(vec![9]),
    );
    assert_eq!(fails(claims.redeem_claim_payout(u(1))), vec![9]);
    let (host, mut claims) = wired();
    let (reward, deposit) = (eth(13), milli(260));
    mock_submission(&host, ALICE, reward, deposit, 1, deposit);
    assert_eq!(
        submit(&host, &mut claims, NXM_COVER, eth(1_000), deposit),
        Ok(u(1))
    );
    mock_poll(&host, 1, true, POLL_END);
    host.vm.set_block_timestamp(POLL_END + DAY);
    mock_redemption(&host, NXM_COVER, eth(1_000), DAVE);
    let not_member = NotMember { account: DAVE }.abi_encode();
    host.mock_call(
        TOKEN,
        INxmToken::mintCall {
            to: DAVE,
            amountNxm: eth(1_000),
        }
        .abi_encode(),
        U256::ZERO,
        Err(not_member.clone()),
    );
    assert_eq!(fails(claims.redeem_claim_payout(u(1))), not_member);
}

#[test]
fn the_claim_is_marked_redeemed_before_any_call() {
    // The cover contract's burn sees the claim already redeemed: a re-entered redemption (the
    // SDK refuses re-entry anyway) would find it not redeemable.
    let (host, mut claims) = accepted();
    host.mock_call(
        COVER_ADDRESS,
        ICover::burnStakeCall {
            coverId: u(ETH_COVER),
            payoutInAsset: eth(10),
        }
        .abi_encode(),
        U256::ZERO,
        Err(vec![1]),
    );
    assert_eq!(fails(claims.redeem_claim_payout(u(1))), vec![1]);
    // TestVM keeps the write a chain would roll back: the flag was set before the call.
    let head = claims.record(CLAIM, u(1));
    assert!(ClaimRecord::decode(head, U256::ZERO).redeemed);
}

// --- quoting ---

#[test]
fn quote_deposit_uses_the_ramms_last_price() {
    let (host, claims) = wired();
    let state = |internal: U256| {
        words(&[
            milli(21),
            milli(19),
            milli(20),
            internal,
            eth(5_000),
            eth(1),
            eth(1),
            U256::ZERO,
        ])
    };
    host.mock_static(
        RAMM_ADDRESS,
        IRamm::stateCall {}.abi_encode(),
        Ok(state(price())),
    );
    assert_eq!(
        claims.quote_deposit(u(ETH_COVER), eth(10)).ok(),
        Some((milli(130), milli(6_500)))
    );
    assert_eq!(
        claims.quote_deposit(u(SMALL_COVER), eth(1)).ok(),
        Some((milli(50), u(178_082_191_780_821_917)))
    );
    assert_eq!(
        claims.quote_deposit(u(LARGE_COVER), eth(1_000)).ok(),
        Some((eth(1), eth(50)))
    );
    assert_eq!(
        claims.quote_deposit(u(NXM_COVER), eth(1_000)).ok(),
        Some((milli(260), eth(13)))
    );
    // It reads the cover and the RAMM's state, nothing else (no TWAP update).
    host.clear_made();
    let _ = claims.quote_deposit(u(ETH_COVER), eth(10));
    assert!(made(&host).iter().all(|(_, _, _, is_static)| *is_static));
    assert_eq!(made(&host).len(), 2);
    // A different internal price moves the quote: 0.04 ETH per NXM halves the payout in NXM.
    host.mock_static(
        RAMM_ADDRESS,
        IRamm::stateCall {}.abi_encode(),
        Ok(state(milli(40))),
    );
    assert_eq!(
        claims.quote_deposit(u(ETH_COVER), eth(10)).ok(),
        Some((milli(130), milli(3_250)))
    );
    // No cover: the floor. An id beyond 64 bits: not read.
    mock_cover(&host, 77, &CoverRecord::default());
    assert_eq!(
        claims.quote_deposit(u(77), eth(10)).ok(),
        Some((milli(50), U256::ZERO))
    );
    host.clear_made();
    assert_eq!(
        claims.quote_deposit(U256::MAX, eth(10)).ok(),
        Some((milli(50), U256::ZERO))
    );
    assert_eq!(made(&host).len(), 1);
    // A zero price: MathOverflow; the RAMM's revert passed on.
    host.mock_static(
        RAMM_ADDRESS,
        IRamm::stateCall {}.abi_encode(),
        Ok(state(U256::ZERO)),
    );
    assert_eq!(
        fails(claims.quote_deposit(u(ETH_COVER), eth(10))),
        MathOverflow {}.abi_encode()
    );
    host.mock_static(RAMM_ADDRESS, IRamm::stateCall {}.abi_encode(), Err(vec![3]));
    assert_eq!(fails(claims.quote_deposit(u(ETH_COVER), eth(10))), vec![3]);
}

// --- storage ---

#[test]
fn a_claim_is_two_words_and_round_trips() {
    let claim = ClaimRecord {
        claimant: ALICE,
        submitted_secs: (1 << 40) - 1,
        assessment_id: (U256::from(1u8) << 40) - u(1),
        asset: ASSET_NXM,
        redeemed: true,
        amount: (U256::from(1u8) << 96) - u(1),
        deposit_eth: (U256::from(1u8) << 96) - u(1),
        cover_id: u(u64::MAX),
    };
    let (head, terms) = (claim.head().unwrap(), claim.terms().unwrap());
    assert_eq!(ClaimRecord::decode(head, terms), claim);
    let mut wide = claim;
    wide.amount = U256::from(1u8) << 96;
    assert_eq!(wide.terms(), None);
    let mut wide = claim;
    wide.submitted_secs = 1 << 40;
    assert_eq!(wide.head(), None);
    // A submission writes the claim's two words, the cover's latest claim, the member's list
    // and the count: four fresh slots.
    let before = storage(&wired().0);
    let (host, claims) = filed();
    let after = storage(&host);
    let fresh: Vec<_> = after
        .keys()
        .filter(|k| !before.contains_key(k) && !after[k].is_zero())
        .collect();
    assert_eq!(fresh.len(), 4);
    assert_eq!(claims.record(LATEST, u(ETH_COVER)), u(1));
    assert_eq!(claims.record(OPEN, address_word(ALICE)), u(1));
}

// --- routing: the ABI as declared ---

fn route<C: SolCall>(claims: &mut Claims, call: C) -> C::Return {
    let data = call.abi_encode();
    let selector = u32::from_be_bytes(data[..4].try_into().unwrap());
    let answer = <Claims as Router<Claims>>::route(claims, selector, &data[4..])
        .expect("routed")
        .unwrap_or_else(|e| panic!("reverted {e:02x?}"));
    C::abi_decode_returns_validate(&answer).expect("the answer decodes as declared")
}

#[test]
fn every_entrypoint_routes_as_declared() {
    let (host, mut claims) = wired();
    for selector in IClaimsCalls::SELECTORS {
        let routed =
            <Claims as Router<Claims>>::route(&mut claims, u32::from_be_bytes(*selector), &[]);
        assert!(routed.is_some(), "selector {selector:02x?} is not routed");
    }
    assert_eq!(IClaimsCalls::SELECTORS.len(), 12);
    // submitClaim, payable.
    let (reward, deposit) = eth_claim_terms();
    mock_submission(&host, ALICE, reward, deposit, 1, deposit);
    mock_poll(&host, 1, true, POLL_END);
    host.vm.set_value(deposit);
    let id = route(
        &mut claims,
        IClaims::submitClaimCall {
            coverId: u(ETH_COVER),
            amount: eth(10),
            proofUri: proof(),
        },
    );
    host.vm.set_value(U256::ZERO);
    assert_eq!(id, u(1));
    let submitted: ClaimSubmitted = last_log(&host);
    assert_eq!(submitted.proofUri, PROOF);
    let claim = route(&mut claims, IClaims::claimCall { claimId: u(1) });
    assert_eq!(
        (claim._0, claim._1, claim._3, claim._5, claim._6),
        (u(ETH_COVER), eth(10), u(1), deposit, ALICE)
    );
    assert_eq!(
        route(&mut claims, IClaims::claimStatusCall { claimId: u(1) }),
        status::VOTING
    );
    assert_eq!(
        route(
            &mut claims,
            IClaims::latestClaimCall {
                coverId: u(ETH_COVER)
            }
        ),
        u(1)
    );
    assert_eq!(route(&mut claims, IClaims::claimCountCall {}), u(1));
    assert!(route(
        &mut claims,
        IClaims::hasMemberStateCall { member: ALICE }
    ));
    host.mock_static(
        RAMM_ADDRESS,
        IRamm::stateCall {}.abi_encode(),
        Ok(words(&[
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            price(),
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
            U256::ZERO,
        ])),
    );
    let quote = route(
        &mut claims,
        IClaims::quoteDepositCall {
            coverId: u(ETH_COVER),
            amount: eth(10),
        },
    );
    assert_eq!((quote._0, quote._1), (deposit, reward));
    // redeemClaimPayout.
    host.vm.set_block_timestamp(POLL_END + DAY);
    mock_redemption(&host, ETH_COVER, eth(10), ALICE);
    mock_pay(&host, ALICE, eth(10) + deposit);
    route(
        &mut claims,
        IClaims::redeemClaimPayoutCall { claimId: u(1) },
    );
    assert_eq!(
        route(&mut claims, IClaims::claimStatusCall { claimId: u(1) }),
        status::REDEEMED
    );
    let contracts = route(&mut claims, IClaims::contractsCall {});
    assert_eq!(
        [
            contracts._0,
            contracts._1,
            contracts._2,
            contracts._3,
            contracts._4,
            contracts._5
        ],
        [
            TOKEN,
            RAMM_ADDRESS,
            POOL,
            COVER_ADDRESS,
            NFT,
            ASSESSMENT_ADDRESS
        ]
    );
    host.vm.set_sender(GOVERNANCE);
    route(
        &mut claims,
        IClaims::setContractsCall {
            nxmToken: TOKEN,
            ramm: RAMM_ADDRESS,
            capitalPool: POOL,
            cover: COVER_ADDRESS,
            coverNft: NFT,
            assessment: ASSESSMENT_ADDRESS,
        },
    );
    route(
        &mut claims,
        IClaims::setGovernanceCall {
            newGovernance: CAROL,
        },
    );
    assert_eq!(route(&mut claims, IClaims::governanceCall {}), CAROL);
    // ETH sent to anything but submitClaim is refused.
    host.vm.set_value(u(1));
    let data = IClaims::claimCountCall {}.abi_encode();
    let answer = <Claims as Router<Claims>>::route(
        &mut claims,
        u32::from_be_bytes(data[..4].try_into().unwrap()),
        &data[4..],
    );
    assert!(matches!(answer, Some(Err(_))));
    host.vm.set_value(U256::ZERO);
    // The constructor runs once.
    let args = (GOVERNANCE, u(DAY)).abi_encode_params();
    let fresh = MockHost::new();
    let mut other = Claims::from(&fresh);
    assert_eq!(
        <Claims as Router<Claims>>::constructor(&mut other, &args).unwrap(),
        Ok(Vec::new())
    );
    assert!(<Claims as Router<Claims>>::constructor(&mut other, &args)
        .unwrap()
        .is_err());
}
