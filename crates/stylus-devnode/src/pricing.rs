//! Pure price functions: hostio ink (reference §4.1), EVM gas rules the hostios apply (§4.3) and the
//! transaction-level EVM charges (intrinsic gas, return-data floor §5.6, the init-code prelude §7).

use alloy_primitives::U256;

/// Base ink of most hostios (`HOSTIO`, reference §4.1).
pub const HOSTIO_INK: u64 = 8_400;
/// Ink per guest pointer argument (`PTR`, reference §4.1).
pub const PTR_INK: u64 = 5_040;
/// Ink for a request that crosses into the EVM (`EVM_API`, reference §4.1).
pub const EVM_API_INK: u64 = 59_673;
/// Extra ink of `math_div` / `math_mod` (`DIV`, reference §4.1).
pub const DIV_INK: u64 = 20_000;
/// Extra ink of `math_add_mod` (`ADDMOD`, reference §4.1).
pub const ADDMOD_INK: u64 = 21_000;
/// Extra ink of `math_mul_mod` (`MULMOD`, reference §4.1).
pub const MULMOD_INK: u64 = 24_100;

/// Words of 32 bytes covering `len` bytes: `⌈len/32⌉` (reference §0).
pub fn words(len: u64) -> u64 {
    len.div_ceil(32)
}

/// Ink to copy `len` bytes host → wasm: `5 040 + 30·max(0, len−32)` (reference §4.1).
pub fn write_price_ink(len: u64) -> u64 {
    PTR_INK.saturating_add(30u64.saturating_mul(len.saturating_sub(32)))
}

/// Ink to copy `len` bytes wasm → host: `16 381 + 55·max(0, len−32)` (reference §4.1).
pub fn read_price_ink(len: u64) -> u64 {
    16_381u64.saturating_add(55u64.saturating_mul(len.saturating_sub(32)))
}

/// Ink of `native_keccak256` over `len` bytes: `121 800 + 21 000·max(0, words−2)` (reference §4.1).
pub fn keccak_price_ink(len: u64) -> u64 {
    121_800u64.saturating_add(21_000u64.saturating_mul(words(len).saturating_sub(2)))
}

/// Ink of `math_pow`'s exponent: `3 000 + 17 500·(33 − leading zero bytes)` (reference §4.1).
pub fn pow_price_ink(exponent: &[u8; 32]) -> u64 {
    let leading_zero_bytes = exponent.iter().take_while(|b| **b == 0).count() as u64;
    3_000 + 17_500 * (33 - leading_zero_bytes)
}

/// Storage-cache read surcharge for the `reads`-th load of an invocation: calls 1–32 → 0 gas,
/// 33–128 → 2, after that 10 (reference §4.3).
pub fn read_surcharge_gas(reads: u32) -> u64 {
    match reads {
        0..=32 => 0,
        33..=128 => 2,
        _ => 10,
    }
}

/// Storage-cache write surcharge for the `writes`-th cache call: calls 1–8 → 0 gas, 9–64 → 7, after
/// that 10 (reference §4.3).
pub fn write_surcharge_gas(writes: u32) -> u64 {
    match writes {
        0..=8 => 0,
        9..=64 => 7,
        _ => 10,
    }
}

/// EIP-2929 cold storage access surcharge (gas).
pub const COLD_SLOAD_GAS: u64 = 2_100;
/// EIP-2929 cold account access (gas).
pub const COLD_ACCOUNT_GAS: u64 = 2_600;
/// EIP-2929 warm access (gas).
pub const WARM_ACCESS_GAS: u64 = 100;

/// Gas and refund change of one EVM SSTORE under EIP-2200 + EIP-2929 + EIP-3529 (reference §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SstoreCharge {
    /// Gas charged, including the cold surcharge.
    pub gas: u64,
    /// Change of the transaction's refund counter (may be negative).
    pub refund_delta_gas: i64,
}

/// SSTORE price for writing `new` over `current` whose value at transaction start was `original`.
pub fn sstore_charge(cold: bool, original: U256, current: U256, new: U256) -> SstoreCharge {
    let mut gas = if cold { COLD_SLOAD_GAS } else { 0 };
    let mut refund: i64 = 0;
    if current == new {
        gas += WARM_ACCESS_GAS;
    } else if original == current {
        if original.is_zero() {
            gas += 20_000;
        } else {
            gas += 2_900;
            if new.is_zero() {
                refund += 4_800;
            }
        }
    } else {
        gas += WARM_ACCESS_GAS;
        if !original.is_zero() {
            if current.is_zero() {
                refund -= 4_800;
            } else if new.is_zero() {
                refund += 4_800;
            }
        }
        if original == new {
            refund += if original.is_zero() { 19_900 } else { 2_800 };
        }
    }
    SstoreCharge {
        gas,
        refund_delta_gas: refund,
    }
}

