//! The pool registry (protocol-reference §6): members create staking pools here, and each
//! pool's metadata URI lives here. Split from the `staking-pool` contract so that the staking
//! pool stays under the size budget (design.md: split by domain): pool creation and metadata
//! are rare, and nothing about stake, rewards or allocations depends on them.
//!
//! * [`PoolRegistry::create_pool`] checks the caller's membership (`INxmToken.isMember`), the
//!   fees (`maxFee < 100`, `initialFee ≤ maxFee`) and the metadata URI (non-empty), then has the
//!   staking pool store the pool (`IStakingPool.registerPool`, which accepts this contract
//!   only, assigns the id, and initializes the pool's products in the staking-products
//!   contract), and keeps the URI under the id it returned.
//! * A pool's manager, as the staking pool reports it (`IStakingPool.manager`), changes the URI
//!   with [`PoolRegistry::set_pool_metadata`]. The pool's fee and privacy stay in the staking
//!   pool.
//!
//! Every pool's URI is non-empty, so an empty stored URI means "no such pool" for
//! [`PoolRegistry::pool_metadata`] (no call to the staking pool).
//!
//! # Roles
//! Members create pools; a pool's manager sets its metadata; governance sets the trusted
//! contracts (the NXM token, the staking pool) and hands its role on. The staking pool must
//! trust this contract (its `setContracts`' `poolRegistry`).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!`.
#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::{string::String, vec::Vec};

use alloy_primitives::{Address, U256};
use mutual_interfaces::{
    nxm_token::INxmToken,
    pool_registry::{
        ContractsSet, GovernanceChanged, MaxPoolFeeAbove100, MetadataRequired, NotAContract,
        NotMember, OnlyManager, PoolCreated, PoolFeeExceedsMax, PoolMetadataChanged, PoolNotFound,
        Unauthorized, ZeroAddress,
    },
    staking_pool::IStakingPool,
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageString},
    stylus_core::calls::errors::Error as CallError,
};

/// The largest maximum fee is 99 %.
pub const FEE_LIMIT_PERCENT: u8 = 100;

/// Every way an entrypoint of the registry can fail.
#[derive(SolidityError)]
pub enum RegistryError {
    /// The caller lacks the role the entrypoint requires.
    Unauthorized(Unauthorized),
    /// A zero governance or contract address.
    ZeroAddress(ZeroAddress),
    /// A contract address to trust holds no code.
    NotAContract(NotAContract),
    /// The pool's creator is not a member.
    NotMember(NotMember),
    /// A maximum fee of 100 % or more.
    MaxPoolFeeAbove100(MaxPoolFeeAbove100),
    /// An initial fee above the maximum.
    PoolFeeExceedsMax(PoolFeeExceedsMax),
    /// An empty metadata URI.
    MetadataRequired(MetadataRequired),
    /// No such pool.
    PoolNotFound(PoolNotFound),
    /// The caller does not manage the pool.
    OnlyManager(OnlyManager),
    /// A call to the NXM token or the staking pool reverted: its revert data is passed on.
    // Not an ABI error of this contract (the callee's revert data is passed on as it is), and
    // the SDK's export-abi needs every variant to be a `sol!` error: left out of that build.
    #[cfg(not(feature = "export-abi"))]
    Call(CallError),
}

/// The export-abi binary only prints the interface and never calls another contract: this
/// `From` stands in for the `Call` variant's, so `?` on calls compiles in that build.
#[cfg(feature = "export-abi")]
impl From<CallError> for RegistryError {
    fn from(_: CallError) -> Self {
        unreachable!("the export-abi binary makes no calls")
    }
}

/// The registry's storage.
#[storage]
#[entrypoint]
pub struct PoolRegistry {
    /// Holder of the governance role.
    governance: StorageAddress,
    /// The NXM token (asked for membership).
    nxm_token: StorageAddress,
    /// The staking pool (stores the pools, knows their managers).
    staking_pool: StorageAddress,
    /// Each pool's metadata URI, by pool id (empty: no such pool).
    metadata: StorageMap<U256, StorageString>,
}

