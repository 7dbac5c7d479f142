//! NXM: the mutual's ERC-20 (18 decimals) with EIP-2612 `permit`, which only members may receive.
//!
//! ABI: [`mutual_interfaces::nxm_token`] (interface `INxmToken`, events and errors).
//!
//! # Who may do what
//! * Anyone: read views; `approve` and `permit` (a valid owner signature) for their own NXM.
//! * Holders: `transfer` and `transferFrom` (with allowance) **to members only**. The sender is
//!   not checked (as in Nexus Mutual V2); with membership's rule that a member leaves only with
//!   zero NXM and a switch moves the whole balance, no non-member holds NXM except the operator
//!   contracts that keep it in custody (the staking pool's stake and rewards).
//! * The **membership** contract: the member flags (`setMember`, `switchMember`) and the
//!   pause (`setPaused`).
//! * **Operator** contracts (capital pool, staking, cover, claims, governance): `mint` to
//!   members, `operatorBurn` from any account and `operatorTransfer` from any account to a
//!   member, without allowance. An operator may also mint or move NXM to **itself**: the staking
//!   pool holds the staked NXM and the minted rewards in its own balance and pays them out with
//!   `transfer`, which, like every holder's transfer, reaches members only.
//! * **Governance**: `setMembership`, `setOperator`, `setGovernance`.
//!
//! # Member flags live here, written by membership
//! Membership is the one source of truth for who is a member; it pushes each change to the
//! token's own `is_member` map (once per join, leave or switch). Every transfer checks its
//! receiver with one SLOAD (2 100 gas cold, 100 warm) instead of a static call into membership
//! (≥ 2 600 gas of account access plus the callee's Stylus entry charge of ~9 000+ gas, on
//! every transfer and mint).
//!
//! # Pause
//! While paused, every movement of NXM reverts with `Paused()`: `transfer`, `transferFrom`,
//! `mint` and `operatorBurn`. `approve` and `permit` stay open: they move nothing, every spend
//! they enable is itself paused, and in an emergency members must be able to revoke allowances.
//! `setMember` and `switchMember` are not paused here: membership holds the pause and gates its
//! own member-facing joins, leaves and switches.
//!
//! # Reverts change nothing
//! Every entrypoint performs all of its checks before its first storage write, so a revert
//! changes nothing even where a test host does not roll storage back.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!` and `Vec`.
#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::{string::String, vec::Vec};
use alloy_primitives::{keccak256, Address, B256, U256};
use mutual_interfaces::{
    nxm_token::{
        AlreadyMember, Approval, GovernanceChanged, InsufficientAllowance, InsufficientBalance,
        InvalidSignature, MemberSet, MembershipSet, NotMember, OperatorSet, Paused, PausedSet,
        PermitExpired, SupplyOverflow, Transfer, Unauthorized, ZeroAddress,
    },
    signatures::{domain_separator, recover_signer, typed_data_digest},
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256},
};

/// Token name, symbol and EIP-712 domain name.
const NAME: &str = "NXM";
/// EIP-712 domain version.
const DOMAIN_VERSION: &[u8] = b"1";
/// Decimals of NXM amounts (`_nxm` values are 18-decimal fixed point).
const DECIMALS: u8 = 18;

/// `keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)")`.
const PERMIT_TYPEHASH: [u8; 32] = stylus_sdk::keccak_const::Keccak256::new()
    .update(b"Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)")
    .finalize();

/// Every way an NXM entrypoint can revert. Variants are shared across entrypoints and carry the
/// failing values.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum NxmTokenError {
    /// The caller lacks the role (governance, membership, operator) the entrypoint requires.
    Unauthorized(Unauthorized),
    /// The receiver of NXM (or the source of a switch) is not a member.
    NotMember(NotMember),
    /// The target of a membership switch is already a member.
    AlreadyMember(AlreadyMember),
    /// The account holds less NXM than the amount moved or burned.
    InsufficientBalance(InsufficientBalance),
    /// The spender's allowance is less than the amount moved.
    InsufficientAllowance(InsufficientAllowance),
    /// A mint would overflow the total supply.
    SupplyOverflow(SupplyOverflow),
    /// A permit's deadline has passed.
    PermitExpired(PermitExpired),
    /// A permit's signature is malformed or not the owner's over the current nonce.
    InvalidSignature(InvalidSignature),
    /// NXM movements are paused.
    Paused(Paused),
    /// A zero address was given where one is not allowed.
    ZeroAddress(ZeroAddress),
}

