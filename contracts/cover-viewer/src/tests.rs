//! Unit tests of the cover viewer: every view by hand against records built with
//! `cover_records`'s encoders (the cover contract's own tests check the same decoding against
//! records its entrypoints wrote), every revert path, the calls made, and the ABI through the
//! generated router.
//!
//! The contract runs on [`MockHost`] (crate `contract-test-host`): the cover contract's
//! `records`, the RAMM's `state`, the staking pools' `contracts` and staking products'
//! `quotePremium` are mocked by exact calldata, and an unexpected call reverts with
//! [`UNMOCKED`].

use alloc::{vec, vec::Vec};

use abi_words::address_word;
use alloy_primitives::{address, Address, U256};
use alloy_sol_types::{SolCall, SolError, SolValue};
use contract_test_host::{MockHost, UNMOCKED};
use cover_records::{
    active_word, allocation_id, expiring_id, key, latest_link, original_link, AllocationRecord,
    CoverRecord, ACTIVE, ALLOCATION, COVER, EXPIRING, EXPIRING_READ, LINKS, MAX_POOL_ALLOCATIONS,
};
use mutual_interfaces::{
    cover::abi::ICover,
    cover_viewer::{
        abi::ICoverViewer::{self, ICoverViewerCalls},
        CoverAssetNotSupported, CoverNotFound, CoverPeriodTooLong, CoverPeriodTooShort,
        MathOverflow, NotAContract, ZeroAddress,
    },
    ramm::abi::IRamm,
    staking_pool::abi::IStakingPool,
    staking_products::abi::IStakingProducts,
};
use stylus_sdk::abi::Router;

use super::*;

const COVER_ADDRESS: Address = address!("00000000000000000000000000000000000000c1");
const RAMM_ADDRESS: Address = address!("00000000000000000000000000000000000000b2");
const STAKING: Address = address!("00000000000000000000000000000000000000b5");
const STAKING_PRODUCTS: Address = address!("00000000000000000000000000000000000000b8");
const VIEWER: Address = address!("00000000000000000000000000000000000000f2");
const READER: Address = address!("00000000000000000000000000000000000000e4");
/// An address without code.
const EMPTY: Address = address!("00000000000000000000000000000000000000ee");
const DAY: u64 = 86_400;
const WEEK: u64 = 7 * DAY;
const START: u64 = 1_700_000_000;
const PRODUCT: u64 = 4;
const GRACE: u64 = 30 * DAY;

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// `x` whole tokens (18 decimals).
fn eth(x: u64) -> U256 {
    U256::from(x) * WAD
}

/// 0.02 ETH per NXM.
fn price() -> U256 {
    u(20_000_000_000_000_000)
}

fn words(values: &[U256]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes::<32>()).collect()
}

/// A viewer of COVER_ADDRESS at START, read by READER.
fn deployed() -> (MockHost, CoverViewer) {
    let host = MockHost::new();
    host.vm.set_contract_address(VIEWER);
    host.vm.set_block_timestamp(START);
    host.vm
        .set_code(COVER_ADDRESS, vec![0xef, 0xf0, 0x00, 0x00]);
    let mut viewer = CoverViewer::from(&host);
    assert!(viewer.constructor(COVER_ADDRESS).is_ok());
    host.vm.set_sender(READER);
    (host, viewer)
}

/// The cover contract answers `records(keys)` with `answer`.
fn mock_records(host: &MockHost, keys: Vec<U256>, answer: Result<Vec<U256>, Vec<u8>>) {
    host.mock_static(
        COVER_ADDRESS,
        ICover::recordsCall { keys }.abi_encode(),
        answer.map(|words| words.abi_encode()),
    );
}

/// The cover contract's header as a quote reads it: the NXM token word (with a real day), the
/// RAMM's and the staking pools'.
fn mock_header(host: &MockHost) {
    mock_records(
        host,
        vec![
            cover_records::header_key(cover_records::NXM_TOKEN),
            cover_records::header_key(cover_records::RAMM),
            cover_records::header_key(cover_records::STAKING_POOL),
        ],
        Ok(vec![
            u(DAY) << 160,
            address_word(RAMM_ADDRESS) | (price() << 160),
            address_word(STAKING),
        ]),
    );
}

/// A stored cover: 10 ETH from START for 100 days, on PRODUCT, `count` pools.
fn record(count: usize) -> CoverRecord {
    CoverRecord {
        amount: eth(10),
        start: START,
        period: 100 * DAY,
        grace: u(GRACE),
        product_id: u(PRODUCT),
        asset: 0,
        count,
        expired: false,
    }
}

