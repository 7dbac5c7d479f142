//! Property tests of `mutual-math` against the high-precision reference: 10 000 cases per
//! function over the domain of `mutual_math_reference::sample`.
//!
//! Each case is drawn from a proptest-chosen seed, so failures shrink to a seed that
//! `precision-report`-style code can replay.

use alloy_primitives::U256;
use astro_float::BigFloat;
use mutual_math::{curve, fixed, mcr, pricing, staking, MathError};
use mutual_math_reference::{
    sample::{self, Rng},
    to_biguint, Reference,
};
use num_bigint::BigUint;
use proptest::prelude::*;

const CASES: u32 = 10_000;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn to_u256(x: &BigUint) -> Option<U256> {
    (x.bits() <= 256).then(|| U256::from_le_slice(&x.to_bytes_le()))
}

/// `ours` must equal `floor(exact)`: it may not exceed the exact value (the trader's favour)
/// and may not be more than the final rounding below it.
fn assert_correctly_floored(reference: &mut Reference, ours: U256, exact: &BigFloat, what: &str) {
    let floor = exact.floor();
    let off = reference.absolute_error(&reference.big(ours), &floor);
    assert!(
        off == 0.0,
        "{what}: ours {ours} is {off} units from floor(exact) {}",
        reference.to_f64(exact)
    );
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mul_div_is_exact(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let (a, b, d) = (rng.wide(), rng.wide(), rng.wide());
        let product = to_biguint(a) * to_biguint(b);
        if d.is_zero() {
            prop_assert_eq!(fixed::mul_div_down(a, b, d), Err(MathError::DivisionByZero));
            prop_assert_eq!(fixed::mul_div_up(a, b, d), Err(MathError::DivisionByZero));
            return Ok(());
        }
        let den = to_biguint(d);
        let down = &product / &den;
        let up = (&product + &den - 1u8) / &den;
        prop_assert_eq!(fixed::mul_div_down(a, b, d).ok(), to_u256(&down));
        prop_assert_eq!(fixed::mul_div_up(a, b, d).ok(), to_u256(&up));
        if to_u256(&down).is_none() {
            prop_assert_eq!(fixed::mul_div_down(a, b, d), Err(MathError::Overflow));
        }
    }

    #[test]
    fn mul_div_is_exact_on_edge_limbs(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let (a, b) = (rng.structured(), rng.structured());
        let d = rng.structured().max(U256::from(1u8));
        let product = to_biguint(a) * to_biguint(b);
        let den = to_biguint(d);
        prop_assert_eq!(fixed::mul_div_down(a, b, d).ok(), to_u256(&(&product / &den)));
        prop_assert_eq!(fixed::mul_div_up(a, b, d).ok(), to_u256(&((&product + &den - 1u8) / &den)));
    }

    #[test]
    fn sqrt_is_exact_floor(seed in any::<u64>()) {
        let x = Rng::new(seed).wide();
        let root = to_biguint(fixed::sqrt_down(x));
        let n = to_biguint(x);
        prop_assert!(&root * &root <= n);
        prop_assert!((&root + 1u8) * (&root + 1u8) > n);
    }

    #[test]
    fn spot_price_is_never_above_the_exact_price(seed in any::<u64>()) {
        let mut reference = Reference::new();
        let (pool, mcr_eth) = sample::state(&mut Rng::new(seed));
        let exact = reference.spot_price(&reference.big(pool), &reference.big(mcr_eth));
        let ours = curve::spot_price_wei(pool, mcr_eth).unwrap();
        // Q128 rounding of V/M, raised to the 4th power, then two floors: at most 2 wei plus
        // 2^-120 relative below the exact price, never above it.
        let below = -reference.absolute_error(&reference.big(ours), &exact);
        let allowed = 2.0 + reference.to_f64(&exact) * 2f64.powi(-120);
        prop_assert!((0.0..=allowed).contains(&below), "spot {ours} is {below} below exact");
    }

    #[test]
    fn buy_is_exact_integral_rounded_for_the_pool(seed in any::<u64>()) {
        let mut reference = Reference::new();
        let (pool, mcr_eth, eth_in) = sample::buy(&mut Rng::new(seed));
        let ours = curve::nxm_out_for_eth(pool, mcr_eth, eth_in).unwrap();
        let exact = reference.exact_nxm_out(pool, mcr_eth, eth_in);
        assert_correctly_floored(&mut reference, ours, &exact, "buy");
    }

    #[test]
    fn sell_is_exact_inverse_rounded_for_the_pool(seed in any::<u64>()) {
        let mut reference = Reference::new();
        let mut rng = Rng::new(seed);
        let (pool, mcr_eth) = sample::sell_state(&mut rng);
        let max_in = curve::max_nxm_in(pool, mcr_eth).unwrap();
        prop_assume!(!max_in.is_zero());
        let nxm_in = rng.log_uniform(U256::from(1u8), max_in);
        let ours = curve::eth_out_for_nxm(pool, mcr_eth, nxm_in).unwrap();
        let exact = reference.exact_eth_out(pool, mcr_eth, nxm_in);
        assert_correctly_floored(&mut reference, ours, &exact, "sell");
        // The limits hold for the largest sale accepted.
        let limit = (mcr_eth / U256::from(20u8)).min(pool - mcr_eth);
        prop_assert!(curve::eth_out_for_nxm(pool, mcr_eth, max_in).unwrap() <= limit);
        let over = curve::eth_out_for_nxm(pool, mcr_eth, max_in + U256::from(1u8));
        prop_assert_eq!(over, Err(MathError::SellAboveTradeLimit { nxm_in: max_in + U256::from(1u8), max_nxm_in: max_in }));
    }

    #[test]
    fn premium_rounds_up_exactly(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let amount = rng.log_uniform(U256::from(1u8), U256::from(10u8).pow(U256::from(30u8)));
        let price_bps = U256::from(rng.next_u64() % 10_001);
        let period = 28 * 86_400 + rng.next_u64() % (337 * 86_400);
        let num = to_biguint(amount) * to_biguint(price_bps) * BigUint::from(period);
        let den = BigUint::from(10_000u64 * pricing::YEAR_SECS);
        let exact_up = (num + &den - 1u8) / den;
        prop_assert_eq!(pricing::premium(amount, price_bps, period).ok(), to_u256(&exact_up));
    }

    #[test]
    fn commission_is_its_share_of_the_gross(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let premium = rng.log_uniform(U256::from(1u8), U256::from(10u8).pow(U256::from(30u8)));
        let ratio = U256::from(rng.next_u64() % 3_001);
        let gross = to_biguint(premium) * 10_000u32 / (BigUint::from(10_000u32) - to_biguint(ratio));
        let expected = gross - to_biguint(premium);
        prop_assert_eq!(pricing::commission(premium, ratio).ok(), to_u256(&expected));
    }

    #[test]
    fn smoothing_moves_at_most_the_allowed_step(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let one = U256::from(10u8).pow(U256::from(18u8));
        let stored = rng.log_uniform(one, one * U256::from(100_000_000u64));
        let desired = rng.log_uniform(one, one * U256::from(100_000_000u64));
        let elapsed = rng.next_u64() % (3 * 86_400);
        let next = mcr::smoothed_mcr_eth(stored, desired, elapsed).unwrap();
        let adj = (500 * u128::from(elapsed) / 86_400).min(100);
        let (s, n) = (to_biguint(stored), to_biguint(next));
        if desired >= stored {
            prop_assert!(next <= desired && next >= stored);
            prop_assert_eq!(next, to_u256(&(&s * (10_000 + adj) / 10_000u32)).unwrap().min(desired));
        } else {
            prop_assert!(next >= desired && next <= stored);
            prop_assert_eq!(n, (&s * (10_000 - adj) / 10_000u32).max(to_biguint(desired)));
        }
    }

    #[test]
    fn stake_shares_are_proportional_and_floored(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let big = U256::from(10u8).pow(U256::from(30u8));
        let (supply, stake, amount) = (rng.log_uniform(U256::from(1u8), big), rng.log_uniform(U256::from(1u8), big), rng.log_uniform(U256::from(1u8), big));
        let expected = to_biguint(supply) * to_biguint(amount) / to_biguint(stake);
        prop_assert_eq!(staking::new_stake_shares(amount, supply, stake).ok(), to_u256(&expected));
        prop_assert_eq!(staking::new_stake_shares(amount, U256::ZERO, stake).unwrap(), fixed::sqrt_down(amount));
    }
}

