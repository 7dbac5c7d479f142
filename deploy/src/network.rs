//! Named networks (`scripts/deploy.sh --network NAME`): parameters from
//! `deploy/networks/NAME.toml`, keys from the environment or a key file (never the command
//! line), the result in `deploy/deployments/NAME.json`, written after every step so that an
//! interrupted deployment resumes where it stopped and a finished one is only checked.
//!
//! A network file:
//!
//! ```toml
//! rpc_url = "http://127.0.0.1:8547"   # absent: the embedded devnode (a fresh chain per run)
//! chain_id = 412346                   # checked against the node
//! salt = "mutual local v1"            # CREATE2 salt: same salt and code, same addresses
//!
//! [keys.deployer]                     # deploys, holds governance, founds (joins first)
//! env = "MUTUAL_DEPLOYER_KEY"         # 0x-hex private key; tried first
//! file = "keys/nitro-dev.key"         # relative to deploy/networks/; tried next
//! [keys.kyc]                          # signs the founder's membership approval
//! env = "MUTUAL_KYC_KEY"
//! dev_seed = "mutual devnet kyc authority"   # devnets only: keccak256(seed) as the key
//!
//! [protocol]                          # amounts in ETH (decimal strings)
//! mcr_floor_eth = "100"
//! seed_eth = "200"
//! genesis_book_value_eth = "0.02"
//! [ramm]
//! day_secs = 60                       # minutes instead of days on a devnet
//! eth_reserve_eth = "50"
//! budget_eth = "100"
//! [cover]                             # staking pools, staking products and cover
//! day_secs = 60                       # tranches 91 "days", buckets 28, cover 28..365
//! grace_period_secs = 1800            # the launch catalogue's product type
//! ```

use std::path::{Path, PathBuf};

use alloy_primitives::{utils::parse_ether, Address, B256, U256};
use alloy_signer_local::PrivateKeySigner;
use serde::{Deserialize, Serialize};

use crate::chain::{signer_of_seed, Chain};
use crate::{
    deploy, keccak256, workspace_root, CoverLaunch, DeployConfig, DeployFailure, DeployStep,
    KycAuthority, Progress, Protocol, RammLaunch,
};

/// `deploy/networks/NAME.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkFile {
    /// The node; `None` = the embedded devnode.
    pub rpc_url: Option<String>,
    /// The chain id the node must report.
    pub chain_id: u64,
    /// The CREATE2 salt phrase (hashed).
    pub salt: String,
    /// Where the keys come from.
    pub keys: Keys,
    /// Protocol parameters.
    pub protocol: ProtocolParams,
    /// RAMM launch parameters.
    pub ramm: RammParams,
    /// Staking and cover launch parameters.
    pub cover: CoverParams,
}

/// `[cover]`: the staking and cover contracts' day and the launch catalogue's grace period.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverParams {
    /// Seconds in a staking and cover "day".
    pub day_secs: u64,
    /// The launch product type's grace period, seconds.
    pub grace_period_secs: u64,
}

/// The deployment's keys.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Keys {
    /// Deploys, holds governance until a governance contract exists, and founds the mutual.
    pub deployer: KeySource,
    /// The KYC authority (signs the founder's approval).
    pub kyc: KeySource,
}

/// Where a key comes from, tried in this order.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySource {
    /// An environment variable holding the 0x-hex key.
    pub env: Option<String>,
    /// A file holding the 0x-hex key (relative paths: to `deploy/networks/`).
    pub file: Option<PathBuf>,
    /// Devnets only: `keccak256(dev_seed)` as the key.
    pub dev_seed: Option<String>,
}

/// Protocol parameters, in ETH.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtocolParams {
    /// The MCR floor.
    pub mcr_floor_eth: String,
    /// ETH the deployer seeds the capital pool with.
    pub seed_eth: String,
    /// Book value of the genesis supply, ETH per NXM.
    pub genesis_book_value_eth: String,
}

/// RAMM launch parameters.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RammParams {
    /// Seconds in a RAMM day.
    pub day_secs: u32,
    /// The starting virtual ETH reserve, ETH.
    pub eth_reserve_eth: String,
    /// The fast-injection budget, ETH.
    pub budget_eth: String,
}

/// `deploy/deployments/NAME.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentRecord {
    /// The network's name.
    pub network: String,
    /// Its chain id.
    pub chain_id: u64,
    /// The node (`null` for the embedded devnode).
    pub rpc_url: Option<String>,
    /// The deployer (governance until a governance contract takes over).
    pub deployer: Address,
    /// The KYC authority.
    pub kyc_authority: Address,
    /// The CREATE2 salt.
    pub salt: B256,
    /// Each contract crate's deployment, in deployment order.
    pub contracts: Vec<ContractRecord>,
    /// Wiring steps completed, in order.
    pub steps: Vec<StepRecord>,
    /// The block at which the last step completed.
    pub block: u64,
    /// Whether every step has completed.
    pub complete: bool,
}

