//! Membership: the mutual's member registry, its advisory board and the protocol-wide
//! emergency pause.
//!
//! * **Join**: anyone submits a KYC approval (an EIP-712 `MembershipApproval` signed by the KYC
//!   authority, bound to this chain and contract and naming its member) with exactly the joining
//!   fee. The member gets the next sequential member id and the NXM token learns it. The fee
//!   stays here.
//! * **An address joins once.** Leaving or switching away keeps the address's member record,
//!   marked *former*: it can never join again nor receive a switch (V3's rule), so allowances and
//!   permit nonces it left in the token can never move NXM again. The same record makes a KYC
//!   approval single-use without a replay map: every approval names its member, and once that
//!   member is recorded, every approval naming it fails with `AlreadyMember` or `FormerMember`.
//! * **Fee sweep**: anyone may call `sweepFees`, which sends this contract's whole ETH balance
//!   (the joining fees collected since the last sweep) to the capital pool in one call. One pool
//!   call per batch instead of one per join saves each join ~37,000 gas (cold account, value
//!   transfer, the pool program's per-call start-up, its `Deposit` log). The fees still end up in
//!   the pool; until a sweep, the pool's value, hence MCR% and the NXM price, is understated by
//!   at most the unswept fees. With nothing to sweep, `sweepFees` is a no-op returning 0 (no call,
//!   no event), so keepers and batched actions can call it without checking first. It also works
//!   while the protocol is paused: moving fees into the pool is never harmful.
//! * **Leave** (V3 rule: nothing left in the protocol): the member holds no NXM, no registered
//!   state holder (staking, assessment, governance, any later one) reports state held for the
//!   member, and no advisory board seat is held.
//! * **Switch**: membership, member id, advisory board seat and the whole NXM balance move to an
//!   address that never was a member, under the same state-holder rule.
//! * **Advisory board**: five seats set by governance, held by members. Any seat holder pauses;
//!   lifting the pause takes governance alone or a majority of the filled seats, each seat
//!   confirming once (a seat that changes hands loses its confirmation; lifting clears them
//!   all). The flag lives here (other contracts read `paused`) and is pushed to the token.
//!
//! **Storage is laid out for the member actions' cold reads** (2,100 gas each): one slot holds
//! the token, the pause flag, both member counters and the state-holder count (read by join,
//! leave and switch); one holds the KYC authority and the joining fee (read by join); one
//! record slot per address holds its member id, its advisory board seat and the *former* flag.
//! A join reads three slots and writes two (the new record, the counters); a leave reads the
//! same counters slot, the record and one slot per registered state holder.
//!
//! The ABI (interface, events, errors) is declared once in
//! [`mutual_interfaces::membership`]; this crate holds the storage and the rules.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

// `#[storage]` and `#[public]` expand to `vec!` and `Vec`.
#[allow(unused_imports)]
use alloc::{vec, vec::Vec};

use alloy_primitives::{
    aliases::{U40, U96},
    Address, B256, U256, U64, U8,
};
use mutual_interfaces::{
    membership::{
        approval_digest, member_state::IMemberStateHolder, AdvisoryBoardSeatHeld,
        AdvisoryBoardSeatSet, AlreadyMember, ApprovalExpired, ContractsSet, EthTransferFailed,
        FeesSwept, FormerMember, GovernanceChanged, InvalidApprovalSigner, InvalidSeat,
        JoiningFeeSet, JoiningFeeTooHigh, KycAuthoritySet, MemberJoined, MemberLeft,
        MemberStateHeld, MembershipSwitched, NotAContract, NotMember, NotPaused, NxmBalanceNotZero,
        PauseConfigured, Paused, StateHolderAlreadyRegistered, StateHolderNotRegistered,
        StateHolderRegistered, StateHolderUnregistered, TooManyStateHolders, Unauthorized,
        UnpauseAlreadyConfirmed, UnpauseConfirmed, WrongJoiningFee, ZeroAddress,
        ADVISORY_BOARD_SEATS, DEFAULT_JOINING_FEE_ETH, MAX_JOINING_FEE_ETH, MAX_STATE_HOLDERS,
    },
    nxm_token::INxmToken,
    signatures::recover_signer,
};
use stylus_sdk::{
    abi::Bytes,
    call::transfer::transfer_eth,
    prelude::*,
    storage::{
        StorageAddress, StorageArray, StorageBool, StorageMap, StorageU64, StorageU8, StorageUint,
    },
    stylus_core::calls::errors::Error as CallError,
};

/// A member record (one slot per address, 0 = never a member): bits 0–39 the member id (from
/// 1), bits 40–47 the advisory board seat plus one (0 = none), bit 48 [`FORMER`].
type MemberRecord = u64;
/// Bits of a record holding the member id.
const ID_BITS: MemberRecord = (1 << 40) - 1;
/// Shift of the seat-plus-one byte in a record.
const SEAT_SHIFT: u32 = 40;
/// Bits of a record holding the seat plus one.
const SEAT_BITS: MemberRecord = 0xff << SEAT_SHIFT;
/// Set once the address left or switched its membership away; the id stays for the record.
const FORMER: MemberRecord = 1 << 48;

