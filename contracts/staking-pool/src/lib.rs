//! Staking pools (protocol-reference §6): members stake NXM in 91-day tranches of a pool, the
//! pool underwrites cover with that stake, and the stakers earn half of each premium, streamed
//! until the cover's grace period ends, with the pool manager's fee carved out.
//!
//! **One contract holds every pool**, keyed by pool id (from 1), instead of V2's one beacon proxy
//! per pool: a Stylus contract per pool would cost millions of gas to deploy and activate for
//! every pool, plus CREATE2 and beacon machinery; the singleton pays only a keccak per pool-keyed
//! slot and keeps one audited copy of the code. The product side (weights, prices, capacity,
//! allocations) is the `staking-products` contract, which this one calls on every allocation.
//!
//! # What is kept, per pool
//! * the pool: manager, private and halted flags, fee and maximum fee (whole percents), and
//!   its accounting: active stake, stake-share and reward-share supplies, the
//!   reward rate (NXM per second), the accumulator (NXM per reward share, WAD) and the time it
//!   was brought to, and the `undistributed` rewards (streamed while no one held reward shares);
//! * per tranche (`floor(t / 91 days)`; the current one and the next seven are open): its stake
//!   and reward shares, the manager's fee position (reward shares only: they are the tranche's
//!   reward shares beyond its stake shares), and once expired its snapshot (the accumulator and
//!   the stake at expiry; the share supply at expiry is the tranche's stake shares, which never
//!   change after expiry);
//! * per 28-day bucket: the reward rate that stops when the bucket starts (`cut`);
//! * per position (token of the stake `position-nft`, tranche): its shares (a position's stake
//!   and reward shares are equal: V2 removed the tranche bonus in 2.8), its last accumulator and
//!   its pending rewards; per token, its pool;
//! * per manager: the number of pools it manages (written by `registerPool`), for
//!   membership's question.
//!
//! # Rules
//! * **Shares.** A deposit of `a` gets `sqrt(a)` stake shares in an empty pool, else
//!   `supply·a/activeStake` (rounded down), as many reward shares, and the manager's fee position
//!   in the same tranche gets `shares·fee/(100−fee)` more reward shares (rounded down).
//! * **Rewards.** An allocation's premium `p` streams `floor(p·50 %/streamSecs)` NXM a second
//!   from now to the end of the 28-day bucket in which the cover's end *plus its grace period*
//!   falls (`mutual_math::staking::reward_stream_end_secs`): stakers carry the claims of the grace
//!   period, so they are paid through it (V2 streams to the cover's end only). Only
//!   `rate·streamSecs` is minted, up front, to this contract (the remainder of the division,
//!   under one wei a second, is never minted). The accumulator grows by
//!   `elapsed·rate·1e18/rewardShares` (rounded down); a position earns
//!   `(acc − lastAcc)·shares/1e18 + pending` (rounded down), with the accumulator frozen at the
//!   tranche's expiry once it has expired.
//! * **Expirations**, walked in time order by every entrypoint before it acts: at each bucket
//!   start the bucket's cut leaves the rate; at each tranche end the tranche is snapshotted and
//!   its stake (`activeStake·shares/supply`, rounded down; the last tranche takes the rest) and
//!   shares leave the pool. While no one holds reward shares the streamed NXM is counted in
//!   `undistributed` and stays in this contract.
//! * **Withdrawals** pay stake only from expired tranches (`stakeAtExpiry·shares/supplyAtExpiry`,
//!   rounded down) and rewards at any time, in NXM from this contract's balance to the position's
//!   owner, who must be a member (the token reverts `NotMember` otherwise).
//! * **Burns** for claims take `min(burn, activeStake − 1)` from the active stake, so every active
//!   tranche loses in proportion; a burn of everything leaves 1 wei and halts the pool.
//!
//! # Accounting identity
//! NXM minted for rewards = rewards withdrawn + rewards claimable (every position's
//! `withdrawable`, including the fee positions) + rewards still to stream (`rate·(streamEnd −
//! now)` per stream) + `undistributed` + rewards burned by edits + rewards that extensions of
//! expired positions deposited again as stake + rounding dust. The dust is
//! below `max(1, rewardShares/1e18)` wei per accumulator step (one per bucket start, tranche end
//! or call that moves time) plus one wei per position and settlement; the unit tests check the
//! identity to the wei.
//!
//! # Bounds
//! Every loop is bounded: a walk visits at most 8 tranche ends (only the 8 open tranches can hold
//! shares) and at most [`MAX_BUCKETS_PER_CALL`] bucket starts, and only while a stream runs
//! (with no rate left the walk jumps to the next tranche end or to now), so a pool idle for
//! years costs one short walk. If a pool has more bucket starts pending than one call walks (a
//! stream longer than 64 buckets, ~5 years at real day lengths), every entrypoint but
//! `processExpirations` reverts [`ExpirationsPending`] until repeated `processExpirations` calls
//! have caught up. Amounts, shares, rates and the accumulator are kept as 128-bit numbers (two
//! to a storage word; 3.4·10^20 NXM, far beyond any supply): an amount beyond that reverts
//! [`MathOverflow`] rather than wrapping. The one value that tiny share supplies could push that
//! far is the accumulator (NXM per reward share, WAD): it passes 2^128 after 3.4·10^20 wei of
//! rewards per share, e.g. 3.4 million NXM streamed to a pool of 10^4 reward shares (a stake of
//! 10^-10 NXM). Rather than let such a pool stop processing for good, an accumulator step that
//! would pass 2^128 counts its rewards as `undistributed` instead.
//!
//! # No manager vote lock
//! V2 blocks deposits and stake withdrawals while the *manager* is locked for a governance vote,
//! because V2's vote weight includes the pool's stake. Here a vote weighs only the NXM locked in
//! the governance contract itself (`locked + 1 NXM`), so no staked NXM votes and no such lock
//! is needed.
//!
//! # Member state
//! Membership asks [`StakingPool::has_member_state`] before a member leaves or switches address
//! and refuses while it answers `true`: while the member manages a pool (V2's leave requires
//! that), or owns a stake position (the stake NFT's `balanceOf`), since stake and rewards are
//! paid to a position's owner only while it is a member. V2 lets a leaving member keep its stake
//! NFTs, which then cannot be paid until they are moved to a member; here the member moves them
//! first (any receiver may hold them), or stays. A position withdrawn in full is still a token
//! and still counts. No entrypoint changes a pool's manager (V2's switch moves it to the new
//! address), so a pool's manager can neither leave nor switch.
//!
//! # Roles
//! The pool registry (`pool-registry`, where members create pools, and which keeps the pools'
//! metadata) registers pools; members deposit; owners or approved operators of a position
//! extend and withdraw it; a pool's manager sets its fee and privacy and withdraws its fee
//! rewards; the cover contract allocates, deallocates and burns; anyone processes expirations;
//! governance sets the trusted contracts and hands its role on. This contract must be an NXM
//! operator (it mints rewards, burns stake, and moves deposits into its own balance).
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
    nxm_token::abi::INxmToken::{
        mintCall as nxmMintCall, operatorBurnCall, operatorTransferCall, transferCall,
    },
    position_nft::abi::IPositionNft::{
        balanceOfCall as nftBalanceOfCall, isApprovedOrOwnerCall, mintCall as positionMintCall,
        ownerOfCall,
    },
    staking_pool::{
        ActiveStakeUpdated, BucketExpired, ContractsSet, DepositExtended, ExpirationsPending,
        GovernanceChanged, InsufficientDepositAmount, InvalidDaySecs, InvalidStakingPoolForToken,
        MathOverflow, NewTrancheEndsBeforeInitialTranche, NotAContract, NotTokenOwnerOrApproved,
        OnlyManager, PoolFeeChanged, PoolFeeExceedsMax, PoolHalted, PoolHaltedByBurn, PoolNotFound,
        PoolPrivacyChanged, PrivatePool, RequestedTrancheIsExpired, RequestedTrancheIsNotYetActive,
        RewardsBurned, RewardsStreamed, StakeBurned, StakeDeposited, TrancheExpired,
        TrancheNotExpired, Unauthorized, Withdraw, ZeroAddress,
    },
    staking_products::abi::IStakingProducts::{
        allocateCall, deallocateCall, initializeProductsCall,
    },
};
use mutual_math::{staking as math, MathError};
use staking_records::{
    manager_slot, narrow, settle, slot, word_of, Config, Overflow, PoolState, Records, Step,
    H_COVER, H_GOVERNANCE, H_NXM_TOKEN, H_POOL_COUNT, H_POOL_REGISTRY, H_STAKE_NFT,
    H_STAKING_PRODUCTS, K_CUT, K_EXPIRY, K_FEE, K_HEADER, K_PENDING, K_POOL, K_POSITION, K_REWARDS,
    K_SHARES, K_STAKE, K_TOKEN_POOLS, K_TRANCHE, K_UNDISTRIBUTED,
};
pub use staking_records::{BUCKET_DAYS, MAX_ACTIVE_TRANCHES, TRANCHE_DAYS};
use stylus_sdk::{
    prelude::*,
    storage::{StorageMap, StorageU256},
};

