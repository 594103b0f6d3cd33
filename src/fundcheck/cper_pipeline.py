"""The CPER part of a run: recognise CPER sources among the sources, read them, run the CPER
rules (with the lists of operations of the same run, for the EU overlap) and validate published
CPER tables."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from fundcheck.checks import cper_execution
from fundcheck.checks.base import as_of
from fundcheck.checks.cper_base import contract_regions
from fundcheck.checks.cper_checks import run_cper_checks
from fundcheck.checks.cper_published import validate_published
from fundcheck.connectors.cper_published import is_published_table, read_published
from fundcheck.connectors.cper_sgar import is_sgar_workbook, read_sgar_workbook
from fundcheck.connectors.cper_workbook import is_cper_workbook, read_cper_workbook
from fundcheck.cper_model import CperDataset
from fundcheck.findings import findings_frame
from fundcheck.model import NATIONAL_BUCKET, Provenance, RecordSet
from fundcheck.reference import Reference


def is_cper_source(path: Path) -> bool:
    """A CPER source: a workbook in the standard layout, a region's one-sheet-per-volet table,
    or a published CPER table (CSV)."""
    return is_cper_workbook(path) or is_sgar_workbook(path) or is_published_table(path)


def read_cper(paths: list[Path]) -> CperDataset:
    """The CPER tables of the workbooks among ``paths`` (published tables are left out)."""
    data = CperDataset()
    for path in paths:
        if is_cper_workbook(path):
            data.extend(read_cper_workbook(path))
        elif is_sgar_workbook(path):
            data.extend(read_sgar_workbook(path))
    contracts = data.tables.get("contrats")
    if contracts is not None and contracts["contrat_id"].duplicated().any():
        # the same contract described by two sources: one row, first known value per column
        data.tables["contrats"] = (
            contracts.groupby("contrat_id", sort=False, dropna=False).first().reset_index()
        )
    return data


def validate_cper(
    paths: list[Path],
    reference: Reference,
    parameters: Mapping[str, Any],
    operations: Mapping[str, RecordSet],
) -> tuple[CperDataset, pd.DataFrame]:
    """Read the CPER sources; return their tables and findings (workbooks: the CPER rules;
    published tables: printed totals, averages and source conflicts)."""
    data = read_cper(paths)
    frames = []
    if data.tables:
        frames.append(run_cper_checks(data, reference, parameters, operations))
    published = [path for path in paths if is_published_table(path)]
    if published:
        tables = read_published(published)
        frames.append(validate_published(tables.totals_frame(), tables.means_frame(), tables.facts))
        for path in published:
            data.provenance.append(
                Provenance(
                    name=path.name,
                    location=str(path),
                    format="csv",
                    profile="cper_published",
                    record_kind="cper_published",
                )
            )
    parts = [frame for frame in frames if not frame.empty]
    return data, findings_frame(pd.concat(parts, ignore_index=True) if parts else None)


def execution_pace(
    data: CperDataset, parameters: Mapping[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """Per region: AE and CP rates against the theoretical rate (the HTML chart)."""
    if not data.tables:
        return {}
    flows = cper_execution.flows(data)
    return cper_execution.pace_by_region(flows, data, contract_regions(data), as_of(parameters))


def records_by_region(data: CperDataset) -> dict[str, int]:
    """CPER operations per region bucket (the contract's region)."""
    regions = contract_regions(data)
    ops = data.table("operations")
    counts: dict[str, int] = {}
    for cid in ops["contrat_id"]:
        key = regions.get(str(cid)) or NATIONAL_BUCKET
        counts[key] = counts.get(key, 0) + 1
    return counts
