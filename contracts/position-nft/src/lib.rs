//! Position NFTs: one ERC-721 contract (with the metadata extension and ERC-165), deployed
//! twice: once for covers (minter = the cover contract), once for stake positions (minter = the
//! staking-pool contract).
//!
//! ABI: [`mutual_interfaces::position_nft`] (interface `IPositionNft`, the two
//! `safeTransferFrom` overloads in its `erc721` module, events and errors).
//!
//! # Who may do what
//! * **Holders and their approved accounts**: `transferFrom` and both `safeTransferFrom`
//!   overloads (the owner, the token's approved account, or an operator of the owner);
//!   `approve` (the owner or an operator); `setApprovalForAll` (anyone, for their own tokens).
//!   A receiver need not be a member: covers may be held by anyone (stake positions pay out
//!   only to members, which the staking pool enforces when it pays).
//! * **The minter** (the cover or staking-pool contract): `mint` and `burn`. It starts unset
//!   (zero), and a zero minter admits no one.
//! * **Governance**: `setMinter`, `setBaseUri`, `setGovernance`.
//!
//! # Gas: a mint writes three slots
//! A mint writes the token's owner (a fresh slot), the receiver's balance, and one slot holding
//! the minter, the last id minted and the supply (an address and two 48-bit counters, packed by
//! the SDK): the role check reads that slot anyway, so the counters cost no extra cold access.
//! No enumeration storage: [`PositionNft::tokens_of_owner`] scans `ownerOf` instead, so
//! transfers and mints pay nothing for it. Ids are sequential from 1 up to `2^48 − 1`
//! (2.8·10^14 tokens, far beyond any number of covers or deposits).
//!
//! # Size: texts without `StorageString`
//! The name, symbol and base URI live in one map of words (a length word, then whole data
//! words), written whole and read whole: the SDK's `StorageString` (byte-by-byte pushes, lossy
//! UTF-8 decoding) cost ~4 KB of the 24 KB budget here.
//!
//! # Safe transfers
//! `safeTransferFrom` moves the token first and then, if the receiver holds code, calls its
//! `onERC721Received(operator, from, tokenId, data)` (as OpenZeppelin does); anything but the
//! selector `0x150b7a02` in the first word of the answer, or a revert, reverts the whole transfer
//! with `UnsafeRecipient(receiver)`. The SDK's default reentrancy guard rejects every call back
//! into this contract during that callback (a receiver cannot even read `ownerOf` from it).
//! `mint` does no receiver check (as V2's CoverNFT and StakingNFT do).
//!
//! # Reverts change nothing
//! Every entrypoint performs all of its checks before its first storage write; the only check
//! after the effects is the receiver's answer in `safeTransferFrom`, whose revert the chain
//! rolls back.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]

// The SDK's macros expand to `vec!`.
#[macro_use]
extern crate alloc;
// The global allocator: mini-alloc behind a bound on one allocation (see bounded-alloc).
extern crate bounded_alloc;

use alloc::{string::String, vec::Vec};

use alloy_primitives::{aliases::U48, Address, Bytes, FixedBytes, U256, U64};
use alloy_sol_types::SolCall;
use mutual_interfaces::position_nft::{
    erc721::IErc721Receiver::onERC721ReceivedCall, Approval, ApprovalForAll, BaseUriSet,
    GovernanceChanged, MathOverflow, MinterSet, NonexistentToken, NotAContract, NotOwnerOrApproved,
    Transfer, Unauthorized, UnsafeRecipient, WrongFrom, ZeroAddress,
};
use stylus_sdk::{
    call::call,
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageBool, StorageMap, StorageU64, StorageUint},
};

/// [`PositionNft::texts`]: the collection's name (ERC-721 metadata).
const NAME: u64 = 0;
/// [`PositionNft::texts`]: the collection's symbol (ERC-721 metadata).
const SYMBOL: u64 = 1;
/// [`PositionNft::texts`]: the prefix of every `tokenURI` (followed by the decimal id).
const BASE_URI: u64 = 2;

/// ERC-165's own interface id (`supportsInterface(bytes4)`).
pub const ERC165_INTERFACE_ID: [u8; 4] = [0x01, 0xff, 0xc9, 0xa7];
/// ERC-721's interface id.
pub const ERC721_INTERFACE_ID: [u8; 4] = [0x80, 0xac, 0x58, 0xcd];
/// ERC-721 metadata's interface id (`name`, `symbol`, `tokenURI`).
pub const ERC721_METADATA_INTERFACE_ID: [u8; 4] = [0x5b, 0x5e, 0x13, 0x9f];