/// The reference itself: its closed form must agree with direct numerical integration
/// (composite Simpson on 2 000 panels in 512-bit floats, error ~1e-13 relative) on a few points,
/// so a sign or branch mistake in the antiderivative cannot hide behind agreement with the crate.
#[test]
fn reference_closed_form_matches_simpson() {
    let mut reference = Reference::new();
    let eth = |x: u64| U256::from(x) * U256::from(10u8).pow(U256::from(18u8));
    for (pool, mcr_eth, eth_in) in [
        (eth(20_000), eth(10_000), eth(500)),
        (eth(0), eth(10_000), eth(500)),
        (eth(39_000), eth(10_000), eth(499)),
        (eth(2_000), eth(10_000_000), eth(400_000)),
    ] {
        let closed = reference.exact_nxm_out(pool, mcr_eth, eth_in);
        let (v, m, e) = (
            reference.big(pool),
            reference.big(mcr_eth),
            reference.big(eth_in),
        );
        let panels = 2_000u64;
        let h = e.div(
            &reference.int(panels),
            512,
            astro_float::RoundingMode::ToEven,
        );
        let mut sum = BigFloat::new(512);
        for i in 0..=2 * panels {
            let x = v.add(
                &h.mul(&reference.int(i), 512, astro_float::RoundingMode::ToEven)
                    .div(&reference.int(2), 512, astro_float::RoundingMode::ToEven),
                512,
                astro_float::RoundingMode::ToEven,
            );
            let f = reference.int(1).div(
                &reference.spot_price(&x, &m),
                512,
                astro_float::RoundingMode::ToEven,
            );
            let weight = if i == 0 || i == 2 * panels {
                1
            } else if i % 2 == 1 {
                4
            } else {
                2
            };
            sum = sum.add(
                &f.mul(
                    &reference.int(weight),
                    512,
                    astro_float::RoundingMode::ToEven,
                ),
                512,
                astro_float::RoundingMode::ToEven,
            );
        }
        let simpson = sum
            .mul(&h, 512, astro_float::RoundingMode::ToEven)
            .div(&reference.int(6), 512, astro_float::RoundingMode::ToEven)
            .mul(
                &reference.int(1_000_000_000_000_000_000),
                512,
                astro_float::RoundingMode::ToEven,
            );
        let rel = reference.relative_error(&simpson, &closed).abs();
        assert!(
            rel < 1e-12,
            "closed form vs Simpson: {rel:e} at pool {pool} mcr {mcr_eth} eth {eth_in}"
        );
    }
}
