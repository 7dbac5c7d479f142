//! The deployed build's router: decodes each call of `IGovernance`
//! (`mutual_interfaces::governance`) and encodes its answer by hand, as `#[public]`'s generated
//! router does with alloy's codec, in a fraction of the code (see the crate's `# Size`).
//!
//! The rules are the SDK's: only `execute` is payable (a call of any other entrypoint with
//! value reverts with empty data, as does a call whose arguments do not decode, or an unknown
//! selector); arguments are validated as alloy's decoder does for these types (an address's 12
//! high bytes, and a `uint8`'s and a bool's 31 high bytes, must be zero, offsets and lengths
//! stay inside the data); answers are the standard encoding of the declared return types. `propose`'s actions
//! and description are read in place (slices of the calldata), not copied. The routing tests
//! check every entrypoint against alloy's encoding of the declared interface.

use alloc::vec::Vec;

use abi_words::{address_word, encode, encode_with_text, word_at};
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use mutual_interfaces::governance::abi::IGovernance::*;
use stylus_sdk::{
    abi::Router,
    stylus_core::{ConstructorGuard, ValueDenier},
    ArbResult,
};

use crate::{ActionRef, Governance, GovernanceError, GovernanceResult};

/// A selector as the router's `u32`.
const fn selector(bytes: [u8; 4]) -> u32 {
    u32::from_be_bytes(bytes)
}

impl Router<Governance> for Governance {
    type Storage = Governance;

    fn route(governance: &mut Governance, selector_: u32, input: &[u8]) -> Option<ArbResult> {
        if selector_ != selector(executeCall::SELECTOR) {
            if let Err(error) = governance.deny_value("") {
                return Some(Err(error));
            }
        }
        match dispatch(governance, selector_, Args(input)) {
            Ok(Some(answer)) => Some(Ok(answer)),
            Ok(None) => None,
            Err(error) => Some(Err(error.into())),
        }
    }

    fn receive(_governance: &mut Governance) -> Option<Result<(), Vec<u8>>> {
        None
    }

    fn fallback(_governance: &mut Governance, _calldata: &[u8]) -> Option<ArbResult> {
        None
    }

    fn constructor(governance: &mut Governance, calldata: &[u8]) -> Option<ArbResult> {
        if let Err(error) = governance.deny_value("constructor") {
            return Some(Err(error));
        }
        if let Err(error) = governance.check_constructor_slot() {
            return Some(Err(error));
        }
        let args = Args(calldata);
        let result = (|| {
            args.need(2)?;
            governance.constructor(address(args.word(0))?, args.word(1))
        })();
        Some(result.map(|()| Vec::new()).map_err(Into::into))
    }
}

