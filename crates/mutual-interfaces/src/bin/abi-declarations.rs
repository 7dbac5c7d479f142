//! Prints, as Solidity declarations one per line, what `scripts/export-abi.sh` adds to the
//! interface the Stylus SDK exports for a contract package before compiling it (the SDK lists
//! functions and errors only, and leaves the errors' parameters unnamed):
//! * `event …;` — every event the package emits, to add;
//! * `error …;` — every error of the interfaces crate with its parameter names, for the script
//!   to name the SDK's errors by (matched by name and parameter types).
//!
//! So `deploy/abi/<package>.json` holds the events a dApp or an indexer decodes logs with, and
//! errors whose values a dApp can name.
//!
//! Usage: `abi-declarations <package>` (e.g. `ramm`); exits 2 for an unknown package.

use std::process::ExitCode;

fn main() -> ExitCode {
    let package = std::env::args().nth(1).unwrap_or_default();
    let Some(events) = mutual_interfaces::contract_events(&package) else {
        eprintln!("abi-declarations: {package:?} is not a contract package");
        return ExitCode::from(2);
    };
    for declaration in events
        .iter()
        .chain(&mutual_interfaces::error_declarations())
    {
        println!("{declaration};");
    }
    ExitCode::SUCCESS
}
