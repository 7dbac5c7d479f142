//! The world every end-to-end scenario starts from: the devnet deployment (the real WASM of every
//! contract) on one of the chain interface's backends, named accounts, and typed helpers for the
//! member actions the scenarios repeat (join, swap, transfer) and the views they check.
//!
//! The backend comes from the environment, so that every scenario runs on each unchanged:
//! * default: the embedded devnode, in process;
//! * `E2E_BACKEND=rpc`: the devnode's JSON-RPC server, one per world on a free port of
//!   127.0.0.1, driven through alloy's provider (what `scripts/test.sh` runs second);
//! * `RPC_URL=http://…`: an outside node (the devnode server, a Nitro dev node); accounts are
//!   funded by `anvil_setBalance` or from the key in `RPC_FUNDER_KEY` (default: the Nitro dev
//!   key). Run it with `--test-threads=1`: the worlds share the node. Scenarios that move time
//!   are skipped, saying so, on a node without the dev methods.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{SolCall, SolError, SolEvent};
use mutual_deploy::{
    deploy, fund_deployment, join_call, signer_of_seed, swap_call, tokens, Chain, DeployConfig,
    Outcome, Protocol, RpcChain, Unrecorded,
};
use mutual_interfaces::{
    capital_pool::abi::ICapitalPool,
    cover::abi::ICover,
    cover_viewer::abi::ICoverViewer,
    membership::{abi::IMembership, DEFAULT_JOINING_FEE_ETH},
    nxm_token::abi::INxmToken,
    pool_registry::abi::IPoolRegistry,
    ramm::abi::IRamm,
    staking_pool::abi::IStakingPool,
    staking_viewer::abi::IStakingViewer,
};
use stylus_devnode::rpc::{self, RunningServer, ServerConfig};
use stylus_devnode::{rpc::accounts::NITRO_DEV_KEY, Devnode};

/// The deployed protocol on a chain, with the deployment's parameters and keys.
pub struct World {
    /// The chain.
    pub chain: Box<dyn Chain>,
    /// The contracts' addresses.
    pub protocol: Protocol,
    /// The deployment parameters (governance, KYC key, launch values).
    pub config: DeployConfig,
    next_nonce: u64,
    /// The world's own devnode server (`E2E_BACKEND=rpc`), stopped when the world is dropped.
    _server: Option<RunningServer>,
}

/// Which chain the worlds run on (see the crate documentation).
pub fn backend() -> (Box<dyn Chain>, Option<RunningServer>) {
    if let Ok(url) = std::env::var("RPC_URL") {
        let funder = match std::env::var("RPC_FUNDER_KEY") {
            Ok(key) => key
                .trim()
                .parse()
                .expect("RPC_FUNDER_KEY: a 0x-hex private key"),
            Err(_) => PrivateKeySigner::from_bytes(&NITRO_DEV_KEY).expect("the Nitro dev key"),
        };
        let chain = RpcChain::connect(&url, Some(funder)).expect("RPC_URL answers");
        return (Box::new(chain), None);
    }
    match std::env::var("E2E_BACKEND").as_deref() {
        Ok("rpc") => {
            let server = rpc::start(ServerConfig {
                port: 0,
                ..ServerConfig::default()
            })
            .expect("the devnode server starts");
            let funder = PrivateKeySigner::from_bytes(&NITRO_DEV_KEY).expect("the Nitro dev key");
            let chain = RpcChain::connect(&server.url(), Some(funder)).expect("the server answers");
            (Box::new(chain), Some(server))
        }
        Ok("devnode") | Err(_) => (Box::new(Devnode::new()), None),
        Ok(other) => panic!("E2E_BACKEND={other}: expected `devnode` or `rpc`"),
    }
}

/// A CREATE2 salt no other world in any process uses (worlds may share an outside node).
fn unique_salt() -> B256 {
    static WORLDS: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = format!(
        "{}:{}:{nanos}",
        std::process::id(),
        WORLDS.fetch_add(1, Ordering::Relaxed)
    );
    keccak256(seed.as_bytes())
}

impl World {
    /// The devnet deployment with the capital pool seeded with `seed_eth`.
    ///
    /// # Panics
    /// If the deployment fails.
    pub fn new(seed_eth: U256) -> Self {
        Self::with_config(DeployConfig {
            seed_eth,
            ..DeployConfig::default()
        })
    }

