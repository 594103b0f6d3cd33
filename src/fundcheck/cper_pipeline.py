"""The CPER part of a run: recognise CPER workbooks among the sources, read them, run the CPER
rules (with the lists of operations of the same run, for the EU overlap)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from fundcheck.checks.cper_base import contract_regions
from fundcheck.checks.cper_checks import run_cper_checks
from fundcheck.connectors.cper_sgar import is_sgar_workbook, read_sgar_workbook
from fundcheck.connectors.cper_workbook import is_cper_workbook, read_cper_workbook
from fundcheck.cper_model import CperDataset
from fundcheck.model import NATIONAL_BUCKET, RecordSet
from fundcheck.reference import Reference


def is_cper_source(path: Path) -> bool:
    """A CPER workbook: the standard layout, or a region's one-sheet-per-volet table."""
    return is_cper_workbook(path) or is_sgar_workbook(path)


def read_cper(paths: list[Path]) -> CperDataset:
    data = CperDataset()
    for path in paths:
        data.extend(
            read_cper_workbook(path) if is_cper_workbook(path) else read_sgar_workbook(path)
        )
    return data


def validate_cper(
    data: CperDataset,
    reference: Reference,
    parameters: Mapping[str, Any],
    operations: Mapping[str, RecordSet],
) -> pd.DataFrame:
    return run_cper_checks(data, reference, parameters, operations)


def records_by_region(data: CperDataset) -> dict[str, int]:
    """CPER operations per region bucket (the contract's region)."""
    regions = contract_regions(data)
    ops = data.table("operations")
    counts: dict[str, int] = {}
    for cid in ops["contrat_id"]:
        key = regions.get(str(cid)) or NATIONAL_BUCKET
        counts[key] = counts.get(key, 0) + 1
    return counts
