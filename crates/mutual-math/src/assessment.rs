//! Claim assessment arithmetic (protocol-reference §7a, V2's staked assessment): the assessors'
//! reward and the claimant's deposit, each voter's share of the reward, the poll's outcome and
//! its end (the first accept vote, the silent ending), and the windows that follow it (cooldown,
//! redemption, the assessors' stake lockup).
//!
//! Every period is a whole number of days of `day_secs` seconds ([`crate::pricing::DAY_SECS`] on
//! real networks) so a devnet can run a claim's whole life in minutes; the reward is annualised
//! over `year_secs` as premiums are ([`crate::pricing::premium`]). Rounding favours the mutual:
//! the reward and each voter's share round down (never more NXM minted than the rule gives), the
//! deposit rounds up (the claimant never posts less than the reward is worth), and the silent
//! ending's extension rounds down (V2's integer division).

use alloy_primitives::U256;

use crate::{
    fixed::{mul_div_down, wad_mul_up, WAD},
    MathError,
};

/// The assessors' reward is at most 50 NXM (V2's `MAX_REWARD_IN_NXM`).
pub const MAX_REWARD_NXM: U256 = U256::from_limbs([0xb5e3_af16_b188_0000, 0x2, 0, 0]);
/// The reward is 1.3 % a year of the expected payout (V2's `REWARD_RATIO` 130 / 10 000).
pub const REWARD_RATIO_BPS: u64 = 130;
/// The claim deposit is at least 0.05 ETH (V2's `MIN_ASSESSMENT_DEPOSIT_RATIO`, 500 bps of
/// 1 ETH).
pub const MIN_DEPOSIT_ETH: U256 = U256::from_limbs([50_000_000_000_000_000, 0, 0, 0]);
/// A poll lasts 3 days from submission, and again 3 days from the first accept vote
/// (V2's `minVotingPeriodInDays`).
pub const MIN_VOTING_PERIOD_DAYS: u64 = 3;
/// A vote cast less than 1 day before the poll's end extends it (V2's
/// `silentEndingPeriodInDays`); the extension is also at most 1 day.
pub const SILENT_ENDING_PERIOD_DAYS: u64 = 1;
/// After the poll ends, 1 day of cooldown before the outcome is final (V2's
/// `payoutCooldownInDays`).
pub const PAYOUT_COOLDOWN_DAYS: u64 = 1;
/// An accepted claim can be redeemed for 30 days after the cooldown (V2's
/// `payoutRedemptionPeriodInDays`).
pub const PAYOUT_REDEMPTION_PERIOD_DAYS: u64 = 30;
/// Assessors may unstake 14 days after their last vote (V2's `stakeLockupPeriodInDays`; the
/// docs said 90, the code says 14).
pub const STAKE_LOCKUP_PERIOD_DAYS: u64 = 14;

/// `time + days · day_secs`, checked.
fn after_days(time_secs: u64, days: u64, day_secs: u64) -> Result<u64, MathError> {
    days.checked_mul(day_secs)
        .and_then(|span| time_secs.checked_add(span))
        .ok_or(MathError::Overflow)
}

/// The claimed amount in NXM, what the reward is a share of: `floor(amount · 1e18 / price)`
/// at the internal NXM price in the cover asset (`price_wei_per_nxm`, 1e18 for a cover in NXM).
/// Rounded down, as V2's `expectedPayoutInNXM`: the reward minted from it can only be smaller.
///
/// # Errors
/// [`MathError::DivisionByZero`] for a zero price; [`MathError::Overflow`] if the result
/// exceeds `U256::MAX`.
pub fn expected_payout_nxm(amount: U256, price_wei_per_nxm: U256) -> Result<U256, MathError> {
    mul_div_down(amount, WAD, price_wei_per_nxm)
}

