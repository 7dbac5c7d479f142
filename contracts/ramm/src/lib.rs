//! The RAMM: the mutual's only market for NXM, V2's ratcheting AMM computed exactly.
//!
//! * Members [`Ramm::swap`] ETH for NXM (pool A, above book value) or NXM for ETH (pool B, below
//!   book value). Before every swap or price read the state is brought to now by
//!   `mutual_math::ramm::advance` (liquidity injection or extraction, both prices ratcheting
//!   toward book value, the cumulative prices of the TWAP); every formula and rounding is
//!   documented there, always in the mutual's favour.
//! * The ETH lives in the capital pool: a buy's ETH goes there (`depositSwapEth`), a sale is paid
//!   from there (`paySwapEth`) after the NXM is burned. A sale may not take the capital below the
//!   MCR (`mutual_math::mcr::capital_after_payout`, V2's buffer zone).
//! * Membership is enforced by the NXM token (it mints only to members, and only members hold NXM
//!   to burn), and so is the protocol-wide pause (mint and burn revert while paused). The RAMM has
//!   its own emergency swap pause and cumulative circuit breakers on the ETH and the NXM it
//!   releases.
//! * The internal price (`min(avgA, spotA) + max(avgB, spotB) − BV`, clamped to 35–300 % of book
//!   value) is what the cover and claims contracts convert with.
//!
//! # Storage layout
//! Everything a swap reads sits in seven slots: five packed words of one array (`(E, budget)`,
//! `(Na, Nb)`, `(updated at, cumulative A, cumulative B)`, the released amounts, the limits),
//! `(token, day length, swap pause)` and the capital pool; the three TWAP observations follow in
//! the same array and are written only when a period boundary is crossed. Amounts are stored in 128 bits (3.4·10^20 ETH or NXM), cumulative
//! prices in 112 bits (they wrap: only differences are used) and timestamps in 32 bits (until
//! 2106), as V2 does; a value that does not fit is refused with [`MathOverflow`].
//!
//! # Roles
//! Members swap; anyone may bring the TWAP to now; any advisory-board seat (read from the
//! membership contract) pauses swaps or lowers the circuit-breaker limits; governance resumes
//! swaps, sets any limits, removes the budget and sets the trusted contracts.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!`.
#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::vec::Vec;

use abi_words::{encode, topics};
use alloy_primitives::{aliases::U32, Address, B256, U256};
use alloy_sol_types::SolEvent;
use mutual_interfaces::{
    capital_pool::{CapitalBelowMcr, ICapitalPool},
    membership::IMembership,
    nxm_token::INxmToken,
    ramm::{
        BookValueUndefined, BudgetRemoved, CircuitBreakerLimitsSet, ContractsSet,
        EthCircuitBreakerHit, EthExtracted, EthInjected, EthSwappedForNxm, GovernanceChanged,
        InsufficientAmountOut, InvalidLaunchParameters, LimitRaiseNotAllowed, MathOverflow,
        NotAContract, NxmCircuitBreakerHit, NxmSwappedForEth, ObservationUpdated, OneInputRequired,
        SwapExpired, SwapPauseConfigured, SwapPaused, Unauthorized, ZeroAddress,
    },
};
use mutual_math::{
    mcr::capital_after_payout,
    ramm::{self, Advanced, Capital, Observation, RammParams, RammState},
    MathError,
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageArray, StorageBool, StorageU256, StorageU32},
    stylus_core::calls::errors::Error as CallError,
};

/// The cumulative limit on the ETH sales may release at launch: 22 000 ETH (V2's `ethLimit`).
pub const INITIAL_ETH_LIMIT: U256 = U256::from_limbs([0x9f54_ef01_21c0_0000, 0x4a8, 0, 0]);
/// The cumulative limit on the NXM buys may release at launch: 250 000 NXM (V2's `nxmLimit`).
pub const INITIAL_NXM_LIMIT: U256 = U256::from_limbs([0x86f3_b33b_6840_0000, 0x34f0, 0, 0]);

/// `state()`'s answer: spot price A, spot price B, book value, internal price (all wei per NXM),
/// E, Na, Nb, budget (see [`Ramm::state`]).
pub type RammView = (U256, U256, U256, U256, U256, U256, U256, U256);

