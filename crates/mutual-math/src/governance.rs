//! Member-governance arithmetic (protocol-reference §8, with the rules of the governance issue
//! where the two differ): vote weights, the proposal threshold, quorum, the ordinary and special
//! majorities, and the voting and timelock periods.
//!
//! Weights are NXM amounts (18 decimals): `locked NXM + 1 NXM`, capped at 5 % of the supply for
//! ordinary proposals. The decisions are exact integer comparisons, cross-multiplied (no
//! division, so no rounding): `part · 10 000` against `ratio_bps · whole`, through the crate's
//! 512-bit `mul_div` (a product beyond 256 bits is an [`MathError::Overflow`], far beyond any
//! supply). The one division, the 5 % cap, rounds down (a voter never weighs more than 5 %).
//! Periods are whole days of `day_secs` seconds ([`crate::pricing::DAY_SECS`] on real
//! networks) so a devnet can run a proposal in minutes.

use alloy_primitives::U256;

use crate::{
    fixed::{bps_mul_down, mul_div_down, BPS, WAD},
    MathError,
};

/// Every member's vote weighs 1 NXM more than what it locked.
pub const VOTE_WEIGHT_BONUS_NXM: U256 = WAD;
/// An ordinary proposal counts a vote for at most 5 % of the NXM supply (V2's `maxVoteWeigthPer`,
/// V3's `VOTE_WEIGHT_CAP_PERCENTAGE`); a special resolution does not cap.
pub const VOTE_WEIGHT_CAP_BPS: U256 = U256::from_limbs([500, 0, 0, 0]);
/// Quorum: the weight voted must reach 15 % of the supply (V2's `quorumPerc`, V3's
/// `MEMBER_VOTE_QUORUM_PERCENTAGE`).
pub const QUORUM_BPS: U256 = U256::from_limbs([1_500, 0, 0, 0]);
/// An ordinary proposal passes with strictly more than 50 % of the weight voted on it.
pub const ORDINARY_MAJORITY_BPS: U256 = U256::from_limbs([5_000, 0, 0, 0]);
/// A special resolution passes with at least 75 % of the weight voted on it (V2's `SPRESM`).
pub const SPECIAL_MAJORITY_BPS: U256 = U256::from_limbs([7_500, 0, 0, 0]);
/// A member needs 100 NXM of vote weight to propose (V3's `PROPOSAL_THRESHOLD`).
pub const PROPOSAL_THRESHOLD_NXM: U256 = U256::from_limbs([0x6bc7_5e2d_6310_0000, 0x5, 0, 0]);
/// Voting lasts 3 days (V3's `VOTING_PERIOD`; V2's mainnet `closingTime`).
pub const VOTING_PERIOD_DAYS: u64 = 3;
/// An accepted proposal executes 1 day after voting ends (V3's `TIMELOCK_PERIOD`, V2's
/// `actionWaitingTime`).
pub const TIMELOCK_DAYS: u64 = 1;

/// How a proposal is decided: ordinary (capped weights, more than 50 %) or a special resolution
/// (uncapped weights, at least 75 %). Both need the quorum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProposalKind {
    /// Weights capped at 5 % of the supply; passes with `for > 50 %` of the weight voted.
    Ordinary,
    /// Weights uncapped; passes with `for ≥ 75 %` of the weight voted.
    Special,
}

/// `time + days · day_secs`, checked.
fn after_days(time_secs: u64, days: u64, day_secs: u64) -> Result<u64, MathError> {
    days.checked_mul(day_secs)
        .and_then(|span| time_secs.checked_add(span))
        .ok_or(MathError::Overflow)
}

/// `x · factor`, exact, through the shared 512-bit routine.
fn product(x: U256, factor: U256) -> Result<U256, MathError> {
    mul_div_down(x, factor, U256::from(1u8))
}

/// The largest weight an ordinary vote counts for: `floor(supply_nxm · 500 / 10 000)`, 5 % of
/// the supply rounded down.
///
/// # Errors
/// Never (the product is carried in 512 bits and the result is below the supply); the `Result`
/// comes from the shared division.
pub fn vote_weight_cap_nxm(supply_nxm: U256) -> Result<U256, MathError> {
    bps_mul_down(supply_nxm, VOTE_WEIGHT_CAP_BPS)
}

