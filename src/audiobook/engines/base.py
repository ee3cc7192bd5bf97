"""The one small interface every speech engine implements.

An engine turns a batch of short texts into audio files in whatever format it produces; the
synthesis stage converts them to the common format (`audiobook.engines.audio`) and caches
them. Keeping the interface this small is what lets a new engine be added in one module.
"""

from __future__ import annotations

import functools
import hashlib
import re
import shutil
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from audiobook import processes
from audiobook.errors import UserError
from audiobook.language_codes import language_code
from audiobook.model import VoiceSettings
from audiobook.settings import Settings

# Settings outside these ranges make every engine unintelligible or silent.
RATE_RANGE = (0.3, 3.0)
PITCH_RANGE = (0.5, 2.0)
VOLUME_RANGE = (0.0, 2.0)


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an installed engine offers, as `audiobook voices` lists it."""

    engine: str  # registry name of the engine
    id: str  # what a cast writes as `voice = "..."`
    language: str  # language tag, e.g. "en-us"; "" when the engine does not say
    gender: str | None = None  # "male", "female" or None when unknown
    name: str = ""  # the engine's descriptive name, when it has one


class Engine(ABC):
    """A speech engine: lists its voices, checks settings, and speaks batches of text."""

    NAME: ClassVar[str]  # registry name, used in casts: "espeak-ng"
    INSTALL_HINT: ClassVar[str]  # one line saying how to install it
    # Auto-casting takes voices from the engine with the lowest rank first (best quality).
    RANK: ClassVar[int]
    # Longest text (characters) handed to the engine in one call; segments are split at
    # sentence boundaries below this, so no engine meets its worst case on long paragraphs.
    MAX_CHARS: ClassVar[int] = 600
    # Clips per batch (a batch is one run of the pyttsx3 worker, one lease of a neural one).
    # None: sized so that every job gets several batches, which is safe because a clip's
    # sound never depends on its batch. pyttsx3 on libespeak carries state from one
    # utterance to the next, so its batches have a fixed size and are cut the same way
    # whatever --jobs says: a parallel run still gives the same bytes as a serial one.
    BATCH_SIZE: ClassVar[int | None] = None
    # True when the engine applies VoiceSettings.volume itself; otherwise the format
    # conversion applies it as a gain.
    HANDLES_VOLUME: ClassVar[bool] = False
    # The rates it can speak at (`rate` in a cast, times --rate).
    RATE_RANGE: ClassVar[tuple[float, float]] = RATE_RANGE
    # A neural voice: natural, but `--draft` (a quick listen) casts classic voices instead.
    NEURAL: ClassVar[bool] = False
    # Seconds of audio per second of synthesis on one core, for `audiobook voices`: measured
    # with `audiobook voices --measure` on a 2-core machine (typical of the engine's voices).
    SPEED: ClassVar[float | None] = None
    # The rate the engine writes at, when it is the same for every voice; None: unknown.
    SAMPLE_RATE_HZ: ClassVar[int | None] = None

    def __init__(self, config: Settings | None = None) -> None:
        self.config = config or Settings()  # where its voices are, for an engine that asks

    @classmethod
    @abstractmethod
    def is_installed(cls, config: Settings | None = None) -> bool:
        """Whether the engine can run here (cheap: no synthesis), set up as `config` says."""

    @abstractmethod
    def version(self) -> str:
        """Engine version, part of every cache key so an upgrade re-synthesises."""

    def voice_version(self, voice: str) -> str:
        """What decides `voice`'s sound besides the text, for the cache key: the engine's
        version, and the content of a voice the user gives as a file."""
        return self.version()

    @abstractmethod
    def voices(self) -> list[VoiceInfo]:
        """Every voice this engine offers here."""

    @abstractmethod
    def synthesize(
        self, texts: Sequence[str], settings: VoiceSettings, out_dir: Path
    ) -> list[Path]:
        """Speak each text into its own audio file in `out_dir`; return them in order."""

    def speed(self, voice: str) -> float | None:
        """`voice`'s speed as SPEED measures it, where it differs from the engine's."""
        return self.SPEED

    def sample_rate_hz(self, voice: str) -> int | None:
        """The rate `voice` is synthesised at (before conversion to the clip rate)."""
        return self.SAMPLE_RATE_HZ

    def cast_candidates(self, language: str = "en") -> list[str]:
        """Voice ids for automatic casting in `language` (ISO 639-1), most suitable and most
        distinct first; none when the engine has no voice for it."""
        return []

    def voices_for(self, language: str) -> list[VoiceInfo]:
        """The voices that speak `language` (ISO 639-1), best first."""
        return [v for v in self.voices() if language_code(v.language) == language]

    def voice_gender(self, voice: str) -> str | None:
        """Whether `voice` sounds like a woman or a man ("female", "male"); None when the
        engine does not say. Casting gives characters voices that fit them."""
        info = next((v for v in self.voices() if v.id == voice), None)
        return info.gender if info else None

    def speaks(self, voice: str, language: str) -> bool | None:
        """Whether `voice` speaks `language` (ISO 639-1); None when the engine does not say."""
        info = next((v for v in self.voices() if v.id == voice), None)
        if info is None or not info.language:
            return None
        return language_code(info.language) == language

    @classmethod
    def language_hint(cls, language: str) -> str | None:
        """What to install so that this engine speaks `language`, if it can."""
        return None

    def same_voices_as(self) -> str | None:
        """Another engine whose voices this one merely repeats here, if any."""
        return None

    def check(self, settings: VoiceSettings) -> None:
        """Raise UserError unless this engine can speak with these settings as written.

        Engines that silently fall back to a default voice are the reason this exists: a
        cast that names a voice must get that voice or an error, never something else.
        """
        check_ranges(settings, self.RATE_RANGE)
        self.check_voice(settings.voice)

    def check_voice(self, voice: str) -> None:
        """Raise UserError unless `voice` is one of this engine's here."""
        known = [v.id for v in self.voices()]
        if voice not in known:
            raise unknown_voice_error(self.NAME, voice, sorted(known))