/// The reward the assessors of a claim share: `min(50 NXM, floor(payout_nxm · 130 · period_secs
/// / (10 000 · year_secs)))`, i.e. 1.3 % a year of the expected payout over the cover's period,
/// where a year is `year_secs` ([`crate::pricing::YEAR_SECS`] on real networks, `365 · day_secs`
/// on a devnet). One rounding, down (V2 divides twice, by 365 days then by 10 000, which floors
/// to the same integer).
///
/// An uncapped value beyond 256 bits is above the cap: the result is then 50 NXM, not an error.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `year_secs == 0`.
pub fn assessment_reward_nxm(
    payout_nxm: U256,
    period_secs: u64,
    year_secs: u64,
) -> Result<U256, MathError> {
    // 130 · period < 2^72 and 10 000 · year < 2^78: exact in u128.
    let rate_time = u128::from(REWARD_RATIO_BPS) * u128::from(period_secs);
    let year_bps = 10_000u128 * u128::from(year_secs);
    match mul_div_down(payout_nxm, U256::from(rate_time), U256::from(year_bps)) {
        Ok(reward) => Ok(reward.min(MAX_REWARD_NXM)),
        Err(MathError::Overflow) => Ok(MAX_REWARD_NXM),
        Err(e) => Err(e),
    }
}

/// The ETH deposit of a claim whose assessment reward is `reward_nxm`:
/// `max(0.05 ETH, ceil(reward_nxm · price_wei_per_nxm / 1e18))` at the internal NXM price in
/// ETH. Rounded up: the deposit is never worth less than the reward (V2 rounds this one down;
/// the difference is at most 1 wei).
///
/// # Errors
/// [`MathError::Overflow`] if the reward's value exceeds `U256::MAX`.
pub fn claim_deposit_eth(reward_nxm: U256, price_wei_per_nxm: U256) -> Result<U256, MathError> {
    Ok(wad_mul_up(reward_nxm, price_wei_per_nxm)?.max(MIN_DEPOSIT_ETH))
}

/// One voter's share of the reward: `floor(reward_nxm · voter_stake_nxm / (accepted_nxm +
/// denied_nxm))`, with the poll's final tally. Rounded down, so the shares of all the votes of
/// the tally add up to at most the reward (short of it by less than 1 wei per vote).
///
/// # Errors
/// [`MathError::Overflow`] if `accepted + denied` overflows; [`MathError::OutOfRange`] if the
/// voter's stake exceeds the tally (a vote's stake is part of it);
/// [`MathError::DivisionByZero`] for an empty tally.
pub fn voter_reward_nxm(
    reward_nxm: U256,
    voter_stake_nxm: U256,
    accepted_nxm: U256,
    denied_nxm: U256,
) -> Result<U256, MathError> {
    let tally = accepted_nxm
        .checked_add(denied_nxm)
        .ok_or(MathError::Overflow)?;
    if voter_stake_nxm > tally {
        return Err(MathError::OutOfRange);
    }
    mul_div_down(reward_nxm, voter_stake_nxm, tally)
}

/// The poll's outcome: accepted iff `accepted_nxm > denied_nxm` (ties, a poll without votes
/// included, deny). There is no quorum. Exact.
pub fn claim_accepted(accepted_nxm: U256, denied_nxm: U256) -> bool {
    accepted_nxm > denied_nxm
}

/// The end of a poll that opens at `start_secs`: `start + 3 · day_secs`. A claim's poll opens at
/// submission (a claim nobody votes on is denied then), and again at the first accept vote.
///
/// # Errors
/// [`MathError::Overflow`] if the end does not fit in a `u64`.
pub fn new_poll_end_secs(start_secs: u64, day_secs: u64) -> Result<u64, MathError> {
    after_days(start_secs, MIN_VOTING_PERIOD_DAYS, day_secs)
}

