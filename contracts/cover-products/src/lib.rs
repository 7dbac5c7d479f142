//! The cover catalogue (protocol-reference §5 "Catalogue"): product types and products, read by
//! the cover contract on every purchase (`productForCover`) and by staking products when a pool
//! lists a product (`productForPool`).
//!
//! ABI: [`mutual_interfaces::cover_products`] (interface `ICoverProducts`, events, errors).
//!
//! * A **product type** has a claim method (only 0, V2's individual claims), a grace period in
//!   seconds (at most 365 days) and a metadata URI (required).
//! * A **product** has a type (which must exist), a minimum price (0 stores the 1 % default), an
//!   initial price within [minimum, 100 %], a capacity reduction of at most 100 %, the cover
//!   assets it may be bought in (a bitmap: bit 1 = ETH, bit 2 = NXM, 0 = both), the pools that may
//!   carry it (each an existing pool; none listed = any pool), fixed or dynamic pricing, a
//!   deprecation flag (no new cover) and a metadata URI (required).
//! * `setProductType` / `setProduct` with the id `type(uint256).max` create an entry (ids are
//!   sequential from 0, as in V2); any other id edits that entry. Covers snapshot what they need
//!   at purchase: an edit changes only later purchases.
//!
//! # Who may do what
//! * **Any advisory-board seat** (asked of membership) **or governance**: `setProductType`,
//!   `setProduct`.
//! * **Governance**: `setContracts`, `setGovernance`.
//! * **Anyone**: the views.
//!
//! # Storage
//! A product's numbers share one slot; each product keeps its allowed pools twice: a list (for
//! `allowedPools`) and a map `(product, pool) → bool`, so the cover contract's check of a pool
//! costs one read whatever the list's length. Every entrypoint checks everything before its
//! first storage write.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!`.
#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::{string::String, vec::Vec};

use abi_words::{address_word, encode, encode_with_text, topics};
use alloy_primitives::{Address, B256, U16, U256, U32, U64, U8};
use alloy_sol_types::{SolError, SolEvent};
use mutual_interfaces::{
    cover_products::{
        CapacityReductionRatioAbove100Percent, ContractsSet, CoverAssetNotSupported,
        GovernanceChanged, GracePeriodTooLong, InitialPriceRatioAbove100Percent,
        InitialPriceRatioBelowMinPriceRatio, InvalidClaimMethod, MetadataRequired,
        MinPriceRatioAbove100Percent, NotAContract, PoolNotAllowedForThisProduct,
        ProductDeprecated, ProductNotFound, ProductSet, ProductTypeNotFound, ProductTypeSet,
        StakingPoolDoesNotExist, Unauthorized, ZeroAddress, ASSET_BIT_ETH, ASSET_BIT_NXM,
        ASSET_ETH, ASSET_NXM, CLAIM_METHOD_INDIVIDUAL, NEW_ID,
    },
    membership::IMembership,
    staking_pool::IStakingPool,
};
use mutual_math::{fixed::BPS, pricing::DEFAULT_MIN_PRICE_BPS};
use stylus_sdk::{
    prelude::*,
    storage::{
        StorageAddress, StorageBool, StorageGuard, StorageMap, StorageU16, StorageU32, StorageU64,
        StorageU8, StorageVec,
    },
    stylus_core::calls::errors::Error as CallError,
};

/// The longest grace period a product type may have: 365 days, in seconds.
pub const MAX_GRACE_PERIOD_SECS: u64 = 365 * 86_400;

/// `product()`'s answer: `(productTypeId, minPriceBps, initialPriceBps, capacityReductionBps,
/// coverAssets, useFixedPrice, isDeprecated)`.
pub type ProductView = (U256, U256, U256, U256, U256, bool, bool);

