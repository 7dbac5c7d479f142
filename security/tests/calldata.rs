//! Malformed calldata: every deployed contract is fed random and mutated calldata — unknown and
//! known selectors with random tails, valid encodings of extreme values (0, 1, 2^255, the type's
//! maximum), then truncated, extended, a byte flipped, dirty high bits in a word (an address, a
//! bool, a `uint8`), an offset or a length pointed far away — from a non-member, a member and
//! the founder, with and without 1 wei. Each call must be a clean revert or a valid call: never
//! a trap, a hostio failure or out-of-ink, and a revert changes nothing (balances, code,
//! storage).
//!
//! proptest generates the cases and shrinks a failing one to a minimal calldata. Cases per
//! contract: 200 in the test command, 100,000 under `scripts/security.sh --deep`. Every case
//! starts from the same state: after a call that succeeded, the chain is put back.

use std::cell::{Cell, RefCell};

use alloy_dyn_abi::{DynSolType, DynSolValue};
use alloy_primitives::{Address, Bytes, I256, U256};
use alloy_sol_types::SolCall;
use mutual_deploy::CONTRACTS;
use mutual_interfaces::cover_products::abi::ICoverProducts;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use protocol_security::{abi, cases, cast, devnode, Fingerprint};

/// What to do to a valid encoding.
#[derive(Clone, Debug)]
enum Mutation {
    /// Leave it valid.
    None,
    /// Keep only the first `len` bytes.
    Truncate(usize),
    /// Append these bytes.
    Extend(Vec<u8>),
    /// XOR byte `at` (modulo the length) with `mask` (non-zero).
    Flip(usize, u8),
    /// Set the high 12 bytes of argument word `word` (where addresses, bools and small
    /// integers must be zero).
    DirtyHighBits(usize),
    /// Replace argument word `word` with `value` (an offset or a length pointed away).
    Word(usize, U256),
}

/// One generated call.
#[derive(Clone, Debug)]
struct Case {
    /// Index into the callers (non-member, member, founder).
    caller: usize,
    /// Wei sent.
    value_wei: u8,
    calldata: Vec<u8>,
}

/// The extreme values the generator picks from for a number of `bits` bits.
fn extreme_uint(pick: u64, bits: usize) -> U256 {
    let max = if bits == 256 {
        U256::MAX
    } else {
        (U256::from(1) << bits) - U256::from(1)
    };
    match pick % 6 {
        0 => U256::ZERO,
        1 => U256::from(1),
        2 => max,
        3 => max >> 1,
        4 => U256::from(pick >> 8) & max,
        _ => U256::from(1_000_000_000_000_000_000u64) & max,
    }
}

/// A value of `ty` drawn from `picks` (consumed in order, repeating), with extreme numbers,
/// short and long arrays, empty and long strings.
fn value(ty: &DynSolType, picks: &[u64], next: &mut usize, callers: &[Address]) -> DynSolValue {
    let mut pick = || {
        let p = picks[*next % picks.len()];
        *next += 1;
        p
    };
    match ty {
        DynSolType::Address => {
            let p = pick();
            match p % 4 {
                0 => DynSolValue::Address(Address::ZERO),
                1 => DynSolValue::Address(callers[(p >> 8) as usize % callers.len()]),
                2 => DynSolValue::Address(Address::repeat_byte(0xff)),
                _ => DynSolValue::Address(Address::from_word(U256::from(p).into())),
            }
        }
        DynSolType::Bool => DynSolValue::Bool(pick() % 2 == 0),
        DynSolType::Uint(bits) => DynSolValue::Uint(extreme_uint(pick(), *bits), *bits),
        DynSolType::Int(bits) => {
            let raw = extreme_uint(pick(), *bits);
            DynSolValue::Int(I256::from_raw(raw) >> (256 - bits), *bits)
        }
        DynSolType::FixedBytes(size) => DynSolValue::FixedBytes(U256::from(pick()).into(), *size),
        DynSolType::Bytes => DynSolValue::Bytes(vec![0xab; (pick() % 100) as usize]),
        DynSolType::String => DynSolValue::String("x".repeat((pick() % 100) as usize)),
        DynSolType::Array(inner) => {
            let len = [0, 1, 2, 9][(pick() % 4) as usize];
            DynSolValue::Array(
                (0..len)
                    .map(|_| value(inner, picks, next, callers))
                    .collect(),
            )
        }
        DynSolType::FixedArray(inner, len) => DynSolValue::FixedArray(
            (0..*len)
                .map(|_| value(inner, picks, next, callers))
                .collect(),
        ),
        DynSolType::Tuple(items) => DynSolValue::Tuple(
            items
                .iter()
                .map(|t| value(t, picks, next, callers))
                .collect(),
        ),
        DynSolType::Function => DynSolValue::Function(alloy_primitives::Function::ZERO),
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => Just(Mutation::None),
        1 => (0usize..200).prop_map(Mutation::Truncate),
        1 => proptest::collection::vec(any::<u8>(), 1..300).prop_map(Mutation::Extend),
        1 => (any::<usize>(), 1u8..).prop_map(|(at, mask)| Mutation::Flip(at, mask)),
        1 => (0usize..12).prop_map(Mutation::DirtyHighBits),
        1 => (0usize..12, prop_oneof![
            Just(U256::MAX),
            Just(U256::from(u32::MAX)),
            Just(U256::from(1u64 << 40)),
            Just(U256::from(31)),
            any::<u64>().prop_map(U256::from),
        ]).prop_map(|(word, value)| Mutation::Word(word, value)),
    ]
}

