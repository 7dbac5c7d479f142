//! Rules and every error path of `mutual-math`, on hand-picked values. The high-precision
//! property tests live in `mutual-math-reference`.

use mutual_math::{fixed, mcr, pricing, staking, MathError, U256};

fn eth(x: u64) -> U256 {
    U256::from(x) * fixed::WAD
}
fn u(x: u64) -> U256 {
    U256::from(x)
}

#[test]
fn mul_div_rounds_and_refuses_bad_input() {
    assert_eq!(fixed::mul_div_down(u(7), u(3), u(2)), Ok(u(10)));
    assert_eq!(fixed::mul_div_up(u(7), u(3), u(2)), Ok(u(11)));
    assert_eq!(fixed::mul_div_up(u(8), u(3), u(2)), Ok(u(12)));
    assert_eq!(
        fixed::mul_div_down(u(1), u(1), U256::ZERO),
        Err(MathError::DivisionByZero)
    );
    assert_eq!(
        fixed::mul_div_up(u(1), u(1), U256::ZERO),
        Err(MathError::DivisionByZero)
    );
    // MAX * MAX / MAX is exact through the 512-bit intermediate.
    assert_eq!(
        fixed::mul_div_down(U256::MAX, U256::MAX, U256::MAX),
        Ok(U256::MAX)
    );
    assert_eq!(
        fixed::mul_div_down(U256::MAX, u(2), u(1)),
        Err(MathError::Overflow)
    );
    // The result fits but rounding up would not.
    assert_eq!(
        fixed::mul_div_up(U256::MAX, U256::MAX - u(1), U256::MAX - u(2)),
        Err(MathError::Overflow)
    );
    assert_eq!(fixed::wad_mul_down(eth(3), eth(2)), Ok(eth(6)));
    assert_eq!(fixed::wad_div_up(u(1), eth(3)), Ok(u(1)));
    assert_eq!(fixed::wad_div_down(u(1), eth(3)), Ok(U256::ZERO));
    assert_eq!(fixed::bps_mul_down(u(999), u(5_000)), Ok(u(499)));
    assert_eq!(fixed::bps_mul_up(u(999), u(5_000)), Ok(u(500)));
    assert_eq!(fixed::sqrt_down(U256::MAX), U256::from(u128::MAX));
    assert_eq!(fixed::div_down(u(7), u(2)), Ok(u(3)));
    assert_eq!(fixed::div_up(u(7), u(2)), Ok(u(4)));
    assert_eq!(
        fixed::div_down(u(7), U256::ZERO),
        Err(MathError::DivisionByZero)
    );
    assert_eq!(fixed::sqrt_down(u(99)), u(9));
    assert_eq!(fixed::sqrt_down(u(100)), u(10));
    assert_eq!(fixed::sqrt_down(U256::ZERO), U256::ZERO);
    assert_eq!(fixed::sqrt_down(u(1)), u(1));
    assert_eq!(fixed::sqrt_down(u(3)), u(1));
}

#[test]
fn mcr_target_smoothing_and_ratio() {
    let gearing = mcr::GEARING_FACTOR_BPS;
    assert_eq!(
        mcr::desired_mcr_eth(eth(48_000), gearing, eth(1)),
        Ok(eth(10_000))
    );
    assert_eq!(
        mcr::desired_mcr_eth(eth(48_000), gearing, eth(20_000)),
        Ok(eth(20_000))
    );
    assert_eq!(
        mcr::desired_mcr_eth(eth(1), U256::ZERO, eth(1)),
        Err(MathError::DivisionByZero)
    );
    let stored = eth(10_000);
    // A stored MCR of zero jumps to the target.
    assert_eq!(mcr::smoothed_mcr_eth(U256::ZERO, eth(5), 0), Ok(eth(5)));
    // Under 172.8 s no move (500 bps/day floors to 0); 1 hour = 20 bps; a day caps at 100 bps.
    assert_eq!(mcr::smoothed_mcr_eth(stored, eth(20_000), 172), Ok(stored));
    assert_eq!(
        mcr::smoothed_mcr_eth(stored, eth(20_000), 3_600),
        Ok(eth(10_020))
    );
    assert_eq!(
        mcr::smoothed_mcr_eth(stored, eth(20_000), 86_400),
        Ok(eth(10_100))
    );
    assert_eq!(
        mcr::smoothed_mcr_eth(stored, eth(5_000), 86_400),
        Ok(eth(9_900))
    );
    // Never past the target.
    assert_eq!(
        mcr::smoothed_mcr_eth(stored, eth(10_010), 86_400),
        Ok(eth(10_010))
    );
    assert_eq!(
        mcr::smoothed_mcr_eth(stored, eth(9_990), 86_400),
        Ok(eth(9_990))
    );
    assert_eq!(mcr::mcr_ratio_bps(eth(15_000), stored), Ok(u(15_000)));
    assert_eq!(
        mcr::mcr_ratio_bps(eth(1), U256::ZERO),
        Err(MathError::ZeroMcr)
    );
}