#[public]
impl PoolRegistry {
    /// Sets the governance role.
    ///
    /// # Errors
    /// [`RegistryError::ZeroAddress`] for a zero governance address.
    ///
    /// # Events
    /// [`GovernanceChanged`] (from zero).
    #[constructor]
    pub fn constructor(&mut self, governance: Address) -> Result<(), RegistryError> {
        if governance.is_zero() {
            return Err(RegistryError::ZeroAddress(ZeroAddress {}));
        }
        self.governance.set(governance);
        self.vm().log(GovernanceChanged {
            previousGovernance: Address::ZERO,
            newGovernance: governance,
        });
        Ok(())
    }

    /// Creates a pool managed by the caller, who must be a member, with the products
    /// `(productId, targetWeight, targetPriceBps)` (which the staking-products contract
    /// validates); returns its id.
    ///
    /// # Errors
    /// [`RegistryError::NotMember`]; [`RegistryError::MaxPoolFeeAbove100`] unless
    /// `maxFee < 100`; [`RegistryError::PoolFeeExceedsMax`] unless `initialFee ≤ maxFee`;
    /// [`RegistryError::MetadataRequired`] for an empty URI; the token's or the staking pool's
    /// revert (e.g. its `MathOverflow` after 2^32 − 1 pools, or the staking products'), passed
    /// on.
    ///
    /// # Events
    /// [`PoolCreated`].
    pub fn create_pool(
        &mut self,
        is_private: bool,
        initial_fee_percent: U256,
        max_fee_percent: U256,
        products: Vec<(U256, U256, U256)>,
        metadata_uri: String,
    ) -> Result<U256, RegistryError> {
        let caller = self.vm().msg_sender();
        let token = INxmToken::new(self.nxm_token.get());
        if !token.is_member(self.vm(), Call::new(), caller)? {
            return Err(RegistryError::NotMember(NotMember { account: caller }));
        }
        if max_fee_percent >= U256::from(FEE_LIMIT_PERCENT) {
            return Err(RegistryError::MaxPoolFeeAbove100(MaxPoolFeeAbove100 {
                maxFeePercent: max_fee_percent,
            }));
        }
        if initial_fee_percent > max_fee_percent {
            return Err(RegistryError::PoolFeeExceedsMax(PoolFeeExceedsMax {
                feePercent: initial_fee_percent,
                maxFeePercent: max_fee_percent,
            }));
        }
        if metadata_uri.is_empty() {
            return Err(RegistryError::MetadataRequired(MetadataRequired {}));
        }
        // The id comes from the staking pool: the URI is stored after the call (the SDK's
        // reentrancy guard keeps the call from re-entering this contract meanwhile).
        let staking_pool = IStakingPool::new(self.staking_pool.get());
        let call = Call::new_mutating(self);
        let pool_id = staking_pool.register_pool(
            self.vm(),
            call,
            caller,
            is_private,
            initial_fee_percent,
            max_fee_percent,
            products,
        )?;
        self.metadata.setter(pool_id).set_str(&metadata_uri);
        self.vm().log(PoolCreated {
            poolId: pool_id,
            manager: caller,
            isPrivate: is_private,
            initialFeePercent: initial_fee_percent,
            maxFeePercent: max_fee_percent,
            metadataUri: metadata_uri,
        });
        Ok(pool_id)
    }

