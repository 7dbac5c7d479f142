//! High-precision reference for `mutual-math`.
//!
//! Everything here is computed independently of the crate under test: exact rationals over
//! arbitrary-precision integers (num-bigint) for the RAMM and the integer formulas, and 512-bit
//! binary floating point (astro-float) for relative errors and for checking the reference itself
//! by numerical quadrature. The property tests and the `precision-report` binary compare
//! `mutual-math` against these values.
//!
//! * [`Ratio`]: an exact rational with floor and ceiling.
//! * [`ramm`]: §3b's RAMM, step by step as protocol-reference writes it, in exact rationals.
//! * [`Floats`]: 512-bit floats for reports (`f64` of an exact error) and quadrature.
//! * [`sample`]: the deterministic input generators shared by the tests and the report.

use core::{
    cmp::Ordering,
    ops::{Add, Div, Mul, Sub},
};

use alloy_primitives::U256;
use astro_float::{BigFloat, Consts, RoundingMode};
use num_bigint::{BigInt, BigUint, Sign};

/// Working precision of the floating-point helpers, in bits.
pub const PRECISION_BITS: usize = 512;
const RM: RoundingMode = RoundingMode::ToEven;

/// Exact `U256` → arbitrary-precision unsigned integer.
pub fn to_biguint(x: U256) -> BigUint {
    BigUint::from_bytes_le(&x.to_le_bytes::<32>())
}

/// Exact `U256` → arbitrary-precision integer.
pub fn to_bigint(x: U256) -> BigInt {
    BigInt::from(to_biguint(x))
}

/// An integer as a `U256`, if it is in `[0, 2^256)`.
pub fn to_u256(x: &BigInt) -> Option<U256> {
    let (sign, bytes) = x.to_bytes_le();
    (sign != Sign::Minus && bytes.len() <= 32).then(|| U256::from_le_slice(&bytes))
}

/// An exact rational `num / den` with `den > 0` (never reduced: the reference only compares,
/// floors and converts, so the size of the terms does not matter).
#[derive(Clone, Debug)]
pub struct Ratio {
    /// The numerator.
    pub num: BigInt,
    /// The denominator, positive.
    pub den: BigInt,
}

impl Ratio {
    /// `num / den`.
    ///
    /// # Panics
    /// If `den == 0`.
    pub fn new(num: impl Into<BigInt>, den: impl Into<BigInt>) -> Self {
        let (num, den) = (num.into(), den.into());
        assert!(den.sign() != Sign::NoSign, "zero denominator");
        if den.sign() == Sign::Minus {
            Self {
                num: -num,
                den: -den,
            }
        } else {
            Self { num, den }
        }
    }

    /// The integer `x`.
    pub fn int(x: impl Into<BigInt>) -> Self {
        Self::new(x, 1)
    }

    /// The integer `x`.
    pub fn from_u256(x: U256) -> Self {
        Self::int(to_bigint(x))
    }

    /// `⌊self⌋`.
    pub fn floor(&self) -> BigInt {
        // BigInt's `/` truncates toward zero and `%` takes the dividend's sign.
        let q = &self.num / &self.den;
        if (&self.num % &self.den).sign() == Sign::Minus {
            q - 1
        } else {
            q
        }
    }

    /// `⌈self⌉`.
    pub fn ceil(&self) -> BigInt {
        -Ratio::new(-self.num.clone(), self.den.clone()).floor()
    }

    /// Whether `self == 0`.
    pub fn is_zero(&self) -> bool {
        self.num.sign() == Sign::NoSign
    }
}

impl PartialEq for Ratio {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ratio {}
impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        (&self.num * &other.den).cmp(&(&other.num * &self.den))
    }
}

impl Add for &Ratio {
    type Output = Ratio;
    fn add(self, o: &Ratio) -> Ratio {
        Ratio::new(&self.num * &o.den + &o.num * &self.den, &self.den * &o.den)
    }
}
impl Sub for &Ratio {
    type Output = Ratio;
    fn sub(self, o: &Ratio) -> Ratio {
        Ratio::new(&self.num * &o.den - &o.num * &self.den, &self.den * &o.den)
    }
}
impl Mul for &Ratio {
    type Output = Ratio;
    fn mul(self, o: &Ratio) -> Ratio {
        Ratio::new(&self.num * &o.num, &self.den * &o.den)
    }
}
impl Div for &Ratio {
    type Output = Ratio;
    /// # Panics
    /// On division by zero.
    fn div(self, o: &Ratio) -> Ratio {
        Ratio::new(&self.num * &o.den, &self.den * &o.num)
    }
}

