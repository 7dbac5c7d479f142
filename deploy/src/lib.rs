//! Deployment of the mutual's contracts and the helpers every scenario needs.
//!
//! * [`deploy_to_devnode`] builds the contracts (or reuses the cached artifacts), deploys them
//!   into an embedded [`Devnode`], wires their trusted addresses, seeds the capital pool, admits
//!   the founding member, mints the genesis NXM supply to it at the initial book value, and opens
//!   the RAMM's swaps.
//! * [`KycAuthority`] signs membership approvals locally, as the off-chain KYC service would.
//! * [`Tx`] sends a typed call and keeps its receipt (gas, logs) next to the decoded result.
//!
//! The main job (`cargo run -p mutual-deploy`, see `src/main.rs`) and the end-to-end suite
//! (`tests/`) both start from here, so the deployment they exercise is the same.

use std::path::{Path, PathBuf};

use alloy_primitives::{keccak256, Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolValue};
use k256::ecdsa::SigningKey;
use mutual_interfaces::{
    capital_pool::abi::ICapitalPool,
    membership::{abi::IMembership, approval_digest, DEFAULT_JOINING_FEE_ETH},
    nxm_token::abi::INxmToken,
    ramm::abi::IRamm,
};
use stylus_devnode::{Devnode, Receipt};

/// One ETH or NXM in wei.
pub const WAD: u128 = 1_000_000_000_000_000_000;

/// `x` whole tokens in wei.
pub fn tokens(x: u64) -> U256 {
    U256::from(x) * U256::from(WAD)
}

/// The contract crates the protocol deploys, in deployment order.
pub const CONTRACTS: [&str; 4] = ["nxm-token", "membership", "capital-pool", "ramm"];

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
    /// Creating, activating or constructing a contract failed.
    #[error("deploying {package}: {source}")]
    Deploy {
        /// The contract crate.
        package: String,
        /// The devnode's error, with the failing transaction's receipt.
        source: Box<stylus_devnode::DeployError>,
    },
    /// A transaction reverted.
    #[error("{step} reverted: 0x{data} ({error:?})")]
    Reverted {
        /// What was being done.
        step: String,
        /// Revert data (hex).
        data: String,
        /// The failure if it was not a plain revert.
        error: Option<Box<stylus_devnode::ExecError>>,
    },
}

/// Deployment parameters. `Default` is the devnet profile: governance, KYC and founder keys
/// derived from fixed seeds, an MCR floor of 10 000 ETH, a 20 000 ETH seed (MCR% 200 %), a
/// genesis book value of 0.02 ETH per NXM (1 000 000 NXM to the founder), and the RAMM launched
/// with protocol-reference §3b's values at equilibrium (spot A at book value + 1 %, spot B at
/// book value − 1 %).
#[derive(Clone)]
pub struct DeployConfig {
    /// Holds every contract's governance role until a governance contract takes it over.
    pub governance: Address,
    /// Signs membership approvals.
    pub kyc: KycAuthority,
    /// The founding member: joins first and receives the genesis supply.
    pub founder: Address,
    /// The MCR floor, in wei.
    pub mcr_floor_eth: U256,
    /// ETH the deployer puts into the capital pool, in wei.
    pub seed_eth: U256,
    /// Book value the genesis supply is minted at (wei per NXM): genesis supply =
    /// `seed_eth * 1e18 / genesis_book_value_wad`.
    pub genesis_book_value_wad: U256,
    /// The RAMM's launch state and limits.
    pub ramm: RammLaunch,
}

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

impl Default for DeployConfig {
    fn default() -> Self {
        let book_value = U256::from(WAD / 50);
        Self {
            governance: address_of_seed(b"mutual devnet governance"),
            kyc: KycAuthority::from_seed(b"mutual devnet kyc authority"),
            founder: address_of_seed(b"mutual devnet founder"),
            mcr_floor_eth: tokens(10_000),
            seed_eth: tokens(20_000),
            genesis_book_value_wad: book_value,
            ramm: RammLaunch {
                day_secs: 86_400,
                eth_reserve: tokens(5_000),
                budget_eth: tokens(43_835),
                spot_price_a: book_value * U256::from(101) / U256::from(100),
                spot_price_b: book_value * U256::from(99) / U256::from(100),
            },
        }
    }
}

