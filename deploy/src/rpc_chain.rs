//! [`Chain`] over Ethereum JSON-RPC, through alloy's provider: the devnode server, a Nitro dev
//! node, Arbitrum Sepolia.
//!
//! * Transactions are EIP-1559, signed locally with the keys the scenario added
//!   ([`Chain::add_signer`]), nonces counted locally after one `eth_getTransactionCount`, and sent
//!   with `eth_sendRawTransaction`; the receipt is polled every 10 ms (an automining devnode
//!   answers at once; a real node within a block).
//! * A receipt carries no return data, so every transaction is first simulated with `eth_call`
//!   on the state it then runs on: the return value of a success and the revert data of a
//!   failure come from that simulation. A simulated revert is still sent (with a fixed gas
//!   limit): the suite checks that it reverts on chain and changes nothing.
//! * On a node with the dev methods (`evm_setNextBlockTimestamp`, `evm_mine`,
//!   `anvil_setBalance`) the clock is frozen, as on the embedded devnode: every block is stamped
//!   with the same time until [`Chain::advance_time`] moves it, so that what a view says now is
//!   what the next transaction sees. Without them, time is the node's own.

use std::collections::HashMap;
use std::future::IntoFuture;
use std::time::{Duration, Instant};

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_eips::BlockId;
use alloy_network::{ReceiptResponse, TransactionBuilder, TxSignerSync};
use alloy_primitives::{keccak256, Address, Bytes, TxKind, B256, U256};
use alloy_provider::{Provider, ProviderBuilder, RootProvider};
use alloy_rpc_types_eth::state::{AccountOverride, StateOverride};
use alloy_rpc_types_eth::{BlockNumberOrTag, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolCall;
use stylus_devnode::initcode::deploy_init_code;
use stylus_devnode::{ArbWasm, ArbWasmCache, ARBWASM_ADDRESS, ARBWASM_CACHE_ADDRESS};
use stylus_devnode::{StylusDeployer, STYLUS_DEPLOYER_ADDRESS};
use tokio::runtime::Runtime;

use crate::chain::{rejected, Chain, ChainError, Deployed, Outcome};

/// Gas limit of every transaction: simulated reverts cannot be estimated, and Stylus charges
/// only the gas used. 30M is under Arbitrum's 32M per-transaction limit.
pub const TX_GAS_LIMIT: u64 = 30_000_000;
/// The activation data fee is paid with this margin in percent, as cargo-stylus does; the
/// StylusDeployer refunds what is not used.
pub const DATA_FEE_BUMP_PERCENT: u64 = 20;
/// How long a transaction may take to be mined before the backend gives up.
pub const RECEIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// A JSON-RPC node as a [`Chain`].
pub struct RpcChain {
    url: String,
    runtime: Runtime,
    provider: RootProvider,
    chain_id: u64,
    dev_methods: bool,
    /// The frozen clock (dev-method nodes only).
    clock_secs: Option<u64>,
    signers: HashMap<Address, PrivateKeySigner>,
    nonces: HashMap<Address, u64>,
    funder: Option<Address>,
}

impl RpcChain {
    /// Connects to `url`, reads its chain id and probes for the dev methods. `funder` pays
    /// [`Chain::fund`] on a node without `anvil_setBalance` and acts as cache manager.
    ///
    /// # Errors
    /// [`ChainError::Node`] when the node does not answer.
    pub fn connect(url: &str, funder: Option<PrivateKeySigner>) -> Result<Self, ChainError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ChainError::Node(format!("a client runtime: {e}")))?;
        let provider = runtime
            .block_on(ProviderBuilder::default().connect(url))
            .map_err(|e| ChainError::Node(format!("{url}: {e}")))?;
        let chain_id = runtime
            .block_on(provider.get_chain_id())
            .map_err(|e| ChainError::Node(format!("{url}: eth_chainId: {e}")))?;
        let mut chain = Self {
            url: url.to_string(),
            runtime,
            provider,
            chain_id,
            dev_methods: false,
            clock_secs: None,
            signers: HashMap::new(),
            nonces: HashMap::new(),
            funder: None,
        };
        chain.dev_methods = chain.probe_dev_methods();
        if chain.dev_methods {
            chain.clock_secs = Some(chain.latest_timestamp()?);
        }
        if let Some(funder) = funder {
            chain.funder = Some(funder.address());
            chain.add_signer(&funder);
        }
        Ok(chain)
    }

    /// The node's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn block_on<F: IntoFuture>(&self, future: F) -> F::Output {
        self.runtime.block_on(future.into_future())
    }

    /// A dev method call whose result is ignored.
    fn dev(
        &self,
        method: &'static str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, ChainError> {
        self.block_on(
            self.provider
                .raw_request::<_, serde_json::Value>(method.into(), params),
        )
        .map_err(|e| ChainError::Node(format!("{method}: {e}")))
    }

    /// `evm_snapshot` answered (then discarded with `evm_revert`): anvil, Hardhat and the
    /// devnode server serve the dev methods; a Nitro node does not.
    fn probe_dev_methods(&self) -> bool {
        match self.dev("evm_snapshot", serde_json::json!([])) {
            Ok(id) => self.dev("evm_revert", serde_json::json!([id])).is_ok(),
            Err(_) => false,
        }
    }

    fn latest_timestamp(&self) -> Result<u64, ChainError> {
        let block = self
            .block_on(self.provider.get_block_by_number(BlockNumberOrTag::Latest))
            .map_err(|e| ChainError::Node(format!("eth_getBlockByNumber: {e}")))?
            .ok_or_else(|| ChainError::Node("no latest block".into()))?;
        Ok(block.header.timestamp)
    }

    /// Simulates a transaction on the latest state: `Ok(return data)` or `Err(revert data)`.
    fn simulate(
        &self,
        request: TransactionRequest,
        overrides: Option<StateOverride>,
    ) -> Result<Bytes, Box<Outcome>> {
        let call = self
            .provider
            .call(request)
            .block(BlockId::latest())
            .overrides_opt(overrides);
        self.block_on(call).map_err(|error| {
            Box::new(
                match error.as_error_resp().and_then(|e| e.as_revert_data()) {
                    Some(data) => Outcome {
                        return_data: data,
                        failure: None,
                        ..rejected("")
                    },
                    None => rejected(format!("eth_call: {error}")),
                },
            )
        })
    }

    fn next_nonce(&mut self, from: Address) -> Result<u64, String> {
        if let Some(nonce) = self.nonces.get(&from) {
            return Ok(*nonce);
        }
        let nonce = self
            .block_on(self.provider.get_transaction_count(from).pending())
            .map_err(|e| format!("eth_getTransactionCount: {e}"))?;
        self.nonces.insert(from, nonce);
        Ok(nonce)
    }

    /// Signs and sends one transaction and waits for its receipt; `simulated` is what the
    /// simulation returned.
    fn submit(
        &mut self,
        from: Address,
        to: Address,
        value_wei: U256,
        data: Bytes,
        simulated: Result<Bytes, Box<Outcome>>,
    ) -> Outcome {
        let Some(signer) = self.signers.get(&from).cloned() else {
            return rejected(format!("no key for {from}: add_signer first"));
        };
        let nonce = match self.next_nonce(from) {
            Ok(nonce) => nonce,
            Err(why) => return rejected(why),
        };
        let gas_price = match self.block_on(self.provider.get_gas_price()) {
            Ok(price) => price,
            Err(e) => return rejected(format!("eth_gasPrice: {e}")),
        };
        let mut tx = TxEip1559 {
            chain_id: self.chain_id,
            nonce,
            gas_limit: TX_GAS_LIMIT,
            max_fee_per_gas: gas_price.saturating_mul(2),
            max_priority_fee_per_gas: 0,
            to: TxKind::Call(to),
            value: value_wei,
            access_list: Default::default(),
            input: data,
        };
        let signature = match signer.sign_transaction_sync(&mut tx) {
            Ok(signature) => signature,
            Err(e) => return rejected(format!("signing: {e}")),
        };
        let raw = TxEnvelope::from(tx.into_signed(signature)).encoded_2718();
        if let Some(clock) = self.clock_secs {
            if let Err(e) = self.dev("evm_setNextBlockTimestamp", serde_json::json!([clock])) {
                return rejected(e.to_string());
            }
        }
        let hash = match self.block_on(self.provider.send_raw_transaction(&raw)) {
            Ok(pending) => *pending.tx_hash(),
            Err(e) => {
                self.nonces.remove(&from);
                return rejected(format!("eth_sendRawTransaction: {e}"));
            }
        };
        self.nonces.insert(from, nonce + 1);
        let started = Instant::now();
        let receipt = loop {
            match self.block_on(self.provider.get_transaction_receipt(hash)) {
                Ok(Some(receipt)) => break receipt,
                Ok(None) if started.elapsed() < RECEIPT_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Ok(None) => return rejected(format!("{hash} not mined in {RECEIPT_TIMEOUT:?}")),
                Err(e) => return rejected(format!("eth_getTransactionReceipt: {e}")),
            }
        };
        let status = receipt.status();
        let (return_data, failure) = match (simulated, status) {
            (Ok(data), true) => (data, None),
            (Err(reverted), false) => (reverted.return_data, reverted.failure),
            (Ok(_), false) => (
                Bytes::new(),
                Some("reverted on chain, not in simulation".into()),
            ),
            (Err(_), true) => (
                Bytes::new(),
                Some("succeeded on chain, reverted in simulation".into()),
            ),
        };
        Outcome {
            status,
            return_data,
            gas_used: receipt.gas_used(),
            fee_wei: U256::from(receipt.gas_used()) * U256::from(receipt.effective_gas_price()),
            logs: receipt
                .inner
                .logs()
                .iter()
                .map(|log| log.inner.clone())
                .collect(),
            failure,
        }
    }

    fn request(from: Address, to: Address, value_wei: U256, data: Bytes) -> TransactionRequest {
        TransactionRequest::default()
            .with_from(from)
            .with_to(to)
            .with_value(value_wei)
            .with_input(data)
            .with_gas_limit(TX_GAS_LIMIT)
    }
}