/// Shorthand for entrypoint results.
type NxmResult<T> = Result<T, NxmTokenError>;

/// The NXM token's storage.
#[storage]
#[entrypoint]
pub struct NxmToken {
    /// NXM held per account.
    balances: StorageMap<Address, StorageU256>,
    /// `allowances[owner][spender]`: NXM `spender` may move from `owner` (`U256::MAX` = unlimited).
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    /// EIP-2612 nonce per owner: the number of permits the owner has used.
    nonces: StorageMap<Address, StorageU256>,
    /// Whether an account may receive NXM; written only by the membership contract.
    is_member: StorageMap<Address, StorageBool>,
    /// Whether an address is an operator contract (mint and burn rights); written by governance.
    is_operator: StorageMap<Address, StorageBool>,
    /// Sum of all balances.
    total_supply_nxm: StorageU256,
    /// The governance address: changes operators, membership and itself.
    governance: StorageAddress,
    /// The membership contract: writes member flags and the pause.
    membership: StorageAddress,
    /// Whether NXM movements are paused (packed into the membership slot).
    paused: StorageBool,
}

#[public]
impl NxmToken {
    /// Deploys the token with `governance` as its governance address. No NXM exists yet; no
    /// membership contract and no operator are trusted until governance sets them.
    ///
    /// # Errors
    /// * `ZeroAddress()` if `governance` is zero.
    ///
    /// # Events
    /// * `GovernanceChanged(0, governance)`.
    #[constructor]
    pub fn constructor(&mut self, governance: Address) -> NxmResult<()> {
        nonzero(governance)?;
        self.governance.set(governance);
        self.vm().log(GovernanceChanged {
            previousGovernance: Address::ZERO,
            newGovernance: governance,
        });
        Ok(())
    }

    // ----- ERC-20 -----

    /// The token name, `"NXM"`.
    pub fn name() -> String {
        NAME.into()
    }

    /// The token symbol, `"NXM"`.
    pub fn symbol() -> String {
        NAME.into()
    }

    /// Decimals of NXM amounts: 18.
    pub fn decimals() -> u8 {
        DECIMALS
    }

    /// All NXM in existence.
    pub fn total_supply(&self) -> U256 {
        self.total_supply_nxm.get()
    }

