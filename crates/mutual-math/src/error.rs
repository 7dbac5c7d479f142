//! The one error type of the math crate.

use alloy_primitives::U256;

/// Why a math function refused to produce a result.
///
/// Every function of this crate returns one of these instead of panicking; contracts map them to
/// their own `sol!` errors, keeping the values so a dApp can show what failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathError {
    /// A result or an intermediate value does not fit in 256 bits.
    Overflow,
    /// A divisor was zero.
    DivisionByZero,
    /// The MCR is zero, so MCR% is undefined.
    ZeroMcr,
    /// The NXM supply is zero, so book value (capital / supply) is undefined.
    ZeroSupply,
    /// The capital is zero: book value is zero, and pool B's ratchet target (`(1 − buffer)·BV`)
    /// would need an infinite NXM reserve.
    ZeroCapital,
    /// A RAMM reserve is zero, or the operation would leave one at zero (a sale that takes
    /// pool A's reserve below 1 wei, a ratchet target price above the whole ETH reserve per wei).
    ReserveExhausted,
    /// An argument, a parameter or a resulting state lies outside the domain the function
    /// supports (each function's docs state it; for the RAMM, see `ramm`'s *Domain*).
    OutOfRange,
    /// A ratio argument is at or above the maximum its formula allows.
    RatioTooHigh {
        /// The ratio given, in bps.
        ratio_bps: U256,
        /// The exclusive (or, where documented, inclusive) maximum, in bps.
        max_bps: U256,
    },
}