impl Chain for RpcChain {
    fn describe(&self) -> String {
        format!("{} (chain id {})", self.url, self.chain_id)
    }

    fn chain_id(&mut self) -> u64 {
        self.chain_id
    }

    fn block_number(&mut self) -> u64 {
        self.block_on(self.provider.get_block_number())
            .unwrap_or_else(|e| panic!("eth_blockNumber on {}: {e}", self.url))
    }

    fn timestamp(&mut self) -> u64 {
        match self.clock_secs {
            Some(clock) => clock,
            None => self
                .latest_timestamp()
                .unwrap_or_else(|e| panic!("{}: {e}", self.url)),
        }
    }

    fn balance(&mut self, account: Address) -> U256 {
        self.block_on(self.provider.get_balance(account))
            .unwrap_or_else(|e| panic!("eth_getBalance on {}: {e}", self.url))
    }

    fn code(&mut self, account: Address) -> Bytes {
        self.block_on(self.provider.get_code_at(account))
            .unwrap_or_else(|e| panic!("eth_getCode on {}: {e}", self.url))
    }

    fn add_signer(&mut self, signer: &PrivateKeySigner) {
        self.signers.insert(signer.address(), signer.clone());
    }

    fn send(&mut self, from: Address, to: Address, value_wei: U256, data: Bytes) -> Outcome {
        let simulated = self.simulate(Self::request(from, to, value_wei, data.clone()), None);
        self.submit(from, to, value_wei, data, simulated)
    }

