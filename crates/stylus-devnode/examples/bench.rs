//! Simple calls per second on one core (a benchmark, not a test).
//!
//! Run: `cargo run --release -p stylus-devnode --example bench` (builds the storage fixture with
//! stylus-build on first use). Measures, for the `devnode-fixture-storage` contract:
//! `eth_call` of the view `count()`, transactions of `increment()` (a storage write each), and a
//! nested call (`callSet` of the caller fixture into the callee fixture).

use std::path::Path;
use std::time::{Duration, Instant};

use alloy_primitives::{address, Address, U256};
use alloy_sol_types::{sol, SolCall};
use stylus_devnode::Devnode;

sol! {
    function count() external view returns (uint256);
    function increment() external;
    function callSet(address callee, uint256 value) external;
}

const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
const RUN: Duration = Duration::from_secs(3);

fn code(package: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match stylus_build::load_or_build(&root, package) {
        Ok(deployable) => deployable.code,
        Err(error) => panic!("building {package}: {error}"),
    }
}

fn deploy(node: &mut Devnode, package: &str) -> Address {
    match node.deploy(ALICE, &code(package), None, U256::ZERO) {
        Ok(deployment) => deployment.address,
        Err(error) => panic!("deploying {package}: {error}"),
    }
}

/// Runs `step` for [`RUN`] and returns (calls per second, gas of the last call).
fn measure(mut step: impl FnMut() -> u64) -> (f64, u64) {
    let start = Instant::now();
    let mut calls = 0u64;
    let mut gas = 0;
    while start.elapsed() < RUN {
        gas = step();
        calls += 1;
    }
    (calls as f64 / start.elapsed().as_secs_f64(), gas)
}

fn main() {
    let mut node = Devnode::new();
    node.fund(ALICE, U256::from(10).pow(U256::from(21)));
    let store = deploy(&mut node, "devnode-fixture-storage");
    let callee = deploy(&mut node, "devnode-fixture-callee");
    let caller = deploy(&mut node, "devnode-fixture-caller");

    let view = countCall {}.abi_encode();
    let (view_rate, view_gas) = measure(|| {
        let receipt = node.call(ALICE, store, view.clone());
        assert!(receipt.status);
        receipt.gas_used
    });
    let write = incrementCall {}.abi_encode();
    let (write_rate, write_gas) = measure(|| {
        let receipt = node.send(ALICE, store, U256::ZERO, write.clone());
        assert!(receipt.status);
        receipt.gas_used
    });
    let mut value = 0u64;
    let (nested_rate, nested_gas) = measure(|| {
        value += 1;
        let data = callSetCall {
            callee,
            value: U256::from(value),
        }
        .abi_encode();
        let receipt = node.send(ALICE, caller, U256::ZERO, data);
        assert!(receipt.status);
        receipt.gas_used
    });
    println!(
        "stylus-devnode benchmark (one core, {}s per row)",
        RUN.as_secs()
    );
    println!("| call | calls/s | gas per call |");
    println!("|---|---:|---:|");
    println!("| eth_call count() (view) | {view_rate:.0} | {view_gas} |");
    println!("| tx increment() (1 SSTORE) | {write_rate:.0} | {write_gas} |");
    println!("| tx callSet() (nested call, 2 SSTOREs) | {nested_rate:.0} | {nested_gas} |");
}
