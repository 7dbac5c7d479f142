//! The ArbWasm precompile at `0x…71` (reference §7): activation with the data fee (§1.4–§1.6),
//! keepalive, and the parameter / program views.
//!
//! Gas: the activation gas of §1.4 (a)–(d) is exact (from `stylus-activation`, plus fragment
//! reads). The precompile's own overhead is approximated, because the reference does not itemise
//! it: 3 gas per word of arguments and of results (geth's copy price), 100 gas for the parameter
//! read, [`ARBOS_READ_GAS`] per program-record read and [`ARBOS_WRITE_GAS`] per record written.
//! Dispatch follows Nitro's precompile rules: short input, an unknown selector, value sent to a
//! non-payable method or arguments that do not decode revert with all gas consumed; a Solidity
//! error reverts with its data and keeps the gas.

use alloy_primitives::{address, keccak256, Address, Bytes, Log, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use stylus_activation::{ActivationError, ROOT_PREFIX};

use crate::chain::{Chain, ACTIVATION_EPOCH_SECS, NETWORK_FEE_ACCOUNT};
use crate::error::ExecError;
use crate::exec::{FrameResult, Message};
use crate::pricing::words;
use crate::state::ProgramRecord;

/// Address of ArbWasm.
pub const ARBWASM_ADDRESS: Address = address!("0000000000000000000000000000000000000071");
/// Approximate gas of one ArbOS storage read of a program record (EIP-2200 SLOAD price).
pub const ARBOS_READ_GAS: u64 = 800;
/// Approximate gas of one ArbOS storage write (EIP-2200 SSTORE set price).
pub const ARBOS_WRITE_GAS: u64 = 20_000;
/// Gas of the Stylus parameter read (§1.4 (e)).
pub const PARAMS_READ_GAS: u64 = 100;

sol! {
    /// ArbWasm's interface (the methods the devnode implements) and its errors and events.
    #[derive(Debug, PartialEq, Eq)]
    interface ArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function codehashKeepalive(bytes32 codehash) external payable;
        function stylusVersion() external view returns (uint16 version);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        function codehashAsmSize(bytes32 codehash) external view returns (uint32 size);
        function programVersion(address program) external view returns (uint16 version);
        function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
        function programMemoryFootprint(address program) external view returns (uint16 footprint);
        function programTimeLeft(address program) external view returns (uint64 secs);
        function inkPrice() external view returns (uint32 price);
        function maxStackDepth() external view returns (uint32 depth);
        function freePages() external view returns (uint16 pages);
        function pageGas() external view returns (uint16 gas);
        function pageLimit() external view returns (uint16 limit);
        function minInitGas() external view returns (uint64 gas, uint64 cached);
        function initCostScalar() external view returns (uint64 percent);
        function expiryDays() external view returns (uint16 _days);
        function keepaliveDays() external view returns (uint16 _days);
        function blockCacheSize() external view returns (uint16 count);
        function activationGas() external view returns (uint64 gas);

        error ProgramNotWasm();
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);

        event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version);
        event ProgramLifetimeExtended(bytes32 indexed codehash, uint256 dataFee);
    }
}

use ArbWasm::*;

/// What a method produced before gas accounting.
enum Answer {
    Return(Vec<u8>),
    Revert(Vec<u8>),
    /// Nitro's dispatch refusals (unknown method, arguments that do not decode): revert with
    /// all gas consumed.
    RevertAll,
    Fail(ExecError),
}

fn revert<E: SolError>(error: E) -> Answer {
    Answer::Revert(error.abi_encode())
}

