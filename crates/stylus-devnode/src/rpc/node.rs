//! The chain behind the server: a [`Devnode`] plus the ledger of blocks, transactions and
//! receipts, the clock, mining (a block per transaction, or every `--block-time` seconds),
//! snapshots and the state file.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use alloy_consensus::transaction::SignerRecoverable;
use alloy_consensus::{
    SignableTransaction, Transaction as _, TxEip1559, TxEip2930, TxEnvelope, TxLegacy,
};
use alloy_eips::eip2718::Decodable2718;
use alloy_eips::eip2930::AccessList;
use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_rpc_types_eth::state::StateOverride;
use alloy_rpc_types_eth::{
    Block, FeeHistory, Filter, FilterBlockOption, Log as RpcLog, Transaction, TransactionReceipt,
    TransactionRequest,
};
use alloy_signer::SignerSync;
use alloy_sol_types::SolError;
use serde::{Deserialize, Serialize};

use super::accounts::{dev_accounts, DevAccount};
use super::ledger::{self, Ledger, StoredReceipt, TxRecord};
use crate::{
    AccountOverride, Devnode, ExecError, Receipt, SavedState, Snapshot, TxRequest,
    DEFAULT_TX_GAS_LIMIT,
};

/// Chain id of the devnode (Nitro's dev chain).
pub const CHAIN_ID: u64 = 412_346;
/// The fixed base fee: 0.1 gwei, Arbitrum's minimum.
pub const BASE_FEE_WEI: u64 = 100_000_000;
/// Gas limit of a transaction and default gas of `eth_call` / `eth_estimateGas` (32M, Arbitrum's
/// per-transaction limit).
pub const MAX_TX_GAS: u64 = DEFAULT_TX_GAS_LIMIT;
/// The latest timestamp the clock accepts (year 5138): keeps time arithmetic far from overflow.
pub const MAX_TIMESTAMP_SECS: u64 = 100_000_000_000;
/// The default prefund of each dev account: 100 000 ETH.
pub fn default_dev_balance_wei() -> U256 {
    U256::from(100_000u64) * U256::from(10u64).pow(U256::from(18u64))
}

/// A failure the server reports as a JSON-RPC error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RpcError {
    /// Execution reverted (code 3, `data` = the revert data).
    Revert {
        /// Revert data.
        data: Bytes,
        /// "execution reverted" with the decoded `Error(string)` reason, if any.
        message: String,
    },
    /// A rejected transaction or a failed execution (code -32000, geth's server error).
    Server(String),
    /// Parameters that do not describe a valid request (code -32602).
    InvalidParams(String),
}

impl RpcError {
    fn server(message: impl Into<String>) -> Self {
        Self::Server(message.into())
    }

    /// The JSON-RPC error code.
    pub fn code(&self) -> i32 {
        match self {
            Self::Revert { .. } => 3,
            Self::Server(_) => -32_000,
            Self::InvalidParams(_) => -32_602,
        }
    }

    fn from_failed(receipt: &Receipt) -> Self {
        match &receipt.error {
            // Stylus traps and hostio failures look like empty reverts on Nitro.
            None | Some(ExecError::Trap(_)) | Some(ExecError::HostioFailure { .. }) => {
                let message = match alloy_sol_types::Revert::abi_decode(&receipt.return_data) {
                    Ok(revert) => format!("execution reverted: {}", revert.reason),
                    Err(_) => "execution reverted".to_string(),
                };
                Self::Revert {
                    data: receipt.return_data.clone(),
                    message,
                }
            }
            Some(error) => Self::Server(error.to_string()),
        }
    }
}

/// Where a mined transaction's receipt or a block came from: the clock of the node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Clock {
    /// Seconds added to the wall clock (`evm_increaseTime`, `evm_setNextBlockTimestamp`).
    offset_secs: i64,
    /// Exact timestamp of the next block (`evm_setNextBlockTimestamp`).
    next_timestamp: Option<u64>,
}

