"""The URI-keyed source cache and the settings that place it."""

from pathlib import Path

import pytest

from fundcheck.connectors.remote.cache import SourceCache
from fundcheck.connectors.remote.origin import Origin, read_sidecar
from fundcheck.connectors.remote.settings import RemoteSettings, default_cache_dir
from fundcheck.errors import ConfigError


def origin(uri: str, name: str, data: bytes) -> Origin:
    return Origin(
        uri=uri,
        url=f"https://h/{name}",
        fetched_at="2026-12-01T00:00:00+00:00",
        sha256="0" * 64,
        size=len(data),
        filename=name,
    )


def stage(cache: SourceCache, data: bytes) -> Path:
    path = cache.staging()
    path.write_bytes(data)
    return path


def test_a_new_edition_replaces_the_old_one(tmp_path):
    cache = SourceCache(tmp_path)
    uri = "datagouv:x"
    cache.store(uri, stage(cache, b"old"), origin(uri, "liste-2025.csv", b"old"))
    stored = cache.store(uri, stage(cache, b"newer"), origin(uri, "liste-2026.csv", b"newer"))
    assert sorted(p.name for p in stored.path.parent.iterdir()) == [
        "liste-2026.csv",
        "liste-2026.csv.provenance.json",
    ]
    loaded = cache.load(uri)
    assert loaded is not None and loaded.path.read_bytes() == b"newer"
    assert read_sidecar(loaded.path) == loaded.origin
    assert cache.load("datagouv:other") is None
    assert not list((tmp_path / "tmp").iterdir())  # nothing staged left behind


def test_a_damaged_copy_is_not_replayed(tmp_path):
    cache = SourceCache(tmp_path)
    stored = cache.store("u:1", stage(cache, b"abcdef"), origin("u:1", "f.csv", b"abcdef"))
    stored.path.write_bytes(b"abc")  # truncated on disk
    assert cache.load("u:1") is None


def test_the_cache_lives_in_the_user_cache_folder_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("FUNDCHECK_CACHE_DIR", raising=False)
    assert RemoteSettings.from_env().cache_dir == default_cache_dir()
    assert default_cache_dir().name == "fundcheck"
    monkeypatch.setenv("FUNDCHECK_CACHE_DIR", str(tmp_path / "env"))
    monkeypatch.setenv("FUNDCHECK_DATAGOUV_URL", "http://127.0.0.1:9/api/1/")
    monkeypatch.setenv("FUNDCHECK_HTTP_ATTEMPTS", "2")
    settings = RemoteSettings.from_env()
    assert settings.cache_dir == tmp_path / "env"
    assert settings.datagouv_url == "http://127.0.0.1:9/api/1"
    assert settings.attempts == 2
    assert RemoteSettings.from_env(cache_dir=tmp_path / "opt").cache_dir == tmp_path / "opt"


def test_a_bad_number_in_the_environment_names_the_variable(monkeypatch):
    monkeypatch.setenv("FUNDCHECK_HTTP_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="FUNDCHECK_HTTP_TIMEOUT"):
        RemoteSettings.from_env()


def test_an_unwritable_cache_is_a_clear_error(settings, tmp_path):
    from dataclasses import replace

    from fundcheck.connectors.remote.fetch import resolve
    from fundcheck.connectors.remote.http import FetchError

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(FetchError, match="cannot write the cache"):
        resolve("https://example.invalid/a.csv", replace(settings, cache_dir=blocker / "cache"))
