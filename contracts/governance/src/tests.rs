//! Unit tests of governance: every rule, every revert path (with its exact error and, where the
//! revert comes before any effect, no change to storage or the log), every event (decoded with
//! its `sol!` type), the weights, quorum and majorities by hand at their boundaries, the
//! classification of every `set*` function of every interface, execution (order, values, a
//! failing action, re-entrancy, a self-call), and the ABI through the hand router.
//!
//! The contract runs on [`Chain`]: [`MockHost`] (crate `contract-test-host`: `TestVM` with
//! exact per-call mocks; an unexpected call reverts with [`UNMOCKED`]) plus one addition: a
//! call from the contract to its own address runs the contract's deployed router on the same
//! storage, with governance as the sender and the call's value (what a self-call does on a
//! chain), so `setProtocolContracts` through an executed proposal and a re-entrant `execute`
//! are exercised for real. `TestVM` rolls nothing back on a revert: reverts after the first
//! effect are checked for their error only (a chain rolls them back).

use alloc::{rc::Rc, string::String, vec, vec::Vec};
use core::cell::RefCell;
use std::collections::BTreeMap;

use alloy_primitives::{address, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent, SolValue};
use contract_test_host::{MadeCall, MockHost, UNMOCKED};
use mutual_interfaces::{
    assessment::abi::IAssessment,
    capital_pool::{abi::ICapitalPool, cover::abi::IActiveCover},
    claims::abi::IClaims,
    cover::abi::ICover,
    cover_products::abi::ICoverProducts,
    cover_viewer::abi::ICoverViewer,
    governance::abi::IGovernance::{self, IGovernanceCalls},
    membership::{abi::IMembership, member_state::abi::IMemberStateHolder},
    nxm_token::abi::INxmToken,
    pool_registry::abi::IPoolRegistry,
    position_nft::{
        abi::IPositionNft,
        erc721::{IErc721Receiver, IErc721SafeTransfers},
    },
    ramm::abi::IRamm,
    staking_pool::abi::IStakingPool,
    staking_products::abi::IStakingProducts,
    staking_viewer::abi::IStakingViewer,
};
use mutual_math::fixed::WAD;
use stylus_sdk::{
    abi::Router,
    stylus_core::host::{
        AccountAccess, BlockAccess, CalldataAccess, ChainAccess, CryptographyAccess, Host,
        MemoryAccess, MessageAccess, MeteringAccess, RawLogAccess, StorageAccess, UnsafeCallAccess,
        UnsafeDeploymentAccess,
    },
    testing::TestVM,
};

use super::*;
use crate::router::Args;

const GOV: Address = address!("00000000000000000000000000000000000000f1");
const INITIALIZER: Address = address!("00000000000000000000000000000000000000a1");
const TOKEN: Address = address!("00000000000000000000000000000000000000b1");
const MEMBERSHIP: Address = address!("00000000000000000000000000000000000000b2");
const POOL: Address = address!("00000000000000000000000000000000000000b3");
const RAMM: Address = address!("00000000000000000000000000000000000000b4");
const NFT: Address = address!("00000000000000000000000000000000000000b5");
const ALICE: Address = address!("00000000000000000000000000000000000000e1");
const BOB: Address = address!("00000000000000000000000000000000000000e2");
const CAROL: Address = address!("00000000000000000000000000000000000000e3");
const DAVE: Address = address!("00000000000000000000000000000000000000e4");
const STRANGER: Address = address!("00000000000000000000000000000000000000e9");
const SEATS: [Address; 4] = [
    address!("00000000000000000000000000000000000000c1"),
    address!("00000000000000000000000000000000000000c2"),
    address!("00000000000000000000000000000000000000c3"),
    address!("00000000000000000000000000000000000000c4"),
];
/// An address without code.
const EMPTY: Address = address!("00000000000000000000000000000000000000ee");
const DAY: u64 = 86_400;
const START: u64 = 1_700_000_000;
/// Voting ends 3 days after START, the timelock 1 day later.
const END: u64 = START + 3 * DAY;
const EXECUTABLE_AT: u64 = END + DAY;
const URI: &str = "ipfs://QmAProposalDescriptionLongerThanOneWordOfThirtyTwoBytes";

fn u(x: u64) -> U256 {
    U256::from(x)
}

/// `x` whole NXM.
fn nxm(x: u64) -> U256 {
    U256::from(x) * WAD
}

fn words(values: &[U256]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes::<32>()).collect()
}

fn bool_word(value: bool) -> Vec<u8> {
    words(&[U256::from(u8::from(value))])
}

// ----- the host -----

/// A call the contract made to itself: `(calldata, value)`.
type SelfCall = (Vec<u8>, U256);

/// [`MockHost`], with calls from the contract to itself run through the deployed router (see
/// the module docs).
#[derive(Clone)]
struct Chain {
    mock: MockHost,
    /// The answer of the last call, when it was a self-call (else the mock's).
    own_answer: Rc<RefCell<Option<Vec<u8>>>>,
    /// Every self-call: `(calldata, value)`.
    self_calls: Rc<RefCell<Vec<SelfCall>>>,
}

impl Chain {
    fn new() -> Self {
        Self {
            mock: MockHost::new(),
            own_answer: Rc::default(),
            self_calls: Rc::default(),
        }
    }

    fn vm(&self) -> &TestVM {
        &self.mock.vm
    }

    /// Runs `data` as a call from the contract to itself with `value`.
    fn self_call(&self, data: &[u8], value: U256) -> Result<Vec<u8>, Vec<u8>> {
        self.self_calls.borrow_mut().push((data.to_vec(), value));
        let (sender, outer_value) = (self.vm().msg_sender(), self.vm().msg_value());
        self.vm().set_sender(GOV);
        self.vm().set_value(value);
        let mut inner = Governance::from(self);
        let answer = match data {
            [a, b, c, d, args @ ..] => {
                let selector = u32::from_be_bytes([*a, *b, *c, *d]);
                <Governance as Router<Governance>>::route(&mut inner, selector, args)
            }
            _ => None,
        };
        self.vm().set_sender(sender);
        self.vm().set_value(outer_value);
        answer.unwrap_or(Err(Vec::new()))
    }
}

impl Host for Chain {}

impl CryptographyAccess for Chain {
    fn native_keccak256(&self, input: &[u8]) -> B256 {
        self.mock.native_keccak256(input)
    }
}

impl CalldataAccess for Chain {
    fn read_args(&self, len: usize) -> Vec<u8> {
        self.mock.read_args(len)
    }
    fn read_return_data(&self, offset: usize, size: Option<usize>) -> Vec<u8> {
        match &*self.own_answer.borrow() {
            Some(data) => {
                let start = offset.min(data.len());
                let end = size.map_or(data.len(), |size| (start + size).min(data.len()));
                data[start..end].to_vec()
            }
            None => self.mock.read_return_data(offset, size),
        }
    }
    fn return_data_size(&self) -> usize {
        match &*self.own_answer.borrow() {
            Some(data) => data.len(),
            None => self.mock.return_data_size(),
        }
    }
    fn write_result(&self, data: &[u8]) {
        self.mock.write_result(data)
    }
}

unsafe impl UnsafeDeploymentAccess for Chain {
    unsafe fn create1(
        &self,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) {
        unsafe {
            self.mock
                .create1(code, code_len, endowment, contract, revert_data_len)
        }
    }
    unsafe fn create2(
        &self,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        salt: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) {
        unsafe {
            self.mock
                .create2(code, code_len, endowment, salt, contract, revert_data_len)
        }
    }
}

impl StorageAccess for Chain {
    fn storage_load_bytes32(&self, key: U256) -> B256 {
        self.mock.storage_load_bytes32(key)
    }
    unsafe fn storage_cache_bytes32(&self, key: U256, value: B256) {
        unsafe { self.mock.storage_cache_bytes32(key, value) }
    }
    fn flush_cache(&self, clear: bool) {
        self.mock.flush_cache(clear)
    }
}

unsafe impl UnsafeCallAccess for Chain {
    unsafe fn call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        value: *const u8,
        gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        let (target, calldata, amount) = unsafe {
            (
                Address::from_slice(std::slice::from_raw_parts(to, 20)),
                std::slice::from_raw_parts(data, data_len).to_vec(),
                U256::from_be_slice(std::slice::from_raw_parts(value, 32)),
            )
        };
        if target != self.vm().contract_address() {
            *self.own_answer.borrow_mut() = None;
            return unsafe {
                self.mock
                    .call_contract(to, data, data_len, value, gas, outs_len)
            };
        }
        let (status, answer) = match self.self_call(&calldata, amount) {
            Ok(answer) => (0, answer),
            Err(answer) => (1, answer),
        };
        *outs_len = answer.len();
        *self.own_answer.borrow_mut() = Some(answer);
        status
    }
    unsafe fn static_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        *self.own_answer.borrow_mut() = None;
        unsafe {
            self.mock
                .static_call_contract(to, data, data_len, gas, outs_len)
        }
    }
    unsafe fn delegate_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        unsafe {
            self.mock
                .delegate_call_contract(to, data, data_len, gas, outs_len)
        }
    }
}

impl BlockAccess for Chain {
    fn block_basefee(&self) -> U256 {
        self.mock.block_basefee()
    }
    fn block_coinbase(&self) -> Address {
        self.mock.block_coinbase()
    }
    fn block_number(&self) -> u64 {
        self.mock.block_number()
    }
    fn block_timestamp(&self) -> u64 {
        self.mock.block_timestamp()
    }
    fn block_gas_limit(&self) -> u64 {
        self.mock.block_gas_limit()
    }
}

impl ChainAccess for Chain {
    fn chain_id(&self) -> u64 {
        self.mock.chain_id()
    }
}

impl AccountAccess for Chain {
    fn balance(&self, account: Address) -> U256 {
        self.mock.balance(account)
    }
    fn contract_address(&self) -> Address {
        self.mock.contract_address()
    }
    fn code(&self, account: Address) -> Vec<u8> {
        self.mock.code(account)
    }
    fn code_size(&self, account: Address) -> usize {
        self.mock.code_size(account)
    }
    fn code_hash(&self, account: Address) -> B256 {
        self.mock.code_hash(account)
    }
}

impl MemoryAccess for Chain {
    fn pay_for_memory_grow(&self, pages: u16) {
        self.mock.pay_for_memory_grow(pages)
    }
}

impl MessageAccess for Chain {
    fn msg_sender(&self) -> Address {
        self.mock.msg_sender()
    }
    fn msg_reentrant(&self) -> bool {
        self.mock.msg_reentrant()
    }
    fn msg_value(&self) -> U256 {
        self.mock.msg_value()
    }
    fn tx_origin(&self) -> Address {
        self.mock.tx_origin()
    }
}

impl MeteringAccess for Chain {
    fn evm_gas_left(&self) -> u64 {
        self.mock.evm_gas_left()
    }
    fn evm_ink_left(&self) -> u64 {
        self.mock.evm_ink_left()
    }
    fn tx_gas_price(&self) -> U256 {
        self.mock.tx_gas_price()
    }
    fn tx_ink_price(&self) -> u32 {
        self.mock.tx_ink_price()
    }
}

impl RawLogAccess for Chain {
    fn emit_log(&self, input: &[u8], num_topics: usize) {
        self.mock.emit_log(input, num_topics)
    }
    fn raw_log(&self, topics: &[B256], data: &[u8]) -> Result<(), &'static str> {
        self.mock.raw_log(topics, data)
    }
}

// ----- helpers -----

/// The non-zero storage words.
fn storage(chain: &Chain) -> BTreeMap<U256, B256> {
    chain
        .vm()
        .snapshot()
        .storage
        .into_iter()
        .filter(|(_, value)| !value.is_zero())
        .collect()
}

/// The word the contract stores under `key` (its map's slot: `keccak(key ‖ 0)`).
fn stored(chain: &Chain, key: U256) -> U256 {
    let mut preimage = key.to_be_bytes::<32>().to_vec();
    preimage.extend([0u8; 32]);
    chain.vm().get_storage(keccak256(preimage).into()).into()
}