/// The silent ending: the poll's end after a vote of `stake_nxm` cast at `now_secs`, when
/// `voted_before_nxm` (accepted + denied, before this vote) was already voted. With
/// `window = 1 · day_secs`: if `poll_end − now < window` (strictly), the end moves to
/// `poll_end + min(window, floor(window · stake / voted_before))`; otherwise it stays. The
/// extension rounds down. A vote into an empty tally counts as an infinite share (the full
/// window); V2 never gets there, as the first vote restarts a 3-day poll
/// ([`poll_end_after_vote_secs`]). A zero stake extends nothing.
///
/// # Errors
/// [`MathError::OutOfRange`] if `now_secs >= poll_end_secs` (voting is closed);
/// [`MathError::Overflow`] if the new end does not fit in a `u64`.
pub fn silent_ending_poll_end_secs(
    poll_end_secs: u64,
    now_secs: u64,
    stake_nxm: U256,
    voted_before_nxm: U256,
    day_secs: u64,
) -> Result<u64, MathError> {
    if now_secs >= poll_end_secs {
        return Err(MathError::OutOfRange);
    }
    let window = SILENT_ENDING_PERIOD_DAYS
        .checked_mul(day_secs)
        .ok_or(MathError::Overflow)?;
    if poll_end_secs - now_secs >= window || stake_nxm.is_zero() {
        return Ok(poll_end_secs);
    }
    let extension = if stake_nxm >= voted_before_nxm {
        // window · stake / voted ≥ window (or an empty tally): the cap binds.
        window
    } else {
        // stake < voted: the quotient is below `window`, a u64, and the division cannot fail.
        mul_div_down(U256::from(window), stake_nxm, voted_before_nxm)?.as_limbs()[0]
    };
    poll_end_secs
        .checked_add(extension)
        .ok_or(MathError::Overflow)
}

/// The poll's end after a vote of `stake_nxm` at `now_secs` on a tally of `accepted_before_nxm`
/// and `denied_before_nxm` (V2's `castVote`): voting must still be open (`now < poll_end`); the
/// first accept vote (`accepted_before == 0`) restarts the poll at `now + 3 · day_secs`; then
/// the silent ending applies ([`silent_ending_poll_end_secs`], with `voted_before = accepted +
/// denied`). The caller refuses a first vote that is not an accept (`AcceptVoteRequired`) and a
/// zero stake.
///
/// # Errors
/// [`MathError::OutOfRange`] if voting is closed; [`MathError::Overflow`] if the tally or the
/// new end overflows.
pub fn poll_end_after_vote_secs(
    poll_end_secs: u64,
    now_secs: u64,
    stake_nxm: U256,
    accepted_before_nxm: U256,
    denied_before_nxm: U256,
    day_secs: u64,
) -> Result<u64, MathError> {
    if now_secs >= poll_end_secs {
        return Err(MathError::OutOfRange);
    }
    let end = if accepted_before_nxm.is_zero() {
        new_poll_end_secs(now_secs, day_secs)?
    } else {
        poll_end_secs
    };
    let voted_before = accepted_before_nxm
        .checked_add(denied_before_nxm)
        .ok_or(MathError::Overflow)?;
    silent_ending_poll_end_secs(end, now_secs, stake_nxm, voted_before, day_secs)
}

/// The end of the cooldown after a poll ending at `poll_end_secs`: `poll_end + 1 · day_secs`.
/// An accepted claim is redeemable from this instant on (`now >= cooldown_end`, V2's
/// `redeemClaimPayout`); the assessors' rewards are withdrawable once it has passed
/// (`now > cooldown_end`, V2's `withdrawRewards`, see [`rewards_withdrawable`]).
///
/// # Errors
/// [`MathError::Overflow`] if the end does not fit in a `u64`.
pub fn cooldown_end_secs(poll_end_secs: u64, day_secs: u64) -> Result<u64, MathError> {
    after_days(poll_end_secs, PAYOUT_COOLDOWN_DAYS, day_secs)
}