/// Runs one ArbWasm call. Value arrives already moved to `0x…71`; payable methods pass on the fee
/// and refund the rest, non-payable methods revert when value is sent.
pub fn run(chain: &mut Chain, message: &Message) -> FrameResult {
    let input = &message.input;
    // Nitro's precompile dispatch: short input, an unknown method or value sent to a
    // non-payable one revert with all gas consumed.
    let Some(selector) = input.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
        return FrameResult::revert(0, Bytes::new());
    };
    let payable = matches!(
        selector,
        activateProgramCall::SELECTOR | codehashKeepaliveCall::SELECTOR
    );
    if !payable && !message.value_wei.is_zero() {
        return FrameResult::revert(0, Bytes::new());
    }
    let mut gas_used: u64 = 3 * words(input.len() as u64 - 4) + PARAMS_READ_GAS;
    let answer = dispatch(chain, message, selector, &mut gas_used);
    let finish = |data: Vec<u8>, gas_used: u64| -> (u64, Bytes) {
        let gas_used = gas_used + 3 * words(data.len() as u64);
        (message.gas.saturating_sub(gas_used), Bytes::from(data))
    };
    match answer {
        Answer::Return(data) => {
            if gas_used > message.gas {
                let error = ExecError::OutOfGas {
                    need_gas: gas_used,
                    have_gas: message.gas,
                };
                return FrameResult::failure(error, 0);
            }
            let (gas_left, data) = finish(data, gas_used);
            FrameResult::success(gas_left, data)
        }
        Answer::Revert(data) => {
            let (gas_left, data) = finish(data, gas_used.min(message.gas));
            FrameResult::revert(gas_left, data)
        }
        Answer::RevertAll => FrameResult::revert(0, Bytes::new()),
        Answer::Fail(error) => FrameResult::failure(error, 0),
    }
}

fn dispatch(chain: &mut Chain, message: &Message, selector: [u8; 4], gas_used: &mut u64) -> Answer {
    let input = &message.input;
    let params = chain.params.clone();
    macro_rules! decode {
        ($call:ty) => {
            match <$call>::abi_decode(input) {
                Ok(call) => call,
                Err(_) => return Answer::RevertAll,
            }
        };
    }
    match selector {
        activateProgramCall::SELECTOR => {
            let call = decode!(activateProgramCall);
            activate_program(chain, message, call.program, gas_used)
        }
        codehashKeepaliveCall::SELECTOR => {
            let call = decode!(codehashKeepaliveCall);
            keepalive(chain, message, call.codehash, gas_used)
        }
        stylusVersionCall::SELECTOR => Answer::Return(stylusVersionCall::abi_encode_returns(
            &params.stylus_version,
        )),
        codehashVersionCall::SELECTOR => {
            let call = decode!(codehashVersionCall);
            *gas_used += ARBOS_READ_GAS;
            match active_program(chain, call.codehash) {
                Ok(record) => {
                    Answer::Return(codehashVersionCall::abi_encode_returns(&record.version))
                }
                Err(answer) => answer,
            }
        }
        codehashAsmSizeCall::SELECTOR => {
            let call = decode!(codehashAsmSizeCall);
            *gas_used += ARBOS_READ_GAS;
            match active_program(chain, call.codehash) {
                Ok(record) => Answer::Return(codehashAsmSizeCall::abi_encode_returns(
                    &(record.program.asm_estimate_kib * 1024),
                )),
                Err(answer) => answer,
            }
        }
        programVersionCall::SELECTOR => {
            let call = decode!(programVersionCall);
            *gas_used += ARBOS_READ_GAS;
            let codehash = code_hash(chain, call.program);
            match active_program(chain, codehash) {
                Ok(record) => {
                    Answer::Return(programVersionCall::abi_encode_returns(&record.version))
                }
                Err(answer) => answer,
            }
        }
        programInitGasCall::SELECTOR => {
            let call = decode!(programInitGasCall);
            *gas_used += ARBOS_READ_GAS;
            let codehash = code_hash(chain, call.program);
            match active_program(chain, codehash) {
                Ok(record) => {
                    let gas = stylus_activation::call_init_gas(&record.program, &params, false);
                    let cached = stylus_activation::call_init_gas(&record.program, &params, true);
                    Answer::Return(programInitGasCall::abi_encode_returns(
                        &programInitGasReturn {
                            gas,
                            gasWhenCached: cached,
                        },
                    ))
                }
                Err(answer) => answer,
            }
        }
        programMemoryFootprintCall::SELECTOR => {
            let call = decode!(programMemoryFootprintCall);
            *gas_used += ARBOS_READ_GAS;
            let codehash = code_hash(chain, call.program);
            match active_program(chain, codehash) {
                Ok(record) => Answer::Return(programMemoryFootprintCall::abi_encode_returns(
                    &record.program.footprint_pages,
                )),
                Err(answer) => answer,
            }
        }
        programTimeLeftCall::SELECTOR => {
            let call = decode!(programTimeLeftCall);
            *gas_used += ARBOS_READ_GAS;
            let codehash = code_hash(chain, call.program);
            match active_program(chain, codehash) {
                Ok(record) => {
                    let expiry_secs = u64::from(params.expiry_days) * 86_400;
                    let left =
                        expiry_secs.saturating_sub(record.age_secs(chain.block.timestamp_secs));
                    Answer::Return(programTimeLeftCall::abi_encode_returns(&left))
                }
                Err(answer) => answer,
            }
        }
        inkPriceCall::SELECTOR => {
            Answer::Return(inkPriceCall::abi_encode_returns(&params.ink_price))
        }
        maxStackDepthCall::SELECTOR => Answer::Return(maxStackDepthCall::abi_encode_returns(
            &params.max_stack_depth,
        )),
        freePagesCall::SELECTOR => {
            Answer::Return(freePagesCall::abi_encode_returns(&params.free_pages))
        }
        pageGasCall::SELECTOR => Answer::Return(pageGasCall::abi_encode_returns(&params.page_gas)),
        pageLimitCall::SELECTOR => {
            Answer::Return(pageLimitCall::abi_encode_returns(&params.page_limit))
        }
        minInitGasCall::SELECTOR => {
            Answer::Return(minInitGasCall::abi_encode_returns(&minInitGasReturn {
                gas: 128 * u64::from(params.min_init_gas),
                cached: 32 * u64::from(params.min_cached_init_gas),
            }))
        }
        initCostScalarCall::SELECTOR => Answer::Return(initCostScalarCall::abi_encode_returns(
            &(2 * u64::from(params.init_cost_scalar)),
        )),
        expiryDaysCall::SELECTOR => {
            Answer::Return(expiryDaysCall::abi_encode_returns(&params.expiry_days))
        }
        keepaliveDaysCall::SELECTOR => Answer::Return(keepaliveDaysCall::abi_encode_returns(
            &params.keepalive_days,
        )),
        blockCacheSizeCall::SELECTOR => Answer::Return(blockCacheSizeCall::abi_encode_returns(
            &params.block_cache_size,
        )),
        activationGasCall::SELECTOR => Answer::Return(activationGasCall::abi_encode_returns(
            &params.activation_gas,
        )),
        _ => Answer::RevertAll,
    }
}

