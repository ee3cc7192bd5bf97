"""Output formats, chosen by name (`--format mp3,m4b`, or `all`)."""

from __future__ import annotations

from audiobook.errors import UserError
from audiobook.writers.base import BookWriter, ChapterWriter
from audiobook.writers.daisy import DaisyWriter
from audiobook.writers.epub import EpubWriter
from audiobook.writers.m4b import M4bWriter
from audiobook.writers.mp3 import Mp3Writer
from audiobook.writers.opus import OpusWriter
from audiobook.writers.playlist import PlaylistWriter
from audiobook.writers.vtt import VttWriter

WRITERS: dict[str, type[ChapterWriter] | type[BookWriter]] = {
    writer.NAME: writer
    for writer in (
        Mp3Writer,
        M4bWriter,
        OpusWriter,
        VttWriter,
        PlaylistWriter,
        EpubWriter,
        DaisyWriter,
    )
}
DEFAULT_FORMATS = ("mp3",)

__all__ = [
    "DEFAULT_FORMATS",
    "WRITERS",
    "BookWriter",
    "ChapterWriter",
    "get_writers",
]


def get_writers(spec: str | None) -> list[ChapterWriter | BookWriter]:
    """Writers for a comma-separated list of names, in registry order; `all` means every one."""
    if spec is not None and not spec.strip(","):
        raise UserError("--format is empty: give formats like mp3,vtt, or leave it out")
    names = [name.strip().lower() for name in (spec or ",".join(DEFAULT_FORMATS)).split(",")]
    names = [name for name in names if name]
    unknown = [name for name in names if name not in WRITERS and name != "all"]
    if "all" in names and not unknown:
        names = list(WRITERS)
    if unknown or not names:
        choices = ", ".join([*WRITERS, "all"])
        raise UserError(
            f"unknown output format {', '.join(unknown) or repr(spec)}; choose from {choices}"
        )
    return [writer() for name, writer in WRITERS.items() if name in names]
