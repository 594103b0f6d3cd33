"""Expectation suites as versioned data: the YAML file model and its loader (no GX import here).

A suite file (``suites/<name>.yaml``) holds the catalogue entries of the rules it implements
(``rules``) and GX 1.x expectation entries (``type``, ``kwargs``, ``meta``). Two placeholders
keep the file small and the thresholds outside it:

* ``{"$reference": "<name>"}`` anywhere in ``kwargs`` is replaced at load time by a packaged code
  list (see :mod:`fundcheck.expectations.references`);
* ``{"$PARAMETER": "<name>"}`` is GX's own run-time parameter, filled from the suite's
  ``parameters`` (overridable per run) when the suite is validated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from fundcheck.errors import SuiteError
from fundcheck.expectations.includes import IncludeError, expand_includes
from fundcheck.expectations.references import REFERENCE_NAMES, resolve_reference
from fundcheck.model import Rule

SUITES_PACKAGE = "fundcheck.expectations"
SUITES_FOLDER = "suites"
REFERENCE_KEY = "$reference"
PARAMETER_KEY = "$PARAMETER"

OnAbsent = Literal["report", "skip"]


class RowFilter(BaseModel):
    """The rows an expectation applies to: ``column`` (or ``column[slice]``) is in ``values``.

    ``or_missing``: rows where the column is empty, or absent from the source, apply too. Example:
    French postcode rules apply to rows whose country is FR or not given. ``exclude``: the rows
    whose column is *not* in ``values`` apply instead (the YEI exception to an eligibility date).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str
    values: tuple[str, ...]
    slice: tuple[int, int] | None = None
    or_missing: bool = False
    exclude: bool = False