/// Mocks the two reads of `cover(id)`'s first step: the cover's word and its links.
fn mock_cover(host: &MockHost, id: u64, cover: U256, links: U256) {
    mock_records(
        host,
        vec![key(COVER, u(id)), key(LINKS, u(id))],
        Ok(vec![cover, links]),
    );
}

// --- constructor ---

#[test]
fn constructor_needs_a_cover_contract_with_code() {
    let host = MockHost::new();
    let mut viewer = CoverViewer::from(&host);
    assert!(matches!(
        viewer.constructor(Address::ZERO),
        Err(ViewerError::ZeroAddress(ZeroAddress {}))
    ));
    assert!(matches!(
        viewer.constructor(EMPTY),
        Err(ViewerError::NotAContract(NotAContract { account: EMPTY }))
    ));
    assert_eq!(viewer.cover_contract(), Address::ZERO);
    host.vm.set_code(COVER_ADDRESS, vec![1]);
    assert!(viewer.constructor(COVER_ADDRESS).is_ok());
    assert_eq!(viewer.cover_contract(), COVER_ADDRESS);
}

// --- covers ---

#[test]
fn a_cover_never_edited_is_its_own_chain() {
    let (host, viewer) = deployed();
    mock_cover(&host, 1, record(1).encode().unwrap(), U256::ZERO);
    host.clear_made();
    assert_eq!(
        viewer.cover(u(1)).ok(),
        Some((
            u(PRODUCT),
            U256::ZERO,
            eth(10),
            u(START),
            u(100 * DAY),
            u(GRACE),
            u(1),
            u(1)
        ))
    );
    // One read, a static call to the cover contract.
    let made = host.made();
    assert_eq!(made.len(), 1);
    assert_eq!((made[0].0, made[0].3), (COVER_ADDRESS, true));
}

#[test]
fn an_edited_chain_names_its_original_and_latest() {
    let (host, viewer) = deployed();
    // Cover 1 (cut to 25 days, expired) was replaced by cover 2, then cover 2 by cover 3.
    let cut = CoverRecord {
        period: 25 * DAY,
        expired: true,
        ..record(1)
    };
    mock_cover(&host, 1, cut.encode().unwrap(), latest_link(u(3)).unwrap());
    let second = CoverRecord {
        amount: eth(12),
        start: START + 25 * DAY,
        asset: 255,
        ..record(1)
    };
    mock_cover(
        &host,
        2,
        second.encode().unwrap(),
        original_link(u(1)).unwrap(),
    );
    mock_records(
        &host,
        vec![key(LINKS, u(1))],
        Ok(vec![latest_link(u(3)).unwrap()]),
    );
    let one = viewer.cover(u(1)).ok().unwrap();
    assert_eq!((one.4, one.6, one.7), (u(25 * DAY), u(1), u(3)));
    let two = viewer.cover(u(2)).ok().unwrap();
    assert_eq!(
        (two.1, two.2, two.3, two.6, two.7),
        (u(255), eth(12), u(START + 25 * DAY), u(1), u(3))
    );
}

#[test]
fn a_missing_cover_is_not_found_and_reverts_are_passed_on() {
    let (host, viewer) = deployed();
    mock_cover(&host, 2, U256::ZERO, U256::ZERO);
    assert!(matches!(
        viewer.cover(u(2)),
        Err(ViewerError::CoverNotFound(CoverNotFound { coverId })) if coverId == u(2)
    ));
    let mut keys = vec![key(COVER, u(2))];
    keys.extend((0..MAX_POOL_ALLOCATIONS).map(|i| key(ALLOCATION, allocation_id(u(2), i))));
    mock_records(&host, keys, Ok(vec![U256::ZERO; 1 + MAX_POOL_ALLOCATIONS]));
    assert!(matches!(
        viewer.cover_allocations(u(2)),
        Err(ViewerError::CoverNotFound(CoverNotFound { coverId })) if coverId == u(2)
    ));
    // The cover contract's revert (or a call it does not answer) comes back as it was.
    mock_cover_revert(&host, 3);
    assert_eq!(Vec::<u8>::from(viewer.cover(u(3)).unwrap_err()), vec![0xab]);
    assert_eq!(
        Vec::<u8>::from(viewer.cover(u(4)).unwrap_err()),
        UNMOCKED.to_vec()
    );
}

fn mock_cover_revert(host: &MockHost, id: u64) {
    mock_records(
        host,
        vec![key(COVER, u(id)), key(LINKS, u(id))],
        Err(vec![0xab]),
    );
}

