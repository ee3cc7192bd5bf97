"""Rules for markup: Markdown headings and escapes, HTML entities, captions, bylines.

Markup is never spoken. What is only markup is turned into plain text here (entities,
escapes); emphasis stays on the text until the speakers are known (`**Wells**` is a label)
and is stripped when segments are made (`textforms.strip_inline_markup`).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from audiobook.model import BlockStyle, Removal
from audiobook.rules import (
    CAPTION,
    GONE,
    HEADING,
    TEXT,
    TITLE,
    Draft,
    Piece,
    Rule,
    drop_range,
    with_facts,
    with_pieces,
)
from audiobook.textforms import (
    CAPTION_RE,
    CHAPTER_LABEL_RE,
    CONTENTS_RE,
    MARKDOWN_HEADING_RE,
    titlecase_name,
)

RULE_BYLINE = "byline"

ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# A backslash before Markdown punctuation makes it literal: "\[laughs\]" is "[laughs]".
MARKDOWN_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


def _entities(draft: Draft) -> Draft:
    """&amp; &mdash; &#8212; as the characters they stand for."""
    pieces = [
        replace(p, text=html.unescape(p.text)) if "&" in p.text and ENTITY_RE.search(p.text) else p
        for p in draft.pieces
    ]
    return with_pieces(draft, pieces)


HTML_ENTITY = Rule("html-entity", _entities, "&amp; &mdash; as characters")


def _markdown_escapes(draft: Draft) -> Draft:
    pieces = [
        replace(p, text=MARKDOWN_ESCAPE_RE.sub(r"\1", p.text)) if "\\" in p.text else p
        for p in draft.pieces
    ]
    return with_pieces(draft, pieces)


MARKDOWN_ESCAPE = Rule("markdown-escape", _markdown_escapes, r"\[ \* \_ as [ * _")


LINK_RE = re.compile(r"!?\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*\)")
LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")


def _markdown_links(draft: Draft) -> Draft:
    """ "[the text](https://…)" says its text; an image "![alt](…)" its alternative text.
    The address is recorded as removed."""
    pieces, removed = [], []
    for piece in draft.pieces:
        if "](" in piece.text and piece.kind != GONE:
            for m in LINK_RE.finditer(piece.text):
                target = m.group(0)[m.group(0).index("](") + 1 :]
                removed.append(Removal("markdown-link", piece.line, target))
            piece = replace(piece, text=LINK_RE.sub(r"\1", piece.text))
        pieces.append(piece)
    return with_pieces(draft, pieces, removed)


MARKDOWN_LINKS = Rule("markdown-link", _markdown_links, "[text](url) says its text")


def _markdown_contents(draft: Draft) -> Draft:
    """A "## Contents" heading and the list of links under it: navigation, not the text."""
    pieces = list(draft.pieces)
    for i, piece in enumerate(pieces):
        if piece.kind in (HEADING, TITLE) and CONTENTS_RE.match(piece.text):
            end = i + 1
            while (
                end < len(pieces)
                and pieces[end].kind == TEXT
                and LIST_ITEM_RE.match(pieces[end].text)
            ):
                end += 1
            if end > i + 1:
                out, removed = drop_range("table-of-contents", tuple(pieces), i, end)
                return with_pieces(draft, out, removed)
    return draft


MARKDOWN_CONTENTS = Rule("table-of-contents", _markdown_contents, "a Contents list of links")


# A first heading that is a list's, not the book's: "# CONTENTS", "# CHARACTERS"
NOT_A_TITLE_RE = re.compile(
    r"^(?:(?:table\s+of\s+)?contents|characters|dramatis\s+person\w*|persons\b.*)\.?$",
    re.IGNORECASE,
)


def _markdown_headings(draft: Draft) -> Draft:
    pieces: list[Piece] = []
    for piece in draft.pieces:
        m = MARKDOWN_HEADING_RE.match(piece.text) if piece.kind == TEXT else None
        if m:
            kind = TITLE if len(m.group(1)) == 1 else HEADING
            piece = replace(piece, text=m.group(2), kind=kind, level=len(m.group(1)))
        pieces.append(piece)
    title = next(
        (
            p.text
            for p in pieces
            if p.kind == TITLE
            and not NOT_A_TITLE_RE.match(p.text)
            and not CHAPTER_LABEL_RE.match(p.text)
        ),
        None,
    )
    return with_facts(with_pieces(draft, pieces), title=title)


MARKDOWN_HEADINGS = Rule("markdown-headings", _markdown_headings, "# title, ## sections")


def is_caption(piece: Piece) -> bool:
    return len(piece.text) < 300 and bool(CAPTION_RE.search(piece.text))


def _captions(draft: Draft) -> Draft:
    pieces = [
        replace(p, kind=CAPTION) if p.kind == TEXT and is_caption(p) else p for p in draft.pieces
    ]
    return with_pieces(draft, pieces)


CAPTIONS = Rule("caption", _captions, "a line ending in Photo: … or Image: … is a caption")

NAME_WORD = r"[A-Z][A-Za-z'’.-]*"
# "BY H G WELLS PUBLISHED 18 APRIL, 2014 - 09:00" or "By Jane Doe, 3 May 2011": a web page's
# byline, glued to the end of the standfirst when the page was copied.
BYLINE_RE = re.compile(
    rf"(?:^|(?<=[.!?”\"]\s))[Bb][Yy]\s+({NAME_WORD}(?:\s+{NAME_WORD}){{0,4}}?)"
    r"(?:,?\s+(?:PUBLISHED|Published|published|UPDATED|Updated|updated)?\s*"
    r"(\d{1,2}\s+[A-Za-z]+,?\s+(\d{4})|[A-Za-z]+\s+\d{1,2},?\s+(\d{4}))"
    r"(?:\s*[-–—,]?\s*\d{1,2}:\d{2}(?:\s*[AaPp][Mm])?)?)\s*$"
)


STANDALONE_BYLINE_RE = re.compile(rf"^[Bb][Yy]\s+({NAME_WORD}(?:\s+{NAME_WORD}){{0,4}})\.?$")


def _byline(draft: Draft) -> Draft:
    """A dated byline near the top is the author and year, not something to read."""
    blocks = list(draft.blocks or ())
    for i, block in enumerate(blocks[:6]):
        m = BYLINE_RE.search(block.text) if block.style == BlockStyle.PARAGRAPH else None
        if m and m.start() > 0:
            name = m.group(1)
            author = titlecase_name(name) if name.isupper() else name
            blocks[i] = replace(block, text=block.text[: m.start()].rstrip())
            removal = Removal(RULE_BYLINE, block.line, m.group(0).strip())
            drafted = replace(draft, blocks=tuple(blocks), removed=(*draft.removed, removal))
            return with_facts(drafted, author=author, year=m.group(3) or m.group(4))
        alone = (
            STANDALONE_BYLINE_RE.match(block.text) if block.style == BlockStyle.PARAGRAPH else None
        )
        if alone:  # "By Jane Doe" on its own: read as it stands, and the author
            name = alone.group(1).rstrip(".")
            return with_facts(draft, author=titlecase_name(name) if name.isupper() else name)
    return draft


BYLINE = Rule(RULE_BYLINE, _byline, "a dated byline ending the standfirst -> author, year")
