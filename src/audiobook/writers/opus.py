"""One Opus file per chapter, tagged by mutagen with Vorbis comments and chapter comments."""

from __future__ import annotations

from pathlib import Path

from audiobook import ffmpeg
from audiobook.model import ChapterOutput
from audiobook.tagging import chapter_tags, tag_file
from audiobook.writers.base import ChapterWriter


class OpusWriter(ChapterWriter):
    NAME = "opus"
    SUFFIX = ".opus"
    VERSION = 2  # 2: the language tag

    def __init__(self, bitrate_kbps: int = ffmpeg.DEFAULT_OPUS_BITRATE_KBPS) -> None:
        self.bitrate_kbps = bitrate_kbps

    def write(self, chapter: ChapterOutput, dest: Path) -> None:
        ffmpeg.encode_opus(chapter.wav, dest, bitrate_kbps=self.bitrate_kbps)
        tags = chapter_tags(chapter.book, chapter.chapter)
        tag_file(dest, tags, chapter.marks, chapter.cover)
