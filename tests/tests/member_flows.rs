//! Member flows on the devnode over the contracts' real WASM: join → sweep the fees → buy through
//! the RAMM → transfer → sell → leave, and the adversarial paths across contracts (replayed
//! approvals, a refused fee sweep, non-member receivers, the emergency pause, switching
//! addresses, stakers and pool managers held back by the staking pool).

use alloy_primitives::U256;
use alloy_sol_types::{SolCall, SolError};
use mutual_deploy::tokens;
use mutual_interfaces::{
    capital_pool,
    membership::{self, abi::IMembership, DEFAULT_JOINING_FEE_ETH},
    nxm_token,
    position_nft::abi::IPositionNft,
    ramm::{self, abi::IRamm},
    staking_pool::abi::IStakingPool,
};
use protocol_e2e::{logged, reverted_with, World};

#[test]
fn member_session_join_buy_transfer_sell_leave() {
    let mut w = World::new(tokens(20_000));
    let (alice, bob) = (w.account("alice"), w.account("bob"));
    let joined = w.join(alice);
    let event: membership::MemberJoined = logged(&joined);
    assert_eq!(
        (event.member, event.memberId),
        (alice, 2),
        "the founder is member 1"
    );
    w.join(bob);
    // Joining fees wait in membership; the pool sees them only after a sweep (open to anyone).
    let fees = DEFAULT_JOINING_FEE_ETH * U256::from(3);
    assert_eq!(
        w.pool_eth(),
        tokens(20_000),
        "no fee reaches the pool on join"
    );
    let membership_address = w.protocol.membership;
    assert_eq!(w.balance(membership_address), fees);
    let outsider = w.account("outsider");
    let sweep = w.send(
        outsider,
        membership_address,
        U256::ZERO,
        &IMembership::sweepFeesCall {},
    );
    assert!(sweep.status, "sweep failed: {}", sweep.return_data);
    assert_eq!(
        IMembership::sweepFeesCall::abi_decode_returns(&sweep.return_data).unwrap(),
        fees
    );
    let swept: membership::FeesSwept = logged(&sweep);
    assert_eq!(swept.amountEth, fees);
    let deposit: capital_pool::Deposit = logged(&sweep);
    assert_eq!(
        (deposit.from, deposit.amountEth),
        (membership_address, fees)
    );
    assert_eq!(w.pool_eth(), tokens(20_000) + fees);
    // Nothing left to sweep: a no-op returning 0, with no call and no event.
    let again = w.send(
        outsider,
        membership_address,
        U256::ZERO,
        &IMembership::sweepFeesCall {},
    );
    assert!(again.status && again.logs.is_empty());

    // Alice buys through the RAMM: exactly the math crate's amount, the ETH in the pool.
    let (pool_before, supply_before) = (w.pool_eth(), w.nxm_supply());
    let expected = w.expected_buy(tokens(100));
    let receipt = w.swap_tx(alice, tokens(100), U256::ZERO, expected);
    assert!(receipt.status, "{}", receipt.return_data);
    let bought = IRamm::swapCall::abi_decode_returns(&receipt.return_data).unwrap();
    assert_eq!(bought, expected);
    let swapped: ramm::EthSwappedForNxm = logged(&receipt);
    assert_eq!(
        (swapped.member, swapped.ethIn, swapped.nxmOut),
        (alice, tokens(100), bought)
    );
    assert_eq!(w.nxm_balance(alice), bought);
    assert_eq!(w.pool_eth(), pool_before + tokens(100));
    assert_eq!(w.nxm_supply(), supply_before + bought);
    assert_eq!(
        w.balance(w.protocol.ramm),
        U256::ZERO,
        "the RAMM holds no ETH"
    );
    // A buy pays at least book value + 1 %.
    let wad = U256::from(10u64.pow(18));
    let book_value = pool_before * wad / supply_before;
    assert!(tokens(100) * wad / bought >= book_value * U256::from(101) / U256::from(100));

    let transfer = w.transfer_tx(alice, bob, tokens(500));
    assert!(transfer.status);
    let moved: nxm_token::Transfer = logged(&transfer);
    assert_eq!(
        (moved.from, moved.to, moved.value),
        (alice, bob, tokens(500))
    );

    let (pool_before, bob_eth) = (w.pool_eth(), w.balance(bob));
    let expected_eth = w.expected_sell(tokens(500));
    let sell = w.swap_tx(bob, U256::ZERO, tokens(500), expected_eth);
    assert!(sell.status, "{}", sell.return_data);
    let sold: ramm::NxmSwappedForEth = logged(&sell);
    assert_eq!(
        (sold.member, sold.nxmIn, sold.ethOut),
        (bob, tokens(500), expected_eth)
    );
    assert_eq!(
        w.balance(bob),
        bob_eth + expected_eth - sell.fee_wei,
        "the sale's ETH, less the gas"
    );
    assert_eq!(w.pool_eth(), pool_before - expected_eth);
    assert_eq!(w.nxm_balance(bob), U256::ZERO);
    // A sale is paid below book value.
    let book_value = w.ramm_state().bookValue;
    assert!(expected_eth * wad / tokens(500) < book_value);

    // Alice cannot leave while holding NXM; after selling it all she can.
    let rest = bought - tokens(500);
    let leave = w.leave_tx(alice);
    reverted_with(&leave, membership::NxmBalanceNotZero { balanceNxm: rest });
    w.sell(alice, rest);
    let leave = w.leave_tx(alice);
    assert!(leave.status, "{}", leave.return_data);
    assert_eq!(
        w.nxm_supply(),
        w.config.genesis_supply_nxm(),
        "every bought NXM was burned again"
    );
    // The round trip lost the spread: the pool ends richer than it started.
    assert!(w.pool_eth() > tokens(20_000) + fees);
    let is_member = w.view(
        membership_address,
        &IMembership::isMemberCall { account: alice },
    );
    assert!(!is_member);
}

