//! The main job: deploy the mutual, run a member session, printing each step with its gas, then
//! the RAMM's spot prices A and B, book value and MCR% after it, then an underwriting session: a
//! member creates a staking pool and stakes, another buys cover with ETH and with NXM, time
//! passes, the staker withdraws the streamed rewards; then bob claims half of his cover, the
//! founder assesses it with staked NXM, the payout is redeemed (the pool's stake burned) and the
//! assessor withdraws its reward; the members seat stella on the advisory board by a proposal
//! that is voted, waits out its timelock and is executed; the cover expires and its capacity
//! returns — each step with its gas.
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
use alloy_sol_types::SolCall;
use mutual_deploy::{
    address_of_seed, deploy, fund_deployment, join_call, network, send, signer_of_seed, swap_call,
    tokens, view, Chain, DeployConfig, DeployFailure, Protocol, RpcChain, Unrecorded, WAD,
};
use mutual_interfaces::{
    assessment::abi::IAssessment, capital_pool::abi::ICapitalPool, claims::abi::IClaims,
    cover::abi::ICover, governance::abi::IGovernance, membership::abi::IMembership,
    nxm_token::abi::INxmToken, pool_registry::abi::IPoolRegistry, ramm::abi::IRamm,
    staking_pool::abi::IStakingPool, staking_products::abi::IStakingProducts,
    staking_viewer::abi::IStakingViewer,
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
    node.fund(bob, tokens(1) + config.seed_eth / U256::from(500))?;
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

    underwriting(node, &protocol, &config, bob)?;

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

/// A cover of `amount_eth` (ETH) on launch product 0 from pool 1 for `period_secs`, paid in ETH
/// (`payment_asset` 0) or NXM (255) up to `max_premium`.
fn cover_call(
    owner: Address,
    amount_eth: U256,
    period_secs: u64,
    payment_asset: u8,
    max_premium: U256,
) -> ICover::buyCoverCall {
    ICover::buyCoverCall {
        params: (
            U256::ZERO,
            owner,
            U256::ZERO,
            U256::ZERO,
            amount_eth,
            U256::from(period_secs),
            max_premium,
            U256::from(payment_asset),
            U256::ZERO,
            Address::ZERO,
            String::new(),
        ),
        poolAllocations: vec![(U256::from(1), amount_eth)],
    }
}

/// Moves the chain's clock `secs` ahead; false (after saying so) on a node that cannot.
fn pass_time(node: &mut dyn Chain, secs: u64) -> Result<bool, DeployFailure> {
    if !node.has_dev_methods() {
        println!(
            "  (the rest needs evm_increaseTime: months pass, which real time cannot wait for)"
        );
        return Ok(false);
    }
    node.advance_time(secs)?;
    Ok(true)
}

/// The underwriting session: stella stakes in a pool of her own, `bob` buys cover with ETH and
/// with NXM, rewards stream to her, the cover expires and its capacity returns.
fn underwriting(
    node: &mut dyn Chain,
    protocol: &Protocol,
    config: &DeployConfig,
    bob: Address,
) -> Result<(), DeployFailure> {
    let stella = address_of_seed(b"stella");
    node.add_signer(&signer_of_seed(b"stella"));
    node.fund(stella, tokens(1))?;
    let day = config.cover.day_secs;
    println!();
    println!("== Underwriting session (a staking day = {day} s) ==");
    let step = |name: &str, gas: u64| println!("  {name:<72} {gas:>9} gas");
    let deadline = U256::from(node.timestamp() + 86_400);
    step(
        "stella joins",
        join(node, protocol, config, stella, 3, deadline)?,
    );
    // The founder gives stella 2 % of the genesis supply to stake (20 000 NXM on the devnet).
    let stake = config.genesis_supply_nxm() / U256::from(50);
    let gift = INxmToken::transferCall {
        to: stella,
        amountNxm: stake,
    };
    let founder = config.founder.address();
    send(
        node,
        "founder → stella",
        founder,
        protocol.nxm_token,
        U256::ZERO,
        &gift,
    )?;
    let create = IPoolRegistry::createPoolCall {
        isPrivate: false,
        initialFeePercent: U256::from(10),
        maxFeePercent: U256::from(20),
        products: vec![(U256::ZERO, U256::from(100), U256::from(200))],
        metadataUri: "ipfs://stella-pool".into(),
    };
    let tx = send(
        node,
        "createPool",
        stella,
        protocol.pool_registry,
        U256::ZERO,
        &create,
    )?;
    let pool = tx.value;
    step(
        &format!("stella creates pool {pool} (fee 10 %, product 0 at weight 100, target 2 %/yr)"),
        tx.outcome.gas_used,
    );
    let tranche = node.timestamp() / (91 * day) + 2;
    let deposit = IStakingPool::depositToCall {
        poolId: pool,
        amountNxm: stake,
        trancheId: U256::from(tranche),
        tokenId: U256::ZERO,
        destination: stella,
    };
    let tx = send(
        node,
        "depositTo",
        stella,
        protocol.staking_pool,
        U256::ZERO,
        &deposit,
    )?;
    let position = tx.value;
    step(
        &format!(
            "stella stakes {} NXM in tranche {tranche} (position NFT #{position})",
            fmt_tokens(stake, 0)
        ),
        tx.outcome.gas_used,
    );
    let capacity = |node: &mut dyn Chain| {
        let c = view(
            node,
            "capacity",
            protocol.staking_products,
            &IStakingProducts::capacityCall {
                poolId: pool,
                productId: U256::ZERO,
                periodSecs: U256::from(91 * day),
            },
        )?;
        Ok::<_, DeployFailure>(format!(
            "capacity {} NXM, {} allocated",
            fmt_tokens(c._0, 0),
            fmt_tokens(c._1, 2)
        ))
    };
    println!("  {}", capacity(node)?);

    // Bob covers 1/1000 of the seed in ETH for 91 days, paying ETH (the excess comes back).
    let amount = config.seed_eth / U256::from(1_000);
    let buy = cover_call(bob, amount, 91 * day, 0, amount);
    let tx = send(node, "buyCover (ETH)", bob, protocol.cover, amount, &buy)?;
    let cover_id = tx.value;
    step(
        &format!(
            "bob buys cover #{cover_id}: {} ETH for 91 days, paid in ETH",
            fmt_tokens(amount, 2)
        ),
        tx.outcome.gas_used,
    );
    let tx = swap(
        node,
        protocol,
        bob,
        config.seed_eth / U256::from(10_000),
        U256::ZERO,
    )?;
    let bob_nxm = tx.value;
    let buy = cover_call(bob, amount / U256::from(2), 91 * day, 255, bob_nxm);
    let tx = send(
        node,
        "buyCover (NXM)",
        bob,
        protocol.cover,
        U256::ZERO,
        &buy,
    )?;
    step(
        &format!(
            "bob buys cover #{}: {} ETH for 91 days, paid in NXM (burned)",
            tx.value,
            fmt_tokens(amount / U256::from(2), 2)
        ),
        tx.outcome.gas_used,
    );
    println!("  {}", capacity(node)?);

    if !pass_time(node, 30 * day)? {
        return Ok(());
    }
    let withdrawable = |node: &mut dyn Chain, token: U256| {
        let w = view(
            node,
            "withdrawable",
            protocol.staking_viewer,
            &IStakingViewer::withdrawableCall {
                poolId: pool,
                tokenId: token,
                trancheId: U256::from(tranche),
            },
        )?;
        Ok::<_, DeployFailure>(w._1)
    };
    for (token, what) in [
        (position, "her position's"),
        (U256::ZERO, "the manager fee's"),
    ] {
        let rewards = withdrawable(node, token)?;
        let withdraw = IStakingPool::withdrawCall {
            poolId: pool,
            tokenId: token,
            withdrawStake: false,
            withdrawRewards: true,
            trancheIds: vec![U256::from(tranche)],
        };
        let tx = send(
            node,
            "withdraw",
            stella,
            protocol.staking_pool,
            U256::ZERO,
            &withdraw,
        )?;
        step(
            &format!(
                "30 days on: stella withdraws {what} rewards, {} NXM",
                fmt_tokens(rewards, 4)
            ),
            tx.outcome.gas_used,
        );
    }
    claim_and_proposal(
        node,
        protocol,
        config,
        bob,
        stella,
        cover_id,
        amount / U256::from(2),
    )?;
    if !pass_time(node, 56 * day)? {
        return Ok(());
    }
    let expire = ICover::expireCoverCall { coverId: cover_id };
    let tx = send(
        node,
        "expireCover",
        bob,
        protocol.cover,
        U256::ZERO,
        &expire,
    )?;
    step(
        &format!("100 days on: cover #{cover_id} has ended; bob expires it"),
        tx.outcome.gas_used,
    );
    println!(
        "  {} (cover #{cover_id}'s capacity returned)",
        capacity(node)?
    );
    Ok(())
}

/// The claims and governance session, 30 days into `cover_id`: `bob` claims `amount` (ETH) with
/// the quoted deposit, the founder stakes NXM as an assessor and accepts, the poll (3 days) and
/// the cooldown (1 day) pass, bob redeems (payout and deposit to him, the pool's stake burned),
/// the founder withdraws the assessment reward; then the founder locks NXM in governance and
/// proposes seating `stella` on advisory-board seat 0 (a special resolution: uncapped weight,
/// ≥ 75 %), votes, and after the 3-day vote and the 1-day timelock anyone executes it.
fn claim_and_proposal(
    node: &mut dyn Chain,
    protocol: &Protocol,
    config: &DeployConfig,
    bob: Address,
    stella: Address,
    cover_id: U256,
    amount: U256,
) -> Result<(), DeployFailure> {
    let day = config.cover.day_secs;
    let founder = config.founder.address();
    let step = |name: &str, gas: u64| println!("  {name:<72} {gas:>9} gas");
    println!();
    println!("== Claims and governance session ==");
    let quote = view(
        node,
        "claims.quoteDeposit",
        protocol.claims,
        &IClaims::quoteDepositCall {
            coverId: cover_id,
            amount,
        },
    )?;
    let submit = IClaims::submitClaimCall {
        coverId: cover_id,
        amount,
        proofUri: "ipfs://incident-report".into(),
    };
    let tx = send(node, "submitClaim", bob, protocol.claims, quote._0, &submit)?;
    let claim_id = tx.value;
    step(
        &format!(
            "bob claims {} ETH on cover #{cover_id} (claim #{claim_id}, deposit {} ETH)",
            fmt_tokens(amount, 2),
            fmt_tokens(quote._0, 4)
        ),
        tx.outcome.gas_used,
    );
    let assessment_id = view(
        node,
        "claims.claim",
        protocol.claims,
        &IClaims::claimCall { claimId: claim_id },
    )?
    ._3;
    let stake = config.genesis_supply_nxm() / U256::from(1_000);
    let tx = send(
        node,
        "Assessment.stake",
        founder,
        protocol.assessment,
        U256::ZERO,
        &IAssessment::stakeCall { amountNxm: stake },
    )?;
    step(
        &format!(
            "the founder stakes {} NXM as an assessor",
            fmt_tokens(stake, 0)
        ),
        tx.outcome.gas_used,
    );
    let vote = IAssessment::castVoteCall {
        assessmentId: assessment_id,
        accept: true,
    };
    let tx = send(
        node,
        "castVote",
        founder,
        protocol.assessment,
        U256::ZERO,
        &vote,
    )?;
    step(
        "the founder accepts (the first vote opens a 3-day poll)",
        tx.outcome.gas_used,
    );
    // The poll (3 days) and the payout cooldown (1 day).
    if !pass_time(node, 4 * day)? {
        return Ok(());
    }
    let bob_before = node.balance(bob);
    let redeem = IClaims::redeemClaimPayoutCall { claimId: claim_id };
    let tx = send(
        node,
        "redeemClaimPayout",
        bob,
        protocol.claims,
        U256::ZERO,
        &redeem,
    )?;
    let received = node.balance(bob) + tx.outcome.fee_wei - bob_before;
    step(
        &format!(
            "4 days on: bob redeems {} ETH (payout + deposit; the stake burned)",
            fmt_tokens(received, 4)
        ),
        tx.outcome.gas_used,
    );
    // Rewards are withdrawable strictly after the cooldown's end.
    if !pass_time(node, 1)? {
        return Ok(());
    }
    let withdraw = IAssessment::withdrawRewardsCall {
        staker: founder,
        batchSize: U256::ZERO,
    };
    let tx = send(
        node,
        "withdrawRewards",
        founder,
        protocol.assessment,
        U256::ZERO,
        &withdraw,
    )?;
    step(
        &format!(
            "the founder withdraws the assessment reward, {} NXM",
            fmt_tokens(tx.value._0, 4)
        ),
        tx.outcome.gas_used,
    );

    let lock = config.genesis_supply_nxm() / U256::from(4);
    let tx = send(
        node,
        "Governance.lock",
        founder,
        protocol.governance,
        U256::ZERO,
        &IGovernance::lockCall { amountNxm: lock },
    )?;
    step(
        &format!(
            "the founder locks {} NXM in governance",
            fmt_tokens(lock, 0)
        ),
        tx.outcome.gas_used,
    );
    let seat = IMembership::setAdvisoryBoardSeatCall {
        seat: 0,
        account: stella,
    };
    let propose = IGovernance::proposeCall {
        actions: vec![(protocol.membership, U256::ZERO, seat.abi_encode().into())],
        descriptionUri: "ipfs://seat-stella".into(),
    };
    let tx = send(
        node,
        "propose",
        founder,
        protocol.governance,
        U256::ZERO,
        &propose,
    )?;
    let proposal_id = tx.value;
    step(
        &format!("the founder proposes #{proposal_id}: stella takes advisory-board seat 0"),
        tx.outcome.gas_used,
    );
    let vote = IGovernance::voteCall {
        proposalId: proposal_id,
        support: true,
    };
    let tx = send(
        node,
        "vote",
        founder,
        protocol.governance,
        U256::ZERO,
        &vote,
    )?;
    step(
        "the founder votes for it (a special resolution: weight uncapped)",
        tx.outcome.gas_used,
    );
    // 3 days of voting, then the 1-day timelock.
    if !pass_time(node, 4 * day)? {
        return Ok(());
    }
    let execute = IGovernance::executeCall {
        proposalId: proposal_id,
    };
    let tx = send(
        node,
        "execute",
        bob,
        protocol.governance,
        U256::ZERO,
        &execute,
    )?;
    let seated = view(
        node,
        "membership.advisoryBoardSeat",
        protocol.membership,
        &IMembership::advisoryBoardSeatCall { seat: 0 },
    )?;
    step(
        &format!("4 days on: bob executes it; seat 0 is now {seated}"),
        tx.outcome.gas_used,
    );
    Ok(())
}