/// EVM memory cost of `len` bytes: `3·w + w²/512`, w = words(len); also the return-data floor
/// (reference §5.6).
pub fn memory_cost_gas(len: u64) -> u64 {
    let w = words(len);
    3u64.saturating_mul(w)
        .saturating_add(w.saturating_mul(w) / 512)
}

/// Intrinsic gas of a transaction: 21 000 + 4 per zero and 16 per non-zero calldata byte; a creation
/// adds 32 000 and the EIP-3860 init-code word gas of 2 per word.
pub fn intrinsic_gas(data: &[u8], creation: bool) -> u64 {
    let zeros = data.iter().filter(|b| **b == 0).count() as u64;
    let nonzeros = data.len() as u64 - zeros;
    let mut gas = 21_000 + 4 * zeros + 16 * nonzeros;
    if creation {
        gas += 32_000 + 2 * words(data.len() as u64);
    }
    gas
}

/// EIP-2930 access-list gas: 2 400 per address and 1 900 per storage key.
pub fn access_list_gas(list: &[(alloy_primitives::Address, Vec<alloy_primitives::B256>)]) -> u64 {
    list.iter()
        .map(|(_, keys)| 2_400 + 1_900 * keys.len() as u64)
        .sum()
}

/// EVM code deposit price per byte of returned contract code.
pub const CODE_DEPOSIT_GAS_PER_BYTE: u64 = 200;
/// Base gas of a CREATE (reference §4.3 creates).
pub const CREATE_GAS: u64 = 32_000;
/// Extra gas per word of init code hashed by CREATE2 (reference §4.3 creates).
pub const CREATE2_HASH_GAS_PER_WORD: u64 = 6;
/// Stipend added to a call that carries value (reference §4.3 calls).
pub const CALL_STIPEND_GAS: u64 = 2_300;
/// Surcharge of a value-bearing call (reference §4.3 calls).
pub const CALL_VALUE_GAS: u64 = 9_000;
/// Surcharge of a value-bearing call to an EIP-161-empty account (reference §4.3 calls).
pub const NEW_ACCOUNT_GAS: u64 = 25_000;

#[cfg(test)]
mod tests {
    use super::*;

    fn u(n: u64) -> U256 {
        U256::from(n)
    }

    #[test]
    fn sstore_follows_eip_2200_2929_3529() {
        let charge = |cold, o, c, n| sstore_charge(cold, u(o), u(c), u(n));
        assert_eq!(
            charge(true, 0, 0, 1),
            SstoreCharge {
                gas: 22_100,
                refund_delta_gas: 0
            }
        );
        assert_eq!(
            charge(true, 1, 1, 2),
            SstoreCharge {
                gas: 5_000,
                refund_delta_gas: 0
            }
        );
        assert_eq!(
            charge(false, 1, 1, 0),
            SstoreCharge {
                gas: 2_900,
                refund_delta_gas: 4_800
            }
        );
        assert_eq!(
            charge(false, 1, 1, 1),
            SstoreCharge {
                gas: 100,
                refund_delta_gas: 0
            }
        );
        // Dirty slots: restoring the original refunds 19 900 (from zero) or 2 800.
        assert_eq!(
            charge(false, 0, 1, 0),
            SstoreCharge {
                gas: 100,
                refund_delta_gas: 19_900
            }
        );
        assert_eq!(
            charge(false, 1, 2, 1),
            SstoreCharge {
                gas: 100,
                refund_delta_gas: 2_800
            }
        );
        // Re-setting a cleared slot takes the clearing refund back.
        assert_eq!(
            charge(false, 1, 0, 2),
            SstoreCharge {
                gas: 100,
                refund_delta_gas: -4_800
            }
        );
        assert_eq!(
            charge(false, 1, 2, 0),
            SstoreCharge {
                gas: 100,
                refund_delta_gas: 4_800
            }
        );
    }

    #[test]
    fn price_functions_match_the_reference() {
        assert_eq!(write_price_ink(10), 5_040);
        assert_eq!(write_price_ink(100), 5_040 + 30 * 68);
        assert_eq!(read_price_ink(32), 16_381);
        assert_eq!(keccak_price_ink(64), 121_800);
        assert_eq!(keccak_price_ink(65), 142_800);
        assert_eq!(pow_price_ink(&[0; 32]), 3_000 + 17_500);
        assert_eq!(memory_cost_gas(65_536), 14_336);
        assert_eq!(intrinsic_gas(&[0, 1], false), 21_020);
        assert_eq!(intrinsic_gas(&[1; 33], true), 21_000 + 16 * 33 + 32_000 + 4);
        assert_eq!(
            (
                read_surcharge_gas(32),
                read_surcharge_gas(33),
                read_surcharge_gas(129)
            ),
            (0, 2, 10)
        );
        assert_eq!(
            (
                write_surcharge_gas(8),
                write_surcharge_gas(9),
                write_surcharge_gas(65)
            ),
            (0, 7, 10)
        );
    }
}
