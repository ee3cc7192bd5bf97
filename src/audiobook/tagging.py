"""Tags and chapter marks: what a player shows and where a listener can jump.

Who writes what, and why:
- MP3: ffmpeg, from an FFMETADATA file, with `-id3v2_version 3`. mutagen can write CHAP and
  CTOC frames but saves frames of one type sorted by size, so chapter marks would land out of
  time order, and players (and ffprobe) read them in file order.
- M4B: ffmpeg writes the chapters (mutagen reads MP4 chapters but cannot write them);
  mutagen writes the tags and cover afterwards, which keeps ffmpeg's chapter track intact.
- Opus: mutagen, Vorbis comments plus the CHAPTERxxx / CHAPTERxxxNAME comment convention.

The language goes into tags as ISO 639-2 ("deu"): ID3 TLAN, Vorbis LANGUAGE, and in MP4 the
audio track's language (ffmpeg) plus iTunes' freeform LANGUAGE tag, as tag editors write it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import mutagen
from mutagen.easymp4 import EasyMP4Tags
from mutagen.flac import Picture
from mutagen.id3 import APIC, ID3
from mutagen.mp4 import MP4Cover

from audiobook.errors import AudiobookError, UserError
from audiobook.filenames import chapter_display_name, display_case, display_text
from audiobook.language_codes import iso639_2
from audiobook.model import BookInfo, Chapter, ChapterPlan, Mark, SegmentKind

GENRE = "Audiobook"
MARK_TITLE_WORDS = 8  # a turn's mark is named by its speaker and its first words

# mutagen's EasyMP4 knows no language key; this is the freeform atom Picard and others use.
EasyMP4Tags.RegisterFreeformKey("language", "LANGUAGE")


@dataclass(frozen=True)
class Tags:
    """Text tags of one output file, independent of the tag format."""

    title: str
    album: str
    artist: str | None
    track: int | None = None
    total_tracks: int | None = None
    year: str | None = None
    genre: str = GENRE
    language: str | None = None  # ISO 639-2 ("deu"), what ID3 TLAN and MP4 want

    def easy_keys(self) -> dict[str, str]:
        """As mutagen's "easy" keys, shared by its Vorbis comment and EasyMP4 interfaces."""
        keys = {"title": self.title, "album": self.album, "genre": self.genre}
        if self.artist:
            keys["artist"] = keys["albumartist"] = self.artist
        if self.track is not None:
            keys["tracknumber"] = f"{self.track}/{self.total_tracks or self.track}"
        if self.year:
            keys["date"] = self.year
        if self.language:
            keys["language"] = self.language
        return keys

    def ffmpeg_keys(self) -> dict[str, str]:
        """As ffmpeg's generic metadata keys (mapped by ffmpeg to ID3 frames or MP4 atoms)."""
        return {_FFMPEG_NAMES.get(key, key): value for key, value in self.easy_keys().items()}


# Where ffmpeg's metadata names differ from mutagen's easy keys.
_FFMPEG_NAMES = {"albumartist": "album_artist", "tracknumber": "track"}


def chapter_tags(book: BookInfo, chapter: Chapter) -> Tags:
    """Tags of one chapter's file: its name as title, the book as album, track n/N."""
    return Tags(
        title=chapter_display_name(chapter),
        album=book.title,
        artist=book.author,
        track=chapter.index,
        total_tracks=book.total_chapters,
        year=book.year,
        language=iso639_2(book.language),
    )


def book_tags(book: BookInfo) -> Tags:
    """Tags of a whole-book file (m4b)."""
    return Tags(
        title=book.title,
        album=book.title,
        artist=book.author,
        year=book.year,
        language=iso639_2(book.language),
    )


def chapter_marks(plan: ChapterPlan) -> list[Mark]:
    """A mark at each heading and each change of speaker, where that audio starts."""
    starts: list[tuple[float, str]] = []
    previous_speaker: str | None = None
    for timing in plan.timings:
        segment = timing.segment
        if segment.kind == SegmentKind.HEADING:
            starts.append((timing.start_s, display_case(display_text(segment.text))))
        elif segment.speaker != previous_speaker or not starts:
            words = display_text(segment.text).split()
            snippet = " ".join(words[:MARK_TITLE_WORDS])
            if len(words) > MARK_TITLE_WORDS:
                snippet += " …"
            starts.append((timing.start_s, f"{display_text(segment.speaker)}: {snippet}"))
        previous_speaker = segment.speaker
    if not starts:
        return []  # nothing voiced: nothing to mark
    ends = [start for start, _ in starts[1:]] + [plan.duration_s]
    return [Mark(start, end, title) for (start, title), end in zip(starts, ends, strict=True)]