/// Stakers' rewards: 50 % of the premium.
pub const REWARD_RATIO_BPS: u64 = 5_000;
/// The most bucket starts one call walks (each costs a cold read, ~2.5–4 k gas).
pub const MAX_BUCKETS_PER_CALL: u32 = 64;
/// The longest day the constructor accepts: a real one.
pub const MAX_DAY_SECS: u64 = 86_400;

abi_words::revert_data! {
    /// The revert data of a failed entrypoint: one of the module's `sol!` errors (encoded by
    /// [`fail`]: its selector, then its static arguments as words), or a callee's revert data passed
    /// on (the NXM token's, the stake NFT's or the staking products'). The errors it reverts with
    /// are listed for export-abi below.
    pub struct StakingPoolError;
    errors: [
        Unauthorized,
        ZeroAddress,
        NotAContract,
        MathOverflow,
        PoolNotFound,
        OnlyManager,
        PrivatePool,
        PoolHalted,
        PoolFeeExceedsMax,
        InsufficientDepositAmount,
        RequestedTrancheIsNotYetActive,
        RequestedTrancheIsExpired,
        NewTrancheEndsBeforeInitialTranche,
        TrancheNotExpired,
        InvalidStakingPoolForToken,
        NotTokenOwnerOrApproved,
        InvalidDaySecs,
        ExpirationsPending,
    ]
}

type E = StakingPoolError;

/// The staking pools' storage: one map of words, keyed by [`slot`] (`kind`, `a`, `b`): the
/// header (roles and trusted contracts) and every pool's data; and by [`manager_slot`] each
/// manager's pool count. Most words hold two 128-bit halves (`low | high << 128`).
#[storage]
#[entrypoint]
pub struct StakingPool {
    /// Every word (see the `K_*` kinds).
    words: StorageMap<U256, StorageU256>,
}

abi_words::raw_calls!(StakingPool, StakingPoolError);

/// The pool's views of its own words (the layout, the walk and the position values live in
/// `staking_records`, shared with the staking viewer).
impl Records for StakingPool {
    #[inline(never)]
    fn read(&self, key: U256) -> U256 {
        self.words.get(key)
    }

    fn now(&self) -> u64 {
        self.vm().block_timestamp()
    }
}

impl From<Overflow> for StakingPoolError {
    fn from(_: Overflow) -> Self {
        overflow()
    }
}

// The entrypoints. The deployed build routes calls to them with the hand-written router of
// `router.rs` (a fraction of the size of `#[public]`'s generated one), which is their only
// caller: they are inlined into it (no copies of their 32-byte arguments; -0.45 KB deployed).
// The export-abi build makes them `#[public]`, so the exported interface is the SDK's reading
// of these signatures, and the tests check that the router agrees with
// `mutual_interfaces::staking_pool`.
#[cfg_attr(feature = "export-abi", public)]
impl StakingPool {
    /// The constructor as the export-abi build declares it (the deployed build's router calls
    /// [`StakingPool::constructor`] of the impl below).
    #[cfg(feature = "export-abi")]
    #[constructor]
    #[inline(always)]
    pub fn constructor(&mut self, governance: Address, day_secs: u64) -> Result<(), E> {
        let _ = (governance, day_secs);
        unreachable!("the export-abi binary only prints the interface")
    }

    /// Stores a new pool managed by `manager` and has the staking-products contract initialize
    /// its `products` `(productId, targetWeight, targetPriceBps)` (which it validates); returns
    /// the pool's id. Pool registry only: the registry has checked that the manager is a
    /// member, that `maxFee < 100` and `initialFee ≤ maxFee`, and keeps the metadata URI.
    ///
    /// # Errors
    /// [`Unauthorized`]; [`MathOverflow`] after 2^32 − 1 pools; the staking products' revert,
    /// passed on.
    ///
    /// # Events
    /// None here: the registry logs `PoolCreated`.
    ///
    /// The deployed router calls [`StakingPool::register`] with the products' bytes straight
    /// from the calldata; this method (the export-abi declaration, and the tests' direct call)
    /// encodes them the same way.
    pub fn register_pool(
        &mut self,
        manager: Address,
        is_private: bool,
        initial_fee_percent: U256,
        max_fee_percent: U256,
        products: Vec<(U256, U256, U256)>,
    ) -> Result<U256, E> {
        let mut encoded = Vec::with_capacity(96 * products.len());
        for (product_id, weight, price) in &products {
            for word in [product_id, weight, price] {
                encoded.extend_from_slice(&word.to_be_bytes::<32>());
            }
        }
        self.register(
            manager,
            is_private,
            initial_fee_percent,
            max_fee_percent,
            products.len(),
            &encoded,
        )
    }

    /// Deposits `amount_nxm` of the caller's NXM into `tranche_id` of pool `pool_id` for
    /// position `token_id`, or for a new position minted to `destination` (the caller if zero)
    /// when `token_id` is 0; returns the position's id. Expirations are processed first.
    ///
    /// # Errors
    /// [`PoolNotFound`], [`PoolHalted`], [`PrivatePool`] (unless the caller manages it),
    /// [`InsufficientDepositAmount`] for zero or for no share, [`RequestedTrancheIsExpired`] /
    /// [`RequestedTrancheIsNotYetActive`] outside the 8 open tranches,
    /// [`InvalidStakingPoolForToken`], [`NotTokenOwnerOrApproved`], [`ExpirationsPending`],
    /// [`MathOverflow`]; the NFT's or the token's revert (e.g. `Paused`, `InsufficientBalance`),
    /// passed on.
    ///
    /// # Events
    /// Expirations' events, [`StakeDeposited`], [`ActiveStakeUpdated`].
    #[inline(always)]
    pub fn deposit_to(
        &mut self,
        pool_id: U256,
        amount_nxm: U256,
        tranche_id: U256,
        token_id: U256,
        destination: Address,
    ) -> Result<U256, E> {
        let caller = self.vm().msg_sender();
        let config = self.open_pool(pool_id, caller)?;
        if amount_nxm.is_zero() {
            return Err(insufficient(amount_nxm));
        }
        let amount = narrow(amount_nxm)?;
        let tranche = self.open_tranche(tranche_id)?;
        let mut state = self.processed(config.pool)?;
        let shares = new_shares(amount, &state)?;
        let token = if token_id.is_zero() {
            let to = if destination.is_zero() {
                caller
            } else {
                destination
            };
            let data = encode(&positionMintCall::SELECTOR, &[address_word(to)]);
            let minted = word_at(
                &self.call_out(self.contract(H_STAKE_NFT), U256::ZERO, &data, 1)?,
                0,
            );
            // Token ids are sequential from 1: one beyond 64 bits is not ours.
            let minted = u64::try_from(minted).map_err(|_| overflow())?;
            self.set_token_pool(minted, config.pool);
            minted
        } else {
            self.check_token(config.pool, token_id, caller)?
        };
        self.add_stake(&config, &mut state, token, tranche, shares, amount)?;
        self.store(config.pool, &mut state);
        let token_id = U256::from(token);
        self.emit(
            StakeDeposited::SIGNATURE_HASH,
            &[caller.into_word(), pool_id.into(), token_id.into()],
            &[
                tranche_id,
                amount_nxm,
                U256::from(shares),
                U256::from(shares),
            ],
        );
        self.log_active_stake(config.pool, &state);
        self.take_nxm(caller, amount_nxm)?;
        Ok(token_id)
    }

