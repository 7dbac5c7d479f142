//! The cover contract's storage records, written down once.
//!
//! The cover contract (`contracts/cover`) keeps all its state in packed words: eight header
//! words and one map of records keyed by [`key`]`(kind, id)`. It packs and unpacks them with
//! this crate, and answers `ICover.records(uint256[] keys)` with the stored word of each key
//! (kind [`HEADER`]: header word `id`). The cover viewer (`contracts/cover-viewer`) reads the
//! words through that view and decodes them with this crate too, and the dApp views it serves
//! ([`cover_view`], [`allocations_view`], [`active_cover`]) are assembled here from a `read`
//! function (the viewer's: a call to `records`; the cover contract's tests: its own `records`).
//!
//! # Header words (by index, each with a trusted address in its low 160 bits)
//! [`GOVERNANCE`]; [`NXM_TOKEN`] with the day length (bits 160–191) and the cover count (bits
//! 192–255); [`RAMM`] with the internal price of the last purchase in ETH (bits 160–255, wei
//! per NXM); [`CAPITAL_POOL`]; [`COVER_PRODUCTS`]; [`STAKING_POOL`]; [`COVER_NFT`]; [`CLAIMS`].
//!
//! # Records (by kind; the field widths bound what the contract accepts, see [`pack`])
//! * [`COVER`] (id: the cover id), one word per cover ([`CoverRecord`]): `amount (96) | start
//!   (40) | period (32) | grace (32) | product (32) | asset (8) | allocations (8) | expired (8)`;
//! * [`LINKS`] (id: the cover id), written only by edits: `original (64) | latest (64)` (the
//!   original of an edited cover; the latest cover of an original's chain; zero: itself);
//! * [`ALLOCATION`] (id: [`allocation_id`]), one word per pool of a cover
//!   ([`AllocationRecord`]): `cover NXM (96) | premium NXM (96) | pool (24) | allocation id
//!   (40)`;
//! * [`ACTIVE`] (id: the asset), per asset: `active cover (192) | last processed bucket (64)`;
//! * [`EXPIRING`] (id: [`expiring_id`]): the amount of an asset expiring in a 7-day bucket.
//!
//! Cover amounts are 96 bits (7.9·10^28 wei), NXM amounts 96, active cover 192, times 40,
//! periods and grace periods 32, product ids 32, pool ids 24, allocation ids 40 and cover ids
//! 64 bits; prices 96 bits.
#![no_std]

extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};

/// Asset id of ETH.
pub const ASSET_ETH: u8 = 0;
/// Asset id of NXM.
pub const ASSET_NXM: u8 = 255;
/// The shortest cover, in days.
pub const MIN_PERIOD_DAYS: u64 = 28;
/// The longest cover, in days.
pub const MAX_PERIOD_DAYS: u64 = 365;
/// The active-cover bucket, in days.
pub const BUCKET_DAYS: u64 = 7;
/// The most pools one cover may use (an allocation's index takes 3 bits of its record id).
pub const MAX_POOL_ALLOCATIONS: usize = 8;

/// Header word: the governance role.
pub const GOVERNANCE: usize = 0;
/// Header word: the NXM token, with the day length (bits 160–191) and the cover count (bits
/// 192–255).
pub const NXM_TOKEN: usize = 1;
/// Header word: the RAMM, with the last internal price of a purchase in ETH (bits 160–255).
pub const RAMM: usize = 2;
/// Header word: the capital pool.
pub const CAPITAL_POOL: usize = 3;
/// Header word: the catalogue.
pub const COVER_PRODUCTS: usize = 4;
/// Header word: the staking pools.
pub const STAKING_POOL: usize = 5;
/// Header word: the cover NFT.
pub const COVER_NFT: usize = 6;
/// Header word: the claims contract.
pub const CLAIMS: usize = 7;
/// The number of header words.
pub const HEADER_WORDS: usize = 8;

/// Kind of [`key`]s that name header words (`records` only: the header is not in the map).
pub const HEADER: u8 = 0;
/// Record kind: a cover ([`CoverRecord`]).
pub const COVER: u8 = 1;
/// Record kind: a cover's chain links ([`links`]).
pub const LINKS: u8 = 2;
/// Record kind: a pool allocation ([`AllocationRecord`], id [`allocation_id`]).
pub const ALLOCATION: u8 = 3;
/// Record kind: an asset's active cover ([`active`]).
pub const ACTIVE: u8 = 4;
/// Record kind: an asset's amount expiring in a bucket (id [`expiring_id`]).
pub const EXPIRING: u8 = 5;

