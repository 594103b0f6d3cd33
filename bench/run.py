"""Benchmark fundcheck end to end against a hand-written vectorised pandas pass of the same rules.

Usage:
    .venv/bin/python bench/run.py --rows 10000 200000 1000000 [--data generated real]
                                  [--defect-rate 0.05] [--skip-cli] [--skip-pandas]
                                  [--results bench/RESULTS.md] [--repeats 3]

For each data set and size: make the list once (cached under bench/data/, gitignored):
``generated`` is bench/generate.py (the demo generator's rows with injected defects, keyed by
size, defect rate and a fingerprint of the generator); ``real`` is bench/real_copies.py (copies
of the real 2021-2027 extract in the tests, each copy with its own beneficiaries). Then, in the
same run, as subprocesses, ``--repeats`` times in turn (the medians are shown):
  (a) ``fundcheck validate FILE --no-checks --report json --output DIR`` (record rules only),
  (b) ``fundcheck validate FILE --report json --output DIR`` (the default command), and
  (c) bench/pandas_rules.py FILE (read CSV, normalise, one boolean mask per rule, counts per
      region),
measuring each one's wall time and peak resident memory (``os.wait4`` rusage of that child only).
Prints a table with both ratios to the pandas pass and writes it, with the machine and the
per-rule counts, to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from fundcheck.memory import resident_bytes

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
PYTHON = sys.executable


@dataclass
class Measure:
    seconds: float
    peak_mb: float
    exit_code: int
    stdout: str = ""
    stderr: str = ""


@dataclass
class SizeResult:
    data: str
    rows: int
    file_mb: float
    defective_rows: int
    cli: Measure | None = None
    full: Measure | None = None
    cli_findings: dict[str, int] = field(default_factory=dict)
    pandas: Measure | None = None
    pandas_report: dict[str, object] = field(default_factory=dict)


def _proportional_kib(pid: int) -> int | None:
    """A process's proportional set size (KiB): its private pages plus its share of the pages
    it shares (a forked child's copy-on-write pages count once across the two processes)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _children(pid: int) -> list[int]:
    """The child processes of ``pid`` (all its threads'), from /proc, without scanning every
    process of the machine (a sample must cost the measured run next to nothing)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except (OSError, ValueError):
        pass
    return found


def tree_memory_mb(pid: int) -> float:
    """Memory a process and all its descendants hold now (MB), from /proc: their proportional
    set sizes summed (resident sizes where the kernel gives no PSS)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        pss = _proportional_kib(current)
        total += (
            pss * 1024 if pss is not None else resident_bytes(Path(f"/proc/{current}/statm")) or 0
        )
        todo.extend(_children(current))
    return total / 1e6


def measure(command: list[str]) -> Measure:
    """Run a command; wall time and the peak of the memory its whole process tree holds at once
    (proportional set sizes, sampled every 0.5 s: a forked second process counts with the
    first, the pages they share once)."""
    import threading

    env = {**os.environ, "GX_ANALYTICS_ENABLED": "False"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.5):
                peak[0] = max(peak[0], tree_memory_mb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measure(
            seconds=seconds,
            peak_mb=max(peak[0], usage.ru_maxrss / 1024),  # ru_maxrss: KiB on Linux
            exit_code=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def generator_fingerprint() -> str:
    """Changes whenever the demo generator or its vocabulary changes (cached files go stale)."""
    import hashlib

    from fundcheck import demo

    package = Path(demo.__file__).resolve().parent
    digest = hashlib.sha256()
    for source in sorted([*package.glob("*.py"), *package.glob("*.yaml")]):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:8]


def real_dataset(rows: int) -> tuple[Path, dict[str, object]]:
    """Copies of the real extract (no injected defect: the defects are the publication's)."""
    path = DATA / f"real_copies_{rows}.csv"
    if not path.exists():
        print(f"copying the real extract to {rows:,} rows", file=sys.stderr)
        command = [PYTHON, str(BENCH / "real_copies.py"), str(rows), "--out", str(path)]
        subprocess.run(command, check=True)
    return path, {"defective_rows": 0}


def dataset(rows: int, rate: float) -> tuple[Path, dict[str, object]]:
    path = DATA / f"operations_{rows}_{rate:g}_{generator_fingerprint()}.csv"
    summary = Path(f"{path}.defects.json")
    if not (path.exists() and summary.exists()):
        print(f"generating {rows:,} rows → {path.relative_to(BENCH.parent)}", file=sys.stderr)
        command = [PYTHON, str(BENCH / "generate.py"), str(rows), "--out", str(path)]
        subprocess.run([*command, "--defect-rate", str(rate)], check=True)
    info: dict[str, object] = json.loads(summary.read_text(encoding="utf-8"))
    return path, info


def findings_by_rule(report: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in json.loads(report.read_text(encoding="utf-8"))["findings"]:
        if finding["severity"] != "info":
            counts[finding["rule"]] = counts.get(finding["rule"], 0) + 1
    return counts


def median_of(measures: list[Measure]) -> Measure:
    """The median wall time and the median peak of repeated runs of one command (the output of
    the last run; a failed run shows as the exit code)."""
    failed = [m for m in measures if m.exit_code not in (0, 1)]
    if failed:
        return failed[0]
    last = measures[-1]
    return Measure(
        seconds=statistics.median(m.seconds for m in measures),
        peak_mb=statistics.median(m.peak_mb for m in measures),
        exit_code=last.exit_code,
        stdout=last.stdout,
        stderr=last.stderr,
    )


def run_size(
    data: str, rows: int, rate: float, skip_cli: bool, skip_pandas: bool, repeats: int = 1
) -> SizeResult:
    """The three commands on one list, ``repeats`` times in turn (a slow spell of the machine
    hits them alike), each one's medians."""
    path, info = real_dataset(rows) if data == "real" else dataset(rows, rate)
    result = SizeResult(data, rows, path.stat().st_size / 1e6, int(str(info["defective_rows"])))
    runs: dict[str, list[Measure]] = {"cli": [], "full": [], "pandas": []}
    with tempfile.TemporaryDirectory() as out:
        command = [PYTHON, "-m", "fundcheck", "validate", str(path)]
        report = Path(out) / "report.json"
        for _ in range(repeats):
            if not skip_cli:
                # the record rules only: the rules the hand-written pandas pass implements
                runs["cli"].append(
                    measure(
                        [*command, "--no-checks", "--report", "json", "--output", out, "--quiet"]
                    )
                )
                # the whole product: record rules + aggregate checks (no pandas counterpart)
                runs["full"].append(
                    measure([*command, "--report", "json", "--output", out, "--quiet"])
                )
                if runs["full"][-1].exit_code in (0, 1) and report.exists():
                    result.cli_findings = findings_by_rule(report)
            if not skip_pandas:
                runs["pandas"].append(measure([PYTHON, str(BENCH / "pandas_rules.py"), str(path)]))
    if runs["cli"]:
        result.cli, result.full = median_of(runs["cli"]), median_of(runs["full"])
        if not result.cli_findings:
            print(f"fundcheck failed ({result.full.exit_code}):", file=sys.stderr)
            print(result.full.stderr[-2000:] or result.full.stdout[-2000:], file=sys.stderr)
    if runs["pandas"]:
        result.pandas = median_of(runs["pandas"])
        if result.pandas.exit_code == 0:
            result.pandas_report = json.loads(result.pandas.stdout)
        else:
            print(result.pandas.stderr[-2000:], file=sys.stderr)
    return result


def cell(measure: Measure | None, attribute: str, digits: int = 1) -> str:
    if measure is None:
        return "—"
    if measure.exit_code not in (0, 1):
        return f"failed ({measure.exit_code})"
    return f"{getattr(measure, attribute):,.{digits}f}"


def ratio(measure: Measure | None, pandas: Measure | None) -> str:
    if measure is None or pandas is None or measure.exit_code not in (0, 1) or pandas.exit_code:
        return "—"
    return f"{measure.seconds / pandas.seconds:.1f}×"


def table(results: list[SizeResult]) -> str:
    lines = [
        "| data | rows | CSV MB | pandas s (compute s) | pandas peak MB "
        "| `--no-checks` s | peak MB | ÷ pandas | default run s | peak MB | ÷ pandas |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        compute = r.pandas_report.get("seconds", {}) if r.pandas_report else {}
        inner = f" ({compute['total']:.2f})" if isinstance(compute, dict) and compute else ""
        lines.append(
            f"| {r.data} | {r.rows:,} | {r.file_mb:,.0f} | {cell(r.pandas, 'seconds')}{inner} "
            f"| {cell(r.pandas, 'peak_mb', 0)} "
            f"| {cell(r.cli, 'seconds')} | {cell(r.cli, 'peak_mb', 0)} | {ratio(r.cli, r.pandas)} "
            f"| {cell(r.full, 'seconds')} | {cell(r.full, 'peak_mb', 0)} "
            f"| {ratio(r.full, r.pandas)} |"
        )
    return "\n".join(lines)


def rule_table(results: list[SizeResult]) -> str:
    largest = max(results, key=lambda r: (r.data == "generated", r.rows))
    pandas_counts = largest.pandas_report.get("findings", {}) if largest.pandas_report else {}
    assert isinstance(pandas_counts, dict)
    rules = sorted(set(pandas_counts) | set(largest.cli_findings))
    lines = [
        f"Findings per rule, {largest.data} data, {largest.rows:,} rows (default run; errors and "
        "warnings; the pandas pass has the record rules only, and checks postcodes on every row "
        "where fundcheck checks French rows only):",
        "",
        "| rule | fundcheck | pandas pass |",
        "|---|---:|---:|",
    ]
    for rule in rules:
        cli = f"{largest.cli_findings[rule]:,}" if rule in largest.cli_findings else "—"
        lines.append(f"| {rule} | {cli} | {int(pandas_counts.get(rule, 0)):,} |")
    return "\n".join(lines)


def write_results(
    path: Path, results: list[SizeResult], rate: float, command: str, repeats: int
) -> None:
    text = f"""# fundcheck benchmark

Generated by `{command}`
on {time.strftime("%Y-%m-%d")}: Python {platform.python_version()}, {platform.machine()},
{os.cpu_count()} CPU(s). French national 2021-2027 format, `;`-separated UTF-8 CSV. Data sets:

- *generated*: `bench/generate.py` (the demo generator's row builder), {rate:.0%} of rows with one
  injected defect;
- *real*: `bench/real_copies.py`, copies of the 180 real operations of the extract in
  `tests/data/realfiles` (cells as published, multi-line descriptions), each copy with its own
  beneficiaries and operation ids.

*pandas*: `bench/pandas_rules.py`, the record rules as hand-written vectorised pandas (read,
normalise, masks, counts per region), wall time of the subprocess and, in brackets, its compute
time without interpreter start-up. *`--no-checks`*: `fundcheck validate FILE --no-checks --report
json --output DIR` end to end (start-up, reading, normalisation, region attribution, GX suite,
JSON report; on 2 cores, GX started in a forked process while the main one reads the list,
then validating half of the expectations in each of two processes): the rules the pandas pass
implements.
*default run*: `fundcheck validate FILE --report json --output DIR`, what a user runs: the same
with the aggregate checks (ceilings, concentration, climate, progress, duplicates and split
operations, outliers...), from 20,000 rows shared between the main process and a forked one
while GX finds the failing rows in its own. Peak MB is the most memory the command's
whole process tree held at once: its processes' proportional set sizes summed (pages a forked
process shares with its parent counted once), sampled every 0.5 s. Every figure is the median of
{repeats} runs, the three commands run in turn.

{table(results)}

{rule_table(results)}
"""
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--data", nargs="+", choices=("generated", "real"), default=["generated"])
    parser.add_argument("--defect-rate", type=float, default=0.05)
    parser.add_argument("--skip-cli", action="store_true", help="only the pandas pass")
    parser.add_argument("--skip-pandas", action="store_true", help="only fundcheck")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs of each command, in turn; medians shown"
    )
    args = parser.parse_args(argv)
    results = []
    for data in args.data:
        for rows in sorted(args.rows):
            results.append(
                run_size(
                    data, rows, args.defect_rate, args.skip_cli, args.skip_pandas, args.repeats
                )
            )
            print(table(results[-1:]).splitlines()[-1], file=sys.stderr)
    print(table(results))
    command = ".venv/bin/python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    write_results(args.results, results, args.defect_rate, command, args.repeats)
    print(f"written {args.results}", file=sys.stderr)
    every = (m for r in results for m in (r.cli, r.full, r.pandas))
    failed = [m for m in every if m and m.exit_code not in (0, 1)]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
