//! Reentrancy: a hostile Stylus contract (the fixture `security/fixtures/hostile`, package
//! `hostile-member`, real SDK WASM on the devnode) joins as a member and takes every role that
//! receives ETH or a callback from the protocol — seller on the RAMM, claimant, commission
//! destination, cover buyer, NFT receiver, recipient of a governance treasury transfer — and
//! re-enters from its `receive` / `onERC721Received`, or makes them revert.
//!
//! The rules every test checks, with exact amounts:
//! * **Same-contract re-entry fails cleanly.** Every protocol contract but governance is built
//!   without the SDK's `reentrant` feature, whose entrypoint guard reverts any call into a
//!   contract already on the call stack with empty revert data (status 1, nothing written).
//!   The hostile records that failure and lets the outer call finish: it pays once, in full.
//!   Governance allows re-entry (its actions call it) and refuses a second `execute` by the
//!   proposal's `EXECUTED` mark, written before the first action runs.
//! * **Cross-contract re-entry sees final state.** A re-entry into a contract not on the stack
//!   runs, and finds the outer call's effects done (checks-effects-interactions): the NXM of a
//!   sale already burned, the NFT already moved.
//! * **A refusing receiver reverts the whole call with the payer's custom error**
//!   (`EthTransferFailed(to, amount)` of the contract that sends, passed on unchanged by its
//!   callers; `UnsafeRecipient(receiver)` for an NFT; `ActionFailed(0, …)` around it for a
//!   governance action), nothing changes (the [`Fingerprint`] of the chain is equal), and the
//!   same call succeeds once the receiver accepts: nothing is stuck.
//!
//! # Every path that sends ETH or calls out to an address a member chooses
//! Found by grepping `contracts/*/src` for `transfer_eth`, `call_out` / `RawCall` with a value
//! and the SDK's `call(`:
//!
//! | path | receiver | covered by |
//! |---|---|---|
//! | capital pool `paySwapEth` (RAMM sale) | the seller | [`a_seller_re_entering_the_ramm_is_paid_once_and_sees_its_nxm_burned`] |
//! | capital pool `payClaim` (claims `redeemClaimPayout`) | the cover's owner | [`a_claimant_re_entering_claims_gets_one_refund_and_one_payout`] |
//! | claims `submitClaim`: the excess over the deposit | the claimant | [`a_claimant_re_entering_claims_gets_one_refund_and_one_payout`] |
//! | cover `buyCover`: the commission (ETH) | the commission destination | [`a_commission_destination_and_a_buyer_re_entering_cover_are_paid_once`] |
//! | cover `buyCover`: the excess over premium and commission | the buyer | [`a_commission_destination_and_a_buyer_re_entering_cover_are_paid_once`] |
//! | position NFT `safeTransferFrom` → `onERC721Received` (cover and stake NFTs) | the receiver | [`an_nft_receiver_re_entering_gets_the_token_and_nothing_else`] |
//! | position NFT `mint` | no callback (V2's rule) | [`an_nft_receiver_re_entering_gets_the_token_and_nothing_else`] |
//! | governance `execute`: each action with its value, here the capital pool's `transferTreasury` | the treasury transfer's `to` | [`a_treasury_transfer_re_entering_governance_executes_once`] |
//! | claims `submitClaim` deposit, cover `buyCover` premium, membership `sweepFees`, the RAMM's `depositSwapEth` | the capital pool only (its `receive` logs and accepts) | not member-controlled |
//! | membership `join` | takes exactly the fee, refunds nothing (the hostile joins through `forward` in every test) | — |
//! | staking pool `withdraw`, governance `unlock`, assessment rewards | NXM through the token's `transfer`, which calls no receiver | — |

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError};
use mutual_deploy::{swap_call, tokens, Outcome};
use mutual_interfaces::{
    assessment::abi::IAssessment,
    capital_pool::abi::ICapitalPool,
    claims::{self, abi::IClaims, ClaimNotRedeemable},
    common::EthTransferFailed,
    cover::abi::ICover,
    cover_viewer::abi::ICoverViewer,
    governance::{self, abi::IGovernance, ActionFailed, InvalidProposalStatus},
    membership::DEFAULT_JOINING_FEE_ETH,
    nxm_token::{abi::INxmToken, InsufficientBalance},
    position_nft::{abi::IPositionNft, erc721::IErc721SafeTransfers, UnsafeRecipient},
    staking_pool::abi::IStakingPool,
};
use mutual_math::{pricing::commission, ramm::swap_nxm_for_eth};
use protocol_e2e::{reverted_with, CoverOrder, World};
use protocol_security::{devnode, workspace_root, Fingerprint};

