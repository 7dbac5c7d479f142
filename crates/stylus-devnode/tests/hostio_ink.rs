//! Conformance: the ink of each traced hostio against the reference's §6 table (Nitro's
//! `program_ink_test.go` vectors), on hand-written WAT programs.

mod common;

use alloy_primitives::{keccak256, Address, Bytes, U256};
use common::{data, deploy, node, program, wat_code, ALICE, BOB};
use stylus_devnode::{Devnode, Receipt};

fn ok(receipt: &Receipt) {
    assert!(
        receipt.status,
        "tx failed: {:?} {:?}",
        receipt.error, receipt.return_data
    );
}

fn word(n: u64) -> [u8; 32] {
    U256::from(n).to_be_bytes()
}

/// Deploys `wat`, sends `calldata` with tracing and returns the receipt.
fn run(node: &mut Devnode, wat: &str, calldata: impl Into<Bytes>) -> Receipt {
    let address = deploy(node, &wat_code(wat));
    node.set_ink_trace(true);
    let receipt = node.send(ALICE, address, U256::ZERO, calldata);
    ok(&receipt);
    receipt
}

fn assert_ink(receipt: &Receipt, hostio: &str, expected: &[u64]) {
    assert_eq!(receipt.hostio_ink(hostio), expected, "ink of {hostio}");
}

#[test]
fn context_getters_cost_8_400_or_13_440() {
    let cheap = [
        "return_data_size",
        "evm_gas_left",
        "evm_ink_left",
        "chainid",
        "block_gas_limit",
        "block_number",
        "block_timestamp",
        "msg_reentrant",
        "tx_ink_price",
    ];
    let word_getters = [
        "block_basefee",
        "block_coinbase",
        "contract_address",
        "msg_sender",
        "msg_value",
        "tx_gas_price",
        "tx_origin",
    ];
    let mut body = String::new();
    for name in cheap {
        body += &format!("(drop (call ${name}))\n");
    }
    for name in word_getters {
        body += &format!("(call ${name} (i32.const 0))\n");
    }
    let hostios: Vec<&str> = cheap.iter().chain(word_getters.iter()).copied().collect();
    let receipt = run(&mut node(), &program(&hostios, "", &body), Bytes::new());
    for name in cheap {
        assert_ink(&receipt, name, &[8_400]);
    }
    for name in word_getters {
        assert_ink(&receipt, name, &[13_440]);
    }
}

#[test]
fn getters_report_the_context() {
    let body = "(call $msg_sender (i32.const 0))
        (call $contract_address (i32.const 20))
        (call $tx_origin (i32.const 40))
        (i64.store (i32.const 60) (call $chainid))
        (i64.store (i32.const 68) (call $block_number))
        (i64.store (i32.const 76) (call $block_timestamp))
        (i32.store (i32.const 84) (call $tx_ink_price))
        (call $write_result (i32.const 0) (i32.const 88))";
    let hostios = [
        "msg_sender",
        "contract_address",
        "tx_origin",
        "chainid",
        "block_number",
        "block_timestamp",
        "tx_ink_price",
        "write_result",
    ];
    let mut node = node();
    node.set_block_number(1234);
    node.set_timestamp(1_800_000_000);
    let address = deploy(&mut node, &wat_code(&program(&hostios, "", body)));
    let receipt = node.call(ALICE, address, Bytes::new());
    ok(&receipt);
    let out = receipt.return_data;
    assert_eq!(&out[0..20], ALICE.as_slice());
    assert_eq!(&out[20..40], address.as_slice());
    assert_eq!(&out[40..60], ALICE.as_slice());
    let u64_at = |i: usize| u64::from_le_bytes(out[i..i + 8].try_into().unwrap());
    assert_eq!(u64_at(60), 412_346);
    assert_eq!(u64_at(68), 1234);
    assert_eq!(u64_at(76), 1_800_000_000);
    assert_eq!(u32::from_le_bytes(out[84..88].try_into().unwrap()), 10_000);
}

