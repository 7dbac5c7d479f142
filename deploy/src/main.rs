//! The main job: deploy the mutual into the embedded devnode and run a member session, printing
//! each step with its gas, then the RAMM's spot prices A and B, book value and MCR% after it.
//!
//! `cargo run -q -p mutual-deploy` (or `scripts/demo.sh`); `--cached` first caches every program
//! through ArbWasmCache (as a production deployment would), so the gas shown is what members pay
//! then. Real nodes come with a later issue.
//! Every swap goes through the RAMM; the capital pool only holds the ETH and the MCR.

use std::process::ExitCode;

use alloy_primitives::{Address, U256};
use mutual_deploy::{
    address_of_seed, deploy_to_devnode, send, tokens, DeployConfig, DeployFailure, Protocol, WAD,
};
use mutual_interfaces::{
    capital_pool::abi::ICapitalPool, membership::abi::IMembership, nxm_token::abi::INxmToken,
    ramm::abi::IRamm,
};
use stylus_devnode::Devnode;

fn main() -> ExitCode {
    let cached = match std::env::args().nth(1).as_deref() {
        None => false,
        Some("--cached") => true,
        Some(other) => {
            eprintln!("usage: demo [--cached]   (unknown argument {other})");
            return ExitCode::from(2);
        }
    };
    match run(cached) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `wei` as a decimal token amount with `decimals` fraction digits.
fn fmt_tokens(wei: U256, decimals: usize) -> String {
    let whole = wei / U256::from(WAD);
    let frac = wei % U256::from(WAD);
    let frac = format!("{frac:0>18}");
    if decimals == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{}", &frac[..decimals])
    }
}

/// Joins `member` with a KYC approval (nonce `nonce`) signed locally, paying the joining fee;
/// returns the gas used.
fn join(
    node: &mut Devnode,
    protocol: &Protocol,
    config: &DeployConfig,
    member: Address,
    nonce: u64,
    deadline: U256,
) -> Result<u64, DeployFailure> {
    let nonce = U256::from(nonce);
    let signature = config.kyc.approve(
        node.chain_id(),
        protocol.membership,
        member,
        nonce,
        deadline,
    );
    let call = IMembership::joinCall {
        member,
        nonce,
        deadline,
        signature,
    };
    let fee = mutual_interfaces::membership::DEFAULT_JOINING_FEE_ETH;
    let tx = send(node, "join", member, protocol.membership, fee, &call)?;
    Ok(tx.receipt.gas_used)
}

/// The market after a step: spot prices A (buy) and B (sell), book value (ETH per NXM) and MCR%.
fn market(node: &mut Devnode, protocol: &Protocol, who: Address) -> [String; 4] {
    let ramm = node.call_sol(who, protocol.ramm, &IRamm::stateCall {});
    let pool = node.call_sol(who, protocol.capital_pool, &ICapitalPool::poolStateCall {});
    match (ramm, pool) {
        (Ok(r), Ok(p)) => {
            let bps: u64 = p.mcrRatioBps.to();
            [
                fmt_tokens(r.spotPriceA, 6),
                fmt_tokens(r.spotPriceB, 6),
                fmt_tokens(r.bookValue, 6),
                format!("{}.{:02} %", bps / 100, bps % 100),
            ]
        }
        (Err(e), _) | (_, Err(e)) => [
            format!("({e})"),
            String::new(),
            String::new(),
            String::new(),
        ],
    }
}

/// A swap through the RAMM: ETH sent as `value_wei` for NXM, or `nxm_in` NXM for ETH.
fn swap(
    node: &mut Devnode,
    protocol: &Protocol,
    who: Address,
    value_wei: U256,
    nxm_in: U256,
) -> Result<mutual_deploy::Tx<U256>, DeployFailure> {
    let deadline = U256::from(node.timestamp() + 600);
    let call = IRamm::swapCall {
        nxmIn: nxm_in,
        minAmountOut: U256::ZERO,
        deadline,
    };
    send(node, "swap", who, protocol.ramm, value_wei, &call)
}

