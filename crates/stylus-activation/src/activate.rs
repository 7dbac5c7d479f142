//! Activation: validation (reference §1.3), instrumentation (§2.3–§2.5, §3) and the numbers
//! saved at activation (§1.4, §1.5).

use std::ops::Range;

use wasm_encoder::{BlockType, Encode, ExportKind, ExportSection, GlobalType, Module, RawSection};
use wasmparser::{
    BinaryReader, ExternalKind, FuncToValidate, FuncType, FunctionBody, KnownCustom, MemoryType,
    Name, Operator, Parser, Payload, TypeRef, ValidPayload, Validator, ValidatorResources,
    WasmFeatures,
};

use crate::costs::ModuleStats;
use crate::hostio::{hostio_signature, HOSTIO_MODULE};
use crate::instrument::{
    instrument_body, nitro_instrumented_ops, FuncOpCounts, FuncPlan, MeterGlobals,
};
use crate::pricing::{banned_op, ends_basic_block, op_ink_cost, BannedOp, BLOCK_HEADER_INK};
use crate::{ActivationError, StylusParams};

/// §1.3: most declared locals per function (params not counted).
pub const MAX_LOCALS: u64 = 348;
/// §1.3: most ops per body after instrumentation (Nitro's count, §8).
pub const MAX_OPS_PER_FUNC: u64 = 65_536;
/// §1.3: most defined functions.
pub const MAX_FUNCS: u32 = 4_096;
/// §1.3: most globals, counting Nitro's [`NITRO_GLOBALS`].
pub const MAX_GLOBALS: u64 = 32_768;
/// §1.3 / §1.5: globals Nitro adds to every module.
pub const NITRO_GLOBALS: u64 = 4;
/// §1.3: most data segments.
pub const MAX_DATA_SEGMENTS: u32 = 128;
/// §1.3: most element segments.
pub const MAX_ELEMENT_SEGMENTS: u32 = 128;
/// §1.3: most exports.
pub const MAX_EXPORTS: u32 = 1_024;
/// §1.3: most imports (ArbOS ≥ 32).
pub const MAX_IMPORTS: u32 = 513;
/// §1.3: largest sum of tables' initial sizes.
pub const MAX_TABLE_ELEMENTS: u64 = 4_096;
/// §1.3: largest sum of element segments' encoded byte ranges.
pub const MAX_ELEMENT_BYTES: u64 = 4_096;
/// §1.3: longest export name and module name, in bytes.
pub const MAX_NAME_LEN: usize = 512;
/// §1.3: largest stack frame in words.
pub const MAX_FRAME_WORDS: u64 = 10_240;
/// §1.3: largest worst-case operand depth.
pub const MAX_OPERAND_DEPTH: u32 = 4_096;
/// §1.3: the heap bound on initial memory, in pages.
pub const HEAP_BOUND_PAGES: u64 = 128;
/// §1.3: frame words on top of operand depth and locals.
pub const FRAME_OVERHEAD_WORDS: u64 = 4;

/// Export name of the instrumented module's ink counter (mutable i64, read as u64).
pub const INK_LEFT_EXPORT: &str = "stylus_ink_left";
/// Export name of the ink status (mutable i32: 0 ok, 1 out of ink).
pub const INK_STATUS_EXPORT: &str = "stylus_ink_status";
/// Export name of the depth-checker budget (mutable i32, words; 0 after out of stack).
pub const STACK_LEFT_EXPORT: &str = "stylus_stack_left";
/// The required entrypoint export, `(i32) -> i32` (§1.3, §5.1).
pub const ENTRYPOINT_EXPORT: &str = "user_entrypoint";
/// The required memory export (§1.3).
pub const MEMORY_EXPORT: &str = "memory";
/// The hostio the memory-grow hook calls (§3).
pub const PAY_FOR_MEMORY_GROW: &str = "pay_for_memory_grow";

