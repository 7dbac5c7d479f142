//! Static ink prices of wasm operators (reference §2.2 `pricing_v1`) and the basic-block rule
//! of the meter (§2.3), plus the opcode bans of §1.3.

use wasmparser::Operator;

/// §2.3: ink charged per basic block on top of its ops' prices.
pub const BLOCK_HEADER_INK: u64 = 2_450;

/// §2.4: extra ink per byte of a `memory.fill` / `memory.copy` length operand.
pub const BULK_MEMORY_INK_PER_BYTE: u64 = 100;

/// §2.2 `pricing_v1`: the static ink price of one operator. `call_indirect` needs the number
/// of parameters of its signature (`call_indirect_params`, looked up by the caller). Every
/// operator not in the table (floats, SIMD, atomics, reference/table ops, typed select, tail
/// calls, exceptions, GC…) costs `u64::MAX`, so any block holding one always runs out of ink.
pub fn op_ink_cost(op: &Operator, call_indirect_params: impl FnOnce(u32) -> u64) -> u64 {
    use Operator::*;
    match op {
        Unreachable
        | Return
        | Nop
        | I32Const { .. }
        | I64Const { .. }
        | Block { .. }
        | Loop { .. }
        | Else
        | End => 1,
        Drop => 9,
        I32Add | I32Sub | I32And | I32Or | I32Xor | I32Shl | I32ShrS | I32ShrU | I32Rotl
        | I32Rotr => 70,
        LocalGet { .. } | LocalTee { .. } => 75,
        I64Add | I64Sub | I64And | I64Or | I64Xor | I64Shl | I64ShrS | I64ShrU | I64Rotl
        | I64Rotr | I32WrapI64 | I64ExtendI32S | I64ExtendI32U | I32Extend8S | I32Extend16S
        | I64Extend8S | I64Extend16S | I64Extend32S => 100,
        I32Mul | I64Mul => 160,
        I32Eqz | I32Eq | I32Ne | I32LtS | I32LtU | I32GtS | I32GtU | I32LeS | I32LeU | I32GeS
        | I32GeU => 170,
        LocalSet { .. } | I32Clz | I32Ctz | I64Clz | I64Ctz => 210,
        GlobalGet { .. }
        | I64Eqz
        | I64Eq
        | I64Ne
        | I64LtS
        | I64LtU
        | I64GtS
        | I64GtU
        | I64LeS
        | I64LeU
        | I64GeS
        | I64GeU => 225,
        GlobalSet { .. } => 575,
        I32Load { .. }
        | I32Load8S { .. }
        | I32Load8U { .. }
        | I32Load16S { .. }
        | I32Load16U { .. } => 670,
        I64Load { .. }
        | I64Load8S { .. }
        | I64Load8U { .. }
        | I64Load16S { .. }
        | I64Load16U { .. }
        | I64Load32S { .. }
        | I64Load32U { .. } => 680,
        Br { .. } | BrIf { .. } | If { .. } => 765,
        I32Store { .. } | I32Store8 { .. } | I32Store16 { .. } => 825,
        I64Store { .. }
        | I64Store8 { .. }
        | I64Store16 { .. }
        | I64Store32 { .. }
        | MemoryCopy { .. }
        | MemoryFill { .. } => 950,
        I32DivS | I32DivU | I32RemS | I32RemU => 1_120,
        Select => 1_250,
        I64DivS | I64DivU | I64RemS | I64RemU => 1_270,
        I32Popcnt => 2_650,
        MemorySize { .. } => 3_000,
        Call { .. } => 3_800,
        I64Popcnt => 6_000,
        MemoryGrow { .. } => 8_050,
        BrTable { targets } => 2_400 + 325 * u64::from(targets.len()),
        CallIndirect { type_index, .. } => 13_610 + 650 * call_indirect_params(*type_index),
        _ => u64::MAX,
    }
}

/// §2.3: the ops that end a static basic block (the op itself belongs to the block it ends):
/// `end`, `else`, `return`, `loop`, `br`, `br_if`, `br_table`, `if`, `call`, `call_indirect`.
/// `block` and `unreachable` do not end a block.
pub fn ends_basic_block(op: &Operator) -> bool {
    use Operator::*;
    matches!(
        op,
        End | Else
            | Return
            | Loop { .. }
            | Br { .. }
            | BrIf { .. }
            | BrTable { .. }
            | If { .. }
            | Call { .. }
            | CallIndirect { .. }
    )
}

/// Why §1.3 bans an operator that the wasm feature set lets through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BannedOp {
    /// Float arithmetic, comparison or conversion (incl. saturating float→int): no soft float.
    Float,
    /// `memory.init`, `data.drop`, `elem.drop` and every `table.*` op.
    BulkOrTable,
}

/// §1.3 opcode rules beyond the feature set: float arithmetic/comparison/conversion ops and
/// bulk-memory ops other than `memory.copy`/`memory.fill` are rejected. Float
/// const/load/store/reinterpret pass (priced `u64::MAX` by [`op_ink_cost`]).
pub fn banned_op(op: &Operator) -> Option<BannedOp> {
    use Operator::*;
    match op {
        F32Eq | F32Ne | F32Lt | F32Gt | F32Le | F32Ge | F64Eq | F64Ne | F64Lt | F64Gt | F64Le
        | F64Ge | F32Abs | F32Neg | F32Ceil | F32Floor | F32Trunc | F32Nearest | F32Sqrt
        | F32Add | F32Sub | F32Mul | F32Div | F32Min | F32Max | F32Copysign | F64Abs | F64Neg
        | F64Ceil | F64Floor | F64Trunc | F64Nearest | F64Sqrt | F64Add | F64Sub | F64Mul
        | F64Div | F64Min | F64Max | F64Copysign | I32TruncF32S | I32TruncF32U | I32TruncF64S
        | I32TruncF64U | I64TruncF32S | I64TruncF32U | I64TruncF64S | I64TruncF64U
        | F32ConvertI32S | F32ConvertI32U | F32ConvertI64S | F32ConvertI64U | F32DemoteF64
        | F64ConvertI32S | F64ConvertI32U | F64ConvertI64S | F64ConvertI64U | F64PromoteF32
        | I32TruncSatF32S | I32TruncSatF32U | I32TruncSatF64S | I32TruncSatF64U
        | I64TruncSatF32S | I64TruncSatF32U | I64TruncSatF64S | I64TruncSatF64U => {
            Some(BannedOp::Float)
        }
        MemoryInit { .. }
        | DataDrop { .. }
        | ElemDrop { .. }
        | TableInit { .. }
        | TableCopy { .. }
        | TableGet { .. }
        | TableSet { .. }
        | TableGrow { .. }
        | TableSize { .. }
        | TableFill { .. } => Some(BannedOp::BulkOrTable),
        _ => None,
    }
}
