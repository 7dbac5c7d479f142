//! Shared helpers of the devnode tests: funded accounts, WAT programs and fixture contracts.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use alloy_primitives::{address, Address, U256};
use stylus_devnode::Devnode;

/// The test sender.
pub const ALICE: Address = address!("00000000000000000000000000000000000a11ce");
/// A second account.
pub const BOB: Address = address!("0000000000000000000000000000000000000b0b");

/// 1 000 ETH in wei.
pub fn thousand_eth() -> U256 {
    U256::from(1_000u64) * U256::from(10u64).pow(U256::from(18u64))
}

/// A devnode with ALICE funded.
pub fn node() -> Devnode {
    let mut node = Devnode::new();
    node.fund(ALICE, thousand_eth());
    node
}

/// Deployable code (EF F0 00 00 + brotli) of a hand-written WAT program.
pub fn wat_code(wat: &str) -> Vec<u8> {
    let wasm = wat::parse_str(wat).expect("valid WAT");
    stylus_build::process(&wasm, [0u8; 32])
        .expect("processable wasm")
        .code
}

/// Deployable code of a fixture contract under `fixtures/<name>` (built once, then cached by
/// stylus-build under the target directory). One lock serialises the loads of a test binary, so
/// no test reads a cache file another thread is writing.
pub fn fixture(name: &str) -> Vec<u8> {
    static LOADED: OnceLock<Mutex<HashMap<String, Vec<u8>>>> = OnceLock::new();
    let mut loaded = LOADED
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(code) = loaded.get(name) {
        return code.clone();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let package = format!("devnode-fixture-{name}");
    let code = match stylus_build::load_or_build(&root, &package) {
        Ok(deployable) => deployable.code,
        Err(error) => panic!("building {package}: {error}"),
    };
    loaded.insert(name.to_string(), code.clone());
    code
}

/// Deploys `code` from ALICE without constructor and returns the address.
pub fn deploy(node: &mut Devnode, code: &[u8]) -> Address {
    match node.deploy(ALICE, code, None, U256::ZERO) {
        Ok(deployment) => deployment.address,
        Err(error) => panic!("deploy failed: {error}"),
    }
}

/// Import declarations for `hostios` with their §4.2 wasm types (from stylus-activation's table).
pub fn imports(hostios: &[&str]) -> String {
    hostios
        .iter()
        .map(|name| {
            let (_, params, results) = stylus_activation::hostio_signature(name)
                .unwrap_or_else(|| panic!("{name} is not a vm_hooks hostio"));
            let ty = |t: &stylus_activation::ValType| match t {
                stylus_activation::ValType::I64 => "i64",
                _ => "i32",
            };
            let params = params.iter().map(ty).collect::<Vec<_>>().join(" ");
            let results = results.iter().map(ty).collect::<Vec<_>>().join(" ");
            format!(
                "(import \"vm_hooks\" \"{name}\" (func ${name} (param {params}) (result {results})))\n"
            )
        })
        .collect()
}

/// A `(data …)` segment placing `bytes` at `offset`.
pub fn data(offset: u32, bytes: &[u8]) -> String {
    let escaped: String = bytes.iter().map(|b| format!("\\{b:02x}")).collect();
    format!("(data (i32.const {offset}) \"{escaped}\")\n")
}

/// A WAT program importing `hostios`, with one fixed memory page, `segments` and an entrypoint
/// running `body` and returning 0.
pub fn program(hostios: &[&str], segments: &str, body: &str) -> String {
    format!(
        "(module\n{}(memory (export \"memory\") 1 1)\n{segments}(func (export \"user_entrypoint\") (param $len i32) (result i32)\n{body}\n(i32.const 0)))",
        imports(hostios)
    )
}
