//! The RAMM's rules and every error path, on hand-computed values (protocol-reference §3b). The
//! exact-rational property tests live in `mutual-math-reference`. Reserves, swaps and launch
//! come out exactly rounded here; cumulative and internal prices are rounded down within 2 units
//! of the exact value (`assert_below`).
//!
//! Most cases use book value 0.02 ETH (capital 200 000 ETH, supply 10 000 000 NXM), so A's
//! target is 0.0202 ETH, B's 0.0198 ETH, the normal ratchet moves 0.0008 ETH a day and the fast
//! one 0.01 ETH a day.

use mutual_math::{
    fixed::WAD,
    ramm::{self, Advanced, Capital, Observation, RammParams, RammState},
    MathError, U256,
};

const DAY: u64 = 86_400;
const PERIOD: u64 = 3 * DAY;
/// A launch at a period boundary, so the windows below start at whole boundaries.
const T0: u64 = 1_000 * PERIOD;

fn u(x: u64) -> U256 {
    U256::from(x)
}
fn eth(x: u64) -> U256 {
    u(x) * WAD
}
/// `x / 10 000` ETH (or ETH per NXM, in wad).
fn bp_eth(x: u64) -> U256 {
    u(x) * u(100_000_000_000_000)
}
fn big(s: &str) -> U256 {
    s.parse().unwrap()
}

/// `actual` rounds `expected` down by at most `units`: the bound on cumulative and internal
/// prices (module docs of `mutual_math::ramm`, *Rounding*).
#[track_caller]
fn assert_below(actual: U256, expected: U256, units: u64) {
    assert!(
        actual <= expected && expected - actual <= u(units),
        "{actual} is not within {units} units below {expected}"
    );
}

fn capital() -> Capital {
    Capital {
        capital_eth: eth(200_000),
        supply_nxm: eth(10_000_000),
        mcr_eth: eth(100_000),
    }
}

/// E = 5 000 ETH (the target: no liquidity move), spot A 0.025 ETH, spot B 0.01 ETH.
fn state(budget_eth: U256) -> RammState {
    RammState {
        eth_reserve: eth(5_000),
        nxm_reserve_a: eth(200_000),
        nxm_reserve_b: eth(500_000),
        budget_eth,
        updated_at_secs: T0,
        cumulative_a: U256::ZERO,
        cumulative_b: U256::ZERO,
    }
}

fn advance(s: &RammState, c: &Capital, secs: u64) -> Advanced {
    ramm::advance(s, c, &RammParams::LAUNCH, s.updated_at_secs + secs).unwrap()
}

#[test]
fn launch_params_are_the_reference_values() {
    let p = RammParams::LAUNCH;
    assert_eq!(p.target_liquidity_eth, eth(5_000));
    assert_eq!(p.liquidity_out_eth_per_day, eth(100));
    assert_eq!(p.liquidity_in_eth_per_day, eth(100));
    assert_eq!(p.fast_liquidity_in_eth_per_day, eth(1_500));
    assert_eq!(p.price_buffer_bps, u(100));
    assert_eq!(p.ratchet_bps_per_day, u(400));
    assert_eq!(p.fast_ratchet_bps_per_day, u(5_000));
    assert_eq!((p.day_secs, p.twap_period_secs), (DAY, PERIOD));
    let devnet = RammParams::with_day_secs(60);
    assert_eq!((devnet.day_secs, devnet.twap_period_secs), (60, 180));
    assert_eq!(devnet.target_liquidity_eth, p.target_liquidity_eth);
    assert_eq!(
        RammParams::with_day_secs(u64::MAX).twap_period_secs,
        u64::MAX
    );
}

#[test]
fn book_value_and_spot_prices_round_for_the_mutual() {
    assert_eq!(
        ramm::book_value_wad(eth(200_000), eth(10_000_000)),
        Ok(bp_eth(200))
    );
    assert_eq!(
        ramm::book_value_wad(u(2), u(3)),
        Ok(u(666_666_666_666_666_666))
    );
    assert_eq!(
        ramm::book_value_wad(eth(1), U256::ZERO),
        Err(MathError::ZeroSupply)
    );
    let s = state(U256::ZERO);
    assert_eq!(ramm::spot_price_a_wad(&s), Ok(bp_eth(250)));
    assert_eq!(ramm::spot_price_b_wad(&s), Ok(bp_eth(100)));
    // 1 wei over 3 NXM wei: A rounds up, B down.
    let odd = RammState {
        eth_reserve: u(1),
        nxm_reserve_a: u(3),
        nxm_reserve_b: u(3),
        ..s
    };
    assert_eq!(ramm::spot_price_a_wad(&odd), Ok(u(333_333_333_333_333_334)));
    assert_eq!(ramm::spot_price_b_wad(&odd), Ok(u(333_333_333_333_333_333)));
    let empty = RammState {
        nxm_reserve_a: U256::ZERO,
        nxm_reserve_b: U256::ZERO,
        ..s
    };
    assert_eq!(
        ramm::spot_price_a_wad(&empty),
        Err(MathError::ReserveExhausted)
    );
    assert_eq!(
        ramm::spot_price_b_wad(&empty),
        Err(MathError::ReserveExhausted)
    );
    let huge = RammState {
        eth_reserve: U256::MAX,
        nxm_reserve_a: u(1),
        nxm_reserve_b: u(1),
        ..s
    };
    assert_eq!(ramm::spot_price_a_wad(&huge), Err(MathError::Overflow));
    assert_eq!(ramm::spot_price_b_wad(&huge), Err(MathError::Overflow));
}

