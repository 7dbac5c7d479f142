//! Cover arithmetic (protocol-reference §5): NXM↔asset conversions at the RAMM's internal price,
//! the 0.01-NXM allocation round-up, the refund credit of an edit, the 7-day active-cover
//! buckets and the pro-rata amounts of a claim payout.
//!
//! Prices are in asset wei per NXM (1e18 for a cover in NXM itself). Every rounding favours the
//! mutual: what a buyer is allocated or owes rounds up, what is credited or counted as covered
//! rounds down.

use alloy_primitives::U256;

use crate::{
    fixed::{mul_div_down, mul_div_up, BPS, WAD},
    pricing::NXM_PER_ALLOCATION_UNIT,
    MathError,
};

/// Claim burns take `deallocated · 10 000 / 20 000` of a pool's stake (the 2x capacity ratio).
pub const CAPACITY_RATIO_BPS: U256 = U256::from_limbs([20_000, 0, 0, 0]);

/// The NXM a pool is asked to allocate for `amount_in_asset` of cover:
/// `roundUp(ceil(amount · 1e18 / price), 0.01 NXM)`, i.e. the exact NXM value rounded up, then
/// up again to a whole allocation unit (V2's `NXM_PER_ALLOCATION_UNIT`).
///
/// # Errors
/// [`MathError::DivisionByZero`] for a zero price; [`MathError::Overflow`] if the result
/// exceeds `U256::MAX`.
pub fn cover_nxm_up(amount_in_asset: U256, price_wei_per_nxm: U256) -> Result<U256, MathError> {
    let nxm = mul_div_up(amount_in_asset, WAD, price_wei_per_nxm)?;
    let units = mul_div_up(nxm, U256::from(1u8), NXM_PER_ALLOCATION_UNIT)?;
    // Through the shared long division rather than `checked_mul`: ruint's overflowing
    // multiplication would add ~900 bytes of WASM to the cover contract.
    mul_div_down(units, NXM_PER_ALLOCATION_UNIT, U256::from(1u8))
}

/// `floor(nxm · price / 1e18)`: an NXM amount's value in the asset, rounded down (what the
/// allocated NXM covers, compared against the amount asked).
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub fn nxm_to_asset_down(nxm: U256, price_wei_per_nxm: U256) -> Result<U256, MathError> {
    mul_div_down(nxm, price_wei_per_nxm, WAD)
}

/// `ceil(nxm · price / 1e18)`: an NXM amount's value in the asset, rounded up (what a premium
/// in NXM costs in the asset).
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub fn nxm_to_asset_up(nxm: U256, price_wei_per_nxm: U256) -> Result<U256, MathError> {
    mul_div_up(nxm, price_wei_per_nxm, WAD)
}

/// The refund credit of a cover cut short at `now_secs`: `floor(premium · remaining / period)`
/// with `remaining = start + period − now` (0 at or after the end; the whole premium at or before
/// the start).
///
/// # Errors
/// [`MathError::DivisionByZero`] for a zero period.
pub fn edit_refund_nxm(
    premium_nxm: U256,
    start_secs: u64,
    period_secs: u64,
    now_secs: u64,
) -> Result<U256, MathError> {
    if period_secs == 0 {
        return Err(MathError::DivisionByZero);
    }
    let end = start_secs.saturating_add(period_secs);
    let remaining = end.saturating_sub(now_secs.max(start_secs));
    mul_div_down(premium_nxm, U256::from(remaining), U256::from(period_secs))
}

/// The active-cover bucket a cover ending at `end_secs` expires in: `ceil(end / bucket)`. Its
/// amount stops counting once the current bucket ([`current_bucket_id`]) reaches this id, i.e.
/// at `id · bucket ≥ end`.
///
/// # Errors
/// [`MathError::DivisionByZero`] for a zero bucket length.
pub fn expiry_bucket_id(end_secs: u64, bucket_secs: u64) -> Result<u64, MathError> {
    if bucket_secs == 0 {
        return Err(MathError::DivisionByZero);
    }
    Ok(end_secs.div_ceil(bucket_secs))
}

/// The active-cover bucket of `now_secs`: `floor(now / bucket)`. Every bucket up to and
/// including it has expired.
///
/// # Errors
/// [`MathError::DivisionByZero`] for a zero bucket length.
pub fn current_bucket_id(now_secs: u64, bucket_secs: u64) -> Result<u64, MathError> {
    if bucket_secs == 0 {
        return Err(MathError::DivisionByZero);
    }
    Ok(now_secs / bucket_secs)
}

/// The NXM of one pool's allocation freed by a payout of `payout` on a cover of `amount`:
/// `floor(cover_amount_nxm · payout / amount)`.
///
/// # Errors
/// [`MathError::DivisionByZero`] for a zero cover amount.
pub fn payout_deallocation_nxm(
    cover_amount_nxm: U256,
    payout: U256,
    amount: U256,
) -> Result<U256, MathError> {
    mul_div_down(cover_amount_nxm, payout, amount)
}

/// The stake burned for a deallocation of `deallocated_nxm`: `floor(deallocated · 10 000 /
/// 20 000)`, half of it at the 2x capacity ratio (V2's `burnStake`).
///
/// # Errors
/// Never (the divisor is a non-zero constant); the `Result` comes from the shared division.
pub fn payout_burn_nxm(deallocated_nxm: U256) -> Result<U256, MathError> {
    mul_div_down(deallocated_nxm, BPS, CAPACITY_RATIO_BPS)
}

/// What is left of `value` (a cover's or an allocation's premium) when a payout of `payout`
/// shrinks a cover of `amount`: `floor(value · (amount − payout) / amount)`, so the part taken
/// away rounds up (a later edit's refund credit can only be smaller).
///
/// # Errors
/// [`MathError::DivisionByZero`] for a zero amount; [`MathError::OutOfRange`] for a payout
/// above the amount.
pub fn shrink_pro_rata(value: U256, payout: U256, amount: U256) -> Result<U256, MathError> {
    let left = amount.checked_sub(payout).ok_or(MathError::OutOfRange)?;
    mul_div_down(value, left, amount)
}
