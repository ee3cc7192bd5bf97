"""Paragraphs: lines joined into blocks, across page breaks, notes and broken lines.

How lines join is the layout's choice: printed and extracted texts (`PRINT_JOIN`) break
paragraphs at page ends and blank lines that are not paragraph ends, so a line that does
not end a sentence runs on; clean e-texts (`BLANK_LINE_JOIN`) put a blank line between
paragraphs and nowhere else. The OCR repairs made while joining (a line printed twice, a
pasted repeat, a word broken by a hyphen) are named rules of their own, listed by the
layouts whose texts need them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from audiobook.model import Block, BlockStyle, Removal
from audiobook.rules import (
    ARTEFACTS,
    GONE,
    NOTE,
    SCENE,
    TEXT,
    Draft,
    Piece,
    Rule,
)
from audiobook.textforms import (
    BROKEN_WORD_RE,
    DUPLICATE_LINE_MIN_WORDS,
    MAX_PARAGRAPH_CHARS,
    PASTE_REPEAT_MIN_WORDS,
    edge_words,
    ends_sentence,
    keep_hyphen,
    words_of,
)

RULE_DUPLICATE = "duplicate-line"
RULE_PASTE_REPEAT = "paste-repeat"
RULE_HYPHEN = "line-break-hyphen"
OCR_REPAIRS = frozenset({RULE_DUPLICATE, RULE_PASTE_REPEAT, RULE_HYPHEN})
# A paragraph's last line printed again below it ("were sold only to members of collective
# farms."): a line starting in lower case that repeats the paragraph's last words exactly.
TAIL_REPEAT_MAX_WORDS = 25

# Does this piece run on from the paragraph before? (previous block, piece, whether page
# furniture stood between them, whether the text is hard-wrapped)
JoinTest = Callable[[Block, Piece, bool, bool], bool]


def print_join(previous: Block, piece: Piece, artefact_between: bool, wrapped: bool) -> bool:
    """Printed or extracted text: a line runs on unless the paragraph ended a sentence and
    a blank line stands between; a broken word always runs on."""
    prev_text = previous.text.rstrip()
    if len(prev_text) >= MAX_PARAGRAPH_CHARS:
        return False
    if re.search(r"[^\W\d_]-$", prev_text[-2:]) and piece.text[:1].isalpha():
        return True
    if not ends_sentence(prev_text):
        first = piece.text.lstrip("\"'“‘([")[:1]
        if artefact_between and TURN_LINE_RE.match(piece.text):
            return False  # a subtitle's next cue opens another speaker's turn
        if first.islower() or artefact_between or not piece.blank_before:
            return True
    # In a hard-wrapped text (a line of ~70 characters, paragraphs between blank lines), a
    # line straight below another is the same paragraph, sentence end or not.
    return wrapped and not piece.blank_before


# A line that opens a new speaker's turn ("BOB: Hello.", "ROMEO. Is the day so young?",
# "2. Serv. When good manners…")
# starts a paragraph even with no blank line above it.
TURN_LINE_RE = re.compile(
    r"^(?:[A-Z][\w'’.-]*(?: [A-Z0-9][\w'’.-]*){0,3}:\s+\S"
    r"|(?:A |THE )?[A-Z]{2,}[A-Z'’-]*(?: [A-Z]{2,}[A-Z'’-]*){0,3}\.\s+\S)"
)
# "  2. Serv. When good manners…": an abbreviated cue, indented as old editions print them
# (an indented "Yes. I will." is speech, but a speech's own lines are not indented so)
INDENTED_CUE_RE = re.compile(
    r"^\s+(?:\d\. )?(?!(?:Mr|Mrs|Ms|Dr|St|Mt|No)\.)[A-Z][a-z]{0,7}\.(?: [A-Z][a-z]{0,4}\.)? +[A-Z]"
)


CUE_RE = re.compile(r"^(?:A |THE )?[A-Z]{2,}[A-Z'’.-]*(?: [A-Z]{2,}[A-Z'’.-]*){0,3}[.:]$")


def blank_line_join(previous: Block, piece: Piece, artefact_between: bool, wrapped: bool) -> bool:
    """A clean e-text: lines straight below each other are one paragraph; a blank line ends
    it. A text with a paragraph per line (no wrapping) joins only a line that plainly
    continues a sentence."""
    if len(previous.text) >= MAX_PARAGRAPH_CHARS:
        return False
    broken_word = re.search(r"[^\W\d_]-$", previous.text[-2:])
    opens_turn = not broken_word and (
        TURN_LINE_RE.match(piece.text) or INDENTED_CUE_RE.match(piece.raw)
    )
    if not piece.blank_before and not opens_turn:
        # a cue alone ("LADY CAPULET.") takes the speech below it, however long its lines
        return wrapped or not ends_sentence(previous.text) or bool(CUE_RE.match(previous.text))
    return False


# Block styles that open a chapter or a section: a note never attaches across one.
HEADINGS = (BlockStyle.HEADING, BlockStyle.NUMERAL, BlockStyle.SECTION, BlockStyle.TITLE)


def block_style(piece: Piece) -> BlockStyle:
    """The style of the block a piece opens: a TEXT line's is a paragraph; a piece of any
    other kind that reaches a block (a heading, a caption, a direction …) gives its kind."""
    return BlockStyle.PARAGRAPH if piece.kind == TEXT else BlockStyle(piece.kind)


def note_target(blocks: list[Block]) -> Block | None:
    """The paragraph a footnote's body belongs to: the last since the last heading. A note
    in a chapter with no paragraph before it waits for one there (issue 10: the note of a
    chapter that was only a note was read in the chapter before)."""
    for block in reversed(blocks):
        if block.style == BlockStyle.PARAGRAPH:
            return block
        if block.style in HEADINGS:
            return None
    return None


@dataclass
class _Assembler:
    """Joins pieces into blocks, making the repairs it was asked for."""

    joins: JoinTest
    repairs: frozenset[str]
    wrapped: bool
    removed: list[Removal] = field(default_factory=list)

    def remove(self, rule: str, line: int, text: str) -> None:
        self.removed.append(Removal(rule, line, text))

    def assemble(self, pieces: tuple[Piece, ...]) -> list[Block]:
        blocks: list[Block] = []
        pending_page: str | None = None
        scene_break = False
        artefact_between = False  # a page number, header or note interrupted the text
        pending_notes: list[str] = []  # notes waiting for a paragraph of their chapter
        pending_line = 0  # the line of the first of them
        gone_between = False  # removed lines (a contents list, boilerplate) end a paragraph
        for piece in pieces:
            if piece.kind == GONE:
                gone_between = True
                continue
            if piece.kind in ARTEFACTS:
                if piece.page is not None:
                    pending_page = piece.page
                artefact_between = True
                continue
            if piece.kind == SCENE:
                scene_break = True
                continue
            if piece.kind == NOTE:
                target = note_target(blocks)
                if target is not None:
                    target.notes.append(piece.text)
                else:
                    pending_line = pending_line if pending_notes else piece.line
                    pending_notes.append(piece.text)
                artefact_between = True
                continue
            previous = blocks[-1] if blocks else None
            if (
                piece.kind == TEXT
                and previous is not None
                and previous.style == BlockStyle.PARAGRAPH
                and not scene_break
                and not gone_between
            ):
                dropped = self.drop_duplicate(previous, piece) if self.repairs else None
                if dropped == "piece":
                    continue
                if dropped == "previous":
                    blocks.pop()
                    previous = blocks[-1] if blocks else None
                if previous is not None and self.joins(
                    previous, piece, artefact_between, self.wrapped
                ):
                    self.join(previous, piece)
                    gone_between = False
                    if pending_page and previous.page is None:
                        previous.page = pending_page
                        pending_page = None
                    artefact_between = False
                    continue
            block = Block(
                text=piece.text,
                line=piece.line,
                style=block_style(piece),
                level=piece.level,
                page=pending_page,
                scene_break_before=scene_break,
                repeats=piece.repeats,
                label=piece.label,
            )
            if pending_notes and block.style == BlockStyle.PARAGRAPH:
                block.notes.extend(pending_notes)
                pending_notes = []
            elif pending_notes and block.style in HEADINGS:
                # a chapter with notes and no paragraph: the notes are read in it, not lost
                blocks.append(Block(text="", line=pending_line, notes=pending_notes))
                pending_notes = []
            blocks.append(block)
            pending_page = None
            scene_break = False
            artefact_between = False
            gone_between = False
        if pending_notes:  # notes with no paragraph after the last heading
            blocks.append(Block(text="", line=pending_line, notes=pending_notes))
        return blocks

    def join(self, previous: Block, piece: Piece) -> None:
        """Append a continuation line, repairing a hyphenated word and pasted repeats."""
        text = self.drop_paste_repeat(previous, piece)
        prev = previous.text.rstrip()
        m = BROKEN_WORD_RE.search(prev, max(0, len(prev) - 80))
        if m and text[:1].isalpha() and RULE_HYPHEN in self.repairs:
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
        elif m and text[:1].isalpha():
            previous.text = prev + text  # a clean text's hyphen is the author's: "to-|day"
        else:
            previous.text = prev + " " + text

    def drop_paste_repeat(self, previous: Block, piece: Piece) -> str:
        """A continuation that opens with words already pasted in just before them.

        Only across a break (a blank line, a page): that is where a copy went wrong. A line
        straight below another that repeats earlier words is the author's ("they are
        commonly produced by the same discharge" twice in a chapter).
        """
        if RULE_PASTE_REPEAT not in self.repairs or not piece.blank_before:
            return piece.text
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

    def drop_duplicate(self, previous: Block, piece: Piece) -> str | None:
        """OCR printed a line twice: the line again, a paragraph's tail, or its first words.

        Returns which of the two to drop ("piece" or "previous"), or None.
        """
        if RULE_DUPLICATE not in self.repairs:
            return None
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
            and len(piece_words) <= TAIL_REPEAT_MAX_WORDS
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


def is_hard_wrapped(pieces: tuple[Piece, ...]) -> bool:
    """Most lines 40–90 characters long and followed by another line (Project Gutenberg)."""
    lines = [p for p in pieces if p.kind != GONE]
    if len(lines) < 10:
        return False
    wrapped = sum(1 for p in lines if 40 <= len(p.raw.rstrip()) <= 90)
    followed = sum(1 for p in lines[1:] if p.blanks_before == 0)
    return wrapped >= 0.6 * len(lines) and followed >= 0.5 * len(lines)


def has_short_lines(pieces: tuple[Piece, ...]) -> bool:
    """Lines broken by hand (wrapped prose, verse, a play's speeches), not a paragraph a
    line: then a line straight below another belongs to its paragraph."""
    lines = [p for p in pieces if p.kind != GONE]
    long_lines = sum(1 for p in lines if len(p.raw) >= 120)
    return long_lines < 0.2 * len(lines)


def paragraphs(
    joins: JoinTest, repairs: frozenset[str] = frozenset(), *, damaged_only: bool = False
) -> Rule:
    """The rule that assembles paragraphs, joining lines as `joins` says and making
    `repairs` (all of them, or only where the text shows damage)."""
    wrapped_test = is_hard_wrapped if joins is print_join else has_short_lines

    def apply(draft: Draft) -> Draft:
        active = repairs if (draft.damaged or not damaged_only) else frozenset()
        assembler = _Assembler(joins, active, wrapped_test(draft.pieces))
        pieces = tuple(replace(p) for p in draft.pieces)  # the assembler may set a page
        blocks = [b for b in assembler.assemble(pieces) if b.text.strip() or b.notes]
        return replace(draft, blocks=tuple(blocks), removed=(*draft.removed, *assembler.removed))

    names = ", ".join(sorted(repairs)) or "no repairs"
    return Rule("paragraphs", apply, f"lines joined into paragraphs ({names})")