#[test]
fn approvals_work_once_and_only_for_their_member() {
    let mut w = World::new(tokens(20_000));
    if w.skips_without_time_travel("expired approvals") {
        return;
    }
    let (alice, mallory) = (w.account("alice"), w.account("mallory"));
    let approval = w.approval(alice);
    let first = w.send(
        alice,
        w.protocol.membership,
        DEFAULT_JOINING_FEE_ETH,
        &approval,
    );
    assert!(first.status);
    // The same approval again: alice is a member.
    let membership_address = w.protocol.membership;
    let replay = w.send(
        alice,
        membership_address,
        DEFAULT_JOINING_FEE_ETH,
        &approval,
    );
    reverted_with(&replay, membership::AlreadyMember { account: alice });
    // Alice leaves; neither the old approval nor a fresh one lets the address back in (an
    // address joins once: allowances and permit nonces it left behind stay dead).
    let leave = w.leave_tx(alice);
    assert!(leave.status, "{}", leave.return_data);
    let replay = w.send(
        alice,
        membership_address,
        DEFAULT_JOINING_FEE_ETH,
        &approval,
    );
    reverted_with(&replay, membership::FormerMember { account: alice });
    let rejoin = w.join_tx(alice);
    reverted_with(&rejoin, membership::FormerMember { account: alice });
    assert!(w.view(
        membership_address,
        &IMembership::hasBeenMemberCall { account: alice }
    ));
    // Mallory cannot use an approval signed for someone else.
    let mut stolen = w.approval(alice);
    stolen.member = mallory;
    let attempt = w.send(
        mallory,
        w.protocol.membership,
        DEFAULT_JOINING_FEE_ETH,
        &stolen,
    );
    assert!(!attempt.status);
    assert_eq!(
        &attempt.return_data[..4],
        &membership::InvalidApprovalSigner::SELECTOR
    );
    // An expired approval.
    let late = w.approval(mallory);
    w.advance_time(3_601);
    let expired = w.send(
        mallory,
        w.protocol.membership,
        DEFAULT_JOINING_FEE_ETH,
        &late,
    );
    reverted_with(
        &expired,
        membership::ApprovalExpired {
            deadline: late.deadline,
            blockTimestamp: U256::from(w.timestamp()),
        },
    );
    // A wrong fee.
    let fresh = w.approval(mallory);
    let cheap = w.send(mallory, w.protocol.membership, U256::from(1), &fresh);
    reverted_with(
        &cheap,
        membership::WrongJoiningFee {
            valueEth: U256::from(1),
            joiningFeeEth: DEFAULT_JOINING_FEE_ETH,
        },
    );
}

