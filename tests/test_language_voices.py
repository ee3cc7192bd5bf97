"""Voices that speak the script's language, and the language in every output (issue 9: a German
text was read by an English voice, without a word)."""

from __future__ import annotations

import itertools
import json
import logging
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import mutagen
import pytest

from audiobook import ffmpeg
from audiobook.build import BuildOptions, build_book
from audiobook.casting import auto_cast, cast_to_toml, load_cast, shipped_cast_for
from audiobook.engines import get_engine
from audiobook.engines.espeak_ng import CAST_VARIANTS, ENGLISH_CAST_VOICES, EspeakNgEngine
from audiobook.engines.flite import FliteEngine
from audiobook.engines.pyttsx3 import Pyttsx3Engine
from audiobook.errors import UserError
from audiobook.language_codes import iso639_2, language_code, language_tag
from audiobook.model import NARRATOR, Chapter, Script, Segment, SegmentKind, VoiceSettings
from audiobook.settings import Settings
from audiobook.synthesis import synthesize_texts
from tests.audio_checks import voice_difference, voice_print
from tests.audio_fakes import fake_cast, fake_synthesize, tiny_script

VOICES = Path(__file__).resolve().parent.parent / "src" / "audiobook" / "voices"
needs_espeak = pytest.mark.skipif(not EspeakNgEngine.is_installed(), reason="no espeak-ng")
needs_flite = pytest.mark.skipif(not FliteEngine.is_installed(), reason="no flite")

GERMAN = (
    "Ich wandere als gewöhnlicher Mensch durch die Welt und beobachte, was um mich herum "
    "geschieht. Wichtige Männer wie Sie sind keine gewöhnlichen Menschen."
)


def script_in(language: str, *speakers: str) -> Script:
    segments = [Segment(NARRATOR, SegmentKind.SPEECH, "Erstes Kapitel. Ein Gespräch.")]
    segments += [Segment(s, SegmentKind.SPEECH, f"Guten Tag, ich heiße {s}.") for s in speakers]
    chapter = Chapter(1, "1", "Erstes Kapitel", segments=tuple(segments))
    speakers_all = [NARRATOR, *speakers]
    return Script(
        "Ein Gespräch", "Anna Beispiel", tuple(speakers_all), (chapter,), language=language
    )


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


# ---------------------------------------------------------------- language codes


@pytest.mark.parametrize(
    ("tag", "code", "iso2", "bcp47"),
    [
        ("de", "de", "deu", "de"),
        ("de-DE", "de", "deu", "de-DE"),
        ("de_AT", "de", "deu", "de-AT"),
        ("deu", "de", "deu", "de"),
        ("ger", "de", "deu", "de"),
        ("German", "de", "deu", "de"),
        ("fr-fr", "fr", "fra", "fr-fr"),
        ("en-us", "en", "eng", "en-us"),
        ("EN", "en", "eng", "en"),
        ("pt-BR", "pt", "por", "pt-BR"),
        ("zh", "zh", "zho", "zh"),
        ("yue", "yue", "yue", "yue"),  # no two-letter code: kept
        ("xx", "xx", "und", "xx"),
        ("", "", "und", "en"),
    ],
)
def test_language_codes(tag: str, code: str, iso2: str, bcp47: str) -> None:
    assert (language_code(tag), iso639_2(tag), language_tag(tag)) == (code, iso2, bcp47)


# ---------------------------------------------------------------- casting


@needs_espeak
@pytest.mark.parametrize("language", ["de", "de-DE", "deu"])
def test_a_german_script_gets_german_voices_one_per_speaker(language: str, caplog) -> None:
    cast = auto_cast(script_in(language, "Anna", "Bernd", "Clara"))
    assert list(cast.voices.values()) == [
        VoiceSettings("espeak-ng", voice) for voice in ("de", "de+f5", "de+m8", "de+f1")
    ]
    espeak = get_engine("espeak-ng")
    assert all(espeak.speaks(v.voice, "de") for v in cast.voices.values())
    assert cast.lexicon == {}  # the shipped lexicon respells for English voices only
    assert warnings_of(caplog) == []


ENGLISH = (
    "I wander around the world as a common man and observe what is going on around me. "
    "Important public men like yourself are not common men."
)


