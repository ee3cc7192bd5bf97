"""An e-book's sections into chapters: which entries of its table of contents are files to
listen to, which are parts that enclose them, and which are headings inside a chapter.

The e-book readers (EPUB, HTML, DOCX, PDF) give sections in reading order, each with its
depth in the table of contents. A listener wants one file per chapter, so:

- an entry with entries under it is a division (a part, a book, a volume) when its title
  says so ("Part One"), when an entry under it does ("Chapter 3", "Book II"), or when it
  runs too long for one file and its entries are chapters of their own; otherwise it is one
  chapter, and the entries under it are its sections (a story's numbered parts);
- an entry with nothing but its heading opens the chapters after it: a flat table of
  contents lists "PART II" beside its chapters, and its heading is read before the next
  chapter. Before the first chapter such entries are the title page, and left out;
- every other entry is a chapter.

The result is the same `ChapterText`s the plain-text half makes, so speakers, casting and
every output work unchanged. This stage is pure: Ebook in, chapters out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from audiobook.chapters import SECTION_LABEL_RE, spoken_section
from audiobook.ebook.epub import CONTENTS_HEADING_RE
from audiobook.ebook.model import BlockKind, Ebook, EbookBlock, EbookSection, SkippedPart
from audiobook.model import Block, BlockStyle, Chapter, ChapterText, Division, Removal
from audiobook.saying import number_to_words
from audiobook.spoken import ORDINAL_LABELS, label_to_words, spoken_heading
from audiobook.textforms import CHAPTER_LABEL_RE, STRUCTURE_RE, roman_to_int

# A chapter of more words than this (some 90 minutes read aloud) whose entries are
# substantial is split into them: one file a listener can finish.
CHAPTER_MAX_WORDS = 14_000
SECTION_MIN_WORDS = 1_000  # an entry this long can be a file of its own
MAX_HEADING_LEVEL = 6
# Entries the makers of an e-book added, which its markup does not mark.
TRANSCRIBER_TITLE_RE = re.compile(
    r"^\W*(?:original\s+)?transcriber['’]?s?\s+notes?\b|^\W*errata\b", re.IGNORECASE
)
CONTENTS_MAX_WORDS_PER_LINE = 12
OPENING_MAX_WORDS = 60  # leading chapters this short are gathered into one
COPYRIGHT_PAGE_MAX_WORDS = 400
# "E-text prepared by …", "Produced by …": the makers of a free e-text, as a heading
CREDIT_TITLE_RE = re.compile(
    r"^\W*(?:e-?text\s+|e-?book\s+)?(?:prepared|produced|transcribed)\s+by\b", re.IGNORECASE
)
COPYRIGHT_RE = re.compile(r"©|\bcopyright\b", re.IGNORECASE)
RIGHTS_RE = re.compile(
    r"\ball rights reserved\b|\bISBN\b|\bprinted in\b|\bfirst (?:published|edition)\b",
    re.IGNORECASE,
)
GUTENBERG_NOTICE_RE = re.compile(
    r"^\W*there is an illustrated edition of this title", re.IGNORECASE
)
TABLE_MAX_ROWS = 12  # a longer table is left out, with a sentence saying so
TABLE_MAX_FIGURES_SHARE = 0.5  # … and so is one whose words are mostly figures
NUMBERED_TITLE_RE = re.compile(r"^([IVXLC]{1,7}|\d{1,3})(?:\s*[.:—–-]\s*|\s+)(\S.*)$")
BARE_NUMERAL_RE = re.compile(r"^([IVXLC]{1,7}|\d{1,3})\.?$")
# "I: The Old World", "One", "IV.", "the First. Recalled to Life"
DIVISION_NUMBER_RE = re.compile(
    r"^((?:the\s+)?\S+?)(?:\s*[.:—–-]\s*|\s+)(\S.*)$|^((?:the\s+)?\S+?)\.?$", re.IGNORECASE
)
ORDINAL_RE = re.compile(
    r"^(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|"
    r"eleventh|twelfth|last|final)$",
    re.IGNORECASE,
)

# "[1] ", "(12) ", "1. ", "3) ", "* ", "†† " before a note's text (a bare "1914 was" is text)
NOTE_LABEL_RE = re.compile(
    r"^\s*(?:[\[(]\s*(?:\d{1,4}|[a-z]|[*†‡§¶]{1,3})\s*[\])]|\d{1,4}[.)]|[*†‡§¶]{1,3})[.:]?\s+(?=\S)"
)
NOTE_HOLDERS = (BlockStyle.PARAGRAPH, BlockStyle.QUOTE)  # blocks whose notes are read after them
BLOCK_STYLES = {
    BlockKind.PARAGRAPH: BlockStyle.PARAGRAPH,
    BlockKind.QUOTE: BlockStyle.QUOTE,
    BlockKind.VERSE_LINE: BlockStyle.PARAGRAPH,
    BlockKind.ASIDE: BlockStyle.PARAGRAPH,
    BlockKind.TABLE_ROW: BlockStyle.PARAGRAPH,
    BlockKind.LIST_ITEM: BlockStyle.LIST,
    BlockKind.CAPTION: BlockStyle.CAPTION,
}


@dataclass
class _Node:
    """A table-of-contents entry with the entries under it."""

    section: EbookSection
    children: list[_Node] = field(default_factory=list)

    def sections(self) -> Iterator[tuple[EbookSection, int]]:
        """This entry and every entry under it, with its depth below this one."""
        stack = [(self, 0)]
        while stack:
            node, depth = stack.pop()
            yield node.section, depth
            stack.extend((child, depth + 1) for child in reversed(node.children))

    def words(self) -> int:
        return sum(section_words(section) for section, _ in self.sections())


@dataclass
class _Draft:
    """A chapter being gathered: its entries in order, each with its heading depth."""

    title: str
    divisions: tuple[Division, ...]
    parts: list[tuple[EbookSection, int]] = field(default_factory=list)


@dataclass(frozen=True)
class EbookChapters:
    """The chapters an e-book gives, and everything not read: what its reader left out,
    long tables, and the entries of its title page."""

    chapters: list[ChapterText]
    skipped: tuple[SkippedPart, ...] = ()


def section_words(section: EbookSection) -> int:
    return sum(
        len(block.text.split()) for block in section.blocks if block.kind != BlockKind.HEADING
    )


def has_text(section: EbookSection) -> bool:
    """Whether an entry says anything beyond its headings."""
    return any(block.text.strip() for block in section.blocks if block.kind != BlockKind.HEADING)


def section_tree(sections: Iterable[EbookSection]) -> list[_Node]:
    """Entries under the entry above them of a smaller depth."""
    roots: list[_Node] = []
    stack: list[_Node] = []
    for section in sections:
        node = _Node(section)
        while stack and stack[-1].section.level >= section.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


def clean_title(text: str) -> str:
    """A title as shown: compatibility forms folded ("Ⅳ" -> "IV"), whitespace single."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def same_words(a: str, b: str) -> bool:
    """Whether two titles have the same words, whatever their case and punctuation."""
    words_a = re.findall(r"\w+", clean_title(a).casefold())
    return bool(words_a) and words_a == re.findall(r"\w+", clean_title(b).casefold())


