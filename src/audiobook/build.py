"""`audiobook build`: the audio half's executor, from a script and a cast to a book folder.

Chapters are synthesised one after another while finished chapters are levelled and encoded
on a thread pool (the heavy work is in ffmpeg processes), so both cores stay busy. What to
write is decided by audiobook.planning from the manifest (incremental rebuilds); how files
appear in the folder (atomically, never outside it) by audiobook.bookfolder.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Protocol

from audiobook import ffmpeg, processes
from audiobook.bookfolder import (
    destination,
    inside,
    make_work_folder,
    remove_file,
    remove_leftovers,
    write_atomically,
)
from audiobook.errors import UserError, disk_errors_as_user_errors
from audiobook.filenames import book_folder, chapter_display_name, chapter_stem
from audiobook.locking import FolderLock
from audiobook.manifest import BookEntry, Manifest, load_manifest, save_manifest
from audiobook.model import (
    BookInfo,
    BookOutput,
    Cast,
    ChapterAudio,
    ChapterOutput,
    ChapterPlan,
    ChapterRecord,
    Mark,
    Script,
)
from audiobook.planning import (
    PlannedChapter,
    chapter_audio_key,
    chapter_entry,
    plan_book_output,
    plan_outputs,
    prune,
    records,
)
from audiobook.settings import Settings
from audiobook.stitching import DEFAULT_HEAD_MS, DEFAULT_TAIL_MS, master_chapter, plan_chapter
from audiobook.tagging import chapter_marks, cover_mime
from audiobook.writers import WRITERS, BookWriter, ChapterWriter, get_writers

log = logging.getLogger(__name__)

DEFAULT_OUT_DIR = Path("output")
PARTIAL_ENTRY = ":partial"  # manifest entry of a book writer's files for some chapters
Synthesizer = Callable[..., list[ChapterAudio]]  # synthesis.synthesize_script's shape


class Progress(Protocol):
    """Told how far a stage has come: `stage` is "segments" or "chapters"."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...


@dataclass(frozen=True)
class BuildOptions:
    """What `audiobook build` was asked for."""

    out_dir: Path = DEFAULT_OUT_DIR
    formats: str | None = None  # comma-separated writer names; None = the default (mp3)
    chapters: str | None = None  # "2-5", "1,3,7-9"; None = all
    cover: Path | None = None
    ebook_cover: bool = True  # an e-book's own cover, when `cover` is None (--no-cover: False)
    # The synthesis cache, parallel jobs (--jobs) and engines' setup; Settings() by default.
    config: Settings = field(default_factory=Settings)


