"""Stopping a run on SIGINT or SIGTERM: clean up, then exit 130 or 143.

``install()`` turns both signals into an ``Interrupted`` exception (a ``BaseException``, so no
error handler mistakes it for a bad input): ``finally`` blocks remove temporary files on the way
out and the entry point exits with 128 + the signal number. ``deferred()`` holds both signals
back while a short critical step (moving a set of reports into place, removing temporary files)
runs, so that step is never cut in half; a signal received meanwhile is acted on right after.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """The run was asked to stop by a signal."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        """The shell convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + self.signum


class _State:
    depth = 0
    pending: int | None = None


def _raise(signum: int, _frame: FrameType | None) -> None:
    if _State.depth:
        _State.pending = signum  # acted on when the critical step ends
        return
    raise Interrupted(signum)


def install() -> None:
    """Make SIGINT and SIGTERM raise ``Interrupted`` in the main thread."""
    for signum in SIGNALS:
        signal.signal(signum, _raise)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the duration of the block (whichever thread the
    system delivers them to); a signal received meanwhile raises ``Interrupted`` at its end."""
    _State.depth += 1
    try:
        yield
    finally:
        _State.depth -= 1
        if not _State.depth and _State.pending is not None:
            signum, _State.pending = _State.pending, None
            raise Interrupted(signum)
