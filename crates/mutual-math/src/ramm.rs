//! V2's Ratcheting AMM (protocol-reference §3b), the mutual's NXM market, every rounding in the
//! mutual's favour.
//!
//! Two virtual constant-product pools share one virtual ETH reserve `E`: pool A (buys, mints
//! NXM) with virtual NXM reserve `Na`, and pool B (sales, burns NXM) with `Nb`. The spot prices
//! are `spotA = E / Na` and `spotB = E / Nb`; book value is `BV = C / S` (capital-pool ETH over
//! NXM supply). Prices are reported in wad (`1e18 · E / N` wei per NXM), amounts in wei.
//!
//! # State update ([`advance`])
//! Before every swap or price read, with `t = now − updated_at`, `D = day_secs`, and the
//! capital `C`, supply `S` and MCR as of now:
//! 1. **Liquidity**, V2's formula and floors. If `E < target`: `T = ⌊budget·D / fast⌋`,
//!    `maxInj = C > mcr + target ? min(target − E, C − mcr − target) : 0`,
//!    `inj = t ≤ T ? min(⌊t·fast / D⌋, maxInj) : min(maxInj, ⌊T·fast / D⌋ + ⌊(t − T)·slow / D⌋)`;
//!    `E += inj`, `budget = max(budget − inj, 0)`. Otherwise `ext = min(⌊t·out / D⌋, E − target)`
//!    and `E −= ext`. The MCR is read only in the first case ([`needs_mcr`]).
//! 2. **Rescale** both virtual NXM reserves, `N1 = N · E_new / E_old`: liquidity moves no price.
//! 3. **Ratchet A** toward `(1 + buffer)·BV` from above, `r = ratchet_bps_per_day` of BV a day:
//!    `spotA(t) = max(spotA(0) − BV·r·t / D, (1 + buffer)·BV)`, `Na = E / spotA(t)`. A price
//!    already below its target (BV rose) jumps up to it.
//! 4. **Ratchet B** toward `(1 − buffer)·BV` from below, `spotB(t) = min(spotB(0) + BV·rB·t / D,
//!    (1 − buffer)·BV)`, `Nb = E / spotB(t)`, with `rB = fast_ratchet_bps_per_day` while the
//!    budget is non-zero, else `ratchet_bps_per_day`. A price above its target jumps down to it.
//! 5. **Cumulative prices**: `cumulative += ∫ spot(τ) dτ mod 2^112` (wad × seconds, rounded
//!    down) over `[updated_at, now]`, integrated analytically: on the ratchet the price is linear
//!    (the average of the endpoint prices times the time on the ratchet), then constant at the
//!    target (the target price times the remaining time). Liquidity changes move no price. The
//!    same integral gives the cumulative prices at every period boundary `k·P` the update crosses
//!    (`updated_at < k·P ≤ now`, the last three): the [`Observation`]s of the TWAP.
//!
//! # Swaps
//! On an advanced state, constant product, each rounding such that `k` never falls and the trader
//! never gets the extra wei (exactly rounded: one floor or ceiling of the exact value each):
//! * [`swap_eth_for_nxm`] (pool A): `E' = E + in`, `Na' = ⌈E·Na / E'⌉`, `out = Na − Na'`,
//!   `Nb' = ⌈Nb·E' / E⌉` (B's price unchanged, rounded down).
//! * [`swap_nxm_for_eth`] (pool B): `Nb' = Nb + in`, `E' = ⌈E·Nb / Nb'⌉`, `out = E − E'`,
//!   `Na' = ⌊Na·E' / E⌋` (A's price unchanged, rounded up).
//!
//! The contract's own rules (a sale may not take the capital below the MCR, circuit breakers,
//! minimum output, pause) stay in the contract.
//!
//! # TWAP and internal price
//! Three observation slots; an observation at time `ts` lives in slot `⌊ts / P⌋ mod 3`
//! ([`observation_slot`]). The window runs from the boundary `(⌊now / P⌋ − 2)·P`
//! ([`window_start`]) to now, `2P` to `3P` long. [`internal_price_wad`]: `avg = Δcumulative / Δt`
//! for each pool, `pA = min(avgA, spotA)`, `pB = max(avgB, spotB)`, and `ip = pA + pB − BV`
//! clamped to `[35 %, 300 %]` of BV (a negative sum gives 35 %).
//!
//! # Rounding
//! Swaps, spot prices, book value, launch and the liquidity step are exactly rounded. The price
//! paths (steps 2–5) and the internal price are computed on 512-bit intermediates
//! ([`crate::fixed`]'s `mul_div`) with every step rounded in the mutual's favour: the results
//! are never on the trader's side of the exact value and at most a few units from the exactly
//! rounded one (`scripts/precision-report.sh` measures both over 10 000 cases each):
//! * `Na ≤ ⌊exact⌋` and `Nb ≥ ⌈exact⌉`, at most 1 unit away whenever `N² < E·2^190` (`E` and
//!   `N` after the update: every reserve below `2^95` wei, 3.9·10^10 NXM, whatever `E`, and
//!   every reserve of the domain once `E ≥ 2^66` wei, 74 ETH); in general within
//!   `1 + N²/(E·2^190)` units (the resolution of a Q192 price);
//! * every cumulative price and observation: `⌊exact⌋ − 2 ≤ · ≤ ⌊exact⌋` (modulo `2^112`);
//! * the internal price: `⌊exact⌋ − 2 ≤ · ≤ ⌊exact⌋`.
//!
//! # Decisions
//! Where §3b leaves room, or where V2's code and the exact rule differ:
//! * **The ratchet's rule.** The `max`/`min` form above, i.e. `Na = min(Na_linear, Na_pinned)` and
//!   `Nb = max(Nb_linear, Nb_pinned)`. V2 pins A when `Cb·N1·(1 + r·t/D) > E·S`, which compares
//!   with a drop of `(1 + buffer)·BV·r` a day instead of `BV·r` and so pins slightly early; here
//!   the price follows the line until it meets its target.
//! * **B's speed** is chosen by the budget at the *start* of the interval, before this update's
//!   injection: the update that spends the last of the budget still ratchets B fast throughout,
//!   the next one at the normal speed. So the price path of an interval is known in advance.
//! * **Prices in Q192.** Steps 2–4 carry each pool's price in ETH per NXM as the integer
//!   `p·2^192` (below `2^256`: prices are below `2^64`, see *Domain*), rounded up for A and down
//!   for B: the price before the update `⌈E_old·2^192 / Na⌉` / `⌊E_old·2^192 / Nb⌋`, the target
//!   `⌈C·(10^4 + buffer)·2^192 / (S·10^4)⌉` / `⌊C·(10^4 − buffer)·2^192 / (S·10^4)⌋`, and the
//!   movement after `τ` seconds `⌊C·r·τ·2^192 / (S·10^4·D)⌋`, computed from `τ` each time (never
//!   `τ` times a rounded slope); a price at or past its target before the update is set to the
//!   target (the jump). So A's price is never below its exact path (and less than `2^-191`
//!   above it) and B's never above. The new reserve is `Na = ⌊E_new·2^192 / pA⌋`,
//!   `Nb = ⌈E_new·2^192 / pB⌉`: the rescale of step 2 needs no rounding of its own. A price that
//!   has not moved (no time, or a speed too slow to move it by `2^-192`) and lies strictly inside
//!   its band keeps its exact ratio instead: `Na = ⌊Na·E_new / E_old⌋`, `Nb = ⌈Nb·E_new /
//!   E_old⌉`, so an advance without time changes no reserve.
//! * **Jumps at `t = 0`.** The `max`/`min` apply at `t = 0` too: every advance leaves
//!   `spotB ≤ (1 − buffer)·BV ≤ (1 + buffer)·BV ≤ spotA` for the capital and supply it was
//!   given (the contract advances with the capital after the previous swap), exactly: the Q192
//!   targets are rounded outward and the reserves away from them. This is what makes a buy
//!   followed by a sale a loss for the trader, whatever happens between.
//! * **Cumulative prices** integrate the Q192 path: with `gap` the distance from the price
//!   before the update to its target, the time on the ratchet is `τ = t` while the price at `t`
//!   is on its line short of the target, else `τ = ⌊gap·S·10^4·D·2^128 / (C·r·2^192)⌋·2^-128` s (the instant it meets
//!   the target, rounded down to `2^-128` s, not to whole seconds: a whole-second kink would be
//!   off by up to a second of ratchet movement); the integral is `(p0 + p1)/2·τ + pT·(t − τ)`
//!   (`p1` the price at `τ`, `pT` the target), carried in `2^-128` ETH per NXM × seconds,
//!   brought to wad × seconds with a floor and lowered by one unit. The unit covers A's path
//!   lying up to `2^-191` above the exact one and the `2^-128` s rounding of `τ` (together below
//!   `2^-4` units), so a cumulative price is never above the floor of the exact integral and at
//!   most 2 units below it. Once per update, and once per observation, both measured from
//!   `updated_at`: an observation and the cumulative price at `now` follow the same path.
//! * **A clock that goes back** (`now < updated_at`) counts as `t = 0`; `updated_at` keeps its
//!   value, so no interval is ever integrated twice and no boundary is crossed twice.
//! * **Observations** come aligned: [`Advanced::observations`]`[i]` is the boundary
//!   `(⌊now / P⌋ − 2 + i)·P` if this update crossed it, else `None` (so `None`s come first).
//!   Storing each at its [`observation_slot`] keeps the slots holding the last three boundaries,
//!   which is what [`window_start`] relies on.
//! * **Zero input** swaps give zero output and the state unchanged (the formulas say so; no
//!   special case). The contract refuses empty swaps itself.
//! * **Reserves never reach zero in a swap**: a buy leaves `Na' ≥ 1` and a sale `E' ≥ 1` (the
//!   ceilings); a sale so large that `Na'` would round to 0 fails with
//!   [`MathError::ReserveExhausted`].
//! * **Internal price**: the minimum and the maximum are taken on the floors of the four wad
//!   prices (`⌊Δcumulative / Δt⌋`, `⌊1e18·E / N⌋`; the floor of a minimum is the minimum of the
//!   floors), book value is rounded up (`⌈1e18·C / S⌉`) and the clamp bounds down: the result is
//!   never above the floor of the exact rule on the given cumulative prices, and at most 2 units
//!   below it. A window of zero length (impossible after [`launch`]) uses the spot prices.
//! * **Launch** rounds `Na` down and `Nb` up (the pool's prices are at least / at most the ones
//!   given) and seeds the observations with the given wad prices exactly, so a window that
//!   starts at any of them averages exactly those prices up to `now`.
//! * **Zero capital** fails with [`MathError::ZeroCapital`] (B's target price 0 would need an
//!   infinite reserve); zero supply with [`MathError::ZeroSupply`].
//! * **Wrapping**: cumulative prices are kept modulo `2^112` like V2's `uint112` observations;
//!   averages are right while the true difference stays below `2^112` wad·s, i.e. while the
//!   average price over a 9-day window is below 6.6·10^9 ETH per NXM.
//!
//! # Domain, and why nothing overflows
//! Supported: every amount (`E`, `Na`, `Nb`, budget, capital, supply, MCR, target liquidity,
//! the three liquidity speeds, swap inputs) below `2^128` wei (3.4·10^20 ETH or NXM; the
//! contract stores them in 128 bits), reserves at least 1 wei; `price_buffer_bps < 10 000`,
//! ratchet speeds below `2^32` bps a day, `fast_liquidity_in_eth_per_day ≥ 1`, target
//! liquidity `≥ 1`; `1 ≤ day_secs < 2^40`, `twap_period_secs ≥ 1`, `t < 2^40` seconds; and for
//! [`advance`] the spot prices `E / Na`, `E / Nb` and A's target `(1 + buffer)·BV` below `2^64`
//! ETH per NXM (1.8·10^19; precisely: their Q192 values, rounded as below, below `2^256 − 1`). Inputs outside fail
//! with [`MathError::OutOfRange`] (zero reserves with `ReserveExhausted`, zero supply / capital
//! as above), and so does a *result* state outside it (a reserve of `2^128` or more after a
//! ratchet to a tiny book value, or after a swap): every reserve and amount these functions
//! return is again inside (a swap may leave a price of `2^64` or more, which the next advance
//! refuses). No lower bound on prices is needed: tiny prices only widen the reserves' bound
//! above. The TWAP's inexactness is at most 2 units per update: an average over a window of
//! `W` seconds holding `n` updates is within `2n / W` wad of the exact path's, e.g. below
//! `4·10^-15` relative for `n = 1` and any price of at least 1e-9 ETH over a 6-day window.
//!
//! Inside the domain no intermediate overflows the 512 bits of `mul_div`'s product or the 256
//! bits of its quotient. Q192 prices, targets and gaps are below `2^256` (the price bound);
//! `M = S·10^4·D < 2^182` and `speed = C·r < 2^160`. The movement `speed·τ·2^192 < 2^392`
//! over `M` (a quotient of `2^256` or more saturates: the price is then past its target). A
//! target `C·q·2^192 < 2^335` over `S·10^4`. A reserve `E_new·2^192 < 2^320` over the price. The
//! time on the ratchet `gap·M < 2^438` over `speed·2^64 < 2^224` is `τ·2^128 < t·2^128 < 2^168`
//! (it is computed only when the price passed its target before `t`). The integral's terms
//! `p·τ·2^128 < 2^424` over `2^193` are below `2^231`, their sum below `2^233`, times `1e18`
//! below `2^293` over `2^128`; an integral is below `2^164` wad·s. The liquidity step, the
//! swaps and the internal price divide products below `2^257`.
//!
//! # Code size
//! The RAMM contract carries all of this, so it is written for WASM size: one `mul_div` on
//! 512-bit intermediates for every quotient (the crate's `wide`; no wider arithmetic), both
//! pools through one routine parameterised by direction (`Pool::ratchet`), both swaps through
//! one (`swap`), amounts in `u128` where they stay below `2^128` (the liquidity step and the
//! swaps: native 64-bit pairs instead of 256-bit values in memory), 256-bit operands passed by
//! reference, and errors carried as a one-byte `Fail` until the public function returns.