/// The key of record `id` of `kind`: `kind << 192 | id` (every id is below 2^192).
pub fn key(kind: u8, id: U256) -> U256 {
    (U256::from(kind) << 192) | id
}

/// The record id of a cover's allocation `index` (below [`MAX_POOL_ALLOCATIONS`]):
/// `cover_id << 3 | index`.
pub fn allocation_id(cover_id: U256, index: usize) -> U256 {
    (cover_id << 3) | U256::from(index)
}

/// The record id of `asset`'s bucket in the expiring amounts: `asset << 64 | bucket`.
pub fn expiring_id(asset: u8, bucket: u64) -> U256 {
    (U256::from(asset) << 64) | U256::from(bucket)
}

/// Bits `[shift, shift + width)` of `word`.
#[inline(never)]
pub fn bits(word: U256, shift: usize, width: usize) -> U256 {
    (word >> shift) & ((U256::from(1u8) << width) - U256::from(1u8))
}

/// Packs `(value, width)` fields from the low bits up; `None` for a value wider than its field.
#[inline(never)]
pub fn pack(fields: &[(&U256, usize)]) -> Option<U256> {
    let (mut word, mut shift) = (U256::ZERO, 0);
    for &(value, width) in fields {
        if value.bit_len() > width {
            return None;
        }
        word |= *value << shift;
        shift += width;
    }
    Some(word)
}

/// The address in a word's low 160 bits.
#[inline(never)]
pub fn address_of(word: U256) -> Address {
    Address::from_word(B256::from(word.to_be_bytes::<32>()))
}

/// The day length in the [`NXM_TOKEN`] header word.
pub fn day_secs(nxm_token_word: U256) -> u64 {
    bits(nxm_token_word, 160, 32).to()
}

/// The active-cover bucket length of a day length: [`BUCKET_DAYS`] days.
pub fn bucket_secs(day_secs: u64) -> u64 {
    BUCKET_DAYS * day_secs
}

/// The cover count (the last cover id) in the [`NXM_TOKEN`] header word.
pub fn cover_count(nxm_token_word: U256) -> U256 {
    nxm_token_word >> 192
}

/// The last purchase's internal price in ETH (wei per NXM) in the [`RAMM`] header word.
pub fn last_eth_price(ramm_word: U256) -> U256 {
    ramm_word >> 160
}

/// Why a cover period is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodError {
    /// Shorter than [`MIN_PERIOD_DAYS`].
    TooShort,
    /// Longer than [`MAX_PERIOD_DAYS`].
    TooLong,
}

/// `period_secs` as `u64` if it lies within 28 and 365 days of `day_secs` (both included).
///
/// # Errors
/// [`PeriodError`].
pub fn check_period(period_secs: U256, day_secs: u64) -> Result<u64, PeriodError> {
    if period_secs < U256::from(MIN_PERIOD_DAYS * day_secs) {
        return Err(PeriodError::TooShort);
    }
    if period_secs > U256::from(MAX_PERIOD_DAYS * day_secs) {
        return Err(PeriodError::TooLong);
    }
    Ok(period_secs.to())
}

/// A cover, as stored in its word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CoverRecord {
    /// The amount left (payouts shrink it), in the asset's wei.
    pub amount: U256,
    /// When it started; zero: no such cover.
    pub start: u64,
    /// Its length (cut to end at the edit that replaced it).
    pub period: u64,
    /// The product type's grace period at purchase.
    pub grace: U256,
    /// The catalogue's product id.
    pub product_id: U256,
    /// [`ASSET_ETH`] or [`ASSET_NXM`].
    pub asset: u8,
    /// How many pools carry it.
    pub count: usize,
    /// Expired, or replaced by an edit: out of active cover.
    pub expired: bool,
}

impl CoverRecord {
    /// The cover in `word` (zeros: no such cover).
    #[inline(never)]
    pub fn decode(word: U256) -> Self {
        Self {
            amount: bits(word, 0, 96),
            start: bits(word, 96, 40).to(),
            period: bits(word, 136, 32).to(),
            grace: bits(word, 168, 32),
            product_id: bits(word, 200, 32),
            asset: bits(word, 232, 8).to(),
            count: bits(word, 240, 8).to(),
            expired: !bits(word, 248, 8).is_zero(),
        }
    }

