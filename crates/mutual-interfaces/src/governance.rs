//! Governance: members govern the mutual by NXM-weighted votes on proposals that carry on-chain
//! actions (protocol-reference §8, with the governance issue's rules). Every contract's
//! governance role is this contract once deployment ends.
//!
//! Members lock NXM here to vote: a vote weighs `locked + 1 NXM`, capped at 5 % of the NXM
//! supply (taken when the proposal was made) for ordinary proposals and uncapped for special
//! resolutions; locked NXM stays until every proposal it voted on has ended, so NXM cannot vote
//! twice on one proposal. A proposal is a list of actions `(target, value, data)` on the
//! protocol's own contracts, with a description URI; proposing needs 100 NXM of weight. A
//! proposal is special (≥ 75 %) when an action targets membership or governance itself, or
//! changes a contract's trusted addresses or governance role; otherwise ordinary (> 50 %).
//! Voting lasts 3 days, the quorum is 15 % of the supply, then a 1-day timelock in which 3
//! distinct advisory-board seats can veto (each seat once per proposal, whoever holds it);
//! anyone executes, and a failing action reverts the execution with its index and revert data.
//!
//! Roles:
//! * **members**: `lock`, `unlock`, `propose`, `vote`;
//! * **advisory-board seat holders**: `veto`, naming the seat they hold (during the timelock);
//! * **anyone**: `execute`;
//! * **the initializer** (the deployer, once): `initialize`; it holds nothing afterwards;
//! * **governance itself** (through an executed proposal): `setProtocolContracts`.

// The generated call methods add the host and the call context to the ABI's arguments.
#![allow(clippy::too_many_arguments)]

pub use crate::common::{
    InvalidDayLength, MathOverflow, NotAContract, NotMember, Unauthorized, ZeroAddress, ZeroAmount,
};
/// `veto` names a seat membership does not have (the same error membership's
/// `advisoryBoardSeat` reverts with).
pub use crate::membership::InvalidSeat;

/// A proposal's status, as `proposalStatus` reports it.
pub mod status {
    /// Voting is open.
    pub const VOTING: u8 = 0;
    /// Voting ended without the quorum or the majority.
    pub const DEFEATED: u8 = 1;
    /// Accepted; the timelock runs (vetoes are possible).
    pub const TIMELOCKED: u8 = 2;
    /// Accepted, the timelock over: anyone may execute it.
    pub const EXECUTABLE: u8 = 3;
    /// Vetoed by 3 advisory-board seats.
    pub const VETOED: u8 = 4;
    /// Executed.
    pub const EXECUTED: u8 = 5;
}

/// Distinct advisory-board seats whose vetoes stop a proposal (each seat vetoes a proposal
/// once, whoever holds it).
pub const VETOES_TO_STOP: u8 = 3;

crate::contract_interface! {
    interface IGovernance {
        // Members.
        /// Moves `amountNxm` of the caller's NXM into its lock.
        function lock(uint256 amountNxm) external;
        /// Returns `amountNxm` of the caller's locked NXM once every proposal it voted on has
        /// ended.
        function unlock(uint256 amountNxm) external;
        /// Proposes `actions` — `(target, valueEth, data)`, each target a protocol contract —
        /// described at `descriptionUri`; returns the proposal's id (from 1).
        function propose((address,uint256,bytes)[] calldata actions, string calldata descriptionUri) external returns (uint256);
        /// Votes for or against `proposalId` with the caller's weight.
        function vote(uint256 proposalId, bool support) external;

        // Advisory-board seat holders, during the timelock.
        /// Vetoes `proposalId` as the holder of advisory-board seat `seat` (0 to 4; membership's
        /// `advisoryBoardSeat(seat)` must be the caller); each seat once per proposal.
        function veto(uint256 proposalId, uint8 seat) external;

        // Anyone. Carries out an executable proposal's actions in order (the ETH sent funds
        // their values).
        function execute(uint256 proposalId) external payable;

        // The initializer, once.
        function initialize(address nxmToken, address membership, address[] calldata protocolContracts) external;
        // Governance itself.
        function setProtocolContracts(address[] calldata protocolContracts) external;

        // Views.
        /// `(proposer, startSecs, endSecs, forNxm, againstNxm, special, vetoes, supplyNxm)`;
        /// `vetoes` counts the distinct seats that vetoed.
        function proposal(uint256 proposalId) external view returns (address, uint256, uint256, uint256, uint256, bool, uint8, uint256);
        /// One of [`status`]'s values; reverts for an unknown id.
        function proposalStatus(uint256 proposalId) external view returns (uint8);
        /// `(actionCount, descriptionUri)`.
        function proposalDetails(uint256 proposalId) external view returns (uint256, string memory);
        /// Action `index` of `proposalId`: `(target, valueEth, data)`.
        function action(uint256 proposalId, uint256 index) external view returns (address, uint256, bytes memory);
        /// `(voted, support, weightNxm)` of `voter` on `proposalId`.
        function receipt(uint256 proposalId, address voter) external view returns (bool, bool, uint256);
        /// `(lockedNxm, lockedUntilSecs)` of `member`.
        function locked(address member) external view returns (uint256, uint256);
        /// The weight `member` would vote with on `proposalId` now.
        function voteWeight(uint256 proposalId, address member) external view returns (uint256);
        function proposalCount() external view returns (uint256);
        function protocolContracts() external view returns (address[] memory);
        function isProtocolContract(address account) external view returns (bool);
        /// Membership's question: NXM locked here for `member`.
        function hasMemberState(address member) external view returns (bool);
        function daySecs() external view returns (uint256);
        function contracts() external view returns (address, address);
    }
}

