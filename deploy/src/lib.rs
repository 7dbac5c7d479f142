//! Deployment of the mutual's contracts and the helpers every scenario needs.
//!
//! * [`deploy`] builds the contracts (or reuses the cached artifacts), deploys them on any
//!   [`Chain`] — the embedded devnode or a JSON-RPC node — through the StylusDeployer, wires
//!   their trusted addresses, seeds the capital pool, admits the founding member, mints the
//!   genesis NXM supply to it at the initial book value, and opens the RAMM's swaps.
//! * [`network`] is `scripts/deploy.sh`: a named network's parameters from
//!   `deploy/networks/NAME.toml`, the result in `deploy/deployments/NAME.json`.
//! * [`KycAuthority`] signs membership approvals locally, as the off-chain KYC service would.
//! * [`send`] and [`view`] make typed calls; [`Tx`] keeps the outcome (gas, logs) next to the
//!   decoded result.
//!
//! The main job (`cargo run -p mutual-deploy`, see `src/main.rs`) and the end-to-end suite
//! (`tests/`) both start from here, so the deployment they exercise is the same.

use std::path::{Path, PathBuf};

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, SolValue};
use k256::ecdsa::SigningKey;
use mutual_interfaces::{
    assessment::abi::IAssessment,
    capital_pool::abi::ICapitalPool,
    claims::abi::IClaims,
    cover::abi::ICover,
    cover_products::{abi::ICoverProducts, ASSET_BIT_ETH, NEW_ID},
    governance::abi::IGovernance,
    membership::{abi::IMembership, approval_digest, DEFAULT_JOINING_FEE_ETH},
    nxm_token::abi::INxmToken,
    pool_registry::abi::IPoolRegistry,
    position_nft::abi::IPositionNft,
    ramm::abi::IRamm,
    staking_pool::abi::IStakingPool,
    staking_products::abi::IStakingProducts,
};
use stylus_devnode::deployer::deployed_address;
use stylus_devnode::initcode::deploy_init_code;
use stylus_devnode::CONSTRUCTOR_SELECTOR;

pub mod chain;
pub mod network;
pub mod rpc_chain;

pub use chain::{signer_of_seed, Chain, ChainError, Deployed, Outcome};
pub use rpc_chain::RpcChain;

/// One ETH or NXM in wei.
pub const WAD: u128 = 1_000_000_000_000_000_000;

/// `x` whole tokens in wei.
pub fn tokens(x: u64) -> U256 {
    U256::from(x) * U256::from(WAD)
}

/// The contracts the protocol deploys, in deployment order, as (deployment name, contract
/// crate): one crate may be deployed more than once (`position-nft` for covers and for stake
/// positions), so deployments are named apart from their crates.
pub const CONTRACTS: [(&str, &str); 16] = [
    ("nxm-token", "nxm-token"),
    ("membership", "membership"),
    ("capital-pool", "capital-pool"),
    ("ramm", "ramm"),
    ("cover-nft", "position-nft"),
    ("stake-nft", "position-nft"),
    ("cover-products", "cover-products"),
    ("staking-pool", "staking-pool"),
    ("staking-products", "staking-products"),
    ("cover", "cover"),
    ("cover-viewer", "cover-viewer"),
    ("staking-viewer", "staking-viewer"),
    ("pool-registry", "pool-registry"),
    ("assessment", "assessment"),
    ("claims", "claims"),
    ("governance", "governance"),
];

/// The repository root (the workspace this crate belongs to).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("deploy/ has a parent")
        .to_path_buf()
}

