//! Claims and assessment on the devnode over the contracts' real WASM: a member buys cover from
//! a staking pool, files a claim with its ETH deposit, assessors vote with their stake, the
//! poll ends, the cooldown passes, anyone redeems the payout to the cover's owner (the pool's
//! stake burned, the cover shrunk, the deposit refunded), and the voters withdraw their
//! rewards (with the poll's silent-ending extension on the way); a denied claim, whose deposit
//! stays in the capital pool; and fraud undone by a governance proposal (the fraudulent vote
//! taken out of a poll in its cooldown, the poll pushed a day ahead, the assessor's stake
//! burned and rewards forfeited).
//!
//! Expected values come from the rules (protocol-reference §7a) and the contracts' inputs
//! (the assessment's reward, the claim's deposit), not from the contract under test.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;
use mutual_deploy::tokens;
use mutual_interfaces::{
    assessment::abi::IAssessment,
    claims::{abi::IClaims, status, ClaimNotRedeemable},
    cover_viewer::abi::ICoverViewer,
    governance::abi::IGovernance,
    nxm_token::abi::INxmToken,
};
use protocol_e2e::{reverted_with, CoverOrder, World};

const DAY: u64 = 86_400;

/// A pool with 50 000 NXM staked by stella, a 10 ETH cover bought by bob from it, and two
/// assessors, alice (1 000 NXM staked) and dan (500 NXM), a day after the purchase.
struct Claimed {
    w: World,
    buyer: Address,
    alice: Address,
    dan: Address,
    cover_id: U256,
}

fn claimed() -> Claimed {
    let mut w = World::new(tokens(20_000));
    let [staker, buyer, alice, dan] = ["stella", "bob", "alice", "dan"].map(|n| w.account(n));
    let founder = w.config.founder.address();
    let token = w.protocol.nxm_token;
    for (member, nxm) in [(staker, 100_000), (buyer, 0), (alice, 1_000), (dan, 500)] {
        w.join(member);
        if nxm != 0 {
            let call = INxmToken::transferCall {
                to: member,
                amountNxm: tokens(nxm),
            };
            assert!(w.send(founder, token, U256::ZERO, &call).status);
        }
    }
    let (pool, _) = w.create_pool(staker, false, 10, 20, &[(0, 100, 200)]);
    let tranche = w.current_tranche() + 2;
    w.deposit(staker, pool, tokens(50_000), tranche);
    let order = CoverOrder::eth(buyer, 0, 1, tokens(10), 91 * DAY);
    let (cover_id, _) = w.buy_cover(buyer, &order, tokens(10));
    let assessment = w.protocol.assessment;
    for (assessor, nxm) in [(alice, 1_000), (dan, 500)] {
        let staked = w.send(
            assessor,
            assessment,
            U256::ZERO,
            &IAssessment::stakeCall {
                amountNxm: tokens(nxm),
            },
        );
        assert!(staked.status, "stake: {}", staked.return_data);
        println!("Assessment.stake (first): {} gas", staked.gas_used);
    }
    w.advance_time(DAY);
    Claimed {
        w,
        buyer,
        alice,
        dan,
        cover_id,
    }
}

impl Claimed {
    /// bob files a claim of `amount` sending the quoted deposit plus 1 ETH; returns the claim
    /// id, its assessment id and the deposit it kept.
    fn submit(&mut self, amount: U256) -> (U256, U256, U256) {
        let claims = self.w.protocol.claims;
        let quote = self.w.view(
            claims,
            &IClaims::quoteDepositCall {
                coverId: self.cover_id,
                amount,
            },
        );
        let before = self.w.balance(self.buyer);
        let receipt = self.w.send(
            self.buyer,
            claims,
            quote._0 + tokens(1),
            &IClaims::submitClaimCall {
                coverId: self.cover_id,
                amount,
                proofUri: "ipfs://proof".into(),
            },
        );
        assert!(receipt.status, "submitClaim: {}", receipt.return_data);
        println!("Claims.submitClaim: {} gas", receipt.gas_used);
        let claim_id = IClaims::submitClaimCall::abi_decode_returns(&receipt.return_data).unwrap();
        let claim = self
            .w
            .view(claims, &IClaims::claimCall { claimId: claim_id });
        let (assessment_id, deposit) = (claim._3, claim._5);
        assert_eq!(
            (claim._0, claim._1, claim._6),
            (self.cover_id, amount, self.buyer)
        );
        // The deposit is max(0.05 ETH, the reward's value); the excess came back.
        assert!(deposit >= U256::from(50_000_000_000_000_000u64));
        assert_eq!(
            before - self.w.balance(self.buyer),
            deposit + receipt.fee_wei
        );
        (claim_id, assessment_id, deposit)
    }

