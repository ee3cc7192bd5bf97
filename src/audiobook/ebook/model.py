"""Plain data an e-book reader produces: what the book says, in reading order, and what
was left out of the reading and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BlockKind(StrEnum):
    """What a block of an e-book is, as its markup says."""

    HEADING = "heading"  # h1-h6 (or an hgroup): `level` is its rank
    PARAGRAPH = "paragraph"  # prose, a letter's line, a speech in a play
    QUOTE = "quote"  # a paragraph of a block quotation
    VERSE_LINE = "verse_line"  # one line of a poem or song
    NOTE = "note"  # a footnote or endnote, placed after the paragraph that cites it
    CAPTION = "caption"  # a figure's caption
    TABLE_ROW = "table_row"  # one row of a table, its cells in order
    LIST_ITEM = "list_item"  # one item of a list
    ASIDE = "aside"  # a paragraph of a sidebar (an aside that is not a note)
    PAGE_BREAK = "page_break"  # where a print page begins: `page` is its label
    SCENE_BREAK = "scene_break"  # a thematic break (<hr/>) between scenes


@dataclass(frozen=True)
class Cover:
    """The cover image, as stored in the EPUB."""

    data: bytes
    media_type: str  # "image/jpeg", "image/png", "image/svg+xml" …
    path: str  # its name inside the archive


@dataclass(frozen=True)
class EbookMetadata:
    """What the package document says about the book."""

    title: str | None = None
    authors: tuple[str, ...] = ()  # creators with the role "aut", or every creator if none has
    language: str | None = None  # as written (BCP 47: "en", "en-GB")
    publisher: str | None = None
    date: str | None = None  # as written: "1892", "2014-05-25T00:00:00Z"
    identifier: str | None = None  # the package's unique identifier (ISBN, URN, URL)
    cover: Cover | None = None


@dataclass(frozen=True)
class EbookBlock:
    """One paragraph-sized piece of the book, as plain text."""

    kind: BlockKind
    text: str  # plain text, whitespace collapsed; inline markup and note markers gone
    level: int = 0  # a heading's rank (1 for h1 …); 0 for anything else
    page: str | None = None  # a page break's print-page label ("12", "xiv")
    note_id: str | None = None  # a note's own id, "file#id"
    note_refs: tuple[str, ...] = ()  # ids of the notes this block cites, in order
    speaker: str | None = None  # a play's speaker, when the markup names one (z3998:persona)


@dataclass(frozen=True)
class EbookSection:
    """One entry of the book's table of contents, with the blocks it covers."""

    title: str
    level: int  # depth in the table of contents: 1 for a top-level entry
    blocks: tuple[EbookBlock, ...]
    source: str  # archive path of the content document where the section begins
    fragment: str | None = None  # the id it begins at, when not the top of that document


@dataclass(frozen=True)
class SkippedPart:
    """Something in the book that is deliberately not read, for `inspect --removed`."""

    source: str  # archive path, with "#id" when only part of a document
    reason: str  # the semantic that excludes it ("copyright-page", "doc-toc", "linear-no" …)
    text: str  # its first words, so a person can see what it was
    words: int  # how many words were left out


@dataclass(frozen=True)
class Ebook:
    """An e-book as read: metadata, sections in reading order, and what was left out."""

    metadata: EbookMetadata
    sections: tuple[EbookSection, ...]
    skipped: tuple[SkippedPart, ...] = ()
    warnings: tuple[str, ...] = ()  # one line per kind of problem met while reading

    def blocks(self) -> list[EbookBlock]:
        """Every block of every section, in reading order."""
        return [block for section in self.sections for block in section.blocks]