/// Why a deployment or a scenario step failed.
#[derive(Debug, thiserror::Error)]
pub enum DeployFailure {
    /// Building a contract failed.
    #[error("building {package}: {source}")]
    Build {
        /// The contract crate.
        package: String,
        /// The build error.
        source: stylus_build::BuildError,
    },
    /// The StylusDeployer transaction (create + activate + constructor) failed.
    #[error("deploying {package}: revert data {} ({:?})", .outcome.return_data, .outcome.failure)]
    Deploy {
        /// The contract crate.
        package: String,
        /// The failed transaction.
        outcome: Box<Outcome>,
    },
    /// A transaction reverted.
    #[error("{step} reverted: {data} ({failure:?})")]
    Reverted {
        /// What was being done.
        step: String,
        /// Revert data.
        data: Bytes,
        /// The failure if it was not a plain revert.
        failure: Option<String>,
    },
    /// The chain holds something else than this deployment expects, or a record failed.
    #[error("{step}: {why}")]
    Record {
        /// The step.
        step: String,
        /// What is wrong.
        why: String,
    },
    /// The chain could not do what was asked (no dev methods, no funds, no answer).
    #[error(transparent)]
    Chain(#[from] ChainError),
}

/// Deployment parameters. `Default` is the devnet profile: governance, KYC and founder keys
/// derived from fixed seeds, an MCR floor of 10 000 ETH, a 20 000 ETH seed (MCR% 200 %), a
/// genesis book value of 0.02 ETH per NXM (1 000 000 NXM to the founder), and the RAMM launched
/// with protocol-reference §3b's values at equilibrium (spot A at book value + 1 %, spot B at
/// book value − 1 %).
#[derive(Clone)]
pub struct DeployConfig {
    /// Deploys every contract and holds every governance role until the deployment hands them to
    /// the governance contract (see [`DeployConfig::hand_over_governance`]).
    pub governance: PrivateKeySigner,
    /// Signs membership approvals.
    pub kyc: KycAuthority,
    /// The founding member: joins first and receives the genesis supply.
    pub founder: PrivateKeySigner,
    /// The MCR floor, in wei.
    pub mcr_floor_eth: U256,
    /// ETH the deployer puts into the capital pool, in wei.
    pub seed_eth: U256,
    /// Book value the genesis supply is minted at (wei per NXM): genesis supply =
    /// `seed_eth * 1e18 / genesis_book_value_wad`.
    pub genesis_book_value_wad: U256,
    /// The RAMM's launch state and limits.
    pub ramm: RammLaunch,
    /// The staking and cover contracts' time unit and the launch catalogue.
    pub cover: CoverLaunch,
    /// CREATE2 salt of the deployment: the contract deployed as `name` (see [`CONTRACTS`]) is
    /// created with salt `keccak256(salt ‖ name)`, so its address is known before it is
    /// deployed and a re-run finds it.
    pub salt: B256,
    /// Whether the deployment ends by handing every contract's governance role to the
    /// governance contract (the deployer's key then holds nothing). Always on for networks
    /// and the main job; off only for test worlds that play governance with the deployer's key
    /// (parameters a scenario sets directly instead of through a 4-day proposal).
    pub hand_over_governance: bool,
}

/// The staking-pool, staking-products and cover contracts' launch parameters, and the catalogue
/// the deployment lists (one product type, two products; the advisory board and governance
/// edit it afterwards).
#[derive(Clone, Copy, Debug)]
pub struct CoverLaunch {
    /// Seconds in a staking and cover "day": tranches are 91 days, buckets 28, cover periods
    /// 28 to 365, active-cover buckets 7, the price decays 2 % a day (86 400 on real networks,
    /// small on devnets so that a lifecycle runs in minutes).
    pub day_secs: u64,
    /// The grace period of the launch catalogue's product type, in seconds (claims may be
    /// filed this long after a cover ends).
    pub grace_period_secs: u64,
}

impl CoverLaunch {
    /// `day_secs` with a 30-day grace period (V2's test fixtures' protocol cover).
    pub fn with_day(day_secs: u64) -> Self {
        Self {
            day_secs,
            grace_period_secs: 30 * day_secs,
        }
    }
}

/// The launch catalogue's products, in id order: (name, initial price bps, fixed price, cover
/// assets bitmap). Both have the default 1 % minimum price and no capacity reduction.
pub const LAUNCH_PRODUCTS: [(&str, u16, bool, u8); 2] = [
    ("protocol cover (dynamic price)", 250, false, 0),
    (
        "custody cover (fixed price, ETH only)",
        200,
        true,
        ASSET_BIT_ETH,
    ),
];

/// The NFT collections' names, symbols and token URI bases: (deployment, name, symbol, base).
/// Governance can change the base (`setBaseUri`) once a metadata service exists.
pub const NFT_COLLECTIONS: [(&str, &str, &str, &str); 2] = [
    (
        "cover-nft",
        "Mutual Cover",
        "MCOVER",
        "https://nft.mutual.invalid/cover/",
    ),
    (
        "stake-nft",
        "Mutual Stake Position",
        "MSTAKE",
        "https://nft.mutual.invalid/stake/",
    ),
];

/// The RAMM's constructor arguments (protocol-reference §3b); its circuit-breaker limits start
/// at V2's 22 000 ETH / 250 000 NXM (`ramm::INITIAL_*_LIMIT`), changed by governance.
#[derive(Clone, Copy, Debug)]
pub struct RammLaunch {
    /// Seconds in a RAMM "day" (every speed and the 3-day TWAP period scale with it).
    pub day_secs: u32,
    /// The starting virtual ETH reserve E, in wei.
    pub eth_reserve: U256,
    /// The fast-injection budget, in wei.
    pub budget_eth: U256,
    /// Starting spot price of pool A, wei per NXM.
    pub spot_price_a: U256,
    /// Starting spot price of pool B, wei per NXM.
    pub spot_price_b: U256,
}

impl RammLaunch {
    /// Launch at equilibrium around `book_value_wad`: spot A at +1 %, spot B at −1 % (rounded
    /// down), with `eth_reserve` and `budget_eth`.
    pub fn at_equilibrium(
        day_secs: u32,
        book_value_wad: U256,
        eth_reserve: U256,
        budget_eth: U256,
    ) -> Self {
        Self {
            day_secs,
            eth_reserve,
            budget_eth,
            spot_price_a: book_value_wad * U256::from(101) / U256::from(100),
            spot_price_b: book_value_wad * U256::from(99) / U256::from(100),
        }
    }
}

impl Default for DeployConfig {
    fn default() -> Self {
        let book_value = U256::from(WAD / 50);
        Self {
            governance: signer_of_seed(b"mutual devnet governance"),
            kyc: KycAuthority::from_seed(b"mutual devnet kyc authority"),
            founder: signer_of_seed(b"mutual devnet founder"),
            mcr_floor_eth: tokens(10_000),
            seed_eth: tokens(20_000),
            genesis_book_value_wad: book_value,
            ramm: RammLaunch::at_equilibrium(86_400, book_value, tokens(5_000), tokens(43_835)),
            cover: CoverLaunch::with_day(86_400),
            salt: B256::ZERO,
            hand_over_governance: true,
        }
    }
}

impl DeployConfig {
    /// The genesis NXM supply: `floor(seed_eth * 1e18 / genesis_book_value_wad)`.
    pub fn genesis_supply_nxm(&self) -> U256 {
        self.seed_eth * U256::from(WAD) / self.genesis_book_value_wad
    }
}

/// Funds a devnet deployment's accounts before [`deploy`]: governance with the seed plus
/// 1 000 ETH for gas, the founder with 1 ETH for the joining fee and gas.
///
/// # Errors
/// When the chain can neither set balances nor transfer from its funding account.
pub fn fund_deployment(chain: &mut dyn Chain, config: &DeployConfig) -> Result<(), ChainError> {
    chain.fund(config.governance.address(), config.seed_eth + tokens(1_000))?;
    chain.fund(config.founder.address(), tokens(1))
}

/// The address of [`signer_of_seed`]`(seed)`, for named test and demo accounts.
pub fn address_of_seed(seed: &[u8]) -> Address {
    signer_of_seed(seed).address()
}

/// The deployed protocol.
#[derive(Clone, Copy, Debug)]
pub struct Protocol {
    /// NXM token.
    pub nxm_token: Address,
    /// Member registry.
    pub membership: Address,
    /// Capital pool.
    pub capital_pool: Address,
    /// The NXM market.
    pub ramm: Address,
    /// Cover NFTs (`position-nft`, minted by the cover contract).
    pub cover_nft: Address,
    /// Stake-position NFTs (`position-nft`, minted by the staking pools).
    pub stake_nft: Address,
    /// The product catalogue.
    pub cover_products: Address,
    /// Every staking pool's stake, rewards and burns.
    pub staking_pool: Address,
    /// Every staking pool's products, prices and allocations.
    pub staking_products: Address,
    /// Cover purchase, edits and expiry.
    pub cover: Address,
    /// The cover contract's dApp views (premium quotes, covers, allocations, active cover).
    pub cover_viewer: Address,
    /// The staking pools' dApp views (pools, tranches, positions, withdrawable amounts).
    pub staking_viewer: Address,
    /// Pool creation and metadata.
    pub pool_registry: Address,
    /// Assessors' stakes, votes and rewards.
    pub assessment: Address,
    /// Claims: filing, deposits, payouts.
    pub claims: Address,
    /// Member governance: NXM locks, proposals, votes, execution.
    pub governance: Address,
}

impl Protocol {
    /// The protocol at these addresses, in [`CONTRACTS`] order.
    fn at(addresses: &[Address; CONTRACTS.len()]) -> Self {
        let [nxm_token, membership, capital_pool, ramm, cover_nft, stake_nft, cover_products, staking_pool, staking_products, cover, cover_viewer, staking_viewer, pool_registry, assessment, claims, governance] =
            *addresses;
        Self {
            nxm_token,
            membership,
            capital_pool,
            ramm,
            cover_nft,
            stake_nft,
            cover_products,
            staking_pool,
            staking_products,
            cover,
            cover_viewer,
            staking_viewer,
            pool_registry,
            assessment,
            claims,
            governance,
        }
    }

