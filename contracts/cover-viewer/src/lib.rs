//! Cover viewer: the cover contract's read-only dApp views, split off the cover contract so
//! that it stays within the 20,480-byte budget (protocol-reference §5; the README's
//! architecture records the split).
//!
//! ABI: [`mutual_interfaces::cover_viewer`] (interface `ICoverViewer`).
//!
//! * [`CoverViewer::cover`], [`CoverViewer::cover_allocations`] and
//!   [`CoverViewer::active_cover`] read the cover contract's packed records through its raw
//!   view `ICover.records(keys)` and decode them with `cover_records`, the crate the cover
//!   contract packs them with: the layout is written once. Active cover subtracts the buckets
//!   expired since the last purchase, as the cover contract's `totalActiveCoverEth` does.
//! * [`CoverViewer::quote_premium`] prices a purchase as `buyCover` would, without buying:
//!   the pools' quotes (staking products' `quotePremium`) for the NXM amounts a purchase asks
//!   for, at the RAMM's internal price as of now (`state()`, which does not move its TWAP).
//!
//! The viewer stores only the cover contract's address (its constructor argument) and changes
//! nothing: it has no roles. Every other address (the RAMM, the staking pools) is read from
//! the cover contract's header at each call, so governance's `setContracts` on the cover
//! contract reaches the viewer at once; a new cover contract gets a new viewer.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!`.
#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use cover_records::{
    address_of, allocations_view, check_period, cover_view, day_secs, header_key, AllocationView,
    CoverView, PeriodError, ASSET_ETH, ASSET_NXM, NXM_TOKEN, RAMM, STAKING_POOL,
};
use mutual_interfaces::{
    cover::ICover,
    cover_viewer::{
        CoverAssetNotSupported, CoverNotFound, CoverPeriodTooLong, CoverPeriodTooShort,
        MathOverflow, NotAContract, ZeroAddress,
    },
    ramm::IRamm,
    staking_pool::IStakingPool,
    staking_products::IStakingProducts,
};
use mutual_math::{cover as math, fixed::WAD, MathError};
use stylus_sdk::{
    prelude::*, storage::StorageAddress, stylus_core::calls::errors::Error as CallError,
};

/// Every way a view (or the constructor) can fail.
#[derive(SolidityError)]
pub enum ViewerError {
    /// No cover with the id asked for.
    CoverNotFound(CoverNotFound),
    /// A quote for less than 28 days.
    CoverPeriodTooShort(CoverPeriodTooShort),
    /// A quote for more than 365 days.
    CoverPeriodTooLong(CoverPeriodTooLong),
    /// A quote in an asset other than ETH and NXM.
    CoverAssetNotSupported(CoverAssetNotSupported),
    /// A quote's arithmetic left the supported domain.
    MathOverflow(MathOverflow),
    /// A zero cover contract address.
    ZeroAddress(ZeroAddress),
    /// A cover contract address without code.
    NotAContract(NotAContract),
    /// A call to the cover contract, the RAMM, the staking pools or the staking products
    /// reverted: its revert data is passed on.
    // Not an ABI error of this contract (the callee's revert data is passed on as it is), and
    // the SDK's export-abi needs every variant to be a `sol!` error: left out of that build.
    #[cfg(not(feature = "export-abi"))]
    Call(CallError),
}

/// The export-abi binary only prints the interface and never calls another contract: this
/// `From` stands in for the `Call` variant's, so `?` on calls compiles in that build.
#[cfg(feature = "export-abi")]
impl From<CallError> for ViewerError {
    fn from(_: CallError) -> Self {
        unreachable!("the export-abi binary makes no calls")
    }
}

/// A math failure as [`ViewerError::MathOverflow`].
fn overflow(_: MathError) -> ViewerError {
    ViewerError::MathOverflow(MathOverflow {})
}

/// The viewer's storage: the cover contract it reads.
#[storage]
#[entrypoint]
pub struct CoverViewer {
    /// The cover contract.
    cover: StorageAddress,
}

#[public]
impl CoverViewer {
    /// Sets the cover contract to read.
    ///
    /// # Errors
    /// [`ViewerError::ZeroAddress`] for zero; [`ViewerError::NotAContract`] for an address
    /// without code.
    #[constructor]
    pub fn constructor(&mut self, cover: Address) -> Result<(), ViewerError> {
        if cover.is_zero() {
            return Err(ViewerError::ZeroAddress(ZeroAddress {}));
        }
        if self.vm().code_size(cover) == 0 {
            return Err(ViewerError::NotAContract(NotAContract { account: cover }));
        }
        self.cover.set(cover);
        Ok(())
    }

