"""Cleaning: take out what a listener must never hear, repair what OCR broke, lose nothing else.

Each rule is a small function with a name; whatever a rule takes out of the spoken text is
recorded as a Removal (rule, source line, text) so `audiobook inspect --removed` can show it.
The stage is pure: text in, CleanText out.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from audiobook.model import Block, CleanText, Removal, SourceLine
from audiobook.words import have_word_list, is_english_word

# Rule names, as shown by `audiobook inspect --removed`.
RULE_TOC = "table-of-contents"
RULE_PAGE_NUMBER = "page-number"
RULE_SIGNATURE = "signature-mark"
RULE_RUNNING_HEADER = "running-header"
RULE_FOOTNOTE = "footnote"  # moved out of the sentence into a note, not lost
RULE_SCENE_BREAK = "scene-break"
RULE_DUPLICATE = "duplicate-line"
RULE_PASTE_REPEAT = "paste-repeat"
RULE_DOUBLED_WORD = "doubled-word"
RULE_HYPHEN = "line-break-hyphen"
RULE_BYLINE = "byline"

CONTENTS_RE = re.compile(r"^\s*(table\s+of\s+)?contents\.?\s*$", re.IGNORECASE)
MARKDOWN_HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
PAGE_NUMBER_RE = re.compile(r"^\s*[-–—(\[]?\s*([tlIi|]?\d{1,4})\s*[-–—)\]]?\s*$")
SIGNATURE_RE = re.compile(r"^\s*(?:[A-Z]\.\s?){1,3}\s*(\d{1,4})\s*$")
SCENE_BREAK_RE = re.compile(r"^\s*(?:[*•·~#'’\s]+|-{3,}|_{3,})\s*$")
FOOTNOTE_RE = re.compile(r"^\s*(?:\^\{[^}]{1,4}\}|\*(?!\s*\*))\s*(.*)$")
INLINE_NOTE_MARK_RE = re.compile(r"\^\{[^}]{1,4}\}")
CAPTION_RE = re.compile(
    r"(?:Image|Photo|Photograph|Illustration|Picture|Credit|Source)s?:\s*[^.]{2,80}$"
)
BYLINE_RE = re.compile(
    r"\s*\bBY\s+([A-Z][A-Z .'-]+?)\s+PUBLISHED\s+(\d{1,2}\s+[A-Z]+,?\s+(\d{4}))"
    r"(?:\s*[-–]\s*\d{1,2}:\d{2})?\s*$"
)
# Words that never legitimately stand twice in a row ("agreeing to to this").
NEVER_DOUBLED = frozenset("a an the to of in on at by for from with and or is are was".split())
DOUBLED_WORD_RE = re.compile(
    rf"(?<![-\w])({'|'.join(sorted(NEVER_DOUBLED))})((?: \1\b(?!-))+)", re.IGNORECASE
)
TERMINAL_END_RE = re.compile(r"(?:[.!?…:;]|\.\s?\.\s?\.)[\"'”’)\]*]*$")
STRUCTURE_RE = re.compile(r"^(PART|BOOK)\b\s*(.*)$", re.IGNORECASE)
FRONT_MATTER_RE = re.compile(
    r"\b(FOREWORD|PREFACE|INTRODUCTION|PROLOGUE|EPILOGUE|AFTERWORD|APPENDIX|POSTSCRIPT)\b",
    re.IGNORECASE,
)
BROKEN_WORD_RE = re.compile(r"([^\W\d_]+)-$")  # a word broken at the end of a line
PASTE_REPEAT_MIN_WORDS = 6
DUPLICATE_LINE_MIN_WORDS = 4
# A paragraph joined from lines stops growing here and the next line starts another (the
# seeds' longest is 3,400). Each line joined is compared with the paragraph so far, so
# without a bound a file of lines that never end a sentence (a log, a word list) took time
# growing with the square of its length: 1 MB, minutes.
MAX_PARAGRAPH_CHARS = 20_000
HEADING_MAX_CHARS = 100

# Cyrillic and Greek letters that OCR puts in place of Latin capitals ("воок" for BOOK).
HOMOGLYPHS = str.maketrans(
    "АВЕКМНОРСТХУІЈЅаеорсхувкмнтΑΒΕΖΗΙΚΜΝΟΡΤΥΧιο",
    "ABEKMHOPCTXYIJSaeopcxyBKMHTABEZHIKMNOPTYXIO",
)
# OCR variants of Roman numeral letters on chapter-number lines.
NUMERAL_GLYPHS = {
    "I": "I", "l": "I", "1": "I", "|": "I", "Ι": "I", "І": "I", "ľ": "I", "i": "I",
    "V": "V", "v": "V", "X": "X", "x": "X", "Х": "X", "L": "L", "C": "C", "Ш": "III",
}  # fmt: skip
# "CHAPTER IV", "Chapter 12", "CHAPTER II. THE RETURN": a chapter's number, perhaps its title
NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
CHAPTER_LABEL_RE = re.compile(
    rf"^CHAPTER\s+([IVXLC]+|\d{{1,3}}|{'|'.join(NUMBER_WORDS)})\b\.?"
    r"(?:\s*[.:—–-]?\s+(\S.*))?$",
    re.IGNORECASE,
)
ROMAN_RE = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


# ---------------------------------------------------------------- small pure helpers


# Control characters (NUL, escape, bell …) are not text and must not reach a speech engine
# (flite takes its text as an argument, which cannot hold a NUL) or a caption file; a space
# stands in for each, so the words either side stay apart. Tabs stay: they lay out tables
# of contents.
CONTROLS_TO_SPACE = {
    code: " " for code in [*range(0x20), *range(0x7F, 0xA0)] if chr(code) not in "\t\n"
}


def split_lines(text: str) -> list[SourceLine]:
    """Number the lines; normalise line ends, form feeds, control characters, trailing space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = unicodedata.normalize("NFC", text.translate(CONTROLS_TO_SPACE))
    return [SourceLine(i, line.rstrip()) for i, line in enumerate(text.split("\n"), start=1)]