/// A member's vote weight: `locked_nxm + 1 NXM`, and for an ordinary proposal at most
/// [`vote_weight_cap_nxm`]`(supply_nxm)`, i.e. `min(locked + 1 NXM, floor(5 % · supply))`. Exact
/// apart from the cap's rounding down. (V2 caps the balance and adds 1 NXM after the cap, so its
/// largest weight is 5 % + 1 NXM; the issue caps the whole weight.)
///
/// # Errors
/// [`MathError::Overflow`] if `locked + 1 NXM` overflows on a special resolution (on an ordinary
/// proposal it is then above the cap, which is the result).
pub fn vote_weight_nxm(
    locked_nxm: U256,
    supply_nxm: U256,
    kind: ProposalKind,
) -> Result<U256, MathError> {
    let weight = locked_nxm.checked_add(VOTE_WEIGHT_BONUS_NXM);
    match kind {
        ProposalKind::Special => weight.ok_or(MathError::Overflow),
        ProposalKind::Ordinary => {
            let cap = vote_weight_cap_nxm(supply_nxm)?;
            Ok(weight.map_or(cap, |w| w.min(cap)))
        }
    }
}

/// Whether a member with `weight_nxm` of (ordinary, capped) vote weight may propose:
/// `weight ≥ 100 NXM`. Exact.
pub fn can_propose(weight_nxm: U256) -> bool {
    weight_nxm >= PROPOSAL_THRESHOLD_NXM
}

/// Whether the weight voted on a proposal (`voted_nxm`: for + against, plus abstentions if a
/// contract counts them) reaches the quorum: `voted · 10 000 ≥ 1 500 · supply_nxm`, i.e. at
/// least 15 % of the NXM supply, compared exactly. The same quorum applies to both kinds.
///
/// # Errors
/// [`MathError::Overflow`] if a product exceeds 256 bits (`voted` or `supply` above
/// `U256::MAX / 10 000`).
pub fn quorum_reached(voted_nxm: U256, supply_nxm: U256) -> Result<bool, MathError> {
    Ok(product(voted_nxm, BPS)? >= product(supply_nxm, QUORUM_BPS)?)
}

/// Whether the votes for a proposal carry it, out of `for + against`, compared exactly:
/// ordinary `for · 10 000 > 5 000 · (for + against)` (strictly more than half, i.e.
/// `for > against`), special `for · 10 000 ≥ 7 500 · (for + against)` (at least three quarters,
/// i.e. `for ≥ 3 · against`). A proposal nobody voted on (or only with zero weights) never
/// carries.
///
/// # Errors
/// [`MathError::Overflow`] if `for + against` overflows or a product exceeds 256 bits.
pub fn majority_reached(
    kind: ProposalKind,
    for_nxm: U256,
    against_nxm: U256,
) -> Result<bool, MathError> {
    let voted = for_nxm
        .checked_add(against_nxm)
        .ok_or(MathError::Overflow)?;
    if voted.is_zero() {
        return Ok(false);
    }
    let for_scaled = product(for_nxm, BPS)?;
    Ok(match kind {
        ProposalKind::Ordinary => for_scaled > product(voted, ORDINARY_MAJORITY_BPS)?,
        ProposalKind::Special => for_scaled >= product(voted, SPECIAL_MAJORITY_BPS)?,
    })
}

/// Whether a proposal is accepted when voting ends: the quorum on `for + against`
/// ([`quorum_reached`]) and the majority of its kind ([`majority_reached`]).
///
/// # Errors
/// [`MathError::Overflow`] as [`quorum_reached`] and [`majority_reached`].
pub fn proposal_accepted(
    kind: ProposalKind,
    for_nxm: U256,
    against_nxm: U256,
    supply_nxm: U256,
) -> Result<bool, MathError> {
    let voted = for_nxm
        .checked_add(against_nxm)
        .ok_or(MathError::Overflow)?;
    Ok(quorum_reached(voted, supply_nxm)? && majority_reached(kind, for_nxm, against_nxm)?)
}

