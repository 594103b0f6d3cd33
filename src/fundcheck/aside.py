"""Findings put aside on disk while a run goes on, and taken back when the reports need them.

A run holds its findings until the reports are written. On a large source the checks' findings
and the record rules' add up (at 5 million generated rows: 515,000 findings, about 400 MB with
their messages) while the checks still build their own tables: written to this run's private
temporary folder as each step ends, they are held once, at the end, instead of all along.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

Held = pd.DataFrame | Path
"""A findings table, in memory or put aside (``put_aside``)."""


def put_aside(findings: pd.DataFrame, folder: Path) -> Path:
    """Write a findings table to a new file of ``folder`` (this run's private temporary
    folder) and return its path."""
    handle, name = tempfile.mkstemp(suffix=".pickle", dir=folder)
    with os.fdopen(handle, "wb") as out:
        pickle.dump(findings, out, protocol=pickle.HIGHEST_PROTOCOL)
    return Path(name)


def taken_back(path: Path) -> pd.DataFrame:
    """A findings table put aside by ``put_aside`` (written by this run, in its own folder);
    the file is removed."""
    with path.open("rb") as handle:
        findings: pd.DataFrame = pickle.load(handle)  # noqa: S301 - this run's own file
    path.unlink()
    return findings


def in_memory(tables: Iterable[Held]) -> Iterator[pd.DataFrame]:
    """Each table, taken back when it was put aside."""
    for table in tables:
        yield taken_back(table) if isinstance(table, Path) else table
