//! Accounts, storage, transient storage, logs, access lists and the journal that undoes a failed
//! frame's changes.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use stylus_activation::{ActivatedProgram, DataPricer};

use crate::chain::ACTIVATION_EPOCH_SECS;

/// keccak256 of empty code (the EVM's codehash of an existing account without code).
pub const EMPTY_CODE_HASH: B256 =
    alloy_primitives::b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

/// One account of the world state.
#[derive(Debug, Clone, Default)]
pub struct Account {
    /// Balance in wei.
    pub balance_wei: U256,
    /// Transaction / creation nonce.
    pub nonce: u64,
    /// Contract code (empty for EOAs).
    pub code: Bytes,
    /// keccak256 of `code`.
    pub code_hash: B256,
    /// Persistent storage.
    pub storage: HashMap<U256, U256>,
}

impl Account {
    /// EIP-161 emptiness: no code, zero nonce and zero balance.
    pub fn is_empty(&self) -> bool {
        self.code.is_empty() && self.nonce == 0 && self.balance_wei.is_zero()
    }
}

/// What is saved per codehash at activation (§1.5).
#[derive(Debug, Clone)]
pub struct ProgramRecord {
    /// Activation output (costs, footprint, instrumented module).
    pub program: Arc<ActivatedProgram>,
    /// Stylus version activated under.
    pub version: u16,
    /// `⌊(now − 1421388000)/3600⌋` at activation.
    pub activated_at_hours: u64,
    /// Whether a cache manager cached the codehash through ArbWasmCache (§1.7, §7): calls then
    /// pay only the cached init charge.
    pub cached: bool,
}

impl ProgramRecord {
    /// Seconds since activation at `now_secs` (§1.7).
    pub fn age_secs(&self, now_secs: u64) -> u64 {
        now_secs.saturating_sub(ACTIVATION_EPOCH_SECS + 3_600 * self.activated_at_hours)
    }
}

/// One undoable change.
#[derive(Debug, Clone)]
enum JournalEntry {
    AccountCreated(Address),
    Balance(Address, U256),
    Nonce(Address, u64),
    Code(Address, Bytes, B256),
    Storage(Address, U256, U256),
    Transient(Address, U256, U256),
    WarmAddress(Address),
    WarmSlot(Address, U256),
    Refund(i64),
    Program(B256, Option<ProgramRecord>),
    Pricer(DataPricer),
}

/// A position in the journal and the log list to revert to.
#[derive(Debug, Clone, Copy)]
pub struct Checkpoint {
    journal_len: usize,
    logs_len: usize,
}

/// The world state (accounts and the ArbOS program table and data pricer) with a journal of
/// changes made since the transaction started.
#[derive(Debug, Clone)]
pub struct WorldState {
    programs: HashMap<B256, ProgramRecord>,
    pricer: DataPricer,
    accounts: HashMap<Address, Account>,
    journal: Vec<JournalEntry>,
    logs: Vec<Log>,
    transient: HashMap<(Address, U256), U256>,
    warm_addresses: HashSet<Address>,
    warm_slots: HashSet<(Address, U256)>,
    /// Value of each slot at transaction start, recorded before its first change (EIP-2200).
    originals: HashMap<(Address, U256), U256>,
    refund_gas: i64,
}

impl WorldState {
    /// An empty state with the given data pricer.
    pub fn new(pricer: DataPricer) -> Self {
        Self {
            programs: HashMap::new(),
            pricer,
            accounts: HashMap::new(),
            journal: Vec::new(),
            logs: Vec::new(),
            transient: HashMap::new(),
            warm_addresses: HashSet::new(),
            warm_slots: HashSet::new(),
            originals: HashMap::new(),
            refund_gas: 0,
        }
    }

    /// The activation record of `codehash`.
    pub fn program(&self, codehash: B256) -> Option<&ProgramRecord> {
        self.programs.get(&codehash)
    }

    /// Saves an activation record (journaled).
    pub fn set_program(&mut self, codehash: B256, record: ProgramRecord) {
        let old = self.programs.insert(codehash, record);
        self.journal.push(JournalEntry::Program(codehash, old));
    }

    /// The data-fee pricer (§1.6).
    pub fn pricer(&self) -> &DataPricer {
        &self.pricer
    }

    /// Replaces the pricer (journaled).
    pub fn set_pricer(&mut self, pricer: DataPricer) {
        let old = std::mem::replace(&mut self.pricer, pricer);
        self.journal.push(JournalEntry::Pricer(old));
    }

    /// The account at `address`, if it exists.
    pub fn account(&self, address: Address) -> Option<&Account> {
        self.accounts.get(&address)
    }

