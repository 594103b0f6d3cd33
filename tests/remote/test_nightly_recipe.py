"""The nightly CI recipe (scripts/nightly.sh) against the local server: baseline, unchanged
edition, new edition with new errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SCRIPT = ROOT / "scripts" / "nightly.sh"
URI = "datagouv:demandes-de-valeurs-foncieres"


def run(state: Path, out: Path, remote_env) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FUNDCHECK": str(Path(sys.executable).parent / "fundcheck"),
        "PYTHON": sys.executable,
    }
    return subprocess.run(
        ["bash", str(SCRIPT), URI, str(state), str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_baseline_then_unchanged_then_new_errors(remote_env, platform, httpserver, tmp_path):
    body = platform.LIST_OF_OPERATIONS.read_bytes()
    platform.serve_dataset(body)
    state = tmp_path / "state"

    first = run(state, tmp_path / "r1", remote_env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "baseline" in first.stdout
    assert (tmp_path / "r1" / "junit.xml").is_file() and (tmp_path / "r1" / "report.html").is_file()

    second = run(state, tmp_path / "r2", remote_env)
    assert second.returncode == 0, second.stderr
    assert "no new edition" in second.stdout
    assert not (tmp_path / "r2" / "report.json").exists()

    # a new edition in which five operations end before they start (new errors)
    assert body.count(b";31/12/2023;") > 5
    httpserver.clear()
    platform.serve_dataset(body.replace(b";31/12/2023;", b";31/12/2013;", 5))
    third = run(state, tmp_path / "r3", remote_env)
    assert third.returncode == 1, third.stdout + third.stderr
    assert "FAIL" in third.stdout
    assert (tmp_path / "r3" / "diff" / "diff.json").is_file()
    assert (state / "previous").is_dir() and not (state / "current").exists()
