"""Rules for e-texts (Project Gutenberg and the like): clean text wrapped in boilerplate.

What is not the book is removed (the header, the licence, producer credits, transcriber's
notes, lists of contents and illustrations) and what it says about the book is kept as
facts (title, author, language). Illustrations become captions, footnotes become notes, and
headings are found from the conventions e-texts follow (CHAPTER labels, a numeral alone,
blank lines around a heading) rather than from capital letters, which e-texts also use for
emphasis, letters' addresses and signatures.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from audiobook.language_codes import language_code
from audiobook.model import Removal
from audiobook.rules import (
    CAPTION,
    GONE,
    HEADING,
    LIST,
    NOTE,
    NUMERAL,
    SECTION,
    TEXT,
    Draft,
    Piece,
    Rule,
    drop_range,
    with_facts,
    with_pieces,
)
from audiobook.rules.printed import (
    is_title_case,
    join_split_headings,
    label_pieces,
    mark_titles_under_labels,
    unlist_label_runs,
)
from audiobook.textforms import (
    CHAPTER_LABEL_RE,
    CONTENTS_RE,
    FRONT_MATTER_RE,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    STRUCTURE_RE,
    ends_sentence,
    int_to_roman,
    is_uppercase_line,
    normalise_title,
    roman_to_int,
    titlecase_name,
)

RULE_BOILERPLATE = "etext-boilerplate"
RULE_TOC = "table-of-contents"
RULE_ILLUSTRATIONS_LIST = "list-of-illustrations"
RULE_ILLUSTRATION = "illustration"
RULE_FOOTNOTE_REF = "footnote-ref"
RULE_FOOTNOTE = "footnote"

START_RE = re.compile(
    r"^\*{3}\s*START\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG|"
    r"^\*END\*\s*THE\s+SMALL\s+PRINT|^\*{3}\s*START\s+OF\s+THE\s+PROJECT",
    re.IGNORECASE,
)
END_RE = re.compile(
    r"^\*{3}\s*END\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG|"
    r"^End\s+of\s+(?:the\s+)?Project\s+Gutenberg|^END\s+OF\s+(?:THE\s+|THIS\s+)?PROJECT\s+GUTENBERG",
    re.IGNORECASE,
)
HEADER_FIELD_RE = re.compile(r"^(Title|Author|Language|Translator|Editor|Release Date)\s*:\s*(.*)$")
# Credits and notes that e-text producers put at the start of the book or anywhere in it.
CREDIT_RE = re.compile(
    r"^(?:Produced\s+by|E-?text\s+prepared\s+by|This\s+e-?(?:text|book)\s+was\s+(?:produced|prepared)|"
    r"Transcribed\s+(?:from|by)|Prepared\s+by|Scanned\s+by|HTML\s+version\s+by|Updated\s+editions\s+will)",
    re.IGNORECASE,
)
TRANSCRIBER_NOTE_RE = re.compile(r"^[\[(]?\s*Transcriber['’]?s?\s+Notes?\b", re.IGNORECASE)
# "ERRATA (noted by transcriber)", "Errors and Anomalies Noted by Transcriber": a section the
# transcriber added after the book, running to its end
TRANSCRIBER_SECTION_RE = re.compile(r"\btranscriber|\berrata\b", re.IGNORECASE)
GUTENBERG_RE = re.compile(
    r"Project\s+Gutenberg|Gutenberg-tm|\bPG\s+e-?(?:text|book)", re.IGNORECASE
)


def header_language(name: str) -> str | None:
    """ "English" -> "en"; the first language of "English, French"."""
    first = re.split(r"[,;/]| and ", name.strip())[0].strip()
    code = language_code(first)
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


HEADER_MAX_PIECES = 400  # a Project Gutenberg header runs to some 30-300 lines


def header_facts(pieces: list[Piece]) -> dict[str, str]:
    """Title, author and language from a Project Gutenberg header."""
    facts: dict[str, str] = {}
    for i, piece in enumerate(pieces):
        m = HEADER_FIELD_RE.match(piece.text)
        if not m or not m.group(2).strip():
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        # a long title continues on indented lines below it
        for nxt in pieces[i + 1 : i + 4]:
            if key == "title" and nxt.blanks_before == 0 and nxt.raw[:1].isspace():
                value += " " + nxt.text
            else:
                break
        if key == "language":
            code = header_language(value)
            if code:
                facts.setdefault("language", code)
        elif key in ("title", "author"):
            facts.setdefault(key, value)
    if "author" not in facts:  # an old header: "The Tragedie of Hamlet" over "by William …"
        for i, piece in enumerate(pieces[1:], start=1):
            m = BY_LINE_RE.match(piece.text)
            above = pieces[i - 1].text
            if m and len(above) <= 80 and not GUTENBERG_RE.search(above):
                facts["author"] = m.group(1)
                facts.setdefault("title", above)
                break
    return facts


# Where a stretch of boilerplate that begins at piece i ends, or None where none begins there.
StretchEnd = Callable[[list[Piece], int], int | None]


def drop_stretches(
    pieces: list[Piece], end_of: StretchEnd, within: range | None = None
) -> tuple[list[Piece], list[Removal]]:
    """Every stretch `end_of` finds (in `within`, or anywhere) removed as boilerplate."""
    removed: list[Removal] = []
    i = within.start if within else 0
    stop = min(within.stop, len(pieces)) if within else len(pieces)
    while i < stop:
        end = end_of(pieces, i) if pieces[i].kind == TEXT else None
        if end is None or end <= i:
            i += 1
            continue
        pieces, more = drop_range(RULE_BOILERPLATE, tuple(pieces), i, end)
        removed += more
        i = end
    return pieces, removed


def credits_end(title: str | None) -> StretchEnd:
    """Producers' credits and notes just after the start marker."""

    def end_of(pieces: list[Piece], i: int) -> int | None:
        if PRODUCER_NOTES_RE.match(pieces[i].text):
            return notes_end(pieces, i, title)
        return paragraph_end(pieces, i) if CREDIT_RE.match(pieces[i].text) else None

    return end_of


