"""EPUB 3 with Media Overlays: the text, highlighted phrase by phrase while it is read.

Layout of the archive (file names without spaces, which EPUBCheck warns about):

    mimetype                     stored first and uncompressed, as OCF requires
    META-INF/container.xml
    EPUB/package.opf             metadata (accessibility included), manifest, spine
    EPUB/nav.xhtml               nested table of contents, page list, landmarks
    EPUB/book.css                the highlight class and speaker labels
    EPUB/text/c001.xhtml         one content document per chapter
    EPUB/smil/c001.smil          its media overlay: a par per phrase
    EPUB/audio/c001.mp3          its audio (CBR MP3, stored: it is compressed already)

Checked with EPUBCheck in the tests, which must report neither errors nor warnings.
"""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Sequence
from pathlib import Path

from audiobook.filenames import UNKNOWN_AUTHOR
from audiobook.model import BookInfo
from audiobook.tagging import cover_mime
from audiobook.talkingbook.audio import chapter_mp3s
from audiobook.talkingbook.layout import (
    Item,
    NavPoint,
    TalkingChapter,
    navigation_points,
    page_breaks,
)
from audiobook.talkingbook.markup import book_identifier, clock, escape, item_markup

ACTIVE_CLASS = "-epub-media-overlay-active"
CSS = f"""\
.{ACTIVE_CLASS} {{ background-color: #ffeb3b; color: #000000; }}
.speaker {{ font-weight: bold; }}
.caption, .direction {{ font-style: italic; }}
.note {{ font-size: 0.9em; margin-left: 2em; }}
hr.scene-break {{ margin: 1.5em auto; width: 30%; }}
"""
XHTML_HEAD = """\
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
xml:lang="{lang}" lang="{lang}">
<head>
<meta charset="UTF-8"/>
<title>{title}</title>
<link rel="stylesheet" type="text/css" href="{css}"/>
</head>
"""
CONTAINER = """\
<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"""


def page_marker(item: Item) -> str | None:
    """An empty page-break element where a printed page begins, named for screen readers."""
    if item.page_id is None or item.segment.page is None:
        return None
    page = escape(item.segment.page)
    return (
        f'<span epub:type="pagebreak" role="doc-pagebreak" id="{item.page_id}" '
        f'title="{page}" aria-label="Page {page}"></span>'
    )


def content_document(book: BookInfo, chapter: TalkingChapter) -> str:
    """A chapter's XHTML: every segment an element with an id, headings as h1-h6."""
    head = XHTML_HEAD.format(
        lang=escape(book.language), title=escape(chapter.title), css="../book.css"
    )
    body = "\n".join(
        item_markup(item, page_marker(item), speaker_attribute=True) for item in chapter.items
    )
    return (
        f"{head}<body>\n"
        f'<section id="{chapter.name}" epub:type="chapter" role="doc-chapter" '
        f'aria-label="{escape(chapter.title)}">\n'
        f"{body}\n</section>\n</body>\n</html>\n"
    )


def overlay_document(chapter: TalkingChapter) -> str:
    """A chapter's media overlay: a par per phrase, pairing its element with its clip."""
    text, audio = f"../text/{chapter.name}.xhtml", f"../audio/{chapter.name}.mp3"
    pars = "\n".join(
        f'<par id="{p.id}-par"><text src="{text}#{p.id}"/>'
        f'<audio src="{audio}" clipBegin="{clock(p.begin_ms)}" clipEnd="{clock(p.end_ms)}"/></par>'
        for p in chapter.phrases()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" '
        'version="3.0">\n<body>\n'
        f'<seq id="{chapter.name}-seq" epub:textref="{text}#{chapter.name}" epub:type="chapter">\n'
        f"{pars}\n</seq>\n</body>\n</smil>\n"
    )


