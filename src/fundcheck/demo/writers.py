"""Writing a generated list as publications do: an .xlsx workbook or a ``;``-separated CSV."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from fundcheck.demo.dataset import DemoDataset
from fundcheck.demo.generate import generate_demo
from fundcheck.demo.vocabulary import sheet_name

# --------------------------------------------------------------------------------------------
# Writers


def write_demo(path: Path, dataset: DemoDataset | None = None) -> Path:
    """Write the demo list as the national publication does (.xlsx, one sheet)."""
    frame = (dataset or generate_demo()).frame
    return write_xlsx(path, frame)


def write_xlsx(path: Path, frame: pd.DataFrame) -> Path:
    """One sheet, header on row 1 (frozen, with filters), dates as dd/mm/yyyy date cells,
    numbers as numbers; the same frame always gives the same bytes."""
    import xlsxwriter

    path = Path(path)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    workbook.set_properties({"created": dt.datetime(2026, 3, 16, 9, 0, 0), "author": "fundcheck"})
    sheet = workbook.add_worksheet(sheet_name())
    bold = workbook.add_format({"bold": True})
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for col, header in enumerate(frame.columns):
        sheet.set_column(col, col, min(45, max(12, len(str(header)))))
        sheet.write_string(0, col, str(header), bold)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    for r, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        for col, value in enumerate(values):
            if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
                continue
            if isinstance(value, pd.Timestamp):
                sheet.write_datetime(r, col, value.to_pydatetime(), date)
            elif isinstance(value, str):
                sheet.write_string(r, col, value)
            else:
                sheet.write_number(r, col, float(value))
    workbook.close()
    return path


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    """``;``-separated UTF-8 text, dates as dd/mm/yyyy, decimal point, empty cells for blanks."""
    import pyarrow as pa
    from pyarrow import csv

    table = pa.table({str(name): pa.array(_as_text(frame[name]).array) for name in frame.columns})
    options = csv.WriteOptions(delimiter=";", quoting_style="needed")
    csv.write_csv(table, str(path), write_options=options)
    return Path(path)


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as a spreadsheet exports them: dd/mm/yyyy dates, numbers without a trailing .0."""
    if pd.api.types.is_datetime64_any_dtype(values):
        dates: pd.Series = values.dt.strftime("%d/%m/%Y").astype("str")
        return dates
    if pd.api.types.is_float_dtype(values):
        text = pd.Series(values.to_numpy().astype(str), index=values.index, dtype="str")
        numbers: pd.Series = text.str.removesuffix(".0").where(values.notna())
        return numbers
    if values.dtype != np.dtype(object):
        return values.astype("str")
    is_date = values.map(type) == pd.Timestamp
    text = values.where(values.notna()).astype("str")
    if is_date.any():
        text[is_date] = pd.to_datetime(values[is_date]).dt.strftime("%d/%m/%Y")
    return text
