//! Governance (protocol-reference §8: V3's Governor, with member proposals of any action as the
//! governance issue asks): members lock NXM here and vote on proposals whose on-chain actions
//! the contract carries out once they pass. Every contract's governance role is this contract
//! once deployment ends.
//!
//! ABI: [`mutual_interfaces::governance`] (interface `IGovernance`, events, errors, the
//! [`status`] values); the rules' arithmetic is `mutual_math::governance`.
//!
//! # Locking
//! A member locks NXM with [`Governance::lock`] (moved in with the token's `operatorTransfer`:
//! governance is a token operator) and takes it back with [`Governance::unlock`] (the token's
//! `transfer`) once `now ≥ lockedUntil`. Each vote moves `lockedUntil` to at least the end of
//! that proposal's voting (and a proposal moves its proposer's to the end of its voting), so NXM
//! that voted or proposed stays here until every such proposal has ended: it can neither move
//! to another member nor follow its holder to a new address while a vote it counted in is open
//! (membership asks [`Governance::has_member_state`]: NXM locked, or a voted or made proposal
//! still open — also with nothing locked, whose 1 NXM bonus must not vote twice). A vote weighs
//! what is locked when it is cast. No action may call the token's `transfer`, `transferFrom`,
//! `approve`, `permit`, `operatorTransfer` or `operatorBurn` ([`NXM_MOVING_SELECTORS`]):
//! governance's balance is its members' locked NXM.
//!
//! # Proposals
//! [`Governance::propose_actions`]: a member with at least 100 NXM of ordinary weight proposes
//! 1 to [`MAX_ACTIONS`] actions `(target, valueEth, data)`, every target a protocol contract
//! (the list [`Governance::initialize`] and [`Governance::set_protocol_contracts`] set;
//! governance itself always), with a description URI. The NXM supply is snapshotted then and is
//! the proposal's measure for the 5 % cap and the 15 % quorum. A proposal is a **special
//! resolution** when an action targets membership or governance itself, or calls one of the
//! [`SPECIAL_SELECTORS`] (a change of trusted addresses, operators, member-state holders or a
//! governance role) on any target; otherwise it is **ordinary**.
//!
//! Votes ([`Governance::vote`]) weigh `locked + 1 NXM`, capped at 5 % of the snapshot for
//! ordinary proposals, uncapped for special ones; one vote per member and proposal. Voting
//! lasts 3 days; the proposal is accepted if `for + against` reaches 15 % of the snapshot and
//! `for > 50 %` (ordinary) or `for ≥ 75 %` (special) of it. A 1-day timelock follows, in which
//! 3 distinct advisory-board seats ([`VETOES_TO_STOP`]) can veto it ([`Governance::veto`]):
//! vetoes count per seat, not per address, so a seat that changes hands during the timelock
//! still vetoes once; then anyone executes it ([`Governance::execute`]), sending exactly the
//! actions' total value. Days are the constructor's `day_secs` (86,400 on real networks).
//!
//! The status is computed from the time and the tallies ([`Governance::proposal_status`]):
//! `EXECUTED` once executed; else `VOTING` while `now < end`; then `DEFEATED` unless accepted;
//! `VETOED` once 3 distinct seats vetoed; `TIMELOCKED` until `end + 1 day`; then `EXECUTABLE`.
//!
//! # Execution and re-entrancy
//! `execute` marks the proposal executed, and writes the mark out to storage, before its first
//! call; then it calls each action in order with its value and data, and an action that
//! reverts reverts the whole execution with `ActionFailed(index, revertData)`. An action may
//! call governance itself (`setProtocolContracts` accepts no other caller), which the SDK's
//! deprecated entrypoint guard would refuse: the crate enables the SDK's `reentrant` feature,
//! and an action that calls `execute` again finds its proposal `EXECUTED`. No other entrypoint
//! does anything for governance itself (it is no member, no seat holder and holds no lock).
//!
//! # Storage
//! One map of words, keyed by [`slot`]`(kind, id, field)` = `kind << 248 | id << 160 | field`:
//! * the header ([`K_HEADER`]): the NXM token with the day length (`<< 160`); membership with
//!   the proposal count (`<< 160`); the initializer (zero once initialized); the length of the
//!   protocol-contract list;
//! * the protocol contracts: the list ([`K_LIST`], by index; governance itself first, no
//!   repeats) and the set ([`K_PROTOCOL`], by address: 1 or 0);
//! * per member ([`K_LOCK`]): `lockedUntilSecs << 192 | lockedNxm` (locked NXM below 2^192,
//!   else `MathOverflow`);
//! * per proposal ([`K_PROPOSAL`], by id): its header word (proposer, start `<< 160`, special
//!   `<< 224`, the vetoing seats `<< 232` (8 bits, bit `seat` set once seat `seat` vetoed; the
//!   veto count is their number), executed `<< 240`, action count `<< 248`), the tallies for
//!   and against, the supply snapshot;
//! * its texts ([`K_BYTES`], by id and `part << 64 | word`): part 0 the description URI
//!   `[byteLength, words…]`, part `1 + i` action `i` `[target, valueEth, byteLength, data
//!   words…]` (the last word zero-padded);
//! * per voter ([`K_PARTICIPANT`], by id and address): `weight << 2 | support << 1 | voted`.
//!
//! # Size
//! With the SDK's typed router and storage structs the contract came to 24,208 deployed bytes;
//! with a hand-written router 18,941; with one map of words as its storage ~17,400 (the SDK's
//! struct layouts compute every field's slot at run time). The deployed router is `router.rs`
//! (bounds-checked decoding, answers encoded as words, `propose`'s actions and description read
//! in place); the typed entrypoints below are `#[public]` only in the `export-abi` build, so
//! the exported interface is the SDK's reading of their signatures. Errors are encoded by one
//! routine (`fail`) from the `sol!` errors' selectors, events by one raw-log routine, and
//! calls by `abi-words` from the interfaces' selectors; the tests compare every revert, event,
//! call and routed answer with the `sol!` types' own encodings.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!`.
#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::{string::String, vec::Vec};

