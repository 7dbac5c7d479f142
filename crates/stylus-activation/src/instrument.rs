//! Instrumentation of one function body (reference §2.3–§2.5, §3): the ink meter, the dynamic
//! meter of `memory.fill`/`memory.copy`, the depth checker and the `memory.grow` hook.
//!
//! Every inserted sequence reads and writes the three exported globals of the contract with
//! the host (see [`crate::INK_LEFT_EXPORT`] and friends); none of it is metered.

use wasm_encoder::{BlockType, Encode, Instruction};
use wasmparser::{FunctionBody, Operator};

use crate::pricing::ends_basic_block;
use crate::ActivationError;

/// Value the meter writes to `stylus_ink_status` when the program runs out of ink (§2.5).
pub const INK_STATUS_OUT_OF_INK: i32 = 1;

/// §8: Nitro's inserted-op counts: 12 ops per metered block.
const NITRO_OPS_PER_BLOCK: u64 = 12;
/// §8: the depth checker's function prologue.
const NITRO_OPS_DEPTH_PROLOGUE: u64 = 12;
/// §8: the depth checker's code before each return (and before the extra final return).
const NITRO_OPS_PER_RETURN: u64 = 4;
/// §8: the extra `return` the depth checker adds at the end of each body.
const NITRO_OPS_EXTRA_RETURN: u64 = 1;
/// §8: the dynamic meter's code before each `memory.fill` / `memory.copy`.
const NITRO_OPS_PER_BULK_OP: u64 = 17;
/// §8: the heap-bound hook before each `memory.grow`.
const NITRO_OPS_PER_GROW: u64 = 4;

/// What one function body holds, as far as Nitro's op count after instrumentation goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FuncOpCounts {
    /// Operators of the original body, the final `end` included.
    pub ops: u64,
    /// Static basic blocks (§2.3).
    pub blocks: u64,
    /// `return` operators.
    pub returns: u64,
    /// `memory.fill` + `memory.copy` operators.
    pub bulk_ops: u64,
    /// `memory.grow` operators.
    pub grows: u64,
}

/// §1.4 "code" term and §1.3 65 536-ops limit: the ops of one body after **Nitro's**
/// instrumentation, by the counts of §8: original ops + 12 per metered block + 12 for the depth
/// prologue + 4 per return + 4 and 1 for the extra final return + 17 per fill/copy + 4 per
/// grow (only when the grow hook is inserted, i.e. the memory is growable).
///
/// `[UNCERTAIN]` (reference §8): the author read these counts from Nitro's passes but did not
/// count them on a real module. They are applied by formula here, independent of how many ops
/// this crate's own inserted sequences take.
pub fn nitro_instrumented_ops(c: &FuncOpCounts, grow_hooked: bool) -> u64 {
    let grows = if grow_hooked { c.grows } else { 0 };
    c.ops
        + NITRO_OPS_PER_BLOCK * c.blocks
        + NITRO_OPS_DEPTH_PROLOGUE
        + NITRO_OPS_PER_RETURN * (c.returns + 1)
        + NITRO_OPS_EXTRA_RETURN
        + NITRO_OPS_PER_BULK_OP * c.bulk_ops
        + NITRO_OPS_PER_GROW * grows
}

/// Global indices of the meter state in the instrumented module.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MeterGlobals {
    pub ink_left: u32,
    pub ink_status: u32,
    pub stack_left: u32,
}

/// Everything the emitter needs to rewrite one body (the analysis pass computes it).
pub(crate) struct FuncPlan {
    /// Ink cost of each static basic block, in order (header cost included).
    pub block_costs: Vec<u64>,
    /// Depth-checker frame size in words (§1.3).
    pub frame: u32,
    /// Index of the scratch i32 local, if the body needs one (fill/copy/hooked grow).
    pub scratch_local: Option<u32>,
    /// Block type of the wrapper block (the function's results).
    pub wrapper: BlockType,
}

fn emit(out: &mut Vec<u8>, instrs: &[Instruction]) {
    for i in instrs {
        i.encode(out);
    }
}

/// `if ink_left < cost { status = 1; unreachable } ink_left -= cost` (§2.3 block header).
fn emit_block_charge(out: &mut Vec<u8>, g: MeterGlobals, cost: u64) {
    let cost = cost as i64; // the u64 bit pattern; compared and subtracted unsigned
    emit_ink_charge(out, g, &[Instruction::I64Const(cost)]);
}

/// §2.4: with the length operand on top of the stack (kept there), charge
/// `100 × len` ink (len as u32) or set status = 1 and trap.
fn emit_bulk_charge(out: &mut Vec<u8>, g: MeterGlobals, scratch: u32) {
    emit(out, &[Instruction::LocalTee(scratch)]);
    emit_ink_charge(
        out,
        g,
        &[
            Instruction::LocalGet(scratch),
            Instruction::I64ExtendI32U,
            Instruction::I64Const(crate::pricing::BULK_MEMORY_INK_PER_BYTE as i64),
            Instruction::I64Mul,
        ],
    );
}

