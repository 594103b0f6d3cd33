"""The demo list: deterministic, in the exact national format, clean except its recorded defects."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from fundcheck.demo import (
    DemoDataset,
    generate_demo,
    generate_operations,
    header_of,
    inject_random_defects,
    national_headers,
    write_csv,
    write_demo,
)
from fundcheck.model import Period
from fundcheck.reference import load_reference
from fundcheck.reference.lookups import postcode_class

CCI_PATTERN = re.compile(
    r"^(2014|2015|2016|2021)(FR|TC)(05|14|16)(RF|SF|CF|JT|FF|MF|NX|M[0-9A])"
    r"(OP|PR|TA|CB|TN|IR|OR|SM|PA)\d{3}$"
)
EXPECTED_HEADERS = (
    "Numéro Opération",
    "NUMCCI",
    "Libellé Programme",
    "Intitulé du projet",
    "Objectifs et réalisations escomptés et effectifs",
    "Nom du bénéficiaire",
    "Code postal du bénéficiaire",
    "Date de début de l'opération",
    "Date de fin de l'opération",
    "Code postal de l\u2019opération",
    "Zone",
    "Département de l\u2019opération",
    "Région de l'opération",
    "Pays",
    "Type d'intervention",
    "Fonds",
    "Objectif spécifique",
    "Objectif spécifique (Code et libellé)",
    "Objectif stratégique",
    "Total des dépenses éligibles",
    "Taux de cofinancement",
    "Montant UE",
    "Date première convention",
)
SO_PREFIX = {"FEDER": "RSO", "FSE+": "ESO", "FTJ": "JSO"}


@pytest.fixture(scope="module")
def demo() -> DemoDataset:
    return generate_demo()


@pytest.fixture(scope="module")
def clean(demo: DemoDataset) -> pd.DataFrame:
    defect_rows = {d.row - 2 for d in demo.defects if d.row is not None}
    duplicated = demo.frame[header_of("operation_id")].duplicated(keep=False)
    keep = ~demo.frame.index.isin(defect_rows) & ~duplicated.to_numpy()
    return demo.frame[keep]


def column(frame: pd.DataFrame, field: str) -> pd.Series:
    return frame[header_of(field)]


def code_text(value: object) -> str | None:
    """A code cell as text, restoring the leading zero a number lost (what the reader does)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, int):
        return f"{value:02d}" if value < 1000 else f"{value:05d}"
    return str(value)


def regions_of(frame: pd.DataFrame) -> pd.Series:
    """Region of each row from its cells: region code, else postcode, else département."""
    ref = load_reference()
    old = {"82": "84", "83": "84"}
    by_name = {r.name: code for code, r in ref.regions.items()}
    text = column(frame, "operation_region").map(code_text)
    cell = text.str.split("/").str[0].replace(old).replace(by_name)
    region = cell.where(cell.isin(list(ref.regions)))
    dep_region = {code: d.region for code, d in ref.departements.items()}
    by_postcode = column(frame, "operation_postcode").map(code_text).map(ref.postcode_departement)
    region = region.fillna(by_postcode.map(dep_region))
    by_dep = column(frame, "operation_department").map(code_text).map(dep_region)
    return region.fillna(by_dep)


def test_two_calls_give_the_same_list(demo: DemoDataset) -> None:
    again = generate_demo()
    pd.testing.assert_frame_equal(demo.frame, again.frame)
    assert demo.defects == again.defects


def test_another_seed_gives_another_list(demo: DemoDataset) -> None:
    other = generate_demo(seed=7, operations=300)
    assert len(other.frame) == 300
    assert not other.frame.equals(generate_demo(operations=300).frame)


def test_headers_are_the_23_national_headers_in_order(demo: DemoDataset) -> None:
    assert national_headers() == EXPECTED_HEADERS
    assert tuple(demo.frame.columns) == EXPECTED_HEADERS
    assert len(demo.frame) == 2000


def test_all_18_regions_are_present(clean: pd.DataFrame) -> None:
    regions = regions_of(clean)
    assert set(regions.dropna()) == set(load_reference().regions)
    assert regions.value_counts().min() >= 10
    nationwide = column(clean, "operation_region") == "Volet national"
    assert nationwide.any() and regions[nationwide].isna().all()
    assert regions[~nationwide].notna().all()


def test_every_cci_is_a_real_2021_2027_programme(clean: pd.DataFrame) -> None:
    programmes = load_reference().programmes
    for cci, title in (
        clean[[header_of("programme_cci"), header_of("programme_title")]]
        .drop_duplicates()
        .itertuples(index=False)
    ):
        assert CCI_PATTERN.match(cci)
        programme = programmes[cci]
        assert programme.period is Period.P2021_2027
        assert title == (programme.list_title or programme.title)


