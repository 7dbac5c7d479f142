//! The main job: deploy the mutual and run a member session, printing each step with its gas,
//! then the RAMM's spot prices A and B, book value and MCR% after it.
//!
//! `cargo run -q -p mutual-deploy` (or `scripts/demo.sh`) runs it on the embedded devnode with
//! the devnet profile. `--rpc-url URL` runs it on a node instead, with the `local` network
//! profile (`deploy/networks/local.toml`: smaller amounts, RAMM days of a minute, the deployer
//! key from `$MUTUAL_DEPLOYER_KEY` or the profile's key file) and a fresh CREATE2 salt; a day
//! passes by `evm_increaseTime` where the node has it, else in real time. `--cached` first caches
//! every program through ArbWasmCache (as a production deployment would), so the gas shown is
//! what members pay then. Every swap goes through the RAMM; the capital pool only holds the ETH
//! and the MCR.

use std::process::ExitCode;
use std::time::Duration;

use alloy_primitives::{keccak256, Address, U256};
use mutual_deploy::{
    address_of_seed, deploy, fund_deployment, join_call, network, send, signer_of_seed, swap_call,
    tokens, view, Chain, DeployConfig, DeployFailure, Protocol, RpcChain, Unrecorded, WAD,
};
use mutual_interfaces::{
    capital_pool::abi::ICapitalPool, membership::abi::IMembership, nxm_token::abi::INxmToken,
    ramm::abi::IRamm,
};
use stylus_devnode::Devnode;

const USAGE: &str = "usage: demo [--cached] [--rpc-url URL]";

