//! The public face: [`Devnode`], [`Receipt`], [`Deployment`], [`TxRequest`].

use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use alloy_sol_types::SolCall;
use stylus_activation::StylusParams;

use crate::arbwasm::{ArbWasm, ARBWASM_ADDRESS};
use crate::arbwasm_cache;
use crate::chain::{BlockEnv, Chain, FrameTraceEntry, InkTraceEntry};
use crate::deployer::{self, StylusDeployer, STYLUS_DEPLOYER_ADDRESS};
use crate::error::{DeployError, ExecError, SolCallError};
use crate::exec::{self, CallKind, CreateMessage, FrameResult, Message};
use crate::initcode::deploy_init_code;
use crate::pricing::{access_list_gas, intrinsic_gas};
use crate::state::WorldState;

/// Selector of the stylus-sdk constructor entry `stylus_constructor()` (§5.4).
pub const CONSTRUCTOR_SELECTOR: [u8; 4] = [0x55, 0x85, 0x25, 0x8d];
/// Default gas limit of each transaction (Arbitrum's 32M block gas limit).
pub const DEFAULT_TX_GAS_LIMIT: u64 = 32_000_000;
/// Default block timestamp (2023-11-14).
pub const DEFAULT_TIMESTAMP_SECS: u64 = 1_700_000_000;
/// Largest init code a transaction may carry (2 × MaxCodeSize, §1.1).
pub const MAX_INIT_CODE_BYTES: usize = 49_152;

/// Accounts warm at every transaction start besides sender and target: the Ethereum precompiles
/// 0x01–0x0a and the Arbitrum precompiles 0x64–0x74 (EIP-2929 adds active precompiles).
fn precompile_addresses() -> impl Iterator<Item = Address> {
    (0x01u8..=0x0a).chain(0x64..=0x74).map(|n| {
        let mut bytes = [0u8; 20];
        bytes[19] = n;
        Address::from(bytes)
    })
}

/// The result of a transaction or an `eth_call`.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// True on success.
    pub status: bool,
    /// Output on success, revert data on revert, empty on failure.
    pub return_data: Bytes,
    /// Gas used, intrinsic gas included, after the refund (capped at gas_used/5).
    pub gas_used: u64,
    /// Refund granted at the end (gas).
    pub refund_gas: u64,
    /// Logs (empty unless successful).
    pub logs: Vec<Log>,
    /// The created contract for a successful creation transaction.
    pub contract_address: Option<Address>,
    /// Per-hostio ink, when [`Devnode::set_ink_trace`] is on.
    pub ink_trace: Vec<InkTraceEntry>,
    /// Finished call frames (callees first), when [`Devnode::set_ink_trace`] is on.
    pub frames: Vec<FrameTraceEntry>,
    /// The failure, when the transaction failed other than by a plain revert.
    pub error: Option<ExecError>,
}

impl Receipt {
    /// The receipt [`Devnode::send`] reports for an invalid transaction: nothing ran.
    pub fn invalid(error: ExecError) -> Self {
        Self {
            status: false,
            return_data: Bytes::new(),
            gas_used: 0,
            refund_gas: 0,
            logs: Vec::new(),
            contract_address: None,
            ink_trace: Vec::new(),
            frames: Vec::new(),
            error: Some(error),
        }
    }

    /// Ink of each traced call of hostio `name`, in order.
    pub fn hostio_ink(&self, name: &str) -> Vec<u64> {
        self.ink_trace
            .iter()
            .filter(|e| e.hostio == name)
            .map(InkTraceEntry::ink_spent)
            .collect()
    }
}

/// What [`Devnode::deploy`] did, with the gas of each of its transactions (§7 deploy flow).
#[derive(Debug, Clone)]
pub struct Deployment {
    /// The new contract.
    pub address: Address,
    /// Codehash of its code.
    pub codehash: B256,
    /// Gas used by the creation transaction (prelude + code).
    pub create_gas: u64,
    /// Gas used by `ArbWasm.activateProgram`; `None` when the codehash was already active.
    pub activation_gas: Option<u64>,
    /// Data fee paid for the activation (wei).
    pub data_fee_wei: U256,
    /// Gas used by the constructor call; `None` without constructor.
    pub constructor_gas: Option<u64>,
}

