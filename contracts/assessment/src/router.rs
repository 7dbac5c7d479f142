//! The deployed build's router: decodes each call of `IAssessment`
//! (`mutual_interfaces::assessment`) and encodes its answer by hand, as `#[public]`'s generated
//! router does with alloy's codec, in a fraction of the code.
//!
//! The rules are the SDK's: no entrypoint is payable (a call with value reverts with empty data,
//! as does a call whose arguments do not decode); arguments are validated as alloy's
//! `abi_decode_params_validate` does for these types (an address's 12 high bytes and a bool's 31
//! high bytes must be zero, every head word present); answers are the standard encoding of the
//! declared return types (all static: one word each). The routing tests check every entrypoint
//! against alloy's encoding of the declared interface.

use alloc::vec::Vec;

use abi_words::{address_word, encode, word_at};
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use mutual_interfaces::assessment::abi::IAssessment::*;
use stylus_sdk::{
    abi::Router,
    stylus_core::{ConstructorGuard, ValueDenier},
    ArbResult,
};

use super::{Assessment, AssessmentError};

/// A selector as the router's `u32`.
const fn selector(bytes: [u8; 4]) -> u32 {
    u32::from_be_bytes(bytes)
}

impl Router<Assessment> for Assessment {
    type Storage = Assessment;

    fn route(contract: &mut Assessment, selector: u32, input: &[u8]) -> Option<ArbResult> {
        if let Err(error) = contract.deny_value("") {
            return Some(Err(error));
        }
        match dispatch(contract, selector, Args(input)) {
            Ok(Some(answer)) => Some(Ok(answer)),
            Ok(None) => None,
            Err(error) => Some(Err(error.into())),
        }
    }

    fn receive(_contract: &mut Assessment) -> Option<Result<(), Vec<u8>>> {
        None
    }

    fn fallback(_contract: &mut Assessment, _calldata: &[u8]) -> Option<ArbResult> {
        None
    }

    fn constructor(contract: &mut Assessment, calldata: &[u8]) -> Option<ArbResult> {
        if let Err(error) = contract.deny_value("constructor") {
            return Some(Err(error));
        }
        if let Err(error) = contract.check_constructor_slot() {
            return Some(Err(error));
        }
        let args = Args(calldata);
        let result = (|| {
            args.need(2)?;
            contract.constructor(address(args.word(0))?, args.word(1))
        })();
        Some(result.map(|()| Vec::new()).map_err(Into::into))
    }
}