/// Every way an entrypoint of the RAMM can fail.
#[derive(SolidityError)]
pub enum RammError {
    /// The caller lacks the role the entrypoint requires.
    Unauthorized(Unauthorized),
    /// A zero address, or a trusted contract not set yet.
    ZeroAddress(ZeroAddress),
    /// A contract address to trust holds no code.
    NotAContract(NotAContract),
    /// Swaps are paused.
    SwapPaused(SwapPaused),
    /// Both or neither of ETH and NXM offered.
    OneInputRequired(OneInputRequired),
    /// The deadline has passed.
    SwapExpired(SwapExpired),
    /// Less out than the caller's minimum.
    InsufficientAmountOut(InsufficientAmountOut),
    /// The cumulative ETH limit would be passed.
    EthCircuitBreakerHit(EthCircuitBreakerHit),
    /// The cumulative NXM limit would be passed.
    NxmCircuitBreakerHit(NxmCircuitBreakerHit),
    /// An advisory-board member tried to raise a limit.
    LimitRaiseNotAllowed(LimitRaiseNotAllowed),
    /// No NXM supply or no capital: book value is undefined.
    BookValueUndefined(BookValueUndefined),
    /// A sale would take the capital below the MCR.
    CapitalBelowMcr(CapitalBelowMcr),
    /// A constructor argument is invalid.
    InvalidLaunchParameters(InvalidLaunchParameters),
    /// A value left the stored or computed domain.
    MathOverflow(MathOverflow),
    /// A call to the token, the capital pool or membership reverted: its data is passed on.
    // Not an ABI error of this contract (the callee's revert data is passed on as it is), and
    // the SDK's export-abi needs every variant to be a `sol!` error: left out of that build.
    #[cfg(not(feature = "export-abi"))]
    Call(CallError),
}

/// The export-abi binary only prints the interface and never calls another contract: this
/// `From` stands in for the `Call` variant's, so `?` on calls compiles in that build.
#[cfg(feature = "export-abi")]
impl From<CallError> for RammError {
    fn from(_: CallError) -> Self {
        unreachable!("the export-abi binary makes no calls")
    }
}

/// The RAMM's storage. Pairs of values share a slot (see the module doc): `(low, high)`
/// halves of 128 bits, or `(timestamp: 32 bits, cumulative A: 112 bits, cumulative B: 112
/// bits)` for the clock and each observation ([`halves`], [`unpack_clock`]).
#[storage]
#[entrypoint]
pub struct Ramm {
    /// The packed words, indexed by [`LIQUIDITY`], [`RESERVES`], [`CLOCK`], [`RELEASED`],
    /// [`LIMITS`] and [`OBSERVATIONS`] `+ 0..3` (one array, so one accessor serves all eight).
    words: StorageArray<StorageU256, 8>,
    /// The NXM token (supply, mint, burn).
    nxm_token: StorageAddress,
    /// The length of a "day" in seconds for every speed and the TWAP period (86 400 except on
    /// devnets).
    day_secs: StorageU32,
    /// The emergency swap pause.
    swap_paused: StorageBool,
    /// The capital pool (capital, MCR, settlement).
    capital_pool: StorageAddress,
    /// The membership contract (advisory-board seats).
    membership: StorageAddress,
    /// Holder of the governance role.
    governance: StorageAddress,
}

/// A swap computed on the state brought to now, before anything is stored.
struct Swap {
    advanced: Advanced,
    after: RammState,
    amount_out: U256,
}

