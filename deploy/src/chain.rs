//! The chain interface the deployer, the main job and the end-to-end suite drive, with two
//! backends: the embedded [`Devnode`] (in process) and any Ethereum JSON-RPC node
//! ([`crate::rpc_chain::RpcChain`]: the devnode server, a Nitro dev node, Arbitrum Sepolia).
//!
//! The interface is the handful of things a scenario does — send a transaction from an account
//! it holds the key of, read a view, read balances and code, fund an account, move time — with
//! one result type, [`Outcome`], so that a scenario is written once and runs on both.

use alloy_primitives::{keccak256, Address, Bytes, Log, B256, U256};
use alloy_signer_local::PrivateKeySigner;
use stylus_devnode::{Devnode, Receipt};

/// What a transaction or a call did.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// True on success.
    pub status: bool,
    /// The return data on success, the revert data on a revert (over JSON-RPC, both come from
    /// simulating the transaction on the state it was then mined on).
    pub return_data: Bytes,
    /// Gas used (0 for a call).
    pub gas_used: u64,
    /// What the sender paid for the gas, in wei (gas used × effective gas price; the embedded
    /// devnode's base fee is 0 unless set).
    pub fee_wei: U256,
    /// The logs (empty unless successful).
    pub logs: Vec<Log>,
    /// Why the transaction failed when it was not a plain revert (out of gas, a trap, a
    /// rejected submission).
    pub failure: Option<String>,
}

impl From<Receipt> for Outcome {
    fn from(receipt: Receipt) -> Self {
        Self {
            status: receipt.status,
            return_data: receipt.return_data,
            gas_used: receipt.gas_used,
            fee_wei: U256::ZERO,
            logs: receipt.logs,
            failure: receipt.error.map(|error| error.to_string()),
        }
    }
}

/// A program deployed through the StylusDeployer.
#[derive(Clone, Debug)]
pub struct Deployed {
    /// The new contract.
    pub address: Address,
    /// `keccak256` of its code (prefix + compressed WASM).
    pub codehash: B256,
    /// The deployment transaction (create + activate + constructor).
    pub outcome: Outcome,
}

/// Why a chain could not do what was asked (as opposed to a transaction that reverted, which
/// is an [`Outcome`]).
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The node lacks the dev methods (`evm_increaseTime`, `anvil_setBalance`, …).
    #[error("{0} needs the dev methods, which this node does not serve")]
    NoDevMethods(&'static str),
    /// The node or the transport failed.
    #[error("{0}")]
    Node(String),
}

/// A chain that scenarios drive. Every method takes `&mut self`: a backend may keep caches
/// (nonces) and JSON-RPC backends block on their transport.
pub trait Chain {
    /// What the chain is, for progress lines (`embedded devnode`, `http://…`).
    fn describe(&self) -> String;
    /// The chain id (EIP-155).
    fn chain_id(&mut self) -> u64;
    /// The latest block's number.
    fn block_number(&mut self) -> u64;
    /// The time the next transaction runs at, as far as the chain fixes it: the latest block's
    /// timestamp (frozen between [`Chain::advance_time`] calls on the devnode backends; a real
    /// node's clock moves on by itself).
    fn timestamp(&mut self) -> u64;
    /// `account`'s balance in wei.
    fn balance(&mut self, account: Address) -> U256;
    /// `account`'s code.
    fn code(&mut self, account: Address) -> Bytes;
    /// Lets the chain send transactions from `signer`'s address (a JSON-RPC backend signs them
    /// locally; the embedded devnode needs no key).
    fn add_signer(&mut self, signer: &PrivateKeySigner);
    /// Sends a transaction from `from` (an added signer) and waits for it to be mined.
    fn send(&mut self, from: Address, to: Address, value_wei: U256, data: Bytes) -> Outcome;
    /// A call (`eth_call` on the latest state); `gas_used` is 0.
    fn call(&mut self, from: Address, to: Address, data: Bytes) -> Outcome;
    /// Whether the chain serves the dev methods (time travel, balance setting).
    fn has_dev_methods(&mut self) -> bool;
    /// Moves the chain's clock `secs` ahead and mines a block there.
    ///
    /// # Errors
    /// [`ChainError::NoDevMethods`] on a node without them.
    fn advance_time(&mut self, secs: u64) -> Result<(), ChainError>;
    /// Gives `account` `amount_wei` more ETH: set directly on a devnode, else transferred from
    /// the backend's funding account.
    ///
    /// # Errors
    /// When neither works (no dev methods and no funds).
    fn fund(&mut self, account: Address, amount_wei: U256) -> Result<(), ChainError>;
    /// Deploys Stylus `code` (prefix + compressed WASM) in one transaction through the
    /// StylusDeployer: create (CREATE2 with `initSalt(salt, initData)`), activation unless the
    /// codehash is active (its data fee added to the value), and the constructor with
    /// `init_data` (selector + arguments) and `value_wei`.
    ///
    /// # Errors
    /// The failed transaction (or its failed simulation) as an [`Outcome`].
    fn deploy_program(
        &mut self,
        from: Address,
        code: &[u8],
        init_data: Bytes,
        value_wei: U256,
        salt: B256,
    ) -> Result<Deployed, Box<Outcome>>;
    /// Caches `program` through ArbWasmCache as the chain's cache manager would (production
    /// deployments have their programs cached; gas reports show both).
    ///
    /// # Errors
    /// When the chain does not let this backend cache programs.
    fn cache_program(&mut self, program: Address) -> Result<(), ChainError>;
    /// The embedded devnode itself, for what only it offers (its state, snapshots, calls from
    /// any address); `None` over JSON-RPC.
    fn devnode(&mut self) -> Option<&mut Devnode> {
        None
    }
}

