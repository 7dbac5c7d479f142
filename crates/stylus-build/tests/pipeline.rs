//! The real pipeline on the minimal stylus-sdk contract in `fixtures/minimal-contract`:
//! `cargo build` for wasm32 with build-std, processing, caching, and the check.

use std::path::Path;

use stylus_build::{
    artifact_paths, build, check, discover_contracts, load_or_build, prebuild, project_hash,
    Verdict,
};

const FIXTURE: &str = "minimal-contract";

fn workspace_root() -> &'static Path {
    // Lexical parents: crates/stylus-build → crates → the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .and_then(Path::parent)
        .expect("the crate sits two levels under the workspace root")
}

#[test]
fn minimal_contract_builds_caches_and_passes_check() {
    let root = workspace_root();
    let built = build(root, FIXTURE).unwrap_or_else(|e| panic!("{e}"));
    let row = check(&built);
    let costs = row
        .activation
        .clone()
        .expect("the minimal contract activates");
    println!(
        "{FIXTURE}: wasm {} bytes, deployed {} bytes ({:.1} % of {}), headroom {}, call init gas {}, activation gas {}",
        row.wasm_len,
        row.deployed_len,
        row.percent_of_limit(),
        row.code_limit,
        row.headroom(),
        costs.call_init_gas,
        costs.activation_gas
    );
    assert_eq!(row.verdict, Verdict::Ok);
    assert_eq!(
        built.project_hash(),
        Some(project_hash(root, FIXTURE).unwrap())
    );

    // The artifacts are cached and load_or_build returns them unchanged.
    let cached = load_or_build(root, FIXTURE).unwrap();
    assert_eq!(cached, built);
    let meta = std::process::Command::new("cargo")
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&meta.stdout).unwrap();
    let target_dir = Path::new(json["target_directory"].as_str().unwrap());
    let (wasm_path, code_path) = artifact_paths(target_dir, FIXTURE);
    assert_eq!(std::fs::read(wasm_path).unwrap(), built.wasm);
    assert_eq!(std::fs::read(code_path).unwrap(), built.code);

    // A current package is not built again by the grouped build; a stale one is, to the same
    // code as `build`'s.
    assert_eq!(
        prebuild(root, &[FIXTURE.to_string()]).unwrap(),
        Vec::<String>::new()
    );
    std::fs::remove_file(artifact_paths(target_dir, FIXTURE).1).unwrap();
    assert_eq!(
        prebuild(root, &[FIXTURE.to_string()]).unwrap(),
        vec![FIXTURE.to_string()]
    );
    assert_eq!(load_or_build(root, FIXTURE).unwrap(), built);
}

#[test]
fn prebuild_reports_an_unknown_package() {
    let err = prebuild(workspace_root(), &["no-such-contract".to_string()]).unwrap_err();
    assert!(err.to_string().contains("no-such-contract"), "{err}");
}

#[test]
fn unknown_package_is_an_error() {
    let err = build(workspace_root(), "no-such-contract").unwrap_err();
    assert!(err.to_string().contains("no-such-contract"), "{err}");
}

#[test]
fn discover_reads_package_names_sorted() {
    let dir = std::env::temp_dir().join(format!("stylus-build-discover-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(discover_contracts(&dir).unwrap(), Vec::<String>::new());
    for (sub, name) in [("zeta", "alpha-token"), ("alpha", "zeta-pool")] {
        std::fs::create_dir_all(dir.join("contracts").join(sub)).unwrap();
        std::fs::write(
            dir.join("contracts").join(sub).join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n"),
        )
        .unwrap();
    }
    std::fs::create_dir_all(dir.join("contracts").join("not-a-crate")).unwrap();
    assert_eq!(
        discover_contracts(&dir).unwrap(),
        ["alpha-token", "zeta-pool"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
