//! `feature-groups PACKAGE...`: prints the packages in [`stylus_build::feature_groups`] groups,
//! one group per line, space-separated — the packages that can share one `cargo build` without
//! changing each other's features (`scripts/export-abi.sh` builds its binaries so).

use std::process::ExitCode;

use stylus_build::{feature_groups, locate_workspace_root};

fn main() -> ExitCode {
    let packages: Vec<String> = std::env::args().skip(1).collect();
    let groups = locate_workspace_root()
        .and_then(|root| feature_groups(&root, &packages).map_err(|e| e.to_string()));
    match groups {
        Ok(groups) => {
            for group in groups {
                println!("{}", group.join(" "));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("feature-groups: {e}");
            ExitCode::from(2)
        }
    }
}
