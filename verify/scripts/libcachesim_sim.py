#!/usr/bin/env python3
"""Replays oracleGeneral traces through libCacheSim's policies; prints one JSON line per run.

The reference side of `clientcache-verify libcachesim` (see verify/README.md): the harness
writes each trace as libCacheSim's oracleGeneral binary (every object size 1), runs this
script with the Python of a virtual environment that has the `libcachesim` package, and
compares the figures with its own replays. Each line has the fields of `sim --json` that a
hit ratio needs: trace, capacity, policy, requests, hits, hit_ratio.

    python3 libcachesim_sim.py --trace OLTP.oracleGeneral --name OLTP.lis.zst \
        --capacity 1000,2000 --policy arc,lirs,2q,clock,sieve,s3fifo,lru

Every libCacheSim policy is built with its defaults (the parameters each of our reference
policies follows) and a cache size in objects (`cache_size=N`, object size 1).
"""

import argparse
import json
import sys

try:
    import libcachesim as lcs
except ImportError as error:  # the harness turns this into its error message
    sys.exit(
        f"cannot import libcachesim ({error}); install it with "
        "`python3 -m venv .venv-lcs && .venv-lcs/bin/pip install libcachesim`"
    )

# Our policy names (`sim --policy`) to libCacheSim's classes.
POLICIES = {
    "lru": lambda size: lcs.LRU(size),
    "arc": lambda size: lcs.ARC(size),
    "lirs": lambda size: lcs.LIRS(size),
    "2q": lambda size: lcs.TwoQ(size),
    "clock": lambda size: lcs.Clock(size),
    "sieve": lambda size: lcs.Sieve(size),
    "s3fifo": lambda size: lcs.S3FIFO(size),
}

RECORD_BYTES = 24  # u32 timestamp, u64 object id, u32 size, i64 next access


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trace", required=True, help="an oracleGeneral file")
    parser.add_argument("--name", help="the trace name to print (default: the path)")
    parser.add_argument("--capacity", required=True, help="cache sizes in objects, a,b,...")
    parser.add_argument("--policy", required=True, help="policies, a,b,... of " + ",".join(POLICIES))
    args = parser.parse_args()

    policies = args.policy.split(",")
    unknown = [p for p in policies if p not in POLICIES]
    if unknown:
        sys.exit(f"unknown policy {unknown[0]!r}; choose from {', '.join(POLICIES)}")
    with open(args.trace, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
    if size == 0 or size % RECORD_BYTES:
        sys.exit(f"{args.trace}: {size} bytes is not a whole, non-empty oracleGeneral trace")
    requests = size // RECORD_BYTES

    reader = lcs.TraceReader(args.trace, trace_type=lcs.TraceType.ORACLE_GENERAL_TRACE)
    for capacity in (int(c) for c in args.capacity.split(",")):
        for policy in policies:
            cache = POLICIES[policy](capacity)
            miss_ratio, _ = cache.process_trace(reader)
            hits = round(requests * (1.0 - miss_ratio))
            line = {
                "trace": args.name or args.trace,
                "capacity": capacity,
                "policy": policy,
                "requests": requests,
                "hits": hits,
                "hit_ratio": round(100.0 * hits / requests, 2),
            }
            print(json.dumps(line, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    main()
