//! The underwriting engine on the devnode over the contracts' real WASM: a member creates a
//! staking pool and stakes, another buys cover with ETH and with NXM, the premium reaches the
//! capital pool (or is burned), half of it is minted to the pool and streamed to the stakers,
//! time passes, rewards are withdrawn, the cover expires and its capacity returns, the tranche
//! expires and the stake comes back — and the paths that must fail, across contracts.
//!
//! Expected values are computed here from the rules (protocol-reference §5, §6) and the views'
//! inputs, not read back from the contract that produced them.

use alloy_primitives::{Address, U256};
use mutual_deploy::tokens;
use mutual_interfaces::{
    common::NotMember,
    cover::{self, abi::ICover},
    cover_viewer::abi::ICoverViewer,
    pool_registry::{self, abi::IPoolRegistry},
    position_nft::abi::IPositionNft,
    staking_pool::{self, PrivatePool},
    staking_products::{abi::IStakingProducts, InsufficientCapacity},
    staking_viewer::abi::IStakingViewer,
};
use protocol_e2e::{logged, reverted_with, CoverOrder, World};

const DAY: u64 = 86_400;
/// 0.01 NXM, the allocation unit.
const UNIT: u128 = 10_000_000_000_000_000;
/// 1e18.
const WAD: u128 = 1_000_000_000_000_000_000;

/// A world with a staker who manages a public pool (fee 10 %, max 20 %) listing the launch
/// products (0: dynamic, target 2 % a year; 1: fixed price 2 %), 50 000 NXM staked for two
/// tranches, and a member buyer.
struct Underwriting {
    w: World,
    staker: Address,
    buyer: Address,
    pool: U256,
    position: U256,
    tranche: u64,
    stake: U256,
}

fn underwriting() -> Underwriting {
    let mut w = World::new(tokens(20_000));
    let (staker, buyer) = (w.account("stella"), w.account("bob"));
    w.join(staker);
    w.join(buyer);
    let founder = w.config.founder.address();
    let gift = w.transfer_tx(founder, staker, tokens(100_000));
    assert!(gift.status);
    let (pool, created) = w.create_pool(staker, false, 10, 20, &[(0, 100, 200), (1, 50, 200)]);
    assert_eq!(pool, U256::from(1), "pool ids start at 1");
    let event: pool_registry::PoolCreated = logged(&created);
    assert_eq!(
        (event.manager, event.initialFeePercent),
        (staker, U256::from(10))
    );
    println!("create a pool (2 products): {} gas", created.gas_used);
    // Two tranches ahead: alive for at least 182 days, past any 91-day cover + 30-day grace.
    let tranche = w.current_tranche() + 2;
    let stake = tokens(50_000);
    let (position, deposited) = w.deposit(staker, pool, stake, tranche);
    println!(
        "first deposit into the pool (mints the position NFT): {} gas",
        deposited.gas_used
    );
    let nft = w.protocol.stake_nft;
    assert_eq!(
        w.view(nft, &IPositionNft::ownerOfCall { tokenId: position }),
        staker
    );
    assert_eq!(w.nxm_balance(staker), tokens(50_000));
    assert_eq!(
        w.nxm_balance(w.protocol.staking_pool),
        stake,
        "the pool holds the stake"
    );
    Underwriting {
        w,
        staker,
        buyer,
        pool,
        position,
        tranche,
        stake,
    }
}

/// `ceil(a / b)`.
fn div_up(a: U256, b: U256) -> U256 {
    a.div_ceil(b)
}

/// The NXM a cover of `amount_eth` allocates at `price` wei per NXM: `ceil(amount·1e18/price)`
/// rounded up to 0.01 NXM.
fn cover_nxm(amount_eth: U256, price: U256) -> U256 {
    let nxm = div_up(amount_eth * U256::from(WAD), price);
    div_up(nxm, U256::from(UNIT)) * U256::from(UNIT)
}

/// The premium in NXM for `nxm` of cover at `price_bps` a year for `period_secs`, rounded up.
fn premium_nxm(nxm: U256, price_bps: u64, period_secs: u64) -> U256 {
    div_up(
        nxm * U256::from(price_bps) * U256::from(period_secs),
        U256::from(10_000u64) * U256::from(365 * DAY),
    )
}

