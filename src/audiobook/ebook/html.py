"""A single HTML file (a saved web page, a Gutenberg HTML book) into an `Ebook`.

It is read as one EPUB content document with no table of contents: the same walk
(audiobook.ebook.xhtml), so notes, page numbers, poems and plays come out as from an EPUB,
and the same assembly, so `h1`-`h6` give the sections. Navigation, scripts and styles are
never read; neither are a Gutenberg file's header and licence.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import replace
from pathlib import Path

from lxml import etree

from audiobook.ebook.epub import SpineDocument, Warnings, assemble
from audiobook.ebook.model import Ebook, EbookMetadata
from audiobook.ebook.xhtml import local_name, normalise_space, parse_document
from audiobook.errors import UserError
from audiobook.reading import MAX_INPUT_BYTES, check_input_file

# <meta name=…> that name the title, the author and the language (Dublin Core as Gutenberg
# and many publishers write it, and the common HTML names).
TITLE_METAS = ("dc.title", "dcterms.title", "og:title", "citation_title")
AUTHOR_METAS = ("dc.creator", "dcterms.creator", "author", "citation_author", "book:author")
LANGUAGE_METAS = ("dc.language", "dcterms.language", "content-language")
DATE_METAS = ("dc.created", "dcterms.created", "dc.date", "dcterms.date", "citation_date")
MAIN_SHARE = 0.5  # of the page's words in its <main>, for the rest to be the site around it
# "The Project Gutenberg eBook of Alice's Adventures in Wonderland, by Lewis Carroll"
# "Pride and Prejudice by Jane Austen, a Project Gutenberg eBook" (their newer form)
GUTENBERG_TITLE_RE = re.compile(
    r"^(?:the\s+)?project\s+gutenberg\s+e-?book\s+of\s+(.+?)(?:,\s+by\s+(.+))?$"
    r"|^(.+?)(?:,?\s+by\s+(.+?))?,\s+an?\s+project\s+gutenberg\s+e-?book\.?$",
    re.IGNORECASE,
)


def read_html(path: Path, max_bytes: int = MAX_INPUT_BYTES) -> Ebook:
    """Read one HTML or XHTML file, or raise a UserError naming it."""
    check_input_file(path, max_bytes, what="an HTML file")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UserError(f"{path}: cannot be read ({e.strerror or e})") from e
    if not data.strip():
        raise UserError(f"{path}: the file is empty")
    if is_binary(data):
        raise UserError(f"{path}: not an HTML document (it holds binary data)")
    document = parse_document(data, path.name)
    if local_name(document.root) != "html" and not any(
        local_name(e) == "body" for e in document.root.iter()
    ):
        raise UserError(f"{path}: not an HTML document")
    warnings = Warnings()
    if document.encoding_guessed:
        warnings.add("encoding", path.name)
    metadata = html_metadata(document.root)
    document = replace(document, root=main_content(document.root))
    ebook = assemble(metadata, path.name, [SpineDocument(document, True)], None, warnings)
    if not ebook.sections:
        raise UserError(f"{path}: no text to read in this HTML file")
    return ebook


def is_binary(data: bytes) -> bool:
    """NUL bytes or many control characters at the start: a picture, a program, an archive
    given an .html name (UTF-16, which is full of NULs, starts with its byte-order mark)."""
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    controls = sum(1 for byte in head if byte < 32 and byte not in b"\t\n\r\f")
    return b"\x00" in head or controls > len(head) / 100


def main_content(root: etree._Element) -> etree._Element:
    """A web page's `<main>` (or role="main"), else its one `<article>`, when it holds most
    of the page's text: the site around it is not the book. A book's file without one is
    read whole."""
    body = next((e for e in root.iter() if local_name(e) == "body"), None)
    if body is None:
        return root
    mains = [
        e for e in body.iter() if local_name(e) == "main" or "main" in (e.get("role") or "").split()
    ]
    if len(mains) != 1:  # no main: the one article, if the page has one
        mains = [e for e in body.iter() if local_name(e) == "article"]
    if len(mains) != 1:
        return root
    inside = len(" ".join(mains[0].itertext()).split())
    return mains[0] if inside >= MAIN_SHARE * len(" ".join(body.itertext()).split()) else root


def html_metadata(root: etree._Element) -> EbookMetadata:
    """Title, author, language and date from the head (and `<html lang>`)."""
    metas: dict[str, str] = {}
    title_element = None
    for element in root.iter():
        name = local_name(element)
        if name == "meta":
            key = (element.get("name") or element.get("property") or "").strip().lower()
            key = key or (element.get("http-equiv") or "").strip().lower()
            content = normalise_space(element.get("content") or "")
            if key and content:
                metas.setdefault(key, content)
        elif name == "title" and title_element is None:
            title_element = element
        elif name == "body":
            break
    head_title = (
        normalise_space("".join(title_element.itertext())) if title_element is not None else ""
    )
    title = _first(metas, TITLE_METAS) or head_title or None
    author = _first(metas, AUTHOR_METAS)
    if title and (m := GUTENBERG_TITLE_RE.match(title)):
        named_title, named_author = m.group(1) or m.group(3), m.group(2) or m.group(4)
        title, author = named_title.strip(), author or (named_author or "").strip() or None
    language = (
        root.get("lang")
        or root.get("{http://www.w3.org/XML/1998/namespace}lang")
        or _first(metas, LANGUAGE_METAS)
    )
    return EbookMetadata(
        title=title,
        authors=(author,) if author else (),
        language=language.strip() if language else None,
        date=_first(metas, DATE_METAS),
    )


def _first(metas: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((metas[key] for key in keys if key in metas), None)
