//! The NXM bonding curve (V1's curve, computed exactly) and its trade limits.
//!
//! Spot price in wei per NXM, for a capital pool worth `V` wei and an MCR of `M` wei:
//!
//! ```text
//! P(V) = A + V^4 / (C * M^3),   A = 0.01028 ETH,  C = 5 800 000
//! ```
//!
//! * A buy of `e` wei mints `1e18 * ∫[V, V+e] dV / P(V)` NXM wei (pool value `V` before the ETH
//!   arrives). V1 approximated this integral by integrating the A-free curve and adding `A`
//!   afterwards; here it is computed exactly.
//! * A sale of `n` NXM wei pays `97.5 %` (a 2.5 % spread) of the ETH amount `e` that solves
//!   `1e18 * ∫[V-e, V] dV / P(V) = n`.
//!
//! # How the integral is evaluated
//! With `r = V / M` and `κ = M / (A * C)`, `P = A * (1 + κ r^4)`, so
//! `∫[V, V+e] dV / P = (e / A) * avg[r0, r1] 1 / (1 + κ r^4)`. The code evaluates the average
//! relative to the integrand at the lower end, `R = avg (1 + κ r0^4) / (1 + κ r^4)`, which lies in
//! (0, 1] and is close to 1 inside the trade limits, so Q128 fixed point carries it with ~125
//! significant bits no matter how large `κ r^4` is (`κ` itself is carried in Q192). `R` is
//! computed by Gauss–Legendre quadrature. The integrand is analytic except for poles at
//! `u = e^{±iπ/4}`, `e^{±3iπ/4}` in the variable `u = κ^{1/4} r`, at distance `d >= 0.7 max(u, 1)`
//! from the interval. A trade that moves the pool by less than `max(u, 1) / 500` (most trades) uses
//! one 5-point panel (`h / d <= 1/700`, error below `2^-110`); larger ones use 10-point panels no
//! longer than `max(u_left, 1) / 20` (`h / d <= 1/28`, error below `40^-20`). Both are far below
//! the Q128 rounding. The precision report (`mutual-math-reference`) measures the result against
//! the closed-form antiderivative evaluated with 512-bit floats.
//!
//! # Rounding
//! Always in the capital pool's favour: the Gauss–Legendre weights are rounded down (their sum
//! is `1 - 10 ulp`), every step rounds toward the smaller payout, and the final amount gives up
//! a relative `2^-100` plus a fraction of a wei before flooring, which covers the bounded
//! evaluation error. A trader therefore never receives more than the exact integral, and
//! receives less by at most 1 wei plus `1e-30` relative.

use alloy_primitives::U256;

use crate::{
    fixed::{div_down, div_q128_down, mul_div_down, mul_div_up, mul_q128_down, BPS, ONE_Q128, WAD},
    mcr::mcr_ratio_bps,
    wide::{mul_wide, shr_wide},
    MathError,
};

/// `A`: the curve's price floor, 0.01028 ETH per NXM, in wei.
pub const CURVE_PRICE_FLOOR_WEI: U256 = U256::from_limbs([10_280_000_000_000_000, 0, 0, 0]);
/// `C`: the curve's steepness constant (dimensionless).
pub const CURVE_STEEPNESS: U256 = U256::from_limbs([5_800_000, 0, 0, 0]);
/// Buys are open only while MCR% is at or below 400 %.
pub const MAX_BUY_MCR_RATIO_BPS: U256 = U256::from_limbs([40_000, 0, 0, 0]);
/// One trade may move at most 5 % of the MCR in ETH.
pub const MAX_TRADE_MCR_FRACTION_BPS: U256 = U256::from_limbs([500, 0, 0, 0]);
/// Sellers receive the curve's ETH amount less this 2.5 % spread.
pub const SELL_SPREAD_BPS: U256 = U256::from_limbs([250, 0, 0, 0]);

/// Upper bound on quadrature panels; inside the trade limits at most `κ^{1/4} + 1` are needed,
/// so this is reached only for an MCR above ~10^12 ETH.
const MAX_PANELS: u64 = 64;