use abi_words::{address_word, encode, encode_with_text, topics, word_at};
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use mutual_interfaces::{
    capital_pool::abi::ICapitalPool,
    claims::abi::IClaims,
    cover::abi::ICover,
    governance::{
        status, ActionFailed, ActionNotFound, AlreadyInitialized, AlreadyVetoed, AlreadyVoted,
        ForbiddenAction, Initialized, InsufficientLocked, InvalidDayLength, InvalidProposalStatus,
        InvalidSeat, Locked, MathOverflow, NoActions, NotAContract, NotMember, ProposalCreated,
        ProposalExecuted, ProposalNotFound, ProposalThresholdNotMet, ProposalVetoed,
        ProtocolContractAt, ProtocolContractsSet, StillLocked, TargetNotAllowed, TooManyActions,
        Unauthorized, Unlocked, ValueMismatch, VoteCast, ZeroAddress, ZeroAmount, VETOES_TO_STOP,
    },
    membership::{abi::IMembership, ADVISORY_BOARD_SEATS},
    nxm_token::abi::INxmToken,
    position_nft::abi::IPositionNft,
    ramm::abi::IRamm,
    staking_pool::abi::IStakingPool,
};
use mutual_math::governance::{
    can_propose, executable_at_secs, proposal_accepted, vote_weight_nxm, voting_end_secs,
    ProposalKind, PROPOSAL_THRESHOLD_NXM,
};
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageMap, StorageU256},
};

/// The most actions one proposal may carry.
pub const MAX_ACTIONS: usize = 8;

/// The selectors that make a proposal a special resolution on any target: every change of a
/// contract's trusted addresses or of a governance role declared in `mutual-interfaces`.
/// `setContracts` has one selector per argument count (2: membership, pool registry, cover
/// products, staking products, assessment; 3: RAMM; 4: capital pool; 5: staking pool; 6:
/// claims; 7: cover); `setGovernance(address)` is the same everywhere; the NXM token's
/// `setMembership` and `setOperator`; membership's member-state holders; the position NFT's
/// `setMinter` (who may mint covers or stake positions); the token's `mint` (new NXM). The
/// tests check this list against every `set*` function of every interface.
pub const SPECIAL_SELECTORS: [[u8; 4]; 13] = [
    IMembership::setContractsCall::SELECTOR,
    IRamm::setContractsCall::SELECTOR,
    ICapitalPool::setContractsCall::SELECTOR,
    IStakingPool::setContractsCall::SELECTOR,
    IClaims::setContractsCall::SELECTOR,
    ICover::setContractsCall::SELECTOR,
    INxmToken::setGovernanceCall::SELECTOR,
    INxmToken::setMembershipCall::SELECTOR,
    INxmToken::setOperatorCall::SELECTOR,
    IMembership::registerStateHolderCall::SELECTOR,
    IMembership::unregisterStateHolderCall::SELECTOR,
    IPositionNft::setMinterCall::SELECTOR,
    INxmToken::mintCall::SELECTOR,
];

/// The NXM token's functions that move or burn NXM of (or approve spending from) their caller:
/// governance's own balance is its members' locked NXM, so no proposal may call them on the
/// token (`ForbiddenAction`). `mint` stays possible, as a special resolution.
pub const NXM_MOVING_SELECTORS: [[u8; 4]; 6] = [
    INxmToken::transferCall::SELECTOR,
    INxmToken::transferFromCall::SELECTOR,
    INxmToken::approveCall::SELECTOR,
    INxmToken::permitCall::SELECTOR,
    INxmToken::operatorTransferCall::SELECTOR,
    INxmToken::operatorBurnCall::SELECTOR,
];

/// Whether an action's calldata calls one of the [`NXM_MOVING_SELECTORS`].
pub fn moves_nxm(data: &[u8]) -> bool {
    data.get(..4)
        .is_some_and(|selector| NXM_MOVING_SELECTORS.iter().any(|s| s[..] == *selector))
}

/// Whether an action's calldata calls one of the [`SPECIAL_SELECTORS`] (calldata shorter than
/// a selector calls none).
pub fn is_special_selector(data: &[u8]) -> bool {
    data.get(..4)
        .is_some_and(|selector| SPECIAL_SELECTORS.iter().any(|s| s[..] == *selector))
}

/// Storage kinds (see the crate's `# Storage`): the header words.
pub const K_HEADER: u8 = 0;
/// The protocol-contract list, by index.
pub const K_LIST: u8 = 1;
/// The protocol-contract set, by address.
pub const K_PROTOCOL: u8 = 2;
/// Members' locks, by address.
pub const K_LOCK: u8 = 3;
/// Proposals' fixed words, by id and [`P_HEADER`] … [`P_SUPPLY`].
pub const K_PROPOSAL: u8 = 4;
/// Proposals' description and actions, by id and `part << 64 | word`.
pub const K_BYTES: u8 = 5;
/// Proposals' voters, by id and address.
pub const K_PARTICIPANT: u8 = 6;

/// Header words: the NXM token and the day length.
const H_TOKEN: u64 = 0;
/// Membership and the proposal count.
const H_MEMBERSHIP: u64 = 1;
/// The initializer.
const H_INITIALIZER: u64 = 2;
/// The protocol-contract list's length.
const H_LIST_LENGTH: u64 = 3;

/// A proposal's header word: proposer, start, kind, vetoing seats, executed flag, action count.
pub const P_HEADER: u64 = 0;
/// Weight voted for.
pub const P_FOR: u64 = 1;
/// Weight voted against.
pub const P_AGAINST: u64 = 2;
/// The NXM supply when it was proposed.
pub const P_SUPPLY: u64 = 3;

/// Bit positions in a proposal's header word.
const START_SHIFT: usize = 160;
const SPECIAL_SHIFT: usize = 224;
/// The vetoing seats: bit `VETOES_SHIFT + seat` for seat `seat`.
const VETOES_SHIFT: usize = 232;
const EXECUTED_SHIFT: usize = 240;
const COUNT_SHIFT: usize = 248;

// Every seat's bit lies in the 8 bits below the executed flag.
const _: () = assert!(ADVISORY_BOARD_SEATS as usize <= EXECUTED_SHIFT - VETOES_SHIFT);

