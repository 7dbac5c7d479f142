//! Assessment (protocol-reference §7a, V2's staked assessment): members stake NXM here and vote
//! on the claims contract's assessments with their whole stake; the voters of a poll share its
//! reward by stake once the poll's 1-day cooldown has passed; governance undoes a fraudulent
//! assessor's votes and burns its stake. Split from the claims contract by the size budget
//! (design.md: claims and assessment are two domains): claims files and pays claims and asks
//! this contract for the outcome (`outcome`).
//!
//! ABI: [`mutual_interfaces::assessment`] (interface `IAssessment`, its events and errors). The
//! rules' arithmetic is `mutual_math::assessment`'s (named `rules` here): the poll's end after a
//! vote (the first vote restarts a 3-day poll, the silent ending), the cooldown, when rewards
//! are withdrawable, each voter's share, the stake lockup. Every period is a whole number of
//! days of the deployment's day length (`daySecs`, at most [`MAX_DAY_SECS`]).
//!
//! # Rules
//! * **Stake.** A member moves NXM into its stake (`operatorTransfer` into this contract: it
//!   must be an NXM operator). It may take stake out to any member strictly after 14 days from
//!   its last vote (an assessor that never voted at any time), paid with `transfer` (the token
//!   refuses non-members).
//! * **Polls.** The claims contract opens each assessment (ids from 1) with its reward and the
//!   claimant's deposit; the poll opens now and ends 3 days later. A member with stake votes
//!   once per poll while `now < end`, with its whole current stake; the first vote on a poll
//!   with nothing accepted must accept and restarts the poll for 3 days from now; a vote in the
//!   last day extends the poll by `min(1 day, 1 day · stake / voted)` (silent ending). Accepted
//!   iff `accepted > denied` at the end (ties deny); there is no quorum.
//! * **Rewards.** Each vote earns `floor(reward · voteStake / (accepted + denied))` of its
//!   poll's final tally, whichever side it took, once `now > end + 1 day`; the shares of a
//!   poll's votes add up to at most its reward (less than 1 wei short per vote). Anyone pays an
//!   assessor its rewards (minted to it), walking its votes in voting order from its rewards
//!   index and stopping at the first poll still inside its cooldown.
//! * **Fraud.** Governance undoes an assessor's votes from its rewards index on: a vote on a
//!   poll still voting or in its cooldown (`now < end + 1 day`) leaves that poll's tally and
//!   the poll ends no earlier than 1 day from now (so that others can vote again); every one of
//!   those votes is forfeited (the rewards index moves past the last), and `min(burn, stake)`
//!   of the stake is burned. The vote stays recorded: the assessor cannot vote on that poll
//!   again.
//!
//! # Choices where §7a leaves room
//! * One vote per call (`castVote(id, accept)`), no stake increase with it (V2's `castVotes`
//!   batches and may top up the stake); no IPFS hash is recorded.
//! * A zero `unstake` is refused (`ZeroAmount`), as a zero `stake` is; the lock applies to
//!   every recipient (V2 words it for a different address only). `StakeLocked` reports
//!   `lastVote + 14 days`, the last locked second.
//! * "First vote must accept" is V2's test `accepted == 0`: it holds again after an undo took
//!   every accept out of a tally, and that accept restarts the poll for 3 days.
//! * `withdrawRewards` with nothing withdrawable returns `(0, index)` and changes nothing (no
//!   revert, no event); a vote whose share is 0 (a zero reward) still moves the index, logged.
//! * `undoVotes` walks every unrewarded vote of the assessor in one call (no batch); the burn
//!   is capped at the stake at the time of the undo, and a zero burn makes no token call.
//! * Unknown ids read as zeros in `poll`, `voteAt` and `hasVoted`; `outcome` and `castVote`
//!   revert `AssessmentNotFound`.
//! * There is no pause here: the token's pause stops stake, unstake, rewards and burns; votes
//!   stay open (V2 also closes `castVotes` while paused).
//!
//! # Storage
//! One map of words (`words`), keyed by [`key`]`(kind, account, index)` = `kind << 248 |
//! account << 64 | index`. Every field below is a bit range, low bits first; a value wider than
//! its field is refused with `MathOverflow` (times are below 2^40 until the year 36 812; stakes
//! and tallies are 128-bit, 3.4·10^20 NXM):
//!
//! | kind | account, index | word |
//! |---|---|---|
//! | [`HEADER`] | 0, [`H_GOVERNANCE`] | governance (160) |
//! | [`HEADER`] | 0, [`H_NXM_TOKEN`] | NXM token (160), day length in seconds (64) |
//! | [`HEADER`] | 0, [`H_CLAIMS`] | claims contract (160), assessment count (64) |
//! | [`TALLY`] | 0, assessment id | accepted NXM (128), denied NXM (128) |
//! | [`TERMS`] | 0, assessment id | total reward NXM (88), deposit ETH (88), start (40), end (40) |
//! | [`ASSESSOR`] | assessor, 0 | stake NXM (128), last vote (40), votes (40), rewards index (40) |
//! | [`VOTE`] | assessor, vote index | assessment id (64), stake NXM (128), time (40), accept (1) |
//! | [`VOTED`] | assessor, assessment id | 1 once voted |
//!
//! A vote costs one fresh word for the vote, one for the "voted" flag, and updates of the
//! poll's two words and the assessor's word.
//!
//! # Size
//! Calls are routed by hand (`router.rs`, as the staking pool does: the SDK's `Router` trait
//! implemented over bounds-checked word reads, instead of `#[public]`'s generated router);
//! errors, events and cross-contract calls are each encoded by one routine from the `sol!`
//! items' selectors and signature hashes (`abi_words`). The `export-abi` build makes the
//! entrypoints `#[public]` instead, so the exported interface is the SDK's reading of these
//! signatures; the tests check the router against `IAssessment`'s `sol!` encodings.
//!
//! # Roles
//! Members stake, unstake and vote; anyone withdraws an assessor's rewards (to the assessor);
//! the claims contract starts assessments; governance undoes votes, sets the trusted contracts
//! (the NXM token, the claims contract) and hands its role on. This contract must be an NXM
//! operator (it moves stake in, mints rewards and burns stake).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!`.
#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::vec::Vec;