fn wall_clock_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Clock {
    fn now(&self) -> u64 {
        (wall_clock_secs() as i64)
            .saturating_add(self.offset_secs)
            .max(0) as u64
    }

    /// The next block's timestamp: never before its parent's (Arbitrum blocks may share one).
    fn next_block_timestamp(&mut self, parent: u64) -> u64 {
        let timestamp = self.peek_next_block_timestamp(parent);
        self.next_timestamp = None;
        timestamp
    }

    /// What [`Clock::next_block_timestamp`] would answer now, without consuming a set time.
    fn peek_next_block_timestamp(&self, parent: u64) -> u64 {
        self.next_timestamp
            .unwrap_or_else(|| self.now())
            .max(parent)
    }
}

/// The block being filled in `--block-time` mode.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PendingBlock {
    number: u64,
    timestamp: u64,
    txs: Vec<TxRecord>,
}

impl PendingBlock {
    fn gas_used(&self) -> u64 {
        self.txs.last().map_or(0, |r| r.receipt.cumulative_gas_used)
    }

    fn log_count(&self) -> u64 {
        self.txs.last().map_or(0, |r| {
            r.receipt.first_log_index + r.receipt.logs.len() as u64
        })
    }
}

struct NodeSnapshot {
    devnode: Snapshot,
    head: u64,
    clock: Clock,
    pending: Option<PendingBlock>,
}

/// What `--state FILE` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedNode {
    /// The devnode's state.
    pub state: SavedState,
    /// Every block and transaction.
    pub ledger: Ledger,
    clock: Clock,
}

/// The server's chain.
pub struct RpcNode {
    devnode: Devnode,
    ledger: Ledger,
    clock: Clock,
    automine: bool,
    pending: Option<PendingBlock>,
    snapshots: BTreeMap<u64, NodeSnapshot>,
    next_snapshot: u64,
}

/// Fields of a transaction the server checks and runs, from a signed envelope.
struct Incoming {
    envelope: TxEnvelope,
    from: Address,
}

fn access_list_pairs(list: Option<&AccessList>) -> Vec<(Address, Vec<B256>)> {
    list.map(|l| {
        l.0.iter()
            .map(|item| (item.address, item.storage_keys.clone()))
            .collect()
    })
    .unwrap_or_default()
}

fn to_overrides(overrides: Option<StateOverride>) -> Vec<(Address, AccountOverride)> {
    let Some(overrides) = overrides else {
        return Vec::new();
    };
    let slots = |map: alloy_primitives::map::B256HashMap<B256>| -> Vec<(U256, U256)> {
        map.into_iter()
            .map(|(k, v)| (U256::from_be_bytes(k.0), U256::from_be_bytes(v.0)))
            .collect()
    };
    overrides
        .into_iter()
        .map(|(address, o)| {
            let converted = AccountOverride {
                balance_wei: o.balance,
                nonce: o.nonce,
                code: o.code,
                storage: o.state.map(slots),
                storage_diff: o.state_diff.map(slots).unwrap_or_default(),
            };
            (address, converted)
        })
        .collect()
}

impl RpcNode {
    /// A fresh chain: genesis now, the dev accounts funded with `balance_wei` each; a block per
    /// transaction unless `automine` is false (then [`RpcNode::mine`] seals blocks).
    pub fn new(balance_wei: U256, automine: bool) -> Self {
        let mut devnode = Devnode::new();
        for account in dev_accounts() {
            devnode.fund(account.address, balance_wei);
        }
        devnode.set_basefee_wei(U256::from(BASE_FEE_WEI));
        let clock = Clock::default();
        let genesis_time = clock.now();
        let ledger = Ledger::new(genesis_time, BASE_FEE_WEI, devnode.coinbase());
        Self::assemble(devnode, ledger, clock, automine)
    }

    fn assemble(mut devnode: Devnode, ledger: Ledger, clock: Clock, automine: bool) -> Self {
        devnode.set_block_per_tx(false);
        let head = ledger.head().header.clone();
        devnode.begin_block(head.number, head.timestamp);
        Self {
            devnode,
            ledger,
            clock,
            automine,
            pending: None,
            snapshots: BTreeMap::new(),
            next_snapshot: 1,
        }
    }

    /// A chain loaded from a state file.
    pub fn from_saved(saved: SavedNode, automine: bool) -> Result<Self, String> {
        let mut devnode = Devnode::load_state(&saved.state).map_err(|e| e.to_string())?;
        devnode.set_basefee_wei(U256::from(BASE_FEE_WEI));
        let mut ledger = saved.ledger;
        if ledger.blocks.is_empty() {
            return Err("the state file holds no blocks".into());
        }
        ledger.reindex();
        Ok(Self::assemble(devnode, ledger, saved.clock, automine))
    }

