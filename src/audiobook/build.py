"""`audiobook build`: script -> cast -> synthesis -> stitching -> levelling -> writers.

Two promises beyond the pipeline itself:
- Atomic outputs. Every file is written under a temporary name beside its final one, flushed
  to disk and renamed over it, so a killed build never leaves a truncated file behind.
- Incremental rebuilds. A manifest in the book folder records, for each output file, a hash
  of everything it was made from (clip files, pauses, texts, tags, writer settings). A
  rebuild skips every file whose hash is unchanged, and renders only chapters that need it.

Chapters are synthesised one after another while finished chapters are levelled and encoded
on a thread pool (the heavy work is in ffmpeg processes), so both cores stay busy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from audiobook import processes
from audiobook.errors import UserError, disk_errors_as_user_errors
from audiobook.filenames import book_folder, chapter_display_name, chapter_stem
from audiobook.locking import FolderLock
from audiobook.loudness import DEFAULT_CEILING_DBFS, DEFAULT_TARGET_RMS_DBFS
from audiobook.model import (
    AUDIO_SAMPLE_RATE_HZ,
    BookInfo,
    BookOutput,
    Cast,
    ChapterAudio,
    ChapterOutput,
    ChapterPlan,
    ChapterRecord,
    Clip,
    Mark,
    ReadOptions,
    Script,
)
from audiobook.stitching import DEFAULT_HEAD_MS, DEFAULT_TAIL_MS, master_chapter, plan_chapter
from audiobook.tagging import chapter_marks, cover_mime
from audiobook.writers import BookWriter, ChapterWriter, get_writers

log = logging.getLogger(__name__)

MANIFEST_NAME = ".audiobook-manifest.json"
MANIFEST_VERSION = 1
DEFAULT_OUT_DIR = Path("output")
_PARTIAL = re.compile(r"^\..+\.\d+\.part$")  # temporary names made by write_atomically
_WORK_PREFIX = ".audiobook-work-"


class Progress(Protocol):
    """Told how far a stage has come: `stage` is "segments" or "chapters"."""

    def __call__(self, stage: str, done: int, total: int) -> None: ...


Synthesizer = Callable[..., list[ChapterAudio]]  # synthesis.synthesize_script's shape


@dataclass(frozen=True)
class BuildOptions:
    """What `audiobook build` was asked for."""

    out_dir: Path = DEFAULT_OUT_DIR
    formats: str | None = None  # comma-separated writer names; None = the default (mp3)
    chapters: str | None = None  # "2-5", "1,3,7-9"; None = all
    jobs: int | None = None  # parallel synthesis and encoding; None = one per core
    cover: Path | None = None
    cache_dir: Path | None = None  # synthesis cache; None = synthesis's default


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


# ---------------------------------------------------------------- atomic files


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename is still atomic
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def partial_path(dest: Path) -> Path:
    """The temporary name a file is written under before it is renamed into place."""
    return dest.with_name(f".{dest.name}.{os.getpid()}.part")


def write_atomically(dests: Sequence[Path], write: Callable[[list[Path]], object]) -> None:
    """Call `write` with temporary paths beside `dests`, then flush and rename each into place."""
    temps = [partial_path(dest) for dest in dests]
    try:
        write(temps)
        for temp in temps:
            with temp.open("rb+") as f:
                os.fsync(f.fileno())
        for temp, dest in zip(temps, dests, strict=True):
            os.replace(temp, dest)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)
    for folder in {dest.parent for dest in dests}:
        _fsync_dir(folder)


def _write_one(writer: ChapterWriter, output: ChapterOutput, temps: list[Path]) -> None:
    writer.write(output, temps[0])


def remove_leftovers(folder: Path) -> None:
    """Delete partial files and work folders that a killed build left in the book folder."""
    for path in folder.iterdir():
        if path.is_file() and _PARTIAL.match(path.name):
            log.info("removing %s, left by an interrupted build", path.name)
            path.unlink(missing_ok=True)
        elif path.is_dir() and path.name.startswith(_WORK_PREFIX):
            pid = path.name.removeprefix(_WORK_PREFIX).split("-")[0]
            if not pid.isdigit() or not _process_alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---------------------------------------------------------------- manifest and keys


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _file_identity(path: Path | None) -> list[Any]:
    """Name, size and modification time: cheap, and changes whenever the file is rewritten."""
    if path is None:
        return []
    stat = path.stat()
    return [str(path.absolute()), stat.st_size, stat.st_mtime_ns]


def chapter_audio_key(plan: ChapterPlan, stem: str, book: BookInfo, cover: Path | None) -> str:
    """Hash of everything a chapter's files are made from."""
    pieces = [
        [*_file_identity(piece.path), piece.speaker] if isinstance(piece, Clip) else piece.frames
        for piece in plan.pieces
    ]
    segments = [
        [t.segment_index, t.segment.speaker, t.segment.kind, t.segment.text, t.start_frame]
        for t in plan.timings
    ]
    chapter = plan.chapter
    return _digest(
        pieces,
        segments,
        [chapter.index, chapter.number, chapter.title, chapter.path],
        stem,
        book,
        _file_identity(cover),
        [DEFAULT_TARGET_RMS_DBFS, DEFAULT_CEILING_DBFS, AUDIO_SAMPLE_RATE_HZ],
    )


