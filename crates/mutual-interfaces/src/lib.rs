//! Every ABI item that crosses a contract boundary, declared once.
//!
//! Each contract's module holds its external interface, its events and its errors. The
//! interface is written once in Solidity syntax inside [`contract_interface!`], which expands it
//! twice from the same tokens:
//! * `stylus_sdk::sol_interface!` → a struct (e.g. `nxm_token::INxmToken`) whose methods make
//!   typed calls from one contract to another;
//! * `alloy_sol_types::sol!` in a nested `abi` module (e.g. `nxm_token::abi::INxmToken::mintCall`)
//!   → call, return and selector types for tests, the devnode, the deployer and dApps.
//!
//! Events and errors are plain `sol!` items: contracts emit and revert with them, tests decode
//! them. Items several contracts share (`GovernanceChanged`, `Unauthorized`, `ZeroAddress`, …)
//! live in [`common`] and are re-exported by each contract's module that uses them. Nothing here
//! is declared twice, and no contract declares ABI of its own that another contract or a test
//! uses.
#![no_std]
// Parameter names follow Solidity (camelCase) so the ABI reads as dApps see it.
#![allow(non_snake_case)]

// `sol_interface!` expands to `vec!`: make alloc's macros visible crate-wide.
#[macro_use]
extern crate alloc;

pub mod assessment;
pub mod capital_pool;
pub mod claims;
pub mod common;
pub mod cover;
pub mod cover_products;
pub mod cover_viewer;
pub mod governance;
pub mod membership;
pub mod nxm_token;
pub mod pool_registry;
pub mod position_nft;
pub mod ramm;
pub mod signatures;
pub mod staking_pool;
pub mod staking_products;
pub mod staking_viewer;

/// Declares a contract interface once and expands it for both contract-to-contract calls
/// (`sol_interface!`) and off-chain use (`abi` module with alloy's `sol!`).
#[macro_export]
macro_rules! contract_interface {
    ($(#[$attr:meta])* interface $name:ident { $($body:tt)* }) => {
        stylus_sdk::prelude::sol_interface! {
            $(#[$attr])*
            interface $name { $($body)* }
        }

        /// The same interface as alloy `sol!` types: calls, returns and selectors.
        pub mod abi {
            alloy_sol_types::sol! {
                $(#[$attr])*
                interface $name { $($body)* }
            }
        }
    };
}