    /// Sets the pool's metadata URI (non-empty). Its manager only, as the staking pool reports
    /// it.
    ///
    /// # Errors
    /// [`RegistryError::PoolNotFound`] (the staking pool reports no manager);
    /// [`RegistryError::OnlyManager`]; [`RegistryError::MetadataRequired`]; the staking pool's
    /// revert, passed on.
    ///
    /// # Events
    /// [`PoolMetadataChanged`].
    pub fn set_pool_metadata(
        &mut self,
        pool_id: U256,
        metadata_uri: String,
    ) -> Result<(), RegistryError> {
        let staking_pool = IStakingPool::new(self.staking_pool.get());
        let manager = staking_pool.manager(self.vm(), Call::new(), pool_id)?;
        if manager.is_zero() {
            return Err(RegistryError::PoolNotFound(PoolNotFound {
                poolId: pool_id,
            }));
        }
        let caller = self.vm().msg_sender();
        if caller != manager {
            return Err(RegistryError::OnlyManager(OnlyManager {
                caller,
                poolId: pool_id,
            }));
        }
        if metadata_uri.is_empty() {
            return Err(RegistryError::MetadataRequired(MetadataRequired {}));
        }
        self.metadata.setter(pool_id).set_str(&metadata_uri);
        self.vm().log(PoolMetadataChanged {
            poolId: pool_id,
            metadataUri: metadata_uri,
        });
        Ok(())
    }

    /// Sets the contracts the registry trusts: the NXM token and the staking pool. Governance
    /// only; each must hold code.
    ///
    /// # Errors
    /// [`RegistryError::Unauthorized`]; [`RegistryError::ZeroAddress`];
    /// [`RegistryError::NotAContract`].
    ///
    /// # Events
    /// [`ContractsSet`].
    pub fn set_contracts(
        &mut self,
        nxm_token: Address,
        staking_pool: Address,
    ) -> Result<(), RegistryError> {
        self.only_governance()?;
        for account in [nxm_token, staking_pool] {
            if account.is_zero() {
                return Err(RegistryError::ZeroAddress(ZeroAddress {}));
            }
            if self.vm().code_size(account) == 0 {
                return Err(RegistryError::NotAContract(NotAContract { account }));
            }
        }
        self.nxm_token.set(nxm_token);
        self.staking_pool.set(staking_pool);
        self.vm().log(ContractsSet {
            nxmToken: nxm_token,
            stakingPool: staking_pool,
        });
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    /// [`RegistryError::Unauthorized`]; [`RegistryError::ZeroAddress`].
    ///
    /// # Events
    /// [`GovernanceChanged`].
    pub fn set_governance(&mut self, new_governance: Address) -> Result<(), RegistryError> {
        let previous = self.only_governance()?;
        if new_governance.is_zero() {
            return Err(RegistryError::ZeroAddress(ZeroAddress {}));
        }
        self.governance.set(new_governance);
        self.vm().log(GovernanceChanged {
            previousGovernance: previous,
            newGovernance: new_governance,
        });
        Ok(())
    }

    /// The pool's metadata URI.
    ///
    /// # Errors
    /// [`RegistryError::PoolNotFound`] for a pool this registry did not create.
    pub fn pool_metadata(&self, pool_id: U256) -> Result<String, RegistryError> {
        let uri = self.metadata.getter(pool_id).get_string();
        if uri.is_empty() {
            return Err(RegistryError::PoolNotFound(PoolNotFound {
                poolId: pool_id,
            }));
        }
        Ok(uri)
    }

    /// The trusted contracts: `(NXM token, staking pool)`.
    pub fn contracts(&self) -> (Address, Address) {
        (self.nxm_token.get(), self.staking_pool.get())
    }

    /// The address holding the governance role.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }
}

impl PoolRegistry {
    /// Reverts with [`RegistryError::Unauthorized`] unless the caller holds the governance
    /// role; returns it.
    fn only_governance(&self) -> Result<Address, RegistryError> {
        let caller = self.vm().msg_sender();
        let governance = self.governance.get();
        if caller != governance {
            return Err(RegistryError::Unauthorized(Unauthorized { caller }));
        }
        Ok(governance)
    }
}

#[cfg(test)]
mod tests;
