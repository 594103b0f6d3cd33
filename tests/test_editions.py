"""Two editions of one list validated together: only the newest is validated, the older is named
with a pointer to ``fundcheck diff`` (editions replace each other)."""

from __future__ import annotations

import shutil
from pathlib import Path

from fundcheck.config import RunConfig
from fundcheck.pipeline import run

EXTRACT = (
    Path(__file__).resolve().parent
    / "data"
    / "realfiles"
    / "20260316_liste_operations_extrait_9_regions.xlsx"
)


def test_the_older_edition_is_named_and_not_validated(tmp_path: Path) -> None:
    older = shutil.copy(EXTRACT, tmp_path / "20251116_liste_operations.xlsx")
    newer = shutil.copy(EXTRACT, tmp_path / "20260316_liste_operations.xlsx")
    result = run(RunConfig(sources=[Path(older), Path(newer)], parameters={"as_of": "2026-04-01"}))
    assert [source.name for source in result.sources] == ["20260316_liste_operations.xlsx"]
    assert result.records == 180
    notes = result.findings[result.findings["rule"] == "read.older_edition"]
    assert notes["severity"].tolist() == ["info"]
    assert "fundcheck diff 20251116_liste_operations.xlsx" in notes.iloc[0]["message_en"]
    findings = result.findings
    assert (
        not findings["rule"]
        .isin(["eu.duplicates.identical_row", "eu.duplicates.operation_id_reused"])
        .any()
    )


def test_two_different_lists_are_both_validated(tmp_path: Path) -> None:
    first = shutil.copy(EXTRACT, tmp_path / "20260316_liste_operations.xlsx")
    other = tmp_path / "ERDF_Denmark.csv"
    shutil.copy(EXTRACT.parent / "ERDF_Denmark_2014-2020.original.csv", other)
    result = run(RunConfig(sources=[Path(first), other], parameters={"as_of": "2026-04-01"}))
    assert len(result.sources) == 2
    assert not result.findings["rule"].eq("read.older_edition").any()