const DAY: u64 = 86_400;
/// The fixture's package.
const HOSTILE_PACKAGE: &str = "hostile-member";

sol! {
    /// The hostile fixture's interface (`security/fixtures/hostile/src/lib.rs`).
    interface IHostile {
        function forward(address target, uint256 value, bytes data) external payable returns (bytes);
        function setHook(address target, uint256 value, bytes data, uint256 times) external;
        function setRefuse(bool refuse) external;
        function reentries() external view returns (uint256);
        function reentry(uint256 index) external view returns (bool, bytes);
    }
}

/// The deployed hostile contract and the account that drives it (its `forward` spends the
/// contract's own ETH, so every change of its balance is the protocol's doing).
struct Hostile {
    address: Address,
    driver: Address,
}

/// What a hook call got: `(succeeded, return or revert data)`.
type Reentry = (bool, Bytes);

/// A refused re-entry: the SDK's guard reverts with no data.
fn refused() -> Reentry {
    (false, Bytes::new())
}

impl Hostile {
    /// Builds (or loads) the fixture, deploys it through the StylusDeployer and gives it
    /// 1 000 ETH.
    fn deploy(w: &mut World) -> Self {
        let driver = w.account("mallory");
        let built = stylus_build::load_or_build(&workspace_root(), HOSTILE_PACKAGE)
            .unwrap_or_else(|e| panic!("building {HOSTILE_PACKAGE}: {e}"));
        let deployed = w
            .chain
            .deploy_program(
                driver,
                &built.code,
                Bytes::new(),
                U256::ZERO,
                B256::repeat_byte(0x66),
            )
            .unwrap_or_else(|outcome| panic!("deploying {HOSTILE_PACKAGE}: {outcome:?}"));
        w.chain
            .fund(deployed.address, tokens(1_000))
            .expect("funding the hostile contract");
        Self {
            address: deployed.address,
            driver,
        }
    }

    /// The hostile contract sends `call` to `target` with `value` wei of its own.
    fn forward<C: SolCall>(
        &self,
        w: &mut World,
        target: Address,
        value: U256,
        call: &C,
    ) -> Outcome {
        let forward = IHostile::forwardCall {
            target,
            value,
            data: call.abi_encode().into(),
        };
        w.send(self.driver, self.address, U256::ZERO, &forward)
    }

    /// [`Hostile::forward`], which must succeed; the callee's answer, decoded.
    fn forward_ok<C: SolCall>(
        &self,
        w: &mut World,
        target: Address,
        value: U256,
        call: &C,
    ) -> C::Return {
        let outcome = self.forward(w, target, value, call);
        assert!(
            outcome.status,
            "forwarded call failed: {}",
            outcome.return_data
        );
        let answer = IHostile::forwardCall::abi_decode_returns(&outcome.return_data)
            .expect("forward returns bytes");
        C::abi_decode_returns(&answer).expect("the callee's answer decodes")
    }

    /// Every callback from now on calls `target` with `value` wei and `call`, `times` times
    /// in all.
    fn hook<C: SolCall>(&self, w: &mut World, target: Address, value: U256, call: &C, times: u64) {
        let hook = IHostile::setHookCall {
            target,
            value,
            data: call.abi_encode().into(),
            times: U256::from(times),
        };
        assert!(w.send(self.driver, self.address, U256::ZERO, &hook).status);
    }

