//! Claims (protocol-reference §7a): V2's individual claims. A member who owns a cover NFT (or is
//! approved for it) files a claim on the cover with an ETH deposit; the assessment contract
//! polls the assessors; an accepted claim is redeemed by anyone within its redemption window,
//! and the payout and the deposit go to the cover's owner at that time.
//!
//! ABI: [`mutual_interfaces::claims`] (interface `IClaims`, events, errors, [`status`]). The
//! assessment contract ([`mutual_interfaces::assessment`]) runs the polls; this contract only
//! opens them (`startAssessment`) and reads their outcome (`outcome`). The rules' arithmetic is
//! `mutual_math::assessment`'s.
//!
//! # Submitting
//! [`Claims::submit_claim`] checks, in order: a non-zero amount; the caller's membership (NXM
//! token: `isMember`); that the caller owns the cover NFT or is approved for it (cover NFT:
//! `isApprovedOrOwner`, which reverts `NonexistentToken` for an id without cover); the cover's
//! record, read from the cover contract's raw view `records` and decoded with `cover_records`
//! (as the cover viewer does): `amount ≤` the amount left after earlier payouts, `start < now`
//! (never in the purchase block), `now < start + period + grace`; that the latest claim on the
//! cover's chain of edits (the record's `LINKS`: an edit mints a new cover id, and the original
//! and every cover that replaced it share one live claim, so an edit cannot open a second claim
//! beside the first) is final (denied, redeemed, or its redemption window passed); and that the
//! caller has fewer
//! than [`MAX_OPEN_CLAIMS`] claims that are not final. Then, at the RAMM's internal price brought
//! to now (`getInternalPriceAndUpdateTwap`, wei of ETH per NXM):
//! * expected payout `= amount · 1e18 / price` for ETH cover, the amount itself for NXM cover
//!   (`expected_payout_nxm`);
//! * reward `= min(50 NXM, 1.3 % · payout · period / year)`, the year 365 days of the deployment's
//!   day (`assessment_reward_nxm`);
//! * deposit `= max(0.05 ETH, ⌈reward · price / 1e18⌉)` (`claim_deposit_eth`).
//!
//! An expired cover, and one replaced by an edit (its period cut to end at the edit), stays
//! claimable until its own grace period ends, with its reward over its (cut) period, as V2 lets
//! a claim name an earlier segment of an edited cover. The product type needs no check: the
//! catalogue has only V2's individual-claims method.
//!
//! The ETH sent must cover the deposit; the assessment is opened (`startAssessment(reward,
//! deposit)`, which returns its id), the claim is stored and logged, and only then does ETH move:
//! the deposit to the capital pool (its plain `receive`), the excess back to the caller.
//!
//! # Status
//! [`Claims::claim_status`] reads the poll's `(accepted, end)` from the assessment contract and
//! places `now` in the windows (`cooldown_end_secs`, `payout_redeemable`): `VOTING` before the
//! end (the end moves with the votes), `COOLDOWN` for one day after it, then `DENIED` (ties and
//! polls without votes deny), `REDEEMED`, `ACCEPTED` (redeemable, for 30 days) or `EXPIRED`.
//! Denied, redeemed and expired claims are *final*.
//!
//! # Redeeming
//! [`Claims::redeem_claim_payout`] (anyone) pays an `ACCEPTED` claim: the claim is marked
//! redeemed first; the RAMM is brought to now (`getInternalPriceAndUpdateTwap`, V2's
//! `updateTwap` step: its TWAP is integrated on the capital and supply before the burn and the
//! payout move them), then the cover contract burns the pools' stake and shrinks the cover by
//! the amount (`ICover.burnStake`), and the cover's current owner (`ownerOf`) is paid: ETH cover by
//! one `payClaim(owner, amount + deposit)` of the capital pool; NXM cover by the token's
//! `mint(owner, amount)` (this contract is a token operator) and `payClaim(owner, deposit)`. A
//! denied claim's deposit stays in the capital pool.
//!
//! What `burnStake` checks and what follows from it: it accepts only this contract (the cover
//! contract's `claims` address), refuses a payout above the cover's remaining amount
//! (`PayoutExceedsCover`: unreachable while only this contract burns, as a claim is at most
//! what is left at its submission and no other claim on the cover is redeemed meanwhile) and does **not** refuse an ended or expired cover: a claim filed in the grace
//! period, or redeemed after the cover ended, burns the pools' stake like any other (a pool burns
//! at most all but 1 wei of its stake, so a burn never blocks a payout) but frees no capacity
//! (the cover has ended), and active cover shrinks only while the cover is not expired. A paused
//! protocol (the token's pause) makes the pools' burn and the NXM mint revert: redemption waits
//! for the unpause while the window runs. NXM payouts need an owner who is a member (the token
//! mints to members only); an ETH payout needs an owner that accepts ETH.
//!
//! # Open claims per member
//! Each member's claims that may not be final are kept in one word of at most
//! [`MAX_OPEN_CLAIMS`] ids, pruned of final claims at each of its submissions, so that
//! [`Claims::has_member_state`] (membership asks it before a member leaves or switches) reads at
//! most eight polls: it is true while one of them is not final.
//!
//! # Storage
//! Seven header words (governance; each trusted address, with the claim count beside the NXM
//! token and the day length beside the assessment contract) and one map of records keyed by
//! `kind << 192 | id`:
//! * [`CLAIM`] (id: the claim id) — `claimant (160) | submitted (40) | assessment id (40) |
//!   asset (8) | redeemed (8)`: the word the status reads;
//! * [`CLAIM_TERMS`] (id: the claim id) — `amount (96) | deposit (96) | cover id (64)`;
//! * [`LATEST`] (id: the original cover's id) — the latest claim filed on a cover of the chain
//!   of edits that starts at it (an edit mints a new cover id; the chain shares one live claim);
//! * [`OPEN`] (id: the member's address) — eight 32-bit claim ids, from the low bits up.
//!
//! A claim is two fresh words, a submission writes four (the claim, the cover's latest claim,
//! the member's open list) and updates the count. Claim ids are 32 bits, assessment ids and
//! times 40, amounts and deposits 96 (the cover contract's own bound on amounts; a deposit is at
//! most the ETH sent): a value beyond its field is refused with `MathOverflow`.
//!
//! # Roles
//! Members file claims; anyone redeems an accepted claim; governance sets the trusted contracts
//! and hands its role on. Deployment makes this contract the cover contract's `claims`, the
//! capital pool's `claims`, the assessment contract's `claims` and an operator of the NXM token.
//!
//! # Size
//! Cross-contract calls go through one routine each (`call_out` / `view_call`) with calldata
//! built from the interfaces' selectors by `abi_words`, events through one routine (`emit`) and
//! reverts through `fail`, instead of the SDK's typed encoders per call, event and error; the
//! tests compare every call, event and revert with the `sol!` types' own encodings. The twelve
//! entrypoints keep the SDK's typed router (so the export needs nothing of its own): ~17,900
//! deployed bytes of the 20,480 budget. Should the contract grow, a hand router as the cover
//! contract's (`#[fallback]` with bounds-checked decoding) is the next lever.
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
use cover_records::{address_of, bits, pack, CoverRecord, ASSET_NXM, MAX_PERIOD_DAYS};
use mutual_interfaces::{
    assessment::abi::IAssessment,
    capital_pool::abi::ICapitalPool,
    claims::{
        status, AssessmentDepositInsufficient, CantBuyCoverAndClaimInTheSameBlock,
        ClaimAlreadyOpen, ClaimNotFound, ClaimNotRedeemable, ClaimPayoutRedeemed, ClaimSubmitted,
        ContractsSet, CoveredAmountExceeded, EthTransferFailed, GovernanceChanged,
        GracePeriodPassed, InvalidDayLength, MathOverflow, NotAContract, NotMember,
        OnlyOwnerOrApproved, TooManyOpenClaims, Unauthorized, ZeroAddress, ZeroClaimAmount,
    },
    cover::abi::ICover,
    nxm_token::abi::INxmToken,
    position_nft::abi::IPositionNft,
    ramm::abi::IRamm,
};
use mutual_math::{assessment as rules, MathError};
use stylus_sdk::{
    call::transfer::transfer_eth,
    prelude::*,
    storage::{StorageArray, StorageMap, StorageU256},
};

