//! The Ethereum precompiles the protocol's contracts use. Only `ecrecover` (0x01) is modelled:
//! the contracts verify EIP-712 signatures (NXM `permit`, membership KYC approvals) through it.

use alloy_primitives::{address, keccak256, Address, Bytes, B256, U256};
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

use crate::{error::ExecError, exec::FrameResult};

/// `ecrecover`'s address.
pub const ECRECOVER_ADDRESS: Address = address!("0000000000000000000000000000000000000001");
/// `ecrecover`'s fixed gas cost (Ethereum yellow paper, appendix E).
pub const ECRECOVER_GAS: u64 = 3_000;

/// Runs `ecrecover` as the EVM does: the input is zero-padded to 128 bytes
/// `hash ‖ v ‖ r ‖ s`; `v` must be exactly 27 or 28 as a 32-byte word and `r`, `s` in
/// `[1, n)`; high `s` is accepted (EIP-2 applies to transactions, not to the precompile). The
/// output is the signer as a left-padded 32-byte word, or empty when nothing can be recovered
/// (the call still succeeds). Fewer than 3 000 gas: failure with all gas consumed.
pub fn ecrecover(input: &[u8], gas: u64) -> FrameResult {
    let Some(gas_left) = gas.checked_sub(ECRECOVER_GAS) else {
        return FrameResult::failure(
            ExecError::OutOfGas {
                need_gas: ECRECOVER_GAS,
                have_gas: gas,
            },
            0,
        );
    };
    let mut padded = [0u8; 128];
    let len = input.len().min(128);
    padded[..len].copy_from_slice(&input[..len]);
    let output = recover(&padded).map_or_else(Bytes::new, |signer| {
        Bytes::copy_from_slice(B256::left_padding_from(signer.as_slice()).as_slice())
    });
    FrameResult::success(gas_left, output)
}

fn recover(input: &[u8; 128]) -> Option<Address> {
    let v = U256::from_be_slice(&input[32..64]);
    let parity = match v.to::<u64>() {
        27 if v == U256::from(27u8) => 0u8,
        28 if v == U256::from(28u8) => 1u8,
        _ => return None,
    };
    let signature = Signature::from_slice(&input[64..128]).ok()?;
    // k256 recovers only low-s signatures; the EVM accepts both. (r, n - s) is the same
    // signature with the other parity.
    let (signature, parity) = match signature.normalize_s() {
        Some(normalized) => (normalized, parity ^ 1),
        None => (signature, parity),
    };
    let recovery = RecoveryId::from_byte(parity)?;
    let key = VerifyingKey::recover_from_prehash(&input[..32], &signature, recovery).ok()?;
    let point = key.to_encoded_point(false);
    Some(Address::from_slice(
        &keccak256(&point.as_bytes()[1..])[12..],
    ))
}

#[cfg(test)]
mod tests {
    use k256::ecdsa::SigningKey;

    use super::*;

    fn signed(digest: B256) -> ([u8; 128], Address) {
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let (signature, recovery) = key.sign_prehash_recoverable(digest.as_slice()).unwrap();
        let point = key.verifying_key().to_encoded_point(false);
        let signer = Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..]);
        let mut input = [0u8; 128];
        input[..32].copy_from_slice(digest.as_slice());
        input[63] = 27 + recovery.to_byte();
        input[64..].copy_from_slice(&signature.to_bytes());
        (input, signer)
    }

    #[test]
    fn recovers_the_signer_and_charges_3000_gas() {
        let (input, signer) = signed(keccak256(b"approval"));
        let result = ecrecover(&input, 10_000);
        assert!(result.is_success());
        assert_eq!(result.gas_left, 7_000);
        assert_eq!(&result.output[12..], signer.as_slice());
        assert_eq!(&result.output[..12], &[0u8; 12]);
    }

    #[test]
    fn accepts_high_s_like_the_evm() {
        let (mut input, signer) = signed(keccak256(b"approval"));
        let s = U256::from_be_slice(&input[96..128]);
        let n = U256::from_be_slice(&hex_n());
        input[96..128].copy_from_slice(&(n - s).to_be_bytes::<32>());
        input[63] = 55 - input[63]; // 27 <-> 28
        assert_eq!(&ecrecover(&input, 3_000).output[12..], signer.as_slice());
    }

    #[test]
    fn bad_input_gives_empty_output_and_low_gas_fails() {
        let (mut input, _) = signed(keccak256(b"approval"));
        input[63] = 29;
        assert!(ecrecover(&input, 3_000).output.is_empty());
        input[63] = 27;
        input[62] = 1; // v is not exactly 27 as a word
        assert!(ecrecover(&input, 3_000).output.is_empty());
        assert!(ecrecover(&[0u8; 10], 3_000).output.is_empty());
        let result = ecrecover(&input, 2_999);
        assert!(!result.is_success());
        assert_eq!(result.gas_left, 0);
    }

    fn hex_n() -> [u8; 32] {
        // secp256k1 group order.
        let mut n = [0xffu8; 32];
        n[16..].copy_from_slice(&[
            0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36,
            0x41, 0x41,
        ]);
        n[15] = 0xfe;
        n
    }
}
