"""One CBR MP3 per chapter, with ID3v2.3 tags and CHAP/CTOC marks in time order."""

from __future__ import annotations

from pathlib import Path

from audiobook import ffmpeg
from audiobook.model import ChapterOutput
from audiobook.tagging import chapter_tags, cover_mime, ffmetadata
from audiobook.writers.base import ChapterWriter


class Mp3Writer(ChapterWriter):
    """CBR MP3; ffmpeg writes the tags because mutagen would reorder the CHAP frames."""

    NAME = "mp3"
    SUFFIX = ".mp3"
    VERSION = 2  # 2: the language tag

    def __init__(self, bitrate_kbps: int = ffmpeg.DEFAULT_MP3_BITRATE_KBPS) -> None:
        self.bitrate_kbps = bitrate_kbps

    def write(self, chapter: ChapterOutput, dest: Path) -> None:
        if chapter.cover is not None:
            cover_mime(chapter.cover)  # a user error now rather than ffmpeg's later
        tags = chapter_tags(chapter.book, chapter.chapter).ffmpeg_keys()
        ffmpeg.encode_mp3(
            chapter.wav,
            dest,
            metadata=ffmetadata(tags, chapter.marks),
            cover=chapter.cover,
            bitrate_kbps=self.bitrate_kbps,
        )