/// Newton iterations allowed when inverting the integral for a sale (it converges in ~6).
const MAX_NEWTON_STEPS: usize = 32;

const fn q128(x: u128) -> U256 {
    U256::from_limbs([x as u64, (x >> 64) as u64, 0, 0])
}

/// The curve's spot price `P(V) = A + V^4 / (C * M^3)` in wei per NXM, rounded down: never above
/// the exact price, and below it by at most 2 wei plus `2^-120` relative (`V / M` is carried in
/// Q128 and raised to the 4th power).
///
/// # Errors
/// [`MathError::ZeroMcr`] if `mcr_eth == 0`; [`MathError::Overflow`] if `V / M >= 2^32`.
pub fn spot_price_wei(pool_value_eth: U256, mcr_eth: U256) -> Result<U256, MathError> {
    let r = ratio_q128(pool_value_eth, mcr_eth)?;
    let r4 = pow4_q128(r)?;
    let curve_term = mul_div_down(mcr_eth, r4, CURVE_STEEPNESS << 128)?;
    CURVE_PRICE_FLOOR_WEI
        .checked_add(curve_term)
        .ok_or(MathError::Overflow)
}

/// The price a seller gets at the margin: the spot price less the 2.5 % spread, rounded down.
///
/// # Errors
/// As [`spot_price_wei`].
pub fn sell_spot_price_wei(pool_value_eth: U256, mcr_eth: U256) -> Result<U256, MathError> {
    apply_sell_spread(spot_price_wei(pool_value_eth, mcr_eth)?)
}

/// `floor(amount * 97.5 %)`: an ETH amount or price less the 2.5 % sell spread.
///
/// # Errors
/// [`MathError::Overflow`] if `amount * 9 750` overflows.
pub fn apply_sell_spread(amount: U256) -> Result<U256, MathError> {
    mul_div_down(amount, BPS - SELL_SPREAD_BPS, BPS)
}

/// NXM (in NXM wei) minted for `eth_in` wei: `1e18 * ∫[V, V+eth_in] dV / P(V)`, rounded down.
///
/// Trade limits, checked first: buys only while `MCR% <= 400 %` (on the pool value before the
/// trade) and `eth_in <= 5 % * MCR`.
///
/// # Errors
/// [`MathError::ZeroMcr`]; [`MathError::McrRatioAboveBuyLimit`] with the MCR% in bps;
/// [`MathError::BuyAboveTradeLimit`] with the ETH offered and the limit; [`MathError::Overflow`]
/// outside the supported domain (pool value or MCR above ~10^12 ETH).
pub fn nxm_out_for_eth(
    pool_value_eth: U256,
    mcr_eth: U256,
    eth_in: U256,
) -> Result<U256, MathError> {
    if mcr_eth.is_zero() {
        return Err(MathError::ZeroMcr);
    }
    // Compare exactly (V * 10 000 <= 40 000 * M), not on the rounded-down ratio.
    let scaled_value = pool_value_eth.checked_mul(BPS).ok_or(MathError::Overflow)?;
    let buy_cap = mcr_eth
        .checked_mul(MAX_BUY_MCR_RATIO_BPS)
        .ok_or(MathError::Overflow)?;
    if scaled_value > buy_cap {
        return Err(MathError::McrRatioAboveBuyLimit {
            mcr_ratio_bps: mcr_ratio_bps(pool_value_eth, mcr_eth)?,
        });
    }
    let max_eth_in = max_trade_eth(mcr_eth)?;
    if eth_in > max_eth_in {
        return Err(MathError::BuyAboveTradeLimit { eth_in, max_eth_in });
    }
    nxm_for_eth_between(pool_value_eth, eth_in, mcr_eth)
}

