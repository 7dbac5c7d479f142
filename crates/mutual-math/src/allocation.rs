//! Capacity and allocations of one product in one staking pool, in allocation units of 0.01 NXM
//! (protocol-reference §6 "Capacity" and "Weights").
//!
//! The functions work on the pool's *window* of active tranches: index `i` of every `[_; 8]` is
//! tranche `current + i` (the current tranche and the seven after it). Amounts are `u64` units
//! (1.8·10^17 NXM, far beyond any supply); capacities computed in `U256` by
//! [`crate::staking::tranche_capacity_units`] are brought in with [`units_u64`], which saturates.
//! Sums saturate at `u64::MAX` instead of wrapping.
//!
//! * [`free_capacity`]: what each usable tranche can still take, after over-allocation of
//!   earlier tranches (stake burned, weight lowered) has been carried over into later ones.
//! * [`fill_earliest`]: a new allocation, earliest usable tranche first.
//! * [`take_from_back`]: a deallocation, from the furthest tranche back.
//! * [`effective_weight`]: the weight a product really uses, for the pool's weight budget.
//! * Tranche and bucket bookkeeping: [`expiry_bucket_id`], [`bucket_first_tranche_id`],
//!   [`first_bucket_touching`], and the slot packings [`pack_u32x8`] / [`pack_u64x4`].
//!
//! Rounding: capacity rounds down (from `staking`), a fill never exceeds the free capacity, the
//! effective weight rounds up; every rounding keeps more capacity reserved, never less.

use alloy_primitives::U256;

use crate::{fixed::mul_div_down, MathError};

/// Tranches in a pool's window (the current one and the seven after it).
pub const WINDOW: usize = 8;
/// A product's weight that uses the whole of a tranche's capacity: 100 %.
pub const WEIGHT_DENOMINATOR: u64 = 100;
/// The highest target weight of one product: 100.
pub const MAX_TARGET_WEIGHT: u64 = 100;
/// The highest sum of a pool's target (and, after an increase, effective) weights: 2 000, i.e.
/// the pool's capacity may back 20 products at full weight.
pub const MAX_TOTAL_WEIGHT: u64 = 2_000;
/// Effective weights are stored in 16 bits: a product's actual weight is capped here.
pub const MAX_EFFECTIVE_WEIGHT: u64 = u16::MAX as u64;

/// A `U256` count of units as `u64`, saturating at `u64::MAX` (a capacity that large is
/// unreachable; saturating only ever understates it).
pub fn units_u64(units: U256) -> u64 {
    if units > U256::from(u64::MAX) {
        u64::MAX
    } else {
        units.as_limbs()[0]
    }
}

/// `10^4 (ratio) · 10^4 (reduction) · 100 (weight) · 10^16 (unit)`: the denominator of
/// [`capacity_units`].
const CAPACITY_DENOMINATOR: U256 = U256::from_limbs([0xdcc8_0cd2_e400_0000, 0x0052_b7d2, 0, 0]);

/// A tranche's capacity for a product at the 2x capacity ratio, in allocation units:
/// `floor(stake * 20 000 * (10 000 − reduction_bps) * weight% / (10^4 · 10^4 · 100 · 0.01 NXM))`,
/// exactly [`crate::staking::tranche_capacity_units`]`(stake, 20 000, reduction_bps, weight)`
/// with its constant factors folded (the factor `20 000 · (10 000 − r) · w ≤ 2·10^10` is a
/// `u64`): one 512-bit `mul_div`. Rounded down. The staking-products contract calls this one
/// (smaller code on the purchase path); a property test pins the two together.
///
/// # Errors
/// [`MathError::RatioTooHigh`] if `reduction_bps > 10 000` or `weight_percent > 100`;
/// [`MathError::Overflow`] if the result does not fit 256 bits (never for a stake below 2^200).
pub fn capacity_units(
    tranche_stake_nxm: U256,
    reduction_bps: u64,
    weight_percent: u64,
) -> Result<U256, MathError> {
    if reduction_bps > 10_000 || weight_percent > WEIGHT_DENOMINATOR {
        return Err(MathError::RatioTooHigh {
            ratio_bps: U256::from(reduction_bps.max(weight_percent)),
            max_bps: U256::from(10_000u64),
        });
    }
    let factor = 20_000 * (10_000 - reduction_bps) * weight_percent;
    mul_div_down(tranche_stake_nxm, U256::from(factor), CAPACITY_DENOMINATOR)
}