/// 512-bit floating point: conversions for reports, and the quadrature that checks the
/// reference's integrals.
pub struct Floats {
    consts: Consts,
}

impl Default for Floats {
    fn default() -> Self {
        Self::new()
    }
}

impl Floats {
    /// A new evaluator (allocates astro-float's constant cache).
    ///
    /// # Panics
    /// If astro-float cannot allocate its constant cache (out of memory).
    pub fn new() -> Self {
        Self {
            consts: Consts::new().expect("astro-float constant cache"),
        }
    }

    /// `x` as a float, rounded to 512 bits.
    pub fn int(&self, x: &BigInt) -> BigFloat {
        let (sign, digits) = x.to_u64_digits();
        let two_64 = BigFloat::from_u128(1 << 64, PRECISION_BITS);
        let magnitude = digits
            .iter()
            .rev()
            .fold(BigFloat::new(PRECISION_BITS), |acc, &limb| {
                acc.mul(&two_64, PRECISION_BITS, RM).add(
                    &BigFloat::from_u64(limb, PRECISION_BITS),
                    PRECISION_BITS,
                    RM,
                )
            });
        if sign == Sign::Minus {
            magnitude.neg()
        } else {
            magnitude
        }
    }

    /// `x` as a float, rounded to 512 bits.
    pub fn ratio(&self, x: &Ratio) -> BigFloat {
        self.int(&x.num).div(&self.int(&x.den), PRECISION_BITS, RM)
    }

    /// `x` rounded to the nearest `f64`.
    pub fn to_f64(&mut self, x: &BigFloat) -> f64 {
        if x.is_zero() {
            return 0.0;
        }
        let text = x
            .format(astro_float::Radix::Dec, RM, &mut self.consts)
            .expect("format a finite float");
        text.parse::<f64>().unwrap_or(f64::NAN)
    }

    /// `(ours − exact) / exact` as `f64` (positive when `ours` is above the exact value).
    pub fn relative_error(&mut self, ours: &BigInt, exact: &Ratio) -> f64 {
        if exact.is_zero() {
            return if ours.sign() == Sign::NoSign {
                0.0
            } else {
                f64::INFINITY
            };
        }
        let diff = &Ratio::int(ours.clone()) - exact;
        let rel = self.ratio(&(&diff / exact));
        self.to_f64(&rel)
    }
}

/// §3b's RAMM in exact rationals, written step by step as protocol-reference states it (and as
/// `mutual_math::ramm`'s module docs decide), independently of the crate's formulation: the
/// crate carries each pool's price in Q192 fixed point with every step rounded for the mutual;
/// this follows the exact spot prices through rescale, ratchet and pin, and integrates by
/// trapezoid and rectangle.
pub mod ramm {
    use alloy_primitives::U256;
    use mutual_math::{
        ramm::{Advanced, Capital, Observation, RammParams, RammState},
        MathError,
    };
    use num_bigint::BigInt;

    use super::{to_bigint, Ratio};

    /// 1e18.
    pub fn wad() -> BigInt {
        BigInt::from(1_000_000_000_000_000_000u64)
    }
    fn bps() -> BigInt {
        BigInt::from(10_000u32)
    }
    fn big(x: U256) -> BigInt {
        to_bigint(x)
    }
    fn ratio(x: U256) -> Ratio {
        Ratio::from_u256(x)
    }

    /// `2^112`.
    pub fn cumulative_modulus() -> BigInt {
        BigInt::from(1u8) << 112
    }

    /// `x mod 2^112` in `[0, 2^112)`.
    pub fn wrap(x: &BigInt) -> U256 {
        let m = cumulative_modulus();
        super::to_u256(&(((x % &m) + &m) % &m)).expect("below 2^112")
    }

    /// One pool's spot price over an update: from `start` (ETH per NXM) toward `target` at
    /// `slope` per second, then held at the target; a start at or past the target jumps to it.
    pub struct Path {
        /// The price before the update.
        pub start: Ratio,
        /// Where the ratchet stops.
        pub target: Ratio,
        /// Price change per second.
        pub slope: Ratio,
        /// A falls toward its target; B rises.
        pub falling: bool,
    }

    impl Path {
        fn past_target(&self) -> bool {
            if self.falling {
                self.start <= self.target
            } else {
                self.start >= self.target
            }
        }

        /// The spot price `secs` after the update started.
        pub fn price(&self, secs: &Ratio) -> Ratio {
            let moved = &self.slope * secs;
            if self.falling {
                (&self.start - &moved).max(self.target.clone())
            } else {
                (&self.start + &moved).min(self.target.clone())
            }
        }