/// Every way an entrypoint of the position NFT can fail. Variants are shared across
/// entrypoints and carry the failing values.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum PositionNftError {
    /// The caller lacks the role (minter, governance) the entrypoint requires.
    Unauthorized(Unauthorized),
    /// A zero address where one is not allowed (an owner, a receiver, governance).
    ZeroAddress(ZeroAddress),
    /// A minter without code.
    NotAContract(NotAContract),
    /// The token was never minted, or was burned.
    NonexistentToken(NonexistentToken),
    /// The caller may not transfer or approve the token.
    NotOwnerOrApproved(NotOwnerOrApproved),
    /// A transfer's `from` is not the token's owner.
    WrongFrom(WrongFrom),
    /// A contract receiver refused a safe transfer.
    UnsafeRecipient(UnsafeRecipient),
    /// Every id up to `2^48 − 1` is minted.
    MathOverflow(MathOverflow),
}

/// Shorthand for entrypoint results.
type NftResult<T> = Result<T, PositionNftError>;

/// The position NFT's storage.
#[storage]
#[entrypoint]
pub struct PositionNft {
    /// The owner of each token (zero: never minted, or burned).
    owners: StorageMap<U256, StorageAddress>,
    /// The number of tokens each account holds.
    balances: StorageMap<Address, StorageU64>,
    /// The account approved for each token (zero: none); cleared on every transfer and burn.
    token_approvals: StorageMap<U256, StorageAddress>,
    /// `operator_approvals[owner][operator]`: whether `operator` may move all of `owner`'s tokens.
    operator_approvals: StorageMap<Address, StorageMap<Address, StorageBool>>,
    /// The contract that mints and burns (zero: nobody).
    minter: StorageAddress,
    /// The last id minted (ids run from 1): packed into the minter's slot.
    last_id: StorageUint<48, 1>,
    /// Tokens minted minus tokens burned: packed into the minter's slot.
    supply: StorageUint<48, 1>,
    /// Holder of the governance role.
    governance: StorageAddress,
    /// The three texts (name, symbol, base URI), as words keyed by `text << 32 | index`: word 0
    /// holds the length in bytes, words 1, 2, … the bytes (see [`PositionNft::text`]).
    texts: StorageMap<U256, StorageB256>,
}

#[public]
impl PositionNft {
    /// Sets the collection's name, symbol and base URI and the governance role. No minter is
    /// set: nobody mints until governance calls `setMinter`.
    ///
    /// # Errors
    /// [`PositionNftError::ZeroAddress`] for a zero governance address.
    ///
    /// # Events
    /// [`GovernanceChanged`] (from zero), [`BaseUriSet`].
    #[constructor]
    pub fn constructor(
        &mut self,
        name: String,
        symbol: String,
        base_uri: String,
        governance: Address,
    ) -> NftResult<()> {
        nonzero(governance)?;
        self.set_text(NAME, &name);
        self.set_text(SYMBOL, &symbol);
        self.governance.set(governance);
        self.vm().log(GovernanceChanged {
            previousGovernance: Address::ZERO,
            newGovernance: governance,
        });
        self.store_base_uri(base_uri);
        Ok(())
    }

    // --- ERC-721 ---

    /// The number of tokens `owner` holds.
    ///
    /// # Errors
    /// [`PositionNftError::ZeroAddress`] for the zero address (ERC-721: it holds nothing by
    /// definition).
    pub fn balance_of(&self, owner: Address) -> NftResult<U256> {
        nonzero(owner)?;
        Ok(U256::from(self.balances.get(owner)))
    }

    /// The owner of `token_id`.
    ///
    /// # Errors
    /// [`PositionNftError::NonexistentToken`].
    pub fn owner_of(&self, token_id: U256) -> NftResult<Address> {
        self.existing_owner(token_id)
    }

    /// Moves `token_id` from `from` to `to`, without asking the receiver. The caller must be the
    /// owner, the token's approved account or an operator of the owner; the token's approval is
    /// cleared.
    ///
    /// # Errors
    /// [`PositionNftError::NonexistentToken`]; [`PositionNftError::WrongFrom`] if `from` is not
    /// the owner; [`PositionNftError::ZeroAddress`] for a zero `to`;
    /// [`PositionNftError::NotOwnerOrApproved`] for any other caller.
    ///
    /// # Events
    /// [`Transfer`].
    pub fn transfer_from(&mut self, from: Address, to: Address, token_id: U256) -> NftResult<()> {
        self.transfer(from, to, token_id)
    }

