"""`fundcheck diff` between two snapshots of a CPER follow-up workbook: findings resolved,
new and persisting per region (there are no list-of-operations rows to compare)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from fundcheck.cli import cli
from fundcheck.connectors.cper_template import write_workbook

sys.path.insert(0, str(Path(__file__).parent))
from test_cper_rules import _tables  # noqa: E402


def test_diff_of_two_cper_snapshots_lists_the_resolved_finding(tmp_path):
    old = write_workbook(tmp_path / "suivi_2024.xlsx", _tables())
    fixed = _tables()
    plans = fixed["financements"]
    plans.loc[plans["financeur_id"] == "P1112", "financeur_id"] = "P112"
    new = write_workbook(tmp_path / "suivi_2025.xlsx", fixed)
    out = tmp_path / "diff"
    args = ["diff", str(old), str(new), "--report", "json", "--output", str(out), "--quiet"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "diff.json").read_text(encoding="utf-8"))
    statuses = {(f["rule"], f["status"]) for f in report["findings"]}
    assert ("CPER-015", "resolved") in statuses
    assert ("CPER-003", "persisting") in statuses
    assert all(f["region"] == "52" for f in report["findings"] if f["rule"].startswith("CPER"))