/// Every way a membership entrypoint can revert: the `sol!` errors of
/// [`mutual_interfaces::membership`], each carrying the failing values, or a called contract's
/// revert data passed on unchanged.
#[derive(SolidityError)]
pub enum MembershipError {
    /// The caller lacks the role (governance, advisory board) the entrypoint requires.
    Unauthorized(Unauthorized),
    /// A zero address where one is not allowed, or the NXM token or the pool not set yet.
    ZeroAddress(ZeroAddress),
    /// A contract address to trust holds no code.
    NotAContract(NotAContract),
    /// The protocol is paused.
    Paused(Paused),
    /// `unpause` while not paused.
    NotPaused(NotPaused),
    /// The account is not a member.
    NotMember(NotMember),
    /// The account is a member (cannot join again or receive a switch).
    AlreadyMember(AlreadyMember),
    /// The account was a member (an address joins once).
    FormerMember(FormerMember),
    /// `msg.value` is not the joining fee.
    WrongJoiningFee(WrongJoiningFee),
    /// A joining fee beyond 96 bits.
    JoiningFeeTooHigh(JoiningFeeTooHigh),
    /// The approval's deadline has passed.
    ApprovalExpired(ApprovalExpired),
    /// The approval is not the KYC authority's.
    InvalidApprovalSigner(InvalidApprovalSigner),
    /// A leaving member still holds NXM.
    NxmBalanceNotZero(NxmBalanceNotZero),
    /// A state holder holds state for the member.
    MemberStateHeld(MemberStateHeld),
    /// The account holds an advisory board seat.
    AdvisoryBoardSeatHeld(AdvisoryBoardSeatHeld),
    /// No such advisory board seat.
    InvalidSeat(InvalidSeat),
    /// The seat already confirmed lifting this pause.
    UnpauseAlreadyConfirmed(UnpauseAlreadyConfirmed),
    /// The state holder is registered already.
    StateHolderAlreadyRegistered(StateHolderAlreadyRegistered),
    /// The state holder is not registered.
    StateHolderNotRegistered(StateHolderNotRegistered),
    /// The state-holder list is full.
    TooManyStateHolders(TooManyStateHolders),
    /// The capital pool refused the swept fees.
    EthTransferFailed(EthTransferFailed),
    /// A call to the NXM token or a state holder reverted: its revert data, passed on.
    // Not an ABI error of this contract (the callee's revert data is passed on as it is), and
    // the SDK's export-abi needs every variant to be a `sol!` error: left out of that build.
    #[cfg(not(feature = "export-abi"))]
    Call(CallError),
}

/// The export-abi binary only prints the interface and never calls another contract: this
/// `From` stands in for the `Call` variant's, so `?` on calls compiles in that build.
#[cfg(feature = "export-abi")]
impl From<CallError> for MembershipError {
    fn from(_: CallError) -> Self {
        unreachable!("the export-abi binary makes no calls")
    }
}

/// Shorthand for entrypoint results.
type MembershipResult<T> = Result<T, MembershipError>;

/// The member registry, the advisory board and the pause flag. Field order is the slot layout:
/// fields packed into one slot are read together.
#[storage]
#[entrypoint]
pub struct Membership {
    // Slot 0, read by join, leave and switch: 20 + 1 + 5 + 5 + 1 bytes.
    /// The NXM token, told of every membership change and of the pause.
    nxm_token: StorageAddress,
    /// Whether the protocol is paused.
    is_paused: StorageBool,
    /// Current number of members.
    member_count: StorageUint<40, 1>,
    /// Highest member id issued so far (2^40 − 1 ids: never reached, each join costs >100k gas).
    last_member_id: StorageUint<40, 1>,
    /// Number of registered state holders (the first entries of `state_holders`).
    state_holder_count: StorageU8,

    // Slot 1, read by join: 20 + 12 bytes.
    /// Address whose EIP-712 signatures approve new members.
    kyc_authority: StorageAddress,
    /// Exact fee `join` takes, held here until `sweepFees` sends it to the capital pool.
    joining_fee_eth: StorageUint<96, 2>,

    // Slot 2: 20 + 1 bytes.
    /// The governance role: the only caller of the `set*` entrypoints.
    governance: StorageAddress,
    /// Seats that confirmed lifting the current pause, one bit per seat (0 while not paused).
    unpause_confirmations: StorageU8,

