//! Cover (protocol-reference §5): members buy cover on a catalogue product from one to eight
//! staking pools, edit a live cover (a new cover id with a refund credit), and anyone expires an
//! ended cover; the claims contract burns the pools' stake for a payout. Each cover is a token
//! of the cover `position-nft` deployment: the token id is the cover id.
//!
//! ABI: [`mutual_interfaces::cover`] (interface `ICover`, events, errors). The dApp views
//! (`quotePremium`, `cover`, `coverAllocations`, `activeCover`) live in the cover viewer
//! (`contracts/cover-viewer`, `ICoverViewer`), which reads this contract's records through its
//! raw view [`Cover::records`] and decodes them with `cover_records`, the one description of
//! the storage layout; they moved there to keep this contract within the size budget.
//!
//! # Buying
//! [`Cover::buy_cover`] checks the request (period 28–365 days, commission ≤ 30 %, amount,
//! payment asset, 1–8 pools, owner), the caller's membership (NXM token) and the product
//! (catalogue: `productForCover`). The NXM price in the cover asset is the RAMM's internal
//! price brought to now (`getInternalPriceAndUpdateTwap`, as V2) for ETH and 1 for NXM. Each pool
//! is asked for `roundUp(ceil(amount · 1e18 / price), 0.01 NXM)` (`mutual_math::cover`) and
//! returns the premium in NXM; what the pools cover, rounded down, must reach the amount. The
//! buyer pays the premium (in ETH: rounded up) plus the distributor's commission on top
//! (`mutual_math::pricing::commission`): ETH premiums go to the capital pool (its `receive` logs
//! the deposit), the commission to its destination and any excess back to the caller, all after
//! every state change; NXM premiums are burned and the commission moved to the destination by
//! the NXM token's operator functions (the cover contract must be a token operator).
//!
//! # Editing
//! `buyCover` with the id of an original cover replaces the latest cover of its chain: the
//! caller must own it or be approved (cover NFT), the latest cover must be live and in the same
//! asset; each old allocation is deallocated with its premium (the pool burns the unstreamed
//! rewards), the unused premium `Σ premium · remaining / period` (each rounded down) is
//! credited, the old cover ends now, and a new cover id is minted to the owner. The buyer pays
//! `max(0, new premium − credit)` (never a cash refund).
//!
//! # Active cover
//! Per asset, the covered amount and, per 7-day bucket, the amount expiring in it (a cover ending
//! at `t` is in bucket `ceil(t / 7 days)`). Buckets are processed lazily (before each purchase);
//! views (`totalActiveCoverEth`, the viewer's `activeCover`) subtract the expired buckets without
//! writing. An expiry, an edit and a payout remove the cover's amount from its bucket while that
//! bucket is unprocessed. `totalActiveCoverEth`
//! (ETH cover + NXM cover at the last ETH price the contract obtained) feeds the MCR; the capital
//! pool reads it during RAMM swaps, so it never calls the RAMM.
//!
//! # Storage
//! Everything lives in packed words, laid out by the `cover_records` crate (which documents
//! every field): eight header words (each trusted address, with the day length and the cover
//! count beside the NXM token and the last ETH price beside the RAMM, so the reads a purchase
//! makes anyway carry them) and one map of records keyed by kind and id (a cover's word, its
//! chain links, its pool allocations, each asset's active cover and each bucket's expiring
//! amount). A value that does not fit its field is refused with `MathOverflow`.
//!
//! # Size
//! The budget is 20,480 deployed bytes; everything in one contract came to 24,163. Two cuts
//! bring it to ~19,400 without dropping a rule (measured with the size report):
//! * the dApp views moved to the cover viewer, which reads the raw [`Cover::records`]
//!   (−1,465 bytes: `quotePremium` alone was ~1.2 KB);
//! * calls are routed by hand (−3,341 bytes): the deployed router is the SDK's `#[fallback]`,
//!   [`Cover::route`] (`router.rs`), which dispatches every `ICover` selector, decodes the
//!   arguments with bounds-checked reads (`Args`) and encodes the results as words, instead of
//!   the SDK's typed router (alloy's generic decoders, inlined per entrypoint; `buyCover`'s
//!   tuple with its string alone was −1.6 KB). The typed entrypoints below are the functions
//!   it calls; the `export-abi` build (never deployed) routes them through the SDK instead
//!   (`export.rs`), so that the exported interface is `ICover`'s.
//!
//! Cross-contract calls and events go through one routine each (`call_out` / `view_call`,
//! `emit`) with calldata built from the interfaces' selectors, and reverts through [`fail`],
//! instead of the SDK's typed per-method and per-error encoders (~500 bytes of WASM each); the
//! tests compare every call, event, revert and routed call with the `sol!` types' own
//! encodings.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!`.
#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::vec::Vec;