        /// `∫₀^secs price dτ` (ETH per NXM × seconds): the average of the endpoint prices times
        /// the time on the ratchet, plus the target price times the rest.
        pub fn integral(&self, secs: u64) -> Ratio {
            let t = Ratio::int(secs);
            if self.past_target() {
                return &self.target * &t;
            }
            let on_ratchet = if self.slope.is_zero() {
                t.clone()
            } else {
                let gap = if self.falling {
                    &self.start - &self.target
                } else {
                    &self.target - &self.start
                };
                (&gap / &self.slope).min(t.clone())
            };
            let end = self.price(&on_ratchet);
            let average = &(&self.start + &end) / &Ratio::int(2);
            &(&average * &on_ratchet) + &(&self.target * &(&t - &on_ratchet))
        }
    }

    /// The exact result of [`mutual_math::ramm::advance`]'s rules.
    pub struct ExactAdvance {
        /// `E` after the liquidity step (exact integers: V2's floors are part of the rule).
        pub eth_reserve: BigInt,
        /// The budget after the step.
        pub budget_eth: BigInt,
        /// ETH injected.
        pub eth_injected: BigInt,
        /// ETH extracted.
        pub eth_extracted: BigInt,
        /// Pool A's reserve, exact.
        pub nxm_reserve_a: Ratio,
        /// Pool B's reserve, exact.
        pub nxm_reserve_b: Ratio,
        /// `1e18 ∫ spotA` over the update, wad × seconds.
        pub integral_a_wad: Ratio,
        /// `1e18 ∫ spotB` over the update.
        pub integral_b_wad: Ratio,
        /// The boundaries crossed, aligned like `Advanced::observations`: timestamp and the
        /// integrals from the old `updated_at` to it.
        pub observations: [Option<(u64, Ratio, Ratio)>; 3],
        /// `max(now, updated_at)`.
        pub now_secs: u64,
        /// The two price paths.
        pub paths: (Path, Path),
    }

    /// §3b's state update, step by step (liquidity, rescale, ratchets, integrals).
    ///
    /// # Panics
    /// On a zero reserve, supply, capital or day (outside the domain).
    pub fn advance(
        state: &RammState,
        capital: &Capital,
        params: &RammParams,
        now_secs: u64,
    ) -> ExactAdvance {
        let now_secs = now_secs.max(state.updated_at_secs);
        let elapsed = now_secs - state.updated_at_secs;
        let t = BigInt::from(elapsed);
        let day = BigInt::from(params.day_secs);
        let (eth_old, budget) = (big(state.eth_reserve), big(state.budget_eth));
        let target = big(params.target_liquidity_eth);
        let (c, mcr) = (big(capital.capital_eth), big(capital.mcr_eth));
        // 1. Liquidity.
        let zero = BigInt::from(0u8);
        let (mut injected, mut extracted) = (zero.clone(), zero.clone());
        let (eth_new, budget_new) = if eth_old < target {
            let fast = big(params.fast_liquidity_in_eth_per_day);
            let slow = big(params.liquidity_in_eth_per_day);
            let fast_secs = &budget * &day / &fast;
            let max_injection = if c > &mcr + &target {
                (&target - &eth_old).min(&c - &mcr - &target)
            } else {
                zero.clone()
            };
            injected = if t <= fast_secs {
                (&t * &fast / &day).min(max_injection)
            } else {
                max_injection.min(&fast_secs * &fast / &day + (&t - &fast_secs) * &slow / &day)
            };
            (
                &eth_old + &injected,
                (&budget - &injected).max(zero.clone()),
            )
        } else {
            extracted = (&t * big(params.liquidity_out_eth_per_day) / &day).min(&eth_old - &target);
            (&eth_old - &extracted, budget.clone())
        };
        // 2. Rescale: the spot prices survive.
        let scale = Ratio::new(eth_new.clone(), eth_old.clone());
        let n1_a = &ratio(state.nxm_reserve_a) * &scale;
        let n1_b = &ratio(state.nxm_reserve_b) * &scale;
        let e_new = Ratio::int(eth_new.clone());
        // 3–4. Ratchets toward the buffered book value.
        let book = Ratio::new(c.clone(), big(capital.supply_nxm));
        let per_second = |speed_bps: U256| &book * &Ratio::new(big(speed_bps), bps() * &day);
        let buffer = big(params.price_buffer_bps);
        let path_a = Path {
            start: &e_new / &n1_a,
            target: &book * &Ratio::new(bps() + &buffer, bps()),
            slope: per_second(params.ratchet_bps_per_day),
            falling: true,
        };
        let speed_b = if budget == zero {
            params.ratchet_bps_per_day
        } else {
            params.fast_ratchet_bps_per_day
        };
        let path_b = Path {
            start: &e_new / &n1_b,
            target: &book * &Ratio::new(bps() - &buffer, bps()),
            slope: per_second(speed_b),
            falling: false,
        };
        let secs = Ratio::int(elapsed);
        let w = Ratio::int(wad());
        // 5. Integrals, now and at the boundaries crossed.
        let period = params.twap_period_secs;
        let last = now_secs / period;
        let observations = core::array::from_fn(|i| {
            let k = (last + i as u64).checked_sub(2)?;
            let ts = k * period;
            (ts > state.updated_at_secs).then(|| {
                let dt = ts - state.updated_at_secs;
                (ts, &path_a.integral(dt) * &w, &path_b.integral(dt) * &w)
            })
        });
        ExactAdvance {
            nxm_reserve_a: &e_new / &path_a.price(&secs),
            nxm_reserve_b: &e_new / &path_b.price(&secs),
            integral_a_wad: &path_a.integral(elapsed) * &w,
            integral_b_wad: &path_b.integral(elapsed) * &w,
            eth_reserve: eth_new,
            budget_eth: budget_new,
            eth_injected: injected,
            eth_extracted: extracted,
            observations,
            now_secs,
            paths: (path_a, path_b),
        }
    }

