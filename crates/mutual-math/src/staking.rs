//! Staking-pool arithmetic: tranche and bucket ids, stake and reward shares, reward streaming and
//! capacity (protocol-reference §6). Durations are parameters (defaults below) so a devnet can
//! run a whole lifecycle in minutes.
//!
//! Rounding: shares, rewards and capacity round down (the pool never owes more than it holds);
//! stream ends round up to the next bucket boundary.

use alloy_primitives::U256;

use crate::{
    fixed::{mul_div_down, sqrt_down, BPS, WAD},
    pricing::NXM_PER_ALLOCATION_UNIT,
    MathError,
};

/// Default tranche length: 91 days.
pub const TRANCHE_DURATION_SECS: u64 = 91 * 86_400;
/// Default bucket length: 28 days (13 buckets = 4 tranches).
pub const BUCKET_DURATION_SECS: u64 = 28 * 86_400;
/// Tranches open for deposits: the current one and the next seven.
pub const MAX_ACTIVE_TRANCHES: u64 = 8;
/// Capacity is twice the stake.
pub const GLOBAL_CAPACITY_RATIO_BPS: U256 = U256::from_limbs([20_000, 0, 0, 0]);

/// `floor(timestamp / tranche_secs)`.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `tranche_secs == 0`.
pub fn tranche_id(timestamp_secs: u64, tranche_secs: u64) -> Result<u64, MathError> {
    timestamp_secs
        .checked_div(tranche_secs)
        .ok_or(MathError::DivisionByZero)
}

/// `floor(timestamp / bucket_secs)`.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `bucket_secs == 0`.
pub fn bucket_id(timestamp_secs: u64, bucket_secs: u64) -> Result<u64, MathError> {
    timestamp_secs
        .checked_div(bucket_secs)
        .ok_or(MathError::DivisionByZero)
}

/// The first tranche that may back a cover: `floor((now + period + grace) / tranche_secs)`, the
/// first still alive when the cover and its grace period end.
///
/// # Errors
/// [`MathError::Overflow`] if the sum overflows; [`MathError::DivisionByZero`] for a zero length.
pub fn first_usable_tranche_id(
    now_secs: u64,
    period_secs: u64,
    grace_period_secs: u64,
    tranche_secs: u64,
) -> Result<u64, MathError> {
    let end = now_secs
        .checked_add(period_secs)
        .and_then(|t| t.checked_add(grace_period_secs))
        .ok_or(MathError::Overflow)?;
    tranche_id(end, tranche_secs)
}

/// When a reward stream for a cover ending at `now + period` stops: the next bucket boundary,
/// `ceil((now + period) / bucket_secs) * bucket_secs`.
///
/// # Errors
/// [`MathError::Overflow`] on overflow; [`MathError::DivisionByZero`] for a zero length.
pub fn stream_end_secs(
    now_secs: u64,
    period_secs: u64,
    bucket_secs: u64,
) -> Result<u64, MathError> {
    if bucket_secs == 0 {
        return Err(MathError::DivisionByZero);
    }
    let end = now_secs
        .checked_add(period_secs)
        .ok_or(MathError::Overflow)?;
    end.div_ceil(bucket_secs)
        .checked_mul(bucket_secs)
        .ok_or(MathError::Overflow)
}

/// Stake shares for a deposit of `amount_nxm`: `floor(sqrt(amount))` into an empty pool,
/// otherwise `floor(share_supply * amount / active_stake)`.
///
/// # Errors
/// [`MathError::DivisionByZero`] if there are shares but no active stake (a fully burned pool).
pub fn new_stake_shares(
    amount_nxm: U256,
    share_supply: U256,
    active_stake_nxm: U256,
) -> Result<U256, MathError> {
    if share_supply.is_zero() {
        return Ok(sqrt_down(amount_nxm));
    }
    mul_div_down(share_supply, amount_nxm, active_stake_nxm)
}

/// The manager's extra reward shares for `reward_shares` deposited at a pool fee of
/// `fee_percent`: `floor(shares * fee / (100 - fee))`, so the manager gets `fee` % of all reward
/// shares of the deposit.
///
/// # Errors
/// [`MathError::RatioTooHigh`] if `fee_percent >= 100`.
pub fn manager_fee_shares(reward_shares: U256, fee_percent: U256) -> Result<U256, MathError> {
    let hundred = U256::from(100u8);
    if fee_percent >= hundred {
        return Err(MathError::RatioTooHigh {
            ratio_bps: fee_percent * U256::from(100u8),
            max_bps: BPS,
        });
    }
    mul_div_down(reward_shares, fee_percent, hundred - fee_percent)
}

