//! §1.3: every activation rule rejects what Nitro rejects, and accepts the rest.

mod common;

use common::{activate_wat, assert_valid_output, entry_module, reject, wasm};
use stylus_activation::{
    activate, activate_in_tx, hostio_signatures, ActivationError, StylusParams,
};
use wasm_encoder::{
    CodeSection, ExportKind, ExportSection, Function, FunctionSection, MemorySection, MemoryType,
    Module, RefType, TableSection, TableType, TypeSection, ValType,
};

const GROW_IMPORT: &str = r#"(import "vm_hooks" "pay_for_memory_grow" (func (param i32)))"#;

#[test]
fn minimal_program_activates_and_output_validates() {
    let program = activate_wat(&entry_module("i32.const 0")).unwrap();
    assert_valid_output(&program);
    assert_eq!(program.funcs, 1);
    assert_eq!(program.footprint_pages, 1);
}

#[test]
fn float_arithmetic_is_rejected() {
    let e = reject(&entry_module(
        "f32.const 1 f32.const 2 f32.add drop i32.const 0",
    ));
    assert!(
        matches!(e, ActivationError::FloatOp { func: 0, ref op, .. } if op == "F32Add"),
        "{e}"
    );
    let e = reject(&entry_module("f64.const 1 i32.trunc_sat_f64_s"));
    assert!(matches!(e, ActivationError::FloatOp { .. }), "{e}");
    let e = reject(&entry_module(
        "local.get 0 f64.convert_i32_u drop i32.const 0",
    ));
    assert!(matches!(e, ActivationError::FloatOp { .. }), "{e}");
}

#[test]
fn float_const_passes_activation_but_always_runs_out_of_ink() {
    let program = activate_wat(&entry_module("f64.const 1 drop i32.const 0")).unwrap();
    let run = common::run(&program, u64::MAX / 2, 22_000, 0);
    assert!(run.out_of_ink(), "{run:?}");
}

#[test]
fn reference_types_are_rejected() {
    let e = reject(
        r#"(module (memory (export "memory") 1 1) (table 1 funcref)
            (func (export "user_entrypoint") (param i32) (result i32)
              i32.const 0 table.get 0 drop i32.const 0))"#,
    );
    assert!(matches!(e, ActivationError::ForbiddenOp { .. }), "{e}");
    let e = reject(&entry_module("(local externref) i32.const 0"));
    assert!(matches!(e, ActivationError::InvalidWasm { .. }), "{e}");
    let e = reject(&entry_module(
        "i32.const 1 i32.const 2 local.get 0 select (result i32)",
    ));
    assert!(matches!(e, ActivationError::InvalidWasm { .. }), "{e}");
    let e = reject(&entry_module("ref.null func drop i32.const 0"));
    assert!(matches!(e, ActivationError::InvalidWasm { .. }), "{e}");
}

#[test]
fn multi_value_is_rejected_on_arbos_60_and_allowed_before() {
    let wat = r#"(module (memory (export "memory") 1 1)
        (func $two (result i32 i32) i32.const 1 i32.const 2)
        (func (export "user_entrypoint") (param i32) (result i32) call $two i32.add))"#;
    let e = reject(wat);
    assert!(matches!(e, ActivationError::InvalidWasm { .. }), "{e}");
    let old = StylusParams {
        arbos_version: 50,
        ..Default::default()
    };
    let program = activate(&wasm(wat), &old).unwrap();
    // Multi-value wrapper blocks need the multi-value feature in the output as well.
    wasmparser::Validator::new()
        .validate_all(&program.instrumented_wasm)
        .unwrap();
    let run = common::run(&program, 1_000_000, 22_000, 0);
    assert_eq!(run.result, Ok(3));
}

