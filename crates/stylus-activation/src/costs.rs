//! Cost numbers: StylusData (§1.5), activation gas (§1.4), per-call init gas (§1.7), the memory
//! model (§3) and the data-fee pricer (§1.6).

use crate::StylusParams;

/// §1.4 (b): fixed gas of every activation.
pub const ACTIVATION_FIXED_GAS: u64 = 1_659_168;

/// The counts the §1.4 and §1.5 formulas take, all measured on the (instrumented) module.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleStats {
    /// Decompressed wasm length in bytes.
    pub wasm_len: u32,
    /// Defined functions (imports excluded).
    pub funcs: u32,
    /// Σ over defined functions of (#params + #results).
    pub type_len: u64,
    /// Globals, including the 4 Nitro adds.
    pub globals: u64,
    /// Σ payload bytes of data segments (the §1.4 "data" term).
    pub data_payload_bytes: u64,
    /// Σ encoded byte ranges of data segments (part of §1.5 `data_len`).
    pub data_segment_bytes: u64,
    /// Σ encoded byte ranges of element segments (§1.4 "elements"; part of §1.5 `data_len`).
    pub element_segment_bytes: u64,
    /// Initial memory pages (`footprint`).
    pub footprint_pages: u16,
    /// Total ops of all bodies after Nitro's instrumentation, counted per §8 (see
    /// [`crate::nitro_instrumented_ops`]).
    pub instrumented_ops: u64,
}

impl ModuleStats {
    /// §1.5 `data_len` = data segments' plus element segments' encoded byte ranges.
    pub fn data_len(&self) -> u64 {
        self.data_segment_bytes + self.element_segment_bytes
    }

    /// §1.5: `cached_init_cost = ⌊funcs·13420/1e5⌋ + ⌊type_len·89/1e5⌋ + ⌊wasm_len·122/1e5⌋
    /// + ⌊globals·1628/1000⌋ + ⌊data_len·75244/1e5⌋ + 5·footprint` (each floor its own term).
    pub fn cached_init_cost(&self) -> u64 {
        u64::from(self.funcs) * 13_420 / 100_000
            + self.type_len * 89 / 100_000
            + u64::from(self.wasm_len) * 122 / 100_000
            + self.globals * 1_628 / 1_000
            + self.data_len() * 75_244 / 100_000
            + 5 * u64::from(self.footprint_pages)
    }

    /// §1.5: `init_cost = ⌊funcs·8252/1000⌋ + ⌊type_len·1059/1000⌋ + ⌊wasm_len·1286/10000⌋`
    /// for Stylus v2; in v1 `cached_init_cost` is added.
    pub fn init_cost(&self, stylus_version: u16) -> u64 {
        let base = u64::from(self.funcs) * 8_252 / 1_000
            + self.type_len * 1_059 / 1_000
            + u64::from(self.wasm_len) * 1_286 / 10_000;
        if stylus_version == 1 {
            base + self.cached_init_cost()
        } else {
            base
        }
    }

    /// §1.5: `asm_estimate = 512000 + ⌊funcs·996829/1000⌋ + ⌊type_len·11416/1000⌋
    /// + ⌊wasm_len·62628/10000⌋` bytes.
    pub fn asm_estimate_bytes(&self) -> u64 {
        512_000
            + u64::from(self.funcs) * 996_829 / 1_000
            + self.type_len * 11_416 / 1_000
            + u64::from(self.wasm_len) * 62_628 / 10_000
    }

