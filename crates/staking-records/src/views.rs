//! The dApp views of the staking pools, computed from the pool's words as of the block
//! ([`Records::now`]): the pool's accounting, a tranche, an expired tranche's snapshot, a
//! position, what a position could withdraw, and the undistributed rewards. The staking viewer
//! serves them; the staking pool's unit tests read its own storage through them.

use alloy_primitives::{Address, U256};

use crate::{Overflow, Records, K_TRANCHE, K_UNDISTRIBUTED};

/// Why a view failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// No such pool.
    PoolNotFound,
    /// A value beyond the stored widths.
    Overflow,
}

impl From<Overflow> for Fault {
    fn from(_: Overflow) -> Self {
        Fault::Overflow
    }
}

/// `pool()`'s answer: manager, private, halted, fee %, max fee %, active stake, stake-share
/// supply, reward-share supply, reward per second, accumulator (WAD).
pub type PoolView = (
    Address,
    bool,
    bool,
    U256,
    U256,
    U256,
    U256,
    U256,
    U256,
    U256,
);

fn pool_of<R: Records + ?Sized>(records: &R, pool_id: U256) -> Result<u64, Fault> {
    Ok(records
        .pool_config(pool_id)
        .ok_or(Fault::PoolNotFound)?
        .pool)
}

/// The pool as of now: `(manager, isPrivate, isHalted, feePercent, maxFeePercent,
/// activeStakeNxm, stakeSharesSupply, rewardSharesSupply, rewardPerSecondNxm,
/// accNxmPerRewardShareWad)`.
pub fn pool<R: Records + ?Sized>(records: &R, pool_id: U256) -> Result<PoolView, Fault> {
    let config = records.pool_config(pool_id).ok_or(Fault::PoolNotFound)?;
    let (state, _) = records.state_now(config.pool)?;
    Ok((
        config.manager,
        config.is_private,
        config.is_halted,
        U256::from(config.fee),
        U256::from(config.max_fee),
        U256::from(state.active_stake),
        U256::from(state.stake_supply),
        U256::from(state.reward_supply),
        U256::from(state.reward_per_second),
        U256::from(state.acc),
    ))
}

/// `(stakeShares, rewardShares)` of a tranche (unchanged by its expiry).
pub fn tranche<R: Records + ?Sized>(
    records: &R,
    pool_id: U256,
    tranche_id: U256,
) -> Result<(U256, U256), Fault> {
    let pool = pool_of(records, pool_id)?;
    let (stake_shares, reward_shares) = records.pair(K_TRANCHE, pool, tranche_id.saturating_to());
    Ok((U256::from(stake_shares), U256::from(reward_shares)))
}

/// `(accNxmPerRewardShareAtExpiryWad, stakeAtExpiryNxm, stakeSharesSupplyAtExpiry)` of a
/// tranche as of now; zeros until it has expired (and for a tranche that expired empty).
pub fn expired_tranche<R: Records + ?Sized>(
    records: &R,
    pool_id: U256,
    tranche_id: U256,
) -> Result<(U256, U256, U256), Fault> {
    let pool = pool_of(records, pool_id)?;
    let (_, steps) = records.state_now(pool)?;
    let tranche: u64 = tranche_id.saturating_to();
    if tranche >= records.current_tranche() {
        return Ok((U256::ZERO, U256::ZERO, U256::ZERO));
    }
    let (acc, stake) = records.snapshot(pool, tranche, &steps);
    let supply = records.pair(K_TRANCHE, pool, tranche).0;
    Ok((U256::from(acc), U256::from(stake), U256::from(supply)))
}

/// `(stakeShares, rewardShares, pendingRewardsNxm, lastAccNxmPerRewardShareWad)` of a
/// position in a tranche as last settled (`token_id` 0: the pool's fee position); zeros for
/// a token of another pool. [`withdrawable`] has the amounts as of now.
pub fn deposit<R: Records + ?Sized>(
    records: &R,
    pool_id: U256,
    token_id: U256,
    tranche_id: U256,
) -> Result<(U256, U256, U256, U256), Fault> {
    let pool = pool_of(records, pool_id)?;
    let token = records.token_of(pool, token_id);
    let (shares, last, pending) = records.position(pool, token, tranche_id.saturating_to());
    let stake_shares = if token == Some(0) { 0 } else { shares };
    Ok((
        U256::from(stake_shares),
        U256::from(shares),
        U256::from(pending),
        U256::from(last),
    ))
}

/// `(stakeNxm, rewardsNxm)` position `token_id` (0: the fee position) could withdraw from
/// `tranche_id` now (stake only once the tranche has expired); zeros for a token of another
/// pool.
pub fn withdrawable<R: Records + ?Sized>(
    records: &R,
    pool_id: U256,
    token_id: U256,
    tranche_id: U256,
) -> Result<(U256, U256), Fault> {
    let pool = pool_of(records, pool_id)?;
    let (state, steps) = records.state_now(pool)?;
    let tranche: u64 = tranche_id.saturating_to();
    let expired = tranche < records.current_tranche();
    let token = records.token_of(pool, token_id);
    let (stake, rewards, _) =
        records.position_value_of(pool, token, tranche, expired, &state, &steps)?;
    Ok((U256::from(stake), U256::from(rewards)))
}

/// Rewards streamed while the pool had no reward shares, as of now: they accrue to no one
/// and stay in the staking pool's balance.
pub fn undistributed_rewards<R: Records + ?Sized>(
    records: &R,
    pool_id: U256,
) -> Result<U256, Fault> {
    let pool = pool_of(records, pool_id)?;
    let (state, _) = records.state_now(pool)?;
    let stored = records.pair(K_UNDISTRIBUTED, pool, 0).0;
    Ok(U256::from(
        stored.checked_add(state.undistributed).ok_or(Overflow)?,
    ))
}
