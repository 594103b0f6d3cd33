"""Hand-built RunResults for the renderer tests (the pipeline is not needed)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from fundcheck.findings import findings_frame
from fundcheck.model import Provenance, Rule, RunResult, Severity, SuiteRef

MANDATORY = Rule(
    id="eu21.art49.mandatory_field",
    severity=Severity.ERROR,
    origin="expectation",
    family="eu21.art49",
    title_fr="Champ obligatoire vide",
    title_en="Mandatory field empty",
    message_fr="Le champ {column} est vide.",
    message_en="Field {column} is empty.",
    legal_basis="CPR (EU) 2021/1060 Art 49(3)",
)
CCI = Rule(
    id="eu.cci.format",
    severity=Severity.ERROR,
    origin="expectation",
    family="eu.cci",
    title_fr="Code CCI mal formé",
    title_en="Malformed CCI code",
    message_fr="CCI {value} mal formé.",
    message_en="Malformed CCI {value}.",
    legal_basis="Programme CCI code, SFC2014/SFC2021 structure (CPR (EU) 2021/1060 Art 49(3))",
)
POSTCODE = Rule(
    id="fr.postcode.exists",
    severity=Severity.WARNING,
    origin="expectation",
    family="fr.postcode",
    title_fr="Code postal inconnu",
    title_en="Unknown postcode",
    message_fr="Code postal {value} inconnu.",
    message_en="Unknown postcode {value}.",
    legal_basis="Art 49(3)(l)-(m); La Poste postcode format",
)
PLACEHOLDER = Rule(
    id="read.normalised.placeholder",
    severity=Severity.INFO,
    origin="reader",
    scope="dataset",
    family="read.normalised",
    title_fr="Valeurs de remplissage vidées",
    title_en="Placeholder values emptied",
    message_fr="{count} valeurs de remplissage vidées dans {column}.",
    message_en="{count} placeholder values emptied in {column}.",
    legal_basis="CPR (EU) 2021/1060 Art 49(4) (open, machine-readable format)",
)
DATES = Rule(
    id="eu.dates.start_before_end",
    severity=Severity.ERROR,
    origin="expectation",
    family="eu.dates",
    title_fr="Fin avant le début",
    title_en="End before start",
    message_fr="La date de fin précède la date de début.",
    message_en="The end date is before the start date.",
    legal_basis="CPR (EU) 2021/1060 Art 49(3)(f)-(g)",
)
RULES = [MANDATORY, CCI, POSTCODE, PLACEHOLDER, DATES]  # DATES never fires

XSS = "<script>alert(1)</script>"
SCRIPT_BREAK = "</script><script>alert(2)</script>"
FORMULA = '=HYPERLINK("http://x","y")'


def finding(rule: Rule, **values: Any) -> dict[str, Any]:
    """A findings-table row for ``rule``; messages name the rule so tests can find them."""
    return {
        "rule": rule.id,
        "severity": rule.severity.value,
        "scope": rule.scope,
        "source": "liste_ara.xlsx",
        "message_fr": f"FR {rule.title_fr}",
        "message_en": f"EN {rule.title_en}",
        "legal_basis": rule.legal_basis,
        **values,
    }


def _sample_findings() -> list[dict[str, Any]]:
    rows = [
        finding(
            MANDATORY,
            row=2,
            operation_id="OP-1",
            programme="2021FR16FFPR001",
            region="84",
            field="beneficiary_name",
            column="Nom du bénéficiaire",
            value=None,
            message_fr=f"Bénéficiaire vide {XSS}",
            message_en=f"Empty beneficiary {XSS}",
        ),
        finding(
            MANDATORY,
            row=3,
            operation_id=SCRIPT_BREAK,
            programme="2021FR16FFPR001",
            region="84",
            field="end_date",
            column="Date de fin",
        ),
        finding(
            MANDATORY,
            row=4,
            operation_id="OP-3",
            programme="2021FR16FFPR001",
            region="84",
            field="fund",
            column="Fonds",
            value=FORMULA,
        ),
        finding(
            CCI,
            row=5,
            operation_id="OP-4",
            programme="2021FR16FFPR00X",
            region="84",
            field="programme_cci",
            column="CCI",
            value="2021FR16FFPR00X",
            expected="^(2014|...)$",
        ),
        finding(
            POSTCODE,
            row=6,
            operation_id="+33 OP",
            programme="2021FR16FFPR001",
            region="84",
            field="operation_postcode",
            column="Code postal",
            value="-1234",
        ),
        finding(
            POSTCODE,
            row=7,
            operation_id="@SUM(A1)",
            programme="2021FR16FFPR001",
            region="84",
            field="operation_postcode",
            column="Code postal",
            value=99999,
        ),
        finding(
            MANDATORY,
            row=2,
            operation_id="IDF-1",
            programme="2021FR16RFPR010",
            region="11",
            field="operation_summary",
            column="Résumé",
            value="\tcmd|x **bold** \x0b",
            message_fr="Résumé vide \x0b",
            message_en="Empty summary \x0b",
        ),
        finding(
            CCI,
            row=3,
            operation_id="IDF-2",
            programme="2021FR16RFPR0",
            region="11",
            field="programme_cci",
            column="CCI",
            value="2021FR16RFPR0",
        ),
        finding(
            PLACEHOLDER,
            source="liste_ara.xlsx",
            field="beneficiary_postcode",
            column="CP",
            count=12,
            value="N.C",
        ),
        finding(
            MANDATORY,
            row=9,
            operation_id="NAT-1",
            programme="2021FR65AMPR001",
            field="fund",
            column="Fonds",
            value=pd.Timestamp("2024-02-01"),
        ),
    ]
    return rows


def make_result(findings: pd.DataFrame, rules: list[Rule] | None = None) -> RunResult:
    return RunResult(
        fundcheck_version="0.1.0",
        generated_at="2026-03-01T10:00:00+01:00",
        sources=[
            Provenance(
                name="liste_ara.xlsx",
                location="/data/[red]liste_ara.xlsx",
                format="xlsx",
                sha256="ab" * 32,
                rows=210,
                period="2021-2027",
                profile="ara_feder_2021",
                sheet="Opérations",
            )
        ],
        suites=[SuiteRef(name="eu_2021_2027.list_of_operations", version="1", expectations=18)],
        rules=RULES if rules is None else rules,
        records=215,
        findings=findings,
        region_names={
            "84": "Auvergne-Rhône-Alpes",
            "11": "Île-de-France",
            "93": "Provence-Alpes-Côte d'Azur",
        },
        records_by_region={"84": 120, "11": 80, "93": 10, "national": 5},
    )


@pytest.fixture
def hostile() -> SimpleNamespace:
    """Values planted in the sample findings to try to break out of each format."""
    return SimpleNamespace(xss=XSS, script_break=SCRIPT_BREAK, formula=FORMULA)


@pytest.fixture
def sample_result() -> RunResult:
    """Ten findings in regions 84, 11 and the national bucket; region 93 is clean."""
    return make_result(findings_frame(_sample_findings()))


@pytest.fixture
def many_findings() -> Callable[[int], RunResult]:
    """A RunResult with ``n`` error and warning findings spread over regions 84 and 11."""

    def build(n: int) -> RunResult:
        regions = ["84", "11"]
        rules = [MANDATORY, POSTCODE]
        rows = [
            finding(
                rules[i % 2],
                row=i + 2,
                operation_id=f"OP-{i}",
                region=regions[(i // 2) % 2],
                programme="2021FR16FFPR001",
                field="fund",
                column="Fonds",
                value=f"v{i}",
            )
            for i in range(n)
        ]
        return make_result(findings_frame(rows))

    return build


class Copies:
    """What a renderer copies of the findings: rows per ``DataFrame.take`` and columns per
    ``DataFrame.sort_values`` (a report streams when it never copies or sorts them all)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.taken: list[int] = []
        self.sorted_widths: list[int] = []

    def start(self) -> None:
        take, sort_values = pd.DataFrame.take, pd.DataFrame.sort_values

        def spied_take(frame: pd.DataFrame, indices: Any, *args: Any, **kwargs: Any) -> Any:
            self.taken.append(len(indices))
            return take(frame, indices, *args, **kwargs)

        def spied_sort(frame: pd.DataFrame, *args: Any, **kwargs: Any) -> Any:
            self.sorted_widths.append(frame.shape[1])
            return sort_values(frame, *args, **kwargs)

        self.monkeypatch.setattr(pd.DataFrame, "take", spied_take)
        self.monkeypatch.setattr(pd.DataFrame, "sort_values", spied_sort)


@pytest.fixture
def copies(monkeypatch: pytest.MonkeyPatch) -> Copies:
    return Copies(monkeypatch)
