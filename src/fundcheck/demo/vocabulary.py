"""The words of the national publication the demo imitates: its headers, sheet name, fund
labels, eligibility window and publication date, and the vocabulary file beside this module."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import yaml

from fundcheck.reference import read_rows

FORMAT_ID = "fr_national_2021_2027"
DEFAULT_SEED = 2027
DEFAULT_OPERATIONS = 2000
FUND_LABELS: Mapping[str, str] = {"ERDF": "FEDER", "ESF+": "FSE+", "JTF": "FTJ"}
ELIGIBILITY_START = np.datetime64("2021-01-01")
ELIGIBILITY_END = np.datetime64("2029-12-31")
NATIONAL_REGION_CELL = "Volet national"
NATIONAL_ZONE = "France entière"

IntArray = npt.NDArray[np.int64]
ObjArray = npt.NDArray[np.object_]
Cell = str | float | int | pd.Timestamp | None


# --------------------------------------------------------------------------------------------
# Static vocabulary


@cache
def national_headers() -> tuple[str, ...]:
    """The 23 headers of the national 2021-2027 publication, in order, exactly as published."""
    rows = [r for r in read_rows("list_of_operations_headers.csv") if r["format_id"] == FORMAT_ID]
    rows.sort(key=lambda r: int(r["position"]))
    return tuple(r["header_text_exact"] for r in rows)


@cache
def header_of(field: str) -> str:
    """The national header of a canonical field."""
    for row in read_rows("list_of_operations_headers.csv"):
        if row["format_id"] == FORMAT_ID and row["canonical_field"] == field:
            return row["header_text_exact"]
    raise KeyError(field)


@cache
def vocabulary() -> dict[str, Any]:
    path = resources.files("fundcheck.demo").joinpath("vocabulary.yaml")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def sheet_name() -> str:
    """Sheet name of the national publication the demo imitates."""
    return str(vocabulary()["sheet_name"])


PUBLICATION_DATE = np.datetime64("2026-03-16")
