"""What the neural engines (hibari, Piper, Kokoro) share: a voice loaded once per worker
process (engines.workers), repeatable output, and no pitch control.

Each engine module holds both halves: its `Engine` class, which runs here and never imports
the model's libraries, and `load_model(voice, options)`, which the worker calls and which
returns an object with `version`, `rate` (Hz) and `speak(text, speed) -> float samples`.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from audiobook.engines.base import Engine
from audiobook.engines.workers import POOL
from audiobook.errors import UserError
from audiobook.model import VoiceSettings

NEURAL_INSTALL_HINT = "pip install 'audiobook[neural]' (bash scripts/install.sh does it)"
# A clip may take: a generous allowance per character (Kokoro speaks about as fast as it
# reads on one thread), after the worker has loaded.
CLIP_START_S = 60.0
CLIP_S_PER_CHAR = 0.5


def one_thread_session(model: str) -> Any:
    """An onnxruntime session on one thread that never spins: `--jobs` workers then use
    `--jobs` cores (onnxruntime's default threads busy-wait, about a third more CPU)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


class NeuralEngine(Engine):
    """A neural voice in a persistent worker; subclasses name packages and voices."""

    PACKAGES: ClassVar[tuple[str, ...]]  # import names that must be installed
    DISTRIBUTION: ClassVar[str]  # the PyPI package whose version keys the cache
    INSTALL_HINT = NEURAL_INSTALL_HINT
    MAX_CHARS = 400  # the models split longer input themselves, less well than we do
    NEURAL = True

    @classmethod
    def is_installed(cls, config: Any = None) -> bool:
        return all(importlib.util.find_spec(name) is not None for name in cls.PACKAGES)

    def version(self) -> str:
        return importlib.metadata.version(self.DISTRIBUTION)

    def options(self, settings: VoiceSettings) -> dict[str, Any]:
        """What the worker needs besides the voice (model files): part of the pool's key."""
        return {}

    def check(self, settings: VoiceSettings) -> None:
        if settings.pitch != 1.0:
            raise UserError(
                f"{self.NAME} voice {settings.voice!r} cannot change pitch; set pitch = 1.0"
            )
        super().check(settings)

    def synthesize(
        self, texts: Sequence[str], settings: VoiceSettings, out_dir: Path
    ) -> list[Path]:
        paths = [out_dir / f"{self.NAME}-{i}.wav" for i in range(len(texts))]
        with POOL.lease(self.NAME, settings.voice, self.options(settings)) as worker:
            for text, path in zip(texts, paths, strict=True):
                request = {"text": text, "speed": settings.rate, "path": str(path)}
                worker.ask(request, CLIP_START_S + CLIP_S_PER_CHAR * len(text))
        return paths
