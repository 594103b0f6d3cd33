"""Text from data and file names made safe to print: no terminal escape sequence, no markup.

A file name may hold bytes that are not UTF-8 (Python keeps them as lone surrogates, which a
terminal cannot print), control characters (ESC starts a terminal escape sequence) or rich
markup (``[blink]``, ``[link=...]``). ``printable`` shows the first two as ``\\xNN`` escapes;
``markup_safe`` also escapes the markup for a string printed through rich.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.markup import escape

_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte kept by the file system encoding
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: object) -> str:
    """``value`` as text with control characters and undecodable bytes shown as escapes."""
    return _UNPRINTABLE.sub(_escaped, str(value))


def markup_safe(value: object) -> str:
    """``printable(value)`` with rich markup escaped, to embed in a rich markup string."""
    return escape(printable(value))


def shown_path(path: Path | str) -> str:
    """A path as the user should read it in a message."""
    return printable(path)
