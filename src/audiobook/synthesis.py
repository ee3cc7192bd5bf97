"""Speaks a script: every segment in its speaker's voice, each clip once, cached, in parallel.

The steps are public so a caller can stop between them: `segment_chunks` (what an engine
is given for one segment), `plan_synthesis` (which clips exist and which are missing),
`run_plan` (synthesise the missing ones) and `synthesize_script` (all of it).

Parallelism is threads, one per job, each driving engine processes: the engines do the
work outside Python, so threads keep every core busy without pickling anything.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from audiobook.cache import ClipCache, changed_error, clip_key, planned_clip_frames
from audiobook.engines import engine_class, get_engine
from audiobook.engines.audio import to_clips
from audiobook.errors import AudiobookError, UserError, disk_errors_as_user_errors
from audiobook.model import (
    AUDIO_SAMPLE_RATE_HZ,
    NARRATOR,
    Cast,
    Chapter,
    ChapterAudio,
    Script,
    Segment,
    SegmentAudio,
    VoiceSettings,
)
from audiobook.saying import spoken_form
from audiobook.settings import Settings

__all__ = [
    "PlannedClip",
    "SynthesisPlan",
    "chunk_text",
    "plan_synthesis",
    "run_plan",
    "segment_chunks",
    "split_sentences",
    "synthesize_script",
    "synthesize_texts",
]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

# Batches per job, for engines whose batches may be of any size: enough that the jobs
# finish together, few enough that each batch's work folder and neural worker lease are
# shared by many clips.
BATCHES_PER_JOB = 4
MAX_BATCH_SIZE = 32
# How much of a text an error message quotes.
ERROR_TEXT_CHARS = 60

# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Messrs Mme Mlle Dr St Mt Prof Gen Col Capt Lt Sgt Rev Hon Jr Sr No Nos Vol vol "
    "Ch ch Fig fig pp vs cf viz approx Co Ltd Inc Gov Sen Rep Ave".split()
)
# Sentence-final punctuation, closing quotes or brackets, space, then a sentence start. Each
# run of punctuation is tried once, from its start (the lookbehind), and never backtracked
# into (possessive): 5,000 "!" in a row cost a linear scan, not a quadratic one.
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'”’)\]]*+\s++(?=[\"'“‘(\[]?[A-Z0-9])")
# The whole word that ends where the search ends; looked for only in a short window before a
# full stop, since only short words (abbreviations, initials) matter there.
_WORD_AT_END = re.compile(r"(?<![\w'])[\w']+$")
_WORD_WINDOW = max(map(len, ABBREVIATIONS)) + 1
_SPACES = re.compile(r"\s+")
# Places inside a long sentence where a pause is natural, best first.
_CLAUSE_BREAKS = (re.compile(r"[;:—–]\s*"), re.compile(r",\s+"), re.compile(r"\s+"))


def split_sentences(text: str) -> list[str]:
    """Sentences of clean prose, not fooled by "Mr." or initials ("H. G. Wells")."""
    text = _SPACES.sub(" ", text).strip()  # not split/join: no list of every word
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        if text[end] == ".":
            word = _WORD_AT_END.search(text, max(start, end - _WORD_WINDOW), end)
            if word and (word.group() in ABBREVIATIONS or len(word.group()) == 1):
                continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


def _split_long(sentence: str, max_chars: int) -> list[str]:
    """Pieces of an over-long sentence, cut at the best clause break before max_chars.

    Walks an index along the sentence rather than slicing off the rest after each cut, which
    would copy a sentence of a million characters a thousand times.
    """
    pieces = []
    start, end = 0, len(sentence)
    while end - start > max_chars:
        cut = 0
        for breaks in _CLAUSE_BREAKS:
            ends = [
                m.end()
                for m in breaks.finditer(sentence, start + max_chars // 3, start + max_chars)
            ]
            if ends:
                cut = ends[-1]
                break
        cut = cut or start + max_chars
        pieces.append(sentence[start:cut].strip())
        start = cut
        while start < end and sentence[start].isspace():
            start += 1
    rest = sentence[start:].strip()
    return [*pieces, rest] if rest else pieces


def chunk_text(text: str, max_chars: int) -> list[str]:
    """Whole sentences grouped into chunks of at most max_chars (longer sentences are cut
    at clause breaks), so no engine is handed a paragraph long enough to hit its worst case.
    Chunks with nothing to say (only punctuation) are dropped."""
    chunks: list[str] = []
    for sentence in split_sentences(text):
        for piece in _split_long(sentence, max_chars):
            if chunks and len(chunks[-1]) + 1 + len(piece) <= max_chars:
                chunks[-1] += " " + piece
            else:
                chunks.append(piece)
    return [c for c in chunks if any(ch.isalnum() for ch in c)]


def segment_chunks(
    text: str, settings: VoiceSettings, lexicon: Mapping[str, str], language: str = "en"
) -> list[str]:
    """Exactly what the engine is given for one segment: its spoken form (the lexicon, then
    numbers, dates and abbreviations in words: audiobook.saying), then chunked."""
    spoken = spoken_form(text, language, lexicon)
    return chunk_text(spoken, engine_class(settings.engine).MAX_CHARS)


@dataclass(frozen=True)
class PlannedClip:
    """One clip to be had: the text an engine speaks, the voice, and where it is cached."""

    key: str  # cache key, see cache.clip_key
    text: str  # exactly what the engine is given
    settings: VoiceSettings
    path: Path  # the cached WAV (present once synthesised)
    place: str = ""  # where its text first occurs, for errors: see segment_place


@dataclass
class SynthesisPlan:
    """Every clip of the chosen chapters, and which of them are not in the cache yet."""

    cache: ClipCache
    chapters: list[tuple[Chapter, list[list[PlannedClip]]]]  # clips per segment, per chapter
    missing: list[PlannedClip] = field(default_factory=list)  # unique by key, script order
    config: Settings = field(default_factory=Settings)  # jobs, and the engines' setup

    @property
    def unique_keys(self) -> int:
        return len({c.key for _, segs in self.chapters for clips in segs for c in clips})


def voice_for(cast: Cast, speaker: str, warned: set[str]) -> VoiceSettings:
    """The speaker's voice; speakers the cast leaves out are read by the narrator."""
    if speaker in cast.voices:
        return cast.voices[speaker]
    if NARRATOR not in cast.voices:
        raise UserError(f"the cast has no voice for {speaker} and none for {NARRATOR}")
    if speaker not in warned:
        warned.add(speaker)
        log.warning("the cast has no voice for %s; the narrator reads their lines", speaker)
    return cast.voices[NARRATOR]


