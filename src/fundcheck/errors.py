"""Execution errors: problems that stop a run (exit code 3), as opposed to findings in the data.

The hierarchy::

    * FundcheckError            base class; its message is shown to the user without a traceback
      + SourceError             a source cannot be read (file, sheet, database, API)
        - UnmappableSourceError mandatory columns cannot be mapped to canonical fields
      + SuiteError              an expectation suite is invalid or GX failed while running it
      + ConfigError             a configuration file or an option value is invalid

Every error names where it happened (file, row, column) when that is known.
"""

from __future__ import annotations

from fundcheck.display import printable


class FundcheckError(Exception):
    """A problem that stops the run. Its message is user-facing."""

    def __init__(
        self,
        message: str,
        *,
        location: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.location = location
        self.row = row
        self.column = column
        super().__init__(self.describe())

    def describe(self) -> str:
        """The message prefixed with file, row and column when known."""
        where = []
        if self.location:
            where.append(printable(self.location))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {printable(self.column)!r}")
        return f"{': '.join([', '.join(where), self.message]) if where else self.message}"


class SourceError(FundcheckError):
    """A source cannot be read."""


class UnmappableSourceError(SourceError):
    """The mandatory columns of a source cannot be mapped to canonical fields."""


class SuiteError(FundcheckError):
    """An expectation suite is invalid, or the validation engine failed."""


class ConfigError(FundcheckError):
    """A configuration value is invalid."""