def words_of(text: str) -> list[str]:
    """Words for comparisons: letters and digits only, lower case."""
    return re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text.lower())


def edge_words(text: str, count: int, *, last: bool) -> list[str]:
    """The first (or last) `count` of words_of(text), reading only as much text as needed.

    A paragraph grows line by line, and is compared with every line joined to it; reading it
    whole each time made a long paragraph (a log file, a poem without stops) quadratic.
    Windows grow until they hold `count` whole words; the word at a window's cut edge may be
    cut, so it is never counted.
    """
    size = 64 * (count + 1)
    while size < len(text):
        words = words_of(text[-size:] if last else text[:size])
        whole = words[1:] if last else words[:-1]
        if len(whole) >= count:
            return whole[len(whole) - count :] if last else whole[:count]
        size *= 4
    words = words_of(text)
    return words[len(words) - count :] if last else words[:count]


def letters(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha())


def is_uppercase_line(text: str) -> bool:
    """Mostly capitals, as printed headings are."""
    letters_only = letters(text)
    if len(letters_only) < 2:
        return False
    upper = sum(1 for ch in letters_only if ch.isupper())
    return upper >= 0.85 * len(letters_only)


def ends_sentence(text: str) -> bool:
    return bool(TERMINAL_END_RE.search(text.rstrip()[-16:]))  # the tail: fast on long text


def roman_to_int(numeral: str) -> int | None:
    """Value of a well-formed Roman numeral, or None."""
    if not numeral or not ROMAN_RE.match(numeral):
        return None
    total = 0
    for ch, nxt in zip(numeral, [*numeral[1:], ""], strict=True):
        value = ROMAN_VALUES[ch]
        total += -value if nxt and ROMAN_VALUES[nxt] > value else value
    return total


def int_to_roman(value: int) -> str:
    out = []
    for number, glyphs in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while value >= number:
            out.append(glyphs)
            value -= number
    return "".join(out)


def parse_numeral_line(text: str) -> int | None:
    """Chapter number from an OCR'd numeral line ("ľV", "Ш", "Ι"), None if garbled."""
    word = text.strip().lower()
    if word.isdigit():
        return int(word)
    if word in NUMBER_WORDS:
        return NUMBER_WORDS.index(word) + 1
    mapped = "".join(NUMERAL_GLYPHS.get(ch, "?") for ch in text.strip())
    return roman_to_int(mapped)


