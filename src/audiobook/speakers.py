"""Speakers: who says each passage, found from the labels the text itself uses.

A turn starts with a name used as a label: bold (`**Wells** …`), with a colon (`WELLS: …`),
or plain (`Stalin Not so very much.`), at the start of a paragraph or, for a name already
known as a label, after the end of a sentence inside one. A paragraph without a label
continues the last speaker. No names are written into the code.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from audiobook.cleaning import strip_inline_markup
from audiobook.model import (
    CAPTION,
    DIRECTION,
    HEADING,
    NARRATION,
    NARRATOR,
    NOTE,
    SPEECH,
    Block,
    ChapterText,
    Segment,
)

NAME = r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}"
BOLD_LABEL_RE = re.compile(rf"\*\*({NAME})\*\*:?\s+")
COLON_LABEL_RE = re.compile(rf"^({NAME}):\s+(?=\S)")
# "Stalin Not so very much." or, in a play, "HAMLET. To be, or not to be"
PLAIN_LABEL_RE = re.compile(r"^([A-Z][a-z][\w'’-]*|[A-Z]{2,}[A-Z'’-]*)\.?\s+(?=[A-Z\"“‘'(\[])")
# Plain labels are trusted without markup only if this share of paragraphs starts with one.
PLAIN_LABEL_MIN_SHARE = 0.10
COLON_LABEL_MIN_COUNT = 3
DIRECTION_RE = re.compile(
    r"(?:(?<=^)|(?<=[.!?…\"”]\s))\[([A-Z][^\]\n]{0,60})\](?=\s*$|\s+[A-Z\"“])"
)
SENTENCE_END = r"(?<=[.!?…\"”’])\s+"


def find_speakers(paragraphs: Iterable[str]) -> list[str]:
    """Names the text uses as turn labels, in order of first appearance."""
    texts = list(paragraphs)
    bold: Counter[str] = Counter()
    colon: Counter[str] = Counter()
    plain: Counter[str] = Counter()
    order: dict[str, int] = {}
    for i, text in enumerate(texts):
        for m in BOLD_LABEL_RE.finditer(text):
            if m.start() == 0 or re.search(
                r"[.!?…\"”]\s*$", text[max(0, m.start() - 8) : m.start()]
            ):
                bold[m.group(1)] += 1
                order.setdefault(m.group(1), i)
        for counter, pattern in ((colon, COLON_LABEL_RE), (plain, PLAIN_LABEL_RE)):
            label = pattern.match(text)
            if label:
                counter[label.group(1)] += 1
                order.setdefault(label.group(1), i)
    # bold labels make a dialogue when there are several; one "**Smith** said" is emphasis
    names = set(bold) if len(bold) >= 2 or sum(bold.values()) >= 2 else set()
    # a play's "NAME:" labels: once they open enough paragraphs, every such name counts
    if sum(colon.values()) >= max(COLON_LABEL_MIN_COUNT, PLAIN_LABEL_MIN_SHARE * len(texts)):
        names |= {n for n, c in colon.items() if c >= COLON_LABEL_MIN_COUNT or n.isupper()}
    # Plain labels: names confirmed by markup, or a text where such labels open a good share
    # of the paragraphs (a script without markup); a capitalised name then needs two turns,
    # a name in capitals (a play's convention) one.
    usage = _Usage.of(texts) if plain else None
    labels = {
        n: c
        for n, c in plain.items()
        if (c >= 2 and (n in names or (usage is not None and usage.is_proper_noun(n))))
        or (n.isupper() and len(n) > 1)
    }
    if names or sum(labels.values()) >= max(3, PLAIN_LABEL_MIN_SHARE * len(texts)):
        names |= set(labels) if not names else {n for n in labels if n in names}
    names.discard(NARRATOR)
    return sorted(names, key=lambda n: (order.get(n, 0), n))


@dataclass(frozen=True)
class _Usage:
    """How words are written across the whole text, gathered once."""

    lower_words: frozenset[str]  # words seen in lower case
    inner_capitals: frozenset[str]  # capitalised words seen inside a sentence

    @classmethod
    def of(cls, texts: list[str]) -> _Usage:
        body = " ".join(texts)
        return cls(
            frozenset(re.findall(r"\b[a-z][\w'’-]*", body)),
            frozenset(re.findall(r"(?<=[a-z,;] )[A-Z][\w'’-]*", body)),
        )

    def is_proper_noun(self, word: str) -> bool:
        """Capitalised inside sentences and never written in lower case."""
        return word.lower() not in self.lower_words and word in self.inner_capitals


def turn_pattern(speakers: list[str]) -> re.Pattern[str] | None:
    """Where a known speaker's label starts a turn, at a paragraph start or mid-paragraph."""
    if not speakers:
        return None
    names = "|".join(re.escape(s) for s in sorted(speakers, key=len, reverse=True))
    return re.compile(
        rf"(?:^|(?<=[.!?…\"”’)\]])\s+)(?:\*\*(?P<bold>{names})\*\*:?|(?P<plain>{names})[:.]?)"
        rf"(?=\s+[A-Z\"“‘'(\[]|\s*$)"
    )