    /// Makes every callback revert (`true`) or run the hook (`false`).
    fn refuse(&self, w: &mut World, refuse: bool) {
        let call = IHostile::setRefuseCall { refuse };
        assert!(w.send(self.driver, self.address, U256::ZERO, &call).status);
    }

    /// Every hook call recorded so far, in order.
    fn reentries(&self, w: &mut World) -> Vec<Reentry> {
        let count: U256 = w.view(self.address, &IHostile::reentriesCall {});
        (0..count.to::<u64>())
            .map(|index| {
                let entry = w.view(
                    self.address,
                    &IHostile::reentryCall {
                        index: U256::from(index),
                    },
                );
                (entry._0, entry._1)
            })
            .collect()
    }
}

/// The chain state now.
fn fingerprint(w: &mut World) -> Fingerprint {
    Fingerprint::of(devnode(w))
}

/// Asserts that no account's balance, code or storage differs from `before`.
fn unchanged(w: &mut World, before: &Fingerprint) {
    let after = fingerprint(w);
    assert_eq!(
        before.differences(&after),
        Vec::<Address>::new(),
        "a reverted call changed these accounts"
    );
}

/// A fresh devnet deployment with the hostile contract joined (through its `forward`, paying
/// exactly the joining fee) and holding `nxm` NXM from the founder.
fn with_hostile(nxm: u64) -> (World, Hostile) {
    let mut w = World::new(tokens(20_000));
    let hostile = Hostile::deploy(&mut w);
    let approval = w.approval(hostile.address);
    let membership = w.protocol.membership;
    let joined = hostile.forward(&mut w, membership, DEFAULT_JOINING_FEE_ETH, &approval);
    assert!(joined.status, "the hostile join: {}", joined.return_data);
    if nxm != 0 {
        gift(&mut w, hostile.address, nxm);
    }
    (w, hostile)
}

/// The founder sends `nxm` NXM to `member`.
fn gift(w: &mut World, member: Address, nxm: u64) {
    let founder = w.config.founder.address();
    assert!(w.transfer_tx(founder, member, tokens(nxm)).status);
}

/// A joined member named `name` holding `nxm` NXM.
fn member(w: &mut World, name: &str, nxm: u64) -> Address {
    let account = w.account(name);
    w.join(account);
    if nxm != 0 {
        gift(w, account, nxm);
    }
    account
}

/// A staking pool (id 1) listing product 0 at weight 100 and 2 %/yr, with 50 000 NXM staked
/// two tranches ahead by its manager stella; `(stella, her position, the tranche)`.
fn staked_pool(w: &mut World) -> (Address, U256, u64) {
    let stella = member(w, "stella", 100_000);
    let (pool, _) = w.create_pool(stella, false, 10, 20, &[(0, 100, 200)]);
    assert_eq!(pool, U256::from(1u8));
    let tranche = w.current_tranche() + 2;
    let (position, _) = w.deposit(stella, pool, tokens(50_000), tranche);
    (stella, position, tranche)
}

/// A new 10 ETH cover on product 0 from pool 1 for 91 days, owned by `owner`.
fn ten_eth_cover(owner: Address) -> CoverOrder {
    CoverOrder::eth(owner, 0, 1, tokens(10), 91 * DAY)
}