def is_structure_title(title: str) -> bool:
    """ "Part One", "BOOK II: The Return", "Volume 3" """
    return bool(STRUCTURE_RE.match(clean_title(title)))


def is_chapter_title(title: str) -> bool:
    """ "Chapter 3", "CHAPTER IV. The Pool", "Act II", "Letter 12" """
    return bool(CHAPTER_LABEL_RE.match(clean_title(title)))


def is_division(node: _Node) -> bool:
    """Whether an entry with entries under it encloses chapters rather than being one."""
    if not node.children:
        return False
    title = node.section.title
    if is_structure_title(title):
        return True
    if any(
        is_structure_title(c.section.title) or is_chapter_title(c.section.title)
        for c in node.children
    ):
        return True
    if any(is_division(child) for child in node.children):
        return True
    substantial = sum(1 for c in node.children if c.words() >= SECTION_MIN_WORDS)
    return node.words() > CHAPTER_MAX_WORDS and substantial >= 2


def division_of(title: str) -> Division:
    """ "Part I: The Old World" -> Division("PART I", "The Old World"); an entry that is no
    numbered part ("The Fellowship of the Ring") is its own label."""
    text = clean_title(title)
    m = STRUCTURE_RE.match(text)
    if m:
        number = m.group(2).strip().rstrip(".")
        if number and _is_number(number):  # "Part Two", "Part the Second"
            return Division(f"{m.group(1).upper()} {number.upper()}")
        rest = DIVISION_NUMBER_RE.match(m.group(2).strip())
        if rest and rest.group(3):
            return Division(f"{m.group(1).upper()} {rest.group(3).upper()}")
        if rest and _is_number(rest.group(1)):
            return Division(f"{m.group(1).upper()} {rest.group(1).upper()}", rest.group(2))
        return Division(m.group(1).upper(), m.group(2).strip() or None)
    return Division(text)