    /// The capital pool, which receives the joining fees `sweepFees` sends.
    capital_pool: StorageAddress,
    /// Member record by address (see [`MemberRecord`]).
    member_records: StorageMap<Address, StorageU64>,
    /// Advisory board seat holders (zero = empty seat).
    seats: StorageArray<StorageAddress, { ADVISORY_BOARD_SEATS as usize }>,
    /// Contracts asked `hasMemberState` before a leave or a switch (the first
    /// `state_holder_count`; the rest are zero).
    state_holders: StorageArray<StorageAddress, { MAX_STATE_HOLDERS as usize }>,
}

#[public]
impl Membership {
    /// Sets the governance role and the KYC authority, and the joining fee to its default
    /// (0.002 ETH).
    ///
    /// # Errors
    ///
    /// * [`ZeroAddress`] - `governance` or `kyc_authority` is zero.
    ///
    /// # Events
    ///
    /// * [`GovernanceChanged`] (from zero), [`KycAuthoritySet`], [`JoiningFeeSet`].
    #[constructor]
    pub fn constructor(
        &mut self,
        governance: Address,
        kyc_authority: Address,
    ) -> MembershipResult<()> {
        if governance.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.governance.set(governance);
        self.vm().log(GovernanceChanged {
            previousGovernance: Address::ZERO,
            newGovernance: governance,
        });
        self.store_kyc_authority(kyc_authority)?;
        self.store_joining_fee(DEFAULT_JOINING_FEE_ETH);
        Ok(())
    }

    /// Registers `member` with a KYC approval, for exactly the joining fee (anyone may submit the
    /// approval and pay). The member gets the next member id; then the NXM token learns the
    /// member. The fee stays in this contract until [`sweep_fees`](Self::sweep_fees) sends it to
    /// the capital pool with the others (nothing leaves on a join).
    ///
    /// `signature` is the KYC authority's 65-byte `r ‖ s ‖ v` signature of
    /// [`approval_digest`]`(chainid, this, member, nonce, deadline)`. An address joins once, so
    /// an approval works once: afterwards its member is recorded for good.
    ///
    /// # Errors
    ///
    /// * [`Paused`] - the protocol is paused.
    /// * [`ZeroAddress`] - `member` is zero, or the NXM token is not set yet.
    /// * [`AlreadyMember`] - `member` is a member.
    /// * [`FormerMember`] - `member` was a member (left or switched away).
    /// * [`WrongJoiningFee`] - `msg.value` is not the joining fee.
    /// * [`ApprovalExpired`] - `deadline` is before the block timestamp.
    /// * [`InvalidApprovalSigner`] - the signature is malformed, high-s, or not the KYC
    ///   authority's over this approval, chain and contract.
    /// * The NXM token's revert data, if `setMember` reverts.
    ///
    /// # Events
    ///
    /// * [`MemberJoined`].
    #[payable]
    pub fn join(
        &mut self,
        member: Address,
        nonce: U256,
        deadline: U256,
        signature: Bytes,
    ) -> MembershipResult<()> {
        self.require_not_paused()?;
        self.require_never_member(member)?;
        let fee_eth = U256::from(self.joining_fee_eth.get());
        let value_eth = self.vm().msg_value();
        if value_eth != fee_eth {
            return Err(WrongJoiningFee {
                valueEth: value_eth,
                joiningFeeEth: fee_eth,
            }
            .into());
        }
        let block_timestamp = U256::from(self.vm().block_timestamp());
        if deadline < block_timestamp {
            return Err(ApprovalExpired {
                deadline,
                blockTimestamp: block_timestamp,
            }
            .into());
        }
        let token = self.nxm_token.get();
        if token.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        let digest = self.approval_digest(member, nonce, deadline);
        let signer = match <[u8; 65]>::try_from(&signature[..]) {
            Ok(sig) => recover_signer(
                self.vm(),
                digest,
                sig[64],
                B256::from_slice(&sig[..32]),
                B256::from_slice(&sig[32..64]),
            )
            .unwrap_or_default(),
            Err(_) => Address::ZERO,
        };
        let kyc_authority = self.kyc_authority.get();
        if signer != kyc_authority {
            return Err(InvalidApprovalSigner {
                signer,
                kycAuthority: kyc_authority,
            }
            .into());
        }

        let member_id = self.last_member_id.get() + U40::from(1);
        self.last_member_id.set(member_id);
        self.member_count
            .set(self.member_count.get() + U40::from(1));
        let member_id = member_id.to::<u64>();
        self.store_record(member, member_id);
        self.vm().log(MemberJoined {
            member,
            memberId: member_id,
            nonce,
            feeEth: fee_eth,
        });

        self.set_token_member(token, member, true)
    }

