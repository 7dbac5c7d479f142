//! The mutual's capital pool: it holds the ETH, prices NXM on the bonding curve, keeps the MCR,
//! and pays claims.
//!
//! * Members buy NXM with [`CapitalPool::buy_nxm`] and sell it with [`CapitalPool::sell_nxm`],
//!   priced by `mutual_math::curve` (the exact integral of V1's curve) with its trade limits:
//!   buys only while MCR% <= 400 %, each trade at most 5 % of the MCR, sales never below 100 %
//!   MCR, a 2.5 % sell spread, and rounding always in the pool's favour.
//! * Membership is enforced by the NXM token: it mints only to members, and only members hold
//!   NXM to sell. The emergency pause is enforced there too (mint and burn revert while paused),
//!   so both trades respect it without an extra call here.
//! * The MCR follows `max(floor, active cover / 4.8)` from the cover contract, smoothed by
//!   `mutual_math::mcr` (at most 500 bps a day, 100 bps an update), stored at most once an hour
//!   unless a payout forces it. Trades and views price with the MCR smoothed up to now.
//! * ETH leaves last in every entrypoint (checks, effects, interactions); the SDK's default
//!   reentrancy guard rejects re-entry from the recipient.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!`.
#[macro_use]
extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, U256, U64};
use mutual_interfaces::{
    capital_pool::{
        cover::IActiveCover, BuyAboveTradeLimit, ClaimPaid, ContractsSet, CurveUnavailable,
        Deposit, EthTransferFailed, GovernanceChanged, InsufficientPoolEth, InvalidArgument,
        McrFloorSet, McrRatioAboveBuyLimit, McrUpdated, NxmBought, NxmSold, SellAboveTradeLimit,
        SlippageExceeded, TreasuryTransfer, Unauthorized, ZeroAddress,
    },
    nxm_token::INxmToken,
};
use mutual_math::{curve, mcr, MathError};
use stylus_sdk::{
    call::transfer::transfer_eth,
    prelude::*,
    storage::{StorageAddress, StorageU256, StorageU64},
    stylus_core::calls::errors::Error as CallError,
};

/// The stored MCR is refreshed at most this often, unless a payout forces it.
pub const MCR_MIN_UPDATE_SECS: u64 = 3_600;

/// `poolState()`'s answer: pool value, MCR now, MCR target, MCR floor, last MCR update, MCR% in
/// bps, spot buy price, spot sell price (see [`CapitalPool::pool_state`]).
pub type PoolState = (U256, U256, U256, U256, U256, U256, U256, U256);

/// Every way an entrypoint of the pool can fail.
#[derive(SolidityError)]
pub enum PoolError {
    /// The caller lacks the role the entrypoint requires.
    Unauthorized(Unauthorized),
    /// MCR% is above the buy limit.
    McrRatioAboveBuyLimit(McrRatioAboveBuyLimit),
    /// A buy above 5 % of the MCR.
    BuyAboveTradeLimit(BuyAboveTradeLimit),
    /// A sale above the limits.
    SellAboveTradeLimit(SellAboveTradeLimit),
    /// The curve cannot price the current state.
    CurveUnavailable(CurveUnavailable),
    /// Less out than the caller's minimum.
    SlippageExceeded(SlippageExceeded),
    /// Not enough ETH in the pool.
    InsufficientPoolEth(InsufficientPoolEth),
    /// An ETH transfer out failed.
    EthTransferFailed(EthTransferFailed),
    /// A zero address or amount where one is not allowed, or a contract address without code.
    InvalidArgument(InvalidArgument),
    /// The NXM token is not set yet (trades before `set_contracts` would move ETH alone).
    ZeroAddress(ZeroAddress),
    /// A call to the NXM token or the cover contract reverted: its revert data is passed on.
    Call(CallError),
}

