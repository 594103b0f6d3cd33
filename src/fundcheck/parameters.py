"""The rule parameters a run may set (``[parameters]`` in fundcheck.toml), typed and validated.

Each check declares its parameters as a pydantic model (``checks.base.Parameters``: type,
default, bounds, description); each expectation suite declares its own in its file. The run's
``[parameters]`` table is validated against the union of them all, before anything runs: an
unknown name (with the closest known one), a value of the wrong type, an infinite or NaN number
or a value out of bounds is an execution error naming the key and the file (exit code 3).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic.fields import FieldInfo

from fundcheck.errors import ConfigError


@cache
def _models() -> tuple[tuple[str | None, type[BaseModel]], ...]:
    """(rule id, parameters model) of every check, of the CPER rules and of every suite."""
    from fundcheck.catalogue import _suites
    from fundcheck.checks import CHECKS
    from fundcheck.checks.cper_checks import CperParameters

    models: list[tuple[str | None, type[BaseModel]]] = [
        (rule_id, check.parameters) for rule_id, check in CHECKS.items()
    ]
    models.append((None, CperParameters))
    models += [(None, suite.parameter_model()) for suite in _suites()]
    return tuple(models)


@cache
def run_parameters_model() -> type[BaseModel]:
    """The union of every declared parameter, plus ``as_of`` (the date the run judges at)."""
    fields: dict[str, Any] = {
        "as_of": (dt.date, Field(None, description="The date freshness and progress are judged at"))
    }
    for _, declared in _models():
        for name, info in declared.model_fields.items():
            if name in fields and fields[name][1].default != info.default:
                raise ValueError(f"parameter {name} declared twice with different defaults")
            fields.setdefault(name, (info.annotation, _copy(info)))
    config = ConfigDict(extra="forbid", allow_inf_nan=False)
    union: type[BaseModel] = create_model("RunParameters", __config__=config, **fields)
    return union


def _copy(info: FieldInfo) -> FieldInfo:
    return FieldInfo.merge_field_infos(info)


def defaults() -> dict[str, Any]:
    """Every known parameter with its default (checks, CPER rules and expectation suites)."""
    known = {name: info.default for name, info in run_parameters_model().model_fields.items()}
    known["as_of"] = dt.date.today()
    return known


def check_parameters(values: Mapping[str, Any], *, location: str | None = None) -> None:
    """Refuse unknown names, wrong types, infinite or NaN numbers and out-of-bounds values."""
    model = run_parameters_model()
    try:
        model.model_validate(dict(values))
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        if first["type"] == "extra_forbidden":
            close = difflib.get_close_matches(name, list(model.model_fields), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            known = ", ".join(sorted(model.model_fields))
            message = f"unknown parameter {name!r}{hint} (known: {known})"
        else:
            where = ".".join(str(part) for part in first["loc"])
            message = (
                f"invalid value for parameter {where} = {first.get('input')!r}: {first['msg']}"
            )
        raise ConfigError(message, location=location) from None


def parameters_by_rule() -> dict[str, dict[str, Any]]:
    """The parameters each rule reads, with their defaults (``fundcheck rules --json``)."""
    from fundcheck.catalogue import _suites
    from fundcheck.checks.cper_checks import RULE_PARAMETERS as CPER_PARAMETERS_BY_RULE
    from fundcheck.expectations.suite import parameter_names

    out: dict[str, dict[str, Any]] = {}
    for suite in _suites():
        for spec in suite.expectations:
            for name in parameter_names(spec.kwargs):
                out.setdefault(spec.meta.rule, {})[name] = suite.parameters[name]
    for rule_id, model in _models():
        if rule_id is not None:
            fields = model.model_fields.items()
            out.setdefault(rule_id, {}).update({n: i.default for n, i in fields})
    defaults_ = defaults()
    for rule_id, names in CPER_PARAMETERS_BY_RULE.items():
        out.setdefault(rule_id, {}).update({name: defaults_[name] for name in names})
    return {rule_id: params for rule_id, params in out.items() if params}


def describe() -> list[dict[str, Any]]:
    """Every parameter with its default and description (the README's parameters table)."""
    return [
        {"name": name, "default": info.default, "description": info.description or ""}
        for name, info in sorted(run_parameters_model().model_fields.items())
    ]
