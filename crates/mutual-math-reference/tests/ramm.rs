//! Property tests of `mutual_math::ramm` against the exact-rational reference
//! (`mutual_math_reference::ramm`), 10 000 cases each over `sample::ramm_case`'s domain.
//!
//! Every result must lie on the mutual's side of the exact value (a buyer never gets more NXM
//! than exact, a seller never more ETH, `Na` never above exact, `Nb` never below, no cumulative
//! or internal price above the exact one) and within the crate's documented bounds of the
//! exactly rounded value: swaps, spot prices, book value and launch 0 units, `Na` / `Nb` within
//! `1 + N²/(E·2^190)` units, cumulative prices, observations and the internal price within 2.
//! Errors must match the domain: a state the reference puts outside it is refused, every other
//! one accepted (both allowed within the reserves' rounding bound of the domain's edge).

use alloy_primitives::U256;
use mutual_math::{
    ramm::{self, Advanced, RammState},
    MathError,
};
use mutual_math_reference::{
    ramm as exact,
    sample::{self, RammCase, Rng},
    to_bigint, Floats, Ratio,
};
use num_bigint::BigInt;
use proptest::prelude::*;

const CASES: u32 = 10_000;

/// The most units a cumulative price, an observation or the internal price may lie below the
/// floor of the exact value.
const CUMULATIVE_UNITS: u8 = 2;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn big(x: U256) -> BigInt {
    to_bigint(x)
}

fn limit() -> BigInt {
    BigInt::from(1u8) << 128
}

/// The sampled case, advanced by the crate (`None` when it is refused, as the reference says it
/// must or may be).
fn advanced(case: &RammCase) -> Option<Advanced> {
    let reference = exact::advance(&case.state, &case.capital, &case.params, case.now_secs);
    let ours = ramm::advance(&case.state, &case.capital, &case.params, case.now_secs);
    let outcome = reference.outcome();
    assert!(
        outcome.allows(&ours),
        "{ours:?} where {outcome:?} for {case:?}"
    );
    ours.ok()
}

/// `cumulative_before + integral` as the crate accumulated it is within
/// [`CUMULATIVE_UNITS`] below the floor of the exact integral, modulo `2^112`.
fn cumulative_within_bound(before: U256, after: U256, integral_wad: &Ratio) -> bool {
    let added = big(exact::wrap(&(big(after) - big(before))));
    let below = big(exact::wrap(&(integral_wad.floor() - added)));
    below <= BigInt::from(CUMULATIVE_UNITS)
}