    fn vote(&mut self, assessor: Address, assessment_id: U256, accept: bool) {
        let assessment = self.w.protocol.assessment;
        let receipt = self.w.send(
            assessor,
            assessment,
            U256::ZERO,
            &IAssessment::castVoteCall {
                assessmentId: assessment_id,
                accept,
            },
        );
        assert!(receipt.status, "castVote: {}", receipt.return_data);
        println!("Assessment.castVote: {} gas", receipt.gas_used);
    }

    /// `caller` withdraws `staker`'s assessment rewards (all of them: batch size 0).
    fn withdraw_rewards(&mut self, caller: Address, staker: Address) {
        let assessment = self.w.protocol.assessment;
        let paid = self.w.send(
            caller,
            assessment,
            U256::ZERO,
            &IAssessment::withdrawRewardsCall {
                staker,
                batchSize: U256::ZERO,
            },
        );
        assert!(paid.status, "withdrawRewards: {}", paid.return_data);
        println!("Assessment.withdrawRewards: {} gas", paid.gas_used);
    }

    /// `(acceptedNxm, deniedNxm, startSecs, endSecs, totalRewardNxm, depositEth)`.
    fn poll(&mut self, assessment_id: U256) -> IAssessment::pollReturn {
        let assessment = self.w.protocol.assessment;
        self.w.view(
            assessment,
            &IAssessment::pollCall {
                assessmentId: assessment_id,
            },
        )
    }

    fn status(&mut self, claim_id: U256) -> u8 {
        let claims = self.w.protocol.claims;
        self.w
            .view(claims, &IClaims::claimStatusCall { claimId: claim_id })
    }

    /// The cover's remaining amount (the cover viewer's `cover` view, its third field).
    fn cover_amount(&mut self) -> U256 {
        let viewer = self.w.protocol.cover_viewer;
        self.w
            .view(
                viewer,
                &ICoverViewer::coverCall {
                    coverId: self.cover_id,
                },
            )
            ._2
    }
}

