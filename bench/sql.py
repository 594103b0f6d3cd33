"""Benchmark a list of operations read from PostgreSQL against the same list read from its file.

Usage:
    .venv/bin/python bench/sql.py [--rows 1000000] [--url postgresql+psycopg://postgres@127.0.0.1/test]

The generator's list (``bench/run.py``'s cached file) is loaded once into the table
``bench_operations_<rows>`` with ``COPY ... FROM STDIN`` (every column text, as published; the
table is made again when its row count differs). Then ``fundcheck validate URL --table T`` and
``fundcheck validate FILE`` run, with and without the aggregate checks: wall time and the peak
memory of the client's process tree (``run.measure``). The table is validated a part at a time
(``limits.rows_per_part``); the file is read whole, so ``--file-up-to`` bounds the sizes at which
it is read too.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

from run import PYTHON, dataset, findings_by_rule, measure

BENCH = Path(__file__).resolve().parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def load(url: str, path: Path, table: str, rows: int) -> float:
    """Load the CSV into ``table`` (all columns text) unless it holds ``rows`` rows; seconds."""
    import psycopg
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as connection:
        found = connection.execute(
            "select count(*) from information_schema.tables where table_name = %s", (table,)
        ).fetchone()
        if found and found[0]:
            count = connection.execute(f'select count(*) from "{table}"').fetchone()
            if count and count[0] == rows:
                return 0.0
        with path.open(encoding="utf-8", newline="") as handle:
            headers = next(csv.reader(handle, delimiter=";"))
        columns = ", ".join(f'"{header}" text' for header in headers)
        started = time.perf_counter()
        connection.execute(f'drop table if exists "{table}"')
        connection.execute(f'create table "{table}" ({columns})')
        copy = f"copy \"{table}\" from stdin with (format csv, delimiter ';', header true)"
        with connection.cursor() as cursor, cursor.copy(copy) as writer, path.open("rb") as data:
            while block := data.read(1 << 20):
                writer.write(block)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", nargs="+", type=int, default=[1_000_000])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument(
        "--file-up-to",
        type=int,
        default=1_000_000,
        help="read the CSV file too up to this many rows (a file is read whole: 5M rows take "
        "about 10 GB)",
    )
    parser.add_argument("--modes", nargs="+", default=["--no-checks", "--checks"])
    args = parser.parse_args()
    lines = [
        "| rows | source | command | s | peak MB | exit |",
        "|---:|---|---|---:|---:|---:|",
    ]
    notes: list[str] = []
    for rows in args.rows:
        path = dataset(rows, 0.05)[0]
        table = f"bench_operations_{rows}"
        seconds = load(args.url, path, table, rows)
        if seconds:
            print(f"loaded {rows:,} rows into {table} in {seconds:.1f} s", file=sys.stderr)
        table_arguments = [args.url, "--table", table]
        sources = {"PostgreSQL table": table_arguments}
        if rows <= args.file_up_to:
            sources["CSV file"] = [str(path)]
        by_rule = []
        for source, arguments in sources.items():
            for mode in args.modes:
                with tempfile.TemporaryDirectory() as output:
                    command = [PYTHON, "-m", "fundcheck", "validate", *arguments, mode]
                    found = measure([*command, "--report", "json", "--output", output])
                    if mode == "--checks":
                        by_rule.append(findings_by_rule(Path(output) / "report.json"))
                label = "default" if mode == "--checks" else mode
                lines.append(
                    f"| {rows:,} | {source} | {label} | {found.seconds:.1f} | "
                    f"{found.peak_mb:,.0f} | {found.exit_code} |"
                )
                print(lines[-1], file=sys.stderr)
        if len(by_rule) == 2:
            same = "the same" if by_rule[0] == by_rule[1] else "DIFFERENT"
            notes.append(f"{rows:,} rows: findings per rule of the table and the file are {same}.")
    print("\n".join([*lines, "", *notes]))


if __name__ == "__main__":
    main()
