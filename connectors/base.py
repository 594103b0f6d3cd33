"""What every connector provides: canonical record sets with their provenance."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Protocol

from fundcheck.model import RecordSet


class Connector(Protocol):
    """A source of records (a file, a database table, an open-data API)."""

    kind: ClassVar[str]

    def fetch(self) -> Iterator[RecordSet]:
        """Yield one canonical record set per table found in the source."""
        ...
