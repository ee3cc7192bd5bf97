"""Plain data passed between pipeline stages. JSON/TOML conversion lives at the edges."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

NARRATOR = "Narrator"

# Segment kinds, the contract of `audiobook script --json`.
HEADING = "heading"
NARRATION = "narration"
SPEECH = "speech"
CAPTION = "caption"
DIRECTION = "direction"
NOTE = "note"
SEGMENT_KINDS = (HEADING, NARRATION, SPEECH, CAPTION, DIRECTION, NOTE)


# ---------------------------------------------------------------- text half


@dataclass(frozen=True)
class ReadOptions:
    """What the user says about a text that the text may not say itself (`--title` …)."""

    title: str | None = None
    author: str | None = None
    layout: str | None = None  # a layout name forcing audiobook.layouts' choice
    language: str | None = None  # ISO 639-1, overriding detection


@dataclass(frozen=True)
class SourceLine:
    """One line of the input file as read."""

    number: int  # 1-based line number in the source file
    text: str


@dataclass(frozen=True)
class Removal:
    """Something a cleaning rule took out of the spoken text, kept for auditing."""

    rule: str  # name of the cleaning rule, e.g. "page-number"
    line: int  # 1-based source line
    text: str  # what was removed, as it stood in the source


@dataclass
class Block:
    """A paragraph-level unit of cleaned text, before chapters and speakers are known."""

    text: str  # clean text, lines joined, hyphenation repaired, markup kept for speakers
    line: int  # source line where the block starts
    # "paragraph", "heading", "section" (never a chapter), "numeral", "caption", "title",
    # "direction" (a stage direction), "list" (a line of a list: the persons of a play)
    style: str = "paragraph"
    level: int = 0  # heading depth from Markdown (#=1, ##=2 …); 0 when not Markdown
    page: str | None = None  # print page that begins at (or inside) this block
    notes: list[str] = field(default_factory=list)  # footnotes attached to this paragraph
    scene_break_before: bool = False  # an ornament (* * *) stood before this block
    repeats: int = 0  # how often a heading came back as a running page header
    label: str = ""  # for a numeral: the word printed with it ("CHAPTER", "ACT"), if any


@dataclass
class CleanText:
    """Result of cleaning: blocks in reading order, plus what was removed and why."""

    blocks: list[Block]
    removed: list[Removal]
    layout: str  # name of the layout whose rules cleaned it (audiobook.layouts)
    layout_reason: str = ""  # why that layout was chosen
    damaged: bool = False  # the text showed OCR or extraction damage, so repairs ran
    toc: list[str] = field(default_factory=list)  # table-of-contents lines, a hint for chapters
    title: str | None = None  # from a "# title" line, an e-text header or a title page
    author: str | None = None  # from a byline, an e-text header or a signed foreword
    year: str | None = None
    language: str = "en"  # ISO 639-1, as the text states it or as detected
    persons: list[str] = field(default_factory=list)  # the persons of a play, as listed


@dataclass
class ChapterText:
    """A chapter as found in the text: its place in the book and its cleaned blocks."""

    chapter: Chapter  # metadata only; segments are filled in by speaker attribution
    blocks: list[Block]  # headings carry their spoken form and their depth in `level`


@dataclass
class Segment:
    """One utterance-sized piece of the script: a paragraph, a turn, a heading or a note."""

    speaker: str
    kind: str  # one of SEGMENT_KINDS
    text: str  # clean prose as spoken: no Markdown symbols, no line-break hyphens
    source_line: int | None = None  # 1-based line in the source file
    page: str | None = None  # print page that begins with this segment
    level: int | None = None  # heading depth inside the chapter (1 = chapter title)
    scene_break_before: bool = False  # a scene-break pause comes before this segment


@dataclass
class Chapter:
    """One listening unit: becomes one audio file."""

    index: int  # 1-based position in the book
    number: str | None  # printed chapter number ("IV"), inferred when garbled or missing
    title: str
    path: list[str]  # enclosing divisions, outermost first: ["PART ONE", "BOOK I"]
    segments: list[Segment] = field(default_factory=list)
    path_titles: list[str] = field(default_factory=list)  # titles of those divisions
    source_line: int | None = None


@dataclass
class Script:
    """The whole reviewed reading: the contract between the text half and the audio half."""

    title: str
    author: str | None
    speakers: list[str]  # Narrator first, then in order of first appearance
    chapters: list[Chapter]
    removed: list[Removal] = field(default_factory=list)
    year: str | None = None
    language: str = "en"  # ISO 639-1
    source: str | None = None  # file the script was made from
    layout: str | None = None  # layout the text was read as, when made from text
    layout_reason: str = ""  # why that layout was chosen, for `inspect`


# ---------------------------------------------------------------- audio half

# Every engine's output is converted to this one format before anything else sees it.
AUDIO_SAMPLE_RATE_HZ = 22050
AUDIO_CHANNELS = 1
AUDIO_SAMPLE_WIDTH_BYTES = 2  # signed 16-bit little-endian PCM


@dataclass(frozen=True)
class VoiceSettings:
    """How one speaker sounds."""

    engine: str  # registry name: "espeak-ng", "flite", "pyttsx3", "rhvoice"
    voice: str  # engine's voice id
    rate: float = 1.0  # speed relative to the engine's normal rate
    pitch: float = 1.0  # relative pitch where the engine supports it
    volume: float = 1.0  # relative loudness before levelling


@dataclass(frozen=True)
class Pauses:
    """Silence between pieces of speech, in milliseconds."""

    sentence_ms: int = 250
    paragraph_ms: int = 700
    turn_ms: int = 900
    heading_ms: int = 1200
    scene_break_ms: int = 2000


@dataclass
class Cast:
    """Who speaks with which voice, and how words are pronounced."""

    voices: dict[str, VoiceSettings]  # speaker name -> voice
    lexicon: dict[str, str] = field(default_factory=dict)  # whole word -> spoken form
    pauses: Pauses = field(default_factory=Pauses)


@dataclass(frozen=True)
class SegmentAudio:
    """The synthesised audio of one segment: one cached WAV per sentence chunk."""

    chapter_index: int
    segment_index: int  # position in Chapter.segments
    clips: tuple[Path, ...]  # WAV files in AUDIO_* format, in speaking order
    duration_s: float  # sum of the clips' durations, without pauses
    texts: tuple[str, ...] = ()  # what each clip says (lexicon applied); () when unknown


@dataclass(frozen=True)
class ChapterAudio:
    """A chapter together with the audio of each of its segments."""

    chapter: Chapter
    segments: tuple[SegmentAudio, ...]