    /// NXM held by `account`.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// NXM that `spender` may move from `owner` (`U256::MAX` = unlimited).
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.getter(owner).get(spender)
    }

    /// Moves `amount_nxm` from the caller to the member `to`. Returns `true`.
    ///
    /// # Errors
    /// * `Paused()` while NXM movements are paused.
    /// * `NotMember(to)` if `to` is not a member (this includes the zero address).
    /// * `InsufficientBalance(caller, balance, amount_nxm)` if the caller holds too little.
    ///
    /// # Events
    /// * `Transfer(caller, to, amount_nxm)`.
    pub fn transfer(&mut self, to: Address, amount_nxm: U256) -> NxmResult<bool> {
        self.require_not_paused()?;
        let from = self.vm().msg_sender();
        self.require_member(to)?;
        self.move_nxm(from, to, amount_nxm)?;
        Ok(true)
    }

    /// Lets `spender` move up to `amount_nxm` of the caller's NXM (`U256::MAX` = unlimited,
    /// never decreased by `transferFrom`). Open while paused, so allowances can be revoked.
    ///
    /// # Errors
    /// * `ZeroAddress()` if `spender` is zero.
    ///
    /// # Events
    /// * `Approval(caller, spender, amount_nxm)`.
    pub fn approve(&mut self, spender: Address, amount_nxm: U256) -> NxmResult<bool> {
        let owner = self.vm().msg_sender();
        self.set_allowance(owner, spender, amount_nxm)?;
        Ok(true)
    }

    /// Moves `amount_nxm` from `from` to the member `to`, spending the caller's allowance
    /// (an unlimited allowance is not decreased). Returns `true`.
    ///
    /// # Errors
    /// * `Paused()` while NXM movements are paused.
    /// * `InsufficientAllowance(from, caller, allowance, amount_nxm)` if the allowance is too small.
    /// * `NotMember(to)` if `to` is not a member.
    /// * `InsufficientBalance(from, balance, amount_nxm)` if `from` holds too little.
    ///
    /// # Events
    /// * `Transfer(from, to, amount_nxm)` (no `Approval`: the new allowance is not logged).
    pub fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        amount_nxm: U256,
    ) -> NxmResult<bool> {
        self.require_not_paused()?;
        let spender = self.vm().msg_sender();
        let allowed_nxm = self.allowances.getter(from).get(spender);
        if allowed_nxm < amount_nxm {
            return Err(NxmTokenError::InsufficientAllowance(
                InsufficientAllowance {
                    owner: from,
                    spender,
                    allowanceNxm: allowed_nxm,
                    neededNxm: amount_nxm,
                },
            ));
        }
        self.require_member(to)?;
        // The balance check happens inside `move_nxm` before its first write.
        self.move_nxm(from, to, amount_nxm)?;
        if allowed_nxm != U256::MAX {
            self.allowances
                .setter(from)
                .insert(spender, allowed_nxm - amount_nxm);
        }
        Ok(true)
    }

    // ----- EIP-2612 -----

    /// Sets `owner`'s allowance for `spender` to `value` with `owner`'s EIP-712 signature over
    /// `Permit(owner, spender, value, nonce, deadline)` in this token's domain; the current
    /// nonce is used up, so each signature works once. Open while paused (see the crate docs).
    ///
    /// # Errors
    /// * `PermitExpired(deadline, now)` if the block timestamp is after `deadline`.
    /// * `InvalidSignature()` if `v` is not 27/28, `s` is in the upper half of the curve order
    ///   (EIP-2), or the signer is not `owner` (wrong key, wrong nonce, wrong domain, replay).
    /// * `ZeroAddress()` if `spender` is zero.
    ///
    /// # Events
    /// * `Approval(owner, spender, value)`.
    #[allow(clippy::too_many_arguments)]
    pub fn permit(
        &mut self,
        owner: Address,
        spender: Address,
        value: U256,
        deadline: U256,
        v: u8,
        r: B256,
        s: B256,
    ) -> NxmResult<()> {
        let now = U256::from(self.vm().block_timestamp());
        if now > deadline {
            return Err(NxmTokenError::PermitExpired(PermitExpired {
                deadline,
                now,
            }));
        }
        let nonce = self.nonces.get(owner);
        let digest = self.permit_digest(owner, spender, value, nonce, deadline);
        if recover_signer(self.vm(), digest, v, r, s) != Some(owner) {
            return Err(NxmTokenError::InvalidSignature(InvalidSignature {}));
        }
        self.set_allowance(owner, spender, value)?;
        // A nonce cannot reach 2^256 - 1: each increment needs a signed transaction.
        self.nonces.insert(owner, nonce + U256::from(1));
        Ok(())
    }

    /// The next permit nonce of `owner`.
    pub fn nonces(&self, owner: Address) -> U256 {
        self.nonces.get(owner)
    }

    /// The EIP-712 domain separator: name "NXM", version "1", this chain, this contract.
    /// Computed per call, so it follows the chain id after a fork.
    #[selector(name = "DOMAIN_SEPARATOR")]
    pub fn domain_separator(&self) -> B256 {
        domain_separator(
            NAME.as_bytes(),
            DOMAIN_VERSION,
            self.vm().chain_id(),
            self.vm().contract_address(),
        )
    }

    // ----- Membership contract -----

    /// Whether `account` is a member and so may receive NXM.
    pub fn is_member(&self, account: Address) -> bool {
        self.is_member.get(account)
    }

    /// Sets whether `account` may receive NXM. Membership only, on join and leave; clearing the
    /// flag leaves the balance in place (membership requires a zero balance to leave).
    ///
    /// # Errors
    /// * `Unauthorized(caller)` unless the caller is the membership contract.
    /// * `ZeroAddress()` if `account` is zero.
    ///
    /// # Events
    /// * `MemberSet(account, is_member)`.
    pub fn set_member(&mut self, account: Address, is_member: bool) -> NxmResult<()> {
        self.require_caller(self.membership.get())?;
        nonzero(account)?;
        self.is_member.insert(account, is_member);
        self.vm().log(MemberSet {
            account,
            isMember: is_member,
        });
        Ok(())
    }

    /// Moves membership and the whole NXM balance of `from` to `to`, which must not be a
    /// member yet. Membership only; no allowance is needed (membership checks that `from`
    /// asked for the switch). Allowances and nonces stay with `from`.
    ///
    /// # Errors
    /// * `Unauthorized(caller)` unless the caller is the membership contract.
    /// * `NotMember(from)` if `from` is not a member.
    /// * `ZeroAddress()` if `to` is zero.
    /// * `AlreadyMember(to)` if `to` is already a member (including `to == from`).
    ///
    /// # Events
    /// * `MemberSet(from, false)`, `MemberSet(to, true)`, `Transfer(from, to, balance)`.
    pub fn switch_member(&mut self, from: Address, to: Address) -> NxmResult<()> {
        self.require_caller(self.membership.get())?;
        if !self.is_member.get(from) {
            return Err(NxmTokenError::NotMember(NotMember { account: from }));
        }
        nonzero(to)?;
        if self.is_member.get(to) {
            return Err(NxmTokenError::AlreadyMember(AlreadyMember { account: to }));
        }
        self.is_member.insert(from, false);
        self.is_member.insert(to, true);
        let balance_nxm = self.balances.get(from);
        self.balances.insert(from, U256::ZERO);
        // Add rather than overwrite: the token does not rely on membership's zero-balance leave
        // rule to keep `to` empty. Cannot overflow (both balances are part of the supply).
        let to_balance_nxm = self.balances.get(to);
        self.balances.insert(to, to_balance_nxm + balance_nxm);
        self.vm().log(MemberSet {
            account: from,
            isMember: false,
        });
        self.vm().log(MemberSet {
            account: to,
            isMember: true,
        });
        self.vm().log(Transfer {
            from,
            to,
            value: balance_nxm,
        });
        Ok(())
    }

    /// Pauses (`true`) or unpauses (`false`) every movement of NXM. Membership only: it holds
    /// the protocol's emergency pause and pushes it here.
    ///
    /// # Errors
    /// * `Unauthorized(caller)` unless the caller is the membership contract.
    ///
    /// # Events
    /// * `PausedSet(paused)`.
    pub fn set_paused(&mut self, paused: bool) -> NxmResult<()> {
        self.require_caller(self.membership.get())?;
        self.paused.set(paused);
        self.vm().log(PausedSet { paused });
        Ok(())
    }

    /// Whether NXM movements are paused.
    pub fn paused(&self) -> bool {
        self.paused.get()
    }

    // ----- Operators -----

    /// Creates `amount_nxm` for the member `to`, or for the calling operator itself (the
    /// staking pool's minted rewards). Operators only.
    ///
    /// # Errors
    /// * `Unauthorized(caller)` unless the caller is an operator.
    /// * `Paused()` while NXM movements are paused.
    /// * `NotMember(to)` if `to` is neither a member nor the caller.
    /// * `SupplyOverflow(supply, amount_nxm)` if the total supply would overflow.
    ///
    /// # Events
    /// * `Transfer(0, to, amount_nxm)`.
    pub fn mint(&mut self, to: Address, amount_nxm: U256) -> NxmResult<()> {
        self.require_operator()?;
        self.require_operator_receiver(to)?;
        let supply_nxm = self.total_supply_nxm.get();
        let Some(new_supply_nxm) = supply_nxm.checked_add(amount_nxm) else {
            return Err(NxmTokenError::SupplyOverflow(SupplyOverflow {
                supplyNxm: supply_nxm,
                amountNxm: amount_nxm,
            }));
        };
        self.total_supply_nxm.set(new_supply_nxm);
        // Cannot overflow: a balance never exceeds the supply.
        let balance_nxm = self.balances.get(to);
        self.balances.insert(to, balance_nxm + amount_nxm);
        self.vm().log(Transfer {
            from: Address::ZERO,
            to,
            value: amount_nxm,
        });
        Ok(())
    }

    /// Destroys `amount_nxm` of `from`'s NXM without an allowance. Operators only. Trust: an
    /// operator is a protocol contract that governance vetted, and it burns only the NXM of the
    /// member calling it (selling to the capital pool, paying in NXM) or NXM the protocol rules
    /// say is forfeit (stake burned for a claim).
    ///
    /// # Errors
    /// * `Unauthorized(caller)` unless the caller is an operator.
    /// * `Paused()` while NXM movements are paused.
    /// * `InsufficientBalance(from, balance, amount_nxm)` if `from` holds too little.
    ///
    /// # Events
    /// * `Transfer(from, 0, amount_nxm)`.
    pub fn operator_burn(&mut self, from: Address, amount_nxm: U256) -> NxmResult<()> {
        self.require_operator()?;
        let balance_nxm = self.balance_at_least(from, amount_nxm)?;
        self.balances.insert(from, balance_nxm - amount_nxm);
        // Cannot underflow: the supply is at least any balance.
        let supply_nxm = self.total_supply_nxm.get();
        self.total_supply_nxm.set(supply_nxm - amount_nxm);
        self.vm().log(Transfer {
            from,
            to: Address::ZERO,
            value: amount_nxm,
        });
        Ok(())
    }

    /// Moves `amount_nxm` from `from` to `to` without an allowance. Operators only. `to` must
    /// be a member, or the calling operator itself: an operator takes NXM into its own custody
    /// (stake deposited in the staking pool) and pays it back out with `transfer`, to members
    /// only. Trust as for `operatorBurn`: the operator moves the NXM of the member calling it
    /// (a deposit, a commission paid in NXM) or NXM the protocol rules assign.
    ///
    /// # Errors
    /// * `Unauthorized(caller)` unless the caller is an operator.
    /// * `Paused()` while NXM movements are paused.
    /// * `NotMember(to)` if `to` is neither a member nor the caller.
    /// * `InsufficientBalance(from, balance, amount_nxm)` if `from` holds too little.
    ///
    /// # Events
    /// * `Transfer(from, to, amount_nxm)`.
    pub fn operator_transfer(
        &mut self,
        from: Address,
        to: Address,
        amount_nxm: U256,
    ) -> NxmResult<()> {
        self.require_operator()?;
        self.require_operator_receiver(to)?;
        self.move_nxm(from, to, amount_nxm)
    }

    /// Whether `account` is an operator contract.
    pub fn is_operator(&self, account: Address) -> bool {
        self.is_operator.get(account)
    }

    // ----- Governance -----

    /// Grants (`enabled = true`) or revokes mint and burn rights of `operator`. Governance only.
    ///
    /// # Errors
    /// * `Unauthorized(caller)` unless the caller is governance.
    /// * `ZeroAddress()` if `operator` is zero.
    ///
    /// # Events
    /// * `OperatorSet(operator, enabled)`.
    pub fn set_operator(&mut self, operator: Address, enabled: bool) -> NxmResult<()> {
        self.require_caller(self.governance.get())?;
        nonzero(operator)?;
        self.is_operator.insert(operator, enabled);
        self.vm().log(OperatorSet { operator, enabled });
        Ok(())
    }

    /// Sets the membership contract the token trusts for member flags and the pause.
    /// Governance only.
    ///
    /// # Errors
    /// * `Unauthorized(caller)` unless the caller is governance.
    /// * `ZeroAddress()` if `membership` is zero.
    ///
    /// # Events
    /// * `MembershipSet(membership)`.
    pub fn set_membership(&mut self, membership: Address) -> NxmResult<()> {
        self.require_caller(self.governance.get())?;
        nonzero(membership)?;
        self.membership.set(membership);
        self.vm().log(MembershipSet { membership });
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    /// * `Unauthorized(caller)` unless the caller is governance.
    /// * `ZeroAddress()` if `new_governance` is zero.
    ///
    /// # Events
    /// * `GovernanceChanged(previous, new_governance)`.
    pub fn set_governance(&mut self, new_governance: Address) -> NxmResult<()> {
        let previous = self.governance.get();
        self.require_caller(previous)?;
        nonzero(new_governance)?;
        self.governance.set(new_governance);
        self.vm().log(GovernanceChanged {
            previousGovernance: previous,
            newGovernance: new_governance,
        });
        Ok(())
    }

    /// The governance address.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }

    /// The membership contract the token trusts (zero until governance sets it).
    pub fn membership(&self) -> Address {
        self.membership.get()
    }
}

