"""Small hostile inputs: each ends in a clean exit 3 naming the file and the limit, or in a
correct read, without abort, hang, memory blow-up nor traceback."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from fundcheck.cli import ExitCode
from fundcheck.connectors import read_operations
from tests.robustness.conftest import Case

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _with_sheet(base: Path, target: Path, sheet: bytes) -> Path:
    """``base`` with its first sheet replaced by ``sheet``."""
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            data = sheet if info.filename == SHEET else source.read(info.filename)
            z.writestr(info.filename, data)
    return target


def _cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


@pytest.mark.parametrize("command", ["validate", "inspect", "diff"])
def test_a_sheet_declaring_a_huge_dimension_is_refused(
    case: Case, small_xlsx: Path, command: str
) -> None:
    sheet = HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData><row r="1">'
    sheet += _cell("A1", "x") + b"</row></sheetData></worksheet>"
    bad = _with_sheet(small_xlsx, case.work / "huge.xlsx", sheet)
    case.sources = [bad, small_xlsx]
    args = [small_xlsx, bad] if command == "diff" else [bad]
    outcome = case.invoke(command, *args)
    case.check(outcome, ExitCode.EXECUTION, names=["huge.xlsx", "limits.max_sheet_cells"])


def test_a_native_abort_of_the_workbook_reader_is_an_execution_error(
    case: Case, small_xlsx: Path
) -> None:
    """Two cells far apart, no declared dimension: calamine asks for 512 GB and aborts (the
    child process that parses first dies, the run does not)."""
    sheet = HEAD + b'<sheetData><row r="1">' + _cell("A1", "x") + b'</row><row r="1048576">'
    sheet += _cell("XFD1048576", "y") + b"</row></sheetData></worksheet>"
    bad = _with_sheet(small_xlsx, case.work / "spread.xlsx", sheet)
    case.sources = [bad]
    outcome = case.spawn("validate", bad, "--output", case.work / "out", timeout=120)
    case.check(outcome, ExitCode.EXECUTION, names=["spread.xlsx", "workbook reader failed"])


def test_a_compression_bomb_is_refused_before_reading(case: Case, small_xlsx: Path) -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 2))
    sheet = HEAD + b"<sheetData>" + rows + b"</sheetData>" + b" " * (64 << 20) + b"</worksheet>"
    bad = _with_sheet(small_xlsx, case.work / "bomb.xlsx", sheet)
    assert bad.stat().st_size < 1 << 20
    case.sources = [bad]
    outcome = case.invoke("validate", bad)
    case.check(outcome, ExitCode.EXECUTION, names=["bomb.xlsx", "limits.max_compression_ratio"])


def test_limits_are_configurable(case: Case, small_xlsx: Path) -> None:
    config = case.work / "fundcheck.toml"
    config.write_text("[limits]\nmax_unpacked_bytes = 1000\n", encoding="utf-8")
    case.sources = [small_xlsx, config]
    outcome = case.invoke("validate", small_xlsx)
    case.check(outcome, ExitCode.EXECUTION, names=["liste.xlsx", "limits.max_unpacked_bytes"])
    config.write_text("[limits]\nmax_unpacked_bytes = -1\n", encoding="utf-8")
    outcome = case.invoke("validate", small_xlsx)
    case.check(outcome, ExitCode.EXECUTION, names=["fundcheck.toml", "max_unpacked_bytes"])


def test_a_workbook_cell_longer_than_the_limit_is_refused(case: Case, small_xlsx: Path) -> None:
    sheet = HEAD + b'<sheetData><row r="1">' + _cell("A1", "x" * 300_000)
    sheet += b"</row></sheetData></worksheet>"
    bad = _with_sheet(small_xlsx, case.work / "long.xlsx", sheet)
    case.sources = [bad]
    outcome = case.invoke("validate", bad)
    case.check(outcome, ExitCode.EXECUTION, names=["long.xlsx", "limits.max_cell_chars"])


BILLION_LAUGHS = textwrap.dedent(
    """\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    columns: *i
    """
)


def test_a_mapping_with_aliases_is_refused_under_a_memory_limit(
    case: Case, small_csv: Path
) -> None:
    mapping = case.work / "laughs.yaml"
    mapping.write_text(BILLION_LAUGHS, encoding="utf-8")
    case.sources = [small_csv, mapping]
    outcome = case.spawn("validate", small_csv, "--mapping", mapping, memory=3 << 30, timeout=120)
    case.check(outcome, ExitCode.EXECUTION, names=["laughs.yaml", "aliases"])


def test_a_mapping_period_must_be_known(case: Case, small_csv: Path) -> None:
    mapping = case.work / "period.yaml"
    mapping.write_text(
        'period: 1999-2000\ncolumns:\n  "Nom du bénéficiaire": beneficiary_name\n',
        encoding="utf-8",
    )
    case.sources = [small_csv, mapping]
    outcome = case.invoke("validate", small_csv, "--mapping", mapping)
    case.check(outcome, ExitCode.EXECUTION, names=["period.yaml", "1999-2000"])


def test_a_5_mb_title_is_cut_and_reported(
    case: Case, small_csv: Path, demo_frame: pd.DataFrame
) -> None:
    """The split check compared it with itself for minutes; it is now cut to the length read
    (an info finding) and compared on its first characters only. The header scan looks at a
    long cell's first characters only (its snake-case ending search was quadratic)."""
    frame = demo_frame.copy()
    frame.loc[3, "Intitulé du projet"] = "Projet " + "très long " * 500_000
    frame.to_csv(small_csv, sep=";", index=False)
    out = case.work / "out"
    case.sources = [small_csv]
    outcome = case.spawn(
        "validate", small_csv, "--output", out, "--report", "json", "--fail-on", "never",
        timeout=120,
    )  # fmt: skip
    case.check(outcome, ExitCode.OK, output=out)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    cut = [f for f in report["findings"] if f["rule"] == "read.normalised.cell_truncated"]
    assert cut and cut[0]["count"] == 1 and cut[0]["value"] == "row 5"


