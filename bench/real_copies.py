"""Make a large list of operations out of copies of the real 2021-2027 extract in the tests.

Usage:
    .venv/bin/python bench/real_copies.py N --out FILE

Reads ``tests/data/realfiles/20260316_liste_operations_extrait_9_regions.xlsx`` (180 real
operations of 9 regions, cells as published) and writes N rows in the same 23 national headers,
``;``-separated UTF-8 CSV, cells as read. Copy k of an operation keeps every cell but its id
(``<id>-k``) and its beneficiary (``<name> <k>``): each copy has its own beneficiaries, so the
per-beneficiary checks see as many groups as a real national list would, not one beneficiary
with thousands of operations.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXTRACT = ROOT / "tests" / "data" / "realfiles" / "20260316_liste_operations_extrait_9_regions.xlsx"
ID_COLUMN = "Numéro Opération"
BENEFICIARY_COLUMN = "Nom du bénéficiaire"


def real_rows() -> pd.DataFrame:
    """The extract's rows, every cell as text ("" where empty)."""
    frame = pd.read_excel(EXTRACT, dtype=str, engine="calamine")
    return frame.fillna("")


def copies(rows: int) -> pd.DataFrame:
    """``rows`` operations: the extract repeated, each copy with its own ids and beneficiaries."""
    base = real_rows()
    count = -(-rows // len(base))  # copies needed, rounded up
    parts = []
    for k in range(count):
        part = base.copy()
        if k:
            part[ID_COLUMN] = part[ID_COLUMN] + f"-{k}"
            part[BENEFICIARY_COLUMN] = part[BENEFICIARY_COLUMN] + f" {k}"
        parts.append(part)
    return pd.concat(parts, ignore_index=True).iloc[:rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("operations", type=int)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    frame = copies(args.operations)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, sep=";", index=False, encoding="utf-8")
    size = args.out.stat().st_size / 1e6
    print(f"{len(frame):,} operations → {args.out} ({size:.0f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