    /// Sends this contract's whole ETH balance (the joining fees collected since the last
    /// sweep) to the capital pool and returns the amount sent. Anyone may call it, also while
    /// the protocol is paused. With a zero balance it does nothing and returns 0 (no call to
    /// the pool, no event).
    ///
    /// # Errors
    ///
    /// * [`ZeroAddress`] - the capital pool is not set yet (the ETH would be burned).
    /// * [`EthTransferFailed`] - the capital pool refused the ETH.
    ///
    /// # Events
    ///
    /// * [`FeesSwept`] - when the balance is not zero (the pool logs its own `Deposit`).
    pub fn sweep_fees(&mut self) -> MembershipResult<U256> {
        let amount_eth = self.vm().balance(self.vm().contract_address());
        if amount_eth.is_zero() {
            return Ok(U256::ZERO);
        }
        let pool = self.capital_pool.get();
        if pool.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.vm().log(FeesSwept {
            amountEth: amount_eth,
        });
        transfer_eth(self.vm(), pool, amount_eth).map_err(|_| EthTransferFailed {
            to: pool,
            amountEth: amount_eth,
        })?;
        Ok(amount_eth)
    }

    /// Ends the caller's membership for good (the address can never join again). The caller
    /// must hold no NXM, no state in any registered state holder (stake, assessment, votes,
    /// rewards, …) and no advisory board seat (V3 rule); the NXM token then stops accepting
    /// transfers to the caller.
    ///
    /// # Errors
    ///
    /// * [`Paused`] - the protocol is paused.
    /// * [`NotMember`] - the caller is not a member.
    /// * [`AdvisoryBoardSeatHeld`] - the caller holds an advisory board seat.
    /// * [`MemberStateHeld`] - a registered state holder reports state held for the caller.
    /// * [`NxmBalanceNotZero`] - the caller holds NXM.
    /// * The revert data of a state holder or of the NXM token, if a call to one reverts.
    ///
    /// # Events
    ///
    /// * [`MemberLeft`].
    pub fn leave(&mut self) -> MembershipResult<()> {
        self.require_not_paused()?;
        let member = self.vm().msg_sender();
        let record = self.require_member(member)?;
        if let Some(seat) = seat_of(record) {
            return Err(AdvisoryBoardSeatHeld {
                account: member,
                seat,
            }
            .into());
        }
        self.require_no_member_state(member)?;
        let token = INxmToken::new(self.nxm_token.get());
        let balance_nxm = token.balance_of(self.vm(), Call::new(), member)?;
        if !balance_nxm.is_zero() {
            return Err(NxmBalanceNotZero {
                balanceNxm: balance_nxm,
            }
            .into());
        }

        self.store_record(member, record | FORMER);
        self.member_count
            .set(self.member_count.get() - U40::from(1));
        self.vm().log(MemberLeft {
            member,
            memberId: record & ID_BITS,
        });

        self.set_token_member(token.address, member, false)
    }

    /// Moves the caller's membership (member id, advisory board seat if held) and whole NXM
    /// balance to `new_address`, which must never have been a member. The caller's address is
    /// left a former member (it can never join again). No registered state holder may hold
    /// state for the caller.
    ///
    /// # Errors
    ///
    /// * [`Paused`] - the protocol is paused.
    /// * [`NotMember`] - the caller is not a member.
    /// * [`ZeroAddress`] - `new_address` is zero.
    /// * [`AlreadyMember`] - `new_address` is a member.
    /// * [`FormerMember`] - `new_address` was a member.
    /// * [`MemberStateHeld`] - a registered state holder reports state held for the caller.
    /// * The revert data of a state holder or of the NXM token, if a call to one reverts.
    ///
    /// # Events
    ///
    /// * [`AdvisoryBoardSeatSet`] - if the caller held a seat.
    /// * [`MembershipSwitched`].
    pub fn switch_membership(&mut self, new_address: Address) -> MembershipResult<()> {
        self.require_not_paused()?;
        let member = self.vm().msg_sender();
        let record = self.require_member(member)?;
        self.require_never_member(new_address)?;
        self.require_no_member_state(member)?;

        let member_id = record & ID_BITS;
        self.store_record(member, member_id | FORMER);
        self.store_record(new_address, record);
        if let Some(seat) = seat_of(record) {
            // Not paused, so no unpause confirmation to drop.
            if let Some(mut slot) = self.seats.setter(seat) {
                slot.set(new_address);
            }
            self.vm().log(AdvisoryBoardSeatSet {
                seat,
                previous: member,
                account: new_address,
            });
        }
        self.vm().log(MembershipSwitched {
            from: member,
            to: new_address,
            memberId: member_id,
        });

        let call = Call::new_mutating(self);
        INxmToken::new(self.nxm_token.get()).switch_member(self.vm(), call, member, new_address)?;
        Ok(())
    }

