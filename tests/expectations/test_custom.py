"""fundcheck's custom GX expectations, run by GX itself on one small frame, with its pandas
engine and with its Spark engine (UDFs and window functions: the same rows fail)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from fundcheck.errors import SuiteError
from fundcheck.expectations.engine import Engine, PlannedExpectation, build_gx_suite, failing_rows
from fundcheck.expectations.suite import ExpectationMeta, ExpectationSpec

NA = None
FRAME = pd.DataFrame(
    {
        "codes": pd.array(["044", "044|045", "044|999", " 045 | 046 ", NA, "999"], dtype="str"),
        "fund": pd.array(["ERDF", "ESF+", "ESF+", NA, "XX", "ERDF"], dtype="str"),
        "objective": pd.array(["RSO1.1", "RSO1.1", "ESO4.1", "ESO4.1", "RSO1.1", NA], dtype="str"),
        "x": pd.array(["a", NA, NA, "b", NA, NA], dtype="str"),
        "y": [1.0, None, 2.0, None, None, 3.0],
        "base": [100.0, 100.0, 100.0, None, 0.0, 100.0],
        "rate": [0.5, 0.5, 0.5, 0.5, 0.5, 1.0],
        "amount": [50.0, 50.4, 51.0, 10.0, 0.0, 99.0],
        "id": pd.array(["a", "b", "a", "a", NA, NA], dtype="str"),
        "group": pd.array(["p", "p", "p", "q", "p", "p"], dtype="str"),
        "country": pd.array(["FR", "XX", NA, "DE", "EL", "fr"], dtype="str"),
        "name": pd.array(
            [
                "M. Jean DUPONT",
                "Commune de Bourges",
                "Helle Larsen",
                "Helle Larsen",
                "Helle Larsen",
                NA,
            ],
            dtype="str",
        ),
        "siren": pd.array(["552081317", "123456789", NA, "552081317", "55208131", NA], dtype="str"),
        "siret": pd.array(["55208131766522", "55208131766522", "1", NA, NA, NA], dtype="str"),
    }
)

CASES: list[tuple[str, str, dict[str, Any], list[int]]] = [
    (
        "each code of a delimited cell is checked; missing cells pass",
        "expect_column_values_to_be_delimited_codes_in_set",
        {"column": "codes", "value_set": ["044", "045", "046"]},
        [2, 5],
    ),
    (
        "B allowed for the key in A; any key's value when A is missing or unknown",
        "expect_column_pair_values_b_to_be_allowed_for_a",
        {
            "column_A": "fund",
            "column_B": "objective",
            "allowed_by_key": {"ERDF": ["RSO1.1"], "ESF+": ["ESO4.1"]},
        },
        [1],
    ),
    (
        "at least one of the columns filled",
        "expect_multicolumn_values_to_not_be_all_null",
        {"column_list": ["x", "y"]},
        [1, 4],
    ),
    (
        "amount = base x rate within the tolerance; rows with a gap skipped",
        "expect_multicolumn_amount_to_equal_base_times_rate",
        {"column_list": ["base", "rate", "amount"], "tolerance": 0.005},
        [2, 5],
    ),
    (
        "a value repeating an earlier row of its group; the first one passes",
        "expect_column_values_to_not_repeat_within_group",
        {"column": "id", "group_by": ["group"]},
        [2],
    ),
    (
        "with no group, repeats across the whole column",
        "expect_column_values_to_not_repeat_within_group",
        {"column": "id"},
        [2, 3],
    ),
    (
        "value in a packaged code list, named",
        "expect_column_values_to_be_in_code_list",
        {"column": "country", "code_list": "countries"},
        [1, 5],
    ),
    (
        "a person's name; a name carrying three operations is an organisation's",
        "expect_column_values_to_not_look_like_person_names",
        {"column": "name"},
        [0],
    ),
    (
        "a SIREN with a wrong key or length",
        "expect_column_values_to_be_valid_identifier",
        {"column": "siren", "scheme": "siren"},
        [1, 4],
    ),
    (
        "the SIREN a valid SIRET carries",
        "expect_column_pair_values_to_carry_the_same_siren",
        {"column_A": "siren", "column_B": "siret", "scheme_B": "siret"},
        [1],
    ),
]


def _planned(cases: list[tuple[str, str, dict[str, Any], list[int]]]) -> list[PlannedExpectation]:
    return [
        PlannedExpectation(
            key, ExpectationSpec(type=kind, kwargs=kwargs, meta=ExpectationMeta(rule="x"))
        )
        for key, (_, kind, kwargs, _) in enumerate(cases)
    ]


@pytest.fixture(scope="module", params=["pandas", "spark"])
def failing(request: pytest.FixtureRequest) -> dict[int, list[int]]:
    engine = Engine()
    if request.param == "spark":
        engine = Engine("spark", request.getfixturevalue("spark_master"))
    positions = failing_rows(FRAME, "custom", _planned(CASES), {}, engine)
    return {key: rows.tolist() for key, rows in positions.items()}


@pytest.mark.parametrize("key", range(len(CASES)), ids=[case[0] for case in CASES])
def test_custom_expectation(failing: dict[int, list[int]], key: int) -> None:
    assert failing.get(key, []) == CASES[key][3]


@pytest.mark.parametrize(
    ("kind", "kwargs", "message"),
    [
        (
            "expect_column_values_to_be_in_code_list",
            {"column": "country", "code_list": "pays"},
            "unknown code list",
        ),
        (
            "expect_multicolumn_amount_to_equal_base_times_rate",
            {"column_list": ["base", "amount"]},
            r"\[base, rate, amount\]",
        ),
    ],
)
def test_invalid_kwargs_are_suite_errors(kind: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(SuiteError, match=message):
        build_gx_suite("custom", _planned([("bad", kind, kwargs, [])]))