abi_words::revert_data! {
    /// The revert data of a failed entrypoint: one of the module's `sol!` errors (encoded by
    /// [`fail`]: its selector, then its static arguments as words), or a callee's revert data passed
    /// on. One byte vector instead of an enum of the error types: the typed encoders cost ~200
    /// bytes of WASM each, [`fail`] once. The errors it reverts with are listed for export-abi
    /// below, and the tests compare every revert with the `sol!` type's own encoding.
    pub struct CatalogueError;
    errors: [
        Unauthorized,
        ZeroAddress,
        NotAContract,
        ProductNotFound,
        ProductTypeNotFound,
        ProductDeprecated,
        PoolNotAllowedForThisProduct,
        StakingPoolDoesNotExist,
        CoverAssetNotSupported,
        MetadataRequired,
        InitialPriceRatioBelowMinPriceRatio,
        InitialPriceRatioAbove100Percent,
        MinPriceRatioAbove100Percent,
        CapacityReductionRatioAbove100Percent,
        InvalidClaimMethod,
        GracePeriodTooLong,
    ]
}

impl From<CallError> for CatalogueError {
    fn from(error: CallError) -> Self {
        Self(error.into())
    }
}

/// Shorthand for entrypoint results.
type CatalogueResult<T> = Result<T, CatalogueError>;

/// Fails with the error whose selector is `selector` and whose arguments are `args` (every
/// error here has static arguments only: uints and addresses, one word each).
#[inline(never)]
fn fail<T>(selector: [u8; 4], args: &[U256]) -> CatalogueResult<T> {
    Err(CatalogueError(encode(&selector, args)))
}

/// A product type: the claim method and grace period share a slot.
#[storage]
pub struct ProductType {
    /// Always [`CLAIM_METHOD_INDIVIDUAL`] (kept for the ABI and later methods).
    claim_method: StorageU8,
    /// Seconds after a cover's end during which a claim may still be filed.
    grace_period_secs: StorageU32,
    /// The product type's metadata URI, as UTF-8 bytes (see [`write_text`]).
    metadata: StorageVec<StorageU8>,
}

/// A product: every number in one slot, then the metadata and the allowed-pool list.
#[storage]
pub struct Product {
    /// The product type's id.
    product_type: StorageU32,
    /// The effective minimum annual price (the 1 % default where 0 was set).
    min_price_bps: StorageU16,
    /// The annual price a pool starts the product at.
    initial_price_bps: StorageU16,
    /// The share of a pool's capacity the product may not use.
    capacity_reduction_bps: StorageU16,
    /// Bitmap of the cover assets ([`ASSET_BIT_ETH`], [`ASSET_BIT_NXM`]; 0 = both).
    cover_assets: StorageU8,
    /// Whether pools price the product at their target price, without bump and decay.
    use_fixed_price: StorageBool,
    /// Whether new cover is refused.
    is_deprecated: StorageBool,
    /// The product's metadata URI, as UTF-8 bytes (see [`write_text`]).
    metadata: StorageVec<StorageU8>,
    /// The pools allowed to carry the product, without repeats (empty: any pool).
    allowed_pools: StorageVec<StorageU64>,
}

/// The catalogue's storage.
#[storage]
#[entrypoint]
pub struct CoverProducts {
    /// Holder of the governance role.
    governance: StorageAddress,
    /// The membership contract (advisory-board seats); zero: only governance edits.
    membership: StorageAddress,
    /// The staking pools (their count, for allowed pools); zero: no pool can be listed.
    staking_pool: StorageAddress,
    /// Product types by id.
    product_types: StorageVec<ProductType>,
    /// Products by id.
    products: StorageVec<Product>,
    /// `allowed[product << 64 | pool]`: whether the pool is on the product's list.
    allowed: StorageMap<U256, StorageBool>,
}

#[public]
impl CoverProducts {
    /// Sets the governance role.
    ///
    /// # Errors
    /// `ZeroAddress` for a zero governance address.
    ///
    /// # Events
    /// [`GovernanceChanged`] (from zero).
    #[constructor]
    pub fn constructor(&mut self, governance: Address) -> CatalogueResult<()> {
        self.set_governance_unchecked(governance)
    }

