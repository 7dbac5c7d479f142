//! §2.3–§2.5 and §3: the instrumented module charges Nitro's ink, checks depth and calls the
//! memory-grow hook, when run on a plain engine (wasmi).

mod common;

use common::{activate_wat, assert_valid_output, entry_module, run};

const INK: u64 = 10_000_000;
const STACK: u32 = 22_000;

#[test]
fn worked_example_costs_2452_ink() {
    let program = activate_wat(&entry_module("i32.const 0")).unwrap();
    assert_valid_output(&program);
    let r = run(&program, INK, STACK, 0);
    assert_eq!(r.result, Ok(0));
    assert_eq!(r.ink_used(INK), 2_452);
    assert_eq!(r.ink_status, 0);
    assert_eq!(
        r.stack_left, STACK as i32,
        "the frame is given back on exit"
    );
}

#[test]
fn if_else_blocks_charge_only_the_branch_taken() {
    // B1 = local.get(75) + if(765) + 2450 = 3290
    // B2 = i32.const + i32.const + i32.add + else = 73 + 2450 = 2523   (then branch)
    // B3 = i32.const + end = 2 + 2450 = 2452                           (else branch)
    // B4 = final end = 1 + 2450 = 2451
    let program = activate_wat(&entry_module(
        "local.get 0 if (result i32) i32.const 1 i32.const 2 i32.add else i32.const 2 end",
    ))
    .unwrap();
    let then = run(&program, INK, STACK, 1);
    assert_eq!(then.result, Ok(3));
    assert_eq!(then.ink_used(INK), 3_290 + 2_523 + 2_451);
    let otherwise = run(&program, INK, STACK, 0);
    assert_eq!(otherwise.result, Ok(2));
    assert_eq!(otherwise.ink_used(INK), 3_290 + 2_452 + 2_451);
}

#[test]
fn loop_header_is_charged_per_iteration() {
    // B1 = loop = 2451 (once); B2 = local.get, i32.const, i32.sub, local.tee, br_if
    // = 75+1+70+75+765 + 2450 = 3436 per iteration; B3 = loop's end = 2451;
    // B4 = local.get + end = 76 + 2450 = 2526.
    let program = activate_wat(&entry_module(
        "loop local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0 end local.get 0",
    ))
    .unwrap();
    for n in [1u64, 3, 10] {
        let r = run(&program, INK, STACK, n as i32);
        assert_eq!(r.result, Ok(0));
        assert_eq!(
            r.ink_used(INK),
            2_451 + n * 3_436 + 2_451 + 2_526,
            "n = {n}"
        );
    }
}

#[test]
fn calls_end_blocks_and_callees_pay_their_own() {
    // entry: B1 = local.get(75) + call(3800) + 2450 = 6325; B2 = end = 2451
    // callee $id: local.get + end = 76 + 2450 = 2526
    let program = activate_wat(
        r#"(module (memory (export "memory") 1 1)
            (func $id (param i32) (result i32) local.get 0)
            (func (export "user_entrypoint") (param i32) (result i32) local.get 0 call $id))"#,
    )
    .unwrap();
    let r = run(&program, INK, STACK, 7);
    assert_eq!(r.result, Ok(7));
    assert_eq!(r.ink_used(INK), 6_325 + 2_451 + 2_526);
}

#[test]
fn block_does_not_end_blocks_br_table_is_priced_by_targets_and_branches_skip_headers() {
    // B1 = block(1) ×2 + local.get(75) + br_table with 2 targets (2400 + 2×325) + 2450 = 5577.
    // B2 = the inner `end` (its header sits inside the inner block, so a branch to that block
    // skips it); B3 = i32.const 10 + return = 2452; B4 = outer `end`; B5 = i32.const 20 + end
    // = 2452.
    let program = activate_wat(&entry_module(
        "block block local.get 0 br_table 0 1 1 end i32.const 10 return end i32.const 20",
    ))
    .unwrap();
    let r = run(&program, INK, STACK, 0);
    assert_eq!(r.result, Ok(10));
    assert_eq!(r.ink_used(INK), 5_577 + 2_452);
    assert_eq!(r.stack_left, STACK as i32, "return gives the frame back");
    let r = run(&program, INK, STACK, 1);
    assert_eq!(r.result, Ok(20));
    assert_eq!(r.ink_used(INK), 5_577 + 2_452);
}

#[test]
fn call_indirect_is_priced_by_signature_params() {
    // B1 = i32.const 5 (1) + i32.const 0 (1) + call_indirect 1 param (13610+650) + 2450 = 16712
    // B2 = end = 2451; callee: local.get + end = 2526
    let program = activate_wat(
        r#"(module (memory (export "memory") 1 1) (table 1 funcref) (elem (i32.const 0) $id)
            (type $t (func (param i32) (result i32)))
            (func $id (param i32) (result i32) local.get 0)
            (func (export "user_entrypoint") (param i32) (result i32)
              i32.const 5 i32.const 0 call_indirect (type $t)))"#,
    )
    .unwrap();
    let r = run(&program, INK, STACK, 0);
    assert_eq!(r.result, Ok(5));
    assert_eq!(r.ink_used(INK), 16_712 + 2_451 + 2_526);
}

