"""Region attribution and period detection of records."""

from __future__ import annotations

import pandas as pd

from fundcheck.attribution import attribute_regions, detect_periods
from fundcheck.reference import load_reference


def _frame(**columns):
    return pd.DataFrame({k: pd.Series(v, dtype="string") for k, v in columns.items()})


def test_region_cell_wins_then_postcode_then_department_then_programme():
    frame = _frame(
        operation_region=["24", None, None, None, None, "99"],
        operation_postcode=["69001", "69001", None, None, None, None],
        operation_department=[None, "75", "2A", None, None, None],
        programme_cci=[
            "2021FR16FFPR018",
            "2021FR16FFPR018",
            "2021FR16FFPR018",
            "2021FR16FFPR016",
            "2021FR05SFPR001",
            "2021FR16FFPR016",
        ],
    )
    regions = attribute_regions(frame, load_reference())
    # region cell; postcode 69001 (Rhône) → 84; département 2A → Corse 94; Bretagne programme;
    # national programme → national bucket (NA); an unknown region code falls back to the programme
    assert regions.tolist() == ["24", "84", "94", "53", pd.NA, "53"]


def test_overseas_and_corsican_postcodes_find_their_region():
    frame = _frame(operation_postcode=["97400", "97600", "20000", "20200", "01000"])
    assert attribute_regions(frame, load_reference()).tolist() == ["04", "06", "94", "94", "84"]


def test_period_is_read_per_record_from_the_cci():
    frame = _frame(programme_cci=["2014FR16M0OP001", "2021FR16FFPR018", None, "garbage"])
    assert detect_periods(frame).tolist() == ["2014-2020", "2021-2027", "2021-2027", "2021-2027"]
    assert detect_periods(frame, hint="2014-2020").tolist()[2:] == ["2014-2020", "2014-2020"]
    assert set(detect_periods(frame, override="2014-2020")) == {"2014-2020"}


def test_without_cci_nor_hint_the_start_date_decides_per_record():
    frame = pd.DataFrame(
        {
            "programme_cci": pd.Series([None, None, "2021FR16FFPR018"], dtype="string"),
            "start_date": pd.to_datetime(["2016-05-01", "2023-01-01", "2016-05-01"]),
        }
    )
    assert detect_periods(frame).tolist() == ["2014-2020", "2021-2027", "2021-2027"]
    assert detect_periods(frame, hint="2021-2027").tolist()[0] == "2021-2027"
