//! The ArbWasmCache precompile at `0x…72` (reference §1.7, §7): cache managers and chain owners
//! mark a codehash as cached, after which every call into it pays only the cached init charge
//! (`352 + cached_init_cost`, plus the memory footprint) instead of adding the full init gas.
//!
//! Rules (§7 and Nitro's precompile dispatch as documented there): only a cache manager or a chain
//! owner may cache or evict — anyone else has all gas burned; caching needs a program activated
//! under the current Stylus version and not expired (`ProgramNeedsUpgrade` / `ProgramExpired`,
//! ArbWasm's errors); a call that changes the flag emits `UpdateProgramCache` and burns the
//! program's `init_cost` in gas; a call that changes nothing costs no more than the reads.
//! `cacheCodehash(bytes32)` exists only in ArbOS 30 and reverts on this ArbOS-60 chain, as an
//! unknown method does. Short input, an unknown selector, value sent, a write in a static context
//! or arguments that do not decode: revert with all gas consumed.
//!
//! Gas beyond those rules is approximated as in [`crate::arbwasm`]: 3 gas per word of arguments
//! and results, [`ARBOS_READ_GAS`] per ArbOS storage read (the manager / owner lookups, the
//! program record), [`PARAMS_READ_GAS`] for the parameters, [`ARBOS_WRITE_GAS`] for the record
//! written, and the event at the EVM's log price (375 + 375 per topic + 8 per data byte).

use alloy_primitives::{address, Address, Bytes, Log, B256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};

use crate::arbwasm::{ArbWasm, ARBOS_READ_GAS, ARBOS_WRITE_GAS, PARAMS_READ_GAS};
use crate::chain::Chain;
use crate::error::ExecError;
use crate::exec::{FrameResult, Message};
use crate::pricing::words;

/// Address of ArbWasmCache.
pub const ARBWASM_CACHE_ADDRESS: Address = address!("0000000000000000000000000000000000000072");

/// EVM log gas: 375 + 375 per topic + 8 per data byte.
pub(crate) fn log_gas(topics: usize, data_len: usize) -> u64 {
    375 + 375 * topics as u64 + 8 * data_len as u64
}

sol! {
    /// ArbWasmCache's interface (ArbOS 60) and its event.
    #[derive(Debug, PartialEq, Eq)]
    interface ArbWasmCache {
        function isCacheManager(address manager) external view returns (bool);
        function allCacheManagers() external view returns (address[] memory managers);
        function cacheCodehash(bytes32 codehash) external;
        function cacheProgram(address addr) external;
        function evictCodehash(bytes32 codehash) external;
        function codehashIsCached(bytes32 codehash) external view returns (bool);

        event UpdateProgramCache(address indexed manager, bytes32 indexed codehash, bool cached);
    }
}

use ArbWasmCache::*;

/// Why a cache change was refused, before any state changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheRefusal {
    /// The codehash was never activated (Nitro reports `ProgramNeedsUpgrade(0, version)`).
    NotActivated,
    /// Activated under another Stylus version.
    NeedsUpgrade {
        /// The program's version.
        version: u16,
        /// The chain's.
        current: u16,
    },
    /// Older than `ExpiryDays`.
    Expired {
        /// Seconds since activation.
        age_secs: u64,
    },
}

impl CacheRefusal {
    /// The ArbWasm error's revert data.
    fn revert_data(&self, current: u16) -> Vec<u8> {
        match *self {
            Self::NotActivated => ArbWasm::ProgramNeedsUpgrade {
                version: 0,
                stylusVersion: current,
            }
            .abi_encode(),
            Self::NeedsUpgrade { version, current } => ArbWasm::ProgramNeedsUpgrade {
                version,
                stylusVersion: current,
            }
            .abi_encode(),
            Self::Expired { age_secs } => ArbWasm::ProgramExpired {
                ageInSeconds: age_secs,
            }
            .abi_encode(),
        }
    }

    /// The same refusal as an [`ExecError`] (for the library API).
    pub fn into_exec_error(self, codehash: B256) -> ExecError {
        match self {
            Self::NotActivated => ExecError::ProgramNotActivated { codehash },
            Self::NeedsUpgrade { version, current } => {
                ExecError::ProgramNeedsUpgrade { version, current }
            }
            Self::Expired { age_secs } => ExecError::ProgramExpired { age_secs },
        }
    }
}

/// Sets the cached flag of `codehash` (journaled). `Ok(Some(init_cost))` when the flag changed
/// (the gas Nitro burns for it), `Ok(None)` when it already had that value.
pub(crate) fn set_cached(
    chain: &mut Chain,
    codehash: B256,
    cache: bool,
) -> Result<Option<u64>, CacheRefusal> {
    let current = chain.params.stylus_version;
    let record = match chain.state.program(codehash) {
        Some(record) => record.clone(),
        None if cache => return Err(CacheRefusal::NotActivated),
        None => return Ok(None),
    };
    if cache {
        if record.version != current {
            return Err(CacheRefusal::NeedsUpgrade {
                version: record.version,
                current,
            });
        }
        let age_secs = record.age_secs(chain.block.timestamp_secs);
        if age_secs > u64::from(chain.params.expiry_days) * 86_400 {
            return Err(CacheRefusal::Expired { age_secs });
        }
    }
    if record.cached == cache {
        return Ok(None);
    }
    let init_cost = u64::from(record.program.init_cost);
    chain.state.set_program(
        codehash,
        crate::state::ProgramRecord {
            cached: cache,
            ..record
        },
    );
    Ok(Some(init_cost))
}

