"""Generate a large list of operations in the French national 2021-2027 format, with defects.

Usage:
    .venv/bin/python bench/generate.py N --out FILE [--format csv|xlsx] [--defect-rate 0.05]
                                          [--seed 2027]

Uses the demo generator's row builder (``fundcheck.demo``, vectorised with numpy): same headers,
programmes, postcodes, codes and amounts as the demo list; about ``defect-rate`` of the rows get
one random defect of the demo catalogue. CSV is ``;``-separated UTF-8 with dd/mm/yyyy dates and a
decimal point — use it for 100k rows and more (an .xlsx sheet stops at 1,048,575 data rows and is
slow to write). A ``FILE.defects.json`` next to the file records the rows altered per rule.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from fundcheck.demo import generate_operations, inject_random_defects, write_csv, write_xlsx

XLSX_MAX_ROWS = 1_048_575


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("operations", type=int, help="number of operations (rows)")
    parser.add_argument("--out", type=Path, required=True, help="file to write")
    parser.add_argument("--format", choices=("csv", "xlsx"), default=None)
    parser.add_argument("--defect-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args(argv)
    fmt = args.format or (args.out.suffix.lstrip(".").lower() or "csv")
    if fmt not in ("csv", "xlsx"):
        parser.error(f"unknown format {fmt!r}: use csv or xlsx")
    if fmt == "xlsx" and args.operations > XLSX_MAX_ROWS:
        parser.error(f"an .xlsx sheet holds at most {XLSX_MAX_ROWS:,} rows: use --format csv")

    started = time.perf_counter()
    frame = generate_operations(args.operations, seed=args.seed)
    built = time.perf_counter()
    defects = inject_random_defects(frame, args.defect_rate, seed=args.seed)
    injected = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    (write_csv if fmt == "csv" else write_xlsx)(args.out, frame)
    written = time.perf_counter()

    summary = {
        "operations": args.operations,
        "seed": args.seed,
        "defect_rate": args.defect_rate,
        "format": fmt,
        "bytes": args.out.stat().st_size,
        "seconds": {
            "build": round(built - started, 2),
            "inject": round(injected - built, 2),
            "write": round(written - injected, 2),
        },
        "defective_rows": sum(defects.values()),
        "defects": defects,
    }
    Path(f"{args.out}.defects.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(
        f"{args.operations:,} operations → {args.out} ({summary['bytes'] / 1e6:.0f} MB) in "
        f"{written - started:.1f} s (build {built - started:.1f}, inject {injected - built:.1f}, "
        f"write {written - injected:.1f}); {summary['defective_rows']:,} rows with a defect",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
