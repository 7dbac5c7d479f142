//! The `vm_hooks` hostios (reference §4): per-frame host state, ink charging through the instrumented
//! module's `stylus_ink_left` / `stylus_ink_status` globals, and the 42 functions.

use std::collections::HashMap;
use std::fmt;

use alloy_primitives::{keccak256, Address, Bytes, Log, LogData, B256, U256};
use wasmi::{Caller, Global, Linker, Memory, Val};

use crate::chain::{Chain, InkTraceEntry};
use crate::error::ExecError;
use crate::exec::{self, CallKind, CreateMessage, Message};
use crate::pricing::{
    keccak_price_ink, pow_price_ink, read_price_ink, read_surcharge_gas, sstore_charge,
    write_price_ink, write_surcharge_gas, ADDMOD_INK, CALL_STIPEND_GAS, CALL_VALUE_GAS,
    COLD_ACCOUNT_GAS, COLD_SLOAD_GAS, CREATE2_HASH_GAS_PER_WORD, CREATE_GAS, DIV_INK, EVM_API_INK,
    HOSTIO_INK, MULMOD_INK, NEW_ACCOUNT_GAS, PTR_INK, WARM_ACCESS_GAS,
};

/// How a hostio stops the program early (carried through wasmi as a host error).
#[derive(Debug)]
pub enum HostTrap {
    /// `exit_early(status)`: 0 = success with the current output, else revert with it (§4.3).
    Exit(u32),
    /// An ink buy or requirement failed (§2.5).
    OutOfInk,
    /// The hostio failed: empty revert, gas kept (§5.2).
    Failure(ExecError),
}

impl fmt::Display for HostTrap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exit(status) => write!(f, "exit_early({status})"),
            Self::OutOfInk => write!(f, "out of ink"),
            Self::Failure(error) => write!(f, "{error}"),
        }
    }
}

impl wasmi::errors::HostError for HostTrap {}

type HostResult<T> = Result<T, wasmi::Error>;

fn trap(error: HostTrap) -> wasmi::Error {
    wasmi::Error::host(error)
}

/// The executing frame's context (what msg_* and contract_address report).
#[derive(Debug, Clone)]
pub struct FrameEnv {
    /// The address whose storage and balance the program uses.
    pub address: Address,
    /// msg.sender.
    pub caller: Address,
    /// msg.value in wei.
    pub value_wei: U256,
    /// Whether state changes are forbidden (§5.7).
    pub is_static: bool,
    /// msg_reentrant (§5.3).
    pub reentrant: bool,
    /// Calldata.
    pub args: Bytes,
}

/// One storage-cache slot: the value the program sees and the value known to be in the state.
#[derive(Debug, Clone, Copy)]
struct CacheSlot {
    value: U256,
    known: Option<U256>,
}

/// Handles into the instance, set right after instantiation.
#[derive(Debug, Clone, Copy)]
pub struct InstanceHandles {
    /// `stylus_ink_left` (i64).
    pub ink_left: Global,
    /// `stylus_ink_status` (i32, 1 = out of ink).
    pub ink_status: Global,
    /// Linear memory 0.
    pub memory: Memory,
}

/// Per-invocation host state (the wasmi store's data).
pub struct HostState {
    /// The chain; `None` only while a nested frame borrows it.
    pub chain: Option<Box<Chain>>,
    /// The frame's context.
    pub frame: FrameEnv,
    /// Ink per gas for this call.
    pub ink_price: u64,
    /// Output buffer set by `write_result`.
    pub output: Vec<u8>,
    /// Last call/create result (`read_return_data`).
    return_data: Bytes,
    /// The storage cache of this invocation (§4.3), never flushed by the host.
    cache: HashMap<U256, CacheSlot>,
    reads: u32,
    writes: u32,
    /// `account_code` / `account_code_size` last-address cache (§4.3).
    last_code: Option<(Address, Bytes)>,
    /// Instance handles.
    pub handles: Option<InstanceHandles>,
    /// Whether hostio ink is traced.
    tracing: bool,
    /// Call depth of this frame (for the trace).
    depth: usize,
}

impl HostState {
    /// Fresh state for one program invocation.
    pub fn new(chain: Box<Chain>, frame: FrameEnv, ink_price: u64, depth: usize) -> Self {
        let tracing = chain.ink_trace.is_some();
        Self {
            chain: Some(chain),
            frame,
            ink_price,
            output: Vec::new(),
            return_data: Bytes::new(),
            cache: HashMap::new(),
            reads: 0,
            writes: 0,
            last_code: None,
            handles: None,
            tracing,
            depth,
        }
    }
}

fn failure(hostio: &'static str, reason: impl Into<String>) -> wasmi::Error {
    trap(HostTrap::Failure(ExecError::HostioFailure {
        hostio,
        reason: reason.into(),
    }))
}