/// What [`Devnode::deploy_with_deployer`] did: one StylusDeployer transaction.
#[derive(Debug, Clone)]
pub struct DeployerDeployment {
    /// The new contract.
    pub address: Address,
    /// Codehash of its code.
    pub codehash: B256,
    /// Data fee paid for the activation (wei; zero when the codehash was already active).
    pub data_fee_wei: U256,
    /// The transaction's receipt (gas of create + activation + constructor together).
    pub receipt: Receipt,
}

/// A transaction or call in full, as the JSON-RPC layer submits it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TxRequest {
    /// Sender.
    pub from: Address,
    /// Target; `None` creates a contract from `data` (the deploy prelude + code).
    pub to: Option<Address>,
    /// Value moved with the call.
    pub value_wei: U256,
    /// Calldata or init code.
    pub data: Bytes,
    /// Gas limit.
    pub gas_limit: u64,
    /// Price paid per gas used (the sender is charged `gas_used × gas_price_wei`).
    pub gas_price_wei: U256,
    /// The nonce the transaction carries; checked against the sender's when given.
    pub nonce: Option<u64>,
    /// EIP-2930 access list: warm from the start, 2 400 gas per address and 1 900 per key.
    pub access_list: Vec<(Address, Vec<B256>)>,
}

/// A state override of one account for [`Devnode::simulate`] (`eth_call`'s third parameter).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountOverride {
    /// Balance to set.
    pub balance_wei: Option<U256>,
    /// Nonce to set.
    pub nonce: Option<u64>,
    /// Code to set (its codehash follows; a Stylus codehash still needs activation to run).
    pub code: Option<Bytes>,
    /// Full storage: every other slot reads zero.
    pub storage: Option<Vec<(U256, U256)>>,
    /// Slots to set, the others kept.
    pub storage_diff: Vec<(U256, U256)>,
}

/// A saved copy of the whole chain ([`Devnode::snapshot`]).
#[derive(Debug, Clone)]
pub struct Snapshot {
    state: WorldState,
    block: BlockEnv,
    params: StylusParams,
    chain_owners: Vec<Address>,
    cache_managers: Vec<Address>,
}

/// An in-process Stylus chain (chain id 412346). By default each transaction is its own block,
/// as on a Nitro dev node, and block number and timestamp change only when set or advanced; the
/// JSON-RPC server opens blocks itself instead ([`Devnode::set_block_per_tx`],
/// [`Devnode::begin_block`]).
pub struct Devnode {
    pub(crate) chain: Option<Box<Chain>>,
    tracing: bool,
    tx_gas_limit: u64,
    block_per_tx: bool,
}

impl Default for Devnode {
    fn default() -> Self {
        Self::new()
    }
}

impl Devnode {
    /// A fresh chain with default Stylus parameters (ArbOS 60), timestamp
    /// [`DEFAULT_TIMESTAMP_SECS`], block 1, zero base fee.
    pub fn new() -> Self {
        Self::with_params(StylusParams::default())
    }

    /// A fresh chain with the given Stylus parameters.
    pub fn with_params(params: StylusParams) -> Self {
        let mut chain = match Chain::new(DEFAULT_TIMESTAMP_SECS) {
            Ok(chain) => chain,
            Err(error) => panic!("the devnode's linker definitions clash: {error}"),
        };
        chain.params = params;
        // The StylusDeployer is served natively; its account holds a placeholder code so that
        // clients see a contract there (and nonce 1, as any contract).
        chain.state.set_code(
            STYLUS_DEPLOYER_ADDRESS,
            Bytes::from_static(&deployer::STYLUS_DEPLOYER_PLACEHOLDER_CODE),
        );
        chain.state.set_nonce(STYLUS_DEPLOYER_ADDRESS, 1);
        chain.state.begin_tx();
        Self {
            chain: Some(Box::new(chain)),
            tracing: false,
            tx_gas_limit: DEFAULT_TX_GAS_LIMIT,
            block_per_tx: true,
        }
    }

