//! The deployed build's router: decodes each call of `IStakingPool`
//! (`mutual_interfaces::staking_pool`) and encodes its answer by hand, as `#[public]`'s generated
//! router does with alloy's codec, in a fraction of the code (the generated one and its codec
//! were ~40 KB of this contract's ~125 KB of WASM).
//!
//! The rules are the SDK's: no entrypoint is payable (a call with value reverts with empty data,
//! as does a call whose arguments do not decode); arguments are validated as alloy's
//! `abi_decode_params_validate` does for these types (an address's 12 high bytes and a bool's 31
//! high bytes must be zero, a `uint64` fits 64 bits, offsets and lengths stay inside the data);
//! answers are the standard encoding of the declared return types. The
//! routing tests check every entrypoint against alloy's encoding of the declared interface.
//!
//! For size, each entrypoint checks once that its head words are present ([`Args::need`]) and
//! then reads them infallibly, and arrays of static items are not decoded into vectors: their
//! bytes are used in place once their offset and length are checked — `registerPool`'s
//! products are passed on to `IStakingProducts.initializeProducts` as they are (any three words
//! are a valid `(uint256,uint256,uint256)`; the staking products validate every product),
//! `withdraw` walks its tranche ids and `words` its keys in the calldata.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use mutual_interfaces::staking_pool::abi::IStakingPool::*;
use stylus_sdk::{
    abi::Router,
    stylus_core::{ConstructorGuard, ValueDenier},
    ArbResult,
};

use staking_records::Records;

use abi_words::{address_word, encode, word_at};

use super::{StakingPool, StakingPoolError};

/// A selector as the router's `u32`.
const fn selector(bytes: [u8; 4]) -> u32 {
    u32::from_be_bytes(bytes)
}

impl Router<StakingPool> for StakingPool {
    type Storage = StakingPool;

    fn route(pool: &mut StakingPool, selector: u32, input: &[u8]) -> Option<ArbResult> {
        if let Err(error) = pool.deny_value("") {
            return Some(Err(error));
        }
        match dispatch(pool, selector, Args(input)) {
            Ok(Some(answer)) => Some(Ok(answer)),
            Ok(None) => None,
            Err(error) => Some(Err(error.into())),
        }
    }

    fn receive(_pool: &mut StakingPool) -> Option<Result<(), Vec<u8>>> {
        None
    }

    fn fallback(_pool: &mut StakingPool, _calldata: &[u8]) -> Option<ArbResult> {
        None
    }

    fn constructor(pool: &mut StakingPool, calldata: &[u8]) -> Option<ArbResult> {
        if let Err(error) = pool.deny_value("constructor") {
            return Some(Err(error));
        }
        if let Err(error) = pool.check_constructor_slot() {
            return Some(Err(error));
        }
        let args = Args(calldata);
        let result = (|| {
            args.need(2)?;
            let governance = address(args.word(0))?;
            let day_secs = narrow(args.word(1), 64)?.to();
            pool.constructor(governance, day_secs)
        })();
        Some(result.map(|()| Vec::new()).map_err(Into::into))
    }
}

