"""Region attribution (with the evidence used) and period detection of records."""

from __future__ import annotations

import pandas as pd

from fundcheck.connectors.attribution import attribute_regions, detect_periods
from fundcheck.reference import load_reference

REF = load_reference()


def _frame(**columns):
    return pd.DataFrame({k: pd.Series(v, dtype="string") for k, v in columns.items()})


def _regions(frame: pd.DataFrame) -> tuple[list, list]:
    region, basis = attribute_regions(frame, load_reference())
    return region.tolist(), basis.tolist()


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
    regions, bases = _regions(frame)
    # region cell; postcode 69001 (Rhône) → 84; département 2A → Corse 94; Bretagne programme;
    # national programme → national bucket (NA); an unknown region code falls back to the programme
    assert regions == ["24", "84", "94", "53", pd.NA, "53"]
    assert bases == [
        "operation_region",
        "operation_postcode",
        "operation_department",
        "programme",
        "national_programme",
        "programme",
    ]


def test_overseas_corsican_and_cedex_postcodes_find_their_region():
    frame = _frame(operation_postcode=["97400", "97600", "20000", "20200", "01000", "45057"])
    regions, _ = _regions(frame)
    assert regions == ["04", "06", "94", "94", "84", "24"]  # 45057: Orléans CEDEX, Loiret


def test_location_text_then_programme_label_then_beneficiary_postcode():
    frame = _frame(
        location_text=["REG/53/Bretagne | PAYS/France", "COMM/3254/Saint-Pourçain", None, None],
        programme_title=[None, None, "PO FEDER-FSE Bourgogne 2014-2020", None],
        beneficiary_postcode=["75001", None, None, "35000"],
    )
    regions, bases = _regions(frame)
    # REG/53; commune 03254 (a lost leading zero) in Allier → 84; the Bourgogne programme → 27
    assert regions == ["53", "84", "27", "53"]
    assert bases == ["location_text", "location_text", "programme_label", "beneficiary_postcode"]


def test_several_regions_name_none_and_former_regions_name_the_current_one():
    frame = _frame(operation_region=["24|11", "27"], programme_cci=["2021FR05SFPR001", None])
    regions, bases = _regions(frame)
    assert regions == [pd.NA, "27"]
    assert bases == ["national_programme", "operation_region"]


def test_foreign_operations_and_operations_without_evidence_go_to_the_national_bucket():
    frame = _frame(country=["DK", None], operation_name=["Vækst 2.0", "Sans lieu"])
    regions, bases = _regions(frame)
    assert regions == [pd.NA, pd.NA]
    assert bases == ["foreign_country", "none"]


def test_period_is_read_per_record_from_the_cci():
    frame = _frame(programme_cci=["2014FR16M0OP001", "2021FR16FFPR018", None, "garbage"])
    assert detect_periods(frame, REF).tolist() == ["2014-2020", "2021-2027", pd.NA, pd.NA]
    assert detect_periods(frame, REF, hint="2014-2020").tolist()[2:] == ["2014-2020", "2014-2020"]
    assert set(detect_periods(frame, REF, override="2014-2020")) == {"2014-2020"}


def test_period_from_the_label_then_the_fund():
    frame = _frame(
        programme_title=["PO FEDER Alsace", "Programme Bretagne FEDER-FSE+ 2021-2027", None, None],
        fund=["ERDF", "ERDF", "ESF+", "YEI"],
    )
    expected = ["2014-2020", "2021-2027", "2021-2027", "2014-2020"]
    assert detect_periods(frame, REF).tolist() == expected


def test_the_dates_decide_only_when_they_are_unambiguous():
    frame = pd.DataFrame(
        {
            "programme_cci": pd.Series([None] * 6 + ["2021FR16FFPR018"], dtype="string"),
            "fund": pd.Series(["ERDF"] * 4 + ["YEI", "ERDF", "ERDF"], dtype="string"),
            "start_date": pd.to_datetime(
                [
                    "2016-05-01",  # 2014-2020
                    "2024-03-01",  # after the 2014-2020 eligibility: 2021-2027
                    "2022-01-01",  # 2021-2023 with an end in 2025: 2021-2027
                    "2009-06-01",  # 2007-2013
                    "2013-10-01",  # YEI: eligible from 2013-09-01 → 2014-2020
                    "2022-01-01",  # 2021-2023 ending in 2023: either period, undecided
                    "2016-05-01",  # the CCI wins
                ]
            ),
            "end_date": pd.to_datetime(
                [
                    "2018-01-01",
                    "2026-01-01",
                    "2025-06-30",
                    "2012-01-01",
                    "2015-01-01",
                    "2023-06-30",
                    "2022-01-01",
                ]  # fmt: skip
            ),
        }
    )
    assert detect_periods(frame, REF).tolist() == [
        "2014-2020",
        "2021-2027",
        "2021-2027",
        "2007-2013",
        "2014-2020",
        pd.NA,
        "2021-2027",
    ]
    assert detect_periods(frame, REF, hint="2021-2027").tolist()[0] == "2021-2027"