    pub(crate) fn chain(&self) -> &Chain {
        self.chain
            .as_deref()
            .unwrap_or_else(|| unreachable!("the chain is only lent during a tx"))
    }

    pub(crate) fn chain_mut(&mut self) -> &mut Chain {
        self.chain
            .as_deref_mut()
            .unwrap_or_else(|| unreachable!("the chain is only lent during a tx"))
    }

    /// The Stylus parameters in force.
    pub fn params(&self) -> &StylusParams {
        &self.chain().params
    }

    /// Adds `amount_wei` to `account`'s balance.
    pub fn fund(&mut self, account: Address, amount_wei: U256) {
        let state = &mut self.chain_mut().state;
        let balance = state.balance_wei(account);
        state.set_balance_wei(account, balance + amount_wei);
    }

    /// Sets `account`'s balance (`anvil_setBalance`).
    pub fn set_balance(&mut self, account: Address, balance_wei: U256) {
        self.chain_mut().state.set_balance_wei(account, balance_wei);
    }

    /// Balance of `account` in wei.
    pub fn balance(&self, account: Address) -> U256 {
        self.chain().state.balance_wei(account)
    }

    /// Nonce of `account`.
    pub fn nonce(&self, account: Address) -> u64 {
        self.chain().state.nonce(account)
    }

    /// Code of `account`.
    pub fn code(&self, account: Address) -> Bytes {
        self.chain().state.code(account)
    }

    /// The codehash of `account`'s code (keccak of empty code for an account without code, zero
    /// for an absent one).
    pub fn code_hash(&self, account: Address) -> B256 {
        self.chain()
            .state
            .account(account)
            .map_or(B256::ZERO, |a| a.code_hash)
    }

    /// Storage slot of `account`.
    pub fn storage(&self, account: Address, slot: U256) -> U256 {
        self.chain().state.storage(account, slot)
    }

    /// Turns the per-hostio ink trace on or off for later transactions.
    pub fn set_ink_trace(&mut self, on: bool) {
        self.tracing = on;
    }

    /// Sets the gas limit of later transactions.
    pub fn set_tx_gas_limit(&mut self, gas: u64) {
        self.tx_gas_limit = gas;
    }

    /// The chain id (`chainid` hostio; EIP-712 domains bind to it).
    pub fn chain_id(&self) -> u64 {
        self.chain().block.chain_id
    }

    /// The `block_number` answer (the L1 block number, §4.3).
    pub fn block_number(&self) -> u64 {
        self.chain().block.number
    }

    /// Sets the block number.
    pub fn set_block_number(&mut self, number: u64) {
        self.chain_mut().block.number = number;
    }

    /// The block timestamp.
    pub fn timestamp(&self) -> u64 {
        self.chain().block.timestamp_secs
    }

    /// Sets the block timestamp.
    pub fn set_timestamp(&mut self, timestamp_secs: u64) {
        self.chain_mut().block.timestamp_secs = timestamp_secs;
    }

    /// Moves the clock forward by `secs`.
    pub fn advance_time(&mut self, secs: u64) {
        self.chain_mut().block.timestamp_secs += secs;
    }

    /// Sets the base fee (also the gas price every transaction of [`Devnode::send`] pays).
    pub fn set_basefee_wei(&mut self, basefee_wei: U256) {
        self.chain_mut().block.basefee_wei = basefee_wei;
    }

    /// The base fee in wei.
    pub fn basefee_wei(&self) -> U256 {
        self.chain().block.basefee_wei
    }

    /// The coinbase (`block_coinbase`): Arbitrum's sequencer address.
    pub fn coinbase(&self) -> Address {
        self.chain().block.coinbase
    }