#[test]
fn out_of_ink_sets_status_and_traps_before_the_block() {
    let program = activate_wat(&entry_module("i32.const 0")).unwrap();
    let r = run(&program, 2_451, STACK, 0);
    assert!(r.out_of_ink(), "{r:?}");
    assert_eq!(r.ink_left, 2_451, "a failed check charges nothing");
    let r = run(&program, 2_452, STACK, 0);
    assert_eq!(r.result, Ok(0));
    assert_eq!(r.ink_left, 0);
}

#[test]
fn a_trap_mid_block_has_paid_the_whole_block() {
    // unreachable does not end the block: B = unreachable(1) + i32.const(1) + end(1) + 2450.
    let program = activate_wat(&entry_module("unreachable i32.const 0")).unwrap();
    let r = run(&program, INK, STACK, 0);
    assert!(r.result.is_err());
    assert_eq!(r.ink_status, 0, "a plain trap is not out of ink");
    assert_ne!(r.stack_left, 0, "a plain trap is not out of stack");
    assert_eq!(r.ink_used(INK), 2_453);
}

#[test]
fn memory_fill_and_copy_charge_100_ink_per_byte() {
    // B = 3 × i32.const + fill(950) + i32.const + end = 955 + 2450 = 3405; + 100 × 1000
    let program = activate_wat(&entry_module(
        "i32.const 0 i32.const 7 local.get 0 memory.fill i32.const 0",
    ))
    .unwrap();
    assert_valid_output(&program);
    // local.get (75) instead of a const: 75 - 1 more.
    let static_cost = 3_405 + 74;
    let r = run(&program, INK, STACK, 1_000);
    assert_eq!(r.result, Ok(0));
    assert_eq!(r.ink_used(INK), static_cost + 100_000);
    let r = run(&program, static_cost + 99_999, STACK, 1_000);
    assert!(r.out_of_ink(), "{r:?}");
    assert_eq!(
        r.ink_left, 99_999,
        "the static block was paid, the dynamic part not"
    );

    let copy = activate_wat(&entry_module(
        "i32.const 100 i32.const 0 local.get 0 memory.copy i32.const 0",
    ))
    .unwrap();
    let r = run(&copy, INK, STACK, 64);
    assert_eq!(r.result, Ok(0));
    assert_eq!(r.ink_used(INK), static_cost + 6_400);
}

#[test]
fn out_of_stack_with_nitros_frame_example() {
    // frame = 2 locals + 3 operand depth + 4 = 9 words; space 9 fails, 10 runs.
    let program = activate_wat(&entry_module(
        "(local i32 i32) i32.const 1 i32.const 2 i32.const 3 i32.add i32.add",
    ))
    .unwrap();
    let r = run(&program, INK, 9, 0);
    assert!(r.out_of_stack(), "{r:?}");
    assert_eq!(r.ink_status, 0);
    assert_eq!(
        r.ink_left, INK,
        "the depth check runs before the first block charge"
    );
    let r = run(&program, INK, 10, 0);
    assert_eq!(r.result, Ok(6));
    assert_eq!(r.stack_left, 10);
}

#[test]
fn recursion_runs_out_of_stack_and_every_exit_path_gives_frames_back() {
    // $rec: frame = 0 locals + depth 2 + 4 = 6 words. Exits by `br 0` out of the body at
    // n = 0, by `return` otherwise, so both paths must give the frame back.
    let program = activate_wat(
        r#"(module (memory (export "memory") 1 1)
            (func $rec (param i32) (result i32)
              i32.const 0 local.get 0 i32.eqz br_if 0 drop
              local.get 0 i32.const 1 i32.sub call $rec return)
            (func (export "user_entrypoint") (param i32) (result i32)
              local.get 0 call $rec))"#,
    )
    .unwrap();
    let r = run(&program, INK, STACK, 100);
    assert_eq!(r.result, Ok(0));
    assert_eq!(r.stack_left, STACK as i32);
    // entry frame = 1 + 4 = 5; 100 levels need 101 × 6 more. 5 + 101 × 6 = 611 < 612 needed.
    let r = run(&program, INK, 5 + 101 * 6, 100);
    assert!(r.out_of_stack(), "{r:?}");
    let r = run(&program, INK, 5 + 101 * 6 + 1, 100);
    assert_eq!(r.result, Ok(0));
}

#[test]
fn memory_grow_calls_the_hook_first() {
    let program = activate_wat(
        r#"(module (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
            (memory (export "memory") 1 3)
            (func (export "user_entrypoint") (param i32) (result i32)
              local.get 0 memory.grow))"#,
    )
    .unwrap();
    assert_valid_output(&program);
    let r = run(&program, INK, STACK, 2);
    assert_eq!(r.result, Ok(1), "memory.grow returns the old size");
    assert_eq!(r.grows, vec![2]);
    // B = local.get(75) + grow(8050) + end(1) + 2450; the hook call is not charged.
    assert_eq!(r.ink_used(INK), 75 + 8_050 + 1 + 2_450);
    let r = run(&program, INK, STACK, 5);
    assert_eq!(
        r.result,
        Ok(-1),
        "the grow can fail after the pages were paid for"
    );
    assert_eq!(r.grows, vec![5]);
}

#[test]
fn fixed_memory_grow_has_no_hook() {
    let program = activate_wat(&entry_module("local.get 0 memory.grow")).unwrap();
    let r = run(&program, INK, STACK, 1);
    assert_eq!(r.result, Ok(-1));
    assert!(r.grows.is_empty());
}