def _is_number(word: str) -> bool:
    """ "IV", "12", "One", "the First" """
    word = re.sub(r"^the\s+", "", word.strip(".:"), flags=re.IGNORECASE)
    return (
        word.isdigit()
        or roman_to_int(word.upper()) is not None
        or word.lower() in ORDINAL_LABELS
        or bool(ORDINAL_RE.match(word))
    )


def numeral_value(token: str, sequence: frozenset[int] = frozenset()) -> int | None:
    """ "12" -> 12, "IV" -> 4; a single letter ("C", "I", "V") only where the book's bare
    numerals (`sequence`) run up to it: a dictionary's "C" is a letter, a story's "I" before
    "II" a number."""
    token = token.strip(".")
    if token.isdigit():
        return int(token)
    value = roman_to_int(token.upper()) if token.isupper() else None
    if value is None or len(token) > 1:
        return value
    follows = value - 1 in sequence if value > 1 else value + 1 in sequence
    return value if follows else None


def bare_numerals(ebook: Ebook) -> frozenset[int]:
    """The values of the numerals that open the book's titles and headings ("II", "12.",
    "IV. The Weir")."""
    texts = [section.title for section in ebook.sections] + [
        block.text for block in ebook.blocks() if block.kind == BlockKind.HEADING
    ]
    values = set()
    for text in texts:
        m = BARE_NUMERAL_RE.match(clean_title(text)) or NUMBERED_TITLE_RE.match(clean_title(text))
        if m:
            token = m.group(1)
            value = int(token) if token.isdigit() else roman_to_int(token)
            if value:
                values.add(value)
    return frozenset(values)


def spoken_title(text: str, language: str = "en", sequence: frozenset[int] = frozenset()) -> str:
    """A heading as it is said: "CHAPTER IV. The Pool" -> "Chapter Four. The Pool.",
    "II" -> "Two.", "Part I" -> "Part One.", a title in capitals in title case."""
    text = clean_title(text)
    m = CHAPTER_LABEL_RE.match(text)
    if m:
        number = m.group(2)
        value = int(number) if number.isdigit() else roman_to_int(number.upper())
        label = m.group(1).title()
        if value and language == "en":
            label = f"{label} {number_to_words(value).title()}"
        else:
            label = f"{label} {number}"
        return spoken_heading(label, m.group(3))
    if STRUCTURE_RE.match(text):
        division = division_of(text)
        return spoken_heading(label_to_words(division.label), division.title)
    if SECTION_LABEL_RE.match(text):  # "Scene II. A street." -> "Scene Two. A street."
        return spoken_section(text, language)
    numbered = NUMBERED_TITLE_RE.match(text) or BARE_NUMERAL_RE.match(text)
    if numbered and numeral_value(numbered.group(1), sequence):
        title = numbered.group(2) if numbered.re is NUMBERED_TITLE_RE else None
        return spoken_heading(spoken_section(numbered.group(1), language), title)
    return spoken_heading(None, text)


def chapter_number_and_title(
    title: str, sequence: frozenset[int] = frozenset()
) -> tuple[str | None, str]:
    """ "CHAPTER IV. The Pool" -> ("IV", "The Pool"); "IV. The Pool" -> ("IV", "The Pool");
    a title without a number is kept whole."""
    text = clean_title(title)
    m = CHAPTER_LABEL_RE.match(text)
    if m:
        return m.group(2), (m.group(3) or text).strip()
    numbered = NUMBERED_TITLE_RE.match(text)
    if numbered and numeral_value(numbered.group(1), sequence):
        return numbered.group(1), numbered.group(2).strip()
    bare = BARE_NUMERAL_RE.match(text)
    if bare and numeral_value(bare.group(1), sequence):
        return bare.group(1), text
    return None, text


# ---------------------------------------------------------------- not the book


