//! The StylusDeployer contract at `0xcEcb…A990`, provided natively (reference §7, cargo-stylus's
//! deploy path for contracts with a constructor): one transaction creates the contract from the
//! deploy prelude, activates it through ArbWasm when its codehash needs it (paying the data fee
//! out of `msg.value − initValue`), calls the constructor with `initData` and `initValue`,
//! refunds what is left of `msg.value` to the sender and emits `ContractDeployed(address)`.
//! Any failure reverts all of it.
//!
//! The behaviour follows the public contract (nitro-contracts `src/stylus/StylusDeployer.sol`,
//! MIT) as documented there: with a non-zero salt the contract is created with CREATE2 and salt
//! `keccak256(salt ‖ initData)` (`initSalt`), else with CREATE from the deployer's nonce; empty
//! bytecode reverts `EmptyBytecode()`, a failed create `ContractDeploymentError(bytecode)`;
//! activation runs when `ArbWasm.codehashVersion(codehash)` fails or differs from
//! `stylusVersion()`, and its revert bubbles up; a failed constructor reverts
//! `ContractInitializationError(newContract, returnData)`; `initValue` without `initData` reverts
//! `InitValueButNotInitData()`; a refund the sender refuses reverts `RefundExcessValueError(bal)`;
//! `msg.value` below `initValue` is Solidity's checked-arithmetic panic `Panic(0x11)`.
//!
//! Gas: the devnode runs no EVM bytecode, so the contract's own gas is modelled as EVM costs
//! itemised from its steps — calldata copies (3 + 3/word), memory expansion (3/word + words²/512
//! over the contract's allocations), CREATE (32 000 + 2/word of init code, CREATE2 + 6/word of
//! hashing, keccak of the salt 30 + 6/word), EXTCODEHASH (100, warm), each call (100 warm, +9 000
//! with value, 2 300 stipend to the callee, all but 1/64 forwarded), the log (375 + 375 + 8·32)
//! — plus [`DEPLOYER_OPCODE_GAS`], a flat estimate of the Solidity code's remaining opcodes
//! (dispatch, ABI decoding and encoding, checks). The sub-frames (the program's creation,
//! ArbWasm, the constructor) are the devnode's own exact or documented costs.

use alloy_primitives::{address, keccak256, Address, Bytes, Log, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};

use crate::arbwasm::{ArbWasm, ARBWASM_ADDRESS};
use crate::arbwasm_cache::log_gas;
use crate::chain::Chain;
use crate::error::ExecError;
use crate::exec::{self, CallKind, CreateMessage, FrameResult, Message};
use crate::pricing::{memory_cost_gas, words, CALL_STIPEND_GAS, CALL_VALUE_GAS, CREATE_GAS};

/// The StylusDeployer's address (cargo-stylus's default).
pub const STYLUS_DEPLOYER_ADDRESS: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// The code the devnode keeps at [`STYLUS_DEPLOYER_ADDRESS`] so that `eth_getCode` sees a
/// contract: one `INVALID` opcode (calls are served natively and never run it).
pub const STYLUS_DEPLOYER_PLACEHOLDER_CODE: [u8; 1] = [0xfe];
/// Flat estimate of the deployer's Solidity opcodes that are not itemised (dispatch, ABI decoding
/// of four arguments, the internal calls, try/catch, checked arithmetic, event and return
/// encoding). An estimate, within about ±1 000 gas of the compiled contract.
pub const DEPLOYER_OPCODE_GAS: u64 = 2_000;

const WARM_CALL_GAS: u64 = 100;
const EXTCODEHASH_WARM_GAS: u64 = 100;
const INIT_CODE_WORD_GAS: u64 = 2;
const CREATE2_WORD_GAS: u64 = 6;
const KECCAK_GAS: u64 = 30;
const KECCAK_WORD_GAS: u64 = 6;
/// Solidity's free memory pointer starts here.
const SOLIDITY_MEMORY_START: u64 = 0x80;

sol! {
    /// The StylusDeployer's interface, errors and event.
    #[derive(Debug, PartialEq, Eq)]
    interface StylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
        function initSalt(bytes32 salt, bytes initData) external pure returns (bytes32);
        function requiresActivation(address addr) external view returns (bool);

        event ContractDeployed(address deployedContract);

        error ContractDeploymentError(bytes bytecode);
        error ContractInitializationError(address newContract, bytes data);
        error RefundExcessValueError(uint256 excessValue);
        error EmptyBytecode();
        error InitValueButNotInitData();
    }
}

