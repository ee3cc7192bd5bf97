"""scripts/apt_non_free.py, which `install.sh --rhvoice` runs on the machine's apt sources:
tried on copies of sources files (tests/fixtures/apt), never on the machine's own."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "apt_non_free.py"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "apt"
SOURCES = ["debian.sources", "sources.list"]  # deb822 and one-line, each with .expected


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("name", SOURCES)
def test_non_free_is_added_to_the_releases_own_entries(tmp_path: Path, name: str) -> None:
    """Issue 10: install.sh wrote deb.debian.org into the sources, whatever mirror the machine
    uses. Now the machine's own entries for the release get the component, nothing else."""
    copy = tmp_path / name
    shutil.copy(FIXTURES / name, copy)
    copy.chmod(0o640)
    result = run("bookworm", str(copy))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"added non-free to the bookworm entries of {copy}\n"
    assert copy.read_text() == (FIXTURES / f"{name}.expected").read_text()
    assert copy.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary left beside it

    again = run("bookworm", str(copy))  # a second run changes nothing
    assert (again.returncode, again.stdout) == (0, "")
    assert copy.read_text() == (FIXTURES / f"{name}.expected").read_text()


def test_print_shows_the_change_and_writes_nothing(tmp_path: Path) -> None:
    copy = tmp_path / "debian.sources"
    shutil.copy(FIXTURES / "debian.sources", copy)
    result = run("--print", "bookworm", str(copy))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (FIXTURES / "debian.sources.expected").read_text()
    assert copy.read_text() == (FIXTURES / "debian.sources").read_text()


def test_no_entries_for_the_release_is_an_error_and_changes_nothing(tmp_path: Path) -> None:
    copy = tmp_path / "sources.list"
    shutil.copy(FIXTURES / "sources.list", copy)
    result = run("trixie", str(copy))
    assert result.returncode == 1
    assert result.stderr == (
        f"error: no Debian trixie entries in {copy}; add non-free to your apt sources by hand\n"
    )
    assert copy.read_text() == (FIXTURES / "sources.list").read_text()


def test_install_script_writes_no_host_of_its_own() -> None:
    install = (REPO / "scripts" / "install.sh").read_text()
    assert "deb.debian.org" not in install
    assert "scripts/apt_non_free.py" in install
