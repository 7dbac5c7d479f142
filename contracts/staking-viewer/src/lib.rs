//! The staking viewer: the dApp views of the staking pools, apart from the `staking-pool`
//! contract so that it stays under the size budget (design.md: views that only a dApp needs
//! live in a viewer contract). No contract calls these views.
//!
//! It stores only the staking pool's address (set at deployment; a new staking pool gets a new
//! viewer, which has no state to move). Each view reads the words it needs through the pool's
//! raw `words(keys)` view and computes with the pool's own code, `staking_records` (the same
//! layout, unpacking, expirations walk and position values the pool settles with), as of the
//! current block: it answers what the pool's entrypoints would settle to in the same block.
//!
//! # Errors
//! [`PoolNotFound`] for a pool that does not exist, [`MathOverflow`] beyond the stored widths
//! (as the pool would), [`StakingPoolUnreadable`] when the pool's `words` call fails.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::vec::Vec;
use core::cell::Cell;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use mutual_interfaces::{
    staking_pool::abi::IStakingPool::wordsCall,
    staking_viewer::{
        MathOverflow, NotAContract, PoolNotFound, StakingPoolUnreadable, ZeroAddress,
    },
};
use staking_records::{views, views::Fault, Records};
use stylus_sdk::{call::RawCall, prelude::*, storage::StorageAddress};

/// Every way a view can fail.
#[derive(SolidityError)]
pub enum ViewerError {
    /// No such pool.
    PoolNotFound(PoolNotFound),
    /// A value beyond the stored widths.
    MathOverflow(MathOverflow),
    /// The staking pool's `words` call failed or answered short.
    StakingPoolUnreadable(StakingPoolUnreadable),
    /// A zero staking-pool address at deployment.
    ZeroAddress(ZeroAddress),
    /// A staking-pool address without code at deployment.
    NotAContract(NotAContract),
}

/// `pool()`'s answer (see [`StakingViewer::pool`]).
pub type PoolView = views::PoolView;

/// The viewer's storage: the staking pool it reads.
#[storage]
#[entrypoint]
pub struct StakingViewer {
    /// The staking pool.
    staking_pool: StorageAddress,
}

/// The staking pool's words as [`Records`], read through its `words` view (one static call per
/// word); `failed` remembers a failed read, which the view then reports.
struct Remote<'a> {
    viewer: &'a StakingViewer,
    pool: Address,
    failed: Cell<bool>,
}

impl Records for Remote<'_> {
    fn read(&self, key: U256) -> U256 {
        let data = wordsCall { keys: vec![key] }.abi_encode();
        // SAFETY: a static call cannot change this contract's storage (it has nothing to cache).
        let answer = unsafe { RawCall::new_static(self.viewer.vm()).call(self.pool, &data) };
        match answer {
            // `uint256[]` of one word: offset, length 1, the word.
            Ok(answer) if answer.len() >= 96 => U256::from_be_slice(&answer[64..96]),
            _ => {
                self.failed.set(true);
                U256::ZERO
            }
        }
    }

    fn now(&self) -> u64 {
        self.viewer.vm().block_timestamp()
    }
}

impl StakingViewer {
    /// Runs `view` over the staking pool's words, mapping its failure to this contract's errors.
    fn with<T>(
        &self,
        pool_id: U256,
        view: impl FnOnce(&Remote) -> Result<T, Fault>,
    ) -> Result<T, ViewerError> {
        let remote = Remote {
            viewer: self,
            pool: self.staking_pool.get(),
            failed: Cell::new(false),
        };
        let result = view(&remote);
        if remote.failed.get() {
            return Err(ViewerError::StakingPoolUnreadable(StakingPoolUnreadable {
                stakingPool: remote.pool,
            }));
        }
        result.map_err(|fault| match fault {
            Fault::PoolNotFound => ViewerError::PoolNotFound(PoolNotFound { poolId: pool_id }),
            Fault::Overflow => ViewerError::MathOverflow(MathOverflow {}),
        })
    }
}

#[public]
impl StakingViewer {
    /// Sets the staking pool the views read.
    ///
    /// # Errors
    /// [`ZeroAddress`]; [`NotAContract`] for an address without code.
    #[constructor]
    pub fn constructor(&mut self, staking_pool: Address) -> Result<(), ViewerError> {
        if staking_pool.is_zero() {
            return Err(ViewerError::ZeroAddress(ZeroAddress {}));
        }
        if self.vm().code_size(staking_pool) == 0 {
            return Err(ViewerError::NotAContract(NotAContract {
                account: staking_pool,
            }));
        }
        self.staking_pool.set(staking_pool);
        Ok(())
    }

    /// The pool as of now: `(manager, isPrivate, isHalted, feePercent, maxFeePercent,
    /// activeStakeNxm, stakeSharesSupply, rewardSharesSupply, rewardPerSecondNxm,
    /// accNxmPerRewardShareWad)`.
    pub fn pool(&self, pool_id: U256) -> Result<PoolView, ViewerError> {
        self.with(pool_id, |r| views::pool(r, pool_id))
    }

    /// `(stakeShares, rewardShares)` of a tranche (unchanged by its expiry).
    pub fn tranche(&self, pool_id: U256, tranche_id: U256) -> Result<(U256, U256), ViewerError> {
        self.with(pool_id, |r| views::tranche(r, pool_id, tranche_id))
    }

    /// `(accNxmPerRewardShareAtExpiryWad, stakeAtExpiryNxm, stakeSharesSupplyAtExpiry)` of a
    /// tranche as of now; zeros until it has expired.
    pub fn expired_tranche(
        &self,
        pool_id: U256,
        tranche_id: U256,
    ) -> Result<(U256, U256, U256), ViewerError> {
        self.with(pool_id, |r| views::expired_tranche(r, pool_id, tranche_id))
    }

    /// `(stakeShares, rewardShares, pendingRewardsNxm, lastAccNxmPerRewardShareWad)` of a
    /// position in a tranche as last settled (`token_id` 0: the fee position).
    pub fn deposit(
        &self,
        pool_id: U256,
        token_id: U256,
        tranche_id: U256,
    ) -> Result<(U256, U256, U256, U256), ViewerError> {
        self.with(pool_id, |r| {
            views::deposit(r, pool_id, token_id, tranche_id)
        })
    }

    /// `(stakeNxm, rewardsNxm)` a position (0: the fee position) could withdraw from
    /// `tranche_id` now.
    pub fn withdrawable(
        &self,
        pool_id: U256,
        token_id: U256,
        tranche_id: U256,
    ) -> Result<(U256, U256), ViewerError> {
        self.with(pool_id, |r| {
            views::withdrawable(r, pool_id, token_id, tranche_id)
        })
    }

    /// Rewards streamed while the pool had no reward shares, as of now.
    pub fn undistributed_rewards(&self, pool_id: U256) -> Result<U256, ViewerError> {
        self.with(pool_id, |r| views::undistributed_rewards(r, pool_id))
    }

    /// The staking pool the views read.
    pub fn staking_pool(&self) -> Address {
        self.staking_pool.get()
    }
}

#[cfg(test)]
mod tests;
