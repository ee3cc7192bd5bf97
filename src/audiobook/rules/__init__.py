"""Cleaning rules: small, named, pure steps that layouts list in order.

A rule takes the text as it stands (a `Draft`) and returns it changed in one respect: lines
reclassified (a page number, a heading, a stage direction), lines or words removed (each
removal recorded under the rule's name, for `audiobook inspect --removed`), paragraphs
assembled, or facts gathered (title, author, the persons of a play). Rules never read files.
A rule shared by several layouts is written once, here or in one of this package's modules,
and listed by each layout that needs it (`audiobook.layouts`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from audiobook.model import Block, Removal, SourceLine

# Piece kinds. A piece starts as TEXT; rules give it another kind, or remove it. A piece
# that opens a block gives it its kind as its style (model.BlockStyle, TEXT a paragraph).
TEXT = "text"
HEADING = "heading"  # a heading: chapter title, sub-section, front matter word
SECTION = "section"  # a heading that is never a chapter (a play's SCENE)
NUMERAL = "numeral"  # a chapter's number or label ("IV", "CHAPTER IV", "ACT II")
TITLE = "title"  # the title of an article (Markdown "# …")
CAPTION = "caption"  # a picture's caption, read apart from the paragraphs
DIRECTION = "direction"  # a stage direction, read by the narrator
NOTE = "note"  # a footnote's body
LIST = "list"  # a line of a list the narrator reads (the persons of a play)
SCENE = "scene"  # a scene break (* * *)
PAGE = "page"  # a page number or a printer's mark: the page it gives starts here
HEADER = "header"  # a running page header
GONE = "gone"  # removed without a trace in the text (boilerplate, lists)
ARTEFACTS = (PAGE, HEADER)  # page furniture: a paragraph runs on across them


@dataclass
class Piece:
    """A non-blank source line on its way to becoming (part of) a block."""

    line: int  # 1-based source line
    text: str  # stripped of surrounding space
    blank_before: bool  # a blank line (or the start of the text) stands before it
    blanks_before: int = 0  # how many blank lines stand before it
    raw: str = ""  # the line as printed, indentation and tabs included
    kind: str = TEXT
    level: int = 0  # Markdown heading depth; -1 on a numeral that is a labelled chapter line
    page: str | None = None
    repeats: int = 0  # for headings: how many running headers repeated it
    label: str = ""  # for numerals: the word that labelled it ("CHAPTER", "ACT"), if any


@dataclass(frozen=True)
class Facts:
    """What the text says about itself, gathered by rules."""

    title: str | None = None
    author: str | None = None
    year: str | None = None
    language: str | None = None  # ISO 639-1, when the text names its language
    persons: tuple[str, ...] = ()  # the persons of a play or dialogue, as listed
    toc: tuple[str, ...] = ()  # table-of-contents lines, a hint for chapters


@dataclass(frozen=True)
class Draft:
    """The text between rules: pieces until paragraphs are assembled, then blocks."""

    pieces: tuple[Piece, ...]
    blocks: tuple[Block, ...] | None = None  # set by the paragraphs rule
    removed: tuple[Removal, ...] = ()
    facts: Facts = field(default_factory=Facts)
    damaged: bool = False  # the text shows OCR or extraction damage (see layouts.py)
    wrapped: bool = False  # lines broken at a fixed width, paragraphs between blank lines


@dataclass(frozen=True)
class Rule:
    """A named step of a layout."""

    name: str
    apply: Callable[[Draft], Draft]
    doc: str = ""  # one line for the README and `inspect`


def pieces_of(lines: Iterable[SourceLine]) -> tuple[Piece, ...]:
    """Every non-blank line as a TEXT piece, knowing how many blank lines preceded it."""
    out: list[Piece] = []
    blanks = 2  # the start of the text counts as a wide gap, as before a heading
    for line in lines:
        text = line.text.strip()
        if not text:
            blanks += 1
            continue
        out.append(Piece(line.number, text, blanks > 0, blanks, line.text))
        blanks = 0
    return tuple(out)


def with_pieces(draft: Draft, pieces: Iterable[Piece], removed: Iterable[Removal] = ()) -> Draft:
    return replace(draft, pieces=tuple(pieces), removed=(*draft.removed, *removed))


def with_facts(draft: Draft, **facts: Any) -> Draft:
    """New facts, keeping what an earlier rule found first."""
    kept = {k: v for k, v in facts.items() if v and not getattr(draft.facts, k)}
    return replace(draft, facts=replace(draft.facts, **kept)) if kept else draft


def relabel(rule: str, change: Callable[[Piece], Piece | None], doc: str) -> Rule:
    """A rule that replaces each TEXT piece `change` has a new piece for, recording the line
    as removed from the spoken text (a page number, a printer's mark, a footnote line)."""

    def apply(draft: Draft) -> Draft:
        pieces, removed = [], []
        for piece in draft.pieces:
            new = change(piece) if piece.kind == TEXT else None
            if new is not None:
                removed.append(Removal(rule, piece.line, piece.text))
                piece = new
            pieces.append(piece)
        return with_pieces(draft, pieces, removed)

    return Rule(rule, apply, doc)


def drop_range(
    rule: str, pieces: tuple[Piece, ...], start: int, end: int
) -> tuple[list[Piece], list[Removal]]:
    """Pieces [start, end) removed under `rule`: kept as GONE so line numbers still add up."""
    out = list(pieces)
    removed = []
    for i in range(start, end):
        if out[i].kind != GONE:
            removed.append(Removal(rule, out[i].line, out[i].text))
            out[i] = replace(out[i], kind=GONE)
    return out, removed
