//! [`validate`]: recomputes every invariant of an [`LfuPolicy`] from scratch.

use clientcache_policy_api::{EntryId, InvariantViolation, ensure};

use crate::LfuPolicy;
use crate::list::{NIL, Node};

/// Checks the invariants listed in the [crate docs](crate#implementation): walks the bucket
/// list and each bucket's entry list in both directions, checking link symmetry, ascending
/// frequencies, bucket pointers and that the lists hold exactly the `len` resident ids. O(table
/// size + buckets).
pub(crate) fn validate(lfu: &LfuPolicy) -> Result<(), InvariantViolation> {
    let LfuPolicy {
        nodes,
        buckets,
        first,
        len,
    } = lfu;
    let (first, len) = (*first, *len);
    ensure!(
        nodes.len() <= EntryId::MAX_INDEX + 1,
        "node table has {} slots, more than there are ids",
        nodes.len()
    );
    let resident = nodes.iter().filter(|n| n.is_resident()).count();
    ensure!(
        resident == len,
        "{resident} resident nodes in the table, but len is {len}"
    );
    for (i, n) in nodes.iter().enumerate() {
        ensure!(
            n.is_resident() || *n == Node::VACANT,
            "vacant node {i} is not cleared: {n:?}"
        );
    }
    ensure!(
        (first == NIL) == (len == 0),
        "first bucket is {first} but len is {len}"
    );

    let mut seen = vec![false; nodes.len()];
    let mut listed = 0; // ids found on bucket lists
    let (mut key, mut prev_key, mut prev_freq) = (first, NIL, 0);
    let mut walked = 0; // buckets found on the bucket list
    while key != NIL {
        walked += 1;
        ensure!(
            walked <= buckets.len(),
            "bucket list from {first} is longer than the {} buckets (a cycle?)",
            buckets.len()
        );
        let Some(bucket) = buckets.get(key as usize) else {
            return Err(InvariantViolation::new(format!(
                "bucket list reaches {key}, which is not in the slab"
            )));
        };
        ensure!(
            bucket.prev == prev_key,
            "bucket {key} links back to {} instead of {prev_key}",
            bucket.prev
        );
        ensure!(
            bucket.freq > prev_freq,
            "bucket {key} has frequency {} after frequency {prev_freq}: not strictly ascending \
             from 1",
            bucket.freq
        );
        // The bucket's list, walked both ways ([`List::validate`]); each id on it names this
        // bucket and is on no other list.
        let count = bucket.list.validate(nodes, "bucket")?;
        ensure!(
            count > 0,
            "bucket {key} (frequency {}) is empty",
            bucket.freq
        );
        for at in bucket.list.iter(nodes) {
            let node = nodes[at as usize];
            ensure!(
                node.bucket == key,
                "id {at} is on bucket {key}'s list but points to bucket {}",
                node.bucket
            );
            ensure!(
                !std::mem::replace(&mut seen[at as usize], true),
                "id {at} is listed twice"
            );
        }

        listed += count;
        prev_key = key;
        prev_freq = bucket.freq;
        key = bucket.next;
    }
    ensure!(
        walked == buckets.len(),
        "{} buckets in the slab but {walked} on the list from the first",
        buckets.len()
    );
    ensure!(listed == len, "buckets list {listed} ids but len is {len}");
    Ok(())
}