def gutenberg_paragraph_end(pieces: list[Piece], i: int) -> int | None:
    """A paragraph that speaks of Project Gutenberg is not the book."""
    if not pieces[i].blank_before:
        return None
    end = paragraph_end(pieces, i)
    return end if GUTENBERG_RE.search(" ".join(p.text for p in pieces[i:end])) else None


# "This file was typed in by volunteers of Project Gutenberg": the file speaking of itself
PG_CREDIT_RE = re.compile(
    r"\b(?:this|the)\s+(?:file|e-?text|e-?book|edition)\b.{0,120}Project\s+Gutenberg", re.IGNORECASE
)


def gutenberg_credit_end(pieces: list[Piece], i: int) -> int | None:
    """Without a Gutenberg header, only a paragraph crediting the file itself goes."""
    end = gutenberg_paragraph_end(pieces, i)
    if end is None:
        return None
    return end if PG_CREDIT_RE.search(" ".join(p.text for p in pieces[i:end])) else None


def transcriber_note_end(pieces: list[Piece], i: int) -> int | None:
    if not TRANSCRIBER_NOTE_RE.match(pieces[i].text):
        return None
    return bracket_end(pieces, i) if pieces[i].text[:1] in "[(" else paragraph_end(pieces, i)


def transcriber_section_start(pieces: list[Piece]) -> int | None:
    """ "ERRATA (noted by transcriber)" in the last tenth: a section running to the end."""
    live = [i for i, p in enumerate(pieces) if p.kind != GONE]
    tail = live[int(len(live) * 0.9) :] if len(live) > 50 else []
    return next(
        (
            i
            for i in tail
            if len(pieces[i].text) <= 80
            and TRANSCRIBER_SECTION_RE.search(pieces[i].text)
            and not ends_sentence(pieces[i].text)  # a heading, not "The transcriber looked up."
        ),
        None,
    )