    /// Creates (`product_type_id` = `type(uint256).max`) or edits a product type; returns its
    /// id. Any advisory-board seat or governance.
    ///
    /// # Errors
    /// `Unauthorized`; `InvalidClaimMethod` unless the method is 0; `GracePeriodTooLong` above
    /// [`MAX_GRACE_PERIOD_SECS`]; `MetadataRequired`; `ProductTypeNotFound` for an edit of a
    /// type that does not exist; membership's revert, passed on.
    ///
    /// # Events
    /// [`ProductTypeSet`].
    pub fn set_product_type(
        &mut self,
        product_type_id: U256,
        claim_method: U256,
        grace_period_secs: U256,
        metadata_uri: String,
    ) -> CatalogueResult<U256> {
        self.only_editor()?;
        if claim_method != U256::from(CLAIM_METHOD_INDIVIDUAL) {
            return fail(InvalidClaimMethod::SELECTOR, &[claim_method]);
        }
        if grace_period_secs > U256::from(MAX_GRACE_PERIOD_SECS) {
            return fail(GracePeriodTooLong::SELECTOR, &[grace_period_secs]);
        }
        require_metadata(&metadata_uri)?;
        let count = self.product_types.len();
        let index = if product_type_id == NEW_ID {
            count
        } else {
            self.product_type_index(product_type_id)?
        };
        {
            let mut entry = if index == count {
                self.product_types.grow()
            } else {
                // Just checked: the index exists.
                self.product_types.setter(index).unwrap()
            };
            entry.claim_method.set(U8::from(CLAIM_METHOD_INDIVIDUAL));
            entry.grace_period_secs.set(U32::from(grace_period_secs));
            write_text(&mut entry.metadata, &metadata_uri);
        }
        let id = U256::from(index);
        self.emit(
            ProductTypeSet::SIGNATURE_HASH,
            id,
            &[claim_method, grace_period_secs],
            &metadata_uri,
        );
        Ok(id)
    }

