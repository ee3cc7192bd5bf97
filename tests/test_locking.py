"""One build at a time in a book folder (audiobook.locking); a lock file that is not a plain
file is never followed or waited on (issue 10). The cross-process case, with a real build,
is in test_reliability.py."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from audiobook.errors import UserError
from audiobook.locking import LOCK_NAME, FolderLock
from tests.conftest import run_cli


def test_the_lock_is_refused_within_one_process_too(tmp_path: Path) -> None:
    with FolderLock(tmp_path):
        held = f"{tmp_path}: another build (process {os.getpid()}) is writing this book"
        with pytest.raises(UserError, match=re.escape(held)):
            FolderLock(tmp_path).acquire()
    with FolderLock(tmp_path):  # released, and the file removed
        pass
    assert not (tmp_path / LOCK_NAME).exists()


def test_a_symlinked_lock_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("precious", encoding="utf-8")
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / LOCK_NAME).symlink_to(target)
    with pytest.raises(UserError, match="symbolic link"):
        FolderLock(folder).acquire()
    assert target.read_text(encoding="utf-8") == "precious"


def test_a_fifo_lock_is_a_one_line_error(tmp_path: Path) -> None:
    text = tmp_path / "book.txt"
    text.write_text("# A Book\n\nOne short line to read.\n", encoding="utf-8")
    out = tmp_path / "out"
    folder = out / "Unknown Author" / "A Book"
    folder.mkdir(parents=True)
    os.mkfifo(folder / LOCK_NAME)
    result = run_cli("build", str(text), "--out", str(out), "--engine", "espeak-ng", timeout=120)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "not a regular file" in lines[0]
