"""Read published CPER tables (CSV transcriptions of printed tables, see tests/data/cper/) into
two canonical forms the checks compare: *totals* (a printed total or subtotal beside the sum of
the rows it closes) and *means* (a printed average beside the unweighted and amount-weighted
means of the rows it summarises); plus the one-figure-per-row *facts* table.

Recognised shapes (by their header):
* per-region amounts with printed total rows (``row_type``, e.g. the DATAR 1984-2006 table);
* amounts by type with printed subtotals and total (``row_note``, e.g. Sénat mobility 2023-27);
* amounts and rates by mode with a national row (``mode`` + ``taux_*`` columns);
* rates per region with a published mean row (``taux_*_pct`` + a ``MOYENNE`` label);
* published facts (``fact_id``, ``metric``, ``value``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from fundcheck.errors import SourceError

TOTALS_COLUMNS = ("source", "row", "label", "group", "computed", "printed", "tolerance", "unit")
MEANS_COLUMNS = ("source", "row", "label", "published", "unweighted", "weighted", "tolerance")

# which detail rows each printed total row of a per-region table closes, and over which keys
REGION_TOTALS = {
    "printed_total_metropole": (("region",), ("generation", "financeur")),
    "printed_total_dom": (("region_dom",), ("generation", "financeur")),
    "printed_total_contrats_regionaux": (("region", "region_dom"), ("generation", "financeur")),
    "printed_total_etat_plus_regions": (("region", "region_dom"), ("generation",)),
}


@dataclass
class PublishedTables:
    totals: list[dict[str, object]] = field(default_factory=list)
    means: list[dict[str, object]] = field(default_factory=list)
    facts: pd.DataFrame | None = None

    def totals_frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(self.totals, columns=list(TOTALS_COLUMNS))

    def means_frame(self) -> pd.DataFrame:
        return pd.DataFrame.from_records(self.means, columns=list(MEANS_COLUMNS))


def _step(values: pd.Series) -> float:
    """One unit of the table: 1 for whole numbers, 0.1 with one decimal..."""
    decimals = 0
    for value in values.dropna().astype(str):
        if "." in value:
            decimals = max(decimals, len(value.split(".")[1].rstrip("0")))
    return 10.0**-decimals


def tolerance(printed: float, step: float) -> float:
    """A printed total may be rounded: one unit of the table, or half a unit of the printed
    total's last significant digit when it is rounded coarser (7 200 printed for "7,2 Md€")."""
    if printed == 0:
        return step
    digits = str(int(round(abs(printed))))
    zeros = len(digits) - len(digits.rstrip("0"))
    return max(step, 0.5 * 10**zeros) if zeros else step


def _row(index: int) -> int:
    return index + 2  # header is line 1


def _region_totals(frame: pd.DataFrame, source: str, out: PublishedTables) -> None:
    value = next(c for c in frame.columns if c.startswith("montant"))
    amounts = pd.to_numeric(frame[value], errors="coerce")
    step = _step(frame[value])
    label_column = next(c for c in frame.columns if c.startswith("region_label"))
    for index in range(len(frame)):
        rec = frame.iloc[index]
        spec = REGION_TOTALS.get(str(rec["row_type"]))
        if spec is None:
            continue
        kinds, keys = spec
        mask = frame["row_type"].isin(kinds)
        for key in keys:
            mask &= frame[key] == rec[key]
        printed = float(amounts.iloc[index])
        group = ", ".join(str(rec[k]) for k in keys)
        out.totals.append(
            {"source": source, "row": _row(index), "label": str(rec[label_column]),
             "group": group, "computed": float(amounts[mask].sum()), "printed": printed,
             "tolerance": tolerance(printed, step), "unit": "M€"}
        )  # fmt: skip


def _note_totals(frame: pd.DataFrame, source: str, out: PublishedTables) -> None:
    value = next(c for c in frame.columns if c.startswith("montant"))
    amounts = pd.to_numeric(frame[value], errors="coerce")
    step = _step(frame[value])
    note = frame["row_note"].fillna("").astype(str)
    detail = ~note.str.startswith("printed")
    for index in range(len(frame)):
        rec = frame.iloc[index]
        if note.iloc[index] == "printed subtotal":
            mask = detail & (frame["mode"] == rec["mode"])
        elif note.iloc[index] == "printed total":
            mask = detail
        else:
            continue
        printed = float(amounts.iloc[index])
        out.totals.append(
            {"source": source, "row": _row(index), "label": str(rec["type_operation"]),
             "group": str(rec["mode"]), "computed": float(amounts[mask].sum()),
             "printed": printed, "tolerance": tolerance(printed, step), "unit": "M€"}
        )  # fmt: skip