    /// The state file's content; pending transactions are mined first.
    pub fn save(&mut self) -> SavedNode {
        if self.pending.is_some() {
            self.seal_pending();
        }
        SavedNode {
            state: self.devnode.save_state(),
            ledger: self.ledger.clone(),
            clock: self.clock.clone(),
        }
    }

    /// The devnode (for library-level inspection).
    pub fn devnode(&mut self) -> &mut Devnode {
        &mut self.devnode
    }

    /// The latest block number.
    pub fn head_number(&self) -> u64 {
        self.ledger.head().header.number
    }

    fn resolve_number(&self, tag: BlockNumberOrTag) -> u64 {
        match tag {
            BlockNumberOrTag::Earliest => 0,
            BlockNumberOrTag::Number(n) => n,
            BlockNumberOrTag::Latest
            | BlockNumberOrTag::Safe
            | BlockNumberOrTag::Finalized
            | BlockNumberOrTag::Pending => self.head_number(),
        }
    }

    /// Only the latest state is kept: state queries must name it (or the pending block).
    fn check_state_block(&self, block: Option<BlockId>) -> Result<(), RpcError> {
        let head = self.ledger.head();
        let ok = match block {
            None => true,
            Some(BlockId::Number(BlockNumberOrTag::Number(n))) => {
                n == head.header.number || self.pending.as_ref().is_some_and(|p| p.number == n)
            }
            Some(BlockId::Number(BlockNumberOrTag::Earliest)) => head.header.number == 0,
            Some(BlockId::Number(_)) => true,
            Some(BlockId::Hash(hash)) => hash.block_hash == head.hash,
        };
        if ok {
            Ok(())
        } else {
            Err(RpcError::server(
                "historical state is not kept: the devnode answers for the latest block only",
            ))
        }
    }

    /// `eth_getBalance`.
    pub fn balance(&self, address: Address, block: Option<BlockId>) -> Result<U256, RpcError> {
        self.check_state_block(block)?;
        Ok(self.devnode.balance(address))
    }

    /// `eth_getCode`.
    pub fn code(&self, address: Address, block: Option<BlockId>) -> Result<Bytes, RpcError> {
        self.check_state_block(block)?;
        Ok(self.devnode.code(address))
    }

    /// `eth_getStorageAt`.
    pub fn storage(
        &self,
        address: Address,
        slot: U256,
        block: Option<BlockId>,
    ) -> Result<B256, RpcError> {
        self.check_state_block(block)?;
        Ok(B256::from(self.devnode.storage(address, slot)))
    }

    /// `eth_getTransactionCount`: with `pending`, transactions waiting for the next block count.
    pub fn nonce(&self, address: Address, block: Option<BlockId>) -> Result<u64, RpcError> {
        self.check_state_block(block)?;
        let nonce = self.devnode.nonce(address);
        let pending_tag = matches!(block, Some(BlockId::Number(BlockNumberOrTag::Pending)));
        if pending_tag {
            return Ok(nonce);
        }
        let waiting = self.pending.as_ref().map_or(0, |p| {
            p.txs.iter().filter(|r| r.from == address).count() as u64
        });
        Ok(nonce - waiting.min(nonce))
    }

    /// `eth_getBlockByNumber`.
    pub fn block_by_number(&self, tag: BlockNumberOrTag, full: bool) -> Option<Block> {
        let number = self.resolve_number(tag);
        let block = self.ledger.block(number)?;
        Some(ledger::rpc_block(&self.ledger, block, full))
    }

    /// `eth_getBlockByHash`.
    pub fn block_by_hash(&self, hash: B256, full: bool) -> Option<Block> {
        let block = self.ledger.block_by_hash(hash)?;
        Some(ledger::rpc_block(&self.ledger, block, full))
    }

    /// `eth_getTransactionByHash` (pending transactions without block fields).
    pub fn transaction(&self, hash: B256) -> Option<Transaction> {
        if let Some(record) = self.ledger.txs.get(&hash) {
            let block = self.ledger.block(record.block_number);
            return Some(ledger::rpc_transaction(record, block));
        }
        let pending = self.pending.as_ref()?;
        let record = pending.txs.iter().find(|r| r.hash() == hash)?;
        Some(ledger::rpc_transaction(record, None))
    }