#[test]
fn ratchet_a_falls_four_percent_of_book_value_a_day_to_its_target() {
    let s = state(U256::ZERO);
    // 0.025 − 0.0008 = 0.0242 after a day: Na = ⌊5 000 / 0.0242⌋, the price just above.
    let one = advance(&s, &capital(), DAY).state;
    assert_eq!(one.nxm_reserve_a, big("206611570247933884297520"));
    assert_eq!(ramm::spot_price_a_wad(&one), Ok(bp_eth(242) + u(1)));
    // 0.021 after five days, 0.0202 = 1.01 BV after six, and it stays there.
    let five = advance(&s, &capital(), 5 * DAY).state;
    assert_eq!(five.nxm_reserve_a, big("238095238095238095238095"));
    let six = advance(&s, &capital(), 6 * DAY).state;
    assert_eq!(six.nxm_reserve_a, big("247524752475247524752475"));
    let ten = advance(&s, &capital(), 10 * DAY).state;
    assert_eq!(ten.nxm_reserve_a, six.nxm_reserve_a);
    // In steps: the same line, except that the first step's floor (its price a hair above the
    // line) carries over: one wei less, the mutual's side.
    let stepped = advance(&advance(&s, &capital(), 2 * DAY).state, &capital(), 3 * DAY).state;
    assert_eq!(stepped.nxm_reserve_a, five.nxm_reserve_a - u(1));
    // Cumulative A over ten days: 0.0226 average for 6 days, then 0.0202 for 4 (wad·s).
    assert_below(ten.cumulative_a, big("18696960000000000000000"), 2);
    // A price below its target (BV rose) jumps up to it at once, even with no time passed.
    let low = RammState {
        nxm_reserve_a: eth(400_000), // 0.0125 ETH
        ..s
    };
    let jumped = ramm::advance(&low, &capital(), &RammParams::LAUNCH, T0).unwrap();
    assert_eq!(jumped.state.nxm_reserve_a, six.nxm_reserve_a);
    assert_eq!(jumped.state.cumulative_a, U256::ZERO);
    // ... and a day at the target integrates to 0.0202 × 86 400 s.
    let day_low = advance(&low, &capital(), DAY).state;
    assert_below(day_low.cumulative_a, bp_eth(202) * u(DAY), 2);
}

#[test]
fn ratchet_b_rises_fast_while_the_budget_lasts_then_normally() {
    // Budget left: 50 % of BV a day (0.01 ETH). Half a day: 0.015.
    let s = state(eth(1_000));
    let half = advance(&s, &capital(), DAY / 2).state;
    assert_eq!(half.nxm_reserve_b, big("333333333333333333333334"));
    assert_eq!(ramm::spot_price_b_wad(&half), Ok(bp_eth(150) - u(1)));
    // A day: the line would reach 0.02, so it stops at 0.0198 = 0.99 BV (after 0.98 days).
    let day = advance(&s, &capital(), DAY).state;
    assert_eq!(day.nxm_reserve_b, big("252525252525252525252526"));
    assert_eq!(ramm::spot_price_b_wad(&day), Ok(bp_eth(198) - u(1)));
    // Cumulative B: 0.0149 average for 84 672 s, then 0.0198 for 1 728 s.
    assert_below(day.cumulative_b, big("1295827200000000000000"), 2);
    // The budget is untouched here (E is at its target), and with none the speed is 4 %: 0.0108.
    assert_eq!(day.budget_eth, eth(1_000));
    let slow = advance(&state(U256::ZERO), &capital(), DAY).state;
    assert_eq!(slow.nxm_reserve_b, big("462962962962962962962963"));
    // A price above its target (BV fell) jumps down to it.
    let high = RammState {
        nxm_reserve_b: eth(100_000), // 0.05 ETH
        ..s
    };
    let jumped = ramm::advance(&high, &capital(), &RammParams::LAUNCH, T0).unwrap();
    assert_eq!(jumped.state.nxm_reserve_b, day.nxm_reserve_b);
}

