//! The only EVM code the devnode interprets: cargo-stylus's 43-byte deploy prelude (reference §7),
//! plus the EVM address formulas of CREATE and CREATE2.
//!
//! A general EVM interpreter is out of scope: init code that is not exactly this prelude fails with
//! [`crate::ExecError::UnsupportedEvmCode`], and so does a call into non-Stylus code.

use alloy_primitives::{keccak256, Address, B256, U256};

use crate::pricing::{memory_cost_gas, words, CODE_DEPOSIT_GAS_PER_BYTE};

/// Length of the prelude in bytes.
pub const PRELUDE_LEN: usize = 43;
/// The prelude's fixed tail after `PUSH32 len`: DUP1; PUSH1 43; PUSH1 0; CODECOPY; PUSH1 0; RETURN.
const PRELUDE_BODY: [u8; 9] = [0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3];
/// Version byte that ends the prelude.
const PRELUDE_VERSION: u8 = 0x00;
/// Gas of the prelude's six 3-gas opcodes (PUSH32, DUP1, PUSH1 ×3, CODECOPY's static part).
const PRELUDE_STATIC_GAS: u64 = 18;

/// Builds init code `7f ‖ len(32 bytes BE) ‖ 80 60 2b 60 00 39 60 00 f3 ‖ 00 ‖ code` (reference §7).
pub fn deploy_init_code(code: &[u8]) -> Vec<u8> {
    let mut init = Vec::with_capacity(PRELUDE_LEN + code.len());
    init.push(0x7f);
    init.extend_from_slice(&U256::from(code.len()).to_be_bytes::<32>());
    init.extend_from_slice(&PRELUDE_BODY);
    init.push(PRELUDE_VERSION);
    init.extend_from_slice(code);
    init
}

/// What running the prelude does: the code it returns and the gas its opcodes cost (CODECOPY's
/// 3 gas per word and memory expansion included; the 200 gas/byte code deposit is separate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreludeRun {
    /// Bytes `[43, 43+len)` of the init code, zero-padded past its end as CODECOPY does.
    pub code: Vec<u8>,
    /// Execution gas of the prelude's opcodes.
    pub execution_gas: u64,
}

impl PreludeRun {
    /// Code deposit gas for the returned code (200 per byte).
    pub fn deposit_gas(&self) -> u64 {
        CODE_DEPOSIT_GAS_PER_BYTE * self.code.len() as u64
    }
}

/// Interprets `init` if it is exactly the cargo-stylus prelude; `None` for any other EVM code or a
/// declared length too large to be real code.
pub fn run_prelude(init: &[u8]) -> Option<PreludeRun> {
    if init.len() < PRELUDE_LEN
        || init[0] != 0x7f
        || init[33..42] != PRELUDE_BODY
        || init[42] != PRELUDE_VERSION
    {
        return None;
    }
    let declared = U256::from_be_slice(&init[1..33]);
    let len: usize = declared
        .try_into()
        .ok()
        .filter(|n: &usize| *n <= u32::MAX as usize)?;
    let mut code = vec![0u8; len];
    let available = init.len().saturating_sub(PRELUDE_LEN).min(len);
    code[..available].copy_from_slice(&init[PRELUDE_LEN..PRELUDE_LEN + available]);
    let len_u64 = len as u64;
    let execution_gas = PRELUDE_STATIC_GAS + 3 * words(len_u64) + memory_cost_gas(len_u64);
    Some(PreludeRun {
        code,
        execution_gas,
    })
}

/// CREATE address: `keccak(rlp([sender, nonce]))[12..]`.
pub fn create1_address(sender: Address, nonce: u64) -> Address {
    sender.create(nonce)
}

/// CREATE2 address: `keccak(0xff ‖ sender ‖ salt ‖ keccak(init))[12..]`.
pub fn create2_address(sender: Address, salt: B256, init: &[u8]) -> Address {
    sender.create2(salt, keccak256(init))
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;

    use super::*;

    #[test]
    fn prelude_returns_the_code_and_prices_its_opcodes() {
        let code = vec![0xEF, 0xF0, 0x00, 0x00, 1, 2, 3];
        let init = deploy_init_code(&code);
        assert_eq!(init.len(), PRELUDE_LEN + code.len());
        assert_eq!(&init[..1], &[0x7f]);
        assert_eq!(
            &init[33..43],
            &[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]
        );
        let run = run_prelude(&init).expect("the prelude");
        assert_eq!(run.code, code);
        // 6 × 3 static + CODECOPY 3/word + memory 3/word (1 word).
        assert_eq!(run.execution_gas, 18 + 3 + 3);
        assert_eq!(run.deposit_gas(), 200 * 7);
    }

    #[test]
    fn other_init_code_is_not_interpreted() {
        let mut init = deploy_init_code(&[1, 2, 3]);
        init[34] = 0x81;
        assert_eq!(run_prelude(&init), None);
        assert_eq!(run_prelude(&[0x60, 0x00]), None);
    }

    #[test]
    fn create_addresses_match_known_vectors() {
        // The Ethereum deposit contract: deployer nonce 0.
        let deployer = address!("b20a608c624Ca5003905aA834De7156C68b2E1d0");
        assert_eq!(
            create1_address(deployer, 0),
            address!("00000000219ab540356cBB839Cbe05303d7705Fa")
        );
        // EIP-1014 example 1: zero sender, zero salt, init code 0x00.
        assert_eq!(
            create2_address(Address::ZERO, B256::ZERO, &[0x00]),
            address!("4D1A2e2bB4F88F0250f26Ffff098B0b30B26BF38")
        );
    }
}
