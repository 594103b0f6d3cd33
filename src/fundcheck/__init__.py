"""fundcheck: data-quality and compliance checks for EU structural funds and French CPER data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fundcheck")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
