//! Unit tests of the viewer's plumbing on the contract test host: its constructor, the reads
//! through the staking pool's `words` view (mocked by exact calldata, one key a call), and the
//! errors. The views' computations are `staking_records::views`, which the staking pool's unit
//! tests check over the pool's own storage in every scenario there.

use alloy_primitives::{address, Address, U256};
use alloy_sol_types::{SolCall, SolError};
use contract_test_host::MockHost;
use mutual_interfaces::staking_pool::abi::IStakingPool::wordsCall;
use staking_records::{
    slot, word_of, Config, H_NXM_TOKEN, K_HEADER, K_POOL, K_REWARDS, K_SHARES, K_STAKE,
};

use super::*;

const POOL_CONTRACT: Address = address!("00000000000000000000000000000000000000f1");
const MANAGER: Address = address!("00000000000000000000000000000000000000e1");
const DAY: u64 = 86_400;
const NOW: u64 = 54 * 364 * DAY;

fn answer(value: U256) -> Vec<u8> {
    <wordsCall as SolCall>::abi_encode_returns(&vec![value])
}

/// Answers `words([key])` with `value`.
fn word(host: &MockHost, key: U256, value: U256) {
    host.mock_static(
        POOL_CONTRACT,
        wordsCall { keys: vec![key] }.abi_encode(),
        Ok(answer(value)),
    );
}

fn setup() -> (MockHost, StakingViewer) {
    let host = MockHost::new();
    host.vm
        .set_code(POOL_CONTRACT, vec![0xef, 0xf0, 0x00, 0x00]);
    host.vm.set_block_timestamp(NOW);
    let mut viewer = StakingViewer::from(&host);
    assert!(viewer.constructor(POOL_CONTRACT).is_ok());
    (host, viewer)
}

fn revert<T>(result: Result<T, ViewerError>) -> Vec<u8> {
    match result {
        Ok(_) => panic!("expected a revert"),
        Err(error) => error.into(),
    }
}

#[test]
fn constructor_checks_the_staking_pool() {
    let host = MockHost::new();
    let mut viewer = StakingViewer::from(&host);
    assert_eq!(
        revert(viewer.constructor(Address::ZERO)),
        ZeroAddress {}.abi_encode()
    );
    assert_eq!(
        revert(viewer.constructor(POOL_CONTRACT)),
        NotAContract {
            account: POOL_CONTRACT
        }
        .abi_encode()
    );
    assert_eq!(viewer.staking_pool(), Address::ZERO);
    let (_host, viewer) = setup();
    assert_eq!(viewer.staking_pool(), POOL_CONTRACT);
}

#[test]
fn a_missing_pool_is_reported() {
    let (host, viewer) = setup();
    word(&host, slot(K_POOL, 2, 0), U256::ZERO);
    let missing = PoolNotFound {
        poolId: U256::from(2),
    }
    .abi_encode();
    assert_eq!(revert(viewer.pool(U256::from(2))), missing);
    assert_eq!(revert(viewer.tranche(U256::from(2), U256::ZERO)), missing);
    assert_eq!(revert(viewer.undistributed_rewards(U256::from(2))), missing);
    // Ids beyond 32 bits are no pool's, without a read.
    assert_eq!(
        revert(viewer.pool(U256::MAX)),
        PoolNotFound { poolId: U256::MAX }.abi_encode()
    );
}

#[test]
fn a_failing_staking_pool_is_reported() {
    let (host, viewer) = setup();
    host.mock_static(
        POOL_CONTRACT,
        wordsCall {
            keys: vec![slot(K_POOL, 1, 0)],
        }
        .abi_encode(),
        Err(vec![1, 2, 3]),
    );
    assert_eq!(
        revert(viewer.pool(U256::from(1))),
        StakingPoolUnreadable {
            stakingPool: POOL_CONTRACT
        }
        .abi_encode()
    );
}

#[test]
fn the_pool_view_is_computed_from_the_words() {
    let (host, viewer) = setup();
    let config = Config {
        pool: 1,
        manager: MANAGER,
        is_private: true,
        is_halted: false,
        fee: 10,
        max_fee: 20,
    };
    word(&host, slot(K_POOL, 1, 0), config.word());
    word(
        &host,
        slot(K_HEADER, 0, H_NXM_TOKEN),
        U256::from_limbs([0, 0, 0, DAY]),
    );
    // 100 NXM staked, no stream, brought to now.
    word(&host, slot(K_STAKE, 1, 0), word_of(100, 0));
    word(&host, slot(K_SHARES, 1, 0), word_of(10, 11));
    word(&host, slot(K_REWARDS, 1, 0), word_of(7, u128::from(NOW)));
    let view = match viewer.pool(U256::from(1)) {
        Ok(view) => view,
        Err(_) => panic!("pool view reverted"),
    };
    assert_eq!(
        view,
        (
            MANAGER,
            true,
            false,
            U256::from(10),
            U256::from(20),
            U256::from(100),
            U256::from(10),
            U256::from(11),
            U256::ZERO,
            U256::from(7),
        )
    );
}
