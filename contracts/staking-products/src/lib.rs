//! Staking products (protocol-reference §5 "Premium per pool", §6 "Capacity" and "Weights"):
//! what each staking pool underwrites, at what price, and how much of its capacity is used.
//!
//! ABI: [`mutual_interfaces::staking_products`] (interface `IStakingProducts`, events, errors).
//! The staking-pool contract keeps the stake; this contract keeps the product side of every pool
//! and is called by it on each allocation and deallocation, with the stakes of its tranches.
//!
//! * **Weights and prices.** Per (pool, product) the manager sets a target weight (≤ 100; 0 stops
//!   new cover but keeps existing allocations) and a target price within [the product's minimum,
//!   100 %/yr]; a pool's target weights sum to at most 2 000. The effective weight is
//!   `max(target, ceil(allocated · 100 / capacity at full weight))`; raising a target weight
//!   requires the effective weights to stay within 2 000 as well.
//! * **Price.** Dynamic products start at the catalogue's initial price; each purchase pays the
//!   bumped price decayed by 2 %/day toward the target (never below the target or the product's
//!   minimum), then bumps it by `ceil(500 · units / usable capacity)` bps (+0.05 % per 1 % of
//!   capacity), capped at 100 %; a changed target first rebases the decayed price. Fixed-price
//!   products pay `max(target, minimum)`. Premium = `ceil(units · 0.01 NXM · price · period /
//!   (10 000 · 365 days))`.
//! * **Capacity.** Tranche `t` of a pool carries `floor(stake_t · 2 · (1 − reduction) · weight %
//!   / 0.01 NXM)` units of a product. A cover may only use tranches alive when it and its grace
//!   period end (`t ≥ floor((now + period + grace) / tranche)`); over-allocation of earlier
//!   tranches (after a burn or a lower weight) is carried over and consumes later capacity; the
//!   earliest usable tranches fill first (`mutual_math::allocation`).
//! * **Expiry.** An allocation is freed at the start of bucket `ceil((now + period + grace) /
//!   bucket)`: the first bucket boundary at or after the cover's end plus grace (V2's `divCeil`
//!   rule, here with the grace period, as the tranche choice has it). Buckets are processed
//!   lazily, per (pool, product), by the next allocation; the views subtract unprocessed buckets
//!   as they read. A deallocation after its bucket was processed frees nothing and succeeds
//!   (the cover contract may expire a cover any time after its end); nothing is subtracted twice.
//! * **Time.** The constructor's `day_secs` (86 400 on real networks) sets the tranche (91 days),
//!   the bucket (28 days), the price decay (2 % per day) and the premium's year (365 days).
//!
//! # Storage (gas)
//! One word per (pool, product) holds the target weight and price, the bumped price and its
//! time, the effective weight, the last processed bucket and a listed flag; one word per pool its
//! weight totals. Per (pool, product): allocated units per tranche, four tranches (`u64`) a word;
//! units expiring per bucket, eight tranches (`u32`, lanes from
//! `mutual_math::allocation::bucket_first_tranche_id`) a word. Allocation records: one word with
//! pool, product, expiry bucket and the first four lanes (`u32`, 42.9 M NXM each), a second word
//! only when a cover reaches lanes 4–7. A purchase writes the record, one or two tranche words,
//! one bucket word, the product word and the allocation counter (which shares a slot with the
//! staking-pool address read for the role check).
//!
//! # Who may do what
//! * **The staking-pool contract**: `initializeProducts`, `allocate`, `deallocate`.
//! * **A pool's manager** (asked of the staking-pool contract): `setProducts`.
//! * **Governance**: `setContracts`, `setGovernance`.
//! * **Anyone**: the views.
//!
//! Every entrypoint checks everything before its first storage write.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!`.
#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::vec::Vec;

use abi_words::{address_word, encode, topics};
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use mutual_interfaces::{
    cover_products::abi::ICoverProducts,
    staking_pool::abi::IStakingPool,
    staking_products::{
        Allocated, AlreadyDeallocated, ContractsSet, Deallocated, DuplicateProduct,
        GovernanceChanged, InsufficientCapacity, InvalidAllocationId, MathOverflow, NotAContract,
        ProductUpdated, TargetPriceBelowMin, TargetPriceTooHigh, TargetWeightTooHigh,
        TotalEffectiveWeightExceeded, TotalTargetWeightExceeded, Unauthorized, ZeroAddress,
    },
};
use mutual_math::{
    allocation::{self as am, WINDOW},
    pricing, MathError,
};
use stylus_sdk::{call::static_call, prelude::*, stylus_core::calls::errors::Error as CallError};

/// A tranche lasts 91 days.
pub const TRANCHE_DAYS: u64 = 91;
/// A bucket lasts 28 days.
pub const BUCKET_DAYS: u64 = 28;
/// The highest price: 100 % a year.
pub const MAX_PRICE_BPS: u64 = 10_000;

/// A product's `(productId, targetWeight, targetPriceBps)` in `initializeProducts` and
/// `setProducts`.
pub type ProductParams = (U256, U256, U256);

abi_words::revert_data! {
    /// The revert data of a failed entrypoint: one of the module's `sol!` errors (encoded by
    /// [`fail`]: its selector, then its arguments as words), or a callee's revert data passed on.
    /// One byte vector instead of an enum of the error types: the typed encoders cost ~200 bytes of
    /// WASM each, [`fail`] once (the cover catalogue's pattern). The errors are listed for
    /// export-abi below; the tests compare every revert with the `sol!` type's own encoding.
    #[cfg_attr(test, derive(Debug))]
    pub struct ProductsError;
    errors: [
        Unauthorized,
        ZeroAddress,
        NotAContract,
        MathOverflow,
        InsufficientCapacity,
        TargetWeightTooHigh,
        TotalTargetWeightExceeded,
        TotalEffectiveWeightExceeded,
        TargetPriceTooHigh,
        TargetPriceBelowMin,
        AlreadyDeallocated,
        InvalidAllocationId,
        DuplicateProduct,
    ]
}

impl From<CallError> for ProductsError {
    /// A callee's revert data, passed on (a raw static call fails only with a revert).
    fn from(error: CallError) -> Self {
        match error {
            CallError::Revert(data) => Self(data),
            CallError::AbiDecodingFailed(_) => Self(Vec::new()),
        }
    }
}

/// Shorthand for entrypoint results.
type Res<T> = Result<T, ProductsError>;