    /// Moves position `token_id` from tranche `from_tranche_id` to the later open tranche
    /// `to_tranche_id`, adding `top_up_nxm` of the caller's NXM. If `from` has expired its stake
    /// and rewards are withdrawn and deposited again into `to` with the top-up (a deposit at
    /// the current share price, with the manager's fee shares as for any deposit); otherwise its
    /// shares and pending rewards move (rewards settled first), the top-up's shares join them,
    /// and the manager's fee shares of both tranches are recomputed from their stake shares
    /// (`floor(stakeShares·fee/(100−fee))`). Owner or approved only, as for a deposit (the pool
    /// must not be halted, and a private pool's positions are extended by its manager only).
    ///
    /// # Errors
    /// [`InvalidStakingPoolForToken`] for a token of no pool, [`PoolHalted`], [`PrivatePool`],
    /// [`NotTokenOwnerOrApproved`], [`NewTrancheEndsBeforeInitialTranche`] unless `to > from`,
    /// [`RequestedTrancheIsExpired`] / [`RequestedTrancheIsNotYetActive`] for `to`,
    /// [`InsufficientDepositAmount`] with nothing to move or a top-up too small for a share,
    /// [`ExpirationsPending`], [`MathOverflow`]; the NFT's or the token's revert.
    ///
    /// # Events
    /// Expirations' events, [`DepositExtended`], [`ActiveStakeUpdated`] when NXM joins the
    /// active stake.
    #[inline(always)]
    pub fn extend_deposit(
        &mut self,
        token_id: U256,
        from_tranche_id: U256,
        to_tranche_id: U256,
        top_up_nxm: U256,
    ) -> Result<(), E> {
        let caller = self.vm().msg_sender();
        let pool = self.token_pool_of(token_id);
        if pool == 0 {
            return Err(wrong_pool(token_id, 0, U256::ZERO));
        }
        let pool_id = U256::from(pool);
        let config = self.open_pool(pool_id, caller)?;
        let token = self.check_token(pool, token_id, caller)?;
        if to_tranche_id <= from_tranche_id {
            return fail(
                NewTrancheEndsBeforeInitialTranche::SELECTOR,
                &[from_tranche_id, to_tranche_id],
            );
        }
        let to = self.open_tranche(to_tranche_id)?;
        let top_up = narrow(top_up_nxm)?;
        // from < to < 2^64.
        let from: u64 = from_tranche_id.to();
        let mut state = self.processed(pool)?;
        let added = if from < self.current_tranche() {
            // Expired: withdraw the stake and rewards, deposit them again with the top-up.
            let (stake, rewards, _) = self.position_value(pool, token, from, true, &state, &[])?;
            let added = add(add(stake, rewards)?, top_up)?;
            if added == 0 {
                return Err(insufficient(U256::ZERO));
            }
            let new = new_shares(added, &state)?;
            self.clear_position(token, from);
            self.add_stake(&config, &mut state, token, to, new, added)?;
            added
        } else {
            // Active: move the shares and pending rewards, recompute both fee positions.
            let (shares, last) = self.pair(K_POSITION, token, from);
            let pending = self.pair(K_PENDING, token, from).0;
            let moved_pending = settle(state.acc, last, shares, pending)?;
            let top_up_shares = if top_up == 0 {
                if shares == 0 {
                    return Err(insufficient(U256::ZERO));
                }
                0
            } else {
                new_shares(top_up, &state)?
            };
            self.clear_position(token, from);
            let moved = add(shares, top_up_shares)?;
            self.rebase_fee(pool, &mut state, from, 0, shares, config.fee)?;
            self.rebase_fee(pool, &mut state, to, moved, 0, config.fee)?;
            self.credit(token, to, moved, state.acc, moved_pending)?;
            state.stake_supply = add(state.stake_supply, top_up_shares)?;
            state.active_stake = add(state.active_stake, top_up)?;
            top_up
        };
        self.store(pool, &mut state);
        self.emit(
            DepositExtended::SIGNATURE_HASH,
            &[caller.into_word(), token_id.into()],
            &[from_tranche_id, to_tranche_id, top_up_nxm],
        );
        if added != 0 {
            self.log_active_stake(pool, &state);
        }
        if top_up != 0 {
            self.take_nxm(caller, top_up_nxm)?;
        }
        Ok(())
    }

    /// Withdraws position `token_id`'s stake (expired tranches only) and/or rewards from each
    /// of `tranche_ids`, paid in one NXM transfer to the position's owner; `token_id` 0 is the
    /// pool's fee position (reward shares only, so `withdraw_stake` is ignored): its manager
    /// withdraws its rewards, paid to the manager. Returns `(stakeNxm, rewardsNxm)`.
    ///
    /// # Errors
    /// [`PoolNotFound`], [`OnlyManager`] (token 0), [`InvalidStakingPoolForToken`],
    /// [`NotTokenOwnerOrApproved`], [`TrancheNotExpired`] for stake from an active tranche,
    /// [`ExpirationsPending`], [`MathOverflow`]; the NFT's or the token's revert (`NotMember`
    /// for an owner who is not a member, `Paused`).
    ///
    /// # Events
    /// Expirations' events, [`Withdraw`] per tranche.
    ///
    /// The deployed router calls [`StakingPool::withdraw_from`] with the tranche ids' bytes
    /// straight from the calldata; this method encodes them the same way.
    pub fn withdraw(
        &mut self,
        pool_id: U256,
        token_id: U256,
        withdraw_stake: bool,
        withdraw_rewards: bool,
        tranche_ids: Vec<U256>,
    ) -> Result<(U256, U256), E> {
        let mut encoded = Vec::with_capacity(32 * tranche_ids.len());
        for tranche_id in &tranche_ids {
            encoded.extend_from_slice(&tranche_id.to_be_bytes::<32>());
        }
        self.withdraw_from(
            pool_id,
            token_id,
            withdraw_stake,
            withdraw_rewards,
            &encoded,
        )
    }

