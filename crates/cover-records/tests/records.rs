//! The cover records: packing and unpacking round trips at every field width, the refusals
//! one bit beyond, the period and bucket rules, and the dApp views over a map of stored words
//! (by hand, including an edited chain and expired buckets read in chunks).

use std::{cell::RefCell, collections::HashMap};

use abi_words::address_word;
use alloy_primitives::{address, U256};
use cover_records::*;
use proptest::prelude::*;

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// `2^bits − 1`.
fn max(bits: usize) -> U256 {
    (U256::from(1u8) << bits) - U256::from(1u8)
}

/// A stored cover at the widest value of every field.
fn widest_cover() -> CoverRecord {
    CoverRecord {
        amount: max(96),
        start: (1 << 40) - 1,
        period: u32::MAX as u64,
        grace: max(32),
        product_id: max(32),
        asset: u8::MAX,
        count: 255,
        expired: true,
    }
}

#[test]
fn keys_ids_and_bits() {
    assert_eq!(key(COVER, u(7)), (u(1) << 192) | u(7));
    assert_eq!(header_key(CLAIMS), u(7));
    assert_eq!(allocation_id(u(5), 3), u(43));
    assert_eq!(expiring_id(ASSET_NXM, 9), (u(255) << 64) | u(9));
    assert_eq!(bits(U256::MAX, 100, 8), u(255));
    assert_eq!(bits(u(0b1011_0000), 4, 3), u(0b011));
    assert_eq!(
        pack(&[(&u(1), 1), (&u(2), 2), (&u(3), 8)]),
        Some(u(1) | (u(2) << 1) | (u(3) << 3))
    );
    assert_eq!(pack(&[(&u(4), 2)]), None);
    assert_eq!(pack(&[]), Some(U256::ZERO));
}

#[test]
fn header_fields() {
    let token = address!("00000000000000000000000000000000000000b1");
    let word = address_word(token) | (u(86_400) << 160) | (u(12) << 192);
    assert_eq!(address_of(word), token);
    assert_eq!(day_secs(word), 86_400);
    assert_eq!(cover_count(word), u(12));
    assert_eq!(bucket_secs(86_400), 7 * 86_400);
    let ramm = address_word(token) | (u(20_000_000_000_000_000) << 160);
    assert_eq!(last_eth_price(ramm), u(20_000_000_000_000_000));
    assert_eq!(address_of(ramm), token);
}

#[test]
fn periods_from_28_to_365_days() {
    let day = 86_400;
    assert_eq!(check_period(u(28 * day), day), Ok(28 * day));
    assert_eq!(check_period(u(365 * day), day), Ok(365 * day));
    assert_eq!(
        check_period(u(28 * day - 1), day),
        Err(PeriodError::TooShort)
    );
    assert_eq!(
        check_period(u(365 * day + 1), day),
        Err(PeriodError::TooLong)
    );
    assert_eq!(check_period(U256::MAX, day), Err(PeriodError::TooLong));
    assert_eq!(check_period(U256::ZERO, 1), Err(PeriodError::TooShort));
}

#[test]
fn the_widest_records_fit_and_one_bit_more_does_not() {
    let cover = widest_cover();
    assert_eq!(CoverRecord::decode(cover.encode().unwrap()), cover);
    // Every field full; `expired` is stored as 1.
    assert_eq!(cover.encode(), Some(max(249)));
    assert_eq!(CoverRecord::decode(U256::MAX), cover);
    for wider in [
        CoverRecord {
            amount: max(96) + u(1),
            ..cover
        },
        CoverRecord {
            start: 1 << 40,
            ..cover
        },
        CoverRecord {
            period: 1 << 32,
            ..cover
        },
        CoverRecord {
            grace: max(32) + u(1),
            ..cover
        },
        CoverRecord {
            product_id: max(32) + u(1),
            ..cover
        },
        CoverRecord {
            count: 256,
            ..cover
        },
    ] {
        assert_eq!(wider.encode(), None);
    }
    let allocation = AllocationRecord {
        pool_id: max(24),
        cover_amount_nxm: max(96),
        premium_nxm: max(96),
        allocation_id: max(40),
    };
    assert_eq!(allocation.encode(), Some(U256::MAX));
    assert_eq!(AllocationRecord::decode(U256::MAX), allocation);
    for wider in [
        AllocationRecord {
            pool_id: max(24) + u(1),
            ..allocation
        },
        AllocationRecord {
            cover_amount_nxm: max(96) + u(1),
            ..allocation
        },
        AllocationRecord {
            premium_nxm: max(96) + u(1),
            ..allocation
        },
        AllocationRecord {
            allocation_id: max(40) + u(1),
            ..allocation
        },
    ] {
        assert_eq!(wider.encode(), None);
    }
    assert_eq!(
        links(original_link(max(64)).unwrap()),
        (max(64), U256::ZERO)
    );
    assert_eq!(links(latest_link(max(64)).unwrap()), (U256::ZERO, max(64)));
    assert_eq!(original_link(u(1) << 64), None);
    assert_eq!(latest_link(u(1) << 64), None);
    assert_eq!(
        active(active_word(max(192), u64::MAX).unwrap()),
        (max(192), u64::MAX)
    );
    assert_eq!(active_word(u(1) << 192, 0), None);
    // A zero word is no cover.
    assert_eq!(CoverRecord::decode(U256::ZERO), CoverRecord::default());
    assert_eq!(record_end(), 300);
}