#[test]
fn a_seller_re_entering_the_ramm_is_paid_once_and_sees_its_nxm_burned() {
    let (mut w, hostile) = with_hostile(10_000);
    let h = hostile.address;
    let alice = member(&mut w, "alice", 0);
    let (ramm, token) = (w.protocol.ramm, w.protocol.nxm_token);
    let sale_nxm = tokens(4_000);
    let sell = swap_call(w.chain.as_mut(), sale_nxm, U256::ZERO);

    // Refusing the ETH: the capital pool's EthTransferFailed, passed on by the RAMM; nothing
    // changes (the NXM is not burned, the reserves do not move).
    let (_, sale_eth) = swap_nxm_for_eth(&w.ramm_math_state(), sale_nxm).unwrap();
    hostile.refuse(&mut w, true);
    let before = fingerprint(&mut w);
    let refused_sale = hostile.forward(&mut w, ramm, U256::ZERO, &sell);
    reverted_with(
        &refused_sale,
        EthTransferFailed {
            to: h,
            amountEth: sale_eth,
        },
    );
    unchanged(&mut w, &before);

    // Accepting it and selling again from `receive`: the RAMM is on the stack, its guard
    // refuses; the one sale is paid in full and the RAMM ends where the same sale without the
    // re-entry leaves it (run first, on a snapshot put back afterwards).
    hostile.refuse(&mut w, false);
    let before_sale = devnode(&mut w).snapshot();
    let control = hostile.forward(&mut w, ramm, U256::ZERO, &sell);
    assert!(
        control.status,
        "the sale without re-entry: {}",
        control.return_data
    );
    let reserves_of = |w: &mut World| {
        let r = w.ramm_state();
        (r.ethReserve, r.nxmReserveA, r.nxmReserveB, r.budgetEth)
    };
    let one_sale = reserves_of(&mut w);
    devnode(&mut w).restore(before_sale);
    hostile.hook(&mut w, ramm, U256::ZERO, &sell, 1);
    let (eth_before, pool_before, supply_before) = (w.balance(h), w.pool_eth(), w.nxm_supply());
    let paid_eth = hostile.forward_ok(&mut w, ramm, U256::ZERO, &sell);
    assert_eq!(paid_eth, sale_eth);
    assert_eq!(w.balance(h) - eth_before, sale_eth);
    assert_eq!(pool_before - w.pool_eth(), sale_eth);
    assert_eq!(w.nxm_balance(h), tokens(6_000));
    assert_eq!(supply_before - w.nxm_supply(), sale_nxm);
    assert_eq!(reserves_of(&mut w), one_sale);
    assert_eq!(hostile.reentries(&mut w), vec![refused()]);

    // Cross-contract: while a second sale pays it, the hostile moves what it held before that
    // sale through the token (not on the stack, so the call runs): the sold NXM is already
    // burned, so the transfer fails on the balance left.
    let second = swap_call(w.chain.as_mut(), sale_nxm, U256::ZERO);
    let sweep = INxmToken::transferCall {
        to: alice,
        amountNxm: tokens(6_000),
    };
    hostile.hook(&mut w, token, U256::ZERO, &sweep, 1);
    let second_eth = w.expected_sell(sale_nxm);
    let eth_before = w.balance(h);
    assert_eq!(
        hostile.forward_ok(&mut w, ramm, U256::ZERO, &second),
        second_eth
    );
    assert_eq!(w.balance(h) - eth_before, second_eth);
    let burned_first = InsufficientBalance {
        account: h,
        balanceNxm: tokens(2_000),
        neededNxm: tokens(6_000),
    };
    assert_eq!(
        hostile.reentries(&mut w),
        vec![refused(), (false, burned_first.abi_encode().into())]
    );
    assert_eq!(
        (w.nxm_balance(h), w.nxm_balance(alice)),
        (tokens(2_000), U256::ZERO)
    );
}