/// Locked NXM fills a member's lock word below this bit; `lockedUntil` the 64 bits above.
const LOCK_UNTIL_SHIFT: usize = 192;
/// A voter's word's flags, below its weight (`weight << 2`).
const VOTED: u8 = 1;
const SUPPORT: u8 = 2;
const WEIGHT_SHIFT: usize = 2;

/// The storage key of `field` of `id` in `kind` (see the crate's `# Storage`): `kind << 248 |
/// id << 160 | field`, `field` below 2^160.
pub fn slot(kind: u8, id: u64, field: U256) -> U256 {
    (U256::from(kind) << 248) | (U256::from(id) << 160) | field
}

/// `width` (1 to 64) bits of `word` from bit `shift`.
#[inline(never)]
fn bits(word: U256, shift: usize, width: u32) -> u64 {
    (word >> shift).as_limbs()[0] & (u64::MAX >> (64 - width))
}

/// The address in the low 160 bits of `word`.
fn address_in(word: U256) -> Address {
    Address::from_word(B256::from(
        word & U256::from_limbs([u64::MAX, u64::MAX, u32::MAX as u64, 0]),
    ))
}

abi_words::revert_data! {
    /// The revert data of a failed entrypoint: one of the module's `sol!` errors (encoded by
    /// `fail` or, for `ActionFailed`, with its revert data), or a callee's revert data passed
    /// on. The errors it reverts with are listed for export-abi below.
    pub struct GovernanceError;
    errors: [
        Unauthorized,
        ZeroAddress,
        NotAContract,
        NotMember,
        MathOverflow,
        ZeroAmount,
        InsufficientLocked,
        StillLocked,
        ProposalNotFound,
        ProposalThresholdNotMet,
        NoActions,
        TooManyActions,
        TargetNotAllowed,
        ForbiddenAction,
        InvalidProposalStatus,
        InvalidSeat,
        AlreadyVoted,
        AlreadyVetoed,
        ActionFailed,
        ActionNotFound,
        ValueMismatch,
        AlreadyInitialized,
        InvalidDayLength,
    ]
}

/// Shorthand for entrypoint results.
type GovernanceResult<T> = Result<T, GovernanceError>;

/// Fails with the error whose selector is `selector` and whose arguments are `args` (every
/// error but `ActionFailed` has static arguments only: one word each).
#[inline(never)]
fn fail<T>(selector: [u8; 4], args: &[U256]) -> GovernanceResult<T> {
    Err(GovernanceError(encode(&selector, args)))
}

/// A math failure (outside the supported domain) as [`MathOverflow`].
fn overflow<T, E>(_: E) -> GovernanceResult<T> {
    fail(MathOverflow::SELECTOR, &[])
}

/// `proposal()`'s answer: `(proposer, startSecs, endSecs, forNxm, againstNxm, special, vetoes,
/// supplyNxm)`.
pub type ProposalView = (Address, U256, U256, U256, U256, bool, u8, U256);

/// An action as the deployed router reads it from the calldata: `(target, valueEth, data)`.
pub type ActionRef<'a> = (Address, U256, &'a [u8]);

/// A proposal's fixed words, read at once.
struct Summary {
    /// Its id, known to exist.
    id: u64,
    /// Its header word (see the crate's `# Storage`).
    header: U256,
    start_secs: u64,
    end_secs: u64,
    for_nxm: U256,
    against_nxm: U256,
    supply_nxm: U256,
}

impl Summary {
    fn special(&self) -> bool {
        self.header.bit(SPECIAL_SHIFT)
    }

    fn kind(&self) -> ProposalKind {
        if self.special() {
            ProposalKind::Special
        } else {
            ProposalKind::Ordinary
        }
    }

    /// The number of distinct seats that vetoed (the bits set among the vetoing seats).
    fn vetoes(&self) -> u8 {
        bits(self.header, VETOES_SHIFT, 8).count_ones() as u8
    }

    fn executed(&self) -> bool {
        self.header.bit(EXECUTED_SHIFT)
    }

    fn action_count(&self) -> u64 {
        bits(self.header, COUNT_SHIFT, 8)
    }
}

/// Governance's storage: one map of words (see the crate's `# Storage`).
#[storage]
#[entrypoint]
pub struct Governance {
    /// Every word, by [`slot`].
    words: StorageMap<U256, StorageU256>,
}

abi_words::raw_calls!(Governance, GovernanceError);

// The entrypoints, typed as `IGovernance` declares them. The deployed build routes calls with
// the hand-written router of `router.rs`, which calls these or, for the dynamic arguments and
// answers, the slice-based functions of the impl below; the export-abi build makes these
// `#[public]`, so that the exported interface is the SDK's reading of their signatures. The
// tests call them directly and check the router against `mutual_interfaces::governance`.
#[cfg_attr(feature = "export-abi", public)]
impl Governance {
    /// The constructor as the export-abi build declares it (the deployed build's router calls
    /// [`Governance::constructor`] of the impl below).
    #[cfg(feature = "export-abi")]
    #[constructor]
    pub fn constructor(&mut self, initializer: Address, day_secs: U256) -> GovernanceResult<()> {
        self.construct(initializer, day_secs)
    }

    /// Moves `amount_nxm` of the caller's NXM into its lock (the token's `operatorTransfer`).
    /// Members only.
    ///
    /// # Errors
    /// `ZeroAmount`; `NotMember`; `MathOverflow` if the lock would reach 2^192 NXM wei; the
    /// token's revert (balance, pause), passed on.
    ///
    /// # Events
    /// [`Locked`].
    pub fn lock(&mut self, amount_nxm: U256) -> GovernanceResult<()> {
        let member = self.vm().msg_sender();
        if amount_nxm.is_zero() {
            return fail(ZeroAmount::SELECTOR, &[]);
        }
        self.only_member(member)?;
        let (locked, until) = self.lock_of(member);
        let locked = locked.checked_add(amount_nxm).ok_or(()).or_else(overflow)?;
        self.set_lock(member, locked, until)?;
        self.emit(
            Locked::SIGNATURE_HASH,
            &[address_word(member)],
            &[amount_nxm, locked],
        );
        let this = self.vm().contract_address();
        self.call_out(
            self.token(),
            U256::ZERO,
            &encode(
                &INxmToken::operatorTransferCall::SELECTOR,
                &[address_word(member), address_word(this), amount_nxm],
            ),
            0,
        )?;
        Ok(())
    }