#[public]
impl Ramm {
    /// Launches the RAMM (protocol-reference §3b): virtual ETH reserve `eth_reserve`, injection
    /// budget `budget_eth`, starting spot prices `spot_price_a >= spot_price_b` (wei per NXM),
    /// the three TWAP observations seeded as if those prices had held, V2's initial
    /// circuit-breaker limits ([`INITIAL_ETH_LIMIT`], [`INITIAL_NXM_LIMIT`]; governance changes
    /// them), and a day of `day_secs` seconds (86 400; devnets shorten it). Swaps start paused:
    /// governance opens them once the genesis supply exists (see the README).
    ///
    /// # Errors
    /// [`RammError::ZeroAddress`] for a zero governance; [`RammError::InvalidLaunchParameters`]
    /// for a zero reserve, day or price, spot B above spot A, a launch time before two TWAP
    /// periods or values beyond the stored domain.
    ///
    /// # Events
    /// [`GovernanceChanged`] (from zero), [`SwapPauseConfigured`], [`CircuitBreakerLimitsSet`],
    /// three [`ObservationUpdated`].
    #[constructor]
    pub fn constructor(
        &mut self,
        governance: Address,
        day_secs: u32,
        eth_reserve: U256,
        budget_eth: U256,
        spot_price_a: U256,
        spot_price_b: U256,
    ) -> Result<(), RammError> {
        if governance.is_zero() {
            return Err(RammError::ZeroAddress(ZeroAddress {}));
        }
        if day_secs == 0
            || eth_reserve.is_zero()
            || spot_price_b.is_zero()
            || spot_price_b > spot_price_a
        {
            return Err(RammError::InvalidLaunchParameters(
                InvalidLaunchParameters {},
            ));
        }
        self.day_secs.set(U32::from(day_secs));
        let now = self.vm().block_timestamp();
        let (state, observations) = ramm::launch(
            eth_reserve,
            budget_eth,
            spot_price_a,
            spot_price_b,
            &self.params(),
            now,
        )
        .map_err(|_| RammError::InvalidLaunchParameters(InvalidLaunchParameters {}))?;
        self.governance.set(governance);
        self.emit(
            GovernanceChanged::SIGNATURE_HASH,
            &[Address::ZERO, governance],
            &[],
        );
        self.store_state(&state)?;
        for observation in &observations {
            self.store_observation(observation)?;
        }
        self.configure_swap_pause(true);
        self.store_limits(INITIAL_ETH_LIMIT, INITIAL_NXM_LIMIT)
    }

    /// Swaps exactly one input: the ETH sent (`msg.value`) for NXM from pool A, or `nxm_in` of
    /// the caller's NXM for ETH from pool B. The state is brought to now first; the output is
    /// rounded down; at least `min_amount_out` (and at least 1 wei) must come out, before
    /// `deadline` (a timestamp).
    /// A buy sends the ETH to the capital pool and mints the NXM to the caller; a sale burns the
    /// caller's NXM, then the pool pays the ETH (last).
    ///
    /// # Errors
    /// [`RammError::OneInputRequired`] unless exactly one input is non-zero;
    /// [`RammError::SwapExpired`]; [`RammError::SwapPaused`];
    /// [`RammError::InsufficientAmountOut`]; [`RammError::NxmCircuitBreakerHit`] /
    /// [`RammError::EthCircuitBreakerHit`]; [`RammError::CapitalBelowMcr`] for a sale that would
    /// leave the capital under the MCR; [`RammError::BookValueUndefined`];
    /// [`RammError::MathOverflow`] for an input too large for the reserves; the token's errors passed on (not a member, balance, the
    /// protocol paused) and the capital pool's (ETH transfer failed).
    ///
    /// # Events
    /// [`EthSwappedForNxm`] or [`NxmSwappedForEth`]; [`EthInjected`] / [`EthExtracted`] and
    /// [`ObservationUpdated`] when the state update made them; the pool's and token's own.
    #[payable]
    pub fn swap(
        &mut self,
        nxm_in: U256,
        min_amount_out: U256,
        deadline: U256,
    ) -> Result<U256, RammError> {
        let (member, eth_in) = (self.vm().msg_sender(), self.vm().msg_value());
        let now = self.vm().block_timestamp();
        if deadline < U256::from(now) {
            return Err(RammError::SwapExpired(SwapExpired {
                deadline,
                blockTimestamp: U256::from(now),
            }));
        }
        if self.swap_paused.get() {
            return Err(RammError::SwapPaused(SwapPaused {}));
        }
        let swap = self.compute_swap(eth_in, nxm_in)?;
        let amount_out = swap.amount_out;
        // A swap must give something: an input too small to buy one wei is refused, not kept.
        let min_amount_out = min_amount_out.max(U256::from(1u8));
        if amount_out < min_amount_out {
            return Err(RammError::InsufficientAmountOut(InsufficientAmountOut {
                amountOut: amount_out,
                minAmountOut: min_amount_out,
            }));
        }
        self.store_advanced(&swap.advanced, &swap.after)?;
        let (e, a, b) = (
            swap.after.eth_reserve,
            swap.after.nxm_reserve_a,
            swap.after.nxm_reserve_b,
        );
        let token = INxmToken::new(self.nxm_token.get());
        let pool = ICapitalPool::new(self.capital_pool.get());
        let buying = nxm_in.is_zero();
        let (mut eth_released, mut nxm_released) = halves(self.word(RELEASED));
        let (signature, amount_in) = if buying {
            nxm_released = nxm_released.saturating_add(amount_out);
            (EthSwappedForNxm::SIGNATURE_HASH, eth_in)
        } else {
            eth_released = eth_released.saturating_add(amount_out);
            (NxmSwappedForEth::SIGNATURE_HASH, nxm_in)
        };
        self.set_word(RELEASED, join_halves(eth_released, nxm_released)?);
        self.emit(signature, &[member], &[amount_in, amount_out, e, a, b]);
        if buying {
            let context = Call::new_payable(self, eth_in);
            pool.deposit_swap_eth(self.vm(), context)?;
            let context = Call::new_mutating(self);
            token.mint(self.vm(), context, member, amount_out)?;
        } else {
            let context = Call::new_mutating(self);
            token.operator_burn(self.vm(), context, member, nxm_in)?;
            let context = Call::new_mutating(self);
            pool.pay_swap_eth(self.vm(), context, member, amount_out)?;
        }
        Ok(amount_out)
    }