crate::contract_items! {
    /// `member` locked `amountNxm` more (now `lockedNxm`).
    event Locked(address indexed member, uint256 amountNxm, uint256 lockedNxm);
    /// `member` took back `amountNxm` (now `lockedNxm`).
    event Unlocked(address indexed member, uint256 amountNxm, uint256 lockedNxm);
    /// `proposer` made proposal `proposalId` with `actionCount` actions; voting ends at
    /// `endSecs`.
    event ProposalCreated(uint256 indexed proposalId, address indexed proposer, uint256 actionCount, bool special, uint256 endSecs, string descriptionUri);
    /// `voter` voted on `proposalId` with `weightNxm`.
    event VoteCast(uint256 indexed proposalId, address indexed voter, bool support, uint256 weightNxm);
    /// `seatHolder`, holding advisory-board seat `seat`, vetoed `proposalId` for that seat
    /// (`vetoes` distinct seats so far).
    event ProposalVetoed(uint256 indexed proposalId, uint8 seat, address indexed seatHolder, uint8 vetoes);
    /// `proposalId`'s actions were carried out.
    event ProposalExecuted(uint256 indexed proposalId, address indexed executor);
    /// The list of protocol contracts proposals may target was replaced by `count` entries,
    /// each logged next as a [`ProtocolContractAt`] (a list per event would be an `address[]`,
    /// whose shared encoder grows other contracts' code by ~4 KB).
    event ProtocolContractsSet(uint256 count);
    /// Entry `index` of the protocol-contract list set just before is `account`.
    event ProtocolContractAt(uint256 indexed index, address indexed account);
    /// The initializer set the token and membership.
    event Initialized(address nxmToken, address membership);

    /// `requestedNxm` is more than the `lockedNxm` locked.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientLocked(uint256 requestedNxm, uint256 lockedNxm);
    /// The lock holds until `lockedUntilSecs` (the end of a proposal it voted on).
    #[derive(Debug, PartialEq, Eq)]
    error StillLocked(uint256 lockedUntilSecs);
    /// No proposal `proposalId`.
    #[derive(Debug, PartialEq, Eq)]
    error ProposalNotFound(uint256 proposalId);
    /// A weight of `weightNxm` is below the `thresholdNxm` needed to propose.
    #[derive(Debug, PartialEq, Eq)]
    error ProposalThresholdNotMet(uint256 weightNxm, uint256 thresholdNxm);
    /// A proposal without actions.
    #[derive(Debug, PartialEq, Eq)]
    error NoActions();
    /// A proposal with `count` actions, more than the `max` one proposal may carry.
    #[derive(Debug, PartialEq, Eq)]
    error TooManyActions(uint256 count, uint256 max);
    /// `proposalId` has no action `index` (it has fewer).
    #[derive(Debug, PartialEq, Eq)]
    error ActionNotFound(uint256 proposalId, uint256 index);
    /// Action `index` would move, burn or approve NXM of governance's own balance (its members'
    /// locked NXM) on the token `target`.
    #[derive(Debug, PartialEq, Eq)]
    error ForbiddenAction(uint256 index, address target);
    /// Action `index` targets `target`, which is not a protocol contract.
    #[derive(Debug, PartialEq, Eq)]
    error TargetNotAllowed(uint256 index, address target);
    /// `proposalId` is not in the state the call needs: its status is `status`.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidProposalStatus(uint256 proposalId, uint8 status);
    /// `voter` already voted on `proposalId`.
    #[derive(Debug, PartialEq, Eq)]
    error AlreadyVoted(uint256 proposalId, address voter);
    /// Advisory-board seat `seat` already vetoed `proposalId` (under this holder or an earlier
    /// one: a seat vetoes once per proposal).
    #[derive(Debug, PartialEq, Eq)]
    error AlreadyVetoed(uint256 proposalId, uint8 seat);
    /// Action `index` reverted with `revertData`.
    #[derive(Debug, PartialEq, Eq)]
    error ActionFailed(uint256 index, bytes revertData);
    /// The ETH sent, `valueEth`, does not match the actions' total `neededEth`.
    #[derive(Debug, PartialEq, Eq)]
    error ValueMismatch(uint256 valueEth, uint256 neededEth);
    /// `initialize` was already called (or the caller is not the initializer).
    #[derive(Debug, PartialEq, Eq)]
    error AlreadyInitialized();
}
