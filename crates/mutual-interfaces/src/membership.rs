//! Membership: the member registry (join with a fee and a KYC approval, leave, switch address),
//! the advisory board and the protocol-wide emergency pause.
//!
//! Roles:
//! * **KYC authority**: signs EIP-712 [`MembershipApproval`](APPROVAL_TYPE) messages off-chain;
//!   anyone may submit one with the joining fee through `join`;
//! * **members**: `leave` and `switchMembership` for themselves;
//! * **advisory board** (up to [`ADVISORY_BOARD_SEATS`] members): `pause` and `unpause`;
//! * **governance**: every `set*` entrypoint.
//!
//! The registry is the protocol's one source of truth for membership: it pushes each change to
//! the NXM token (`INxmToken.setMember` / `switchMember`), whose transfers accept only members,
//! and the pause flag (`INxmToken.setPaused`). dApps (and later contracts) read `isMember` and
//! `paused` here; the token enforces both, and through its mint and burn so does the capital pool.
//!
//! **Joining fees are swept to the capital pool in batches.** `join` keeps the fee in this
//! contract (nothing leaves on a join); `sweepFees`, open to anyone, sends this contract's whole
//! ETH balance to the capital pool in one call and logs [`FeesSwept`] (the pool logs its own
//! `Deposit`). Why: pushing each fee cost every join ~37,000 gas (a cold account, a value
//! transfer, the pool program's per-call start-up and its log); one pool call per batch pays that
//! once. The fee still ends up in the pool, and nothing else can move it. Until a sweep, the
//! pool's value, hence MCR% and the NXM price, is understated by at most the unswept fees (the
//! joining fee, 0.002 ETH by default, per join since the last sweep). A sweep with nothing to sweep is a no-op that
//! returns 0 (no call, no event), so keepers and batched governance actions can call it blindly.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::sol;

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

        // Advisory board.
        function pause() external;
        function unpause() external;

        // Governance only.
        function setAdvisoryBoardSeat(uint8 seat, address account) external;
        function setKycAuthority(address kycAuthority) external;
        function setJoiningFee(uint256 joiningFeeEth) external;
        function setContracts(address nxmToken, address capitalPool) external;
        function setLockHolders(address staking, address assessment, address governance) external;
        function setGovernance(address newGovernance) external;

        // Views.
        function isMember(address account) external view returns (bool);
        function memberId(address account) external view returns (uint64);
        function memberCount() external view returns (uint64);
        function joiningFee() external view returns (uint256);
        function kycAuthority() external view returns (address);
        function paused() external view returns (bool);
        function isAdvisoryBoardMember(address account) external view returns (bool);
        function advisoryBoardSeat(uint8 seat) external view returns (address);
        function approvalDigest(address member, uint256 nonce, uint256 deadline) external view returns (bytes32);
        function approvalUsed(bytes32 digest) external view returns (bool);
        function contracts() external view returns (address, address);
        function lockHolders() external view returns (address, address, address);
        function governance() external view returns (address);
    }
}

/// What membership asks of every contract that can hold a member's NXM (staking pools,
/// assessment, governance): a member with locked NXM can neither leave nor switch address.
pub mod locks {
    crate::contract_interface! {
        interface IMemberLocks {
            function hasLockedNxm(address member) external view returns (bool);
        }
    }
}

sol! {
    /// `member` joined as member number `memberId` with the KYC approval `nonce`, paying `feeEth`.
    event MemberJoined(address indexed member, uint64 memberId, uint256 nonce, uint256 feeEth);
    /// `member` (member number `memberId`) left the mutual.
    event MemberLeft(address indexed member, uint64 memberId);
    /// Membership number `memberId` moved from `from` to `to` with its NXM.
    event MembershipSwitched(address indexed from, address indexed to, uint64 memberId);
    /// Advisory board seat `seat` passed from `previous` to `account` (zero: empty).
    event AdvisoryBoardSeatSet(uint8 indexed seat, address indexed previous, address indexed account);
    /// Advisory board member `by` paused (`true`) or unpaused (`false`) the protocol.
    event PauseConfigured(bool paused, address indexed by);
    /// Governance set the address whose signatures approve new members.
    event KycAuthoritySet(address indexed kycAuthority);
    /// Governance set the joining fee.
    event JoiningFeeSet(uint256 joiningFeeEth);
    /// Governance set the NXM token and the capital pool (which receives joining fees).
    event ContractsSet(address nxmToken, address capitalPool);
    /// `sweepFees` sent the `amountEth` of joining fees this contract held to the capital pool.
    event FeesSwept(uint256 amountEth);
    /// Governance set the contracts asked for locked NXM before a member leaves or switches
    /// (zero: not deployed, skipped).
    event LockHoldersSet(address staking, address assessment, address governance);

    /// `unpause` on a protocol that is not paused.
    error NotPaused();
    /// `join` was sent `valueEth`, not exactly the joining fee `joiningFeeEth`.
    error WrongJoiningFee(uint256 valueEth, uint256 joiningFeeEth);
    /// The approval's `deadline` is before the block timestamp `blockTimestamp`.
    error ApprovalExpired(uint256 deadline, uint256 blockTimestamp);
    /// The approval with this EIP-712 `digest` was already used.
    error ApprovalAlreadyUsed(bytes32 digest);
    /// The approval was signed by `signer`, not by `kycAuthority`. `signer` is zero when the
    /// signature is malformed (not 65 bytes, `v` not 27/28, `s` in the upper half of the curve
    /// order) or unrecoverable. A signature for another chain, contract, member, nonce or deadline
    /// recovers to an unrelated signer.
    error InvalidApprovalSigner(address signer, address kycAuthority);
    /// The member still holds `balanceNxm` NXM (leaving needs a zero balance).
    error NxmBalanceNotZero(uint256 balanceNxm);
    /// The contract `lockHolder` reports NXM locked for the member (stake, assessment, votes).
    error NxmLocked(address lockHolder);
    /// `account` holds advisory board seat `seat`: it must give it up first, and holds one seat
    /// at most.
    error AdvisoryBoardSeatHeld(address account, uint8 seat);
    /// There is no advisory board seat `seat` (seats are 0 to [`ADVISORY_BOARD_SEATS`] − 1).
    error InvalidSeat(uint8 seat);
}

/// Number of advisory board seats (V3: five fixed seats).
pub const ADVISORY_BOARD_SEATS: u8 = 5;

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
