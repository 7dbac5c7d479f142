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
    /// The MCR is zero, so MCR% and the bonding curve are undefined.
    ZeroMcr,
    /// Buys are closed: the pool's MCR% is above the 400 % buy limit.
    McrRatioAboveBuyLimit {
        /// The pool's MCR% before the trade, in bps of 100 % (10 000 = 100 %).
        mcr_ratio_bps: U256,
    },
    /// The ETH side of a buy is larger than 5 % of the MCR.
    BuyAboveTradeLimit {
        /// ETH offered, in wei.
        eth_in: U256,
        /// The largest ETH amount one trade may move, in wei.
        max_eth_in: U256,
    },
    /// A sell would pay out more than 5 % of the MCR, or leave the pool below 100 % MCR.
    SellAboveTradeLimit {
        /// NXM offered, in NXM wei.
        nxm_in: U256,
        /// The largest NXM amount the pool accepts in one sale now, in NXM wei.
        max_nxm_in: U256,
    },
    /// A ratio argument is at or above the maximum its formula allows.
    RatioTooHigh {
        /// The ratio given, in bps.
        ratio_bps: U256,
        /// The exclusive (or, where documented, inclusive) maximum, in bps.
        max_bps: U256,
    },
}
