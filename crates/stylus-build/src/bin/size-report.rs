//! `size-report [--json] [PACKAGE...]`: builds every contract crate under `contracts/` (or the
//! named packages) exactly as cargo-stylus does and reports its processed and deployed sizes
//! against Nitro's 24,576-byte limit, with the activation costs. Exits 1 if any contract is over a
//! limit, invalid or fails to build; 0 otherwise, including when there is no contract yet.
//! Run it from the workspace: `scripts/size-report.sh`.

use std::process::ExitCode;

use serde_json::json;
use stylus_build::{
    check, discover_contracts, load_or_build, locate_workspace_root, prebuild, SizeRow, Verdict,
};

const USAGE: &str = "usage: size-report [--json] [PACKAGE...]\n\
    Builds each contract crate under contracts/ (or each PACKAGE) for wasm32 as cargo-stylus does,\n\
    and reports processed wasm bytes, deployed bytes (EF F0 00 00 + brotli 11) against the\n\
    24,576-byte limit, and Nitro's activation costs. Exits 1 if any contract fails.";

/// One contract's outcome: a checked row, or why it could not be built.
enum Outcome {
    Checked(Box<SizeRow>),
    BuildFailed { package: String, error: String },
}

fn main() -> ExitCode {
    let mut json_out = false;
    let mut packages = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json_out = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            flag if flag.starts_with('-') => {
                eprintln!("size-report: unknown option {flag}\n{USAGE}");
                return ExitCode::from(2);
            }
            package => packages.push(package.to_string()),
        }
    }

    let root = match locate_workspace_root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("size-report: {e}");
            return ExitCode::from(2);
        }
    };
    if packages.is_empty() {
        packages = match discover_contracts(&root) {
            Ok(found) => found,
            Err(e) => {
                eprintln!("size-report: {e}");
                return ExitCode::from(2);
            }
        };
    }
    if packages.is_empty() {
        if json_out {
            println!("[]");
        } else {
            println!(
                "No contract crates under {}: nothing to report.",
                root.join("contracts").display()
            );
        }
        return ExitCode::SUCCESS;
    }

    // The stale contracts in as few `cargo build`s as their features allow; a failure here is
    // reported again, per package, by the loop below.
    match prebuild(&root, &packages) {
        Ok(built) if !built.is_empty() => eprintln!("size-report: built {}", built.join(", ")),
        Ok(_) => {}
        Err(e) => eprintln!("size-report: the grouped build failed ({e}); building one by one"),
    }
    let outcomes: Vec<Outcome> = packages
        .iter()
        .map(|package| {
            eprintln!("size-report: building {package} …");
            match load_or_build(&root, package) {
                Ok(d) => Outcome::Checked(Box::new(check(&d))),
                Err(e) => Outcome::BuildFailed {
                    package: package.clone(),
                    error: e.to_string(),
                },
            }
        })
        .collect();

    if json_out {
        print_json(&outcomes);
    } else {
        print_table(&outcomes);
    }
    let failed = outcomes.iter().any(|o| match o {
        Outcome::Checked(row) => row.verdict != Verdict::Ok,
        Outcome::BuildFailed { .. } => true,
    });
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `12345` → `12,345` (negative numbers keep their sign).
fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn print_table(outcomes: &[Outcome]) {
    let width = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Checked(row) => row.package.len(),
            Outcome::BuildFailed { package, .. } => package.len(),
        })
        .max()
        .unwrap_or(0)
        .max("contract".len());
    println!(
        "{:<width$}  {:>10}  {:>10}  {:>9}  {:>9}  {:>9}  {:>10}  verdict",
        "contract", "wasm B", "deployed B", "% limit", "headroom", "init gas", "activate"
    );
    let mut problems = Vec::new();
    for outcome in outcomes {
        match outcome {
            Outcome::Checked(row) => {
                let (init, activation) = match &row.activation {
                    Ok(c) => (
                        grouped(c.call_init_gas as i64),
                        grouped(c.activation_gas as i64),
                    ),
                    Err(_) => ("-".into(), "-".into()),
                };
                let verdict = match &row.verdict {
                    Verdict::Ok => "ok",
                    Verdict::OverLimit { .. } => "OVER LIMIT",
                    Verdict::WasmOverLimit { .. } => "WASM TOO LONG",
                    Verdict::Invalid(_) => "INVALID",
                };
                println!(
                    "{:<width$}  {:>10}  {:>10}  {:>7.1} %  {:>9}  {:>9}  {:>10}  {verdict}",
                    row.package,
                    grouped(row.wasm_len as i64),
                    grouped(row.deployed_len as i64),
                    row.percent_of_limit(),
                    grouped(row.headroom()),
                    init,
                    activation,
                );
                if row.verdict != Verdict::Ok {
                    problems.push(format!("{}: {}", row.package, row.verdict));
                }
                if let (Verdict::OverLimit { .. }, Err(e)) = (&row.verdict, &row.activation) {
                    problems.push(format!("{}: activation would also fail: {e}", row.package));
                }
            }
            Outcome::BuildFailed { package, error } => {
                println!(
                    "{package:<width$}  {:>10}  {:>10}  {:>9}  {:>9}  {:>9}  {:>10}  BUILD FAILED",
                    "-", "-", "-", "-", "-", "-"
                );
                problems.push(format!("{package}: build failed: {error}"));
            }
        }
    }
    println!(
        "\nwasm B: processed wasm (WAT round trip, custom sections stripped, + project_hash), uncompressed; \
         limit 131,072.\ndeployed B: EF F0 00 00 + brotli(11) of it, against the 24,576-byte MaxCodeSize. \
         init gas: charged per uncached call before any wasm runs (8,832 + init_cost + 352 + cached_init_cost, \
         memory not included); activate: ArbWasm.activateProgram gas (without storage accesses); \
         both with the default Stylus parameters (ArbOS 60).\nBuilt with cargo-stylus 0.10.10's \
         command (nightly, build-std, no wasm-opt). Rerun: scripts/size-report.sh [--json] [PACKAGE...]"
    );
    if !problems.is_empty() {
        println!();
        for p in &problems {
            println!("FAIL {p}");
        }
    }
}

fn print_json(outcomes: &[Outcome]) {
    let rows: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Checked(row) => {
                let costs = row.activation.as_ref().ok();
                json!({
                    "package": row.package,
                    "wasm_bytes": row.wasm_len,
                    "deployed_bytes": row.deployed_len,
                    "limit_bytes": row.code_limit,
                    "percent_of_limit": (row.percent_of_limit() * 10.0).round() / 10.0,
                    "headroom_bytes": row.headroom(),
                    "init_cost": costs.map(|c| c.init_cost),
                    "cached_init_cost": costs.map(|c| c.cached_init_cost),
                    "call_init_gas": costs.map(|c| c.call_init_gas),
                    "activation_gas": costs.map(|c| c.activation_gas),
                    "footprint_pages": costs.map(|c| c.footprint_pages),
                    "ok": row.verdict == Verdict::Ok,
                    "verdict": row.verdict.to_string(),
                    "activation_error": row.activation.as_ref().err().map(|e| e.to_string()),
                })
            }
            Outcome::BuildFailed { package, error } => json!({
                "package": package,
                "ok": false,
                "verdict": format!("build failed: {error}"),
            }),
        })
        .collect();
    println!(
        "{}",
        serde_json::to_string_pretty(&rows).expect("JSON values serialize")
    );
}
