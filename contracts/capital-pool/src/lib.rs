//! The mutual's capital pool: it holds the ETH, keeps the MCR, pays claims, and settles the
//! RAMM's swaps.
//!
//! * The RAMM (`contracts/ramm`) is the only market for NXM: it sends each buy's ETH here with
//!   [`CapitalPool::deposit_swap_eth`] and has the pool pay each sale with
//!   [`CapitalPool::pay_swap_eth`]. The RAMM checks that a sale leaves the capital at or above
//!   the MCR (`mutual_math::mcr::capital_after_payout`); treasury transfers are held to the same
//!   rule here.
//! * The MCR follows `max(floor, active cover / 4.8)` from the cover contract, smoothed by
//!   `mutual_math::mcr` (at most 500 bps a day, 100 bps an update), stored at most once an hour
//!   unless a payout forces it; the RAMM's swaps trigger the hourly update, and anyone may call
//!   [`CapitalPool::update_mcr`] while the protocol is not paused. The MCR gates sales only: NXM
//!   is priced around book value by the RAMM, never by MCR%.
//! * ETH leaves last in every entrypoint (checks, effects, interactions); the SDK's default
//!   reentrancy guard rejects re-entry from the recipient.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!`.
#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, U256, U64};
use mutual_interfaces::{
    capital_pool::{
        cover::IActiveCover, CapitalBelowMcr, ClaimPaid, ContractsSet, Deposit, EthTransferFailed,
        GovernanceChanged, InsufficientPoolEth, MathOverflow, McrFloorSet, McrUpdated,
        NotAContract, Paused, SwapPaid, TreasuryTransfer, Unauthorized, ZeroAddress, ZeroAmount,
    },
    nxm_token::INxmToken,
};
use mutual_math::mcr;
use stylus_sdk::{
    call::transfer::transfer_eth,
    prelude::*,
    storage::{StorageAddress, StorageU256, StorageU64},
    stylus_core::calls::errors::Error as CallError,
};

/// The stored MCR is refreshed at most this often, unless a payout forces it.
pub const MCR_MIN_UPDATE_SECS: u64 = 3_600;

/// The largest MCR floor, `2^128 − 1` wei (3.4·10^20 ETH): far above any real MCR, and low
/// enough that smoothing it can never overflow (a floor near `U256::MAX` would make every MCR
/// update revert, and a floor can only be lowered through an update).
pub const MAX_MCR_FLOOR_ETH: U256 = U256::from_limbs([u64::MAX, u64::MAX, 0, 0]);

/// `poolState()`'s answer: pool value, MCR now, MCR target, MCR floor, last MCR update, MCR% in
/// bps (see [`CapitalPool::pool_state`]).
pub type PoolState = (U256, U256, U256, U256, U256, U256);

/// Every way an entrypoint of the pool can fail.
#[derive(SolidityError)]
pub enum PoolError {
    /// The caller lacks the role the entrypoint requires.
    Unauthorized(Unauthorized),
    /// A payout would take the capital below the MCR.
    CapitalBelowMcr(CapitalBelowMcr),
    /// Not enough ETH in the pool.
    InsufficientPoolEth(InsufficientPoolEth),
    /// An ETH transfer out failed.
    EthTransferFailed(EthTransferFailed),
    /// A zero amount or MCR floor.
    ZeroAmount(ZeroAmount),
    /// A zero address where one is required (a recipient, governance, the NXM token, the RAMM).
    ZeroAddress(ZeroAddress),
    /// A contract address to trust holds no code.
    NotAContract(NotAContract),
    /// `updateMcr` while the protocol is paused.
    Paused(Paused),
    /// MCR arithmetic left the supported domain.
    MathOverflow(MathOverflow),
    /// A call to the NXM token or the cover contract reverted: its revert data is passed on.
    // Not an ABI error of this contract (the callee's revert data is passed on as it is), and
    // the SDK's export-abi needs every variant to be a `sol!` error: left out of that build.
    #[cfg(not(feature = "export-abi"))]
    Call(CallError),
}