def leave_out_editorial(ebook: Ebook) -> Ebook:
    """What an e-book's makers added that its markup does not mark: a transcriber's notes
    (as plain Gutenberg texts are read without them), a short copyright page, Gutenberg's
    "there is an illustrated edition" line. Each is listed as left out."""
    skipped = list(ebook.skipped)
    sections = []
    dropped: tuple[int, str] | None = None  # the level of an entry left out, and why
    for section in ebook.sections:
        where = section.source + (f"#{section.fragment}" if section.fragment else "")
        if dropped and section.level > dropped[0]:
            reason: str | None = dropped[1]  # the entries under it go with it
        else:
            reason = editorial_section(section)
            dropped = (section.level, reason) if reason else None
        if reason:
            blocks = [b for b in section.blocks if b.text]
            text = " ".join(b.text for b in blocks)
            skipped.append(SkippedPart(where, reason, shortened(text), len(text.split())))
            continue
        kept = []
        for block in section.blocks:
            if block.kind != BlockKind.HEADING and GUTENBERG_NOTICE_RE.match(block.text):
                skipped.append(
                    SkippedPart(where, "gutenberg-notice", block.text, len(block.text.split()))
                )
                continue
            kept.append(block)
        sections.append(replace(section, blocks=tuple(kept)))
    return replace(ebook, sections=tuple(sections), skipped=tuple(skipped))


def editorial_section(section: EbookSection) -> str | None:
    """Why a whole entry is not the book, or None."""
    if TRANSCRIBER_TITLE_RE.match(clean_title(section.title)):
        return "transcriber-note"
    lines = [b.text for b in section.blocks if b.kind != BlockKind.HEADING and b.text]
    text = " ".join(lines)
    if CREDIT_TITLE_RE.match(clean_title(section.title)):
        if len(text.split()) <= COPYRIGHT_PAGE_MAX_WORDS:
            return "producer-credit"
    first_title = clean_title(section.title).split(". ")[0]
    if CONTENTS_HEADING_RE.match(first_title) and (
        not lines or len(text.split()) / len(lines) <= CONTENTS_MAX_WORDS_PER_LINE
    ):
        return "toc"  # what is left of a contents list once its links are gone
    if len(text.split()) <= COPYRIGHT_PAGE_MAX_WORDS and COPYRIGHT_RE.search(text):
        if RIGHTS_RE.search(text):
            return "copyright-page"
    return None


def drop_empty_headings(ebook: Ebook) -> Ebook:
    """A heading inside an entry with nothing under it before the next heading of its rank
    or above (its notes moved to the paragraphs citing them): read, it is a title over
    silence. The headings an entry opens with are its own and stay."""
    skipped = list(ebook.skipped)
    sections = []
    for section in ebook.sections:
        blocks = list(section.blocks)
        opening = opening_headings(blocks)
        empty = {
            position
            for position, block in enumerate(blocks)
            if block.kind == BlockKind.HEADING
            and position not in opening
            and heads_nothing(blocks, position)
        }
        if empty:
            where = section.source + (f"#{section.fragment}" if section.fragment else "")
            skipped += [
                SkippedPart(where, "empty-heading", blocks[p].text, 0) for p in sorted(empty)
            ]
            blocks = [b for p, b in enumerate(blocks) if p not in empty]
        sections.append(replace(section, blocks=tuple(blocks)))
    return replace(ebook, sections=tuple(sections), skipped=tuple(skipped))


def heads_nothing(blocks: Sequence[EbookBlock], position: int) -> bool:
    level = blocks[position].level
    for block in blocks[position + 1 :]:
        if block.kind == BlockKind.HEADING:
            return block.level <= level
        if block.kind not in (BlockKind.PAGE_BREAK, BlockKind.SCENE_BREAK) and block.text:
            return False
    return True


# ---------------------------------------------------------------- tables


def leave_out_long_tables(ebook: Ebook) -> Ebook:
    """A table a listener can follow is read row by row; a long or mostly numeric one (a
    timetable, a table of figures) is left out, and a sentence says so where it stood."""
    skipped = list(ebook.skipped)
    sections = []
    for section in ebook.sections:
        blocks: list[EbookBlock] = []
        run: list[EbookBlock] = []
        for block in (*section.blocks, None):
            if block is not None and (
                block.kind == BlockKind.TABLE_ROW or (run and block.kind == BlockKind.PAGE_BREAK)
            ):
                run.append(block)
                continue
            rows = [b for b in run if b.kind == BlockKind.TABLE_ROW]
            if rows and not readable_table(rows):
                where = section.source + (f"#{section.fragment}" if section.fragment else "")
                text = " ".join(b.text for b in rows)
                skipped.append(SkippedPart(where, "table", shortened(text), len(text.split())))
                blocks.append(EbookBlock(BlockKind.PARAGRAPH, table_note(len(rows))))
                blocks += [b for b in run if b.kind == BlockKind.PAGE_BREAK]
            else:
                blocks += run
            run = []
            if block is not None:
                blocks.append(block)
        sections.append(replace(section, blocks=tuple(blocks)))
    return replace(ebook, sections=tuple(sections), skipped=tuple(skipped))


