//! The exported ABI (`deploy/abi/<contract>.json`, which `scripts/export-abi.sh` makes from each
//! contract's own `export-abi` binary and solc) against this crate's declarations of the same
//! contract, in both directions:
//!
//! * **functions**: the same set of signatures and selectors as the `sol!` interface's
//!   `I<Name>Calls::SIGNATURES` / `SELECTORS`, and for each the same return types and state
//!   mutability as the interface declares (the declaration's source parsed as human-readable ABI);
//! * **errors**: the same set of signatures and selectors as the `sol!` errors listed per
//!   contract below (`SolError::SIGNATURE` / `SELECTOR`); and every error the contract's module
//!   here declares or re-exports must be one the contract exports; and each exported error's
//!   parameters carry the names `mutual_interfaces::error_declarations` gives them
//!   (scripts/export-abi.sh names them: the SDK's export leaves them unnamed);
//! * the interface name in `deploy/abi/<contract>.sol` is this crate's.
//!
//! Intentional differences (checked as such):
//! * **events**: the same set, with parameter names and indexed flags, as
//!   `mutual_interfaces::contract_events` declares for the contract. The SDK's export-abi
//!   (0.10.10) prints only functions and the errors of their return types: scripts/export-abi.sh
//!   adds these declarations to the interface before compiling it.
//! * **the constructor** is in the JSON (the export binary's `constructor` output) but not here:
//!   no contract calls another's constructor (the deployer encodes the arguments). Its input
//!   types are checked against the list below.
//! * **function parameter names** differ: the export has the Rust names (`amount_nxm`), this
//!   crate the Solidity ones (`amountNxm`), and returns are unnamed in the export. Names are
//!   not part of selectors or encodings, so only types are compared.
//!
//! So a new entrypoint, changed signature, return type, mutability or error in this crate fails
//! here until `scripts/export-abi.sh` is rerun, and an export that differs from this crate fails
//! too. A contract change that is in neither (an entrypoint added to a contract but not to this
//! crate, not re-exported) is caught by `scripts/export-abi.sh --check`, which re-exports and
//! compares.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::PathBuf,
};

use alloy_json_abi::{Event, Function, JsonAbi};
use alloy_sol_types::SolError;
use mutual_interfaces::{
    assessment, capital_pool, claims, cover, cover_products, cover_viewer, governance, membership,
    nxm_token, pool_registry, position_nft, ramm, staking_pool, staking_products, staking_viewer,
};

/// A second `sol!` interface's name, `SIGNATURES` and `SELECTORS`.
type SecondInterface = (&'static str, &'static [&'static str], &'static [[u8; 4]]);

/// One contract's declarations in this crate.
struct Contract {
    /// Cargo package of the contract: `deploy/abi/<package>.{sol,json}`.
    package: &'static str,
    /// The interface's name (`INxmToken`).
    interface: &'static str,
    /// Source of the contract's module in this crate (interface block, errors, re-exports).
    module_source: &'static str,
    /// `I<Name>Calls::SIGNATURES`, in the same order as `selectors`.
    call_signatures: &'static [&'static str],
    /// `I<Name>Calls::SELECTORS`.
    call_selectors: &'static [[u8; 4]],
    /// Functions the contract exports from a second `sol!` interface of the same module
    /// (`sol_interface!` cannot declare overloads): its name, `SIGNATURES` and `SELECTORS`.
    also: Option<SecondInterface>,
    /// The `sol!` errors the contract reverts with (its `SolidityError` enum).
    errors: Vec<(&'static str, [u8; 4])>,
    /// The constructor's input types (not declared in this crate).
    constructor_inputs: &'static [&'static str],
}

/// `(SIGNATURE, SELECTOR)` of each listed `sol!` error type.
macro_rules! errors {
    ($($error:ty),* $(,)?) => {
        vec![$((<$error as SolError>::SIGNATURE, <$error as SolError>::SELECTOR)),*]
    };
}