class ExpectationMeta(BaseModel):
    """What fundcheck needs beside GX's own kwargs to turn a failing row into a finding."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    """Id of the catalogue rule this expectation implements (one of the suite's ``rules``)."""
    legal_basis: str | None = None
    """Overrides the rule's legal basis here (e.g. the Art 49(3) point of one field)."""
    field: str | None = None
    """Canonical field a finding points at; defaults to the ``column`` kwarg."""
    expected: str | None = None
    """Short text shown as the finding's ``expected``; may use ``{field}`` and ``{parameter}``."""
    only_if_passes: str | None = None
    """Report a row only if it has no finding of this other rule on the same field."""
    on_absent: OnAbsent = "skip"
    """A column is absent from the source: ``report`` one dataset finding, or ``skip``."""
    optional_columns: tuple[str, ...] = ()
    """Columns of a column list that may be absent: they are left out instead."""
    where: RowFilter | None = None
    """Report only rows this filter keeps (see :class:`RowFilter`)."""


class ExpectationSpec(BaseModel):
    """One GX 1.x expectation entry of a suite file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    kwargs: dict[str, Any]
    meta: ExpectationMeta

    def columns(self) -> list[str]:
        """Every column the expectation reads, in kwargs order."""
        names: list[str] = []
        for key in ("column", "column_A", "column_B"):
            if isinstance(self.kwargs.get(key), str):
                names.append(self.kwargs[key])
        for key in ("column_list", "group_by"):
            names.extend(str(name) for name in self.kwargs.get(key) or ())
        return names

    @property
    def field(self) -> str | None:
        """Canonical field the findings of this expectation point at."""
        column = self.kwargs.get("column")
        return self.meta.field or (column if isinstance(column, str) else None)


SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML has it (ten times faster on the suite files), else PyYAML's."""


class ParameterSpec(BaseModel):
    """A suite parameter as its file declares it: default, bounds and what it means. A file may
    also give a bare default: a number is then at least 0."""

    model_config = ConfigDict(extra="forbid")

    default: Any
    description: str = ""
    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None


class SuiteFile(BaseModel):
    """A versioned expectation suite: its rules, default parameters and expectations."""

    model_config = ConfigDict(extra="forbid")

    name: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    period: str
    record_kind: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    """Parameter name -> default (from the file's declarations)."""
    parameter_specs: dict[str, ParameterSpec] = Field(default_factory=dict)
    rules: list[Rule]
    expectations: list[ExpectationSpec]

    @model_validator(mode="before")
    @classmethod
    def _declared_parameters(cls, data: Any) -> Any:
        """``parameters: {name: {default, description, ge, gt, le, lt}}`` or ``{name: default}``."""
        if not isinstance(data, dict) or "parameter_specs" in data:
            return data
        declared = data.get("parameters") or {}
        if not isinstance(declared, dict):
            return data
        specs = {}
        for name, value in declared.items():
            if isinstance(value, dict):
                specs[name] = ParameterSpec(**value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                specs[name] = ParameterSpec(default=value, ge=0)
            else:
                specs[name] = ParameterSpec(default=value)
        return {
            **data,
            "parameters": {name: spec.default for name, spec in specs.items()},
            "parameter_specs": specs,
        }

    def parameter_model(self) -> type[BaseModel]:
        """The suite's parameters as a pydantic model (type of the default, bounds, meaning)."""
        fields: dict[str, Any] = {}
        for name, spec in self.parameter_specs.items():
            bounds = {
                k: getattr(spec, k)
                for k in ("ge", "gt", "le", "lt")
                if getattr(spec, k) is not None
            }
            kind = type(spec.default)
            fields[name] = (kind, Field(spec.default, description=spec.description, **bounds))
        config = ConfigDict(extra="forbid", allow_inf_nan=False)
        model: type[BaseModel] = create_model(
            f"{self.name} parameters", __config__=config, **fields
        )
        return model

    @model_validator(mode="after")
    def _check_consistency(self) -> SuiteFile:
        rule_ids = [rule.id for rule in self.rules]
        duplicates = sorted({rule for rule in rule_ids if rule_ids.count(rule) > 1})
        if duplicates:
            raise ValueError(f"rules defined twice: {', '.join(duplicates)}")
        for rule in self.rules:
            if rule.origin != "expectation":
                raise ValueError(f"rule {rule.id}: origin must be 'expectation'")
        known = set(rule_ids)
        for position, spec in enumerate(self.expectations, start=1):
            where = f"expectation {position} ({spec.type})"
            for rule_id in (spec.meta.rule, spec.meta.only_if_passes):
                if rule_id is not None and rule_id not in known:
                    raise ValueError(f"{where}: meta rule {rule_id!r} is not in the suite's rules")
            for name in parameter_names(spec.kwargs):
                if name not in self.parameters:
                    raise ValueError(f"{where}: unknown $PARAMETER {name!r}")
            if not spec.columns():
                raise ValueError(f"{where}: no column in kwargs")
        return self

    def rule(self, rule_id: str) -> Rule:
        """The catalogue entry of a rule of this suite."""
        return next(rule for rule in self.rules if rule.id == rule_id)


def available_suites() -> list[str]:
    """Names of the suites packaged with fundcheck."""
    folder = packaged_suites_folder()
    return sorted(
        entry.name.removesuffix(".yaml")
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    )


def packaged_suites_folder() -> Traversable:
    """The folder of the suites packaged with fundcheck (and of their common files)."""
    return resources.files(SUITES_PACKAGE).joinpath(SUITES_FOLDER)


def load_suite(name: str) -> SuiteFile:
    """Load a packaged suite by name, with its includes and ``$reference`` code lists resolved."""
    if name not in available_suites():
        raise SuiteError(
            f"unknown expectation suite {name!r}; available: {', '.join(available_suites())}"
        )
    path = packaged_suites_folder().joinpath(f"{name}.yaml")
    return parse_suite(path.read_text(encoding="utf-8"), location=f"{name}.yaml")


def load_suite_file(path: Path) -> SuiteFile:
    """Load a suite from any YAML file (a project's own suite, or a test fixture).

    Its includes are looked up beside it first, then among the packaged common files."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SuiteError(f"cannot read suite file: {error}", location=str(path)) from error
    return parse_suite(text, location=str(path), folder=path.parent)


def parse_suite(
    text: str, *, location: str = "<suite>", folder: Path | Traversable | None = None
) -> SuiteFile:
    """Parse suite YAML, expand its includes, resolve ``$reference`` placeholders and check
    internal consistency. Includes are read from ``folder``, else from the packaged suites."""
    document = _parse_yaml(text, location)
    if not isinstance(document, dict):
        raise SuiteError("a suite file must be a YAML mapping", location=location)
    try:
        document = expand_includes(
            document, read=lambda name: _read_included(name, folder), parse=_parse_yaml
        )
        for entry in document.get("expectations") or []:
            if isinstance(entry, dict) and isinstance(entry.get("kwargs"), dict):
                entry["kwargs"] = _resolve_references(entry["kwargs"])
        return SuiteFile.model_validate(document)
    except (ValidationError, LookupError, IncludeError) as error:
        raise SuiteError(f"invalid suite: {error}", location=location) from error


def _parse_yaml(text: str, location: str) -> Any:
    try:
        return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise SuiteError(f"invalid YAML: {error}", location=location) from error


def _read_included(name: str, folder: Path | Traversable | None) -> str:
    """An included file, by a relative path without '..', beside the suite or packaged."""
    parts = name.split("/")
    if name.startswith("/") or ".." in parts or not name.endswith(".yaml"):
        raise LookupError("an include is a relative path to a .yaml file, without '..'")
    for base in (folder, packaged_suites_folder()):
        if base is None:
            continue
        candidate = base.joinpath(*parts)
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise LookupError(f"no file {name} beside the suite nor among the packaged suites")


def _resolve_references(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {REFERENCE_KEY}:
            name = value[REFERENCE_KEY]
            if name not in REFERENCE_NAMES:
                raise LookupError(
                    f"unknown $reference {name!r}; known: {', '.join(sorted(REFERENCE_NAMES))}"
                )
            return resolve_reference(name)
        return {key: _resolve_references(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve_references(item) for item in value]
    return value


def parameter_names(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        if PARAMETER_KEY in value:
            yield str(value[PARAMETER_KEY])
        else:
            for item in value.values():
                yield from parameter_names(item)
    elif isinstance(value, list):
        for item in value:
            yield from parameter_names(item)