#[test]
fn injection_is_fast_while_the_budget_lasts_then_slow() {
    let below = RammState {
        eth_reserve: eth(1_000),
        nxm_reserve_a: eth(40_000),
        nxm_reserve_b: eth(100_000),
        ..state(eth(43_835))
    };
    let c = capital(); // C 200 000 > MCR 100 000 + 5 000: up to min(4 000, 95 000).
    let one = advance(&below, &c, DAY);
    assert_eq!(one.eth_injected, eth(1_500));
    assert_eq!(one.state.eth_reserve, eth(2_500));
    assert_eq!(one.state.budget_eth, eth(42_335));
    assert_eq!(one.eth_extracted, U256::ZERO);
    // Liquidity moves no price: Na and Nb scale by 2.5 (A's price is still 0.025 − 0.0008).
    assert_eq!(one.state.nxm_reserve_a, big("103305785123966942148760"));
    let three = advance(&below, &c, 3 * DAY);
    assert_eq!(three.eth_injected, eth(4_000));
    assert_eq!(three.state.eth_reserve, eth(5_000));
    // A budget of 150 ETH lasts 0.1 day at 1 500 ETH a day; then 100 ETH a day: 150 + 90.
    let small = RammState {
        budget_eth: eth(150),
        ..below
    };
    let day = advance(&small, &c, DAY);
    assert_eq!(day.eth_injected, eth(240));
    assert_eq!(day.state.budget_eth, U256::ZERO);
    // Without a budget only the slow speed: 100 ETH a day, 1 wei per 864 s (floors).
    let none = RammState {
        budget_eth: U256::ZERO,
        ..below
    };
    assert_eq!(advance(&none, &c, DAY).eth_injected, eth(100));
    assert_eq!(advance(&none, &c, 1).eth_injected, u(1_157_407_407_407_407));
}

#[test]
fn no_injection_unless_capital_exceeds_mcr_plus_target() {
    let below = RammState {
        eth_reserve: eth(1_000),
        nxm_reserve_a: eth(40_000),
        nxm_reserve_b: eth(100_000),
        ..state(eth(43_835))
    };
    let at = Capital {
        capital_eth: eth(105_000),
        ..capital()
    };
    let none = advance(&below, &at, DAY);
    assert_eq!(none.eth_injected, U256::ZERO);
    assert_eq!(none.state.budget_eth, eth(43_835));
    let one_wei_more = Capital {
        capital_eth: eth(105_000) + u(1),
        ..capital()
    };
    assert_eq!(advance(&below, &one_wei_more, DAY).eth_injected, u(1));
    let thousand_more = Capital {
        capital_eth: eth(106_000),
        ..capital()
    };
    assert_eq!(
        advance(&below, &thousand_more, DAY).eth_injected,
        eth(1_000)
    );
    // The MCR is read only below the target.
    assert!(ramm::needs_mcr(&below, &RammParams::LAUNCH));
    assert!(!ramm::needs_mcr(&state(U256::ZERO), &RammParams::LAUNCH));
    let no_mcr = Capital {
        mcr_eth: U256::MAX,
        ..capital()
    };
    assert!(ramm::advance(&state(U256::ZERO), &no_mcr, &RammParams::LAUNCH, T0 + DAY).is_ok());
    assert_eq!(
        ramm::advance(&below, &no_mcr, &RammParams::LAUNCH, T0 + DAY),
        Err(MathError::OutOfRange)
    );
}

#[test]
fn extraction_is_100_eth_a_day_down_to_the_target() {
    let above = RammState {
        eth_reserve: eth(6_000),
        nxm_reserve_a: eth(240_000),
        nxm_reserve_b: eth(600_000),
        ..state(eth(500))
    };
    let day = advance(&above, &capital(), DAY);
    assert_eq!(day.eth_extracted, eth(100));
    assert_eq!(day.state.eth_reserve, eth(5_900));
    assert_eq!(day.state.budget_eth, eth(500));
    assert_eq!(day.eth_injected, U256::ZERO);
    let long = advance(&above, &capital(), 20 * DAY);
    assert_eq!(long.eth_extracted, eth(1_000));
    assert_eq!(long.state.eth_reserve, eth(5_000));
    // At the target nothing moves.
    assert_eq!(
        advance(&state(U256::ZERO), &capital(), DAY).eth_extracted,
        U256::ZERO
    );
}

