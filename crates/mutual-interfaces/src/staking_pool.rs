//! Staking pools: members stake NXM in pools that underwrite cover and earn part of the premium
//! (protocol-reference §6). One contract holds every pool, keyed by pool id (from 1).
//!
//! This contract keeps the stake side: pools (manager, fee, privacy, metadata, halt), 91-day
//! tranches, deposits with their stake and reward shares, the reward stream and its per-bucket
//! cuts, expirations, withdrawals, extensions and burns. Each deposit position is a token of the
//! stake `position-nft` deployment; each pool's manager fee shares live under token id 0 of that
//! pool (they follow the manager, they are not a token). The
//! product side (weights, prices, capacity, allocations) is the `staking-products` contract,
//! which this one calls on every allocation and deallocation.
//!
//! Roles:
//! * **members**: `createPool` (the caller becomes the manager), `depositTo` (public pools, or
//!   the manager of a private one);
//! * **owners or approved operators of a stake position**: `extendDeposit`, `withdraw` (paid to
//!   the position's owner, who must be a member);
//! * **a pool's manager**: `setPoolFee`, `setPoolPrivacy`, `setPoolMetadata`;
//! * **the cover contract**: `requestAllocation`, `requestDeallocation`, `burnStake`;
//! * **anyone**: `processExpirations`;
//! * **governance**: `setContracts`, `setGovernance`.

use alloy_sol_types::sol;

pub use crate::common::{GovernanceChanged, MathOverflow, NotAContract, NotMember, Unauthorized, ZeroAddress};

crate::contract_interface! {
    interface IStakingPool {
        // Members.
        /// `products` are `(productId, targetWeight, targetPriceBps)`.
        function createPool(bool isPrivate, uint256 initialFeePercent, uint256 maxFeePercent, (uint256,uint256,uint256)[] calldata products, string calldata metadataUri) external returns (uint256);
        /// `tokenId` 0 mints a new stake position to `destination`; returns the position's id.
        function depositTo(uint256 poolId, uint256 amountNxm, uint256 trancheId, uint256 tokenId, address destination) external returns (uint256);

        // Owners or approved operators of a position.
        function extendDeposit(uint256 tokenId, uint256 fromTrancheId, uint256 toTrancheId, uint256 topUpNxm) external;
        /// Returns `(stakeNxm, rewardsNxm)` paid to the position's owner. `tokenId` 0 is the
        /// pool's fee position (reward shares only): its manager withdraws its rewards.
        function withdraw(uint256 poolId, uint256 tokenId, bool withdrawStake, bool withdrawRewards, uint256[] calldata trancheIds) external returns (uint256, uint256);

        // A pool's manager.
        function setPoolFee(uint256 poolId, uint256 newFeePercent) external;
        function setPoolPrivacy(uint256 poolId, bool isPrivate) external;
        function setPoolMetadata(uint256 poolId, string calldata metadataUri) external;

        // Anyone.
        function processExpirations(uint256 poolId) external;

        // The cover contract only.
        /// Returns `(premiumNxm, allocationId)`.
        function requestAllocation(uint256 poolId, uint256 productId, uint256 amountNxm, uint256 periodSecs, uint256 gracePeriodSecs, bool useFixedPrice, uint256 capacityReductionBps, uint256 minPriceBps) external returns (uint256, uint256);
        /// `premiumNxm` is the allocation's premium when the cover is cut short (an edit: the
        /// rest of its reward stream is burned), 0 at expiry.
        function requestDeallocation(uint256 poolId, uint256 allocationId, uint256 premiumNxm, uint256 startSecs, uint256 periodSecs, uint256 gracePeriodSecs) external;
        /// Burns `min(burnNxm, activeStake − 1)` of the pool's stake and frees `deallocateNxm`
        /// of the allocation (0 once the cover has ended). Returns the NXM burned.
        function burnStake(uint256 poolId, uint256 allocationId, uint256 burnNxm, uint256 deallocateNxm) external returns (uint256);

        // Governance only.
        function setContracts(address nxmToken, address stakeNft, address stakingProducts, address cover) external;
        function setGovernance(address newGovernance) external;

        // Views (brought to the current block where time matters).
        /// `(manager, isPrivate, isHalted, feePercent, maxFeePercent, activeStakeNxm, stakeSharesSupply, rewardSharesSupply, rewardPerSecondNxm, accNxmPerRewardShareWad)`.
        function pool(uint256 poolId) external view returns (address, bool, bool, uint256, uint256, uint256, uint256, uint256, uint256, uint256);
        function poolCount() external view returns (uint256);
        function poolMetadata(uint256 poolId) external view returns (string memory);
        function manager(uint256 poolId) external view returns (address);
        /// `(firstActiveTrancheId, stake of each of the 8 tranches from it)`, as after processing expirations.
        function trancheStakes(uint256 poolId) external view returns (uint256, uint256[8] memory);
        /// `(stakeShares, rewardShares)` of a tranche.
        function tranche(uint256 poolId, uint256 trancheId) external view returns (uint256, uint256);
        /// `(accNxmPerRewardShareAtExpiryWad, stakeAtExpiryNxm, stakeSharesSupplyAtExpiry)`; zeros until it expired.
        function expiredTranche(uint256 poolId, uint256 trancheId) external view returns (uint256, uint256, uint256);
        /// `(stakeShares, rewardShares, pendingRewardsNxm, lastAccNxmPerRewardShareWad)` of a
        /// position in a tranche (`tokenId` 0: the pool's fee position).
        function deposit(uint256 poolId, uint256 tokenId, uint256 trancheId) external view returns (uint256, uint256, uint256, uint256);
        /// The pool of a position (0: no such position).
        function tokenPool(uint256 tokenId) external view returns (uint256);
        /// `(stakeNxm, rewardsNxm)` a position could withdraw from `trancheId` now.
        function withdrawable(uint256 poolId, uint256 tokenId, uint256 trancheId) external view returns (uint256, uint256);
        function contracts() external view returns (address, address, address, address);
        function governance() external view returns (address);
    }
}

