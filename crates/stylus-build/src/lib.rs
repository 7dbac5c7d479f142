//! Builds contract crates to deployable Stylus code exactly as cargo-stylus 0.10.10 does, caches
//! the result under `<target-dir>/stylus/`, and checks it against Nitro's size limits and
//! activation rules (the rows of the `size-report` binary).
//!
//! Pipeline (runtime reference §1.2): `cargo build` for wasm32 with build-std ([`build`]), then
//! wasm → WAT → wasm, strip custom sections, append `project_hash`, brotli 11, prefix
//! `EF F0 00 00` ([`process`]). [`check`] then applies the deploy-size limit, the decompressed-size
//! limit and Nitro's activation validation (the `stylus-activation` crate).

mod check;
mod process;
mod workspace;

use std::{
    collections::BTreeSet,
    fs, io,
    path::{Path, PathBuf},
    process::{Command, ExitStatus},
    sync::atomic::{AtomicU64, Ordering},
};

pub use check::{check, ActivationCosts, SizeRow, Verdict};
pub use process::{
    embedded_project_hash, process, Processed, BROTLI_QUALITY, PROJECT_HASH_SECTION, STYLUS_PREFIX,
};
pub use stylus_activation::ActivationError;
use workspace::Workspace;

/// Largest deployable contract code: prefix + compressed wasm must be ≤ 24,576 bytes (geth's
/// `MaxCodeSize`, checked when the deployment returns the code; runtime reference §1.1).
pub const MAX_CODE_SIZE: usize = 24_576;

/// Largest decompressed wasm: Nitro decompresses into a buffer of `MaxWasmSize` = 131,072 bytes
/// (a constant before ArbOS 40, the default parameter after; runtime reference §1.1).
pub const MAX_WASM_SIZE: usize = 131_072;

/// The target cargo-stylus builds contracts for.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The `cargo` arguments cargo-stylus 0.10.10 uses for a nightly toolchain (stylus-tools
/// `core::build::build_contract`: `build --lib --locked --release` + `-Z build-std=std,panic_abort
/// -Z build-std-features=panic_immediate_abort`), without `--features` (never `export-abi` or
/// `debug` in deployed code). `--target` and `-p <package>` follow. The wasm32 rustflags come from
/// the workspace's `.cargo/config.toml`; `release` is the workspace profile (opt-level "z").
pub const BUILD_ARGS: [&str; 8] = [
    "build",
    "--lib",
    "--locked",
    "--release",
    "-Z",
    "build-std=std,panic_abort",
    "-Z",
    "build-std-features=panic_immediate_abort",
];

/// Environment variables removed from the nested `cargo build`: any of them replaces the
/// `[target.wasm32-unknown-unknown] rustflags` of `.cargo/config.toml` (cargo uses the first
/// rustflags source it finds), so a `RUSTFLAGS` meant for the host build would silently change
/// the contract's wasm.
const OVERRIDING_RUSTFLAGS: [&str; 4] = [
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
];

/// Directory under the cargo target directory where built contracts are cached.
pub const ARTIFACT_DIR: &str = "stylus";

/// A contract built and processed for deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployable {
    /// The cargo package the code was built from.
    pub package: String,
    /// The processed wasm (round-tripped, stripped, + `project_hash` section): what Nitro
    /// decompresses, validates and runs.
    pub wasm: Vec<u8>,
    /// `EF F0 00 00` + brotli(quality 11) of `wasm`: the bytes deployed as contract code.
    pub code: Vec<u8>,
}

impl Deployable {
    /// Names a processed program after the package it was built from.
    pub fn new(package: impl Into<String>, processed: Processed) -> Self {
        Self {
            package: package.into(),
            wasm: processed.wasm,
            code: processed.code,
        }
    }

    /// The project hash carried in the wasm's `project_hash` section, if present.
    pub fn project_hash(&self) -> Option<[u8; 32]> {
        embedded_project_hash(&self.wasm)
    }
}