def readable_table(rows: Sequence[EbookBlock]) -> bool:
    """Short enough to hear, and mostly words rather than figures."""
    tokens = [token for row in rows for token in row.text.replace(",", " ").split()]
    figures = sum(1 for token in tokens if any(ch.isdigit() for ch in token))
    return len(rows) <= TABLE_MAX_ROWS and figures <= TABLE_MAX_FIGURES_SHARE * len(tokens)


def table_note(rows: int) -> str:
    return f"A table of {rows} rows is left out here."


def shortened(text: str, width: int = 120) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# ---------------------------------------------------------------- chapters


def plan_chapters(
    roots: Sequence[_Node], book_title: str = ""
) -> tuple[list[_Draft], list[EbookSection]]:
    """Chapter drafts in reading order, and the heading-only entries before the first.

    An entry named as the book itself, over all the others (converters make one), is no
    part: its chapters are the book's, and its heading alone is the title page."""
    drafts: list[_Draft] = []
    title_page: list[EbookSection] = []
    pending: list[tuple[EbookSection, int]] = []  # headings waiting for the next chapter

    def visit(nodes: Sequence[_Node], divisions: tuple[Division, ...]) -> None:
        flat: Division | None = None  # a "PART II" entry beside its chapters
        for node in nodes:
            inside = (*divisions, flat) if flat else divisions
            opening = clean_title(node.section.title).split(". ")[0]
            if node.children and not inside and same_words(opening, book_title):
                if has_text(node.section):
                    pending.append((node.section, 1))
                else:
                    title_page.append(node.section)
                visit(node.children, ())
            elif is_division(node):
                pending.append((node.section, len(inside) + 1))
                visit(node.children, (*inside, division_of(node.section.title)))
            elif not node.children and not has_text(node.section):
                if is_structure_title(node.section.title):
                    flat = division_of(node.section.title)
                    pending.append((node.section, len(divisions) + 1))
                elif not drafts and not divisions:
                    title_page.append(node.section)
                else:
                    pending.append((node.section, len(inside) + 1))
            else:
                draft = _Draft(node.section.title, inside, list(pending))
                pending.clear()
                depth = len(inside) + 1
                draft.parts += [(section, depth + below) for section, below in node.sections()]
                drafts.append(draft)

    visit(roots, ())
    if pending and drafts:  # headings after the last chapter ("THE END")
        drafts[-1].parts += pending
    return drafts, title_page


def merge_short_openings(drafts: list[_Draft]) -> list[_Draft]:
    """Short pieces before the book begins (a half-title with its publisher, a dedication,
    a second title page) are one opening chapter, not a file of a few seconds each."""
    short = 0
    while short < len(drafts) and is_short_opening(drafts[short]):
        short += 1
    if short < 2 or short == len(drafts):
        return drafts
    opening = _Draft(drafts[0].title, drafts[0].divisions)
    for draft in drafts[:short]:
        opening.parts += [(section, 1) for section, _ in draft.parts]
    return [opening, *drafts[short:]]


def is_short_opening(draft: _Draft) -> bool:
    """A few words of prose, unnumbered: not a chapter, and not a poem (a book of short
    poems keeps each poem a file of its own)."""
    words = sum(section_words(section) for section, _ in draft.parts)
    verse = any(b.kind == BlockKind.VERSE_LINE for s, _ in draft.parts for b in s.blocks)
    numbered = chapter_number_and_title(draft.title)[0] is not None
    return words < OPENING_MAX_WORDS and not verse and not numbered


def ebook_chapters(ebook: Ebook, language: str = "en") -> EbookChapters:
    """The e-book's chapters as the text half gives them, headings in their spoken form.

    Blocks are numbered in reading order as the plain text's lines are (`Block.line`), so a
    script's `source_line` says which paragraph of the book a segment comes from."""
    ebook = drop_empty_headings(leave_out_long_tables(leave_out_editorial(ebook)))
    tree = section_tree(ebook.sections)
    drafts, title_page = plan_chapters(tree, ebook.metadata.title or "")
    drafts = merge_short_openings(drafts)
    numbering = _Numbering(bare_numerals(ebook))
    chapters = []
    for index, draft in enumerate(drafts, start=1):
        blocks = list(draft_blocks(draft, numbering, language))
        number, title = chapter_number_and_title(draft.title, numbering.sequence)
        first_line = blocks[0].line if blocks else numbering.next
        chapters.append(
            ChapterText(
                Chapter(index, number, title, draft.divisions, source_line=first_line),
                tuple(blocks),
            )
        )
    skipped = ebook.skipped + tuple(
        SkippedPart(
            section.source + (f"#{section.fragment}" if section.fragment else ""),
            "title-page",
            " ".join(b.text for b in section.blocks if b.text),
            sum(len(b.text.split()) for b in section.blocks),
        )
        for section in title_page
        if any(b.text for b in section.blocks)
    )
    return EbookChapters(chapters, skipped)