def select_chapters(script: Script, chapters: Iterable[int] | None) -> list[Chapter]:
    """The chapters asked for, by Chapter.index, in book order."""
    if chapters is None:
        return list(script.chapters)
    wanted = set(chapters)
    unknown = wanted - {c.index for c in script.chapters}
    if unknown:
        have = ", ".join(str(c.index) for c in script.chapters)
        raise UserError(f"no chapter {sorted(unknown)[0]} in this script; chapters are: {have}")
    return [c for c in script.chapters if c.index in wanted]


def segment_place(script: Script, chapter: Chapter, segment: Segment, index: int) -> str:
    """Where a segment's text is, as an error names it: file, source line, chapter."""
    line = f"line {segment.source_line}" if segment.source_line else f"segment {index + 1}"
    where = f"{script.source}, {line}" if script.source else line
    return f"{where}, chapter {chapter.index} ({chapter.title})"


def plan_synthesis(
    script: Script,
    cast: Cast,
    *,
    config: Settings | None = None,
    chapters: Iterable[int] | None = None,
) -> SynthesisPlan:
    """Work out every clip and look each up in the cache (`config.cache_dir`; None:
    Settings()); nothing is synthesised.

    A damaged clip in the cache (cache.clip_frames) is removed and counts as missing."""
    config = config or Settings()
    cache = ClipCache(config.cache_dir)
    versions: dict[tuple[str, str], str] = {}
    checked: set[VoiceSettings] = set()
    warned: set[str] = set()
    plan = SynthesisPlan(cache, [], config=config)
    seen: set[str] = set()
    for chapter in select_chapters(script, chapters):
        per_segment = []
        for number, segment in enumerate(chapter.segments):
            settings = voice_for(cast, segment.speaker, warned)
            engine = get_engine(settings.engine, config)
            if settings not in checked:
                engine.check(settings)
                checked.add(settings)
            voice = (settings.engine, settings.voice)
            if voice not in versions:
                versions[voice] = engine.voice_version(settings.voice)
            clips = []
            place = segment_place(script, chapter, segment, number)
            for text in segment_chunks(segment.text, settings, cast.lexicon, script.language):
                key = clip_key(settings, versions[voice], text)
                clip = PlannedClip(key, text, settings, cache.path(key), place)
                clips.append(clip)
                if key not in seen:
                    seen.add(key)
                    if not cache.holds(key):
                        plan.missing.append(clip)
            per_segment.append(clips)
        plan.chapters.append((chapter, per_segment))
    if cache.removed:
        first = cache.removed[0]
        log.warning(
            "removed %d damaged clip(s) from the cache %s (%s %s); making them again",
            len(cache.removed),
            cache.root,
            first.path.name,
            first.problem,
        )
    log.info("%d clips, %d to synthesise", len(seen), len(plan.missing))
    return plan