/// The result of a successful activation.
///
/// `instrumented_wasm` is a valid module that a plain engine (no fuel) runs with Nitro's
/// metering built in. It keeps the original imports (all from `vm_hooks`), exports only
/// `memory`, `user_entrypoint` and three mutable globals the host drives:
/// [`INK_LEFT_EXPORT`] (i64, ink as u64), [`INK_STATUS_EXPORT`] (i32, 0 ok / 1 out of ink),
/// [`STACK_LEFT_EXPORT`] (i32, depth budget in words). Before `user_entrypoint` the host sets
/// ink_left, status = 0 and stack_left = `max_stack_depth`. A trap with status 1 is out of
/// ink; a trap with stack_left = 0 is out of stack; any other trap is a failure (§5.2).
/// Each user `memory.grow` is preceded by a call to `vm_hooks.pay_for_memory_grow(pages)`
/// when the memory is growable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivatedProgram {
    /// The instrumented module (see the type's doc).
    pub instrumented_wasm: Vec<u8>,
    /// §1.5 `init_cost` (Stylus v2 formula, or v1's with the cached cost added).
    pub init_cost: u16,
    /// §1.5 `cached_init_cost`.
    pub cached_init_cost: u16,
    /// §1.5 `footprint`: initial memory pages, charged on every call (§3).
    pub footprint_pages: u16,
    /// §1.5 `asm_estimate` in bytes (the data-fee input of §1.6).
    pub asm_estimate_bytes: u32,
    /// §1.5: the stored asm size, `⌈asm_estimate / 1024⌉` KiB.
    pub asm_estimate_kib: u32,
    /// §1.4 (a)+(b)+(d): activation gas without fragment reads and storage accesses.
    pub activation_gas: u64,
    /// §1.5 `wasm_len`: decompressed wasm bytes.
    pub wasm_len: u32,
    /// §1.5 `funcs`: defined functions.
    pub funcs: u32,
    /// Memory maximum in pages, as declared (`None` = unbounded).
    pub max_memory_pages: Option<u64>,
    /// All counts behind the numbers above.
    pub stats: ModuleStats,
}

/// §1.3–§1.5: validate `wasm` as Nitro does at activation in a tx with no Stylus pages open,
/// instrument it and compute its costs. See [`activate_in_tx`].
pub fn activate(wasm: &[u8], params: &StylusParams) -> Result<ActivatedProgram, ActivationError> {
    activate_in_tx(wasm, params, 0)
}

/// §1.3–§1.5: like [`activate`] when the activating tx already holds `open_pages` Stylus
/// pages (the initial memory must be ≤ `page_limit − open_pages` as well as ≤ 128).
///
/// Validation covers every §1.3 rule: the wasmparser feature set (incl. the single-zero-byte
/// `call_indirect` table and memory immediates, multi-value only before ArbOS 60), banned ops,
/// sections (no unknown sections, no start function, one-constant global initialisers),
/// imports (functions from `vm_hooks` with the exact §4.2 types, ≤ 513 from ArbOS 32), exports
/// (`memory`, `user_entrypoint: (i32) -> i32`, reserved and shadowing names), memory (exactly
/// one; initial ≤ heap bound and page limit; growable ⇒ `pay_for_memory_grow` imported), all
/// counts, stack frames, and the u16 limits of the init costs.
pub fn activate_in_tx(
    wasm: &[u8],
    params: &StylusParams,
    open_pages: u16,
) -> Result<ActivatedProgram, ActivationError> {
    let module = parse_module(wasm, params)?;
    module.check_module_rules(params, open_pages)?;
    module.instrument(params)
}

/// §1.3: the wasmparser feature set Nitro validates with.
pub fn nitro_wasm_features(params: &StylusParams) -> WasmFeatures {
    let mut features = WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::GC_TYPES;
    if params.arbos_version < 60 {
        features |= WasmFeatures::MULTI_VALUE;
    }
    features
}

struct Import {
    module: String,
    name: String,
}