    /// Brings the state and the TWAP observations to now and returns the internal price, in wei
    /// per NXM: `min(avg A, spot A) + max(avg B, spot B) − book value`, clamped to [35 %, 300 %]
    /// of book value, the averages taken over the TWAP window (from the boundary two periods
    /// before the current one to now; `mutual_math::ramm`). [`Ramm::state`] shows it without
    /// storing anything. Open to anyone, also while swaps are paused:
    /// the cover and claims contracts convert with it, keepers may call it to record
    /// observations.
    ///
    /// # Errors
    /// [`RammError::BookValueUndefined`]; [`RammError::MathOverflow`]; the token's or the
    /// pool's revert, passed on.
    ///
    /// # Events
    /// [`ObservationUpdated`], [`EthInjected`], [`EthExtracted`] when the update made them.
    pub fn get_internal_price_and_update_twap(&mut self) -> Result<U256, RammError> {
        let (advanced, capital) = self.advance_to_now(false)?;
        let price = self.internal_price(&advanced, &capital)?;
        self.store_advanced(&advanced, &advanced.state)?;
        Ok(price)
    }

    /// Pauses (`true`) or resumes (`false`) swaps. Any advisory-board seat or governance may
    /// pause; only governance resumes (one compromised seat cannot undo another's pause).
    ///
    /// # Errors
    /// [`RammError::Unauthorized`]; the membership contract's revert, passed on.
    ///
    /// # Events
    /// [`SwapPauseConfigured`].
    pub fn set_swap_paused(&mut self, paused: bool) -> Result<(), RammError> {
        let caller = self.vm().msg_sender();
        if caller != self.governance.get() && !(paused && self.is_board_member(caller)?) {
            return Err(RammError::Unauthorized(Unauthorized { caller }));
        }
        self.configure_swap_pause(paused);
        Ok(())
    }

    /// Sets the cumulative circuit-breaker limits: the most ETH sales may release and the most
    /// NXM buys may release since deployment, in wei. Governance sets any values; an
    /// advisory-board seat may only lower them (neither may rise).
    ///
    /// # Errors
    /// [`RammError::Unauthorized`]; [`RammError::LimitRaiseNotAllowed`] for a board member
    /// raising either; [`RammError::MathOverflow`] above 2^128; the membership contract's
    /// revert, passed on.
    ///
    /// # Events
    /// [`CircuitBreakerLimitsSet`].
    pub fn set_circuit_breaker_limits(
        &mut self,
        eth_limit: U256,
        nxm_limit: U256,
    ) -> Result<(), RammError> {
        let caller = self.vm().msg_sender();
        if caller != self.governance.get() {
            if !self.is_board_member(caller)? {
                return Err(RammError::Unauthorized(Unauthorized { caller }));
            }
            let (current_eth, current_nxm) = halves(self.word(LIMITS));
            if eth_limit > current_eth || nxm_limit > current_nxm {
                return Err(RammError::LimitRaiseNotAllowed(LimitRaiseNotAllowed {
                    currentEthLimit: current_eth,
                    currentNxmLimit: current_nxm,
                }));
            }
        }
        self.store_limits(eth_limit, nxm_limit)
    }