/// Runs one ArbWasmCache call.
pub fn run(chain: &mut Chain, message: &Message) -> FrameResult {
    // Nitro's dispatch failures: revert, all gas consumed.
    let burn_out = || FrameResult::revert(0, Bytes::new());
    let input = &message.input;
    let Some(selector) = input.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
        return burn_out();
    };
    let writes = matches!(
        selector,
        cacheProgramCall::SELECTOR | evictCodehashCall::SELECTOR
    );
    let known = writes
        || matches!(
            selector,
            isCacheManagerCall::SELECTOR
                | allCacheManagersCall::SELECTOR
                | codehashIsCachedCall::SELECTOR
        );
    if !known || !message.value_wei.is_zero() || (writes && message.is_static) {
        return burn_out();
    }
    let mut gas_used = 3 * words(input.len() as u64 - 4);
    let finish = |data: Vec<u8>, gas_used: u64, revert: bool| -> FrameResult {
        let gas_used = gas_used + 3 * words(data.len() as u64);
        if gas_used > message.gas {
            return burn_out();
        }
        let gas_left = message.gas - gas_used;
        if revert {
            FrameResult::revert(gas_left, Bytes::from(data))
        } else {
            FrameResult::success(gas_left, Bytes::from(data))
        }
    };
    macro_rules! decode {
        ($call:ty) => {
            match <$call>::abi_decode(input) {
                Ok(call) => call,
                Err(_) => return burn_out(),
            }
        };
    }
    match selector {
        isCacheManagerCall::SELECTOR => {
            let call = decode!(isCacheManagerCall);
            gas_used += ARBOS_READ_GAS;
            let is = chain.cache_managers.contains(&call.manager);
            finish(isCacheManagerCall::abi_encode_returns(&is), gas_used, false)
        }
        allCacheManagersCall::SELECTOR => {
            gas_used += ARBOS_READ_GAS * (1 + chain.cache_managers.len() as u64);
            let managers = chain.cache_managers.clone();
            finish(
                allCacheManagersCall::abi_encode_returns(&managers),
                gas_used,
                false,
            )
        }
        codehashIsCachedCall::SELECTOR => {
            let call = decode!(codehashIsCachedCall);
            gas_used += ARBOS_READ_GAS;
            let cached = chain.state.program(call.codehash).is_some_and(|r| r.cached);
            finish(
                codehashIsCachedCall::abi_encode_returns(&cached),
                gas_used,
                false,
            )
        }
        _ => {
            let (codehash, cache) = if selector == cacheProgramCall::SELECTOR {
                let call = decode!(cacheProgramCall);
                (crate::arbwasm::code_hash(chain, call.addr), true)
            } else {
                (decode!(evictCodehashCall).codehash, false)
            };
            // The access check: the cache-manager set, then the chain owners.
            gas_used += 2 * ARBOS_READ_GAS;
            let caller = message.caller;
            if !chain.cache_managers.contains(&caller) && !chain.chain_owners.contains(&caller) {
                return FrameResult::failure(
                    ExecError::PrecompileRefused(format!(
                        "{caller} is neither a cache manager nor a chain owner"
                    )),
                    0,
                );
            }
            gas_used += PARAMS_READ_GAS + ARBOS_READ_GAS;
            let current = chain.params.stylus_version;
            match set_cached(chain, codehash, cache) {
                Err(refusal) => finish(refusal.revert_data(current), gas_used, true),
                Ok(None) => finish(Vec::new(), gas_used, false),
                Ok(Some(init_cost)) => {
                    let event = UpdateProgramCache {
                        manager: caller,
                        codehash,
                        cached: cache,
                    };
                    let data = event.encode_log_data();
                    gas_used +=
                        log_gas(data.topics().len(), data.data.len()) + init_cost + ARBOS_WRITE_GAS;
                    if gas_used > message.gas {
                        return burn_out();
                    }
                    chain.state.push_log(Log {
                        address: ARBWASM_CACHE_ADDRESS,
                        data,
                    });
                    finish(Vec::new(), gas_used, false)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_the_reference_table() {
        let hex = |s: [u8; 4]| alloy_primitives::hex::encode(s);
        assert_eq!(hex(isCacheManagerCall::SELECTOR), "85e2de85");
        assert_eq!(hex(allCacheManagersCall::SELECTOR), "0ec1d773");
        assert_eq!(hex(cacheCodehashCall::SELECTOR), "4ceac817");
        assert_eq!(hex(cacheProgramCall::SELECTOR), "e73ac9f2");
        assert_eq!(hex(evictCodehashCall::SELECTOR), "ce972013");
        assert_eq!(hex(codehashIsCachedCall::SELECTOR), "a72f179b");
        assert_eq!(
            UpdateProgramCache::SIGNATURE,
            "UpdateProgramCache(address,bytes32,bool)"
        );
    }
}
