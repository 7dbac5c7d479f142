//! Member governance on the devnode over the contracts' real WASM, after the deployment handed
//! every contract's governance role to the governance contract: the deployer's key holds
//! nothing; members lock NXM, one proposes a parameter change in another contract (the capital
//! pool's MCR floor), members vote, the timelock passes and anyone executes it; a special
//! resolution seats the advisory board, which then vetoes a proposal in its timelock; a proposal
//! that fails on quorum; and locked NXM held until the vote's proposal ends.
//!
//! Expected values come from the rules (the governance issue, protocol-reference §8): weights
//! `locked + 1 NXM` capped at 5 % of the supply, quorum 15 %, more than 50 % for an ordinary
//! proposal, 3 days of voting and a 1-day timelock.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;
use mutual_deploy::tokens;
use mutual_interfaces::{
    capital_pool::abi::ICapitalPool,
    common::Unauthorized,
    governance::{
        abi::IGovernance, status, AlreadyVetoed, InvalidProposalStatus, InvalidSeat, StillLocked,
    },
    membership::abi::IMembership,
    nxm_token::abi::INxmToken,
};
use protocol_e2e::{reverted_with, World};

const DAY: u64 = 86_400;

/// Four members with 60 000 NXM each locked in governance (the supply is the genesis 1 000 000
/// NXM: each ordinary vote weighs the 5 % cap, 50 000 NXM; three of them reach the 15 %
/// quorum).
struct Governed {
    w: World,
    members: [Address; 4],
}

fn governed() -> Governed {
    let mut w = World::new(tokens(20_000));
    let members = ["alice", "bob", "carol", "dan"].map(|n| w.account(n));
    let founder = w.config.founder.address();
    let (token, governance) = (w.protocol.nxm_token, w.protocol.governance);
    for member in members {
        w.join(member);
        let gift = INxmToken::transferCall {
            to: member,
            amountNxm: tokens(60_000),
        };
        assert!(w.send(founder, token, U256::ZERO, &gift).status);
        let locked = w.send(
            member,
            governance,
            U256::ZERO,
            &IGovernance::lockCall {
                amountNxm: tokens(60_000),
            },
        );
        assert!(locked.status, "lock: {}", locked.return_data);
    }
    Governed { w, members }
}

impl Governed {
    /// `proposer` proposes setting the capital pool's MCR floor to `floor_eth`; the id.
    fn propose_floor(&mut self, proposer: Address, floor_eth: U256) -> U256 {
        let pool = self.w.protocol.capital_pool;
        let call = ICapitalPool::setMcrFloorCall {
            mcrFloorEth: floor_eth,
        };
        self.propose(proposer, vec![(pool, call.abi_encode())])
    }

    /// `proposer` proposes `actions` (target, calldata; no value); the id.
    fn propose(&mut self, proposer: Address, actions: Vec<(Address, Vec<u8>)>) -> U256 {
        let call = IGovernance::proposeCall {
            actions: actions
                .into_iter()
                .map(|(target, data)| (target, U256::ZERO, Bytes::from(data)))
                .collect(),
            descriptionUri: "ipfs://proposal".into(),
        };
        let governance = self.w.protocol.governance;
        let receipt = self.w.send(proposer, governance, U256::ZERO, &call);
        assert!(receipt.status, "propose: {}", receipt.return_data);
        println!("Governance.propose: {} gas", receipt.gas_used);
        IGovernance::proposeCall::abi_decode_returns(&receipt.return_data).unwrap()
    }

    fn vote(&mut self, voter: Address, id: U256, support: bool) {
        let governance = self.w.protocol.governance;
        let call = IGovernance::voteCall {
            proposalId: id,
            support,
        };
        let receipt = self.w.send(voter, governance, U256::ZERO, &call);
        assert!(receipt.status, "vote: {}", receipt.return_data);
        println!("Governance.vote: {} gas", receipt.gas_used);
    }

