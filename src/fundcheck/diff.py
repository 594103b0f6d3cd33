"""Edition diff: what changed between two editions of a list of operations, per region.

The national list is republished about five times a year, each edition replacing the previous one.
``compare(old, new)`` matches operations on (programme CCI, operation id) and reports operations
that vanished, new operations, and operations whose amounts or dates changed; it matches findings
on (rule, programme, operation id, field) and reports those that are new, resolved or persisting.
Every line carries the region bucket of its operation (``national`` when it has none).

Operations without a programme or an id cannot be matched: they are counted, not compared. When an
edition repeats a key, its first occurrence is compared and the repeats are counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from fundcheck.diff_result import (
    AMOUNT_TOLERANCE,
    CHANGE_COLUMNS,
    COMPARED_FIELDS,
    DATE_FIELDS,
    DESCRIBED_FIELDS,
    FINDING_KEY,
    FINDING_STATUSES,
    KEY,
    OPERATION_COLUMNS,
    DiffResult,
    EditionInfo,
)
from fundcheck.findings import FINDING_COLUMNS, findings_frame
from fundcheck.model import NATIONAL_BUCKET, REGION, ROW, RecordSet, RunResult
from fundcheck.stored_columns import column, has_column


@dataclass(frozen=True)
class Edition:
    """One edition: its run result and the canonical record sets it was validated from."""

    result: RunResult
    record_sets: Sequence[RecordSet]


def compare(old: Edition, new: Edition) -> DiffResult:
    """The differences between an old and a new edition of a list of operations."""
    old_ops, old_unkeyed, old_repeated = _operations(old.record_sets)
    new_ops, new_unkeyed, new_repeated = _operations(new.record_sets)
    joined = old_ops.merge(
        new_ops, on=list(KEY), how="outer", suffixes=("_old", "_new"), indicator=True
    )
    removed = _described(joined[joined["_merge"] == "left_only"], "_old")
    added = _described(joined[joined["_merge"] == "right_only"], "_new")
    changed = _changes(joined[joined["_merge"] == "both"])
    names = {**old.result.region_names, **new.result.region_names}
    return DiffResult(
        old=_info(old, old_unkeyed, old_repeated),
        new=_info(new, new_unkeyed, new_repeated),
        removed=removed,
        added=added,
        changed=changed,
        findings=_finding_changes(old.result.findings, new.result.findings),
        region_names=names,
    )


# -------------------------------------------------------------------------------- operations


def _info(edition: Edition, unkeyed: int, repeated: int) -> EditionInfo:
    result = edition.result
    return EditionInfo(
        sources=list(result.sources),
        generated_at=result.generated_at,
        records=result.records,
        unkeyed=unkeyed,
        repeated=repeated,
    )


def _operations(record_sets: Sequence[RecordSet]) -> tuple[pd.DataFrame, int, int]:
    """All operations of an edition, one line per key: (frame, unkeyed, repeated)."""
    wanted = [*KEY, ROW, REGION, *COMPARED_FIELDS, *DESCRIBED_FIELDS]
    parts = []
    for record_set in record_sets:
        part = pd.DataFrame(index=record_set.frame.index)
        for name in dict.fromkeys(wanted):
            part[name] = column(record_set, name) if has_column(record_set, name) else None
        parts.append(part)
    columns = list(dict.fromkeys(wanted))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    for name in KEY:
        text = frame[name].astype("string").str.strip()
        frame[name] = text.where(text != "")
    if frame.empty:  # e.g. an edition of CPER workbooks only: findings are compared, not rows
        frame = frame.astype(dict.fromkeys(KEY, object))
    keyed = frame[KEY[0]].notna() & frame[KEY[1]].notna()
    frame = frame[keyed]
    repeated = frame.duplicated(list(KEY), keep="first")
    frame = frame[~repeated].copy()
    region = frame[REGION].astype(object)
    frame["region"] = region.where(region.notna() & (region != ""), NATIONAL_BUCKET).astype(str)
    frame = frame.rename(columns={ROW: "row"}).drop(columns=[REGION])
    return frame.reset_index(drop=True), int((~keyed).sum()), int(repeated.sum())


def _described(part: pd.DataFrame, suffix: str) -> pd.DataFrame:
    """Vanished or new operations with the fields that describe them, in key order."""
    out = pd.DataFrame(
        {name: part[name] if name in KEY else part[f"{name}{suffix}"] for name in OPERATION_COLUMNS}
    )
    out["row"] = out["row"].astype("Int64")
    out = out.astype({"region": str, "programme_cci": str, "operation_id": str})
    return out.sort_values(list(KEY), kind="stable").reset_index(drop=True)


def _changes(both: pd.DataFrame) -> pd.DataFrame:
    """One line per (operation, compared field) whose value differs between editions."""
    lines = []
    for name in COMPARED_FIELDS:
        old, new = both[f"{name}_old"], both[f"{name}_new"]
        differs = _differs(old, new, dates=name in DATE_FIELDS)
        if not differs.any():
            continue
        rows = both[differs]
        lines.append(
            pd.DataFrame(
                {
                    "region": rows["region_new"].astype(str),
                    "programme_cci": rows["programme_cci"].astype(str),
                    "operation_id": rows["operation_id"].astype(str),
                    "old_row": rows["row_old"],
                    "row": rows["row_new"],
                    "field": name,
                    "old": [_plain(v) for v in old[differs]],
                    "new": [_plain(v) for v in new[differs]],
                }
            )
        )
    if not lines:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in CHANGE_COLUMNS})
    out = pd.concat(lines, ignore_index=True)
    out["old_row"] = out["old_row"].astype("Int64")
    out["row"] = out["row"].astype("Int64")
    order = {name: i for i, name in enumerate(COMPARED_FIELDS)}
    out = out.assign(_order=out["field"].map(order))
    out = out.sort_values([*KEY, "_order"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def _differs(old: pd.Series, new: pd.Series, *, dates: bool) -> pd.Series:
    """Element-wise: the value changed (beyond rounding), appeared or disappeared."""
    if dates:
        a = pd.to_datetime(old, errors="coerce").dt.normalize()
        b = pd.to_datetime(new, errors="coerce").dt.normalize()
        return ((a != b) & a.notna() & b.notna()) | (a.isna() != b.isna())
    x, y = _floats(old), _floats(new)
    changed = (np.isnan(x) != np.isnan(y)) | (np.abs(x - y) > AMOUNT_TOLERANCE)
    return pd.Series(changed, index=old.index)


def _floats(values: pd.Series) -> npt.NDArray[np.float64]:
    numbers = pd.Series(pd.to_numeric(values, errors="coerce"), index=values.index)
    return numbers.to_numpy(dtype=np.float64, na_value=np.nan)


def _plain(value: Any) -> Any:
    """A cell as a plain Python value (None, float, ISO date text)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return pd.Timestamp(value).date().isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