@needs_espeak
@pytest.mark.parametrize(
    ("voices", "text"),
    [
        (ENGLISH_CAST_VOICES, ENGLISH),
        (tuple("de" + variant for variant in CAST_VARIANTS), GERMAN),
    ],
    ids=["english", "german"],
)
def test_every_pair_of_espeak_cast_voices_sounds_different(
    tmp_path: Path, voices: tuple[str, ...], text: str
) -> None:
    """Issue 11: all the voices automatic casting takes from espeak-ng, pair by pair, not
    only the first few a test script needs."""
    prints = {}
    for voice in voices:
        (tmp_path / voice).mkdir()
        settings = VoiceSettings("espeak-ng", voice)
        prints[voice] = voice_print(synthesize_texts([text], settings, tmp_path / voice))
    for a, b in itertools.combinations(voices, 2):
        difference = voice_difference(prints[a], prints[b])
        assert difference.distinct, f"{a} ({prints[a]}) and {b} ({prints[b]}): {difference}"


@needs_espeak
def test_the_german_voices_really_sound_different(tmp_path: Path) -> None:
    """Variants, not names: every pair differs in median pitch or in timbre by more than the
    same voice does on other sentences (audio_checks.VoiceDifference)."""
    cast = auto_cast(script_in("de", "Anna", "Bernd", "Clara"))
    prints = {}
    for speaker, settings in cast.voices.items():
        folder = tmp_path / speaker
        folder.mkdir()
        prints[speaker] = voice_print(synthesize_texts([GERMAN], settings, folder))
    pairs = [(a, b) for a in prints for b in prints if a < b]
    assert len(pairs) == 6
    for a, b in pairs:
        difference = voice_difference(prints[a], prints[b])
        assert difference.distinct, f"{a} ({prints[a]}) and {b} ({prints[b]}): {difference}"
    assert prints["Anna"].pitch_hz > 1.5 * prints[NARRATOR].pitch_hz  # +f5: a woman's pitch


@needs_espeak
def test_more_german_speakers_than_variants_still_differ_in_pitch() -> None:
    speakers = [f"Person {n}" for n in range(12)]
    cast = auto_cast(script_in("de", *speakers))
    assert len(set(cast.voices.values())) == 13
    assert {v.voice.partition("+")[0] for v in cast.voices.values()} == {"de"}


@needs_espeak
def test_french_variants_are_put_on_the_voice_file_name(tmp_path: Path) -> None:
    """espeak-ng drops a variant given after `fr-fr`, but keeps it after `fr`, its file."""
    cast = auto_cast(script_in("fr", "Anne"))
    assert [v.voice for v in cast.voices.values()] == ["fr", "fr+f5"]
    espeak = get_engine("espeak-ng")
    with pytest.raises(UserError, match=r"ignores the variant \+f5 on 'fr-fr'"):
        espeak.check(VoiceSettings("espeak-ng", "fr-fr+f5"))
    assert espeak.speaks("fr+f5", "fr")
    assert not espeak.speaks("fr+f5", "de")


@needs_espeak
def test_a_cast_in_german_reads_back_without_a_warning(tmp_path: Path, caplog) -> None:
    script = script_in("de", "Anna")
    cast = auto_cast(script)
    path = tmp_path / "cast.toml"
    path.write_text(cast_to_toml(cast), "utf-8")
    assert load_cast(path, script) == cast
    assert warnings_of(caplog) == []


@pytest.mark.parametrize("language", ["xx", "tlh"])
def test_a_language_no_engine_speaks_warns_once_and_casts_english(language: str, caplog) -> None:
    script = script_in(language, "Anna")
    cast = auto_cast(script)
    assert cast == auto_cast(replace(script, language="en"))
    [warning] = warnings_of(caplog)
    assert f"the text is in {language}," in warning
    assert "read by an English voice" in warning
    assert "None of the engines this program uses" in warning


