"""Reading a text file from disk: the only place the text half touches files.

Users pass whatever they have, so every way a file can be wrong for us becomes a one-line
UserError naming the file: missing, a folder, empty, binary, or not text at all.
"""

from __future__ import annotations

import codecs
import logging
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


@dataclass(frozen=True)
class SourceText:
    """A decoded input file."""

    path: Path
    text: str
    encoding: str  # the encoding actually used
    fallback: bool  # True when the file was not UTF-8 and a fallback decoding was used


def read_source(path: Path) -> SourceText:
    """Read and decode a text file, or raise a UserError that says what is wrong with it."""
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a text file")
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            hours = size / BYTES_PER_WORD / WORDS_PER_MINUTE / 60
            raise UserError(
                f"{path}: {size / 1e6:.0f} MB of text would be about {hours:,.0f} hours of speech; "
                f"files up to {MAX_INPUT_BYTES // 2**20} MB are read (split it into books)"
            )
        data = path.read_bytes()
    except PermissionError as e:
        raise UserError(f"{path}: permission denied") from e
    except OSError as e:
        raise UserError(f"{path}: cannot be read ({e.strerror})") from e
    text, encoding, fallback = decode_bytes(data, path)
    check_is_readable_text(text, path)
    return SourceText(path=path, text=text, encoding=encoding, fallback=fallback)


def decode_bytes(data: bytes, path: Path) -> tuple[str, str, bool]:
    """Decode UTF-8 (with or without BOM) or UTF-16 with BOM; fall back to cp1252/Latin-1."""
    for signature, what in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise UserError(f"{path}: this is {what}, not a text file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise UserError(f"{path}: starts like UTF-16 but cannot be decoded") from e
        log.warning("%s is not UTF-8; read it as UTF-16 (it starts with a byte-order mark)", path)
        return text, "utf-16", False
    if b"\x00" in data[:8192]:
        raise UserError(f"{path}: contains binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), "utf-8", False
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    log.warning("%s is not UTF-8; read it as %s", path, encoding)
    return text, encoding, True


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
