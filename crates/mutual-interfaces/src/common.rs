//! Items shared by several contracts, declared once here. Each contract module re-exports the
//! ones it uses (`pub use crate::common::{...}`), so `nxm_token::NotMember` and
//! `membership::NotMember` are the same type, with identical selectors (errors) and topics
//! (events): a dApp or a test decodes them the same way whichever contract reverted or logged.

crate::contract_items! {
    /// Governance handed its role to another address.
    event GovernanceChanged(address indexed previousGovernance, address indexed newGovernance);

    /// The caller lacks the role the entrypoint requires.
    #[derive(Debug, PartialEq, Eq)]
    error Unauthorized(address caller);
    /// A zero address where one is not allowed (an argument, or a contract address not set yet).
    #[derive(Debug, PartialEq, Eq)]
    error ZeroAddress();

    /// A contract address to trust holds no code (a call to it would "succeed" doing nothing).
    #[derive(Debug, PartialEq, Eq)]
    error NotAContract(address account);
    /// The protocol is paused: member actions (joining, leaving, switching, NXM movements) wait.
    #[derive(Debug, PartialEq, Eq)]
    error Paused();
    /// `account` is not a member (it cannot receive NXM, leave, switch, or hold a seat).
    #[derive(Debug, PartialEq, Eq)]
    error NotMember(address account);
    /// `account` is already a member (it cannot join again or be the target of a switch).
    #[derive(Debug, PartialEq, Eq)]
    error AlreadyMember(address account);
    /// Sending `amountEth` to `to` failed.
    #[derive(Debug, PartialEq, Eq)]
    error EthTransferFailed(address to, uint256 amountEth);
    /// A zero amount where one is not allowed (NXM staked or locked, ETH paid out, an MCR floor).
    #[derive(Debug, PartialEq, Eq)]
    error ZeroAmount();
    /// A "day" of `daySecs` seconds the contract cannot run with: zero, or so long that its
    /// stored times overflow (each contract's constructor states its bound).
    #[derive(Debug, PartialEq, Eq)]
    error InvalidDayLength(uint256 daySecs);
    /// An arithmetic result left the supported domain (values beyond ~10^20 ETH or NXM): the
    /// state is refused rather than computed wrongly.
    #[derive(Debug, PartialEq, Eq)]
    error MathOverflow();
}
