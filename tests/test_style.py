"""The house style is checked by the same command as everything else: ruff and mypy."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO


def tool(name: str) -> list[str]:
    if shutil.which(name) is None and not (REPO / ".venv" / "bin" / name).exists():
        pytest.skip(f"{name} is not installed (bash scripts/install.sh --dev installs it)")
    return [sys.executable, "-m", name]


@pytest.mark.parametrize(
    "args",
    [["check", "src", "tests", "scripts"], ["format", "--check", "src", "tests", "scripts"]],
    ids=["ruff-check", "ruff-format"],
)
def test_ruff(args: list[str]) -> None:
    result = subprocess.run([*tool("ruff"), *args], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    result = subprocess.run([*tool("mypy"), "src"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
