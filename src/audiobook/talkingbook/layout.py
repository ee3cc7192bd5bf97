"""A build's chapters as read-along text: every segment an element, every clip a phrase.

Talking-book formats need, for each piece of text, the stretch of audio that speaks it. The
stitcher knows where each clip lies (`ChapterPlan.pieces`) and synthesis knows what each
clip says (`Clip.text`, its spoken form: audiobook.saying); this module pairs them with the
text as printed, so a long paragraph is followed chunk by chunk rather than all at once. The
reader sees the written form ("1934", "Mr"), never the spoken one.

Clips are made contiguous: a phrase's audio runs from where its voice starts to where the
next phrase's voice starts. A player that plays phrase after phrase then keeps the pauses
between them, and a jump to a heading lands where its voice begins.

Heading levels are made safe once here for both formats: a heading is never more than one
level deeper than the heading before it (some DAISY players reject h1 -> h3), which matters
when a build covers only some chapters (a chapter's heading at level 3 after a foreword).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate, pairwise
from pathlib import Path

from audiobook.errors import AudiobookError
from audiobook.filenames import chapter_display_name
from audiobook.model import (
    AUDIO_SAMPLE_RATE_HZ,
    BookOutput,
    ChapterPlan,
    ChapterRecord,
    Clip,
    Segment,
    SegmentKind,
)
from audiobook.spoken import label_to_words, spoken_heading

_ROMAN_PAGE = re.compile(r"^(?=[ivxlcdm]+$)m*(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


@dataclass(frozen=True)
class Phrase:
    """A stretch of text and the audio that speaks it: one `par` of a SMIL file."""

    id: str  # id of the element holding the text in the content document
    text: str  # as printed: the source's words, not their spoken form
    begin_ms: int  # clip start in the chapter's audio file
    end_ms: int  # clip end: where the next phrase's voice starts, so pauses are kept


@dataclass(frozen=True)
class Item:
    """One segment as text: a heading, a paragraph, a turn, a caption, a direction, a note."""

    id: str  # element id, unique in the whole book
    segment: Segment
    phrases: tuple[Phrase, ...]  # in speaking order; empty when nothing of it was voiced
    level: int | None = None  # heading depth, never a jump of more than one (headings only)
    page_id: str | None = None  # id of the print-page break just before it
    new_turn: bool = False  # speech by someone other than the speaker before

    @property
    def text(self) -> str:
        return " ".join(self.segment.text.split())


@dataclass(frozen=True)
class TalkingChapter:
    """A chapter of the build with its audio and its text, item by item."""

    index: int  # Chapter.index
    name: str  # file stem inside the package: "c001"
    title: str  # display name
    wav: Path  # the finished chapter audio
    plan: ChapterPlan
    items: tuple[Item, ...]

    @property
    def duration_ms(self) -> int:
        """Length of the audio; the last phrase ends exactly here."""
        return frames_to_ms(self.plan.frames)

    def phrases(self) -> Iterator[Phrase]:
        return (phrase for item in self.items for phrase in item.phrases)

    def first_phrase_from(self, item: Item) -> Phrase:
        """The phrase reading starts at for an item: its own, else the next voiced one, else
        (at a chapter's unvoiced end) the last one."""
        start = self.items.index(item)
        following = (p for later in self.items[start:] for p in later.phrases)
        return next(following, None) or list(self.phrases())[-1]


@dataclass(frozen=True)
class NavPoint:
    """A place to jump to by heading: a heading, or a chapter that has none."""

    chapter: TalkingChapter
    level: int
    label: str
    target: Phrase  # where reading starts
    item: Item | None  # the heading; None for a chapter without one


@dataclass(frozen=True)
class PageBreak:
    """Where a printed page begins, as kept by cleaning (segment.page)."""

    chapter: TalkingChapter
    label: str  # the printed number, "28"
    id: str  # element id of the page-break marker
    kind: str  # "normal" (arabic), "front" (roman) or "special" (anything else)
    target: Phrase  # where reading resumes


def frames_to_ms(frames: int) -> int:
    """Whole milliseconds, rounded down so that no clip ever ends after its audio."""
    return frames * 1000 // AUDIO_SAMPLE_RATE_HZ


def page_kind(label: str) -> str:
    """DAISY's three page classes: arabic numbers are normal, roman ones front matter."""
    if label.isdigit():
        return "normal"
    if _ROMAN_PAGE.match(label.lower()):
        return "front"
    return "special"


def split_like(text: str, spoken: Sequence[str]) -> list[str] | None:
    """The printed text cut where synthesis cut its spoken form into clips, or None.

    The spoken chunks are the text's spoken form ("G.P.U." -> "G P U", "1934" -> "nineteen
    thirty-four"), so words are
    aligned rather than counted; a cut that falls inside a respelled stretch has no faithful
    place in the printed text, and then the caller keeps the segment whole.
    """
    words = text.split()
    if len(spoken) <= 1:
        return [" ".join(words)] if words else None
    spoken_words = [word for chunk in spoken for word in chunk.split()]
    cuts_spoken = list(accumulate(len(chunk.split()) for chunk in spoken))[:-1]
    opcodes = SequenceMatcher(None, words, spoken_words, autojunk=False).get_opcodes()
    cuts: list[int] = []
    for cut in cuts_spoken:
        for tag, i1, _, j1, j2 in opcodes:
            if j1 <= cut < j2:
                if tag == "equal":
                    cuts.append(i1 + cut - j1)
                elif cut == j1:
                    cuts.append(i1)
                else:
                    return None
                break
        else:
            return None
    bounds = [0, *cuts, len(words)]
    pieces = [words[a:b] for a, b in pairwise(bounds)]
    if any(not piece for piece in pieces):
        return None
    return [" ".join(piece) for piece in pieces]


def _voiced_clips(plan: ChapterPlan) -> dict[int, list[tuple[int, int, str]]]:
    """Each voiced segment's clips as (first frame, end frame, text), walking the plan."""
    clips: dict[int, list[tuple[int, int, str]]] = {}
    timings = iter(plan.timings)
    current = next(timings, None)
    position = 0
    for piece in plan.pieces:
        if isinstance(piece, Clip):
            while current is not None and position >= current.end_frame:
                current = next(timings, None)
            if current is None or position < current.start_frame:
                raise AudiobookError(
                    f"chapter {plan.chapter.index}: a clip lies outside its segment"
                )
            clips.setdefault(current.segment_index, []).append(
                (position, position + piece.frames, piece.text)
            )
        position += piece.frames
    return clips


class _BookState:
    """What carries from one chapter to the next: the heading depth and the page ids."""

    def __init__(self) -> None:
        self.level = 0
        self.page_ids: set[str] = set()

    def heading_level(self, wanted: int | None) -> int:
        self.level = max(1, min(wanted or self.level or 1, self.level + 1))
        return self.level

    def page_id(self, label: str) -> str:
        base = "page-" + (re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-") or "x")
        page_id, n = base, 1
        while page_id in self.page_ids:
            n += 1
            page_id = f"{base}-{n}"
        self.page_ids.add(page_id)
        return page_id


# A phrase before its clip is made contiguous: id, text, voice start and end frames.
_Draft = tuple[str, str, int, int]


def _segment_drafts(item_id: str, text: str, clips: list[tuple[int, int, str]]) -> list[_Draft]:
    """A segment's phrases: one per clip when the printed text can be cut like the spoken
    one, else the whole segment as one phrase; none when nothing of it was voiced."""
    if not clips:
        return []
    pieces = None
    if len(clips) > 1 and all(spoken for _, _, spoken in clips):
        pieces = split_like(text, [spoken for _, _, spoken in clips])
    if pieces is None:
        return [(item_id, " ".join(text.split()), clips[0][0], clips[-1][1])]
    return [
        (f"{item_id}-{n}", piece, start, end)
        for n, (piece, (start, end, _)) in enumerate(zip(pieces, clips, strict=True), 1)
    ]


def _chapter(record: ChapterRecord, name: str, book: _BookState) -> TalkingChapter:
    if record.plan is None or record.wav is None:
        raise AudiobookError(f"chapter {record.index}: talking books need its audio and plan")
    plan = record.plan
    segments = plan.chapter.segments
    if not segments:
        raise AudiobookError(f"chapter {record.index} has no text to show")
    clips = _voiced_clips(plan)
    drafts = [
        _segment_drafts(f"{name}-s{i}", segment.text, clips.get(i, []))
        for i, segment in enumerate(segments)
    ]
    if not any(drafts):
        # Nothing was voiced (a chapter of symbols, say): its silence still needs a place to
        # play and a target to jump to, so the first item holds all of it.
        drafts[0] = [(f"{name}-s0", " ".join(segments[0].text.split()), 0, plan.frames)]
    starts = [start for phrases in drafts for _, _, start, _ in phrases]
    begins = iter([0, *starts[1:]])
    ends = iter([*starts[1:], plan.frames])
    items = []
    previous_speaker: str | None = None
    for index, (segment, phrases) in enumerate(zip(segments, drafts, strict=True)):
        made = tuple(
            Phrase(pid, text, frames_to_ms(next(begins)), frames_to_ms(next(ends)))
            for pid, text, _, _ in phrases
        )
        heading, speech = segment.kind == SegmentKind.HEADING, segment.kind == SegmentKind.SPEECH
        items.append(
            Item(
                id=f"{name}-s{index}",
                segment=segment,
                phrases=made,
                level=book.heading_level(segment.level) if heading else None,
                page_id=book.page_id(segment.page) if segment.page else None,
                new_turn=speech and segment.speaker != previous_speaker,
            )
        )
        previous_speaker = segment.speaker
    return TalkingChapter(
        record.index, name, chapter_display_name(plan.chapter), record.wav, plan, tuple(items)
    )


def chapter_names(records: Sequence[ChapterRecord]) -> list[str]:
    """File stems inside a package, "c001": ASCII, no spaces, sorting in reading order."""
    width = max(3, len(str(max((r.index for r in records), default=0))))
    return [f"c{record.index:0{width}d}" for record in records]


def talking_chapters(output: BookOutput) -> list[TalkingChapter]:
    """The build's chapters, in reading order, as text paired with audio phrase by phrase.

    Every chapter has at least one phrase, and its phrases cover its audio end to end.
    """
    book = _BookState()
    names = chapter_names(output.chapters)
    return [_chapter(r, name, book) for r, name in zip(output.chapters, names, strict=True)]


def heading_label(text: str) -> str:
    """A heading as a table of contents shows it: without the full stop it is spoken with."""
    text = " ".join(text.split())
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


def navigation_points(chapters: Sequence[TalkingChapter]) -> list[NavPoint]:
    """Every heading in order; a chapter without one is listed under its own name."""
    points: list[NavPoint] = []
    previous_path: list[str] = []  # the labels of the divisions of the chapter before
    for chapter in chapters:
        first = next(chapter.phrases())
        points += division_points(chapter, previous_path, first)
        previous_path = [d.label for d in chapter.plan.chapter.divisions]
        found = False
        for item in chapter.items:
            if item.level is not None:
                target = chapter.first_phrase_from(item)
                points.append(NavPoint(chapter, item.level, heading_label(item.text), target, item))
                found = True
        if not found:
            level = points[-1].level if points else 1
            points.append(NavPoint(chapter, level, chapter.title, first, None))
    return points


def division_points(
    chapter: TalkingChapter, previous_path: list[str], first: Phrase
) -> list[NavPoint]:
    """Parts and books this chapter enters whose own heading is not in the build.

    A build of chapters 2, 5 and 26 of the memoir still lists chapter 26 under Book III,
    pointing where the chapter starts, though Book III's spoken heading is in chapter 16.
    """
    divisions = chapter.plan.chapter.divisions
    path = [d.label for d in divisions]
    own_levels = {item.level for item in chapter.items if item.level is not None}
    points = []
    for depth, division in enumerate(divisions):
        if previous_path[: depth + 1] == path[: depth + 1] or depth + 1 in own_levels:
            continue
        text = spoken_heading(label_to_words(division.label), division.title)
        points.append(NavPoint(chapter, depth + 1, heading_label(text), first, None))
    return points


def page_breaks(chapters: Sequence[TalkingChapter]) -> list[PageBreak]:
    """Every print page break in order, with the phrase reading resumes at."""
    return [
        PageBreak(
            chapter,
            item.segment.page,
            item.page_id,
            page_kind(item.segment.page),
            chapter.first_phrase_from(item),
        )
        for chapter in chapters
        for item in chapter.items
        if item.page_id is not None and item.segment.page is not None
    ]
