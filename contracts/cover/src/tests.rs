//! Unit tests of the cover contract: every rule, every revert path (with its exact error and,
//! where the revert comes before any effect, no state change), every event, the arithmetic by
//! hand, and the ABI through the hand router (the deployed dispatch: every `ICover` selector,
//! its decoding against the `sol!` encodings, and every malformed input). The dApp views are
//! checked as the cover viewer computes them: `cover_records` over this contract's `records`
//! ([`Views`]).
//!
//! The contract runs on [`MockHost`] (crate `contract-test-host`): `TestVM` with per-call mock answers, so every call to the
//! token, the catalogue, the RAMM, the staking pools, the cover NFT and every ETH recipient is
//! mocked by exact calldata (and value), the calls made are checked in order, and an unexpected
//! call reverts with [`UNMOCKED`]. The hand-built calldata of the contract (`calldata`, the
//! `productForCover` array) is thereby compared with the `sol!` encodings. `TestVM` moves no ETH
//! and rolls nothing back on a revert: reverts after the first effect are checked for their
//! error only (the chain rolls them back).

use alloc::{string::String, vec, vec::Vec};
use std::collections::HashMap;

use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use contract_test_host::{MadeCall, MockHost, UNMOCKED};
use cover_records::{bits, AllocationView, CoverView};
use mutual_interfaces::{
    cover::{
        abi::ICover::{self, ICoverCalls},
        CommissionRateTooHigh, ContractsSet, CoverAlreadyExpired, CoverAmountIsZero,
        CoverAssetMismatch, CoverBought, CoverExpired, CoverNotFound, CoverNotYetExpired,
        CoverPeriodTooLong, CoverPeriodTooShort, EthTransferFailed, ExpiredCoversCannotBeEdited,
        GovernanceChanged, InsufficientCoverAmountAllocated, InsufficientEthSent, InvalidDayLength,
        InvalidPaymentAsset, InvalidPoolAllocations, MustBeOriginalCoverId, NotAContract,
        NotMember, OnlyOwnerOrApproved, PayoutExceedsCover, PriceExceedsMaxPremiumInAsset,
        StakeBurnedForPayout, Unauthorized, UnexpectedEthSent, ZeroAddress,
    },
    cover_products::abi::ICoverProducts,
    nxm_token::abi::INxmToken,
    position_nft::abi::IPositionNft,
    ramm::abi::IRamm,
    staking_pool::abi::IStakingPool,
};
use mutual_math::pricing;
use proptest::prelude::*;
use stylus_sdk::abi::Router;

use super::*;
use crate::router::Args;

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const TOKEN: Address = address!("00000000000000000000000000000000000000b1");
const RAMM_ADDRESS: Address = address!("00000000000000000000000000000000000000b2");
const POOL: Address = address!("00000000000000000000000000000000000000b3");
const PRODUCTS: Address = address!("00000000000000000000000000000000000000b4");
const STAKING: Address = address!("00000000000000000000000000000000000000b5");
const NFT: Address = address!("00000000000000000000000000000000000000b6");
const CLAIMS_ADDRESS: Address = address!("00000000000000000000000000000000000000b7");
const BUYER: Address = address!("00000000000000000000000000000000000000e1");
const OWNER: Address = address!("00000000000000000000000000000000000000e2");
const DEST: Address = address!("00000000000000000000000000000000000000e3");
const STRANGER: Address = address!("00000000000000000000000000000000000000e4");
const COVER: Address = address!("00000000000000000000000000000000000000f1");
/// An address without code.
const EMPTY: Address = address!("00000000000000000000000000000000000000ee");
const DAY: u64 = 86_400;
const WEEK: u64 = 7 * DAY;
/// A Monday-ish start: 2 810 weeks and change after the epoch.
const START: u64 = 1_700_000_000;
const PRODUCT: u64 = 4;
const GRACE: u64 = 30 * DAY;
const IPFS: &str = "ipfs://QmCoverDataLongerThanOneWordOfThirtyTwoBytes";

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// `x` whole tokens (18 decimals).
fn eth(x: u64) -> U256 {
    U256::from(x) * WAD
}

/// 0.02 ETH per NXM.
fn price() -> U256 {
    u(20_000_000_000_000_000)
}

fn words(values: &[U256]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes::<32>()).collect()
}