    fn call(&mut self, from: Address, to: Address, data: Bytes) -> Outcome {
        match self.simulate(Self::request(from, to, U256::ZERO, data), None) {
            Ok(return_data) => Outcome {
                status: true,
                return_data,
                failure: None,
                ..rejected("")
            },
            Err(outcome) => *outcome,
        }
    }

    fn has_dev_methods(&mut self) -> bool {
        self.dev_methods
    }

    fn advance_time(&mut self, secs: u64) -> Result<(), ChainError> {
        let Some(clock) = self.clock_secs else {
            return Err(ChainError::NoDevMethods("advance_time"));
        };
        let next = clock.saturating_add(secs);
        self.dev("evm_setNextBlockTimestamp", serde_json::json!([next]))?;
        self.dev("evm_mine", serde_json::json!([]))?;
        self.clock_secs = Some(next);
        Ok(())
    }

    fn fund(&mut self, account: Address, amount_wei: U256) -> Result<(), ChainError> {
        if self.dev_methods {
            let balance = self.balance(account).saturating_add(amount_wei);
            self.dev("anvil_setBalance", serde_json::json!([account, balance]))?;
            return Ok(());
        }
        let Some(funder) = self.funder else {
            return Err(ChainError::NoDevMethods("fund (without a funding key)"));
        };
        let sent = self.send(funder, account, amount_wei, Bytes::new());
        if sent.status {
            Ok(())
        } else {
            Err(ChainError::Node(format!(
                "funding {account} with {amount_wei} wei from {funder}: {}",
                sent.failure.unwrap_or_else(|| "reverted".into())
            )))
        }
    }