    /// `eth_getTransactionReceipt` (`None` until mined).
    pub fn receipt(&self, hash: B256) -> Option<TransactionReceipt> {
        let record = self.ledger.txs.get(&hash)?;
        let block = self.ledger.block(record.block_number)?;
        Some(ledger::rpc_receipt(record, block))
    }

    /// `eth_getLogs`.
    pub fn logs(&self, filter: &Filter) -> Result<Vec<RpcLog>, RpcError> {
        let (from, to) = match filter.block_option {
            FilterBlockOption::AtBlockHash(hash) => {
                let block = self
                    .ledger
                    .block_by_hash(hash)
                    .ok_or_else(|| RpcError::server(format!("unknown block {hash}")))?;
                (block.header.number, block.header.number)
            }
            FilterBlockOption::Range {
                from_block,
                to_block,
            } => {
                let from = self.resolve_number(from_block.unwrap_or_default());
                let to = self.resolve_number(to_block.unwrap_or_default());
                (from, to.min(self.head_number()))
            }
        };
        if from > to {
            if from > self.head_number() {
                return Ok(Vec::new());
            }
            return Err(RpcError::InvalidParams(format!(
                "invalid block range: from {from} is after to {to}"
            )));
        }
        Ok(self.ledger.logs(filter, from, to))
    }

    /// `eth_feeHistory`: the fixed base fee, zero tips (Arbitrum drops them).
    pub fn fee_history(
        &self,
        block_count: u64,
        newest: BlockNumberOrTag,
        percentiles: Option<Vec<f64>>,
    ) -> Result<FeeHistory, RpcError> {
        if let Some(p) = &percentiles {
            let ordered = p.windows(2).all(|w| w[0] <= w[1]);
            if !ordered || p.iter().any(|x| !(0.0..=100.0).contains(x)) {
                return Err(RpcError::InvalidParams(
                    "reward percentiles must be ascending values in 0..=100".into(),
                ));
            }
        }
        let newest = self.resolve_number(newest).min(self.head_number());
        let count = block_count.min(1_024).min(newest + 1);
        let oldest = newest + 1 - count;
        let blocks: Vec<_> = (oldest..=newest)
            .filter_map(|n| self.ledger.block(n))
            .collect();
        Ok(FeeHistory {
            base_fee_per_gas: vec![u128::from(BASE_FEE_WEI); blocks.len() + 1],
            gas_used_ratio: blocks
                .iter()
                .map(|b| b.header.gas_used as f64 / b.header.gas_limit as f64)
                .collect(),
            base_fee_per_blob_gas: Vec::new(),
            blob_gas_used_ratio: Vec::new(),
            oldest_block: if count == 0 { newest } else { oldest },
            reward: percentiles.map(|p| vec![vec![0u128; p.len()]; blocks.len()]),
        })
    }

    /// A call request as a [`TxRequest`]: `gas_cap` when it names no gas; fees are charged
    /// (at the base fee) only when it names a gas price.
    fn call_tx(&self, request: &TransactionRequest, gas_cap: u64) -> Result<TxRequest, RpcError> {
        let data = request
            .input
            .unique_input()
            .map_err(|e| RpcError::InvalidParams(e.to_string()))?
            .cloned()
            .unwrap_or_default();
        let priced = request.gas_price.is_some() || request.max_fee_per_gas.is_some();
        let to = match request.to {
            Some(TxKind::Call(to)) => Some(to),
            Some(TxKind::Create) | None => None,
        };
        Ok(TxRequest {
            from: request.from.unwrap_or_default(),
            to,
            value_wei: request.value.unwrap_or_default(),
            data,
            gas_limit: request.gas.unwrap_or(gas_cap).min(gas_cap),
            gas_price_wei: if priced {
                U256::from(BASE_FEE_WEI)
            } else {
                U256::ZERO
            },
            nonce: None,
            access_list: access_list_pairs(request.access_list.as_ref()),
        })
    }

