//! The bounds every hostile input must be refused within: at most [`MAX_LIVE_BYTES`] of heap
//! live at once, and [`MAX_SECONDS`] per input.
//!
//! [`BoundedAllocator`] is the process's global allocator (in the fuzzed binaries and in the
//! replay tests that include this file): it counts the live heap and aborts the process, with a
//! message, as soon as an allocation would take it over the bound. A fuzzer sees the abort as a
//! crash, so an input that makes a reader allocate too much is a finding like a panic.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The most heap live at once while an input is handled: 512 MiB.
pub const MAX_LIVE_BYTES: usize = 512 << 20;
/// The longest an input may take to be handled.
pub const MAX_SECONDS: u64 = 10;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The system allocator with a count of live bytes and an abort over [`MAX_LIVE_BYTES`].
pub struct BoundedAllocator;

impl BoundedAllocator {
    /// Counts `size` more live bytes; aborts if that is over the bound.
    fn grow(size: usize) {
        let live = LIVE.fetch_add(size, Ordering::Relaxed).saturating_add(size);
        PEAK.fetch_max(live, Ordering::Relaxed);
        if live > MAX_LIVE_BYTES {
            over_bound(live, size);
        }
    }

    fn shrink(size: usize) {
        LIVE.fetch_sub(size, Ordering::Relaxed);
    }
}

/// Says what went over the bound, without allocating, and aborts.
#[cold]
fn over_bound(live: usize, size: usize) -> ! {
    let _ = writeln!(
        std::io::stderr(),
        "allocation bound exceeded: an allocation of {size} bytes takes the live heap to \
         {live} bytes, over {MAX_LIVE_BYTES}"
    );
    std::process::abort();
}

// SAFETY: every call is passed on to the system allocator unchanged; only counters are added
// (and the process aborted before an allocation over the bound is made).
unsafe impl GlobalAlloc for BoundedAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Self::grow(layout.size());
        // SAFETY: the caller's layout is passed on as it came.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Self::grow(layout.size());
        // SAFETY: the caller's layout is passed on as it came.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        Self::shrink(layout.size());
        // SAFETY: `ptr` came from this allocator with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            Self::grow(new_size - layout.size());
        } else {
            Self::shrink(layout.size() - new_size);
        }
        // SAFETY: the caller's pointer, layout and size are passed on as they came.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: BoundedAllocator = BoundedAllocator;

/// The most heap that was live at once while `f` ran, beyond what was live before, and what
/// `f` returned.
pub fn peak_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let value = f();
    (value, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

/// Runs `f` on the input of `target`; panics if it took longer than [`MAX_SECONDS`].
pub fn timed<T>(target: &str, f: impl FnOnce() -> T) -> T {
    timed_within(target, Duration::from_secs(MAX_SECONDS), f)
}

/// Runs `f` on the input of `target`; panics if it took longer than `limit`.
pub fn timed_within<T>(target: &str, limit: Duration, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let value = f();
    let took = started.elapsed();
    assert!(
        took <= limit,
        "{target}: an input took {took:?}, over {limit:?}"
    );
    value
}
