//! `process` + `check` on hand-made modules: a small valid program passes; an oversized one, an
//! over-long one, one with a float op and one without `user_entrypoint` fail with the right
//! verdict; and the WAT round trip repairs the padded `call_indirect` immediate Nitro rejects.

use stylus_activation::{activate, ActivationError, StylusParams};
use stylus_build::{
    check, embedded_project_hash, process, Deployable, Verdict, MAX_CODE_SIZE, MAX_WASM_SIZE,
    STYLUS_PREFIX,
};

const HASH: [u8; 32] = [0xAB; 32];

/// `body` is the WAT of `user_entrypoint`'s body; `extra` goes inside the module.
fn module(memory_pages: u32, body: &str, extra: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
             (memory (export "memory") {memory_pages} {memory_pages})
             (func (export "user_entrypoint") (param i32) (result i32) {body})
             {extra})"#
    ))
    .expect("test module assembles")
}

fn deployable(name: &str, raw: &[u8]) -> Deployable {
    Deployable::new(name, process(raw, HASH).expect("process succeeds"))
}

/// `len` bytes from xorshift64: brotli cannot compress them.
fn incompressible(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn data_segment(bytes: &[u8]) -> String {
    let escaped: String = bytes.iter().map(|b| format!("\\{b:02x}")).collect();
    format!(r#"(data (i32.const 0) "{escaped}")"#)
}

#[test]
fn small_valid_program_passes() {
    let d = deployable("small", &module(1, "i32.const 0", ""));
    assert!(d.code.starts_with(&STYLUS_PREFIX));
    assert_eq!(d.project_hash(), Some(HASH));
    let row = check(&d);
    assert_eq!(row.verdict, Verdict::Ok, "{row:?}");
    let costs = row.activation.clone().expect("activates");
    assert_eq!(costs.footprint_pages, 1);
    assert!(row.deployed_len < 100 && row.headroom() > 24_000, "{row:?}");
}

#[test]
fn oversized_program_is_over_limit_but_still_valid() {
    let data = incompressible(30_000);
    let d = deployable("oversized", &module(1, "i32.const 0", &data_segment(&data)));
    let row = check(&d);
    assert!(
        d.code.len() > MAX_CODE_SIZE,
        "compressed {} bytes",
        d.code.len()
    );
    assert_eq!(
        row.verdict,
        Verdict::OverLimit {
            deployed: d.code.len(),
            limit: MAX_CODE_SIZE
        }
    );
    assert!(row.headroom() < 0 && row.percent_of_limit() > 100.0);
    assert_eq!(
        row.verdict.to_string(),
        format!(
            "over the deploy limit: {} bytes deployed > 24576 (by {})",
            d.code.len(),
            d.code.len() - MAX_CODE_SIZE
        )
    );
    assert!(
        row.activation.is_ok(),
        "validity is judged apart from size: {:?}",
        row.activation
    );
}

#[test]
fn program_over_the_decompressed_limit_fails() {
    // 140,000 zero bytes compress to almost nothing but decompress past 131,072.
    let zeros = vec![0u8; 140_000];
    let d = deployable("long", &module(3, "i32.const 0", &data_segment(&zeros)));
    assert!(d.code.len() < MAX_CODE_SIZE);
    let row = check(&d);
    assert_eq!(
        row.verdict,
        Verdict::WasmOverLimit {
            wasm_len: d.wasm.len(),
            limit: MAX_WASM_SIZE
        }
    );
}

#[test]
fn float_op_is_invalid() {
    let body = "f32.const 1 f32.const 2 f32.add drop i32.const 0";
    let row = check(&deployable("float", &module(1, body, "")));
    assert!(
        matches!(
            row.verdict,
            Verdict::Invalid(ActivationError::FloatOp { .. })
        ),
        "{:?}",
        row.verdict
    );
}

#[test]
fn missing_entrypoint_is_invalid() {
    let raw = wat::parse_str(
        r#"(module (memory (export "memory") 1 1)
                   (func (export "main") (param i32) (result i32) i32.const 0))"#,
    )
    .unwrap();
    let row = check(&deployable("no-entrypoint", &raw));
    assert_eq!(
        row.verdict,
        Verdict::Invalid(ActivationError::MissingExport {
            name: "user_entrypoint"
        })
    );
}

/// A module as LLVM writes it: `call_indirect` with its table index as the padded 5-byte LEB
/// `80 80 80 80 00`. Nitro validates without reference types, where that immediate must be the
/// single byte 0 (runtime reference §1.2).
fn padded_call_indirect_module() -> Vec<u8> {
    let mut m = b"\0asm\x01\0\0\0".to_vec();
    let mut section = |id: u8, body: &[u8]| {
        m.push(id);
        m.push(body.len() as u8);
        m.extend_from_slice(body);
    };
    section(1, &[1, 0x60, 1, 0x7f, 1, 0x7f]); // type 0: (i32) -> i32
    section(3, &[1, 0]); // one function of type 0
    section(4, &[1, 0x70, 0, 1]); // funcref table, min 1
    section(5, &[1, 1, 1, 1]); // memory 1..1
    let mut exports = vec![2, 6];
    exports.extend_from_slice(b"memory");
    exports.extend_from_slice(&[2, 0, 15]);
    exports.extend_from_slice(b"user_entrypoint");
    exports.extend_from_slice(&[0, 0]);
    section(7, &exports);
    section(9, &[1, 0, 0x41, 0, 0x0b, 1, 0]); // table[0] = func 0
    let body = [
        0, 0x41, 0, 0x41, 0, 0x11, 0, 0x80, 0x80, 0x80, 0x80, 0, 0x0b,
    ];
    let mut code = vec![1, body.len() as u8];
    code.extend_from_slice(&body);
    section(10, &code);
    m
}

#[test]
fn round_trip_repairs_padded_call_indirect() {
    let raw = padded_call_indirect_module();
    let err = activate(&raw, &StylusParams::default())
        .expect_err("the raw module must fail Nitro's validation");
    assert!(
        matches!(&err, ActivationError::InvalidWasm { message, .. } if message.contains("zero byte expected")),
        "{err}"
    );
    let d = deployable("padded", &raw);
    assert_eq!(check(&d).verdict, Verdict::Ok);
}

#[test]
fn processing_strips_custom_sections_and_appends_the_hash_last() {
    let raw = module(1, "i32.const 0", r#"(@custom "secret" "do not deploy")"#);
    let d = deployable("custom", &raw);
    let names: Vec<String> = wasmparser::Parser::new(0)
        .parse_all(&d.wasm)
        .filter_map(|p| match p.unwrap() {
            wasmparser::Payload::CustomSection(c) => Some(c.name().to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["project_hash"]);
    assert_eq!(embedded_project_hash(&d.wasm), Some(HASH));
    assert_eq!(embedded_project_hash(&raw), None);
}