fn apply(mut data: Vec<u8>, mutation: &Mutation) -> Vec<u8> {
    let word_range = |word: usize, len: usize| {
        let start = 4 + 32 * word;
        (start + 32 <= len).then_some(start..start + 32)
    };
    match mutation {
        Mutation::None => {}
        Mutation::Truncate(len) => data.truncate(*len),
        Mutation::Extend(tail) => data.extend_from_slice(tail),
        Mutation::Flip(at, mask) => {
            let len = data.len();
            if len > 0 {
                data[at % len] ^= mask;
            }
        }
        Mutation::DirtyHighBits(word) => {
            if let Some(range) = word_range(*word, data.len()) {
                data[range.start..range.start + 12].fill(0xff);
            }
        }
        Mutation::Word(word, value) => {
            if let Some(range) = word_range(*word, data.len()) {
                data[range].copy_from_slice(&value.to_be_bytes::<32>());
            }
        }
    }
    data
}

/// The calls generated for a contract whose functions are `functions` (selector, argument
/// types).
fn case(
    functions: Vec<([u8; 4], Vec<DynSolType>)>,
    callers: Vec<Address>,
) -> impl Strategy<Value = Case> {
    let count = functions.len().max(1);
    let calldata = prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..300),
        2 => (0..count, proptest::collection::vec(any::<u8>(), 0..300)).prop_map({
            let functions = functions.clone();
            move |(index, tail)| {
                let mut data = functions.get(index).map_or(vec![0; 4], |f| f.0.to_vec());
                data.extend(tail);
                data
            }
        }),
        5 => (0..count, proptest::collection::vec(any::<u64>(), 1..32), mutation()).prop_map(
            move |(index, picks, mutation)| {
                let Some((selector, types)) = functions.get(index) else {
                    return vec![];
                };
                let mut next = 0;
                let args: Vec<DynSolValue> =
                    types.iter().map(|t| value(t, &picks, &mut next, &callers)).collect();
                let mut data = selector.to_vec();
                data.extend(DynSolValue::Tuple(args).abi_encode_params());
                apply(data, &mutation)
            }
        ),
    ];
    (
        0usize..3,
        prop_oneof![4 => Just(0u8), 1 => Just(1u8)],
        calldata,
    )
        .prop_map(|(caller, value_wei, calldata)| Case {
            caller,
            value_wei,
            calldata,
        })
}