    /// Pauses the protocol: joining, leaving and switching stop here, NXM movements stop in the
    /// token, and every contract reading [`paused`](Self::paused) stops its member-facing state
    /// changes. Any one advisory board member; lifting it takes more (see
    /// [`unpause`](Self::unpause)). The pause starts with no unpause confirmation.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller holds no advisory board seat.
    /// * [`Paused`] - the protocol is already paused.
    /// * The NXM token's revert data, if `setPaused` reverts.
    ///
    /// # Events
    ///
    /// * [`PauseConfigured`] (`paused = true`).
    pub fn pause(&mut self) -> MembershipResult<()> {
        let caller = self.vm().msg_sender();
        self.require_seat(caller)?;
        self.require_not_paused()?;
        self.configure_pause(true, caller)
    }

    /// Lifts the pause, or confirms lifting it.
    ///
    /// * **Governance**: lifts it at once.
    /// * **An advisory board member**: records the seat's confirmation; the confirmation that
    ///   makes a majority of the filled seats (`⌊filled / 2⌋ + 1`, see
    ///   [`unpause_confirmations`](Self::unpause_confirmations)) lifts the pause. A seat
    ///   confirms once per pause; it may call again to lift the pause once the majority is
    ///   there (e.g. after governance emptied seats). A seat that changes hands loses its
    ///   confirmation. Lifting clears every confirmation.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller is neither governance nor an advisory board member.
    /// * [`NotPaused`] - the protocol is not paused.
    /// * [`UnpauseAlreadyConfirmed`] - the caller's seat confirmed already and the majority is
    ///   not reached.
    /// * The NXM token's revert data, if `setPaused` reverts.
    ///
    /// # Events
    ///
    /// * [`UnpauseConfirmed`] - for an advisory board member's new confirmation.
    /// * [`PauseConfigured`] (`paused = false`) - when the pause is lifted.
    pub fn unpause(&mut self) -> MembershipResult<()> {
        let caller = self.vm().msg_sender();
        if caller != self.governance.get() {
            let seat = self.require_seat(caller)?;
            self.require_paused()?;
            let confirmed = self.unpause_confirmations.get().to::<u8>();
            let seat_bit = 1u8 << seat;
            let (confirmations, needed) = self.confirmation_tally(confirmed | seat_bit);
            if confirmed & seat_bit == 0 {
                self.unpause_confirmations
                    .set(U8::from(confirmed | seat_bit));
                self.vm().log(UnpauseConfirmed {
                    by: caller,
                    seat,
                    confirmations,
                    needed,
                });
            } else if confirmations < needed {
                return Err(UnpauseAlreadyConfirmed { seat }.into());
            }
            if confirmations < needed {
                return Ok(());
            }
        } else {
            self.require_paused()?;
        }
        self.configure_pause(false, caller)
    }

    /// Gives advisory board seat `seat` to the member `account`, or empties it when `account`
    /// is zero. The previous holder loses the seat, and the seat its unpause confirmation (if
    /// the protocol is paused). Governance only.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller is not governance.
    /// * [`InvalidSeat`] - `seat` is not below [`ADVISORY_BOARD_SEATS`].
    /// * [`NotMember`] - `account` is not zero and not a member.
    /// * [`AdvisoryBoardSeatHeld`] - `account` already holds a seat (this one or another).
    ///
    /// # Events
    ///
    /// * [`AdvisoryBoardSeatSet`].
    pub fn set_advisory_board_seat(&mut self, seat: u8, account: Address) -> MembershipResult<()> {
        self.require_governance()?;
        if seat >= ADVISORY_BOARD_SEATS {
            return Err(InvalidSeat { seat }.into());
        }
        let mut record = 0;
        if !account.is_zero() {
            record = self.require_member(account)?;
            if let Some(held) = seat_of(record) {
                return Err(AdvisoryBoardSeatHeld {
                    account,
                    seat: held,
                }
                .into());
            }
        }

        let previous = self.seats.get(seat).unwrap_or_default();
        if let Some(mut slot) = self.seats.setter(seat) {
            slot.set(account);
        }
        if !previous.is_zero() {
            let previous_record = self.record(previous);
            self.store_record(previous, previous_record & !SEAT_BITS);
        }
        if !account.is_zero() {
            let with_seat = record | MemberRecord::from(seat + 1) << SEAT_SHIFT;
            self.store_record(account, with_seat);
        }
        let confirmed = self.unpause_confirmations.get().to::<u8>();
        self.unpause_confirmations
            .set(U8::from(confirmed & !(1u8 << seat)));
        self.vm().log(AdvisoryBoardSeatSet {
            seat,
            previous,
            account,
        });
        Ok(())
    }

    /// Sets the address whose signatures approve new members. Governance only.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller is not governance.
    /// * [`ZeroAddress`] - `kyc_authority` is zero.
    ///
    /// # Events
    ///
    /// * [`KycAuthoritySet`].
    pub fn set_kyc_authority(&mut self, kyc_authority: Address) -> MembershipResult<()> {
        self.require_governance()?;
        self.store_kyc_authority(kyc_authority)
    }

