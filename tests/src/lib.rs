//! The world every end-to-end scenario starts from: the devnet deployment on an embedded devnode
//! (the real WASM of every contract), named accounts, and typed helpers for the member actions
//! the scenarios repeat (join, swap, transfer) and the views they check.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolError, SolEvent};
use mutual_deploy::{address_of_seed, deploy_to_devnode, tokens, DeployConfig, Protocol};
use mutual_interfaces::{
    capital_pool::abi::ICapitalPool,
    membership::{abi::IMembership, DEFAULT_JOINING_FEE_ETH},
    nxm_token::abi::INxmToken,
    ramm::abi::IRamm,
};
use stylus_devnode::{Devnode, Receipt};

/// The deployed protocol on a devnode, with the deployment's parameters and keys.
pub struct World {
    /// The chain.
    pub node: Devnode,
    /// The contracts' addresses.
    pub protocol: Protocol,
    /// The deployment parameters (governance, KYC key, launch values).
    pub config: DeployConfig,
    next_nonce: u64,
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

    /// A deployment with the given parameters.
    ///
    /// # Panics
    /// If the deployment fails.
    pub fn with_config(config: DeployConfig) -> Self {
        let mut node = Devnode::new();
        let (protocol, _) = deploy_to_devnode(&mut node, &config).expect("deployment");
        Self {
            node,
            protocol,
            config,
            next_nonce: 1,
        }
    }

    /// A named account funded with 100 000 ETH.
    pub fn account(&mut self, name: &str) -> Address {
        let account = address_of_seed(name.as_bytes());
        self.node.fund(account, tokens(100_000));
        account
    }

    /// A fresh KYC approval for `member`, valid for an hour.
    pub fn approval(&mut self, member: Address) -> IMembership::joinCall {
        let nonce = U256::from(self.next_nonce);
        self.next_nonce += 1;
        let deadline = U256::from(self.node.timestamp() + 3_600);
        let signature = self.config.kyc.approve(
            self.node.chain_id(),
            self.protocol.membership,
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

    /// Sends `call` from `from` to `to` with `value` wei.
    pub fn send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
        call: &C,
    ) -> Receipt {
        self.node.send(from, to, value, call.abi_encode())
    }

    /// A view of `to`, decoded.
    ///
    /// # Panics
    /// If the call reverts.
    pub fn view<C: SolCall>(&mut self, to: Address, call: &C) -> C::Return {
        self.node
            .call_sol(Address::ZERO, to, call)
            .unwrap_or_else(|e| panic!("view reverted: {e}"))
    }

    /// `member` joins with a fresh approval and the joining fee.
    ///
    /// # Panics
    /// If the join reverts.
    pub fn join(&mut self, member: Address) -> Receipt {
        let receipt = self.join_tx(member);
        assert!(receipt.status, "join failed: {}", receipt.return_data);
        receipt
    }

    /// `member` tries to join with a fresh approval and the joining fee (the receipt, success
    /// or not).
    pub fn join_tx(&mut self, member: Address) -> Receipt {
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
    ) -> Receipt {
        let call = IRamm::swapCall {
            nxmIn: nxm_in,
            minAmountOut: min_out,
            deadline: U256::from(self.node.timestamp() + 600),
        };
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
        let receipt = self.node.call(
            Address::ZERO,
            self.protocol.ramm,
            IRamm::quoteCall {
                ethIn: eth_in,
                nxmIn: nxm_in,
            }
            .abi_encode(),
        );
        if receipt.status {
            Ok(IRamm::quoteCall::abi_decode_returns(&receipt.return_data).expect("quote returns"))
        } else {
            Err(receipt.return_data)
        }
    }

    /// A transfer of `nxm` NXM from `from` to `to`.
    pub fn transfer_tx(&mut self, from: Address, to: Address, nxm: U256) -> Receipt {
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
    pub fn pool_eth(&self) -> U256 {
        self.node.balance(self.protocol.capital_pool)
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
            updated_at_secs: self.node.timestamp(),
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

    /// Governance sends `call` to `to`; asserts it succeeds.
    ///
    /// # Panics
    /// If it reverts.
    pub fn govern<C: SolCall>(&mut self, to: Address, call: &C) -> Receipt {
        let gov = self.config.governance;
        let receipt = self.send(gov, to, U256::ZERO, call);
        assert!(
            receipt.status,
            "governance call reverted: {}",
            receipt.return_data
        );
        receipt
    }
}

/// Asserts `receipt` reverted with exactly `error`.
///
/// # Panics
/// If it did not.
pub fn reverted_with(receipt: &Receipt, error: impl SolError) {
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
pub fn logged<E: SolEvent>(receipt: &Receipt) -> E {
    let log = receipt
        .logs
        .iter()
        .find(|log| log.topics().first() == Some(&E::SIGNATURE_HASH))
        .expect("the event");
    E::decode_log_data(&log.data).expect("decodes")
}
