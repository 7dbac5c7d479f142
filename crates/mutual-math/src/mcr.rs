//! Minimum capital requirement (MCR): the desired MCR, its smoothing, and MCR%.
//!
//! `desired MCR = max(MCR floor, active cover / 4.8)`; the stored MCR moves toward it by at most
//! 500 bps per day of elapsed time and never by more than 100 bps in one update
//! (protocol-reference §4, with V1's floor as the design brief decides).

use alloy_primitives::U256;

use crate::{
    fixed::{mul_div_down, BPS},
    MathError,
};

/// Gearing factor 4.8 in bps: MCR target = active cover * 10 000 / 48 000.
pub const GEARING_FACTOR_BPS: U256 = U256::from_limbs([48_000, 0, 0, 0]);
/// Largest MCR move per day of elapsed time, in bps of the current MCR.
pub const MAX_MCR_INCREMENT_BPS_PER_DAY: u64 = 500;
/// Largest MCR move in one update, in bps of the current MCR.
pub const MAX_MCR_ADJUSTMENT_BPS: u64 = 100;
/// Seconds in a day.
pub const DAY_SECS: u64 = 86_400;

/// `max(mcr_floor_eth, floor(active_cover_eth * 10 000 / gearing_factor_bps))`: the MCR the
/// protocol steers toward, in wei.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `gearing_factor_bps == 0`; [`MathError::Overflow`] if
/// `active_cover_eth * 10 000` overflows.
pub fn desired_mcr_eth(
    active_cover_eth: U256,
    gearing_factor_bps: U256,
    mcr_floor_eth: U256,
) -> Result<U256, MathError> {
    let geared = mul_div_down(active_cover_eth, BPS, gearing_factor_bps)?;
    Ok(geared.max(mcr_floor_eth))
}

/// The MCR after `elapsed_secs` of smoothing from `stored_mcr_eth` toward `desired_mcr_eth`.
///
/// `adjustment_bps = min(floor(500 * elapsed / 1 day), 100)`; going up the result is
/// `min(floor(mcr * (10 000 + adj) / 10 000), desired)`, going down
/// `max(floor(mcr * (10 000 - adj) / 10 000), desired)`. Both bounds round down. A stored MCR of
/// zero (before the first update) jumps straight to the desired value.
///
/// # Errors
/// [`MathError::Overflow`] if `stored_mcr_eth * 10 100` overflows.
pub fn smoothed_mcr_eth(
    stored_mcr_eth: U256,
    desired_mcr_eth: U256,
    elapsed_secs: u64,
) -> Result<U256, MathError> {
    if stored_mcr_eth.is_zero() {
        return Ok(desired_mcr_eth);
    }
    // 500 * elapsed saturates long after the 100 bps cap applies (elapsed > 5e14 years).
    let by_time_bps = MAX_MCR_INCREMENT_BPS_PER_DAY.saturating_mul(elapsed_secs) / DAY_SECS;
    let adjustment_bps = by_time_bps.min(MAX_MCR_ADJUSTMENT_BPS);
    let going_up = desired_mcr_eth >= stored_mcr_eth;
    let factor_bps = if going_up {
        10_000 + adjustment_bps
    } else {
        10_000 - adjustment_bps
    };
    let bound = mul_div_down(stored_mcr_eth, U256::from(factor_bps), BPS)?;
    Ok(if going_up {
        bound.min(desired_mcr_eth)
    } else {
        bound.max(desired_mcr_eth)
    })
}

/// MCR% with four decimals: `floor(pool_value_eth * 10 000 / mcr_eth)` (10 000 = 100 %).
///
/// # Errors
/// [`MathError::ZeroMcr`] if `mcr_eth == 0`; [`MathError::Overflow`] if the result overflows.
pub fn mcr_ratio_bps(pool_value_eth: U256, mcr_eth: U256) -> Result<U256, MathError> {
    if mcr_eth.is_zero() {
        return Err(MathError::ZeroMcr);
    }
    mul_div_down(pool_value_eth, BPS, mcr_eth)
}

/// The capital left after paying `amount_eth` out of `capital_eth`, if it stays at or above the
/// MCR: `Some(capital − amount)` when `capital >= amount` and `capital − amount >= mcr`, else
/// `None`. The one rule for every payout that must not take capital under the MCR (sales to
/// the RAMM, treasury transfers); exact, no rounding.
pub fn capital_after_payout(capital_eth: U256, amount_eth: U256, mcr_eth: U256) -> Option<U256> {
    // Through the crate's by-reference subtraction: ruint's `checked_sub` takes its operands by
    // value (a copy each) and brings its own subtraction into every contract that pays out.
    let after = crate::wide::add_sub(&capital_eth, &amount_eth, true);
    (amount_eth <= capital_eth && after >= mcr_eth).then_some(after)
}