/// When voting on a proposal opened at `start_secs` ends: `start + 3 · day_secs`. Votes are
/// taken while `now < voting_end`.
///
/// # Errors
/// [`MathError::Overflow`] if the end does not fit in a `u64`.
pub fn voting_end_secs(start_secs: u64, day_secs: u64) -> Result<u64, MathError> {
    after_days(start_secs, VOTING_PERIOD_DAYS, day_secs)
}

/// When an accepted proposal whose voting ended at `voting_end_secs` may execute:
/// `voting_end + 1 · day_secs` (executable at `now ≥` this instant).
///
/// # Errors
/// [`MathError::Overflow`] if the instant does not fit in a `u64`.
pub fn executable_at_secs(voting_end_secs: u64, day_secs: u64) -> Result<u64, MathError> {
    after_days(voting_end_secs, TIMELOCK_DAYS, day_secs)
}

#[cfg(test)]
mod tests {
    //! Hand-computed examples at every boundary (exact 50 %, exact 75 %, exact quorum, the cap),
    //! and a property test of the decisions against exact 512-bit arithmetic.
    extern crate std;
    use std::vec::Vec;

    use alloy_primitives::U512;
    use proptest::prelude::*;

    use super::*;
    use crate::pricing::DAY_SECS;

    use ProposalKind::{Ordinary, Special};

    fn u(x: u128) -> U256 {
        U256::from(x)
    }

    /// `x` whole NXM.
    fn nxm(x: u128) -> U256 {
        u(x) * WAD
    }

    fn wide(x: U256) -> U512 {
        U512::from(x)
    }

    #[test]
    fn constants_are_the_reference_values() {
        assert_eq!(PROPOSAL_THRESHOLD_NXM, nxm(100));
        assert_eq!(VOTE_WEIGHT_BONUS_NXM, nxm(1));
    }

    #[test]
    fn weight_is_locked_plus_one_capped_at_5_percent_for_ordinary_votes() {
        let supply = nxm(1_000); // cap: 50 NXM
        assert_eq!(vote_weight_cap_nxm(supply), Ok(nxm(50)));
        // Nothing locked: 1 NXM.
        assert_eq!(vote_weight_nxm(U256::ZERO, supply, Ordinary), Ok(nxm(1)));
        // Cap not binding.
        assert_eq!(vote_weight_nxm(nxm(10), supply, Ordinary), Ok(nxm(11)));
        // Exactly at the cap: 49 + 1 = 50 NXM; one wei more is capped.
        assert_eq!(vote_weight_nxm(nxm(49), supply, Ordinary), Ok(nxm(50)));
        assert_eq!(
            vote_weight_nxm(nxm(49) + u(1), supply, Ordinary),
            Ok(nxm(50))
        );
        // Cap binding.
        assert_eq!(vote_weight_nxm(nxm(60), supply, Ordinary), Ok(nxm(50)));
        // Special resolutions do not cap.
        assert_eq!(vote_weight_nxm(nxm(60), supply, Special), Ok(nxm(61)));
        // The cap rounds down: 5 % of 999 wei is 49.95 wei → 49.
        assert_eq!(vote_weight_cap_nxm(u(999)), Ok(u(49)));
        assert_eq!(vote_weight_nxm(U256::ZERO, u(999), Ordinary), Ok(u(49)));
        // Overflow: a special weight beyond 256 bits is an error; an ordinary one is the cap.
        assert_eq!(
            vote_weight_nxm(U256::MAX, supply, Special),
            Err(MathError::Overflow)
        );
        assert_eq!(vote_weight_nxm(U256::MAX, supply, Ordinary), Ok(nxm(50)));
        // The cap of the largest supply fits (512-bit intermediate): 5 % of it, rounded down.
        assert_eq!(vote_weight_cap_nxm(U256::MAX), Ok(U256::MAX / u(20)));
        assert_eq!(
            vote_weight_nxm(U256::MAX - u(1), U256::MAX, Ordinary),
            Ok(U256::MAX / u(20))
        );
    }