/// The capacity each tranche of the window can still take, given what is `allocated` in it and
/// its `capacity`, where only tranches `first_usable..end_usable` may take new allocations.
///
/// Walking the window from the current tranche, over-allocation (`allocated > capacity`, after
/// a burn or a lower weight) is carried over: it consumes the free capacity of the next tranches
/// first, usable or not (V2's `_allocate`). A usable tranche's free capacity is what is left:
/// `free[i] = capacity[i] − allocated[i] − carry consumed there`; 0 outside the usable range.
pub fn free_capacity(
    allocated: &[u64; WINDOW],
    capacity: &[u64; WINDOW],
    first_usable: usize,
    end_usable: usize,
) -> [u64; WINDOW] {
    let mut free = [0u64; WINDOW];
    let mut carry = 0u64;
    for i in 0..WINDOW {
        let (a, c) = (allocated[i], capacity[i]);
        if a >= c {
            carry = carry.saturating_add(a - c);
            continue;
        }
        let room = c - a;
        let consumed = room.min(carry);
        carry -= consumed;
        if i >= first_usable && i < end_usable {
            free[i] = room - consumed;
        }
    }
    free
}

/// Allocates `units` into the `free` capacity, earliest tranche first: each tranche takes
/// `min(free[i], what is left)`. Returns the amount per tranche (summing to `units`).
///
/// # Errors
/// `Err(available)` with the total free capacity (saturating sum) when it is below `units`.
pub fn fill_earliest(free: &[u64; WINDOW], units: u64) -> Result<[u64; WINDOW], u64> {
    let available = sum(free);
    if available < units {
        return Err(available);
    }
    let mut fill = [0u64; WINDOW];
    let mut left = units;
    for i in 0..WINDOW {
        let take = free[i].min(left);
        fill[i] = take;
        left -= take;
    }
    Ok(fill)
}

/// Takes `units` out of `amounts` from the last tranche back: each tranche gives
/// `min(amounts[i], what is left)`. Returns the amount taken per tranche (summing to
/// `min(units, sum(amounts))`).
pub fn take_from_back(amounts: &[u64; WINDOW], units: u64) -> [u64; WINDOW] {
    let mut taken = [0u64; WINDOW];
    let mut left = units;
    for i in (0..WINDOW).rev() {
        let take = amounts[i].min(left);
        taken[i] = take;
        left -= take;
    }
    taken
}

/// The saturating sum of amounts (a window's, or part of one).
pub fn sum(amounts: &[u64]) -> u64 {
    amounts.iter().fold(0u64, |s, &a| s.saturating_add(a))
}

/// A product's effective weight: `max(target, ceil(allocated * 100 / capacity_at_full_weight))`,
/// capped at [`MAX_EFFECTIVE_WEIGHT`]; the target alone where the full-weight capacity is 0 (no
/// stake: V2's rule). Rounded up, so a pool's weight budget never understates what is used.
pub fn effective_weight(target_weight: u64, allocated_units: u64, full_capacity_units: u64) -> u64 {
    if full_capacity_units == 0 {
        return target_weight;
    }
    // 64-bit arithmetic (no 128-bit division in contract code); `allocated * 100` saturates,
    // which only matters beyond 1.8·10^17 units and then hits the cap anyway.
    let actual = allocated_units
        .saturating_mul(WEIGHT_DENOMINATOR)
        .div_ceil(full_capacity_units)
        .min(MAX_EFFECTIVE_WEIGHT);
    target_weight.max(actual)
}

/// The bucket whose start frees an allocation backing a cover until `end_secs` (cover end plus
/// grace): `ceil(end / bucket_secs)` (V2's `divCeil`), so the capacity is freed at the first bucket
/// boundary at or after `end_secs`, never before it. Returns 0 if `bucket_secs == 0`.
pub fn expiry_bucket_id(end_secs: u64, bucket_secs: u64) -> u64 {
    if bucket_secs == 0 {
        return 0;
    }
    end_secs.div_ceil(bucket_secs)
}

/// The first tranche an allocation expiring at bucket `bucket_id` can be in:
/// `floor((bucket_id − 1) * bucket_secs / tranche_secs)` (0 for bucket 0 or a zero tranche).
///
/// Such an allocation backs a cover until some `end ∈ ((b − 1)·bucket, b·bucket]` and uses
/// tranches from `floor(end / tranche)` (at least this one) to `current + 7`; when the cover's
/// period plus grace is at least one bucket, `current ≤ floor((b − 1)·bucket / tranche)`, so every
/// tranche it uses lies in the eight from this one: per-bucket amounts and allocation records
/// index their eight lanes from it.
pub fn bucket_first_tranche_id(bucket_id: u64, bucket_secs: u64, tranche_secs: u64) -> u64 {
    // The bucket's start is a timestamp (below 2^64 for every bucket a timestamp can reach).
    bucket_id
        .saturating_sub(1)
        .saturating_mul(bucket_secs)
        .checked_div(tranche_secs)
        .unwrap_or(0)
}

