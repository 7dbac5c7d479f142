//! Cover: members buy cover on a product from one or more staking pools and pay the premium in
//! the cover asset (ETH) or in NXM (protocol-reference §5). Each cover is a token of the cover
//! `position-nft` deployment, minted to its owner (who may be a non-member).
//!
//! Every NXM↔asset conversion uses the RAMM's internal price, brought to now with its TWAP
//! (`IRamm.getInternalPriceAndUpdateTwap`). Active cover is kept per asset in 7-day expiry
//! buckets and reported to the capital pool for the MCR (`totalActiveCoverEth`).
//!
//! Roles:
//! * **members**: `buyCover` (a new cover; or, by the owner or an approved address of a live
//!   cover, an edit that replaces it with a new cover id and a refund credit);
//! * **anyone**: `expireCover` once a cover has ended;
//! * **the claims contract**: `burnStake` on a claim payout;
//! * **governance**: `setContracts`, `setGovernance`.

// The generated call methods add the host and the call context to the ABI's arguments.
#![allow(clippy::too_many_arguments)]

pub use crate::common::{
    EthTransferFailed, GovernanceChanged, InvalidDayLength, MathOverflow, NotAContract, NotMember,
    Unauthorized, ZeroAddress,
};

/// Shortest cover: 28 days.
pub const MIN_COVER_PERIOD_SECS: u64 = 28 * 86_400;
/// Longest cover: 365 days.
pub const MAX_COVER_PERIOD_SECS: u64 = 365 * 86_400;
/// Active cover is bucketed by expiry in 7-day buckets.
pub const ACTIVE_COVER_BUCKET_SECS: u64 = 7 * 86_400;

crate::contract_interface! {
    interface ICover {
        // Members. `params` is `(coverId (0: new), owner, productId, coverAsset, amount,
        // periodSecs, maxPremiumInAsset, paymentAsset, commissionRatioBps,
        // commissionDestination, ipfsData)`; `poolAllocations` are `(poolId,
        // coverAmountInAsset)`. Returns the new cover's id.
        function buyCover((uint256,address,uint256,uint256,uint256,uint256,uint256,uint256,uint256,address,string) calldata params, (uint256,uint256)[] calldata poolAllocations) external payable returns (uint256);

        // Anyone.
        function expireCover(uint256 coverId) external;

        // The claims contract only. Burns the pools' stake for a payout of `payoutInAsset`
        // and shrinks the cover by it.
        function burnStake(uint256 coverId, uint256 payoutInAsset) external;

        // Governance only.
        function setContracts(address nxmToken, address ramm, address capitalPool, address coverProducts, address stakingPool, address coverNft, address claims) external;
        function setGovernance(address newGovernance) external;

        // Views. The dApp views (`quotePremium`, `cover`, `coverAllocations`, `activeCover`)
        // are the cover viewer's (`cover_viewer::ICoverViewer`), read from these records.
        /// The stored word of each of `keys`, in order: `key = kind << 192 | id` (the
        /// `cover-records` crate lays the records out and decodes them; kind 0 names header
        /// word `id`).
        function records(uint256[] calldata keys) external view returns (uint256[] memory);
        function coverCount() external view returns (uint256);
        /// Active cover in ETH: ETH cover plus NXM cover at the last internal price the cover
        /// contract obtained (a view may not move the RAMM's TWAP).
        function totalActiveCoverEth() external view returns (uint256);
        function contracts() external view returns (address, address, address, address, address, address, address);
        function governance() external view returns (address);
    }
}

