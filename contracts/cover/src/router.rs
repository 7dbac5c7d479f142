//! The deployed router (see the crate's `# Size`): the constructor, and every `ICover` function
//! through the SDK's fallback, [`Cover::route`], which decodes the arguments with [`Args`] and
//! encodes the results by hand. Left out of the `export-abi` build, whose router is
//! `export.rs`'s.

use alloc::vec::Vec;

use abi_words::encode;
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use cover_records::{address_of, GOVERNANCE, NXM_TOKEN};
use mutual_interfaces::cover::abi::ICover;
use stylus_sdk::prelude::*;

use crate::{BuyCoverParams, Cover, CoverResult, ADDRESS_MASK};

/// The deployed router: the constructor, and every `ICover` function through the fallback
/// (see the crate's `# Size`). Left out of the `export-abi` build, which routes the typed
/// entrypoints through the SDK instead.
#[public]
impl Cover {
    /// The constructor ([`Cover::constructor`]).
    ///
    /// # Errors
    /// As [`Cover::constructor`].
    #[constructor]
    pub fn construct(&mut self, governance: Address, day_secs: U256) -> CoverResult<()> {
        self.constructor(governance, day_secs)
    }

    /// Dispatches `calldata` (selector and arguments) to the `ICover` function it names, with
    /// its arguments decoded by [`Args`] and its result ABI-encoded. Payable for `buyCover`
    /// only.
    ///
    /// # Errors
    /// The function's error; empty revert data for calldata that does not decode, an unknown
    /// selector, or ETH sent to any function but `buyCover` (what the SDK's router returns).
    #[fallback]
    #[payable]
    pub fn route(&mut self, calldata: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let (selector, args) = match calldata {
            [a, b, c, d, args @ ..] => ([*a, *b, *c, *d], Args(args)),
            _ => return Err(Vec::new()),
        };
        if selector != BUY_COVER && !self.vm().msg_value().is_zero() {
            return Err(Vec::new());
        }
        let bad = Vec::new;
        let done = Vec::new();
        Ok(match selector {
            BUY_COVER => {
                let (params, pools) = args.buy_cover().ok_or_else(bad)?;
                encode(&[], &[self.buy_cover(params, pools)?])
            }
            EXPIRE_COVER => {
                self.expire_cover(args.word(0).ok_or_else(bad)?)?;
                done
            }
            BURN_STAKE => {
                let (cover_id, payout) = (args.word(0), args.word(32));
                self.burn_stake(cover_id.ok_or_else(bad)?, payout.ok_or_else(bad)?)?;
                done
            }
            SET_CONTRACTS => {
                let mut all = [Address::ZERO; 7];
                for (i, account) in all.iter_mut().enumerate() {
                    *account = args.address(32 * i).ok_or_else(bad)?;
                }
                let [token, ramm, pool, products, staking, nft, claims] = all;
                self.set_contracts(token, ramm, pool, products, staking, nft, claims)?;
                done
            }
            SET_GOVERNANCE => {
                self.set_governance(args.address(0).ok_or_else(bad)?)?;
                done
            }
            RECORDS => {
                let words = self.records(args.words(0).ok_or_else(bad)?);
                // One dynamic array: its offset, its length, its words.
                let mut all = vec![ARRAY_OFFSET, U256::from(words.len())];
                all.extend_from_slice(&words);
                encode(&[], &all)
            }
            COVER_COUNT => encode(&[], &[self.cover_count()]),
            TOTAL_ACTIVE_COVER_ETH => encode(&[], &[self.total_active_cover_eth()]),
            CONTRACTS => {
                let mut words = [U256::ZERO; 7];
                for (index, word) in (NXM_TOKEN..).zip(words.iter_mut()) {
                    *word = self.word(index) & ADDRESS_MASK;
                }
                encode(&[], &words)
            }
            GOVERNANCE_VIEW => encode(&[], &[self.word(GOVERNANCE) & ADDRESS_MASK]),
            _ => return Err(Vec::new()),
        })
    }
}

/// A dynamic result's offset: right after its one head word.
const ARRAY_OFFSET: U256 = U256::from_limbs([32, 0, 0, 0]);

