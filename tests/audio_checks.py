"""Checks on real synthesised speech: format, loudness, length, and how a voice sounds.

A voice print is its median pitch (autocorrelation) and its timbre (the average spectral
envelope of its speech): enough to tell whether a listener could confuse two voices.
"""

from __future__ import annotations

import array
import itertools
import re
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

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


def speech_frames(data: array.array, seconds: float = 0.032) -> np.ndarray:
    """Half-overlapping frames of `seconds`, only those loud enough to be speech."""
    x = np.asarray(data, dtype=np.float64)
    size = int(seconds * AUDIO_SAMPLE_RATE_HZ)
    count = max(0, 1 + (len(x) - size) // (size // 2))
    frames = x[np.arange(size)[None, :] + (size // 2) * np.arange(count)[:, None]]
    return frames[np.sqrt((frames**2).mean(axis=1)) > MIN_SPEECH_RMS]


def median_pitch_hz(data: array.array) -> float:
    """Median fundamental frequency of the voiced 40 ms frames, 60-400 Hz (autocorrelation
    of a 4-times decimated signal: plenty for a voice's fundamental)."""
    factor = 4
    x = np.asarray(data, dtype=np.float64)
    low = x[: len(x) // factor * factor].reshape(-1, factor).mean(axis=1)
    rate = AUDIO_SAMPLE_RATE_HZ / factor
    frame, shortest, longest = int(0.04 * rate), int(rate / 400), int(rate / 60)
    found = []
    for start in range(0, len(low) - frame - longest, frame):
        mean = low[start : start + frame].mean()
        centred = low[start : start + frame] - mean
        energy = float(centred @ centred)
        if energy / frame < MIN_SPEECH_RMS**2:
            continue
        ahead = low[start : start + frame + longest] - mean
        scores = np.correlate(ahead, centred, "valid")[shortest:longest]
        best = int(np.argmax(scores))
        if scores[best] > 0 and scores[best] / energy > 0.5:
            found.append(rate / (best + shortest))
    return float(np.median(found)) if found else 0.0


# Timbre: the average spectral envelope of speech in log-spaced bands from 100 Hz to 7 kHz (what
# every voice here has in full: flite's 16 kHz voices, resampled, roll off above 7 kHz), in
# dB, level removed.
TIMBRE_BANDS = np.geomspace(100, 7000, 25)


def spectral_envelope_db(data: array.array) -> np.ndarray:
    frames = speech_frames(data)
    size = frames.shape[1]
    power = np.abs(np.fft.rfft(frames * np.hanning(size), axis=1)) ** 2
    hz = np.fft.rfftfreq(size, 1 / AUDIO_SAMPLE_RATE_HZ)
    bands = [
        power[:, (hz >= low) & (hz < high)].sum(axis=1)
        for low, high in itertools.pairwise(TIMBRE_BANDS)
    ]
    envelope = 10 * np.log10(np.mean(bands, axis=1) + 1e-9)
    return envelope - envelope.mean()


@dataclass(frozen=True)
class VoicePrint:
    pitch_hz: float
    envelope_db: tuple[float, ...]  # spectral envelope, TIMBRE_BANDS

    def __str__(self) -> str:
        return f"{self.pitch_hz:.0f} Hz"


def voice_print(paths: list[Path] | tuple[Path, ...]) -> VoicePrint:
    data = array.array("h")
    for path in paths:
        data.extend(samples(path))
    return VoicePrint(median_pitch_hz(data), tuple(spectral_envelope_db(data)))


@dataclass(frozen=True)
class VoiceDifference:
    pitch: float  # relative difference in median pitch: 0.1 = 10 %
    timbre_db: float  # RMS difference of the spectral envelopes

    # Compared on the same sentences: one voice reading other sentences moves by 2-4.5 dB,
    # so only the same text compares voices. Pairs of voices that sound alike measured 1.4-2.9
    # dB (espeak-ng's en-us and en-gb-scotland+m2, de and de+m2, en-gb-x-rp+m7 and en-us+michel);
    # voices chosen to differ, 4.3 dB and more.
    MIN_PITCH: ClassVar[float] = 0.08
    MIN_TIMBRE_DB: ClassVar[float] = 4.0

    @property
    def distinct(self) -> bool:
        return self.pitch >= self.MIN_PITCH or self.timbre_db >= self.MIN_TIMBRE_DB

    def __str__(self) -> str:
        return f"pitch {self.pitch:.0%}, timbre {self.timbre_db:.1f} dB"


def voice_difference(a: VoicePrint, b: VoicePrint) -> VoiceDifference:
    envelope = np.subtract(a.envelope_db, b.envelope_db)
    return VoiceDifference(
        abs(a.pitch_hz - b.pitch_hz) / max(a.pitch_hz, b.pitch_hz),
        float(np.sqrt(np.mean(envelope**2))),
    )
