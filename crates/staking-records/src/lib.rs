//! The staking-pool contract's storage records, in one place for the two contracts that use
//! them: `staking-pool`, which writes them (its one map of words), and `staking-viewer`, which
//! reads them through the pool's raw `words(keys)` view and computes the dApp views from them.
//!
//! Everything here is read-only and generic over [`Records`] (a word by key, and the block
//! time): the key layout ([`slot`] and the `K_*` / `H_*` constants), the unpacking of words, the
//! time walk over bucket starts and tranche ends ([`Records::walk`]), the value of a position,
//! and the views ([`views`]). The staking pool implements [`Records`] over its own storage, the
//! viewer over static calls to the pool; so a view computes exactly what the pool's entrypoints
//! would settle to in the same block.
#![no_std]

extern crate alloc;

pub mod views;

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use mutual_math::staking as math;

/// A tranche lasts 91 days.
pub const TRANCHE_DAYS: u64 = 91;
/// A bucket lasts 28 days.
pub const BUCKET_DAYS: u64 = 28;
/// Open tranches: the current one and the next seven.
pub const MAX_ACTIVE_TRANCHES: u64 = 8;

/// The header, `a` = 0, `b` = one of the `H_*` indexes: an address in the low 160 bits (the NXM
/// token's word also holds the day length, in seconds, in its top 64 bits), or the pool count.
pub const K_HEADER: u8 = 0;
/// Holder of the governance role.
pub const H_GOVERNANCE: u64 = 0;
/// The NXM token, and the day length.
pub const H_NXM_TOKEN: u64 = 1;
/// The stake position NFT deployment.
pub const H_STAKE_NFT: u64 = 2;
/// The staking-products contract.
pub const H_STAKING_PRODUCTS: u64 = 3;
/// The cover contract.
pub const H_COVER: u64 = 4;
/// The pool registry (the only caller of `registerPool`).
pub const H_POOL_REGISTRY: u64 = 5;
/// Pools created so far (ids 1..=count).
pub const H_POOL_COUNT: u64 = 6;

// Word kinds, with `a` and `b` of the key and the word's halves (low | high).
/// Pool `a`: manager (low 160 bits) and its flags in the top 64: private (bit 192), halted
/// (bit 193), fee % (bits 200..208), max fee % (bits 208..216). Zero: no such pool.
pub const K_POOL: u8 = 1;
/// Pool `a`: active stake | reward per second.
pub const K_STAKE: u8 = 2;
/// Pool `a`: stake-share supply | reward-share supply.
pub const K_SHARES: u8 = 3;
/// Pool `a`: accumulator (NXM per reward share, WAD) | the time the accounting was brought to.
pub const K_REWARDS: u8 = 4;
/// Pool `a`: rewards streamed while no one held reward shares | 0.
pub const K_UNDISTRIBUTED: u8 = 5;
// Kind 6 is unused: the pools' metadata URIs are the `pool-registry` contract's.
/// Pool `a`, tranche `b`: stake shares | reward shares (the manager's fee position holds the
/// reward shares beyond the stake shares). Unchanged by the tranche's expiry.
pub const K_TRANCHE: u8 = 7;
/// Pool `a`, tranche `b`, once expired: accumulator at expiry | stake at expiry.
pub const K_EXPIRY: u8 = 8;
/// Pool `a`, tranche `b`: the fee position's last accumulator | pending rewards.
pub const K_FEE: u8 = 9;
/// Pool `a`, bucket `b`: the reward rate that stops when the bucket starts | 0.
pub const K_CUT: u8 = 10;
/// Token `a`, tranche `b`: the position's shares (stake and reward alike) | last accumulator.
pub const K_POSITION: u8 = 11;
/// Token `a`, tranche `b`: the position's pending rewards | 0.
pub const K_PENDING: u8 = 12;
/// Tokens `8a..8a+7`: their pool ids, in 32-bit lanes (token ids are sequential: seven of eight
/// new tokens write an existing word).
pub const K_TOKEN_POOLS: u8 = 13;
/// Manager `m` (keyed by address, [`manager_slot`], not by `(a, b)`): the number of pools it
/// manages | 0. Written when a pool is registered; membership's `hasMemberState` reads it.
pub const K_MANAGED: u8 = 14;

/// The key of word `(kind, a, b)`: `kind` in the top byte, `a` (a pool id, a token id or a
/// token-pool word index) in bits 64..128, `b` (a tranche or bucket id, or an index) in the
/// low 64 bits.
pub fn slot(kind: u8, a: u64, b: u64) -> U256 {
    U256::from_limbs([b, a, 0, u64::from(kind) << 56])
}