/// Runs the entrypoint of `selector` (`None`: no such entrypoint).
fn dispatch(
    pool: &mut StakingPool,
    selector_: u32,
    a: Args,
) -> Result<Option<Vec<u8>>, StakingPoolError> {
    const REGISTER_POOL: u32 = selector(registerPoolCall::SELECTOR);
    const DEPOSIT_TO: u32 = selector(depositToCall::SELECTOR);
    const EXTEND_DEPOSIT: u32 = selector(extendDepositCall::SELECTOR);
    const WITHDRAW: u32 = selector(withdrawCall::SELECTOR);
    const SET_POOL_FEE: u32 = selector(setPoolFeeCall::SELECTOR);
    const SET_POOL_PRIVACY: u32 = selector(setPoolPrivacyCall::SELECTOR);
    const PROCESS_EXPIRATIONS: u32 = selector(processExpirationsCall::SELECTOR);
    const REQUEST_ALLOCATION: u32 = selector(requestAllocationCall::SELECTOR);
    const REQUEST_DEALLOCATION: u32 = selector(requestDeallocationCall::SELECTOR);
    const BURN_STAKE: u32 = selector(burnStakeCall::SELECTOR);
    const SET_CONTRACTS: u32 = selector(setContractsCall::SELECTOR);
    const SET_GOVERNANCE: u32 = selector(setGovernanceCall::SELECTOR);
    const POOL_COUNT: u32 = selector(poolCountCall::SELECTOR);
    const MANAGER: u32 = selector(managerCall::SELECTOR);
    const HAS_MEMBER_STATE: u32 = selector(hasMemberStateCall::SELECTOR);
    const TRANCHE_STAKES: u32 = selector(trancheStakesCall::SELECTOR);
    const TOKEN_POOL: u32 = selector(tokenPoolCall::SELECTOR);
    const WORDS: u32 = selector(wordsCall::SELECTOR);
    const CONTRACTS: u32 = selector(contractsCall::SELECTOR);
    const GOVERNANCE: u32 = selector(governanceCall::SELECTOR);

    let answer = match selector_ {
        REGISTER_POOL => {
            a.need(5)?;
            let (count, products) = a.products(4)?;
            encode(
                &[],
                &[pool.register(
                    address(a.word(0))?,
                    boolean(a.word(1))?,
                    a.word(2),
                    a.word(3),
                    count,
                    products,
                )?],
            )
        }
        DEPOSIT_TO => {
            a.need(5)?;
            encode(
                &[],
                &[pool.deposit_to(
                    a.word(0),
                    a.word(1),
                    a.word(2),
                    a.word(3),
                    address(a.word(4))?,
                )?],
            )
        }
        EXTEND_DEPOSIT => {
            a.need(4)?;
            pool.extend_deposit(a.word(0), a.word(1), a.word(2), a.word(3))?;
            Vec::new()
        }
        WITHDRAW => {
            a.need(5)?;
            let tranches = a.uints(4)?;
            let (stake, rewards) = pool.withdraw_from(
                a.word(0),
                a.word(1),
                boolean(a.word(2))?,
                boolean(a.word(3))?,
                tranches,
            )?;
            encode(&[], &[stake, rewards])
        }
        SET_POOL_FEE => {
            a.need(2)?;
            pool.set_pool_fee(a.word(0), a.word(1))?;
            Vec::new()
        }
        SET_POOL_PRIVACY => {
            a.need(2)?;
            pool.set_pool_privacy(a.word(0), boolean(a.word(1))?)?;
            Vec::new()
        }
        PROCESS_EXPIRATIONS => {
            a.need(1)?;
            pool.process_expirations(a.word(0))?;
            Vec::new()
        }
        REQUEST_ALLOCATION => {
            a.need(8)?;
            let fixed = boolean(a.word(5))?;
            let (premium, id) = pool.request_allocation(
                a.word(0),
                a.word(1),
                a.word(2),
                a.word(3),
                a.word(4),
                fixed,
                a.word(6),
                a.word(7),
            )?;
            encode(&[], &[premium, id])
        }
        REQUEST_DEALLOCATION => {
            a.need(6)?;
            pool.request_deallocation(
                a.word(0),
                a.word(1),
                a.word(2),
                a.word(3),
                a.word(4),
                a.word(5),
            )?;
            Vec::new()
        }
        BURN_STAKE => {
            a.need(4)?;
            encode(
                &[],
                &[pool.burn_stake(a.word(0), a.word(1), a.word(2), a.word(3))?],
            )
        }
        SET_CONTRACTS => {
            a.need(5)?;
            let (token, nft, products, cover, registry) = (
                address(a.word(0))?,
                address(a.word(1))?,
                address(a.word(2))?,
                address(a.word(3))?,
                address(a.word(4))?,
            );
            pool.set_contracts(token, nft, products, cover, registry)?;
            Vec::new()
        }
        SET_GOVERNANCE => {
            a.need(1)?;
            pool.set_governance(address(a.word(0))?)?;
            Vec::new()
        }
        POOL_COUNT => encode(&[], &[pool.pool_count()]),
        MANAGER => {
            a.need(1)?;
            encode(&[], &[address_word(pool.manager(a.word(0)))])
        }
        HAS_MEMBER_STATE => {
            a.need(1)?;
            let held = pool.has_member_state(address(a.word(0))?)?;
            encode(&[], &[U256::from(u8::from(held))])
        }
        TRANCHE_STAKES => {
            a.need(1)?;
            let (first, stakes) = pool.tranche_stakes(a.word(0))?;
            let mut answer = encode(&[], &[first]);
            answer.extend_from_slice(&encode(&[], &stakes));
            answer
        }
        TOKEN_POOL => {
            a.need(1)?;
            encode(&[], &[pool.token_pool(a.word(0))])
        }
        WORDS => {
            a.need(1)?;
            let keys = a.uints(0)?;
            let mut answer = encode(&[], &[U256::from(32u8), U256::from(keys.len() / 32)]);
            for key in keys.chunks_exact(32) {
                answer.extend_from_slice(&pool.read(word_at(key, 0)).to_be_bytes::<32>());
            }
            answer
        }
        CONTRACTS => {
            let (token, nft, products, cover, registry) = pool.contracts();
            encode(
                &[],
                &[
                    address_word(token),
                    address_word(nft),
                    address_word(products),
                    address_word(cover),
                    address_word(registry),
                ],
            )
        }
        GOVERNANCE => encode(&[], &[address_word(pool.governance())]),
        _ => return Ok(None),
    };
    Ok(Some(answer))
}

