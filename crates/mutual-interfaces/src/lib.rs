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
//! Events and errors are `sol!` items inside [`contract_items!`]: contracts emit and revert
//! with them, tests decode them, and each module's `EVENT_DECLARATIONS` lists its events in
//! Solidity for the exported ABIs (the Stylus SDK's export lists functions and errors only:
//! `scripts/export-abi.sh` adds the events through the `event-declarations` binary). Items
//! several contracts share (`GovernanceChanged`, `Unauthorized`, `ZeroAddress`, …) live in
//! [`common`] and are re-exported by each contract's module that uses them. Nothing here
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

/// The events a contract package emits, as Solidity declarations on one line each (its
/// module's `EVENT_DECLARATIONS`, and [`common`]'s `GovernanceChanged` for the contracts whose
/// governance role can be handed over), for its exported ABI; `None` for a package that is not
/// a contract.
pub fn contract_events(package: &str) -> Option<alloc::vec::Vec<alloc::string::String>> {
    let lists = contract_event_lists(package)?;
    Some(
        lists
            .iter()
            .flat_map(|list| list.iter())
            .map(one_line)
            .collect(),
    )
}

/// Every error this crate declares (each once: shared ones live in [`common`]), as Solidity
/// declarations on one line each (`"error WrongJoiningFee(uint256 valueEth, uint256
/// joiningFeeEth)"`): the exported ABIs name their errors' parameters by these (the Stylus
/// SDK's export leaves them unnamed), so a dApp can say what a revert's values are.
pub fn error_declarations() -> alloc::vec::Vec<alloc::string::String> {
    [
        assessment::ERROR_DECLARATIONS,
        capital_pool::ERROR_DECLARATIONS,
        claims::ERROR_DECLARATIONS,
        common::ERROR_DECLARATIONS,
        cover::ERROR_DECLARATIONS,
        cover_products::ERROR_DECLARATIONS,
        governance::ERROR_DECLARATIONS,
        membership::ERROR_DECLARATIONS,
        nxm_token::ERROR_DECLARATIONS,
        pool_registry::ERROR_DECLARATIONS,
        position_nft::ERROR_DECLARATIONS,
        ramm::ERROR_DECLARATIONS,
        staking_pool::ERROR_DECLARATIONS,
        staking_products::ERROR_DECLARATIONS,
        staking_viewer::ERROR_DECLARATIONS,
    ]
    .iter()
    .flat_map(|list| list.iter())
    .map(one_line)
    .collect()
}

/// `declaration` with its whitespace collapsed to single spaces.
fn one_line(declaration: &&str) -> alloc::string::String {
    let words: alloc::vec::Vec<&str> = declaration.split_whitespace().collect();
    words.join(" ")
}

/// [`contract_events`]'s lists, as the modules declare them.
fn contract_event_lists(package: &str) -> Option<[&'static [&'static str]; 2]> {
    let handover = common::EVENT_DECLARATIONS;
    Some(match package {
        "assessment" => [assessment::EVENT_DECLARATIONS, handover],
        "capital-pool" => [capital_pool::EVENT_DECLARATIONS, handover],
        "claims" => [claims::EVENT_DECLARATIONS, handover],
        "cover" => [cover::EVENT_DECLARATIONS, handover],
        "cover-products" => [cover_products::EVENT_DECLARATIONS, handover],
        "cover-viewer" => [&[], &[]],
        "governance" => [governance::EVENT_DECLARATIONS, &[]],
        "membership" => [membership::EVENT_DECLARATIONS, handover],
        "nxm-token" => [nxm_token::EVENT_DECLARATIONS, handover],
        "pool-registry" => [pool_registry::EVENT_DECLARATIONS, handover],
        "position-nft" => [position_nft::EVENT_DECLARATIONS, handover],
        "ramm" => [ramm::EVENT_DECLARATIONS, handover],
        "staking-pool" => [staking_pool::EVENT_DECLARATIONS, handover],
        "staking-products" => [staking_products::EVENT_DECLARATIONS, handover],
        "staking-viewer" => [staking_viewer::EVENT_DECLARATIONS, &[]],
        _ => return None,
    })
}

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

/// A module's events and errors: `alloy_sol_types::sol!` over the items, and two lists of the
/// same items as Solidity declarations for the exported ABIs, `EVENT_DECLARATIONS`
/// (`"event Name(type indexed name, …)"`, for `alloy_json_abi::Event::parse`) and
/// `ERROR_DECLARATIONS` (`"error Name(type name, …)"`); `stringify!` spaces the tokens, and may
/// break a long one across lines. The items are `event` and `error` declarations with their
/// attributes and docs.
#[macro_export]
macro_rules! contract_items {
    ($($items:tt)*) => {
        alloy_sol_types::sol! { $($items)* }

        /// This module's events as Solidity declarations (the exported ABIs' events).
        pub const EVENT_DECLARATIONS: &[&str] = $crate::item_declarations!(event [] $($items)*);
        /// This module's errors as Solidity declarations (the exported ABIs' error names).
        pub const ERROR_DECLARATIONS: &[&str] = $crate::item_declarations!(error [] $($items)*);
    };
}

/// [`contract_items!`]'s lists: walks the items one at a time, keeping the declaration of each
/// item of the kind asked for (`event` or `error`).
#[doc(hidden)]
#[macro_export]
macro_rules! item_declarations {
    ($kind:ident [$($done:expr,)*]) => { &[$($done,)*] };
    (event [$($done:expr,)*] $(#[$attr:meta])* event $name:ident $params:tt ; $($rest:tt)*) => {
        $crate::item_declarations!(
            event [$($done,)* concat!("event ", stringify!($name), stringify!($params)),] $($rest)*
        )
    };
    (error [$($done:expr,)*] $(#[$attr:meta])* error $name:ident $params:tt ; $($rest:tt)*) => {
        $crate::item_declarations!(
            error [$($done,)* concat!("error ", stringify!($name), stringify!($params)),] $($rest)*
        )
    };
    ($kind:ident [$($done:expr,)*] $(#[$attr:meta])* $other:ident $name:ident $params:tt ; $($rest:tt)*) => {
        $crate::item_declarations!($kind [$($done,)*] $($rest)*)
    };
}
