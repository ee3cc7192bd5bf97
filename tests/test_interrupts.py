"""Stop signals (src/audiobook/interrupts.py): SIGTERM and SIGHUP end a build as cleanly as
Ctrl-C, with no program left running and nothing left behind (issue 10)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.engines.pyttsx3 import Pyttsx3Engine
from audiobook.interrupts import STOP_SIGNALS
from audiobook.locking import LOCK_NAME
from audiobook.manifest import MANIFEST_NAME

REPO = Path(__file__).resolve().parent.parent
SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]


def programs_in_group(group: int) -> list[str]:
    """Names of the processes in a process group, the leader's orphans included."""
    names = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # ended meanwhile
        name, rest = stat.split(" (", 1)[1].rsplit(") ", 1)
        state, _parent, pgrp = rest.split()[:3]
        if int(pgrp) == group and state != "Z":
            module = b"pyttsx3_worker" if b"pyttsx3_worker" in cmdline else b""
            names.append(module.decode() or name)
    return names


def default_signals() -> None:
    """The stop signals as a terminal gives them: a test run under `nohup` (which ignores
    SIGHUP, and a program rightly keeps ignoring it) must not make these tests fail."""
    for sig in SIGNALS:
        signal.signal(sig, signal.SIG_DFL)


def wait_until(condition, process: subprocess.Popen, seconds: float = 120) -> None:
    """Poll until condition() holds while the process runs; fail if it ended first."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, "ended before it could be stopped"
        assert time.monotonic() < deadline, "never got there"
        time.sleep(0.005)


def write_long_book(folder: Path) -> Path:
    """Six chapters of espeak-ng speech: a build of some seconds here."""
    paragraphs = (
        "It was a cold morning in the city. Nobody went out, and the streets were empty.",
        "The train came late. Everyone on the platform was glad to see it at last.",
        "A porter carried two heavy cases. He said nothing, but he smiled at the children.",
        "Snow fell on the roofs. The clock above the hall struck nine, and then ten.",
    )
    lines = ["THE LONG BOOK", ""]
    titles = ("ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX")
    for number, title in zip(("I", "II", "III", "IV", "V", "VI"), titles, strict=True):
        lines += [number, "", title, ""]
        for time_ in range(6):
            for text in paragraphs:
                lines += [f"{text} So it was, time {time_}, in {title}.", ""]
    path = folder / "long.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.skipif(not EspeakNgEngine.is_installed(), reason="needs espeak-ng")
@pytest.mark.parametrize("sig", SIGNALS, ids=[s.name for s in SIGNALS])
def test_a_stopped_build_leaves_no_program_and_no_file_behind(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """Regression (issue 10): SIGTERM and SIGHUP killed Python on the spot, leaving ffmpeg
    orphaned and writing, `.part` files, work folders and the folder lock. The signal goes
    to the build alone (`kill PID`), not to its process group as Ctrl-C in a terminal does,
    so only the build can stop its programs."""
    book = write_long_book(tmp_path)
    out, cache = tmp_path / "out", tmp_path / "cache"
    command = [sys.executable, "-m", "audiobook", "build", str(book), "--engine", "espeak-ng"]
    command += ["--format", "mp3,m4b", "--cache", str(cache), "--out", str(out)]
    build = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: orphans are found by the group
        preexec_fn=default_signals,
    )
    try:

        def writing() -> bool:
            parts = list(out.rglob("*.part")) if out.is_dir() else []
            return bool(parts) and "ffmpeg" in programs_in_group(build.pid)

        wait_until(writing, build)
        os.kill(build.pid, sig)
        _, stderr = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
    assert build.returncode == 128 + sig, stderr
    assert stderr.strip().splitlines()[-1] == f"error: {STOP_SIGNALS[sig]}", stderr
    assert "Traceback" not in stderr
    assert programs_in_group(build.pid) == []
    [folder] = out.glob("*/*")
    left = sorted(p.name for p in folder.iterdir() if p.name.startswith("."))
    assert [name for name in left if name != MANIFEST_NAME] == []  # no .part, work, lock
    assert not (folder / LOCK_NAME).exists()
    assert list((cache / "work").iterdir()) == []


BUSY_THREADS = """
import sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from audiobook import interrupts, processes
from audiobook.engines.pyttsx3 import Pyttsx3Engine
from audiobook.model import VoiceSettings

interrupts.install()
work = Path(tempfile.mkdtemp())
text = " ".join(f"This is sentence number {n} of a long text." for n in range(300))

def silence():
    while True:
        yield bytes(44100)

ffmpeg = ["ffmpeg", "-v", "error", "-f", "s16le", "-ar", "22050", "-i", "pipe:0", "-f", "null", "-"]
try:
    with ThreadPoolExecutor(2) as pool:
        jobs = [
            pool.submit(Pyttsx3Engine().synthesize, [text], VoiceSettings("pyttsx3", "gmw/en-us"), work),
            pool.submit(processes.run_streaming, ffmpeg, silence()),
        ]
        for job in jobs:
            job.result()
except KeyboardInterrupt as e:
    sys.exit(interrupts.outcome(e)[1])
"""


@pytest.mark.skipif(not Pyttsx3Engine.is_installed(), reason="needs pyttsx3")
@pytest.mark.parametrize("sig", SIGNALS, ids=[s.name for s in SIGNALS])
def test_programs_run_by_worker_threads_are_killed(sig: signal.Signals) -> None:
    """A pyttsx3 worker (processes.run, output captured) and an ffmpeg fed by
    processes.run_streaming, each waited for by a worker thread, which no signal reaches:
    the stop signal kills both at once, and the process ends without waiting for them."""
    process = subprocess.Popen(
        [sys.executable, "-c", BUSY_THREADS],
        cwd=REPO,
        start_new_session=True,
        preexec_fn=default_signals,
    )
    try:
        running = {"pyttsx3_worker", "ffmpeg"}
        wait_until(lambda: running <= set(programs_in_group(process.pid)), process, 60)
        time.sleep(0.5)  # the worker well into its text
        os.kill(process.pid, sig)
        started = time.monotonic()
        process.wait(timeout=30)
        assert time.monotonic() - started < 5
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 128 + sig
    assert programs_in_group(process.pid) == []
