//! Membership: the member registry (join with a fee and a KYC approval, leave, switch address),
//! the advisory board and the protocol-wide emergency pause.
//!
//! Roles:
//! * **KYC authority**: signs EIP-712 [`MembershipApproval`](APPROVAL_TYPE) messages off-chain;
//!   anyone may submit one with the joining fee through `join`;
//! * **members**: `leave` and `switchMembership` for themselves;
//! * **advisory board** (up to [`ADVISORY_BOARD_SEATS`] members): `pause`, and `unpause` as one
//!   confirmation toward lifting the pause;
//! * **governance**: every `set*` entrypoint, `registerStateHolder` / `unregisterStateHolder`,
//!   and `unpause` on its own.
//!
//! The registry is the protocol's one source of truth for membership: it pushes each change to
//! the NXM token (`INxmToken.setMember` / `switchMember`), whose transfers accept only members,
//! and the pause flag (`INxmToken.setPaused`). dApps (and later contracts) read `isMember` and
//! `paused` here; the token enforces both, and through its mint and burn so does the capital pool.
//!
//! **An address joins once.** Member ids are sequential from 1 and never reissued. An address
//! that left or switched its membership away stays recorded as a former member: it can neither
//! join again nor be the target of a switch ([`FormerMember`]). Its NXM allowances and permit
//! nonces stay in the token, but they can never move NXM again: the address holds none (leaving
//! needs a zero balance, a switch moves the whole balance) and can never receive any (only
//! members receive). Hence KYC approvals need no replay map: an approval names its member, and
//! once that member is recorded every approval naming it fails (`AlreadyMember`, then
//! `FormerMember`). dApps check whether an approval can still be used with `hasBeenMember`
//! (plus the deadline and the signer, which `join` reports with their own errors).
//!
//! **Pause.** Any one advisory board member pauses (`pause`). Lifting it takes either
//! governance alone (`unpause` by governance) or a majority of the *filled* seats
//! (`⌊filled / 2⌋ + 1`): each seat holder's `unpause` is one confirmation
//! ([`UnpauseConfirmed`]), a seat confirms once ([`UnpauseAlreadyConfirmed`]), a seat that
//! changes hands loses its confirmation, and the confirmation that reaches the majority lifts the
//! pause. Lifting clears every confirmation, so each new pause starts from none. So one seat can
//! stop the protocol in an emergency, but no single (possibly compromised) seat can undo another
//! seat's pause.
//!
//! **Leaving and switching need nothing left in the protocol.** Every contract that can hold a
//! member's state (staking, assessment, governance, any later one) is registered by governance
//! (`registerStateHolder`, at most [`MAX_STATE_HOLDERS`], each holding code) and asked
//! [`IMemberStateHolder.hasMemberState`](member_state::IMemberStateHolder) before a leave or a
//! switch; any `true` refuses it ([`MemberStateHeld`]).
//!
//! **Joining fees are swept to the capital pool in batches.** `join` keeps the fee in this
//! contract (nothing leaves on a join); `sweepFees`, open to anyone, sends this contract's whole
//! ETH balance to the capital pool in one call and logs [`FeesSwept`] (the pool logs its own
//! `Deposit`). Why: pushing each fee cost every join ~37,000 gas (a cold account, a value
//! transfer, the pool program's per-call start-up and its log); one pool call per batch pays that
//! once. The fee still ends up in the pool, and nothing else can move it. Until a sweep, the
//! pool's value, hence MCR% and the NXM price, is understated by at most the unswept fees (the
//! joining fee, 0.002 ETH by default, per join since the last sweep). A sweep with nothing to
//! sweep is a no-op that returns 0 (no call, no event), so keepers and batched governance actions
//! can call it blindly.

use alloy_primitives::{keccak256, Address, B256, U256};

pub use crate::common::{
    AlreadyMember, EthTransferFailed, GovernanceChanged, NotAContract, NotMember, Paused,
    Unauthorized, ZeroAddress,
};

use crate::signatures::{domain_separator, typed_data_digest};