/// Runs the entrypoint of `selector_` (`None`: no such entrypoint).
fn dispatch(
    governance: &mut Governance,
    selector_: u32,
    a: Args,
) -> GovernanceResult<Option<Vec<u8>>> {
    const LOCK: u32 = selector(lockCall::SELECTOR);
    const UNLOCK: u32 = selector(unlockCall::SELECTOR);
    const PROPOSE: u32 = selector(proposeCall::SELECTOR);
    const VOTE: u32 = selector(voteCall::SELECTOR);
    const VETO: u32 = selector(vetoCall::SELECTOR);
    const EXECUTE: u32 = selector(executeCall::SELECTOR);
    const INITIALIZE: u32 = selector(initializeCall::SELECTOR);
    const SET_PROTOCOL_CONTRACTS: u32 = selector(setProtocolContractsCall::SELECTOR);
    const PROPOSAL: u32 = selector(proposalCall::SELECTOR);
    const PROPOSAL_STATUS: u32 = selector(proposalStatusCall::SELECTOR);
    const PROPOSAL_DETAILS: u32 = selector(proposalDetailsCall::SELECTOR);
    const ACTION: u32 = selector(actionCall::SELECTOR);
    const RECEIPT: u32 = selector(receiptCall::SELECTOR);
    const LOCKED: u32 = selector(lockedCall::SELECTOR);
    const VOTE_WEIGHT: u32 = selector(voteWeightCall::SELECTOR);
    const PROPOSAL_COUNT: u32 = selector(proposalCountCall::SELECTOR);
    const PROTOCOL_CONTRACTS: u32 = selector(protocolContractsCall::SELECTOR);
    const IS_PROTOCOL_CONTRACT: u32 = selector(isProtocolContractCall::SELECTOR);
    const HAS_MEMBER_STATE: u32 = selector(hasMemberStateCall::SELECTOR);
    const DAY_SECS: u32 = selector(daySecsCall::SELECTOR);
    const CONTRACTS: u32 = selector(contractsCall::SELECTOR);

    let done = Vec::new();
    let answer = match selector_ {
        LOCK => {
            a.need(1)?;
            governance.lock(a.word(0))?;
            done
        }
        UNLOCK => {
            a.need(1)?;
            governance.unlock(a.word(0))?;
            done
        }
        PROPOSE => {
            a.need(2)?;
            let actions = a.actions(0)?;
            let description = a.bytes(0, 32)?;
            encode(&[], &[governance.propose_actions(&actions, description)?])
        }
        VOTE => {
            a.need(2)?;
            governance.vote(a.word(0), boolean(a.word(1))?)?;
            done
        }
        VETO => {
            a.need(2)?;
            governance.veto(a.word(0), uint8(a.word(1))?)?;
            done
        }
        EXECUTE => {
            a.need(1)?;
            governance.execute(a.word(0))?;
            done
        }
        INITIALIZE => {
            a.need(3)?;
            let (token, membership) = (address(a.word(0))?, address(a.word(1))?);
            governance.initialize(token, membership, a.addresses(2)?)?;
            done
        }
        SET_PROTOCOL_CONTRACTS => {
            a.need(1)?;
            governance.set_protocol_contracts(a.addresses(0)?)?;
            done
        }
        PROPOSAL => {
            a.need(1)?;
            let (proposer, start, end, for_nxm, against_nxm, special, vetoes, supply) =
                governance.proposal(a.word(0))?;
            encode(
                &[],
                &[
                    address_word(proposer),
                    start,
                    end,
                    for_nxm,
                    against_nxm,
                    U256::from(u8::from(special)),
                    U256::from(vetoes),
                    supply,
                ],
            )
        }
        PROPOSAL_STATUS => {
            a.need(1)?;
            encode(&[], &[U256::from(governance.proposal_status(a.word(0))?)])
        }
        PROPOSAL_DETAILS => {
            a.need(1)?;
            let (count, text) = governance.details(a.word(0))?;
            encode_with_text(&[U256::from(count)], &text)
        }
        ACTION => {
            a.need(2)?;
            let (target, value, data) = governance.action_at(a.word(0), a.word(1))?;
            encode_with_text(&[address_word(target), value], &data)
        }
        RECEIPT => {
            a.need(2)?;
            let (voted, support, weight) = governance.receipt(a.word(0), address(a.word(1))?)?;
            encode(
                &[],
                &[
                    U256::from(u8::from(voted)),
                    U256::from(u8::from(support)),
                    weight,
                ],
            )
        }
        LOCKED => {
            a.need(1)?;
            let (locked, until) = governance.locked(address(a.word(0))?);
            encode(&[], &[locked, until])
        }
        VOTE_WEIGHT => {
            a.need(2)?;
            let weight = governance.vote_weight(a.word(0), address(a.word(1))?)?;
            encode(&[], &[weight])
        }
        PROPOSAL_COUNT => encode(&[], &[governance.proposal_count()]),
        PROTOCOL_CONTRACTS => {
            let list = governance.protocol_contracts();
            let mut words = vec![U256::from(32u8), U256::from(list.len())];
            words.extend(list.into_iter().map(address_word));
            encode(&[], &words)
        }
        IS_PROTOCOL_CONTRACT => {
            a.need(1)?;
            let yes = governance.is_protocol_contract(address(a.word(0))?);
            encode(&[], &[U256::from(u8::from(yes))])
        }
        HAS_MEMBER_STATE => {
            a.need(1)?;
            let yes = governance.has_member_state(address(a.word(0))?);
            encode(&[], &[U256::from(u8::from(yes))])
        }
        DAY_SECS => encode(&[], &[governance.day_secs()]),
        CONTRACTS => {
            let (token, membership) = governance.contracts();
            encode(&[], &[address_word(token), address_word(membership)])
        }
        _ => return Ok(None),
    };
    Ok(Some(answer))
}

