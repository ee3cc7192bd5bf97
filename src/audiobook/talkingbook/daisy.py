"""DAISY 2.02 full text and full audio: the talking-book format hardware players read.

A DAISY 2.02 book is a folder (players such as the Victor Reader Stream read it from a
card), laid out as the specification's "audioFullText" type:

    ncc.html       navigation control centre: h1.title first, then every heading (h1-h6,
                   never jumping a level) and print page (span.page-normal) in reading
                   order, each linking to the SMIL par where reading starts
    content.html   the text content document, every phrase an element with an id
    c001.smil      SMIL 1.0 per chapter: a par per phrase, text and audio clip
    c001.mp3       the chapter's audio, constant bitrate (FSReader and others need CBR)

Times follow the specification's recommendation, hh:mm:ss; clip times are `npt=…s` with
milliseconds. No validator is packaged for DAISY 2.02, so the tests check its rules as code.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audiobook import __version__
from audiobook.errors import AudiobookError
from audiobook.filenames import UNKNOWN_AUTHOR
from audiobook.model import BookInfo
from audiobook.talkingbook.audio import chapter_mp3s, place
from audiobook.talkingbook.layout import (
    Item,
    NavPoint,
    Phrase,
    TalkingChapter,
    navigation_points,
    page_breaks,
    page_kind,
)
from audiobook.talkingbook.markup import (
    GENERATOR,
    book_identifier,
    escape,
    hms,
    item_markup,
    npt,
)

NCC_NAME = "ncc.html"
CONTENT_NAME = "content.html"
FORMAT = "Daisy 2.02"
MULTIMEDIA_TYPE = "audioFullText"
XHTML_PROLOGUE = """\
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{lang}" lang="{lang}">
<head>
<meta http-equiv="Content-type" content="text/html; charset=utf-8"/>
<title>{title}</title>
"""
SMIL_PROLOGUE = """\
<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">
"""


def file_names(chapter_names: Sequence[str]) -> list[str]:
    """Every file of the book, in the order `write_daisy` takes its destinations."""
    return [
        NCC_NAME,
        CONTENT_NAME,
        *(f"{name}.smil" for name in chapter_names),
        *(f"{name}.mp3" for name in chapter_names),
    ]


@dataclass(frozen=True)
class DaisyInfo:
    """What the ncc and the SMIL files say about the book as a whole."""

    book: BookInfo
    identifier: str
    date: str  # yyyy-mm-dd, the day this DTB was made
    files: int  # every file of the DTB, ncc included


def _par_id(phrase: Phrase) -> str:
    return f"{phrase.id}-par"


def _link(chapter: TalkingChapter, phrase: Phrase) -> str:
    return f"{chapter.name}.smil#{_par_id(phrase)}"


def smil_document(info: DaisyInfo, chapter: TalkingChapter, elapsed_ms: int) -> str:
    """A chapter's SMIL 1.0: one par per phrase, its text in content.html and its clip."""
    duration = sum(p.end_ms - p.begin_ms for p in chapter.phrases())
    pars = "\n".join(
        f'<par endsync="last" id="{_par_id(p)}">'
        f'<text src="{CONTENT_NAME}#{p.id}" id="{p.id}-text"/>'
        f'<audio src="{chapter.name}.mp3" clip-begin="{npt(p.begin_ms)}" '
        f'clip-end="{npt(p.end_ms)}" id="{p.id}-audio"/></par>'
        for p in chapter.phrases()
    )
    meta = {
        "dc:format": FORMAT,
        "dc:title": info.book.title,
        "dc:identifier": info.identifier,
        "ncc:generator": f"{GENERATOR} {__version__}",
        "ncc:totalElapsedTime": hms(elapsed_ms),
        "ncc:timeInThisSmil": hms(duration),
        "title": chapter.title,
    }
    head = "\n".join(f'<meta name="{k}" content="{escape(v)}"/>' for k, v in meta.items())
    return (
        f"{SMIL_PROLOGUE}<smil>\n<head>\n{head}\n"
        '<layout>\n<region id="txtView"/>\n</layout>\n</head>\n<body>\n'
        f'<seq dur="{duration // 1000}.{duration % 1000:03d}s">\n{pars}\n</seq>\n</body>\n</smil>\n'
    )


def _page_span(label: str, element_id: str, inner: str) -> str:
    """A print page number: page-normal (arabic), page-front (roman) or page-special."""
    return f'<span class="page-{page_kind(label)}" id="{element_id}">{inner}</span>'


def _page_marker(item: Item) -> str | None:
    if item.page_id is None or item.segment.page is None:
        return None
    return _page_span(item.segment.page, item.page_id, escape(item.segment.page))


def content_document(info: DaisyInfo, chapters: Sequence[TalkingChapter]) -> str:
    """The whole text: headings with the ncc's levels, every phrase with its id."""
    meta = {
        "dc:title": info.book.title,
        "dc:identifier": info.identifier,
        "dc:format": FORMAT,
        "ncc:generator": f"{GENERATOR} {__version__}",
    }
    head = XHTML_PROLOGUE.format(lang=escape(info.book.language), title=escape(info.book.title))
    head += "".join(f'<meta name="{k}" content="{escape(v)}"/>\n' for k, v in meta.items())
    body = "\n".join(
        item_markup(item, _page_marker(item), speaker_attribute=False)
        for chapter in chapters
        for item in chapter.items
    )
    return f"{head}</head>\n<body>\n{body}\n</body>\n</html>\n"


def _same_words(a: str, b: str) -> bool:
    def words(text: str) -> list[str]:
        return "".join(c.lower() if c.isalnum() else " " for c in text).split()

    return words(a) == words(b)