use alloy_primitives::U256;

use crate::{
    fixed::{mul_div_down, mul_div_up, BPS, WAD},
    wide::{self, add_sub},
    MathError,
};

/// The internal price is at least 35 % of book value.
pub const INTERNAL_PRICE_MIN_BPS: U256 = U256::from_limbs([3_500, 0, 0, 0]);
/// The internal price is at most 300 % of book value.
pub const INTERNAL_PRICE_MAX_BPS: U256 = U256::from_limbs([30_000, 0, 0, 0]);
/// `2^128`: amounts and reserves are below it (the domain); also one second in Q128 seconds.
const AMOUNT_LIMIT: U256 = U256::from_limbs([0, 0, 1, 0]);
/// `2^192`: 1 ETH per NXM in the Q192 prices of the price paths.
const Q192: U256 = U256::from_limbs([0, 0, 0, 1]);
/// `2^193`.
const Q193: U256 = U256::from_limbs([0, 0, 0, 2]);
/// Elapsed times and the day length are below `2^40` seconds (the domain).
const TIME_LIMIT_SECS: u64 = 1 << 40;
/// 1.
const ONE: U256 = U256::from_limbs([1, 0, 0, 0]);
/// The internal price's bounds in wad per unit of book value: 35 % and 300 % of 1e18.
const INTERNAL_PRICE_MIN_WAD: U256 = U256::from_limbs([350_000_000_000_000_000, 0, 0, 0]);
const INTERNAL_PRICE_MAX_WAD: U256 = U256::from_limbs([3_000_000_000_000_000_000, 0, 0, 0]);

