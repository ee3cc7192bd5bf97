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
from audiobook.language_codes import language_name
from audiobook.model import VoiceSettings

NORMAL_WPM = 175  # espeak-ng's default speed
NORMAL_PITCH = 50  # -p 0..99
NORMAL_AMPLITUDE = 100  # -a 0..200
GENDERS = {"M": "male", "F": "female"}
# espeak-ng's named variants (espeak-ng-data/voices/!v), by how they sound
VARIANT_GENDERS = {
    "steph": "female", "Annie": "female", "anika": "female", "anikaRobot": "female",
    "belinda": "female", "linda": "female", "shelby": "female", "victoria": "female",
    "Andy": "male", "iven": "male", "michel": "male", "Mario": "male", "max": "male",
    "Lee": "male", "john": "male", "robert": "male", "norbert": "male", "klatt": "male",
}  # fmt: skip
PROBE_TEXT = "Testing the voice."
# Automatic casting in English: accent plus variant. The plain accents share one ~100 Hz
# timbre; these differ pairwise by at least 10 % in median pitch or 4.3 dB in spectral
# envelope on the same sentences (tests/audio_checks.voice_print), so they sound like
# different people. en-gb-x-rp+m7 and en-us+michel, or en-us and en-gb-scotland+m2, do not.
ENGLISH_CAST_VOICES = (
    "en-us",
    "en-gb-scotland+Andy",
    "en-gb-scotland+m8",
    "en-029+iven",
    "en-us+michel",
)
# Other languages have one voice each: the variants make the people, every pair as distinct
# as the English ones (measured in de, fr, es and ru). German: plain 100 Hz, +f5 194 Hz,
# +m8 85 Hz, +f1 171 Hz, +iven 100 Hz but 6 dB apart in timbre, then +michel, +Andy, +steph.
CAST_VARIANTS = ("", "+f5", "+m8", "+f1", "+iven", "+michel", "+Andy", "+steph")
# Languages espeak-ng 1.51 speaks (`espeak-ng --voices`, primary subtags), for saying what to
# install where it is missing. ISO 639-1 where there is a code; zh and no select cmn and nb.
SPOKEN_LANGUAGES = frozenset(
    """af am an ar as az ba be bg bn bpy bs ca chr cmn cs cv cy da de el en eo es et eu fa fi
    fr ga gd gn grc gu hak haw he hi hr ht hu hy hyw ia id io is it ja jbo ka kk kl kn ko kok
    ku ky la lb lfn lt ltg lv mi mk ml mr ms mt my nb nci ne nl no nog om or pa pap piqd pl pt
    py qdb qu quc qya ro ru sd shn si sjn sk sl smj sq sr sv sw ta te th tk tn tr tt ug uk ur
    uz vi yue zh""".split()
)


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
    SAMPLE_RATE_HZ = 22050
    SPEED = 540

    @functools.cache  # one engine object per process: engines.get_engine
    def voices(self) -> list[VoiceInfo]:
        return parse_voice_list(self._listing(""), with_mbrola=_has_mbrola())

    @functools.cache
    def voices_for(self, language: str) -> list[VoiceInfo]:
        """The voices espeak-ng itself offers for `language`, its first choice first."""
        if not language:
            return []
        rows = parse_voice_rows(self._listing(language), with_mbrola=_has_mbrola())
        return [info for info, _ in rows]

    @functools.cache
    def file_names(self) -> dict[str, str]:
        """Voice ids by the name of their voice file, where the two differ ("fr": "fr-fr").

        `-v NAME` looks for a voice file called NAME first and only then for a language, and
        only the first way keeps a variant: `fr+f3` is French with variant f3, `fr-fr+f3`
        is plain French. So a voice may also be named by its file, and casting does that.
        """
        rows = parse_voice_rows(self._listing(""), with_mbrola=False)
        ids = {info.id for info, _ in rows}
        names = {_file_name(file): info.id for info, file in rows}
        return {name: voice for name, voice in names.items() if name not in ids}

    def _listing(self, language: str) -> str:
        option = f"--voices={language}" if language else "--voices"
        return processes.run([self.PROGRAM, option]).stdout.decode("utf-8", "replace")

    @functools.cache
    def variants(self) -> list[str]:
        """Voice variants (`+m3`, `+f2`, `+klatt` …) that can follow a voice id."""
        out = processes.run([self.PROGRAM, "--voices=variant"]).stdout.decode("utf-8", "replace")
        return [line.split()[4].removeprefix("!v/") for line in out.splitlines()[1:] if line]

    def cast_candidates(self, language: str = "en") -> list[str]:
        if language == "en":
            return list(ENGLISH_CAST_VOICES)
        # espeak-ng's own first choice; MBROLA voices need a data package each and ignore
        # variants. Named by its file (see file_names), so that the variants are heard.
        rows = parse_voice_rows(self._listing(language), with_mbrola=False)
        if not rows:
            return []
        info, file = rows[0]
        base = _file_name(file) if _file_name(file) in self.file_names() else info.id
        return [base + variant for variant in CAST_VARIANTS]

    def voice_gender(self, voice: str) -> str | None:
        """A variant decides: "+f5" and "+steph" are women, "+m8", "+Andy" men; espeak-ng's
        own voices without one are men."""
        base, _, variant = voice.partition("+")
        if variant:
            return VARIANT_GENDERS.get(variant) or GENDERS.get(variant[:1].upper())
        return super().voice_gender(base) or "male"

    def speaks(self, voice: str, language: str) -> bool | None:
        base = voice.partition("+")[0]
        base = self.file_names().get(base, base)
        if base not in {v.id for v in self.voices()}:
            return None
        return base in {v.id for v in self.voices_for(language)}

    @classmethod
    def language_hint(cls, language: str) -> str | None:
        if language not in SPOKEN_LANGUAGES or cls.is_installed():
            return None
        return f"espeak-ng speaks {language_name(language)}: {cls.INSTALL_HINT}"

    def check(self, settings: VoiceSettings) -> None:
        check_ranges(settings)
        base, _, variant = settings.voice.partition("+")
        known = {v.id for v in self.voices()}
        if base not in known and base not in self.file_names():
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
    rows = parse_voice_rows(listing, with_mbrola=with_mbrola)
    return sorted((info for info, _ in rows), key=lambda v: v.id)


def parse_voice_rows(listing: str, *, with_mbrola: bool) -> list[tuple[VoiceInfo, str]]:
    """Voices and their voice files from `espeak-ng --voices[=LANGUAGE]`, in listed order."""
    voices: dict[str, tuple[VoiceInfo, str]] = {}
    for line in listing.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 5:
            continue
        language, age_gender, name, file = fields[1], fields[2], fields[3], fields[4]
        if (file.startswith("mb/") and not with_mbrola) or file.startswith("!v/"):
            continue
        if language in voices:  # the first listed is the one `-v language` selects
            continue
        gender = GENDERS.get(age_gender.rpartition("/")[2])
        info = VoiceInfo("espeak-ng", language, language, gender, name.replace("_", " "))
        voices[language] = (info, file)
    return list(voices.values())


def _file_name(file: str) -> str:
    """`gmw/en-US` -> `en-us`: what `-v` matches a voice file by."""
    return file.rpartition("/")[2].lower()


def _has_mbrola() -> bool:
    return shutil.which("mbrola") is not None
