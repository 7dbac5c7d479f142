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

/// When the reward stream of an allocation made at `start` for a cover of `period` with a grace
/// period of `grace` stops: the end of the bucket in which cover end plus grace falls,
/// `(floor((start + period + grace) / bucket_secs) + 1) * bucket_secs`. Always after `start`,
/// so the stream is never empty; an end exactly on a boundary falls in the bucket that starts
/// there. Stakers carry the claim risk through the grace period, so they are paid through it
/// (V2 streams to `ceil((start + period) / bucket) * bucket`, [`stream_end_secs`], without the
/// grace period).
///
/// # Errors
/// [`MathError::Overflow`] on overflow; [`MathError::DivisionByZero`] for a zero length.
pub fn reward_stream_end_secs(
    start_secs: u64,
    period_secs: u64,
    grace_period_secs: u64,
    bucket_secs: u64,
) -> Result<u64, MathError> {
    let end = start_secs
        .checked_add(period_secs)
        .and_then(|t| t.checked_add(grace_period_secs))
        .ok_or(MathError::Overflow)?;
    bucket_id(end, bucket_secs)?
        .checked_add(1)
        .and_then(|b| b.checked_mul(bucket_secs))
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
    // The product through `mul_div` (one 512-bit routine for all the staking math instead of
    // ruint's multiplication as well): `Overflow` beyond 256 bits, as `checked_mul`.
    let streamed = mul_div_down(
        reward_per_sec_nxm,
        U256::from(elapsed_secs),
        U256::from(1u8),
    )?;
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
    // 10 000 · secs < 2^78: exact in u128.
    let denominator = U256::from(10_000u128 * u128::from(stream_secs));
    let rate = mul_div_down(premium_nxm, reward_ratio_bps, denominator)?;
    let total = mul_div_down(rate, U256::from(stream_secs), U256::from(1u8))?;
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

#[cfg(test)]
mod tests {
    //! Hand-computed examples and property tests of the share and accumulator math, as the
    //! staking-pool contract combines it: a position earns `(acc − last)·shares/1e18`, the
    //! accumulator grows by `elapsed·rate·1e18/supply`, stake leaves at `stake·shares/supply`.
    extern crate std;
    use std::vec::Vec;

    use proptest::prelude::*;

    use super::*;

    fn u(x: u128) -> U256 {
        U256::from(x)
    }

    #[test]
    fn reward_stream_end_includes_the_grace_period() {
        let b = BUCKET_DURATION_SECS;
        // Cover ends at 2b − 1 and grace adds 2: the end falls in bucket 2, which ends at 3b.
        assert_eq!(reward_stream_end_secs(b, b - 1, 2, b), Ok(3 * b));
        // Exactly on a boundary: the end falls in the bucket that starts there.
        assert_eq!(reward_stream_end_secs(b, b, 0, b), Ok(3 * b));
        assert_eq!(reward_stream_end_secs(b, b - 1, 0, b), Ok(2 * b));
        assert_eq!(
            reward_stream_end_secs(u64::MAX, 1, 0, b),
            Err(MathError::Overflow)
        );
        assert_eq!(
            reward_stream_end_secs(u64::MAX, 0, 0, b),
            Err(MathError::Overflow)
        );
        assert_eq!(
            reward_stream_end_secs(1, 1, 1, 0),
            Err(MathError::DivisionByZero)
        );
    }

    /// Two stakers and a 10 % fee position share a stream: 1 000 shares and 3 000 shares, fee
    /// shares `4 000·10/90 = 444`, 4 444 reward shares; 4 444 NXM-wei a second for 100 s.
    #[test]
    fn two_stakers_and_a_fee_split_a_stream() {
        let fee = manager_fee_shares(u(1_000), u(10)).unwrap()
            + manager_fee_shares(u(3_000), u(10)).unwrap();
        // 111 + 333: each deposit's fee shares are rounded down on their own.
        assert_eq!(fee, u(444));
        let supply = u(4_444);
        let acc = reward_per_share_increase_wad(100, u(4_444), supply).unwrap();
        assert_eq!(acc, u(100) * crate::fixed::WAD);
        let alice = accrued_rewards_nxm(acc, U256::ZERO, u(1_000)).unwrap();
        let bob = accrued_rewards_nxm(acc, U256::ZERO, u(3_000)).unwrap();
        let manager = accrued_rewards_nxm(acc, U256::ZERO, fee).unwrap();
        assert_eq!((alice, bob, manager), (u(100_000), u(300_000), u(44_400)));
        assert_eq!(alice + bob + manager, u(444_400));
    }

    /// One step of a simulated pool: position `who` (of 3) settles after `elapsed` seconds and
    /// adds `shares`.
    fn step() -> impl Strategy<Value = (usize, u64, u128)> {
        (0usize..3, 0u64..2_000_000, 0u128..1u128 << 96)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// Positions settle at their own times while the supply changes: what they earn never
        /// exceeds what was streamed while anyone held shares, and the dust is at most
        /// `ceil(supply/1e18)` wei per accumulator step plus one wei per settlement.
        #[test]
        fn positions_never_earn_more_than_streamed(
            rate in 0u128..1u128 << 96,
            steps in proptest::collection::vec(step(), 1..24),
        ) {
            let rate = u(rate);
            let mut acc = U256::ZERO;
            let mut supply = U256::ZERO;
            let mut positions = [(U256::ZERO, U256::ZERO, U256::ZERO); 3];
            let (mut streamed, mut dust_bound) = (U256::ZERO, U256::ZERO);
            let settle = |acc: U256, p: &mut (U256, U256, U256)| {
                p.2 += accrued_rewards_nxm(acc, p.1, p.0).unwrap();
                p.1 = acc;
            };
            let mut settlements = 0u64;
            for (who, elapsed, shares) in steps {
                if !supply.is_zero() {
                    acc += reward_per_share_increase_wad(elapsed, rate, supply).unwrap();
                    streamed += rate * U256::from(elapsed);
                    dust_bound += (supply + crate::fixed::WAD - U256::from(1u8)) / crate::fixed::WAD;
                }
                settle(acc, &mut positions[who]);
                settlements += 1;
                positions[who].0 += u(shares);
                supply += u(shares);
            }
            for p in positions.iter_mut() {
                settle(acc, p);
                settlements += 1;
            }
            let earned: U256 = positions.iter().map(|p| p.2).fold(U256::ZERO, |a, b| a + b);
            prop_assert!(earned <= streamed);
            prop_assert!(streamed - earned <= dust_bound + U256::from(settlements));
        }

        /// A deposit never buys a claim on more stake than it brought, and the tranches' stakes
        /// never add up to more than the pool's.
        #[test]
        fn shares_never_claim_more_than_deposited(
            first in 1u128..1u128 << 96,
            deposits in proptest::collection::vec(1u128..1u128 << 96, 1..8),
            burned_bps in 0u64..10_000,
        ) {
            let mut stake = u(first);
            let mut supply = new_stake_shares(stake, U256::ZERO, U256::ZERO).unwrap();
            prop_assert!(supply >= U256::from(1u8));
            let mut holdings: Vec<U256> = std::vec![supply];
            for amount in deposits {
                let amount = u(amount);
                let shares = new_stake_shares(amount, supply, stake).unwrap();
                stake += amount;
                supply += shares;
                prop_assert!(stake_for_shares(stake, shares, supply).unwrap() <= amount);
                holdings.push(shares);
            }
            // A burn takes from everyone in proportion.
            stake -= crate::fixed::mul_div_down(stake, U256::from(burned_bps), crate::fixed::BPS).unwrap();
            let total: U256 = holdings
                .iter()
                .map(|s| stake_for_shares(stake, *s, supply).unwrap())
                .fold(U256::ZERO, |a, b| a + b);
            prop_assert!(total <= stake);
            prop_assert!(stake - total < U256::from(holdings.len()));
        }

        /// The manager's fee shares are at most `fee` % of all reward shares of a deposit, and
        /// short of it by less than one share.
        #[test]
        fn fee_shares_are_the_fee_share_of_rewards(shares in 0u128..1u128 << 127, fee in 0u64..100) {
            let shares = u(shares);
            let fee_shares = manager_fee_shares(shares, U256::from(fee)).unwrap();
            let total = shares + fee_shares;
            // fee_shares·(100 − fee) ≤ fee·shares < (fee_shares + 1)·(100 − fee), in terms of
            // the total: 100·fee_shares ≤ fee·total < 100·(fee_shares + 1) − fee.
            let fee = U256::from(fee);
            prop_assert!(fee_shares * U256::from(100u8) <= fee * total);
            prop_assert!(fee * total + fee < (fee_shares + U256::from(1u8)) * U256::from(100u8));
        }

        /// A stream mints `rate·secs` and never more than the reward share of the premium; what
        /// is not minted is below one wei a second.
        #[test]
        fn streams_mint_at_most_the_rewards(premium in 0u128..1u128 << 100, secs in 1u64..1u64 << 32) {
            let (rate, minted) = reward_stream(u(premium), U256::from(5_000u64), secs).unwrap();
            let rewards = u(premium) * U256::from(5_000u64) / BPS;
            prop_assert_eq!(minted, rate * U256::from(secs));
            prop_assert!(minted <= rewards);
            prop_assert!(rewards - minted < U256::from(secs));
        }
    }
}
