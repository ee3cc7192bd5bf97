"""Chapters: the book's real structure, found in the body of the text.

Parts, books, numbered chapters and sub-sections are recognised from the headings that
cleaning kept. Chapter numbers missing or garbled by OCR are inferred from the sequence.
Whether an unnumbered heading opens a chapter or a sub-section is decided, in order, by:
its own words (FOREWORD …), a table of contents that prints chapters and sub-sections in
different cases, whether running page headers repeated it (they repeat chapter titles), and
whether a chapter is open at all in the current part or book.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from audiobook.layouts import HEADING_LEVELS, get_layout
from audiobook.model import Block, BlockStyle, Chapter, ChapterText, CleanText, Division
from audiobook.saying import number_to_words
from audiobook.spoken import label_to_words, spoken_heading
from audiobook.textforms import (
    CHAPTER_LABEL_RE,
    ENGLISH_LABEL_WORDS,
    FRONT_MATTER_RE,
    STRUCTURE_RE,
    TitleKey,
    int_to_roman,
    key_ratio,
    normalise_title,
    parse_numeral_line,
    roman_to_int,
    strip_inline_markup,
    title_key,
)

TOC_MATCH_RATIO = 0.8


@dataclass
class _Draft:
    """A chapter being collected."""

    title: str
    line: int
    numeral: str | None  # as printed, if printed
    divisions: list[Division]  # the parts and books in force, outermost first
    blocks: list[Block] = field(default_factory=list)
    has_text: bool = False
    label: str = "Chapter"  # the word said with the number: "Chapter", "Act", "Letter"


def toc_case_hints(toc: Sequence[str]) -> list[tuple[TitleKey, bool]]:
    """(title words, printed in capitals) for each table-of-contents entry.

    Only useful when the table prints chapters and sub-sections in different cases.
    """
    entries: list[tuple[str, bool]] = []
    for raw in toc:
        text = re.sub(r"^[\s*•]*[^\s]{1,5}\t", "", raw)  # the numeral column
        text = re.sub(r"[\s\d)I,.]*$", "", text.replace("\t", " ")).strip()
        if len(re.sub(r"[^A-Za-z]", "", text)) < 3:
            continue
        letters_only = [ch for ch in text if ch.isalpha()]
        upper = sum(ch.isupper() for ch in letters_only) >= 0.8 * len(letters_only)
        entries.append((normalise_title(text), upper))
    joined = [
        (f"{a} {b}", case_a)
        for (a, case_a), (b, case_b) in itertools.pairwise(entries)
        if case_a == case_b
    ]
    cases = {upper for _, upper in entries}
    return [(title_key(t), upper) for t, upper in [*entries, *joined]] if len(cases) == 2 else []


def toc_says_chapter(title: str, hints: list[tuple[TitleKey, bool]]) -> bool | None:
    """True/False when the table of contents knows the heading, None when it does not."""
    wanted = title_key(title)
    best, best_ratio = None, 0.0
    for key, upper in hints:
        if key.words == wanted.words:
            return upper  # nothing matches better, and the first best match wins
        ratio = key_ratio(wanted, key, TOC_MATCH_RATIO)
        if ratio > best_ratio:
            best, best_ratio = upper, ratio
    return best if best_ratio >= TOC_MATCH_RATIO else None


def division_label(text: str) -> str:
    """ "Book I" / "воок II" / "Part one" -> "BOOK I", "PART ONE"."""
    m = STRUCTURE_RE.match(text)
    assert m is not None
    return f"{m.group(1).upper()} {m.group(2).strip().upper()}".strip()


def is_front_matter(title: str) -> bool:
    return bool(FRONT_MATTER_RE.search(title))


def find_chapters(clean: CleanText, default_title: str = "Untitled") -> list[ChapterText]:
    """Cleaned blocks -> chapters with their path, number and headings in spoken form."""
    if get_layout(clean.layout).chapters == HEADING_LEVELS:
        return markdown_chapters(clean, default_title)
    return book_chapters(clean, default_title)


def markdown_chapters(clean: CleanText, default_title: str) -> list[ChapterText]:
    """An interview or article: each `#` title a chapter, `##`… headings inside it."""
    drafts: list[_Draft] = []
    ranks = sorted({b.level for b in clean.blocks if b.style == BlockStyle.HEADING})
    seen_ranks: set[int] = set()
    for block in clean.blocks:
        if block.style == BlockStyle.TITLE:
            drafts.append(_Draft(block.text, block.line, None, []))
            drafts[-1].blocks.append(heading_block(block, block.text, 1))
            seen_ranks = set()
            continue
        if not drafts:
            drafts.append(_Draft(clean.title or default_title, block.line, None, []))
        if block.style == BlockStyle.HEADING:
            # depth below the title, never skipping a level: "####" before any "##" is 2
            rank = ranks.index(block.level)
            level = 2 + sum(1 for r in seen_ranks if r < rank)
            seen_ranks.add(rank)
            drafts[-1].blocks.append(heading_block(block, strip_inline_markup(block.text), level))
        else:
            drafts[-1].blocks.append(block)
    return [
        ChapterText(
            chapter=Chapter(index=i, number=None, title=d.title, source_line=d.line),
            blocks=tuple(d.blocks),
        )
        for i, d in enumerate(drafts, start=1)
    ]


def book_chapters(clean: CleanText, default_title: str) -> list[ChapterText]:
    """A printed book: parts, books, numbered chapters and sub-sections."""
    hints = toc_case_hints(clean.toc)
    drafts: list[_Draft] = []
    path: list[Division] = []  # the parts and books in force
    pending: list[Block] = []  # part/book headings and epigraphs waiting for their chapter
    numeral: Block | None = None
    expecting_title = False  # the last of `path` was just printed, and no title yet
    blocks = demote_stray_numerals(clean.blocks)
    last_heading = max(
        (i for i, b in enumerate(blocks) if b.style == BlockStyle.HEADING), default=-1
    )
    for i, block in enumerate(blocks):
        if block.style == BlockStyle.NUMERAL:
            if numeral is not None:  # "CHAPTER II" then "CHAPTER III": II is only its heading
                drafts.append(open_labelled_chapter(numeral, path, pending, clean.language))
                pending = []
            numeral = block
            continue
        if (
            block.style == BlockStyle.HEADING
            and STRUCTURE_RE.match(block.text)
            and len(block.text.split()) <= 3
        ):
            if numeral is not None:  # a chapter that is only its heading, then "BOOK II"
                drafts.append(open_labelled_chapter(numeral, path, pending, clean.language))
                pending = []
                numeral = None
            division = Division(division_label(block.text))
            if division.label.startswith("PART"):
                path = [division]
            else:
                path = [d for d in path if d.label.startswith("PART")] + [division]
            expecting_title = True
            pending.append(Block(block.text, block.line, BlockStyle.DIVISION, page=block.page))
            continue
        if block.style == BlockStyle.HEADING and expecting_title and numeral is None:
            # no chapter has opened since the division did, so none holds it without its title
            path[-1] = Division(path[-1].label, block.text)
            expecting_title = False
            continue
        expecting_title = False
        if block.style == BlockStyle.SECTION:
            if numeral is not None:  # "ACT II" then "SCENE I": the act opens, the scene in it
                drafts.append(open_labelled_chapter(numeral, path, pending, clean.language))
                pending = []
                numeral = None
            if drafts and not pending:
                drafts[-1].blocks.append(block)
            else:
                pending.append(block)
            continue
        if block.style == BlockStyle.HEADING:
            current = drafts[-1] if drafts else None
            chapter_open = current is not None and current.divisions == path and not pending
            if numeral is not None:
                new_chapter = True
            elif (
                current is not None
                and chapter_open
                and not current.has_text
                and (is_front_matter(block.text) and not is_front_matter(current.title))
            ):
                current.title = f"{current.title}: {block.text}"  # a subtitle
                continue
            elif is_front_matter(block.text) or not chapter_open or block.level == 1:
                # a sub-section needs an open chapter of this division; an e-text's heading
                # set off by a wide gap (level 1) opens a chapter of its own
                new_chapter = True
            else:
                toc = toc_says_chapter(block.text, hints)
                new_chapter = toc if toc is not None else block.repeats > 0
            if new_chapter:
                word = chapter_word(numeral, clean.language)
                drafts.append(open_chapter(block.text, block, numeral, path, pending, word))
                pending = []
                numeral = None
            else:
                assert current is not None
                current.blocks.append(block)  # a sub-section heading, levelled later
            continue
        if numeral is not None:  # "CHAPTER II" with no title: the chapter starts here
            drafts.append(open_labelled_chapter(numeral, path, pending, clean.language))
            pending = []
        numeral = None
        if pending or not drafts:
            pending.append(block)
            if not drafts and i > last_heading:
                drafts.append(_Draft(clean.title or default_title, block.line, None, list(path)))
                drafts[-1].blocks.extend(pending)
                pending = []
            continue
        drafts[-1].blocks.append(block)
        drafts[-1].has_text = True
    if numeral is not None:  # the book ends with a chapter that is only its heading
        drafts.append(open_labelled_chapter(numeral, path, pending, clean.language))
        pending = []
    if pending:
        if drafts:
            drafts[-1].blocks.extend(pending)
        else:
            drafts.append(_Draft(clean.title or default_title, pending[0].line, None, list(path)))
            drafts[-1].blocks.extend(pending)
    drafts = merge_front_matter(merge_title_pages(drafts))
    numbers = infer_numbers(drafts, missing=get_layout(clean.layout).numbers_go_missing)
    return [
        finish(i, d, n, clean.language)
        for i, (d, n) in enumerate(zip(drafts, numbers, strict=True), 1)
    ]


# How far a chapter number may run ahead of the last one (chapters lost to OCR) and still be
# taken for the next chapter's.
_MAX_NUMBER_GAP = 3
_FAR_OFF = 10  # a last numeral this far beyond the chapters is text ("C. VERNON", XLI before)


def numeral_value(block: Block) -> int | None:
    return parse_numeral_line(block.text.strip().rstrip("."))


def demote_stray_numerals(blocks: Sequence[Block]) -> list[Block]:
    """A "numeral" far out of the chapters' sequence, while the next numeral goes on with
    it, is text: "C. DE COURCY." signing a letter between Letters XIII and XIV is no
    Chapter C. It is read where it stands, as a paragraph, with the heading split from it.
    """
    values = [numeral_value(b) if b.style == BlockStyle.NUMERAL else None for b in blocks]
    out: list[Block] = []
    last: int | None = None
    skip = -1
    for i, block in enumerate(blocks):
        if i == skip:
            continue
        value = values[i]
        if value is None:
            out.append(block)
            continue
        following = next((v for v in values[i + 1 : i + 4] if v is not None), None)
        goes_on = (
            following is not None and last is not None and 0 < following - last <= _MAX_NUMBER_GAP
        )
        stray = (
            last is not None
            and value != 1
            and not last < value <= last + _MAX_NUMBER_GAP
            # the next numeral goes on from the last; or none comes, and this one is far off
            and (goes_on or (following is None and value > last + _FAR_OFF))
        )
        if not stray:
            last = value
            out.append(block)
            continue
        text = block.text
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if nxt is not None and nxt.style == BlockStyle.HEADING and nxt.line == block.line:
            text = f"{text}. {nxt.text}"  # printed on one line: "C. DE COURCY."
            skip = i + 1
        out.append(replace(block, text=text, style=BlockStyle.PARAGRAPH, label=""))
    return out


def open_labelled_chapter(
    numeral: Block, path: list[Division], pending: list[Block], language: str = "en"
) -> _Draft:
    """A chapter with a number and no title: "CHAPTER II", "ACT III", "IV".

    A numeral printed alone is called a chapter in English; in another language it keeps
    only its number, since "Chapter" would be read in the wrong language.
    """
    label = chapter_word(numeral, language)
    if not label:
        return open_chapter(numeral.text, numeral, numeral, path, pending, label)
    word = numeral.label or (
        "CHAPTER" if numeral.text.isupper() or numeral.text.isdigit() else "Chapter"
    )
    if numeral.label and not numeral.label.isupper():
        word = numeral.label.title()
    return open_chapter(f"{word} {numeral.text}", numeral, numeral, path, pending, label)


def chapter_word(numeral: Block | None, language: str) -> str:
    """The word said before a chapter's number: as printed ("Act", "Kapitel"), else
    "Chapter" in an English text and nothing in another (its number alone is said)."""
    if numeral is not None and numeral.label:
        return numeral.label
    return "Chapter" if language == "en" else ""


def open_chapter(
    title: str,
    block: Block,
    numeral: Block | None,
    path: list[Division],
    pending: list[Block],
    label: str = "Chapter",
) -> _Draft:
    """A new chapter: the divisions and epigraphs waiting for it, then its own heading."""
    draft = _Draft(title, block.line, numeral.text if numeral else None, list(path), label=label)
    draft.blocks.extend(pending)
    page = (numeral.page if numeral else None) or block.page
    draft.blocks.append(Block(title, block.line, BlockStyle.CHAPTER_TITLE, page=page))
    return draft


def merge_title_pages(drafts: list[_Draft]) -> list[_Draft]:
    """A heading with no text of its own before the next chapter (a book's title page) is
    read at the start of that chapter rather than becoming a silent chapter. A numbered
    chapter with no text stays a chapter, its heading read: it is one of the book's."""
    merged: list[_Draft] = []
    carried: list[Block] = []
    for draft in drafts:
        if not draft.has_text and draft is not drafts[-1] and not draft.numeral:
            carried += [
                Block(b.text, b.line, BlockStyle.TITLE_PAGE, page=b.page)
                if b.style == BlockStyle.CHAPTER_TITLE
                else b
                for b in draft.blocks
            ]
            continue
        draft.blocks[:0] = carried
        carried = []
        merged.append(draft)
    return merged


# A scrap of front matter shorter than this (a publisher's imprint, "MILANO", a dedication)
# is read with the front matter before it rather than made a chapter of its own.
FRONT_MATTER_SCRAP_WORDS = 60


def merge_front_matter(drafts: list[_Draft]) -> list[_Draft]:
    """Before the first numbered chapter, short unnumbered scraps (title page, imprint, place
    of publication, dedication) are one opening chapter, not a run of tiny ones."""
    first_numbered = next((i for i, d in enumerate(drafts) if d.numeral), len(drafts))
    merged: list[_Draft] = []
    for i, draft in enumerate(drafts):
        previous = merged[-1] if merged else None
        if (
            i < first_numbered
            and previous is not None
            and words_of_draft(previous) < FRONT_MATTER_SCRAP_WORDS
            and words_of_draft(draft) < FRONT_MATTER_SCRAP_WORDS
            and previous.divisions == draft.divisions
            and not is_front_matter(draft.title)
        ):
            previous.blocks += [
                Block(b.text, b.line, BlockStyle.TITLE_PAGE, page=b.page)
                if b.style == BlockStyle.CHAPTER_TITLE
                else b
                for b in draft.blocks
            ]
            continue
        merged.append(draft)
    return merged


def words_of_draft(draft: _Draft) -> int:
    return sum(len(b.text.split()) for b in draft.blocks if b.style == BlockStyle.PARAGRAPH)


def infer_numbers(drafts: list[_Draft], *, missing: bool = True) -> list[str | None]:
    """Chapter numbers as printed where legible; garbled ones (and, where OCR may lose a
    number line, `missing` ones) from the sequence.

    An unnumbered chapter after a numbered one gets the next number; one before the first
    legible number of its division counts back from it, so a book's title page or an
    introduction before CHAPTER I is not numbered, while a lost "I" before "II" is. In a
    clean text no number is lost: an unnumbered heading after the chapters (prayers, an
    appendix) stays unnumbered.
    """
    numbers: list[str | None] = [None] * len(drafts)
    divisions: dict[tuple[str, ...], list[int]] = {}
    for i, draft in enumerate(drafts):
        divisions.setdefault(tuple(d.label for d in draft.divisions), []).append(i)
    for members in divisions.values():
        if not any(drafts[i].numeral for i in members):
            continue  # a division printed without chapter numbers
        counted = [
            i
            for i in members
            if drafts[i].numeral or (missing and not is_front_matter(drafts[i].title))
        ]
        printed = {i: parse_numeral_line(drafts[i].numeral or "") for i in counted}
        last: int | None = None
        for position, i in enumerate(counted):
            number = printed[i]
            if number is None and last is not None:
                number = last + 1
            if number is None:
                ahead = next(
                    ((k, printed[j]) for k, j in enumerate(counted) if k > position and printed[j]),
                    None,
                )
                if ahead is not None and ahead[1] is not None:
                    guess = ahead[1] - (ahead[0] - position)
                    number = guess if guess >= 1 else None
            if number is not None:
                numbers[i] = int_to_roman(number)
                last = number
    return numbers


def spoken_chapter_label(word: str, value: int | None) -> str | None:
    """ "Chapter Four" in English; "Kapitel 4", "Chapitre 4" or "4" in other languages,
    whose engines say the digits in their own words."""
    if not value:
        return None
    if word.upper() in ENGLISH_LABEL_WORDS:
        return f"{word.title()} {number_to_words(value).title()}"
    return f"{word.title()} {value}".strip()


SECTION_LABEL_RE = re.compile(r"^(SCENE|Scene)\s+([IVXLC]{1,6}|\d{1,3})\b\.?\s*[.:—–-]?\s*(.*)$")


def spoken_section(text: str, language: str = "en") -> str:
    """ "SCENE III. A street." -> "Scene Three. A street."; a numeral alone ("II.", which an
    engine would read as letters or "I") -> "Two." in English, "2." in other languages."""
    alone = re.fullmatch(r"([IVXLC]{1,7}|\d{1,3})\.?", text.strip())
    value = (
        roman_to_int(alone.group(1)) or (int(alone.group(1)) if alone.group(1).isdigit() else None)
        if alone
        else None
    )
    if value:
        return f"{number_to_words(value).title()}." if language == "en" else f"{value}."
    m = SECTION_LABEL_RE.match(text)
    if not m:
        return spoken_heading(None, text)
    number = m.group(2)
    value = int(number) if number.isdigit() else roman_to_int(number)
    label = f"Scene {number_to_words(value).title()}" if value else f"Scene {number}"
    return spoken_heading(label, m.group(3) or None)


def heading_block(block: Block, spoken: str, level: int) -> Block:
    return Block(
        text=spoken, line=block.line, style=BlockStyle.HEADING, level=level, page=block.page
    )


def finish(index: int, draft: _Draft, number: str | None, language: str = "en") -> ChapterText:
    """Headings get their spoken form and their depth; the chapter its metadata."""
    divisions = draft.divisions
    depth = len(divisions)
    blocks: list[Block] = []
    for block in draft.blocks:
        if block.style == BlockStyle.DIVISION:
            label = division_label(block.text)
            position = next(
                (k for k, d in enumerate(divisions) if d.label == label), len(divisions) - 1
            )
            title = divisions[position].title if divisions else None
            spoken = spoken_heading(label_to_words(label), title)
            blocks.append(heading_block(block, spoken, position + 1))
        elif block.style == BlockStyle.CHAPTER_TITLE:
            value = roman_to_int(number) if number else None
            chapter_label = spoken_chapter_label(draft.label, value)
            label_only = chapter_label and (
                CHAPTER_LABEL_RE.match(draft.title) or draft.title == draft.numeral
            )
            spoken = spoken_heading(chapter_label, None if label_only else draft.title)
            blocks.append(heading_block(block, spoken, depth + 1))
        elif block.style in (BlockStyle.HEADING, BlockStyle.SECTION):
            blocks.append(heading_block(block, spoken_section(block.text, language), depth + 2))
        elif block.style == BlockStyle.TITLE_PAGE:
            blocks.append(heading_block(block, spoken_heading(None, block.text), depth + 1))
        else:
            blocks.append(block)
    chapter = Chapter(
        index=index,
        number=number,
        title=draft.title,
        divisions=tuple(divisions),
        source_line=draft.line,
    )
    return ChapterText(chapter=chapter, blocks=tuple(blocks))