/// `word` if it is below 2^bits (the validation of a narrower ABI type).
#[inline(never)]
fn narrow(word: U256, bits: usize) -> Result<U256, StakingPoolError> {
    if !(word >> bits).is_zero() {
        return undecodable();
    }
    Ok(word)
}

fn address(word: U256) -> Result<Address, StakingPoolError> {
    Ok(Address::from_word(narrow(word, 160)?.into()))
}

fn boolean(word: U256) -> Result<bool, StakingPoolError> {
    Ok(!narrow(word, 1)?.is_zero())
}

/// The arguments of a call (the calldata after the selector).
#[derive(Clone, Copy)]
struct Args<'a>(&'a [u8]);

/// Arguments that do not decode: an empty revert, as the SDK's router answers.
fn undecodable<T>() -> Result<T, StakingPoolError> {
    Err(StakingPoolError(Vec::new()))
}

impl<'a> Args<'a> {
    /// The word at byte `offset`.
    #[inline(never)]
    fn word_at(self, offset: usize) -> Result<U256, StakingPoolError> {
        match offset
            .checked_add(32)
            .and_then(|end| self.0.get(offset..end))
        {
            Some(bytes) => Ok(word_at(bytes, 0)),
            None => undecodable(),
        }
    }

    /// Checks that the data holds at least `words` head words (what [`Args::word`] reads).
    #[inline(never)]
    fn need(self, words: usize) -> Result<(), StakingPoolError> {
        if self.0.len() < 32 * words {
            return undecodable();
        }
        Ok(())
    }

    /// Head word `index` ([`Args::need`] checked that it is inside the data).
    #[inline(never)]
    fn word(self, index: usize) -> U256 {
        self.word_at(32 * index).unwrap_or_default()
    }

    /// The tail of dynamic argument `index`: `(its data's byte offset, its length)`, with
    /// `item_bytes` bytes per item inside the calldata.
    #[inline(never)]
    fn tail(self, index: usize, item_bytes: usize) -> Result<(usize, usize), StakingPoolError> {
        let offset = self.word_at(32 * index)?;
        if offset > U256::from(self.0.len()) {
            return undecodable();
        }
        let offset: usize = offset.to();
        let length = self.word_at(offset)?;
        let start = offset + 32;
        let room = (self.0.len() - start) / item_bytes;
        if length > U256::from(room) {
            return undecodable();
        }
        Ok((start, length.to()))
    }

    /// A `uint256[]`: its elements' bytes, as they are (32 each, inside the data:
    /// [`Args::tail`] checked).
    fn uints(self, index: usize) -> Result<&'a [u8], StakingPoolError> {
        Ok(self.array(index, 32)?.1)
    }

    /// A `(uint256,uint256,uint256)[]`: `(its length, its elements' bytes)`, as they are
    /// (inside the data: [`Args::tail`] checked; any words are a valid tuple of uints).
    fn products(self, index: usize) -> Result<(usize, &'a [u8]), StakingPoolError> {
        self.array(index, 96)
    }

    /// A dynamic array of static items of `item_bytes` bytes: `(its length, its elements'
    /// bytes)`.
    #[inline(never)]
    fn array(self, index: usize, item_bytes: usize) -> Result<(usize, &'a [u8]), StakingPoolError> {
        let (start, length) = self.tail(index, item_bytes)?;
        match self.0.get(start..start + item_bytes * length) {
            Some(bytes) => Ok((length, bytes)),
            None => undecodable(),
        }
    }
}