#[test]
fn swaps_both_ways() {
    let s = state(U256::ZERO);
    // Buy 100 ETH: Na' = ⌈10^45 / 5 100e18⌉, out = ⌊200 000 · 100 / 5 100⌋ NXM.
    let (bought, nxm_out) = ramm::swap_eth_for_nxm(&s, eth(100)).unwrap();
    assert_eq!(nxm_out, big("3921568627450980392156"));
    assert_eq!(bought.eth_reserve, eth(5_100));
    assert_eq!(bought.nxm_reserve_a, big("196078431372549019607844"));
    assert_eq!(bought.nxm_reserve_b, eth(510_000)); // B's price unchanged
    assert!(bought.eth_reserve * bought.nxm_reserve_a >= s.eth_reserve * s.nxm_reserve_a);
    // Sell 1 000 NXM: E' = ⌈2.5e45 / 501 000e18⌉, out = ⌊5 000 · 1 000 / 501 000⌋ ETH.
    let (sold, eth_out) = ramm::swap_nxm_for_eth(&s, eth(1_000)).unwrap();
    assert_eq!(eth_out, u(9_980_039_920_159_680_638));
    assert_eq!(sold.eth_reserve, big("4990019960079840319362"));
    assert_eq!(sold.nxm_reserve_b, eth(501_000));
    assert_eq!(sold.nxm_reserve_a, big("199600798403193612774480"));
    assert!(sold.eth_reserve * sold.nxm_reserve_b >= s.eth_reserve * s.nxm_reserve_b);
    // Buying then selling what was bought returns less than was paid.
    let (_, back) = ramm::swap_nxm_for_eth(&bought, nxm_out).unwrap();
    assert!(back < eth(100));
    // Zero in, zero out, nothing changes.
    assert_eq!(ramm::swap_eth_for_nxm(&s, U256::ZERO), Ok((s, U256::ZERO)));
    assert_eq!(ramm::swap_nxm_for_eth(&s, U256::ZERO), Ok((s, U256::ZERO)));
    // Huge trades never empty a reserve: a buy of 2^127 wei leaves Na >= 1, a sale E >= 1.
    let thin = RammState {
        eth_reserve: eth(1),
        nxm_reserve_a: u(10),
        nxm_reserve_b: u(10),
        ..s
    };
    let (whale, out) = ramm::swap_eth_for_nxm(&thin, U256::from(1u8) << 127).unwrap();
    assert_eq!((whale.nxm_reserve_a, out), (u(1), u(9)));
    let tiny_a = RammState {
        nxm_reserve_a: eth(1_000_000_000),
        ..s
    };
    let (dumped, out) = ramm::swap_nxm_for_eth(&tiny_a, U256::from(1u8) << 127).unwrap();
    assert!(dumped.eth_reserve >= u(1) && out < s.eth_reserve);
}

#[test]
fn swap_errors() {
    let s = state(U256::ZERO);
    let limit = U256::from(1u8) << 128;
    assert_eq!(
        ramm::swap_eth_for_nxm(&s, limit),
        Err(MathError::OutOfRange)
    );
    assert_eq!(
        ramm::swap_nxm_for_eth(&s, limit),
        Err(MathError::OutOfRange)
    );
    for empty in [
        RammState {
            eth_reserve: U256::ZERO,
            ..s
        },
        RammState {
            nxm_reserve_a: U256::ZERO,
            ..s
        },
        RammState {
            nxm_reserve_b: U256::ZERO,
            ..s
        },
    ] {
        assert_eq!(
            ramm::swap_eth_for_nxm(&empty, eth(1)),
            Err(MathError::ReserveExhausted)
        );
        assert_eq!(
            ramm::swap_nxm_for_eth(&empty, eth(1)),
            Err(MathError::ReserveExhausted)
        );
    }
    let outside = RammState {
        nxm_reserve_b: limit,
        ..s
    };
    assert_eq!(
        ramm::swap_eth_for_nxm(&outside, eth(1)),
        Err(MathError::OutOfRange)
    );
    let outside = RammState {
        budget_eth: limit,
        ..s
    };
    assert_eq!(
        ramm::swap_nxm_for_eth(&outside, eth(1)),
        Err(MathError::OutOfRange)
    );
    // A result outside the domain: E would reach 2^128.
    let full = RammState {
        eth_reserve: limit - u(1),
        ..s
    };
    assert_eq!(
        ramm::swap_eth_for_nxm(&full, u(1)),
        Err(MathError::OutOfRange)
    );
    // ... or Nb would: 2^128 − 1 plus one.
    let full_b = RammState {
        nxm_reserve_b: limit - u(1),
        ..s
    };
    assert_eq!(
        ramm::swap_nxm_for_eth(&full_b, u(1)),
        Err(MathError::OutOfRange)
    );
    // A sale that would round Na' to zero: Na = 1, E halves.
    let thin = RammState {
        eth_reserve: u(1_000),
        nxm_reserve_a: u(1),
        nxm_reserve_b: u(1_000),
        ..s
    };
    assert_eq!(
        ramm::swap_nxm_for_eth(&thin, u(1_000)),
        Err(MathError::ReserveExhausted)
    );
}

