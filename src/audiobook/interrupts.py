"""Stop signals: SIGTERM and SIGHUP end a build as cleanly as Ctrl-C does.

Python dies of SIGTERM and SIGHUP on the spot, running no `finally`: ffmpeg and the engines
go on writing, orphaned, and partial files, work folders and the folder lock stay behind.
`install` (the CLI calls it first thing) makes SIGINT, SIGTERM and SIGHUP alike raise
`Interrupted` in the main thread. It is a KeyboardInterrupt, so the build unwinds as from
Ctrl-C and every clean-up runs; the CLI exits with 128 + the signal's number.

Before raising, the handler kills every program this process is running (processes.py
registers each with `watching`), and after it none is started (`check`): a program working
for a worker thread would otherwise run to its end before that thread noticed, and a signal
sent to this process alone (`kill PID`, where Ctrl-C in a terminal reaches the whole
process group) never reaches the programs at all.
"""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

# What the CLI says for each stop signal (SIGHUP does not exist on Windows).
STOP_SIGNALS: dict[int, str] = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
if hasattr(signal, "SIGHUP"):
    STOP_SIGNALS[signal.SIGHUP] = "hung up"

_received: list[int] = []  # the stop signals received, first first
_running: set[subprocess.Popen[Any]] = set()  # programs to kill on a stop signal


class Interrupted(KeyboardInterrupt):
    """A stop signal arrived; raised in the main thread, and in any thread that would start a
    program after it."""

    def __init__(self, signum: int) -> None:
        super().__init__(STOP_SIGNALS.get(signum, "interrupted"))
        self.signum = signum

    @property
    def message(self) -> str:
        """What the CLI prints after "error: "."""
        return STOP_SIGNALS.get(self.signum, "interrupted")

    @property
    def exit_status(self) -> int:
        """128 + the signal's number, as a shell reports a program the signal killed."""
        return 128 + self.signum


def install() -> None:
    """Raise Interrupted on SIGINT, SIGTERM and SIGHUP. Call it from the main thread.

    A signal this process was started ignoring stays ignored: `nohup` ignores SIGHUP so
    that a build outlives its terminal.
    """
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) != signal.SIG_IGN:
            signal.signal(signum, _stop)


def _stop(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    for process in list(_running):
        process.kill()  # does nothing to a program that has ended
    raise Interrupted(signum)


def check() -> None:
    """Raise Interrupted if a stop signal has arrived: nothing new starts after one."""
    if _received:
        raise Interrupted(_received[0])


@contextmanager
def watching(process: subprocess.Popen[Any]) -> Iterator[None]:
    """While the block runs, a stop signal kills `process`, whichever thread waits for it."""
    _running.add(process)
    try:
        if _received:  # the signal came while the program was being started
            process.kill()
        yield
    finally:
        _running.discard(process)


def watch(process: subprocess.Popen[Any]) -> None:
    """Kill `process` on a stop signal until `unwatch`: for a worker that outlives any one
    call (engines.workers), where `watching` covers a single one."""
    _running.add(process)
    if _received:
        process.kill()


def unwatch(process: subprocess.Popen[Any]) -> None:
    _running.discard(process)


def outcome(error: BaseException) -> tuple[str, int]:
    """The CLI's message and exit status for a KeyboardInterrupt, or for click's Abort (which
    click raises from one): 130 for Ctrl-C, 128 + the number of another stop signal."""
    stop = error if isinstance(error, Interrupted) else error.__cause__ or error.__context__
    if isinstance(stop, Interrupted):
        return stop.message, stop.exit_status
    return STOP_SIGNALS[signal.SIGINT], 128 + signal.SIGINT