/// Everything that can stop a build, a load or a check's input, with the values involved.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A `cargo` subprocess could not be started.
    #[error("could not run `{command}`: {source}")]
    CargoSpawn {
        /// The command that failed to start.
        command: String,
        /// The OS error.
        source: io::Error,
    },
    /// `cargo metadata` failed or printed something unreadable.
    #[error("`cargo metadata` failed in {root}: {message}")]
    Metadata {
        /// Workspace root it ran in.
        root: PathBuf,
        /// cargo's error output, or what was missing from its JSON.
        message: String,
    },
    /// The package is not a member of the workspace.
    #[error("package `{package}` is not a member of the workspace at {root}")]
    PackageNotFound {
        /// The requested package.
        package: String,
        /// The workspace root.
        root: PathBuf,
    },
    /// The package has no `cdylib` target, so rustc writes no wasm for it.
    #[error("package `{package}` has no cdylib target (add `crate-type = [\"lib\", \"cdylib\"]` to [lib] in {manifest})")]
    NoCdylib {
        /// The package.
        package: String,
        /// Its manifest.
        manifest: PathBuf,
    },
    /// `cargo build` for wasm32 exited unsuccessfully.
    #[error("`cargo {args}` failed ({status}):\n{stderr}")]
    CargoBuild {
        /// The arguments given to cargo.
        args: String,
        /// Its exit status.
        status: ExitStatus,
        /// The end of cargo's error output.
        stderr: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
    /// wasmprinter could not print the raw wasm as WAT (it is not a valid module).
    #[error("wasm → WAT failed on a {raw_len}-byte module: {message}")]
    WasmToWat {
        /// Length of the raw wasm.
        raw_len: usize,
        /// wasmprinter's error chain.
        message: String,
    },
    /// The printed WAT did not assemble again.
    #[error("WAT → wasm failed on {wat_len} bytes of WAT: {source}")]
    WatToWasm {
        /// Length of the WAT text.
        wat_len: usize,
        /// The assembler's error.
        source: wat::Error,
    },
    /// The round-tripped module could not be split into sections.
    #[error("stripping custom sections failed: {source}")]
    Strip {
        /// The parser's error.
        source: wasmparser::BinaryReaderError,
    },
    /// Brotli compression failed.
    #[error("brotli compression of {wasm_len} bytes failed: {source}")]
    Compress {
        /// Length of the processed wasm.
        wasm_len: usize,
        /// The compressor's error.
        source: io::Error,
    },
    /// A contract manifest could not be parsed.
    #[error("{path}: {message}")]
    Manifest {
        /// The `Cargo.toml`.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
}

/// Builds one workspace package for wasm32 exactly as cargo-stylus does for a nightly channel —
/// `cargo build --lib --locked --release --target wasm32-unknown-unknown -p <package>
/// -Z build-std=std,panic_abort -Z build-std-features=panic_immediate_abort` in `workspace_root`
/// (flags from `.cargo/config.toml`, toolchain from `rust-toolchain.toml`) — then [`process`]es
/// it with the package's project hash (see [`project_hash`]) and caches the result as
/// `<target-dir>/stylus/<package>.{wasm,code}`.
pub fn build(workspace_root: &Path, package: &str) -> Result<Deployable, BuildError> {
    let ws = Workspace::load(workspace_root)?;
    build_in(&ws, package)
}

fn build_in(ws: &Workspace, package: &str) -> Result<Deployable, BuildError> {
    let stem = ws.wasm_file_stem(package)?;
    let hash = ws.project_hash(package)?;
    cargo_build(ws, &[package])?;
    let wasm_path = ws
        .target_dir
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{stem}.wasm"));
    let raw = read(&wasm_path)?;
    let deployable = Deployable::new(package, process(&raw, hash)?);
    store(ws, &deployable)?;
    Ok(deployable)
}

/// Runs the wasm32 `cargo build` ([`BUILD_ARGS`]) for `packages` in one invocation.
fn cargo_build(ws: &Workspace, packages: &[&str]) -> Result<(), BuildError> {
    let mut args: Vec<&str> = BUILD_ARGS.to_vec();
    args.extend(["--target", WASM_TARGET]);
    for package in packages {
        args.extend(["-p", package]);
    }
    let mut command = Command::new("cargo");
    command.current_dir(&ws.root).args(&args);
    for var in OVERRIDING_RUSTFLAGS {
        command.env_remove(var);
    }
    let output = command.output().map_err(|source| BuildError::CargoSpawn {
        command: format!("cargo {}", args.join(" ")),
        source,
    })?;
    if !output.status.success() {
        // cargo prints warnings and progress too: keep from the first error on, at most 80 lines.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        let first_error = lines.iter().position(|l| l.starts_with("error"));
        let start = first_error.unwrap_or(lines.len().saturating_sub(80));
        return Err(BuildError::CargoBuild {
            args: args.join(" "),
            status: output.status,
            stderr: lines[start..lines.len().min(start + 80)].join("\n"),
        });
    }
    Ok(())
}

/// Loads `package`'s cached build from `<target-dir>/stylus/` if it is current — its embedded
/// project hash equals the sources' hash now and its code is the one [`process`] made — and
/// otherwise [`build`]s it. This is what tests and the devnode call.
pub fn load_or_build(workspace_root: &Path, package: &str) -> Result<Deployable, BuildError> {
    let ws = Workspace::load(workspace_root)?;
    match cached(&ws, package)? {
        Some(deployable) => Ok(deployable),
        None => build_in(&ws, package),
    }
}

/// `package`'s cached build if it is current (see [`load_or_build`]).
fn cached(ws: &Workspace, package: &str) -> Result<Option<Deployable>, BuildError> {
    let hash = ws.project_hash(package)?;
    let (wasm_path, code_path) = artifact_paths(&ws.target_dir, package);
    if !(wasm_path.is_file() && code_path.is_file()) {
        return Ok(None);
    }
    let cached = Deployable {
        package: package.to_string(),
        wasm: read(&wasm_path)?,
        code: read(&code_path)?,
    };
    let current = cached.project_hash() == Some(hash) && cached.code.starts_with(&STYLUS_PREFIX);
    Ok(current.then_some(cached))
}

/// `packages` in groups that ask for the same dependency features (see
/// `Workspace::requested_features`), in first-seen order: the packages of one group can share
/// one `cargo build` without cargo's feature unification changing what any of them is built
/// with. [`prebuild`] groups by it, and so does `scripts/export-abi.sh` (the `feature-groups`
/// binary).
pub fn feature_groups(
    workspace_root: &Path,
    packages: &[String],
) -> Result<Vec<Vec<String>>, BuildError> {
    group_by_features(&Workspace::load(workspace_root)?, packages)
}

fn group_by_features(ws: &Workspace, packages: &[String]) -> Result<Vec<Vec<String>>, BuildError> {
    let mut groups: Vec<(BTreeSet<String>, Vec<String>)> = Vec::new();
    for package in packages {
        let features = ws.requested_features(package)?;
        match groups.iter_mut().find(|(f, _)| *f == features) {
            Some((_, group)) => group.push(package.clone()),
            None => groups.push((features, vec![package.clone()])),
        }
    }
    Ok(groups.into_iter().map(|(_, group)| group).collect())
}

/// Builds, processes and caches every package of `packages` whose cached build is not current,
/// with one `cargo build` per [`feature_groups`] group of the stale packages (so that cargo
/// compiles shared dependencies once and runs two contracts' link-time optimisation side by side
/// on two cores, where one [`load_or_build`] per package runs them one after another). The code
/// is the same as [`build`]'s: after the group build, each package's own `cargo build -p
/// <package>` finds it fresh and its wasm is processed as `build` does. Returns the stale
/// packages' names.
pub fn prebuild(workspace_root: &Path, packages: &[String]) -> Result<Vec<String>, BuildError> {
    let ws = Workspace::load(workspace_root)?;
    let mut stale = Vec::new();
    for package in packages {
        if cached(&ws, package)?.is_none() {
            stale.push(package.clone());
        }
    }
    for group in group_by_features(&ws, &stale)? {
        let group: Vec<&str> = group.iter().map(String::as_str).collect();
        cargo_build(&ws, &group)?;
    }
    for package in &stale {
        build_in(&ws, package)?;
    }
    Ok(stale)
}

/// The root of the cargo workspace containing the current directory (`cargo locate-project
/// --workspace`), for the binaries.
///
/// # Errors
/// When cargo cannot run or the directory is in no workspace, as a message.
pub fn locate_workspace_root() -> Result<PathBuf, String> {
    let output = Command::new("cargo")
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .map_err(|e| format!("could not run cargo locate-project: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "not inside a cargo workspace: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    manifest
        .parent()
        .map(PathBuf::from)
        .ok_or_else(|| format!("workspace manifest {} has no directory", manifest.display()))
}

/// The project hash [`build`] embeds for `package` — a keccak256 over the build flags and the
/// sources that determine the wasm: the workspace's `Cargo.toml`, `Cargo.lock`,
/// `rust-toolchain.toml` and `.cargo/config.toml`, and the `Cargo.toml` and `.rs` files of the
/// package and of every workspace-local package it depends on (normal and build dependencies on
/// wasm32), each file as `u64_be(path len) ‖ path relative to the root ‖ u64_be(len) ‖ contents`
/// in path order (cargo-stylus's file encoding, which hashes only the contract directory).
pub fn project_hash(workspace_root: &Path, package: &str) -> Result<[u8; 32], BuildError> {
    Workspace::load(workspace_root)?.project_hash(package)
}

/// Every contract crate: the package name of each directory under `<workspace_root>/contracts/`
/// that holds a `Cargo.toml`, sorted. Empty when there is no `contracts/` directory or no crate.
pub fn discover_contracts(workspace_root: &Path) -> Result<Vec<String>, BuildError> {
    let dir = workspace_root.join("contracts");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let io_err = |source| BuildError::Io {
        path: dir.clone(),
        source,
    };
    let mut names = Vec::new();
    for entry in fs::read_dir(&dir).map_err(io_err)? {
        let manifest = entry.map_err(io_err)?.path().join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let text = fs::read_to_string(&manifest).map_err(|source| BuildError::Io {
            path: manifest.clone(),
            source,
        })?;
        let value: toml::Value =
            text.parse()
                .map_err(|e: toml::de::Error| BuildError::Manifest {
                    path: manifest.clone(),
                    message: e.to_string(),
                })?;
        let name = value
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(toml::Value::as_str)
            .ok_or_else(|| BuildError::Manifest {
                path: manifest.clone(),
                message: "no [package] name".into(),
            })?;
        names.push(name.to_string());
    }
    names.sort();
    Ok(names)
}

/// Where [`build`] caches `package`: `<target_dir>/stylus/<package>.wasm` (processed wasm) and
/// `<target_dir>/stylus/<package>.code` (deployed bytes).
pub fn artifact_paths(target_dir: &Path, package: &str) -> (PathBuf, PathBuf) {
    let dir = target_dir.join(ARTIFACT_DIR);
    (
        dir.join(format!("{package}.wasm")),
        dir.join(format!("{package}.code")),
    )
}

/// Writes the artifacts of `d`, each through a temporary file and a rename so that a concurrent
/// [`load_or_build`] never reads a half-written file. Each write has a temporary file of its
/// own (process id and a per-process counter): two threads storing the same package at once
/// must not rename each other's file away.
fn store(ws: &Workspace, d: &Deployable) -> Result<(), BuildError> {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let (wasm_path, code_path) = artifact_paths(&ws.target_dir, &d.package);
    let dir = wasm_path.parent().expect("artifact paths have a directory");
    fs::create_dir_all(dir).map_err(|source| BuildError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for (path, bytes) in [(&wasm_path, &d.wasm), (&code_path, &d.code)] {
        let write = WRITES.fetch_add(1, Ordering::Relaxed);
        let tmp = path.with_extension(format!("tmp{}-{write}", std::process::id()));
        fs::write(&tmp, bytes)
            .and_then(|()| fs::rename(&tmp, path))
            .map_err(|source| BuildError::Io {
                path: path.clone(),
                source,
            })?;
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>, BuildError> {
    fs::read(path).map_err(|source| BuildError::Io {
        path: path.to_path_buf(),
        source,
    })
}
