"""The published CPER tables (tests/data/cper/, transcribed from Sénat, DATAR and budget
documents) are validated: printed totals against their rows, averages labelled, conflicts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fundcheck.checks.cper_published import validate_published
from fundcheck.connectors.cper_published import read_published

DATA = Path(__file__).resolve().parents[1] / "data" / "cper"


@pytest.fixture(scope="module")
def findings() -> pd.DataFrame:
    tables = read_published(sorted(DATA.glob("*.csv")))
    return validate_published(tables.totals_frame(), tables.means_frame(), tables.facts)


def test_datar_1989_1993_state_total_does_not_add_up(findings):
    totals = findings[findings["rule"] == "CPER-002"]
    state = totals[totals["field"] == "1989-1993, ETAT"]
    assert len(state) == 1
    hit = state.iloc[0]
    assert (hit["value"], hit["expected"]) == (8564, 8627)
    assert hit["source"] == "datar_engagements_etat_region_1984_2006.csv"
    assert "8\u202f564" in hit["message_fr"] and "8,627" in hit["message_en"]


def test_every_datar_gap_beyond_one_unit_is_found_and_nothing_else(findings):
    totals = findings[findings["rule"] == "CPER-002"]
    got = sorted(zip(totals["field"], totals["value"] - totals["expected"], strict=True))
    # the three Δ > 1 M€ listed in SOURCES.md, and the État + Région total they carry into
    assert got == [
        ("1984-1988", -2.0), ("1984-1988, REGION", -2.0),
        ("1989-1993", -61.0), ("1989-1993, ETAT", -63.0), ("1989-1993, REGION", 2.0),
    ]  # fmt: skip


def test_senate_1999_mean_is_the_unweighted_one(findings):
    means = findings[(findings["rule"] == "CPER-025")]
    senate = means[means["source"].str.startswith("senat_1999")].iloc[0]
    assert senate["value"] == 74.2 and senate["expected"] == pytest.approx(74.198, abs=1e-3)
    assert "non pondérée" in senate["message_fr"] and "75,5" in senate["message_fr"]


def test_mobility_2020_rate_is_the_amount_weighted_mean_of_the_modes(findings):
    means = findings[findings["rule"] == "CPER-025"]
    rows = means[means["source"].str.startswith("senat_cper_2015")]
    kinds = dict(
        zip(rows["message_en"].str.extract(r"(taux_\w+)")[0], rows["message_en"], strict=True)
    )
    assert "= weighted mean" in kinds["taux_avancement_ae_pct_2020_12_31"]
    assert "neither" in kinds["taux_avancement_ae_pct_2021_12_31"]


def test_no_same_date_conflict_in_the_facts_table_but_one_is_found_when_added(findings):
    assert (findings["rule"] == "CPER-028").sum() == 0
    tables = read_published([DATA / "cper_chiffres_publies.csv"])
    facts = tables.facts
    twin = facts.iloc[[0]].assign(value="30.1", source_key="OTHER-SOURCE", row=999)
    found = validate_published(tables.totals_frame(), tables.means_frame(),
                               pd.concat([facts, twin]))  # fmt: skip
    assert list(found.loc[found["rule"] == "CPER-028", "value"]) == [29.5]


def test_validate_reports_the_published_tables_with_the_datar_gap(tmp_path):
    import json

    from click.testing import CliRunner

    from fundcheck.cli import cli

    args = ["validate", *map(str, sorted(DATA.glob("*.csv"))), "--report", "json",
            "--output", str(tmp_path), "--fail-on", "warning", "--quiet"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output  # the printed totals that do not add up
    report = json.loads(next(tmp_path.glob("*.json")).read_text(encoding="utf-8"))
    gaps = [f for f in report["findings"] if f["rule"] == "CPER-002"]
    assert any(f["value"] == 8564 and f["expected"] == 8627 for f in gaps)
