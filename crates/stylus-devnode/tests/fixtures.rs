//! Conformance on real stylus-sdk 0.10 contracts (fixtures/): storage, nested calls, reverts in
//! nested frames, reentrancy, value, logs, create1/create2 and constructors.

mod common;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolEvent};
use common::{deploy, fixture, node, ALICE, BOB};
use stylus_devnode::{initcode, Devnode, SolCallError};

sol! {
    interface IStore {
        function increment() external;
        function count() external view returns (uint256);
        function setCount(uint256 value) external;
        function setBalance(address owner, uint256 value) external;
        function balanceOf(address owner) external view returns (uint256);
    }
    interface ICallee {
        function value() external view returns (uint256);
        function whoami() external payable returns (address, uint256);
    }
    interface ICaller {
        function callSet(address callee, uint256 value) external;
        function callSetThenRevert(address callee, uint256 value) external;
        function catchCalleeRevert(address callee, uint256 value) external returns (bytes);
        function staticSet(address callee, uint256 value) external returns (bool);
        function delegateSet(address callee, uint256 value) external returns (bool);
        function forwardGas(address callee, uint64 gas) external returns (uint64);
        function reenter(address callee) external returns (uint256);
        function last() external view returns (uint256);
    }
    interface IVault {
        function deposit() external payable;
        function sendTo(address to, uint256 amount) external;
        function ownBalance() external view returns (uint256);
        function deposited() external view returns (uint256);
    }
    interface IEvents {
        function plain(uint256 value) external;
        function transfer(address to, uint256 value) external;
        function three(uint256 a, uint256 b, uint256 c, uint256 d) external;
    }
    event Plain(uint256 value);
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Three(uint256 indexed a, uint256 indexed b, uint256 indexed c, uint256 d);
    interface IFactory {
        function create1(bytes init, uint256 endowment) external payable returns (address);
        function create2(bytes init, bytes32 salt) external returns (address);
    }
    interface IConstructed {
        function state() external view returns (address, uint256, uint256);
    }
}

fn u(n: u64) -> U256 {
    U256::from(n)
}

#[test]
fn storage_counter_mapping_and_refund() {
    let mut node = node();
    let store = deploy(&mut node, &fixture("storage"));
    for _ in 0..3 {
        node.send_sol(ALICE, store, U256::ZERO, &IStore::incrementCall {})
            .unwrap();
    }
    assert_eq!(
        node.call_sol(ALICE, store, &IStore::countCall {}).unwrap(),
        u(3)
    );
    assert_eq!(node.storage(store, U256::ZERO), u(3));
    node.send_sol(
        ALICE,
        store,
        U256::ZERO,
        &IStore::setBalanceCall {
            owner: BOB,
            value: u(9),
        },
    )
    .unwrap();
    assert_eq!(
        node.call_sol(ALICE, store, &IStore::balanceOfCall { owner: BOB })
            .unwrap(),
        u(9)
    );
    assert_eq!(
        node.call_sol(ALICE, store, &IStore::balanceOfCall { owner: ALICE })
            .unwrap(),
        u(0)
    );
    // Clearing a non-zero slot earns the EIP-3529 refund of 4 800 (capped at gas_used / 5).
    let cleared = node.send(
        ALICE,
        store,
        U256::ZERO,
        IStore::setCountCall { value: U256::ZERO }.abi_encode(),
    );
    assert!(cleared.status);
    assert_eq!(cleared.refund_gas, 4_800);
    // A non-payable method with value reverts (one msg_value read, §5.4).
    let paid = node.send(ALICE, store, u(1), IStore::incrementCall {}.abi_encode());
    assert!(!paid.status);
    assert_eq!(node.balance(store), U256::ZERO);
}

/// Deploys callee and caller fixtures.
fn pair(node: &mut Devnode) -> (Address, Address) {
    let callee = deploy(node, &fixture("callee"));
    let caller = deploy(node, &fixture("caller"));
    (callee, caller)
}