    /// Runs `simulation` in the block context a transaction sent now would get: the open pending
    /// block's, or else block head + 1 at the clock's time with a fresh recent-programs cache
    /// (the head's context is restored afterwards). Gas and results can depend on the block
    /// time (the RAMM's ratchet does), so estimates are made here.
    fn in_pending_block<T>(&mut self, simulation: impl FnOnce(&mut Self) -> T) -> T {
        if self.pending.is_some() {
            return simulation(self);
        }
        let head = self.ledger.head().header.clone();
        let timestamp = self.clock.peek_next_block_timestamp(head.timestamp);
        self.devnode.begin_block(head.number + 1, timestamp);
        let result = simulation(self);
        self.devnode.begin_block(head.number, head.timestamp);
        result
    }

    /// Whether a call at `block` runs in the pending block's context: an explicit `pending`,
    /// or no block for `eth_estimateGas` (`default_pending`, as anvil estimates).
    fn is_pending(block: Option<BlockId>, default_pending: bool) -> bool {
        match block {
            None => default_pending,
            Some(BlockId::Number(BlockNumberOrTag::Pending)) => true,
            Some(_) => false,
        }
    }

    /// `eth_call`: at the latest block (the default, as geth) or the pending one.
    pub fn call(
        &mut self,
        request: &TransactionRequest,
        block: Option<BlockId>,
        overrides: Option<StateOverride>,
    ) -> Result<Bytes, RpcError> {
        self.check_state_block(block)?;
        let tx = self.call_tx(request, MAX_TX_GAS)?;
        let overrides = to_overrides(overrides);
        let simulate = |node: &mut Self| node.devnode.simulate(&tx, &overrides);
        let receipt = if Self::is_pending(block, false) {
            self.in_pending_block(simulate)
        } else {
            simulate(self)
        }
        .map_err(|e| RpcError::server(e.to_string()))?;
        if receipt.status {
            Ok(receipt.return_data)
        } else {
            Err(RpcError::from_failed(&receipt))
        }
    }

    /// `eth_estimateGas`: the smallest gas limit (within 1.5 %, as geth) at which the
    /// transaction succeeds, by bisection; in the pending block's context unless a block is
    /// named.
    pub fn estimate_gas(
        &mut self,
        request: &TransactionRequest,
        block: Option<BlockId>,
        overrides: Option<StateOverride>,
    ) -> Result<u64, RpcError> {
        self.check_state_block(block)?;
        if Self::is_pending(block, true) {
            return self.in_pending_block(|node| node.estimate_gas_here(request, overrides));
        }
        self.estimate_gas_here(request, overrides)
    }

    /// [`RpcNode::estimate_gas`] in the devnode's current block context.
    fn estimate_gas_here(
        &mut self,
        request: &TransactionRequest,
        overrides: Option<StateOverride>,
    ) -> Result<u64, RpcError> {
        let overrides = to_overrides(overrides);
        let mut tx = self.call_tx(request, MAX_TX_GAS)?;
        if !tx.gas_price_wei.is_zero() {
            // The sender can buy no more gas than its balance pays for.
            let balance = self.devnode.balance(tx.from).saturating_sub(tx.value_wei);
            let affordable = balance / tx.gas_price_wei;
            tx.gas_limit = tx.gas_limit.min(affordable.saturating_to::<u64>());
        }
        let cap = tx.gas_limit;
        let run = |node: &mut Self, gas: u64| -> Result<Receipt, RpcError> {
            let mut attempt = tx.clone();
            attempt.gas_limit = gas;
            node.devnode
                .simulate(&attempt, &overrides)
                .map_err(|e| RpcError::server(e.to_string()))
        };
        let first = run(self, cap)?;
        if !first.status {
            return match first.error {
                Some(ExecError::OutOfGas { .. })
                | Some(ExecError::OutOfInk)
                | Some(ExecError::InitGasExceeded { .. }) => Err(RpcError::server(format!(
                    "gas required exceeds allowance ({cap})"
                ))),
                _ => Err(RpcError::from_failed(&first)),
            };
        }
        let peak = first.gas_used + first.refund_gas;
        let mut lo = peak.saturating_sub(1);
        let mut hi = cap;
        let optimistic = (peak + 2_300).saturating_mul(64) / 63;
        if optimistic < hi {
            match run(self, optimistic) {
                Ok(receipt) if receipt.status => hi = optimistic,
                _ => lo = optimistic,
            }
        }
        while lo + 1 < hi && (hi - lo) * 1_000 / hi > 15 {
            let mid = lo + (hi - lo) / 2;
            match run(self, mid) {
                Ok(receipt) if receipt.status => hi = mid,
                _ => lo = mid,
            }
        }
        Ok(hi)
    }

