"""The Jinja2 environment shared by the HTML renderers: autoescaping on, every value from the
data stripped of the control characters HTML forbids, and file names safe for any system."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value: Any) -> Any:
    """Drop the control characters HTML forbids from text taken from the data."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _CONTROL.sub("", value)
    return value


@cache
def html_template(name: str) -> jinja2.Template:
    """A packaged template (``reports/templates/<name>``), autoescaped."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("fundcheck.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=without_control_characters,
    )
    return environment.get_template(name)


def file_safe(key: str) -> str:
    """A region key usable in a file name."""
    return re.sub(r"[^0-9A-Za-z_-]", "_", key)