/// Why a RAMM computation failed, until it becomes a [`MathError`] once, at the public function:
/// a byte, where a `MathError` result carries 64 bytes (`RatioTooHigh`'s two `U256`) that every
/// `?` would copy. The discriminants are `MathError`'s.
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
enum Fail {
    ZeroSupply = 3,
    ZeroCapital = 4,
    ReserveExhausted = 5,
    OutOfRange = 6,
}

impl From<Fail> for MathError {
    fn from(fail: Fail) -> Self {
        match fail {
            Fail::OutOfRange => MathError::OutOfRange,
            Fail::ReserveExhausted => MathError::ReserveExhausted,
            Fail::ZeroSupply => MathError::ZeroSupply,
            Fail::ZeroCapital => MathError::ZeroCapital,
        }
    }
}

/// A RAMM computation's result.
type R<T> = Result<T, Fail>;

const fn eth(x: u64) -> U256 {
    // x * 1e18 < 2^128 for every x used below.
    let wei = x as u128 * 1_000_000_000_000_000_000;
    U256::from_limbs([wei as u64, (wei >> 64) as u64, 0, 0])
}

/// Deployment constants of the RAMM. The time constants are parameters so that devnet profiles
/// can shorten them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RammParams {
    /// `E` the liquidity steers toward: 5 000 ETH at launch.
    pub target_liquidity_eth: U256,
    /// Extraction while `E > target`: 100 ETH a day (V2's `LIQ_SPEED_A`).
    pub liquidity_out_eth_per_day: U256,
    /// Slow injection once the budget is spent: 100 ETH a day (V2's `LIQ_SPEED_B`).
    pub liquidity_in_eth_per_day: U256,
    /// Injection while the budget lasts: 1 500 ETH a day.
    pub fast_liquidity_in_eth_per_day: U256,
    /// A ratchets toward `BV·(1 + buffer)`, B toward `BV·(1 − buffer)`: 100 bps.
    pub price_buffer_bps: U256,
    /// Ratchet speed in bps of BV a day: A always, B once the budget is spent. 400.
    pub ratchet_bps_per_day: U256,
    /// B's ratchet speed while the budget is non-zero: 5 000 bps of BV a day.
    pub fast_ratchet_bps_per_day: U256,
    /// Length of a "day" in the speeds above: 86 400 s.
    pub day_secs: u64,
    /// TWAP period `P` (three observations): 3 days.
    pub twap_period_secs: u64,
}

impl RammParams {
    /// §3b's launch values.
    pub const LAUNCH: RammParams = RammParams {
        target_liquidity_eth: eth(5_000),
        liquidity_out_eth_per_day: eth(100),
        liquidity_in_eth_per_day: eth(100),
        fast_liquidity_in_eth_per_day: eth(1_500),
        price_buffer_bps: U256::from_limbs([100, 0, 0, 0]),
        ratchet_bps_per_day: U256::from_limbs([400, 0, 0, 0]),
        fast_ratchet_bps_per_day: U256::from_limbs([5_000, 0, 0, 0]),
        day_secs: 86_400,
        twap_period_secs: 3 * 86_400,
    };

    /// [`RammParams::LAUNCH`] with a day of `day_secs` seconds and a TWAP period of three such
    /// days (saturating; a zero day is refused by every function that uses the parameters).
    pub const fn with_day_secs(day_secs: u64) -> RammParams {
        // A copy of the constant and two stores, rather than a store per limb.
        let mut params = RammParams::LAUNCH;
        params.day_secs = day_secs;
        // Saturating, without the 128-bit product `saturating_mul` makes.
        params.twap_period_secs = if day_secs > u64::MAX / 3 {
            u64::MAX
        } else {
            day_secs * 3
        };
        params
    }