/// The first bucket whose expiring amounts can still touch tranche `current_tranche_id` or later:
/// the first `b` with `bucket_first_tranche_id(b) + 7 ≥ current`, i.e.
/// `ceil((current − 7) * tranche_secs / bucket_secs) + 1` (1 while `current ≤ 7`). Buckets before
/// it only hold amounts of expired tranches, so expiry processing skips them. Returns `u64::MAX`
/// for a zero bucket length.
pub fn first_bucket_touching(current_tranche_id: u64, bucket_secs: u64, tranche_secs: u64) -> u64 {
    if bucket_secs == 0 {
        return u64::MAX;
    }
    let lowest = current_tranche_id.saturating_sub(WINDOW as u64 - 1);
    // A tranche's start is a timestamp: below 2^64 for every tranche a timestamp can reach.
    lowest
        .saturating_mul(tranche_secs)
        .div_ceil(bucket_secs)
        .saturating_add(1)
}

/// Packs eight 32-bit lanes (held in `u64`s; each must be below 2^32) into one word, lane `i`
/// at bits `32·i ..`.
pub fn pack_u32x8(lanes: &[u64; 8]) -> U256 {
    let mut limbs = [0u64; 4];
    for (i, limb) in limbs.iter_mut().enumerate() {
        *limb = lanes[2 * i] | (lanes[2 * i + 1] << 32);
    }
    U256::from_limbs(limbs)
}

/// The eight 32-bit lanes of a word packed by [`pack_u32x8`].
pub fn unpack_u32x8(word: U256) -> [u64; 8] {
    let limbs = word.as_limbs();
    let mut lanes = [0u64; 8];
    for (i, lane) in lanes.iter_mut().enumerate() {
        *lane = (limbs[i / 2] >> (32 * (i % 2))) & 0xffff_ffff;
    }
    lanes
}

/// Packs four `u64` lanes into one word (its limbs, lane `i` at bits `64·i ..`).
pub fn pack_u64x4(lanes: &[u64; 4]) -> U256 {
    U256::from_limbs(*lanes)
}

