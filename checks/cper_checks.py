"""Run every CPER rule over a CPER dataset (and the lists of operations, for the overlap)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from fundcheck.checks import cper_contracts, cper_execution, cper_overlap, cper_records
from fundcheck.checks.base import as_of
from fundcheck.checks.cper_base import contract_regions
from fundcheck.checks.cper_rules import READ_RULE
from fundcheck.cper_model import CperDataset
from fundcheck.findings import findings_frame
from fundcheck.model import RecordSet
from fundcheck.reference import Reference

PARAMETERS: Mapping[str, Any] = {
    "cper_theoretical_gap": 0.10,  # CPER-006: points behind the theoretical rate
    "cper_key_tolerance": 0.02,  # CPER-013: ± around the declared State key
    "cper_mobility_state_eur": 9_000_000_000.0,  # CPER-023: Sénat l24-144-311-2
    "cper_title_min_score": 85.0,  # CPER-021: rapidfuzz token_set_ratio on titles
}


def _parameter(parameters: Mapping[str, Any], name: str) -> float:
    value = parameters.get(name)
    return float(PARAMETERS[name] if value is None else value)


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