    fn status(&mut self, id: U256) -> u8 {
        let governance = self.w.protocol.governance;
        self.w.view(
            governance,
            &IGovernance::proposalStatusCall { proposalId: id },
        )
    }

    fn execute(&mut self, by: Address, id: U256) -> mutual_deploy::Outcome {
        let governance = self.w.protocol.governance;
        self.w.send(
            by,
            governance,
            U256::ZERO,
            &IGovernance::executeCall { proposalId: id },
        )
    }

    fn mcr_floor(&mut self) -> U256 {
        let pool = self.w.protocol.capital_pool;
        self.w
            .view(pool, &ICapitalPool::poolStateCall {})
            .mcrFloorEth
    }
}

#[test]
fn a_proposal_passes_waits_out_its_timelock_and_changes_another_contract() {
    let mut g = governed();
    if g.w.skips_without_time_travel("a governance lifecycle") {
        return;
    }
    let [alice, bob, carol, dan] = g.members;
    let floor = tokens(12_345);
    let id = g.propose_floor(alice, floor);
    let governance = g.w.protocol.governance;
    let proposal =
        g.w.view(governance, &IGovernance::proposalCall { proposalId: id });
    assert!(!proposal._5, "an MCR parameter is an ordinary proposal");
    for voter in [alice, bob, carol] {
        g.vote(voter, id, true);
    }
    g.vote(dan, id, false);
    // Each weight is the 5 % cap of the snapshot supply.
    let proposal =
        g.w.view(governance, &IGovernance::proposalCall { proposalId: id });
    let cap = proposal._7 / U256::from(20);
    assert_eq!((proposal._3, proposal._4), (cap * U256::from(3), cap));
    // Locked NXM stays until the proposal ends.
    let early = g.w.send(
        dan,
        governance,
        U256::ZERO,
        &IGovernance::unlockCall {
            amountNxm: tokens(1),
        },
    );
    reverted_with(
        &early,
        StillLocked {
            lockedUntilSecs: proposal._2,
        },
    );
    let not_yet = g.execute(dan, id);
    reverted_with(
        &not_yet,
        InvalidProposalStatus {
            proposalId: id,
            status: status::VOTING,
        },
    );
    g.w.advance_time(3 * DAY);
    assert_eq!(g.status(id), status::TIMELOCKED);
    g.w.advance_time(DAY);
    assert_eq!(g.status(id), status::EXECUTABLE);
    let executed = g.execute(dan, id);
    assert!(executed.status, "execute: {}", executed.return_data);
    println!("Governance.execute (1 action): {} gas", executed.gas_used);
    assert_eq!(g.mcr_floor(), floor, "the capital pool took the new floor");
    assert_eq!(g.status(id), status::EXECUTED);
    // The voters' NXM is free again.
    let unlocked = g.w.send(
        dan,
        governance,
        U256::ZERO,
        &IGovernance::unlockCall {
            amountNxm: tokens(60_000),
        },
    );
    assert!(unlocked.status);
    assert_eq!(g.w.nxm_balance(dan), tokens(60_000));
}

#[test]
fn the_deployment_hands_every_governance_role_to_the_governance_contract() {
    let mut w = World::new(tokens(20_000));
    let governance = w.protocol.governance;
    let deployer = w.config.governance.address();
    for (name, address) in w.protocol.contracts() {
        if !mutual_deploy::is_governed(name) {
            continue;
        }
        let holder = w.view(address, &INxmToken::governanceCall {});
        assert_eq!(holder, governance, "{name}.governance()");
    }
    // The deployer's key can no longer set anything.
    let pool = w.protocol.capital_pool;
    let refused = w.send(
        deployer,
        pool,
        U256::ZERO,
        &ICapitalPool::setMcrFloorCall {
            mcrFloorEth: tokens(1),
        },
    );
    reverted_with(&refused, Unauthorized { caller: deployer });
}