/// The end of the redemption window of a poll ending at `poll_end_secs`, counted from the end of
/// the cooldown: `poll_end + 1 · day_secs + 30 · day_secs`. The payout must be redeemed before
/// it (`now < redemption_end`).
///
/// # Errors
/// [`MathError::Overflow`] if the end does not fit in a `u64`.
pub fn redemption_end_secs(poll_end_secs: u64, day_secs: u64) -> Result<u64, MathError> {
    after_days(
        cooldown_end_secs(poll_end_secs, day_secs)?,
        PAYOUT_REDEMPTION_PERIOD_DAYS,
        day_secs,
    )
}

/// Whether an accepted claim's payout can be redeemed at `now_secs`:
/// `cooldown_end <= now < redemption_end` (V2's bounds: inclusive start, exclusive end). The
/// caller checks the outcome ([`claim_accepted`]).
///
/// # Errors
/// [`MathError::Overflow`] if a window bound does not fit in a `u64`.
pub fn payout_redeemable(
    now_secs: u64,
    poll_end_secs: u64,
    day_secs: u64,
) -> Result<bool, MathError> {
    let from = cooldown_end_secs(poll_end_secs, day_secs)?;
    let until = redemption_end_secs(poll_end_secs, day_secs)?;
    Ok(from <= now_secs && now_secs < until)
}

/// Whether the assessors' rewards of a poll ending at `poll_end_secs` can be withdrawn at
/// `now_secs`: `now > poll_end + 1 · day_secs` (strictly, V2's `withdrawRewards`).
///
/// # Errors
/// [`MathError::Overflow`] if the cooldown's end does not fit in a `u64`.
pub fn rewards_withdrawable(
    now_secs: u64,
    poll_end_secs: u64,
    day_secs: u64,
) -> Result<bool, MathError> {
    Ok(now_secs > cooldown_end_secs(poll_end_secs, day_secs)?)
}

/// Whether an assessor whose last vote was at `last_vote_secs` may unstake at `now_secs`:
/// `now > last_vote + 14 · day_secs` (strictly, V2's `unstake`). An assessor who never voted
/// may always unstake (the caller skips the check).
///
/// # Errors
/// [`MathError::Overflow`] if the lockup's end does not fit in a `u64`.
pub fn unstake_allowed(
    now_secs: u64,
    last_vote_secs: u64,
    day_secs: u64,
) -> Result<bool, MathError> {
    Ok(now_secs > after_days(last_vote_secs, STAKE_LOCKUP_PERIOD_DAYS, day_secs)?)
}

#[cfg(test)]
mod tests {
    //! Hand-computed examples at every boundary of §7a, and a property test of a whole
    //! simulated poll against exact 512-bit arithmetic.
    extern crate std;
    use std::vec::Vec;

    use alloy_primitives::U512;
    use proptest::prelude::*;

    use super::*;
    use crate::pricing::{DAY_SECS, YEAR_SECS};

    fn u(x: u128) -> U256 {
        U256::from(x)
    }

    /// `x` whole tokens (NXM or ETH).
    fn tok(x: u128) -> U256 {
        u(x) * WAD
    }

    fn wide(x: U256) -> U512 {
        U512::from(x)
    }

    const D: u64 = DAY_SECS;

    #[test]
    fn constants_are_the_reference_values() {
        assert_eq!(MAX_REWARD_NXM, tok(50));
        assert_eq!(MIN_DEPOSIT_ETH, WAD * u(500) / u(10_000));
    }