# What scanning projects put before a book: "Digitized by the Internet Archive in 2015 …",
# Google's notice on using its scans (several paragraphs, to its web address)
SCAN_NOTE_RE = re.compile(
    r"^Digiti[sz]ed\s+(?:\w+\s+)?by\b|archive\.org/details|^This is a digital copy of a book",
    re.IGNORECASE,
)
SCAN_NOTICE_END_RE = re.compile(r"books\.google\.com|google\.com/books", re.IGNORECASE)


def scan_note_end(pieces: list[Piece], i: int) -> int | None:
    if not SCAN_NOTE_RE.search(pieces[i].text):
        return None
    if pieces[i].text.lower().startswith("this is a digital copy"):
        for k in range(i, min(len(pieces), i + 80)):
            if SCAN_NOTICE_END_RE.search(pieces[k].text):
                return paragraph_end(pieces, k)
    return paragraph_end(pieces, i)


def _boilerplate(draft: Draft) -> Draft:
    pieces = list(draft.pieces)
    removed: list[Removal] = []
    start = next((i for i, p in enumerate(pieces) if START_RE.match(p.text)), None)
    facts: dict[str, str] = {}
    header = pieces[:start] if start is not None else []
    # a short e-text's header may be most of it; a marker late in a text with no header
    # before it is the text's own words
    headed = any(GUTENBERG_RE.search(p.text) or HEADER_FIELD_RE.match(p.text) for p in header)
    if start is not None and (start < len(pieces) * 0.5 or (start < HEADER_MAX_PIECES and headed)):
        facts = header_facts(header)
        pieces, removed = drop_range(RULE_BOILERPLATE, tuple(pieces), 0, start + 1)
        pieces, more = drop_stretches(
            pieces, credits_end(facts.get("title")), range(start + 1, start + 40)
        )
        removed += more
    end_marker = next(
        (i for i, p in enumerate(pieces) if i > len(pieces) * 0.5 and END_RE.match(p.text)), None
    )
    if end_marker is not None:  # the licence follows the end marker
        pieces, more = drop_range(RULE_BOILERPLATE, tuple(pieces), end_marker, len(pieces))
        removed += more
    gutenberg = start is not None or end_marker is not None
    section = transcriber_section_start(pieces) if gutenberg else None  # once the licence is gone
    if section is not None:
        pieces, more = drop_range(RULE_BOILERPLATE, tuple(pieces), section, len(pieces))
        removed += more
    # in a Project Gutenberg book, a paragraph about Project Gutenberg is the producers'; in
    # an article about it, it is the article
    about_pg = gutenberg_paragraph_end if gutenberg else gutenberg_credit_end
    mentioned = any(GUTENBERG_RE.search(p.text) for p in pieces if p.kind == TEXT)
    for end_of in (about_pg, transcriber_note_end, scan_note_end):
        if end_of is about_pg and not mentioned:
            continue  # no paragraph to look for: spare joining every paragraph to search it
        pieces, more = drop_stretches(pieces, end_of)
        removed += more
    return with_facts(with_pieces(draft, pieces, removed), **facts)


ETEXT_BOILERPLATE = Rule(
    RULE_BOILERPLATE,
    _boilerplate,
    "Project Gutenberg header, licence, credits, transcriber's notes",
)


# "Executive Director's Notes:", "Scanner's Notes: What this is and isn't.": producers'
# notes standing between an old header and the book
PRODUCER_NOTES_RE = re.compile(r"^[A-Z][\w ]{0,40}['’]s\s+Notes?\s*:", re.IGNORECASE)
NOTES_LIMIT_PIECES = 200


def notes_end(pieces: list[Piece], start: int, title: str | None) -> int:
    """Where producers' notes end: at the book's title or its first chapter, act or
    contents. Nothing is removed when neither comes soon after."""
    wanted = normalise_title(title) if title else None
    for i in range(start + 1, min(len(pieces), start + NOTES_LIMIT_PIECES)):
        text = pieces[i].text
        if (wanted and normalise_title(text) == wanted) or CHAPTER_LABEL_RE.match(text):
            return i
        if CONTENTS_RE.match(text) or re.match(r"^(?:ACT|Act|Actus|Acte)\b", text):
            return i
    return start