    /// Ends the injection budget: the state is brought to now (so the fast ratchet applies up
    /// to this moment), then the budget is set to zero and pool B ratchets at the normal speed.
    /// Governance only.
    ///
    /// # Errors
    /// [`RammError::Unauthorized`]; as [`Ramm::get_internal_price_and_update_twap`].
    ///
    /// # Events
    /// [`BudgetRemoved`], and the update's events.
    pub fn remove_budget(&mut self) -> Result<(), RammError> {
        self.only_governance()?;
        let (advanced, _) = self.advance_to_now(false)?;
        let mut after = advanced.state;
        after.budget_eth = U256::ZERO;
        self.store_advanced(&advanced, &after)?;
        self.emit(BudgetRemoved::SIGNATURE_HASH, &[], &[]);
        Ok(())
    }

    /// Sets the contracts the RAMM trusts: the NXM token, the capital pool and membership.
    /// Governance only; each must hold code. (No view: the [`ContractsSet`] log records them.)
    ///
    /// # Errors
    /// [`RammError::Unauthorized`]; [`RammError::ZeroAddress`]; [`RammError::NotAContract`].
    ///
    /// # Events
    /// [`ContractsSet`].
    pub fn set_contracts(
        &mut self,
        nxm_token: Address,
        capital_pool: Address,
        membership: Address,
    ) -> Result<(), RammError> {
        self.only_governance()?;
        for account in [nxm_token, capital_pool, membership] {
            if account.is_zero() {
                return Err(RammError::ZeroAddress(ZeroAddress {}));
            }
            if self.vm().code_size(account) == 0 {
                return Err(RammError::NotAContract(NotAContract { account }));
            }
        }
        self.nxm_token.set(nxm_token);
        self.capital_pool.set(capital_pool);
        self.membership.set(membership);
        self.emit(
            ContractsSet::SIGNATURE_HASH,
            &[],
            &[word(nxm_token), word(capital_pool), word(membership)],
        );
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    /// [`RammError::Unauthorized`]; [`RammError::ZeroAddress`].
    ///
    /// # Events
    /// [`GovernanceChanged`].
    pub fn set_governance(&mut self, new_governance: Address) -> Result<(), RammError> {
        let previous = self.only_governance()?;
        if new_governance.is_zero() {
            return Err(RammError::ZeroAddress(ZeroAddress {}));
        }
        self.governance.set(new_governance);
        self.emit(
            GovernanceChanged::SIGNATURE_HASH,
            &[previous, new_governance],
            &[],
        );
        Ok(())
    }

    /// Everything a dApp shows, brought to the current block (nothing is stored): `(spot price
    /// A (the buy price, rounded up), spot price B (the sell price, rounded down), book value
    /// (rounded down), internal price, E, Na, Nb, budget)`; prices in wei per NXM, amounts in
    /// wei. The capital is the pool's balance, the supply the token's `totalSupply`.
    ///
    /// # Errors
    /// As [`Ramm::get_internal_price_and_update_twap`].
    pub fn state(&self) -> Result<RammView, RammError> {
        let (advanced, capital) = self.advance_to_now(false)?;
        let start = ramm::window_start(&advanced, &self.stored_observations(), &self.params());
        let s = &advanced.state;
        let prices = || -> Result<_, MathError> {
            Ok((
                ramm::spot_price_a_wad(s)?,
                ramm::spot_price_b_wad(s)?,
                ramm::book_value_wad(capital.capital_eth, capital.supply_nxm)?,
                ramm::internal_price_wad(&advanced, &start, &capital)?,
            ))
        };
        let (spot_a, spot_b, book_value, internal) =
            prices().map_err(|e| capital_error(e, &capital))?;
        Ok((
            spot_a,
            spot_b,
            book_value,
            internal,
            s.eth_reserve,
            s.nxm_reserve_a,
            s.nxm_reserve_b,
            s.budget_eth,
        ))
    }

    /// What [`Ramm::swap`] would give now for `eth_in` ETH or `nxm_in` NXM (exactly one
    /// non-zero), with the same checks (circuit breakers, the MCR on sales) except the
    /// caller's membership and balance, the pauses and the deadline.
    ///
    /// # Errors
    /// As [`Ramm::swap`]'s computation.
    pub fn quote(&self, eth_in: U256, nxm_in: U256) -> Result<U256, RammError> {
        Ok(self.compute_swap(eth_in, nxm_in)?.amount_out)
    }

    /// `(swaps paused, ETH released by sales, its limit, NXM released by buys, its limit)`,
    /// amounts in wei: everything that can stop a swap besides its own inputs.
    pub fn circuit_breakers(&self) -> (bool, U256, U256, U256, U256) {
        let (eth_released, nxm_released) = halves(self.word(RELEASED));
        let (eth_limit, nxm_limit) = halves(self.word(LIMITS));
        (
            self.swap_paused.get(),
            eth_released,
            eth_limit,
            nxm_released,
            nxm_limit,
        )
    }

    /// The address holding the governance role.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }
}

impl Ramm {
    /// The RAMM's parameters: §3b's launch values with the stored day length.
    fn params(&self) -> RammParams {
        RammParams::with_day_secs(u64::from(self.day_secs.get().to::<u32>()))
    }