use abi_words::{address_word, encode, encode_with_text, topics, word_at};
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use cover_records::{
    active, active_at, active_word, address_of, allocation_id, bucket_secs, check_period,
    cover_count, day_secs, expiring_id, key, last_eth_price, latest_link, links, original_link,
    pack, AllocationRecord, CoverRecord, PeriodError, ACTIVE, ALLOCATION, CAPITAL_POOL, CLAIMS,
    COVER, COVER_NFT, COVER_PRODUCTS, EXPIRING, GOVERNANCE, LINKS, NXM_TOKEN, RAMM, STAKING_POOL,
};
/// The cover rules' constants (asset ids, period bounds in days, the bucket, the pool limit),
/// shared with the viewer through `cover_records`.
pub use cover_records::{
    ASSET_ETH, ASSET_NXM, BUCKET_DAYS, MAX_PERIOD_DAYS, MAX_POOL_ALLOCATIONS, MIN_PERIOD_DAYS,
};
use mutual_interfaces::{
    cover::{
        CommissionRateTooHigh, ContractsSet, CoverAlreadyExpired, CoverAmountIsZero,
        CoverAssetMismatch, CoverBought, CoverExpired, CoverNotFound, CoverNotYetExpired,
        CoverPeriodTooLong, CoverPeriodTooShort, EthTransferFailed, ExpiredCoversCannotBeEdited,
        GovernanceChanged, InsufficientCoverAmountAllocated, InsufficientEthSent, InvalidDayLength,
        InvalidPaymentAsset, InvalidPoolAllocations, MathOverflow, MustBeOriginalCoverId,
        NotAContract, NotMember, OnlyOwnerOrApproved, PayoutExceedsCover,
        PriceExceedsMaxPremiumInAsset, StakeBurnedForPayout, Unauthorized, UnexpectedEthSent,
        ZeroAddress,
    },
    cover_products::abi::ICoverProducts,
    nxm_token::abi::INxmToken,
    position_nft::abi::IPositionNft,
    ramm::abi::IRamm,
    staking_pool::abi::IStakingPool,
};
use mutual_math::{
    cover as math,
    fixed::WAD,
    pricing::{commission, MAX_COMMISSION_RATIO_BPS},
    MathError,
};
use stylus_sdk::{
    call::transfer::transfer_eth,
    prelude::*,
    storage::{StorageArray, StorageMap, StorageU256},
};

/// `buyCover`'s first argument: `(coverId (0: new), owner, productId, coverAsset, amount,
/// periodSecs, maxPremiumInAsset, paymentAsset, commissionRatioBps, commissionDestination,
/// ipfsData)`; `ipfsData` (a `string`) as its bytes, logged back in [`CoverBought`] as they came
/// (the router copies them without a UTF-8 check, which nothing here needs).
pub type BuyCoverParams = (
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
    Vec<u8>,
);

abi_words::revert_data! {
    /// The revert data of a failed entrypoint: one of the module's `sol!` errors (encoded by
    /// [`fail`]: its selector, then its static arguments as words), or a callee's revert data passed
    /// on. The errors it reverts with are listed for export-abi below.
    pub struct CoverError;
    errors: [
        Unauthorized,
        ZeroAddress,
        NotAContract,
        NotMember,
        MathOverflow,
        EthTransferFailed,
        CoverPeriodTooShort,
        CoverPeriodTooLong,
        CommissionRateTooHigh,
        CoverAmountIsZero,
        InvalidPaymentAsset,
        MustBeOriginalCoverId,
        ExpiredCoversCannotBeEdited,
        CoverAssetMismatch,
        OnlyOwnerOrApproved,
        InsufficientCoverAmountAllocated,
        UnexpectedEthSent,
        PriceExceedsMaxPremiumInAsset,
        InsufficientEthSent,
        CoverNotYetExpired,
        CoverNotFound,
        CoverAlreadyExpired,
        InvalidPoolAllocations,
        PayoutExceedsCover,
        InvalidDayLength,
    ]
}

/// Shorthand for entrypoint results.
type CoverResult<T> = Result<T, CoverError>;

/// Fails with the error whose selector is `selector` and whose arguments are `args` (every
/// error here has static arguments only: uints and addresses, one word each).
#[inline(never)]
fn fail<T>(selector: [u8; 4], args: &[&U256]) -> CoverResult<T> {
    Err(CoverError(encode(&selector, args)))
}

/// A math failure (outside the supported domain) as [`MathOverflow`].
fn overflow<T>(_: MathError) -> CoverResult<T> {
    fail(MathOverflow::SELECTOR, &[])
}

/// A packed word, or [`MathOverflow`] for a value wider than its field (`cover_records`'s
/// encoders answer `None` for it).
#[inline(never)]
fn fits(word: Option<U256>) -> CoverResult<U256> {
    match word {
        Some(word) => Ok(word),
        None => fail(MathOverflow::SELECTOR, &[]),
    }
}

/// What the catalogue says about a product: `(grace, min price, capacity reduction, fixed price)`.
struct ProductTerms {
    grace_period_secs: U256,
    min_price_bps: U256,
    capacity_reduction_bps: U256,
    use_fixed_price: bool,
}

/// The cover contract's storage: packed words (`cover_records`), so a new cover writes one
/// fresh slot for itself and one per pool (plus its bucket's, the first time a bucket is used);
/// an edit adds the two chain links.
#[storage]
#[entrypoint]
pub struct Cover {
    /// The trusted addresses and what is read with them, by `cover_records::GOVERNANCE` …
    /// `cover_records::CLAIMS`.
    header: StorageArray<StorageU256, 8>,
    /// Covers, allocations, active cover and expiring amounts, by `cover_records::key`.
    records: StorageMap<U256, StorageU256>,
}

