"""Plain data passed between pipeline stages. JSON/TOML conversion lives at the edges."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

NARRATOR = "Narrator"


class SegmentKind(StrEnum):
    """What a segment is: its value is the `kind` of `audiobook script --json`."""

    HEADING = "heading"  # a chapter's or a section's heading, said by the narrator
    NARRATION = "narration"  # the narrator's prose
    SPEECH = "speech"  # a turn of a named speaker
    CAPTION = "caption"  # a picture's caption
    DIRECTION = "direction"  # a stage direction or a sound ("Laughter")
    NOTE = "note"  # a footnote, read after its paragraph


class BlockStyle(StrEnum):
    """What a block of cleaned text is, as cleaning found it."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    SECTION = "section"  # a heading that is never a chapter (a play's SCENE)
    NUMERAL = "numeral"  # a chapter's number or label ("IV", "CHAPTER IV", "ACT II")
    CAPTION = "caption"  # a picture's caption
    TITLE = "title"  # the title of an article (Markdown "# …")
    DIRECTION = "direction"  # a stage direction
    LIST = "list"  # a line of a list: the persons of a play
    QUOTE = "quote"  # a block quotation, an epigraph and its attribution: the narrator's
    # Only while audiobook.chapters gathers a chapter's blocks, before they are spoken:
    DIVISION = "division"  # a PART or BOOK heading, waiting for its chapter
    CHAPTER_TITLE = "chapter-title"  # the heading that opened the chapter
    TITLE_PAGE = "title-page"  # a heading with no text of its own, read with the next


# ---------------------------------------------------------------- text half


@dataclass(frozen=True)
class ReadOptions:
    """What the user says about a text that the text may not say itself (`--title` …)."""

    title: str | None = None
    author: str | None = None
    layout: str | None = None  # a layout name forcing audiobook.layouts' choice
    language: str | None = None  # ISO 639-1, overriding detection
    notes: str = "after"  # footnotes read after their paragraph, at the chapter's end, or not
    ocr: bool = False  # a PDF without a text layer is read with Tesseract (--ocr)
    dialogue: bool = False  # quotations in prose voiced by their speakers (--dialogue)
    minor_lines: int = 5  # a character with fewer quotations shares a voice (--minor-lines)


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
    where: str | None = None  # for a file without lines (an e-book): the part it came from


@dataclass
class Block:
    """A paragraph-level unit of cleaned text, before chapters and speakers are known."""

    text: str  # clean text, lines joined, hyphenation repaired, markup kept for speakers
    line: int  # source line where the block starts
    style: BlockStyle = BlockStyle.PARAGRAPH
    level: int = 0  # heading depth from Markdown (#=1, ##=2 …); 0 when not Markdown
    page: str | None = None  # print page that begins at (or inside) this block
    notes: list[str] = field(default_factory=list)  # footnotes attached to this paragraph
    scene_break_before: bool = False  # an ornament (* * *) stood before this block
    repeats: int = 0  # how often a heading came back as a running page header
    label: str = ""  # for a numeral: the word printed with it ("CHAPTER", "ACT"), if any
    speaker: str | None = None  # who speaks it, when the markup says so (an e-book's play)


@dataclass(frozen=True)
class CleanText:
    """Result of cleaning: blocks in reading order, plus what was removed and why."""

    blocks: tuple[Block, ...]
    removed: tuple[Removal, ...]
    layout: str  # name of the layout whose rules cleaned it (audiobook.layouts)
    layout_reason: str = ""  # why that layout was chosen
    damaged: bool = False  # the text showed OCR or extraction damage, so repairs ran
    toc: tuple[str, ...] = ()  # table-of-contents lines, a hint for chapters
    title: str | None = None  # from a "# title" line, an e-text header or a title page
    author: str | None = None  # from a byline, an e-text header or a signed foreword
    year: str | None = None
    language: str = "en"  # ISO 639-1, as the text states it or as detected
    persons: tuple[str, ...] = ()  # the persons of a play, as listed


