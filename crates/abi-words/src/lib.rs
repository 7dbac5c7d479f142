//! ABI encoding by words, for contracts that keep one small routine instead of a typed
//! encoder per call, error and event (each typed encoder is a few hundred bytes of WASM).
//!
//! Every call, error and event these routines serve has static fields only — uints, bools and
//! addresses, one 32-byte word each — except that an event may end with one string
//! ([`encode_with_text`]). The ABI encoding of such fields is exactly their words in order, so
//! encoding is concatenation. Each contract's tests decode what it sends, reverts with and logs
//! through the `sol!` types of `mutual-interfaces`, which pins the encodings; this crate's tests
//! check the routines against `alloy-sol-types`.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use core::ops::Deref;

use alloy_primitives::{Address, B256, U256};

/// A 32-byte ABI word: a `U256` (by value or by reference), a `B256`, or an address
/// (left-padded with zeros).
pub trait Word {
    /// The word's 32 big-endian bytes.
    fn be_bytes(&self) -> [u8; 32];
}

impl Word for U256 {
    #[inline]
    fn be_bytes(&self) -> [u8; 32] {
        self.to_be_bytes::<32>()
    }
}

impl Word for &U256 {
    #[inline]
    fn be_bytes(&self) -> [u8; 32] {
        self.to_be_bytes::<32>()
    }
}

impl Word for B256 {
    #[inline]
    fn be_bytes(&self) -> [u8; 32] {
        self.0
    }
}

impl Word for Address {
    #[inline]
    fn be_bytes(&self) -> [u8; 32] {
        self.into_word().0
    }
}

/// `prefix` (a selector, or nothing for event data) followed by `words`, each as a 32-byte
/// big-endian word: the encoding of a call or an error whose arguments are all static, or of an
/// event's non-indexed static fields.
///
/// Generic so that it is compiled in the contract that calls it: a function compiled here
/// would bring its own copy of `Vec`'s growth code into every contract (~450 bytes of WASM;
/// link-time optimisation does not merge the two copies).
#[inline(never)]
pub fn encode<W: Word>(prefix: &[u8], words: &[W]) -> Vec<u8> {
    let mut data = Vec::with_capacity(prefix.len() + 32 * words.len());
    data.extend_from_slice(prefix);
    for word in words {
        data.extend_from_slice(&word.be_bytes());
    }
    data
}

/// Event data: the static fields `words`, then a string `text` as the last field (its offset
/// `32·(words + 1)`, its length, and its bytes zero-padded to a multiple of 32). Generic for
/// the reason [`encode`] is.
#[inline(never)]
pub fn encode_with_text<W: Word>(words: &[W], text: &[u8]) -> Vec<u8> {
    let mut data = encode(&[], words);
    for word in [32 * (words.len() + 1), text.len()] {
        data.extend_from_slice(&U256::from(word).to_be_bytes::<32>());
    }
    data.extend_from_slice(text);
    data.resize(data.len() + text.len().next_multiple_of(32) - text.len(), 0);
    data
}

/// Word `index` of ABI-encoded `data` (a call's return data), zero where `data` is shorter.
#[inline]
pub fn word_at(data: &[u8], index: usize) -> U256 {
    let mut word = [0u8; 32];
    if let Some(bytes) = data.get(32 * index..32 * (index + 1)) {
        word.copy_from_slice(bytes);
    }
    U256::from_be_bytes(word)
}

/// An address as an ABI word (left-padded with zeros).
#[inline]
pub fn address_word(account: Address) -> U256 {
    U256::from_be_bytes(account.into_word().0)
}

/// The topics of a log: the event's signature, then its indexed fields' words (at most three,
/// the ABI's limit for a non-anonymous event; more are ignored).
pub struct Topics {
    words: [B256; 4],
    len: usize,
}

/// [`Topics`] of an event with signature hash `signature` and indexed fields `indexed`.
#[inline]
pub fn topics<W: Word>(signature: B256, indexed: &[W]) -> Topics {
    let mut words = [signature; 4];
    let len = 1 + indexed.len().min(3);
    for (topic, word) in words[1..len].iter_mut().zip(indexed) {
        *topic = B256::from(word.be_bytes());
    }
    Topics { words, len }
}

