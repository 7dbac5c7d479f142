//! Position NFTs: one ERC-721 contract deployed twice, once for covers (minted by the cover
//! contract) and once for stake positions (minted by the staking-pool contract).
//!
//! Roles:
//! * **holders and their approved operators**: `transferFrom`, `safeTransferFrom`, `approve`,
//!   `setApprovalForAll` (ERC-721);
//! * **the minter contract** (cover or staking pool): `mint` and `burn`;
//! * **governance**: `setMinter`, `setBaseUri`, `setGovernance`.
//!
//! Covers may be held by anyone, members or not; stake positions pay out only to members (the
//! staking contract pays in NXM, which only members receive). Token ids are sequential from 1.
//! `tokenURI(id)` is the base URI followed by the decimal id.

pub use crate::common::{GovernanceChanged, MathOverflow, NotAContract, Unauthorized, ZeroAddress};

crate::contract_interface! {
    interface IPositionNft {
        // ERC-721 (the two `safeTransferFrom` overloads are in `erc721`: `sol_interface!`
        // cannot declare overloads).
        function balanceOf(address owner) external view returns (uint256);
        function ownerOf(uint256 tokenId) external view returns (address);
        function transferFrom(address from, address to, uint256 tokenId) external;
        function approve(address to, uint256 tokenId) external;
        function setApprovalForAll(address operator, bool approved) external;
        function getApproved(uint256 tokenId) external view returns (address);
        function isApprovedForAll(address owner, address operator) external view returns (bool);

        // ERC-721 metadata, ERC-165.
        function name() external view returns (string memory);
        function symbol() external view returns (string memory);
        function tokenURI(uint256 tokenId) external view returns (string memory);
        function supportsInterface(bytes4 interfaceId) external view returns (bool);

        // The minter contract only.
        function mint(address to) external returns (uint256);
        function burn(uint256 tokenId) external;

        // Views for the minter and dApps.
        function isApprovedOrOwner(address spender, uint256 tokenId) external view returns (bool);
        function totalSupply() external view returns (uint256);
        /// The ids among `[startId, startId + count)` that `owner` holds, in order: a scan over
        /// `ownerOf` (no enumeration storage, so transfers and mints pay nothing for it).
        function tokensOfOwner(address owner, uint256 startId, uint256 count) external view returns (uint256[] memory);

        // Governance only. `setMinter(0)` disables minting and burning; a non-zero minter must
        // hold code (`NotAContract`).
        function setMinter(address minter) external;
        function setBaseUri(string calldata baseUri) external;
        function setGovernance(address newGovernance) external;
        function minter() external view returns (address);
        function governance() external view returns (address);
    }
}

/// The ERC-721 entrypoints that `sol_interface!` cannot declare (overloads), as alloy `sol!`
/// types for tests and tools.
pub mod erc721 {
    alloy_sol_types::sol! {
        interface IErc721SafeTransfers {
            function safeTransferFrom(address from, address to, uint256 tokenId) external;
            function safeTransferFrom(address from, address to, uint256 tokenId, bytes calldata data) external;
        }

        /// What a contract receiving a token through `safeTransferFrom` must answer: the
        /// selector of `onERC721Received` (`0x150b7a02`).
        interface IErc721Receiver {
            function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data) external returns (bytes4);
        }
    }
}

crate::contract_items! {
    /// ERC-721: token `tokenId` moved from `from` to `to` (zero on mint and burn).
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);
    /// ERC-721: `owner` approved `approved` for token `tokenId` (zero clears it).
    event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId);
    /// ERC-721: `owner` gave (`approved`) or took back operator rights over all its tokens.
    event ApprovalForAll(address indexed owner, address indexed operator, bool approved);
    /// Governance set the contract that mints and burns.
    event MinterSet(address indexed minter);
    /// Governance set the base of every `tokenURI`.
    event BaseUriSet(string baseUri);

    /// Token `tokenId` does not exist (never minted, or burned).
    #[derive(Debug, PartialEq, Eq)]
    error NonexistentToken(uint256 tokenId);
    /// `caller` is neither the owner of `tokenId`, nor approved for it, nor an operator of the
    /// owner.
    #[derive(Debug, PartialEq, Eq)]
    error NotOwnerOrApproved(address caller, uint256 tokenId);
    /// `from` does not own `tokenId` (its owner is `owner`).
    #[derive(Debug, PartialEq, Eq)]
    error WrongFrom(address from, address owner, uint256 tokenId);
    /// `receiver` is a contract that did not accept the token (`onERC721Received` reverted or
    /// answered something else).
    #[derive(Debug, PartialEq, Eq)]
    error UnsafeRecipient(address receiver);
}
