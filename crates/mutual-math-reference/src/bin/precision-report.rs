//! Precision report: `mutual-math` against the 512-bit / exact-integer reference.
//!
//! Run: `cargo run --release -p mutual-math-reference --bin precision-report [-- --cases N]`
//! (default 10 000 cases per function, deterministic seeds). For each function it prints:
//! * the largest relative error against the exact real result, over results of at least 1e18
//!   units (one token), so the final integer rounding of tiny results does not drown the figure;
//! * the largest distance, in units, from the correctly rounded exact result (the floor for
//!   functions that round down, the ceiling for those that round up): 0 means exact;
//! * how many results were on the wrong side of the exact value (above it for round-down
//!   functions — for the curve, in the trader's favour — below it for round-up ones): must be 0;
//! * for the curve, the relative error of V1's approximation on the same inputs.

use alloy_primitives::U256;
use astro_float::BigFloat;
use mutual_math::{curve, fixed, mcr, pricing, staking};
use mutual_math_reference::{
    sample::{self, Rng},
    to_biguint, Reference,
};
use num_bigint::BigUint;

/// Results below this many units (one token) are left out of the relative-error column.
const RELATIVE_FLOOR: u64 = 1_000_000_000_000_000_000;

#[derive(Default)]
struct Row {
    rounds_up: bool,
    cases: usize,
    max_rel: f64,
    max_units_off: f64,
    wrong_side: usize,
    v1_max_rel: Option<f64>,
}

impl Row {
    fn rounding_up() -> Self {
        Self {
            rounds_up: true,
            ..Self::default()
        }
    }

    fn record(&mut self, reference: &mut Reference, ours: U256, exact: &BigFloat) {
        let ours_big = reference.big(ours);
        let rounded = if self.rounds_up {
            exact.ceil()
        } else {
            exact.floor()
        };
        let units_off = reference.absolute_error(&ours_big, &rounded).abs();
        let signed = reference.absolute_error(&ours_big, exact);
        self.cases += 1;
        self.max_units_off = self.max_units_off.max(units_off);
        if (self.rounds_up && signed < 0.0) || (!self.rounds_up && signed > 0.0) {
            self.wrong_side += 1;
        }
        if exact
            .cmp(&reference.int(RELATIVE_FLOOR))
            .is_some_and(|c| c >= 0)
        {
            self.max_rel = self
                .max_rel
                .max(reference.relative_error(&ours_big, exact).abs());
        }
    }

    fn record_v1(&mut self, reference: &mut Reference, v1: &BigFloat, exact: &BigFloat) {
        if exact
            .cmp(&reference.int(RELATIVE_FLOOR))
            .is_some_and(|c| c >= 0)
        {
            let rel = reference.relative_error(v1, exact).abs();
            self.v1_max_rel = Some(self.v1_max_rel.unwrap_or(0.0).max(rel));
        }
    }
}

fn exact_ratio(reference: &Reference, num: BigUint, den: BigUint) -> BigFloat {
    let to = |x: BigUint| {
        let bytes = x.to_bytes_le();
        let mut limbs = [0u8; 64];
        limbs[..bytes.len()].copy_from_slice(&bytes);
        // Up to 512-bit numerators: split into two 256-bit halves.
        let lo = U256::from_le_slice(&limbs[..32]);
        let hi = U256::from_le_slice(&limbs[32..]);
        let two_256 =
            reference
                .big(U256::MAX)
                .add(&reference.int(1), 512, astro_float::RoundingMode::ToEven);
        reference
            .big(hi)
            .mul(&two_256, 512, astro_float::RoundingMode::ToEven)
            .add(&reference.big(lo), 512, astro_float::RoundingMode::ToEven)
    };
    to(num).div(&to(den), 512, astro_float::RoundingMode::ToEven)
}