#[test]
fn a_claimant_re_entering_claims_gets_one_refund_and_one_payout() {
    let (mut w, hostile) = with_hostile(0);
    let h = hostile.address;
    staked_pool(&mut w);
    let alice = member(&mut w, "alice", 1_000);
    let (cover, claims_address, pool) =
        (w.protocol.cover, w.protocol.claims, w.protocol.capital_pool);
    let assessment = w.protocol.assessment;
    let order = ten_eth_cover(h);
    let (premium_eth, _) = w.quote_cover(&order);
    let cover_id: U256 = hostile.forward_ok(&mut w, cover, premium_eth, &order.call());
    let stake = IAssessment::stakeCall {
        amountNxm: tokens(1_000),
    };
    assert!(w.send(alice, assessment, U256::ZERO, &stake).status);
    w.advance_time(DAY);

    // Filing with 1 ETH too much while refusing ETH: claims' own EthTransferFailed on the
    // refund; nothing changes.
    let claim_eth = tokens(4);
    let deposit_eth = w
        .view(
            claims_address,
            &IClaims::quoteDepositCall {
                coverId: cover_id,
                amount: claim_eth,
            },
        )
        ._0;
    let sent_eth = deposit_eth + tokens(1);
    let submit = IClaims::submitClaimCall {
        coverId: cover_id,
        amount: claim_eth,
        proofUri: "ipfs://proof".into(),
    };
    hostile.refuse(&mut w, true);
    let before = fingerprint(&mut w);
    let refused_refund = hostile.forward(&mut w, claims_address, sent_eth, &submit);
    reverted_with(
        &refused_refund,
        EthTransferFailed {
            to: h,
            amountEth: tokens(1),
        },
    );
    unchanged(&mut w, &before);

    // Accepting the refund and filing again from `receive`: refused by claims' guard; one
    // claim, one deposit kept, the excess back.
    hostile.refuse(&mut w, false);
    hostile.hook(&mut w, claims_address, sent_eth, &submit, 1);
    let (eth_before, pool_before) = (w.balance(h), w.pool_eth());
    let claim_id: U256 = hostile.forward_ok(&mut w, claims_address, sent_eth, &submit);
    assert_eq!(claim_id, U256::from(1u8));
    assert_eq!(
        w.view(claims_address, &IClaims::claimCountCall {}),
        U256::from(1u8)
    );
    assert_eq!(eth_before - w.balance(h), deposit_eth);
    assert_eq!(w.pool_eth() - pool_before, deposit_eth);
    assert_eq!(hostile.reentries(&mut w), vec![refused()]);

    // The assessor accepts; the poll (3 days) and the cooldown (1 day) pass.
    let claim = w.view(claims_address, &IClaims::claimCall { claimId: claim_id });
    assert_eq!((claim._5, claim._6), (deposit_eth, h));
    let vote = IAssessment::castVoteCall {
        assessmentId: claim._3,
        accept: true,
    };
    assert!(w.send(alice, assessment, U256::ZERO, &vote).status);
    w.advance_time(4 * DAY);
    let status_call = IClaims::claimStatusCall { claimId: claim_id };
    assert_eq!(
        w.view(claims_address, &status_call),
        claims::status::ACCEPTED
    );

    // Redeeming to a refusing owner: the capital pool's EthTransferFailed for payout plus
    // deposit, passed on by claims; the claim stays redeemable, nothing changes.
    let redeem = IClaims::redeemClaimPayoutCall { claimId: claim_id };
    let payout_eth = claim_eth + deposit_eth;
    hostile.refuse(&mut w, true);
    let before = fingerprint(&mut w);
    let refused_payout = w.send(alice, claims_address, U256::ZERO, &redeem);
    reverted_with(
        &refused_payout,
        EthTransferFailed {
            to: h,
            amountEth: payout_eth,
        },
    );
    unchanged(&mut w, &before);
    assert_eq!(
        w.view(claims_address, &status_call),
        claims::status::ACCEPTED
    );

    // Accepting it and redeeming again from `receive`: refused; paid once, the claim redeemed,
    // the cover shrunk by the payout, a second redemption refused.
    hostile.refuse(&mut w, false);
    hostile.hook(&mut w, claims_address, U256::ZERO, &redeem, 1);
    let (eth_before, pool_before) = (w.balance(h), w.balance(pool));
    let redeemed = w.send(alice, claims_address, U256::ZERO, &redeem);
    assert!(redeemed.status, "redeem: {}", redeemed.return_data);
    assert_eq!(w.balance(h) - eth_before, payout_eth);
    assert_eq!(pool_before - w.balance(pool), payout_eth);
    assert_eq!(hostile.reentries(&mut w), vec![refused(), refused()]);
    assert_eq!(
        w.view(claims_address, &status_call),
        claims::status::REDEEMED
    );
    let viewer = w.protocol.cover_viewer;
    let left = w.view(viewer, &ICoverViewer::coverCall { coverId: cover_id });
    assert_eq!(left._2, tokens(10) - claim_eth);
    let again = w.send(alice, claims_address, U256::ZERO, &redeem);
    reverted_with(
        &again,
        ClaimNotRedeemable {
            claimId: claim_id,
            status: claims::status::REDEEMED,
        },
    );
}

