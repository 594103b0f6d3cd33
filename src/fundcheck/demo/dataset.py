"""What the demo hands out: the list as published and the defects injected in it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from fundcheck.demo.vocabulary import Cell

# --------------------------------------------------------------------------------------------
# Public data types


@dataclass(frozen=True)
class InjectedDefect:
    """One defect injected in the demo list, and where its finding must appear.

    ``row`` is the spreadsheet row (header = row 1), None for a programme-level breach (its
    finding names ``programme``); ``region`` the INSEE region the finding is attributed to;
    ``field`` the canonical field of the altered cell (None when the rule is about several cells);
    ``value`` the cell as injected; ``also`` other rules that necessarily fire on the same row
    (warnings only); ``severity`` the severity of its finding (``info`` for a programme's result
    of a Member-State-level target).
    """

    rule: str
    row: int | None
    region: str | None
    field: str | None
    description: str
    value: Cell = None
    also: tuple[str, ...] = ()
    programme: str | None = None
    severity: str = "warning"


@dataclass(frozen=True)
class DemoDataset:
    """The demo list: ``frame`` has the 23 national headers, values as published."""

    frame: pd.DataFrame
    defects: tuple[InjectedDefect, ...]