fn run(cached: bool) -> Result<(), DeployFailure> {
    let mut node = Devnode::new();
    let config = DeployConfig::default();
    println!(
        "== Deploying the mutual into the embedded devnode (chain id {}) ==",
        node.chain_id()
    );
    let (protocol, steps) = deploy_to_devnode(&mut node, &config)?;
    for step in &steps {
        let size = step
            .code_bytes
            .map_or_else(String::new, |b| format!("  ({b} bytes deployed)"));
        println!("  {:<58} {:>10} gas{size}", step.name, step.gas_used);
    }
    println!(
        "  nxm-token {}  membership {}\n  capital-pool {}  ramm {}",
        protocol.nxm_token, protocol.membership, protocol.capital_pool, protocol.ramm
    );
    if cached {
        for program in [
            protocol.nxm_token,
            protocol.membership,
            protocol.capital_pool,
            protocol.ramm,
        ] {
            let codehash = node.code_hash(program);
            node.cache_program(codehash)
                .map_err(|error| DeployFailure::Reverted {
                    step: format!("ArbWasmCache.cacheProgram({codehash})"),
                    data: String::new(),
                    error: Some(Box::new(error)),
                })?;
        }
        println!("  every program cached through ArbWasmCache (the chain owner's cache manager)");
    }
    println!(
        "  genesis: {} NXM minted to the founder {} at a book value of {} ETH",
        fmt_tokens(config.genesis_supply_nxm(), 0),
        config.founder,
        fmt_tokens(config.genesis_book_value_wad, 4)
    );

    let alice = address_of_seed(b"alice");
    let bob = address_of_seed(b"bob");
    node.fund(alice, tokens(1_000));
    node.fund(bob, tokens(10));

    println!();
    println!("== Member session ==");
    println!(
        "  {:<52} {:>9}  {:>10}  {:>10}  {:>10}  {:>9}",
        "step", "gas", "spot A", "spot B", "book value", "MCR%"
    );
    let report = |node: &mut Devnode, step: &str, gas: Option<u64>| {
        let [a, b, bv, ratio] = market(node, &protocol, alice);
        let gas = gas.map_or_else(|| "-".to_string(), |g| g.to_string());
        println!("  {step:<52} {gas:>9}  {a:>10}  {b:>10}  {bv:>10}  {ratio:>9}");
    };
    report(
        &mut node,
        "start (pool seeded, MCR at the floor; ETH per NXM)",
        None,
    );

    let deadline = U256::from(node.timestamp() + 86_400);
    report(
        &mut node,
        "KYC approval for alice signed locally (EIP-712)",
        None,
    );
    let gas = join(&mut node, &protocol, &config, alice, 1, deadline)?;
    report(
        &mut node,
        "alice joins (0.002 ETH fee held for the sweep)",
        Some(gas),
    );
    let gas = join(&mut node, &protocol, &config, bob, 2, deadline)?;
    report(&mut node, "bob joins", Some(gas));

    // Joining fees wait in membership; anyone sends them to the pool in one call.
    let tx = send(
        &mut node,
        "bob sweeps the joining fees",
        bob,
        protocol.membership,
        U256::ZERO,
        &IMembership::sweepFeesCall {},
    )?;
    report(
        &mut node,
        &format!(
            "bob sweeps {} ETH of joining fees to the pool",
            fmt_tokens(tx.value, 3)
        ),
        Some(tx.receipt.gas_used),
    );

    let tx = swap(&mut node, &protocol, alice, tokens(100), U256::ZERO)?;
    let bought = tx.value;
    report(
        &mut node,
        &format!("alice swaps 100 ETH for {} NXM", fmt_tokens(bought, 2)),
        Some(tx.receipt.gas_used),
    );

    // Time passes: spot A ratchets down toward book value + 1 % (4 % of book value a day).
    node.advance_time(86_400);
    report(
        &mut node,
        "a day passes (spot A ratchets toward BV + 1 %)",
        None,
    );

    let gift = tokens(1_000).min(bought / U256::from(2));
    let transfer = INxmToken::transferCall {
        to: bob,
        amountNxm: gift,
    };
    let tx = send(
        &mut node,
        "alice transfers NXM to bob",
        alice,
        protocol.nxm_token,
        U256::ZERO,
        &transfer,
    )?;
    report(
        &mut node,
        &format!("alice transfers {} NXM to bob", fmt_tokens(gift, 2)),
        Some(tx.receipt.gas_used),
    );

    for (seller, name, nxm) in [(bob, "bob", gift), (alice, "alice", bought - gift)] {
        let tx = swap(&mut node, &protocol, seller, U256::ZERO, nxm)?;
        report(
            &mut node,
            &format!(
                "{name} swaps {} NXM for {} ETH",
                fmt_tokens(nxm, 2),
                fmt_tokens(tx.value, 4)
            ),
            Some(tx.receipt.gas_used),
        );
    }

    let tx = send(
        &mut node,
        "alice leaves",
        alice,
        protocol.membership,
        U256::ZERO,
        &IMembership::leaveCall {},
    )?;
    report(
        &mut node,
        "alice leaves (no NXM left, nothing locked)",
        Some(tx.receipt.gas_used),
    );

    let members = node.call_sol(alice, protocol.membership, &IMembership::memberCountCall {});
    println!();
    println!(
        "members now: {}; gas is the devnode's Nitro gas (ArbOS 60 Stylus pricing, no L1 data fee)",
        members.map_or_else(|e| e.to_string(), |n| n.to_string())
    );
    Ok(())
}
