"""Compare two builds of fundcheck on the same lists: before/after figures for a change.

Usage:
    .venv/bin/python bench/compare.py BEFORE_PYTHON AFTER_PYTHON [--rows 200000 1000000]
                                      [--data generated real] [--repeats 2]

Each python is the interpreter of a checkout's environment (``git worktree add /tmp/old REV &&
(cd /tmp/old && bash scripts/setup.sh)`` gives ``/tmp/old/.venv/bin/python``). For each list
(the cached ones of bench/run.py, made if missing), the default command and ``--no-checks`` run
``--repeats`` times, the two builds alternating so that a slow spell of the machine hits both;
the table gives the median wall time and the median peak memory of the process tree.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from run import dataset, measure, real_dataset

MODES = ("default", "--no-checks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--rows", nargs="+", type=int, default=[200_000, 1_000_000])
    parser.add_argument("--data", nargs="+", choices=("generated", "real"), default=["generated"])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    builds = {"before": args.before, "after": args.after}
    lines = []
    for data in args.data:
        for rows in args.rows:
            path: Path = (real_dataset(rows) if data == "real" else dataset(rows, 0.05))[0]
            for mode in MODES:
                found: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
                for _ in range(args.repeats):
                    for build, python in builds.items():
                        with tempfile.TemporaryDirectory() as out:
                            command = [python, "-m", "fundcheck", "validate", str(path)]
                            command += ["--report", "json", "--output", out, "--fail-on", "never"]
                            command += [] if mode == "default" else [mode]
                            measured = measure(command)
                        found[build].append((measured.seconds, measured.peak_mb))
                        print(data, rows, mode, build, f"{measured.seconds:.1f} s", flush=True)
                median = {
                    build: [statistics.median(run[i] for run in runs) for i in (0, 1)]
                    for build, runs in found.items()
                }
                lines.append(
                    f"| {data} | {rows:,} | {mode} | {median['before'][0]:.1f} | "
                    f"{median['after'][0]:.1f} | {median['before'][1]:,.0f} | "
                    f"{median['after'][1]:,.0f} |"
                )
    print("\n| data | rows | command | before s | after s | before peak MB | after peak MB |")
    print("|---|---:|---|---:|---:|---:|---:|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
