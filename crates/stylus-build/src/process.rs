//! The wasm → deployable-code pipeline of cargo-stylus 0.10.10 (`stylus_tools::core::code::wasm::
//! {process_wasm, compress_wasm}` with wasm-opt off), step for step and byte for byte.
//!
//! stylus-tools itself cannot be a dependency here: 0.10.10 needs `alloy ^1.7.3`, and every alloy
//! 1.7.x/1.8.x release declares `rust-version = 1.91`, while the workspace is pinned to
//! nightly-2025-08-01 (rustc 1.90), so cargo refuses to build it. The steps are therefore
//! restated with the same libraries: wasmprinter + wat for the round trip, wasmparser +
//! wasm-encoder for the strip, and brotli2 0.3.2 (the C brotli cargo-stylus links) to compress.
//!
//! Checked against stylus-tools 0.10.10 itself (built outside the workspace with stable 1.95): on
//! the minimal fixture and seven stylus-sdk contracts of 2.6–13.6 KB deployed, the processed wasm
//! and the deployed code are byte-identical.

use std::io::Read;

use brotli2::read::BrotliEncoder;
use wasm_encoder::{CustomSection, Module, RawSection};
use wasmparser::{Parser, Payload};

use crate::BuildError;

/// Brotli quality cargo-stylus compresses with (stylus-tools `BROTLI_COMPRESSION_LEVEL`).
pub const BROTLI_QUALITY: u32 = 11;

/// The 4-byte prefix of a classic Stylus program: `EF F0 00` + dictionary byte 0 (no dictionary).
/// Nitro runs code as Stylus when it starts with this prefix (runtime reference §1.1);
/// cargo-stylus always writes dictionary 0 (stylus-tools `prefixes::EOF_NO_DICT`).
pub const STYLUS_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];

/// Name of the custom section cargo-stylus appends to every deployed wasm, holding the 32-byte
/// project hash (stylus-tools `PROJECT_HASH_SECTION_NAME`). It is deployed and counts toward the
/// wasm length Nitro prices.
pub const PROJECT_HASH_SECTION: &str = "project_hash";

/// A processed program: what cargo-stylus would deploy for a raw rustc wasm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Processed {
    /// The processed wasm (round-tripped, custom sections stripped, `project_hash` appended).
    pub wasm: Vec<u8>,
    /// `EF F0 00 00` + brotli(quality 11) of `wasm`: the contract code as deployed.
    pub code: Vec<u8>,
}

/// Processes a raw rustc wasm exactly as cargo-stylus 0.10.10 does without wasm-opt
/// (runtime reference §1.2; stylus-tools `process_wasm` + `compress_wasm`):
/// 1. wasm → WAT → wasm round trip (`remove_dangling_references`): re-assembling writes the
///    one-byte `call_indirect` table immediate that Nitro's validator requires, where LLVM writes a
///    padded 5-byte LEB;
/// 2. strip every custom and unknown section (`strip_user_metadata`);
/// 3. append the custom section `project_hash` holding `project_hash`;
/// 4. compress with brotli quality 11 (window 22, generic mode, no dictionary) and prefix
///    `EF F0 00 00`.
pub fn process(raw_wasm: &[u8], project_hash: [u8; 32]) -> Result<Processed, BuildError> {
    let text = wasmprinter::print_bytes(raw_wasm).map_err(|source| BuildError::WasmToWat {
        raw_len: raw_wasm.len(),
        message: format!("{source:#}"),
    })?;
    let round_tripped = wat::parse_str(&text).map_err(|source| BuildError::WatToWasm {
        wat_len: text.len(),
        source,
    })?;

    let mut module = Module::new();
    for payload in Parser::new(0).parse_all(&round_tripped) {
        let payload = payload.map_err(|source| BuildError::Strip { source })?;
        match payload {
            Payload::CustomSection(_) | Payload::UnknownSection { .. } => {}
            other => {
                if let Some((id, range)) = other.as_section() {
                    module.section(&RawSection {
                        id,
                        data: &round_tripped[range],
                    });
                }
            }
        }
    }
    module.section(&CustomSection {
        name: PROJECT_HASH_SECTION.into(),
        data: project_hash.as_slice().into(),
    });
    let wasm = module.finish();

    let mut compressed = Vec::new();
    BrotliEncoder::new(wasm.as_slice(), BROTLI_QUALITY)
        .read_to_end(&mut compressed)
        .map_err(|source| BuildError::Compress {
            wasm_len: wasm.len(),
            source,
        })?;
    let mut code = Vec::with_capacity(STYLUS_PREFIX.len() + compressed.len());
    code.extend_from_slice(&STYLUS_PREFIX);
    code.extend_from_slice(&compressed);
    Ok(Processed { wasm, code })
}

/// The project hash a processed wasm carries, if it ends with the `project_hash` section exactly
/// as [`process`] appends it (section id 0, size 45, name length 12, the name, 32 bytes).
pub fn embedded_project_hash(wasm: &[u8]) -> Option<[u8; 32]> {
    let name = PROJECT_HASH_SECTION.as_bytes();
    let tail_len = 3 + name.len() + 32;
    let tail = wasm.get(wasm.len().checked_sub(tail_len)?..)?;
    let header = [0u8, (1 + name.len() + 32) as u8, name.len() as u8];
    if tail[..3] != header || &tail[3..3 + name.len()] != name {
        return None;
    }
    tail[3 + name.len()..].try_into().ok()
}
