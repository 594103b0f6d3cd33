"""Real public lists of operations, read and validated end to end (copies in tests/data/realfiles,
provenance in tests/data/SOURCES.md). Every asserted finding was checked by hand in the file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from fundcheck.cli import cli
from fundcheck.config import RunConfig
from fundcheck.inspection import inspect_source
from fundcheck.model import PERIOD, Period, RecordSet
from fundcheck.pipeline import read_and_validate

DATA = Path(__file__).resolve().parents[1] / "data"
DK_UTF8 = DATA / "connectors" / "ERDF_Denmark_2014-2020.csv"
DK = DATA / "realfiles" / "ERDF_Denmark_2014-2020.original.csv"
GR = DATA / "realfiles" / "ListOfOperations_20160513.head260.csv"
LU = DATA / "realfiles" / "all_funds_data_luxembourg_2007-2020.csv"
KOHESIO = DATA / "realfiles" / "kohesio-data-export.sample.tsv"
ALL = {"dk": DK, "dk_utf8": DK_UTF8, "gr": GR, "lu": LU, "kohesio": KOHESIO}


def _validated(path: Path, period: Period | None = None) -> tuple[RecordSet, pd.DataFrame]:
    """One file read and validated by the pipeline, record rules only (checks left out)."""
    result, (record_set,) = read_and_validate(
        RunConfig(sources=[path], checks=False, period=period)
    )
    return record_set, result.findings


@pytest.fixture(scope="module")
def runs() -> dict[str, tuple[RecordSet, pd.DataFrame]]:
    return {name: _validated(path) for name, path in ALL.items()}


def _rows(findings: pd.DataFrame, rule: str, field: str | None = None) -> list[int]:
    hits = findings[findings["rule"] == rule]
    if field is not None:
        hits = hits[hits["field"] == field]
    return sorted(int(row) for row in hits["row"].dropna())


def _dataset(findings: pd.DataFrame, rule: str) -> set[str]:
    hits = findings[(findings["rule"] == rule) & (findings["scope"] == "dataset")]
    return set(hits["field"])


# -- Denmark: bilingual Annex XII headers, cp1252 ";" original and its UTF-8 "," copy


def test_denmark_original_is_read_like_its_utf8_copy(runs) -> None:
    original, _ = runs["dk"]
    copy, _ = runs["dk_utf8"]
    assert len(original.frame) == len(copy.frame) == 107
    assert original.provenance.profile == "annex_xii_bilingual_dk_2014_2020"
    pd.testing.assert_frame_equal(original.frame, copy.frame)


def test_denmark_cells_as_checked_by_hand(runs) -> None:
    record_set, _ = runs["dk"]
    first = record_set.frame.iloc[0]
    assert first["operation_name"] == "Vækst 2.0"
    assert first["start_date"] == pd.Timestamp("2014-04-24")
    assert first["end_date"] == pd.Timestamp("2017-02-28")
    assert first["eu_amount"] == 7_707_397.0  # "7.707.397": dots are thousands
    assert first["cofinancing_rate"] == 0.5  # "50%"
    assert first["fund"] == "ERDF"  # "R" = Regionalfonden, mapped by the profile
    assert first["country"] == "DK" and first["operation_postcode"] == "9220"
    assert (record_set.frame["fund"].value_counts().to_dict()) == {"ERDF": 57, "ESF": 50}


def test_denmark_findings(runs) -> None:
    record_set, findings = runs["dk"]
    assert set(record_set.frame[PERIOD]) == {"2014-2020"}  # no CCI: the format's period
    assert _dataset(findings, "eu14.annex_xii.mandatory_field") == {
        "total_eligible_cost",  # "Budget / Budget" is a budget, not the eligible expenditure
        "intervention_field",
    }
    assert _dataset(findings, "eu14.annex_xii.last_update") == {"last_update_date"}
    notes = findings[findings["rule"] == "read.normalised.fund_alias"]
    assert notes[["count", "value"]].values.tolist() == [[107, "R"]]
    # Danish postcodes are not French ones; no beneficiary looks like a person
    assert not findings["rule"].str.startswith("fr.postcode").any()
    assert "eu14.annex_xii.natural_person" not in set(findings["rule"])
    assert set(findings["severity"]) == {"error", "warning", "info"}


# -- Greece: cp1253, ";", bilingual headers with line breaks, head of 260 records


def test_greece_is_read(runs) -> None:
    record_set, _ = runs["gr"]
    assert len(record_set.frame) == 260
    assert record_set.provenance.profile == "annex_xii_bilingual_gr_2014_2020"
    first = record_set.frame.iloc[0]
    assert first["beneficiary_name"] == "ΕΙΔΙΚΗ ΥΠΗΡΕΣΙΑ ΚΡΑΤΙΚΩΝ ΕΝΙΣΧΥΣΕΩΝ"
    assert first["fund"] == "CF"  # "6-ΤΣ": Ταμείο Συνοχής
    assert first["total_eligible_cost"] == 1_912.96  # "1.912,96"
    assert first["cofinancing_rate"] == pytest.approx(0.85)  # "85,00" percent
    assert first["country"] == "GR"  # "ΕΛΛΑΔΑ"
    assert first["intervention_field"] == "122"  # "122-Αξιολόγηση και μελέτες"
    assert first["last_update_date"] == pd.Timestamp("2016-05-13")
    assert set(record_set.frame["fund"]) <= {"ERDF", "ESF", "CF", "YEI"}


def test_greece_findings(runs) -> None:
    _, findings = runs["gr"]
    # records whose TOTAL ELIGIBLE EXPENDITURE cell is empty (row = record + 1)
    assert _rows(findings, "eu14.annex_xii.mandatory_field", "total_eligible_cost") == [
        25, 124, 164, 174, 236, 237, 238, 240, 241,
    ]  # fmt: skip
    # operations starting before 1 January 2014
    early = findings[findings["rule"] == "eu14.dates.eligibility_window"]
    assert early["row"].tolist() == [77, 226, 253]
    assert early["value"].tolist() == ["2011-03-28", "2013-09-10", "2013-12-16"]
    assert "eu14.fund.valid" not in set(findings["rule"])


# -- Luxembourg: snake-case headers, both periods, "(45%)", "262.800 €", year-only dates


def test_luxembourg_is_read(runs) -> None:
    record_set, findings = runs["lu"]
    frame = record_set.frame
    assert len(frame) == 75
    assert record_set.provenance.profile == "lu_fonds_europeens_2007_2020"
    assert frame.loc[0, "start_date"] == pd.Timestamp("2010-01-01")  # "2010"
    edunet = frame[frame["operation_name"].str.startswith("EduNet", na=False)].iloc[0]
    assert edunet["cofinancing_rate"] == pytest.approx(0.45)  # "(45%)"
    assert edunet["start_date"] == pd.Timestamp("2012-08-01")  # "01/08/2012 "
    apa = frame[frame["operation_name"] == "APA"].iloc[0]
    assert apa["total_eligible_cost"] == 262_800.0  # "262.800 €"
    notes = findings[findings["rule"] == "read.normalised.rate_text"]
    assert notes[["count", "value"]].values.tolist() == [[4, "(45%)"]]


def test_luxembourg_findings(runs) -> None:
    record_set, findings = runs["lu"]
    # 47 projects start before 2014 and have no CCI: 2007-2013, recognised and not validated
    assert (record_set.frame[PERIOD] == "2007-2013").sum() == 47
    assert (record_set.frame[PERIOD] == "2014-2020").sum() == 28
    assert not findings["rule"].eq("eu14.dates.eligibility_window").any()
    # the 28 projects of 2014-2020: no country, no summary, no rate in the file
    assert _dataset(findings, "eu14.annex_xii.mandatory_field") == {
        "operation_summary",
        "country",
        "cofinancing_rate",
    }


# -- Kohesio beneficiaries export: not a list of operations, read without error


def test_kohesio_export_is_read(runs) -> None:
    record_set, findings = runs["kohesio"]
    frame = record_set.frame
    assert len(frame) == 1_362
    assert record_set.provenance.profile == "kohesio_beneficiaries"
    assert set(frame["country"]) <= {"BG", "CZ", "EE", "HR", "HU", "LT", "LV", "PL", "RO", "SI",
                                     "SK"}  # fmt: skip
    # Kohesio mixes periods and carries no CCI, programme or date: no period rule runs on it
    assert record_set.frame[PERIOD].isna().all()
    assert not findings["rule"].str.startswith(("eu14.", "eu21.")).any()


def test_kohesio_export_with_a_period_is_validated(tmp_path: Path) -> None:
    """Given --period, the rules run: the EU contribution is one cent above the total budget
    on two hospitals, and three beneficiaries have no amount."""
    record_set, findings = _validated(KOHESIO, Period.P2021_2027)
    frame = record_set.frame
    above = findings[findings["rule"] == "eu.amount.eu_not_above_eligible"]
    names = frame.set_index("_row").loc[above["row"].astype(int), "beneficiary_name"].tolist()
    assert names == [
        "INSTITUTUL INIMII DE URGENTA PENTRU BOLI CARDIOVASCULARE NICULAE STANCIOIU/SPITAL",
        "SPITALUL JUDETEAN DE URGENTA BUZAU",
    ]
    assert above["value"].tolist() == [5_095_435.28, 6_648_890.36]
    empty = findings[
        (findings["rule"] == "eu21.art49.mandatory_field")
        & (findings["field"] == "total_eligible_cost")
        & (findings["scope"] == "record")
    ]
    assert len(empty) == 3


# -- the command line never ends with an execution error on these files


@pytest.mark.parametrize("name", sorted(ALL))
def test_validate_exits_0_or_1(name: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["validate", str(ALL[name]), "--quiet", "--output", str(tmp_path)]
    )
    assert result.exit_code in (0, 1), result.output


@pytest.mark.parametrize(
    ("name", "profile", "fields"),
    [
        ("dk", "annex_xii_bilingual_dk_2014_2020", {"Postnr / Operation postcode": "operation_postcode"}),  # noqa: E501
        ("gr", "annex_xii_bilingual_gr_2014_2020", {"ΧΩΡΑ/\nCOUNTRY": "country"}),
        ("lu", "lu_fonds_europeens_2007_2020", {"porteur_de_projet": "beneficiary_name"}),
        ("kohesio", "kohesio_beneficiaries", {"Beneficiary Name": "beneficiary_name"}),
    ],
)  # fmt: skip
def test_inspect_shows_a_sensible_mapping(name: str, profile: str, fields: dict[str, str]) -> None:
    inspection = inspect_source(ALL[name])
    assert inspection.profile == profile and inspection.mappable
    by_header = {column.header: column.field for column in inspection.columns}
    for header, target in fields.items():
        assert by_header[header] == target
    assert "operation_id" in inspection.missing_fields


def test_inspect_command_json() -> None:
    result = CliRunner().invoke(cli, ["inspect", str(GR), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["profile"] == "annex_xii_bilingual_gr_2014_2020"
    assert payload["encoding"] == "cp1253" and payload["delimiter"] == ";"
    assert payload["unmapped"] == []
