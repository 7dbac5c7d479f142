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
    cover::abi::ICover,
    membership::{abi::IMembership, DEFAULT_JOINING_FEE_ETH},
    nxm_token::abi::INxmToken,
    pool_registry::abi::IPoolRegistry,
    staking_pool::abi::IStakingPool,
    staking_products::abi::IStakingProducts,
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

/// The underwriting lifecycle's operations, in the order [`underwriting`] runs them.
const UNDERWRITING: [Operation; 13] = [
    Operation {
        name: "create a staking pool (1 product)",
        v2: Some(("StakingProducts.createStakingPool, 1 product", 404_913)),
    },
    Operation {
        name: "deposit, first into the pool (mints the position NFT)",
        v2: Some(("StakingPool.depositTo, first deposit", 287_414)),
    },
    Operation {
        name: "deposit, a later staker (mints the position NFT)",
        v2: Some(("StakingPool.depositTo, later staker", 213_398)),
    },
    Operation {
        name: "set the pool's products (1 product)",
        v2: Some(("StakingProducts.setProducts, 1 product", 124_253)),
    },
    Operation {
        name: "buy cover, ETH, 1 pool, first of the product in the pool",
        v2: Some(("Cover.buyCover ETH, 1 pool, first", 805_210)),
    },
    Operation {
        name: "buy cover, ETH, 1 pool",
        v2: Some(("Cover.buyCover ETH, 1 pool, subsequent", 646_242)),
    },
    Operation {
        name: "buy cover, paid in NXM, 1 pool",
        v2: Some(("Cover.buyCover paid in NXM, 1 pool", 655_164)),
    },
    Operation {
        name: "buy cover, ETH, 10 % commission",
        v2: Some(("Cover.buyCover ETH with 10 % commission", 655_461)),
    },
    Operation {
        name: "edit cover (extend + increase, 1 pool)",
        v2: Some(("Cover.buyCover edit", 825_438)),
    },
    Operation {
        name: "extend a deposit to the next tranche",
        v2: Some(("StakingPool.extendDeposit", 199_512)),
    },
    Operation {
        name: "expire a cover (1 allocation)",
        v2: Some(("Cover.expireCover", 253_956)),
    },
    Operation {
        name: "withdraw stake + rewards (1 expired tranche, whose expiry it processes)",
        v2: Some(("StakingPool.withdraw", 142_411)),
    },
    Operation {
        name: "withdraw stake + rewards (1 expired tranche, expiry already processed)",
        v2: Some(("StakingPool.withdraw", 142_411)),
    },
];

const DAY_SECS: u64 = 86_400;

/// An ETH cover of `amount` on product 0 from pool 1 for 91 days (`cover_id` 0: new, else the
/// cover to edit), paid in `payment_asset` (0 ETH, 255 NXM) up to `max_premium`, with
/// `commission_bps` to `destination`. ETH sent beyond the premium is refunded.
fn cover_order(
    owner: Address,
    cover_id: U256,
    amount: U256,
    max_premium: U256,
    (payment_asset, commission_bps, destination): (u8, u16, Address),
) -> ICover::buyCoverCall {
    ICover::buyCoverCall {
        params: (
            cover_id,
            owner,
            U256::ZERO,
            U256::ZERO,
            amount,
            U256::from(91 * DAY_SECS),
            max_premium,
            U256::from(payment_asset),
            U256::from(commission_bps),
            destination,
            String::new(),
        ),
        poolAllocations: vec![(U256::from(1), amount)],
    }
}

