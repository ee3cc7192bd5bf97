"""CMU Flite through its command line: the most intelligible engine in Debian main."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from audiobook import processes
from audiobook.engines.base import (
    CommandLineEngine,
    VoiceInfo,
    check_ranges,
    unknown_voice_error,
)
from audiobook.errors import UserError
from audiobook.model import VoiceSettings

# What Flite's built-in voices are; `flite -lv` gives names only.
KNOWN_VOICES = {
    "rms": ("en-us", "male"),
    "awb": ("en-gb-scotland", "male"),
    "kal16": ("en-us", "male"),
    "kal": ("en-us", "male"),  # 8 kHz version of kal16
    "slt": ("en-us", "female"),
}
# The diphone voices' speed (Engine.SPEED), against ~93 for the clustergen ones.
FAST_VOICES = {"kal": 530.0, "kal16": 740.0}
# Limited-domain voices that can only say a few fixed phrases (awb_time tells the time).
LIMITED_DOMAIN = {"awb_time"}
# Voices that ignore every pitch feature (measured: f0_shift and int_f0_target_mean).
FIXED_PITCH = {"rms"}
# flite 2.2 aborts ("malloc(): corrupted top size") on a word with more than about 320
# punctuation marks stuck to it. It speaks none of them, so longer runs are cut to this.
MAX_PUNCTUATION_RUN = 32
_PUNCTUATION_RUN = re.compile(rf"(?:[^\w\s]|_){{{MAX_PUNCTUATION_RUN + 1},}}")


class FliteEngine(CommandLineEngine):
    """One flite process per clip; flite has no batch mode that writes separate files.

    A bad `-voice` name makes flite fall back to kal at 8 kHz without a word, so voices are
    checked against `flite -lv` (or must be a .flitevox file) before anything is spoken.
    """

    NAME = "flite"
    PROGRAM = "flite"
    VERSION_PATTERN = r"version:\s*(\S+)"
    INSTALL_HINT = "apt-get install flite (Debian/Ubuntu), brew install flite (macOS)"
    RANK = 20
    MAX_CHARS = 600
    SAMPLE_RATE_HZ = 16000  # kal: 8 kHz (sample_rate_hz)
    SPEED = 93  # awb, rms, slt; the diphone voices far faster (FAST_VOICES)

    @functools.cache  # one engine object per process: engines.get_engine
    def voices(self) -> list[VoiceInfo]:
        out = processes.run([self.PROGRAM, "-lv"]).stdout.decode("utf-8", "replace")
        names = out.partition(":")[2].split()
        return [
            VoiceInfo(self.NAME, name, *KNOWN_VOICES.get(name, ("en", None)))
            for name in names
            if name not in LIMITED_DOMAIN
        ]

    def speed(self, voice: str) -> float | None:
        return FAST_VOICES.get(voice, self.SPEED)

    def sample_rate_hz(self, voice: str) -> int | None:
        return 8000 if voice == "kal" else super().sample_rate_hz(voice)

    def cast_candidates(self, language: str = "en") -> list[str]:
        return ["rms", "awb", "kal16", "slt"] if language == "en" else []

    def check(self, settings: VoiceSettings) -> None:
        if not settings.voice.endswith(".flitevox"):
            super().check(settings)
        else:
            check_ranges(settings)
            if not Path(settings.voice).is_file():
                raise unknown_voice_error(self.NAME, settings.voice, [v.id for v in self.voices()])
        if settings.pitch != 1.0 and settings.voice in FIXED_PITCH:
            raise UserError(
                f"flite voice {settings.voice!r} cannot change pitch; set pitch = 1.0 or use "
                "awb, kal16 or slt"
            )

    def command(self, text: str, settings: VoiceSettings, out: Path) -> tuple[list[str], bytes]:
        args = [self.PROGRAM, "-voice", settings.voice]
        if settings.rate != 1.0:
            args += ["--setf", f"duration_stretch={1 / settings.rate:.4f}"]
        if settings.pitch != 1.0:
            args += ["--setf", f"f0_shift={settings.pitch:.4f}"]
        return [*args, "-o", str(out), "-t", as_flite_text(text)], b""


def as_flite_text(text: str) -> str:
    """The text with runs of punctuation cut short enough for flite not to crash on them."""
    return _PUNCTUATION_RUN.sub(lambda m: m.group()[:MAX_PUNCTUATION_RUN], text)