def split_turns(text: str, pattern: re.Pattern[str] | None) -> list[tuple[str | None, str]]:
    """A paragraph -> (speaker or None for "same as before", text) pieces."""
    if pattern is None:
        return [(None, text)]
    pieces: list[tuple[str | None, str]] = []
    last_end, last_speaker = 0, None
    for m in pattern.finditer(text):
        before = text[last_end : m.start()].strip()
        if before:
            pieces.append((last_speaker, before))
        last_speaker = m.group("bold") or m.group("plain")
        last_end = m.end()
    rest = text[last_end:].strip()
    if rest or last_speaker:
        pieces.append((last_speaker, rest))
    return [(s, t) for s, t in pieces if t]


def split_directions(text: str) -> list[tuple[bool, str]]:
    """Stage directions ("[Laughter]") standing between sentences, apart from the speech."""
    out: list[tuple[bool, str]] = []
    last = 0
    for m in DIRECTION_RE.finditer(text):
        if text[last : m.start()].strip():
            out.append((False, text[last : m.start()].strip()))
        out.append((True, m.group(1)))
        last = m.end()
    if text[last:].strip():
        out.append((False, text[last:].strip()))
    return out


def attribute_speakers(chapters: list[ChapterText], speakers: list[str]) -> list[ChapterText]:
    """Fill each chapter's segments: every passage with its speaker and kind."""
    pattern = turn_pattern(speakers)
    current: str | None = None
    for chapter_text in chapters:
        segments: list[Segment] = []
        for block in chapter_text.blocks:
            added = block_segments(block, pattern, current)
            segments.extend(added)
            # Only this block's segments: looking back over the whole chapter each time
            # would make a chapter of thousands of turns quadratic.
            spoken = [s for s in added if s.kind == SPEECH]
            if spoken:
                current = spoken[-1].speaker
        chapter_text.chapter.segments = segments
    return chapters


def block_segments(
    block: Block, pattern: re.Pattern[str] | None, current: str | None
) -> list[Segment]:
    """The segments of one block, in order, with its notes after it."""
    out: list[Segment] = []
    if block.style == "heading":
        out.append(segment(NARRATOR, HEADING, block, block.text, level=block.level))
    elif block.style == "caption":
        out.append(segment(NARRATOR, CAPTION, block, block.text))
    else:
        out.extend(paragraph_segments(block, pattern, current))
    if out:
        out[0].page = block.page
        out[0].scene_break_before = block.scene_break_before
    return [s for s in out if s.text]


def paragraph_segments(
    block: Block, pattern: re.Pattern[str] | None, current: str | None
) -> list[Segment]:
    out: list[Segment] = []
    for speaker, text in split_turns(block.text, pattern):
        speaker = speaker or current
        current = speaker
        for is_direction, piece in split_directions(text):
            if is_direction:
                out.append(segment(NARRATOR, DIRECTION, block, piece))
            elif speaker is None:
                out.append(segment(NARRATOR, NARRATION, block, piece))
            else:
                out.append(segment(speaker, SPEECH, block, piece))
    out.extend(segment(NARRATOR, NOTE, block, note) for note in block.notes)
    return out


def segment(speaker: str, kind: str, block: Block, text: str, level: int | None = None) -> Segment:
    return Segment(
        speaker=speaker,
        kind=kind,
        text=strip_inline_markup(text),
        source_line=block.line,
        level=level,
    )