fn record_end() -> u64 {
    CoverRecord {
        start: 100,
        period: 200,
        ..CoverRecord::default()
    }
    .end()
}

proptest! {
    #[test]
    fn covers_round_trip(
        amount in any::<u128>(),
        start in 0u64..(1 << 40),
        period in any::<u32>(),
        grace in any::<u32>(),
        product in any::<u32>(),
        asset in any::<u8>(),
        count in any::<u8>(),
        expired in any::<bool>(),
    ) {
        let cover = CoverRecord {
            amount: U256::from(amount) & max(96),
            start,
            period: period.into(),
            grace: U256::from(grace),
            product_id: U256::from(product),
            asset,
            count: count.into(),
            expired,
        };
        prop_assert_eq!(CoverRecord::decode(cover.encode().unwrap()), cover);
    }

    #[test]
    fn allocations_round_trip(
        pool in 0u32..(1 << 24),
        nxm in any::<u128>(),
        premium in any::<u128>(),
        id in 0u64..(1 << 40),
    ) {
        let allocation = AllocationRecord {
            pool_id: U256::from(pool),
            cover_amount_nxm: U256::from(nxm) & max(96),
            premium_nxm: U256::from(premium) & max(96),
            allocation_id: U256::from(id),
        };
        prop_assert_eq!(AllocationRecord::decode(allocation.encode().unwrap()), allocation);
    }

    #[test]
    fn bits_read_back_what_pack_wrote(a in any::<u64>(), b in any::<u128>(), width in 1usize..64) {
        let a = U256::from(a) & max(width);
        let word = pack(&[(&a, width), (&U256::from(b), 128)]).unwrap();
        prop_assert_eq!(bits(word, 0, width), a);
        prop_assert_eq!(bits(word, width, 128), U256::from(b));
    }
}

#[test]
fn active_cover_drops_each_expired_bucket_once() {
    let expiring = |bucket: u64| u(bucket * 10);
    // Buckets 4, 5, 6 after 3: 100 − 40 − 50 − 60 → 0 (never below).
    assert_eq!(active_at(u(100), 3, 6, expiring), U256::ZERO);
    assert_eq!(active_at(u(100), 3, 4, expiring), u(60));
    assert_eq!(active_at(u(100), 5, 5, expiring), u(100));
    assert_eq!(active_at(u(100), 6, 2, expiring), u(100));
}

#[test]
fn active_cover_stops_reading_buckets_once_nothing_is_left() {
    let reads = RefCell::new(Vec::new());
    let expiring = |bucket: u64| {
        reads.borrow_mut().push(bucket);
        u(50)
    };
    // 100 − 50 − 50 = 0 after buckets 4 and 5: buckets 6 to 1 000 are never read.
    assert_eq!(active_at(u(100), 3, 1_000, expiring), U256::ZERO);
    assert_eq!(*reads.borrow(), vec![4, 5]);
    // No active cover: no bucket read at all, however long the chain was idle.
    reads.borrow_mut().clear();
    assert_eq!(active_at(U256::ZERO, 3, 1_000, expiring), U256::ZERO);
    assert!(reads.borrow().is_empty());
}

/// A cover contract's records as a map, read the way `ICover.records` answers, counting reads.
struct Store {
    words: HashMap<U256, U256>,
    reads: RefCell<Vec<usize>>,
}

impl Store {
    fn new(entries: &[(U256, U256)]) -> Self {
        Self {
            words: entries.iter().copied().collect(),
            reads: RefCell::default(),
        }
    }

    fn read(&self) -> impl FnMut(Vec<U256>) -> Result<Vec<U256>, ()> + '_ {
        move |keys: Vec<U256>| {
            self.reads.borrow_mut().push(keys.len());
            Ok(keys
                .iter()
                .map(|k| self.words.get(k).copied().unwrap_or_default())
                .collect())
        }
    }
}

fn cover_word(amount: u64, start: u64, period: u64, count: usize) -> U256 {
    CoverRecord {
        amount: u(amount),
        start,
        period,
        grace: u(30),
        product_id: u(4),
        asset: ASSET_ETH,
        count,
        expired: false,
    }
    .encode()
    .unwrap()
}