pub(crate) fn code_hash(chain: &Chain, program: Address) -> B256 {
    chain
        .state
        .account(program)
        .map_or(B256::ZERO, |a| a.code_hash)
}

/// An active, current, unexpired program or the ArbWasm error saying why not.
fn active_program(chain: &Chain, codehash: B256) -> Result<ProgramRecord, Answer> {
    let record = chain
        .state
        .program(codehash)
        .ok_or_else(|| revert(ProgramNotActivated {}))?;
    if record.version != chain.params.stylus_version {
        return Err(revert(ProgramNeedsUpgrade {
            version: record.version,
            stylusVersion: chain.params.stylus_version,
        }));
    }
    let age = record.age_secs(chain.block.timestamp_secs);
    if age > u64::from(chain.params.expiry_days) * 86_400 {
        return Err(revert(ProgramExpired { ageInSeconds: age }));
    }
    Ok(record.clone())
}

/// Prices `bytes` with the data pricer (§1.6), checks `message.value_wei` covers the fee, sends
/// the fee from ArbWasm to the network fee account and the rest back to the caller, and only
/// then keeps the pricer's new state. Returns the fee.
fn charge_data_fee(chain: &mut Chain, message: &Message, bytes: u32) -> Result<U256, Answer> {
    let mut pricer = chain.state.pricer().clone();
    let fee_wei = U256::from(pricer.update(bytes, chain.block.timestamp_secs));
    if message.value_wei < fee_wei {
        return Err(revert(ProgramInsufficientValue {
            have: message.value_wei,
            want: fee_wei,
        }));
    }
    let refund_wei = message.value_wei - fee_wei;
    let moved = chain
        .state
        .transfer(ARBWASM_ADDRESS, NETWORK_FEE_ACCOUNT, fee_wei)
        .and_then(|()| {
            chain
                .state
                .transfer(ARBWASM_ADDRESS, message.caller, refund_wei)
        });
    moved.map_err(|have_wei| {
        Answer::Fail(ExecError::InsufficientBalance {
            address: ARBWASM_ADDRESS,
            have_wei,
            want_wei: message.value_wei,
        })
    })?;
    chain.state.set_pricer(pricer);
    Ok(fee_wei)
}