    /// Sets the pool's fee to `new_fee_percent` (≤ its maximum) and re-bases the fee position
    /// of every open tranche to `floor(stakeShares·fee/(100−fee))` reward shares, its rewards
    /// so far kept as pending. Manager only.
    ///
    /// # Errors
    /// [`PoolNotFound`], [`OnlyManager`], [`PoolFeeExceedsMax`], [`ExpirationsPending`],
    /// [`MathOverflow`].
    ///
    /// # Events
    /// Expirations' events, [`PoolFeeChanged`].
    #[inline(always)]
    pub fn set_pool_fee(&mut self, pool_id: U256, new_fee_percent: U256) -> Result<(), E> {
        let mut config = self.managed(pool_id)?;
        check_fee(new_fee_percent, U256::from(config.max_fee))?;
        config.fee = new_fee_percent.to();
        let mut state = self.processed(config.pool)?;
        let first = self.current_tranche();
        for tranche in first..first + MAX_ACTIVE_TRANCHES {
            self.rebase_fee(config.pool, &mut state, tranche, 0, 0, config.fee)?;
        }
        self.set_config(&config);
        self.store(config.pool, &mut state);
        self.emit(
            PoolFeeChanged::SIGNATURE_HASH,
            &[pool_id.into(), config.manager.into_word()],
            &[new_fee_percent],
        );
        Ok(())
    }

    /// Makes the pool private (deposits from its manager only) or public. Manager only.
    ///
    /// # Errors
    /// [`PoolNotFound`], [`OnlyManager`].
    ///
    /// # Events
    /// [`PoolPrivacyChanged`].
    #[inline(always)]
    pub fn set_pool_privacy(&mut self, pool_id: U256, is_private: bool) -> Result<(), E> {
        let mut config = self.managed(pool_id)?;
        config.is_private = is_private;
        self.set_config(&config);
        self.emit(
            PoolPrivacyChanged::SIGNATURE_HASH,
            &[pool_id.into(), config.manager.into_word()],
            &[U256::from(is_private as u8)],
        );
        Ok(())
    }

    /// Walks the pool's bucket starts and tranche ends up to now (at most
    /// [`MAX_BUCKETS_PER_CALL`] bucket starts; call again if it stopped short). Anyone.
    ///
    /// # Errors
    /// [`PoolNotFound`], [`MathOverflow`].
    ///
    /// # Events
    /// [`BucketExpired`] for each bucket start that cut the rate; [`TrancheExpired`] for each
    /// tranche that expired with shares, then [`ActiveStakeUpdated`].
    #[inline(always)]
    pub fn process_expirations(&mut self, pool_id: U256) -> Result<(), E> {
        let pool = self.config(pool_id)?.pool;
        let mut state = self.load_state(pool);
        self.advance(pool, &mut state, false)?;
        self.store(pool, &mut state);
        Ok(())
    }