    /// Checks the parameters against the domain (module docs).
    fn check(&self) -> R<()> {
        check_amounts(
            &[
                &self.target_liquidity_eth,
                &self.fast_liquidity_in_eth_per_day,
                &self.liquidity_out_eth_per_day,
                &self.liquidity_in_eth_per_day,
            ],
            2,
            Fail::OutOfRange,
        )?;
        let in_range = self.price_buffer_bps < BPS
            && fits(&self.ratchet_bps_per_day, 32)
            && fits(&self.fast_ratchet_bps_per_day, 32)
            && self.day_secs != 0
            && self.day_secs < TIME_LIMIT_SECS
            && self.twap_period_secs != 0;
        in_range.then_some(()).ok_or(Fail::OutOfRange)
    }
}

/// The RAMM's stored state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RammState {
    /// `E`, the virtual ETH reserve both pools share, in wei.
    pub eth_reserve: U256,
    /// `Na`, pool A's virtual NXM reserve, in NXM wei.
    pub nxm_reserve_a: U256,
    /// `Nb`, pool B's virtual NXM reserve, in NXM wei.
    pub nxm_reserve_b: U256,
    /// The remaining injection budget, in wei.
    pub budget_eth: U256,
    /// When the state was last advanced.
    pub updated_at_secs: u64,
    /// `∫ spotA dt` up to `updated_at`, in wad (wei per NXM) × seconds, modulo `2^112`.
    pub cumulative_a: U256,
    /// `∫ spotB dt` up to `updated_at`, in wad × seconds, modulo `2^112`.
    pub cumulative_b: U256,
}

/// What the RAMM reads from the rest of the protocol at each update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capital {
    /// `C`: the capital pool's ETH, in wei.
    pub capital_eth: U256,
    /// `S`: the NXM supply, in NXM wei.
    pub supply_nxm: U256,
    /// The MCR, in wei; read only when [`needs_mcr`] says so (any value otherwise).
    pub mcr_eth: U256,
}

/// The cumulative prices at one instant (a TWAP observation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    /// The instant (a period boundary `k·P`).
    pub timestamp_secs: u64,
    /// `∫ spotA dt` up to the instant, wad × seconds, modulo `2^112`.
    pub cumulative_a: U256,
    /// `∫ spotB dt` up to the instant, wad × seconds, modulo `2^112`.
    pub cumulative_b: U256,
}

/// The result of [`advance`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advanced {
    /// The state advanced to `now` (its `updated_at_secs` is `max(now, old updated_at)`).
    pub state: RammState,
    /// ETH injected into `E` by this update, in wei.
    pub eth_injected: U256,
    /// ETH extracted from `E` by this update, in wei.
    pub eth_extracted: U256,
    /// Observations at every period boundary `k·P` with old `updated_at < k·P <= now`, only the
    /// last three, oldest first and aligned: entry `i` is the boundary `(⌊now / P⌋ − 2 + i)·P`
    /// if this update crossed it, else `None`.
    pub observations: [Option<Observation>; 3],
}

/// Book value `⌊C·1e18 / S⌋`, in wad (wei per NXM), rounded down.
///
/// # Errors
/// [`MathError::ZeroSupply`] if `supply_nxm == 0`; [`MathError::Overflow`] if the result exceeds
/// `U256::MAX`.
pub fn book_value_wad(capital_eth: U256, supply_nxm: U256) -> Result<U256, MathError> {
    if supply_nxm.is_zero() {
        return Err(MathError::ZeroSupply);
    }
    mul_div_down(capital_eth, WAD, supply_nxm)
}

/// Whether the update reads the MCR: true iff `E < target` (injection, step 1); only then is
/// [`Capital::mcr_eth`] used.
pub fn needs_mcr(state: &RammState, params: &RammParams) -> bool {
    state.eth_reserve < params.target_liquidity_eth
}

/// Brings `state` to `now_secs` under `capital` (as of now): liquidity injection or extraction,
/// both ratchets, the cumulative prices and the observations crossed (module docs, steps 1–5).
///
/// Rounding (module docs, *Rounding*): the liquidity step floors each term (V2's formula), `Na`
/// is at most and `Nb` at least the exact value (within 1 unit of its floor / ceiling inside the
/// documented bound), the cumulative prices are at most the floors of the exact integrals and
/// at most 2 units below them (modulo `2^112`). `now_secs < updated_at` counts as no time.
///
/// # Errors
/// [`MathError::ZeroSupply`], [`MathError::ZeroCapital`]; [`MathError::ReserveExhausted`] for a
/// state with a zero reserve or a result whose `Na` would round to zero (A's target price above
/// `E` per NXM wei); [`MathError::OutOfRange`] for inputs, prices or a result outside the domain
/// (module docs).
pub fn advance(
    state: &RammState,
    capital: &Capital,
    params: &RammParams,
    now_secs: u64,
) -> Result<Advanced, MathError> {
    advance_in_range(state, capital, params, now_secs).map_err(MathError::from)
}