def test_fund_objective_and_intervention_field_agree(clean: pd.DataFrame) -> None:
    ref = load_reference()
    for fund, objective, label, interventions in clean[
        [header_of(f) for f in ("fund", "specific_objective", "specific_objective_label",
                                "intervention_field")]
    ].itertuples(index=False):  # fmt: skip
        assert objective.startswith(SO_PREFIX[fund])
        assert objective in ref.specific_objectives
        assert label.startswith(f"{objective} - ")
        codes = [part.split(" - ")[0] for part in interventions.split(" | ")]
        assert all(code in ref.intervention_fields_2021_2027 for code in codes)
    funds = column(clean, "fund").value_counts()
    assert set(funds.index) == {"FEDER", "FSE+", "FTJ"}


def test_programme_funds_are_those_of_the_programme(clean: pd.DataFrame) -> None:
    programmes = load_reference().programmes
    aliases = {"FEDER": "ERDF", "FSE+": "ESF+", "FTJ": "JTF"}
    pairs = clean[[header_of("programme_cci"), header_of("fund")]].drop_duplicates()
    for cci, fund in pairs.itertuples(index=False):
        assert aliases[fund] in programmes[cci].funds


def test_clean_rows_satisfy_the_basic_invariants(clean: pd.DataFrame) -> None:
    start = pd.to_datetime(column(clean, "start_date"))
    end = pd.to_datetime(column(clean, "end_date"))
    rate = column(clean, "cofinancing_rate").astype(float)
    eligible = column(clean, "total_eligible_cost").astype(float)
    eu = column(clean, "eu_amount").astype(float)
    assert (start <= end).all()
    assert (start >= "2021-01-01").all() and (end <= "2029-12-31").all()
    assert ((rate > 0) & (rate <= 1)).all()
    assert (eu <= eligible).all() and (eligible > 0).all()
    assert ((eu - eligible * rate).abs() <= 0.005 * eligible).all()
    assert (rate <= 0.85).all()
    assert column(clean, "country").isin(["FRA", "France"]).all()


def test_clean_rows_have_every_mandatory_cell_and_a_location(clean: pd.DataFrame) -> None:
    mandatory = [
        "operation_id", "programme_cci", "operation_name", "operation_summary",
        "beneficiary_name", "start_date", "end_date", "total_eligible_cost", "fund",
        "specific_objective", "cofinancing_rate", "country", "intervention_field",
    ]  # fmt: skip
    assert clean[[header_of(f) for f in mandatory]].notna().all().all()
    location = ["operation_postcode", "location_text", "operation_department", "operation_region"]
    assert clean[[header_of(f) for f in location]].notna().any(axis=1).all()


def test_clean_postcodes_are_real_la_poste_postcodes(clean: pd.DataFrame) -> None:
    known = load_reference().postcode_departement
    for field in ("operation_postcode", "beneficiary_postcode"):
        codes = column(clean, field).map(code_text).dropna()
        assert codes.str.fullmatch(r"\d{5}").all()
        assert codes.isin(list(known)).all()
    as_numbers = column(clean, "operation_postcode").map(lambda v: isinstance(v, int))
    assert 0 < as_numbers.sum() < 0.05 * len(clean)


def test_operation_ids_are_unique_within_each_programme(clean: pd.DataFrame) -> None:
    keys = clean[[header_of("programme_cci"), header_of("operation_id")]]
    assert not keys.duplicated().any()


def test_each_defect_sits_alone_on_its_row_with_its_value(demo: DemoDataset) -> None:
    frame = demo.frame
    rows = [d.row for d in demo.defects if d.row is not None]
    assert len(set(rows)) == len(rows) == 21
    per_record = [d for d in demo.defects if d.programme is None]
    assert len({d.region for d in per_record}) == len(per_record) == 18
    for defect in demo.defects:
        if defect.row is None:
            assert defect.programme in load_reference().programmes
            continue
        assert 2 <= defect.row <= len(frame) + 1
        if defect.field is None:
            continue
        cell = frame.at[defect.row - 2, header_of(defect.field)]
        if defect.value is None:
            assert pd.isna(cell), defect
        else:
            assert cell == defect.value, defect


def test_defect_regions_are_where_the_findings_belong(demo: DemoDataset) -> None:
    frame = demo.frame
    for defect in demo.defects:
        if defect.row is None:  # a programme-level breach: the programme's region
            assert load_reference().programmes[str(defect.programme)].region == defect.region
            continue
        row = frame.iloc[[defect.row - 2]]
        if defect.rule == "eu21.art49.location_indicator":
            location = ["operation_postcode", "location_text", "operation_department",
                        "operation_region"]  # fmt: skip
            assert row[[header_of(f) for f in location]].isna().all().all()
            programme = load_reference().programmes[row[header_of("programme_cci")].iloc[0]]
            assert programme.region == defect.region
        else:
            assert regions_of(row).iloc[0] == defect.region