impl Deref for Topics {
    type Target = [B256];

    #[inline]
    fn deref(&self) -> &[B256] {
        &self.words[..self.len]
    }
}

/// Declares a contract's revert data: `struct $name(Vec<u8>)` holding an encoded `sol!` error
/// (from [`encode`]) or a callee's revert data passed on, its conversion into the entrypoints'
/// `Vec<u8>` error, and — with the contract's `export-abi` feature — the list of the `sol!`
/// errors it reverts with, which the SDK's export-abi prints into the contract's interface.
///
/// One byte vector instead of an enum of the error types: a typed encoder costs ~200 bytes of
/// WASM per error, [`encode`] is compiled once. Expands in the contract's crate, which needs
/// `extern crate alloc`, `stylus-sdk` and `alloy-sol-types` (as every contract has).
///
/// ```ignore
/// abi_words::revert_data! {
///     /// The revert data of a failed entrypoint.
///     pub struct CoverError;
///     errors: [Unauthorized, ZeroAddress, CoverNotFound]
/// }
/// ```
#[macro_export]
macro_rules! revert_data {
    ($(#[$meta:meta])* $vis:vis struct $name:ident; errors: [$($error:ty),+ $(,)?]) => {
        $(#[$meta])*
        $vis struct $name(alloc::vec::Vec<u8>);

        impl From<$name> for alloc::vec::Vec<u8> {
            fn from(error: $name) -> alloc::vec::Vec<u8> {
                error.0
            }
        }

        #[cfg(feature = "export-abi")]
        impl stylus_sdk::abi::export::internal::InnerTypes for $name {
            fn inner_types() -> alloc::vec::Vec<stylus_sdk::abi::export::internal::InnerType> {
                alloc::vec![$(stylus_sdk::abi::export::internal::InnerType {
                    name: alloc::format!(
                        "error {};",
                        <$error as alloy_sol_types::SolError>::SIGNATURE.replace(',', ", ")
                    ),
                    id: core::any::TypeId::of::<$error>(),
                }),+]
            }
        }
    };
}

/// Declares a contract's two raw calls to other contracts, as methods of `$contract` whose
/// failure is `$error` (a [`revert_data!`] type): `call_out` (state-changing, with a value) and
/// `view_call` (static). Both pass a callee's revert data on unchanged and return its answer,
/// which must hold at least `words` words: a shorter one is an empty revert (a trusted contract
/// that does not implement the interface; `0` accepts any answer).
///
/// Each is compiled once (`inline(never)`), where a typed `sol_interface!` call would encode
/// and decode per call site. `call_out` writes the storage cache out and clears it first, and
/// `view_call` writes it out, as the SDK's safe `call` and `static_call` do: a callee that
/// re-enters (an action calling governance) reads what is current, and nothing this contract
/// cached is trusted after a call that could change it. Expands in the contract's crate, which
/// needs `extern crate alloc` and `stylus-sdk` (as every contract has).
///
/// ```ignore
/// abi_words::raw_calls!(Cover, CoverError);
/// ```
#[macro_export]
macro_rules! raw_calls {
    ($contract:ty, $error:ident) => {
        impl $contract {
            /// A state-changing call to `to` with `value` wei; returns its answer (at least
            /// `words` words). The callee's revert data is passed on.
            #[inline(never)]
            fn call_out(
                &mut self,
                to: stylus_sdk::alloy_primitives::Address,
                value: stylus_sdk::alloy_primitives::U256,
                data: &[u8],
                words: usize,
            ) -> Result<alloc::vec::Vec<u8>, $error> {
                // SAFETY: no storage reference lives across the call, and the cache is flushed
                // and cleared first (what the SDK's safe `call` does).
                let answer = unsafe {
                    stylus_sdk::call::RawCall::new_with_value(
                        stylus_sdk::prelude::HostAccess::vm(self),
                        value,
                    )
                    .clear_storage_cache()
                    .call(to, data)
                }
                .map_err($error)?;
                if answer.len() < 32 * words {
                    return Err($error(alloc::vec::Vec::new()));
                }
                Ok(answer)
            }

            /// A static call to `to`; returns its answer (at least `words` words). The
            /// callee's revert data is passed on.
            #[inline(never)]
            fn view_call(
                &self,
                to: stylus_sdk::alloy_primitives::Address,
                data: &[u8],
                words: usize,
            ) -> Result<alloc::vec::Vec<u8>, $error> {
                // SAFETY: a static call cannot change this contract's storage; the cache is
                // flushed first (what the SDK's safe `static_call` does).
                let answer = unsafe {
                    stylus_sdk::call::RawCall::new_static(stylus_sdk::prelude::HostAccess::vm(self))
                        .flush_storage_cache()
                        .call(to, data)
                }
                .map_err($error)?;
                if answer.len() < 32 * words {
                    return Err($error(alloc::vec::Vec::new()));
                }
                Ok(answer)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{string::String, vec::Vec};
    use alloy_sol_types::{sol, SolCall, SolError, SolEvent};

    sol! {
        function pay(address to, uint256 amount, bool all);
        error TooLow(uint256 given, uint256 needed);
        event Named(uint256 indexed id, address indexed by, uint256 value, string name);
        event Plain(address indexed from, uint256 value);
    }

    fn account() -> Address {
        Address::repeat_byte(0xab)
    }

    #[test]
    fn a_call_is_its_selector_then_its_words() {
        let call = payCall {
            to: account(),
            amount: U256::from(7u8),
            all: true,
        };
        let words = [address_word(account()), U256::from(7u8), U256::from(1u8)];
        assert_eq!(encode(&payCall::SELECTOR, &words), call.abi_encode());
    }

    #[test]
    fn an_error_is_its_selector_then_its_words() {
        let error = TooLow {
            given: U256::from(1u8),
            needed: U256::MAX,
        };
        let words = [U256::from(1u8), U256::MAX];
        assert_eq!(encode(&TooLow::SELECTOR, &words), error.abi_encode());
    }

    #[test]
    fn event_data_with_a_trailing_string_of_every_padding() {
        for len in [0usize, 1, 31, 32, 33, 64, 65] {
            let name: String = core::iter::repeat_n('x', len).collect();
            let event = Named {
                id: U256::from(3u8),
                by: account(),
                value: U256::from(9u8),
                name: name.clone(),
            };
            let data = encode_with_text(&[U256::from(9u8)], name.as_bytes());
            assert_eq!(data, event.encode_data(), "length {len}");
            let topics = topics(
                Named::SIGNATURE_HASH,
                &[U256::from(3u8), address_word(account())],
            );
            let decoded = Named::decode_raw_log(topics.iter().copied(), &data).unwrap();
            assert_eq!(decoded.name, name);
            assert_eq!(decoded.by, account());
        }
    }

    #[test]
    fn static_event_data_and_topics() {
        let event = Plain {
            from: account(),
            value: U256::from(5u8),
        };
        let topics = topics(Plain::SIGNATURE_HASH, &[address_word(account())]);
        let expected: Vec<B256> = event
            .encode_topics()
            .iter()
            .map(|t| B256::from(t.0))
            .collect();
        assert_eq!(&*topics, &expected[..]);
        assert_eq!(encode(&[], &[U256::from(5u8)]), event.encode_data());
    }

    #[test]
    fn topics_stop_at_three_indexed_fields() {
        let four = [U256::from(1u8); 4];
        assert_eq!(topics(B256::ZERO, &four).len(), 4);
        assert_eq!(topics::<B256>(B256::ZERO, &[]).len(), 1);
    }

    #[test]
    fn word_at_reads_words_and_zero_fills_short_data() {
        let data = encode(&[], &[U256::from(1u8), U256::from(2u8)]);
        assert_eq!(word_at(&data, 1), U256::from(2u8));
        assert_eq!(word_at(&data, 2), U256::ZERO);
        assert_eq!(word_at(&data[..40], 1), U256::ZERO);
    }
}
