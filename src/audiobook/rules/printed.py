"""Rules for printed pages: what a scanned (OCR'd) book carries that a listener must not hear.

Page numbers, printer's signature marks, running page headers, the table of contents, and
the repairs OCR needs. They run only in layouts that show print (see `audiobook.layouts`):
in a clean e-text "page numbers" are real numbers and a repeated line is the author's.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from audiobook.model import Block, Removal
from audiobook.rules import (
    HEADER,
    HEADING,
    NOTE,
    NUMERAL,
    PAGE,
    SCENE,
    SECTION,
    TEXT,
    Draft,
    Piece,
    Rule,
    drop_range,
    relabel,
    with_facts,
    with_pieces,
)
from audiobook.spoken import SMALL_WORDS
from audiobook.textforms import (
    CHAPTER_LABEL_RE,
    CONTENTS_RE,
    DOUBLED_WORD_RE,
    FOOTNOTE_RE,
    HEADING_MAX_CHARS,
    PAGE_NUMBER_RE,
    SCENE_BREAK_RE,
    SIGNATURE_RE,
    STRUCTURE_RE,
    TitleKey,
    ends_sentence,
    is_uppercase_line,
    letters,
    looks_like_numeral_line,
    looks_like_title,
    page_label,
    parse_numeral_line,
    repair_heading_glyphs,
    same_title_key,
    similar,
    split_numeral_title,
    strip_inline_markup,
    title_key,
    titlecase_name,
)

RULE_TOC = "table-of-contents"
RULE_PAGE_NUMBER = "page-number"
RULE_SIGNATURE = "signature-mark"
RULE_RUNNING_HEADER = "running-header"
RULE_REPEATED_HEADER = "repeated-header"
RULE_FOOTNOTE = "footnote"  # moved out of the sentence into a note, not lost
RULE_SCENE_BREAK = "scene-break"
RULE_DOUBLED_WORD = "doubled-word"


# ---------------------------------------------------------------- table of contents


def print_contents_range(pieces: tuple[Piece, ...]) -> tuple[int, int] | None:
    """Index range [start, end) of a printed table of contents near the top.

    It runs from CONTENTS to the first line of prose (100 characters or more, no tab stops),
    less the body's own headings (FOREWORD …) standing just before that prose.
    """
    limit = max(300, len(pieces) // 10)
    start = next((i for i, p in enumerate(pieces[:limit]) if CONTENTS_RE.match(p.text)), None)
    if start is None:
        return None
    prose = next(
        (
            i
            for i in range(start + 1, len(pieces))
            if len(pieces[i].raw) >= 100 and "\t" not in pieces[i].raw
        ),
        None,
    )
    if prose is None:
        return None
    end = prose
    while end - 1 > start:
        raw = pieces[end - 1].raw
        if "\t" in raw or re.search(r"\d\s*$", raw) or len(raw) > 80:
            break
        end -= 1
    return start, end


def _print_contents(draft: Draft) -> Draft:
    found = print_contents_range(draft.pieces)
    if found is None:
        return draft
    start, end = found
    pieces, removed = drop_range(RULE_TOC, draft.pieces, start, end)
    toc = tuple(p.raw for p in draft.pieces[start:end])
    return with_facts(with_pieces(draft, pieces, removed), toc=toc)


PRINT_CONTENTS = Rule(RULE_TOC, _print_contents, "a CONTENTS block near the top")


# ---------------------------------------------------------------- page furniture


def is_scene_break(piece: Piece) -> bool:
    return (
        bool(SCENE_BREAK_RE.match(piece.text)) and sum(piece.text.count(c) for c in "*•~#-_") >= 2
    )


SCENE_BREAK = relabel(
    RULE_SCENE_BREAK,
    lambda p: replace(p, kind=SCENE) if is_scene_break(p) else None,
    "* * * is a pause, not words",
)


def page_number(piece: Piece) -> Piece | None:
    if not PAGE_NUMBER_RE.match(piece.text):
        return None
    return replace(piece, kind=PAGE, page=page_label(piece.text))


PAGE_NUMBER = relabel(RULE_PAGE_NUMBER, page_number, "bare page numbers (t85 for 185 too)")


def signature_mark(piece: Piece) -> Piece | None:
    m = SIGNATURE_RE.match(piece.text)
    # a signature mark stands at the foot of its page: the next page follows it
    return replace(piece, kind=PAGE, page=str(int(m.group(1)) + 1)) if m else None


SIGNATURE_MARK = relabel(RULE_SIGNATURE, signature_mark, "printer's marks like R.E. 305")


def footnote_line(piece: Piece) -> Piece | None:
    m = FOOTNOTE_RE.match(piece.text)
    if m and m.group(1) and (piece.text.startswith("^{") or piece.text.count("*") % 2 == 1):
        return replace(piece, kind=NOTE, text=strip_inline_markup(m.group(1)))
    return None


FOOTNOTE_LINE = relabel(RULE_FOOTNOTE, footnote_line, "a ^{*} or * footnote becomes a note")


# ---------------------------------------------------------------- headings of a printed book


# "Yours faithfully," above a name in capitals: the name signs a letter, it heads nothing
VALEDICTION_RE = re.compile(
    r"\b(?:yours|sincerely|faithfully|truly|affectionately|respectfully|devotedly|cordially|"
    r"regards|wishes|love|friend|servant|brother|sister|son|daughter|comrade)\b[^.!?]{0,40},$",
    re.IGNORECASE,
)


def is_print_heading(text: str, blank_before: bool) -> bool:
    """A short line in capitals after a blank line; "A. CILIGA." is a signature, not one."""
    if len(text) > HEADING_MAX_CHARS or not blank_before:
        return False
    if STRUCTURE_RE.match(text) and len(text.split()) <= 3:
        return True  # "Book I", "Part One"
    if re.search(r"(^|\s)[^\s.]{2,}\.$", text):
        return False  # "A. CILIGA." is a signature; "…IN THE U.S.S.R." is a heading
    return is_uppercase_line(text) and len(letters(text)) >= 2


def label_pieces(piece: Piece, repaired: str) -> list[Piece] | None:
    """ "CHAPTER II. THE RETURN" -> a labelled numeral, and the title as a heading."""
    chapter = CHAPTER_LABEL_RE.match(repaired)
    if not (chapter and piece.blank_before and looks_like_title(chapter.group(3))):
        return None
    out = [replace(piece, text=chapter.group(2), kind=NUMERAL, level=-1, label=chapter.group(1))]
    if chapter.group(3):
        out.append(replace(piece, text=chapter.group(3), kind=HEADING, blank_before=True))
    return out


def _print_headings(draft: Draft) -> Draft:
    pieces: list[Piece] = []
    for piece in draft.pieces:
        signed = bool(pieces) and bool(VALEDICTION_RE.search(pieces[-1].text))
        if piece.kind != TEXT or len(piece.text) > HEADING_MAX_CHARS or signed:
            pieces.append(piece)
            continue
        repaired = repair_heading_glyphs(piece.text)
        labelled = label_pieces(piece, repaired)
        split = split_numeral_title(repaired)
        if labelled:
            pieces += labelled
        elif split:
            pieces.append(replace(piece, text=split[0], kind=NUMERAL))
            pieces.append(replace(piece, text=split[1], kind=HEADING, blank_before=True))
        elif is_print_heading(repaired, piece.blank_before):
            pieces.append(replace(piece, text=repaired, kind=HEADING))
        else:
            pieces.append(piece)
    pieces = mark_numerals(pieces)
    pieces = mark_titles_under_labels(pieces, strict=True)
    return with_pieces(draft, join_split_headings(pieces))


PRINT_HEADINGS = Rule(
    "print-headings", _print_headings, "capital lines, CHAPTER labels and numerals as headings"
)


def mark_numerals(pieces: list[Piece]) -> list[Piece]:
    """A short capital line just before a heading is that chapter's number."""
    out = list(pieces)
    for i, (piece, nxt) in enumerate(itertools.pairwise(pieces)):
        if (
            piece.kind in (TEXT, HEADING)
            and looks_like_numeral_line(piece.text)
            and nxt.kind == HEADING
            and not STRUCTURE_RE.match(piece.text)
        ):
            out[i] = replace(piece, kind=NUMERAL)
    return out


