//! Where the gas of the member session goes: per call frame, the gas given and left, and per
//! hostio kind the ink spent. `cargo run -q -p mutual-deploy --example gas_breakdown`.

use std::collections::BTreeMap;

use alloy_primitives::U256;
use alloy_sol_types::SolCall;
use mutual_deploy::{address_of_seed, deploy, fund_deployment, tokens, DeployConfig, Unrecorded};
use mutual_interfaces::{
    membership::abi::IMembership, membership::DEFAULT_JOINING_FEE_ETH, ramm::abi::IRamm,
};
use stylus_devnode::{Devnode, Receipt};

fn show(step: &str, receipt: &Receipt) {
    println!(
        "== {step}: {} gas (status {})",
        receipt.gas_used, receipt.status
    );
    for frame in &receipt.frames {
        println!(
            "   frame depth {} {} given {} left {} used {}",
            frame.depth,
            frame.code_address,
            frame.gas_given,
            frame.gas_left,
            frame.gas_given - frame.gas_left
        );
    }
    let mut by_hostio: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for entry in &receipt.ink_trace {
        let slot = by_hostio
            .entry(format!("{} d{}", entry.hostio, entry.depth))
            .or_default();
        slot.0 += 1;
        slot.1 += entry.ink_before.saturating_sub(entry.ink_after);
    }
    for (name, (count, ink)) in by_hostio {
        println!("   {name:<36} x{count:<3} {:>8} gas", ink / 10_000);
    }
}

fn main() {
    let mut node = Devnode::new();
    let config = DeployConfig::default();
    fund_deployment(&mut node, &config).expect("funding");
    let (protocol, _) = deploy(&mut node, &config, &mut Unrecorded).expect("deploy");
    let alice = address_of_seed(b"alice");
    node.fund(alice, tokens(1_000));
    node.set_ink_trace(true);
    let deadline = U256::from(node.timestamp() + 3_600);
    let signature = config.kyc.approve(
        node.chain_id(),
        protocol.membership,
        alice,
        U256::from(1),
        deadline,
    );
    let join = IMembership::joinCall {
        member: alice,
        nonce: U256::from(1),
        deadline,
        signature,
    };
    let receipt = node.send(
        alice,
        protocol.membership,
        DEFAULT_JOINING_FEE_ETH,
        join.abi_encode(),
    );
    show("join", &receipt);
    let swap = |nxm_in| IRamm::swapCall {
        nxmIn: nxm_in,
        minAmountOut: U256::ZERO,
        deadline,
    };
    let receipt = node.send(
        alice,
        protocol.ramm,
        tokens(100),
        swap(U256::ZERO).abi_encode(),
    );
    show("swap 100 ETH for NXM", &receipt);
    let receipt = node.send(
        alice,
        protocol.ramm,
        U256::ZERO,
        swap(tokens(1_000)).abi_encode(),
    );
    show("swap 1 000 NXM for ETH", &receipt);
}