/// ETH (in wei) paid for selling `nxm_in` NXM wei: the `e` solving
/// `1e18 * ∫[V-e, V] dV / P(V) = nxm_in`, less the 2.5 % spread, rounded down.
///
/// Trade limits: the payout is at most 5 % of the MCR and leaves the pool at or above 100 %
/// MCR; a sale larger than that is refused with the largest NXM amount that would pass.
///
/// # Errors
/// [`MathError::ZeroMcr`]; [`MathError::SellAboveTradeLimit`] with the NXM offered and the
/// largest sale allowed now; [`MathError::Overflow`] outside the supported domain.
pub fn eth_out_for_nxm(
    pool_value_eth: U256,
    mcr_eth: U256,
    nxm_in: U256,
) -> Result<U256, MathError> {
    if mcr_eth.is_zero() {
        return Err(MathError::ZeroMcr);
    }
    if nxm_in.is_zero() {
        return Ok(U256::ZERO);
    }
    let curve = Curve::new(mcr_eth)?;
    let max_gross_eth = max_sell_gross_eth(pool_value_eth, mcr_eth)?;
    let max_gross_q64 = to_q64(max_gross_eth)?;
    // nxm_in * P(V) / 1e18 bounds the gross amount from above (P falls as the pool pays out);
    // P(V) is rounded down, so P(V) + 1 wei is used.
    let spot_ceil_wei = spot_price_wei(pool_value_eth, mcr_eth)?
        .checked_add(U256::from(1u8))
        .ok_or(MathError::Overflow)?;
    let spot_bound_q64 = mul_div_up(to_q64(nxm_in)?, spot_ceil_wei, WAD)?;
    if spot_bound_q64 > max_gross_q64 {
        // The bound does not settle the limits: compare with the largest sale allowed (what
        // `max_nxm_in` returns, from the `max_gross_eth` already at hand; calling it would
        // recompute that and cost the capital pool ~270 bytes of WASM).
        let allowed_nxm_in = if max_gross_eth.is_zero() {
            U256::ZERO
        } else {
            nxm_for_eth_between(pool_value_eth - max_gross_eth, max_gross_eth, mcr_eth)?
        };
        if nxm_in > allowed_nxm_in {
            return Err(MathError::SellAboveTradeLimit {
                nxm_in,
                max_nxm_in: allowed_nxm_in,
            });
        }
    }
    let start_q64 = spot_bound_q64.min(max_gross_q64);
    let gross_eth_q64 = solve_gross_eth_q64(pool_value_eth, &curve, nxm_in, start_q64)?;
    // One floor for spread and fraction together: floor(gross * 9 750 / 10 000).
    mul_div_down(gross_eth_q64, BPS - SELL_SPREAD_BPS, BPS << 64)
}

/// The largest sale (in NXM wei) the pool accepts now, given the 5 %-of-MCR payout cap and the
/// 100 % MCR floor after the sale; zero when the pool is at or below 100 % MCR.
///
/// # Errors
/// [`MathError::ZeroMcr`]; [`MathError::Overflow`] outside the supported domain.
pub fn max_nxm_in(pool_value_eth: U256, mcr_eth: U256) -> Result<U256, MathError> {
    if mcr_eth.is_zero() {
        return Err(MathError::ZeroMcr);
    }
    let max_gross_eth = max_sell_gross_eth(pool_value_eth, mcr_eth)?;
    if max_gross_eth.is_zero() {
        return Ok(U256::ZERO);
    }
    nxm_for_eth_between(pool_value_eth - max_gross_eth, max_gross_eth, mcr_eth)
}

/// `floor(5 % * MCR)`: the most ETH one trade may move.
fn max_trade_eth(mcr_eth: U256) -> Result<U256, MathError> {
    mul_div_down(mcr_eth, MAX_TRADE_MCR_FRACTION_BPS, BPS)
}

/// The largest gross curve amount `e` whose payout `floor(97.5 % * e)` stays within
/// `min(5 % * MCR, V - MCR)`; rounded down so the payout bound holds.
fn max_sell_gross_eth(pool_value_eth: U256, mcr_eth: U256) -> Result<U256, MathError> {
    if pool_value_eth <= mcr_eth {
        return Ok(U256::ZERO);
    }
    let max_payout = max_trade_eth(mcr_eth)?.min(pool_value_eth - mcr_eth);
    mul_div_down(max_payout, BPS, BPS - SELL_SPREAD_BPS)
}

