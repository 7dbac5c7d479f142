//! An in-process Stylus chain that runs contracts' real WASM with Nitro's semantics, ink and gas.
//!
//! Implemented from `shared/stylus-runtime-reference.md` (cited as §n) only; no Nitro code is
//! copied or derived. Activation, validation and metering instrumentation come from
//! `stylus-activation`; this crate is the chain: accounts, the journal, the 42 `vm_hooks` hostios,
//! calls and creates, the ArbWasm precompile and the transaction / receipt layer.
//!
//! ```no_run
//! use alloy_primitives::{address, U256};
//! use stylus_devnode::Devnode;
//! # fn demo(code: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! let alice = address!("00000000000000000000000000000000000a11ce");
//! let mut node = Devnode::new();
//! node.fund(alice, U256::from(10).pow(U256::from(20)));
//! let deployed = node.deploy(alice, code, None, U256::ZERO)?;
//! let receipt = node.send(alice, deployed.address, U256::ZERO, vec![0xd0, 0x9d, 0xe0, 0x8a]);
//! assert!(receipt.status, "{:?}", receipt.error);
//! # Ok(()) }
//! ```
//!
//! See the crate README for what is modelled exactly and what is approximated.
#![warn(missing_docs)]

mod arbwasm;
mod arbwasm_cache;
mod chain;
pub mod deployer;
mod error;
mod exec;
mod host;
pub mod initcode;
mod node;
#[cfg(feature = "rpc")]
mod persist;
pub mod precompiles;
pub mod pricing;
#[cfg(feature = "rpc")]
pub mod rpc;
mod state;

pub use arbwasm::{ArbWasm, ARBOS_READ_GAS, ARBOS_WRITE_GAS, ARBWASM_ADDRESS, PARAMS_READ_GAS};
pub use arbwasm_cache::{ArbWasmCache, ARBWASM_CACHE_ADDRESS};
pub use chain::{
    FrameTraceEntry, InkTraceEntry, ARBITRUM_BLOCK_GAS_LIMIT, CHAIN_OWNER, NETWORK_FEE_ACCOUNT,
    SEQUENCER_COINBASE,
};
pub use deployer::{StylusDeployer, STYLUS_DEPLOYER_ADDRESS};
pub use error::{DeployError, ExecError, SolCallError};
pub use node::{
    AccountOverride, DeployerDeployment, Deployment, Devnode, Receipt, Snapshot, TxRequest,
    CONSTRUCTOR_SELECTOR, DEFAULT_TIMESTAMP_SECS, DEFAULT_TX_GAS_LIMIT, MAX_INIT_CODE_BYTES,
};
#[cfg(feature = "rpc")]
pub use persist::{LoadStateError, SavedAccount, SavedState};
pub use state::EMPTY_CODE_HASH;
pub use stylus_activation::StylusParams;
