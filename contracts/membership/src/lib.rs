//! Membership: the mutual's member registry, its advisory board and the protocol-wide
//! emergency pause.
//!
//! * **Join**: anyone submits a KYC approval (an EIP-712 `MembershipApproval` signed by the KYC
//!   authority, usable once, bound to this chain and contract) with exactly the joining fee. The
//!   member gets the next sequential member id and the NXM token learns it. The fee stays here.
//! * **Fee sweep**: anyone may call `sweepFees`, which sends this contract's whole ETH balance
//!   (the joining fees collected since the last sweep) to the capital pool in one call. One pool
//!   call per batch instead of one per join saves each join ~37,000 gas (cold account, value
//!   transfer, the pool program's per-call start-up, its `Deposit` log). The fees still end up in
//!   the pool; until a sweep, the pool's value, hence MCR% and the NXM price, is understated by
//!   at most the unswept fees. With nothing to sweep, `sweepFees` is a no-op returning 0 (no call,
//!   no event), so keepers and batched actions can call it without checking first. It also works
//!   while the protocol is paused: moving fees into the pool is never harmful.
//! * **Leave** (V3 rule: nothing left in the protocol): the member holds no NXM, no lock holder
//!   (staking, assessment, governance) reports locked NXM, and no advisory board seat is held.
//! * **Switch**: membership, member id, advisory board seat and the whole NXM balance move to an
//!   address that is not a member, under the same lock rules.
//! * **Advisory board**: five seats set by governance, held by members; any seat holder can pause
//!   and unpause the protocol. The flag lives here (other contracts read `paused`) and is pushed to
//!   the token.
//!
//! The ABI (interface, events, errors) is declared once in
//! [`mutual_interfaces::membership`]; this crate holds the storage and the rules.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

extern crate alloc;

// `#[storage]` expands to `vec!`.
#[allow(unused_imports)]
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256, U64, U8};
use alloy_sol_types::SolError;
use mutual_interfaces::{
    membership::{
        approval_digest, locks::IMemberLocks, AdvisoryBoardSeatHeld, AdvisoryBoardSeatSet,
        AlreadyMember, ApprovalAlreadyUsed, ApprovalExpired, ContractsSet, EthTransferFailed,
        FeesSwept, GovernanceChanged, InvalidApprovalSigner, InvalidSeat, JoiningFeeSet,
        KycAuthoritySet, LockHoldersSet, MemberJoined, MemberLeft, MembershipSwitched,
        NotAContract, NotMember, NotPaused, NxmBalanceNotZero, NxmLocked, PauseConfigured, Paused,
        Unauthorized, WrongJoiningFee, ZeroAddress, ADVISORY_BOARD_SEATS, DEFAULT_JOINING_FEE_ETH,
    },
    nxm_token::INxmToken,
    signatures::recover_signer,
};
use stylus_sdk::{
    abi::Bytes,
    call::transfer::transfer_eth,
    prelude::*,
    storage::{
        StorageAddress, StorageArray, StorageBool, StorageMap, StorageU256, StorageU64, StorageU8,
    },
};

/// Number of lock holders asked before a member leaves or switches: staking, assessment,
/// governance (in that order, as `setLockHolders` takes them).
const LOCK_HOLDERS: usize = 3;

/// The member registry, the advisory board and the pause flag.
#[storage]
#[entrypoint]
pub struct Membership {
    /// Member id by address (ids start at 1; 0 = not a member).
    member_ids: StorageMap<Address, StorageU64>,
    /// Current number of members.
    member_count: StorageU64,
    /// Highest member id issued so far.
    last_member_id: StorageU64,
    /// Whether the protocol is paused.
    is_paused: StorageBool,
    /// EIP-712 digests of the KYC approvals already used.
    used_approvals: StorageMap<B256, StorageBool>,
    /// Advisory board seat holders (zero = empty seat).
    seats: StorageArray<StorageAddress, { ADVISORY_BOARD_SEATS as usize }>,
    /// Seat held by an address, plus one (0 = no seat): makes the board checks one lookup.
    seat_of: StorageMap<Address, StorageU8>,
    /// Exact fee `join` takes, held here until `sweepFees` sends it to the capital pool.
    joining_fee_eth: StorageU256,
    /// Address whose EIP-712 signatures approve new members.
    kyc_authority: StorageAddress,
    /// The governance role: the only caller of the `set*` entrypoints.
    governance: StorageAddress,
    /// The NXM token, told of every membership change and of the pause.
    nxm_token: StorageAddress,
    /// The capital pool, which receives the joining fees `sweepFees` sends.
    capital_pool: StorageAddress,
    /// Contracts asked `hasLockedNxm` before a leave or a switch (zero = not deployed, skipped).
    lock_holders: StorageArray<StorageAddress, LOCK_HOLDERS>,
}

