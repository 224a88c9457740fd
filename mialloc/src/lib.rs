//! # santei-mialloc — the global allocator of santei's native binaries and benches
//!
//! Job: mimalloc, asked for a plain block whenever every block it hands out is aligned enough
//! (`#[global_allocator] static A: mialloc::Mimalloc = mialloc::Mimalloc;`). Invariant: every
//! block is aligned as its layout asks (tested for alignments 1 to 4,096), and is freed by the
//! call that matches how it was made. Not for WebAssembly (the page uses Rust's own allocator).
//!
//! `mimalloc::MiMalloc` asks for every block through `mi_malloc_aligned`, whose fast path only
//! serves blocks of at most 1 KiB from a page with a free block; any other request (every
//! buffer of more than 1 KiB: a claim's lines, texts, output) takes the generic path and, for
//! a size that is not a power of two, *over-allocates* by the alignment and marks the page as
//! holding interior pointers. Measured with callgrind on 2,000 `scripts/gen-claims.py` claims
//! (2026-12-08): ≈12 of the ≈24 allocations per claim went that way. mimalloc's plain
//! `mi_malloc` gives every block an alignment of at least a word (its size classes are whole
//! words), so a layout aligned to at most a word takes the plain calls; a larger alignment
//! keeps the aligned ones.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment of every block `mi_malloc` returns: a machine word.
const WORD: usize = std::mem::size_of::<usize>();

/// mimalloc through its plain calls where the alignment allows (see the crate's text).
pub struct Mimalloc;

// SAFETY: each method forwards to mimalloc's matching call: `mi_malloc`/`mi_zalloc`/
// `mi_realloc` return blocks aligned to a word (mimalloc's size classes are whole words), used
// only for layouts aligned to at most a word; any other layout goes through the `_aligned`
// calls with its alignment. `mi_free` frees blocks of either kind.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            mi::mi_malloc(layout.size()).cast()
        } else {
            mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.align() <= WORD {
            mi::mi_zalloc(layout.size()).cast()
        } else {
            mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        mi::mi_free(ptr.cast::<c_void>());
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
        } else {
            mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a pattern into `n` bytes at `p`.
    unsafe fn fill(p: *mut u8, n: usize) {
        for i in 0..n {
            *p.add(i) = (i % 251) as u8;
        }
    }

    /// Whether the `n` bytes at `p` hold the pattern of [`fill`].
    unsafe fn holds(p: *const u8, n: usize) -> bool {
        (0..n).all(|i| *p.add(i) == (i % 251) as u8)
    }

    /// Every block is aligned as asked, keeps its bytes when it shrinks or grows, and a zeroed
    /// block is zero: alignments 1 to 4,096, sizes on both sides of mimalloc's 1 KiB fast-path
    /// limit and of a large block.
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        let a = Mimalloc;
        for shift in 0..=12 {
            let align = 1usize << shift;
            for size in [1, 7, 8, 9, 24, 100, 1023, 1024, 1025, 3000, 70_000, 1 << 20] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: non-zero sizes; each block is used within its size, resized with
                // its current layout, and freed once with it.
                unsafe {
                    let mut p = a.alloc(layout);
                    assert!(!p.is_null() && p as usize % align == 0, "{size} {align}");
                    fill(p, size);
                    for new in [size / 2 + 1, size * 3] {
                        let r = a.realloc(p, layout, new);
                        assert!(
                            !r.is_null() && r as usize % align == 0,
                            "{size}→{new} {align}"
                        );
                        assert!(holds(r, size.min(new)), "{size}→{new} {align}");
                        let back = Layout::from_size_align(new, align).unwrap();
                        p = a.realloc(r, back, size);
                        assert!(
                            !p.is_null() && p as usize % align == 0,
                            "{new}→{size} {align}"
                        );
                        assert!(holds(p, size.min(new)), "{new}→{size} {align}");
                        fill(p, size);
                    }
                    a.dealloc(p, layout);
                    let z = a.alloc_zeroed(layout);
                    assert!(
                        !z.is_null() && z as usize % align == 0,
                        "zeroed {size} {align}"
                    );
                    assert!((0..size).all(|i| *z.add(i) == 0), "zeroed {size} {align}");
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