@dataclass(frozen=True)
class ChapterText:
    """A chapter as found in the text: its place in the book and its cleaned blocks."""

    chapter: Chapter  # metadata only: speaker attribution makes its segments
    blocks: tuple[Block, ...]  # headings carry their spoken form and their depth in `level`


@dataclass(frozen=True)
class Segment:
    """One utterance-sized piece of the script: a paragraph, a turn, a heading or a note."""

    speaker: str
    kind: SegmentKind
    text: str  # clean prose as written: no Markdown symbols, no line-break hyphens
    source_line: int | None = None  # 1-based line in the source file
    page: str | None = None  # print page that begins with this segment
    level: int | None = None  # heading depth inside the chapter (1 = chapter title)
    scene_break_before: bool = False  # a scene-break pause comes before this segment
    # How sure the dialogue stage is that `speaker` says this quotation (0-1); None for a
    # turn the text labels, which needs no guess.
    confidence: float | None = None
    say: str | None = None  # what is spoken when it differs from `text` (audiobook.saying)


@dataclass(frozen=True)
class Division:
    """A part, book or volume of the book, enclosing chapters."""

    label: str  # as said in capitals: "PART ONE", "BOOK I"
    title: str | None = None  # its own title ("THE FIRST PART"), when it has one


@dataclass(frozen=True)
class Chapter:
    """One listening unit: becomes one audio file."""

    index: int  # 1-based position in the book
    number: str | None  # printed chapter number ("IV"), inferred when garbled or missing
    title: str
    divisions: tuple[Division, ...] = ()  # the enclosing divisions, outermost first
    segments: tuple[Segment, ...] = ()
    source_line: int | None = None


@dataclass(frozen=True)
class Character:
    """A person whose quoted speech the dialogue stage found."""

    name: str
    gender: str | None  # "female" or "male" as the text shows it (titles, pronouns); None
    lines: int  # quotations given to them
    minor: bool = False  # fewer lines than --minor-lines: shares a voice with others like them


@dataclass(frozen=True)
class Script:
    """The whole reviewed reading: the contract between the text half and the audio half."""

    title: str
    author: str | None
    speakers: tuple[str, ...]  # Narrator first, then in order of first appearance
    chapters: tuple[Chapter, ...]
    removed: tuple[Removal, ...] = ()
    year: str | None = None
    language: str = "en"  # ISO 639-1
    source: str | None = None  # file the script was made from
    layout: str | None = None  # layout the text was read as, when made from text
    layout_reason: str = ""  # why that layout was chosen, for `inspect`
    characters: tuple[Character, ...] = ()  # from quoted dialogue (--dialogue), most lines first


# ---------------------------------------------------------------- audio half

# Every engine's output is converted to this one format before anything else sees it.
# 24 kHz is the highest rate any voice here speaks at (hibari, Kokoro), so no voice
# loses anything to it; every other voice (flite 8-16 kHz, espeak-ng and Piper 22.05 kHz) is
# resampled up once, and a cast that mixes them needs no second conversion. Opus encodes
# 24 kHz as it is.
AUDIO_SAMPLE_RATE_HZ = 24000
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
    dialogue: bool = False  # quotations in prose go to their speakers (`dialogue = true`)


@dataclass(frozen=True)
class SegmentAudio:
    """The synthesised audio of one segment: one cached WAV per sentence chunk."""

    chapter_index: int
    segment_index: int  # position in Chapter.segments
    clips: tuple[Path, ...]  # WAV files in AUDIO_* format, in speaking order
    duration_s: float  # sum of the clips' durations, without pauses
    texts: tuple[str, ...] = ()  # what each clip says (its spoken form); () when unknown


@dataclass(frozen=True)
class ChapterAudio:
    """A chapter together with the audio of each of its segments."""

    chapter: Chapter
    segments: tuple[SegmentAudio, ...]