    /// §1.4 (d): the parse cost, each term `28 × ⌊count × factor⌋`: wasm bytes × 31 733/100 000
    /// (ArbOS ≥ 32 only), functions × 17 263/100 000, data payload bytes × 17 376/100 000,
    /// element bytes × 17 376/100 000, memory pages × 2 217, instrumented ops × 535/1 000.
    pub fn parse_gas(&self, arbos_version: u64) -> u64 {
        let term = |count: u64, num: u64, den: u64| 28 * (count * num / den);
        let wasm_bytes = if arbos_version >= 32 {
            term(u64::from(self.wasm_len), 31_733, 100_000)
        } else {
            0
        };
        wasm_bytes
            + term(u64::from(self.funcs), 17_263, 100_000)
            + term(self.data_payload_bytes, 17_376, 100_000)
            + term(self.element_segment_bytes, 17_376, 100_000)
            + term(u64::from(self.footprint_pages), 2_217, 1)
            + term(self.instrumented_ops, 535, 1_000)
    }

    /// §1.4 (a) + (b) + (d): `ActivationGas` (ArbOS ≥ 60) + 1 659 168 + parse gas. Fragment
    /// reads (c, [`crate::fragment_read_gas`]) and ArbOS storage accesses (e, not itemised by
    /// the reference) are not included.
    pub fn activation_gas(&self, params: &StylusParams) -> u64 {
        let param = if params.arbos_version >= 60 {
            params.activation_gas
        } else {
            0
        };
        param
            .saturating_add(ACTIVATION_FIXED_GAS)
            .saturating_add(self.parse_gas(params.arbos_version))
    }
}

/// §1.7: `initGas = 128·MinInitGas + ⌈init_cost·2·InitCostScalar/100⌉` (8 832 + init_cost
/// with the defaults).
pub fn init_gas(init_cost: u16, params: &StylusParams) -> u64 {
    128 * u64::from(params.min_init_gas)
        + (u64::from(init_cost) * 2 * u64::from(params.init_cost_scalar)).div_ceil(100)
}

/// §1.7: `cachedGas = 32·MinCachedInitGas + ⌈cached_cost·2·CachedCostScalar/100⌉` (352 +
/// cached_cost with the defaults).
pub fn cached_init_gas(cached_init_cost: u16, params: &StylusParams) -> u64 {
    32 * u64::from(params.min_cached_init_gas)
        + (u64::from(cached_init_cost) * 2 * u64::from(params.cached_cost_scalar)).div_ceil(100)
}

/// §1.7 per-call init charge in gas, without the memory-footprint part (add
/// [`memory_grow_gas`]`(footprint, open, ever)`). Stylus v ≥ 2: `cachedGas` always, plus
/// `initGas` unless `cached`. Stylus v1: `cachedGas` if cached, else `initGas` (whose
/// `init_cost` already includes the cached cost).
pub fn call_init_gas(p: &crate::ActivatedProgram, params: &StylusParams, cached: bool) -> u64 {
    let cached_gas = cached_init_gas(p.cached_init_cost, params);
    let init = init_gas(p.init_cost, params);
    match (params.stylus_version >= 2, cached) {
        (true, true) => cached_gas,
        (true, false) => cached_gas + init,
        (false, true) => cached_gas,
        (false, false) => init,
    }
}

/// §3: `EXP[p] = ⌊b^p⌋` with `b = e^(ln(31 874 000)/128)`, for p = 0..=128 (the reference's table).
pub const MEMORY_EXPONENTS: [u64; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, //
    8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38, 43, 50, 57, 65, //
    75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569, //
    651, 745, 853, 976, 1117, 1279, 1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932,
    5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523, 16621, 19024, 21773, 24919, 28521, 32642,
    37359, 42758, //
    48938, 56010, 64104, 73368, 83971, 96106, 109994, 125890, 144082, 164904, 188735, 216010,
    247226, 282953, 323844, 370643, //
    424206, 485509, 555672, 635973, 727880, 833067, 953456, 1091243, 1248941, 1429429, 1636000,
    1872423, 2143012, 2452704, 2807151, 3212820, //
    3677113, 4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601,
    14181199, 16230562, 18576084, 21260563, 24332984, 27849408, //
    31873999,
];

fn memory_exp(pages: u32) -> u64 {
    MEMORY_EXPONENTS
        .get(pages as usize)
        .copied()
        .unwrap_or(u64::MAX)
}