sol! {
    /// Solidity's panic (0x11 = arithmetic underflow or overflow).
    error Panic(uint256 code);
}

use StylusDeployer::*;

/// `initSalt(salt, initData)`: the CREATE2 salt the deployer uses for a non-zero `salt`.
pub fn init_salt(salt: B256, init_data: &[u8]) -> B256 {
    let mut packed = Vec::with_capacity(32 + init_data.len());
    packed.extend_from_slice(salt.as_slice());
    packed.extend_from_slice(init_data);
    keccak256(packed)
}

/// Where a contract deployed through the StylusDeployer lands: CREATE2 from the deployer with
/// [`init_salt`] for a non-zero `salt`, else CREATE at the deployer's `deployer_nonce`.
pub fn deployed_address(
    bytecode: &[u8],
    init_data: &[u8],
    salt: B256,
    deployer_nonce: u64,
) -> Address {
    if salt.is_zero() {
        STYLUS_DEPLOYER_ADDRESS.create(deployer_nonce)
    } else {
        STYLUS_DEPLOYER_ADDRESS.create2(init_salt(salt, init_data), keccak256(bytecode))
    }
}

/// The frame's gas and Solidity's memory high-water mark.
struct Meter {
    gas_left: u64,
    memory_bytes: u64,
}

/// The frame ran out of gas: all of it is consumed.
struct OutOfGas;

impl Meter {
    fn charge(&mut self, gas: u64) -> Result<(), OutOfGas> {
        self.gas_left = self.gas_left.checked_sub(gas).ok_or(OutOfGas)?;
        Ok(())
    }

    /// Allocates `len` bytes of Solidity memory (word-aligned) and pays for the expansion.
    fn alloc(&mut self, len: u64) -> Result<(), OutOfGas> {
        let before = memory_cost_gas(self.memory_bytes);
        self.memory_bytes += 32 * words(len);
        self.charge(memory_cost_gas(self.memory_bytes) - before)
    }

    /// A CALLDATACOPY / RETURNDATACOPY of `len` bytes into fresh memory.
    fn copy(&mut self, len: u64) -> Result<(), OutOfGas> {
        self.charge(3 + 3 * words(len))?;
        self.alloc(len)
    }

    /// All but one 64th of the gas left (EIP-150), taken from the frame.
    fn forward_all(&mut self) -> u64 {
        let forwarded = self.gas_left - self.gas_left / 64;
        self.gas_left -= forwarded;
        forwarded
    }
}

/// How the deployer's frame ends.
enum End {
    Return(Vec<u8>),
    Revert(Vec<u8>),
    OutOfGas,
    Fail(ExecError),
}

impl From<OutOfGas> for End {
    fn from(_: OutOfGas) -> Self {
        End::OutOfGas
    }
}

/// Runs one call into the StylusDeployer.
pub fn run(chain: Box<Chain>, message: &Message) -> (Box<Chain>, FrameResult) {
    let mut meter = Meter {
        gas_left: message.gas,
        memory_bytes: 0,
    };
    let (chain, end) = match dispatch(chain, message, &mut meter) {
        (chain, Ok(end)) => (chain, end),
        (chain, Err(OutOfGas)) => (chain, End::OutOfGas),
    };
    let result = match end {
        End::Return(data) => FrameResult::success(meter.gas_left, Bytes::from(data)),
        End::Revert(data) => FrameResult::revert(meter.gas_left, Bytes::from(data)),
        End::OutOfGas => FrameResult::failure(
            ExecError::OutOfGas {
                need_gas: message.gas.saturating_add(1),
                have_gas: message.gas,
            },
            0,
        ),
        End::Fail(error) => FrameResult::failure(error, 0),
    };
    (chain, result)
}