#[test]
fn exit_early_costs_nothing_and_keeps_the_output() {
    let hostios = ["write_result", "exit_early"];
    let segments = data(0, &word(77));
    let success = program(&hostios, &segments, "(call $write_result (i32.const 0) (i32.const 32)) (call $exit_early (i32.const 0)) unreachable");
    let receipt = run(&mut node(), &success, Bytes::new());
    assert_ink(&receipt, "exit_early", &[0]);
    assert_eq!(receipt.return_data.as_ref(), &word(77));

    let revert = success.replace(
        "(call $exit_early (i32.const 0))",
        "(call $exit_early (i32.const 1))",
    );
    let mut node = node();
    let address = deploy(&mut node, &wat_code(&revert));
    let receipt = node.send(ALICE, address, U256::ZERO, Bytes::new());
    assert!(!receipt.status);
    assert_eq!(receipt.error, None);
    assert_eq!(receipt.return_data.as_ref(), &word(77));
}

#[test]
fn transient_storage_costs_1_078_153_and_round_trips() {
    let hostios = [
        "transient_store_bytes32",
        "transient_load_bytes32",
        "write_result",
    ];
    let segments = data(0, &word(5)) + &data(32, &word(99));
    let body = "(call $transient_store_bytes32 (i32.const 0) (i32.const 32))
        (call $transient_load_bytes32 (i32.const 0) (i32.const 64))
        (call $write_result (i32.const 64) (i32.const 32))";
    let receipt = run(
        &mut node(),
        &program(&hostios, &segments, body),
        Bytes::new(),
    );
    assert_ink(&receipt, "transient_store_bytes32", &[1_078_153]);
    assert_ink(&receipt, "transient_load_bytes32", &[1_078_153]);
    assert_eq!(receipt.return_data.as_ref(), &word(99));
}

#[test]
fn account_queries_charge_cold_and_warm_access() {
    let mut node = node();
    let other = deploy(&mut node, &wat_code(&program(&[], "", "")));
    let other_code_len = node.code(other).len() as u64;
    let stranger = Address::repeat_byte(0x5a);
    let hostios = [
        "account_balance",
        "account_codehash",
        "account_code_size",
        "account_code",
    ];
    let segments =
        data(0, ALICE.as_slice()) + &data(20, stranger.as_slice()) + &data(40, other.as_slice());
    let body = "(call $account_balance (i32.const 0) (i32.const 100))
        (call $account_codehash (i32.const 20) (i32.const 132))
        (drop (call $account_code (i32.const 40) (i32.const 0) (i32.const 1000) (i32.const 200)))
        (drop (call $account_code_size (i32.const 40)))";
    let receipt = run(&mut node, &program(&hostios, &segments, body), Bytes::new());
    // §6: balance of the tx sender (warm); codehash cold; code cold + write_price(full code).
    assert_ink(&receipt, "account_balance", &[1_078_153]);
    assert_ink(&receipt, "account_codehash", &[26_078_153]);
    let write_price = 5_040 + 30 * other_code_len.saturating_sub(32);
    assert_ink(&receipt, "account_code", &[33_068_073 + write_price]);
    // The last-address cache makes the repeat query free of gas.
    assert_ink(&receipt, "account_code_size", &[68_073]);
}

#[test]
fn account_code_size_of_a_cold_program_is_33_068_073() {
    let mut node = node();
    let other = deploy(&mut node, &wat_code(&program(&[], "", "")));
    let body = "(drop (call $account_code_size (i32.const 0)))";
    let receipt = run(
        &mut node,
        &program(&["account_code_size"], &data(0, other.as_slice()), body),
        Bytes::new(),
    );
    assert_ink(&receipt, "account_code_size", &[33_068_073]);
}