    /// Allocates `amount_nxm` of cover of product `product_id` in pool `pool_id` through the
    /// staking-products contract, passing the stakes of the 8 open tranches
    /// (`activeStake·trancheShares/supply`), and starts the premium's reward stream: 50 % of
    /// the premium, `rate = floor(rewards/streamSecs)` NXM a second until the end of the bucket
    /// in which `now + period + grace` falls; `rate·streamSecs` is minted to this contract.
    /// Returns `(premiumNxm, allocationId)`. Cover contract only.
    ///
    /// # Errors
    /// [`Unauthorized`], [`PoolNotFound`], [`PoolHalted`], [`ExpirationsPending`],
    /// [`MathOverflow`]; the staking products' revert (e.g. `InsufficientCapacity`) or the
    /// token's, passed on.
    ///
    /// # Events
    /// Expirations' events, [`RewardsStreamed`] when a stream starts.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub fn request_allocation(
        &mut self,
        pool_id: U256,
        product_id: U256,
        amount_nxm: U256,
        period_secs: U256,
        grace_period_secs: U256,
        use_fixed_price: bool,
        capacity_reduction_bps: U256,
        min_price_bps: U256,
    ) -> Result<(U256, U256), E> {
        self.only(self.contract(H_COVER))?;
        let config = self.config(pool_id)?;
        if config.is_halted {
            return fail(PoolHalted::SELECTOR, &[pool_id]);
        }
        let pool = config.pool;
        let mut state = self.processed(pool)?;
        self.store(pool, &mut state);
        let (first, stakes) = self.tranche_stakes_of(pool, &state)?;
        let mut words = vec![
            pool_id,
            product_id,
            amount_nxm,
            period_secs,
            grace_period_secs,
            U256::from(use_fixed_price as u8),
            capacity_reduction_bps,
            min_price_bps,
            U256::from(first),
        ];
        words.extend_from_slice(&stakes);
        let data = encode(&allocateCall::SELECTOR, &words);
        let answer = self.call_out(self.contract(H_STAKING_PRODUCTS), U256::ZERO, &data, 2)?;
        let (premium_nxm, allocation_id) = (word_at(&answer, 0), word_at(&answer, 1));
        let now = self.now();
        let (rate, end, bucket) = self.stream(premium_nxm, now, period_secs, grace_period_secs)?;
        if rate != 0 {
            // rate·streamSecs ≤ the rewards, which fit (rate does).
            let minted = rate * u128::from(end - now);
            state.reward_per_second = add(state.reward_per_second, rate)?;
            let cut = add(self.pair(K_CUT, pool, bucket).0, rate)?;
            self.set_pair(K_CUT, pool, bucket, cut, 0);
            self.store(pool, &mut state);
            self.emit(
                RewardsStreamed::SIGNATURE_HASH,
                &[pool_id.into(), allocation_id.into()],
                &[U256::from(minted), U256::from(rate), U256::from(end)],
            );
            let this = self.vm().contract_address();
            let data = encode(
                &nxmMintCall::SELECTOR,
                &[address_word(this), U256::from(minted)],
            );
            self.call_out(self.contract(H_NXM_TOKEN), U256::ZERO, &data, 0)?;
        }
        Ok((premium_nxm, allocation_id))
    }

    /// Frees allocation `allocation_id` of pool `pool_id` in full. When `premium_nxm` > 0 (an
    /// edit cuts the cover short) the allocation's reward stream is recomputed exactly as at
    /// allocation (from `start_secs`, `period_secs`, `grace_period_secs`) and, if it has not
    /// ended, removed from the rate and its bucket's cut, and its unstreamed rewards
    /// `rate·(streamEnd − now)` burned from this contract. Cover contract only.
    ///
    /// # Errors
    /// [`Unauthorized`], [`PoolNotFound`], [`ExpirationsPending`], [`MathOverflow`] (also for a
    /// stream larger than the pool's rate or its bucket's cut); the token's or the staking
    /// products' revert (e.g. `AlreadyDeallocated`), passed on.
    ///
    /// # Events
    /// Expirations' events, [`RewardsBurned`] when rewards are burned.
    #[inline(always)]
    pub fn request_deallocation(
        &mut self,
        pool_id: U256,
        allocation_id: U256,
        premium_nxm: U256,
        start_secs: U256,
        period_secs: U256,
        grace_period_secs: U256,
    ) -> Result<(), E> {
        self.only(self.contract(H_COVER))?;
        let pool = self.config(pool_id)?.pool;
        let mut state = self.processed(pool)?;
        let now = self.now();
        let mut burned = 0;
        if !premium_nxm.is_zero() {
            let start = to_u64(start_secs)?;
            let (rate, end, bucket) =
                self.stream(premium_nxm, start, period_secs, grace_period_secs)?;
            if now < end && rate != 0 {
                state.reward_per_second = sub(state.reward_per_second, rate)?;
                let cut = sub(self.pair(K_CUT, pool, bucket).0, rate)?;
                self.set_pair(K_CUT, pool, bucket, cut, 0);
                // Below rate·streamSecs.
                burned = rate * u128::from(end - now);
                self.emit(
                    RewardsBurned::SIGNATURE_HASH,
                    &[pool_id.into(), allocation_id.into()],
                    &[U256::from(burned)],
                );
            }
        }
        self.store(pool, &mut state);
        if burned != 0 {
            self.burn_nxm(burned)?;
        }
        self.deallocate(pool_id, allocation_id, U256::MAX)
    }

    /// Burns `min(burn_nxm, activeStake − 1)` of pool `pool_id`'s active stake for a claim
    /// (every active tranche loses in proportion: shares do not change); a burn of everything
    /// leaves 1 wei and halts the pool. Then frees `deallocate_nxm` of the allocation (none if
    /// 0). Returns the NXM burned. Cover contract only.
    ///
    /// # Errors
    /// [`Unauthorized`], [`PoolNotFound`], [`ExpirationsPending`], [`MathOverflow`]; the
    /// token's or the staking products' revert, passed on.
    ///
    /// # Events
    /// Expirations' events, [`PoolHaltedByBurn`] when it halts, [`StakeBurned`],
    /// [`ActiveStakeUpdated`].
    #[inline(always)]
    pub fn burn_stake(
        &mut self,
        pool_id: U256,
        allocation_id: U256,
        burn_nxm: U256,
        deallocate_nxm: U256,
    ) -> Result<U256, E> {
        self.only(self.contract(H_COVER))?;
        let mut config = self.config(pool_id)?;
        let mut state = self.processed(config.pool)?;
        let most = state.active_stake.saturating_sub(1);
        let burned = if burn_nxm > U256::from(most) {
            most
        } else {
            burn_nxm.to()
        };
        state.active_stake -= burned;
        // `burn > burned` exactly when the burn would take the whole stake.
        if burn_nxm > U256::from(burned) && !config.is_halted {
            config.is_halted = true;
            self.set_config(&config);
            self.emit(PoolHaltedByBurn::SIGNATURE_HASH, &[pool_id.into()], &[]);
        }
        self.store(config.pool, &mut state);
        self.emit(
            StakeBurned::SIGNATURE_HASH,
            &[pool_id.into()],
            &[U256::from(burned)],
        );
        self.log_active_stake(config.pool, &state);
        if burned != 0 {
            self.burn_nxm(burned)?;
        }
        if !deallocate_nxm.is_zero() {
            self.deallocate(pool_id, allocation_id, deallocate_nxm)?;
        }
        Ok(U256::from(burned))
    }

    /// Sets the contracts the pools trust: the NXM token, the stake position NFT, the staking
    /// products, the cover contract and the pool registry. Governance only; each must hold code.
    ///
    /// # Errors
    /// [`Unauthorized`]; [`ZeroAddress`]; [`NotAContract`].
    ///
    /// # Events
    /// [`ContractsSet`].
    #[inline(always)]
    pub fn set_contracts(
        &mut self,
        nxm_token: Address,
        stake_nft: Address,
        staking_products: Address,
        cover: Address,
        pool_registry: Address,
    ) -> Result<(), E> {
        self.only(self.contract(H_GOVERNANCE))?;
        let contracts = [nxm_token, stake_nft, staking_products, cover, pool_registry];
        for account in contracts {
            if account.is_zero() {
                return fail(ZeroAddress::SELECTOR, &[]);
            }
            if self.vm().code_size(account) == 0 {
                return fail(NotAContract::SELECTOR, &[address_word(account)]);
            }
        }
        for (index, account) in contracts.into_iter().enumerate() {
            self.set_contract(H_NXM_TOKEN + index as u64, account);
        }
        let mut words = [U256::ZERO; 5];
        for (word, account) in words.iter_mut().zip(contracts) {
            *word = address_word(account);
        }
        self.emit(ContractsSet::SIGNATURE_HASH, &[], &words);
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
        let previous = self.contract(H_GOVERNANCE);
        self.only(previous)?;
        if new_governance.is_zero() {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        self.set_contract(H_GOVERNANCE, new_governance);
        self.emit(
            GovernanceChanged::SIGNATURE_HASH,
            &[previous.into_word(), new_governance.into_word()],
            &[],
        );
        Ok(())
    }

    /// The number of pools (their ids are 1..=count).
    #[inline(always)]
    pub fn pool_count(&self) -> U256 {
        self.word(K_HEADER, 0, H_POOL_COUNT)
    }

    /// The pool's manager (zero for no pool).
    #[inline(always)]
    pub fn manager(&self, pool_id: U256) -> Address {
        match self.config(pool_id) {
            Ok(config) => config.manager,
            Err(_) => Address::ZERO,
        }
    }

    /// Membership's question: whether `member` manages a pool or owns a stake position (asked
    /// of the stake NFT: `balanceOf`; none before the contracts are set).
    ///
    /// # Errors
    /// The stake NFT's revert, passed on; an empty revert for a short answer.
    #[inline(always)]
    pub fn has_member_state(&self, member: Address) -> Result<bool, E> {
        if !self.read(manager_slot(member)).is_zero() {
            return Ok(true);
        }
        let nft = self.contract(H_STAKE_NFT);
        if nft.is_zero() {
            return Ok(false);
        }
        let data = encode(&nftBalanceOfCall::SELECTOR, &[address_word(member)]);
        Ok(!word_at(&self.view_call(nft, &data, 1)?, 0).is_zero())
    }

    /// `(firstActiveTrancheId, stake of each of the 8 open tranches from it)` as of now.
    ///
    /// # Errors
    /// [`PoolNotFound`]; [`MathOverflow`].
    #[inline(always)]
    pub fn tranche_stakes(&self, pool_id: U256) -> Result<(U256, [U256; 8]), E> {
        let pool = self.config(pool_id)?.pool;
        let (state, _) = self.state_now(pool)?;
        let (first, stakes) = self.tranche_stakes_of(pool, &state)?;
        Ok((U256::from(first), stakes))
    }

    /// The pool of a position (0: no such position).
    #[inline(always)]
    pub fn token_pool(&self, token_id: U256) -> U256 {
        U256::from(self.token_pool_of(token_id))
    }

    /// The raw words at `keys` (the layout of `staking_records`: `slot(kind, a, b)`), zero
    /// where nothing was written: the staking viewer computes the dApp views from them. (The
    /// deployed router answers from the calldata's keys in place, with the same reads.)
    pub fn words(&self, keys: Vec<U256>) -> Vec<U256> {
        keys.into_iter().map(|key| self.read(key)).collect()
    }

    /// The trusted contracts: `(NXM token, stake NFT, staking products, cover, pool registry)`.
    #[inline(always)]
    pub fn contracts(&self) -> (Address, Address, Address, Address, Address) {
        (
            self.contract(H_NXM_TOKEN),
            self.contract(H_STAKE_NFT),
            self.contract(H_STAKING_PRODUCTS),
            self.contract(H_COVER),
            self.contract(H_POOL_REGISTRY),
        )
    }

    /// The address holding the governance role.
    #[inline(always)]
    pub fn governance(&self) -> Address {
        self.contract(H_GOVERNANCE)
    }
}