    /// Creates (`product_id` = `type(uint256).max`) or edits a product; returns its id. Any
    /// advisory-board seat or governance. `min_price_bps` 0 stores the 1 % default;
    /// `allowed_pools` replaces the product's list (repeats are kept once; empty: any pool).
    ///
    /// # Errors
    /// `Unauthorized`; `ProductNotFound` for an edit of a product that does not exist;
    /// `ProductTypeNotFound`; `MetadataRequired`; `MinPriceRatioAbove100Percent`;
    /// `InitialPriceRatioBelowMinPriceRatio` (against the effective minimum);
    /// `InitialPriceRatioAbove100Percent`; `CapacityReductionRatioAbove100Percent`;
    /// `CoverAssetNotSupported` for a bit other than ETH's and NXM's (with the product's id and
    /// the bitmap); `StakingPoolDoesNotExist` for a pool id of 0 or above the staking pools'
    /// count (or any pool while the staking pools are not set); membership's or the staking
    /// pools' revert, passed on.
    ///
    /// # Events
    /// [`ProductSet`] (with the effective minimum price).
    #[allow(clippy::too_many_arguments)]
    pub fn set_product(
        &mut self,
        product_id: U256,
        product_type_id: U256,
        min_price_bps: U256,
        initial_price_bps: U256,
        capacity_reduction_bps: U256,
        cover_assets: U256,
        use_fixed_price: bool,
        is_deprecated: bool,
        allowed_pools: Vec<U256>,
        metadata_uri: String,
    ) -> CatalogueResult<U256> {
        self.only_editor()?;
        let count = self.products.len();
        let index = if product_id == NEW_ID {
            count
        } else {
            self.product_index(product_id)?
        };
        let id = U256::from(index);
        let type_index = self.product_type_index(product_type_id)?;
        require_metadata(&metadata_uri)?;
        if min_price_bps > BPS {
            return fail(MinPriceRatioAbove100Percent::SELECTOR, &[min_price_bps]);
        }
        let min_price_bps = if min_price_bps.is_zero() {
            DEFAULT_MIN_PRICE_BPS
        } else {
            min_price_bps
        };
        if initial_price_bps < min_price_bps {
            return fail(
                InitialPriceRatioBelowMinPriceRatio::SELECTOR,
                &[initial_price_bps, min_price_bps],
            );
        }
        if initial_price_bps > BPS {
            return fail(
                InitialPriceRatioAbove100Percent::SELECTOR,
                &[initial_price_bps],
            );
        }
        if capacity_reduction_bps > BPS {
            return fail(
                CapacityReductionRatioAbove100Percent::SELECTOR,
                &[capacity_reduction_bps],
            );
        }
        if cover_assets > U256::from(ASSET_BIT_ETH | ASSET_BIT_NXM) {
            return fail(CoverAssetNotSupported::SELECTOR, &[id, cover_assets]);
        }
        let pools = self.existing_pools(&allowed_pools)?;

        let old_pools: Vec<u64> = {
            let mut product = if index == count {
                self.products.grow()
            } else {
                // Just checked: the index exists.
                self.products.setter(index).unwrap()
            };
            product.product_type.set(U32::from(type_index));
            product.min_price_bps.set(U16::from(min_price_bps));
            product.initial_price_bps.set(U16::from(initial_price_bps));
            product
                .capacity_reduction_bps
                .set(U16::from(capacity_reduction_bps));
            product.cover_assets.set(U8::from(cover_assets));
            product.use_fixed_price.set(use_fixed_price);
            product.is_deprecated.set(is_deprecated);
            write_text(&mut product.metadata, &metadata_uri);
            let old = (0..product.allowed_pools.len())
                .filter_map(|i| product.allowed_pools.get(i))
                .map(|pool| pool.to())
                .collect();
            product.allowed_pools.erase();
            old
        };
        // Drop the old list from the map, then list each new pool once.
        for pool in old_pools {
            self.allowed.setter(pool_key(index, pool)).set(false);
        }
        for pool in pools {
            let key = pool_key(index, pool);
            if !self.allowed.get(key) {
                self.allowed.setter(key).set(true);
                // `index` exists now (grown above if new).
                self.products
                    .setter(index)
                    .unwrap()
                    .allowed_pools
                    .push(U64::from(pool));
            }
        }
        self.emit(
            ProductSet::SIGNATURE_HASH,
            id,
            &[
                product_type_id,
                min_price_bps,
                initial_price_bps,
                capacity_reduction_bps,
                cover_assets,
                U256::from(u8::from(use_fixed_price)),
                U256::from(u8::from(is_deprecated)),
            ],
            &metadata_uri,
        );
        Ok(id)
    }

