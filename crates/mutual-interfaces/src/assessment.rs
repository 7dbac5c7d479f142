//! Assessment: V2's staked claim assessment (protocol-reference §7a). Members stake NXM here and
//! vote on the claims contract's assessments, weighted by their stake; the first vote must
//! accept and opens a 3-day poll, votes near the end extend it (silent ending), ties deny; the
//! voters share the assessment's reward by stake once the 1-day cooldown has passed. Governance
//! undoes a fraudulent assessor's votes on polls still in their cooldown and burns up to its
//! stake.
//!
//! The rules' arithmetic (rewards, windows, the silent ending) is `mutual_math::assessment`'s;
//! every period is a whole number of days of the deployment's day length (`daySecs`).
//!
//! Roles:
//! * **members**: `stake`, `unstake` (14 days after their last vote), `castVote`,
//!   `withdrawRewards` (anyone may withdraw an assessor's rewards; they go to the assessor);
//! * **the claims contract**: `startAssessment`;
//! * **governance**: `undoVotes` (fraud), `setContracts`, `setGovernance`.

// The generated call methods add the host and the call context to the ABI's arguments.
#![allow(clippy::too_many_arguments)]

pub use crate::common::{
    GovernanceChanged, InvalidDayLength, MathOverflow, NotAContract, NotMember, Unauthorized,
    ZeroAddress, ZeroAmount,
};

crate::contract_interface! {
    interface IAssessment {
        // Members.
        /// Moves `amountNxm` of the caller's NXM into its assessment stake.
        function stake(uint256 amountNxm) external;
        /// Returns `amountNxm` of the caller's stake to `to` (a member), at least 14 days after
        /// the caller's last vote.
        function unstake(uint256 amountNxm, address to) external;
        /// Votes on assessment `assessmentId` with the caller's whole current stake.
        function castVote(uint256 assessmentId, bool accept) external;
        /// Pays `staker` (to itself) the rewards of its next `batchSize` votes (0: all) whose
        /// polls are past their cooldown, in voting order; returns `(withdrawnNxm,
        /// nextVoteIndex)`.
        function withdrawRewards(address staker, uint256 batchSize) external returns (uint256, uint256);

        // The claims contract only. Opens an assessment whose voters share `totalRewardNxm`
        // (minted to them on withdrawal); returns its id (from 1). Its poll ends 3 days later
        // unless the first vote (an accept) restarts it.
        function startAssessment(uint256 totalRewardNxm, uint256 depositEth) external returns (uint256);

        // Governance only.
        /// Undoes `assessor`'s unrewarded votes on polls still in their cooldown (their stake
        /// leaves the tallies; each such poll ends no earlier than 1 day from now), forfeits
        /// the rewards of every vote up to its last, and burns `min(burnNxm, stake)` of its
        /// stake.
        function undoVotes(address assessor, uint256 burnNxm) external;
        function setContracts(address nxmToken, address claims) external;
        function setGovernance(address newGovernance) external;

        // Views.
        /// `(acceptedNxm, deniedNxm, startSecs, endSecs, totalRewardNxm, depositEth)`.
        function poll(uint256 assessmentId) external view returns (uint256, uint256, uint256, uint256, uint256, uint256);
        /// `(accepted, endSecs)`: the outcome so far (final once `now >= endSecs`) and the
        /// poll's end; reverts for an unknown id.
        function outcome(uint256 assessmentId) external view returns (bool, uint256);
        /// `(stakeNxm, lastVoteSecs, votes, rewardsFromIndex)` of `assessor`.
        function assessor(address assessor) external view returns (uint256, uint256, uint256, uint256);
        /// `(assessmentId, accept, stakeNxm, votedAtSecs)` of `assessor`'s vote `index`.
        function voteAt(address assessor, uint256 index) external view returns (uint256, bool, uint256, uint256);
        /// Whether `assessor` voted on `assessmentId`.
        function hasVoted(address assessor, uint256 assessmentId) external view returns (bool);
        /// Rewards `assessor` could withdraw now.
        function withdrawableRewards(address assessor) external view returns (uint256);
        function assessmentCount() external view returns (uint256);
        /// Membership's question: stake or unwithdrawn rewards held for `member`.
        function hasMemberState(address member) external view returns (bool);
        function daySecs() external view returns (uint256);
        function contracts() external view returns (address, address);
        function governance() external view returns (address);
    }
}

crate::contract_items! {
    /// `assessor` added `amountNxm` to its stake (now `stakeNxm`).
    event StakeDeposited(address indexed assessor, uint256 amountNxm, uint256 stakeNxm);
    /// `assessor` withdrew `amountNxm` of its stake to `to`.
    event StakeWithdrawn(address indexed assessor, address indexed to, uint256 amountNxm);
    /// The claims contract opened assessment `assessmentId`.
    event AssessmentStarted(uint256 indexed assessmentId, uint256 totalRewardNxm, uint256 depositEth, uint256 endSecs);
    /// `assessor` voted on `assessmentId` with `stakeNxm`; the poll now ends at `endSecs`.
    event VoteCast(address indexed assessor, uint256 indexed assessmentId, bool accept, uint256 stakeNxm, uint256 endSecs);
    /// `assessor` was paid `amountNxm` of rewards for its votes up to `nextVoteIndex`.
    event RewardWithdrawn(address indexed assessor, uint256 amountNxm, uint256 nextVoteIndex);
    /// Governance undid `assessor`'s vote on `assessmentId` (its stake left the tally).
    event VoteUndone(address indexed assessor, uint256 indexed assessmentId, uint256 stakeNxm, uint256 endSecs);
    /// Governance burned `burnedNxm` of `assessor`'s stake and forfeited its rewards up to
    /// `nextVoteIndex`.
    event FraudProcessed(address indexed assessor, uint256 burnedNxm, uint256 nextVoteIndex);
    /// Governance set the contracts assessment trusts.
    event ContractsSet(address nxmToken, address claims);

    /// `requestedNxm` is more than the `stakeNxm` staked.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientStake(uint256 requestedNxm, uint256 stakeNxm);
    /// The stake is locked until `unlockSecs` (14 days after the last vote).
    #[derive(Debug, PartialEq, Eq)]
    error StakeLocked(uint256 unlockSecs);
    /// No assessment `assessmentId`.
    #[derive(Debug, PartialEq, Eq)]
    error AssessmentNotFound(uint256 assessmentId);
    /// The poll of `assessmentId` ended at `endSecs`.
    #[derive(Debug, PartialEq, Eq)]
    error VotingClosed(uint256 assessmentId, uint256 endSecs);
    /// The caller already voted on `assessmentId`.
    #[derive(Debug, PartialEq, Eq)]
    error AlreadyVoted(uint256 assessmentId);
    /// The first vote on a poll must accept.
    #[derive(Debug, PartialEq, Eq)]
    error AcceptVoteRequired(uint256 assessmentId);
    /// Voting needs a stake.
    #[derive(Debug, PartialEq, Eq)]
    error NoStake(address assessor);
}
