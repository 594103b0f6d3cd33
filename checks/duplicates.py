"""Duplicated operations across the whole run (all sources).

* ``eu.duplicates.identical_row``: a row identical, on every field the sources have in common, to
  an earlier row (same or another source): the same operation listed twice.
* ``eu.duplicates.operation_id_reused``: an operation number already used by an earlier row of
  another programme, or of the same programme in another source. The same number twice within one
  programme of one source is the record rule ``eu21.art49.unique_operation_id``; identical rows
  are reported once, by the rule above.

One finding per group (the identical rows; the rows sharing a number across programmes or
sources), on the group's last row, naming every row of the group. Legal basis: each operation has
a unique code (CPR 2021/1060 Art 49(3)); the same expenditure must not be declared twice (Art
63(9), unverified: a warning).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pandas as pd

from fundcheck.checks.base import Parameters, register
from fundcheck.checks.derived import common_fields, identical_rows
from fundcheck.checks.findings import Text, group_rows, records, render
from fundcheck.checks.frames import SOURCE, operations, text
from fundcheck.findings import findings_frame
from fundcheck.model import ROW, RecordSet, Rule, Severity
from fundcheck.reference import Reference


def group_rows_by_last(ops: pd.DataFrame, members: pd.Series) -> dict[int, tuple[int, Text]]:
    """For each group (``members``: group label of each row, by ``ops`` index), its size and
    its rows as ``findings.group_rows`` names them, keyed by the group's last row (where the
    repeat is, as for split operations)."""
    out: dict[int, tuple[int, Text]] = {}
    for _, positions in members.groupby(members, sort=False):
        index = sorted(positions.index)
        rows = ops.loc[index]
        listed = group_rows(list(rows[SOURCE]), [int(r) for r in rows[ROW]])
        out[index[-1]] = (len(index), listed)
    return out


@register
class IdenticalRows:
    """The same row twice (all common fields equal), within or across sources."""

    reads: ClassVar[frozenset[str]] = frozenset({"identical_rows"})

    links: ClassVar[tuple[str, ...] | None] = ("identical",)

    rule: ClassVar[Rule] = Rule(
        id="eu.duplicates.identical_row",
        severity=Severity.WARNING,
        origin="check",
        scope="record",
        family="duplicates",
        status="V",
        title_fr="Lignes en double (identiques sur tous les champs)",
        title_en="Duplicated rows (identical on every field)",
        message_fr="{count} lignes identiques ({fields} champs comparés) : {rows}.",
        message_en="{count} identical rows ({fields} fields compared): {rows}.",
        legal_basis="CPR (EU) 2021/1060 Art 49(3) (unique code per operation)",
    )
    parameters: ClassVar[type[Parameters]] = Parameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        first = identical_rows(data)
        later = first[first >= 0]
        if later.empty:
            return findings_frame()
        fields = common_fields(data)
        ops = operations(data, ["operation_id", "programme_cci"])  # what the findings read
        group = pd.concat([later, pd.Series(later.unique(), index=later.unique())])
        listed = group_rows_by_last(ops, group)
        lasts = sorted(listed)
        return records(
            self.rule,
            ops.loc[lasts],
            field=None,
            values=[listed[i][0] for i in lasts],
            expected=None,
            messages=[
                render(
                    self.rule,
                    {"count": listed[i][0], "fields": len(fields), "rows": listed[i][1]},
                )
                for i in lasts
            ],
        )


@register
class OperationIdReused:
    """An operation number used by an earlier row of another programme or another source."""

    reads: ClassVar[frozenset[str]] = frozenset({"identical_rows"})

    links: ClassVar[tuple[str, ...] | None] = ("operation_id",)

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
            "Le numéro d'opération « {value} » est porté par {count} lignes de programmes {other} "
            ": {rows}."
        ),
        message_en=(
            "Operation id '{value}' is carried by {count} rows of programmes {other}: {rows}."
        ),
        legal_basis="CPR (EU) 2021/1060 Art 49(3) (unique code per operation)",
    )
    parameters: ClassVar[type[Parameters]] = Parameters

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        ops = operations(data, ["operation_id", "programme_cci"])
        ops = ops[identical_rows(data) < 0]
        ids = text(ops, "operation_id")
        ops, ids = ops[ids.notna()], ids[ids.notna()]
        place = text(ops, "programme_cci").fillna("?") + "\x1f" + ops[SOURCE].astype(str)
        places = place.groupby(ids).transform("nunique")
        shared_ids = places > 1  # a number in several programmes or sources
        if not shared_ids.any():
            return findings_frame()
        ops, ids, place = ops[shared_ids], ids[shared_ids], place[shared_ids]
        # one row per number and place: a repeat within a place is the suite's own rule
        kept = ~(ids + "\x1f" + place).duplicated()
        ops, ids = ops[kept], ids[kept]
        listed = group_rows_by_last(ops, ids)
        lasts = sorted(listed)
        programmes = (
            text(ops, "programme_cci")
            .fillna("?")
            .groupby(ids)
            .agg(lambda values: ", ".join(dict.fromkeys(values)))
        )
        return records(
            self.rule,
            ops.loc[lasts],
            field="operation_id",
            values=[ids[i] for i in lasts],
            expected=None,
            messages=[
                render(
                    self.rule,
                    {
                        "value": ids[i],
                        "count": listed[i][0],
                        "other": programmes[ids[i]],
                        "rows": listed[i][1],
                    },
                )
                for i in lasts
            ],
        )