impl Chain for Devnode {
    fn devnode(&mut self) -> Option<&mut Devnode> {
        Some(self)
    }

    fn describe(&self) -> String {
        format!(
            "the embedded devnode (chain id {})",
            Devnode::chain_id(self)
        )
    }

    fn chain_id(&mut self) -> u64 {
        Devnode::chain_id(self)
    }

    fn block_number(&mut self) -> u64 {
        Devnode::block_number(self)
    }

    fn timestamp(&mut self) -> u64 {
        Devnode::timestamp(self)
    }

    fn balance(&mut self, account: Address) -> U256 {
        Devnode::balance(self, account)
    }

    fn code(&mut self, account: Address) -> Bytes {
        Devnode::code(self, account)
    }

    fn add_signer(&mut self, _signer: &PrivateKeySigner) {}

    fn send(&mut self, from: Address, to: Address, value_wei: U256, data: Bytes) -> Outcome {
        let mut outcome: Outcome = Devnode::send(self, from, to, value_wei, data).into();
        outcome.fee_wei = U256::from(outcome.gas_used) * self.basefee_wei();
        outcome
    }

    fn call(&mut self, from: Address, to: Address, data: Bytes) -> Outcome {
        let mut outcome: Outcome = Devnode::call(self, from, to, data).into();
        outcome.gas_used = 0;
        outcome
    }

    fn has_dev_methods(&mut self) -> bool {
        true
    }

    fn advance_time(&mut self, secs: u64) -> Result<(), ChainError> {
        Devnode::advance_time(self, secs);
        Ok(())
    }

    fn fund(&mut self, account: Address, amount_wei: U256) -> Result<(), ChainError> {
        Devnode::fund(self, account, amount_wei);
        Ok(())
    }

    fn deploy_program(
        &mut self,
        from: Address,
        code: &[u8],
        init_data: Bytes,
        value_wei: U256,
        salt: B256,
    ) -> Result<Deployed, Box<Outcome>> {
        let args = init_data
            .strip_prefix(stylus_devnode::CONSTRUCTOR_SELECTOR.as_slice())
            .map(<[u8]>::to_vec);
        if args.is_none() && !init_data.is_empty() {
            return Err(Box::new(rejected(
                "init data must start with the constructor selector",
            )));
        }
        match self.deploy_with_deployer(from, code, args.as_deref(), value_wei, salt) {
            Ok(deployed) => Ok(Deployed {
                address: deployed.address,
                codehash: deployed.codehash,
                outcome: deployed.receipt.into(),
            }),
            Err(error) => {
                let failure = error.to_string();
                let (stylus_devnode::DeployError::Create { receipt }
                | stylus_devnode::DeployError::Activate { receipt, .. }
                | stylus_devnode::DeployError::Deployer { receipt }
                | stylus_devnode::DeployError::Constructor { receipt, .. }) = error;
                Err(Box::new(Outcome {
                    failure: Some(failure),
                    ..Outcome::from(*receipt)
                }))
            }
        }
    }

    fn cache_program(&mut self, program: Address) -> Result<(), ChainError> {
        let codehash = Devnode::code_hash(self, program);
        Devnode::cache_program(self, codehash).map_err(|error| ChainError::Node(error.to_string()))
    }
}

/// A failed [`Outcome`] for a transaction that was never sent.
pub(crate) fn rejected(why: impl Into<String>) -> Outcome {
    Outcome {
        status: false,
        return_data: Bytes::new(),
        gas_used: 0,
        fee_wei: U256::ZERO,
        logs: Vec::new(),
        failure: Some(why.into()),
    }
}

/// A key derived from a seed phrase: `keccak256(seed)` (devnet accounts and tests only).
///
/// # Panics
/// Never in practice: a keccak digest is a valid secp256k1 scalar with overwhelming probability.
pub fn signer_of_seed(seed: &[u8]) -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&keccak256(seed)).expect("a valid secp256k1 scalar")
}