@dataclass
class BuildResult:
    """What a build did, for the summary line."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    audio_s: float = 0.0  # duration of the chapters built (written or unchanged)
    wall_s: float = 0.0
    chapters: int = 0

    @property
    def real_time_factor(self) -> float:
        """Seconds of audio per second of wall time."""
        return self.audio_s / self.wall_s if self.wall_s else 0.0


# ---------------------------------------------------------------- chapter selection


def parse_chapter_ranges(text: str | None, total: int) -> tuple[int, ...]:
    """Chapter indexes from "2-5", "1,3,7-9", "4-" or "-3"; all chapters for None."""
    if text is None:
        return tuple(range(1, total + 1))
    if not text.strip():
        raise UserError("--chapters is empty: give chapters like 2-5 or 1,3,7-9, or leave it out")
    chosen: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d*)\s*-\s*(\d*)|(\d+)", part)
        if not match or part == "-":
            raise UserError(f"--chapters {text!r}: {part!r} is not a number or range like 2-5")
        if match.group(3):
            first = last = int(match.group(3))
        else:
            first = int(match.group(1) or 1)
            last = int(match.group(2) or total)
        if first > last:
            raise UserError(f"--chapters {text!r}: range {part} runs backwards")
        if first < 1 or last > total:
            raise UserError(f"--chapters {text!r}: the book has chapters 1 to {total} only")
        chosen.update(range(first, last + 1))
    return tuple(sorted(chosen))


# ---------------------------------------------------------------- the build


def _write_chapter_file(writer: ChapterWriter, output: ChapterOutput, temps: list[Path]) -> None:
    writer.write(output, temps[0])


@dataclass
class _ChapterState:
    """One chapter in flight: its plan, its rendered audio once needed, its files."""

    plan: ChapterPlan
    planned: PlannedChapter
    marks: tuple[Mark, ...]
    wav: Path | None = None
    files: dict[str, str] = field(default_factory=dict)  # writer name -> file name
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, wav: Path | None = None) -> ChapterRecord:
        planned = self.planned
        plan = self.plan if wav is not None else None
        return ChapterRecord(
            planned.index, planned.title, planned.stem, planned.duration_s, self.files, wav, plan
        )


class _Builder:
    """State of one build; `build_book` is its public face."""

    def __init__(
        self, script: Script, cast: Cast, options: BuildOptions, progress: Progress | None
    ) -> None:
        self.script = script
        self.cast = cast
        self.options = options
        self.progress = progress
        self.writers = get_writers(options.formats)
        self.chapter_writers = [w for w in self.writers if isinstance(w, ChapterWriter)]
        self.book_writers = [w for w in self.writers if isinstance(w, BookWriter)]
        self.selected = parse_chapter_ranges(options.chapters, len(script.chapters))
        self.book = BookInfo.from_script(script)
        self.cover = options.cover
        if self.cover is not None:
            cover_mime(self.cover)  # fail before any synthesis if it is not an image
            ffmpeg.decode_image(self.cover)  # … or a damaged one
        self.folder = book_folder(options.out_dir, script.author, script.title)
        processes.require_program("ffmpeg")  # every chapter goes through it: fail before synthesis
        self.manifest = Manifest()
        self.present: set[str] = set()  # files of the manifest that are in the book folder
        self.work: Path | None = None
        # Chapters' finished audio is kept for the book writers that want it all at once
        # (talking books); an M4B takes it one chapter at a time, rendered again if need be
        # (rendering costs about a fifth of encoding the chapter's MP3).
        self.keep_audio = any(w.NEEDS_AUDIO and not w.STREAMS_AUDIO for w in self.book_writers)
        self.lock = threading.Lock()  # guards the manifest and `present`
        self.states: dict[int, _ChapterState] = {}  # this build's chapters, once built

    def run(self, synthesize: Synthesizer) -> BuildResult:
        started = time.monotonic()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UserError(f"{self.folder}: cannot create the output folder ({e.strerror})") from e
        kept = "finished chapters and clips are kept: build again when there is room"
        with FolderLock(self.folder), disk_errors_as_user_errors(self.folder, kept=kept):
            result = self._run_locked(synthesize)
        result.wall_s = time.monotonic() - started
        return result

    def _run_locked(self, synthesize: Synthesizer) -> BuildResult:
        """The build proper, while no other build writes into the book folder (locking)."""
        remove_leftovers(self.folder)
        self.manifest, gone = prune(load_manifest(self.folder), len(self.script.chapters))
        for name in gone:
            if remove_file(self.folder, name):
                log.info("removed %s: the book no longer has its chapter", name)
        self.present = {
            name
            for name, size in self.manifest.sizes().items()
            if (path := inside(self.folder, name)) is not None
            and path.is_file()
            and size in (None, path.stat().st_size)  # not cut short since (a full disk)
        }
        self.work = make_work_folder(self.folder)
        result = BuildResult(self.folder)
        try:
            states = self._build_chapters(synthesize)
            for state in states:
                result.written += state.written
                result.unchanged += state.unchanged
                result.audio_s += state.plan.duration_s
            self._copy_cover(result)
            self._build_book_files(states, result)
            save_manifest(self.folder, self.manifest)
        finally:
            shutil.rmtree(self.work, ignore_errors=True)
        result.chapters = len(self.selected)
        return result

    # -- chapters

    def _build_chapters(self, synthesize: Synthesizer) -> list[_ChapterState]:
        """Synthesise chapter after chapter; level and write each on the pool meanwhile."""
        sizes = {i: len(self.script.chapters[i - 1].segments) for i in self.selected}
        total = sum(sizes.values())
        synthesised = 0  # segments of the chapters synthesised so far
        done_chapters = 0
        lock = threading.Lock()

        def chapter_done(_: Future[_ChapterState]) -> None:
            nonlocal done_chapters
            with lock:
                done_chapters += 1
                self._report("chapters", done_chapters, len(self.selected))

        self._report("segments", 0, total)
        self._report("chapters", 0, len(self.selected))
        futures: list[Future[_ChapterState]] = []
        with ThreadPoolExecutor(max_workers=self.options.config.workers) as pool:
            try:
                for index in self.selected:
                    audios = synthesize(
                        self.script,
                        self.cast,
                        config=self.options.config,
                        progress=self._clip_progress(synthesised, sizes[index], total),
                        chapters=[index],
                    )
                    synthesised += sizes[index]
                    self._report("segments", synthesised, total)
                    for audio in audios:
                        future = pool.submit(self._build_chapter, audio)
                        future.add_done_callback(chapter_done)
                        futures.append(future)
                    for future in futures:  # stop early if a chapter failed
                        if future.done() and future.exception() is not None:
                            future.result()
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
            return [future.result() for future in futures]

    def _clip_progress(self, base: int, size: int, total: int) -> Callable[[int, int], None]:
        """Synthesis counts clips of one chapter; the bar counts segments of the whole build."""

        def progress(done: int, clips: int) -> None:
            self._report("segments", base + (size * done // clips if clips else size), total)

        return progress

    def _build_chapter(self, audio: ChapterAudio) -> _ChapterState:
        chapter = audio.chapter
        plan = plan_chapter(
            audio, self.cast.pauses, head_ms=DEFAULT_HEAD_MS, tail_ms=DEFAULT_TAIL_MS
        )
        stem = chapter_stem(chapter, self.book.total_chapters)
        key = chapter_audio_key(plan, stem, self.book, self.cover)
        planned = PlannedChapter(
            chapter.index, chapter_display_name(chapter), stem, plan.duration_s, key
        )
        state = _ChapterState(plan, planned, tuple(chapter_marks(plan)))
        with self.lock:
            jobs = plan_outputs(self.manifest, planned, self.chapter_writers, self.present)
        for job, writer in zip(jobs, self.chapter_writers, strict=True):
            dest = destination(self.folder, job.names[0])
            if job.current:
                state.unchanged.append(dest)
            else:
                output = ChapterOutput(
                    self.book, chapter, plan, self._rendered(state), state.marks, self.cover
                )
                write_atomically([dest], partial(_write_chapter_file, writer, output))
                state.written.append(dest)
            self._replaced(job.names, job.stale, chapter=chapter.index)
            state.files[job.writer] = job.names[0]
        with self.lock:  # saved per chapter, so a failed build keeps what it did
            old = self.manifest.chapters.get(chapter.index)
            entry = chapter_entry(planned, jobs, self._sizes(job.names[0] for job in jobs))
            if old is not None:  # files of writers not in this build stay the chapter's
                entry.files.update({w: f for w, f in old.files.items() if w not in entry.files})
            self.manifest.chapters[chapter.index] = entry
            save_manifest(self.folder, self.manifest)
        if state.wav is not None and not self.keep_audio:
            state.wav.unlink(missing_ok=True)
            state.wav = None
        return state

    def _sizes(self, names: Iterable[str]) -> dict[str, int]:
        return {name: (self.folder / name).stat().st_size for name in names}

    def _replaced(
        self,
        names: Sequence[str],
        stale: Sequence[str],
        *,
        chapter: int | None = None,
        book: str | None = None,
    ) -> None:
        """Note `names` as present; delete the `stale` files they replace, unless another
        entry of the manifest than this chapter's or book writer's lists them too."""
        with self.lock:  # other chapters' threads write the manifest meanwhile
            claimed = self.manifest.names_except(chapter=chapter, book=book)
            self.present.update(names)
            for name in stale:
                if name not in names and name not in claimed:
                    if remove_file(self.folder, name):
                        self.present.discard(name)

    def _rendered(self, state: _ChapterState) -> Path:
        """The chapter's finished WAV, rendering it on first use."""
        with state.lock:
            if state.wav is None:
                assert self.work is not None
                path = self.work / f"{state.plan.chapter.index:05d}.wav"
                master_chapter(state.plan, path)
                state.wav = path
            return state.wav

    # -- the whole book

    def _copy_cover(self, result: BuildResult) -> None:
        if self.cover is None:
            return
        suffix = ".png" if cover_mime(self.cover) == "image/png" else ".jpg"
        dest = self.folder / f"cover{suffix}"
        data = self.cover.read_bytes()
        if dest.is_file() and dest.read_bytes() == data:
            result.unchanged.append(dest)
            return
        write_atomically([dest], lambda temps: temps[0].write_bytes(data))
        result.written.append(dest)

    def _book_writers(self) -> list[BookWriter]:
        """The book writers asked for, and those of earlier builds that only name files
        (playlists): they are brought up to date with the folder, never left naming a file
        that is gone or missing one that came."""
        asked = {w.NAME for w in self.book_writers}
        earlier = [
            writer
            for name, cls in WRITERS.items()
            if name in self.manifest.book and name not in asked
            for writer in [cls()]
            if isinstance(writer, BookWriter) and not writer.NEEDS_AUDIO
        ]
        return sorted([*self.book_writers, *earlier], key=lambda w: list(WRITERS).index(w.NAME))

    def _build_book_files(self, states: list[_ChapterState], result: BuildResult) -> None:
        built = self.states = {state.plan.chapter.index: state for state in states}
        is_partial = len(self.selected) < self.book.total_chapters
        # Book files by writer, the whole book's preferred to a partial one's.
        book_files: dict[str, list[str]] = {}
        for entry_name, entry in sorted(self.manifest.book.items(), key=lambda item: item[0]):
            if all(n in self.present for n in entry.names):
                book_files.setdefault(entry_name.split(PARTIAL_ENTRY)[0], list(entry.names))
        order = list(WRITERS)
        for writer in self._book_writers():
            if writer.NEEDS_AUDIO:
                # Only this build's chapters, so a partial build makes a partial book.
                keys = [built[i].planned.key for i in self.selected]
                chapters = tuple(built[i].record() for i in self.selected)
            else:
                keys = []
                chapters = tuple(records(self.manifest, self.present))
            # The files of the book writers before this one, which it may name (a playlist
            # names the M4B): part of its key, so it never names a file that is gone.
            earlier = {
                n: f for n, f in book_files.items() if order.index(n) < order.index(writer.NAME)
            }
            output = BookOutput(self.book, chapters, self.cover, is_partial, earlier)
            # A partial book (some chapters) is kept apart from the whole book's files, so
            # building one chapter again never deletes the whole book.
            partial_book = is_partial and writer.NEEDS_AUDIO
            entry_name = writer.NAME + PARTIAL_ENTRY if partial_book else writer.NAME
            old = self.manifest.book.get(entry_name)
            job = plan_book_output(old, writer, output, keys, self.present)
            dests = [destination(self.folder, name) for name in job.names]
            if job.current:
                result.unchanged += dests
            else:
                if writer.STREAMS_AUDIO:
                    output = replace(output, audio=self._stream_audio())
                elif writer.NEEDS_AUDIO:
                    chapters = tuple(
                        built[i].record(wav=self._rendered(built[i])) for i in self.selected
                    )
                    output = replace(output, chapters=chapters)
                write_atomically(dests, partial(writer.write, output))
                result.written += dests
            self._replaced(job.names, job.stale, book=entry_name)
            sizes = self._sizes(job.names)
            self.manifest.book[entry_name] = BookEntry(
                job.names, job.key, tuple(sizes[name] for name in job.names)
            )
            if not partial_book:
                book_files[writer.NAME] = list(job.names)
                self._drop_partial_book(writer, job.names)
            else:
                book_files.setdefault(writer.NAME, list(job.names))

    def _drop_partial_book(self, writer: BookWriter, names: tuple[str, ...]) -> None:
        """The whole book supersedes a partial one of the same writer: its files go."""
        superseded = self.manifest.book.pop(writer.NAME + PARTIAL_ENTRY, None)
        if superseded is not None:
            stale = [n for n in superseded.names if writer.could_have_written(n)]
            self._replaced(names, stale, book=writer.NAME)

    def _stream_audio(self) -> Iterator[Path]:
        """This build's chapters' finished audio in order, one at a time: each is rendered
        when taken (unless kept from the chapters' own files) and deleted when done with."""
        for index in self.selected:
            state = self.states[index]
            yield self._rendered(state)
            if not self.keep_audio and state.wav is not None:
                state.wav.unlink(missing_ok=True)
                state.wav = None

    def _report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)


def build_book(
    script: Script,
    cast: Cast,
    options: BuildOptions,
    *,
    progress: Progress | None = None,
    synthesize: Synthesizer | None = None,
) -> BuildResult:
    """Build the chosen chapters of a script into the book folder under `options.out_dir`."""
    if synthesize is None:
        from audiobook.synthesis import synthesize_script

        synthesize = synthesize_script
    return _Builder(script, cast, options, progress).run(synthesize)
