//! The cover arithmetic of `mutual_math::cover`: hand-computed examples, every error path, and
//! property tests against exact 512-bit arithmetic (each rounding in the mutual's favour).

use alloy_primitives::U512;
use mutual_math::{cover, fixed::WAD, MathError, U256};
use proptest::prelude::*;

fn u(x: u64) -> U256 {
    U256::from(x)
}

fn eth(x: u64) -> U256 {
    U256::from(x) * WAD
}

/// 0.01 NXM, the allocation unit.
fn unit() -> U256 {
    u(10_000_000_000_000_000)
}

fn wide(x: U256) -> U512 {
    U512::from(x)
}

#[test]
fn cover_nxm_rounds_up_to_the_allocation_unit() {
    // 10 ETH at 0.02 ETH per NXM: exactly 500 NXM, already whole units.
    let price = u(20_000_000_000_000_000);
    assert_eq!(cover::cover_nxm_up(eth(10), price), Ok(eth(500)));
    // One wei more: 500 NXM + 50 wei of NXM, up to the next 0.01 NXM.
    assert_eq!(
        cover::cover_nxm_up(eth(10) + u(1), price),
        Ok(eth(500) + unit())
    );
    // 1 ETH at 3 ETH per NXM: 0.333… NXM → 0.34 NXM.
    assert_eq!(cover::cover_nxm_up(eth(1), eth(3)), Ok(unit() * u(34)));
    // NXM cover (price 1e18): 1.234567 NXM → 1.24 NXM.
    assert_eq!(
        cover::cover_nxm_up(u(1_234_567_000_000_000_000), WAD),
        Ok(unit() * u(124))
    );
    assert_eq!(cover::cover_nxm_up(U256::ZERO, WAD), Ok(U256::ZERO));
    assert_eq!(cover::cover_nxm_up(u(1), WAD), Ok(unit()));
    assert_eq!(
        cover::cover_nxm_up(eth(1), U256::ZERO),
        Err(MathError::DivisionByZero)
    );
    assert_eq!(
        cover::cover_nxm_up(U256::MAX, u(1)),
        Err(MathError::Overflow)
    );
    // The largest amount at the lowest price: amount · 1e18 is a multiple of 0.01 NXM, so
    // the round-up to a whole unit can never pass what the quotient already reached.
    let top = U256::MAX / WAD;
    assert_eq!(cover::cover_nxm_up(top, u(1)), Ok(top * WAD));
}

#[test]
fn nxm_to_asset_rounds_both_ways() {
    let price = u(20_000_000_000_000_000);
    assert_eq!(cover::nxm_to_asset_down(eth(500), price), Ok(eth(10)));
    assert_eq!(cover::nxm_to_asset_up(eth(500), price), Ok(eth(10)));
    // 1 wei of NXM at 0.02 ETH: 0.02 wei of ETH.
    assert_eq!(cover::nxm_to_asset_down(u(1), price), Ok(U256::ZERO));
    assert_eq!(cover::nxm_to_asset_up(u(1), price), Ok(u(1)));
    assert_eq!(
        cover::nxm_to_asset_up(U256::MAX, u(2) * WAD),
        Err(MathError::Overflow)
    );
}

#[test]
fn edit_refund_is_the_unused_share_rounded_down() {
    // 10 NXM over 100 s, cut at 25 s: 75 % left = 7.5 NXM.
    assert_eq!(
        cover::edit_refund_nxm(eth(10), 1_000, 100, 1_025),
        Ok(u(7_500_000_000_000_000_000))
    );
    // 10 wei over 3 s with 1 s left: 3.33… → 3.
    assert_eq!(cover::edit_refund_nxm(u(10), 0, 3, 2), Ok(u(3)));
    // At the start: all of it; at or after the end: nothing.
    assert_eq!(
        cover::edit_refund_nxm(eth(10), 1_000, 100, 1_000),
        Ok(eth(10))
    );
    assert_eq!(
        cover::edit_refund_nxm(eth(10), 1_000, 100, 900),
        Ok(eth(10))
    );
    assert_eq!(
        cover::edit_refund_nxm(eth(10), 1_000, 100, 1_100),
        Ok(U256::ZERO)
    );
    assert_eq!(
        cover::edit_refund_nxm(eth(10), 1_000, 100, 5_000),
        Ok(U256::ZERO)
    );
    assert_eq!(
        cover::edit_refund_nxm(eth(10), 1_000, 0, 1_000),
        Err(MathError::DivisionByZero)
    );
}

#[test]
fn buckets_expire_a_cover_once_the_current_bucket_reaches_its_end() {
    let week = 7 * 86_400;
    // A cover ending exactly on a boundary belongs to that boundary's bucket.
    assert_eq!(cover::expiry_bucket_id(10 * week, week), Ok(10));
    assert_eq!(cover::expiry_bucket_id(10 * week + 1, week), Ok(11));
    assert_eq!(cover::current_bucket_id(10 * week - 1, week), Ok(9));
    assert_eq!(cover::current_bucket_id(10 * week, week), Ok(10));
    assert_eq!(
        cover::expiry_bucket_id(1, 0),
        Err(MathError::DivisionByZero)
    );
    assert_eq!(
        cover::current_bucket_id(1, 0),
        Err(MathError::DivisionByZero)
    );
}

