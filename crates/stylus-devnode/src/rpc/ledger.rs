//! Blocks, transactions, receipts and logs as the server keeps them, and their JSON-RPC forms
//! (alloy's RPC types).
//!
//! Headers are real Ethereum headers hashed with keccak over their RLP (`alloy-consensus`), with
//! the transactions and receipts tries of their contents and the logs bloom; the state root is
//! not computed (zero: the devnode keeps no state trie). Arbitrum's conventions: difficulty 1,
//! gas limit 2^50, `extraData` the (zero) send root, `mixHash` = send count ‖ L1 block number ‖
//! ArbOS version (8 bytes each, the rest zero).

use std::collections::HashMap;

use alloy_consensus::{
    proofs, Eip658Value, Header, Receipt as ConsensusReceipt, ReceiptEnvelope, ReceiptWithBloom,
    Transaction as _, TxEnvelope,
};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{logs_bloom, Address, Bloom, Bytes, Log, B256, B64, U256};
use alloy_rpc_types_eth::{
    Block, BlockTransactions, Filter, Header as RpcHeader, Log as RpcLog, Transaction,
    TransactionReceipt,
};
use serde::{Deserialize, Serialize};

use crate::ARBITRUM_BLOCK_GAS_LIMIT;

/// ArbOS version the devnode models (reported in `mixHash`).
pub const ARBOS_VERSION: u64 = 60;

/// What a transaction left behind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredReceipt {
    /// Success.
    pub status: bool,
    /// Gas used (after the refund).
    pub gas_used: u64,
    /// Gas used in the block up to and including this transaction.
    pub cumulative_gas_used: u64,
    /// Price paid per gas (the base fee: Arbitrum drops tips).
    pub effective_gas_price: u128,
    /// The created contract.
    pub contract_address: Option<Address>,
    /// Logs.
    pub logs: Vec<Log>,
    /// Block-wide index of the first log.
    pub first_log_index: u64,
    /// Output or revert data (not part of an Ethereum receipt; kept for diagnostics).
    pub return_data: Bytes,
}

/// A transaction with its sender, position and receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxRecord {
    /// The signed transaction.
    pub envelope: TxEnvelope,
    /// Recovered sender.
    pub from: Address,
    /// Block it is (or will be) in.
    pub block_number: u64,
    /// Index in the block.
    pub index: u64,
    /// Its receipt.
    pub receipt: StoredReceipt,
}

impl TxRecord {
    /// The transaction hash.
    pub fn hash(&self) -> B256 {
        *self.envelope.tx_hash()
    }

    fn consensus_receipt(&self) -> ReceiptEnvelope<Log> {
        let receipt = ConsensusReceipt {
            status: Eip658Value::Eip658(self.receipt.status),
            cumulative_gas_used: self.receipt.cumulative_gas_used,
            logs: self.receipt.logs.clone(),
        };
        let bloom = logs_bloom(receipt.logs.iter());
        ReceiptEnvelope::from_typed(
            self.envelope.tx_type(),
            ReceiptWithBloom::new(receipt, bloom),
        )
    }
}

/// A sealed block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRecord {
    /// Its header.
    pub header: Header,
    /// keccak of the header's RLP.
    pub hash: B256,
    /// Its transactions in order.
    pub txs: Vec<B256>,
}

/// Every block and transaction since genesis.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// Blocks by number.
    pub blocks: Vec<BlockRecord>,
    /// Mined transactions by hash.
    pub txs: HashMap<B256, TxRecord>,
    #[serde(skip)]
    by_hash: HashMap<B256, u64>,
}

impl Ledger {
    /// A ledger with the genesis block at `timestamp`.
    pub fn new(timestamp: u64, basefee_wei: u64, coinbase: Address) -> Self {
        let mut ledger = Self::default();
        ledger.seal(Vec::new(), timestamp, basefee_wei, coinbase);
        ledger
    }

    /// Rebuilds the hash index (after deserialising).
    pub fn reindex(&mut self) {
        self.by_hash = self
            .blocks
            .iter()
            .map(|b| (b.hash, b.header.number))
            .collect();
    }

    /// The latest block.
    pub fn head(&self) -> &BlockRecord {
        self.blocks
            .last()
            .unwrap_or_else(|| unreachable!("the ledger always holds genesis"))
    }

    /// The block with `number`.
    pub fn block(&self, number: u64) -> Option<&BlockRecord> {
        self.blocks.get(usize::try_from(number).ok()?)
    }

    /// The block with `hash`.
    pub fn block_by_hash(&self, hash: B256) -> Option<&BlockRecord> {
        self.by_hash.get(&hash).and_then(|n| self.block(*n))
    }