/// The RAMM's internal price now (what the cover contract converts with in this block).
fn internal_price(w: &mut World) -> U256 {
    w.ramm_state().internalPrice
}

fn capacity(w: &mut World, pool: U256, product: u64, period_secs: u64) -> (U256, U256, U256) {
    let products = w.protocol.staking_products;
    let c = w.view(
        products,
        &IStakingProducts::capacityCall {
            poolId: pool,
            productId: U256::from(product),
            periodSecs: U256::from(period_secs),
        },
    );
    (c._0, c._1, c._2)
}

#[test]
fn stake_buy_stream_withdraw_expire_and_unstake() {
    let Underwriting {
        mut w,
        staker,
        buyer,
        pool,
        position,
        tranche,
        stake,
    } = underwriting();
    if w.skips_without_time_travel("stake → buy → stream → withdraw → expire → unstake") {
        return;
    }
    let period = 91 * DAY;
    // Capacity at weight 100 %, no reduction: 2 × the stake.
    let (total, allocated, available) = capacity(&mut w, pool, 0, period);
    assert_eq!(
        (total, allocated, available),
        (stake * U256::from(2), U256::ZERO, stake * U256::from(2))
    );

    // An ETH cover paid in ETH, at the product's initial price (2.5 %: the bumped price starts
    // there and has not decayed yet).
    let amount = tokens(100);
    let order = CoverOrder::eth(buyer, 0, 1, amount, period);
    let price = internal_price(&mut w);
    let nxm = cover_nxm(amount, price);
    let premium = premium_nxm(nxm, 250, period);
    let premium_eth = div_up(premium * price, U256::from(WAD));
    assert_eq!(w.quote_cover(&order), (premium_eth, premium), "the quote");
    let (pool_eth, supply, buyer_eth) = (w.pool_eth(), w.nxm_supply(), w.balance(buyer));
    let (cover_id, bought) = w.buy_cover(buyer, &order, premium_eth * U256::from(2));
    println!("buyCover, ETH, 1 pool: {} gas", bought.gas_used);
    assert_eq!(cover_id, U256::from(1), "cover ids start at 1");
    let event: cover::CoverBought = logged(&bought);
    assert_eq!(
        (event.premiumInPaymentAsset, event.commission),
        (premium_eth, U256::ZERO)
    );
    assert_eq!(
        w.pool_eth(),
        pool_eth + premium_eth,
        "the premium reached the capital pool"
    );
    assert_eq!(
        w.balance(buyer),
        buyer_eth - premium_eth - U256::from(bought.fee_wei),
        "the excess came back"
    );
    let nft = w.protocol.cover_nft;
    assert_eq!(
        w.view(nft, &IPositionNft::ownerOfCall { tokenId: cover_id }),
        buyer
    );
    // The cover as the viewer decodes it from the cover contract's records.
    let cover_viewer = w.protocol.cover_viewer;
    let view = w.view(cover_viewer, &ICoverViewer::coverCall { coverId: cover_id });
    assert_eq!(
        (view._1, view._2, view._3, view._4, view._6, view._7),
        (
            U256::ZERO,
            amount,
            U256::from(w.timestamp()),
            U256::from(period),
            cover_id,
            cover_id
        )
    );
    let allocations = w.view(
        cover_viewer,
        &ICoverViewer::coverAllocationsCall { coverId: cover_id },
    );
    assert_eq!(allocations.len(), 1);
    assert_eq!(
        (allocations[0].0, allocations[0].1, allocations[0].2),
        (pool, nxm, premium)
    );
    let cover_contract = w.protocol.cover;
    let eth_cover = ICoverViewer::activeCoverCall {
        coverAsset: U256::ZERO,
    };
    assert_eq!(w.view(cover_viewer, &eth_cover), amount);
    assert_eq!(
        w.view(cover_contract, &ICover::totalActiveCoverEthCall {}),
        amount
    );
    // Half the premium is minted to the pool, streamed until the end of the 28-day bucket in
    // which cover end + grace falls: `rate = floor(premium/2 / stream)`, `rate × stream` minted.
    let start = w.timestamp();
    let bucket = 28 * DAY;
    let stream_end = (start + period + 30 * DAY).div_ceil(bucket) * bucket;
    let stream = U256::from(stream_end - start);
    let rate = premium / U256::from(2) / stream;
    let streamed: staking_pool::RewardsStreamed = logged(&bought);
    assert_eq!(
        (
            streamed.rewardPerSecondNxm,
            streamed.rewardsNxm,
            streamed.streamEndSecs
        ),
        (rate, rate * stream, U256::from(stream_end))
    );
    assert_eq!(w.nxm_supply(), supply + rate * stream);
    // The capacity used, and the next buyer's price: +0.05 % per 1 % of the capacity used.
    let units = nxm / U256::from(UNIT);
    let (_, allocated, _) = capacity(&mut w, pool, 0, period);
    assert_eq!(allocated, nxm);
    let capacity_units = stake * U256::from(2) / U256::from(UNIT);
    let bumped = U256::from(250) + div_up(U256::from(500) * units, capacity_units);
    let products = w.protocol.staking_products;
    let current = w.view(
        products,
        &IStakingProducts::currentPriceCall {
            poolId: pool,
            productId: U256::ZERO,
        },
    );
    assert_eq!(current, bumped);

    // A second cover paid in NXM: the premium is burned from the buyer.
    let bought_nxm = w.buy(buyer, tokens(10));
    let nxm_order = CoverOrder {
        payment_asset: 255,
        max_premium: bought_nxm,
        ..CoverOrder::eth(buyer, 0, 1, tokens(50), period)
    };
    let price2 = internal_price(&mut w);
    let (_, premium2) = w.quote_cover(&nxm_order);
    let (supply, buyer_nxm) = (w.nxm_supply(), w.nxm_balance(buyer));
    let (_, bought2) = w.buy_cover(buyer, &nxm_order, U256::ZERO);
    println!("buyCover, paid in NXM, 1 pool: {} gas", bought2.gas_used);
    assert_eq!(
        w.nxm_balance(buyer),
        buyer_nxm - premium2,
        "the NXM premium was taken"
    );
    let streamed2: staking_pool::RewardsStreamed = logged(&bought2);
    assert_eq!(
        w.nxm_supply(),
        supply - premium2 + streamed2.rewardsNxm,
        "premium burned, rewards minted"
    );

    // 30 days on, the stakers' rewards: the position's and the manager's fee position's
    // together are what was streamed, to within the accumulator's rounding (under a wei each).
    w.advance_time(30 * DAY);
    // Both covers were bought at the same block time (the devnode's clock moves only when told).
    let elapsed = U256::from(w.timestamp() - start);
    let streamed_total = (rate + streamed2.rewardPerSecondNxm) * elapsed;
    let (_, own) = w.withdrawable(pool, position, tranche);
    let (_, fee) = w.withdrawable(pool, U256::ZERO, tranche);
    assert!(own + fee <= streamed_total && streamed_total - (own + fee) <= U256::from(3));
    // The fee position holds floor(shares · fee/(100 − fee)) = floor(shares / 9) reward shares
    // beside the position's: 10 % of the rewards. Per share both earn the same, to within each
    // one's rounding (under a wei).
    let viewer = w.protocol.staking_viewer;
    let shares = |w: &mut World, token: U256| {
        w.view(
            viewer,
            &IStakingViewer::depositCall {
                poolId: pool,
                tokenId: token,
                trancheId: U256::from(tranche),
            },
        )
        ._1
    };
    let (own_shares, fee_shares) = (shares(&mut w, position), shares(&mut w, U256::ZERO));
    assert_eq!(fee_shares, own_shares / U256::from(9));
    let (a, b) = (fee * own_shares, own * fee_shares);
    assert!(
        a.max(b) - a.min(b) <= own_shares + fee_shares,
        "same reward per share"
    );
    let before = w.nxm_balance(staker);
    let withdrew = w.withdraw_tx(staker, pool, position, false, true, &[tranche]);
    assert!(withdrew.status, "{}", withdrew.return_data);
    println!("withdraw rewards (1 tranche): {} gas", withdrew.gas_used);
    assert_eq!(w.nxm_balance(staker), before + own);
    let fee_withdrew = w.withdraw_tx(staker, pool, U256::ZERO, false, true, &[tranche]);
    assert!(fee_withdrew.status, "{}", fee_withdrew.return_data);
    assert_eq!(w.nxm_balance(staker), before + own + fee);

    // The cover ends; anyone expires it and its capacity returns.
    w.advance_time(period - 30 * DAY + 1);
    let stranger = w.account("stranger");
    let cover_address = w.protocol.cover;
    let expired = w.send(
        stranger,
        cover_address,
        U256::ZERO,
        &ICover::expireCoverCall { coverId: cover_id },
    );
    assert!(expired.status, "{}", expired.return_data);
    println!("expireCover (1 allocation): {} gas", expired.gas_used);
    let (_, allocated, _) = capacity(&mut w, pool, 0, period);
    assert_eq!(
        allocated,
        cover_nxm(tokens(50), price2),
        "only the second cover's allocation is left"
    );
    assert_eq!(
        w.view(cover_viewer, &eth_cover),
        tokens(50),
        "only the second cover is active"
    );

    // Past the tranche's end the stake comes back whole (nothing was burned), with the rest of
    // the rewards.
    let tranche_end = (tranche + 1) * 91 * DAY;
    let now = w.timestamp();
    w.advance_time(tranche_end - now + 1);
    let (stake_out, rewards_out) = w.withdrawable(pool, position, tranche);
    assert_eq!(stake_out, stake);
    let before = w.nxm_balance(staker);
    let unstaked = w.withdraw_tx(staker, pool, position, true, true, &[tranche]);
    assert!(unstaked.status, "{}", unstaked.return_data);
    println!(
        "withdraw stake + rewards (1 expired tranche): {} gas",
        unstaked.gas_used
    );
    assert_eq!(w.nxm_balance(staker), before + stake_out + rewards_out);
}