abi_words::raw_calls!(Cover, CoverError);

#[cfg(feature = "export-abi")]
mod export;
#[cfg(not(feature = "export-abi"))]
mod router;
/// The `export-abi` binary's printer (`main.rs`), generated with the export build's router.
#[cfg(feature = "export-abi")]
pub use export::print_from_args;

/// The entrypoints of `ICover`, typed: [`Cover::route`] calls them (and the `export-abi`
/// build's SDK router, which exports their interface).
impl Cover {
    /// Sets the governance role and the day length; active cover starts counting from the
    /// current bucket.
    ///
    /// # Errors
    /// `ZeroAddress` for a zero governance address; `InvalidDayLength` for a zero day or one
    /// whose 365 days overflow 32 bits.
    ///
    /// # Events
    /// [`GovernanceChanged`] (from zero).
    pub fn constructor(&mut self, governance: Address, day_secs: U256) -> CoverResult<()> {
        if day_secs.is_zero() || day_secs > U256::from(u32::MAX as u64 / MAX_PERIOD_DAYS) {
            return fail(InvalidDayLength::SELECTOR, &[&day_secs]);
        }
        self.set_governance_unchecked(governance)?;
        self.set_word(NXM_TOKEN, day_secs << 160);
        let word = fits(active_word(
            U256::ZERO,
            self.now() / bucket_secs(day_secs.to()),
        ))?;
        for asset in [ASSET_ETH, ASSET_NXM] {
            self.set_record(ACTIVE, U256::from(asset), word);
        }
        Ok(())
    }

