//! Conformance: call, init-charge and outcome rules (reference §1.7, §2.5, §4.3, §5) on WAT programs.

mod common;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;
use common::{data, deploy, node, program, wat_code, ALICE};
use stylus_devnode::{ArbWasm, Devnode, ExecError, Receipt, ARBWASM_ADDRESS};

fn ok(receipt: &Receipt) {
    assert!(
        receipt.status,
        "tx failed: {:?} {:?}",
        receipt.error, receipt.return_data
    );
}

const CALL_INK: u64 = 83_193 + 2 * 16_381;

/// The smallest program: one block of `i32.const 0; end` = 2 452 ink (§2.3).
fn empty() -> String {
    program(&[], "", "")
}

/// Calls `target` `times` times with `gas` (−1 = all) and no calldata.
fn caller_of(target: Address, gas: i64, times: usize) -> String {
    let call = format!(
        "(drop (call $call_contract (i32.const 0) (i32.const 100) (i32.const 0) (i32.const 40) (i64.const {gas}) (i32.const 80)))\n"
    );
    program(
        &["call_contract"],
        &data(0, target.as_slice()),
        &call.repeat(times),
    )
}

fn init_gas(node: &mut Devnode, program: Address) -> (u64, u64) {
    let call = ArbWasm::programInitGasCall { program };
    let receipt = node.call(ALICE, ARBWASM_ADDRESS, call.abi_encode());
    ok(&receipt);
    let ret = ArbWasm::programInitGasCall::abi_decode_returns(&receipt.return_data).unwrap();
    (ret.gas, ret.gasWhenCached)
}

