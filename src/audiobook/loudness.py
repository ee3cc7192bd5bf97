"""Levels: measure voices and chapters, match voices, bring every chapter to one target.

The bar is ACX's published mastering rules: RMS between -23 and -18 dBFS, sample peaks at
most -3 dBFS. Synthetic voices have a high crest factor (peaks 19-21 dB above their RMS, more
once pauses are counted), so meeting both needs a limiter; ffmpeg's `alimiter` does that in
floating point with its look-ahead delay compensated, so segment start times stay exact.

Levelling happens in two places, both per chapter, never per sentence:
1. while stitching, each voice gets one gain so that all voices sound equally loud
   (measured over the voice's clips, ignoring the quiet between words);
2. at rendering, one gain for the whole chapter, then the peak limiter.
Sentence-by-sentence normalisation would flatten the reading; one gain per voice keeps it.

dBFS here follows Audacity and ACX's checker: 0 dB is a full-scale square wave.
"""

from __future__ import annotations

import logging
import math
import warnings
import wave
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from audiobook.model import AUDIO_SAMPLE_RATE_HZ, AUDIO_SAMPLE_WIDTH_BYTES

with warnings.catch_warnings():
    # audioop is C code in the standard library up to 3.12 and the `audioop-lts` package
    # after; pydub depends on it already. It is deprecated in 3.11+, hence the filter.
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

log = logging.getLogger(__name__)

ACX_RMS_MIN_DBFS = -23.0
ACX_RMS_MAX_DBFS = -18.0
ACX_PEAK_MAX_DBFS = -3.0
# Aimed a little above the middle of ACX's window: the limiter takes 0.5-1.5 dB back.
DEFAULT_TARGET_RMS_DBFS = -19.5
# 1 dB under ACX's peak limit, because lossy encoders overshoot the sample peaks they are fed.
DEFAULT_CEILING_DBFS = -4.0
# Quieter 50 ms blocks are gaps between words, not voice, when comparing voices' loudness.
VOICE_GATE_DBFS = -50.0
# After a render, a chapter further than this from the target is rendered again, corrected.
RENDER_TOLERANCE_DB = 1.0

BLOCK_FRAMES = AUDIO_SAMPLE_RATE_HZ // 20  # 50 ms
FULL_SCALE = 32768
# Ceiling for the 16-bit stage: voice gains are scaled so no sample clips before the limiter.
_INT_STAGE_PEAK = 0.89 * FULL_SCALE  # -1 dBFS
_READ_FRAMES = AUDIO_SAMPLE_RATE_HZ * 4


def dbfs(amplitude: float) -> float:
    """Amplitude in 16-bit sample units as dB relative to full scale (-inf for silence)."""
    return 20 * math.log10(amplitude / FULL_SCALE) if amplitude > 0 else -math.inf


def db_to_gain(db: float) -> float:
    return 10 ** (db / 20)


@dataclass(frozen=True)
class Level:
    """Energy and peak of some 16-bit audio, in a form that adds up across clips."""

    frames: int = 0
    sum_squares: float = 0.0
    peak: int = 0  # largest absolute sample value
    voiced_frames: int = 0  # frames in 50 ms blocks louder than VOICE_GATE_DBFS
    voiced_sum_squares: float = 0.0

    def __add__(self, other: Level) -> Level:
        return Level(
            self.frames + other.frames,
            self.sum_squares + other.sum_squares,
            max(self.peak, other.peak),
            self.voiced_frames + other.voiced_frames,
            self.voiced_sum_squares + other.voiced_sum_squares,
        )

    @property
    def rms(self) -> float:
        return math.sqrt(self.sum_squares / self.frames) if self.frames else 0.0

    @property
    def voiced_rms(self) -> float:
        if not self.voiced_frames:
            return 0.0
        return math.sqrt(self.voiced_sum_squares / self.voiced_frames)

    @property
    def rms_dbfs(self) -> float:
        return dbfs(self.rms)

    @property
    def peak_dbfs(self) -> float:
        return dbfs(self.peak)

    @property
    def meets_acx(self) -> bool:
        """RMS inside ACX's window and peaks under its limit."""
        return (
            ACX_RMS_MIN_DBFS <= self.rms_dbfs <= ACX_RMS_MAX_DBFS
            and self.peak_dbfs <= ACX_PEAK_MAX_DBFS
        )


_GATE_RMS = FULL_SCALE * 10 ** (VOICE_GATE_DBFS / 20)