/// The four `u64` lanes of a word packed by [`pack_u64x4`].
pub fn unpack_u64x4(word: U256) -> [u64; 4] {
    *word.as_limbs()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn carry_over_consumes_later_capacity() {
        // Tranche 0 over-allocated by 30 (a burn): tranche 1 (not usable) absorbs 10 of it,
        // tranche 2 the remaining 20.
        let allocated = [130, 90, 0, 0, 0, 0, 0, 0];
        let capacity = [100, 100, 100, 100, 0, 0, 0, 0];
        assert_eq!(
            free_capacity(&allocated, &capacity, 2, 8),
            [0, 0, 80, 100, 0, 0, 0, 0]
        );
        // Without over-allocation, pre-usable tranches' free room is not usable.
        assert_eq!(
            free_capacity(&[0; 8], &capacity, 1, 3),
            [0, 100, 100, 0, 0, 0, 0, 0]
        );
        // A carry larger than every later room leaves nothing.
        assert_eq!(
            free_capacity(&[500, 0, 0, 0, 0, 0, 0, 0], &capacity, 0, 8),
            [0; 8]
        );
    }

    #[test]
    fn fills_earliest_first_and_reports_the_shortfall() {
        let free = [0, 50, 20, 100, 0, 0, 0, 7];
        assert_eq!(fill_earliest(&free, 60), Ok([0, 50, 10, 0, 0, 0, 0, 0]));
        assert_eq!(fill_earliest(&free, 177), Ok(free));
        assert_eq!(fill_earliest(&free, 178), Err(177));
        assert_eq!(fill_earliest(&free, 0), Ok([0; 8]));
    }

    #[test]
    fn takes_from_the_furthest_tranche_back() {
        let amounts = [10, 0, 20, 0, 0, 0, 5, 0];
        assert_eq!(take_from_back(&amounts, 15), [0, 0, 10, 0, 0, 0, 5, 0]);
        assert_eq!(take_from_back(&amounts, 1_000), amounts);
        assert_eq!(take_from_back(&amounts, 0), [0; 8]);
    }

    #[test]
    fn effective_weight_rounds_up_and_is_at_least_the_target() {
        assert_eq!(effective_weight(50, 0, 1_000), 50);
        // 501 / 1 000 = 50.1 % → 51.
        assert_eq!(effective_weight(50, 501, 1_000), 51);
        assert_eq!(effective_weight(0, 1, 1_000), 1);
        assert_eq!(effective_weight(20, 500, 0), 20);
        assert_eq!(effective_weight(20, u64::MAX, 1), MAX_EFFECTIVE_WEIGHT);
    }

    #[test]
    fn bucket_and_tranche_bookkeeping() {
        let (bucket, tranche) = (28 * 86_400u64, 91 * 86_400u64);
        // An end exactly on a boundary expires at that boundary's bucket; one second later, the next.
        assert_eq!(expiry_bucket_id(10 * bucket, bucket), 10);
        assert_eq!(expiry_bucket_id(10 * bucket + 1, bucket), 11);
        assert_eq!(expiry_bucket_id(1, 0), 0);
        // Bucket 14 frees covers that ended in (364, 392] days: tranche 4 (from day 364 = 4·91)
        // at the earliest; bucket 13's ended in (336, 364], in tranche 3 (273..364) or later.
        assert_eq!(bucket_first_tranche_id(14, bucket, tranche), 4);
        assert_eq!(bucket_first_tranche_id(13, bucket, tranche), 3);
        assert_eq!(bucket_first_tranche_id(0, bucket, tranche), 0);
        // In tranche 20, buckets before ceil(13·91/28) + 1 = 44 only hold expired tranches.
        assert_eq!(first_bucket_touching(20, bucket, tranche), 44);
        assert_eq!(bucket_first_tranche_id(44, bucket, tranche) + 7, 20);
        assert_eq!(bucket_first_tranche_id(43, bucket, tranche) + 7, 19);
        assert_eq!(first_bucket_touching(3, bucket, tranche), 1);
    }

    #[test]
    fn packings_round_trip() {
        let lanes = [1, u64::from(u32::MAX), 3, 0, 5, 6, 7, 8];
        assert_eq!(unpack_u32x8(pack_u32x8(&lanes)), lanes);
        assert_eq!(
            pack_u32x8(&[1, 0, 0, 0, 0, 0, 0, 2]),
            (U256::from(2u8) << 224) | U256::from(1u8)
        );
        let wide = [u64::MAX, 0, 9, 1 << 40];
        assert_eq!(unpack_u64x4(pack_u64x4(&wide)), wide);
        assert_eq!(units_u64(U256::MAX), u64::MAX);
        assert_eq!(units_u64(U256::from(7u8)), 7);
    }

    #[test]
    fn capacity_examples() {
        let nxm = |x: u64| U256::from(x) * U256::from(10u64).pow(U256::from(18u8));
        assert_eq!(
            CAPACITY_DENOMINATOR,
            U256::from(10u64).pow(U256::from(26u8))
        );
        // 1 000 NXM at weight 50, no reduction: 1 000 NXM of capacity = 100 000 units.
        assert_eq!(
            capacity_units(nxm(1_000), 0, 50),
            Ok(U256::from(100_000u64))
        );
        // With a 20 % reduction: 800 NXM.
        assert_eq!(
            capacity_units(nxm(1_000), 2_000, 50),
            Ok(U256::from(80_000u64))
        );
        assert_eq!(
            capacity_units(nxm(1_000), 0, 100),
            Ok(U256::from(200_000u64))
        );
        // Rounded down: 0.005 NXM of stake at full weight backs 0.01 NXM = 1 unit; less, none.
        assert_eq!(
            capacity_units(U256::from(5_000_000_000_000_000u64), 0, 100),
            Ok(U256::from(1u8))
        );
        assert_eq!(
            capacity_units(U256::from(4_999_999_999_999_999u64), 0, 100),
            Ok(U256::ZERO)
        );
        assert!(capacity_units(nxm(1), 10_001, 50).is_err());
        assert!(capacity_units(nxm(1), 0, 101).is_err());
    }

    fn window() -> impl Strategy<Value = [u64; WINDOW]> {
        proptest::array::uniform8(0u64..1_000_000)
    }

    proptest! {
        /// Every usable tranche's allocation stays within its capacity, carry-over included:
        /// walking the window after the fill, no usable tranche that received a fill ends up
        /// over-allocated, and the capacity left is the capacity before minus the fill.
        #[test]
        fn fill_never_exceeds_capacity(
            allocated in window(),
            capacity in window(),
            first in 0usize..=WINDOW,
            len in 0usize..=WINDOW,
            units in 0u64..5_000_000,
        ) {
            let end = (first + len).min(WINDOW);
            let free = free_capacity(&allocated, &capacity, first, end);
            for i in 0..WINDOW {
                prop_assert!(free[i] <= capacity[i].saturating_sub(allocated[i]));
                if i < first || i >= end { prop_assert_eq!(free[i], 0); }
            }
            match fill_earliest(&free, units) {
                Err(available) => prop_assert!(available < units && available == sum(&free)),
                Ok(fill) => {
                    prop_assert_eq!(sum(&fill), units);
                    let mut after = allocated;
                    for i in 0..WINDOW {
                        prop_assert!(fill[i] <= free[i]);
                        if fill[i] > 0 { prop_assert!(allocated[i] + fill[i] <= capacity[i]); }
                        after[i] += fill[i];
                    }
                    let free_after = free_capacity(&after, &capacity, first, end);
                    prop_assert_eq!(sum(&free_after), sum(&free) - units);
                    for i in 0..WINDOW { prop_assert_eq!(free_after[i], free[i] - fill[i]); }
                }
            }
        }

        /// Earlier usable tranches are exhausted before a later one takes anything.
        #[test]
        fn fill_order_is_earliest_first(free in window(), units in 0u64..5_000_000) {
            if let Ok(fill) = fill_earliest(&free, units) {
                for j in 0..WINDOW {
                    if fill[j] > 0 {
                        for i in 0..j { prop_assert_eq!(fill[i], free[i]); }
                    }
                }
            }
        }

        /// Deallocating what was allocated restores the free capacity exactly; deallocation
        /// takes from the back and never more than is there.
        #[test]
        fn dealloc_restores(
            allocated in window(),
            capacity in window(),
            first in 0usize..WINDOW,
            units in 0u64..5_000_000,
            partial in 0u64..5_000_000,
        ) {
            let free = free_capacity(&allocated, &capacity, first, WINDOW);
            if let Ok(fill) = fill_earliest(&free, units) {
                let mut after = allocated;
                for i in 0..WINDOW { after[i] += fill[i]; }
                let taken = take_from_back(&fill, units);
                prop_assert_eq!(taken, fill);
                let part = take_from_back(&fill, partial);
                prop_assert_eq!(sum(&part), partial.min(units));
                for j in 0..WINDOW {
                    prop_assert!(part[j] <= fill[j]);
                    if part[j] > 0 {
                        for k in j + 1..WINDOW { prop_assert_eq!(part[k], fill[k]); }
                    }
                    after[j] -= fill[j];
                }
                prop_assert_eq!(free_capacity(&after, &capacity, first, WINDOW), free);
            }
        }

        /// The folded capacity formula is the staking module's, to the unit.
        #[test]
        fn capacity_matches_the_staking_formula(
            stake in any::<u128>(),
            reduction in 0u64..=10_000,
            weight in 0u64..=100,
        ) {
            let stake = U256::from(stake) * U256::from(1_000u64);
            prop_assert_eq!(
                capacity_units(stake, reduction, weight),
                crate::staking::tranche_capacity_units(
                    stake,
                    crate::staking::GLOBAL_CAPACITY_RATIO_BPS,
                    U256::from(reduction),
                    U256::from(weight),
                )
            );
        }

        #[test]
        fn effective_weight_bounds(target in 0u64..=100, allocated in 0u64..1_000_000_000, cap in 1u64..1_000_000_000) {
            let w = effective_weight(target, allocated, cap);
            prop_assert!(w >= target);
            // The capacity at weight w covers the allocation (unless capped).
            if w < MAX_EFFECTIVE_WEIGHT {
                prop_assert!(u128::from(w) * u128::from(cap) >= u128::from(allocated) * 100);
            }
        }

        /// Every tranche a cover may use lies in the eight lanes from its bucket's first tranche.
        #[test]
        fn lanes_cover_every_usable_tranche(
            now in 1u64..10_000_000_000,
            period_days in 28u64..=365,
            grace in 0u64..(365 * 86_400),
            day in prop_oneof![Just(86_400u64), 1u64..100],
        ) {
            let (bucket, tranche) = (28 * day, 91 * day);
            let end = now + period_days * day + grace;
            let b = expiry_bucket_id(end, bucket);
            let base = bucket_first_tranche_id(b, bucket, tranche);
            let first_usable = end / tranche;
            let last = now / tranche + 7;
            prop_assert!(base <= first_usable);
            prop_assert!(last <= base + 7);
            // Freed at or after the end, within one bucket.
            prop_assert!(b * bucket >= end && (b - 1) * bucket < end);
            // Its bucket is walked while any of its tranches is active.
            prop_assert!(first_bucket_touching(last, bucket, tranche) <= b);
        }
    }
}
