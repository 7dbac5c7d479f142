//! The JSON-RPC methods (jsonrpsee does the framing: batches, parse errors, unknown methods).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};

use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{Address, Bytes, B256, U256, U64};
use alloy_rpc_types_eth::state::StateOverride;
use alloy_rpc_types_eth::{BlockOverrides, Filter, TransactionRequest};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::RpcModule;
use serde::Serialize;
use serde_json::Value;

use super::node::{RpcError, RpcNode, BASE_FEE_WEI, CHAIN_ID};

/// The node as the methods share it.
pub type SharedNode = Arc<Mutex<RpcNode>>;

/// `web3_clientVersion`.
pub fn client_version() -> String {
    format!("stylus-devnode/v{}", env!("CARGO_PKG_VERSION"))
}

impl From<RpcError> for ErrorObjectOwned {
    fn from(error: RpcError) -> Self {
        let code = error.code();
        match error {
            RpcError::Revert { data, message } => {
                ErrorObjectOwned::owned(code, message, Some(data))
            }
            RpcError::Server(message) | RpcError::InvalidParams(message) => {
                ErrorObjectOwned::owned(code, message, None::<()>)
            }
        }
    }
}

fn lock(node: &SharedNode) -> MutexGuard<'_, RpcNode> {
    node.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn to_json<T: Serialize>(value: T) -> Result<Value, ErrorObjectOwned> {
    serde_json::to_value(value)
        .map_err(|e| ErrorObjectOwned::owned(-32_603, e.to_string(), None::<()>))
}

/// A number given as a JSON number or a (hex or decimal) string, as clients send them to the
/// dev methods.
fn flexible_u64(value: &Value) -> Result<u64, ErrorObjectOwned> {
    let invalid =
        || ErrorObjectOwned::owned(-32_602, format!("not a quantity: {value}"), None::<()>);
    match value {
        Value::Number(n) => n.as_u64().ok_or_else(invalid),
        Value::String(s) => match s.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).map_err(|_| invalid()),
            None => s.parse().map_err(|_| invalid()),
        },
        _ => Err(invalid()),
    }
}