    /// Buys cover, or (with `params.coverId` ≠ 0) edits the chain of that original cover;
    /// returns the new cover's id. Members only; payable (ETH premiums).
    ///
    /// # Errors
    /// `CoverPeriodTooShort`, `CoverPeriodTooLong`, `CommissionRateTooHigh`, `CoverAmountIsZero`,
    /// `InvalidPaymentAsset`, `InvalidPoolAllocations`, `ZeroAddress` (owner, or the commission
    /// destination of a non-zero commission ratio), `UnexpectedEthSent` (ETH with an NXM
    /// payment), `NotMember`; for an edit `CoverNotFound`, `MustBeOriginalCoverId`,
    /// `OnlyOwnerOrApproved`, `ExpiredCoversCannotBeEdited`, `CoverAssetMismatch`; the
    /// catalogue's, the RAMM's and the pools' reverts, passed on;
    /// `InsufficientCoverAmountAllocated`; `PriceExceedsMaxPremiumInAsset`;
    /// `InsufficientEthSent`; `EthTransferFailed`; the token's reverts (balance, the
    /// destination's membership, the pause); `MathOverflow`.
    ///
    /// # Events
    /// [`CoverBought`].
    pub fn buy_cover(
        &mut self,
        params: BuyCoverParams,
        pool_allocations: Vec<(U256, U256)>,
    ) -> CoverResult<U256> {
        let (
            edit_id,
            owner,
            product_id,
            cover_asset,
            amount,
            period_secs,
            max_premium,
            payment_asset,
            commission_ratio_bps,
            commission_destination,
            ipfs_data,
        ) = params;
        let (caller, value, now) = (self.vm().msg_sender(), self.vm().msg_value(), self.now());
        let period = self.check_period(period_secs)?;
        if commission_ratio_bps > MAX_COMMISSION_RATIO_BPS {
            return fail(CommissionRateTooHigh::SELECTOR, &[&commission_ratio_bps]);
        }
        if amount.is_zero() {
            return fail(CoverAmountIsZero::SELECTOR, &[]);
        }
        let paying_nxm = payment_asset == U256::from(ASSET_NXM);
        if payment_asset != cover_asset && !paying_nxm {
            return fail(
                InvalidPaymentAsset::SELECTOR,
                &[&payment_asset, &cover_asset],
            );
        }
        let count = pool_allocations.len();
        if count == 0 || count > MAX_POOL_ALLOCATIONS {
            return fail(InvalidPoolAllocations::SELECTOR, &[&U256::from(count)]);
        }
        if owner.is_zero() || (!commission_ratio_bps.is_zero() && commission_destination.is_zero())
        {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        if paying_nxm && !value.is_zero() {
            return fail(UnexpectedEthSent::SELECTOR, &[&value]);
        }
        let token = self.address(NXM_TOKEN);
        let member = self.view_call(
            token,
            &encode(&INxmToken::isMemberCall::SELECTOR, &[&address_word(caller)]),
            1,
        )?;
        if word_at(&member, 0).is_zero() {
            return fail(NotMember::SELECTOR, &[&address_word(caller)]);
        }
        let replaced = if edit_id.is_zero() {
            None
        } else {
            Some(self.editable(edit_id, caller, cover_asset)?)
        };
        let terms = self.product_terms(product_id, cover_asset, &pool_allocations)?;
        let eth_cover = cover_asset == U256::from(ASSET_ETH);
        let price = if eth_cover {
            let answer = self.call_out(
                self.address(RAMM),
                U256::ZERO,
                &encode::<U256>(&IRamm::getInternalPriceAndUpdateTwapCall::SELECTOR, &[]),
                1,
            )?;
            word_at(&answer, 0)
        } else {
            WAD
        };

        // An edit frees the replaced cover's capacity first, crediting its unused premium.
        let credit_nxm = match replaced {
            Some((latest_id, latest)) => self.deallocate(latest_id, &latest, now, true)?,
            None => U256::ZERO,
        };
        let staking_pool = self.address(STAKING_POOL);
        let mut allocated = Vec::with_capacity(count);
        let (mut total_nxm, mut premium_nxm) = (U256::ZERO, U256::ZERO);
        for &(pool_id, amount_in_asset) in &pool_allocations {
            let nxm = math::cover_nxm_up(amount_in_asset, price).or_else(overflow)?;
            let answer = self.call_out(
                staking_pool,
                U256::ZERO,
                &encode(
                    &IStakingPool::requestAllocationCall::SELECTOR,
                    &[
                        &pool_id,
                        &product_id,
                        &nxm,
                        &period_secs,
                        &terms.grace_period_secs,
                        &U256::from(u8::from(terms.use_fixed_price)),
                        &terms.capacity_reduction_bps,
                        &terms.min_price_bps,
                    ],
                ),
                2,
            )?;
            let premium = word_at(&answer, 0);
            // Saturating: a total near 2^256 fails below (MathOverflow, or a price above the
            // buyer's maximum), never wraps.
            total_nxm = total_nxm.saturating_add(nxm);
            premium_nxm = premium_nxm.saturating_add(premium);
            allocated.push(AllocationRecord {
                pool_id,
                cover_amount_nxm: nxm,
                premium_nxm: premium,
                allocation_id: word_at(&answer, 1),
            });
        }
        let covered = math::nxm_to_asset_down(total_nxm, price).or_else(overflow)?;
        if covered < amount {
            return fail(
                InsufficientCoverAmountAllocated::SELECTOR,
                &[&covered, &amount],
            );
        }

        // The payment: the premium less the credit (never below zero), plus the commission.
        let due_nxm = premium_nxm.saturating_sub(credit_nxm);
        let premium_paid = if paying_nxm {
            due_nxm
        } else {
            math::nxm_to_asset_up(due_nxm, price).or_else(overflow)?
        };
        let commission_paid = commission(premium_paid, commission_ratio_bps).or_else(overflow)?;
        let total_paid = premium_paid.saturating_add(commission_paid);
        if total_paid > max_premium {
            return fail(
                PriceExceedsMaxPremiumInAsset::SELECTOR,
                &[&total_paid, &max_premium],
            );
        }
        if !paying_nxm && value < total_paid {
            return fail(InsufficientEthSent::SELECTOR, &[&value, &total_paid]);
        }

        // Effects: the new cover (its id is the NFT's), its allocations, active cover, the chain.
        let minted = self.call_out(
            self.address(COVER_NFT),
            U256::ZERO,
            &encode(&IPositionNft::mintCall::SELECTOR, &[&address_word(owner)]),
            1,
        )?;
        let cover_id = word_at(&minted, 0);
        if cover_id.bit_len() > 64 {
            return fail(MathOverflow::SELECTOR, &[]);
        }
        let asset = cover_asset.to::<u8>();
        for (i, allocation) in allocated.iter().enumerate() {
            self.store_allocation(cover_id, i, allocation)?;
        }
        let original_id = match replaced {
            Some(_) => edit_id,
            None => cover_id,
        };
        self.store_cover(
            cover_id,
            &CoverRecord {
                amount,
                start: now,
                period,
                grace: terms.grace_period_secs,
                product_id,
                asset,
                count,
                expired: false,
            },
        )?;
        if let Some((latest_id, mut latest)) = replaced {
            // The replaced cover ends now and leaves active cover; the original points here.
            self.remove_active(asset, latest.end(), latest.amount)?;
            latest.period = now - latest.start;
            latest.expired = true;
            self.store_cover(latest_id, &latest)?;
            // The chain: the new cover's original, the original's latest (an original has no
            // original of its own).
            self.set_record(LINKS, cover_id, fits(original_link(edit_id))?);
            self.set_record(LINKS, edit_id, fits(latest_link(cover_id))?);
        }
        self.add_active(asset, now + period, amount)?;
        let mut counter = self.word(NXM_TOKEN);
        counter = (counter & ((U256::from(1u8) << 192) - U256::from(1u8))) | (cover_id << 192);
        self.set_word(NXM_TOKEN, counter);
        if eth_cover {
            let price_word = fits(pack(&[
                (&address_word(self.address(RAMM)), 160),
                (&price, 96),
            ]))?;
            self.set_word(RAMM, price_word);
        }
        self.emit(
            CoverBought::SIGNATURE_HASH,
            &[&cover_id, &original_id, &product_id],
            &[
                &address_word(caller),
                &cover_asset,
                &amount,
                &period_secs,
                &payment_asset,
                &premium_paid,
                &commission_paid,
            ],
            Some(ipfs_data.as_ref()),
        );

        // Interactions: the payment, ETH last.
        if paying_nxm {
            if !due_nxm.is_zero() {
                self.call_out(
                    token,
                    U256::ZERO,
                    &encode(
                        &INxmToken::operatorBurnCall::SELECTOR,
                        &[&address_word(caller), &due_nxm],
                    ),
                    0,
                )?;
            }
            if !commission_paid.is_zero() {
                self.call_out(
                    token,
                    U256::ZERO,
                    &encode(
                        &INxmToken::operatorTransferCall::SELECTOR,
                        &[
                            &address_word(caller),
                            &address_word(commission_destination),
                            &commission_paid,
                        ],
                    ),
                    0,
                )?;
            }
        } else {
            self.send_eth(self.address(CAPITAL_POOL), premium_paid)?;
            self.send_eth(commission_destination, commission_paid)?;
            self.send_eth(caller, value - total_paid)?;
        }
        Ok(cover_id)
    }

    /// Expires cover `cover_id` once it has ended: frees its allocations in every pool (with a
    /// premium of 0: no rewards are burned) and takes it out of active cover if its bucket is
    /// not processed yet. Anyone; once per cover (a cover replaced by an edit counts as
    /// expired).
    ///
    /// # Errors
    /// `CoverNotFound`; `CoverAlreadyExpired`; `CoverNotYetExpired` before `start + period`;
    /// the pools' reverts (e.g. `AlreadyDeallocated` once a pool's bucket freed it), passed on.
    ///
    /// # Events
    /// [`CoverExpired`].
    pub fn expire_cover(&mut self, cover_id: U256) -> CoverResult<()> {
        let now = self.now();
        let mut cover = self.existing(cover_id)?;
        if cover.expired {
            return fail(CoverAlreadyExpired::SELECTOR, &[&cover_id]);
        }
        let end = cover.end();
        if now < end {
            return fail(CoverNotYetExpired::SELECTOR, &[&cover_id, &U256::from(end)]);
        }
        cover.expired = true;
        self.store_cover(cover_id, &cover)?;
        self.remove_active(cover.asset, end, cover.amount)?;
        self.emit(CoverExpired::SIGNATURE_HASH, &[&cover_id], &[], None);
        self.deallocate(cover_id, &cover, now, false)?;
        Ok(())
    }

    /// Burns the pools' stake for a claim payout of `payout_in_asset` on cover `cover_id` and
    /// shrinks the cover by it. Claims contract only. Per allocation: `dealloc = coverAmountNxm ·
    /// payout / amount` (rounded down), `burn = dealloc / 2` (the 2x capacity ratio); the pool
    /// frees `dealloc` too unless the cover has ended (a claim in the grace period). The cover's
    /// amount, each allocation's NXM and premium shrink pro rata; active cover shrinks by the
    /// payout while the cover is still counted.
    ///
    /// # Errors
    /// `Unauthorized`; `CoverNotFound`; `PayoutExceedsCover`; the pools' reverts, passed on;
    /// `MathOverflow`.
    ///
    /// # Events
    /// [`StakeBurnedForPayout`].
    pub fn burn_stake(&mut self, cover_id: U256, payout_in_asset: U256) -> CoverResult<()> {
        let caller = self.vm().msg_sender();
        let claims = self.address(CLAIMS);
        if claims.is_zero() || caller != claims {
            return fail(Unauthorized::SELECTOR, &[&address_word(caller)]);
        }
        let mut cover = self.existing(cover_id)?;
        let amount = cover.amount;
        if payout_in_asset > amount {
            return fail(PayoutExceedsCover::SELECTOR, &[&payout_in_asset, &amount]);
        }
        let ended = self.now() >= cover.end();
        // The cover's own state first; then per pool: its allocation, then its burn.
        cover.amount = amount - payout_in_asset;
        self.store_cover(cover_id, &cover)?;
        if !cover.expired {
            self.remove_active(cover.asset, cover.end(), payout_in_asset)?;
        }
        self.emit(
            StakeBurnedForPayout::SIGNATURE_HASH,
            &[&cover_id],
            &[&payout_in_asset, &cover.amount],
            None,
        );
        let staking_pool = self.address(STAKING_POOL);
        for i in 0..cover.count {
            let mut allocation = self.load_allocation(cover_id, i);
            let freed =
                math::payout_deallocation_nxm(allocation.cover_amount_nxm, payout_in_asset, amount)
                    .or_else(overflow)?;
            let burn = math::payout_burn_nxm(freed).or_else(overflow)?;
            allocation.premium_nxm =
                math::shrink_pro_rata(allocation.premium_nxm, payout_in_asset, amount)
                    .or_else(overflow)?;
            allocation.cover_amount_nxm -= freed;
            self.store_allocation(cover_id, i, &allocation)?;
            let deallocate = if ended { U256::ZERO } else { freed };
            self.call_out(
                staking_pool,
                U256::ZERO,
                &encode(
                    &IStakingPool::burnStakeCall::SELECTOR,
                    &[
                        &allocation.pool_id,
                        &allocation.allocation_id,
                        &burn,
                        &deallocate,
                    ],
                ),
                0,
            )?;
        }
        Ok(())
    }

    /// Sets the contracts the cover contract trusts. Governance only; every address but the
    /// claims contract's is required, and each non-zero address must hold code.
    ///
    /// # Errors
    /// `Unauthorized`; `ZeroAddress`; `NotAContract`.
    ///
    /// # Events
    /// [`ContractsSet`].
    #[allow(clippy::too_many_arguments)]
    pub fn set_contracts(
        &mut self,
        nxm_token: Address,
        ramm: Address,
        capital_pool: Address,
        cover_products: Address,
        staking_pool: Address,
        cover_nft: Address,
        claims: Address,
    ) -> CoverResult<()> {
        self.only_governance()?;
        let all = [
            nxm_token,
            ramm,
            capital_pool,
            cover_products,
            staking_pool,
            cover_nft,
            claims,
        ];
        let mut words = [U256::ZERO; 7];
        for (i, account) in all.into_iter().enumerate() {
            if account.is_zero() {
                // Only the claims contract (the last) may be left unset.
                if i < 6 {
                    return fail(ZeroAddress::SELECTOR, &[]);
                }
            } else if self.vm().code_size(account) == 0 {
                return fail(NotAContract::SELECTOR, &[&address_word(account)]);
            }
            words[i] = address_word(account);
        }
        for (i, word) in words.iter().enumerate() {
            let index = NXM_TOKEN + i;
            // Keep what shares the slot (day length and count, last price).
            let kept = self.word(index) & !ADDRESS_MASK;
            self.set_word(index, kept | *word);
        }
        let refs: Vec<&U256> = words.iter().collect();
        self.emit(ContractsSet::SIGNATURE_HASH, &[], &refs, None);
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    /// `Unauthorized`; `ZeroAddress` for zero.
    ///
    /// # Events
    /// [`GovernanceChanged`].
    pub fn set_governance(&mut self, new_governance: Address) -> CoverResult<()> {
        self.only_governance()?;
        self.set_governance_unchecked(new_governance)
    }

    /// The stored word of each of `keys`, in order: the raw view the cover viewer reads its
    /// views from (`cover_records` decodes the words). A key is `cover_records::key(kind, id)`;
    /// kind 0 names header word `id` (zero beyond the eight).
    pub fn records(&self, keys: Vec<U256>) -> Vec<U256> {
        let mut words = Vec::with_capacity(keys.len());
        for key in keys {
            words.push(if (key >> 192usize).is_zero() {
                self.word(usize::try_from(key).unwrap_or(usize::MAX))
            } else {
                self.records.get(key)
            });
        }
        words
    }

    /// The number of covers bought (the last cover id).
    pub fn cover_count(&self) -> U256 {
        cover_count(self.word(NXM_TOKEN))
    }

    /// Active cover in ETH: ETH cover plus NXM cover at the internal price of the last purchase
    /// in ETH (rounded down). Reads only this contract's storage: the capital pool calls it
    /// during RAMM swaps, when a call into the RAMM would be re-entry. Never fails: NXM cover
    /// is below 2^192 and the price below 2^96, so the product fits.
    pub fn total_active_cover_eth(&self) -> U256 {
        let eth = self.active_now(ASSET_ETH).0;
        let nxm = self.active_now(ASSET_NXM).0;
        let nxm_in_eth =
            math::nxm_to_asset_down(nxm, last_eth_price(self.word(RAMM))).unwrap_or(U256::MAX);
        eth.saturating_add(nxm_in_eth)
    }

    /// The trusted contracts: `(NXM token, RAMM, capital pool, catalogue, staking pools, cover
    /// NFT, claims)`.
    pub fn contracts(
        &self,
    ) -> (
        Address,
        Address,
        Address,
        Address,
        Address,
        Address,
        Address,
    ) {
        (
            self.address(NXM_TOKEN),
            self.address(RAMM),
            self.address(CAPITAL_POOL),
            self.address(COVER_PRODUCTS),
            self.address(STAKING_POOL),
            self.address(COVER_NFT),
            self.address(CLAIMS),
        )
    }

    /// The address holding the governance role.
    pub fn governance(&self) -> Address {
        self.address(GOVERNANCE)
    }
}

/// The low 160 bits of a header word: its address.
const ADDRESS_MASK: U256 = U256::from_limbs([u64::MAX, u64::MAX, u32::MAX as u64, 0]);

impl Cover {
    /// The block timestamp.
    fn now(&self) -> u64 {
        self.vm().block_timestamp()
    }

    /// Header word `index`.
    #[inline(never)]
    fn word(&self, index: usize) -> U256 {
        self.header.get(index).unwrap_or_default()
    }

    /// Stores header word `index` (every index used is below the array's 8).
    #[inline(never)]
    fn set_word(&mut self, index: usize, value: U256) {
        if let Some(mut word) = self.header.setter(index) {
            word.set(value);
        }
    }

    /// The address in header word `index`.
    #[inline(never)]
    fn address(&self, index: usize) -> Address {
        address_of(self.word(index))
    }

    /// Record `id` of `kind`.
    #[inline(never)]
    fn record(&self, kind: u8, id: U256) -> U256 {
        self.records.get(key(kind, id))
    }

    /// Stores record `id` of `kind`.
    #[inline(never)]
    fn set_record(&mut self, kind: u8, id: U256, value: U256) {
        self.records.setter(key(kind, id)).set(value);
    }

    /// The 7-day bucket length.
    #[inline(never)]
    fn bucket_secs(&self) -> u64 {
        bucket_secs(day_secs(self.word(NXM_TOKEN)))
    }

    /// `period_secs` as `u64`, checked against 28 and 365 days.
    #[inline(never)]
    fn check_period(&self, period_secs: U256) -> CoverResult<u64> {
        match check_period(period_secs, day_secs(self.word(NXM_TOKEN))) {
            Ok(period) => Ok(period),
            Err(PeriodError::TooShort) => fail(CoverPeriodTooShort::SELECTOR, &[&period_secs]),
            Err(PeriodError::TooLong) => fail(CoverPeriodTooLong::SELECTOR, &[&period_secs]),
        }
    }

    /// Fails with `Unauthorized` unless the caller is governance.
    fn only_governance(&self) -> CoverResult<()> {
        let caller = self.vm().msg_sender();
        if caller != self.address(GOVERNANCE) {
            return fail(Unauthorized::SELECTOR, &[&address_word(caller)]);
        }
        Ok(())
    }

    /// Stores a non-zero governance address and logs the change.
    fn set_governance_unchecked(&mut self, new_governance: Address) -> CoverResult<()> {
        if new_governance.is_zero() {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        let previous = self.word(GOVERNANCE);
        self.set_word(GOVERNANCE, address_word(new_governance));
        self.emit(
            GovernanceChanged::SIGNATURE_HASH,
            &[&previous, &address_word(new_governance)],
            &[],
            None,
        );
        Ok(())
    }

    /// Cover `cover_id` as stored (zeros: no such cover).
    #[inline(never)]
    fn load_cover(&self, cover_id: U256) -> CoverRecord {
        CoverRecord::decode(self.record(COVER, cover_id))
    }

    /// `(original, latest)` of a cover's chain as stored (zeros: never edited).
    fn links(&self, cover_id: U256) -> (U256, U256) {
        links(self.record(LINKS, cover_id))
    }

    /// Stores cover `cover_id` (one word).
    ///
    /// # Errors
    /// [`MathOverflow`] for a value wider than its field.
    fn store_cover(&mut self, cover_id: U256, cover: &CoverRecord) -> CoverResult<()> {
        let word = fits(cover.encode())?;
        self.set_record(COVER, cover_id, word);
        Ok(())
    }

    /// A cover that exists (`CoverNotFound` otherwise).
    #[inline(never)]
    fn existing(&self, cover_id: U256) -> CoverResult<CoverRecord> {
        let cover = self.load_cover(cover_id);
        if cover.start == 0 {
            return fail(CoverNotFound::SELECTOR, &[&cover_id]);
        }
        Ok(cover)
    }

    /// A cover's allocation `index`.
    #[inline(never)]
    fn load_allocation(&self, cover_id: U256, index: usize) -> AllocationRecord {
        AllocationRecord::decode(self.record(ALLOCATION, allocation_id(cover_id, index)))
    }

    /// Stores a cover's allocation `index`.
    ///
    /// # Errors
    /// [`MathOverflow`] for a value wider than its field.
    fn store_allocation(
        &mut self,
        cover_id: U256,
        index: usize,
        allocation: &AllocationRecord,
    ) -> CoverResult<()> {
        let word = fits(allocation.encode())?;
        self.set_record(ALLOCATION, allocation_id(cover_id, index), word);
        Ok(())
    }

    /// Checks an edit of original cover `original_id` by `caller` in `cover_asset`; returns
    /// the latest cover of its chain (the one the edit replaces).
    fn editable(
        &self,
        original_id: U256,
        caller: Address,
        cover_asset: U256,
    ) -> CoverResult<(U256, CoverRecord)> {
        let original = self.existing(original_id)?;
        let (of, latest_id) = self.links(original_id);
        if !of.is_zero() {
            return fail(MustBeOriginalCoverId::SELECTOR, &[&original_id, &of]);
        }
        let approved = self.view_call(
            self.address(COVER_NFT),
            &encode(
                &IPositionNft::isApprovedOrOwnerCall::SELECTOR,
                &[&address_word(caller), &original_id],
            ),
            1,
        )?;
        if word_at(&approved, 0).is_zero() {
            return fail(
                OnlyOwnerOrApproved::SELECTOR,
                &[&address_word(caller), &original_id],
            );
        }
        let (latest_id, latest) = if latest_id.is_zero() {
            (original_id, original)
        } else {
            (latest_id, self.load_cover(latest_id))
        };
        // A replaced or expired cover has ended (an edit cuts it to end at the edit).
        if self.now() >= latest.end() {
            return fail(ExpiredCoversCannotBeEdited::SELECTOR, &[&latest_id]);
        }
        let asset = U256::from(latest.asset);
        if cover_asset != asset {
            return fail(CoverAssetMismatch::SELECTOR, &[&cover_asset, &asset]);
        }
        Ok((latest_id, latest))
    }

    /// Deallocates every allocation of a cover: at expiry with a premium of 0, for an edit
    /// (`cut_short`) with its premium (the pool burns the rewards not yet streamed). Returns
    /// the edit's credit `Σ premium · remaining / period`, each term rounded down (0 at
    /// expiry).
    fn deallocate(
        &mut self,
        cover_id: U256,
        cover: &CoverRecord,
        now: u64,
        cut_short: bool,
    ) -> CoverResult<U256> {
        let staking_pool = self.address(STAKING_POOL);
        let mut credit = U256::ZERO;
        for i in 0..cover.count {
            let allocation = self.load_allocation(cover_id, i);
            let premium = if cut_short {
                credit +=
                    math::edit_refund_nxm(allocation.premium_nxm, cover.start, cover.period, now)
                        .or_else(overflow)?;
                allocation.premium_nxm
            } else {
                U256::ZERO
            };
            self.call_out(
                staking_pool,
                U256::ZERO,
                &encode(
                    &IStakingPool::requestDeallocationCall::SELECTOR,
                    &[
                        &allocation.pool_id,
                        &allocation.allocation_id,
                        &premium,
                        &U256::from(cover.start),
                        &U256::from(cover.period),
                        &cover.grace,
                    ],
                ),
                0,
            )?;
        }
        Ok(credit)
    }

    /// The catalogue's terms for selling `product_id` in `cover_asset` from these pools.
    fn product_terms(
        &self,
        product_id: U256,
        cover_asset: U256,
        pool_allocations: &[(U256, U256)],
    ) -> CoverResult<ProductTerms> {
        // productForCover(uint256, uint256, uint256[]): the array after the two words.
        let (offset, count) = (U256::from(96u8), U256::from(pool_allocations.len()));
        let mut words = vec![&product_id, &cover_asset, &offset, &count];
        words.extend(pool_allocations.iter().map(|(pool_id, _)| pool_id));
        let answer = self.view_call(
            self.address(COVER_PRODUCTS),
            &encode(&ICoverProducts::productForCoverCall::SELECTOR, &words),
            4,
        )?;
        Ok(ProductTerms {
            grace_period_secs: word_at(&answer, 0),
            min_price_bps: word_at(&answer, 1),
            capacity_reduction_bps: word_at(&answer, 2),
            use_fixed_price: !word_at(&answer, 3).is_zero(),
        })
    }

    /// `(active cover, current bucket)` of `asset` now, the buckets expired since the last
    /// processed one taken off (read only).
    fn active_now(&self, asset: u8) -> (U256, u64) {
        let (amount, last) = active(self.record(ACTIVE, U256::from(asset)));
        // The constructor refuses a zero day: the bucket is never zero.
        let current = self.now() / self.bucket_secs().max(1);
        let amount = active_at(amount, last, current, |bucket| {
            self.record(EXPIRING, expiring_id(asset, bucket))
        });
        (amount, current)
    }

    /// Adds `amount` of cover ending at `end` to `asset`'s active cover, processing the buckets
    /// expired since the last purchase first (the stored total and last bucket move to now).
    fn add_active(&mut self, asset: u8, end: u64, amount: U256) -> CoverResult<()> {
        self.move_active(asset, end, amount, true)
    }

    /// Takes `amount` of cover ending at `end` out of `asset`'s active cover, if its bucket is
    /// not processed yet (a processed bucket took it out already).
    fn remove_active(&mut self, asset: u8, end: u64, amount: U256) -> CoverResult<()> {
        self.move_active(asset, end, amount, false)
    }

    /// Adds (`add`: after processing the expired buckets) or removes `amount` of cover ending
    /// at `end` to or from `asset`'s total and its bucket; a removal from a processed bucket
    /// changes nothing. (An edit removes the replaced cover before adding the new one: a live
    /// cover's bucket is after the current one, so processing first would change nothing.)
    fn move_active(&mut self, asset: u8, end: u64, amount: U256, add: bool) -> CoverResult<()> {
        let bucket = end.div_ceil(self.bucket_secs().max(1));
        let (total, last) = if add {
            self.active_now(asset)
        } else {
            active(self.record(ACTIVE, U256::from(asset)))
        };
        if !add && bucket <= last {
            return Ok(());
        }
        let id = expiring_id(asset, bucket);
        let in_bucket = self.record(EXPIRING, id);
        let (total, in_bucket) = if add {
            // Saturating, then refused by `pack`'s 192-bit field beyond it.
            (
                total.saturating_add(amount),
                in_bucket.saturating_add(amount),
            )
        } else {
            (
                total.saturating_sub(amount),
                in_bucket.saturating_sub(amount),
            )
        };
        let word = fits(active_word(total, last))?;
        self.set_record(ACTIVE, U256::from(asset), word);
        self.set_record(EXPIRING, id, in_bucket);
        Ok(())
    }

    /// Sends `amount` wei to `to` (nothing for zero).
    ///
    /// # Errors
    /// `EthTransferFailed`.
    #[inline(never)]
    fn send_eth(&mut self, to: Address, amount: U256) -> CoverResult<()> {
        if amount.is_zero() {
            return Ok(());
        }
        if transfer_eth(self.vm(), to, amount).is_err() {
            return fail(EthTransferFailed::SELECTOR, &[&address_word(to), &amount]);
        }
        Ok(())
    }

    /// Logs `signature` with the indexed `topics` and the data `words`, followed by the string
    /// `text` if given (always the event's last field), through one routine instead of a typed
    /// encoder per event; the tests decode every event with its `sol!` type.
    #[inline(never)]
    fn emit(&self, signature: B256, indexed: &[&U256], words: &[&U256], text: Option<&[u8]>) {
        let data = match text {
            Some(text) => encode_with_text(words, text),
            None => encode(&[], words),
        };
        // raw_log fails only for more than four topics, which no event here has.
        let _ = self.vm().raw_log(&topics(signature, indexed), &data);
    }
}

#[cfg(test)]
mod tests;