#[cfg(not(feature = "export-abi"))]
impl StakingPool {
    /// Sets the governance role and the day length (86 400 on real networks; a few seconds on
    /// devnets, so that tranches and buckets pass in minutes).
    ///
    /// # Errors
    /// [`ZeroAddress`] for a zero governance; [`InvalidDaySecs`] outside 1..=86 400.
    ///
    /// # Events
    /// [`GovernanceChanged`] (from zero).
    pub fn constructor(&mut self, governance: Address, day_secs: u64) -> Result<(), E> {
        if governance.is_zero() {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        if day_secs == 0 || day_secs > MAX_DAY_SECS {
            return fail(InvalidDaySecs::SELECTOR, &[U256::from(day_secs)]);
        }
        self.set_contract(H_GOVERNANCE, governance);
        // The day length lives in the top limb of the token's word.
        self.set_word(
            K_HEADER,
            0,
            H_NXM_TOKEN,
            U256::from_limbs([0, 0, 0, day_secs]),
        );
        self.emit(
            GovernanceChanged::SIGNATURE_HASH,
            &[B256::ZERO, governance.into_word()],
            &[],
        );
        Ok(())
    }
}

impl StakingPool {
    /// [`StakingPool::register_pool`] with its `products` as their ABI encoding: `count`
    /// products of three words each, in `products` (96·count bytes), which the router takes from
    /// the calldata as they are (it checked that they lie inside it; any words are products to
    /// this contract, and the staking products validate each one) and passes on unchanged.
    #[inline(always)]
    fn register(
        &mut self,
        manager: Address,
        is_private: bool,
        initial_fee_percent: U256,
        max_fee_percent: U256,
        count: usize,
        products: &[u8],
    ) -> Result<U256, E> {
        self.only(self.contract(H_POOL_REGISTRY))?;
        let count_word = self.word(K_HEADER, 0, H_POOL_COUNT).as_limbs()[0];
        if count_word >= u64::from(u32::MAX) {
            return Err(overflow());
        }
        let pool = count_word + 1;
        self.set_word(K_HEADER, 0, H_POOL_COUNT, U256::from(pool));
        let config = Config {
            pool,
            manager,
            is_private,
            is_halted: false,
            fee: initial_fee_percent.saturating_to(),
            max_fee: max_fee_percent.saturating_to(),
        };
        self.set_config(&config);
        self.set_pair(K_REWARDS, pool, 0, 0, self.now().into());
        // Below 2^32 pools: the count cannot wrap.
        let managed = manager_slot(manager);
        self.words
            .insert(managed, self.read(managed) + U256::from(1u8));
        let pool_id = U256::from(pool);
        // initializeProducts(poolId, (uint256,uint256,uint256)[]): the array's offset, length
        // and elements follow the pool id.
        let mut data = encode(
            &initializeProductsCall::SELECTOR,
            &[pool_id, U256::from(64u8), U256::from(count)],
        );
        data.extend_from_slice(products);
        self.call_out(self.contract(H_STAKING_PRODUCTS), U256::ZERO, &data, 0)?;
        Ok(pool_id)
    }

    /// [`StakingPool::withdraw`] with its `tranche_ids` as their ABI encoding (32 bytes each),
    /// as the router takes them from the calldata.
    #[inline(always)]
    fn withdraw_from(
        &mut self,
        pool_id: U256,
        token_id: U256,
        withdraw_stake: bool,
        withdraw_rewards: bool,
        tranche_ids: &[u8],
    ) -> Result<(U256, U256), E> {
        let caller = self.vm().msg_sender();
        let config = self.config(pool_id)?;
        let pool = config.pool;
        let fee_position = token_id.is_zero();
        let (token, recipient) = if fee_position {
            if caller != config.manager {
                return Err(only_manager(caller, pool_id));
            }
            (0, caller)
        } else {
            let token_pool = self.token_pool_of(token_id);
            if token_pool != pool {
                return Err(wrong_pool(token_id, token_pool, pool_id));
            }
            let data = encode(&ownerOfCall::SELECTOR, &[token_id]);
            let owner = word_at(&self.view_call(self.contract(H_STAKE_NFT), &data, 1)?, 0);
            let owner = Address::from_word(owner.into());
            if owner != caller && !self.is_approved(caller, token_id)? {
                return Err(not_approved(caller, token_id));
            }
            (token_id.to(), owner)
        };
        let mut state = self.processed(pool)?;
        let current = self.current_tranche();
        let withdraw_stake = withdraw_stake && !fee_position;
        let (mut total_stake, mut total_rewards) = (0u128, 0u128);
        for tranche_id in tranche_ids.chunks_exact(32) {
            let tranche_id = word_at(tranche_id, 0);
            let tranche: u64 = tranche_id.saturating_to();
            let expired = tranche < current;
            if withdraw_stake && !expired {
                return fail(TrancheNotExpired::SELECTOR, &[tranche_id]);
            }
            let (mut stake, mut pending, acc) =
                self.position_value(pool, token, tranche, expired, &state, &[])?;
            let rewards = if withdraw_rewards {
                core::mem::take(&mut pending)
            } else {
                0
            };
            if fee_position {
                // A fee position without shares keeps no accumulator (no fresh word for it).
                let shares = self.position(pool, Some(0), tranche).0;
                let last = if shares == 0 { 0 } else { acc };
                self.set_pair(K_FEE, pool, tranche, last, pending);
            } else {
                let mut shares = self.pair(K_POSITION, token, tranche).0;
                if withdraw_stake {
                    shares = 0;
                } else {
                    stake = 0;
                }
                let last = if shares == 0 { 0 } else { acc };
                self.set_pair(K_POSITION, token, tranche, shares, last);
                self.set_pair(K_PENDING, token, tranche, pending, 0);
            }
            self.emit(
                Withdraw::SIGNATURE_HASH,
                &[caller.into_word(), token_id.into()],
                &[tranche_id, U256::from(stake), U256::from(rewards)],
            );
            total_stake = add(total_stake, stake)?;
            total_rewards = add(total_rewards, rewards)?;
        }
        self.store(pool, &mut state);
        let total = add(total_stake, total_rewards)?;
        if total != 0 {
            // The token returns `true` or reverts: its answer is not read.
            let data = encode(
                &transferCall::SELECTOR,
                &[address_word(recipient), U256::from(total)],
            );
            self.call_out(self.contract(H_NXM_TOKEN), U256::ZERO, &data, 0)?;
        }
        Ok((U256::from(total_stake), U256::from(total_rewards)))
    }

    /// Reverts with [`Unauthorized`] unless the caller is `role` (a zero role admits no one).
    fn only(&self, role: Address) -> Result<(), E> {
        let caller = self.vm().msg_sender();
        if role.is_zero() || caller != role {
            return fail(Unauthorized::SELECTOR, &[address_word(caller)]);
        }
        Ok(())
    }

    // ----- words -----

    #[inline(never)]
    fn set_word(&mut self, kind: u8, a: u64, b: u64, value: U256) {
        self.words.insert(slot(kind, a, b), value);
    }

    /// Stores `low | high << 128` in word `(kind, a, b)`.
    #[inline(never)]
    fn set_pair(&mut self, kind: u8, a: u64, b: u64, low: u128, high: u128) {
        self.set_word(kind, a, b, word_of(low, high));
    }

    /// Sets a trusted address of the header, keeping what its word holds above it.
    fn set_contract(&mut self, index: u64, account: Address) {
        let mut limbs = address_word(account).into_limbs();
        limbs[3] = self.word(K_HEADER, 0, index).as_limbs()[3];
        self.set_word(K_HEADER, 0, index, U256::from_limbs(limbs));
    }

    // ----- pools -----

    /// The pool's settings, or [`PoolNotFound`] (also for ids beyond 32 bits, which no pool
    /// has).
    #[inline(never)]
    fn config(&self, pool_id: U256) -> Result<Config, E> {
        match self.pool_config(pool_id) {
            Some(config) => Ok(config),
            None => fail(PoolNotFound::SELECTOR, &[pool_id]),
        }
    }

    /// Stores a pool's settings.
    fn set_config(&mut self, config: &Config) {
        self.set_word(K_POOL, config.pool, 0, config.word());
    }

