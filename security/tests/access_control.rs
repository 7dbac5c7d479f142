//! The access-control matrix: every state-changing entrypoint of every deployed contract, read
//! from the exported ABIs (`deploy/abi/*.json`), has a row here that says who may call it; for
//! every caller class that may not — a non-member, a member, another protocol contract, a
//! wrong operator, a former member — the call reverts with the row's custom error and changes
//! nothing (balances, code, storage; no logs).
//!
//! An entrypoint without a row fails the suite, and so does a row without an entrypoint: a new
//! entrypoint is classified here before it lands.
//!
//! Arguments are the row's own where the gate needs particular ones (the position or cover the
//! row's owner check is about), else a plain valid value per ABI type (see [`plain_value`]), so
//! that the caller is all that makes the call fail.

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_json_abi::StateMutability;
use alloy_primitives::{Address, Bytes, I256, U256};
use alloy_sol_types::{SolCall, SolError};
use mutual_deploy::tokens;
use mutual_deploy::CONTRACTS;
use mutual_interfaces::{
    assessment::InsufficientStake, common::NotMember, common::Unauthorized,
    governance::abi::IGovernance, governance::AlreadyInitialized, governance::InsufficientLocked,
    nxm_token::abi::INxmToken, nxm_token::InsufficientAllowance, nxm_token::InsufficientBalance,
    position_nft::abi::IPositionNft, position_nft::erc721::IErc721SafeTransfers,
    position_nft::NotOwnerOrApproved, staking_pool::abi::IStakingPool,
    staking_pool::NotTokenOwnerOrApproved, staking_pool::OnlyManager,
};
use protocol_e2e::CoverOrder;
use protocol_security::{abi, cast, devnode, Cast, Fingerprint, DAY_SECS};

/// Who may call an entrypoint.
#[derive(Clone, Copy)]
enum Gate {
    /// The contract's governance (the governance contract): everyone else `Unauthorized`.
    Governance,
    /// Only these protocol contracts (deployment names): everyone else `Unauthorized`.
    Operators(&'static [&'static str]),
    /// An advisory-board seat (or governance, where the row says so): `Unauthorized`.
    Board,
    /// Members: everyone else `NotMember(caller)`.
    Members,
    /// Holders of NXM: a caller with none fails on its balance of 0 against this many wei of
    /// NXM (no non-member holds NXM).
    Holders(u128),
    /// Only who holds the row's thing (a position, a cover, an allowance, an assessment stake,
    /// locked NXM): every caller class, holding none, gets this error.
    Owner(fn(&Cast, Address) -> Bytes),
    /// The manager of pool 1: everyone else gets this error.
    Manager(fn(&Cast, Address) -> Bytes),
    /// Every caller gets this error (a one-shot entrypoint already used).
    Closed(fn() -> Bytes),
    /// Anyone, for the reason given; tested by its own scenarios.
    Anyone(&'static str),
}

/// The caller classes that try every entrypoint.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Class {
    NonMember,
    Member,
    OtherContract,
    WrongOperator,
    FormerMember,
}

const CLASSES: [Class; 5] = [
    Class::NonMember,
    Class::Member,
    Class::OtherContract,
    Class::WrongOperator,
    Class::FormerMember,
];

/// Calldata a row supplies itself (the arguments the gate is about).
type Calldata = fn(&Cast) -> Bytes;

/// `(deployment, function signature, gate, own calldata)`.
type Row = (&'static str, &'static str, Gate, Option<Calldata>);

const GOV: Gate = Gate::Governance;
const MEMBERS: Gate = Gate::Members;

