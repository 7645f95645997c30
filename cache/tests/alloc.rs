//! Allocation discipline: hits, misses and steady-state inserts (with an eviction each) never
//! allocate. A counting global allocator counts this thread's allocations only.
#![cfg(all(feature = "lru", feature = "lfu", not(loom)))]

use clientcache::{Cache, LfuPolicy, LruPolicy, Policy};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the allocator also runs while thread-locals are torn down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: forwards every call to `System` unchanged; only counts.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` through this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as `dealloc`, and the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Allocations `f` makes on this thread.
fn allocations_in(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

fn check_policy<P: Policy + Default + Send + Sync>() {
    const CAPACITY: u64 = 1000;
    let cache: Cache<u64, u64, P> = Cache::new(CAPACITY as usize);
    let mut next = 0;
    let mut churn = |cache: &Cache<u64, u64, P>, rounds: u64| {
        for _ in 0..rounds {
            cache.insert(next, next).unwrap(); // evicts once full
            for back in [1, 7, 300] {
                black_box(cache.get(&next.wrapping_sub(back))); // hits, and misses early on
            }
            black_box(cache.get(&u64::MAX)); // a miss
            next += 1;
        }
    };
    // Warm up: the table settles into rehashing in place, the policy's tables reach size.
    churn(&cache, 50 * CAPACITY);
    let steady = allocations_in(|| churn(&cache, 50 * CAPACITY));
    assert_eq!(
        steady,
        0,
        "{}: steady-state operations allocated",
        cache.policy_name()
    );
}

#[test]
fn hits_misses_and_steady_state_inserts_do_not_allocate_under_lru() {
    check_policy::<LruPolicy>();
}

#[test]
fn hits_misses_and_steady_state_inserts_do_not_allocate_under_lfu() {
    check_policy::<LfuPolicy>();
}

#[test]
fn the_counter_sees_allocations() {
    assert!(allocations_in(|| drop(black_box(vec![1u8; 64]))) >= 1);
}