    fn deploy_program(
        &mut self,
        from: Address,
        code: &[u8],
        init_data: Bytes,
        value_wei: U256,
        salt: B256,
    ) -> Result<Deployed, Box<Outcome>> {
        let codehash = keccak256(code);
        // The data fee, as cargo-stylus prices it: activate a scratch address holding the code,
        // with 1 ETH of value and balance overridden. An active codehash reverts (no fee).
        let probe = Address::from_word(keccak256(b"mutual-deploy activation fee probe"));
        let one_eth = U256::from(10).pow(U256::from(18));
        let mut overrides = StateOverride::default();
        overrides.insert(
            probe,
            AccountOverride::default().with_code(Bytes::copy_from_slice(code)),
        );
        overrides.insert(
            from,
            AccountOverride::default().with_balance(self.balance(from).saturating_add(one_eth)),
        );
        let activation = Self::request(
            from,
            ARBWASM_ADDRESS,
            one_eth,
            ArbWasm::activateProgramCall { program: probe }
                .abi_encode()
                .into(),
        );
        let data_fee_wei = match self.simulate(activation, Some(overrides)) {
            Ok(ret) => ArbWasm::activateProgramCall::abi_decode_returns(&ret)
                .map(|ret| ret.dataFee)
                .map_err(|e| Box::new(rejected(format!("activateProgram returned {ret}: {e}"))))?,
            Err(_) => U256::ZERO,
        };
        let bumped_fee_wei =
            data_fee_wei * U256::from(100 + DATA_FEE_BUMP_PERCENT) / U256::from(100);
        let call = StylusDeployer::deployCall {
            bytecode: deploy_init_code(code).into(),
            initData: init_data,
            initValue: value_wei,
            salt,
        };
        let outcome = self.send(
            from,
            STYLUS_DEPLOYER_ADDRESS,
            bumped_fee_wei + value_wei,
            call.abi_encode().into(),
        );
        match StylusDeployer::deployCall::abi_decode_returns(&outcome.return_data) {
            Ok(address) if outcome.status => Ok(Deployed {
                address,
                codehash,
                outcome,
            }),
            _ => Err(Box::new(outcome)),
        }
    }

    fn cache_program(&mut self, program: Address) -> Result<(), ChainError> {
        let Some(manager) = self.funder else {
            return Err(ChainError::Node(
                "caching needs the cache manager's key".into(),
            ));
        };
        let call = ArbWasmCache::cacheProgramCall { addr: program };
        let sent = self.send(
            manager,
            ARBWASM_CACHE_ADDRESS,
            U256::ZERO,
            call.abi_encode().into(),
        );
        if sent.status {
            Ok(())
        } else {
            Err(ChainError::Node(format!(
                "ArbWasmCache.cacheProgram({program}) from {manager} reverted: {}",
                sent.return_data
            )))
        }
    }
}
