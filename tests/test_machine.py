"""Cores and jobs (src/audiobook/machine.py): --jobs is capped at the cores (issue 10)."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.errors import UserError
from audiobook.machine import available_cores, worker_count
from audiobook.model import NARRATOR, Cast, Chapter, Script, Segment, SegmentKind, VoiceSettings
from audiobook.settings import Settings
from audiobook.synthesis import plan_synthesis, run_plan
from tests.conftest import run_cli


def test_the_cores_are_those_this_process_may_use() -> None:
    assert available_cores() == len(os.sched_getaffinity(0))


def test_jobs_are_capped_at_the_cores_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    cores = available_cores()
    assert worker_count(None) == cores
    assert worker_count(1) == 1
    assert worker_count(cores) == cores
    with caplog.at_level(logging.WARNING, logger="audiobook.machine"):
        assert worker_count(cores + 9_000) == cores
        assert worker_count(cores + 9_000) == cores
    assert [r.getMessage() for r in caplog.records] == [
        f"--jobs {cores + 9_000}: only {cores} cores are available; running {cores} jobs"
    ]
    with pytest.raises(UserError, match="--jobs must be at least 1, not 0"):
        worker_count(0)


@pytest.mark.skipif(not EspeakNgEngine.is_installed(), reason="needs espeak-ng")
def test_jobs_10000_runs_no_more_threads_than_cores(tmp_path: Path) -> None:
    """Regression (issue 10): --jobs 10000 started a thread, and an engine, per clip."""
    segments = [
        Segment(NARRATOR, SegmentKind.NARRATION, f"Sentence number {n}.") for n in range(40)
    ]
    script = Script("Many", None, (NARRATOR,), (Chapter(1, "1", "One", segments=tuple(segments)),))
    plan = plan_synthesis(
        script,
        Cast({NARRATOR: VoiceSettings("espeak-ng", "en-us")}),
        config=Settings(cache_dir=tmp_path, jobs=10_000),
    )
    seen = []

    def count_threads(done: int, total: int) -> None:
        seen.append(sum(t.name.startswith("synth") for t in threading.enumerate()))

    assert run_plan(plan, progress=count_threads) == 40
    assert len(seen) > 1
    assert max(seen) <= available_cores()


@pytest.mark.skipif(not EspeakNgEngine.is_installed(), reason="needs espeak-ng")
def test_the_cli_says_once_that_jobs_are_capped(tmp_path: Path) -> None:
    book = tmp_path / "book.txt"
    book.write_text("I\n\nONE\n\nIt was cold.\n\nII\n\nTWO\n\nIt was warm.\n", encoding="utf-8")
    result = run_cli(
        "build", str(book), "--engine", "espeak-ng", "--jobs", "10000",
        "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "out"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    cores = available_cores()
    assert result.stderr.strip().splitlines() == [
        f"WARNING audiobook.machine: --jobs 10000: only {cores} cores are available; "
        f"running {cores} jobs"
    ]