    /// Returns `amount_nxm` of the caller's locked NXM (the token's `transfer`), once
    /// `now ≥ lockedUntil`.
    ///
    /// # Errors
    /// `ZeroAmount`; `InsufficientLocked`; `StillLocked`; the token's revert (pause), passed on.
    ///
    /// # Events
    /// [`Unlocked`].
    pub fn unlock(&mut self, amount_nxm: U256) -> GovernanceResult<()> {
        let member = self.vm().msg_sender();
        if amount_nxm.is_zero() {
            return fail(ZeroAmount::SELECTOR, &[]);
        }
        let (locked, until) = self.lock_of(member);
        if amount_nxm > locked {
            return fail(InsufficientLocked::SELECTOR, &[amount_nxm, locked]);
        }
        if self.now() < until {
            return fail(StillLocked::SELECTOR, &[U256::from(until)]);
        }
        let locked = locked - amount_nxm;
        self.set_lock(member, locked, until)?;
        self.emit(
            Unlocked::SIGNATURE_HASH,
            &[address_word(member)],
            &[amount_nxm, locked],
        );
        // The token returns `true` or reverts: its answer is not read.
        self.call_out(
            self.token(),
            U256::ZERO,
            &encode(
                &INxmToken::transferCall::SELECTOR,
                &[address_word(member), amount_nxm],
            ),
            0,
        )?;
        Ok(())
    }

    /// Proposes `actions` — `(target, valueEth, data)`, each target a protocol contract —
    /// described at `description_uri`; returns the proposal's id (from 1). See
    /// [`Governance::propose_actions`], which the deployed router calls with the arguments
    /// read in place.
    ///
    /// # Errors
    /// As [`Governance::propose_actions`].
    ///
    /// # Events
    /// [`ProposalCreated`].
    pub fn propose(
        &mut self,
        actions: Vec<(Address, U256, Bytes)>,
        description_uri: String,
    ) -> GovernanceResult<U256> {
        let actions: Vec<ActionRef<'_>> = actions
            .iter()
            .map(|(target, value, data)| (*target, *value, &data[..]))
            .collect();
        self.propose_actions(&actions, description_uri.as_bytes())
    }

    /// Votes for (`support`) or against `proposal_id` with the caller's weight now:
    /// `locked + 1 NXM`, for an ordinary proposal at most 5 % of its supply snapshot. Members
    /// only, once per proposal, while voting is open; the caller's lock then holds until at
    /// least the end of this proposal's voting.
    ///
    /// # Errors
    /// `ProposalNotFound`; `InvalidProposalStatus` (not `VOTING`); `AlreadyVoted`;
    /// `NotMember`; `MathOverflow` (a tally beyond 256 bits); the token's revert, passed on.
    ///
    /// # Events
    /// [`VoteCast`].
    pub fn vote(&mut self, proposal_id: U256, support: bool) -> GovernanceResult<()> {
        let voter = self.vm().msg_sender();
        let summary = self.summary(proposal_id)?;
        self.require_status(proposal_id, &summary, status::VOTING)?;
        let key = slot(K_PARTICIPANT, summary.id, address_word(voter));
        if self.read(key).bit(0) {
            return fail(AlreadyVoted::SELECTOR, &[proposal_id, address_word(voter)]);
        }
        self.only_member(voter)?;
        let (locked, until) = self.lock_of(voter);
        let weight =
            vote_weight_nxm(locked, summary.supply_nxm, summary.kind()).or_else(overflow)?;
        let (field, tally) = if support {
            (P_FOR, summary.for_nxm)
        } else {
            (P_AGAINST, summary.against_nxm)
        };
        let tally = tally.checked_add(weight).ok_or(()).or_else(overflow)?;
        self.set_lock(voter, locked, until.max(summary.end_secs))?;
        self.write(slot(K_PROPOSAL, summary.id, U256::from(field)), tally);
        // `locked < 2^192` makes `weight << 2` fit.
        let flags = VOTED | if support { SUPPORT } else { 0 };
        self.write(key, (weight << WEIGHT_SHIFT) | U256::from(flags));
        self.emit(
            VoteCast::SIGNATURE_HASH,
            &[proposal_id, address_word(voter)],
            &[U256::from(u8::from(support)), weight],
        );
        Ok(())
    }

    /// Vetoes `proposal_id` during its timelock for advisory-board seat `seat`, which the
    /// caller must hold (membership's `advisoryBoardSeat(seat)`). Vetoes count per seat: each
    /// seat vetoes a proposal once, whoever holds it (a seat that changes hands during the
    /// timelock does not veto again), and the third distinct seat stops the proposal.
    ///
    /// # Errors
    /// `ProposalNotFound`; `InvalidProposalStatus` (not `TIMELOCKED`); `InvalidSeat` (`seat`
    /// not below [`ADVISORY_BOARD_SEATS`], refused before asking membership); `Unauthorized`
    /// (the caller does not hold `seat`); `AlreadyVetoed` (`seat` vetoed `proposal_id`
    /// already); membership's revert, passed on.
    ///
    /// # Events
    /// [`ProposalVetoed`] with the seat, its holder and the number of seats that vetoed so far.
    pub fn veto(&mut self, proposal_id: U256, seat: u8) -> GovernanceResult<()> {
        let seat_holder = self.vm().msg_sender();
        let summary = self.summary(proposal_id)?;
        self.require_status(proposal_id, &summary, status::TIMELOCKED)?;
        if seat >= ADVISORY_BOARD_SEATS {
            return fail(InvalidSeat::SELECTOR, &[U256::from(seat)]);
        }
        let answer = self.view_call(
            self.membership(),
            &encode(
                &IMembership::advisoryBoardSeatCall::SELECTOR,
                &[U256::from(seat)],
            ),
            0,
        )?;
        if word_at(&answer, 0) != address_word(seat_holder) {
            return fail(Unauthorized::SELECTOR, &[address_word(seat_holder)]);
        }
        let seat_bit = U256::from(1u8) << (VETOES_SHIFT + usize::from(seat));
        if !(summary.header & seat_bit).is_zero() {
            return fail(AlreadyVetoed::SELECTOR, &[proposal_id, U256::from(seat)]);
        }
        self.write(
            slot(K_PROPOSAL, summary.id, U256::from(P_HEADER)),
            summary.header | seat_bit,
        );
        self.emit(
            ProposalVetoed::SIGNATURE_HASH,
            &[proposal_id, address_word(seat_holder)],
            &[U256::from(seat), U256::from(summary.vetoes() + 1)],
        );
        Ok(())
    }

