//! 512-bit intermediates for 256-bit fixed-point arithmetic.
//!
//! A lean schoolbook product and Knuth's long division (TAOCP vol. 2, §4.3.1, algorithm D) on
//! 64-bit limbs. They replace ruint's generic 512-bit `/`, which costs about 8 KB of WASM per
//! width, and they are `#[inline(never)]` so every caller in a contract shares one copy.

use alloy_primitives::U256;

use crate::MathError;

/// A 512-bit unsigned integer as eight little-endian 64-bit limbs.
pub(crate) type Limbs512 = [u64; 8];

/// Full 512-bit product `a * b` (never overflows).
#[inline(never)]
pub(crate) fn mul_wide(a: U256, b: U256) -> Limbs512 {
    let (a, b) = (a.as_limbs(), b.as_limbs());
    let mut out = [0u64; 8];
    for (i, &ai) in a.iter().enumerate() {
        let mut carry: u128 = 0;
        for (j, &bj) in b.iter().enumerate() {
            // (2^64-1)^2 + 2*(2^64-1) = 2^128 - 1: the sum below cannot overflow u128.
            let t = u128::from(ai) * u128::from(bj) + u128::from(out[i + j]) + carry;
            out[i + j] = t as u64;
            carry = t >> 64;
        }
        out[i + 4] = carry as u64;
    }
    out
}

/// `(floor(n / d), n mod d)` for a 512-bit `n`.
///
/// # Errors
/// [`MathError::DivisionByZero`] if `d == 0`; [`MathError::Overflow`] if the quotient does not fit
/// in 256 bits (that is, if the high half of `n` is `>= d`).
#[inline(never)]
pub(crate) fn div_rem_wide(n: &Limbs512, d: U256) -> Result<(U256, U256), MathError> {
    if d.is_zero() {
        return Err(MathError::DivisionByZero);
    }
    let high = U256::from_limbs([n[4], n[5], n[6], n[7]]);
    if high >= d {
        return Err(MathError::Overflow);
    }
    let v = d.as_limbs();
    let len_v = 4 - v.iter().rev().take_while(|&&l| l == 0).count();
    let mut q = [0u64; 8];
    let r = if len_v == 1 {
        div_rem_by_limb(n, v[0], &mut q)
    } else {
        knuth_d(n, &v[..len_v], &mut q)
    };
    // `high < d` guarantees the quotient fits in the low four limbs.
    Ok((U256::from_limbs([q[0], q[1], q[2], q[3]]), r))
}

/// `(u1 * 2^64 + u0) / v` and the remainder, for a normalised `v` (top bit set) and `u1 < v`,
/// with 64-bit divisions only (Hacker's Delight, 2nd ed., figure 9-3): wasm has a native 64-bit
/// divide but none for 128 bits, where rustc would call compiler-rt's generic `__udivti3`
/// (~1 KB of code and slower).
fn div_128_by_64(u1: u64, u0: u64, v: u64) -> (u64, u64) {
    const B: u64 = 1 << 32;
    let (v1, v0) = (v >> 32, v & (B - 1));
    let (u01, u00) = (u0 >> 32, u0 & (B - 1));
    // First 32-bit digit. q1 < 2^33, so its products are compared in u128.
    let mut q1 = u1 / v1;
    let mut rhat = u1 - q1 * v1;
    while q1 >= B
        || u128::from(q1) * u128::from(v0) > u128::from(rhat) * u128::from(B) + u128::from(u01)
    {
        q1 -= 1;
        rhat += v1;
        if rhat >= B {
            break;
        }
    }
    // The partial remainder fits in 64 bits because u1:u01 - q1 * v < v.
    let u21 = u1
        .wrapping_mul(B)
        .wrapping_add(u01)
        .wrapping_sub(q1.wrapping_mul(v));
    let mut q0 = u21 / v1;
    let mut rhat = u21 - q0 * v1;
    while q0 >= B
        || u128::from(q0) * u128::from(v0) > u128::from(rhat) * u128::from(B) + u128::from(u00)
    {
        q0 -= 1;
        rhat += v1;
        if rhat >= B {
            break;
        }
    }
    let r = u21
        .wrapping_mul(B)
        .wrapping_add(u00)
        .wrapping_sub(q0.wrapping_mul(v));
    (q1 * B + q0, r)
}

/// Short division of `n` by one limb; writes the quotient and returns the remainder.
fn div_rem_by_limb(n: &Limbs512, d: u64, q: &mut Limbs512) -> U256 {
    // Normalise the divisor; the shifted-out top bits of `n` start the remainder.
    let shift = d.leading_zeros();
    let dn = d << shift;
    let mut rem = if shift == 0 { 0 } else { n[7] >> (64 - shift) };
    for i in (0..8).rev() {
        let low = if shift == 0 || i == 0 {
            n[i] << shift
        } else {
            (n[i] << shift) | (n[i - 1] >> (64 - shift))
        };
        let (quotient, remainder) = div_128_by_64(rem, low, dn);
        q[i] = quotient;
        rem = remainder;
    }
    U256::from(rem >> shift)
}