/// The key of manager `manager`'s [`K_MANAGED`] word: the kind in the top byte, the address in
/// the low 160 bits (apart from every `(kind, a, b)` key by its kind byte).
pub fn manager_slot(manager: Address) -> U256 {
    let mut limbs = U256::from_be_bytes(manager.into_word().0).into_limbs();
    limbs[3] = u64::from(K_MANAGED) << 56;
    U256::from_limbs(limbs)
}

/// The two 128-bit halves `(low, high)` of a word.
pub fn halves(word: U256) -> (u128, u128) {
    let limbs = word.into_limbs();
    (
        u128::from(limbs[0]) | (u128::from(limbs[1]) << 64),
        u128::from(limbs[2]) | (u128::from(limbs[3]) << 64),
    )
}

/// The word `low | high << 128`.
pub fn word_of(low: u128, high: u128) -> U256 {
    U256::from_limbs([
        low as u64,
        (low >> 64) as u64,
        high as u64,
        (high >> 64) as u64,
    ])
}

/// A value beyond the stored widths (128 bits), or a staking-math failure (which only such
/// values cause).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow;

/// A pool's accounting in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolState {
    pub active_stake: u128,
    pub reward_per_second: u128,
    pub stake_supply: u128,
    pub reward_supply: u128,
    pub acc: u128,
    pub updated_at: u64,
    /// Rewards that streamed to no one since the state was loaded (added to the stored figure
    /// when it is stored).
    pub undistributed: u128,
}

/// A pool's settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub pool: u64,
    pub manager: Address,
    pub is_private: bool,
    pub is_halted: bool,
    pub fee: u8,
    pub max_fee: u8,
}

impl Config {
    /// The pool word of these settings (see [`K_POOL`]).
    pub fn word(&self) -> U256 {
        let flags = u64::from(self.is_private)
            | (u64::from(self.is_halted) << 1)
            | (u64::from(self.fee) << 8)
            | (u64::from(self.max_fee) << 16);
        let mut limbs = U256::from_be_bytes(self.manager.into_word().0).into_limbs();
        limbs[3] = flags;
        U256::from_limbs(limbs)
    }
}

/// What a walk did, to store and log: a bucket start that cut the rate (`tranche` false), or a
/// tranche that expired with `stake` and the accumulator `acc`.
pub struct Step {
    pub tranche: bool,
    pub id: u64,
    pub acc: u128,
    pub stake: u128,
}

/// Read access to the staking pool's words, and the block time; everything else is provided.
pub trait Records {
    /// The word at `key` (zero if never written).
    fn read(&self, key: U256) -> U256;

    /// The block timestamp.
    fn now(&self) -> u64;

    /// Word `(kind, a, b)`.
    #[inline(never)]
    fn word(&self, kind: u8, a: u64, b: u64) -> U256 {
        self.read(slot(kind, a, b))
    }

    /// The two halves of word `(kind, a, b)`.
    #[inline(never)]
    fn pair(&self, kind: u8, a: u64, b: u64) -> (u128, u128) {
        halves(self.word(kind, a, b))
    }

    /// A trusted address of the header.
    #[inline(never)]
    fn contract(&self, index: u64) -> Address {
        Address::from_word(self.word(K_HEADER, 0, index).into())
    }

    /// `(tranche, bucket)` lengths in seconds.
    fn periods(&self) -> (u64, u64) {
        let day = self.word(K_HEADER, 0, H_NXM_TOKEN).as_limbs()[3];
        (day * TRANCHE_DAYS, day * BUCKET_DAYS)
    }

    /// The current tranche id: the first active one once expirations are processed.
    fn current_tranche(&self) -> u64 {
        self.now() / self.periods().0
    }

    /// The pool's settings, `None` for no such pool (also for ids beyond 32 bits, which no pool
    /// has).
    #[inline(never)]
    fn pool_config(&self, pool_id: U256) -> Option<Config> {
        let pool: u64 = pool_id.saturating_to();
        if pool > u64::from(u32::MAX) {
            return None;
        }
        let word = self.word(K_POOL, pool, 0);
        if word.is_zero() {
            return None;
        }
        let flags = word.as_limbs()[3];
        Some(Config {
            pool,
            manager: Address::from_word(word.into()),
            is_private: flags & 1 != 0,
            is_halted: flags & 2 != 0,
            fee: (flags >> 8) as u8,
            max_fee: (flags >> 16) as u8,
        })
    }

