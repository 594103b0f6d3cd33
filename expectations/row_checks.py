"""The per-record judgements of fundcheck's own expectations, apart from GX.

Each function takes the cells of one or more columns (pandas Series) and returns a boolean Series:
true where the row is as expected. The pandas engine calls them on whole columns; the Spark engine
calls them in pandas UDFs on batches of rows, in Python workers that import this module and
never GX (only row-local judgements are here: each row is judged on its own cells).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from fundcheck.expectations.identifiers import VALIDATORS, embedded_siren
from fundcheck.expectations.person_names import looks_like_person
from fundcheck.expectations.references import (
    in_programme_territory,
    region_of,
    resolve_reference,
)
from fundcheck.reference.lookups import OBJECTIVE_CODE, specific_objective_code
from fundcheck.reference.lookups import postcode_class as classify_postcode

ANY_CODE = "*"
"""In ``forbidden_by_key``: every code is forbidden for that key."""


def by_distinct_value(column: pd.Series, is_valid: Callable[[Any], bool]) -> pd.Series:
    """Evaluate ``is_valid`` once per distinct value (columns of codes repeat a lot)."""
    codes, uniques = pd.factorize(column)
    valid = np.fromiter((is_valid(value) for value in uniques), dtype=bool, count=len(uniques))
    return pd.Series(np.where(codes < 0, True, valid[codes]), index=column.index)


def by_distinct_pair(
    first: pd.Series, second: pd.Series, is_valid: Callable[[Any, Any], bool]
) -> pd.Series:
    """Evaluate ``is_valid(a, b)`` once per distinct pair; a missing cell is passed as None."""
    first_codes, first_values = pd.factorize(first)
    second_codes, second_values = pd.factorize(second)
    width = len(second_values) + 1
    pair_codes = (first_codes.astype(np.int64) + 1) * width + (second_codes + 1)
    inverse, pairs = pd.factorize(pair_codes)  # hashing: no sort of a million codes
    firsts = [None, *(first_values[i] for i in range(len(first_values)))]
    seconds = [None, *(second_values[i] for i in range(len(second_values)))]

    valid = np.fromiter(
        (is_valid(firsts[pair // width], seconds[pair % width]) for pair in pairs.tolist()),
        dtype=bool,
        count=len(pairs),
    )
    return pd.Series(valid[inverse], index=first.index)


def delimited_codes_in_set(column: pd.Series, value_set: list[Any], separator: str) -> pd.Series:
    """Each code of the cell, split on ``separator``, is in ``value_set``."""
    allowed = set(value_set)
    return by_distinct_value(
        column, lambda cell: all(code.strip() in allowed for code in str(cell).split(separator))
    )


@cache
def _code_list(name: str) -> frozenset[Any]:
    return frozenset(resolve_reference(name))


def in_code_list(column: pd.Series, code_list: str) -> pd.Series:
    """The cell is in the packaged code list named ``code_list``."""
    return column.isin(_code_list(code_list))


def not_postcode_class(column: pd.Series, postcode_class: str) -> pd.Series:
    """The postcode is not of ``postcode_class``."""
    return by_distinct_value(column, lambda code: classify_postcode(str(code)) != postcode_class)


def b_allowed_for_a(
    first: pd.Series, second: pd.Series, allowed_by_key: dict[str, list[str]]
) -> pd.Series:
    """The value B is allowed for the key A (for some key, where A is not a key)."""
    every_value = {value for values in allowed_by_key.values() for value in values}
    allowed = {key: set(values) for key, values in allowed_by_key.items()}

    def is_valid(key: Any, value: Any) -> bool:
        if value is None:
            return True
        if key in allowed:
            return value in allowed[key]
        return value in every_value

    return by_distinct_pair(first, second, is_valid)


def codes_not_forbidden_for_a(
    first: pd.Series, second: pd.Series, forbidden_by_key: dict[str, list[str]], separator: str
) -> pd.Series:
    """No code of B (joined by ``separator``) is forbidden for the key A."""
    forbidden = {key: set(values) for key, values in forbidden_by_key.items()}

    def is_valid(key: Any, value: Any) -> bool:
        if key not in forbidden or not isinstance(value, str):
            return True
        codes = [code for code in value.split(separator) if code]
        if ANY_CODE in forbidden[key]:
            return not codes
        return not any(code in forbidden[key] for code in codes)

    return by_distinct_pair(first, second, is_valid)


def same_objective(codes: pd.Series, labels: pd.Series) -> pd.Series:
    """The code is the one its "code and label" cell names (a label naming none passes)."""

    def is_valid(code: Any, label: Any) -> bool:
        named, _ = specific_objective_code(str(label))
        return not OBJECTIVE_CODE.match(named) or named == code

    return by_distinct_pair(codes, labels, is_valid)


def amount_equals_base_times_rate(
    base: pd.Series, rate: pd.Series, amount: pd.Series, tolerance: float
) -> pd.Series:
    """``|amount - base x rate| <= tolerance x |base|``."""
    base, rate, amount = (values.astype("float64") for values in (base, rate, amount))
    gap: pd.Series = (amount - base * rate).abs()
    return gap <= float(tolerance) * base.abs()


def valid_identifier(column: pd.Series, scheme: str) -> pd.Series:
    """The cell is a valid identifier of ``scheme`` (SIREN, SIRET, VAT number, RNA number)."""
    return by_distinct_value(column, VALIDATORS[scheme])


def same_siren(sirens: pd.Series, others: pd.Series, scheme: str) -> pd.Series:
    """The SIREN is the one a valid identifier of ``scheme`` (SIRET, VAT number) carries."""
    valid_other = VALIDATORS[scheme]

    def is_valid(siren: Any, other: Any) -> bool:
        if siren is None or other is None or not valid_other(other):
            return True  # missing or invalid: other rules report it
        return embedded_siren(scheme, str(other)) == str(siren)

    return by_distinct_pair(sirens, others, is_valid)


def same_region(first: pd.Series, second: pd.Series, kind_a: str, kind_b: str) -> pd.Series:
    """The two location codes point to the same region (an unknown region passes)."""

    def is_valid(a: Any, b: Any) -> bool:
        if kind_a == "cci":
            return in_programme_territory(a, kind_b, b)
        region_a, region_b = region_of(kind_a, a), region_of(kind_b, b)
        return region_a is None or region_b is None or region_a == region_b

    return by_distinct_pair(first, second, is_valid)


def not_person_name(column: pd.Series) -> pd.Series:
    """The cell does not look like a natural person's name."""
    return by_distinct_value(column, lambda name: not looks_like_person(str(name)))