#[test]
fn an_accepted_claim_pays_the_owner_burns_stake_and_rewards_the_voters() {
    let mut c = claimed();
    if c.w.skips_without_time_travel("an accepted claim") {
        return;
    }
    let amount = tokens(4);
    let (claim_id, assessment_id, deposit) = c.submit(amount);
    assert_eq!(c.status(claim_id), status::VOTING);
    let (alice, dan) = (c.alice, c.dan);
    c.vote(alice, assessment_id, true);
    // The first (accepting) vote restarts a 3-day poll.
    let first_end = c.poll(assessment_id)._3;
    assert_eq!(first_end, U256::from(c.w.timestamp() + 3 * DAY));
    // Silent ending: dan votes with 12 hours left; the poll grows by min(1 day, 1 day × his
    // stake / the stake voted before him) = 1 day × 500 / 1 000 = 12 hours.
    c.w.advance_time(3 * DAY - 12 * 3_600);
    c.vote(dan, assessment_id, false);
    let poll = c.poll(assessment_id);
    let (accepted, denied, end, reward) = (poll._0, poll._1, poll._3, poll._4);
    assert_eq!((accepted, denied), (tokens(1_000), tokens(500)));
    assert_eq!(end, first_end + U256::from(12 * 3_600), "silent ending");
    // Voting ends, then the 1-day cooldown.
    let now = c.w.timestamp();
    c.w.advance_time(end.to::<u64>() - now);
    assert_eq!(c.status(claim_id), status::COOLDOWN);
    let claims = c.w.protocol.claims;
    let early = c.w.send(
        dan,
        claims,
        U256::ZERO,
        &IClaims::redeemClaimPayoutCall { claimId: claim_id },
    );
    reverted_with(
        &early,
        ClaimNotRedeemable {
            claimId: claim_id,
            status: status::COOLDOWN,
        },
    );
    c.w.advance_time(DAY);
    assert_eq!(c.status(claim_id), status::ACCEPTED);

    // Anyone redeems; the owner receives the payout and the deposit.
    let (owner_before, pool_before) = (c.w.balance(c.buyer), c.w.pool_eth());
    let staked_before = c.w.nxm_balance(c.w.protocol.staking_pool);
    let redeemed = c.w.send(
        dan,
        claims,
        U256::ZERO,
        &IClaims::redeemClaimPayoutCall { claimId: claim_id },
    );
    assert!(redeemed.status, "redeem: {}", redeemed.return_data);
    println!("Claims.redeemClaimPayout: {} gas", redeemed.gas_used);
    assert_eq!(c.w.balance(c.buyer) - owner_before, amount + deposit);
    assert_eq!(pool_before - c.w.pool_eth(), amount + deposit);
    assert_eq!(c.status(claim_id), status::REDEEMED);
    assert_eq!(
        c.cover_amount(),
        tokens(10) - amount,
        "a partial claim keeps the rest"
    );
    let burned = staked_before - c.w.nxm_balance(c.w.protocol.staking_pool);
    assert!(
        !burned.is_zero(),
        "the pool's stake is burned for the payout"
    );
    let again = c.w.send(
        dan,
        claims,
        U256::ZERO,
        &IClaims::redeemClaimPayoutCall { claimId: claim_id },
    );
    reverted_with(
        &again,
        ClaimNotRedeemable {
            claimId: claim_id,
            status: status::REDEEMED,
        },
    );

    // The voters share the reward by stake, whichever side they took, strictly after the
    // cooldown's end (V2's edge: redeemable from it, rewards after it).
    c.w.advance_time(1);
    for (assessor, stake) in [(alice, tokens(1_000)), (dan, tokens(500))] {
        let before = c.w.nxm_balance(assessor);
        c.withdraw_rewards(dan, assessor);
        assert_eq!(
            c.w.nxm_balance(assessor) - before,
            reward * stake / (accepted + denied)
        );
    }

    // A second claim on the rest of the cover, once the first is final.
    let (second, _, _) = c.submit(tokens(6));
    assert_eq!(c.status(second), status::VOTING);
}

#[test]
fn a_denied_claim_keeps_its_deposit_in_the_capital_pool() {
    let mut c = claimed();
    if c.w.skips_without_time_travel("a denied claim") {
        return;
    }
    let pool_before = c.w.pool_eth();
    let (claim_id, assessment_id, deposit) = c.submit(tokens(4));
    assert_eq!(
        c.w.pool_eth() - pool_before,
        deposit,
        "the deposit is the pool's"
    );
    let (alice, dan) = (c.alice, c.dan);
    // dan accepts first (the first vote must accept), alice's larger stake denies.
    c.vote(dan, assessment_id, true);
    c.vote(alice, assessment_id, false);
    c.w.advance_time(4 * DAY + 1);
    assert_eq!(c.status(claim_id), status::DENIED);
    let claims = c.w.protocol.claims;
    let redeem = c.w.send(
        dan,
        claims,
        U256::ZERO,
        &IClaims::redeemClaimPayoutCall { claimId: claim_id },
    );
    reverted_with(
        &redeem,
        ClaimNotRedeemable {
            claimId: claim_id,
            status: status::DENIED,
        },
    );
    assert_eq!(c.w.pool_eth() - pool_before, deposit, "it stays there");
    assert_eq!(c.cover_amount(), tokens(10), "nothing was paid");
}