fn main() {
    let cases: usize = std::env::args()
        .skip_while(|a| a != "--cases")
        .nth(1)
        .map(|n| n.parse().expect("--cases takes a number"))
        .unwrap_or(10_000);
    let mut reference = Reference::new();
    let mut rows: Vec<(&str, Row)> = Vec::new();

    // mul_div, both directions: exact integer reference; any mismatch is an error of 1 or more.
    for (name, round_up) in [("fixed::mul_div_down", false), ("fixed::mul_div_up", true)] {
        let mut row = if round_up {
            Row::rounding_up()
        } else {
            Row::default()
        };
        let mut rng = Rng::new(1);
        while row.cases < cases {
            let (a, b, d) = (rng.wide(), rng.wide(), rng.wide());
            if d.is_zero() {
                continue;
            }
            let f = if round_up {
                fixed::mul_div_up
            } else {
                fixed::mul_div_down
            };
            let num = to_biguint(a) * to_biguint(b);
            let den = to_biguint(d);
            let exact = exact_ratio(&reference, num.clone(), den.clone());
            match f(a, b, d) {
                Ok(ours) => row.record(&mut reference, ours, &exact),
                Err(e) => {
                    let q =
                        (num + if round_up {
                            den.clone() - 1u8
                        } else {
                            BigUint::ZERO
                        }) / den;
                    assert!(q.bits() > 256, "mul_div refused an in-range input: {e:?}");
                }
            }
        }
        rows.push((name, row));
    }

    let mut row = Row::default();
    let mut rng = Rng::new(2);
    while row.cases < cases {
        let x = rng.wide();
        let exact = reference
            .big(x)
            .sqrt(512, astro_float::RoundingMode::ToEven);
        row.record(&mut reference, fixed::sqrt_down(x), &exact);
    }
    rows.push(("fixed::sqrt_down", row));

    let mut row = Row::default();
    let mut rng = Rng::new(3);
    while row.cases < cases {
        let (pool, mcr_eth) = sample::state(&mut rng);
        let exact = reference.spot_price(&reference.big(pool), &reference.big(mcr_eth));
        let ours = curve::spot_price_wei(pool, mcr_eth).expect("spot price in domain");
        row.record(&mut reference, ours, &exact);
    }
    rows.push(("curve::spot_price_wei", row));

    let mut row = Row::default();
    let mut rng = Rng::new(4);
    while row.cases < cases {
        let (pool, mcr_eth, eth_in) = sample::buy(&mut rng);
        let ours = curve::nxm_out_for_eth(pool, mcr_eth, eth_in).expect("buy inside the limits");
        let exact = reference.exact_nxm_out(pool, mcr_eth, eth_in);
        row.record(&mut reference, ours, &exact);
        let v1 = reference.v1_nxm_out(pool, mcr_eth, eth_in);
        row.record_v1(&mut reference, &v1, &exact);
    }
    rows.push(("curve::nxm_out_for_eth (buy)", row));

    let mut row = Row::default();
    let mut rng = Rng::new(5);
    while row.cases < cases {
        let (pool, mcr_eth) = sample::sell_state(&mut rng);
        let max_in = curve::max_nxm_in(pool, mcr_eth).expect("max sale in domain");
        if max_in.is_zero() {
            continue;
        }
        let nxm_in = rng.log_uniform(U256::from(1u8), max_in);
        let ours = curve::eth_out_for_nxm(pool, mcr_eth, nxm_in).expect("sale inside the limits");
        let exact = reference.exact_eth_out(pool, mcr_eth, nxm_in);
        row.record(&mut reference, ours, &exact);
        let v1 = reference.v1_eth_out(pool, mcr_eth, nxm_in);
        row.record_v1(&mut reference, &v1, &exact);
    }
    rows.push(("curve::eth_out_for_nxm (sell)", row));

    let mut row = Row::rounding_up();
    let mut rng = Rng::new(6);
    while row.cases < cases {
        let amount = rng.log_uniform(U256::from(1u8), U256::from(10u8).pow(U256::from(30u8)));
        let price_bps = U256::from(rng.next_u64() % 10_001);
        let period = 28 * 86_400 + rng.next_u64() % (337 * 86_400);
        let exact = exact_ratio(
            &reference,
            to_biguint(amount) * to_biguint(price_bps) * BigUint::from(period),
            BigUint::from(10_000u64 * pricing::YEAR_SECS),
        );
        let ours = pricing::premium(amount, price_bps, period).expect("premium in range");
        row.record(&mut reference, ours, &exact);
    }
    rows.push(("pricing::premium (rounds up)", row));

    let mut row = Row::default();
    let mut rng = Rng::new(7);
    while row.cases < cases {
        let stored = rng.log_uniform(
            U256::from(10u8).pow(U256::from(18u8)),
            U256::from(10u8).pow(U256::from(26u8)),
        );
        let desired = rng.log_uniform(
            U256::from(10u8).pow(U256::from(18u8)),
            U256::from(10u8).pow(U256::from(26u8)),
        );
        let elapsed = rng.next_u64() % (3 * 86_400);
        let adj = (500 * u128::from(elapsed) / 86_400).min(100);
        let bound = if desired >= stored {
            10_000 + adj
        } else {
            10_000 - adj
        };
        let moved = exact_ratio(
            &reference,
            to_biguint(stored) * BigUint::from(bound),
            BigUint::from(10_000u32),
        );
        let desired_big = reference.big(desired);
        let exact = if (desired >= stored) == moved.cmp(&desired_big).is_some_and(|c| c < 0) {
            moved
        } else {
            desired_big
        };
        let ours = mcr::smoothed_mcr_eth(stored, desired, elapsed).expect("smoothing in range");
        row.record(&mut reference, ours, &exact);
    }
    rows.push(("mcr::smoothed_mcr_eth", row));

    let mut row = Row::default();
    let mut rng = Rng::new(8);
    while row.cases < cases {
        let supply = rng.log_uniform(U256::from(1u8), U256::from(10u8).pow(U256::from(30u8)));
        let stake = rng.log_uniform(U256::from(1u8), U256::from(10u8).pow(U256::from(30u8)));
        let amount = rng.log_uniform(U256::from(1u8), U256::from(10u8).pow(U256::from(30u8)));
        let exact = exact_ratio(
            &reference,
            to_biguint(supply) * to_biguint(amount),
            to_biguint(stake),
        );
        let ours = staking::new_stake_shares(amount, supply, stake).expect("shares in range");
        row.record(&mut reference, ours, &exact);
    }
    rows.push(("staking::new_stake_shares", row));

    println!(
        "mutual-math precision against a 512-bit / exact reference ({cases} cases per function)"
    );
    println!("max rel. error: over results >= 1e18 units; units off: distance from the correctly rounded");
    println!(
        "exact result; wrong side: results above the exact value (below it for round-up functions)"
    );
    println!();
    println!(
        "| {:<32} | {:>6} | {:>14} | {:>9} | {:>10} | {:>20} |",
        "function", "cases", "max rel. error", "units off", "wrong side", "V1 approx rel. error"
    );
    println!(
        "|{:-<34}|{:->8}|{:->16}|{:->11}|{:->12}|{:->22}|",
        "", "", "", "", "", ""
    );
    for (name, row) in &rows {
        let v1 = row
            .v1_max_rel
            .map_or_else(|| "-".to_string(), |e| format!("{e:.3e}"));
        println!(
            "| {:<32} | {:>6} | {:>14.3e} | {:>9} | {:>10} | {:>20} |",
            name, row.cases, row.max_rel, row.max_units_off, row.wrong_side, v1
        );
    }
    let curve_above: usize = rows
        .iter()
        .filter(|(name, _)| name.starts_with("curve::nxm") || name.starts_with("curve::eth"))
        .map(|(_, row)| row.wrong_side)
        .sum();
    let curve_rel = rows
        .iter()
        .filter(|(name, _)| name.starts_with("curve::nxm") || name.starts_with("curve::eth"))
        .map(|(_, row)| row.max_rel)
        .fold(0.0, f64::max);
    let mul_div_exact = rows
        .iter()
        .filter(|(name, _)| name.starts_with("fixed::mul_div"))
        .all(|(_, row)| row.max_units_off == 0.0 && row.wrong_side == 0);
    println!();
    println!(
        "targets: mul_div exact: {}; curve <= 1e-15 relative: {}; curve never in the trader's favour: {}",
        if mul_div_exact { "met" } else { "MISSED" },
        if curve_rel <= 1e-15 { "met" } else { "MISSED" },
        if curve_above == 0 { "met" } else { "MISSED" }
    );
    if !mul_div_exact || curve_rel > 1e-15 || curve_above > 0 {
        std::process::exit(1);
    }
}