/// Runs the entrypoint of `selector` (`None`: no such entrypoint).
fn dispatch(
    contract: &mut Assessment,
    selector_: u32,
    a: Args,
) -> Result<Option<Vec<u8>>, AssessmentError> {
    const STAKE: u32 = selector(stakeCall::SELECTOR);
    const UNSTAKE: u32 = selector(unstakeCall::SELECTOR);
    const CAST_VOTE: u32 = selector(castVoteCall::SELECTOR);
    const WITHDRAW_REWARDS: u32 = selector(withdrawRewardsCall::SELECTOR);
    const START_ASSESSMENT: u32 = selector(startAssessmentCall::SELECTOR);
    const UNDO_VOTES: u32 = selector(undoVotesCall::SELECTOR);
    const SET_CONTRACTS: u32 = selector(setContractsCall::SELECTOR);
    const SET_GOVERNANCE: u32 = selector(setGovernanceCall::SELECTOR);
    const POLL: u32 = selector(pollCall::SELECTOR);
    const OUTCOME: u32 = selector(outcomeCall::SELECTOR);
    const ASSESSOR: u32 = selector(assessorCall::SELECTOR);
    const VOTE_AT: u32 = selector(voteAtCall::SELECTOR);
    const HAS_VOTED: u32 = selector(hasVotedCall::SELECTOR);
    const WITHDRAWABLE_REWARDS: u32 = selector(withdrawableRewardsCall::SELECTOR);
    const ASSESSMENT_COUNT: u32 = selector(assessmentCountCall::SELECTOR);
    const HAS_MEMBER_STATE: u32 = selector(hasMemberStateCall::SELECTOR);
    const DAY_SECS: u32 = selector(daySecsCall::SELECTOR);
    const CONTRACTS: u32 = selector(contractsCall::SELECTOR);
    const GOVERNANCE: u32 = selector(governanceCall::SELECTOR);

    // Every argument list here is one or two head words: read both (zero past the data) after
    // checking that the entrypoint's are present.
    let needed = match selector_ {
        UNSTAKE | CAST_VOTE | WITHDRAW_REWARDS | START_ASSESSMENT | UNDO_VOTES | SET_CONTRACTS
        | VOTE_AT | HAS_VOTED => 2,
        STAKE | SET_GOVERNANCE | POLL | OUTCOME | ASSESSOR | WITHDRAWABLE_REWARDS
        | HAS_MEMBER_STATE => 1,
        _ => 0,
    };
    a.need(needed)?;
    let (first, second) = (a.word(0), a.word(1));
    let answer = match selector_ {
        STAKE => {
            contract.stake(first)?;
            Vec::new()
        }
        UNSTAKE => {
            contract.unstake(first, address(second)?)?;
            Vec::new()
        }
        CAST_VOTE => {
            contract.cast_vote(first, boolean(second)?)?;
            Vec::new()
        }
        WITHDRAW_REWARDS => {
            let (amount, next) = contract.withdraw_rewards(address(first)?, second)?;
            encode(&[], &[amount, next])
        }
        START_ASSESSMENT => encode(&[], &[contract.start_assessment(first, second)?]),
        UNDO_VOTES => {
            contract.undo_votes(address(first)?, second)?;
            Vec::new()
        }
        SET_CONTRACTS => {
            contract.set_contracts(address(first)?, address(second)?)?;
            Vec::new()
        }
        SET_GOVERNANCE => {
            contract.set_governance(address(first)?)?;
            Vec::new()
        }
        POLL => {
            let (accepted, denied, start, end, reward, deposit) = contract.poll(first);
            encode(&[], &[accepted, denied, start, end, reward, deposit])
        }
        OUTCOME => {
            let (accepted, end) = contract.outcome(first)?;
            encode(&[], &[U256::from(u8::from(accepted)), end])
        }
        ASSESSOR => {
            let (stake, last_vote, votes, rewards_from) = contract.assessor(address(first)?);
            encode(&[], &[stake, last_vote, votes, rewards_from])
        }
        VOTE_AT => {
            let (id, accept, stake, time) = contract.vote_at(address(first)?, second);
            encode(&[], &[id, U256::from(u8::from(accept)), stake, time])
        }
        HAS_VOTED => {
            let voted = contract.has_voted(address(first)?, second);
            encode(&[], &[U256::from(u8::from(voted))])
        }
        WITHDRAWABLE_REWARDS => encode(&[], &[contract.withdrawable_rewards(address(first)?)?]),
        ASSESSMENT_COUNT => encode(&[], &[contract.assessment_count()]),
        HAS_MEMBER_STATE => {
            let held = contract.has_member_state(address(first)?);
            encode(&[], &[U256::from(u8::from(held))])
        }
        DAY_SECS => encode(&[], &[contract.day_secs()]),
        CONTRACTS => {
            let (token, claims) = contract.contracts();
            encode(&[], &[address_word(token), address_word(claims)])
        }
        GOVERNANCE => encode(&[], &[address_word(contract.governance())]),
        _ => return Ok(None),
    };
    Ok(Some(answer))
}

/// Arguments that do not decode: an empty revert, as the SDK's router answers.
fn undecodable<T>() -> Result<T, AssessmentError> {
    Err(AssessmentError(Vec::new()))
}

/// `word` if it is below 2^bits (the validation of a narrower ABI type).
#[inline(never)]
fn narrow(word: U256, bits: usize) -> Result<U256, AssessmentError> {
    if !(word >> bits).is_zero() {
        return undecodable();
    }
    Ok(word)
}

fn address(word: U256) -> Result<Address, AssessmentError> {
    Ok(Address::from_word(narrow(word, 160)?.into()))
}

fn boolean(word: U256) -> Result<bool, AssessmentError> {
    Ok(!narrow(word, 1)?.is_zero())
}

/// The arguments of a call (the calldata after the selector).
#[derive(Clone, Copy)]
struct Args<'a>(&'a [u8]);

impl Args<'_> {
    /// Checks that the data holds at least `words` head words.
    #[inline(never)]
    fn need(self, words: usize) -> Result<(), AssessmentError> {
        if self.0.len() < 32 * words {
            return undecodable();
        }
        Ok(())
    }

    /// Head word `index` (zero past the data).
    fn word(self, index: usize) -> U256 {
        word_at(self.0, index)
    }
}
