//! The chain: world state, activated programs, block and transaction context, the per-tx memory
//! counters (§3), the recent-wasms LRU (§1.7) and the wasm runtime.

use std::collections::HashMap;
use std::sync::Arc;

use alloy_primitives::{address, Address, B256, U256};
use stylus_activation::{ActivatedProgram, DataPricer, StylusParams};
use wasmi::{Engine, Linker, Module};

use crate::host::{self, HostState};
use crate::state::WorldState;

/// Arbitrum's default `GASLIMIT` answer (2^50), returned by `block_gas_limit`.
pub const ARBITRUM_BLOCK_GAS_LIMIT: u64 = 1 << 50;
/// Seconds of the ArbOS epoch used for `activatedAt` hours (§1.5).
pub const ACTIVATION_EPOCH_SECS: u64 = 1_421_388_000;
/// Where activation data fees go (§1.6: the network fee account; this address is the devnode's).
pub const NETWORK_FEE_ACCOUNT: Address = address!("00000000000000000000000000000000000a4b05");
/// Arbitrum's coinbase: the sequencer's batch-poster address.
pub const SEQUENCER_COINBASE: Address = address!("a4b000000000000000000073657175656e636572");
/// The devnode's chain owner: the address of the Nitro dev key (0xb6b1…0659), which is the chain
/// owner of a Nitro dev node too. Chain owners may cache and evict programs through ArbWasmCache.
pub const CHAIN_OWNER: Address = address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");

/// Block context (what block_* and chainid report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEnv {
    /// Chain id (412346, Nitro's dev chain).
    pub chain_id: u64,
    /// `block_number`: the L1 block number, as NUMBER on Arbitrum (§4.3).
    pub number: u64,
    /// Block timestamp in seconds.
    pub timestamp_secs: u64,
    /// Base fee in wei (also the effective gas price of every tx).
    pub basefee_wei: U256,
    /// Coinbase.
    pub coinbase: Address,
    /// `block_gas_limit` answer.
    pub gas_limit: u64,
}

/// Transaction context.
#[derive(Debug, Clone, Default)]
pub struct TxEnv {
    /// tx.origin.
    pub origin: Address,
    /// Effective gas price in wei.
    pub gas_price_wei: U256,
}

/// One hostio's ink, as Nitro's ink test traces it (§6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InkTraceEntry {
    /// Hostio name.
    pub hostio: &'static str,
    /// The program that called it.
    pub address: Address,
    /// Call depth (0 = the transaction's target).
    pub depth: usize,
    /// Ink at the start of the hostio.
    pub ink_before: u64,
    /// Ink at its end (after nested frames returned).
    pub ink_after: u64,
}

/// One finished call frame, recorded when tracing (post-order: callees before callers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameTraceEntry {
    /// Call depth (0 = the transaction's target).
    pub depth: usize,
    /// Address whose code ran.
    pub code_address: Address,
    /// Gas the frame was given (stipend included).
    pub gas_given: u64,
    /// Gas it returned.
    pub gas_left: u64,
    /// Whether it succeeded.
    pub success: bool,
}

impl InkTraceEntry {
    /// Ink the hostio spent.
    pub fn ink_spent(&self) -> u64 {
        self.ink_before.saturating_sub(self.ink_after)
    }
}

/// Engine and linker, shared by all frames.
pub struct Runtime {
    /// The wasmi engine (no fuel: metering is inside the instrumented module).
    pub engine: Engine,
    /// The 42 `vm_hooks` functions.
    pub linker: Linker<HostState>,
}