    /// The settings of a pool the caller manages, or [`OnlyManager`].
    fn managed(&self, pool_id: U256) -> Result<Config, E> {
        let config = self.config(pool_id)?;
        let caller = self.vm().msg_sender();
        if caller != config.manager {
            return Err(only_manager(caller, pool_id));
        }
        Ok(config)
    }

    /// The settings of a pool that takes stake from `caller`: not halted, public or managed by
    /// the caller.
    fn open_pool(&self, pool_id: U256, caller: Address) -> Result<Config, E> {
        let config = self.config(pool_id)?;
        if config.is_halted {
            return fail(PoolHalted::SELECTOR, &[pool_id]);
        }
        if config.is_private && caller != config.manager {
            return fail(PrivatePool::SELECTOR, &[pool_id]);
        }
        Ok(config)
    }

    /// `tranche_id` if it is open (the current tranche or one of the next seven).
    fn open_tranche(&self, tranche_id: U256) -> Result<u64, E> {
        let current = self.current_tranche();
        let last = current + MAX_ACTIVE_TRANCHES - 1;
        if tranche_id < U256::from(current) {
            return fail(
                RequestedTrancheIsExpired::SELECTOR,
                &[tranche_id, U256::from(current)],
            );
        }
        if tranche_id > U256::from(last) {
            return fail(
                RequestedTrancheIsNotYetActive::SELECTOR,
                &[tranche_id, U256::from(last)],
            );
        }
        Ok(tranche_id.to())
    }

    /// Stores a pool's accounting (an unchanged word costs no write), adding the rewards that
    /// streamed to no one to the stored figure (once: the state's count is reset).
    #[inline(never)]
    fn store(&mut self, pool: u64, state: &mut PoolState) {
        self.set_pair(
            K_STAKE,
            pool,
            0,
            state.active_stake,
            state.reward_per_second,
        );
        self.set_pair(K_SHARES, pool, 0, state.stake_supply, state.reward_supply);
        self.set_pair(K_REWARDS, pool, 0, state.acc, state.updated_at.into());
        if state.undistributed != 0 {
            // Below the rewards ever minted: cannot overflow.
            let total = self.pair(K_UNDISTRIBUTED, pool, 0).0 + state.undistributed;
            self.set_pair(K_UNDISTRIBUTED, pool, 0, total, 0);
            state.undistributed = 0;
        }
    }

    // ----- positions -----

    fn set_token_pool(&mut self, token: u64, pool: u64) {
        let (word, shift) = (token >> 3, (token & 7) * 32);
        let (mut low, mut high) = self.pair(K_TOKEN_POOLS, word, 0);
        let lanes = if shift < 128 { &mut low } else { &mut high };
        let shift = shift % 128;
        *lanes = (*lanes & !(u128::from(u32::MAX) << shift)) | (u128::from(pool) << shift);
        self.set_pair(K_TOKEN_POOLS, word, 0, low, high);
    }

    /// Checks that `token_id` belongs to `pool` and that `caller` owns it or is approved;
    /// returns it.
    fn check_token(&self, pool: u64, token_id: U256, caller: Address) -> Result<u64, E> {
        let token_pool = self.token_pool_of(token_id);
        if token_pool != pool {
            return Err(wrong_pool(token_id, token_pool, U256::from(pool)));
        }
        if !self.is_approved(caller, token_id)? {
            return Err(not_approved(caller, token_id));
        }
        Ok(token_id.to())
    }

    /// [`Records::position_value_of`] for a position of the pool.
    fn position_value(
        &self,
        pool: u64,
        token: u64,
        tranche: u64,
        expired: bool,
        state: &PoolState,
        steps: &[Step],
    ) -> Result<(u128, u128, u128), E> {
        Ok(self.position_value_of(pool, Some(token), tranche, expired, state, steps)?)
    }

    /// Empties a position (its stake and rewards have moved elsewhere).
    fn clear_position(&mut self, token: u64, tranche: u64) {
        self.set_pair(K_POSITION, token, tranche, 0, 0);
        self.set_pair(K_PENDING, token, tranche, 0, 0);
    }

    /// Adds a deposit of `amount` for `shares` stake shares to `token` in `tranche`, with the
    /// manager's `shares·fee/(100−fee)` fee reward shares on the tranche's fee position (both
    /// positions settled to the accumulator first).
    fn add_stake(
        &mut self,
        config: &Config,
        state: &mut PoolState,
        token: u64,
        tranche: u64,
        shares: u128,
        amount: u128,
    ) -> Result<(), E> {
        let pool = config.pool;
        let fee_shares = fee_shares_for(shares, config.fee)?;
        let (stake_shares, reward_shares) = self.pair(K_TRANCHE, pool, tranche);
        self.settle_fee(
            pool,
            tranche,
            state.acc,
            reward_shares - stake_shares,
            fee_shares,
        )?;
        let added_rewards = add(shares, fee_shares)?;
        let stake_shares = add(stake_shares, shares)?;
        let reward_shares = add(reward_shares, added_rewards)?;
        self.set_pair(K_TRANCHE, pool, tranche, stake_shares, reward_shares);
        self.credit(token, tranche, shares, state.acc, 0)?;
        state.active_stake = add(state.active_stake, amount)?;
        state.stake_supply = add(state.stake_supply, shares)?;
        state.reward_supply = add(state.reward_supply, added_rewards)?;
        Ok(())
    }

    /// Adds `shares` and `pending` to a token's position in `tranche`, settling it to `acc`.
    fn credit(
        &mut self,
        token: u64,
        tranche: u64,
        shares: u128,
        acc: u128,
        pending: u128,
    ) -> Result<(), E> {
        let (held, last) = self.pair(K_POSITION, token, tranche);
        let earned = settle(acc, last, held, pending)?;
        if earned != 0 {
            let total = add(self.pair(K_PENDING, token, tranche).0, earned)?;
            self.set_pair(K_PENDING, token, tranche, total, 0);
        }
        self.set_pair(K_POSITION, token, tranche, add(held, shares)?, acc);
        Ok(())
    }

    /// Settles the fee position of `tranche` (holding `old_shares` reward shares) to `acc`
    /// before its shares change to `new_shares`; a position that holds none before or after
    /// keeps no accumulator.
    fn settle_fee(
        &mut self,
        pool: u64,
        tranche: u64,
        acc: u128,
        old_shares: u128,
        new_shares: u128,
    ) -> Result<(), E> {
        if old_shares == 0 && new_shares == 0 {
            return Ok(());
        }
        let (last, pending) = self.pair(K_FEE, pool, tranche);
        let pending = settle(acc, last, old_shares, pending)?;
        self.set_pair(K_FEE, pool, tranche, acc, pending);
        Ok(())
    }

    /// Changes `tranche`'s stake shares by `+added − removed` and sets its fee position to
    /// `floor(stakeShares·fee/(100−fee))` reward shares (settled first), updating the pool's
    /// reward-share supply. An empty tranche that gains nothing is left alone.
    fn rebase_fee(
        &mut self,
        pool: u64,
        state: &mut PoolState,
        tranche: u64,
        added: u128,
        removed: u128,
        fee: u8,
    ) -> Result<(), E> {
        let (stake_shares, reward_shares) = self.pair(K_TRANCHE, pool, tranche);
        if reward_shares == 0 && added == 0 {
            return Ok(());
        }
        let old_fee_shares = reward_shares - stake_shares;
        let stake_shares = add(stake_shares, added)?.saturating_sub(removed);
        let fee_shares = fee_shares_for(stake_shares, fee)?;
        self.settle_fee(pool, tranche, state.acc, old_fee_shares, fee_shares)?;
        let new_reward_shares = add(stake_shares, fee_shares)?;
        self.set_pair(K_TRANCHE, pool, tranche, stake_shares, new_reward_shares);
        state.reward_supply =
            add(state.reward_supply, new_reward_shares)?.saturating_sub(reward_shares);
        Ok(())
    }