use abi_words::{address_word, encode, topics, word_at};
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use mutual_interfaces::{
    assessment::{
        AcceptVoteRequired, AlreadyVoted, AssessmentNotFound, AssessmentStarted, ContractsSet,
        FraudProcessed, GovernanceChanged, InsufficientStake, InvalidDayLength, MathOverflow,
        NoStake, NotAContract, NotMember, RewardWithdrawn, StakeDeposited, StakeLocked,
        StakeWithdrawn, Unauthorized, VoteCast, VoteUndone, VotingClosed, ZeroAddress, ZeroAmount,
    },
    nxm_token::abi::INxmToken::{
        isMemberCall, mintCall, operatorBurnCall, operatorTransferCall, transferCall,
    },
};
use mutual_math::{assessment as rules, MathError};
use stylus_sdk::{
    prelude::*,
    storage::{StorageMap, StorageU256},
};

/// The longest day the constructor accepts: a real one (devnets shorten it). It keeps every
/// window (at most 14 days) far inside the 40-bit times.
pub const MAX_DAY_SECS: u64 = 86_400;
/// An undone vote's poll ends no earlier than this many days from the undo (V2's `1 days`).
pub const UNDO_EXTENSION_DAYS: u64 = 1;

/// Storage kinds (the top byte of a [`key`]).
pub const HEADER: u8 = 0;
/// A poll's tally.
pub const TALLY: u8 = 1;
/// A poll's reward, deposit and times.
pub const TERMS: u8 = 2;
/// An assessor's stake and vote counters.
pub const ASSESSOR: u8 = 3;
/// One vote of an assessor, by its index in the assessor's votes.
pub const VOTE: u8 = 4;
/// Whether an assessor voted on an assessment.
pub const VOTED: u8 = 5;
/// Header word: governance.
pub const H_GOVERNANCE: u64 = 0;
/// Header word: the NXM token and the day length.
pub const H_NXM_TOKEN: u64 = 1;
/// Header word: the claims contract and the assessment count.
pub const H_CLAIMS: u64 = 2;

/// The key of word `(kind, account, index)`: `kind << 248 | account << 64 | index`.
#[inline(never)]
pub fn key(kind: u8, account: Address, index: u64) -> U256 {
    let mut limbs = (address_word(account) << 64usize).into_limbs();
    limbs[0] = index;
    limbs[3] |= u64::from(kind) << 56;
    U256::from_limbs(limbs)
}

abi_words::revert_data! {
    /// The revert data of a failed entrypoint: one of `IAssessment`'s `sol!` errors (encoded by
    /// `fail`: its selector, then its static arguments as words), or a callee's revert data
    /// passed on (the NXM token's). The errors it reverts with are listed for export-abi below.
    pub struct AssessmentError;
    errors: [
        Unauthorized,
        ZeroAddress,
        NotAContract,
        NotMember,
        MathOverflow,
        ZeroAmount,
        InsufficientStake,
        StakeLocked,
        AssessmentNotFound,
        VotingClosed,
        AlreadyVoted,
        AcceptVoteRequired,
        NoStake,
        InvalidDayLength,
    ]
}

type E = AssessmentError;

/// A poll: its tally ([`TALLY`]) and its terms ([`TERMS`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Poll {
    /// NXM voted for.
    pub accepted: u128,
    /// NXM voted against.
    pub denied: u128,
    /// What its voters share.
    pub reward_nxm: u128,
    /// The claimant's deposit (recorded for the views; the ETH is the claims contract's).
    pub deposit_eth: u128,
    /// When it opened (the claims contract's `startAssessment`).
    pub start_secs: u64,
    /// When voting ends (0: no such assessment).
    pub end_secs: u64,
}

/// An assessor ([`ASSESSOR`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Assessor {
    /// Its stake.
    pub stake_nxm: u128,
    /// Its last vote's time (0: never voted, or voted at time 0; `votes` tells).
    pub last_vote_secs: u64,
    /// How many votes it cast.
    pub votes: u64,
    /// Its first vote not yet paid or forfeited.
    pub rewards_from: u64,
}