    /// [`transfer_from`](Self::transfer_from), then, if `to` holds code, its
    /// `onERC721Received(caller, from, token_id, "")` must answer `0x150b7a02`.
    ///
    /// # Errors
    /// Those of [`transfer_from`](Self::transfer_from); [`PositionNftError::UnsafeRecipient`]
    /// if the receiver reverts or answers anything else.
    ///
    /// # Events
    /// [`Transfer`].
    #[selector(name = "safeTransferFrom")]
    pub fn safe_transfer_from(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
    ) -> NftResult<()> {
        self.safe_transfer(from, to, token_id, Bytes::new())
    }

    /// [`safe_transfer_from`](Self::safe_transfer_from) passing `data` to the receiver.
    ///
    /// # Errors
    /// Those of [`safe_transfer_from`](Self::safe_transfer_from).
    ///
    /// # Events
    /// [`Transfer`].
    #[selector(name = "safeTransferFrom")]
    pub fn safe_transfer_from_with_data(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: Bytes,
    ) -> NftResult<()> {
        self.safe_transfer(from, to, token_id, data)
    }

    /// Approves `to` for `token_id` (zero clears the approval). The owner or an operator of the
    /// owner only.
    ///
    /// # Errors
    /// [`PositionNftError::NonexistentToken`]; [`PositionNftError::NotOwnerOrApproved`] for any
    /// other caller (the token's approved account cannot pass its approval on).
    ///
    /// # Events
    /// [`Approval`].
    pub fn approve(&mut self, to: Address, token_id: U256) -> NftResult<()> {
        let owner = self.existing_owner(token_id)?;
        let caller = self.vm().msg_sender();
        if caller != owner && !self.is_approved_for_all(owner, caller) {
            return Err(not_owner_or_approved(caller, token_id));
        }
        self.token_approvals.setter(token_id).set(to);
        self.vm().log(Approval {
            owner,
            approved: to,
            tokenId: token_id,
        });
        Ok(())
    }

    /// Gives (`approved`) or takes back `operator`'s right to move and approve all of the
    /// caller's tokens, present and future. Any operator, the zero address included, is
    /// accepted (the zero address never calls).
    ///
    /// # Events
    /// [`ApprovalForAll`].
    pub fn set_approval_for_all(&mut self, operator: Address, approved: bool) {
        let owner = self.vm().msg_sender();
        self.operator_approvals
            .setter(owner)
            .setter(operator)
            .set(approved);
        self.vm().log(ApprovalForAll {
            owner,
            operator,
            approved,
        });
    }

    /// The account approved for `token_id` (zero: none).
    ///
    /// # Errors
    /// [`PositionNftError::NonexistentToken`].
    pub fn get_approved(&self, token_id: U256) -> NftResult<Address> {
        self.existing_owner(token_id)?;
        Ok(self.token_approvals.get(token_id))
    }

    /// Whether `operator` may move and approve all of `owner`'s tokens.
    pub fn is_approved_for_all(&self, owner: Address, operator: Address) -> bool {
        self.operator_approvals.getter(owner).get(operator)
    }

    // --- ERC-721 metadata, ERC-165 ---

    /// The collection's name.
    pub fn name(&self) -> String {
        into_string(self.text(NAME))
    }

    /// The collection's symbol.
    pub fn symbol(&self) -> String {
        into_string(self.text(SYMBOL))
    }

    /// The base URI followed by `token_id` in decimal (`"https://x/7"` for base `"https://x/"`).
    ///
    /// # Errors
    /// [`PositionNftError::NonexistentToken`].
    #[selector(name = "tokenURI")]
    pub fn token_uri(&self, token_id: U256) -> NftResult<String> {
        self.existing_owner(token_id)?;
        let mut uri = self.text(BASE_URI);
        // An existing token's id is at most 2^48 − 1: its low limb is the whole id.
        push_decimal(&mut uri, token_id.as_limbs()[0]);
        Ok(into_string(uri))
    }

    /// ERC-165: true for ERC-165, ERC-721 and ERC-721 metadata, false for anything else
    /// (`0xffffffff` included).
    pub fn supports_interface(&self, interface_id: FixedBytes<4>) -> bool {
        let id = interface_id.0;
        id == ERC165_INTERFACE_ID || id == ERC721_INTERFACE_ID || id == ERC721_METADATA_INTERFACE_ID
    }