fn revert<T>(result: GovernanceResult<T>) -> Vec<u8> {
    match result {
        Ok(_) => panic!("expected a revert"),
        Err(e) => e.into(),
    }
}

#[track_caller]
fn ok<T>(result: GovernanceResult<T>) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("reverted with {:02x?}", Vec::<u8>::from(e)),
    }
}

/// Runs `action`, which must revert with `expected` and change neither storage nor the log.
#[track_caller]
fn rejects<T>(chain: &Chain, expected: Vec<u8>, action: impl FnOnce() -> GovernanceResult<T>) {
    let (before, logs) = (storage(chain), chain.vm().get_emitted_logs().len());
    assert_eq!(revert(action()), expected);
    assert_eq!(storage(chain), before, "storage changed");
    assert_eq!(chain.vm().get_emitted_logs().len(), logs, "logged");
}

/// Every logged `E`, decoded, in order.
fn logs_of<E: SolEvent>(chain: &Chain) -> Vec<E> {
    chain
        .vm()
        .get_emitted_logs()
        .iter()
        .filter(|(topics, _)| topics.first() == Some(&E::SIGNATURE_HASH))
        .map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).unwrap())
        .collect()
}

fn last_log<E: SolEvent>(chain: &Chain) -> E {
    logs_of::<E>(chain).pop().expect("the event")
}

/// The protocol-contract list the last `ProtocolContractsSet` and its `ProtocolContractAt`
/// entries logged (checked to be as many as it announced, indexed in order).
fn listed(chain: &Chain) -> Vec<Address> {
    let sets: Vec<ProtocolContractsSet> = logs_of(chain);
    let count: usize = sets.last().expect("a ProtocolContractsSet").count.to();
    let entries: Vec<ProtocolContractAt> = logs_of(chain);
    let last = &entries[entries.len() - count..];
    for (index, entry) in last.iter().enumerate() {
        assert_eq!(entry.index, U256::from(index));
    }
    last.iter().map(|entry| entry.account).collect()
}

fn invalid_status(proposal_id: u64, current: u8) -> Vec<u8> {
    InvalidProposalStatus {
        proposalId: u(proposal_id),
        status: current,
    }
    .abi_encode()
}

fn not_found(proposal_id: U256) -> Vec<u8> {
    ProposalNotFound {
        proposalId: proposal_id,
    }
    .abi_encode()
}

/// The token reports `supply_nxm` as its total supply.
fn supply_is(chain: &Chain, supply_nxm: U256) {
    chain.mock.mock_static(
        TOKEN,
        INxmToken::totalSupplyCall {}.abi_encode(),
        Ok(words(&[supply_nxm])),
    );
}

