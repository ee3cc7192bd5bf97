"""What a build must write, and what is unchanged: pure functions of the manifest.

Each output file is made from a key: a hash of everything it depends on (the chapter's
clips and pauses, texts, tags, the writer and its settings, the other files it names). A file
whose key and name match the manifest, and which is present in the folder, is left alone.
`plan_outputs` and `plan_book_outputs` decide this from plain values (the manifest, the
chapters, the writers and the names present in the folder), so the decisions are easy to
test; the build (audiobook.build) runs the jobs they return.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audiobook.cache import changed_error
from audiobook.loudness import DEFAULT_CEILING_DBFS, DEFAULT_TARGET_RMS_DBFS
from audiobook.manifest import BookEntry, ChapterEntry, FileEntry, Manifest
from audiobook.model import (
    AUDIO_SAMPLE_RATE_HZ,
    BookInfo,
    BookOutput,
    ChapterPlan,
    ChapterRecord,
    Clip,
)
from audiobook.writers import WRITERS, BookWriter, ChapterWriter


def digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def file_identity(path: Path | None) -> list[Any]:
    """Name, size and modification time: cheap, and changes whenever the file is rewritten."""
    if path is None:
        return []
    stat = path.stat()
    return [str(path.absolute()), stat.st_size, stat.st_mtime_ns]


def _clip_identity(path: Path) -> list[Any]:
    """A cached clip's name is the hash of all that decides its sound (cache.clip_key), so
    its name and size identify it wherever the cache is: a copied or moved cache, or a
    damaged clip made again, rewrites nothing."""
    try:
        return [path.name, path.stat().st_size]
    except FileNotFoundError as e:
        raise changed_error(path, "is gone") from e


def chapter_audio_key(plan: ChapterPlan, stem: str, book: BookInfo, cover: Path | None) -> str:
    """Hash of everything a chapter's files are made from."""
    pieces = [
        [*_clip_identity(piece.path), piece.speaker] if isinstance(piece, Clip) else piece.frames
        for piece in plan.pieces
    ]
    segments = [
        [t.segment_index, t.segment.speaker, t.segment.kind, t.segment.text, t.start_frame]
        for t in plan.timings
    ]
    chapter = plan.chapter
    return digest(
        pieces,
        segments,
        [chapter.index, chapter.number, chapter.title, [d.label for d in chapter.divisions]],
        stem,
        book,
        file_identity(cover),
        [DEFAULT_TARGET_RMS_DBFS, DEFAULT_CEILING_DBFS, AUDIO_SAMPLE_RATE_HZ],
    )


def writer_key(writer: ChapterWriter | BookWriter, *parts: Any) -> str:
    return digest(writer.NAME, writer.VERSION, vars(writer), *parts)


@dataclass(frozen=True)
class PlannedChapter:
    """A chapter of this build, with the key of its audio (see chapter_audio_key)."""

    index: int
    title: str  # display name
    stem: str
    duration_s: float
    key: str


@dataclass(frozen=True)
class FileJob:
    """One writer's file(s) for a chapter or the book: to write, or already current."""

    writer: str
    names: tuple[str, ...]
    key: str
    current: bool  # present and made from `key`: nothing to do
    stale: tuple[str, ...] = ()  # this writer's earlier files, to delete once these are written


def plan_outputs(
    manifest: Manifest,
    chapter: PlannedChapter,
    writers: Sequence[ChapterWriter],
    present: Collection[str],
) -> list[FileJob]:
    """The chapter's file for each chapter writer: current, or to write (replacing the file
    an earlier build gave the chapter under another name)."""
    old = manifest.chapters.get(chapter.index)
    jobs = []
    for writer in writers:
        name = writer.file_name(chapter.stem)
        key = writer_key(writer, chapter.key)
        before = old.files.get(writer.NAME) if old else None
        current = before is not None and (before.name, before.key) == (name, key)
        current = current and name in present
        ours = old is not None and before is not None and before.name == writer.file_name(old.stem)
        stale = (before.name,) if before and ours and before.name != name else ()
        jobs.append(FileJob(writer.NAME, (name,), key, current, stale))
    return jobs


def chapter_entry(
    chapter: PlannedChapter, jobs: Sequence[FileJob], sizes: Mapping[str, int]
) -> ChapterEntry:
    """The manifest entry for a chapter once its jobs are done (`sizes` of its files)."""
    files = {job.writer: FileEntry(job.names[0], job.key, sizes.get(job.names[0])) for job in jobs}
    return ChapterEntry(chapter.title, chapter.stem, chapter.duration_s, chapter.key, files)


def records(manifest: Manifest, present: Collection[str]) -> list[ChapterRecord]:
    """Every chapter the folder holds files for, in reading order: what book-level files
    that only name files (playlists) describe."""
    result = []
    for index, entry in sorted(manifest.chapters.items()):
        files = {w: f.name for w, f in entry.files.items() if f.name in present}
        result.append(ChapterRecord(index, entry.title, entry.stem, entry.duration_s, files))
    return result


def plan_book_output(
    old: BookEntry | None,
    writer: BookWriter,
    output: BookOutput,
    audio_keys: Sequence[str],
    present: Collection[str],
) -> FileJob:
    """A book writer's files: current when made from the same chapters (and, for writers of
    audio, the same chapter audio), the same book details and the same files they name."""
    names = tuple(writer.file_names(output))
    key = writer_key(
        writer,
        list(audio_keys),
        output.chapters,
        output.book,
        output.book_files,
        output.partial,
        file_identity(output.cover),
    )
    current = (
        old is not None
        and old.key == key
        and old.names == names
        and all(name in present for name in names)
    )
    stale = tuple(
        name
        for name in (old.names if old else ())
        if name not in names and writer.could_have_written(name)
    )
    return FileJob(writer.NAME, names, key, current, stale)


def prune(manifest: Manifest, total_chapters: int) -> tuple[Manifest, list[str]]:
    """The manifest without chapters the book no longer has, and those chapters' files.

    A file is only listed for deletion if no chapter that stays still uses its name.
    """
    keep = {i: e for i, e in manifest.chapters.items() if i <= total_chapters}
    gone = [e for i, e in manifest.chapters.items() if i > total_chapters]
    kept_names = {f.name for e in keep.values() for f in e.files.values()}
    kept_names |= {name for e in manifest.book.values() for name in e.names}
    names = {f.name for e in gone for w, f in e.files.items() if _chapter_file(w, e.stem) == f.name}
    return Manifest(keep, dict(manifest.book)), sorted(names - kept_names)


def _chapter_file(writer: str, stem: str) -> str | None:
    """The name a chapter writer gives a chapter's file: a recorded name that differs is
    not one a build wrote (a hand-edited manifest), and is never deleted."""
    cls = WRITERS.get(writer)
    return cls().file_name(stem) if cls is not None and issubclass(cls, ChapterWriter) else None
