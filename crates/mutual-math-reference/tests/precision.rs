//! Property tests of `mutual-math`'s fixed-point, pricing, MCR and staking functions against
//! exact integers: 10 000 cases per function (the RAMM's are in `ramm.rs`).
//!
//! Each case is drawn from a proptest-chosen seed, so failures shrink to a seed that
//! `precision-report`-style code can replay.

use alloy_primitives::U256;
use mutual_math::{fixed, mcr, pricing, staking, MathError};
use mutual_math_reference::{sample::Rng, to_biguint};
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
    fn premium_rounds_up_exactly(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let amount = rng.log_uniform(U256::from(1u8), U256::from(10u8).pow(U256::from(30u8)));
        let price_bps = U256::from(rng.next_u64() % 10_001);
        let period = 28 * 86_400 + rng.next_u64() % (337 * 86_400);
        let num = to_biguint(amount) * to_biguint(price_bps) * BigUint::from(period);
        let den = BigUint::from(10_000u64 * pricing::YEAR_SECS);
        let exact_up = (num + &den - 1u8) / den;
        prop_assert_eq!(pricing::premium(amount, price_bps, period, pricing::YEAR_SECS).ok(), to_u256(&exact_up));
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
