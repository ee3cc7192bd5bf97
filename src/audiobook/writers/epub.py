"""`--format epub`: EPUB 3 with Media Overlays, the text read aloud in sync (issue 5).

The work is in `audiobook.talkingbook`; this is its place in the writer registry.
"""

from __future__ import annotations

from pathlib import Path

from audiobook.model import BookOutput
from audiobook.writers.base import BookWriter, book_stem


class EpubWriter(BookWriter):
    """One EPUB for the chapters of the build, each with its text, overlay and audio."""

    NAME = "epub"
    NEEDS_AUDIO = True

    SUFFIXES = (".epub",)

    def file_names(self, output: BookOutput) -> list[str]:
        return [book_stem(output) + ".epub"]

    def write(self, output: BookOutput, dests: list[Path]) -> None:
        from audiobook.talkingbook.epub import write_epub
        from audiobook.talkingbook.layout import talking_chapters

        write_epub(output.book, talking_chapters(output), dests[0], cover=output.cover)