/// Fails with the error whose selector is `selector` and whose arguments are `args` (every
/// error here has static arguments only: uints and addresses, one word each).
#[inline(never)]
fn error(selector: [u8; 4], args: &[U256]) -> ProductsError {
    ProductsError(encode(&selector, args))
}

/// Fails with [`error`]`(selector, args)`.
fn fail<T>(selector: [u8; 4], args: &[U256]) -> Res<T> {
    Err(error(selector, args))
}

/// [`MathOverflow`]: a value outside the supported domain.
fn overflow<T>() -> Res<T> {
    Err(overflowed())
}

#[inline(never)]
fn overflowed() -> ProductsError {
    error(MathOverflow::SELECTOR, &[])
}

/// Any math failure is a value outside the supported domain.
fn math<T>(result: Result<T, MathError>) -> Res<T> {
    result.map_err(|_| overflowed())
}

/// `value` as `u64`, or [`MathOverflow`].
fn small(value: U256) -> Res<u64> {
    if value > U256::from(u64::MAX) {
        return overflow();
    }
    Ok(value.as_limbs()[0])
}

/// `value` as `u64` if it fits in 32 bits (ids and buckets stored in 32-bit fields), or
/// [`MathOverflow`].
fn small32(value: u64) -> Res<u64> {
    if value > u64::from(u32::MAX) {
        return overflow();
    }
    Ok(value)
}

/// Allocation units of `amount_nxm`: `ceil(amount / 0.01 NXM)` (the lean division), saturating
/// at `u64::MAX`.
fn units_of(amount_nxm: U256) -> u64 {
    am::units_u64(pricing::allocation_units(amount_nxm).unwrap_or(U256::MAX))
}

/// `units` of 0.01 NXM in wei (exact: `u64::MAX · 10^16 < 2^128`).
fn nxm(units: u64) -> U256 {
    U256::from(u128::from(units) * 10_000_000_000_000_000u128)
}

/// The address in a word's low 20 bytes.
fn address_of(word: U256) -> Address {
    let bytes = word.to_be_bytes::<32>();
    let mut account = [0u8; 20];
    account.copy_from_slice(&bytes[12..]);
    Address::new(account)
}

/// A (pool, product)'s word, unpacked: limb 0 the bumped price's time, limb 1 the last
/// processed bucket, limb 2 four 16-bit fields (target price, bumped price, target weight,
/// effective weight), limb 3 the listed flag and (from bit 1) the capacity reduction the last
/// allocation was made with.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Settings {
    target_price: u64,
    bumped_price: u64,
    target_weight: u64,
    effective_weight: u64,
    bumped_at: u64,
    last_bucket: u64,
    listed: bool,
    /// The product's capacity reduction as of the last allocation (bps): `setProducts` uses it
    /// for the effective weight (without allocations it does not matter).
    reduction: u64,
}

impl Settings {
    fn decode(word: U256) -> Self {
        let [bumped_at, last_bucket, packed, flags] = *word.as_limbs();
        Self {
            target_price: packed & 0xffff,
            bumped_price: (packed >> 16) & 0xffff,
            target_weight: (packed >> 32) & 0xffff,
            effective_weight: packed >> 48,
            bumped_at,
            last_bucket,
            listed: flags & 1 != 0,
            reduction: flags >> 1,
        }
    }

    /// Every 16-bit field is in range by construction (prices ≤ 10 000, weights ≤ 100,
    /// effective weights ≤ `u16::MAX`).
    fn encode(&self) -> U256 {
        let packed = self.target_price
            | (self.bumped_price << 16)
            | (self.target_weight << 32)
            | (self.effective_weight << 48);
        U256::from_limbs([
            self.bumped_at,
            self.last_bucket,
            packed,
            u64::from(self.listed) | (self.reduction << 1),
        ])
    }
}

/// An allocation record, unpacked. Lane `j` is tranche `bucket_first_tranche_id(bucket) + j`.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Record {
    pool: u64,
    product: u64,
    bucket: u64,
    lanes: [u64; WINDOW],
    /// Whether its tail word was ever written (then it is rewritten with every change).
    tail: bool,
}

/// Per-tranche allocated units of one (pool, product) around the window `[c, c + 7]`: tranche
/// `t` at index `t − 4·⌊c/4⌋`, in up to three words of four.
struct Totals {
    first_group: u64,
    lanes: [u64; 12],
    loaded: [u64; 12],
}

impl Totals {
    fn index(&self, tranche: u64) -> usize {
        (tranche - 4 * self.first_group) as usize
    }

    /// The window's allocations, `[c, c + 7]`.
    fn window(&self, c: u64) -> [u64; WINDOW] {
        let at = self.index(c);
        let mut out = [0u64; WINDOW];
        out.copy_from_slice(&self.lanes[at..at + WINDOW]);
        out
    }

    fn sub(&mut self, tranche: u64, units: u64) {
        let i = self.index(tranche);
        self.lanes[i] = self.lanes[i].saturating_sub(units);
    }
}

/// The numbers of one prospective allocation (or the capacity view).
struct Plan {
    /// The current tranche: index 0 of the window.
    c: u64,
    /// The bucket at whose start it is freed.
    bucket: u64,
    /// The first tranche of that bucket's lanes.
    lane_base: u64,
    /// The usable window indices, `first..end`.
    first: usize,
    end: usize,
    /// Capacity per window tranche at the target weight.
    capacity: [u64; WINDOW],
    /// The window's capacity at full weight (for the effective weight).
    full_capacity: u64,
    /// Free capacity per window tranche after carry-over (0 outside `first..end`).
    free: [u64; WINDOW],
}

impl Plan {
    /// The usable tranches' capacity (what the price bump is relative to).
    fn usable_capacity(&self) -> u64 {
        am::sum(&self.capacity[self.first..self.end])
    }
}

/// Staking products' storage. Every word is read and written whole through
/// [`StakingProducts::read_word`] / [`StakingProducts::write_word`] (no typed fields: their accessors cost
/// code): slot 0 governance; slot 1 the staking-pool contract (low 160 bits) and the last
/// allocation id (bits 192–255: one read for the role check and the counter); slot 2 the cover
/// catalogue and the day in seconds (bits 192–255); everything keyed (per pool, per product, per
/// tranche group or bucket, per allocation) at `keccak256(key ‖ a ‖ b ‖ index)` (see
/// [`StakingProducts::slot`]).
#[storage]
#[entrypoint]
pub struct StakingProducts {}