def _nested_list(points: Sequence[tuple[int, str, str]]) -> str:
    """Nested `ol`s from (level, label, href) whose levels never jump by more than one."""
    lines: list[str] = []
    depth = 0
    for level, label, href in points:
        level = min(level, depth + 1)
        if level > depth:
            lines.append("<ol>")
        else:
            lines.append("</li>")
            lines += ["</ol>", "</li>"] * (depth - level)
        lines.append(f'<li><a href="{href}">{escape(label)}</a>')
        depth = level
    if depth:
        lines.append("</li>")
        lines += ["</ol>", "</li>"] * (depth - 1)
        lines.append("</ol>")
    return "\n".join(lines)


def _href(point: NavPoint) -> str:
    element = point.item.id if point.item is not None else point.target.id
    return f"text/{point.chapter.name}.xhtml#{element}"


def nav_document(book: BookInfo, chapters: Sequence[TalkingChapter]) -> str:
    """Table of contents nested like the book, the print page list, and landmarks."""
    toc = _nested_list([(p.level, p.label, _href(p)) for p in navigation_points(chapters)])
    parts = [
        XHTML_HEAD.format(lang=escape(book.language), title=escape(book.title), css="book.css"),
        "<body>",
        '<nav epub:type="toc" id="toc" role="doc-toc">',
        "<h1>Contents</h1>",
        toc,
        "</nav>",
    ]
    pages = page_breaks(chapters)
    if pages:
        parts += ['<nav epub:type="page-list" id="page-list" role="doc-pagelist" hidden="">']
        parts += ["<h2>Pages</h2>", "<ol>"]
        parts += [
            f'<li><a href="text/{p.chapter.name}.xhtml#{p.id}">{escape(p.label)}</a></li>'
            for p in pages
        ]
        parts += ["</ol>", "</nav>"]
    parts += [
        '<nav epub:type="landmarks" id="landmarks" hidden="">',
        "<h2>Landmarks</h2>",
        "<ol>",
        '<li><a epub:type="toc" href="nav.xhtml#toc">Contents</a></li>',
        f'<li><a epub:type="bodymatter" href="text/{chapters[0].name}.xhtml">Start</a></li>',
        "</ol>",
        "</nav>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def accessibility_summary(chapters: Sequence[TalkingChapter]) -> str:
    """What a reader who cannot see the page can expect, in one paragraph."""
    summary = (
        "The full text with a complete reading of it in synthetic speech, synchronised "
        "phrase by phrase (EPUB Media Overlays), so the text being read can be followed on a "
        "braille display or in large print. A nested table of contents and headings for every "
        "part, book, chapter and section allow navigation by structure; speakers are named "
        "where their turns begin."
    )
    pages = len(page_breaks(chapters))
    if pages:
        summary += f" {pages} print page breaks of the source edition are marked and listed."
    return summary


def _property(name: str, value: str, refines: str | None = None) -> str:
    target = f' refines="{refines}"' if refines else ""
    return f'<meta property="{name}"{target}>{escape(value)}</meta>'


def accessibility_metadata(chapters: Sequence[TalkingChapter]) -> list[str]:
    """What EPUB Accessibility 1.1 asks a publication to say about itself: how it can be
    perceived (text, audio, either alone suffices), what helps (synchronised audio, contents,
    print pages where the source had them), hazards and a summary. No WCAG conformance is
    claimed: nothing here evaluates it (the Ace checker is not available offline)."""
    features = ["synchronizedAudioText", "tableOfContents", "readingOrder", "structuralNavigation"]
    if page_breaks(chapters):
        features += ["printPageNumbers", "pageBreakMarkers", "pageNavigation"]
    return [
        *(_property("schema:accessMode", mode) for mode in ("textual", "auditory")),
        *(_property("schema:accessModeSufficient", mode) for mode in ("textual", "auditory")),
        *(_property("schema:accessibilityFeature", feature) for feature in features),
        _property("schema:accessibilityHazard", "none"),
        _property("schema:accessibilitySummary", accessibility_summary(chapters)),
    ]


def overlay_metadata(chapters: Sequence[TalkingChapter]) -> list[str]:
    """The highlight class, the narrator, and the duration of each overlay and of all."""
    durations = [sum(p.end_ms - p.begin_ms for p in chapter.phrases()) for chapter in chapters]
    return [
        _property("media:active-class", ACTIVE_CLASS),
        _property("media:narrator", "Synthetic speech"),
        *(
            _property("media:duration", clock(ms), refines=f"#mo-{chapter.name}")
            for chapter, ms in zip(chapters, durations, strict=True)
        ),
        _property("media:duration", clock(sum(durations))),
    ]


def _manifest(chapters: Sequence[TalkingChapter], cover: str | None) -> list[str]:
    items = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="book.css" media-type="text/css"/>',
    ]
    if cover is not None:
        mime = "image/png" if cover.endswith(".png") else "image/jpeg"
        items.append(
            f'<item id="cover-image" href="{cover}" media-type="{mime}" properties="cover-image"/>'
        )
    for chapter in chapters:
        name = chapter.name
        items += [
            f'<item id="{name}" href="text/{name}.xhtml" media-type="application/xhtml+xml" '
            f'media-overlay="mo-{name}"/>',
            f'<item id="mo-{name}" href="smil/{name}.smil" media-type="application/smil+xml"/>',
            f'<item id="audio-{name}" href="audio/{name}.mp3" media-type="audio/mpeg"/>',
        ]
    return items