    /// A deployment whose governance roles stay with the deployer's key, for scenarios that
    /// set parameters with [`World::govern`] instead of through a 4-day proposal (every other
    /// world ends its deployment with the handover to the governance contract).
    pub fn with_deployer_governance(seed_eth: U256) -> Self {
        Self::with_config(DeployConfig {
            seed_eth,
            hand_over_governance: false,
            ..DeployConfig::default()
        })
    }

    /// A deployment with the given parameters.
    ///
    /// # Panics
    /// If the deployment fails.
    pub fn with_config(config: DeployConfig) -> Self {
        let config = DeployConfig {
            salt: unique_salt(),
            ..config
        };
        let (mut chain, server) = backend();
        fund_deployment(chain.as_mut(), &config).expect("funding the deployment");
        let (protocol, _) = deploy(chain.as_mut(), &config, &mut Unrecorded).expect("deployment");
        Self {
            chain,
            protocol,
            config,
            next_nonce: 1,
            _server: server,
        }
    }

    /// A named account funded with 100 000 ETH (its key is `keccak256(name)`).
    pub fn account(&mut self, name: &str) -> Address {
        let signer = signer_of_seed(name.as_bytes());
        self.chain.add_signer(&signer);
        let account = signer.address();
        self.chain
            .fund(account, tokens(100_000))
            .expect("funding an account");
        account
    }

    /// `account`'s ETH balance.
    pub fn balance(&mut self, account: Address) -> U256 {
        self.chain.balance(account)
    }

    /// The time the next transaction runs at.
    pub fn timestamp(&mut self) -> u64 {
        self.chain.timestamp()
    }

    /// Moves the chain's clock `secs` ahead.
    ///
    /// # Panics
    /// On a node without the dev methods: scenarios that move time start with
    /// [`World::skips_without_time_travel`].
    pub fn advance_time(&mut self, secs: u64) {
        self.chain.advance_time(secs).expect("time travel");
    }

