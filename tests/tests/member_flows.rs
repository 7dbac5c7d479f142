//! Member flows on the devnode over the contracts' real WASM: join → sweep the fees → buy →
//! transfer → sell → leave, and the adversarial paths across contracts (replayed approvals,
//! a refused fee sweep, non-member receivers, slippage, trade limits, the MCR floor on sales,
//! the emergency pause, switching addresses).

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use mutual_deploy::{address_of_seed, deploy_to_devnode, tokens, DeployConfig, Protocol};
use mutual_interfaces::{
    capital_pool::{self, abi::ICapitalPool},
    membership::{self, abi::IMembership, DEFAULT_JOINING_FEE_ETH},
    nxm_token::{self, abi::INxmToken},
};
use mutual_math::curve;
use stylus_devnode::{Devnode, Receipt};

struct World {
    node: Devnode,
    protocol: Protocol,
    config: DeployConfig,
    next_nonce: u64,
}

impl World {
    /// The devnet deployment: MCR floor 10 000 ETH, pool seeded with `seed_eth`.
    fn new(seed_eth: U256) -> Self {
        let mut node = Devnode::new();
        let config = DeployConfig {
            seed_eth,
            ..DeployConfig::default()
        };
        let (protocol, _) = deploy_to_devnode(&mut node, &config).expect("deployment");
        Self {
            node,
            protocol,
            config,
            next_nonce: 1,
        }
    }

    fn account(&mut self, name: &str) -> Address {
        let account = address_of_seed(name.as_bytes());
        self.node.fund(account, tokens(100_000));
        account
    }

    fn approval(&mut self, member: Address) -> IMembership::joinCall {
        let nonce = U256::from(self.next_nonce);
        self.next_nonce += 1;
        let deadline = U256::from(self.node.timestamp() + 3_600);
        let signature = self.config.kyc.approve(
            self.node.chain_id(),
            self.protocol.membership,
            member,
            nonce,
            deadline,
        );
        IMembership::joinCall {
            member,
            nonce,
            deadline,
            signature,
        }
    }

    fn send<C: SolCall>(&mut self, from: Address, to: Address, value: U256, call: &C) -> Receipt {
        self.node.send(from, to, value, call.abi_encode())
    }

    fn join(&mut self, member: Address) -> Receipt {
        let call = self.approval(member);
        let receipt = self.send(
            member,
            self.protocol.membership,
            DEFAULT_JOINING_FEE_ETH,
            &call,
        );
        assert!(receipt.status, "join failed: {}", receipt.return_data);
        receipt
    }

    fn buy(&mut self, member: Address, eth: U256) -> U256 {
        let receipt = self.buy_tx(member, eth, U256::ZERO);
        assert!(receipt.status, "buy failed: {}", receipt.return_data);
        ICapitalPool::buyNxmCall::abi_decode_returns(&receipt.return_data).unwrap()
    }

    fn buy_tx(&mut self, member: Address, eth: U256, min_nxm_out: U256) -> Receipt {
        let call = ICapitalPool::buyNxmCall {
            minNxmOut: min_nxm_out,
        };
        self.send(member, self.protocol.capital_pool, eth, &call)
    }

    fn sell_tx(&mut self, member: Address, nxm_in: U256, min_eth_out: U256) -> Receipt {
        let call = ICapitalPool::sellNxmCall {
            nxmIn: nxm_in,
            minEthOut: min_eth_out,
        };
        self.send(member, self.protocol.capital_pool, U256::ZERO, &call)
    }

    fn transfer_tx(&mut self, from: Address, to: Address, nxm: U256) -> Receipt {
        let call = INxmToken::transferCall { to, amountNxm: nxm };
        self.send(from, self.protocol.nxm_token, U256::ZERO, &call)
    }

    fn nxm_balance(&mut self, account: Address) -> U256 {
        self.node
            .call_sol(
                account,
                self.protocol.nxm_token,
                &INxmToken::balanceOfCall { account },
            )
            .unwrap()
    }

    fn pool_eth(&self) -> U256 {
        self.node.balance(self.protocol.capital_pool)
    }

    /// ETH held by membership: the joining fees not yet swept to the pool.
    fn unswept_fees(&self) -> U256 {
        self.node.balance(self.protocol.membership)
    }

