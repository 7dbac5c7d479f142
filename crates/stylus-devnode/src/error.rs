//! Why a frame or a transaction did not succeed, and why a deployment failed.

use alloy_primitives::{Address, Bytes, B256, U256};

/// The reason a frame failed (anything but success and a plain revert, reference §5.2), or why a
/// transaction was not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    /// The program ran out of ink (§2.5): all of the frame's gas is consumed.
    #[error("out of ink")]
    OutOfInk,
    /// The depth checker ran out of stack words (§2.5): all of the frame's gas is consumed.
    #[error("out of stack")]
    OutOfStack,
    /// A wasm trap (unreachable, out-of-bounds access, division by zero, ...): empty revert, gas kept.
    #[error("wasm trap: {0}")]
    Trap(String),
    /// A hostio failed (bad pointer, malformed request): empty revert, gas kept (§5.2).
    #[error("hostio {hostio} failed: {reason}")]
    HostioFailure {
        /// Name of the failing hostio.
        hostio: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// A state change was attempted in a static context (§5.7).
    #[error("write protection: {hostio} in a static context")]
    WriteProtection {
        /// Name of the hostio that tried to write.
        hostio: &'static str,
    },
    /// The callee holds Stylus code whose codehash is not activated (§5.9): all gas consumed.
    #[error("program {codehash} is not activated")]
    ProgramNotActivated {
        /// Codehash of the callee's code.
        codehash: B256,
    },
    /// The program was activated more than `ExpiryDays` ago (§1.7): all gas consumed.
    #[error("program expired {age_secs} s after activation")]
    ProgramExpired {
        /// Seconds since activation.
        age_secs: u64,
    },
    /// The program was activated under another Stylus version (§5.9): all gas consumed.
    #[error("program has Stylus version {version}, the chain runs {current}")]
    ProgramNeedsUpgrade {
        /// The program's version.
        version: u16,
        /// The chain's version.
        current: u16,
    },
    /// The per-call init charge (§1.7, §3) exceeds the frame's gas: all gas consumed.
    #[error("init charge of {need_gas} gas exceeds the frame's {have_gas} gas")]
    InitGasExceeded {
        /// Footprint + init gas wanted.
        need_gas: u64,
        /// Gas the frame had.
        have_gas: u64,
    },
    /// The return-data floor (§5.6) exceeds the frame's starting gas: all gas consumed.
    #[error("return data floor of {floor_gas} gas exceeds the frame's starting {start_gas} gas")]
    ReturnDataFloor {
        /// `3·w + w²/512`.
        floor_gas: u64,
        /// Gas the frame started with.
        start_gas: u64,
    },
    /// Call depth above 1 024.
    #[error("call depth limit of 1024 exceeded")]
    DepthLimit,
    /// The sender holds less than the value to move.
    #[error("insufficient balance: {address} holds {have_wei} wei, {want_wei} wei needed")]
    InsufficientBalance {
        /// The payer.
        address: Address,
        /// Its balance.
        have_wei: U256,
        /// The value wanted.
        want_wei: U256,
    },
    /// EVM bytecode other than the cargo-stylus deploy prelude (out of scope): all gas consumed.
    #[error("EVM code at {address} is not supported (only the cargo-stylus deploy prelude runs)")]
    UnsupportedEvmCode {
        /// Where the code sits (the new address for init code).
        address: Address,
    },
    /// CREATE/CREATE2 target already has code or a nonce.
    #[error("contract address collision at {address}")]
    CreateCollision {
        /// The computed address.
        address: Address,
    },
    /// Deployed code larger than MaxCodeSize (24 576 bytes, §1.1).
    #[error("deployed code of {len_bytes} bytes exceeds the 24576-byte limit")]
    CodeSizeExceeded {
        /// Returned code length.
        len_bytes: usize,
    },
    /// EIP-3541: returned code starts with 0xEF without a Stylus prefix (§1.1).
    #[error("deployed code starts with 0xEF but has no Stylus prefix")]
    InvalidCodePrefix,
    /// Out of gas in EVM-level work (intrinsic, create deposit, precompile, activation).
    #[error("out of gas: {need_gas} gas needed, {have_gas} gas left")]
    OutOfGas {
        /// Gas needed.
        need_gas: u64,
        /// Gas available.
        have_gas: u64,
    },
    /// Activation failed validation: all gas burned (§1.4, §7 precompile error rules).
    #[error("activation failed: {0}")]
    ActivationFailed(String),
    /// A precompile refused the caller (ArbWasmCache: neither a cache manager nor a chain owner):
    /// all gas consumed.
    #[error("precompile refused the call: {0}")]
    PrecompileRefused(String),
    /// The transaction's nonce is not the sender's next nonce (an invalid transaction).
    #[error(
        "nonce mismatch: the sender's next nonce is {expected}, the transaction carries {got}"
    )]
    NonceMismatch {
        /// The sender's next nonce.
        expected: u64,
        /// The transaction's.
        got: u64,
    },
}

/// Why [`crate::Devnode::deploy`] failed: which step, with that transaction's receipt.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DeployError {
    /// The creation transaction (prelude + code) failed.
    #[error("creation transaction failed: {:?}, revert data {}", .receipt.error, .receipt.return_data)]
    Create {
        /// Its receipt.
        receipt: Box<crate::Receipt>,
    },
    /// `ArbWasm.activateProgram` failed.
    #[error("activation of {address} failed: {:?}, revert data {}", .receipt.error, .receipt.return_data)]
    Activate {
        /// The created contract.
        address: Address,
        /// The activation's receipt (revert data is an ArbWasm error such as `ProgramNotWasm()`).
        receipt: Box<crate::Receipt>,
    },
    /// The StylusDeployer transaction (create + activate + constructor in one) failed.
    #[error("StylusDeployer.deploy failed: {:?}, revert data {}", .receipt.error, .receipt.return_data)]
    Deployer {
        /// Its receipt (revert data is one of the deployer's errors, an ArbWasm error or a panic).
        receipt: Box<crate::Receipt>,
    },
    /// The constructor call (selector 0x5585258d) failed.
    #[error("constructor of {address} failed: {:?}, revert data {}", .receipt.error, .receipt.return_data)]
    Constructor {
        /// The created contract.
        address: Address,
        /// The constructor call's receipt.
        receipt: Box<crate::Receipt>,
    },
}

/// Why a typed call ([`crate::Devnode::call_sol`], [`crate::Devnode::send_sol`]) did not return.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SolCallError {
    /// The call reverted with this data (empty for an SDK reentrancy refusal or a trap).
    #[error("reverted with {data} (failure: {error:?})")]
    Reverted {
        /// Revert data.
        data: Bytes,
        /// The frame's failure, if it was not a plain revert.
        error: Option<ExecError>,
    },
    /// The call succeeded but its return data does not decode as the call's return type.
    #[error("return data {data} does not decode: {reason}")]
    BadReturnData {
        /// The undecodable return data.
        data: Bytes,
        /// Decoder message.
        reason: String,
    },
}

impl SolCallError {
    /// The revert data, or `None` for undecodable return data.
    pub fn revert_data(&self) -> Option<&Bytes> {
        match self {
            Self::Reverted { data, .. } => Some(data),
            Self::BadReturnData { .. } => None,
        }
    }
}
