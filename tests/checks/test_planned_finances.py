"""The ceiling check on the real 2014-2020 planned finances of the French programmes (Cohesion Open
Data, French lines only, tests/data/checks)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundcheck.checks.planned_finances import (
    planned_ceiling_breaches,
    planned_ceilings,
    read_planned_finances,
)

FILE = Path(__file__).parents[1] / "data" / "checks"
FILE /= "ESIF_2014-2020_FINANCES_PLANNED_DETAILS_190411.FR.csv"


@pytest.fixture(scope="module")
def planned() -> pd.DataFrame:
    return read_planned_finances(FILE)


def test_reads_the_french_lines(planned):
    assert len(planned) == 1247
    assert set(planned["fund"]) == {"EAFRD", "ERDF", "ESF", "YEI", "EMFF"}
    assert planned["eu"].notna().all() and (planned["total"] >= planned["eu"]).all()


def test_every_cpr_line_gets_a_ceiling_except_yei(planned):
    table = planned_ceilings(planned)
    assert "EAFRD" not in set(table["fund"])
    untested = table[table["ceiling"].isna()]
    assert set(untested["fund"]) == {"YEI"} and len(untested) == 16
    assert set(table.loc[table["category"] == "Transition", "ceiling"]) == {0.6}
    assert set(table.loc[table["category"] == "More developed", "ceiling"]) == {0.5}
    assert set(table.loc[table["category"].str.startswith("Outermost"), "ceiling"]) == {0.85}


def test_only_the_documented_lines_exceed_their_ceiling(planned):
    """Guadeloupe-Saint-Martin ERDF axis 12 is planned at 95 % (85 % + 10 points) and the EMFF
    programme at 75.9 % of public expenditure (75 % general rate, higher rates for some
    measures); every other priority axis respects Art 120."""
    breaches = planned_ceiling_breaches(planned)
    found = sorted(zip(breaches["cci"], breaches["fund"], breaches["priority"], strict=True))
    assert found == [
        ("2014FR05M2OP001", "ERDF", "12"),
        ("2014FR05M2OP001", "ERDF", "12"),
        ("2014FR14MFOP001", "EMFF", ""),
    ]
    guadeloupe = breaches[breaches["cci"] == "2014FR05M2OP001"]
    assert guadeloupe["rate"].round(4).tolist() == [0.95, 0.95]
    assert set(guadeloupe["category"]) == {
        "Less developed",
        "Outermost or Northern Sparsely Populated",
    }
    emff = breaches[breaches["fund"] == "EMFF"].iloc[0]
    assert emff["rate"] == pytest.approx(0.7593, abs=1e-4) and emff["ceiling"] == 0.75