def book_marks(durations: Sequence[tuple[str, float]]) -> list[Mark]:
    """One mark per chapter of a whole-book file, from (title, duration) in order."""
    marks = []
    position = 0.0
    for title, duration in durations:
        marks.append(Mark(position, position + duration, title))
        position += duration
    return marks


def _escape_ffmetadata(value: str) -> str:
    """FFMETADATA needs `=`, `;`, `#`, `\\` and newlines escaped with a backslash."""
    out = []
    for ch in value:
        if ch in "=;#\\\n":
            out.append("\\")
        out.append(ch)
    return "".join(out)


def ffmetadata(tags: dict[str, str], marks: Sequence[Mark]) -> str:
    """An `;FFMETADATA1` file: global tags, then one [CHAPTER] block per mark, in time order."""
    lines = [";FFMETADATA1"]
    lines += [f"{key}={_escape_ffmetadata(value)}" for key, value in tags.items()]
    for mark in sorted(marks, key=lambda m: m.start_s):
        start_ms = round(mark.start_s * 1000)
        end_ms = max(start_ms, round(mark.end_s * 1000))
        lines += [
            "",
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={start_ms}",
            f"END={end_ms}",
            f"title={_escape_ffmetadata(mark.title)}",
        ]
    return "\n".join(lines) + "\n"


def vorbis_time(seconds: float) -> str:
    """HH:MM:SS.mmm, the time format of Vorbis chapter comments and WebVTT."""
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def vorbis_chapters(marks: Sequence[Mark]) -> list[tuple[str, str]]:
    """Chapter marks as Vorbis comments: CHAPTER001=00:00:00.000, CHAPTER001NAME=title."""
    comments = []
    for number, mark in enumerate(sorted(marks, key=lambda m: m.start_s), start=1):
        comments.append((f"CHAPTER{number:03d}", vorbis_time(mark.start_s)))
        comments.append((f"CHAPTER{number:03d}NAME", mark.title))
    return comments


def cover_mime(cover: Path) -> str:
    """MIME type of a cover image, from its first bytes; a user error if it is neither."""
    if cover.exists() and not cover.is_file():  # a FIFO would hang the read
        raise UserError(f"cover {cover} is not a file")
    try:
        with cover.open("rb") as f:
            head = f.read(8)
    except OSError as e:
        raise UserError(f"cannot read cover {cover}: {e.strerror}") from e
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    raise UserError(f"cover {cover} is not a JPEG or PNG image")


def tag_file(path: Path, tags: Tags, marks: Sequence[Mark] = (), cover: Path | None = None) -> None:
    """Write tags (and, for Vorbis comments, chapter marks) with mutagen's own choice of format."""
    if cover is not None:
        cover_mime(cover)  # not an image: a user error before the file is touched
    try:
        audio = mutagen.File(path, easy=True)
    except mutagen.MutagenError as e:
        raise AudiobookError(f"{path}: cannot read its tags ({e})") from e
    if audio is None:
        raise AudiobookError(f"mutagen does not recognise {path}")
    if audio.tags is None:
        audio.add_tags()
    for key, value in tags.easy_keys().items():
        audio[key] = [value]
    is_vorbis = hasattr(audio.tags, "vendor")  # Ogg (Opus, Vorbis, FLAC) comment block
    if is_vorbis:
        for key in [k for k in audio.tags.keys() if re.fullmatch(r"CHAPTER\d+(NAME)?", k, re.I)]:
            del audio.tags[key]  # marks of an earlier tagging
        for key, value in vorbis_chapters(marks):
            audio.tags[key] = [value]
    audio.save()
    if cover is not None:
        _add_cover(path, cover)


def _add_cover(path: Path, cover: Path) -> None:
    mime = cover_mime(cover)
    data = cover.read_bytes()
    audio = mutagen.File(path)
    if isinstance(audio.tags, ID3):
        audio.tags.delall("APIC")
        audio.tags.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=data))
    elif hasattr(audio.tags, "vendor"):
        picture = Picture()
        picture.type = 3  # front cover
        picture.mime = mime
        picture.data = data
        block = base64.b64encode(picture.write()).decode("ascii")
        audio.tags["METADATA_BLOCK_PICTURE"] = [block]
    else:
        kind = MP4Cover.FORMAT_JPEG if mime == "image/jpeg" else MP4Cover.FORMAT_PNG
        audio.tags["covr"] = [MP4Cover(data, imageformat=kind)]
    audio.save()