/// An ABI-encoded custom error, ready to revert with.
fn revert<E: SolError>(error: E) -> Vec<u8> {
    error.abi_encode()
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
    ) -> Result<(), Vec<u8>> {
        if governance.is_zero() {
            return Err(revert(ZeroAddress {}));
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
    /// [`approval_digest`]`(chainid, this, member, nonce, deadline)`; each approval works once.
    ///
    /// # Errors
    ///
    /// * [`Paused`] - the protocol is paused.
    /// * [`ZeroAddress`] - `member` is zero, or the NXM token is not set yet.
    /// * [`AlreadyMember`] - `member` is a member.
    /// * [`WrongJoiningFee`] - `msg.value` is not the joining fee.
    /// * [`ApprovalExpired`] - `deadline` is before the block timestamp.
    /// * [`ApprovalAlreadyUsed`] - this approval was used.
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
    ) -> Result<(), Vec<u8>> {
        self.require_not_paused()?;
        self.require_non_member(member)?;
        let fee_eth = self.joining_fee_eth.get();
        let value_eth = self.vm().msg_value();
        if value_eth != fee_eth {
            return Err(revert(WrongJoiningFee {
                valueEth: value_eth,
                joiningFeeEth: fee_eth,
            }));
        }
        let block_timestamp = U256::from(self.vm().block_timestamp());
        if deadline < block_timestamp {
            return Err(revert(ApprovalExpired {
                deadline,
                blockTimestamp: block_timestamp,
            }));
        }
        let token = self.nxm_token.get();
        if token.is_zero() {
            return Err(revert(ZeroAddress {}));
        }
        let digest = self.approval_digest(member, nonce, deadline);
        if self.used_approvals.get(digest) {
            return Err(revert(ApprovalAlreadyUsed { digest }));
        }
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
            return Err(revert(InvalidApprovalSigner {
                signer,
                kycAuthority: kyc_authority,
            }));
        }

        self.used_approvals.setter(digest).set(true);
        let member_id = self.last_member_id.get().to::<u64>() + 1;
        self.last_member_id.set(U64::from(member_id));
        self.member_ids.setter(member).set(U64::from(member_id));
        self.member_count
            .set(self.member_count.get() + U64::from(1));
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
    pub fn sweep_fees(&mut self) -> Result<U256, Vec<u8>> {
        let amount_eth = self.vm().balance(self.vm().contract_address());
        if amount_eth.is_zero() {
            return Ok(U256::ZERO);
        }
        let pool = self.capital_pool.get();
        if pool.is_zero() {
            return Err(revert(ZeroAddress {}));
        }
        self.vm().log(FeesSwept {
            amountEth: amount_eth,
        });
        transfer_eth(self.vm(), pool, amount_eth).map_err(|_| {
            revert(EthTransferFailed {
                to: pool,
                amountEth: amount_eth,
            })
        })?;
        Ok(amount_eth)
    }

    /// Ends the caller's membership. The caller must hold no NXM, no NXM locked in staking,
    /// assessment or governance, and no advisory board seat (V3 rule); the NXM token then stops
    /// accepting transfers to the caller.
    ///
    /// # Errors
    ///
    /// * [`Paused`] - the protocol is paused.
    /// * [`NotMember`] - the caller is not a member.
    /// * [`AdvisoryBoardSeatHeld`] - the caller holds an advisory board seat.
    /// * [`NxmLocked`] - a lock holder reports NXM locked for the caller.
    /// * [`NxmBalanceNotZero`] - the caller holds NXM.
    /// * The revert data of a lock holder or of the NXM token, if a call to one reverts.
    ///
    /// # Events
    ///
    /// * [`MemberLeft`].
    pub fn leave(&mut self) -> Result<(), Vec<u8>> {
        self.require_not_paused()?;
        let member = self.vm().msg_sender();
        let member_id = self.require_member(member)?;
        if let Some(seat) = self.seat_held(member) {
            return Err(revert(AdvisoryBoardSeatHeld {
                account: member,
                seat,
            }));
        }
        self.require_no_locks(member)?;
        let token = INxmToken::new(self.nxm_token.get());
        let balance_nxm = token
            .balance_of(self.vm(), Call::new(), member)
            .map_err(Vec::from)?;
        if !balance_nxm.is_zero() {
            return Err(revert(NxmBalanceNotZero {
                balanceNxm: balance_nxm,
            }));
        }

        self.member_ids.delete(member);
        self.member_count
            .set(self.member_count.get() - U64::from(1));
        self.vm().log(MemberLeft {
            member,
            memberId: member_id,
        });

        self.set_token_member(token.address, member, false)
    }

    /// Moves the caller's membership (member id, advisory board seat if held) and whole NXM
    /// balance to `new_address`, which must not be a member. The caller must have no NXM locked
    /// in staking, assessment or governance.
    ///
    /// # Errors
    ///
    /// * [`Paused`] - the protocol is paused.
    /// * [`NotMember`] - the caller is not a member.
    /// * [`ZeroAddress`] - `new_address` is zero.
    /// * [`AlreadyMember`] - `new_address` is a member.
    /// * [`NxmLocked`] - a lock holder reports NXM locked for the caller.
    /// * The revert data of a lock holder or of the NXM token, if a call to one reverts.
    ///
    /// # Events
    ///
    /// * [`AdvisoryBoardSeatSet`] - if the caller held a seat.
    /// * [`MembershipSwitched`].
    pub fn switch_membership(&mut self, new_address: Address) -> Result<(), Vec<u8>> {
        self.require_not_paused()?;
        let member = self.vm().msg_sender();
        let member_id = self.require_member(member)?;
        self.require_non_member(new_address)?;
        self.require_no_locks(member)?;

        self.member_ids.delete(member);
        self.member_ids
            .setter(new_address)
            .set(U64::from(member_id));
        if let Some(seat) = self.seat_held(member) {
            self.assign_seat(seat, new_address);
        }
        self.vm().log(MembershipSwitched {
            from: member,
            to: new_address,
            memberId: member_id,
        });

        let call = Call::new_mutating(self);
        INxmToken::new(self.nxm_token.get())
            .switch_member(self.vm(), call, member, new_address)
            .map_err(Vec::from)
    }

    /// Pauses the protocol: joining, leaving and switching stop here, NXM movements stop in the
    /// token, and every contract reading [`paused`](Self::paused) stops its member-facing state
    /// changes. Advisory board members only.
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
    pub fn pause(&mut self) -> Result<(), Vec<u8>> {
        self.configure_pause(true)
    }

    /// Lifts the pause. Advisory board members only.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller holds no advisory board seat.
    /// * [`NotPaused`] - the protocol is not paused.
    /// * The NXM token's revert data, if `setPaused` reverts.
    ///
    /// # Events
    ///
    /// * [`PauseConfigured`] (`paused = false`).
    pub fn unpause(&mut self) -> Result<(), Vec<u8>> {
        self.configure_pause(false)
    }

    /// Gives advisory board seat `seat` to the member `account`, or empties it when `account`
    /// is zero. The previous holder loses the seat. Governance only.
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
    pub fn set_advisory_board_seat(&mut self, seat: u8, account: Address) -> Result<(), Vec<u8>> {
        self.require_governance()?;
        if seat >= ADVISORY_BOARD_SEATS {
            return Err(revert(InvalidSeat { seat }));
        }
        if !account.is_zero() {
            self.require_member(account)?;
            if let Some(held) = self.seat_held(account) {
                return Err(revert(AdvisoryBoardSeatHeld {
                    account,
                    seat: held,
                }));
            }
        }
        self.assign_seat(seat, account);
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
    pub fn set_kyc_authority(&mut self, kyc_authority: Address) -> Result<(), Vec<u8>> {
        self.require_governance()?;
        self.store_kyc_authority(kyc_authority)
    }

    /// Sets the exact fee `join` takes (zero makes joining free). Governance only.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller is not governance.
    ///
    /// # Events
    ///
    /// * [`JoiningFeeSet`].
    pub fn set_joining_fee(&mut self, joining_fee_eth: U256) -> Result<(), Vec<u8>> {
        self.require_governance()?;
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
    ) -> Result<(), Vec<u8>> {
        self.require_governance()?;
        if nxm_token.is_zero() || capital_pool.is_zero() {
            return Err(revert(ZeroAddress {}));
        }
        for account in [nxm_token, capital_pool] {
            if self.vm().code_size(account) == 0 {
                return Err(revert(NotAContract { account }));
            }
        }
        self.nxm_token.set(nxm_token);
        self.capital_pool.set(capital_pool);
        self.vm().log(ContractsSet {
            nxmToken: nxm_token,
            capitalPool: capital_pool,
        });
        if self.is_paused.get() {
            let call = Call::new_mutating(self);
            INxmToken::new(nxm_token)
                .set_paused(self.vm(), call, true)
                .map_err(Vec::from)?;
        }
        Ok(())
    }

    /// Sets the contracts asked `IMemberLocks.hasLockedNxm` before a member leaves or switches
    /// address; a zero address (contract not deployed yet) is skipped. Governance only.
    ///
    /// # Errors
    ///
    /// * [`Unauthorized`] - the caller is not governance.
    ///
    /// # Events
    ///
    /// * [`LockHoldersSet`].
    pub fn set_lock_holders(
        &mut self,
        staking: Address,
        assessment: Address,
        governance: Address,
    ) -> Result<(), Vec<u8>> {
        self.require_governance()?;
        for (index, holder) in [staking, assessment, governance].into_iter().enumerate() {
            if let Some(mut slot) = self.lock_holders.setter(index) {
                slot.set(holder);
            }
        }
        self.vm().log(LockHoldersSet {
            staking,
            assessment,
            governance,
        });
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
    pub fn set_governance(&mut self, new_governance: Address) -> Result<(), Vec<u8>> {
        let previous_governance = self.require_governance()?;
        if new_governance.is_zero() {
            return Err(revert(ZeroAddress {}));
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
        !self.member_ids.get(account).is_zero()
    }

    /// `account`'s member id (from 1, in joining order; kept across a switch), or 0 for a
    /// non-member.
    pub fn member_id(&self, account: Address) -> u64 {
        self.member_ids.get(account).to()
    }

    /// Current number of members.
    pub fn member_count(&self) -> u64 {
        self.member_count.get().to()
    }

    /// The exact fee `join` takes, in wei.
    pub fn joining_fee(&self) -> U256 {
        self.joining_fee_eth.get()
    }

    /// The address whose signatures approve new members.
    pub fn kyc_authority(&self) -> Address {
        self.kyc_authority.get()
    }

    /// Whether the protocol is paused.
    pub fn paused(&self) -> bool {
        self.is_paused.get()
    }

    /// Whether `account` holds an advisory board seat.
    pub fn is_advisory_board_member(&self, account: Address) -> bool {
        self.seat_held(account).is_some()
    }

    /// The holder of advisory board seat `seat` (zero when empty).
    ///
    /// # Errors
    ///
    /// * [`InvalidSeat`] - `seat` is not below [`ADVISORY_BOARD_SEATS`].
    pub fn advisory_board_seat(&self, seat: u8) -> Result<Address, Vec<u8>> {
        self.seats
            .get(seat)
            .ok_or_else(|| revert(InvalidSeat { seat }))
    }

    /// The EIP-712 digest the KYC authority signs to approve `member` with `nonce` until
    /// `deadline` (a block timestamp), bound to this chain and contract.
    pub fn approval_digest(&self, member: Address, nonce: U256, deadline: U256) -> B256 {
        approval_digest(
            self.vm().chain_id(),
            self.vm().contract_address(),
            member,
            nonce,
            deadline,
        )
    }

    /// Whether the approval with EIP-712 digest `digest` was used.
    pub fn approval_used(&self, digest: B256) -> bool {
        self.used_approvals.get(digest)
    }

    /// The NXM token and the capital pool.
    pub fn contracts(&self) -> (Address, Address) {
        (self.nxm_token.get(), self.capital_pool.get())
    }

    /// The lock holders asked before a leave or a switch: staking, assessment, governance.
    pub fn lock_holders(&self) -> (Address, Address, Address) {
        let holder = |index: usize| self.lock_holders.get(index).unwrap_or_default();
        (holder(0), holder(1), holder(2))
    }

    /// The governance role.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }
}

impl Membership {
    /// The advisory board seat `account` holds, if any.
    fn seat_held(&self, account: Address) -> Option<u8> {
        self.seat_of.get(account).to::<u8>().checked_sub(1)
    }

    /// Reverts with [`Unauthorized`] unless the caller is governance; returns governance.
    #[inline(never)]
    fn require_governance(&self) -> Result<Address, Vec<u8>> {
        let caller = self.vm().msg_sender();
        let governance = self.governance.get();
        if caller != governance {
            return Err(revert(Unauthorized { caller }));
        }
        Ok(governance)
    }

    /// Reverts with [`Paused`] while the protocol is paused.
    #[inline(never)]
    fn require_not_paused(&self) -> Result<(), Vec<u8>> {
        if self.is_paused.get() {
            return Err(revert(Paused {}));
        }
        Ok(())
    }

    /// Reverts with [`NotMember`] unless `account` is a member; returns its member id.
    #[inline(never)]
    fn require_member(&self, account: Address) -> Result<u64, Vec<u8>> {
        let member_id = self.member_ids.get(account).to::<u64>();
        if member_id == 0 {
            return Err(revert(NotMember { account }));
        }
        Ok(member_id)
    }

    /// Reverts with [`ZeroAddress`] or [`AlreadyMember`] unless `account` can become a member.
    #[inline(never)]
    fn require_non_member(&self, account: Address) -> Result<(), Vec<u8>> {
        if account.is_zero() {
            return Err(revert(ZeroAddress {}));
        }
        if !self.member_ids.get(account).is_zero() {
            return Err(revert(AlreadyMember { account }));
        }
        Ok(())
    }

    /// Reverts with [`NxmLocked`] if a deployed lock holder reports NXM locked for `member`.
    #[inline(never)]
    fn require_no_locks(&self, member: Address) -> Result<(), Vec<u8>> {
        for index in 0..LOCK_HOLDERS {
            let lock_holder = self.lock_holders.get(index).unwrap_or_default();
            if lock_holder.is_zero() {
                continue;
            }
            let locked = IMemberLocks::new(lock_holder)
                .has_locked_nxm(self.vm(), Call::new(), member)
                .map_err(Vec::from)?;
            if locked {
                return Err(revert(NxmLocked {
                    lockHolder: lock_holder,
                }));
            }
        }
        Ok(())
    }

    /// Puts `account` (zero: nobody) in advisory board seat `seat`, evicting the holder.
    #[inline(never)]
    fn assign_seat(&mut self, seat: u8, account: Address) {
        let Some(mut slot) = self.seats.setter(seat) else {
            return;
        };
        let previous = slot.get();
        slot.set(account);
        if !previous.is_zero() {
            self.seat_of.delete(previous);
        }
        if !account.is_zero() {
            self.seat_of.setter(account).set(U8::from(seat + 1));
        }
        self.vm().log(AdvisoryBoardSeatSet {
            seat,
            previous,
            account,
        });
    }

    /// Changes the pause flag to `paused` (the caller must hold a seat; the flag must change)
    /// and pushes it to the NXM token.
    fn configure_pause(&mut self, paused: bool) -> Result<(), Vec<u8>> {
        let caller = self.vm().msg_sender();
        if self.seat_held(caller).is_none() {
            return Err(revert(Unauthorized { caller }));
        }
        if self.is_paused.get() == paused {
            return Err(if paused {
                revert(Paused {})
            } else {
                revert(NotPaused {})
            });
        }
        self.is_paused.set(paused);
        self.vm().log(PauseConfigured { paused, by: caller });

        let call = Call::new_mutating(self);
        INxmToken::new(self.nxm_token.get())
            .set_paused(self.vm(), call, paused)
            .map_err(Vec::from)
    }

    /// Tells the NXM token whether `account` is a member.
    #[inline(never)]
    fn set_token_member(
        &mut self,
        token: Address,
        account: Address,
        is_member: bool,
    ) -> Result<(), Vec<u8>> {
        let call = Call::new_mutating(self);
        INxmToken::new(token)
            .set_member(self.vm(), call, account, is_member)
            .map_err(Vec::from)
    }

    /// Stores the KYC authority.
    fn store_kyc_authority(&mut self, kyc_authority: Address) -> Result<(), Vec<u8>> {
        if kyc_authority.is_zero() {
            return Err(revert(ZeroAddress {}));
        }
        self.kyc_authority.set(kyc_authority);
        self.vm().log(KycAuthoritySet {
            kycAuthority: kyc_authority,
        });
        Ok(())
    }

    /// Stores the joining fee.
    fn store_joining_fee(&mut self, joining_fee_eth: U256) {
        self.joining_fee_eth.set(joining_fee_eth);
        self.vm().log(JoiningFeeSet {
            joiningFeeEth: joining_fee_eth,
        });
    }
}

#[cfg(test)]
mod tests;
