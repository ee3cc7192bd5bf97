"""The command line itself: its mistakes are one line each, its options spelt one way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_reliability import needs_espeak, needs_mount, read_only, run_cli_mounted

EXAMPLE = Path(__file__).resolve().parent.parent / "src" / "audiobook" / "examples" / "chapter.txt"


def one_line_error(result) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "Usage:" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


# ---------------------------------------------------------------- click's own errors


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["cast", "nope.txt"], "error: nope.txt: no such file"),
        (["build", "--cover", "nope.jpg"], "error: --cover: file 'nope.jpg' does not exist"),
        (["build", "--jobs", "x"], "error: --jobs: 'x' is not a valid integer range"),
        (["preview", "--chapter", "two"], "error: --chapter: 'two' is not a valid integer range"),
        (["cast"], "error: missing argument 'FILE'"),
        (["build", "--out"], "error: option '--out' requires an argument"),
        (["script", "a.txt", "b.txt"], "error: got unexpected extra argument (b.txt)"),
        (["speak"], "error: no such command 'speak'"),
        (
            ["build", "--bogus"],
            "error: no such option '--bogus'. (Did you mean one of: '--jobs', '--out'?)",
        ),
    ],
    ids=["missing-file", "missing-cover", "bad-jobs", "bad-chapter", "missing-argument",
         "missing-value", "extra-argument", "unknown-command", "unknown-option"],
)  # fmt: skip
def test_command_line_mistakes_are_one_line(args: list[str], expected: str) -> None:
    """Issue 10: click printed its usage, a hint and the error, three lines."""
    assert one_line_error(run_cli(*args)) == expected


def test_help_still_works() -> None:
    for args in (["--help"], ["build", "--help"], ["cast", "-h"]):
        result = run_cli(*args)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Usage: ")


# ---------------------------------------------------------------- options spelt one way


def test_script_writes_with_out_o_and_the_old_output(tmp_path: Path) -> None:
    """Issue 10: `script` alone said -o/--output, every other command --out."""
    for option in ("--out", "-o", "--output"):
        target = tmp_path / f"{option.strip('-')}.json"
        result = run_cli("script", option, str(target))
        assert result.returncode == 0, result.stderr
        assert json.loads(target.read_text())["speakers"][0] == "Narrator"
    help_text = run_cli("script", "--help").stdout
    assert "-o, --out FILE" in help_text
    assert "--output" not in help_text


def test_json_and_another_format_conflict() -> None:
    """Issue 10: --json silently won over --format fountain."""
    line = one_line_error(run_cli("script", "--json", "--format", "fountain"))
    assert line == "error: --json and --format fountain ask for different formats"
    assert json.loads(run_cli("script", "--json").stdout)["chapters"]
    assert json.loads(run_cli("script", "--json", "--format", "json").stdout)["chapters"]
    assert json.loads(run_cli("script").stdout)["chapters"]
    assert run_cli("script", "--format", "fountain").stdout.startswith("Title: ")


def test_verbose_comes_from_the_parsed_options(tmp_path: Path) -> None:
    """Issue 10: "-v" anywhere on the line, even as a title, meant tracebacks."""
    missing = tmp_path / "nope.txt"
    result = run_cli("script", "--title", "-v", str(missing))
    assert one_line_error(result) == f"error: {missing}: no such file"
    verbose = run_cli("-v", "script", str(missing))
    assert verbose.returncode == 1
    assert "Traceback" in verbose.stderr


# ---------------------------------------------------------------- numbers and places


@pytest.mark.parametrize(
    ("option", "value"),
    [("--seconds", "nan"), ("--seconds", "inf"), ("--rate", "nan"), ("--seconds", "-inf")],
)
def test_preview_refuses_numbers_that_are_not_finite(
    tmp_path: Path, option: str, value: str
) -> None:
    """Issue 10: --seconds nan was a ValueError traceback, inf an OverflowError."""
    result = run_cli("preview", option, value, "--out", str(tmp_path / "p.wav"))
    assert one_line_error(result).startswith(f"error: {option}: {value}")
    assert list(tmp_path.iterdir()) == []


def test_a_cache_under_a_file_is_one_line_and_nothing_is_made(tmp_path: Path) -> None:
    """Issue 10: --cache /etc/passwd/x was a NotADirectoryError, after the book's folder
    had been made."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = tmp_path / "out"
    result = run_cli("build", str(EXAMPLE), "--cache", str(blocker / "x"), "--out", str(out))
    assert one_line_error(result) == (
        f"error: --cache {blocker / 'x'}: {blocker} is a file, not a folder"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("where", "problem"),
    [
        ("missing/p.wav", "the folder {tmp}/missing does not exist"),
        ("a-file/p.wav", "{tmp}/a-file is not a folder"),
    ],
)
def test_preview_out_checks_its_folder_first(tmp_path: Path, where: str, problem: str) -> None:
    """Issue 10: a missing folder was a raw ffmpeg error, after the synthesis."""
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / where
    result = run_cli("preview", str(EXAMPLE), "--out", str(out), "--cache", str(tmp_path / "c"))
    expected = f"error: --out {out}: {problem.format(tmp=tmp_path)}"
    assert one_line_error(result) == expected
    assert not (tmp_path / "c").exists(), "checked before any synthesis"


PREVIEW = ["preview", str(EXAMPLE), "--engine", "espeak-ng", "--seconds", "20"]


@needs_espeak
@needs_mount
def test_preview_out_on_a_read_only_disk(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args = [*PREVIEW, "--out", str(out / "p.wav"), "--cache", str(tmp_path / "cache")]
    result = run_cli_mounted(read_only(out), *args, env={})
    assert one_line_error(result) == f"error: --out {out}/p.wav: cannot write in the folder {out}"
    assert list(out.iterdir()) == []


@needs_espeak
@needs_mount
def test_preview_out_on_a_full_disk(tmp_path: Path) -> None:
    """A real ENOSPC from ffmpeg (a 64 KB tmpfs) is one line naming the file."""
    out = tmp_path / "out"
    out.mkdir()
    tiny = [["-t", "tmpfs", "-o", "size=64k", "tmpfs", str(out)]]
    args = [*PREVIEW, "--out", str(out / "p.wav"), "--cache", str(tmp_path / "cache")]
    result = run_cli_mounted(tiny, *args, env={})
    assert one_line_error(result).startswith(f"error: {out}/p.wav: no space left on the disk (")
