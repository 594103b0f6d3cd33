from fundcheck.findings import findings_frame
from fundcheck.model import Severity
from fundcheck.reports import ReportOptions
from fundcheck.reports.markdown_report import MarkdownReport, escape


def render(result, tmp_path, lang="en", **options) -> str:
    (path,) = MarkdownReport().render(result, tmp_path, lang, ReportOptions(**options))
    assert path == tmp_path / "summary.md"
    return path.read_text(encoding="utf-8")


def test_per_region_table_with_totals(sample_result, tmp_path):
    text = render(sample_result, tmp_path)
    assert "| Region | Operations | Errors | Warnings | Notes |" in text
    assert "| 84 Auvergne-Rhône-Alpes | 120 | 4 | 2 | 0 |" in text
    assert "| 93 Provence-Alpes-Côte d'Azur | 10 | 0 | 0 | 0 |" in text
    assert "| National / multi-regional | 5 | 1 | 0 | 1 |" in text
    assert "| **Total** | 215 | 7 | 2 | 1 |" in text


def test_verdict_follows_fail_on(sample_result, tmp_path):
    assert "❌ **Failed: 7 finding(s) at or above severity “error”.**" in render(
        sample_result, tmp_path
    )
    assert "Failed: 9 finding(s)" in render(sample_result, tmp_path, fail_on=Severity.WARNING)
    assert "ℹ️" in render(sample_result, tmp_path, fail_on=None)
    sample_result.findings = findings_frame([])
    assert "✅ **Passed: no finding at or above severity “error”.**" in render(
        sample_result, tmp_path
    )


def test_top_rules_and_legal_bases(sample_result, tmp_path):
    text = render(sample_result, tmp_path, top_rules=2)
    assert "| `eu21.art49.mandatory_field` | Mandatory field empty | error | 5 |" in text
    assert "| `eu.cci.format` | Malformed CCI code | error | 2 |" in text
    assert "| `fr.postcode.exists` | Unknown postcode" not in text  # beyond top 2
    assert "| `fr.postcode.exists` | Art 49(3)(l)-(m); La Poste postcode format |" in text


def test_data_cannot_inject_markdown_or_html(sample_result, tmp_path):
    sample_result.region_names["84"] = "<img src=x>|**bold**\nnext"
    text = render(sample_result, tmp_path)
    assert "| 84 &lt;img src=x&gt;\\|\\*\\*bold\\*\\* next | 120 |" in text
    assert "<img" not in text
    assert escape("a_b `c` [d](e)") == "a\\_b \\`c\\` \\[d\\](e)"


def test_french_summary(sample_result, tmp_path):
    text = render(sample_result, tmp_path, "fr")
    assert "❌ **Échec : 7 anomalie(s) de gravité « erreur » ou plus.**" in text
    assert "| Région | Opérations | Erreurs | Avertissements | Informations |" in text
    assert "## Bases juridiques" in text
