//! A test host around stylus-sdk's `TestVM` for the contracts' unit tests (a dev-dependency
//! only, never part of a contract's WASM). Its cross-contract calls answer with the data of the
//! mock they hit (`TestVM` hands every call the data of the mock registered last), record every
//! call made, in order, and revert with [`UNMOCKED`] when no mock matches, so a test sees any
//! call it did not expect. Everything else (storage, logs, block, sender, value, code) is
//! `TestVM`'s.
//!
//! A contract under test is built on it with `Contract::from(&host)`; `host.vm` sets the block,
//! the sender, the value and code, and reads storage and logs.

use std::{cell::RefCell, collections::HashMap, rc::Rc};

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::{
    stylus_core::host::{
        AccountAccess, BlockAccess, CalldataAccess, ChainAccess, CryptographyAccess, Host,
        MemoryAccess, MessageAccess, MeteringAccess, RawLogAccess, StorageAccess, UnsafeCallAccess,
        UnsafeDeploymentAccess,
    },
    testing::TestVM,
};

/// The revert data of a call no mock matches.
pub const UNMOCKED: &[u8] = b"unmocked call";

/// One call the contract made: `(to, calldata, value, static)`.
pub type MadeCall = (Address, Vec<u8>, U256, bool);

/// A mocked answer: return data, or revert data.
type Answer = Result<Vec<u8>, Vec<u8>>;

#[derive(Default)]
struct Mocks {
    /// Answers of state-changing calls (and ETH transfers) by `(to, calldata, value)`.
    calls: HashMap<(Address, Vec<u8>, U256), Answer>,
    /// Answers of static calls by `(to, calldata)`.
    statics: HashMap<(Address, Vec<u8>), Answer>,
    /// The return data of the last call.
    return_data: Vec<u8>,
    /// Every call made, in order.
    made: Vec<MadeCall>,
}

/// `TestVM` with exact, per-call mock answers.
#[derive(Clone)]
pub struct MockHost {
    /// The wrapped `TestVM`: block, sender, value, code, storage and logs.
    pub vm: TestVM,
    mocks: Rc<RefCell<Mocks>>,
}

impl Default for MockHost {
    fn default() -> Self {
        Self::new()
    }
}

impl MockHost {
    /// A fresh `TestVM` without mocks.
    pub fn new() -> Self {
        Self {
            vm: TestVM::default(),
            mocks: Rc::default(),
        }
    }

    /// Answers a state-changing call (or an ETH transfer, with empty calldata).
    pub fn mock_call(
        &self,
        to: Address,
        data: Vec<u8>,
        value: U256,
        answer: Result<Vec<u8>, Vec<u8>>,
    ) {
        self.mocks
            .borrow_mut()
            .calls
            .insert((to, data, value), answer);
    }

    /// Answers a static call.
    pub fn mock_static(&self, to: Address, data: Vec<u8>, answer: Result<Vec<u8>, Vec<u8>>) {
        self.mocks.borrow_mut().statics.insert((to, data), answer);
    }

    /// Every call made so far, in order.
    pub fn made(&self) -> Vec<MadeCall> {
        self.mocks.borrow().made.clone()
    }

    /// Forgets the calls made so far.
    pub fn clear_made(&self) {
        self.mocks.borrow_mut().made.clear();
    }

    /// Runs a call: records it, looks its answer up, keeps the answer as return data.
    fn answer(
        &self,
        to: Address,
        data: Vec<u8>,
        value: U256,
        is_static: bool,
        outs_len: &mut usize,
    ) -> u8 {
        let mut mocks = self.mocks.borrow_mut();
        mocks.made.push((to, data.clone(), value, is_static));
        let found = if is_static {
            mocks.statics.get(&(to, data)).cloned()
        } else {
            mocks.calls.get(&(to, data, value)).cloned()
        };
        let (status, bytes) = match found.unwrap_or_else(|| Err(UNMOCKED.to_vec())) {
            Ok(bytes) => (0, bytes),
            Err(bytes) => (1, bytes),
        };
        *outs_len = bytes.len();
        mocks.return_data = bytes;
        status
    }
}

impl Host for MockHost {}

impl CryptographyAccess for MockHost {
    fn native_keccak256(&self, input: &[u8]) -> B256 {
        self.vm.native_keccak256(input)
    }
}

impl CalldataAccess for MockHost {
    fn read_args(&self, len: usize) -> Vec<u8> {
        self.vm.read_args(len)
    }
    fn read_return_data(&self, offset: usize, size: Option<usize>) -> Vec<u8> {
        let mocks = self.mocks.borrow();
        let data = &mocks.return_data;
        let start = offset.min(data.len());
        let end = size.map_or(data.len(), |size| (start + size).min(data.len()));
        data[start..end].to_vec()
    }
    fn return_data_size(&self) -> usize {
        self.mocks.borrow().return_data.len()
    }
    fn write_result(&self, data: &[u8]) {
        self.vm.write_result(data)
    }
}

