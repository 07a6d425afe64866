#!/usr/bin/env python3
"""Finds incidents that repeat an earlier root cause, sharding the work as Spark or Dask would:
each worker process builds a corpus over its share of the files and returns the corpus's
state; the states are merged and analysed once (docs/corpus.md, "Distributed runs").

    PM_LIBRARY=build/capi/libpostmortem.so PYTHONPATH=bindings/python \\
        python3 examples/python/recurrences.py tests/cli/data/corpus
"""
import concurrent.futures
import functools
import multiprocessing
import pathlib
import sys

import postmortem as pm

# Every shard must judge "overdue" against the same day.
POLICY = {"as_of": "2024-07-01T00:00:00Z"}


def partial(paths: list[str]) -> str:
    """One partition: its files -> one corpus state (JSON text)."""
    with pm.Corpus(policy=POLICY, threads=1) as corpus:
        for path in paths:
            corpus.add_path(path)
        return corpus.to_json()


def merge(a: str, b: str) -> str:
    """Two states -> one state."""
    with pm.Corpus.from_json(a, policy=POLICY) as x, pm.Corpus.from_json(b, policy=POLICY) as y:
        x.merge(y)
        return x.to_json()


def main(roots: list[str], workers: int = 3) -> int:
    files = sorted(str(p) for root in roots for p in pathlib.Path(root).rglob("*")
                   if p.suffix in (".json", ".ndjson", ".jsonl"))
    partitions = [files[i::workers] for i in range(workers)]
    # A process pool that fails (BrokenProcessPool) rather than waits when a worker dies.
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        states = list(pool.map(partial, partitions))
    with pm.Corpus.from_json(functools.reduce(merge, states), policy=POLICY) as corpus:
        stats = corpus.analyze(top=10)
    summary = stats["summary"]
    print(f"{summary['documents']} post-mortems, {summary['bad']} skipped, "
          f"{stats['recurrences']['count']} recurrences")
    for r in stats["recurrences"]["items"]:
        earlier = r["earlier"]
        line = f"{r['incident']} ({r['date']}) repeats {earlier['incident']} ({earlier['date']}): {r['title']}"
        if r["signal"] == "verified_fix_failed":
            fixes = ", ".join(a["id"] for a in earlier["actions"]
                              if (a["verification"] or {}).get("result") == "effective")
            line += f"  <- fixed ({fixes}), verified effective, and it happened again"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["tests/cli/data/corpus"]))