    /// Sets the exact fee `join` takes (zero makes joining free). Governance only.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller is not governance.
    /// * [`JoiningFeeTooHigh`] - above [`MAX_JOINING_FEE_ETH`] (2^96 − 1 wei).
    ///
    /// # Events
    ///
    /// * [`JoiningFeeSet`].
    pub fn set_joining_fee(&mut self, joining_fee_eth: U256) -> MembershipResult<()> {
        self.require_governance()?;
        if joining_fee_eth > MAX_JOINING_FEE_ETH {
            return Err(JoiningFeeTooHigh {
                joiningFeeEth: joining_fee_eth,
                maxJoiningFeeEth: MAX_JOINING_FEE_ETH,
            }
            .into());
        }
        self.store_joining_fee(joining_fee_eth);
        Ok(())
    }

    /// Sets the NXM token (told of membership changes and the pause) and the capital pool (paid
    /// the joining fees by `sweepFees`; fees not yet swept go to the new pool). Governance only.
    /// Both must hold code; a new token set while the protocol is paused is paused at once, so
    /// the two flags never disagree.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller is not governance.
    /// * [`ZeroAddress`] - either address is zero.
    /// * [`NotAContract`] - either address holds no code.
    /// * The token's revert, passed on, if pausing it fails.
    ///
    /// # Events
    ///
    /// * [`ContractsSet`].
    pub fn set_contracts(
        &mut self,
        nxm_token: Address,
        capital_pool: Address,
    ) -> MembershipResult<()> {
        self.require_governance()?;
        if nxm_token.is_zero() || capital_pool.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        for account in [nxm_token, capital_pool] {
            self.require_code(account)?;
        }
        self.nxm_token.set(nxm_token);
        self.capital_pool.set(capital_pool);
        self.vm().log(ContractsSet {
            nxmToken: nxm_token,
            capitalPool: capital_pool,
        });
        if self.is_paused.get() {
            let call = Call::new_mutating(self);
            INxmToken::new(nxm_token).set_paused(self.vm(), call, true)?;
        }
        Ok(())
    }

    /// Registers `holder`, a contract that can hold state for members (staking, assessment,
    /// governance, any later one): every leave and switch then asks it
    /// `IMemberStateHolder.hasMemberState(member)` and is refused on `true`. At most
    /// [`MAX_STATE_HOLDERS`]; each must hold code (a call to an address without code would
    /// make every leave and switch revert). Governance only.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller is not governance.
    /// * [`NotAContract`] - `holder` holds no code (this includes the zero address).
    /// * [`StateHolderAlreadyRegistered`] - `holder` is registered.
    /// * [`TooManyStateHolders`] - [`MAX_STATE_HOLDERS`] are registered.
    ///
    /// # Events
    ///
    /// * [`StateHolderRegistered`].
    pub fn register_state_holder(&mut self, holder: Address) -> MembershipResult<()> {
        self.require_governance()?;
        self.require_code(holder)?;
        let count = self.state_holder_count.get().to::<u8>();
        if self.state_holder_index(holder, count).is_some() {
            return Err(StateHolderAlreadyRegistered { holder }.into());
        }
        if count >= MAX_STATE_HOLDERS {
            return Err(TooManyStateHolders {
                maxStateHolders: MAX_STATE_HOLDERS,
            }
            .into());
        }
        if let Some(mut slot) = self.state_holders.setter(count) {
            slot.set(holder);
        }
        self.state_holder_count.set(U8::from(count + 1));
        self.vm().log(StateHolderRegistered { holder });
        Ok(())
    }