#[test]
fn allocations_in_pool_order() {
    let (host, viewer) = deployed();
    let pools = [
        AllocationRecord {
            pool_id: u(1),
            cover_amount_nxm: eth(200),
            premium_nxm: eth(20),
            allocation_id: u(7),
        },
        AllocationRecord {
            pool_id: u(2),
            cover_amount_nxm: eth(300),
            premium_nxm: eth(30),
            allocation_id: u(9),
        },
    ];
    let mut keys = vec![key(COVER, u(1))];
    keys.extend((0..MAX_POOL_ALLOCATIONS).map(|i| key(ALLOCATION, allocation_id(u(1), i))));
    let mut answer = vec![record(2).encode().unwrap()];
    answer.extend(pools.iter().map(|a| a.encode().unwrap()));
    // What lies beyond the cover's count is not shown.
    answer.extend(vec![U256::MAX; MAX_POOL_ALLOCATIONS - 2]);
    mock_records(&host, keys, Ok(answer));
    assert_eq!(
        viewer.cover_allocations(u(1)).ok(),
        Some(vec![
            (u(1), eth(200), eth(20), u(7)),
            (u(2), eth(300), eth(30), u(9))
        ])
    );
}

// --- active cover ---

/// Mocks the active-cover reads of `asset`: its header and word (`amount` processed up to
/// `last`), then the expiring amounts of the buckets after `last` up to `current`, each
/// `expiring(bucket)`, in reads of at most EXPIRING_READ keys.
fn mock_active(
    host: &MockHost,
    asset: u8,
    amount: U256,
    last: u64,
    current: u64,
    expiring: impl Fn(u64) -> U256,
) {
    mock_records(
        host,
        vec![
            cover_records::header_key(cover_records::NXM_TOKEN),
            key(ACTIVE, U256::from(asset)),
        ],
        Ok(vec![u(DAY) << 160, active_word(amount, last).unwrap()]),
    );
    let mut from = last + 1;
    while from <= current {
        let upto = current.min(from + EXPIRING_READ - 1);
        let buckets: Vec<u64> = (from..=upto).collect();
        mock_records(
            host,
            buckets
                .iter()
                .map(|&b| key(EXPIRING, expiring_id(asset, b)))
                .collect(),
            Ok(buckets.iter().map(|&b| expiring(b)).collect()),
        );
        from = upto + 1;
    }
}

#[test]
fn active_cover_takes_off_the_buckets_expired_since_the_last_purchase() {
    let (host, viewer) = deployed();
    let current = START / WEEK;
    // Processed this bucket: nothing to take off, one read.
    mock_active(&host, 0, eth(10), current, current, |_| U256::MAX);
    host.clear_made();
    assert_eq!(viewer.active_cover(U256::ZERO).ok(), Some(eth(10)));
    assert_eq!(host.made().len(), 1);
    // 130 buckets behind (three reads of expiring amounts): 1 ETH expired in every tenth
    // bucket, 13 in all, of 20 ETH.
    let (host, viewer) = deployed();
    mock_active(&host, 255, eth(20), current - 130, current, |b| {
        if b % 10 == 0 {
            eth(1)
        } else {
            U256::ZERO
        }
    });
    host.clear_made();
    assert_eq!(viewer.active_cover(u(255)).ok(), Some(eth(7)));
    assert_eq!(host.made().len(), 4);
    // Never below zero.
    let (host, viewer) = deployed();
    mock_active(&host, 0, eth(1), current - 2, current, |_| eth(1));
    assert_eq!(viewer.active_cover(U256::ZERO).ok(), Some(U256::ZERO));
    // Another asset: none, and nothing is read.
    host.clear_made();
    assert_eq!(viewer.active_cover(u(1)).ok(), Some(U256::ZERO));
    assert_eq!(viewer.active_cover(U256::MAX).ok(), Some(U256::ZERO));
    assert!(host.made().is_empty());
}

// --- quotes ---