/// Slot of the governance address.
const GOVERNANCE_SLOT: U256 = U256::ZERO;
/// Slot of the staking-pool contract and the last allocation id.
const STAKING_POOL_SLOT: U256 = U256::from_limbs([1, 0, 0, 0]);
/// Slot of the cover catalogue and the day.
const CATALOGUE_SLOT: U256 = U256::from_limbs([2, 0, 0, 0]);

/// Keys of the keyed words.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Key {
    /// (pool, product): the [`Settings`] word.
    Settings = 1,
    /// (pool, product, tranche / 4): allocated units of four tranches (`u64` lanes).
    Totals = 2,
    /// (pool, product, bucket): units freed at the bucket's start, eight `u32` lanes from
    /// `bucket_first_tranche_id(bucket)`.
    Expiring = 3,
    /// (pool): limb 0 the total target weight, limb 1 the total effective weight.
    Weights = 4,
    /// (allocation id): the record's head (pool | product << 32, bucket | has-tail << 32,
    /// lanes 0–3); the next slot holds its tail (lanes 4–7), written only when used.
    Record = 5,
}

/// Time constants and the current tranche and bucket.
#[derive(Clone, Copy)]
struct Clock {
    now: u64,
    day: u64,
    tranche: u64,
    bucket: u64,
    /// The current tranche id.
    c: u64,
    /// The current bucket id.
    cb: u64,
}