#[test]
fn every_contract_reverts_cleanly_on_malformed_calldata() {
    let mut cast = cast();
    let callers = vec![cast.non_member, cast.member, cast.founder];
    let per_contract = cases(200, 100_000);
    let started = devnode(&mut cast.w).snapshot();
    let mut totals = Vec::new();
    for (deployment, address) in cast.w.protocol.contracts() {
        let krate = CONTRACTS
            .iter()
            .find(|(name, _)| *name == deployment)
            .map(|(_, krate)| *krate)
            .expect("a deployment");
        let functions: Vec<([u8; 4], Vec<DynSolType>)> = abi(krate)
            .functions()
            .map(|f| {
                let types = f
                    .inputs
                    .iter()
                    .map(|p| DynSolType::parse(&p.selector_type()).expect("an ABI type"))
                    .collect();
                (f.selector().0, types)
            })
            .collect();
        let mut runner = TestRunner::new(Config {
            cases: u32::try_from(per_contract).expect("cases fit u32"),
            failure_persistence: None,
            ..Config::default()
        });
        let (succeeded, reverted) = (Cell::new(0u64), Cell::new(0u64));
        let node = RefCell::new(devnode(&mut cast.w));
        node.borrow_mut().restore(started.clone());
        // Every case starts from this state: a success is rolled back, a revert must leave it.
        let baseline = Fingerprint::of(&node.borrow());
        let strategy = case(functions, callers.clone());
        let result = runner.run(&strategy, |case| {
            let mut node = node.borrow_mut();
            let receipt = node.send(
                callers[case.caller],
                address,
                U256::from(case.value_wei),
                Bytes::from(case.calldata.clone()),
            );
            if let Some(failure) = &receipt.error {
                return Err(TestCaseError::fail(format!("{deployment}: {failure}")));
            }
            if receipt.status {
                succeeded.set(succeeded.get() + 1);
                node.restore(started.clone());
                return Ok(());
            }
            reverted.set(reverted.get() + 1);
            let changed = baseline.differences(&Fingerprint::of(&node));
            if !changed.is_empty() {
                return Err(TestCaseError::fail(format!(
                    "{deployment}: a revert changed {changed:?}"
                )));
            }
            Ok(())
        });
        match result {
            Ok(()) => totals.push(format!(
                "{deployment}: {} reverted, {} valid",
                reverted.get(),
                succeeded.get()
            )),
            Err(TestError::Fail(why, case)) => panic!(
                "{why}; minimal case: from {:?}, {} wei, calldata 0x{}",
                callers[case.caller],
                case.value_wei,
                alloy_primitives::hex::encode(&case.calldata)
            ),
            Err(TestError::Abort(why)) => panic!("{deployment}: aborted: {why}"),
        }
    }
    println!(
        "malformed calldata, {per_contract} cases per contract:\n{}",
        totals.join("\n")
    );
}

/// The deep run's one finding, kept: `productForCover(0, 0, uint256[])` whose array states
/// 2^18 elements and holds none. alloy-sol-types reserves room for the stated length before
/// it reads an element, so the call asked for 8 MiB and died out of ink with all its gas spent.
/// Behind bounded-alloc's bound the reservation fails and the router reverts at once; the same
/// holds for a length just past the bound (one word more than 256 KiB).
#[test]
fn an_array_length_no_calldata_backs_reverts_cleanly() {
    let mut cast = cast();
    let to = cast.w.protocol.cover_products;
    let from = cast.non_member;
    let node = devnode(&mut cast.w);
    let before = Fingerprint::of(node);
    let past_the_bound = (bounded_alloc::MAX_ALLOCATION_BYTES / 32 + 1) as u64;
    for stated_len in [1u64 << 18, past_the_bound] {
        let mut calldata = ICoverProducts::productForCoverCall::SELECTOR.to_vec();
        for word in [
            U256::ZERO,
            U256::ZERO,
            U256::from(0x60),
            U256::from(stated_len),
        ] {
            calldata.extend(word.to_be_bytes::<32>());
        }
        let receipt = node.send(from, to, U256::ZERO, Bytes::from(calldata));
        assert!(receipt.error.is_none(), "{stated_len}: {:?}", receipt.error);
        assert!(
            !receipt.status,
            "{stated_len}: a call without its elements succeeded"
        );
        assert!(
            receipt.gas_used < 100_000,
            "{stated_len}: the revert took {} gas",
            receipt.gas_used
        );
        assert!(before.differences(&Fingerprint::of(node)).is_empty());
    }
}
