"""Time every renderer on a synthetic run with many findings.

Usage: .venv/bin/python bench/reports_speed.py [N_FINDINGS]   (default 100000)
       .venv/bin/python bench/reports_speed.py --memory [N_FINDINGS] [FORMAT,FORMAT...]

``--memory`` renders each format in a fresh interpreter and also prints the peak resident memory
the rendering added (Linux: the peak is reset after the synthetic run is built, then read from
``VmHWM``; the baseline is the resident memory at that moment).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

from fundcheck.findings import findings_frame
from fundcheck.model import Provenance, Rule, RunResult, Severity, SuiteRef
from fundcheck.reports import REPORTS, ReportOptions, print_summary

REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}
RULE_SPECS = [
    ("eu21.art49.mandatory_field", "error", "eu21.art49"),
    ("eu21.art49.location_indicator", "error", "eu21.art49"),
    ("eu.cci.format", "error", "eu.cci"),
    ("eu21.intervention_field.valid", "error", "eu21.intervention_field"),
    ("fr.postcode.format", "error", "fr.postcode"),
    ("fr.postcode.exists", "warning", "fr.postcode"),
    ("eu.rate.range", "error", "eu.rate"),
    ("eu.amount.consistent_with_rate", "warning", "eu.amount"),
    ("eu21.dates.eligibility_window", "warning", "eu21.dates"),
    ("read.unreadable_value", "error", "read"),
]


def synthetic_result(n: int, seed: int = 7) -> RunResult:
    """A run over all French regions with ``n`` record findings from ten rules."""
    rng = np.random.default_rng(seed)
    rules = [
        Rule(
            id=rid,
            severity=Severity(sev),
            origin="expectation",
            family=fam,
            title_fr=f"Titre {rid}",
            title_en=f"Title {rid}",
            message_fr="m",
            message_en="m",
            legal_basis=f"CPR (EU) 2021/1060 Art 49(3) — {rid}",
        )
        for rid, sev, fam in RULE_SPECS
    ]
    pick = rng.integers(0, len(rules), n)
    codes = np.array([*REGIONS, None], dtype=object)
    frame = pd.DataFrame(
        {
            "rule": [rules[i].id for i in pick],
            "severity": [rules[i].severity.value for i in pick],
            "scope": "record",
            "source": "liste_operations_2021_2027.xlsx",
            "row": np.arange(2, n + 2),
            "operation_id": [f"OP-{i:07d}" for i in range(n)],
            "programme": [f"2021FR16FFPR{i % 20:03d}" for i in range(n)],
            "region": codes[rng.integers(0, len(codes), n)],
            "field": "beneficiary_postcode",
            "column": "Code postal du bénéficiaire",
            "value": [f"{i % 99999:05d}" if i % 3 else None for i in range(n)],
            "expected": None,
            "count": None,
            "message_fr": [
                f"Le code postal {i % 99999:05d} est inconnu de La Poste." for i in range(n)
            ],
            "message_en": [f"Postcode {i % 99999:05d} is unknown to La Poste." for i in range(n)],
            "legal_basis": [rules[i].legal_basis for i in pick],
        }
    )
    records = {code: 5000 for code in REGIONS} | {"national": 1000}
    return RunResult(
        fundcheck_version="bench",
        generated_at="2026-01-01T00:00:00+00:00",
        sources=[Provenance(name="liste.xlsx", location="/tmp/liste.xlsx", format="xlsx", rows=n)],
        suites=[SuiteRef(name="eu_2021_2027.list_of_operations", version="1", expectations=20)],
        rules=rules,
        records=sum(records.values()),
        findings=findings_frame(frame),
        region_names=dict(REGIONS),
        records_by_region=records,
    )


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def render_one(name: str, n: int) -> None:
    """Render one format (in this fresh interpreter) and print time and peak memory added."""
    result = synthetic_result(n)
    options = ReportOptions(fail_on=Severity.WARNING)
    renderer = REPORTS[name]()
    with tempfile.TemporaryDirectory() as folder:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
        baseline = _status_kib("VmRSS")
        wall, cpu = time.perf_counter(), time.process_time()
        paths = renderer.render(result, Path(folder), "fr", options)
        timing = _since(wall, cpu)
        peak = _status_kib("VmHWM") - baseline
        size = sum(path.stat().st_size for path in paths) / 1e6
    print(f"{name:9s} {timing}  {size:7.1f} MB  peak +{peak / 1024:7.1f} MiB")


def memory(n: int, formats: list[str]) -> None:
    print(f"{n:,} findings, one interpreter per format")
    for name in formats:
        script = [sys.executable, __file__, "--one", name, str(n)]
        subprocess.run(script, check=True, env={**os.environ, "PYTHONHASHSEED": "0"})


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        render_one(sys.argv[2], int(sys.argv[3]))
        return
    if sys.argv[1:2] == ["--memory"]:
        n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
        memory(n, sys.argv[3].split(",") if len(sys.argv) > 3 else sorted(REPORTS))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    result = synthetic_result(n)
    options = ReportOptions(fail_on=Severity.WARNING)
    print(f"{n:,} findings")
    with tempfile.TemporaryDirectory() as folder:
        for name, renderer in sorted(REPORTS.items()):
            wall, cpu = time.perf_counter(), time.process_time()
            paths = renderer().render(result, Path(folder), "fr", options)
            size = sum(path.stat().st_size for path in paths) / 1e6
            print(f"{name:9s} {_since(wall, cpu)}  {size:7.1f} MB")
        wall, cpu = time.perf_counter(), time.process_time()
        print_summary(result, Console(file=io.StringIO()), "fr")
        print(f"{'console':9s} {_since(wall, cpu)}")


def _since(wall: float, cpu: float) -> str:
    return f"{time.perf_counter() - wall:6.2f} s wall {time.process_time() - cpu:6.2f} s CPU"


if __name__ == "__main__":
    main()