fn main() -> ExitCode {
    let mut cached = false;
    let mut rpc_url = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--cached" => cached = true,
            "--rpc-url" => match args.next() {
                Some(url) => rpc_url = Some(url),
                None => {
                    eprintln!("{USAGE}   (--rpc-url needs a URL)");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("{USAGE}   (unknown argument {other})");
                return ExitCode::from(2);
            }
        }
    }
    match run(cached, rpc_url.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The chain and the deployment parameters: the embedded devnode with the devnet profile
/// (governance and founder funded by the devnode), or `url` with the `local` profile and a
/// fresh salt.
fn connect(rpc_url: Option<&str>) -> Result<(Box<dyn Chain>, DeployConfig), String> {
    let Some(url) = rpc_url else {
        let mut node = Devnode::new();
        let config = DeployConfig::default();
        fund_deployment(&mut node, &config).map_err(|e| e.to_string())?;
        return Ok((Box::new(node), config));
    };
    let profile = network::load_network("local").map_err(|e| e.to_string())?;
    let config = profile.deploy_config("local").map_err(|e| e.to_string())?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let config = DeployConfig {
        salt: keccak256(format!("demo {nanos}")),
        ..config
    };
    let chain =
        RpcChain::connect(url, Some(config.governance.clone())).map_err(|e| e.to_string())?;
    Ok((Box::new(chain), config))
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
    node: &mut dyn Chain,
    protocol: &Protocol,
    config: &DeployConfig,
    member: Address,
    nonce: u64,
    deadline: U256,
) -> Result<u64, DeployFailure> {
    let call = join_call(node, config, protocol, member, U256::from(nonce), deadline);
    let fee = mutual_interfaces::membership::DEFAULT_JOINING_FEE_ETH;
    let tx = send(node, "join", member, protocol.membership, fee, &call)?;
    Ok(tx.outcome.gas_used)
}

/// The market after a step: spot prices A (buy) and B (sell), book value (ETH per NXM) and MCR%.
fn market(node: &mut dyn Chain, protocol: &Protocol) -> [String; 4] {
    let ramm = view(node, "ramm.state", protocol.ramm, &IRamm::stateCall {});
    let pool = view(
        node,
        "capital-pool.poolState",
        protocol.capital_pool,
        &ICapitalPool::poolStateCall {},
    );
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
    node: &mut dyn Chain,
    protocol: &Protocol,
    who: Address,
    value_wei: U256,
    nxm_in: U256,
) -> Result<mutual_deploy::Tx<U256>, DeployFailure> {
    let call = swap_call(node, nxm_in, U256::ZERO);
    send(node, "swap", who, protocol.ramm, value_wei, &call)
}

fn run(cached: bool, rpc_url: Option<&str>) -> Result<(), DeployFailure> {
    let (mut chain, config) = connect(rpc_url).map_err(|why| DeployFailure::Record {
        step: "connect".into(),
        why,
    })?;
    let node = chain.as_mut();
    println!("== Deploying the mutual on {} ==", node.describe());
    let (protocol, steps) = deploy(node, &config, &mut Unrecorded)?;
    for step in &steps {
        let size = step.contract.map_or_else(String::new, |contract| {
            format!("  ({} bytes deployed)", contract.code_bytes)
        });
        let gas = step.gas_used.unwrap_or(0);
        println!("  {:<58} {gas:>10} gas{size}", step.name);
    }
    println!(
        "  nxm-token {}  membership {}\n  capital-pool {}  ramm {}",
        protocol.nxm_token, protocol.membership, protocol.capital_pool, protocol.ramm
    );
    if cached {
        for (_, program) in protocol.contracts() {
            node.cache_program(program)?;
        }
        println!("  every program cached through ArbWasmCache (the chain owner's cache manager)");
    }
    println!(
        "  genesis: {} NXM minted to the founder {} at a book value of {} ETH",
        fmt_tokens(config.genesis_supply_nxm(), 0),
        config.founder.address(),
        fmt_tokens(config.genesis_book_value_wad, 4)
    );

    // Alice buys with 0.5 % of the seed (100 ETH on the devnet profile).
    let purchase = config.seed_eth / U256::from(200);
    let (alice, bob) = (address_of_seed(b"alice"), address_of_seed(b"bob"));
    for name in [b"alice".as_slice(), b"bob"] {
        node.add_signer(&signer_of_seed(name));
    }
    node.fund(alice, purchase + tokens(1))?;
    node.fund(bob, tokens(1))?;
    let day_secs = u64::from(config.ramm.day_secs);

    println!();
    println!("== Member session ==");
    println!(
        "  {:<52} {:>9}  {:>10}  {:>10}  {:>10}  {:>9}",
        "step", "gas", "spot A", "spot B", "book value", "MCR%"
    );
    let report = |node: &mut dyn Chain, step: &str, gas: Option<u64>| {
        let [a, b, bv, ratio] = market(node, &protocol);
        let gas = gas.map_or_else(|| "-".to_string(), |g| g.to_string());
        println!("  {step:<52} {gas:>9}  {a:>10}  {b:>10}  {bv:>10}  {ratio:>9}");
    };
    report(
        node,
        "start (pool seeded, MCR at the floor; ETH per NXM)",
        None,
    );

    let deadline = U256::from(node.timestamp() + 86_400);
    report(
        node,
        "KYC approval for alice signed locally (EIP-712)",
        None,
    );
    let gas = join(node, &protocol, &config, alice, 1, deadline)?;
    report(
        node,
        "alice joins (0.002 ETH fee held for the sweep)",
        Some(gas),
    );
    let gas = join(node, &protocol, &config, bob, 2, deadline)?;
    report(node, "bob joins", Some(gas));

    // Joining fees wait in membership; anyone sends them to the pool in one call.
    let tx = send(
        node,
        "bob sweeps the joining fees",
        bob,
        protocol.membership,
        U256::ZERO,
        &IMembership::sweepFeesCall {},
    )?;
    report(
        node,
        &format!(
            "bob sweeps {} ETH of joining fees to the pool",
            fmt_tokens(tx.value, 3)
        ),
        Some(tx.outcome.gas_used),
    );

    let tx = swap(node, &protocol, alice, purchase, U256::ZERO)?;
    let bought = tx.value;
    report(
        node,
        &format!(
            "alice swaps {} ETH for {} NXM",
            fmt_tokens(purchase, 0),
            fmt_tokens(bought, 2)
        ),
        Some(tx.outcome.gas_used),
    );

    // Time passes: spot A ratchets down toward book value + 1 % (4 % of book value a day).
    if node.has_dev_methods() {
        node.advance_time(day_secs)?;
    } else {
        println!("  (waiting {day_secs} s of real time: the node cannot move its clock)");
        std::thread::sleep(Duration::from_secs(day_secs));
    }
    report(
        node,
        "a RAMM day passes (spot A ratchets toward BV + 1 %)",
        None,
    );

    let gift = tokens(1_000).min(bought / U256::from(2));
    let transfer = INxmToken::transferCall {
        to: bob,
        amountNxm: gift,
    };
    let tx = send(
        node,
        "alice transfers NXM to bob",
        alice,
        protocol.nxm_token,
        U256::ZERO,
        &transfer,
    )?;
    report(
        node,
        &format!("alice transfers {} NXM to bob", fmt_tokens(gift, 2)),
        Some(tx.outcome.gas_used),
    );

    for (seller, name, nxm) in [(bob, "bob", gift), (alice, "alice", bought - gift)] {
        let tx = swap(node, &protocol, seller, U256::ZERO, nxm)?;
        report(
            node,
            &format!(
                "{name} swaps {} NXM for {} ETH",
                fmt_tokens(nxm, 2),
                fmt_tokens(tx.value, 4)
            ),
            Some(tx.outcome.gas_used),
        );
    }

    let tx = send(
        node,
        "alice leaves",
        alice,
        protocol.membership,
        U256::ZERO,
        &IMembership::leaveCall {},
    )?;
    report(
        node,
        "alice leaves (no NXM left, nothing locked)",
        Some(tx.outcome.gas_used),
    );

    let members = view(
        node,
        "membership.memberCount",
        protocol.membership,
        &IMembership::memberCountCall {},
    );
    println!();
    println!(
        "members now: {}; gas is the devnode's Nitro gas (ArbOS 60 Stylus pricing, no L1 data fee)",
        members.map_or_else(|e| e.to_string(), |n| n.to_string())
    );
    Ok(())
}