    /// Whether `codehash` is activated.
    pub fn is_activated(&self, codehash: B256) -> bool {
        self.chain().state.program(codehash).is_some()
    }

    /// With `true` (the default) every transaction starts a block of its own, with a fresh
    /// recent-wasms LRU (§1.7). With `false` the caller opens blocks with
    /// [`Devnode::begin_block`] and the transactions of a block share the LRU.
    pub fn set_block_per_tx(&mut self, on: bool) {
        self.block_per_tx = on;
    }

    /// Opens a block: sets the `block_number` and `block_timestamp` answers and empties the
    /// recent-wasms LRU.
    pub fn begin_block(&mut self, number: u64, timestamp_secs: u64) {
        let chain = self.chain_mut();
        chain.block.number = number;
        chain.block.timestamp_secs = timestamp_secs;
        chain.begin_block();
    }

    /// A copy of the whole chain state (accounts, programs, pricer, block context, parameters,
    /// chain owners and cache managers), to [`Devnode::restore`] later.
    pub fn snapshot(&self) -> Snapshot {
        let chain = self.chain();
        Snapshot {
            state: chain.state.clone(),
            block: chain.block.clone(),
            params: chain.params.clone(),
            chain_owners: chain.chain_owners.clone(),
            cache_managers: chain.cache_managers.clone(),
        }
    }

    /// Puts back a state saved by [`Devnode::snapshot`].
    pub fn restore(&mut self, snapshot: Snapshot) {
        let chain = self.chain_mut();
        chain.state = snapshot.state;
        chain.state.begin_tx();
        chain.block = snapshot.block;
        chain.params = snapshot.params;
        chain.chain_owners = snapshot.chain_owners;
        chain.cache_managers = snapshot.cache_managers;
        chain.recent_wasms.clear();
    }

    /// The chain owners ([`crate::CHAIN_OWNER`] on a fresh devnode). They may cache and evict
    /// programs through ArbWasmCache.
    pub fn chain_owners(&self) -> &[Address] {
        &self.chain().chain_owners
    }

    /// ArbWasmCache's cache managers (none on a fresh devnode).
    pub fn cache_managers(&self) -> &[Address] {
        &self.chain().cache_managers
    }

    /// Adds a cache manager (what `ArbOwner.addWasmCacheManager` does).
    pub fn add_cache_manager(&mut self, manager: Address) {
        let managers = &mut self.chain_mut().cache_managers;
        if !managers.contains(&manager) {
            managers.push(manager);
        }
    }

    /// Caches `codehash` as a chain owner would through `ArbWasmCache.cacheProgram` (no
    /// transaction, no gas): later calls into it pay only the cached init charge. Errors when it
    /// is not activated, activated under another Stylus version, or expired.
    pub fn cache_program(&mut self, codehash: B256) -> Result<(), ExecError> {
        let chain = self.chain_mut();
        let result = arbwasm_cache::set_cached(chain, codehash, true);
        chain.state.begin_tx();
        result
            .map(|_| ())
            .map_err(|refusal| refusal.into_exec_error(codehash))
    }

    /// Clears the cached flag of `codehash` (`ArbWasmCache.evictCodehash`, as a chain owner).
    pub fn evict_program(&mut self, codehash: B256) {
        let chain = self.chain_mut();
        // Evicting never refuses.
        let _ = arbwasm_cache::set_cached(chain, codehash, false);
        chain.state.begin_tx();
    }

    /// Whether `codehash` is cached through ArbWasmCache.
    pub fn is_cached(&self, codehash: B256) -> bool {
        self.chain()
            .state
            .program(codehash)
            .is_some_and(|r| r.cached)
    }

    /// A transaction calling `to`: commits on success, keeps only the nonce and fee on failure.
    pub fn send(
        &mut self,
        from: Address,
        to: Address,
        value_wei: U256,
        calldata: impl Into<Bytes>,
    ) -> Receipt {
        self.transact(from, Some(to), value_wei, calldata.into(), true)
    }