    /// True (after saying so) when the chain cannot move time, so that the calling scenario
    /// returns early: `if w.skips_without_time_travel("…") { return; }`.
    pub fn skips_without_time_travel(&mut self, scenario: &str) -> bool {
        if self.chain.has_dev_methods() {
            return false;
        }
        // Written to the stream itself: libtest captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "skipped: {scenario} (it moves time, which {} cannot: no evm_increaseTime)",
            self.chain.describe()
        );
        true
    }

    /// A fresh KYC approval for `member`, valid for an hour.
    pub fn approval(&mut self, member: Address) -> IMembership::joinCall {
        let nonce = U256::from(self.next_nonce);
        self.next_nonce += 1;
        let deadline = U256::from(self.chain.timestamp() + 3_600);
        join_call(
            self.chain.as_mut(),
            &self.config,
            &self.protocol,
            member,
            nonce,
            deadline,
        )
    }

    /// Sends `call` from `from` to `to` with `value` wei.
    pub fn send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
        call: &C,
    ) -> Outcome {
        self.chain.send(from, to, value, call.abi_encode().into())
    }

    /// A view of `to`, decoded.
    ///
    /// # Panics
    /// If the call reverts.
    pub fn view<C: SolCall>(&mut self, to: Address, call: &C) -> C::Return {
        mutual_deploy::view(self.chain.as_mut(), "a view", to, call)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// `member` joins with a fresh approval and the joining fee.
    ///
    /// # Panics
    /// If the join reverts.
    pub fn join(&mut self, member: Address) -> Outcome {
        let receipt = self.join_tx(member);
        assert!(receipt.status, "join failed: {}", receipt.return_data);
        receipt
    }

    /// `member` tries to join with a fresh approval and the joining fee (the receipt, success
    /// or not).
    pub fn join_tx(&mut self, member: Address) -> Outcome {
        let call = self.approval(member);
        let membership = self.protocol.membership;
        self.send(member, membership, DEFAULT_JOINING_FEE_ETH, &call)
    }

    /// A swap through the RAMM: `eth_in` ETH for NXM or `nxm_in` NXM for ETH, with a minimum
    /// out and a deadline ten minutes ahead.
    pub fn swap_tx(
        &mut self,
        member: Address,
        eth_in: U256,
        nxm_in: U256,
        min_out: U256,
    ) -> Outcome {
        let call = swap_call(self.chain.as_mut(), nxm_in, min_out);
        let ramm = self.protocol.ramm;
        self.send(member, ramm, eth_in, &call)
    }

    /// `member` buys NXM with `eth_in` ETH; returns the NXM received.
    ///
    /// # Panics
    /// If the swap reverts.
    pub fn buy(&mut self, member: Address, eth_in: U256) -> U256 {
        let receipt = self.swap_tx(member, eth_in, U256::ZERO, U256::ZERO);
        assert!(receipt.status, "buy failed: {}", receipt.return_data);
        IRamm::swapCall::abi_decode_returns(&receipt.return_data).expect("swap returns")
    }

    /// `member` sells `nxm_in` NXM; returns the ETH received.
    ///
    /// # Panics
    /// If the swap reverts.
    pub fn sell(&mut self, member: Address, nxm_in: U256) -> U256 {
        let receipt = self.swap_tx(member, U256::ZERO, nxm_in, U256::ZERO);
        assert!(receipt.status, "sell failed: {}", receipt.return_data);
        IRamm::swapCall::abi_decode_returns(&receipt.return_data).expect("swap returns")
    }

    /// The RAMM's quote for `eth_in` ETH or `nxm_in` NXM (`Err` carries the revert).
    pub fn quote(&mut self, eth_in: U256, nxm_in: U256) -> Result<U256, Bytes> {
        let receipt = self.chain.call(
            Address::ZERO,
            self.protocol.ramm,
            IRamm::quoteCall {
                ethIn: eth_in,
                nxmIn: nxm_in,
            }
            .abi_encode()
            .into(),
        );
        if receipt.status {
            Ok(IRamm::quoteCall::abi_decode_returns(&receipt.return_data).expect("quote returns"))
        } else {
            Err(receipt.return_data)
        }
    }

    /// `member`'s `leave()`.
    pub fn leave_tx(&mut self, member: Address) -> Outcome {
        let membership = self.protocol.membership;
        self.send(member, membership, U256::ZERO, &IMembership::leaveCall {})
    }

    /// `member`'s `switchMembership(new_address)`.
    pub fn switch_tx(&mut self, member: Address, new_address: Address) -> Outcome {
        let membership = self.protocol.membership;
        let call = IMembership::switchMembershipCall {
            newAddress: new_address,
        };
        self.send(member, membership, U256::ZERO, &call)
    }

    /// A transfer of `nxm` NXM from `from` to `to`.
    pub fn transfer_tx(&mut self, from: Address, to: Address, nxm: U256) -> Outcome {
        let call = INxmToken::transferCall { to, amountNxm: nxm };
        let token = self.protocol.nxm_token;
        self.send(from, token, U256::ZERO, &call)
    }

    /// `account`'s NXM balance.
    pub fn nxm_balance(&mut self, account: Address) -> U256 {
        let token = self.protocol.nxm_token;
        self.view(token, &INxmToken::balanceOfCall { account })
    }

    /// The NXM supply.
    pub fn nxm_supply(&mut self) -> U256 {
        let token = self.protocol.nxm_token;
        self.view(token, &INxmToken::totalSupplyCall {})
    }

    /// The capital pool's ETH.
    pub fn pool_eth(&mut self) -> U256 {
        let pool = self.protocol.capital_pool;
        self.chain.balance(pool)
    }

    /// The RAMM's state brought to now.
    pub fn ramm_state(&mut self) -> IRamm::stateReturn {
        let ramm = self.protocol.ramm;
        self.view(ramm, &IRamm::stateCall {})
    }

    /// The RAMM's reserves as the math crate sees them in this block (brought to now by the
    /// view), for computing what a swap now must give.
    pub fn ramm_math_state(&mut self) -> mutual_math::ramm::RammState {
        let view = self.ramm_state();
        mutual_math::ramm::RammState {
            eth_reserve: view.ethReserve,
            nxm_reserve_a: view.nxmReserveA,
            nxm_reserve_b: view.nxmReserveB,
            budget_eth: view.budgetEth,
            updated_at_secs: self.chain.timestamp(),
            cumulative_a: U256::ZERO,
            cumulative_b: U256::ZERO,
        }
    }

    /// What buying with `eth_in` ETH gives now, by the math crate.
    ///
    /// # Panics
    /// If the math refuses the swap.
    pub fn expected_buy(&mut self, eth_in: U256) -> U256 {
        let state = self.ramm_math_state();
        mutual_math::ramm::swap_eth_for_nxm(&state, eth_in)
            .expect("buy")
            .1
    }

    /// What selling `nxm_in` NXM gives now, by the math crate.
    ///
    /// # Panics
    /// If the math refuses the swap.
    pub fn expected_sell(&mut self, nxm_in: U256) -> U256 {
        let state = self.ramm_math_state();
        mutual_math::ramm::swap_nxm_for_eth(&state, nxm_in)
            .expect("sale")
            .1
    }

    /// The MCR smoothed up to now.
    pub fn mcr(&mut self) -> U256 {
        let pool = self.protocol.capital_pool;
        self.view(pool, &ICapitalPool::mcrCall {})
    }

    /// The deployer's key, as governance, sends `call` to `to`; asserts it succeeds (in a world
    /// from [`World::with_deployer_governance`]: elsewhere the key holds no role).
    ///
    /// # Panics
    /// If it reverts.
    pub fn govern<C: SolCall>(&mut self, to: Address, call: &C) -> Outcome {
        let gov = self.config.governance.address();
        let receipt = self.send(gov, to, U256::ZERO, call);
        assert!(
            receipt.status,
            "governance call reverted: {}",
            receipt.return_data
        );
        receipt
    }
}

