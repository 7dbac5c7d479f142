//! Precision report: `mutual-math` against the exact reference (exact rationals over big
//! integers; relative errors evaluated in 512-bit floats).
//!
//! Run: `scripts/precision-report.sh [--cases N]` (default 10 000 cases per function,
//! deterministic seeds). For each function it prints:
//! * the largest relative error against the exact real result, over results of at least 1e18
//!   units (one token), so the final integer rounding of tiny results does not drown the figure;
//! * the largest distance, in units, from the correctly rounded exact result (the floor for
//!   functions that round down, the ceiling for those that round up): 0 means exact;
//! * the documented bound on that distance and how many results exceeded it: must be 0 (the
//!   RAMM's reserves are bounded per case by `1 + N²/(E·2^190)`, 1 whenever `N² < E·2^190`;
//!   the report also gives the largest distance over those cases);
//! * how many results were on the wrong side of the exact value (above it for round-down
//!   functions — for the RAMM's outputs, in the trader's favour — below it for round-up ones):
//!   must be 0.
//!
//! The RAMM rows draw their inputs from `sample::ramm_case` (realistic states in 80 % of the
//! cases, anywhere in the domain otherwise; launch, devnet and arbitrary parameters; elapsed
//! times from 0 to 2^40 s), the internal price from `sample::ramm_sequence` (a launch followed
//! by 1–6 updates and swaps); cases whose exact result leaves the domain are checked to be
//! refused and not counted.

use alloy_primitives::U256;
use mutual_math::{fixed, mcr, pricing, ramm, staking};
use mutual_math_reference::{
    ramm as exact,
    sample::{self, Rng},
    to_bigint, to_biguint, Floats, Ratio,
};
use num_bigint::{BigInt, BigUint};

/// Results below this many units (one token) are left out of the relative-error column.
const RELATIVE_FLOOR: u64 = 1_000_000_000_000_000_000;

#[derive(Default)]
struct Row {
    rounds_up: bool,
    /// The documented bound on the units off ("1*": the reserves' per-case bound).
    bound: &'static str,
    cases: usize,
    max_rel: f64,
    max_units_off: BigInt,
    /// The largest units off over the cases whose per-case bound is 1 (reserves only), and how
    /// many cases had a larger bound.
    max_units_off_bound_1: BigInt,
    wider_bound: usize,
    over_bound: usize,
    wrong_side: usize,
}

impl Row {
    fn rounding_up() -> Self {
        Self {
            rounds_up: true,
            ..Self::default()
        }
    }

    fn bounded(mut self, bound: &'static str) -> Self {
        self.bound = bound;
        self
    }

    /// Records a result whose documented bound is the row's (`""` = 0, or a number).
    fn record(&mut self, floats: &mut Floats, ours: U256, exact: &Ratio) {
        let bound = BigInt::from(self.bound.parse::<u64>().unwrap_or(0));
        self.record_within(floats, ours, exact, &bound);
    }

    /// Records a result with its own bound on the units off.
    fn record_within(&mut self, floats: &mut Floats, ours: U256, exact: &Ratio, bound: &BigInt) {
        let ours = to_bigint(ours);
        let rounded = if self.rounds_up {
            exact.ceil()
        } else {
            exact.floor()
        };
        let off = if ours >= rounded {
            &ours - &rounded
        } else {
            &rounded - &ours
        };
        if off > *bound {
            self.over_bound += 1;
        }
        if *bound <= BigInt::from(1u8) {
            self.max_units_off_bound_1 = self.max_units_off_bound_1.clone().max(off.clone());
        } else {
            self.wider_bound += 1;
        }
        self.max_units_off = self.max_units_off.clone().max(off);
        let ours_ratio = Ratio::int(ours.clone());
        if (self.rounds_up && ours_ratio < *exact) || (!self.rounds_up && ours_ratio > *exact) {
            self.wrong_side += 1;
        }
        if *exact >= Ratio::int(RELATIVE_FLOOR) {
            self.max_rel = self.max_rel.max(floats.relative_error(&ours, exact).abs());
        }
        self.cases += 1;
    }
}

