"""The findings table: how a finding is built, how its cells become JSON, how a cell is shown.

Every part of fundcheck that reports an anomaly (the reader, the expectation suites, the
aggregate checks, the CPER rules) builds its findings here, with ``finding`` (one programme-,
region- or dataset-level finding) or ``record_findings`` (one finding per record); every report
and the run history read the cells through ``json_value`` / ``json_column`` and show them with
``display``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, JsonValue

from fundcheck.model import REGION, ROW, Rule, Scope, Severity

# --------------------------------------------------------------------------------------------
# The table


class Finding(BaseModel):
    """One anomaly: which rule, where (source, row, column, region), and on what legal basis."""

    model_config = ConfigDict(frozen=True)

    rule: str
    severity: Severity
    scope: Scope
    source: str | None = None
    row: int | None = None
    operation_id: str | None = None
    programme: str | None = None
    region: str | None = None
    region_basis: str | None = None
    field: str | None = None
    column: str | None = None
    value: JsonValue = None
    expected: JsonValue = None
    count: int | None = None
    message_fr: str
    message_en: str
    legal_basis: str | None


FINDING_COLUMNS: tuple[str, ...] = tuple(Finding.model_fields)
RECORD_COLUMNS = (ROW, "operation_id", "programme_cci", REGION)
"""The columns ``record_findings`` takes from each row of the canonical table."""
ARROW_TEXT_COLUMNS = (
    "rule", "severity", "scope", "source", "operation_id", "programme", "region", "region_basis",
    "field", "column", "message_fr", "message_en", "legal_basis",
)  # fmt: skip
"""The text columns of a findings table, kept as Arrow text (an empty cell is NaN): a million
findings' texts as Python strings would take twice the memory (at 540,000 findings, the seven
columns that may be empty took 310 MB as objects), and concatenating tables built either way
would copy every one. ``value`` and ``expected`` hold numbers as well as texts: objects."""
TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def findings_frame(rows: Iterable[Mapping[str, Any]] | pd.DataFrame | None = None) -> pd.DataFrame:
    """A findings table with exactly ``FINDING_COLUMNS``, in order (missing ones are NA)."""
    frame = rows.copy() if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows or []))
    for column in FINDING_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame = frame.loc[:, list(FINDING_COLUMNS)]
    frame["row"] = frame["row"].astype("Int64")
    frame["count"] = frame["count"].astype("Int64")
    for column in ARROW_TEXT_COLUMNS:  # Arrow text: compact, and concatenated without copies
        if frame[column].dtype != TEXT:
            frame[column] = frame[column].astype(TEXT)
    return frame.reset_index(drop=True)


def concat_findings(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Several findings tables as one (empty tables left out)."""
    parts = [f for f in frames if not f.empty]
    if not parts:
        return findings_frame()
    return findings_frame(pd.concat(parts, ignore_index=True))


def taken_in_order(frame: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """The rows of ``frame`` (a table this caller owns) at the positions ``order``, index
    0..n-1, taken a column at a time: each column of ``frame`` is let go once taken, so the
    table is not held twice."""
    columns = {}
    for name in list(frame.columns):
        columns[name] = frame[name].take(order).reset_index(drop=True)
        del frame[name]
    return pd.DataFrame(columns, index=pd.RangeIndex(len(order)))


def iter_findings(frame: pd.DataFrame) -> Iterator[Finding]:
    """Build Finding objects one by one from a findings table."""
    for record in frame.to_dict(orient="records"):
        yield Finding(**{str(k): json_value(v) for k, v in record.items()})


# --------------------------------------------------------------------------------------------
# Building findings


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_message(template: str, **values: Any) -> str:
    """Fill a message template, leaving unknown placeholders as they are."""
    return template.format_map(_SafeDict({k: "" if v is None else v for k, v in values.items()}))


def finding(rule: Rule, scope: Scope, **cells: Any) -> dict[str, Any]:
    """One finding as a row of the table: the rule's id, severity and legal basis (unless the
    cells name a more precise basis), and the given cells (``message_fr``, ``message_en``,
    ``source``, ``value``...)."""
    return {
        "rule": rule.id,
        "severity": rule.severity.value,
        "scope": scope,
        **cells,
        "legal_basis": cells.get("legal_basis") or rule.legal_basis,
    }


def record_findings(
    rule: Rule,
    rows: pd.DataFrame,
    *,
    source: Any,
    field: str | None,
    column: str | None,
    values: Sequence[Any],
    expected: Sequence[Any] | Any,
    messages_fr: Sequence[str],
    messages_en: Sequence[str],
    legal_basis: Sequence[str] | str | None = None,
    row_numbers: Sequence[int] | None = None,
) -> pd.DataFrame:
    """One record finding per row of ``rows`` (a slice of the canonical table): its row number,
    operation id, programme and region come from the row; ``source`` is one name or one per
    row; ``expected`` and ``legal_basis`` one value or one per row."""
    if rows.empty:
        return findings_frame()
    return findings_frame(
        pd.DataFrame(
            {
                "rule": rule.id,
                "severity": rule.severity.value,
                "scope": "record",
                "source": source,
                "row": rows[ROW].to_numpy() if row_numbers is None else list(row_numbers),
                "operation_id": _cells(rows, "operation_id"),
                "programme": _cells(rows, "programme_cci"),
                "region": _cells(rows, REGION),
                "field": field,
                "column": column,
                "value": pd.Series(list(values), dtype=object).to_numpy(),
                "expected": (
                    pd.Series(list(expected), dtype=object).to_numpy()
                    if isinstance(expected, list | tuple)
                    else expected
                ),
                "message_fr": list(messages_fr),
                "message_en": list(messages_en),
                "legal_basis": (
                    list(legal_basis)
                    if isinstance(legal_basis, list | tuple)
                    else legal_basis or rule.legal_basis
                ),
            }
        )
    )


def _cells(rows: pd.DataFrame, column: str) -> Any:
    if column not in rows.columns:
        return None
    return pd.Series(json_column(rows[column]), dtype=object).to_numpy()


# --------------------------------------------------------------------------------------------
# Cells as JSON values and as text


def json_value(value: Any) -> Any:
    """A cell as a JSON value: NA and non-finite numbers become null, dates ISO text (day),
    numpy scalars Python numbers, lists and mappings their JSON forms, anything else its text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, np.generic):
        return json_value(value.item())
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    return str(value)


def json_column(series: pd.Series) -> list[Any]:
    """A column as a list of JSON values (fast paths for dates, numbers and text)."""
    missing = series.isna().to_numpy()
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        cells: list[Any] = series.dt.strftime("%Y-%m-%d").tolist()
    elif pd.api.types.is_float_dtype(dtype):
        cells = [v if math.isfinite(v) else None for v in series.astype("float64").tolist()]
    elif not pd.api.types.is_object_dtype(dtype) and (
        pd.api.types.is_string_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)
    ):
        cells = series.tolist()
    else:
        cells = [json_value(value) for value in series.tolist()]
    if not missing.any():
        return cells
    return [None if gap else cell for cell, gap in zip(cells, missing, strict=True)]


def json_text(value: Any) -> str | None:
    """A cell as JSON text (None for a missing cell): how the run history stores values."""
    plain = json_value(value)
    return None if plain is None else json.dumps(plain, ensure_ascii=False)


def display(value: Any) -> str:
    """A JSON value as one line of text for a message or a table cell: "" for null, numbers
    without a trailing ``.0``, lists and mappings as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return format(value, ".15g")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