#[test]
fn a_commission_destination_and_a_buyer_re_entering_cover_are_paid_once() {
    let (mut w, hostile) = with_hostile(0);
    let h = hostile.address;
    staked_pool(&mut w);
    let bob = member(&mut w, "bob", 0);
    let (cover, pool) = (w.protocol.cover, w.protocol.capital_pool);
    let count_call = ICover::coverCountCall {};

    // bob buys through a distributor: 10 % commission on top, to the hostile contract, and
    // 1 ETH more than needed. Refused: cover's EthTransferFailed for the commission.
    let order = CoverOrder {
        commission_bps: 1_000,
        commission_destination: h,
        ..ten_eth_cover(bob)
    };
    let (premium_eth, _) = w.quote_cover(&order);
    let commission_eth = commission(premium_eth, U256::from(1_000u16)).unwrap();
    let sent_eth = premium_eth + commission_eth + tokens(1);
    hostile.refuse(&mut w, true);
    let before = fingerprint(&mut w);
    let refused_commission = w.buy_cover_tx(bob, &order, sent_eth);
    reverted_with(
        &refused_commission,
        EthTransferFailed {
            to: h,
            amountEth: commission_eth,
        },
    );
    unchanged(&mut w, &before);

    // Accepted, and buying cover itself from `receive`: cover's guard refuses; one cover, the
    // commission paid once, the premium in the pool, the excess back to bob.
    hostile.refuse(&mut w, false);
    let own = ten_eth_cover(h);
    hostile.hook(&mut w, cover, premium_eth, &own.call(), 1);
    let (bob_before, h_before, pool_before) = (w.balance(bob), w.balance(h), w.balance(pool));
    let (cover_id, _) = w.buy_cover(bob, &order, sent_eth);
    assert_eq!(cover_id, U256::from(1u8));
    assert_eq!(w.view(cover, &count_call), U256::from(1u8));
    assert_eq!(w.balance(h) - h_before, commission_eth);
    assert_eq!(w.balance(pool) - pool_before, premium_eth);
    assert_eq!(bob_before - w.balance(bob), premium_eth + commission_eth);
    assert_eq!(hostile.reentries(&mut w), vec![refused()]);

    // The hostile buys for itself with 1 ETH too much: refusing the refund reverts with
    // cover's EthTransferFailed; accepting it and buying again from `receive` is refused, and
    // it pays exactly the premium for one cover.
    let (own_premium_eth, _) = w.quote_cover(&own);
    let own_sent_eth = own_premium_eth + tokens(1);
    let buy = own.call();
    hostile.refuse(&mut w, true);
    let before = fingerprint(&mut w);
    let refused_refund = hostile.forward(&mut w, cover, own_sent_eth, &buy);
    reverted_with(
        &refused_refund,
        EthTransferFailed {
            to: h,
            amountEth: tokens(1),
        },
    );
    unchanged(&mut w, &before);
    hostile.refuse(&mut w, false);
    hostile.hook(&mut w, cover, own_sent_eth, &buy, 1);
    let (h_before, pool_before) = (w.balance(h), w.balance(pool));
    let own_id: U256 = hostile.forward_ok(&mut w, cover, own_sent_eth, &buy);
    assert_eq!(own_id, U256::from(2u8));
    assert_eq!(w.view(cover, &count_call), U256::from(2u8));
    assert_eq!(h_before - w.balance(h), own_premium_eth);
    assert_eq!(w.balance(pool) - pool_before, own_premium_eth);
    assert_eq!(hostile.reentries(&mut w), vec![refused(), refused()]);
}

