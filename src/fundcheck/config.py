"""Run configuration: what to read, which thresholds to apply, what to write.

Values come from the command line, over an optional ``fundcheck.toml``::

    [parameters]            # rule parameters, by name (see `fundcheck rules`)
    rate_tolerance = 0.005

    [validate]
    fail_on = "error"
    lang = "fr"
    reports = ["json", "html"]

    [limits]                # input limits (see fundcheck.connectors.limits.InputLimits)
    max_unpacked_bytes = 1073741824
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fundcheck.connectors.limits import InputLimits
from fundcheck.connectors.spark_source import SparkFile
from fundcheck.connectors.sql_source import SqlSource
from fundcheck.errors import ConfigError
from fundcheck.model import Period, Severity


class FailOn(StrEnum):
    """The severity from which findings make the run fail (exit code 1)."""

    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"

    @property
    def severity(self) -> Severity | None:
        return None if self is FailOn.NEVER else Severity(self.value)


class RunConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[Path | SqlSource | SparkFile]
    sheet: str | None = None
    mapping: Path | None = None
    period: Period | None = None
    fail_on: FailOn = FailOn.ERROR
    lang: Literal["fr", "en"] = "fr"
    reports: list[str] = Field(default_factory=list)
    output: Path = Path("fundcheck-report")
    parameters: dict[str, Any] = Field(default_factory=dict)
    checks: bool = True
    """Run the aggregate checks (``--no-checks``: record rules only)."""
    limits: InputLimits = Field(default_factory=InputLimits)
    jobs: int | None = Field(None, ge=1)
    """Processes: 2 runs the aggregate checks beside the record rules (without checks, half the
    rows in each process), 1 one after the other; None decides (2 on a machine with two cores,
    from 20,000 records, when the machine has the memory for a second process)."""
    engine: Literal["pandas", "spark"] = "pandas"
    """Where the record rules run: GX's pandas engine here, or its Spark engine."""
    spark_master: str = "local[2]"
    """The Spark master URL of ``engine = "spark"``."""


def load_toml(path: Path) -> dict[str, Any]:
    """Read a fundcheck.toml file (execution error if it is not valid TOML)."""
    try:
        with path.open("rb") as handle:
            values = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(
            f"cannot read the configuration: {exc.strerror or exc}", location=str(path)
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"invalid TOML: {exc}", location=str(path)) from None
    check_file_values(values, location=str(path))
    return values


def check_file_values(values: dict[str, Any], *, location: str) -> None:
    """Refuse unknown sections, unknown keys and invalid values, naming the key and the file."""
    from fundcheck.parameters import check_parameters

    unknown = set(values) - {"validate", "parameters", "limits"}
    if unknown:
        raise ConfigError(
            f"unknown configuration section(s): {', '.join(sorted(unknown))}", location=location
        )
    for section in ("validate", "parameters", "limits"):
        if not isinstance(values.get(section, {}), dict):
            raise ConfigError(f"[{section}] must be a table", location=location)
    check_parameters(values.get("parameters", {}), location=location)
    try:
        InputLimits(**values.get("limits", {}))
    except ValidationError as exc:
        raise ConfigError(_first_problem("limits", exc), location=location) from None
    allowed = set(RunConfig.model_fields) - {"sources", "parameters", "limits"}
    extra = set(values.get("validate", {})) - allowed
    if extra:
        raise ConfigError(
            f"unknown key(s) in [validate]: {', '.join(sorted(extra))}", location=location
        )


def _first_problem(section: str, exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"invalid value for {section}.{where}: {first['msg']}"


def build_config(file_values: dict[str, Any], **cli_values: Any) -> RunConfig:
    """Merge file values and command-line values (command line wins; None means 'not given')."""
    merged: dict[str, Any] = dict(file_values.get("validate", {}))
    merged["parameters"] = dict(file_values.get("parameters", {}))
    merged["limits"] = dict(file_values.get("limits", {}))
    merged.update({k: v for k, v in cli_values.items() if v is not None})
    unknown = set(file_values) - {"validate", "parameters", "limits"}
    if unknown:
        raise ConfigError(f"unknown configuration section(s): {', '.join(sorted(unknown))}")
    try:
        return RunConfig(**merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid value for {where}: {first['msg']}") from exc