#[test]
fn start_function_is_rejected() {
    let e = reject(
        r#"(module (memory (export "memory") 1 1) (func $s) (start $s)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert_eq!(e, ActivationError::StartFunction { func: 0 });
}

#[test]
fn imported_memory_table_and_global_are_rejected() {
    let e = reject(
        r#"(module (import "vm_hooks" "memory" (memory 1 1)) (export "memory" (memory 0))
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert!(
        matches!(e, ActivationError::ImportNotFunction { kind: "memory", .. }),
        "{e}"
    );
    let e = reject(
        r#"(module (import "vm_hooks" "g" (global i32)) (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert!(
        matches!(e, ActivationError::ImportNotFunction { kind: "global", .. }),
        "{e}"
    );
}

#[test]
fn unknown_debug_and_reserved_imports_are_rejected() {
    let with_import = |import: &str| {
        format!(
            r#"(module {import} (memory (export "memory") 1 1)
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        )
    };
    let e = reject(&with_import(
        r#"(import "vm_hooks" "no_such_hostio" (func))"#,
    ));
    assert!(
        matches!(e, ActivationError::UnknownImport { ref name, .. } if name == "no_such_hostio")
    );
    let e = reject(&with_import(
        r#"(import "env" "read_args" (func (param i32)))"#,
    ));
    assert!(matches!(e, ActivationError::UnknownImport { ref module, .. } if module == "env"));
    let e = reject(&with_import(
        r#"(import "console" "log_i32" (func (param i32)))"#,
    ));
    assert!(matches!(e, ActivationError::DebugImport { .. }), "{e}");
    let e = reject(&with_import(
        r#"(import "vm_hooks" "stylus_ink_left" (func))"#,
    ));
    assert!(
        matches!(e, ActivationError::ReservedImportName { .. }),
        "{e}"
    );
}

#[test]
fn wrong_import_type_is_rejected() {
    let e = reject(
        r#"(module (import "vm_hooks" "read_args" (func (param i64)))
            (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert_eq!(
        e,
        ActivationError::ImportTypeMismatch {
            module: "vm_hooks".into(),
            name: "read_args".into(),
            expected: "(i32) -> ()".into(),
            found: "(i64) -> ()".into(),
        }
    );
}

#[test]
fn every_hostio_with_its_exact_type_is_accepted() {
    let imports: String = hostio_signatures()
        .iter()
        .map(|(name, params, results)| {
            let list = |ts: &[stylus_activation::ValType]| {
                ts.iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            format!(
                r#"(import "vm_hooks" "{name}" (func (param {}) (result {})))"#,
                list(params),
                list(results)
            )
        })
        .collect();
    let program = activate_wat(&format!(
        r#"(module {imports} (memory (export "memory") 1 2)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    ))
    .unwrap();
    assert_valid_output(&program);
    assert_eq!(hostio_signatures().len(), 42);
}

#[test]
fn too_many_imports_are_rejected_from_arbos_32() {
    let imports = r#"(import "vm_hooks" "read_args" (func (param i32)))"#.repeat(514);
    let wat = format!(
        r#"(module {imports} (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    );
    assert_eq!(
        reject(&wat),
        ActivationError::TooManyImports {
            count: 514,
            limit: 513
        }
    );
    let old = StylusParams {
        arbos_version: 31,
        ..Default::default()
    };
    activate(&wasm(&wat), &old).unwrap();
}

#[test]
fn missing_or_mistyped_required_exports_are_rejected() {
    let e = reject(
        r#"(module (memory (export "memory") 1 1) (func (param i32) (result i32) i32.const 0))"#,
    );
    assert_eq!(
        e,
        ActivationError::MissingExport {
            name: "user_entrypoint"
        }
    );
    let e = reject(
        r#"(module (memory 1 1) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert_eq!(e, ActivationError::MissingExport { name: "memory" });
    let e = reject(
        r#"(module (memory (export "memory") 1 1) (func (export "user_entrypoint") (param i64) (result i32) i32.const 0))"#,
    );
    assert!(
        matches!(
            e,
            ActivationError::BadExport {
                name: "user_entrypoint",
                ..
            }
        ),
        "{e}"
    );
    let e = reject(
        r#"(module (memory 1 1) (global (export "memory") i32 (i32.const 0)) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert!(
        matches!(e, ActivationError::BadExport { name: "memory", .. }),
        "{e}"
    );
}

#[test]
fn reserved_and_shadowing_export_names_are_rejected() {
    let e = reject(
        r#"(module (memory (export "memory") 1 1) (func (export "a__stylus_x"))
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert!(
        matches!(e, ActivationError::ReservedExportName { .. }),
        "{e}"
    );
    let e = reject(
        r#"(module (import "vm_hooks" "read_args" (func (param i32)))
            (memory (export "memory") 1 1) (func (export "mod__read_args"))
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert!(
        matches!(e, ActivationError::ExportShadowsImport { .. }),
        "{e}"
    );
    // Other exports are allowed (and dropped from the output).
    let program = activate_wat(
        r#"(module (memory (export "memory") 1 1) (func (export "helper"))
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    assert_valid_output(&program);
}

#[test]
fn too_many_locals_are_rejected() {
    let ok = entry_module("(local i64 i32) (local i32) i32.const 0");
    activate_wat(&ok).unwrap();
    let locals = "(local i32)".repeat(349);
    let e = reject(&entry_module(&format!("{locals} i32.const 0")));
    assert_eq!(
        e,
        ActivationError::TooManyLocals {
            func: 0,
            count: 349,
            limit: 348
        }
    );
    let locals = "(local i32)".repeat(348);
    activate_wat(&entry_module(&format!("{locals} i32.const 0"))).unwrap();
}

#[test]
fn memory_rules() {
    let no_memory =
        r#"(module (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert_eq!(reject(no_memory), ActivationError::MemoryCount { count: 0 });
    let big = r#"(module (memory (export "memory") 129 129) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert_eq!(
        reject(big),
        ActivationError::MemoryTooLarge {
            pages: 129,
            limit: 128
        }
    );
    let pages_100 = r#"(module (memory (export "memory") 100 100) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    let e = activate_in_tx(&wasm(pages_100), &StylusParams::default(), 30).unwrap_err();
    assert_eq!(
        e,
        ActivationError::MemoryTooLarge {
            pages: 100,
            limit: 98
        }
    );
    let growable = r#"(module (memory (export "memory") 1) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert_eq!(
        reject(growable),
        ActivationError::GrowableMemoryWithoutHook { min: 1, max: None }
    );
    let growable_hooked = format!(
        r#"(module {GROW_IMPORT} (memory (export "memory") 1 4) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    );
    activate_wat(&growable_hooked).unwrap();
}

#[test]
fn data_and_element_segment_limits() {
    let data = |n: usize| {
        let segs: String = (0..n)
            .map(|i| format!("(data (i32.const {i}) \"x\")"))
            .collect();
        format!(
            r#"(module (memory (export "memory") 1 1) {segs}
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        )
    };
    activate_wat(&data(128)).unwrap();
    assert_eq!(
        reject(&data(129)),
        ActivationError::TooManyDataSegments {
            count: 129,
            limit: 128
        }
    );

    let elems = |n: usize| {
        let segs: String = (0..n)
            .map(|i| format!("(elem (i32.const {i}) $f)"))
            .collect();
        format!(
            r#"(module (memory (export "memory") 1 1) (table 200 funcref) (func $f) {segs}
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
        )
    };
    activate_wat(&elems(128)).unwrap();
    assert_eq!(
        reject(&elems(129)),
        ActivationError::TooManyElementSegments {
            count: 129,
            limit: 128
        }
    );
    let big_table = r#"(module (memory (export "memory") 1 1) (table 4097 funcref)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert_eq!(
        reject(big_table),
        ActivationError::TablesTooLarge {
            total: 4097,
            limit: 4096
        }
    );
}

#[test]
fn banned_bulk_memory_ops_are_rejected() {
    let e = reject(
        r#"(module (memory (export "memory") 1 1) (data $d "abc")
            (func (export "user_entrypoint") (param i32) (result i32)
              i32.const 0 i32.const 0 i32.const 1 memory.init $d i32.const 0))"#,
    );
    assert!(matches!(e, ActivationError::ForbiddenOp { .. }), "{e}");
    let e = reject(
        r#"(module (memory (export "memory") 1 1) (data $d "abc")
            (func (export "user_entrypoint") (param i32) (result i32) data.drop $d i32.const 0))"#,
    );
    assert!(matches!(e, ActivationError::ForbiddenOp { .. }), "{e}");
}

#[test]
fn global_initialisers_must_be_one_constant() {
    let ok = r#"(module (memory (export "memory") 1 1) (global (mut i32) (i32.const 7))
        (func (export "user_entrypoint") (param i32) (result i32) global.get 0))"#;
    activate_wat(ok).unwrap();
    let bad = r#"(module (memory (export "memory") 1 1) (global i32 (i32.const 7))
        (global i32 (global.get 0))
        (func (export "user_entrypoint") (param i32) (result i32) global.get 1))"#;
    assert_eq!(
        reject(bad),
        ActivationError::GlobalInitNotConstant { global: 1 }
    );
}

#[test]
fn unknown_sections_are_rejected_and_custom_ones_allowed() {
    let mut bytes = wasm(&entry_module("i32.const 0"));
    let mut custom = bytes.clone();
    custom.extend_from_slice(&[0, 4, 3, b'a', b'b', b'c']);
    activate(&custom, &StylusParams::default()).unwrap();
    bytes.extend_from_slice(&[0x20, 0x01, 0x00]);
    let e = activate(&bytes, &StylusParams::default()).unwrap_err();
    assert_eq!(e, ActivationError::UnknownSection { id: 0x20 });
}

#[test]
fn module_name_longer_than_512_bytes_is_rejected() {
    let name = "m".repeat(513);
    let wat = format!(
        r#"(module ${name} (memory (export "memory") 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    );
    assert_eq!(
        reject(&wat),
        ActivationError::ModuleNameTooLong {
            len: 513,
            limit: 512
        }
    );
}

#[test]
fn operand_depth_and_frame_limits() {
    let deep = |n: usize| {
        entry_module(&format!(
            "{} {}",
            "i32.const 1 ".repeat(n),
            "drop ".repeat(n - 1)
        ))
    };
    activate_wat(&deep(4_096)).unwrap();
    assert_eq!(
        reject(&deep(4_097)),
        ActivationError::OperandDepthTooLarge {
            func: 0,
            depth: 4_097,
            limit: 4_096
        }
    );
}

/// A module whose `user_entrypoint` body is given raw, with a `() -> ()` function 1 and a table.
fn raw_body_module(body: &[u8]) -> Vec<u8> {
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32], [ValType::I32]);
    types.ty().function([], []);
    let mut funcs = FunctionSection::new();
    funcs.function(0);
    funcs.function(1);
    let mut tables = TableSection::new();
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        minimum: 1,
        maximum: None,
        table64: false,
        shared: false,
    });
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: Some(1),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut exports = ExportSection::new();
    exports.export("memory", ExportKind::Memory, 0);
    exports.export("user_entrypoint", ExportKind::Func, 0);
    let mut code = CodeSection::new();
    let mut entry = Function::new([]);
    entry.raw(body.iter().copied());
    code.function(&entry);
    let mut callee = Function::new([]);
    callee.raw([0x0B]);
    code.function(&callee);
    let mut module = Module::new();
    module
        .section(&types)
        .section(&funcs)
        .section(&tables)
        .section(&memories)
        .section(&exports)
        .section(&code);
    module.finish()
}

#[test]
fn padded_call_indirect_table_immediate_is_rejected() {
    // i32.const 0; call_indirect (type 1) table <imm>; i32.const 0; end
    let canonical = raw_body_module(&[0x41, 0x00, 0x11, 0x01, 0x00, 0x41, 0x00, 0x0B]);
    activate(&canonical, &StylusParams::default()).unwrap();
    let padded = raw_body_module(&[
        0x41, 0x00, 0x11, 0x01, 0x80, 0x80, 0x80, 0x80, 0x00, 0x41, 0x00, 0x0B,
    ]);
    let e = activate(&padded, &StylusParams::default()).unwrap_err();
    assert!(
        matches!(e, ActivationError::InvalidWasm { ref message, .. } if message.contains("zero byte expected")),
        "{e}"
    );
}

#[test]
fn padded_memory_immediate_is_rejected() {
    // memory.size <imm>; end
    activate(
        &raw_body_module(&[0x3F, 0x00, 0x0B]),
        &StylusParams::default(),
    )
    .unwrap();
    let e = activate(
        &raw_body_module(&[0x3F, 0x80, 0x00, 0x0B]),
        &StylusParams::default(),
    )
    .unwrap_err();
    assert!(matches!(e, ActivationError::InvalidWasm { .. }), "{e}");
}

#[test]
fn too_many_ops_after_instrumentation_are_rejected() {
    // n × (i32.const 0; drop) + i32.const 0 + end = 2n + 2 ops in 1 block;
    // Nitro's count adds 12 (block) + 12 (prologue) + 4 (return epilogue) + 1 (extra return).
    let body = |n: usize| entry_module(&format!("{} i32.const 0", "i32.const 0 drop ".repeat(n)));
    // 2n + 2 + 29 ≤ 65 536  ⇔  n ≤ 32 752
    activate_wat(&body(32_752)).unwrap();
    assert_eq!(
        reject(&body(32_753)),
        ActivationError::TooManyOps {
            func: 0,
            count: 65_537,
            limit: 65_536
        }
    );
}