/// A cover purchase as `buyCover` takes it (see [`World::buy_cover_tx`]).
#[derive(Clone, Debug)]
pub struct CoverOrder {
    /// 0 for a new cover, else the original cover id to edit.
    pub cover_id: U256,
    /// Who receives the cover NFT.
    pub owner: Address,
    /// The catalogue's product id.
    pub product_id: u64,
    /// 0 = ETH, 255 = NXM.
    pub cover_asset: u8,
    /// Cover amount in the cover asset (wei).
    pub amount: U256,
    /// Cover period, seconds.
    pub period_secs: u64,
    /// The most the buyer pays, premium plus commission, in the payment asset.
    pub max_premium: U256,
    /// 0 = the cover asset (ETH), 255 = NXM.
    pub payment_asset: u8,
    /// Commission, bps of what the buyer pays.
    pub commission_bps: u16,
    /// Who receives the commission.
    pub commission_destination: Address,
    /// `(pool id, cover amount in the asset)` per pool.
    pub pools: Vec<(u64, U256)>,
}

impl CoverOrder {
    /// A new ETH cover of `amount_eth` on `product_id` for `period_secs` from one pool, paid in
    /// ETH, with no commission and a premium cap of `amount_eth`.
    pub fn eth(
        owner: Address,
        product_id: u64,
        pool_id: u64,
        amount_eth: U256,
        period_secs: u64,
    ) -> Self {
        Self {
            cover_id: U256::ZERO,
            owner,
            product_id,
            cover_asset: 0,
            amount: amount_eth,
            period_secs,
            max_premium: amount_eth,
            payment_asset: 0,
            commission_bps: 0,
            commission_destination: Address::ZERO,
            pools: vec![(pool_id, amount_eth)],
        }
    }

    /// The `buyCover` call.
    pub fn call(&self) -> ICover::buyCoverCall {
        ICover::buyCoverCall {
            params: (
                self.cover_id,
                self.owner,
                U256::from(self.product_id),
                U256::from(self.cover_asset),
                self.amount,
                U256::from(self.period_secs),
                self.max_premium,
                U256::from(self.payment_asset),
                U256::from(self.commission_bps),
                self.commission_destination,
                String::new(),
            ),
            poolAllocations: self
                .pools
                .iter()
                .map(|&(pool, amount)| (U256::from(pool), amount))
                .collect(),
        }
    }
}

impl World {
    /// `manager` creates a pool (fee and max fee in whole percent) listing `products` as
    /// `(product id, target weight, target price bps)`; returns the pool id.
    ///
    /// # Panics
    /// If it reverts.
    pub fn create_pool(
        &mut self,
        manager: Address,
        is_private: bool,
        fee_percent: u64,
        max_fee_percent: u64,
        products: &[(u64, u64, u64)],
    ) -> (U256, Outcome) {
        let call = IPoolRegistry::createPoolCall {
            isPrivate: is_private,
            initialFeePercent: U256::from(fee_percent),
            maxFeePercent: U256::from(max_fee_percent),
            products: products
                .iter()
                .map(|&(id, weight, price)| (U256::from(id), U256::from(weight), U256::from(price)))
                .collect(),
            metadataUri: "ipfs://pool".into(),
        };
        let registry = self.protocol.pool_registry;
        let receipt = self.send(manager, registry, U256::ZERO, &call);
        assert!(receipt.status, "createPool failed: {}", receipt.return_data);
        let id = IPoolRegistry::createPoolCall::abi_decode_returns(&receipt.return_data)
            .expect("createPool returns");
        (id, receipt)
    }

    /// `staker` deposits `amount_nxm` into `tranche_id` of `pool_id` (`token_id` 0: a new
    /// position for the staker); the receipt.
    pub fn deposit_tx(
        &mut self,
        staker: Address,
        pool_id: U256,
        amount_nxm: U256,
        tranche_id: u64,
        token_id: U256,
    ) -> Outcome {
        let call = IStakingPool::depositToCall {
            poolId: pool_id,
            amountNxm: amount_nxm,
            trancheId: U256::from(tranche_id),
            tokenId: token_id,
            destination: staker,
        };
        let staking = self.protocol.staking_pool;
        self.send(staker, staking, U256::ZERO, &call)
    }