    /// `eth_sendRawTransaction`.
    pub fn send_raw(&mut self, raw: &[u8]) -> Result<B256, RpcError> {
        let mut bytes = raw;
        let envelope = TxEnvelope::decode_2718(&mut bytes)
            .map_err(|e| RpcError::InvalidParams(format!("invalid transaction encoding: {e}")))?;
        if !bytes.is_empty() {
            return Err(RpcError::InvalidParams(
                "invalid transaction encoding: trailing bytes".into(),
            ));
        }
        if !matches!(
            envelope,
            TxEnvelope::Legacy(_) | TxEnvelope::Eip2930(_) | TxEnvelope::Eip1559(_)
        ) {
            return Err(RpcError::server(format!(
                "transaction type {} not supported (legacy, EIP-2930 and EIP-1559 are)",
                envelope.tx_type()
            )));
        }
        let from = envelope
            .recover_signer()
            .map_err(|e| RpcError::server(format!("invalid sender: {e}")))?;
        self.submit(Incoming { envelope, from })
    }

    /// `eth_sendTransaction` from a dev account: filled in, signed with its key and submitted.
    pub fn send_transaction(&mut self, request: &TransactionRequest) -> Result<B256, RpcError> {
        let from = request
            .from
            .ok_or_else(|| RpcError::InvalidParams("eth_sendTransaction needs `from`".into()))?;
        let account: &DevAccount = dev_accounts()
            .iter()
            .find(|a| a.address == from)
            .ok_or_else(|| {
                RpcError::server(format!(
                    "unknown account {from}: eth_sendTransaction signs for the dev accounts only"
                ))
            })?;
        let nonce = match request.nonce {
            Some(nonce) => nonce,
            None => self.devnode.nonce(from),
        };
        let gas_limit = match request.gas {
            Some(gas) => gas,
            None => self.estimate_gas(request, None, None)?,
        };
        let input = request
            .input
            .unique_input()
            .map_err(|e| RpcError::InvalidParams(e.to_string()))?
            .cloned()
            .unwrap_or_default();
        let to = request.to.unwrap_or(TxKind::Create);
        let value = request.value.unwrap_or_default();
        let chain_id = request.chain_id.unwrap_or(CHAIN_ID);
        let sign = |hash: B256| {
            account
                .signer
                .sign_hash_sync(&hash)
                .map_err(|e| RpcError::server(format!("signing failed: {e}")))
        };
        let envelope: TxEnvelope = if let Some(gas_price) = request.gas_price {
            if let Some(access_list) = request.access_list.clone() {
                let tx = TxEip2930 {
                    chain_id,
                    nonce,
                    gas_price,
                    gas_limit,
                    to,
                    value,
                    access_list,
                    input,
                };
                let signature = sign(tx.signature_hash())?;
                tx.into_signed(signature).into()
            } else {
                let tx = TxLegacy {
                    chain_id: Some(chain_id),
                    nonce,
                    gas_price,
                    gas_limit,
                    to,
                    value,
                    input,
                };
                let signature = sign(tx.signature_hash())?;
                tx.into_signed(signature).into()
            }
        } else {
            let max_priority_fee_per_gas = request.max_priority_fee_per_gas.unwrap_or(0);
            let tx = TxEip1559 {
                chain_id,
                nonce,
                gas_limit,
                max_fee_per_gas: request
                    .max_fee_per_gas
                    .unwrap_or(2 * u128::from(BASE_FEE_WEI) + max_priority_fee_per_gas),
                max_priority_fee_per_gas,
                to,
                value,
                access_list: request.access_list.clone().unwrap_or_default(),
                input,
            };
            let signature = sign(tx.signature_hash())?;
            tx.into_signed(signature).into()
        };
        self.submit(Incoming { envelope, from })
    }

