//! Chain parameters that activation and the call-time charges depend on.

/// The Stylus chain parameters read from ArbWasm (reference §0 "Stylus parameters"), with the
/// defaults in force after all ArbOS upgrades up to ArbOS 60.
///
/// A chain owner can change every one of them; build a non-default set with
/// `StylusParams { page_limit: 64, ..Default::default() }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StylusParams {
    /// ArbOS version of the chain (default 60). Gates: multi-value rejection (≥ 60), fragmented
    /// programs and `ActivationGas` (≥ 60), the per-byte activation term and the 513-import
    /// limit (≥ 32). Version 0 means "recompile" and still allows multi-value (§1.3).
    pub arbos_version: u64,
    /// Stylus version (default 2). Version 1 adds `cached_init_cost` into `init_cost` and does
    /// not charge the cached-init gas on uncached calls (§1.5, §1.7).
    pub stylus_version: u16,
    /// Ink per gas (default 10 000, §2.1).
    pub ink_price: u32,
    /// Depth-checker budget in words per program call (default 22 000 since ArbOS 50, §2.5).
    pub max_stack_depth: u32,
    /// Pages per tx that cost no linear page gas (default 2, §3).
    pub free_pages: u16,
    /// Linear gas per page above the free ones (default 1 000, §3).
    pub page_gas: u16,
    /// Most pages of memory a tx may hold open (default 128, §1.3 and §3).
    pub page_limit: u16,
    /// Minimum init gas in units of 128 gas (default 69 for Stylus v2, 72 for v1; §1.7).
    pub min_init_gas: u8,
    /// Minimum cached init gas in units of 32 gas (default 11, §1.7).
    pub min_cached_init_gas: u8,
    /// Init cost scalar in units of 2 % (default 50 = 100 %, §1.7).
    pub init_cost_scalar: u8,
    /// Cached init cost scalar in units of 2 % (default 50 = 100 %, §1.7).
    pub cached_cost_scalar: u8,
    /// Days after activation until a program expires (default 365, §1.7).
    pub expiry_days: u16,
    /// Minimum program age in days before a keepalive is accepted (default 31, §1.7).
    pub keepalive_days: u16,
    /// Size of the per-block LRU of recently called programs (default 32, §1.7).
    pub block_cache_size: u16,
    /// Largest decompressed wasm in bytes (default 131 072, §1.1).
    pub max_wasm_size: u32,
    /// Largest contract code in bytes, prefix included (chain config, default 24 576, §1.1).
    pub max_code_size: u32,
    /// Most fragments a root may name (default 2 from ArbOS 60, §1.1).
    pub max_fragment_count: u8,
    /// Gas burned before every activation (ArbOS ≥ 60, default 0, §1.4).
    pub activation_gas: u64,
}

impl Default for StylusParams {
    fn default() -> Self {
        Self {
            arbos_version: 60,
            stylus_version: 2,
            ink_price: 10_000,
            max_stack_depth: 22_000,
            free_pages: 2,
            page_gas: 1_000,
            page_limit: 128,
            min_init_gas: 69,
            min_cached_init_gas: 11,
            init_cost_scalar: 50,
            cached_cost_scalar: 50,
            expiry_days: 365,
            keepalive_days: 31,
            block_cache_size: 32,
            max_wasm_size: 131_072,
            max_code_size: 24_576,
            max_fragment_count: 2,
            activation_gas: 0,
        }
    }
}
