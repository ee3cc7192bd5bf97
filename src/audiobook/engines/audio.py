"""Converts every engine's output to the one clip format the rest of the pipeline reads.

The format is model.AUDIO_*: mono, signed 16-bit, 24 kHz WAV. Clips are also trimmed of
the silence engines put before and after speech, so the pauses the stitcher inserts
(model.Pauses) are the pauses the listener hears, whichever engine spoke.
"""

from __future__ import annotations

import array
import sys
import wave
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from audiobook import ffmpeg
from audiobook.errors import AudiobookError
from audiobook.model import AUDIO_CHANNELS, AUDIO_SAMPLE_RATE_HZ, AUDIO_SAMPLE_WIDTH_BYTES

# |sample| at or below this counts as silence when trimming (about -54 dBFS).
SILENCE_THRESHOLD = 64
# Silence kept before and after speech so soft onsets and releases are not clipped.
TRIM_MARGIN_MS = 20


def wav_duration_s(path: Path) -> float:
    """Duration from the WAV header, without reading the samples."""
    with wave.open(str(path), "rb") as f:
        return f.getnframes() / f.getframerate()


@dataclass(frozen=True)
class RawAudio:
    """Samples of a mono 16-bit PCM WAV at any rate, as engines commonly write them."""

    rate: int
    frames: bytes


def read_raw(path: Path) -> RawAudio | None:
    """The samples of a mono 16-bit PCM WAV, or None for anything else (AIFF, stereo …)."""
    try:
        with wave.open(str(path), "rb") as f:
            if (f.getnchannels(), f.getsampwidth()) != (AUDIO_CHANNELS, AUDIO_SAMPLE_WIDTH_BYTES):
                return None
            return RawAudio(f.getframerate(), f.readframes(f.getnframes()))
    except (wave.Error, EOFError):
        return None  # not PCM WAV (AIFF, extensible WAV …): ffmpeg reads anything


def to_clip_rate(frames: bytes, rate: int, gain: float = 1.0) -> bytes:
    """Mono 16-bit samples at `rate` brought to the clip rate, `gain` applied, rounded once.

    SoX's resampler (the one ffmpeg's `resampler=soxr` uses), called on each clip alone and
    in this process: a clip's bytes then never depend on which others were synthesised with
    it, and no ffmpeg process is started (which cost more than flite's synthesis). ffmpeg's
    soxr on many clips in one stream changed samples by one step with their place in it.
    """
    if rate == AUDIO_SAMPLE_RATE_HZ and gain == 1.0:
        return frames
    import numpy as np
    import soxr

    samples = np.frombuffer(frames, dtype="<i2").astype(np.float64) * gain
    if rate != AUDIO_SAMPLE_RATE_HZ and len(samples):
        samples = soxr.resample(samples, rate, AUDIO_SAMPLE_RATE_HZ, quality="HQ")
    return np.clip(np.rint(samples), -32768, 32767).astype("<i2").tobytes()


def trim_silence(frames: bytes) -> bytes:
    """Cut leading and trailing silence, keeping TRIM_MARGIN_MS of it on each side."""
    samples = array.array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    first = next(_loud(samples, range(len(samples))), None)
    if first is None:
        return b""
    last = next(_loud(samples, range(len(samples) - 1, first - 1, -1)))
    margin = AUDIO_SAMPLE_RATE_HZ * TRIM_MARGIN_MS // 1000
    start, end = max(0, first - margin), min(len(samples), last + 1 + margin)
    return frames[start * AUDIO_SAMPLE_WIDTH_BYTES : end * AUDIO_SAMPLE_WIDTH_BYTES]


def _loud(samples: array.array, indexes: range) -> Iterator[int]:
    """Indexes, in the order given, of samples louder than silence; lazily."""
    return (i for i in indexes if not -SILENCE_THRESHOLD <= samples[i] <= SILENCE_THRESHOLD)


def write_clip(path: Path, frames: bytes) -> None:
    """Write samples (already in the clip format) as a WAV file."""
    with wave.open(str(path), "wb") as f:
        f.setnchannels(AUDIO_CHANNELS)
        f.setsampwidth(AUDIO_SAMPLE_WIDTH_BYTES)
        f.setframerate(AUDIO_SAMPLE_RATE_HZ)
        f.writeframes(frames)


def to_clips(
    raw: Sequence[Path], targets: Sequence[Path], *, gain: float = 1.0, work_dir: Path
) -> None:
    """Turn engine output files into trimmed clip-format WAVs at `targets`.

    Mono 16-bit WAVs (what every engine here writes) are resampled in this process; anything
    else (AIFF, stereo, float) is converted by ffmpeg, file by file.
    """
    for i, (path, target) in enumerate(zip(raw, targets, strict=True)):
        audio = read_raw(path)
        if audio is None:
            converted = work_dir / f"converted-{i}.wav"
            ffmpeg.convert_clip(path, converted, gain=gain)
            audio = read_raw(converted)
            if audio is None or audio.rate != AUDIO_SAMPLE_RATE_HZ:
                raise AudiobookError(f"ffmpeg did not convert {path.name} to the clip format")
            frames = audio.frames
        else:
            frames = to_clip_rate(audio.frames, audio.rate, gain)
        write_clip(target, trim_silence(frames))
