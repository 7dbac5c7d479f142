//! Cover viewer: the cover contract's read-only dApp views, split off the cover contract to keep
//! it within the size budget. It reads the cover contract's packed records through
//! `ICover.records` and decodes them with the `cover-records` crate (the one description of
//! the cover contract's storage), and asks the RAMM and the staking products for quotes. It
//! stores nothing but the cover contract's address and changes nothing.
//!
//! Roles: none (every function is a view; the trusted addresses are the cover contract's own,
//! read at each call, so its `setContracts` reaches the viewer at once).

// The generated call methods add the host and the call context to the ABI's arguments.
#![allow(clippy::too_many_arguments)]

/// `quotePremium` for an asset other than ETH and NXM (the catalogue's error: a purchase gets it
/// from `productForCover`).
pub use crate::cover_products::CoverAssetNotSupported;
pub use crate::{
    common::{MathOverflow, NotAContract, ZeroAddress},
    cover::{CoverNotFound, CoverPeriodTooLong, CoverPeriodTooShort},
};

crate::contract_interface! {
    interface ICoverViewer {
        /// `(premiumInAsset, premiumNxm)` for buying `poolAllocations` of `productId` in
        /// `coverAsset` for `periodSecs` now (commission excluded), at the RAMM's internal
        /// price as of now (without updating its TWAP).
        function quotePremium(uint256 productId, uint256 coverAsset, uint256 periodSecs, (uint256,uint256)[] calldata poolAllocations) external view returns (uint256, uint256);
        /// `(productId, coverAsset, amount, startSecs, periodSecs, gracePeriodSecs, originalCoverId, latestCoverId)`.
        function cover(uint256 coverId) external view returns (uint256, uint256, uint256, uint256, uint256, uint256, uint256, uint256);
        /// `(poolId, coverAmountNxm, premiumNxm, allocationId)` per pool carrying the cover.
        function coverAllocations(uint256 coverId) external view returns ((uint256,uint256,uint256,uint256)[] memory);
        /// Active cover of one asset, expired buckets removed.
        function activeCover(uint256 coverAsset) external view returns (uint256);
        /// The cover contract the viewer reads.
        function coverContract() external view returns (address);
    }
}