/// A cover contract at START with a real day, wired; BUYER is a member, STRANGER is not.
fn wired() -> (MockHost, Cover) {
    let host = MockHost::new();
    host.vm.set_contract_address(COVER);
    host.vm.set_block_timestamp(START);
    for contract in [
        TOKEN,
        RAMM_ADDRESS,
        POOL,
        PRODUCTS,
        STAKING,
        NFT,
        CLAIMS_ADDRESS,
    ] {
        host.vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut cover = Cover::from(&host);
    host.vm.set_sender(GOVERNANCE);
    assert!(cover.constructor(GOVERNANCE, u(DAY)).is_ok());
    assert!(cover
        .set_contracts(
            TOKEN,
            RAMM_ADDRESS,
            POOL,
            PRODUCTS,
            STAKING,
            NFT,
            CLAIMS_ADDRESS
        )
        .is_ok());
    for (account, member) in [(BUYER, true), (STRANGER, false), (OWNER, true)] {
        host.mock_static(
            TOKEN,
            INxmToken::isMemberCall { account }.abi_encode(),
            Ok(words(&[U256::from(u8::from(member))])),
        );
    }
    host.mock_call(
        RAMM_ADDRESS,
        IRamm::getInternalPriceAndUpdateTwapCall {}.abi_encode(),
        U256::ZERO,
        Ok(words(&[price()])),
    );
    host.vm.set_sender(BUYER);
    (host, cover)
}

/// A purchase request: ETH cover of `amount` for `period` from the given pools, paid in ETH,
/// 10 % commission to DEST, max premium 100 ETH.
#[derive(Clone)]
struct Buy {
    cover_id: U256,
    owner: Address,
    product: U256,
    asset: U256,
    amount: U256,
    period: U256,
    max_premium: U256,
    payment: U256,
    commission_bps: U256,
    destination: Address,
    pools: Vec<(U256, U256)>,
}

fn buy() -> Buy {
    Buy {
        cover_id: U256::ZERO,
        owner: OWNER,
        product: u(PRODUCT),
        asset: U256::ZERO,
        amount: eth(10),
        period: u(100 * DAY),
        max_premium: eth(100),
        payment: U256::ZERO,
        commission_bps: u(1_000),
        destination: DEST,
        pools: vec![(u(1), eth(10))],
    }
}

impl Buy {
    /// The request as `buy_cover` takes it.
    fn params(&self) -> BuyCoverParams {
        let (a, b, c, d, e, f, g, h, i, j, text) = self.abi_params();
        (a, b, c, d, e, f, g, h, i, j, text.into_bytes())
    }

    /// The request as `ICover.buyCover`'s ABI has it (`ipfsData` a string).
    #[allow(clippy::type_complexity)]
    fn abi_params(
        &self,
    ) -> (
        U256,
        Address,
        U256,
        U256,
        U256,
        U256,
        U256,
        U256,
        U256,
        Address,
        String,
    ) {
        (
            self.cover_id,
            self.owner,
            self.product,
            self.asset,
            self.amount,
            self.period,
            self.max_premium,
            self.payment,
            self.commission_bps,
            self.destination,
            String::from(IPFS),
        )
    }

    fn pool_ids(&self) -> Vec<U256> {
        self.pools.iter().map(|p| p.0).collect()
    }
}

/// The catalogue's answer for `b` (grace 30 days, min 1 %, reduction 0, dynamic price).
fn mock_catalogue(host: &MockHost, b: &Buy, answer: Result<Vec<u8>, Vec<u8>>) {
    host.mock_static(
        PRODUCTS,
        ICoverProducts::productForCoverCall {
            productId: b.product,
            coverAsset: b.asset,
            poolIds: b.pool_ids(),
        }
        .abi_encode(),
        answer,
    );
}

fn terms() -> Vec<u8> {
    words(&[u(GRACE), u(100), U256::ZERO, U256::ZERO])
}

/// The request a pool gets for `nxm` of `b`'s cover.
fn allocation_call(b: &Buy, pool: U256, nxm: U256) -> Vec<u8> {
    IStakingPool::requestAllocationCall {
        poolId: pool,
        productId: b.product,
        amountNxm: nxm,
        periodSecs: b.period,
        gracePeriodSecs: u(GRACE),
        useFixedPrice: false,
        capacityReductionBps: U256::ZERO,
        minPriceBps: u(100),
    }
    .abi_encode()
}

fn mock_allocation(host: &MockHost, b: &Buy, pool: U256, nxm: U256, premium: U256, id: U256) {
    host.mock_call(
        STAKING,
        allocation_call(b, pool, nxm),
        U256::ZERO,
        Ok(words(&[premium, id])),
    );
}

fn mock_mint(host: &MockHost, owner: Address, id: u64) {
    host.mock_call(
        NFT,
        IPositionNft::mintCall { to: owner }.abi_encode(),
        U256::ZERO,
        Ok(words(&[u(id)])),
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

/// 1 ETH premium (50 NXM at 0.02) and its 10 % commission: floor(1e18 · 10 000 / 9 000) − 1e18.
fn one_eth_commission() -> U256 {
    u(111_111_111_111_111_111)
}

/// Mocks everything a standard ETH purchase `b` (one pool, 500 NXM, 50 NXM premium,
/// allocation 7, cover id `id`) calls, with `value` sent.
fn mock_standard(host: &MockHost, b: &Buy, id: u64, value: U256) {
    mock_catalogue(host, b, Ok(terms()));
    mock_allocation(host, b, u(1), eth(500), eth(50), u(7));
    mock_mint(host, b.owner, id);
    let commission = pricing::commission(eth(1), b.commission_bps).unwrap();
    mock_eth(host, POOL, eth(1), true);
    mock_eth(host, DEST, commission, true);
    if value > eth(1) + commission {
        mock_eth(host, BUYER, value - eth(1) - commission, true);
    }
}

fn send(host: &MockHost, cover: &mut Cover, b: &Buy, value: U256) -> Result<U256, Vec<u8>> {
    host.vm.set_value(value);
    let result = cover
        .buy_cover(b.params(), b.pools.clone())
        .map_err(Into::into);
    host.vm.set_value(U256::ZERO);
    result
}

/// A wired contract with cover 1 bought by BUYER for OWNER (10 ETH, 100 days, from pool 1).
fn bought() -> (MockHost, Cover) {
    let (host, mut cover) = wired();
    mock_standard(&host, &buy(), 1, eth(2));
    assert_eq!(send(&host, &mut cover, &buy(), eth(2)), Ok(u(1)));
    (host, cover)
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

fn logs_of<E: SolEvent>(host: &MockHost) -> Vec<E> {
    host.vm
        .get_emitted_logs()
        .iter()
        .filter(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).unwrap())
        .collect()
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

fn fails<T>(result: Result<T, CoverError>) -> Vec<u8> {
    match result {
        Ok(_) => panic!("expected a revert"),
        Err(error) => error.into(),
    }
}

/// The calls made, as `(to, selector or empty, value)`.
fn made_summary(host: &MockHost) -> Vec<(Address, Vec<u8>, U256)> {
    host.made()
        .into_iter()
        .map(|(to, data, value, _): MadeCall| (to, data[..data.len().min(4)].to_vec(), value))
        .collect()
}

fn sel<C: SolCall>() -> Vec<u8> {
    C::SELECTOR.to_vec()
}

/// The dApp views, as the cover viewer computes them: `cover_records` over the contract's raw
/// `records` view (the viewer's own tests check the same functions through a mocked call).
trait Views {
    /// `ICoverViewer.cover` (`None`: `CoverNotFound`).
    fn cover(&self, cover_id: U256) -> Option<CoverView>;
    /// `ICoverViewer.coverAllocations` (`None`: `CoverNotFound`).
    fn cover_allocations(&self, cover_id: U256) -> Option<Vec<AllocationView>>;
    /// `ICoverViewer.activeCover` now.
    fn active_cover(&self, cover_asset: U256) -> U256;
}

impl Views for Cover {
    fn cover(&self, cover_id: U256) -> Option<CoverView> {
        cover_records::cover_view::<()>(cover_id, &mut |keys| Ok(self.records(keys))).unwrap()
    }

    fn cover_allocations(&self, cover_id: U256) -> Option<Vec<AllocationView>> {
        cover_records::allocations_view::<()>(cover_id, &mut |keys| Ok(self.records(keys))).unwrap()
    }

    fn active_cover(&self, cover_asset: U256) -> U256 {
        let now = self.vm().block_timestamp();
        cover_records::active_cover::<()>(cover_asset, now, &mut |keys| Ok(self.records(keys)))
            .unwrap()
    }
}

// --- constructor, contracts, governance ---

#[test]
fn constructor_checks_the_day_and_governance() {
    let host = MockHost::new();
    host.vm.set_block_timestamp(START);
    let mut cover = Cover::from(&host);
    let too_long = u(u32::MAX as u64 / 365 + 1);
    for day in [U256::ZERO, too_long] {
        assert_eq!(
            fails(cover.constructor(GOVERNANCE, day)),
            InvalidDayLength { daySecs: day }.abi_encode()
        );
    }
    assert_eq!(
        fails(cover.constructor(Address::ZERO, u(DAY))),
        ZeroAddress {}.abi_encode()
    );
    assert!(storage(&host).values().all(|v| v.is_zero()));
    assert_eq!(log_count(&host), 0);
    assert!(cover
        .constructor(GOVERNANCE, u(u32::MAX as u64 / 365))
        .is_ok());
    assert_eq!(cover.governance(), GOVERNANCE);
    let changed: GovernanceChanged = last_log(&host);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (Address::ZERO, GOVERNANCE)
    );
    assert_eq!(cover.cover_count(), U256::ZERO);
    assert_eq!(cover.active_cover(U256::ZERO), U256::ZERO);
}

#[test]
fn set_contracts_requires_governance_code_and_every_address_but_claims() {
    let (host, mut cover) = wired();
    assert_eq!(
        cover.contracts(),
        (
            TOKEN,
            RAMM_ADDRESS,
            POOL,
            PRODUCTS,
            STAKING,
            NFT,
            CLAIMS_ADDRESS
        )
    );
    let set: ContractsSet = last_log(&host);
    assert_eq!(
        (
            set.nxmToken,
            set.ramm,
            set.capitalPool,
            set.coverProducts,
            set.stakingPool,
            set.coverNft,
            set.claims
        ),
        (
            TOKEN,
            RAMM_ADDRESS,
            POOL,
            PRODUCTS,
            STAKING,
            NFT,
            CLAIMS_ADDRESS
        )
    );
    let all = [
        TOKEN,
        RAMM_ADDRESS,
        POOL,
        PRODUCTS,
        STAKING,
        NFT,
        CLAIMS_ADDRESS,
    ];
    let with = |i: usize, account: Address| {
        let mut a = all;
        a[i] = account;
        a
    };
    let call = |cover: &mut Cover, a: [Address; 7]| {
        cover
            .set_contracts(a[0], a[1], a[2], a[3], a[4], a[5], a[6])
            .map_err(Vec::from)
    };
    host.vm.set_sender(BUYER);
    assert_reverts(&host, Unauthorized { caller: BUYER }.abi_encode(), || {
        call(&mut cover, all)
    });
    host.vm.set_sender(GOVERNANCE);
    for i in 0..6 {
        assert_reverts(&host, ZeroAddress {}.abi_encode(), || {
            call(&mut cover, with(i, Address::ZERO))
        });
    }
    for i in 0..7 {
        assert_reverts(&host, NotAContract { account: EMPTY }.abi_encode(), || {
            call(&mut cover, with(i, EMPTY))
        });
    }
    assert!(call(&mut cover, with(6, Address::ZERO)).is_ok());
    assert_eq!(cover.contracts().6, Address::ZERO);
}

#[test]
fn set_contracts_keeps_what_shares_the_slots() {
    let (host, mut cover) = bought();
    host.vm.set_sender(GOVERNANCE);
    let other = address!("00000000000000000000000000000000000000c9");
    host.vm.set_code(other, vec![1]);
    assert!(cover
        .set_contracts(other, other, POOL, PRODUCTS, STAKING, NFT, CLAIMS_ADDRESS)
        .is_ok());
    assert_eq!(cover.contracts().0, other);
    // The cover count, the day length and the last price survive.
    assert_eq!(cover.cover_count(), u(1));
    assert_eq!(Some(cover.total_active_cover_eth()), Some(eth(10)));
    assert_eq!(
        fails(cover.check_period(u(28 * DAY - 1))),
        CoverPeriodTooShort {
            periodSecs: u(28 * DAY - 1)
        }
        .abi_encode()
    );
}

#[test]
fn set_governance_hands_the_role_over() {
    let (host, mut cover) = wired();
    assert_reverts(&host, Unauthorized { caller: BUYER }.abi_encode(), || {
        cover.set_governance(BUYER).map_err(Vec::from)
    });
    host.vm.set_sender(GOVERNANCE);
    assert_reverts(&host, ZeroAddress {}.abi_encode(), || {
        cover.set_governance(Address::ZERO).map_err(Vec::from)
    });
    assert!(cover.set_governance(BUYER).is_ok());
    assert_eq!(cover.governance(), BUYER);
    let changed: GovernanceChanged = last_log(&host);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (GOVERNANCE, BUYER)
    );
    // The contracts are untouched by the hand-over.
    assert_eq!(cover.contracts().0, TOKEN);
}

// --- buying in ETH ---

#[test]
fn buy_in_eth_pays_premium_commission_and_refund() {
    let (host, mut cover) = wired();
    let b = buy();
    mock_standard(&host, &b, 1, eth(2));
    host.clear_made();
    assert_eq!(send(&host, &mut cover, &b, eth(2)), Ok(u(1)));
    // Premium: 50 NXM at 0.02 ETH = 1 ETH; commission on top: 0.111… ETH (10 % of the gross
    // 1.111… ETH); the rest of the 2 ETH back to the buyer.
    let commission = one_eth_commission();
    assert_eq!(pricing::commission(eth(1), u(1_000)), Ok(commission));
    assert_eq!(
        made_summary(&host),
        vec![
            (TOKEN, sel::<INxmToken::isMemberCall>(), U256::ZERO),
            (
                PRODUCTS,
                sel::<ICoverProducts::productForCoverCall>(),
                U256::ZERO
            ),
            (
                RAMM_ADDRESS,
                sel::<IRamm::getInternalPriceAndUpdateTwapCall>(),
                U256::ZERO
            ),
            (
                STAKING,
                sel::<IStakingPool::requestAllocationCall>(),
                U256::ZERO
            ),
            (NFT, sel::<IPositionNft::mintCall>(), U256::ZERO),
            (POOL, vec![], eth(1)),
            (DEST, vec![], commission),
            (BUYER, vec![], eth(1) - commission),
        ]
    );
    assert_eq!(
        cover.cover(u(1)),
        Some((
            u(PRODUCT),
            U256::ZERO,
            eth(10),
            u(START),
            u(100 * DAY),
            u(GRACE),
            u(1),
            u(1)
        ))
    );
    assert_eq!(
        cover.cover_allocations(u(1)),
        Some(vec![(u(1), eth(500), eth(50), u(7))])
    );
    assert_eq!(cover.cover_count(), u(1));
    assert_eq!(cover.active_cover(U256::ZERO), eth(10));
    assert_eq!(Some(cover.total_active_cover_eth()), Some(eth(10)));
    assert_eq!(logs_of::<CoverBought>(&host).len(), 1);
    let bought: CoverBought = last_log(&host);
    assert_eq!(
        (
            bought.coverId,
            bought.originalCoverId,
            bought.productId,
            bought.buyer,
            bought.coverAsset,
            bought.amount,
            bought.periodSecs,
            bought.paymentAsset,
            bought.premiumInPaymentAsset,
            bought.commission,
            bought.ipfsData,
        ),
        (
            u(1),
            u(1),
            u(PRODUCT),
            BUYER,
            U256::ZERO,
            eth(10),
            u(100 * DAY),
            U256::ZERO,
            eth(1),
            commission,
            String::from(IPFS)
        )
    );
}

#[test]
fn exact_eth_needs_no_refund_and_no_commission_needs_no_destination() {
    let (host, mut cover) = wired();
    let b = Buy {
        commission_bps: U256::ZERO,
        destination: Address::ZERO,
        max_premium: eth(1),
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    mock_allocation(&host, &b, u(1), eth(500), eth(50), u(7));
    mock_mint(&host, OWNER, 1);
    mock_eth(&host, POOL, eth(1), true);
    host.clear_made();
    assert_eq!(send(&host, &mut cover, &b, eth(1)), Ok(u(1)));
    // Exactly the premium: no commission transfer, no refund.
    assert_eq!(host.made().last().map(|c| (c.0, c.2)), Some((POOL, eth(1))));
    assert_eq!(host.made().len(), 6);
}

#[test]
fn premium_in_eth_rounds_up() {
    let (host, mut cover) = wired();
    let b = Buy {
        commission_bps: U256::ZERO,
        destination: Address::ZERO,
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    // 1 wei of NXM premium at 0.02 ETH is 0.02 wei: the buyer pays 1 wei.
    mock_allocation(&host, &b, u(1), eth(500), u(1), u(7));
    mock_mint(&host, OWNER, 1);
    mock_eth(&host, POOL, u(1), true);
    assert_eq!(send(&host, &mut cover, &b, u(1)), Ok(u(1)));
    let bought: CoverBought = last_log(&host);
    assert_eq!(bought.premiumInPaymentAsset, u(1));
}

#[test]
fn allocations_round_up_to_a_hundredth_of_an_nxm() {
    let (host, mut cover) = wired();
    // 10 ETH + 1 wei at 0.02 ETH is 500 NXM + 50 wei: pool 1 is asked for 500.01 NXM.
    let b = Buy {
        amount: eth(10) + u(1),
        pools: vec![(u(1), eth(10) + u(1))],
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    let asked = eth(500) + u(10_000_000_000_000_000);
    mock_allocation(&host, &b, u(1), asked, eth(50), u(7));
    mock_mint(&host, OWNER, 1);
    let commission = one_eth_commission();
    mock_eth(&host, POOL, eth(1), true);
    mock_eth(&host, DEST, commission, true);
    assert_eq!(send(&host, &mut cover, &b, eth(1) + commission), Ok(u(1)));
    assert_eq!(cover.cover_allocations(u(1)).unwrap()[0].1, asked);
    // At 3 ETH per NXM, 1 ETH is 0.333… NXM: 0.34 NXM asked.
    let (host, mut cover) = wired();
    host.mock_call(
        RAMM_ADDRESS,
        IRamm::getInternalPriceAndUpdateTwapCall {}.abi_encode(),
        U256::ZERO,
        Ok(words(&[eth(3)])),
    );
    let b = Buy {
        amount: eth(1),
        pools: vec![(u(1), eth(1))],
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    mock_allocation(
        &host,
        &b,
        u(1),
        u(340_000_000_000_000_000),
        U256::ZERO,
        u(8),
    );
    mock_mint(&host, OWNER, 1);
    assert_eq!(send(&host, &mut cover, &b, U256::ZERO), Ok(u(1)));
    // Covered: 0.34 · 3 = 1.02 ETH ≥ 1 ETH; the premium was 0: nothing paid.
    let bought: CoverBought = last_log(&host);
    assert_eq!(
        (bought.premiumInPaymentAsset, bought.commission),
        (U256::ZERO, U256::ZERO)
    );
}

#[test]
fn two_pools_share_the_cover() {
    let (host, mut cover) = wired();
    let b = Buy {
        pools: vec![(u(1), eth(4)), (u(2), eth(6))],
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    mock_allocation(&host, &b, u(1), eth(200), eth(20), u(7));
    mock_allocation(&host, &b, u(2), eth(300), eth(30), u(9));
    mock_mint(&host, OWNER, 1);
    mock_eth(&host, POOL, eth(1), true);
    mock_eth(&host, DEST, one_eth_commission(), true);
    assert_eq!(
        send(&host, &mut cover, &b, eth(1) + one_eth_commission()),
        Ok(u(1))
    );
    assert_eq!(
        cover.cover_allocations(u(1)),
        Some(vec![
            (u(1), eth(200), eth(20), u(7)),
            (u(2), eth(300), eth(30), u(9))
        ])
    );
    assert_eq!(cover.active_cover(U256::ZERO), eth(10));
}

#[test]
fn request_checks_come_first_and_change_nothing() {
    let (host, mut cover) = wired();
    // Nothing is mocked for these: every check fails before any call.
    let cases: Vec<(Buy, U256, Vec<u8>)> = vec![
        (
            Buy {
                period: u(28 * DAY - 1),
                ..buy()
            },
            U256::ZERO,
            CoverPeriodTooShort {
                periodSecs: u(28 * DAY - 1),
            }
            .abi_encode(),
        ),
        (
            Buy {
                period: u(365 * DAY + 1),
                ..buy()
            },
            U256::ZERO,
            CoverPeriodTooLong {
                periodSecs: u(365 * DAY + 1),
            }
            .abi_encode(),
        ),
        (
            Buy {
                period: U256::MAX,
                ..buy()
            },
            U256::ZERO,
            CoverPeriodTooLong {
                periodSecs: U256::MAX,
            }
            .abi_encode(),
        ),
        (
            Buy {
                commission_bps: u(3_001),
                ..buy()
            },
            U256::ZERO,
            CommissionRateTooHigh {
                commissionRatioBps: u(3_001),
            }
            .abi_encode(),
        ),
        (
            Buy {
                amount: U256::ZERO,
                ..buy()
            },
            U256::ZERO,
            CoverAmountIsZero {}.abi_encode(),
        ),
        (
            Buy {
                payment: u(1),
                ..buy()
            },
            U256::ZERO,
            InvalidPaymentAsset {
                paymentAsset: u(1),
                coverAsset: U256::ZERO,
            }
            .abi_encode(),
        ),
        (
            Buy {
                asset: u(255),
                payment: U256::ZERO,
                ..buy()
            },
            U256::ZERO,
            InvalidPaymentAsset {
                paymentAsset: U256::ZERO,
                coverAsset: u(255),
            }
            .abi_encode(),
        ),
        (
            Buy {
                pools: vec![],
                ..buy()
            },
            U256::ZERO,
            InvalidPoolAllocations { count: U256::ZERO }.abi_encode(),
        ),
        (
            Buy {
                pools: vec![(u(1), eth(1)); 9],
                ..buy()
            },
            U256::ZERO,
            InvalidPoolAllocations { count: u(9) }.abi_encode(),
        ),
        (
            Buy {
                owner: Address::ZERO,
                ..buy()
            },
            U256::ZERO,
            ZeroAddress {}.abi_encode(),
        ),
        (
            Buy {
                destination: Address::ZERO,
                ..buy()
            },
            U256::ZERO,
            ZeroAddress {}.abi_encode(),
        ),
        (
            Buy {
                payment: u(255),
                ..buy()
            },
            u(1),
            UnexpectedEthSent { valueEth: u(1) }.abi_encode(),
        ),
    ];
    host.clear_made();
    for (b, value, expected) in cases {
        assert_reverts(&host, expected, || send(&host, &mut cover, &b, value));
    }
    assert!(host.made().is_empty());
    // A non-member: only the token is asked.
    host.vm.set_sender(STRANGER);
    assert_reverts(&host, NotMember { account: STRANGER }.abi_encode(), || {
        send(&host, &mut cover, &buy(), eth(2))
    });
    assert_eq!(
        made_summary(&host),
        vec![(TOKEN, sel::<INxmToken::isMemberCall>(), U256::ZERO)]
    );
}

#[test]
fn the_bounds_themselves_pass() {
    for (period, commission) in [(28 * DAY, 3_000u64), (365 * DAY, 0)] {
        let (host, mut cover) = wired();
        let b = Buy {
            period: u(period),
            commission_bps: u(commission),
            ..buy()
        };
        mock_catalogue(&host, &b, Ok(terms()));
        mock_allocation(&host, &b, u(1), eth(500), eth(50), u(7));
        mock_mint(&host, OWNER, 1);
        let fee = pricing::commission(eth(1), u(commission)).unwrap();
        mock_eth(&host, POOL, eth(1), true);
        mock_eth(&host, DEST, fee, true);
        assert_eq!(send(&host, &mut cover, &b, eth(1) + fee), Ok(u(1)));
        if commission == 3_000 {
            // 30 % of the gross: 1 / 0.7 − 1 = 0.428571… ETH.
            assert_eq!(fee, u(428_571_428_571_428_571));
        }
    }
    // Eight pools is the most.
    let (host, mut cover) = wired();
    let pools: Vec<(U256, U256)> = (1..=8).map(|p| (u(p), eth(1))).collect();
    let b = Buy {
        amount: eth(8),
        pools,
        commission_bps: U256::ZERO,
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    for p in 1..=8 {
        mock_allocation(&host, &b, u(p), eth(50), U256::ZERO, u(p));
    }
    mock_mint(&host, OWNER, 1);
    assert_eq!(send(&host, &mut cover, &b, U256::ZERO), Ok(u(1)));
    assert_eq!(cover.cover_allocations(u(1)).unwrap().len(), 8);
}

#[test]
fn callee_reverts_are_passed_on_before_any_effect() {
    let (host, mut cover) = wired();
    let b = buy();
    mock_catalogue(&host, &b, Err(vec![0xca, 0x7a]));
    assert_reverts(&host, vec![0xca, 0x7a], || {
        send(&host, &mut cover, &b, eth(2))
    });
    mock_catalogue(&host, &b, Ok(terms()));
    host.mock_call(
        RAMM_ADDRESS,
        IRamm::getInternalPriceAndUpdateTwapCall {}.abi_encode(),
        U256::ZERO,
        Err(vec![0x4a]),
    );
    assert_reverts(&host, vec![0x4a], || send(&host, &mut cover, &b, eth(2)));
    host.mock_call(
        RAMM_ADDRESS,
        IRamm::getInternalPriceAndUpdateTwapCall {}.abi_encode(),
        U256::ZERO,
        Ok(words(&[price()])),
    );
    host.mock_call(
        STAKING,
        allocation_call(&b, u(1), eth(500)),
        U256::ZERO,
        Err(vec![0x5b]),
    );
    assert_reverts(&host, vec![0x5b], || send(&host, &mut cover, &b, eth(2)));
    mock_allocation(&host, &b, u(1), eth(500), eth(50), u(7));
    host.mock_call(
        NFT,
        IPositionNft::mintCall { to: OWNER }.abi_encode(),
        U256::ZERO,
        Err(vec![0x6c]),
    );
    assert_reverts(&host, vec![0x6c], || send(&host, &mut cover, &b, eth(2)));
    // A callee that answers too little is refused (an empty revert).
    host.mock_call(
        NFT,
        IPositionNft::mintCall { to: OWNER }.abi_encode(),
        U256::ZERO,
        Ok(vec![]),
    );
    assert_reverts(&host, vec![], || send(&host, &mut cover, &b, eth(2)));
}

#[test]
fn the_pools_must_cover_the_amount() {
    let (host, mut cover) = wired();
    // 10 ETH asked from the pool, 10 ETH + 1 wei of cover: 500 NXM covers exactly 10 ETH.
    let b = Buy {
        amount: eth(10) + u(1),
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    mock_allocation(&host, &b, u(1), eth(500), eth(50), u(7));
    assert_reverts(
        &host,
        InsufficientCoverAmountAllocated {
            allocatedAmount: eth(10),
            amount: eth(10) + u(1),
        }
        .abi_encode(),
        || send(&host, &mut cover, &b, eth(2)),
    );
}

#[test]
fn the_price_is_capped_and_must_be_paid() {
    let (host, mut cover) = wired();
    let total = eth(1) + one_eth_commission();
    let b = Buy {
        max_premium: total - u(1),
        ..buy()
    };
    mock_standard(&host, &b, 1, eth(2));
    assert_reverts(
        &host,
        PriceExceedsMaxPremiumInAsset {
            premiumWithCommission: total,
            maxPremiumInAsset: total - u(1),
        }
        .abi_encode(),
        || send(&host, &mut cover, &b, eth(2)),
    );
    let b = Buy {
        max_premium: total,
        ..buy()
    };
    mock_standard(&host, &b, 1, total);
    assert_reverts(
        &host,
        InsufficientEthSent {
            valueEth: total - u(1),
            neededEth: total,
        }
        .abi_encode(),
        || send(&host, &mut cover, &b, total - u(1)),
    );
    assert_eq!(send(&host, &mut cover, &b, total), Ok(u(1)));
}

#[test]
fn failed_eth_transfers_revert_with_their_recipient() {
    let commission = one_eth_commission();
    for (to, amount) in [
        (POOL, eth(1)),
        (DEST, commission),
        (BUYER, eth(1) - commission),
    ] {
        let (host, mut cover) = wired();
        mock_standard(&host, &buy(), 1, eth(2));
        mock_eth(&host, to, amount, false);
        assert_eq!(
            send(&host, &mut cover, &buy(), eth(2)),
            Err(EthTransferFailed {
                to,
                amountEth: amount
            }
            .abi_encode())
        );
    }
}

// --- paying in NXM, NXM cover ---

#[test]
fn eth_cover_paid_in_nxm_burns_the_premium_and_moves_the_commission() {
    let (host, mut cover) = wired();
    let b = Buy {
        payment: u(255),
        max_premium: eth(60),
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    mock_allocation(&host, &b, u(1), eth(500), eth(50), u(7));
    mock_mint(&host, OWNER, 1);
    // 50 NXM premium; commission 50 · 10 000 / 9 000 − 50 = 5.555… NXM.
    let commission = u(5_555_555_555_555_555_555);
    let burn = INxmToken::operatorBurnCall {
        from: BUYER,
        amountNxm: eth(50),
    }
    .abi_encode();
    let transfer = INxmToken::operatorTransferCall {
        from: BUYER,
        to: DEST,
        amountNxm: commission,
    }
    .abi_encode();
    host.mock_call(TOKEN, burn.clone(), U256::ZERO, Ok(vec![]));
    host.mock_call(TOKEN, transfer.clone(), U256::ZERO, Ok(vec![]));
    host.clear_made();
    assert_eq!(send(&host, &mut cover, &b, U256::ZERO), Ok(u(1)));
    let made = host.made();
    assert_eq!(made[made.len() - 2].1, burn);
    assert_eq!(made[made.len() - 1].1, transfer);
    let bought: CoverBought = last_log(&host);
    assert_eq!(
        (
            bought.paymentAsset,
            bought.premiumInPaymentAsset,
            bought.commission
        ),
        (u(255), eth(50), commission)
    );
    // The max premium is in NXM here.
    let b = Buy {
        max_premium: eth(55),
        ..b
    };
    assert_reverts(
        &host,
        PriceExceedsMaxPremiumInAsset {
            premiumWithCommission: eth(50) + commission,
            maxPremiumInAsset: eth(55),
        }
        .abi_encode(),
        || send(&host, &mut cover, &b, U256::ZERO),
    );
    // The token's revert (a non-member destination, a short balance, the pause) is passed on.
    host.mock_call(TOKEN, transfer, U256::ZERO, Err(vec![0x11]));
    let b = Buy {
        max_premium: eth(60),
        ..b
    };
    mock_mint(&host, OWNER, 2);
    assert_eq!(send(&host, &mut cover, &b, U256::ZERO), Err(vec![0x11]));
}

#[test]
fn nxm_cover_needs_no_ramm_and_counts_at_the_last_eth_price() {
    let (host, mut cover) = wired();
    // 100 NXM of NXM cover: the price is 1, nothing asks the RAMM.
    let b = Buy {
        asset: u(255),
        payment: u(255),
        amount: eth(100),
        pools: vec![(u(1), eth(100))],
        commission_bps: U256::ZERO,
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    mock_allocation(&host, &b, u(1), eth(100), eth(2), u(3));
    mock_mint(&host, OWNER, 1);
    host.mock_call(
        TOKEN,
        INxmToken::operatorBurnCall {
            from: BUYER,
            amountNxm: eth(2),
        }
        .abi_encode(),
        U256::ZERO,
        Ok(vec![]),
    );
    host.clear_made();
    assert_eq!(send(&host, &mut cover, &b, U256::ZERO), Ok(u(1)));
    assert!(host.made().iter().all(|call| call.0 != RAMM_ADDRESS));
    assert_eq!(cover.active_cover(u(255)), eth(100));
    // No purchase in ETH yet: no price to count NXM cover in ETH.
    assert_eq!(Some(cover.total_active_cover_eth()), Some(U256::ZERO));
    // An ETH purchase at 0.02 ETH/NXM: 10 ETH + 100 NXM · 0.02 = 12 ETH.
    mock_standard(&host, &buy(), 2, eth(2));
    assert_eq!(send(&host, &mut cover, &buy(), eth(2)), Ok(u(2)));
    assert_eq!(Some(cover.total_active_cover_eth()), Some(eth(12)));
    assert_eq!(cover.active_cover(u(1)), U256::ZERO);
    assert_eq!(cover.active_cover(U256::MAX), U256::ZERO);
}

// --- active cover buckets ---

#[test]
fn active_cover_leaves_at_its_bucket_lazily() {
    let (host, mut cover) = bought();
    // Cover 1 ends at START + 100 days, in bucket ceil(end / 7 days).
    let end = START + 100 * DAY;
    let bucket = end.div_ceil(WEEK);
    host.vm.set_block_timestamp(bucket * WEEK - 1);
    assert_eq!(cover.active_cover(U256::ZERO), eth(10));
    // Once the current bucket reaches it, the view drops it without writing.
    host.vm.set_block_timestamp(bucket * WEEK);
    let before = storage(&host);
    assert_eq!(cover.active_cover(U256::ZERO), U256::ZERO);
    assert_eq!(Some(cover.total_active_cover_eth()), Some(U256::ZERO));
    assert_eq!(storage(&host), before);
    // A purchase processes the buckets: the stored total drops, the new cover adds.
    let b = buy();
    mock_standard(&host, &b, 2, eth(2));
    assert_eq!(send(&host, &mut cover, &b, eth(2)), Ok(u(2)));
    let word = cover.record(ACTIVE, U256::ZERO);
    assert_eq!(
        (bits(word, 0, 192), bits(word, 192, 64)),
        (eth(10), u(bucket))
    );
    assert_eq!(cover.active_cover(U256::ZERO), eth(10));
    // Expiring cover 1 now leaves active cover alone (its bucket took it out already).
    host.mock_call(
        STAKING,
        deallocation(1, u(7), U256::ZERO),
        U256::ZERO,
        Ok(vec![]),
    );
    assert!(cover.expire_cover(u(1)).is_ok());
    assert_eq!(cover.active_cover(U256::ZERO), eth(10));
}

// --- expiry ---

fn deallocation(cover_id: u64, allocation: U256, premium: U256) -> Vec<u8> {
    let _ = cover_id;
    IStakingPool::requestDeallocationCall {
        poolId: u(1),
        allocationId: allocation,
        premiumNxm: premium,
        startSecs: u(START),
        periodSecs: u(100 * DAY),
        gracePeriodSecs: u(GRACE),
    }
    .abi_encode()
}

#[test]
fn expire_cover_after_the_end_once() {
    let (host, mut cover) = bought();
    let end = START + 100 * DAY;
    host.vm.set_block_timestamp(end - 1);
    assert_reverts(
        &host,
        CoverNotYetExpired {
            coverId: u(1),
            endSecs: u(end),
        }
        .abi_encode(),
        || cover.expire_cover(u(1)).map_err(Vec::from),
    );
    assert_reverts(&host, CoverNotFound { coverId: u(2) }.abi_encode(), || {
        cover.expire_cover(u(2)).map_err(Vec::from)
    });
    host.vm.set_block_timestamp(end);
    // The pool's revert (its bucket freed the allocation already) is passed on.
    host.mock_call(
        STAKING,
        deallocation(1, u(7), U256::ZERO),
        U256::ZERO,
        Err(vec![0xad]),
    );
    assert_eq!(cover.expire_cover(u(1)).map_err(Vec::from), Err(vec![0xad]));
    let (host, mut cover) = bought();
    host.vm.set_block_timestamp(end);
    host.vm.set_sender(STRANGER);
    host.mock_call(
        STAKING,
        deallocation(1, u(7), U256::ZERO),
        U256::ZERO,
        Ok(vec![]),
    );
    host.clear_made();
    assert!(cover.expire_cover(u(1)).is_ok());
    assert_eq!(host.made().len(), 1);
    assert_eq!(last_log::<CoverExpired>(&host).coverId, u(1));
    // Its bucket is not processed yet (the cover ended inside the current bucket): it leaves
    // active cover now.
    assert_eq!(cover.active_cover(U256::ZERO), U256::ZERO);
    assert_eq!(bits(cover.record(ACTIVE, U256::ZERO), 0, 192), U256::ZERO);
    assert_reverts(
        &host,
        CoverAlreadyExpired { coverId: u(1) }.abi_encode(),
        || cover.expire_cover(u(1)).map_err(Vec::from),
    );
}

// --- edits ---

/// Cover 1 edited 25 days in: cover 2 (12 ETH, 100 days, 60 NXM premium on pool 1,
/// allocation 8), paid in ETH.
fn edit() -> Buy {
    Buy {
        cover_id: u(1),
        amount: eth(12),
        pools: vec![(u(1), eth(12))],
        ..buy()
    }
}

fn mock_approved(host: &MockHost, caller: Address, id: u64, approved: bool) {
    host.mock_static(
        NFT,
        IPositionNft::isApprovedOrOwnerCall {
            spender: caller,
            tokenId: u(id),
        }
        .abi_encode(),
        Ok(words(&[U256::from(u8::from(approved))])),
    );
}

#[test]
fn an_edit_credits_the_unused_premium_and_replaces_the_cover() {
    let (host, mut cover) = bought();
    let now = START + 25 * DAY;
    host.vm.set_block_timestamp(now);
    let b = edit();
    mock_approved(&host, BUYER, 1, true);
    mock_catalogue(&host, &b, Ok(terms()));
    host.mock_call(
        STAKING,
        deallocation(1, u(7), eth(50)),
        U256::ZERO,
        Ok(vec![]),
    );
    mock_allocation(&host, &b, u(1), eth(600), eth(60), u(8));
    mock_mint(&host, OWNER, 2);
    // Credit: 50 NXM · 75 / 100 = 37.5 NXM; due 60 − 37.5 = 22.5 NXM = 0.45 ETH.
    let due = u(450_000_000_000_000_000);
    let commission = pricing::commission(due, u(1_000)).unwrap();
    assert_eq!(commission, u(50_000_000_000_000_000));
    mock_eth(&host, POOL, due, true);
    mock_eth(&host, DEST, commission, true);
    host.clear_made();
    assert_eq!(send(&host, &mut cover, &b, due + commission), Ok(u(2)));
    // The old allocation was freed (with its premium) before the new one was asked for.
    let order: Vec<Vec<u8>> = made_summary(&host).into_iter().map(|c| c.1).collect();
    assert_eq!(
        order,
        vec![
            sel::<INxmToken::isMemberCall>(),
            sel::<IPositionNft::isApprovedOrOwnerCall>(),
            sel::<ICoverProducts::productForCoverCall>(),
            sel::<IRamm::getInternalPriceAndUpdateTwapCall>(),
            sel::<IStakingPool::requestDeallocationCall>(),
            sel::<IStakingPool::requestAllocationCall>(),
            sel::<IPositionNft::mintCall>(),
            vec![],
            vec![],
        ]
    );
    // Cover 1 ends now; cover 2 is the chain's latest.
    assert_eq!(
        cover.cover(u(1)),
        Some((
            u(PRODUCT),
            U256::ZERO,
            eth(10),
            u(START),
            u(25 * DAY),
            u(GRACE),
            u(1),
            u(2)
        ))
    );
    assert_eq!(
        cover.cover(u(2)),
        Some((
            u(PRODUCT),
            U256::ZERO,
            eth(12),
            u(now),
            u(100 * DAY),
            u(GRACE),
            u(1),
            u(2)
        ))
    );
    assert_eq!(cover.active_cover(U256::ZERO), eth(12));
    let bought: CoverBought = last_log(&host);
    assert_eq!(
        (
            bought.coverId,
            bought.originalCoverId,
            bought.premiumInPaymentAsset,
            bought.commission
        ),
        (u(2), u(1), due, commission)
    );
    // The replaced cover counts as expired.
    assert_reverts(
        &host,
        CoverAlreadyExpired { coverId: u(1) }.abi_encode(),
        || cover.expire_cover(u(1)).map_err(Vec::from),
    );
    // Only the original id edits the chain.
    assert_reverts(
        &host,
        MustBeOriginalCoverId {
            coverId: u(2),
            originalCoverId: u(1),
        }
        .abi_encode(),
        || {
            send(
                &host,
                &mut cover,
                &Buy {
                    cover_id: u(2),
                    ..edit()
                },
                eth(1),
            )
        },
    );
}

#[test]
fn a_second_edit_replaces_the_latest_cover() {
    let (host, mut cover) = bought();
    host.vm.set_block_timestamp(START + 25 * DAY);
    let b = Buy {
        commission_bps: U256::ZERO,
        destination: Address::ZERO,
        ..edit()
    };
    mock_approved(&host, BUYER, 1, true);
    mock_catalogue(&host, &b, Ok(terms()));
    host.mock_call(
        STAKING,
        deallocation(1, u(7), eth(50)),
        U256::ZERO,
        Ok(vec![]),
    );
    mock_allocation(&host, &b, u(1), eth(600), eth(60), u(8));
    mock_mint(&host, OWNER, 2);
    let due = u(450_000_000_000_000_000);
    mock_eth(&host, POOL, due, true);
    assert_eq!(send(&host, &mut cover, &b, due), Ok(u(2)));
    // Ten days later: cover 2 (60 NXM over 100 days, 10 days used) is replaced by cover 3
    // whose 30 NXM premium is below the 54 NXM credit: nothing is due, the ETH sent comes back.
    let now = START + 35 * DAY;
    host.vm.set_block_timestamp(now);
    let third = Buy {
        amount: eth(5),
        pools: vec![(u(1), eth(5))],
        ..b.clone()
    };
    mock_catalogue(&host, &third, Ok(terms()));
    host.mock_call(
        STAKING,
        IStakingPool::requestDeallocationCall {
            poolId: u(1),
            allocationId: u(8),
            premiumNxm: eth(60),
            startSecs: u(START + 25 * DAY),
            periodSecs: u(100 * DAY),
            gracePeriodSecs: u(GRACE),
        }
        .abi_encode(),
        U256::ZERO,
        Ok(vec![]),
    );
    mock_allocation(&host, &third, u(1), eth(250), eth(30), u(9));
    mock_mint(&host, OWNER, 3);
    mock_eth(&host, BUYER, eth(1), true);
    host.clear_made();
    assert_eq!(send(&host, &mut cover, &third, eth(1)), Ok(u(3)));
    assert_eq!(
        host.made().last().map(|c| (c.0, c.2)),
        Some((BUYER, eth(1)))
    );
    let bought: CoverBought = last_log(&host);
    assert_eq!(
        (bought.premiumInPaymentAsset, bought.commission),
        (U256::ZERO, U256::ZERO)
    );
    assert_eq!(cover.cover(u(1)).unwrap().7, u(3));
    assert_eq!(cover.cover(u(2)).unwrap().4, u(10 * DAY));
    assert_eq!(cover.cover(u(3)).unwrap().6, u(1));
    assert_eq!(cover.active_cover(U256::ZERO), eth(5));
}

#[test]
fn edit_checks() {
    let (host, mut cover) = bought();
    host.vm.set_block_timestamp(START + 25 * DAY);
    assert_reverts(&host, CoverNotFound { coverId: u(9) }.abi_encode(), || {
        send(
            &host,
            &mut cover,
            &Buy {
                cover_id: u(9),
                ..edit()
            },
            eth(1),
        )
    });
    mock_approved(&host, BUYER, 1, false);
    assert_reverts(
        &host,
        OnlyOwnerOrApproved {
            caller: BUYER,
            coverId: u(1),
        }
        .abi_encode(),
        || send(&host, &mut cover, &edit(), eth(1)),
    );
    mock_approved(&host, BUYER, 1, true);
    assert_reverts(
        &host,
        CoverAssetMismatch {
            coverAsset: u(255),
            originalCoverAsset: U256::ZERO,
        }
        .abi_encode(),
        || {
            send(
                &host,
                &mut cover,
                &Buy {
                    asset: u(255),
                    payment: u(255),
                    ..edit()
                },
                U256::ZERO,
            )
        },
    );
    host.vm.set_block_timestamp(START + 100 * DAY);
    assert_reverts(
        &host,
        ExpiredCoversCannotBeEdited { coverId: u(1) }.abi_encode(),
        || send(&host, &mut cover, &edit(), eth(1)),
    );
    // Expired by `expireCover` before its end cannot happen; after it, the same error.
    host.mock_call(
        STAKING,
        deallocation(1, u(7), U256::ZERO),
        U256::ZERO,
        Ok(vec![]),
    );
    assert!(cover.expire_cover(u(1)).is_ok());
    assert_reverts(
        &host,
        ExpiredCoversCannotBeEdited { coverId: u(1) }.abi_encode(),
        || send(&host, &mut cover, &edit(), eth(1)),
    );
}

// --- stake burns for claim payouts ---

fn burn_call(burn: U256, dealloc: U256) -> Vec<u8> {
    IStakingPool::burnStakeCall {
        poolId: u(1),
        allocationId: u(7),
        burnNxm: burn,
        deallocateNxm: dealloc,
    }
    .abi_encode()
}

#[test]
fn burn_stake_is_for_the_claims_contract_and_the_cover_left() {
    let (host, mut cover) = bought();
    assert_reverts(&host, Unauthorized { caller: BUYER }.abi_encode(), || {
        cover.burn_stake(u(1), eth(1)).map_err(Vec::from)
    });
    host.vm.set_sender(CLAIMS_ADDRESS);
    assert_reverts(&host, CoverNotFound { coverId: u(2) }.abi_encode(), || {
        cover.burn_stake(u(2), eth(1)).map_err(Vec::from)
    });
    assert_reverts(
        &host,
        PayoutExceedsCover {
            payoutInAsset: eth(10) + u(1),
            remainingAmount: eth(10),
        }
        .abi_encode(),
        || cover.burn_stake(u(1), eth(10) + u(1)).map_err(Vec::from),
    );
    // No claims contract: nobody.
    host.vm.set_sender(GOVERNANCE);
    assert!(cover
        .set_contracts(
            TOKEN,
            RAMM_ADDRESS,
            POOL,
            PRODUCTS,
            STAKING,
            NFT,
            Address::ZERO
        )
        .is_ok());
    host.vm.set_sender(Address::ZERO);
    assert_reverts(
        &host,
        Unauthorized {
            caller: Address::ZERO,
        }
        .abi_encode(),
        || cover.burn_stake(u(1), eth(1)).map_err(Vec::from),
    );
}

#[test]
fn burn_stake_shrinks_the_cover_pro_rata() {
    let (host, mut cover) = bought();
    host.vm.set_sender(CLAIMS_ADDRESS);
    // 2 ETH of 10: 100 of the 500 NXM freed, 50 burned; the premium keeps 80 %: 40 NXM.
    host.mock_call(
        STAKING,
        burn_call(eth(50), eth(100)),
        U256::ZERO,
        Ok(words(&[eth(50)])),
    );
    host.clear_made();
    assert!(cover.burn_stake(u(1), eth(2)).is_ok());
    assert_eq!(host.made().len(), 1);
    assert_eq!(cover.cover(u(1)).unwrap().2, eth(8));
    assert_eq!(
        cover.cover_allocations(u(1)),
        Some(vec![(u(1), eth(400), eth(40), u(7))])
    );
    assert_eq!(cover.active_cover(U256::ZERO), eth(8));
    let burned: StakeBurnedForPayout = last_log(&host);
    assert_eq!(
        (burned.coverId, burned.payoutInAsset, burned.remainingAmount),
        (u(1), eth(2), eth(8))
    );
    // In the grace period (the cover ended): the stake burns, nothing is freed; 4 of 8 ETH:
    // 200 NXM of 400 → 100 burned. The cover's bucket is not reached yet: it still counts, and
    // drops by the payout.
    host.vm.set_block_timestamp(START + 100 * DAY);
    host.mock_call(
        STAKING,
        burn_call(eth(100), U256::ZERO),
        U256::ZERO,
        Ok(words(&[eth(100)])),
    );
    assert!(cover.burn_stake(u(1), eth(4)).is_ok());
    assert_eq!(
        cover.cover_allocations(u(1)),
        Some(vec![(u(1), eth(200), eth(20), u(7))])
    );
    assert_eq!(cover.active_cover(U256::ZERO), eth(4));
    // Expired: it left active cover; a later payout leaves active cover alone.
    host.mock_call(
        STAKING,
        deallocation(1, u(7), U256::ZERO),
        U256::ZERO,
        Ok(vec![]),
    );
    assert!(cover.expire_cover(u(1)).is_ok());
    assert_eq!(cover.active_cover(U256::ZERO), U256::ZERO);
    assert_eq!(bits(cover.record(ACTIVE, U256::ZERO), 0, 192), U256::ZERO);
    host.mock_call(
        STAKING,
        burn_call(eth(100), U256::ZERO),
        U256::ZERO,
        Ok(vec![]),
    );
    assert!(cover.burn_stake(u(1), eth(4)).is_ok());
    assert_eq!(cover.cover(u(1)).unwrap().2, U256::ZERO);
    assert_eq!(
        cover.cover_allocations(u(1)),
        Some(vec![(u(1), U256::ZERO, U256::ZERO, u(7))])
    );
    assert_eq!(cover.active_cover(U256::ZERO), U256::ZERO);
    // The pools' revert is passed on.
    let (host, mut cover) = bought();
    host.vm.set_sender(CLAIMS_ADDRESS);
    host.mock_call(
        STAKING,
        burn_call(eth(50), eth(100)),
        U256::ZERO,
        Err(vec![0x99]),
    );
    assert_eq!(
        cover.burn_stake(u(1), eth(2)).map_err(Vec::from),
        Err(vec![0x99])
    );
}

// --- the raw records view ---

#[test]
fn records_answers_each_key_with_its_stored_word() {
    let (_host, cover) = bought();
    let key = cover_records::key;
    let keys = vec![
        cover_records::header_key(cover_records::GOVERNANCE),
        cover_records::header_key(cover_records::NXM_TOKEN),
        cover_records::header_key(cover_records::CLAIMS),
        // Beyond the eight header words, and a header index that does not fit a usize.
        cover_records::header_key(8),
        (U256::from(1u8) << 191) | u(1),
        key(cover_records::COVER, u(1)),
        key(
            cover_records::ALLOCATION,
            cover_records::allocation_id(u(1), 0),
        ),
        key(cover_records::LINKS, u(1)),
        key(cover_records::ACTIVE, U256::ZERO),
        key(cover_records::COVER, u(2)),
        key(200, u(1)),
    ];
    let words = cover.records(keys.clone());
    assert_eq!(words.len(), keys.len());
    assert_eq!(cover_records::address_of(words[0]), GOVERNANCE);
    assert_eq!(
        (
            cover_records::address_of(words[1]),
            cover_records::day_secs(words[1]),
            cover_records::cover_count(words[1])
        ),
        (TOKEN, DAY, u(1))
    );
    assert_eq!(cover_records::address_of(words[2]), CLAIMS_ADDRESS);
    assert_eq!((words[3], words[4]), (U256::ZERO, U256::ZERO));
    let stored = cover_records::CoverRecord::decode(words[5]);
    assert_eq!(
        (stored.amount, stored.start, stored.count, stored.expired),
        (eth(10), START, 1, false)
    );
    let allocation = cover_records::AllocationRecord::decode(words[6]);
    assert_eq!(
        (
            allocation.pool_id,
            allocation.cover_amount_nxm,
            allocation.allocation_id
        ),
        (u(1), eth(500), u(7))
    );
    // Never edited: no links; active cover 10 ETH; no cover 2; no such kind.
    assert_eq!(words[7], U256::ZERO);
    assert_eq!(cover_records::active(words[8]).0, eth(10));
    assert_eq!((words[9], words[10]), (U256::ZERO, U256::ZERO));
    assert!(cover.records(vec![]).is_empty());
}

#[test]
fn views_of_a_missing_cover_are_none() {
    let (_host, cover) = bought();
    assert_eq!(cover.cover(u(2)), None);
    assert_eq!(cover.cover_allocations(u(2)), None);
    assert_eq!(cover.cover(U256::ZERO), None);
    assert!(cover.cover(u(1)).is_some());
}

// --- the ABI through the hand router ---

/// What the SDK's `router_entrypoint` does with `calldata` (a selector and arguments): the typed
/// routes first (the contract has none), then the fallback ([`Cover::route`]).
fn routed(cover: &mut Cover, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
    if let Some(selector) = calldata.get(..4) {
        let selector = u32::from_be_bytes(selector.try_into().unwrap());
        assert!(
            <Cover as Router<Cover>>::route(cover, selector, &calldata[4..]).is_none(),
            "only the fallback routes"
        );
    }
    <Cover as Router<Cover>>::fallback(cover, calldata).expect("the contract has a fallback")
}

/// `call` sent by `from` with `value` through the router, its answer decoded as the ABI says.
fn route<C: SolCall>(
    cover: &mut Cover,
    host: &MockHost,
    from: Address,
    value: U256,
    call: C,
) -> Result<C::Return, Vec<u8>> {
    host.vm.set_sender(from);
    host.vm.set_value(value);
    let output = routed(cover, &call.abi_encode());
    host.vm.set_value(U256::ZERO);
    output.map(|returned| C::abi_decode_returns(&returned).expect("return data matches the ABI"))
}

/// `calldata` through the router by `from` with `value`, which must revert with empty data
/// (undecodable, unknown or unpaid) and change nothing.
fn assert_refused(cover: &mut Cover, host: &MockHost, value: U256, calldata: &[u8]) {
    host.vm.set_value(value);
    assert_reverts(host, vec![], || routed(cover, calldata));
    host.vm.set_value(U256::ZERO);
}

#[test]
fn routes_every_declared_selector() {
    let (host, mut cover) = wired();
    // Each selector with zero words for its arguments (a valid encoding of every one: the
    // offsets point at zero lengths) reaches its function: an answer, or that function's error.
    let zeros = [0u8; 32 * 12];
    for selector in ICoverCalls::SELECTORS {
        let calldata = [&selector[..], &zeros].concat();
        let answer = routed(&mut cover, &calldata);
        assert_ne!(
            answer,
            Err(vec![]),
            "selector {selector:02x?} is not routed"
        );
    }
    assert_eq!(ICoverCalls::SELECTORS.len(), 10);
    let sender = |account| Unauthorized { caller: account }.abi_encode();
    let call =
        |cover: &mut Cover, selector: [u8; 4]| routed(cover, &[&selector[..], &zeros].concat());
    assert_eq!(
        call(&mut cover, ICover::buyCoverCall::SELECTOR),
        Err(CoverPeriodTooShort {
            periodSecs: U256::ZERO
        }
        .abi_encode())
    );
    assert_eq!(
        call(&mut cover, ICover::expireCoverCall::SELECTOR),
        Err(CoverNotFound {
            coverId: U256::ZERO
        }
        .abi_encode())
    );
    for selector in [
        ICover::burnStakeCall::SELECTOR,
        ICover::setContractsCall::SELECTOR,
        ICover::setGovernanceCall::SELECTOR,
    ] {
        assert_eq!(call(&mut cover, selector), Err(sender(BUYER)));
    }
    // An unknown selector, and calldata too short for one, are refused.
    assert_refused(&mut cover, &host, U256::ZERO, &[0xde, 0xad, 0xbe, 0xef]);
    assert_refused(&mut cover, &host, U256::ZERO, &[0xde, 0xad, 0xbe]);
    assert_refused(&mut cover, &host, U256::ZERO, &[]);
}

#[test]
fn only_buy_cover_takes_eth() {
    let (host, mut cover) = bought();
    host.vm.set_sender(GOVERNANCE);
    let calls = [
        ICover::expireCoverCall { coverId: u(1) }.abi_encode(),
        ICover::burnStakeCall {
            coverId: u(1),
            payoutInAsset: u(1),
        }
        .abi_encode(),
        ICover::setContractsCall {
            nxmToken: TOKEN,
            ramm: RAMM_ADDRESS,
            capitalPool: POOL,
            coverProducts: PRODUCTS,
            stakingPool: STAKING,
            coverNft: NFT,
            claims: CLAIMS_ADDRESS,
        }
        .abi_encode(),
        ICover::setGovernanceCall {
            newGovernance: BUYER,
        }
        .abi_encode(),
        ICover::recordsCall { keys: vec![u(1)] }.abi_encode(),
        ICover::coverCountCall {}.abi_encode(),
        ICover::totalActiveCoverEthCall {}.abi_encode(),
        ICover::contractsCall {}.abi_encode(),
        ICover::governanceCall {}.abi_encode(),
    ];
    for calldata in &calls {
        assert_refused(&mut cover, &host, u(1), calldata);
    }
    // Without ETH, governance's calls go through.
    assert_eq!(routed(&mut cover, &calls[3]), Ok(vec![]));
    assert_eq!(cover.governance(), BUYER);
}

#[test]
fn truncated_and_malformed_arguments_are_refused() {
    let (host, mut cover) = bought();
    host.vm.set_sender(GOVERNANCE);
    // Every argument word of the static calls is needed.
    let statics = [
        ICover::expireCoverCall { coverId: u(1) }.abi_encode(),
        ICover::burnStakeCall {
            coverId: u(1),
            payoutInAsset: u(1),
        }
        .abi_encode(),
        ICover::setGovernanceCall {
            newGovernance: BUYER,
        }
        .abi_encode(),
        ICover::setContractsCall {
            nxmToken: TOKEN,
            ramm: RAMM_ADDRESS,
            capitalPool: POOL,
            coverProducts: PRODUCTS,
            stakingPool: STAKING,
            coverNft: NFT,
            claims: CLAIMS_ADDRESS,
        }
        .abi_encode(),
    ];
    for calldata in &statics {
        assert_refused(
            &mut cover,
            &host,
            U256::ZERO,
            &calldata[..calldata.len() - 1],
        );
    }
    // An address with any of its upper 96 bits set is not an address.
    for word in 0..7 {
        let mut calldata = statics[3].clone();
        calldata[4 + 32 * word + 11] = 1;
        assert_refused(&mut cover, &host, U256::ZERO, &calldata);
    }
    let mut calldata = statics[2].clone();
    calldata[4] = 0x80;
    assert_refused(&mut cover, &host, U256::ZERO, &calldata);
    // Extra bytes after the arguments are ignored (as by the SDK's decoder).
    let mut calldata = statics[2].clone();
    calldata.extend_from_slice(&[0xff; 7]);
    assert_eq!(routed(&mut cover, &calldata), Ok(vec![]));
    assert_eq!(cover.governance(), BUYER);
}

#[test]
fn records_are_routed_as_a_dynamic_array() {
    let (host, mut cover) = bought();
    let keys = vec![
        cover_records::header_key(cover_records::NXM_TOKEN),
        cover_records::key(cover_records::COVER, u(1)),
        cover_records::key(cover_records::COVER, u(2)),
    ];
    let call = ICover::recordsCall { keys: keys.clone() };
    assert_eq!(
        route(&mut cover, &host, STRANGER, U256::ZERO, call.clone()).ok(),
        Some(cover.records(keys.clone()))
    );
    assert_eq!(
        route(
            &mut cover,
            &host,
            STRANGER,
            U256::ZERO,
            ICover::recordsCall { keys: vec![] }
        )
        .ok(),
        Some(vec![])
    );
    // The array may sit anywhere its offset says (here after a gap of one word).
    let mut moved = ICover::recordsCall::SELECTOR.to_vec();
    moved.extend_from_slice(&words(&[u(64), U256::MAX, u(1), keys[1]]));
    let answer = routed(&mut cover, &moved).unwrap();
    assert_eq!(
        ICover::recordsCall::abi_decode_returns(&answer).unwrap(),
        vec![cover.records(vec![keys[1]])[0]]
    );
    // An offset or a length beyond the data is refused.
    let encoded = call.abi_encode();
    for (word, value) in [(0, u(4 * 32)), (0, U256::MAX), (1, u(4)), (1, U256::MAX)] {
        let mut calldata = encoded.clone();
        calldata[4 + 32 * word..4 + 32 * word + 32].copy_from_slice(&value.to_be_bytes::<32>());
        assert_refused(&mut cover, &host, U256::ZERO, &calldata);
    }
    assert_refused(&mut cover, &host, U256::ZERO, &encoded[..encoded.len() - 1]);
}

/// `buyCover` calldata with `text` as the ipfs data's bytes (any bytes, not only UTF-8), in the
/// standard layout: the params tuple's offset, the pools' offset, the tuple, its string, the
/// pools.
fn buy_calldata(b: &Buy, text: &[u8]) -> Vec<u8> {
    let p = b.params();
    let mut head = vec![
        p.0,
        address_word(p.1),
        p.2,
        p.3,
        p.4,
        p.5,
        p.6,
        p.7,
        p.8,
        address_word(p.9),
        u(11 * 32),
        U256::from(text.len()),
    ];
    let tuple_words = head.len() + text.len().div_ceil(32);
    let mut data = ICover::buyCoverCall::SELECTOR.to_vec();
    data.extend_from_slice(&words(&[u(64), u(64 + 32 * tuple_words as u64)]));
    data.extend_from_slice(&words(&head));
    data.extend_from_slice(text);
    data.resize(data.len() + text.len().div_ceil(32) * 32 - text.len(), 0);
    head.clear();
    head.push(U256::from(b.pools.len()));
    for &(pool, amount) in &b.pools {
        head.extend([pool, amount]);
    }
    data.extend_from_slice(&words(&head));
    data
}

#[test]
fn buy_cover_calldata_decodes_as_the_abi_encodes_it() {
    let b = Buy {
        pools: vec![(u(1), eth(4)), (u(2), eth(6))],
        ..buy()
    };
    let call = ICover::buyCoverCall {
        params: b.abi_params(),
        poolAllocations: b.pools.clone(),
    };
    let encoded = call.abi_encode();
    assert_eq!(buy_calldata(&b, IPFS.as_bytes()), encoded);
    assert_eq!(
        Args(&encoded[4..]).buy_cover(),
        Some((b.params(), b.pools.clone()))
    );
    // Any bytes pass through (the event logs them back as they came); an empty string too.
    let odd = [0xff, 0x00, 0xc3];
    let decoded = Args(&buy_calldata(&b, &odd)[4..]).buy_cover().unwrap();
    assert_eq!(decoded.0 .10, odd.to_vec());
    let decoded = Args(&buy_calldata(&b, b"")[4..]).buy_cover().unwrap();
    assert_eq!(decoded.0 .10, Vec::<u8>::new());
    // The pools before the tuple (offsets say where each is): the same request.
    let mut swapped = ICover::buyCoverCall::SELECTOR.to_vec();
    let pools_words = 1 + 2 * b.pools.len() as u64;
    swapped.extend_from_slice(&words(&[u(64 + 32 * pools_words), u(64)]));
    let standard = &encoded[4..];
    let tuple_at = 64;
    let pools_at = usize::try_from(U256::from_be_slice(&standard[32..64])).unwrap();
    swapped.extend_from_slice(&standard[pools_at..]);
    swapped.extend_from_slice(&standard[tuple_at..pools_at]);
    assert_eq!(
        Args(&swapped[4..]).buy_cover(),
        Some((b.params(), b.pools.clone()))
    );
}

#[test]
fn malformed_buy_cover_calldata_is_refused() {
    let (host, mut cover) = wired();
    let b = buy();
    let encoded = buy_calldata(&b, IPFS.as_bytes());
    // Positions (in words after the selector): 0 the tuple's offset, 1 the pools' offset, 2..13
    // the tuple (3 the owner, 11 the destination, 12 the string's offset), 13 the string's
    // length, 14–15 its bytes, 16 the pools' count.
    let patched = |word: usize, value: U256| {
        let mut calldata = encoded.clone();
        calldata[4 + 32 * word..4 + 32 * word + 32].copy_from_slice(&value.to_be_bytes::<32>());
        calldata
    };
    let len = U256::from(encoded.len() - 4);
    let cases = [
        patched(0, len + u(1)),
        patched(0, U256::MAX),
        patched(1, len + u(1)),
        patched(1, U256::MAX),
        patched(3, U256::from(1u8) << 160),
        patched(11, U256::MAX),
        patched(12, len),
        patched(12, U256::MAX),
        // (A length that stays within the data reads on into it, as the SDK's decoder does.)
        patched(13, len - u(32 * 14 - 1)),
        patched(13, U256::MAX),
        patched(16, u(2)),
        patched(16, U256::MAX),
        encoded[..encoded.len() - 1].to_vec(),
        encoded[..4 + 64].to_vec(),
    ];
    for (i, calldata) in cases.iter().enumerate() {
        assert_eq!(Args(&calldata[4..]).buy_cover(), None, "case {i}");
        assert_refused(&mut cover, &host, eth(2), calldata);
    }
    // The unpatched calldata is a purchase.
    mock_standard(&host, &b, 1, eth(2));
    host.vm.set_value(eth(2));
    let answer = routed(&mut cover, &encoded);
    host.vm.set_value(U256::ZERO);
    assert_eq!(answer, Ok(words(&[u(1)])));
}

proptest! {
    /// The hand decoder reads back whatever the ABI encodes: any words, addresses, string and
    /// up to ten pools.
    #[test]
    fn buy_cover_decoding_round_trips(
        values in proptest::array::uniform9(any::<[u8; 32]>()),
        owner in any::<[u8; 20]>(),
        destination in any::<[u8; 20]>(),
        text in "\\PC{0,80}",
        pools in proptest::collection::vec((any::<[u8; 32]>(), any::<[u8; 32]>()), 0..10),
    ) {
        let w = |i: usize| U256::from_be_bytes(values[i]);
        let params = (
            w(0), Address::from(owner), w(2), w(3), w(4), w(5), w(6), w(7), w(8),
            Address::from(destination), text.clone(),
        );
        let pools: Vec<(U256, U256)> = pools
            .iter()
            .map(|(a, b)| (U256::from_be_bytes(*a), U256::from_be_bytes(*b)))
            .collect();
        let encoded = ICover::buyCoverCall { params: params.clone(), poolAllocations: pools.clone() }
            .abi_encode();
        let (p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10) = params;
        let expected = ((p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10.into_bytes()), pools);
        prop_assert_eq!(Args(&encoded[4..]).buy_cover(), Some(expected));
        // Any truncation is refused.
        prop_assert_eq!(Args(&encoded[4..encoded.len() - 1]).buy_cover(), None);
    }
}

#[test]
fn the_constructor_runs_once() {
    let host = MockHost::new();
    host.vm.set_block_timestamp(START);
    let mut cover = Cover::from(&host);
    let args = (GOVERNANCE, u(DAY)).abi_encode_params();
    assert!(<Cover as Router<Cover>>::constructor(&mut cover, &args)
        .unwrap()
        .is_ok());
    let again = (BUYER, u(1)).abi_encode_params();
    assert!(<Cover as Router<Cover>>::constructor(&mut cover, &again)
        .unwrap()
        .is_err());
    assert_eq!(cover.governance(), GOVERNANCE);
}

#[test]
fn routed_calls_match_the_interface() {
    let (host, mut cover) = wired();
    let b = buy();
    mock_standard(&host, &b, 1, eth(2));
    let call = ICover::buyCoverCall {
        params: b.abi_params(),
        poolAllocations: b.pools.clone(),
    };
    assert_eq!(
        route(&mut cover, &host, BUYER, eth(2), call.clone()).ok(),
        Some(u(1))
    );
    // buyCover is payable (the ETH was sent through the router); the views answer as declared.
    assert_eq!(
        cover.cover(u(1)).map(|c| (c.2, c.4, c.7)),
        Some((eth(10), u(100 * DAY), u(1)))
    );
    assert_eq!(
        route(
            &mut cover,
            &host,
            STRANGER,
            U256::ZERO,
            ICover::coverCountCall {}
        )
        .ok(),
        Some(u(1))
    );
    assert_eq!(
        route(
            &mut cover,
            &host,
            STRANGER,
            U256::ZERO,
            ICover::totalActiveCoverEthCall {}
        )
        .ok(),
        Some(eth(10))
    );
    let contracts = route(
        &mut cover,
        &host,
        STRANGER,
        U256::ZERO,
        ICover::contractsCall {},
    )
    .unwrap();
    assert_eq!((contracts._0, contracts._6), (TOKEN, CLAIMS_ADDRESS));
    assert_eq!(
        route(
            &mut cover,
            &host,
            STRANGER,
            U256::ZERO,
            ICover::governanceCall {}
        )
        .ok(),
        Some(GOVERNANCE)
    );
    // Non-payable entrypoints refuse ETH.
    assert!(route(
        &mut cover,
        &host,
        STRANGER,
        u(1),
        ICover::expireCoverCall { coverId: u(1) }
    )
    .is_err());
    // A revert through the router is the sol! error.
    assert_eq!(
        route(
            &mut cover,
            &host,
            STRANGER,
            U256::ZERO,
            ICover::expireCoverCall { coverId: u(1) }
        )
        .err(),
        Some(
            CoverNotYetExpired {
                coverId: u(1),
                endSecs: u(START + 100 * DAY)
            }
            .abi_encode()
        )
    );
    // An unexpected call is seen.
    let b = Buy {
        product: u(99),
        ..buy()
    };
    let call = ICover::buyCoverCall {
        params: b.abi_params(),
        poolAllocations: b.pools.clone(),
    };
    assert_eq!(
        route(&mut cover, &host, BUYER, eth(2), call).err(),
        Some(UNMOCKED.to_vec())
    );
}

// --- stored widths ---

#[test]
fn values_beyond_their_stored_width_are_refused() {
    use mutual_interfaces::cover::MathOverflow;
    // An allocation id beyond 40 bits from the pool.
    let (host, mut cover) = wired();
    let b = Buy {
        commission_bps: U256::ZERO,
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    mock_allocation(
        &host,
        &b,
        u(1),
        eth(500),
        U256::ZERO,
        U256::from(1u64 << 40),
    );
    mock_mint(&host, OWNER, 1);
    assert_eq!(
        send(&host, &mut cover, &b, U256::ZERO),
        Err(MathOverflow {}.abi_encode())
    );
    // A cover amount beyond 96 bits (7.9e28 wei).
    let (host, mut cover) = wired();
    let huge = U256::from(1u8) << 96;
    let b = Buy {
        amount: huge,
        pools: vec![(u(1), huge)],
        commission_bps: U256::ZERO,
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    let nxm = math::cover_nxm_up(huge, price()).unwrap();
    mock_allocation(&host, &b, u(1), nxm, U256::ZERO, u(1));
    mock_mint(&host, OWNER, 1);
    assert_eq!(
        send(&host, &mut cover, &b, U256::ZERO),
        Err(MathOverflow {}.abi_encode())
    );
    // An amount at the pools' limit of conversion: 2^256 − 1 cannot be converted to NXM.
    let (host, mut cover) = wired();
    let b = Buy {
        amount: U256::MAX,
        pools: vec![(u(1), U256::MAX)],
        ..buy()
    };
    mock_catalogue(&host, &b, Ok(terms()));
    assert_reverts(&host, MathOverflow {}.abi_encode(), || {
        send(&host, &mut cover, &b, U256::ZERO)
    });
}

#[test]
fn cover_ids_follow_the_nft() {
    let (host, mut cover) = wired();
    for id in [1u64, 2, 5] {
        mock_standard(&host, &buy(), id, eth(2));
        assert_eq!(send(&host, &mut cover, &buy(), eth(2)), Ok(u(id)));
        assert_eq!(cover.cover_count(), u(id));
    }
    assert_eq!(cover.active_cover(U256::ZERO), eth(30));
    // Each cover is its own chain until edited.
    assert_eq!(cover.cover(u(5)).map(|c| (c.6, c.7)), Some((u(5), u(5))));
}