    /// Sets the membership contract (advisory-board seats) and the staking pools (pool
    /// count). Governance only; either may be zero (only governance edits; no pool can be
    /// listed), and each non-zero address must hold code.
    ///
    /// # Errors
    /// `Unauthorized`; `NotAContract`.
    ///
    /// # Events
    /// [`ContractsSet`].
    pub fn set_contracts(
        &mut self,
        membership: Address,
        staking_pool: Address,
    ) -> CatalogueResult<()> {
        self.only_governance()?;
        for account in [membership, staking_pool] {
            if !account.is_zero() && self.vm().code_size(account) == 0 {
                return fail(NotAContract::SELECTOR, &[address_word(account)]);
            }
        }
        self.membership.set(membership);
        self.staking_pool.set(staking_pool);
        self.vm().log(ContractsSet {
            membership,
            stakingPool: staking_pool,
        });
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    /// `Unauthorized`; `ZeroAddress` for zero.
    ///
    /// # Events
    /// [`GovernanceChanged`].
    pub fn set_governance(&mut self, new_governance: Address) -> CatalogueResult<()> {
        self.only_governance()?;
        self.set_governance_unchecked(new_governance)
    }

    /// `(claimMethod, gracePeriodSecs)` of a product type.
    ///
    /// # Errors
    /// `ProductTypeNotFound`.
    pub fn product_type(&self, product_type_id: U256) -> CatalogueResult<(U256, U256)> {
        let entry = self.type_entry(product_type_id)?;
        Ok((
            U256::from(entry.claim_method.get()),
            U256::from(entry.grace_period_secs.get()),
        ))
    }

    /// `(productTypeId, minPriceBps, initialPriceBps, capacityReductionBps, coverAssets,
    /// useFixedPrice, isDeprecated)` of a product; the minimum is the effective one.
    ///
    /// # Errors
    /// `ProductNotFound`.
    pub fn product(&self, product_id: U256) -> CatalogueResult<ProductView> {
        let product = self.product_entry(product_id)?;
        Ok((
            U256::from(product.product_type.get()),
            U256::from(product.min_price_bps.get()),
            U256::from(product.initial_price_bps.get()),
            U256::from(product.capacity_reduction_bps.get()),
            U256::from(product.cover_assets.get()),
            product.use_fixed_price.get(),
            product.is_deprecated.get(),
        ))
    }

    /// A product type's metadata URI.
    ///
    /// # Errors
    /// `ProductTypeNotFound`.
    pub fn product_type_metadata(&self, product_type_id: U256) -> CatalogueResult<String> {
        Ok(read_text(&self.type_entry(product_type_id)?.metadata))
    }

    /// A product's metadata URI.
    ///
    /// # Errors
    /// `ProductNotFound`.
    pub fn product_metadata(&self, product_id: U256) -> CatalogueResult<String> {
        Ok(read_text(&self.product_entry(product_id)?.metadata))
    }

    /// The pools allowed to carry a product, in the order listed (empty: any pool).
    ///
    /// # Errors
    /// `ProductNotFound`.
    pub fn allowed_pools(&self, product_id: U256) -> CatalogueResult<Vec<U256>> {
        let pools = &self.product_entry(product_id)?.allowed_pools;
        Ok((0..pools.len())
            .filter_map(|i| pools.get(i))
            .map(U256::from)
            .collect())
    }

    /// The number of products (ids run from 0).
    pub fn product_count(&self) -> U256 {
        U256::from(self.products.len())
    }

    /// The number of product types (ids run from 0).
    pub fn product_type_count(&self) -> U256 {
        U256::from(self.product_types.len())
    }

    /// What the cover contract needs to sell `product_id` in `cover_asset` from `pool_ids`:
    /// `(gracePeriodSecs, minPriceBps, capacityReductionBps, useFixedPrice)`.
    ///
    /// # Errors
    /// `ProductNotFound`; `ProductDeprecated`; `CoverAssetNotSupported` for an asset other than
    /// ETH (0) and NXM (255) or one the product does not cover; `PoolNotAllowedForThisProduct`
    /// for the first pool off the product's list.
    pub fn product_for_cover(
        &self,
        product_id: U256,
        cover_asset: U256,
        pool_ids: Vec<U256>,
    ) -> CatalogueResult<(U256, U256, U256, bool)> {
        let index = self.product_index(product_id)?;
        // Just checked: the index exists.
        let product = self.products.getter(index).unwrap();
        if product.is_deprecated.get() {
            return fail(ProductDeprecated::SELECTOR, &[product_id]);
        }
        let bit = if cover_asset == U256::from(ASSET_ETH) {
            ASSET_BIT_ETH
        } else if cover_asset == U256::from(ASSET_NXM) {
            ASSET_BIT_NXM
        } else {
            0
        };
        let assets: u8 = product.cover_assets.get().to();
        if bit == 0 || (assets != 0 && assets & bit == 0) {
            return fail(CoverAssetNotSupported::SELECTOR, &[product_id, cover_asset]);
        }
        let listed = !product.allowed_pools.is_empty();
        for pool_id in pool_ids {
            self.require_allowed(listed, index, pool_id)?;
        }
        // A product's type exists: `set_product` checks it and types are never removed.
        let grace = self
            .product_types
            .get(product.product_type.get().to::<usize>())
            .map_or(U256::ZERO, |entry| {
                U256::from(entry.grace_period_secs.get())
            });
        Ok((
            grace,
            U256::from(product.min_price_bps.get()),
            U256::from(product.capacity_reduction_bps.get()),
            product.use_fixed_price.get(),
        ))
    }

    /// What staking products need to list `product_id` in `pool_id`: `(minPriceBps,
    /// initialPriceBps, useFixedPrice)`.
    ///
    /// # Errors
    /// `ProductNotFound`; `PoolNotAllowedForThisProduct`.
    pub fn product_for_pool(
        &self,
        product_id: U256,
        pool_id: U256,
    ) -> CatalogueResult<(U256, U256, bool)> {
        let index = self.product_index(product_id)?;
        // Just checked: the index exists.
        let product = self.products.getter(index).unwrap();
        self.require_allowed(!product.allowed_pools.is_empty(), index, pool_id)?;
        Ok((
            U256::from(product.min_price_bps.get()),
            U256::from(product.initial_price_bps.get()),
            product.use_fixed_price.get(),
        ))
    }

    /// The trusted contracts: `(membership, staking pools)`.
    pub fn contracts(&self) -> (Address, Address) {
        (self.membership.get(), self.staking_pool.get())
    }

    /// The address holding the governance role.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }
}

impl CoverProducts {
    /// Fails with `Unauthorized` unless the caller is governance.
    fn only_governance(&self) -> CatalogueResult<()> {
        let caller = self.vm().msg_sender();
        if caller != self.governance.get() {
            return fail(Unauthorized::SELECTOR, &[address_word(caller)]);
        }
        Ok(())
    }

