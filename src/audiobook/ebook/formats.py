"""The e-book formats read, by file name and by content: a registry of readers.

Each reader turns one file into an `Ebook` (audiobook.ebook.model); its module is imported
only when a file of its kind is read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from audiobook.ebook.model import Ebook
from audiobook.model import ReadOptions

Reader = Callable[[Path, int, ReadOptions], Ebook]  # (file, size limit, the user's options)


@dataclass(frozen=True)
class EbookFormat:
    """One format: its name, the file suffixes it comes with, and its reader."""

    name: str
    description: str  # for the README and --help
    suffixes: tuple[str, ...]
    read: Reader


def _epub(path: Path, max_bytes: int, reading: ReadOptions) -> Ebook:
    from audiobook.ebook.epub import read_epub

    return read_epub(path, max_bytes)


def _html(path: Path, max_bytes: int, reading: ReadOptions) -> Ebook:
    from audiobook.ebook.html import read_html

    return read_html(path, max_bytes)


def _docx(path: Path, max_bytes: int, reading: ReadOptions) -> Ebook:
    from audiobook.ebook.docx import read_docx  # type: ignore[import-not-found,unused-ignore]

    return read_docx(path, max_bytes)  # type: ignore[no-any-return,unused-ignore]


def _pdf(path: Path, max_bytes: int, reading: ReadOptions) -> Ebook:
    from audiobook.ebook.pdf import read_pdf  # type: ignore[import-not-found,unused-ignore]

    return read_pdf(path, max_bytes, ocr=reading.ocr)  # type: ignore[no-any-return,unused-ignore]


EBOOK_FORMATS: dict[str, EbookFormat] = {
    f.name: f
    for f in (
        EbookFormat("epub", "EPUB 2 and 3 e-books", (".epub",), _epub),
        EbookFormat("html", "a web page or an HTML book", (".html", ".htm", ".xhtml"), _html),
        EbookFormat("docx", "a Word document", (".docx",), _docx),
        EbookFormat("pdf", "a PDF with a text layer", (".pdf",), _pdf),
    )
}


def ebook_format(path: Path) -> EbookFormat | None:
    """The format of the file at `path` by its suffix, or for a ZIP or PDF without one, by
    its content; None for what is read as text (.txt, .md, a script)."""
    suffix = path.suffix.lower()
    for candidate in EBOOK_FORMATS.values():
        if suffix in candidate.suffixes:
            return candidate
    return _by_content(path)


def _by_content(path: Path) -> EbookFormat | None:
    try:
        with path.open("rb") as f:
            head = f.read(8)
    except OSError:
        return None  # the text reader says what is wrong with it
    if head.startswith(b"%PDF-"):
        return EBOOK_FORMATS["pdf"]
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "word/document.xml" in names:
        return EBOOK_FORMATS["docx"]
    if "META-INF/container.xml" in names or "mimetype" in names:
        return EBOOK_FORMATS["epub"]
    return None
