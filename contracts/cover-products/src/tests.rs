//! Unit tests of the catalogue: every rule, every revert path (with its exact error and no
//! state change), every event, and the ABI through the generated router.
//!
//! The contract runs on [`MockHost`]: `TestVM` with per-call mock answers (membership's
//! `isAdvisoryBoardMember`, the staking pools' `poolCount`), so every call is mocked by exact
//! calldata and an unexpected call reverts visibly.

use alloc::{string::String, vec, vec::Vec};
use std::collections::HashMap;

use alloy_primitives::{address, Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use mutual_interfaces::{
    cover_products::{
        abi::ICoverProducts::{self, ICoverProductsCalls},
        CapacityReductionRatioAbove100Percent, ContractsSet, CoverAssetNotSupported,
        GovernanceChanged, GracePeriodTooLong, InitialPriceRatioAbove100Percent,
        InitialPriceRatioBelowMinPriceRatio, InvalidClaimMethod, MetadataRequired,
        MinPriceRatioAbove100Percent, NotAContract, PoolNotAllowedForThisProduct,
        ProductDeprecated, ProductNotFound, ProductSet, ProductTypeNotFound, ProductTypeSet,
        StakingPoolDoesNotExist, Unauthorized, ZeroAddress, NEW_ID,
    },
    membership::abi::IMembership,
    staking_pool::abi::IStakingPool,
};
use stylus_sdk::abi::Router;

use super::*;
use contract_test_host::{MockHost, UNMOCKED};

const GOVERNANCE: Address = address!("00000000000000000000000000000000000000a1");
const MEMBERSHIP: Address = address!("00000000000000000000000000000000000000b1");
const STAKING: Address = address!("00000000000000000000000000000000000000b2");
const BOARD: Address = address!("00000000000000000000000000000000000000c1");
const MEMBER: Address = address!("00000000000000000000000000000000000000e1");
const CATALOGUE: Address = address!("00000000000000000000000000000000000000f1");
/// An address without code.
const EMPTY: Address = address!("00000000000000000000000000000000000000ee");
const DAY: u64 = 86_400;
const URI: &str = "ipfs://QmProductMetadataThatIsLongerThanThirtyTwoBytes";

fn u(x: u64) -> U256 {
    U256::from(x)
}

fn word(value: U256) -> Vec<u8> {
    value.to_be_bytes::<32>().to_vec()
}

fn bool_word(value: bool) -> Vec<u8> {
    word(U256::from(u8::from(value)))
}

/// A catalogue constructed by governance, wired to membership and the staking pools (3 pools);
/// BOARD holds a seat, MEMBER does not.
fn catalogue() -> (MockHost, CoverProducts) {
    let host = MockHost::new();
    host.vm.set_contract_address(CATALOGUE);
    for contract in [MEMBERSHIP, STAKING] {
        host.vm.set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut catalogue = CoverProducts::from(&host);
    host.vm.set_sender(GOVERNANCE);
    assert!(catalogue.constructor(GOVERNANCE).is_ok());
    assert!(catalogue.set_contracts(MEMBERSHIP, STAKING).is_ok());
    for (account, seat) in [(BOARD, true), (MEMBER, false), (GOVERNANCE, false)] {
        host.mock_static(
            MEMBERSHIP,
            IMembership::isAdvisoryBoardMemberCall { account }.abi_encode(),
            Ok(bool_word(seat)),
        );
    }
    mock_pool_count(&host, 3);
    (host, catalogue)
}

fn mock_pool_count(host: &MockHost, count: u64) {
    host.mock_static(
        STAKING,
        IStakingPool::poolCountCall {}.abi_encode(),
        Ok(word(u(count))),
    );
}

/// A catalogue with product type 0 (30-day grace) and product 0 (type 0, min 0 → 1 %,
/// initial 500, reduction 1 000, both assets, pools [1, 3], dynamic price).
fn with_product() -> (MockHost, CoverProducts) {
    let (host, mut catalogue) = catalogue();
    assert_eq!(
        catalogue
            .set_product_type(NEW_ID, U256::ZERO, u(30 * DAY), URI.into())
            .ok(),
        Some(U256::ZERO)
    );
    assert_eq!(
        catalogue
            .set_product(
                NEW_ID,
                U256::ZERO,
                U256::ZERO,
                u(500),
                u(1_000),
                U256::ZERO,
                false,
                false,
                vec![u(1), u(3)],
                URI.into(),
            )
            .ok(),
        Some(U256::ZERO)
    );
    (host, catalogue)
}

/// Product arguments for `set_product` with one field changed per test.
#[derive(Clone)]
struct ProductArgs {
    id: U256,
    product_type: U256,
    min: U256,
    initial: U256,
    reduction: U256,
    assets: U256,
    fixed: bool,
    deprecated: bool,
    pools: Vec<U256>,
    uri: String,
}

fn args() -> ProductArgs {
    ProductArgs {
        id: NEW_ID,
        product_type: U256::ZERO,
        min: U256::ZERO,
        initial: u(500),
        reduction: u(1_000),
        assets: U256::ZERO,
        fixed: false,
        deprecated: false,
        pools: vec![u(1), u(3)],
        uri: URI.into(),
    }
}

fn set(catalogue: &mut CoverProducts, a: ProductArgs) -> Result<U256, Vec<u8>> {
    catalogue
        .set_product(
            a.id,
            a.product_type,
            a.min,
            a.initial,
            a.reduction,
            a.assets,
            a.fixed,
            a.deprecated,
            a.pools,
            a.uri,
        )
        .map_err(Into::into)
}

fn revert<T>(result: Result<T, CatalogueError>) -> Vec<u8> {
    match result {
        Ok(_) => panic!("expected a revert"),
        Err(error) => error.into(),
    }
}

fn storage(host: &MockHost) -> HashMap<U256, B256> {
    host.vm.snapshot().storage
}

fn log_count(host: &MockHost) -> usize {
    host.vm.get_emitted_logs().len()
}

fn last_log<E: SolEvent>(host: &MockHost) -> E {
    let logs = host.vm.get_emitted_logs();
    let (topics, data) = logs.last().expect("an event");
    E::decode_raw_log(topics.iter().copied(), data).expect("the expected event")
}

/// Asserts that `f` reverts with `expected` and changes neither storage nor logs.
fn assert_reverts<T>(
    host: &MockHost,
    catalogue: &mut CoverProducts,
    expected: Vec<u8>,
    f: impl FnOnce(&mut CoverProducts) -> Result<T, Vec<u8>>,
) {
    let (before, logs) = (storage(host), log_count(host));
    match f(catalogue) {
        Ok(_) => panic!("expected a revert"),
        Err(data) => assert_eq!(data, expected),
    }
    assert_eq!(storage(host), before, "a revert changed storage");
    assert_eq!(log_count(host), logs, "a revert logged");
}

// --- constructor, contracts, governance ---

#[test]
fn constructor_sets_governance_and_logs() {
    let host = MockHost::new();
    let mut catalogue = CoverProducts::from(&host);
    assert!(catalogue.constructor(GOVERNANCE).is_ok());
    assert_eq!(catalogue.governance(), GOVERNANCE);
    let changed: GovernanceChanged = last_log(&host);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (Address::ZERO, GOVERNANCE)
    );
    assert_eq!(catalogue.contracts(), (Address::ZERO, Address::ZERO));
    assert_eq!(catalogue.product_count(), U256::ZERO);
    assert_eq!(catalogue.product_type_count(), U256::ZERO);
}

#[test]
fn constructor_rejects_zero_governance() {
    let host = MockHost::new();
    let mut catalogue = CoverProducts::from(&host);
    assert_eq!(
        revert(catalogue.constructor(Address::ZERO)),
        ZeroAddress {}.abi_encode()
    );
    assert!(storage(&host).values().all(|v| v.is_zero()));
    assert_eq!(log_count(&host), 0);
}

#[test]
fn set_contracts_is_governance_only_and_checks_code() {
    let (host, mut catalogue) = catalogue();
    assert_eq!(catalogue.contracts(), (MEMBERSHIP, STAKING));
    let set: ContractsSet = last_log(&host);
    assert_eq!((set.membership, set.stakingPool), (MEMBERSHIP, STAKING));
    for caller in [BOARD, MEMBER] {
        host.vm.set_sender(caller);
        assert_reverts(
            &host,
            &mut catalogue,
            Unauthorized { caller }.abi_encode(),
            |c| c.set_contracts(MEMBERSHIP, STAKING).map_err(Into::into),
        );
    }
    host.vm.set_sender(GOVERNANCE);
    for (membership, staking) in [(EMPTY, STAKING), (MEMBERSHIP, EMPTY)] {
        assert_reverts(
            &host,
            &mut catalogue,
            NotAContract { account: EMPTY }.abi_encode(),
            |c| c.set_contracts(membership, staking).map_err(Into::into),
        );
    }
    // Both may be zero (only governance edits; no pool can be listed).
    assert!(catalogue
        .set_contracts(Address::ZERO, Address::ZERO)
        .is_ok());
    assert_eq!(catalogue.contracts(), (Address::ZERO, Address::ZERO));
}

#[test]
fn set_governance_hands_the_role_over() {
    let (host, mut catalogue) = catalogue();
    host.vm.set_sender(MEMBER);
    assert_reverts(
        &host,
        &mut catalogue,
        Unauthorized { caller: MEMBER }.abi_encode(),
        |c| c.set_governance(MEMBER).map_err(Into::into),
    );
    host.vm.set_sender(GOVERNANCE);
    assert_reverts(&host, &mut catalogue, ZeroAddress {}.abi_encode(), |c| {
        c.set_governance(Address::ZERO).map_err(Into::into)
    });
    assert!(catalogue.set_governance(MEMBER).is_ok());
    assert_eq!(catalogue.governance(), MEMBER);
    let changed: GovernanceChanged = last_log(&host);
    assert_eq!(
        (changed.previousGovernance, changed.newGovernance),
        (GOVERNANCE, MEMBER)
    );
    // The old governance is out.
    assert_reverts(
        &host,
        &mut catalogue,
        Unauthorized { caller: GOVERNANCE }.abi_encode(),
        |c| c.set_governance(GOVERNANCE).map_err(Into::into),
    );
}

// --- who edits ---

#[test]
fn governance_and_any_board_seat_edit_no_one_else() {
    let (host, mut catalogue) = catalogue();
    // Governance: membership is not asked.
    host.clear_made();
    assert!(catalogue
        .set_product_type(NEW_ID, U256::ZERO, u(DAY), URI.into())
        .is_ok());
    assert!(host.made().is_empty());
    // A board seat: asked once.
    host.vm.set_sender(BOARD);
    assert_eq!(
        catalogue
            .set_product_type(NEW_ID, U256::ZERO, u(DAY), URI.into())
            .ok(),
        Some(u(1))
    );
    assert_eq!(host.made().len(), 1);
    assert!(set(
        &mut catalogue,
        ProductArgs {
            pools: vec![],
            ..args()
        }
    )
    .is_ok());
    // A member without a seat.
    host.vm.set_sender(MEMBER);
    let unauthorized = Unauthorized { caller: MEMBER }.abi_encode();
    assert_reverts(&host, &mut catalogue, unauthorized.clone(), |c| {
        c.set_product_type(NEW_ID, U256::ZERO, u(DAY), URI.into())
            .map_err(Into::into)
    });
    assert_reverts(&host, &mut catalogue, unauthorized, |c| set(c, args()));
    // Membership's revert is passed on.
    host.mock_static(
        MEMBERSHIP,
        IMembership::isAdvisoryBoardMemberCall { account: MEMBER }.abi_encode(),
        Err(vec![0xde, 0xad]),
    );
    assert_reverts(&host, &mut catalogue, vec![0xde, 0xad], |c| set(c, args()));
}

#[test]
fn without_membership_only_governance_edits() {
    let (host, mut catalogue) = catalogue();
    assert!(catalogue.set_contracts(Address::ZERO, STAKING).is_ok());
    host.vm.set_sender(BOARD);
    host.clear_made();
    assert_reverts(
        &host,
        &mut catalogue,
        Unauthorized { caller: BOARD }.abi_encode(),
        |c| {
            c.set_product_type(NEW_ID, U256::ZERO, u(DAY), URI.into())
                .map_err(Into::into)
        },
    );
    assert!(host.made().is_empty());
}

// --- product types ---

#[test]
fn product_types_are_created_in_sequence_and_edited() {
    let (host, mut catalogue) = catalogue();
    for id in 0..3u64 {
        assert_eq!(
            catalogue
                .set_product_type(NEW_ID, U256::ZERO, u(id * DAY), format!("uri-{id}"))
                .ok(),
            Some(u(id))
        );
        let set: ProductTypeSet = last_log(&host);
        assert_eq!(
            (
                set.productTypeId,
                set.claimMethod,
                set.gracePeriodSecs,
                set.metadataUri
            ),
            (u(id), U256::ZERO, u(id * DAY), format!("uri-{id}"))
        );
    }
    assert_eq!(catalogue.product_type_count(), u(3));
    assert_eq!(
        catalogue.product_type(u(2)).ok(),
        Some((U256::ZERO, u(2 * DAY)))
    );
    assert_eq!(
        catalogue.product_type_metadata(u(1)).ok(),
        Some("uri-1".into())
    );
    // An edit keeps the id and the count; a long URI round-trips.
    assert_eq!(
        catalogue
            .set_product_type(u(1), U256::ZERO, u(365 * DAY), URI.into())
            .ok(),
        Some(u(1))
    );
    assert_eq!(catalogue.product_type_count(), u(3));
    assert_eq!(
        catalogue.product_type(u(1)).ok(),
        Some((U256::ZERO, u(365 * DAY)))
    );
    assert_eq!(catalogue.product_type_metadata(u(1)).ok(), Some(URI.into()));
    // A shorter URI replaces a longer one entirely.
    assert!(catalogue
        .set_product_type(u(1), U256::ZERO, u(DAY), "x".into())
        .is_ok());
    assert_eq!(catalogue.product_type_metadata(u(1)).ok(), Some("x".into()));
    let set: ProductTypeSet = last_log(&host);
    assert_eq!(set.metadataUri, "x");
}

#[test]
fn product_type_rules() {
    let (host, mut catalogue) = catalogue();
    assert_reverts(
        &host,
        &mut catalogue,
        InvalidClaimMethod { claimMethod: u(1) }.abi_encode(),
        |c| {
            c.set_product_type(NEW_ID, u(1), u(DAY), URI.into())
                .map_err(Into::into)
        },
    );
    assert_reverts(
        &host,
        &mut catalogue,
        GracePeriodTooLong {
            gracePeriodSecs: u(365 * DAY + 1),
        }
        .abi_encode(),
        |c| {
            c.set_product_type(NEW_ID, U256::ZERO, u(365 * DAY + 1), URI.into())
                .map_err(Into::into)
        },
    );
    assert_reverts(
        &host,
        &mut catalogue,
        MetadataRequired {}.abi_encode(),
        |c| {
            c.set_product_type(NEW_ID, U256::ZERO, u(DAY), String::new())
                .map_err(Into::into)
        },
    );
    assert_reverts(
        &host,
        &mut catalogue,
        ProductTypeNotFound {
            productTypeId: U256::ZERO,
        }
        .abi_encode(),
        |c| {
            c.set_product_type(U256::ZERO, U256::ZERO, u(DAY), URI.into())
                .map_err(Into::into)
        },
    );
    // The bounds themselves pass: grace 0 and 365 days.
    assert!(catalogue
        .set_product_type(NEW_ID, U256::ZERO, U256::ZERO, URI.into())
        .is_ok());
    assert!(catalogue
        .set_product_type(NEW_ID, U256::ZERO, u(365 * DAY), URI.into())
        .is_ok());
    assert_reverts(
        &host,
        &mut catalogue,
        ProductTypeNotFound {
            productTypeId: u(2),
        }
        .abi_encode(),
        |c| {
            c.set_product_type(u(2), U256::ZERO, u(DAY), URI.into())
                .map_err(Into::into)
        },
    );
    assert_eq!(
        revert(catalogue.product_type(u(2))),
        ProductTypeNotFound {
            productTypeId: u(2)
        }
        .abi_encode()
    );
    assert_eq!(
        revert(catalogue.product_type_metadata(U256::MAX)),
        ProductTypeNotFound {
            productTypeId: U256::MAX
        }
        .abi_encode()
    );
}

// --- products ---

#[test]
fn products_are_created_with_the_effective_minimum() {
    let (host, catalogue) = with_product();
    assert_eq!(catalogue.product_count(), u(1));
    assert_eq!(
        catalogue.product(U256::ZERO).ok(),
        Some((
            U256::ZERO,
            u(100),
            u(500),
            u(1_000),
            U256::ZERO,
            false,
            false
        ))
    );
    assert_eq!(
        catalogue.product_metadata(U256::ZERO).ok(),
        Some(URI.into())
    );
    assert_eq!(
        catalogue.allowed_pools(U256::ZERO).ok(),
        Some(vec![u(1), u(3)])
    );
    let logged: ProductSet = last_log(&host);
    assert_eq!(
        (
            logged.productId,
            logged.productTypeId,
            logged.minPriceBps,
            logged.initialPriceBps,
            logged.capacityReductionBps,
            logged.coverAssets,
            logged.useFixedPrice,
            logged.isDeprecated,
            logged.metadataUri,
        ),
        (
            U256::ZERO,
            U256::ZERO,
            u(100),
            u(500),
            u(1_000),
            U256::ZERO,
            false,
            false,
            String::from(URI),
        )
    );
}

#[test]
fn products_are_edited_in_place() {
    let (host, mut catalogue) = with_product();
    let edit = ProductArgs {
        id: U256::ZERO,
        min: u(300),
        initial: u(300),
        reduction: u(10_000),
        assets: u(2),
        fixed: true,
        deprecated: true,
        pools: vec![u(2)],
        uri: "edited".into(),
        ..args()
    };
    assert_eq!(set(&mut catalogue, edit).ok(), Some(U256::ZERO));
    assert_eq!(catalogue.product_count(), u(1));
    assert_eq!(
        catalogue.product(U256::ZERO).ok(),
        Some((U256::ZERO, u(300), u(300), u(10_000), u(2), true, true))
    );
    assert_eq!(
        catalogue.product_metadata(U256::ZERO).ok(),
        Some("edited".into())
    );
    assert_eq!(catalogue.allowed_pools(U256::ZERO).ok(), Some(vec![u(2)]));
    let logged: ProductSet = last_log(&host);
    assert!(logged.useFixedPrice && logged.isDeprecated);
    // The old pools left the map with the list.
    assert_eq!(
        revert(catalogue.product_for_pool(U256::ZERO, u(1))),
        PoolNotAllowedForThisProduct {
            productId: U256::ZERO,
            poolId: u(1)
        }
        .abi_encode()
    );
    assert!(catalogue.product_for_pool(U256::ZERO, u(2)).is_ok());
    // A second product gets id 1.
    assert_eq!(set(&mut catalogue, args()).ok(), Some(u(1)));
    assert_eq!(catalogue.product_count(), u(2));
}

#[test]
fn allowed_pools_are_kept_once_and_must_exist() {
    let (host, mut catalogue) = with_product();
    let dup = ProductArgs {
        pools: vec![u(2), u(2), u(1)],
        ..args()
    };
    host.clear_made();
    assert_eq!(set(&mut catalogue, dup).ok(), Some(u(1)));
    // The pool count is read once for the whole list.
    assert_eq!(host.made().len(), 1);
    assert_eq!(catalogue.allowed_pools(u(1)).ok(), Some(vec![u(2), u(1)]));
    for bad in [U256::ZERO, u(4), U256::MAX] {
        assert_reverts(
            &host,
            &mut catalogue,
            StakingPoolDoesNotExist { poolId: bad }.abi_encode(),
            |c| {
                set(
                    c,
                    ProductArgs {
                        pools: vec![u(1), bad],
                        ..args()
                    },
                )
            },
        );
    }
    // No list: any pool, and the staking pools are not asked.
    host.clear_made();
    assert_eq!(
        set(
            &mut catalogue,
            ProductArgs {
                pools: vec![],
                ..args()
            }
        )
        .ok(),
        Some(u(2))
    );
    assert!(host.made().is_empty());
    assert_eq!(catalogue.allowed_pools(u(2)).ok(), Some(vec![]));
    // The staking pools' revert is passed on.
    host.mock_static(
        STAKING,
        IStakingPool::poolCountCall {}.abi_encode(),
        Err(vec![7]),
    );
    assert_reverts(&host, &mut catalogue, vec![7], |c| set(c, args()));
    // Without staking pools no pool can be listed.
    assert!(catalogue.set_contracts(MEMBERSHIP, Address::ZERO).is_ok());
    assert_reverts(
        &host,
        &mut catalogue,
        StakingPoolDoesNotExist { poolId: u(1) }.abi_encode(),
        |c| set(c, args()),
    );
    assert!(set(
        &mut catalogue,
        ProductArgs {
            pools: vec![],
            ..args()
        }
    )
    .is_ok());
}

#[test]
fn product_rules() {
    let (host, mut catalogue) = with_product();
    let cases: Vec<(ProductArgs, Vec<u8>)> = vec![
        (
            ProductArgs { id: u(1), ..args() },
            ProductNotFound { productId: u(1) }.abi_encode(),
        ),
        (
            ProductArgs {
                product_type: u(1),
                ..args()
            },
            ProductTypeNotFound {
                productTypeId: u(1),
            }
            .abi_encode(),
        ),
        (
            ProductArgs {
                uri: String::new(),
                ..args()
            },
            MetadataRequired {}.abi_encode(),
        ),
        (
            ProductArgs {
                min: u(10_001),
                initial: u(10_001),
                ..args()
            },
            MinPriceRatioAbove100Percent {
                minPriceBps: u(10_001),
            }
            .abi_encode(),
        ),
        (
            // Min 0 means 1 %: 0.99 % is below it.
            ProductArgs {
                initial: u(99),
                ..args()
            },
            InitialPriceRatioBelowMinPriceRatio {
                initialPriceBps: u(99),
                minPriceBps: u(100),
            }
            .abi_encode(),
        ),
        (
            ProductArgs {
                min: u(200),
                initial: u(199),
                ..args()
            },
            InitialPriceRatioBelowMinPriceRatio {
                initialPriceBps: u(199),
                minPriceBps: u(200),
            }
            .abi_encode(),
        ),
        (
            ProductArgs {
                initial: u(10_001),
                ..args()
            },
            InitialPriceRatioAbove100Percent {
                initialPriceBps: u(10_001),
            }
            .abi_encode(),
        ),
        (
            ProductArgs {
                reduction: u(10_001),
                ..args()
            },
            CapacityReductionRatioAbove100Percent {
                capacityReductionBps: u(10_001),
            }
            .abi_encode(),
        ),
        (
            ProductArgs {
                assets: u(4),
                ..args()
            },
            CoverAssetNotSupported {
                productId: u(1),
                coverAsset: u(4),
            }
            .abi_encode(),
        ),
        (
            ProductArgs {
                id: U256::ZERO,
                assets: u(7),
                ..args()
            },
            CoverAssetNotSupported {
                productId: U256::ZERO,
                coverAsset: u(7),
            }
            .abi_encode(),
        ),
    ];
    for (bad, expected) in cases {
        assert_reverts(&host, &mut catalogue, expected, |c| set(c, bad));
    }
    // The bounds themselves pass: min = initial = 100 %, reduction 100 %, bitmap 3.
    assert!(set(
        &mut catalogue,
        ProductArgs {
            min: u(10_000),
            initial: u(10_000),
            reduction: u(10_000),
            assets: u(3),
            ..args()
        }
    )
    .is_ok());
    assert!(set(
        &mut catalogue,
        ProductArgs {
            initial: u(100),
            ..args()
        }
    )
    .is_ok());
}

#[test]
fn product_views_of_a_missing_product_revert() {
    let (_host, catalogue) = with_product();
    let missing = ProductNotFound { productId: u(1) }.abi_encode();
    assert_eq!(revert(catalogue.product(u(1))), missing);
    assert_eq!(revert(catalogue.product_metadata(u(1))), missing);
    assert_eq!(revert(catalogue.allowed_pools(u(1))), missing);
    assert_eq!(
        revert(catalogue.product_for_cover(u(1), U256::ZERO, vec![])),
        missing
    );
    assert_eq!(revert(catalogue.product_for_pool(u(1), u(1))), missing);
}

// --- what the cover contract and staking products read ---

#[test]
fn product_for_cover_checks_deprecation_asset_and_pools() {
    let (_host, mut catalogue) = with_product();
    // 30-day grace of type 0, min 1 %, reduction 10 %, dynamic price.
    let terms = (u(30 * DAY), u(100), u(1_000), false);
    for asset in [U256::ZERO, u(255)] {
        assert_eq!(
            catalogue
                .product_for_cover(U256::ZERO, asset, vec![u(1), u(3)])
                .ok(),
            Some(terms)
        );
    }
    assert_eq!(
        catalogue
            .product_for_cover(U256::ZERO, U256::ZERO, vec![])
            .ok(),
        Some(terms)
    );
    for pool in [u(2), u(4), U256::MAX] {
        assert_eq!(
            revert(catalogue.product_for_cover(U256::ZERO, U256::ZERO, vec![u(1), pool])),
            PoolNotAllowedForThisProduct {
                productId: U256::ZERO,
                poolId: pool
            }
            .abi_encode()
        );
    }
    for asset in [u(1), u(254), U256::MAX] {
        assert_eq!(
            revert(catalogue.product_for_cover(U256::ZERO, asset, vec![u(1)])),
            CoverAssetNotSupported {
                productId: U256::ZERO,
                coverAsset: asset
            }
            .abi_encode()
        );
    }
    // ETH only, then NXM only.
    for (bitmap, refused) in [(1u64, 255u64), (2, 0)] {
        assert!(set(
            &mut catalogue,
            ProductArgs {
                id: U256::ZERO,
                assets: u(bitmap),
                ..args()
            }
        )
        .is_ok());
        assert_eq!(
            revert(catalogue.product_for_cover(U256::ZERO, u(refused), vec![u(1)])),
            CoverAssetNotSupported {
                productId: U256::ZERO,
                coverAsset: u(refused)
            }
            .abi_encode()
        );
        assert!(catalogue
            .product_for_cover(U256::ZERO, u(255 - refused), vec![u(1)])
            .is_ok());
    }
    // Any pool when none is listed; a fixed-price product says so.
    assert!(set(
        &mut catalogue,
        ProductArgs {
            id: U256::ZERO,
            pools: vec![],
            fixed: true,
            ..args()
        }
    )
    .is_ok());
    assert_eq!(
        catalogue
            .product_for_cover(U256::ZERO, U256::ZERO, vec![u(9), U256::MAX])
            .ok(),
        Some((u(30 * DAY), u(100), u(1_000), true))
    );
    // Deprecated: no new cover.
    assert!(set(
        &mut catalogue,
        ProductArgs {
            id: U256::ZERO,
            deprecated: true,
            ..args()
        }
    )
    .is_ok());
    assert_eq!(
        revert(catalogue.product_for_cover(U256::ZERO, U256::ZERO, vec![u(1)])),
        ProductDeprecated {
            productId: U256::ZERO
        }
        .abi_encode()
    );
}

#[test]
fn product_for_cover_reads_the_current_grace_period() {
    let (_host, mut catalogue) = with_product();
    assert!(catalogue
        .set_product_type(U256::ZERO, U256::ZERO, u(90 * DAY), URI.into())
        .is_ok());
    assert_eq!(
        catalogue
            .product_for_cover(U256::ZERO, U256::ZERO, vec![u(3)])
            .ok()
            .map(|t| t.0),
        Some(u(90 * DAY))
    );
}

#[test]
fn product_for_pool_checks_the_pool_only() {
    let (_host, mut catalogue) = with_product();
    assert_eq!(
        catalogue.product_for_pool(U256::ZERO, u(3)).ok(),
        Some((u(100), u(500), false))
    );
    assert_eq!(
        revert(catalogue.product_for_pool(U256::ZERO, u(2))),
        PoolNotAllowedForThisProduct {
            productId: U256::ZERO,
            poolId: u(2)
        }
        .abi_encode()
    );
    // A deprecated product can still be listed by its pools (existing cover keeps running).
    assert!(set(
        &mut catalogue,
        ProductArgs {
            id: U256::ZERO,
            deprecated: true,
            fixed: true,
            min: u(250),
            initial: u(400),
            ..args()
        }
    )
    .is_ok());
    assert_eq!(
        catalogue.product_for_pool(U256::ZERO, u(1)).ok(),
        Some((u(250), u(400), true))
    );
}

// --- the ABI through the router ---

fn route<C: SolCall>(
    catalogue: &mut CoverProducts,
    host: &MockHost,
    from: Address,
    call: C,
) -> Result<C::Return, Vec<u8>> {
    host.vm.set_sender(from);
    let calldata = call.abi_encode();
    let selector = u32::from_be_bytes(calldata[..4].try_into().unwrap());
    let output =
        <CoverProducts as Router<CoverProducts>>::route(catalogue, selector, &calldata[4..])
            .expect("the contract routes every selector of ICoverProducts");
    output.map(|returned| C::abi_decode_returns(&returned).expect("return data matches the ABI"))
}

#[test]
fn routes_every_declared_selector() {
    let (_host, mut catalogue) = catalogue();
    for selector in ICoverProductsCalls::SELECTORS {
        let routed = <CoverProducts as Router<CoverProducts>>::route(
            &mut catalogue,
            u32::from_be_bytes(*selector),
            &[],
        );
        assert!(
            routed.is_some(),
            "selector {selector:02x?} is not implemented"
        );
    }
    assert_eq!(ICoverProductsCalls::SELECTORS.len(), 15);
}

#[test]
fn the_constructor_runs_once() {
    let host = MockHost::new();
    let mut catalogue = CoverProducts::from(&host);
    let args = (GOVERNANCE,).abi_encode_params();
    let first =
        <CoverProducts as Router<CoverProducts>>::constructor(&mut catalogue, &args).unwrap();
    assert!(first.is_ok());
    let again = (MEMBER,).abi_encode_params();
    let second =
        <CoverProducts as Router<CoverProducts>>::constructor(&mut catalogue, &again).unwrap();
    assert!(second.is_err());
    assert_eq!(catalogue.governance(), GOVERNANCE);
}

#[test]
fn routed_calls_match_the_interface() {
    let (host, mut catalogue) = catalogue();
    let created = route(
        &mut catalogue,
        &host,
        BOARD,
        ICoverProducts::setProductTypeCall {
            productTypeId: NEW_ID,
            claimMethod: U256::ZERO,
            gracePeriodSecs: u(30 * DAY),
            metadataUri: URI.into(),
        },
    );
    assert_eq!(created.ok(), Some(U256::ZERO));
    let product = route(
        &mut catalogue,
        &host,
        GOVERNANCE,
        ICoverProducts::setProductCall {
            productId: NEW_ID,
            productTypeId: U256::ZERO,
            minPriceBps: u(150),
            initialPriceBps: u(700),
            capacityReductionBps: u(0),
            coverAssets: u(1),
            useFixedPrice: false,
            isDeprecated: false,
            allowedPools: vec![u(2)],
            metadataUri: "p".into(),
        },
    );
    assert_eq!(product.ok(), Some(U256::ZERO));
    let terms = route(
        &mut catalogue,
        &host,
        MEMBER,
        ICoverProducts::productForCoverCall {
            productId: U256::ZERO,
            coverAsset: U256::ZERO,
            poolIds: vec![u(2)],
        },
    )
    .unwrap();
    assert_eq!(
        (terms._0, terms._1, terms._2, terms._3),
        (u(30 * DAY), u(150), U256::ZERO, false)
    );
    let view = route(
        &mut catalogue,
        &host,
        MEMBER,
        ICoverProducts::productCall {
            productId: U256::ZERO,
        },
    )
    .unwrap();
    assert_eq!((view._1, view._2, view._4), (u(150), u(700), u(1)));
    let pools = route(
        &mut catalogue,
        &host,
        MEMBER,
        ICoverProducts::allowedPoolsCall {
            productId: U256::ZERO,
        },
    );
    assert_eq!(pools.ok(), Some(vec![u(2)]));
    let meta = route(
        &mut catalogue,
        &host,
        MEMBER,
        ICoverProducts::productTypeMetadataCall {
            productTypeId: U256::ZERO,
        },
    );
    assert_eq!(meta.ok(), Some(String::from(URI)));
    // A revert through the router is the sol! error.
    let missing = route(
        &mut catalogue,
        &host,
        MEMBER,
        ICoverProducts::productCall { productId: u(5) },
    );
    assert_eq!(
        missing.err(),
        Some(ProductNotFound { productId: u(5) }.abi_encode())
    );
    let unmocked = route(
        &mut catalogue,
        &host,
        EMPTY,
        ICoverProducts::setProductTypeCall {
            productTypeId: NEW_ID,
            claimMethod: U256::ZERO,
            gracePeriodSecs: U256::ZERO,
            metadataUri: URI.into(),
        },
    );
    // EMPTY's seat was never mocked: membership's (mock host's) revert is passed on.
    assert_eq!(unmocked.err(), Some(UNMOCKED.to_vec()));
}
