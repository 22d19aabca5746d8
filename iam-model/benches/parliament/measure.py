#!/usr/bin/env python3
"""Time Parliament on a folder of policies, single-threaded, the way rolewright's bench runs.

Usage (see README.md next to this file):

    python3 -m venv /tmp/parl && /tmp/parl/bin/pip install parliament
    cargo run -p iam-model --release --example bench_corpus -- /tmp/corpus
    /tmp/parl/bin/python iam-model/benches/parliament/measure.py /tmp/corpus

Every `*.json` of the folder is read first (file reading is not timed), then each is given to
`parliament.analyze_policy_string` with Parliament's defaults (core checks, no community
auditors), timed one by one with `time.perf_counter` (wall) and `time.process_time` (CPU).
The loop runs `--rounds` times (default 3); the figures of each round are printed, then the
best round. A policy on which Parliament raises is counted, not fatal.
"""

import argparse
import collections
import pathlib
import statistics
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=pathlib.Path)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    files = sorted(args.folder.glob("*.json"))
    if not files:
        print(f"error: no `*.json` in `{args.folder}`", file=sys.stderr)
        return 2
    policies = [f.read_text() for f in files]

    started = time.perf_counter()
    import parliament  # noqa: E402 (timed: loading its data is part of its cost)

    print(f"parliament {getattr(parliament, '__version__', '?')}: import {time.perf_counter() - started:.2f} s")

    codes = collections.Counter()
    crashes = 0
    rounds = []
    for round_ in range(args.rounds):
        per = []
        cpu_start = time.process_time()
        wall_start = time.perf_counter()
        for text in policies:
            t = time.perf_counter()
            try:
                result = parliament.analyze_policy_string(text)
                if round_ == 0:
                    codes.update(f.issue for f in result.findings)
            except Exception:  # noqa: BLE001 (a crash is a result to count)
                if round_ == 0:
                    crashes += 1
            per.append(time.perf_counter() - t)
        wall = time.perf_counter() - wall_start
        cpu = time.process_time() - cpu_start
        per.sort()
        p95 = per[int(len(per) * 0.95)]
        rounds.append((wall, cpu))
        print(
            f"round {round_ + 1}: {len(policies)} policies, wall {wall:.2f} s "
            f"({wall / len(policies) * 1e3:.3f} ms/policy, median {statistics.median(per) * 1e3:.3f} ms, "
            f"p95 {p95 * 1e3:.3f} ms), CPU {cpu / len(policies) * 1e3:.3f} ms/policy"
        )
    wall, cpu = min(rounds)
    print(
        f"best: {len(policies) / wall:,.0f} policies/s wall ({wall / len(policies) * 1e3:.3f} ms/policy), "
        f"CPU {cpu / len(policies) * 1e3:.3f} ms/policy"
    )
    print(f"findings: {dict(sorted(codes.items()))}; crashes: {crashes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