#[test]
fn pricing_rules() {
    // 1 000 NXM at 2 % a year for 365 days: 20 NXM; for one second it still costs 1 wei.
    assert_eq!(
        pricing::premium(eth(1_000), u(200), pricing::YEAR_SECS, pricing::YEAR_SECS),
        Ok(eth(20))
    );
    assert_eq!(
        pricing::premium(u(1), u(1), 1, pricing::YEAR_SECS),
        Ok(u(1))
    );
    assert_eq!(pricing::floored_target_price_bps(u(50), U256::ZERO), u(100));
    assert_eq!(pricing::floored_target_price_bps(u(50), u(30)), u(50));
    assert_eq!(pricing::floored_target_price_bps(u(250), u(300)), u(300));
    // Decay: 2 % per day, never below the target.
    assert_eq!(
        pricing::decayed_price_bps(u(1_000), u(200), 86_400, pricing::DAY_SECS),
        Ok(u(800))
    );
    assert_eq!(
        pricing::decayed_price_bps(u(1_000), u(200), 43_199, pricing::DAY_SECS),
        Ok(u(901))
    );
    assert_eq!(
        pricing::decayed_price_bps(u(1_000), u(200), 100 * 86_400, pricing::DAY_SECS),
        Ok(u(200))
    );
    // A devnet day of 60 s: the year is 365 · 60 s and the decay 2 % per 60 s.
    assert_eq!(
        pricing::premium(eth(1_000), u(200), 365 * 60, 365 * 60),
        Ok(eth(20))
    );
    assert_eq!(
        pricing::decayed_price_bps(u(1_000), u(200), 90, 60),
        Ok(u(700))
    );
    assert_eq!(
        pricing::decayed_price_bps(u(1_000), u(200), 1, 0),
        Err(MathError::DivisionByZero)
    );
    assert_eq!(
        pricing::premium(u(1), u(1), 1, 0),
        Err(MathError::DivisionByZero)
    );
    // Bump: +0.05 % per 1 % of capacity, rounded up, capped at 100 %.
    assert_eq!(
        pricing::bumped_price_bps(u(200), u(10), u(1_000)),
        Ok(u(205))
    );
    assert_eq!(
        pricing::bumped_price_bps(u(200), u(1), u(1_000)),
        Ok(u(201))
    );
    assert_eq!(
        pricing::bumped_price_bps(u(9_999), u(1_000), u(1_000)),
        Ok(u(10_000))
    );
    assert_eq!(
        pricing::bumped_price_bps(u(200), u(1), U256::ZERO),
        Err(MathError::DivisionByZero)
    );
    // Commission: 10 % of the gross on a 90 premium is 10.
    assert_eq!(pricing::commission(u(90), u(1_000)), Ok(u(10)));
    assert_eq!(pricing::commission(u(90), u(0)), Ok(U256::ZERO));
    assert_eq!(
        pricing::commission(u(90), u(3_001)),
        Err(MathError::RatioTooHigh {
            ratio_bps: u(3_001),
            max_bps: u(3_000)
        })
    );
    assert_eq!(pricing::staker_reward_nxm(u(101)), Ok(u(50)));
    assert_eq!(pricing::allocation_units(eth(1)), Ok(u(100)));
    assert_eq!(pricing::allocation_units(eth(1) + u(1)), Ok(u(101)));
    assert_eq!(
        pricing::asset_to_nxm_up(eth(1), eth(1) / u(10)),
        Ok(eth(10))
    );
    assert_eq!(
        pricing::asset_to_nxm_up(eth(1), U256::ZERO),
        Err(MathError::DivisionByZero)
    );
}