    #[test]
    fn expected_payout_rounds_down() {
        // 10 ETH at 0.02 ETH per NXM: 500 NXM.
        let price = u(20_000_000_000_000_000);
        assert_eq!(expected_payout_nxm(tok(10), price), Ok(tok(500)));
        // 1 wei at 3 wei per NXM: 0.333… NXM-wei of NXM → 333 333 333 333 333 333.
        assert_eq!(
            expected_payout_nxm(u(1), u(3)),
            Ok(u(333_333_333_333_333_333))
        );
        assert_eq!(
            expected_payout_nxm(tok(1), U256::ZERO),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(
            expected_payout_nxm(U256::MAX, u(1)),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn reward_is_1_3_percent_a_year_capped_at_50_nxm() {
        // Cap not binding: 1 000 NXM for a year is 13 NXM.
        assert_eq!(
            assessment_reward_nxm(tok(1_000), YEAR_SECS, YEAR_SECS),
            Ok(tok(13))
        );
        // 1 000 NXM for 30 days: 1 000e18 · 130 · 30 / (10 000 · 365) = 1.068493150684931506849…
        // NXM, rounded down.
        assert_eq!(
            assessment_reward_nxm(tok(1_000), 30 * D, YEAR_SECS),
            Ok(u(1_068_493_150_684_931_506))
        );
        // Cap binding: 10 000 NXM for a year would be 130 NXM.
        assert_eq!(
            assessment_reward_nxm(tok(10_000), YEAR_SECS, YEAR_SECS),
            Ok(MAX_REWARD_NXM)
        );
        // At the cap exactly: with a year of 130 s and a period of 100 s the reward is
        // payout / 100, so 5 000 NXM gives exactly 50 NXM, one wei less 50 NXM − 1 wei
        // (4 999.99…9 / 100 rounded down), 100 wei more is 1 wei over the cap.
        assert_eq!(assessment_reward_nxm(tok(5_000), 100, 130), Ok(tok(50)));
        assert_eq!(
            assessment_reward_nxm(tok(5_000) - u(1), 100, 130),
            Ok(tok(50) - u(1))
        );
        assert_eq!(
            assessment_reward_nxm(tok(5_000) + u(100), 100, 130),
            Ok(tok(50))
        );
        // A devnet year of 365 one-minute days: 30 such days of 1 000 NXM, as above.
        assert_eq!(
            assessment_reward_nxm(tok(1_000), 30 * 60, 365 * 60),
            Ok(u(1_068_493_150_684_931_506))
        );
        // No period, no payout: no reward.
        assert_eq!(
            assessment_reward_nxm(tok(1_000), 0, YEAR_SECS),
            Ok(U256::ZERO)
        );
        assert_eq!(
            assessment_reward_nxm(U256::ZERO, D, YEAR_SECS),
            Ok(U256::ZERO)
        );
        // An uncapped value beyond 256 bits is above the cap.
        assert_eq!(
            assessment_reward_nxm(U256::MAX, u64::MAX, 1),
            Ok(MAX_REWARD_NXM)
        );
        assert_eq!(
            assessment_reward_nxm(tok(1), D, 0),
            Err(MathError::DivisionByZero)
        );
    }

    #[test]
    fn deposit_is_the_reward_value_with_a_0_05_eth_floor() {
        let price = u(20_000_000_000_000_000); // 0.02 ETH per NXM
                                               // Floor binding: 1 NXM is worth 0.02 ETH.
        assert_eq!(claim_deposit_eth(tok(1), price), Ok(MIN_DEPOSIT_ETH));
        assert_eq!(claim_deposit_eth(U256::ZERO, price), Ok(MIN_DEPOSIT_ETH));
        // Exactly at the floor: 2.5 NXM at 0.02 ETH is 0.05 ETH; one wei of NXM more is
        // 0.05 ETH + 0.02 wei, rounded up to 0.05 ETH + 1 wei.
        let two_and_a_half = u(2_500_000_000_000_000_000);
        assert_eq!(
            claim_deposit_eth(two_and_a_half, price),
            Ok(MIN_DEPOSIT_ETH)
        );
        assert_eq!(
            claim_deposit_eth(two_and_a_half + u(1), price),
            Ok(MIN_DEPOSIT_ETH + u(1))
        );
        // Floor not binding: the 50 NXM maximum reward at 0.02 ETH is 1 ETH.
        assert_eq!(claim_deposit_eth(MAX_REWARD_NXM, price), Ok(tok(1)));
        // Rounded up: 50 NXM + 1 wei is 1 ETH + 0.02 wei → 1 ETH + 1 wei.
        assert_eq!(
            claim_deposit_eth(MAX_REWARD_NXM + u(1), price),
            Ok(tok(1) + u(1))
        );
        assert_eq!(
            claim_deposit_eth(U256::MAX, tok(2)),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn voter_shares_split_the_reward_by_stake() {
        // Three equal votes on 10 NXM: 3.333… NXM each, 1 wei of dust.
        let share = voter_reward_nxm(tok(10), tok(1), tok(2), tok(1)).unwrap();
        assert_eq!(share, u(3_333_333_333_333_333_333));
        assert_eq!(tok(10) - share * u(3), u(1));
        // 30 NXM accepted and 10 NXM denied: a 30 NXM voter takes 3/4 of the reward, whichever
        // side it voted (assessors are paid for voting, not for winning).
        assert_eq!(
            voter_reward_nxm(tok(8), tok(30), tok(30), tok(10)),
            Ok(tok(6))
        );
        assert_eq!(
            voter_reward_nxm(tok(8), tok(10), tok(30), tok(10)),
            Ok(tok(2))
        );
        // The only voter takes it all.
        assert_eq!(
            voter_reward_nxm(tok(8), tok(5), tok(5), U256::ZERO),
            Ok(tok(8))
        );
        assert_eq!(
            voter_reward_nxm(tok(8), tok(6), tok(5), U256::ZERO),
            Err(MathError::OutOfRange)
        );
        assert_eq!(
            voter_reward_nxm(tok(8), U256::ZERO, U256::ZERO, U256::ZERO),
            Err(MathError::DivisionByZero)
        );
        assert_eq!(
            voter_reward_nxm(tok(8), u(1), U256::MAX, u(1)),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn ties_deny() {
        assert!(!claim_accepted(tok(5), tok(5)));
        assert!(!claim_accepted(U256::ZERO, U256::ZERO));
        assert!(claim_accepted(tok(5) + u(1), tok(5)));
        assert!(!claim_accepted(tok(5), tok(5) + u(1)));
        assert!(claim_accepted(u(1), U256::ZERO));
    }

    #[test]
    fn silent_ending_extends_only_inside_the_last_day() {
        let end = 10 * D;
        // Exactly one day left: not inside the window (strictly less than a day), no extension.
        assert_eq!(
            silent_ending_poll_end_secs(end, end - D, tok(1), tok(4), D),
            Ok(end)
        );
        // One second less than a day left: a quarter of the tally extends by a quarter of a day.
        assert_eq!(
            silent_ending_poll_end_secs(end, end - D + 1, tok(1), tok(4), D),
            Ok(end + 21_600)
        );
        // The extension rounds down: 86 400 / 7 = 12 342.857… s.
        assert_eq!(
            silent_ending_poll_end_secs(end, end - 1, tok(1), tok(7), D),
            Ok(end + 12_342)
        );
        // Capped at one day: a vote as large as the tally, or larger.
        assert_eq!(
            silent_ending_poll_end_secs(end, end - 1, tok(4), tok(4), D),
            Ok(end + D)
        );
        assert_eq!(
            silent_ending_poll_end_secs(end, end - 1, U256::MAX, u(1), D),
            Ok(end + D)
        );
        // One wei under the tally: (4e18 − 1) / 4e18 of a day, rounded down to a second less.
        assert_eq!(
            silent_ending_poll_end_secs(end, end - 1, tok(4) - u(1), tok(4), D),
            Ok(end + D - 1)
        );
        // An empty tally counts as an infinite share; a zero stake extends nothing.
        assert_eq!(
            silent_ending_poll_end_secs(end, end - 1, tok(1), U256::ZERO, D),
            Ok(end + D)
        );
        assert_eq!(
            silent_ending_poll_end_secs(end, end - 1, U256::ZERO, tok(1), D),
            Ok(end)
        );
        // A devnet day of 60 s: 30 s left, half the tally → 30 s more.
        assert_eq!(
            silent_ending_poll_end_secs(600, 570, tok(2), tok(4), 60),
            Ok(630)
        );
        // Voting is closed at the end.
        assert_eq!(
            silent_ending_poll_end_secs(end, end, tok(1), tok(4), D),
            Err(MathError::OutOfRange)
        );
        assert_eq!(
            silent_ending_poll_end_secs(u64::MAX, u64::MAX - 1, tok(1), tok(1), D),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn first_accept_vote_restarts_the_poll() {
        let submitted = 1_000_000;
        let end = new_poll_end_secs(submitted, D).unwrap();
        assert_eq!(end, submitted + 3 * D);
        // The first vote, 2.5 days in: the poll restarts for 3 days, no silent ending.
        let now = submitted + 5 * D / 2;
        let end = poll_end_after_vote_secs(end, now, tok(10), U256::ZERO, U256::ZERO, D).unwrap();
        assert_eq!(end, now + 3 * D);
        // A deny vote half a day before the end, with 10 NXM voted: 5 NXM adds half a day.
        let now = end - D / 2;
        let end_after = poll_end_after_vote_secs(end, now, tok(5), tok(10), U256::ZERO, D);
        assert_eq!(end_after, Ok(end + D / 2));
        // After the end: closed, even for a claim nobody voted on.
        assert_eq!(
            poll_end_after_vote_secs(end, end, tok(5), U256::ZERO, U256::ZERO, D),
            Err(MathError::OutOfRange)
        );
        assert_eq!(
            poll_end_after_vote_secs(end, now, tok(5), U256::MAX, u(1), D),
            Err(MathError::Overflow)
        );
        assert_eq!(
            new_poll_end_secs(u64::MAX - 3 * D + 1, D),
            Err(MathError::Overflow)
        );
        assert_eq!(new_poll_end_secs(1, u64::MAX), Err(MathError::Overflow));
    }

    #[test]
    fn cooldown_redemption_and_lockup_windows() {
        // A devnet day of 60 s, poll ending at 1 000.
        assert_eq!(cooldown_end_secs(1_000, 60), Ok(1_060));
        assert_eq!(redemption_end_secs(1_000, 60), Ok(1_060 + 30 * 60));
        assert_eq!(redemption_end_secs(0, D), Ok(31 * D));
        assert_eq!(payout_redeemable(1_059, 1_000, 60), Ok(false));
        assert_eq!(payout_redeemable(1_060, 1_000, 60), Ok(true));
        assert_eq!(payout_redeemable(2_859, 1_000, 60), Ok(true));
        assert_eq!(payout_redeemable(2_860, 1_000, 60), Ok(false));
        assert_eq!(rewards_withdrawable(1_060, 1_000, 60), Ok(false));
        assert_eq!(rewards_withdrawable(1_061, 1_000, 60), Ok(true));
        // Unstaking: strictly after 14 days from the last vote.
        assert_eq!(unstake_allowed(100 + 14 * 60, 100, 60), Ok(false));
        assert_eq!(unstake_allowed(101 + 14 * 60, 100, 60), Ok(true));
        assert_eq!(cooldown_end_secs(u64::MAX, 1), Err(MathError::Overflow));
        assert_eq!(
            redemption_end_secs(u64::MAX - 30, 1),
            Err(MathError::Overflow)
        );
        assert_eq!(
            payout_redeemable(0, u64::MAX - 30, 1),
            Err(MathError::Overflow)
        );
        assert_eq!(
            rewards_withdrawable(0, u64::MAX, 1),
            Err(MathError::Overflow)
        );
        assert_eq!(unstake_allowed(0, u64::MAX, 1), Err(MathError::Overflow));
    }

    /// A value below `2^bits` for a random `bits` in `1..=max_bits`: every magnitude is as likely
    /// (so the reward cap, the deposit floor and the silent ending's cap all bind and not).
    fn magnitude(max_bits: u32) -> impl Strategy<Value = u128> {
        (1u32..=max_bits, any::<u128>()).prop_map(|(bits, x)| x >> (128 - bits))
    }

    /// One vote of a simulated poll: the time since the previous one in thousandths of a day, the
    /// stake (at least 1 wei), and the side.
    fn vote() -> impl Strategy<Value = (u64, u128, bool)> {
        (
            0u64..2_000,
            magnitude(96).prop_map(|s| s.max(1)),
            any::<bool>(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// A whole claim: the reward is the exact rule rounded down, the deposit covers its
        /// value rounded up, every vote keeps the poll's end rule (restart on the first accept,
        /// at most a day more and only inside the last day), and the voters' shares add up to
        /// at most the reward, less than a wei per vote short.
        #[test]
        fn a_simulated_claim_keeps_every_rule(
            payout in magnitude(100),
            period_days in 0u64..730,
            day_secs in 1u64..=86_400,
            price in magnitude(80),
            votes in proptest::collection::vec(vote(), 0..16),
        ) {
            let payout = u(payout);
            let year = 365 * day_secs;
            let period = period_days * day_secs;
            let reward = assessment_reward_nxm(payout, period, year).unwrap();
            let exact_num = wide(payout) * U512::from(130u64) * U512::from(period);
            let exact_den = U512::from(10_000u64) * U512::from(year);
            prop_assert!(reward <= MAX_REWARD_NXM);
            if reward < MAX_REWARD_NXM {
                // reward = floor(num / den) exactly.
                prop_assert!(wide(reward) * exact_den <= exact_num);
                prop_assert!(exact_num < (wide(reward) + U512::from(1u8)) * exact_den);
            } else {
                prop_assert!(wide(MAX_REWARD_NXM) * exact_den <= exact_num);
            }

            let price = u(price);
            let deposit = claim_deposit_eth(reward, price).unwrap();
            let value = wide(reward) * wide(price);
            prop_assert!(deposit >= MIN_DEPOSIT_ETH);
            prop_assert!(wide(deposit) * wide(WAD) >= value);
            if deposit > MIN_DEPOSIT_ETH {
                prop_assert!(wide(deposit - u(1)) * wide(WAD) < value);
            }

            let mut now = 1_000_000u64;
            let mut end = new_poll_end_secs(now, day_secs).unwrap();
            let (mut accepted, mut denied) = (U256::ZERO, U256::ZERO);
            let mut stakes: Vec<U256> = Vec::new();
            for (gap, stake, accept) in votes {
                now += gap * day_secs / 1_000;
                let stake = u(stake);
                let next = poll_end_after_vote_secs(end, now, stake, accepted, denied, day_secs);
                if now >= end {
                    prop_assert_eq!(next, Err(MathError::OutOfRange));
                    break;
                }
                // The contract refuses a first vote that does not accept.
                if accepted.is_zero() && !accept {
                    continue;
                }
                let next = next.unwrap();
                if accepted.is_zero() {
                    prop_assert_eq!(next, now + 3 * day_secs);
                } else {
                    prop_assert!(next >= end && next - end <= day_secs);
                    if end - now >= day_secs {
                        prop_assert_eq!(next, end);
                    }
                }
                end = next;
                if accept { accepted += stake } else { denied += stake }
                stakes.push(stake);
            }
            prop_assert_eq!(claim_accepted(accepted, denied), accepted > denied);
            let paid = stakes
                .iter()
                .map(|s| voter_reward_nxm(reward, *s, accepted, denied).unwrap())
                .fold(U256::ZERO, |a, b| a + b);
            prop_assert!(paid <= reward);
            if !stakes.is_empty() {
                prop_assert!(reward - paid < u(stakes.len() as u128));
            }
        }
    }
}
