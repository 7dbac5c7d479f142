//! Staking pools: members stake NXM in pools that underwrite cover and earn part of the premium
//! (protocol-reference §6). One contract holds every pool, keyed by pool id (from 1).
//!
//! This contract keeps the stake side: pools (manager, fee, privacy, halt), 91-day
//! tranches, deposits with their stake and reward shares, the reward stream and its per-bucket
//! cuts, expirations, withdrawals, extensions and burns. Each deposit position is a token of the
//! stake `position-nft` deployment; each pool's manager fee shares live under token id 0 of that
//! pool (they follow the manager, they are not a token). The
//! product side (weights, prices, capacity, allocations) is the `staking-products` contract,
//! which this one calls on every allocation and deallocation. Pool creation and the pools'
//! metadata are the `pool-registry` contract's (`pool_registry`), which registers each new pool
//! here (`registerPool`).
//!
//! Roles:
//! * **members**: `depositTo` (public pools, or the manager of a private one);
//! * **owners or approved operators of a stake position**: `extendDeposit`, `withdraw` (paid to
//!   the position's owner, who must be a member);
//! * **a pool's manager**: `setPoolFee`, `setPoolPrivacy`;
//! * **the pool registry**: `registerPool` (for a member's `IPoolRegistry.createPool`);
//! * **the cover contract**: `requestAllocation`, `requestDeallocation`, `burnStake`;
//! * **anyone**: `processExpirations`; membership asks `hasMemberState` before a leave or a
//!   switch (a pool's manager or a position's owner can do neither);
//! * **governance**: `setContracts`, `setGovernance`.

// `requestAllocation`, `requestDeallocation` and `withdraw` have more than seven parameters
// once the generated call methods add the host and the call context.
#![allow(clippy::too_many_arguments)]

pub use crate::common::{GovernanceChanged, MathOverflow, NotAContract, Unauthorized, ZeroAddress};

crate::contract_interface! {
    interface IStakingPool {
        // Members.
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

        // Anyone.
        function processExpirations(uint256 poolId) external;

        // The pool registry only.
        /// Stores a new pool managed by `manager` (the registry has checked its membership and
        /// the fees) and initializes its `products` `(productId, targetWeight, targetPriceBps)`
        /// in the staking-products contract; returns the pool's id.
        function registerPool(address manager, bool isPrivate, uint256 initialFeePercent, uint256 maxFeePercent, (uint256,uint256,uint256)[] calldata products) external returns (uint256 poolId);

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
        function setContracts(address nxmToken, address stakeNft, address stakingProducts, address cover, address poolRegistry) external;
        function setGovernance(address newGovernance) external;

        // Views (brought to the current block where time matters). The dApp views of pools,
        // tranches and positions are the staking viewer's (`staking_viewer`).
        function poolCount() external view returns (uint256);
        function manager(uint256 poolId) external view returns (address);
        /// Membership's question (`IMemberStateHolder`): whether `member` manages a pool or
        /// owns a stake position (the stake NFT's `balanceOf`).
        function hasMemberState(address member) external view returns (bool);
        /// `(firstActiveTrancheId, stake of each of the 8 tranches from it)`, as after processing expirations.
        function trancheStakes(uint256 poolId) external view returns (uint256, uint256[8] memory);
        /// The pool of a position (0: no such position).
        function tokenPool(uint256 tokenId) external view returns (uint256);
        /// The raw storage words at `keys` (the layout of the `staking-records` crate), zero
        /// where nothing was written: what the staking viewer computes the dApp views from.
        function words(uint256[] calldata keys) external view returns (uint256[] memory);
        function contracts() external view returns (address, address, address, address, address);
        function governance() external view returns (address);
    }
}

crate::contract_items! {
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
    /// Governance set the contracts the staking pools trust.
    event ContractsSet(address nxmToken, address stakeNft, address stakingProducts, address cover, address poolRegistry);

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
    /// The constructor's day length `daySecs` is outside 1..=86 400 seconds.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidDaySecs(uint256 daySecs);
    /// Pool `poolId` has more bucket starts to process than one call walks: it is processed
    /// until `processedUntilSecs`; call `processExpirations(poolId)` (again) first.
    #[derive(Debug, PartialEq, Eq)]
    error ExpirationsPending(uint256 poolId, uint256 processedUntilSecs);
}
