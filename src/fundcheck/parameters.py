"""The rule parameters a run may set (``[parameters]`` in fundcheck.toml): known names only,
each of the type of its default, finite and within its bounds.

A value that would silently switch a rule off (``rate_tolerance = inf``) or break it
(``split_title_similarity = -5``, ``nan``) is refused before anything runs, with the key and the
file named (exit code 3).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from fundcheck.errors import ConfigError

UPPER_BOUNDS = {"split_title_similarity": 100.0}
"""Inclusive upper bounds; any name ending in ``_tolerance`` is a share, below 1."""
POSITIVE = {"outlier_robust_z", "outlier_min_group", "max_duration_years"}
"""Parameters that must be above zero (the others may be zero)."""


def defaults() -> dict[str, Any]:
    """Every known parameter with its default (checks and expectation suites)."""
    from fundcheck.catalogue import _suites
    from fundcheck.checks import CHECKS

    known: dict[str, Any] = {"as_of": dt.date.today()}
    for suite in _suites():
        known.update(suite.parameters)
    for check in CHECKS.values():
        known.update(check.parameters)
    return known


def _number(name: str, value: Any, default: int | float, fail: ConfigError) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail
    if isinstance(default, int) and isinstance(value, float) and not value.is_integer():
        raise fail
    number = float(value)
    if not math.isfinite(number):
        raise ConfigError(f"parameter {name} must be a finite number, not {value!r}")
    upper = UPPER_BOUNDS.get(name, 1.0 if name.endswith("_tolerance") else math.inf)
    lowest_ok = number > 0 if name in POSITIVE else number >= 0
    if not lowest_ok or number > upper or (name.endswith("_tolerance") and number >= 1):
        low = "above 0" if name in POSITIVE else "at least 0"
        high = f" and {'below' if name.endswith('_tolerance') else 'at most'} {upper:g}"
        raise ConfigError(
            f"parameter {name} = {value!r} is out of bounds (it must be {low}"
            f"{high if math.isfinite(upper) else ''})"
        )


def check_parameters(values: Mapping[str, Any], *, location: str | None = None) -> None:
    """Refuse unknown names, wrong types, infinite or NaN numbers and out-of-bounds values."""
    known = defaults()
    for name, value in values.items():
        try:
            if name not in known:
                raise ConfigError(f"unknown parameter {name!r} (known: {', '.join(sorted(known))})")
            default = known[name]
            fail = ConfigError(
                f"parameter {name} must be a {type(default).__name__}, not {value!r}"
            )
            if isinstance(default, bool):
                if not isinstance(value, bool):
                    raise fail
            elif isinstance(default, int | float):
                _number(name, value, default, fail)
            elif isinstance(default, dt.date):
                if not isinstance(value, dt.date):
                    try:
                        dt.date.fromisoformat(str(value))
                    except ValueError:
                        raise fail from None
            elif isinstance(default, tuple | list):
                items = value if isinstance(value, list) else None
                numeric = bool(default) and all(isinstance(d, int | float) for d in default)
                kinds: tuple[type, ...] = (int, float) if numeric else (str,)
                if not isinstance(value, str) and (
                    items is None
                    or not all(
                        isinstance(item, kinds) and not isinstance(item, bool) for item in items
                    )
                    or (numeric and not all(math.isfinite(i) and i >= 0 for i in items))
                ):
                    raise ConfigError(f"parameter {name} must be a list, not {value!r}")
        except ConfigError as error:
            raise ConfigError(error.message, location=location, column=None) from None


def parameters_by_rule() -> dict[str, dict[str, Any]]:
    """The parameters each rule reads, with their defaults (``fundcheck rules --json``)."""
    from fundcheck.catalogue import _suites
    from fundcheck.checks import CHECKS
    from fundcheck.expectations.suite import parameter_names

    out: dict[str, dict[str, Any]] = {}
    for suite in _suites():
        for spec in suite.expectations:
            for name in parameter_names(spec.kwargs):
                out.setdefault(spec.meta.rule, {})[name] = suite.parameters[name]
    for rule_id, check in CHECKS.items():
        if check.parameters:
            out.setdefault(rule_id, {}).update(check.parameters)
    return out
