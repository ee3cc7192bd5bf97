"""Small pieces both talking-book formats write: escaped text, clock values, identifiers."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Sequence

from audiobook.model import BookInfo, SegmentKind
from audiobook.talkingbook.layout import Item

# Characters XML 1.0 forbids outright; a text may hold them (OCR, pasted control codes).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
GENERATOR = "audiobook"
# What each kind of segment is shown as, besides headings: a class a style sheet can use.
KIND_CLASS = {
    SegmentKind.CAPTION: "caption",
    SegmentKind.DIRECTION: "direction",
    SegmentKind.NOTE: "note",
    SegmentKind.SPEECH: "speech",
}


def escape(text: str) -> str:
    """Text or attribute value safe inside XML: markup escaped, forbidden characters dropped."""
    return html.escape(_NOT_XML.sub("", text), quote=True)


def clock(ms: int) -> str:
    """A SMIL 3 full clock value, `h:mm:ss.fff` (EPUB overlays and media:duration)."""
    seconds, ms = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{ms:03d}"


def hms(ms: int) -> str:
    """`hh:mm:ss` to the nearest second, the form DAISY 2.02 recommends for its times."""
    seconds = (ms + 500) // 1000
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def npt(ms: int) -> str:
    """A SMIL 1.0 clip time as DAISY 2.02 writes it: `npt=12.345s`."""
    return f"npt={ms // 1000}.{ms % 1000:03d}s"


def book_identifier(book: BookInfo, chapters: Sequence[int]) -> str:
    """A UUID that stays the same across rebuilds of the same book (or the same chapters of
    it), so a reading system keeps its bookmarks when a corrected edition replaces the old."""
    seed = "\n".join([GENERATOR, book.title, book.author or "", ",".join(map(str, chapters))])
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"


def item_markup(item: Item, page_marker: str | None, *, speaker_attribute: bool) -> str:
    """One segment as XHTML, for both formats' content documents.

    The format's page marker and a scene break come first; then a heading (h1-h6) or a
    paragraph classed by its kind. Its text is bare when it is one phrase (the element itself
    is what the SMIL points at), else one span per phrase. A new turn opens with its
    speaker's name, and with `speaker_attribute` (HTML5 only) every turn carries it too.
    """
    lines = [page_marker] if page_marker else []
    if item.segment.scene_break_before:
        lines.append('<hr class="scene-break"/>')
    if len(item.phrases) > 1:
        body = " ".join(f'<span id="{p.id}">{escape(p.text)}</span>' for p in item.phrases)
    else:
        body = escape(item.text)
    if item.segment.kind == SegmentKind.HEADING and item.level is not None:
        tag = f"h{min(item.level, 6)}"
        return "\n".join([*lines, f'<{tag} id="{item.id}">{body}</{tag}>'])
    attributes = f'id="{item.id}"'
    kind = KIND_CLASS.get(item.segment.kind)
    if kind:
        attributes += f' class="{kind}"'
    if item.segment.kind == SegmentKind.SPEECH:
        if speaker_attribute:
            attributes += f' data-speaker="{escape(item.segment.speaker)}"'
        if item.new_turn:
            body = f'<span class="speaker">{escape(item.segment.speaker)}:</span> {body}'
    return "\n".join([*lines, f"<p {attributes}>{body}</p>"])