proptest! {
    #![proptest_config(config())]

    /// Liquidity exact; `⌊exact⌋ − bound ≤ Na ≤ ⌊exact⌋` and `⌈exact⌉ ≤ Nb ≤ ⌈exact⌉ + bound`
    /// (`bound = 1 + N²/(E·2^190)`, 1 for every realistic state); every cumulative price and
    /// observation at most [`CUMULATIVE_UNITS`] below `cumulative + ⌊exact integral⌋ mod 2^112`;
    /// both prices inside their band after every advance.
    #[test]
    fn advance_rounds_for_the_mutual(seed in any::<u64>()) {
        let case = sample::ramm_case(&mut Rng::new(seed));
        let reference = exact::advance(&case.state, &case.capital, &case.params, case.now_secs);
        let ours = ramm::advance(&case.state, &case.capital, &case.params, case.now_secs);
        let outcome = reference.outcome();
        prop_assert!(outcome.allows(&ours), "{:?} where {:?}", ours, outcome);
        let Ok(ours) = ours else { return Ok(()) };
        let s = &ours.state;
        prop_assert_eq!(big(s.eth_reserve), reference.eth_reserve.clone());
        prop_assert_eq!(big(s.budget_eth), reference.budget_eth.clone());
        prop_assert_eq!(big(ours.eth_injected), reference.eth_injected.clone());
        prop_assert_eq!(big(ours.eth_extracted), reference.eth_extracted.clone());
        let (na, nb) = (reference.nxm_reserve_a.floor(), reference.nxm_reserve_b.ceil());
        prop_assert!(big(s.nxm_reserve_a) <= na);
        prop_assert!(&na - big(s.nxm_reserve_a) <= reference.reserve_bound(&reference.nxm_reserve_a));
        prop_assert!(big(s.nxm_reserve_b) >= nb);
        prop_assert!(big(s.nxm_reserve_b) - &nb <= reference.reserve_bound(&reference.nxm_reserve_b));
        prop_assert_eq!(s.updated_at_secs, reference.now_secs);
        prop_assert!(cumulative_within_bound(case.state.cumulative_a, s.cumulative_a, &reference.integral_a_wad));
        prop_assert!(cumulative_within_bound(case.state.cumulative_b, s.cumulative_b, &reference.integral_b_wad));
        for (mine, theirs) in ours.observations.iter().zip(reference.observations.iter()) {
            match (mine, theirs) {
                (None, None) => {}
                (Some(o), Some((ts, a, b))) => {
                    prop_assert_eq!(o.timestamp_secs, *ts);
                    prop_assert!(cumulative_within_bound(case.state.cumulative_a, o.cumulative_a, a));
                    prop_assert!(cumulative_within_bound(case.state.cumulative_b, o.cumulative_b, b));
                }
                _ => prop_assert!(false, "observations not aligned: {:?}", ours.observations),
            }
        }
        // The rules that follow: both prices inside their band after every advance.
        let (a, b) = &reference.paths;
        prop_assert!(exact::spot_price_wad(s.eth_reserve, s.nxm_reserve_a) >= &a.target * &Ratio::int(exact::wad()));
        prop_assert!(exact::spot_price_wad(s.eth_reserve, s.nxm_reserve_b) <= &b.target * &Ratio::int(exact::wad()));
    }

    /// NXM out `⌊exact⌋`, `Na' = ⌈exact⌉`, `Nb' = ⌈exact⌉`, `k` never falls.
    #[test]
    fn buy_is_exact_and_keeps_k(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let Some(a) = advanced(&sample::ramm_case(&mut rng)) else { return Ok(()) };
        let s = a.state;
        let eth_in = rng.log_uniform(U256::from(1u8), s.eth_reserve.saturating_mul(U256::from(100u8)).min(sample::max_amount()));
        let reference = exact::buy(&s, eth_in);
        let out_of_domain = reference.eth_reserve.floor() >= limit() || reference.nxm_reserve_b.ceil() >= limit();
        let ours = ramm::swap_eth_for_nxm(&s, eth_in);
        if out_of_domain {
            prop_assert_eq!(ours, Err(MathError::OutOfRange));
            return Ok(());
        }
        let (after, out) = ours.unwrap();
        prop_assert_eq!(big(out), reference.out.floor());
        prop_assert_eq!(big(after.nxm_reserve_a), reference.nxm_reserve_a.ceil());
        prop_assert_eq!(big(after.nxm_reserve_b), reference.nxm_reserve_b.ceil());
        prop_assert_eq!(big(after.eth_reserve), reference.eth_reserve.floor());
        prop_assert!(big(after.eth_reserve) * big(after.nxm_reserve_a) >= big(s.eth_reserve) * big(s.nxm_reserve_a));
        prop_assert_eq!(RammState { eth_reserve: s.eth_reserve, nxm_reserve_a: s.nxm_reserve_a, nxm_reserve_b: s.nxm_reserve_b, ..after }, s);
    }

    /// ETH out `⌊exact⌋`, `E' = ⌈exact⌉`, `Na' = ⌊exact⌋`, `k` never falls.
    #[test]
    fn sell_is_exact_and_keeps_k(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let Some(a) = advanced(&sample::ramm_case(&mut rng)) else { return Ok(()) };
        let s = a.state;
        let nxm_in = rng.log_uniform(U256::from(1u8), s.nxm_reserve_b.saturating_mul(U256::from(100u8)).min(sample::max_amount()));
        let reference = exact::sell(&s, nxm_in);
        let ours = ramm::swap_nxm_for_eth(&s, nxm_in);
        if reference.nxm_reserve_b.floor() >= limit() {
            prop_assert_eq!(ours, Err(MathError::OutOfRange));
            return Ok(());
        }
        if reference.nxm_reserve_a.floor() == BigInt::from(0u8) {
            prop_assert_eq!(ours, Err(MathError::ReserveExhausted));
            return Ok(());
        }
        let (after, out) = ours.unwrap();
        prop_assert_eq!(big(out), reference.out.floor());
        prop_assert_eq!(big(after.eth_reserve), reference.eth_reserve.ceil());
        prop_assert_eq!(big(after.nxm_reserve_a), reference.nxm_reserve_a.floor());
        prop_assert_eq!(big(after.nxm_reserve_b), reference.nxm_reserve_b.floor());
        prop_assert!(big(after.eth_reserve) * big(after.nxm_reserve_b) >= big(s.eth_reserve) * big(s.nxm_reserve_b));
        prop_assert!(after.eth_reserve >= U256::from(1u8));
    }

    /// From any valid state and capital: buy `e` ETH, optionally advance any time with the
    /// capital and supply the buy implies (`C + e`, `S + n`), sell the `n` NXM bought: at most
    /// `e` comes back.
    #[test]
    fn round_trip_never_profits(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let case = sample::ramm_case(&mut rng);
        let Some(a) = advanced(&case) else { return Ok(()) };
        let eth_in = rng.log_uniform(U256::from(1u8), a.state.eth_reserve.saturating_mul(U256::from(10u8)).min(sample::max_amount()));
        let Ok((bought, nxm)) = ramm::swap_eth_for_nxm(&a.state, eth_in) else { return Ok(()) };
        let later = if rng.chance(0.5) {
            let capital = ramm::Capital {
                capital_eth: case.capital.capital_eth.saturating_add(eth_in).min(sample::max_amount()),
                supply_nxm: case.capital.supply_nxm.saturating_add(nxm).min(sample::max_amount()),
                ..case.capital
            };
            let dt = if rng.chance(0.2) { 0 } else { rng.log_uniform_u64(1, 100_000_000) };
            match ramm::advance(&bought, &capital, &case.params, bought.updated_at_secs + dt) {
                Ok(later) => later.state,
                Err(_) => return Ok(()),
            }
        } else {
            bought
        };
        if let Ok((_, back)) = ramm::swap_nxm_for_eth(&later, nxm) {
            prop_assert!(back <= eth_in, "paid {eth_in}, got back {back}");
        }
    }

    /// Spot prices and book value: the correctly rounded exact ratios.
    #[test]
    fn spot_prices_and_book_value_are_exact(seed in any::<u64>()) {
        let case = sample::ramm_case(&mut Rng::new(seed));
        let s = case.state;
        prop_assert_eq!(big(ramm::spot_price_a_wad(&s).unwrap()), exact::spot_price_wad(s.eth_reserve, s.nxm_reserve_a).ceil());
        prop_assert_eq!(big(ramm::spot_price_b_wad(&s).unwrap()), exact::spot_price_wad(s.eth_reserve, s.nxm_reserve_b).floor());
        let c = case.capital;
        prop_assert_eq!(big(ramm::book_value_wad(c.capital_eth, c.supply_nxm).unwrap()), exact::book_value_wad(c.capital_eth, c.supply_nxm).floor());
    }

    /// After a launch and a random sequence of updates and swaps, stored by slot as the contract
    /// does: the window starts at the boundary `(⌊now/P⌋ − 2)·P`, and the internal price is at
    /// most the floor of the exact one on those cumulative prices and at most
    /// [`CUMULATIVE_UNITS`] below it.
    #[test]
    fn internal_price_rounds_down_after_a_sequence(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let sample::RammSequence { advanced, stored, capital, params } = sample::ramm_sequence(&mut rng);
        let start = ramm::window_start(&advanced, &stored, &params);
        let now = advanced.state.updated_at_secs;
        let period = params.twap_period_secs;
        prop_assert_eq!(start.timestamp_secs, (now / period - 2) * period);
        let ours = ramm::internal_price_wad(&advanced, &start, &capital).unwrap();
        let floor = exact::internal_price_wad(&advanced, &start, &capital).floor();
        prop_assert!(big(ours) <= floor);
        prop_assert!(&floor - big(ours) <= BigInt::from(CUMULATIVE_UNITS));
    }

    /// Launch: reserves rounded for the mutual, observations `−spot·(now − ts) mod 2^112`, and a
    /// window from any of them averages exactly the given prices.
    #[test]
    fn launch_is_exact(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let params = sample::ramm_params(&mut rng);
        let eth = rng.log_uniform(U256::from(1u8), sample::eth(100_000_000));
        let spot_a = rng.log_uniform(U256::from(1u8), sample::eth(1_000_000));
        let spot_b = rng.log_uniform(U256::from(1u8), spot_a);
        let now = (1 << 31) + rng.next_u64() % (1 << 32);
        let Ok((s, obs)) = ramm::launch(eth, U256::ZERO, spot_a, spot_b, &params, now) else {
            // Only a reserve outside [1, 2^128) is refused.
            let na = exact::spot_price_wad(eth, spot_a).floor();
            let nb = exact::spot_price_wad(eth, spot_b).ceil();
            prop_assert!(na == BigInt::from(0u8) || nb >= limit());
            return Ok(());
        };
        prop_assert_eq!(big(s.nxm_reserve_a), exact::spot_price_wad(eth, spot_a).floor());
        prop_assert_eq!(big(s.nxm_reserve_b), exact::spot_price_wad(eth, spot_b).ceil());
        let period = params.twap_period_secs;
        for (i, o) in obs.iter().enumerate() {
            prop_assert_eq!(o.timestamp_secs, (now / period - 2 + i as u64) * period);
            let held = BigInt::from(now - o.timestamp_secs);
            prop_assert_eq!(o.cumulative_a, exact::wrap(&(-(big(spot_a) * &held))));
            prop_assert_eq!(o.cumulative_b, exact::wrap(&(-(big(spot_b) * &held))));
            // A window from this observation to now averages exactly spot A (while the
            // product stays below 2^112, the wrap's range).
            let since = (big(s.cumulative_a) - big(o.cumulative_a)).modpow(&BigInt::from(1u8), &exact::cumulative_modulus());
            if big(spot_a) * &held < exact::cumulative_modulus() {
                prop_assert_eq!(since, big(spot_a) * &held);
            }
        }
    }
}