def mark_titles_under_labels(pieces: list[Piece], *, strict: bool) -> list[Piece]:
    """ "Chapter 1" over "The Beginning": a short title-like line under a chapter label.

    Strict (print): a title never ends a sentence. Otherwise (e-texts, which often print
    "CHAPTER I." over "MR. SHERLOCK HOLMES."), a final full stop is allowed when a blank
    line follows the title.
    """
    out = list(pieces)
    for i, (label, nxt) in enumerate(itertools.pairwise(pieces)):
        if not (
            label.kind == NUMERAL
            and (label.level == -1 or not strict)  # e-texts title a numeral alone too
            and nxt.kind == TEXT
            and (nxt.blank_before or (not strict and is_uppercase_line(nxt.text)))
            and len(nxt.text) <= 60
            and looks_like_title(nxt.text.rstrip("."))
        ):
            continue
        after = pieces[i + 2] if i + 2 < len(pieces) else None
        if strict:
            if not ends_sentence(nxt.text):
                out[i + 1] = replace(nxt, kind=HEADING)
            continue
        capitals = is_uppercase_line(nxt.text)
        if (
            (after is None or after.blank_before)
            and not re.search(r"[,;:]$", nxt.text)
            and (capitals or (is_title_case(nxt.text) and not ends_sentence(nxt.text)))
        ):
            out[i + 1] = replace(nxt, kind=HEADING, text=nxt.text.rstrip(". ") or nxt.text)
    return out