fn ratio_u(num: BigUint, den: BigUint) -> Ratio {
    Ratio::new(BigInt::from(num), BigInt::from(den))
}

fn big(x: U256) -> BigInt {
    to_bigint(x)
}

/// A RAMM case advanced by the crate, if it accepted it (checked against what the reference
/// says it must or may do).
fn advanced_case(rng: &mut Rng) -> Option<(sample::RammCase, ramm::Advanced, exact::ExactAdvance)> {
    let case = sample::ramm_case(rng);
    let reference = exact::advance(&case.state, &case.capital, &case.params, case.now_secs);
    let ours = ramm::advance(&case.state, &case.capital, &case.params, case.now_secs);
    let outcome = reference.outcome();
    assert!(
        outcome.allows(&ours),
        "{ours:?} where {outcome:?} for {case:?}"
    );
    Some((case, ours.ok()?, reference))
}

fn main() {
    let cases: usize = std::env::args()
        .skip_while(|a| a != "--cases")
        .nth(1)
        .map(|n| n.parse().expect("--cases takes a number"))
        .unwrap_or(10_000);
    let mut floats = Floats::new();
    let mut rows: Vec<(&str, Row)> = Vec::new();

    // mul_div, both directions: exact integer reference.
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
            let exact = ratio_u(to_biguint(a) * to_biguint(b), to_biguint(d));
            match f(a, b, d) {
                Ok(ours) => row.record(&mut floats, ours, &exact),
                Err(e) => {
                    let q = if round_up {
                        exact.ceil()
                    } else {
                        exact.floor()
                    };
                    assert!(q.bits() > 256, "mul_div refused an in-range input: {e:?}");
                }
            }
        }
        rows.push((name, row));
    }

    // sqrt: floor(sqrt(x · 2^512)) / 2^256 is within 2^-256 below sqrt(x), so it has the same
    // floor and the same comparison with any integer.
    let mut row = Row::default();
    let mut rng = Rng::new(2);
    while row.cases < cases {
        let x = rng.wide();
        let scaled = (to_biguint(x) << 512u32).sqrt();
        let exact = ratio_u(scaled, BigUint::from(1u8) << 256u32);
        row.record(&mut floats, fixed::sqrt_down(x), &exact);
    }
    rows.push(("fixed::sqrt_down", row));

    // The RAMM.
    let mut row = Row::default();
    let mut rng = Rng::new(10);
    while row.cases < cases {
        let Some((_, a, _)) = advanced_case(&mut rng) else {
            continue;
        };
        let s = a.state;
        let eth_in = rng.log_uniform(
            U256::from(1u8),
            s.eth_reserve
                .saturating_mul(U256::from(100u8))
                .min(sample::max_amount()),
        );
        let Ok((_, out)) = ramm::swap_eth_for_nxm(&s, eth_in) else {
            continue;
        };
        row.record(&mut floats, out, &exact::buy(&s, eth_in).out);
    }
    rows.push(("ramm::swap_eth_for_nxm (buy)", row));

    let mut row = Row::default();
    let mut rng = Rng::new(11);
    while row.cases < cases {
        let Some((_, a, _)) = advanced_case(&mut rng) else {
            continue;
        };
        let s = a.state;
        let nxm_in = rng.log_uniform(
            U256::from(1u8),
            s.nxm_reserve_b
                .saturating_mul(U256::from(100u8))
                .min(sample::max_amount()),
        );
        let Ok((_, out)) = ramm::swap_nxm_for_eth(&s, nxm_in) else {
            continue;
        };
        row.record(&mut floats, out, &exact::sell(&s, nxm_in).out);
    }
    rows.push(("ramm::swap_nxm_for_eth (sell)", row));

    let mut row = Row::default().bounded("1*");
    let mut rng = Rng::new(12);
    while row.cases < cases {
        if let Some((_, a, reference)) = advanced_case(&mut rng) {
            let bound = reference.reserve_bound(&reference.nxm_reserve_a);
            row.record_within(
                &mut floats,
                a.state.nxm_reserve_a,
                &reference.nxm_reserve_a,
                &bound,
            );
        }
    }
    rows.push(("ramm::advance Na (rounds down)", row));

    let mut row = Row::rounding_up().bounded("1*");
    let mut rng = Rng::new(13);
    while row.cases < cases {
        if let Some((_, a, reference)) = advanced_case(&mut rng) {
            let bound = reference.reserve_bound(&reference.nxm_reserve_b);
            row.record_within(
                &mut floats,
                a.state.nxm_reserve_b,
                &reference.nxm_reserve_b,
                &bound,
            );
        }
    }
    rows.push(("ramm::advance Nb (rounds up)", row));

    // The integral added to each cumulative price (taken modulo 2^112, so only integrals below
    // 2^112 can be compared) and the observations' integrals.
    for (name, seed, pool_a) in [
        ("ramm::advance cumulative A", 14, true),
        ("ramm::advance cumulative B", 15, false),
    ] {
        let mut row = Row::default().bounded("2");
        let mut rng = Rng::new(seed);
        let modulus = exact::cumulative_modulus();
        while row.cases < cases {
            let Some((case, a, reference)) = advanced_case(&mut rng) else {
                continue;
            };
            let (old, new, integral) = if pool_a {
                (
                    case.state.cumulative_a,
                    a.state.cumulative_a,
                    &reference.integral_a_wad,
                )
            } else {
                (
                    case.state.cumulative_b,
                    a.state.cumulative_b,
                    &reference.integral_b_wad,
                )
            };
            if *integral >= Ratio::int(modulus.clone()) {
                continue;
            }
            let added = exact::wrap(&(big(new) - big(old)));
            row.record(&mut floats, added, integral);
        }
        rows.push((name, row));
    }

    let mut row = Row::rounding_up();
    let mut rng = Rng::new(16);
    while row.cases < cases {
        let s = sample::ramm_case(&mut rng).state;
        let ours = ramm::spot_price_a_wad(&s).expect("spot A in the domain");
        row.record(
            &mut floats,
            ours,
            &exact::spot_price_wad(s.eth_reserve, s.nxm_reserve_a),
        );
    }
    rows.push(("ramm::spot_price_a_wad (up)", row));

    let mut row = Row::default();
    let mut rng = Rng::new(17);
    while row.cases < cases {
        let s = sample::ramm_case(&mut rng).state;
        let ours = ramm::spot_price_b_wad(&s).expect("spot B in the domain");
        row.record(
            &mut floats,
            ours,
            &exact::spot_price_wad(s.eth_reserve, s.nxm_reserve_b),
        );
    }
    rows.push(("ramm::spot_price_b_wad", row));

    let mut row = Row::default().bounded("2");
    let mut rng = Rng::new(18);
    while row.cases < cases {
        let seq = sample::ramm_sequence(&mut rng);
        let start = ramm::window_start(&seq.advanced, &seq.stored, &seq.params);
        let ours = ramm::internal_price_wad(&seq.advanced, &start, &seq.capital)
            .expect("internal price in the domain");
        let reference = exact::internal_price_wad(&seq.advanced, &start, &seq.capital);
        row.record(&mut floats, ours, &reference);
    }
    rows.push(("ramm::internal_price_wad", row));

    let mut row = Row::default();
    let mut rng = Rng::new(19);
    while row.cases < cases {
        let c = sample::ramm_case(&mut rng).capital;
        let ours = ramm::book_value_wad(c.capital_eth, c.supply_nxm).expect("book value");
        row.record(
            &mut floats,
            ours,
            &exact::book_value_wad(c.capital_eth, c.supply_nxm),
        );
    }
    rows.push(("ramm::book_value_wad", row));

    // Premium, MCR smoothing, stake shares.
    let mut row = Row::rounding_up();
    let mut rng = Rng::new(6);
    while row.cases < cases {
        let amount = rng.log_uniform(U256::from(1u8), U256::from(10u8).pow(U256::from(30u8)));
        let price_bps = U256::from(rng.next_u64() % 10_001);
        let period = 28 * 86_400 + rng.next_u64() % (337 * 86_400);
        let exact = ratio_u(
            to_biguint(amount) * to_biguint(price_bps) * BigUint::from(period),
            BigUint::from(10_000u64 * pricing::YEAR_SECS),
        );
        let ours = pricing::premium(amount, price_bps, period, pricing::YEAR_SECS)
            .expect("premium in range");
        row.record(&mut floats, ours, &exact);
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
        let moved = ratio_u(
            to_biguint(stored) * BigUint::from(bound),
            BigUint::from(10_000u32),
        );
        let desired_exact = Ratio::from_u256(desired);
        let exact = if desired >= stored {
            moved.min(desired_exact)
        } else {
            moved.max(desired_exact)
        };
        let ours = mcr::smoothed_mcr_eth(stored, desired, elapsed).expect("smoothing in range");
        row.record(&mut floats, ours, &exact);
    }
    rows.push(("mcr::smoothed_mcr_eth", row));

    let mut row = Row::default();
    let mut rng = Rng::new(8);
    while row.cases < cases {
        let supply = rng.log_uniform(U256::from(1u8), U256::from(10u8).pow(U256::from(30u8)));
        let stake = rng.log_uniform(U256::from(1u8), U256::from(10u8).pow(U256::from(30u8)));
        let amount = rng.log_uniform(U256::from(1u8), U256::from(10u8).pow(U256::from(30u8)));
        let exact = ratio_u(to_biguint(supply) * to_biguint(amount), to_biguint(stake));
        let ours = staking::new_stake_shares(amount, supply, stake).expect("shares in range");
        row.record(&mut floats, ours, &exact);
    }
    rows.push(("staking::new_stake_shares", row));

    println!("mutual-math precision against an exact reference ({cases} cases per function)");
    println!("max rel. error: over results >= 1e18 units; units off: distance from the correctly rounded");
    println!("exact result; bound: the documented bound on it (1*: 1 + N²/(E·2^190) per case, 1 whenever");
    println!("N² < E·2^190); over: results beyond their bound; wrong side: results above the exact value");
    println!("(below it for round-up functions)");
    println!();
    println!(
        "| {:<32} | {:>6} | {:>14} | {:>11} | {:>5} | {:>4} | {:>10} |",
        "function", "cases", "max rel. error", "units off", "bound", "over", "wrong side"
    );
    println!(
        "|{:-<34}|{:->8}|{:->16}|{:->13}|{:->7}|{:->6}|{:->12}|",
        "", "", "", "", "", "", ""
    );
    for (name, row) in &rows {
        let bound = if row.bound.is_empty() { "0" } else { row.bound };
        println!(
            "| {:<32} | {:>6} | {:>14.3e} | {:>11} | {:>5} | {:>4} | {:>10} |",
            name, row.cases, row.max_rel, row.max_units_off, bound, row.over_bound, row.wrong_side
        );
    }
    println!();
    for (name, row) in rows.iter().filter(|(_, row)| row.bound == "1*") {
        println!(
            "{name}: at most {} units off over the {} cases with N² < E·2^190 (the other {}: \
             tiny E with a huge N, anywhere in the domain)",
            row.max_units_off_bound_1,
            row.cases - row.wider_bound,
            row.wider_bound
        );
    }
    let within = |prefix: &str| {
        rows.iter()
            .filter(|(name, _)| name.starts_with(prefix))
            .all(|(_, row)| row.over_bound == 0)
    };
    let ramm_trader_side: usize = rows
        .iter()
        .filter(|(name, _)| name.starts_with("ramm::"))
        .map(|(_, row)| row.wrong_side)
        .sum();
    let (mul_div_exact, ramm_within) = (within("fixed::mul_div"), within("ramm::"));
    let met = |ok: bool| if ok { "met" } else { "MISSED" };
    println!();
    println!(
        "targets: mul_div exact: {}; RAMM within its documented bounds: {}; RAMM never on the trader's side: {}",
        met(mul_div_exact),
        met(ramm_within),
        met(ramm_trader_side == 0)
    );
    if !mul_div_exact || !ramm_within || ramm_trader_side > 0 {
        std::process::exit(1);
    }
}