    /// Whether the account exists and is not EIP-161-empty.
    pub fn is_empty(&self, address: Address) -> bool {
        self.accounts.get(&address).is_none_or(Account::is_empty)
    }

    fn account_mut(&mut self, address: Address) -> &mut Account {
        if !self.accounts.contains_key(&address) {
            self.journal.push(JournalEntry::AccountCreated(address));
        }
        self.accounts.entry(address).or_insert_with(|| Account {
            code_hash: EMPTY_CODE_HASH,
            ..Account::default()
        })
    }

    /// Balance of `address` in wei (0 if absent).
    pub fn balance_wei(&self, address: Address) -> U256 {
        self.accounts
            .get(&address)
            .map_or(U256::ZERO, |a| a.balance_wei)
    }

    /// Sets a balance (journaled).
    pub fn set_balance_wei(&mut self, address: Address, balance_wei: U256) {
        let account = self.account_mut(address);
        let old = std::mem::replace(&mut account.balance_wei, balance_wei);
        self.journal.push(JournalEntry::Balance(address, old));
    }

    /// Moves `value_wei` from `from` to `to`; `Err(balance)` if `from` holds less.
    pub fn transfer(&mut self, from: Address, to: Address, value_wei: U256) -> Result<(), U256> {
        let have = self.balance_wei(from);
        if have < value_wei {
            return Err(have);
        }
        self.set_balance_wei(from, have - value_wei);
        let to_balance = self.balance_wei(to);
        self.set_balance_wei(to, to_balance + value_wei);
        Ok(())
    }

    /// Nonce of `address`.
    pub fn nonce(&self, address: Address) -> u64 {
        self.accounts.get(&address).map_or(0, |a| a.nonce)
    }

    /// Sets a nonce (journaled).
    pub fn set_nonce(&mut self, address: Address, nonce: u64) {
        let account = self.account_mut(address);
        let old = std::mem::replace(&mut account.nonce, nonce);
        self.journal.push(JournalEntry::Nonce(address, old));
    }

    /// Code of `address` (empty if absent).
    pub fn code(&self, address: Address) -> Bytes {
        self.accounts
            .get(&address)
            .map_or_else(Bytes::new, |a| a.code.clone())
    }

    /// EXTCODEHASH semantics: 0 for a non-existent or EIP-161-empty account, else keccak(code).
    pub fn ext_code_hash(&self, address: Address) -> B256 {
        match self.accounts.get(&address) {
            Some(account) if !account.is_empty() => account.code_hash,
            _ => B256::ZERO,
        }
    }

    /// Sets code (journaled).
    pub fn set_code(&mut self, address: Address, code: Bytes) {
        let code_hash = keccak256(&code);
        let account = self.account_mut(address);
        let old_code = std::mem::replace(&mut account.code, code);
        let old_hash = std::mem::replace(&mut account.code_hash, code_hash);
        self.journal
            .push(JournalEntry::Code(address, old_code, old_hash));
    }

    /// Current storage value.
    pub fn storage(&self, address: Address, key: U256) -> U256 {
        self.accounts
            .get(&address)
            .and_then(|a| a.storage.get(&key).copied())
            .unwrap_or(U256::ZERO)
    }

    /// Storage value at transaction start (EIP-2200 "original").
    pub fn original_storage(&self, address: Address, key: U256) -> U256 {
        self.originals
            .get(&(address, key))
            .copied()
            .unwrap_or_else(|| self.storage(address, key))
    }

    /// Writes storage (journaled).
    pub fn set_storage(&mut self, address: Address, key: U256, value: U256) {
        let current = self.storage(address, key);
        self.originals.entry((address, key)).or_insert(current);
        let account = self.account_mut(address);
        if value.is_zero() {
            account.storage.remove(&key);
        } else {
            account.storage.insert(key, value);
        }
        self.journal
            .push(JournalEntry::Storage(address, key, current));
    }

    /// Transient storage value (EIP-1153).
    pub fn transient(&self, address: Address, key: U256) -> U256 {
        self.transient
            .get(&(address, key))
            .copied()
            .unwrap_or(U256::ZERO)
    }

    /// Writes transient storage (journaled).
    pub fn set_transient(&mut self, address: Address, key: U256, value: U256) {
        let old = self.transient(address, key);
        self.transient.insert((address, key), value);
        self.journal
            .push(JournalEntry::Transient(address, key, old));
    }

    /// Adds `address` to the access list; returns whether it was cold.
    pub fn warm_address(&mut self, address: Address) -> bool {
        let cold = self.warm_addresses.insert(address);
        if cold {
            self.journal.push(JournalEntry::WarmAddress(address));
        }
        cold
    }

