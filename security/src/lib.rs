//! The security and reliability suite's shared pieces: the deployed protocol on the embedded
//! devnode (the contracts' real WASM), a fingerprint of the chain state to show that a reverted
//! call changed nothing, the exported ABIs (`deploy/abi`), and the suite's two settings.
//!
//! Every test runs in process: it needs the devnode itself (snapshots, the state, transactions
//! from any address, as a node's impersonation allows). The JSON-RPC server's own tests start
//! it on 127.0.0.1.
//!
//! # Settings
//! `cargo test` (the README's test command) runs the fast setting; `scripts/security.sh --deep`
//! sets `SECURITY_DEEP=1` and runs the deep one (the counts each test gives [`cases`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use alloy_json_abi::JsonAbi;
use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;
use mutual_interfaces::{
    assessment::abi::IAssessment, capital_pool::abi::ICapitalPool, claims::abi::IClaims,
    governance::abi::IGovernance, membership::abi::IMembership,
};
use protocol_e2e::World;
use stylus_devnode::{Devnode, SavedAccount};

/// True under `SECURITY_DEEP=1` (`scripts/security.sh --deep`).
pub fn deep() -> bool {
    std::env::var("SECURITY_DEEP").is_ok_and(|v| v == "1")
}

/// `fast` in the test command, `deep` under [`deep`].
pub fn cases(fast: u64, deep_cases: u64) -> u64 {
    if deep() {
        deep_cases
    } else {
        fast
    }
}

/// The workspace root (the directory above `security/`).
pub fn workspace_root() -> PathBuf {
    mutual_deploy::workspace_root()
}

