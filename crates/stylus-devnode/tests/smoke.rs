//! Hand-written WAT programs through the whole path: deploy (prelude + activation), call, hostio
//! ink, storage commit, revert and trap outcomes.

mod common;

use alloy_primitives::{Address, Bytes, U256};
use common::{deploy, node, wat_code, ALICE};
use stylus_devnode::{ExecError, Receipt};

/// Stores word args[32..64] at key args[0..32], reads it back through the cache and returns it.
const STORE_LOAD: &str = r#"
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "msg_sender" (func $msg_sender (param i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (call $cache (i32.const 0) (i32.const 32))
    (call $flush (i32.const 1))
    (call $load (i32.const 0) (i32.const 64))
    (call $msg_sender (i32.const 96))
    (call $write_result (i32.const 64) (i32.const 32))
    (i32.const 0)))
"#;

fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}

fn args(key: u64, value: u64) -> Bytes {
    let mut data = word(key).to_vec();
    data.extend_from_slice(&word(value));
    data.into()
}

fn ok(receipt: &Receipt) {
    assert!(
        receipt.status,
        "tx failed: {:?} {:?}",
        receipt.error, receipt.return_data
    );
}

#[test]
fn store_and_load_through_the_cache() {
    let mut node = node();
    let program = deploy(&mut node, &wat_code(STORE_LOAD));
    node.set_ink_trace(true);
    let receipt = node.send(ALICE, program, U256::ZERO, args(7, 42));
    ok(&receipt);
    assert_eq!(receipt.return_data.as_ref(), &word(42));
    assert_eq!(node.storage(program, U256::from(7)), U256::from(42));
    // §6: new slot 0→x cold flush; cache-cleared warm miss; msg_sender.
    assert_eq!(receipt.hostio_ink("storage_flush_cache"), vec![221_068_073]);
    assert_eq!(receipt.hostio_ink("storage_load_bytes32"), vec![1_068_480]);
    assert_eq!(receipt.hostio_ink("msg_sender"), vec![13_440]);
    assert_eq!(
        receipt.hostio_ink("read_args"),
        vec![8_400 + 5_040 + 30 * 32]
    );
    // eth_call never commits.
    let simulated = node.call(ALICE, program, args(7, 9));
    ok(&simulated);
    assert_eq!(node.storage(program, U256::from(7)), U256::from(42));
}

#[test]
fn revert_status_keeps_gas_and_undoes_storage() {
    let wat = STORE_LOAD.replace("(i32.const 0)))\n", "(i32.const 1)))\n");
    let mut node = node();
    let program = deploy(&mut node, &wat_code(&wat));
    let receipt = node.send(ALICE, program, U256::ZERO, args(1, 5));
    assert!(!receipt.status);
    assert_eq!(receipt.error, None, "a plain revert");
    assert_eq!(
        receipt.return_data.as_ref(),
        &word(5),
        "revert data is the output"
    );
    assert_eq!(node.storage(program, U256::from(1)), U256::ZERO);
    assert!(
        receipt.gas_used < 1_000_000,
        "gas left is kept: {}",
        receipt.gas_used
    );
}

#[test]
fn unreachable_is_a_failure_with_gas_kept() {
    let wat = r#"(module
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32) unreachable))"#;
    let mut node = node();
    let program = deploy(&mut node, &wat_code(wat));
    let receipt = node.send(ALICE, program, U256::ZERO, Bytes::new());
    assert!(!receipt.status);
    assert!(
        matches!(receipt.error, Some(ExecError::Trap(_))),
        "{:?}",
        receipt.error
    );
    assert!(receipt.return_data.is_empty());
    assert!(receipt.gas_used < 100_000, "{}", receipt.gas_used);
}

#[test]
fn infinite_loop_runs_out_of_ink_and_consumes_all_gas() {
    let wat = r#"(module
      (memory (export "memory") 1 1)
      (func (export "user_entrypoint") (param i32) (result i32)
        (loop $l (br $l)) (i32.const 0)))"#;
    let mut node = node();
    let program = deploy(&mut node, &wat_code(wat));
    node.set_tx_gas_limit(1_000_000);
    let receipt = node.send(ALICE, program, U256::ZERO, Bytes::new());
    assert_eq!(receipt.error, Some(ExecError::OutOfInk));
    assert_eq!(receipt.gas_used, 1_000_000);
}

#[test]
fn unactivated_program_fails_with_all_gas() {
    let mut node = node();
    let code = wat_code(STORE_LOAD);
    let created = node.send_create(
        ALICE,
        stylus_devnode::initcode::deploy_init_code(&code),
        U256::ZERO,
    );
    ok(&created);
    let program: Address = created.contract_address.expect("created");
    node.set_tx_gas_limit(500_000);
    let receipt = node.send(ALICE, program, U256::ZERO, args(1, 1));
    assert!(matches!(
        receipt.error,
        Some(ExecError::ProgramNotActivated { .. })
    ));
    assert_eq!(receipt.gas_used, 500_000);
}
