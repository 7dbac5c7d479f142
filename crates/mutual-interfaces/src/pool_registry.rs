//! The pool registry: pool creation and pool metadata, apart from the `staking-pool` contract
//! so that the staking pool stays under the size budget (protocol-reference §6).
//!
//! A member creates a pool here: the registry checks membership (`INxmToken.isMember`), the
//! fees and the metadata URI, then has the staking pool store the pool
//! (`IStakingPool.registerPool`, which accepts the registry only and initializes the pool's
//! products in the staking-products contract itself), and keeps the pool's metadata URI. The
//! pool's manager changes the URI here; the registry reads the manager from the staking pool
//! (`IStakingPool.manager`). Fee, privacy and everything about stake stay in the staking pool.
//!
//! Roles:
//! * **members**: `createPool` (the caller becomes the manager);
//! * **a pool's manager**: `setPoolMetadata`;
//! * **governance**: `setContracts`, `setGovernance`.

// `registerPool` and `createPool` carry a pool's settings: the generated call methods add the host and `self`.
#![allow(clippy::too_many_arguments)]

pub use crate::common::{GovernanceChanged, NotAContract, NotMember, Unauthorized, ZeroAddress};
pub use crate::staking_pool::{OnlyManager, PoolFeeExceedsMax, PoolNotFound};

crate::contract_interface! {
    interface IPoolRegistry {
        // Members.
        /// Creates a pool managed by the caller; returns its id. `products` are
        /// `(productId, targetWeight, targetPriceBps)`.
        function createPool(bool isPrivate, uint256 initialFeePercent, uint256 maxFeePercent, (uint256,uint256,uint256)[] calldata products, string calldata metadataUri) external returns (uint256);

        // A pool's manager.
        function setPoolMetadata(uint256 poolId, string calldata metadataUri) external;

        // Governance only.
        function setContracts(address nxmToken, address stakingPool) external;
        function setGovernance(address newGovernance) external;

        // Views.
        function poolMetadata(uint256 poolId) external view returns (string memory);
        function contracts() external view returns (address, address);
        function governance() external view returns (address);
    }
}

crate::contract_items! {
    /// Member `manager` created pool `poolId`.
    event PoolCreated(uint256 indexed poolId, address indexed manager, bool isPrivate, uint256 initialFeePercent, uint256 maxFeePercent, string metadataUri);
    /// The manager changed the pool's metadata.
    event PoolMetadataChanged(uint256 indexed poolId, string metadataUri);
    /// Governance set the contracts the registry trusts.
    event ContractsSet(address nxmToken, address stakingPool);

    /// A maximum fee of `maxFeePercent` % is not below 100 %.
    #[derive(Debug, PartialEq, Eq)]
    error MaxPoolFeeAbove100(uint256 maxFeePercent);
    /// A metadata URI is required.
    #[derive(Debug, PartialEq, Eq)]
    error MetadataRequired();
}