def paragraph_end(pieces: list[Piece], start: int) -> int:
    """Index after the paragraph that starts at `start` (up to the next blank line)."""
    end = start + 1
    while end < len(pieces) and pieces[end].blanks_before == 0:
        end += 1
    return end


def bracket_end(pieces: list[Piece] | tuple[Piece, ...], start: int, limit: int = 60) -> int:
    """Index after the piece that closes the bracket opened at `start`."""
    depth = 0
    for i in range(start, min(len(pieces), start + limit)):
        depth += pieces[i].text.count("[") + pieces[i].text.count("(")
        depth -= pieces[i].text.count("]") + pieces[i].text.count(")")
        if depth <= 0:
            return i + 1
    return start + 1


# ---------------------------------------------------------------- title page

BY_LINE_RE = re.compile(
    r"^(?:by|BY|By)\s+([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*|\s+(?:de|van|von|la|le|du|da|di)){0,5})"
    r"[.,]?$"
)


def _title_page(draft: Draft) -> Draft:
    """ "by Jane Doe" under a title near the top: the author, and the title above it."""
    pieces = [p for p in draft.pieces if p.kind != GONE]
    for i, piece in enumerate(pieces[:60]):
        m = BY_LINE_RE.match(piece.text)
        if not m:
            continue
        name = m.group(1).rstrip(".")
        author = titlecase_name(name) if name.isupper() else name
        above = [p.text for p in pieces[max(0, i - 3) : i] if len(p.text) <= 80]
        title = " ".join(above[-2:]) if above and pieces[i - 1].kind in (TEXT, HEADING) else None
        return with_facts(draft, author=author, title=title)
    return draft


TITLE_PAGE = Rule("title-page", _title_page, "author (and title) from a 'by Jane Doe' title page")


# ---------------------------------------------------------------- lists of contents


PERSONS_RE = re.compile(
    r"^(?:DRAMATIS\s+PERSON(?:AE|Æ|\u00c6|E)|PERSONS\s+(?:OF\s+THE\s+(?:DIALOGUE|DRAMA|PLAY)|"
    r"REPRESENTED|IN\s+THE\s+(?:PLAY|DRAMA))|THE\s+PERSONS(?:\s+OF\s+THE\s+PLAY)?|"
    r"CHARACTERS(?:\s+(?:IN|OF)\s+THE\s+PLAY)?|CAST\s+OF\s+CHARACTERS)\b\.?\s*:?\s*(.*)$",
    re.IGNORECASE,
)
ILLUSTRATIONS_RE = re.compile(r"^(?:LIST\s+OF\s+)?(?:ILLUSTRATIONS|PLATES)\.?$", re.IGNORECASE)
# a page number at the end of a contents line, set off by a tab, spaces or dot leaders
TRAILING_PAGE_RE = re.compile(r"(?:\t|\s{2,}|\s*[.·_…]{2,}\s*)(?:\d{1,4}|[ivxlc]{1,6})\s*$")


def entry_words(text: str) -> str:
    return normalise_title(TRAILING_PAGE_RE.sub("", text))


def contents_end(pieces: list[Piece], start: int, *, by_gap: bool) -> int | None:
    """Where a list that starts after `start` ends: where the body repeats its first entry,
    where prose or the persons of a play begin, or (for lists no body repeats) after a
    wide gap of blank lines. None when no end is clear: then nothing is removed."""
    first: str | None = None
    i = start + 1
    if i < len(pieces) and not pieces[i].text.strip(".:"):
        i += 1
    entries = 0
    while i < len(pieces) and i - start < 600:
        piece = pieces[i]
        words = entry_words(piece.text)
        if first is not None:
            if words and (
                words == first or (first.startswith(words + " ") and len(words.split()) >= 2)
            ):
                return i
            if any(r.match(piece.text) for r in (PERSONS_RE, CONTENTS_RE, ILLUSTRATIONS_RE)):
                return i
            if by_gap and piece.blanks_before >= 3:
                return i
            nxt = pieces[i + 1] if i + 1 < len(pieces) else None
            prose = (
                not CHAPTER_LABEL_RE.match(piece.text)
                and len(piece.text) >= 50
                and nxt is not None
                and nxt.blanks_before == 0
                and len(nxt.text) >= 40
                and not TRAILING_PAGE_RE.search(piece.text)
            )
            if prose:
                return i
        if first is None and words:
            first = words
        entries += 1
        i += 1
    return None


