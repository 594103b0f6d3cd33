"""The run history: what a run stores, listing and trend, transactions, bulk speed."""

from __future__ import annotations

import pandas as pd
import pytest

from fundcheck.errors import FundcheckError
from fundcheck.history import database_url


def test_a_run_is_stored_with_sources_suites_counts_and_findings(make_history, result_of):
    changes = {
        0: {"value": pd.Timestamp("2024-02-01")},
        1: {"value": 99999},
        2: {"value": None},
        3: {"expected": ["FEDER", "FSE+"]},
    }
    result = result_of(12, changes=changes)
    history = make_history()
    run_id = history.record(result)

    [run] = history.runs()
    assert (run.id, run.records, run.error, run.warning, run.info) == (run_id, 300, 6, 6, 0)
    assert run.sources == ("liste.xlsx",) and run.sha256 == ("ab" * 32,)

    counts = history.rule_counts(run_id)
    per_region = counts.set_index(["rule", "region"])["count"].to_dict()
    assert per_region == {
        ("eu21.art49.mandatory_field", "84"): 2,
        ("eu21.art49.mandatory_field", "11"): 2,
        ("eu21.art49.mandatory_field", "national"): 2,
        ("fr.postcode.exists", "84"): 2,
        ("fr.postcode.exists", "11"): 2,
        ("fr.postcode.exists", "national"): 2,
    }

    stored = history.findings(run_id)
    assert len(stored) == 12
    assert stored["value"].tolist()[:4] == ["2024-02-01", 99999, None, "v3"]
    assert stored.at[3, "expected"] == ["FEDER", "FSE+"]
    assert stored["row"].tolist() == list(range(2, 14))
    assert stored["region"].tolist()[:2] == ["84", "11"] and pd.isna(stored.at[2, "region"])


def test_runs_are_listed_newest_first_with_the_trend_per_region(make_history, result_of):
    history = make_history()
    first = history.record(result_of(9, sha="aa" * 32, at="2026-01-15T09:00:00+00:00"))
    second = history.record(result_of(3, sha="bb" * 32, at="2026-03-16T09:00:00+00:00"))
    reopened = make_history()  # the history outlives the process that wrote it
    assert [run.id for run in reopened.runs()] == [second, first]
    assert [run.sha256[0][:2] for run in reopened.runs(limit=1)] == ["bb"]

    trend = reopened.trend(region="84")
    assert trend["run_id"].tolist() == [first, second]
    assert trend["error"].tolist() == [2, 1]  # findings 0, 6 then 0 in region 84
    assert trend["warning"].tolist() == [1, 0]
    assert trend["records"].tolist() == [150, 150]
    everything = reopened.trend()
    assert set(everything["region"]) == {"84", "11", "93", "national"}
    assert reopened.trend(limit=1)["run_id"].unique().tolist() == [second]


def test_a_failed_insert_leaves_no_half_written_run(make_history, result_of, table_counts):
    history = make_history()
    kept = history.record(result_of(5))
    before = table_counts(history)
    # more than one bulk chunk, so the failure comes after inserts; "rule" is NOT NULL
    broken = result_of(25_000, changes={20_000: {"rule": None}})
    with pytest.raises(FundcheckError, match="cannot store the run"):
        history.record(broken)
    assert table_counts(history) == before
    assert [run.id for run in history.runs()] == [kept]


def test_100k_findings_are_stored_whole(make_history, result_of, table_counts):
    history = make_history()
    result = result_of(100_000)
    run_id = history.record(result)  # its speed is measured by bench/reports_speed.py
    assert table_counts(history)[history.tables.findings.name] == 100_000
    assert history.runs()[0].id == run_id


def test_a_path_means_a_sqlite_file_and_a_url_is_kept(tmp_path):
    assert database_url(tmp_path / "h.sqlite") == f"sqlite:///{tmp_path / 'h.sqlite'}"
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert database_url(url) == url


def test_an_unreachable_database_is_an_execution_error(tmp_path):
    from fundcheck.history import History

    with pytest.raises(FundcheckError, match="cannot open the run history"):
        History(f"sqlite:///{tmp_path}/missing-folder/h.sqlite")