crate::contract_interface! {
    interface IMembership {
        // Members (and anyone submitting an approval with the fee).
        function join(address member, uint256 nonce, uint256 deadline, bytes calldata signature) external payable;
        function leave() external;
        function switchMembership(address newAddress) external;

        // Anyone.
        function sweepFees() external returns (uint256);

        // Advisory board (`unpause`: also governance).
        function pause() external;
        function unpause() external;

        // Governance only.
        function setAdvisoryBoardSeat(uint8 seat, address account) external;
        function setKycAuthority(address kycAuthority) external;
        function setJoiningFee(uint256 joiningFeeEth) external;
        function setContracts(address nxmToken, address capitalPool) external;
        function registerStateHolder(address holder) external;
        function unregisterStateHolder(address holder) external;
        function setGovernance(address newGovernance) external;

        // Views.
        function isMember(address account) external view returns (bool);
        function hasBeenMember(address account) external view returns (bool);
        function memberId(address account) external view returns (uint64);
        function memberCount() external view returns (uint64);
        function joiningFee() external view returns (uint256);
        function kycAuthority() external view returns (address);
        function paused() external view returns (bool);
        function unpauseConfirmations() external view returns (uint8 confirmations, uint8 needed, uint8 confirmedSeats);
        function isAdvisoryBoardMember(address account) external view returns (bool);
        function advisoryBoardSeat(uint8 seat) external view returns (address);
        function approvalDigest(address member, uint256 nonce, uint256 deadline) external view returns (bytes32);
        function contracts() external view returns (address, address);
        function stateHolders() external view returns (address[] memory);
        function governance() external view returns (address);
    }
}

/// What membership asks of every contract that can hold state for a member (staking pools,
/// assessment, governance, any later one): a member for whom one of them holds anything (stake,
/// deposits, locked or pending NXM, rewards, votes, a managed pool) can neither leave nor switch
/// address. Governance registers each such contract with `registerStateHolder`.
pub mod member_state {
    crate::contract_interface! {
        interface IMemberStateHolder {
            function hasMemberState(address member) external view returns (bool);
        }
    }
}

crate::contract_items! {
    /// `member` joined as member number `memberId` with the KYC approval `nonce`, paying `feeEth`.
    event MemberJoined(address indexed member, uint64 memberId, uint256 nonce, uint256 feeEth);
    /// `member` (member number `memberId`) left the mutual; the address can never join again.
    event MemberLeft(address indexed member, uint64 memberId);
    /// Membership number `memberId` moved from `from` to `to` with its NXM; `from` can never
    /// join again.
    event MembershipSwitched(address indexed from, address indexed to, uint64 memberId);
    /// Advisory board seat `seat` passed from `previous` to `account` (zero: empty). Any unpause
    /// confirmation of the seat is dropped.
    event AdvisoryBoardSeatSet(uint8 indexed seat, address indexed previous, address indexed account);
    /// `by` paused (`true`: an advisory board member) or lifted the pause (`false`: governance,
    /// or the advisory board member whose confirmation reached the majority).
    event PauseConfigured(bool paused, address indexed by);
    /// Advisory board member `by` (seat `seat`) confirmed lifting the pause: `confirmations` of
    /// the `needed` (a majority of the filled seats) are in.
    event UnpauseConfirmed(address indexed by, uint8 seat, uint8 confirmations, uint8 needed);
    /// Governance set the address whose signatures approve new members.
    event KycAuthoritySet(address indexed kycAuthority);
    /// Governance set the joining fee.
    event JoiningFeeSet(uint256 joiningFeeEth);
    /// Governance set the NXM token and the capital pool (which receives joining fees).
    event ContractsSet(address nxmToken, address capitalPool);
    /// `sweepFees` sent the `amountEth` of joining fees this contract held to the capital pool.
    event FeesSwept(uint256 amountEth);
    /// Governance registered `holder`, asked `hasMemberState` before every leave and switch.
    event StateHolderRegistered(address indexed holder);
    /// Governance unregistered `holder`: leaves and switches no longer ask it.
    event StateHolderUnregistered(address indexed holder);

    /// `account` was a member and left or switched its membership away: an address joins once,
    /// so it can neither join again nor be the target of a switch.
    error FormerMember(address account);
    /// `unpause` on a protocol that is not paused.
    error NotPaused();
    /// Advisory board seat `seat` already confirmed lifting this pause (and the majority is not
    /// reached yet).
    error UnpauseAlreadyConfirmed(uint8 seat);
    /// `join` was sent `valueEth`, not exactly the joining fee `joiningFeeEth`.
    error WrongJoiningFee(uint256 valueEth, uint256 joiningFeeEth);
    /// `setJoiningFee` above [`MAX_JOINING_FEE_ETH`] (`maxJoiningFeeEth`, ~7.9e10 ETH): the fee
    /// is stored in 96 bits, next to the KYC authority.
    error JoiningFeeTooHigh(uint256 joiningFeeEth, uint256 maxJoiningFeeEth);
    /// The approval's `deadline` is before the block timestamp `blockTimestamp`.
    error ApprovalExpired(uint256 deadline, uint256 blockTimestamp);
    /// The approval was signed by `signer`, not by `kycAuthority`. `signer` is zero when the
    /// signature is malformed (not 65 bytes, `v` not 27/28, `s` in the upper half of the curve
    /// order) or unrecoverable. A signature for another chain, contract, member, nonce or deadline
    /// recovers to an unrelated signer.
    error InvalidApprovalSigner(address signer, address kycAuthority);
    /// The member still holds `balanceNxm` NXM (leaving needs a zero balance).
    error NxmBalanceNotZero(uint256 balanceNxm);
    /// The registered state holder `holder` reports state held for the member (stake,
    /// deposits, locked NXM, rewards, votes, a managed pool).
    error MemberStateHeld(address holder);
    /// `account` holds advisory board seat `seat`: it must give it up first, and holds one seat
    /// at most.
    error AdvisoryBoardSeatHeld(address account, uint8 seat);
    /// There is no advisory board seat `seat` (seats are 0 to [`ADVISORY_BOARD_SEATS`] − 1).
    error InvalidSeat(uint8 seat);
    /// `holder` is already a registered state holder.
    error StateHolderAlreadyRegistered(address holder);
    /// `holder` is not a registered state holder.
    error StateHolderNotRegistered(address holder);
    /// [`MAX_STATE_HOLDERS`] (`maxStateHolders`) state holders are registered already.
    error TooManyStateHolders(uint8 maxStateHolders);
}