/// Growth of the rewards accumulator: `floor(elapsed * reward_per_sec * 1e18 / share_supply)` NXM
/// (WAD) per reward share.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `reward_share_supply == 0` (no one to accrue to);
/// [`MathError::Overflow`] on overflow.
pub fn reward_per_share_increase_wad(
    elapsed_secs: u64,
    reward_per_sec_nxm: U256,
    reward_share_supply: U256,
) -> Result<U256, MathError> {
    let streamed = reward_per_sec_nxm
        .checked_mul(U256::from(elapsed_secs))
        .ok_or(MathError::Overflow)?;
    mul_div_down(streamed, WAD, reward_share_supply)
}

/// A deposit's rewards since its last update: `floor((acc - last_acc) * reward_shares / 1e18)`.
///
/// # Errors
/// [`MathError::Overflow`] if `last_acc > acc` or the product overflows.
pub fn accrued_rewards_nxm(
    acc_per_share_wad: U256,
    last_acc_per_share_wad: U256,
    reward_shares: U256,
) -> Result<U256, MathError> {
    let delta = acc_per_share_wad
        .checked_sub(last_acc_per_share_wad)
        .ok_or(MathError::Overflow)?;
    mul_div_down(delta, reward_shares, WAD)
}

/// The stake behind `shares` of a supply of `share_supply` over `stake_nxm`:
/// `floor(stake * shares / supply)` (a tranche's stake, or a withdrawal from an expired tranche).
///
/// # Errors
/// [`MathError::DivisionByZero`] if `share_supply == 0`.
pub fn stake_for_shares(
    stake_nxm: U256,
    shares: U256,
    share_supply: U256,
) -> Result<U256, MathError> {
    mul_div_down(stake_nxm, shares, share_supply)
}

/// NXM minted up front for a reward stream and its rate: `rate = floor(premium * reward_ratio /
/// 10 000 / stream_secs)`, returned as `(rate_per_sec, rate * stream_secs)`.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `stream_secs == 0`.
pub fn reward_stream(
    premium_nxm: U256,
    reward_ratio_bps: U256,
    stream_secs: u64,
) -> Result<(U256, U256), MathError> {
    let rate = mul_div_down(premium_nxm, reward_ratio_bps, BPS * U256::from(stream_secs))?;
    let total = rate
        .checked_mul(U256::from(stream_secs))
        .ok_or(MathError::Overflow)?;
    Ok((rate, total))
}

/// A tranche's capacity for a product in allocation units (0.01 NXM):
/// `floor(stake * capacity_ratio * (1 - reduction_ratio) * weight% / 0.01 NXM)`.
///
/// # Errors
/// [`MathError::RatioTooHigh`] if `capacity_reduction_bps > 10 000`; [`MathError::Overflow`].
pub fn tranche_capacity_units(
    tranche_stake_nxm: U256,
    capacity_ratio_bps: U256,
    capacity_reduction_bps: U256,
    weight_percent: U256,
) -> Result<U256, MathError> {
    if capacity_reduction_bps > BPS {
        return Err(MathError::RatioTooHigh {
            ratio_bps: capacity_reduction_bps,
            max_bps: BPS,
        });
    }
    let factor = capacity_ratio_bps
        .checked_mul(BPS - capacity_reduction_bps)
        .and_then(|f| f.checked_mul(weight_percent))
        .ok_or(MathError::Overflow)?;
    let denominator = BPS * BPS * U256::from(100u8) * NXM_PER_ALLOCATION_UNIT;
    mul_div_down(tranche_stake_nxm, factor, denominator)
}

/// NXM burned from a pool's stake for a deallocation of `deallocated_nxm` of cover:
/// `floor(deallocated * 10 000 / capacity_ratio)` (half of it at the 2x capacity ratio).
///
/// # Errors
/// [`MathError::DivisionByZero`] if `capacity_ratio_bps == 0`.
pub fn stake_burn_nxm(deallocated_nxm: U256, capacity_ratio_bps: U256) -> Result<U256, MathError> {
    mul_div_down(deallocated_nxm, BPS, capacity_ratio_bps)
}