    /// What [`mutual_math::ramm::advance`] must do with an update, by the exact result and the
    /// crate's documented rounding bounds.
    #[derive(Debug)]
    pub enum Outcome {
        /// Succeed.
        Succeed,
        /// Fail with one of these errors (which one an update that breaches two bounds reports
        /// is the crate's choice).
        Fail(Vec<MathError>),
        /// Either succeed or fail with one of these: the exact result lies within the crate's
        /// rounding bound of the domain's edge.
        Either(Vec<MathError>),
    }

    impl Outcome {
        /// Whether `result` is what this outcome allows.
        pub fn allows<T>(&self, result: &Result<T, MathError>) -> bool {
            match (self, result) {
                (Outcome::Succeed, r) => r.is_ok(),
                (Outcome::Fail(errors), Err(e)) => errors.contains(e),
                (Outcome::Fail(_), Ok(_)) => false,
                (Outcome::Either(errors), Err(e)) => errors.contains(e),
                (Outcome::Either(_), Ok(_)) => true,
            }
        }
    }

    impl ExactAdvance {
        /// How many units the crate's `Na` may lie below `⌊exact⌋` (or its `Nb` above
        /// `⌈exact⌉`): `1 + ⌊N²/(E·2^190)⌋` with `E` and `N` after the update (`mutual_math::ramm`,
        /// *Rounding*: the resolution of a Q192 price).
        pub fn reserve_bound(&self, reserve: &Ratio) -> BigInt {
            let e = Ratio::int(self.eth_reserve.clone() << 190);
            BigInt::from(1u8) + (&(reserve * reserve) / &e).floor()
        }

        /// What `advance` must do: refuse prices outside the domain (`E/Na`, `E/Nb` and A's
        /// target with a Q192 value, rounded as the crate rounds it, of `2^256 − 1` or more);
        /// refuse reserves outside `[1, 2^128)` and accept every other result, except within the
        /// reserves' rounding bound of those edges, where both are allowed.
        pub fn outcome(&self) -> Outcome {
            let q192 = Ratio::int(BigInt::from(1u8) << 192);
            let top = (BigInt::from(1u8) << 256) - 1;
            let (a, b) = &self.paths;
            // A's path is checked before its reserve, B's after A's reserve.
            if (&a.start * &q192).ceil() >= top || (&a.target * &q192).ceil() >= top {
                return Outcome::Fail(vec![MathError::OutOfRange]);
            }
            let b_out = (&b.start * &q192).floor() >= top;
            let limit = BigInt::from(1u8) << 128;
            let zero = BigInt::from(0u8);
            let (na, nb) = (self.nxm_reserve_a.floor(), self.nxm_reserve_b.ceil());
            let (bound_a, bound_b) = (
                self.reserve_bound(&self.nxm_reserve_a),
                self.reserve_bound(&self.nxm_reserve_b),
            );
            // The crate's Na lies in [na − bound_a, na], its Nb in [nb, nb + bound_b].
            let mut required = Vec::new();
            let mut possible = Vec::new();
            if &na - &bound_a >= limit || nb >= limit {
                required.push(MathError::OutOfRange);
            } else if na >= limit || &nb + &bound_b >= limit {
                possible.push(MathError::OutOfRange);
            }
            if na == zero {
                required.push(MathError::ReserveExhausted);
            } else if &na - &bound_a <= zero {
                possible.push(MathError::ReserveExhausted);
            }
            if b_out {
                required.push(MathError::OutOfRange);
            }
            if required.is_empty() && possible.is_empty() {
                Outcome::Succeed
            } else if required.is_empty() {
                Outcome::Either(possible)
            } else {
                required.extend(possible);
                Outcome::Fail(required)
            }
        }
    }