/// One deployed contract.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ContractRecord {
    /// The deployment's name (`nxm-token`, `cover-nft`, …; see [`crate::CONTRACTS`]).
    pub name: String,
    /// Its contract crate (`position-nft` for both NFT collections); the ABI is
    /// `deploy/abi/<package>.json`.
    pub package: String,
    /// Its address.
    pub address: Address,
    /// `keccak256` of its code.
    pub codehash: B256,
    /// Deployed code size in bytes (prefix + compressed WASM).
    pub code_bytes: usize,
    /// Gas of its deployment transaction.
    pub gas_used: Option<u64>,
}

/// One completed wiring step.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StepRecord {
    /// The step's name.
    pub name: String,
    /// Its gas.
    pub gas_used: Option<u64>,
    /// The block it completed in.
    pub block: u64,
}

impl DeploymentRecord {
    /// The deployed protocol, when every contract is recorded.
    pub fn protocol(&self) -> Option<Protocol> {
        let named: Vec<(String, Address)> = self
            .contracts
            .iter()
            .map(|c| (c.name.clone(), c.address))
            .collect();
        Protocol::from_named(&named)
    }
}

/// Why a network deployment could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// The network file is missing or malformed.
    #[error("{path}: {why}")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
    /// A key could not be found.
    #[error("key `{role}`: {why}")]
    Key {
        /// Which key.
        role: &'static str,
        /// What was tried.
        why: String,
    },
    /// The deployment failed.
    #[error(transparent)]
    Deploy(#[from] DeployFailure),
}

/// The directory of network files.
pub fn networks_dir() -> PathBuf {
    workspace_root().join("deploy/networks")
}

/// The deployments file of `network`.
pub fn deployment_path(network: &str) -> PathBuf {
    workspace_root()
        .join("deploy/deployments")
        .join(format!("{network}.json"))
}

/// Reads `deploy/networks/NAME.toml`.
///
/// # Errors
/// [`NetworkError::Config`] when it is missing or malformed.
pub fn load_network(name: &str) -> Result<NetworkFile, NetworkError> {
    let path = networks_dir().join(format!("{name}.toml"));
    let config = |why: String| NetworkError::Config {
        path: path.clone(),
        why,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| config(e.to_string()))?;
    toml::from_str(&text).map_err(|e| config(e.to_string()))
}

/// Reads the deployments file, if there is one.
///
/// # Errors
/// [`NetworkError::Config`] when it exists but does not parse.
pub fn load_record(path: &Path) -> Result<Option<DeploymentRecord>, NetworkError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| NetworkError::Config {
                path: path.to_path_buf(),
                why: e.to_string(),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(NetworkError::Config {
            path: path.to_path_buf(),
            why: e.to_string(),
        }),
    }
}

impl KeySource {
    /// Resolves the key: the environment variable, then the file, then the dev seed.
    ///
    /// # Errors
    /// [`NetworkError::Key`] when none gives a valid key.
    pub fn resolve(&self, role: &'static str) -> Result<PrivateKeySigner, NetworkError> {
        let key_error = |why: String| NetworkError::Key { role, why };
        let parse = |text: &str, from: &str| {
            text.trim()
                .parse::<PrivateKeySigner>()
                .map_err(|e| key_error(format!("{from} does not hold a 0x-hex private key: {e}")))
        };
        if let Some(var) = &self.env {
            if let Ok(value) = std::env::var(var) {
                return parse(&value, &format!("${var}"));
            }
        }
        if let Some(file) = &self.file {
            let path = networks_dir().join(file);
            if let Ok(text) = std::fs::read_to_string(&path) {
                return parse(&text, &path.display().to_string());
            }
        }
        if let Some(seed) = &self.dev_seed {
            return Ok(signer_of_seed(seed.as_bytes()));
        }
        Err(key_error(format!(
            "set {} or write the key to {}",
            self.env.as_deref().unwrap_or("(no variable configured)"),
            self.file.as_ref().map_or_else(
                || "(no file configured)".into(),
                |f| networks_dir().join(f).display().to_string()
            )
        )))
    }
}

fn ether(field: &str, value: &str, path: &Path) -> Result<U256, NetworkError> {
    parse_ether(value).map_err(|e| NetworkError::Config {
        path: path.to_path_buf(),
        why: format!("{field} = {value:?}: {e}"),
    })
}

