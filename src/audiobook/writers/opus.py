"""One Opus file per chapter, tagged by mutagen with Vorbis comments and chapter comments."""

from __future__ import annotations

from pathlib import Path

from audiobook import processes
from audiobook.tagging import chapter_tags, tag_file
from audiobook.writers.base import ChapterOutput, ChapterWriter

DEFAULT_OPUS_BITRATE_KBPS = 32  # Opus is transparent for mono speech well below MP3's rate


class OpusWriter(ChapterWriter):
    NAME = "opus"
    SUFFIX = ".opus"
    VERSION = 2  # 2: the language tag

    def __init__(self, bitrate_kbps: int = DEFAULT_OPUS_BITRATE_KBPS) -> None:
        self.bitrate_kbps = bitrate_kbps

    def write(self, chapter: ChapterOutput, dest: Path) -> None:
        args = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", str(chapter.wav)]
        args += ["-map_metadata", "-1", "-c:a", "libopus", "-b:a", f"{self.bitrate_kbps}k"]
        # bitexact: a fixed Ogg serial number instead of a random one, so the same chapter
        # gives the same bytes (a resumed build equals an uninterrupted one).
        args += ["-fflags", "+bitexact", "-f", "opus", str(dest)]
        processes.run(args)
        tags = chapter_tags(chapter.book, chapter.chapter)
        tag_file(dest, tags, chapter.marks, chapter.cover)