/// `1e18 * ∫[V, V+eth] dV / P(V)` in NXM wei, rounded down with the safety margin described in
/// the module docs.
fn nxm_for_eth_between(pool_value_eth: U256, eth: U256, mcr_eth: U256) -> Result<U256, MathError> {
    let curve = Curve::new(mcr_eth)?;
    let (scaled_q64, _) = curve.nxm_times_floor_q64(to_q64(pool_value_eth)?, to_q64(eth)?)?;
    // Give up 2^-100 relative plus 2^-64 of a unit, which covers the evaluation error.
    let safe_q64 = scaled_q64.saturating_sub((scaled_q64 >> 100) + U256::from(1u8));
    // floor(floor(x) / A) == floor(x / A) for an integer A.
    div_down(safe_q64 >> 64, CURVE_PRICE_FLOOR_WEI)
}

/// Solves `1e18 * ∫[V-e, V] dV / P(V) = nxm_in` for `e` (wei) by Newton's method from above.
///
/// `f(e)` is increasing and convex in `e` (`f'(e) = 1e18 / P(V-e)` grows as `V - e` falls), so
/// Newton's iterates started above the root decrease monotonically to it. The caller starts at
/// `min(max gross, nxm_in * P(V) / 1e18)`; both bound the root from above (the first once the
/// caller has checked `nxm_in <= f(max gross)`). Each step is rounded down, which keeps the
/// iterate above the root.
///
/// Stopping: after a step `s`, the error left is at most `c s² / e` with
/// `c = e P'(V-e) / (2 P(V-e)) <= 2 e / V <= 0.1` inside the trade limits (`d ln P / dV <= 4 / V`,
/// `e <= 5 % MCR <= 5 % V`), so once `s <= e 2^-55` the error is below `e 2^-113` and the loop
/// ends without another evaluation. The iterate is carried in Q64 wei; the result, in Q64 wei,
/// gives up `2^-100` relative and `2^-44` wei, which covers the evaluation error.
fn solve_gross_eth_q64(
    pool_value_eth: U256,
    curve: &Curve,
    nxm_in: U256,
    start_q64: U256,
) -> Result<U256, MathError> {
    let pool_q64 = to_q64(pool_value_eth)?;
    // Compare in units of NXM wei times A: dividing by A first would leave a resolution of
    // 2^-64 NXM wei, which is worth whole wei of ETH at very high MCR%.
    let scaled_target_q64 = to_q64(nxm_in)?
        .checked_mul(CURVE_PRICE_FLOOR_WEI)
        .ok_or(MathError::Overflow)?;
    let mut eth_q64 = start_q64;
    for _ in 0..MAX_NEWTON_STEPS {
        let low_q64 = pool_q64 - eth_q64;
        let (scaled_q64, low_end_factor) = curve.nxm_times_floor_q64(low_q64, eth_q64)?;
        if scaled_q64 <= scaled_target_q64 {
            break;
        }
        // Newton step (f(e) - n) / f'(e) = (f(e) - n) * P(V - e) / 1e18 with
        // P(V - e) = A * (1 + κ r_low^4): in A-scaled units, excess * (1 + κ r_low^4) / 1e18.
        let excess_times_factor =
            mul_div_down(scaled_q64 - scaled_target_q64, low_end_factor, ONE_Q128)?;
        let step_q64 = div_down(excess_times_factor, WAD)?;
        eth_q64 -= step_q64;
        if step_q64 <= eth_q64 >> 55 {
            break;
        }
    }
    let margin_q64 = (eth_q64 >> 100) + (U256::from(1u8) << 20);
    Ok(eth_q64.saturating_sub(margin_q64))
}

/// `x * 2^64`, checked.
fn to_q64(x: U256) -> Result<U256, MathError> {
    if x.bit_len() > 192 {
        return Err(MathError::Overflow);
    }
    Ok(x << 64)
}

/// `V / M` in Q128, rounded down.
fn ratio_q128(pool_value_eth: U256, mcr_eth: U256) -> Result<U256, MathError> {
    if mcr_eth.is_zero() {
        return Err(MathError::ZeroMcr);
    }
    mul_div_down(pool_value_eth, ONE_Q128, mcr_eth)
}