/// The most claims one member may have that are not final.
pub const MAX_OPEN_CLAIMS: usize = 8;

/// Header word: the governance role.
pub const GOVERNANCE: usize = 0;
/// Header word: the NXM token, with the claim count (bits 160–191).
pub const NXM_TOKEN: usize = 1;
/// Header word: the RAMM.
pub const RAMM: usize = 2;
/// Header word: the capital pool.
pub const CAPITAL_POOL: usize = 3;
/// Header word: the cover contract.
pub const COVER: usize = 4;
/// Header word: the cover NFT.
pub const COVER_NFT: usize = 5;
/// Header word: the assessment contract, with the day length (bits 160–191).
pub const ASSESSMENT: usize = 6;
/// The number of header words.
pub const HEADER_WORDS: usize = 7;

/// Record kind: a claim's status word (claimant, submission time, assessment id, asset,
/// redeemed).
pub const CLAIM: u8 = 1;
/// Record kind: a claim's terms (amount, deposit, cover id).
pub const CLAIM_TERMS: u8 = 2;
/// Record kind: the latest claim on a chain of edits (id: the original cover's id).
pub const LATEST: u8 = 3;
/// Record kind: a member's claims that may not be final (id: its address).
pub const OPEN: u8 = 4;

/// Claim ids are 32 bits (eight fit in a member's open list).
const CLAIM_ID_BITS: usize = 32;