    // --- the minter ---

    /// Mints the next id (1, 2, 3, …) to `to` and returns it. Minter only; no receiver check
    /// (as V2's CoverNFT and StakingNFT: the minter knows its receivers).
    ///
    /// # Errors
    /// [`PositionNftError::Unauthorized`]; [`PositionNftError::ZeroAddress`] for a zero `to`;
    /// [`PositionNftError::MathOverflow`] once every id up to `2^48 − 1` is minted.
    ///
    /// # Events
    /// [`Transfer`] from zero.
    pub fn mint(&mut self, to: Address) -> NftResult<U256> {
        self.only(self.minter.get())?;
        nonzero(to)?;
        let one = U48::from(1);
        let id = self
            .last_id
            .get()
            .checked_add(one)
            .ok_or(PositionNftError::MathOverflow(MathOverflow {}))?;
        // The supply never exceeds the last id, so it cannot overflow either.
        let supply = self.supply.get() + one;
        self.last_id.set(id);
        self.supply.set(supply);
        let token_id = U256::from(id);
        self.owners.setter(token_id).set(to);
        self.add_balance(to, true);
        self.vm().log(Transfer {
            from: Address::ZERO,
            to,
            tokenId: token_id,
        });
        Ok(token_id)
    }

    /// Burns `token_id`, whoever holds it, and clears its approval. Minter only.
    ///
    /// # Errors
    /// [`PositionNftError::Unauthorized`]; [`PositionNftError::NonexistentToken`].
    ///
    /// # Events
    /// [`Transfer`] to zero.
    pub fn burn(&mut self, token_id: U256) -> NftResult<()> {
        self.only(self.minter.get())?;
        let owner = self.existing_owner(token_id)?;
        // An existing token makes the supply at least 1.
        let supply = self.supply.get() - U48::from(1);
        self.supply.set(supply);
        self.token_approvals.setter(token_id).set(Address::ZERO);
        self.owners.setter(token_id).set(Address::ZERO);
        self.add_balance(owner, false);
        self.vm().log(Transfer {
            from: owner,
            to: Address::ZERO,
            tokenId: token_id,
        });
        Ok(())
    }

    // --- views for the minter and dApps ---

    /// Whether `spender` may move `token_id`: the owner, the token's approved account, or an
    /// operator of the owner (the zero address never may).
    ///
    /// # Errors
    /// [`PositionNftError::NonexistentToken`].
    pub fn is_approved_or_owner(&self, spender: Address, token_id: U256) -> NftResult<bool> {
        let owner = self.existing_owner(token_id)?;
        Ok(self.may_move(owner, spender, token_id))
    }

    /// Tokens minted minus tokens burned.
    pub fn total_supply(&self) -> U256 {
        U256::from(self.supply.get())
    }

    /// The ids among `[start_id, start_id + count)` that `owner` holds, in order. The range is
    /// cut to the ids minted so far (`[1, last id]`), so a large `count` costs no more than the
    /// minted range; a dApp pages through with successive `start_id`s.
    ///
    /// # Errors
    /// [`PositionNftError::ZeroAddress`] for the zero address (burned ids have owner zero).
    pub fn tokens_of_owner(
        &self,
        owner: Address,
        start_id: U256,
        count: U256,
    ) -> NftResult<Vec<U256>> {
        nonzero(owner)?;
        let last: u64 = self.last_id.get().to();
        let mut ids = Vec::new();
        if start_id <= U256::from(last) {
            // Both ends are at most `last + 1` (≤ 2^48) here: they fit in a u64.
            let start = start_id.as_limbs()[0].max(1);
            let end = start_id.saturating_add(count).min(U256::from(last + 1));
            for id in start..end.as_limbs()[0] {
                let id = U256::from(id);
                if self.owners.get(id) == owner {
                    ids.push(id);
                }
            }
        }
        Ok(ids)
    }

    // --- governance ---

    /// Sets the contract that mints and burns. Governance only. Zero disables minting and
    /// burning (the role then admits no one); a non-zero minter must hold code.
    ///
    /// # Errors
    /// [`PositionNftError::Unauthorized`]; [`PositionNftError::NotAContract`] for a non-zero
    /// address without code.
    ///
    /// # Events
    /// [`MinterSet`].
    pub fn set_minter(&mut self, minter: Address) -> NftResult<()> {
        self.only(self.governance.get())?;
        if !minter.is_zero() && self.vm().code_size(minter) == 0 {
            return Err(PositionNftError::NotAContract(NotAContract {
                account: minter,
            }));
        }
        self.minter.set(minter);
        self.vm().log(MinterSet { minter });
        Ok(())
    }