@dataclass
class _Numbering:
    """Block numbers in reading order, and the book's bare numerals (see numeral_value)."""

    sequence: frozenset[int] = frozenset()
    next: int = 1

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def draft_blocks(draft: _Draft, numbering: _Numbering, language: str) -> Iterator[Block]:
    """The chapter's blocks: each entry's opening headings said as one (its title when it
    has none), its other headings a level below it, each note after the paragraph before
    it, page and scene breaks on the block after them."""
    out: list[Block] = []
    page: str | None = None
    scene_break = False

    def emit(block: Block) -> None:
        nonlocal page, scene_break
        block.line = numbering.take()
        block.page, block.scene_break_before = page, scene_break
        page, scene_break = None, False
        out.append(block)

    for section, depth in draft.parts:
        opening = opening_headings(section.blocks)
        texts = [section.blocks[i].text for i in sorted(opening)] or [section.title]
        heading: Block | None = Block(
            spoken_title(". ".join(t.rstrip(".") for t in texts), language, numbering.sequence),
            0,
            BlockStyle.HEADING,
            level=min(depth, MAX_HEADING_LEVEL),
        )
        for position, block in enumerate(section.blocks):
            if block.kind == BlockKind.PAGE_BREAK:
                page = block.page or page
            elif block.kind == BlockKind.SCENE_BREAK:
                scene_break = True
            elif heading is not None or position not in opening:
                if heading is not None:
                    emit(heading)
                    heading = None
                    if position in opening:
                        continue
                last = out[-1] if out else None
                if block.kind == BlockKind.NOTE and last and last.style in NOTE_HOLDERS:
                    last.notes.append(note_text(block.text))
                elif (converted := convert_block(block, depth, language, numbering)) is not None:
                    emit(converted)
        if heading is not None:  # an entry of page breaks only
            emit(heading)
    return iter(out)


def note_text(text: str) -> str:
    """A note without the label it is printed with ("[1] An overshot wheel.", "* See…"):
    the label stood for the link to it, and said aloud it is noise."""
    return NOTE_LABEL_RE.sub("", text, count=1) or text


def opening_headings(blocks: Sequence[EbookBlock]) -> set[int]:
    """Positions of the headings an entry opens with (page breaks may come between)."""
    opening: set[int] = set()
    for position, block in enumerate(blocks):
        if block.kind == BlockKind.HEADING:
            opening.add(position)
        elif block.kind not in (BlockKind.PAGE_BREAK, BlockKind.SCENE_BREAK):
            break
    return opening


def convert_block(
    block: EbookBlock, depth: int, language: str, numbering: _Numbering
) -> Block | None:
    """One e-book block as the text half's Block (its `line` given by the caller); None for
    one with nothing to say."""
    if not block.text.strip():
        return None
    if block.kind == BlockKind.HEADING:
        level = min(depth + 1, MAX_HEADING_LEVEL)
        spoken = spoken_title(block.text, language, numbering.sequence)
        return Block(spoken, 0, BlockStyle.HEADING, level=level)
    if block.kind == BlockKind.NOTE:  # a note with no paragraph before it in the chapter
        return Block("", 0, BlockStyle.PARAGRAPH, notes=[note_text(block.text)])
    style = BLOCK_STYLES.get(block.kind, BlockStyle.PARAGRAPH)
    return Block(block.text, 0, style, speaker=block.speaker)


def skipped_removals(parts: Iterable[SkippedPart]) -> tuple[Removal, ...]:
    """What the reader left out, for `inspect --removed`, numbered in the order found."""
    return tuple(
        Removal(
            rule=part.reason,
            line=number,
            text=f"{part.text} ({part.words} words)" if part.words else part.text,
            where=part.source,
        )
        for number, part in enumerate(parts, start=1)
    )