/// The low 160 bits of a header word: its address.
const ADDRESS_MASK: U256 = U256::from_limbs([u64::MAX, u64::MAX, u32::MAX as u64, 0]);

abi_words::revert_data! {
    /// The revert data of a failed entrypoint: one of the module's `sol!` errors (encoded by
    /// `fail`: its selector, then its static arguments as words), or a callee's revert data passed
    /// on. The errors it reverts with are listed for export-abi below.
    pub struct ClaimsError;
    errors: [
        Unauthorized,
        ZeroAddress,
        NotAContract,
        NotMember,
        MathOverflow,
        EthTransferFailed,
        InvalidDayLength,
        ZeroClaimAmount,
        OnlyOwnerOrApproved,
        CoveredAmountExceeded,
        CantBuyCoverAndClaimInTheSameBlock,
        GracePeriodPassed,
        ClaimAlreadyOpen,
        TooManyOpenClaims,
        AssessmentDepositInsufficient,
        ClaimNotFound,
        ClaimNotRedeemable,
    ]
}

/// Shorthand for entrypoint results.
type ClaimsResult<T> = Result<T, ClaimsError>;

/// Fails with the error whose selector is `selector` and whose arguments are `args` (every
/// error here has static arguments only: uints and addresses, one word each).
#[inline(never)]
fn fail<T>(selector: [u8; 4], args: &[&U256]) -> ClaimsResult<T> {
    Err(ClaimsError(encode(&selector, args)))
}

/// A math failure (outside the supported domain) as [`MathOverflow`].
fn overflow<T>(_: MathError) -> ClaimsResult<T> {
    fail(MathOverflow::SELECTOR, &[])
}

/// A packed word, or [`MathOverflow`] for a value wider than its field.
#[inline(never)]
fn fits(word: Option<U256>) -> ClaimsResult<U256> {
    match word {
        Some(word) => Ok(word),
        None => fail(MathOverflow::SELECTOR, &[]),
    }
}

/// The key of record `id` of `kind` in the map: `kind << 192 | id` (every id is below 2^192).
pub fn key(kind: u8, id: U256) -> U256 {
    (U256::from(kind) << 192) | id
}

/// Whether a claim of status `status` is final: denied, redeemed, or past its redemption window.
pub fn is_final(claim_status: u8) -> bool {
    matches!(
        claim_status,
        status::DENIED | status::REDEEMED | status::EXPIRED
    )
}

/// `(depositEth, totalRewardNxm)` of a claim of `amount` on a cover in `asset` of `period_secs`,
/// at `price` wei of ETH per NXM and a day of `day_secs`: the expected payout in NXM (the amount
/// itself for NXM cover), its reward over the period (a year being 365 days), and the deposit
/// covering the reward's value, at least 0.05 ETH (`mutual_math::assessment`).
///
/// # Errors
/// [`MathError::DivisionByZero`] for a zero price on ETH cover; [`MathError::Overflow`].
pub fn deposit_and_reward(
    asset: u8,
    period_secs: u64,
    amount: U256,
    price: U256,
    day_secs: u64,
) -> Result<(U256, U256), MathError> {
    let payout_nxm = if asset == ASSET_NXM {
        amount
    } else {
        rules::expected_payout_nxm(amount, price)?
    };
    // The constructor bounds the day: 365 of them fit in 32 bits.
    let reward_nxm = rules::assessment_reward_nxm(payout_nxm, period_secs, 365 * day_secs)?;
    Ok((rules::claim_deposit_eth(reward_nxm, price)?, reward_nxm))
}

/// A claim, as stored in its two words ([`CLAIM`], [`CLAIM_TERMS`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClaimRecord {
    /// Who filed it; zero: no such claim.
    pub claimant: Address,
    /// When it was filed.
    pub submitted_secs: u64,
    /// Its assessment in the assessment contract.
    pub assessment_id: U256,
    /// The cover's asset (`cover_records::ASSET_ETH` or `ASSET_NXM`).
    pub asset: u8,
    /// Paid.
    pub redeemed: bool,
    /// The amount claimed, in the cover's asset.
    pub amount: U256,
    /// The deposit, in ETH.
    pub deposit_eth: U256,
    /// The cover.
    pub cover_id: U256,
}

