"""Hostile inputs and interrupted runs: shared builders and the checks every case must pass.

Each case runs the real command line, in process (``CliRunner``) when it can, in a child
process when it needs one (signals, another user, a memory limit). ``Case.check`` asserts the
contract of the issue: the expected exit code, no traceback, the file named, the source's
sha256 unchanged, nothing written outside the output folder and no temporary file left
(the system temporary folder is redirected to a watched folder).
"""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from fundcheck.cli import cli
from fundcheck.demo import generate_demo, write_xlsx

UNPRIVILEGED = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]
"""Root without the capabilities that bypass permissions: a 555 folder is then read-only."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path -> sha256; symlinks by their target)."""
    found = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root) / name
            key = os.fsdecode(path.relative_to(folder))
            found[key] = "link:" + os.readlink(path) if path.is_symlink() else sha256(path)
    return found


@pytest.fixture(scope="session")
def demo_frame() -> pd.DataFrame:
    return generate_demo().frame.head(40).copy()


@pytest.fixture
def small_csv(tmp_path: Path, demo_frame: pd.DataFrame) -> Path:
    path = tmp_path / "work" / "liste.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    demo_frame.to_csv(path, sep=";", index=False)
    return path


@pytest.fixture
def small_xlsx(tmp_path: Path, demo_frame: pd.DataFrame) -> Path:
    path = tmp_path / "work" / "liste.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx(path, demo_frame)


@dataclass
class Outcome:
    code: int
    output: str


@dataclass
class Case:
    """A run of ``fundcheck`` in ``work`` (the current folder), watched."""

    work: Path
    system_tmp: Path
    sources: Sequence[Path] = ()
    before: dict[str, str] = field(default_factory=dict)
    hashes: dict[Path, str] = field(default_factory=dict)

    def start(self) -> None:
        self.before = tree(self.work)
        self.hashes = {p: sha256(p) for p in self.sources if p.is_file()}

    def invoke(self, *args: str | Path) -> Outcome:
        """The command line, in process, from ``work``."""
        self.start()
        cwd = Path.cwd()
        os.chdir(self.work)
        saved = tempfile.tempdir
        tempfile.tempdir = str(self.system_tmp)
        try:
            result = CliRunner().invoke(cli, [os.fsdecode(a) for a in args])
        finally:
            tempfile.tempdir = saved
            os.chdir(cwd)
        output = result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"uncaught {result.exception!r}\n{output}")
        return Outcome(result.exit_code, output)

    def spawn(
        self,
        *args: str | Path,
        unprivileged: bool = False,
        memory: int | None = None,
        timeout: float = 300,
    ) -> Outcome:
        """The command line in a child process: under a memory limit, or (``unprivileged``)
        without the capabilities that let root ignore file permissions."""
        self.start()

        def limit() -> None:
            if memory is not None:
                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

        prefix = UNPRIVILEGED if unprivileged and os.geteuid() == 0 else []
        env = {**os.environ, "TMPDIR": str(self.system_tmp), "COLUMNS": "200"}
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "fundcheck", *map(os.fsdecode, args)],
            cwd=self.work,
            env=env,
            capture_output=True,
            timeout=timeout,
            preexec_fn=limit,
            check=False,
        )
        output = done.stdout.decode(errors="replace") + done.stderr.decode(errors="replace")
        return Outcome(done.returncode, output)

    def check(
        self,
        outcome: Outcome,
        code: int,
        *,
        names: Sequence[str] = (),
        output: Path | None = None,
    ) -> None:
        """The contract: exit code, message, no traceback, sources intact, nothing stray."""
        assert outcome.code == code, outcome.output
        assert "Traceback" not in outcome.output, outcome.output
        for name in names:
            assert name in outcome.output, (name, outcome.output)
        for path, digest in self.hashes.items():
            assert sha256(path) == digest, f"{path} changed"
        after = tree(self.work)
        inside = os.fsdecode(output.relative_to(self.work)) + "/" if output else None
        new = {
            k
            for k, v in after.items()
            if self.before.get(k) != v and not (inside and k.startswith(inside))
        }
        assert not new, f"written outside the output folder: {sorted(new)}"
        assert not [k for k in after if ".fundcheck-tmp-" in k], "temporary files left"
        assert not list(self.system_tmp.iterdir()), "files left in the system temporary folder"
        if code == 3 and output is not None and output.exists():
            assert tree(output) == {
                k.removeprefix(inside or ""): v
                for k, v in self.before.items()
                if inside and k.startswith(inside)
            }, "an execution error wrote into the output folder"


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    yield Case(work, system_tmp)