#[test]
fn launch_seeds_the_observations_as_if_the_prices_had_held() {
    let p = RammParams::LAUNCH;
    let now = T0 + DAY;
    let (s, obs) =
        ramm::launch(eth(5_000), eth(43_835), bp_eth(250), bp_eth(100), &p, now).unwrap();
    assert_eq!(
        s,
        RammState {
            eth_reserve: eth(5_000),
            nxm_reserve_a: eth(200_000),
            nxm_reserve_b: eth(500_000),
            budget_eth: eth(43_835),
            updated_at_secs: now,
            cumulative_a: U256::ZERO,
            cumulative_b: U256::ZERO,
        }
    );
    let modulus = U256::from(1u8) << 112;
    for (i, o) in obs.iter().enumerate() {
        let ts = T0 + (i as u64) * PERIOD - 2 * PERIOD;
        assert_eq!(o.timestamp_secs, ts);
        let held = u(now - ts);
        assert_eq!(o.cumulative_a, modulus - bp_eth(250) * held);
        assert_eq!(o.cumulative_b, modulus - bp_eth(100) * held);
    }
    // Distinct slots.
    let slots: Vec<usize> = obs
        .iter()
        .map(|o| ramm::observation_slot(o.timestamp_secs, &p))
        .collect();
    assert_eq!(
        slots,
        vec![
            (T0 / PERIOD - 2) as usize % 3,
            (T0 / PERIOD - 1) as usize % 3,
            (T0 / PERIOD) as usize % 3
        ]
    );
    // Rounding: A's reserve down, B's up.
    let (odd, _) = ramm::launch(u(10), U256::ZERO, u(3) * WAD, u(3) * WAD, &p, now).unwrap();
    assert_eq!((odd.nxm_reserve_a, odd.nxm_reserve_b), (u(3), u(4)));
}

#[test]
fn launch_errors() {
    let p = RammParams::LAUNCH;
    let ok = |e, a, b, now| ramm::launch(e, U256::ZERO, a, b, &p, now);
    assert_eq!(
        ok(eth(5_000), U256::ZERO, u(1), T0),
        Err(MathError::OutOfRange)
    );
    assert_eq!(
        ok(eth(5_000), u(1), U256::ZERO, T0),
        Err(MathError::OutOfRange)
    );
    assert_eq!(
        ok(eth(5_000), WAD, WAD, 2 * PERIOD - 1),
        Err(MathError::OutOfRange)
    );
    assert!(ok(eth(5_000), WAD, WAD, 2 * PERIOD).is_ok());
    assert_eq!(
        ok(U256::ZERO, u(1), u(1), T0),
        Err(MathError::ReserveExhausted)
    );
    assert_eq!(
        ok(u(1), WAD + u(1), u(1), T0),
        Err(MathError::ReserveExhausted)
    );
    assert_eq!(
        ok(U256::from(1u8) << 128, WAD, WAD, T0),
        Err(MathError::OutOfRange)
    );
    // Nb = 10^36 · 10^18 / 1 is outside the domain.
    assert_eq!(
        ok(eth(1) * eth(1), WAD, u(1), T0),
        Err(MathError::OutOfRange)
    );
    let zero_day = RammParams::with_day_secs(0);
    assert_eq!(
        ramm::launch(eth(1), U256::ZERO, WAD, WAD, &zero_day, T0),
        Err(MathError::OutOfRange)
    );
}