    /// [`Governance::execute`], payable, as the export-abi build declares it.
    #[cfg(feature = "export-abi")]
    #[payable]
    #[selector(name = "execute")]
    pub fn export_execute(&mut self, proposal_id: U256) -> GovernanceResult<()> {
        self.execute(proposal_id)
    }

    /// Sets the NXM token, membership and the protocol contracts proposals may target
    /// (governance itself is always one; repeats are kept once). The initializer only, once;
    /// the initializer is cleared.
    ///
    /// # Errors
    /// `AlreadyInitialized` (also for any other caller); `ZeroAddress`; `NotAContract`.
    ///
    /// # Events
    /// [`ProtocolContractsSet`] and a [`ProtocolContractAt`] per entry, [`Initialized`].
    pub fn initialize(
        &mut self,
        nxm_token: Address,
        membership: Address,
        protocol_contracts: Vec<Address>,
    ) -> GovernanceResult<()> {
        let initializer = address_in(self.header(H_INITIALIZER));
        if initializer.is_zero() || self.vm().msg_sender() != initializer {
            return fail(AlreadyInitialized::SELECTOR, &[]);
        }
        self.check_contracts(&[nxm_token, membership])?;
        self.replace_protocol_contracts(&protocol_contracts)?;
        // The day length above the token, the proposal count (0) above membership.
        let day = self.header(H_TOKEN);
        self.set_header(H_TOKEN, day | address_word(nxm_token));
        self.set_header(H_MEMBERSHIP, address_word(membership));
        self.set_header(H_INITIALIZER, U256::ZERO);
        self.emit(
            Initialized::SIGNATURE_HASH,
            &[],
            &[address_word(nxm_token), address_word(membership)],
        );
        Ok(())
    }

    /// Replaces the protocol contracts proposals may target (governance itself is always one;
    /// repeats are kept once). Governance itself only, i.e. through an executed proposal (a
    /// special resolution: it targets governance).
    ///
    /// # Errors
    /// `Unauthorized`; `ZeroAddress`; `NotAContract`.
    ///
    /// # Events
    /// [`ProtocolContractsSet`] and a [`ProtocolContractAt`] per entry.
    pub fn set_protocol_contracts(
        &mut self,
        protocol_contracts: Vec<Address>,
    ) -> GovernanceResult<()> {
        let caller = self.vm().msg_sender();
        if caller != self.vm().contract_address() {
            return fail(Unauthorized::SELECTOR, &[address_word(caller)]);
        }
        self.replace_protocol_contracts(&protocol_contracts)
    }

    /// `(proposer, startSecs, endSecs, forNxm, againstNxm, special, vetoes, supplyNxm)`.
    ///
    /// # Errors
    /// `ProposalNotFound`.
    pub fn proposal(&self, proposal_id: U256) -> GovernanceResult<ProposalView> {
        let s = self.summary(proposal_id)?;
        Ok((
            address_in(s.header),
            U256::from(s.start_secs),
            U256::from(s.end_secs),
            s.for_nxm,
            s.against_nxm,
            s.special(),
            s.vetoes(),
            s.supply_nxm,
        ))
    }

    /// One of [`status`]'s values, from the time and the tallies.
    ///
    /// # Errors
    /// `ProposalNotFound`.
    pub fn proposal_status(&self, proposal_id: U256) -> GovernanceResult<u8> {
        let summary = self.summary(proposal_id)?;
        Ok(self.status_of(&summary))
    }

    /// `(actionCount, descriptionUri)`.
    ///
    /// # Errors
    /// `ProposalNotFound`.
    pub fn proposal_details(&self, proposal_id: U256) -> GovernanceResult<(U256, String)> {
        let (count, text) = self.details(proposal_id)?;
        // Stored from `propose`'s calldata as it came (the deployed router does not check
        // UTF-8; the answer carries the bytes as they are).
        Ok((count, String::from_utf8_lossy(&text).into_owned()))
    }

    /// Action `index` of `proposal_id`: `(target, valueEth, data)`.
    ///
    /// # Errors
    /// `ProposalNotFound`; `ActionNotFound`.
    pub fn action(
        &self,
        proposal_id: U256,
        index: U256,
    ) -> GovernanceResult<(Address, U256, Bytes)> {
        let (target, value, data) = self.action_at(proposal_id, index)?;
        Ok((target, value, Bytes::from(data)))
    }

    /// `(voted, support, weightNxm)` of `voter` on `proposal_id`.
    ///
    /// # Errors
    /// `ProposalNotFound`.
    pub fn receipt(
        &self,
        proposal_id: U256,
        voter: Address,
    ) -> GovernanceResult<(bool, bool, U256)> {
        let summary = self.summary(proposal_id)?;
        let word = self.read(slot(K_PARTICIPANT, summary.id, address_word(voter)));
        Ok((word.bit(0), word.bit(1), word >> WEIGHT_SHIFT))
    }

    /// `(lockedNxm, lockedUntilSecs)` of `member`.
    pub fn locked(&self, member: Address) -> (U256, U256) {
        let (locked, until) = self.lock_of(member);
        (locked, U256::from(until))
    }

    /// The weight `member` would vote with on `proposal_id` now (its lock now, the proposal's
    /// kind and supply snapshot), whether or not it may vote.
    ///
    /// # Errors
    /// `ProposalNotFound`; `MathOverflow`.
    pub fn vote_weight(&self, proposal_id: U256, member: Address) -> GovernanceResult<U256> {
        let summary = self.summary(proposal_id)?;
        vote_weight_nxm(self.lock_of(member).0, summary.supply_nxm, summary.kind())
            .or_else(overflow)
    }

    /// The number of proposals (the latest id).
    pub fn proposal_count(&self) -> U256 {
        U256::from(self.count())
    }

