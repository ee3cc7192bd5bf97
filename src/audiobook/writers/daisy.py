"""`--format daisy`: a DAISY 2.02 talking book, full text and full audio (issue 5).

The book is a folder beside the other outputs, `Title (DAISY 2.02)/`, holding `ncc.html`,
`content.html` and a SMIL file and an MP3 per chapter: the layout hardware players read from
a memory card. The work is in `audiobook.talkingbook`; this is its place in the registry.
"""

from __future__ import annotations

from pathlib import Path

from audiobook.bookfolder import remove_leftovers
from audiobook.model import BookOutput
from audiobook.writers.base import BookWriter, book_stem

FOLDER_SUFFIX = " (DAISY 2.02)"
# The folder sits inside the book's folder, which is named for the book already: a shorter
# name keeps paths inside Windows' 260 characters and reads better on a player's card.
FOLDER_NAME_MAX_BYTES = 80


class DaisyWriter(BookWriter):
    """One DAISY 2.02 book for the chapters of the build."""

    NAME = "daisy"
    NEEDS_AUDIO = True

    SUFFIXES = ()

    def could_have_written(self, name: str) -> bool:
        folder, _, rest = name.partition("/")
        return folder.endswith(FOLDER_SUFFIX) and bool(rest) and "/" not in rest

    def file_names(self, output: BookOutput) -> list[str]:
        from audiobook.talkingbook.daisy import file_names
        from audiobook.talkingbook.layout import chapter_names

        folder = book_stem(output, FOLDER_NAME_MAX_BYTES) + FOLDER_SUFFIX
        return [f"{folder}/{name}" for name in file_names(chapter_names(output.chapters))]

    def write(self, output: BookOutput, dests: list[Path]) -> None:
        from audiobook.talkingbook.daisy import write_daisy
        from audiobook.talkingbook.layout import talking_chapters

        folder = dests[0].parent
        folder.mkdir(parents=True, exist_ok=True)
        remove_leftovers(folder)  # the build clears the book folder's, not this one's
        write_daisy(output.book, talking_chapters(output), dests)