#[test]
fn nested_calls_commit_both_frames() {
    let mut node = node();
    let (callee, caller) = pair(&mut node);
    node.send_sol(
        ALICE,
        caller,
        U256::ZERO,
        &ICaller::callSetCall {
            callee,
            value: u(11),
        },
    )
    .unwrap();
    assert_eq!(
        node.call_sol(ALICE, callee, &ICallee::valueCall {})
            .unwrap(),
        u(11)
    );
    assert_eq!(
        node.call_sol(ALICE, caller, &ICaller::lastCall {}).unwrap(),
        u(11)
    );
}

#[test]
fn a_revert_after_a_nested_call_undoes_both_frames() {
    let mut node = node();
    let (callee, caller) = pair(&mut node);
    let err = node
        .send_sol(
            ALICE,
            caller,
            U256::ZERO,
            &ICaller::callSetThenRevertCall {
                callee,
                value: u(5),
            },
        )
        .err()
        .expect("the call reverts");
    assert_eq!(err.revert_data().unwrap().as_ref(), b"caller reverted");
    assert_eq!(node.storage(callee, U256::ZERO), U256::ZERO);
    assert_eq!(node.storage(caller, U256::ZERO), U256::ZERO);
}

#[test]
fn a_caught_nested_revert_undoes_only_the_callee() {
    let mut node = node();
    let (callee, caller) = pair(&mut node);
    let data = node
        .send_sol(
            ALICE,
            caller,
            U256::ZERO,
            &ICaller::catchCalleeRevertCall {
                callee,
                value: u(8),
            },
        )
        .unwrap();
    assert_eq!(data.as_ref(), b"callee reverted");
    assert_eq!(node.storage(callee, U256::ZERO), U256::ZERO);
    assert_eq!(node.storage(caller, U256::ZERO), u(8));
}

#[test]
fn static_call_write_fails_and_delegate_call_writes_the_caller() {
    let mut node = node();
    let (callee, caller) = pair(&mut node);
    let ok = node
        .send_sol(
            ALICE,
            caller,
            U256::ZERO,
            &ICaller::staticSetCall {
                callee,
                value: u(3),
            },
        )
        .unwrap();
    assert!(!ok, "a write in a static call must fail");
    assert_eq!(node.storage(callee, U256::ZERO), U256::ZERO);
    let ok = node
        .send_sol(
            ALICE,
            caller,
            U256::ZERO,
            &ICaller::delegateSetCall {
                callee,
                value: u(4),
            },
        )
        .unwrap();
    assert!(ok);
    assert_eq!(
        node.storage(caller, U256::ZERO),
        u(4),
        "delegate call writes the caller's slot 0"
    );
    assert_eq!(node.storage(callee, U256::ZERO), U256::ZERO);
}

#[test]
fn sdk_refuses_reentry_with_an_empty_revert() {
    let mut node = node();
    let (callee, caller) = pair(&mut node);
    node.set_ink_trace(true);
    let receipt = node.send(
        ALICE,
        caller,
        U256::ZERO,
        ICaller::reenterCall { callee }.abi_encode(),
    );
    assert!(!receipt.status);
    assert_eq!(receipt.return_data.as_ref(), b"reentry refused");
    // The re-entered frame of `caller` reverted with empty data (SDK rule, §5.4 step 1).
    let inner = receipt
        .frames
        .iter()
        .find(|f| f.depth == 2)
        .expect("the reentrant frame");
    assert_eq!(inner.code_address, caller);
    assert!(!inner.success);
    let reentrant_reads = receipt
        .ink_trace
        .iter()
        .filter(|e| e.hostio == "msg_reentrant")
        .count();
    assert_eq!(
        reentrant_reads, 3,
        "each SDK entrypoint reads msg_reentrant once"
    );
}

#[test]
fn callee_sees_63_64_of_the_gas_left() {
    let mut node = node();
    let (callee, caller) = pair(&mut node);
    let seen = node
        .call_sol(
            ALICE,
            caller,
            &ICaller::forwardGasCall {
                callee,
                gas: u64::MAX,
            },
        )
        .unwrap();
    assert!(
        seen > 30_000_000 * 60 / 64 / 2 && seen < 32_000_000 * 63 / 64,
        "{seen}"
    );
    let capped = node
        .call_sol(
            ALICE,
            caller,
            &ICaller::forwardGasCall {
                callee,
                gas: 100_000,
            },
        )
        .unwrap();
    assert!(capped < 100_000 && capped > 80_000, "{capped}");
}