impl ClaimRecord {
    /// The claim in its status word `head` and its terms word `terms`.
    pub fn decode(head: U256, terms: U256) -> Self {
        Self {
            claimant: address_of(head),
            submitted_secs: bits(head, 160, 40).to(),
            assessment_id: bits(head, 200, 40),
            asset: bits(head, 240, 8).to(),
            redeemed: !bits(head, 248, 8).is_zero(),
            amount: bits(terms, 0, 96),
            deposit_eth: bits(terms, 96, 96),
            cover_id: terms >> 192usize,
        }
    }

    /// Its status word; `None` for a value wider than its field.
    pub fn head(&self) -> Option<U256> {
        pack(&[
            (&address_word(self.claimant), 160),
            (&U256::from(self.submitted_secs), 40),
            (&self.assessment_id, 40),
            (&U256::from(self.asset), 8),
            (&U256::from(u8::from(self.redeemed)), 8),
        ])
    }

    /// Its terms word; `None` for a value wider than its field.
    pub fn terms(&self) -> Option<U256> {
        pack(&[
            (&self.amount, 96),
            (&self.deposit_eth, 96),
            (&self.cover_id, 64),
        ])
    }
}

/// The claims contract's storage: packed words (see the crate's `# Storage`).
#[storage]
#[entrypoint]
pub struct Claims {
    /// The trusted addresses and what is read with them, by [`GOVERNANCE`] … [`ASSESSMENT`].
    header: StorageArray<StorageU256, HEADER_WORDS>,
    /// Claims, each cover's latest claim and each member's open claims, by [`key`].
    records: StorageMap<U256, StorageU256>,
}

abi_words::raw_calls!(Claims, ClaimsError);

#[public]
impl Claims {
    /// Sets the governance role and the day length (the cooldown is 1 day, the redemption
    /// window 30 days, the reward's year 365 days of it).
    ///
    /// # Errors
    /// `InvalidDayLength` for a zero day or one whose 365 days overflow 32 bits (the cover
    /// contract's bound); `ZeroAddress` for a zero governance address.
    ///
    /// # Events
    /// [`GovernanceChanged`] (from zero).
    #[constructor]
    pub fn constructor(&mut self, governance: Address, day_secs: U256) -> ClaimsResult<()> {
        if day_secs.is_zero() || day_secs > U256::from(u32::MAX as u64 / MAX_PERIOD_DAYS) {
            return fail(InvalidDayLength::SELECTOR, &[&day_secs]);
        }
        self.set_governance_unchecked(governance)?;
        self.set_word(ASSESSMENT, day_secs << 160);
        Ok(())
    }