    /// Its word; `None` for a value wider than its field.
    pub fn encode(&self) -> Option<U256> {
        pack(&[
            (&self.amount, 96),
            (&U256::from(self.start), 40),
            (&U256::from(self.period), 32),
            (&self.grace, 32),
            (&self.product_id, 32),
            (&U256::from(self.asset), 8),
            (&U256::from(self.count), 8),
            (&U256::from(u8::from(self.expired)), 8),
        ])
    }

    /// When it ends.
    pub fn end(&self) -> u64 {
        self.start + self.period
    }
}

/// One pool's share of a cover, as stored in its word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllocationRecord {
    /// The staking pool.
    pub pool_id: U256,
    /// The NXM the pool allocated (payouts shrink it).
    pub cover_amount_nxm: U256,
    /// The premium the pool charged, in NXM (payouts shrink it).
    pub premium_nxm: U256,
    /// The pool's id of the allocation.
    pub allocation_id: U256,
}

impl AllocationRecord {
    /// The allocation in `word`.
    #[inline(never)]
    pub fn decode(word: U256) -> Self {
        Self {
            cover_amount_nxm: bits(word, 0, 96),
            premium_nxm: bits(word, 96, 96),
            pool_id: bits(word, 192, 24),
            allocation_id: word >> 216,
        }
    }

    /// Its word; `None` for a value wider than its field.
    pub fn encode(&self) -> Option<U256> {
        pack(&[
            (&self.cover_amount_nxm, 96),
            (&self.premium_nxm, 96),
            (&self.pool_id, 24),
            (&self.allocation_id, 40),
        ])
    }
}

/// `(original, latest)` of a cover's chain in its [`LINKS`] word (zeros: never edited).
pub fn links(word: U256) -> (U256, U256) {
    (bits(word, 0, 64), bits(word, 64, 64))
}

/// The [`LINKS`] word of a cover that replaced one of `original`'s chain.
pub fn original_link(original: U256) -> Option<U256> {
    pack(&[(&original, 64)])
}

/// The [`LINKS`] word of an original cover whose chain ends at `latest` (an original has no
/// original of its own).
pub fn latest_link(latest: U256) -> Option<U256> {
    pack(&[(&U256::ZERO, 64), (&latest, 64)])
}

/// `(active cover, last processed bucket)` in an [`ACTIVE`] word.
pub fn active(word: U256) -> (U256, u64) {
    (bits(word, 0, 192), (word >> 192usize).to())
}

/// The [`ACTIVE`] word of `amount` processed up to bucket `last`; `None` for an amount of 2^192
/// or more.
pub fn active_word(amount: U256, last: u64) -> Option<U256> {
    pack(&[(&amount, 192), (&U256::from(last), 64)])
}

/// The active cover at bucket `current` of an asset whose stored `amount` was processed up to
/// bucket `last`: `amount` less the amount expiring in each bucket after `last` up to `current`
/// (`expiring(bucket)`), never below zero. Nothing changes for `current ≤ last`.
///
/// The walk stops once the amount is zero: every later bucket's amount is part of the stored
/// total, so it is zero too (no cover means no bucket to read — the capital pool's MCR update
/// reads this after any idle period, and an empty walk over 200 idle days cost ~150 000 gas).
pub fn active_at(
    amount: U256,
    last: u64,
    current: u64,
    mut expiring: impl FnMut(u64) -> U256,
) -> U256 {
    let (mut amount, mut bucket) = (amount, last);
    while bucket < current && !amount.is_zero() {
        bucket += 1;
        amount = amount.saturating_sub(expiring(bucket));
    }
    amount
}

/// `cover()`'s answer: `(productId, coverAsset, amount, startSecs, periodSecs,
/// gracePeriodSecs, originalCoverId, latestCoverId)`.
pub type CoverView = (U256, U256, U256, U256, U256, U256, U256, U256);

/// `coverAllocations()`'s answer, per pool: `(poolId, coverAmountNxm, premiumNxm,
/// allocationId)`.
pub type AllocationView = (U256, U256, U256, U256);

