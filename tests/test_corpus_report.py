"""scripts/corpus_report.py: the text half on a folder of texts, as a person checking them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layouts"
SCRIPT = REPO / "scripts" / "corpus_report.py"


def run_report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120
    )


def test_the_report_says_layout_speakers_removals_and_accuracy(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "play.txt", tmp_path / "play.txt")
    shutil.copy(FIXTURES / "etext.txt", tmp_path / "etext.txt")
    (tmp_path / "play.truth.tsv").write_text(
        "source_line\tspeaker\tfirst_words\n"
        "20\tLADY CAPULET\tSet the red lanterns at\n"
        "23\tPOLLY\tThey sold badly last year\n"
        "26\tLADY CAPULET\tLast year it rained. This\n"
        "29\tFIRST CITIZEN\tAs you say, madam.\n",  # wrong on purpose: POLLY says it
        encoding="utf-8",
    )
    result = run_report(str(tmp_path))
    assert result.returncode == 0, result.stderr
    play = result.stdout.split("== play.txt")[1]
    assert "layout   play:" in play
    assert "LADY CAPULET" in play
    assert "turns    3/4 to the right speaker" in play
    etext = result.stdout.split("== etext.txt")[1].split("== ")[0]
    assert "layout   etext: a Project Gutenberg header" in etext
    assert "etext-boilerplate" in etext
    assert "spoken" not in etext  # no markup, licence or timestamp would be heard


def test_a_missing_folder_is_one_line_and_an_error(tmp_path: Path) -> None:
    result = run_report(str(tmp_path / "nowhere"))
    assert result.returncode != 0
    assert result.stderr.strip().startswith("error:")
    assert len(result.stderr.strip().splitlines()) == 1
