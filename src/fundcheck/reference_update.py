"""``fundcheck reference update``: programme allocations from Cohesion Open Data, compared with
the snapshot packaged with fundcheck.

Design: the packaged CSVs are part of a release (a run is reproducible from the version alone)
and are never rewritten in place (site-packages may be read-only and shared). An update writes a
*new snapshot* to a folder the user chooses (default: ``<cache>/reference``): the packaged files
with the amounts the source gives replaced, the source's planned-finances lines, and
``reference-update.json`` (provenance of every fetched source and every change). fundcheck reads
that snapshot only when told to (``FUNDCHECK_REFERENCE_DIR``), and a CI job can review the
changes before adopting them.

Sources: 2021-2027 ``hgyj-gyin`` (planned EU amounts per programme, fund and category; every
``dimension_type`` re-splits the same money, so one dimension is summed per programme: ``Form of
Support`` when present, else the dimension with the largest total); 2014-2020 ``e4v6-qrrq``
(planned finances, CSV export with display-name headers).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from fundcheck.connectors.remote.fetch import resolve
from fundcheck.connectors.remote.settings import RemoteSettings
from fundcheck.errors import SourceError
from fundcheck.reference import packaged_path

SOURCE_2021 = "cohesiondata:hgyj-gyin?ms=FR"
EXPORT_2014 = "/api/views/e4v6-qrrq/rows.csv?accessType=DOWNLOAD"
PREFERRED_DIMENSION = "Form of Support"
FUNDS_2021 = ("ERDF", "ESF+", "JTF", "EMFAF")
FUNDS_2014 = {"ERDF": "FEDER", "ESF": "FSE", "YEI": "IEJ"}
TOLERANCE = 0.5  # euros: rounding in the source's cents


@dataclass(frozen=True)
class Change:
    """One programme x fund whose EU amount differs between the snapshot and the source."""

    file: str
    cci: str
    fund: str
    packaged: float | None
    source: float | None

    @property
    def kind(self) -> str:
        if self.packaged is None:
            return "added"
        if self.source is None:
            return "absent from source"
        return "changed"


@dataclass
class UpdateResult:
    folder: Path
    changes: list[Change]
    sources: list[dict[str, Any]]


def update_reference(settings: RemoteSettings, folder: Path | None = None) -> UpdateResult:
    """Fetch the allocations, write the new snapshot into ``folder`` and list the changes."""
    folder = folder or settings.cache_dir / "reference"
    folder.mkdir(parents=True, exist_ok=True)
    recent = resolve(SOURCE_2021, settings)
    older = resolve(f"{settings.cohesiondata_url}{EXPORT_2014}", settings)
    amounts_2021 = allocations_2021(_rows(recent.path))
    amounts_2014 = allocations_2014(_rows(older.path))
    changes = [
        *_merge("programmes_2021_2027_fr.csv", amounts_2021, {f: f for f in FUNDS_2021}, folder),
        *_merge("programmes_2014_2020_fr.csv", amounts_2014, FUNDS_2014, folder),
    ]
    sources = [recent.origin.model_dump(mode="json"), older.origin.model_dump(mode="json")]
    summary = {
        "sources": sources,
        "changes": [{**asdict(c), "kind": c.kind} for c in changes],
    }
    (folder / "reference-update.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return UpdateResult(folder, changes, sources)


def allocations_2021(rows: list[dict[str, str]]) -> dict[tuple[str, str], float]:
    """Planned EU amount per (CCI, fund) of French programmes, one dimension per programme."""
    sums: dict[str, dict[str, dict[str, float]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(float))
    )
    for row in rows:
        if row.get("ms", "FR") != "FR" or not row.get("eu_amount"):
            continue
        sums[row["cci"]][row.get("dimension_type", "")][row["fund"]] += float(row["eu_amount"])
    result: dict[tuple[str, str], float] = {}
    for cci, dimensions in sums.items():
        chosen = dimensions.get(PREFERRED_DIMENSION) or max(
            dimensions.values(), key=lambda funds: sum(funds.values())
        )
        result |= {(cci, fund): amount for fund, amount in chosen.items()}
    return result


def allocations_2014(rows: list[dict[str, str]]) -> dict[tuple[str, str], float]:
    """Planned EU amount per (CCI, fund) of French programmes from the planned-finances export."""
    result: dict[tuple[str, str], float] = defaultdict(float)
    for row in rows:
        if row.get("MS") != "FR" or not row.get("EU Amount"):
            continue
        result[(row["CCI"], row["Fund"])] += float(row["EU Amount"])
    return dict(result)


def _merge(
    name: str,
    amounts: dict[tuple[str, str], float],
    funds: dict[str, str],
    folder: Path,
) -> list[Change]:
    """Write ``name`` with the source's amounts; return what differs from the packaged file."""
    with packaged_path(name).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    changes = []
    known = {row["cci"] for row in rows}
    for row in rows:
        for fund, suffix in funds.items():
            column = f"eu_amount_{suffix}"
            if column not in row:
                continue
            packaged = float(row[column]) if row[column] else None
            source = amounts.get((row["cci"], fund))
            if source is None:
                if packaged is not None and any(cci == row["cci"] for cci, _ in amounts):
                    changes.append(Change(name, row["cci"], fund, packaged, None))
                continue
            if packaged is None or abs(packaged - source) > TOLERANCE:
                changes.append(Change(name, row["cci"], fund, packaged, source))
                row[column] = f"{source:.2f}".removesuffix(".00")
    for cci, fund in sorted(amounts):
        if cci not in known and fund in funds:
            changes.append(Change(name, cci, fund, None, amounts[(cci, fund)]))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    target = folder / name
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    tmp.replace(target)
    return changes


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(f"cannot read the fetched table: {exc}", location=str(path)) from None