#[test]
fn every_vm_hooks_hostio_links() {
    let names: Vec<&str> = stylus_activation::hostio_signatures()
        .iter()
        .map(|(n, _, _)| *n)
        .collect();
    assert_eq!(names.len(), 42);
    let wat = format!(
        "(module {}(memory (export \"memory\") 1 1)
          (func (export \"user_entrypoint\") (param i32) (result i32) (i32.const 0)))",
        common::imports(&names)
    );
    let mut node = node();
    let address = deploy(&mut node, &wat_code(&wat));
    ok(&node.send(ALICE, address, U256::ZERO, Bytes::new()));
}

#[test]
fn init_charge_is_paid_once_per_tx_then_cached() {
    let mut node = node();
    let callee = deploy(&mut node, &wat_code(&empty()));
    let (gas, cached_gas) = init_gas(&mut node, callee);
    // §1.7 defaults: 8 832 + init_cost + 352 + cached_cost; cached: 352 + cached_cost.
    assert!(
        gas > 8_832 + 352 && cached_gas >= 352 && cached_gas < gas,
        "{gas} {cached_gas}"
    );

    // A top-level call: one block of 2 452 ink, floored to gas → init + 1 gas.
    node.set_ink_trace(true);
    let direct = node.send(ALICE, callee, U256::ZERO, Bytes::new());
    ok(&direct);
    assert_eq!(direct.gas_used, 21_000 + gas + 1);

    // Nested: the second call of the same codehash in the tx hits the recent-wasms LRU.
    let caller = deploy(&mut node, &wat_code(&caller_of(callee, -1, 2)));
    let receipt = node.send(ALICE, caller, U256::ZERO, Bytes::new());
    ok(&receipt);
    let used: Vec<u64> = receipt
        .frames
        .iter()
        .filter(|f| f.code_address == callee)
        .map(|f| f.gas_given - f.gas_left)
        .collect();
    assert_eq!(used, vec![gas + 1, cached_gas + 1]);
    // Each transaction is its own block: the LRU starts empty again.
    let again = node.send(ALICE, callee, U256::ZERO, Bytes::new());
    assert_eq!(again.gas_used, 21_000 + gas + 1);
}

#[test]
fn calls_forward_floor_63_64_or_the_requested_gas() {
    let mut node = node();
    let callee = deploy(&mut node, &wat_code(&empty()));
    for (gas_arg, capped) in [(-1i64, false), (50_000, true)] {
        let caller = deploy(&mut node, &wat_code(&caller_of(callee, gas_arg, 1)));
        node.set_ink_trace(true);
        let receipt = node.send(ALICE, caller, U256::ZERO, Bytes::new());
        ok(&receipt);
        let call = &receipt
            .ink_trace
            .iter()
            .find(|e| e.hostio == "call_contract")
            .unwrap();
        let gas_left = (call.ink_before - CALL_INK) / 10_000;
        let base = 2_600; // cold target, no value
        let frame = receipt
            .frames
            .iter()
            .find(|f| f.code_address == callee)
            .unwrap();
        let expected = if capped {
            50_000
        } else {
            (gas_left - base) * 63 / 64
        };
        assert_eq!(frame.gas_given, expected);
        let used = frame.gas_given - frame.gas_left;
        assert_eq!(call.ink_spent(), CALL_INK + (base + used) * 10_000);
    }
}

#[test]
fn a_callee_out_of_ink_consumes_all_the_gas_it_was_given() {
    let looping = program(&[], "", "(loop $l (br $l))");
    let mut node = node();
    let callee = deploy(&mut node, &wat_code(&looping));
    let caller = deploy(&mut node, &wat_code(&caller_of(callee, 100_000, 1)));
    node.set_ink_trace(true);
    let receipt = node.send(ALICE, caller, U256::ZERO, Bytes::new());
    ok(&receipt);
    let frame = receipt
        .frames
        .iter()
        .find(|f| f.code_address == callee)
        .unwrap();
    assert!(!frame.success);
    assert_eq!(frame.gas_left, 0);
    assert_eq!(
        receipt.hostio_ink("call_contract"),
        vec![CALL_INK + (2_600 + 100_000) * 10_000]
    );
}

#[test]
fn unbounded_recursion_runs_out_of_stack_with_all_gas() {
    let wat = "(module (memory (export \"memory\") 1 1)
        (func $r (call $r))
        (func (export \"user_entrypoint\") (param i32) (result i32) (call $r) (i32.const 0)))";
    let mut node = node();
    let address = deploy(&mut node, &wat_code(wat));
    node.set_tx_gas_limit(2_000_000);
    let receipt = node.send(ALICE, address, U256::ZERO, Bytes::new());
    assert_eq!(receipt.error, Some(ExecError::OutOfStack));
    assert_eq!(receipt.gas_used, 2_000_000);
}

#[test]
fn return_data_floor_caps_the_gas_left() {
    // 65 536 bytes of output: w = 2 048, floor = 3·2048 + 2048²/512 = 14 336 gas (§5.6).
    let wat = program(
        &["write_result"],
        "",
        "(call $write_result (i32.const 0) (i32.const 65536))",
    );
    let mut node = node();
    let address = deploy(&mut node, &wat_code(&wat));
    node.set_tx_gas_limit(21_000 + 20_000);
    let receipt = node.send(ALICE, address, U256::ZERO, Bytes::new());
    ok(&receipt);
    assert_eq!(receipt.gas_used, 21_000 + 14_336);

    node.set_tx_gas_limit(21_000 + 14_000);
    let receipt = node.send(ALICE, address, U256::ZERO, Bytes::new());
    assert_eq!(
        receipt.error,
        Some(ExecError::ReturnDataFloor {
            floor_gas: 14_336,
            start_gas: 14_000
        })
    );
    assert_eq!(receipt.gas_used, 21_000 + 14_000);
}

#[test]
fn init_charge_above_the_gas_fails_with_all_gas() {
    let mut node = node();
    let address = deploy(&mut node, &wat_code(&empty()));
    node.set_tx_gas_limit(21_000 + 5_000);
    let receipt = node.send(ALICE, address, U256::ZERO, Bytes::new());
    assert!(matches!(
        receipt.error,
        Some(ExecError::InitGasExceeded {
            have_gas: 5_000,
            ..
        })
    ));
    assert_eq!(receipt.gas_used, 26_000);
}

/// Static-calls `target` (status stored at 200) and returns the status byte.
fn static_caller(target: Address) -> String {
    let body = "(i32.store (i32.const 200) (call $static_call_contract (i32.const 0) (i32.const 100) (i32.const 0) (i64.const -1) (i32.const 80)))
        (call $write_result (i32.const 200) (i32.const 4))";
    program(
        &["static_call_contract", "write_result"],
        &data(0, target.as_slice()),
        body,
    )
}

#[test]
fn static_context_forbids_writes() {
    let writers = [
        ("storage", program(&["storage_cache_bytes32", "storage_flush_cache"], &data(0, &[1]), "(call $storage_cache_bytes32 (i32.const 0) (i32.const 0)) (call $storage_flush_cache (i32.const 0))")),
        ("transient", program(&["transient_store_bytes32"], "", "(call $transient_store_bytes32 (i32.const 0) (i32.const 0))")),
        ("log", program(&["emit_log"], "", "(call $emit_log (i32.const 0) (i32.const 0) (i32.const 0))")),
    ];
    for (what, wat) in writers {
        let mut node = node();
        let target = deploy(&mut node, &wat_code(&wat));
        ok(&node.send(ALICE, target, U256::ZERO, Bytes::new()));
        let caller = deploy(&mut node, &wat_code(&static_caller(target)));
        let receipt = node.send(ALICE, caller, U256::ZERO, Bytes::new());
        ok(&receipt);
        assert_eq!(
            receipt.return_data.as_ref(),
            &2u32.to_le_bytes(),
            "{what} in a static call must fail"
        );
    }
    // A flush with nothing dirty is no write.
    let mut node = node();
    let reader = deploy(
        &mut node,
        &wat_code(&program(
            &["storage_flush_cache"],
            "",
            "(call $storage_flush_cache (i32.const 0))",
        )),
    );
    let caller = deploy(&mut node, &wat_code(&static_caller(reader)));
    let receipt = node.send(ALICE, caller, U256::ZERO, Bytes::new());
    assert_eq!(receipt.return_data.as_ref(), &0u32.to_le_bytes());
}

#[test]
fn delegate_call_keeps_sender_value_and_address() {
    let reporter = program(
        &["msg_sender", "contract_address", "msg_value", "write_result"],
        "",
        "(call $msg_sender (i32.const 0)) (call $contract_address (i32.const 20)) (call $msg_value (i32.const 40)) (call $write_result (i32.const 0) (i32.const 72))",
    );
    let mut node = node();
    let library = deploy(&mut node, &wat_code(&reporter));
    let body = "(drop (call $delegate_call_contract (i32.const 0) (i32.const 100) (i32.const 0) (i64.const -1) (i32.const 80)))
        (drop (call $read_return_data (i32.const 200) (i32.const 0) (i32.const 72)))
        (call $write_result (i32.const 200) (i32.const 72))";
    let proxy = program(
        &["delegate_call_contract", "read_return_data", "write_result"],
        &data(0, library.as_slice()),
        body,
    );
    let proxy = deploy(&mut node, &wat_code(&proxy));
    let receipt = node.send(ALICE, proxy, U256::from(5), Bytes::new());
    ok(&receipt);
    let out = receipt.return_data;
    assert_eq!(&out[0..20], ALICE.as_slice());
    assert_eq!(&out[20..40], proxy.as_slice());
    assert_eq!(U256::from_be_slice(&out[40..72]), U256::from(5));
    assert_eq!(node.balance(proxy), U256::from(5));
}

#[test]
fn msg_reentrant_counts_open_frames_of_the_address() {
    // With calldata: report msg_reentrant. Without: call the bouncer, which calls back with 1 byte.
    let me = program(
        &["msg_reentrant", "call_contract", "read_return_data", "write_result"],
        "",
        "(if (local.get $len)
           (then (i32.store8 (i32.const 300) (call $msg_reentrant)) (call $write_result (i32.const 300) (i32.const 1)))
           (else
             (drop (call $call_contract (i32.const 0) (i32.const 100) (i32.const 0) (i32.const 40) (i64.const -1) (i32.const 80)))
             (drop (call $read_return_data (i32.const 300) (i32.const 0) (i32.const 1)))
             (i32.store8 (i32.const 301) (call $msg_reentrant))
             (call $write_result (i32.const 300) (i32.const 2))))",
    );
    let bouncer = program(
        &["msg_sender", "call_contract", "read_return_data", "write_result"],
        &data(100, &[1]),
        "(call $msg_sender (i32.const 0))
         (drop (call $call_contract (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 40) (i64.const -1) (i32.const 80)))
         (drop (call $read_return_data (i32.const 300) (i32.const 0) (i32.const 1)))
         (call $write_result (i32.const 300) (i32.const 1))",
    );
    let mut node = node();
    let bouncer = deploy(&mut node, &wat_code(&bouncer));
    let me = me.replace(
        "(memory (export \"memory\") 1 1)\n",
        &format!(
            "(memory (export \"memory\") 1 1)\n{}",
            data(0, bouncer.as_slice())
        ),
    );
    let me = deploy(&mut node, &wat_code(&me));
    let receipt = node.send(ALICE, me, U256::ZERO, Bytes::new());
    ok(&receipt);
    // Inner frame (me re-entered): 1; outer frame: 0.
    assert_eq!(receipt.return_data.as_ref(), &[1, 0]);
}

#[test]
fn self_recursion_stops_when_a_frame_cannot_pay_its_init_charge() {
    // Calls itself with all gas until a frame cannot pay its init charge; every level succeeds.
    let body = "(call $contract_address (i32.const 0))
        (drop (call $call_contract (i32.const 0) (i32.const 100) (i32.const 0) (i32.const 40) (i64.const -1) (i32.const 80)))";
    let mut node = node();
    let address = deploy(
        &mut node,
        &wat_code(&program(&["contract_address", "call_contract"], "", body)),
    );
    node.set_ink_trace(true);
    let receipt = node.send(ALICE, address, U256::ZERO, Bytes::new());
    ok(&receipt);
    let deepest = receipt.frames.iter().map(|f| f.depth).max().unwrap();
    assert!(deepest > 100, "{deepest}");
    let failed = receipt.frames.iter().filter(|f| !f.success).count();
    assert_eq!(
        failed, 1,
        "only the frame that could not pay its init charge fails"
    );
}

#[test]
fn a_reverted_nested_frame_undoes_storage_transient_logs_value_and_creates() {
    // Without calldata: write storage, transient storage, a log and a created account, then
    // revert. With one byte: return the transient slot.
    let child_code = wat_code(&empty());
    let init = stylus_devnode::initcode::deploy_init_code(&child_code);
    let init_len = init.len();
    let victim = program(
        &[
            "storage_cache_bytes32",
            "storage_flush_cache",
            "transient_store_bytes32",
            "transient_load_bytes32",
            "emit_log",
            "create1",
            "write_result",
            "exit_early",
        ],
        &(data(32, &[7]) + &data(1000, &init)),
        &format!(
            "(if (local.get $len)
               (then (call $transient_load_bytes32 (i32.const 0) (i32.const 64)) (call $write_result (i32.const 64) (i32.const 32)))
               (else
                 (call $storage_cache_bytes32 (i32.const 0) (i32.const 32))
                 (call $storage_flush_cache (i32.const 0))
                 (call $transient_store_bytes32 (i32.const 0) (i32.const 32))
                 (call $emit_log (i32.const 0) (i32.const 32) (i32.const 0))
                 (call $create1 (i32.const 1000) (i32.const {init_len}) (i32.const 200) (i32.const 300) (i32.const 320))
                 (call $exit_early (i32.const 1))))"
        ),
    );
    let mut node = node();
    let victim = deploy(&mut node, &wat_code(&victim));
    // Parent: call the victim with 5 wei (reverts), then with one byte, and return that output.
    let parent = program(
        &["call_contract", "read_return_data", "write_result"],
        &(data(0, victim.as_slice()) + &data(40, &U256::from(5).to_be_bytes::<32>())),
        "(drop (call $call_contract (i32.const 0) (i32.const 100) (i32.const 0) (i32.const 40) (i64.const -1) (i32.const 80)))
         (drop (call $call_contract (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 72) (i64.const -1) (i32.const 80)))
         (drop (call $read_return_data (i32.const 400) (i32.const 0) (i32.const 32)))
         (call $write_result (i32.const 400) (i32.const 32))",
    );
    let parent = deploy(&mut node, &wat_code(&parent));
    node.fund(parent, U256::from(100));
    let receipt = node.send(ALICE, parent, U256::ZERO, Bytes::new());
    ok(&receipt);
    assert_eq!(
        receipt.return_data.as_ref(),
        &[0u8; 32],
        "transient store undone"
    );
    assert!(receipt.logs.is_empty(), "log undone");
    assert_eq!(
        node.storage(victim, U256::ZERO),
        U256::ZERO,
        "storage undone"
    );
    assert_eq!(node.balance(parent), U256::from(100), "value returned");
    let would_be = stylus_devnode::initcode::create1_address(victim, 1);
    assert!(node.code(would_be).is_empty(), "created account undone");
    assert_eq!(
        node.nonce(victim),
        1,
        "the creator's nonce bump is undone too"
    );
}

#[test]
fn create1_and_create2_hostios_deploy_at_the_evm_addresses() {
    let child_code = wat_code(&empty());
    let init = stylus_devnode::initcode::deploy_init_code(&child_code);
    let salt = [0x11u8; 32];
    let creator = program(
        &["create1", "create2", "write_result"],
        &(data(1000, &init) + &data(100, &salt)),
        &format!(
            "(call $create1 (i32.const 1000) (i32.const {len}) (i32.const 200) (i32.const 300) (i32.const 340))
             (call $create2 (i32.const 1000) (i32.const {len}) (i32.const 200) (i32.const 100) (i32.const 320) (i32.const 340))
             (call $write_result (i32.const 300) (i32.const 40))",
            len = init.len()
        ),
    );
    let mut node = node();
    deploy(&mut node, &child_code);
    let creator = deploy(&mut node, &wat_code(&creator));
    let receipt = node.send(ALICE, creator, U256::ZERO, Bytes::new());
    ok(&receipt);
    let first = Address::from_slice(&receipt.return_data[0..20]);
    let second = Address::from_slice(&receipt.return_data[20..40]);
    assert_eq!(first, stylus_devnode::initcode::create1_address(creator, 1));
    assert_eq!(
        second,
        creator.create2(salt, alloy_primitives::keccak256(&init))
    );
    assert_eq!(node.code(first).as_ref(), child_code.as_slice());
    // Same codehash as an active program: callable at once.
    ok(&node.send(ALICE, second, U256::ZERO, Bytes::new()));
}