/// The matrix. Catalogue editors and the RAMM's emergency setters are board-or-governance;
/// `join` and `permit` are gated by signatures (`signatures.rs`).
const ROWS: &[Row] = &[
    // nxm-token
    ("nxm-token", "approve(address,uint256)", Gate::Anyone("an allowance moves nothing until spent"), None),
    ("nxm-token", "mint(address,uint256)", Gate::Operators(NXM_OPERATORS), None),
    ("nxm-token", "operatorBurn(address,uint256)", Gate::Operators(NXM_OPERATORS), None),
    ("nxm-token", "operatorTransfer(address,address,uint256)", Gate::Operators(NXM_OPERATORS), None),
    ("nxm-token", "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)", Gate::Anyone("the owner's signature (signatures.rs)"), None),
    ("nxm-token", "setGovernance(address)", GOV, None),
    ("nxm-token", "setMember(address,bool)", Gate::Operators(&["membership"]), None),
    ("nxm-token", "setMembership(address)", GOV, None),
    ("nxm-token", "setOperator(address,bool)", GOV, None),
    ("nxm-token", "setPaused(bool)", Gate::Operators(&["membership"]), None),
    ("nxm-token", "switchMember(address,address)", Gate::Operators(&["membership"]), None),
    ("nxm-token", "transfer(address,uint256)", Gate::Holders(1), None),
    ("nxm-token", "transferFrom(address,address,uint256)", Gate::Owner(no_allowance), Some(transfer_from_founder)),
    // membership
    ("membership", "join(address,uint256,uint256,bytes)", Gate::Anyone("the KYC authority's approval (signatures.rs)"), None),
    ("membership", "leave()", MEMBERS, None),
    ("membership", "pause()", Gate::Board, None),
    ("membership", "registerStateHolder(address)", GOV, None),
    ("membership", "setAdvisoryBoardSeat(uint8,address)", GOV, None),
    ("membership", "setContracts(address,address)", GOV, None),
    ("membership", "setGovernance(address)", GOV, None),
    ("membership", "setJoiningFee(uint256)", GOV, None),
    ("membership", "setKycAuthority(address)", GOV, None),
    ("membership", "sweepFees()", Gate::Anyone("moves the fees to the capital pool only"), None),
    ("membership", "switchMembership(address)", MEMBERS, None),
    ("membership", "unpause()", Gate::Board, None),
    ("membership", "unregisterStateHolder(address)", GOV, None),
    // capital-pool
    ("capital-pool", "depositSwapEth()", Gate::Operators(&["ramm"]), None),
    ("capital-pool", "payClaim(address,uint256)", Gate::Operators(&["claims"]), None),
    ("capital-pool", "paySwapEth(address,uint256)", Gate::Operators(&["ramm"]), None),
    ("capital-pool", "setContracts(address,address,address,address)", GOV, None),
    ("capital-pool", "setGovernance(address)", GOV, None),
    ("capital-pool", "setMcrFloor(uint256)", GOV, None),
    ("capital-pool", "transferTreasury(address,uint256)", GOV, None),
    ("capital-pool", "updateMcr()", Gate::Anyone("brings the smoothed MCR to now"), None),
    // ramm
    ("ramm", "getInternalPriceAndUpdateTwap()", Gate::Anyone("records the TWAP observation"), None),
    ("ramm", "removeBudget()", GOV, None),
    ("ramm", "setCircuitBreakerLimits(uint256,uint256)", Gate::Board, None),
    ("ramm", "setContracts(address,address,address)", GOV, None),
    ("ramm", "setGovernance(address)", GOV, None),
    ("ramm", "setSwapPaused(bool)", Gate::Board, None),
    ("ramm", "swap(uint256,uint256,uint256)", Gate::Holders(ONE_NXM), Some(sell_one_nxm)),
    // position NFTs
    ("cover-nft", "approve(address,uint256)", Gate::Owner(not_nft_owner), None),
    ("cover-nft", "burn(uint256)", Gate::Operators(&["cover"]), None),
    ("cover-nft", "mint(address)", Gate::Operators(&["cover"]), None),
    ("cover-nft", "safeTransferFrom(address,address,uint256)", Gate::Owner(not_nft_owner), Some(cover_nft_safe_transfer)),
    ("cover-nft", "safeTransferFrom(address,address,uint256,bytes)", Gate::Owner(not_nft_owner), Some(cover_nft_safe_transfer_data)),
    ("cover-nft", "setApprovalForAll(address,bool)", Gate::Anyone("an operator approval of the caller's own tokens"), None),
    ("cover-nft", "setBaseUri(string)", GOV, None),
    ("cover-nft", "setGovernance(address)", GOV, None),
    ("cover-nft", "setMinter(address)", GOV, None),
    ("cover-nft", "transferFrom(address,address,uint256)", Gate::Owner(not_nft_owner), Some(cover_nft_transfer)),
    ("stake-nft", "approve(address,uint256)", Gate::Owner(not_nft_owner), None),
    ("stake-nft", "burn(uint256)", Gate::Operators(&["staking-pool"]), None),
    ("stake-nft", "mint(address)", Gate::Operators(&["staking-pool"]), None),
    ("stake-nft", "safeTransferFrom(address,address,uint256)", Gate::Owner(not_nft_owner), Some(stake_nft_safe_transfer)),
    ("stake-nft", "safeTransferFrom(address,address,uint256,bytes)", Gate::Owner(not_nft_owner), Some(stake_nft_safe_transfer_data)),
    ("stake-nft", "setApprovalForAll(address,bool)", Gate::Anyone("an operator approval of the caller's own tokens"), None),
    ("stake-nft", "setBaseUri(string)", GOV, None),
    ("stake-nft", "setGovernance(address)", GOV, None),
    ("stake-nft", "setMinter(address)", GOV, None),
    ("stake-nft", "transferFrom(address,address,uint256)", Gate::Owner(not_nft_owner), Some(stake_nft_transfer)),
    // cover-products
    ("cover-products", "setContracts(address,address)", GOV, None),
    ("cover-products", "setGovernance(address)", GOV, None),
    ("cover-products", "setProduct(uint256,uint256,uint256,uint256,uint256,uint256,bool,bool,uint256[],string)", Gate::Board, None),
    ("cover-products", "setProductType(uint256,uint256,uint256,string)", Gate::Board, None),
    // staking-pool
    ("staking-pool", "burnStake(uint256,uint256,uint256,uint256)", Gate::Operators(&["cover"]), None),
    ("staking-pool", "depositTo(uint256,uint256,uint256,uint256,address)", Gate::Holders(ONE_NXM), Some(deposit_one_nxm)),
    ("staking-pool", "extendDeposit(uint256,uint256,uint256,uint256)", Gate::Owner(not_stake_owner), None),
    ("staking-pool", "processExpirations(uint256)", Gate::Anyone("expires what time has ended"), None),
    ("staking-pool", "registerPool(address,bool,uint256,uint256,(uint256,uint256,uint256)[])", Gate::Operators(&["pool-registry"]), None),
    ("staking-pool", "requestAllocation(uint256,uint256,uint256,uint256,uint256,bool,uint256,uint256)", Gate::Operators(&["cover"]), None),
    ("staking-pool", "requestDeallocation(uint256,uint256,uint256,uint256,uint256,uint256)", Gate::Operators(&["cover"]), None),
    ("staking-pool", "setContracts(address,address,address,address,address)", GOV, None),
    ("staking-pool", "setGovernance(address)", GOV, None),
    ("staking-pool", "setPoolFee(uint256,uint256)", Gate::Manager(only_manager), None),
    ("staking-pool", "setPoolPrivacy(uint256,bool)", Gate::Manager(only_manager), None),
    ("staking-pool", "withdraw(uint256,uint256,bool,bool,uint256[])", Gate::Owner(not_stake_owner), None),
    // staking-products
    ("staking-products", "allocate(uint256,uint256,uint256,uint256,uint256,bool,uint256,uint256,uint256,uint256[8])", Gate::Operators(&["staking-pool"]), None),
    ("staking-products", "deallocate(uint256,uint256,uint256)", Gate::Operators(&["staking-pool"]), None),
    ("staking-products", "initializeProducts(uint256,(uint256,uint256,uint256)[])", Gate::Operators(&["staking-pool"]), None),
    ("staking-products", "setContracts(address,address)", GOV, None),
    ("staking-products", "setGovernance(address)", GOV, None),
    ("staking-products", "setProducts(uint256,(uint256,uint256,uint256)[])", Gate::Manager(not_the_products_manager), None),
    // cover
    ("cover", "burnStake(uint256,uint256)", Gate::Operators(&["claims"]), None),
    ("cover", "buyCover((uint256,address,uint256,uint256,uint256,uint256,uint256,uint256,uint256,address,string),(uint256,uint256)[])", MEMBERS, Some(buy_one_eth_cover)),
    ("cover", "expireCover(uint256)", Gate::Anyone("ends a cover whose period is over"), None),
    ("cover", "setContracts(address,address,address,address,address,address,address)", GOV, None),
    ("cover", "setGovernance(address)", GOV, None),
    // pool-registry
    ("pool-registry", "createPool(bool,uint256,uint256,(uint256,uint256,uint256)[],string)", MEMBERS, None),
    ("pool-registry", "setContracts(address,address)", GOV, None),
    ("pool-registry", "setGovernance(address)", GOV, None),
    ("pool-registry", "setPoolMetadata(uint256,string)", Gate::Manager(only_manager), None),
    // assessment
    ("assessment", "castVote(uint256,bool)", MEMBERS, None),
    ("assessment", "setContracts(address,address)", GOV, None),
    ("assessment", "setGovernance(address)", GOV, None),
    ("assessment", "stake(uint256)", MEMBERS, None),
    ("assessment", "startAssessment(uint256,uint256)", Gate::Operators(&["claims"]), None),
    ("assessment", "undoVotes(address,uint256)", GOV, None),
    ("assessment", "unstake(uint256,address)", Gate::Owner(no_assessment_stake), None),
    ("assessment", "withdrawRewards(address,uint256)", Gate::Anyone("pays an assessor's rewards to that assessor"), None),
    // claims
    ("claims", "redeemClaimPayout(uint256)", Gate::Anyone("pays an accepted claim to the cover's owner, never to the caller"), None),
    ("claims", "setContracts(address,address,address,address,address,address)", GOV, None),
    ("claims", "setGovernance(address)", GOV, None),
    ("claims", "submitClaim(uint256,uint256,string)", MEMBERS, None),
    // governance
    ("governance", "execute(uint256)", Gate::Anyone("carries out an accepted proposal after its timelock"), None),
    ("governance", "initialize(address,address,address[])", Gate::Closed(already_initialized), None),
    ("governance", "lock(uint256)", MEMBERS, None),
    ("governance", "propose((address,uint256,bytes)[],string)", MEMBERS, None),
    ("governance", "setProtocolContracts(address[])", GOV, None),
    ("governance", "unlock(uint256)", Gate::Owner(nothing_locked), None),
    ("governance", "veto(uint256,uint8)", Gate::Board, Some(veto_timelocked)),
    ("governance", "vote(uint256,bool)", MEMBERS, Some(vote_in_vote)),
];

