"""RHVoice through `RHVoice-test`: the best voices here, optional (Debian non-free)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path

from audiobook.engines.base import CommandLineEngine, VoiceInfo, scaled
from audiobook.language_codes import language_name
from audiobook.model import VoiceSettings
from audiobook.settings import Settings

# Where packages put voices; Settings.rhvoice_voices (RHVOICE_VOICES) are looked at first.
VOICE_DIRS = (
    "/usr/share/RHVoice/voices",
    "/usr/local/share/RHVoice/voices",
    "/opt/homebrew/share/RHVoice/voices",
)
LANGUAGES = {"english": "en", "russian": "ru", "ukrainian": "uk", "esperanto": "eo"}
# Debian's packages of RHVoice voices, by language (ISO 639-1).
DEBIAN_PACKAGES = {"en": "rhvoice-english", "ru": "rhvoice-russian"}


class RhvoiceEngine(CommandLineEngine):
    """One `RHVoice-test` process per clip, text on stdin as plain text (never SSML)."""

    NAME = "rhvoice"
    PROGRAM = "RHVoice-test"
    VERSION_PATTERN = r"version:?\s*(\S+)"
    INSTALL_HINT = (
        "apt-get install rhvoice rhvoice-english (Debian non-free: add the non-free "
        "component to apt's sources first)"
    )
    RANK = 10
    SPEED = 65  # from ENGINES.md (per CPU second)
    MAX_CHARS = 500
    HANDLES_VOLUME = True

    @classmethod
    def is_installed(cls, config: Settings | None = None) -> bool:
        extra = config.rhvoice_voices if config is not None else ()
        return super().is_installed(config) and bool(voice_infos(extra))

    @functools.cache  # one engine object per process and Settings: engines.get_engine
    def version(self) -> str:
        # Voice data changes the sound as much as the program does.
        infos = voice_infos(self.config.rhvoice_voices)
        data = "".join(sorted(p.read_text("utf-8", "replace") for p in infos))
        return f"{super().version()} voices:{hashlib.sha256(data.encode()).hexdigest()[:12]}"

    def voices(self) -> list[VoiceInfo]:
        voices = {}
        for path in voice_infos(self.config.rhvoice_voices):
            info = parse_voice_info(path.read_text("utf-8", "replace"))
            name = info.get("name", path.parent.name)
            language = info.get("language", "")
            voices[name.lower()] = VoiceInfo(
                self.NAME,
                name.lower(),
                LANGUAGES.get(language.lower(), language.lower()),
                info.get("gender", "").lower() or None,
                name,
            )
        return sorted(voices.values(), key=lambda v: v.id)

    def cast_candidates(self, language: str = "en") -> list[str]:
        if language == "en":
            return ["bdl", "alan", "evgeniy-eng", "slt", "clb"]
        return [v.id for v in self.voices_for(language)]

    @classmethod
    def language_hint(cls, language: str) -> str | None:
        package = DEBIAN_PACKAGES.get(language)
        if package is None:
            return None
        return (
            f"RHVoice speaks {language_name(language)}: apt-get install rhvoice {package} "
            "(Debian non-free: add the non-free component to apt's sources first)"
        )

    def command(self, text: str, settings: VoiceSettings, out: Path) -> tuple[list[str], bytes]:
        return [
            self.PROGRAM,
            "-p",
            settings.voice,
            "-r",
            str(scaled(settings.rate, 100, 10, 300)),
            "-t",
            str(scaled(settings.pitch, 100, 10, 300)),
            "-v",
            str(scaled(settings.volume, 100, 0, 200)),
            "-o",
            str(out),
        ], text.encode("utf-8")


def voice_infos(extra_dirs: Sequence[Path] = ()) -> list[Path]:
    """The `voice.info` file of every installed RHVoice voice, in `extra_dirs` (first) and
    the folders where packages put them."""
    dirs = [*extra_dirs, *(Path(d) for d in VOICE_DIRS)]
    return sorted(p for d in dirs if d.is_dir() for p in d.glob("*/voice.info"))


def parse_voice_info(text: str) -> dict[str, str]:
    """`key=value` lines of a voice.info file."""
    pairs = (line.partition("=") for line in text.splitlines() if "=" in line)
    return {key.strip().lower(): value.strip() for key, _, value in pairs}
