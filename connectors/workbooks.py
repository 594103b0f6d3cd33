"""Workbooks (XLSX, XLS, ODS) read sheet by sheet with calamine, cells kept typed.

The grid starts at cell A1 (leading empty rows and blank rows in the data are kept), so the
row of a grid line is its position + 1. Each sheet is parsed once and reused for scanning its
first rows and for reading it whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from python_calamine import CalamineWorkbook

from fundcheck.errors import SourceError


class Workbook:
    """An open workbook whose sheets are parsed on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._book = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types for corrupt files
            raise SourceError(f"the workbook cannot be opened: {exc}", location=str(path)) from None
        self._sheets: dict[str, Any] = {}

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheet_names)

    def _sheet(self, name: str) -> Any:
        if name not in self._sheets:
            if name not in self.sheet_names:
                known = ", ".join(repr(n) for n in self.sheet_names)
                raise SourceError(
                    f"sheet {name!r} not found (sheets: {known})", location=str(self.path)
                )
            try:
                self._sheets[name] = self._book.get_sheet_by_name(name)
            except Exception as exc:  # a corrupt sheet part
                raise SourceError(
                    f"sheet {name!r} cannot be read: {exc}", location=str(self.path)
                ) from None
        return self._sheets[name]

    def grid(self, name: str, *, nrows: int | None = None) -> pd.DataFrame:
        """The sheet's cells from A1 as an ``object`` frame with columns 0..n."""
        sheet = self._sheet(name)
        try:
            rows = sheet.to_python(skip_empty_area=False, nrows=nrows)
        except Exception as exc:  # a cell calamine cannot decode
            raise SourceError(
                f"sheet {name!r} cannot be read: {exc}", location=str(self.path)
            ) from None
        width = max((len(r) for r in rows), default=0)
        return pd.DataFrame(rows, columns=list(range(width)), dtype=object)