impl NxmToken {
    /// The EIP-712 digest an owner signs for a permit:
    /// `typed_data_digest(DOMAIN_SEPARATOR, keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender,
    /// value, nonce, deadline)))`.
    fn permit_digest(
        &self,
        owner: Address,
        spender: Address,
        value: U256,
        nonce: U256,
        deadline: U256,
    ) -> B256 {
        let mut encoded = [0u8; 192];
        encoded[..32].copy_from_slice(&PERMIT_TYPEHASH);
        encoded[44..64].copy_from_slice(owner.as_slice());
        encoded[76..96].copy_from_slice(spender.as_slice());
        encoded[96..128].copy_from_slice(&value.to_be_bytes::<32>());
        encoded[128..160].copy_from_slice(&nonce.to_be_bytes::<32>());
        encoded[160..].copy_from_slice(&deadline.to_be_bytes::<32>());
        typed_data_digest(self.domain_separator(), keccak256(encoded))
    }

    /// Reverts with `Unauthorized(caller)` unless the caller is `role`.
    #[inline(never)]
    fn require_caller(&self, role: Address) -> NxmResult<()> {
        let caller = self.vm().msg_sender();
        if caller != role {
            return Err(NxmTokenError::Unauthorized(Unauthorized { caller }));
        }
        Ok(())
    }

