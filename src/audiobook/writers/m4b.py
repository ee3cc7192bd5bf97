"""The whole book (or the chapters built) as one M4B with a chapter mark per chapter.

AAC with ffmpeg's fast coder (audiobook.ffmpeg.encode_m4b). MP4 chapter lists are flat, so
divisions (parts, books) show in each mark's title instead of as nested marks.
"""

from __future__ import annotations

from pathlib import Path

from audiobook import ffmpeg
from audiobook.errors import AudiobookError
from audiobook.language_codes import iso639_2
from audiobook.model import BookOutput
from audiobook.tagging import book_marks, book_tags, ffmetadata, tag_file
from audiobook.writers.base import BookWriter, book_stem


class M4bWriter(BookWriter):
    NAME = "m4b"
    VERSION = 2  # 2: the language in the track and the tags
    NEEDS_AUDIO = True

    def __init__(self, bitrate_kbps: int = ffmpeg.DEFAULT_AAC_BITRATE_KBPS) -> None:
        self.bitrate_kbps = bitrate_kbps

    def file_names(self, output: BookOutput) -> list[str]:
        return [book_stem(output) + ".m4b"]

    def write(self, output: BookOutput, dests: list[Path]) -> None:
        wavs = [record.wav for record in output.chapters]
        if any(wav is None for wav in wavs):
            raise AudiobookError("m4b writer needs every chapter's rendered audio")
        marks = book_marks([(record.title, record.duration_s) for record in output.chapters])
        ffmpeg.encode_m4b(
            [wav for wav in wavs if wav is not None],
            dests[0],
            metadata=ffmetadata({}, marks),
            language=iso639_2(output.book.language),
            bitrate_kbps=self.bitrate_kbps,
        )
        tag_file(dests[0], book_tags(output.book), cover=output.cover)