def _writer_key(writer: ChapterWriter | BookWriter, *parts: Any) -> str:
    return _digest(writer.NAME, writer.VERSION, vars(writer), *parts)


@dataclass
class Manifest:
    """What earlier builds wrote into the book folder, and from what."""

    chapters: dict[int, dict[str, Any]] = field(default_factory=dict)
    book: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as e:
            log.warning("ignoring unreadable %s: %s", path, e)
            return cls()
        if data.get("version") != MANIFEST_VERSION:
            return cls()
        chapters = {int(index): entry for index, entry in data.get("chapters", {}).items()}
        return cls(chapters, data.get("book", {}))

    def save(self, folder: Path) -> None:
        data = {
            "version": MANIFEST_VERSION,
            "chapters": {str(i): self.chapters[i] for i in sorted(self.chapters)},
            "book": self.book,
        }
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
        write_atomically(
            [folder / MANIFEST_NAME], lambda temps: temps[0].write_text(text, encoding="utf-8")
        )

    def file_is_current(self, folder: Path, index: int, writer: str, key: str) -> str | None:
        """The file name if the manifest says this chapter's file was made from `key`."""
        entry = self.chapters.get(index, {}).get("files", {}).get(writer)
        if entry and entry.get("key") == key and (folder / entry["name"]).is_file():
            return entry["name"]
        return None

    def records(self, folder: Path) -> list[ChapterRecord]:
        """Chapters whose files are present in the folder, in reading order."""
        records = []
        for index in sorted(self.chapters):
            entry = self.chapters[index]
            files = {
                writer: file["name"]
                for writer, file in entry.get("files", {}).items()
                if (folder / file["name"]).is_file()
            }
            records.append(
                ChapterRecord(index, entry["title"], entry["stem"], entry["duration_s"], files)
            )
        return records


# ---------------------------------------------------------------- the build


