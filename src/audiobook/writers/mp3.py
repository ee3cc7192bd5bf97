"""One CBR MP3 per chapter, with ID3v2.3 tags and CHAP/CTOC marks in time order."""

from __future__ import annotations

import tempfile
from pathlib import Path

from audiobook import processes
from audiobook.tagging import chapter_tags, cover_mime, ffmetadata
from audiobook.writers.base import ChapterOutput, ChapterWriter

# Speech at 22,050 Hz mono: 64 kbit/s is what spoken-word services use for voice.
DEFAULT_MP3_BITRATE_KBPS = 64


class Mp3Writer(ChapterWriter):
    """CBR MP3; ffmpeg writes the tags because mutagen would reorder the CHAP frames."""

    NAME = "mp3"
    SUFFIX = ".mp3"
    VERSION = 2  # 2: the language tag

    def __init__(self, bitrate_kbps: int = DEFAULT_MP3_BITRATE_KBPS) -> None:
        self.bitrate_kbps = bitrate_kbps

    def write(self, chapter: ChapterOutput, dest: Path) -> None:
        tags = chapter_tags(chapter.book, chapter.chapter).ffmpeg_keys()
        with tempfile.TemporaryDirectory() as tmp:
            metadata = Path(tmp) / "metadata.txt"
            metadata.write_text(ffmetadata(tags, chapter.marks), encoding="utf-8")
            args = ["ffmpeg", "-v", "error", "-nostdin", "-y"]
            args += ["-i", str(chapter.wav), "-i", str(metadata)]
            if chapter.cover is not None:
                cover_mime(chapter.cover)  # a user error now rather than ffmpeg's later
                args += ["-i", str(chapter.cover)]
            args += ["-map", "0:a", "-map_metadata", "1", "-map_chapters", "1"]
            if chapter.cover is not None:
                args += ["-map", "2:v", "-c:v", "copy", "-disposition:v:0", "attached_pic"]
                args += ["-metadata:s:v", "title=Cover", "-metadata:s:v", "comment=Cover (front)"]
            args += ["-c:a", "libmp3lame", "-b:a", f"{self.bitrate_kbps}k"]
            args += ["-id3v2_version", "3", "-write_xing", "1", "-f", "mp3", str(dest)]
            processes.run(args)