    /// Packed word `index`.
    fn word(&self, index: usize) -> U256 {
        self.words.get(index).unwrap_or_default()
    }

    /// Stores packed word `index` (every index used is below the array's 8).
    fn set_word(&mut self, index: usize, value: U256) {
        if let Some(mut word) = self.words.setter(index) {
            word.set(value);
        }
    }

    /// The stored state (as of `updated_at_secs`).
    fn load_state(&self) -> RammState {
        let (eth_reserve, budget_eth) = halves(self.word(LIQUIDITY));
        let (nxm_reserve_a, nxm_reserve_b) = halves(self.word(RESERVES));
        let clock = unpack_clock(self.word(CLOCK));
        RammState {
            eth_reserve,
            nxm_reserve_a,
            nxm_reserve_b,
            budget_eth,
            updated_at_secs: clock.timestamp_secs,
            cumulative_a: clock.cumulative_a,
            cumulative_b: clock.cumulative_b,
        }
    }

    /// The three stored observations, by slot.
    fn stored_observations(&self) -> [Observation; 3] {
        core::array::from_fn(|slot| unpack_clock(self.word(OBSERVATIONS + slot)))
    }

    /// Reads the capital (the pool's ETH balance), the NXM supply and, when the update or a
    /// sale needs it (`with_mcr`), the MCR; then brings the stored state to now.
    fn advance_to_now(&self, with_mcr: bool) -> Result<(Advanced, Capital), RammError> {
        let (token, pool) = (self.nxm_token.get(), self.capital_pool.get());
        if token.is_zero() || pool.is_zero() {
            return Err(RammError::ZeroAddress(ZeroAddress {}));
        }
        let state = self.load_state();
        let params = self.params();
        let supply_nxm = INxmToken::new(token).total_supply(self.vm(), Call::new())?;
        let mcr_eth = if with_mcr || ramm::needs_mcr(&state, &params) {
            ICapitalPool::new(pool).mcr(self.vm(), Call::new())?
        } else {
            U256::ZERO
        };
        let capital = Capital {
            capital_eth: self.vm().balance(pool),
            supply_nxm,
            mcr_eth,
        };
        let advanced = ramm::advance(&state, &capital, &params, self.vm().block_timestamp())
            .map_err(|e| capital_error(e, &capital))?;
        Ok((advanced, capital))
    }

    /// The swap of exactly one of `eth_in` and `nxm_in` on the state brought to now, with the
    /// circuit breaker and (for sales) the MCR checked; nothing stored.
    fn compute_swap(&self, eth_in: U256, nxm_in: U256) -> Result<Swap, RammError> {
        if eth_in.is_zero() == nxm_in.is_zero() {
            return Err(RammError::OneInputRequired(OneInputRequired {}));
        }
        let buying = nxm_in.is_zero();
        let (advanced, capital) = self.advance_to_now(!buying)?;
        let swapped = if buying {
            ramm::swap_eth_for_nxm(&advanced.state, eth_in)
        } else {
            ramm::swap_nxm_for_eth(&advanced.state, nxm_in)
        };
        let (after, amount_out) = swapped.map_err(|_| RammError::MathOverflow(MathOverflow {}))?;
        let (eth_released, nxm_released) = halves(self.word(RELEASED));
        let (eth_limit, nxm_limit) = halves(self.word(LIMITS));
        if buying && exceeds(nxm_released, amount_out, nxm_limit) {
            return Err(RammError::NxmCircuitBreakerHit(NxmCircuitBreakerHit {
                releasedNxm: nxm_released,
                amountNxm: amount_out,
                limitNxm: nxm_limit,
            }));
        }
        if !buying {
            if exceeds(eth_released, amount_out, eth_limit) {
                return Err(RammError::EthCircuitBreakerHit(EthCircuitBreakerHit {
                    releasedEth: eth_released,
                    amountEth: amount_out,
                    limitEth: eth_limit,
                }));
            }
            if capital_after_payout(capital.capital_eth, amount_out, capital.mcr_eth).is_none() {
                return Err(RammError::CapitalBelowMcr(CapitalBelowMcr {
                    amountEth: amount_out,
                    capitalAfterEth: capital.capital_eth.saturating_sub(amount_out),
                    mcrEth: capital.mcr_eth,
                }));
            }
        }
        Ok(Swap {
            advanced,
            after,
            amount_out,
        })
    }

