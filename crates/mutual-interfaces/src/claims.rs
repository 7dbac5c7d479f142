//! Claims: V2's individual claims (protocol-reference §7a). The owner (or an approved address)
//! of a cover NFT, a member, files a claim inside the cover's period plus its grace period with
//! an ETH deposit of `max(0.05 ETH, the assessment reward's value)`; the assessment contract
//! polls the assessors; an accepted claim is redeemed within 30 days of the cooldown's end: the
//! pools' stake is burned through the cover contract (`ICover.burnStake`, which also shrinks the
//! cover), and the payout and the deposit go to the cover's current owner — ETH from the capital
//! pool, NXM minted. A denied claim's deposit stays in the capital pool.
//!
//! Roles:
//! * **members** (owners or approved addresses of a cover NFT): `submitClaim`;
//! * **anyone**: `redeemClaimPayout` (the payout goes to the cover's owner);
//! * **governance**: `setContracts`, `setGovernance`.

// The generated call methods add the host and the call context to the ABI's arguments.
#![allow(clippy::too_many_arguments)]

pub use crate::common::{
    EthTransferFailed, GovernanceChanged, InvalidDayLength, MathOverflow, NotAContract, NotMember,
    Unauthorized, ZeroAddress,
};

/// The smallest claim deposit: 0.05 ETH.
pub const MIN_CLAIM_DEPOSIT_ETH: u128 = 50_000_000_000_000_000;

/// A claim's status, as `claimStatus` reports it.
pub mod status {
    /// The poll is open.
    pub const VOTING: u8 = 0;
    /// The poll has ended; the 1-day cooldown runs (fraud may still be undone).
    pub const COOLDOWN: u8 = 1;
    /// Accepted and redeemable now.
    pub const ACCEPTED: u8 = 2;
    /// Denied (ties deny); the deposit stays in the capital pool.
    pub const DENIED: u8 = 3;
    /// Accepted and paid.
    pub const REDEEMED: u8 = 4;
    /// Accepted, but its 30-day redemption window passed unredeemed.
    pub const EXPIRED: u8 = 5;
}

crate::contract_interface! {
    interface IClaims {
        // Members. Files a claim of `amount` (in the cover's asset) on `coverId`; the ETH sent
        // beyond the deposit is refunded. Returns the claim's id (from 1).
        function submitClaim(uint256 coverId, uint256 amount, string calldata proofUri) external payable returns (uint256);

        // Anyone. Pays an accepted claim to the cover's current owner.
        function redeemClaimPayout(uint256 claimId) external;

        // Governance only.
        function setContracts(address nxmToken, address ramm, address capitalPool, address cover, address coverNft, address assessment) external;
        function setGovernance(address newGovernance) external;

        // Views.
        /// `(coverId, amount, coverAsset, assessmentId, submittedAtSecs, depositEth, claimant)`.
        function claim(uint256 claimId) external view returns (uint256, uint256, uint256, uint256, uint256, uint256, address);
        /// One of [`status`]'s values; reverts for an unknown id.
        function claimStatus(uint256 claimId) external view returns (uint8);
        /// The latest claim filed on `coverId` (0: none).
        function latestClaim(uint256 coverId) external view returns (uint256);
        /// `(depositEth, totalRewardNxm)` a claim of `amount` on `coverId` would need now (at
        /// the RAMM's last internal price, which a view cannot bring to now).
        function quoteDeposit(uint256 coverId, uint256 amount) external view returns (uint256, uint256);
        function claimCount() external view returns (uint256);
        /// Membership's question: a claim filed by `member` that is not final yet.
        function hasMemberState(address member) external view returns (bool);
        function contracts() external view returns (address, address, address, address, address, address);
        function governance() external view returns (address);
    }
}

crate::contract_items! {
    /// `claimant` filed claim `claimId` of `amount` on `coverId`, depositing `depositEth`.
    event ClaimSubmitted(uint256 indexed claimId, uint256 indexed coverId, address indexed claimant, uint256 amount, uint256 assessmentId, uint256 depositEth, string proofUri);
    /// Claim `claimId` paid `amount` of the cover's asset and the deposit to `owner`.
    event ClaimPayoutRedeemed(uint256 indexed claimId, address indexed owner, uint256 amount, uint256 depositEth);
    /// Governance set the contracts claims trusts.
    event ContractsSet(address nxmToken, address ramm, address capitalPool, address cover, address coverNft, address assessment);

    /// No claim `claimId`.
    #[derive(Debug, PartialEq, Eq)]
    error ClaimNotFound(uint256 claimId);
    /// The caller neither owns cover `coverId` nor is approved for it.
    #[derive(Debug, PartialEq, Eq)]
    error OnlyOwnerOrApproved(address caller, uint256 coverId);
    /// A claim of `amount` on a cover with `remainingAmount` left.
    #[derive(Debug, PartialEq, Eq)]
    error CoveredAmountExceeded(uint256 amount, uint256 remainingAmount);
    /// A zero claim amount.
    #[derive(Debug, PartialEq, Eq)]
    error ZeroClaimAmount();
    /// Claims on the cover open after its start block time `startSecs` (never in the purchase
    /// block).
    #[derive(Debug, PartialEq, Eq)]
    error CantBuyCoverAndClaimInTheSameBlock(uint256 startSecs);
    /// The cover (with its grace period) ended at `endSecs`.
    #[derive(Debug, PartialEq, Eq)]
    error GracePeriodPassed(uint256 endSecs);
    /// Cover `coverId` has claim `claimId` still open.
    #[derive(Debug, PartialEq, Eq)]
    error ClaimAlreadyOpen(uint256 coverId, uint256 claimId);
    /// The ETH sent, `valueEth`, is below the deposit `depositEth`.
    #[derive(Debug, PartialEq, Eq)]
    error AssessmentDepositInsufficient(uint256 valueEth, uint256 depositEth);
    /// Claim `claimId` is not redeemable: its status is `status` (see [`status`]).
    #[derive(Debug, PartialEq, Eq)]
    error ClaimNotRedeemable(uint256 claimId, uint8 status);
    /// `member` has `openClaims` claims not final yet, the most one member may have.
    #[derive(Debug, PartialEq, Eq)]
    error TooManyOpenClaims(address member, uint256 openClaims);
}