/// Mocks the RAMM's state (internal price 0.02 ETH), the staking pools' contracts and the
/// staking products' quotes `(pool, nxm, premium)` for 100 days of PRODUCT.
fn mock_quotes(host: &MockHost, quotes: &[(u64, U256, U256)]) {
    let state = words(&[
        eth(1),
        eth(1),
        eth(1),
        price(),
        eth(1),
        eth(1),
        eth(1),
        U256::ZERO,
    ]);
    host.mock_static(RAMM_ADDRESS, IRamm::stateCall {}.abi_encode(), Ok(state));
    host.mock_static(
        STAKING,
        IStakingPool::contractsCall {}.abi_encode(),
        // `(nxmToken, stakeNft, stakingProducts, cover, poolRegistry)`.
        Ok(words(&[
            address_word(READER),
            address_word(READER),
            address_word(STAKING_PRODUCTS),
            address_word(COVER_ADDRESS),
            address_word(READER),
        ])),
    );
    for &(pool, nxm, premium) in quotes {
        host.mock_static(
            STAKING_PRODUCTS,
            IStakingProducts::quotePremiumCall {
                poolId: u(pool),
                productId: u(PRODUCT),
                amountNxm: nxm,
                periodSecs: u(100 * DAY),
            }
            .abi_encode(),
            Ok(words(&[premium])),
        );
    }
}

#[test]
fn quote_premium_uses_the_ramm_state_and_the_pools_quotes() {
    let (host, viewer) = deployed();
    mock_header(&host);
    mock_quotes(
        &host,
        &[
            (1, eth(200), u(1)),
            (2, eth(300) + u(10_000_000_000_000_000), eth(3)),
        ],
    );
    // 4 ETH → 200 NXM, 6 ETH + 1 wei → 300.01 NXM; 3 NXM + 1 wei at 0.02 → 0.06 ETH + 1 wei.
    let pools = vec![(u(1), eth(4)), (u(2), eth(6) + u(1))];
    assert_eq!(
        viewer
            .quote_premium(u(PRODUCT), U256::ZERO, u(100 * DAY), pools)
            .ok(),
        Some((u(60_000_000_000_000_001), eth(3) + u(1)))
    );
    // In NXM the price is 1: the RAMM is not asked; 2.5 NXM asked → 2.5 NXM.
    let (host, viewer) = deployed();
    mock_header(&host);
    mock_quotes(&host, &[(1, u(2_500_000_000_000_000_000), eth(1))]);
    host.clear_made();
    assert_eq!(
        viewer
            .quote_premium(
                u(PRODUCT),
                u(255),
                u(100 * DAY),
                vec![(u(1), u(2_500_000_000_000_000_000))]
            )
            .ok(),
        Some((eth(1), eth(1)))
    );
    assert!(host.made().iter().all(|call| call.0 != RAMM_ADDRESS));
    // No pools: nothing to pay.
    assert_eq!(
        viewer
            .quote_premium(u(PRODUCT), u(255), u(100 * DAY), vec![])
            .ok(),
        Some((U256::ZERO, U256::ZERO))
    );
}

#[test]
fn quote_premium_checks_the_period_and_the_asset() {
    let (host, viewer) = deployed();
    mock_header(&host);
    mock_quotes(&host, &[]);
    let pools = vec![(u(1), eth(4))];
    for (period, too_short) in [(28 * DAY - 1, true), (365 * DAY + 1, false)] {
        let error = viewer
            .quote_premium(u(PRODUCT), U256::ZERO, u(period), pools.clone())
            .unwrap_err();
        let expected = if too_short {
            CoverPeriodTooShort {
                periodSecs: u(period),
            }
            .abi_encode()
        } else {
            CoverPeriodTooLong {
                periodSecs: u(period),
            }
            .abi_encode()
        };
        assert_eq!(Vec::<u8>::from(error), expected);
    }
    // The period is checked before the asset, and any width of it.
    let error = viewer
        .quote_premium(u(PRODUCT), u(7), U256::MAX, pools.clone())
        .unwrap_err();
    assert_eq!(
        Vec::<u8>::from(error),
        CoverPeriodTooLong {
            periodSecs: U256::MAX
        }
        .abi_encode()
    );
    let error = viewer
        .quote_premium(u(PRODUCT), u(7), u(100 * DAY), pools.clone())
        .unwrap_err();
    assert_eq!(
        Vec::<u8>::from(error),
        CoverAssetNotSupported {
            productId: u(PRODUCT),
            coverAsset: u(7)
        }
        .abi_encode()
    );
    // An amount whose NXM does not fit 256 bits.
    let error = viewer
        .quote_premium(
            u(PRODUCT),
            U256::ZERO,
            u(100 * DAY),
            vec![(u(1), U256::MAX)],
        )
        .unwrap_err();
    assert_eq!(Vec::<u8>::from(error), MathOverflow {}.abi_encode());
}