    /// An `eth_call`: runs like [`Devnode::send`] from `from` and never commits.
    pub fn call(&mut self, from: Address, to: Address, calldata: impl Into<Bytes>) -> Receipt {
        self.transact(from, Some(to), U256::ZERO, calldata.into(), false)
    }

    /// A creation transaction with `init_code` (only the cargo-stylus prelude runs, see
    /// [`crate::initcode`]).
    pub fn send_create(
        &mut self,
        from: Address,
        init_code: impl Into<Bytes>,
        value_wei: U256,
    ) -> Receipt {
        self.transact(from, None, value_wei, init_code.into(), true)
    }

    /// Runs and commits a transaction. `Err` is an invalid transaction (nonce, balance for
    /// `gas_limit × gas_price + value`, intrinsic gas, init-code size), which changes nothing;
    /// otherwise the receipt — on failure only the nonce and the fee are kept.
    pub fn execute(&mut self, tx: &TxRequest) -> Result<Receipt, ExecError> {
        self.run(tx, true, &[])
    }

    /// Runs a transaction with `overrides` applied first and commits nothing (`eth_call`,
    /// `eth_estimateGas`). The recent-wasms LRU starts empty and is left as it was.
    pub fn simulate(
        &mut self,
        tx: &TxRequest,
        overrides: &[(Address, AccountOverride)],
    ) -> Result<Receipt, ExecError> {
        self.run(tx, false, overrides)
    }

