//! Prints the events a contract package emits as Solidity declarations, one per line, for
//! `scripts/export-abi.sh` to add to the interface the Stylus SDK exports (which lists functions
//! and errors only) before compiling it: so `deploy/abi/<package>.json` holds the events a dApp
//! or an indexer decodes logs with.
//!
//! Usage: `event-declarations <package>` (e.g. `ramm`); exits 2 for an unknown package.

use std::process::ExitCode;

fn main() -> ExitCode {
    let package = std::env::args().nth(1).unwrap_or_default();
    let Some(declarations) = mutual_interfaces::contract_events(&package) else {
        eprintln!("event-declarations: {package:?} is not a contract package");
        return ExitCode::from(2);
    };
    for declaration in declarations {
        println!("{declaration};");
    }
    ExitCode::SUCCESS
}