/// The capital pool's storage.
#[storage]
#[entrypoint]
pub struct CapitalPool {
    /// Holder of the governance role.
    governance: StorageAddress,
    /// The NXM token (mints on buys, burns on sales).
    nxm_token: StorageAddress,
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
    /// [`PoolError::InvalidArgument`] for a zero governance address or a zero floor.
    ///
    /// # Events
    /// [`GovernanceChanged`] (from zero), [`McrFloorSet`].
    #[constructor]
    pub fn constructor(
        &mut self,
        governance: Address,
        mcr_floor_eth: U256,
    ) -> Result<(), PoolError> {
        if governance.is_zero() || mcr_floor_eth.is_zero() {
            return Err(PoolError::InvalidArgument(InvalidArgument {}));
        }
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
        let vm = self.vm();
        vm.log(Deposit {
            from: vm.msg_sender(),
            amountEth: vm.msg_value(),
        });
        Ok(())
    }

    /// Buys NXM with the ETH sent: mints `1e18 * ∫ dV / P(V)` from the pool value before this
    /// ETH to after it, rounded down, to the caller.
    ///
    /// # Errors
    /// [`PoolError::InvalidArgument`] for no ETH; [`PoolError::McrRatioAboveBuyLimit`];
    /// [`PoolError::BuyAboveTradeLimit`]; [`PoolError::SlippageExceeded`] if fewer than
    /// `min_nxm_out` NXM; [`PoolError::ZeroAddress`] before the token is set; the token's own
    /// error (e.g. not a member, paused) passed on.
    ///
    /// # Events
    /// [`NxmBought`]; [`McrUpdated`] if the hourly update is due.
    #[payable]
    pub fn buy_nxm(&mut self, min_nxm_out: U256) -> Result<U256, PoolError> {
        let buyer = self.vm().msg_sender();
        let eth_in = self.vm().msg_value();
        if eth_in.is_zero() {
            return Err(PoolError::InvalidArgument(InvalidArgument {}));
        }
        let pool_before_eth = self.pool_value() - eth_in;
        let mcr_eth = self.current_mcr()?;
        let nxm_out = curve::nxm_out_for_eth(pool_before_eth, mcr_eth, eth_in)
            .map_err(|e| curve_error(e, pool_before_eth, mcr_eth))?;
        if nxm_out < min_nxm_out {
            return Err(PoolError::SlippageExceeded(SlippageExceeded {
                amountOut: nxm_out,
                minAmountOut: min_nxm_out,
            }));
        }
        let token = INxmToken::new(self.nxm_token_address()?);
        self.update_mcr_if_due(false)?;
        let context = Call::new_mutating(self);
        token.mint(self.vm(), context, buyer, nxm_out)?;
        self.vm().log(NxmBought {
            member: buyer,
            ethIn: eth_in,
            nxmOut: nxm_out,
        });
        Ok(nxm_out)
    }

    /// Sells `nxm_in` NXM of the caller back to the pool for the curve's ETH less the 2.5 %
    /// spread, rounded down. The NXM is burned before the ETH leaves.
    ///
    /// # Errors
    /// [`PoolError::InvalidArgument`] for zero NXM; [`PoolError::SellAboveTradeLimit`] (more
    /// than 5 % of the MCR out, or below 100 % MCR after); [`PoolError::SlippageExceeded`];
    /// [`PoolError::ZeroAddress`] before the token is set; the token's error (balance, paused)
    /// passed on; [`PoolError::EthTransferFailed`].
    ///
    /// # Events
    /// [`NxmSold`]; [`McrUpdated`] if the hourly update is due.
    pub fn sell_nxm(&mut self, nxm_in: U256, min_eth_out: U256) -> Result<U256, PoolError> {
        let seller = self.vm().msg_sender();
        if nxm_in.is_zero() {
            return Err(PoolError::InvalidArgument(InvalidArgument {}));
        }
        let pool_eth = self.pool_value();
        let mcr_eth = self.current_mcr()?;
        let eth_out = curve::eth_out_for_nxm(pool_eth, mcr_eth, nxm_in)
            .map_err(|e| curve_error(e, pool_eth, mcr_eth))?;
        if eth_out < min_eth_out {
            return Err(PoolError::SlippageExceeded(SlippageExceeded {
                amountOut: eth_out,
                minAmountOut: min_eth_out,
            }));
        }
        let token = INxmToken::new(self.nxm_token_address()?);
        self.update_mcr_if_due(false)?;
        let context = Call::new_mutating(self);
        token.operator_burn(self.vm(), context, seller, nxm_in)?;
        self.vm().log(NxmSold {
            member: seller,
            nxmIn: nxm_in,
            ethOut: eth_out,
        });
        self.send_eth(seller, eth_out)?;
        Ok(eth_out)
    }