crate::contract_items! {
    /// `buyer` bought cover `coverId` (replacing `originalCoverId`'s latest cover on an edit,
    /// else equal to it) on `productId`: `amount` of `coverAsset` for `periodSecs`, paying
    /// `premiumInPaymentAsset` (+ `commission`) in `paymentAsset`.
    event CoverBought(uint256 indexed coverId, uint256 indexed originalCoverId, uint256 indexed productId, address buyer, uint256 coverAsset, uint256 amount, uint256 periodSecs, uint256 paymentAsset, uint256 premiumInPaymentAsset, uint256 commission, string ipfsData);
    /// Cover `coverId` ended and was removed from active cover; its capacity was freed.
    event CoverExpired(uint256 indexed coverId);
    /// A claim payout of `payoutInAsset` shrank cover `coverId` and burned the pools' stake.
    event StakeBurnedForPayout(uint256 indexed coverId, uint256 payoutInAsset, uint256 remainingAmount);
    /// Governance set the contracts the cover contract trusts.
    event ContractsSet(address nxmToken, address ramm, address capitalPool, address coverProducts, address stakingPool, address coverNft, address claims);

    /// A period of `periodSecs` is shorter than 28 days.
    #[derive(Debug, PartialEq, Eq)]
    error CoverPeriodTooShort(uint256 periodSecs);
    /// A period of `periodSecs` is longer than 365 days.
    #[derive(Debug, PartialEq, Eq)]
    error CoverPeriodTooLong(uint256 periodSecs);
    /// A commission of `commissionRatioBps` is above 30 %.
    #[derive(Debug, PartialEq, Eq)]
    error CommissionRateTooHigh(uint256 commissionRatioBps);
    /// A zero cover amount.
    #[derive(Debug, PartialEq, Eq)]
    error CoverAmountIsZero();
    /// `paymentAsset` is neither the cover asset `coverAsset` nor NXM.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidPaymentAsset(uint256 paymentAsset, uint256 coverAsset);
    /// An edit must name the original cover id; `coverId` replaced `originalCoverId`.
    #[derive(Debug, PartialEq, Eq)]
    error MustBeOriginalCoverId(uint256 coverId, uint256 originalCoverId);
    /// Cover `coverId` has expired: it cannot be edited.
    #[derive(Debug, PartialEq, Eq)]
    error ExpiredCoversCannotBeEdited(uint256 coverId);
    /// An edit asked for asset `coverAsset`; the cover is in `originalCoverAsset`.
    #[derive(Debug, PartialEq, Eq)]
    error CoverAssetMismatch(uint256 coverAsset, uint256 originalCoverAsset);
    /// `caller` neither owns cover `coverId` nor is approved for it.
    #[derive(Debug, PartialEq, Eq)]
    error OnlyOwnerOrApproved(address caller, uint256 coverId);
    /// The pools allocated `allocatedAmount` of the asset, less than the `amount` asked.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientCoverAmountAllocated(uint256 allocatedAmount, uint256 amount);
    /// ETH was sent (`valueEth`) for a purchase paid in NXM.
    #[derive(Debug, PartialEq, Eq)]
    error UnexpectedEthSent(uint256 valueEth);
    /// The premium plus commission, `premiumWithCommission`, is above `maxPremiumInAsset`.
    #[derive(Debug, PartialEq, Eq)]
    error PriceExceedsMaxPremiumInAsset(uint256 premiumWithCommission, uint256 maxPremiumInAsset);
    /// `valueEth` was sent; the premium plus commission is `neededEth`.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientEthSent(uint256 valueEth, uint256 neededEth);
    /// Cover `coverId` ends at `endSecs`: it cannot be expired before.
    #[derive(Debug, PartialEq, Eq)]
    error CoverNotYetExpired(uint256 coverId, uint256 endSecs);
    /// Cover `coverId` does not exist.
    #[derive(Debug, PartialEq, Eq)]
    error CoverNotFound(uint256 coverId);
    /// Cover `coverId` was already expired (or replaced by an edit).
    #[derive(Debug, PartialEq, Eq)]
    error CoverAlreadyExpired(uint256 coverId);
    /// No pool allocation requested, or more than the 8 a cover may use.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidPoolAllocations(uint256 count);
    /// A payout of `payoutInAsset` exceeds what remains of the cover, `remainingAmount`.
    #[derive(Debug, PartialEq, Eq)]
    error PayoutExceedsCover(uint256 payoutInAsset, uint256 remainingAmount);
}