/// `r^4` in Q128 for `r` in Q128, rounded down.
///
/// # Errors
/// [`MathError::Overflow`] if `r >= 2^32`.
fn pow4_q128(r: U256) -> Result<U256, MathError> {
    let r2 = mul_q128_down(r, r)?;
    mul_q128_down(r2, r2)
}

/// A Gauss–Legendre rule on [0, 1]: node/weight pairs below 1/2 (the mirror node of `s` is
/// `1 - s`, same weight) and the weight of the centre node (zero for an even rule). Nodes and
/// weights are in Q128, rounded down (the weights sum to `1 - 10 ulp` at most).
struct GaussRule {
    pairs: &'static [(U256, U256)],
    center_weight: U256,
}

/// 10-point rule: panels up to `max(u, 1) / 20` long (`h / d <= 1/28`, error below `40^-20`).
const GAUSS_LEGENDRE_10: GaussRule = GaussRule {
    pairs: &[
        (
            q128(4439574118680408498700980307135619478),
            q128(11343541423580619600576999996023774047),
        ),
        (
            q128(22958278483707550148548580933360553196),
            q128(25427829414243575179296081508819441730),
        ),
        (
            q128(54545635455706719563297169069528280480),
            q128(37275612998518570402782547306078656954),
        ),
        (
            q128(96402778197002615618927204684486774425),
            q128(45813358289920762952495333431290946351),
        ),
        (
            q128(144811527239239429746586020650825272516),
            q128(50280841334205703596536341473671286644),
        ),
    ],
    center_weight: U256::ZERO,
};

/// 5-point rule: one panel up to `max(u, 1) / 500` long (`h / d <= 1/700`, error bound
/// `8.6 (h/d)^12 < 2^-110`): the common case of a trade that moves the pool by under 0.2 %.
const GAUSS_LEGENDRE_5: GaussRule = GaussRule {
    pairs: &[
        (
            q128(15962672044439257087480216961979262232),
            q128(40311020617062573559772587885297964236),
        ),
        (
            q128(78525377781945906064216492913816670549),
            q128(81434448436873187812679216106956884751),
        ),
    ],
    center_weight: q128(96791428813066940718470999447258513480),
};

/// The curve for one MCR: `κ = M / (A C)` carried in Q192, so that `κ r^4` keeps ~190
/// significant bits even for an MCR of 1 wei.
struct Curve {
    mcr_q64: U256,
    kappa_q192: U256,
}

impl Curve {
    fn new(mcr_eth: U256) -> Result<Self, MathError> {
        if mcr_eth.is_zero() {
            return Err(MathError::ZeroMcr);
        }
        Ok(Self {
            mcr_q64: to_q64(mcr_eth)?,
            kappa_q192: mul_div_down(
                mcr_eth,
                U256::from(1u8) << 192,
                CURVE_PRICE_FLOOR_WEI * CURVE_STEEPNESS,
            )?,
        })
    }

    /// `1 + κ r^4 = P(V) / A` in Q128 for `r = V / M` in Q128, rounded down.
    fn price_factor(&self, r: U256) -> Result<U256, MathError> {
        let curve_term = shr_wide(&mul_wide(pow4_q128(r)?, self.kappa_q192), 192)?;
        curve_term.checked_add(ONE_Q128).ok_or(MathError::Overflow)
    }

    /// `A * 1e18 * ∫[low, low+width] dV / P(V)` (NXM wei times `A`) for bounds in Q64 wei, in
    /// Q64 and rounded down; also returns `P(low) / A = 1 + κ r_low^4` in Q128.
    fn nxm_times_floor_q64(
        &self,
        low_q64: U256,
        width_q64: U256,
    ) -> Result<(U256, U256), MathError> {
        let (relative_avg, low_end_factor) = self.relative_average(low_q64, width_q64)?;
        // width * 1e18 * R / (1 + κ r_low^4)  =  A * 1e18 * ∫ dV / P.
        let scaled_q64 = mul_div_down(
            width_q64.checked_mul(WAD).ok_or(MathError::Overflow)?,
            relative_avg,
            low_end_factor,
        )?;
        Ok((scaled_q64, low_end_factor))
    }

