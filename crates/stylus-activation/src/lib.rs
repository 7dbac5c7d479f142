//! Everything Nitro does when it **activates** a Stylus program, as a library: decompress the
//! deployed code, validate the wasm against Nitro's rules, instrument it with Nitro's metering
//! (ink meter, dynamic bulk-memory meter, depth checker, memory-grow hook) so that a plain wasm
//! engine runs it with Nitro's ink numbers, and compute the numbers saved at activation and
//! charged per call.
//!
//! Every rule and number comes from `shared/stylus-runtime-reference.md` (cited as §n); no
//! Nitro code is copied or derived.
//!
//! # Entry points
//! * [`decompress_program`] / [`decompress_root`] (§1.1) → wasm bytes.
//! * [`activate`] / [`activate_in_tx`] (§1.3–§1.5) → [`ActivatedProgram`]: the instrumented
//!   module plus `init_cost`, `cached_init_cost`, footprint, asm estimate, activation gas.
//! * [`call_init_gas`] (§1.7), [`memory_grow_gas`] (§3), [`DataPricer`] (§1.6),
//!   [`hostio_signatures`] (§4.2), [`op_ink_cost`] (§2.2).
//!
//! # Exact and approximated
//! Exact per the reference: prefixes, dictionary and size rules; the wasm feature set (via
//! wasmparser, incl. the single-zero-byte `call_indirect`/memory immediates); every §1.3 rule
//! listed on [`activate_in_tx`]; the `pricing_v1` table; the static basic blocks, block header
//! and dynamic bulk-memory charge; the depth check (strict `>`); the StylusData, init-gas,
//! memory and data-fee formulas.
//!
//! Approximated (each also noted on its item):
//! * **Activation "code" term and the 65 536-ops limit** use Nitro's inserted-op counts from
//!   §8 by formula ([`nitro_instrumented_ops`]), which the reference marks `[UNCERTAIN]`; this
//!   crate's own inserted sequences differ in length and do not enter the count.
//! * **Worst-case operand depth** is wasmparser's operand-stack height after each op. In
//!   unreachable code (after `br`/`return`/`unreachable`) wasmparser's height may differ from
//!   Nitro's own depth simulation.
//! * **Export count ≤ 1 024** is checked on all exports of the original module; the reference
//!   says "after the drop" without saying what is dropped first.
//! * **Debug chains** are not modelled: `console.*`/`debug.*` imports are always rejected
//!   ([`ActivationError::DebugImport`]).
//! * **Brotli dictionary 1** (`stylus-program-11`) is not reproduced
//!   ([`ActivationError::UnsupportedDictionary`]).
//! * **Activation gas** omits fragment reads (returned separately by [`fragment_read_gas`])
//!   and the ArbOS storage accesses the reference does not itemise.
//! * The "same import twice with different types" rule needs no check of its own: every import
//!   must match its hostio's exact type.

#![warn(missing_docs)]

mod activate;
mod costs;
mod decompress;
mod error;
mod hostio;
mod instrument;
mod params;
mod pricing;

pub use activate::{
    activate, activate_in_tx, nitro_wasm_features, ActivatedProgram, ENTRYPOINT_EXPORT,
    FRAME_OVERHEAD_WORDS, HEAP_BOUND_PAGES, INK_LEFT_EXPORT, INK_STATUS_EXPORT, MAX_DATA_SEGMENTS,
    MAX_ELEMENT_BYTES, MAX_ELEMENT_SEGMENTS, MAX_EXPORTS, MAX_FRAME_WORDS, MAX_FUNCS, MAX_GLOBALS,
    MAX_IMPORTS, MAX_LOCALS, MAX_NAME_LEN, MAX_OPERAND_DEPTH, MAX_OPS_PER_FUNC, MAX_TABLE_ELEMENTS,
    MEMORY_EXPORT, NITRO_GLOBALS, PAY_FOR_MEMORY_GROW, STACK_LEFT_EXPORT,
};
pub use costs::{
    cached_init_gas, call_init_gas, init_gas, memory_grow_gas, DataPricer, ModuleStats,
    ACTIVATION_FIXED_GAS, MEMORY_EXPONENTS,
};
pub use decompress::{
    decompress_program, decompress_root, fragment_read_gas, is_stylus_program, CLASSIC_PREFIX,
    FRAGMENT_PREFIX, ROOT_PREFIX,
};
pub use error::ActivationError;
pub use hostio::{hostio_signature, hostio_signatures, HostioSignature, HOSTIO_MODULE};
pub use instrument::{nitro_instrumented_ops, FuncOpCounts, INK_STATUS_OUT_OF_INK};
pub use params::StylusParams;
pub use pricing::{
    banned_op, ends_basic_block, op_ink_cost, BannedOp, BLOCK_HEADER_INK, BULK_MEMORY_INK_PER_BYTE,
};
/// Re-exported so callers can name the value types of [`hostio_signatures`].
pub use wasmparser::ValType;
