"""The interface of aggregate and cross-record rules, and their registry.

A check reads whole record sets (all operations of a run) and returns findings as a table; it never
imports GX. Each check carries its catalogue entry (``rule``) with id, severity and legal basis, and
its tunable parameters with their defaults (``parameters``), which ``fundcheck.toml``
``[parameters]`` may override by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

import pandas as pd

from fundcheck.errors import ConfigError
from fundcheck.model import RecordSet, Rule
from fundcheck.reference import Reference


class Check(Protocol):
    """A rule over many records (a programme, a region, the whole dataset)."""

    rule: ClassVar[Rule]
    parameters: ClassVar[Mapping[str, Any]]
    """Parameter name → default value (names are unique across checks and suites)."""

    def run(
        self, data: Mapping[str, RecordSet], reference: Reference, parameters: Mapping[str, Any]
    ) -> pd.DataFrame:
        """Return a findings table (``fundcheck.model.findings_frame``); never raise on bad data."""
        ...


CHECKS: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: add a check to the registry under its rule id (an id registered twice
    is a programming error, raised at import)."""
    if cls.rule.id in CHECKS and CHECKS[cls.rule.id] is not cls:
        raise ValueError(f"check rule id {cls.rule.id!r} registered twice")
    CHECKS[cls.rule.id] = cls
    return cls


def settings(check: type[Check] | Check, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The check's parameters: its defaults, overridden by the run's values of the same name.

    An override takes the type of the default (``"0.9"`` → 0.9, ``"2026-03-16"`` → a date), so a
    value read from TOML or the command line works either way; a value that cannot be converted
    raises ConfigError (an execution error, exit code 3) naming the parameter.
    """
    out = dict(check.parameters)
    for name, default in check.parameters.items():
        if name in parameters and parameters[name] is not None:
            out[name] = _coerce(name, parameters[name], default)
    return out


def _coerce(name: str, value: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        if isinstance(default, int | float):
            return type(default)(value)
        if isinstance(default, dt.date):
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        if isinstance(default, tuple | list):
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(item).strip() for item in items if str(item).strip())
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid value for parameter {name}: {value!r}") from exc
    return value


def as_of(parameters: Mapping[str, Any]) -> dt.date:
    """The date the run assesses the data at: ``parameters["as_of"]`` (ISO date), else today."""
    value = parameters.get("as_of")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value:
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError as exc:
            raise ConfigError(f"invalid value for parameter as_of: {value!r}") from exc
    return dt.date.today()
