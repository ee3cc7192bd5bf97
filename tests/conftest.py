"""Shared fixtures: where the seed texts live, and how to run the real command line."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from audiobook.model import Script

REPO = Path(__file__).resolve().parent.parent
SEEDS = Path(os.environ.get("AUDIOBOOK_SEEDS", REPO.parent / "shared" / "seeds"))
INTERVIEW = SEEDS / "000_bebbb2a83c2e4137.txt"
MEMOIR = SEEDS / "003_d3de4caf663c8e66.txt"
GOLDEN = Path(__file__).resolve().parent / "golden"


def with_chapter(script: Script, chapter: int, **changes: Any) -> Script:
    """The script with one chapter changed (counted from 0): scripts are frozen."""
    chapters = list(script.chapters)
    chapters[chapter] = replace(chapters[chapter], **changes)
    return replace(script, chapters=tuple(chapters))


def with_segment(script: Script, chapter: int, segment: int, **changes: Any) -> Script:
    """The script with one segment of one chapter changed (both counted from 0)."""
    segments = list(script.chapters[chapter].segments)
    segments[segment] = replace(segments[segment], **changes)
    return with_chapter(script, chapter, segments=tuple(segments))


def require_seed(path: Path) -> Path:
    if not path.exists():
        pytest.skip(
            f"seed text {path} is missing (the ../shared/seeds folder is not beside the repo)"
        )
    return path


@pytest.fixture(scope="session")
def interview_path() -> Path:
    return require_seed(INTERVIEW)


@pytest.fixture(scope="session")
def memoir_path() -> Path:
    return require_seed(MEMOIR)


@pytest.fixture(scope="session")
def interview_script(interview_path: Path):
    from audiobook.pipeline import load_script

    return load_script(interview_path)


@pytest.fixture(scope="session")
def memoir_script(memoir_path: Path):
    from audiobook.pipeline import load_script

    return load_script(memoir_path)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 600):
    """Run `python -m audiobook …` as a user would, capturing everything."""
    return subprocess.run(
        [sys.executable, "-m", "audiobook", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def interview_talking_book(interview_script, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interview built as EPUB and DAISY (issue 5); its book folder."""
    from tests.talking_books import build_interview

    return build_interview(interview_script, tmp_path_factory.mktemp("interview-book"))


@pytest.fixture(scope="session")
def memoir_talking_book(memoir_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few memoir chapters built as EPUB and DAISY from the command line (issue 5)."""
    from tests.talking_books import build_memoir

    return build_memoir(memoir_path, tmp_path_factory.mktemp("memoir-book"))
