"""The renderer interface and the registry of output formats."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal, Protocol

from fundcheck.model import RunResult

Lang = Literal["fr", "en"]


class Report(Protocol):
    """Renders a RunResult into files under an output folder."""

    format: ClassVar[str]

    def render(self, result: RunResult, out_dir: Path, lang: Lang) -> list[Path]:
        """Write the report and return the paths written."""
        ...


REPORTS: dict[str, type[Report]] = {}


def register(cls: type[Report]) -> type[Report]:
    """Class decorator: make a renderer available under its format name."""
    REPORTS[cls.format] = cls
    return cls
