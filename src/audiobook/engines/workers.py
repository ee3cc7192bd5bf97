"""Persistent worker processes: a neural voice is loaded once and then speaks many clips.

Loading a neural model takes seconds and hundreds of megabytes, so each worker process loads
one voice once and then answers requests, one JSON line each way, until its stdin closes.
The pool keeps idle workers per (engine, voice): a synthesis thread borrows one for a batch
and gives it back, so `--jobs N` means at most N workers per voice, each with one
onnxruntime thread. Workers run in their own processes for the same reasons as pyttsx3's:
their libraries print, hold process-global state and may crash; a crash costs one batch,
which synthesis retries clip by clip.
"""

from __future__ import annotations

import atexit
import json
import logging
import select
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from audiobook import interrupts
from audiobook.errors import AudiobookError

log = logging.getLogger(__name__)

WORKER_MODULE = "audiobook.engines.neural_worker"
LOAD_TIMEOUT_S = 300.0  # a first load may unpack a model (Kokoro rebuilds one, ~92 MB)


class Worker:
    """One worker process: `ask` sends a request and waits for its one-line answer."""

    def __init__(self, engine: str, voice: str, options: dict[str, Any]) -> None:
        self.name = f"{engine} voice {voice}"
        interrupts.check()
        self.stderr: IO[bytes] = tempfile.TemporaryFile()
        command = [sys.executable, "-m", WORKER_MODULE, json.dumps([engine, voice, options])]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
        )
        interrupts.watch(self.process)
        try:
            self.info = self._answer(LOAD_TIMEOUT_S)  # the model's version and sample rate
        except BaseException:
            self.close(kill=True)
            raise

    def ask(self, request: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # it died: the answer says how
        return self._answer(timeout_s)

    def _answer(self, timeout_s: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout_s)
        line = self.process.stdout.readline() if ready else b""
        if not ready:
            self.close(kill=True)
            raise AudiobookError(f"{self.name} did not answer within {timeout_s:g} s")
        if not line:
            complaint = self._last_complaint()
            self.close(kill=True)
            interrupts.check()  # killed by a stop signal: that is the news
            raise AudiobookError(f"{self.name} stopped: {complaint}")
        answer: dict[str, Any] = json.loads(line)
        POOL.peak_rss_mb = max(POOL.peak_rss_mb, float(answer.get("peak_rss_mb", 0.0)))
        if "error" in answer:
            raise AudiobookError(f"{self.name}: {answer['error']}")
        return answer

    def _last_complaint(self) -> str:
        self.stderr.seek(0)
        lines = self.stderr.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {self.process.poll()}"

    def close(self, *, kill: bool = False) -> None:
        if self.stderr.closed:
            return  # closed already
        if kill:
            self.process.kill()
        elif self.process.stdin is not None:
            try:
                self.process.stdin.close()  # the worker's end: it exits
            except BrokenPipeError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        interrupts.unwatch(self.process)
        self.stderr.close()


class WorkerPool:
    """Idle workers by (engine, voice, options), lent out one batch at a time."""

    def __init__(self) -> None:
        self.idle: dict[str, list[Worker]] = {}
        self.starting: dict[str, threading.Lock] = {}
        self.lock = threading.Lock()
        self.peak_rss_mb = 0.0  # the most memory any worker has used (benchmarks report it)

    @contextmanager
    def lease(self, engine: str, voice: str, options: dict[str, Any]) -> Iterator[Worker]:
        key = json.dumps([engine, voice, options], sort_keys=True)
        with self.lock:
            workers = self.idle.setdefault(key, [])
            worker = workers.pop() if workers else None
            starting = self.starting.setdefault(key, threading.Lock())
        if worker is None:
            # One load at a time per voice: a model's first load may build files in a
            # cache (Kokoro's), which two loads at once break.
            with starting:
                worker = Worker(engine, voice, options)
        try:
            yield worker
        except BaseException:
            worker.close(kill=True)  # in an unknown state: never lent again
            raise
        with self.lock:
            self.idle[key].append(worker)

    def close(self) -> None:
        with self.lock:
            workers = [w for ws in self.idle.values() for w in ws]
            self.idle.clear()
        for worker in workers:
            worker.close()


POOL = WorkerPool()
atexit.register(POOL.close)