    /// Files a claim of `amount` (in the cover's asset) on cover `cover_id` with the proof at
    /// `proof_uri`; returns the claim's id (from 1). Members who own the cover NFT or are
    /// approved for it; payable: the deposit (see the crate's `# Submitting`), the excess
    /// refunded.
    ///
    /// # Errors
    /// `ZeroClaimAmount`; `NotMember`; `OnlyOwnerOrApproved` (the NFT's `NonexistentToken` for
    /// an id without cover, passed on); `CoveredAmountExceeded` (amount, amount left);
    /// `CantBuyCoverAndClaimInTheSameBlock` (start) while `now ≤ start`; `GracePeriodPassed`
    /// (end of period and grace) once `now ≥` it; `ClaimAlreadyOpen` (cover, its chain's latest claim)
    /// unless that claim is final; `TooManyOpenClaims` (caller, 8); the RAMM's and the
    /// assessment contract's reverts, passed on; `AssessmentDepositInsufficient` (value,
    /// deposit); `EthTransferFailed` (the capital pool, or the caller's refund); `MathOverflow`.
    ///
    /// # Events
    /// [`ClaimSubmitted`].
    #[payable]
    pub fn submit_claim(
        &mut self,
        cover_id: U256,
        amount: U256,
        proof_uri: String,
    ) -> ClaimsResult<U256> {
        let (caller, value, now) = (self.vm().msg_sender(), self.vm().msg_value(), self.now());
        if amount.is_zero() {
            return fail(ZeroClaimAmount::SELECTOR, &[]);
        }
        let member = self.view_call(
            self.address(NXM_TOKEN),
            &encode(&INxmToken::isMemberCall::SELECTOR, &[&address_word(caller)]),
            1,
        )?;
        if word_at(&member, 0).is_zero() {
            return fail(NotMember::SELECTOR, &[&address_word(caller)]);
        }
        let approved = self.view_call(
            self.address(COVER_NFT),
            &encode(
                &IPositionNft::isApprovedOrOwnerCall::SELECTOR,
                &[&address_word(caller), &cover_id],
            ),
            1,
        )?;
        if word_at(&approved, 0).is_zero() {
            return fail(
                OnlyOwnerOrApproved::SELECTOR,
                &[&address_word(caller), &cover_id],
            );
        }
        let (cover, chain_id) = self.load_cover(cover_id)?;
        if amount > cover.amount {
            return fail(CoveredAmountExceeded::SELECTOR, &[&amount, &cover.amount]);
        }
        if now <= cover.start {
            return fail(
                CantBuyCoverAndClaimInTheSameBlock::SELECTOR,
                &[&U256::from(cover.start)],
            );
        }
        // start < 2^40, period and grace < 2^32: no overflow.
        let end = cover.end() + cover.grace.to::<u64>();
        if now >= end {
            return fail(GracePeriodPassed::SELECTOR, &[&U256::from(end)]);
        }
        // One live claim per chain of edits: a cover and the covers that replaced it.
        let latest = self.record(LATEST, chain_id);
        if !latest.is_zero() && !is_final(self.status_of(self.record(CLAIM, latest))?) {
            return fail(ClaimAlreadyOpen::SELECTOR, &[&cover_id, &latest]);
        }
        let (open, count) = self.open_claims(caller)?;
        if count >= MAX_OPEN_CLAIMS {
            return fail(
                TooManyOpenClaims::SELECTOR,
                &[&address_word(caller), &U256::from(count)],
            );
        }
        let count_word = self.word(NXM_TOKEN);
        let claim_id = bits(count_word, 160, CLAIM_ID_BITS) + U256::from(1u8);
        if claim_id.bit_len() > CLAIM_ID_BITS {
            return fail(MathOverflow::SELECTOR, &[]);
        }

        let price = self.update_twap()?;
        let (deposit, reward) =
            deposit_and_reward(cover.asset, cover.period, amount, price, self.day_secs())
                .or_else(overflow)?;
        if value < deposit {
            return fail(AssessmentDepositInsufficient::SELECTOR, &[&value, &deposit]);
        }
        let started = self.call_out(
            self.address(ASSESSMENT),
            U256::ZERO,
            &encode(
                &IAssessment::startAssessmentCall::SELECTOR,
                &[&reward, &deposit],
            ),
            1,
        )?;
        let assessment_id = word_at(&started, 0);

        // Effects: the claim, the cover's latest claim, the caller's open claims, the count.
        let claim = ClaimRecord {
            claimant: caller,
            submitted_secs: now,
            assessment_id,
            asset: cover.asset,
            redeemed: false,
            amount,
            deposit_eth: deposit,
            cover_id,
        };
        self.set_record(CLAIM, claim_id, fits(claim.head())?);
        self.set_record(CLAIM_TERMS, claim_id, fits(claim.terms())?);
        self.set_record(LATEST, chain_id, claim_id);
        self.set_record(
            OPEN,
            address_word(caller),
            open | (claim_id << (CLAIM_ID_BITS * count)),
        );
        self.set_word(
            NXM_TOKEN,
            (count_word & ADDRESS_MASK) | (claim_id << 160usize),
        );
        self.emit(
            ClaimSubmitted::SIGNATURE_HASH,
            &[&claim_id, &cover_id, &address_word(caller)],
            &[&amount, &assessment_id, &deposit],
            Some(proof_uri.as_bytes()),
        );

        // Interactions: the deposit to the pool, the excess back, ETH last.
        self.send_eth(self.address(CAPITAL_POOL), deposit)?;
        self.send_eth(caller, value - deposit)?;
        Ok(claim_id)
    }

    /// Pays accepted claim `claim_id` to the cover's current owner (see the crate's
    /// `# Redeeming`). Anyone.
    ///
    /// # Errors
    /// `ClaimNotFound`; `ClaimNotRedeemable` (claim, status) unless the status is `ACCEPTED`;
    /// the RAMM's, the cover contract's (`PayoutExceedsCover`, …), the NFT's, the token's (`NotMember` for
    /// an NXM payout to a non-member, `Paused`) and the capital pool's (`InsufficientPoolEth`,
    /// `EthTransferFailed`) reverts, passed on; the assessment contract's revert.
    ///
    /// # Events
    /// [`ClaimPayoutRedeemed`].
    pub fn redeem_claim_payout(&mut self, claim_id: U256) -> ClaimsResult<()> {
        let (head, mut claim) = self.existing(claim_id)?;
        let claim_status = self.status_of(head)?;
        if claim_status != status::ACCEPTED {
            return fail(
                ClaimNotRedeemable::SELECTOR,
                &[&claim_id, &U256::from(claim_status)],
            );
        }
        claim.redeemed = true;
        self.set_record(CLAIM, claim_id, fits(claim.head())?);

        // The RAMM's TWAP first, on the capital and supply before the burn and the payout.
        self.update_twap()?;
        self.call_out(
            self.address(COVER),
            U256::ZERO,
            &encode(
                &ICover::burnStakeCall::SELECTOR,
                &[&claim.cover_id, &claim.amount],
            ),
            0,
        )?;
        let owner = self.view_call(
            self.address(COVER_NFT),
            &encode(&IPositionNft::ownerOfCall::SELECTOR, &[&claim.cover_id]),
            1,
        )?;
        // The answer's address, without whatever its upper bits hold.
        let owner = address_word(address_of(word_at(&owner, 0)));
        self.emit(
            ClaimPayoutRedeemed::SIGNATURE_HASH,
            &[&claim_id, &owner],
            &[&claim.amount, &claim.deposit_eth],
            None,
        );
        let pool = self.address(CAPITAL_POOL);
        let eth = if claim.asset == ASSET_NXM {
            self.call_out(
                self.address(NXM_TOKEN),
                U256::ZERO,
                &encode(&INxmToken::mintCall::SELECTOR, &[&owner, &claim.amount]),
                0,
            )?;
            claim.deposit_eth
        } else {
            // Both are below 2^96.
            claim.amount + claim.deposit_eth
        };
        self.call_out(
            pool,
            U256::ZERO,
            &encode(&ICapitalPool::payClaimCall::SELECTOR, &[&owner, &eth]),
            0,
        )?;
        Ok(())
    }