def package_document(
    book: BookInfo,
    chapters: Sequence[TalkingChapter],
    *,
    identifier: str,
    modified: str,
    cover: str | None = None,
) -> str:
    """The OPF: title, author, language, accessibility metadata, overlays and their durations."""
    meta = [
        f'<dc:identifier id="pub-id">{escape(identifier)}</dc:identifier>',
        f"<dc:title>{escape(book.title)}</dc:title>",
        f'<dc:creator id="creator">{escape(book.author or UNKNOWN_AUTHOR)}</dc:creator>',
        f"<dc:language>{escape(book.language)}</dc:language>",
    ]
    if book.year and book.year.isdigit() and len(book.year) == 4:
        meta.append(f"<dc:date>{book.year}</dc:date>")
    meta.append(_property("dcterms:modified", modified))
    meta += accessibility_metadata(chapters) + overlay_metadata(chapters)
    # The contents page is in the spine (landmarks link to it) but out of the reading order.
    spine = ['<itemref idref="nav" linear="no"/>']
    spine += [f'<itemref idref="{chapter.name}"/>' for chapter in chapters]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        f'unique-identifier="pub-id" xml:lang="{escape(book.language)}">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        + "\n".join(meta)
        + "\n</metadata>\n<manifest>\n"
        + "\n".join(_manifest(chapters, cover))
        + "\n</manifest>\n<spine>\n"
        + "\n".join(spine)
        + "\n</spine>\n</package>\n"
    )


def write_epub(
    book: BookInfo,
    chapters: Sequence[TalkingChapter],
    dest: Path,
    *,
    cover: Path | None = None,
    modified: datetime.datetime | None = None,
) -> None:
    """The whole EPUB at `dest`: documents written from the layout, audio encoded here."""
    when = (modified or datetime.datetime.now(datetime.UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    cover_name = None
    if cover is not None:
        cover_name = "cover.png" if cover_mime(cover) == "image/png" else "cover.jpg"
    identifier = book_identifier(book, [c.index for c in chapters])
    texts = {
        "META-INF/container.xml": CONTAINER,
        "EPUB/package.opf": package_document(
            book, chapters, identifier=identifier, modified=when, cover=cover_name
        ),
        "EPUB/nav.xhtml": nav_document(book, chapters),
        "EPUB/book.css": CSS,
    }
    for chapter in chapters:
        texts[f"EPUB/text/{chapter.name}.xhtml"] = content_document(book, chapter)
        texts[f"EPUB/smil/{chapter.name}.smil"] = overlay_document(chapter)
    mp3s = chapter_mp3s(book, chapters)
    with zipfile.ZipFile(dest, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        for name, text in texts.items():
            archive.writestr(name, text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
        if cover is not None and cover_name is not None:
            archive.write(cover, f"EPUB/{cover_name}", compress_type=zipfile.ZIP_STORED)
        for chapter, mp3 in zip(chapters, mp3s, strict=True):
            archive.write(mp3, f"EPUB/audio/{chapter.name}.mp3")  # stored: compressed already