#[test]
fn math_hostios_price_and_compute() {
    let hostios = [
        "math_div",
        "math_mod",
        "math_add_mod",
        "math_mul_mod",
        "math_pow",
        "write_result",
    ];
    let mut exponent_10 = [0u8; 32];
    exponent_10[22] = 1;
    let mut segments = String::new();
    for (i, n) in [7u64, 3, 7, 3, 5, 6, 7, 5, 6, 7, 3, 1].iter().enumerate() {
        segments += &data(32 * i as u32, &word(*n));
    }
    segments += &data(384, &word(0x0100));
    segments += &data(416, &exponent_10);
    segments += &data(448, &[0xff; 32]);
    let body = "(call $math_div (i32.const 0) (i32.const 32))
        (call $math_mod (i32.const 64) (i32.const 96))
        (call $math_add_mod (i32.const 128) (i32.const 160) (i32.const 192))
        (call $math_mul_mod (i32.const 224) (i32.const 256) (i32.const 288))
        (call $math_pow (i32.const 320) (i32.const 352))
        (call $math_pow (i32.const 512) (i32.const 384))
        (call $math_pow (i32.const 512) (i32.const 416))
        (call $math_pow (i32.const 512) (i32.const 448))
        (call $write_result (i32.const 0) (i32.const 352))";
    let receipt = run(
        &mut node(),
        &program(&hostios, &segments, body),
        Bytes::new(),
    );
    assert_ink(&receipt, "math_div", &[43_520]);
    assert_ink(&receipt, "math_mod", &[43_520]);
    assert_ink(&receipt, "math_add_mod", &[49_560]);
    assert_ink(&receipt, "math_mul_mod", &[52_660]);
    assert_ink(&receipt, "math_pow", &[61_520, 79_020, 219_020, 604_020]);
    let out = receipt.return_data;
    let at = |i: usize| U256::from_be_slice(&out[32 * i..32 * i + 32]);
    assert_eq!(at(0), U256::from(2), "7 / 3");
    assert_eq!(at(2), U256::from(1), "7 % 3");
    assert_eq!(at(4), U256::from(4), "(5 + 6) % 7");
    assert_eq!(at(7), U256::from(2), "(5 * 6) % 7");
    assert_eq!(at(10), U256::from(3), "3 ^ 1");
}

#[test]
fn keccak_prices_by_words_and_hashes() {
    let input: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
    let body = "(call $native_keccak256 (i32.const 0) (i32.const 10) (i32.const 2000))
        (call $native_keccak256 (i32.const 0) (i32.const 100) (i32.const 2000))
        (call $native_keccak256 (i32.const 0) (i32.const 1000) (i32.const 2000))
        (call $write_result (i32.const 2000) (i32.const 32))";
    let wat = program(
        &["native_keccak256", "write_result"],
        &data(0, &input),
        body,
    );
    let receipt = run(&mut node(), &wat, Bytes::new());
    assert_ink(&receipt, "native_keccak256", &[121_800, 163_800, 751_800]);
    assert_eq!(receipt.return_data.as_ref(), keccak256(&input).as_slice());
}

#[test]
fn read_args_and_write_result_prices() {
    let mut node = node();
    let wat = program(&["read_args"], "", "(call $read_args (i32.const 0))");
    let address = deploy(&mut node, &wat_code(&wat));
    node.set_ink_trace(true);
    for (len, ink) in [(4usize, 13_440u64), (36, 13_560), (100, 15_480)] {
        let receipt = node.send(ALICE, address, U256::ZERO, vec![1u8; len]);
        ok(&receipt);
        assert_ink(&receipt, "read_args", &[ink]);
    }
    let body = "(call $write_result (i32.const 0) (i32.const 0)) (call $write_result (i32.const 0) (i32.const 64))";
    let receipt = run(
        &mut node,
        &program(&["write_result"], "", body),
        Bytes::new(),
    );
    assert_ink(
        &receipt,
        "write_result",
        &[8_400 + 2 * 16_381, 8_400 + 2 * (16_381 + 55 * 32)],
    );
    assert_eq!(receipt.return_data.len(), 64, "the last write_result wins");
}