    /// Sets the contracts claims trusts. Governance only; each must be non-zero and hold code.
    ///
    /// # Errors
    /// `Unauthorized`; `ZeroAddress`; `NotAContract`.
    ///
    /// # Events
    /// [`ContractsSet`].
    pub fn set_contracts(
        &mut self,
        nxm_token: Address,
        ramm: Address,
        capital_pool: Address,
        cover: Address,
        cover_nft: Address,
        assessment: Address,
    ) -> ClaimsResult<()> {
        self.only_governance()?;
        let all = [nxm_token, ramm, capital_pool, cover, cover_nft, assessment];
        let mut words = [U256::ZERO; 6];
        for (word, account) in words.iter_mut().zip(all) {
            if account.is_zero() {
                return fail(ZeroAddress::SELECTOR, &[]);
            }
            if self.vm().code_size(account) == 0 {
                return fail(NotAContract::SELECTOR, &[&address_word(account)]);
            }
            *word = address_word(account);
        }
        for (index, word) in (NXM_TOKEN..).zip(words) {
            // Keep what shares the slot (the claim count, the day length).
            let kept = self.word(index) & !ADDRESS_MASK;
            self.set_word(index, kept | word);
        }
        let refs: Vec<&U256> = words.iter().collect();
        self.emit(ContractsSet::SIGNATURE_HASH, &[], &refs, None);
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    /// `Unauthorized`; `ZeroAddress` for zero.
    ///
    /// # Events
    /// [`GovernanceChanged`].
    pub fn set_governance(&mut self, new_governance: Address) -> ClaimsResult<()> {
        self.only_governance()?;
        self.set_governance_unchecked(new_governance)
    }

    /// `(coverId, amount, coverAsset, assessmentId, submittedAtSecs, depositEth, claimant)` of
    /// claim `claim_id`.
    ///
    /// # Errors
    /// `ClaimNotFound`.
    pub fn claim(
        &self,
        claim_id: U256,
    ) -> ClaimsResult<(U256, U256, U256, U256, U256, U256, Address)> {
        let (_, claim) = self.existing(claim_id)?;
        Ok((
            claim.cover_id,
            claim.amount,
            U256::from(claim.asset),
            claim.assessment_id,
            U256::from(claim.submitted_secs),
            claim.deposit_eth,
            claim.claimant,
        ))
    }

    /// The status of claim `claim_id` now (one of [`status`]'s values; see the crate's
    /// `# Status`).
    ///
    /// # Errors
    /// `ClaimNotFound`; the assessment contract's revert, passed on; `MathOverflow`.
    pub fn claim_status(&self, claim_id: U256) -> ClaimsResult<u8> {
        let (head, _) = self.existing(claim_id)?;
        self.status_of(head)
    }

    /// The latest claim filed on the chain of edits whose original cover is `original_id`: on
    /// that cover or any cover that replaced it (0: none).
    pub fn latest_claim(&self, original_id: U256) -> U256 {
        // Cover ids are 64 bits: a wider id has no claim (and would alias another key).
        if original_id.bit_len() > 64 {
            return U256::ZERO;
        }
        self.record(LATEST, original_id)
    }

    /// `(depositEth, totalRewardNxm)` a claim of `amount` on cover `cover_id` would need now, at
    /// the RAMM's internal price as its view `state()` computes it for this block (without
    /// storing the TWAP observations the submission's `getInternalPriceAndUpdateTwap` stores).
    /// An estimate: the submission lands in a later block, when time, capital and supply have
    /// moved the price; send a little more, the excess is refunded. The claim itself is not
    /// checked (an id without cover quotes the 0.05 ETH floor).
    ///
    /// # Errors
    /// The cover contract's and the RAMM's reverts, passed on; `MathOverflow`.
    pub fn quote_deposit(&self, cover_id: U256, amount: U256) -> ClaimsResult<(U256, U256)> {
        let (cover, _) = self.load_cover(cover_id)?;
        let state = self.view_call(
            self.address(RAMM),
            &encode::<U256>(&IRamm::stateCall::SELECTOR, &[]),
            8,
        )?;
        deposit_and_reward(
            cover.asset,
            cover.period,
            amount,
            word_at(&state, 3),
            self.day_secs(),
        )
        .or_else(overflow)
    }

    /// The number of claims filed (the last claim id).
    pub fn claim_count(&self) -> U256 {
        bits(self.word(NXM_TOKEN), 160, CLAIM_ID_BITS)
    }

    /// Whether `member` filed a claim that is not final yet (membership asks before a member
    /// leaves or switches).
    ///
    /// # Errors
    /// The assessment contract's revert, passed on; `MathOverflow`.
    pub fn has_member_state(&self, member: Address) -> ClaimsResult<bool> {
        Ok(self.open_claims(member)?.1 > 0)
    }

    /// The trusted contracts: `(NXM token, RAMM, capital pool, cover, cover NFT, assessment)`.
    pub fn contracts(&self) -> (Address, Address, Address, Address, Address, Address) {
        (
            self.address(NXM_TOKEN),
            self.address(RAMM),
            self.address(CAPITAL_POOL),
            self.address(COVER),
            self.address(COVER_NFT),
            self.address(ASSESSMENT),
        )
    }

    /// The address holding the governance role.
    pub fn governance(&self) -> Address {
        self.address(GOVERNANCE)
    }
}

impl Claims {
    /// The block timestamp.
    fn now(&self) -> u64 {
        self.vm().block_timestamp()
    }