#[test]
fn a_special_resolution_seats_the_board_which_vetoes_a_proposal_in_its_timelock() {
    let mut g = governed();
    if g.w.skips_without_time_travel("a vetoed proposal") {
        return;
    }
    let [alice, bob, carol, dan] = g.members;
    let membership = g.w.protocol.membership;
    let seats: Vec<(Address, Vec<u8>)> = [(0u8, alice), (1, bob), (2, carol)]
        .into_iter()
        .map(|(seat, account)| {
            let call = IMembership::setAdvisoryBoardSeatCall { seat, account };
            (membership, call.abi_encode())
        })
        .collect();
    let seating = g.propose(alice, seats);
    let governance = g.w.protocol.governance;
    let proposal = g.w.view(
        governance,
        &IGovernance::proposalCall {
            proposalId: seating,
        },
    );
    assert!(
        proposal._5,
        "an action on membership is a special resolution"
    );
    for voter in [alice, bob, carol, dan] {
        g.vote(voter, seating, true);
    }
    // Special resolutions count uncapped weights: locked + 1 NXM each.
    let proposal = g.w.view(
        governance,
        &IGovernance::proposalCall {
            proposalId: seating,
        },
    );
    assert_eq!(proposal._3, (tokens(60_000) + tokens(1)) * U256::from(4));
    g.w.advance_time(4 * DAY);
    let executed = g.execute(dan, seating);
    assert!(executed.status, "execute: {}", executed.return_data);
    println!("Governance.execute (3 actions): {} gas", executed.gas_used);
    for (seat, holder) in [(0u8, alice), (1, bob), (2, carol)] {
        let seated =
            g.w.view(membership, &IMembership::advisoryBoardSeatCall { seat });
        assert_eq!(seated, holder);
    }

    let before = g.mcr_floor();
    let id = g.propose_floor(dan, tokens(99_999));
    for voter in [alice, bob, carol, dan] {
        g.vote(voter, id, true);
    }
    g.w.advance_time(3 * DAY);
    let governance = g.w.protocol.governance;
    // Each board member vetoes for the seat it holds; vetoes count per seat.
    let veto = |g: &mut Governed, caller: Address, seat: u8| {
        let call = IGovernance::vetoCall {
            proposalId: id,
            seat,
        };
        g.w.send(caller, governance, U256::ZERO, &call)
    };
    reverted_with(&veto(&mut g, bob, 0), Unauthorized { caller: bob });
    reverted_with(&veto(&mut g, dan, 5), InvalidSeat { seat: 5 });
    for (seat, seat_holder) in [(0u8, alice), (1, bob), (2, carol)] {
        let vetoed = veto(&mut g, seat_holder, seat);
        assert!(vetoed.status, "veto: {}", vetoed.return_data);
        if seat == 0 {
            reverted_with(
                &veto(&mut g, alice, 0),
                AlreadyVetoed {
                    proposalId: id,
                    seat: 0,
                },
            );
        }
    }
    assert_eq!(g.status(id), status::VETOED);
    g.w.advance_time(DAY);
    let refused = g.execute(dan, id);
    reverted_with(
        &refused,
        InvalidProposalStatus {
            proposalId: id,
            status: status::VETOED,
        },
    );
    assert_eq!(g.mcr_floor(), before);
}

#[test]
fn a_proposal_without_quorum_is_defeated() {
    let mut g = governed();
    if g.w.skips_without_time_travel("a proposal without quorum") {
        return;
    }
    let [alice, bob, ..] = g.members;
    let before = g.mcr_floor();
    let id = g.propose_floor(alice, tokens(1));
    // Two capped votes: 10 % of the supply, short of the 15 % quorum, though all in favour.
    g.vote(alice, id, true);
    g.vote(bob, id, true);
    g.w.advance_time(4 * DAY);
    assert_eq!(g.status(id), status::DEFEATED);
    let refused = g.execute(bob, id);
    reverted_with(
        &refused,
        InvalidProposalStatus {
            proposalId: id,
            status: status::DEFEATED,
        },
    );
    assert_eq!(g.mcr_floor(), before);
}