    /// Sets the prefix of every `tokenURI`. Governance only.
    ///
    /// # Errors
    /// [`PositionNftError::Unauthorized`].
    ///
    /// # Events
    /// [`BaseUriSet`].
    pub fn set_base_uri(&mut self, base_uri: String) -> NftResult<()> {
        self.only(self.governance.get())?;
        self.store_base_uri(base_uri);
        Ok(())
    }

    /// Hands the governance role to `new_governance`. Governance only.
    ///
    /// # Errors
    /// [`PositionNftError::Unauthorized`]; [`PositionNftError::ZeroAddress`] for zero.
    ///
    /// # Events
    /// [`GovernanceChanged`].
    pub fn set_governance(&mut self, new_governance: Address) -> NftResult<()> {
        let previous = self.governance.get();
        self.only(previous)?;
        nonzero(new_governance)?;
        self.governance.set(new_governance);
        self.vm().log(GovernanceChanged {
            previousGovernance: previous,
            newGovernance: new_governance,
        });
        Ok(())
    }

    /// The contract that mints and burns (zero: nobody).
    pub fn minter(&self) -> Address {
        self.minter.get()
    }

    /// The address holding the governance role.
    pub fn governance(&self) -> Address {
        self.governance.get()
    }
}

impl PositionNft {
    /// The owner of `token_id`, or [`PositionNftError::NonexistentToken`] (a zero owner: never
    /// minted, or burned; mints to zero are refused).
    fn existing_owner(&self, token_id: U256) -> NftResult<Address> {
        let owner = self.owners.get(token_id);
        if owner.is_zero() {
            return Err(PositionNftError::NonexistentToken(NonexistentToken {
                tokenId: token_id,
            }));
        }
        Ok(owner)
    }

    /// Whether `spender` is `owner`, approved for `token_id`, or an operator of `owner`.
    fn may_move(&self, owner: Address, spender: Address, token_id: U256) -> bool {
        !spender.is_zero()
            && (spender == owner
                || self.token_approvals.get(token_id) == spender
                || self.is_approved_for_all(owner, spender))
    }

    /// The checks and effects of every transfer.
    fn transfer(&mut self, from: Address, to: Address, token_id: U256) -> NftResult<()> {
        let owner = self.existing_owner(token_id)?;
        if from != owner {
            return Err(PositionNftError::WrongFrom(WrongFrom {
                from,
                owner,
                tokenId: token_id,
            }));
        }
        nonzero(to)?;
        let caller = self.vm().msg_sender();
        if !self.may_move(owner, caller, token_id) {
            return Err(not_owner_or_approved(caller, token_id));
        }
        self.token_approvals.setter(token_id).set(Address::ZERO);
        self.add_balance(from, false);
        self.add_balance(to, true);
        self.owners.setter(token_id).set(to);
        self.vm().log(Transfer {
            from,
            to,
            tokenId: token_id,
        });
        Ok(())
    }

    /// A transfer, then the receiver check: the call goes out after the state is final (the
    /// storage cache is flushed before it), and a refusal reverts the whole transfer.
    fn safe_transfer(
        &mut self,
        from: Address,
        to: Address,
        token_id: U256,
        data: Bytes,
    ) -> NftResult<()> {
        self.transfer(from, to, token_id)?;
        if self.vm().code_size(to) == 0 {
            return Ok(());
        }
        let calldata = receiver_calldata(self.vm().msg_sender(), from, token_id, &data);
        let context = Call::new_mutating(self);
        let accepted = match call(self.vm(), context, to, &calldata) {
            // The answer is a `bytes4`: the selector, left-aligned in a zero-padded word.
            Ok(answer) => {
                answer.len() >= 32
                    && answer[..4] == onERC721ReceivedCall::SELECTOR
                    && answer[4..32].iter().all(|&b| b == 0)
            }
            Err(_) => false,
        };
        if !accepted {
            return Err(PositionNftError::UnsafeRecipient(UnsafeRecipient {
                receiver: to,
            }));
        }
        Ok(())
    }