    /// Reverts with `Unauthorized(caller)` unless the caller is an operator, then with
    /// `Paused()` while paused (operators mint and burn only when NXM may move).
    #[inline(never)]
    fn require_operator(&self) -> NxmResult<()> {
        let caller = self.vm().msg_sender();
        if !self.is_operator.get(caller) {
            return Err(NxmTokenError::Unauthorized(Unauthorized { caller }));
        }
        self.require_not_paused()
    }

    /// Reverts with `Paused()` while NXM movements are paused.
    #[inline(never)]
    fn require_not_paused(&self) -> NxmResult<()> {
        if self.paused.get() {
            return Err(NxmTokenError::Paused(Paused {}));
        }
        Ok(())
    }

    /// Reverts with `NotMember(account)` unless `account` may receive NXM.
    #[inline(never)]
    fn require_member(&self, account: Address) -> NxmResult<()> {
        if !self.is_member.get(account) {
            return Err(NxmTokenError::NotMember(NotMember { account }));
        }
        Ok(())
    }

    /// `account`'s balance, or `InsufficientBalance(account, balance, needed_nxm)` if it is
    /// less than `needed_nxm`.
    #[inline(never)]
    fn balance_at_least(&self, account: Address, needed_nxm: U256) -> NxmResult<U256> {
        let balance_nxm = self.balances.get(account);
        if balance_nxm < needed_nxm {
            return Err(NxmTokenError::InsufficientBalance(InsufficientBalance {
                account,
                balanceNxm: balance_nxm,
                neededNxm: needed_nxm,
            }));
        }
        Ok(balance_nxm)
    }