struct Export {
    name: String,
    kind: ExternalKind,
    index: u32,
}

/// A function body waiting for analysis.
struct PendingFunc<'a> {
    to_validate: FuncToValidate<ValidatorResources>,
    body: FunctionBody<'a>,
}

#[derive(Default)]
struct Sections {
    types: Option<Range<usize>>,
    imports: Option<Range<usize>>,
    functions: Option<Range<usize>>,
    tables: Option<Range<usize>>,
    memories: Option<Range<usize>>,
    globals: Option<Range<usize>>,
    elements: Option<Range<usize>>,
    data_count: Option<Range<usize>>,
    data: Option<Range<usize>>,
}

/// Everything read from the module in one parse.
struct ParsedModule<'a> {
    wasm: &'a [u8],
    sections: Sections,
    types: Vec<FuncType>,
    func_imports: Vec<Import>,
    /// Type index of every function in the index space (imports first).
    func_types: Vec<u32>,
    memories: Vec<MemoryType>,
    defined_globals: u32,
    exports: Vec<Export>,
    table_elements: u64,
    element_segments: u32,
    element_bytes: u64,
    data_segments: u32,
    data_payload_bytes: u64,
    data_segment_bytes: u64,
    funcs: Vec<PendingFunc<'a>>,
}

fn parse_module<'a>(
    wasm: &'a [u8],
    params: &StylusParams,
) -> Result<ParsedModule<'a>, ActivationError> {
    let features = nitro_wasm_features(params);
    let mut parser = Parser::new(0);
    parser.set_features(features);
    let mut validator = Validator::new_with_features(features);
    let mut m = ParsedModule {
        wasm,
        sections: Sections::default(),
        types: Vec::new(),
        func_imports: Vec::new(),
        func_types: Vec::new(),
        memories: Vec::new(),
        defined_globals: 0,
        exports: Vec::new(),
        table_elements: 0,
        element_segments: 0,
        element_bytes: 0,
        data_segments: 0,
        data_payload_bytes: 0,
        data_segment_bytes: 0,
        funcs: Vec::new(),
    };
    let mut import_count = 0u32;
    for payload in parser.parse_all(wasm) {
        let payload = payload?;
        match &payload {
            Payload::UnknownSection { id, .. } => {
                return Err(ActivationError::UnknownSection { id: *id })
            }
            Payload::StartSection { func, .. } => {
                return Err(ActivationError::StartFunction { func: *func })
            }
            // Checked before the validator so that the rule, not a generic const-expr
            // error, names the failing global.
            Payload::GlobalSection(reader) => {
                m.sections.globals = Some(reader.range());
                for global in reader.clone() {
                    let global = global?;
                    check_global_init(&global.init_expr, m.defined_globals)?;
                    m.defined_globals += 1;
                }
            }
            Payload::CustomSection(reader) => {
                if let KnownCustom::Name(names) = reader.as_known() {
                    for name in names {
                        if let Name::Module { name, .. } = name? {
                            if name.len() > MAX_NAME_LEN {
                                return Err(ActivationError::ModuleNameTooLong {
                                    len: name.len(),
                                    limit: MAX_NAME_LEN,
                                });
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        if let ValidPayload::Func(to_validate, body) = validator.payload(&payload)? {
            m.funcs.push(PendingFunc { to_validate, body });
            continue;
        }
        match payload {
            Payload::TypeSection(reader) => {
                m.sections.types = Some(reader.range());
                for ty in reader.into_iter_err_on_gc_types() {
                    m.types.push(ty?);
                }
            }
            Payload::ImportSection(reader) => {
                m.sections.imports = Some(reader.range());
                for import in reader.into_imports() {
                    let import = import?;
                    import_count += 1;
                    let type_index = check_import(&import, &m.types)?;
                    m.func_imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                    });
                    m.func_types.push(type_index);
                }
                if params.arbos_version >= 32 && import_count > MAX_IMPORTS {
                    return Err(ActivationError::TooManyImports {
                        count: import_count,
                        limit: MAX_IMPORTS,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                m.sections.functions = Some(reader.range());
                for ty in reader {
                    m.func_types.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                m.sections.tables = Some(reader.range());
                for table in reader {
                    m.table_elements += table?.ty.initial;
                }
            }
            Payload::MemorySection(reader) => {
                m.sections.memories = Some(reader.range());
                for memory in reader {
                    m.memories.push(memory?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    m.exports.push(Export {
                        name: export.name.to_string(),
                        kind: export.kind,
                        index: export.index,
                    });
                }
            }
            Payload::ElementSection(reader) => {
                m.sections.elements = Some(reader.range());
                for element in reader {
                    let element = element?;
                    m.element_segments += 1;
                    m.element_bytes += element.range.len() as u64;
                }
            }
            Payload::DataCountSection { range, .. } => m.sections.data_count = Some(range),
            Payload::DataSection(reader) => {
                m.sections.data = Some(reader.range());
                for data in reader {
                    let data = data?;
                    m.data_segments += 1;
                    m.data_payload_bytes += data.data.len() as u64;
                    m.data_segment_bytes += data.range.len() as u64;
                }
            }
            _ => {}
        }
    }
    Ok(m)
}

fn describe_type(params: &[wasmparser::ValType], results: &[wasmparser::ValType]) -> String {
    let list = |ts: &[wasmparser::ValType]| {
        ts.iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("({}) -> ({})", list(params), list(results))
}

/// §1.3 import rules for one import; returns its type index.
fn check_import(import: &wasmparser::Import, types: &[FuncType]) -> Result<u32, ActivationError> {
    let (module, name) = (import.module.to_string(), import.name.to_string());
    let type_index = match import.ty {
        TypeRef::Func(index) => index,
        other => {
            let kind = match other {
                TypeRef::Table(_) => "table",
                TypeRef::Memory(_) => "memory",
                TypeRef::Global(_) => "global",
                _ => "non-function item",
            };
            return Err(ActivationError::ImportNotFunction { module, name, kind });
        }
    };
    if import.name.starts_with("stylus") {
        return Err(ActivationError::ReservedImportName { module, name });
    }
    if import.module == "console" || import.module == "debug" {
        return Err(ActivationError::DebugImport { module, name });
    }
    let signature = (import.module == HOSTIO_MODULE)
        .then(|| hostio_signature(import.name))
        .flatten()
        .ok_or_else(|| ActivationError::UnknownImport {
            module: module.clone(),
            name: name.clone(),
        })?;
    // The validator has already checked that `type_index` names a function type.
    let found = &types[type_index as usize];
    let (_, want_params, want_results) = signature;
    if found.params() != *want_params || found.results() != *want_results {
        return Err(ActivationError::ImportTypeMismatch {
            module,
            name,
            expected: describe_type(want_params, want_results),
            found: describe_type(found.params(), found.results()),
        });
    }
    Ok(type_index)
}

/// §1.3: a global initialiser must be exactly one constant op.
fn check_global_init(expr: &wasmparser::ConstExpr, global: u32) -> Result<(), ActivationError> {
    let mut ops = expr.get_operators_reader();
    let first = ops.read()?;
    let second = ops.read()?;
    let constant = matches!(
        first,
        Operator::I32Const { .. }
            | Operator::I64Const { .. }
            | Operator::F32Const { .. }
            | Operator::F64Const { .. }
    );
    if constant && matches!(second, Operator::End) && ops.eof() {
        Ok(())
    } else {
        Err(ActivationError::GlobalInitNotConstant { global })
    }
}

impl<'a> ParsedModule<'a> {
    fn import_index(&self, name: &str) -> Option<u32> {
        self.func_imports
            .iter()
            .position(|i| i.module == HOSTIO_MODULE && i.name == name)
            .map(|i| i as u32)
    }

    fn memory_growable(&self) -> bool {
        self.memories
            .first()
            .is_some_and(|m| m.maximum != Some(m.initial))
    }

    /// §1.3 rules on memory, exports and counts (the per-function ones run in `analyse`).
    fn check_module_rules(
        &self,
        params: &StylusParams,
        open_pages: u16,
    ) -> Result<(), ActivationError> {
        // Memory: exactly one, bounded, hooked when growable.
        if self.memories.len() != 1 {
            return Err(ActivationError::MemoryCount {
                count: self.memories.len() as u32,
            });
        }
        let memory = &self.memories[0];
        let limit = HEAP_BOUND_PAGES
            .min(u64::from(params.page_limit).saturating_sub(u64::from(open_pages)));
        if memory.initial > limit {
            return Err(ActivationError::MemoryTooLarge {
                pages: memory.initial,
                limit,
            });
        }
        if self.memory_growable() && self.import_index(PAY_FOR_MEMORY_GROW).is_none() {
            return Err(ActivationError::GrowableMemoryWithoutHook {
                min: memory.initial,
                max: memory.maximum,
            });
        }

        // Exports.
        let count = self.exports.len() as u32;
        if count > MAX_EXPORTS {
            return Err(ActivationError::TooManyExports {
                count,
                limit: MAX_EXPORTS,
            });
        }
        for export in &self.exports {
            if export.name.len() > MAX_NAME_LEN {
                return Err(ActivationError::ExportNameTooLong {
                    len: export.name.len(),
                    limit: MAX_NAME_LEN,
                });
            }
            let last = export.name.rsplit("__").next().unwrap_or(&export.name);
            if last.starts_with("stylus") {
                return Err(ActivationError::ReservedExportName {
                    name: export.name.clone(),
                });
            }
            if let Some(import) = self.func_imports.iter().find(|i| i.name == last) {
                return Err(ActivationError::ExportShadowsImport {
                    name: export.name.clone(),
                    import: import.name.clone(),
                });
            }
        }
        let find = |name: &'static str| {
            self.exports
                .iter()
                .find(|e| e.name == name)
                .ok_or(ActivationError::MissingExport { name })
        };
        let memory_export = find(MEMORY_EXPORT)?;
        if memory_export.kind != ExternalKind::Memory || memory_export.index != 0 {
            return Err(ActivationError::BadExport {
                name: MEMORY_EXPORT,
                expected: "memory 0",
                found: format!("{:?} {}", memory_export.kind, memory_export.index),
            });
        }
        let entry = find(ENTRYPOINT_EXPORT)?;
        let entry_ok = entry.kind == ExternalKind::Func && {
            let ty = &self.types[self.func_types[entry.index as usize] as usize];
            ty.params() == [wasmparser::ValType::I32] && ty.results() == [wasmparser::ValType::I32]
        };
        if !entry_ok {
            let found = if entry.kind == ExternalKind::Func {
                let ty = &self.types[self.func_types[entry.index as usize] as usize];
                format!(
                    "func {} of type {}",
                    entry.index,
                    describe_type(ty.params(), ty.results())
                )
            } else {
                format!("{:?} {}", entry.kind, entry.index)
            };
            return Err(ActivationError::BadExport {
                name: ENTRYPOINT_EXPORT,
                expected: "a function of type (i32) -> (i32)",
                found,
            });
        }

        // Counts.
        if self.data_segments > MAX_DATA_SEGMENTS {
            return Err(ActivationError::TooManyDataSegments {
                count: self.data_segments,
                limit: MAX_DATA_SEGMENTS,
            });
        }
        if self.element_segments > MAX_ELEMENT_SEGMENTS {
            return Err(ActivationError::TooManyElementSegments {
                count: self.element_segments,
                limit: MAX_ELEMENT_SEGMENTS,
            });
        }
        let funcs = self.funcs.len() as u32;
        if funcs > MAX_FUNCS {
            return Err(ActivationError::TooManyFunctions {
                count: funcs,
                limit: MAX_FUNCS,
            });
        }
        let globals = u64::from(self.defined_globals) + NITRO_GLOBALS;
        if globals > MAX_GLOBALS {
            return Err(ActivationError::TooManyGlobals {
                count: globals,
                limit: MAX_GLOBALS,
            });
        }
        if self.table_elements > MAX_TABLE_ELEMENTS {
            return Err(ActivationError::TablesTooLarge {
                total: self.table_elements,
                limit: MAX_TABLE_ELEMENTS,
            });
        }
        if self.element_bytes > MAX_ELEMENT_BYTES {
            return Err(ActivationError::ElementsTooLarge {
                bytes: self.element_bytes,
                limit: MAX_ELEMENT_BYTES,
            });
        }
        Ok(())
    }

    /// Validate one body op by op and compute its metering plan and Nitro op counts
    /// (§1.3 locals/ops/frame rules, §2.3 blocks).
    fn analyse(
        &self,
        func: u32,
        pending: PendingFunc<'a>,
        grow_hooked: bool,
    ) -> Result<(FuncPlan, FuncOpCounts), ActivationError> {
        let mut validator = pending.to_validate.into_validator(Default::default());
        let mut locals = pending.body.get_locals_reader()?;
        let mut declared = 0u64;
        for _ in 0..locals.get_count() {
            let offset = locals.original_position();
            let (count, ty) = locals.read()?;
            validator.define_locals(offset, count, ty)?;
            declared += u64::from(count);
        }
        if declared > MAX_LOCALS {
            return Err(ActivationError::TooManyLocals {
                func,
                count: declared,
                limit: MAX_LOCALS,
            });
        }

        let mut counts = FuncOpCounts::default();
        let mut block_costs = Vec::new();
        let mut block_cost = 0u64;
        let mut depth = 0u32;
        let mut ops = pending.body.get_operators_reader()?;
        while !ops.eof() {
            let (op, offset) = ops.read_with_offset()?;
            if let Some(banned) = banned_op(&op) {
                let op = format!("{op:?}");
                return Err(match banned {
                    BannedOp::Float => ActivationError::FloatOp { func, op, offset },
                    BannedOp::BulkOrTable => ActivationError::ForbiddenOp { func, op, offset },
                });
            }
            validator.op(offset, &op)?;
            depth = depth.max(validator.operand_stack_height());
            let cost = op_ink_cost(&op, |ty| self.types[ty as usize].params().len() as u64);
            block_cost = block_cost.saturating_add(cost);
            counts.ops += 1;
            match op {
                Operator::Return => counts.returns += 1,
                Operator::MemoryFill { .. } | Operator::MemoryCopy { .. } => counts.bulk_ops += 1,
                Operator::MemoryGrow { .. } => counts.grows += 1,
                _ => {}
            }
            if ends_basic_block(&op) {
                block_costs.push(block_cost.saturating_add(BLOCK_HEADER_INK));
                block_cost = 0;
                counts.blocks += 1;
            }
        }
        ops.finish()?;

        if depth > MAX_OPERAND_DEPTH {
            return Err(ActivationError::OperandDepthTooLarge {
                func,
                depth,
                limit: MAX_OPERAND_DEPTH,
            });
        }
        let frame = u64::from(depth) + declared + FRAME_OVERHEAD_WORDS;
        if frame > MAX_FRAME_WORDS {
            return Err(ActivationError::StackFrameTooLarge {
                func,
                frame,
                limit: MAX_FRAME_WORDS,
            });
        }
        let nitro_ops = nitro_instrumented_ops(&counts, grow_hooked);
        if nitro_ops > MAX_OPS_PER_FUNC {
            return Err(ActivationError::TooManyOps {
                func,
                count: nitro_ops,
                limit: MAX_OPS_PER_FUNC,
            });
        }

        let ty = &self.types[self.func_types[func as usize] as usize];
        let needs_scratch = counts.bulk_ops > 0 || (grow_hooked && counts.grows > 0);
        let scratch_local = needs_scratch.then(|| ty.params().len() as u32 + declared as u32);
        let plan = FuncPlan {
            block_costs,
            frame: frame as u32,
            scratch_local,
            // Filled in by `instrument`, which owns the type section.
            wrapper: BlockType::Empty,
        };
        Ok((plan, counts))
    }

    fn instrument(mut self, params: &StylusParams) -> Result<ActivatedProgram, ActivationError> {
        let wasm = self.wasm;
        let grow_hook = if self.memory_growable() {
            self.import_index(PAY_FOR_MEMORY_GROW)
        } else {
            None
        };
        let imported = self.func_imports.len() as u32;
        let globals = MeterGlobals {
            ink_left: self.defined_globals,
            ink_status: self.defined_globals + 1,
            stack_left: self.defined_globals + 2,
        };

        let mut extra_types: Vec<Vec<wasmparser::ValType>> = Vec::new();
        let mut code = wasm_encoder::CodeSection::new();
        let mut instrumented_ops = 0u64;
        let mut type_len = 0u64;
        let funcs = std::mem::take(&mut self.funcs);
        let defined = funcs.len() as u32;
        for (i, pending) in funcs.into_iter().enumerate() {
            let func = imported + i as u32;
            let body = pending.body.clone();
            let (mut plan, counts) = self.analyse(func, pending, grow_hook.is_some())?;
            instrumented_ops += nitro_instrumented_ops(&counts, grow_hook.is_some());
            let ty = &self.types[self.func_types[func as usize] as usize];
            type_len += (ty.params().len() + ty.results().len()) as u64;
            plan.wrapper = match ty.results() {
                [] => BlockType::Empty,
                [one] => BlockType::Result(encoder_val_type(*one)?),
                many => {
                    let position =
                        extra_types
                            .iter()
                            .position(|t| t == many)
                            .unwrap_or_else(|| {
                                extra_types.push(many.to_vec());
                                extra_types.len() - 1
                            });
                    BlockType::FunctionType((self.types.len() + position) as u32)
                }
            };
            code.raw(&instrument_body(wasm, &body, &plan, globals, grow_hook)?);
        }

        let memory = &self.memories[0];
        let stats = ModuleStats {
            wasm_len: wasm.len() as u32,
            funcs: defined,
            type_len,
            globals: u64::from(self.defined_globals) + NITRO_GLOBALS,
            data_payload_bytes: self.data_payload_bytes,
            data_segment_bytes: self.data_segment_bytes,
            element_segment_bytes: self.element_bytes,
            footprint_pages: memory.initial as u16,
            instrumented_ops,
        };
        let init_cost = stats.init_cost(params.stylus_version);
        let init_cost = u16::try_from(init_cost)
            .map_err(|_| ActivationError::InitCostTooHigh { cost: init_cost })?;
        let cached = stats.cached_init_cost();
        let cached_init_cost = u16::try_from(cached)
            .map_err(|_| ActivationError::CachedInitCostTooHigh { cost: cached })?;
        let asm = stats.asm_estimate_bytes();

        let instrumented_wasm = self.assemble(&extra_types, code, globals)?;
        Ok(ActivatedProgram {
            instrumented_wasm,
            init_cost,
            cached_init_cost,
            footprint_pages: stats.footprint_pages,
            asm_estimate_bytes: asm as u32,
            asm_estimate_kib: asm.div_ceil(1024) as u32,
            activation_gas: stats.activation_gas(params),
            wasm_len: stats.wasm_len,
            funcs: stats.funcs,
            max_memory_pages: memory.maximum,
            stats,
        })
    }

    /// Rebuild the module: original sections copied byte for byte, except the type section
    /// (wrapper block types appended), the global section (meter globals appended), the export
    /// section (rebuilt) and the code section (instrumented). Custom sections are dropped.
    fn assemble(
        &self,
        extra_types: &[Vec<wasmparser::ValType>],
        code: wasm_encoder::CodeSection,
        g: MeterGlobals,
    ) -> Result<Vec<u8>, ActivationError> {
        let wasm = self.wasm;
        let mut module = Module::new();
        let raw = |module: &mut Module, id: u8, range: &Option<Range<usize>>| {
            if let Some(range) = range {
                module.section(&RawSection {
                    id,
                    data: &wasm[range.clone()],
                });
            }
        };

        let mut new_types = Vec::new();
        for results in extra_types {
            new_types.push(0x60);
            0u32.encode(&mut new_types);
            (results.len() as u32).encode(&mut new_types);
            for ty in results {
                encoder_val_type(*ty)?.encode(&mut new_types);
            }
        }
        let types = append_entries(
            wasm,
            &self.sections.types,
            extra_types.len() as u32,
            &new_types,
        )?;
        module.section(&RawSection {
            id: 1,
            data: &types,
        });
        raw(&mut module, 2, &self.sections.imports);
        raw(&mut module, 3, &self.sections.functions);
        raw(&mut module, 4, &self.sections.tables);
        raw(&mut module, 5, &self.sections.memories);

        let mut new_globals = Vec::new();
        let meter_globals = [
            (
                wasm_encoder::ValType::I64,
                wasm_encoder::ConstExpr::i64_const(0),
            ),
            (
                wasm_encoder::ValType::I32,
                wasm_encoder::ConstExpr::i32_const(0),
            ),
            (
                wasm_encoder::ValType::I32,
                wasm_encoder::ConstExpr::i32_const(0),
            ),
        ];
        for (val_type, init) in &meter_globals {
            GlobalType {
                val_type: *val_type,
                mutable: true,
                shared: false,
            }
            .encode(&mut new_globals);
            init.encode(&mut new_globals);
        }
        let globals = append_entries(wasm, &self.sections.globals, 3, &new_globals)?;
        module.section(&RawSection {
            id: 6,
            data: &globals,
        });

        let mut exports = ExportSection::new();
        let entry = self.exports.iter().find(|e| e.name == ENTRYPOINT_EXPORT);
        exports.export(MEMORY_EXPORT, ExportKind::Memory, 0);
        if let Some(entry) = entry {
            exports.export(ENTRYPOINT_EXPORT, ExportKind::Func, entry.index);
        }
        exports.export(INK_LEFT_EXPORT, ExportKind::Global, g.ink_left);
        exports.export(INK_STATUS_EXPORT, ExportKind::Global, g.ink_status);
        exports.export(STACK_LEFT_EXPORT, ExportKind::Global, g.stack_left);
        module.section(&exports);

        raw(&mut module, 9, &self.sections.elements);
        raw(&mut module, 12, &self.sections.data_count);
        module.section(&code);
        raw(&mut module, 11, &self.sections.data);
        Ok(module.finish())
    }
}

fn encoder_val_type(ty: wasmparser::ValType) -> Result<wasm_encoder::ValType, ActivationError> {
    wasm_encoder::ValType::try_from(ty).map_err(|e| ActivationError::InvalidWasm {
        offset: 0,
        message: format!("value type {ty} cannot be re-encoded: {e}"),
    })
}

/// Content of a vector section with `extra` more entries: the original count + `extra`, the
/// original entries, then `new_entries`. A missing section starts from zero entries.
fn append_entries(
    wasm: &[u8],
    range: &Option<Range<usize>>,
    extra: u32,
    new_entries: &[u8],
) -> Result<Vec<u8>, ActivationError> {
    let (count, entries) = match range {
        Some(range) => {
            let mut reader = BinaryReader::new(&wasm[range.clone()], range.start);
            let count = reader.read_var_u32()?;
            (count, &wasm[reader.original_position()..range.end])
        }
        None => (0, &[][..]),
    };
    let mut out = Vec::new();
    (count + extra).encode(&mut out);
    out.extend_from_slice(entries);
    out.extend_from_slice(new_entries);
    Ok(out)
}