def is_title_case(text: str) -> bool:
    """ "MR. SHERLOCK HOLMES.", "The Pool of Tears", "The End", not "It was a dark night."."""
    if is_uppercase_line(text):
        return True
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not words or not words[0][0].isupper():
        return False
    content = [w for w in words[1:] if w.lower() not in SMALL_WORDS]
    return sum(w[0].isupper() for w in content) >= 0.6 * len(content)


def unlist_label_runs(pieces: list[Piece]) -> list[Piece]:
    """Chapter labels one after another with no text between ("ACT I. The Flat" / "ACT II.
    The Garden" / "ACT III. …" in a list of scenes, or a contents list nobody titled) are a
    list to be read, not chapters: they go back to being text."""
    labelled = [i for i, p in enumerate(pieces) if p.kind == NUMERAL and p.level == -1]
    in_run: set[int] = set()
    for a, b in itertools.pairwise(labelled):
        # a list entry may run over a second line ("ACT I. The Octagon Room in … /
        # Square."): only a paragraph of its own stands between chapters
        between = sum(1 for p in pieces[a + 1 : b] if p.kind == TEXT and p.blank_before)
        # a list counts up; the real ACT I after a list of acts starts again
        counts_up = (parse_numeral_line(pieces[b].text) or 0) > (
            parse_numeral_line(pieces[a].text) or 0
        )
        if between == 0 and pieces[b].line - pieces[a].line < 12 and counts_up:
            in_run |= {a, b}
    if not in_run:
        return pieces
    out: list[Piece] = []
    lines = {pieces[i].line for i in in_run}
    for piece in pieces:
        if piece.line in lines and piece.kind in (NUMERAL, HEADING, SECTION):
            if out and out[-1].line == piece.line and out[-1].kind == TEXT:
                continue  # the title split from the same line
            piece = replace(piece, text=piece.raw.strip(), kind=TEXT, level=0, label="")
        out.append(piece)
    return out


def join_split_headings(pieces: list[Piece]) -> list[Piece]:
    """ "SIBERIA:" over "LAND OF EXILE …": one heading printed on two lines."""
    out: list[Piece] = []
    for piece in pieces:
        prev = out[-1] if out else None
        if prev and prev.kind == piece.kind == HEADING and prev.text.endswith(":"):
            out[-1] = replace(prev, text=f"{prev.text} {piece.text}")
            continue
        out.append(piece)
    return out


