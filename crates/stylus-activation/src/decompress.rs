//! Stylus code layouts (reference §1.1): classic `EF F0 00`, fragment `EF F0 01`, root `EF F0 02`.

use std::io::Read;

use crate::{ActivationError, StylusParams};

/// §1.1: prefix of a classic program: `EF F0 00` + dictionary byte + brotli stream.
pub const CLASSIC_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];
/// §1.1: prefix of a fragment (ArbOS ≥ 60): `EF F0 01` + a raw chunk of the compressed stream.
pub const FRAGMENT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x01];
/// §1.1: prefix of a root (ArbOS ≥ 60): `EF F0 02` + dictionary byte + u32 BE decompressed
/// length + N × 20-byte fragment addresses.
pub const ROOT_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x02];

/// §1.1 execution dispatch: geth runs code as Stylus when it starts with a deployable prefix,
/// the classic one, or (ArbOS ≥ 60) the root one. Everything else runs as EVM code.
pub fn is_stylus_program(code: &[u8], params: &StylusParams) -> bool {
    code.starts_with(&CLASSIC_PREFIX)
        || (params.arbos_version >= 60 && code.starts_with(&ROOT_PREFIX))
}

/// §1.1: decompress a classic program (`EF F0 00` + dictionary byte + brotli) into its wasm.
///
/// Rules enforced: code longer than 3 bytes (4 with the dictionary byte) and at most
/// `max_code_size` bytes (the deploy-time limit on prefix + compressed wasm); dictionary 0
/// (dictionary 1 exists on Nitro but is not reproduced: [`ActivationError::UnsupportedDictionary`];
/// other values: [`ActivationError::UnknownDictionary`]); the output must fit in `max_wasm_size`
/// ([`ActivationError::OutputWontFit`]). Fragments and roots get their own errors; roots go
/// through [`decompress_root`].
pub fn decompress_program(code: &[u8], params: &StylusParams) -> Result<Vec<u8>, ActivationError> {
    if code.len() > params.max_code_size as usize {
        return Err(ActivationError::CodeTooLarge {
            len: code.len(),
            limit: params.max_code_size,
        });
    }
    if code.starts_with(&FRAGMENT_PREFIX) {
        return Err(ActivationError::FragmentNotActivatable);
    }
    if code.starts_with(&ROOT_PREFIX) {
        if params.arbos_version < 60 {
            return Err(ActivationError::RootBeforeArbos60 {
                arbos_version: params.arbos_version,
            });
        }
        return Err(ActivationError::RootNeedsFragments);
    }
    if !code.starts_with(&CLASSIC_PREFIX) {
        return Err(ActivationError::NotWasm {
            prefix: code[..code.len().min(4)].to_vec(),
        });
    }
    if code.len() < 4 {
        return Err(ActivationError::CodeTooShort { len: code.len() });
    }
    check_dictionary(code[3])?;
    brotli_decompress(&code[4..], params.max_wasm_size)
}

/// §1.1: decompress a root program (ArbOS ≥ 60) whose fragments `fetch` returns by address
/// (`None` = the account has no code).
///
/// Rules enforced: root at least 8 bytes; address part a multiple of 20; 1 ≤ N ≤
/// `max_fragment_count`; declared length ≤ `max_wasm_size`; every fragment starts with
/// `EF F0 01`; the payloads joined in the root's order decompress to exactly the declared
/// length. The fragment-read gas of §1.1 is [`fragment_read_gas`], which the caller charges
/// (it depends on the access list).
pub fn decompress_root(
    code: &[u8],
    params: &StylusParams,
    mut fetch: impl FnMut([u8; 20]) -> Option<Vec<u8>>,
) -> Result<Vec<u8>, ActivationError> {
    if !code.starts_with(&ROOT_PREFIX) {
        return Err(ActivationError::NotWasm {
            prefix: code[..code.len().min(4)].to_vec(),
        });
    }
    if params.arbos_version < 60 {
        return Err(ActivationError::RootBeforeArbos60 {
            arbos_version: params.arbos_version,
        });
    }
    if code.len() < 8 {
        return Err(ActivationError::RootTooShort { len: code.len() });
    }
    check_dictionary(code[3])?;
    let declared = u32::from_be_bytes([code[4], code[5], code[6], code[7]]);
    let addresses = &code[8..];
    if !addresses.len().is_multiple_of(20) {
        return Err(ActivationError::RootAddressesMisaligned {
            len: addresses.len(),
        });
    }
    let count = addresses.len() / 20;
    if count == 0 {
        return Err(ActivationError::NoFragments);
    }
    if count > params.max_fragment_count as usize {
        return Err(ActivationError::TooManyFragments {
            count,
            limit: params.max_fragment_count,
        });
    }
    if declared > params.max_wasm_size {
        return Err(ActivationError::RootDeclaredTooLarge {
            declared,
            limit: params.max_wasm_size,
        });
    }
    let mut stream = Vec::new();
    for chunk in addresses.chunks_exact(20) {
        let mut address = [0u8; 20];
        address.copy_from_slice(chunk);
        let fragment = fetch(address).ok_or(ActivationError::FragmentMissing { address })?;
        if !fragment.starts_with(&FRAGMENT_PREFIX) {
            return Err(ActivationError::NotAFragment { address });
        }
        stream.extend_from_slice(&fragment[FRAGMENT_PREFIX.len()..]);
    }
    let wasm = brotli_decompress(&stream, params.max_wasm_size)?;
    if wasm.len() != declared as usize {
        return Err(ActivationError::RootLengthMismatch {
            declared,
            actual: wasm.len(),
        });
    }
    Ok(wasm)
}

/// §1.1: gas to read one fragment at activation: 100 if the address is warm, 2 600 if cold
/// (the caller then adds it to the access list), plus 3 × words(code length).
/// (Nitro also first requires the remaining gas to cover a read of a `MaxCodeSize` fragment:
/// `fragment_read_gas(max_code_size, warm)`.)
pub fn fragment_read_gas(code_len: usize, warm: bool) -> u64 {
    let access = if warm { 100 } else { 2_600 };
    access + 3 * (code_len as u64).div_ceil(32)
}

fn check_dictionary(dict: u8) -> Result<(), ActivationError> {
    match dict {
        0 => Ok(()),
        1 => Err(ActivationError::UnsupportedDictionary),
        dict => Err(ActivationError::UnknownDictionary { dict }),
    }
}

/// Brotli-decode `stream` into at most `limit` bytes (§1.1 "decompress into a buffer of
/// MaxWasmSize bytes"; more output is `OutputWontFit`).
fn brotli_decompress(stream: &[u8], limit: u32) -> Result<Vec<u8>, ActivationError> {
    let mut out = Vec::new();
    brotli::Decompressor::new(stream, 4096)
        .take(u64::from(limit) + 1)
        .read_to_end(&mut out)
        .map_err(|e| ActivationError::Brotli(e.to_string()))?;
    if out.len() > limit as usize {
        return Err(ActivationError::OutputWontFit { limit });
    }
    Ok(out)
}
