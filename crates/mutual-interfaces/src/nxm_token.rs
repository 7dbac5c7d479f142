//! NXM token: an ERC-20 with EIP-2612 `permit` that only members may receive.
//!
//! Roles:
//! * **membership** contract: writes the token's member flags (`setMember`, `switchMember`) and
//!   pushes the protocol's emergency pause (`setPaused`);
//! * **operators** (capital pool, staking, claims, governance): `mint` and `operatorBurn`;
//! * **governance**: `setMembership`, `setOperator`, `setGovernance`.
//!
//! While paused, every movement of NXM (`transfer`, `transferFrom`, `mint`, `operatorBurn`)
//! reverts with [`Paused`]; `approve` and `permit` stay open so members can revoke allowances
//! during an emergency. `setMember` and `switchMember` do not check the pause: membership, which
//! holds it, gates its own joins, leaves and switches.

// `permit` has EIP-2612's seven parameters; the generated call method adds the host and `self`.
#![allow(clippy::too_many_arguments)]

pub use crate::common::{
    AlreadyMember, GovernanceChanged, NotMember, Paused, Unauthorized, ZeroAddress,
};

crate::contract_interface! {
    interface INxmToken {
        // ERC-20 metadata and accounting.
        function name() external pure returns (string memory);
        function symbol() external pure returns (string memory);
        function decimals() external pure returns (uint8);
        function totalSupply() external view returns (uint256);
        function balanceOf(address account) external view returns (uint256);
        function allowance(address owner, address spender) external view returns (uint256);
        function transfer(address to, uint256 amountNxm) external returns (bool);
        function approve(address spender, uint256 amountNxm) external returns (bool);
        function transferFrom(address from, address to, uint256 amountNxm) external returns (bool);

        // EIP-2612.
        function permit(address owner, address spender, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;
        function nonces(address owner) external view returns (uint256);
        function DOMAIN_SEPARATOR() external view returns (bytes32);

        // Membership contract only (views open to all).
        function isMember(address account) external view returns (bool);
        function setMember(address account, bool isMember) external;
        function switchMember(address from, address to) external;
        function setPaused(bool paused) external;
        function paused() external view returns (bool);

        // Operator contracts only.
        function mint(address to, uint256 amountNxm) external;
        function operatorBurn(address from, uint256 amountNxm) external;
        function operatorTransfer(address from, address to, uint256 amountNxm) external;
        function isOperator(address account) external view returns (bool);

        // Governance only.
        function setOperator(address operator, bool enabled) external;
        function setMembership(address membership) external;
        function setGovernance(address newGovernance) external;
        function governance() external view returns (address);
        function membership() external view returns (address);
    }
}

crate::contract_items! {
    /// ERC-20: `value` NXM moved from `from` to `to` (zero address on mint and burn).
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// ERC-20: `owner` allowed `spender` to move `value` NXM (by `approve` or `permit`).
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// The membership contract set whether `account` may receive NXM.
    event MemberSet(address indexed account, bool isMember);
    /// The membership contract paused or unpaused NXM movements.
    event PausedSet(bool paused);
    /// Governance enabled or disabled an operator contract (mint and burn rights).
    event OperatorSet(address indexed operator, bool enabled);
    /// Governance changed the membership contract the token trusts.
    event MembershipSet(address indexed membership);

    /// `account` holds `balanceNxm`, less than the `neededNxm`.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientBalance(address account, uint256 balanceNxm, uint256 neededNxm);
    /// `spender` may move `allowanceNxm` of `owner`'s NXM, less than the `neededNxm`.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientAllowance(address owner, address spender, uint256 allowanceNxm, uint256 neededNxm);
    /// A mint of `amountNxm` would overflow the total supply `supplyNxm`.
    #[derive(Debug, PartialEq, Eq)]
    error SupplyOverflow(uint256 supplyNxm, uint256 amountNxm);
    /// The permit's `deadline` is before the block timestamp `now`.
    #[derive(Debug, PartialEq, Eq)]
    error PermitExpired(uint256 deadline, uint256 now);
    /// The permit's signature is malformed or was not made by the owner with the current nonce.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidSignature();
}
