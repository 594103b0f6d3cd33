"""Writing a set of reports safely: all of them or none, never over an input, never through a
symbolic link, never half a file.

Reports are first rendered into a temporary folder inside the output folder (same file system,
so a rename is atomic). Before anything is moved, every target is checked: it must not be a
source of the run (same resolved path or same inode), a symbolic link, a folder or a read-only
file. Then, with SIGINT and SIGTERM held back, each file is renamed into place and a manifest
(file names, sizes and SHA-256) is renamed in last. The temporary folder is removed on every
exit. A reader that wants a complete set reads the manifest: every file it lists is the one
written by the same run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from fundcheck.errors import FundcheckError
from fundcheck.interrupts import deferred

TEMP_PREFIX = ".fundcheck-tmp-"
_STALE = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-")


class OutputError(FundcheckError):
    """A report cannot be written where it was asked (exit code 3, nothing written)."""


def _same_file(target: Path, source: Path) -> bool:
    try:
        if target.resolve() == source.resolve():
            return True
        return target.exists() and source.exists() and os.path.samefile(target, source)
    except OSError:
        return False


def check_target(target: Path, inputs: Sequence[Path]) -> None:
    """Refuse a report path that is an input, a symbolic link, a folder or a read-only file."""
    for source in inputs:
        if _same_file(target, source):
            raise OutputError(
                f"the report would overwrite the source {source}: choose another --output folder",
                location=str(target),
            )
    if target.is_symlink():
        raise OutputError(
            "the report path is a symbolic link: fundcheck never writes through a link "
            "(remove it or choose another --output folder)",
            location=str(target),
        )
    if target.exists():
        if not target.is_file():
            raise OutputError("the report path exists and is not a file", location=str(target))
        if not os.access(target, os.W_OK):
            raise OutputError(
                "the existing report is read-only (permission denied)", location=str(target)
            )


def prepare_folder(out_dir: Path, names: Iterable[str], inputs: Sequence[Path]) -> None:
    """Create the output folder if needed and check it and the known report paths, before a
    run starts: a problem is reported at once and nothing is written."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError("the output path exists and is not a folder", location=str(out_dir))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder: {exc.strerror or exc}", location=str(out_dir)
        ) from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise OutputError(
            "the output folder is not writable (permission denied)", location=str(out_dir)
        )
    for name in names:
        check_target(out_dir / name, inputs)


def _remove_stale(out_dir: Path) -> None:
    """Remove temporary folders left by runs that no longer exist (killed with SIGKILL)."""
    for entry in out_dir.glob(TEMP_PREFIX + "*"):
        found = _STALE.match(entry.name)
        if found is None or int(found.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(found.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def write_set(
    out_dir: Path,
    render: Callable[[Path], list[Path]],
    *,
    inputs: Sequence[Path],
    manifest: str,
) -> list[Path]:
    """Render a set of reports into a temporary folder of ``out_dir`` (``render`` gets that
    folder and returns the files it wrote), then move them into place together with a manifest
    written last. Returns the final paths (manifest excluded)."""
    prepare_folder(out_dir, [manifest], inputs)
    _remove_stale(out_dir)
    staging: Path | None = None
    try:
        with deferred():  # a signal cannot fall between creating the folder and knowing it
            staging = _staging_folder(out_dir)
        staged = render(staging)
        names = [path.relative_to(staging).as_posix() for path in staged]
        for name in names:
            check_target(out_dir / name, inputs)
        entries = [
            {"file": name, "bytes": path.stat().st_size, "sha256": _digest(path)}
            for name, path in zip(names, staged, strict=True)
        ]
        listing = staging / manifest
        listing.write_text(json.dumps({"files": entries}, indent=2) + "\n", encoding="utf-8")
        for path in [*staged, listing]:
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        with deferred():  # the set moves in whole: a signal waits until the manifest is in
            for name, path in zip(names, staged, strict=True):
                os.replace(path, out_dir / name)
            os.replace(listing, out_dir / manifest)
            _sync_folder(out_dir)
        return [out_dir / name for name in names]
    finally:
        if staging is not None:
            with deferred():
                shutil.rmtree(staging, ignore_errors=True)


def _staging_folder(out_dir: Path) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=out_dir))
    except OSError as exc:
        raise OutputError(
            f"cannot write in the output folder: {exc.strerror or exc}", location=str(out_dir)
        ) from None


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