/// The NXM token's operators.
const NXM_OPERATORS: &[&str] = &[
    "ramm",
    "staking-pool",
    "cover",
    "claims",
    "assessment",
    "governance",
];

fn error(e: impl SolError) -> Bytes {
    e.abi_encode().into()
}

fn no_allowance(cast: &Cast, caller: Address) -> Bytes {
    error(InsufficientAllowance {
        owner: cast.founder,
        spender: caller,
        allowanceNxm: U256::ZERO,
        neededNxm: U256::from(1),
    })
}

fn only_manager(cast: &Cast, caller: Address) -> Bytes {
    error(OnlyManager {
        caller,
        poolId: cast.pool_id,
    })
}

fn not_the_products_manager(_: &Cast, caller: Address) -> Bytes {
    error(Unauthorized { caller })
}

fn no_assessment_stake(_: &Cast, _: Address) -> Bytes {
    error(InsufficientStake {
        requestedNxm: U256::from(1),
        stakeNxm: U256::ZERO,
    })
}

fn nothing_locked(_: &Cast, _: Address) -> Bytes {
    error(InsufficientLocked {
        requestedNxm: U256::from(1),
        lockedNxm: U256::ZERO,
    })
}

/// 1 NXM in wei: what the sale and deposit rows move.
const ONE_NXM: u128 = 1_000_000_000_000_000_000;