#[test]
fn quote_premium_passes_reverts_on() {
    let (host, viewer) = deployed();
    mock_header(&host);
    mock_quotes(&host, &[]);
    let pools = vec![(u(1), eth(4))];
    // Staking products do not know the pool (unmocked): their revert comes back.
    assert_eq!(
        Vec::<u8>::from(
            viewer
                .quote_premium(u(PRODUCT), U256::ZERO, u(100 * DAY), pools.clone())
                .unwrap_err()
        ),
        UNMOCKED.to_vec()
    );
    host.mock_static(
        RAMM_ADDRESS,
        IRamm::stateCall {}.abi_encode(),
        Err(vec![0x4a]),
    );
    assert_eq!(
        Vec::<u8>::from(
            viewer
                .quote_premium(u(PRODUCT), U256::ZERO, u(100 * DAY), pools.clone())
                .unwrap_err()
        ),
        vec![0x4a]
    );
    let (host, viewer) = deployed();
    mock_records(
        &host,
        vec![
            cover_records::header_key(cover_records::NXM_TOKEN),
            cover_records::header_key(cover_records::RAMM),
            cover_records::header_key(cover_records::STAKING_POOL),
        ],
        Err(vec![0x7c]),
    );
    assert_eq!(
        Vec::<u8>::from(
            viewer
                .quote_premium(u(PRODUCT), U256::ZERO, u(100 * DAY), pools)
                .unwrap_err()
        ),
        vec![0x7c]
    );
}

// --- the ABI through the router ---

fn route<C: SolCall>(
    viewer: &mut CoverViewer,
    host: &MockHost,
    value: U256,
    call: C,
) -> Result<C::Return, Vec<u8>> {
    host.vm.set_value(value);
    let calldata = call.abi_encode();
    let selector = u32::from_be_bytes(calldata[..4].try_into().unwrap());
    let output = <CoverViewer as Router<CoverViewer>>::route(viewer, selector, &calldata[4..])
        .expect("the viewer routes every selector of ICoverViewer");
    host.vm.set_value(U256::ZERO);
    output.map(|returned| C::abi_decode_returns(&returned).expect("return data matches the ABI"))
}

#[test]
fn routes_every_declared_selector() {
    let (_host, mut viewer) = deployed();
    for selector in ICoverViewerCalls::SELECTORS {
        let routed = <CoverViewer as Router<CoverViewer>>::route(
            &mut viewer,
            u32::from_be_bytes(*selector),
            &[],
        );
        assert!(
            routed.is_some(),
            "selector {selector:02x?} is not implemented"
        );
    }
    assert_eq!(ICoverViewerCalls::SELECTORS.len(), 5);
}

#[test]
fn routed_views_match_the_interface() {
    let (host, mut viewer) = deployed();
    mock_cover(&host, 1, record(1).encode().unwrap(), U256::ZERO);
    let view = route(
        &mut viewer,
        &host,
        U256::ZERO,
        ICoverViewer::coverCall { coverId: u(1) },
    )
    .unwrap();
    assert_eq!((view._2, view._4, view._7), (eth(10), u(100 * DAY), u(1)));
    assert_eq!(
        route(
            &mut viewer,
            &host,
            U256::ZERO,
            ICoverViewer::coverContractCall {}
        )
        .ok(),
        Some(COVER_ADDRESS)
    );
    assert_eq!(
        route(
            &mut viewer,
            &host,
            U256::ZERO,
            ICoverViewer::activeCoverCall { coverAsset: u(1) }
        )
        .ok(),
        Some(U256::ZERO)
    );
    // Reverts come back as the sol! error; views take no ETH.
    mock_cover(&host, 2, U256::ZERO, U256::ZERO);
    assert_eq!(
        route(
            &mut viewer,
            &host,
            U256::ZERO,
            ICoverViewer::coverCall { coverId: u(2) }
        )
        .err(),
        Some(CoverNotFound { coverId: u(2) }.abi_encode())
    );
    assert!(route(
        &mut viewer,
        &host,
        u(1),
        ICoverViewer::coverCall { coverId: u(1) }
    )
    .is_err());
}

#[test]
fn the_constructor_runs_once() {
    let host = MockHost::new();
    host.vm.set_code(COVER_ADDRESS, vec![1]);
    let mut viewer = CoverViewer::from(&host);
    let args = (COVER_ADDRESS,).abi_encode_params();
    assert!(
        <CoverViewer as Router<CoverViewer>>::constructor(&mut viewer, &args)
            .unwrap()
            .is_ok()
    );
    host.vm.set_code(READER, vec![1]);
    let again = (READER,).abi_encode_params();
    assert!(
        <CoverViewer as Router<CoverViewer>>::constructor(&mut viewer, &again)
            .unwrap()
            .is_err()
    );
    assert_eq!(viewer.cover_contract(), COVER_ADDRESS);
}
