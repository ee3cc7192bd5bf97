"""What writers promise; what they are given is in audiobook.model (ChapterOutput, BookOutput).

A chapter writer turns one finished chapter into one file; a book writer turns the chapters
of a build into one or two files for the whole book. Writers write exactly the path they are
given (a temporary name beside the final one, without the final suffix, so each names its
format explicitly); `build` makes the result appear atomically and decides what to skip.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from audiobook.filenames import DEFAULT_MAX_NAME_BYTES, format_ranges, safe_name, truncate_utf8
from audiobook.model import BookOutput, ChapterOutput


def book_stem(output: BookOutput, max_bytes: int = DEFAULT_MAX_NAME_BYTES) -> str:
    """File name (without suffix) of a whole-book file; a partial build names its chapters.

    A long title is cut (between words where it can be) and the chapters' part kept, so a
    partial book never takes the whole book's name.
    """
    chapters = ""
    if output.partial:
        chapters = f" - chapters {format_ranges(record.index for record in output.chapters)}"
    room = max(16, max_bytes - len(chapters.encode("utf-8")))
    title = safe_name(output.book.title)
    if len(title.encode("utf-8")) > room:
        cut = truncate_utf8(title, room)
        title = safe_name(cut.rsplit(" ", 1)[0] if " " in cut else cut)
    return title + chapters


class ChapterWriter(ABC):
    """Writes one file per chapter."""

    NAME: ClassVar[str]
    SUFFIX: ClassVar[str]
    VERSION: ClassVar[int] = 1  # bump when output changes, so rebuilds redo the files

    def file_name(self, stem: str) -> str:
        return stem + self.SUFFIX

    @abstractmethod
    def write(self, chapter: ChapterOutput, dest: Path) -> None:
        """Write the chapter's file at exactly `dest`."""


class BookWriter(ABC):
    """Writes files for the book as a whole."""

    NAME: ClassVar[str]
    VERSION: ClassVar[int] = 1
    NEEDS_AUDIO: ClassVar[bool] = False  # wants this build's chapters' finished audio
    # …as BookOutput.audio, one chapter at a time (so the build keeps no chapter for it),
    # rather than as every record's `wav` at once.
    STREAMS_AUDIO: ClassVar[bool] = False
    # How its file names end: a name recorded for this writer that does not is not the
    # writer's, and is never deleted as its old file (a hand-edited manifest).
    SUFFIXES: ClassVar[tuple[str, ...]]

    def could_have_written(self, name: str) -> bool:
        return name.endswith(self.SUFFIXES)

    @abstractmethod
    def file_names(self, output: BookOutput) -> list[str]:
        """Names of the files `write` will produce, in the order of its `dests`."""

    @abstractmethod
    def write(self, output: BookOutput, dests: list[Path]) -> None:
        """Write the book's files at exactly `dests`."""