/// A hostio in progress: the caller plus the hostio's name for errors and traces.
struct Io<'c, 'a> {
    caller: &'c mut Caller<'a, HostState>,
    hostio: &'static str,
}

impl Io<'_, '_> {
    fn handles(&self) -> HostResult<InstanceHandles> {
        self.caller
            .data()
            .handles
            .ok_or_else(|| failure(self.hostio, "no instance handles"))
    }

    fn ink_left(&self) -> HostResult<u64> {
        read_ink(self.caller)
    }

    fn gas_left(&self) -> HostResult<u64> {
        Ok(self.ink_left()? / self.caller.data().ink_price)
    }

    fn set_ink(&mut self, ink: u64) -> HostResult<()> {
        let handles = self.handles()?;
        handles
            .ink_left
            .set(&mut *self.caller, Val::I64(ink as i64))
            .map_err(|e| failure(self.hostio, e.to_string()))
    }

    fn out_of_ink(&mut self) -> wasmi::Error {
        if let Ok(handles) = self.handles() {
            // Both sets are on mutable i64/i32 globals of the instrumented module; a failure here
            // leaves the outcome unchanged because the trap below is classified as out of ink anyway.
            let _ = handles.ink_left.set(&mut *self.caller, Val::I64(0));
            let _ = handles.ink_status.set(&mut *self.caller, Val::I32(1));
        }
        trap(HostTrap::OutOfInk)
    }

    /// Subtracts `ink`, or stops the program out of ink (§2.1).
    fn buy_ink(&mut self, ink: u64) -> HostResult<()> {
        let left = self.ink_left()?;
        if left < ink {
            return Err(self.out_of_ink());
        }
        self.set_ink(left - ink)
    }

    /// Buys `gas` at the ink price (§2.1).
    fn buy_gas(&mut self, gas: u64) -> HostResult<()> {
        let ink = gas.saturating_mul(self.caller.data().ink_price);
        self.buy_ink(ink)
    }

    /// Checks that `gas` is left without spending it (§2.1).
    fn require_gas(&mut self, gas: u64) -> HostResult<()> {
        let ink = gas.saturating_mul(self.caller.data().ink_price);
        if self.ink_left()? < ink {
            return Err(self.out_of_ink());
        }
        Ok(())
    }

    fn read(&self, ptr: u32, len: u32) -> HostResult<Vec<u8>> {
        let memory = self.handles()?.memory;
        let mut buf = vec![0u8; len as usize];
        memory
            .read(&*self.caller, ptr as usize, &mut buf)
            .map_err(|_| {
                failure(
                    self.hostio,
                    format!("read of {len} bytes at {ptr} out of bounds"),
                )
            })?;
        Ok(buf)
    }

    fn read_word(&self, ptr: u32) -> HostResult<[u8; 32]> {
        let memory = self.handles()?.memory;
        let mut buf = [0u8; 32];
        memory
            .read(&*self.caller, ptr as usize, &mut buf)
            .map_err(|_| {
                failure(
                    self.hostio,
                    format!("read of 32 bytes at {ptr} out of bounds"),
                )
            })?;
        Ok(buf)
    }

    fn read_u256(&self, ptr: u32) -> HostResult<U256> {
        Ok(U256::from_be_bytes(self.read_word(ptr)?))
    }

    fn read_address(&self, ptr: u32) -> HostResult<Address> {
        let memory = self.handles()?.memory;
        let mut buf = [0u8; 20];
        memory
            .read(&*self.caller, ptr as usize, &mut buf)
            .map_err(|_| {
                failure(
                    self.hostio,
                    format!("read of 20 bytes at {ptr} out of bounds"),
                )
            })?;
        Ok(Address::from(buf))
    }

    fn write(&mut self, ptr: u32, data: &[u8]) -> HostResult<()> {
        let memory = self.handles()?.memory;
        let hostio = self.hostio;
        memory
            .write(&mut *self.caller, ptr as usize, data)
            .map_err(|_| {
                failure(
                    hostio,
                    format!("write of {} bytes at {ptr} out of bounds", data.len()),
                )
            })
    }

    fn write_u32(&mut self, ptr: u32, value: u32) -> HostResult<()> {
        self.write(ptr, &value.to_le_bytes())
    }

    fn host(&mut self) -> &mut HostState {
        self.caller.data_mut()
    }

    fn chain(&mut self) -> HostResult<&mut Chain> {
        let hostio = self.hostio;
        self.caller
            .data_mut()
            .chain
            .as_deref_mut()
            .ok_or_else(|| failure(hostio, "chain is borrowed by a nested frame"))
    }

    fn take_chain(&mut self) -> HostResult<Box<Chain>> {
        let hostio = self.hostio;
        self.caller
            .data_mut()
            .chain
            .take()
            .ok_or_else(|| failure(hostio, "chain is borrowed"))
    }