    /// Stores the MCR smoothed up to now and a fresh target from the cover contract's active
    /// cover, if an hour has passed since the last update. Open to anyone; returns whether it
    /// updated (a call before the hour is up changes nothing).
    ///
    /// # Errors
    /// The cover contract's revert, passed on.
    ///
    /// # Events
    /// [`McrUpdated`] when it updates.
    pub fn update_mcr(&mut self) -> Result<bool, PoolError> {
        self.update_mcr_if_due(false)
    }

    /// Pays `amount_eth` of a claim to `to`. Claims contract only; the MCR update is forced.
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::InvalidArgument`] for a zero address or
    /// amount; [`PoolError::InsufficientPoolEth`]; [`PoolError::EthTransferFailed`].
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

    /// Moves `amount_eth` of treasury ETH to `to`. Governance only.
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::InvalidArgument`];
    /// [`PoolError::InsufficientPoolEth`]; [`PoolError::EthTransferFailed`].
    ///
    /// # Events
    /// [`TreasuryTransfer`].
    pub fn transfer_treasury(&mut self, to: Address, amount_eth: U256) -> Result<(), PoolError> {
        self.only(self.governance.get())?;
        self.check_payout(to, amount_eth)?;
        self.vm().log(TreasuryTransfer {
            to,
            amountEth: amount_eth,
        });
        self.send_eth(to, amount_eth)
    }

    /// Sets the contracts the pool trusts: the NXM token, the cover contract (active cover) and
    /// the claims contract (payouts). Governance only; zero leaves a role unfilled, except for
    /// the token; every non-zero address must hold code.
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::InvalidArgument`] for a zero token or an
    /// address without code.
    ///
    /// # Events
    /// [`ContractsSet`].
    pub fn set_contracts(
        &mut self,
        nxm_token: Address,
        cover: Address,
        claims: Address,
    ) -> Result<(), PoolError> {
        self.only(self.governance.get())?;
        // A call to an address without code "succeeds" with empty output: a token there would
        // let trades move ETH without minting or burning NXM.
        let without_code =
            |address: Address| !address.is_zero() && self.vm().code_size(address) == 0;
        if nxm_token.is_zero()
            || without_code(nxm_token)
            || without_code(cover)
            || without_code(claims)
        {
            return Err(PoolError::InvalidArgument(InvalidArgument {}));
        }
        self.nxm_token.set(nxm_token);
        self.cover.set(cover);
        self.claims.set(claims);
        self.vm().log(ContractsSet {
            nxmToken: nxm_token,
            cover,
            claims,
        });
        Ok(())
    }

    /// Sets the MCR floor. Governance only; takes effect on the next MCR update.
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::InvalidArgument`] for zero.
    ///
    /// # Events
    /// [`McrFloorSet`].
    pub fn set_mcr_floor(&mut self, mcr_floor_eth: U256) -> Result<(), PoolError> {
        self.only(self.governance.get())?;
        if mcr_floor_eth.is_zero() {
            return Err(PoolError::InvalidArgument(InvalidArgument {}));
        }
        self.mcr_floor_eth.set(mcr_floor_eth);
        self.vm().log(McrFloorSet {
            mcrFloorEth: mcr_floor_eth,
        });
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    /// [`PoolError::Unauthorized`]; [`PoolError::InvalidArgument`] for zero.
    ///
    /// # Events
    /// [`GovernanceChanged`].
    pub fn set_governance(&mut self, new_governance: Address) -> Result<(), PoolError> {
        let previous = self.governance.get();
        self.only(previous)?;
        if new_governance.is_zero() {
            return Err(PoolError::InvalidArgument(InvalidArgument {}));
        }
        self.governance.set(new_governance);
        self.vm().log(GovernanceChanged {
            previousGovernance: previous,
            newGovernance: new_governance,
        });
        Ok(())
    }

    /// Everything a dApp shows about the pool, in one call: `(pool value, MCR smoothed up to
    /// now, the MCR's target, the MCR floor, the last MCR update's timestamp, MCR% in bps
    /// (10 000 = 100 %, rounded down), spot buy price, spot sell price)`; amounts in wei, prices
    /// in wei per NXM (the sell price is the buy price less the 2.5 % spread, both rounded down).
    ///
    /// # Errors
    /// [`PoolError::CurveUnavailable`] outside the curve's domain (zero MCR, overflow).
    pub fn pool_state(&self) -> Result<PoolState, PoolError> {
        let (pool_eth, mcr_eth) = (self.pool_value(), self.current_mcr()?);
        let err = |e| curve_error(e, pool_eth, mcr_eth);
        let ratio_bps = mcr::mcr_ratio_bps(pool_eth, mcr_eth).map_err(err)?;
        let buy_price = curve::spot_price_wei(pool_eth, mcr_eth).map_err(err)?;
        let sell_price = curve::apply_sell_spread(buy_price).map_err(err)?;
        Ok((
            pool_eth,
            mcr_eth,
            self.desired_mcr_eth.get(),
            self.mcr_floor_eth.get(),
            U256::from(self.mcr_updated_at_secs.get()),
            ratio_bps,
            buy_price,
            sell_price,
        ))
    }

    /// NXM a buy of `eth_in` would mint now (the same computation and errors as `buy_nxm`).
    ///
    /// # Errors
    /// As [`CapitalPool::buy_nxm`]'s curve errors.
    pub fn quote_buy(&self, eth_in: U256) -> Result<U256, PoolError> {
        let (pool_eth, mcr_eth) = (self.pool_value(), self.current_mcr()?);
        curve::nxm_out_for_eth(pool_eth, mcr_eth, eth_in)
            .map_err(|e| curve_error(e, pool_eth, mcr_eth))
    }

    /// ETH a sale of `nxm_in` would pay now (the same computation and errors as `sell_nxm`).
    ///
    /// # Errors
    /// As [`CapitalPool::sell_nxm`]'s curve errors.
    pub fn quote_sell(&self, nxm_in: U256) -> Result<U256, PoolError> {
        let (pool_eth, mcr_eth) = (self.pool_value(), self.current_mcr()?);
        curve::eth_out_for_nxm(pool_eth, mcr_eth, nxm_in)
            .map_err(|e| curve_error(e, pool_eth, mcr_eth))
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
        let (stored, desired) = (self.mcr_eth.get(), self.desired_mcr_eth.get());
        mcr::smoothed_mcr_eth(stored, desired, elapsed)
            .map_err(|e| curve_error(e, U256::ZERO, stored))
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
                .map_err(|e| curve_error(e, U256::ZERO, floor))?;
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
        if to.is_zero() || amount_eth.is_zero() {
            return Err(PoolError::InvalidArgument(InvalidArgument {}));
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

/// Maps a curve refusal to the pool's error with the values that failed.
fn curve_error(error: MathError, pool_eth: U256, mcr_eth: U256) -> PoolError {
    match error {
        MathError::McrRatioAboveBuyLimit { mcr_ratio_bps } => {
            PoolError::McrRatioAboveBuyLimit(McrRatioAboveBuyLimit {
                mcrRatioBps: mcr_ratio_bps,
            })
        }
        MathError::BuyAboveTradeLimit { eth_in, max_eth_in } => {
            PoolError::BuyAboveTradeLimit(BuyAboveTradeLimit {
                ethIn: eth_in,
                maxEthIn: max_eth_in,
            })
        }
        MathError::SellAboveTradeLimit { nxm_in, max_nxm_in } => {
            PoolError::SellAboveTradeLimit(SellAboveTradeLimit {
                nxmIn: nxm_in,
                maxNxmIn: max_nxm_in,
            })
        }
        MathError::Overflow
        | MathError::DivisionByZero
        | MathError::ZeroMcr
        | MathError::RatioTooHigh { .. } => PoolError::CurveUnavailable(CurveUnavailable {
            poolValueEth: pool_eth,
            mcrEth: mcr_eth,
        }),
    }
}

#[cfg(test)]
mod tests;