    /// `(cumulative + ⌊integral⌋) mod 2^112`.
    pub fn accumulate(cumulative: U256, integral_wad: &Ratio) -> U256 {
        wrap(&(big(cumulative) + integral_wad.floor()))
    }

    /// An exact swap: `(out, E', Na', Nb')`.
    pub struct ExactSwap {
        /// The amount out (NXM for a buy, ETH for a sale).
        pub out: Ratio,
        /// `E` after.
        pub eth_reserve: Ratio,
        /// `Na` after.
        pub nxm_reserve_a: Ratio,
        /// `Nb` after.
        pub nxm_reserve_b: Ratio,
    }

    /// A buy of `eth_in` in pool A: `out = Na·in / (E + in)`, `Na' = E·Na / (E + in)`,
    /// `Nb' = Nb·(E + in) / E`.
    pub fn buy(state: &RammState, eth_in: U256) -> ExactSwap {
        let (e, na, nb) = (
            big(state.eth_reserve),
            big(state.nxm_reserve_a),
            big(state.nxm_reserve_b),
        );
        let e1 = &e + big(eth_in);
        ExactSwap {
            out: Ratio::new(&na * big(eth_in), e1.clone()),
            nxm_reserve_a: Ratio::new(&e * &na, e1.clone()),
            nxm_reserve_b: Ratio::new(&nb * &e1, e.clone()),
            eth_reserve: Ratio::int(e1),
        }
    }

    /// A sale of `nxm_in` in pool B: `out = E·in / (Nb + in)`, `E' = E·Nb / (Nb + in)`, and
    /// `Na' = Na·⌈E'⌉ / E`: A's price unchanged at the new reserve, which is the integer
    /// `⌈E'⌉` (the crate's `E'`, itself checked against `E'` exactly).
    pub fn sell(state: &RammState, nxm_in: U256) -> ExactSwap {
        let (e, na, nb) = (
            big(state.eth_reserve),
            big(state.nxm_reserve_a),
            big(state.nxm_reserve_b),
        );
        let nb1 = &nb + big(nxm_in);
        let e1 = Ratio::new(&e * &nb, nb1.clone());
        ExactSwap {
            out: Ratio::new(&e * big(nxm_in), nb1.clone()),
            nxm_reserve_a: Ratio::new(na * e1.ceil(), e),
            nxm_reserve_b: Ratio::int(nb1),
            eth_reserve: e1,
        }
    }

    /// `E·1e18 / N` (wad).
    pub fn spot_price_wad(eth: U256, reserve: U256) -> Ratio {
        Ratio::new(big(eth) * wad(), big(reserve))
    }

    /// `C·1e18 / S` (wad).
    pub fn book_value_wad(capital: U256, supply: U256) -> Ratio {
        Ratio::new(big(capital) * wad(), big(supply))
    }

    /// The internal price before its final floor: `min(avgA, spotA) + max(avgB, spotB) − BV`
    /// clamped to `[35 %, 300 %]·BV`, the averages over `[start, now]` from the given
    /// cumulative prices (spot prices for an empty window).
    pub fn internal_price_wad(
        advanced: &Advanced,
        start: &Observation,
        capital: &Capital,
    ) -> Ratio {
        let s = &advanced.state;
        let spot_a = spot_price_wad(s.eth_reserve, s.nxm_reserve_a);
        let spot_b = spot_price_wad(s.eth_reserve, s.nxm_reserve_b);
        let window = s.updated_at_secs.saturating_sub(start.timestamp_secs);
        let (price_a, price_b) = if window == 0 {
            (spot_a, spot_b)
        } else {
            let average = |now: U256, then: U256| {
                Ratio::new(big(wrap(&(big(now) - big(then)))), BigInt::from(window))
            };
            (
                average(s.cumulative_a, start.cumulative_a).min(spot_a),
                average(s.cumulative_b, start.cumulative_b).max(spot_b),
            )
        };
        let book = book_value_wad(capital.capital_eth, capital.supply_nxm);
        let low = &book * &Ratio::new(35, 100);
        let high = &book * &Ratio::int(3);
        (&(&price_a + &price_b) - &book).clamp(low, high)
    }
}

