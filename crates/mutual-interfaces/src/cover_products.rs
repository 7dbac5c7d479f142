//! The cover catalogue: product types (claim method, grace period) and products (type, minimum
//! and initial price, capacity reduction, cover assets, allowed pools, fixed price, deprecation,
//! metadata), as in protocol-reference §5 "Catalogue".
//!
//! Cover assets are asset ids [`ASSET_ETH`] and [`ASSET_NXM`]; a product's `coverAssets` is a
//! bitmap over them ([`ASSET_BIT_ETH`], [`ASSET_BIT_NXM`]; 0 means both).
//!
//! Roles:
//! * **the advisory board** (any seat, read from membership) and **governance**: `setProductType`,
//!   `setProduct`;
//! * **governance**: `setContracts`, `setGovernance`;
//! * **anyone**: the views (the cover and staking-products contracts read them).

// The generated call methods add the host and the call context to the ABI's arguments.
#![allow(clippy::too_many_arguments)]

pub use crate::common::{GovernanceChanged, NotAContract, Unauthorized, ZeroAddress};

/// Asset id of ETH (cover asset and payment asset).
pub const ASSET_ETH: u8 = 0;
/// Asset id of NXM (cover asset and payment asset; V2's `NXM_ASSET_ID`).
pub const ASSET_NXM: u8 = 255;
/// Bit of ETH in a product's `coverAssets`.
pub const ASSET_BIT_ETH: u8 = 1;
/// Bit of NXM in a product's `coverAssets`.
pub const ASSET_BIT_NXM: u8 = 2;
/// Claim method of V2's individual claims (the only one).
pub const CLAIM_METHOD_INDIVIDUAL: u8 = 0;
/// The id that asks `setProductType` / `setProduct` to create a new entry (`type(uint256).max`).
pub const NEW_ID: alloy_primitives::U256 = alloy_primitives::U256::MAX;

crate::contract_interface! {
    interface ICoverProducts {
        // Advisory board and governance. An id of `type(uint256).max` creates a new entry;
        // each returns the entry's id.
        function setProductType(uint256 productTypeId, uint256 claimMethod, uint256 gracePeriodSecs, string calldata metadataUri) external returns (uint256);
        function setProduct(uint256 productId, uint256 productTypeId, uint256 minPriceBps, uint256 initialPriceBps, uint256 capacityReductionBps, uint256 coverAssets, bool useFixedPrice, bool isDeprecated, uint256[] calldata allowedPools, string calldata metadataUri) external returns (uint256);

        // Governance only.
        function setContracts(address membership, address stakingPool) external;
        function setGovernance(address newGovernance) external;

        // Views.
        /// `(claimMethod, gracePeriodSecs)`.
        function productType(uint256 productTypeId) external view returns (uint256, uint256);
        /// `(productTypeId, minPriceBps, initialPriceBps, capacityReductionBps, coverAssets, useFixedPrice, isDeprecated)`;
        /// `minPriceBps` is the effective minimum (the 1 % default where 0 was set).
        function product(uint256 productId) external view returns (uint256, uint256, uint256, uint256, uint256, bool, bool);
        function productTypeMetadata(uint256 productTypeId) external view returns (string memory);
        function productMetadata(uint256 productId) external view returns (string memory);
        /// The pools allowed to carry the product (empty: any pool).
        function allowedPools(uint256 productId) external view returns (uint256[] memory);
        function productCount() external view returns (uint256);
        function productTypeCount() external view returns (uint256);
        /// What the cover contract needs to sell `productId` in `coverAsset` from `poolIds`:
        /// `(gracePeriodSecs, minPriceBps, capacityReductionBps, useFixedPrice)`. Reverts unless
        /// the product exists, is not deprecated, covers the asset and allows every pool.
        function productForCover(uint256 productId, uint256 coverAsset, uint256[] calldata poolIds) external view returns (uint256, uint256, uint256, bool);
        /// What staking products need to list `productId` in `poolId`: `(minPriceBps,
        /// initialPriceBps, useFixedPrice)`. Reverts unless it exists and allows the pool.
        function productForPool(uint256 productId, uint256 poolId) external view returns (uint256, uint256, bool);
        function contracts() external view returns (address, address);
        function governance() external view returns (address);
    }
}

crate::contract_items! {
    /// Product type `productTypeId` was created or changed.
    event ProductTypeSet(uint256 indexed productTypeId, uint256 claimMethod, uint256 gracePeriodSecs, string metadataUri);
    /// Product `productId` was created or changed.
    event ProductSet(uint256 indexed productId, uint256 productTypeId, uint256 minPriceBps, uint256 initialPriceBps, uint256 capacityReductionBps, uint256 coverAssets, bool useFixedPrice, bool isDeprecated, string metadataUri);
    /// Governance set the contracts the catalogue trusts.
    event ContractsSet(address membership, address stakingPool);

    /// There is no product `productId`.
    #[derive(Debug, PartialEq, Eq)]
    error ProductNotFound(uint256 productId);
    /// There is no product type `productTypeId`.
    #[derive(Debug, PartialEq, Eq)]
    error ProductTypeNotFound(uint256 productTypeId);
    /// Product `productId` is deprecated: no new cover.
    #[derive(Debug, PartialEq, Eq)]
    error ProductDeprecated(uint256 productId);
    /// Pool `poolId` may not carry product `productId`.
    #[derive(Debug, PartialEq, Eq)]
    error PoolNotAllowedForThisProduct(uint256 productId, uint256 poolId);
    /// Pool `poolId` does not exist.
    #[derive(Debug, PartialEq, Eq)]
    error StakingPoolDoesNotExist(uint256 poolId);
    /// Product `productId` does not cover asset `coverAsset`, or the bitmap names an unknown asset.
    #[derive(Debug, PartialEq, Eq)]
    error CoverAssetNotSupported(uint256 productId, uint256 coverAsset);
    /// A metadata URI is required.
    #[derive(Debug, PartialEq, Eq)]
    error MetadataRequired();
    /// The initial price `initialPriceBps` is below the minimum `minPriceBps`.
    #[derive(Debug, PartialEq, Eq)]
    error InitialPriceRatioBelowMinPriceRatio(uint256 initialPriceBps, uint256 minPriceBps);
    /// The initial price `initialPriceBps` is above 100 % a year.
    #[derive(Debug, PartialEq, Eq)]
    error InitialPriceRatioAbove100Percent(uint256 initialPriceBps);
    /// The minimum price `minPriceBps` is above 100 % a year.
    #[derive(Debug, PartialEq, Eq)]
    error MinPriceRatioAbove100Percent(uint256 minPriceBps);
    /// The capacity reduction `capacityReductionBps` is above 100 %.
    #[derive(Debug, PartialEq, Eq)]
    error CapacityReductionRatioAbove100Percent(uint256 capacityReductionBps);
    /// Claim method `claimMethod` is not individual claims (0).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidClaimMethod(uint256 claimMethod);
    /// A grace period of `gracePeriodSecs` is above the 365-day maximum.
    #[derive(Debug, PartialEq, Eq)]
    error GracePeriodTooLong(uint256 gracePeriodSecs);
}
