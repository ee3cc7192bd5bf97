"""hibari: a small neural voice (distilled from Kokoro's "heart") in its PyPI package.

Apache-2.0, 24 kHz, about 65 seconds of audio per CPU second on one thread, and the most
intelligible voice measured here (2.5% WER). Only the voices on this machine are offered:
"heart" ships in the package; the others download from a hub on first use, which fails
offline, so they are listed only once present in hibari's cache (HIBARI_HOME).
"""

from __future__ import annotations

import functools
from typing import Any

from audiobook.engines.base import VoiceInfo
from audiobook.engines.neural import NeuralEngine

# Fixed noise: the same text gives the same samples, so cache, resume and parallel runs hold.
SEED = 0


class HibariEngine(NeuralEngine):
    NAME = "hibari"
    RANK = 5  # the best voice here: auto-casting and shipped casts take it first
    PACKAGES = ("hibari", "onnxruntime")
    DISTRIBUTION = "hibari-tts"
    SAMPLE_RATE_HZ = 24000
    SPEED = 190

    @functools.cache  # one engine object per process: engines.get_engine
    def voices(self) -> list[VoiceInfo]:
        from hibari.voices import VOICES, voice_path

        found = []
        for name, spec in VOICES.items():
            try:
                voice_path(name, download_missing=False)
            except (FileNotFoundError, ValueError):
                continue  # not on this machine, and fetching it needs the network
            language = str(spec.get("language", "en-US")).lower()
            found.append(VoiceInfo(self.NAME, name, language, spec.get("gender"), name))
        return found

    def cast_candidates(self, language: str = "en") -> list[str]:
        return [v.id for v in self.voices_for(language)]


class HibariModel:
    """The voice in the worker: loaded once, one onnxruntime thread."""

    def __init__(self, voice: str) -> None:
        import hibari

        self.tts = hibari.Hibari(voice, threads=1)
        self.version = hibari.__version__
        self.rate = hibari.SAMPLE_RATE

    def speak(self, text: str, speed: float) -> Any:
        return self.tts(text, speed=speed, seed=SEED)


def load_model(voice: str, options: dict[str, Any]) -> HibariModel:
    return HibariModel(voice)
