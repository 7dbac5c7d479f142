//! Why Nitro would refuse to activate (or even decompress) a program.

/// One variant per activation rule of the reference (§1.1 code layouts, §1.3 validation),
/// each carrying the values that failed. Function indices (`func`) are positions in the
/// module's function index space (imports first), as in wasm text.
/// Field names say what they carry (`count`/`limit`, `len`/`limit`, `func`, `offset` into the
/// wasm, …); each variant's message shows them.
#[allow(missing_docs)] // variant fields: see the line above
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivationError {
    // ---- §1.1 code layouts and decompression ----
    /// §1.1: program code must be longer than 3 bytes (and 4 for the dictionary byte).
    #[error("program code is {len} bytes; a Stylus program needs at least 4 (EF F0 00 + dictionary byte)")]
    CodeTooShort { len: usize },
    /// §1.1: the code carries no deployable Stylus prefix (Nitro: `ProgramNotWasm`).
    #[error("program code does not start with a Stylus prefix (EF F0 00 classic / EF F0 02 root); first bytes {prefix:02x?}")]
    NotWasm { prefix: Vec<u8> },
    /// §1.1: an `EF F0 01` fragment cannot be activated or run by itself.
    #[error("code is a Stylus fragment (EF F0 01); fragments cannot be activated directly, activate the root")]
    FragmentNotActivatable,
    /// §1.1: an `EF F0 02` root needs its fragments; use [`crate::decompress_root`].
    #[error("code is a Stylus root (EF F0 02); it must be decompressed with decompress_root and its fragments")]
    RootNeedsFragments,
    /// §1.1: roots and fragments are deployable only from ArbOS 60.
    #[error("fragmented programs need ArbOS >= 60, chain is at ArbOS {arbos_version}")]
    RootBeforeArbos60 { arbos_version: u64 },
    /// §1.1: deployed code longer than `MaxCodeSize` (geth `ErrMaxCodeSizeExceeded`).
    #[error("program code is {len} bytes, over the max code size of {limit} bytes (prefix + compressed wasm)")]
    CodeTooLarge { len: usize, limit: u32 },
    /// §1.1: dictionary 1 (Nitro's built-in `stylus-program-11` dictionary) is not reproduced here.
    #[error("brotli dictionary 1 (stylus-program-11) is not supported by this host; recompress without a dictionary")]
    UnsupportedDictionary,
    /// §1.1: dictionary bytes other than 0 and 1 are errors.
    #[error(
        "unknown brotli dictionary byte {dict} (only 0 = none and 1 = stylus-program-11 exist)"
    )]
    UnknownDictionary { dict: u8 },
    /// §1.1: the brotli stream does not decode.
    #[error("brotli decompression failed: {0}")]
    Brotli(String),
    /// §1.1: the decompressed wasm does not fit in `MaxWasmSize` (Nitro: `ErrOutputWontFit`).
    #[error("decompressed wasm does not fit in the max wasm size of {limit} bytes")]
    OutputWontFit { limit: u32 },
    /// §1.1: a root must be at least 8 bytes (prefix, dictionary, u32 length).
    #[error("root code is {len} bytes; a root needs at least 8")]
    RootTooShort { len: usize },
    /// §1.1: the address part of a root must be a multiple of 20 bytes.
    #[error("root address part is {len} bytes, not a multiple of 20")]
    RootAddressesMisaligned { len: usize },
    /// §1.1: a root must name at least one fragment.
    #[error("root names no fragments")]
    NoFragments,
    /// §1.1: a root names more fragments than `MaxFragmentCount`.
    #[error("root names {count} fragments, over the limit of {limit}")]
    TooManyFragments { count: usize, limit: u8 },
    /// §1.1: a root declares a decompressed length over `MaxWasmSize`.
    #[error("root declares {declared} decompressed bytes, over the max wasm size of {limit}")]
    RootDeclaredTooLarge { declared: u32, limit: u32 },
    /// §1.1: a fragment address has no code.
    #[error("fragment 0x{} has no code", hex(address))]
    FragmentMissing { address: [u8; 20] },
    /// §1.1: a root names an account whose code is not an `EF F0 01` fragment.
    #[error(
        "account 0x{} named by the root is not a Stylus fragment (EF F0 01)",
        hex(address)
    )]
    NotAFragment { address: [u8; 20] },
    /// §1.1: the joined fragments decompress to a length other than the declared one.
    #[error(
        "root declares {declared} decompressed bytes but the fragments decompress to {actual}"
    )]
    RootLengthMismatch { declared: u32, actual: usize },

    // ---- §1.3 validation ----
    /// §1.3: wasmparser validation with Nitro's feature set failed (disabled features such as
    /// reference types, SIMD or multi-value on ArbOS 60; padded `call_indirect`/memory
    /// immediates — "zero byte expected"; malformed binaries; type errors).
    #[error("invalid wasm at offset {offset:#x}: {message}")]
    InvalidWasm { offset: usize, message: String },
    /// §1.3: an unknown (non-standard, non-custom) section.
    #[error("unknown section id {id}")]
    UnknownSection { id: u8 },
    /// §1.3: a start function is not allowed.
    #[error("module has a start function (func {func}); Stylus programs may not have one")]
    StartFunction { func: u32 },
    /// §1.3: a global initialiser must be exactly one constant op.
    #[error("global {global} initialiser is not exactly one constant op")]
    GlobalInitNotConstant { global: u32 },
    /// §1.3: float arithmetic, comparison and conversion ops are rejected.
    #[error("func {func}: float op {op} at offset {offset:#x} is not allowed (no soft float for user programs)")]
    FloatOp {
        func: u32,
        op: String,
        offset: usize,
    },
    /// §1.3: bulk-memory ops other than memory.copy/fill, and all table ops, are rejected.
    #[error("func {func}: op {op} at offset {offset:#x} is not allowed (only memory.copy and memory.fill of bulk memory; no table ops)")]
    ForbiddenOp {
        func: u32,
        op: String,
        offset: usize,
    },
    /// §1.3: only function imports are allowed.
    #[error("import {module}.{name} is a {kind}; only function imports are allowed")]
    ImportNotFunction {
        module: String,
        name: String,
        kind: &'static str,
    },
    /// §1.3: import names starting with `stylus` are reserved.
    #[error("import {module}.{name}: names starting with \"stylus\" are reserved")]
    ReservedImportName { module: String, name: String },
    /// §1.3: `console.*` / `debug.*` imports are allowed only on debug chains (not modelled here).
    #[error("import {module}.{name} exists only on debug chains")]
    DebugImport { module: String, name: String },
    /// §1.3: the import is not a `vm_hooks` hostio.
    #[error("unknown import {module}.{name} (only vm_hooks hostios are allowed)")]
    UnknownImport { module: String, name: String },
    /// §1.3: the import's wasm type differs from the hostio's.
    #[error("import {module}.{name} has type {found}, the hostio's type is {expected}")]
    ImportTypeMismatch {
        module: String,
        name: String,
        expected: String,
        found: String,
    },
    /// §1.3: more than 513 imports (ArbOS ≥ 32).
    #[error("{count} imports, over the limit of {limit}")]
    TooManyImports { count: u32, limit: u32 },
    /// §1.3: a required export (`memory` or `user_entrypoint`) is missing.
    #[error("missing required export \"{name}\"")]
    MissingExport { name: &'static str },
    /// §1.3: an export has the wrong kind or type (`memory` must be memory 0,
    /// `user_entrypoint` a function of type (i32) -> i32).
    #[error("export \"{name}\" must be {expected}, found {found}")]
    BadExport {
        name: &'static str,
        expected: &'static str,
        found: String,
    },
    /// §1.3: exports whose last `__` part starts with `stylus` are reserved.
    #[error("export \"{name}\": names whose last \"__\" part starts with \"stylus\" are reserved")]
    ReservedExportName { name: String },
    /// §1.3: an export whose last `__` part equals an imported function's name.
    #[error("export \"{name}\" shadows the imported function \"{import}\"")]
    ExportShadowsImport { name: String, import: String },
    /// §1.3: more than 1 024 exports.
    #[error("{count} exports, over the limit of {limit}")]
    TooManyExports { count: u32, limit: u32 },
    /// §1.3: an export name longer than 512 bytes.
    #[error("export name of {len} bytes, over the limit of {limit}")]
    ExportNameTooLong { len: usize, limit: usize },
    /// §1.3: the module name from the `name` section is longer than 512 bytes.
    #[error("module name of {len} bytes, over the limit of {limit}")]
    ModuleNameTooLong { len: usize, limit: usize },
    /// §1.3: exactly one memory is required.
    #[error("module defines {count} memories; exactly one is required")]
    MemoryCount { count: u32 },
    /// §1.3: initial memory above the heap bound / the pages left in the tx.
    #[error("initial memory of {pages} pages, over the limit of {limit} pages")]
    MemoryTooLarge { pages: u64, limit: u64 },
    /// §1.3: a growable memory (max ≠ min) requires the `vm_hooks.pay_for_memory_grow` import.
    #[error("memory is growable (min {min} pages, max {max:?}) but vm_hooks.pay_for_memory_grow is not imported")]
    GrowableMemoryWithoutHook { min: u64, max: Option<u64> },
    /// §1.3: more than 128 data segments.
    #[error("{count} data segments, over the limit of {limit}")]
    TooManyDataSegments { count: u32, limit: u32 },
    /// §1.3: more than 128 element segments.
    #[error("{count} element segments, over the limit of {limit}")]
    TooManyElementSegments { count: u32, limit: u32 },
    /// §1.3: more than 4 096 defined functions.
    #[error("{count} defined functions, over the limit of {limit}")]
    TooManyFunctions { count: u32, limit: u32 },
    /// §1.3: more than 32 768 globals, counting Nitro's 4.
    #[error("{count} globals (with Nitro's 4), over the limit of {limit}")]
    TooManyGlobals { count: u64, limit: u64 },
    /// §1.3: more than 348 declared locals in one function.
    #[error("func {func} declares {count} locals, over the limit of {limit}")]
    TooManyLocals { func: u32, count: u64, limit: u64 },
    /// §1.3: more than 65 536 ops in one body after instrumentation (counted per §8).
    #[error("func {func} has {count} ops after instrumentation, over the limit of {limit}")]
    TooManyOps { func: u32, count: u64, limit: u64 },
    /// §1.3: tables' initial sizes sum to more than 4 096.
    #[error("tables' initial sizes sum to {total}, over the limit of {limit}")]
    TablesTooLarge { total: u64, limit: u64 },
    /// §1.3: element segments' encoded sizes sum to more than 4 096 bytes.
    #[error("element segments' encoded sizes sum to {bytes} bytes, over the limit of {limit}")]
    ElementsTooLarge { bytes: u64, limit: u64 },
    /// §1.3: a function's worst-case operand stack is deeper than 4 096.
    #[error("func {func} has a worst-case operand depth of {depth}, over the limit of {limit}")]
    OperandDepthTooLarge { func: u32, depth: u32, limit: u32 },
    /// §1.3: a function's stack frame (depth + locals + 4) is above 10 240 words.
    #[error("func {func} has a stack frame of {frame} words, over the limit of {limit}")]
    StackFrameTooLarge { func: u32, frame: u64, limit: u64 },
    /// §1.3 / §1.5: `init_cost` does not fit in u16 ("cost too high").
    #[error("init cost {cost} does not fit in u16 (cost too high)")]
    InitCostTooHigh { cost: u64 },
    /// §1.3 / §1.5: `cached_init_cost` does not fit in u16 ("cost too high").
    #[error("cached init cost {cost} does not fit in u16 (cost too high)")]
    CachedInitCostTooHigh { cost: u64 },
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl From<wasmparser::BinaryReaderError> for ActivationError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        ActivationError::InvalidWasm {
            offset: e.offset(),
            message: e.message().to_string(),
        }
    }
}
