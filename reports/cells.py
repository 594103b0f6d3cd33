"""Turning findings-table cells into plain JSON values and display text."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np
import pandas as pd

JsonScalar = str | int | float | bool | None


def json_safe(value: Any) -> Any:
    """A cell as a JSON value: NA becomes null, dates ISO text, numpy scalars Python numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp | dt.date):
        return value.isoformat()[:10]
    if isinstance(value, np.generic):
        return json_safe(value.item())
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    return str(value)


def column_values(series: pd.Series) -> list[Any]:
    """A findings column as a list of JSON values (fast path for text and integer columns)."""
    missing = series.isna().tolist()
    values = series.tolist()
    plain = series.dtype != object and (
        pd.api.types.is_string_dtype(series) or pd.api.types.is_integer_dtype(series)
    )
    if plain:
        return [None if gone else value for value, gone in zip(values, missing, strict=True)]
    return [None if gone else json_safe(value) for value, gone in zip(values, missing, strict=True)]


def display(value: Any) -> str:
    """A JSON value as one line of text for a table cell ("" for null)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
