//! §1.4–§1.7 and §3: cost formulas, with hand-computed numbers.

mod common;

use common::{activate_wat, entry_module};
use stylus_activation::{
    call_init_gas, memory_grow_gas, nitro_instrumented_ops, ActivatedProgram, DataPricer,
    FuncOpCounts, ModuleStats, StylusParams, MEMORY_EXPONENTS,
};

fn stats() -> ModuleStats {
    ModuleStats {
        wasm_len: 100_000,
        funcs: 100,
        type_len: 300,
        globals: 10,
        data_payload_bytes: 1_400,
        data_segment_bytes: 1_500,
        element_segment_bytes: 500,
        footprint_pages: 2,
        instrumented_ops: 10_000,
    }
}

#[test]
fn stylus_data_formulas() {
    let s = stats();
    // 13 + 0 + 122 + 16 + ⌊2000·75244/1e5⌋ = 1504 + 5·2
    assert_eq!(s.cached_init_cost(), 13 + 122 + 16 + 1_504 + 10);
    // 825 + 317 + 12 860
    assert_eq!(s.init_cost(2), 14_002);
    assert_eq!(s.init_cost(1), 14_002 + 1_665, "v1 adds the cached cost");
    // 512 000 + 99 682 + 3 424 + 626 280
    assert_eq!(s.asm_estimate_bytes(), 1_241_386);
}

#[test]
fn activation_gas_terms() {
    let s = stats();
    // 28 × (31 733 + 17 + 243 + 86 + 2·2217 + 5 350)
    let parse = 888_524 + 476 + 6_804 + 2_408 + 124_152 + 149_800;
    assert_eq!(s.parse_gas(60), parse);
    assert_eq!(
        s.parse_gas(31),
        parse - 888_524,
        "no per-byte term before ArbOS 32"
    );
    assert_eq!(
        s.activation_gas(&StylusParams::default()),
        1_659_168 + parse
    );
    let with_param = StylusParams {
        activation_gas: 1_000,
        ..Default::default()
    };
    assert_eq!(s.activation_gas(&with_param), 1_000 + 1_659_168 + parse);
    let old = StylusParams {
        arbos_version: 50,
        activation_gas: 1_000,
        ..Default::default()
    };
    assert_eq!(
        s.activation_gas(&old),
        1_659_168 + parse,
        "ActivationGas only from ArbOS 60"
    );
}

#[test]
fn activated_program_numbers_for_the_minimal_program() {
    let program = activate_wat(&entry_module("i32.const 0")).unwrap();
    let s = &program.stats;
    assert_eq!(
        (s.funcs, s.type_len, s.globals, s.footprint_pages),
        (1, 2, 4, 1)
    );
    // 2 ops + 12 (one block) + 12 (prologue) + 4 (extra return's epilogue) + 1 (extra return)
    assert_eq!(s.instrumented_ops, 31);
    let len = u64::from(program.wasm_len);
    assert_eq!(u64::from(program.init_cost), 8 + 2 + len * 1_286 / 10_000);
    assert_eq!(
        u64::from(program.cached_init_cost),
        len * 122 / 100_000 + 6 + 5
    );
    assert_eq!(
        u64::from(program.asm_estimate_bytes),
        512_000 + 996 + 22 + len * 62_628 / 10_000
    );
    assert_eq!(
        program.asm_estimate_kib,
        program.asm_estimate_bytes.div_ceil(1024)
    );
    assert_eq!(program.activation_gas, 1_659_168 + s.parse_gas(60));
}

#[test]
fn nitro_op_count_formula() {
    let c = FuncOpCounts {
        ops: 100,
        blocks: 10,
        returns: 2,
        bulk_ops: 3,
        grows: 1,
    };
    assert_eq!(
        nitro_instrumented_ops(&c, true),
        100 + 120 + 12 + 12 + 1 + 51 + 4
    );
    assert_eq!(
        nitro_instrumented_ops(&c, false),
        100 + 120 + 12 + 12 + 1 + 51
    );
}