def looks_like_numeral_line(text: str) -> bool:
    """A short line with no lower-case word: a chapter number, perhaps garbled by OCR."""
    t = text.strip()
    return 0 < len(t) <= 5 and " " not in t and not re.search(r"[a-z]{2}", t) and not t.isdigit()


def normalise_title(text: str) -> str:
    """Compare headings by their words only."""
    return " ".join(words_of(text.translate(HOMOGLYPHS)))


def same_title(candidate: str, title: str) -> bool:
    """A running header repeats a title, or shortens it, perhaps with OCR noise."""
    a, b = normalise_title(candidate), normalise_title(title)
    if not a or not b:
        return False
    if a == b:
        return True
    if numbers_in(a) != numbers_in(b):
        return False  # "CHAPTER II" does not repeat "CHAPTER I"
    short, long_ = sorted((a, b), key=len)
    if len(short.split()) >= 2 and long_.startswith(short + " "):
        return True
    matcher = difflib.SequenceMatcher(None, a, b)
    return (
        matcher.real_quick_ratio() >= 0.9
        and matcher.quick_ratio() >= 0.9
        and (matcher.ratio() >= 0.9)
    )


def looks_like_title(text: str | None) -> bool:
    """After "CHAPTER 3": nothing, or a title ("THE END", "The Return"), not a sentence
    ("of the report says the river must be dredged.")."""
    if text is None:
        return True
    words = text.split()
    return is_uppercase_line(text) or (
        len(words) <= 10 and words[0][:1].isupper() and not re.search(r"[.,;]$", text)
    )


def numbers_in(title: str) -> list[str]:
    """Digits and multi-letter Roman numerals in a normalised title."""
    return [w for w in title.split() if w.isdigit() or (len(w) > 1 and roman_to_int(w.upper()))]


def repair_heading_glyphs(text: str) -> str:
    """Replace Cyrillic/Greek look-alikes in a Latin heading ("воок II" -> "BOOK II").

    A word made only of look-alikes is OCR of small capitals, so it becomes capitals.
    """

    def repair(word: str) -> str:
        fixed = word.translate(HOMOGLYPHS)
        if fixed == word or any(ch.isalpha() and ord(ch) > 0x24F for ch in fixed):
            return word  # unchanged, or real Cyrillic/Greek text: leave it alone
        non_latin = [ch for ch in word if ch.isalpha() and ord(ch) > 0x24F]
        if len(non_latin) == len([ch for ch in word if ch.isalpha()]):
            return fixed.upper()
        return fixed

    return " ".join(repair(w) for w in text.split(" "))


# ---------------------------------------------------------------- rules on lines