    /// Adds a storage slot to the access list; returns whether it was cold.
    pub fn warm_slot(&mut self, address: Address, key: U256) -> bool {
        let cold = self.warm_slots.insert((address, key));
        if cold {
            self.journal.push(JournalEntry::WarmSlot(address, key));
        }
        cold
    }

    /// The transaction's refund counter (gas).
    pub fn refund_gas(&self) -> i64 {
        self.refund_gas
    }

    /// Changes the refund counter (journaled).
    pub fn add_refund_gas(&mut self, delta_gas: i64) {
        if delta_gas != 0 {
            self.journal.push(JournalEntry::Refund(self.refund_gas));
            self.refund_gas += delta_gas;
        }
    }

    /// Appends a log (removed again by a revert past it).
    pub fn push_log(&mut self, log: Log) {
        self.logs.push(log);
    }

    /// The current journal position.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            journal_len: self.journal.len(),
            logs_len: self.logs.len(),
        }
    }

    /// Undoes every change made after `checkpoint`.
    pub fn revert_to(&mut self, checkpoint: Checkpoint) {
        while self.journal.len() > checkpoint.journal_len {
            let Some(entry) = self.journal.pop() else {
                break;
            };
            match entry {
                JournalEntry::AccountCreated(address) => {
                    self.accounts.remove(&address);
                }
                JournalEntry::Balance(address, old) => {
                    if let Some(account) = self.accounts.get_mut(&address) {
                        account.balance_wei = old;
                    }
                }
                JournalEntry::Nonce(address, old) => {
                    if let Some(account) = self.accounts.get_mut(&address) {
                        account.nonce = old;
                    }
                }
                JournalEntry::Code(address, code, hash) => {
                    if let Some(account) = self.accounts.get_mut(&address) {
                        account.code = code;
                        account.code_hash = hash;
                    }
                }
                JournalEntry::Storage(address, key, old) => {
                    if let Some(account) = self.accounts.get_mut(&address) {
                        if old.is_zero() {
                            account.storage.remove(&key);
                        } else {
                            account.storage.insert(key, old);
                        }
                    }
                }
                JournalEntry::Transient(address, key, old) => {
                    self.transient.insert((address, key), old);
                }
                JournalEntry::WarmAddress(address) => {
                    self.warm_addresses.remove(&address);
                }
                JournalEntry::WarmSlot(address, key) => {
                    self.warm_slots.remove(&(address, key));
                }
                JournalEntry::Refund(old) => self.refund_gas = old,
                JournalEntry::Program(codehash, old) => match old {
                    Some(record) => {
                        self.programs.insert(codehash, record);
                    }
                    None => {
                        self.programs.remove(&codehash);
                    }
                },
                JournalEntry::Pricer(old) => self.pricer = old,
            }
        }
        self.logs.truncate(checkpoint.logs_len);
    }

    /// Starts a transaction: empty journal, logs, transient storage, access lists and refunds.
    pub fn begin_tx(&mut self) {
        self.journal.clear();
        self.logs.clear();
        self.transient.clear();
        self.warm_addresses.clear();
        self.warm_slots.clear();
        self.originals.clear();
        self.refund_gas = 0;
    }

    /// Takes the transaction's logs, leaving none.
    pub fn take_logs(&mut self) -> Vec<Log> {
        std::mem::take(&mut self.logs)
    }

    /// Sets every stored slot of `address` to zero (journaled; a full storage override).
    pub fn clear_storage(&mut self, address: Address) {
        let keys: Vec<U256> = self
            .accounts
            .get(&address)
            .map(|a| a.storage.keys().copied().collect())
            .unwrap_or_default();
        for key in keys {
            self.set_storage(address, key, U256::ZERO);
        }
    }

    /// Forgets the EIP-2200 originals recorded so far, so that the current values count as the
    /// transaction's starting values (after state overrides are applied).
    pub fn reset_originals(&mut self) {
        self.originals.clear();
    }

    /// Every account, in no particular order.
    pub fn accounts(&self) -> impl Iterator<Item = (&Address, &Account)> {
        self.accounts.iter()
    }

    /// Every activation record, in no particular order.
    pub fn programs(&self) -> impl Iterator<Item = (&B256, &ProgramRecord)> {
        self.programs.iter()
    }

    /// Replaces the whole account at `address` (loading a saved state; not journaled).
    pub fn put_account(&mut self, address: Address, account: Account) {
        self.accounts.insert(address, account);
    }

    /// Replaces the activation record of `codehash` (loading a saved state; not journaled).
    pub fn put_program(&mut self, codehash: B256, record: ProgramRecord) {
        self.programs.insert(codehash, record);
    }

    /// Replaces the data pricer (loading a saved state; not journaled).
    pub fn put_pricer(&mut self, pricer: DataPricer) {
        self.pricer = pricer;
    }
}
