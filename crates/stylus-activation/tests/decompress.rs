//! §1.1: code layouts and decompression.

mod common;

use std::collections::HashMap;
use std::io::Write;

use common::{entry_module, wasm};
use stylus_activation::{
    activate, decompress_program, decompress_root, fragment_read_gas, is_stylus_program,
    ActivationError, StylusParams,
};

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(data).unwrap();
    }
    out
}

fn classic(data: &[u8]) -> Vec<u8> {
    let mut code = vec![0xEF, 0xF0, 0x00, 0x00];
    code.extend(brotli(data));
    code
}

#[test]
fn classic_program_round_trips_and_activates() {
    let params = StylusParams::default();
    let module = wasm(&entry_module("i32.const 0"));
    let code = classic(&module);
    assert!(is_stylus_program(&code, &params));
    let out = decompress_program(&code, &params).unwrap();
    assert_eq!(out, module);
    activate(&out, &params).unwrap();
}

#[test]
fn prefixes_and_dictionaries() {
    let params = StylusParams::default();
    let module = wasm(&entry_module("i32.const 0"));
    let mut code = classic(&module);
    code[3] = 1;
    assert_eq!(
        decompress_program(&code, &params),
        Err(ActivationError::UnsupportedDictionary)
    );
    code[3] = 2;
    assert_eq!(
        decompress_program(&code, &params),
        Err(ActivationError::UnknownDictionary { dict: 2 })
    );
    assert_eq!(
        decompress_program(&[0xEF, 0xF0, 0x00], &params),
        Err(ActivationError::CodeTooShort { len: 3 })
    );
    assert!(matches!(
        decompress_program(&[0x60, 0x80, 0x60, 0x40], &params),
        Err(ActivationError::NotWasm { .. })
    ));
    assert!(!is_stylus_program(&[0x60, 0x80], &params));
    assert_eq!(
        decompress_program(&[0xEF, 0xF0, 0x01, 0x12], &params),
        Err(ActivationError::FragmentNotActivatable)
    );
    assert_eq!(
        decompress_program(&[0xEF, 0xF0, 0x02, 0x00, 0, 0, 0, 1], &params),
        Err(ActivationError::RootNeedsFragments)
    );
    let old = StylusParams {
        arbos_version: 50,
        ..Default::default()
    };
    assert!(!is_stylus_program(&[0xEF, 0xF0, 0x02, 0x00], &old));
    assert_eq!(
        decompress_program(&[0xEF, 0xF0, 0x02, 0x00, 0, 0, 0, 1], &old),
        Err(ActivationError::RootBeforeArbos60 { arbos_version: 50 })
    );
    let garbage = [0xEF, 0xF0, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF];
    assert!(matches!(
        decompress_program(&garbage, &params),
        Err(ActivationError::Brotli(_))
    ));
}

#[test]
fn size_limits() {
    let params = StylusParams::default();
    let at_limit = vec![0u8; 131_072];
    assert_eq!(
        decompress_program(&classic(&at_limit), &params)
            .unwrap()
            .len(),
        131_072
    );
    let over = vec![0u8; 131_073];
    assert_eq!(
        decompress_program(&classic(&over), &params),
        Err(ActivationError::OutputWontFit { limit: 131_072 })
    );
    let too_long = vec![0xEF; 24_577];
    assert_eq!(
        decompress_program(&too_long, &params),
        Err(ActivationError::CodeTooLarge {
            len: 24_577,
            limit: 24_576
        })
    );
}

fn root(declared: u32, addresses: &[[u8; 20]]) -> Vec<u8> {
    let mut code = vec![0xEF, 0xF0, 0x02, 0x00];
    code.extend(declared.to_be_bytes());
    for a in addresses {
        code.extend(a);
    }
    code
}

#[test]
fn root_and_fragments() {
    let params = StylusParams::default();
    let module = wasm(&entry_module("i32.const 0"));
    let stream = brotli(&module);
    let (a, b) = stream.split_at(stream.len() / 2);
    let (addr_a, addr_b) = ([0xAA; 20], [0xBB; 20]);
    let mut chain = HashMap::new();
    for (addr, part) in [(addr_a, a), (addr_b, b)] {
        let mut code = vec![0xEF, 0xF0, 0x01];
        code.extend(part);
        chain.insert(addr, code);
    }
    let fetch = |addr: [u8; 20]| chain.get(&addr).cloned();
    let len = module.len() as u32;
    assert_eq!(
        decompress_root(&root(len, &[addr_a, addr_b]), &params, fetch).unwrap(),
        module
    );
    assert!(is_stylus_program(&root(len, &[addr_a]), &params));

    assert_eq!(
        decompress_root(&root(len + 1, &[addr_a, addr_b]), &params, fetch),
        Err(ActivationError::RootLengthMismatch {
            declared: len + 1,
            actual: module.len()
        })
    );
    assert_eq!(
        decompress_root(&root(len, &[addr_a, addr_b, addr_a]), &params, fetch),
        Err(ActivationError::TooManyFragments { count: 3, limit: 2 })
    );
    assert_eq!(
        decompress_root(&root(len, &[]), &params, fetch),
        Err(ActivationError::NoFragments)
    );
    assert_eq!(
        decompress_root(&root(200_000, &[addr_a]), &params, fetch),
        Err(ActivationError::RootDeclaredTooLarge {
            declared: 200_000,
            limit: 131_072
        })
    );
    let mut misaligned = root(len, &[addr_a]);
    misaligned.push(0);
    assert_eq!(
        decompress_root(&misaligned, &params, fetch),
        Err(ActivationError::RootAddressesMisaligned { len: 21 })
    );
    assert_eq!(
        decompress_root(&[0xEF, 0xF0, 0x02, 0x00, 0], &params, fetch),
        Err(ActivationError::RootTooShort { len: 5 })
    );
    let missing = [0xCC; 20];
    assert_eq!(
        decompress_root(&root(len, &[addr_a, missing]), &params, fetch),
        Err(ActivationError::FragmentMissing { address: missing })
    );
    let evm = [0xDD; 20];
    let with_evm = |addr: [u8; 20]| {
        if addr == evm {
            Some(vec![0x60, 0x00])
        } else {
            fetch(addr)
        }
    };
    assert_eq!(
        decompress_root(&root(len, &[evm]), &params, with_evm),
        Err(ActivationError::NotAFragment { address: evm })
    );
}

#[test]
fn fragment_read_gas_is_access_plus_3_per_word() {
    assert_eq!(fragment_read_gas(0, true), 100);
    assert_eq!(fragment_read_gas(33, false), 2_600 + 6);
    assert_eq!(fragment_read_gas(24_576, false), 2_600 + 3 * 768);
}
