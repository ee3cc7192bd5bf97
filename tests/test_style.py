"""The house style is checked by the same command as everything else: ruff and mypy.

A missing tool is a failure, not a skip: a dev install has them, and a skipped style check
is one nobody notices.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import REPO


def tool(name: str) -> list[str]:
    """How to run a dev tool with the interpreter running the tests; fails when it is missing."""
    if importlib.util.find_spec(name) is None:
        pytest.fail(
            f"{name} is not installed for {sys.executable}; "
            "run `bash scripts/install.sh --dev` to install the test tools",
            pytrace=False,
        )
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


def test_a_missing_tool_fails_with_the_install_command() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"run `bash scripts/install\.sh --dev`"):
        tool("no_such_style_tool")
