"""The whole book (or the chapters built) as one M4B with a chapter mark per chapter.

AAC with ffmpeg's fast coder (audiobook.ffmpeg.encode_m4b). MP4 chapter lists are flat, so
divisions (parts, books) show in each mark's title instead of as nested marks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from audiobook import ffmpeg
from audiobook.errors import AudiobookError
from audiobook.filenames import truncate_utf8
from audiobook.language_codes import iso639_2
from audiobook.loudness import read_wav_frames
from audiobook.model import BookOutput
from audiobook.tagging import book_marks, book_tags, ffmetadata, tag_file
from audiobook.writers.base import BookWriter, book_stem

MAX_MARK_TITLE_BYTES = 250


class M4bWriter(BookWriter):
    NAME = "m4b"
    VERSION = 2  # 2: the language in the track and the tags
    NEEDS_AUDIO = True
    STREAMS_AUDIO = True

    def __init__(self, bitrate_kbps: int = ffmpeg.DEFAULT_AAC_BITRATE_KBPS) -> None:
        self.bitrate_kbps = bitrate_kbps

    SUFFIXES = (".m4b",)

    def file_names(self, output: BookOutput) -> list[str]:
        return [book_stem(output) + ".m4b"]

    def write(self, output: BookOutput, dests: list[Path]) -> None:
        # Nero chapter lists hold titles of at most 255 bytes, and ffmpeg cuts them there even
        # inside a character (mutagen then cannot read the file): cut them first, between
        # characters.
        marks = book_marks(
            [(truncate_utf8(r.title, MAX_MARK_TITLE_BYTES), r.duration_s) for r in output.chapters]
        )
        streamed = 0

        def pcm() -> Iterator[bytes]:
            nonlocal streamed
            for wav in output.audio:
                yield from read_wav_frames(wav)
                streamed += 1

        ffmpeg.encode_m4b(
            pcm(),
            dests[0],
            metadata=ffmetadata({}, marks),
            language=iso639_2(output.book.language),
            bitrate_kbps=self.bitrate_kbps,
        )
        if streamed != len(output.chapters):
            raise AudiobookError(
                f"m4b writer got the audio of {streamed} chapters, not {len(output.chapters)}"
            )
        tag_file(dests[0], book_tags(output.book), cover=output.cover)
