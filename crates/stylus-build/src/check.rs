//! One row of the size report: the deploy-size limit, the decompressed-size limit and Nitro's
//! activation rules applied to a [`Deployable`].

use std::fmt;

use stylus_activation::{
    activate, cached_init_gas, decompress_program, init_gas, ActivationError, StylusParams,
};

use crate::Deployable;

/// What activation would record and charge for a program (runtime reference §1.4, §1.5, §1.7),
/// under the default Stylus parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivationCosts {
    /// `init_cost` saved at activation (§1.5, Stylus v2).
    pub init_cost: u16,
    /// `cached_init_cost` saved at activation (§1.5).
    pub cached_init_cost: u16,
    /// Gas charged on every uncached call before any wasm runs, without memory:
    /// `cachedGas + initGas` = 352 + cached_init_cost + 8 832 + init_cost (§1.7, Stylus v2).
    pub call_init_gas: u64,
    /// Gas `ArbWasm.activateProgram` charges to activate it (§1.4).
    pub activation_gas: u64,
    /// Initial memory pages (footprint), charged on entry per §3.
    pub footprint_pages: u16,
}

/// Whether a program can be deployed and activated, as the first rule it breaks in the order
/// Nitro applies them: code size at deployment, then decompression, then activation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Deployable under the classic limit and activatable.
    Ok,
    /// Prefix + compressed wasm exceeds `MaxCodeSize`; geth rejects the deployment
    /// (`ErrMaxCodeSizeExceeded`, runtime reference §1.1).
    OverLimit {
        /// Deployed bytes (prefix + compressed wasm).
        deployed: usize,
        /// `MaxCodeSize` (24,576 by default).
        limit: usize,
    },
    /// The decompressed wasm exceeds `MaxWasmSize`; decompression fails at activation
    /// (`ErrOutputWontFit`, runtime reference §1.1).
    WasmOverLimit {
        /// Decompressed wasm bytes.
        wasm_len: usize,
        /// `MaxWasmSize` (131,072 by default).
        limit: usize,
    },
    /// Nitro's activation would reject the program (runtime reference §1.3).
    Invalid(ActivationError),
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Ok => write!(f, "ok"),
            Verdict::OverLimit { deployed, limit } => write!(
                f,
                "over the deploy limit: {deployed} bytes deployed > {limit} (by {})",
                deployed - limit
            ),
            Verdict::WasmOverLimit { wasm_len, limit } => write!(
                f,
                "over the decompressed limit: {wasm_len} bytes of wasm > {limit} (by {})",
                wasm_len - limit
            ),
            Verdict::Invalid(e) => write!(f, "activation would fail: {e}"),
        }
    }
}

/// The size report's row for one contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeRow {
    /// The contract's package.
    pub package: String,
    /// Processed wasm bytes (uncompressed): what Nitro decompresses and validates.
    pub wasm_len: usize,
    /// Deployed bytes: `EF F0 00 00` + brotli(wasm).
    pub deployed_len: usize,
    /// The limit `deployed_len` is held to (`MaxCodeSize`).
    pub code_limit: usize,
    /// Activation's numbers, or why it fails. Evaluated even when the code is over the size
    /// limit, so an oversized contract still shows its validity and init gas.
    pub activation: Result<ActivationCosts, ActivationError>,
    /// The overall verdict.
    pub verdict: Verdict,
}

impl SizeRow {
    /// `deployed_len` as a percentage of `code_limit`.
    pub fn percent_of_limit(&self) -> f64 {
        self.deployed_len as f64 * 100.0 / self.code_limit as f64
    }

    /// Bytes left under `code_limit` (negative when over).
    pub fn headroom(&self) -> i64 {
        self.code_limit as i64 - self.deployed_len as i64
    }
}

/// Checks one deployable with the default Stylus parameters (ArbOS 60, Stylus v2):
/// deployed size ≤ `MaxCodeSize` (24,576), decompressed size ≤ `MaxWasmSize` (131,072), and
/// Nitro's activation validation (`stylus_activation::activate` on the wasm decompressed from
/// `code`, i.e. exactly the bytes a chain would see). The verdict is the first failure in that
/// order (see [`Verdict`]).
pub fn check(d: &Deployable) -> SizeRow {
    let params = StylusParams::default();
    let code_limit = params.max_code_size as usize;
    let wasm_limit = params.max_wasm_size as usize;
    // Validity is judged apart from the deploy-size limit, which the verdict applies itself.
    let unlimited_code = StylusParams {
        max_code_size: u32::MAX,
        ..params.clone()
    };
    let activation = decompress_program(&d.code, &unlimited_code)
        .and_then(|wasm| activate(&wasm, &params))
        .map(|p| ActivationCosts {
            init_cost: p.init_cost,
            cached_init_cost: p.cached_init_cost,
            call_init_gas: cached_init_gas(p.cached_init_cost, &params)
                + init_gas(p.init_cost, &params),
            activation_gas: p.activation_gas,
            footprint_pages: p.footprint_pages,
        });
    let verdict = if d.code.len() > code_limit {
        Verdict::OverLimit {
            deployed: d.code.len(),
            limit: code_limit,
        }
    } else if d.wasm.len() > wasm_limit {
        Verdict::WasmOverLimit {
            wasm_len: d.wasm.len(),
            limit: wasm_limit,
        }
    } else {
        match &activation {
            Ok(_) => Verdict::Ok,
            Err(e) => Verdict::Invalid(e.clone()),
        }
    };
    SizeRow {
        package: d.package.clone(),
        wasm_len: d.wasm.len(),
        deployed_len: d.code.len(),
        code_limit,
        activation,
        verdict,
    }
}