/// Knuth's algorithm D for a divisor of `v.len() >= 2` limbs (top limb non-zero).
fn knuth_d(n: &Limbs512, v: &[u64], q: &mut Limbs512) -> U256 {
    const BASE: u128 = 1 << 64;
    let len_v = v.len();
    let shift = v[len_v - 1].leading_zeros();
    // Normalise so the divisor's top bit is set: the quotient-digit estimate is then off by at
    // most 2 and the correction loop below runs at most twice.
    let mut vn = [0u64; 4];
    let mut un = [0u64; 9];
    if shift == 0 {
        vn[..len_v].copy_from_slice(v);
        un[..8].copy_from_slice(n);
    } else {
        for i in (1..len_v).rev() {
            vn[i] = (v[i] << shift) | (v[i - 1] >> (64 - shift));
        }
        vn[0] = v[0] << shift;
        un[8] = n[7] >> (64 - shift);
        for i in (1..8).rev() {
            un[i] = (n[i] << shift) | (n[i - 1] >> (64 - shift));
        }
        un[0] = n[0] << shift;
    }
    let top = u128::from(vn[len_v - 1]);
    let next = u128::from(vn[len_v - 2]);
    for j in (0..=8 - len_v).rev() {
        // The estimate floor(un[j+n..j+n-1] / top) needs no 128-bit division: un[j+n] <= top,
        // and when they are equal the estimate is capped at 2^64 - 1 (the loop below corrects).
        let (mut q_hat, mut r_hat) = if u128::from(un[j + len_v]) < top {
            let (q, r) = div_128_by_64(un[j + len_v], un[j + len_v - 1], vn[len_v - 1]);
            (u128::from(q), u128::from(r))
        } else {
            let num = (u128::from(un[j + len_v]) << 64) | u128::from(un[j + len_v - 1]);
            let q = BASE - 1;
            (q, num - q * top)
        };
        // At most two corrections; the test applies only while r_hat is a single limb.
        while r_hat < BASE && q_hat * next > ((r_hat << 64) | u128::from(un[j + len_v - 2])) {
            q_hat -= 1;
            r_hat += top;
        }
        // Multiply and subtract q_hat * vn from un[j .. j + len_v].
        let mut borrow: i128 = 0;
        let mut carry: u128 = 0;
        for i in 0..len_v {
            let p = q_hat * u128::from(vn[i]) + carry;
            carry = p >> 64;
            let t = i128::from(un[i + j]) - borrow - i128::from(p as u64);
            un[i + j] = t as u64;
            borrow = i128::from(t < 0);
        }
        let t = i128::from(un[j + len_v]) - borrow - carry as i128;
        un[j + len_v] = t as u64;
        q[j] = q_hat as u64;
        if t < 0 {
            // q_hat was one too large (probability ~2^-64): add the divisor back.
            q[j] = q[j].wrapping_sub(1);
            let mut carry: u128 = 0;
            for i in 0..len_v {
                let s = u128::from(un[i + j]) + u128::from(vn[i]) + carry;
                un[i + j] = s as u64;
                carry = s >> 64;
            }
            un[j + len_v] = un[j + len_v].wrapping_add(carry as u64);
        }
    }
    // Denormalise the remainder.
    let mut r = [0u64; 4];
    for i in 0..len_v {
        r[i] = if shift == 0 {
            un[i]
        } else {
            (un[i] >> shift) | (un[i + 1] << (64 - shift))
        };
    }
    U256::from_limbs(r)
}

/// Integer square root `floor(sqrt(n))` of a 512-bit `n` (Newton's method from above).
#[inline(never)]
pub(crate) fn sqrt_wide(n: &Limbs512) -> U256 {
    let bits = n
        .iter()
        .rposition(|&l| l != 0)
        .map_or(0, |i| 64 * i + 64 - n[i].leading_zeros() as usize);
    if bits == 0 {
        return U256::ZERO;
    }
    // 2^ceil(bits/2) >= sqrt(n); capped at U256::MAX, which is >= sqrt(n) for every n < 2^512.
    let half = bits.div_ceil(2);
    let mut x = if half >= 256 {
        U256::MAX
    } else {
        U256::from(1u8) << half
    };
    loop {
        // x >= sqrt(n) keeps n / x <= x < 2^256, so the division cannot overflow.
        let Ok((q, _)) = div_rem_wide(n, x) else {
            return x;
        };
        // floor((x + q) / 2) without the 257-bit intermediate.
        let y = (x >> 1) + (q >> 1) + (x & q & U256::from(1u8));
        if y >= x {
            return x;
        }
        x = y;
    }
}

/// The low 256 bits of a 512-bit value shifted right by `shift` (< 256) bits, if the result fits.
pub(crate) fn shr_wide(n: &Limbs512, shift: u32) -> Result<U256, MathError> {
    debug_assert!(shift < 256);
    let limb = (shift / 64) as usize;
    let bit = shift % 64;
    let mut out = [0u64; 8];
    for i in 0..8 - limb {
        let lo = n[i + limb] >> bit;
        let hi = if bit == 0 || i + limb + 1 >= 8 {
            0
        } else {
            n[i + limb + 1] << (64 - bit)
        };
        out[i] = lo | hi;
    }
    if out[4..].iter().any(|&l| l != 0) {
        return Err(MathError::Overflow);
    }
    Ok(U256::from_limbs([out[0], out[1], out[2], out[3]]))
}

/// `n * 2^shift` for a 256-bit `n` and `shift < 256`, as a 512-bit value.
pub(crate) fn shl_wide(n: U256, shift: u32) -> Limbs512 {
    debug_assert!(shift < 256);
    let limbs = n.as_limbs();
    let limb = (shift / 64) as usize;
    let bit = shift % 64;
    let mut out = [0u64; 8];
    for (i, &l) in limbs.iter().enumerate() {
        out[i + limb] |= l << bit;
        if bit != 0 {
            out[i + limb + 1] |= l >> (64 - bit);
        }
    }
    out
}