fn veto_timelocked(cast: &Cast) -> Bytes {
    IGovernance::vetoCall {
        proposalId: cast.timelocked_proposal,
        seat: 0,
    }
    .abi_encode()
    .into()
}

fn vote_in_vote(cast: &Cast) -> Bytes {
    IGovernance::voteCall {
        proposalId: cast.proposal_in_vote,
        support: true,
    }
    .abi_encode()
    .into()
}

fn deposit_one_nxm(cast: &Cast) -> Bytes {
    IStakingPool::depositToCall {
        poolId: cast.pool_id,
        amountNxm: tokens(1),
        trancheId: U256::from(cast.stake_tranche),
        tokenId: U256::ZERO,
        destination: cast.member,
    }
    .abi_encode()
    .into()
}

fn buy_one_eth_cover(cast: &Cast) -> Bytes {
    CoverOrder::eth(cast.cover_owner, 0, 1, tokens(1), 30 * DAY_SECS)
        .call()
        .abi_encode()
        .into()
}

fn not_nft_owner(_: &Cast, caller: Address) -> Bytes {
    error(NotOwnerOrApproved {
        caller,
        tokenId: U256::from(1),
    })
}

fn not_stake_owner(cast: &Cast, caller: Address) -> Bytes {
    error(NotTokenOwnerOrApproved {
        caller,
        tokenId: cast.stake_token,
    })
}