#[test]
fn twap_and_internal_price_after_a_sequence() {
    let p = RammParams::LAUNCH;
    let c = capital();
    let (s, seeds) =
        ramm::launch(eth(5_000), U256::ZERO, bp_eth(250), bp_eth(100), &p, T0).unwrap();
    // Stored by slot, as the contract does.
    let mut stored = seeds;
    for o in &seeds {
        stored[ramm::observation_slot(o.timestamp_secs, &p)] = *o;
    }
    let store = |stored: &mut [Observation; 3], a: &Advanced| {
        for o in a.observations.iter().flatten() {
            stored[ramm::observation_slot(o.timestamp_secs, &p)] = *o;
        }
    };
    // A day later: A at 0.0242 (its 7-day average is higher), B at 0.0108 (its average lower),
    // so ip = 0.0242 + 0.0108 − 0.02 = 0.015.
    let one = advance(&s, &c, DAY);
    assert_eq!(one.observations, [None; 3]);
    assert_below(one.state.cumulative_a, big("2125440000000000000000"), 2); // 0.0246 × 86 400
    assert_below(one.state.cumulative_b, big("898560000000000000000"), 2); // 0.0104 × 86 400
    let start = ramm::window_start(&one, &stored, &p);
    assert_eq!(start, stored[ramm::observation_slot(T0 - 2 * PERIOD, &p)]);
    assert_eq!(start.timestamp_secs, T0 - 2 * PERIOD);
    assert_below(
        ramm::internal_price_wad(&one, &start, &c).unwrap(),
        bp_eth(150),
        2,
    );
    store(&mut stored, &one);

    // Six days more, in one update: it crosses T0 + P and T0 + 2P (the integrals, from the
    // first day's, a few units below the whole numbers: rounded down each update, and B's
    // reserve after the first day rounded up, its price a hair below the line).
    let seven = advance(&one.state, &c, 6 * DAY);
    assert_eq!(seven.observations[0], None); // T0 itself was crossed at launch
    let at_3 = seven.observations[1].unwrap();
    let at_6 = seven.observations[2].unwrap();
    assert_eq!(at_3.timestamp_secs, T0 + PERIOD);
    // Two updates: at most 2 units below the exact path each.
    assert_below(at_3.cumulative_a, big("6168960000000000000000"), 4); // 0.0238 × 3 days
    assert_below(at_3.cumulative_b, big("2903040000000000000000"), 4); // 0.0112 × 3 days
    assert_eq!(at_6.timestamp_secs, T0 + 2 * PERIOD);
    assert_below(at_6.cumulative_a, big("11715840000000000000000"), 4); // 0.0226 × 6 days
    assert_below(at_6.cumulative_b, big("6428160000000000000000"), 4); // 0.0124 × 6 days
    assert_below(seven.state.cumulative_a, big("13461120000000000000000"), 4);
    assert_below(seven.state.cumulative_b, big("7741440000000000000000"), 4);
    // Window [T0, T0 + 7 days]: A is pinned at 0.0202 (below its average), B at 0.0156 (above
    // its average 0.0128): ip = 0.0202 + 0.0156 − 0.02 = 0.0158.
    let start = ramm::window_start(&seven, &stored, &p);
    assert_eq!((start.timestamp_secs, start.cumulative_a), (T0, U256::ZERO));
    assert_below(
        ramm::internal_price_wad(&seven, &start, &c).unwrap(),
        bp_eth(158),
        2,
    );
    store(&mut stored, &seven);

    // Crossing the window's own start boundary: it comes from the update, not from storage.
    let later = advance(&seven.state, &c, 3 * PERIOD); // now = T0 + 5P + 1 day
    let crossed = later.observations[0].unwrap();
    assert_eq!(crossed.timestamp_secs, T0 + 3 * PERIOD); // (⌊now/P⌋ − 2)·P
    assert_eq!(ramm::window_start(&later, &stored, &p), crossed);
}

#[test]
fn internal_price_min_max_rule_and_clamps() {
    let c = capital(); // BV 0.02: clamps at 0.007 and 0.06.
    let at = |a_bp: u64, b_bp: u64, avg_a_bp: u64, avg_b_bp: u64| {
        // E = 1 ETH; a window of 100 s holding the given averages.
        let s = RammState {
            eth_reserve: eth(1),
            nxm_reserve_a: eth(10_000) / u(a_bp),
            nxm_reserve_b: eth(10_000) / u(b_bp),
            budget_eth: U256::ZERO,
            updated_at_secs: 1_100,
            cumulative_a: bp_eth(avg_a_bp) * u(100) + u(7),
            cumulative_b: bp_eth(avg_b_bp) * u(100) + u(9),
        };
        let advanced = Advanced {
            state: s,
            eth_injected: U256::ZERO,
            eth_extracted: U256::ZERO,
            observations: [None; 3],
        };
        let start = Observation {
            timestamp_secs: 1_000,
            cumulative_a: u(7),
            cumulative_b: u(9),
        };
        ramm::internal_price_wad(&advanced, &start, &c)
    };
    // min(avgA, spotA) + max(avgB, spotB) − BV.
    assert_eq!(at(250, 100, 240, 150), Ok(bp_eth(240 + 150 - 200)));
    assert_eq!(at(230, 160, 240, 150), Ok(bp_eth(230 + 160 - 200)));
    // Clamped low (35 % of BV), also when the sum is negative, and high (300 %).
    assert_eq!(at(202, 10, 202, 10), Ok(bp_eth(70)));
    assert_eq!(at(50, 10, 50, 10), Ok(bp_eth(70)));
    assert_eq!(at(1_000, 500, 1_000, 500), Ok(bp_eth(600)));
    // Exactly at the bounds.
    assert_eq!(at(202, 68, 202, 68), Ok(bp_eth(70)));
    assert_eq!(at(600, 200, 600, 200), Ok(bp_eth(600)));
    // The cumulative prices wrap: a start "above" now still measures the difference mod 2^112.
    let modulus = U256::from(1u8) << 112;
    let s = RammState {
        eth_reserve: eth(1),
        nxm_reserve_a: eth(40),  // 0.025
        nxm_reserve_b: eth(100), // 0.01
        budget_eth: U256::ZERO,
        updated_at_secs: 1_100,
        cumulative_a: bp_eth(240) * u(100) - u(5),
        cumulative_b: bp_eth(150) * u(100) - u(5),
    };
    let advanced = Advanced {
        state: s,
        eth_injected: U256::ZERO,
        eth_extracted: U256::ZERO,
        observations: [None; 3],
    };
    let start = Observation {
        timestamp_secs: 1_000,
        cumulative_a: modulus - u(5),
        cumulative_b: modulus - u(5),
    };
    assert_eq!(
        ramm::internal_price_wad(&advanced, &start, &c),
        Ok(bp_eth(190))
    );
    // A zero-length window uses the spot prices: 0.025 + 0.01 − 0.02.
    let now = Observation {
        timestamp_secs: 1_100,
        ..start
    };
    assert_eq!(
        ramm::internal_price_wad(&advanced, &now, &c),
        Ok(bp_eth(150))
    );
    // Zero capital: book value 0, so the clamp gives 0.
    let broke = Capital {
        capital_eth: U256::ZERO,
        ..c
    };
    assert_eq!(
        ramm::internal_price_wad(&advanced, &start, &broke),
        Ok(U256::ZERO)
    );
    // Errors.
    let no_supply = Capital {
        supply_nxm: U256::ZERO,
        ..c
    };
    assert_eq!(
        ramm::internal_price_wad(&advanced, &start, &no_supply),
        Err(MathError::ZeroSupply)
    );
    let rich = Capital {
        capital_eth: U256::from(1u8) << 128,
        ..c
    };
    assert_eq!(
        ramm::internal_price_wad(&advanced, &start, &rich),
        Err(MathError::OutOfRange)
    );
    let empty = Advanced {
        state: RammState {
            nxm_reserve_b: U256::ZERO,
            ..s
        },
        ..advanced
    };
    assert_eq!(
        ramm::internal_price_wad(&empty, &start, &c),
        Err(MathError::ReserveExhausted)
    );
}