#[test]
fn a_refused_sweep_reverts_whole() {
    // The deployer's key keeps governance: it repoints membership's pool directly.
    let mut w = World::with_deployer_governance(tokens(20_000));
    let alice = w.account("alice");
    w.join(alice);
    // Governance points membership's pool at a contract that accepts no ETH (the NXM token).
    let (gov, token, pool) = (
        w.config.governance.address(),
        w.protocol.nxm_token,
        w.protocol.capital_pool,
    );
    let set = |capital_pool| IMembership::setContractsCall {
        nxmToken: token,
        capitalPool: capital_pool,
    };
    assert!(
        w.send(gov, w.protocol.membership, U256::ZERO, &set(token))
            .status
    );
    let refused = w.send(
        alice,
        w.protocol.membership,
        U256::ZERO,
        &IMembership::sweepFeesCall {},
    );
    reverted_with(
        &refused,
        membership::EthTransferFailed {
            to: token,
            amountEth: DEFAULT_JOINING_FEE_ETH * U256::from(2),
        },
    );
    assert!(
        refused.logs.is_empty(),
        "FeesSwept is rolled back with the transfer"
    );
    assert_eq!(
        w.balance(w.protocol.membership),
        DEFAULT_JOINING_FEE_ETH * U256::from(2),
        "the fees (the founder's and alice's) stay for the next sweep"
    );
    assert_eq!(w.balance(token), U256::ZERO);
    // Back on the pool, the same fees arrive.
    assert!(
        w.send(gov, w.protocol.membership, U256::ZERO, &set(pool))
            .status
    );
    assert!(
        w.send(
            alice,
            w.protocol.membership,
            U256::ZERO,
            &IMembership::sweepFeesCall {}
        )
        .status
    );
    assert_eq!(
        w.pool_eth(),
        tokens(20_000) + DEFAULT_JOINING_FEE_ETH * U256::from(2)
    );
}

#[test]
fn only_members_receive_nxm() {
    let mut w = World::new(tokens(20_000));
    let (alice, outsider) = (w.account("alice"), w.account("outsider"));
    w.join(alice);
    w.buy(alice, tokens(10));
    let transfer = w.transfer_tx(alice, outsider, tokens(1));
    reverted_with(&transfer, nxm_token::NotMember { account: outsider });
    // A non-member's purchase fails in the token's mint and the ETH stays with the buyer.
    let (pool_before, outsider_eth) = (w.pool_eth(), w.balance(outsider));
    let buy = w.swap_tx(outsider, tokens(1), U256::ZERO, U256::ZERO);
    reverted_with(&buy, nxm_token::NotMember { account: outsider });
    assert_eq!(w.pool_eth(), pool_before);
    assert_eq!(
        w.balance(outsider),
        outsider_eth - buy.fee_wei,
        "only the gas is spent"
    );
}

#[test]
fn the_advisory_board_pause_stops_member_actions() {
    // The deployer's key keeps governance: it seats the board and lifts the pause directly.
    let mut w = World::with_deployer_governance(tokens(20_000));
    let (alice, bob, carol) = (w.account("alice"), w.account("bob"), w.account("carol"));
    w.join(alice);
    w.join(bob);
    w.buy(alice, tokens(10));
    let gov = w.config.governance.address();
    let seat = w.send(
        gov,
        w.protocol.membership,
        U256::ZERO,
        &IMembership::setAdvisoryBoardSeatCall {
            seat: 0,
            account: bob,
        },
    );
    assert!(seat.status, "{}", seat.return_data);
    let stranger = w.send(
        alice,
        w.protocol.membership,
        U256::ZERO,
        &IMembership::pauseCall {},
    );
    reverted_with(&stranger, membership::Unauthorized { caller: alice });
    assert!(
        w.send(
            bob,
            w.protocol.membership,
            U256::ZERO,
            &IMembership::pauseCall {}
        )
        .status
    );

    let transfer = w.transfer_tx(alice, bob, tokens(1));
    reverted_with(&transfer, nxm_token::Paused {});
    let buy = w.swap_tx(alice, tokens(1), U256::ZERO, U256::ZERO);
    reverted_with(&buy, nxm_token::Paused {});
    let sell = w.swap_tx(alice, U256::ZERO, tokens(1), U256::ZERO);
    reverted_with(&sell, nxm_token::Paused {});
    let join = w.join_tx(carol);
    reverted_with(&join, membership::Paused {});

    assert!(
        w.send(
            bob,
            w.protocol.membership,
            U256::ZERO,
            &IMembership::unpauseCall {}
        )
        .status
    );
    let transfer = w.transfer_tx(alice, bob, tokens(1));
    assert!(transfer.status);
}