fn already_initialized() -> Bytes {
    error(AlreadyInitialized {})
}

fn transfer_from_founder(cast: &Cast) -> Bytes {
    INxmToken::transferFromCall {
        from: cast.founder,
        to: cast.member,
        amountNxm: U256::from(1),
    }
    .abi_encode()
    .into()
}

fn sell_one_nxm(_: &Cast) -> Bytes {
    mutual_interfaces::ramm::abi::IRamm::swapCall {
        nxmIn: tokens(1),
        minAmountOut: U256::ZERO,
        deadline: U256::MAX,
    }
    .abi_encode()
    .into()
}

fn cover_nft_transfer(cast: &Cast) -> Bytes {
    nft_transfer(cast.cover_owner, cast.cover_id)
}

fn stake_nft_transfer(cast: &Cast) -> Bytes {
    nft_transfer(cast.manager, cast.stake_token)
}

fn nft_transfer(owner: Address, token_id: U256) -> Bytes {
    IPositionNft::transferFromCall {
        from: owner,
        to: owner,
        tokenId: token_id,
    }
    .abi_encode()
    .into()
}

fn cover_nft_safe_transfer(cast: &Cast) -> Bytes {
    IErc721SafeTransfers::safeTransferFrom_0Call {
        from: cast.cover_owner,
        to: cast.member,
        tokenId: cast.cover_id,
    }
    .abi_encode()
    .into()
}

fn cover_nft_safe_transfer_data(cast: &Cast) -> Bytes {
    IErc721SafeTransfers::safeTransferFrom_1Call {
        from: cast.cover_owner,
        to: cast.member,
        tokenId: cast.cover_id,
        data: Bytes::new(),
    }
    .abi_encode()
    .into()
}