impl DeployConfig {
    /// The genesis NXM supply: `floor(seed_eth * 1e18 / genesis_book_value_wad)`.
    pub fn genesis_supply_nxm(&self) -> U256 {
        self.seed_eth * U256::from(WAD) / self.genesis_book_value_wad
    }
}

/// An address derived from a seed phrase, for named test and demo accounts.
pub fn address_of_seed(seed: &[u8]) -> Address {
    Address::from_slice(&keccak256(seed)[12..])
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
}

/// What one deployment transaction (or group of them) cost.
#[derive(Clone, Debug)]
pub struct DeployStep {
    /// What was done.
    pub name: String,
    /// Gas used.
    pub gas_used: u64,
    /// Deployed code size in bytes, for contract deployments.
    pub code_bytes: Option<usize>,
}

/// Builds (or loads the cached) contracts, deploys them from `config.governance`, wires them
/// and seeds the capital pool. The governance account is funded by the devnode.
///
/// # Errors
/// [`DeployFailure`] naming the contract or wiring step that failed.
pub fn deploy_to_devnode(
    node: &mut Devnode,
    config: &DeployConfig,
) -> Result<(Protocol, Vec<DeployStep>), DeployFailure> {
    let root = workspace_root();
    let gov = config.governance;
    node.fund(gov, config.seed_eth + tokens(1_000));
    let mut steps = Vec::new();
    let mut deploy =
        |node: &mut Devnode, package: &str, args: Vec<u8>| -> Result<Address, DeployFailure> {
            let built = stylus_build::load_or_build(&root, package).map_err(|source| {
                DeployFailure::Build {
                    package: package.into(),
                    source,
                }
            })?;
            let deployed = node
                .deploy(gov, &built.code, Some(&args), U256::ZERO)
                .map_err(|source| DeployFailure::Deploy {
                    package: package.into(),
                    source: Box::new(source),
                })?;
            let gas = deployed.create_gas
                + deployed.activation_gas.unwrap_or(0)
                + deployed.constructor_gas.unwrap_or(0);
            steps.push(DeployStep {
                name: format!("deploy {package} (create + activate + constructor)"),
                gas_used: gas,
                code_bytes: Some(built.code.len()),
            });
            Ok(deployed.address)
        };
    let nxm_token = deploy(node, "nxm-token", (gov,).abi_encode_params())?;
    let membership = deploy(
        node,
        "membership",
        (gov, config.kyc.address()).abi_encode_params(),
    )?;
    let capital_pool = deploy(
        node,
        "capital-pool",
        (gov, config.mcr_floor_eth).abi_encode_params(),
    )?;
    let launch = &config.ramm;
    let ramm = deploy(
        node,
        "ramm",
        (
            gov,
            launch.day_secs,
            launch.eth_reserve,
            launch.budget_eth,
            launch.spot_price_a,
            launch.spot_price_b,
        )
            .abi_encode_params(),
    )?;
    let protocol = Protocol {
        nxm_token,
        membership,
        capital_pool,
        ramm,
    };

    let founder = config.founder;
    node.fund(founder, tokens(1));
    let deadline = U256::from(node.timestamp() + 3_600);
    let approval = IMembership::joinCall {
        member: founder,
        nonce: U256::ZERO,
        deadline,
        signature: config
            .kyc
            .approve(node.chain_id(), membership, founder, U256::ZERO, deadline),
    };
    let genesis = config.genesis_supply_nxm();
    let operator = |enabled| INxmToken::setOperatorCall {
        operator: gov,
        enabled,
    };
    let wiring: Vec<(&str, Address, Address, Bytes, U256)> = vec![
        (
            "nxm-token.setMembership",
            gov,
            nxm_token,
            INxmToken::setMembershipCall { membership }
                .abi_encode()
                .into(),
            U256::ZERO,
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
        ),
        (
            "capital-pool.setContracts",
            gov,
            capital_pool,
            ICapitalPool::setContractsCall {
                nxmToken: nxm_token,
                ramm,
                cover: Address::ZERO,
                claims: Address::ZERO,
            }
            .abi_encode()
            .into(),
            U256::ZERO,
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
        ),
        (
            "seed the capital pool",
            gov,
            capital_pool,
            Bytes::new(),
            config.seed_eth,
        ),
        (
            "founder joins",
            founder,
            membership,
            approval.abi_encode().into(),
            DEFAULT_JOINING_FEE_ETH,
        ),
        (
            "genesis: governance becomes an operator",
            gov,
            nxm_token,
            operator(true).abi_encode().into(),
            U256::ZERO,
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
        ),
        (
            "genesis: governance stops being an operator",
            gov,
            nxm_token,
            operator(false).abi_encode().into(),
            U256::ZERO,
        ),
        (
            "ramm.setSwapPaused(false): swaps open",
            gov,
            ramm,
            IRamm::setSwapPausedCall { paused: false }
                .abi_encode()
                .into(),
            U256::ZERO,
        ),
    ];
    for (name, from, to, calldata, value) in wiring {
        let receipt = node.send(from, to, value, calldata);
        check(name, &receipt)?;
        steps.push(DeployStep {
            name: name.into(),
            gas_used: receipt.gas_used,
            code_bytes: None,
        });
    }
    Ok((protocol, steps))
}