def make_batches(missing: Sequence[PlannedClip], jobs: int) -> list[list[PlannedClip]]:
    """Missing clips cut into batches of one voice each, in script order.

    Engines with a fixed BATCH_SIZE get batches of that size whatever `jobs` is (see
    Engine.BATCH_SIZE); the others get about BATCHES_PER_JOB batches per job, so all
    cores stay busy to the end while each batch still serves many clips.
    """
    by_voice: dict[VoiceSettings, list[PlannedClip]] = {}
    for clip in missing:
        by_voice.setdefault(clip.settings, []).append(clip)
    batches = []
    for settings, clips in by_voice.items():
        size = engine_class(settings.engine).BATCH_SIZE
        if size is None:
            share = -(-len(clips) // (jobs * BATCHES_PER_JOB))
            size = max(1, min(MAX_BATCH_SIZE, share))
        batches += [clips[i : i + size] for i in range(0, len(clips), size)]
    return batches


def synthesize_texts(
    texts: Sequence[str], settings: VoiceSettings, out_dir: Path, config: Settings | None = None
) -> list[Path]:
    """Speak texts in one voice into clip-format WAVs in out_dir (no cache, no lexicon), with
    the engine set up as `config` says (None: Settings())."""
    engine = get_engine(settings.engine, config)
    raw = engine.synthesize(texts, settings, out_dir)
    clips = [out_dir / f"clip-{i}.wav" for i in range(len(texts))]
    gain = 1.0 if engine.HANDLES_VOLUME else settings.volume
    to_clips(raw, clips, gain=gain, work_dir=out_dir)
    return clips


def synthesize_batch(
    cache: ClipCache, batch: Sequence[PlannedClip], config: Settings | None = None
) -> None:
    """Speak one batch (one voice) into the cache, retrying clip by clip if the engine fails.

    An engine that crashes or hangs (past its time limit) on one text fails the whole batch.
    Each clip is then tried once more on its own, in order: those the engine can speak are
    cached, and the first it cannot ends the run with an error naming its file, line and
    chapter, so the user can look at that text. (Going on past it could cost a time limit
    per clip when the engine is broken for every text.) A mistake of the user's (UserError)
    is not retried.
    """
    try:
        _speak_into_cache(cache, batch, config)
        return
    except UserError:
        raise
    except AudiobookError as e:
        log.info("%s failed (%s); trying each of %d clips again", _engine(batch[0]), e, len(batch))
    for clip in batch:
        try:
            _speak_into_cache(cache, [clip], config)
        except UserError:
            raise
        except AudiobookError as e:
            raise AudiobookError(
                f"{clip.place}: {_engine(clip)} failed twice on {shorten(clip.text)!r} ({e}); "
                "the clips made so far stay cached"
            ) from e


def _speak_into_cache(
    cache: ClipCache, batch: Sequence[PlannedClip], config: Settings | None
) -> None:
    """Speak a batch in a work folder, then move each clip into the cache.

    A work folder removed meanwhile (the cache cleared during the build) is an error, so the
    batch is tried again in a new one."""
    with disk_errors_as_user_errors(cache.root, kept="every clip finished is cached"):
        with cache.work_dir() as work:
            try:
                texts = [c.text for c in batch]
                clips = synthesize_texts(texts, batch[0].settings, Path(work), config)
                for planned, path in zip(batch, clips, strict=True):
                    cache.store(planned.key, path)
            except FileNotFoundError as e:
                if Path(work).is_dir():
                    raise
                problem = "could not be stored: its work folder is gone"
                raise changed_error(cache.path(batch[0].key), problem) from e


def _engine(clip: PlannedClip) -> str:
    return f"{clip.settings.engine} voice {clip.settings.voice}"


def shorten(text: str, chars: int = ERROR_TEXT_CHARS) -> str:
    """The start of a text, for an error message."""
    return text if len(text) <= chars else text[: chars - 1] + "…"


def run_plan(plan: SynthesisPlan, *, progress: Progress | None = None) -> int:
    """Synthesise the plan's missing clips on as many threads as its Settings say
    (Settings.workers: --jobs, at most one per core); return how many were made."""
    jobs = plan.config.workers
    total = plan.unique_keys
    done = total - len(plan.missing)
    if progress:
        progress(done, total)
    if not plan.missing:
        return 0
    plan.cache.remove_stale_work()
    batches = make_batches(plan.missing, jobs)
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="synth")
    pending: set[Future[None]] = set()
    sizes: dict[Future[None], int] = {}
    try:
        for batch in batches:
            future = pool.submit(synthesize_batch, plan.cache, batch, plan.config)
            pending.add(future)
            sizes[future] = len(batch)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                future.result()  # re-raises the batch's error here
                done += sizes[future]
                if progress:
                    progress(done, total)
    finally:
        # On an error: start nothing new, let running batches finish (their clips are stored
        # whole or not at all). On a stop signal their engines are killed (interrupts).
        pool.shutdown(wait=True, cancel_futures=True)
    return len(plan.missing)