fn stake_nft_safe_transfer(cast: &Cast) -> Bytes {
    IErc721SafeTransfers::safeTransferFrom_0Call {
        from: cast.manager,
        to: cast.member,
        tokenId: cast.stake_token,
    }
    .abi_encode()
    .into()
}

fn stake_nft_safe_transfer_data(cast: &Cast) -> Bytes {
    IErc721SafeTransfers::safeTransferFrom_1Call {
        from: cast.manager,
        to: cast.member,
        tokenId: cast.stake_token,
        data: Bytes::new(),
    }
    .abi_encode()
    .into()
}

/// A plain valid value of `ty`: the founder (a member) for addresses, 1 for numbers, `true`,
/// one-element arrays, a short string and bytes — so that ids name the cast's pool 1, stake
/// position 1 and cover 1.
fn plain_value(ty: &DynSolType, cast: &Cast) -> DynSolValue {
    match ty {
        DynSolType::Address => DynSolValue::Address(cast.founder),
        DynSolType::Bool => DynSolValue::Bool(true),
        DynSolType::Uint(bits) => DynSolValue::Uint(U256::from(1), *bits),
        DynSolType::Int(bits) => DynSolValue::Int(I256::ONE, *bits),
        DynSolType::FixedBytes(size) => {
            DynSolValue::FixedBytes(alloy_primitives::B256::with_last_byte(1), *size)
        }
        DynSolType::Bytes => DynSolValue::Bytes(vec![1]),
        DynSolType::String => DynSolValue::String("ipfs://x".into()),
        DynSolType::Array(inner) => DynSolValue::Array(vec![plain_value(inner, cast)]),
        DynSolType::FixedArray(inner, len) => {
            DynSolValue::FixedArray(vec![plain_value(inner, cast); *len])
        }
        DynSolType::Tuple(items) => {
            DynSolValue::Tuple(items.iter().map(|t| plain_value(t, cast)).collect())
        }
        DynSolType::Function => DynSolValue::Function(alloy_primitives::Function::ZERO),
    }
}

/// `data` as `ErrorName(0x…args)` when an exported ABI declares its selector.
fn error_name(data: &[u8]) -> String {
    let name = data.get(..4).and_then(|selector| {
        CONTRACTS.iter().find_map(|(_, krate)| {
            abi(krate)
                .errors()
                .find(|e| e.selector().as_slice() == selector)
                .map(|e| e.signature())
        })
    });
    match name {
        Some(name) => format!("{name} 0x{}", alloy_primitives::hex::encode(&data[4..])),
        None => format!("0x{}", alloy_primitives::hex::encode(data)),
    }
}

/// The crate deployed as `deployment`.
fn crate_of(deployment: &str) -> &'static str {
    CONTRACTS
        .iter()
        .find(|(name, _)| *name == deployment)
        .map(|(_, krate)| *krate)
        .unwrap_or_else(|| panic!("{deployment} is not a deployment"))
}

