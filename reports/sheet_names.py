"""Excel sheet names: at most 31 characters, none of ``[]:*?/\\``, unique regardless of case."""

from __future__ import annotations

import re

MAX_LENGTH = 31
_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_RESERVED = "history"  # Excel keeps this name for itself


class SheetNames:
    """Hands out valid, unique sheet names for one workbook."""

    def __init__(self) -> None:
        self._taken: set[str] = {_RESERVED}

    def take(self, label: str) -> str:
        """A valid name close to ``label``; a repeated name gets " (2)", " (3)"..."""
        base = _FORBIDDEN.sub("-", label).strip().strip("'").strip()[:MAX_LENGTH].strip()
        base = base or "Sheet"
        name, number = base, 2
        while name.casefold() in self._taken:
            suffix = f" ({number})"
            name = base[: MAX_LENGTH - len(suffix)].rstrip() + suffix
            number += 1
        self._taken.add(name.casefold())
        return name