    fn static_guard(&self) -> HostResult<()> {
        if self.caller.data().frame.is_static {
            return Err(trap(HostTrap::Failure(ExecError::WriteProtection {
                hostio: self.hostio,
            })));
        }
        Ok(())
    }

    fn address(&self) -> Address {
        self.caller.data().frame.address
    }
}

fn read_ink(caller: &Caller<'_, HostState>) -> HostResult<u64> {
    let handles = caller
        .data()
        .handles
        .ok_or_else(|| failure("ink", "no instance handles"))?;
    match handles.ink_left.get(caller) {
        Val::I64(ink) => Ok(ink as u64),
        other => Err(failure("ink", format!("stylus_ink_left holds {other:?}"))),
    }
}

/// Runs one hostio body and, when tracing, records its ink before and after (§6 trace semantics).
fn hostio<R>(
    caller: &mut Caller<'_, HostState>,
    name: &'static str,
    body: impl FnOnce(&mut Io<'_, '_>) -> HostResult<R>,
) -> HostResult<R> {
    let tracing = caller.data().tracing;
    let ink_before = if tracing { read_ink(caller)? } else { 0 };
    let result = body(&mut Io {
        caller,
        hostio: name,
    });
    if tracing {
        let ink_after = read_ink(caller)?;
        let depth = caller.data().depth;
        let address = caller.data().frame.address;
        if let Some(trace) = caller
            .data_mut()
            .chain
            .as_deref_mut()
            .and_then(|c| c.ink_trace.as_mut())
        {
            trace.push(InkTraceEntry {
                hostio: name,
                address,
                depth,
                ink_before,
                ink_after,
            });
        }
    }
    result
}

const VM_HOOKS: &str = "vm_hooks";

/// Builds the linker with all 42 `vm_hooks` functions (reference §4.2).
pub fn linker(engine: &wasmi::Engine) -> Result<Linker<HostState>, wasmi::errors::LinkerError> {
    let mut l = Linker::<HostState>::new(engine);
    define_io(&mut l)?;
    define_storage(&mut l)?;
    define_calls(&mut l)?;
    define_context(&mut l)?;
    define_math(&mut l)?;
    Ok(l)
}

type LinkResult = Result<(), wasmi::errors::LinkerError>;

