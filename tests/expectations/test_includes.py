"""Suites that include a common file: the shared rules are written once and filled per period."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundcheck.errors import SuiteError
from fundcheck.expectations import load_suite
from fundcheck.expectations.suite import load_suite_file

COMMON = """\
texts:
  basis_country: legal basis of the country check
parameters:
  tolerance: {default: 0.5, ge: 0}
rules:
  - {id: eu.country.valid, severity: error, origin: expectation, family: validity, status: V,
     title_fr: Pays, title_en: Country, message_fr: "Pays {value}", message_en: "Country {value}",
     legal_basis: ISO 3166}
expectations:
  - type: expect_column_values_to_be_in_set
    kwargs: {column: country, value_set: [FR, DE]}
    meta: {rule: eu.country.valid, legal_basis: {$text: basis_country}}
"""

SUITE = """\
name: own.list_of_operations
version: 1.0.0
period: "2021-2027"
record_kind: operations
include:
  - file: shared/country.yaml
    texts: {basis_country: %s}
rules:
  - {id: own.rate.range, severity: error, origin: expectation, family: validity, status: V,
     title_fr: Taux, title_en: Rate, message_fr: "Taux {value}", message_en: "Rate {value}",
     legal_basis: Art 120}
expectations:
  - type: expect_column_values_to_be_between
    kwargs: {column: cofinancing_rate, min_value: 0, max_value: 1}
    meta: {rule: own.rate.range}
"""


def _write(folder: Path, suite: str = SUITE % "Annex XII", common: str = COMMON) -> Path:
    (folder / "shared").mkdir(exist_ok=True)
    (folder / "shared" / "country.yaml").write_text(common, encoding="utf-8")
    path = folder / "own.yaml"
    path.write_text(suite, encoding="utf-8")
    return path


def test_an_include_adds_the_common_rules_with_the_texts_of_the_suite(tmp_path: Path) -> None:
    suite = load_suite_file(_write(tmp_path))
    assert [rule.id for rule in suite.rules] == ["own.rate.range", "eu.country.valid"]
    country = suite.expectations[1]
    assert (country.meta.rule, country.meta.legal_basis) == ("eu.country.valid", "Annex XII")
    assert suite.parameters == {"tolerance": 0.5}


def test_a_null_text_keeps_the_rules_own_legal_basis(tmp_path: Path) -> None:
    suite = load_suite_file(_write(tmp_path, suite=SUITE % "null"))
    assert suite.expectations[1].meta.legal_basis is None


@pytest.mark.parametrize(
    ("suite", "common", "message"),
    [
        (
            SUITE.replace("    texts: {basis_country: %s}\n", ""),
            COMMON,
            "texts not given: basis_country",
        ),
        (SUITE % "A, basis_dates: B", COMMON, "unknown texts: basis_dates"),
        (SUITE % "A", COMMON.replace("{$text: basis_country}", "{$text: basis}"), "basis"),
        (SUITE.replace("shared/country", "shared/missing") % "A", COMMON, "no file shared/missing"),
        (SUITE.replace("shared/country", "../country") % "A", COMMON, "without '..'"),
        (SUITE % "A", COMMON + "name: other\n", "only .* may be given"),
        (SUITE % "A", COMMON.replace("eu.country.valid", "own.rate.range"), "defined twice"),
        (
            (SUITE % "A").replace("rules:", "parameters: {tolerance: 1}\nrules:"),
            COMMON,
            "parameters defined in the suite and its include: tolerance",
        ),
    ],
)
def test_inconsistent_includes_are_suite_errors(
    tmp_path: Path, suite: str, common: str, message: str
) -> None:
    with pytest.raises(SuiteError, match=message):
        load_suite_file(_write(tmp_path, suite=suite, common=common))


def test_a_projects_suite_can_include_the_packaged_common_file(tmp_path: Path) -> None:
    """Not beside the suite: the packaged common file is found, and its slots must be filled."""
    path = tmp_path / "own.yaml"
    path.write_text(
        SUITE.replace("shared/country.yaml", "common/eu.list_of_operations.yaml") % "A",
        encoding="utf-8",
    )
    with pytest.raises(SuiteError, match="texts not given: basis_beneficiary_postcode"):
        load_suite_file(path)


def test_both_periods_share_the_common_rules_with_their_own_legal_bases() -> None:
    """The shared rules are the same entries in both suites; the per-period bases differ."""
    earlier = load_suite("eu_2014_2020.list_of_operations")
    later = load_suite("eu_2021_2027.list_of_operations")
    shared = {rule.id for rule in earlier.rules} & {rule.id for rule in later.rules}
    assert {"eu.cci.format", "fr.postcode.format", "fr.siret.valid", "eu.rate.range"} <= shared
    for rule_id in shared:
        assert earlier.rule(rule_id) == later.rule(rule_id)

    def basis(suite_rules: list, rule_id: str, field: str) -> str | None:
        return next(
            s.meta.legal_basis for s in suite_rules if s.meta.rule == rule_id and s.field == field
        )

    assert basis(earlier.expectations, "eu.amount.non_negative", "eu_amount") == (
        "CPR (EU) No 1303/2013 Art 115(2)"
    )
    assert str(basis(later.expectations, "eu.amount.non_negative", "eu_amount")).startswith(
        "CPR (EU) 2021/1060 Art 49(3)(k)"
    )
