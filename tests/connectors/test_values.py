"""Value parsers on their own: amounts, rates, dates and codes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from fundcheck.connectors import codes
from fundcheck.connectors.cells import clean_cells
from fundcheck.connectors.dates import parse_dates
from fundcheck.connectors.numbers import parse_amounts, parse_rates


def _text(values: list[str]) -> pd.Series:
    return clean_cells(pd.Series(values, dtype="str"))[0]


def _typed(values: list[object]) -> pd.Series:
    return clean_cells(pd.Series(values, dtype=object))[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("26 112 €", 26112.0),
        ("26\u202f112,50\u00a0€", 26112.5),
        ("1.234.567,89", 1234567.89),
        ("1 234,5", 1234.5),
        ("1,234.50", 1234.5),
        ("1,234,567", 1234567.0),
        ("1.5E+06", 1500000.0),
        ("2 500 EUR", 2500.0),
        ("(1 000)", -1000.0),
        ("-12,5", -12.5),
        ("12345.67", 12345.67),
    ],
)
def test_amount_texts(text: str, expected: float):
    result = parse_amounts(_text([text]))
    assert result.values.tolist() == [pytest.approx(expected)]
    assert result.unreadable.empty


def test_amount_column_convention_decides_ambiguous_separators():
    danish = parse_amounts(_text(["15.414.794", "750.000"]))
    assert danish.values.tolist() == [15414794.0, 750000.0]
    english = parse_amounts(_text(["1234.56", "750.000"]))
    assert english.values.tolist() == [1234.56, 750.0]


def test_amount_notes_and_unreadable():
    result = parse_amounts(_text(["1000", "1 000", "1 000", "about 5", None]))
    assert result.values.iloc[:3].tolist() == [1000.0] * 3
    assert result.values.iloc[3:].isna().all()
    assert [(n.kind, n.count, n.example) for n in result.notes] == [("amount_text", 2, "1 000")]
    assert result.unreadable.to_dict() == {3: "about 5"}


def test_typed_amounts_and_a_date_in_an_amount_column():
    result = parse_amounts(_typed([1000, 2500.5, "3 000", dt.datetime(2023, 1, 1)]))
    assert result.values.iloc[:3].tolist() == [1000.0, 2500.5, 3000.0]
    assert list(result.unreadable.index) == [3]


def test_rates():
    fractions = parse_rates(_text(["0.4", "0,85", "0.150000078336386"]))
    assert fractions.values.tolist() == pytest.approx([0.4, 0.85, 0.150000078336386])
    percents = parse_rates(_typed([40, 60.0, 85, 0.5]))
    assert percents.values.tolist() == pytest.approx([0.4, 0.6, 0.85, 0.005])
    texts = parse_rates(_text(["40 %", "40,5%", "16,67 %"]))
    assert texts.values.tolist() == pytest.approx([0.4, 0.405, 0.1667])
    assert [(n.kind, n.count) for n in texts.notes] == [("rate_text", 3)]


@pytest.mark.parametrize(
    ("value", "expected", "kind"),
    [
        ("2023-05-12", "2023-05-12", None),
        ("2023-05-12 00:00:00", "2023-05-12", None),
        ("12/05/2023", "2023-05-12", "date_text"),
        ("12.05.2023", "2023-05-12", "date_text"),
        ("12-05-2023", "2023-05-12", "date_text"),
        ("12/05/23", "2023-05-12", "date_text"),
        ("2023/05/12", "2023-05-12", "date_text"),
        ("2023", "2023-01-01", "date_text"),
        ("45123", "2023-07-16", "excel_serial_date"),
        ("45123,5", "2023-07-16", "excel_serial_date"),
        (45123, "2023-07-16", "excel_serial_date"),
        (45123.75, "2023-07-16", "excel_serial_date"),
        (dt.datetime(2023, 5, 12, 14, 30), "2023-05-12", None),
        (dt.date(2023, 5, 12), "2023-05-12", None),
    ],
)
def test_dates(value: object, expected: str, kind: str | None):
    result = parse_dates(_typed([value]))
    assert result.values.tolist() == [pd.Timestamp(expected)]
    assert [n.kind for n in result.notes] == ([kind] if kind else [])
    assert result.values.dtype == "datetime64[ns]"


@pytest.mark.parametrize("value", ["31/02/2023", "2023-13-01", "demain", "12/13/2023", "0"])
def test_impossible_dates_are_unreadable(value: str):
    result = parse_dates(_text([value]))
    assert result.values.isna().all()
    assert result.unreadable.tolist() == [value]


@pytest.mark.parametrize("make", [_text, _typed])
def test_placeholders_match_whole_cells_only(make):
    values = ["N.C", "na", "Nancy Métropole", "NA0013120", "n/a", "Néant", "—", "NC 2023"]
    cleaned = make(values)
    assert cleaned.isna().tolist() == [True, True, False, False, True, True, True, False]


def test_placeholder_is_not_unreadable():
    cleaned, placeholder = clean_cells(
        pd.Series(["N.C", "n/a", "-", "NR", "2023", ""], dtype="str")
    )
    assert placeholder.tolist() == [True, True, True, True, False, False]
    result = parse_dates(cleaned)
    assert result.unreadable.empty
    assert result.values.notna().tolist() == [False] * 4 + [True, False]


@pytest.mark.parametrize(
    ("normalise", "text", "expected", "kind"),
    [
        (codes.postcode, "1000", "01000", "postcode_padded"),
        (codes.postcode, "1000.0", "01000", "postcode_padded"),
        (codes.postcode, "75001", "75001", None),
        (codes.postcode, "7500", "07500", "postcode_padded"),
        (codes.postcode, "ABC", "ABC", None),
        (codes.departement, "1", "01", "code_padded"),
        (codes.departement, "75.0", "75", "code_padded"),
        (codes.departement, "2a", "2A", "code_padded"),
        (codes.departement, "97 4", "974", "code_padded"),
        (codes.departement, "971", "971", None),
        (codes.region, "24/Centre-Val de Loire", "24", "region_code_extracted"),
        (codes.region, "83/Auvergne", "84", "region_code_extracted"),
        (codes.region, "Occitanie", "76", "region_code_extracted"),
        (codes.region, "auvergne-rhone-alpes", "84", "region_code_extracted"),
        (codes.region, "Rhône-Alpes", "84", "region_code_extracted"),
        (codes.region, "1", "01", "region_code_extracted"),
        (codes.region, "84", "84", None),
        (codes.region, "Multi-régional", "Multi-régional", None),
        (
            codes.intervention_field,
            "044 - Rénovation énergétique",
            "044",
            "intervention_code_extracted",
        ),
        (codes.intervention_field, "044 - a | 045 - b", "044|045", "intervention_code_extracted"),
        (codes.intervention_field, "44", "044", "intervention_code_extracted"),
        (codes.intervention_field, "044", "044", None),
        (codes.intervention_field, "sans code", "sans code", None),
        (
            codes.specific_objective,
            "RSO1.1 - Recherche",
            "RSO1.1",
            "specific_objective_code_extracted",
        ),
        (codes.specific_objective, "RSO 1.1", "RSO1.1", "specific_objective_code_extracted"),
        (codes.specific_objective, "eso4.13", "ESO4.13", "specific_objective_code_extracted"),
        (codes.specific_objective, "JSO8.1", "JSO8.1", None),
        (codes.fund, "FEDER", "ERDF", "fund_alias"),
        (codes.fund, "FSE +", "ESF+", "fund_alias"),
        (codes.fund, "FTJ", "JTF", "fund_alias"),
        (codes.fund, "FEAMPA", "EMFAF", "fund_alias"),
        (codes.fund, "Fonds de cohésion", "CF", "fund_alias"),
        (codes.fund, "ERDF", "ERDF", None),
        (codes.fund, "XYZ", "XYZ", None),
        (codes.country, "France", "FR", "country_name"),
        (codes.country, "ESPAGNE", "ES", "country_name"),
        (codes.country, "fr", "FR", "country_name"),
        (codes.country, "FR", "FR", None),
        (codes.country, "Atlantis", "Atlantis", None),
        (codes.cci, "2021fr16ffpr 001", "2021FR16FFPR001", None),
    ],
)
def test_codes(normalise, text: str, expected: str, kind: str | None):
    assert normalise(text) == (expected, kind)


def test_code_column_keeps_leading_zeros_and_counts_changes():
    result = codes.parse_codes(_typed([1000.0, 1000.0, "75001", np.nan]), codes.postcode)
    assert result.values.iloc[:3].tolist() == ["01000", "01000", "75001"]
    assert pd.isna(result.values.iloc[3])
    assert [(n.kind, n.count, n.example) for n in result.notes] == [("postcode_padded", 2, "1000")]


def test_cells_are_cut_at_a_number_of_characters_not_of_bytes() -> None:
    """A column whose longest cell has no more bytes than the limit is left alone without
    counting characters; otherwise characters are counted (accents take two bytes)."""
    from fundcheck.connectors.cells import cut_long_cells

    accented = pd.Series(pd.array(["é" * 10, "court", None], dtype="str"))  # 10 chars, 20 bytes
    kept, cut = cut_long_cells(accented, 10)
    assert cut is None and kept is accented
    longer = pd.Series(pd.array(["é" * 11, "court", "a" * 12], dtype="str"))
    kept, cut = cut_long_cells(longer, 10)
    assert cut == (2, 0)
    assert kept.tolist() == ["é" * 10, "court", "a" * 10]
    exactly = pd.Series(pd.array(["abc", None], dtype="str"))
    kept, cut = cut_long_cells(exactly, 3)
    assert cut is None and kept is exactly
