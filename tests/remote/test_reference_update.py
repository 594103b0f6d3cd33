"""``fundcheck reference update`` against the recorded Cohesion Open Data tables."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from fundcheck.cli import cli
from fundcheck.reference import REFERENCE_DIR_ENV, data_path, packaged_path

EXPORT_2014 = (
    Path(__file__).parents[1]
    / "data"
    / "checks"
    / ("ESIF_2014-2020_FINANCES_PLANNED_DETAILS_190411.FR.csv")
)


def _fr_only(header: bytes, records: list[bytes]) -> list[bytes]:
    columns = next(csv.reader(io.StringIO(header.decode())))
    position = columns.index("ms")
    return [r for r in records if next(csv.reader(io.StringIO(r.decode())))[position] == "FR"]


@pytest.fixture
def served(remote_env, platform, httpserver):
    header, records = platform.soda_records()
    french = _fr_only(header, records)
    handler = platform.soda_handler(header, french)
    httpserver.expect_request("/resource/hgyj-gyin.csv", query_string=None).respond_with_handler(
        handler
    )
    httpserver.expect_request("/resource/hgyj-gyin.json").respond_with_handler(handler)
    httpserver.expect_request("/api/views/e4v6-qrrq/rows.csv").respond_with_data(
        EXPORT_2014.read_bytes(), content_type="text/csv"
    )
    return header, french


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_update_writes_a_new_snapshot_and_lists_the_changes(served, tmp_path, monkeypatch):
    packaged = {
        n: _sha(packaged_path(n))
        for n in ("programmes_2021_2027_fr.csv", "programmes_2014_2020_fr.csv")
    }
    out = tmp_path / "ref"
    result = CliRunner().invoke(
        cli, ["reference", "update", "--output", str(out), "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)
    assert {n: _sha(packaged_path(n)) for n in packaged} == packaged  # packaged files untouched

    # 2014-2020: every changed amount is the source's sum of "EU Amount" per CCI and fund
    sums: dict[tuple[str, str], float] = defaultdict(float)
    with EXPORT_2014.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            sums[(row["CCI"], row["Fund"])] += float(row["EU Amount"] or 0)
    older = [c for c in changes if c["file"] == "programmes_2014_2020_fr.csv"]
    assert older, "the 2019 export differs from the Partnership Agreement snapshot"
    for change in older:
        assert change["source"] == pytest.approx(sums[(change["cci"], change["fund"])])
    snapshot = {r["cci"]: r for r in csv.DictReader((out / "programmes_2014_2020_fr.csv").open())}
    first = next(c for c in older if c["kind"] == "changed")
    column = {"ERDF": "FEDER", "ESF": "FSE", "YEI": "IEJ"}[first["fund"]]
    assert float(snapshot[first["cci"]][f"eu_amount_{column}"]) == pytest.approx(
        first["source"], abs=0.01
    )

    recent = [c for c in changes if c["file"] == "programmes_2021_2027_fr.csv"]
    assert all(c["cci"].startswith("2021FR") for c in recent)
    summary = json.loads((out / "reference-update.json").read_text(encoding="utf-8"))
    assert [s["uri"] for s in summary["sources"]][0] == "cohesiondata:hgyj-gyin?ms=FR"
    assert summary["sources"][1]["uri"].endswith(
        "/api/views/e4v6-qrrq/rows.csv?accessType=DOWNLOAD"
    )

    # the snapshot is read only when asked for
    assert data_path("programmes_2014_2020_fr.csv") == packaged_path("programmes_2014_2020_fr.csv")
    monkeypatch.setenv(REFERENCE_DIR_ENV, str(out))
    assert data_path("programmes_2014_2020_fr.csv") == out / "programmes_2014_2020_fr.csv"


def test_the_table_names_the_snapshot_folder(served, remote_env):
    result = CliRunner().invoke(cli, ["reference", "update"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert str(remote_env.cache_dir / "reference") in result.output.replace("\n", "")
