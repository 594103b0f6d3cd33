"""How fundcheck reaches the open-data platforms: base URLs, cache folder, timeouts, retries.

Every value can be overridden by an environment variable, so a CI job (or a test) can point
fundcheck at a mirror or a local server and keep its cache where it wants.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from fundcheck.errors import ConfigError

DATAGOUV_URL = "https://www.data.gouv.fr/api/1"
COHESIONDATA_URL = "https://cohesiondata.ec.europa.eu"
KOHESIO_URL = "https://kohesio.ec.europa.eu/api"

ENV = {
    "cache_dir": "FUNDCHECK_CACHE_DIR",
    "datagouv_url": "FUNDCHECK_DATAGOUV_URL",
    "cohesiondata_url": "FUNDCHECK_COHESIONDATA_URL",
    "kohesio_url": "FUNDCHECK_KOHESIO_URL",
    "app_token": "FUNDCHECK_SODA_APP_TOKEN",
    "read_timeout": "FUNDCHECK_HTTP_TIMEOUT",
    "attempts": "FUNDCHECK_HTTP_ATTEMPTS",
    "backoff": "FUNDCHECK_HTTP_BACKOFF",
    "page_size": "FUNDCHECK_PAGE_SIZE",
}


def default_cache_dir() -> Path:
    """The user's cache folder for fundcheck (``~/.cache/fundcheck`` on Linux)."""
    return Path(platformdirs.user_cache_dir("fundcheck", appauthor=False))


@dataclass(frozen=True)
class RemoteSettings:
    """Where and how to fetch remote sources."""

    cache_dir: Path
    offline: bool = False
    refresh: bool = False
    datagouv_url: str = DATAGOUV_URL
    cohesiondata_url: str = COHESIONDATA_URL
    kohesio_url: str = KOHESIO_URL
    app_token: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    attempts: int = 4
    backoff: float = 1.0
    max_delay: float = 60.0
    page_size: int = 10_000

    @classmethod
    def from_env(cls, **overrides: object) -> RemoteSettings:
        """Settings from the environment, then from explicit overrides (``None`` ignored)."""
        settings = cls(cache_dir=default_cache_dir())
        values: dict[str, object] = {}
        for name, variable in ENV.items():
            raw = os.environ.get(variable)
            if raw:
                values[name] = _typed(name, raw, variable)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "cache_dir" in values:
            values["cache_dir"] = Path(str(values["cache_dir"])).expanduser()
        return replace(settings, **values)  # type: ignore[arg-type]


def _typed(name: str, raw: str, variable: str) -> object:
    field_type = RemoteSettings.__dataclass_fields__[name].type
    try:
        if field_type == "int":
            return int(raw)
        if field_type == "float":
            return float(raw)
    except ValueError:
        raise ConfigError(f"not a number: {raw!r}", location=variable) from None
    return raw.rstrip("/") if name.endswith("_url") else raw