/// [`advance`], with the RAMM's own errors (one conversion for all of them).
fn advance_in_range(
    state: &RammState,
    capital: &Capital,
    params: &RammParams,
    now_secs: u64,
) -> R<Advanced> {
    params.check()?;
    check_state(state)?;
    check_capital(capital)?;
    let (eth_old, budget, capital_eth) = (
        low(&state.eth_reserve),
        low(&state.budget_eth),
        low(&capital.capital_eth),
    );
    if capital_eth == 0 {
        return Err(Fail::ZeroCapital);
    }
    let updated_at = state.updated_at_secs;
    let now_secs = now_secs.max(updated_at);
    let elapsed_secs = now_secs - updated_at;
    if elapsed_secs >= TIME_LIMIT_SECS {
        return Err(Fail::OutOfRange);
    }
    let day = u128::from(params.day_secs);
    // The parameters' amounts are below 2^128 (checked).
    let target = low(&params.target_liquidity_eth);

    // 1. Liquidity: every product over the day saturates at 2^128 − 1, then meets its minimum.
    let (mut injected, mut extracted) = (0, 0);
    if eth_old < target {
        let mcr = amount(&capital.mcr_eth)?;
        // max(C − mcr − target, 0).
        let room = capital_eth.saturating_sub(mcr).saturating_sub(target);
        let fast = low(&params.fast_liquidity_in_eth_per_day);
        // T: how long the budget lasts at the fast speed; min(t, T) seconds are fast.
        let fast_secs = match mul_div_u128(budget, day, fast, false) {
            Some(secs) if secs < u128::from(elapsed_secs) => secs as u64,
            _ => elapsed_secs,
        };
        let slow = low(&params.liquidity_in_eth_per_day);
        let by_time = liquidity(fast_secs, fast, day).saturating_add(liquidity(
            elapsed_secs - fast_secs,
            slow,
            day,
        ));
        injected = by_time.min(target - eth_old).min(room);
    } else {
        let out = low(&params.liquidity_out_eth_per_day);
        extracted = liquidity(elapsed_secs, out, day).min(eth_old - target);
    }
    // Below 2^128: E + inj <= target.
    let eth_new = eth_old + injected - extracted;

    // 2–5. Both pools, each one Q192 price path: the new reserve and the cumulative price now
    // (`secs[0]`) and at each boundary crossed (`secs[1 + i]`, aligned with the observations).
    let period = params.twap_period_secs;
    let last_boundary = now_secs / period;
    let mut secs = [elapsed_secs, 0, 0, 0];
    let mut observations = [None; 3];
    for (i, entry) in observations.iter_mut().enumerate() {
        // k·P <= now: no overflow; k < 0 is no boundary.
        if let Some(k) = (last_boundary + i as u64).checked_sub(2) {
            let timestamp_secs = k * period;
            if timestamp_secs > updated_at {
                secs[i + 1] = timestamp_secs - updated_at;
                *entry = Some(Observation {
                    timestamp_secs,
                    cumulative_a: U256::ZERO,
                    cumulative_b: U256::ZERO,
                });
            }
        }
    }
    let mut advanced = Advanced {
        state: RammState {
            eth_reserve: wide(eth_new),
            nxm_reserve_a: U256::ZERO,
            nxm_reserve_b: U256::ZERO,
            budget_eth: wide(budget.saturating_sub(injected)),
            updated_at_secs: now_secs,
            cumulative_a: U256::ZERO,
            cumulative_b: U256::ZERO,
        },
        eth_injected: wide(injected),
        eth_extracted: wide(extracted),
        observations,
    };
    let supply_bps = mul(&capital.supply_nxm, &BPS);
    let pool = Pool {
        state,
        capital_eth: &capital.capital_eth,
        scale: mul(&supply_bps, &wide(day)),
        supply_bps,
        secs,
    };
    let buffer = &params.price_buffer_bps;
    pool.ratchet(
        true,
        &add_sub(&BPS, buffer, false),
        &params.ratchet_bps_per_day,
        &mut advanced,
    )?;
    // B's speed follows the budget at the start of the interval.
    let speed_b = if budget == 0 {
        &params.ratchet_bps_per_day
    } else {
        &params.fast_ratchet_bps_per_day
    };
    pool.ratchet(false, &add_sub(&BPS, buffer, true), speed_b, &mut advanced)?;
    Ok(advanced)
}

/// A buy in pool A: `E' = E + eth_in`, `Na' = ⌈E·Na / E'⌉`, NXM out `Na − Na'` (rounded down:
/// `⌊Na·eth_in / E'⌋`), `Nb' = ⌈Nb·E' / E⌉` (B's price unchanged, rounded down). `E·Na` never
/// falls. Returns the new state and the NXM out; a zero input gives zero out, state unchanged.
/// Meant for a state just [`advance`]d.
///
/// # Errors
/// [`MathError::ReserveExhausted`] for a zero reserve; [`MathError::OutOfRange`] for an input,
/// state or result outside the domain (module docs).
pub fn swap_eth_for_nxm(state: &RammState, eth_in: U256) -> Result<(RammState, U256), MathError> {
    swap(state, &eth_in, true).map_err(MathError::from)
}

/// A sale in pool B: `Nb' = Nb + nxm_in`, `E' = ⌈E·Nb / Nb'⌉`, ETH out `E − E'` (rounded down:
/// `⌊E·nxm_in / Nb'⌋`), `Na' = ⌊Na·E' / E⌋` (A's price unchanged, rounded up). `E·Nb` never
/// falls and `E' ≥ 1`. Returns the new state and the ETH out; a zero input gives zero out, state
/// unchanged. Meant for a state just [`advance`]d.
///
/// # Errors
/// [`MathError::ReserveExhausted`] for a zero reserve, or a sale so large that `Na'` would be 0;
/// [`MathError::OutOfRange`] for an input, state or result outside the domain (module docs).
pub fn swap_nxm_for_eth(state: &RammState, nxm_in: U256) -> Result<(RammState, U256), MathError> {
    swap(state, &nxm_in, false).map_err(MathError::from)
}

/// Both swaps: the pool's `into` reserve (`E` for a buy, `Nb` for a sale) receives the input,
/// its `from` reserve (`Na`, `E`) pays `from − ⌈into·from / (into + in)⌉`, and the other pool's
/// NXM reserve keeps its price, `N·E' / E` rounded for the mutual (up for `Nb`, down for `Na`).
#[inline(never)]
fn swap(state: &RammState, amount_in: &U256, buy: bool) -> R<(RammState, U256)> {
    check_state(state)?;
    let amount_in = amount(amount_in)?;
    let (eth, nxm_a, nxm_b) = (
        low(&state.eth_reserve),
        low(&state.nxm_reserve_a),
        low(&state.nxm_reserve_b),
    );
    let (into, from, other) = if buy {
        (eth, nxm_a, nxm_b)
    } else {
        (nxm_b, eth, nxm_a)
    };
    let into_after = into.checked_add(amount_in).ok_or(Fail::OutOfRange)?;
    // At most `from` (into <= into_after) and at least 1 (a ceiling of a positive value).
    let from_after = mul_div_u128(into, from, into_after, true).ok_or(Fail::OutOfRange)?;
    let eth_after = if buy { into_after } else { from_after };
    let other_after = mul_div_u128(other, eth_after, eth, buy).ok_or(Fail::OutOfRange)?;
    if other_after == 0 {
        return Err(Fail::ReserveExhausted);
    }
    let (nxm_a, nxm_b) = if buy {
        (from_after, other_after)
    } else {
        (other_after, into_after)
    };
    Ok((
        RammState {
            eth_reserve: wide(eth_after),
            nxm_reserve_a: wide(nxm_a),
            nxm_reserve_b: wide(nxm_b),
            ..*state
        },
        wide(from - from_after),
    ))
}

