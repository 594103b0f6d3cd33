"""What reading a source found: one information per kind of normalisation and column, one error
per cell that could not be read as its field's type, one warning per group of records whose
programming period no evidence gives or is not covered."""

from __future__ import annotations

from typing import Any

import pandas as pd

from fundcheck.connectors.rules import (
    PERIOD_NOT_COVERED_RULE,
    PERIOD_UNDECIDED_RULE,
    READER_RULES,
    UNREADABLE_RULE,
)
from fundcheck.findings import (
    RECORD_COLUMNS,
    concat_findings,
    finding,
    findings_frame,
    record_findings,
    render_message,
)
from fundcheck.model import FIELDS, PERIOD, ROW, FieldType, Period, RecordSet, Rule
from fundcheck.stored_columns import columns_of

_RULES: dict[str, Rule] = {rule.id: rule for rule in READER_RULES}

_READABLE = {
    FieldType.DATE: "a date (dd/mm/yyyy, yyyy-mm-dd or an Excel date)",
    FieldType.AMOUNT: "an amount in euros",
    FieldType.RATE: "a rate (0.4, 40 or 40 %)",
}


def reader_rule(rule_id: str) -> Rule:
    """A rule of the reader, by id."""
    return _RULES[rule_id]


def reading_findings(record_set: RecordSet) -> pd.DataFrame:
    """Every finding about reading a record set (its period already set)."""
    return concat_findings(
        [normalisation_findings(record_set), unreadable_findings(record_set)]
        + [period_findings(record_set)]
    )


def normalisation_findings(record_set: RecordSet) -> pd.DataFrame:
    """One information per normalisation kind and column, with its count and an example."""
    rows: list[dict[str, Any]] = []
    for note in record_set.normalisations:
        rule = _RULES[f"read.normalised.{note.kind}"]
        values = {"column": note.column or "", "count": note.count, "example": note.example}
        rows.append(
            finding(
                rule,
                "dataset",
                source=record_set.provenance.name,
                field=note.field,
                column=note.column,
                value=note.example,
                count=note.count,
                message_fr=render_message(rule.message_fr, **values),
                message_en=render_message(rule.message_en, **values),
            )
        )
    return findings_frame(rows)


def unreadable_findings(record_set: RecordSet) -> pd.DataFrame:
    """One error per cell that could not be read as its field's type (treated as empty)."""
    rule = _RULES[UNREADABLE_RULE]
    frames = []
    for field, raw in record_set.unreadable.items():
        if raw.empty:
            continue
        column = record_set.column_labels.get(field, field)
        texts = raw.astype("string")
        spec = FIELDS.get(field)
        frames.append(
            record_findings(
                rule,
                columns_of(record_set, RECORD_COLUMNS, raw.index),
                source=record_set.provenance.name,
                field=field,
                column=column,
                values=texts.tolist(),
                expected=_READABLE.get(spec.type) if spec else None,
                messages_fr=[
                    render_message(rule.message_fr, column=column, value=v) for v in texts
                ],
                messages_en=[
                    render_message(rule.message_en, column=column, value=v) for v in texts
                ],
            )
        )
    return concat_findings(frames)


def _message(template: str, column: str, value: str) -> str:
    return render_message(template, column=column, value=value)


def period_findings(record_set: RecordSet) -> pd.DataFrame:
    """One dataset finding for the records no evidence gives a period, one for the records of a
    period fundcheck has no rules for (2007-2013): neither gets the period suites."""
    frame = columns_of(record_set, (ROW, PERIOD))
    rows: list[dict[str, Any]] = []
    undecided = frame[PERIOD].isna()
    old = frame[PERIOD].eq(Period.P2007_2013.value).fillna(False).astype(bool)
    for rule_id, mask in ((PERIOD_UNDECIDED_RULE, undecided), (PERIOD_NOT_COVERED_RULE, old)):
        count = int(mask.sum())
        if not count:
            continue
        rule = _RULES[rule_id]
        first = int(frame.loc[mask, ROW].iloc[0])
        values = {"count": count, "example": f"row {first}"}
        rows.append(
            finding(
                rule,
                "dataset",
                source=record_set.provenance.name,
                count=count,
                value=f"row {first}",
                message_fr=render_message(rule.message_fr, **values),
                message_en=render_message(rule.message_en, **values),
            )
        )
    return findings_frame(rows)
