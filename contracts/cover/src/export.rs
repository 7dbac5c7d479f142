//! The `export-abi` build's router (never deployed): `scripts/export-abi.sh` runs that build to
//! print the contract's interface, which the SDK reads from a `#[public]` impl. The deployed
//! router (`router.rs`) dispatches by hand, so this one declares the same functions under
//! their `ICover` names for the export, each calling the deployed entrypoint.

use alloc::{string::String, vec::Vec};

use alloy_primitives::{Address, U256};
use stylus_sdk::prelude::*;

use crate::{Cover, CoverResult};

/// The `export-abi` build's router (never deployed): the typed entrypoints under their `ICover`
/// names, for the SDK to export the interface (`scripts/export-abi.sh`), each calling the
/// deployed one.
#[public]
impl Cover {
    /// [`Cover::constructor`].
    #[constructor]
    pub fn construct(&mut self, governance: Address, day_secs: U256) -> CoverResult<()> {
        self.constructor(governance, day_secs)
    }

    /// [`Cover::buy_cover`], with `ipfsData` as the `string` it is in the ABI.
    #[payable]
    #[selector(name = "buyCover")]
    #[allow(clippy::type_complexity)]
    pub fn export_buy_cover(
        &mut self,
        params: (
            U256,
            Address,
            U256,
            U256,
            U256,
            U256,
            U256,
            U256,
            U256,
            Address,
            String,
        ),
        pool_allocations: Vec<(U256, U256)>,
    ) -> CoverResult<U256> {
        let (a, b, c, d, e, f, g, h, i, j, text) = params;
        let params = (a, b, c, d, e, f, g, h, i, j, text.into_bytes());
        self.buy_cover(params, pool_allocations)
    }

    /// [`Cover::expire_cover`].
    #[selector(name = "expireCover")]
    pub fn export_expire_cover(&mut self, cover_id: U256) -> CoverResult<()> {
        self.expire_cover(cover_id)
    }

    /// [`Cover::burn_stake`].
    #[selector(name = "burnStake")]
    pub fn export_burn_stake(&mut self, cover_id: U256, payout_in_asset: U256) -> CoverResult<()> {
        self.burn_stake(cover_id, payout_in_asset)
    }

    /// [`Cover::set_contracts`].
    #[selector(name = "setContracts")]
    #[allow(clippy::too_many_arguments)]
    pub fn export_set_contracts(
        &mut self,
        nxm_token: Address,
        ramm: Address,
        capital_pool: Address,
        cover_products: Address,
        staking_pool: Address,
        cover_nft: Address,
        claims: Address,
    ) -> CoverResult<()> {
        self.set_contracts(
            nxm_token,
            ramm,
            capital_pool,
            cover_products,
            staking_pool,
            cover_nft,
            claims,
        )
    }

    /// [`Cover::set_governance`].
    #[selector(name = "setGovernance")]
    pub fn export_set_governance(&mut self, new_governance: Address) -> CoverResult<()> {
        self.set_governance(new_governance)
    }

    /// [`Cover::records`].
    #[selector(name = "records")]
    pub fn export_records(&self, keys: Vec<U256>) -> Vec<U256> {
        self.records(keys)
    }

    /// [`Cover::cover_count`].
    #[selector(name = "coverCount")]
    pub fn export_cover_count(&self) -> U256 {
        self.cover_count()
    }

    /// [`Cover::total_active_cover_eth`].
    #[selector(name = "totalActiveCoverEth")]
    pub fn export_total_active_cover_eth(&self) -> U256 {
        self.total_active_cover_eth()
    }

    /// [`Cover::contracts`].
    #[selector(name = "contracts")]
    pub fn export_contracts(
        &self,
    ) -> (
        Address,
        Address,
        Address,
        Address,
        Address,
        Address,
        Address,
    ) {
        self.contracts()
    }

    /// [`Cover::governance`].
    #[selector(name = "governance")]
    pub fn export_governance(&self) -> Address {
        self.governance()
    }
}