    /// Unregisters the state holder `holder`: leaves and switches stop asking it. The last
    /// registered holder takes its place in [`state_holders`](Self::state_holders).
    /// Governance only.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller is not governance.
    /// * [`StateHolderNotRegistered`] - `holder` is not registered.
    ///
    /// # Events
    ///
    /// * [`StateHolderUnregistered`].
    pub fn unregister_state_holder(&mut self, holder: Address) -> MembershipResult<()> {
        self.require_governance()?;
        let count = self.state_holder_count.get().to::<u8>();
        let index = self
            .state_holder_index(holder, count)
            .ok_or(StateHolderNotRegistered { holder })?;
        let last = count - 1;
        let moved = self.state_holders.get(last).unwrap_or_default();
        if let Some(mut slot) = self.state_holders.setter(index) {
            slot.set(moved);
        }
        if let Some(mut slot) = self.state_holders.setter(last) {
            slot.set(Address::ZERO);
        }
        self.state_holder_count.set(U8::from(last));
        self.vm().log(StateHolderUnregistered { holder });
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller is not governance.
    /// * [`ZeroAddress`] - `new_governance` is zero.
    ///
    /// # Events
    ///
    /// * [`GovernanceChanged`].
    pub fn set_governance(&mut self, new_governance: Address) -> MembershipResult<()> {
        let previous_governance = self.require_governance()?;
        if new_governance.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.governance.set(new_governance);
        self.vm().log(GovernanceChanged {
            previousGovernance: previous_governance,
            newGovernance: new_governance,
        });
        Ok(())
    }

    /// Whether `account` is a member.
    pub fn is_member(&self, account: Address) -> bool {
        is_current(self.record(account))
    }

    /// Whether `account` is or was a member. Once `true` it stays `true`: the address can
    /// neither join (every KYC approval naming it is spent) nor receive a switch.
    pub fn has_been_member(&self, account: Address) -> bool {
        self.record(account) != 0
    }

    /// `account`'s member id (from 1, in joining order; kept across a switch, never reissued),
    /// or 0 for an address that is not a member (now).
    pub fn member_id(&self, account: Address) -> u64 {
        let record = self.record(account);
        if is_current(record) {
            record & ID_BITS
        } else {
            0
        }
    }

    /// Current number of members.
    pub fn member_count(&self) -> u64 {
        self.member_count.get().to()
    }

    /// The exact fee `join` takes, in wei.
    pub fn joining_fee(&self) -> U256 {
        U256::from(self.joining_fee_eth.get())
    }

    /// The address whose signatures approve new members.
    pub fn kyc_authority(&self) -> Address {
        self.kyc_authority.get()
    }

    /// Whether the protocol is paused.
    pub fn paused(&self) -> bool {
        self.is_paused.get()
    }

    /// The advisory board's progress toward lifting the pause: confirmations so far, the
    /// number that lifts it (a majority of the filled seats, `⌊filled / 2⌋ + 1`) and the seats
    /// that confirmed (bit `i` = seat `i`). No confirmations while not paused.
    pub fn unpause_confirmations(&self) -> (u8, u8, u8) {
        let confirmed = self.unpause_confirmations.get().to::<u8>();
        let (confirmations, needed) = self.confirmation_tally(confirmed);
        (confirmations, needed, confirmed)
    }

    /// Whether `account` holds an advisory board seat.
    pub fn is_advisory_board_member(&self, account: Address) -> bool {
        seat_of(self.record(account)).is_some()
    }

    /// The holder of advisory board seat `seat` (zero when empty).
    ///
    /// # Errors
    ///
    /// * [`InvalidSeat`] - `seat` is not below [`ADVISORY_BOARD_SEATS`].
    pub fn advisory_board_seat(&self, seat: u8) -> MembershipResult<Address> {
        Ok(self.seats.get(seat).ok_or(InvalidSeat { seat })?)
    }

    /// The EIP-712 digest the KYC authority signs to approve `member` with `nonce` until
    /// `deadline` (a block timestamp), bound to this chain and contract. The approval can be
    /// used while `member` has not been a member ([`has_been_member`](Self::has_been_member)).
    pub fn approval_digest(&self, member: Address, nonce: U256, deadline: U256) -> B256 {
        approval_digest(
            self.vm().chain_id(),
            self.vm().contract_address(),
            member,
            nonce,
            deadline,
        )
    }

    /// The NXM token and the capital pool.
    pub fn contracts(&self) -> (Address, Address) {
        (self.nxm_token.get(), self.capital_pool.get())
    }

    /// The registered state holders, asked before every leave and switch, in the order asked.
    pub fn state_holders(&self) -> Vec<Address> {
        let count = self.state_holder_count.get().to::<u8>();
        (0..count)
            .map(|index| self.state_holders.get(index).unwrap_or_default())
            .collect()
    }

    /// The governance role.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }
}

/// Whether `record` is a current member's (recorded and not former).
fn is_current(record: MemberRecord) -> bool {
    record != 0 && record & FORMER == 0
}

/// The advisory board seat held according to `record`, if any.
fn seat_of(record: MemberRecord) -> Option<u8> {
    ((record >> SEAT_SHIFT) as u8).checked_sub(1)
}

impl Membership {
    /// `account`'s member record (0: never a member).
    fn record(&self, account: Address) -> MemberRecord {
        self.member_records.get(account).to()
    }

    /// Writes `account`'s member record.
    #[inline(never)]
    fn store_record(&mut self, account: Address, record: MemberRecord) {
        self.member_records.setter(account).set(U64::from(record));
    }

    /// Reverts with [`Unauthorized`] unless the caller is governance; returns governance.
    #[inline(never)]
    fn require_governance(&self) -> MembershipResult<Address> {
        let caller = self.vm().msg_sender();
        let governance = self.governance.get();
        if caller != governance {
            return Err(Unauthorized { caller }.into());
        }
        Ok(governance)
    }

    /// Reverts with [`Paused`] while the protocol is paused.
    #[inline(never)]
    fn require_not_paused(&self) -> MembershipResult<()> {
        if self.is_paused.get() {
            return Err(Paused {}.into());
        }
        Ok(())
    }