/// The reference itself: its trapezoid-and-rectangle integral must agree with direct numerical
/// integration of `max(start − slope·τ, target)` (A) and `min(start + slope·τ, target)` (B) by
/// the composite midpoint rule on 2 000 panels in 512-bit floats. The rule is exact on linear
/// pieces, so only the panel holding the kink errs, by at most `slope·h²/8`: the check allows
/// that bound (plus float rounding) and nothing more, so a sign or branch mistake in the
/// reference cannot hide behind agreement with the crate.
#[test]
fn reference_integral_matches_quadrature() {
    use astro_float::{BigFloat, RoundingMode::ToEven};
    const P: usize = 512;
    let mut floats = Floats::new();
    let mut rng = Rng::new(7);
    let mut checked = 0;
    while checked < 40 {
        let case = sample::ramm_case(&mut rng);
        if case.now_secs <= case.state.updated_at_secs {
            continue;
        }
        let reference = exact::advance(&case.state, &case.capital, &case.params, case.now_secs);
        let t = case.now_secs - case.state.updated_at_secs;
        let panels = 2_000u64;
        let (a, b) = &reference.paths;
        for (path, integral) in [
            (a, &reference.integral_a_wad),
            (b, &reference.integral_b_wad),
        ] {
            let (start, target, slope) = (
                floats.ratio(&path.start),
                floats.ratio(&path.target),
                floats.ratio(&path.slope),
            );
            let wad = floats.int(&exact::wad());
            let h = floats.ratio(&Ratio::new(t, panels));
            let mut total = BigFloat::new(P);
            for i in 0..panels {
                let mid = h.mul(&BigFloat::from_u64(2 * i + 1, P), P, ToEven).div(
                    &BigFloat::from_u64(2, P),
                    P,
                    ToEven,
                );
                let moved = slope.mul(&mid, P, ToEven);
                let price = if path.falling {
                    let line = start.sub(&moved, P, ToEven);
                    if line > target {
                        line
                    } else {
                        target.clone()
                    }
                } else {
                    let line = start.add(&moved, P, ToEven);
                    if line < target {
                        line
                    } else {
                        target.clone()
                    }
                };
                total = total.add(&price, P, ToEven);
            }
            let quadrature = total.mul(&h, P, ToEven).mul(&wad, P, ToEven);
            let exact_value = floats.ratio(integral);
            let error = quadrature.sub(&exact_value, P, ToEven).abs();
            let kink_bound = slope
                .mul(&h, P, ToEven)
                .mul(&h, P, ToEven)
                .mul(&wad, P, ToEven)
                .div(&BigFloat::from_u64(8, P), P, ToEven);
            let rounding = exact_value
                .abs()
                .mul(&BigFloat::from_f64(1e-140, P), P, ToEven);
            let allowed = kink_bound.add(&rounding, P, ToEven);
            assert!(
                error <= allowed,
                "reference integral vs quadrature: off by {} (allowed {}) for {case:?}",
                floats.to_f64(&error),
                floats.to_f64(&allowed)
            );
        }
        checked += 1;
    }
}