/// `activateProgram(address)` (§1.4–§1.6, §7).
fn activate_program(
    chain: &mut Chain,
    message: &Message,
    program: Address,
    gas_used: &mut u64,
) -> Answer {
    if message.is_static {
        return Answer::Fail(ExecError::WriteProtection {
            hostio: "activateProgram",
        });
    }
    let params = chain.params.clone();
    let code = chain.state.code(program);
    let codehash = code_hash(chain, program);
    // Errors before parsing: revert, gas kept (§1.4).
    let wasm = if code.starts_with(&ROOT_PREFIX) {
        let mut fragment_gas: u64 = 0;
        let state = &mut chain.state;
        let wasm = stylus_activation::decompress_root(&code, &params, |fragment| {
            let address = Address::from(fragment);
            let warm = !state.warm_address(address);
            let fragment_code = state.code(address);
            fragment_gas += stylus_activation::fragment_read_gas(fragment_code.len(), warm);
            (!fragment_code.is_empty()).then(|| fragment_code.to_vec())
        });
        *gas_used += fragment_gas;
        wasm
    } else {
        stylus_activation::decompress_program(&code, &params)
    };
    let wasm = match wasm {
        Ok(wasm) => wasm,
        Err(ActivationError::NotWasm { .. } | ActivationError::FragmentNotActivatable) => {
            return revert(ProgramNotWasm {});
        }
        Err(_) => return Answer::Revert(Vec::new()),
    };
    if let Some(record) = chain.state.program(codehash) {
        let age = record.age_secs(chain.block.timestamp_secs);
        if record.version == params.stylus_version && age <= u64::from(params.expiry_days) * 86_400
        {
            return revert(ProgramUpToDate {});
        }
    }
    // Validation or parse failure, or running out of gas in it: all gas burned (§1.4).
    let activated = match stylus_activation::activate_in_tx(&wasm, &params, chain.open_pages) {
        Ok(activated) => activated,
        Err(error) => return Answer::Fail(ExecError::ActivationFailed(error.to_string())),
    };
    *gas_used += activated.activation_gas + 2 * ARBOS_WRITE_GAS;
    if *gas_used > message.gas {
        return Answer::Fail(ExecError::OutOfGas {
            need_gas: *gas_used,
            have_gas: message.gas,
        });
    }
    let now_secs = chain.block.timestamp_secs;
    let fee_wei = match charge_data_fee(chain, message, activated.asm_estimate_bytes) {
        Ok(fee_wei) => fee_wei,
        Err(answer) => return answer,
    };
    // Nitro's module hash cannot be reproduced (§7); keccak of the instrumented module stands in.
    let module_hash = keccak256(&activated.instrumented_wasm);
    let version = params.stylus_version;
    // A re-activation (after expiry or an upgrade) keeps the ArbWasmCache flag.
    let cached = chain.state.program(codehash).is_some_and(|r| r.cached);
    chain.state.set_program(
        codehash,
        ProgramRecord {
            program: std::sync::Arc::new(activated),
            version,
            activated_at_hours: now_secs.saturating_sub(ACTIVATION_EPOCH_SECS) / 3_600,
            cached,
        },
    );
    let event = ProgramActivated {
        codehash,
        moduleHash: module_hash,
        program,
        dataFee: fee_wei,
        version,
    };
    chain.state.push_log(Log {
        address: ARBWASM_ADDRESS,
        data: event.encode_log_data(),
    });
    Answer::Return(activateProgramCall::abi_encode_returns(
        &activateProgramReturn {
            version,
            dataFee: fee_wei,
        },
    ))
}