#[test]
fn an_nft_receiver_re_entering_gets_the_token_and_nothing_else() {
    let (mut w, hostile) = with_hostile(1_000);
    let h = hostile.address;
    let (stella, position, tranche) = staked_pool(&mut w);
    let bob = member(&mut w, "bob", 0);
    let (staking, stake_nft, cover_nft, cover) = (
        w.protocol.staking_pool,
        w.protocol.stake_nft,
        w.protocol.cover_nft,
        w.protocol.cover,
    );
    let top_up = IStakingPool::depositToCall {
        poolId: U256::from(1u8),
        amountNxm: tokens(100),
        trancheId: U256::from(tranche),
        tokenId: position,
        destination: h,
    };

    // A stake position safe-transferred to a refusing receiver: the NFT's UnsafeRecipient,
    // the token stays with stella, nothing changes.
    let give_position = IErc721SafeTransfers::safeTransferFrom_0Call {
        from: stella,
        to: h,
        tokenId: position,
    };
    hostile.refuse(&mut w, true);
    let before = fingerprint(&mut w);
    let refused_position = w.send(stella, stake_nft, U256::ZERO, &give_position);
    reverted_with(&refused_position, UnsafeRecipient { receiver: h });
    unchanged(&mut w, &before);

    // Accepted, and topping the position up from `onERC721Received`: the staking pool asks the
    // stake NFT (on the stack) for the owner, which refuses; the token moved, no NXM did.
    hostile.refuse(&mut w, false);
    hostile.hook(&mut w, staking, U256::ZERO, &top_up, 1);
    let staked_before = w.nxm_balance(staking);
    assert!(w.send(stella, stake_nft, U256::ZERO, &give_position).status);
    let owner_call = IPositionNft::ownerOfCall { tokenId: position };
    assert_eq!(w.view(stake_nft, &owner_call), h);
    assert_eq!(hostile.reentries(&mut w), vec![refused()]);
    assert_eq!(
        (w.nxm_balance(h), w.nxm_balance(staking)),
        (tokens(1_000), staked_before)
    );
    // Outside the callback the same top-up is the new owner's to make.
    let topped: U256 = hostile.forward_ok(&mut w, staking, U256::ZERO, &top_up);
    assert_eq!(topped, position);
    assert_eq!(
        (w.nxm_balance(h), w.nxm_balance(staking)),
        (tokens(900), staked_before + tokens(100))
    );

    // A cover NFT safe-transferred to it by bob, whose `onERC721Received` buys cover: cover
    // asks the cover NFT (on the stack) to mint, which refuses; the token moved, no cover was
    // bought and no ETH left the hostile.
    let (cover_id, _) = {
        let order = ten_eth_cover(bob);
        let (premium_eth, _) = w.quote_cover(&order);
        w.buy_cover(bob, &order, premium_eth)
    };
    let own = ten_eth_cover(h);
    let (own_premium_eth, _) = w.quote_cover(&own);
    hostile.hook(&mut w, cover, own_premium_eth, &own.call(), 1);
    let give_cover = IErc721SafeTransfers::safeTransferFrom_0Call {
        from: bob,
        to: h,
        tokenId: cover_id,
    };
    let h_before = w.balance(h);
    assert!(w.send(bob, cover_nft, U256::ZERO, &give_cover).status);
    assert_eq!(
        w.view(cover_nft, &IPositionNft::ownerOfCall { tokenId: cover_id }),
        h
    );
    assert_eq!(hostile.reentries(&mut w), vec![refused(), refused()]);
    assert_eq!(w.view(cover, &ICover::coverCountCall {}), U256::from(1u8));
    assert_eq!(w.balance(h), h_before);

    // A cover minted to it calls nothing (mint has no receiver check): the armed hook stays
    // unused.
    hostile.hook(&mut w, cover, own_premium_eth, &own.call(), 1);
    let for_hostile = ten_eth_cover(h);
    let (premium_eth, _) = w.quote_cover(&for_hostile);
    let (minted, _) = w.buy_cover(bob, &for_hostile, premium_eth);
    assert_eq!(
        w.view(cover_nft, &IPositionNft::ownerOfCall { tokenId: minted }),
        h
    );
    assert_eq!(hostile.reentries(&mut w).len(), 2);
}