fn program(init_cost: u16, cached_init_cost: u16) -> ActivatedProgram {
    let mut p = activate_wat(&entry_module("i32.const 0")).unwrap();
    p.init_cost = init_cost;
    p.cached_init_cost = cached_init_cost;
    p
}

#[test]
fn call_init_gas_per_version_and_cache_state() {
    let params = StylusParams::default();
    let p = program(14_002, 1_665);
    // initGas = 8 832 + 14 002; cachedGas = 352 + 1 665
    assert_eq!(call_init_gas(&p, &params, false), 22_834 + 2_017);
    assert_eq!(call_init_gas(&p, &params, true), 2_017);
    let v1 = StylusParams {
        stylus_version: 1,
        min_init_gas: 72,
        ..Default::default()
    };
    assert_eq!(call_init_gas(&p, &v1, false), 72 * 128 + 14_002);
    assert_eq!(call_init_gas(&p, &v1, true), 2_017);
    // Scalars in units of 2 %, rounded up: 25 → 50 %.
    let half = StylusParams {
        init_cost_scalar: 25,
        cached_cost_scalar: 25,
        ..Default::default()
    };
    let odd = program(3, 5);
    assert_eq!(call_init_gas(&odd, &half, false), 8_832 + 2 + 352 + 3);
}

#[test]
fn memory_gas_matches_the_reference_checks() {
    let params = StylusParams::default();
    // 0 → 128 pages in any step pattern costs 31 999 998 gas.
    for step in [1u16, 2, 3, 7, 64, 128] {
        let (mut open, mut ever, mut total) = (0u16, 0u16, 0u64);
        while open < 128 {
            let pages = step.min(128 - open);
            total += memory_grow_gas(pages, open, ever, &params);
            open += pages;
            ever = ever.max(open);
        }
        assert_eq!(total, 31_999_998, "step {step}");
    }
    // open = ever = 1, +100 pages = 99·1000 + EXP[101] − EXP[1]
    assert_eq!(memory_grow_gas(100, 1, 1, &params), 932_066);
    assert_eq!(memory_grow_gas(2, 0, 0, &params), 0, "free pages");
    assert_eq!(memory_grow_gas(0, 5, 9, &params), 0);
    assert_eq!(memory_grow_gas(129, 0, 0, &params), u64::MAX);
    assert_eq!(memory_grow_gas(1, 128, 128, &params), u64::MAX);
    // Re-opening pages below the high-water mark pays only the linear part.
    assert_eq!(memory_grow_gas(10, 0, 20, &params), 8_000);
}

#[test]
fn memory_exponents_follow_the_documented_base() {
    let base = (31_874_000f64.ln() / 128.0).exp();
    for (p, &exp) in MEMORY_EXPONENTS.iter().enumerate() {
        assert_eq!(base.powf(p as f64).floor() as u64, exp, "EXP[{p}]");
    }
}

#[test]
fn data_fee_pricer() {
    let mut pricer = DataPricer::new_default(1_000);
    // demand 600 000 → x = 280 bips → multiplier 10 283
    assert_eq!(
        pricer.update(600_000, 1_000),
        (82_928_201u128 * 10_283 / 10_000) * 600_000
    );
    assert_eq!(pricer.demand, 600_000);
    // 10 s later: 600 000 − 348 650 + 600 000 = 851 350 → x = 398 → 10 405
    assert_eq!(
        pricer.update(600_000, 1_010),
        (82_928_201u128 * 10_405 / 10_000) * 600_000
    );
    assert_eq!(pricer.demand, 851_350);
    // Long idle: demand drains to just the new bytes.
    let fee = pricer.update(5_000_000, 1_000_000);
    assert_eq!(pricer.demand, 5_000_000);
    assert_eq!(fee, (82_928_201u128 * 12_636 / 10_000) * 5_000_000);
}