    fn sweep(&mut self, caller: Address) -> Receipt {
        self.send(
            caller,
            self.protocol.membership,
            U256::ZERO,
            &IMembership::sweepFeesCall {},
        )
    }

    fn mcr(&mut self) -> U256 {
        self.node
            .call_sol(
                Address::ZERO,
                self.protocol.capital_pool,
                &ICapitalPool::poolStateCall {},
            )
            .unwrap()
            .mcrEth
    }
}

fn reverted_with(receipt: &Receipt, error: impl SolError) {
    assert!(!receipt.status, "expected a revert");
    assert_eq!(
        receipt.return_data,
        Bytes::from(error.abi_encode()),
        "revert data"
    );
}

fn logged<E: SolEvent>(receipt: &Receipt) -> E {
    let log = receipt
        .logs
        .iter()
        .find(|log| log.topics().first() == Some(&E::SIGNATURE_HASH))
        .expect("the event");
    E::decode_log_data(&log.data).expect("decodes")
}

#[test]
fn member_session_join_buy_transfer_sell_leave() {
    let mut w = World::new(tokens(20_000));
    let (alice, bob) = (w.account("alice"), w.account("bob"));
    let joined = w.join(alice);
    let event: membership::MemberJoined = logged(&joined);
    assert_eq!((event.member, event.memberId), (alice, 1));
    w.join(bob);
    // Joining fees wait in membership; the pool sees them only after a sweep (open to anyone).
    let fees = DEFAULT_JOINING_FEE_ETH * U256::from(2);
    assert_eq!(
        w.pool_eth(),
        tokens(20_000),
        "no fee reaches the pool on join"
    );
    assert_eq!(w.unswept_fees(), fees);
    let outsider = w.account("outsider");
    let sweep = w.sweep(outsider);
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
        (w.protocol.membership, fees)
    );
    assert_eq!(
        w.pool_eth(),
        tokens(20_000) + fees,
        "the fees reached the pool"
    );
    assert_eq!(w.unswept_fees(), U256::ZERO);
    // Nothing left to sweep: a no-op returning 0, with no call and no event.
    let again = w.sweep(outsider);
    assert!(again.status);
    assert_eq!(
        IMembership::sweepFeesCall::abi_decode_returns(&again.return_data).unwrap(),
        U256::ZERO
    );
    assert!(again.logs.is_empty());
    assert_eq!(w.pool_eth(), tokens(20_000) + fees);

    let pool_before = w.pool_eth();
    let expected = curve::nxm_out_for_eth(pool_before, tokens(10_000), tokens(100)).unwrap();
    let bought = w.buy(alice, tokens(100));
    assert_eq!(
        bought, expected,
        "the pool mints exactly the math crate's integral"
    );
    assert_eq!(w.nxm_balance(alice), bought);
    assert_eq!(w.pool_eth(), pool_before + tokens(100));

    let transfer = w.transfer_tx(alice, bob, tokens(500));
    assert!(transfer.status);
    let moved: nxm_token::Transfer = logged(&transfer);
    assert_eq!(
        (moved.from, moved.to, moved.value),
        (alice, bob, tokens(500))
    );

    let pool_before = w.pool_eth();
    let bob_eth = w.node.balance(bob);
    let expected_eth = curve::eth_out_for_nxm(pool_before, tokens(10_000), tokens(500)).unwrap();
    let sell = w.sell_tx(bob, tokens(500), expected_eth);
    assert!(sell.status, "{}", sell.return_data);
    let sold: capital_pool::NxmSold = logged(&sell);
    assert_eq!(
        (sold.member, sold.nxmIn, sold.ethOut),
        (bob, tokens(500), expected_eth)
    );
    assert_eq!(
        w.node.balance(bob),
        bob_eth + expected_eth,
        "gas price is zero on the devnode"
    );
    assert_eq!(w.pool_eth(), pool_before - expected_eth);
    assert_eq!(w.nxm_balance(bob), U256::ZERO);

    // Alice cannot leave while holding NXM; after selling it all she can.
    let leave = w.send(
        alice,
        w.protocol.membership,
        U256::ZERO,
        &IMembership::leaveCall {},
    );
    reverted_with(
        &leave,
        membership::NxmBalanceNotZero {
            balanceNxm: bought - tokens(500),
        },
    );
    let rest = bought - tokens(500);
    let sell = w.sell_tx(alice, rest, U256::ZERO);
    assert!(sell.status);
    let leave = w.send(
        alice,
        w.protocol.membership,
        U256::ZERO,
        &IMembership::leaveCall {},
    );
    assert!(leave.status, "{}", leave.return_data);
    let supply = w
        .node
        .call_sol(alice, w.protocol.nxm_token, &INxmToken::totalSupplyCall {})
        .unwrap();
    assert_eq!(supply, U256::ZERO, "every minted NXM was burned again");
    // The round trip lost the spread: the pool ends richer than it started.
    assert!(w.pool_eth() > tokens(20_000) + DEFAULT_JOINING_FEE_ETH * U256::from(2));
    let is_member = w
        .node
        .call_sol(
            alice,
            w.protocol.membership,
            &IMembership::isMemberCall { account: alice },
        )
        .unwrap();
    assert!(!is_member);
}

