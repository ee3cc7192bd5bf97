"""Which module may use which: read from the source with `ast`, not from the running code."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "audiobook"
PROGRAMS = {"ffmpeg", "ffprobe"}


def modules(folder: Path) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(folder.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported(path: Path, tree: ast.Module) -> set[str]:
    """Every module `path` imports, as absolute names (`from . import x` resolved)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names |= {base} | {f"{base}.{alias.name}" for alias in node.names}
    return names


def test_talking_books_never_import_the_writers() -> None:
    """Issue 10: writers use talkingbook, never the other way round (no import cycle)."""
    checked = 0
    for path, tree in modules(PACKAGE / "talkingbook"):
        checked += 1
        wrong = sorted(
            n for n in imported(path, tree) if n.split(".")[:2] == ["audiobook", "writers"]
        )
        assert not wrong, f"{path.name} imports {wrong}"
    assert checked >= 5


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from audiobook.writers.base import BookWriter", "audiobook.writers.base"),
        ("from ..writers import mp3", "audiobook.writers.mp3"),
        ("import audiobook.writers", "audiobook.writers"),
    ],
)
def test_imports_are_read_in_every_form(source: str, expected: str) -> None:
    path = PACKAGE / "talkingbook" / "audio.py"
    assert expected in imported(path, ast.parse(source))


def runs_a_program(tree: ast.Module) -> bool:
    """A list or tuple literal that starts with "ffmpeg" or "ffprobe": a command line."""
    return any(
        isinstance(node, ast.List | ast.Tuple)
        and node.elts
        and isinstance(node.elts[0], ast.Constant)
        and node.elts[0].value in PROGRAMS
        for node in ast.walk(tree)
    )


def test_only_the_ffmpeg_module_writes_ffmpeg_command_lines() -> None:
    """Issue 10: one module owns every ffmpeg and ffprobe call."""
    owners = {path.name for path, tree in modules(PACKAGE) if runs_a_program(tree)}
    assert owners == {"ffmpeg.py"}