/// The buy price `⌈E·1e18 / Na⌉` in wad (wei per NXM), rounded up: never understated.
///
/// # Errors
/// [`MathError::ReserveExhausted`] if `Na == 0`; [`MathError::Overflow`] if the result exceeds
/// `U256::MAX`.
pub fn spot_price_a_wad(state: &RammState) -> Result<U256, MathError> {
    if state.nxm_reserve_a.is_zero() {
        return Err(MathError::ReserveExhausted);
    }
    mul_div_up(state.eth_reserve, WAD, state.nxm_reserve_a)
}

/// The sell price `⌊E·1e18 / Nb⌋` in wad (wei per NXM), rounded down: never overstated.
///
/// # Errors
/// [`MathError::ReserveExhausted`] if `Nb == 0`; [`MathError::Overflow`] if the result exceeds
/// `U256::MAX`.
pub fn spot_price_b_wad(state: &RammState) -> Result<U256, MathError> {
    if state.nxm_reserve_b.is_zero() {
        return Err(MathError::ReserveExhausted);
    }
    mul_div_down(state.eth_reserve, WAD, state.nxm_reserve_b)
}

/// The observation slot of an instant: `⌊timestamp / P⌋ mod 3` (slot 0 for a zero period, which
/// [`advance`] refuses).
pub fn observation_slot(timestamp_secs: u64, params: &RammParams) -> usize {
    (timestamp_secs
        .checked_div(params.twap_period_secs)
        .unwrap_or(0)
        % 3) as usize
}

/// The launch state and the three observations to store: `E = eth_reserve`, the budget,
/// `Na = ⌊E·1e18 / spot_a_wad⌋` and `Nb = ⌈E·1e18 / spot_b_wad⌉` (rounded so the pool's prices
/// are at least `spot_a_wad` and at most `spot_b_wad`), `updated_at = now` with both cumulative
/// prices 0; and the observations of the last three boundaries `k·P <= now`, oldest first,
/// seeded as if the given prices had held: `cumulative = −spot·(now − k·P) mod 2^112`.
///
/// # Errors
/// [`MathError::OutOfRange`] for a zero price, `now < 2P` (fewer than three boundaries), or
/// parameters, amounts or reserves outside the domain (module docs);
/// [`MathError::ReserveExhausted`] if `E` is zero or `spot_a_wad > E·1e18` (`Na` would be 0).
pub fn launch(
    eth_reserve: U256,
    budget_eth: U256,
    spot_a_wad: U256,
    spot_b_wad: U256,
    params: &RammParams,
    now_secs: u64,
) -> Result<(RammState, [Observation; 3]), MathError> {
    launch_in_range(
        &eth_reserve,
        &budget_eth,
        &spot_a_wad,
        &spot_b_wad,
        params,
        now_secs,
    )
    .map_err(MathError::from)
}

/// [`launch`], with the RAMM's own errors.
fn launch_in_range(
    eth_reserve: &U256,
    budget_eth: &U256,
    spot_a_wad: &U256,
    spot_b_wad: &U256,
    params: &RammParams,
    now_secs: u64,
) -> R<(RammState, [Observation; 3])> {
    params.check()?;
    amount(eth_reserve)?;
    if spot_a_wad.is_zero() || spot_b_wad.is_zero() {
        return Err(Fail::OutOfRange);
    }
    let state = RammState {
        eth_reserve: *eth_reserve,
        nxm_reserve_a: mul_div(eth_reserve, &WAD, spot_a_wad, false),
        nxm_reserve_b: mul_div(eth_reserve, &WAD, spot_b_wad, true),
        budget_eth: *budget_eth,
        updated_at_secs: now_secs,
        cumulative_a: U256::ZERO,
        cumulative_b: U256::ZERO,
    };
    check_state(&state)?;
    let period = params.twap_period_secs;
    let last_boundary = now_secs / period;
    if last_boundary < 2 {
        return Err(Fail::OutOfRange);
    }
    let mut observations = [Observation {
        timestamp_secs: 0,
        cumulative_a: U256::ZERO,
        cumulative_b: U256::ZERO,
    }; 3];
    let mut timestamp_secs = (last_boundary - 2) * period;
    for observation in &mut observations {
        // (last − 2 + i)·P <= now: no overflow.
        let held = wide(u128::from(now_secs - timestamp_secs));
        observation.timestamp_secs = timestamp_secs;
        seed(&mut observation.cumulative_a, spot_a_wad, &held);
        seed(&mut observation.cumulative_b, spot_b_wad, &held);
        timestamp_secs += period;
    }
    Ok((state, observations))
}

/// The observation the TWAP window starts at: the boundary `(⌊now / P⌋ − 2)·P` (`now` =
/// `advanced.state.updated_at_secs`), taken from `advanced.observations` if the update just
/// crossed it, else from `stored[observation_slot(boundary)]` (which holds it as long as every
/// crossed observation was stored).
pub fn window_start(
    advanced: &Advanced,
    stored: &[Observation; 3],
    params: &RammParams,
) -> Observation {
    if let Some(just_crossed) = advanced.observations[0] {
        return just_crossed;
    }
    let now_secs = advanced.state.updated_at_secs;
    let period = params.twap_period_secs;
    // At most ⌊now / P⌋·P <= now: the product does not overflow.
    let boundary = now_secs.checked_div(period).unwrap_or(0).saturating_sub(2) * period;
    stored[observation_slot(boundary, params)]
}

/// The internal price in wad (wei per NXM), rounded down: with `Δt = now − start` (`now` =
/// `advanced.state.updated_at_secs`), `avgA = ((cumA_now − cumA_start) mod 2^112) / Δt` and
/// likewise `avgB`, `pA = min(avgA, E·1e18 / Na)`, `pB = max(avgB, E·1e18 / Nb)`, `BV =
/// C·1e18 / S`, the result is `clamp(pA + pB − BV, 35 %·BV, 300 %·BV)` (a negative sum gives
/// the lower bound) with the four prices rounded down and `BV` up: never above the floor of the
/// exact value and at most 2 units below it (module docs). A window of zero length uses the
/// spot prices.
///
/// # Errors
/// [`MathError::ZeroSupply`]; [`MathError::ReserveExhausted`] for a zero reserve;
/// [`MathError::OutOfRange`] for a state or capital outside the domain (module docs).
pub fn internal_price_wad(
    advanced: &Advanced,
    window_start: &Observation,
    capital: &Capital,
) -> Result<U256, MathError> {
    internal_price_in_range(advanced, window_start, capital).map_err(MathError::from)
}

