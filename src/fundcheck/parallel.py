"""Both cores: GX starts while the lists are read, the aggregate checks run beside the record rules.

GX takes about 1.3 s to start, whatever the size of the lists: a child forked at the start of a
run starts it while this process reads the lists (``Standby``), then finds the failing rows of
the columns it is sent. The record rules and the aggregate checks read the same record sets and
never each other's findings, so they can run at once: a second child, forked after reading,
shares the record sets copy-on-write, runs a share of the checks and hands back their findings
(put aside in the run's temporary folder as each check ends; ``Background``), while this process
runs the other share (``pipeline.parent_share``) and makes the record findings from the failing
rows. Above 500,000 records the checks that build the most take turns across the two processes
(``TakingTurns``). The result is the serial one: the parent puts every finding where the serial
run puts it. Without checks, GX validates half of the expectations in a child of its own
(``expectations.two_cores``).

Nothing depends on a child succeeding: if it cannot start, dies, or fails, the parent does its
work itself, so an error surfaces as in a serial run (same message, same exit code). The checks
run in a child when fork is available and either ``jobs`` asks for it (2 or more) or ``jobs``
is not set, the machine has two cores, the list is large enough to gain from it and the machine
has the memory for a second process (``memory_to_spare``); GX starts in a child on the terms of
``pipeline.engine_goes_ahead``. A child's result is pickled straight
into the pipe and unpickled as it arrives, never held whole as bytes: at a million rows the
checks' findings weigh hundreds of megabytes.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.synchronize
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar

from fundcheck.memory import resident_bytes

T = TypeVar("T")
A = TypeVar("A")

AUTO_MIN_RECORDS = 20_000
"""Below this many records, forking costs more than the checks it would overlap."""


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether a child can be forked (Linux; macOS and Windows spawn, which would re-read)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def memory_to_spare(
    meminfo: Path = Path("/proc/meminfo"), statm: Path = Path("/proc/self/statm")
) -> bool:
    """Whether the machine has at least as much memory available as this process holds.

    The child shares the parent's pages and adds only what the checks build (their derived
    columns and findings), which stays below what the parent holds: measured at a million rows,
    the two processes together peak 3 to 15 % above one. Unknown (no ``/proc``): no."""
    try:
        lines = meminfo.read_text(encoding="ascii").splitlines()
        fields = dict(line.split(":", 1) for line in lines if ":" in line)
        available = int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError, IndexError):
        return False
    held = resident_bytes(statm)
    return held is not None and available >= held


def runs_in_parallel(
    jobs: int | None, records: int, room: Callable[[], bool] = memory_to_spare
) -> bool:
    """Whether the checks go to a child: ``jobs`` 2+ forces it, 1 forbids it, None decides:
    two cores, enough records to gain from it, and the memory for a second process (``room``)."""
    if not can_fork():
        return False
    if jobs is not None:
        return jobs > 1
    return usable_cores() > 1 and records >= AUTO_MIN_RECORDS and room()


class Background(Generic[T]):
    """A task run in a forked child; ``result()`` waits for it, or runs it here if the child
    failed. Use as a context manager so that the child never outlives the run."""

    def __init__(self, task: Callable[[], T]) -> None:
        self._task = task
        self._process: Any = None
        self._receiver: BinaryIO | None = None
        reading, writing = os.pipe()
        process = _forked(_child, (task, reading, writing), daemon=True, pipes=(reading, writing))
        if process is None:
            return  # no child: result() runs the task here
        os.close(writing)
        self._process, self._receiver = process, os.fdopen(reading, "rb")

    def result(self) -> T:
        """The task's result, from the child, or computed here if the child did not give it."""
        outcome = self._receive()
        self.close()
        if outcome is not None:
            return outcome[0]
        return self._task()

    def _receive(self) -> tuple[T] | None:
        """The child's result, unpickled as it arrives (never held whole as bytes on either
        side: at a million rows the findings of the checks weigh hundreds of megabytes)."""
        return _received(self._receiver)

    def alive(self) -> bool:
        """Whether the child still runs."""
        return self._process is not None and bool(self._process.is_alive())

    def close(self) -> None:
        """Stop the child if it still runs and release the pipe."""
        if self._receiver is not None:
            self._receiver.close()  # a child still writing gets a broken pipe
            self._receiver = None
        _stop(self._process)
        self._process = None

    def __enter__(self) -> Background[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Standby(Generic[A, T]):
    """A forked child that gets ready at once (``prepare``: importing the rule engine, say) while
    this process goes on, then runs the one piece of work it is sent (``submit``: a module-level
    function and its argument, pickled into its pipe) and hands back the result (``result``).

    Nothing depends on the child: if it cannot start, dies, fails, or cannot be sent the work or
    send its result, ``result`` runs ``here`` in this process instead, so the outcome (a value or
    an error) is the serial one. Use as a context manager so that the child never outlives the
    run; a child never sent any work ends when this process closes its pipe."""

    def __init__(self, prepare: Callable[[], None]) -> None:
        self._process: Any = None
        self._sender: BinaryIO | None = None
        self._receiver: BinaryIO | None = None
        work_out, work_in = os.pipe()
        result_out, result_in = os.pipe()
        process = _forked(
            _standing_by,
            (prepare, (work_out, work_in), (result_out, result_in)),
            daemon=False,  # it may fork helpers of its own (a daemon may not)
            pipes=(work_out, work_in, result_out, result_in),
        )
        if process is None:
            return  # no child: result() runs the work here
        os.close(work_out)
        os.close(result_in)
        self._process = process
        self._sender = os.fdopen(work_in, "wb")
        self._receiver = os.fdopen(result_out, "rb")

    def submit(self, work: Callable[[A], T], argument: A) -> None:
        """Send the child ``work(argument)``; if it cannot be sent, ``result`` runs it here."""
        if self._sender is None:
            return
        try:
            pickle.dump((work, argument), self._sender, protocol=pickle.HIGHEST_PROTOCOL)
            self._sender.close()
        except Exception:  # noqa: BLE001 - unpicklable work or a child gone: run it here
            self.close()
        finally:
            self._sender = None

    def result(self, here: Callable[[], T]) -> T:
        """The child's result, or ``here()`` computed in this process if the child did not
        give it."""
        outcome = self._receive()
        self.close()
        if outcome is not None:
            return outcome[0]
        return here()

    def _receive(self) -> tuple[T] | None:
        return _received(self._receiver)

    def close(self) -> None:
        """Stop the child if it still runs and release the pipes."""
        for stream in (self._sender, self._receiver):
            if stream is not None:
                stream.close()  # a child waiting for work reads the end of it and stops
        self._sender = self._receiver = None
        _stop(self._process)
        self._process = None

    def __enter__(self) -> Standby[A, T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class TakingTurns:
    """Steps of the two processes of a run that must not run at the same time, because each
    builds hundreds of megabytes (``exclusive``, by name): a lock both processes inherit, taken
    around each such step. Made before the child is forked. A process waiting for its turn stops
    waiting if the other process has ended (it may have died holding the lock)."""

    WAIT = 0.25
    """Seconds between two looks at the other process while waiting."""

    def __init__(self, exclusive: Collection[str]) -> None:
        self.exclusive = frozenset(exclusive)
        self._lock: multiprocessing.synchronize.Lock = multiprocessing.get_context("fork").Lock()
        self._parent = os.getpid()
        self.child_alive: Callable[[], bool] = lambda: False
        """In the parent: whether the child still runs (set once it is forked)."""

    def _other_alive(self) -> bool:
        if os.getpid() == self._parent:
            return self.child_alive()
        return os.getppid() == self._parent

    @contextmanager
    def turn(self, step: str) -> Iterator[None]:
        """Run the body when the other process runs no exclusive step (at once for a step
        that is not exclusive)."""
        if step not in self.exclusive:
            yield
            return
        held = False
        while not held:
            held = self._lock.acquire(timeout=self.WAIT)
            if not held and not self._other_alive():
                break
        try:
            yield
        finally:
            if held:
                self._lock.release()


def _forked(
    target: Callable[..., None], args: tuple[Any, ...], *, daemon: bool, pipes: tuple[int, ...]
) -> Any:
    """A started forked child running ``target(*args)``, or None (its ``pipes`` closed) when it
    cannot start. The child's collector leaves the objects shared at the fork alone (their pages
    stay shared), and it gets this process's signals only once it has its own handlers."""
    try:
        process = multiprocessing.get_context("fork").Process(
            target=target, args=args, daemon=daemon
        )
        gc.freeze()
        try:
            with _signals_held():
                process.start()
        finally:
            gc.unfreeze()
    except (OSError, ValueError):
        for pipe in pipes:
            os.close(pipe)
        return None
    return process


def _received(receiver: BinaryIO | None) -> tuple[Any] | None:
    """A child's result, unpickled as it arrives, or None: no child, or it died, failed, or
    sent what cannot be read."""
    if receiver is None:
        return None
    try:
        status, value = pickle.load(receiver)
    except Exception:
        return None
    return (value,) if status == "ok" else None


def _stop(process: Any) -> None:
    """Kill a child that still runs and wait for it. Killed, not asked to stop: it has nothing
    to clean up, and just forked it would still run this process's handler of SIGTERM."""
    if process is None:
        return
    if process.is_alive():
        process.kill()
    process.join()


HELD_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
"""Held while a child is forked, until it has its own handlers: a signal sent at that moment
would otherwise run this process's handler in the child (which prints a traceback)."""


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold ``HELD_SIGNALS`` in this thread (the child inherits the mask and lifts it once its
    handlers are set; one sent meanwhile to this process is delivered on leaving)."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _child(task: Callable[[], Any], reading: int, writing: int) -> None:
    """In the child: the parent handles interrupts and stops the child; run, send, exit.

    The child writes nothing: its output streams are fresh objects on the null device, as a
    lock of the inherited ones may have been held by a thread of the parent (the progress
    spinner) at the moment of the fork. The result is pickled straight into the pipe; if the
    task or the pickling fails, the parent reads a failure or a cut stream and runs the task
    itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    os.close(reading)
    try:
        with os.fdopen(writing, "wb") as sender:
            try:
                value = task()
            except BaseException:  # the parent runs the task again and reports the error
                pickle.dump(("failed", None), sender)
            else:
                pickle.dump(("ok", value), sender, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # unpicklable value or closed pipe: the parent sees a cut stream
        pass
    finally:
        os._exit(0)  # no atexit handlers, no flush of the parent's inherited buffers


def _standing_by(
    prepare: Callable[[], None], work_pipe: tuple[int, int], result_pipe: tuple[int, int]
) -> None:
    """In a ``Standby`` child: quiet as a ``Background`` child; get ready while a thread takes
    in the work as it comes (the parent never waits on a full pipe), then run it, send the
    result, exit. A failure to get ready is reported once the work has come (the parent then
    runs it); no work (the parent closed the pipe): exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    os.close(work_pipe[1])
    os.close(result_pipe[0])
    received: list[tuple[Callable[[Any], Any], Any]] = []

    def take_in() -> None:  # one pickle: it ends at its own end, not at the pipe's
        with os.fdopen(work_pipe[0], "rb") as incoming, suppress(Exception):
            received.append(pickle.load(incoming))

    taking_in = threading.Thread(target=take_in, daemon=True)
    try:
        taking_in.start()
        try:
            prepare()
            ready = True
        except BaseException:  # noqa: BLE001 - the parent runs the work itself
            ready = False
        taking_in.join()
        if not received:  # no work came, or it could not be read: the parent runs it
            return
        work, argument = received.pop()
        with os.fdopen(result_pipe[1], "wb") as sender:
            try:
                if not ready:
                    raise RuntimeError("not ready")
                value = work(argument)
                del argument
            except BaseException:  # the parent runs the work again and reports the error
                pickle.dump(("failed", None), sender)
            else:
                pickle.dump(("ok", value), sender, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # noqa: BLE001 - a cut stream: the parent sees it
        pass
    finally:
        os._exit(0)