def _mode_table(frame: pd.DataFrame, source: str, out: PublishedTables) -> None:
    value = next(c for c in frame.columns if c.startswith("montant"))
    amounts = pd.to_numeric(frame[value], errors="coerce")
    total = frame["mode"].astype(str).str.upper().str.startswith("TOTAL")
    parts = ~total & amounts.notna()
    for index in frame.index[total]:
        printed = float(amounts[index])
        out.totals.append(
            {"source": source, "row": _row(int(str(index))), "label": str(frame.at[index, "mode"]),
             "group": value, "computed": float(amounts[parts].sum()), "printed": printed,
             "tolerance": tolerance(printed, _step(frame[value])), "unit": "M€"}
        )  # fmt: skip
        for rate in (c for c in frame.columns if c.startswith("taux")):
            rates = pd.to_numeric(frame[rate], errors="coerce")
            both = parts & rates.notna()
            published = rates[index]
            if pd.isna(published) or not both.any():
                continue
            out.means.append(_mean(source, index, f"{rate} ({value})", float(published),
                                   rates[both], amounts[both], _step(frame[rate])))  # fmt: skip


def _mean(
    source: str,
    index: object,
    label: str,
    published: float,
    rates: pd.Series,
    weights: pd.Series | None,
    step: float,
) -> dict[str, object]:
    weighted = (
        float((rates * weights).sum() / weights.sum())
        if weights is not None and weights.notna().all() and weights.sum() > 0
        else math.nan
    )
    return {
        "source": source,
        "row": _row(int(str(index))),
        "label": label,
        "published": published,
        "unweighted": float(rates.mean()),
        "weighted": weighted,
        "tolerance": step / 2 if step < 1 else 0.5,
    }


def _rates_with_mean(
    frame: pd.DataFrame, source: str, out: PublishedTables, weights: pd.DataFrame | None
) -> None:
    rate = next(c for c in frame.columns if c.startswith("taux_") and "theorique" not in c)
    label_column = next(c for c in frame.columns if c.startswith("region_label"))
    labels = frame[label_column].astype(str)
    rates = pd.to_numeric(frame[rate], errors="coerce")
    mean_rows = labels.str.upper().str.startswith("MOYENNE")
    detail = ~mean_rows & rates.notna()
    amount = None
    if weights is not None:
        generation = str(frame["generation"].dropna().iloc[0])
        part = weights[
            (weights["row_type"] == "region")
            & (weights["generation"] == generation)
            & (weights["financeur"] == "ETAT")
        ]
        names = part[next(c for c in part.columns if c.startswith("region_label"))]
        values = pd.to_numeric(part["montant_meur"], errors="coerce")
        by_label = dict(zip(names, values, strict=True))
        amount = labels[detail].map(by_label)
    for index in frame.index[mean_rows]:
        published = rates[index]
        if pd.isna(published):
            continue
        out.means.append(_mean(source, index, f"{rate}: {labels[index]}", float(published),
                               rates[detail], amount, _step(frame[rate])))  # fmt: skip


SHAPES = (
    {"row_type", "generation", "financeur"},
    {"mode", "row_note"},
    {"mode", "source_key"},
    {"generation", "as_of", "taux_theorique_pct"},
    {"fact_id", "metric", "value"},
)


def is_published_table(path: Path) -> bool:
    """A CSV whose header has the columns of one of the published CPER table shapes."""
    if path.suffix.lower() != ".csv":
        return False
    try:
        with path.open(encoding="utf-8-sig") as handle:
            header = set(handle.readline().strip().split(","))
    except (OSError, UnicodeDecodeError):
        return False
    return any(shape <= header for shape in SHAPES)


def read_published(paths: list[Path]) -> PublishedTables:
    """The totals, means and facts of published CPER tables (CSV)."""
    frames: dict[Path, pd.DataFrame] = {}
    for path in paths:
        try:
            frames[path] = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        except (OSError, ValueError) as exc:
            raise SourceError(
                f"cannot read the published table: {exc}", location=str(path)
            ) from exc
    weights = next((f for f in frames.values() if "row_type" in f.columns), None)
    out = PublishedTables()
    for path, frame in frames.items():
        columns = set(frame.columns)
        if "row_type" in columns:
            _region_totals(frame, path.name, out)
        elif "row_note" in columns:
            _note_totals(frame, path.name, out)
        elif "mode" in columns:
            _mode_table(frame, path.name, out)
        elif any(c.startswith("taux_") for c in columns) and any(
            c.startswith("region_label") for c in columns
        ):
            _rates_with_mean(frame, path.name, out, weights)
        elif {"fact_id", "metric", "value"} <= columns:
            facts = frame.assign(source=path.name, row=[_row(i) for i in range(len(frame))])
            out.facts = facts if out.facts is None else pd.concat([out.facts, facts])
        else:
            raise SourceError("not a published CPER table fundcheck recognises", location=str(path))
    return out
