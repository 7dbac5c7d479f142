//! Fixed-point helpers: WAD (1e18), basis points and exact `mul_div`.
//!
//! Every division states its rounding direction in its name (`_down` = toward zero, `_up` =
//! away from zero). Callers pick the direction that favours the mutual.

use alloy_primitives::U256;

use crate::{
    wide::{div_rem_wide, mul_wide, sqrt_wide},
    MathError,
};

/// 1.0 in WAD fixed point (18 decimals): the unit of NXM and ETH amounts.
pub const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// 100 % in basis points.
pub const BPS: U256 = U256::from_limbs([10_000, 0, 0, 0]);

/// `floor(a * b / d)`, exact for every input whose result fits in 256 bits (512-bit intermediate).
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`; [`MathError::Overflow`] if the result exceeds
/// `U256::MAX`.
pub fn mul_div_down(a: U256, b: U256, d: U256) -> Result<U256, MathError> {
    div_rem_wide(&mul_wide(a, b), d).map(|(q, _)| q)
}

/// `ceil(a * b / d)`, exact for every input whose result fits in 256 bits (512-bit intermediate).
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`; [`MathError::Overflow`] if the result exceeds
/// `U256::MAX`.
pub fn mul_div_up(a: U256, b: U256, d: U256) -> Result<U256, MathError> {
    let (q, r) = div_rem_wide(&mul_wide(a, b), d)?;
    if r.is_zero() {
        Ok(q)
    } else {
        q.checked_add(U256::from(1u8)).ok_or(MathError::Overflow)
    }
}

/// `floor(a / d)`, through the same long division as `mul_div` (ruint's own `/` would add
/// ~8 KB of WASM to every contract that divides).
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`.
pub fn div_down(a: U256, d: U256) -> Result<U256, MathError> {
    mul_div_down(a, U256::from(1u8), d)
}

/// `ceil(a / d)`, through the same long division as `mul_div`.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`.
pub fn div_up(a: U256, d: U256) -> Result<U256, MathError> {
    mul_div_up(a, U256::from(1u8), d)
}

/// `floor(a * b / 1e18)`: product of two WAD values, rounded down.
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub fn wad_mul_down(a: U256, b: U256) -> Result<U256, MathError> {
    mul_div_down(a, b, WAD)
}

/// `ceil(a * b / 1e18)`: product of two WAD values, rounded up.
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub fn wad_mul_up(a: U256, b: U256) -> Result<U256, MathError> {
    mul_div_up(a, b, WAD)
}

/// `floor(a * 1e18 / b)`: quotient of two WAD values, rounded down.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `b == 0`; [`MathError::Overflow`] if the result overflows.
pub fn wad_div_down(a: U256, b: U256) -> Result<U256, MathError> {
    mul_div_down(a, WAD, b)
}

/// `ceil(a * 1e18 / b)`: quotient of two WAD values, rounded up.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `b == 0`; [`MathError::Overflow`] if the result overflows.
pub fn wad_div_up(a: U256, b: U256) -> Result<U256, MathError> {
    mul_div_up(a, WAD, b)
}

/// `floor(amount * ratio_bps / 10 000)`: a basis-point share of an amount, rounded down.
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub fn bps_mul_down(amount: U256, ratio_bps: U256) -> Result<U256, MathError> {
    mul_div_down(amount, ratio_bps, BPS)
}

/// `ceil(amount * ratio_bps / 10 000)`: a basis-point share of an amount, rounded up.
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub fn bps_mul_up(amount: U256, ratio_bps: U256) -> Result<U256, MathError> {
    mul_div_up(amount, ratio_bps, BPS)
}

/// `floor(sqrt(x))`, exact for every 256-bit `x`.
pub fn sqrt_down(x: U256) -> U256 {
    let mut n = [0u64; 8];
    n[..4].copy_from_slice(x.as_limbs());
    sqrt_wide(&n)
}

/// 1.0 in the internal Q128 binary fixed point (128 fractional bits) used by the curve.
pub(crate) const ONE_Q128: U256 = U256::from_limbs([0, 0, 1, 0]);

/// `floor(a * b / 2^128)` for Q128 values.
///
/// # Errors
/// [`MathError::Overflow`] if the result exceeds `U256::MAX`.
pub(crate) fn mul_q128_down(a: U256, b: U256) -> Result<U256, MathError> {
    crate::wide::shr_wide(&mul_wide(a, b), 128)
}

/// `floor(a * 2^128 / b)`: the Q128 quotient of two values of the same scale.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `b == 0`; [`MathError::Overflow`] if the result overflows.
pub(crate) fn div_q128_down(a: U256, b: U256) -> Result<U256, MathError> {
    div_rem_wide(&crate::wide::shl_wide(a, 128), b).map(|(q, _)| q)
}