fn define_io(l: &mut Linker<HostState>) -> LinkResult {
    l.func_wrap(
        VM_HOOKS,
        "read_args",
        |mut c: Caller<'_, HostState>, dest: u32| {
            hostio(&mut c, "read_args", |io| {
                io.buy_ink(HOSTIO_INK)?;
                let args = io.host().frame.args.clone();
                io.buy_ink(write_price_ink(args.len() as u64))?;
                io.write(dest, &args)
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "write_result",
        |mut c: Caller<'_, HostState>, ptr: u32, len: u32| {
            hostio(&mut c, "write_result", |io| {
                io.buy_ink(HOSTIO_INK)?;
                io.buy_ink(2 * read_price_ink(len.into()))?;
                let data = io.read(ptr, len)?;
                io.host().output = data;
                Ok(())
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "exit_early",
        |mut c: Caller<'_, HostState>, status: u32| {
            hostio(&mut c, "exit_early", |_| {
                Err::<(), _>(trap(HostTrap::Exit(status)))
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "pay_for_memory_grow",
        |mut c: Caller<'_, HostState>, pages: u32| {
            hostio(&mut c, "pay_for_memory_grow", |io| {
                // The wasm i32 is truncated to u16 (§3).
                let pages = pages as u16;
                if pages == 0 {
                    return io.buy_ink(HOSTIO_INK);
                }
                let chain = io.chain()?;
                let gas = chain.memory_grow_gas(pages);
                io.buy_gas(gas)?;
                io.chain()?.open_pages(pages);
                Ok(())
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "native_keccak256",
        |mut c: Caller<'_, HostState>, ptr: u32, len: u32, out: u32| {
            hostio(&mut c, "native_keccak256", |io| {
                io.buy_ink(keccak_price_ink(len.into()))?;
                let data = io.read(ptr, len)?;
                io.write(out, keccak256(&data).as_slice())
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "emit_log",
        |mut c: Caller<'_, HostState>, ptr: u32, len: u32, topics: u32| {
            hostio(&mut c, "emit_log", |io| {
                io.buy_ink(HOSTIO_INK + EVM_API_INK)?;
                if topics > 4 || len < 32 * topics {
                    return Err(failure(
                        "emit_log",
                        format!("{topics} topics in {len} bytes"),
                    ));
                }
                io.static_guard()?;
                io.buy_ink(read_price_ink(len.into()))?;
                let data = io.read(ptr, len)?;
                let data_len = u64::from(len - 32 * topics);
                io.buy_gas(375 * (1 + u64::from(topics)) + 8 * data_len)?;
                let split = 32 * topics as usize;
                let topic_list = data[..split]
                    .chunks_exact(32)
                    .map(B256::from_slice)
                    .collect::<Vec<_>>();
                let address = io.address();
                let log = Log {
                    address,
                    data: LogData::new_unchecked(
                        topic_list,
                        Bytes::copy_from_slice(&data[split..]),
                    ),
                };
                io.chain()?.state.push_log(log);
                Ok(())
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "return_data_size",
        |mut c: Caller<'_, HostState>| {
            hostio(&mut c, "return_data_size", |io| {
                io.buy_ink(HOSTIO_INK)?;
                Ok(io.host().return_data.len() as u32)
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "read_return_data",
        |mut c: Caller<'_, HostState>, dest: u32, offset: u32, size: u32| {
            hostio(&mut c, "read_return_data", |io| {
                io.buy_ink(HOSTIO_INK + EVM_API_INK)?;
                let data = io.host().return_data.clone();
                let start = (offset as usize).min(data.len());
                let end = (offset as usize)
                    .saturating_add(size as usize)
                    .min(data.len());
                let slice = &data[start..end];
                io.buy_ink(write_price_ink(slice.len() as u64))?;
                io.write(dest, slice)?;
                Ok(slice.len() as u32)
            })
        },
    )?;
    Ok(())
}

fn define_storage(l: &mut Linker<HostState>) -> LinkResult {
    l.func_wrap(
        VM_HOOKS,
        "storage_load_bytes32",
        |mut c: Caller<'_, HostState>, key: u32, dest: u32| {
            hostio(&mut c, "storage_load_bytes32", |io| {
                io.buy_ink(HOSTIO_INK + 2 * PTR_INK)?;
                let api_gas = EVM_API_INK / io.host().ink_price;
                io.require_gas(COLD_SLOAD_GAS + 10 + api_gas)?;
                let key = io.read_u256(key)?;
                let host = io.host();
                host.reads += 1;
                let surcharge = read_surcharge_gas(host.reads);
                let (value, gas) = match host.cache.get(&key) {
                    Some(slot) => (slot.value, surcharge),
                    None => {
                        let address = io.address();
                        let chain = io.chain()?;
                        let cold = chain.state.warm_slot(address, key);
                        let value = chain.state.storage(address, key);
                        let access = if cold {
                            COLD_SLOAD_GAS
                        } else {
                            WARM_ACCESS_GAS
                        };
                        io.host().cache.insert(
                            key,
                            CacheSlot {
                                value,
                                known: Some(value),
                            },
                        );
                        (value, surcharge + access + api_gas)
                    }
                };
                io.buy_gas(gas)?;
                io.write(dest, &value.to_be_bytes::<32>())
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "storage_cache_bytes32",
        |mut c: Caller<'_, HostState>, key: u32, value: u32| {
            hostio(&mut c, "storage_cache_bytes32", |io| {
                io.buy_ink(HOSTIO_INK + 2 * PTR_INK)?;
                io.require_gas(2_300 + 10)?;
                let key = io.read_u256(key)?;
                let value = io.read_u256(value)?;
                let host = io.host();
                host.writes += 1;
                let surcharge = write_surcharge_gas(host.writes);
                host.cache
                    .entry(key)
                    .and_modify(|slot| slot.value = value)
                    .or_insert(CacheSlot { value, known: None });
                io.buy_gas(surcharge)
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "storage_flush_cache",
        |mut c: Caller<'_, HostState>, clear: u32| {
            hostio(&mut c, "storage_flush_cache", |io| {
                io.buy_ink(HOSTIO_INK + EVM_API_INK)?;
                io.require_gas(2_300)?;
                let mut dirty: Vec<(U256, U256)> = io
                    .host()
                    .cache
                    .iter()
                    .filter(|(_, slot)| slot.known != Some(slot.value))
                    .map(|(key, slot)| (*key, slot.value))
                    .collect();
                if !dirty.is_empty() {
                    io.static_guard()?;
                    dirty.sort_unstable_by_key(|(key, _)| *key);
                    let gas_left = io.gas_left()?;
                    let address = io.address();
                    let chain = io.chain()?;
                    let mut total_gas: u64 = 0;
                    for (key, value) in &dirty {
                        let cold = chain.state.warm_slot(address, *key);
                        let original = chain.state.original_storage(address, *key);
                        let current = chain.state.storage(address, *key);
                        let charge = sstore_charge(cold, original, current, *value);
                        total_gas = total_gas.saturating_add(charge.gas);
                        chain.state.add_refund_gas(charge.refund_delta_gas);
                        chain.state.set_storage(address, *key, *value);
                        if total_gas > gas_left {
                            // ArbOS ≥ 50: an SSTORE out of gas during a flush is out of ink (§4.3).
                            return Err(io.out_of_ink());
                        }
                    }
                    for (key, value) in &dirty {
                        if let Some(slot) = io.host().cache.get_mut(key) {
                            slot.known = Some(*value);
                        }
                    }
                    io.buy_gas(total_gas)?;
                }
                if clear != 0 {
                    io.host().cache.clear();
                }
                Ok(())
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "transient_load_bytes32",
        |mut c: Caller<'_, HostState>, key: u32, dest: u32| {
            hostio(&mut c, "transient_load_bytes32", |io| {
                io.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
                io.buy_gas(WARM_ACCESS_GAS)?;
                let key = io.read_u256(key)?;
                let address = io.address();
                let value = io.chain()?.state.transient(address, key);
                io.write(dest, &value.to_be_bytes::<32>())
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "transient_store_bytes32",
        |mut c: Caller<'_, HostState>, key: u32, value: u32| {
            hostio(&mut c, "transient_store_bytes32", |io| {
                io.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
                io.buy_gas(WARM_ACCESS_GAS)?;
                let key = io.read_u256(key)?;
                let value = io.read_u256(value)?;
                io.static_guard()?;
                let address = io.address();
                io.chain()?.state.set_transient(address, key, value);
                Ok(())
            })
        },
    )?;
    Ok(())
}

/// The wasm arguments of a call hostio.
struct CallArgs {
    kind: CallKind,
    target_ptr: u32,
    data_ptr: u32,
    len: u32,
    value_ptr: Option<u32>,
    gas_req: u64,
    ret_len_ptr: u32,
}

/// Common part of the three call hostios (reference §4.3 calls).
fn call_hostio(io: &mut Io<'_, '_>, args: CallArgs) -> HostResult<u32> {
    let CallArgs {
        kind,
        target_ptr,
        data_ptr,
        len,
        value_ptr,
        gas_req,
        ret_len_ptr,
    } = args;
    io.buy_ink(HOSTIO_INK + 3 * PTR_INK + EVM_API_INK)?;
    io.buy_ink(2 * read_price_ink(len.into()))?;
    let target = io.read_address(target_ptr)?;
    let input = Bytes::from(io.read(data_ptr, len)?);
    let value_wei = match value_ptr {
        Some(ptr) => io.read_u256(ptr)?,
        None => U256::ZERO,
    };
    let gas_left = io.gas_left()?;
    let gas_req = gas_req.min(gas_left);
    let frame = io.host().frame.clone();
    let depth = io.host().depth;

    let fail = |io: &mut Io<'_, '_>| -> HostResult<u32> {
        io.host().return_data = Bytes::new();
        io.write_u32(ret_len_ptr, 0)?;
        Ok(2)
    };
    if frame.is_static && !value_wei.is_zero() {
        return fail(io);
    }
    let chain = io.chain()?;
    let mut base_gas = WARM_ACCESS_GAS;
    if chain.state.warm_address(target) {
        base_gas += COLD_ACCOUNT_GAS - WARM_ACCESS_GAS;
    }
    if !value_wei.is_zero() {
        base_gas += CALL_VALUE_GAS;
        if chain.state.is_empty(target) {
            base_gas += NEW_ACCOUNT_GAS;
        }
    }
    if base_gas > gas_left {
        io.buy_gas(gas_left)?;
        return fail(io);
    }
    // floor(63x/64), not the EVM's x − ⌊x/64⌋ (§4.3).
    let forwarded_gas = (((gas_left - base_gas) as u128 * 63) / 64) as u64;
    let forwarded_gas = forwarded_gas.min(gas_req);
    let stipend_gas = if value_wei.is_zero() {
        0
    } else {
        CALL_STIPEND_GAS
    };
    let message = match kind {
        CallKind::Call => Message {
            kind,
            caller: frame.address,
            address: target,
            code_address: target,
            value_wei,
            input,
            gas: forwarded_gas + stipend_gas,
            is_static: frame.is_static,
            depth: depth + 1,
        },
        CallKind::Delegate => Message {
            kind,
            caller: frame.caller,
            address: frame.address,
            code_address: target,
            value_wei: frame.value_wei,
            input,
            gas: forwarded_gas,
            is_static: frame.is_static,
            depth: depth + 1,
        },
        CallKind::Static => Message {
            kind,
            caller: frame.address,
            address: target,
            code_address: target,
            value_wei: U256::ZERO,
            input,
            gas: forwarded_gas,
            is_static: true,
            depth: depth + 1,
        },
    };
    let chain = io.take_chain()?;
    let (chain, result) = exec::call(chain, message);
    io.host().chain = Some(chain);
    // The unused stipend is not credited (§4.3 calls, step 4).
    let cost_gas = (base_gas + forwarded_gas + stipend_gas).saturating_sub(result.gas_left);
    io.buy_gas(cost_gas)?;
    let status = if result.is_success() { 0 } else { 2 };
    let len = result.output.len() as u32;
    io.host().return_data = result.output;
    io.write_u32(ret_len_ptr, len)?;
    Ok(status)
}

/// Common part of create1 / create2 (reference §4.3 creates).
fn create_hostio(
    io: &mut Io<'_, '_>,
    code_ptr: u32,
    len: u32,
    endowment_ptr: u32,
    salt_ptr: Option<u32>,
    address_out: u32,
    ret_len_ptr: u32,
) -> HostResult<()> {
    let base_ink = if salt_ptr.is_some() {
        HOSTIO_INK + 4 * PTR_INK + EVM_API_INK
    } else {
        HOSTIO_INK + 3 * PTR_INK + EVM_API_INK
    };
    io.buy_ink(base_ink)?;
    io.buy_ink(2 * read_price_ink(len.into()))?;
    let init = Bytes::from(io.read(code_ptr, len)?);
    let endowment_wei = io.read_u256(endowment_ptr)?;
    let salt = match salt_ptr {
        Some(ptr) => Some(B256::from(io.read_word(ptr)?)),
        None => None,
    };
    io.static_guard()?;
    let gas_left = io.gas_left()?;
    let mut base_gas = CREATE_GAS;
    if salt.is_some() {
        base_gas += CREATE2_HASH_GAS_PER_WORD * crate::pricing::words(len.into());
    }
    if base_gas > gas_left {
        return Err(failure(
            io.hostio,
            format!("create needs {base_gas} gas, {gas_left} left"),
        ));
    }
    let remaining = gas_left - base_gas;
    let forwarded_gas = remaining - remaining / 64;
    let frame = io.host().frame.clone();
    let depth = io.host().depth;
    let message = CreateMessage {
        caller: frame.address,
        value_wei: endowment_wei,
        init,
        salt,
        gas: forwarded_gas,
        depth: depth + 1,
    };
    let chain = io.take_chain()?;
    let (chain, created) = exec::create(chain, message);
    io.host().chain = Some(chain);
    io.buy_gas((base_gas + forwarded_gas).saturating_sub(created.result.gas_left))?;
    let address = created.address.unwrap_or(Address::ZERO);
    let return_data = if created.result.is_revert() {
        created.result.output
    } else {
        Bytes::new()
    };
    let len = return_data.len() as u32;
    io.host().return_data = return_data;
    io.write(address_out, address.as_slice())?;
    io.write_u32(ret_len_ptr, len)
}

fn define_calls(l: &mut Linker<HostState>) -> LinkResult {
    l.func_wrap(
        VM_HOOKS,
        "call_contract",
        |mut c: Caller<'_, HostState>,
         to: u32,
         data: u32,
         len: u32,
         value: u32,
         gas: u64,
         ret_len: u32| {
            hostio(&mut c, "call_contract", |io| {
                call_hostio(
                    io,
                    CallArgs {
                        kind: CallKind::Call,
                        target_ptr: to,
                        data_ptr: data,
                        len,
                        value_ptr: Some(value),
                        gas_req: gas,
                        ret_len_ptr: ret_len,
                    },
                )
            })
        },
    )?;
    // The delegate and static calls share a signature and differ only in kind.
    for (name, kind) in [
        ("delegate_call_contract", CallKind::Delegate),
        ("static_call_contract", CallKind::Static),
    ] {
        l.func_wrap(
            VM_HOOKS,
            name,
            move |mut c: Caller<'_, HostState>,
                  to: u32,
                  data: u32,
                  len: u32,
                  gas: u64,
                  ret_len: u32| {
                hostio(&mut c, name, |io| {
                    call_hostio(
                        io,
                        CallArgs {
                            kind,
                            target_ptr: to,
                            data_ptr: data,
                            len,
                            value_ptr: None,
                            gas_req: gas,
                            ret_len_ptr: ret_len,
                        },
                    )
                })
            },
        )?;
    }
    l.func_wrap(
        VM_HOOKS,
        "create1",
        |mut c: Caller<'_, HostState>,
         code: u32,
         len: u32,
         endowment: u32,
         out: u32,
         ret_len: u32| {
            hostio(&mut c, "create1", |io| {
                create_hostio(io, code, len, endowment, None, out, ret_len)
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "create2",
        |mut c: Caller<'_, HostState>,
         code: u32,
         len: u32,
         endowment: u32,
         salt: u32,
         out: u32,
         ret_len: u32| {
            hostio(&mut c, "create2", |io| {
                create_hostio(io, code, len, endowment, Some(salt), out, ret_len)
            })
        },
    )?;
    Ok(())
}

/// Gas of a code query, using the last-address cache (§4.3 account_code).
fn code_access(io: &mut Io<'_, '_>, address: Address) -> HostResult<Bytes> {
    if let Some((cached, code)) = &io.host().last_code {
        if *cached == address {
            return Ok(code.clone());
        }
    }
    io.require_gas(COLD_ACCOUNT_GAS)?;
    let chain = io.chain()?;
    let cold = chain.state.warm_address(address);
    let code = chain.state.code(address);
    let gas = 700
        + if cold {
            COLD_ACCOUNT_GAS
        } else {
            WARM_ACCESS_GAS
        };
    io.buy_gas(gas)?;
    if !code.is_empty() {
        io.host().last_code = Some((address, code.clone()));
    }
    Ok(code)
}

/// Buys the 2 600 / 100 gas of a balance or codehash query (§4.3).
fn account_access(io: &mut Io<'_, '_>, address: Address) -> HostResult<()> {
    io.require_gas(COLD_ACCOUNT_GAS)?;
    let cold = io.chain()?.state.warm_address(address);
    io.buy_gas(if cold {
        COLD_ACCOUNT_GAS
    } else {
        WARM_ACCESS_GAS
    })
}

fn define_context(l: &mut Linker<HostState>) -> LinkResult {
    l.func_wrap(
        VM_HOOKS,
        "account_balance",
        |mut c: Caller<'_, HostState>, addr: u32, dest: u32| {
            hostio(&mut c, "account_balance", |io| {
                io.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
                let address = io.read_address(addr)?;
                account_access(io, address)?;
                let balance = io.chain()?.state.balance_wei(address);
                io.write(dest, &balance.to_be_bytes::<32>())
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "account_codehash",
        |mut c: Caller<'_, HostState>, addr: u32, dest: u32| {
            hostio(&mut c, "account_codehash", |io| {
                io.buy_ink(HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
                let address = io.read_address(addr)?;
                account_access(io, address)?;
                let hash = io.chain()?.state.ext_code_hash(address);
                io.write(dest, hash.as_slice())
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "account_code_size",
        |mut c: Caller<'_, HostState>, addr: u32| {
            hostio(&mut c, "account_code_size", |io| {
                io.buy_ink(HOSTIO_INK + EVM_API_INK)?;
                let address = io.read_address(addr)?;
                Ok(code_access(io, address)?.len() as u32)
            })
        },
    )?;
    l.func_wrap(
        VM_HOOKS,
        "account_code",
        |mut c: Caller<'_, HostState>, addr: u32, offset: u32, size: u32, dest: u32| {
            hostio(&mut c, "account_code", |io| {
                io.buy_ink(HOSTIO_INK + EVM_API_INK)?;
                let address = io.read_address(addr)?;
                let code = code_access(io, address)?;
                io.buy_ink(write_price_ink(code.len() as u64))?;
                let start = (offset as usize).min(code.len());
                let end = (offset as usize)
                    .saturating_add(size as usize)
                    .min(code.len());
                io.write(dest, &code[start..end])?;
                Ok((end - start) as u32)
            })
        },
    )?;
    l.func_wrap(VM_HOOKS, "evm_gas_left", |mut c: Caller<'_, HostState>| {
        hostio(&mut c, "evm_gas_left", |io| {
            io.buy_ink(HOSTIO_INK)?;
            io.gas_left()
        })
    })?;
    l.func_wrap(VM_HOOKS, "evm_ink_left", |mut c: Caller<'_, HostState>| {
        hostio(&mut c, "evm_ink_left", |io| {
            io.buy_ink(HOSTIO_INK)?;
            io.ink_left()
        })
    })?;
    define_word_getter(l, "block_basefee", |io| {
        Ok(io.chain()?.block.basefee_wei.to_be_bytes::<32>().to_vec())
    })?;
    define_word_getter(l, "block_coinbase", |io| {
        Ok(io.chain()?.block.coinbase.to_vec())
    })?;
    define_word_getter(l, "contract_address", |io| {
        Ok(io.host().frame.address.to_vec())
    })?;
    define_word_getter(l, "msg_sender", |io| Ok(io.host().frame.caller.to_vec()))?;
    define_word_getter(l, "msg_value", |io| {
        Ok(io.host().frame.value_wei.to_be_bytes::<32>().to_vec())
    })?;
    define_word_getter(l, "tx_gas_price", |io| {
        Ok(io.chain()?.tx.gas_price_wei.to_be_bytes::<32>().to_vec())
    })?;
    define_word_getter(l, "tx_origin", |io| Ok(io.chain()?.tx.origin.to_vec()))?;
    define_u64_getter(l, "chainid", |io| Ok(io.chain()?.block.chain_id))?;
    define_u64_getter(l, "block_gas_limit", |io| Ok(io.chain()?.block.gas_limit))?;
    define_u64_getter(l, "block_number", |io| Ok(io.chain()?.block.number))?;
    define_u64_getter(l, "block_timestamp", |io| {
        Ok(io.chain()?.block.timestamp_secs)
    })?;
    l.func_wrap(VM_HOOKS, "msg_reentrant", |mut c: Caller<'_, HostState>| {
        hostio(&mut c, "msg_reentrant", |io| {
            io.buy_ink(HOSTIO_INK)?;
            Ok(u32::from(io.host().frame.reentrant))
        })
    })?;
    l.func_wrap(VM_HOOKS, "tx_ink_price", |mut c: Caller<'_, HostState>| {
        hostio(&mut c, "tx_ink_price", |io| {
            io.buy_ink(HOSTIO_INK)?;
            Ok(io.host().ink_price as u32)
        })
    })?;
    Ok(())
}

/// A `(dest)` hostio writing 20 or 32 bytes for 13 440 ink (§4.2).
fn define_word_getter(
    l: &mut Linker<HostState>,
    name: &'static str,
    get: fn(&mut Io<'_, '_>) -> HostResult<Vec<u8>>,
) -> LinkResult {
    l.func_wrap(
        VM_HOOKS,
        name,
        move |mut c: Caller<'_, HostState>, dest: u32| {
            hostio(&mut c, name, |io| {
                io.buy_ink(HOSTIO_INK + PTR_INK)?;
                let bytes = get(io)?;
                io.write(dest, &bytes)
            })
        },
    )?;
    Ok(())
}

/// A `() -> u64` hostio for 8 400 ink (§4.2).
fn define_u64_getter(
    l: &mut Linker<HostState>,
    name: &'static str,
    get: fn(&mut Io<'_, '_>) -> HostResult<u64>,
) -> LinkResult {
    l.func_wrap(VM_HOOKS, name, move |mut c: Caller<'_, HostState>| {
        hostio(&mut c, name, |io| {
            io.buy_ink(HOSTIO_INK)?;
            get(io)
        })
    })?;
    Ok(())
}

/// A math hostio over two 32-byte operands; the result overwrites the first (§4.3 math_*).
fn define_math2(
    l: &mut Linker<HostState>,
    name: &'static str,
    op: fn(U256, U256) -> U256,
) -> LinkResult {
    l.func_wrap(
        VM_HOOKS,
        name,
        move |mut c: Caller<'_, HostState>, a: u32, b: u32| {
            hostio(&mut c, name, |io| {
                io.buy_ink(HOSTIO_INK + 3 * PTR_INK + DIV_INK)?;
                let x = io.read_u256(a)?;
                let y = io.read_u256(b)?;
                io.write(a, &op(x, y).to_be_bytes::<32>())
            })
        },
    )?;
    Ok(())
}

/// A modular math hostio over three operands (§4.3 math_*).
fn define_math3(
    l: &mut Linker<HostState>,
    name: &'static str,
    extra_ink: u64,
    op: fn(U256, U256, U256) -> U256,
) -> LinkResult {
    l.func_wrap(
        VM_HOOKS,
        name,
        move |mut c: Caller<'_, HostState>, a: u32, b: u32, m: u32| {
            hostio(&mut c, name, |io| {
                io.buy_ink(HOSTIO_INK + 4 * PTR_INK + extra_ink)?;
                let x = io.read_u256(a)?;
                let y = io.read_u256(b)?;
                let modulus = io.read_u256(m)?;
                io.write(a, &op(x, y, modulus).to_be_bytes::<32>())
            })
        },
    )?;
    Ok(())
}

fn define_math(l: &mut Linker<HostState>) -> LinkResult {
    define_math2(l, "math_div", |a, b| a.checked_div(b).unwrap_or(U256::ZERO))?;
    define_math2(l, "math_mod", |a, b| a.checked_rem(b).unwrap_or(U256::ZERO))?;
    define_math3(l, "math_add_mod", ADDMOD_INK, |a, b, m| a.add_mod(b, m))?;
    define_math3(l, "math_mul_mod", MULMOD_INK, |a, b, m| a.mul_mod(b, m))?;
    l.func_wrap(
        VM_HOOKS,
        "math_pow",
        |mut c: Caller<'_, HostState>, a: u32, e: u32| {
            hostio(&mut c, "math_pow", |io| {
                io.buy_ink(HOSTIO_INK + 3 * PTR_INK)?;
                let exponent = io.read_word(e)?;
                io.buy_ink(pow_price_ink(&exponent))?;
                let base = io.read_u256(a)?;
                let result = base.wrapping_pow(U256::from_be_bytes(exponent));
                io.write(a, &result.to_be_bytes::<32>())
            })
        },
    )?;
    Ok(())
}
