"""Layouts: what kind of text this is, and the ordered list of named rules that clean it.

A layout is chosen once, from evidence in the text (or forced with `--layout NAME`), and
`inspect` says which was chosen and why. Each layout is a table: `Layout.rules` in the order
they run. Rules shared by several layouts are written once (`audiobook.rules`). OCR repairs
run where the text shows print or damage: always in `ocr`, in `markdown` and `transcript`
only when the text shows damage (paragraphs broken mid-sentence, page numbers, broken
words), never in `etext` or `play`, whose repeated lines and hyphens are the author's.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

from audiobook.errors import UserError
from audiobook.model import SourceLine
from audiobook.rules import Rule
from audiobook.rules.etext import (
    ETEXT_BOILERPLATE,
    ETEXT_CONTENTS,
    ETEXT_HEADINGS,
    FOOTNOTES,
    ILLUSTRATIONS,
    ILLUSTRATIONS_LIST,
    PERSONS_LIST,
    START_RE,
    TITLE_PAGE,
)
from audiobook.rules.markup import (
    BYLINE,
    CAPTIONS,
    HTML_ENTITY,
    MARKDOWN_CONTENTS,
    MARKDOWN_ESCAPE,
    MARKDOWN_HEADINGS,
    MARKDOWN_LINKS,
)
from audiobook.rules.paragraphs import OCR_REPAIRS, blank_line_join, paragraphs, print_join
from audiobook.rules.play import (
    ACT_RE,
    CUE_LINES,
    DIRECTION_LINE_RE,
    INLINE_DIRECTIONS,
    PLAY_HEADINGS,
    SCENE_RE,
    STAGE_DIRECTIONS,
)
from audiobook.rules.printed import (
    DOUBLED_WORD,
    FOOTNOTE_LINE,
    PAGE_NUMBER,
    PRINT_CONTENTS,
    PRINT_HEADINGS,
    REPEATED_HEADER,
    RUNNING_HEADER,
    SCENE_BREAK,
    SIGNATURE_MARK,
    SIGNED_AUTHOR,
    when_damaged,
)
from audiobook.rules.transcript import TIMESTAMP_RE, TIMESTAMPS
from audiobook.textforms import (
    CHAPTER_LABEL_RE,
    MARKDOWN_HEADING_RE,
    PAGE_NUMBER_RE,
    SIGNATURE_RE,
    TERMINAL_END_RE,
    is_uppercase_line,
)

# How chapters are found after cleaning (audiobook.chapters): by Markdown heading levels, or
# by the divisions, numbered chapters and sections of a book.
HEADING_LEVELS = "heading-levels"
BOOK_STRUCTURE = "book-structure"


@dataclass(frozen=True)
class Layout:
    """A kind of text: the rules that clean it, in order, and how its chapters are found."""

    name: str
    description: str
    example: str  # a line of such a text, for the README and `--help`
    rules: tuple[Rule, ...]
    chapters: str  # HEADING_LEVELS or BOOK_STRUCTURE
    # A paragraph without a label continues the last speaker (an interview, a dialogue);
    # in a play every speech has its cue, and what has none is the narrator's.
    turns_continue: bool = True
    # OCR loses chapter-number lines: an unnumbered chapter amid numbered ones gets its number
    # from the sequence. In clean texts an unnumbered heading is meant so (an appendix).
    numbers_go_missing: bool = False

    @property
    def rule_names(self) -> list[str]:
        return [rule.name for rule in self.rules]


MARKDOWN = Layout(
    "markdown",
    "an article or interview in Markdown: # title, ## sections, **Name** turns",
    "**Wells** I am very much obliged to you, Mr Stalin.",
    (
        ETEXT_BOILERPLATE,
        HTML_ENTITY,
        MARKDOWN_ESCAPE,
        MARKDOWN_HEADINGS,
        MARKDOWN_CONTENTS,
        MARKDOWN_LINKS,
        CAPTIONS,
        SCENE_BREAK,
        PAGE_NUMBER,
        paragraphs(print_join, OCR_REPAIRS, damaged_only=True),
        when_damaged(DOUBLED_WORD),
        BYLINE,
    ),
    HEADING_LEVELS,
)
TRANSCRIPT = Layout(
    "transcript",
    "a podcast or interview transcript: Name: turns, timestamps, [laughs]",
    "**Adam Stacoviak:** [00:04:03] Welcome back. \\[laughs\\]",
    (
        ETEXT_BOILERPLATE,
        HTML_ENTITY,
        MARKDOWN_ESCAPE,
        MARKDOWN_HEADINGS,
        MARKDOWN_CONTENTS,
        TIMESTAMPS,
        MARKDOWN_LINKS,
        SCENE_BREAK,
        paragraphs(print_join, OCR_REPAIRS, damaged_only=True),
        BYLINE,
    ),
    HEADING_LEVELS,
)
OCR = Layout(
    "ocr",
    "a printed book, scanned: page numbers, running headers, broken words",
    "THE CROSSING    (a running header)    27    (a page number)",
    (
        ETEXT_BOILERPLATE,
        HTML_ENTITY,
        PRINT_CONTENTS,
        SCENE_BREAK,
        PAGE_NUMBER,
        SIGNATURE_MARK,
        FOOTNOTE_LINE,
        PRINT_HEADINGS,
        RUNNING_HEADER,
        REPEATED_HEADER,
        paragraphs(print_join, OCR_REPAIRS),
        DOUBLED_WORD,
        SIGNED_AUTHOR,
        TITLE_PAGE,
    ),
    BOOK_STRUCTURE,
    numbers_go_missing=True,
)
# What e-texts and plays from the same libraries share: the wrapping around the book, lists,
# pictures and notes. One tuple, so a fix to it serves both.
ETEXT_FURNITURE = (
    ETEXT_BOILERPLATE,
    HTML_ENTITY,
    ETEXT_CONTENTS,
    ILLUSTRATIONS_LIST,
    PERSONS_LIST,
    ILLUSTRATIONS,
    FOOTNOTES,
    SCENE_BREAK,
)
ETEXT = Layout(
    "etext",
    "a clean e-text (Project Gutenberg and the like), or any plain text",
    "CHAPTER I.    [Illustration: A caption]    _italics_",
    (
        *ETEXT_FURNITURE,
        ETEXT_HEADINGS,
        TITLE_PAGE,
        paragraphs(blank_line_join),
        SIGNED_AUTHOR,
    ),
    BOOK_STRUCTURE,
)
PLAY = Layout(
    "play",
    "a play: ACT and SCENE headings, NAME. cues, stage directions",
    "ROMEO.    (a cue on its own line, the speech below it)",
    (
        *ETEXT_FURNITURE,
        PLAY_HEADINGS,
        CUE_LINES,
        STAGE_DIRECTIONS,
        TITLE_PAGE,
        paragraphs(blank_line_join),
        INLINE_DIRECTIONS,
    ),
    BOOK_STRUCTURE,
    turns_continue=False,
)
LAYOUTS: dict[str, Layout] = {
    layout.name: layout for layout in (MARKDOWN, TRANSCRIPT, OCR, ETEXT, PLAY)
}


def get_layout(name: str) -> Layout:
    try:
        return LAYOUTS[name]
    except KeyError:
        choices = ", ".join(LAYOUTS)
        raise UserError(f"no layout called {name!r}; the layouts are: {choices}") from None


# ---------------------------------------------------------------- detection


@dataclass(frozen=True)
class Evidence:
    """What the raw text shows, counted once; layouts are chosen from it."""

    gutenberg: bool  # a Project Gutenberg start marker
    markdown_headings: int
    title_line: bool  # "# title" near the top
    page_numbers: int  # bare numbers on lines of their own
    signature_marks: int
    tabbed_contents: int  # contents lines with tab stops
    repeated_headers: int  # short capital lines printed again and again (running headers)
    broken_words: int  # words hyphenated at a line end, continued in lower case
    broken_paragraphs: int  # a blank line in the middle of a sentence
    cues: int  # lines opening with a play's or dialogue's speaker cue
    acts: int  # ACT and SCENE headings
    directions: int  # stage directions on lines of their own
    timestamps: int
    colon_labels: int  # paragraphs opening with "Name:" or "**Name:**"
    name_cues: int  # paragraphs opening with "Mrs. Stockmann." or "Peter Stockmann (aside)."
    markdown_marks: int  # lines with **bold** or Markdown escapes (\[ \* \_)
    paragraphs: int

    @property
    def print_score(self) -> int:
        return (
            min(self.page_numbers, 5)
            + 3 * min(self.signature_marks, 2)
            + (3 if self.tabbed_contents >= 2 else 0)
            + min(self.repeated_headers, 3)
            + min(self.broken_words, 3)
        )

    @property
    def damaged(self) -> bool:
        return self.print_score >= 3 or self.broken_paragraphs >= 2


@dataclass(frozen=True)
class LayoutChoice:
    layout: Layout
    reason: str  # why it was chosen, for `inspect`
    evidence: Evidence
    forced: bool = False

    @property
    def damaged(self) -> bool:
        return self.layout is OCR or self.evidence.damaged


CAPS_CUE_RE = re.compile(r"^\s*([A-Z][A-Z'’-]+(?:\s+(?:[A-Z][A-Z'’-]*|OF|DE|LA|LE))*)\.(?:\s+\S|$)")
# "  Samp. Gregory, on my word": an abbreviated name, indented, as old editions print cues
ABBREVIATED_CUE_RE = re.compile(
    r"^\s+(?!(?:Mr|Mrs|Ms|Dr|St|Mt|No)\.)[A-Z][a-z]{1,6}\.(?: [A-Z][a-z]{0,6}\.)?\s+[A-Z\[(]"
)
ITALIC_CUE_RE = re.compile(r"^\s*(?:\d{1,3}\.\s+)?([_*])[A-Z][\w'’ ]{0,20}\.?\1[.:]?\s")
COLON_LABEL_RE = re.compile(
    r"^\s*(?:\*\*[^*\n]{1,40}:\*\*|\*\*[^*\n]{1,40}\*\*:|[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}:)\s"
)
NAME_CUE_RE = re.compile(
    r"^\s*(?:(?:Mr|Mrs|Ms|Dr|St|Sir|Lady|Lord)\. [A-Z][a-z'’-]+"
    r"|[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){1,2})"
    r"(?:\s*\([^()]{1,160}\))?\.\s+\S"
)
NOT_CUES = frozenset(
    "ACT SCENE CHAPTER PART BOOK VOLUME THE END FINIS CONTENTS PROLOGUE EPILOGUE NOTE "
    "NOTES PREFACE INTRODUCTION INDEX APPENDIX".split()
)


def gather_evidence(lines: list[SourceLine]) -> Evidence:
    texts = [line.text for line in lines]
    nonblank = [i for i, t in enumerate(texts) if t.strip()]
    blank_before = {i: i == 0 or not texts[i - 1].strip() for i in nonblank}
    head = texts[: max(300, len(texts) // 50)]
    short_caps = Counter(
        t.strip()
        for t in texts
        if 3 <= len(t.strip()) <= 60
        and is_uppercase_line(t)
        and not CHAPTER_LABEL_RE.match(t.strip())
    )
    cues = 0
    for i in nonblank:
        t = texts[i]
        m = CAPS_CUE_RE.match(t)
        if (
            m
            and m.group(1).split()[0] not in NOT_CUES
            and not re.fullmatch(r"[IVXLC]+", m.group(1))
        ):
            cues += 1
        elif ITALIC_CUE_RE.match(t) or ABBREVIATED_CUE_RE.match(t):
            cues += 1
    broken_paragraphs = 0
    previous = ""
    for i in nonblank:
        t = texts[i].strip()
        if (
            blank_before[i]
            and t[:1].islower()
            and previous
            and not TERMINAL_END_RE.search(previous[-16:])
            and len(previous) > 40
        ):
            broken_paragraphs += 1
        previous = t
    return Evidence(
        gutenberg=any(START_RE.match(t.strip()) for t in texts[:2000]),
        markdown_headings=sum(1 for t in texts if MARKDOWN_HEADING_RE.match(t)),
        title_line=any(t.startswith("# ") for t in texts[:20]),
        page_numbers=sum(1 for i in nonblank if blank_before[i] and PAGE_NUMBER_RE.match(texts[i])),
        signature_marks=sum(1 for i in nonblank if SIGNATURE_RE.match(texts[i])),
        tabbed_contents=sum(1 for t in head if "\t" in t and re.search(r"\d\s*$", t)),
        repeated_headers=sum(1 for count in short_caps.values() if count >= 3),
        broken_words=sum(
            1
            for i, j in itertools.pairwise(nonblank)
            if re.search(r"[a-z]-$", texts[i]) and texts[j].strip()[:1].islower() and j > i + 1
        ),
        broken_paragraphs=broken_paragraphs,
        cues=cues,
        acts=sum(
            1
            for i in nonblank
            if blank_before[i]
            and (ACT_RE.match(texts[i].strip()) or SCENE_RE.match(texts[i].strip()))
        ),
        directions=sum(
            1
            for i in nonblank
            if blank_before[i]
            and DIRECTION_LINE_RE.match(texts[i].strip())
            and not texts[i].strip().startswith(("[Illustration", "[Footnote"))
        ),
        timestamps=sum(1 for t in texts if TIMESTAMP_RE.search(t)),
        colon_labels=sum(1 for i in nonblank if blank_before[i] and COLON_LABEL_RE.match(texts[i])),
        name_cues=sum(1 for i in nonblank if blank_before[i] and NAME_CUE_RE.match(texts[i])),
        markdown_marks=sum(1 for t in texts if "**" in t or re.search(r"\\[\[\]*_]", t)),
        paragraphs=sum(1 for i in nonblank if blank_before[i]),
    )


def detect_layout(lines: list[SourceLine]) -> LayoutChoice:
    """The layout the text shows, with the evidence said in words."""
    e = gather_evidence(lines)
    cues = e.cues + (e.colon_labels + e.name_cues if e.acts >= 2 else 0)  # "HAMLET: …"
    # acts make a play of a few cues; without them only cues on a tenth of the paragraphs do
    # (a novel's journal headings in italics look like stage directions)
    many_cues = cues >= max(100, 0.1 * e.paragraphs)
    if cues >= 20 and (e.acts >= 2 or (e.directions >= 10 and many_cues)):
        return LayoutChoice(
            PLAY,
            f"{cues} speaker cues, {e.acts} ACT/SCENE headings, {e.directions} stage directions",
            e,
        )
    if e.timestamps >= 5 and e.timestamps >= 0.05 * e.paragraphs:
        return LayoutChoice(
            TRANSCRIPT, f"{e.timestamps} timestamps, {e.colon_labels} Name: labels", e
        )
    if e.markdown_headings >= 2 or (e.markdown_headings >= 1 and e.title_line):
        return LayoutChoice(MARKDOWN, f"{e.markdown_headings} Markdown headings", e)
    if e.gutenberg:
        return LayoutChoice(ETEXT, "a Project Gutenberg header", e)
    if e.print_score >= 3:
        return LayoutChoice(
            OCR,
            f"print on the page: {e.page_numbers} page numbers, {e.signature_marks} signature "
            f"marks, {e.repeated_headers} running headers, {e.broken_words} broken words"
            + (", a tabbed contents list" if e.tabbed_contents >= 2 else ""),
            e,
        )
    # "Name: …" turns in Markdown are a transcript; in plain text (a dialogue, a play's
    # script) the e-text rules, which also find its headings, serve better
    if e.paragraphs and e.colon_labels >= max(5, 0.3 * e.paragraphs) and e.markdown_marks:
        return LayoutChoice(
            TRANSCRIPT, f"{e.colon_labels} of {e.paragraphs} paragraphs open with Name:", e
        )
    return LayoutChoice(ETEXT, "plain text with no print, Markdown or play conventions", e)


def choose_layout(lines: list[SourceLine], name: str | None = None) -> LayoutChoice:
    """The forced layout when one is named, else the detected one."""
    detected = detect_layout(lines)
    if name is None:
        return detected
    return LayoutChoice(
        get_layout(name), f"forced with --layout {name}", detected.evidence, forced=True
    )


def describe_layouts() -> str:
    """One line a layout, for `--help` and the README."""
    return "\n".join(f"{layout.name}: {layout.description}" for layout in LAYOUTS.values())
