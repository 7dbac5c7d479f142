//! Conformance: the ArbWasm precompile and the deploy flow (reference §1.4–§1.7, §7).

mod common;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolError};
use common::{deploy, node, program, wat_code, ALICE};
use stylus_devnode::{
    initcode, ArbWasm, DeployError, Devnode, ExecError, Receipt, ARBWASM_ADDRESS,
    NETWORK_FEE_ACCOUNT,
};

fn ok(receipt: &Receipt) {
    assert!(
        receipt.status,
        "tx failed: {:?} {:?}",
        receipt.error, receipt.return_data
    );
}

/// Creates (without activating) a contract holding `code`.
fn create(node: &mut Devnode, code: &[u8]) -> Address {
    let receipt = node.send_create(ALICE, initcode::deploy_init_code(code), U256::ZERO);
    ok(&receipt);
    receipt.contract_address.expect("created")
}

fn activate_with(node: &mut Devnode, program: Address, value_wei: U256) -> Receipt {
    node.send(
        ALICE,
        ARBWASM_ADDRESS,
        value_wei,
        ArbWasm::activateProgramCall { program }.abi_encode(),
    )
}

#[test]
fn views_report_the_default_parameters() {
    let mut node = node();
    let call = |node: &mut Devnode, data: Vec<u8>| {
        let receipt = node.call(ALICE, ARBWASM_ADDRESS, data);
        ok(&receipt);
        receipt.return_data
    };
    let out = call(&mut node, ArbWasm::inkPriceCall {}.abi_encode());
    assert_eq!(
        ArbWasm::inkPriceCall::abi_decode_returns(&out).unwrap(),
        10_000
    );
    let out = call(&mut node, ArbWasm::stylusVersionCall {}.abi_encode());
    assert_eq!(
        ArbWasm::stylusVersionCall::abi_decode_returns(&out).unwrap(),
        2
    );
    let out = call(&mut node, ArbWasm::maxStackDepthCall {}.abi_encode());
    assert_eq!(
        ArbWasm::maxStackDepthCall::abi_decode_returns(&out).unwrap(),
        22_000
    );
    let out = call(&mut node, ArbWasm::minInitGasCall {}.abi_encode());
    let min = ArbWasm::minInitGasCall::abi_decode_returns(&out).unwrap();
    assert_eq!((min.gas, min.cached), (8_832, 352));
    let out = call(&mut node, ArbWasm::blockCacheSizeCall {}.abi_encode());
    assert_eq!(
        ArbWasm::blockCacheSizeCall::abi_decode_returns(&out).unwrap(),
        32
    );
}

#[test]
fn activation_charges_the_fee_and_refunds_the_excess() {
    let mut node = node();
    let program = create(&mut node, &wat_code(&program(&[], "", "")));
    let codehash = alloy_primitives::keccak256(node.code(program));
    let lavish = U256::from(10).pow(U256::from(18));
    let before = node.balance(ALICE);
    let receipt = activate_with(&mut node, program, lavish);
    ok(&receipt);
    let ret = ArbWasm::activateProgramCall::abi_decode_returns(&receipt.return_data).unwrap();
    assert_eq!(ret.version, 2);
    assert!(ret.dataFee > U256::ZERO && ret.dataFee < lavish);
    assert_eq!(
        node.balance(ALICE),
        before - ret.dataFee,
        "the excess comes back"
    );
    assert_eq!(node.balance(NETWORK_FEE_ACCOUNT), ret.dataFee);
    assert_eq!(node.balance(ARBWASM_ADDRESS), U256::ZERO);
    // §1.4: at least the fixed 1 659 168 gas.
    assert!(
        receipt.gas_used > 21_000 + 1_659_168,
        "{}",
        receipt.gas_used
    );
    assert_eq!(receipt.logs.len(), 1, "ProgramActivated");
    assert_eq!(receipt.logs[0].data.topics()[1], codehash);

    // Active now: views answer, a second activation is ProgramUpToDate (revert, gas kept).
    let version = node.call(
        ALICE,
        ARBWASM_ADDRESS,
        ArbWasm::codehashVersionCall { codehash }.abi_encode(),
    );
    assert_eq!(
        ArbWasm::codehashVersionCall::abi_decode_returns(&version.return_data).unwrap(),
        2
    );
    let again = activate_with(&mut node, program, lavish);
    assert!(!again.status);
    assert_eq!(
        again.return_data.as_ref(),
        ArbWasm::ProgramUpToDate {}.abi_encode().as_slice()
    );
    assert!(again.gas_used < 100_000);
}