/// Turns a failed receipt into [`DeployFailure::Reverted`].
///
/// # Errors
/// When `receipt.status` is false.
pub fn check(step: &str, receipt: &Receipt) -> Result<(), DeployFailure> {
    if receipt.status {
        return Ok(());
    }
    Err(DeployFailure::Reverted {
        step: step.into(),
        data: receipt
            .return_data
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        error: receipt.error.clone().map(Box::new),
    })
}

/// A typed transaction's outcome: the decoded return value and the full receipt.
pub struct Tx<R> {
    /// Decoded return value.
    pub value: R,
    /// The receipt (gas, logs).
    pub receipt: Receipt,
}

/// Sends `call` from `from` to `to` with `value_wei` and decodes its return value.
///
/// # Errors
/// [`DeployFailure::Reverted`] (labelled `step`) if the transaction fails or its return data
/// does not decode.
pub fn send<C: SolCall>(
    node: &mut Devnode,
    step: &str,
    from: Address,
    to: Address,
    value_wei: U256,
    call: &C,
) -> Result<Tx<C::Return>, DeployFailure> {
    let receipt = node.send(from, to, value_wei, call.abi_encode());
    check(step, &receipt)?;
    let value =
        C::abi_decode_returns(&receipt.return_data).map_err(|e| DeployFailure::Reverted {
            step: format!("{step} (undecodable return: {e})"),
            data: String::new(),
            error: None,
        })?;
    Ok(Tx { value, receipt })
}

/// The KYC authority's key: signs `MembershipApproval(member, nonce, deadline)` for one
/// membership contract on one chain (EIP-712; the contract checks the same digest).
#[derive(Clone)]
pub struct KycAuthority {
    key: SigningKey,
}

impl KycAuthority {
    /// A key derived from a seed phrase (devnet and tests only).
    ///
    /// # Panics
    /// Never in practice: a keccak digest is a valid secp256k1 scalar with overwhelming
    /// probability.
    pub fn from_seed(seed: &[u8]) -> Self {
        Self {
            key: SigningKey::from_slice(keccak256(seed).as_slice())
                .expect("a valid secp256k1 scalar"),
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
