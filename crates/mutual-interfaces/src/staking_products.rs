//! Staking products: what each pool underwrites, at what price, and how much of its capacity is
//! used (protocol-reference §5 "Premium per pool" and §6 "Capacity", without surge pricing).
//!
//! Per (pool, product): the manager's target weight and target price, the dynamic price (bumped
//! by each purchase, decaying 2 %/day toward the target, never below the product's minimum),
//! and the allocations per tranche with their expiry buckets. Capacity comes from the tranche
//! stakes the staking-pool contract passes in (or reports, for views).
//!
//! Roles:
//! * **the staking-pool contract**: `initializeProducts` (at pool creation), `allocate`,
//!   `deallocate`;
//! * **a pool's manager** (read from the staking-pool contract): `setProducts`;
//! * **governance**: `setContracts`, `setGovernance`.

// `allocate` takes ten arguments (the generated call stub twelve): the ABI is fixed.
#![allow(clippy::too_many_arguments)]

pub use crate::common::{GovernanceChanged, MathOverflow, NotAContract, Unauthorized, ZeroAddress};

crate::contract_interface! {
    interface IStakingProducts {
        // The staking-pool contract only.
        /// `products` are `(productId, targetWeight, targetPriceBps)`.
        function initializeProducts(uint256 poolId, (uint256,uint256,uint256)[] calldata products) external;
        /// Allocates `amountNxm` (rounded up to 0.01 NXM) of cover for `periodSecs` from the
        /// earliest tranches alive at cover end + grace; `trancheStakesNxm[i]` is the stake of
        /// tranche `firstTrancheId + i`. Returns `(premiumNxm, allocationId)`; ids count from 1.
        /// The allocation is freed when bucket `ceil((now + period + grace) / 28 days)` starts.
        function allocate(uint256 poolId, uint256 productId, uint256 amountNxm, uint256 periodSecs, uint256 gracePeriodSecs, bool useFixedPrice, uint256 capacityReductionBps, uint256 minPriceBps, uint256 firstTrancheId, uint256[8] calldata trancheStakesNxm) external returns (uint256, uint256);
        /// Frees `amountNxm` (rounded up to 0.01 NXM) of the allocation (everything left if it
        /// is at least that), from the furthest tranche back. Once the allocation's expiry
        /// bucket has been processed its capacity is free already: the call frees nothing and
        /// succeeds (a cover may be expired any time after its end).
        function deallocate(uint256 poolId, uint256 allocationId, uint256 amountNxm) external;

        // A pool's manager.
        /// `products` are `(productId, targetWeight, targetPriceBps)`; weight 0 stops new cover.
        function setProducts(uint256 poolId, (uint256,uint256,uint256)[] calldata products) external;

        // Governance only.
        function setContracts(address stakingPool, address coverProducts) external;
        function setGovernance(address newGovernance) external;

        // Views.
        /// `(targetWeight, effectiveWeight, targetPriceBps, bumpedPriceBps, bumpedPriceUpdatedAt)`.
        function product(uint256 poolId, uint256 productId) external view returns (uint256, uint256, uint256, uint256, uint256);
        /// `(totalTargetWeight, totalEffectiveWeight)` of a pool's products.
        function poolWeights(uint256 poolId) external view returns (uint256, uint256);
        /// The price the next buyer pays now, in annual bps (the decayed bumped price, or the
        /// target for fixed-price products, never below the minimum).
        function currentPrice(uint256 poolId, uint256 productId) external view returns (uint256);
        /// The premium in NXM for `amountNxm` of cover over `periodSecs` bought now.
        function quotePremium(uint256 poolId, uint256 productId, uint256 amountNxm, uint256 periodSecs) external view returns (uint256);
        /// `(totalCapacityNxm, allocatedNxm, availableNxm)` for a cover of `periodSecs` bought now.
        function capacity(uint256 poolId, uint256 productId, uint256 periodSecs) external view returns (uint256, uint256, uint256);
        /// `(firstTrancheId, allocated NXM in each of the 8 tranches from it)`, expired buckets removed.
        function trancheAllocations(uint256 poolId, uint256 productId) external view returns (uint256, uint256[8] memory);
        /// `(poolId, productId, expiryBucketId, firstTrancheId, NXM allocated in each of the 8 tranches from it)`;
        /// `firstTrancheId` is the first tranche an allocation of that bucket can use,
        /// `floor((expiryBucketId − 1) · 28 days / 91 days)`; zeros for an unknown id.
        function allocation(uint256 allocationId) external view returns (uint256, uint256, uint256, uint256, uint256[8] memory);
        function contracts() external view returns (address, address);
        function governance() external view returns (address);
    }
}

crate::contract_items! {
    /// Pool `poolId`'s manager set product `productId`'s target weight and price.
    event ProductUpdated(uint256 indexed poolId, uint256 indexed productId, uint256 targetWeight, uint256 targetPriceBps);
    /// `amountNxm` of cover was allocated in pool `poolId` for `premiumNxm`; the next buyer's
    /// price is `bumpedPriceBps`.
    event Allocated(uint256 indexed poolId, uint256 indexed productId, uint256 indexed allocationId, uint256 amountNxm, uint256 premiumNxm, uint256 bumpedPriceBps);
    /// `amountNxm` of allocation `allocationId` was freed (`remainingNxm` is left).
    event Deallocated(uint256 indexed poolId, uint256 indexed allocationId, uint256 amountNxm, uint256 remainingNxm);
    /// Governance set the contracts the staking products trust.
    event ContractsSet(address stakingPool, address coverProducts);

    /// Pool `poolId` has `availableUnits` of capacity (0.01 NXM units) left for product
    /// `productId` over the tranches a cover of this period may use; `requestedUnits` were asked.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientCapacity(uint256 poolId, uint256 productId, uint256 requestedUnits, uint256 availableUnits);
    /// A product's target weight `weight` is above 100.
    #[derive(Debug, PartialEq, Eq)]
    error TargetWeightTooHigh(uint256 productId, uint256 weight);
    /// The pool's target weights would sum to `totalWeight`, above 2 000.
    #[derive(Debug, PartialEq, Eq)]
    error TotalTargetWeightExceeded(uint256 poolId, uint256 totalWeight);
    /// The pool's effective weights (target, or more where allocations exceed it) would sum to
    /// `totalWeight`, above 2 000, after a weight increase.
    #[derive(Debug, PartialEq, Eq)]
    error TotalEffectiveWeightExceeded(uint256 poolId, uint256 totalWeight);
    /// A target price of `priceBps` is above 100 % a year.
    #[derive(Debug, PartialEq, Eq)]
    error TargetPriceTooHigh(uint256 productId, uint256 priceBps);
    /// A target price of `priceBps` is below the product's minimum `minPriceBps`.
    #[derive(Debug, PartialEq, Eq)]
    error TargetPriceBelowMin(uint256 productId, uint256 priceBps, uint256 minPriceBps);
    /// Allocation `allocationId` was already freed in full by deallocations (after its bucket
    /// expired a deallocation succeeds, freeing nothing).
    #[derive(Debug, PartialEq, Eq)]
    error AlreadyDeallocated(uint256 allocationId);
    /// Allocation `allocationId` does not exist or belongs to another pool.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidAllocationId(uint256 allocationId);
    /// The same product appears twice in one list.
    #[derive(Debug, PartialEq, Eq)]
    error DuplicateProduct(uint256 productId);
}