type Handler = fn(&mut Params<'_>, &SharedNode) -> Result<Value, ErrorObjectOwned>;

/// Whether `method` is one of the anvil/Hardhat dev methods.
pub fn is_dev_method(method: &str) -> bool {
    ["evm_", "anvil_", "hardhat_"]
        .iter()
        .any(|prefix| method.starts_with(prefix))
}

/// The module with every method (the dev methods only with `dev_methods`).
pub fn module(node: SharedNode, dev_methods: bool) -> RpcModule<SharedNode> {
    let mut module = RpcModule::new(node);
    let methods: &[(&'static str, Handler)] = &[
        ("web3_clientVersion", |_, _| to_json(client_version())),
        ("net_version", |_, _| to_json(CHAIN_ID.to_string())),
        ("net_listening", |_, _| to_json(true)),
        ("eth_chainId", |_, _| to_json(U64::from(CHAIN_ID))),
        ("eth_syncing", |_, _| to_json(false)),
        ("eth_accounts", |_, node| to_json(lock(node).accounts())),
        ("eth_blockNumber", |_, node| {
            to_json(U64::from(lock(node).head_number()))
        }),
        ("eth_gasPrice", |_, _| to_json(U64::from(BASE_FEE_WEI))),
        ("eth_maxPriorityFeePerGas", |_, _| to_json(U64::ZERO)),
        ("eth_getBlockByNumber", |p, node| {
            let mut seq = p.sequence();
            let tag: BlockNumberOrTag = seq.next()?;
            let full: Option<bool> = seq.optional_next()?;
            to_json(lock(node).block_by_number(tag, full.unwrap_or(false)))
        }),
        ("eth_getBlockByHash", |p, node| {
            let mut seq = p.sequence();
            let hash: B256 = seq.next()?;
            let full: Option<bool> = seq.optional_next()?;
            to_json(lock(node).block_by_hash(hash, full.unwrap_or(false)))
        }),
        ("eth_getBalance", |p, node| {
            let mut seq = p.sequence();
            let address: Address = seq.next()?;
            let block: Option<BlockId> = seq.optional_next()?;
            to_json(lock(node).balance(address, block)?)
        }),
        ("eth_getCode", |p, node| {
            let mut seq = p.sequence();
            let address: Address = seq.next()?;
            let block: Option<BlockId> = seq.optional_next()?;
            to_json(lock(node).code(address, block)?)
        }),
        ("eth_getStorageAt", |p, node| {
            let mut seq = p.sequence();
            let address: Address = seq.next()?;
            let slot: U256 = seq.next()?;
            let block: Option<BlockId> = seq.optional_next()?;
            to_json(lock(node).storage(address, slot, block)?)
        }),
        ("eth_getTransactionCount", |p, node| {
            let mut seq = p.sequence();
            let address: Address = seq.next()?;
            let block: Option<BlockId> = seq.optional_next()?;
            to_json(U64::from(lock(node).nonce(address, block)?))
        }),
        ("eth_feeHistory", |p, node| {
            let mut seq = p.sequence();
            let count: Value = seq.next()?;
            let newest: BlockNumberOrTag = seq.next()?;
            let percentiles: Option<Vec<f64>> = seq.optional_next()?;
            to_json(lock(node).fee_history(flexible_u64(&count)?, newest, percentiles)?)
        }),
        ("eth_call", |p, node| {
            let mut seq = p.sequence();
            let request: TransactionRequest = seq.next()?;
            let block: Option<BlockId> = seq.optional_next()?;
            let overrides: Option<StateOverride> = seq.optional_next()?;
            // Block overrides are accepted and ignored.
            let _: Option<BlockOverrides> = seq.optional_next()?;
            to_json(lock(node).call(&request, block, overrides)?)
        }),
        ("eth_estimateGas", |p, node| {
            let mut seq = p.sequence();
            let request: TransactionRequest = seq.next()?;
            let block: Option<BlockId> = seq.optional_next()?;
            let overrides: Option<StateOverride> = seq.optional_next()?;
            to_json(U64::from(
                lock(node).estimate_gas(&request, block, overrides)?,
            ))
        }),
        ("eth_sendRawTransaction", |p, node| {
            let raw: Bytes = p.sequence().next()?;
            to_json(lock(node).send_raw(&raw)?)
        }),
        ("eth_sendTransaction", |p, node| {
            let request: TransactionRequest = p.sequence().next()?;
            to_json(lock(node).send_transaction(&request)?)
        }),
        ("eth_getTransactionByHash", |p, node| {
            let hash: B256 = p.sequence().next()?;
            to_json(lock(node).transaction(hash))
        }),
        ("eth_getTransactionReceipt", |p, node| {
            let hash: B256 = p.sequence().next()?;
            to_json(lock(node).receipt(hash))
        }),
        ("eth_getLogs", |p, node| {
            let filter: Filter = p.sequence().next()?;
            to_json(lock(node).logs(&filter)?)
        }),
        ("evm_increaseTime", |p, node| {
            let secs: Value = p.sequence().next()?;
            let total = lock(node).increase_time(flexible_u64(&secs)?)?;
            to_json(total)
        }),
        ("evm_setNextBlockTimestamp", |p, node| {
            let timestamp: Value = p.sequence().next()?;
            lock(node).set_next_block_timestamp(flexible_u64(&timestamp)?)?;
            to_json(Value::Null)
        }),
        ("evm_mine", |p, node| {
            let timestamp: Option<Value> = p.sequence().optional_next()?;
            let timestamp = timestamp.as_ref().map(flexible_u64).transpose()?;
            lock(node).mine(timestamp)?;
            to_json("0x0")
        }),
        ("evm_snapshot", |_, node| {
            to_json(U64::from(lock(node).snapshot()))
        }),
        ("evm_revert", |p, node| {
            let id: Value = p.sequence().next()?;
            to_json(lock(node).revert(flexible_u64(&id)?))
        }),
        ("anvil_mine", mine_blocks),
        ("hardhat_mine", mine_blocks),
        ("anvil_setBalance", set_balance),
        ("hardhat_setBalance", set_balance),
    ];
    for (name, handler) in methods {
        if !dev_methods && is_dev_method(name) {
            continue;
        }
        let handler = *handler;
        let registered = module.register_method(name, move |params, node, _| {
            let mut params = params;
            catch_unwind(AssertUnwindSafe(|| handler(&mut params, node))).unwrap_or_else(|_| {
                Err(ErrorObjectOwned::owned(
                    -32_603,
                    "internal error: the devnode panicked on this request",
                    None::<()>,
                ))
            })
        });
        if let Err(error) = registered {
            unreachable!("method {name} registered twice: {error}");
        }
    }
    module
}

fn set_balance(p: &mut Params<'_>, node: &SharedNode) -> Result<Value, ErrorObjectOwned> {
    let mut seq = p.sequence();
    let address: Address = seq.next()?;
    let balance: U256 = seq.next()?;
    lock(node).set_balance(address, balance);
    to_json(Value::Null)
}

fn mine_blocks(p: &mut Params<'_>, node: &SharedNode) -> Result<Value, ErrorObjectOwned> {
    let mut seq = p.sequence();
    let blocks: Option<Value> = seq.optional_next()?;
    let interval: Option<Value> = seq.optional_next()?;
    let blocks = blocks.as_ref().map(flexible_u64).transpose()?.unwrap_or(1);
    let interval = interval
        .as_ref()
        .map(flexible_u64)
        .transpose()?
        .unwrap_or(1);
    lock(node).mine_blocks(blocks, interval)?;
    to_json(Value::Null)
}
