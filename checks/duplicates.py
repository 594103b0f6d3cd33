"""Duplicated operations across the whole run (all sources).

* ``eu.duplicates.identical_row``: a row identical, on every field the sources have in common, to
  an earlier row (same or another source): the same operation listed twice.
* ``eu.duplicates.operation_id_reused``: an operation number already used by an earlier row of
  another programme, or of the same programme in another source. The same number twice within one
  programme of one source is the record rule ``eu21.art49.unique_operation_id``; identical rows
  are reported once, by the rule above.

Each finding is on the later row and names the earlier one (source and row). Legal basis: each
operation has a unique code (CPR 2021/1060 Art 49(3)); the same expenditure must not be declared
twice (Art 63(9), unverified: a warning).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pandas as pd

from fundcheck.checks import derived
from fundcheck.checks.base import Parameters, register
from fundcheck.checks.derived import common_fields, identical_rows
from fundcheck.checks.findings import records, render
from fundcheck.checks.frames import SOURCE, operations, text
from fundcheck.findings import findings_frame
from fundcheck.model import ROW, RecordSet, Rule, Severity
from fundcheck.reference import Reference


def _earlier(ops: pd.DataFrame, first: pd.Series) -> tuple[list[Any], list[tuple[str, str]]]:
    """(values, texts) naming the earlier row of each finding: "source, row N"."""
    sources = ops.loc[first.to_numpy(), SOURCE].to_numpy()
    rows = ops.loc[first.to_numpy(), ROW].to_numpy()
    values = [int(r) for r in rows]
    texts = [(f"{s}, ligne {r}", f"{s}, row {r}") for s, r in zip(sources, rows, strict=True)]
    return values, texts


@register
class IdenticalRows:
    """The same row twice (all common fields equal), within or across sources."""

    rule: ClassVar[Rule] = Rule(
        id="eu.duplicates.identical_row",
        severity=Severity.WARNING,
        origin="check",
        scope="record",
        family="duplicates",
        status="V",
        title_fr="Ligne en double (identique à une ligne précédente)",
        title_en="Duplicated row (identical to an earlier row)",
        message_fr="Ligne identique à la ligne {earlier} ({count} champs comparés).",
        message_en="Row identical to {earlier} ({count} fields compared).",
        legal_basis="CPR (EU) 2021/1060 Art 49(3) (unique code per operation)",
    )
    parameters: ClassVar[type[Parameters]] = Parameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        fields = common_fields(data)
        ops = operations(data, fields)
        first = identical_rows(data)
        later = first[first >= 0]
        if later.empty:
            return findings_frame()
        values, texts = _earlier(ops, later)
        return records(
            self.rule,
            ops.loc[later.index],
            field=None,
            values=values,
            expected=None,
            messages=[render(self.rule, {"earlier": t, "count": len(fields)}) for t in texts],
        )


@register
class OperationIdReused:
    """An operation number used by an earlier row of another programme or another source."""

    rule: ClassVar[Rule] = Rule(
        id="eu.duplicates.operation_id_reused",
        severity=Severity.WARNING,
        origin="check",
        scope="record",
        family="duplicates",
        status="V",
        title_fr="Numéro d'opération déjà utilisé dans un autre programme ou fichier",
        title_en="Operation id already used in another programme or file",
        message_fr=(
            "Le numéro d'opération « {value} » est déjà utilisé par {earlier} (programme {other})."
        ),
        message_en="Operation id '{value}' is already used by {earlier} (programme {other}).",
        legal_basis="CPR (EU) 2021/1060 Art 49(3) (unique code per operation)",
    )
    parameters: ClassVar[type[Parameters]] = Parameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        fields = common_fields(data)
        ops = operations(data, sorted({*fields, "operation_id", "programme_cci"}))
        ops = ops[identical_rows(data) < 0]
        ids = derived.text(data, "operation_id").loc[ops.index]
        ops, ids = ops[ids.notna()], ids[ids.notna()]
        place = text(ops, "programme_cci").fillna("?") + "\x1f" + ops[SOURCE].astype(str)
        first = pd.Series(ops.index, index=ops.index).groupby(ids).transform("min")
        reused = ~(ids + "\x1f" + place).duplicated() & (place != place.loc[first].to_numpy())
        if not reused.any():
            return findings_frame()
        earlier = first[reused]
        values, texts = _earlier(ops, earlier)
        others = text(ops, "programme_cci").loc[earlier.to_numpy()].fillna("?").to_numpy()
        return records(
            self.rule,
            ops[reused],
            field="operation_id",
            values=list(ids[reused]),
            expected=values,
            messages=[
                render(self.rule, {"value": v, "earlier": t, "other": str(o)})
                for v, t, o in zip(ids[reused], texts, others, strict=True)
            ],
        )
