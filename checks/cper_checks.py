"""Run every CPER rule over a CPER dataset (and the lists of operations, for the overlap)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
from pydantic import Field

from fundcheck.checks import cper_contracts, cper_execution, cper_overlap, cper_records
from fundcheck.checks.base import Parameters, as_of, settings_of
from fundcheck.checks.cper_base import contract_regions
from fundcheck.checks.cper_rules import READ_RULE
from fundcheck.cper_model import CperDataset
from fundcheck.findings import findings_frame
from fundcheck.model import RecordSet
from fundcheck.reference import Reference


class CperParameters(Parameters):
    """Tolerances of the CPER rules."""

    cper_theoretical_gap: float = Field(
        0.10,
        ge=0,
        le=1,
        description="CPER-006: execution points behind the theoretical rate "
        "before a volet is reported late",
    )
    cper_key_tolerance: float = Field(
        0.02, ge=0, lt=1, description="CPER-013: points around the declared State key"
    )
    cper_mobility_state_eur: float = Field(
        9_000_000_000.0,
        ge=0,
        description="CPER-023: State mobility envelope of the generation "
        "(EUR; Sénat l24-144-311-2)",
    )
    cper_title_min_score: float = Field(
        85.0,
        ge=0,
        le=100,
        description="CPER-021: title similarity (0-100, token set ratio) "
        "from which a CPER operation and a list operation are the same",
    )


RULE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "CPER-006": ("cper_theoretical_gap",),
    "CPER-013": ("cper_key_tolerance",),
    "CPER-021": ("cper_title_min_score",),
    "CPER-023": ("cper_mobility_state_eur",),
}
"""The parameters each CPER rule reads."""


def _parameter(parameters: Mapping[str, Any], name: str) -> float:
    return float(settings_of(CperParameters, parameters)[name])


def reader_notes(data: CperDataset) -> list[dict[str, Any]]:
    return [
        {
            "rule": READ_RULE.id,
            "severity": READ_RULE.severity.value,
            "scope": "dataset",
            "source": note.get("source"),
            "region": note.get("region"),
            "column": note.get("column"),
            "value": note.get("message_fr"),
            "expected": note.get("message_en"),
            "count": note.get("count"),
            "message_fr": note.get("message_fr"),
            "message_en": note.get("message_en"),
            "legal_basis": READ_RULE.legal_basis,
        }
        for note in data.notes
    ]


def run_cper_checks(
    data: CperDataset,
    reference: Reference,
    parameters: Mapping[str, Any],
    operations: Mapping[str, RecordSet] | None = None,
) -> pd.DataFrame:
    """Every CPER finding of a dataset, as a findings table."""
    when: dt.date = as_of(parameters)
    regions = contract_regions(data)
    flows = cper_execution.flows(data)
    ae_by_op = (
        flows.groupby("operation_id")["ae"].sum() if not flows.empty else pd.Series(dtype=float)
    )
    rows = [
        *reader_notes(data),
        *cper_records.financing_adds_up(data, regions),
        *cper_records.dates_in_order(data, regions),
        *cper_records.siret_valid(data, regions),
        *cper_records.volet_known(data, regions),
        *cper_records.programme_codes(data, regions),
        *cper_records.region_codes(data, set(reference.regions)),
        *cper_records.programmed_covers_committed(data, regions, ae_by_op),
        *cper_records.units_plausible(data, regions),
        *cper_records.printed_totals(data, regions),
        *cper_execution.cumulative_rules(flows, regions),
        *cper_execution.closed_generation_rules(flows, data, regions),
        *cper_execution.mobility_period(flows, data, regions),
        *cper_execution.planned_overruns(flows, data, regions),
        *cper_execution.contract_pace(
            flows, data, regions, when, _parameter(parameters, "cper_theoretical_gap")
        ),
        *cper_contracts.signed_amounts(data, regions),
        *cper_contracts.state_key(data, regions, _parameter(parameters, "cper_key_tolerance")),
        *cper_contracts.yearly_snapshots(data, regions, when),
        *cper_contracts.changes_without_avenant(data, regions),
        *cper_contracts.transfers_between_volets(data, regions),
        *cper_contracts.national_envelope(data, _parameter(parameters, "cper_mobility_state_eur")),
        *cper_overlap.eu_overlap(
            data, operations or {}, regions, _parameter(parameters, "cper_title_min_score")
        ),
    ]
    return findings_frame(rows)
