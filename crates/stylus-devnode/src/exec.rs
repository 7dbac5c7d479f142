//! Frames: message calls, creates and the Stylus program run with its init charge, memory
//! footprint, outcome classification and return-data floor (reference §1.7, §2.5, §3, §5).

use std::sync::Arc;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use wasmi::{Module, Store, Val};

use crate::arbwasm;
use crate::arbwasm_cache;
use crate::chain::{Chain, FrameTraceEntry};
use crate::deployer;
use crate::error::ExecError;
use crate::host::{FrameEnv, HostState, HostTrap, InstanceHandles};
use crate::initcode::{create1_address, create2_address, run_prelude};
use crate::precompiles;
use crate::pricing::memory_cost_gas;

/// Deepest call stack the EVM allows.
pub const MAX_CALL_DEPTH: usize = 1_024;

/// Which call opcode a frame came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// CALL: value moves, callee's context.
    Call,
    /// DELEGATECALL: callee's code on the caller's storage, msg.sender and msg.value kept.
    Delegate,
    /// STATICCALL: read-only.
    Static,
}

/// A message call.
#[derive(Debug, Clone)]
pub struct Message {
    /// Call kind.
    pub kind: CallKind,
    /// msg.sender of the new frame.
    pub caller: Address,
    /// Address whose storage/balance the frame uses.
    pub address: Address,
    /// Address whose code runs.
    pub code_address: Address,
    /// msg.value (moved only for `CallKind::Call`).
    pub value_wei: U256,
    /// Calldata.
    pub input: Bytes,
    /// Gas given to the frame.
    pub gas: u64,
    /// Read-only context.
    pub is_static: bool,
    /// Depth of the new frame (0 = the transaction's).
    pub depth: usize,
}

/// A contract creation.
#[derive(Debug, Clone)]
pub struct CreateMessage {
    /// Creator.
    pub caller: Address,
    /// Endowment.
    pub value_wei: U256,
    /// Init code (must be the cargo-stylus prelude + code).
    pub init: Bytes,
    /// CREATE2 salt; `None` = CREATE.
    pub salt: Option<B256>,
    /// Gas given to the init code.
    pub gas: u64,
    /// Depth of the new frame.
    pub depth: usize,
}

/// How a frame ended (reference §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Returned normally.
    Success,
    /// Reverted with its output; gas left kept.
    Revert,
    /// Failed: empty output; gas per the failure's rule.
    Failure(ExecError),
}

/// A finished frame.
#[derive(Debug, Clone)]
pub struct FrameResult {
    /// How it ended.
    pub outcome: Outcome,
    /// Gas returned to the caller.
    pub gas_left: u64,
    /// Return data (revert data on revert, empty on failure).
    pub output: Bytes,
}

impl FrameResult {
    /// Success with output.
    pub fn success(gas_left: u64, output: Bytes) -> Self {
        Self {
            outcome: Outcome::Success,
            gas_left,
            output,
        }
    }

    /// Revert with output.
    pub fn revert(gas_left: u64, output: Bytes) -> Self {
        Self {
            outcome: Outcome::Revert,
            gas_left,
            output,
        }
    }

    /// Failure with empty output.
    pub fn failure(error: ExecError, gas_left: u64) -> Self {
        Self {
            outcome: Outcome::Failure(error),
            gas_left,
            output: Bytes::new(),
        }
    }

    /// Whether it succeeded.
    pub fn is_success(&self) -> bool {
        self.outcome == Outcome::Success
    }

    /// Whether it was a plain revert.
    pub fn is_revert(&self) -> bool {
        self.outcome == Outcome::Revert
    }

    /// The failure, if any.
    pub fn error(&self) -> Option<&ExecError> {
        match &self.outcome {
            Outcome::Failure(error) => Some(error),
            _ => None,
        }
    }
}

/// A finished create.
#[derive(Debug, Clone)]
pub struct CreateResult {
    /// The new contract on success.
    pub address: Option<Address>,
    /// The init frame's result.
    pub result: FrameResult,
}

