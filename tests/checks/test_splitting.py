"""Split operations and double funding: same beneficiary, near-identical title, overlapping
dates."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from fundcheck.checks import CHECKS
from fundcheck.connectors.attribution import annotate
from fundcheck.model import Provenance, RecordKind, RecordSet
from fundcheck.reference import load_reference

SPLIT = "eu.duplicates.split_operation"
DOUBLE = "eu.duplicates.double_funding"


def pair(first=None, second=None):
    first = {"operation_id": "OC1", "operation_name": "Rénovation", **(first or {})}
    second = {"operation_id": "OC2", "operation_name": "Rénovation", **(second or {})}
    return [first, second]


def test_similarity_boundary_is_90(build, run):
    assert fuzz.ratio("renovation", "renovatiom") == 90
    assert fuzz.ratio("renovatio", "renovatim") < 90
    found = run(SPLIT, build(pair(second={"operation_name": "Rénovatiom"})))
    assert found["row"].tolist() == [3]  # one finding per group, on its last row
    hit = found.iloc[0]
    assert hit["scope"] == "record" and hit["severity"] == "warning" and hit["count"] == 2
    assert hit["operation_id"] == "OC2" and hit["value"] == "Rénovatiom"
    assert hit["message_fr"].startswith("2 opérations du même bénéficiaire")
    assert "(lignes 2, 3)" in hit["message_fr"] and "(rows 2, 3)" in hit["message_en"]
    assert hit["legal_basis"].startswith("CPR (EU) 2021/1060 Art 63(9)")
    below = pair({"operation_name": "Rénovatio"}, {"operation_name": "Rénovatim"})
    assert run(SPLIT, build(below)).empty
    assert len(run(SPLIT, build(below), split_title_similarity=85)) == 1


def test_dates_must_overlap(build, run):
    touching = pair(second={"start_date": "2024-06-30", "end_date": "2025-01-01"})
    after = pair(second={"start_date": "2024-07-01", "end_date": "2025-01-01"})
    assert len(run(SPLIT, build(touching))) == 1
    assert run(SPLIT, build(after)).empty


def test_case_accents_and_punctuation_do_not_matter_but_place_and_year_do(build, run):
    same = pair(second={"beneficiary_name": "DEPARTEMENT DE L HERAULT",
                        "operation_name": "renovation !"})  # fmt: skip
    assert len(run(SPLIT, build(same))) == 1
    elsewhere = pair(second={"operation_department": "30", "operation_postcode": "30000"})
    assert run(SPLIT, build(elsewhere)).empty
    unknown_place = pair(second={"operation_department": None, "operation_postcode": None})
    assert len(run(SPLIT, build(unknown_place))) == 1
    editions = pair({"operation_name": "Appel à projets 2023"},
                    {"operation_name": "Appel à projets 2024"})  # fmt: skip
    assert run(SPLIT, build(editions)).empty


def test_same_number_twice_is_not_a_split(build, run):
    assert run(SPLIT, build(pair(second={"operation_id": "OC1"}))).empty


def test_other_fund_with_amounts_above_the_eligible_cost_is_double_funding(build, run):
    esf = {"fund": "ESF+", "specific_objective": "ESO4.1"}
    at = build(pair(second={**esf, "eu_amount": 40_500.0}))  # 100,500 = eligible + 0.5 %
    assert run(DOUBLE, at).empty and len(run(SPLIT, at)) == 1
    above = build(pair(second={**esf, "eu_amount": 40_501.0}))
    assert run(SPLIT, above).empty  # the more serious finding only
    found = run(DOUBLE, above)
    assert found["row"].tolist() == [3]
    hit = found.iloc[0]
    assert hit["field"] == "eu_amount" and hit["value"] == 100_501.0
    assert hit["expected"] == 100_000.0
    assert "100\u202f501 €" in hit["message_fr"] and "EUR 100,000" in hit["message_en"]


def test_same_number_in_two_programmes_above_the_eligible_cost(build, run):
    other = {"programme_cci": "2021FR05SFPR001", "fund": "ESF+", "operation_id": "OC1",
             "operation_name": "Tout autre intitulé", "eu_amount": 50_000.0}  # fmt: skip
    assert run(DOUBLE, build(pair(second=other)))["row"].tolist() == [3]


def test_same_fund_and_programme_is_never_double_funding(build, run):
    assert run(DOUBLE, build(pair(second={"eu_amount": 60_000.0}))).empty


def test_a_hundred_thousand_rows_are_checked():
    """Blocking by beneficiary: 100,000 operations of 20,000 beneficiaries (the time it takes is
    measured by bench/, never by a test)."""
    n = 100_000
    rng = np.random.default_rng(4)
    titles = np.array([f"Projet {w} numéro {k}" for w in ("alpha", "beta", "gamma", "delta")
                       for k in range(50)], dtype=object)  # fmt: skip
    start = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), "D")
    frame = pd.DataFrame(
        {
            "operation_id": [f"OP{i:07d}" for i in range(n)],
            "programme_cci": "2021FR16FFPR004",
            "fund": "ERDF",
            "beneficiary_name": [f"Bénéficiaire {b}" for b in rng.integers(0, 20_000, n)],
            "operation_name": titles[rng.integers(0, len(titles), n)],
            "operation_postcode": "34000",
            "start_date": start,
            "end_date": start + pd.to_timedelta(rng.integers(30, 900, n), "D"),
            "total_eligible_cost": 100_000.0,
            "eu_amount": 60_000.0,
            "_row": np.arange(2, n + 2),
        }
    )
    annotate(frame, load_reference())
    data = {"big.csv": RecordSet(RecordKind.OPERATIONS, frame, Provenance(
        name="big.csv", location="big.csv", format="csv"))}  # fmt: skip
    found = CHECKS[SPLIT]().run(data, load_reference(), {})
    assert len(found) > 0


def test_the_groups_do_not_depend_on_the_order_of_the_rows(build, run):
    """One operation number on three rows with other titles: two in the Occitanie ERDF
    programme (60,000 € and 50,000 €), one in an ESF+ programme (60,000 €). Each row with the
    number is linked to one row holding it, chosen by the rows' contents, not by which comes
    first in the file: else the rows in another order would make another group ({first ERDF,
    ESF+} at 120,000 € or {second ERDF, ESF+} at 110,000 €)."""
    erdf_a = {"operation_id": "OC1", "operation_name": "Rénovation du gymnase"}
    esf = {"operation_id": "OC1", "operation_name": "Parcours vers l'emploi",
           "programme_cci": "2021FR05SFPR001", "fund": "ESF+",
           "specific_objective": "ESO4.1"}  # fmt: skip
    erdf_b = {"operation_id": "OC1", "operation_name": "Étude de faisabilité",
              "eu_amount": 50_000.0}  # fmt: skip
    found = []
    for rows in ([erdf_a, esf, erdf_b], [erdf_b, esf, erdf_a], [esf, erdf_a, erdf_b]):
        double = run(DOUBLE, build(rows))
        assert len(double) == 1
        hit = double.iloc[0]
        found.append((hit["count"], hit["value"], hit["expected"]))
    assert len(set(found)) == 1  # one answer whatever the order
    assert found[0] in {(2, 120_000.0, 100_000.0), (2, 110_000.0, 100_000.0),
                        (3, 120_000.0, 100_000.0)}  # fmt: skip


def test_the_demo_in_another_order_gives_the_same_groups(tmp_path):
    """The demo list (its split and double-funded operations injected), its rows shuffled, each
    keeping its row number: the same groups, amounts and rows (a split finding stands on the
    group's last row in the list, so the title it shows may be another member's)."""
    from fundcheck.connectors import read_source
    from fundcheck.demo import generate_demo, write_demo

    reference = load_reference()
    records = read_source(write_demo(tmp_path / "demo.xlsx", generate_demo()), reference)
    shuffled = records.frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert not shuffled["_row"].equals(records.frame["_row"])

    def groups(frame: pd.DataFrame) -> list[tuple]:
        data = {"demo.xlsx": RecordSet(RecordKind.OPERATIONS, frame, records.provenance)}
        found = []
        for rule in (SPLIT, DOUBLE):
            for _, hit in CHECKS[rule]().run(data, reference, {}).iterrows():
                rows = sorted(int(n) for n in re.findall(r"\d+", hit["message_en"].split("(")[1]))
                amounts = (hit["value"], hit["expected"]) if rule == DOUBLE else ()
                found.append((rule, hit["count"], *amounts, tuple(rows)))
        return sorted(found, key=str)

    original = groups(records.frame)
    assert {rule for rule, *_ in original} == {SPLIT, DOUBLE}  # the demo has both
    assert groups(shuffled) == original