#[test]
fn capacity_privacy_and_membership_are_enforced_across_contracts() {
    let Underwriting {
        mut w,
        staker,
        buyer,
        pool,
        stake,
        ..
    } = underwriting();
    let period = 91 * DAY;
    // More cover than twice the stake: InsufficientCapacity with the numbers.
    let price = internal_price(&mut w);
    let too_much = stake * U256::from(2) * price / U256::from(WAD) + tokens(1);
    let order = CoverOrder::eth(buyer, 0, 1, too_much, period);
    let requested = cover_nxm(too_much, price) / U256::from(UNIT);
    let available = stake * U256::from(2) / U256::from(UNIT);
    let receipt = w.buy_cover_tx(buyer, &order, too_much);
    reverted_with(
        &receipt,
        InsufficientCapacity {
            poolId: pool,
            productId: U256::ZERO,
            requestedUnits: requested,
            availableUnits: available,
        },
    );
    // A non-member cannot buy cover, nor create a pool.
    let stranger = w.account("stranger");
    let receipt = w.buy_cover_tx(
        stranger,
        &CoverOrder::eth(stranger, 0, 1, tokens(1), period),
        tokens(1),
    );
    reverted_with(&receipt, NotMember { account: stranger });
    let registry = w.protocol.pool_registry;
    let create = IPoolRegistry::createPoolCall {
        isPrivate: false,
        initialFeePercent: U256::ZERO,
        maxFeePercent: U256::ZERO,
        products: vec![],
        metadataUri: "ipfs://x".into(),
    };
    reverted_with(
        &w.send(stranger, registry, U256::ZERO, &create),
        NotMember { account: stranger },
    );
    // A private pool takes deposits from its manager only.
    let (private, _) = w.create_pool(staker, true, 0, 0, &[(0, 10, 100)]);
    let tranche = w.current_tranche() + 1;
    let founder = w.config.founder.address();
    let receipt = w.deposit_tx(founder, private, tokens(1), tranche, U256::ZERO);
    reverted_with(&receipt, PrivatePool { poolId: private });
    let (_, manager_deposit) = w.deposit(staker, private, tokens(1_000), tranche);
    assert!(manager_deposit.status);
}
