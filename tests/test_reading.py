"""Bad input: one line naming the file and the problem, exit status 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobook.errors import UserError
from audiobook.reading import read_source
from tests.conftest import run_cli


def assert_one_line_error(result, path: Path, fragment: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert str(path) in lines[0]
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (b"   \n\n\t \n", "empty"),
        (b"... !!! ---\n???\n", "no words"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "MP3"),
        (b"\x00\x01\x02\x03binary\x00\x00", "binary"),
    ],
    ids=["empty", "whitespace", "punctuation", "pdf", "mp3", "nul-bytes"],
)
def test_bad_files_give_one_line_error(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    assert_one_line_error(run_cli("script", str(path)), path, fragment)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    assert_one_line_error(run_cli("script", str(path)), path, "no such file")


def test_directory(tmp_path: Path) -> None:
    assert_one_line_error(run_cli("inspect", str(tmp_path)), tmp_path, "folder")


def test_latin1_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9 au lait. Na\xefve r\xe9sum\xe9.\n".encode("latin-1"))
    source = read_source(path)
    assert source.fallback
    assert "Café" in source.text
    result = run_cli("script", str(path))
    assert result.returncode == 0
    assert "Café" in result.stdout
    assert "not UTF-8" in result.stderr


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("\ufeffHello from a UTF-16 file.\n".encode("utf-16-le"))
    assert read_source(path).text.strip() == "Hello from a UTF-16 file."


def test_read_source_raises_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no such file"):
        read_source(tmp_path / "absent.txt")