@dataclass
class _ChapterState:
    """One chapter in flight: its plan, its rendered audio once needed, its manifest entry."""

    audio: ChapterAudio
    plan: ChapterPlan
    stem: str
    marks: tuple[Mark, ...]
    key: str
    wav: Path | None = None
    entry: dict[str, Any] = field(default_factory=dict)
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


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
        self.folder = book_folder(options.out_dir, script.author, script.title)
        processes.require_program("ffmpeg")  # every chapter goes through it: fail before synthesis
        self.manifest = Manifest()
        self.work: Path | None = None
        self.keep_audio = any(w.NEEDS_AUDIO for w in self.book_writers)
        self.manifest_lock = threading.Lock()

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
        self.manifest = Manifest.load(self.folder)
        self.work = Path(tempfile.mkdtemp(prefix=f"{_WORK_PREFIX}{os.getpid()}-", dir=self.folder))
        result = BuildResult(self.folder)
        try:
            states = self._build_chapters(synthesize)
            for state in states:
                result.written += state.written
                result.unchanged += state.unchanged
                result.audio_s += state.plan.duration_s
            self._copy_cover(result)
            self._build_book_files(states, result)
            self.manifest.save(self.folder)
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
        with ThreadPoolExecutor(max_workers=self.options.jobs or os.cpu_count() or 1) as pool:
            try:
                for index in self.selected:
                    audios = synthesize(
                        self.script,
                        self.cast,
                        cache_dir=self.options.cache_dir,
                        jobs=self.options.jobs,
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
        state = _ChapterState(audio, plan, stem, tuple(chapter_marks(plan)), key)
        old_files = self.manifest.chapters.get(chapter.index, {}).get("files", {})
        files: dict[str, dict[str, str]] = {}
        for writer in self.chapter_writers:
            name = writer.file_name(stem)
            writer_key = _writer_key(writer, key)
            dest = self.folder / name
            if self.manifest.file_is_current(self.folder, chapter.index, writer.NAME, writer_key):
                state.unchanged.append(dest)
            else:
                output = ChapterOutput(
                    self.book, chapter, plan, self._rendered(state), state.marks, self.cover
                )
                write_atomically([dest], partial(_write_one, writer, output))
                state.written.append(dest)
                old = old_files.get(writer.NAME, {}).get("name")
                if old and old != name:
                    (self.folder / old).unlink(missing_ok=True)  # the chapter was renamed
            files[writer.NAME] = {"name": name, "key": writer_key}
        state.entry = {
            "title": chapter_display_name(chapter),
            "stem": stem,
            "duration_s": plan.duration_s,
            "key": key,
            "files": files,
        }
        with self.manifest_lock:  # saved per chapter, so a failed build keeps what it did
            self.manifest.chapters[chapter.index] = state.entry
            self.manifest.save(self.folder)
        if state.wav is not None and not self.keep_audio:
            state.wav.unlink(missing_ok=True)
            state.wav = None
        return state

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

    def _build_book_files(self, states: list[_ChapterState], result: BuildResult) -> None:
        if not self.book_writers:
            return
        built = {state.plan.chapter.index: state for state in states}
        is_partial = len(self.selected) < self.book.total_chapters
        book_files: dict[str, list[str]] = {}
        for writer in self.book_writers:
            if writer.NEEDS_AUDIO:
                # Only this build's chapters, so a partial build makes a partial book.
                keys = [built[i].key for i in self.selected]
                records = [self._record(built[i], wav=None) for i in self.selected]
            else:
                keys = []
                records = self.manifest.records(self.folder)
            output = BookOutput(self.book, tuple(records), self.cover, is_partial, book_files)
            names = writer.file_names(output)
            key = _writer_key(writer, keys, records, self.book, _file_identity(self.cover))
            dests = [self.folder / name for name in names]
            old = self.manifest.book.get(writer.NAME, {})
            if (
                old.get("key") == key
                and old.get("names") == names
                and all(dest.is_file() for dest in dests)
            ):
                result.unchanged += dests
            else:
                if writer.NEEDS_AUDIO:
                    records = [
                        replace(
                            self._record(built[i], wav=self._rendered(built[i])),
                            plan=built[i].plan,
                        )
                        for i in self.selected
                    ]
                    output = replace(output, chapters=tuple(records))
                write_atomically(dests, partial(writer.write, output))
                result.written += dests
                for stale in set(old.get("names", [])) - set(names):
                    (self.folder / stale).unlink(missing_ok=True)
            self.manifest.book[writer.NAME] = {"names": names, "key": key}
            book_files[writer.NAME] = names

    def _record(self, state: _ChapterState, wav: Path | None) -> ChapterRecord:
        files = {writer: f["name"] for writer, f in state.entry["files"].items()}
        return ChapterRecord(
            state.plan.chapter.index,
            state.entry["title"],
            state.stem,
            state.plan.duration_s,
            files,
            wav,
        )

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


# ---------------------------------------------------------------- entry points


def resolve_cast(
    script: Script, cast_path: Path | None, engine: str | None, rate: float = 1.0
) -> Cast:
    """The cast file's voices, or voices chosen automatically (with one engine, if named),
    read `rate` times as fast (`--rate`)."""
    from audiobook import casting

    if rate != 1.0:
        return casting.cast_at_rate(resolve_cast(script, cast_path, engine), rate)

    if cast_path is not None and engine is not None:
        raise UserError(f"give --cast {cast_path} or --engine {engine}, not both")
    if cast_path is None and engine is None:
        cast_path = casting.shipped_cast_for(script)
        if cast_path is not None:
            log.info("using the cast %s", cast_path)
    if cast_path is not None:
        return casting.load_cast(cast_path, script)
    return casting.auto_cast(script, engine=engine)


def build(
    source: Path | None,
    options: BuildOptions,
    *,
    cast_path: Path | None = None,
    engine: str | None = None,
    reading: ReadOptions | None = None,
    progress: Progress | None = None,
    rate: float = 1.0,
) -> BuildResult:
    """`audiobook build`: read FILE (or the built-in example), cast it, build the book."""
    from audiobook.pipeline import load_script

    script = load_script(source, reading)
    cast = resolve_cast(script, cast_path, engine, rate)
    return build_book(script, cast, options, progress=progress)


# Speech runs at 2.5-3 words a second; asking for more text than the sample needs costs a
# little synthesis, asking for less would leave the sample short.
_PREVIEW_WORDS_PER_SECOND = 4.0
PREVIEW_SUFFIXES = (".wav", ".mp3", ".opus", ".ogg", ".m4a", ".flac")


def preview_script(script: Script, chapter: int, words: int) -> Script:
    """The script cut down to the opening of one chapter: segments until `words` words."""
    if not 1 <= chapter <= len(script.chapters):
        raise UserError(f"--chapter {chapter}: the book has chapters 1 to {len(script.chapters)}")
    source = script.chapters[chapter - 1]
    segments = []
    count = 0
    for segment in source.segments:
        if count >= words:
            break
        segments.append(segment)
        count += len(segment.text.split())
    chapters = [*script.chapters]
    chapters[chapter - 1] = replace(source, segments=segments)
    return replace(script, chapters=chapters)


def make_preview(
    script: Script,
    cast: Cast,
    dest: Path,
    *,
    chapter: int = 1,
    seconds: float = 30.0,
    synthesize: Synthesizer | None = None,
    cache_dir: Path | None = None,
) -> float:
    """Write the first `seconds` of a chapter, levelled like the book, to `dest`; its length.

    Only the opening segments are synthesised: a guess from the word count first, doubled
    (the clips already made come from the cache) while the audio is still too short.
    """
    if dest.suffix.lower() not in PREVIEW_SUFFIXES:
        raise UserError(f"{dest}: write a preview as one of {', '.join(PREVIEW_SUFFIXES)}")
    if seconds <= 0:
        raise UserError(f"--seconds {seconds:g}: give a length above zero")
    if synthesize is None:
        from audiobook.synthesis import synthesize_script

        synthesize = synthesize_script
    words = max(1, round(seconds * _PREVIEW_WORDS_PER_SECOND))
    while True:
        short = preview_script(script, chapter, words)
        [audio] = synthesize(short, cast, cache_dir=cache_dir, chapters=[chapter])
        plan = plan_chapter(audio, cast.pauses, head_ms=250, tail_ms=0)
        whole = len(short.chapters[chapter - 1].segments) == len(
            script.chapters[chapter - 1].segments
        )
        if plan.duration_s >= seconds or whole:
            break
        words *= 2
    length = min(seconds, plan.duration_s)
    fade = min(0.5, length / 4)
    with tempfile.TemporaryDirectory() as tmp:
        mastered = master_chapter(plan, Path(tmp) / "preview.wav")
        args = ["ffmpeg", "-v", "error", "-nostdin", "-y", "-i", str(mastered.wav)]
        args += ["-t", f"{length:.3f}", "-af", f"afade=t=out:st={length - fade:.3f}:d={fade:.3f}"]
        args += ["-map_metadata", "-1", "-f", _format_of(dest)]
        write_atomically([dest], lambda temps: processes.run([*args, str(temps[0])]))
    return length


def _format_of(dest: Path) -> str:
    """ffmpeg's muxer for a preview file name (the temporary name hides the suffix)."""
    suffix = dest.suffix.lower()
    return {".m4a": "ipod", ".opus": "opus", ".ogg": "ogg"}.get(suffix, suffix.lstrip("."))