/// Number of advisory board seats (V3: five fixed seats).
pub const ADVISORY_BOARD_SEATS: u8 = 5;

/// Most state holders membership asks before a leave or a switch (each is one call per leave).
pub const MAX_STATE_HOLDERS: u8 = 8;

/// The highest joining fee (`2^96 − 1` wei, ~7.9e10 ETH): the fee is stored in 96 bits.
pub const MAX_JOINING_FEE_ETH: U256 = U256::from_limbs([u64::MAX, u32::MAX as u64, 0, 0]);

/// The joining fee the contract starts with: 0.002 ETH.
pub const DEFAULT_JOINING_FEE_ETH: U256 = U256::from_limbs([2_000_000_000_000_000, 0, 0, 0]);

/// EIP-712 domain name of KYC approvals.
pub const DOMAIN_NAME: &[u8] = b"Mutual Membership";

/// EIP-712 domain version of KYC approvals.
pub const DOMAIN_VERSION: &[u8] = b"1";

/// The EIP-712 type of a KYC approval.
pub const APPROVAL_TYPE: &[u8] =
    b"MembershipApproval(address member,uint256 nonce,uint256 deadline)";

/// `keccak256(APPROVAL_TYPE)`.
pub const APPROVAL_TYPEHASH: B256 = B256::new(
    stylus_sdk::keccak_const::Keccak256::new()
        .update(APPROVAL_TYPE)
        .finalize(),
);

/// The EIP-712 digest the KYC authority signs to approve `member`:
/// `keccak256("\x19\x01" ‖ domainSeparator ‖ keccak256(abi.encode(APPROVAL_TYPEHASH, member,
/// nonce, deadline)))` in the domain ([`DOMAIN_NAME`], [`DOMAIN_VERSION`], `chain_id`,
/// `membership`). The same function serves the contract, the tests and off-chain signers.
pub fn approval_digest(
    chain_id: u64,
    membership: Address,
    member: Address,
    nonce: U256,
    deadline: U256,
) -> B256 {
    let mut encoded = [0u8; 128];
    encoded[..32].copy_from_slice(APPROVAL_TYPEHASH.as_slice());
    encoded[44..64].copy_from_slice(member.as_slice());
    encoded[64..96].copy_from_slice(&nonce.to_be_bytes::<32>());
    encoded[96..].copy_from_slice(&deadline.to_be_bytes::<32>());
    typed_data_digest(
        domain_separator(DOMAIN_NAME, DOMAIN_VERSION, chain_id, membership),
        keccak256(encoded),
    )
}