fn dispatch(
    chain: Box<Chain>,
    message: &Message,
    meter: &mut Meter,
) -> (Box<Chain>, Result<End, OutOfGas>) {
    if let Err(e) = meter.alloc(SOLIDITY_MEMORY_START) {
        return (chain, Err(e));
    }
    let input = &message.input;
    let selector = input.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok());
    let payable = selector == Some(deployCall::SELECTOR);
    // No fallback or receive function, non-payable views: plain reverts, gas kept.
    if selector.is_none() || (!payable && !message.value_wei.is_zero()) {
        return (chain, Ok(End::Revert(Vec::new())));
    }
    match selector {
        Some(deployCall::SELECTOR) => {
            let Ok(call) = deployCall::abi_decode(input) else {
                return (chain, Ok(End::Revert(Vec::new())));
            };
            deploy(chain, message, meter, call)
        }
        Some(initSaltCall::SELECTOR) => {
            let Ok(call) = initSaltCall::abi_decode(input) else {
                return (chain, Ok(End::Revert(Vec::new())));
            };
            let mut run = || -> Result<End, OutOfGas> {
                meter.charge(DEPLOYER_OPCODE_GAS / 4)?;
                salt_gas(meter, call.initData.len() as u64)?;
                let salt = init_salt(call.salt, &call.initData);
                Ok(End::Return(initSaltCall::abi_encode_returns(&salt)))
            };
            let end = run();
            (chain, end)
        }
        Some(requiresActivationCall::SELECTOR) => {
            let Ok(call) = requiresActivationCall::abi_decode(input) else {
                return (chain, Ok(End::Revert(Vec::new())));
            };
            if let Err(e) = meter.charge(DEPLOYER_OPCODE_GAS / 4 + EXTCODEHASH_WARM_GAS) {
                return (chain, Err(e));
            }
            let (chain, needed) = requires_activation(chain, message, meter, call.addr);
            let end = needed.map(|needed| match needed {
                Ok(needed) => End::Return(requiresActivationCall::abi_encode_returns(&needed)),
                Err(revert) => End::Revert(revert),
            });
            (chain, end)
        }
        _ => (chain, Ok(End::Revert(Vec::new()))),
    }
}

/// Packing `salt ‖ initData` in memory and hashing it.
fn salt_gas(meter: &mut Meter, init_data_len: u64) -> Result<(), OutOfGas> {
    meter.alloc(64)?;
    meter.copy(init_data_len)?;
    meter.charge(KECCAK_GAS + KECCAK_WORD_GAS * words(32 + init_data_len))
}

/// A call from the deployer (`self_address`) with all but 1/64 of its gas.
fn sub_call(
    chain: Box<Chain>,
    message: &Message,
    meter: &mut Meter,
    kind: CallKind,
    target: Address,
    value_wei: U256,
    input: Vec<u8>,
) -> (Box<Chain>, Result<FrameResult, OutOfGas>) {
    let mut base = WARM_CALL_GAS;
    if !value_wei.is_zero() {
        base += CALL_VALUE_GAS;
    }
    // Arguments are abi-encoded into memory; the output is copied back.
    let prepared = meter
        .alloc(input.len() as u64)
        .and_then(|()| meter.charge(base));
    if let Err(e) = prepared {
        return (chain, Err(e));
    }
    let stipend = if value_wei.is_zero() {
        0
    } else {
        CALL_STIPEND_GAS
    };
    let forwarded = meter.forward_all();
    let is_static = message.is_static || kind == CallKind::Static;
    let sub = Message {
        kind,
        caller: message.address,
        address: target,
        code_address: target,
        value_wei,
        input: Bytes::from(input),
        gas: forwarded + stipend,
        is_static,
        depth: message.depth + 1,
    };
    let (chain, result) = exec::call(chain, sub);
    meter.gas_left += result.gas_left;
    match meter.copy(result.output.len() as u64) {
        Ok(()) => (chain, Ok(result)),
        Err(e) => (chain, Err(e)),
    }
}

/// Whether activation is needed, or the revert data of `stylusVersion()` (which never reverts on
/// the devnode) — unless the frame ran out of gas.
type ActivationCheck = Result<Result<bool, Vec<u8>>, OutOfGas>;