    /// The protocol contracts proposals may target, governance itself first.
    pub fn protocol_contracts(&self) -> Vec<Address> {
        (0..self.header(H_LIST_LENGTH).to::<u64>())
            .map(|i| address_in(self.read(slot(K_LIST, 0, U256::from(i)))))
            .collect()
    }

    /// Whether proposals may target `account`.
    pub fn is_protocol_contract(&self, account: Address) -> bool {
        !self
            .read(slot(K_PROTOCOL, 0, address_word(account)))
            .is_zero()
    }

    /// Membership's question: whether NXM is locked here for `member`, or a proposal it voted
    /// on or made is still open (with nothing locked it voted with the 1 NXM bonus: switching
    /// address would let that bonus vote again).
    pub fn has_member_state(&self, member: Address) -> bool {
        let (locked, until) = self.lock_of(member);
        !locked.is_zero() || until > self.now()
    }

    /// The day length in seconds.
    pub fn day_secs(&self) -> U256 {
        U256::from(self.day())
    }

    /// `(nxmToken, membership)`.
    pub fn contracts(&self) -> (Address, Address) {
        (self.token(), self.membership())
    }
}

impl Governance {
    /// Sets the initializer (the deployer) and the day length.
    ///
    /// # Errors
    /// `ZeroAddress` for a zero initializer; `InvalidDayLength` for a zero day or one above
    /// 2^32 − 1 seconds (so that every time fits its 64 bits).
    #[cfg(not(feature = "export-abi"))]
    pub fn constructor(&mut self, initializer: Address, day_secs: U256) -> GovernanceResult<()> {
        self.construct(initializer, day_secs)
    }

