"""Turn failing row positions into findings (columnar, GX-agnostic)."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.expectations.references import LOCATION_KINDS, region_label
from fundcheck.expectations.suite import ExpectationSpec
from fundcheck.findings import (
    RECORD_COLUMNS,
    display,
    finding,
    json_column,
    json_value,
    record_findings,
    render_message,
)
from fundcheck.model import FIELDS, ROW, Rule

_LOOKUP = re.compile(r"\{(\w+):(" + "|".join((*LOCATION_KINDS, "field")) + r")_region\}")
"""``{field:<kind>_region}`` in a template: the name of the region the field's code lies in;
``{value:field_region}``: the kind is the expectation's ``kind_B`` (the reported column)."""

EMPTY = "—"  # shown in an ``expected`` text for a missing cell or column
ABSENT_MESSAGE_FR = "Colonne(s) absente(s) du fichier : {column}. {title} pour les {count} lignes."
ABSENT_MESSAGE_EN = "Column(s) missing from the file: {column}. {title} for all {count} rows."


def failing_row_findings(
    frame: pd.DataFrame,
    positions: np.ndarray,
    spec: ExpectationSpec,
    rule: Rule,
    *,
    source: str,
    column_labels: Mapping[str, str],
    parameters: Mapping[str, Any],
) -> pd.DataFrame:
    """One finding per failing row (``positions`` index ``frame`` by position)."""
    rows = frame[_columns_read(spec, frame)].iloc[positions]
    field = spec.field
    column = _column_label(spec, column_labels)
    values = json_column(rows[field]) if field in rows.columns else [None] * len(rows)
    texts = [display(value) for value in values]
    expected = _expected_texts(spec, rows, parameters)
    if _LOOKUP.search(rule.message_fr + rule.message_en):
        kind = str(spec.kwargs.get("kind_B", "region"))
        message_fr = _render_lookups(rule.message_fr, column, texts, expected, values, kind)
        message_en = _render_lookups(rule.message_en, column, texts, expected, values, kind)
    else:
        message_fr = _render_rows(rule.message_fr, column, texts, expected)
        message_en = _render_rows(rule.message_en, column, texts, expected)
    return record_findings(
        rule,
        rows,
        source=source,
        field=field,
        column=column,
        values=values,
        expected=expected,
        messages_fr=message_fr,
        messages_en=message_en,
        legal_basis=spec.meta.legal_basis,
        row_numbers=None if ROW in rows.columns else (positions + 2).tolist(),
    )