/// The charge both meters share: `if ink_left < cost { status = 1; unreachable }
/// ink_left -= cost`, where `cost` is the (side-effect-free) i64 sequence, emitted twice.
fn emit_ink_charge(out: &mut Vec<u8>, g: MeterGlobals, cost: &[Instruction<'static>]) {
    emit(out, &[Instruction::GlobalGet(g.ink_left)]);
    emit(out, cost);
    emit(
        out,
        &[
            Instruction::I64LtU,
            Instruction::If(BlockType::Empty),
            Instruction::I32Const(INK_STATUS_OUT_OF_INK),
            Instruction::GlobalSet(g.ink_status),
            Instruction::Unreachable,
            Instruction::End,
            Instruction::GlobalGet(g.ink_left),
        ],
    );
    emit(out, cost);
    emit(
        out,
        &[Instruction::I64Sub, Instruction::GlobalSet(g.ink_left)],
    );
}

/// §3: with the page count on top of the stack (kept there), call `pay_for_memory_grow`.
fn emit_grow_hook(out: &mut Vec<u8>, hook: u32, scratch: u32) {
    emit(
        out,
        &[
            Instruction::LocalTee(scratch),
            Instruction::Call(hook),
            Instruction::LocalGet(scratch),
        ],
    );
}

/// §2.5: `if stack_left <= frame { stack_left = 0; unreachable } stack_left -= frame`.
fn emit_depth_prologue(out: &mut Vec<u8>, g: MeterGlobals, frame: u32) {
    emit(
        out,
        &[
            Instruction::GlobalGet(g.stack_left),
            Instruction::I32Const(frame as i32),
            Instruction::I32LeU,
            Instruction::If(BlockType::Empty),
            Instruction::I32Const(0),
            Instruction::GlobalSet(g.stack_left),
            Instruction::Unreachable,
            Instruction::End,
            Instruction::GlobalGet(g.stack_left),
            Instruction::I32Const(frame as i32),
            Instruction::I32Sub,
            Instruction::GlobalSet(g.stack_left),
        ],
    );
}

/// §2.5: give the frame back (`stack_left += frame`) on an exit path.
fn emit_depth_epilogue(out: &mut Vec<u8>, g: MeterGlobals, frame: u32) {
    emit(
        out,
        &[
            Instruction::GlobalGet(g.stack_left),
            Instruction::I32Const(frame as i32),
            Instruction::I32Add,
            Instruction::GlobalSet(g.stack_left),
        ],
    );
}

/// Rewrite one body. Layout of the result:
///
/// ```text
/// locals (+ scratch i32)
/// depth prologue
/// block (result <func results>)      ;; wrapper: a `br` to the function label lands here
///   per static basic block: charge(cost) + the block's original ops, each `return` preceded
///   by the depth epilogue, each fill/copy by the dynamic charge, each grow by the hook
/// end                                 ;; (the original final `end`)
/// depth epilogue
/// end
/// ```
///
/// Original ops are copied byte for byte. The wrapper keeps every label index valid: the
/// outermost index, which named the function body, now names the wrapper, so every `br` out of
/// the body passes through the epilogue.
pub(crate) fn instrument_body(
    wasm: &[u8],
    body: &FunctionBody,
    plan: &FuncPlan,
    g: MeterGlobals,
    grow_hook: Option<u32>,
) -> Result<Vec<u8>, ActivationError> {
    let mut out = Vec::new();

    // Locals: the original groups, plus one i32 group for the scratch local.
    let locals = body.get_locals_reader()?;
    let groups_start = locals.original_position();
    let ops_reader = body.get_operators_reader()?;
    let ops_start = ops_reader.original_position();
    let extra_groups = u32::from(plan.scratch_local.is_some());
    (locals.get_count() + extra_groups).encode(&mut out);
    out.extend_from_slice(&wasm[groups_start..ops_start]);
    if plan.scratch_local.is_some() {
        1u32.encode(&mut out);
        wasm_encoder::ValType::I32.encode(&mut out);
    }

    emit_depth_prologue(&mut out, g, plan.frame);
    Instruction::Block(plan.wrapper).encode(&mut out);

    let mut block = Vec::new();
    let mut costs = plan.block_costs.iter();
    let mut ops = ops_reader;
    while !ops.eof() {
        let (op, start) = ops.read_with_offset()?;
        let end = ops.original_position();
        match (&op, plan.scratch_local) {
            (Operator::Return, _) => emit_depth_epilogue(&mut block, g, plan.frame),
            (Operator::MemoryFill { .. } | Operator::MemoryCopy { .. }, Some(scratch)) => {
                emit_bulk_charge(&mut block, g, scratch)
            }
            (Operator::MemoryGrow { .. }, Some(scratch)) => {
                if let Some(hook) = grow_hook {
                    emit_grow_hook(&mut block, hook, scratch)
                }
            }
            _ => {}
        }
        block.extend_from_slice(&wasm[start..end]);
        if ends_basic_block(&op) {
            // The analysis pass found exactly one cost per block on the same op stream.
            let cost = costs.next().copied().unwrap_or(u64::MAX);
            emit_block_charge(&mut out, g, cost);
            out.append(&mut block);
        }
    }
    emit_depth_epilogue(&mut out, g, plan.frame);
    Instruction::End.encode(&mut out);
    Ok(out)
}