# -------------------------------------------------------------------------------- findings


def _finding_changes(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Findings with a ``status``: matched on FINDING_KEY, repeats of a key paired in order."""
    old_keyed, new_keyed = _finding_keys(old), _finding_keys(new)
    keys = [*(f"_k_{name}" for name in FINDING_KEY), "_k_n"]
    matched = old_keyed[[*keys, "row"]].merge(
        new_keyed[keys], on=keys, how="inner", suffixes=("", "")
    )
    matched = matched.rename(columns={"row": "old_row"})
    new_marked = new_keyed.merge(matched, on=keys, how="left", indicator=True)
    persisting = new_marked["_merge"] == "both"
    new_part = new_marked.drop(columns=["_merge"]).assign(
        status=np.where(persisting, "persisting", "new")
    )
    old_marked = old_keyed.merge(matched[keys], on=keys, how="left", indicator=True)
    resolved = old_marked[old_marked["_merge"] == "left_only"].drop(columns=["_merge"])
    resolved = resolved.assign(status="resolved", old_row=resolved["row"])
    out = pd.concat([new_part, resolved], ignore_index=True).drop(columns=keys)
    regions = out["region"].astype(object)
    out["region"] = regions.where(regions.notna() & (regions != ""), NATIONAL_BUCKET).astype(str)
    frame = findings_frame(out[list(FINDING_COLUMNS)])
    frame["status"] = out["status"].to_numpy()
    frame["old_row"] = out["old_row"].astype("Int64").to_numpy()
    rank = {status: i for i, status in enumerate(FINDING_STATUSES)}
    order = frame["status"].map(rank)
    return (
        frame.assign(_order=order)
        .sort_values(["_order", "region", "rule", "row"], kind="stable", na_position="last")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _finding_keys(findings: pd.DataFrame) -> pd.DataFrame:
    frame = findings_frame(findings)
    for name in FINDING_KEY:
        frame[f"_k_{name}"] = frame[name].astype("string").fillna("").to_numpy(dtype=object)
    key_columns = [f"_k_{name}" for name in FINDING_KEY]
    frame["_k_n"] = frame.groupby(key_columns, sort=False).cumcount()
    return frame