    /// `staker` deposits into a new position; returns the position's token id.
    ///
    /// # Panics
    /// If it reverts.
    pub fn deposit(
        &mut self,
        staker: Address,
        pool_id: U256,
        amount_nxm: U256,
        tranche_id: u64,
    ) -> (U256, Outcome) {
        let receipt = self.deposit_tx(staker, pool_id, amount_nxm, tranche_id, U256::ZERO);
        assert!(receipt.status, "depositTo failed: {}", receipt.return_data);
        let id = IStakingPool::depositToCall::abi_decode_returns(&receipt.return_data)
            .expect("depositTo returns");
        (id, receipt)
    }

    /// The current tranche id of the staking pools (91 staking days each).
    pub fn current_tranche(&mut self) -> u64 {
        self.chain.timestamp() / (91 * self.config.cover.day_secs)
    }

    /// `buyer` sends `order` with `value` wei; the receipt.
    pub fn buy_cover_tx(&mut self, buyer: Address, order: &CoverOrder, value: U256) -> Outcome {
        let cover = self.protocol.cover;
        self.send(buyer, cover, value, &order.call())
    }

    /// `buyer` buys `order` sending `value` wei; returns the new cover id.
    ///
    /// # Panics
    /// If it reverts.
    pub fn buy_cover(
        &mut self,
        buyer: Address,
        order: &CoverOrder,
        value: U256,
    ) -> (U256, Outcome) {
        let receipt = self.buy_cover_tx(buyer, order, value);
        assert!(receipt.status, "buyCover failed: {}", receipt.return_data);
        let id = ICover::buyCoverCall::abi_decode_returns(&receipt.return_data)
            .expect("buyCover returns");
        (id, receipt)
    }

    /// `(premium in the cover asset, premium in NXM)` the cover viewer quotes for `order` now.
    pub fn quote_cover(&mut self, order: &CoverOrder) -> (U256, U256) {
        let viewer = self.protocol.cover_viewer;
        let quote = self.view(
            viewer,
            &ICoverViewer::quotePremiumCall {
                productId: U256::from(order.product_id),
                coverAsset: U256::from(order.cover_asset),
                periodSecs: U256::from(order.period_secs),
                poolAllocations: order.call().poolAllocations,
            },
        );
        (quote._0, quote._1)
    }

    /// `(stake, rewards)` position `token_id` could withdraw from `tranche_id` of `pool_id` now.
    pub fn withdrawable(&mut self, pool_id: U256, token_id: U256, tranche_id: u64) -> (U256, U256) {
        let viewer = self.protocol.staking_viewer;
        let out = self.view(
            viewer,
            &IStakingViewer::withdrawableCall {
                poolId: pool_id,
                tokenId: token_id,
                trancheId: U256::from(tranche_id),
            },
        );
        (out._0, out._1)
    }

    /// `owner` withdraws from position `token_id` of `pool_id` in `tranches`; the receipt.
    pub fn withdraw_tx(
        &mut self,
        owner: Address,
        pool_id: U256,
        token_id: U256,
        stake: bool,
        rewards: bool,
        tranches: &[u64],
    ) -> Outcome {
        let call = IStakingPool::withdrawCall {
            poolId: pool_id,
            tokenId: token_id,
            withdrawStake: stake,
            withdrawRewards: rewards,
            trancheIds: tranches.iter().map(|&t| U256::from(t)).collect(),
        };
        let staking = self.protocol.staking_pool;
        self.send(owner, staking, U256::ZERO, &call)
    }
}

/// Asserts `receipt` reverted with exactly `error`.
///
/// # Panics
/// If it did not.
pub fn reverted_with(receipt: &Outcome, error: impl SolError) {
    assert!(!receipt.status, "expected a revert");
    assert_eq!(
        receipt.return_data,
        Bytes::from(error.abi_encode()),
        "revert data"
    );
}

/// The first `E` event in `receipt`, decoded.
///
/// # Panics
/// If there is none.
pub fn logged<E: SolEvent>(receipt: &Outcome) -> E {
    let log = receipt
        .logs
        .iter()
        .find(|log| log.topics().first() == Some(&E::SIGNATURE_HASH))
        .expect("the event");
    E::decode_log_data(&log.data).expect("decodes")
}
