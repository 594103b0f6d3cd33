"""Two crafted editions of a national list of operations, with the changes between them known."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from fundcheck.config import build_config
from fundcheck.demo import generate_operations, header_of, write_csv
from fundcheck.diff import Edition
from fundcheck.pipeline import read_and_validate

OPERATIONS = 60


@dataclass(frozen=True)
class Editions:
    old: Path
    new: Path
    removed: set[tuple[str, str]]
    added: set[tuple[str, str]]
    changed: dict[tuple[str, str], set[str]]  # key -> fields that changed
    new_finding: tuple[str, str, str]  # (rule, operation id, field)
    resolved_finding: tuple[str, str, str]
    persisting_finding: tuple[str, str, str]


def _key(frame: pd.DataFrame, row: int) -> tuple[str, str]:
    return (
        str(frame.at[row, header_of("programme_cci")]),
        str(frame.at[row, header_of("operation_id")]),
    )


def write_editions(folder: Path) -> Editions:
    """Old edition: 60 operations; the new one drops 2, adds 1, changes amounts of one operation
    and the end date of another, fixes one defect, keeps one and introduces one."""
    base = generate_operations(OPERATIONS + 1)
    old = base.iloc[:OPERATIONS].copy()
    new = base.copy()  # the last row is the new operation
    fund, name = header_of("fund"), header_of("beneficiary_name")
    eligible, eu, end = (
        header_of("total_eligible_cost"),
        header_of("eu_amount"),
        header_of("end_date"),
    )
    # a defect fixed in the new edition, one kept, one introduced
    old.at[10, name] = None
    old.at[11, fund] = "FEDR"
    new.at[11, fund] = "FEDR"
    new.at[12, fund] = "FEDR"
    # amounts and a date changed; a sub-cent difference is rounding, not a change
    new.at[20, eligible] = float(old.at[20, eligible]) * 2
    new.at[20, eu] = float(old.at[20, eu]) * 2
    new.at[21, end] = pd.Timestamp(old.at[21, end]) + pd.Timedelta(days=365)
    new.at[22, eu] = float(old.at[22, eu]) + 0.001
    removed = {_key(old, 30), _key(old, 31)}
    new = new.drop(index=[30, 31])
    editions = Editions(
        old=write_csv(folder / "liste_2026_01.csv", old),
        new=write_csv(folder / "liste_2026_03.csv", new),
        removed=removed,
        added={_key(base, OPERATIONS)},
        changed={
            _key(base, 20): {"total_eligible_cost", "eu_amount"},
            _key(base, 21): {"end_date"},
        },
        new_finding=("eu21.fund.valid", _key(base, 12)[1], "fund"),
        resolved_finding=("eu21.art49.mandatory_field", _key(base, 10)[1], "beneficiary_name"),
        persisting_finding=("eu21.fund.valid", _key(base, 11)[1], "fund"),
    )
    return editions


@pytest.fixture(scope="session")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    return write_editions(tmp_path_factory.mktemp("editions"))


@pytest.fixture(scope="session")
def validated(editions: Editions) -> tuple[Edition, Edition]:
    """Both editions read and validated by the real pipeline."""
    pairs = []
    for path in (editions.old, editions.new):
        result, record_sets = read_and_validate(build_config({}, sources=[path]))
        pairs.append(Edition(result, record_sets))
    return pairs[0], pairs[1]