unsafe impl UnsafeDeploymentAccess for MockHost {
    unsafe fn create1(
        &self,
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        contract: *mut u8,
        revert_data_len: *mut usize,
    ) {
        unsafe {
            self.vm
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
            self.vm
                .create2(code, code_len, endowment, salt, contract, revert_data_len)
        }
    }
}

impl StorageAccess for MockHost {
    fn storage_load_bytes32(&self, key: U256) -> B256 {
        self.vm.storage_load_bytes32(key)
    }
    unsafe fn storage_cache_bytes32(&self, key: U256, value: B256) {
        unsafe { self.vm.storage_cache_bytes32(key, value) }
    }
    fn flush_cache(&self, clear: bool) {
        self.vm.flush_cache(clear)
    }
}

unsafe impl UnsafeCallAccess for MockHost {
    unsafe fn call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        value: *const u8,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        let (to, data, value) = unsafe {
            (
                Address::from_slice(std::slice::from_raw_parts(to, 20)),
                std::slice::from_raw_parts(data, data_len).to_vec(),
                U256::from_be_slice(std::slice::from_raw_parts(value, 32)),
            )
        };
        self.answer(to, data, value, false, outs_len)
    }
    unsafe fn static_call_contract(
        &self,
        to: *const u8,
        data: *const u8,
        data_len: usize,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        let (to, data) = unsafe {
            (
                Address::from_slice(std::slice::from_raw_parts(to, 20)),
                std::slice::from_raw_parts(data, data_len).to_vec(),
            )
        };
        self.answer(to, data, U256::ZERO, true, outs_len)
    }
    unsafe fn delegate_call_contract(
        &self,
        _to: *const u8,
        _data: *const u8,
        _data_len: usize,
        _gas: u64,
        outs_len: &mut usize,
    ) -> u8 {
        *outs_len = 0;
        panic!("the contract makes no delegate calls")
    }
}

impl BlockAccess for MockHost {
    fn block_basefee(&self) -> U256 {
        self.vm.block_basefee()
    }
    fn block_coinbase(&self) -> Address {
        self.vm.block_coinbase()
    }
    fn block_number(&self) -> u64 {
        self.vm.block_number()
    }
    fn block_timestamp(&self) -> u64 {
        self.vm.block_timestamp()
    }
    fn block_gas_limit(&self) -> u64 {
        self.vm.block_gas_limit()
    }
}

impl ChainAccess for MockHost {
    fn chain_id(&self) -> u64 {
        self.vm.chain_id()
    }
}

impl AccountAccess for MockHost {
    fn balance(&self, account: Address) -> U256 {
        self.vm.balance(account)
    }
    fn contract_address(&self) -> Address {
        self.vm.contract_address()
    }
    fn code(&self, account: Address) -> Vec<u8> {
        self.vm.code(account)
    }
    fn code_size(&self, account: Address) -> usize {
        self.vm.code_size(account)
    }
    fn code_hash(&self, account: Address) -> B256 {
        self.vm.code_hash(account)
    }
}

impl MemoryAccess for MockHost {
    fn pay_for_memory_grow(&self, pages: u16) {
        self.vm.pay_for_memory_grow(pages)
    }
}

impl MessageAccess for MockHost {
    fn msg_sender(&self) -> Address {
        self.vm.msg_sender()
    }
    fn msg_reentrant(&self) -> bool {
        self.vm.msg_reentrant()
    }
    fn msg_value(&self) -> U256 {
        self.vm.msg_value()
    }
    fn tx_origin(&self) -> Address {
        self.vm.tx_origin()
    }
}

impl MeteringAccess for MockHost {
    fn evm_gas_left(&self) -> u64 {
        self.vm.evm_gas_left()
    }
    fn evm_ink_left(&self) -> u64 {
        self.vm.evm_ink_left()
    }
    fn tx_gas_price(&self) -> U256 {
        self.vm.tx_gas_price()
    }
    fn tx_ink_price(&self) -> u32 {
        self.vm.tx_ink_price()
    }
}

impl RawLogAccess for MockHost {
    fn emit_log(&self, input: &[u8], num_topics: usize) {
        self.vm.emit_log(input, num_topics)
    }
    fn raw_log(&self, topics: &[B256], data: &[u8]) -> Result<(), &'static str> {
        self.vm.raw_log(topics, data)
    }
}
