"""Suite files: loading, consistency checks, and the GX suite built from them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from fundcheck.errors import SuiteError
from fundcheck.expectations import (
    SuiteFile,
    available_suites,
    check_suite,
    load_suite,
)
from fundcheck.expectations.engine import PlannedExpectation, build_gx_suite
from fundcheck.expectations.includes import expand_includes
from fundcheck.expectations.suite import load_suite_file
from fundcheck.model import FIELDS, Severity
from fundcheck.reference import load_reference

SUITES = Path(__file__).resolve().parents[2] / "expectations" / "suites"
SUITE_FILE = SUITES / "eu_2021_2027.list_of_operations.yaml"
COMMON_FILE = SUITES / "common" / "eu.list_of_operations.yaml"
CATALOGUE = {  # rule id: (severity, status) from the shared rule catalogue
    "eu21.art49.mandatory_field": ("error", "V"),
    "eu21.art49.location_indicator": ("error", "V"),
    "eu.cci.format": ("error", "V"),
    "eu21.cci.known_programme": ("error", "V"),
    "eu21.fund.valid": ("error", "V"),
    "eu21.specific_objective.not_decoded": ("warning", "V"),
    "eu21.specific_objective.valid_for_fund": ("error", "V"),
    "eu21.specific_objective.not_in_reference": ("warning", "C"),
    "eu21.intervention_field.not_decoded": ("warning", "V"),
    "eu21.intervention_field.valid": ("warning", "C"),
    "eu21.intervention_field.other_fund": ("warning", "U"),
    "eu21.intervention_field.outermost_only": ("warning", "C"),
    "eu21.programme.fund_not_in_programme": ("error", "V"),
    "eu21.policy_objective.consistent_with_objective": ("error", "V"),
    "eu21.specific_objective.label_mismatch": ("error", "V"),
    "fr.postcode.format": ("error", "V"),
    "fr.postcode.exists": ("warning", "V"),
    "fr.postcode.special": ("info", "V"),
    "fr.postcode.insee_code": ("info", "V"),
    "eu.country.valid": ("error", "V"),
    "eu.dates.start_before_end": ("error", "V"),
    "eu21.dates.eligibility_window": ("warning", "V"),
    "eu.rate.range": ("error", "V"),
    "eu.rate.zero": ("warning", "V"),
    "eu.amount.non_negative": ("error", "V"),
    "eu.amount.eu_not_above_eligible": ("error", "V"),
    "eu.amount.consistent_with_rate": ("warning", "C"),
    "eu21.art49.unique_operation_id": ("error", "V"),
    "fr.location.outside_programme_territory": ("warning", "C"),
    "fr.location.nuts_region_mismatch": ("warning", "C"),
    "fr.siren.valid": ("error", "V"),
    "fr.siret.valid": ("error", "V"),
    "fr.siret.siren_mismatch": ("error", "V"),
    "fr.vat.valid": ("error", "V"),
    "fr.vat.siren_mismatch": ("warning", "V"),
    "fr.rna.valid": ("error", "V"),
    "fr.rna.old_form": ("warning", "C"),
}


def _document() -> dict:
    """The suite file as YAML, with its include expanded."""
    return expand_includes(
        yaml.safe_load(SUITE_FILE.read_text(encoding="utf-8")),
        read=lambda name: (SUITES / name).read_text(encoding="utf-8"),
        parse=lambda text, _name: yaml.safe_load(text),
    )


def _planned(suite: SuiteFile) -> list[PlannedExpectation]:
    return [PlannedExpectation(key, spec) for key, spec in enumerate(suite.expectations)]


def test_packaged_suites() -> None:
    assert available_suites() == [
        "eu_2014_2020.list_of_operations",
        "eu_2021_2027.list_of_operations",
    ]
    with pytest.raises(SuiteError, match="unknown expectation suite"):
        load_suite("eu_2014_2020.nothing")


def test_suite_header(suite: SuiteFile) -> None:
    assert suite.name == "eu_2021_2027.list_of_operations"
    assert re.fullmatch(r"\d+\.\d+\.\d+", suite.version)
    assert (suite.period, suite.record_kind) == ("2021-2027", "operations")
    assert suite.parameters["rate_tolerance"] == 0.005


def test_rules_follow_the_catalogue(suite: SuiteFile) -> None:
    assert {rule.id: (rule.severity.value, rule.status) for rule in suite.rules} == CATALOGUE
    for rule in suite.rules:
        assert rule.origin == "expectation" and rule.scope == "record"
        assert rule.family in {"completeness", "validity", "consistency"}
        assert rule.title_fr and rule.title_en and rule.legal_basis
        assert rule.status != "U" or rule.severity is Severity.WARNING


def test_every_art49_mandatory_field_has_an_expectation(suite: SuiteFile) -> None:
    mandatory = [s for s in suite.expectations if s.meta.rule == "eu21.art49.mandatory_field"]
    assert len(mandatory) == 13
    for spec in mandatory:
        assert spec.type == "expect_column_values_to_not_be_null"
        assert spec.field in FIELDS
        assert spec.meta.on_absent == "report"
        assert spec.meta.legal_basis and spec.meta.legal_basis.startswith("CPR (EU) 2021/1060 Art")


def test_references_are_resolved_at_load_time(suite: SuiteFile) -> None:
    reference = load_reference()
    by_rule = {spec.meta.rule: spec for spec in suite.expectations}
    programmes = by_rule["eu21.cci.known_programme"].kwargs["value_set"]
    assert "2021FR16FFPR004" in programmes and "2021TC16RFCB006" in programmes
    assert not [cci for cci in programmes if cci.startswith("2014")]
    fields = by_rule["eu21.intervention_field.valid"].kwargs["value_set"]
    assert sorted(fields) == sorted(reference.intervention_fields_2021_2027)
    objectives = by_rule["eu21.specific_objective.valid_for_fund"].kwargs["allowed_by_key"]
    assert set(objectives) == {"CF", "EMFAF", "ERDF", "ESF+", "JTF"}
    assert "ESO4.13" in objectives["ESF+"] and "ISO6.1" in objectives["ERDF"]


def test_every_expectation_is_loaded_into_gx(suite: SuiteFile) -> None:
    """GX drops unknown types silently: the built suite must hold every YAML entry."""
    gx_suite = build_gx_suite(suite.name, _planned(suite))
    assert len(gx_suite.expectations) == len(_document()["expectations"]) == 57
    document = _document()["expectations"]
    for entry, expectation in zip(document, gx_suite.expectations, strict=True):
        config = expectation.configuration.to_json_dict()
        assert config["type"] == entry["type"]
        assert config["meta"]["rule"] == entry["meta"]["rule"]
        for key, value in entry["kwargs"].items():
            if not (isinstance(value, dict) and "$reference" in value):
                assert getattr(expectation, key) == value, (entry["type"], key)


def _suite_copy(folder: Path, **replacements: str) -> Path:
    """A copy of the 2021-2027 suite and its common file, each text replaced once, in the suite
    if it holds it, else in the common file."""
    texts = {
        SUITE_FILE.name: SUITE_FILE.read_text(encoding="utf-8"),
        "common/" + COMMON_FILE.name: COMMON_FILE.read_text(encoding="utf-8"),
    }
    for old, new in replacements.items():
        holders = [name for name, text in texts.items() if old in text]
        assert holders, old
        texts[holders[0]] = texts[holders[0]].replace(old, new, 1)
    for name, text in texts.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder / SUITE_FILE.name


def test_a_typo_in_a_type_is_a_suite_error(tmp_path: Path) -> None:
    suite = load_suite_file(
        _suite_copy(
            tmp_path,
            **{
                "type: expect_column_values_to_match_regex": (
                    "type: expect_column_values_to_match_regexp"
                )
            },
        )
    )
    with pytest.raises(
        SuiteError, match="#17 expect_column_values_to_match_regexp .eu21.specific_objective"
    ):
        check_suite(suite)


def test_a_misspelt_kwarg_is_a_suite_error(tmp_path: Path) -> None:
    rate = "max_value: 1}\n    meta: {rule: eu.rate.range"
    misspelt = "max_value: 1, strict_minimum: true}\n    meta: {rule: eu.rate.range"
    suite = load_suite_file(_suite_copy(tmp_path, **{rate: misspelt}))
    with pytest.raises(SuiteError, match="1 invalid expectation.*eu.rate.range.*strict_minimum"):
        check_suite(suite)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("rule: eu.rate.range, expected", "rule: eu.rate.ranges, expected", "not in the suite"),
        ("{$reference: countries}", "{$reference: pays}", "unknown \\$reference 'pays'"),
        ("{$PARAMETER: rate_tolerance}", "{$PARAMETER: tolerance}", "unknown \\$PARAMETER"),
        ("version: 1.3.0", "version: v1", "version"),
        ("    severity: warning\n", "    severity: fatal\n", "severity"),
        ("expected: 5 digits,", "expect: 5 digits,", "expect"),
    ],
)
def test_inconsistent_suite_files_are_suite_errors(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(SuiteError, match=message):
        load_suite_file(_suite_copy(tmp_path, **{old: new}))


def test_unreadable_suite_files(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="cannot read"):
        load_suite_file(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: [unclosed", encoding="utf-8")
    with pytest.raises(SuiteError, match="invalid YAML"):
        load_suite_file(broken)
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(SuiteError, match="mapping"):
        load_suite_file(listing)