/// `codehashKeepalive(bytes32)` (§1.7): needs age ≥ KeepaliveDays, charges the data fee on the
/// stored asm size and resets the activation time.
fn keepalive(chain: &mut Chain, message: &Message, codehash: B256, gas_used: &mut u64) -> Answer {
    if message.is_static {
        return Answer::Fail(ExecError::WriteProtection {
            hostio: "codehashKeepalive",
        });
    }
    *gas_used += ARBOS_READ_GAS + ARBOS_WRITE_GAS;
    let record = match active_program(chain, codehash) {
        Ok(record) => record,
        Err(answer) => return answer,
    };
    let now_secs = chain.block.timestamp_secs;
    let age = record.age_secs(now_secs);
    if age < u64::from(chain.params.keepalive_days) * 86_400 {
        return revert(ProgramKeepaliveTooSoon { ageInSeconds: age });
    }
    let fee_wei = match charge_data_fee(chain, message, record.program.asm_estimate_kib * 1024) {
        Ok(fee_wei) => fee_wei,
        Err(answer) => return answer,
    };
    let activated_at_hours = now_secs.saturating_sub(ACTIVATION_EPOCH_SECS) / 3_600;
    chain.state.set_program(
        codehash,
        ProgramRecord {
            activated_at_hours,
            ..record
        },
    );
    let event = ProgramLifetimeExtended {
        codehash,
        dataFee: fee_wei,
    };
    chain.state.push_log(Log {
        address: ARBWASM_ADDRESS,
        data: event.encode_log_data(),
    });
    Answer::Return(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_the_reference_table() {
        let hex = |s: [u8; 4]| alloy_primitives::hex::encode(s);
        assert_eq!(hex(activateProgramCall::SELECTOR), "58c780c2");
        assert_eq!(hex(stylusVersionCall::SELECTOR), "a996e0c2");
        assert_eq!(hex(codehashVersionCall::SELECTOR), "d70c0ca7");
        assert_eq!(hex(codehashKeepaliveCall::SELECTOR), "c689bad5");
        assert_eq!(hex(codehashAsmSizeCall::SELECTOR), "4089267f");
        assert_eq!(hex(programVersionCall::SELECTOR), "cc8f4e88");
        assert_eq!(hex(programInitGasCall::SELECTOR), "62b688aa");
        assert_eq!(hex(programMemoryFootprintCall::SELECTOR), "aef36be3");
        assert_eq!(hex(programTimeLeftCall::SELECTOR), "c775a62a");
        assert_eq!(hex(inkPriceCall::SELECTOR), "d1c17abc");
        assert_eq!(hex(maxStackDepthCall::SELECTOR), "8ccfaa70");
        assert_eq!(hex(freePagesCall::SELECTOR), "4490c19d");
        assert_eq!(hex(pageGasCall::SELECTOR), "7af4ba49");
        assert_eq!(hex(pageLimitCall::SELECTOR), "9786f96e");
        assert_eq!(hex(minInitGasCall::SELECTOR), "99d0b38d");
        assert_eq!(hex(initCostScalarCall::SELECTOR), "5fc94c0b");
        assert_eq!(hex(expiryDaysCall::SELECTOR), "309f6555");
        assert_eq!(hex(keepaliveDaysCall::SELECTOR), "0a936455");
        assert_eq!(hex(blockCacheSizeCall::SELECTOR), "7af6e819");
        assert_eq!(hex(activationGasCall::SELECTOR), "2278c278");
        assert_eq!(hex(ProgramNotWasm::SELECTOR), "27f38212");
        assert_eq!(hex(ProgramNotActivated::SELECTOR), "6f809c4e");
        assert_eq!(hex(ProgramNeedsUpgrade::SELECTOR), "637d968f");
        assert_eq!(hex(ProgramExpired::SELECTOR), "c9b12e52");
        assert_eq!(hex(ProgramUpToDate::SELECTOR), "cc944bf2");
        assert_eq!(hex(ProgramKeepaliveTooSoon::SELECTOR), "16bd0cf8");
        assert_eq!(hex(ProgramInsufficientValue::SELECTOR), "09781ab7");
        assert!(
            hex(ProgramActivated::SIGNATURE_HASH.0[..4].try_into().unwrap())
                .starts_with("c0e81278")
        );
    }
}