    /// [`Governance::constructor`].
    fn construct(&mut self, initializer: Address, day_secs: U256) -> GovernanceResult<()> {
        if initializer.is_zero() {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        if day_secs.is_zero() || day_secs > U256::from(u32::MAX) {
            return fail(InvalidDayLength::SELECTOR, &[day_secs]);
        }
        self.set_header(H_INITIALIZER, address_word(initializer));
        self.set_header(H_TOKEN, day_secs << 160);
        Ok(())
    }

    /// Carries out an executable proposal's actions in order, each with its value and data.
    /// Anyone; the ETH sent must be the actions' total value. The proposal is marked executed
    /// (and the mark written out) before the first call: an action that calls `execute` again
    /// finds it `EXECUTED`.
    ///
    /// # Errors
    /// `ProposalNotFound`; `InvalidProposalStatus` (not `EXECUTABLE`); `MathOverflow` (values
    /// beyond 256 bits); `ValueMismatch`; `ActionFailed` with the index and revert data of the
    /// first action that reverts.
    ///
    /// # Events
    /// [`ProposalExecuted`] (after the actions' own).
    pub fn execute(&mut self, proposal_id: U256) -> GovernanceResult<()> {
        let summary = self.summary(proposal_id)?;
        self.require_status(proposal_id, &summary, status::EXECUTABLE)?;
        let actions: Vec<_> = (0..summary.action_count())
            .map(|index| self.load_action(summary.id, index))
            .collect();
        let mut needed = U256::ZERO;
        for (_, value, _) in &actions {
            needed = needed.checked_add(*value).ok_or(()).or_else(overflow)?;
        }
        let sent = self.vm().msg_value();
        if sent != needed {
            return fail(ValueMismatch::SELECTOR, &[sent, needed]);
        }
        let header = summary.header | (U256::from(1u8) << EXECUTED_SHIFT);
        self.write(slot(K_PROPOSAL, summary.id, U256::from(P_HEADER)), header);
        for (position, (target, value, data)) in actions.iter().enumerate() {
            if let Err(revert_data) = self.call_out(*target, *value, data, 0) {
                let mut error = ActionFailed::SELECTOR.to_vec();
                error.extend(encode_with_text(&[U256::from(position)], &revert_data.0));
                return Err(GovernanceError(error));
            }
        }
        let executor = self.vm().msg_sender();
        self.emit(
            ProposalExecuted::SIGNATURE_HASH,
            &[proposal_id, address_word(executor)],
            &[],
        );
        Ok(())
    }

    /// Proposes `actions` described at `description_uri` (its bytes); returns the proposal's
    /// id (from 1). Members with at least 100 NXM of ordinary weight (`locked + 1 NXM`, at most
    /// 5 % of the supply); 1 to [`MAX_ACTIONS`] actions, each target a protocol contract.
    /// Snapshots the NXM supply and classifies the proposal (special: an action targets
    /// membership or governance, or calls one of the [`SPECIAL_SELECTORS`]); voting starts now.
    ///
    /// # Errors
    /// `NotMember`; `NoActions`; `TooManyActions`; `TargetNotAllowed` (the first such action);
    /// `ForbiddenAction` (an action moving governance's NXM on the token);
    /// `ProposalThresholdNotMet`; `MathOverflow` (a time beyond 64 bits); the token's revert,
    /// passed on.
    ///
    /// # Events
    /// [`ProposalCreated`].
    pub fn propose_actions(
        &mut self,
        actions: &[ActionRef<'_>],
        description_uri: &[u8],
    ) -> GovernanceResult<U256> {
        let proposer = self.vm().msg_sender();
        self.only_member(proposer)?;
        let count = actions.len();
        if count == 0 {
            return fail(NoActions::SELECTOR, &[]);
        }
        if count > MAX_ACTIONS {
            return fail(
                TooManyActions::SELECTOR,
                &[U256::from(count), U256::from(MAX_ACTIONS)],
            );
        }
        let (this, membership, token) = (
            self.vm().contract_address(),
            self.membership(),
            self.token(),
        );
        let mut special = false;
        for (index, &(target, _, data)) in actions.iter().enumerate() {
            if !self.is_protocol_contract(target) {
                return fail(
                    TargetNotAllowed::SELECTOR,
                    &[U256::from(index), address_word(target)],
                );
            }
            if target == token && moves_nxm(data) {
                return fail(
                    ForbiddenAction::SELECTOR,
                    &[U256::from(index), address_word(target)],
                );
            }
            special |= target == membership || target == this || is_special_selector(data);
        }
        let answer = self.view_call(token, &INxmToken::totalSupplyCall::SELECTOR, 0)?;
        let supply_nxm = word_at(&answer, 0);
        let (locked, until) = self.lock_of(proposer);
        let weight =
            vote_weight_nxm(locked, supply_nxm, ProposalKind::Ordinary).or_else(overflow)?;
        if !can_propose(weight) {
            return fail(
                ProposalThresholdNotMet::SELECTOR,
                &[weight, PROPOSAL_THRESHOLD_NXM],
            );
        }
        let now = self.now();
        let end_secs = voting_end_secs(now, self.day()).or_else(overflow)?;
        executable_at_secs(end_secs, self.day()).or_else(overflow)?;

        // The weight that proposed stays locked until voting ends (no lock, propose, unlock,
        // repeat with the same NXM).
        self.set_lock(proposer, locked, until.max(end_secs))?;
        let id = self.count() + 1;
        let membership_word = self.header(H_MEMBERSHIP);
        self.set_header(H_MEMBERSHIP, membership_word + (U256::from(1u8) << 160));
        let header = address_word(proposer)
            | (U256::from(now) << START_SHIFT)
            | (U256::from(u8::from(special)) << SPECIAL_SHIFT)
            | (U256::from(count) << COUNT_SHIFT);
        self.write(slot(K_PROPOSAL, id, U256::from(P_HEADER)), header);
        self.write(slot(K_PROPOSAL, id, U256::from(P_SUPPLY)), supply_nxm);
        for (index, &(target, value, data)) in (1u64..).zip(actions) {
            self.store_bytes(id, index, &[address_word(target), value], data);
        }
        self.store_bytes(id, 0, &[], description_uri);
        let data = encode_with_text(
            &[
                U256::from(count),
                U256::from(u8::from(special)),
                U256::from(end_secs),
            ],
            description_uri,
        );
        let id = U256::from(id);
        self.log(
            ProposalCreated::SIGNATURE_HASH,
            &[id, address_word(proposer)],
            &data,
        );
        Ok(id)
    }

    /// `(actionCount, description URI bytes)` of `proposal_id`.
    ///
    /// # Errors
    /// `ProposalNotFound`.
    pub fn details(&self, proposal_id: U256) -> GovernanceResult<(U256, Vec<u8>)> {
        let summary = self.summary(proposal_id)?;
        Ok((
            U256::from(summary.action_count()),
            self.load_bytes(summary.id, 0, 0),
        ))
    }

    /// Action `index` of `proposal_id`: `(target, valueEth, data)`.
    ///
    /// # Errors
    /// `ProposalNotFound`; `ActionNotFound`.
    pub fn action_at(
        &self,
        proposal_id: U256,
        index: U256,
    ) -> GovernanceResult<(Address, U256, Vec<u8>)> {
        let summary = self.summary(proposal_id)?;
        if index >= U256::from(summary.action_count()) {
            return fail(ActionNotFound::SELECTOR, &[proposal_id, index]);
        }
        Ok(self.load_action(summary.id, index.to()))
    }

    /// The block time.
    fn now(&self) -> u64 {
        self.vm().block_timestamp()
    }

    /// The word at `key`.
    #[inline(never)]
    fn read(&self, key: U256) -> U256 {
        self.words.get(key)
    }

    /// Writes `value` at `key`.
    #[inline(never)]
    fn write(&mut self, key: U256, value: U256) {
        self.words.setter(key).set(value);
    }

    /// Header word `index`.
    fn header(&self, index: u64) -> U256 {
        self.read(slot(K_HEADER, 0, U256::from(index)))
    }

    /// Writes header word `index`.
    fn set_header(&mut self, index: u64, value: U256) {
        self.write(slot(K_HEADER, 0, U256::from(index)), value);
    }

    /// The NXM token.
    fn token(&self) -> Address {
        address_in(self.header(H_TOKEN))
    }

    /// The day length in seconds (below 2^32).
    fn day(&self) -> u64 {
        bits(self.header(H_TOKEN), 160, 64)
    }

    /// The membership contract.
    fn membership(&self) -> Address {
        address_in(self.header(H_MEMBERSHIP))
    }

    /// The number of proposals.
    fn count(&self) -> u64 {
        bits(self.header(H_MEMBERSHIP), 160, 64)
    }

    /// Reverts with `NotMember` unless the token says `account` is a member.
    fn only_member(&self, account: Address) -> GovernanceResult<()> {
        let answer = self.view_call(
            self.token(),
            &encode(&INxmToken::isMemberCall::SELECTOR, &[address_word(account)]),
            0,
        )?;
        if word_at(&answer, 0).is_zero() {
            return fail(NotMember::SELECTOR, &[address_word(account)]);
        }
        Ok(())
    }

    /// `(lockedNxm, lockedUntilSecs)` of `member`.
    fn lock_of(&self, member: Address) -> (U256, u64) {
        let word = self.read(slot(K_LOCK, 0, address_word(member)));
        let locked = word & U256::from_limbs([u64::MAX, u64::MAX, u64::MAX, 0]);
        (locked, bits(word, LOCK_UNTIL_SHIFT, 64))
    }

    /// Stores `member`'s lock.
    ///
    /// # Errors
    /// `MathOverflow` for `locked_nxm ≥ 2^192`.
    fn set_lock(&mut self, member: Address, locked_nxm: U256, until: u64) -> GovernanceResult<()> {
        if locked_nxm.bit_len() > LOCK_UNTIL_SHIFT {
            return fail(MathOverflow::SELECTOR, &[]);
        }
        let word = (U256::from(until) << LOCK_UNTIL_SHIFT) | locked_nxm;
        self.write(slot(K_LOCK, 0, address_word(member)), word);
        Ok(())
    }

    /// The fixed words of proposal `proposal_id`.
    ///
    /// # Errors
    /// `ProposalNotFound` (an id of 0 or above the count).
    fn summary(&self, proposal_id: U256) -> GovernanceResult<Summary> {
        if proposal_id.is_zero() || proposal_id > U256::from(self.count()) {
            return fail(ProposalNotFound::SELECTOR, &[proposal_id]);
        }
        let id = proposal_id.to::<u64>();
        let field = |field: u64| self.read(slot(K_PROPOSAL, id, U256::from(field)));
        let header = field(P_HEADER);
        let start_secs = bits(header, START_SHIFT, 64);
        Ok(Summary {
            id,
            header,
            start_secs,
            // `propose` checked that both ends fit.
            end_secs: voting_end_secs(start_secs, self.day()).unwrap_or(u64::MAX),
            for_nxm: field(P_FOR),
            against_nxm: field(P_AGAINST),
            supply_nxm: field(P_SUPPLY),
        })
    }

    /// The status of a proposal now (see the crate docs). Tallies outside the math's domain
    /// (unreachable: every weight is below 2^192 + 1 NXM) count as not accepted.
    fn status_of(&self, s: &Summary) -> u8 {
        let now = self.now();
        if s.executed() {
            return status::EXECUTED;
        }
        if now < s.end_secs {
            return status::VOTING;
        }
        if !proposal_accepted(s.kind(), s.for_nxm, s.against_nxm, s.supply_nxm).unwrap_or(false) {
            return status::DEFEATED;
        }
        if s.vetoes() >= VETOES_TO_STOP {
            return status::VETOED;
        }
        if now < executable_at_secs(s.end_secs, self.day()).unwrap_or(u64::MAX) {
            return status::TIMELOCKED;
        }
        status::EXECUTABLE
    }

    /// Reverts with `InvalidProposalStatus` unless the proposal's status is `expected`.
    fn require_status(
        &self,
        proposal_id: U256,
        summary: &Summary,
        expected: u8,
    ) -> GovernanceResult<()> {
        let current = self.status_of(summary);
        if current != expected {
            return fail(
                InvalidProposalStatus::SELECTOR,
                &[proposal_id, U256::from(current)],
            );
        }
        Ok(())
    }

    /// Stores `head`, then the byte length of `bytes` and their words (the last zero-padded),
    /// as part `part` of proposal `id`.
    fn store_bytes(&mut self, id: u64, part: u64, head: &[U256], bytes: &[u8]) {
        let base = U256::from(part) << 64;
        let words =
            head.iter()
                .copied()
                .chain([U256::from(bytes.len())])
                .chain(bytes.chunks(32).map(|chunk| {
                    let mut word = [0u8; 32];
                    word[..chunk.len()].copy_from_slice(chunk);
                    U256::from_be_bytes(word)
                }));
        for (index, word) in (0u64..).zip(words) {
            self.write(slot(K_BYTES, id, base | U256::from(index)), word);
        }
    }

    /// The bytes [`Governance::store_bytes`] stored after `head` words of part `part`.
    fn load_bytes(&self, id: u64, part: u64, head: u64) -> Vec<u8> {
        let base = U256::from(part) << 64;
        let word = |index: u64| self.read(slot(K_BYTES, id, base | U256::from(index)));
        let len = word(head).to::<usize>();
        let mut bytes = Vec::with_capacity(len.next_multiple_of(32));
        for index in 0..len.div_ceil(32) as u64 {
            bytes.extend_from_slice(&word(head + 1 + index).to_be_bytes::<32>());
        }
        bytes.truncate(len);
        bytes
    }

    /// Action `index` of proposal `id`, as stored: `(target, valueEth, data)`.
    fn load_action(&self, id: u64, index: u64) -> (Address, U256, Vec<u8>) {
        let base = U256::from(index + 1) << 64;
        let word = |at: u64| self.read(slot(K_BYTES, id, base | U256::from(at)));
        (
            address_in(word(0)),
            word(1),
            self.load_bytes(id, index + 1, 2),
        )
    }

    /// Reverts unless every account is non-zero (`ZeroAddress`) and holds code
    /// (`NotAContract`).
    fn check_contracts(&self, accounts: &[Address]) -> GovernanceResult<()> {
        for &account in accounts {
            if account.is_zero() {
                return fail(ZeroAddress::SELECTOR, &[]);
            }
            if self.vm().code_size(account) == 0 {
                return fail(NotAContract::SELECTOR, &[address_word(account)]);
            }
        }
        Ok(())
    }

    /// Replaces the protocol contracts with governance itself and `accounts` (each checked,
    /// repeats kept once).
    ///
    /// # Events
    /// [`ProtocolContractsSet`] with the list's length, then a [`ProtocolContractAt`] per entry as
    /// stored.
    fn replace_protocol_contracts(&mut self, accounts: &[Address]) -> GovernanceResult<()> {
        self.check_contracts(accounts)?;
        for index in 0..self.header(H_LIST_LENGTH).to::<u64>() {
            let item = slot(K_LIST, 0, U256::from(index));
            let old = self.read(item);
            self.write(slot(K_PROTOCOL, 0, old), U256::ZERO);
            self.write(item, U256::ZERO);
        }
        let this = self.vm().contract_address();
        let mut stored = Vec::with_capacity(1 + accounts.len());
        for &account in core::iter::once(&this).chain(accounts) {
            let member = slot(K_PROTOCOL, 0, address_word(account));
            if self.read(member).is_zero() {
                self.write(member, U256::from(1u8));
                let index = U256::from(stored.len());
                self.write(slot(K_LIST, 0, index), address_word(account));
                stored.push(address_word(account));
            }
        }
        let length = U256::from(stored.len());
        self.set_header(H_LIST_LENGTH, length);
        self.emit(ProtocolContractsSet::SIGNATURE_HASH, &[], &[length]);
        for (index, account) in stored.into_iter().enumerate() {
            self.emit(
                ProtocolContractAt::SIGNATURE_HASH,
                &[U256::from(index), account],
                &[],
            );
        }
        Ok(())
    }

    /// Logs `signature` with the indexed `indexed` and the static data `words`.
    fn emit(&self, signature: B256, indexed: &[U256], words: &[U256]) {
        self.log(signature, indexed, &encode(&[], words));
    }

    /// Logs `signature` with the indexed `indexed` and the encoded `data`.
    #[inline(never)]
    fn log(&self, signature: B256, indexed: &[U256], data: &[u8]) {
        // raw_log fails only for more than four topics, which no event here has.
        let _ = self.vm().raw_log(&topics(signature, indexed), data);
    }
}

#[cfg(not(feature = "export-abi"))]
mod router;

#[cfg(test)]
mod tests;
