from rich.console import Console

from fundcheck.reports import print_summary


def printed(result, lang="en") -> str:
    console = Console(record=True, width=160, color_system=None)
    print_summary(result, console, lang)
    return console.export_text()


def test_region_table_totals_top_rules_and_sources(sample_result):
    out = printed(sample_result)
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "84 Auvergne-Rhône-Alpes 120 4 2 0" in lines
    assert "National / multi-regional 5 1 0 1" in lines
    assert "Total 215 7 2 1" in lines
    assert "eu21.art49.mandatory_field Mandatory field empty error 5" in lines
    assert "liste_ara.xlsx [Opérations] ara_feder_2021 210 2021-2027" in lines


def test_data_is_printed_literally_not_as_rich_markup(sample_result):
    sample_result.sources[0].name = "[bold red]evil[/bold red].xlsx"
    assert "[bold red]evil[/bold red].xlsx" in printed(sample_result)


def test_french_labels_and_number_grouping(many_findings):
    result = many_findings(2400)
    out = printed(result, "fr")
    assert "Région" in out and "Règles les plus en défaut" in out
    assert "1\u202f200" in out  # errors in total, with a narrow no-break space
