"""Chapter audio for talking books: constant-bitrate MP3, as the book's own MP3s are made.

Both formats use the book's MP3 settings (audiobook.ffmpeg.encode_mp3): constant bitrate, as
FSReader and some hardware DAISY players need, and a core media type of EPUB 3. Each chapter
is encoded once per build, beside its finished WAV in the build's work folder, and shared by
EPUB and DAISY (a book of 25 hours is 700 MB of MP3: encoded twice it would cost minutes,
copied twice, as much disk again). Chapters are encoded in parallel, one single-threaded
ffmpeg each.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from audiobook import ffmpeg
from audiobook.machine import worker_count
from audiobook.model import BookInfo
from audiobook.tagging import chapter_tags, ffmetadata
from audiobook.talkingbook.layout import TalkingChapter

MP3_SUFFIX = ".talkingbook.mp3"


def _encode(book: BookInfo, chapter: TalkingChapter) -> Path:
    mp3 = chapter.wav.with_name(chapter.wav.stem + MP3_SUFFIX)
    if mp3.is_file() and mp3.stat().st_mtime_ns >= chapter.wav.stat().st_mtime_ns:
        return mp3  # made by the other talking-book format of this build
    partial = mp3.with_name(f".{mp3.name}.{os.getpid()}.part")
    # No chapter marks or cover: the talking book navigates itself and shows its cover once.
    tags = chapter_tags(book, chapter.plan.chapter).ffmpeg_keys()
    try:
        ffmpeg.encode_mp3(chapter.wav, partial, metadata=ffmetadata(tags, ()))
        os.replace(partial, mp3)
    finally:
        partial.unlink(missing_ok=True)
    return mp3


def chapter_mp3s(book: BookInfo, chapters: Sequence[TalkingChapter]) -> list[Path]:
    """Each chapter's audio as a tagged CBR MP3, encoded now or earlier in this build."""
    with ThreadPoolExecutor(max_workers=worker_count(None)) as pool:
        return list(pool.map(lambda chapter: _encode(book, chapter), chapters))


def place(source: Path, dest: Path) -> None:
    """`source`'s bytes at `dest`: a hard link where the file system allows, else a copy."""
    dest.unlink(missing_ok=True)
    try:
        os.link(source, dest)
    except OSError:
        shutil.copyfile(source, dest)