#[test]
fn payout_amounts_follow_the_claim() {
    // The docs' example: a 50 ETH claim on a 50 ETH cover at 0.1 ETH/NXM allocated 500 NXM
    // frees all 500 NXM and burns 250 NXM of stake.
    let dealloc = cover::payout_deallocation_nxm(eth(500), eth(50), eth(50)).unwrap();
    assert_eq!(dealloc, eth(500));
    assert_eq!(cover::payout_burn_nxm(dealloc), Ok(eth(250)));
    // A 20 % partial claim: 100 NXM freed, 50 burned; the premium keeps 80 %.
    let dealloc = cover::payout_deallocation_nxm(eth(500), eth(10), eth(50)).unwrap();
    assert_eq!(dealloc, eth(100));
    assert_eq!(cover::payout_burn_nxm(dealloc), Ok(eth(50)));
    assert_eq!(cover::shrink_pro_rata(eth(5), eth(10), eth(50)), Ok(eth(4)));
    // Odd wei round down (freed, burned, left).
    assert_eq!(cover::payout_deallocation_nxm(u(10), u(1), u(3)), Ok(u(3)));
    assert_eq!(cover::payout_burn_nxm(u(3)), Ok(u(1)));
    assert_eq!(cover::shrink_pro_rata(u(10), u(1), u(3)), Ok(u(6)));
    assert_eq!(
        cover::payout_deallocation_nxm(u(1), u(1), U256::ZERO),
        Err(MathError::DivisionByZero)
    );
    assert_eq!(
        cover::shrink_pro_rata(u(1), u(4), u(3)),
        Err(MathError::OutOfRange)
    );
    assert_eq!(
        cover::shrink_pro_rata(u(1), U256::ZERO, U256::ZERO),
        Err(MathError::DivisionByZero)
    );
}

proptest! {
    /// The NXM allocated is a whole number of 0.01-NXM units, covers the amount at the price,
    /// and is less than one unit (plus one wei of rounding) above the exact value.
    #[test]
    fn cover_nxm_covers_the_amount(amount in 0u128..u128::MAX, price in 1u128..u128::MAX) {
        let (amount, price) = (U256::from(amount), U256::from(price));
        let nxm = cover::cover_nxm_up(amount, price).unwrap();
        prop_assert_eq!(nxm % unit(), U256::ZERO);
        // nxm · price ≥ amount · 1e18, and (nxm − unit) · price < amount · 1e18.
        prop_assert!(wide(nxm) * wide(price) >= wide(amount) * wide(WAD));
        if !nxm.is_zero() {
            prop_assert!(wide(nxm - unit()) * wide(price) < wide(amount) * wide(WAD));
        }
        // What it covers, rounded down, is never less than asked.
        prop_assert!(cover::nxm_to_asset_down(nxm, price).unwrap() >= amount);
    }

    /// Rounded up and down differ by at most one wei and bracket the exact value.
    #[test]
    fn asset_conversions_bracket_the_exact_value(nxm in any::<u128>(), price in any::<u128>()) {
        let (nxm, price) = (U256::from(nxm), U256::from(price));
        let down = cover::nxm_to_asset_down(nxm, price).unwrap();
        let up = cover::nxm_to_asset_up(nxm, price).unwrap();
        let exact = wide(nxm) * wide(price);
        prop_assert!(wide(down) * wide(WAD) <= exact);
        prop_assert!(wide(up) * wide(WAD) >= exact);
        prop_assert!(up - down <= U256::from(1u8));
    }

    /// The refund is never more than the premium's unused share, less than one wei below it,
    /// and never grows as time passes.
    #[test]
    fn refund_is_the_unused_share(
        premium in any::<u128>(),
        start in 0u64..1 << 40,
        period in 1u64..1 << 32,
        elapsed in 0u64..1 << 33,
    ) {
        let premium = U256::from(premium);
        let now = start + elapsed;
        let refund = cover::edit_refund_nxm(premium, start, period, now).unwrap();
        let remaining = period.saturating_sub(elapsed);
        let exact = wide(premium) * U512::from(remaining);
        prop_assert!(wide(refund) * U512::from(period) <= exact);
        prop_assert!((wide(refund) + U512::from(1u8)) * U512::from(period) > exact);
        prop_assert!(refund <= premium);
        let later = cover::edit_refund_nxm(premium, start, period, now + 1).unwrap();
        prop_assert!(later <= refund);
    }

    /// A payout never frees more than the allocation, never burns more than half of it, and
    /// what is left plus what is freed never exceeds what there was.
    #[test]
    fn payout_shares_stay_within_the_cover(
        cover_nxm in any::<u128>(),
        premium in any::<u128>(),
        amount in 1u128..u128::MAX,
        payout_share in 0u128..=u128::MAX,
    ) {
        let (cover_nxm, premium, amount) =
            (U256::from(cover_nxm), U256::from(premium), U256::from(amount));
        let payout = U256::from(payout_share % (amount.to::<u128>() + 1).max(1));
        let freed = cover::payout_deallocation_nxm(cover_nxm, payout, amount).unwrap();
        prop_assert!(freed <= cover_nxm);
        let burned = cover::payout_burn_nxm(freed).unwrap();
        prop_assert!(burned * U256::from(2u8) <= freed);
        let left = cover::shrink_pro_rata(premium, payout, amount).unwrap();
        prop_assert!(left <= premium);
        // The premium left is at most its exact share of the cover left.
        prop_assert!(wide(left) * wide(amount) <= wide(premium) * wide(amount - payout));
    }
}