    #[test]
    fn proposing_needs_100_nxm_of_weight() {
        assert!(can_propose(nxm(100)));
        assert!(!can_propose(nxm(100) - u(1)));
        // 99 NXM locked plus the 1 NXM bonus is enough, on a supply whose cap allows it.
        let weight = vote_weight_nxm(nxm(99), nxm(2_000), Ordinary).unwrap();
        assert!(can_propose(weight));
        // The same lock on a supply of 1 000 NXM is capped at 50 NXM.
        let weight = vote_weight_nxm(nxm(99), nxm(1_000), Ordinary).unwrap();
        assert!(!can_propose(weight));
    }

    #[test]
    fn quorum_is_15_percent_of_supply() {
        let supply = nxm(1_000);
        assert_eq!(quorum_reached(nxm(150), supply), Ok(true));
        assert_eq!(quorum_reached(nxm(150) - u(1), supply), Ok(false));
        assert_eq!(quorum_reached(nxm(1_000), supply), Ok(true));
        // 15 % of 7 wei is 1.05 wei: 1 wei is short, 2 reach it (no rounding in the comparison).
        assert_eq!(quorum_reached(u(1), u(7)), Ok(false));
        assert_eq!(quorum_reached(u(2), u(7)), Ok(true));
        assert_eq!(quorum_reached(U256::ZERO, U256::ZERO), Ok(true));
        assert_eq!(quorum_reached(U256::MAX, supply), Err(MathError::Overflow));
        assert_eq!(
            quorum_reached(nxm(150), U256::MAX),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn ordinary_needs_more_than_half() {
        // Exactly 50 %: not carried.
        assert_eq!(majority_reached(Ordinary, nxm(50), nxm(50)), Ok(false));
        // One wei more for: carried; one wei more against: not.
        assert_eq!(
            majority_reached(Ordinary, nxm(50) + u(1), nxm(50)),
            Ok(true)
        );
        assert_eq!(
            majority_reached(Ordinary, nxm(50), nxm(50) + u(1)),
            Ok(false)
        );
        assert_eq!(majority_reached(Ordinary, u(1), U256::ZERO), Ok(true));
        // Nobody voted.
        assert_eq!(
            majority_reached(Ordinary, U256::ZERO, U256::ZERO),
            Ok(false)
        );
        assert_eq!(
            majority_reached(Ordinary, U256::MAX, u(1)),
            Err(MathError::Overflow)
        );
        // The sum fits but the product does not.
        assert_eq!(
            majority_reached(Ordinary, U256::MAX / u(2), u(1)),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn special_needs_at_least_three_quarters() {
        // Exactly 75 %: carried.
        assert_eq!(majority_reached(Special, nxm(75), nxm(25)), Ok(true));
        assert_eq!(majority_reached(Special, u(3), u(1)), Ok(true));
        // One wei short of 75 %: 75 NXM − 1 wei for, 25 NXM + 1 wei against.
        assert_eq!(
            majority_reached(Special, nxm(75) - u(1), nxm(25) + u(1)),
            Ok(false)
        );
        // 74.99…% with the same total: 74.999… NXM for of 100 NXM.
        assert_eq!(
            majority_reached(Special, nxm(75) - u(1), nxm(25)),
            Ok(false)
        );
        assert_eq!(majority_reached(Special, u(2), u(1)), Ok(false));
        assert_eq!(majority_reached(Special, nxm(100), U256::ZERO), Ok(true));
        // Nobody voted: 0 ≥ 75 % of 0 would hold, but an empty vote never carries.
        assert_eq!(majority_reached(Special, U256::ZERO, U256::ZERO), Ok(false));
        assert_eq!(
            majority_reached(Special, U256::MAX / u(4), U256::ZERO),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn acceptance_needs_quorum_and_majority() {
        let supply = nxm(1_000);
        // 100 for, 50 against: quorum exactly (150 NXM), 2/3 for.
        assert_eq!(
            proposal_accepted(Ordinary, nxm(100), nxm(50), supply),
            Ok(true)
        );
        assert_eq!(
            proposal_accepted(Special, nxm(100), nxm(50), supply),
            Ok(false)
        );
        // Unanimous but short of quorum by a wei.
        assert_eq!(
            proposal_accepted(Special, nxm(150) - u(1), U256::ZERO, supply),
            Ok(false)
        );
        assert_eq!(
            proposal_accepted(Special, nxm(150), U256::ZERO, supply),
            Ok(true)
        );
        // Quorum, but a tie.
        assert_eq!(
            proposal_accepted(Ordinary, nxm(100), nxm(100), supply),
            Ok(false)
        );
        assert_eq!(
            proposal_accepted(Ordinary, U256::MAX, u(1), supply),
            Err(MathError::Overflow)
        );
    }

    #[test]
    fn voting_period_and_timelock() {
        let end = voting_end_secs(1_000, DAY_SECS).unwrap();
        assert_eq!(end, 1_000 + 3 * DAY_SECS);
        assert_eq!(executable_at_secs(end, DAY_SECS), Ok(1_000 + 4 * DAY_SECS));
        // A devnet day of 60 s.
        assert_eq!(voting_end_secs(1_000, 60), Ok(1_180));
        assert_eq!(executable_at_secs(1_180, 60), Ok(1_240));
        assert_eq!(
            voting_end_secs(u64::MAX - 179, 60),
            Err(MathError::Overflow)
        );
        assert_eq!(voting_end_secs(0, u64::MAX), Err(MathError::Overflow));
        assert_eq!(executable_at_secs(u64::MAX, 1), Err(MathError::Overflow));
    }

    /// A value below `2^bits` for a random `bits` in `1..=max_bits`: every magnitude is as likely
    /// (so the cap, the quorum and the majorities fall on both sides).
    fn magnitude(max_bits: u32) -> impl Strategy<Value = u128> {
        (1u32..=max_bits, any::<u128>()).prop_map(|(bits, x)| x >> (128 - bits))
    }

    /// One vote: locked NXM and the side.
    fn vote() -> impl Strategy<Value = (u128, bool)> {
        (magnitude(100), any::<bool>())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// A whole vote: every weight is `locked + 1 NXM`, capped at 5 % of the supply only for
        /// ordinary proposals; quorum, majority and acceptance agree with the exact rational
        /// rules in 512 bits and with their simple forms (`for > against`, `for ≥ 3·against`);
        /// one more wei for never turns an accepted proposal down.
        #[test]
        fn decisions_are_the_exact_rules(
            supply in magnitude(110),
            special in any::<bool>(),
            votes in proptest::collection::vec(vote(), 0..12),
        ) {
            let kind = if special { Special } else { Ordinary };
            let supply = u(supply);
            let cap = vote_weight_cap_nxm(supply).unwrap();
            prop_assert!(wide(cap) * U512::from(10_000u64) <= wide(supply) * U512::from(500u64));
            prop_assert!(wide(supply) * U512::from(500u64) < (wide(cap) + U512::from(1u8)) * U512::from(10_000u64));
            let (mut yes, mut no) = (U256::ZERO, U256::ZERO);
            let mut weights: Vec<U256> = Vec::new();
            for (locked, side) in votes {
                let weight = vote_weight_nxm(u(locked), supply, kind).unwrap();
                let full = u(locked) + VOTE_WEIGHT_BONUS_NXM;
                match kind {
                    Special => prop_assert_eq!(weight, full),
                    Ordinary => prop_assert_eq!(weight, full.min(cap)),
                }
                if side { yes += weight } else { no += weight }
                weights.push(weight);
            }
            let voted = yes + no;
            let quorum = quorum_reached(voted, supply).unwrap();
            prop_assert_eq!(quorum, wide(voted) * U512::from(100u8) >= wide(supply) * U512::from(15u8));
            let majority = majority_reached(kind, yes, no).unwrap();
            let exact = match kind {
                Ordinary => wide(yes) * U512::from(100u8) > wide(voted) * U512::from(50u8),
                Special => wide(yes) * U512::from(100u8) >= wide(voted) * U512::from(75u8),
            };
            prop_assert_eq!(majority, exact && !voted.is_zero());
            let simple = match kind {
                Ordinary => yes > no,
                Special => wide(yes) >= wide(no) * U512::from(3u8) && !voted.is_zero(),
            };
            prop_assert_eq!(majority, simple);
            let accepted = proposal_accepted(kind, yes, no, supply).unwrap();
            prop_assert_eq!(accepted, quorum && majority);
            if accepted {
                prop_assert!(proposal_accepted(kind, yes + u(1), no, supply).unwrap());
            }
        }
    }
}