/// Routine 0: cache a never-loaded slot and flush (new slot, cold); load a cold slot twice, flush
/// with clear, load again. Routine 1: overwrite slot 2 twice with a flush after each.
const STORAGE_ROUTINES: &str = "(call $read_args (i32.const 0))
    (if (i32.eqz (i32.load8_u (i32.const 0)))
      (then
        (call $storage_cache_bytes32 (i32.const 64) (i32.const 96))
        (call $storage_flush_cache (i32.const 0))
        (call $storage_load_bytes32 (i32.const 32) (i32.const 200))
        (call $storage_load_bytes32 (i32.const 32) (i32.const 200))
        (call $storage_flush_cache (i32.const 1))
        (call $storage_load_bytes32 (i32.const 32) (i32.const 200)))
      (else
        (call $storage_cache_bytes32 (i32.const 64) (i32.const 128))
        (call $storage_flush_cache (i32.const 0))
        (call $storage_cache_bytes32 (i32.const 64) (i32.const 160))
        (call $storage_flush_cache (i32.const 0))))";

#[test]
fn storage_cache_load_and_flush_prices() {
    let hostios = [
        "read_args",
        "storage_cache_bytes32",
        "storage_flush_cache",
        "storage_load_bytes32",
    ];
    let segments = data(32, &word(1))
        + &data(64, &word(2))
        + &data(96, &word(5))
        + &data(128, &word(6))
        + &data(160, &word(7));
    let mut node = node();
    let address = deploy(
        &mut node,
        &wat_code(&program(&hostios, &segments, STORAGE_ROUTINES)),
    );
    node.set_ink_trace(true);
    let first = node.send(ALICE, address, U256::ZERO, vec![0u8]);
    ok(&first);
    assert_ink(&first, "storage_cache_bytes32", &[18_480]);
    assert_ink(&first, "storage_flush_cache", &[221_068_073, 68_073]);
    assert_ink(
        &first,
        "storage_load_bytes32",
        &[21_068_480, 18_480, 1_068_480],
    );
    assert_eq!(node.storage(address, U256::from(2)), U256::from(5));

    let second = node.send(ALICE, address, U256::ZERO, vec![1u8]);
    ok(&second);
    assert_ink(&second, "storage_flush_cache", &[50_068_073, 1_068_073]);
    assert_eq!(node.storage(address, U256::from(2)), U256::from(7));
}

#[test]
fn emit_log_prices_by_topics_and_data() {
    let cases = [
        (0u32, 0u32),
        (0, 10),
        (0, 100),
        (1, 100),
        (2, 100),
        (3, 100),
        (4, 100),
    ];
    let body: String = cases
        .iter()
        .map(|(topics, data_len)| {
            format!(
                "(call $emit_log (i32.const 0) (i32.const {}) (i32.const {topics}))\n",
                32 * topics + data_len
            )
        })
        .collect();
    let payload: Vec<u8> = (0..228u32).map(|i| i as u8).collect();
    let receipt = run(
        &mut node(),
        &program(&["emit_log"], &data(0, &payload), &body),
        Bytes::new(),
    );
    assert_ink(
        &receipt,
        "emit_log",
        &[
            3_834_454, 4_634_454, 11_838_194, 15_589_954, 19_341_714, 23_093_474, 26_845_234,
        ],
    );
    assert_eq!(receipt.logs.len(), cases.len());
    let four = &receipt.logs[6];
    assert_eq!(four.data.topics().len(), 4);
    assert_eq!(four.data.topics()[1].as_slice(), &payload[32..64]);
    assert_eq!(four.data.data.as_ref(), &payload[128..228]);
}

#[test]
fn emit_log_with_too_many_topics_fails() {
    let mut node = node();
    let wat = program(
        &["emit_log"],
        "",
        "(call $emit_log (i32.const 0) (i32.const 160) (i32.const 5))",
    );
    let address = deploy(&mut node, &wat_code(&wat));
    let receipt = node.send(ALICE, address, U256::ZERO, Bytes::new());
    assert!(!receipt.status);
    assert!(matches!(
        receipt.error,
        Some(stylus_devnode::ExecError::HostioFailure { .. })
    ));
}

