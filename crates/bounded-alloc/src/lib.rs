//! The global allocator of every contract: [`mini_alloc::MiniAlloc`] (stylus-sdk's default, a
//! bump allocator over fresh, zero-filled WASM pages) behind one bound, [`MAX_ALLOCATION_BYTES`]
//! per allocation.
//!
//! # Why a bound
//! alloy-sol-types decodes a dynamic array by reserving room for the length the calldata
//! states, before it reads the elements. A call of a few hundred bytes stating a length of
//! 2^18 therefore asks for 8 MiB: the memory grow for it costs more gas than any transaction
//! carries, and the call dies out of ink, with all its gas spent and no error to show (found by
//! the security suite's malformed calldata on `productForCover`). Behind the bound the
//! reservation fails, the decoder returns its error, and the router reverts cleanly.
//!
//! The bound is above anything a contract legitimately allocates: a transaction's calldata
//! (the largest buffer, copied whole) is at most 128 KiB on Arbitrum, and the ABI arrays our
//! entrypoints take hold tens of words. An infallible allocation above it (none exists in the
//! contracts) would abort, as the allocator's failure always did.
//!
//! Only wasm32 has the allocator; on the host (unit tests, tools) the crate is empty.
#![no_std]

/// The largest single allocation served, in bytes: 256 KiB, four WASM pages.
pub const MAX_ALLOCATION_BYTES: usize = 4 << 16;

#[cfg(target_arch = "wasm32")]
mod wasm {
    use core::alloc::{GlobalAlloc, Layout};
    use core::ptr::null_mut;

    use mini_alloc::MiniAlloc;

    use super::MAX_ALLOCATION_BYTES;

    /// [`MiniAlloc`] refusing (a null pointer) any allocation above [`MAX_ALLOCATION_BYTES`].
    /// Memory is never reused, so every allocation is zero-filled, as stylus-sdk's host
    /// helpers require.
    pub struct BoundedAlloc;

    // SAFETY: the bound only refuses requests; what is served is MiniAlloc's, whose contract
    // (single-threaded WASM, fresh pages, no reuse) carries over unchanged.
    unsafe impl GlobalAlloc for BoundedAlloc {
        #[inline]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if layout.size() > MAX_ALLOCATION_BYTES {
                return null_mut();
            }
            MiniAlloc::INIT.alloc(layout)
        }

        #[inline]
        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            self.alloc(layout)
        }

        #[inline]
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            MiniAlloc::INIT.dealloc(ptr, layout);
        }
    }

    #[global_allocator]
    static ALLOC: BoundedAlloc = BoundedAlloc;
}
