"""eSpeak NG through its command line: fast (about 1,100x real time), robotic, many accents."""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

from audiobook import processes
from audiobook.engines.base import (
    CommandLineEngine,
    VoiceInfo,
    check_ranges,
    scaled,
    unknown_voice_error,
)
from audiobook.errors import UserError
from audiobook.model import VoiceSettings

NORMAL_WPM = 175  # espeak-ng's default speed
NORMAL_PITCH = 50  # -p 0..99
NORMAL_AMPLITUDE = 100  # -a 0..200
GENDERS = {"M": "male", "F": "female"}
PROBE_TEXT = "Testing the voice."


class EspeakNgEngine(CommandLineEngine):
    """One espeak-ng process per clip: each clip is then byte-for-byte reproducible.

    Several clips through one process (`--stdin` line by line) would save about 6 ms each,
    but libespeak carries state from one utterance to the next, so a clip's audio would
    depend on its neighbours and a parallel run would not equal a serial one. Clips are
    sentence groups of up to MAX_CHARS, so the per-process cost stays small beside the
    synthesis itself.
    """

    NAME = "espeak-ng"
    PROGRAM = "espeak-ng"
    VERSION_PATTERN = r"text-to-speech:\s*(\S+)"
    INSTALL_HINT = "apt-get install espeak-ng (Debian/Ubuntu), brew install espeak-ng (macOS)"
    RANK = 30
    MAX_CHARS = 600
    HANDLES_VOLUME = True

    @functools.cache  # one engine object per process: engines.get_engine
    def voices(self) -> list[VoiceInfo]:
        out = processes.run([self.PROGRAM, "--voices"]).stdout.decode("utf-8", "replace")
        return parse_voice_list(out, with_mbrola=shutil.which("mbrola") is not None)

    @functools.cache
    def variants(self) -> list[str]:
        """Voice variants (`+m3`, `+f2`, `+klatt` …) that can follow a voice id."""
        out = processes.run([self.PROGRAM, "--voices=variant"]).stdout.decode("utf-8", "replace")
        return [line.split()[4].removeprefix("!v/") for line in out.splitlines()[1:] if line]

    def cast_candidates(self) -> list[str]:
        # Accent plus variant: the plain accents all share one ~100 Hz timbre, the variants
        # change pitch and spectrum, so these sound like different people.
        return [
            "en-us",
            "en-gb-x-rp+m7",
            "en-gb-scotland+m2",
            "en-us+klatt",
            "en+f3",
            "en-029+m3",
        ]

    def check(self, settings: VoiceSettings) -> None:
        check_ranges(settings)
        base, _, variant = settings.voice.partition("+")
        known = {v.id for v in self.voices()}
        if base not in known:
            raise unknown_voice_error(self.NAME, settings.voice, sorted(known))
        if variant:
            if variant not in self.variants():
                raise UserError(
                    f"espeak-ng has no voice variant {variant!r}; choose one of: "
                    + ", ".join(self.variants())
                )
            self._check_variant_is_used(base, variant)

    @functools.cache
    def _check_variant_is_used(self, base: str, variant: str) -> None:
        """espeak-ng ignores a variant on some voices (`en-gb+m3` is plain `en-gb`): refuse."""
        plain = self._speak_to_bytes(PROBE_TEXT, base)
        varied = self._speak_to_bytes(PROBE_TEXT, f"{base}+{variant}")
        if plain == varied:
            raise UserError(
                f"espeak-ng ignores the variant +{variant} on {base!r} and would speak plain "
                f"{base}; put it on another voice, e.g. en+{variant}, en-us+{variant} or "
                f"en-gb-x-rp+{variant}"
            )

    def _speak_to_bytes(self, text: str, voice: str) -> bytes:
        args = [self.PROGRAM, "-v", voice, "--stdout", "-z", "--stdin"]
        return processes.run(args, input_bytes=text.encode("utf-8")).stdout

    def command(self, text: str, settings: VoiceSettings, out: Path) -> tuple[list[str], bytes]:
        return [
            self.PROGRAM,
            "-v",
            settings.voice,
            "-s",
            str(scaled(settings.rate, NORMAL_WPM, 80, 500)),
            "-p",
            str(scaled(settings.pitch, NORMAL_PITCH, 0, 99)),
            "-a",
            str(scaled(settings.volume, NORMAL_AMPLITUDE, 0, 200)),
            "-z",  # no pause after the last sentence: the stitcher adds its own
            "-w",
            str(out),
            "--stdin",
        ], as_plain_text(text).encode("utf-8")


def as_plain_text(text: str) -> str:
    """Text espeak-ng speaks as written, never as phoneme input.

    The command line always interprets `[[...]]` as phoneme mnemonics (SSML only with -m,
    which is never passed). Brackets are not spoken anyway, so `[[` becomes `[ [`.
    """
    return re.sub(r"\[(?=\[)", "[ ", text)


def parse_voice_list(listing: str, *, with_mbrola: bool) -> list[VoiceInfo]:
    """Voices from `espeak-ng --voices`, without MBROLA ones when MBROLA is not installed."""
    voices: dict[str, VoiceInfo] = {}
    for line in listing.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 5:
            continue
        language, age_gender, name, file = fields[1], fields[2], fields[3], fields[4]
        if file.startswith("mb/") and not with_mbrola:
            continue
        if language in voices:  # the first listed is the one `-v language` selects
            continue
        gender = GENDERS.get(age_gender.rpartition("/")[2])
        voices[language] = VoiceInfo(
            "espeak-ng", language, language, gender, name.replace("_", " ")
        )
    return sorted(voices.values(), key=lambda v: v.id)