    /// The stored accounting of a pool.
    fn load_state(&self, pool: u64) -> PoolState {
        let (active_stake, reward_per_second) = self.pair(K_STAKE, pool, 0);
        let (stake_supply, reward_supply) = self.pair(K_SHARES, pool, 0);
        let (acc, updated_at) = self.pair(K_REWARDS, pool, 0);
        PoolState {
            active_stake,
            reward_per_second,
            stake_supply,
            reward_supply,
            acc,
            updated_at: updated_at as u64,
            undistributed: 0,
        }
    }

    /// The pool of a token (0: none; token ids beyond 64 bits are never minted).
    fn token_pool_of(&self, token_id: U256) -> u64 {
        if token_id > U256::from(u64::MAX) {
            return 0;
        }
        let token: u64 = token_id.to();
        let (word, shift) = (token >> 3, (token & 7) * 32);
        let (low, high) = self.pair(K_TOKEN_POOLS, word, 0);
        let lanes = if shift < 128 { low } else { high };
        ((lanes >> (shift % 128)) as u64) & u64::from(u32::MAX)
    }

    /// Position `token_id` of pool `pool`: `Some(0)` for the fee position, `Some(id)` for a
    /// token of the pool, `None` for any other.
    fn token_of(&self, pool: u64, token_id: U256) -> Option<u64> {
        if token_id.is_zero() {
            return Some(0);
        }
        if self.token_pool_of(token_id) != pool {
            return None;
        }
        Some(token_id.to())
    }

    /// `(accAtExpiry, stakeAtExpiry)` of a tranche: from this walk's steps, else as stored.
    fn snapshot(&self, pool: u64, tranche: u64, steps: &[Step]) -> (u128, u128) {
        for step in steps {
            if step.tranche && step.id == tranche {
                return (step.acc, step.stake);
            }
        }
        self.pair(K_EXPIRY, pool, tranche)
    }

    /// `(rewardShares, lastAcc, pending)` of a position in a tranche (token 0: the pool's fee
    /// position, whose reward shares are the tranche's beyond its stake shares; `None`: a
    /// token of another pool, zeros).
    fn position(&self, pool: u64, token: Option<u64>, tranche: u64) -> (u128, u128, u128) {
        match token {
            None => (0, 0, 0),
            Some(0) => {
                let (stake_shares, reward_shares) = self.pair(K_TRANCHE, pool, tranche);
                let (last, pending) = self.pair(K_FEE, pool, tranche);
                (reward_shares - stake_shares, last, pending)
            }
            Some(token) => {
                let (shares, last) = self.pair(K_POSITION, token, tranche);
                (shares, last, self.pair(K_PENDING, token, tranche).0)
            }
        }
    }

    /// What a position holds now: `(stake it could withdraw, rewards it could withdraw, the
    /// accumulator it is settled to)`; stake only from an expired tranche, never for the fee
    /// position.
    fn position_value_of(
        &self,
        pool: u64,
        token: Option<u64>,
        tranche: u64,
        expired: bool,
        state: &PoolState,
        steps: &[Step],
    ) -> Result<(u128, u128, u128), Overflow> {
        let (shares, last, pending) = self.position(pool, token, tranche);
        let (mut stake, mut acc) = (0, state.acc);
        if expired {
            let (acc_at_expiry, stake_at_expiry) = self.snapshot(pool, tranche, steps);
            acc = acc_at_expiry;
            if token != Some(0) && shares != 0 {
                let supply_at_expiry = self.pair(K_TRANCHE, pool, tranche).0;
                stake = stake_for(stake_at_expiry, shares, supply_at_expiry)?;
            }
        }
        Ok((stake, settle(acc, last, shares, pending)?, acc))
    }