    /// Every contract as (deployment name, address), in [`CONTRACTS`] order.
    pub fn contracts(&self) -> [(&'static str, Address); CONTRACTS.len()] {
        let addresses = [
            self.nxm_token,
            self.membership,
            self.capital_pool,
            self.ramm,
            self.cover_nft,
            self.stake_nft,
            self.cover_products,
            self.staking_pool,
            self.staking_products,
            self.cover,
            self.cover_viewer,
            self.staking_viewer,
            self.pool_registry,
            self.assessment,
            self.claims,
            self.governance,
        ];
        core::array::from_fn(|i| (CONTRACTS[i].0, addresses[i]))
    }

    /// The protocol from (deployment name, address) pairs, when every contract is named.
    pub fn from_named(named: &[(String, Address)]) -> Option<Self> {
        let mut addresses = [Address::ZERO; CONTRACTS.len()];
        for (slot, (name, _)) in addresses.iter_mut().zip(CONTRACTS) {
            *slot = named.iter().find(|(n, _)| n == name)?.1;
        }
        Some(Self::at(&addresses))
    }
}

/// What one deployment step did.
#[derive(Clone, Debug)]
pub struct DeployStep {
    /// What was done.
    pub name: String,
    /// Gas used; `None` when an earlier run had done it (the step was skipped).
    pub gas_used: Option<u64>,
    /// For a contract deployment: what was deployed.
    pub contract: Option<DeployedContract>,
}

/// A contract a [`DeployStep`] deployed (or found deployed).
#[derive(Clone, Copy, Debug)]
pub struct DeployedContract {
    /// The deployment's name (one of [`CONTRACTS`]).
    pub name: &'static str,
    /// Its contract crate.
    pub package: &'static str,
    /// Its address.
    pub address: Address,
    /// `keccak256` of its code.
    pub codehash: B256,
    /// Deployed code size in bytes.
    pub code_bytes: usize,
}

/// Follows a deployment: says which wiring steps an earlier run completed, and hears of each
/// step as it completes (the network deployer records them in its deployments file).
pub trait Progress {
    /// Whether wiring step `name` was completed by an earlier run (contracts are found on chain
    /// instead).
    fn was_done(&self, _name: &str) -> bool {
        false
    }
    /// Called after each step, with the chain's block number then.
    ///
    /// # Errors
    /// A message that stops the deployment (for example, the record could not be written).
    fn completed(&mut self, _step: &DeployStep, _block: u64) -> Result<(), String> {
        Ok(())
    }
}

/// A deployment nobody follows.
pub struct Unrecorded;

impl Progress for Unrecorded {}

/// Builds (or loads the cached) contracts and deploys them from `config.governance` through the
/// StylusDeployer (create + activate + constructor in one transaction each, so that no
/// constructor is ever left open), wires their trusted addresses, seeds the capital pool, admits
/// the founder, mints the genesis supply to it and opens the RAMM's swaps. Governance must
/// hold `seed_eth` plus gas and the founder the joining fee plus gas.
///
/// Re-runnable: a contract already at its CREATE2 address with the same code is kept, and wiring
/// steps `progress` reports as done are skipped, as are the seed, the founder's join and the
/// genesis mint when the chain shows them done (a run that stopped between sending one and
/// recording it must not seed, join or mint twice).
///
/// # Errors
/// [`DeployFailure`] naming the contract or wiring step that failed, or a progress record that
/// could not be kept.
pub fn deploy(
    chain: &mut dyn Chain,
    config: &DeployConfig,
    progress: &mut dyn Progress,
) -> Result<(Protocol, Vec<DeployStep>), DeployFailure> {
    let root = workspace_root();
    let gov = config.governance.address();
    chain.add_signer(&config.governance);
    chain.add_signer(&config.founder);
    let mut steps = Vec::new();
    let record = |chain: &mut dyn Chain,
                  progress: &mut dyn Progress,
                  steps: &mut Vec<DeployStep>,
                  step: DeployStep| {
        progress
            .completed(&step, chain.block_number())
            .map_err(|why| DeployFailure::Record {
                step: step.name.clone(),
                why,
            })?;
        steps.push(step);
        Ok::<_, DeployFailure>(())
    };
    let mut addresses = [Address::ZERO; CONTRACTS.len()];
    let launch = &config.ramm;
    let day_secs = config.cover.day_secs;
    let nft = |i: usize| {
        let (_, name, symbol, base_uri) = NFT_COLLECTIONS[i];
        (
            name.to_string(),
            symbol.to_string(),
            base_uri.to_string(),
            gov,
        )
            .abi_encode_params()
    };
    // A contract's constructor arguments; `deployed` holds the addresses of the contracts
    // before it in `CONTRACTS` (a viewer is told the contract it reads).
    let constructor_args = |name: &str, deployed: &[Address]| -> Vec<u8> {
        let address_of = |wanted: &str| {
            let index = CONTRACTS.iter().position(|(n, _)| *n == wanted);
            deployed[index.expect("a deployment named in CONTRACTS")]
        };
        match name {
            "nxm-token" | "cover-products" | "pool-registry" => (gov,).abi_encode_params(),
            "membership" => (gov, config.kyc.address()).abi_encode_params(),
            "capital-pool" => (gov, config.mcr_floor_eth).abi_encode_params(),
            "ramm" => (
                gov,
                launch.day_secs,
                launch.eth_reserve,
                launch.budget_eth,
                launch.spot_price_a,
                launch.spot_price_b,
            )
                .abi_encode_params(),
            "cover-nft" => nft(0),
            "stake-nft" => nft(1),
            // Governance's first argument is its initializer (the deployer, once).
            "staking-pool" | "staking-products" | "cover" | "assessment" | "claims"
            | "governance" => (gov, day_secs).abi_encode_params(),
            "staking-viewer" => (address_of("staking-pool"),).abi_encode_params(),
            "cover-viewer" => (address_of("cover"),).abi_encode_params(),
            other => unreachable!("no constructor arguments for {other}"),
        }
    };
    for (index, (name, package)) in CONTRACTS.into_iter().enumerate() {
        let built =
            stylus_build::load_or_build(&root, package).map_err(|source| DeployFailure::Build {
                package: package.into(),
                source,
            })?;
        let args = constructor_args(name, &addresses[..index]);
        let init_data: Bytes = [CONSTRUCTOR_SELECTOR.as_slice(), &args].concat().into();
        let salt = keccak256([config.salt.as_slice(), name.as_bytes()].concat());
        // CREATE2 (the salt, a keccak digest, is not zero; the nonce only serves CREATE).
        let predicted = deployed_address(&deploy_init_code(&built.code), &init_data, salt, 0);
        let codehash = keccak256(&built.code);
        let step = format!("deploy {name} (create + activate + constructor)");
        let existing = chain.code(predicted);
        let gas_used = if existing.is_empty() {
            let deployed = chain
                .deploy_program(gov, &built.code, init_data, U256::ZERO, salt)
                .map_err(|outcome| DeployFailure::Deploy {
                    package: package.into(),
                    outcome,
                })?;
            if deployed.address != predicted {
                return Err(DeployFailure::Record {
                    step,
                    why: format!(
                        "the StylusDeployer created {} where {predicted} was predicted",
                        deployed.address
                    ),
                });
            }
            Some(deployed.outcome.gas_used)
        } else if keccak256(&existing) == codehash {
            None
        } else {
            return Err(DeployFailure::Record {
                step,
                why: format!("{predicted} holds other code than this build of {package}"),
            });
        };
        addresses[index] = predicted;
        record(
            chain,
            progress,
            &mut steps,
            DeployStep {
                name: step,
                gas_used,
                contract: Some(DeployedContract {
                    name,
                    package,
                    address: predicted,
                    codehash,
                    code_bytes: built.code.len(),
                }),
            },
        )?;
    }
    let protocol = Protocol::at(&addresses);
    let Protocol {
        nxm_token,
        membership,
        capital_pool,
        ramm,
        cover_nft,
        stake_nft,
        cover_products,
        staking_pool,
        staking_products,
        cover,
        pool_registry,
        assessment,
        claims,
        governance,
        ..
    } = protocol;

    let founder = config.founder.address();
    let deadline = U256::from(chain.timestamp() + 3_600);
    let approval = IMembership::joinCall {
        member: founder,
        nonce: U256::ZERO,
        deadline,
        signature: config
            .kyc
            .approve(chain.chain_id(), membership, founder, U256::ZERO, deadline),
    };
    let genesis = config.genesis_supply_nxm();
    let operator = |enabled| INxmToken::setOperatorCall {
        operator: gov,
        enabled,
    };
    let product_steps: Vec<String> = LAUNCH_PRODUCTS
        .iter()
        .enumerate()
        .map(|(id, (name, ..))| format!("cover-products: product {id} ({name})"))
        .collect();
    let mut wiring: Vec<(&str, Address, Address, Bytes, U256, OnChain)> = vec![
        (
            "nxm-token.setMembership",
            gov,
            nxm_token,
            INxmToken::setMembershipCall { membership }
                .abi_encode()
                .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "nxm-token.setOperator(ramm)",
            gov,
            nxm_token,
            INxmToken::setOperatorCall {
                operator: ramm,
                enabled: true,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "nxm-token.setOperator(staking-pool)",
            gov,
            nxm_token,
            INxmToken::setOperatorCall {
                operator: staking_pool,
                enabled: true,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "nxm-token.setOperator(cover)",
            gov,
            nxm_token,
            INxmToken::setOperatorCall {
                operator: cover,
                enabled: true,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "nxm-token.setOperator(assessment)",
            gov,
            nxm_token,
            INxmToken::setOperatorCall {
                operator: assessment,
                enabled: true,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "nxm-token.setOperator(claims)",
            gov,
            nxm_token,
            INxmToken::setOperatorCall {
                operator: claims,
                enabled: true,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "nxm-token.setOperator(governance)",
            gov,
            nxm_token,
            INxmToken::setOperatorCall {
                operator: governance,
                enabled: true,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "membership.setContracts",
            gov,
            membership,
            IMembership::setContractsCall {
                nxmToken: nxm_token,
                capitalPool: capital_pool,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "capital-pool.setContracts",
            gov,
            capital_pool,
            ICapitalPool::setContractsCall {
                nxmToken: nxm_token,
                ramm,
                cover,
                claims,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "ramm.setContracts",
            gov,
            ramm,
            IRamm::setContractsCall {
                nxmToken: nxm_token,
                capitalPool: capital_pool,
                membership,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "cover-nft.setMinter(cover)",
            gov,
            cover_nft,
            IPositionNft::setMinterCall { minter: cover }
                .abi_encode()
                .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "stake-nft.setMinter(staking-pool)",
            gov,
            stake_nft,
            IPositionNft::setMinterCall {
                minter: staking_pool,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "cover-products.setContracts",
            gov,
            cover_products,
            ICoverProducts::setContractsCall {
                membership,
                stakingPool: staking_pool,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "staking-pool.setContracts",
            gov,
            staking_pool,
            IStakingPool::setContractsCall {
                nxmToken: nxm_token,
                stakeNft: stake_nft,
                stakingProducts: staking_products,
                cover,
                poolRegistry: pool_registry,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "pool-registry.setContracts",
            gov,
            pool_registry,
            IPoolRegistry::setContractsCall {
                nxmToken: nxm_token,
                stakingPool: staking_pool,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "staking-products.setContracts",
            gov,
            staking_products,
            IStakingProducts::setContractsCall {
                stakingPool: staking_pool,
                coverProducts: cover_products,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "cover.setContracts",
            gov,
            cover,
            ICover::setContractsCall {
                nxmToken: nxm_token,
                ramm,
                capitalPool: capital_pool,
                coverProducts: cover_products,
                stakingPool: staking_pool,
                coverNft: cover_nft,
                claims,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "assessment.setContracts",
            gov,
            assessment,
            IAssessment::setContractsCall {
                nxmToken: nxm_token,
                claims,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "claims.setContracts",
            gov,
            claims,
            IClaims::setContractsCall {
                nxmToken: nxm_token,
                ramm,
                capitalPool: capital_pool,
                cover,
                coverNft: cover_nft,
                assessment,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "membership.registerStateHolder(assessment)",
            gov,
            membership,
            IMembership::registerStateHolderCall { holder: assessment }
                .abi_encode()
                .into(),
            U256::ZERO,
            OnChain::StateHolder(assessment),
        ),
        (
            "membership.registerStateHolder(claims)",
            gov,
            membership,
            IMembership::registerStateHolderCall { holder: claims }
                .abi_encode()
                .into(),
            U256::ZERO,
            OnChain::StateHolder(claims),
        ),
        (
            "membership.registerStateHolder(governance)",
            gov,
            membership,
            IMembership::registerStateHolderCall { holder: governance }
                .abi_encode()
                .into(),
            U256::ZERO,
            OnChain::StateHolder(governance),
        ),
        (
            "membership.registerStateHolder(staking-pool)",
            gov,
            membership,
            IMembership::registerStateHolderCall {
                holder: staking_pool,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::StateHolder(staking_pool),
        ),
        (
            "governance.initialize",
            gov,
            governance,
            IGovernance::initializeCall {
                nxmToken: nxm_token,
                membership,
                protocolContracts: protocol
                    .contracts()
                    .into_iter()
                    .filter(|(name, _)| is_governed(name))
                    .map(|(_, address)| address)
                    .collect(),
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::GovernanceInitialized,
        ),
        (
            "cover-products: product type 0 (protocol)",
            gov,
            cover_products,
            ICoverProducts::setProductTypeCall {
                productTypeId: NEW_ID,
                claimMethod: U256::ZERO,
                gracePeriodSecs: U256::from(config.cover.grace_period_secs),
                metadataUri: "mutual:product-type/protocol".into(),
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::Catalogue {
                types: 1,
                products: 0,
            },
        ),
    ];
    for (id, (name, initial_price_bps, fixed, assets)) in LAUNCH_PRODUCTS.into_iter().enumerate() {
        let call = ICoverProducts::setProductCall {
            productId: NEW_ID,
            productTypeId: U256::ZERO,
            minPriceBps: U256::ZERO,
            initialPriceBps: U256::from(initial_price_bps),
            capacityReductionBps: U256::ZERO,
            coverAssets: U256::from(assets),
            useFixedPrice: fixed,
            isDeprecated: false,
            allowedPools: Vec::new(),
            metadataUri: format!("mutual:product/{name}"),
        };
        wiring.push((
            &product_steps[id],
            gov,
            cover_products,
            call.abi_encode().into(),
            U256::ZERO,
            OnChain::Catalogue {
                types: 1,
                products: id as u64 + 1,
            },
        ));
    }
    wiring.extend([
        (
            "seed the capital pool",
            gov,
            capital_pool,
            Bytes::new(),
            config.seed_eth,
            OnChain::PoolSeeded,
        ),
        (
            "founder joins",
            founder,
            membership,
            approval.abi_encode().into(),
            DEFAULT_JOINING_FEE_ETH,
            OnChain::FounderIsMember,
        ),
        (
            "genesis: governance becomes an operator",
            gov,
            nxm_token,
            operator(true).abi_encode().into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "genesis: mint the genesis supply to the founder",
            gov,
            nxm_token,
            INxmToken::mintCall {
                to: founder,
                amountNxm: genesis,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::GenesisMinted,
        ),
        (
            "genesis: governance stops being an operator",
            gov,
            nxm_token,
            operator(false).abi_encode().into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
        (
            "ramm.setSwapPaused(false): swaps open",
            gov,
            ramm,
            IRamm::setSwapPausedCall { paused: false }
                .abi_encode()
                .into(),
            U256::ZERO,
            OnChain::NotVisible,
        ),
    ]);
    // The handover, last: every governed contract's role goes to the governance contract.
    let governed: Vec<(String, Address)> = protocol
        .contracts()
        .into_iter()
        .filter(|(name, _)| config.hand_over_governance && is_governed(name))
        .map(|(name, address)| (format!("{name}.setGovernance(governance)"), address))
        .collect();
    for (step, address) in &governed {
        wiring.push((
            step,
            gov,
            *address,
            INxmToken::setGovernanceCall {
                newGovernance: governance,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
            OnChain::GovernedBy(*address),
        ));
    }
    for (name, from, to, calldata, value, on_chain) in wiring {
        // A setter whose contract governance already took over ran before the handover (which
        // comes last) and can no longer be sent by the deployer: done.
        let handed_over = |chain: &mut dyn Chain| -> Result<bool, DeployFailure> {
            let handed = governed.iter().any(|&(_, address)| address == to);
            if !(matches!(on_chain, OnChain::NotVisible) && handed) {
                return Ok(false);
            }
            OnChain::GovernedBy(to).is_done(chain, &protocol, config)
        };
        let gas_used = if progress.was_done(name)
            || on_chain.is_done(chain, &protocol, config)?
            || handed_over(chain)?
        {
            None
        } else {
            let outcome = chain.send(from, to, value, calldata);
            check(name, &outcome)?;
            Some(outcome.gas_used)
        };
        record(
            chain,
            progress,
            &mut steps,
            DeployStep {
                name: name.into(),
                gas_used,
                contract: None,
            },
        )?;
    }
    Ok((protocol, steps))
}

/// Whether the deployment named `name` has a governance role (every contract but the viewers
/// and governance itself; all of them share `setGovernance(address)` and `governance()`): the
/// contracts the deployment hands to governance, and the protocol contracts its proposals may
/// target.
pub fn is_governed(name: &str) -> bool {
    !name.ends_with("-viewer") && name != "governance"
}

/// How a wiring step that must not run twice shows on chain — for a run that sent it but stopped
/// before recording it. The setters are harmless to repeat and are not checked.
#[derive(Clone, Copy, Debug)]
enum OnChain {
    /// A setter: repeating it changes nothing.
    NotVisible,
    /// The seed: the capital pool holds at least `seed_eth`.
    PoolSeeded,
    /// The founder's join: the founder is a member.
    FounderIsMember,
    /// The genesis mint: the NXM supply is not zero.
    GenesisMinted,
    /// A member-state holder's registration: membership lists it.
    StateHolder(Address),
    /// Governance's one-time initialization: it knows its token.
    GovernanceInitialized,
    /// A handover: the contract's governance role is the governance contract's.
    GovernedBy(Address),
    /// A catalogue entry (each creates a new id): the catalogue holds at least `types` product
    /// types and `products` products.
    Catalogue {
        /// Product types the step leaves.
        types: u64,
        /// Products the step leaves.
        products: u64,
    },
}

impl OnChain {
    /// Whether the step is visible on chain already.
    ///
    /// # Errors
    /// When a view fails.
    fn is_done(
        self,
        chain: &mut dyn Chain,
        protocol: &Protocol,
        config: &DeployConfig,
    ) -> Result<bool, DeployFailure> {
        Ok(match self {
            Self::NotVisible => false,
            Self::PoolSeeded => chain.balance(protocol.capital_pool) >= config.seed_eth,
            Self::FounderIsMember => view(
                chain,
                "membership.isMember(founder)",
                protocol.membership,
                &IMembership::isMemberCall {
                    account: config.founder.address(),
                },
            )?,
            Self::GenesisMinted => !view(
                chain,
                "nxm-token.totalSupply",
                protocol.nxm_token,
                &INxmToken::totalSupplyCall {},
            )?
            .is_zero(),
            Self::StateHolder(holder) => view(
                chain,
                "membership.stateHolders",
                protocol.membership,
                &IMembership::stateHoldersCall {},
            )?
            .contains(&holder),
            Self::GovernedBy(contract) => {
                view(
                    chain,
                    "governance()",
                    contract,
                    &INxmToken::governanceCall {},
                )? == protocol.governance
            }
            Self::GovernanceInitialized => {
                let (token, _) = view(
                    chain,
                    "governance.contracts",
                    protocol.governance,
                    &IGovernance::contractsCall {},
                )?
                .into();
                !token.is_zero()
            }
            Self::Catalogue { types, products } => {
                let (cover_products, count) = (protocol.cover_products, U256::from);
                view(
                    chain,
                    "cover-products.productTypeCount",
                    cover_products,
                    &ICoverProducts::productTypeCountCall {},
                )? >= count(types)
                    && view(
                        chain,
                        "cover-products.productCount",
                        cover_products,
                        &ICoverProducts::productCountCall {},
                    )? >= count(products)
            }
        })
    }
}

/// Turns a failed outcome into [`DeployFailure::Reverted`].
///
/// # Errors
/// When `outcome.status` is false.
pub fn check(step: &str, outcome: &Outcome) -> Result<(), DeployFailure> {
    if outcome.status {
        return Ok(());
    }
    Err(DeployFailure::Reverted {
        step: step.into(),
        data: outcome.return_data.clone(),
        failure: outcome.failure.clone(),
    })
}

/// A typed transaction's outcome: the decoded return value and the full outcome.
pub struct Tx<R> {
    /// Decoded return value.
    pub value: R,
    /// The outcome (gas, logs).
    pub outcome: Outcome,
}

/// Sends `call` from `from` to `to` with `value_wei` and decodes its return value.
///
/// # Errors
/// [`DeployFailure::Reverted`] (labelled `step`) if the transaction fails or its return data
/// does not decode.
pub fn send<C: SolCall>(
    chain: &mut dyn Chain,
    step: &str,
    from: Address,
    to: Address,
    value_wei: U256,
    call: &C,
) -> Result<Tx<C::Return>, DeployFailure> {
    let outcome = chain.send(from, to, value_wei, call.abi_encode().into());
    check(step, &outcome)?;
    let value =
        C::abi_decode_returns(&outcome.return_data).map_err(|e| DeployFailure::Reverted {
            step: format!("{step} (undecodable return: {e})"),
            data: outcome.return_data.clone(),
            failure: None,
        })?;
    Ok(Tx { value, outcome })
}

/// A view of `to`, decoded.
///
/// # Errors
/// [`DeployFailure::Reverted`] (labelled `step`) if the call reverts or does not decode.
pub fn view<C: SolCall>(
    chain: &mut dyn Chain,
    step: &str,
    to: Address,
    call: &C,
) -> Result<C::Return, DeployFailure> {
    let outcome = chain.call(Address::ZERO, to, call.abi_encode().into());
    check(step, &outcome)?;
    C::abi_decode_returns(&outcome.return_data).map_err(|e| DeployFailure::Reverted {
        step: format!("{step} (undecodable return: {e})"),
        data: outcome.return_data.clone(),
        failure: None,
    })
}

/// A `join` call for `member` carrying the KYC authority's approval (`nonce`, valid until
/// `deadline`) for `protocol`'s membership on `chain`; send it with the joining fee.
pub fn join_call(
    chain: &mut dyn Chain,
    config: &DeployConfig,
    protocol: &Protocol,
    member: Address,
    nonce: U256,
    deadline: U256,
) -> IMembership::joinCall {
    let signature = config.kyc.approve(
        chain.chain_id(),
        protocol.membership,
        member,
        nonce,
        deadline,
    );
    IMembership::joinCall {
        member,
        nonce,
        deadline,
        signature,
    }
}

/// A RAMM `swap` of `nxm_in` NXM for ETH — or, with `nxm_in` zero, of the ETH sent with it for
/// NXM — paying at least `min_out`, valid for ten minutes of the chain's time.
pub fn swap_call(chain: &mut dyn Chain, nxm_in: U256, min_out: U256) -> IRamm::swapCall {
    IRamm::swapCall {
        nxmIn: nxm_in,
        minAmountOut: min_out,
        deadline: U256::from(chain.timestamp() + 600),
    }
}

/// The KYC authority's key: signs `MembershipApproval(member, nonce, deadline)` for one
/// membership contract on one chain (EIP-712; the contract checks the same digest).
#[derive(Clone)]
pub struct KycAuthority {
    key: SigningKey,
}

impl KycAuthority {
    /// The key `keccak256(seed)` (devnet and tests only).
    pub fn from_seed(seed: &[u8]) -> Self {
        Self::from_signer(&signer_of_seed(seed))
    }

    /// The authority holding `signer`'s key.
    pub fn from_signer(signer: &PrivateKeySigner) -> Self {
        Self {
            key: signer.credential().clone(),
        }
    }

    /// The authority's address (what `membership.kycAuthority()` must hold).
    pub fn address(&self) -> Address {
        let point = self.key.verifying_key().to_encoded_point(false);
        Address::from_slice(&keccak256(&point.as_bytes()[1..])[12..])
    }

    /// A 65-byte `r ‖ s ‖ v` approval for `member` (low-s, `v` = 27/28).
    ///
    /// # Panics
    /// If k256 fails to sign a 32-byte prehash, which it does not.
    pub fn approve(
        &self,
        chain_id: u64,
        membership: Address,
        member: Address,
        nonce: U256,
        deadline: U256,
    ) -> Bytes {
        let digest = approval_digest(chain_id, membership, member, nonce, deadline);
        let (signature, recovery) = self
            .key
            .sign_prehash_recoverable(digest.as_slice())
            .expect("prehash signing");
        let mut out = signature.to_bytes().to_vec();
        out.push(27 + recovery.to_byte());
        out.into()
    }
}
