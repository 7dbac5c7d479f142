//! What the build needs to know about the cargo workspace: `cargo metadata` for the wasm32
//! platform, the contract's library target, its local dependency closure, and the project hash.

use std::{
    collections::{BTreeSet, HashMap},
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use serde_json::Value;
use tiny_keccak::{Hasher, Keccak};

use crate::{BuildError, BUILD_ARGS, WASM_TARGET};

/// A workspace package as `cargo metadata` describes it.
struct Package {
    name: String,
    id: String,
    /// `None` for path (workspace-local) packages.
    source: Option<String>,
    manifest_path: PathBuf,
    /// Name of the `cdylib` target, if the package has one.
    cdylib: Option<String>,
    /// The features its normal and build dependencies are requested with, as
    /// `dependency/feature` (default features are not listed).
    requested_features: Vec<String>,
}

/// `cargo metadata --filter-platform wasm32-unknown-unknown` of a workspace, reduced to what the
/// build uses.
pub(crate) struct Workspace {
    pub(crate) root: PathBuf,
    pub(crate) target_dir: PathBuf,
    packages: Vec<Package>,
    members: Vec<String>,
    /// Package id → ids of its normal and build dependencies (dev-dependencies never reach the wasm).
    deps: HashMap<String, Vec<String>>,
}

/// Files at the workspace root that shape every contract's wasm, hashed when present.
const WORKSPACE_FILES: [&str; 4] = [
    "Cargo.toml",
    "Cargo.lock",
    "rust-toolchain.toml",
    ".cargo/config.toml",
];

impl Workspace {
    /// Runs `cargo metadata` in `root` for the wasm32 platform.
    pub(crate) fn load(root: &Path) -> Result<Self, BuildError> {
        let output = Command::new("cargo")
            .current_dir(root)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--filter-platform",
                WASM_TARGET,
            ])
            .output()
            .map_err(|source| BuildError::CargoSpawn {
                command: "cargo metadata".into(),
                source,
            })?;
        if !output.status.success() {
            return Err(BuildError::Metadata {
                root: root.to_path_buf(),
                message: String::from_utf8_lossy(&output.stderr).trim().to_string(),
            });
        }
        let json: Value =
            serde_json::from_slice(&output.stdout).map_err(|source| BuildError::Metadata {
                root: root.to_path_buf(),
                message: format!("unreadable `cargo metadata` output: {source}"),
            })?;
        Self::from_json(root, &json)
    }

    fn from_json(root: &Path, json: &Value) -> Result<Self, BuildError> {
        let malformed = |what: &str| BuildError::Metadata {
            root: root.to_path_buf(),
            message: format!("`cargo metadata` output lacks {what}"),
        };
        let str_field =
            |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);

        let mut packages = Vec::new();
        for p in json
            .get("packages")
            .and_then(Value::as_array)
            .ok_or_else(|| malformed("packages"))?
        {
            let cdylib = p
                .get("targets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|t| {
                    t.get("crate_types")
                        .and_then(Value::as_array)
                        .is_some_and(|types| types.iter().any(|c| c == "cdylib"))
                })
                .and_then(|t| str_field(t, "name"));
            let requested_features = p
                .get("dependencies")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|d| d.get("kind") != Some(&"dev".into()))
                .flat_map(|d| {
                    let name = str_field(d, "name").unwrap_or_default();
                    d.get("features")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(move |feature| format!("{name}/{feature}"))
                })
                .collect();
            packages.push(Package {
                name: str_field(p, "name").ok_or_else(|| malformed("a package name"))?,
                id: str_field(p, "id").ok_or_else(|| malformed("a package id"))?,
                source: str_field(p, "source"),
                manifest_path: str_field(p, "manifest_path")
                    .ok_or_else(|| malformed("a manifest path"))?
                    .into(),
                cdylib,
                requested_features,
            });
        }
        let members = json
            .get("workspace_members")
            .and_then(Value::as_array)
            .ok_or_else(|| malformed("workspace_members"))?
            .iter()
            .filter_map(|m| m.as_str().map(str::to_owned))
            .collect();
        let mut deps = HashMap::new();
        for node in json
            .pointer("/resolve/nodes")
            .and_then(Value::as_array)
            .ok_or_else(|| malformed("resolve.nodes"))?
        {
            let id = str_field(node, "id").ok_or_else(|| malformed("a node id"))?;
            let node_deps = node
                .get("deps")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|d| {
                    d.get("dep_kinds")
                        .and_then(Value::as_array)
                        .is_some_and(|kinds| {
                            kinds.iter().any(|k| k.get("kind") != Some(&"dev".into()))
                        })
                })
                .filter_map(|d| str_field(d, "pkg"))
                .collect();
            deps.insert(id, node_deps);
        }
        Ok(Self {
            root: str_field(json, "workspace_root")
                .ok_or_else(|| malformed("workspace_root"))?
                .into(),
            target_dir: str_field(json, "target_directory")
                .ok_or_else(|| malformed("target_directory"))?
                .into(),
            packages,
            members,
            deps,
        })
    }

    fn member(&self, package: &str) -> Result<&Package, BuildError> {
        self.packages
            .iter()
            .find(|p| p.name == package && self.members.contains(&p.id))
            .ok_or_else(|| BuildError::PackageNotFound {
                package: package.to_string(),
                root: self.root.clone(),
            })
    }

    /// File stem of the wasm rustc writes for `package`: its `cdylib` target name with `-` → `_`.
    pub(crate) fn wasm_file_stem(&self, package: &str) -> Result<String, BuildError> {
        let p = self.member(package)?;
        p.cdylib
            .as_ref()
            .map(|name| name.replace('-', "_"))
            .ok_or_else(|| BuildError::NoCdylib {
                package: package.to_string(),
                manifest: p.manifest_path.clone(),
            })
    }

    /// The project hash embedded in `package`'s deployed wasm (the `project_hash` section).
    ///
    /// cargo-stylus hashes `cargo --version`, the opt level and the wasm-opt recipe, then every
    /// `.rs`, `Cargo.toml` and `Cargo.lock` under the contract directory plus `rust-toolchain.toml`,
    /// each as `u64_be(path length) ‖ path ‖ u64_be(file length) ‖ contents`, sorted by path. This
    /// keeps that file encoding and order but hashes what actually determines the wasm in a
    /// workspace, with paths relative to the workspace root so the hash does not depend on where
    /// the checkout lives:
    /// keccak256(
    ///   the build command's flags (`BUILD_ARGS` + target; stands for cargo-stylus's opt-level and
    ///   wasm-opt preimage; the toolchain is pinned by `rust-toolchain.toml`, hashed below)
    ///   ‖ for each file, sorted by relative path:
    ///       the workspace's `Cargo.toml`, `Cargo.lock`, `rust-toolchain.toml`, `.cargo/config.toml`;
    ///       for `package` and every workspace-local package it reaches through normal or build
    ///       dependencies on wasm32: its `Cargo.toml` and every `.rs` file under its directory
    ///       (skipping `target`, `.git` and nested packages, which are hashed as their own packages)
    /// ).
    pub(crate) fn project_hash(&self, package: &str) -> Result<[u8; 32], BuildError> {
        let mut files = BTreeSet::new();
        for name in WORKSPACE_FILES {
            let path = self.root.join(name);
            if path.is_file() {
                files.insert(path);
            }
        }
        for pkg in self.local_closure(package)? {
            let dir = pkg
                .manifest_path
                .parent()
                .expect("a manifest path has a parent directory");
            files.insert(pkg.manifest_path.clone());
            collect_sources(dir, &mut files)?;
        }

        let mut keccak = Keccak::v256();
        for arg in BUILD_ARGS.iter().chain(&[WASM_TARGET]) {
            keccak.update(&(arg.len() as u64).to_be_bytes());
            keccak.update(arg.as_bytes());
        }
        for path in &files {
            let relative = path.strip_prefix(&self.root).unwrap_or(path);
            let relative = relative.to_string_lossy().replace('\\', "/");
            let contents = fs::read(path).map_err(|source| BuildError::Io {
                path: path.clone(),
                source,
            })?;
            keccak.update(&(relative.len() as u64).to_be_bytes());
            keccak.update(relative.as_bytes());
            keccak.update(&(contents.len() as u64).to_be_bytes());
            keccak.update(&contents);
        }
        let mut hash = [0u8; 32];
        keccak.finalize(&mut hash);
        Ok(hash)
    }

    /// `package` and every workspace-local package it reaches through normal or build
    /// dependencies on wasm32 (registry and git packages end the walk).
    fn local_closure(&self, package: &str) -> Result<Vec<&Package>, BuildError> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![self.member(package)?.id.clone()];
        let mut closure = Vec::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let Some(pkg) = self.packages.iter().find(|p| p.id == id) else {
                continue;
            };
            if pkg.source.is_some() {
                continue;
            }
            closure.push(pkg);
            stack.extend(self.deps.get(&id).into_iter().flatten().cloned());
        }
        Ok(closure)
    }

    /// The dependency features `package`'s build asks for: every `dependency/feature` requested
    /// by it or by the workspace-local packages it reaches. Packages with equal sets can share
    /// one `cargo build` without changing each other's features (cargo unifies the features of
    /// the packages one invocation selects); a rare mismatch this misses (a feature enabled
    /// through a registry crate's own dependencies) only costs time: [`crate::build`]'s own
    /// `cargo build -p <package>` then recompiles what differs.
    pub(crate) fn requested_features(&self, package: &str) -> Result<BTreeSet<String>, BuildError> {
        Ok(self
            .local_closure(package)?
            .into_iter()
            .flat_map(|p| p.requested_features.iter().cloned())
            .collect())
    }
}

/// Adds every `.rs` file under `dir` to `files`, skipping `target`, `.git` and subdirectories that
/// are packages of their own (they hold a `Cargo.toml`).
fn collect_sources(dir: &Path, files: &mut BTreeSet<PathBuf>) -> Result<(), BuildError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BuildError::Io { path, source }
    };
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_dir() {
            let skip = path.ends_with("target")
                || path.ends_with(".git")
                || path.join("Cargo.toml").is_file();
            if !skip {
                collect_sources(&path, files)?;
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.insert(path);
        }
    }
    Ok(())
}