/// Deterministic input generators shared by the property tests (seeded by proptest) and the
/// precision report (seeded by a counter), so both cover the same domain.
pub mod sample {
    use alloy_primitives::U256;
    use mutual_math::ramm::{self, Advanced, Capital, Observation, RammParams, RammState};

    /// One ETH (or NXM) in wei.
    pub const ONE_ETH: u128 = 1_000_000_000_000_000_000;

    /// SplitMix64: a tiny, well-distributed generator (Steele, Lea, Flood 2014).
    pub struct Rng(u64);

    impl Rng {
        /// A generator seeded with `seed`.
        pub fn new(seed: u64) -> Self {
            Self(seed)
        }
        /// The next 64 random bits.
        pub fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        /// A uniform value in `[0, 1)`.
        pub fn unit(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
        }
        /// True with probability `p`.
        pub fn chance(&mut self, p: f64) -> bool {
            self.unit() < p
        }
        /// A log-uniform integer in `[lo, hi]` (`lo >= 1`), exact at both ends.
        pub fn log_uniform(&mut self, lo: U256, hi: U256) -> U256 {
            if hi <= lo {
                return lo;
            }
            let (l, h) = (to_f64(lo).ln(), to_f64(hi).ln());
            let x = (l + (h - l) * self.unit()).exp();
            from_f64(x).clamp(lo, hi)
        }
        /// A log-uniform `u64` in `[lo, hi]` (`lo >= 1`).
        pub fn log_uniform_u64(&mut self, lo: u64, hi: u64) -> u64 {
            self.log_uniform(U256::from(lo), U256::from(hi)).to::<u64>()
        }
        /// A uniformly random 256-bit value of a uniformly random bit length.
        pub fn wide(&mut self) -> U256 {
            let bits = (self.next_u64() % 257) as usize;
            let limbs = [
                self.next_u64(),
                self.next_u64(),
                self.next_u64(),
                self.next_u64(),
            ];
            let x = U256::from_limbs(limbs);
            if bits == 0 {
                U256::ZERO
            } else {
                x >> (256 - bits)
            }
        }
        /// A 256-bit value built from edge-case limbs (0, 1, 2^63 - 1, 2^63, 2^64 - 1 or random)
        /// above a random number of zero limbs: the divisor and dividend shapes that exercise
        /// long division's rare branches (capped quotient digits, corrections, add-back).
        pub fn structured(&mut self) -> U256 {
            const EDGES: [u64; 5] = [0, 1, (1 << 63) - 1, 1 << 63, u64::MAX];
            let len = (self.next_u64() % 5) as usize;
            let mut limbs = [0u64; 4];
            for limb in limbs.iter_mut().take(len) {
                let pick = self.next_u64() % 6;
                *limb = if pick == 5 {
                    self.next_u64()
                } else {
                    EDGES[pick as usize]
                };
            }
            U256::from_limbs(limbs)
        }
    }

    fn to_f64(x: U256) -> f64 {
        x.as_limbs()
            .iter()
            .rev()
            .fold(0.0, |acc, &l| acc * 18_446_744_073_709_551_616.0 + l as f64)
    }

    fn from_f64(x: f64) -> U256 {
        const TWO_120: f64 = 1_329_227_995_784_915_872_903_807_060_280_344_576.0;
        if x <= TWO_120 {
            return U256::from(x.max(0.0) as u128);
        }
        // Keep 120 bits of the mantissa and shift the rest in.
        let shift = x.log2().ceil() as usize - 120;
        U256::from((x / 2f64.powi(shift as i32)) as u128) << shift
    }

    /// `x` ETH in wei.
    pub fn eth(x: u128) -> U256 {
        U256::from(x) * U256::from(ONE_ETH)
    }

    /// `2^128 − 1`: the largest amount of the RAMM's domain.
    pub fn max_amount() -> U256 {
        (U256::from(1u8) << 128) - U256::from(1u8)
    }

    /// `amount · factor` for a real factor (through 2^-60 fixed point), at least 1.
    fn scaled(amount: U256, factor: f64) -> U256 {
        let fixed = U256::from((factor * (1u64 << 60) as f64) as u128);
        (amount.saturating_mul(fixed) >> 60usize).max(U256::from(1u8))
    }

    /// A log-uniform real in `[lo, hi]`.
    fn log_real(rng: &mut Rng, lo: f64, hi: f64) -> f64 {
        (lo.ln() + (hi.ln() - lo.ln()) * rng.unit()).exp()
    }