    /// Header word `index`.
    #[inline(never)]
    fn word(&self, index: usize) -> U256 {
        self.header.get(index).unwrap_or_default()
    }

    /// Stores header word `index` (every index used is below [`HEADER_WORDS`]).
    #[inline(never)]
    fn set_word(&mut self, index: usize, value: U256) {
        if let Some(mut word) = self.header.setter(index) {
            word.set(value);
        }
    }

    /// The address in header word `index`.
    #[inline(never)]
    fn address(&self, index: usize) -> Address {
        address_of(self.word(index))
    }

    /// The day length.
    fn day_secs(&self) -> u64 {
        bits(self.word(ASSESSMENT), 160, 32).to()
    }

    /// Record `id` of `kind`.
    #[inline(never)]
    fn record(&self, kind: u8, id: U256) -> U256 {
        self.records.get(key(kind, id))
    }

    /// Stores record `id` of `kind`.
    #[inline(never)]
    fn set_record(&mut self, kind: u8, id: U256, value: U256) {
        self.records.setter(key(kind, id)).set(value);
    }

    /// Claim `claim_id`: its status word and the whole record.
    ///
    /// # Errors
    /// `ClaimNotFound` (no claimant: ids from 1 to the count only).
    #[inline(never)]
    fn existing(&self, claim_id: U256) -> ClaimsResult<(U256, ClaimRecord)> {
        // Claim ids are 32 bits: a wider id has no claim (and would alias another key).
        let head = if claim_id.bit_len() > CLAIM_ID_BITS {
            U256::ZERO
        } else {
            self.record(CLAIM, claim_id)
        };
        if head.is_zero() {
            return fail(ClaimNotFound::SELECTOR, &[&claim_id]);
        }
        let terms = self.record(CLAIM_TERMS, claim_id);
        Ok((head, ClaimRecord::decode(head, terms)))
    }

    /// The status now of the claim whose status word is `head` (see the crate's `# Status`).
    ///
    /// # Errors
    /// The assessment contract's revert, passed on; `MathOverflow` for a window beyond 64-bit
    /// time.
    #[inline(never)]
    fn status_of(&self, head: U256) -> ClaimsResult<u8> {
        let outcome = self.view_call(
            self.address(ASSESSMENT),
            &encode(&IAssessment::outcomeCall::SELECTOR, &[&bits(head, 200, 40)]),
            2,
        )?;
        let (now, end) = (self.now(), word_at(&outcome, 1));
        if U256::from(now) < end {
            return Ok(status::VOTING);
        }
        // end ≤ now < 2^64.
        let end = end.to::<u64>();
        let day = self.day_secs();
        if now < rules::cooldown_end_secs(end, day).or_else(overflow)? {
            return Ok(status::COOLDOWN);
        }
        Ok(if word_at(&outcome, 0).is_zero() {
            status::DENIED
        } else if !bits(head, 248, 8).is_zero() {
            status::REDEEMED
        } else if rules::payout_redeemable(now, end, day).or_else(overflow)? {
            status::ACCEPTED
        } else {
            status::EXPIRED
        })
    }