class CommandLineEngine(Engine):
    """An engine run as one program per clip: found on PATH, versioned by `--version`."""

    PROGRAM: ClassVar[str]  # the executable
    VERSION_PATTERN: ClassVar[str]  # regular expression whose group 1 is the version
    # Seconds one process may take: start-up plus a generous allowance per character (the
    # engines here speak MAX_CHARS in well under 5 s). An engine that hangs on some text
    # becomes an error that synthesis retries and then reports, not a build that never ends.
    START_S: ClassVar[float] = 30.0
    S_PER_CHAR: ClassVar[float] = 0.1

    @classmethod
    def is_installed(cls, config: Settings | None = None) -> bool:
        return shutil.which(cls.PROGRAM) is not None

    @functools.cache  # one engine object per process: engines.get_engine
    def version(self) -> str:
        out = processes.version_text(self.PROGRAM)
        match = re.search(self.VERSION_PATTERN, out)
        return match.group(1) if match else out.strip()

    @abstractmethod
    def command(self, text: str, settings: VoiceSettings, out: Path) -> tuple[list[str], bytes]:
        """Arguments that speak `text` into the file `out`, and what goes on stdin."""

    def synthesize(
        self, texts: Sequence[str], settings: VoiceSettings, out_dir: Path
    ) -> list[Path]:
        paths = [out_dir / f"{self.PROGRAM}-{i}.wav" for i in range(len(texts))]
        for text, path in zip(texts, paths, strict=True):
            args, stdin = self.command(text, settings, path)
            processes.run(
                args, input_bytes=stdin, timeout_s=self.START_S + self.S_PER_CHAR * len(text)
            )
        return paths


def file_digest(path: Path) -> str:
    """A short hash of a voice file's bytes (a model of tens of megabytes: ~0.1 s), made
    again only when the file changes (its size, time or inode)."""
    found = path.stat()
    return _digest(path, (found.st_size, found.st_mtime_ns, found.st_ino))


@functools.cache
def _digest(path: Path, version: tuple[int, int, int]) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def voice_file(voice: str) -> str | None:
    """The file a voice names ("dir/x.onnx", "voices.bin:NAME", "x.npy"): its part before a
    last `:NAME`, when that has a folder or a suffix; None for a voice's plain name."""
    path_text = voice.rpartition(":")[0] or voice
    named = "/" in path_text or "\\" in path_text or Path(path_text).suffix
    return path_text if named else None


def missing_voice_file(voice: str) -> None:
    """Raise UserError when `voice` names a voice file that is not there, or is a folder."""
    path_text = voice_file(voice)
    if path_text is None:
        return
    path = Path(path_text).expanduser()
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a voice file")
    if not path.exists():
        raise UserError(f"{path}: no such voice file")


def check_ranges(settings: VoiceSettings, rate_range: tuple[float, float] = RATE_RANGE) -> None:
    """Reject rate, pitch and volume values the engine cannot use sensibly."""
    for name, value, (low, high) in (
        ("rate", settings.rate, rate_range),
        ("pitch", settings.pitch, PITCH_RANGE),
        ("volume", settings.volume, VOLUME_RANGE),
    ):
        if not low <= value <= high:
            raise UserError(
                f"{name} = {value:g} for {settings.engine} voice {settings.voice!r} is out of "
                f"range; use {low:g} to {high:g} (1.0 is the engine's normal {name})"
            )


def unknown_voice_error(engine: str, voice: str, choices: Sequence[str]) -> UserError:
    """The error for a voice an engine does not have, listing the ones it does."""
    listed = ", ".join(choices) if choices else "none installed"
    return UserError(
        f"{engine} has no voice {voice!r}; choose one of: {listed} "
        f"(`audiobook voices` lists every voice)"
    )


def scaled(value: float, normal: int, low: int, high: int) -> int:
    """An engine's integer parameter for a relative setting: `normal` at 1.0, clamped."""
    return max(low, min(high, round(normal * value)))
