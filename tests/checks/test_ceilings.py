"""Co-financing ceilings: per programme × fund × category (× priority), and per operation."""

from __future__ import annotations

import pandas as pd
import pytest

from fundcheck.findings import FINDING_COLUMNS

AGGREGATE = "eu.cofinancing.ceiling_aggregate"
OPERATION = "eu.cofinancing.ceiling_operation"


def ops(eu_amounts, eligible=100_000.0, **cells):
    return [
        {"operation_id": f"OC{i:07d}", "eu_amount": eu, "total_eligible_cost": eligible,
         "cofinancing_rate": eu / eligible, **cells}
        for i, eu in enumerate(eu_amounts)
    ]  # fmt: skip


def test_sum_exactly_at_the_transition_ceiling_passes(build, run):
    data = build(ops([50_000.0, 70_000.0]))  # 120,000 / 200,000 = 60 %
    assert run(AGGREGATE, data).empty


def test_sum_just_above_the_ceiling_is_one_programme_finding(build, run):
    data = build(ops([50_000.0, 70_004.0]))  # 60.002 % > 60 % + 0.001 pp
    found = run(AGGREGATE, data)
    assert len(found) == 1
    hit = found.iloc[0]
    assert tuple(found.columns) == FINDING_COLUMNS
    assert hit["rule"] == AGGREGATE and hit["severity"] == "warning"
    assert hit["scope"] == "programme" and pd.isna(hit["row"])
    assert hit["programme"] == "2021FR16FFPR004" and hit["region"] == "76"
    assert hit["value"] == pytest.approx(0.60002) and hit["expected"] == 0.6
    assert hit["count"] == 2
    assert hit["legal_basis"] == "CPR (EU) 2021/1060 Art 112(3)(c)"
    assert "60,00 %" in hit["message_fr"] and "plafond de 60 %" in hit["message_fr"]
    assert "ERDF, transition region" in hit["message_en"]


def test_the_tolerance_is_a_parameter(build, run):
    data = build(ops([50_000.0, 70_004.0]))
    assert run(AGGREGATE, data, ceiling_tolerance="0.0001").empty


def test_two_category_programme_is_split_by_the_operation_nuts2(build, run):
    """Auvergne-Rhône-Alpes: Rhône-Alpes (69) is more developed (40 %), Auvergne (63) in
    transition (60 %). 50 % is fine in Auvergne, above the ceiling in Rhône-Alpes."""
    cells = {"programme_cci": "2021FR16FFPR018", "operation_postcode": None}
    rows = ops([50_000.0], operation_department="63", **cells) + ops(
        [50_000.0], operation_department="69", **cells
    )
    found = run(AGGREGATE, build(rows))
    assert len(found) == 1
    assert found.iloc[0]["expected"] == 0.4 and found.iloc[0]["region"] == "84"
    assert "more developed region" in found.iloc[0]["message_en"]


def test_priority_column_splits_the_sum(build, run):
    rows = ops([40_000.0], priority="1") + ops([70_000.0], priority="2")
    found = run(AGGREGATE, build(rows))  # 55 % overall, 70 % on priority 2
    assert len(found) == 1 and "priority 2" in found.iloc[0]["message_en"]


@pytest.mark.parametrize(
    ("cells", "ceiling"),
    [
        ({"programme_cci": "2021FR16FFPR008", "operation_department": "972",
          "operation_postcode": "97200"}, 0.85),  # Martinique: transition but outermost
        ({"fund": "JTF", "specific_objective": "JSO8.1", "programme_cci": "2021FR05JTPR001"},
         0.70),  # JTF transition: 70 %, not the ERDF 60 %
        ({"fund": "ESF+", "specific_objective": "ESO4.13", "programme_cci": "2021FR05SFPR002"},
         0.90),  # material deprivation
        ({"programme_cci": "2021FR05FFPR001", "operation_department": "75",
          "operation_postcode": "75001"}, 0.40),  # Île-de-France, more developed
    ],
)  # fmt: skip
def test_ceiling_of_each_case_at_its_boundary(build, run, cells, ceiling):
    at = build(ops([ceiling * 100_000], **cells))
    above = build(ops([ceiling * 100_000 + 10], **cells))
    assert run(AGGREGATE, at).empty
    assert run(AGGREGATE, above)["expected"].tolist() == [ceiling]


def test_unknown_category_and_react_eu_are_not_tested(build, run):
    nowhere = {"operation_department": None, "operation_postcode": None,
               "programme_cci": "2021FR05SFPR001", "fund": "ESF+"}  # fmt: skip
    react = {"programme_cci": "2014FR16M0OP006", "fund": "REACT-EU"}
    data = build(ops([99_000.0], **nowhere) + ops([100_000.0], **react))
    assert run(AGGREGATE, data).empty


def test_2014_2020_ceiling_comes_from_the_2014_category(build, run):
    """Centre (FRB0) was more developed in 2014-2020 (50 %), transition in 2021-2027."""
    cells = {"programme_cci": "2014FR16M0OP003", "operation_department": "45",
             "operation_postcode": "45000"}  # fmt: skip
    assert run(AGGREGATE, build(ops([50_000.0], **cells))).empty
    found = run(AGGREGATE, build(ops([55_000.0], **cells)))
    assert found["expected"].tolist() == [0.5]
    assert found.iloc[0]["legal_basis"] == "CPR14 Art 120(3)(f)"


def test_operation_rate_above_its_ceiling_is_a_record_warning(build, run):
    rows = ops([60_000.0, 60_003.0, 100_000.0])  # 60 %, 60.003 %, 100 %
    found = run(OPERATION, build(rows))
    assert found["row"].tolist() == [3]  # 100 % is eu.cofinancing.full_rate's
    hit = found.iloc[0]
    assert hit["scope"] == "record" and hit["severity"] == "warning"
    assert hit["operation_id"] == "OC0000001" and hit["programme"] == "2021FR16FFPR004"
    assert hit["region"] == "76" and hit["field"] == "cofinancing_rate"
    assert hit["value"] == pytest.approx(0.60003) and hit["expected"] == 0.6
    assert "60,00 %" in hit["message_fr"] and "priorité" in hit["message_fr"]


def test_operation_rate_falls_back_on_amounts(build, run):
    rows = ops([61_000.0], cofinancing_rate=None)
    assert run(OPERATION, build(rows))["value"].tolist() == [0.61]


def test_a_misplaced_operation_keeps_its_programme_line(build, run):
    """A Guadeloupe programme operation with a Paris postcode is tested against the Guadeloupe
    lines (outermost, 85 %), never against the "more developed" 40 % of its location."""
    guadeloupe = {
        "programme_cci": "2021FR16FFPR013",
        "operation_postcode": "75001",
        "operation_department": "75",
    }
    rows = ops([70_000.0], **guadeloupe)
    assert run(OPERATION, build(rows)).empty  # 70 % under 85 %
    found = run(OPERATION, build(ops([90_000.0], **guadeloupe)))
    assert found["expected"].tolist() == [0.85]