def _title_is_opening_heading(info: DaisyInfo, chapters: Sequence[TalkingChapter]) -> bool:
    """Whether the text opens with the book's title as a heading (an article does)."""
    opening = navigation_points(chapters)[0]
    return (
        opening.item is not None
        and opening.target == next(chapters[0].phrases())
        and _same_words(opening.label, info.book.title)
    )


def _ncc_body(info: DaisyInfo, chapters: Sequence[TalkingChapter]) -> list[str]:
    """h1.title, then every heading and page number in reading order, each a link to the
    SMIL par where reading starts. The title is read where the text begins; when the text
    opens with it as a heading, that heading is the title rather than a second entry."""
    points = navigation_points(chapters)
    by_item = {point.item.id: point for point in points if point.item is not None}
    headless = {point.chapter.index: point for point in points if point.item is None}
    pages = {page.id: page for page in page_breaks(chapters)}
    skip = points[0] if _title_is_opening_heading(info, chapters) else None
    first = next(chapters[0].phrases())
    body = [
        f'<h1 class="title" id="nav-title"><a href="{_link(chapters[0], first)}">'
        f"{escape(info.book.title)}</a></h1>"
    ]

    def heading(point: NavPoint) -> str:
        level = min(point.level, 6)
        return (
            f'<h{level} id="nav-{len(body)}"><a href="{_link(point.chapter, point.target)}">'
            f"{escape(point.label)}</a></h{level}>"
        )

    for chapter in chapters:
        if chapter.index in headless:
            body.append(heading(headless[chapter.index]))
        for item in chapter.items:
            page = pages.get(item.page_id or "")
            if page is not None:
                link = f'<a href="{_link(chapter, page.target)}">{escape(page.label)}</a>'
                body.append(_page_span(page.label, f"nav-{page.id}", link))
            point = by_item.get(item.id)
            if point is not None and point is not skip:
                body.append(heading(point))
    return body


def _ncc_meta(
    info: DaisyInfo, chapters: Sequence[TalkingChapter], body: Sequence[str]
) -> list[tuple[str, str]]:
    """The ncc's metadata: every element the specification requires, with counts that
    match the body (tocItems, pages, depth) and the total time of the SMIL files."""
    pages = page_breaks(chapters)
    normal = [int(p.label) for p in pages if p.kind == "normal"]
    levels = [int(m.group(1)) for line in body if (m := re.match(r"<h(\d)", line))]
    total_ms = sum(p.end_ms - p.begin_ms for chapter in chapters for p in chapter.phrases())
    return [
        ("dc:title", info.book.title),
        ("dc:creator", info.book.author or UNKNOWN_AUTHOR),
        ("dc:date", info.date),
        ("dc:format", FORMAT),
        ("dc:identifier", info.identifier),
        ("dc:language", info.book.language),
        ("dc:publisher", GENERATOR),
        ("ncc:charset", "utf-8"),
        ("ncc:depth", str(max(levels))),
        ("ncc:files", str(info.files)),
        ("ncc:footnotes", "0"),
        ("ncc:generator", f"{GENERATOR} {__version__}"),
        ("ncc:maxPageNormal", str(max(normal, default=0))),
        ("ncc:multimediaType", MULTIMEDIA_TYPE),
        ("ncc:narrator", "synthetic speech"),
        ("ncc:pageFront", str(sum(p.kind == "front" for p in pages))),
        ("ncc:pageNormal", str(len(normal))),
        ("ncc:pageSpecial", str(sum(p.kind == "special" for p in pages))),
        ("ncc:prodNotes", "0"),
        ("ncc:setInfo", "1 of 1"),
        ("ncc:sidebars", "0"),
        ("ncc:tocItems", str(len(body))),
        ("ncc:totalTime", hms(total_ms)),
    ]


def ncc_document(info: DaisyInfo, chapters: Sequence[TalkingChapter]) -> str:
    """The navigation control centre: metadata, then h1.title, headings and pages in order."""
    body = _ncc_body(info, chapters)
    head = XHTML_PROLOGUE.format(lang=escape(info.book.language), title=escape(info.book.title))
    head += "".join(
        f'<meta name="{name}" content="{escape(value)}"'
        + (' scheme="yyyy-mm-dd"' if name == "dc:date" else "")
        + "/>\n"
        for name, value in _ncc_meta(info, chapters, body)
    )
    return f"{head}</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"


def write_daisy(
    book: BookInfo,
    chapters: Sequence[TalkingChapter],
    dests: Sequence[Path],
    *,
    today: datetime.date | None = None,
) -> None:
    """Every file of the book at `dests`, in the order of `file_names`."""
    expected = len(file_names([c.name for c in chapters]))
    if len(dests) != expected:
        raise AudiobookError(f"a DAISY book of {len(chapters)} chapters has {expected} files")
    info = DaisyInfo(
        book,
        book_identifier(book, [c.index for c in chapters]),
        (today or datetime.date.today()).isoformat(),
        len(dests),
    )
    ncc, content, *rest = dests
    smils, mp3s = rest[: len(chapters)], rest[len(chapters) :]
    for source, dest in zip(chapter_mp3s(book, chapters), mp3s, strict=True):
        place(source, dest)
    elapsed = 0
    for chapter, smil in zip(chapters, smils, strict=True):
        smil.write_text(smil_document(info, chapter, elapsed), encoding="utf-8")
        elapsed += sum(p.end_ms - p.begin_ms for p in chapter.phrases())
    content.write_text(content_document(info, chapters), encoding="utf-8")
    ncc.write_text(ncc_document(info, chapters), encoding="utf-8")