/// §3 memory model: gas to add `pages` to a tx holding `open` pages whose high-water mark is
/// `ever`. `new_open = open + pages`, `new_ever = max(ever, new_open)`; 0 if `new_ever ≤
/// FreePages`, else `PageGas·(max(0, new_open − free) − max(0, open − free)) + EXP[new_ever] −
/// EXP[ever]` (saturating). More than 128 pages (`EXP` = u64::MAX) → `u64::MAX` (out of gas).
/// Used for the entry footprint charge (§1.7) and `pay_for_memory_grow` (§4.2).
pub fn memory_grow_gas(pages: u16, open: u16, ever: u16, params: &StylusParams) -> u64 {
    let open = u32::from(open);
    let ever = u32::from(ever);
    let free = u32::from(params.free_pages);
    let new_open = open + u32::from(pages);
    let new_ever = ever.max(new_open);
    if new_ever <= free {
        return 0;
    }
    let new_exp = memory_exp(new_ever);
    if new_exp == u64::MAX {
        return u64::MAX;
    }
    let linear = u64::from(params.page_gas).saturating_mul(u64::from(
        new_open.saturating_sub(free) - open.saturating_sub(free),
    ));
    linear.saturating_add(new_exp - memory_exp(ever))
}

/// §1.6: the data-fee pricer kept in ArbOS state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataPricer {
    /// Outstanding demand in bytes.
    pub demand: u32,
    /// Demand drained per second (34 865).
    pub bytes_per_second: u32,
    /// Unix time of the last update.
    pub last_update_secs: u64,
    /// Price floor in wei per byte (82 928 201).
    pub min_price: u32,
    /// Demand scale of the exponent (21 360 419).
    pub inertia: u32,
}

impl DataPricer {
    /// §1.6: the initial pricer: no demand, 34 865 bytes/s, min price 82 928 201 wei/byte,
    /// inertia 21 360 419, last update `now_secs`.
    pub fn new_default(now_secs: u64) -> Self {
        Self {
            demand: 0,
            bytes_per_second: 34_865,
            last_update_secs: now_secs,
            min_price: 82_928_201,
            inertia: 21_360_419,
        }
    }

    /// §1.6: account for `bytes` (activation: the raw asm estimate; keepalive: stored KiB ×
    /// 1024) at `now_secs` and return the fee in wei:
    /// `demand = sat_sub(demand, bytesPerSecond·elapsed) + bytes`; `x = 10000·demand/inertia`
    /// bips; multiplier = 12-term Horner series of `10000·e^(x/10000)`; fee =
    /// `⌊minPrice·multiplier/10000⌋ · bytes`.
    pub fn update(&mut self, bytes: u32, now_secs: u64) -> u128 {
        let elapsed = now_secs.saturating_sub(self.last_update_secs);
        let credit = u64::from(self.bytes_per_second).saturating_mul(elapsed);
        let credit = u32::try_from(credit).unwrap_or(u32::MAX);
        self.demand = self.demand.saturating_sub(credit).saturating_add(bytes);
        self.last_update_secs = now_secs;

        let exponent_bips = 10_000 * u64::from(self.demand) / u64::from(self.inertia);
        let multiplier = approx_exp_bips(exponent_bips);
        let price = u128::from(self.min_price) * u128::from(multiplier) / 10_000;
        price * u128::from(bytes)
    }
}

/// §1.6 step 3: `10000·e^(x/10000)` by a 12-term Horner series: `r = 10000 + x/12`, then for
/// i = 11..=1, `r = 10000 + r·x/(i·10000)` (saturating).
fn approx_exp_bips(x: u64) -> u64 {
    const ONE: u64 = 10_000;
    let mut r = ONE + x / 12;
    for i in (1..=11u64).rev() {
        r = ONE.saturating_add(r.saturating_mul(x) / (i * ONE));
    }
    r
}
