"""Converts every engine's output to the one clip format the rest of the pipeline reads.

The format is model.AUDIO_*: mono, signed 16-bit, 22,050 Hz WAV. Clips are also trimmed of
the silence engines put before and after speech, so the pauses the stitcher inserts
(model.Pauses) are the pauses the listener hears, whichever engine spoke.
"""

from __future__ import annotations

import array
import math
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
# Silence around each clip when many are resampled in one stream: far longer than the
# resampling filter reaches (input samples).
RESAMPLE_GUARD_SAMPLES = 1024


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


def resample(clips: Sequence[bytes], rate: int, work_dir: Path, gain: float = 1.0) -> list[bytes]:
    """Mono 16-bit clips at `rate` converted to the clip rate by one ffmpeg run for all.

    A process per clip would cost more than a fast engine's synthesis (flite kal16), and
    one with many inputs is not much cheaper. So the clips go through one stream, each
    placed at a sample offset where input and output sample grids meet and surrounded by
    silence longer than the resampling filter: every clip then comes out byte for byte as
    it would alone, whatever else shares the stream.
    """
    step = math.gcd(rate, AUDIO_SAMPLE_RATE_HZ)
    grid_in, grid_out = rate // step, AUDIO_SAMPLE_RATE_HZ // step
    guard = -(-RESAMPLE_GUARD_SAMPLES // grid_in) * grid_in
    stream = bytearray(bytes(guard * AUDIO_SAMPLE_WIDTH_BYTES))
    places = []
    for frames in clips:
        count = len(frames) // AUDIO_SAMPLE_WIDTH_BYTES
        padded = -(-(count + guard) // grid_in) * grid_in
        places.append((len(stream) // AUDIO_SAMPLE_WIDTH_BYTES, count))
        stream += frames + bytes((padded - count) * AUDIO_SAMPLE_WIDTH_BYTES)
    # Files, not pipes: pumping tens of megabytes through a pipe costs Python more CPU.
    source, target = work_dir / f"stream-{rate}.s16", work_dir / "stream-out.s16"
    source.write_bytes(stream)
    ffmpeg.resample_pcm(source, target, rate_hz=rate, gain=gain)
    out = target.read_bytes()
    width = AUDIO_SAMPLE_WIDTH_BYTES
    result = []
    for start, count in places:
        first = start // grid_in * grid_out
        length = -(-count * grid_out // grid_in)
        result.append(out[first * width : (first + length) * width])
    return result


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

    Clips already in the clip format are only trimmed, here; mono 16-bit clips at another
    rate go through one ffmpeg run per rate (`resample`); anything else is converted file
    by file.
    """
    frames: dict[int, bytes] = {}
    by_rate: dict[int, list[int]] = {}
    for i, path in enumerate(raw):
        audio = read_raw(path)
        if audio is None:
            converted = work_dir / f"converted-{i}.wav"
            ffmpeg.convert_clip(path, converted, gain=gain)
            audio = read_raw(converted)
            if audio is None or audio.rate != AUDIO_SAMPLE_RATE_HZ:
                raise AudiobookError(f"ffmpeg did not convert {path.name} to the clip format")
            frames[i] = audio.frames
        elif audio.rate == AUDIO_SAMPLE_RATE_HZ and gain == 1.0:
            frames[i] = audio.frames
        else:
            by_rate.setdefault(audio.rate, []).append(i)
            frames[i] = audio.frames
    for rate, indexes in by_rate.items():
        resampled = resample([frames[i] for i in indexes], rate, work_dir, gain)
        frames.update(zip(indexes, resampled, strict=True))
    for i, target in enumerate(targets):
        write_clip(target, trim_silence(frames[i]))