/// Every state-changing entrypoint of every deployment has exactly one row, and every row
/// names one.
#[test]
fn every_entrypoint_has_a_row() {
    let mut problems = Vec::new();
    let mut entrypoints = Vec::new();
    for (deployment, krate) in CONTRACTS {
        for function in abi(krate).functions() {
            if matches!(
                function.state_mutability,
                StateMutability::View | StateMutability::Pure
            ) {
                continue;
            }
            let signature = function.signature();
            let rows = ROWS
                .iter()
                .filter(|row| row.0 == deployment && row.1 == signature)
                .count();
            if rows != 1 {
                problems.push(format!("{deployment}.{signature}: {rows} rows"));
            }
            entrypoints.push((deployment, signature));
        }
    }
    for row in ROWS {
        if !entrypoints.iter().any(|(d, s)| *d == row.0 && s == row.1) {
            problems.push(format!("{}.{}: a row without an entrypoint", row.0, row.1));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(entrypoints.len() > 90, "the ABIs list the entrypoints");
    println!(
        "{} state-changing entrypoints; open to anyone:",
        entrypoints.len()
    );
    for row in ROWS {
        if let Gate::Anyone(reason) = row.2 {
            println!("  {}.{}: {reason}", row.0, row.1);
        }
    }
}

/// Every caller class that may not call an entrypoint gets its custom error, and nothing
/// changes.
#[test]
fn every_forbidden_caller_is_refused_and_changes_nothing() {
    let mut cast = cast();
    let addresses = cast.w.protocol.contracts();
    let address_of = |deployment: &str| {
        addresses
            .iter()
            .find(|(name, _)| *name == deployment)
            .map(|(_, a)| *a)
            .unwrap_or_else(|| panic!("{deployment}"))
    };
    let mut problems = Vec::new();
    let mut refused = 0;
    for &(deployment, signature, gate, calldata) in ROWS {
        let function = abi(crate_of(deployment))
            .functions()
            .find(|f| f.signature() == signature)
            .cloned()
            .unwrap_or_else(|| panic!("{deployment}.{signature} is in the ABI"));
        let data: Bytes = match calldata {
            Some(own) => own(&cast),
            None => {
                let args: Vec<DynSolValue> = function
                    .inputs
                    .iter()
                    .map(|p| {
                        let ty = DynSolType::parse(&p.selector_type()).expect("an ABI type");
                        plain_value(&ty, &cast)
                    })
                    .collect();
                let mut data = function.selector().to_vec();
                data.extend(DynSolValue::Tuple(args).abi_encode_params());
                data.into()
            }
        };
        let target = address_of(deployment);
        for class in CLASSES {
            let caller = match class {
                Class::NonMember => cast.non_member,
                Class::Member => cast.member,
                Class::OtherContract => cast.w.protocol.cover_viewer,
                Class::WrongOperator => match gate {
                    Gate::Operators(allowed) => address_of(
                        ["ramm", "claims", "cover", "membership"]
                            .into_iter()
                            .find(|o| !allowed.contains(o))
                            .expect("an operator not allowed"),
                    ),
                    _ => cast.w.protocol.ramm,
                },
                Class::FormerMember => cast.former_member,
            };
            let expected = match gate {
                Gate::Governance | Gate::Operators(_) | Gate::Board => {
                    error(Unauthorized { caller })
                }
                Gate::Members if class == Class::Member => continue,
                Gate::Members => error(NotMember { account: caller }),
                Gate::Holders(_) if class == Class::Member => continue,
                Gate::Holders(needed) => error(InsufficientBalance {
                    account: caller,
                    balanceNxm: U256::ZERO,
                    neededNxm: U256::from(needed),
                }),
                Gate::Owner(owner_error) => owner_error(&cast, caller),
                Gate::Manager(manager_error) => manager_error(&cast, caller),
                Gate::Closed(closed) => closed(),
                Gate::Anyone(_) => continue,
            };
            let before = Fingerprint::of(devnode(&mut cast.w));
            let receipt = devnode(&mut cast.w).send(caller, target, U256::ZERO, data.clone());
            let after = Fingerprint::of(devnode(&mut cast.w));
            refused += 1;
            if receipt.status || receipt.return_data != expected || receipt.error.is_some() {
                problems.push(format!(
                    "{deployment}.{signature} from {class:?}: status {}, revert {} (expected {}), failure {:?}",
                    receipt.status,
                    error_name(&receipt.return_data),
                    error_name(&expected),
                    receipt.error
                ));
            }
            let changed = before.differences(&after);
            if !changed.is_empty() || !receipt.logs.is_empty() {
                problems.push(format!(
                    "{deployment}.{signature} from {class:?} changed {changed:?}, {} logs",
                    receipt.logs.len()
                ));
            }
        }
    }
    println!(
        "access-control matrix: {} rows, {refused} refused calls",
        ROWS.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
