//! Fixed-point math of the mutual, shared by the contracts, the tests and the tools.
//!
//! `no_std`, no host calls, no floats. Amounts are 18-decimal integers in `U256` (`_eth` and
//! `_nxm` in wei), ratios are basis points (`_bps`), times are seconds (`_secs`). Every function
//! documents its formula and rounding direction and returns [`MathError`] instead of panicking.
//!
//! * [`fixed`]: WAD/bps helpers and `mul_div` with a full 512-bit intermediate.
//! * [`ramm`]: V2's Ratcheting AMM, the NXM market: liquidity, ratchets, swaps, the TWAP and
//!   the internal price, every rounding in the mutual's favour.
//! * [`mcr`]: the minimum capital requirement and MCR%.
//! * [`pricing`]: premiums, dynamic pricing, commission, staker rewards.
//! * [`staking`]: tranches, buckets, shares, reward streams, capacity.
//! * [`assessment`]: claim deposits, assessor rewards and their split, the poll's outcome, its
//!   silent ending, cooldown, redemption window and stake lockup.
//! * [`governance`]: vote weights, the proposal threshold, quorum, ordinary and special
//!   majorities, the voting period and the timelock.
#![no_std]

pub mod allocation;
pub mod assessment;
pub mod cover;
mod error;
pub mod fixed;
pub mod governance;
pub mod mcr;
pub mod pricing;
pub mod ramm;
pub mod staking;
mod wide;

pub use alloy_primitives::U256;
pub use error::MathError;