/// Word `index` of a `read` answer (zero if the answer is short).
fn word(words: &[U256], index: usize) -> U256 {
    words.get(index).copied().unwrap_or_default()
}

/// The [`key`] of header word `index`.
pub fn header_key(index: usize) -> U256 {
    key(HEADER, U256::from(index))
}

/// Cover `cover_id` as `cover()` shows it (`None`: no such cover): the amount left after
/// payouts, the period as cut by an edit, and the original and latest cover of its chain (both
/// the cover itself for a cover never edited). `read` answers a list of [`key`]s with their
/// words, in order; one read, two for a cover that replaced another.
///
/// # Errors
/// `read`'s.
pub fn cover_view<E>(
    cover_id: U256,
    read: &mut impl FnMut(Vec<U256>) -> Result<Vec<U256>, E>,
) -> Result<Option<CoverView>, E> {
    let words = read(vec![key(COVER, cover_id), key(LINKS, cover_id)])?;
    let cover = CoverRecord::decode(word(&words, 0));
    if cover.start == 0 {
        return Ok(None);
    }
    let (of, mut latest) = links(word(&words, 1));
    let original = if of.is_zero() {
        cover_id
    } else {
        latest = links(word(&read(vec![key(LINKS, of)])?, 0)).1;
        of
    };
    Ok(Some((
        cover.product_id,
        U256::from(cover.asset),
        cover.amount,
        U256::from(cover.start),
        U256::from(cover.period),
        cover.grace,
        original,
        if latest.is_zero() { original } else { latest },
    )))
}

/// The allocations of cover `cover_id` (`None`: no such cover), in pool order, as
/// `coverAllocations()` shows them (payouts shrink the NXM and the premium). One read.
///
/// # Errors
/// `read`'s.
pub fn allocations_view<E>(
    cover_id: U256,
    read: &mut impl FnMut(Vec<U256>) -> Result<Vec<U256>, E>,
) -> Result<Option<Vec<AllocationView>>, E> {
    let mut keys = vec![key(COVER, cover_id)];
    keys.extend((0..MAX_POOL_ALLOCATIONS).map(|i| key(ALLOCATION, allocation_id(cover_id, i))));
    let words = read(keys)?;
    let cover = CoverRecord::decode(word(&words, 0));
    if cover.start == 0 {
        return Ok(None);
    }
    Ok(Some(
        (0..cover.count.min(MAX_POOL_ALLOCATIONS))
            .map(|i| {
                let a = AllocationRecord::decode(word(&words, 1 + i));
                (
                    a.pool_id,
                    a.cover_amount_nxm,
                    a.premium_nxm,
                    a.allocation_id,
                )
            })
            .collect(),
    ))
}

/// The most keys [`active_cover`] reads at once.
pub const EXPIRING_READ: u64 = 64;

/// The active cover of `cover_asset` at `now_secs`, as `activeCover()` shows it: the stored
/// amount less the buckets expired since the last purchase processed them ([`active_at`]);
/// zero for an asset other than ETH and NXM (the contract tracks no other). Reads the header
/// and the asset's word, then the expired buckets' amounts at most [`EXPIRING_READ`] at a time.
///
/// # Errors
/// `read`'s.
pub fn active_cover<E>(
    cover_asset: U256,
    now_secs: u64,
    read: &mut impl FnMut(Vec<U256>) -> Result<Vec<U256>, E>,
) -> Result<U256, E> {
    let asset = match u8::try_from(cover_asset) {
        Ok(asset @ (ASSET_ETH | ASSET_NXM)) => asset,
        _ => return Ok(U256::ZERO),
    };
    let words = read(vec![header_key(NXM_TOKEN), key(ACTIVE, U256::from(asset))])?;
    // The contract refuses a zero day: the bucket is never zero.
    let current = now_secs / bucket_secs(day_secs(word(&words, 0))).max(1);
    let (mut amount, mut last) = active(word(&words, 1));
    while last < current && !amount.is_zero() {
        let upto = current.min(last + EXPIRING_READ);
        let keys = (last + 1..=upto)
            .map(|bucket| key(EXPIRING, expiring_id(asset, bucket)))
            .collect();
        let expiring = read(keys)?;
        let first = last + 1;
        amount = active_at(amount, last, upto, |bucket| {
            word(&expiring, (bucket - first) as usize)
        });
        last = upto;
    }
    Ok(amount)
}