    /// Adds one token to (`up`) or takes one from `account`'s balance. Neither can wrap: a
    /// balance is at most the supply (< 2^48), and a token is taken only from its owner.
    fn add_balance(&mut self, account: Address, up: bool) {
        let mut balance = self.balances.setter(account);
        let one = U64::from(1);
        let current = balance.get();
        balance.set(if up { current + one } else { current - one });
    }

    /// Stores the base URI and logs it.
    fn store_base_uri(&mut self, base_uri: String) {
        self.set_text(BASE_URI, &base_uri);
        self.vm().log(BaseUriSet { baseUri: base_uri });
    }

    /// The bytes of text `text` ([`NAME`], [`SYMBOL`] or [`BASE_URI`]).
    ///
    /// The SDK's `StorageString` costs ~4 KB of code here (byte-by-byte pushes, lossy UTF-8
    /// decoding); these texts are written whole and read whole, so a length word and whole data
    /// words suffice.
    fn text(&self, text: u64) -> Vec<u8> {
        let len = self.texts.get(text_key(text, 0)).0;
        // Written from a `usize` length: the low 8 bytes hold it.
        let len = u64::from_be_bytes(len[24..].try_into().unwrap_or_default()) as usize;
        let mut bytes = Vec::with_capacity(len);
        let mut index = 1;
        while bytes.len() < len {
            let word = self.texts.get(text_key(text, index)).0;
            let take = (len - bytes.len()).min(32);
            bytes.extend_from_slice(&word[..take]);
            index += 1;
        }
        bytes
    }

    /// Stores `value` as text `text`: its length, then its bytes in whole words (the last one
    /// zero-padded). Words beyond a shorter new value stay as they were, unread.
    fn set_text(&mut self, text: u64, value: &str) {
        let bytes = value.as_bytes();
        self.texts
            .setter(text_key(text, 0))
            .set(U256::from(bytes.len()).into());
        for (index, chunk) in bytes.chunks(32).enumerate() {
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            self.texts
                .setter(text_key(text, index as u64 + 1))
                .set(word.into());
        }
    }

    /// Reverts with [`PositionNftError::Unauthorized`] unless the caller is `role` (a zero role,
    /// one not filled, admits no one).
    fn only(&self, role: Address) -> NftResult<()> {
        let caller = self.vm().msg_sender();
        if role.is_zero() || caller != role {
            return Err(PositionNftError::Unauthorized(Unauthorized { caller }));
        }
        Ok(())
    }
}

/// [`PositionNftError::ZeroAddress`] for the zero address.
fn nonzero(account: Address) -> NftResult<()> {
    if account.is_zero() {
        return Err(PositionNftError::ZeroAddress(ZeroAddress {}));
    }
    Ok(())
}

/// [`PositionNftError::NotOwnerOrApproved`] for `caller` and `token_id`.
fn not_owner_or_approved(caller: Address, token_id: U256) -> PositionNftError {
    PositionNftError::NotOwnerOrApproved(NotOwnerOrApproved {
        caller,
        tokenId: token_id,
    })
}

/// `onERC721Received(operator, from, token_id, data)` ABI-encoded by hand (the selector, three
/// words, the offset of `data` (`0x80`), its length, and its bytes zero-padded to whole words):
/// smaller code than the generic encoder.
fn receiver_calldata(operator: Address, from: Address, token_id: U256, data: &[u8]) -> Vec<u8> {
    let padded = data.len().div_ceil(32) * 32;
    let mut out = Vec::with_capacity(4 + 5 * 32 + padded);
    out.extend_from_slice(&onERC721ReceivedCall::SELECTOR);
    for word in [
        operator.into_word().0,
        from.into_word().0,
        token_id.to_be_bytes::<32>(),
        U256::from(0x80).to_be_bytes::<32>(),
        U256::from(data.len()).to_be_bytes::<32>(),
    ] {
        out.extend_from_slice(&word);
    }
    out.extend_from_slice(data);
    out.resize(4 + 5 * 32 + padded, 0);
    out
}

/// The key of word `index` of text `text` in [`PositionNft::texts`].
fn text_key(text: u64, index: u64) -> U256 {
    U256::from_limbs([index | (text << 32), 0, 0, 0])
}

/// A text read back: it was written from a `str`, so it is valid UTF-8 (the empty string
/// otherwise, which cannot happen).
fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// Appends `value` in decimal (no leading zeros; `0` for zero) to `out`, digit by digit (no
/// `format!`, which costs kilobytes of code). `u64::MAX` has 20 digits.
fn push_decimal(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

#[cfg(test)]
mod tests;
