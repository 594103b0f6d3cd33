"""The aggregate checks run a shard of rows at a time give the findings of one run on every row:
each check declares the relations between rows its findings depend on, and the shards keep the
rows those relations join together."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from fundcheck.checks import CHECKS
from fundcheck.checks.base import GatheringCheck, each_check
from fundcheck.checks.frames import CheckData
from fundcheck.checks.shards import LINKS, checks_in_shards, shard_of_rows, units
from fundcheck.connectors import read_source
from fundcheck.demo import generate_demo, write_csv
from fundcheck.demo.writers import _as_text
from fundcheck.model import RecordKind, RecordSet
from fundcheck.pipeline import covered_records
from fundcheck.reference import load_reference

PARAMETERS = {"as_of": "2026-03-16"}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> tuple[RecordSet, list[RecordSet]]:
    """The demo read from its CSV file, and the same rows cut in two lists (two sources)."""
    frame = generate_demo().frame
    cells = _with_more_defects(
        pd.DataFrame({str(name): _as_text(frame[name]) for name in frame.columns})
    )
    folder = tmp_path_factory.mktemp("demo")
    reference = load_reference()
    whole = read_source(write_csv(folder / "demo.csv", cells), reference)
    halves = [
        read_source(write_csv(folder / f"half{i}.csv", cells.iloc[i::2]), reference) for i in (0, 1)
    ]
    return whole, halves


def _with_more_defects(cells: pd.DataFrame) -> pd.DataFrame:
    """The demo with the defects of the checks it has none of, their rows far apart: copies of
    rows, an operation number reused in another programme, an eligible cost far above its
    objective's, zero amounts, a twenty-year operation."""
    cells = cells.copy()
    other = cells.loc[1500]
    reused = cells.loc[[40]].assign(
        **{"NUMCCI": other["NUMCCI"], "Libellé Programme": other["Libellé Programme"],
           "Intitulé du projet": "Une autre opération", "Nom du bénéficiaire": "Autre SA"}
    )  # fmt: skip
    cells.loc[300, "Total des dépenses éligibles"] = "987654321000"
    cells.loc[900, "Montant UE"] = "0"
    cells.loc[1200, "Date de fin de l'opération"] = "31/12/2045"
    copies = cells.loc[[10, 700]]
    return pd.concat([cells, copies, reused, copies.iloc[:1]], ignore_index=True)


def _findings(data: CheckData, rows_per_shard: int | None) -> dict[str, list[str]]:
    reference = load_reference()
    if rows_per_shard is None:
        tables = each_check(data, reference, PARAMETERS)
    else:
        tables = checks_in_shards(data, reference, PARAMETERS, rows_per_shard)
    return {
        rule: sorted(
            json.dumps(row, sort_keys=True, default=str) for row in table.to_dict("records")
        )
        for rule, table in zip(CHECKS, tables, strict=True)
    }


def _data(record_sets: list[RecordSet]) -> CheckData:
    return CheckData({rs.provenance.name: covered_records(rs) for rs in record_sets})


@pytest.mark.parametrize("rows_per_shard", [61, 700])
@pytest.mark.parametrize("sources", ["one list", "two lists"])
def test_every_check_finds_in_shards_what_it_finds_on_every_row(demo_run, rows_per_shard, sources):
    """On the demo (2,000 operations, a defect of each kind), shards of 61 and 700 rows; one
    list, and its rows dealt in two lists (rows of one programme or beneficiary in both)."""
    whole, halves = demo_run
    record_sets = [whole] if sources == "one list" else halves
    expected = _findings(_data(record_sets), None)
    found = _findings(_data(record_sets), rows_per_shard)
    assert found == expected
    assert sum(1 for rule in expected if expected[rule]) >= 16  # most checks find something


def test_a_shard_holds_every_row_its_relations_join(demo_run):
    """Rows joined by a beneficiary, an operation number or a copy end up in one shard; rows
    related by nothing a check declares are cut anywhere."""
    whole, _ = demo_run
    data = _data([whole])
    reference = load_reference()
    frame = whole.frame
    related = shard_of_rows(data, reference, ("beneficiary", "operation_id", "identical"), 100)
    names = frame["beneficiary_name"].str.casefold().str.strip().to_numpy()
    assert pd.Series(related).groupby(names).nunique().max() == 1
    ids = frame["operation_id"].to_numpy()
    assert pd.Series(related).groupby(ids).nunique().max() == 1
    by_row = shard_of_rows(data, reference, (), 100)
    assert np.bincount(by_row).tolist() == [100] * 20 + [len(frame) - 2_000]


def test_every_check_declares_relations_shards_know():
    """Each check's ``links`` (and each piece's) names known relations, or is () or None."""
    for unit in units(list(CHECKS)):
        if unit.links is not None:
            assert set(unit.links) <= set(LINKS), unit
    assert {"beneficiary", "operation_id", "identical", "objective_group"} <= set(LINKS)


def test_one_shard_gives_the_findings_in_the_order_of_one_run(demo_run):
    """Shards as large as the run: every table exactly as the run on every row gives it."""
    whole, _ = demo_run
    reference = load_reference()
    one_run = list(each_check(_data([whole]), reference, PARAMETERS))
    in_shards = list(checks_in_shards(_data([whole]), reference, PARAMETERS, 10_000))
    for a, b in zip(one_run, in_shards, strict=True):
        pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    assert whole.kind is RecordKind.OPERATIONS


def test_a_gathering_check_judges_the_rows_of_every_shard_at_once(demo_run):
    """The checks that sum over a programme or a fund gather their rows 61 at a time and judge
    them together: their tables are exactly those of one run, in the same order."""
    whole, halves = demo_run
    reference = load_reference()
    gathering = [rule for rule, check in CHECKS.items() if issubclass(check, GatheringCheck)]
    assert len(gathering) >= 8
    for record_sets in ([whole], halves):
        one_run = list(each_check(_data(record_sets), reference, PARAMETERS, ids=gathering))
        in_shards = list(checks_in_shards(_data(record_sets), reference, PARAMETERS, 61, gathering))
        for rule, a, b in zip(gathering, one_run, in_shards, strict=True):
            if getattr(CHECKS[rule], "pieces", None):  # its pieces' findings after its lines'
                key = ["programme", "message_en"]
                a, b = (t.sort_values(key, ignore_index=True) for t in (a, b))
            pd.testing.assert_frame_equal(a, b)
        assert sum(not table.empty for table in one_run) >= 3
