"""Checks on real synthesised speech: format, loudness, length, and how a voice sounds.

Pure Python on purpose (the package depends on no numerical library): a crude low-pass,
decimation and autocorrelation give the median pitch well enough to tell voices apart.
"""

from __future__ import annotations

import array
import itertools
import re
import wave
from dataclasses import dataclass
from pathlib import Path

from audiobook.model import AUDIO_CHANNELS, AUDIO_SAMPLE_RATE_HZ, AUDIO_SAMPLE_WIDTH_BYTES

# Engines speak English at roughly 2-3.5 words a second at their normal rate.
MIN_WORDS_PER_S = 1.3
MAX_WORDS_PER_S = 5.0
MIN_SPEECH_RMS = 300  # of 32767; engine speech is typically 2,000-4,000


def samples(path: Path) -> array.array:
    """The samples of a clip-format WAV, checking the format on the way."""
    with wave.open(str(path), "rb") as f:
        assert f.getframerate() == AUDIO_SAMPLE_RATE_HZ, f"{path}: {f.getframerate()} Hz"
        assert f.getnchannels() == AUDIO_CHANNELS, f"{path}: {f.getnchannels()} channels"
        assert f.getsampwidth() == AUDIO_SAMPLE_WIDTH_BYTES, f"{path}: {f.getsampwidth()} bytes"
        data = array.array("h")
        data.frombytes(f.readframes(f.getnframes()))
    return data


def rms(data: array.array) -> float:
    return (sum(x * x for x in data) / max(1, len(data))) ** 0.5


def word_count(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))


def assert_speech(paths: list[Path] | tuple[Path, ...], text: str) -> float:
    """Clips are clip-format, not silent, and as long as the text's words need; duration."""
    total = 0.0
    for path in paths:
        data = samples(path)
        assert rms(data) > MIN_SPEECH_RMS, f"{path} is (nearly) silent"
        total += len(data) / AUDIO_SAMPLE_RATE_HZ
    words = word_count(text)
    assert words / MAX_WORDS_PER_S <= total <= words / MIN_WORDS_PER_S + 0.5, (
        f"{total:.2f} s for {words} words"
    )
    return total


def median_pitch_hz(data: array.array) -> float:
    """Median fundamental frequency of the voiced 40 ms frames, 60-400 Hz."""
    factor = 4  # 5,512 Hz after decimation: plenty for a voice's fundamental
    low = [sum(data[i : i + factor]) / factor for i in range(0, len(data) - factor, factor)]
    rate = AUDIO_SAMPLE_RATE_HZ / factor
    frame, shortest, longest = int(0.04 * rate), int(rate / 400), int(rate / 60)
    found = []
    for start in range(0, len(low) - frame - longest, frame):
        window = low[start : start + frame]
        mean = sum(window) / frame
        centred = [x - mean for x in window]
        energy = sum(x * x for x in centred)
        if energy / frame < MIN_SPEECH_RMS**2:
            continue
        ahead = [x - mean for x in low[start : start + frame + longest]]
        best, best_lag = 0.0, 0
        for lag in range(shortest, longest):
            score = sum(centred[i] * ahead[i + lag] for i in range(frame))
            if score > best:
                best, best_lag = score, lag
        if best_lag and best / energy > 0.5:
            found.append(rate / best_lag)
    found.sort()
    return found[len(found) // 2] if found else 0.0


def zero_crossings_per_s(data: array.array) -> float:
    """A rough measure of spectral brightness."""
    crossings = sum(1 for a, b in itertools.pairwise(data) if (a < 0) != (b < 0))
    return crossings * AUDIO_SAMPLE_RATE_HZ / max(1, len(data))


@dataclass(frozen=True)
class VoicePrint:
    pitch_hz: float
    crossings_per_s: float


def voice_print(paths: list[Path] | tuple[Path, ...]) -> VoicePrint:
    data = array.array("h")
    for path in paths:
        data.extend(samples(path))
    return VoicePrint(median_pitch_hz(data), zero_crossings_per_s(data))


def voice_difference(a: VoicePrint, b: VoicePrint) -> float:
    """Largest relative difference in pitch or brightness: 0.1 = 10 %."""
    return max(
        abs(a.pitch_hz - b.pitch_hz) / max(a.pitch_hz, b.pitch_hz),
        abs(a.crossings_per_s - b.crossings_per_s) / max(a.crossings_per_s, b.crossings_per_s),
    )