/// Everything the devnode keeps. Frames own it in turn (`Box<Chain>` moves into each wasmi store).
pub struct Chain {
    /// Accounts, storage, logs, journal.
    pub state: WorldState,
    /// Stylus parameters (ArbWasm getters report these).
    pub params: StylusParams,
    /// Compiled modules by codehash, each beside the activation it was compiled from: a module
    /// serves only while the state's program record holds that same activation, so a
    /// re-activation or a restored snapshot never runs a stale module (and a restore need not
    /// throw the compiled modules away).
    pub modules: HashMap<B256, (Arc<ActivatedProgram>, Module)>,
    /// Engine + linker.
    pub runtime: Arc<Runtime>,
    /// Block context.
    pub block: BlockEnv,
    /// Transaction context.
    pub tx: TxEnv,
    /// Pages of all live Stylus frames in this tx (§3).
    pub open_pages: u16,
    /// Highest `open_pages` so far in this tx (§3).
    pub ever_pages: u16,
    /// Recently called codehashes, most recent first (§1.7 LRU of `BlockCacheSize`).
    pub recent_wasms: Vec<B256>,
    /// Open non-delegate frames per address (§5.3).
    pub frames_open: HashMap<Address, u32>,
    /// Per-hostio ink of the current tx, when tracing.
    pub ink_trace: Option<Vec<InkTraceEntry>>,
    /// Finished frames of the current tx, when tracing.
    pub frame_trace: Option<Vec<FrameTraceEntry>>,
    /// Chain owners (ArbOwner's list; ArbWasmCache accepts them as cache managers).
    pub chain_owners: Vec<Address>,
    /// ArbWasmCache's cache managers.
    pub cache_managers: Vec<Address>,
}

/// Errors building the runtime (a linker definition clash is a devnode bug).
#[derive(Debug, thiserror::Error)]
#[error("building the wasm runtime failed: {0}")]
pub struct RuntimeError(String);

impl Chain {
    /// A fresh chain with default parameters at `timestamp_secs`.
    pub fn new(timestamp_secs: u64) -> Result<Self, RuntimeError> {
        let mut config = wasmi::Config::default();
        config.set_max_recursion_depth(65_536);
        config.set_max_stack_height(64 * 1024 * 1024);
        config.set_max_cached_stacks(16);
        let engine = Engine::new(&config);
        let linker = host::linker(&engine).map_err(|e| RuntimeError(e.to_string()))?;
        Ok(Self {
            state: WorldState::new(DataPricer::new_default(timestamp_secs)),
            params: StylusParams::default(),
            modules: HashMap::new(),
            runtime: Arc::new(Runtime { engine, linker }),
            block: BlockEnv {
                chain_id: 412_346,
                number: 1,
                timestamp_secs,
                basefee_wei: U256::ZERO,
                coinbase: SEQUENCER_COINBASE,
                gas_limit: ARBITRUM_BLOCK_GAS_LIMIT,
            },
            tx: TxEnv::default(),
            open_pages: 0,
            ever_pages: 0,
            recent_wasms: Vec::new(),
            frames_open: HashMap::new(),
            ink_trace: None,
            frame_trace: None,
            chain_owners: vec![CHAIN_OWNER],
            cache_managers: Vec::new(),
        })
    }

    /// Gas to open `pages` more pages given this tx's counters (§3).
    pub fn memory_grow_gas(&self, pages: u16) -> u64 {
        stylus_activation::memory_grow_gas(pages, self.open_pages, self.ever_pages, &self.params)
    }

    /// Records `pages` more open pages (§3).
    pub fn open_pages(&mut self, pages: u16) {
        self.open_pages = self.open_pages.saturating_add(pages);
        self.ever_pages = self.ever_pages.max(self.open_pages);
    }

    /// Looks `codehash` up in the recent-wasms LRU and inserts it (one step, §1.7); true on a hit.
    pub fn recent_wasms_hit(&mut self, codehash: B256) -> bool {
        let hit = match self.recent_wasms.iter().position(|h| *h == codehash) {
            Some(index) => {
                self.recent_wasms.remove(index);
                true
            }
            None => false,
        };
        self.recent_wasms.insert(0, codehash);
        self.recent_wasms
            .truncate(self.params.block_cache_size.into());
        hit
    }

    /// Starts a block: the recent-wasms LRU (§1.7) lives as long as the block.
    pub fn begin_block(&mut self) {
        self.recent_wasms.clear();
    }

    /// Starts a transaction paying `gas_price_wei`: fresh access lists, memory counters,
    /// reentrancy counts and trace (the recent-wasms LRU is the block's, see [`Chain::begin_block`]).
    pub fn begin_tx(&mut self, origin: Address, gas_price_wei: U256, tracing: bool) {
        self.state.begin_tx();
        self.tx = TxEnv {
            origin,
            gas_price_wei,
        };
        self.open_pages = 0;
        self.ever_pages = 0;
        self.frames_open.clear();
        self.ink_trace = tracing.then(Vec::new);
        self.frame_trace = tracing.then(Vec::new);
    }
}