#[test]
fn clock_going_back_counts_as_no_time() {
    let s = state(eth(1_000));
    let back = ramm::advance(&s, &capital(), &RammParams::LAUNCH, T0 - DAY).unwrap();
    let still = ramm::advance(&s, &capital(), &RammParams::LAUNCH, T0).unwrap();
    assert_eq!(back, still);
    assert_eq!(back.state.updated_at_secs, T0);
    assert_eq!(back.state.cumulative_a, U256::ZERO);
    // Prices inside their band and no time: nothing changes at all.
    let inside = RammState {
        nxm_reserve_a: big("247524752475247524752475"),
        nxm_reserve_b: big("252525252525252525252526"),
        ..s
    };
    assert_eq!(
        ramm::advance(&inside, &capital(), &RammParams::LAUNCH, T0)
            .unwrap()
            .state,
        inside
    );
}

#[test]
fn observation_slots_and_boundaries() {
    let p = RammParams::LAUNCH;
    assert_eq!(ramm::observation_slot(0, &p), 0);
    assert_eq!(ramm::observation_slot(PERIOD - 1, &p), 0);
    assert_eq!(ramm::observation_slot(PERIOD, &p), 1);
    assert_eq!(ramm::observation_slot(5 * PERIOD, &p), 2);
    assert_eq!(ramm::observation_slot(6 * PERIOD, &p), 0);
    let zero_period = RammParams {
        twap_period_secs: 0,
        ..p
    };
    assert_eq!(ramm::observation_slot(12_345, &zero_period), 0);
    // An update exactly at a boundary crosses it (updated_at < k·P <= now).
    let s = state(U256::ZERO);
    let at = advance(&s, &capital(), PERIOD);
    assert_eq!(at.observations[0], None);
    assert_eq!(at.observations[1], None);
    assert_eq!(at.observations[2].unwrap().timestamp_secs, T0 + PERIOD);
    assert_eq!(
        at.observations[2].unwrap().cumulative_a,
        at.state.cumulative_a
    );
    // A long gap reports only the last three boundaries.
    let long = advance(&s, &capital(), 10 * PERIOD + 5);
    let ts: Vec<u64> = long
        .observations
        .iter()
        .map(|o| o.unwrap().timestamp_secs)
        .collect();
    assert_eq!(ts, vec![T0 + 8 * PERIOD, T0 + 9 * PERIOD, T0 + 10 * PERIOD]);
    // Near time zero there are no negative boundaries.
    let early = RammState {
        updated_at_secs: 0,
        ..s
    };
    let first = ramm::advance(&early, &capital(), &p, PERIOD).unwrap();
    assert_eq!(first.observations[..2], [None, None]);
    assert!(first.observations[2].is_some());
}

