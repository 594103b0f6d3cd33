"""The renderer interface, the options renderers accept, and the registry of output formats."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, Protocol, TypeVar

from fundcheck.model import RunResult, Severity

Lang = Literal["fr", "en"]


@dataclass(frozen=True)
class ReportOptions:
    """Settings shared by the renderers; each renderer reads only the ones it needs."""

    fail_on: Severity | None = Severity.ERROR
    """Findings at or above this severity fail the run (JUnit failures, Markdown verdict);
    ``None`` means never fail."""
    max_rows_per_region: int = 2000
    """HTML sections and XLSX region sheets: findings listed per region, worst first; the full
    list is in the XLSX all-findings sheet and the JSON report."""
    split_by_region: bool = False
    """HTML: also write one file per region bucket (``report-84.html``...)."""
    max_examples: int = 5
    """JUnit and HTML: example findings shown per rule."""
    top_rules: int = 10
    """Console, Markdown and XLSX: how many rules the "top rules" tables show."""

    def __post_init__(self) -> None:
        if self.max_rows_per_region < 0 or self.max_examples < 0 or self.top_rules < 0:
            raise ValueError("report limits must not be negative")

    @property
    def fail_rank(self) -> int:
        """The lowest severity rank that fails; above every rank when ``fail_on`` is ``None``."""
        return self.fail_on.rank if self.fail_on is not None else max(s.rank for s in Severity) + 1


DEFAULT_OPTIONS = ReportOptions()


class Report(Protocol):
    """Renders a RunResult into files under an output folder."""

    format: ClassVar[str]

    def render(
        self,
        result: RunResult,
        out_dir: Path,
        lang: Lang,
        options: ReportOptions = DEFAULT_OPTIONS,
    ) -> list[Path]:
        """Write the report and return the paths written."""
        ...


class SingleFileReport:
    """A report written to one file of the output folder: a subclass names its format and file
    and says how to write it (``write``)."""

    format: ClassVar[str]
    file_name: ClassVar[str]

    def render(
        self,
        result: RunResult,
        out_dir: Path,
        lang: Lang,
        options: ReportOptions = DEFAULT_OPTIONS,
    ) -> list[Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / self.file_name
        self.write(result, path, lang, options)
        return [path]

    def write(self, result: RunResult, path: Path, lang: Lang, options: ReportOptions) -> None:
        raise NotImplementedError


REPORTS: dict[str, type[Report]] = {}

R = TypeVar("R", bound=Report)


def demo_formats() -> list[str]:
    """The formats ``fundcheck demo`` writes by default: every registered format but those that
    say ``in_demo = False`` (the liaison pack: one document per region, slow to render)."""
    return [name for name, cls in REPORTS.items() if getattr(cls, "in_demo", True)]


def register(cls: type[R]) -> type[R]:
    """Class decorator: make a renderer available under its format name (a format registered
    twice is a programming error, raised at import)."""
    if cls.format in REPORTS and REPORTS[cls.format] is not cls:
        raise ValueError(f"report format {cls.format!r} registered twice")
    REPORTS[cls.format] = cls
    return cls
