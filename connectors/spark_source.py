"""A list of operations in a CSV or Parquet file that Spark reads: a local path given as a
``file://`` URI, or any Hadoop-compatible URI (``hdfs://``, ``s3a://``, ``abfss://``, ``gs://``...).

Spark reads the file (every cell as text for a CSV; Parquet cells as the text a published file
would hold) and hands it to fundcheck a part at a time (a ``PartReader``), so the file never has
to fit in the client's memory and need not be on its disk. A CSV's header is its first line and
its separator the most frequent of ``;``, ``,``, tab and ``|`` in that line; it is read as
UTF-8 (a byte order mark is dropped), quoted cells may span lines. Row N of a finding is the N-th
line of the CSV counting the header as row 1 (the N-th record of a Parquet file, plus one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd

from fundcheck.connectors import parts
from fundcheck.connectors.header_rows import HeaderRow
from fundcheck.errors import ConfigError, SourceError
from fundcheck.model import Provenance

HADOOP_SCHEMES = frozenset(
    {"file", "hdfs", "viewfs", "webhdfs", "s3a", "s3", "s3n", "gs", "abfs", "abfss", "wasb",
     "wasbs", "adl", "oss", "cos", "ofs", "o3fs", "alluxio"}
)  # fmt: skip
"""URI schemes read through Spark's Hadoop file systems."""
FORMATS = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet"}
SEPARATORS = (";", ",", "\t", "|")
ROWS_AT_ONCE = 50_000
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)


def is_hadoop_uri(text: str) -> bool:
    """Whether a source argument is a file URI that Spark reads (by its scheme)."""
    found = _SCHEME.match(text)
    return found is not None and found.group(1).lower() in HADOOP_SCHEMES


@dataclass(frozen=True)
class SparkFile:
    """A CSV or Parquet file read by Spark (on the run's ``--spark-master``)."""

    uri: str

    @property
    def name(self) -> str:
        return self.uri.rstrip("/").rsplit("/", 1)[-1]

    @property
    def format(self) -> str:
        suffix = Path(self.name).suffix.lower()
        if suffix not in FORMATS:
            raise ConfigError(
                f"a file read by Spark must be .csv or .parquet, not {suffix or 'no extension'}",
                location=self.uri,
            )
        return FORMATS[suffix]


class SparkParts:
    """A file read by Spark, a part at a time (a ``PartReader``)."""

    def __init__(self, source: SparkFile, session: Any, mapping: Path | None) -> None:
        self.source, self.mapping = source, mapping
        self.frame = _read(session, source)
        self.headers = [name.lstrip("\ufeff") for name in self.frame.columns]

    def mapped(self) -> tuple[HeaderRow, Provenance]:
        return parts.mapped_columns(
            self.headers,
            self.mapping,
            name=self.source.name,
            location=self.source.uri,
            format=self.source.format,
        )

    def parts(self, columns: list[str] | None, rows_per_part: int) -> Iterator[pd.DataFrame]:
        frame = self.frame
        if columns is not None:
            by_name = dict(zip(self.headers, frame.columns, strict=True))
            picked = [by_name[name].replace("`", "``") for name in columns]
            frame = frame.select(*[frame[f"`{name}`"] for name in picked])
        rows = frame.toLocalIterator()
        batch = min(ROWS_AT_ONCE, rows_per_part)
        batches = iter(lambda: list(islice(rows, batch)), [])
        return parts.text_parts(batches, len(frame.columns), rows_per_part)


def _read(session: Any, source: SparkFile) -> Any:
    """The file as a Spark DataFrame (a CSV: every column text)."""
    from pyspark.errors import PySparkException

    try:
        if source.format == "parquet":
            return session.read.parquet(source.uri)
        first = session.read.text(source.uri).first()
        if first is None:
            raise SourceError("the file is empty", location=source.uri)
        line = str(first[0])
        separator = max(SEPARATORS, key=line.count)
        return session.read.csv(
            source.uri,
            header=True,
            sep=separator,
            encoding="UTF-8",
            multiLine=True,
            escape='"',
            inferSchema=False,
            mode="PERMISSIVE",
        )
    except PySparkException as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SourceError(
            f"Spark cannot read the file: {first_line}", location=source.uri
        ) from None


def spark_parts(source: SparkFile, session: Any, mapping: Path | None = None) -> SparkParts:
    """The file as a ``PartReader`` on a Spark ``session``."""
    return SparkParts(source, session, mapping)
