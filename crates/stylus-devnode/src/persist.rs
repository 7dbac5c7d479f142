//! Saving and loading the chain state (the server's `--state FILE`), with serde.
//!
//! Saved: every account (balance, nonce, code, storage), the activation records (version,
//! activation time, the ArbWasmCache flag), the data pricer, the block context, the chain owners
//! and cache managers. Not saved: the instrumented modules — loading activates each program's
//! code again under the current Stylus parameters (the defaults), which gives the same record
//! because activation is deterministic. A record whose code no account holds any more is
//! dropped (it could only be reached again by deploying the same code, which then activates).

use std::collections::BTreeMap;
use std::sync::Arc;

use alloy_primitives::{Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};
use stylus_activation::{DataPricer, ROOT_PREFIX};

use crate::node::Devnode;
use crate::state::{Account, ProgramRecord};

/// Version of the saved format.
pub const SAVED_STATE_FORMAT: u32 = 1;

/// One saved account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAccount {
    /// Balance in wei.
    pub balance: U256,
    /// Nonce.
    pub nonce: u64,
    /// Code.
    #[serde(default, skip_serializing_if = "no_code")]
    pub code: Bytes,
    /// Storage (non-zero slots).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub storage: BTreeMap<U256, U256>,
}

fn no_code(code: &Bytes) -> bool {
    code.is_empty()
}

/// One saved activation record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedProgram {
    /// Stylus version it was activated under.
    pub version: u16,
    /// Hours since the ArbOS epoch at activation.
    pub activated_at_hours: u64,
    /// ArbWasmCache flag.
    pub cached: bool,
}

/// The data pricer's state (§1.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPricer {
    /// Outstanding demand in bytes.
    pub demand: u32,
    /// Demand drained per second.
    pub bytes_per_second: u32,
    /// Unix time of the last update.
    pub last_update_secs: u64,
    /// Price floor in wei per byte.
    pub min_price: u32,
    /// Demand scale of the exponent.
    pub inertia: u32,
}

/// The whole chain state as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedState {
    /// [`SAVED_STATE_FORMAT`].
    pub format: u32,
    /// Chain id.
    pub chain_id: u64,
    /// The `block_number` answer.
    pub block_number: u64,
    /// The block timestamp.
    pub timestamp_secs: u64,
    /// Base fee in wei.
    pub basefee_wei: U256,
    /// Accounts by address.
    pub accounts: BTreeMap<Address, SavedAccount>,
    /// Activation records by codehash.
    pub programs: BTreeMap<B256, SavedProgram>,
    /// The data pricer.
    pub pricer: SavedPricer,
    /// Chain owners.
    pub chain_owners: Vec<Address>,
    /// ArbWasmCache managers.
    pub cache_managers: Vec<Address>,
}

/// Why a saved state could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadStateError {
    /// Another format version.
    #[error("saved state has format {found}, this devnode reads format {SAVED_STATE_FORMAT}")]
    Format {
        /// The file's.
        found: u32,
    },
    /// A program's code no longer activates.
    #[error("program {codehash} does not activate again: {reason}")]
    Activation {
        /// Its codehash.
        codehash: B256,
        /// Why.
        reason: String,
    },
}

impl Devnode {
    /// The chain state, ready to serialise.
    pub fn save_state(&self) -> SavedState {
        let chain = self.chain();
        let accounts = chain
            .state
            .accounts()
            .map(|(address, account)| {
                let saved = SavedAccount {
                    balance: account.balance_wei,
                    nonce: account.nonce,
                    code: account.code.clone(),
                    storage: account.storage.iter().map(|(k, v)| (*k, *v)).collect(),
                };
                (*address, saved)
            })
            .collect();
        let programs = chain
            .state
            .programs()
            .map(|(codehash, record)| {
                let saved = SavedProgram {
                    version: record.version,
                    activated_at_hours: record.activated_at_hours,
                    cached: record.cached,
                };
                (*codehash, saved)
            })
            .collect();
        let pricer = chain.state.pricer();
        SavedState {
            format: SAVED_STATE_FORMAT,
            chain_id: chain.block.chain_id,
            block_number: chain.block.number,
            timestamp_secs: chain.block.timestamp_secs,
            basefee_wei: chain.block.basefee_wei,
            accounts,
            programs,
            pricer: SavedPricer {
                demand: pricer.demand,
                bytes_per_second: pricer.bytes_per_second,
                last_update_secs: pricer.last_update_secs,
                min_price: pricer.min_price,
                inertia: pricer.inertia,
            },
            chain_owners: chain.chain_owners.clone(),
            cache_managers: chain.cache_managers.clone(),
        }
    }

    /// A devnode (default Stylus parameters) holding `saved`. Each saved program is activated
    /// again from the code of an account holding it.
    pub fn load_state(saved: &SavedState) -> Result<Devnode, LoadStateError> {
        if saved.format != SAVED_STATE_FORMAT {
            return Err(LoadStateError::Format {
                found: saved.format,
            });
        }
        let mut node = Devnode::new();
        let chain = node.chain_mut();
        chain.block.chain_id = saved.chain_id;
        chain.block.number = saved.block_number;
        chain.block.timestamp_secs = saved.timestamp_secs;
        chain.block.basefee_wei = saved.basefee_wei;
        chain.chain_owners = saved.chain_owners.clone();
        chain.cache_managers = saved.cache_managers.clone();
        chain.state.put_pricer(DataPricer {
            demand: saved.pricer.demand,
            bytes_per_second: saved.pricer.bytes_per_second,
            last_update_secs: saved.pricer.last_update_secs,
            min_price: saved.pricer.min_price,
            inertia: saved.pricer.inertia,
        });
        let mut code_by_hash: BTreeMap<B256, Bytes> = BTreeMap::new();
        for (address, account) in &saved.accounts {
            let code_hash = alloy_primitives::keccak256(&account.code);
            if !account.code.is_empty() {
                code_by_hash.insert(code_hash, account.code.clone());
            }
            let account = Account {
                balance_wei: account.balance,
                nonce: account.nonce,
                code: account.code.clone(),
                code_hash,
                storage: account.storage.iter().map(|(k, v)| (*k, *v)).collect(),
            };
            chain.state.put_account(*address, account);
        }
        let params = chain.params.clone();
        for (codehash, program) in &saved.programs {
            let Some(code) = code_by_hash.get(codehash) else {
                continue;
            };
            let activation_error = |reason: String| LoadStateError::Activation {
                codehash: *codehash,
                reason,
            };
            let wasm = if code.starts_with(&ROOT_PREFIX) {
                let state = &chain.state;
                stylus_activation::decompress_root(code, &params, |fragment| {
                    let fragment_code = state.code(Address::from(fragment));
                    (!fragment_code.is_empty()).then(|| fragment_code.to_vec())
                })
            } else {
                stylus_activation::decompress_program(code, &params)
            }
            .map_err(|e| activation_error(e.to_string()))?;
            let activated = stylus_activation::activate_in_tx(&wasm, &params, 0)
                .map_err(|e| activation_error(e.to_string()))?;
            chain.state.put_program(
                *codehash,
                ProgramRecord {
                    program: Arc::new(activated),
                    version: program.version,
                    activated_at_hours: program.activated_at_hours,
                    cached: program.cached,
                },
            );
        }
        chain.state.begin_tx();
        Ok(node)
    }
}