#[test]
fn approvals_work_once_and_only_for_their_member() {
    let mut w = World::new(tokens(20_000));
    let (alice, mallory) = (w.account("alice"), w.account("mallory"));
    let approval = w.approval(alice);
    let first = w.send(
        alice,
        w.protocol.membership,
        DEFAULT_JOINING_FEE_ETH,
        &approval,
    );
    assert!(first.status);
    // Alice leaves, then tries to rejoin with the same approval.
    assert!(
        w.send(
            alice,
            w.protocol.membership,
            U256::ZERO,
            &IMembership::leaveCall {}
        )
        .status
    );
    let digest = w
        .node
        .call_sol(
            alice,
            w.protocol.membership,
            &IMembership::approvalDigestCall {
                member: alice,
                nonce: approval.nonce,
                deadline: approval.deadline,
            },
        )
        .unwrap();
    let replay = w.send(
        alice,
        w.protocol.membership,
        DEFAULT_JOINING_FEE_ETH,
        &approval,
    );
    reverted_with(&replay, membership::ApprovalAlreadyUsed { digest });
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
    w.node.advance_time(3_601);
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
            blockTimestamp: U256::from(w.node.timestamp()),
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
    let mut w = World::new(tokens(20_000));
    let alice = w.account("alice");
    w.join(alice);
    // Governance points membership's pool at a contract that accepts no ETH (the NXM token).
    let (gov, token, pool) = (
        w.config.governance,
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
    let refused = w.sweep(alice);
    reverted_with(
        &refused,
        membership::EthTransferFailed {
            to: token,
            amountEth: DEFAULT_JOINING_FEE_ETH,
        },
    );
    assert!(
        refused.logs.is_empty(),
        "FeesSwept is rolled back with the transfer"
    );
    assert_eq!(
        w.unswept_fees(),
        DEFAULT_JOINING_FEE_ETH,
        "the fees stay for the next sweep"
    );
    assert_eq!(w.node.balance(token), U256::ZERO);
    // Back on the pool, the same fees arrive.
    assert!(
        w.send(gov, w.protocol.membership, U256::ZERO, &set(pool))
            .status
    );
    assert!(w.sweep(alice).status);
    assert_eq!(w.pool_eth(), tokens(20_000) + DEFAULT_JOINING_FEE_ETH);
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
    let pool_before = w.pool_eth();
    let buy = w.buy_tx(outsider, tokens(1), U256::ZERO);
    reverted_with(&buy, nxm_token::NotMember { account: outsider });
    assert_eq!(w.pool_eth(), pool_before);
}

#[test]
fn slippage_and_trade_limits_revert_with_the_amounts() {
    let mut w = World::new(tokens(20_000));
    let alice = w.account("alice");
    w.join(alice);
    let pool = w.pool_eth();
    let quote = curve::nxm_out_for_eth(pool, tokens(10_000), tokens(10)).unwrap();
    let buy = w.buy_tx(alice, tokens(10), quote + U256::from(1));
    reverted_with(
        &buy,
        capital_pool::SlippageExceeded {
            amountOut: quote,
            minAmountOut: quote + U256::from(1),
        },
    );
    // More than 5 % of the MCR in one buy.
    let big = w.buy_tx(alice, tokens(501), U256::ZERO);
    reverted_with(
        &big,
        capital_pool::BuyAboveTradeLimit {
            ethIn: tokens(501),
            maxEthIn: tokens(500),
        },
    );
    // Sell-side slippage.
    let bought = w.buy(alice, tokens(400));
    let pool = w.pool_eth();
    let out = curve::eth_out_for_nxm(pool, tokens(10_000), bought).unwrap();
    let sell = w.sell_tx(alice, bought, out + U256::from(1));
    reverted_with(
        &sell,
        capital_pool::SlippageExceeded {
            amountOut: out,
            minAmountOut: out + U256::from(1),
        },
    );
}

#[test]
fn sales_never_take_the_pool_below_the_mcr() {
    // The pool starts just above the MCR (10 050 ETH against a 10 000 ETH floor); after alice's
    // purchase governance moves 200 ETH out, so her whole balance is worth more than the
    // headroom above the MCR.
    let mut w = World::new(tokens(10_050));
    let alice = w.account("alice");
    w.join(alice);
    let bought = w.buy(alice, tokens(300));
    let gov = w.config.governance;
    let moved = w.send(
        gov,
        w.protocol.capital_pool,
        U256::ZERO,
        &ICapitalPool::transferTreasuryCall {
            to: gov,
            amountEth: tokens(200),
        },
    );
    assert!(moved.status, "{}", moved.return_data);
    let mcr = w.mcr();
    let max_in = curve::max_nxm_in(w.pool_eth(), mcr).unwrap();
    assert!(
        max_in < bought,
        "the MCR floor binds before alice's whole balance"
    );
    let too_much = w.sell_tx(alice, max_in + U256::from(1), U256::ZERO);
    reverted_with(
        &too_much,
        capital_pool::SellAboveTradeLimit {
            nxmIn: max_in + U256::from(1),
            maxNxmIn: max_in,
        },
    );
    let exact = w.sell_tx(alice, max_in, U256::ZERO);
    assert!(exact.status);
    assert!(w.pool_eth() >= mcr, "MCR% stays at or above 100 %");
    // Buys are closed above 400 % MCR.
    let mut rich = World::new(tokens(40_001));
    let bob = rich.account("bob");
    rich.join(bob);
    let closed = rich.buy_tx(bob, tokens(1), U256::ZERO);
    reverted_with(
        &closed,
        capital_pool::McrRatioAboveBuyLimit {
            mcrRatioBps: U256::from(40_001),
        },
    );
}

#[test]
fn the_advisory_board_pause_stops_member_actions() {
    let mut w = World::new(tokens(20_000));
    let (alice, bob, carol) = (w.account("alice"), w.account("bob"), w.account("carol"));
    w.join(alice);
    w.join(bob);
    w.buy(alice, tokens(10));
    let gov = w.config.governance;
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
    let buy = w.buy_tx(alice, tokens(1), U256::ZERO);
    reverted_with(&buy, nxm_token::Paused {});
    let sell = w.sell_tx(alice, tokens(1), U256::ZERO);
    reverted_with(&sell, nxm_token::Paused {});
    let approval = w.approval(carol);
    let join = w.send(
        carol,
        w.protocol.membership,
        DEFAULT_JOINING_FEE_ETH,
        &approval,
    );
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
    let to_member = w.send(
        alice,
        w.protocol.membership,
        U256::ZERO,
        &IMembership::switchMembershipCall { newAddress: bob },
    );
    reverted_with(&to_member, membership::AlreadyMember { account: bob });
    let switched = w.send(
        alice,
        w.protocol.membership,
        U256::ZERO,
        &IMembership::switchMembershipCall {
            newAddress: alice_new,
        },
    );
    assert!(switched.status, "{}", switched.return_data);
    assert_eq!(w.nxm_balance(alice_new), bought);
    assert_eq!(w.nxm_balance(alice), U256::ZERO);
    let back = w.transfer_tx(alice_new, alice, tokens(1));
    reverted_with(&back, nxm_token::NotMember { account: alice });
    let id = w
        .node
        .call_sol(
            bob,
            w.protocol.membership,
            &IMembership::memberIdCall { account: alice_new },
        )
        .unwrap();
    assert_eq!(id, 1, "the member id moves with the membership");
}
