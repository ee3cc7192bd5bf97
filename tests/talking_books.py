"""Talking books for the tests of issue 5, and the EPUBCheck runner.

The seed texts are built once per session (fixtures in conftest.py) into EPUB and DAISY
together, with fast voices (espeak-ng, flite kal16), and checked by tests/test_epub.py and
tests/test_daisy.py. The memoir is built from the command line on a few chapters that hold
every kind of navigation point: a part, books, chapters, sub-sections and print pages.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from audiobook.build import BuildOptions, build_book
from audiobook.model import Cast, Script, VoiceSettings
from audiobook.settings import Settings
from tests.conftest import run_cli

# Chapter 2 opens Part One and Book One; 5 opens Book Two and holds page 28; 26 has four
# sub-sections and pages 302, 306 and 316.
MEMOIR_CHAPTERS = "2,5,26"
MEMOIR_PAGES = ["28", "302", "306", "316"]
# The memoir is read at twice the normal speed: it halves the test's time and is what many
# screen-reader users choose.
MEMOIR_RATE = "2"
INTERVIEW_CAST = Cast(
    {
        "Narrator": VoiceSettings("espeak-ng", "en-gb"),
        "Wells": VoiceSettings("espeak-ng", "en-gb-x-rp+m3"),
        "Stalin": VoiceSettings("flite", "kal16"),
    }
)


def build_interview(script: Script, tmp: Path) -> Path:
    """The interview as EPUB and DAISY; the book folder."""
    options = BuildOptions(
        out_dir=tmp / "out", formats="epub,daisy", config=Settings(cache_dir=tmp / "cache")
    )
    return build_book(script, INTERVIEW_CAST, options).folder


def build_memoir(source: Path, tmp: Path) -> Path:
    """A few memoir chapters as EPUB and DAISY through `audiobook build`; the book folder."""
    out = tmp / "out"
    args = ["build", str(source), "--engine", "espeak-ng", "--chapters", MEMOIR_CHAPTERS]
    args += ["--rate", MEMOIR_RATE, "--format", "epub,daisy", "--out", str(out)]
    done = run_cli(*args, env={"AUDIOBOOK_CACHE": str(tmp / "cache")})
    assert done.returncode == 0, done.stderr
    [ncc] = out.glob("*/*/*/ncc.html")
    return ncc.parent.parent


def epub_of(folder: Path) -> Path:
    [epub] = folder.glob("*.epub")
    return epub


def daisy_of(folder: Path) -> Path:
    [ncc] = folder.glob("*/ncc.html")
    return ncc.parent


def epubcheck(epub: Path) -> str:
    """EPUBCheck's report on a file, asserting it found nothing at all to report.

    Debian installs EPUBCheck as an executable jar; where the kernel is not set up to run
    jars directly (containers), it is run with `java -jar`.
    """
    found = shutil.which("epubcheck")
    if found is None:
        pytest.fail("epubcheck is not installed: bash scripts/install.sh --dev installs it")
    program = Path(found).resolve()
    command = [str(program)]
    if program.suffix == ".jar" or program.read_bytes()[:2] == b"PK":
        command = ["java", "-jar", str(program)]
    done = subprocess.run([*command, str(epub)], capture_output=True, text=True, timeout=300)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    assert "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos" in report, report
    return report