def assemble(plan: SynthesisPlan) -> list[ChapterAudio]:
    """The plan's chapters with the cached clip files and their durations.

    Every clip was whole when planned or made since; one that is not now (the cache was
    cleared during the build) is an error that asks for another build."""
    durations: dict[Path, float] = {}
    result = []
    for chapter, per_segment in plan.chapters:
        segments = []
        for index, clips in enumerate(per_segment):
            paths = tuple(c.path for c in clips)
            for path in paths:
                if path not in durations:
                    durations[path] = planned_clip_frames(path) / AUDIO_SAMPLE_RATE_HZ
            duration = sum(durations[p] for p in paths)
            texts = tuple(c.text for c in clips)  # lets read-along formats pair text and clip
            segments.append(SegmentAudio(chapter.index, index, paths, duration, texts))
        result.append(ChapterAudio(chapter, tuple(segments)))
    return result


def synthesize_script(
    script: Script,
    cast: Cast,
    *,
    config: Settings | None = None,
    progress: Progress | None = None,
    chapters: Iterable[int] | None = None,
) -> list[ChapterAudio]:
    """Audio for each chapter (or only the given chapter indexes), synthesising what the
    cache lacks. Clips are mono 16-bit WAVs at AUDIO_SAMPLE_RATE_HZ, one per chunk of
    sentences, in speaking order; progress(done, total) counts clips. `config` gives the
    cache folder, the jobs and the engines' setup (None: Settings())."""
    plan = plan_synthesis(script, cast, config=config, chapters=chapters)
    run_plan(plan, progress=progress)
    return assemble(plan)