fn contracts() -> Vec<Contract> {
    vec![
        Contract {
            package: "nxm-token",
            interface: "INxmToken",
            module_source: include_str!("../src/nxm_token.rs"),
            call_signatures: nxm_token::abi::INxmToken::INxmTokenCalls::SIGNATURES,
            call_selectors: nxm_token::abi::INxmToken::INxmTokenCalls::SELECTORS,
            also: None,
            errors: {
                use nxm_token::*;
                errors![
                    Unauthorized,
                    NotMember,
                    AlreadyMember,
                    InsufficientBalance,
                    InsufficientAllowance,
                    SupplyOverflow,
                    PermitExpired,
                    InvalidSignature,
                    Paused,
                    ZeroAddress,
                ]
            },
            constructor_inputs: &["address"],
        },
        Contract {
            package: "membership",
            interface: "IMembership",
            module_source: include_str!("../src/membership.rs"),
            call_signatures: membership::abi::IMembership::IMembershipCalls::SIGNATURES,
            call_selectors: membership::abi::IMembership::IMembershipCalls::SELECTORS,
            also: None,
            errors: {
                use membership::*;
                errors![
                    Unauthorized,
                    ZeroAddress,
                    NotAContract,
                    Paused,
                    NotPaused,
                    NotMember,
                    AlreadyMember,
                    FormerMember,
                    WrongJoiningFee,
                    JoiningFeeTooHigh,
                    ApprovalExpired,
                    InvalidApprovalSigner,
                    NxmBalanceNotZero,
                    MemberStateHeld,
                    AdvisoryBoardSeatHeld,
                    InvalidSeat,
                    UnpauseAlreadyConfirmed,
                    StateHolderAlreadyRegistered,
                    StateHolderNotRegistered,
                    TooManyStateHolders,
                    EthTransferFailed,
                ]
            },
            constructor_inputs: &["address", "address"],
        },
        Contract {
            package: "capital-pool",
            interface: "ICapitalPool",
            module_source: include_str!("../src/capital_pool.rs"),
            call_signatures: capital_pool::abi::ICapitalPool::ICapitalPoolCalls::SIGNATURES,
            call_selectors: capital_pool::abi::ICapitalPool::ICapitalPoolCalls::SELECTORS,
            also: None,
            errors: {
                use capital_pool::*;
                errors![
                    Unauthorized,
                    CapitalBelowMcr,
                    InsufficientPoolEth,
                    EthTransferFailed,
                    ZeroAmount,
                    ZeroAddress,
                    NotAContract,
                    Paused,
                    MathOverflow,
                ]
            },
            constructor_inputs: &["address", "uint256"],
        },
        Contract {
            package: "ramm",
            interface: "IRamm",
            module_source: include_str!("../src/ramm.rs"),
            call_signatures: ramm::abi::IRamm::IRammCalls::SIGNATURES,
            call_selectors: ramm::abi::IRamm::IRammCalls::SELECTORS,
            also: None,
            errors: {
                use ramm::*;
                errors![
                    Unauthorized,
                    ZeroAddress,
                    NotAContract,
                    SwapPaused,
                    OneInputRequired,
                    SwapExpired,
                    InsufficientAmountOut,
                    EthCircuitBreakerHit,
                    NxmCircuitBreakerHit,
                    LimitRaiseNotAllowed,
                    BookValueUndefined,
                    // The capital pool's error, which the RAMM also reverts with (a sale that
                    // would take the capital below the MCR); `ramm` does not re-export it.
                    capital_pool::CapitalBelowMcr,
                    InvalidLaunchParameters,
                    MathOverflow,
                ]
            },
            constructor_inputs: &[
                "address", "uint32", "uint256", "uint256", "uint256", "uint256",
            ],
        },
        Contract {
            package: "position-nft",
            interface: "IPositionNft",
            module_source: include_str!("../src/position_nft.rs"),
            call_signatures: position_nft::abi::IPositionNft::IPositionNftCalls::SIGNATURES,
            call_selectors: position_nft::abi::IPositionNft::IPositionNftCalls::SELECTORS,
            also: Some((
                "IErc721SafeTransfers",
                position_nft::erc721::IErc721SafeTransfers::IErc721SafeTransfersCalls::SIGNATURES,
                position_nft::erc721::IErc721SafeTransfers::IErc721SafeTransfersCalls::SELECTORS,
            )),
            errors: {
                use position_nft::*;
                errors![
                    MathOverflow,
                    NonexistentToken,
                    NotAContract,
                    NotOwnerOrApproved,
                    Unauthorized,
                    UnsafeRecipient,
                    WrongFrom,
                    ZeroAddress,
                ]
            },
            constructor_inputs: &["string", "string", "string", "address"],
        },
        Contract {
            package: "staking-pool",
            interface: "IStakingPool",
            module_source: include_str!("../src/staking_pool.rs"),
            call_signatures: staking_pool::abi::IStakingPool::IStakingPoolCalls::SIGNATURES,
            call_selectors: staking_pool::abi::IStakingPool::IStakingPoolCalls::SELECTORS,
            also: None,
            errors: {
                use staking_pool::*;
                errors![
                    ExpirationsPending,
                    InsufficientDepositAmount,
                    InvalidDaySecs,
                    InvalidStakingPoolForToken,
                    MathOverflow,
                    NewTrancheEndsBeforeInitialTranche,
                    NotAContract,
                    NotTokenOwnerOrApproved,
                    OnlyManager,
                    PoolFeeExceedsMax,
                    PoolHalted,
                    PoolNotFound,
                    PrivatePool,
                    RequestedTrancheIsExpired,
                    RequestedTrancheIsNotYetActive,
                    TrancheNotExpired,
                    Unauthorized,
                    ZeroAddress,
                ]
            },
            constructor_inputs: &["address", "uint64"],
        },
        Contract {
            package: "staking-products",
            interface: "IStakingProducts",
            module_source: include_str!("../src/staking_products.rs"),
            call_signatures:
                staking_products::abi::IStakingProducts::IStakingProductsCalls::SIGNATURES,
            call_selectors:
                staking_products::abi::IStakingProducts::IStakingProductsCalls::SELECTORS,
            also: None,
            errors: {
                use staking_products::*;
                errors![
                    AlreadyDeallocated,
                    DuplicateProduct,
                    InsufficientCapacity,
                    InvalidAllocationId,
                    MathOverflow,
                    NotAContract,
                    TargetPriceBelowMin,
                    TargetPriceTooHigh,
                    TargetWeightTooHigh,
                    TotalEffectiveWeightExceeded,
                    TotalTargetWeightExceeded,
                    Unauthorized,
                    ZeroAddress,
                ]
            },
            constructor_inputs: &["address", "uint64"],
        },
        Contract {
            package: "staking-viewer",
            interface: "IStakingViewer",
            module_source: include_str!("../src/staking_viewer.rs"),
            call_signatures: staking_viewer::abi::IStakingViewer::IStakingViewerCalls::SIGNATURES,
            call_selectors: staking_viewer::abi::IStakingViewer::IStakingViewerCalls::SELECTORS,
            also: None,
            errors: {
                use staking_viewer::*;
                errors![
                    MathOverflow,
                    NotAContract,
                    PoolNotFound,
                    StakingPoolUnreadable,
                    ZeroAddress,
                ]
            },
            constructor_inputs: &["address"],
        },
        Contract {
            package: "assessment",
            interface: "IAssessment",
            module_source: include_str!("../src/assessment.rs"),
            call_signatures: assessment::abi::IAssessment::IAssessmentCalls::SIGNATURES,
            call_selectors: assessment::abi::IAssessment::IAssessmentCalls::SELECTORS,
            also: None,
            errors: {
                use assessment::*;
                errors![
                    AcceptVoteRequired,
                    AlreadyVoted,
                    AssessmentNotFound,
                    InsufficientStake,
                    InvalidDayLength,
                    MathOverflow,
                    NoStake,
                    NotAContract,
                    NotMember,
                    StakeLocked,
                    Unauthorized,
                    VotingClosed,
                    ZeroAddress,
                    ZeroAmount,
                ]
            },
            constructor_inputs: &["address", "uint256"],
        },
        Contract {
            package: "claims",
            interface: "IClaims",
            module_source: include_str!("../src/claims.rs"),
            call_signatures: claims::abi::IClaims::IClaimsCalls::SIGNATURES,
            call_selectors: claims::abi::IClaims::IClaimsCalls::SELECTORS,
            also: None,
            errors: {
                use claims::*;
                errors![
                    AssessmentDepositInsufficient,
                    CantBuyCoverAndClaimInTheSameBlock,
                    ClaimAlreadyOpen,
                    ClaimNotFound,
                    ClaimNotRedeemable,
                    CoveredAmountExceeded,
                    EthTransferFailed,
                    GracePeriodPassed,
                    InvalidDayLength,
                    MathOverflow,
                    NotAContract,
                    NotMember,
                    OnlyOwnerOrApproved,
                    TooManyOpenClaims,
                    Unauthorized,
                    ZeroAddress,
                    ZeroClaimAmount,
                ]
            },
            constructor_inputs: &["address", "uint256"],
        },
        Contract {
            package: "governance",
            interface: "IGovernance",
            module_source: include_str!("../src/governance.rs"),
            call_signatures: governance::abi::IGovernance::IGovernanceCalls::SIGNATURES,
            call_selectors: governance::abi::IGovernance::IGovernanceCalls::SELECTORS,
            also: None,
            errors: {
                use governance::*;
                errors![
                    ActionFailed,
                    ActionNotFound,
                    AlreadyInitialized,
                    AlreadyVetoed,
                    AlreadyVoted,
                    ForbiddenAction,
                    InsufficientLocked,
                    InvalidDayLength,
                    InvalidProposalStatus,
                    InvalidSeat,
                    MathOverflow,
                    NoActions,
                    NotAContract,
                    NotMember,
                    ProposalNotFound,
                    ProposalThresholdNotMet,
                    StillLocked,
                    TargetNotAllowed,
                    TooManyActions,
                    Unauthorized,
                    ValueMismatch,
                    ZeroAddress,
                    ZeroAmount,
                ]
            },
            constructor_inputs: &["address", "uint256"],
        },
        Contract {
            package: "pool-registry",
            interface: "IPoolRegistry",
            module_source: include_str!("../src/pool_registry.rs"),
            call_signatures: pool_registry::abi::IPoolRegistry::IPoolRegistryCalls::SIGNATURES,
            call_selectors: pool_registry::abi::IPoolRegistry::IPoolRegistryCalls::SELECTORS,
            also: None,
            errors: {
                use pool_registry::*;
                errors![
                    MaxPoolFeeAbove100,
                    MetadataRequired,
                    NotAContract,
                    NotMember,
                    OnlyManager,
                    PoolFeeExceedsMax,
                    PoolNotFound,
                    Unauthorized,
                    ZeroAddress,
                ]
            },
            constructor_inputs: &["address"],
        },
        Contract {
            package: "cover-products",
            interface: "ICoverProducts",
            module_source: include_str!("../src/cover_products.rs"),
            call_signatures: cover_products::abi::ICoverProducts::ICoverProductsCalls::SIGNATURES,
            call_selectors: cover_products::abi::ICoverProducts::ICoverProductsCalls::SELECTORS,
            also: None,
            errors: {
                use cover_products::*;
                errors![
                    CapacityReductionRatioAbove100Percent,
                    CoverAssetNotSupported,
                    GracePeriodTooLong,
                    InitialPriceRatioAbove100Percent,
                    InitialPriceRatioBelowMinPriceRatio,
                    InvalidClaimMethod,
                    MetadataRequired,
                    MinPriceRatioAbove100Percent,
                    NotAContract,
                    PoolNotAllowedForThisProduct,
                    ProductDeprecated,
                    ProductNotFound,
                    ProductTypeNotFound,
                    StakingPoolDoesNotExist,
                    Unauthorized,
                    ZeroAddress,
                ]
            },
            constructor_inputs: &["address"],
        },
        Contract {
            package: "cover",
            interface: "ICover",
            module_source: include_str!("../src/cover.rs"),
            call_signatures: cover::abi::ICover::ICoverCalls::SIGNATURES,
            call_selectors: cover::abi::ICover::ICoverCalls::SELECTORS,
            also: None,
            errors: {
                use cover::*;
                errors![
                    CommissionRateTooHigh,
                    CoverAlreadyExpired,
                    CoverAmountIsZero,
                    CoverAssetMismatch,
                    CoverNotFound,
                    CoverNotYetExpired,
                    CoverPeriodTooLong,
                    CoverPeriodTooShort,
                    EthTransferFailed,
                    ExpiredCoversCannotBeEdited,
                    InsufficientCoverAmountAllocated,
                    InsufficientEthSent,
                    InvalidDayLength,
                    InvalidPaymentAsset,
                    InvalidPoolAllocations,
                    MathOverflow,
                    MustBeOriginalCoverId,
                    NotAContract,
                    NotMember,
                    OnlyOwnerOrApproved,
                    PayoutExceedsCover,
                    PriceExceedsMaxPremiumInAsset,
                    Unauthorized,
                    UnexpectedEthSent,
                    ZeroAddress,
                ]
            },
            constructor_inputs: &["address", "uint256"],
        },
        Contract {
            package: "cover-viewer",
            interface: "ICoverViewer",
            module_source: include_str!("../src/cover_viewer.rs"),
            call_signatures: cover_viewer::abi::ICoverViewer::ICoverViewerCalls::SIGNATURES,
            call_selectors: cover_viewer::abi::ICoverViewer::ICoverViewerCalls::SELECTORS,
            also: None,
            errors: {
                use cover_viewer::*;
                errors![
                    CoverAssetNotSupported,
                    CoverNotFound,
                    CoverPeriodTooLong,
                    CoverPeriodTooShort,
                    MathOverflow,
                    NotAContract,
                    ZeroAddress,
                ]
            },
            constructor_inputs: &["address"],
        },
    ]
}

