//! The staking viewer: the dApp views of the staking pools (a pool's accounting, its tranches,
//! expired tranches' snapshots, positions, what a position could withdraw, undistributed
//! rewards), brought to the current block. It holds no state but the staking pool's address,
//! and computes every view from the pool's raw words (`IStakingPool.words`) with the pool's own
//! code (the `staking-records` crate), so it answers what the pool would settle to in the same
//! block. No contract calls it; it exists so that the staking pool stays under the size budget.

pub use crate::staking_pool::{MathOverflow, NotAContract, PoolNotFound, ZeroAddress};

crate::contract_interface! {
    interface IStakingViewer {
        /// `(manager, isPrivate, isHalted, feePercent, maxFeePercent, activeStakeNxm, stakeSharesSupply, rewardSharesSupply, rewardPerSecondNxm, accNxmPerRewardShareWad)`.
        function pool(uint256 poolId) external view returns (address, bool, bool, uint256, uint256, uint256, uint256, uint256, uint256, uint256);
        /// `(stakeShares, rewardShares)` of a tranche.
        function tranche(uint256 poolId, uint256 trancheId) external view returns (uint256, uint256);
        /// `(accNxmPerRewardShareAtExpiryWad, stakeAtExpiryNxm, stakeSharesSupplyAtExpiry)`; zeros until it expired.
        function expiredTranche(uint256 poolId, uint256 trancheId) external view returns (uint256, uint256, uint256);
        /// `(stakeShares, rewardShares, pendingRewardsNxm, lastAccNxmPerRewardShareWad)` of a
        /// position in a tranche (`tokenId` 0: the pool's fee position).
        function deposit(uint256 poolId, uint256 tokenId, uint256 trancheId) external view returns (uint256, uint256, uint256, uint256);
        /// `(stakeNxm, rewardsNxm)` a position could withdraw from `trancheId` now.
        function withdrawable(uint256 poolId, uint256 tokenId, uint256 trancheId) external view returns (uint256, uint256);
        /// Rewards streamed while the pool had no reward shares (they accrue to no one and stay
        /// in the staking pool's balance), as of now.
        function undistributedRewards(uint256 poolId) external view returns (uint256);
        /// The staking pool it reads (set at deployment).
        function stakingPool() external view returns (address);
    }
}

crate::contract_items! {
    /// A call to the staking pool's `words` failed or answered short (`stakingPool`: the
    /// address the viewer reads).
    #[derive(Debug, PartialEq, Eq)]
    error StakingPoolUnreadable(address stakingPool);
}
