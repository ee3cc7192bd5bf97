"""Shared by the issue 9 tests: the short fixtures of each layout, our own writing, under
tests/fixtures/layouts/."""

from __future__ import annotations

from pathlib import Path

from audiobook.model import Script

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layouts"
# fixture file -> the layout it is written in
FIXTURE_LAYOUTS = {
    "interview.md": "markdown",
    "transcript.md": "transcript",
    "scanned.txt": "ocr",
    "etext.txt": "etext",
    "play.txt": "play",
}


def read_fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def rows(script: Script) -> list[tuple[str, str, str]]:
    """(speaker, kind, text) of every segment, in reading order."""
    return [(s.speaker, s.kind, s.text) for c in script.chapters for s in c.segments]


def spoken(script: Script) -> list[str]:
    return [s.text for c in script.chapters for s in c.segments]
