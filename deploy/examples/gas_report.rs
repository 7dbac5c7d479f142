//! The gas report (`scripts/gas-report.sh`): every lifecycle operation of the deployed mutual on
//! the embedded devnode, first with every program uncached, then on a fresh deployment with every
//! program cached through ArbWasmCache (as production deployments have them), beside Nexus Mutual
//! V2's EVM gas for the same operation (`../shared/protocol-reference.md` §11) and the ratio.
//! Prints the README's gas table (Markdown).

use alloy_primitives::{Address, U256};
use mutual_deploy::{
    address_of_seed, deploy, fund_deployment, join_call, send, signer_of_seed, swap_call, tokens,
    Chain, DeployConfig, DeployFailure, Protocol, Unrecorded,
};
use mutual_interfaces::{
    membership::{abi::IMembership, DEFAULT_JOINING_FEE_ETH},
    nxm_token::abi::INxmToken,
};
use stylus_devnode::Devnode;

/// One row: what was done, and V2's operation and gas when V2 has one.
struct Operation {
    name: &'static str,
    v2: Option<(&'static str, u64)>,
}

const OPERATIONS: [Operation; 11] = [
    Operation {
        name: "join (fee + KYC approval)",
        v2: Some(("MemberRoles.join", 187_094)),
    },
    Operation {
        name: "sweep joining fees to the pool (once per batch)",
        v2: None,
    },
    Operation {
        name: "swap 100 ETH → NXM, same block time as the last swap",
        v2: Some(("Ramm.swap ETH→NXM, a few seconds later", 313_915)),
    },
    Operation {
        name: "swap 10 ETH → NXM, 6 h later (TWAP observation written)",
        v2: Some(("Ramm.swap ETH→NXM, first after ~6 h", 411_749)),
    },
    Operation {
        name: "NXM transfer to a member",
        v2: None,
    },
    Operation {
        name: "swap 1 000 NXM → ETH (seller's balance emptied)",
        v2: Some(("Ramm.swap NXM→ETH", 324_459)),
    },
    Operation {
        name: "swap 1 000 NXM → ETH (seller keeps a balance)",
        v2: Some(("Ramm.swap NXM→ETH", 324_459)),
    },
    Operation {
        name: "switch membership to a new address",
        v2: Some(("MemberRoles.switchMembership", 246_765)),
    },
    Operation {
        name: "swap 1 ETH → NXM after 200 idle days",
        v2: Some(("Ramm.swap ETH→NXM after ~200 idle days", 400_483)),
    },
    Operation {
        name: "swap the rest of a balance → ETH",
        v2: Some(("Ramm.swap NXM→ETH", 324_459)),
    },
    Operation {
        name: "leave",
        v2: Some(("MemberRoles.withdrawMembership", 147_119)),
    },
];

const DAY_SECS: u64 = 86_400;

/// Runs the lifecycle on a fresh deployment; the gas of each of [`OPERATIONS`].
fn lifecycle(cached: bool) -> Result<Vec<u64>, DeployFailure> {
    let mut node = Devnode::new();
    let config = DeployConfig::default();
    fund_deployment(&mut node, &config)?;
    let (protocol, _) = deploy(&mut node, &config, &mut Unrecorded)?;
    let chain: &mut dyn Chain = &mut node;
    if cached {
        for (_, program) in protocol.contracts() {
            chain.cache_program(program)?;
        }
    }
    let [alice, bob, carol, carol_new] =
        ["alice", "bob", "carol", "carol (new address)"].map(|name| {
            chain.add_signer(&signer_of_seed(name.as_bytes()));
            address_of_seed(name.as_bytes())
        });
    for account in [alice, bob, carol, carol_new] {
        chain.fund(account, tokens(1_000))?;
    }
    let mut gas = Vec::new();
    let mut nonce = 0u64;
    let mut join = |chain: &mut dyn Chain, member: Address| {
        nonce += 1;
        let deadline = U256::from(chain.timestamp() + 3_600);
        let call = join_call(
            chain,
            &config,
            &protocol,
            member,
            U256::from(nonce),
            deadline,
        );
        send(
            chain,
            "join",
            member,
            protocol.membership,
            DEFAULT_JOINING_FEE_ETH,
            &call,
        )
    };
    let swap = |chain: &mut dyn Chain, who: Address, eth_in: U256, nxm_in: U256| {
        let call = swap_call(chain, nxm_in, U256::ZERO);
        send(chain, "swap", who, protocol.ramm, eth_in, &call)
    };
    let Protocol {
        membership,
        nxm_token,
        ..
    } = protocol;
    gas.push(join(chain, alice)?.outcome.gas_used);
    join(chain, bob)?;
    join(chain, carol)?;
    let sweep = IMembership::sweepFeesCall {};
    gas.push(
        send(chain, "sweep", bob, membership, U256::ZERO, &sweep)?
            .outcome
            .gas_used,
    );
    swap(chain, bob, tokens(100), U256::ZERO)?; // the RAMM's first swap of the block time
    let bought = swap(chain, alice, tokens(100), U256::ZERO)?;
    gas.push(bought.outcome.gas_used);
    chain.advance_time(6 * 3_600)?;
    gas.push(swap(chain, alice, tokens(10), U256::ZERO)?.outcome.gas_used);
    let transfer = INxmToken::transferCall {
        to: carol,
        amountNxm: tokens(1_000),
    };
    gas.push(
        send(chain, "transfer", alice, nxm_token, U256::ZERO, &transfer)?
            .outcome
            .gas_used,
    );
    gas.push(
        swap(chain, carol, U256::ZERO, tokens(1_000))?
            .outcome
            .gas_used,
    );
    gas.push(
        swap(chain, alice, U256::ZERO, tokens(1_000))?
            .outcome
            .gas_used,
    );
    let switch = IMembership::switchMembershipCall {
        newAddress: carol_new,
    };
    gas.push(
        send(chain, "switch", carol, membership, U256::ZERO, &switch)?
            .outcome
            .gas_used,
    );
    chain.advance_time(200 * DAY_SECS)?;
    gas.push(swap(chain, alice, tokens(1), U256::ZERO)?.outcome.gas_used);
    let balance = INxmToken::balanceOfCall { account: alice };
    let rest = mutual_deploy::view(chain, "balanceOf", nxm_token, &balance)?;
    gas.push(swap(chain, alice, U256::ZERO, rest)?.outcome.gas_used);
    gas.push(
        send(
            chain,
            "leave",
            alice,
            membership,
            U256::ZERO,
            &IMembership::leaveCall {},
        )?
        .outcome
        .gas_used,
    );
    Ok(gas)
}

fn percent(gas: u64, v2: u64) -> String {
    format!("{:.0} %", gas as f64 * 100.0 / v2 as f64)
}

fn main() -> Result<(), DeployFailure> {
    let uncached = lifecycle(false)?;
    let cached = lifecycle(true)?;
    println!("| operation | uncached | cached | Nexus Mutual V2 | uncached / cached vs V2 |");
    println!("|---|---:|---:|---:|---:|");
    let thousands = |n: u64| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    let mut over_half = Vec::new();
    for ((op, u), c) in OPERATIONS.iter().zip(&uncached).zip(&cached) {
        let (v2, ratio) = match op.v2 {
            Some((name, v2)) => {
                if *c * 2 > v2 {
                    over_half.push(op.name);
                }
                (
                    format!("{} (`{name}`)", thousands(v2)),
                    format!("{} / {}", percent(*u, v2), percent(*c, v2)),
                )
            }
            None => ("—".to_string(), "—".to_string()),
        };
        println!(
            "| {} | {} | {} | {v2} | {ratio} |",
            op.name,
            thousands(*u),
            thousands(*c)
        );
    }
    println!();
    if over_half.is_empty() {
        println!(
            "Every operation with a V2 figure is at or under 50 % of V2 with programs cached."
        );
    } else {
        println!(
            "Over 50 % of V2 with programs cached: {}.",
            over_half.join("; ")
        );
    }
    Ok(())
}