    /// Checks a signed transaction against the chain and runs it in the current block.
    fn submit(&mut self, incoming: Incoming) -> Result<B256, RpcError> {
        let Incoming { envelope, from } = incoming;
        let hash = *envelope.tx_hash();
        let known = self.ledger.txs.contains_key(&hash)
            || self
                .pending
                .as_ref()
                .is_some_and(|p| p.txs.iter().any(|r| r.hash() == hash));
        if known {
            return Err(RpcError::server("already known"));
        }
        if let Some(chain_id) = envelope.chain_id() {
            if chain_id != CHAIN_ID {
                return Err(RpcError::server(format!(
                    "invalid chain id: the transaction is for {chain_id}, this chain is {CHAIN_ID}"
                )));
            }
        }
        let gas_limit = envelope.gas_limit();
        if gas_limit > MAX_TX_GAS {
            return Err(RpcError::server(format!(
                "gas limit {gas_limit} exceeds the per-transaction limit of {MAX_TX_GAS}"
            )));
        }
        let max_fee = envelope.max_fee_per_gas();
        if max_fee < u128::from(BASE_FEE_WEI) {
            return Err(RpcError::server(format!(
                "max fee per gas less than block base fee: {max_fee} < {BASE_FEE_WEI}"
            )));
        }
        if let Some(tip) = envelope.max_priority_fee_per_gas() {
            if tip > max_fee {
                return Err(RpcError::server(format!(
                    "max priority fee per gas higher than max fee per gas: {tip} > {max_fee}"
                )));
            }
        }
        let expected = self.devnode.nonce(from);
        let nonce = envelope.nonce();
        if nonce < expected {
            return Err(RpcError::server(format!(
                "nonce too low: next nonce {expected}, tx nonce {nonce}"
            )));
        }
        if nonce > expected {
            return Err(RpcError::server(format!(
                "nonce too high: next nonce {expected}, tx nonce {nonce} (the devnode does not queue future nonces)"
            )));
        }
        let cost = U256::from(gas_limit)
            .saturating_mul(U256::from(max_fee))
            .saturating_add(envelope.value());
        let balance = self.devnode.balance(from);
        if balance < cost {
            return Err(RpcError::server(format!(
                "insufficient funds for gas * price + value: balance {balance}, tx cost {cost}"
            )));
        }
        let tx = TxRequest {
            from,
            to: envelope.to(),
            value_wei: envelope.value(),
            data: envelope.input().clone(),
            gas_limit,
            // Arbitrum drops the tip: every transaction pays the base fee.
            gas_price_wei: U256::from(BASE_FEE_WEI),
            nonce: Some(nonce),
            access_list: access_list_pairs(envelope.access_list()),
        };
        self.open_block();
        let receipt = match self.devnode.execute(&tx) {
            Ok(receipt) => receipt,
            Err(error) => {
                if self.automine {
                    self.close_unused_block();
                }
                return Err(RpcError::server(error.to_string()));
            }
        };
        let Some(pending) = self.pending.as_mut() else {
            unreachable!("open_block opened the pending block")
        };
        let record = TxRecord {
            envelope,
            from,
            block_number: pending.number,
            index: pending.txs.len() as u64,
            receipt: StoredReceipt {
                status: receipt.status,
                gas_used: receipt.gas_used,
                cumulative_gas_used: pending.gas_used() + receipt.gas_used,
                effective_gas_price: u128::from(BASE_FEE_WEI),
                contract_address: receipt.contract_address,
                logs: receipt.logs,
                first_log_index: pending.log_count(),
                return_data: receipt.return_data,
            },
        };
        pending.txs.push(record);
        if self.automine {
            self.seal_pending();
        }
        Ok(hash)
    }

    /// Opens the pending block if none is open: number head + 1, the clock's timestamp.
    fn open_block(&mut self) {
        if self.pending.is_some() {
            return;
        }
        let head = &self.ledger.head().header;
        let number = head.number + 1;
        let timestamp = self.clock.next_block_timestamp(head.timestamp);
        self.devnode.begin_block(number, timestamp);
        self.pending = Some(PendingBlock {
            number,
            timestamp,
            txs: Vec::new(),
        });
    }

    /// Drops an empty pending block opened for a transaction that was then rejected.
    fn close_unused_block(&mut self) {
        if let Some(pending) = self.pending.take() {
            if !pending.txs.is_empty() {
                self.pending = Some(pending);
                return;
            }
            self.clock.next_timestamp = Some(pending.timestamp);
            let head = self.ledger.head().header.clone();
            self.devnode.begin_block(head.number, head.timestamp);
        }
    }