/// The export-abi binary only prints the interface and never calls another contract: this
/// `From` stands in for the `Call` variant's, so `?` on calls compiles in that build.
#[cfg(feature = "export-abi")]
impl From<CallError> for PoolError {
    fn from(_: CallError) -> Self {
        unreachable!("the export-abi binary makes no calls")
    }
}

/// The capital pool's storage.
#[storage]
#[entrypoint]
pub struct CapitalPool {
    /// Holder of the governance role.
    governance: StorageAddress,
    /// The NXM token (read for the protocol-wide pause).
    nxm_token: StorageAddress,
    /// The RAMM: the only caller of `deposit_swap_eth` and `pay_swap_eth`.
    ramm: StorageAddress,
    /// The cover contract reporting active cover; zero until it is deployed.
    cover: StorageAddress,
    /// The claims contract, the only caller of `pay_claim`; zero until it is deployed.
    claims: StorageAddress,
    /// The MCR as of the last update, in wei.
    mcr_eth: StorageU256,
    /// The target the MCR is smoothed toward, computed at the last update, in wei.
    desired_mcr_eth: StorageU256,
    /// The lowest MCR, in wei (a deployment parameter governance can change).
    mcr_floor_eth: StorageU256,
    /// Timestamp of the last MCR update.
    mcr_updated_at_secs: StorageU64,
}

#[public]
impl CapitalPool {
    /// Sets the governance role and the MCR floor; the MCR and its target start at the floor.
    ///
    /// # Errors
    /// [`PoolError::ZeroAddress`] for a zero governance address; [`PoolError::ZeroAmount`] for a
    /// zero floor; [`PoolError::MathOverflow`] for a floor above [`MAX_MCR_FLOOR_ETH`].
    ///
    /// # Events
    /// [`GovernanceChanged`] (from zero), [`McrFloorSet`].
    #[constructor]
    pub fn constructor(
        &mut self,
        governance: Address,
        mcr_floor_eth: U256,
    ) -> Result<(), PoolError> {
        if governance.is_zero() {
            return Err(PoolError::ZeroAddress(ZeroAddress {}));
        }
        check_floor(mcr_floor_eth)?;
        self.governance.set(governance);
        self.mcr_floor_eth.set(mcr_floor_eth);
        self.mcr_eth.set(mcr_floor_eth);
        self.desired_mcr_eth.set(mcr_floor_eth);
        self.mcr_updated_at_secs
            .set(U64::from(self.vm().block_timestamp()));
        self.vm().log(GovernanceChanged {
            previousGovernance: Address::ZERO,
            newGovernance: governance,
        });
        self.vm().log(McrFloorSet {
            mcrFloorEth: mcr_floor_eth,
        });
        Ok(())
    }