/// `requiresActivation(addr)`.
fn requires_activation(
    chain: Box<Chain>,
    message: &Message,
    meter: &mut Meter,
    program: Address,
) -> (Box<Chain>, ActivationCheck) {
    let codehash = chain.state.ext_code_hash(program);
    let input = ArbWasm::codehashVersionCall { codehash }.abi_encode();
    let (chain, version) = sub_call(
        chain,
        message,
        meter,
        CallKind::Static,
        ARBWASM_ADDRESS,
        U256::ZERO,
        input,
    );
    let version = match version {
        Ok(result) if result.is_success() => {
            ArbWasm::codehashVersionCall::abi_decode_returns(&result.output).unwrap_or(0)
        }
        Ok(_) => 0,
        Err(e) => return (chain, Err(e)),
    };
    let input = ArbWasm::stylusVersionCall {}.abi_encode();
    let (chain, current) = sub_call(
        chain,
        message,
        meter,
        CallKind::Static,
        ARBWASM_ADDRESS,
        U256::ZERO,
        input,
    );
    let answer = match current {
        Ok(result) if result.is_success() => {
            let current =
                ArbWasm::stylusVersionCall::abi_decode_returns(&result.output).unwrap_or(0);
            Ok(Ok(version != current))
        }
        Ok(result) => Ok(Err(result.output.to_vec())),
        Err(e) => Err(e),
    };
    (chain, answer)
}

fn panic_underflow() -> End {
    End::Revert(
        Panic {
            code: U256::from(0x11),
        }
        .abi_encode(),
    )
}