    /// The internal price of an advanced state, the window starting at the stored (or just
    /// crossed) observation two boundaries back.
    fn internal_price(&self, advanced: &Advanced, capital: &Capital) -> Result<U256, RammError> {
        let start = ramm::window_start(advanced, &self.stored_observations(), &self.params());
        ramm::internal_price_wad(advanced, &start, capital).map_err(|e| capital_error(e, capital))
    }

    /// Stores `after` (the advanced state, possibly changed by a swap) and the observations the
    /// update crossed, and logs the update's liquidity move.
    fn store_advanced(&mut self, advanced: &Advanced, after: &RammState) -> Result<(), RammError> {
        self.store_state(after)?;
        for observation in advanced.observations.iter().flatten() {
            self.store_observation(observation)?;
        }
        if !advanced.eth_injected.is_zero() {
            self.emit(EthInjected::SIGNATURE_HASH, &[], &[advanced.eth_injected]);
        }
        if !advanced.eth_extracted.is_zero() {
            self.emit(EthExtracted::SIGNATURE_HASH, &[], &[advanced.eth_extracted]);
        }
        Ok(())
    }

    /// Writes the state's reserves, budget, time and cumulative prices.
    fn store_state(&mut self, state: &RammState) -> Result<(), RammError> {
        self.set_word(LIQUIDITY, join_halves(state.eth_reserve, state.budget_eth)?);
        self.set_word(
            RESERVES,
            join_halves(state.nxm_reserve_a, state.nxm_reserve_b)?,
        );
        self.set_word(
            CLOCK,
            pack_clock(&Observation {
                timestamp_secs: state.updated_at_secs,
                cumulative_a: state.cumulative_a,
                cumulative_b: state.cumulative_b,
            })?,
        );
        Ok(())
    }

    /// Writes one observation into its slot and logs it.
    fn store_observation(&mut self, observation: &Observation) -> Result<(), RammError> {
        let slot = ramm::observation_slot(observation.timestamp_secs, &self.params());
        let packed = pack_clock(observation)?;
        self.set_word(OBSERVATIONS + slot, packed);
        self.emit(
            ObservationUpdated::SIGNATURE_HASH,
            &[],
            &[
                U256::from(observation.timestamp_secs),
                observation.cumulative_a,
                observation.cumulative_b,
            ],
        );
        Ok(())
    }

    /// Writes the circuit-breaker limits and logs who set them.
    fn store_limits(&mut self, eth_limit: U256, nxm_limit: U256) -> Result<(), RammError> {
        self.set_word(LIMITS, join_halves(eth_limit, nxm_limit)?);
        self.emit(
            CircuitBreakerLimitsSet::SIGNATURE_HASH,
            &[self.vm().msg_sender()],
            &[eth_limit, nxm_limit],
        );
        Ok(())
    }

    /// Sets the swap pause and logs who set it.
    fn configure_swap_pause(&mut self, paused: bool) {
        self.swap_paused.set(paused);
        self.emit(
            SwapPauseConfigured::SIGNATURE_HASH,
            &[self.vm().msg_sender()],
            &[U256::from(paused)],
        );
    }

    /// Emits an event from its parts: its signature topic, its indexed addresses (in order) and
    /// its other fields as 32-byte words (in order). Every RAMM event has only static fields, so
    /// its ABI data is exactly those words; one routine serves all ten events where the SDK's
    /// typed `log` is instantiated once per event type (~500 bytes of WASM each). The tests
    /// decode every event with its `sol!` type, which pins the encoding.
    #[inline(never)]
    fn emit(&self, signature: B256, indexed: &[Address], words: &[U256]) {
        // raw_log fails only for more than four topics, which no event here has.
        let _ = self
            .vm()
            .raw_log(&topics(signature, indexed), &encode(&[], words));
    }