/// Runs a message call: value transfer, dispatch to the ArbWasm precompile, an EOA or a Stylus
/// program, and the journal revert on anything but success.
pub fn call(mut chain: Box<Chain>, message: Message) -> (Box<Chain>, FrameResult) {
    if message.depth > MAX_CALL_DEPTH {
        return (
            chain,
            FrameResult::failure(ExecError::DepthLimit, message.gas),
        );
    }
    let checkpoint = chain.state.checkpoint();
    if message.kind == CallKind::Call {
        if let Err(have_wei) =
            chain
                .state
                .transfer(message.caller, message.address, message.value_wei)
        {
            let error = ExecError::InsufficientBalance {
                address: message.caller,
                have_wei,
                want_wei: message.value_wei,
            };
            return (chain, FrameResult::failure(error, message.gas));
        }
    }
    let counted = message.kind != CallKind::Delegate;
    if counted {
        *chain.frames_open.entry(message.address).or_insert(0) += 1;
    }
    let code = chain.state.code(message.code_address);
    let (mut chain, result) = if message.code_address == arbwasm::ARBWASM_ADDRESS {
        let result = arbwasm::run(&mut chain, &message);
        (chain, result)
    } else if message.code_address == arbwasm_cache::ARBWASM_CACHE_ADDRESS {
        let result = arbwasm_cache::run(&mut chain, &message);
        (chain, result)
    } else if message.code_address == deployer::STYLUS_DEPLOYER_ADDRESS {
        deployer::run(chain, &message)
    } else if message.code_address == precompiles::ECRECOVER_ADDRESS {
        (chain, precompiles::ecrecover(&message.input, message.gas))
    } else if code.is_empty() {
        // Value to an EOA (or a call to an empty account) succeeds with no output (§5.8).
        (chain, FrameResult::success(message.gas, Bytes::new()))
    } else if stylus_activation::is_stylus_program(&code, &chain.params) {
        run_program(chain, &message)
    } else {
        let error = ExecError::UnsupportedEvmCode {
            address: message.code_address,
        };
        (chain, FrameResult::failure(error, 0))
    };
    if counted {
        if let Some(count) = chain.frames_open.get_mut(&message.address) {
            *count -= 1;
        }
    }
    if !result.is_success() {
        chain.state.revert_to(checkpoint);
    }
    if let Some(frames) = chain.frame_trace.as_mut() {
        frames.push(FrameTraceEntry {
            depth: message.depth,
            code_address: message.code_address,
            gas_given: message.gas,
            gas_left: result.gas_left,
            success: result.is_success(),
        });
    }
    (chain, result)
}

/// Runs a CREATE / CREATE2 whose init code is the cargo-stylus prelude (§4.3 creates, §7).
pub fn create(mut chain: Box<Chain>, message: CreateMessage) -> (Box<Chain>, CreateResult) {
    let not_created = |result| CreateResult {
        address: None,
        result,
    };
    if message.depth > MAX_CALL_DEPTH {
        return (
            chain,
            not_created(FrameResult::failure(ExecError::DepthLimit, message.gas)),
        );
    }
    let have_wei = chain.state.balance_wei(message.caller);
    if have_wei < message.value_wei {
        // An endowment above the balance yields address 0 and returns the gas (§4.3).
        let error = ExecError::InsufficientBalance {
            address: message.caller,
            have_wei,
            want_wei: message.value_wei,
        };
        return (chain, not_created(FrameResult::failure(error, message.gas)));
    }
    let nonce = chain.state.nonce(message.caller);
    chain.state.set_nonce(message.caller, nonce + 1);
    let address = match message.salt {
        Some(salt) => create2_address(message.caller, salt, &message.init),
        None => create1_address(message.caller, nonce),
    };
    chain.state.warm_address(address);
    let checkpoint = chain.state.checkpoint();
    let result = run_create(&mut chain, &message, address);
    if result.is_success() {
        (
            chain,
            CreateResult {
                address: Some(address),
                result,
            },
        )
    } else {
        chain.state.revert_to(checkpoint);
        (chain, not_created(result))
    }
}

fn run_create(chain: &mut Chain, message: &CreateMessage, address: Address) -> FrameResult {
    if let Some(existing) = chain.state.account(address) {
        if !existing.code.is_empty() || existing.nonce != 0 {
            return FrameResult::failure(ExecError::CreateCollision { address }, 0);
        }
    }
    chain.state.set_nonce(address, 1);
    if let Err(have_wei) = chain
        .state
        .transfer(message.caller, address, message.value_wei)
    {
        let error = ExecError::InsufficientBalance {
            address: message.caller,
            have_wei,
            want_wei: message.value_wei,
        };
        return FrameResult::failure(error, message.gas);
    }
    let Some(run) = run_prelude(&message.init) else {
        return FrameResult::failure(ExecError::UnsupportedEvmCode { address }, 0);
    };
    let out_of_gas = |need_gas| ExecError::OutOfGas {
        need_gas,
        have_gas: message.gas,
    };
    let Some(gas) = message.gas.checked_sub(run.execution_gas) else {
        return FrameResult::failure(out_of_gas(run.execution_gas), 0);
    };
    let max_code_size = chain.params.max_code_size as usize;
    if run.code.len() > max_code_size {
        return FrameResult::failure(
            ExecError::CodeSizeExceeded {
                len_bytes: run.code.len(),
            },
            0,
        );
    }
    if run.code.first() == Some(&0xEF) && !is_deployable_stylus_prefix(&run.code) {
        return FrameResult::failure(ExecError::InvalidCodePrefix, 0);
    }
    let Some(gas) = gas.checked_sub(run.deposit_gas()) else {
        return FrameResult::failure(out_of_gas(run.execution_gas + run.deposit_gas()), 0);
    };
    chain.state.set_code(address, Bytes::from(run.code));
    FrameResult::success(gas, Bytes::new())
}

