//! The `export-abi` binary: `cargo run --features export-abi --target <host triple>` (what
//! `cargo stylus export-abi` and `scripts/export-abi.sh` run, and what `cargo stylus deploy`
//! runs to read the constructor) prints the contract's Solidity interface, or with the
//! `constructor` argument its constructor signature. Never part of the deployed code: every
//! contract build (`cargo build --lib`, as cargo-stylus and stylus-build do) skips this target,
//! and without the feature it is an empty program.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[unsafe(no_mangle)]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    governance::print_from_args();
}