def test_thousands_of_unmapped_columns_are_dropped_at_once(
    tmp_path: Path, demo_frame: pd.DataFrame
) -> None:
    extra = pd.DataFrame({f"colonne {i}": ["x"] * len(demo_frame) for i in range(5_000)})
    path = tmp_path / "wide.csv"
    pd.concat([demo_frame, extra], axis=1).to_csv(path, sep=";", index=False)
    records = read_operations(path)
    assert len(records.frame) == len(demo_frame)
    assert records.frame["beneficiary_name"].tolist() == demo_frame["Nom du bénéficiaire"].tolist()


MEMORY_PROBE = textwrap.dedent(
    """\
    import resource, sys
    import numpy as np, pandas as pd
    from fundcheck.checks.related import components, near_duplicate_links
    rows = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
    first, second = near_duplicate_links(
        pd.Series(["commune de rennes"] * rows),
        pd.Series(["renovation de l ecole"] * rows),
        pd.Series(pd.to_datetime(["2023-01-01"] * rows)),
        pd.Series(pd.to_datetime(["2024-12-31"] * rows)),
        np.array([""] * rows, dtype=object),
        90,
    )
    groups = np.unique(components(rows, first, second))
    assert len(groups) == 1, len(groups)
    print(len(first))
    """
)


def test_one_beneficiary_with_one_title_stays_linear_in_memory() -> None:
    """20,000 operations of one beneficiary with one title: 11.4 GB before; now within the
    memory of the interpreter plus a few hundred megabytes, in one group, linked by fewer links
    than rows."""
    rows = 20_000
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(rows), str(3 << 30)],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert 0 < int(done.stdout) < rows


