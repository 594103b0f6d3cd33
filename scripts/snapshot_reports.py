"""Snapshot the report.json of the demo and of every real list in the tests, to compare two commits.

A refactor must not change what a controller reads. This script runs the default command (checks
included, a fixed ``--as-of`` date) on the embedded demo and on each real file of
``tests/data/realfiles`` and ``tests/data/cper``, and writes one normalised report.json per run
into a folder: the fields that change from run to run (generation time, absolute locations,
version) are removed, everything else is kept as written.

    .venv/bin/python scripts/snapshot_reports.py /tmp/before      # on the old commit
    .venv/bin/python scripts/snapshot_reports.py /tmp/after       # on the new commit
    .venv/bin/python scripts/snapshot_reports.py --compare /tmp/before /tmp/after

``--compare`` prints, per report, whether it is identical and, if not, the first differences;
the exit code is 1 when any report differs.
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FUNDCHECK = Path(sys.executable).parent / "fundcheck"
AS_OF = "2026-04-01"
REAL_FOLDERS = (ROOT / "tests" / "data" / "realfiles", ROOT / "tests" / "data" / "cper")
READABLE = {".csv", ".tsv", ".txt", ".xlsx", ".xls", ".ods", ".parquet"}
VOLATILE = frozenset({"generated_at", "fundcheck_version", "location", "duration_s", "run_id"})
DEMO_VOLATILE = VOLATILE | {"sha256"}  # the demo's CPER workbooks carry their save time


def real_files() -> list[Path]:
    """Every real list the tests read (golden folders and derived fixtures excluded)."""
    files: list[Path] = []
    for folder in REAL_FOLDERS:
        if folder.is_dir():
            files += [p for p in sorted(folder.iterdir()) if p.suffix.lower() in READABLE]
    return files


def normalised(value: Any, volatile: frozenset[str] = VOLATILE) -> Any:
    """The report without the fields that change from run to run."""
    if isinstance(value, dict):
        return {k: normalised(v, volatile) for k, v in value.items() if k not in volatile}
    if isinstance(value, list):
        return [normalised(v, volatile) for v in value]
    return value


def run_one(name: str, args: list[str], out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(FUNDCHECK), *args, "--report", "json", "--output", tmp, "--as-of", AS_OF]
        cmd += ["--fail-on", "never", "--quiet"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        report = Path(tmp) / "report.json"
        if not report.exists():
            sys.stderr.write(f"{name}: no report (exit {done.returncode}) {done.stderr[-500:]}\n")
            (out / f"{name}.json").write_text(
                json.dumps({"exit": done.returncode, "stderr": done.stderr[-500:]}), "utf-8"
            )
            return
        volatile = DEMO_VOLATILE if name == "demo" else VOLATILE
        data = normalised(json.loads(report.read_text("utf-8")), volatile)
        data["exit"] = done.returncode
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        (out / f"{name}.json").write_text(text, "utf-8")
        print(f"{name}: {len(data.get('findings', []))} findings, exit {done.returncode}")


def snapshot(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    run_one("demo", ["demo"], out)
    for path in real_files():
        run_one(path.name, ["validate", str(path)], out)


def compare(before: Path, after: Path) -> int:
    differ = 0
    names = sorted({p.name for p in before.glob("*.json")} | {p.name for p in after.glob("*.json")})
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"{name}: only in {'after' if b.exists() else 'before'}")
            differ += 1
            continue
        left, right = a.read_text("utf-8").splitlines(), b.read_text("utf-8").splitlines()
        if left == right:
            print(f"{name}: identical")
            continue
        differ += 1
        diff = list(difflib.unified_diff(left, right, "before", "after", n=1, lineterm=""))
        print(f"{name}: DIFFERENT ({len(diff)} diff lines)")
        print("\n".join(diff[:40]))
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    if args.compare:
        before, after = args.folders
        return compare(before, after)
    snapshot(args.folders[0])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