def find_table_of_contents(lines: list[SourceLine]) -> tuple[int, int] | None:
    """Index range [start, end) of a table of contents near the top, if there is one."""
    limit = max(400, len(lines) // 10)
    start = next((i for i, line in enumerate(lines[:limit]) if CONTENTS_RE.match(line.text)), None)
    if start is None:
        return None
    prose = next(
        (
            i
            for i in range(start + 1, len(lines))
            if len(lines[i].text) >= 100 and "\t" not in lines[i].text
        ),
        None,
    )
    if prose is None:
        return None
    end = prose
    # the body's own headings (FOREWORD …) stand just before the first prose: keep them
    while end - 1 > start:
        text = lines[end - 1].text
        if text.strip() and ("\t" in text or re.search(r"\d\s*$", text) or len(text) > 80):
            break
        end -= 1
    while end < prose and not lines[end].text.strip():
        end += 1
    return start, end


def is_markdown(lines: list[SourceLine]) -> bool:
    """An interview-style text with Markdown headings, not a printed book layout."""
    headings = sum(1 for line in lines if MARKDOWN_HEADING_RE.match(line.text))
    return headings >= 2 or (
        headings == 1 and any(line.text.startswith("# ") for line in lines[:20])
    )


def is_hard_wrapped(lines: list[SourceLine]) -> bool:
    """Most lines 40–90 characters long and followed by another line (Project Gutenberg)."""
    texts = [line.text for line in lines]
    nonblank = [i for i, t in enumerate(texts) if t.strip()]
    if len(nonblank) < 10:
        return False
    wrapped = sum(1 for i in nonblank if 40 <= len(texts[i]) <= 90)
    followed = sum(1 for i in nonblank if i + 1 < len(texts) and texts[i + 1].strip())
    return wrapped >= 0.6 * len(nonblank) and followed >= 0.5 * len(nonblank)


def page_label(text: str) -> str:
    """The page number as printed, with OCR's t/l/I for 1 repaired ("t85" -> "185")."""
    raw = PAGE_NUMBER_RE.match(text)
    digits = raw.group(1) if raw else text
    return re.sub(r"^[tlIi|]", "1", digits)


def split_numeral_title(text: str) -> tuple[str, str] | None:
    """ "VIII THE ROAD OF …" on one line -> ("VIII", "THE ROAD OF …")."""
    m = re.match(r"^([IVXLC]{2,6}|V|X)\s+(.+)$", text.strip())
    if m and roman_to_int(m.group(1)) and is_uppercase_line(m.group(2)):
        return m.group(1), m.group(2)
    return None


def strip_inline_markup(text: str) -> str:
    """Text as spoken: no emphasis asterisks, note markers, or editorial brackets."""
    # each rule runs only where its symbol occurs: this is called on every paragraph
    if "^" in text:
        text = INLINE_NOTE_MARK_RE.sub("", text)
    if "\\" in text:
        text = re.sub(r"\$?\\math[a-z]+\s*\{?\s*(\w+)\s*\}?\$?", r"\1", text)  # OCR'd LaTeX
    # Runs of space are matched from their start only (?<!\s): tried from every position of
    # a long run, these patterns would take quadratic time on one long line.
    text = re.sub(r"(?<!\s)\s+(?=[,.;:!?])", "", text.replace("^", " ").replace("\\$", "$"))
    if "*" in text:
        # *emphasis* only when the stars hug words and stand between them, as in Markdown:
        # in "*" / "0*0" they do neither, and taken for emphasis they made "0 0" into "00".
        text = re.sub(r"(?<!\w)\*{1,3}(?=[^\s*])([^*]+?)(?<=[^\s*])\*{1,3}(?!\w)", r"\1", text)
        text = text.replace("*", " ")
    if "[" in text:
        # "[Henry] Ford" -> "Henry Ford"; "0[0]0" keeps its three words apart
        text = re.sub(r"(?<=\w)\[(?=[^\]\n]{1,60}\])", " [", text)
        text = re.sub(r"\[([^\]\n]{1,60})\](?=\w)", r"\1 ", text)
        text = re.sub(r"\[([^\]\n]{1,60})\](?=\s*[\"'])", r"\1", text)
        text = re.sub(r"\[([^\]\n]{1,60})\](?=\s+\w)", r"\1", text)
    if ". ." in text:
        text = re.sub(r"(?<!\s)\s*\.\s\.\s\.(\s\.)?", "…", text)
    text = re.sub(r"\s{2,}", " ", text)
    return text.strip()


# ---------------------------------------------------------------- paragraph assembly


@dataclass
class _Piece:
    """A non-blank source line on its way to becoming (part of) a block."""

    line: int
    text: str
    blank_before: bool
    kind: str = "text"  # text, heading, numeral, title, caption, scene, page, note
    level: int = 0
    page: str | None = None
    repeats: int = 0  # for headings: how many running headers repeated it


@dataclass
class _Cleaner:
    """Runs the rules in order over one text, collecting removals."""

    removed: list[Removal] = field(default_factory=list)
    hard_wrapped: bool = False  # lines broken at a fixed width, paragraphs between blank lines

    def remove(self, rule: str, line: int, text: str) -> None:
        self.removed.append(Removal(rule, line, text))

    # -- line classification

    def classify(self, lines: list[SourceLine], markdown: bool) -> list[_Piece]:
        pieces: list[_Piece] = []
        blank = True
        for line in lines:
            text = line.text.strip()
            if not text:
                blank = True
                continue
            pieces.extend(self.classify_line(line.number, text, blank, markdown))
            blank = False
        if not markdown:
            self.mark_numerals(pieces)
            mark_titles_under_labels(pieces)
        return join_split_headings(pieces)

    def classify_line(self, number: int, text: str, blank: bool, markdown: bool) -> list[_Piece]:
        if markdown:
            m = MARKDOWN_HEADING_RE.match(text)
            if m:
                kind = "title" if len(m.group(1)) == 1 else "heading"
                return [_Piece(number, m.group(2), blank, kind, len(m.group(1)))]
            if len(text) < 300 and CAPTION_RE.search(text):
                return [_Piece(number, text, blank, "caption")]
        if SCENE_BREAK_RE.match(text) and sum(text.count(c) for c in "*•~#-_") >= 2:
            self.remove(RULE_SCENE_BREAK, number, text)
            return [_Piece(number, text, blank, "scene")]
        if PAGE_NUMBER_RE.match(text):
            self.remove(RULE_PAGE_NUMBER, number, text)
            return [_Piece(number, text, blank, "page", page=page_label(text))]
        m = SIGNATURE_RE.match(text)
        if m and not markdown:
            self.remove(RULE_SIGNATURE, number, text)
            # a signature mark stands at the foot of its page: the next page follows it
            return [_Piece(number, text, blank, "page", page=str(int(m.group(1)) + 1))]
        m = FOOTNOTE_RE.match(text)
        if m and m.group(1) and (text.lstrip().startswith("^{") or text.count("*") % 2 == 1):
            self.remove(RULE_FOOTNOTE, number, text)
            return [_Piece(number, strip_inline_markup(m.group(1)), blank, "note")]
        if not markdown and len(text) <= HEADING_MAX_CHARS:
            repaired = repair_heading_glyphs(text)
            chapter = CHAPTER_LABEL_RE.match(repaired)
            if chapter and blank and looks_like_title(chapter.group(2)):
                pieces = [_Piece(number, chapter.group(1), blank, "numeral", level=-1)]
                if chapter.group(2):
                    pieces.append(_Piece(number, chapter.group(2), True, "heading"))
                return pieces
            split = split_numeral_title(repaired)
            if split:
                return [
                    _Piece(number, split[0], blank, "numeral"),
                    _Piece(number, split[1], True, "heading"),
                ]
            if self.is_heading_line(repaired, blank):
                return [_Piece(number, repaired, blank, "heading")]
        return [_Piece(number, text, blank)]

    @staticmethod
    def is_heading_line(text: str, blank_before: bool) -> bool:
        if len(text) > HEADING_MAX_CHARS or not blank_before:
            return False
        if STRUCTURE_RE.match(text) and len(text.split()) <= 3:
            return True  # "Book I", "Part One"
        if re.search(r"(^|\s)[^\s.]{2,}\.$", text):
            return False  # "A. CILIGA." is a signature; "…IN THE U.S.S.R." is a heading
        return is_uppercase_line(text) and len(letters(text)) >= 2

    @staticmethod
    def mark_numerals(pieces: list[_Piece]) -> None:
        """A short capital line just before a heading is that chapter's number."""
        for piece, nxt in itertools.pairwise(pieces):
            if (
                piece.kind in ("text", "heading")
                and looks_like_numeral_line(piece.text)
                and nxt.kind == "heading"
                and not STRUCTURE_RE.match(piece.text)
            ):
                piece.kind = "numeral"

    # -- running headers

    def remove_running_headers(self, pieces: list[_Piece]) -> list[_Piece]:
        """Titles repeated at the top of printed pages: the current part, book or chapter's.

        A repeat only counts against titles still in force (the current part and book, and
        headings since the last division), so "ANOTHER HUNGER-STRIKE" in one book is not
        mistaken for a header of "A HUNGER-STRIKE" in another.
        """
        kept: list[_Piece] = []
        part_titles: list[_Piece] = []
        in_force: list[_Piece] = []
        group: list[_Piece] | None = None  # headings directly after a PART keyword
        for piece in pieces:
            if piece.kind != "heading":
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
                in_force = list(part_titles)
                kept.append(piece)
                continue
            original = next((t for t in reversed(in_force) if same_title(piece.text, t.text)), None)
            if original is not None:
                original.repeats += 1
                self.remove(RULE_RUNNING_HEADER, piece.line, piece.text)
                kept.append(_Piece(piece.line, piece.text, piece.blank_before, "header"))
                continue
            if group is not None:
                group.append(piece)
            in_force.append(piece)
            kept.append(piece)
        return kept

    # -- paragraphs

    def assemble(self, pieces: list[_Piece]) -> list[Block]:
        """Join the lines of each paragraph across page breaks, notes and OCR line breaks."""
        blocks: list[Block] = []
        pending_page: str | None = None
        scene_break = False
        artefact_between = False  # a page number, header or note interrupted the text
        pending_notes: list[str] = []
        for piece in pieces:
            if piece.kind in ("page", "header"):
                if piece.page is not None:
                    pending_page = piece.page
                artefact_between = True
                continue
            if piece.kind == "scene":
                scene_break = True
                continue
            if piece.kind == "note":
                target = next((b for b in reversed(blocks) if b.style == "paragraph"), None)
                if target is not None:
                    target.notes.append(piece.text)
                else:
                    pending_notes.append(piece.text)
                artefact_between = True
                continue
            previous = blocks[-1] if blocks else None
            if (
                piece.kind == "text"
                and previous is not None
                and previous.style == "paragraph"
                and not scene_break
            ):
                dropped = self.drop_duplicate(previous, piece)
                if dropped == "piece":
                    continue
                if dropped == "previous":
                    blocks.pop()
                    previous = blocks[-1] if blocks else None
                if previous is not None and (
                    self.continues(previous, piece, artefact_between)
                    or (self.hard_wrapped and self.continues_wrapped(previous, piece))
                ):
                    self.join(previous, piece)
                    if pending_page and previous.page is None:
                        previous.page = pending_page
                        pending_page = None
                    artefact_between = False
                    continue
            block = Block(
                text=piece.text,
                line=piece.line,
                style="paragraph" if piece.kind == "text" else piece.kind,
                level=piece.level,
                page=pending_page,
                scene_break_before=scene_break,
                repeats=piece.repeats,
            )
            if pending_notes and block.style == "paragraph":
                block.notes.extend(pending_notes)
                pending_notes = []
            blocks.append(block)
            pending_page = None
            scene_break = False
            artefact_between = False
        if pending_notes:  # notes with no paragraph before them at all
            target = next((b for b in reversed(blocks) if b.style == "paragraph"), None)
            if target is None:
                target = Block(text="", line=pieces[0].line if pieces else 1)
                blocks.append(target)
            target.notes.extend(pending_notes)
        return blocks

    @staticmethod
    def continues(previous: Block, piece: _Piece, artefact_between: bool) -> bool:
        """Is this line the rest of the previous paragraph, split by a line or page break?"""
        prev_text = previous.text.rstrip()
        if len(prev_text) >= MAX_PARAGRAPH_CHARS:
            return False
        if re.search(r"[^\W\d_]-$", prev_text[-2:]) and piece.text[:1].isalpha():
            return True
        if ends_sentence(prev_text):
            return False
        first = piece.text.lstrip("\"'“‘([")[:1]
        if first.islower():
            return True
        return artefact_between or not piece.blank_before

    @staticmethod
    def continues_wrapped(previous: Block, piece: _Piece) -> bool:
        """In a hard-wrapped text (a line of ~70 characters, paragraphs between blank lines),
        a line straight below another is the same paragraph, sentence end or not."""
        return not piece.blank_before and len(previous.text) < MAX_PARAGRAPH_CHARS

    def join(self, previous: Block, piece: _Piece) -> None:
        """Append a continuation line, repairing a hyphenated word and pasted repeats."""
        text = self.drop_paste_repeat(previous, piece)
        prev = previous.text.rstrip()
        m = BROKEN_WORD_RE.search(prev, max(0, len(prev) - 80))
        if m and text[:1].isalpha():
            head = m.group(1)
            tail_match = re.match(r"([^\W\d_]+)", text)
            tail = tail_match.group(1) if tail_match else ""
            if text != piece.text and len(head) >= 2 and tail.lower().startswith(head.lower()):
                # the pasted repeat printed the broken word whole: "with-" / "without"
                self.remove(RULE_PASTE_REPEAT, piece.line, f"{head}-")
                previous.text = prev[: m.start()] + text
            elif keep_hyphen(head, tail):
                previous.text = prev + text
            else:
                self.remove(RULE_HYPHEN, piece.line, f"{head}-|{tail}")
                previous.text = prev[:-1] + text
        else:
            previous.text = prev + " " + text

    def drop_paste_repeat(self, previous: Block, piece: _Piece) -> str:
        """A continuation that opens with words already pasted in just before them."""
        words = piece.text.split()
        if " ".join(words[:PASTE_REPEAT_MIN_WORDS]) not in previous.text:
            return piece.text
        prev_norm = " " + " ".join(previous.text.split()) + " "
        longest = 0
        for n in range(PASTE_REPEAT_MIN_WORDS, len(words)):
            if " " + " ".join(words[:n]) + " " in prev_norm:
                longest = n
            else:
                break
        if not longest:
            return piece.text
        tail = previous.text.rstrip()[-80:]
        fragment = BROKEN_WORD_RE.search(tail)
        if fragment and not (
            len(fragment.group(1)) >= 2
            and longest < len(words)
            and words[longest].lower().startswith(fragment.group(1).lower())
        ):
            return piece.text  # after a broken word only the "with-" / "without" repeat counts
        self.remove(RULE_PASTE_REPEAT, piece.line, " ".join(words[:longest]))
        return " ".join(words[longest:])

    def drop_duplicate(self, previous: Block, piece: _Piece) -> str | None:
        """OCR printed a line twice: the line again, a paragraph's tail, or its first words.

        Returns which of the two to drop ("piece" or "previous"), or None.
        """
        head = words_of(piece.text[:40])[:1]
        # cheap tests first: the same first word, or a short piece whose word ends the paragraph
        if not head or (
            words_of(previous.text[:40])[:1] != head
            and not (len(piece.text) < 80 and head[0] in words_of(previous.text[-100:]))
        ):
            return None
        piece_words = words_of(piece.text)
        # No test below looks at more than len(piece_words) + 1 words of the paragraph: the
        # last test needs all of them only when there are fewer than in the piece.
        prev_words = edge_words(previous.text, len(piece_words) + 1, last=False)
        if not piece_words or not prev_words:
            return None
        if previous.text.strip() == piece.text.strip() and len(piece_words) >= (
            DUPLICATE_LINE_MIN_WORDS
        ):
            self.remove(RULE_DUPLICATE, piece.line, piece.text)
            return "piece"
        if (
            piece.text[:1].islower()
            and len(piece_words) <= 6
            and ends_sentence(piece.text)
            and edge_words(previous.text, len(piece_words), last=True) == piece_words
        ):
            self.remove(RULE_DUPLICATE, piece.line, piece.text)
            return "piece"
        n = len(prev_words)
        if (
            n >= 3
            and not ends_sentence(previous.text)
            and len(piece_words) > n
            and piece_words[: n - 1] == prev_words[:-1]
            and (
                piece_words[n - 1] == prev_words[-1]
                or (previous.text.endswith("-") and piece_words[n - 1].startswith(prev_words[-1]))
            )
            and not previous.notes
        ):
            self.remove(RULE_DUPLICATE, previous.line, previous.text)
            piece.page = piece.page or previous.page
            return "previous"
        return None

    # -- words

    def remove_doubled_words(self, blocks: list[Block]) -> None:
        for block in blocks:

            def undouble(m: re.Match[str], block: Block = block) -> str:
                self.remove(RULE_DOUBLED_WORD, block.line, m.group(2).strip())
                return m.group(1)

            block.text = DOUBLED_WORD_RE.sub(undouble, block.text)

    def take_byline(self, blocks: list[Block]) -> tuple[str | None, str | None]:
        """ "BY H G WELLS PUBLISHED 18 APRIL, 2014 - 09:00": metadata, not something to read."""
        for block in blocks[:6]:
            m = BYLINE_RE.search(block.text)
            if m and block.style == "paragraph":
                self.remove(RULE_BYLINE, block.line, m.group(0).strip())
                block.text = block.text[: m.start()].rstrip()
                return titlecase_name(m.group(1)), m.group(3)
        return None, None


def mark_titles_under_labels(pieces: list[_Piece]) -> None:
    """ "Chapter 1" over "The Beginning": a short title-like line under a chapter label."""
    for label, nxt in itertools.pairwise(pieces):
        if (
            label.kind == "numeral"
            and label.level == -1
            and nxt.kind == "text"
            and nxt.blank_before
            and len(nxt.text) <= 60
            and looks_like_title(nxt.text)
            and not ends_sentence(nxt.text)
        ):
            nxt.kind = "heading"


def join_split_headings(pieces: list[_Piece]) -> list[_Piece]:
    """ "SIBERIA:" over "LAND OF EXILE …": one heading printed on two lines."""
    out: list[_Piece] = []
    for piece in pieces:
        prev = out[-1] if out else None
        if prev and prev.kind == piece.kind == "heading" and prev.text.endswith(":"):
            prev.text = f"{prev.text} {piece.text}"
            continue
        out.append(piece)
    return out


def keep_hyphen(head: str, tail: str) -> bool:
    """Does a hyphen at a line break belong to the word (a compound) or to the layout?"""
    if not tail:
        return True
    if tail[:1].isupper():
        return True  # Verkhne-Uralsk, anti-Soviet, Yugo-Slav
    if not have_word_list():
        return False
    if is_english_word(head + tail):
        return False  # oppres-sion
    return is_english_word(head) and is_english_word(tail)  # self-imposed, trade-union


def titlecase_name(name: str) -> str:
    return " ".join(w if len(w) <= 1 else w[:1] + w[1:].lower() for w in name.split())


def find_signed_author(lines: list[SourceLine]) -> str | None:
    """A foreword signed "A. CILIGA." on a line of its own, followed by place and date."""
    for i, line in enumerate(lines):
        m = re.match(r"^\s*((?:[A-Z]\.\s?)+[A-Z][A-Z'-]+)\.?\s*$", line.text)
        if m:
            following = [x.text for x in lines[i + 1 : i + 4] if x.text.strip()]
            if following and re.search(r",.*\b(1[5-9]|20)\d\d\.?$", following[0]):
                return titlecase_name(m.group(1))
    return None


# ---------------------------------------------------------------- the stage


def clean_text(text: str) -> CleanText:
    """Raw text -> paragraphs fit to be read aloud, with every removal recorded."""
    cleaner = _Cleaner()
    lines = split_lines(text)
    markdown = is_markdown(lines)
    toc_lines: list[str] = []
    toc = None if markdown else find_table_of_contents(lines)
    if toc is not None:
        start, end = toc
        toc_lines = [line.text for line in lines[start:end]]
        for line in lines[start:end]:
            if line.text.strip():
                cleaner.remove(RULE_TOC, line.number, line.text.strip())
        lines = lines[:start] + lines[end:]
    cleaner.hard_wrapped = is_hard_wrapped(lines)
    pieces = cleaner.classify(lines, markdown)
    if not markdown:
        pieces = cleaner.remove_running_headers(pieces)
    blocks = [b for b in cleaner.assemble(pieces) if b.text.strip() or b.notes]
    cleaner.remove_doubled_words(blocks)
    title = next((b.text for b in blocks if b.style == "title"), None)
    author, year = cleaner.take_byline(blocks) if markdown else (None, None)
    if author is None and not markdown:
        author = find_signed_author(lines)
    cleaner.removed.sort(key=lambda r: r.line)
    return CleanText(
        blocks=blocks,
        removed=cleaner.removed,
        markdown=markdown,
        toc=toc_lines,
        title=strip_inline_markup(title) if title else None,
        author=author,
        year=year,
    )