/// EIP-3541 exemption: classic, root or fragment Stylus prefix (ArbOS ≥ 60, §1.1).
fn is_deployable_stylus_prefix(code: &[u8]) -> bool {
    [
        stylus_activation::CLASSIC_PREFIX,
        stylus_activation::ROOT_PREFIX,
        stylus_activation::FRAGMENT_PREFIX,
    ]
    .iter()
    .any(|prefix| code.starts_with(prefix))
}

/// Compiles (once per activation) the instrumented module of an active program.
fn module_for(chain: &mut Chain, codehash: B256) -> Result<Module, ExecError> {
    let record = chain
        .state
        .program(codehash)
        .ok_or(ExecError::ProgramNotActivated { codehash })?;
    if let Some((program, module)) = chain.modules.get(&codehash) {
        if Arc::ptr_eq(program, &record.program) {
            return Ok(module.clone());
        }
    }
    let program = Arc::clone(&record.program);
    let module = Module::new(&chain.runtime.engine, &program.instrumented_wasm)
        .map_err(|e| ExecError::Trap(format!("compiling the instrumented module: {e}")))?;
    chain.modules.insert(codehash, (program, module.clone()));
    Ok(module)
}

/// Runs a Stylus program frame (§1.7 checks and charge, §2.5, §3, §5).
fn run_program(mut chain: Box<Chain>, message: &Message) -> (Box<Chain>, FrameResult) {
    let start_gas = message.gas;
    let codehash = chain
        .state
        .account(message.code_address)
        .map_or_else(|| keccak256([]), |a| a.code_hash);
    // §5.9: activation, version and expiry checks before any charge; all gas consumed.
    let Some(record) = chain.state.program(codehash).cloned() else {
        return (
            chain,
            FrameResult::failure(ExecError::ProgramNotActivated { codehash }, 0),
        );
    };
    if record.version != chain.params.stylus_version {
        let error = ExecError::ProgramNeedsUpgrade {
            version: record.version,
            current: chain.params.stylus_version,
        };
        return (chain, FrameResult::failure(error, 0));
    }
    let age_secs = record.age_secs(chain.block.timestamp_secs);
    if age_secs > u64::from(chain.params.expiry_days) * 86_400 {
        return (
            chain,
            FrameResult::failure(ExecError::ProgramExpired { age_secs }, 0),
        );
    }

    // §1.7 + §3: memory footprint gas + cached init gas (+ init gas unless cached by a cache
    // manager or recently called; the LRU lookup also inserts, so it always runs).
    let recently_called = chain.recent_wasms_hit(codehash);
    let cached = record.cached || recently_called;
    let footprint = record.program.footprint_pages;
    let footprint_gas = chain.memory_grow_gas(footprint);
    let init_gas = stylus_activation::call_init_gas(&record.program, &chain.params, cached);
    let charge_gas = footprint_gas.saturating_add(init_gas);
    if charge_gas > start_gas {
        let error = ExecError::InitGasExceeded {
            need_gas: charge_gas,
            have_gas: start_gas,
        };
        return (chain, FrameResult::failure(error, 0));
    }
    let module = match module_for(&mut chain, codehash) {
        Ok(module) => module,
        Err(error) => return (chain, FrameResult::failure(error, 0)),
    };
    let open_before = chain.open_pages;
    chain.open_pages(footprint);

    let reentrant = chain
        .frames_open
        .get(&message.address)
        .copied()
        .unwrap_or(0)
        > 1;
    let frame = FrameEnv {
        address: message.address,
        caller: message.caller,
        value_wei: message.value_wei,
        is_static: message.is_static,
        reentrant,
        args: message.input.clone(),
    };
    let ink_price = u64::from(chain.params.ink_price);
    let max_stack_depth = chain.params.max_stack_depth;
    let ink = (start_gas - charge_gas).saturating_mul(ink_price);
    let runtime = chain.runtime.clone();
    let mut store = Store::new(
        &runtime.engine,
        HostState::new(chain, frame, ink_price, message.depth),
    );
    let outcome = execute(
        &mut store,
        &runtime.linker,
        &module,
        ink,
        max_stack_depth,
        message.input.len(),
    );
    let ink_left = store
        .data()
        .handles
        .map(|h| match h.ink_left.get(&store) {
            Val::I64(ink) => ink as u64,
            _ => 0,
        })
        .unwrap_or(0);
    let host = store.into_data();
    let output = Bytes::from(host.output);
    let Some(mut chain) = host.chain else {
        unreachable!("every hostio returns the chain to the frame before the program resumes")
    };
    chain.open_pages = open_before;

    let gas_left = ink_left / ink_price;
    let result = match outcome {
        RunOutcome::Exit(0) => FrameResult::success(gas_left, output),
        RunOutcome::Exit(_) => FrameResult::revert(gas_left, output),
        RunOutcome::OutOfInk => FrameResult::failure(ExecError::OutOfInk, 0),
        RunOutcome::OutOfStack => FrameResult::failure(ExecError::OutOfStack, 0),
        RunOutcome::Failure(error) => FrameResult::failure(error, gas_left),
    };
    (chain, apply_return_data_floor(result, start_gas))
}