    /// Typed `eth_call` through an alloy `sol!` call: the decoded return or the revert.
    pub fn call_sol<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: &C,
    ) -> Result<C::Return, SolCallError> {
        let receipt = self.call(from, to, call.abi_encode());
        decode_sol::<C>(receipt)
    }

    /// Typed transaction through an alloy `sol!` call: the decoded return or the revert.
    pub fn send_sol<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        value_wei: U256,
        call: &C,
    ) -> Result<C::Return, SolCallError> {
        let receipt = self.send(from, to, value_wei, call.abi_encode());
        decode_sol::<C>(receipt)
    }

    /// Activates the program at `program` through `ArbWasm.activateProgram`, paying the data fee
    /// that a simulation reports (cargo-stylus simulates too; the devnode needs no 20 % margin
    /// because nothing moves between the simulation and the transaction).
    pub fn activate(&mut self, from: Address, program: Address) -> Receipt {
        let call = ArbWasm::activateProgramCall { program };
        let fee_wei = match self.activation_fee(from, program, None) {
            Ok(fee_wei) => fee_wei,
            Err(simulation) => return *simulation,
        };
        self.send(from, ARBWASM_ADDRESS, fee_wei, call.abi_encode())
    }

    /// The data fee `ArbWasm.activateProgram(program)` would charge now, simulated with 1 ETH of
    /// value and a 1 ETH balance override, as cargo-stylus simulates; with `code`, `program`'s
    /// code is overridden first (how cargo-stylus prices code that is not deployed yet). `Err`
    /// is the failed simulation.
    fn activation_fee(
        &mut self,
        from: Address,
        program: Address,
        code: Option<Bytes>,
    ) -> Result<U256, Box<Receipt>> {
        let one_eth = U256::from(10).pow(U256::from(18));
        let mut overrides = vec![(
            from,
            AccountOverride {
                balance_wei: Some(self.balance(from).saturating_add(one_eth)),
                ..AccountOverride::default()
            },
        )];
        if code.is_some() {
            overrides.push((
                program,
                AccountOverride {
                    code,
                    ..AccountOverride::default()
                },
            ));
        }
        let tx = TxRequest {
            from,
            to: Some(ARBWASM_ADDRESS),
            value_wei: one_eth,
            data: ArbWasm::activateProgramCall { program }.abi_encode().into(),
            gas_limit: self.tx_gas_limit,
            gas_price_wei: self.basefee_wei(),
            ..TxRequest::default()
        };
        let simulation = self
            .simulate(&tx, &overrides)
            .unwrap_or_else(Receipt::invalid);
        if !simulation.status {
            return Err(Box::new(simulation));
        }
        ArbWasm::activateProgramCall::abi_decode_returns(&simulation.return_data)
            .map(|ret| ret.dataFee)
            .map_err(|_| Box::new(simulation))
    }

    /// The cargo-stylus deploy flow (§7): a creation transaction of prelude + `code`, then
    /// `ArbWasm.activateProgram` unless the codehash is active, then — when `constructor_args`
    /// (ABI-encoded, without selector) is given — a call with selector 0x5585258d carrying
    /// `value_wei`. Without constructor, `value_wei` is the creation's endowment.
    ///
    /// Three transactions: between them anyone could call the constructor first. Real chains
    /// need [`Devnode::deploy_with_deployer`]; this flow reports the gas of each part.
    pub fn deploy(
        &mut self,
        from: Address,
        code: &[u8],
        constructor_args: Option<&[u8]>,
        value_wei: U256,
    ) -> Result<Deployment, DeployError> {
        let endowment_wei = if constructor_args.is_some() {
            U256::ZERO
        } else {
            value_wei
        };
        let created = self.send_create(from, deploy_init_code(code), endowment_wei);
        let Some(address) = created.contract_address.filter(|_| created.status) else {
            return Err(DeployError::Create {
                receipt: Box::new(created),
            });
        };
        let codehash = self.code_hash(address);
        let mut deployment = Deployment {
            address,
            codehash,
            create_gas: created.gas_used,
            activation_gas: None,
            data_fee_wei: U256::ZERO,
            constructor_gas: None,
        };
        if !self.is_activated(codehash) {
            let activated = self.activate(from, address);
            if !activated.status {
                return Err(DeployError::Activate {
                    address,
                    receipt: Box::new(activated),
                });
            }
            deployment.activation_gas = Some(activated.gas_used);
            deployment.data_fee_wei =
                ArbWasm::activateProgramCall::abi_decode_returns(&activated.return_data)
                    .map_or(U256::ZERO, |ret| ret.dataFee);
        }
        if let Some(args) = constructor_args {
            let mut calldata = CONSTRUCTOR_SELECTOR.to_vec();
            calldata.extend_from_slice(args);
            let constructed = self.send(from, address, value_wei, calldata);
            if !constructed.status {
                return Err(DeployError::Constructor {
                    address,
                    receipt: Box::new(constructed),
                });
            }
            deployment.constructor_gas = Some(constructed.gas_used);
        }
        Ok(deployment)
    }

    /// cargo-stylus's deploy path for contracts with a constructor (§7): one transaction to the
    /// StylusDeployer that creates the contract from prelude + `code` (CREATE2 with
    /// `initSalt(salt, initData)` when `salt` is non-zero), activates it unless its codehash is
    /// active (paying the data fee a simulation reports, as [`Devnode::activate`] does), and
    /// calls the constructor — selector 0x5585258d + `constructor_args` — with `value_wei`.
    /// Without `constructor_args` no constructor runs and `value_wei` must be zero (the deployer
    /// reverts `InitValueButNotInitData()` otherwise).
    pub fn deploy_with_deployer(
        &mut self,
        from: Address,
        code: &[u8],
        constructor_args: Option<&[u8]>,
        value_wei: U256,
        salt: B256,
    ) -> Result<DeployerDeployment, DeployError> {
        let init_data = constructor_args
            .map(|args| {
                let mut data = CONSTRUCTOR_SELECTOR.to_vec();
                data.extend_from_slice(args);
                data
            })
            .unwrap_or_default();
        let codehash = keccak256(code);
        let mut data_fee_wei = U256::ZERO;
        if !self.is_activated(codehash) {
            // Price the activation on a scratch address holding the code.
            let probe = Address::from_word(keccak256(b"stylus-devnode activation fee probe"));
            data_fee_wei = self
                .activation_fee(from, probe, Some(Bytes::copy_from_slice(code)))
                .map_err(|simulation| DeployError::Activate {
                    address: probe,
                    receipt: simulation,
                })?;
        }
        let call = StylusDeployer::deployCall {
            bytecode: deploy_init_code(code).into(),
            initData: init_data.into(),
            initValue: value_wei,
            salt,
        };
        let receipt = self.send(
            from,
            STYLUS_DEPLOYER_ADDRESS,
            data_fee_wei + value_wei,
            call.abi_encode(),
        );
        let address = match StylusDeployer::deployCall::abi_decode_returns(&receipt.return_data) {
            Ok(address) if receipt.status => address,
            _ => {
                return Err(DeployError::Deployer {
                    receipt: Box::new(receipt),
                })
            }
        };
        Ok(DeployerDeployment {
            address,
            codehash,
            data_fee_wei,
            receipt,
        })
    }

    /// Runs one transaction of [`Devnode::send`] and friends: the node's gas limit, the base fee
    /// as price, no nonce check; an invalid transaction becomes a failed receipt.
    fn transact(
        &mut self,
        from: Address,
        to: Option<Address>,
        value_wei: U256,
        data: Bytes,
        commit: bool,
    ) -> Receipt {
        let tx = TxRequest {
            from,
            to,
            value_wei,
            data,
            gas_limit: self.tx_gas_limit,
            gas_price_wei: self.basefee_wei(),
            ..TxRequest::default()
        };
        self.run(&tx, commit, &[]).unwrap_or_else(Receipt::invalid)
    }

    /// Runs one transaction. `commit = false` is an `eth_call`, with `overrides` applied first.
    fn run(
        &mut self,
        tx: &TxRequest,
        commit: bool,
        overrides: &[(Address, AccountOverride)],
    ) -> Result<Receipt, ExecError> {
        let Some(mut chain) = self.chain.take() else {
            unreachable!("the chain is only lent during a tx")
        };
        let block_lru = if commit {
            if self.block_per_tx {
                chain.begin_block();
            }
            None
        } else {
            Some(std::mem::take(&mut chain.recent_wasms))
        };
        chain.begin_tx(tx.from, tx.gas_price_wei, self.tracing);
        let before_tx = chain.state.checkpoint();
        if !overrides.is_empty() {
            apply_overrides(&mut chain.state, overrides);
            chain.state.reset_originals();
        }
        let (mut chain, receipt) = run_tx(chain, tx);
        if !commit {
            chain.state.revert_to(before_tx);
        }
        if let Some(lru) = block_lru {
            chain.recent_wasms = lru;
        }
        chain.state.begin_tx();
        self.chain = Some(chain);
        receipt
    }
}