def measure_pcm(data: bytes) -> Level:
    """Level of raw 16-bit mono PCM, in 50 ms blocks so the voice gate can be applied."""
    width = AUDIO_SAMPLE_WIDTH_BYTES
    block_bytes = BLOCK_FRAMES * width
    sum_squares = voiced_sum = 0.0
    voiced = 0
    for start in range(0, len(data), block_bytes):
        block = data[start : start + block_bytes]
        n = len(block) // width
        energy = audioop.rms(block, width) ** 2 * n
        sum_squares += energy
        if energy > _GATE_RMS**2 * n:
            voiced += n
            voiced_sum += energy
    peak = audioop.max(data, width) if data else 0
    return Level(len(data) // width, sum_squares, peak, voiced, voiced_sum)


def read_wav_frames(path: Path, *, chunk_frames: int = _READ_FRAMES) -> Iterable[bytes]:
    """The PCM of a WAV file in chunks, so long files never sit whole in memory."""
    with wave.open(str(path), "rb") as w:
        while data := w.readframes(chunk_frames):
            yield data


def measure_voices(
    clips: Iterable[tuple[str, Path]], measure: Callable[[Path], Level] | None = None
) -> dict[str, Level]:
    """Level of each speaker's clips, all of a speaker's together (`measure`: measure_wav)."""
    levels: dict[str, Level] = {}
    for speaker, path in clips:
        level = (measure or measure_wav)(path)
        levels[speaker] = levels.get(speaker, Level()) + level
    return levels


def measure_wav(path: Path) -> Level:
    """Level of a WAV file in the package's audio format, read in chunks."""
    total = Level()
    # Chunks are whole multiples of the block, so blocks never straddle two chunks.
    for data in read_wav_frames(path, chunk_frames=BLOCK_FRAMES * 80):
        total += measure_pcm(data)
    return total


@dataclass(frozen=True)
class Leveling:
    """The gains that bring one chapter to the target, decided before it is stitched."""

    voice_gains: dict[str, float]  # speaker -> linear gain on 16-bit samples while stitching
    chapter_gain_db: float  # one gain for the whole stitched chapter, before the limiter
    ceiling_dbfs: float = DEFAULT_CEILING_DBFS  # the limiter's ceiling

    def ffmpeg_filter(self) -> str:
        """ffmpeg audio filter: chapter gain, then a look-ahead limiter with its delay removed."""
        limit = db_to_gain(self.ceiling_dbfs)
        return (
            f"volume={self.chapter_gain_db:.3f}dB,"
            f"alimiter=limit={limit:.4f}:level=0:latency=1:attack=5:release=50"
        )

    def corrected(self, measured: Level, target_rms_dbfs: float) -> Leveling:
        """The same leveling with its chapter gain moved by how far a render missed."""
        shift = target_rms_dbfs - measured.rms_dbfs
        return Leveling(self.voice_gains, self.chapter_gain_db + shift, self.ceiling_dbfs)


def plan_leveling(
    voices: Mapping[str, Level],
    total_frames: int,
    *,
    target_rms_dbfs: float = DEFAULT_TARGET_RMS_DBFS,
    ceiling_dbfs: float = DEFAULT_CEILING_DBFS,
) -> Leveling:
    """Gains that give every voice the same loudness and the chapter the target RMS.

    `total_frames` is the stitched chapter's length, pauses and room tone included: ACX
    measures RMS over the whole file, so pauses count.
    """
    reference = FULL_SCALE * db_to_gain(-20.0)
    gains = {
        speaker: (reference / level.voiced_rms if level.voiced_rms else 1.0)
        for speaker, level in voices.items()
    }
    loudest_peak = max((level.peak * gains[s] for s, level in voices.items()), default=0.0)
    if loudest_peak > _INT_STAGE_PEAK:
        scale = _INT_STAGE_PEAK / loudest_peak
        gains = {speaker: gain * scale for speaker, gain in gains.items()}
    stitched_energy = sum(level.sum_squares * gains[s] ** 2 for s, level in voices.items())
    stitched_rms = math.sqrt(stitched_energy / total_frames) if total_frames else 0.0
    chapter_gain_db = target_rms_dbfs - dbfs(stitched_rms) if stitched_rms else 0.0
    for speaker, level in voices.items():
        log.debug(
            "voice %s: voiced RMS %.1f dBFS, gain %.1f dB",
            speaker,
            dbfs(level.voiced_rms),
            20 * math.log10(gains[speaker]) if gains[speaker] else -math.inf,
        )
    return Leveling(gains, chapter_gain_db, ceiling_dbfs)


def apply_gain(data: bytes, gain: float) -> bytes:
    """16-bit PCM times a linear gain (saturating, though plan_leveling keeps it from clipping)."""
    if gain == 1.0 or not data:
        return data
    return audioop.mul(data, AUDIO_SAMPLE_WIDTH_BYTES, gain)
