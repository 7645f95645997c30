//! The dict API from two or three threads on overlapping keys, at capacity 1 or 2: every run is
//! explained by a sequential order (results, listener calls, final state, counters), and no
//! entry is lost or duplicated.

use crate::check::{Final, Record, assert_conserved, explain, recording_cache, run_ops};
use clientcache::{LfuPolicy, LruPolicy, Policy};
use clientcache_model::model::ModelPolicy;
use clientcache_model::ops::Op;
use loom::thread;

/// Runs one op list per thread (the last on the model's main thread) on a fresh cache, then
/// checks the run against the sequential orders.
fn model<P: Policy + Default + Send + Sync + 'static>(
    policy: ModelPolicy,
    max_size: usize,
    threads: &'static [&'static [(Op, u64)]],
) {
    loom::model(move || {
        let (cache, log) = recording_cache::<P>(max_size);
        let (last, spawned) = threads.split_last().expect("at least one thread");
        let handles: Vec<_> = spawned
            .iter()
            .map(|&ops| {
                let (cache, log) = (cache.clone(), log.clone());
                thread::spawn(move || run_ops(&cache, &log, ops))
            })
            .collect();
        let mine = run_ops(&cache, &log, last);
        let mut records: Vec<Vec<Record>> =
            handles.into_iter().map(|h| h.join().unwrap()).collect();
        records.push(mine);
        let end = Final::of(&cache);
        explain(policy, max_size, &records, &end);
        assert_conserved(&records, &end);
    });
}

#[test]
fn three_threads_insert_get_remove_overlapping_keys_at_capacity_one_lru() {
    model::<LruPolicy>(
        ModelPolicy::Lru,
        1,
        &[
            &[(Op::Insert(1), 10), (Op::Get(2), 0)],
            &[(Op::Insert(2), 20), (Op::Remove(1), 0)],
            &[(Op::Get(1), 0), (Op::Insert(1), 30)],
        ],
    );
}

#[test]
fn two_threads_hit_and_evict_at_capacity_two_lfu() {
    model::<LfuPolicy>(
        ModelPolicy::Lfu,
        2,
        &[
            &[(Op::Insert(1), 10), (Op::Get(1), 0), (Op::Insert(3), 30)],
            &[(Op::Insert(2), 20), (Op::Get(3), 0), (Op::Insert(1), 40)],
        ],
    );
}

#[test]
fn set_max_size_racing_inserts_evicts_in_some_sequential_order() {
    model::<LruPolicy>(
        ModelPolicy::Lru,
        2,
        &[
            &[(Op::Insert(1), 10), (Op::Insert(2), 20)],
            &[(Op::SetMaxSize(1), 0)],
            &[(Op::Insert(3), 30), (Op::Get(1), 0)],
        ],
    );
}

#[test]
fn pop_victim_racing_remove_and_insert_takes_each_entry_once() {
    model::<LruPolicy>(
        ModelPolicy::Lru,
        2,
        &[
            &[(Op::Insert(1), 10), (Op::PopVictim, 0)],
            &[(Op::Insert(2), 20), (Op::Remove(1), 0), (Op::Insert(1), 11)],
        ],
    );
}

/// `explain` is what makes the models above meaningful: a run it cannot explain must fail.
/// Here the cache runs LRU and the model LFU, on a sequence where they evict differently.
#[test]
#[should_panic(expected = "no sequential order")]
fn explain_rejects_a_run_no_sequential_order_produces() {
    model::<LruPolicy>(
        ModelPolicy::Lfu,
        2,
        &[
            &[(Op::Insert(1), 10), (Op::Get(1), 0), (Op::Get(1), 0)],
            &[(Op::Insert(2), 20), (Op::Get(2), 0), (Op::Insert(3), 30)],
        ],
    );
}
