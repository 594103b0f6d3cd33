"""Run configuration: what to read, which thresholds to apply, what to write.

Values come from the command line, over an optional ``fundcheck.toml``::

    [parameters]            # rule parameters, by name (see `fundcheck rules`)
    rate_tolerance = 0.005

    [validate]
    fail_on = "error"
    lang = "fr"
    reports = ["json", "html"]
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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

    sources: list[Path]
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


def load_toml(path: Path) -> dict[str, Any]:
    """Read a fundcheck.toml file (execution error if it is not valid TOML)."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(
            f"cannot read the configuration: {exc.strerror}", location=str(path)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", location=str(path)) from exc


def build_config(file_values: dict[str, Any], **cli_values: Any) -> RunConfig:
    """Merge file values and command-line values (command line wins; None means 'not given')."""
    merged: dict[str, Any] = dict(file_values.get("validate", {}))
    merged["parameters"] = dict(file_values.get("parameters", {}))
    merged.update({k: v for k, v in cli_values.items() if v is not None})
    unknown = set(file_values) - {"validate", "parameters"}
    if unknown:
        raise ConfigError(f"unknown configuration section(s): {', '.join(sorted(unknown))}")
    try:
        return RunConfig(**merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"invalid value for {where}: {first['msg']}") from exc