    /// Reverts with `NotMember(account)` unless `account` is a member or the calling operator
    /// itself (the caller has passed `require_operator`).
    #[inline(never)]
    fn require_operator_receiver(&self, account: Address) -> NxmResult<()> {
        if account == self.vm().msg_sender() {
            return Ok(());
        }
        self.require_member(account)
    }

    /// Moves `amount_nxm` from `from` to `to` and logs `Transfer`. Checks the balance before
    /// writing anything; the caller checks the receiver and the pause.
    #[inline(never)]
    fn move_nxm(&mut self, from: Address, to: Address, amount_nxm: U256) -> NxmResult<()> {
        let from_balance_nxm = self.balance_at_least(from, amount_nxm)?;
        self.balances.insert(from, from_balance_nxm - amount_nxm);
        // Read after the write above, so `from == to` nets to zero. Cannot overflow (≤ supply).
        let to_balance_nxm = self.balances.get(to);
        self.balances.insert(to, to_balance_nxm + amount_nxm);
        self.vm().log(Transfer {
            from,
            to,
            value: amount_nxm,
        });
        Ok(())
    }

    /// Sets `allowances[owner][spender]` and logs `Approval`; `ZeroAddress()` for a zero spender.
    #[inline(never)]
    fn set_allowance(
        &mut self,
        owner: Address,
        spender: Address,
        amount_nxm: U256,
    ) -> NxmResult<()> {
        nonzero(spender)?;
        self.allowances.setter(owner).insert(spender, amount_nxm);
        self.vm().log(Approval {
            owner,
            spender,
            value: amount_nxm,
        });
        Ok(())
    }
}

/// Reverts with `ZeroAddress()` if `account` is zero.
#[inline(never)]
fn nonzero(account: Address) -> NxmResult<()> {
    if account.is_zero() {
        return Err(NxmTokenError::ZeroAddress(ZeroAddress {}));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