    /// Fails with `Unauthorized` unless the caller is governance or holds an advisory-board
    /// seat (membership is asked only for callers other than governance, and not at all before
    /// it is set).
    fn only_editor(&self) -> CatalogueResult<()> {
        let caller = self.vm().msg_sender();
        if caller == self.governance.get() {
            return Ok(());
        }
        let membership = self.membership.get();
        if !membership.is_zero()
            && IMembership::new(membership).is_advisory_board_member(
                self.vm(),
                Call::new(),
                caller,
            )?
        {
            return Ok(());
        }
        fail(Unauthorized::SELECTOR, &[address_word(caller)])
    }

    /// Stores a non-zero governance address and logs the change.
    fn set_governance_unchecked(&mut self, new_governance: Address) -> CatalogueResult<()> {
        if new_governance.is_zero() {
            return fail(ZeroAddress::SELECTOR, &[]);
        }
        let previous = self.governance.get();
        self.governance.set(new_governance);
        self.vm().log(GovernanceChanged {
            previousGovernance: previous,
            newGovernance: new_governance,
        });
        Ok(())
    }

    /// The index of an existing product type.
    fn product_type_index(&self, id: U256) -> CatalogueResult<usize> {
        if id >= U256::from(self.product_types.len()) {
            return fail(ProductTypeNotFound::SELECTOR, &[id]);
        }
        Ok(id.to())
    }

    /// The index of an existing product.
    fn product_index(&self, id: U256) -> CatalogueResult<usize> {
        if id >= U256::from(self.products.len()) {
            return fail(ProductNotFound::SELECTOR, &[id]);
        }
        Ok(id.to())
    }

    /// An existing product type's storage.
    fn type_entry(&self, id: U256) -> CatalogueResult<StorageGuard<'_, ProductType>> {
        let index = self.product_type_index(id)?;
        // Just checked: the index exists.
        Ok(self.product_types.getter(index).unwrap())
    }

