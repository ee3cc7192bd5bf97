"""Reading a text file from disk: the only place the text half touches files.

Users pass whatever they have, so every way a file can be wrong for us becomes a one-line
UserError naming the file: missing, a folder, empty, binary, or not text at all.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from audiobook.errors import UserError
from audiobook.inspect import WORDS_PER_MINUTE

log = logging.getLogger(__name__)

# The longest books run to 5-10 MB of text (In Search of Lost Time, the complete Shakespeare):
# 20 MB is some 350 hours of speech. A larger file is a mistake or several books in one, and
# refusing it at once (from its size, unread) beats hours of work and gigabytes of memory.
MAX_INPUT_BYTES = 20 * 1024 * 1024
BYTES_PER_WORD = 6  # English prose, spaces included

# Magic numbers of files people pass by mistake.
BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"ID3": "an MP3 audio file",
    b"\xff\xfb": "an MP3 audio file",
    b"RIFF": "a WAV/RIFF file",
    b"PK\x03\x04": "a ZIP archive (EPUB, DOCX …)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"OggS": "an Ogg audio file",
    b"fLaC": "a FLAC audio file",
    b"\x7fELF": "a program",
    b"{\\rtf": "an RTF document",
}


BOM = "\ufeff"
REPLACEMENT = "\ufffd"  # a byte that is not UTF-8, in a UTF-8 file; never spoken
ASCII_BYTES = bytes(range(0x80))
BAD_BYTE_RE = re.compile("[\udc80-\udcff]")  # what errors="surrogateescape" makes of one
LINE_END_RE = re.compile(r"\r\n?|[\n\f]")  # as audiobook.textforms.split_lines numbers lines


@dataclass(frozen=True)
class SourceText:
    """A decoded input file."""

    path: Path
    text: str
    encoding: str  # the encoding actually used
    fallback: bool  # True when the file was not UTF-8 and a fallback decoding was used


def read_source(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> SourceText:
    """Read and decode a text file, or raise a UserError that says what is wrong with it.

    A file over `max_bytes` (Settings.max_input_bytes) is refused unread."""
    check_input_file(path, max_bytes)
    try:
        data = path.read_bytes()
    except PermissionError as e:
        raise UserError(f"{path}: permission denied") from e
    except OSError as e:
        raise UserError(f"{path}: cannot be read ({e.strerror})") from e
    text, encoding, fallback = decode_bytes(data, path)
    check_is_readable_text(text, path)
    return SourceText(path=path, text=text, encoding=encoding, fallback=fallback)


def check_input_file(path: Path, max_bytes: int, what: str = "a text file") -> None:
    """A UserError unless `path` is a file we may read, of at most `max_bytes`."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not {what}")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise UserError(f"{path}: cannot be read ({e.strerror})") from e
    if size > max_bytes:
        hours = size / BYTES_PER_WORD / WORDS_PER_MINUTE / 60
        raise UserError(
            f"{path}: {size / 1e6:.0f} MB of text would be about {hours:,.0f} hours of speech; "
            f"files up to {_size(max_bytes)} are read (split it into books)"
        )
    if not path.is_file():  # a FIFO or a device would hang the read
        raise UserError(f"{path}: is not a regular file")


def _size(limit: int) -> str:
    """ "20 MB", or "5,000 bytes" for a limit under a megabyte."""
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit:,} bytes"


def decode_bytes(data: bytes, path: Path) -> tuple[str, str, bool]:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; fall back to cp1252/Latin-1.

    A UTF-8 file with a few bytes that are not UTF-8 (a paste from an old editor, two files
    joined) stays UTF-8: those bytes become U+FFFD, which is never spoken, and one warning
    names their lines. Only a file whose non-ASCII bytes are mostly not UTF-8 is read in a
    legacy encoding: read so, a UTF-8 file's every accent and quote would be garbled.
    A byte-order mark is dropped wherever it stands (`cat a.md b.md` leaves one mid-file).
    """
    for signature, what in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise UserError(f"{path}: this is {what}, not a text file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise UserError(f"{path}: starts like UTF-16 but cannot be decoded") from e
        log.warning("%s is not UTF-8; read it as UTF-16 (it starts with a byte-order mark)", path)
        return text.replace(BOM, ""), "utf-16", False
    if b"\x00" in data[:8192]:
        raise UserError(f"{path}: contains binary data (NUL bytes), not text")
    text = data.decode("utf-8-sig", errors="surrogateescape").replace(BOM, "")
    bad = BAD_BYTE_RE.findall(text)
    if not bad:
        return text, "utf-8", False
    non_ascii = len(data.translate(None, ASCII_BYTES))
    if len(bad) <= non_ascii / 2:
        log.warning("%s: %s", path, bad_bytes_note(text, len(bad)))
        return BAD_BYTE_RE.sub(REPLACEMENT, text), "utf-8", False
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    log.warning("%s is not UTF-8; read it as %s", path, encoding)
    return text.replace(BOM, ""), encoding, True


def bad_bytes_note(text: str, count: int) -> str:
    """ "2 bytes are not UTF-8 (line 3, and 1 more line); read as UTF-8 without them"."""
    lines: list[int] = []
    line, at = 1, 0
    for match in BAD_BYTE_RE.finditer(text):
        line += sum(1 for _ in LINE_END_RE.finditer(text, at, match.start()))
        at = match.start()
        if not lines or lines[-1] != line:
            lines.append(line)
    more = len(lines) - 1
    where = f"line {lines[0]}" + (f", and {more} more line{'s' * (more > 1)}" if more else "")
    bytes_are = "1 byte is" if count == 1 else f"{count} bytes are"
    return f"{bytes_are} not UTF-8 ({where}); read as UTF-8 without them"


def check_is_readable_text(text: str, path: Path) -> None:
    """Refuse text with nothing to say, or that is mostly control characters."""
    if not text.strip():
        raise UserError(f"{path}: the file is empty")
    if not any(ch.isalnum() for ch in text):
        raise UserError(f"{path}: the file has no words in it, only punctuation or symbols")
    sample = text[:20000]
    controls = sum(
        1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v"
    )
    if controls > len(sample) * 0.01:
        raise UserError(f"{path}: contains binary data, not text")