#[test]
fn fraud_is_undone_by_a_governance_proposal() {
    let mut c = claimed();
    if c.w.skips_without_time_travel("fraud undone by a proposal") {
        return;
    }
    // Four members lock NXM in governance: each ordinary vote weighs the 5 % cap, and four of
    // them carry the 15 % quorum.
    let founder = c.w.config.founder.address();
    let erin = c.w.account("erin");
    c.w.join(erin);
    let (token, governance, assessment) = (
        c.w.protocol.nxm_token,
        c.w.protocol.governance,
        c.w.protocol.assessment,
    );
    for member in [c.buyer, erin] {
        let gift = INxmToken::transferCall {
            to: member,
            amountNxm: tokens(60_000),
        };
        assert!(c.w.send(founder, token, U256::ZERO, &gift).status);
    }
    let voters = [founder, c.buyer, erin, c.w.account("stella")];
    for voter in voters {
        let locked = c.w.send(
            voter,
            governance,
            U256::ZERO,
            &IGovernance::lockCall {
                amountNxm: tokens(50_000),
            },
        );
        assert!(locked.status, "lock: {}", locked.return_data);
    }

    // alice accepts a claim she knows to be false; the members propose to undo her votes and
    // burn 400 of her 1 000 staked NXM.
    let (claim_id, assessment_id, _) = c.submit(tokens(4));
    let (alice, dan) = (c.alice, c.dan);
    c.vote(alice, assessment_id, true);
    let undo = IAssessment::undoVotesCall {
        assessor: alice,
        burnNxm: tokens(400),
    };
    let proposed = c.w.send(
        founder,
        governance,
        U256::ZERO,
        &IGovernance::proposeCall {
            actions: vec![(assessment, U256::ZERO, Bytes::from(undo.abi_encode()))],
            descriptionUri: "ipfs://fraud".into(),
        },
    );
    assert!(proposed.status, "propose: {}", proposed.return_data);
    let proposal_id = IGovernance::proposeCall::abi_decode_returns(&proposed.return_data).unwrap();
    for voter in voters {
        let call = IGovernance::voteCall {
            proposalId: proposal_id,
            support: true,
        };
        let voted = c.w.send(voter, governance, U256::ZERO, &call);
        assert!(voted.status, "vote: {}", voted.return_data);
    }
    // dan denies with 12 hours of the poll left (silent ending: 12 hours more, as his 500 NXM
    // are half of the 1 000 voted); the poll then ends 3.5 days in, its cooldown 4.5 days in.
    c.w.advance_time(3 * DAY - 12 * 3_600);
    c.vote(dan, assessment_id, false);
    assert_eq!(
        c.poll(assessment_id)._0,
        tokens(1_000),
        "alice's accept counts"
    );

    // The proposal's voting (3 days) and timelock (1 day) end inside the claim's cooldown.
    let timelock_end =
        c.w.view(
            governance,
            &IGovernance::proposalCall {
                proposalId: proposal_id,
            },
        )
        ._2 + U256::from(DAY);
    let now = c.w.timestamp();
    c.w.advance_time(timelock_end.to::<u64>() - now);
    assert_eq!(c.status(claim_id), status::COOLDOWN);
    let supply_before = c.w.view(token, &INxmToken::totalSupplyCall {});
    let executed = c.w.send(
        dan,
        governance,
        U256::ZERO,
        &IGovernance::executeCall {
            proposalId: proposal_id,
        },
    );
    assert!(executed.status, "execute: {}", executed.return_data);

    // Her vote left the tally: dan's denial now decides, and the poll ends a day from now, so
    // nobody can redeem in between.
    let poll = c.poll(assessment_id);
    assert_eq!((poll._0, poll._1), (U256::ZERO, tokens(500)));
    let executed_at = c.w.timestamp();
    assert!(
        poll._3 >= U256::from(executed_at + DAY),
        "the end moves a day ahead"
    );
    assert_eq!(c.status(claim_id), status::VOTING);
    // 400 NXM of her stake are burned and her rewards forfeited.
    let stake =
        c.w.view(assessment, &IAssessment::assessorCall { assessor: alice })
            ._0;
    assert_eq!(stake, tokens(600));
    let supply_after = c.w.view(token, &INxmToken::totalSupplyCall {});
    assert_eq!(supply_before - supply_after, tokens(400));

    // After the new end and the cooldown: denied, nothing to redeem; dan's stake is all that
    // voted, so the whole reward is his, and alice has none.
    let end = poll._3.to::<u64>();
    let now = c.w.timestamp();
    c.w.advance_time(end + DAY + 1 - now);
    assert_eq!(c.status(claim_id), status::DENIED);
    let redeem = c.w.send(
        dan,
        c.w.protocol.claims,
        U256::ZERO,
        &IClaims::redeemClaimPayoutCall { claimId: claim_id },
    );
    reverted_with(
        &redeem,
        ClaimNotRedeemable {
            claimId: claim_id,
            status: status::DENIED,
        },
    );
    let none = c.w.view(
        assessment,
        &IAssessment::withdrawableRewardsCall { assessor: alice },
    );
    assert_eq!(none, U256::ZERO);
    let before = c.w.nxm_balance(dan);
    c.withdraw_rewards(dan, dan);
    assert_eq!(c.w.nxm_balance(dan) - before, poll._4);
}
