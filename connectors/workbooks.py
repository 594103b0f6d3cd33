"""Workbooks (XLSX, XLS, ODS) read sheet by sheet with calamine, cells kept typed.

The grid starts at cell A1 (leading empty rows and blank rows in the data are kept), so the
row of a grid line is its position + 1. Each sheet is parsed once and reused for scanning its
first rows and for reading it whole.

calamine is native code: a hostile workbook can make it abort the whole process. So a zipped
workbook is first checked against the input limits, then parsed once in a child process; only
if the child survives is it read here, and a child that dies is reported as an execution error
naming the file.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pandas as pd
from python_calamine import CalamineWorkbook

from fundcheck.connectors.limits import DEFAULT_LIMITS, InputLimits, check_workbook
from fundcheck.errors import SourceError


def _open(path: Path) -> Any:
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # a name with bytes that are not UTF-8: read through a handle
        with path.open("rb") as handle:
            return CalamineWorkbook.from_filelike(handle)
    return CalamineWorkbook.from_path(name)


def _parse_all(path: Path) -> None:
    book = _open(path)
    for name in book.sheet_names:
        book.get_sheet_by_name(name)


def probe(path: Path) -> None:
    """Parse every sheet in a child process; raise SourceError if the reader kills it."""
    if not hasattr(os, "fork"):
        return
    pid = os.fork()
    if pid == 0:  # the child: parse, report nothing, never return into the caller's code
        code = 0
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            _parse_all(path)
        except BaseException:  # noqa: BLE001 - the parent reports Python-level errors itself
            code = 1
        os._exit(code)
    try:
        _, status = os.waitpid(pid, 0)
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        raise SourceError(
            f"the workbook reader failed on this file ({name}: corrupt, or too large for the "
            "memory available)",
            location=str(path),
        )


class Workbook:
    """An open workbook whose sheets are parsed on first use."""

    def __init__(self, path: Path, limits: InputLimits = DEFAULT_LIMITS) -> None:
        self.path = path
        with path.open("rb") as handle:
            zipped = handle.read(4) == b"PK\x03\x04"
        if zipped:
            check_workbook(path, limits)
        probe(path)
        try:
            self._book = _open(path)
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
