//! High-precision reference for `mutual-math`, and V1's bonding-curve approximation.
//!
//! Everything here is computed independently of the crate under test: the curve integral from
//! its closed-form antiderivative in 512-bit binary floating point (astro-float), the sale by
//! Newton's method on that closed form, integer formulas with arbitrary-precision integers
//! (num-bigint). The precision tests and the `precision-report` binary compare `mutual-math`
//! against these values.
//!
//! # The closed form
//! With `a = (A C M^3)^{1/4}` and `u = V / a`, `P(V) = A (1 + u^4)` and
//! `∫ dV / P = (a / A) ∫ du / (1 + u^4) = (a / A) G(u)` where
//!
//! ```text
//! G(u) = ( ln((u² + √2 u + 1) / (u² − √2 u + 1)) + 2 atan2(√2 u, 1 − u²) ) / (4 √2)
//! ```
//!
//! (the standard antiderivative of `1 / (1 + u^4)`, continuous on `u >= 0` with `atan2` taken in
//! `[0, π)`). Differences of `G` lose up to ~200 bits to cancellation at the extremes of the
//! tested domain; 512 bits leave more than 300.

use alloy_primitives::U256;
use astro_float::{BigFloat, Consts, RoundingMode};
use num_bigint::BigUint;

/// Working precision of the reference, in bits.
pub const PRECISION_BITS: usize = 512;
const RM: RoundingMode = RoundingMode::ToEven;

/// Exact `U256` → arbitrary-precision integer.
pub fn to_biguint(x: U256) -> BigUint {
    BigUint::from_bytes_le(&x.to_le_bytes::<32>())
}

/// A 512-bit evaluator of the curve and conversions between number types.
pub struct Reference {
    consts: Consts,
}

impl Default for Reference {
    fn default() -> Self {
        Self::new()
    }
}

impl Reference {
    /// A new evaluator (allocates astro-float's constant cache).
    ///
    /// # Panics
    /// If astro-float cannot allocate its constant cache (out of memory).
    pub fn new() -> Self {
        Self {
            consts: Consts::new().expect("astro-float constant cache"),
        }
    }

    /// `x` as a 512-bit float (exact: 256 bits fit in the mantissa).
    pub fn big(&self, x: U256) -> BigFloat {
        let two_64 = BigFloat::from_f64(18_446_744_073_709_551_616.0, PRECISION_BITS);
        x.as_limbs()
            .iter()
            .rev()
            .fold(BigFloat::new(PRECISION_BITS), |acc, &limb| {
                acc.mul(&two_64, PRECISION_BITS, RM).add(
                    &BigFloat::from_word(limb, PRECISION_BITS),
                    PRECISION_BITS,
                    RM,
                )
            })
    }

    /// A small integer as a float.
    pub fn int(&self, x: u64) -> BigFloat {
        BigFloat::from_word(x, PRECISION_BITS)
    }

    /// `x` rounded to the nearest `f64` (for reports).
    pub fn to_f64(&mut self, x: &BigFloat) -> f64 {
        if x.is_zero() {
            return 0.0;
        }
        let text = x
            .format(astro_float::Radix::Dec, RM, &mut self.consts)
            .expect("format a finite float");
        text.parse::<f64>().unwrap_or(f64::NAN)
    }

    fn add(&self, a: &BigFloat, b: &BigFloat) -> BigFloat {
        a.add(b, PRECISION_BITS, RM)
    }
    fn sub(&self, a: &BigFloat, b: &BigFloat) -> BigFloat {
        a.sub(b, PRECISION_BITS, RM)
    }
    fn mul(&self, a: &BigFloat, b: &BigFloat) -> BigFloat {
        a.mul(b, PRECISION_BITS, RM)
    }
    fn div(&self, a: &BigFloat, b: &BigFloat) -> BigFloat {
        a.div(b, PRECISION_BITS, RM)
    }

    fn price_floor(&self) -> BigFloat {
        self.big(mutual_math::curve::CURVE_PRICE_FLOOR_WEI)
    }
    fn steepness(&self) -> BigFloat {
        self.big(mutual_math::curve::CURVE_STEEPNESS)
    }
    fn wad(&self) -> BigFloat {
        self.int(1_000_000_000_000_000_000)
    }

    /// `P(V) = A + V^4 / (C M^3)` in wei per NXM.
    pub fn spot_price(&self, pool: &BigFloat, mcr: &BigFloat) -> BigFloat {
        let v4 = pool.powi(4, PRECISION_BITS, RM);
        let m3 = mcr.powi(3, PRECISION_BITS, RM);
        let curve = self.div(&v4, &self.mul(&self.steepness(), &m3));
        self.add(&self.price_floor(), &curve)
    }

    /// `a = (A C M^3)^{1/4}` in wei.
    fn curve_scale(&mut self, mcr: &BigFloat) -> BigFloat {
        let m3 = mcr.powi(3, PRECISION_BITS, RM);
        let a4 = self.mul(&self.mul(&self.price_floor(), &self.steepness()), &m3);
        a4.sqrt(PRECISION_BITS, RM).sqrt(PRECISION_BITS, RM)
    }