    /// RAMM parameters: the launch values (half the cases), a shorter day (a quarter), or
    /// anything in the domain (a quarter): target 1 wei … 10^9 ETH, speeds 1 wei … 10^7 ETH a
    /// day, buffer 0 … 9 999 bps, ratchets 0 … 100 000 bps a day, day 1 s … 2^20 s, period
    /// 1 s … 2^22 s.
    pub fn ramm_params(rng: &mut Rng) -> RammParams {
        match rng.next_u64() % 4 {
            0 | 1 => RammParams::LAUNCH,
            2 => RammParams::with_day_secs(1 + rng.next_u64() % 86_400),
            _ => RammParams {
                target_liquidity_eth: rng.log_uniform(U256::from(1u8), eth(1_000_000_000)),
                liquidity_out_eth_per_day: rng.log_uniform(U256::from(1u8), eth(10_000_000)),
                liquidity_in_eth_per_day: rng.log_uniform(U256::from(1u8), eth(10_000_000)),
                fast_liquidity_in_eth_per_day: rng.log_uniform(U256::from(1u8), eth(10_000_000)),
                price_buffer_bps: U256::from(rng.next_u64() % 10_000),
                ratchet_bps_per_day: U256::from(rng.next_u64() % 100_001),
                fast_ratchet_bps_per_day: U256::from(rng.next_u64() % 100_001),
                day_secs: rng.log_uniform_u64(1, 1 << 20),
                twap_period_secs: rng.log_uniform_u64(1, 1 << 22),
            },
        }
    }

    /// A RAMM update to test: state, capital, parameters and `now`.
    #[derive(Clone, Copy, Debug)]
    pub struct RammCase {
        /// The state before the update.
        pub state: RammState,
        /// Capital, supply and MCR at the update.
        pub capital: Capital,
        /// The parameters.
        pub params: RammParams,
        /// When the update happens.
        pub now_secs: u64,
    }

    /// A state and capital, realistic in 80 % of the cases (book value 10^-6 … 10^3 ETH per
    /// NXM, supply 10^3 … 10^10 NXM, E 1 … 10^7 ETH or at the target, spot A 0.3 … 30 × BV,
    /// spot B 0.05 … 3 × BV, MCR 1 % … 200 % of capital, a budget in 60 % of the cases) and
    /// anywhere in the domain otherwise (every amount log-uniform in `[1, 2^128)`); the time
    /// since the update is 0 (10 %), negative (5 %), up to ~3 years (70 %) or up to 2^40 s.
    pub fn ramm_case(rng: &mut Rng) -> RammCase {
        let params = ramm_params(rng);
        let one = U256::from(1u8);
        let (state_amounts, capital) = if rng.chance(0.8) {
            let supply = rng.log_uniform(eth(1_000), eth(10_000_000_000));
            let book = log_real(rng, 1e-6, 1e3);
            let capital_eth = scaled(supply, book);
            let eth_reserve = if rng.chance(0.2) {
                params.target_liquidity_eth
            } else {
                rng.log_uniform(eth(1), eth(10_000_000))
            };
            let spot_a = book * log_real(rng, 0.3, 30.0);
            let spot_b = book * log_real(rng, 0.05, 3.0);
            let budget = if rng.chance(0.4) {
                U256::ZERO
            } else {
                rng.log_uniform(one, eth(1_000_000))
            };
            (
                (
                    eth_reserve,
                    scaled(eth_reserve, 1.0 / spot_a),
                    scaled(eth_reserve, 1.0 / spot_b),
                    budget,
                ),
                Capital {
                    capital_eth,
                    supply_nxm: supply,
                    mcr_eth: scaled(capital_eth, log_real(rng, 0.01, 2.0)),
                },
            )
        } else {
            let mut amount = || rng.log_uniform(one, max_amount());
            (
                (amount(), amount(), amount(), amount()),
                Capital {
                    capital_eth: amount(),
                    supply_nxm: amount(),
                    mcr_eth: amount(),
                },
            )
        };
        let (eth_reserve, nxm_reserve_a, nxm_reserve_b, budget_eth) = state_amounts;
        let updated_at_secs = (1 << 30) + rng.next_u64() % (1 << 34);
        let roll = rng.unit();
        let now_secs = if roll < 0.1 {
            updated_at_secs
        } else if roll < 0.15 {
            updated_at_secs - rng.next_u64() % (1 << 20)
        } else if roll < 0.85 {
            updated_at_secs + rng.log_uniform_u64(1, 100_000_000)
        } else {
            updated_at_secs + rng.log_uniform_u64(1, (1 << 40) - 1)
        };
        RammCase {
            state: RammState {
                eth_reserve,
                nxm_reserve_a: nxm_reserve_a.min(max_amount()),
                nxm_reserve_b: nxm_reserve_b.min(max_amount()),
                budget_eth,
                updated_at_secs,
                cumulative_a: rng.wide(),
                cumulative_b: rng.wide(),
            },
            capital,
            params,
            now_secs,
        }
    }