/// [`internal_price_wad`], with the RAMM's own errors.
fn internal_price_in_range(
    advanced: &Advanced,
    window_start: &Observation,
    capital: &Capital,
) -> R<U256> {
    let state = &advanced.state;
    check_state(state)?;
    check_capital(capital)?;
    let window = state
        .updated_at_secs
        .saturating_sub(window_start.timestamp_secs);
    let spot_a = mul_div(&state.eth_reserve, &WAD, &state.nxm_reserve_a, false);
    let spot_b = mul_div(&state.eth_reserve, &WAD, &state.nxm_reserve_b, false);
    // A zero window divides by zero: the averages saturate, so the minimum takes spot A; B's
    // maximum must skip its average explicitly.
    let window = wide(u128::from(window));
    let average_a = mul_div(
        &modulo_2_112(&state.cumulative_a, &window_start.cumulative_a, true),
        &ONE,
        &window,
        false,
    );
    let average_b = mul_div(
        &modulo_2_112(&state.cumulative_b, &window_start.cumulative_b, true),
        &ONE,
        &window,
        false,
    );
    let price_a = if average_a < spot_a {
        &average_a
    } else {
        &spot_a
    };
    let price_b = if average_b > spot_b && !window.is_zero() {
        &average_b
    } else {
        &spot_b
    };
    let (capital_eth, supply) = (&capital.capital_eth, &capital.supply_nxm);
    let book_wad = mul_div(capital_eth, &WAD, supply, true);
    let low_wad = mul_div(capital_eth, &INTERNAL_PRICE_MIN_WAD, supply, false);
    let high_wad = mul_div(capital_eth, &INTERNAL_PRICE_MAX_WAD, supply, false);
    // Spot prices are below 2^188 and averages below 2^112: the sum does not wrap.
    let sum = add_sub(price_a, price_b, false);
    let excess = add_sub(&sum, &book_wad, true);
    let price = if sum < book_wad || excess < low_wad {
        &low_wad
    } else if excess > high_wad {
        &high_wad
    } else {
        &excess
    };
    Ok(*price)
}

/// `a·b / d` rounded down (or up if `up`), saturating at `U256::MAX` (for a zero `d` too): every
/// caller in this module either never exceeds the domain's bounds or treats `U256::MAX` as
/// beyond them.
#[inline(never)]
fn mul_div(a: &U256, b: &U256, d: &U256, up: bool) -> U256 {
    let mut q = U256::MAX;
    wide::mul_div(&mut q, a, b, d, up);
    q
}

/// [`mul_div`] on amounts, `None` if the result is `2^128` or more.
#[inline(never)]
fn mul_div_u128(a: u128, b: u128, d: u128, up: bool) -> Option<u128> {
    let q = mul_div(&wide(a), &wide(b), &wide(d), up);
    fits(&q, 128).then(|| low(&q))
}

/// A liquidity speed's share of a day: `⌊secs·speed_per_day / day⌋`, saturating at `2^128 − 1`.
fn liquidity(secs: u64, speed_per_day: u128, day: u128) -> u128 {
    mul_div_u128(u128::from(secs), speed_per_day, day, false).unwrap_or(u128::MAX)
}

/// `a·b`, for products the domain keeps below `2^256` (through [`mul_div`] over 1: one
/// arithmetic routine fewer in the contract, for a division by one limb).
fn mul(a: &U256, b: &U256) -> U256 {
    mul_div(a, b, &ONE, false)
}

/// Whether `x < 2^bits`.
#[inline(never)]
fn fits(x: &U256, bits: usize) -> bool {
    x.bit_len() <= bits
}

/// `x` as a `U256` (ruint's `From<u128>` branches on the high half).
#[inline(always)]
fn wide(x: u128) -> U256 {
    U256::from_limbs([x as u64, (x >> 64) as u64, 0, 0])
}

/// The low 128 bits of `x`.
fn low(x: &U256) -> u128 {
    let limbs = x.as_limbs();
    u128::from(limbs[0]) | u128::from(limbs[1]) << 64
}

/// `x` must be an amount of the domain: below `2^128`.
fn amount(x: &U256) -> R<u128> {
    if fits(x, 128) {
        Ok(low(x))
    } else {
        Err(Fail::OutOfRange)
    }
}

/// Every value below `2^128`, the first `nonzero` of them also non-zero (else `zero`): the one
/// check behind every amount of the domain.
#[inline(never)]
fn check_amounts(values: &[&U256], nonzero: usize, zero: Fail) -> R<()> {
    for (i, x) in values.iter().enumerate() {
        let bits = x.bit_len();
        if i < nonzero && bits == 0 {
            return Err(zero);
        }
        if bits > 128 {
            return Err(Fail::OutOfRange);
        }
    }
    Ok(())
}

/// `E`, `Na`, `Nb` in `[1, 2^128)` and the budget below `2^128` (cumulative prices: any value,
/// taken modulo `2^112`).
fn check_state(state: &RammState) -> R<()> {
    check_amounts(
        &[
            &state.eth_reserve,
            &state.nxm_reserve_a,
            &state.nxm_reserve_b,
            &state.budget_eth,
        ],
        3,
        Fail::ReserveExhausted,
    )
}

/// Supply in `[1, 2^128)` and capital below `2^128` (the MCR is checked where it is read).
fn check_capital(capital: &Capital) -> R<()> {
    check_amounts(
        &[&capital.supply_nxm, &capital.capital_eth],
        1,
        Fail::ZeroSupply,
    )
}

/// `(a + b) mod 2^112`, or `(a − b) mod 2^112` if `sub` (exact: 2^112 divides 2^256, so
/// wrapping is harmless): a cumulative price plus an integral, or the integral between two.
#[inline(never)]
fn modulo_2_112(a: &U256, b: &U256, sub: bool) -> U256 {
    let x = add_sub(a, b, sub);
    let limbs = x.as_limbs();
    U256::from_limbs([limbs[0], limbs[1] & ((1 << 48) - 1), 0, 0])
}

/// A launch observation: `−spot·held mod 2^112`, exact for every spot (reduced modulo `2^112`
/// first, the product stays below `2^176`).
fn seed(out: &mut U256, spot_wad: &U256, held: &U256) {
    let spot = modulo_2_112(spot_wad, &U256::ZERO, false);
    *out = modulo_2_112(&U256::ZERO, &mul(&spot, held), true);
}