    fn seal_pending(&mut self) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        let coinbase = self.devnode.coinbase();
        self.ledger
            .seal(pending.txs, pending.timestamp, BASE_FEE_WEI, coinbase);
    }

    /// Seals a block: the pending one, or an empty one — `evm_mine` and the `--block-time`
    /// timer. `timestamp` sets the new block's timestamp.
    pub fn mine(&mut self, timestamp: Option<u64>) -> Result<(), RpcError> {
        if let Some(timestamp) = timestamp {
            self.set_next_block_timestamp(timestamp)?;
            if let Some(pending) = self.pending.as_mut() {
                pending.timestamp = timestamp;
                self.clock.next_timestamp = None;
            }
        }
        self.open_block();
        self.seal_pending();
        Ok(())
    }

    /// `anvil_mine` / `hardhat_mine`: seals `blocks` blocks (at most 100 000), the first as
    /// [`RpcNode::mine`] does, each later one `interval_secs` after the one before.
    pub fn mine_blocks(&mut self, blocks: u64, interval_secs: u64) -> Result<(), RpcError> {
        if blocks > 100_000 {
            return Err(RpcError::InvalidParams(
                "at most 100000 blocks per request".into(),
            ));
        }
        for i in 0..blocks {
            if i > 0 {
                let next = self
                    .ledger
                    .head()
                    .header
                    .timestamp
                    .saturating_add(interval_secs);
                self.set_next_block_timestamp(next)?;
            }
            self.mine(None)?;
        }
        Ok(())
    }

    /// `evm_increaseTime`: moves the clock forward; returns the total offset in seconds.
    pub fn increase_time(&mut self, secs: u64) -> Result<i64, RpcError> {
        let offset = self
            .clock
            .offset_secs
            .saturating_add(secs.min(MAX_TIMESTAMP_SECS) as i64);
        if self.clock.now().saturating_add(secs) > MAX_TIMESTAMP_SECS {
            return Err(RpcError::InvalidParams(format!(
                "the clock would pass {MAX_TIMESTAMP_SECS}"
            )));
        }
        self.clock.offset_secs = offset;
        Ok(offset)
    }

    /// `evm_setNextBlockTimestamp`: the next block gets exactly `timestamp` (not before the
    /// latest block's), and the clock continues from there.
    pub fn set_next_block_timestamp(&mut self, timestamp: u64) -> Result<(), RpcError> {
        let latest = self.ledger.head().header.timestamp;
        if timestamp > MAX_TIMESTAMP_SECS {
            return Err(RpcError::InvalidParams(format!(
                "timestamp {timestamp} is past {MAX_TIMESTAMP_SECS}"
            )));
        }
        if timestamp < latest {
            return Err(RpcError::server(format!(
                "timestamp {timestamp} is before the latest block's ({latest})"
            )));
        }
        self.clock.next_timestamp = Some(timestamp);
        self.clock.offset_secs = (timestamp as i64).saturating_sub(wall_clock_secs() as i64);
        Ok(())
    }

    /// `evm_snapshot`: an id for [`RpcNode::revert`].
    pub fn snapshot(&mut self) -> u64 {
        let id = self.next_snapshot;
        self.next_snapshot += 1;
        self.snapshots.insert(
            id,
            NodeSnapshot {
                devnode: self.devnode.snapshot(),
                head: self.head_number(),
                clock: self.clock.clone(),
                pending: self.pending.clone(),
            },
        );
        id
    }

    /// `evm_revert`: back to snapshot `id` (which is used up, with every later one); false for
    /// an unknown id.
    pub fn revert(&mut self, id: u64) -> bool {
        let Some(snapshot) = self.snapshots.remove(&id) else {
            return false;
        };
        self.snapshots.retain(|k, _| *k < id);
        self.devnode.restore(snapshot.devnode);
        self.ledger.truncate(snapshot.head);
        self.clock = snapshot.clock;
        self.pending = snapshot.pending;
        true
    }

    /// `anvil_setBalance`.
    pub fn set_balance(&mut self, address: Address, balance_wei: U256) {
        self.devnode.set_balance(address, balance_wei);
    }

    /// The dev accounts' addresses (`eth_accounts`).
    pub fn accounts(&self) -> Vec<Address> {
        dev_accounts().iter().map(|a| a.address).collect()
    }

    /// Whether blocks are mined per transaction.
    pub fn automine(&self) -> bool {
        self.automine
    }
}