#[test]
fn cover_views_follow_the_chain() {
    // Cover 1 replaced by 2, then 2 by 3; cover 5 never edited.
    let store = Store::new(&[
        (key(COVER, u(1)), cover_word(10, 100, 25, 1)),
        (key(LINKS, u(1)), latest_link(u(3)).unwrap()),
        (key(COVER, u(2)), cover_word(12, 125, 10, 1)),
        (key(LINKS, u(2)), original_link(u(1)).unwrap()),
        (key(COVER, u(3)), cover_word(5, 135, 100, 2)),
        (key(LINKS, u(3)), original_link(u(1)).unwrap()),
        (key(COVER, u(5)), cover_word(7, 200, 50, 0)),
    ]);
    let view = |id: u64| cover_view(u(id), &mut store.read()).unwrap();
    assert_eq!(
        view(1),
        Some((u(4), u(0), u(10), u(100), u(25), u(30), u(1), u(3)))
    );
    assert_eq!(view(2).map(|v| (v.2, v.6, v.7)), Some((u(12), u(1), u(3))));
    assert_eq!(view(3).map(|v| (v.4, v.6, v.7)), Some((u(100), u(1), u(3))));
    assert_eq!(view(5).map(|v| (v.6, v.7)), Some((u(5), u(5))));
    assert_eq!(view(4), None);
    // An original or an unedited cover takes one read, a replacing cover two.
    assert_eq!(*store.reads.borrow(), vec![2, 2, 1, 2, 1, 2, 2]);
    // A read's error comes back.
    assert_eq!(cover_view(u(1), &mut |_| Err::<Vec<U256>, _>(7)), Err(7));
}

#[test]
fn allocation_views_show_the_cover_s_pools_in_one_read() {
    let first = AllocationRecord {
        pool_id: u(1),
        cover_amount_nxm: u(200),
        premium_nxm: u(20),
        allocation_id: u(7),
    };
    let second = AllocationRecord {
        pool_id: u(2),
        ..first
    };
    let store = Store::new(&[
        (key(COVER, u(1)), cover_word(10, 100, 25, 2)),
        (
            key(ALLOCATION, allocation_id(u(1), 0)),
            first.encode().unwrap(),
        ),
        (
            key(ALLOCATION, allocation_id(u(1), 1)),
            second.encode().unwrap(),
        ),
        // Beyond the count: not shown.
        (key(ALLOCATION, allocation_id(u(1), 2)), U256::MAX),
    ]);
    assert_eq!(
        allocations_view(u(1), &mut store.read()).unwrap(),
        Some(vec![
            (u(1), u(200), u(20), u(7)),
            (u(2), u(200), u(20), u(7))
        ])
    );
    assert_eq!(allocations_view(u(2), &mut store.read()).unwrap(), None);
    assert_eq!(*store.reads.borrow(), vec![9, 9]);
}

#[test]
fn active_cover_reads_the_expired_buckets_in_chunks() {
    let day = 10;
    let bucket = bucket_secs(day);
    let now = 1_000 * bucket + 5;
    // ETH: processed up to bucket 850, 150 buckets behind; 1 wei expiring in each.
    let mut entries = vec![
        (header_key(NXM_TOKEN), u(day) << 160),
        (key(ACTIVE, u(0)), active_word(u(1_000), 850).unwrap()),
        // NXM: processed this bucket.
        (key(ACTIVE, u(255)), active_word(u(77), 1_000).unwrap()),
    ];
    entries.extend((851..=1_000).map(|b| (key(EXPIRING, expiring_id(0, b)), u(1))));
    // An amount beyond the current bucket does not count yet.
    entries.push((key(EXPIRING, expiring_id(0, 1_001)), u(500)));
    let store = Store::new(&entries);
    assert_eq!(active_cover(u(0), now, &mut store.read()), Ok(u(850)));
    assert_eq!(*store.reads.borrow(), vec![2, 64, 64, 22]);
    store.reads.borrow_mut().clear();
    assert_eq!(active_cover(u(255), now, &mut store.read()), Ok(u(77)));
    assert_eq!(*store.reads.borrow(), vec![2]);
    // Other assets: nothing tracked, nothing read.
    store.reads.borrow_mut().clear();
    for asset in [u(1), u(254), u(256), U256::MAX] {
        assert_eq!(active_cover(asset, now, &mut store.read()), Ok(U256::ZERO));
    }
    assert!(store.reads.borrow().is_empty());
    assert_eq!(
        active_cover(u(0), now, &mut |_| Err::<Vec<U256>, _>("down")),
        Err("down")
    );
}
