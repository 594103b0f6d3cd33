"""The 2014-2020 suite (Annex XII §1) on one frame: one defect per row, validated once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from fundcheck.expectations import SuiteFile, load_suite, validate
from fundcheck.model import Severity
from fundcheck.reference import load_reference

SUITE = "eu_2014_2020.list_of_operations"

VALID_2014: dict[str, Any] = {
    "programme_cci": "2014FR16M0OP007",  # Midi-Pyrénées -> Occitanie
    "operation_id": "MP0001",
    "beneficiary_name": "Commune de Toulouse",
    "operation_name": "Rénovation du gymnase",
    "operation_summary": "Isolation du bâtiment",
    "start_date": "2015-03-01",
    "end_date": "2018-06-30",
    "total_eligible_cost": 100_000.0,
    "cofinancing_rate": 0.5,
    "eu_amount": 50_000.0,
    "country": "FR",
    "intervention_field": "013",
    "fund": "ERDF",
    "operation_postcode": "31000",
    "operation_department": "31",
    "operation_region": "76",
    "last_update_date": "2016-05-13",
    "_region": "76",
}

# name: (cells, rule, severity, field, value, expected)
FAILING: dict[str, tuple[dict[str, Any], str, str, str | None, Any, str | None]] = {
    "summary empty": (
        {"operation_summary": None},
        "eu14.annex_xii.mandatory_field",
        "error",
        "operation_summary",
        None,
        None,
    ),
    "no location at all": (
        {
            "operation_postcode": None,
            "operation_department": None,
            "operation_region": None,
            "location_text": None,
        },
        "eu14.annex_xii.location_indicator",
        "error",
        None,
        None,
        None,
    ),
    "no date of last update": (
        {"last_update_date": None},
        "eu14.annex_xii.last_update",
        "warning",
        "last_update_date",
        None,
        None,
    ),
    "a person named as beneficiary": (
        {"beneficiary_name": "M. Jean DUPONT"},
        "eu14.annex_xii.natural_person",
        "warning",
        "beneficiary_name",
        "M. Jean DUPONT",
        "name of a legal entity",
    ),
    "French CCI of no 2014-2020 programme": (
        {"programme_cci": "2014FR16M0OP099"},
        "eu14.cci.known_programme",
        "warning",
        "programme_cci",
        "2014FR16M0OP099",
        "French 2014-2020 operational programme CCI",
    ),
    "2021-2027 fund code": (
        {"fund": "ESF+"},
        "eu14.fund.valid",
        "warning",
        "fund",
        "ESF+",
        "CF | EMFF | ERDF | ESF | REACT-EU | YEI",
    ),
    "2021-2027 intervention code": (
        {"intervention_field": "124"},
        "eu14.intervention_field.valid",
        "error",
        "intervention_field",
        "124",
        "Reg. 215/2014 code(s) 001-123, joined by |",
    ),
    "start before 2014": (
        {"start_date": "2013-06-01"},
        "eu14.dates.eligibility_window",
        "warning",
        "start_date",
        "2013-06-01",
        "≥ 2014-01-01",
    ),
    "YEI operation started before its 2013-09-01 eligibility": (
        {"start_date": "2013-06-01", "fund": "YEI"},
        "eu14.dates.eligibility_window",
        "warning",
        "start_date",
        "2013-06-01",
        "≥ 2013-09-01 (YEI)",
    ),
    "end after 2023": (
        {"end_date": "2024-03-31"},
        "eu14.dates.eligibility_end",
        "error",
        "end_date",
        "2024-03-31",
        "≤ 2023-12-31",
    ),
    "French postcode of 4 digits": (
        {"operation_postcode": "3100"},
        "fr.postcode.format",
        "error",
        "operation_postcode",
        "3100",
        "5 digits",
    ),
    "postcode outside the programme's region": (
        {"operation_postcode": "35000"},
        "fr.location.outside_programme_territory",
        "warning",
        "operation_postcode",
        "35000",
        "Occitanie, 2014FR16M0OP007",
    ),
}

PASSING: dict[str, dict[str, Any]] = {
    "YEI operation started in autumn 2013 (Art 65(3))": {"start_date": "2013-10-01", "fund": "YEI"},
    "Danish row: foreign CCI and a 4-digit postcode": {
        "programme_cci": "2014DK16RFOP001",
        "country": "DK",
        "operation_postcode": "9220",
        "operation_department": None,
        "operation_region": None,
        "beneficiary_name": "Aalborg Kommune",
    },
    "national programme anywhere": {
        "programme_cci": "2014FR05SFOP001",
        "operation_postcode": "35000",
        "operation_department": "35",
        "operation_region": "53",
    },
    "Limousin postcode on the Aquitaine programme (same region since 2016)": {
        "programme_cci": "2014FR16M0OP001",
        "operation_postcode": "87000",
        "operation_department": "87",
        "operation_region": "75",
    },
    "YEI and codes joined by |": {"fund": "YEI", "intervention_field": "102|103"},
    "an organisation named after a person": {"beneficiary_name": "Lycée Jean Moulin"},
    "end of the eligibility period": {"end_date": "2023-12-31"},
}


@pytest.fixture(scope="module")
def suite_2014() -> SuiteFile:
    return load_suite(SUITE)


@pytest.fixture(scope="module")
def checked(
    suite_2014: SuiteFile, make_operations: Callable[..., pd.DataFrame]
) -> tuple[pd.DataFrame, dict[str, int]]:
    names = [*PASSING, *FAILING]
    cells = [*PASSING.values(), *(case[0] for case in FAILING.values())]
    rows = [{**VALID_2014, "operation_id": f"OP-{i}", **cell} for i, cell in enumerate(cells)]
    frame = make_operations(rows, drop=["specific_objective", "priority"])
    frame["last_update_date"] = pd.to_datetime(frame["last_update_date"]).astype("datetime64[ns]")
    findings = validate(
        frame, suite_2014, reference=load_reference(), source="liste.csv", column_labels={}
    )
    return findings, dict(zip(names, frame["_row"].tolist(), strict=True))


def _at(checked: tuple[pd.DataFrame, dict[str, int]], name: str) -> pd.DataFrame:
    findings, rows = checked
    return findings[findings["row"] == rows[name]]


@pytest.mark.parametrize("name", FAILING)
def test_failing_case(checked: tuple[pd.DataFrame, dict[str, int]], name: str) -> None:
    _, rule, severity, field, value, expected = FAILING[name]
    found = _at(checked, name)
    assert found["rule"].tolist() == [rule]
    finding = found.iloc[0]
    assert finding["severity"] == severity
    assert finding["field"] == field or (field is None and pd.isna(finding["field"]))
    assert finding["value"] == value or (value is None and finding["value"] is None)
    assert finding["expected"] == expected or (expected is None and finding["expected"] is None)
    assert finding["legal_basis"]
    assert "{" not in finding["message_fr"] and "{" not in finding["message_en"]


@pytest.mark.parametrize("name", PASSING)
def test_passing_case(checked: tuple[pd.DataFrame, dict[str, int]], name: str) -> None:
    assert _at(checked, name)["rule"].tolist() == []


def test_territory_message_names_both_regions(checked: tuple[pd.DataFrame, dict[str, int]]) -> None:
    finding = _at(checked, "postcode outside the programme's region").iloc[0]
    assert finding["message_en"] == (
        "'operation_postcode': '35000' lies in Bretagne, outside the programme's territory "
        "(Occitanie, 2014FR16M0OP007)."
    )
    assert "situé en Bretagne" in finding["message_fr"]


def test_annex_xii_bases_are_cited(checked: tuple[pd.DataFrame, dict[str, int]]) -> None:
    summary = _at(checked, "summary empty").iloc[0]
    assert summary["legal_basis"] == "CPR (EU) No 1303/2013 Annex XII §1 (operation summary)"
    person = _at(checked, "a person named as beneficiary").iloc[0]
    assert "no natural persons shall be named" in person["legal_basis"]


def test_eligibility_end_is_an_error_and_an_early_start_a_warning(suite_2014: SuiteFile) -> None:
    """Art 65(2) is verified: an end after 2023 is an error. A start before 2014 stays a warning:
    operations phased from 2007-2013 (Art 118) and YEI operations (Art 65(3)) start earlier."""
    end = suite_2014.rule("eu14.dates.eligibility_end")
    assert end.status == "V" and end.severity is Severity.ERROR
    start = suite_2014.rule("eu14.dates.eligibility_window")
    assert start.severity is Severity.WARNING and "Art 118" in start.legal_basis


def test_rules_shared_with_2021_2027_are_identical(suite_2014: SuiteFile) -> None:
    later = {rule.id: rule for rule in load_suite("eu_2021_2027.list_of_operations").rules}
    shared = [rule for rule in suite_2014.rules if rule.id in later]
    assert len(shared) >= 15
    assert [rule for rule in shared if rule != later[rule.id]] == []
    assert all(not rule.id.startswith("eu21.") for rule in suite_2014.rules)
