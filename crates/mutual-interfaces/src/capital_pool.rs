//! Capital pool: the mutual's ETH and the MCR. The RAMM is the only market for NXM: it sends the
//! ETH of every buy here and has the pool pay every sale.

pub use crate::common::{
    EthTransferFailed, GovernanceChanged, MathOverflow, NotAContract, Paused, Unauthorized,
    ZeroAddress, ZeroAmount,
};

crate::contract_interface! {
    interface ICapitalPool {
        // The RAMM only.
        function depositSwapEth() external payable;
        function paySwapEth(address to, uint256 amountEth) external;

        // Anyone (not while the protocol is paused).
        function updateMcr() external returns (bool);

        // The claims contract only.
        function payClaim(address to, uint256 amountEth) external;

        // Governance only.
        function transferTreasury(address to, uint256 amountEth) external;
        function setContracts(address nxmToken, address ramm, address cover, address claims) external;
        function setMcrFloor(uint256 mcrFloorEth) external;
        function setGovernance(address newGovernance) external;

        // Views.
        function mcr() external view returns (uint256);
        function poolState() external view returns (uint256 poolValueEth, uint256 mcrEth, uint256 desiredMcrEth, uint256 mcrFloorEth, uint256 mcrUpdatedAt, uint256 mcrRatioBps);
        function contracts() external view returns (address nxmToken, address ramm, address cover, address claims);
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

crate::contract_items! {
    /// ETH arrived: a swap's ETH from the RAMM, joining fees, premiums, contributions.
    event Deposit(address indexed from, uint256 amountEth);
    /// The pool paid `amountEth` to `to` for a sale of NXM to the RAMM.
    event SwapPaid(address indexed to, uint256 amountEth);
    /// The stored MCR moved toward `desiredMcrEth` (active cover / 4.8, at least the floor).
    event McrUpdated(uint256 mcrEth, uint256 desiredMcrEth, uint256 activeCoverEth);
    /// A claim payout left the pool.
    event ClaimPaid(address indexed to, uint256 amountEth);
    /// Governance moved treasury ETH out of the pool.
    event TreasuryTransfer(address indexed to, uint256 amountEth);
    /// Governance changed the contracts the pool trusts.
    event ContractsSet(address nxmToken, address ramm, address cover, address claims);
    /// Governance changed the MCR floor.
    event McrFloorSet(uint256 mcrFloorEth);

    /// Paying `amountEth` would leave `capitalAfterEth` in the pool, below the MCR `mcrEth`:
    /// sales to the RAMM and treasury transfers may not take capital under the MCR (V2's
    /// `NoSwapsInBufferZone`).
    #[derive(Debug, PartialEq, Eq)]
    error CapitalBelowMcr(uint256 amountEth, uint256 capitalAfterEth, uint256 mcrEth);
    /// The pool holds less ETH than a payout or transfer needs.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientPoolEth(uint256 requestedEth, uint256 availableEth);
}