    /// The antiderivative `G(u)` of `1 / (1 + u^4)` with `G(0) = 0` (module docs).
    fn antiderivative(&mut self, u: &BigFloat) -> BigFloat {
        let one = self.int(1);
        let sqrt2 = self.int(2).sqrt(PRECISION_BITS, RM);
        let u2 = self.mul(u, u);
        let s_u = self.mul(&sqrt2, u);
        let p = self.add(&u2, &one);
        let log_arg = self.div(&self.add(&p, &s_u), &self.sub(&p, &s_u));
        let log = log_arg.ln(PRECISION_BITS, RM, &mut self.consts);
        let pi = self.consts.pi(PRECISION_BITS, RM);
        let denom = self.sub(&one, &u2);
        let angle = match denom.cmp(&BigFloat::new(PRECISION_BITS)) {
            Some(c) if c > 0 => self
                .div(&s_u, &denom)
                .atan(PRECISION_BITS, RM, &mut self.consts),
            Some(0) => self.div(&pi, &self.int(2)),
            _ => {
                let t = self
                    .div(&s_u, &denom.neg())
                    .atan(PRECISION_BITS, RM, &mut self.consts);
                self.sub(&pi, &t)
            }
        };
        let sum = self.add(&log, &self.mul(&self.int(2), &angle));
        self.div(&sum, &self.mul(&self.int(4), &sqrt2))
    }

    /// `1e18 * ∫[low, high] dV / P(V)`: NXM wei for moving the pool from `low` to `high` wei.
    pub fn nxm_between(&mut self, low: &BigFloat, high: &BigFloat, mcr: &BigFloat) -> BigFloat {
        let a = self.curve_scale(mcr);
        let g_high = self.antiderivative(&self.div(high, &a));
        let g_low = self.antiderivative(&self.div(low, &a));
        let tokens = self.mul(
            &self.div(&a, &self.price_floor()),
            &self.sub(&g_high, &g_low),
        );
        self.mul(&tokens, &self.wad())
    }

    /// Exact NXM wei minted for `eth_in` wei at pool value `pool` and MCR `mcr` (no limits).
    pub fn exact_nxm_out(&mut self, pool: U256, mcr: U256, eth_in: U256) -> BigFloat {
        let (v, m) = (self.big(pool), self.big(mcr));
        let high = self.add(&v, &self.big(eth_in));
        self.nxm_between(&v, &high, &m)
    }

    /// The gross ETH `e` (wei, real) with `1e18 ∫[V-e, V] dV / P = nxm_in`, by Newton's method
    /// from the upper bound `nxm_in * P(V) / 1e18` until the step is below `1e-60 e`.
    pub fn exact_gross_eth(&mut self, pool: U256, mcr: U256, nxm_in: U256) -> BigFloat {
        let (v, m, n) = (self.big(pool), self.big(mcr), self.big(nxm_in));
        let mut e = self.div(&self.mul(&n, &self.spot_price(&v, &m)), &self.wad());
        let tolerance = self.div(&self.int(1), &self.int(10).powi(60, PRECISION_BITS, RM));
        for _ in 0..200 {
            let low = self.sub(&v, &e);
            let f = self.nxm_between(&low, &v, &m);
            let step = self.div(
                &self.mul(&self.sub(&f, &n), &self.spot_price(&low, &m)),
                &self.wad(),
            );
            e = self.sub(&e, &step);
            let small = self.mul(&e, &tolerance);
            if step.abs_cmp(&small).is_some_and(|c| c <= 0) {
                break;
            }
        }
        e
    }

    /// Exact ETH wei paid for `nxm_in`: the gross amount less the 2.5 % spread.
    pub fn exact_eth_out(&mut self, pool: U256, mcr: U256, nxm_in: U256) -> BigFloat {
        let gross = self.exact_gross_eth(pool, mcr, nxm_in);
        self.div(&self.mul(&gross, &self.int(9_750)), &self.int(10_000))
    }

    /// V1's buy (`Pool.getNXMForEth`, v1.7.3), evaluated in 512-bit floats so that only the
    /// approximation differs: integrate the A-free curve, `adjTokens = C M^3 / 3 (V^-3 −
    /// (V+e)^-3)`, then `price = e / adjTokens + A` and `tokens = e / price`; `e / A` when
    /// `V = 0` or `M / V > 1e12`.
    pub fn v1_nxm_out(&mut self, pool: U256, mcr: U256, eth_in: U256) -> BigFloat {
        let (v, m, e) = (self.big(pool), self.big(mcr), self.big(eth_in));
        let degenerate = pool.is_zero() || mcr / pool > U256::from(1_000_000_000_000u64);
        let price = if degenerate {
            self.price_floor()
        } else {
            let m3 = m.powi(3, PRECISION_BITS, RM);
            let k = self.div(&self.mul(&self.steepness(), &m3), &self.int(3));
            let inv3 = |r: &Self, x: &BigFloat| r.div(&r.int(1), &x.powi(3, PRECISION_BITS, RM));
            let high = self.add(&v, &e);
            let adj_tokens = self.mul(&k, &self.sub(&inv3(self, &v), &inv3(self, &high)));
            self.add(&self.div(&e, &adj_tokens), &self.price_floor())
        };
        self.mul(&self.div(&e, &price), &self.wad())
    }