/// §5.6: a non-empty output on success or revert costs at least the EVM memory cost of its size.
fn apply_return_data_floor(mut result: FrameResult, start_gas: u64) -> FrameResult {
    if result.error().is_some() || result.output.is_empty() {
        return result;
    }
    let floor_gas = memory_cost_gas(result.output.len() as u64);
    if start_gas < floor_gas {
        return FrameResult::failure(
            ExecError::ReturnDataFloor {
                floor_gas,
                start_gas,
            },
            0,
        );
    }
    result.gas_left = result.gas_left.min(start_gas - floor_gas);
    result
}

enum RunOutcome {
    Exit(u32),
    OutOfInk,
    OutOfStack,
    Failure(ExecError),
}

/// Instantiates, sets the meter globals and calls `user_entrypoint(len)`, then classifies.
fn execute(
    store: &mut Store<HostState>,
    linker: &wasmi::Linker<HostState>,
    module: &Module,
    ink: u64,
    max_stack_depth: u32,
    args_len: usize,
) -> RunOutcome {
    let instance = match linker.instantiate_and_start(&mut *store, module) {
        Ok(instance) => instance,
        Err(e) => return RunOutcome::Failure(ExecError::Trap(format!("instantiation: {e}"))),
    };
    let global = |name: &str| instance.get_global(&*store, name);
    let (Some(ink_left), Some(ink_status), Some(stack_left), Some(memory)) = (
        global("stylus_ink_left"),
        global("stylus_ink_status"),
        global("stylus_stack_left"),
        instance.get_memory(&*store, "memory"),
    ) else {
        return RunOutcome::Failure(ExecError::Trap(
            "instrumented module lacks its meter exports".into(),
        ));
    };
    store.data_mut().handles = Some(InstanceHandles {
        ink_left,
        ink_status,
        memory,
    });
    let set = ink_left
        .set(&mut *store, Val::I64(ink as i64))
        .and(ink_status.set(&mut *store, Val::I32(0)))
        .and(stack_left.set(&mut *store, Val::I32(max_stack_depth as i32)));
    if let Err(e) = set {
        return RunOutcome::Failure(ExecError::Trap(format!("setting the meter globals: {e}")));
    }
    let entry = match instance.get_typed_func::<i32, i32>(&*store, "user_entrypoint") {
        Ok(entry) => entry,
        Err(e) => return RunOutcome::Failure(ExecError::Trap(format!("user_entrypoint: {e}"))),
    };
    match entry.call(&mut *store, args_len as i32) {
        Ok(status) => RunOutcome::Exit(status as u32),
        Err(error) => {
            if let Some(host) = error.downcast_ref::<HostTrap>() {
                return match host {
                    HostTrap::Exit(status) => RunOutcome::Exit(*status),
                    HostTrap::OutOfInk => RunOutcome::OutOfInk,
                    HostTrap::Failure(error) => RunOutcome::Failure(error.clone()),
                };
            }
            if matches!(ink_status.get(&*store), Val::I32(1)) {
                return RunOutcome::OutOfInk;
            }
            if matches!(stack_left.get(&*store), Val::I32(0)) {
                return RunOutcome::OutOfStack;
            }
            RunOutcome::Failure(ExecError::Trap(error.to_string()))
        }
    }
}