def test_without_espeak_the_warning_says_to_install_it(caplog, monkeypatch) -> None:
    # pyttsx3 on Linux speaks through libespeak: a machine without espeak has neither.
    monkeypatch.setattr(EspeakNgEngine, "is_installed", classmethod(lambda cls, config=None: False))
    monkeypatch.setattr(Pyttsx3Engine, "is_installed", classmethod(lambda cls, config=None: False))
    get_engine.cache_clear()
    try:
        cast = auto_cast(script_in("de", "Anna"))
    except UserError:  # nothing else installed here: no cast at all, but still the warning
        cast = None
    finally:
        get_engine.cache_clear()
    [warning] = warnings_of(caplog)
    assert "the text is in German (de)" in warning
    assert "espeak-ng speaks German: apt-get install espeak-ng" in warning
    assert cast is None or all(v.engine != "espeak-ng" for v in cast.voices.values())


@needs_espeak
@needs_flite
def test_an_engine_without_the_language_names_one_that_has_it(caplog) -> None:
    cast = auto_cast(script_in("de", "Anna"), engine="flite")
    assert {v.engine for v in cast.voices.values()} == {"flite"}
    [warning] = warnings_of(caplog)
    assert "German (de), but flite has no voice for it" in warning
    assert "use --engine espeak-ng" in warning


@needs_espeak
@needs_flite
def test_shipped_english_casts_are_not_chosen_for_german(caplog) -> None:
    assert shipped_cast_for(script_in("en")) == VOICES / "book.toml"
    assert shipped_cast_for(script_in("de")) is None
    assert warnings_of(caplog) == []


@needs_espeak
@needs_flite
def test_an_english_cast_given_for_german_is_used_with_one_warning(caplog) -> None:
    script = script_in("de")
    cast = load_cast(VOICES / "book.toml", script)
    assert cast.voices[NARRATOR].engine in {"flite", "rhvoice", "hibari"}  # as the file says
    [warning] = warnings_of(caplog)
    assert re.search(
        r"book\.toml: the text is in German \(de\), but the voices for Narrator", warning
    )
    assert "`audiobook voices --language de` lists voices that do" in warning


# ---------------------------------------------------------------- outputs


@needs_espeak
def test_a_german_build_carries_the_language_in_every_output(tmp_path: Path) -> None:
    """Real German voices; ID3 TLAN and MP4 want ISO 639-2 ("deu"), EPUB and DAISY BCP 47."""
    script = script_in("de", "Anna")
    cast = auto_cast(script)
    options = BuildOptions(
        out_dir=tmp_path / "out",
        formats="mp3,m4b,opus,m3u8,epub,daisy",
        config=Settings(cache_dir=tmp_path / "c"),
    )
    folder = build_book(script, cast, options).folder

    [mp3] = folder.glob("*.mp3")
    assert str(mutagen.File(mp3).tags["TLAN"]) == "deu"
    [opus] = folder.glob("*.opus")
    assert mutagen.File(opus).tags["LANGUAGE"] == ["deu"]
    [m4b] = folder.glob("*.m4b")
    assert ffmpeg.probe(m4b)["streams"][0]["tags"]["language"] == "deu"
    assert mutagen.File(m4b).tags["----:com.apple.iTunes:LANGUAGE"] == [b"deu"]
    assert json.loads((folder / "metadata.json").read_text("utf-8"))["language"] == "de"
    [epub] = folder.glob("*.epub")
    with zipfile.ZipFile(epub) as archive:
        assert "<dc:language>de</dc:language>" in archive.read("EPUB/package.opf").decode()
    [ncc] = folder.glob("*/ncc.html")
    assert re.search(r'<meta name="dc:language" content="de"', ncc.read_text("utf-8"))


def test_an_english_build_is_tagged_eng_not_en(tmp_path: Path) -> None:
    """ID3 TLAN holds ISO 639-2; fake clips are enough for the tags."""
    script = tiny_script()
    assert script.language == "en"
    options = BuildOptions(
        out_dir=tmp_path / "out", formats="mp3,opus", config=Settings(cache_dir=tmp_path / "c")
    )
    folder = build_book(script, fake_cast(script), options, synthesize=fake_synthesize).folder
    mp3s = sorted(folder.glob("*.mp3"))
    assert mp3s
    for mp3 in mp3s:
        assert str(mutagen.File(mp3).tags["TLAN"]) == "eng"
    for opus in folder.glob("*.opus"):
        assert mutagen.File(opus).tags["LANGUAGE"] == ["eng"]