# ---------------------------------------------------------------- running headers


def _running_headers(draft: Draft) -> Draft:
    """Titles repeated at the top of printed pages: the current part, book or chapter's.

    A repeat only counts against titles still in force (the current part and book, and
    headings since the last division), so "ANOTHER HUNGER-STRIKE" in one book is not
    mistaken for a header of "A HUNGER-STRIKE" in another.
    """
    kept: list[Piece] = []
    removed: list[Removal] = []
    repeats: dict[int, int] = {}  # index in kept -> repeats
    keys: dict[int, TitleKey] = {}  # index in kept -> its heading's key
    part_titles: list[int] = []
    in_force = TitlesInForce()
    group: list[int] | None = None  # headings directly after a PART keyword
    for piece in draft.pieces:
        if piece.kind != HEADING:
            group = None
            kept.append(piece)
            continue
        structure = STRUCTURE_RE.match(piece.text)
        if structure and len(piece.text.split()) <= 3:
            if structure.group(1).upper() == "PART":
                part_titles = []
                group = part_titles
            else:
                group = None
            in_force = TitlesInForce([(k, keys[k]) for k in part_titles])
            kept.append(piece)
            continue
        key = title_key(piece.text)
        original = in_force.repeated(key)
        if original is not None:
            repeats[original] = repeats.get(original, 0) + 1
            removed.append(Removal(RULE_RUNNING_HEADER, piece.line, piece.text))
            kept.append(replace(piece, kind=HEADER))
            continue
        if group is not None:
            group.append(len(kept))
        keys[len(kept)] = key
        in_force.add(len(kept), key)
        kept.append(piece)
    for k, count in repeats.items():
        kept[k] = replace(kept[k], repeats=kept[k].repeats + count)
    return with_pieces(draft, kept, removed)


class TitlesInForce:
    """The headings a running header may repeat, filed by the numbers in them.

    A header repeats a title's numbers exactly (same_title_key), so a heading is compared
    only with the titles that share its numbers: a book of 5,000 "CHAPTER n" headings makes
    5,000 comparisons, not 12 million (issue 10, where `inspect` took 40 s).
    """

    def __init__(self, titles: Iterable[tuple[int, TitleKey]] = ()) -> None:
        self.by_numbers: dict[tuple[str, ...], list[tuple[int, TitleKey]]] = {}
        for index, key in titles:
            self.add(index, key)

    def add(self, index: int, key: TitleKey) -> None:
        self.by_numbers.setdefault(key.numbers, []).append((index, key))

    def repeated(self, key: TitleKey) -> int | None:
        """The latest title in force that `key` repeats, if any."""
        candidates = self.by_numbers.get(key.numbers, [])
        return next((i for i, title in reversed(candidates) if same_title_key(key, title)), None)


RUNNING_HEADER = Rule(RULE_RUNNING_HEADER, _running_headers, "titles repeated atop pages")


# A header as OCR leaves it: "88 Physiology of Marriojge. •", "THE SILENT FRIEND. 143",
# "SYPHILITIC DISEASES." — a short title with or without the page number beside it.
EDGE_NUMBER_RE = re.compile(r"^\W*([0-9IlO]{1,4})\b\W*|\W*\b([0-9IlO]{1,4})\W*$")
HEADER_MIN_REPEATS = 4
HEADER_MAX_CHARS = 60


def header_key(piece: Piece) -> tuple[str, str | None] | None:
    """(the title's letters, the page number beside it) when the line could be a header."""
    text = piece.text
    if len(text) > HEADER_MAX_CHARS or CHAPTER_LABEL_RE.match(text) or STRUCTURE_RE.match(text):
        return None
    m = EDGE_NUMBER_RE.search(text)
    number = (m.group(1) or m.group(2)) if m else None
    title = EDGE_NUMBER_RE.sub(" ", text) if number else text
    if number is None and not is_uppercase_line(title):
        return None
    key = "".join(ch for ch in title.lower() if ch.isalpha())
    if len(key) < 6:
        return None
    page = number if number and number.isdigit() else None
    return key, page


