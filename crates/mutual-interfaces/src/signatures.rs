//! EIP-712 typed-data digests and signer recovery through the `ecrecover` precompile, shared by
//! every contract that accepts off-chain signatures (NXM `permit`, membership KYC approvals).

use alloy_primitives::{address, keccak256, Address, B256, U256};
use stylus_sdk::{call::RawCall, stylus_core::Host};

/// The `ecrecover` precompile (EVM address 0x01; 3 000 gas, warm by EIP-2929).
pub const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");

/// `keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")`.
pub const EIP712_DOMAIN_TYPEHASH: B256 = B256::new(
    stylus_sdk::keccak_const::Keccak256::new()
        .update(
            b"EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
        )
        .finalize(),
);

/// Half the secp256k1 group order: signatures with a larger `s` are rejected (EIP-2), so each
/// approval has exactly one valid encoding and cannot be replayed in its malleated form.
pub const SECP256K1_HALF_ORDER: U256 = U256::from_be_bytes([
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
]);

/// The EIP-712 domain separator
/// `keccak256(abi.encode(EIP712_DOMAIN_TYPEHASH, keccak256(name), keccak256(version), chainId,
/// verifyingContract))`, binding signatures to one chain and one contract.
pub fn domain_separator(
    name: &[u8],
    version: &[u8],
    chain_id: u64,
    verifying_contract: Address,
) -> B256 {
    let mut encoded = [0u8; 160];
    encoded[..32].copy_from_slice(EIP712_DOMAIN_TYPEHASH.as_slice());
    encoded[32..64].copy_from_slice(keccak256(name).as_slice());
    encoded[64..96].copy_from_slice(keccak256(version).as_slice());
    encoded[96..128].copy_from_slice(&U256::from(chain_id).to_be_bytes::<32>());
    encoded[140..160].copy_from_slice(verifying_contract.as_slice());
    keccak256(encoded)
}

/// The digest a wallet signs for typed data: `keccak256("\x19\x01" ‖ domainSeparator ‖ structHash)`.
pub fn typed_data_digest(domain_separator: B256, struct_hash: B256) -> B256 {
    let mut encoded = [0u8; 66];
    encoded[..2].copy_from_slice(b"\x19\x01");
    encoded[2..34].copy_from_slice(domain_separator.as_slice());
    encoded[34..].copy_from_slice(struct_hash.as_slice());
    keccak256(encoded)
}

/// The address that signed `digest`, or `None` for a malformed signature (`v` not 27/28, `s` in
/// the upper half of the curve order) or one the precompile rejects.
///
/// The static call to the precompile does not touch this contract's storage, so the storage
/// cache is neither flushed nor cleared.
pub fn recover_signer<H: Host + ?Sized>(
    host: &H,
    digest: B256,
    v: u8,
    r: B256,
    s: B256,
) -> Option<Address> {
    if (v != 27 && v != 28) || U256::from_be_bytes(s.0) > SECP256K1_HALF_ORDER {
        return None;
    }
    let mut input = [0u8; 128];
    input[..32].copy_from_slice(digest.as_slice());
    input[63] = v;
    input[64..96].copy_from_slice(r.as_slice());
    input[96..].copy_from_slice(s.as_slice());
    // SAFETY: a static call to a precompile cannot re-enter this contract or alias its storage.
    let output = unsafe { RawCall::new_static(host).call(ECRECOVER, &input) }.ok()?;
    let word: [u8; 32] = output.get(..32)?.try_into().ok()?;
    let signer = Address::from_word(B256::new(word));
    (!signer.is_zero()).then_some(signer)
}