/// An echo program: returns its calldata.
fn echo() -> String {
    program(
        &["read_args", "write_result"],
        "",
        "(call $read_args (i32.const 0)) (call $write_result (i32.const 0) (local.get $len))",
    )
}

/// A program that calls `target` with its own calldata (all gas), then reads all return data.
fn forwarder(target: Address) -> String {
    let hostios = [
        "read_args",
        "call_contract",
        "read_return_data",
        "write_result",
    ];
    let segments = data(60_000, target.as_slice());
    let body = "(call $read_args (i32.const 0))
        (drop (call $call_contract (i32.const 60000) (i32.const 0) (local.get $len) (i32.const 60032) (i64.const -1) (i32.const 60064)))
        (drop (call $read_return_data (i32.const 20000) (i32.const 0) (i32.load (i32.const 60064))))
        (call $write_result (i32.const 20000) (i32.load (i32.const 60064)))";
    program(&hostios, &segments, body)
}

#[test]
fn read_return_data_prices_the_copied_bytes() {
    let mut node = node();
    let echo = deploy(&mut node, &wat_code(&echo()));
    let forwarder = deploy(&mut node, &wat_code(&forwarder(echo)));
    node.set_ink_trace(true);
    for (len, ink) in [
        (10usize, 73_113u64),
        (100, 75_153),
        (1_000, 102_153),
        (10_000, 372_153),
    ] {
        let input: Vec<u8> = (0..len).map(|i| i as u8).collect();
        let receipt = node.send(ALICE, forwarder, U256::ZERO, input.clone());
        ok(&receipt);
        assert_ink(&receipt, "read_return_data", &[ink]);
        assert_eq!(receipt.return_data.as_ref(), input.as_slice());
    }
}

#[test]
fn pay_for_memory_grow_prices_pages() {
    let wat = format!(
        "(module {}(memory (export \"memory\") 1 128)
          (func (export \"user_entrypoint\") (param i32) (result i32)
            (call $pay_for_memory_grow (i32.const 0))
            (call $pay_for_memory_grow (i32.const 100))
            (i32.const 0)))",
        common::imports(&["pay_for_memory_grow"])
    );
    let receipt = run(&mut node(), &wat, Bytes::new());
    // §6: the SDK prologue's 0 pages; then 100 pages with open = ever = 1.
    assert_ink(&receipt, "pay_for_memory_grow", &[8_400, 9_320_660_000]);
}

#[test]
fn value_call_to_an_eoa_costs_the_base_without_stipend_credit() {
    let mut node = node();
    let hostios = ["call_contract"];
    let fresh = Address::repeat_byte(0x77);
    let segments = data(0, fresh.as_slice()) + &data(20, BOB.as_slice()) + &data(64, &word(1_000));
    let body = "(drop (call $call_contract (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 64) (i64.const -1) (i32.const 100)))
        (drop (call $call_contract (i32.const 20) (i32.const 0) (i32.const 0) (i32.const 64) (i64.const -1) (i32.const 100)))";
    let address = deploy(&mut node, &wat_code(&program(&hostios, &segments, body)));
    node.fund(address, U256::from(10_000));
    node.fund(BOB, U256::from(1));
    node.set_ink_trace(true);
    let receipt = node.send(ALICE, address, U256::ZERO, Bytes::new());
    ok(&receipt);
    let call_ink = 83_193 + 2 * 16_381;
    // Cold + value + new account; cold + value (BOB exists).
    assert_ink(
        &receipt,
        "call_contract",
        &[
            call_ink + (2_600 + 9_000 + 25_000) * 10_000,
            call_ink + (2_600 + 9_000) * 10_000,
        ],
    );
    assert_eq!(node.balance(fresh), U256::from(1_000));
    assert_eq!(node.balance(BOB), U256::from(1_001));
    assert_eq!(node.balance(address), U256::from(8_000));
}