def _repeated_headers(draft: Draft) -> Draft:
    """Short lines printed again and again atop pages, with or without their page number,
    OCR spelling them a little differently each time: running headers the headings did not
    explain (runs after `running-header`). A line needs four near-copies to count; the first
    without a page number is left, as it may be the heading they repeat."""
    keys = {i: k for i, p in enumerate(draft.pieces) if p.kind == TEXT and (k := header_key(p))}
    counts = Counter(key for key, _ in keys.values())
    common = [key for key, _ in counts.most_common(40)]
    cluster: dict[str, str] = {}
    for key in counts:
        cluster[key] = next((c for c in common if c == key or similar(c, key, 0.85)), key)
    totals: Counter[str] = Counter()
    for key, n in counts.items():
        totals[cluster[key]] += n
    pieces, removed = list(draft.pieces), []
    seen: set[str] = set()
    for i, (key, page) in keys.items():
        if cluster[key] not in seen and page is None:
            seen.add(cluster[key])  # the first, without a page number, may be the heading
            continue
        if totals[cluster[key]] >= HEADER_MIN_REPEATS:
            removed.append(Removal(RULE_REPEATED_HEADER, pieces[i].line, pieces[i].text))
            pieces[i] = replace(pieces[i], kind=PAGE if page else HEADER, page=page)
    return with_pieces(draft, pieces, removed)


REPEATED_HEADER = Rule(RULE_REPEATED_HEADER, _repeated_headers, "a short line repeated atop pages")


# ---------------------------------------------------------------- after paragraphs


def _doubled_words(draft: Draft) -> Draft:
    removed: list[Removal] = []
    blocks: list[Block] = []
    for block in draft.blocks or ():

        def undouble(m: re.Match[str], line: int = block.line) -> str:
            removed.append(Removal(RULE_DOUBLED_WORD, line, m.group(2).strip()))
            return m.group(1)

        blocks.append(replace(block, text=DOUBLED_WORD_RE.sub(undouble, block.text)))
    return replace(draft, blocks=tuple(blocks), removed=(*draft.removed, *removed))


DOUBLED_WORD = Rule(RULE_DOUBLED_WORD, _doubled_words, "to to -> to (never had had)")


def when_damaged(rule: Rule) -> Rule:
    """The same rule, run only where the text shows OCR or extraction damage."""

    def apply(draft: Draft) -> Draft:
        return rule.apply(draft) if draft.damaged else draft

    return Rule(rule.name, apply, rule.doc + " (only where the text shows damage)")


# "A. CILIGA.", "J. R. DOE", "Jane Doe": a name alone on a line, signing a foreword
SIGNED_NAME_RE = re.compile(
    r"^\s*((?:[A-Z]\.\s?)+[A-Z][A-Za-z'-]+|[A-Z][A-Za-z'-]+(?:\s+[A-Z][A-Za-z'-]+){1,2})\.?\s*$"
)
PLACE_AND_DATE_RE = re.compile(r",.*\b(1[5-9]|20)\d\d\.?$")


def _signed_author(draft: Draft) -> Draft:
    """A foreword or preface signed with a name ("J. DOE.", "Jane Doe") above its place and
    date ("London, 1937."): the book's author. Only in the first tenth of the text."""
    pieces = draft.pieces
    for i, piece in enumerate(pieces[: max(200, len(pieces) // 10)]):
        m = SIGNED_NAME_RE.match(piece.text)
        if m and i + 1 < len(pieces) and PLACE_AND_DATE_RE.search(pieces[i + 1].text):
            return with_facts(draft, author=titlecase_name(m.group(1)))
    return draft


SIGNED_AUTHOR = Rule("signed-author", _signed_author, "the author from a signed foreword")
