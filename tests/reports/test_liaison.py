"""The Commission liaison pack: one English document per region, PDF or HTML fallback."""

from __future__ import annotations

import os

import pytest

from fundcheck.pipeline import programme_names
from fundcheck.reference import load_reference
from fundcheck.reports import REPORTS
from fundcheck.reports import liaison_report as liaison


@pytest.fixture
def no_weasyprint(monkeypatch):
    """WeasyPrint present but its system libraries missing (as on a machine without Pango)."""

    def missing():
        raise OSError("cannot load library 'libpango-1.0-0'")

    liaison._weasyprint.cache_clear()
    monkeypatch.setattr(liaison, "_load_weasyprint", missing)
    yield
    liaison._weasyprint.cache_clear()


def _needs_pdf():
    liaison._weasyprint.cache_clear()
    reason = liaison.pdf_unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must produce PDF liaison documents: {reason}")
        pytest.skip(reason)


def test_documents_per_region_say_programme_period_rules_anomalies_normalisations(sample_result):
    sample_result.programmes_by_region = {"84": {"2021FR16FFPR018": 120, "2021FR05SFPR001": 3}}
    sample_result.programme_names = programme_names(
        load_reference(), sample_result.programmes_by_region, sample_result.findings
    )
    documents = {d.region.key: d for d in liaison.liaison_documents(sample_result)}
    assert set(documents) == {"84", "11", "93", "national"}
    ara = documents["84"]
    assert [p.cci for p in ara.programmes] == ["2021FR05SFPR001", "2021FR16FFPR018"]
    assert "Auvergne-Rhône-Alpes" in ara.programmes[1].title
    assert ara.programmes[1].period == "2021-2027"
    assert ara.periods == ["2021-2027"]
    assert {a.id: a.findings for a in ara.anomalies} == {
        "eu21.art49.mandatory_field": 3,
        "eu.cci.format": 1,
        "fr.postcode.exists": 2,
    }
    assert ara.findings_total == 6 and len(ara.findings) == 6
    # normalisation notes are listed apart, not as anomalies
    assert [n.title for n in ara.normalisations] == ["Placeholder values emptied"]
    assert ara.normalisations[0].count == 12
    checked = {rule.id for rule in ara.rules_checked}
    assert "eu.dates.start_before_end" in checked  # checked even though it never fired
    assert "read.normalised.placeholder" not in checked
    # without record counts, the programmes come from the findings
    assert [p.cci for p in documents["11"].programmes] == ["2021FR16RFPR0", "2021FR16RFPR010"]
    assert documents["93"].anomalies == []


def test_the_document_is_english_with_legal_bases_and_escaped_data(sample_result, hostile):
    [doc] = [d for d in liaison.liaison_documents(sample_result) if d.region.key == "84"]
    html = liaison.render_document(sample_result, doc, pdf_note=None)
    assert '<html lang="en">' in html
    for text in ("1. Programmes", "3. Anomalies", "4. Normalisations applied", "5. Rules checked"):
        assert text in html
    assert "CPR (EU) 2021/1060 Art 49(3)" in html
    assert "Mandatory field empty" in html and "Champ obligatoire vide" not in html
    assert hostile.xss not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert hostile.script_break not in html


def test_pdf_documents_are_written_per_region(sample_result, tmp_path):
    _needs_pdf()
    paths = REPORTS["liaison"]().render(sample_result, tmp_path, "fr")
    assert [p.name for p in paths] == [
        "liaison-11.pdf",
        "liaison-84.pdf",
        "liaison-93.pdf",
        "liaison-national.pdf",
    ]
    for path in paths:
        content = path.read_bytes()
        assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")


def test_without_weasyprint_libraries_html_is_written_and_said(
    sample_result, tmp_path, no_weasyprint
):
    reason = liaison.pdf_unavailable()
    assert reason and "Pango" in reason
    paths = REPORTS["liaison"]().render(sample_result, tmp_path, "en")
    assert {p.suffix for p in paths} == {".html"}
    html = (tmp_path / "liaison-84.html").read_text(encoding="utf-8")
    assert "liaison pack written as HTML" in html


def test_the_command_line_says_when_the_pack_is_html(tmp_path, no_weasyprint):
    from click.testing import CliRunner

    from fundcheck.cli import cli
    from fundcheck.demo import generate_operations, write_csv

    source = write_csv(tmp_path / "liste.csv", generate_operations(30))
    out = tmp_path / "out"
    args = ["validate", str(source), "--report", "liaison", "--output", str(out)]
    result = CliRunner().invoke(cli, [*args, "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    assert "note: liaison pack written as HTML" in result.output
    written = sorted(out.glob("liaison-*"))
    assert written and {p.suffix for p in written} == {".html"}