# ---------------------------------------------------------------- chapter assembly


@dataclass(frozen=True)
class Clip:
    """One cached WAV as placed in a chapter."""

    path: Path
    frames: int
    speaker: str
    text: str = ""  # what it says, when synthesis told us: read-along formats align to it


@dataclass(frozen=True)
class Silence:
    """A pause or room tone."""

    frames: int


@dataclass(frozen=True)
class SegmentTiming:
    """Where one segment's audio lies in the stitched chapter (room tone at the head counted)."""

    segment_index: int  # position in Chapter.segments
    segment: Segment
    start_frame: int  # first frame of the segment's first clip
    end_frame: int  # frame after the segment's last clip

    @property
    def start_s(self) -> float:
        return self.start_frame / AUDIO_SAMPLE_RATE_HZ

    @property
    def end_s(self) -> float:
        return self.end_frame / AUDIO_SAMPLE_RATE_HZ


@dataclass(frozen=True)
class ChapterPlan:
    """Everything needed to stream a chapter: its pieces in order, and each segment's place."""

    chapter: Chapter
    pieces: tuple[Clip | Silence, ...]
    timings: tuple[SegmentTiming, ...]  # voiced segments only, in order
    frames: int  # total length

    @property
    def duration_s(self) -> float:
        return self.frames / AUDIO_SAMPLE_RATE_HZ

    def clips(self) -> Iterator[Clip]:
        return (piece for piece in self.pieces if isinstance(piece, Clip))


# ---------------------------------------------------------------- outputs


@dataclass(frozen=True)
class BookInfo:
    """What every output says about the book as a whole."""

    title: str
    author: str | None
    year: str | None
    total_chapters: int  # in the whole book, for "track n/N"
    language: str = "en"  # BCP 47 ("de", "pt-BR"), as EPUB and DAISY want it

    @classmethod
    def from_script(cls, script: Script) -> BookInfo:
        # Imported here: filenames imports this module (display rules are not plain data).
        from audiobook.filenames import UNTITLED, display_text
        from audiobook.language_codes import language_tag

        return cls(
            title=display_text(script.title) or UNTITLED,
            author=display_text(script.author or "") or None,
            year=script.year,
            total_chapters=len(script.chapters),
            language=language_tag(script.language),
        )


@dataclass(frozen=True)
class Mark:
    """A chapter mark: a place a listener can jump to."""

    start_s: float
    end_s: float
    title: str


@dataclass(frozen=True)
class ChapterOutput:
    """One finished chapter, as chapter writers see it."""

    book: BookInfo
    chapter: Chapter
    plan: ChapterPlan  # where each segment lies in the audio
    wav: Path  # the levelled chapter audio, AUDIO_* format
    marks: tuple[Mark, ...]  # headings and speaker turns, in time order
    cover: Path | None = None


@dataclass(frozen=True)
class ChapterRecord:
    """What is known of a chapter in the output folder, built now or before."""

    index: int
    title: str  # display name
    stem: str  # file name without suffix
    duration_s: float
    files: dict[str, str] = field(default_factory=dict)  # writer name -> file name
    wav: Path | None = None  # finished audio, for the chapters of this build
    plan: ChapterPlan | None = None  # text and timings, given with `wav` (read-along formats)


@dataclass(frozen=True)
class BookOutput:
    """The chapters of the output folder, as book writers see them, in reading order."""

    book: BookInfo
    chapters: tuple[ChapterRecord, ...]
    cover: Path | None = None  # cover image given by the user
    partial: bool = False  # this build covers only some of the book's chapters
    book_files: dict[str, list[str]] = field(default_factory=dict)  # earlier book writers' files
    # This build's chapters' finished WAVs in order, for writers that stream them (M4B):
    # each path is only good until the next one is taken.
    audio: Iterable[Path] = ()