#[test]
fn value_transfers_deposit_and_pay_out() {
    let mut node = node();
    let vault = deploy(&mut node, &fixture("vault"));
    node.send_sol(ALICE, vault, u(1_000), &IVault::depositCall {})
        .unwrap();
    assert_eq!(node.balance(vault), u(1_000));
    assert_eq!(
        node.call_sol(ALICE, vault, &IVault::ownBalanceCall {})
            .unwrap(),
        u(1_000)
    );
    assert_eq!(
        node.call_sol(ALICE, vault, &IVault::depositedCall {})
            .unwrap(),
        u(1_000)
    );
    // Plain transfer hits receive().
    let plain = node.send(ALICE, vault, u(5), Bytes::new());
    assert!(plain.status, "{:?}", plain.error);
    // To an EOA.
    node.send_sol(
        ALICE,
        vault,
        U256::ZERO,
        &IVault::sendToCall {
            to: BOB,
            amount: u(300),
        },
    )
    .unwrap();
    assert_eq!(node.balance(BOB), u(300));
    assert_eq!(node.balance(vault), u(705));
    // More than the balance: the transfer fails and the whole tx reverts.
    let err = node.send_sol(
        ALICE,
        vault,
        U256::ZERO,
        &IVault::sendToCall {
            to: BOB,
            amount: u(10_000),
        },
    );
    assert!(matches!(err, Err(SolCallError::Reverted { .. })));
    assert_eq!(node.balance(vault), u(705));
    // Value to a callee carries msg.value and msg.sender.
    let callee = deploy(&mut node, &fixture("callee"));
    let who = node
        .send_sol(ALICE, callee, u(7), &ICallee::whoamiCall {})
        .unwrap();
    assert_eq!((who._0, who._1), (ALICE, u(7)));
}

#[test]
fn logs_carry_sol_event_topics_and_data() {
    let mut node = node();
    let events = deploy(&mut node, &fixture("events"));
    let receipt = node.send(
        ALICE,
        events,
        U256::ZERO,
        IEvents::transferCall {
            to: BOB,
            value: u(42),
        }
        .abi_encode(),
    );
    assert!(receipt.status);
    assert_eq!(receipt.logs.len(), 1);
    let log = &receipt.logs[0];
    assert_eq!(log.address, events);
    let decoded = Transfer::decode_log_data(&log.data).unwrap();
    assert_eq!(
        (decoded.from, decoded.to, decoded.value),
        (ALICE, BOB, u(42))
    );

    let receipt = node.send(
        ALICE,
        events,
        U256::ZERO,
        IEvents::threeCall {
            a: u(1),
            b: u(2),
            c: u(3),
            d: u(4),
        }
        .abi_encode(),
    );
    assert_eq!(receipt.logs[0].data.topics().len(), 4);
    assert_eq!(receipt.logs[0].data.topics()[0], Three::SIGNATURE_HASH);
    let receipt = node.send(
        ALICE,
        events,
        U256::ZERO,
        IEvents::plainCall { value: u(9) }.abi_encode(),
    );
    assert_eq!(
        Plain::decode_log_data(&receipt.logs[0].data).unwrap().value,
        u(9)
    );
    // A reverted tx has no logs.
    let reverted = node.send(
        ALICE,
        events,
        u(1),
        IEvents::plainCall { value: u(9) }.abi_encode(),
    );
    assert!(!reverted.status && reverted.logs.is_empty());
}

