//! Capital pool: the mutual's ETH, the NXM bonding curve and the MCR.

use alloy_sol_types::sol;

pub use crate::common::{EthTransferFailed, GovernanceChanged, Unauthorized, ZeroAddress};

crate::contract_interface! {
    interface ICapitalPool {
        function buyNxm(uint256 minNxmOut) external payable returns (uint256);
        function sellNxm(uint256 nxmIn, uint256 minEthOut) external returns (uint256);
        function updateMcr() external returns (bool);
        function payClaim(address to, uint256 amountEth) external;
        function transferTreasury(address to, uint256 amountEth) external;
        function setContracts(address nxmToken, address cover, address claims) external;
        function setMcrFloor(uint256 mcrFloorEth) external;
        function setGovernance(address newGovernance) external;
        function poolState() external view returns (uint256 poolValueEth, uint256 mcrEth, uint256 desiredMcrEth, uint256 mcrFloorEth, uint256 mcrUpdatedAt, uint256 mcrRatioBps, uint256 buyPriceWei, uint256 sellPriceWei);
        function quoteBuy(uint256 ethIn) external view returns (uint256);
        function quoteSell(uint256 nxmIn) external view returns (uint256);
        function governance() external view returns (address);
    }
}

/// What the capital pool asks of the cover contract (implemented by the cover issue).
pub mod cover {
    crate::contract_interface! {
        interface IActiveCover {
            function totalActiveCoverEth() external view returns (uint256);
        }
    }
}

sol! {
    /// ETH arrived without a purchase: joining fees, premiums, contributions.
    event Deposit(address indexed from, uint256 amountEth);
    /// A member bought `nxmOut` NXM for `ethIn` ETH.
    event NxmBought(address indexed member, uint256 ethIn, uint256 nxmOut);
    /// A member sold `nxmIn` NXM for `ethOut` ETH.
    event NxmSold(address indexed member, uint256 nxmIn, uint256 ethOut);
    /// The stored MCR moved toward `desiredMcrEth` (active cover / 4.8, at least the floor).
    event McrUpdated(uint256 mcrEth, uint256 desiredMcrEth, uint256 activeCoverEth);
    /// A claim payout left the pool.
    event ClaimPaid(address indexed to, uint256 amountEth);
    /// Governance moved treasury ETH out of the pool.
    event TreasuryTransfer(address indexed to, uint256 amountEth);
    /// Governance changed the contracts the pool trusts.
    event ContractsSet(address nxmToken, address cover, address claims);
    /// Governance changed the MCR floor.
    event McrFloorSet(uint256 mcrFloorEth);

    /// Buys are closed: MCR% (in bps, 10 000 = 100 %) is above the 400 % buy limit.
    error McrRatioAboveBuyLimit(uint256 mcrRatioBps);
    /// A buy offered more than 5 % of the MCR.
    error BuyAboveTradeLimit(uint256 ethIn, uint256 maxEthIn);
    /// A sale would pay more than 5 % of the MCR or leave the pool under 100 % MCR;
    /// `maxNxmIn` is the largest sale accepted now.
    error SellAboveTradeLimit(uint256 nxmIn, uint256 maxNxmIn);
    /// The curve cannot price this state (zero MCR, or values outside the supported domain).
    error CurveUnavailable(uint256 poolValueEth, uint256 mcrEth);
    /// The trade would give less than the caller's minimum.
    error SlippageExceeded(uint256 amountOut, uint256 minAmountOut);
    /// The pool holds less ETH than a payout or transfer needs.
    error InsufficientPoolEth(uint256 requestedEth, uint256 availableEth);
    /// A zero address or zero amount where one is not allowed.
    error InvalidArgument();
}