    /// The end of a random history: the last update, the three stored observation slots, the
    /// capital and the parameters.
    pub struct RammSequence {
        /// The last update.
        pub advanced: Advanced,
        /// The observation slots as stored after it.
        pub stored: [Observation; 3],
        /// The capital at the last update.
        pub capital: Capital,
        /// The parameters.
        pub params: RammParams,
    }

    /// A launch (launch parameters or a short day; E 100 … 10^6 ETH, book value 10^-6 …
    /// 100 ETH per NXM, capital 2 … 100 × E, spot A 1 … 4 × BV, spot B 0.01 … 1 × BV, a budget
    /// half the time) followed by 1–6 updates 1 s … 2 periods apart, each with the capital and
    /// supply drifting by up to ±10 % and, in two cases out of three, a buy or a sale of up to
    /// 20 % of the reserves (a sale only if it leaves the capital at or above the MCR, as the
    /// contract requires); the observations are stored by slot as the contract does.
    pub fn ramm_sequence(rng: &mut Rng) -> RammSequence {
        let params = if rng.chance(0.5) {
            RammParams::LAUNCH
        } else {
            RammParams::with_day_secs(1 + rng.next_u64() % 86_400)
        };
        let one = U256::from(1u8);
        let eth_reserve = rng.log_uniform(eth(100), eth(1_000_000));
        let book = rng.log_uniform(U256::from(1_000_000_000_000u64), eth(100));
        let spot_a = book + book * U256::from(rng.next_u64() % 300) / U256::from(100u8);
        let spot_b = (book * U256::from(1 + rng.next_u64() % 100) / U256::from(100u8)).max(one);
        let now = (1 << 31) + rng.next_u64() % (1 << 30);
        let budget = if rng.chance(0.5) {
            U256::ZERO
        } else {
            rng.log_uniform(one, eth(50_000))
        };
        let (mut state, seeds) =
            ramm::launch(eth_reserve, budget, spot_a, spot_b, &params, now).expect("launch");
        let mut stored = seeds;
        for o in &seeds {
            stored[ramm::observation_slot(o.timestamp_secs, &params)] = *o;
        }
        let capital_eth = scaled(eth_reserve, log_real(rng, 2.0, 100.0));
        let mut capital = Capital {
            capital_eth,
            supply_nxm: (capital_eth * U256::from(ONE_ETH) / book).max(one),
            mcr_eth: U256::ZERO,
        };
        let steps = 1 + rng.next_u64() % 6;
        let mut last = None;
        for step in 0..steps {
            let mut drift = |x: U256| scaled(x, 0.9 + 0.2 * rng.unit());
            capital.capital_eth = drift(capital.capital_eth);
            capital.supply_nxm = drift(capital.supply_nxm);
            capital.mcr_eth = capital.capital_eth / U256::from(2u8);
            let dt = rng.log_uniform_u64(1, 2 * params.twap_period_secs);
            let advanced = ramm::advance(&state, &capital, &params, state.updated_at_secs + dt)
                .expect("an update of a realistic history");
            for o in advanced.observations.iter().flatten() {
                stored[ramm::observation_slot(o.timestamp_secs, &params)] = *o;
            }
            state = advanced.state;
            if step + 1 < steps {
                match rng.next_u64() % 3 {
                    0 => {
                        let e = rng.log_uniform(one, state.eth_reserve / U256::from(5u8));
                        let (after, out) = ramm::swap_eth_for_nxm(&state, e).expect("a buy");
                        state = after;
                        capital.capital_eth += e;
                        capital.supply_nxm += out;
                    }
                    1 => {
                        let n = rng.log_uniform(one, state.nxm_reserve_b / U256::from(5u8));
                        let (after, out) = ramm::swap_nxm_for_eth(&state, n).expect("a sale");
                        if capital.capital_eth >= out + capital.mcr_eth && capital.supply_nxm > n {
                            state = after;
                            capital.capital_eth -= out;
                            capital.supply_nxm -= n;
                        }
                    }
                    _ => {}
                }
            }
            last = Some(advanced);
        }
        RammSequence {
            advanced: last.expect("at least one update"),
            stored,
            capital,
            params,
        }
    }
}