    /// `(premiumInAsset, premiumNxm)` for buying `pool_allocations` (`(poolId,
    /// coverAmountInAsset)`) of `product_id` in `cover_asset` for `period_secs` now, commission
    /// excluded: each pool's quote for `roundUp(ceil(amount · 1e18 / price), 0.01 NXM)`
    /// (`mutual_math::cover::cover_nxm_up`, what a purchase asks the pool to allocate), summed,
    /// and that NXM premium in the asset rounded up, as a purchase rounds. The price is the
    /// RAMM's internal price as of now for ETH (`state()`, without updating its TWAP) and 1 for
    /// NXM. The catalogue is not asked (a purchase checks the product, the asset and the pools).
    ///
    /// # Errors
    /// [`ViewerError::CoverPeriodTooShort`], [`ViewerError::CoverPeriodTooLong`] (the cover
    /// contract's day length); [`ViewerError::CoverAssetNotSupported`] for an asset other than
    /// ETH and NXM; the cover contract's, the RAMM's, the pools' and staking products' reverts,
    /// passed on; [`ViewerError::MathOverflow`].
    pub fn quote_premium(
        &self,
        product_id: U256,
        cover_asset: U256,
        period_secs: U256,
        pool_allocations: Vec<(U256, U256)>,
    ) -> Result<(U256, U256), ViewerError> {
        let header = self.read(vec![
            header_key(NXM_TOKEN),
            header_key(RAMM),
            header_key(STAKING_POOL),
        ])?;
        let word = |index: usize| header.get(index).copied().unwrap_or_default();
        match check_period(period_secs, day_secs(word(0))) {
            Ok(_) => {}
            Err(PeriodError::TooShort) => {
                return Err(ViewerError::CoverPeriodTooShort(CoverPeriodTooShort {
                    periodSecs: period_secs,
                }))
            }
            Err(PeriodError::TooLong) => {
                return Err(ViewerError::CoverPeriodTooLong(CoverPeriodTooLong {
                    periodSecs: period_secs,
                }))
            }
        }
        let price = if cover_asset == U256::from(ASSET_ETH) {
            IRamm::new(address_of(word(1)))
                .state(self.vm(), Call::new())?
                .3
        } else if cover_asset == U256::from(ASSET_NXM) {
            WAD
        } else {
            return Err(ViewerError::CoverAssetNotSupported(
                CoverAssetNotSupported {
                    productId: product_id,
                    coverAsset: cover_asset,
                },
            ));
        };
        let staking_products = IStakingPool::new(address_of(word(2)))
            .contracts(self.vm(), Call::new())?
            .2;
        let products = IStakingProducts::new(staking_products);
        let mut premium_nxm = U256::ZERO;
        for (pool_id, amount_in_asset) in pool_allocations {
            let nxm = math::cover_nxm_up(amount_in_asset, price).map_err(overflow)?;
            let quote = products.quote_premium(
                self.vm(),
                Call::new(),
                pool_id,
                product_id,
                nxm,
                period_secs,
            )?;
            // Saturating: a total near 2^256 fails the conversion below.
            premium_nxm = premium_nxm.saturating_add(quote);
        }
        let premium = math::nxm_to_asset_up(premium_nxm, price).map_err(overflow)?;
        Ok((premium, premium_nxm))
    }

    /// `(productId, coverAsset, amount, startSecs, periodSecs, gracePeriodSecs, originalCoverId,
    /// latestCoverId)`: the amount left after payouts; the period as cut by an edit; the
    /// original and the latest cover of its chain (both the cover itself for a cover never
    /// edited).
    ///
    /// # Errors
    /// [`ViewerError::CoverNotFound`]; the cover contract's revert, passed on.
    pub fn cover(&self, cover_id: U256) -> Result<CoverView, ViewerError> {
        cover_view(cover_id, &mut |keys| self.read(keys))?.ok_or(ViewerError::CoverNotFound(
            CoverNotFound { coverId: cover_id },
        ))
    }

    /// `(poolId, coverAmountNxm, premiumNxm, allocationId)` per pool carrying the cover, in the
    /// order of the purchase (payouts shrink the NXM and the premium).
    ///
    /// # Errors
    /// [`ViewerError::CoverNotFound`]; the cover contract's revert, passed on.
    pub fn cover_allocations(&self, cover_id: U256) -> Result<Vec<AllocationView>, ViewerError> {
        allocations_view(cover_id, &mut |keys| self.read(keys))?.ok_or(ViewerError::CoverNotFound(
            CoverNotFound { coverId: cover_id },
        ))
    }

    /// Active cover in `cover_asset` now: the buckets expired since the last purchase taken
    /// off (`cover_records::active_cover`); zero for an asset other than ETH and NXM.
    ///
    /// # Errors
    /// The cover contract's revert, passed on.
    pub fn active_cover(&self, cover_asset: U256) -> Result<U256, ViewerError> {
        let now = self.vm().block_timestamp();
        cover_records::active_cover(cover_asset, now, &mut |keys| self.read(keys))
    }

    /// The cover contract the viewer reads.
    pub fn cover_contract(&self) -> Address {
        self.cover.get()
    }
}

impl CoverViewer {
    /// The cover contract's stored words for `keys` (`ICover.records`).
    fn read(&self, keys: Vec<U256>) -> Result<Vec<U256>, ViewerError> {
        Ok(ICover::new(self.cover.get()).records(self.vm(), Call::new(), keys)?)
    }
}

#[cfg(test)]
mod tests;
