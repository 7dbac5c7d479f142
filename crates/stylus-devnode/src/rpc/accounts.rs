//! The server's prefunded dev accounts: keys 0–9 of the standard test mnemonic (BIP-44 path
//! `m/44'/60'/0'/0/i`, the accounts anvil and Hardhat fund too) and the Nitro dev key, so that
//! scripts written for either kind of dev node work unchanged.

use std::sync::OnceLock;

use alloy_primitives::{b256, Address, B256};
use alloy_signer_local::{coins_bip39::English, MnemonicBuilder, PrivateKeySigner};

/// The Nitro dev node's prefunded key (its address is [`crate::CHAIN_OWNER`]).
pub const NITRO_DEV_KEY: B256 =
    b256!("b6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659");
/// The standard test mnemonic the derived dev keys come from.
pub const TEST_MNEMONIC: &str = "test test test test test test test test test test test junk";
/// How many keys are derived from [`TEST_MNEMONIC`].
pub const DERIVED_ACCOUNTS: u32 = 10;

/// A dev account the server can sign for (`eth_sendTransaction`).
#[derive(Debug, Clone)]
pub struct DevAccount {
    /// Its address.
    pub address: Address,
    /// Its key.
    pub signer: PrivateKeySigner,
    /// Where the key comes from (`mnemonic m/44'/60'/0'/0/i` or `nitro dev key`).
    pub origin: String,
}

impl DevAccount {
    /// The private key as 0x-hex.
    pub fn private_key_hex(&self) -> String {
        format!("{}", self.signer.to_bytes())
    }
}

/// The derived accounts followed by the Nitro dev account (derived once per process).
pub fn dev_accounts() -> &'static [DevAccount] {
    static ACCOUNTS: OnceLock<Vec<DevAccount>> = OnceLock::new();
    ACCOUNTS.get_or_init(|| {
        let mut accounts: Vec<DevAccount> = (0..DERIVED_ACCOUNTS)
            .map(|index| {
                let signer = MnemonicBuilder::<English>::default()
                    .phrase(TEST_MNEMONIC)
                    .index(index)
                    .and_then(|builder| builder.build())
                    .unwrap_or_else(|e| unreachable!("the test mnemonic derives: {e}"));
                DevAccount {
                    address: signer.address(),
                    signer,
                    origin: format!("mnemonic m/44'/60'/0'/0/{index}"),
                }
            })
            .collect();
        let nitro = PrivateKeySigner::from_bytes(&NITRO_DEV_KEY)
            .unwrap_or_else(|e| unreachable!("the Nitro dev key is a valid key: {e}"));
        accounts.push(DevAccount {
            address: nitro.address(),
            signer: nitro,
            origin: "nitro dev key".to_string(),
        });
        accounts
    })
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;

    use super::*;

    #[test]
    fn accounts_are_the_well_known_ones() {
        let accounts = dev_accounts();
        assert_eq!(accounts.len(), 11);
        assert_eq!(
            accounts[0].address,
            address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266")
        );
        assert_eq!(
            accounts[1].address,
            address!("70997970C51812dc3A010C7d01b50e0d17dc79C8")
        );
        assert_eq!(accounts[10].address, crate::CHAIN_OWNER);
    }
}