/// One vote ([`VOTE`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Vote {
    /// The assessment voted on (0: no such vote).
    pub assessment_id: u64,
    /// The voter's whole stake when it voted: the vote's weight.
    pub stake_nxm: u128,
    /// When it voted.
    pub time_secs: u64,
    /// Its side.
    pub accept: bool,
}

/// Packs `(value, bits)` fields from bit 0 up.
///
/// # Errors
/// [`MathOverflow`] for a value wider than its field.
#[inline(never)]
fn pack(fields: &[(u128, u32)]) -> Result<U256, E> {
    let mut word = U256::ZERO;
    let mut shift = 0usize;
    for &(value, bits) in fields {
        if bits < 128 && value >> bits != 0 {
            return Err(overflow());
        }
        word |= U256::from(value) << shift;
        shift += bits as usize;
    }
    Ok(word)
}

/// The `bits`-bit field (at most 128) of `word` at bit `shift`.
#[inline(never)]
fn field(word: U256, shift: usize, bits: usize) -> u128 {
    let limbs = (word >> shift).into_limbs();
    let low = u128::from(limbs[0]) | (u128::from(limbs[1]) << 64);
    if bits >= 128 {
        low
    } else {
        low & ((1u128 << bits) - 1)
    }
}

/// A `u64` field.
fn field64(word: U256, shift: usize, bits: usize) -> u64 {
    field(word, shift, bits) as u64
}

/// The address in the low 160 bits of a header word.
fn address_of(word: U256) -> Address {
    Address::from_word(B256::from(word & ADDRESS_MASK))
}

/// The low 160 bits of a word.
const ADDRESS_MASK: U256 = U256::from_limbs([u64::MAX, u64::MAX, u32::MAX as u64, 0]);

/// The assessment contract's storage: one map of packed words (see the crate's `# Storage`).
#[storage]
#[entrypoint]
pub struct Assessment {
    /// Every word, by [`key`].
    words: StorageMap<U256, StorageU256>,
}

abi_words::raw_calls!(Assessment, AssessmentError);

// The entrypoints. The deployed build routes calls to them with the hand-written router of
// `router.rs`, their only caller (they are inlined into it). The export-abi build makes them
// `#[public]`, so the exported interface is the SDK's reading of these signatures, and the
// tests check that the router agrees with `mutual_interfaces::assessment`.
#[cfg_attr(feature = "export-abi", public)]
impl Assessment {
    /// The constructor as the export-abi build declares it (the deployed build's router calls
    /// [`Assessment::constructor`] of the impl below).
    #[cfg(feature = "export-abi")]
    #[constructor]
    #[inline(always)]
    pub fn constructor(&mut self, governance: Address, day_secs: U256) -> Result<(), E> {
        let _ = (governance, day_secs);
        unreachable!("the export-abi binary only prints the interface")
    }

    /// Moves `amount_nxm` of the caller's NXM into its stake. Members only.
    ///
    /// # Errors
    /// [`ZeroAmount`]; [`NotMember`]; [`MathOverflow`] for a stake beyond 128 bits; the
    /// token's revert (balance, pause), passed on.
    ///
    /// # Events
    /// [`StakeDeposited`].
    #[inline(always)]
    pub fn stake(&mut self, amount_nxm: U256) -> Result<(), E> {
        let caller = self.vm().msg_sender();
        if amount_nxm.is_zero() {
            return fail(ZeroAmount::SELECTOR, &[]);
        }
        self.only_member(caller)?;
        let mut assessor = self.assessor_of(caller);
        assessor.stake_nxm = assessor
            .stake_nxm
            .checked_add(narrow(amount_nxm)?)
            .ok_or_else(overflow)?;
        self.store_assessor(caller, &assessor)?;
        self.emit(
            StakeDeposited::SIGNATURE_HASH,
            &[address_word(caller)],
            &[amount_nxm, U256::from(assessor.stake_nxm)],
        );
        let this = self.vm().contract_address();
        self.call_token(
            &operatorTransferCall::SELECTOR,
            &[address_word(caller), address_word(this), amount_nxm],
        )
    }