    /// Brings `state` toward now in time order: the accumulator up to each boundary, at each
    /// bucket start (only while a stream runs: with no rate there is nothing to cut) the
    /// bucket's cut off the rate, at each tranche end (only while shares exist: the tranches
    /// after the 8 open at the last deposit are empty) the tranche's stake and shares off the
    /// pool. Stops before the `budget + 1`-th bucket start; returns whether it reached now.
    fn walk(
        &self,
        pool: u64,
        state: &mut PoolState,
        mut budget: u32,
        steps: &mut Vec<Step>,
    ) -> Result<bool, Overflow> {
        let now = self.now();
        let (tranche_secs, bucket_secs) = self.periods();
        loop {
            let at = state.updated_at;
            let bucket_start = if state.reward_per_second == 0 {
                u64::MAX
            } else {
                (at / bucket_secs + 1) * bucket_secs
            };
            let tranche = at / tranche_secs;
            let tranche_end = if state.stake_supply == 0 {
                u64::MAX
            } else {
                (tranche + 1) * tranche_secs
            };
            let next = bucket_start.min(tranche_end);
            if next > now {
                accrue(state, now)?;
                return Ok(true);
            }
            if next == bucket_start {
                if budget == 0 {
                    return Ok(false);
                }
                budget -= 1;
            }
            accrue(state, next)?;
            if next == bucket_start {
                let bucket = next / bucket_secs;
                let cut = self.pair(K_CUT, pool, bucket).0;
                if cut != 0 {
                    state.reward_per_second = state.reward_per_second.saturating_sub(cut);
                    steps.push(Step {
                        tranche: false,
                        id: bucket,
                        acc: 0,
                        stake: 0,
                    });
                }
            }
            if next == tranche_end {
                let (shares, reward_shares) = self.pair(K_TRANCHE, pool, tranche);
                if shares != 0 {
                    let stake = stake_for(state.active_stake, shares, state.stake_supply)?;
                    state.active_stake = state.active_stake.saturating_sub(stake);
                    state.stake_supply = state.stake_supply.saturating_sub(shares);
                    state.reward_supply = state.reward_supply.saturating_sub(reward_shares);
                    steps.push(Step {
                        tranche: true,
                        id: tranche,
                        acc: state.acc,
                        stake,
                    });
                }
            }
        }
    }

    /// `(first open tranche, the stake of each of the 8 open tranches)`.
    fn tranche_stakes_of(
        &self,
        pool: u64,
        state: &PoolState,
    ) -> Result<(u64, [U256; 8]), Overflow> {
        let first = self.current_tranche();
        let mut stakes = [U256::ZERO; 8];
        if state.stake_supply != 0 {
            for (i, stake) in stakes.iter_mut().enumerate() {
                let shares = self.pair(K_TRANCHE, pool, first + i as u64).0;
                *stake = U256::from(stake_for(state.active_stake, shares, state.stake_supply)?);
            }
        }
        Ok((first, stakes))
    }

    /// The pool's accounting brought to now in memory, with the steps of the walk (views).
    fn state_now(&self, pool: u64) -> Result<(PoolState, Vec<Step>), Overflow> {
        let mut state = self.load_state(pool);
        let mut steps = Vec::new();
        self.walk(pool, &mut state, u32::MAX, &mut steps)?;
        Ok((state, steps))
    }
}

/// Brings the accumulator from `state.updated_at` to `to`: `elapsed·rate·1e18/rewardShares`
/// more per reward share (rounded down), or, with no reward shares (or an accumulator that
/// would pass 2^128), `elapsed·rate` more undistributed.
#[inline(never)]
pub fn accrue(state: &mut PoolState, to: u64) -> Result<(), Overflow> {
    let elapsed = to.saturating_sub(state.updated_at);
    if elapsed != 0 && state.reward_per_second != 0 {
        let streamed = state
            .reward_per_second
            .checked_mul(u128::from(elapsed))
            .ok_or(Overflow)?;
        let acc = if state.reward_supply == 0 {
            None
        } else {
            let increase = math::reward_per_share_increase_wad(
                elapsed,
                U256::from(state.reward_per_second),
                U256::from(state.reward_supply),
            )
            .map_err(|_| Overflow)?;
            u128::try_from(U256::from(state.acc) + increase).ok()
        };
        match acc {
            Some(acc) => state.acc = acc,
            None => {
                state.undistributed = state.undistributed.checked_add(streamed).ok_or(Overflow)?
            }
        }
    }
    state.updated_at = to;
    Ok(())
}

/// A position's rewards settled to `acc`: `pending + (acc − last)·shares/1e18` (rounded down).
#[inline(never)]
pub fn settle(acc: u128, last: u128, shares: u128, pending: u128) -> Result<u128, Overflow> {
    if shares == 0 {
        return Ok(pending);
    }
    let earned = math::accrued_rewards_nxm(U256::from(acc), U256::from(last), U256::from(shares))
        .map_err(|_| Overflow)?;
    pending.checked_add(narrow(earned)?).ok_or(Overflow)
}

/// `floor(stake·shares/supply)`: the stake behind `shares` (at most `stake`).
#[inline(never)]
pub fn stake_for(stake: u128, shares: u128, supply: u128) -> Result<u128, Overflow> {
    let value = math::stake_for_shares(U256::from(stake), U256::from(shares), U256::from(supply))
        .map_err(|_| Overflow)?;
    narrow(value)
}

/// A value as 128 bits, or [`Overflow`].
#[inline(never)]
pub fn narrow(value: U256) -> Result<u128, Overflow> {
    u128::try_from(value).map_err(|_| Overflow)
}
