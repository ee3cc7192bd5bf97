"""Bad input: one line naming the file and the problem, exit status 2, no traceback."""

from __future__ import annotations

import json
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


# ---------------------------------------------------------------- issue 10: stray bytes, BOMs

UTF8_PROSE = "“Hello,” said the café owner.\n\nA naïve résumé, written in Zürich.\n\n"


def warnings_of(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("WARNING")]


def test_a_stray_byte_keeps_a_utf8_file_utf8(tmp_path: Path) -> None:
    """Issue 10: one byte that is not UTF-8 made the whole file cp1252 ("â€œHelloâ€")."""
    path = tmp_path / "stray.txt"
    path.write_bytes((UTF8_PROSE + "One stray byte: caf").encode() + b"\xe9 au lait.\n")
    source = read_source(path)
    assert (source.encoding, source.fallback) == ("utf-8", False)
    assert source.text.startswith("“Hello,” said the café owner.")
    assert "caf\ufffd au lait" in source.text
    result = run_cli("script", str(path))
    assert result.returncode == 0, result.stderr
    assert "“Hello,” said the café owner." in result.stdout
    assert "One stray byte: caf au lait." in result.stdout  # U+FFFD is not read aloud
    assert warnings_of(result) == [
        f"WARNING audiobook.reading: {path}: 1 byte is not UTF-8 (line 5); "
        "read as UTF-8 without them"
    ]


def test_stray_bytes_on_several_lines_are_one_warning(tmp_path: Path) -> None:
    path = tmp_path / "strays.txt"
    lines = [b"A \xff here.", b"Fine line.", b"Two \xfe\xfd here.", b"And \x81 here."]
    path.write_bytes(UTF8_PROSE.encode() + b"\r\n".join(lines) + b"\r\n")
    result = run_cli("script", str(path))
    assert result.returncode == 0, result.stderr
    [warning] = warnings_of(result)
    assert warning.endswith(
        f"{path}: 4 bytes are not UTF-8 (line 5, and 2 more lines); read as UTF-8 without them"
    )
    assert "Two here." in result.stdout


def test_a_file_mostly_not_utf8_is_still_read_as_cp1252(tmp_path: Path) -> None:
    """Most non-ASCII bytes invalid: a legacy file, not a UTF-8 one with damage."""
    path = tmp_path / "windows.txt"
    path.write_bytes("“Hello,” said the café owner. Naïve résumé.\n".encode("cp1252"))
    source = read_source(path)
    assert (source.encoding, source.fallback) == ("cp1252", True)
    assert source.text == "“Hello,” said the café owner. Naïve résumé.\n"


def test_byte_order_marks_mid_file_are_dropped(tmp_path: Path) -> None:
    """Issue 10: `cat a.md b.md` of two files with BOMs hid b.md's heading and first cue."""
    parts = ["# First\n\n**Wells** Hello there.\n\n", "# Second\n\n**Stalin** Another one.\n"]
    path = tmp_path / "ab.md"
    path.write_bytes(b"".join(b"\xef\xbb\xbf" + part.encode() for part in parts))
    assert "\ufeff" not in read_source(path).text
    result = run_cli("script", str(path))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [c["title"] for c in data["chapters"]] == ["First", "Second"]
    assert data["speakers"] == ["Narrator", "Wells", "Stalin"]


def test_utf16_files_joined_lose_their_second_bom(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    part = "\ufeffHello from a UTF-16 file.\n".encode("utf-16-le")
    path.write_bytes(part + part)
    assert read_source(path).text == "Hello from a UTF-16 file.\n" * 2
