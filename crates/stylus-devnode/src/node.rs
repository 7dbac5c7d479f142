//! The public face: [`Devnode`], [`Receipt`], [`Deployment`].

use alloy_primitives::{Address, Bytes, Log, B256, U256};
use alloy_sol_types::SolCall;
use stylus_activation::StylusParams;

use crate::arbwasm::{ArbWasm, ARBWASM_ADDRESS};
use crate::chain::{Chain, FrameTraceEntry, InkTraceEntry};
use crate::error::{DeployError, ExecError, SolCallError};
use crate::exec::{self, CallKind, CreateMessage, FrameResult, Message};
use crate::initcode::deploy_init_code;
use crate::pricing::intrinsic_gas;

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
    fn invalid(error: ExecError) -> Self {
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

/// An in-process Stylus chain (chain id 412346). Each transaction is its own block, as on a Nitro
/// dev node; block number and timestamp change only when set or advanced.
pub struct Devnode {
    chain: Option<Box<Chain>>,
    tracing: bool,
    tx_gas_limit: u64,
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
        Self {
            chain: Some(Box::new(chain)),
            tracing: false,
            tx_gas_limit: DEFAULT_TX_GAS_LIMIT,
        }
    }

    fn chain(&self) -> &Chain {
        self.chain
            .as_deref()
            .unwrap_or_else(|| unreachable!("the chain is only lent during a tx"))
    }

    fn chain_mut(&mut self) -> &mut Chain {
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

    /// Sets the base fee (also the gas price every transaction pays).
    pub fn set_basefee_wei(&mut self, basefee_wei: U256) {
        self.chain_mut().block.basefee_wei = basefee_wei;
    }

    /// Whether `codehash` is activated.
    pub fn is_activated(&self, codehash: B256) -> bool {
        self.chain().state.program(codehash).is_some()
    }

    /// A transaction calling `to`: commits on success, keeps only the nonce and fee on failure.
    pub fn send(
        &mut self,
        from: Address,
        to: Address,
        value_wei: U256,
        calldata: impl Into<Bytes>,
    ) -> Receipt {
        self.transact(from, Some(to), value_wei, calldata.into(), true, U256::ZERO)
    }

    /// An `eth_call`: runs like [`Devnode::send`] from `from` and never commits.
    pub fn call(&mut self, from: Address, to: Address, calldata: impl Into<Bytes>) -> Receipt {
        self.transact(
            from,
            Some(to),
            U256::ZERO,
            calldata.into(),
            false,
            U256::ZERO,
        )
    }

    /// A creation transaction with `init_code` (only the cargo-stylus prelude runs, see
    /// [`crate::initcode`]).
    pub fn send_create(
        &mut self,
        from: Address,
        init_code: impl Into<Bytes>,
        value_wei: U256,
    ) -> Receipt {
        self.transact(from, None, value_wei, init_code.into(), true, U256::ZERO)
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
        // Simulate with a 1 ETH balance override, as cargo-stylus does.
        let one_eth = U256::from(10).pow(U256::from(18));
        let simulation = self.transact(
            from,
            Some(ARBWASM_ADDRESS),
            one_eth,
            call.abi_encode().into(),
            false,
            one_eth,
        );
        if !simulation.status {
            return simulation;
        }
        let fee_wei =
            match ArbWasm::activateProgramCall::abi_decode_returns(&simulation.return_data) {
                Ok(ret) => ret.dataFee,
                Err(_) => return simulation,
            };
        self.send(from, ARBWASM_ADDRESS, fee_wei, call.abi_encode())
    }

    /// The cargo-stylus deploy flow (§7): a creation transaction of prelude + `code`, then
    /// `ArbWasm.activateProgram` unless the codehash is active, then — when `constructor_args`
    /// (ABI-encoded, without selector) is given — a call with selector 0x5585258d carrying
    /// `value_wei`. Without constructor, `value_wei` is the creation's endowment.
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
        let codehash = self
            .chain()
            .state
            .account(address)
            .map_or(B256::ZERO, |a| a.code_hash);
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

    /// Runs one transaction. `commit = false` is an `eth_call`; `balance_override_wei` is added
    /// to the sender's balance for the run (used only by simulations, which never commit).
    fn transact(
        &mut self,
        from: Address,
        to: Option<Address>,
        value_wei: U256,
        data: Bytes,
        commit: bool,
        balance_override_wei: U256,
    ) -> Receipt {
        let tx = Tx {
            from,
            to,
            value_wei,
            data,
            gas_limit: self.tx_gas_limit,
            balance_override_wei,
        };
        let Some(mut chain) = self.chain.take() else {
            unreachable!("the chain is only lent during a tx")
        };
        chain.begin_tx(from, self.tracing);
        let before_tx = chain.state.checkpoint();
        let (mut chain, receipt) = run_tx(chain, tx);
        if !commit {
            chain.state.revert_to(before_tx);
        }
        chain.state.begin_tx();
        self.chain = Some(chain);
        receipt
    }
}

/// One transaction's fields.
struct Tx {
    from: Address,
    to: Option<Address>,
    value_wei: U256,
    data: Bytes,
    gas_limit: u64,
    balance_override_wei: U256,
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
fn run_tx(mut chain: Box<Chain>, tx: Tx) -> (Box<Chain>, Receipt) {
    let before = chain.state.checkpoint();
    let creation = tx.to.is_none();
    if creation && tx.data.len() > MAX_INIT_CODE_BYTES {
        let error = ExecError::CodeSizeExceeded {
            len_bytes: tx.data.len(),
        };
        return (chain, Receipt::invalid(error));
    }
    let intrinsic = intrinsic_gas(&tx.data, creation);
    if intrinsic > tx.gas_limit {
        let error = ExecError::OutOfGas {
            need_gas: intrinsic,
            have_gas: tx.gas_limit,
        };
        return (chain, Receipt::invalid(error));
    }
    if !tx.balance_override_wei.is_zero() {
        let balance = chain.state.balance_wei(tx.from);
        chain
            .state
            .set_balance_wei(tx.from, balance + tx.balance_override_wei);
    }
    let gas_price_wei = chain.tx.gas_price_wei;
    let upfront_wei = U256::from(tx.gas_limit) * gas_price_wei;
    let balance = chain.state.balance_wei(tx.from);
    if balance < upfront_wei + tx.value_wei {
        chain.state.revert_to(before);
        let error = ExecError::InsufficientBalance {
            address: tx.from,
            have_wei: balance,
            want_wei: upfront_wei + tx.value_wei,
        };
        return (chain, Receipt::invalid(error));
    }
    chain.state.set_balance_wei(tx.from, balance - upfront_wei);
    chain.state.warm_address(tx.from);
    let coinbase = chain.block.coinbase;
    chain.state.warm_address(coinbase);
    for precompile in precompile_addresses() {
        chain.state.warm_address(precompile);
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
                input: tx.data,
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
                init: tx.data,
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
    if !tx.balance_override_wei.is_zero() {
        let balance = chain.state.balance_wei(tx.from);
        chain
            .state
            .set_balance_wei(tx.from, balance.saturating_sub(tx.balance_override_wei));
    }
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
    (chain, receipt)
}