#[test]
fn a_treasury_transfer_re_entering_governance_executes_once() {
    let (mut w, hostile) = with_hostile(0);
    let h = hostile.address;
    let governance_address = w.protocol.governance;
    // Four members lock 60 000 NXM each: every vote weighs the 5 % cap of the 1 000 000 NXM
    // supply, and together they pass the 15 % quorum.
    let voters = ["alice", "bob", "carol", "dan"].map(|name| member(&mut w, name, 60_000));
    for voter in voters {
        let lock = IGovernance::lockCall {
            amountNxm: tokens(60_000),
        };
        assert!(w.send(voter, governance_address, U256::ZERO, &lock).status);
    }
    let transfer_eth = tokens(10);
    let action = ICapitalPool::transferTreasuryCall {
        to: h,
        amountEth: transfer_eth,
    };
    let propose = IGovernance::proposeCall {
        actions: vec![(
            w.protocol.capital_pool,
            U256::ZERO,
            Bytes::from(action.abi_encode()),
        )],
        descriptionUri: "ipfs://pay-the-hostile".into(),
    };
    let proposed = w.send(voters[0], governance_address, U256::ZERO, &propose);
    assert!(proposed.status, "propose: {}", proposed.return_data);
    let id = IGovernance::proposeCall::abi_decode_returns(&proposed.return_data).unwrap();
    for voter in voters {
        let vote = IGovernance::voteCall {
            proposalId: id,
            support: true,
        };
        assert!(w.send(voter, governance_address, U256::ZERO, &vote).status);
    }
    // Three days of voting, one of timelock.
    w.advance_time(4 * DAY);
    let status_call = IGovernance::proposalStatusCall { proposalId: id };
    assert_eq!(
        w.view(governance_address, &status_call),
        governance::status::EXECUTABLE
    );
    let execute = IGovernance::executeCall { proposalId: id };

    // A refusing recipient: ActionFailed around the capital pool's EthTransferFailed; the
    // proposal stays executable, nothing changes.
    hostile.refuse(&mut w, true);
    let before = fingerprint(&mut w);
    let refused_transfer = w.send(voters[1], governance_address, U256::ZERO, &execute);
    let transfer_failed = EthTransferFailed {
        to: h,
        amountEth: transfer_eth,
    };
    reverted_with(
        &refused_transfer,
        ActionFailed {
            index: U256::ZERO,
            revertData: transfer_failed.abi_encode().into(),
        },
    );
    unchanged(&mut w, &before);
    assert_eq!(
        w.view(governance_address, &status_call),
        governance::status::EXECUTABLE
    );

    // Accepting, and executing the proposal again from `receive`: governance allows re-entry
    // but finds the proposal already EXECUTED; the treasury pays once.
    hostile.refuse(&mut w, false);
    hostile.hook(&mut w, governance_address, U256::ZERO, &execute, 1);
    let (h_before, pool_before) = (w.balance(h), w.pool_eth());
    let executed = w.send(voters[1], governance_address, U256::ZERO, &execute);
    assert!(executed.status, "execute: {}", executed.return_data);
    assert_eq!(w.balance(h) - h_before, transfer_eth);
    assert_eq!(pool_before - w.pool_eth(), transfer_eth);
    let already = InvalidProposalStatus {
        proposalId: id,
        status: governance::status::EXECUTED,
    };
    assert_eq!(
        hostile.reentries(&mut w),
        vec![(false, already.abi_encode().into())]
    );
    assert_eq!(
        w.view(governance_address, &status_call),
        governance::status::EXECUTED
    );
}