def _columns_read(spec: ExpectationSpec, frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` the findings of ``spec`` read: its own, the finding's, and those
    its ``expected`` template names (only these rows' cells are copied, not whole records)."""
    template, lookups = _lookup_template(spec.meta.expected or "")
    named = _template_fields(template) | {source for source, _ in lookups.values()}
    wanted = {spec.field, *spec.columns(), *RECORD_COLUMNS, *named}
    return [column for column in frame.columns if column in wanted]


def absent_column_finding(
    spec: ExpectationSpec,
    rule: Rule,
    *,
    rows: int,
    source: str,
    column_labels: Mapping[str, str],
    parameters: Mapping[str, Any],
) -> dict[str, Any]:
    """One dataset finding: the columns the rule needs are all absent from the source."""
    columns = spec.columns()
    field = spec.field
    column = _column_label(spec, column_labels)
    labels_fr = " / ".join(_described(name, column_labels, french=True) for name in columns)
    labels_en = " / ".join(_described(name, column_labels, french=False) for name in columns)
    expected = spec.meta.expected
    if expected and not _template_fields(expected) - set(parameters):
        expected = render_message(expected, **_parameter_texts(parameters))
    else:
        expected = None
    return finding(
        rule,
        "dataset",
        source=source,
        field=field,
        column=column,
        expected=expected,
        count=rows,
        message_fr=render_message(
            ABSENT_MESSAGE_FR, column=labels_fr, title=rule.title_fr, count=rows
        ),
        message_en=render_message(
            ABSENT_MESSAGE_EN, column=labels_en, title=rule.title_en, count=rows
        ),
        legal_basis=spec.meta.legal_basis,
    )


EMPTY_MESSAGE_FR = "Colonne « {column} » vide sur les {count} lignes du fichier. {title}."
EMPTY_MESSAGE_EN = "Column '{column}' is empty in all {count} rows of the file. {title}."


def empty_column_finding(
    spec: ExpectationSpec,
    rule: Rule,
    *,
    rows: int,
    source: str,
    column_labels: Mapping[str, str],
) -> dict[str, Any]:
    """One dataset finding: a column the rule needs is present but empty on every row."""
    column = _column_label(spec, column_labels)
    return finding(
        rule,
        "dataset",
        source=source,
        field=spec.field,
        column=column,
        count=rows,
        message_fr=render_message(EMPTY_MESSAGE_FR, column=column, title=rule.title_fr, count=rows),
        message_en=render_message(EMPTY_MESSAGE_EN, column=column, title=rule.title_en, count=rows),
        legal_basis=spec.meta.legal_basis,
    )


def _render_rows(
    template: str, column: str, texts: list[str], expected: list[str | None]
) -> list[str]:
    """The message of each row; rows repeating a (value, expected) pair share one rendering."""
    rendered: dict[tuple[str, str | None], str] = {}
    out = []
    for pair in zip(texts, expected, strict=True):
        message = rendered.get(pair)
        if message is None:
            message = render_message(template, column=column, value=pair[0], expected=pair[1])
            rendered[pair] = message
        out.append(message)
    return out


def _lookup_template(template: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """The template with ``{field:kind_region}`` renamed ``{field__kind}``, and those names."""
    names: dict[str, tuple[str, str]] = {}

    def rename(found: re.Match[str]) -> str:
        name = f"{found.group(1)}__{found.group(2)}"
        names[name] = (found.group(1), found.group(2))
        return "{" + name + "}"

    return _LOOKUP.sub(rename, template), names


def _render_lookups(
    template: str,
    column: str,
    texts: list[str],
    expected: list[str | None],
    values: list[Any],
    field_kind: str,
) -> list[str]:
    """Messages whose template names the region of the cell (``{value:postcode_region}``)."""
    plain, names = _lookup_template(template)
    kinds = {name: field_kind if kind == "field" else kind for name, (_, kind) in names.items()}
    out = []
    for text, wanted, value in zip(texts, expected, values, strict=True):
        regions = {name: region_label(kinds[name], value) for name in names}
        out.append(render_message(plain, column=column, value=text, expected=wanted, **regions))
    return out


def _column_label(spec: ExpectationSpec, column_labels: Mapping[str, str]) -> str:
    if spec.field is not None:
        return column_labels.get(spec.field, spec.field)
    return " / ".join(column_labels.get(name, name) for name in spec.columns())


def _described(name: str, column_labels: Mapping[str, str], *, french: bool) -> str:
    if name in column_labels:
        return f"« {column_labels[name]} »" if french else f"'{column_labels[name]}'"
    spec = FIELDS.get(name)
    if spec is None:
        return name
    return f"{name} ({spec.label_fr if french else spec.label_en})"


def _template_fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _parameter_texts(parameters: Mapping[str, Any]) -> dict[str, str]:
    return {name: display(json_value(value)) for name, value in parameters.items()}


def _expected_texts(
    spec: ExpectationSpec, rows: pd.DataFrame, parameters: Mapping[str, Any]
) -> list[str | None]:
    """The ``expected`` text of each failing row: the meta template filled per row."""
    template = spec.meta.expected
    if template is None:
        regex = spec.kwargs.get("regex")
        return [regex if isinstance(regex, str) else None] * len(rows)
    template, lookups = _lookup_template(template)
    if lookups:
        rows = rows.assign(
            **{
                name: [region_label(kind, cell) for cell in json_column(rows[source])]
                if source in rows.columns
                else EMPTY
                for name, (source, kind) in lookups.items()
            }
        )
    names = _template_fields(template)
    constants = dict.fromkeys(names - set(rows.columns), EMPTY)  # a field the source lacks
    constants.update(
        (name, text) for name, text in _parameter_texts(parameters).items() if name in names
    )
    row_names = [name for name in names - set(constants) if name in rows.columns]
    if not row_names:
        text = render_message(template, **constants)
        return [text] * len(rows)
    columns = {
        name: [EMPTY if value is None else display(value) for value in json_column(rows[name])]
        for name in row_names
    }
    return [
        render_message(template, **constants, **{name: columns[name][i] for name in row_names})
        for i in range(len(rows))
    ]
