"""Every check on a real list of operations (Danish ERDF 2014-2020, tests/data/connectors): no
crash on foreign data without French codes, and the duplicates a reader can verify."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundcheck.checks import CHECKS
from fundcheck.connectors import read_source
from fundcheck.model import RecordSet
from fundcheck.reference import load_reference

DANISH = Path(__file__).parents[1] / "data" / "connectors" / "ERDF_Denmark_2014-2020.csv"


@pytest.fixture(scope="module")
def danish() -> dict[str, RecordSet]:
    record_set = read_source(DANISH, load_reference())
    return {record_set.provenance.name: record_set}


def test_every_check_runs_on_a_foreign_list(danish):
    for rule_id, check in CHECKS.items():
        found = check().run(danish, load_reference(), {"as_of": "2026-03-16"})
        assert found["rule"].eq(rule_id).all()


def test_projects_listed_twice_are_found(danish):
    """ "Slagelse bygger om med grøn fornuft" (rows 21 and 34: same beneficiary, title and dates)
    and "Nordjysk(e) NewBizz" (rows 6, 22, 106) are listed more than once: one finding per
    project, on its last row, naming all its rows."""
    found = CHECKS["eu.duplicates.split_operation"]().run(danish, load_reference(), {})
    assert {34, 106} <= set(found["row"]) and not {6, 21, 22} & set(found["row"])
    slagelse = found[found["row"] == 34].iloc[0]
    assert "(rows 21, 34)" in slagelse["message_en"] and slagelse["count"] == 2
    newbizz = found[found["row"] == 106].iloc[0]
    assert "(rows 6, 22, 106)" in newbizz["message_en"] and newbizz["count"] == 3
