"""pyttsx3: the platform's own voices (SAPI5, NSSpeechSynthesizer, or espeak on Linux).

pyttsx3 runs in a worker process (`pyttsx3_worker`), never in this one: its settings are
process-global, it prints to stdout, and a misuse of its loop hangs forever. The worker
module documents each trap and how it is handled.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from audiobook import processes
from audiobook.engines.audio import read_raw
from audiobook.engines.base import Engine, VoiceInfo
from audiobook.errors import AudiobookError, UserError
from audiobook.loudness import measure_pcm
from audiobook.model import VoiceSettings
from audiobook.settings import Settings

log = logging.getLogger(__name__)

# Seconds a worker may take: start-up plus a generous allowance per character. A worker
# that hangs (pyttsx3's loop can) becomes an error instead of a build that never ends.
WORKER_START_S = 30.0
WORKER_S_PER_CHAR = 0.05
GENDERS = {"male": "male", "female": "female"}


# Below this RMS (16-bit) a clip of real words is silence: speech here measures ~2,000.
SILENCE_RMS = 50


def is_silent_speech(text: str, path: str) -> bool:
    """A file that should hold speech (the text has letters or digits) but is silent."""
    if not any(ch.isalnum() for ch in text):
        return False
    raw = read_raw(Path(path))
    return raw is not None and measure_pcm(raw.frames).rms < SILENCE_RMS


class Pyttsx3Engine(Engine):
    """Batches of clips, one worker process per batch."""

    NAME = "pyttsx3"
    INSTALL_HINT = (
        "pip install pyttsx3; on Linux it also needs libespeak (apt-get install libespeak1)"
    )
    RANK = 40  # on Linux it is espeak again, only slower; elsewhere the system voices
    # Its espeak driver grows its buffer quadratically (28 minutes of audio: 21 s, 258 MB):
    # short texts only.
    MAX_CHARS = 400
    BATCH_SIZE = 24  # a worker costs ~0.2 s to start
    SPEED = 57  # libespeak through a worker process per batch
    WORKER: ClassVar[list[str]] = [sys.executable, "-m", "audiobook.engines.pyttsx3_worker"]

    @classmethod
    def is_installed(cls, config: Settings | None = None) -> bool:
        return importlib.util.find_spec("pyttsx3") is not None

    @functools.cache  # one engine object per process: engines.get_engine
    def describe(self) -> dict[str, Any]:
        """Driver, versions and voices, from a worker (pyttsx3 is never imported here)."""
        return self._run_worker(["--describe"], None, WORKER_START_S)

    def version(self) -> str:
        return str(self.describe()["version"])

    def voices(self) -> list[VoiceInfo]:
        return [
            VoiceInfo(
                self.NAME,
                v["id"],
                v["languages"][0] if v["languages"] else "",
                GENDERS.get(str(v["gender"]).lower()),
                v["name"],
            )
            for v in self.describe()["voices"]
        ]

    def cast_candidates(self, language: str = "en") -> list[str]:
        return [v.id for v in self.voices_for(language)][:4]

    def same_voices_as(self) -> str | None:
        # On Linux pyttsx3 speaks with libespeak: espeak-ng's voices, only slower.
        return "espeak-ng" if self.describe()["driver"] == "espeak" else None

    def check(self, settings: VoiceSettings) -> None:
        super().check(settings)
        driver = self.describe()["driver"]
        if settings.pitch != 1.0 and driver != "espeak":
            raise UserError(f"the pyttsx3 {driver} driver cannot change pitch; set pitch = 1.0")

    def synthesize(
        self, texts: Sequence[str], settings: VoiceSettings, out_dir: Path
    ) -> list[Path]:
        paths = [out_dir / f"pyttsx3-{i}.wav" for i in range(len(texts))]
        items = [{"text": text, "path": str(path)} for text, path in zip(texts, paths, strict=True)]
        job: dict[str, Any] = {
            "voice": settings.voice,
            "rate": settings.rate,
            "pitch": settings.pitch,
            "items": items,
        }
        timeout = WORKER_START_S + WORKER_S_PER_CHAR * sum(len(t) for t in texts)
        self._run_worker([], job, timeout)
        # Seen here under heavy load: now and then a file holds only silence. Those items are
        # spoken once more by a fresh worker; silence twice is the engine's failure.
        silent = [item for item in items if is_silent_speech(item["text"], item["path"])]
        if silent:
            log.warning("pyttsx3 wrote silence for %d clip(s); speaking them again", len(silent))
            self._run_worker([], {**job, "items": silent}, timeout)
            for item in silent:
                if is_silent_speech(item["text"], item["path"]):
                    raise AudiobookError(f"pyttsx3 wrote only silence for {item['text'][:40]!r}")
        return paths

    def _run_worker(self, args: list[str], job: dict | None, timeout_s: float) -> Any:
        """Run one worker process and parse its one-line JSON answer."""
        data = json.dumps(job).encode("utf-8") if job is not None else None
        try:
            result = processes.run([*self.WORKER, *args], input_bytes=data, timeout_s=timeout_s)
        except AudiobookError as e:
            raise AudiobookError(f"pyttsx3 worker: {e}") from e
        try:
            return json.loads(result.stdout.decode("utf-8").strip().splitlines()[-1])
        except (ValueError, IndexError) as e:
            raise AudiobookError("the pyttsx3 worker gave no answer") from e