    /// An existing product's storage.
    fn product_entry(&self, id: U256) -> CatalogueResult<StorageGuard<'_, Product>> {
        let index = self.product_index(id)?;
        // Just checked: the index exists.
        Ok(self.products.getter(index).unwrap())
    }

    /// Fails with `PoolNotAllowedForThisProduct` unless `pool_id` may carry product `index`:
    /// its list is empty (`!listed`) or names the pool (one map read).
    fn require_allowed(&self, listed: bool, index: usize, pool_id: U256) -> CatalogueResult<()> {
        if listed
            && (pool_id > U256::from(u64::MAX) || !self.allowed.get(pool_key(index, pool_id.to())))
        {
            return fail(
                PoolNotAllowedForThisProduct::SELECTOR,
                &[U256::from(index), pool_id],
            );
        }
        Ok(())
    }

    /// The pool ids of `pools` as `u64`, each checked to be an existing pool (1 to the staking
    /// pools' count; the count is read once, and only for a non-empty list).
    fn existing_pools(&self, pools: &[U256]) -> CatalogueResult<Vec<u64>> {
        let Some(&first) = pools.first() else {
            return Ok(Vec::new());
        };
        let staking_pool = self.staking_pool.get();
        if staking_pool.is_zero() {
            return fail(StakingPoolDoesNotExist::SELECTOR, &[first]);
        }
        let count = IStakingPool::new(staking_pool).pool_count(self.vm(), Call::new())?;
        let limit = count.min(U256::from(u64::MAX));
        let mut ids = Vec::with_capacity(pools.len());
        for &pool_id in pools {
            if pool_id.is_zero() || pool_id > limit {
                return fail(StakingPoolDoesNotExist::SELECTOR, &[pool_id]);
            }
            ids.push(pool_id.to());
        }
        Ok(ids)
    }

    /// Logs `signature` with the indexed `id` and the data `words` followed by the string
    /// `text` (the layout of [`ProductTypeSet`] and [`ProductSet`], whose string is their last
    /// field), through one routine instead of a typed encoder per event; the tests decode
    /// both with their `sol!` types.
    #[inline(never)]
    fn emit(&self, signature: B256, id: U256, words: &[U256], text: &str) {
        let data = encode_with_text(words, text.as_bytes());
        // raw_log fails only for more than four topics.
        let _ = self.vm().raw_log(&topics(signature, &[id]), &data);
    }
}

/// A metadata URI must not be empty.
fn require_metadata(metadata_uri: &str) -> CatalogueResult<()> {
    if metadata_uri.is_empty() {
        return fail(MetadataRequired::SELECTOR, &[]);
    }
    Ok(())
}

/// Stores `text` as its UTF-8 bytes, replacing what `bytes` held. Not a `StorageString`: its
/// length is decoded with a 256-bit division (`word / 2`), which links ruint's division into
/// the contract (~4.3 KB of WASM).
fn write_text(bytes: &mut StorageVec<StorageU8>, text: &str) {
    bytes.erase();
    for byte in text.bytes() {
        bytes.push(U8::from(byte));
    }
}

/// The text [`write_text`] stored.
fn read_text(bytes: &StorageVec<StorageU8>) -> String {
    let text: Vec<u8> = (0..bytes.len())
        .filter_map(|i| bytes.get(i))
        .map(|byte| byte.to())
        .collect();
    // Only `write_text` fills these bytes, always from a `&str`: valid UTF-8.
    String::from_utf8(text).unwrap_or_default()
}

/// The key of `(product, pool)` in the allowed-pool map: `product << 64 | pool`.
fn pool_key(product_index: usize, pool_id: u64) -> U256 {
    (U256::from(product_index) << 64) | U256::from(pool_id)
}

#[cfg(test)]
mod tests;