/// The selectors [`Cover::route`] dispatches: `ICover`'s, every one (the tests check the list
/// against `ICover`'s).
const BUY_COVER: [u8; 4] = ICover::buyCoverCall::SELECTOR;
const EXPIRE_COVER: [u8; 4] = ICover::expireCoverCall::SELECTOR;
const BURN_STAKE: [u8; 4] = ICover::burnStakeCall::SELECTOR;
const SET_CONTRACTS: [u8; 4] = ICover::setContractsCall::SELECTOR;
const SET_GOVERNANCE: [u8; 4] = ICover::setGovernanceCall::SELECTOR;
const RECORDS: [u8; 4] = ICover::recordsCall::SELECTOR;
const COVER_COUNT: [u8; 4] = ICover::coverCountCall::SELECTOR;
const TOTAL_ACTIVE_COVER_ETH: [u8; 4] = ICover::totalActiveCoverEthCall::SELECTOR;
const CONTRACTS: [u8; 4] = ICover::contractsCall::SELECTOR;
const GOVERNANCE_VIEW: [u8; 4] = ICover::governanceCall::SELECTOR;

/// A call's ABI-encoded arguments (the calldata after the selector), read by byte position.
/// Every read checks its bounds and answers `None` for calldata too short or malformed (an
/// offset or a length beyond the data, an address with non-zero upper bits), which the router
/// refuses, as the SDK's decoder does.
pub(crate) struct Args<'a>(pub(crate) &'a [u8]);

impl Args<'_> {
    /// The word at byte `at`.
    #[inline(never)]
    fn word(&self, at: usize) -> Option<U256> {
        let mut word = [0u8; 32];
        word.copy_from_slice(self.0.get(at..at.checked_add(32)?)?);
        Some(U256::from_be_bytes(word))
    }

    /// Word `index` of the block at byte `base`.
    fn word_of(&self, base: usize, index: usize) -> Option<U256> {
        self.word(base.checked_add(index.checked_mul(32)?)?)
    }

    /// The address in the word at byte `at` (its upper 96 bits zero).
    #[inline(never)]
    fn address(&self, at: usize) -> Option<Address> {
        let word = self.word(at)?;
        (word.bit_len() <= 160).then(|| address_of(word))
    }

    /// `base` plus the word at byte `base + at`, if that lies within the data: where a dynamic
    /// value starts (its offset is relative to the block at `base`), or (with `base` 0) a length
    /// that the data can hold.
    #[inline(never)]
    fn offset(&self, base: usize, at: usize) -> Option<usize> {
        let relative = usize::try_from(self.word(base.checked_add(at)?)?).ok()?;
        let position = base.checked_add(relative)?;
        (position <= self.0.len()).then_some(position)
    }

    /// The `uint256[]` whose offset is the word at byte `at`.
    fn words(&self, at: usize) -> Option<Vec<U256>> {
        let start = self.offset(0, at)?;
        let count = self.offset(0, start)?;
        let mut words = Vec::new();
        for i in 1..=count {
            words.push(self.word_of(start, i)?);
        }
        Some(words)
    }

    /// `buyCover`'s `(params, poolAllocations)`: the params tuple (its offset first: it holds
    /// the string) and the `(uint256,uint256)[]` (its offset second).
    pub(crate) fn buy_cover(&self) -> Option<(BuyCoverParams, Vec<(U256, U256)>)> {
        let tuple = self.offset(0, 0)?;
        let word = |i| self.word_of(tuple, i);
        let address = |i: usize| self.address(tuple.checked_add(32 * i)?);
        let text_at = self.offset(tuple, 32 * 10)?;
        let text_len = self.offset(0, text_at)?;
        let text_start = text_at.checked_add(32)?;
        let text = self.0.get(text_start..text_start.checked_add(text_len)?)?;
        let pools_at = self.offset(0, 32)?;
        let count = self.offset(0, pools_at)?;
        let mut pools = Vec::new();
        for i in 0..count {
            let pool = (
                self.word_of(pools_at, 1 + 2 * i)?,
                self.word_of(pools_at, 2 + 2 * i)?,
            );
            pools.push(pool);
        }
        let params = (
            word(0)?,
            address(1)?,
            word(2)?,
            word(3)?,
            word(4)?,
            word(5)?,
            word(6)?,
            word(7)?,
            word(8)?,
            address(9)?,
            text.to_vec(),
        );
        Some((params, pools))
    }
}