    /// Accepts ETH sent without calldata: joining fees, premiums, contributions, seeding.
    ///
    /// # Events
    /// [`Deposit`].
    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        self.log_deposit();
        Ok(())
    }

    /// Takes the ETH of a buy from the RAMM, then runs the hourly MCR update (as V2's swaps
    /// do). RAMM only.
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::MathOverflow`]; the cover contract's revert,
    /// passed on.
    ///
    /// # Events
    /// [`Deposit`]; [`McrUpdated`] if the hourly update is due.
    #[payable]
    pub fn deposit_swap_eth(&mut self) -> Result<(), PoolError> {
        self.only(self.ramm.get())?;
        self.log_deposit();
        self.update_mcr_if_due(false)?;
        Ok(())
    }

    /// Pays `amount_eth` to `to` for NXM the RAMM has just burned, after the hourly MCR update.
    /// RAMM only: the RAMM has checked that the capital stays at or above the MCR.
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::ZeroAddress`], [`PoolError::ZeroAmount`];
    /// [`PoolError::InsufficientPoolEth`]; [`PoolError::EthTransferFailed`];
    /// [`PoolError::MathOverflow`]; the cover contract's revert, passed on.
    ///
    /// # Events
    /// [`SwapPaid`]; [`McrUpdated`] if the hourly update is due.
    pub fn pay_swap_eth(&mut self, to: Address, amount_eth: U256) -> Result<(), PoolError> {
        self.only(self.ramm.get())?;
        self.check_payout(to, amount_eth)?;
        self.update_mcr_if_due(false)?;
        self.vm().log(SwapPaid {
            to,
            amountEth: amount_eth,
        });
        self.send_eth(to, amount_eth)
    }

    /// Stores the MCR smoothed up to now and a fresh target from the cover contract's active
    /// cover, if an hour has passed since the last update. Open to anyone while the protocol is
    /// not paused (V2's `updateMCR` is `whenNotPaused`); returns whether it updated (a call
    /// before the hour is up changes nothing).
    ///
    /// # Errors
    /// [`PoolError::Paused`] while the protocol is paused; [`PoolError::ZeroAddress`] before the
    /// token is set; [`PoolError::MathOverflow`]; the NXM token's or the cover contract's revert,
    /// passed on.
    ///
    /// # Events
    /// [`McrUpdated`] when it updates.
    pub fn update_mcr(&mut self) -> Result<bool, PoolError> {
        let token = INxmToken::new(self.nxm_token_address()?);
        if token.paused(self.vm(), Call::new())? {
            return Err(PoolError::Paused(Paused {}));
        }
        self.update_mcr_if_due(false)
    }

    /// Pays `amount_eth` of a claim to `to`. Claims contract only; the MCR update is forced.
    /// Claims are what the capital is for: a payout may take the capital below the MCR.
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::ZeroAddress`], [`PoolError::ZeroAmount`];
    /// [`PoolError::InsufficientPoolEth`]; [`PoolError::EthTransferFailed`];
    /// [`PoolError::MathOverflow`]; the cover contract's revert, passed on.
    ///
    /// # Events
    /// [`ClaimPaid`], [`McrUpdated`].
    pub fn pay_claim(&mut self, to: Address, amount_eth: U256) -> Result<(), PoolError> {
        self.only(self.claims.get())?;
        self.check_payout(to, amount_eth)?;
        self.update_mcr_if_due(true)?;
        self.vm().log(ClaimPaid {
            to,
            amountEth: amount_eth,
        });
        self.send_eth(to, amount_eth)
    }

    /// Moves `amount_eth` of treasury ETH to `to`. Governance only; the capital after it must
    /// stay at or above the MCR (smoothed up to now).
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::ZeroAddress`], [`PoolError::ZeroAmount`];
    /// [`PoolError::InsufficientPoolEth`]; [`PoolError::CapitalBelowMcr`];
    /// [`PoolError::EthTransferFailed`]; [`PoolError::MathOverflow`].
    ///
    /// # Events
    /// [`TreasuryTransfer`].
    pub fn transfer_treasury(&mut self, to: Address, amount_eth: U256) -> Result<(), PoolError> {
        self.only(self.governance.get())?;
        self.check_payout(to, amount_eth)?;
        let (capital_eth, mcr_eth) = (self.pool_value(), self.current_mcr()?);
        if mcr::capital_after_payout(capital_eth, amount_eth, mcr_eth).is_none() {
            return Err(PoolError::CapitalBelowMcr(CapitalBelowMcr {
                amountEth: amount_eth,
                capitalAfterEth: capital_eth - amount_eth,
                mcrEth: mcr_eth,
            }));
        }
        self.vm().log(TreasuryTransfer {
            to,
            amountEth: amount_eth,
        });
        self.send_eth(to, amount_eth)
    }

    /// Sets the contracts the pool trusts: the NXM token (pause), the RAMM (swaps), the cover
    /// contract (active cover) and the claims contract (payouts). Governance only; the token
    /// and the RAMM are required, cover and claims may stay zero until deployed; every non-zero
    /// address must hold code (a call to an address without code "succeeds" doing nothing).
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::ZeroAddress`] for a zero token or RAMM;
    /// [`PoolError::NotAContract`] for an address without code.
    ///
    /// # Events
    /// [`ContractsSet`].
    pub fn set_contracts(
        &mut self,
        nxm_token: Address,
        ramm: Address,
        cover: Address,
        claims: Address,
    ) -> Result<(), PoolError> {
        self.only(self.governance.get())?;
        if nxm_token.is_zero() || ramm.is_zero() {
            return Err(PoolError::ZeroAddress(ZeroAddress {}));
        }
        for account in [nxm_token, ramm, cover, claims] {
            if !account.is_zero() && self.vm().code_size(account) == 0 {
                return Err(PoolError::NotAContract(NotAContract { account }));
            }
        }
        self.nxm_token.set(nxm_token);
        self.ramm.set(ramm);
        self.cover.set(cover);
        self.claims.set(claims);
        self.vm().log(ContractsSet {
            nxmToken: nxm_token,
            ramm,
            cover,
            claims,
        });
        Ok(())
    }

    /// Sets the MCR floor. Governance only; takes effect on the next MCR update, through the
    /// smoothing (at most 100 bps an update).
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::ZeroAmount`] for zero;
    /// [`PoolError::MathOverflow`] above [`MAX_MCR_FLOOR_ETH`].
    ///
    /// # Events
    /// [`McrFloorSet`].
    pub fn set_mcr_floor(&mut self, mcr_floor_eth: U256) -> Result<(), PoolError> {
        self.only(self.governance.get())?;
        check_floor(mcr_floor_eth)?;
        self.mcr_floor_eth.set(mcr_floor_eth);
        self.vm().log(McrFloorSet {
            mcrFloorEth: mcr_floor_eth,
        });
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::ZeroAddress`] for zero.
    ///
    /// # Events
    /// [`GovernanceChanged`].
    pub fn set_governance(&mut self, new_governance: Address) -> Result<(), PoolError> {
        let previous = self.governance.get();
        self.only(previous)?;
        if new_governance.is_zero() {
            return Err(PoolError::ZeroAddress(ZeroAddress {}));
        }
        self.governance.set(new_governance);
        self.vm().log(GovernanceChanged {
            previousGovernance: previous,
            newGovernance: new_governance,
        });
        Ok(())
    }

    /// The MCR smoothed from the last update toward its target up to now, in wei.
    ///
    /// # Errors
    /// [`PoolError::MathOverflow`] outside the supported domain.
    pub fn mcr(&self) -> Result<U256, PoolError> {
        self.current_mcr()
    }

    /// Everything a dApp shows about the pool, in one call: `(pool value, MCR smoothed up to
    /// now, the MCR's target, the MCR floor, the last MCR update's timestamp, MCR% in bps
    /// (10 000 = 100 %, rounded down))`; amounts in wei.
    ///
    /// # Errors
    /// [`PoolError::MathOverflow`] outside the supported domain.
    pub fn pool_state(&self) -> Result<PoolState, PoolError> {
        let (pool_eth, mcr_eth) = (self.pool_value(), self.current_mcr()?);
        let ratio_bps = mcr::mcr_ratio_bps(pool_eth, mcr_eth).map_err(math_error)?;
        Ok((
            pool_eth,
            mcr_eth,
            self.desired_mcr_eth.get(),
            self.mcr_floor_eth.get(),
            U256::from(self.mcr_updated_at_secs.get()),
            ratio_bps,
        ))
    }

    /// The trusted contracts: `(NXM token, RAMM, cover, claims)`.
    pub fn contracts(&self) -> (Address, Address, Address, Address) {
        (
            self.nxm_token.get(),
            self.ramm.get(),
            self.cover.get(),
            self.claims.get(),
        )
    }

    /// The address holding the governance role.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }
}

impl CapitalPool {
    /// The pool's value in wei: its ETH balance (the only asset it holds).
    fn pool_value(&self) -> U256 {
        self.vm().balance(self.vm().contract_address())
    }

    /// Logs the ETH that arrived with this call.
    fn log_deposit(&self) {
        let vm = self.vm();
        vm.log(Deposit {
            from: vm.msg_sender(),
            amountEth: vm.msg_value(),
        });
    }

    /// The NXM token, or [`PoolError::ZeroAddress`] before `set_contracts` wired it.
    fn nxm_token_address(&self) -> Result<Address, PoolError> {
        let token = self.nxm_token.get();
        if token.is_zero() {
            return Err(PoolError::ZeroAddress(ZeroAddress {}));
        }
        Ok(token)
    }

    /// Reverts with [`PoolError::Unauthorized`] unless the caller is `role` (a zero role, one not
    /// yet filled, admits no one).
    fn only(&self, role: Address) -> Result<(), PoolError> {
        let caller = self.vm().msg_sender();
        if role.is_zero() || caller != role {
            return Err(PoolError::Unauthorized(Unauthorized { caller }));
        }
        Ok(())
    }

    /// The MCR smoothed from the stored value toward the stored target up to now.
    fn current_mcr(&self) -> Result<U256, PoolError> {
        let elapsed = self
            .vm()
            .block_timestamp()
            .saturating_sub(self.mcr_updated_at_secs.get().to());
        mcr::smoothed_mcr_eth(self.mcr_eth.get(), self.desired_mcr_eth.get(), elapsed)
            .map_err(math_error)
    }

    /// Stores the MCR smoothed up to now and a new target `max(floor, active cover / 4.8)`, if
    /// `force` or an hour has passed. The cover contract's total is read with a static call
    /// (no state can change under it); without a cover contract active cover is zero.
    fn update_mcr_if_due(&mut self, force: bool) -> Result<bool, PoolError> {
        let now = self.vm().block_timestamp();
        let last: u64 = self.mcr_updated_at_secs.get().to();
        if !force && now < last.saturating_add(MCR_MIN_UPDATE_SECS) {
            return Ok(false);
        }
        let cover = self.cover.get();
        let active_cover_eth = if cover.is_zero() {
            U256::ZERO
        } else {
            IActiveCover::new(cover).total_active_cover_eth(self.vm(), Call::new())?
        };
        let mcr_eth = self.current_mcr()?;
        let floor = self.mcr_floor_eth.get();
        let desired_mcr_eth =
            mcr::desired_mcr_eth(active_cover_eth, mcr::GEARING_FACTOR_BPS, floor)
                .map_err(math_error)?;
        self.mcr_eth.set(mcr_eth);
        self.desired_mcr_eth.set(desired_mcr_eth);
        self.mcr_updated_at_secs.set(U64::from(now));
        self.vm().log(McrUpdated {
            mcrEth: mcr_eth,
            desiredMcrEth: desired_mcr_eth,
            activeCoverEth: active_cover_eth,
        });
        Ok(true)
    }

    /// Checks a payout's recipient, amount and the pool's balance.
    fn check_payout(&self, to: Address, amount_eth: U256) -> Result<(), PoolError> {
        if to.is_zero() {
            return Err(PoolError::ZeroAddress(ZeroAddress {}));
        }
        if amount_eth.is_zero() {
            return Err(PoolError::ZeroAmount(ZeroAmount {}));
        }
        let available = self.pool_value();
        if amount_eth > available {
            return Err(PoolError::InsufficientPoolEth(InsufficientPoolEth {
                requestedEth: amount_eth,
                availableEth: available,
            }));
        }
        Ok(())
    }

    /// Sends ETH, last: the recipient may run code, but every state change is already made.
    fn send_eth(&mut self, to: Address, amount_eth: U256) -> Result<(), PoolError> {
        transfer_eth(self.vm(), to, amount_eth).map_err(|_| {
            PoolError::EthTransferFailed(EthTransferFailed {
                to,
                amountEth: amount_eth,
            })
        })
    }
}

/// A floor must be non-zero and at most [`MAX_MCR_FLOOR_ETH`].
fn check_floor(mcr_floor_eth: U256) -> Result<(), PoolError> {
    if mcr_floor_eth.is_zero() {
        return Err(PoolError::ZeroAmount(ZeroAmount {}));
    }
    if mcr_floor_eth > MAX_MCR_FLOOR_ETH {
        return Err(PoolError::MathOverflow(MathOverflow {}));
    }
    Ok(())
}

/// The MCR math fails only outside its domain (an MCR or pool value beyond ~10^73 wei).
fn math_error(_: mutual_math::MathError) -> PoolError {
    PoolError::MathOverflow(MathOverflow {})
}

#[cfg(test)]
mod tests;