/// Runs the underwriting lifecycle on a fresh deployment: a pool, three stakers, covers bought
/// every way, an edit, an extension, an expiry and two withdrawals from the expired tranche
/// (the first processes its expiry); the gas of each of [`UNDERWRITING`].
fn underwriting(cached: bool) -> Result<Vec<u64>, DeployFailure> {
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
    let founder = config.founder.address();
    let [stella, sam, bob, dan] = ["stella", "sam", "bob", "dan"].map(|name| {
        chain.add_signer(&signer_of_seed(name.as_bytes()));
        address_of_seed(name.as_bytes())
    });
    for (nonce, account) in [stella, sam, bob, dan].into_iter().enumerate() {
        chain.fund(account, tokens(10_000))?;
        let deadline = U256::from(chain.timestamp() + 3_600);
        let call = join_call(
            chain,
            &config,
            &protocol,
            account,
            U256::from(nonce + 1),
            deadline,
        );
        send(
            chain,
            "join",
            account,
            protocol.membership,
            DEFAULT_JOINING_FEE_ETH,
            &call,
        )?;
        let gift = INxmToken::transferCall {
            to: account,
            amountNxm: tokens(100_000),
        };
        send(
            chain,
            "transfer",
            founder,
            protocol.nxm_token,
            U256::ZERO,
            &gift,
        )?;
    }
    let Protocol {
        staking_pool,
        pool_registry,
        staking_products,
        cover,
        ..
    } = protocol;
    let mut gas = Vec::new();
    let create = IPoolRegistry::createPoolCall {
        isPrivate: false,
        initialFeePercent: U256::from(10),
        maxFeePercent: U256::from(20),
        products: vec![(U256::ZERO, U256::from(100), U256::from(200))],
        metadataUri: "ipfs://pool".into(),
    };
    gas.push(
        send(
            chain,
            "createPool",
            stella,
            pool_registry,
            U256::ZERO,
            &create,
        )?
        .outcome
        .gas_used,
    );
    let tranche = chain.timestamp() / (91 * DAY_SECS) + 2;
    let deposit = |who: Address| IStakingPool::depositToCall {
        poolId: U256::from(1),
        amountNxm: tokens(50_000),
        trancheId: U256::from(tranche),
        tokenId: U256::ZERO,
        destination: who,
    };
    gas.push(
        send(
            chain,
            "deposit",
            stella,
            staking_pool,
            U256::ZERO,
            &deposit(stella),
        )?
        .outcome
        .gas_used,
    );
    gas.push(
        send(
            chain,
            "deposit",
            sam,
            staking_pool,
            U256::ZERO,
            &deposit(sam),
        )?
        .outcome
        .gas_used,
    );
    send(
        chain,
        "deposit",
        dan,
        staking_pool,
        U256::ZERO,
        &deposit(dan),
    )?;
    let set_products = IStakingProducts::setProductsCall {
        poolId: U256::from(1),
        products: vec![(U256::ZERO, U256::from(90), U256::from(250))],
    };
    gas.push(
        send(
            chain,
            "setProducts",
            stella,
            staking_products,
            U256::ZERO,
            &set_products,
        )?
        .outcome
        .gas_used,
    );
    let in_eth = (0, 0, Address::ZERO);
    let eth = cover_order(bob, U256::ZERO, tokens(10), tokens(10), in_eth);
    let first = send(chain, "buyCover", bob, cover, tokens(10), &eth)?;
    gas.push(first.outcome.gas_used);
    gas.push(
        send(chain, "buyCover", bob, cover, tokens(10), &eth)?
            .outcome
            .gas_used,
    );
    let in_nxm = cover_order(
        bob,
        U256::ZERO,
        tokens(10),
        tokens(1_000),
        (255, 0, Address::ZERO),
    );
    gas.push(
        send(chain, "buyCover (NXM)", bob, cover, U256::ZERO, &in_nxm)?
            .outcome
            .gas_used,
    );
    let commission = cover_order(bob, U256::ZERO, tokens(10), tokens(10), (0, 1_000, dan));
    gas.push(
        send(
            chain,
            "buyCover (commission)",
            bob,
            cover,
            tokens(10),
            &commission,
        )?
        .outcome
        .gas_used,
    );
    chain.advance_time(10 * DAY_SECS)?;
    let edit = cover_order(bob, first.value, tokens(20), tokens(20), in_eth);
    gas.push(
        send(chain, "buyCover (edit)", bob, cover, tokens(20), &edit)?
            .outcome
            .gas_used,
    );
    let extend = IStakingPool::extendDepositCall {
        tokenId: U256::from(2),
        fromTrancheId: U256::from(tranche),
        toTrancheId: U256::from(tranche + 1),
        topUpNxm: U256::ZERO,
    };
    gas.push(
        send(
            chain,
            "extendDeposit",
            sam,
            staking_pool,
            U256::ZERO,
            &extend,
        )?
        .outcome
        .gas_used,
    );
    chain.advance_time(82 * DAY_SECS)?;
    let expire = ICover::expireCoverCall {
        coverId: U256::from(2),
    };
    gas.push(
        send(chain, "expireCover", dan, cover, U256::ZERO, &expire)?
            .outcome
            .gas_used,
    );
    let end = (tranche + 1) * 91 * DAY_SECS;
    let now = chain.timestamp();
    chain.advance_time(end - now + 1)?;
    let withdraw = IStakingPool::withdrawCall {
        poolId: U256::from(1),
        tokenId: U256::from(1),
        withdrawStake: true,
        withdrawRewards: true,
        trancheIds: vec![U256::from(tranche)],
    };
    gas.push(
        send(
            chain,
            "withdraw",
            stella,
            staking_pool,
            U256::ZERO,
            &withdraw,
        )?
        .outcome
        .gas_used,
    );
    let withdraw = IStakingPool::withdrawCall {
        tokenId: U256::from(3),
        ..withdraw
    };
    gas.push(
        send(chain, "withdraw", dan, staking_pool, U256::ZERO, &withdraw)?
            .outcome
            .gas_used,
    );
    Ok(gas)
}

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
    let mut uncached = lifecycle(false)?;
    let mut cached = lifecycle(true)?;
    uncached.extend(underwriting(false)?);
    cached.extend(underwriting(true)?);
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
    for ((op, u), c) in OPERATIONS
        .iter()
        .chain(&UNDERWRITING)
        .zip(&uncached)
        .zip(&cached)
    {
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