/// `deploy/abi/` of the workspace.
fn abi_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/abi")
}

fn read(path: PathBuf) -> String {
    fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (run scripts/export-abi.sh)", path.display());
    })
}

fn exported_abi(package: &str) -> JsonAbi {
    let path = abi_dir().join(format!("{package}.json"));
    serde_json::from_str(&read(path.clone()))
        .unwrap_or_else(|e| panic!("{}: not a JSON ABI: {e}", path.display()))
}

fn hex(selector: &[u8]) -> String {
    selector.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `function …;` declarations inside `interface <name> { … }` of a module's source, parsed
/// as human-readable ABI (names, types, returns, mutability).
fn declared_functions(source: &str, interface: &str) -> Vec<Function> {
    let opening = format!("interface {interface} {{");
    let start = source
        .find(&opening)
        .unwrap_or_else(|| panic!("no `{opening}` in the module's source"));
    source[start + opening.len()..]
        .lines()
        .map(str::trim)
        .take_while(|line| *line != "}")
        .filter(|line| line.starts_with("function "))
        .map(|line| {
            let declaration = line.trim_end_matches(';');
            Function::parse(declaration)
                .unwrap_or_else(|e| panic!("cannot parse `{declaration}`: {e}"))
        })
        .collect()
}

/// Names of the `error` items a `sol!` block in `source` declares.
fn declared_errors(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("error "))
        .map(|rest| rest.split('(').next().unwrap().trim().to_string())
        .collect()
}

