"""CPER reference data: LOLF programmes that contribute to CPER, pre-2016 region codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from fundcheck.reference import read_rows

PROGRAMME = re.compile(r"^\s*(?:P|BOP|PROGRAMME|PGM)?\s*0*(\d{3})(?:\s*[-_/ ].*)?\s*$", re.I)
CANONICAL_PROGRAMME = re.compile(r"^P\d{3}$")


@dataclass(frozen=True)
class Programme:
    code: str
    label: str
    volets: frozenset[str]  # national volets it funds; empty = any
    status: str


@cache
def programmes() -> dict[str, Programme]:
    out = {}
    for row in read_rows("cper_programmes.csv"):
        volets = (
            frozenset()
            if row["volets_nationaux"] == "*"
            else frozenset(row["volets_nationaux"].split("|"))
        )
        out[row["programme"]] = Programme(row["programme"], row["libelle"], volets, row["statut"])
    return out


@cache
def old_regions() -> dict[str, str]:
    """Pre-2016 INSEE region code -> the 2016 region it merged into."""
    return {
        row["region_code_ancien"]: row["region_code_2016"]
        for row in read_rows("cper_anciennes_regions.csv")
    }


def normalise_programme(value: object) -> str | None:
    """``P112`` from "P112", "112", "0112", "BOP 0112-C001"; None when not readable."""
    if value is None:
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    match = PROGRAMME.match(text)
    return f"P{match.group(1)}" if match else None