#[public]
impl StakingProducts {
    /// Sets the governance role and the time unit: tranches of 91 days, buckets of 28 days, a
    /// price decay of 2 % per day and a premium year of 365 days, each day `day_secs` seconds.
    ///
    /// # Errors
    /// [`ZeroAddress`] for a zero governance address; [`MathOverflow`] for a zero `day_secs`
    /// or one whose year overflows 64 bits.
    ///
    /// # Events
    /// [`GovernanceChanged`] (from zero).
    #[constructor]
    pub fn constructor(&mut self, governance: Address, day_secs: u64) -> Res<()> {
        if governance.is_zero() {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        if day_secs == 0 || day_secs > u64::MAX / pricing::YEAR_DAYS {
            return overflow();
        }
        self.set_address(GOVERNANCE_SLOT, governance);
        self.write_word(CATALOGUE_SLOT, U256::from_limbs([0, 0, 0, day_secs]));
        self.log_governance(Address::ZERO, governance);
        Ok(())
    }

    /// Lists a new pool's products: each `(productId, targetWeight, targetPriceBps)` is checked
    /// as in [`Self::set_products`]; the bumped price starts at the product's initial price and
    /// the effective weight at the target (a new pool has no allocations). Staking-pool
    /// contract only (at pool creation).
    ///
    /// # Errors
    /// [`Unauthorized`]; the errors of [`Self::set_products`] except
    /// [`TotalEffectiveWeightExceeded`]; the catalogue's revert, passed on.
    ///
    /// # Events
    /// [`ProductUpdated`] per product.
    pub fn initialize_products(&mut self, pool_id: U256, products: Vec<ProductParams>) -> Res<()> {
        self.only(self.staking_pool())?;
        self.update_products(pool_id, products, false)
    }

    /// Allocates `amount_nxm` (rounded up to 0.01 NXM) of cover for `period_secs` in pool
    /// `pool_id` for `product_id`, from the earliest tranches alive at the cover's end plus
    /// `grace_period_secs`; `tranche_stakes_nxm[i]` is the stake of tranche
    /// `first_tranche_id + i`. Processes the product's expired buckets first. Returns
    /// `(premiumNxm, allocationId)`. Staking-pool contract only.
    ///
    /// # Errors
    /// [`Unauthorized`]; [`InsufficientCapacity`] with the units asked and available;
    /// [`MathOverflow`] for values outside the supported domain (an amount above 42.9 M NXM in
    /// one tranche, ids above 32 bits, a capacity reduction above 100 %).
    ///
    /// # Events
    /// [`Allocated`].
    #[allow(clippy::too_many_arguments)]
    pub fn allocate(
        &mut self,
        pool_id: U256,
        product_id: U256,
        amount_nxm: U256,
        period_secs: U256,
        grace_period_secs: U256,
        use_fixed_price: bool,
        capacity_reduction_bps: U256,
        min_price_bps: U256,
        first_tranche_id: U256,
        tranche_stakes_nxm: [U256; 8],
    ) -> Res<(U256, U256)> {
        self.only(self.staking_pool())?;
        let clock = self.clock();
        let units = units_of(amount_nxm);
        let period = small(period_secs)?;
        let mut s = self.settings(pool_id, product_id);
        let mut totals = self.expired_totals(pool_id, product_id, &s, &clock);
        let plan = self.plan(
            &s,
            &totals,
            &clock,
            period,
            small(grace_period_secs)?,
            capacity_reduction_bps,
            small(first_tranche_id)?,
            &tranche_stakes_nxm,
        )?;
        let fill = match am::fill_earliest(&plan.free, units) {
            Ok(fill) => fill,
            Err(available) => {
                return fail(
                    InsufficientCapacity::SELECTOR,
                    &[
                        pool_id,
                        product_id,
                        U256::from(units),
                        U256::from(available),
                    ],
                )
            }
        };
        // Checked by the capacity computation: at most 10 000.
        s.reduction = capacity_reduction_bps.as_limbs()[0];
        let price = self.price(&s, min_price_bps, use_fixed_price, &clock)?;
        let premium = math(pricing::premium(
            nxm(units),
            price,
            period,
            pricing::YEAR_DAYS * clock.day,
        ))?;
        if !use_fixed_price && units > 0 {
            let bumped = math(pricing::bumped_price_bps(
                price,
                U256::from(units),
                U256::from(plan.usable_capacity()),
            ))?;
            s.bumped_price = bumped.as_limbs()[0];
            s.bumped_at = clock.now;
        }
        // The record's lanes and the bucket's expiring units.
        let mut record = Record {
            pool: small32(small(pool_id)?)?,
            product: small32(small(product_id)?)?,
            bucket: small32(plan.bucket)?,
            lanes: [0; WINDOW],
            tail: false,
        };
        let mut expiring = self.expiring(pool_id, product_id, plan.bucket);
        for (i, &amount) in fill.iter().enumerate() {
            if amount == 0 {
                continue;
            }
            let tranche = plan.c + i as u64;
            let lane = (tranche - plan.lane_base) as usize;
            record.lanes[lane] = small32(amount)?;
            expiring[lane] = small32(expiring[lane] + amount)?;
            let at = totals.index(tranche);
            totals.lanes[at] = totals.lanes[at].saturating_add(amount);
        }
        let allocated = am::sum(&totals.window(plan.c));
        let effective = am::effective_weight(s.target_weight, allocated, plan.full_capacity);
        // Effects.
        if effective != s.effective_weight {
            let [target_total, effective_total, _, _] = self.weights(pool_id);
            self.set_weights(
                pool_id,
                target_total,
                effective_total + effective - s.effective_weight,
            );
            s.effective_weight = effective;
        }
        s.last_bucket = clock.cb;
        self.set_settings(pool_id, product_id, &s);
        self.store_totals(pool_id, product_id, &totals);
        self.set_expiring(pool_id, product_id, plan.bucket, &expiring);
        let mut pool_word = *self.read_word(STAKING_POOL_SLOT).as_limbs();
        let id = pool_word[3] + 1;
        pool_word[3] = id;
        self.write_word(STAKING_POOL_SLOT, U256::from_limbs(pool_word));
        self.set_record(id, &record);
        self.emit(
            Allocated::SIGNATURE_HASH,
            &[pool_id, product_id, U256::from(id)],
            &[nxm(units), premium, U256::from(s.bumped_price)],
        );
        Ok((premium, U256::from(id)))
    }

    /// Frees `amount_nxm` (rounded up to 0.01 NXM; everything left if it is at least that) of
    /// allocation `allocation_id` of pool `pool_id`, from the furthest tranche back. Once the
    /// allocation's bucket has been processed its capacity is already free: the call frees
    /// nothing and succeeds. Staking-pool contract only.
    ///
    /// # Errors
    /// [`Unauthorized`]; [`InvalidAllocationId`] for an unknown id or another pool's;
    /// [`AlreadyDeallocated`] if nothing is left of it.
    ///
    /// # Events
    /// [`Deallocated`] (with 0 freed after its bucket was processed).
    pub fn deallocate(&mut self, pool_id: U256, allocation_id: U256, amount_nxm: U256) -> Res<()> {
        self.only(self.staking_pool())?;
        let last = U256::from(self.read_word(STAKING_POOL_SLOT).as_limbs()[3]);
        if allocation_id.is_zero() || allocation_id > last {
            return fail(InvalidAllocationId::SELECTOR, &[allocation_id]);
        }
        let id = allocation_id.as_limbs()[0];
        let mut record = self.record(id);
        if U256::from(record.pool) != pool_id {
            return fail(InvalidAllocationId::SELECTOR, &[allocation_id]);
        }
        let product_id = U256::from(record.product);
        let s = self.settings(pool_id, product_id);
        let left = am::sum(&record.lanes);
        if record.bucket <= s.last_bucket {
            // Its bucket was processed: its capacity is free already.
            self.log_deallocated(pool_id, allocation_id, 0, 0);
            return Ok(());
        }
        if left == 0 {
            return fail(AlreadyDeallocated::SELECTOR, &[allocation_id]);
        }
        let taken = am::take_from_back(&record.lanes, units_of(amount_nxm));
        let freed = am::sum(&taken);
        let clock = self.clock();
        let base = am::bucket_first_tranche_id(record.bucket, clock.bucket, clock.tranche);
        let mut expiring = self.expiring(pool_id, product_id, record.bucket);
        // Only the groups of active tranches it frees are read and written.
        let mut mask = 0u8;
        for (j, &amount) in taken.iter().enumerate() {
            let tranche = base + j as u64;
            if amount > 0 && tranche >= clock.c {
                mask |= 1 << (tranche / 4 - clock.c / 4);
            }
        }
        let mut totals = self.load_totals(pool_id, product_id, clock.c, mask);
        for (j, &amount) in taken.iter().enumerate() {
            record.lanes[j] -= amount;
            expiring[j] = expiring[j].saturating_sub(amount);
            let tranche = base + j as u64;
            if amount > 0 && tranche >= clock.c {
                totals.sub(tranche, amount);
            }
        }
        self.store_totals(pool_id, product_id, &totals);
        self.set_expiring(pool_id, product_id, record.bucket, &expiring);
        self.set_record(id, &record);
        self.log_deallocated(pool_id, allocation_id, freed, left - freed);
        Ok(())
    }

    /// Sets target weights and prices of pool `pool_id`'s products: each `(productId,
    /// targetWeight, targetPriceBps)` must be listable in the pool (asked of the catalogue),
    /// with a weight ≤ 100, a price ≤ 10 000 and ≥ the product's minimum, each product once;
    /// the pool's target weights must sum to ≤ 2 000. A changed price first rebases the bumped
    /// price (its decayed value, from now); a product listed for the first time starts at the
    /// catalogue's initial price. A changed weight recomputes the product's effective weight
    /// from the pool's tranche stakes (asked of the staking pool) and the capacity reduction of
    /// the product's last allocation; if any weight rose, the effective weights must sum to
    /// ≤ 2 000. The pool's manager only.
    ///
    /// # Errors
    /// [`Unauthorized`] (also for a pool without a manager: no such pool);
    /// [`TargetWeightTooHigh`]; [`TargetPriceTooHigh`]; [`TargetPriceBelowMin`];
    /// [`DuplicateProduct`]; [`TotalTargetWeightExceeded`]; [`TotalEffectiveWeightExceeded`];
    /// [`MathOverflow`]; the catalogue's or the staking pool's revert, passed on.
    ///
    /// # Events
    /// [`ProductUpdated`] per product.
    pub fn set_products(&mut self, pool_id: U256, products: Vec<ProductParams>) -> Res<()> {
        let caller = self.vm().msg_sender();
        let staking_pool = self.staking_pool();
        let manager = if staking_pool.is_zero() {
            Address::ZERO
        } else {
            let mut answer = [U256::ZERO];
            self.view(
                staking_pool,
                IStakingPool::managerCall::SELECTOR,
                &[pool_id],
                &mut answer,
            )?;
            address_of(answer[0])
        };
        if manager.is_zero() || manager != caller {
            return fail(Unauthorized::SELECTOR, &[address_word(caller)]);
        }
        self.update_products(pool_id, products, true)
    }

    /// Sets the contracts staking products trust: the staking-pool contract and the cover
    /// catalogue. Governance only; both must hold code.
    ///
    /// # Errors
    /// [`Unauthorized`]; [`ZeroAddress`]; [`NotAContract`].
    ///
    /// # Events
    /// [`ContractsSet`].
    pub fn set_contracts(&mut self, staking_pool: Address, cover_products: Address) -> Res<()> {
        self.only(self.governance())?;
        for account in [staking_pool, cover_products] {
            if account.is_zero() {
                return fail(ZeroAddress::SELECTOR, &[]);
            }
            if self.vm().code_size(account) == 0 {
                return fail(NotAContract::SELECTOR, &[address_word(account)]);
            }
        }
        self.set_address(STAKING_POOL_SLOT, staking_pool);
        self.set_address(CATALOGUE_SLOT, cover_products);
        self.emit(
            ContractsSet::SIGNATURE_HASH,
            &[],
            &[address_word(staking_pool), address_word(cover_products)],
        );
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    /// [`Unauthorized`]; [`ZeroAddress`] for zero.
    ///
    /// # Events
    /// [`GovernanceChanged`].
    pub fn set_governance(&mut self, new_governance: Address) -> Res<()> {
        let previous = self.governance();
        self.only(previous)?;
        if new_governance.is_zero() {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        self.set_address(GOVERNANCE_SLOT, new_governance);
        self.log_governance(previous, new_governance);
        Ok(())
    }

    /// `(targetWeight, effectiveWeight, targetPriceBps, bumpedPriceBps, bumpedPriceUpdatedAt)`
    /// of a pool's product (the effective weight as last computed).
    pub fn product(&self, pool_id: U256, product_id: U256) -> (U256, U256, U256, U256, U256) {
        let s = self.settings(pool_id, product_id);
        (
            U256::from(s.target_weight),
            U256::from(s.effective_weight),
            U256::from(s.target_price),
            U256::from(s.bumped_price),
            U256::from(s.bumped_at),
        )
    }

    /// `(totalTargetWeight, totalEffectiveWeight)` of a pool's products.
    pub fn pool_weights(&self, pool_id: U256) -> (U256, U256) {
        let [target, effective, _, _] = self.weights(pool_id);
        (U256::from(target), U256::from(effective))
    }

    /// The annual price in bps the next buyer pays now: the decayed bumped price, or the target
    /// for fixed-price products, never below the product's minimum (read from the catalogue).
    ///
    /// # Errors
    /// The catalogue's revert, passed on; [`MathOverflow`].
    pub fn current_price(&self, pool_id: U256, product_id: U256) -> Res<U256> {
        let s = self.settings(pool_id, product_id);
        self.catalogue_price(&s, product_id)
    }

    /// The premium in NXM for `amount_nxm` (rounded up to 0.01 NXM) of cover over
    /// `period_secs` bought now, as [`Self::allocate`] computes it.
    ///
    /// # Errors
    /// The catalogue's revert, passed on; [`MathOverflow`].
    pub fn quote_premium(
        &self,
        pool_id: U256,
        product_id: U256,
        amount_nxm: U256,
        period_secs: U256,
    ) -> Res<U256> {
        let s = self.settings(pool_id, product_id);
        let price = self.catalogue_price(&s, product_id)?;
        let year = pricing::YEAR_DAYS * self.clock().day;
        math(pricing::premium(
            nxm(units_of(amount_nxm)),
            price,
            small(period_secs)?,
            year,
        ))
    }

    /// `(totalCapacityNxm, allocatedNxm, availableNxm)` of a pool's product for a cover of
    /// `period_secs` bought now: the capacity of the tranches it may use, what is allocated in
    /// them, and what it can still get (less than the difference where earlier tranches'
    /// over-allocation carries over). Reads the pool's tranche stakes and the product's grace
    /// period and capacity reduction.
    ///
    /// # Errors
    /// The staking pool's or the catalogue's revert, passed on; [`MathOverflow`].
    pub fn capacity(
        &self,
        pool_id: U256,
        product_id: U256,
        period_secs: U256,
    ) -> Res<(U256, U256, U256)> {
        let (first_tranche, stakes) = self.tranche_stakes(pool_id)?;
        let product = self.catalogue_product(product_id)?;
        let (product_type, reduction) = (product[0], product[3]);
        let mut answer = [U256::ZERO; 2];
        self.view(
            self.cover_products(),
            ICoverProducts::productTypeCall::SELECTOR,
            &[product_type],
            &mut answer,
        )?;
        let grace = answer[1];
        let clock = self.clock();
        let s = self.settings(pool_id, product_id);
        let totals = self.expired_totals(pool_id, product_id, &s, &clock);
        let plan = self.plan(
            &s,
            &totals,
            &clock,
            small(period_secs)?,
            small(grace)?,
            reduction,
            first_tranche,
            &stakes,
        )?;
        let window = totals.window(clock.c);
        let allocated = am::sum(&window[plan.first..plan.end]);
        Ok((
            nxm(plan.usable_capacity()),
            nxm(allocated),
            nxm(am::sum(&plan.free)),
        ))
    }

    /// `(firstTrancheId, NXM allocated in each of the 8 tranches from it)`: the current tranche
    /// and the seven after it, expired buckets removed.
    pub fn tranche_allocations(&self, pool_id: U256, product_id: U256) -> (U256, [U256; 8]) {
        let clock = self.clock();
        let s = self.settings(pool_id, product_id);
        let totals = self.expired_totals(pool_id, product_id, &s, &clock);
        (U256::from(clock.c), nxm_lanes(&totals.window(clock.c)))
    }

    /// `(poolId, productId, expiryBucketId, firstTrancheId, NXM in each of the 8 tranches from
    /// it)` of an allocation (zeros for an unknown id). The lanes start at the first tranche
    /// an allocation of that bucket can use (`floor((bucket − 1) · 28 days / 91 days)`), which
    /// can be one before the cover's first usable tranche (that lane is then 0). The amounts
    /// are what is left after deallocations (an expired allocation keeps its amounts here).
    pub fn allocation(&self, allocation_id: U256) -> (U256, U256, U256, U256, [U256; 8]) {
        let record = if allocation_id > U256::from(u64::MAX) {
            Record::default()
        } else {
            self.record(allocation_id.as_limbs()[0])
        };
        let clock = self.clock();
        let base = am::bucket_first_tranche_id(record.bucket, clock.bucket, clock.tranche);
        (
            U256::from(record.pool),
            U256::from(record.product),
            U256::from(record.bucket),
            U256::from(base),
            nxm_lanes(&record.lanes),
        )
    }

    /// The trusted contracts: `(stakingPool, coverProducts)`.
    pub fn contracts(&self) -> (Address, Address) {
        (self.staking_pool(), self.cover_products())
    }

    /// The address holding the governance role.
    pub fn governance(&self) -> Address {
        self.address_at(GOVERNANCE_SLOT)
    }
}

impl StakingProducts {
    fn staking_pool(&self) -> Address {
        self.address_at(STAKING_POOL_SLOT)
    }

    fn cover_products(&self) -> Address {
        self.address_at(CATALOGUE_SLOT)
    }

    /// The address in the low 160 bits of a named slot.
    #[inline(never)]
    fn address_at(&self, slot: U256) -> Address {
        address_of(self.read_word(slot))
    }

    /// Sets the low 160 bits of a named slot to `account`, keeping its bits 192–255.
    #[inline(never)]
    fn set_address(&mut self, slot: U256, account: Address) {
        let mut limbs = *address_word(account).as_limbs();
        limbs[3] = self.read_word(slot).as_limbs()[3];
        self.write_word(slot, U256::from_limbs(limbs));
    }

    /// Fails with [`Unauthorized`] unless the caller is `role` (a zero role admits no one).
    fn only(&self, role: Address) -> Res<()> {
        let caller = self.vm().msg_sender();
        if role.is_zero() || caller != role {
            return fail(Unauthorized::SELECTOR, &[address_word(caller)]);
        }
        Ok(())
    }

    #[inline(never)]
    fn clock(&self) -> Clock {
        let now = self.vm().block_timestamp();
        let day = self.read_word(CATALOGUE_SLOT).as_limbs()[3];
        let (tranche, bucket) = (TRANCHE_DAYS * day, BUCKET_DAYS * day);
        Clock {
            now,
            day,
            tranche,
            bucket,
            c: now.checked_div(tranche).unwrap_or(0),
            cb: now.checked_div(bucket).unwrap_or(0),
        }
    }

    #[inline(never)]
    fn settings(&self, pool_id: U256, product_id: U256) -> Settings {
        Settings::decode(self.read_word(self.slot(Key::Settings, pool_id, product_id, 0)))
    }

    #[inline(never)]
    fn set_settings(&mut self, pool_id: U256, product_id: U256, s: &Settings) {
        let slot = self.slot(Key::Settings, pool_id, product_id, 0);
        self.write_word(slot, s.encode());
    }

    fn weights(&self, pool_id: U256) -> [u64; 4] {
        *self
            .read_word(self.slot(Key::Weights, pool_id, U256::ZERO, 0))
            .as_limbs()
    }

    fn set_weights(&mut self, pool_id: U256, target: u64, effective: u64) {
        let slot = self.slot(Key::Weights, pool_id, U256::ZERO, 0);
        self.write_word(slot, U256::from_limbs([target, effective, 0, 0]));
    }

    #[inline(never)]
    fn expiring(&self, pool_id: U256, product_id: U256, bucket: u64) -> [u64; WINDOW] {
        let word = self.read_word(self.slot(Key::Expiring, pool_id, product_id, bucket));
        am::unpack_u32x8(word)
    }

    /// Every lane is at most `u32::MAX` (checked where it grows).
    #[inline(never)]
    fn set_expiring(&mut self, pool_id: U256, product_id: U256, bucket: u64, lanes: &[u64; 8]) {
        let slot = self.slot(Key::Expiring, pool_id, product_id, bucket);
        self.write_word(slot, am::pack_u32x8(lanes));
    }

    /// Reads the tranche words around the window `[c, c + 7]` whose bit is set in `mask` (bit
    /// `k`: group `⌊c/4⌋ + k`).
    #[inline(never)]
    fn load_totals(&self, pool_id: U256, product_id: U256, c: u64, mask: u8) -> Totals {
        let first_group = c / 4;
        let mut lanes = [0u64; 12];
        for k in 0..3 {
            if mask & (1 << k) != 0 {
                let slot = self.slot(Key::Totals, pool_id, product_id, first_group + k as u64);
                lanes[4 * k..4 * k + 4].copy_from_slice(&am::unpack_u64x4(self.read_word(slot)));
            }
        }
        Totals {
            first_group,
            lanes,
            loaded: lanes,
        }
    }

    /// Writes the tranche words that changed.
    fn store_totals(&mut self, pool_id: U256, product_id: U256, totals: &Totals) {
        for k in 0..3 {
            let range = 4 * k..4 * k + 4;
            if totals.lanes[range.clone()] != totals.loaded[range.clone()] {
                let mut group = [0u64; 4];
                group.copy_from_slice(&totals.lanes[range]);
                let slot = self.slot(
                    Key::Totals,
                    pool_id,
                    product_id,
                    totals.first_group + k as u64,
                );
                self.write_word(slot, am::pack_u64x4(&group));
            }
        }
    }

    /// The window's per-tranche totals with every bucket up to the current one expired (in
    /// memory): buckets after the last processed one, from the first that can still touch an
    /// active tranche (at most ~27 buckets after a long idle time).
    #[inline(never)]
    fn expired_totals(
        &self,
        pool_id: U256,
        product_id: U256,
        s: &Settings,
        clock: &Clock,
    ) -> Totals {
        // Two words when the window starts a group, else three.
        let mask = if clock.c.is_multiple_of(4) {
            0b011
        } else {
            0b111
        };
        let mut totals = self.load_totals(pool_id, product_id, clock.c, mask);
        let start =
            am::first_bucket_touching(clock.c, clock.bucket, clock.tranche).max(s.last_bucket + 1);
        for bucket in start..=clock.cb {
            let lanes = self.expiring(pool_id, product_id, bucket);
            let base = am::bucket_first_tranche_id(bucket, clock.bucket, clock.tranche);
            for (j, &amount) in lanes.iter().enumerate() {
                let tranche = base + j as u64;
                if amount > 0 && tranche >= clock.c {
                    totals.sub(tranche, amount);
                }
            }
        }
        totals
    }

    /// Capacities, the usable range and the free capacity of a cover of `period` + `grace`
    /// bought now, over the window's (expired) totals.
    #[allow(clippy::too_many_arguments)]
    fn plan(
        &self,
        s: &Settings,
        totals: &Totals,
        clock: &Clock,
        period: u64,
        grace: u64,
        reduction_bps: U256,
        first_tranche: u64,
        stakes: &[U256; 8],
    ) -> Res<Plan> {
        let c = clock.c;
        let end_secs = match clock
            .now
            .checked_add(period)
            .and_then(|e| e.checked_add(grace))
        {
            Some(end) => end,
            None => return overflow(),
        };
        let bucket = am::expiry_bucket_id(end_secs, clock.bucket).max(clock.cb + 1);
        let lane_base = am::bucket_first_tranche_id(bucket, clock.bucket, clock.tranche);
        let first_usable = end_secs / clock.tranche;
        let first = (first_usable - c).min(WINDOW as u64) as usize;
        // Lanes reach tranche lane_base + 7 (always the window's end for covers of at least a
        // bucket: see `bucket_first_tranche_id`).
        let end = ((lane_base + WINDOW as u64).saturating_sub(c)).min(WINDOW as u64) as usize;
        let (capacity, full_capacity) =
            capacities(c, first_tranche, stakes, reduction_bps, s.target_weight)?;
        let free = am::free_capacity(&totals.window(c), &capacity, first, end.max(first));
        Ok(Plan {
            c,
            bucket,
            lane_base,
            first,
            end: end.max(first),
            capacity,
            full_capacity,
            free,
        })
    }

    /// The price now for the catalogue's minimum and pricing mode.
    #[inline(never)]
    fn price(&self, s: &Settings, min_price_bps: U256, fixed: bool, clock: &Clock) -> Res<U256> {
        let floor = pricing::floored_target_price_bps(U256::from(s.target_price), min_price_bps);
        if fixed {
            return Ok(floor);
        }
        math(pricing::decayed_price_bps(
            U256::from(s.bumped_price),
            floor,
            clock.now.saturating_sub(s.bumped_at),
            clock.day,
        ))
    }

    /// [`Self::price`] with the minimum and the pricing mode read from the catalogue.
    fn catalogue_price(&self, s: &Settings, product_id: U256) -> Res<U256> {
        let product = self.catalogue_product(product_id)?;
        self.price(s, product[1], !product[5].is_zero(), &self.clock())
    }

    /// The catalogue's `product(productId)`: `[productTypeId, minPriceBps, initialPriceBps,
    /// capacityReductionBps, coverAssets, useFixedPrice, isDeprecated]` as words.
    fn catalogue_product(&self, product_id: U256) -> Res<[U256; 7]> {
        let mut answer = [U256::ZERO; 7];
        self.view(
            self.cover_products(),
            ICoverProducts::productCall::SELECTOR,
            &[product_id],
            &mut answer,
        )?;
        Ok(answer)
    }

    /// The staking pool's `trancheStakes(poolId)`: the first active tranche and the stakes of
    /// the eight from it.
    fn tranche_stakes(&self, pool_id: U256) -> Res<(u64, [U256; 8])> {
        let mut answer = [U256::ZERO; 9];
        self.view(
            self.staking_pool(),
            IStakingPool::trancheStakesCall::SELECTOR,
            &[pool_id],
            &mut answer,
        )?;
        let mut stakes = [U256::ZERO; 8];
        stakes.copy_from_slice(&answer[1..]);
        Ok((small(answer[0])?, stakes))
    }

    /// Static-calls `to` with `selector` and word arguments (the declared interfaces' selectors
    /// and encodings: every function read here takes and returns static words only) and reads
    /// the first `answer.len()` words of the answer. One routine for the five views read
    /// instead of a typed stub and decoder each; booleans read as non-zero words, addresses
    /// as a word's low 20 bytes.
    ///
    /// # Errors
    /// The callee's revert data, passed on; [`NotAContract`] for an answer too short (an
    /// address without code answers nothing).
    #[inline(never)]
    fn view(&self, to: Address, selector: [u8; 4], args: &[U256], answer: &mut [U256]) -> Res<()> {
        let calldata = encode(&selector, args);
        let returned = static_call(self.vm(), Call::new(), to, &calldata)?;
        if returned.len() < 32 * answer.len() {
            return fail(NotAContract::SELECTOR, &[address_word(to)]);
        }
        for (word, chunk) in answer.iter_mut().zip(returned.chunks_exact(32)) {
            let mut bytes = [0u8; 32];
            bytes.copy_from_slice(chunk);
            *word = U256::from_be_bytes(bytes);
        }
        Ok(())
    }

    /// The checks and effects of `initializeProducts` (`live` false: effective weight = target)
    /// and `setProducts` (`live`: effective weights recomputed from the pool's stakes).
    fn update_products(
        &mut self,
        pool_id: U256,
        products: Vec<ProductParams>,
        live: bool,
    ) -> Res<()> {
        let clock = self.clock();
        let [mut target_total, mut effective_total, _, _] = self.weights(pool_id);
        let mut raised = false;
        let mut stakes: Option<(u64, [U256; 8])> = None;
        let mut updates = Vec::with_capacity(products.len());
        for (i, &(product_id, weight, price)) in products.iter().enumerate() {
            if weight > U256::from(am::MAX_TARGET_WEIGHT) {
                return fail(TargetWeightTooHigh::SELECTOR, &[product_id, weight]);
            }
            if price > U256::from(MAX_PRICE_BPS) {
                return fail(TargetPriceTooHigh::SELECTOR, &[product_id, price]);
            }
            if products[..i].iter().any(|p| p.0 == product_id) {
                return fail(DuplicateProduct::SELECTOR, &[product_id]);
            }
            let mut listing = [U256::ZERO; 3];
            self.view(
                self.cover_products(),
                ICoverProducts::productForPoolCall::SELECTOR,
                &[product_id, pool_id],
                &mut listing,
            )?;
            let [min_price, initial_price, _] = listing;
            if price < min_price {
                return fail(
                    TargetPriceBelowMin::SELECTOR,
                    &[product_id, price, min_price],
                );
            }
            let (weight, price) = (weight.as_limbs()[0], price.as_limbs()[0]);
            let mut s = self.settings(pool_id, product_id);
            if !s.listed {
                s.listed = true;
                s.bumped_price = initial_price.min(U256::from(MAX_PRICE_BPS)).as_limbs()[0];
                s.bumped_at = clock.now;
                s.last_bucket = clock.cb;
            } else if price != s.target_price {
                let decayed = math(pricing::decayed_price_bps(
                    U256::from(s.bumped_price),
                    U256::from(s.target_price),
                    clock.now.saturating_sub(s.bumped_at),
                    clock.day,
                ))?;
                s.bumped_price = decayed.as_limbs()[0];
                s.bumped_at = clock.now;
            }
            s.target_price = price;
            if weight != s.target_weight {
                raised |= weight > s.target_weight;
                target_total = target_total + weight - s.target_weight;
                s.target_weight = weight;
                let effective = if live {
                    if stakes.is_none() {
                        stakes = Some(self.tranche_stakes(pool_id)?);
                    }
                    let (first, amounts) = stakes.as_ref().unwrap();
                    let reduction = U256::from(s.reduction);
                    let (_, full) = capacities(clock.c, *first, amounts, reduction, 0)?;
                    let totals = self.expired_totals(pool_id, product_id, &s, &clock);
                    am::effective_weight(weight, am::sum(&totals.window(clock.c)), full)
                } else {
                    weight
                };
                effective_total = effective_total + effective - s.effective_weight;
                s.effective_weight = effective;
            }
            updates.push((product_id, s));
        }
        if target_total > am::MAX_TOTAL_WEIGHT {
            return fail(
                TotalTargetWeightExceeded::SELECTOR,
                &[pool_id, U256::from(target_total)],
            );
        }
        if raised && effective_total > am::MAX_TOTAL_WEIGHT {
            return fail(
                TotalEffectiveWeightExceeded::SELECTOR,
                &[pool_id, U256::from(effective_total)],
            );
        }
        for (product_id, s) in updates {
            self.set_settings(pool_id, product_id, &s);
            self.emit(
                ProductUpdated::SIGNATURE_HASH,
                &[pool_id, product_id],
                &[U256::from(s.target_weight), U256::from(s.target_price)],
            );
        }
        self.set_weights(pool_id, target_total, effective_total);
        Ok(())
    }

    fn record(&self, id: u64) -> Record {
        let slot = self.slot(Key::Record, U256::ZERO, U256::ZERO, id);
        let head = *self.read_word(slot).as_limbs();
        let has_tail = head[1] >> 32 != 0;
        let tail = if has_tail {
            *self.read_word(slot + U256::from(1u8)).as_limbs()
        } else {
            [0; 4]
        };
        let lanes = am::unpack_u32x8(U256::from_limbs([head[2], head[3], tail[0], tail[1]]));
        Record {
            pool: head[0] & 0xffff_ffff,
            product: head[0] >> 32,
            bucket: head[1] & 0xffff_ffff,
            lanes,
            tail: has_tail,
        }
    }

    /// Writes a record: the head always, the tail when lanes 4–7 are or were used. Every field
    /// is at most `u32::MAX` (checked by the caller).
    fn set_record(&mut self, id: u64, record: &Record) {
        let lanes = *am::pack_u32x8(&record.lanes).as_limbs();
        let slot = self.slot(Key::Record, U256::ZERO, U256::ZERO, id);
        let has_tail = record.tail || lanes[2] != 0 || lanes[3] != 0;
        self.write_word(
            slot,
            U256::from_limbs([
                record.pool | (record.product << 32),
                record.bucket | (u64::from(has_tail) << 32),
                lanes[0],
                lanes[1],
            ]),
        );
        if has_tail {
            self.write_word(
                slot + U256::from(1u8),
                U256::from_limbs([lanes[2], lanes[3], 0, 0]),
            );
        }
    }

    fn log_deallocated(&self, pool_id: U256, allocation_id: U256, freed: u64, remaining: u64) {
        self.emit(
            Deallocated::SIGNATURE_HASH,
            &[pool_id, allocation_id],
            &[nxm(freed), nxm(remaining)],
        );
    }

    fn log_governance(&self, previous: Address, new: Address) {
        self.emit(
            GovernanceChanged::SIGNATURE_HASH,
            &[address_word(previous), address_word(new)],
            &[],
        );
    }

    /// Logs an event: its signature and `indexed` words as topics, `data` as its words (every
    /// event here has static fields only). One routine for all of them instead of one typed
    /// encoder each.
    #[inline(never)]
    fn emit(&self, signature: B256, indexed: &[U256], data: &[U256]) {
        // Only fails for more than four topics (every event here has at most four).
        let _ = self
            .vm()
            .raw_log(&topics(signature, indexed), &encode(&[], data));
    }

    /// The slot of a keyed word: `keccak256(key ‖ a ‖ b ‖ index)` (72 bytes; far from the
    /// named slots 0–2).
    #[inline(never)]
    fn slot(&self, key: Key, a: U256, b: U256, index: u64) -> U256 {
        let mut preimage = [0u8; 73];
        preimage[0] = key as u8;
        preimage[1..33].copy_from_slice(&a.to_be_bytes::<32>());
        preimage[33..65].copy_from_slice(&b.to_be_bytes::<32>());
        preimage[65..].copy_from_slice(&index.to_be_bytes());
        U256::from_be_bytes(self.vm().native_keccak256(&preimage).0)
    }

    #[inline(never)]
    fn read_word(&self, slot: U256) -> U256 {
        U256::from_be_bytes(self.vm().storage_load_bytes32(slot).0)
    }

    #[inline(never)]
    fn write_word(&mut self, slot: U256, value: U256) {
        // The SDK's own storage writes go through the same cache, flushed when the call ends.
        unsafe { self.vm().storage_cache_bytes32(slot, B256::from(value)) }
    }
}

/// Units to NXM, lane by lane.
fn nxm_lanes(units: &[u64; WINDOW]) -> [U256; WINDOW] {
    let mut out = [U256::ZERO; WINDOW];
    for (o, &u) in out.iter_mut().zip(units) {
        *o = nxm(u);
    }
    out
}

/// Capacity per window tranche (`c + i`) at `weight` (0 skips it), and the window's total at
/// full weight; tranche `t`'s stake is `stakes[t − first_tranche]` (0 outside those eight).
/// Each is `tranche_capacity_units(stake, 20 000, reduction, weight)` (through
/// `mutual_math::allocation::capacity_units`, the same formula with its constants folded).
fn capacities(
    c: u64,
    first_tranche: u64,
    stakes: &[U256; 8],
    reduction_bps: U256,
    weight: u64,
) -> Res<([u64; WINDOW], u64)> {
    let reduction = small(reduction_bps)?;
    let mut capacity = [0u64; WINDOW];
    let mut full = 0u64;
    for (i, cap) in capacity.iter_mut().enumerate() {
        let tranche = c + i as u64;
        let offset = tranche.wrapping_sub(first_tranche);
        if tranche < first_tranche || offset >= 8 || stakes[offset as usize].is_zero() {
            continue;
        }
        let stake = stakes[offset as usize];
        for k in 0..2 {
            let w = if k == 0 {
                weight
            } else {
                am::WEIGHT_DENOMINATOR
            };
            let units = am::units_u64(math(am::capacity_units(stake, reduction, w))?);
            if k == 0 {
                *cap = units;
            } else {
                full = full.saturating_add(units);
            }
        }
    }
    Ok((capacity, full))
}

#[cfg(test)]
mod tests;