def test_a_file_name_with_undecodable_bytes_is_read_and_shown_escaped(
    case: Case, small_csv: Path, small_xlsx: Path
) -> None:
    for source, name in ((small_csv, b"liste_\xe9.csv"), (small_xlsx, b"classeur_\xff.xlsx")):
        path = Path(os.fsdecode(bytes(case.work) + b"/" + name))
        path.write_bytes(source.read_bytes())
        case.sources = [path]
        out = case.work / "out"
        outcome = case.invoke("validate", path, "--output", out, "--report", "json,xlsx")
        case.check(outcome, ExitCode.OK, output=out)
        shown = name.decode("ascii", errors="backslashreplace")
        assert shown in outcome.output
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert [source["name"] for source in report["sources"]] == [shown]


def test_a_file_mixing_cp1252_and_utf8_lines_is_decoded_per_line(
    tmp_path: Path, demo_frame: pd.DataFrame
) -> None:
    """Header and first rows from a cp1252 export, the rest from a UTF-8 one."""
    buffer = io.StringIO()
    demo_frame.to_csv(buffer, sep=";", index=False)
    lines = buffer.getvalue().splitlines(keepends=True)
    data = b"".join(line.encode("cp1252", errors="replace") for line in lines[:6])
    data += b"".join(line.encode("utf-8") for line in lines[6:])
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    records = read_operations(path)
    assert "operation_department" in records.frame.columns  # "Département de l’opération"
    assert records.frame["beneficiary_name"].tolist() == demo_frame["Nom du bénéficiaire"].tolist()
    notes = {note.kind: note for note in records.normalisations}
    assert 0 < notes["mixed_encoding"].count <= len(lines) - 6


def test_a_nul_byte_in_one_cell_is_reported_and_the_rest_read(
    case: Case, small_csv: Path, demo_frame: pd.DataFrame
) -> None:
    frame = demo_frame.copy()
    frame.loc[7, "Nom du bénéficiaire"] = "Commune\x00 de Brest"
    frame.to_csv(small_csv, sep=";", index=False)
    records = read_operations(small_csv)
    assert len(records.frame) == len(frame)
    assert records.frame.loc[7, "beneficiary_name"] == "Commune de Brest"
    notes = {note.kind: note for note in records.normalisations}
    assert notes["control_character"].count == 1
    assert notes["control_character"].example == "row 9"
    assert notes["control_character"].column == "Nom du bénéficiaire"


def test_groups_of_distinct_titles_are_those_of_every_pair_compared() -> None:
    """The bounded comparison (distinct titles, a sweep by start date) groups the rows as the
    connected components of comparing every row with every other one."""
    import numpy as np
    from rapidfuzz import fuzz

    from fundcheck.checks.related import components, names_another, near_duplicate_links

    chance = np.random.default_rng(9)
    variants = np.array(
        ["travaux de voirie", "travaux de voiries", "travaux de la voirie", "achat de bus",
         "achat de bus electriques", "formation des agents", "formation des agent", ""],
        dtype=object,
    )  # fmt: skip
    rows = 250
    titles = variants[chance.integers(0, len(variants), rows)]
    keys = np.array(["a", "b", "c"], dtype=object)[chance.integers(0, 3, rows)]
    places = np.array(["", "35", "56"], dtype=object)[chance.integers(0, 3, rows)]
    start = pd.Timestamp("2022-01-01") + pd.to_timedelta(chance.integers(0, 900, rows), "D")
    end = start + pd.to_timedelta(chance.integers(0, 200, rows), "D")
    first, second = near_duplicate_links(
        pd.Series(keys), pd.Series(titles), pd.Series(start), pd.Series(end), places, 90
    )
    found = components(rows, first, second)
    pairs = [
        (i, j)
        for i in range(rows)
        for j in range(i + 1, rows)
        if keys[i] == keys[j] and titles[i] and titles[j]
        and fuzz.ratio(titles[i], titles[j]) >= 90 and not names_another(titles[i], titles[j])
        and start[i] <= end[j] and start[j] <= end[i]
        and (places[i] == places[j] or "" in (places[i], places[j]))
    ]  # fmt: skip
    expected = components(rows, np.array([i for i, _ in pairs]), np.array([j for _, j in pairs]))
    assert (found == expected).all()
    assert len(np.unique(expected)) < rows - 20  # groups were formed