#[test]
fn activation_rejects_short_fees_non_wasm_and_invalid_modules() {
    let mut node = node();
    let program = create(&mut node, &wat_code(&program(&[], "", "")));
    let short = activate_with(&mut node, program, U256::from(1));
    assert!(!short.status);
    let error = ArbWasm::ProgramInsufficientValue::abi_decode(&short.return_data).unwrap();
    assert_eq!(error.have, U256::from(1));
    assert!(error.want > U256::from(1));
    assert_eq!(
        node.balance(ARBWASM_ADDRESS),
        U256::ZERO,
        "the value went back"
    );

    let eoa = activate_with(&mut node, Address::repeat_byte(0x33), U256::ZERO);
    assert_eq!(
        eoa.return_data.as_ref(),
        ArbWasm::ProgramNotWasm {}.abi_encode().as_slice()
    );

    // A start function is rejected by validation: all gas burned (§1.4).
    let invalid = "(module (memory (export \"memory\") 1 1) (func $s) (start $s)
        (func (export \"user_entrypoint\") (param i32) (result i32) (i32.const 0)))";
    let bad = create(&mut node, &wat_code(invalid));
    node.set_tx_gas_limit(5_000_000);
    let receipt = activate_with(&mut node, bad, U256::from(10).pow(U256::from(18)));
    assert!(
        matches!(receipt.error, Some(ExecError::ActivationFailed(_))),
        "{:?}",
        receipt.error
    );
    assert_eq!(receipt.gas_used, 5_000_000);
}

#[test]
fn deploy_reports_each_part_and_fails_on_bad_code() {
    let mut node = node();
    let deployment = node
        .deploy(ALICE, &wat_code(&program(&[], "", "")), None, U256::ZERO)
        .unwrap();
    assert!(deployment.create_gas > 53_000, "{}", deployment.create_gas);
    assert!(deployment.activation_gas.unwrap() > 1_659_168);
    assert_eq!(deployment.constructor_gas, None);
    assert!(node.is_activated(deployment.codehash));

    let not_wasm = vec![0xEF, 0xF0, 0x00, 0x00, 1, 2, 3];
    match node.deploy(ALICE, &not_wasm, None, U256::ZERO) {
        Err(DeployError::Activate { receipt, .. }) => assert!(!receipt.status),
        other => panic!("expected an activation failure, got {other:?}"),
    }
}

#[test]
fn programs_expire_after_365_days_and_keepalive_resets_them() {
    let mut node = node();
    let program = deploy(&mut node, &wat_code(&program(&[], "", "")));
    let codehash = alloy_primitives::keccak256(node.code(program));
    let keepalive = ArbWasm::codehashKeepaliveCall { codehash }.abi_encode();
    let lavish = U256::from(10).pow(U256::from(18));

    let too_soon = node.send(ALICE, ARBWASM_ADDRESS, lavish, keepalive.clone());
    assert!(ArbWasm::ProgramKeepaliveTooSoon::abi_decode(&too_soon.return_data).is_ok());

    node.advance_time(40 * 86_400);
    ok(&node.send(ALICE, ARBWASM_ADDRESS, lavish, keepalive));
    node.advance_time(364 * 86_400);
    ok(&node.send(ALICE, program, U256::ZERO, Bytes::new()));

    node.advance_time(2 * 86_400);
    node.set_tx_gas_limit(1_000_000);
    let expired = node.send(ALICE, program, U256::ZERO, Bytes::new());
    assert!(matches!(
        expired.error,
        Some(ExecError::ProgramExpired { .. })
    ));
    assert_eq!(expired.gas_used, 1_000_000, "all gas consumed");
}