#[test]
fn staking_rules() {
    let t = staking::TRANCHE_DURATION_SECS;
    let b = staking::BUCKET_DURATION_SECS;
    assert_eq!(staking::tranche_id(t * 3 + 5, t), Ok(3));
    assert_eq!(staking::bucket_id(b * 7 - 1, b), Ok(6));
    assert_eq!(staking::tranche_id(1, 0), Err(MathError::DivisionByZero));
    assert_eq!(staking::bucket_id(1, 0), Err(MathError::DivisionByZero));
    assert_eq!(staking::first_usable_tranche_id(t, t - 1, 1, t), Ok(2));
    assert_eq!(
        staking::first_usable_tranche_id(u64::MAX, 1, 0, t),
        Err(MathError::Overflow)
    );
    assert_eq!(staking::stream_end_secs(b, b, b), Ok(2 * b));
    assert_eq!(staking::stream_end_secs(b, 1, b), Ok(2 * b));
    assert_eq!(
        staking::stream_end_secs(1, 1, 0),
        Err(MathError::DivisionByZero)
    );
    // Shares: sqrt for the first deposit, proportional after.
    assert_eq!(
        staking::new_stake_shares(eth(100), U256::ZERO, U256::ZERO),
        Ok(u(10_000_000_000))
    );
    assert_eq!(
        staking::new_stake_shares(u(50), u(1_000), u(100)),
        Ok(u(500))
    );
    assert_eq!(
        staking::new_stake_shares(u(50), u(1_000), U256::ZERO),
        Err(MathError::DivisionByZero)
    );
    // A 20 % fee: the manager gets 20 % of all reward shares.
    assert_eq!(staking::manager_fee_shares(u(800), u(20)), Ok(u(200)));
    assert_eq!(
        staking::manager_fee_shares(u(800), u(100)),
        Err(MathError::RatioTooHigh {
            ratio_bps: u(10_000),
            max_bps: u(10_000)
        })
    );
    assert_eq!(
        staking::reward_per_share_increase_wad(10, u(3), u(2)),
        Ok(eth(15))
    );
    assert_eq!(
        staking::reward_per_share_increase_wad(10, u(3), U256::ZERO),
        Err(MathError::DivisionByZero)
    );
    assert_eq!(
        staking::accrued_rewards_nxm(eth(15), eth(5), u(3)),
        Ok(u(30))
    );
    assert_eq!(
        staking::accrued_rewards_nxm(eth(5), eth(15), u(3)),
        Err(MathError::Overflow)
    );
    assert_eq!(staking::stake_for_shares(u(1_000), u(1), u(3)), Ok(u(333)));
    // 50 % of a 1 000 NXM premium streamed over 100 s: 5 NXM/s, 500 NXM minted.
    assert_eq!(
        staking::reward_stream(eth(1_000), u(5_000), 100),
        Ok((eth(5), eth(500)))
    );
    assert_eq!(
        staking::reward_stream(eth(1), u(5_000), 0),
        Err(MathError::DivisionByZero)
    );
    // 1 000 NXM, 2x capacity, no reduction, weight 50 %: 1 000 NXM = 100 000 units.
    assert_eq!(
        staking::tranche_capacity_units(
            eth(1_000),
            staking::GLOBAL_CAPACITY_RATIO_BPS,
            U256::ZERO,
            u(50)
        ),
        Ok(u(100_000))
    );
    assert_eq!(
        staking::tranche_capacity_units(
            eth(1_000),
            staking::GLOBAL_CAPACITY_RATIO_BPS,
            u(10_001),
            u(50)
        ),
        Err(MathError::RatioTooHigh {
            ratio_bps: u(10_001),
            max_bps: u(10_000)
        })
    );
    // Docs example: 50 ETH at 0.1 ETH/NXM = 500 NXM of cover, 2x capacity burns 250 NXM.
    assert_eq!(
        staking::stake_burn_nxm(eth(500), staking::GLOBAL_CAPACITY_RATIO_BPS),
        Ok(eth(250))
    );
    assert_eq!(
        staking::stake_burn_nxm(eth(500), U256::ZERO),
        Err(MathError::DivisionByZero)
    );
}