def list_rule(name: str, heading: re.Pattern[str], *, by_gap: bool, doc: str) -> Rule:
    def apply(draft: Draft) -> Draft:
        pieces = list(draft.pieces)
        limit = max(300, len(pieces) // 6)
        start = next(
            (
                i
                for i, p in enumerate(pieces[:limit])
                if p.kind == TEXT and heading.match(p.text) and len(p.text) <= 40
            ),
            None,
        )
        if start is None:
            return draft
        end = contents_end(pieces, start, by_gap=by_gap)
        if end is None:
            return draft
        toc = tuple(p.text for p in pieces[start:end])
        out, removed = drop_range(name, tuple(pieces), start, end)
        drafted = with_pieces(draft, out, removed)
        return with_facts(drafted, toc=toc) if name == RULE_TOC else drafted

    return Rule(name, apply, doc)


ETEXT_CONTENTS = list_rule(RULE_TOC, CONTENTS_RE, by_gap=False, doc="the CONTENTS list")
ILLUSTRATIONS_LIST = list_rule(
    RULE_ILLUSTRATIONS_LIST, ILLUSTRATIONS_RE, by_gap=True, doc="a list of illustrations"
)


def person_name(entry: str) -> str | None:
    """ "ROMEO, son to Montague." -> "ROMEO"; "Lady Bracknell." -> "Lady Bracknell"."""
    name = re.split(
        r",|;|:| -{1,2} | [–—] |\s{2,}|\(|(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)\.(?:\s|$)",
        entry.strip(),
        maxsplit=1,
    )[0].strip()
    name = name.strip("_*. ")
    words = name.split()
    if not 1 <= len(words) <= 4 or not words[0][:1].isupper():
        return None
    if any(w[:1].islower() and w not in ("of", "de", "la", "le", "von", "van") for w in words):
        return None
    return name


def _persons(draft: Draft) -> Draft:
    """The persons of a play or dialogue, as its list names them: read by the narrator as a
    list (an entry "FIRST CITIZEN." is no cue), and remembered so that abbreviated labels
    ("Socr.") can be given their full names."""
    pieces = list(draft.pieces)
    for i, piece in enumerate(pieces[: max(100, len(pieces) // 5)]):
        m = PERSONS_RE.match(piece.text) if piece.kind == TEXT else None
        if not m:
            continue
        names: list[str] = []
        inline = m.group(1).strip()
        if inline:
            names += [n for part in re.split(r"[,;]|\band\b", inline) if (n := person_name(part))]
        end = i + 1
        for nxt in pieces[i + 1 : i + 80]:
            if nxt.kind != TEXT or (names and nxt.blanks_before >= 3):
                break
            if CHAPTER_LABEL_RE.match(nxt.text) or re.match(r"^(SCENE|ACT)\b", nxt.text, re.I):
                break
            if len(nxt.text) > 100:
                break
            names += [name for part in nxt.text.split(";") if (name := person_name(part))]
            end += 1
        if names:
            pieces[i:end] = [replace(p, kind=LIST) for p in pieces[i:end]]
            return with_facts(with_pieces(draft, pieces), persons=tuple(dict.fromkeys(names)))
    return draft


PERSONS_LIST = Rule("persons-list", _persons, "the persons of a play, to expand abbreviated labels")


# ---------------------------------------------------------------- illustrations, footnotes

ILLUSTRATION_RE = re.compile(r"^\[\s*Illustrations?\s*(?::\s*(.*?))?\s*\]?$", re.IGNORECASE | re.S)


def _illustrations(draft: Draft) -> Draft:
    """ "[Illustration: caption]" (over one line or several) is a caption read apart from
    the text; a bare "[Illustration]" has nothing to say and goes."""
    pieces = list(draft.pieces)
    out: list[Piece] = []
    removed: list[Removal] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if piece.kind != TEXT or not re.match(r"^\[\s*Illustrations?\b", piece.text, re.I):
            out.append(piece)
            i += 1
            continue
        end = bracket_end(pieces, i, limit=15)
        if not pieces[end - 1].text.endswith("]"):
            end = i + 1  # never closed at a line's end: only this line is the picture's
        text = " ".join(p.text for p in pieces[i:end])
        m = ILLUSTRATION_RE.match(text)
        # "[Illustration: A view]", or "[Illustration" over "A view of the river]"
        caption = m.group(1).strip() if m and m.group(1) else ""
        if not caption:
            caption = re.sub(r"^\[\s*Illustrations?\s*:?", "", text, flags=re.I).strip(" ]")
        if caption:
            out.append(
                replace(piece, text=f"Illustration: {caption.rstrip(']').strip()}", kind=CAPTION)
            )
        else:
            removed.append(Removal(RULE_ILLUSTRATION, piece.line, piece.text))
            out.append(replace(piece, kind=GONE))
        out += [replace(p, kind=GONE) for p in pieces[i + 1 : end]]
        i = end
    return with_pieces(draft, out, removed)


ILLUSTRATIONS = Rule(RULE_ILLUSTRATION, _illustrations, "[Illustration: …] as a caption")

# "ship[6]", "word.[*]", "Sun Tzu: [1]": a marker after a word (a number may follow a space)
FOOTNOTE_REF_RE = re.compile(
    r"(?<=[^\s\[(])\[(?:\d{1,3}|\*{1,3}|[A-Z]|[a-z]|[†‡§])\]|(?<=[\w.,;:!?”’\"']) \[\d{1,3}\](?!\w)"
)
FOOTNOTE_BODY_RE = re.compile(
    r"^\[(?:Footnote\s+)?(\d{1,3}|\*{1,3}|[A-Z]|[a-z]|[†‡§])(?:\](?=\s)|:)\s*(.*)$",
    re.IGNORECASE,
)


def _footnotes(draft: Draft) -> Draft:
    """Note bodies ("[Footnote 3: …]", "[3] …") become notes; markers ("ship[3]") go."""
    pieces = list(draft.pieces)
    out: list[Piece] = []
    removed: list[Removal] = []
    # a lettered marker ("[A]", "[*]") is one only where a footnote carries its label
    labels = {
        m.group(1).lower()
        for p in pieces
        if p.kind == TEXT and p.blank_before and (m := FOOTNOTE_BODY_RE.match(p.text))
    }
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        body = FOOTNOTE_BODY_RE.match(piece.text) if piece.kind == TEXT else None
        if body and piece.blank_before:
            bracketed = piece.text[1:].lower().startswith("footnote")
            end = bracket_end(pieces, i, limit=80) if bracketed else paragraph_end(pieces, i)
            text = " ".join([body.group(2), *(p.text for p in pieces[i + 1 : end])]).strip()
            if bracketed and text.endswith("]"):
                text = text[:-1].rstrip()
            # the marker is not read; the body's words are, as a note
            label = piece.text[: len(piece.text) - len(body.group(2))].strip()
            removed.append(Removal(RULE_FOOTNOTE_REF, piece.line, label))
            lines = [body.group(2), *(p.text for p in pieces[i + 1 : end])]
            if bracketed and lines[-1].endswith("]"):
                lines[-1] = lines[-1][:-1]
            removed += [
                Removal(RULE_FOOTNOTE, p.line, line)
                for p, line in zip(pieces[i:end], lines, strict=True)
                if line.strip()
            ]
            out.append(replace(piece, text=text, kind=NOTE))
            out += [replace(p, kind=GONE) for p in pieces[i + 1 : end]]
            i = end
            continue
        if piece.kind == TEXT and "[" in piece.text and FOOTNOTE_REF_RE.search(piece.text):

            def marker(m: re.Match[str], line: int = piece.line) -> str:
                label = m.group(0).strip(" []")
                if not label.isdigit() and label.lower() not in labels:
                    return m.group(0)  # "fro[m]": an editor's letter, no footnote has it
                removed.append(Removal(RULE_FOOTNOTE_REF, line, m.group(0).strip()))
                return ""

            piece = replace(piece, text=FOOTNOTE_REF_RE.sub(marker, piece.text))
        out.append(piece)
        i += 1
    return with_pieces(draft, out, removed)


FOOTNOTES = Rule(RULE_FOOTNOTE, _footnotes, "footnote bodies become notes, markers go")


# ---------------------------------------------------------------- headings

# Block.level of a heading that opens a chapter whatever else is open (audiobook.chapters)
CHAPTER_HEADING = 1
# "IV.", "12", "-II-", "— III —"
NUMERAL_ALONE_RE = re.compile(r"^(?:[-–—]+\s*)?([IVXLC]{1,7}|\d{1,3})(?:\.|\s*[-–—]+)?$")
# A book's last word is not a heading: "THE END", "FINIS", "Fine.", "Ende", "Fin".
THE_END_RE = re.compile(
    r"^(?:THE\s+END|END|FINIS|FINE|FIN|ENDE|SLUT|KONIEC|EINDE)\.?$", re.IGNORECASE
)
# "I. The Period", "IV.  LAYING PLANS": a numbered chapter and its title on one line
NUMERAL_TITLE_RE = re.compile(r"^([IVXLC]{1,7})\.\s+([^\d]{1,80})$")
# "Book the First--Recalled to Life", "PART II. THE RETURN", "Volume One"
DIVISION_RE = re.compile(
    r"^(PART|BOOK|VOLUME)\s+(?:the\s+)?([IVXLC]{1,6}|\d{1,2}|[A-Za-z]+)\b\.?"
    r"(?:\s*(?:--|[-—–:.])\s*(\S.{0,80}))?$",
    re.IGNORECASE,
)
# German and Dutch put the ordinal first: "Erstes Kapitel", "Zweiter Teil"
ORDINAL_FIRST_RE = re.compile(
    r"^(Erstes|Zweites|Drittes|Viertes|Fünftes|Sechstes|Siebentes|Siebtes|Achtes|Neuntes|"
    r"Zehntes|Elftes|Zwölftes)\s+(Kapitel)\.?$",
    re.IGNORECASE,
)
GERMAN_ORDINALS = [
    "erstes", "zweites", "drittes", "viertes", "fünftes", "sechstes", "siebentes",
    "achtes", "neuntes", "zehntes", "elftes", "zwölftes",
]  # fmt: skip


def division_pieces(piece: Piece) -> list[Piece] | None:
    """ "Book the First--Recalled to Life" -> "BOOK I" and "Recalled to Life" headings."""
    m = DIVISION_RE.match(piece.text)
    if not m:
        return None
    number = m.group(2)
    value: int | None
    if number.isdigit():
        value = int(number)
    elif roman_to_int(number.upper()):
        value = roman_to_int(number.upper())
    elif number.lower() in ORDINAL_WORDS:
        value = ORDINAL_WORDS.index(number.lower()) + 1
    elif number.lower() in NUMBER_WORDS:
        value = NUMBER_WORDS.index(number.lower()) + 1
    else:
        return None
    if value is None or not 0 < value < 100:
        return None
    out = [replace(piece, text=f"{m.group(1).upper()} {int_to_roman(value)}", kind=HEADING)]
    if m.group(3):
        out.append(replace(piece, text=m.group(3).strip(), kind=HEADING, blank_before=True))
    return out


def heading_after_gap(piece: Piece, following: Piece | None) -> bool:
    """E-texts set a heading off with two blank lines or more before it and one after."""
    return (
        piece.blanks_before >= 2
        and (following is None or following.blanks_before >= 1)
        and len(piece.text) <= 60
        and is_uppercase_line(piece.text)
        and not re.search(r"[,;:]$", piece.text)
    )


def join_title_lines(pieces: list[Piece]) -> list[Piece]:
    """ "CRITO;" / "OR," / "THE DUTY OF A CITIZEN.": a title set off by blank lines but
    printed over a few short lines in capitals is one line, so it can be one heading."""
    out: list[Piece] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        end = i + 1
        while (
            end < len(pieces)
            and end - i < 5
            and pieces[end].kind == TEXT
            and pieces[end].blanks_before == 0
            and len(pieces[end].text) <= 60
            and is_uppercase_line(pieces[end].text)
        ):
            end += 1
        after = pieces[end] if end < len(pieces) else None
        if (
            end > i + 1
            and piece.kind == TEXT
            and piece.blanks_before >= 2
            and len(piece.text) <= 60
            and is_uppercase_line(piece.text)
            and (after is None or after.blanks_before >= 1)
        ):
            text = " ".join(p.text for p in pieces[i:end])
            out.append(replace(piece, text=text))
            out += [replace(p, kind=GONE) for p in pieces[i + 1 : end]]
            i = end
            continue
        out.append(piece)
        i += 1
    return out


def _etext_headings(draft: Draft) -> Draft:
    pieces = join_title_lines(list(draft.pieces))
    labelled = any(
        p.kind == TEXT and p.blank_before and CHAPTER_LABEL_RE.match(p.text) for p in pieces
    )
    out: list[Piece] = []
    visible = [p for p in pieces if p.kind != GONE]
    after = {id(p): visible[k + 1] if k + 1 < len(visible) else None for k, p in enumerate(visible)}
    for piece in pieces:
        if (
            piece.kind != TEXT
            or not piece.blank_before
            or len(piece.text) > 100
            or THE_END_RE.match(piece.text)
        ):
            out.append(piece)
            continue
        following = after.get(id(piece))
        set_off = following is None or following.blanks_before >= 1
        label = label_pieces(piece, piece.text)
        numeral = NUMERAL_ALONE_RE.match(piece.text)
        numbered = NUMERAL_TITLE_RE.match(piece.text) if set_off else None
        ordinal = ORDINAL_FIRST_RE.match(piece.text)
        division = division_pieces(piece) if set_off else None
        if label:
            out += label
        elif ordinal:
            number = str(GERMAN_ORDINALS.index(ordinal.group(1).lower()) + 1)
            out.append(replace(piece, text=number, kind=NUMERAL, level=-1, label=ordinal.group(2)))
        elif division:
            out += division
        elif STRUCTURE_RE.match(piece.text) and len(piece.text.split()) <= 4:
            out.append(replace(piece, kind=HEADING))
        elif (
            numbered
            and (numbered.group(1).isdigit() or roman_to_int(numbered.group(1)))
            and is_title_case(numbered.group(2))
            and not re.search(r"[,;:]$", numbered.group(2))
        ):
            # in a book of labelled chapters a numbered title is a section, unless a wide gap
            # sets it off as a chapter ("VII. THE ADVENTURE OF THE BLUE CARBUNCLE")
            wide = piece.blanks_before >= 3
            kind = SECTION if labelled and not wide else NUMERAL
            out.append(replace(piece, text=numbered.group(1), kind=kind, label=""))
            if kind == NUMERAL:
                out.append(replace(piece, text=numbered.group(2).rstrip("."), kind=HEADING))
            else:
                out[-1] = replace(piece, kind=SECTION)
        elif (
            numeral
            and (following is None or following.blanks_before >= 1)
            and (numeral.group(1).isdigit() or roman_to_int(numeral.group(1)))
        ):
            kind = SECTION if labelled else NUMERAL
            out.append(replace(piece, text=numeral.group(1), kind=kind, label=""))
        elif FRONT_MATTER_RE.fullmatch(piece.text.strip(". ")) and set_off:
            out.append(replace(piece, kind=HEADING, level=CHAPTER_HEADING))
        elif heading_after_gap(piece, following):
            # a wide gap (e-texts put four blank lines before a chapter) opens a chapter
            level = CHAPTER_HEADING if piece.blanks_before >= 3 else 0
            out.append(replace(piece, kind=HEADING, level=level))
        else:
            out.append(piece)
    out = mark_titles_under_labels(unlist_label_runs(out), strict=False)
    return with_pieces(draft, join_split_headings(out))


ETEXT_HEADINGS = Rule(
    "etext-headings",
    _etext_headings,
    "CHAPTER labels, numerals alone, headings set off by blank lines",
)