sol! {
    /// Member `manager` created pool `poolId`.
    event PoolCreated(uint256 indexed poolId, address indexed manager, bool isPrivate, uint256 initialFeePercent, uint256 maxFeePercent, string metadataUri);
    /// `user` deposited `amountNxm` into `trancheId` of `poolId` for position `tokenId`, which
    /// received `stakeShares` stake shares and `rewardShares` reward shares.
    event StakeDeposited(address indexed user, uint256 indexed poolId, uint256 indexed tokenId, uint256 trancheId, uint256 amountNxm, uint256 stakeShares, uint256 rewardShares);
    /// `user` moved position `tokenId` from `fromTrancheId` to `toTrancheId`, adding `topUpNxm`.
    event DepositExtended(address indexed user, uint256 indexed tokenId, uint256 fromTrancheId, uint256 toTrancheId, uint256 topUpNxm);
    /// `user` withdrew `stakeNxm` and `rewardsNxm` of position `tokenId` from `trancheId` (paid
    /// to the position's owner).
    event Withdraw(address indexed user, uint256 indexed tokenId, uint256 trancheId, uint256 stakeNxm, uint256 rewardsNxm);
    /// The pool's active stake and stake-share supply after a deposit, burn or expiry.
    event ActiveStakeUpdated(uint256 indexed poolId, uint256 activeStakeNxm, uint256 stakeSharesSupply);
    /// Tranche `trancheId` of `poolId` expired with `stakeAtExpiryNxm` behind its shares.
    event TrancheExpired(uint256 indexed poolId, uint256 trancheId, uint256 stakeAtExpiryNxm);
    /// Bucket `bucketId` of `poolId` started: the reward rate dropped by the streams ending there.
    event BucketExpired(uint256 indexed poolId, uint256 bucketId);
    /// An allocation's reward stream started: `rewardPerSecondNxm` until `streamEndSecs`,
    /// `rewardsNxm` minted to the pool up front.
    event RewardsStreamed(uint256 indexed poolId, uint256 indexed allocationId, uint256 rewardsNxm, uint256 rewardPerSecondNxm, uint256 streamEndSecs);
    /// A cut-short allocation's unstreamed rewards (`burnedNxm`) were burned.
    event RewardsBurned(uint256 indexed poolId, uint256 indexed allocationId, uint256 burnedNxm);
    /// `burnedNxm` of the pool's stake was burned for a claim payout.
    event StakeBurned(uint256 indexed poolId, uint256 burnedNxm);
    /// The pool's whole stake was burned: it is halted (no more deposits or allocations).
    event PoolHaltedByBurn(uint256 indexed poolId);
    /// The manager changed the pool's fee.
    event PoolFeeChanged(uint256 indexed poolId, address indexed manager, uint256 newFeePercent);
    /// The manager made the pool private (`true`) or public.
    event PoolPrivacyChanged(uint256 indexed poolId, address indexed manager, bool isPrivate);
    /// The manager changed the pool's metadata.
    event PoolMetadataChanged(uint256 indexed poolId, string metadataUri);
    /// Governance set the contracts the staking pools trust.
    event ContractsSet(address nxmToken, address stakeNft, address stakingProducts, address cover);

    /// Pool `poolId` does not exist.
    #[derive(Debug, PartialEq, Eq)]
    error PoolNotFound(uint256 poolId);
    /// `caller` is not the manager of pool `poolId`.
    #[derive(Debug, PartialEq, Eq)]
    error OnlyManager(address caller, uint256 poolId);
    /// Pool `poolId` is private: only its manager deposits.
    #[derive(Debug, PartialEq, Eq)]
    error PrivatePool(uint256 poolId);
    /// Pool `poolId` is halted: its whole stake was burned.
    #[derive(Debug, PartialEq, Eq)]
    error PoolHalted(uint256 poolId);
    /// A fee of `feePercent` % is above the pool's maximum `maxFeePercent` %.
    #[derive(Debug, PartialEq, Eq)]
    error PoolFeeExceedsMax(uint256 feePercent, uint256 maxFeePercent);
    /// A maximum fee of `maxFeePercent` % is not below 100 %.
    #[derive(Debug, PartialEq, Eq)]
    error MaxPoolFeeAbove100(uint256 maxFeePercent);
    /// A zero deposit or top-up where one is needed, or one too small for a single share.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientDepositAmount(uint256 amountNxm);
    /// Tranche `trancheId` is past the last open one, `maxTrancheId` (current + 7).
    #[derive(Debug, PartialEq, Eq)]
    error RequestedTrancheIsNotYetActive(uint256 trancheId, uint256 maxTrancheId);
    /// Tranche `trancheId` is before the current one, `currentTrancheId`.
    #[derive(Debug, PartialEq, Eq)]
    error RequestedTrancheIsExpired(uint256 trancheId, uint256 currentTrancheId);
    /// An extension's target `toTrancheId` is not after `fromTrancheId`.
    #[derive(Debug, PartialEq, Eq)]
    error NewTrancheEndsBeforeInitialTranche(uint256 fromTrancheId, uint256 toTrancheId);
    /// Stake is withdrawn only from expired tranches; `trancheId` is still active.
    #[derive(Debug, PartialEq, Eq)]
    error TrancheNotExpired(uint256 trancheId);
    /// Position `tokenId` belongs to another pool (`tokenPoolId`), or does not exist (0).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidStakingPoolForToken(uint256 tokenId, uint256 tokenPoolId, uint256 poolId);
    /// `caller` neither owns position `tokenId` nor is approved for it.
    #[derive(Debug, PartialEq, Eq)]
    error NotTokenOwnerOrApproved(address caller, uint256 tokenId);
    /// A metadata URI is required.
    #[derive(Debug, PartialEq, Eq)]
    error MetadataRequired();
}
