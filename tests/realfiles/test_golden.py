"""Golden tests on the real lists of operations: every error and warning fundcheck gives on each
file is listed, with the reason it is true, in tests/data/realfiles/golden/<file>.csv.

A finding that appears or disappears fails the test, so a change of precision on real
publications is always seen; docs/accuracy.md is the table of these verdicts.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _accuracy() -> ModuleType:
    spec = importlib.util.spec_from_file_location("accuracy", ROOT / "scripts" / "accuracy.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["accuracy"] = module
    spec.loader.exec_module(module)
    return module


accuracy = _accuracy()


@pytest.fixture(scope="module")
def runs() -> dict[str, object]:
    return {name: accuracy.judge(name) for name in accuracy.FILES}


def _keys(frame: pd.DataFrame) -> set[tuple[str, ...]]:
    return {tuple(str(row[k]) for k in accuracy.KEY) for row in frame.to_dict(orient="records")}


@pytest.mark.parametrize("name", accuracy.FILES)
def test_findings_are_exactly_the_golden_ones(runs, name: str) -> None:
    golden = accuracy.read_golden(name)
    found = accuracy.keyed(runs[name].findings)
    assert _keys(found) == _keys(golden)


@pytest.mark.parametrize("name", accuracy.FILES)
def test_every_error_is_a_true_defect_with_its_reason(name: str) -> None:
    golden = accuracy.read_golden(name)
    errors = golden[golden["severity"] == "error"]
    assert (errors["verdict"] == "true").all()
    assert (golden["reason"].str.len() > 20).all()


@pytest.mark.parametrize("name", accuracy.FILES)
def test_no_decoded_variant_or_cedex_above_info(runs, name: str) -> None:
    findings = runs[name].findings
    decoded = findings["rule"].str.startswith("read.normalised.") | findings["rule"].isin(
        ["fr.postcode.special", "fr.postcode.insee_code"]
    )
    assert (findings.loc[decoded, "severity"] == "info").all()


@pytest.mark.parametrize("name", accuracy.FILES)
def test_every_record_finding_is_placed(runs, name: str) -> None:
    records = runs[name].findings
    records = records[records["scope"] == "record"]
    national = records["region_basis"].isin(["national_programme", "foreign_country"])
    assert (records["region"].notna() | national).all()
    assert records["region_basis"].notna().all()


def test_the_extract_decodes_what_it_publishes(runs) -> None:
    """The extract's variants are read, each said once as info: the Guyane programme's own
    objective codes, the Bretagne objectives only in the 'code et libellé' column, the Mayotte
    rows of the national ESF+ programme without a country, the CEDEX codes of public bodies."""
    findings = runs["20260316_liste_operations_extrait_9_regions.xlsx"].findings
    info = findings[findings["severity"] == "info"].set_index("rule")
    assert info.loc["read.normalised.specific_objective_code_extracted", "value"] == (
        "PR01.1-RUP-RSO1.3R"
    )
    assert info.loc["read.normalised.specific_objective_from_sibling", "count"] == 20
    assert info.loc["read.normalised.country_from_location", "count"] == 8
    special = findings[findings["rule"] == "fr.postcode.special"]
    assert set(special["value"]) == {"97647", "45057", "50010", "56321"}
    assert not findings["rule"].eq("eu21.specific_objective.valid_for_fund").any()


def test_accuracy_doc_is_up_to_date(runs) -> None:
    expected = accuracy.render([runs[name] for name in accuracy.FILES])
    assert accuracy.DOC.read_text(encoding="utf-8") == expected, (
        "docs/accuracy.md is out of date: run python scripts/accuracy.py"
    )