    // ----- expirations and rewards -----

    /// The pool's accounting brought to now, its expirations stored and logged; reverts with
    /// [`ExpirationsPending`] if one call cannot walk that far.
    fn processed(&mut self, pool: u64) -> Result<PoolState, E> {
        let mut state = self.load_state(pool);
        self.advance(pool, &mut state, true)?;
        Ok(state)
    }

    /// Walks up to [`MAX_BUCKETS_PER_CALL`] bucket starts toward now, storing each expired
    /// tranche's snapshot and logging the steps; returns whether it reached now. If it did not
    /// and `to_now`, reverts with [`ExpirationsPending`] before storing anything.
    fn advance(&mut self, pool: u64, state: &mut PoolState, to_now: bool) -> Result<bool, E> {
        let mut steps = Vec::new();
        let done = self.walk(pool, state, MAX_BUCKETS_PER_CALL, &mut steps)?;
        if to_now && !done {
            return fail(
                ExpirationsPending::SELECTOR,
                &[U256::from(pool), U256::from(state.updated_at)],
            );
        }
        let pool_topic: B256 = U256::from(pool).into();
        let mut expired = false;
        for step in steps {
            let id = U256::from(step.id);
            if step.tranche {
                expired = true;
                self.set_pair(K_EXPIRY, pool, step.id, step.acc, step.stake);
                self.emit(
                    TrancheExpired::SIGNATURE_HASH,
                    &[pool_topic],
                    &[id, U256::from(step.stake)],
                );
            } else {
                self.emit(BucketExpired::SIGNATURE_HASH, &[pool_topic], &[id]);
            }
        }
        if expired {
            self.log_active_stake(pool, state);
        }
        Ok(done)
    }

    /// `(rate, streamEnd, its bucket)` of the reward stream of a premium whose cover starts at
    /// `start`.
    fn stream(
        &self,
        premium_nxm: U256,
        start: u64,
        period_secs: U256,
        grace_period_secs: U256,
    ) -> Result<(u128, u64, u64), E> {
        let bucket_secs = self.periods().1;
        let end = math::reward_stream_end_secs(
            start,
            to_u64(period_secs)?,
            to_u64(grace_period_secs)?,
            bucket_secs,
        )
        .map_err(math_error)?;
        let (rate, _) = math::reward_stream(premium_nxm, U256::from(REWARD_RATIO_BPS), end - start)
            .map_err(math_error)?;
        Ok((narrow(rate)?, end, end / bucket_secs))
    }

    // ----- calls and logs -----

    /// Moves `amount` of `from`'s NXM into this contract (an operator transfer).
    fn take_nxm(&mut self, from: Address, amount: U256) -> Result<(), E> {
        let this = self.vm().contract_address();
        let data = encode(
            &operatorTransferCall::SELECTOR,
            &[address_word(from), address_word(this), amount],
        );
        self.call_out(self.contract(H_NXM_TOKEN), U256::ZERO, &data, 0)?;
        Ok(())
    }

    /// Burns `amount` of this contract's NXM.
    fn burn_nxm(&mut self, amount: u128) -> Result<(), E> {
        let this = self.vm().contract_address();
        let data = encode(
            &operatorBurnCall::SELECTOR,
            &[address_word(this), U256::from(amount)],
        );
        self.call_out(self.contract(H_NXM_TOKEN), U256::ZERO, &data, 0)?;
        Ok(())
    }

    /// Frees `amount` of allocation `allocation_id` in the staking products.
    fn deallocate(&mut self, pool_id: U256, allocation_id: U256, amount: U256) -> Result<(), E> {
        let data = encode(&deallocateCall::SELECTOR, &[pool_id, allocation_id, amount]);
        self.call_out(self.contract(H_STAKING_PRODUCTS), U256::ZERO, &data, 0)?;
        Ok(())
    }

    /// Whether `spender` owns position `token_id` or is approved for it (asked of the NFT).
    fn is_approved(&self, spender: Address, token_id: U256) -> Result<bool, E> {
        let data = encode(
            &isApprovedOrOwnerCall::SELECTOR,
            &[address_word(spender), token_id],
        );
        Ok(!word_at(&self.view_call(self.contract(H_STAKE_NFT), &data, 1)?, 0).is_zero())
    }

    fn log_active_stake(&self, pool: u64, state: &PoolState) {
        self.emit(
            ActiveStakeUpdated::SIGNATURE_HASH,
            &[U256::from(pool).into()],
            &[
                U256::from(state.active_stake),
                U256::from(state.stake_supply),
            ],
        );
    }

    /// Logs an event of signature `signature` with `indexed` topics and `words` of data.
    #[inline(never)]
    fn emit(&self, signature: B256, indexed: &[B256], words: &[U256]) {
        // raw_log fails only for more than four topics, which no event here has.
        let _ = self
            .vm()
            .raw_log(&topics(signature, indexed), &encode(&[], words));
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
    StakingPoolError(encode(&selector, args))
}

/// The manager's fee shares for `shares` at `fee` %: `floor(shares·fee/(100−fee))`.
fn fee_shares_for(shares: u128, fee: u8) -> Result<u128, E> {
    let value =
        math::manager_fee_shares(U256::from(shares), U256::from(fee)).map_err(math_error)?;
    Ok(narrow(value)?)
}

/// Stake shares for a deposit of `amount`, or [`InsufficientDepositAmount`] for none.
fn new_shares(amount: u128, state: &PoolState) -> Result<u128, E> {
    let shares = math::new_stake_shares(
        U256::from(amount),
        U256::from(state.stake_supply),
        U256::from(state.active_stake),
    )
    .map_err(math_error)?;
    if shares.is_zero() {
        return Err(insufficient(U256::from(amount)));
    }
    Ok(narrow(shares)?)
}

fn check_fee(fee: U256, max_fee: U256) -> Result<(), E> {
    if fee > max_fee {
        return fail(PoolFeeExceedsMax::SELECTOR, &[fee, max_fee]);
    }
    Ok(())
}

fn to_u64(value: U256) -> Result<u64, E> {
    u64::try_from(value).map_err(|_| overflow())
}

fn add(a: u128, b: u128) -> Result<u128, E> {
    a.checked_add(b).ok_or_else(overflow)
}

fn sub(a: u128, b: u128) -> Result<u128, E> {
    a.checked_sub(b).ok_or_else(overflow)
}

fn overflow() -> E {
    err(MathOverflow::SELECTOR, &[])
}

/// The staking math fails only outside the stored widths (or on a zero divisor, which the
/// callers rule out).
fn math_error(_: MathError) -> E {
    overflow()
}

fn insufficient(amount: U256) -> E {
    err(InsufficientDepositAmount::SELECTOR, &[amount])
}

fn only_manager(caller: Address, pool_id: U256) -> E {
    err(OnlyManager::SELECTOR, &[address_word(caller), pool_id])
}

fn wrong_pool(token_id: U256, token_pool: u64, pool_id: U256) -> E {
    err(
        InvalidStakingPoolForToken::SELECTOR,
        &[token_id, U256::from(token_pool), pool_id],
    )
}

fn not_approved(caller: Address, token_id: U256) -> E {
    err(
        NotTokenOwnerOrApproved::SELECTOR,
        &[address_word(caller), token_id],
    )
}

#[cfg(not(feature = "export-abi"))]
mod router;

#[cfg(test)]
mod tests;