def test_specific_defects_are_what_the_catalogue_describes(demo: DemoDataset) -> None:
    frame = demo.frame
    by_rule = {d.rule: d for d in demo.defects}
    ref = load_reference()

    def cell(rule: str, field: str) -> object:
        return frame.at[by_rule[rule].row - 2, header_of(field)]

    assert not CCI_PATTERN.match(str(cell("eu.cci.format", "programme_cci")))
    unknown = str(cell("eu21.cci.known_programme", "programme_cci"))
    assert CCI_PATTERN.match(unknown) and unknown not in ref.programmes
    assert cell("eu21.specific_objective.valid_for_fund", "fund") == "FEDER"
    postcode = str(cell("fr.postcode.exists", "operation_postcode"))
    assert re.fullmatch(r"\d{5}", postcode) and postcode not in ref.postcode_departement
    assert postcode_class(postcode) == "unknown_departement"
    swapped = by_rule["eu.dates.start_before_end"].row - 2
    assert frame.at[swapped, header_of("start_date")] > frame.at[swapped, header_of("end_date")]
    assert pd.Timestamp(cell("eu21.dates.eligibility_window", "start_date")).year == 2019
    above = by_rule["eu.amount.eu_not_above_eligible"].row - 2
    eligible = frame.at[above, header_of("total_eligible_cost")]
    eu, rate = (
        frame.at[above, header_of("eu_amount")],
        frame.at[above, header_of("cofinancing_rate")],
    )
    assert eu > eligible and abs(eu - eligible * rate) <= 0.005 * eligible and rate <= 1
    duplicate = by_rule["eu21.art49.unique_operation_id"]
    same = frame[column(frame, "operation_id") == duplicate.value]
    assert len(same) == 2 and same.index[1] == duplicate.row - 2
    assert column(same, "programme_cci").nunique() == 1
    assert by_rule["eu.rate.range"].also == ("eu.amount.consistent_with_rate",)


def test_write_demo_writes_the_national_sheet(demo: DemoDataset, tmp_path: Path) -> None:
    path = write_demo(tmp_path / "demo.xlsx", demo)
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["LISTE OPERATION AU 16 03 2026"]
    rows = list(workbook.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0] == EXPECTED_HEADERS
    assert len(rows) == len(demo.frame) + 1
    unreadable = next(d for d in demo.defects if d.rule == "read.unreadable_value")
    assert rows[unreadable.row - 1][7] == "31/02/2023"
    assert write_demo(tmp_path / "again.xlsx", demo).read_bytes() == path.read_bytes()
    first = rows[1]
    assert first[7].__class__.__name__ == "datetime" and isinstance(first[20], float)


def test_random_defects_and_csv_for_benchmarks(tmp_path: Path) -> None:
    frame = generate_operations(3000, seed=11)
    counts = inject_random_defects(frame, 0.1, seed=11)
    assert 200 < sum(counts.values()) < 400 and len(counts) >= 15
    path = write_csv(tmp_path / "ops.csv", frame)
    back = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    assert tuple(back.columns) == EXPECTED_HEADERS and len(back) == 3000
    assert back[header_of("start_date")].str.fullmatch(r"\d\d/\d\d/\d{4}").all()


def test_demo_through_the_pipeline_fires_exactly_the_recorded_rules(
    demo: DemoDataset, tmp_path: Path
) -> None:
    """End to end (reader, attribution, GX suite, checks): each defect row yields its rule (plus
    the recorded side-effect warnings) attributed to its region, each programme-level breach its
    programme finding; clean rows yield no error nor warning."""
    from fundcheck.config import RunConfig
    from fundcheck.pipeline import run

    path = write_demo(tmp_path / "demo.xlsx", demo)
    findings = run(RunConfig(sources=[path], parameters={"as_of": "2026-03-16"})).findings
    serious = findings[findings["severity"].isin(["error", "warning"])]
    defect_rows = {d.row for d in demo.defects if d.row is not None}
    breaches = {
        (d.rule, d.programme) for d in demo.defects if d.row is None and d.severity != "info"
    }
    on_rows = serious[serious["row"].notna()]
    assert on_rows["row"].isin(defect_rows).all(), on_rows[~on_rows["row"].isin(defect_rows)]
    aggregate = serious[serious["row"].isna()]
    assert set(zip(aggregate["rule"], aggregate["programme"], strict=True)) == breaches
    for defect in demo.defects:
        if defect.row is None:
            continue
        at_row = serious[serious["row"] == defect.row]  # information notes are no defects
        assert sorted(at_row["rule"]) == sorted([defect.rule, *defect.also]), defect
        assert set(at_row["region"]) == {defect.region}, defect
