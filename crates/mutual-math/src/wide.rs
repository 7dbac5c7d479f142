//! 512-bit intermediates for 256-bit fixed-point arithmetic.
//!
//! A lean schoolbook product and Knuth's long division (TAOCP vol. 2, §4.3.1, algorithm D): a
//! 256 × 256-bit product over a 256-bit divisor, all that `fixed::mul_div` and the RAMM need.
//! They replace ruint's generic 512-bit `/`, which costs about 8 KB of WASM per width, and they
//! are `#[inline(never)]` so every caller in a contract shares one copy.
//!
//! The digits are 32-bit: every digit product fits a `u64` and every quotient-digit estimate is
//! one native 64-bit division, where 64-bit digits would need 128-bit products (compiler-rt's
//! `__multi3`) and a hand-written 128-by-64-bit division, more code for a contract to carry.

use alloy_primitives::U256;

/// Digit `k` (0..8, little-endian 32-bit digits) of a 256-bit value.
fn digit(x: &U256, k: usize) -> u32 {
    (x.as_limbs()[k / 2] >> (32 * (k % 2))) as u32
}

/// The full 512-bit product `a * b` as sixteen little-endian 32-bit digits (never overflows).
#[inline(never)]
fn product(a: &U256, b: &U256) -> [u32; 16] {
    let mut out = [0u32; 16];
    for i in 0..8 {
        let mut carry = 0u64;
        for j in 0..8 {
            // (2^32-1)^2 + 2*(2^32-1) = 2^64 - 1: the sum below cannot overflow u64.
            let t = u64::from(digit(a, i)) * u64::from(digit(b, j)) + u64::from(out[i + j]) + carry;
            out[i + j] = t as u32;
            carry = t >> 32;
        }
        out[i + 8] = carry as u32;
    }
    out
}

/// `a * b / d` rounded down, or up if `up`, exactly (the 512-bit product carried in full), into
/// `out`; false (and `out` untouched) if `d == 0` or the result does not fit in 256 bits.
#[inline(never)]
pub(crate) fn mul_div(out: &mut U256, a: &U256, b: &U256, d: &U256, up: bool) -> bool {
    const BASE: u64 = 1 << 32;
    let n = product(a, b);
    let mut v = [0u32; 8];
    let mut k = 0;
    while k < 8 {
        v[k] = digit(d, k);
        k += 1;
    }
    // The quotient fits in 256 bits iff the high half of n is below d (which also excludes
    // d == 0).
    let mut i = 8;
    loop {
        if i == 0 {
            return false;
        }
        i -= 1;
        if n[8 + i] != v[i] {
            if n[8 + i] > v[i] {
                return false;
            }
            break;
        }
    }
    // d > 0: some digit is non-zero.
    let mut len = 8;
    while v[len - 1] == 0 {
        len -= 1;
    }
    // Normalise so the divisor's top bit is set: the quotient-digit estimate is then off by at
    // most 2. `hi:lo` shifted left by `shift` (< 32) keeps its high digit.
    let shift = v[len - 1].leading_zeros();
    let join = |hi: u32, lo: u32| ((u64::from(hi) << 32 | u64::from(lo)) << shift >> 32) as u32;
    let mut vn = [0u32; 8];
    vn[0] = v[0] << shift;
    for i in 1..len {
        vn[i] = join(v[i], v[i - 1]);
    }
    let mut un = [0u32; 17];
    un[0] = n[0] << shift;
    for i in 1..16 {
        un[i] = join(n[i], n[i - 1]);
    }
    un[16] = join(0, n[15]);
    let top = u64::from(vn[len - 1]);
    // The quotient, written digit by digit into 64-bit limbs.
    let mut q = [0u64; 4];
    // The high half of n is below the divisor, so un[8 + len..] is zero and un[8..8 + len] is
    // below vn: the first quotient digit is q[7].
    for j in (0..8).rev() {
        let num = u64::from(un[j + len]) << 32 | u64::from(un[j + len - 1]);
        let (mut q_hat, mut r_hat) = (num / top, num % top);
        // At most two corrections (Knuth's step D3; the second digit test needs len >= 2).
        while q_hat >= BASE
            || (len > 1
                && q_hat * u64::from(vn[len - 2]) > (r_hat << 32 | u64::from(un[j + len - 2])))
        {
            q_hat -= 1;
            r_hat += top;
            if r_hat >= BASE {
                break;
            }
        }
        // Multiply and subtract q_hat * vn from un[j .. j + len].
        let mut borrow: i64 = 0;
        let mut carry: u64 = 0;
        for i in 0..len {
            let p = q_hat * u64::from(vn[i]) + carry;
            carry = p >> 32;
            let t = i64::from(un[i + j]) - borrow - i64::from(p as u32);
            un[i + j] = t as u32;
            borrow = i64::from(t < 0);
        }
        let t = i64::from(un[j + len]) - borrow - carry as i64;
        un[j + len] = t as u32;
        if t < 0 {
            // q_hat was one too large (rare): add the divisor back.
            q_hat -= 1;
            let mut carry = 0u64;
            for i in 0..len {
                let s = u64::from(un[i + j]) + u64::from(vn[i]) + carry;
                un[i + j] = s as u32;
                carry = s >> 32;
            }
            un[j + len] = un[j + len].wrapping_add(carry as u32);
        }
        q[j / 2] |= q_hat << (32 * (j % 2));
    }
    // Round up unless the remainder (still normalised, in un[..len]) is zero; a carry out of
    // the top digit overflows.
    let mut carry = up && un[..len].iter().any(|&digit| digit != 0);
    for limb in &mut q {
        let (sum, c) = limb.overflowing_add(u64::from(carry));
        *limb = sum;
        carry = c;
    }
    if !carry {
        *out = U256::from_limbs(q);
    }
    !carry
}

/// `a + b`, or `a − b` if `sub`, modulo `2^256` (one copy for both, through references: ruint's
/// operators take their operands by value, which costs a copy of each at every call).
#[inline(never)]
pub(crate) fn add_sub(a: &U256, b: &U256, sub: bool) -> U256 {
    // a − b = a + !b + 1.
    let (a, b) = (a.as_limbs(), b.as_limbs());
    let mut out = [0u64; 4];
    let mut carry = sub;
    for i in 0..4 {
        let b = if sub { !b[i] } else { b[i] };
        let (s, c1) = a[i].overflowing_add(b);
        let (s, c2) = s.overflowing_add(u64::from(carry));
        out[i] = s;
        carry = c1 | c2;
    }
    U256::from_limbs(out)
}