/// Names a module re-exports from `crate::common` (`pub use crate::common::{…};`).
fn common_reexports(source: &str) -> BTreeSet<String> {
    let Some(start) = source.find("pub use crate::common::{") else {
        return BTreeSet::new();
    };
    let list = &source[start + "pub use crate::common::{".len()..];
    let list = &list[..list.find('}').expect("closing brace of the re-export")];
    list.split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every mismatch of one contract, as readable lines.
fn mismatches(contract: &Contract) -> Vec<String> {
    let mut problems = Vec::new();
    let abi = exported_abi(contract.package);
    let json = format!("deploy/abi/{}.json", contract.package);

    // Functions: signature and selector, both ways.
    assert_eq!(
        contract.call_signatures.len(),
        contract.call_selectors.len()
    );
    let mut declared: BTreeMap<&str, [u8; 4]> = contract
        .call_signatures
        .iter()
        .copied()
        .zip(contract.call_selectors.iter().copied())
        .collect();
    if let Some((_, signatures, selectors)) = contract.also {
        declared.extend(signatures.iter().copied().zip(selectors.iter().copied()));
    }
    let mut exported = BTreeMap::new();
    for function in abi.functions() {
        let signature = function.signature();
        let selector = function.selector();
        match declared.get(signature.as_str()) {
            None => problems.push(format!(
                "{json}: function {signature} (0x{}) is not in {}",
                hex(selector.as_slice()),
                contract.interface
            )),
            Some(declared_selector) if declared_selector != selector.as_slice() => {
                problems.push(format!(
                    "function {signature}: selector 0x{} in {json}, 0x{} in {}",
                    hex(selector.as_slice()),
                    hex(declared_selector),
                    contract.interface
                ))
            }
            Some(_) => {}
        }
        exported.insert(signature, function);
    }
    for signature in declared.keys() {
        if !exported.contains_key(*signature) {
            problems.push(format!(
                "{}: function {signature} is not in {json}",
                contract.interface
            ));
        }
    }

    // Functions: returns and mutability against the interface's declarations.
    let mut parsed = declared_functions(contract.module_source, contract.interface);
    if let Some((interface, ..)) = contract.also {
        parsed.extend(declared_functions(contract.module_source, interface));
    }
    let parsed_signatures: BTreeSet<String> = parsed.iter().map(Function::signature).collect();
    let sol_signatures: BTreeSet<String> = declared.keys().map(|s| s.to_string()).collect();
    assert_eq!(
        parsed_signatures, sol_signatures,
        "{}: the declarations read from the source are not the sol! interface's",
        contract.interface
    );
    for declaration in &parsed {
        let signature = declaration.signature();
        let Some(function) = exported.get(&signature) else {
            continue; // reported above
        };
        let outputs = |f: &Function| -> Vec<String> {
            f.outputs
                .iter()
                .map(|p| p.selector_type().into_owned())
                .collect()
        };
        if outputs(function) != outputs(declaration) {
            problems.push(format!(
                "function {signature}: returns ({}) in {json}, ({}) in {}",
                outputs(function).join(","),
                outputs(declaration).join(","),
                contract.interface
            ));
        }
        if function.state_mutability != declaration.state_mutability {
            problems.push(format!(
                "function {signature}: {} in {json}, {} in {}",
                function.state_mutability.as_json_str(),
                declaration.state_mutability.as_json_str(),
                contract.interface
            ));
        }
    }

    // Errors: signature and selector, both ways.
    let listed: BTreeMap<&str, [u8; 4]> = contract.errors.iter().copied().collect();
    assert_eq!(
        listed.len(),
        contract.errors.len(),
        "an error is listed twice"
    );
    let mut exported_errors = BTreeSet::new();
    for error in abi.errors() {
        let signature = error.signature();
        let selector = error.selector();
        match listed.get(signature.as_str()) {
            None => problems.push(format!(
                "{json}: error {signature} (0x{}) is not one of the contract's sol! errors listed \
                 in this test",
                hex(selector.as_slice())
            )),
            Some(listed_selector) if listed_selector != selector.as_slice() => {
                problems.push(format!(
                    "error {signature}: selector 0x{} in {json}, 0x{} in the sol! type",
                    hex(selector.as_slice()),
                    hex(listed_selector)
                ))
            }
            Some(_) => {}
        }
        exported_errors.insert(signature);
    }
    for signature in listed.keys() {
        if !exported_errors.contains(*signature) {
            problems.push(format!("error {signature} is not in {json}"));
        }
    }

    // Errors: each exported error's parameters named as this crate declares them.
    let named: BTreeMap<String, Vec<String>> = mutual_interfaces::error_declarations()
        .iter()
        .map(|declaration| {
            let error = alloy_json_abi::Error::parse(declaration).expect("a Solidity error");
            (
                error.signature(),
                error.inputs.into_iter().map(|p| p.name).collect(),
            )
        })
        .collect();
    for error in abi.errors() {
        let names: Vec<String> = error.inputs.iter().map(|p| p.name.clone()).collect();
        match named.get(&error.signature()) {
            Some(declared) if *declared == names => {}
            declared => problems.push(format!(
                "{json}: error {} names its parameters ({}), mutual_interfaces declares ({})",
                error.signature(),
                names.join(", "),
                declared.map_or("nothing".into(), |names| names.join(", "))
            )),
        }
    }

    // Errors: every error the contract's module declares or re-exports is exported.
    let common_errors = declared_errors(include_str!("../src/common.rs"));
    let module_errors: BTreeSet<String> = declared_errors(contract.module_source)
        .into_iter()
        .chain(
            common_reexports(contract.module_source)
                .into_iter()
                .filter(|name| common_errors.contains(name)),
        )
        .collect();
    let exported_names: BTreeSet<String> = abi.errors().map(|e| e.name.clone()).collect();
    for name in module_errors.difference(&exported_names) {
        problems.push(format!(
            "error {name}: declared or re-exported by mutual_interfaces::{} but not in {json}",
            contract.package.replace('-', "_")
        ));
    }

    // Events: exactly the ones `contract_events` declares (added to the export by
    // scripts/export-abi.sh), each with its parameter names and indexed flags.
    let shape = |e: &Event| {
        let params: Vec<String> = e
            .inputs
            .iter()
            .map(|p| {
                format!(
                    "{} {}{}",
                    p.ty,
                    if p.indexed { "indexed " } else { "" },
                    p.name
                )
            })
            .collect();
        format!("{}({})", e.name, params.join(", "))
    };
    let declared: BTreeSet<String> = mutual_interfaces::contract_events(contract.package)
        .expect("a contract package")
        .iter()
        .map(|declaration| shape(&Event::parse(declaration).expect("a Solidity event")))
        .collect();
    let exported: BTreeSet<String> = abi.events().map(shape).collect();
    for event in declared.difference(&exported) {
        problems.push(format!("event {event} is not in {json}"));
    }
    for event in exported.difference(&declared) {
        problems.push(format!(
            "{json} has event {event}, not declared by contract_events"
        ));
    }

    // The constructor: only in the export.
    match &abi.constructor {
        None => problems.push(format!("{json}: no constructor")),
        Some(constructor) => {
            let inputs: Vec<String> = constructor
                .inputs
                .iter()
                .map(|p| p.selector_type().into_owned())
                .collect();
            if inputs != contract.constructor_inputs {
                problems.push(format!(
                    "{json}: constructor({}), expected constructor({})",
                    inputs.join(","),
                    contract.constructor_inputs.join(",")
                ));
            }
        }
    }
    if abi.fallback.is_some() || abi.receive.is_some() {
        problems.push(format!("{json}: a fallback or receive function"));
    }

    // The Solidity interface is named as here.
    let sol = read(abi_dir().join(format!("{}.sol", contract.package)));
    if !sol.contains(&format!("\ninterface {} ", contract.interface)) {
        problems.push(format!(
            "deploy/abi/{}.sol does not declare interface {}",
            contract.package, contract.interface
        ));
    }

    problems
}

#[test]
fn exported_abi_matches_the_interfaces_crate() {
    let contracts = contracts();
    let problems: Vec<String> = contracts.iter().flat_map(mismatches).collect();
    assert!(
        problems.is_empty(),
        "deploy/abi differs from mutual-interfaces (rerun scripts/export-abi.sh after a contract \
         change; fix the declaration here if the contract is right):\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_contract_crate_has_an_exported_abi() {
    // Every contract crate (a `Stylus.toml` under contracts/) is exported and checked above.
    let contracts_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../contracts");
    let mut crates: Vec<String> = fs::read_dir(&contracts_dir)
        .expect("contracts/")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            path.join("Stylus.toml").is_file().then(|| {
                let manifest = fs::read_to_string(path.join("Cargo.toml")).expect("Cargo.toml");
                manifest
                    .lines()
                    .find_map(|l| l.strip_prefix("name = \"")?.strip_suffix('"'))
                    .expect("package name")
                    .to_string()
            })
        })
        .collect();
    crates.sort();
    let mut checked: Vec<String> = contracts().iter().map(|c| c.package.to_string()).collect();
    checked.sort();
    assert_eq!(
        crates, checked,
        "every contract crate needs its deploy/abi export and an entry in this test"
    );
}