    /// For the interval `[low, low + width]` of pool values (Q64 wei), returns
    /// `(R, 1 + κ r_low^4)` in Q128, where `R` is the average over the interval of
    /// `(1 + κ r_low^4) / (1 + κ r^4)` by composite Gauss–Legendre (`R = 1` for an empty
    /// interval). The rule and panel count come from [`Curve::quadrature_plan`].
    fn relative_average(&self, low_q64: U256, width_q64: U256) -> Result<(U256, U256), MathError> {
        let low_r = mul_div_down(low_q64, ONE_Q128, self.mcr_q64)?;
        let low_end_factor = self.price_factor(low_r)?;
        if width_q64.is_zero() {
            return Ok((ONE_Q128, low_end_factor));
        }
        let width_r = mul_div_down(width_q64, ONE_Q128, self.mcr_q64)?;
        let (rule, panels) = self.quadrature_plan(low_q64, width_q64, width_r, low_end_factor)?;
        let panel_r = div_down(width_r, U256::from(panels))?;
        let mut weighted_sum = U256::ZERO;
        let mut add_node =
            |offset: U256, weight: U256, panel_start: U256| -> Result<(), MathError> {
                let r = panel_start + mul_q128_down(panel_r, offset)?;
                let ratio = div_q128_down(low_end_factor, self.price_factor(r)?)?;
                weighted_sum += mul_q128_down(ratio, weight)?;
                Ok(())
            };
        for panel in 0..panels {
            let panel_start = low_r + panel_r * U256::from(panel);
            for &(node, weight) in rule.pairs {
                add_node(node, weight, panel_start)?;
                add_node(ONE_Q128 - node, weight, panel_start)?;
            }
            if !rule.center_weight.is_zero() {
                add_node(ONE_Q128 >> 1, rule.center_weight, panel_start)?;
            }
        }
        Ok((div_down(weighted_sum, U256::from(panels))?, low_end_factor))
    }

    /// The rule and panel count for `relative_average`, in the variable `u = κ^{1/4} r` whose
    /// poles sit at distance `d >= 0.7 max(u, 1)` from the real axis segment:
    /// * one 5-point panel when `width <= max(u_low, 1) / 500`;
    /// * otherwise 10-point panels of length `<= max(u_low, 1) / 20`: for `u_low >= 1`,
    ///   `k = ceil(20 width / low)`; below, the smallest `k` with `(k / 20)^4 >= κ width_r^4`.
    fn quadrature_plan(
        &self,
        low_q64: U256,
        width_q64: U256,
        width_r: U256,
        low_end_factor: U256,
    ) -> Result<(&'static GaussRule, u64), MathError> {
        const PANELS_PER_UNIT: u64 = 20;
        const SHORT_PANEL_PER_UNIT: u64 = 500;
        let u_low_at_least_one = low_end_factor >= ONE_Q128 << 1; // κ r_low^4 >= 1
                                                                  // κ width_r^4 in Q128: the interval's length in u, to the 4th power.
        let width_u4 = self.price_factor(width_r)? - ONE_Q128;
        let short = if u_low_at_least_one {
            width_q64
                .checked_mul(U256::from(SHORT_PANEL_PER_UNIT))
                .ok_or(MathError::Overflow)?
                <= low_q64
        } else {
            width_u4 <= div_down(ONE_Q128, U256::from(SHORT_PANEL_PER_UNIT.pow(4)))?
        };
        if short {
            return Ok((&GAUSS_LEGENDRE_5, 1));
        }
        let panels = if u_low_at_least_one {
            // ceil(20 * width / low), low > 0 here.
            mul_div_up(width_q64, U256::from(PANELS_PER_UNIT), low_q64)?
        } else {
            let mut k = 1u64;
            while k <= MAX_PANELS {
                let k_q128 = div_down(U256::from(k) << 128, U256::from(PANELS_PER_UNIT))?;
                if pow4_q128(k_q128)? >= width_u4 {
                    break;
                }
                k += 1;
            }
            U256::from(k)
        };
        let panels = panels.max(U256::from(1u8));
        if panels > U256::from(MAX_PANELS) {
            return Err(MathError::Overflow);
        }
        Ok((&GAUSS_LEGENDRE_10, panels.to::<u64>()))
    }
}