    /// Seals a block of `records` (numbered and indexed already) on top of the head.
    pub fn seal(
        &mut self,
        records: Vec<TxRecord>,
        timestamp: u64,
        basefee_wei: u64,
        coinbase: Address,
    ) -> &BlockRecord {
        let (parent_hash, number) = match self.blocks.last() {
            Some(parent) => (parent.hash, parent.header.number + 1),
            None => (B256::ZERO, 0),
        };
        let envelopes: Vec<TxEnvelope> = records.iter().map(|r| r.envelope.clone()).collect();
        let receipts: Vec<ReceiptEnvelope<Log>> =
            records.iter().map(TxRecord::consensus_receipt).collect();
        let mut bloom = Bloom::ZERO;
        for receipt in &receipts {
            bloom.accrue_bloom(receipt.logs_bloom());
        }
        let gas_used = records.last().map_or(0, |r| r.receipt.cumulative_gas_used);
        let mut mix = [0u8; 32];
        mix[8..16].copy_from_slice(&number.to_be_bytes());
        mix[16..24].copy_from_slice(&ARBOS_VERSION.to_be_bytes());
        let header = Header {
            parent_hash,
            ommers_hash: alloy_consensus::constants::EMPTY_OMMER_ROOT_HASH,
            beneficiary: coinbase,
            state_root: B256::ZERO,
            transactions_root: proofs::calculate_transaction_root(&envelopes),
            receipts_root: proofs::calculate_receipt_root(&receipts),
            logs_bloom: bloom,
            difficulty: U256::from(1),
            number,
            gas_limit: ARBITRUM_BLOCK_GAS_LIMIT,
            gas_used,
            timestamp,
            extra_data: Bytes::from(vec![0u8; 32]),
            mix_hash: B256::from(mix),
            nonce: B64::ZERO,
            base_fee_per_gas: Some(basefee_wei),
            ..Header::default()
        };
        let hash = header.hash_slow();
        let txs = records.iter().map(TxRecord::hash).collect();
        for record in records {
            self.txs.insert(record.hash(), record);
        }
        self.by_hash.insert(hash, number);
        self.blocks.push(BlockRecord { header, hash, txs });
        self.head()
    }

    /// Drops every block above `number` and its transactions.
    pub fn truncate(&mut self, number: u64) {
        let keep = usize::try_from(number)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        for block in self.blocks.drain(keep.min(self.blocks.len())..) {
            self.by_hash.remove(&block.hash);
            for hash in block.txs {
                self.txs.remove(&hash);
            }
        }
    }

    /// The logs of `filter` over blocks `from..=to`, in order.
    pub fn logs(&self, filter: &Filter, from: u64, to: u64) -> Vec<RpcLog> {
        let mut logs = Vec::new();
        for number in from..=to {
            let Some(block) = self.block(number) else {
                break;
            };
            if !filter.matches_bloom(block.header.logs_bloom) {
                continue;
            }
            for hash in &block.txs {
                let Some(record) = self.txs.get(hash) else {
                    continue;
                };
                logs.extend(
                    rpc_logs(record, Some(block))
                        .into_iter()
                        .filter(|log| filter.matches(&log.inner)),
                );
            }
        }
        logs
    }
}

/// The RPC logs of `record`, with block fields when it is mined.
pub fn rpc_logs(record: &TxRecord, block: Option<&BlockRecord>) -> Vec<RpcLog> {
    record
        .receipt
        .logs
        .iter()
        .enumerate()
        .map(|(i, log)| RpcLog {
            inner: log.clone(),
            block_hash: block.map(|b| b.hash),
            block_number: block.map(|_| record.block_number),
            block_timestamp: block.map(|b| b.header.timestamp),
            transaction_hash: Some(record.hash()),
            transaction_index: Some(record.index),
            log_index: Some(record.receipt.first_log_index + i as u64),
            removed: false,
        })
        .collect()
}

/// The RPC form of a transaction (`block` when mined).
pub fn rpc_transaction(record: &TxRecord, block: Option<&BlockRecord>) -> Transaction {
    Transaction {
        inner: alloy_consensus::transaction::Recovered::new_unchecked(
            record.envelope.clone(),
            record.from,
        ),
        block_hash: block.map(|b| b.hash),
        block_number: block.map(|_| record.block_number),
        transaction_index: block.map(|_| record.index),
        effective_gas_price: block.map(|_| record.receipt.effective_gas_price),
    }
}

/// The RPC form of a mined transaction's receipt.
pub fn rpc_receipt(record: &TxRecord, block: &BlockRecord) -> TransactionReceipt {
    let logs = rpc_logs(record, Some(block));
    let envelope = record.consensus_receipt();
    let bloom = *envelope.logs_bloom();
    let receipt = ConsensusReceipt {
        status: Eip658Value::Eip658(record.receipt.status),
        cumulative_gas_used: record.receipt.cumulative_gas_used,
        logs,
    };
    TransactionReceipt {
        inner: ReceiptEnvelope::from_typed(
            record.envelope.tx_type(),
            ReceiptWithBloom::new(receipt, bloom),
        ),
        transaction_hash: record.hash(),
        transaction_index: Some(record.index),
        block_hash: Some(block.hash),
        block_number: Some(record.block_number),
        gas_used: record.receipt.gas_used,
        effective_gas_price: record.receipt.effective_gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from: record.from,
        to: record.envelope.to(),
        contract_address: record.receipt.contract_address,
    }
}

/// The RPC form of a block, with full transactions or their hashes.
pub fn rpc_block(ledger: &Ledger, block: &BlockRecord, full: bool) -> Block {
    let transactions = if full {
        BlockTransactions::Full(
            block
                .txs
                .iter()
                .filter_map(|hash| ledger.txs.get(hash))
                .map(|record| rpc_transaction(record, Some(block)))
                .collect(),
        )
    } else {
        BlockTransactions::Hashes(block.txs.clone())
    };
    let tx_bytes: usize = block
        .txs
        .iter()
        .filter_map(|hash| ledger.txs.get(hash))
        .map(|r| r.envelope.encode_2718_len())
        .sum();
    let header_bytes = alloy_primitives::private::alloy_rlp::Encodable::length(&block.header);
    let header = RpcHeader {
        hash: block.hash,
        inner: block.header.clone(),
        total_difficulty: Some(U256::from(block.header.number + 1)),
        size: Some(U256::from(header_bytes + tx_bytes + 3)),
    };
    Block {
        header,
        uncles: Vec::new(),
        transactions,
        withdrawals: None,
    }
}