    /// Reverts with [`NotPaused`] unless the protocol is paused.
    fn require_paused(&self) -> MembershipResult<()> {
        if !self.is_paused.get() {
            return Err(NotPaused {}.into());
        }
        Ok(())
    }

    /// Reverts with [`Unauthorized`] unless `account` holds an advisory board seat; returns it.
    #[inline(never)]
    fn require_seat(&self, account: Address) -> MembershipResult<u8> {
        Ok(seat_of(self.record(account)).ok_or(Unauthorized { caller: account })?)
    }

    /// Reverts with [`NotMember`] unless `account` is a member; returns its record.
    #[inline(never)]
    fn require_member(&self, account: Address) -> MembershipResult<MemberRecord> {
        let record = self.record(account);
        if !is_current(record) {
            return Err(NotMember { account }.into());
        }
        Ok(record)
    }

    /// Reverts unless `account` can become a member: [`ZeroAddress`], [`AlreadyMember`] or
    /// [`FormerMember`] (an address joins once).
    #[inline(never)]
    fn require_never_member(&self, account: Address) -> MembershipResult<()> {
        if account.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        let record = self.record(account);
        if record & FORMER != 0 {
            return Err(FormerMember { account }.into());
        }
        if record != 0 {
            return Err(AlreadyMember { account }.into());
        }
        Ok(())
    }

    /// Reverts with [`NotAContract`] unless `account` holds code.
    #[inline(never)]
    fn require_code(&self, account: Address) -> MembershipResult<()> {
        if self.vm().code_size(account) == 0 {
            return Err(NotAContract { account }.into());
        }
        Ok(())
    }

    /// Reverts with [`MemberStateHeld`] if a registered state holder holds state for `member`
    /// (asked in registration order; a holder's revert is passed on).
    #[inline(never)]
    fn require_no_member_state(&self, member: Address) -> MembershipResult<()> {
        let count = self.state_holder_count.get().to::<u8>();
        for index in 0..count {
            let holder = self.state_holders.get(index).unwrap_or_default();
            let held =
                IMemberStateHolder::new(holder).has_member_state(self.vm(), Call::new(), member)?;
            if held {
                return Err(MemberStateHeld { holder }.into());
            }
        }
        Ok(())
    }

    /// Index of `holder` among the first `count` state holders.
    fn state_holder_index(&self, holder: Address, count: u8) -> Option<u8> {
        (0..count).find(|&index| self.state_holders.get(index).unwrap_or_default() == holder)
    }

    /// The confirmations in the seat bitmask `confirmed` and the number that lifts the pause
    /// (`⌊filled seats / 2⌋ + 1`). A seat's bit is cleared when the seat changes hands, so
    /// every confirmed seat is filled.
    fn confirmation_tally(&self, confirmed: u8) -> (u8, u8) {
        let filled = (0..ADVISORY_BOARD_SEATS)
            .filter(|&seat| !self.seats.get(seat).unwrap_or_default().is_zero())
            .count() as u8;
        (confirmed.count_ones() as u8, filled / 2 + 1)
    }

    /// Sets the pause flag to `paused` (by `by`), clears the unpause confirmations and pushes
    /// the flag to the NXM token.
    fn configure_pause(&mut self, paused: bool, by: Address) -> MembershipResult<()> {
        self.is_paused.set(paused);
        self.unpause_confirmations.set(U8::ZERO);
        self.vm().log(PauseConfigured { paused, by });

        let call = Call::new_mutating(self);
        INxmToken::new(self.nxm_token.get()).set_paused(self.vm(), call, paused)?;
        Ok(())
    }

    /// Tells the NXM token whether `account` is a member.
    #[inline(never)]
    fn set_token_member(
        &mut self,
        token: Address,
        account: Address,
        is_member: bool,
    ) -> MembershipResult<()> {
        let call = Call::new_mutating(self);
        INxmToken::new(token).set_member(self.vm(), call, account, is_member)?;
        Ok(())
    }

    /// Stores the KYC authority.
    fn store_kyc_authority(&mut self, kyc_authority: Address) -> MembershipResult<()> {
        if kyc_authority.is_zero() {
            return Err(ZeroAddress {}.into());
        }
        self.kyc_authority.set(kyc_authority);
        self.vm().log(KycAuthoritySet {
            kycAuthority: kyc_authority,
        });
        Ok(())
    }

    /// Stores the joining fee (at most [`MAX_JOINING_FEE_ETH`]: checked by the callers).
    fn store_joining_fee(&mut self, joining_fee_eth: U256) {
        let limbs = joining_fee_eth.as_limbs();
        self.joining_fee_eth
            .set(U96::from_limbs([limbs[0], limbs[1]]));
        self.vm().log(JoiningFeeSet {
            joiningFeeEth: joining_fee_eth,
        });
    }
}

#[cfg(test)]
mod tests;