    /// Pays `amount_nxm` of the caller's stake to `to`, strictly after 14 days from the
    /// caller's last vote (at any time if it never voted).
    ///
    /// # Errors
    /// [`ZeroAddress`] for `to`; [`ZeroAmount`]; [`InsufficientStake`]; [`StakeLocked`] with
    /// `lastVote + 14 days` (unstaking opens one second later); the token's revert (`to` not a
    /// member, pause), passed on.
    ///
    /// # Events
    /// [`StakeWithdrawn`].
    #[inline(always)]
    pub fn unstake(&mut self, amount_nxm: U256, to: Address) -> Result<(), E> {
        let caller = self.vm().msg_sender();
        if to.is_zero() {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        if amount_nxm.is_zero() {
            return fail(ZeroAmount::SELECTOR, &[]);
        }
        let mut assessor = self.assessor_of(caller);
        let stake = U256::from(assessor.stake_nxm);
        if amount_nxm > stake {
            return fail(InsufficientStake::SELECTOR, &[amount_nxm, stake]);
        }
        if assessor.votes > 0 {
            let (now, day) = (self.now(), self.day_secs_u64());
            let last = assessor.last_vote_secs;
            if !rules::unstake_allowed(now, last, day).map_err(math)? {
                // unstake_allowed succeeded: the lockup's end fits a u64.
                let unlock = last + rules::STAKE_LOCKUP_PERIOD_DAYS * day;
                return fail(StakeLocked::SELECTOR, &[U256::from(unlock)]);
            }
        }
        assessor.stake_nxm -= amount_nxm.to::<u128>();
        self.store_assessor(caller, &assessor)?;
        self.emit(
            StakeWithdrawn::SIGNATURE_HASH,
            &[address_word(caller), address_word(to)],
            &[amount_nxm],
        );
        // The token returns `true` or reverts: its answer is not read.
        self.call_token(&transferCall::SELECTOR, &[address_word(to), amount_nxm])
    }

    /// Votes on `assessment_id` with the caller's whole current stake. Members only.
    ///
    /// # Errors
    /// [`NotMember`]; [`NoStake`]; [`AssessmentNotFound`]; [`AlreadyVoted`];
    /// [`VotingClosed`] once `now >= end`; [`AcceptVoteRequired`] for a deny while nothing is
    /// accepted; [`MathOverflow`].
    ///
    /// # Events
    /// [`VoteCast`] with the poll's new end.
    #[inline(always)]
    pub fn cast_vote(&mut self, assessment_id: U256, accept: bool) -> Result<(), E> {
        let caller = self.vm().msg_sender();
        self.only_member(caller)?;
        let mut assessor = self.assessor_of(caller);
        if assessor.stake_nxm == 0 {
            return fail(NoStake::SELECTOR, &[address_word(caller)]);
        }
        let (id, mut poll) = self.existing(assessment_id)?;
        if self.read(key(VOTED, caller, id)) != U256::ZERO {
            return fail(AlreadyVoted::SELECTOR, &[assessment_id]);
        }
        let now = self.now();
        if now >= poll.end_secs {
            return fail(
                VotingClosed::SELECTOR,
                &[assessment_id, U256::from(poll.end_secs)],
            );
        }
        if poll.accepted == 0 && !accept {
            return fail(AcceptVoteRequired::SELECTOR, &[assessment_id]);
        }
        let stake = assessor.stake_nxm;
        poll.end_secs = rules::poll_end_after_vote_secs(
            poll.end_secs,
            now,
            U256::from(stake),
            U256::from(poll.accepted),
            U256::from(poll.denied),
            self.day_secs_u64(),
        )
        .map_err(math)?;
        let side = if accept {
            &mut poll.accepted
        } else {
            &mut poll.denied
        };
        *side = side.checked_add(stake).ok_or_else(overflow)?;
        self.store_poll(id, &poll)?;
        let vote = Vote {
            assessment_id: id,
            stake_nxm: stake,
            time_secs: now,
            accept,
        };
        self.store_vote(caller, assessor.votes, &vote)?;
        self.write(key(VOTED, caller, id), U256::from(1u8));
        assessor.votes += 1;
        assessor.last_vote_secs = now;
        self.store_assessor(caller, &assessor)?;
        self.emit(
            VoteCast::SIGNATURE_HASH,
            &[address_word(caller), assessment_id],
            &[
                U256::from(u8::from(accept)),
                U256::from(stake),
                U256::from(poll.end_secs),
            ],
        );
        Ok(())
    }

    /// Pays `staker` the rewards of its next `batch_size` votes (0: all) whose polls are past
    /// their cooldown, in voting order from its rewards index, stopping at the first poll that
    /// is not; mints them to `staker` (nothing for zero). Anyone. Returns `(withdrawn, next
    /// vote index)`; with nothing withdrawable it returns `(0, index)` and changes nothing.
    ///
    /// # Errors
    /// [`MathOverflow`]; the token's revert (`staker` not a member, pause), passed on.
    ///
    /// # Events
    /// [`RewardWithdrawn`] when the index moves (also for votes whose share is 0).
    #[inline(always)]
    pub fn withdraw_rewards(
        &mut self,
        staker: Address,
        batch_size: U256,
    ) -> Result<(U256, U256), E> {
        let mut assessor = self.assessor_of(staker);
        let (amount, next) = self.rewards_due(staker, &assessor, batch_size)?;
        let next_index = U256::from(next);
        if next != assessor.rewards_from {
            assessor.rewards_from = next;
            self.store_assessor(staker, &assessor)?;
            self.emit(
                RewardWithdrawn::SIGNATURE_HASH,
                &[address_word(staker)],
                &[amount, next_index],
            );
        }
        if !amount.is_zero() {
            self.call_token(&mintCall::SELECTOR, &[address_word(staker), amount])?;
        }
        Ok((amount, next_index))
    }

    /// Opens an assessment whose voters share `total_reward_nxm`, with the claimant's
    /// `deposit_eth` recorded; its poll starts now and ends 3 days later. The claims contract
    /// only. Returns its id (from 1).
    ///
    /// # Errors
    /// [`Unauthorized`]; [`MathOverflow`] for a reward or deposit beyond 88 bits (3·10^8
    /// NXM or ETH).
    ///
    /// # Events
    /// [`AssessmentStarted`].
    #[inline(always)]
    pub fn start_assessment(
        &mut self,
        total_reward_nxm: U256,
        deposit_eth: U256,
    ) -> Result<U256, E> {
        let claims_word = self.header(H_CLAIMS);
        self.only(address_of(claims_word))?;
        let count = field64(claims_word, 160, 64);
        let id = count.checked_add(1).ok_or_else(overflow)?;
        let now = self.now();
        let end = rules::new_poll_end_secs(now, self.day_secs_u64()).map_err(math)?;
        let poll = Poll {
            reward_nxm: narrow(total_reward_nxm)?,
            deposit_eth: narrow(deposit_eth)?,
            start_secs: now,
            end_secs: end,
            ..Poll::default()
        };
        self.store_poll(id, &poll)?;
        self.set_header(
            H_CLAIMS,
            (claims_word & ADDRESS_MASK) | (U256::from(id) << 160),
        );
        let id = U256::from(id);
        self.emit(
            AssessmentStarted::SIGNATURE_HASH,
            &[id],
            &[total_reward_nxm, deposit_eth, U256::from(end)],
        );
        Ok(id)
    }

    /// Undoes `assessor`'s votes from its rewards index on: each vote on a poll still voting or
    /// in its cooldown (`now < end + 1 day`) leaves the tally it counted in, and that poll ends
    /// no earlier than 1 day from now; the rewards of all of them are forfeited (the rewards
    /// index moves to the vote count), and `min(burn_nxm, stake)` of the stake is burned.
    /// Governance only.
    ///
    /// # Errors
    /// [`Unauthorized`]; [`MathOverflow`]; the token's revert, passed on.
    ///
    /// # Events
    /// [`VoteUndone`] for each vote taken out of a tally, then [`FraudProcessed`].
    #[inline(always)]
    pub fn undo_votes(&mut self, assessor_address: Address, burn_nxm: U256) -> Result<(), E> {
        self.only(address_of(self.header(H_GOVERNANCE)))?;
        let (now, day) = (self.now(), self.day_secs_u64());
        let floor_end = UNDO_EXTENSION_DAYS
            .checked_mul(day)
            .and_then(|span| now.checked_add(span))
            .ok_or_else(overflow)?;
        let mut assessor = self.assessor_of(assessor_address);
        for index in assessor.rewards_from..assessor.votes {
            let vote = self.vote_of(assessor_address, index);
            let id = vote.assessment_id;
            let mut poll = self.poll_of(id);
            if now >= rules::cooldown_end_secs(poll.end_secs, day).map_err(math)? {
                continue;
            }
            let side = if vote.accept {
                &mut poll.accepted
            } else {
                &mut poll.denied
            };
            *side = side.checked_sub(vote.stake_nxm).ok_or_else(overflow)?;
            poll.end_secs = poll.end_secs.max(floor_end);
            self.store_poll(id, &poll)?;
            self.emit(
                VoteUndone::SIGNATURE_HASH,
                &[address_word(assessor_address), U256::from(id)],
                &[U256::from(vote.stake_nxm), U256::from(poll.end_secs)],
            );
        }
        assessor.rewards_from = assessor.votes;
        let burned = burn_nxm.min(U256::from(assessor.stake_nxm));
        assessor.stake_nxm -= burned.to::<u128>();
        self.store_assessor(assessor_address, &assessor)?;
        self.emit(
            FraudProcessed::SIGNATURE_HASH,
            &[address_word(assessor_address)],
            &[burned, U256::from(assessor.votes)],
        );
        if !burned.is_zero() {
            let this = self.vm().contract_address();
            self.call_token(&operatorBurnCall::SELECTOR, &[address_word(this), burned])?;
        }
        Ok(())
    }

    /// Sets the contracts assessment trusts: the NXM token and the claims contract. Governance
    /// only; each must hold code.
    ///
    /// # Errors
    /// [`Unauthorized`]; [`ZeroAddress`]; [`NotAContract`].
    ///
    /// # Events
    /// [`ContractsSet`].
    #[inline(always)]
    pub fn set_contracts(&mut self, nxm_token: Address, claims: Address) -> Result<(), E> {
        self.only(address_of(self.header(H_GOVERNANCE)))?;
        for account in [nxm_token, claims] {
            if account.is_zero() {
                return fail(ZeroAddress::SELECTOR, &[]);
            }
            if self.vm().code_size(account) == 0 {
                return fail(NotAContract::SELECTOR, &[address_word(account)]);
            }
        }
        // Keep what shares the words: the day length, the assessment count.
        for (index, account) in [(H_NXM_TOKEN, nxm_token), (H_CLAIMS, claims)] {
            let kept = self.header(index) & !ADDRESS_MASK;
            self.set_header(index, kept | address_word(account));
        }
        self.emit(
            ContractsSet::SIGNATURE_HASH,
            &[],
            &[address_word(nxm_token), address_word(claims)],
        );
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    /// [`Unauthorized`]; [`ZeroAddress`].
    ///
    /// # Events
    /// [`GovernanceChanged`].
    #[inline(always)]
    pub fn set_governance(&mut self, new_governance: Address) -> Result<(), E> {
        self.only(address_of(self.header(H_GOVERNANCE)))?;
        self.set_governance_unchecked(new_governance)
    }

    /// `(accepted, denied, start, end, total reward, deposit)` of assessment `assessment_id`
    /// (zeros for an unknown id).
    #[inline(always)]
    pub fn poll(&self, assessment_id: U256) -> (U256, U256, U256, U256, U256, U256) {
        let poll = match u64::try_from(assessment_id) {
            Ok(id) => self.poll_of(id),
            Err(_) => Poll::default(),
        };
        (
            U256::from(poll.accepted),
            U256::from(poll.denied),
            U256::from(poll.start_secs),
            U256::from(poll.end_secs),
            U256::from(poll.reward_nxm),
            U256::from(poll.deposit_eth),
        )
    }

    /// `(accepted, end)`: the outcome so far (`accepted > denied`; final once `now >= end`) and
    /// the poll's end.
    ///
    /// # Errors
    /// [`AssessmentNotFound`].
    #[inline(always)]
    pub fn outcome(&self, assessment_id: U256) -> Result<(bool, U256), E> {
        let (_, poll) = self.existing(assessment_id)?;
        let accepted = rules::claim_accepted(U256::from(poll.accepted), U256::from(poll.denied));
        Ok((accepted, U256::from(poll.end_secs)))
    }

    /// `(stake, last vote, votes, rewards index)` of `assessor_address`.
    #[inline(always)]
    pub fn assessor(&self, assessor_address: Address) -> (U256, U256, U256, U256) {
        let assessor = self.assessor_of(assessor_address);
        (
            U256::from(assessor.stake_nxm),
            U256::from(assessor.last_vote_secs),
            U256::from(assessor.votes),
            U256::from(assessor.rewards_from),
        )
    }

    /// `(assessment id, accept, stake, time)` of `assessor_address`'s vote `index` (zeros
    /// beyond its votes).
    #[inline(always)]
    pub fn vote_at(&self, assessor_address: Address, index: U256) -> (U256, bool, U256, U256) {
        let vote = match u64::try_from(index) {
            Ok(index) => self.vote_of(assessor_address, index),
            Err(_) => Vote::default(),
        };
        (
            U256::from(vote.assessment_id),
            vote.accept,
            U256::from(vote.stake_nxm),
            U256::from(vote.time_secs),
        )
    }

    /// Whether `assessor_address` voted on `assessment_id`.
    #[inline(always)]
    pub fn has_voted(&self, assessor_address: Address, assessment_id: U256) -> bool {
        match u64::try_from(assessment_id) {
            Ok(id) => self.read(key(VOTED, assessor_address, id)) != U256::ZERO,
            Err(_) => false,
        }
    }

    /// The rewards `withdrawRewards(assessor_address, 0)` would pay now.
    ///
    /// # Errors
    /// [`MathOverflow`] (as the withdrawal would).
    #[inline(always)]
    pub fn withdrawable_rewards(&self, assessor_address: Address) -> Result<U256, E> {
        let assessor = self.assessor_of(assessor_address);
        Ok(self.rewards_due(assessor_address, &assessor, U256::ZERO)?.0)
    }

    /// The number of assessments opened (the last id).
    #[inline(always)]
    pub fn assessment_count(&self) -> U256 {
        U256::from(field64(self.header(H_CLAIMS), 160, 64))
    }

    /// Membership's question: whether `member` has stake here, or votes whose rewards it has
    /// not withdrawn (including votes on polls not yet past their cooldown, and votes whose
    /// share is 0: `withdrawRewards` moves past them).
    #[inline(always)]
    pub fn has_member_state(&self, member: Address) -> bool {
        let assessor = self.assessor_of(member);
        assessor.stake_nxm != 0 || assessor.rewards_from < assessor.votes
    }

    /// The day length in seconds.
    #[inline(always)]
    pub fn day_secs(&self) -> U256 {
        U256::from(self.day_secs_u64())
    }

    /// The trusted contracts: `(NXM token, claims)`.
    #[inline(always)]
    pub fn contracts(&self) -> (Address, Address) {
        (
            address_of(self.header(H_NXM_TOKEN)),
            address_of(self.header(H_CLAIMS)),
        )
    }

    /// The address holding the governance role.
    #[inline(always)]
    pub fn governance(&self) -> Address {
        address_of(self.header(H_GOVERNANCE))
    }
}

#[cfg(not(feature = "export-abi"))]
impl Assessment {
    /// Sets the governance role and the day length (86 400 on real networks; a few seconds on
    /// devnets, so that a claim's whole life passes in minutes).
    ///
    /// # Errors
    /// [`ZeroAddress`] for a zero governance; [`InvalidDayLength`] outside 1..=86 400.
    ///
    /// # Events
    /// [`GovernanceChanged`] (from zero).
    pub fn constructor(&mut self, governance: Address, day_secs: U256) -> Result<(), E> {
        if governance.is_zero() {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        if day_secs.is_zero() || day_secs > U256::from(MAX_DAY_SECS) {
            return fail(InvalidDayLength::SELECTOR, &[day_secs]);
        }
        self.set_header(H_NXM_TOKEN, day_secs << 160);
        self.set_governance_unchecked(governance)
    }
}

impl Assessment {
    /// The block timestamp.
    fn now(&self) -> u64 {
        self.vm().block_timestamp()
    }

    /// Word `k`.
    #[inline(never)]
    fn read(&self, k: U256) -> U256 {
        self.words.get(k)
    }

    /// Stores word `k`.
    #[inline(never)]
    fn write(&mut self, k: U256, value: U256) {
        self.words.insert(k, value);
    }

    /// Header word `index`.
    fn header(&self, index: u64) -> U256 {
        self.read(key(HEADER, Address::ZERO, index))
    }

    /// Stores header word `index`.
    fn set_header(&mut self, index: u64, value: U256) {
        self.write(key(HEADER, Address::ZERO, index), value);
    }

    /// The day length (the constructor stored 1..=86 400).
    #[inline(never)]
    fn day_secs_u64(&self) -> u64 {
        field64(self.header(H_NXM_TOKEN), 160, 64)
    }

    /// Stores a non-zero governance address and logs the change.
    fn set_governance_unchecked(&mut self, new_governance: Address) -> Result<(), E> {
        if new_governance.is_zero() {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        let previous = self.header(H_GOVERNANCE);
        self.set_header(H_GOVERNANCE, address_word(new_governance));
        self.emit(
            GovernanceChanged::SIGNATURE_HASH,
            &[previous, address_word(new_governance)],
            &[],
        );
        Ok(())
    }

    /// Reverts with [`Unauthorized`] unless the caller is `role` (a zero role admits no one).
    #[inline(never)]
    fn only(&self, role: Address) -> Result<(), E> {
        let caller = self.vm().msg_sender();
        if role.is_zero() || caller != role {
            return fail(Unauthorized::SELECTOR, &[address_word(caller)]);
        }
        Ok(())
    }

    /// Reverts with [`NotMember`] unless the NXM token says `account` is a member.
    fn only_member(&self, account: Address) -> Result<(), E> {
        let data = encode(&isMemberCall::SELECTOR, &[address_word(account)]);
        let token = address_of(self.header(H_NXM_TOKEN));
        let answer = self.view_call(token, &data, 1)?;
        if word_at(&answer, 0).is_zero() {
            return fail(NotMember::SELECTOR, &[address_word(account)]);
        }
        Ok(())
    }

    /// Calls the NXM token's function `selector` with `args`; its revert data is passed on, its
    /// answer is not read (every function called returns nothing or `true`).
    #[inline(never)]
    fn call_token(&mut self, selector: &[u8; 4], args: &[U256]) -> Result<(), E> {
        let token = address_of(self.header(H_NXM_TOKEN));
        self.call_out(token, U256::ZERO, &encode(selector, args), 0)?;
        Ok(())
    }

    /// Logs an event of signature `signature` with `indexed` topics and `words` of data.
    #[inline(never)]
    fn emit(&self, signature: B256, indexed: &[U256], words: &[U256]) {
        // raw_log fails only for more than four topics, which no event here has.
        let _ = self
            .vm()
            .raw_log(&topics(signature, indexed), &encode(&[], words));
    }

    // ----- records -----

    /// Poll `id` as stored (zeros: no such assessment).
    #[inline(never)]
    fn poll_of(&self, id: u64) -> Poll {
        let tally = self.read(key(TALLY, Address::ZERO, id));
        let terms = self.read(key(TERMS, Address::ZERO, id));
        Poll {
            accepted: field(tally, 0, 128),
            denied: field(tally, 128, 128),
            reward_nxm: field(terms, 0, 88),
            deposit_eth: field(terms, 88, 88),
            start_secs: field64(terms, 176, 40),
            end_secs: field64(terms, 216, 40),
        }
    }

    /// Stores poll `id`.
    ///
    /// # Errors
    /// [`MathOverflow`] for a value wider than its field.
    #[inline(never)]
    fn store_poll(&mut self, id: u64, poll: &Poll) -> Result<(), E> {
        let tally = pack(&[(poll.accepted, 128), (poll.denied, 128)])?;
        let terms = pack(&[
            (poll.reward_nxm, 88),
            (poll.deposit_eth, 88),
            (u128::from(poll.start_secs), 40),
            (u128::from(poll.end_secs), 40),
        ])?;
        self.write(key(TALLY, Address::ZERO, id), tally);
        self.write(key(TERMS, Address::ZERO, id), terms);
        Ok(())
    }

    /// `(id, poll)` of an opened assessment.
    ///
    /// # Errors
    /// [`AssessmentNotFound`] for 0 or an id beyond the count.
    #[inline(never)]
    fn existing(&self, assessment_id: U256) -> Result<(u64, Poll), E> {
        if let Ok(id) = u64::try_from(assessment_id) {
            let poll = self.poll_of(id);
            // Every opened poll ends after its start (≥ 3 days): a zero end is no poll.
            if poll.end_secs != 0 {
                return Ok((id, poll));
            }
        }
        fail(AssessmentNotFound::SELECTOR, &[assessment_id])
    }

    /// Assessor `account` as stored.
    #[inline(never)]
    fn assessor_of(&self, account: Address) -> Assessor {
        let word = self.read(key(ASSESSOR, account, 0));
        Assessor {
            stake_nxm: field(word, 0, 128),
            last_vote_secs: field64(word, 128, 40),
            votes: field64(word, 168, 40),
            rewards_from: field64(word, 208, 40),
        }
    }

    /// Stores assessor `account`.
    ///
    /// # Errors
    /// [`MathOverflow`] for a value wider than its field.
    #[inline(never)]
    fn store_assessor(&mut self, account: Address, assessor: &Assessor) -> Result<(), E> {
        let word = pack(&[
            (assessor.stake_nxm, 128),
            (u128::from(assessor.last_vote_secs), 40),
            (u128::from(assessor.votes), 40),
            (u128::from(assessor.rewards_from), 40),
        ])?;
        self.write(key(ASSESSOR, account, 0), word);
        Ok(())
    }

    /// `account`'s vote `index` as stored (zeros beyond its votes).
    #[inline(never)]
    fn vote_of(&self, account: Address, index: u64) -> Vote {
        let word = self.read(key(VOTE, account, index));
        Vote {
            assessment_id: field64(word, 0, 64),
            stake_nxm: field(word, 64, 128),
            time_secs: field64(word, 192, 40),
            accept: field(word, 232, 1) != 0,
        }
    }

    /// Stores `account`'s vote `index`.
    ///
    /// # Errors
    /// [`MathOverflow`] for a value wider than its field.
    fn store_vote(&mut self, account: Address, index: u64, vote: &Vote) -> Result<(), E> {
        let word = pack(&[
            (u128::from(vote.assessment_id), 64),
            (vote.stake_nxm, 128),
            (u128::from(vote.time_secs), 40),
            (u128::from(vote.accept), 1),
        ])?;
        self.write(key(VOTE, account, index), word);
        Ok(())
    }

    /// The rewards of `staker`'s votes from its rewards index, at most `batch` of them (0: all),
    /// up to the first whose poll is not past its cooldown: `(total, next index)`. Each share is
    /// `rules::voter_reward_nxm` of the poll's tally, rounded down.
    ///
    /// # Errors
    /// [`MathOverflow`] (a share's arithmetic outside the stored widths: unreachable, as every
    /// unforfeited vote's stake is part of its poll's tally).
    fn rewards_due(
        &self,
        staker: Address,
        assessor: &Assessor,
        batch: U256,
    ) -> Result<(U256, u64), E> {
        let (now, day) = (self.now(), self.day_secs_u64());
        let pending = assessor.votes - assessor.rewards_from;
        let limit = if batch.is_zero() || batch >= U256::from(pending) {
            assessor.votes
        } else {
            assessor.rewards_from + batch.to::<u64>()
        };
        let (mut total, mut next) = (U256::ZERO, assessor.rewards_from);
        while next < limit {
            let vote = self.vote_of(staker, next);
            let poll = self.poll_of(vote.assessment_id);
            if !rules::rewards_withdrawable(now, poll.end_secs, day).map_err(math)? {
                break;
            }
            let share = rules::voter_reward_nxm(
                U256::from(poll.reward_nxm),
                U256::from(vote.stake_nxm),
                U256::from(poll.accepted),
                U256::from(poll.denied),
            )
            .map_err(math)?;
            total = total.checked_add(share).ok_or_else(overflow)?;
            next += 1;
        }
        Ok((total, next))
    }
}

/// Fails with the error whose selector is `selector` and whose arguments are `args` (every
/// error here has static arguments only: uints and addresses, one word each).
fn fail<T>(selector: [u8; 4], args: &[U256]) -> Result<T, E> {
    Err(err(selector, args))
}

/// The error whose selector is `selector` and whose arguments are `args`.
#[inline(never)]
fn err(selector: [u8; 4], args: &[U256]) -> E {
    AssessmentError(encode(&selector, args))
}

fn overflow() -> E {
    err(MathOverflow::SELECTOR, &[])
}

/// The assessment math fails only outside the stored widths: [`MathOverflow`].
fn math(_: MathError) -> E {
    overflow()
}

/// An amount as a 128-bit number, or [`MathOverflow`].
fn narrow(value: U256) -> Result<u128, E> {
    u128::try_from(value).map_err(|_| overflow())
}

#[cfg(not(feature = "export-abi"))]
mod router;

#[cfg(test)]
mod tests;