#[test]
fn switching_moves_membership_and_nxm() {
    let mut w = World::new(tokens(20_000));
    let (alice, alice_new, bob) = (w.account("alice"), w.account("alice-new"), w.account("bob"));
    w.join(alice);
    w.join(bob);
    let bought = w.buy(alice, tokens(20));
    let to_member = w.switch_tx(alice, bob);
    reverted_with(&to_member, membership::AlreadyMember { account: bob });
    let switched = w.switch_tx(alice, alice_new);
    assert!(switched.status, "{}", switched.return_data);
    assert_eq!(w.nxm_balance(alice_new), bought);
    assert_eq!(w.nxm_balance(alice), U256::ZERO);
    let back = w.transfer_tx(alice_new, alice, tokens(1));
    reverted_with(&back, nxm_token::NotMember { account: alice });
    // The old address never comes back: not by joining, not as a switch target (an allowance
    // it granted before the switch stays dead with it).
    let membership_address = w.protocol.membership;
    let rejoin = w.join_tx(alice);
    reverted_with(&rejoin, membership::FormerMember { account: alice });
    let switch_back = w.switch_tx(alice_new, alice);
    reverted_with(&switch_back, membership::FormerMember { account: alice });
    let id = w.view(
        membership_address,
        &IMembership::memberIdCall { account: alice_new },
    );
    assert_eq!(id, 2, "the member id moves with the membership");
}

#[test]
fn stakers_and_pool_managers_cannot_leave_or_switch() {
    let mut w = World::new(tokens(20_000));
    let (manager, staker, plain) = (w.account("mark"), w.account("stella"), w.account("paul"));
    let staker_new = w.account("stella-new");
    for member in [manager, staker, plain] {
        w.join(member);
    }
    let founder = w.config.founder.address();
    let gift = w.transfer_tx(founder, staker, tokens(1_000));
    assert!(gift.status, "{}", gift.return_data);
    let (pool, _) = w.create_pool(manager, false, 10, 20, &[(0, 100, 200)]);
    let tranche = w.current_tranche() + 1;
    // Stella stakes all her NXM: she holds a stake NFT and no NXM.
    let (position, _) = w.deposit(staker, pool, tokens(1_000), tranche);
    assert_eq!(w.nxm_balance(staker), U256::ZERO);
    let staking = w.protocol.staking_pool;
    for (member, held) in [(manager, true), (staker, true), (plain, false)] {
        let answer = w.view(staking, &IStakingPool::hasMemberStateCall { member });
        assert_eq!(answer, held, "hasMemberState({member})");
    }
    // Neither the manager nor the staker may leave, nor the staker switch: the staking pool is
    // the holder named.
    let held = membership::MemberStateHeld { holder: staking };
    for member in [manager, staker] {
        let leave = w.leave_tx(member);
        reverted_with(&leave, held.clone());
    }
    let switch = w.switch_tx(staker, staker_new);
    reverted_with(&switch, held);
    // A member with no stake leaves (every state holder asked, the staking pool last).
    let leave = w.leave_tx(plain);
    assert!(leave.status, "{}", leave.return_data);
    println!(
        "leave (4 member-state holders asked): {} gas",
        leave.gas_used
    );
    // Once the staker has moved her position to another member, she may go.
    let nft = w.protocol.stake_nft;
    let moved = w.send(
        staker,
        nft,
        U256::ZERO,
        &IPositionNft::transferFromCall {
            from: staker,
            to: manager,
            tokenId: position,
        },
    );
    assert!(moved.status, "{}", moved.return_data);
    let switch = w.switch_tx(staker, staker_new);
    assert!(switch.status, "{}", switch.return_data);
    println!(
        "switch (4 member-state holders asked): {} gas",
        switch.gas_used
    );
}