/// `word` if it is below 2^bits (the validation of a narrower ABI type).
#[inline(never)]
fn narrow(word: U256, bits: usize) -> GovernanceResult<U256> {
    if word.bit_len() > bits {
        return undecodable();
    }
    Ok(word)
}

/// An `address` argument.
fn address(word: U256) -> GovernanceResult<Address> {
    Ok(Address::from_word(narrow(word, 160)?.into()))
}

/// A `uint8` argument.
fn uint8(word: U256) -> GovernanceResult<u8> {
    Ok(narrow(word, 8)?.to())
}

/// A `bool` argument.
fn boolean(word: U256) -> GovernanceResult<bool> {
    Ok(!narrow(word, 1)?.is_zero())
}

/// Arguments that do not decode: an empty revert, as the SDK's router answers.
fn undecodable<T>() -> GovernanceResult<T> {
    Err(GovernanceError(Vec::new()))
}

/// The arguments of a call (the calldata after the selector), read by byte position; every
/// read checks its bounds.
#[derive(Clone, Copy)]
pub(crate) struct Args<'a>(pub(crate) &'a [u8]);

impl<'a> Args<'a> {
    /// The word at byte `at`.
    #[inline(never)]
    fn word_at(self, at: usize) -> GovernanceResult<U256> {
        match at.checked_add(32).and_then(|end| self.0.get(at..end)) {
            Some(bytes) => Ok(word_at(bytes, 0)),
            None => undecodable(),
        }
    }

    /// Checks that the data holds at least `words` head words (what [`Args::word`] reads).
    fn need(self, words: usize) -> GovernanceResult<()> {
        if self.0.len() < 32 * words {
            return undecodable();
        }
        Ok(())
    }

    /// Head word `index` ([`Args::need`] checked that it is inside the data).
    fn word(self, index: usize) -> U256 {
        self.word_at(32 * index).unwrap_or_default()
    }

    /// Where a dynamic value starts: `base` plus the offset in the word at byte `base + at`
    /// (offsets are relative to the block at `base`), if that lies inside the data.
    #[inline(never)]
    fn offset(self, base: usize, at: usize) -> GovernanceResult<usize> {
        let relative = self.word_at(base.saturating_add(at))?;
        match usize::try_from(relative)
            .ok()
            .and_then(|relative| base.checked_add(relative))
        {
            Some(position) if position <= self.0.len() => Ok(position),
            _ => undecodable(),
        }
    }

    /// A dynamic value's length (the word at `start`), if `item_bytes` bytes per item fit in
    /// the data after it; returns `(its items' first byte, length)`.
    #[inline(never)]
    fn length(self, start: usize, item_bytes: usize) -> GovernanceResult<(usize, usize)> {
        let length = self.word_at(start)?;
        let first = start + 32;
        let room = (self.0.len() - first) / item_bytes;
        if length > U256::from(room) {
            return undecodable();
        }
        Ok((first, length.to()))
    }

    /// The `bytes` (or `string`) whose offset, relative to `base`, is the word at `base + at`.
    fn bytes(self, base: usize, at: usize) -> GovernanceResult<&'a [u8]> {
        let (first, length) = self.length(self.offset(base, at)?, 1)?;
        Ok(&self.0[first..first + length])
    }

    /// The `address[]` whose offset is head word `index`.
    pub(crate) fn addresses(self, index: usize) -> GovernanceResult<Vec<Address>> {
        let (first, length) = self.length(self.offset(0, 32 * index)?, 32)?;
        (0..length)
            .map(|i| address(self.word_at(first + 32 * i)?))
            .collect()
    }

    /// The `(address,uint256,bytes)[]` whose offset is head word `index`: each element's
    /// offset is relative to the first of them.
    pub(crate) fn actions(self, index: usize) -> GovernanceResult<Vec<ActionRef<'a>>> {
        let (first, length) = self.length(self.offset(0, 32 * index)?, 32)?;
        let mut actions = Vec::with_capacity(length);
        for i in 0..length {
            let tuple = self.offset(first, 32 * i)?;
            let target = address(self.word_at(tuple)?)?;
            let value = self.word_at(tuple + 32)?;
            actions.push((target, value, self.bytes(tuple, 64)?));
        }
        Ok(actions)
    }
}