/// A constructed governance at START with a real day, initialized with MEMBERSHIP, POOL,
/// RAMM, TOKEN and NFT as protocol contracts; ALICE … DAVE and the seats are members,
/// STRANGER is not; SEATS[i] holds advisory-board seat i for i < 3, seats 3 and 4 are empty
/// (SEATS[3] holds none); the supply is 10,000 NXM (a 500 NXM cap, a 1,500 NXM quorum).
fn setup() -> (Chain, Governance) {
    let chain = Chain::new();
    chain.vm().set_contract_address(GOV);
    chain.vm().set_block_timestamp(START);
    for contract in [TOKEN, MEMBERSHIP, POOL, RAMM, NFT] {
        chain.vm().set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut gov = Governance::from(&chain);
    chain.vm().set_sender(INITIALIZER);
    ok(gov.constructor(INITIALIZER, u(DAY)));
    ok(gov.initialize(TOKEN, MEMBERSHIP, vec![MEMBERSHIP, POOL, RAMM, TOKEN, NFT]));
    for account in [ALICE, BOB, CAROL, DAVE, STRANGER].into_iter().chain(SEATS) {
        chain.mock.mock_static(
            TOKEN,
            INxmToken::isMemberCall { account }.abi_encode(),
            Ok(bool_word(account != STRANGER)),
        );
    }
    for seat in 0..ADVISORY_BOARD_SEATS {
        let holder = SEATS[..3].get(usize::from(seat)).copied();
        seat_is(&chain, seat, holder.unwrap_or(Address::ZERO));
    }
    supply_is(&chain, nxm(10_000));
    (chain, gov)
}

/// Membership reports `holder` (zero: empty) as the holder of advisory-board seat `seat`.
fn seat_is(chain: &Chain, seat: u8, holder: Address) {
    chain.mock.mock_static(
        MEMBERSHIP,
        IMembership::advisoryBoardSeatCall { seat }.abi_encode(),
        Ok(words(&[address_word(holder)])),
    );
}

/// `member` locks `amount` (the token's `operatorTransfer` mocked).
#[track_caller]
fn lock(chain: &Chain, gov: &mut Governance, member: Address, amount: U256) {
    chain.mock.mock_call(
        TOKEN,
        INxmToken::operatorTransferCall {
            from: member,
            to: GOV,
            amountNxm: amount,
        }
        .abi_encode(),
        U256::ZERO,
        Ok(Vec::new()),
    );
    chain.vm().set_sender(member);
    ok(gov.lock(amount));
}

/// An action on `target` calling `call`.
fn action_of<C: SolCall>(target: Address, value: U256, call: C) -> (Address, U256, Bytes) {
    (target, value, Bytes::from(call.abi_encode()))
}

/// An ordinary action: the capital pool's `setMcrFloor(1)`.
fn ordinary_action() -> (Address, U256, Bytes) {
    action_of(
        POOL,
        U256::ZERO,
        ICapitalPool::setMcrFloorCall { mcrFloorEth: u(1) },
    )
}

/// A special action: membership's `setJoiningFee(1)` (special by its target).
fn special_action() -> (Address, U256, Bytes) {
    action_of(
        MEMBERSHIP,
        U256::ZERO,
        IMembership::setJoiningFeeCall {
            joiningFeeEth: u(1),
        },
    )
}

/// ALICE (with 99 NXM locked the first time: a weight of exactly 100 NXM) proposes `actions`.
#[track_caller]
fn propose(chain: &Chain, gov: &mut Governance, actions: Vec<(Address, U256, Bytes)>) -> u64 {
    if gov.locked(ALICE).0.is_zero() {
        lock(chain, gov, ALICE, nxm(99));
    }
    chain.vm().set_sender(ALICE);
    ok(gov.propose(actions, String::from(URI))).to()
}

/// `voter` locks `locked` more (if non-zero) and votes.
#[track_caller]
fn vote(chain: &Chain, gov: &mut Governance, id: u64, voter: Address, locked: U256, support: bool) {
    if !locked.is_zero() {
        lock(chain, gov, voter, locked);
    }
    chain.vm().set_sender(voter);
    ok(gov.vote(u(id), support));
}

fn at(chain: &Chain, time: u64) {
    chain.vm().set_block_timestamp(time);
}

fn status_of(gov: &Governance, id: u64) -> u8 {
    ok(gov.proposal_status(u(id)))
}

/// A proposal of `actions` accepted (three 500 NXM votes for: exactly the quorum), at its
/// executable time.
fn executable(chain: &Chain, gov: &mut Governance, actions: Vec<(Address, U256, Bytes)>) -> u64 {
    let id = propose(chain, gov, actions);
    for voter in [BOB, CAROL, DAVE] {
        vote(chain, gov, id, voter, nxm(600), true);
    }
    at(chain, EXECUTABLE_AT);
    assert_eq!(status_of(gov, id), status::EXECUTABLE);
    id
}

// ----- constructor and initialization -----

#[test]
fn constructor_checks_the_initializer_and_the_day() {
    let chain = Chain::new();
    let mut gov = Governance::from(&chain);
    rejects(&chain, ZeroAddress {}.abi_encode(), || {
        gov.constructor(Address::ZERO, u(DAY))
    });
    for day in [U256::ZERO, u(u32::MAX as u64 + 1), U256::MAX] {
        rejects(
            &chain,
            InvalidDayLength { daySecs: day }.abi_encode(),
            || gov.constructor(INITIALIZER, day),
        );
    }
    ok(gov.constructor(INITIALIZER, u(u32::MAX as u64)));
    assert_eq!(gov.day_secs(), u(u32::MAX as u64));
    assert_eq!(gov.contracts(), (Address::ZERO, Address::ZERO));
    assert_eq!(gov.proposal_count(), U256::ZERO);
    assert!(gov.protocol_contracts().is_empty());
    assert!(chain.vm().get_emitted_logs().is_empty());
}

#[test]
fn initialize_once_by_the_initializer() {
    let chain = Chain::new();
    chain.vm().set_contract_address(GOV);
    for contract in [TOKEN, MEMBERSHIP, POOL] {
        chain.vm().set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut gov = Governance::from(&chain);
    ok(gov.constructor(INITIALIZER, u(DAY)));
    assert_eq!(
        stored(&chain, slot(K_HEADER, 0, U256::from(H_INITIALIZER))),
        address_word(INITIALIZER)
    );
    // Anyone else: refused.
    chain.vm().set_sender(STRANGER);
    rejects(&chain, AlreadyInitialized {}.abi_encode(), || {
        gov.initialize(TOKEN, MEMBERSHIP, vec![POOL])
    });
    chain.vm().set_sender(INITIALIZER);
    // Every address must be non-zero and hold code.
    for (token, membership, list) in [
        (Address::ZERO, MEMBERSHIP, vec![POOL]),
        (TOKEN, Address::ZERO, vec![POOL]),
        (TOKEN, MEMBERSHIP, vec![POOL, Address::ZERO]),
    ] {
        rejects(&chain, ZeroAddress {}.abi_encode(), || {
            gov.initialize(token, membership, list)
        });
    }
    for (token, membership, list) in [
        (EMPTY, MEMBERSHIP, vec![POOL]),
        (TOKEN, EMPTY, vec![POOL]),
        (TOKEN, MEMBERSHIP, vec![POOL, EMPTY]),
    ] {
        rejects(&chain, NotAContract { account: EMPTY }.abi_encode(), || {
            gov.initialize(token, membership, list)
        });
    }
    // Governance itself comes first, implicitly; repeats (and governance itself) are kept once.
    chain.vm().set_code(GOV, vec![0xef, 0xf0, 0x00, 0x00]);
    ok(gov.initialize(TOKEN, MEMBERSHIP, vec![POOL, MEMBERSHIP, POOL, GOV]));
    assert_eq!(gov.contracts(), (TOKEN, MEMBERSHIP));
    assert_eq!(gov.protocol_contracts(), vec![GOV, POOL, MEMBERSHIP]);
    for (account, expected) in [
        (GOV, true),
        (POOL, true),
        (MEMBERSHIP, true),
        (TOKEN, false),
        (STRANGER, false),
    ] {
        assert_eq!(gov.is_protocol_contract(account), expected, "{account}");
    }
    assert_eq!(gov.day_secs(), u(DAY));
    assert_eq!(listed(&chain), vec![GOV, POOL, MEMBERSHIP]);
    let initialized: Initialized = last_log(&chain);
    assert_eq!(
        (initialized.nxmToken, initialized.membership),
        (TOKEN, MEMBERSHIP)
    );
    // Once: the initializer holds nothing afterwards (its word is cleared).
    assert_eq!(
        stored(&chain, slot(K_HEADER, 0, U256::from(H_INITIALIZER))),
        U256::ZERO
    );
    rejects(&chain, AlreadyInitialized {}.abi_encode(), || {
        gov.initialize(TOKEN, MEMBERSHIP, vec![POOL])
    });
}

#[test]
fn set_protocol_contracts_only_by_governance_itself() {
    let (chain, mut gov) = setup();
    for caller in [INITIALIZER, STRANGER, ALICE, TOKEN] {
        chain.vm().set_sender(caller);
        rejects(&chain, Unauthorized { caller }.abi_encode(), || {
            gov.set_protocol_contracts(vec![POOL])
        });
    }
    chain.vm().set_sender(GOV);
    rejects(&chain, ZeroAddress {}.abi_encode(), || {
        gov.set_protocol_contracts(vec![POOL, Address::ZERO])
    });
    rejects(&chain, NotAContract { account: EMPTY }.abi_encode(), || {
        gov.set_protocol_contracts(vec![EMPTY])
    });
    ok(gov.set_protocol_contracts(vec![RAMM, RAMM, NFT]));
    assert_eq!(gov.protocol_contracts(), vec![GOV, RAMM, NFT]);
    for (account, expected) in [
        (GOV, true),
        (RAMM, true),
        (NFT, true),
        (MEMBERSHIP, false),
        (POOL, false),
        (TOKEN, false),
    ] {
        assert_eq!(gov.is_protocol_contract(account), expected, "{account}");
    }
    assert_eq!(listed(&chain), vec![GOV, RAMM, NFT]);
    // The removed entries leave no words behind; an empty list keeps governance itself.
    ok(gov.set_protocol_contracts(Vec::new()));
    assert_eq!(gov.protocol_contracts(), vec![GOV]);
    assert!(!gov.is_protocol_contract(RAMM));
    for index in 1..3 {
        assert_eq!(stored(&chain, slot(K_LIST, 0, u(index))), U256::ZERO);
    }
    for account in [RAMM, NFT, MEMBERSHIP] {
        let flag = slot(K_PROTOCOL, 0, address_word(account));
        assert_eq!(stored(&chain, flag), U256::ZERO);
    }
    assert_eq!(
        stored(&chain, slot(K_LIST, 0, U256::ZERO)),
        address_word(GOV)
    );
}

// ----- locking -----

#[test]
fn lock_moves_nxm_in_for_members() {
    let (chain, mut gov) = setup();
    chain.vm().set_sender(ALICE);
    rejects(&chain, ZeroAmount {}.abi_encode(), || gov.lock(U256::ZERO));
    chain.vm().set_sender(STRANGER);
    rejects(&chain, NotMember { account: STRANGER }.abi_encode(), || {
        gov.lock(nxm(1))
    });
    chain.mock.clear_made();
    lock(&chain, &mut gov, ALICE, nxm(10));
    assert_eq!(
        chain.mock.made(),
        vec![
            (
                TOKEN,
                INxmToken::isMemberCall { account: ALICE }.abi_encode(),
                U256::ZERO,
                true
            ),
            (
                TOKEN,
                INxmToken::operatorTransferCall {
                    from: ALICE,
                    to: GOV,
                    amountNxm: nxm(10)
                }
                .abi_encode(),
                U256::ZERO,
                false
            ),
        ] as Vec<MadeCall>
    );
    lock(&chain, &mut gov, ALICE, u(5));
    assert_eq!(gov.locked(ALICE), (nxm(10) + u(5), U256::ZERO));
    assert!(gov.has_member_state(ALICE));
    assert!(!gov.has_member_state(BOB));
    let locked: Vec<Locked> = logs_of(&chain);
    assert_eq!(locked.len(), 2);
    assert_eq!(
        (locked[1].member, locked[1].amountNxm, locked[1].lockedNxm),
        (ALICE, u(5), nxm(10) + u(5))
    );
    // The token's revert is passed on (a balance too small, the pause).
    chain.mock.mock_call(
        TOKEN,
        INxmToken::operatorTransferCall {
            from: BOB,
            to: GOV,
            amountNxm: nxm(3),
        }
        .abi_encode(),
        U256::ZERO,
        Err(vec![0xbb]),
    );
    chain.vm().set_sender(BOB);
    assert_eq!(revert(gov.lock(nxm(3))), vec![0xbb]);
}

#[test]
fn a_lock_stays_below_2_to_the_192() {
    let (chain, mut gov) = setup();
    let limit = (U256::from(1u8) << 192) - u(1);
    lock(&chain, &mut gov, ALICE, limit);
    assert_eq!(gov.locked(ALICE).0, limit);
    chain.vm().set_sender(ALICE);
    rejects(&chain, MathOverflow {}.abi_encode(), || gov.lock(u(1)));
    chain.vm().set_sender(BOB);
    rejects(&chain, MathOverflow {}.abi_encode(), || {
        gov.lock(limit + u(1))
    });
    rejects(&chain, MathOverflow {}.abi_encode(), || gov.lock(U256::MAX));
}

#[test]
fn unlock_returns_nxm_after_the_lock() {
    let (chain, mut gov) = setup();
    chain.vm().set_sender(ALICE);
    rejects(&chain, ZeroAmount {}.abi_encode(), || {
        gov.unlock(U256::ZERO)
    });
    rejects(
        &chain,
        InsufficientLocked {
            requestedNxm: u(1),
            lockedNxm: U256::ZERO,
        }
        .abi_encode(),
        || gov.unlock(u(1)),
    );
    lock(&chain, &mut gov, ALICE, nxm(10));
    rejects(
        &chain,
        InsufficientLocked {
            requestedNxm: nxm(10) + u(1),
            lockedNxm: nxm(10),
        }
        .abi_encode(),
        || gov.unlock(nxm(10) + u(1)),
    );
    let transfer = |amount| {
        INxmToken::transferCall {
            to: ALICE,
            amountNxm: amount,
        }
        .abi_encode()
    };
    chain
        .mock
        .mock_call(TOKEN, transfer(nxm(4)), U256::ZERO, Ok(bool_word(true)));
    chain.mock.clear_made();
    ok(gov.unlock(nxm(4)));
    assert_eq!(
        chain.mock.made(),
        vec![(TOKEN, transfer(nxm(4)), U256::ZERO, false)]
    );
    assert_eq!(gov.locked(ALICE), (nxm(6), U256::ZERO));
    let unlocked: Unlocked = last_log(&chain);
    assert_eq!(
        (unlocked.member, unlocked.amountNxm, unlocked.lockedNxm),
        (ALICE, nxm(4), nxm(6))
    );
    // Everything: no member state is left.
    chain
        .mock
        .mock_call(TOKEN, transfer(nxm(6)), U256::ZERO, Ok(bool_word(true)));
    ok(gov.unlock(nxm(6)));
    assert!(!gov.has_member_state(ALICE));
    // The token's revert is passed on.
    lock(&chain, &mut gov, ALICE, nxm(1));
    chain
        .mock
        .mock_call(TOKEN, transfer(nxm(1)), U256::ZERO, Err(vec![0xcc]));
    assert_eq!(revert(gov.unlock(nxm(1))), vec![0xcc]);
}

#[test]
fn the_lock_holds_until_the_end_of_the_last_voted_proposal() {
    let (chain, mut gov) = setup();
    let first = propose(&chain, &mut gov, vec![ordinary_action()]);
    at(&chain, START + DAY);
    let second = propose(&chain, &mut gov, vec![ordinary_action()]);
    let second_end = START + DAY + 3 * DAY;
    // BOB votes on the later one first, then on the earlier one: the lock keeps the later end.
    vote(&chain, &mut gov, second, BOB, nxm(10), true);
    assert_eq!(gov.locked(BOB), (nxm(10), u(second_end)));
    vote(&chain, &mut gov, first, BOB, U256::ZERO, false);
    assert_eq!(gov.locked(BOB), (nxm(10), u(second_end)));
    assert!(gov.has_member_state(BOB));
    // A vote with nothing locked still sets the lock's end (NXM locked later is held too).
    vote(&chain, &mut gov, first, CAROL, U256::ZERO, true);
    assert_eq!(gov.locked(CAROL), (U256::ZERO, u(END)));
    // With nothing locked CAROL voted with the 1 NXM bonus: she holds member state (no switch
    // of address to vote again) until that proposal ends.
    assert!(gov.has_member_state(CAROL));
    chain.vm().set_sender(BOB);
    for time in [END, second_end - 1] {
        at(&chain, time);
        rejects(
            &chain,
            StillLocked {
                lockedUntilSecs: u(second_end),
            }
            .abi_encode(),
            || gov.unlock(nxm(1)),
        );
    }
    at(&chain, END);
    assert!(!gov.has_member_state(CAROL));
    at(&chain, second_end);
    chain.mock.mock_call(
        TOKEN,
        INxmToken::transferCall {
            to: BOB,
            amountNxm: nxm(10),
        }
        .abi_encode(),
        U256::ZERO,
        Ok(bool_word(true)),
    );
    ok(gov.unlock(nxm(10)));
    assert_eq!(gov.locked(BOB), (U256::ZERO, u(second_end)));
    assert!(!gov.has_member_state(BOB));
}

// ----- proposing -----

#[test]
fn propose_checks_membership_actions_and_targets() {
    let (chain, mut gov) = setup();
    lock(&chain, &mut gov, ALICE, nxm(99));
    chain.vm().set_sender(STRANGER);
    rejects(&chain, NotMember { account: STRANGER }.abi_encode(), || {
        gov.propose(vec![ordinary_action()], String::from(URI))
    });
    chain.vm().set_sender(ALICE);
    rejects(&chain, NoActions {}.abi_encode(), || {
        gov.propose(Vec::new(), String::from(URI))
    });
    rejects(
        &chain,
        TooManyActions {
            count: u(9),
            max: u(8),
        }
        .abi_encode(),
        || gov.propose(vec![ordinary_action(); 9], String::from(URI)),
    );
    for (index, target) in [(1u64, EMPTY), (2, STRANGER), (1, INITIALIZER)] {
        let mut actions = vec![ordinary_action(); 3];
        actions[index as usize].0 = target;
        rejects(
            &chain,
            TargetNotAllowed {
                index: u(index),
                target,
            }
            .abi_encode(),
            || gov.propose(actions, String::from(URI)),
        );
    }
    // Eight actions are fine.
    ok(gov.propose(vec![ordinary_action(); 8], String::from(URI)));
}

#[test]
fn the_proposers_lock_holds_until_its_voting_ends() {
    let (chain, mut gov) = setup();
    let id = propose(&chain, &mut gov, vec![ordinary_action()]);
    assert_eq!(gov.locked(ALICE), (nxm(99), u(END)));
    assert!(gov.has_member_state(ALICE));
    // The 99 NXM that proposed cannot leave to propose again from another address.
    at(&chain, END - 1);
    chain.vm().set_sender(ALICE);
    rejects(
        &chain,
        StillLocked {
            lockedUntilSecs: u(END),
        }
        .abi_encode(),
        || gov.unlock(nxm(99)),
    );
    // A later proposal moves the lock on; voting on neither shortens it.
    let later = propose(&chain, &mut gov, vec![ordinary_action()]);
    assert_eq!(gov.locked(ALICE), (nxm(99), u(END - 1 + 3 * DAY)));
    assert!(later > id);
}

#[test]
fn no_proposal_may_move_governances_nxm() {
    let (chain, mut gov) = setup();
    lock(&chain, &mut gov, ALICE, nxm(99));
    chain.vm().set_sender(ALICE);
    let moves: [Bytes; 6] = [
        INxmToken::transferCall {
            to: ALICE,
            amountNxm: nxm(1),
        }
        .abi_encode()
        .into(),
        INxmToken::transferFromCall {
            from: GOV,
            to: ALICE,
            amountNxm: nxm(1),
        }
        .abi_encode()
        .into(),
        INxmToken::approveCall {
            spender: ALICE,
            amountNxm: nxm(1),
        }
        .abi_encode()
        .into(),
        INxmToken::permitCall {
            owner: GOV,
            spender: ALICE,
            value: nxm(1),
            deadline: u(START),
            v: 27,
            r: B256::ZERO,
            s: B256::ZERO,
        }
        .abi_encode()
        .into(),
        INxmToken::operatorTransferCall {
            from: GOV,
            to: ALICE,
            amountNxm: nxm(1),
        }
        .abi_encode()
        .into(),
        INxmToken::operatorBurnCall {
            from: GOV,
            amountNxm: nxm(1),
        }
        .abi_encode()
        .into(),
    ];
    for data in moves {
        let actions = vec![ordinary_action(), (TOKEN, U256::ZERO, data)];
        rejects(
            &chain,
            ForbiddenAction {
                index: u(1),
                target: TOKEN,
            }
            .abi_encode(),
            || gov.propose(actions, String::from(URI)),
        );
    }
    // The same calls on another protocol contract are its business (no NXM of governance's).
    let transfer = INxmToken::transferCall {
        to: ALICE,
        amountNxm: nxm(1),
    };
    let id = propose(
        &chain,
        &mut gov,
        vec![action_of(POOL, U256::ZERO, transfer)],
    );
    assert!(!ok(gov.proposal(u(id))).5);
    // Minting new NXM is possible, as a special resolution.
    let mint = INxmToken::mintCall {
        to: ALICE,
        amountNxm: nxm(1),
    };
    let id = propose(&chain, &mut gov, vec![action_of(TOKEN, U256::ZERO, mint)]);
    assert!(ok(gov.proposal(u(id))).5);
}

#[test]
fn proposing_needs_100_nxm_of_ordinary_weight() {
    let (chain, mut gov) = setup();
    // 99 NXM − 1 wei locked: a weight of 100 NXM − 1 wei.
    lock(&chain, &mut gov, BOB, nxm(99) - u(1));
    chain.vm().set_sender(BOB);
    let below = ProposalThresholdNotMet {
        weightNxm: nxm(100) - u(1),
        thresholdNxm: nxm(100),
    };
    rejects(&chain, below.abi_encode(), || {
        gov.propose(vec![ordinary_action()], String::from(URI))
    });
    // One wei more: exactly 100 NXM.
    lock(&chain, &mut gov, BOB, u(1));
    assert_eq!(
        ok(gov.propose(vec![ordinary_action()], String::from(URI))),
        u(1)
    );
    // The weight is capped at 5 % of the supply: 50 NXM of a 1,000 NXM supply, whatever is
    // locked, and a special proposal is no exception.
    supply_is(&chain, nxm(1_000));
    lock(&chain, &mut gov, CAROL, nxm(900));
    chain.vm().set_sender(CAROL);
    let capped = ProposalThresholdNotMet {
        weightNxm: nxm(50),
        thresholdNxm: nxm(100),
    };
    rejects(&chain, capped.abi_encode(), || {
        gov.propose(vec![special_action()], String::from(URI))
    });
    // Nothing locked: 1 NXM.
    chain.vm().set_sender(DAVE);
    let nothing = ProposalThresholdNotMet {
        weightNxm: nxm(1),
        thresholdNxm: nxm(100),
    };
    rejects(&chain, nothing.abi_encode(), || {
        gov.propose(vec![ordinary_action()], String::from(URI))
    });
    // The token's revert of `totalSupply` is passed on.
    chain.mock.mock_static(
        TOKEN,
        INxmToken::totalSupplyCall {}.abi_encode(),
        Err(vec![0xdd]),
    );
    chain.vm().set_sender(BOB);
    rejects(&chain, vec![0xdd], || {
        gov.propose(vec![ordinary_action()], String::from(URI))
    });
}

#[test]
fn a_proposal_stores_its_actions_description_and_snapshot() {
    let (chain, mut gov) = setup();
    let long_data: Vec<u8> = (0..70u8).collect();
    let actions = vec![
        ordinary_action(),
        (POOL, nxm(2), Bytes::new()),
        (RAMM, u(7), Bytes::from(long_data.clone())),
        (NFT, U256::ZERO, Bytes::from(vec![0xab, 0xcd, 0xef])),
    ];
    let id = propose(&chain, &mut gov, actions.clone());
    assert_eq!(id, 1);
    assert_eq!(gov.proposal_count(), u(1));
    let proposal = ok(gov.proposal(u(1)));
    assert_eq!(
        proposal,
        (
            ALICE,
            u(START),
            u(END),
            U256::ZERO,
            U256::ZERO,
            false,
            0,
            nxm(10_000)
        )
    );
    assert_eq!(ok(gov.proposal_details(u(1))), (u(4), String::from(URI)));
    for (index, expected) in actions.iter().enumerate() {
        assert_eq!(&ok(gov.action(u(1), u(index as u64))), expected);
    }
    for index in [u(4), U256::MAX] {
        assert_eq!(
            revert(gov.action(u(1), index)),
            ActionNotFound {
                proposalId: u(1),
                index
            }
            .abi_encode()
        );
    }
    let created: ProposalCreated = last_log(&chain);
    assert_eq!(
        (
            created.proposalId,
            created.proposer,
            created.actionCount,
            created.special,
            created.endSecs,
            created.descriptionUri.as_str()
        ),
        (u(1), ALICE, u(4), false, u(END), URI)
    );
    // Ids are sequential; an empty description is allowed; the snapshot is taken per proposal.
    supply_is(&chain, nxm(2_000));
    chain.vm().set_sender(ALICE);
    assert_eq!(ok(gov.propose(vec![special_action()], String::new())), u(2));
    assert_eq!(ok(gov.proposal_details(u(2))), (u(1), String::new()));
    assert_eq!(ok(gov.proposal(u(2))).7, nxm(2_000));
    assert!(ok(gov.proposal(u(2))).5);
    // Unknown ids.
    for id in [U256::ZERO, u(3), U256::MAX] {
        assert_eq!(revert(gov.proposal(id)), not_found(id));
        assert_eq!(revert(gov.proposal_status(id)), not_found(id));
        assert_eq!(revert(gov.proposal_details(id)), not_found(id));
        assert_eq!(revert(gov.action(id, U256::ZERO)), not_found(id));
        assert_eq!(revert(gov.receipt(id, ALICE)), not_found(id));
        assert_eq!(revert(gov.vote_weight(id, ALICE)), not_found(id));
    }
}

#[test]
fn a_proposal_whose_times_overflow_64_bits_is_refused() {
    let (chain, mut gov) = setup();
    lock(&chain, &mut gov, ALICE, nxm(99));
    chain.vm().set_sender(ALICE);
    // The end of voting, then the end of the timelock, beyond 2^64 − 1.
    for time in [u64::MAX - 3 * DAY + 1, u64::MAX - 4 * DAY + 1] {
        at(&chain, time);
        rejects(&chain, MathOverflow {}.abi_encode(), || {
            gov.propose(vec![ordinary_action()], String::from(URI))
        });
    }
    at(&chain, u64::MAX - 4 * DAY);
    let id = ok(gov.propose(vec![ordinary_action()], String::from(URI)));
    assert_eq!(ok(gov.proposal(id)).2, u(u64::MAX - DAY));
    at(&chain, u64::MAX);
    assert_eq!(status_of(&gov, 1), status::DEFEATED);
}

/// How a `set*` function (and the member-state holder registry) classifies a proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decision {
    /// Its selector makes any proposal special: it changes trusted addresses or a governance
    /// role.
    Special,
    /// Special by its target (membership or governance itself), not by its selector.
    ByTarget,
    /// Ordinary.
    Ordinary,
}

use Decision::{ByTarget, Ordinary, Special};

/// Every `set*` function of every interface in `mutual-interfaces`, with its decision. A new
/// setter fails [`every_setter_is_classified`] until it is added here.
const DECISIONS: &[(&str, &str, Decision)] = &[
    ("IAssessment", "setContracts(address,address)", Special),
    ("IAssessment", "setGovernance(address)", Special),
    (
        "ICapitalPool",
        "setContracts(address,address,address,address)",
        Special,
    ),
    // A parameter: the MCR floor.
    ("ICapitalPool", "setMcrFloor(uint256)", Ordinary),
    ("ICapitalPool", "setGovernance(address)", Special),
    (
        "IClaims",
        "setContracts(address,address,address,address,address,address)",
        Special,
    ),
    ("IClaims", "setGovernance(address)", Special),
    (
        "ICover",
        "setContracts(address,address,address,address,address,address,address)",
        Special,
    ),
    ("ICover", "setGovernance(address)", Special),
    // The catalogue: product data (V2's advisory board edits it).
    (
        "ICoverProducts",
        "setProductType(uint256,uint256,uint256,string)",
        Ordinary,
    ),
    (
        "ICoverProducts",
        "setProduct(uint256,uint256,uint256,uint256,uint256,uint256,bool,bool,uint256[],string)",
        Ordinary,
    ),
    ("ICoverProducts", "setContracts(address,address)", Special),
    ("ICoverProducts", "setGovernance(address)", Special),
    // Governance itself is a special target.
    ("IGovernance", "setProtocolContracts(address[])", ByTarget),
    // Membership is a special target: seats, the KYC authority and the fee are roles there.
    (
        "IMembership",
        "setAdvisoryBoardSeat(uint8,address)",
        ByTarget,
    ),
    ("IMembership", "setKycAuthority(address)", ByTarget),
    ("IMembership", "setJoiningFee(uint256)", ByTarget),
    ("IMembership", "setContracts(address,address)", Special),
    ("IMembership", "registerStateHolder(address)", Special),
    ("IMembership", "unregisterStateHolder(address)", Special),
    ("IMembership", "setGovernance(address)", Special),
    // Membership's own calls to the token (governance cannot make them succeed).
    ("INxmToken", "setMember(address,bool)", Ordinary),
    ("INxmToken", "setPaused(bool)", Ordinary),
    ("INxmToken", "setOperator(address,bool)", Special),
    ("INxmToken", "setMembership(address)", Special),
    ("INxmToken", "setGovernance(address)", Special),
    // A pool manager's.
    ("IPoolRegistry", "setPoolMetadata(uint256,string)", Ordinary),
    ("IPoolRegistry", "setContracts(address,address)", Special),
    ("IPoolRegistry", "setGovernance(address)", Special),
    // An NFT owner's approval; the base URI is metadata; the minter is a trusted address.
    ("IPositionNft", "setApprovalForAll(address,bool)", Ordinary),
    ("IPositionNft", "setMinter(address)", Special),
    ("IPositionNft", "setBaseUri(string)", Ordinary),
    ("IPositionNft", "setGovernance(address)", Special),
    // Parameters of the market.
    ("IRamm", "setSwapPaused(bool)", Ordinary),
    (
        "IRamm",
        "setCircuitBreakerLimits(uint256,uint256)",
        Ordinary,
    ),
    ("IRamm", "setContracts(address,address,address)", Special),
    ("IRamm", "setGovernance(address)", Special),
    // A pool manager's.
    ("IStakingPool", "setPoolFee(uint256,uint256)", Ordinary),
    ("IStakingPool", "setPoolPrivacy(uint256,bool)", Ordinary),
    (
        "IStakingPool",
        "setContracts(address,address,address,address,address)",
        Special,
    ),
    ("IStakingPool", "setGovernance(address)", Special),
    (
        "IStakingProducts",
        "setProducts(uint256,(uint256,uint256,uint256)[])",
        Ordinary,
    ),
    ("IStakingProducts", "setContracts(address,address)", Special),
    ("IStakingProducts", "setGovernance(address)", Special),
];

/// `(interface, signature, selector)` of every function of every interface in
/// `mutual-interfaces`.
fn every_function() -> Vec<(&'static str, &'static str, [u8; 4])> {
    macro_rules! all {
        ($($name:literal => $calls:ty),* $(,)?) => {{
            let mut all = Vec::new();
            $(
                for (signature, selector) in <$calls>::SIGNATURES.iter().zip(<$calls>::SELECTORS) {
                    all.push(($name, *signature, *selector));
                }
            )*
            all
        }};
    }
    all![
        "IAssessment" => IAssessment::IAssessmentCalls,
        "ICapitalPool" => ICapitalPool::ICapitalPoolCalls,
        "IActiveCover" => IActiveCover::IActiveCoverCalls,
        "IClaims" => IClaims::IClaimsCalls,
        "ICover" => ICover::ICoverCalls,
        "ICoverProducts" => ICoverProducts::ICoverProductsCalls,
        "ICoverViewer" => ICoverViewer::ICoverViewerCalls,
        "IGovernance" => IGovernanceCalls,
        "IMembership" => IMembership::IMembershipCalls,
        "IMemberStateHolder" => IMemberStateHolder::IMemberStateHolderCalls,
        "INxmToken" => INxmToken::INxmTokenCalls,
        "IPoolRegistry" => IPoolRegistry::IPoolRegistryCalls,
        "IPositionNft" => IPositionNft::IPositionNftCalls,
        "IErc721SafeTransfers" => IErc721SafeTransfers::IErc721SafeTransfersCalls,
        "IErc721Receiver" => IErc721Receiver::IErc721ReceiverCalls,
        "IRamm" => IRamm::IRammCalls,
        "IStakingPool" => IStakingPool::IStakingPoolCalls,
        "IStakingProducts" => IStakingProducts::IStakingProductsCalls,
        "IStakingViewer" => IStakingViewer::IStakingViewerCalls,
    ]
}

#[test]
fn every_setter_is_classified() {
    let setters: Vec<_> = every_function()
        .into_iter()
        .filter(|(_, signature, _)| {
            signature.starts_with("set") || signature.contains("StateHolder(")
        })
        .collect();
    for &(interface, signature, selector) in &setters {
        let decision = DECISIONS
            .iter()
            .find(|(i, s, _)| *i == interface && *s == signature)
            .map(|d| d.2)
            .unwrap_or_else(|| {
                panic!("{interface}.{signature}: a new setter; decide how it classifies")
            });
        assert_eq!(
            is_special_selector(&selector),
            decision == Special,
            "{interface}.{signature}"
        );
    }
    for (interface, signature, _) in DECISIONS {
        assert!(
            setters
                .iter()
                .any(|(i, s, _)| i == interface && s == signature),
            "{interface}.{signature} is no longer declared"
        );
    }
    // The special list holds nothing but these setters' selectors, and the token's `mint`.
    for special in SPECIAL_SELECTORS {
        if special == INxmToken::mintCall::SELECTOR {
            continue;
        }
        assert!(
            setters
                .iter()
                .any(|(i, s, selector)| *selector == special
                    && DECISIONS.contains(&(*i, *s, Special))),
            "{special:02x?}"
        );
    }
    // No other function shares a special selector (the token's `mint` is special by choice).
    for (interface, signature, selector) in every_function() {
        if is_special_selector(&selector) && selector != INxmToken::mintCall::SELECTOR {
            assert!(
                DECISIONS.contains(&(interface, signature, Special)),
                "{interface}.{signature}"
            );
        }
    }
}

#[test]
fn proposals_are_classified_by_target_and_selector() {
    let (chain, mut gov) = setup();
    let data = |selector: [u8; 4]| Bytes::from([&selector[..], &[0u8; 64][..]].concat());
    // Every setter on an ordinary target (the capital pool): special by its selector only.
    for &(interface, signature, decision) in DECISIONS {
        let (_, _, selector) = every_function()
            .into_iter()
            .find(|(i, s, _)| *i == interface && *s == signature)
            .unwrap();
        let id = propose(&chain, &mut gov, vec![(POOL, U256::ZERO, data(selector))]);
        assert_eq!(
            ok(gov.proposal(u(id))).5,
            decision == Special,
            "{interface}.{signature}"
        );
    }
    let special = |gov: &mut Governance, actions| {
        let id = propose(&chain, gov, actions);
        let created: ProposalCreated = last_log(&chain);
        assert_eq!(created.special, ok(gov.proposal(u(id))).5);
        created.special
    };
    let sweep = IMembership::sweepFeesCall {}.abi_encode();
    // Membership and governance itself are special targets, whatever the call.
    assert!(special(
        &mut gov,
        vec![(MEMBERSHIP, U256::ZERO, Bytes::from(sweep))]
    ));
    assert!(special(&mut gov, vec![(MEMBERSHIP, u(1), Bytes::new())]));
    assert!(special(
        &mut gov,
        vec![action_of(
            GOV,
            U256::ZERO,
            IGovernance::setProtocolContractsCall {
                protocolContracts: vec![POOL],
            }
        )]
    ));
    // One special action makes the whole proposal special.
    assert!(special(
        &mut gov,
        vec![
            ordinary_action(),
            action_of(
                RAMM,
                U256::ZERO,
                IRamm::setGovernanceCall {
                    newGovernance: ALICE,
                }
            ),
        ]
    ));
    // Calldata shorter than a selector, or a plain ETH transfer: ordinary.
    let set_operator = INxmToken::setOperatorCall::SELECTOR;
    assert!(!special(
        &mut gov,
        vec![(TOKEN, U256::ZERO, Bytes::from(set_operator[..3].to_vec()))]
    ));
    assert!(!special(&mut gov, vec![(POOL, u(5), Bytes::new())]));
    assert!(!special(&mut gov, vec![ordinary_action(); 8]));
}

// ----- voting -----

#[test]
fn vote_checks_the_proposal_the_voter_and_the_status() {
    let (chain, mut gov) = setup();
    let id = propose(&chain, &mut gov, vec![ordinary_action()]);
    chain.vm().set_sender(BOB);
    for unknown in [U256::ZERO, u(2)] {
        rejects(&chain, not_found(unknown), || gov.vote(unknown, true));
    }
    chain.vm().set_sender(STRANGER);
    rejects(&chain, NotMember { account: STRANGER }.abi_encode(), || {
        gov.vote(u(id), true)
    });
    vote(&chain, &mut gov, id, BOB, nxm(10), true);
    chain.vm().set_sender(BOB);
    let again = AlreadyVoted {
        proposalId: u(id),
        voter: BOB,
    };
    rejects(&chain, again.abi_encode(), || gov.vote(u(id), true));
    rejects(&chain, again.abi_encode(), || gov.vote(u(id), false));
    // Votes are taken while now < end.
    at(&chain, END - 1);
    vote(&chain, &mut gov, id, CAROL, U256::ZERO, false);
    at(&chain, END);
    chain.vm().set_sender(DAVE);
    rejects(&chain, invalid_status(id, status::DEFEATED), || {
        gov.vote(u(id), true)
    });
    // The membership check's revert is passed on.
    at(&chain, START);
    let other = propose(&chain, &mut gov, vec![ordinary_action()]);
    chain.mock.mock_static(
        TOKEN,
        INxmToken::isMemberCall { account: DAVE }.abi_encode(),
        Err(vec![0xee]),
    );
    chain.vm().set_sender(DAVE);
    rejects(&chain, vec![0xee], || gov.vote(u(other), true));
}

#[test]
fn weights_are_locked_plus_one_capped_at_5_percent_unless_special() {
    let (chain, mut gov) = setup();
    // Supply 10,000 NXM: the cap is 500 NXM.
    let ordinary = propose(&chain, &mut gov, vec![ordinary_action()]);
    let special = propose(&chain, &mut gov, vec![special_action()]);
    lock(&chain, &mut gov, BOB, nxm(10));
    lock(&chain, &mut gov, CAROL, nxm(499));
    lock(&chain, &mut gov, DAVE, nxm(600));
    let expected = [
        // (voter, ordinary weight, special weight)
        (BOB, nxm(11), nxm(11)),
        (CAROL, nxm(500), nxm(500)),
        (DAVE, nxm(500), nxm(601)),
        (SEATS[0], nxm(1), nxm(1)),
    ];
    for (voter, on_ordinary, on_special) in expected {
        assert_eq!(ok(gov.vote_weight(u(ordinary), voter)), on_ordinary);
        assert_eq!(ok(gov.vote_weight(u(special), voter)), on_special);
    }
    for (voter, on_ordinary, on_special) in expected {
        vote(&chain, &mut gov, ordinary, voter, U256::ZERO, voter != DAVE);
        let cast: VoteCast = last_log(&chain);
        assert_eq!(
            (cast.proposalId, cast.voter, cast.support, cast.weightNxm),
            (u(ordinary), voter, voter != DAVE, on_ordinary)
        );
        assert_eq!(
            ok(gov.receipt(u(ordinary), voter)),
            (true, voter != DAVE, on_ordinary)
        );
        vote(&chain, &mut gov, special, voter, U256::ZERO, true);
        assert_eq!(ok(gov.receipt(u(special), voter)), (true, true, on_special));
        assert_eq!(gov.locked(voter).1, u(END));
    }
    assert_eq!(
        ok(gov.receipt(u(ordinary), ALICE)),
        (false, false, U256::ZERO)
    );
    let (.., for_nxm, against_nxm, _, _, _) = ok(gov.proposal(u(ordinary)));
    assert_eq!(for_nxm, nxm(11 + 500 + 1));
    assert_eq!(against_nxm, nxm(500));
    let (.., for_nxm, against_nxm, _, _, _) = ok(gov.proposal(u(special)));
    assert_eq!(
        (for_nxm, against_nxm),
        (nxm(11 + 500 + 601 + 1), U256::ZERO)
    );
    // The weight counts what is locked when the vote is cast (the supply stays the snapshot's).
    supply_is(&chain, nxm(1));
    let third = {
        supply_is(&chain, nxm(20_000));
        propose(&chain, &mut gov, vec![ordinary_action()])
    };
    supply_is(&chain, nxm(1));
    assert_eq!(ok(gov.vote_weight(u(third), DAVE)), nxm(601));
    lock(&chain, &mut gov, DAVE, nxm(900));
    assert_eq!(ok(gov.vote_weight(u(third), DAVE)), nxm(1_000));
}

#[test]
fn quorum_is_15_percent_of_the_snapshot() {
    // Exactly 1,500 NXM of 10,000: accepted; one wei less: defeated.
    for (last_locked, accepted) in [(nxm(499), true), (nxm(499) - u(1), false)] {
        let (chain, mut gov) = setup();
        let id = propose(&chain, &mut gov, vec![ordinary_action()]);
        vote(&chain, &mut gov, id, BOB, nxm(600), true);
        vote(&chain, &mut gov, id, CAROL, nxm(600), true);
        vote(&chain, &mut gov, id, DAVE, last_locked, true);
        let voted = ok(gov.proposal(u(id))).3;
        assert_eq!(
            voted,
            if accepted {
                nxm(1_500)
            } else {
                nxm(1_500) - u(1)
            }
        );
        at(&chain, END);
        let expected = if accepted {
            status::TIMELOCKED
        } else {
            status::DEFEATED
        };
        assert_eq!(status_of(&gov, id), expected);
    }
    // Against votes count toward the quorum too.
    let (chain, mut gov) = setup();
    let id = propose(&chain, &mut gov, vec![ordinary_action()]);
    vote(&chain, &mut gov, id, BOB, nxm(600), true);
    vote(&chain, &mut gov, id, CAROL, nxm(600), true);
    vote(&chain, &mut gov, id, DAVE, nxm(499), false);
    at(&chain, END);
    assert_eq!(status_of(&gov, id), status::TIMELOCKED);
}

#[test]
fn ordinary_proposals_need_more_than_half() {
    // 750 NXM for and 750 against (exactly the quorum): a tie is defeated; one wei more for
    // passes.
    for (extra, accepted) in [(U256::ZERO, false), (u(1), true)] {
        let (chain, mut gov) = setup();
        let id = propose(&chain, &mut gov, vec![ordinary_action()]);
        vote(&chain, &mut gov, id, BOB, nxm(600), true);
        vote(&chain, &mut gov, id, CAROL, nxm(249) + extra, true);
        vote(&chain, &mut gov, id, DAVE, nxm(600), false);
        vote(&chain, &mut gov, id, SEATS[0], nxm(249), false);
        let (.., for_nxm, against_nxm, _, _, _) = ok(gov.proposal(u(id)));
        assert_eq!((for_nxm, against_nxm), (nxm(750) + extra, nxm(750)));
        at(&chain, END);
        let expected = if accepted {
            status::TIMELOCKED
        } else {
            status::DEFEATED
        };
        assert_eq!(status_of(&gov, id), expected);
    }
}

#[test]
fn special_resolutions_need_three_quarters() {
    // 1,500 NXM for and 500 against (uncapped weights): exactly 75 % passes; one wei less for
    // is defeated.
    for (short, accepted) in [(U256::ZERO, true), (u(1), false)] {
        let (chain, mut gov) = setup();
        let id = propose(&chain, &mut gov, vec![special_action()]);
        assert!(ok(gov.proposal(u(id))).5);
        vote(&chain, &mut gov, id, BOB, nxm(1_499) - short, true);
        vote(&chain, &mut gov, id, CAROL, nxm(499), false);
        let (.., for_nxm, against_nxm, _, _, _) = ok(gov.proposal(u(id)));
        assert_eq!((for_nxm, against_nxm), (nxm(1_500) - short, nxm(500)));
        at(&chain, END);
        let expected = if accepted {
            status::TIMELOCKED
        } else {
            status::DEFEATED
        };
        assert_eq!(status_of(&gov, id), expected);
    }
    // A special resolution needs the quorum as well: 1,499 NXM unanimous is defeated.
    let (chain, mut gov) = setup();
    let id = propose(&chain, &mut gov, vec![special_action()]);
    vote(&chain, &mut gov, id, BOB, nxm(1_498), true);
    at(&chain, END);
    assert_eq!(status_of(&gov, id), status::DEFEATED);
    // A proposal nobody voted on is defeated.
    let (chain, mut gov) = setup();
    let id = propose(&chain, &mut gov, vec![ordinary_action()]);
    at(&chain, END);
    assert_eq!(status_of(&gov, id), status::DEFEATED);
}

#[test]
fn tallies_stay_exact_at_the_lock_limit() {
    let (chain, mut gov) = setup();
    let id = propose(&chain, &mut gov, vec![special_action()]);
    // Uncapped weights of 2^192 − 1 wei + 1 NXM each (the largest locks): a tally would need
    // 2^64 such votes to overflow, so `MathOverflow` on a vote is out of reach; the tallies
    // stay exact.
    let most = (U256::from(1u8) << 192) - u(1);
    vote(&chain, &mut gov, id, BOB, most, true);
    vote(&chain, &mut gov, id, CAROL, most, true);
    assert_eq!(ok(gov.proposal(u(id))).3, (most + nxm(1)) * u(2));
}

// ----- status, vetoes -----

#[test]
fn the_status_follows_time_and_tallies() {
    let (chain, mut gov) = setup();
    let id = propose(&chain, &mut gov, vec![ordinary_action()]);
    for voter in [BOB, CAROL, DAVE] {
        vote(&chain, &mut gov, id, voter, nxm(600), true);
    }
    for (time, expected) in [
        (START, status::VOTING),
        (END - 1, status::VOTING),
        (END, status::TIMELOCKED),
        (EXECUTABLE_AT - 1, status::TIMELOCKED),
        (EXECUTABLE_AT, status::EXECUTABLE),
        (EXECUTABLE_AT + 365 * DAY, status::EXECUTABLE),
    ] {
        at(&chain, time);
        assert_eq!(status_of(&gov, id), expected, "at {time}");
    }
    chain.mock.mock_call(
        POOL,
        ordinary_action().2.to_vec(),
        U256::ZERO,
        Ok(Vec::new()),
    );
    ok(gov.execute(u(id)));
    assert_eq!(status_of(&gov, id), status::EXECUTED);
}

/// The last log is `ProposalVetoed(proposal, seat, holder, vetoes)`.
fn vetoed_is(chain: &Chain, proposal: U256, seat: u8, holder: Address, vetoes: u8) {
    let vetoed: ProposalVetoed = last_log(chain);
    assert_eq!(
        (
            vetoed.proposalId,
            vetoed.seat,
            vetoed.seatHolder,
            vetoed.vetoes
        ),
        (proposal, seat, holder, vetoes)
    );
}

#[test]
fn veto_by_three_distinct_seat_holders_during_the_timelock() {
    let (chain, mut gov) = setup();
    let id = propose(&chain, &mut gov, vec![ordinary_action()]);
    for voter in [BOB, CAROL, DAVE] {
        vote(&chain, &mut gov, id, voter, nxm(600), true);
    }
    chain.vm().set_sender(SEATS[0]);
    rejects(&chain, not_found(u(9)), || gov.veto(u(9), 0));
    // Not while voting.
    rejects(&chain, invalid_status(id, status::VOTING), || {
        gov.veto(u(id), 0)
    });
    at(&chain, END);
    // Only seat holders (SEATS[3] is a member without a seat), naming seat 0.
    for caller in [ALICE, SEATS[3], STRANGER] {
        chain.vm().set_sender(caller);
        rejects(&chain, Unauthorized { caller }.abi_encode(), || {
            gov.veto(u(id), 0)
        });
    }
    for (n, holder) in SEATS[..2].iter().enumerate() {
        let seat = n as u8;
        chain.vm().set_sender(*holder);
        ok(gov.veto(u(id), seat));
        // A veto is no vote.
        assert_eq!(ok(gov.receipt(u(id), *holder)), (false, false, U256::ZERO));
        vetoed_is(&chain, u(id), seat, *holder, seat + 1);
        rejects(
            &chain,
            AlreadyVetoed {
                proposalId: u(id),
                seat,
            }
            .abi_encode(),
            || gov.veto(u(id), seat),
        );
    }
    assert_eq!(ok(gov.proposal(u(id))).6, 2);
    // Two vetoes: still timelocked, then executable.
    assert_eq!(status_of(&gov, id), status::TIMELOCKED);
    at(&chain, EXECUTABLE_AT);
    assert_eq!(status_of(&gov, id), status::EXECUTABLE);
    // Not after the timelock.
    chain.vm().set_sender(SEATS[2]);
    rejects(&chain, invalid_status(id, status::EXECUTABLE), || {
        gov.veto(u(id), 2)
    });
    chain.mock.mock_call(
        POOL,
        ordinary_action().2.to_vec(),
        U256::ZERO,
        Ok(Vec::new()),
    );
    ok(gov.execute(u(id)));
    // A seat holder who also voted can veto (votes and vetoes are separate).
    let (chain, mut gov) = setup();
    let id = propose(&chain, &mut gov, vec![ordinary_action()]);
    for voter in [BOB, CAROL, SEATS[2]] {
        vote(&chain, &mut gov, id, voter, nxm(600), true);
    }
    at(&chain, END);
    for (seat, holder) in (0u8..).zip(&SEATS[..3]) {
        chain.vm().set_sender(*holder);
        ok(gov.veto(u(id), seat));
    }
    assert_eq!(ok(gov.receipt(u(id), SEATS[2])), (true, true, nxm(500)));
    // Three vetoes: vetoed, for good.
    assert_eq!(status_of(&gov, id), status::VETOED);
    let vetoed: ProposalVetoed = last_log(&chain);
    assert_eq!(vetoed.vetoes, VETOES_TO_STOP);
    chain.vm().set_sender(SEATS[0]);
    rejects(&chain, invalid_status(id, status::VETOED), || {
        gov.veto(u(id), 0)
    });
    at(&chain, EXECUTABLE_AT + DAY);
    assert_eq!(status_of(&gov, id), status::VETOED);
    rejects(&chain, invalid_status(id, status::VETOED), || {
        gov.execute(u(id))
    });
    // A defeated proposal cannot be vetoed.
    let other = propose(&chain, &mut gov, vec![ordinary_action()]);
    at(&chain, EXECUTABLE_AT + 4 * DAY);
    chain.vm().set_sender(SEATS[0]);
    rejects(&chain, invalid_status(other, status::DEFEATED), || {
        gov.veto(u(other), 0)
    });
    // Membership's revert is passed on.
    let (chain, mut gov) = executable_at_end(vec![ordinary_action()]);
    chain.mock.mock_static(
        MEMBERSHIP,
        IMembership::advisoryBoardSeatCall { seat: 0 }.abi_encode(),
        Err(vec![0xab]),
    );
    chain.vm().set_sender(SEATS[0]);
    rejects(&chain, vec![0xab], || gov.veto(u(1), 0));
}

#[test]
fn three_distinct_seats_stop_a_proposal() {
    let (chain, mut gov) = executable_at_end(vec![ordinary_action()]);
    // Any three seats: 4 (filled for this test), 0 and 2, in that order.
    seat_is(&chain, 4, SEATS[3]);
    let header = slot(K_PROPOSAL, 1, U256::from(P_HEADER));
    let before = stored(&chain, header);
    assert_eq!(bits(before, VETOES_SHIFT, 8), 0);
    let mut mask = 0u64;
    for (n, (seat, holder)) in [(4u8, SEATS[3]), (0, SEATS[0]), (2, SEATS[2])]
        .into_iter()
        .enumerate()
    {
        assert_eq!(status_of(&gov, 1), status::TIMELOCKED);
        chain.mock.clear_made();
        chain.vm().set_sender(holder);
        ok(gov.veto(u(1), seat));
        // One question to membership: who holds `seat`.
        assert_eq!(
            chain.mock.made(),
            vec![(
                MEMBERSHIP,
                IMembership::advisoryBoardSeatCall { seat }.abi_encode(),
                U256::ZERO,
                true
            )]
        );
        let count = n as u8 + 1;
        vetoed_is(&chain, u(1), seat, holder, count);
        assert_eq!(ok(gov.proposal(u(1))).6, count);
        // The header's veto bits are the set of seats; nothing else in it changes.
        mask |= 1 << seat;
        let after = stored(&chain, header);
        assert_eq!(bits(after, VETOES_SHIFT, 8), mask);
        assert_eq!(after & !(U256::from(0xffu8) << VETOES_SHIFT), before);
    }
    assert_eq!(mask, 0b1_0101);
    assert_eq!(status_of(&gov, 1), status::VETOED);
    assert_eq!(
        route(&mut gov, IGovernance::proposalCall { proposalId: u(1) })._6,
        VETOES_TO_STOP
    );
    // A fourth seat finds it vetoed.
    chain.vm().set_sender(SEATS[1]);
    rejects(&chain, invalid_status(1, status::VETOED), || {
        gov.veto(u(1), 1)
    });
}

#[test]
fn a_seat_that_changes_hands_vetoes_once() {
    // Two proposals in their timelock.
    let (chain, mut gov) = setup();
    let first = propose(&chain, &mut gov, vec![ordinary_action()]);
    let second = propose(&chain, &mut gov, vec![ordinary_action()]);
    for voter in [BOB, CAROL, DAVE] {
        vote(&chain, &mut gov, first, voter, nxm(600), true);
        vote(&chain, &mut gov, second, voter, U256::ZERO, true);
    }
    at(&chain, END);
    chain.vm().set_sender(SEATS[1]);
    ok(gov.veto(u(first), 1));
    // Governance moves seat 1 to SEATS[3] during the timelock.
    seat_is(&chain, 1, SEATS[3]);
    // The old holder holds no seat any more.
    rejects(
        &chain,
        Unauthorized { caller: SEATS[1] }.abi_encode(),
        || gov.veto(u(first), 1),
    );
    // The new holder cannot veto again for the seat (storage and the log unchanged).
    chain.vm().set_sender(SEATS[3]);
    rejects(
        &chain,
        AlreadyVetoed {
            proposalId: u(first),
            seat: 1,
        }
        .abi_encode(),
        || gov.veto(u(first), 1),
    );
    assert_eq!(ok(gov.proposal(u(first))).6, 1);
    // One more seat makes two vetoes, not three: the proposal stays timelocked.
    chain.vm().set_sender(SEATS[0]);
    ok(gov.veto(u(first), 0));
    assert_eq!(ok(gov.proposal(u(first))).6, 2);
    assert_eq!(status_of(&gov, first), status::TIMELOCKED);
    // The new holder vetoes, for seat 1, a proposal the seat has not vetoed.
    chain.vm().set_sender(SEATS[3]);
    ok(gov.veto(u(second), 1));
    vetoed_is(&chain, u(second), 1, SEATS[3], 1);
    // The first is executed once its timelock ends (two seats vetoed it).
    at(&chain, EXECUTABLE_AT);
    assert_eq!(status_of(&gov, first), status::EXECUTABLE);
}

#[test]
fn a_caller_naming_a_seat_it_does_not_hold_is_refused() {
    let (chain, mut gov) = executable_at_end(vec![ordinary_action()]);
    // Another holder's seat, an empty seat (membership answers zero), a stranger.
    for (caller, seat) in [
        (SEATS[0], 1u8),
        (SEATS[2], 0),
        (SEATS[3], 3),
        (SEATS[0], 4),
        (STRANGER, 2),
    ] {
        chain.vm().set_sender(caller);
        chain.mock.clear_made();
        rejects(&chain, Unauthorized { caller }.abi_encode(), || {
            gov.veto(u(1), seat)
        });
        assert_eq!(
            chain.mock.made(),
            vec![(
                MEMBERSHIP,
                IMembership::advisoryBoardSeatCall { seat }.abi_encode(),
                U256::ZERO,
                true
            )]
        );
    }
    // Each holder's own seat is accepted.
    chain.vm().set_sender(SEATS[1]);
    ok(gov.veto(u(1), 1));
    assert_eq!(ok(gov.proposal(u(1))).6, 1);
}

#[test]
fn an_out_of_range_seat_is_refused_before_asking_membership() {
    let (chain, mut gov) = executable_at_end(vec![ordinary_action()]);
    // Even a membership that named a holder for seat 8 would not reach the header's executed
    // flag (bit 240 = VETOES_SHIFT + 8): governance refuses every seat from 5 itself.
    seat_is(&chain, 8, SEATS[0]);
    chain.vm().set_sender(SEATS[0]);
    for seat in [ADVISORY_BOARD_SEATS, 7, 8, u8::MAX] {
        chain.mock.clear_made();
        rejects(&chain, InvalidSeat { seat }.abi_encode(), || {
            gov.veto(u(1), seat)
        });
        assert!(chain.mock.made().is_empty(), "seat {seat}");
    }
    // The same through the router; a seat word above uint8 does not decode.
    let call = IGovernance::vetoCall {
        proposalId: u(1),
        seat: 5,
    }
    .abi_encode();
    assert_eq!(
        routed(&mut gov, &call),
        Some(Err(InvalidSeat { seat: 5 }.abi_encode()))
    );
    let mut wide = call.clone();
    wide[4 + 62] = 1;
    assert_eq!(routed(&mut gov, &wide), Some(Err(Vec::new())));
    assert_eq!(status_of(&gov, 1), status::TIMELOCKED);
    assert_eq!(ok(gov.proposal(u(1))).6, 0);
}

/// A fresh setup with proposal 1 of `actions` accepted, at the end of its voting.
fn executable_at_end(actions: Vec<(Address, U256, Bytes)>) -> (Chain, Governance) {
    let (chain, mut gov) = setup();
    let id = propose(&chain, &mut gov, actions);
    for voter in [BOB, CAROL, DAVE] {
        vote(&chain, &mut gov, id, voter, nxm(600), true);
    }
    at(&chain, END);
    (chain, gov)
}

// ----- execution -----

#[test]
fn execute_calls_every_action_in_order_with_its_value() {
    let long_data: Vec<u8> = (0..100u8).collect();
    let actions = vec![
        ordinary_action(),
        (POOL, nxm(2), Bytes::new()),
        (RAMM, u(7), Bytes::from(long_data)),
    ];
    let (chain, mut gov) = setup();
    let id = executable(&chain, &mut gov, actions.clone());
    for (target, value, data) in &actions {
        chain
            .mock
            .mock_call(*target, data.to_vec(), *value, Ok(vec![0x01]));
    }
    chain.vm().set_sender(STRANGER);
    let needed = nxm(2) + u(7);
    for sent in [U256::ZERO, needed - u(1), needed + u(1)] {
        chain.vm().set_value(sent);
        rejects(
            &chain,
            ValueMismatch {
                valueEth: sent,
                neededEth: needed,
            }
            .abi_encode(),
            || gov.execute(u(id)),
        );
    }
    chain.vm().set_value(needed);
    chain.mock.clear_made();
    ok(gov.execute(u(id)));
    let made: Vec<MadeCall> = actions
        .iter()
        .map(|(target, value, data)| (*target, data.to_vec(), *value, false))
        .collect();
    assert_eq!(chain.mock.made(), made);
    let executed: ProposalExecuted = last_log(&chain);
    assert_eq!((executed.proposalId, executed.executor), (u(id), STRANGER));
    assert_eq!(status_of(&gov, id), status::EXECUTED);
    rejects(&chain, invalid_status(id, status::EXECUTED), || {
        gov.execute(u(id))
    });
}

#[test]
fn execute_needs_an_executable_proposal() {
    let (chain, mut gov) = setup();
    chain.vm().set_sender(STRANGER);
    rejects(&chain, not_found(u(1)), || gov.execute(u(1)));
    let id = propose(&chain, &mut gov, vec![ordinary_action()]);
    rejects(&chain, invalid_status(id, status::VOTING), || {
        gov.execute(u(id))
    });
    for voter in [BOB, CAROL, DAVE] {
        vote(&chain, &mut gov, id, voter, nxm(600), true);
    }
    at(&chain, EXECUTABLE_AT - 1);
    rejects(&chain, invalid_status(id, status::TIMELOCKED), || {
        gov.execute(u(id))
    });
    let defeated = propose(&chain, &mut gov, vec![ordinary_action()]);
    at(&chain, EXECUTABLE_AT + 3 * DAY);
    rejects(&chain, invalid_status(defeated, status::DEFEATED), || {
        gov.execute(u(defeated))
    });
}

#[test]
fn a_failing_action_reverts_the_execution_with_its_index_and_data() {
    let actions = vec![
        ordinary_action(),
        (RAMM, U256::ZERO, Bytes::from(vec![0x12, 0x34])),
        (NFT, U256::ZERO, Bytes::from(vec![0x56])),
    ];
    let (chain, mut gov) = setup();
    let id = executable(&chain, &mut gov, actions.clone());
    chain
        .mock
        .mock_call(POOL, actions[0].2.to_vec(), U256::ZERO, Ok(Vec::new()));
    let revert_data = Unauthorized { caller: GOV }.abi_encode();
    chain
        .mock
        .mock_call(RAMM, vec![0x12, 0x34], U256::ZERO, Err(revert_data.clone()));
    chain.mock.clear_made();
    let failed = revert(gov.execute(u(id)));
    assert_eq!(
        failed,
        ActionFailed {
            index: u(1),
            revertData: Bytes::from(revert_data.clone()),
        }
        .abi_encode()
    );
    let decoded = ActionFailed::abi_decode(&failed).unwrap();
    assert_eq!(
        (decoded.index, decoded.revertData.to_vec()),
        (u(1), revert_data)
    );
    // The third action was never called, and nothing was logged as executed.
    assert_eq!(chain.mock.made().len(), 2);
    assert!(logs_of::<ProposalExecuted>(&chain).is_empty());
    // An action that reverts without data (here: no mock at all) reports its own data too.
    let (chain, mut gov) = setup();
    let id = executable(&chain, &mut gov, vec![(NFT, u(3), Bytes::new())]);
    chain.vm().set_value(u(3));
    assert_eq!(
        revert(gov.execute(u(id))),
        ActionFailed {
            index: U256::ZERO,
            revertData: Bytes::from(UNMOCKED.to_vec()),
        }
        .abi_encode()
    );
}

#[test]
fn the_executed_mark_is_written_before_the_first_call() {
    // TestVM does not roll back: after a failing first action the mark is in storage, so
    // whatever the action called saw the proposal executed.
    let (chain, mut gov) = setup();
    let id = executable(&chain, &mut gov, vec![(NFT, U256::ZERO, Bytes::new())]);
    assert_eq!(
        revert(gov.execute(u(id))).get(..4),
        Some(&ActionFailed::SELECTOR[..])
    );
    assert_eq!(status_of(&gov, id), status::EXECUTED);
}

#[test]
fn a_re_entrant_execute_fails() {
    // The action calls `execute` of the same proposal on governance itself: the inner call
    // (through the deployed router) finds it executed, so the outer execution fails.
    let (chain, mut gov) = setup();
    let reenter = IGovernance::executeCall { proposalId: u(1) };
    let id = executable(
        &chain,
        &mut gov,
        vec![action_of(GOV, U256::ZERO, reenter.clone())],
    );
    let failed = revert(gov.execute(u(id)));
    assert_eq!(
        failed,
        ActionFailed {
            index: U256::ZERO,
            revertData: Bytes::from(invalid_status(id, status::EXECUTED)),
        }
        .abi_encode()
    );
    assert_eq!(
        *chain.self_calls.borrow(),
        vec![(reenter.abi_encode(), U256::ZERO)]
    );
}

#[test]
fn an_executed_proposal_sets_the_protocol_contracts() {
    let (chain, mut gov) = setup();
    let set = IGovernance::setProtocolContractsCall {
        protocolContracts: vec![POOL, NFT],
    };
    let pool_call = ordinary_action();
    let id = executable(
        &chain,
        &mut gov,
        vec![action_of(GOV, U256::ZERO, set.clone()), pool_call.clone()],
    );
    assert!(ok(gov.proposal(u(id))).5, "a special resolution");
    // The second action's target is no protocol contract any more once the first has run;
    // actions already proposed still run.
    chain
        .mock
        .mock_call(POOL, pool_call.2.to_vec(), U256::ZERO, Ok(Vec::new()));
    ok(gov.execute(u(id)));
    assert_eq!(gov.protocol_contracts(), vec![GOV, POOL, NFT]);
    assert!(!gov.is_protocol_contract(MEMBERSHIP));
    assert_eq!(listed(&chain), vec![GOV, POOL, NFT]);
    assert_eq!(chain.self_calls.borrow().len(), 1);
    // A self-call the contract refuses fails the execution with the contract's own error.
    let (chain, mut gov) = setup();
    let bad = IGovernance::setProtocolContractsCall {
        protocolContracts: vec![EMPTY],
    };
    let id = executable(&chain, &mut gov, vec![action_of(GOV, U256::ZERO, bad)]);
    assert_eq!(
        revert(gov.execute(u(id))),
        ActionFailed {
            index: U256::ZERO,
            revertData: Bytes::from(NotAContract { account: EMPTY }.abi_encode()),
        }
        .abi_encode()
    );
}

#[test]
fn action_values_beyond_256_bits_are_refused() {
    let (chain, mut gov) = setup();
    let id = executable(
        &chain,
        &mut gov,
        vec![(POOL, U256::MAX, Bytes::new()), (RAMM, u(1), Bytes::new())],
    );
    chain.vm().set_value(U256::MAX);
    rejects(&chain, MathOverflow {}.abi_encode(), || gov.execute(u(id)));
}

// ----- routing: the ABI as declared -----

fn routed(gov: &mut Governance, data: &[u8]) -> Option<Result<Vec<u8>, Vec<u8>>> {
    let selector = u32::from_be_bytes(data[..4].try_into().unwrap());
    <Governance as Router<Governance>>::route(gov, selector, &data[4..])
}

#[track_caller]
fn route<C: SolCall>(gov: &mut Governance, call: C) -> C::Return {
    let answer = routed(gov, &call.abi_encode())
        .expect("routed")
        .unwrap_or_else(|e| panic!("reverted {e:02x?}"));
    C::abi_decode_returns_validate(&answer).expect("the answer decodes as declared")
}

#[test]
fn every_entrypoint_routes_as_declared() {
    let (chain, mut gov) = setup();
    for selector in IGovernanceCalls::SELECTORS {
        chain.vm().set_sender(STRANGER);
        assert!(
            <Governance as Router<Governance>>::route(&mut gov, u32::from_be_bytes(*selector), &[])
                .is_some(),
            "selector {selector:02x?} is not routed"
        );
    }
    assert_eq!(IGovernanceCalls::SELECTORS.len(), 21);
    assert!(routed(&mut gov, &[0xde, 0xad, 0xbe, 0xef]).is_none());

    // lock, propose (the dynamic arguments), the views of a proposal.
    chain.mock.mock_call(
        TOKEN,
        INxmToken::operatorTransferCall {
            from: ALICE,
            to: GOV,
            amountNxm: nxm(99),
        }
        .abi_encode(),
        U256::ZERO,
        Ok(Vec::new()),
    );
    chain.vm().set_sender(ALICE);
    route(&mut gov, IGovernance::lockCall { amountNxm: nxm(99) });
    let long_data: Vec<u8> = (0..65u8).collect();
    let actions = vec![
        (POOL, u(3), Bytes::from(long_data.clone())),
        (RAMM, U256::ZERO, Bytes::new()),
        special_action(),
    ];
    let id = route(
        &mut gov,
        IGovernance::proposeCall {
            actions: actions.clone(),
            descriptionUri: String::from(URI),
        },
    );
    assert_eq!(id, u(1));
    let p = route(&mut gov, IGovernance::proposalCall { proposalId: id });
    assert_eq!(
        (p._0, p._1, p._2, p._3, p._4, p._5, p._6, p._7),
        (
            ALICE,
            u(START),
            u(END),
            U256::ZERO,
            U256::ZERO,
            true,
            0,
            nxm(10_000)
        )
    );
    let details = route(
        &mut gov,
        IGovernance::proposalDetailsCall { proposalId: id },
    );
    assert_eq!((details._0, details._1.as_str()), (u(3), URI));
    for (index, expected) in actions.iter().enumerate() {
        let a = route(
            &mut gov,
            IGovernance::actionCall {
                proposalId: id,
                index: u(index as u64),
            },
        );
        assert_eq!(&(a._0, a._1, a._2), expected);
    }
    assert_eq!(
        route(&mut gov, IGovernance::proposalStatusCall { proposalId: id }),
        status::VOTING
    );
    // vote, receipt, locked, voteWeight.
    lock(&chain, &mut gov, BOB, nxm(1_499));
    chain.vm().set_sender(BOB);
    route(
        &mut gov,
        IGovernance::voteCall {
            proposalId: id,
            support: true,
        },
    );
    let r = route(
        &mut gov,
        IGovernance::receiptCall {
            proposalId: id,
            voter: BOB,
        },
    );
    assert_eq!((r._0, r._1, r._2), (true, true, nxm(1_500)));
    let l = route(&mut gov, IGovernance::lockedCall { member: BOB });
    assert_eq!((l._0, l._1), (nxm(1_499), u(END)));
    assert_eq!(
        route(
            &mut gov,
            IGovernance::voteWeightCall {
                proposalId: id,
                member: ALICE,
            }
        ),
        nxm(100)
    );
    // veto (a timelocked proposal), then execute with value.
    at(&chain, END);
    chain.vm().set_sender(SEATS[0]);
    route(
        &mut gov,
        IGovernance::vetoCall {
            proposalId: id,
            seat: 0,
        },
    );
    assert_eq!(ok(gov.proposal(id)).6, 1);
    at(&chain, EXECUTABLE_AT);
    for (target, value, data) in &actions {
        chain
            .mock
            .mock_call(*target, data.to_vec(), *value, Ok(Vec::new()));
    }
    chain.vm().set_value(u(3));
    route(&mut gov, IGovernance::executeCall { proposalId: id });
    assert_eq!(status_of(&gov, 1), status::EXECUTED);
    chain.vm().set_value(U256::ZERO);
    // The other views.
    assert_eq!(route(&mut gov, IGovernance::proposalCountCall {}), u(1));
    assert_eq!(
        route(&mut gov, IGovernance::protocolContractsCall {}),
        vec![GOV, MEMBERSHIP, POOL, RAMM, TOKEN, NFT]
    );
    assert!(route(
        &mut gov,
        IGovernance::isProtocolContractCall { account: RAMM }
    ));
    assert!(!route(
        &mut gov,
        IGovernance::isProtocolContractCall { account: STRANGER }
    ));
    assert!(route(
        &mut gov,
        IGovernance::hasMemberStateCall { member: BOB }
    ));
    assert!(!route(
        &mut gov,
        IGovernance::hasMemberStateCall { member: CAROL }
    ));
    assert_eq!(route(&mut gov, IGovernance::daySecsCall {}), u(DAY));
    let c = route(&mut gov, IGovernance::contractsCall {});
    assert_eq!((c._0, c._1), (TOKEN, MEMBERSHIP));
    // unlock; setProtocolContracts (governance itself); initialize (refused: done).
    at(&chain, END + 1);
    chain.mock.mock_call(
        TOKEN,
        INxmToken::transferCall {
            to: BOB,
            amountNxm: nxm(1),
        }
        .abi_encode(),
        U256::ZERO,
        Ok(bool_word(true)),
    );
    chain.vm().set_sender(BOB);
    route(&mut gov, IGovernance::unlockCall { amountNxm: nxm(1) });
    assert_eq!(gov.locked(BOB).0, nxm(1_498));
    chain.vm().set_sender(GOV);
    route(
        &mut gov,
        IGovernance::setProtocolContractsCall {
            protocolContracts: vec![NFT],
        },
    );
    assert_eq!(gov.protocol_contracts(), vec![GOV, NFT]);
    chain.vm().set_sender(INITIALIZER);
    let init = IGovernance::initializeCall {
        nxmToken: TOKEN,
        membership: MEMBERSHIP,
        protocolContracts: vec![POOL],
    };
    assert_eq!(
        routed(&mut gov, &init.abi_encode()),
        Some(Err(AlreadyInitialized {}.abi_encode()))
    );
}

#[test]
fn the_router_routes_initialize_and_the_constructor() {
    let chain = Chain::new();
    chain.vm().set_contract_address(GOV);
    for contract in [TOKEN, MEMBERSHIP, POOL] {
        chain.vm().set_code(contract, vec![0xef, 0xf0, 0x00, 0x00]);
    }
    let mut gov = Governance::from(&chain);
    let args = (INITIALIZER, u(DAY)).abi_encode_params();
    assert_eq!(
        <Governance as Router<Governance>>::constructor(&mut gov, &args).unwrap(),
        Ok(Vec::new())
    );
    // Once.
    assert!(
        <Governance as Router<Governance>>::constructor(&mut gov, &args)
            .unwrap()
            .is_err()
    );
    // Its arguments are checked.
    let fresh = Chain::new();
    let mut other = Governance::from(&fresh);
    let bad = (INITIALIZER, U256::ZERO).abi_encode_params();
    assert_eq!(
        <Governance as Router<Governance>>::constructor(&mut other, &bad).unwrap(),
        Err(InvalidDayLength {
            daySecs: U256::ZERO
        }
        .abi_encode())
    );
    let short = &args[..63];
    let fresh = Chain::new();
    let mut other = Governance::from(&fresh);
    assert_eq!(
        <Governance as Router<Governance>>::constructor(&mut other, short).unwrap(),
        Err(Vec::new())
    );
    chain.vm().set_sender(INITIALIZER);
    route(
        &mut gov,
        IGovernance::initializeCall {
            nxmToken: TOKEN,
            membership: MEMBERSHIP,
            protocolContracts: vec![POOL, POOL],
        },
    );
    assert_eq!(gov.contracts(), (TOKEN, MEMBERSHIP));
    assert_eq!(gov.protocol_contracts(), vec![GOV, POOL]);
}

#[test]
fn the_router_refuses_value_and_malformed_calldata() {
    let (chain, mut gov) = setup();
    // Value: refused by every entrypoint but `execute` (which then checks the amount).
    chain.vm().set_value(u(1));
    chain.vm().set_sender(ALICE);
    for call in [
        IGovernance::lockCall { amountNxm: u(1) }.abi_encode(),
        IGovernance::proposalCountCall {}.abi_encode(),
        IGovernance::vetoCall {
            proposalId: u(1),
            seat: 0,
        }
        .abi_encode(),
    ] {
        assert_eq!(routed(&mut gov, &call), Some(Err(Vec::new())));
    }
    assert_eq!(
        routed(
            &mut gov,
            &IGovernance::executeCall { proposalId: u(1) }.abi_encode()
        ),
        Some(Err(not_found(u(1))))
    );
    chain.vm().set_value(U256::ZERO);
    // Short arguments.
    for call in [
        IGovernance::lockCall { amountNxm: u(1) }.abi_encode(),
        IGovernance::voteCall {
            proposalId: u(1),
            support: true,
        }
        .abi_encode(),
        IGovernance::receiptCall {
            proposalId: u(1),
            voter: ALICE,
        }
        .abi_encode(),
    ] {
        assert_eq!(
            routed(&mut gov, &call[..call.len() - 1]),
            Some(Err(Vec::new()))
        );
    }
    // An address with high bits, a bool above 1.
    let mut receipt = IGovernance::receiptCall {
        proposalId: u(1),
        voter: ALICE,
    }
    .abi_encode();
    receipt[4 + 32 + 11] = 1;
    assert_eq!(routed(&mut gov, &receipt), Some(Err(Vec::new())));
    let mut vote_call = IGovernance::voteCall {
        proposalId: u(1),
        support: true,
    }
    .abi_encode();
    vote_call[4 + 63] = 2;
    assert_eq!(routed(&mut gov, &vote_call), Some(Err(Vec::new())));
    // Dynamic arguments: every truncation of a valid `propose` and `setProtocolContracts`
    // is refused before anything runs (nothing is logged or stored).
    let propose = IGovernance::proposeCall {
        actions: vec![ordinary_action(), (RAMM, u(1), Bytes::from(vec![7u8; 40]))],
        descriptionUri: String::from(URI),
    }
    .abi_encode();
    let set = IGovernance::setProtocolContractsCall {
        protocolContracts: vec![POOL, RAMM],
    }
    .abi_encode();
    chain.vm().set_sender(GOV);
    for call in [&propose, &set] {
        for len in 4..call.len() {
            let before = (storage(&chain), chain.vm().get_emitted_logs().len());
            let answer = routed(&mut gov, &call[..len]);
            // A truncation that only cuts the last word's zero padding still decodes.
            if answer != Some(Err(Vec::new())) {
                assert!(call[len..].iter().all(|b| *b == 0), "length {len}");
                continue;
            }
            assert_eq!(
                (storage(&chain), chain.vm().get_emitted_logs().len()),
                before
            );
        }
    }
    // Offsets and lengths beyond the data.
    let huge = words(&[U256::MAX]);
    assert!(Args(&huge).addresses(0).is_err());
    let mut bad_length = words(&[u(32), u(3)]);
    bad_length.extend(words(&[address_word(POOL), address_word(RAMM)]));
    assert!(Args(&bad_length).addresses(0).is_err());
    bad_length.extend(words(&[address_word(NFT)]));
    assert_eq!(ok(Args(&bad_length).addresses(0)), vec![POOL, RAMM, NFT]);
    let mut dirty = bad_length.clone();
    dirty[64] = 1;
    assert!(Args(&dirty).addresses(0).is_err());
    // An action whose data offset points outside.
    let mut actions = words(&[u(64), u(0), u(1), u(32), address_word(POOL), u(0), u(9_999)]);
    assert!(Args(&actions).actions(0).is_err());
    actions.truncate(32 * 6);
    actions.extend(words(&[u(96), u(2)]));
    actions.extend(vec![0xaa, 0xbb]);
    let decoded = ok(Args(&actions).actions(0));
    assert_eq!(decoded, vec![(POOL, U256::ZERO, &[0xaa, 0xbb][..])]);
}