fn apply_overrides(state: &mut WorldState, overrides: &[(Address, AccountOverride)]) {
    for (address, o) in overrides {
        if let Some(balance) = o.balance_wei {
            state.set_balance_wei(*address, balance);
        }
        if let Some(nonce) = o.nonce {
            state.set_nonce(*address, nonce);
        }
        if let Some(code) = &o.code {
            state.set_code(*address, code.clone());
        }
        if let Some(storage) = &o.storage {
            state.clear_storage(*address);
            for (key, value) in storage {
                state.set_storage(*address, *key, *value);
            }
        }
        for (key, value) in &o.storage_diff {
            state.set_storage(*address, *key, *value);
        }
    }
}

fn decode_sol<C: SolCall>(receipt: Receipt) -> Result<C::Return, SolCallError> {
    if !receipt.status {
        return Err(SolCallError::Reverted {
            data: receipt.return_data,
            error: receipt.error,
        });
    }
    C::abi_decode_returns(&receipt.return_data).map_err(|e| SolCallError::BadReturnData {
        data: receipt.return_data.clone(),
        reason: e.to_string(),
    })
}

/// The transaction body: validity checks, fee purchase, nonce, the frame, refund (≤ gas_used/5)
/// and fee settlement. An invalid transaction changes nothing.
fn run_tx(mut chain: Box<Chain>, tx: &TxRequest) -> (Box<Chain>, Result<Receipt, ExecError>) {
    let before = chain.state.checkpoint();
    let creation = tx.to.is_none();
    if let Some(nonce) = tx.nonce {
        let expected = chain.state.nonce(tx.from);
        if nonce != expected {
            let error = ExecError::NonceMismatch {
                expected,
                got: nonce,
            };
            return (chain, Err(error));
        }
    }
    if creation && tx.data.len() > MAX_INIT_CODE_BYTES {
        let error = ExecError::CodeSizeExceeded {
            len_bytes: tx.data.len(),
        };
        return (chain, Err(error));
    }
    let intrinsic = intrinsic_gas(&tx.data, creation) + access_list_gas(&tx.access_list);
    if intrinsic > tx.gas_limit {
        let error = ExecError::OutOfGas {
            need_gas: intrinsic,
            have_gas: tx.gas_limit,
        };
        return (chain, Err(error));
    }
    let gas_price_wei = tx.gas_price_wei;
    let upfront_wei = U256::from(tx.gas_limit).saturating_mul(gas_price_wei);
    let balance = chain.state.balance_wei(tx.from);
    let want_wei = upfront_wei.saturating_add(tx.value_wei);
    if balance < want_wei {
        chain.state.revert_to(before);
        let error = ExecError::InsufficientBalance {
            address: tx.from,
            have_wei: balance,
            want_wei,
        };
        return (chain, Err(error));
    }
    chain.state.set_balance_wei(tx.from, balance - upfront_wei);
    chain.state.warm_address(tx.from);
    let coinbase = chain.block.coinbase;
    chain.state.warm_address(coinbase);
    for precompile in precompile_addresses() {
        chain.state.warm_address(precompile);
    }
    for (address, keys) in &tx.access_list {
        chain.state.warm_address(*address);
        for key in keys {
            chain.state.warm_slot(*address, U256::from_be_bytes(key.0));
        }
    }
    let frame_gas = tx.gas_limit - intrinsic;
    let (mut chain, result, contract_address) = match tx.to {
        Some(to) => {
            chain.state.warm_address(to);
            let nonce = chain.state.nonce(tx.from);
            chain.state.set_nonce(tx.from, nonce + 1);
            let message = Message {
                kind: CallKind::Call,
                caller: tx.from,
                address: to,
                code_address: to,
                value_wei: tx.value_wei,
                input: tx.data.clone(),
                gas: frame_gas,
                is_static: false,
                depth: 0,
            };
            let (chain, result) = exec::call(chain, message);
            (chain, result, None)
        }
        None => {
            let message = CreateMessage {
                caller: tx.from,
                value_wei: tx.value_wei,
                init: tx.data.clone(),
                salt: None,
                gas: frame_gas,
                depth: 0,
            };
            let (chain, created) = exec::create(chain, message);
            (chain, created.result, created.address)
        }
    };
    let FrameResult {
        outcome: _,
        gas_left,
        output,
    } = result.clone();
    let status = result.is_success();
    let mut gas_used = tx.gas_limit - gas_left;
    let refund_gas = if status {
        (chain.state.refund_gas().max(0) as u64).min(gas_used / 5)
    } else {
        0
    };
    gas_used -= refund_gas;
    let balance = chain.state.balance_wei(tx.from);
    let unused_wei = U256::from(tx.gas_limit - gas_used) * gas_price_wei;
    chain.state.set_balance_wei(tx.from, balance + unused_wei);
    let logs = chain.state.take_logs();
    let ink_trace = chain.ink_trace.take().unwrap_or_default();
    let frames = chain.frame_trace.take().unwrap_or_default();
    let receipt = Receipt {
        status,
        return_data: output,
        gas_used,
        refund_gas,
        logs,
        contract_address: contract_address.filter(|_| status),
        ink_trace,
        frames,
        error: result.error().cloned(),
    };
    (chain, Ok(receipt))
}