    /// Whether `account` holds an advisory-board seat (asked of membership; false before
    /// membership is set).
    fn is_board_member(&self, account: Address) -> Result<bool, RammError> {
        let membership = self.membership.get();
        if membership.is_zero() {
            return Ok(false);
        }
        Ok(IMembership::new(membership).is_advisory_board_member(
            self.vm(),
            Call::new(),
            account,
        )?)
    }

    /// Reverts with [`RammError::Unauthorized`] unless the caller is governance; returns it.
    fn only_governance(&self) -> Result<Address, RammError> {
        let (caller, governance) = (self.vm().msg_sender(), self.governance.get());
        if caller != governance {
            return Err(RammError::Unauthorized(Unauthorized { caller }));
        }
        Ok(governance)
    }
}

/// `(E, budget)`: the virtual ETH reserve both pools share and the ETH still available for
/// fast injection, in wei.
const LIQUIDITY: usize = 0;
/// `(Na, Nb)`: the virtual NXM reserves of pools A and B.
const RESERVES: usize = 1;
/// `(updated at, ∫ spot A dt, ∫ spot B dt)` up to the last update (cumulative prices in wad ×
/// seconds, modulo 2^112).
const CLOCK: usize = 2;
/// `(ETH released by sales, NXM released by buys)` since deployment, in wei.
const RELEASED: usize = 3;
/// `(ETH limit, NXM limit)` of the released amounts.
const LIMITS: usize = 4;
/// The three TWAP observations `(boundary, cumulative A, cumulative B)`, at
/// `OBSERVATIONS + (boundary / period) % 3`.
const OBSERVATIONS: usize = 5;

/// An address as an ABI word (left-padded).
fn word(account: Address) -> U256 {
    U256::from_be_slice(account.as_slice())
}

/// The low 128 bits of a word.
const LOW_128: U256 = U256::from_limbs([u64::MAX, u64::MAX, 0, 0]);
/// The low 112 bits of a word.
const LOW_112: U256 = U256::from_limbs([u64::MAX, (1 << 48) - 1, 0, 0]);

/// A slot's `(low, high)` 128-bit halves.
fn halves(word: U256) -> (U256, U256) {
    (word & LOW_128, word >> 128)
}

/// Two values below 2^128 in one slot, or [`RammError::MathOverflow`].
fn join_halves(low: U256, high: U256) -> Result<U256, RammError> {
    if low > LOW_128 || high > LOW_128 {
        return Err(RammError::MathOverflow(MathOverflow {}));
    }
    Ok(low | (high << 128))
}

/// A clock or observation slot: timestamp in bits 0–31, cumulative A in 32–143, B in 144–255.
fn unpack_clock(word: U256) -> Observation {
    Observation {
        timestamp_secs: word.as_limbs()[0] & u64::from(u32::MAX),
        cumulative_a: (word >> 32) & LOW_112,
        cumulative_b: word >> 144,
    }
}

/// Packs a clock or observation slot, or [`RammError::MathOverflow`] for a timestamp past 2106
/// or a cumulative price of 112 bits or more.
fn pack_clock(observation: &Observation) -> Result<U256, RammError> {
    let timestamp = U256::from(observation.timestamp_secs);
    if timestamp > U256::from(u32::MAX)
        || observation.cumulative_a > LOW_112
        || observation.cumulative_b > LOW_112
    {
        return Err(RammError::MathOverflow(MathOverflow {}));
    }
    Ok(timestamp | (observation.cumulative_a << 32) | (observation.cumulative_b << 144))
}

/// Whether `released + amount` passes `limit` (an overflowing sum does).
fn exceeds(released: U256, amount: U256, limit: U256) -> bool {
    released
        .checked_add(amount)
        .is_none_or(|total| total > limit)
}

/// Maps a refusal of the RAMM math: no supply or no capital leaves book value undefined; any
/// other refusal is a value outside the supported domain.
fn capital_error(error: MathError, capital: &Capital) -> RammError {
    match error {
        MathError::ZeroSupply | MathError::ZeroCapital => {
            RammError::BookValueUndefined(BookValueUndefined {
                capitalEth: capital.capital_eth,
                supplyNxm: capital.supply_nxm,
            })
        }
        _ => RammError::MathOverflow(MathOverflow {}),
    }
}

#[cfg(test)]
mod tests;