/// What both pools' price paths share in an update: the state before it, the capital, `S·10^4`
/// and `S·10^4·D`, `E` after the liquidity step, and the times to integrate to (now, then the
/// boundaries crossed).
struct Pool<'a> {
    state: &'a RammState,
    capital_eth: &'a U256,
    supply_bps: U256,
    scale: U256,
    secs: [u64; 4],
}

impl Pool<'_> {
    /// Steps 2–5 for one pool (A `falling` toward `target_bps` of BV, B rising) into `advanced`
    /// (whose `E` is the new one and whose observations are those crossed, cumulative prices
    /// still 0): the new reserve, the cumulative price now and at each observation (module
    /// docs, *Prices in Q192* and *Cumulative prices*).
    ///
    /// # Errors
    /// [`Fail::OutOfRange`] for a price outside the domain or a reserve of `2^128` or more;
    /// [`Fail::ReserveExhausted`] for a reserve rounding to 0.
    #[inline(never)]
    fn ratchet(
        &self,
        falling: bool,
        target_bps: &U256,
        speed_bps_per_day: &U256,
        advanced: &mut Advanced,
    ) -> R<()> {
        let state = self.state;
        let (reserve, cumulative) = if falling {
            (&state.nxm_reserve_a, &state.cumulative_a)
        } else {
            (&state.nxm_reserve_b, &state.cumulative_b)
        };
        let eth_new = &advanced.state.eth_reserve;
        let mut path = PricePath {
            falling,
            start: mul_div(&state.eth_reserve, &Q192, reserve, falling),
            target: mul_div(
                &mul(self.capital_eth, target_bps),
                &Q192,
                &self.supply_bps,
                falling,
            ),
            speed: mul(self.capital_eth, speed_bps_per_day),
            scale: self.scale,
            gap: U256::ZERO,
        };
        if path.start == U256::MAX || path.target == U256::MAX {
            return Err(Fail::OutOfRange);
        }
        // The jump: a start at or past the target is the target (gap 0).
        let past = if falling {
            path.start <= path.target
        } else {
            path.start >= path.target
        };
        if past {
            path.start = path.target;
        } else if falling {
            path.gap = add_sub(&path.start, &path.target, true);
        } else {
            path.gap = add_sub(&path.target, &path.start, true);
        }
        let up = !falling;
        let price = path.price(self.secs[0]);
        let new_reserve = if price == path.start && !past {
            // Unmoved and strictly inside the band: the exact rescale.
            mul_div(reserve, eth_new, &state.eth_reserve, up)
        } else {
            mul_div(eth_new, &Q192, &price, up)
        };
        if !fits(&new_reserve, 128) {
            return Err(Fail::OutOfRange);
        }
        if new_reserve.is_zero() {
            return Err(Fail::ReserveExhausted);
        }
        let out = &mut advanced.state;
        let (reserve_out, now_out) = if falling {
            (&mut out.nxm_reserve_a, &mut out.cumulative_a)
        } else {
            (&mut out.nxm_reserve_b, &mut out.cumulative_b)
        };
        *reserve_out = new_reserve;
        *now_out = modulo_2_112(cumulative, &path.integral_wad(self.secs[0]), false);
        for (secs, observation) in self.secs[1..].iter().zip(advanced.observations.iter_mut()) {
            if let Some(observation) = observation {
                let at = if falling {
                    &mut observation.cumulative_a
                } else {
                    &mut observation.cumulative_b
                };
                *at = modulo_2_112(cumulative, &path.integral_wad(*secs), false);
            }
        }
        Ok(())
    }
}

/// One pool's price path over an update, in Q192 (ETH per NXM × `2^192`), rounded up for A
/// (`falling`) and down for B (module docs, *Prices in Q192*): the price before the update
/// `start`, the `target`, and the movement after `τ` seconds `⌊speed·τ·2^192 / scale⌋` with
/// `speed = C·r` and `scale = S·10^4·D` (so `speed / scale` is `BV·r / (10^4·D)` per second).
/// The price follows `start ∓ movement` while the movement is at most `gap`, the distance to
/// the target; then it is the target. A start at or past the target is the target (`gap = 0`).
struct PricePath {
    falling: bool,
    start: U256,
    target: U256,
    speed: U256,
    scale: U256,
    gap: U256,
}

impl PricePath {
    /// The price `secs` after `updated_at`: on the line while its movement is at most `gap`,
    /// else the target.
    #[inline(never)]
    fn price(&self, secs: u64) -> U256 {
        // Saturates past 2^256: beyond the gap.
        let moved = mul_div(
            &mul(&self.speed, &wide(u128::from(secs))),
            &Q192,
            &self.scale,
            false,
        );
        if moved <= self.gap {
            add_sub(&self.start, &moved, self.falling)
        } else {
            self.target
        }
    }

    /// `∫₀ᵗ price dτ` in wad × seconds, rounded down and lowered by one unit (module docs,
    /// *Cumulative prices*): with `τ` the time on the ratchet in Q128 seconds (`t` if the price
    /// is short of its target at `t`) and `p1` the price there, `(start + p1)·τ / 2 +
    /// p1·(t − τ)`.
    fn integral_wad(&self, secs: u64) -> U256 {
        let end = self.price(secs);
        let on_ratchet = if end == self.target {
            // The instant the line meets the target: τ·2^128 = gap·scale / (speed·2^64) <= t·2^128
            // (speed < 2^160: the shift fits; a zero speed has a zero gap here, so 1 will do).
            let s = self.speed.as_limbs();
            let speed_q64 = U256::from_limbs([u64::from(self.speed.is_zero()), s[0], s[1], s[2]]);
            mul_div(&self.gap, &self.scale, &speed_q64, false)
        } else {
            U256::from_limbs([0, 0, secs, 0])
        };
        // start·τ/2 + end·(2t − τ)/2 = (start + end)/2·τ + end·(t − τ), in Q128 ETH/NXM·s
        // (t < 2^40).
        let rest = add_sub(&U256::from_limbs([0, 0, secs << 1, 0]), &on_ratchet, true);
        let area = add_sub(
            &mul_div(&self.start, &on_ratchet, &Q193, false),
            &mul_div(&end, &rest, &Q193, false),
            false,
        );
        let integral = mul_div(&area, &WAD, &AMOUNT_LIMIT, false);
        if integral.is_zero() {
            integral
        } else {
            add_sub(&integral, &ONE, true)
        }
    }
}
