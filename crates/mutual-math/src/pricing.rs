//! Cover pricing: premium, dynamic price (bump and decay), minimum price, commission and the
//! stakers' share of the premium (protocol-reference §5 and §6).
//!
//! Prices are annualised bps of the cover amount (10 000 = 100 % a year). Every rounding goes
//! the mutual's way: premiums and bumps round up, decay rounds down (the price stays higher),
//! the stakers' reward mint rounds down.

use alloy_primitives::U256;

use crate::{
    fixed::{div_up, mul_div_down, mul_div_up, BPS, WAD},
    MathError,
};

/// Seconds in a day on real networks (the default of the contracts' `day_secs`).
pub const DAY_SECS: u64 = 86_400;
/// Days in the year premiums are annualised over.
pub const YEAR_DAYS: u64 = 365;
/// Seconds in the 365-day year premiums are annualised over, on real networks.
pub const YEAR_SECS: u64 = YEAR_DAYS * DAY_SECS;
/// The default (and lowest default) annual price: 1 % a year.
pub const DEFAULT_MIN_PRICE_BPS: U256 = U256::from_limbs([100, 0, 0, 0]);
/// Price bump for using all of a pool's capacity: +5 % a year, i.e. +0.05 % per 1 % used.
pub const PRICE_BUMP_RATIO_BPS: U256 = U256::from_limbs([500, 0, 0, 0]);
/// Daily decay of the bumped price toward the target: 2 % a year per day.
pub const PRICE_CHANGE_PER_DAY_BPS: U256 = U256::from_limbs([200, 0, 0, 0]);
/// Prices are capped at 100 % a year.
pub const MAX_PRICE_BPS: U256 = BPS;
/// Distributors may take at most 30 % of what the buyer pays.
pub const MAX_COMMISSION_RATIO_BPS: U256 = U256::from_limbs([3_000, 0, 0, 0]);
/// Stakers are minted 50 % of the premium as rewards.
pub const STAKER_REWARD_RATIO_BPS: U256 = U256::from_limbs([5_000, 0, 0, 0]);
/// Capacity and allocations are counted in units of 0.01 NXM.
pub const NXM_PER_ALLOCATION_UNIT: U256 = U256::from_limbs([10_000_000_000_000_000, 0, 0, 0]);

/// `ceil(amount * annual_price_bps * period_secs / (10 000 * year_secs))`: the premium for
/// covering `amount` (any 18-decimal unit) for `period_secs`, where a year is `year_secs`
/// ([`YEAR_SECS`] on real networks, `365 * day_secs` on a devnet). Rounded up: the buyer pays
/// at least the exact premium (a nonzero cover for a nonzero time costs at least 1 wei).
///
/// # Errors
/// [`MathError::Overflow`] if the premium exceeds `U256::MAX` or the price exceeds `u64::MAX`
/// bps (prices are at most 10 000); [`MathError::DivisionByZero`] if `year_secs == 0`.
pub fn premium(
    amount: U256,
    annual_price_bps: U256,
    period_secs: u64,
    year_secs: u64,
) -> Result<U256, MathError> {
    // 128-bit products (no 256-bit multiplication): a price beyond `u64` is refused.
    if annual_price_bps > U256::from(u64::MAX) {
        return Err(MathError::Overflow);
    }
    let price_time = u128::from(annual_price_bps.as_limbs()[0]) * u128::from(period_secs);
    let year_bps = 10_000u128 * u128::from(year_secs);
    mul_div_up(amount, U256::from(price_time), U256::from(year_bps))
}

/// The price a pool charges at least: `max(target_price_bps, min_price_bps)`, where a product
/// minimum of 0 means the default 1 % a year.
pub fn floored_target_price_bps(target_price_bps: U256, min_price_bps: U256) -> U256 {
    let min = if min_price_bps.is_zero() {
        DEFAULT_MIN_PRICE_BPS
    } else {
        min_price_bps
    };
    target_price_bps.max(min)
}

/// The base price after `elapsed_secs` of decay: `max(target, bumped - floor(200 * elapsed /
/// day_secs))`, never below the target. A day is `day_secs` ([`DAY_SECS`] on real networks).
/// The decay rounds down: the price stays at or above the exact decayed price.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `day_secs == 0` (never overflows: `200 * elapsed` saturates
/// at `u64::MAX`, beyond 9·10^16 s, where the decay errs low).
pub fn decayed_price_bps(
    bumped_price_bps: U256,
    target_price_bps: U256,
    elapsed_secs: u64,
    day_secs: u64,
) -> Result<U256, MathError> {
    // 64-bit arithmetic: `200 * elapsed` saturates only beyond 9·10^16 s (a decay that then
    // errs low, keeping the price higher).
    let decay = (PRICE_CHANGE_PER_DAY_BPS.as_limbs()[0])
        .saturating_mul(elapsed_secs)
        .checked_div(day_secs)
        .ok_or(MathError::DivisionByZero)?;
    let decay = U256::from(decay);
    Ok(bumped_price_bps.saturating_sub(decay).max(target_price_bps))
}

/// The price left for the next buyer after `amount_units` of `total_capacity_units` were sold at
/// `base_price_bps`: `min(base + ceil(500 * amount / capacity), 10 000)`.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `total_capacity_units == 0`.
pub fn bumped_price_bps(
    base_price_bps: U256,
    amount_units: U256,
    total_capacity_units: U256,
) -> Result<U256, MathError> {
    let bump = mul_div_up(PRICE_BUMP_RATIO_BPS, amount_units, total_capacity_units)?;
    Ok(base_price_bps.saturating_add(bump).min(MAX_PRICE_BPS))
}

/// The distributor's commission charged on top of `premium`, so that it is `commission_ratio_bps`
/// of the gross amount paid: `floor(premium * 10 000 / (10 000 - ratio)) - premium`.
///
/// # Errors
/// [`MathError::RatioTooHigh`] if `commission_ratio_bps > 3 000`.
pub fn commission(premium: U256, commission_ratio_bps: U256) -> Result<U256, MathError> {
    if commission_ratio_bps > MAX_COMMISSION_RATIO_BPS {
        return Err(MathError::RatioTooHigh {
            ratio_bps: commission_ratio_bps,
            max_bps: MAX_COMMISSION_RATIO_BPS,
        });
    }
    let gross = mul_div_down(premium, BPS, BPS - commission_ratio_bps)?;
    Ok(gross - premium)
}

/// `floor(premium_nxm * 50 %)`: the NXM minted to the underwriting pool's stakers.
///
/// # Errors
/// Never for inputs below `U256::MAX / 5 000`; [`MathError::Overflow`] above.
pub fn staker_reward_nxm(premium_nxm: U256) -> Result<U256, MathError> {
    mul_div_down(premium_nxm, STAKER_REWARD_RATIO_BPS, BPS)
}

/// `ceil(nxm / 0.01 NXM)`: an NXM amount in allocation units, rounded up.
///
/// # Errors
/// Never (the divisor is a non-zero constant); the `Result` comes from the shared division.
pub fn allocation_units(nxm: U256) -> Result<U256, MathError> {
    div_up(nxm, NXM_PER_ALLOCATION_UNIT)
}

/// Converts an amount of a cover asset to NXM at `price_wei_per_nxm`, rounded up (what a buyer
/// owes): `ceil(amount * 1e18 / price)`.
///
/// # Errors
/// [`MathError::DivisionByZero`] if the price is zero; [`MathError::Overflow`] on overflow.
pub fn asset_to_nxm_up(amount: U256, price_wei_per_nxm: U256) -> Result<U256, MathError> {
    mul_div_up(amount, WAD, price_wei_per_nxm)
}
