"""`audiobook inspect` on long texts: time linear in the number of headings."""

from __future__ import annotations

import time
from pathlib import Path

from tests.conftest import run_cli

# Generous, for a loaded machine: it takes about a second; it took 40 s before (issue 10).
MANY_HEADINGS_LIMIT_S = 20
SENTENCE = "The river ran on past the mill and the town, and nobody stopped it."


def test_inspect_is_not_quadratic_in_the_number_of_headings(tmp_path: Path) -> None:
    """Issue 10: 5,000 "CHAPTER n" headings in a printed book took 40 s, every heading
    compared with every earlier one for running page headers."""
    book = tmp_path / "long.txt"
    book.write_text("".join(f"CHAPTER {n}\n\n{SENTENCE}\n\n" for n in range(1, 5001)))
    start = time.monotonic()
    result = run_cli("inspect", "--layout", "ocr", str(book))
    elapsed = time.monotonic() - start
    assert result.returncode == 0, result.stderr
    assert "CHAPTER 998" in result.stdout
    assert elapsed < MANY_HEADINGS_LIMIT_S, f"inspect took {elapsed:.1f} s"


def test_a_running_header_still_repeats_its_chapter_title(tmp_path: Path) -> None:
    """Filing titles by their numbers keeps each header with the title it repeats."""
    pages = []
    for n in range(1, 4):
        body = "\n".join([SENTENCE] * 12)
        pages.append(f"CHAPTER {n}\n\nTHE BOOK OF DAYS {n}\n\n{body}\n\n{20 + n}\n\n")
        pages.append(f"THE BOOK OF DAYS {n}\n\n{body}\n\n")
    book = tmp_path / "headers.txt"
    book.write_text("".join(pages))
    result = run_cli("inspect", "--removed", "--layout", "ocr", str(book))
    assert result.returncode == 0, result.stderr
    headers = [line.split()[-1] for line in result.stdout.splitlines() if "running-header" in line]
    assert headers == ["1", "2", "3"]
