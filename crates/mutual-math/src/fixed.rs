//! Fixed-point helpers: WAD (1e18), basis points and exact `mul_div`.
//!
//! Every division states its rounding direction in its name (`_down` = toward zero, `_up` =
//! away from zero). Callers pick the direction that favours the mutual.

use alloy_primitives::U256;

use crate::MathError;

/// 1.0 in WAD fixed point (18 decimals): the unit of NXM and ETH amounts.
pub const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);

/// 100 % in basis points.
pub const BPS: U256 = U256::from_limbs([10_000, 0, 0, 0]);

/// `floor(a * b / d)`, exact for every input whose result fits in 256 bits (512-bit intermediate).
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`; [`MathError::Overflow`] if the result exceeds
/// `U256::MAX`.
#[inline]
pub fn mul_div_down(a: U256, b: U256, d: U256) -> Result<U256, MathError> {
    mul_div(a, b, d, false)
}

/// `ceil(a * b / d)`, exact for every input whose result fits in 256 bits (512-bit intermediate).
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`; [`MathError::Overflow`] if the result exceeds
/// `U256::MAX`.
#[inline]
pub fn mul_div_up(a: U256, b: U256, d: U256) -> Result<U256, MathError> {
    mul_div(a, b, d, true)
}

/// `a * b / d` rounded down, or up if `up`, with the errors of [`mul_div_down`].
#[inline(never)]
fn mul_div(a: U256, b: U256, d: U256, up: bool) -> Result<U256, MathError> {
    let mut q = U256::ZERO;
    if d.is_zero() {
        Err(MathError::DivisionByZero)
    } else if crate::wide::mul_div(&mut q, &a, &b, &d, up) {
        Ok(q)
    } else {
        Err(MathError::Overflow)
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

/// `floor(sqrt(x))`, exact for every 256-bit `x` (Newton's method from above).
pub fn sqrt_down(x: U256) -> U256 {
    if x.is_zero() {
        return U256::ZERO;
    }
    // 2^ceil(bits/2) >= sqrt(x), and at most 2^128.
    let mut root = U256::from(1u8) << x.bit_len().div_ceil(2);
    loop {
        // root >= sqrt(x) > 0, so the quotient is at most root <= 2^128 and the sum cannot
        // overflow; the division cannot fail.
        let Ok(quotient) = div_down(x, root) else {
            return root;
        };
        let next = (root + quotient) >> 1;
        if next >= root {
            return root;
        }
        root = next;
    }
}
