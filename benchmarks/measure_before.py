"""Measure an earlier version of the model on the benchmark's own simulated classes, so that the
report can compare "before" and "now" seed by seed, on the same data.

Run it from the project root (it needs git)::

    .venv/bin/python benchmarks/measure_before.py              # the model before issue 14
    .venv/bin/python benchmarks/measure_before.py --rev HEAD~3 --seeds 3

It exports ``reviews/`` at ``--rev`` into a temporary directory, runs every scenario and
generator family of benchmarks/bench_aggregation.py with that package in place of the current
one (the generators and the metric are today's), and writes the model's RMSE and the mean's,
per seed, to benchmarks/aggregation-before.csv, which benchmarks/report_aggregation.py reads.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "aggregation-before.csv"
BEFORE_REV = "138b001"  # the last commit before issue 14 changed the model


def child(seeds: range, out: Path) -> None:
    """Runs with the old ``reviews`` first on sys.path (set by :func:`main`), imported before
    bench_aggregation puts the project root on the path."""
    import pandas as pd
    import reviews.aggregate  # the old layout of BEFORE_REV

    print(f"model from {reviews.aggregate.__file__}", flush=True)
    from bench_aggregation import SCENARIOS, evaluate, families

    rows = []
    for scenario in SCENARIOS:
        for family in families(scenario):
            for seed in seeds:
                got = {r["method"]: r["rmse"] for r in evaluate(scenario, family, seed)}
                rows.append((scenario.name, family, seed, got["model"], got["mean"]))
        print(f"  {scenario.name}: done", flush=True)
    frame = pd.DataFrame(rows, columns=["scenario", "family", "seed", "model", "mean"])
    frame.to_csv(out, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rev", default=BEFORE_REV)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    if args.child:
        sys.path[:0] = [args.child, str(ROOT / "benchmarks")]
        child(seeds, args.out)
        return
    archive = subprocess.run(["git", "archive", args.rev, "reviews"], cwd=ROOT,
                             check=True, capture_output=True).stdout  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        command = [sys.executable, __file__, "--child", tmp, "--seeds", str(args.seeds),
                   "--first-seed", str(args.first_seed), "--out", str(args.out)]  # fmt: skip
        subprocess.run(command, check=True, cwd=tmp)
    print(f"wrote {args.out} ({args.rev}, seeds {seeds.start}-{seeds.stop - 1})")


if __name__ == "__main__":
    main()