/// The JSON ABI `scripts/export-abi.sh` wrote for `contract` (a crate name under `contracts/`).
///
/// # Panics
/// If the file is missing or not an ABI.
pub fn abi(contract: &str) -> JsonAbi {
    let path = workspace_root()
        .join("deploy/abi")
        .join(format!("{contract}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/export-abi.sh)", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The embedded devnode under `world` (every security world is in process).
///
/// # Panics
/// If the world runs over JSON-RPC or on an outside node.
pub fn devnode(world: &mut World) -> &mut Devnode {
    world
        .chain
        .devnode()
        .expect("the security suite runs on the embedded devnode (unset E2E_BACKEND and RPC_URL)")
}

/// What a transaction may change without changing anything that matters: the chain state less
/// the transaction's own bookkeeping (account nonces, block number and time). Two fingerprints
/// are equal when every account's balance, code and storage are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fingerprint(BTreeMap<Address, (U256, Bytes, BTreeMap<U256, U256>)>);

impl Fingerprint {
    /// The state of `devnode` now.
    pub fn of(devnode: &Devnode) -> Self {
        let accounts = devnode
            .save_state()
            .accounts
            .into_iter()
            .filter(|(_, account)| !is_bare_nonce(account))
            .map(|(address, account)| (address, (account.balance, account.code, account.storage)))
            .collect();
        Self(accounts)
    }

    /// The accounts whose balance, code or storage differ between `self` and `other`.
    pub fn differences(&self, other: &Self) -> Vec<Address> {
        let mut addresses: Vec<Address> = self.0.keys().chain(other.0.keys()).copied().collect();
        addresses.sort();
        addresses.dedup();
        addresses.retain(|a| self.0.get(a) != other.0.get(a));
        addresses
    }
}

/// An account that only a nonce distinguishes from an empty one (a sender whose transaction
/// reverted, on a chain whose base fee is 0).
fn is_bare_nonce(account: &SavedAccount) -> bool {
    account.balance.is_zero() && account.code.is_empty() && account.storage.is_empty()
}

/// The deployed protocol with one of each kind of caller the suite needs, every one funded
/// with ETH: the founder (a member holding the genesis NXM), a member holding NXM, a
/// non-member, a former member (joined, then left), a pool manager who staked in its pool, and
/// a member who bought a cover and claimed on it (see [`Cast`] for the claim and the two
/// proposals).
pub struct Cast {
    /// The world (the default devnet deployment: governance handed to the governance contract).
    pub w: World,
    /// The founding member.
    pub founder: Address,
    /// A member holding 1 000 NXM, with no other role.
    pub member: Address,
    /// An address that never joined.
    pub non_member: Address,
    /// An address that joined and left.
    pub former_member: Address,
    /// The manager of pool [`Cast::pool_id`], owner of stake position [`Cast::stake_token`].
    pub manager: Address,
    /// The owner of cover [`Cast::cover_id`].
    pub cover_owner: Address,
    /// Pool 1: public, fee 10 % (max 20 %), both launch products.
    pub pool_id: U256,
    /// Stake position 1: 50 000 NXM in pool 1, two tranches ahead.
    pub stake_token: U256,
    /// The tranche of stake position 1.
    pub stake_tranche: u64,
    /// Cover 1: 10 ETH on product 0 from pool 1 for 91 days, paid in ETH.
    pub cover_id: U256,
    /// Claim 1: 1 ETH on cover 1, filed by its owner, accepted by the founder (staked as an
    /// assessor), its cooldown over: redeemable.
    pub claim_id: U256,
    /// Proposal 1: seat the manager on the advisory board; accepted, in its timelock.
    pub timelocked_proposal: U256,
    /// Proposal 2: set the capital pool's MCR floor to 1 ETH; in its vote.
    pub proposal_in_vote: U256,
}

/// One day in seconds (the default deployment's day).
pub const DAY_SECS: u64 = 86_400;

/// Builds the [`Cast`] on the embedded devnode.
///
/// # Panics
/// If any step of the set-up fails.
pub fn cast() -> Cast {
    let mut w = World::new(mutual_deploy::tokens(20_000));
    let founder = w.config.founder.address();
    let [member, non_member, former_member, manager, cover_owner] =
        ["mark", "nina", "fred", "stella", "bob"].map(|name| w.account(name));
    for account in [member, former_member, manager, cover_owner] {
        w.join(account);
    }
    let left = w.leave_tx(former_member);
    assert!(left.status, "leave: {}", left.return_data);
    for (account, nxm) in [(member, 1_000), (manager, 60_000)] {
        let gift = w.transfer_tx(founder, account, mutual_deploy::tokens(nxm));
        assert!(gift.status, "gift: {}", gift.return_data);
    }
    let (pool_id, _) = w.create_pool(manager, false, 10, 20, &[(0, 100, 200), (1, 50, 200)]);
    let tranche = w.current_tranche() + 2;
    let (stake_token, _) = w.deposit(manager, pool_id, mutual_deploy::tokens(50_000), tranche);
    let amount_eth = mutual_deploy::tokens(10);
    let order = protocol_e2e::CoverOrder::eth(cover_owner, 0, 1, amount_eth, 91 * DAY_SECS);
    let (cover_id, _) = w.buy_cover(cover_owner, &order, amount_eth);

    // Day 1 (a claim is never filed in its cover's purchase block): bob claims 1 ETH; the
    // founder stakes as an assessor and accepts, opening the 3-day poll.
    w.advance_time(DAY_SECS);
    let claim_eth = mutual_deploy::tokens(1);
    let (claims, assessment) = (w.protocol.claims, w.protocol.assessment);
    let deposit = w.view(
        claims,
        &IClaims::quoteDepositCall {
            coverId: cover_id,
            amount: claim_eth,
        },
    );
    let claim = IClaims::submitClaimCall {
        coverId: cover_id,
        amount: claim_eth,
        proofUri: "ipfs://proof".into(),
    };
    let claimed = w.send(cover_owner, claims, deposit._0, &claim);
    assert!(claimed.status, "submitClaim: {}", claimed.return_data);
    let claim_id = IClaims::submitClaimCall::abi_decode_returns(&claimed.return_data)
        .expect("submitClaim returns the id");
    let assessment_id = w.view(claims, &IClaims::claimCall { claimId: claim_id })._3;
    let stake = IAssessment::stakeCall {
        amountNxm: mutual_deploy::tokens(1_000),
    };
    assert!(w.send(founder, assessment, U256::ZERO, &stake).status);
    let accept = IAssessment::castVoteCall {
        assessmentId: assessment_id,
        accept: true,
    };
    let voted = w.send(founder, assessment, U256::ZERO, &accept);
    assert!(voted.status, "castVote: {}", voted.return_data);

    // Day 2: the founder locks NXM and proposes seating the manager on the advisory board (a
    // special resolution: the founder's weight alone carries it), and votes for it.
    w.advance_time(DAY_SECS + 3_600);
    let governance = w.protocol.governance;
    let lock = IGovernance::lockCall {
        amountNxm: w.nxm_balance(founder) / U256::from(2),
    };
    let locked = w.send(founder, governance, U256::ZERO, &lock);
    assert!(locked.status, "lock: {}", locked.return_data);
    let seat = IMembership::setAdvisoryBoardSeatCall {
        seat: 0,
        account: manager,
    };
    let timelocked_proposal = propose(&mut w, founder, seat.abi_encode());
    let vote = IGovernance::voteCall {
        proposalId: timelocked_proposal,
        support: true,
    };
    let voted = w.send(founder, governance, U256::ZERO, &vote);
    assert!(voted.status, "vote: {}", voted.return_data);

    // Day 5: the claim's cooldown is over (redeemable); the proposal is in its timelock; a
    // second proposal opens its vote.
    w.advance_time(3 * DAY_SECS);
    let floor = ICapitalPool::setMcrFloorCall {
        mcrFloorEth: mutual_deploy::tokens(1),
    };
    let proposal_in_vote = propose(&mut w, founder, floor.abi_encode());
    Cast {
        w,
        founder,
        member,
        non_member,
        former_member,
        manager,
        cover_owner,
        pool_id,
        stake_token,
        stake_tranche: tranche,
        cover_id,
        claim_id,
        timelocked_proposal,
        proposal_in_vote,
    }
}

/// `proposer` proposes one action on the protocol (`data` to the capital pool or membership,
/// by its selector's contract); the proposal's id.
fn propose(w: &mut World, proposer: Address, data: Vec<u8>) -> U256 {
    let target = if data[..4] == IMembership::setAdvisoryBoardSeatCall::SELECTOR {
        w.protocol.membership
    } else {
        w.protocol.capital_pool
    };
    let call = IGovernance::proposeCall {
        actions: vec![(target, U256::ZERO, data.into())],
        descriptionUri: "ipfs://proposal".into(),
    };
    let governance = w.protocol.governance;
    let proposed = w.send(proposer, governance, U256::ZERO, &call);
    assert!(proposed.status, "propose: {}", proposed.return_data);
    IGovernance::proposeCall::abi_decode_returns(&proposed.return_data)
        .expect("propose returns the id")
}