    /// V1's sell (`Pool.getEthForNXM`, v1.7.3) in 512-bit floats: `p0 = P(V)`,
    /// `p1 = P(V − n p0)`, `price = min((p0 + p1) / 2 * 0.975, p1)`, `ethOut = n * price`.
    pub fn v1_eth_out(&mut self, pool: U256, mcr: U256, nxm_in: U256) -> BigFloat {
        let (v, m, n) = (self.big(pool), self.big(mcr), self.big(nxm_in));
        let tokens = self.div(&n, &self.wad());
        let p0 = self.spot_price(&v, &m);
        let p1 = self.spot_price(&self.sub(&v, &self.mul(&tokens, &p0)), &m);
        let avg = self.div(&self.add(&p0, &p1), &self.int(2));
        let spread = self.div(&self.mul(&avg, &self.int(975)), &self.int(1_000));
        let price = if spread.cmp(&p1).is_some_and(|c| c < 0) {
            spread
        } else {
            p1
        };
        self.mul(&tokens, &price)
    }

    /// `(value − exact) / exact` as `f64` (positive when `value` is above the exact result).
    pub fn relative_error(&mut self, value: &BigFloat, exact: &BigFloat) -> f64 {
        if exact.is_zero() {
            return if value.is_zero() { 0.0 } else { f64::INFINITY };
        }
        let rel = self.div(&self.sub(value, exact), exact);
        self.to_f64(&rel)
    }

    /// `value − exact` as `f64`.
    pub fn absolute_error(&mut self, value: &BigFloat, exact: &BigFloat) -> f64 {
        let diff = self.sub(value, exact);
        self.to_f64(&diff)
    }
}

/// Deterministic input generators shared by the property tests (seeded by proptest) and the
/// precision report (seeded by a counter), so both cover the same domain.
///
/// Domain (issue "Foundation" §3): pool value 1 ETH … 10^9 ETH, MCR 1 … 10^8 ETH, amounts
/// log-uniform from 1 wei up to the trade limit, so tiny, realistic and extreme trades all occur.
pub mod sample {
    use alloy_primitives::U256;

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
        /// A log-uniform integer in `[lo, hi]` (`lo >= 1`), exact at both ends.
        pub fn log_uniform(&mut self, lo: U256, hi: U256) -> U256 {
            if hi <= lo {
                return lo;
            }
            let (l, h) = (to_f64(lo).ln(), to_f64(hi).ln());
            let x = (l + (h - l) * self.unit()).exp();
            from_f64(x).clamp(lo, hi)
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
    }

    impl Rng {
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

    fn eth(x: u128) -> U256 {
        U256::from(x) * U256::from(ONE_ETH)
    }

    /// `(pool value, MCR, ETH in)` for a buy inside the trade limits: MCR 1 … 10^8 ETH, pool
    /// value 1 ETH … min(4 MCR, 10^9 ETH) (zero in 5 % of cases), ETH in 1 wei … 5 % of MCR.
    pub fn buy(rng: &mut Rng) -> (U256, U256, U256) {
        let mcr = rng.log_uniform(eth(1), eth(100_000_000));
        let pool = if rng.unit() < 0.05 {
            U256::ZERO
        } else {
            rng.log_uniform(
                eth(1),
                (mcr * U256::from(4u8)).min(eth(1_000_000_000)).max(eth(1)),
            )
        };
        let eth_in = rng.log_uniform(U256::from(1u8), mcr / U256::from(20u8));
        (pool, mcr, eth_in)
    }

    /// `(pool value, MCR)` with the pool above the MCR (sells possible): MCR 1 … 10^8 ETH, pool
    /// value MCR … 10^9 ETH, log-uniform.
    pub fn sell_state(rng: &mut Rng) -> (U256, U256) {
        let mcr = rng.log_uniform(eth(1), eth(100_000_000));
        let pool = rng.log_uniform(
            mcr + U256::from(1u8),
            eth(1_000_000_000).max(mcr + U256::from(2u8)),
        );
        (pool, mcr)
    }

    /// `(pool value, MCR)` anywhere in the domain: pool 1 … 10^9 ETH, MCR 1 … 10^8 ETH.
    pub fn state(rng: &mut Rng) -> (U256, U256) {
        (
            rng.log_uniform(eth(1), eth(1_000_000_000)),
            rng.log_uniform(eth(1), eth(100_000_000)),
        )
    }
}
