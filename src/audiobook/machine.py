"""What the machine offers a build: the one place that counts cores and sets the jobs.

Synthesis, chapter encoding and the talking-book writers each run one job per core; they
all ask here (synthesis and encoding through Settings.workers, which holds `--jobs`), so a
number far beyond the cores (`--jobs 10000`) is capped once, with one warning, rather than
starting a thread or a process per clip.
"""

from __future__ import annotations

import logging
import os
import threading

from audiobook.errors import UserError

log = logging.getLogger(__name__)

_warned: set[tuple[int, int]] = set()  # (requested, cores) already warned about
_warned_lock = threading.Lock()


def available_cores() -> int:
    """The cores this process may run on: its CPU affinity (taskset, a container's cpuset),
    which can be fewer than the machine has."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(requested: int | None) -> int:
    """How many jobs to run in parallel: `requested` (--jobs), but no more than the cores
    available; one per core when None. More jobs than cores is capped with one warning."""
    cores = available_cores()
    if requested is None:
        return cores
    if requested < 1:
        raise UserError(f"--jobs must be at least 1, not {requested}")
    if requested <= cores:
        return requested
    with _warned_lock:
        first = (requested, cores) not in _warned
        _warned.add((requested, cores))
    if first:
        log.warning(
            "--jobs %d: only %d cores are available; running %d jobs", requested, cores, cores
        )
    return cores