#[test]
fn advance_errors() {
    let s = state(U256::ZERO);
    let c = capital();
    let p = RammParams::LAUNCH;
    let go = |s: &RammState, c: &Capital, p: &RammParams| ramm::advance(s, c, p, T0 + DAY);
    assert_eq!(
        go(
            &s,
            &Capital {
                supply_nxm: U256::ZERO,
                ..c
            },
            &p
        ),
        Err(MathError::ZeroSupply)
    );
    assert_eq!(
        go(
            &s,
            &Capital {
                capital_eth: U256::ZERO,
                ..c
            },
            &p
        ),
        Err(MathError::ZeroCapital)
    );
    for empty in [
        RammState {
            eth_reserve: U256::ZERO,
            ..s
        },
        RammState {
            nxm_reserve_a: U256::ZERO,
            ..s
        },
        RammState {
            nxm_reserve_b: U256::ZERO,
            ..s
        },
    ] {
        assert_eq!(go(&empty, &c, &p), Err(MathError::ReserveExhausted));
    }
    let limit = U256::from(1u8) << 128;
    for outside in [
        RammState {
            eth_reserve: limit,
            ..s
        },
        RammState {
            nxm_reserve_a: limit,
            ..s
        },
        RammState {
            nxm_reserve_b: limit,
            ..s
        },
        RammState {
            budget_eth: limit,
            ..s
        },
    ] {
        assert_eq!(go(&outside, &c, &p), Err(MathError::OutOfRange));
    }
    assert_eq!(
        go(
            &s,
            &Capital {
                capital_eth: limit,
                ..c
            },
            &p
        ),
        Err(MathError::OutOfRange)
    );
    assert_eq!(
        go(
            &s,
            &Capital {
                supply_nxm: limit,
                ..c
            },
            &p
        ),
        Err(MathError::OutOfRange)
    );
    for bad in [
        RammParams { day_secs: 0, ..p },
        RammParams {
            day_secs: 1 << 40,
            ..p
        },
        RammParams {
            twap_period_secs: 0,
            ..p
        },
        RammParams {
            price_buffer_bps: u(10_000),
            ..p
        },
        RammParams {
            ratchet_bps_per_day: u(1 << 32),
            ..p
        },
        RammParams {
            fast_ratchet_bps_per_day: u(1 << 32),
            ..p
        },
        RammParams {
            target_liquidity_eth: U256::ZERO,
            ..p
        },
        RammParams {
            target_liquidity_eth: limit,
            ..p
        },
        RammParams {
            fast_liquidity_in_eth_per_day: U256::ZERO,
            ..p
        },
        RammParams {
            liquidity_in_eth_per_day: limit,
            ..p
        },
        RammParams {
            liquidity_out_eth_per_day: limit,
            ..p
        },
    ] {
        assert_eq!(go(&s, &c, &bad), Err(MathError::OutOfRange));
    }
    // 2^40 seconds or more since the last update.
    assert_eq!(
        ramm::advance(&s, &c, &p, T0 + (1 << 40)),
        Err(MathError::OutOfRange)
    );
    assert!(ramm::advance(&s, &c, &p, T0 + (1 << 40) - 1).is_ok());
    // A result outside the domain: book value 1e-30 ETH pins B at a reserve above 2^128.
    let dust = Capital {
        capital_eth: u(1),
        supply_nxm: eth(1_000_000_000_000),
        ..c
    };
    assert_eq!(go(&s, &dust, &p), Err(MathError::OutOfRange));
    // ... or a zero one: book value 10^12 ETH per NXM pins A above the whole reserve (1 000
    // wei) per NXM wei.
    let thin = RammState {
        eth_reserve: u(1_000),
        nxm_reserve_a: u(1_000_000),
        nxm_reserve_b: u(1_000_000),
        ..s
    };
    let rich = Capital {
        capital_eth: u(1_000_000_000_000),
        supply_nxm: u(1),
        ..c
    };
    assert_eq!(go(&thin, &rich, &p), Err(MathError::ReserveExhausted));
    // Prices of 2^64 ETH per NXM or more are outside the domain: a spot price (A's or B's) ...
    let limit_64 = U256::from(1u8) << 64;
    for spot in [
        RammState {
            eth_reserve: limit_64,
            nxm_reserve_a: u(1),
            ..s
        },
        RammState {
            eth_reserve: limit_64,
            nxm_reserve_a: limit_64,
            nxm_reserve_b: u(1),
            ..s
        },
    ] {
        assert_eq!(go(&spot, &c, &p), Err(MathError::OutOfRange));
    }
    // ... or A's target (1 + buffer)·BV; just below, the update goes through.
    let at_limit = Capital {
        capital_eth: limit_64 * u(100),
        supply_nxm: u(101),
        ..c
    };
    assert_eq!(go(&thin, &at_limit, &p), Err(MathError::OutOfRange));
    let below_limit = Capital {
        capital_eth: limit_64 * u(99),
        supply_nxm: u(101),
        ..c
    };
    let big_e = RammState {
        eth_reserve: limit_64 * u(1_000),
        ..thin
    };
    assert!(go(&big_e, &below_limit, &p).is_ok());
}