impl NetworkFile {
    /// The deployment parameters this file describes: the deployer is governance and founder.
    ///
    /// # Errors
    /// [`NetworkError`] for a bad amount or a missing key.
    pub fn deploy_config(&self, name: &str) -> Result<DeployConfig, NetworkError> {
        let path = networks_dir().join(format!("{name}.toml"));
        let deployer = self.keys.deployer.resolve("deployer")?;
        let kyc = self.keys.kyc.resolve("kyc")?;
        let book_value = ether(
            "genesis_book_value_eth",
            &self.protocol.genesis_book_value_eth,
            &path,
        )?;
        if book_value.is_zero() {
            return Err(NetworkError::Config {
                path,
                why: "genesis_book_value_eth must be positive".into(),
            });
        }
        Ok(DeployConfig {
            governance: deployer.clone(),
            kyc: KycAuthority::from_signer(&kyc),
            founder: deployer,
            mcr_floor_eth: ether("mcr_floor_eth", &self.protocol.mcr_floor_eth, &path)?,
            seed_eth: ether("seed_eth", &self.protocol.seed_eth, &path)?,
            genesis_book_value_wad: book_value,
            ramm: RammLaunch::at_equilibrium(
                self.ramm.day_secs,
                book_value,
                ether("eth_reserve_eth", &self.ramm.eth_reserve_eth, &path)?,
                ether("budget_eth", &self.ramm.budget_eth, &path)?,
            ),
            cover: CoverLaunch {
                day_secs: self.cover.day_secs,
                grace_period_secs: self.cover.grace_period_secs,
            },
            salt: keccak256(self.salt.as_bytes()),
            hand_over_governance: true,
        })
    }
}

/// Keeps the deployments file in step with the deployment: loads what an earlier run did and
/// writes the file again after every step.
pub struct Journal {
    path: PathBuf,
    record: DeploymentRecord,
    /// Wiring steps an earlier run completed; cleared as soon as a contract is (re)deployed,
    /// since a new contract has none of its wiring.
    earlier_steps: Vec<StepRecord>,
    /// Hears of each step (progress lines).
    on_step: Box<dyn FnMut(&DeployStep)>,
}

impl Journal {
    /// Starts from `earlier` (a previous run's record for the same chain, deployer and salt) or
    /// afresh.
    pub fn new(
        path: PathBuf,
        fresh: DeploymentRecord,
        earlier: Option<DeploymentRecord>,
        on_step: Box<dyn FnMut(&DeployStep)>,
    ) -> Self {
        let earlier_steps = earlier
            .filter(|e| {
                (e.chain_id, e.deployer, e.salt) == (fresh.chain_id, fresh.deployer, fresh.salt)
            })
            .map(|e| e.steps)
            .unwrap_or_default();
        Self {
            path,
            record: fresh,
            earlier_steps,
            on_step,
        }
    }

    /// The record so far.
    pub fn record(&self) -> &DeploymentRecord {
        &self.record
    }

    fn write(&self) -> Result<(), String> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let mut text = serde_json::to_string_pretty(&self.record).map_err(|e| e.to_string())?;
        text.push('\n');
        std::fs::write(&self.path, text).map_err(|e| format!("{}: {e}", self.path.display()))
    }
}

impl Progress for Journal {
    fn was_done(&self, name: &str) -> bool {
        self.earlier_steps.iter().any(|s| s.name == name)
    }

    fn completed(&mut self, step: &DeployStep, block: u64) -> Result<(), String> {
        (self.on_step)(step);
        self.record.block = block;
        match step.contract {
            Some(contract) => {
                if step.gas_used.is_some() {
                    self.earlier_steps.clear();
                }
                self.record.contracts.push(ContractRecord {
                    name: contract.name.to_string(),
                    package: contract.package.to_string(),
                    address: contract.address,
                    codehash: contract.codehash,
                    code_bytes: contract.code_bytes,
                    gas_used: step.gas_used,
                });
            }
            None => {
                let earlier = self.earlier_steps.iter().find(|s| s.name == step.name);
                let done = match (step.gas_used, earlier) {
                    (None, Some(earlier)) => earlier.clone(),
                    (gas_used, _) => StepRecord {
                        name: step.name.clone(),
                        gas_used,
                        block,
                    },
                };
                self.record.steps.push(done);
            }
        }
        self.write()
    }
}

/// Deploys to a named network on `chain` (already connected, chain id checked): what an earlier
/// run recorded in `record_path` (normally [`deployment_path`]) is found and skipped, the rest is
/// done, and the record is kept there.
/// `on_step` hears of every step (progress lines).
///
/// # Errors
/// [`NetworkError`] for a bad file or key, or the failing step.
pub fn deploy_network(
    record_path: &Path,
    name: &str,
    network: &NetworkFile,
    config: &DeployConfig,
    chain: &mut dyn Chain,
    on_step: Box<dyn FnMut(&DeployStep)>,
) -> Result<(Protocol, Vec<DeployStep>, DeploymentRecord), NetworkError> {
    let path = record_path.to_path_buf();
    let earlier = load_record(&path)?;
    let fresh = DeploymentRecord {
        network: name.to_string(),
        chain_id: network.chain_id,
        rpc_url: network.rpc_url.clone(),
        deployer: config.governance.address(),
        kyc_authority: config.kyc.address(),
        salt: config.salt,
        ..DeploymentRecord::default()
    };
    let mut journal = Journal::new(path, fresh, earlier, on_step);
    let (protocol, steps) = deploy(chain, config, &mut journal)?;
    let mut record = journal.record().clone();
    record.complete = true;
    journal.record = record.clone();
    journal.write().map_err(|why| DeployFailure::Record {
        step: "write the deployments file".into(),
        why,
    })?;
    Ok((protocol, steps, record))
}