#[test]
fn factory_creates_at_the_evm_addresses_and_copies_run_at_once() {
    let mut node = node();
    let store_code = fixture("storage");
    // Activate the storage codehash once; copies created later are callable at once (§1.5).
    deploy(&mut node, &store_code);
    let factory = deploy(&mut node, &fixture("factory"));
    let init = Bytes::from(initcode::deploy_init_code(&store_code));

    let expected = initcode::create1_address(factory, node.nonce(factory));
    let created = node
        .send_sol(
            ALICE,
            factory,
            U256::ZERO,
            &IFactory::create1Call {
                init: init.clone(),
                endowment: U256::ZERO,
            },
        )
        .unwrap();
    assert_eq!(created, expected);
    assert_eq!(node.code(created).as_ref(), store_code.as_slice());
    node.send_sol(ALICE, created, U256::ZERO, &IStore::incrementCall {})
        .unwrap();
    assert_eq!(node.storage(created, U256::ZERO), u(1));

    let salt = B256::repeat_byte(0x42);
    let created2 = node
        .send_sol(
            ALICE,
            factory,
            U256::ZERO,
            &IFactory::create2Call {
                init: init.clone(),
                salt,
            },
        )
        .unwrap();
    assert_eq!(created2, factory.create2(salt, keccak256(&init)));
    // The same salt again collides: the create fails and the call reverts.
    let again = node.send_sol(
        ALICE,
        factory,
        U256::ZERO,
        &IFactory::create2Call { init, salt },
    );
    assert!(again.is_err());

    // Endowment above the balance: address 0 (a failure the SDK reports as a revert).
    let poor = node.send_sol(
        ALICE,
        factory,
        U256::ZERO,
        &IFactory::create1Call {
            init: Bytes::from(initcode::deploy_init_code(&store_code)),
            endowment: u(1),
        },
    );
    assert!(poor.is_err());
}

#[test]
fn constructor_runs_once_with_args_and_value() {
    let mut node = node();
    let args = (BOB, u(99)).abi_encode_params_helper();
    let deployment = node
        .deploy(ALICE, &fixture("constructed"), Some(&args), u(123))
        .unwrap();
    assert!(deployment.activation_gas.is_some() && deployment.constructor_gas.is_some());
    assert!(deployment.data_fee_wei > U256::ZERO);
    let state = node
        .call_sol(ALICE, deployment.address, &IConstructed::stateCall {})
        .unwrap();
    assert_eq!((state._0, state._1, state._2), (BOB, u(99), u(123)));
    assert_eq!(node.balance(deployment.address), u(123));
    // The constructor slot is set: a second constructor call reverts.
    let mut again = stylus_devnode::CONSTRUCTOR_SELECTOR.to_vec();
    again.extend_from_slice(&args);
    assert!(
        !node
            .send(ALICE, deployment.address, U256::ZERO, again)
            .status
    );
    // Same code again: already active, no second activation.
    let second = node
        .deploy(ALICE, &fixture("constructed"), Some(&args), U256::ZERO)
        .unwrap();
    assert_eq!(second.activation_gas, None);
}

/// ABI-encodes a tuple of parameters (constructor arguments, no selector).
trait AbiParams {
    fn abi_encode_params_helper(&self) -> Vec<u8>;
}

impl AbiParams for (Address, U256) {
    fn abi_encode_params_helper(&self) -> Vec<u8> {
        use alloy_sol_types::SolValue;
        self.abi_encode_params()
    }
}

#[test]
fn sdk_entrypoint_hostio_order_and_prices() {
    let mut node = node();
    let store = deploy(&mut node, &fixture("storage"));
    node.set_ink_trace(true);
    let receipt = node.call(ALICE, store, IStore::countCall {}.abi_encode());
    assert!(receipt.status);
    let trace: Vec<(&str, u64)> = receipt
        .ink_trace
        .iter()
        .map(|e| (e.hostio, e.ink_spent()))
        .collect();
    // §5.4: reentrancy check, pay_for_memory_grow(0), read_args, router (one msg_value read for a
    // non-payable method, the storage load), flush (nothing dirty), write_result.
    assert_eq!(
        trace,
        vec![
            ("msg_reentrant", 8_400),
            ("pay_for_memory_grow", 8_400),
            ("read_args", 13_440),
            ("msg_value", 13_440),
            ("storage_load_bytes32", 21_068_480),
            ("storage_flush_cache", 68_073),
            ("write_result", 8_400 + 2 * 16_381),
        ]
    );
}