    /// `member`'s open list pruned of final claims: the word of the ids kept (from the low bits
    /// up) and their number.
    ///
    /// # Errors
    /// As [`Claims::status_of`].
    fn open_claims(&self, member: Address) -> ClaimsResult<(U256, usize)> {
        let list = self.record(OPEN, address_word(member));
        let (mut kept, mut count) = (U256::ZERO, 0);
        for i in 0..MAX_OPEN_CLAIMS {
            let id = bits(list, CLAIM_ID_BITS * i, CLAIM_ID_BITS);
            if !id.is_zero() && !is_final(self.status_of(self.record(CLAIM, id))?) {
                kept |= id << (CLAIM_ID_BITS * count);
                count += 1;
            }
        }
        Ok((kept, count))
    }

    /// Cover `cover_id` as the cover contract stores it and the original cover of its chain of
    /// edits (`records([key(COVER, id), key(LINKS, id)])`, decoded by `cover_records`; the
    /// chain's id is `cover_id` itself for a cover no edit made); zeros for no such cover (and
    /// for an id beyond the cover contract's 64 bits, which would alias another of its records).
    ///
    /// # Errors
    /// The cover contract's revert, passed on.
    fn load_cover(&self, cover_id: U256) -> ClaimsResult<(CoverRecord, U256)> {
        if cover_id.bit_len() > 64 {
            return Ok((CoverRecord::default(), cover_id));
        }
        // records(uint256[]): the array's offset, its length, the keys.
        let answer = self.view_call(
            self.address(COVER),
            &encode(
                &ICover::recordsCall::SELECTOR,
                &[
                    &U256::from(32u8),
                    &U256::from(2u8),
                    &cover_records::key(cover_records::COVER, cover_id),
                    &cover_records::key(cover_records::LINKS, cover_id),
                ],
            ),
            4,
        )?;
        let (original, _) = cover_records::links(word_at(&answer, 3));
        let chain_id = if original.is_zero() {
            cover_id
        } else {
            original
        };
        Ok((CoverRecord::decode(word_at(&answer, 2)), chain_id))
    }

    /// Brings the RAMM to now (its TWAP observations, on the capital and supply as they are);
    /// returns its internal price in ETH (wei per NXM).
    ///
    /// # Errors
    /// The RAMM's revert, passed on.
    #[inline(never)]
    fn update_twap(&mut self) -> ClaimsResult<U256> {
        let answer = self.call_out(
            self.address(RAMM),
            U256::ZERO,
            &encode::<U256>(&IRamm::getInternalPriceAndUpdateTwapCall::SELECTOR, &[]),
            1,
        )?;
        Ok(word_at(&answer, 0))
    }

    /// Fails with `Unauthorized` unless the caller is governance.
    fn only_governance(&self) -> ClaimsResult<()> {
        let caller = self.vm().msg_sender();
        if caller != self.address(GOVERNANCE) {
            return fail(Unauthorized::SELECTOR, &[&address_word(caller)]);
        }
        Ok(())
    }

    /// Stores a non-zero governance address and logs the change.
    fn set_governance_unchecked(&mut self, new_governance: Address) -> ClaimsResult<()> {
        if new_governance.is_zero() {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        let previous = self.word(GOVERNANCE);
        self.set_word(GOVERNANCE, address_word(new_governance));
        self.emit(
            GovernanceChanged::SIGNATURE_HASH,
            &[&previous, &address_word(new_governance)],
            &[],
            None,
        );
        Ok(())
    }

    /// Sends `amount` wei to `to` (nothing for zero).
    ///
    /// # Errors
    /// `EthTransferFailed`.
    #[inline(never)]
    fn send_eth(&mut self, to: Address, amount: U256) -> ClaimsResult<()> {
        if amount.is_zero() {
            return Ok(());
        }
        if transfer_eth(self.vm(), to, amount).is_err() {
            return fail(EthTransferFailed::SELECTOR, &[&address_word(to), &amount]);
        }
        Ok(())
    }

    /// Logs `signature` with the indexed `topics` and the data `words`, followed by the string
    /// `text` if given (always the event's last field), through one routine instead of a typed
    /// encoder per event; the tests decode every event with its `sol!` type.
    #[inline(never)]
    fn emit(&self, signature: B256, indexed: &[&U256], words: &[&U256], text: Option<&[u8]>) {
        let data = match text {
            Some(text) => encode_with_text(words, text),
            None => encode(&[], words),
        };
        // raw_log fails only for more than four topics, which no event here has.
        let _ = self.vm().raw_log(&topics(signature, indexed), &data);
    }
}

#[cfg(test)]
mod tests;