/// `deploy(bytecode, initData, initValue, salt)`.
fn deploy(
    chain: Box<Chain>,
    message: &Message,
    meter: &mut Meter,
    call: deployCall,
) -> (Box<Chain>, Result<End, OutOfGas>) {
    let deployCall {
        bytecode,
        initData: init_data,
        initValue: init_value,
        salt,
    } = call;
    let self_address = message.address;
    if let Err(e) = meter.charge(DEPLOYER_OPCODE_GAS) {
        return (chain, Err(e));
    }
    // 1. The salt, then the create (the bytecode is copied from calldata to memory first).
    let salt = if salt.is_zero() {
        None
    } else {
        if let Err(e) = salt_gas(meter, init_data.len() as u64) {
            return (chain, Err(e));
        }
        Some(init_salt(salt, &init_data))
    };
    if bytecode.is_empty() {
        return (chain, Ok(End::Revert(EmptyBytecode {}.abi_encode())));
    }
    if message.is_static {
        // CREATE in a static context: an exceptional halt, all gas consumed.
        return (
            chain,
            Ok(End::Fail(ExecError::WriteProtection { hostio: "CREATE" })),
        );
    }
    let len = bytecode.len() as u64;
    let mut create_gas = CREATE_GAS + INIT_CODE_WORD_GAS * words(len);
    if salt.is_some() {
        create_gas += CREATE2_WORD_GAS * words(len);
    }
    if let Err(e) = meter.copy(len).and_then(|()| meter.charge(create_gas)) {
        return (chain, Err(e));
    }
    let forwarded = meter.forward_all();
    let create = CreateMessage {
        caller: self_address,
        value_wei: U256::ZERO,
        init: bytecode.clone(),
        salt,
        gas: forwarded,
        depth: message.depth + 1,
    };
    let (chain, created) = exec::create(chain, create);
    meter.gas_left += created.result.gas_left;
    let Some(new_contract) = created.address else {
        let data = if created.result.is_revert() && !created.result.output.is_empty() {
            created.result.output.to_vec()
        } else {
            ContractDeploymentError { bytecode }.abi_encode()
        };
        let end = meter.alloc(data.len() as u64).map(|()| End::Revert(data));
        return (chain, end);
    };

    // 2. Activation when the codehash needs it, paid with msg.value − initValue.
    if let Err(e) = meter.charge(EXTCODEHASH_WARM_GAS) {
        return (chain, Err(e));
    }
    let (chain, needed) = requires_activation(chain, message, meter, new_contract);
    let needed = match needed {
        Ok(Ok(needed)) => needed,
        Ok(Err(revert)) => return (chain, Ok(End::Revert(revert))),
        Err(e) => return (chain, Err(e)),
    };
    let mut data_fee = U256::ZERO;
    let mut chain = chain;
    if needed {
        let Some(activation_value) = message.value_wei.checked_sub(init_value) else {
            return (chain, Ok(panic_underflow()));
        };
        let input = ArbWasm::activateProgramCall {
            program: new_contract,
        }
        .abi_encode();
        let (next, activated) = sub_call(
            chain,
            message,
            meter,
            CallKind::Call,
            ARBWASM_ADDRESS,
            activation_value,
            input,
        );
        chain = next;
        match activated {
            Ok(result) if result.is_success() => {
                data_fee = ArbWasm::activateProgramCall::abi_decode_returns(&result.output)
                    .map_or(U256::ZERO, |r| r.dataFee);
            }
            // Solidity's high-level call bubbles the revert data up.
            Ok(result) => return (chain, Ok(End::Revert(result.output.to_vec()))),
            Err(e) => return (chain, Err(e)),
        }
    }

    // 3. The constructor.
    if !init_data.is_empty() {
        if let Err(e) = meter.copy(init_data.len() as u64) {
            return (chain, Err(e));
        }
        let (next, constructed) = sub_call(
            chain,
            message,
            meter,
            CallKind::Call,
            new_contract,
            init_value,
            init_data.to_vec(),
        );
        chain = next;
        match constructed {
            Ok(result) if result.is_success() => {}
            Ok(result) => {
                let data = ContractInitializationError {
                    newContract: new_contract,
                    data: result.output,
                }
                .abi_encode();
                let end = meter.alloc(data.len() as u64).map(|()| End::Revert(data));
                return (chain, end);
            }
            Err(e) => return (chain, Err(e)),
        }
    } else if !init_value.is_zero() {
        return (
            chain,
            Ok(End::Revert(InitValueButNotInitData {}.abi_encode())),
        );
    }

    // 4. Refund what is left of msg.value (checked arithmetic).
    let Some(balance) = message
        .value_wei
        .checked_sub(data_fee)
        .and_then(|rest| rest.checked_sub(init_value))
    else {
        return (chain, Ok(panic_underflow()));
    };
    if !balance.is_zero() {
        let (next, refunded) = sub_call(
            chain,
            message,
            meter,
            CallKind::Call,
            message.caller,
            balance,
            Vec::new(),
        );
        chain = next;
        match refunded {
            Ok(result) if result.is_success() => {}
            Ok(_) => {
                let data = RefundExcessValueError {
                    excessValue: balance,
                }
                .abi_encode();
                return (chain, Ok(End::Revert(data)));
            }
            Err(e) => return (chain, Err(e)),
        }
    }

    // 5. The event and the address.
    let event = ContractDeployed {
        deployedContract: new_contract,
    };
    let data = event.encode_log_data();
    let logged = meter
        .alloc(32)
        .and_then(|()| meter.charge(log_gas(data.topics().len(), data.data.len())));
    if let Err(e) = logged {
        return (chain, Err(e));
    }
    chain.state.push_log(Log {
        address: self_address,
        data,
    });
    (
        chain,
        Ok(End::Return(deployCall::abi_encode_returns(&new_contract))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_and_event_match_the_contract() {
        let hex = |s: [u8; 4]| alloy_primitives::hex::encode(s);
        assert_eq!(hex(deployCall::SELECTOR), "a9a8e4e9");
        assert_eq!(hex(initSaltCall::SELECTOR), "9f40b385");
        assert_eq!(ContractDeployed::SIGNATURE, "ContractDeployed(address)");
        assert!(
            alloy_primitives::hex::encode(ContractDeployed::SIGNATURE_HASH).starts_with("8ffcdc15")
        );
    }

    #[test]
    fn create2_salt_hashes_salt_and_init_data() {
        let salt = B256::repeat_byte(7);
        let init = [0x55, 0x85, 0x25, 0x8d, 1, 2];
        let mut packed = salt.to_vec();
        packed.extend_from_slice(&init);
        assert_eq!(init_salt(salt, &init), keccak256(&packed));
        let code = [0x7f, 0, 1];
        assert_eq!(
            deployed_address(&code, &init, salt, 9),
            STYLUS_DEPLOYER_ADDRESS.create2(keccak256(&packed), keccak256(code))
        );
        assert_eq!(
            deployed_address(&code, &init, B256::ZERO, 9),
            STYLUS_DEPLOYER_ADDRESS.create(9)
        );
    }
}
