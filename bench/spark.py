"""Benchmark the record rules on GX's Spark engine against its pandas engine, on a Parquet file.

Usage:
    .venv/bin/python bench/spark.py [--rows 200000] [--master local[2]]

The generator's list (``bench/run.py``'s cached CSV) is written once as Parquet (every column
text, as published) beside it in bench/data/. Then ``fundcheck validate FILE --no-checks`` runs
with ``--engine pandas`` and with ``--engine spark --spark-master MASTER``: wall time, the peak
memory of the process tree (the Spark JVM and its Python workers included: ``run.measure``), and
whether the two report.json hold the same findings. The aggregate checks run in the client
with either engine, so they are left out here (``--no-checks``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from run import PYTHON, dataset, measure


def parquet_copy(csv_path: Path) -> Path:
    """The CSV as Parquet, all columns text (made once)."""
    target = csv_path.with_suffix(".parquet")
    if not target.exists():
        import pandas as pd

        frame = pd.read_csv(csv_path, sep=";", dtype=str, keep_default_na=False)
        frame.to_parquet(target, index=False)
    return target


def findings(report: Path) -> list[object]:
    loaded: list[object] = json.loads(report.read_text(encoding="utf-8"))["findings"]
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="+", type=int, default=[200_000])
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    lines = ["| rows | engine | s | peak MB | exit | findings |", "|---:|---|---:|---:|---:|---:|"]
    notes = []
    for rows in args.rows:
        path = parquet_copy(dataset(rows, 0.05)[0])
        found = {}
        engines = {"pandas": [], "spark": ["--spark-master", args.master]}
        for engine, extra in engines.items():
            with tempfile.TemporaryDirectory() as output:
                command = [PYTHON, "-m", "fundcheck", "validate", str(path), "--no-checks"]
                command += ["--engine", engine, *extra, "--fail-on", "never", "--as-of"]
                command += ["2026-12-04", "--report", "json", "--output", output]
                run = measure(command)
                report = Path(output) / "report.json"
                found[engine] = findings(report) if report.exists() else None
            count = len(found[engine] or [])
            lines.append(
                f"| {rows:,} | {engine} | {run.seconds:.1f} | {run.peak_mb:,.0f} | "
                f"{run.exit_code} | {count:,} |"
            )
            print(lines[-1], file=sys.stderr)
        same = "the same" if found["pandas"] == found["spark"] else "DIFFERENT"
        notes.append(f"{rows:,} rows: the findings of the two engines are {same}.")
    print("\n".join([*lines, "", *notes]))


if __name__ == "__main__":
    main()
