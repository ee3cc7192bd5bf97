"""Language codes: ISO 639-1 to match voices, BCP 47 for EPUB and DAISY, ISO 639-2 for tags.

A script's language may arrive as "de", "de-DE", "de_DE", "deu", "ger" or "German"; every
stage that compares languages first reduces it with `language_code`.
"""

from __future__ import annotations

import re

# ISO 639-1 -> (ISO 639-2/T, English name) for the languages the engines here speak most.
# 639-2/T equals ISO 639-3 for all of these, which is what ID3 TLAN, MP4 and tag editors use.
LANGUAGES = {
    "af": ("afr", "Afrikaans"),
    "ar": ("ara", "Arabic"),
    "bg": ("bul", "Bulgarian"),
    "ca": ("cat", "Catalan"),
    "cs": ("ces", "Czech"),
    "cy": ("cym", "Welsh"),
    "da": ("dan", "Danish"),
    "de": ("deu", "German"),
    "el": ("ell", "Greek"),
    "en": ("eng", "English"),
    "eo": ("epo", "Esperanto"),
    "es": ("spa", "Spanish"),
    "et": ("est", "Estonian"),
    "eu": ("eus", "Basque"),
    "fa": ("fas", "Persian"),
    "fi": ("fin", "Finnish"),
    "fr": ("fra", "French"),
    "ga": ("gle", "Irish"),
    "he": ("heb", "Hebrew"),
    "hi": ("hin", "Hindi"),
    "hr": ("hrv", "Croatian"),
    "hu": ("hun", "Hungarian"),
    "hy": ("hye", "Armenian"),
    "id": ("ind", "Indonesian"),
    "is": ("isl", "Icelandic"),
    "it": ("ita", "Italian"),
    "ja": ("jpn", "Japanese"),
    "ka": ("kat", "Georgian"),
    "ko": ("kor", "Korean"),
    "la": ("lat", "Latin"),
    "lt": ("lit", "Lithuanian"),
    "lv": ("lav", "Latvian"),
    "mk": ("mkd", "Macedonian"),
    "ms": ("msa", "Malay"),
    "nb": ("nob", "Norwegian Bokmål"),
    "nl": ("nld", "Dutch"),
    "no": ("nor", "Norwegian"),
    "pl": ("pol", "Polish"),
    "pt": ("por", "Portuguese"),
    "ro": ("ron", "Romanian"),
    "ru": ("rus", "Russian"),
    "sk": ("slk", "Slovak"),
    "sl": ("slv", "Slovenian"),
    "sq": ("sqi", "Albanian"),
    "sr": ("srp", "Serbian"),
    "sv": ("swe", "Swedish"),
    "sw": ("swa", "Swahili"),
    "tr": ("tur", "Turkish"),
    "uk": ("ukr", "Ukrainian"),
    "vi": ("vie", "Vietnamese"),
    "yi": ("yid", "Yiddish"),
    "zh": ("zho", "Chinese"),
}
# ISO 639-2/B codes that differ from the /T ones above (library catalogues use these).
BIBLIOGRAPHIC = {
    "alb": "sq",
    "arm": "hy",
    "baq": "eu",
    "chi": "zh",
    "cze": "cs",
    "dut": "nl",
    "fre": "fr",
    "geo": "ka",
    "ger": "de",
    "gre": "el",
    "ice": "is",
    "mac": "mk",
    "may": "ms",
    "per": "fa",
    "rum": "ro",
    "slo": "sk",
    "wel": "cy",
}
_BY_THREE_LETTERS = {three: two for two, (three, _) in LANGUAGES.items()} | BIBLIOGRAPHIC
_BY_NAME = {name.lower(): two for two, (_, name) in LANGUAGES.items()}
UNDETERMINED = "und"  # ISO 639-2 for "language not known"


def language_code(tag: str) -> str:
    """The ISO 639-1 code of a language tag ("de-DE", "deu", "ger", "German" -> "de").

    A language without a two-letter code keeps its primary subtag in lower case ("yue").
    """
    text = tag.strip().lower()
    if text in _BY_NAME:
        return _BY_NAME[text]
    primary = re.split(r"[-_]", text, maxsplit=1)[0]
    return _BY_THREE_LETTERS.get(primary, primary)


def language_tag(tag: str) -> str:
    """The tag as BCP 47 wants it (EPUB, DAISY, xml:lang): "deu_AT" -> "de-AT", "" -> "en"."""
    if not tag.strip():
        return "en"
    if tag.strip().lower() in _BY_NAME:
        return language_code(tag)
    rest = re.split(r"[-_]", tag.strip())[1:]
    return "-".join([language_code(tag), *rest])


def iso639_2(tag: str) -> str:
    """The ISO 639-2/T code (ID3 TLAN, MP4, Vorbis LANGUAGE): "de" -> "deu"; else "und"."""
    code = language_code(tag)
    if code in LANGUAGES:
        return LANGUAGES[code][0]
    return code if len(code) == 3 and code.isalpha() else UNDETERMINED


def language_name(tag: str) -> str:
    """The language's English name for messages ("German"), or its code when not listed."""
    code = language_code(tag)
    return LANGUAGES[code][1] if code in LANGUAGES else code
