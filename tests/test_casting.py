"""Casting (issue 3): cast files, automatic casting, errors that list the valid choices,
and the `voices` and `cast` commands. The lexicon itself: tests/test_lexicon.py."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiobook.casting import auto_cast, cast_to_toml, load_cast, resolve_cast, shipped_cast_for
from audiobook.cli import cli
from audiobook.engines import engine_class, get_engine
from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.engines.flite import FliteEngine
from audiobook.engines.rhvoice import RhvoiceEngine
from audiobook.errors import UserError
from audiobook.lexicon import load_lexicon
from audiobook.model import (
    NARRATOR,
    Cast,
    Chapter,
    Pauses,
    Script,
    Segment,
    SegmentKind,
    VoiceSettings,
)
from audiobook.pipeline import load_script
from audiobook.settings import Settings
from audiobook.synthesis import synthesize_texts
from tests.audio_checks import voice_difference, voice_print

VOICES = Path(__file__).resolve().parent.parent / "src" / "audiobook" / "voices"
needs_flite = pytest.mark.skipif(not FliteEngine.is_installed(), reason="no flite")


def script_with(*speakers: str) -> Script:
    segments = [Segment(s, SegmentKind.SPEECH, f"{s} speaks.") for s in [NARRATOR, *speakers]]
    chapter = Chapter(1, "1", "One", segments=tuple(segments))
    return Script("Test", None, (NARRATOR, *speakers), (chapter,))


INTERVIEW = script_with("Wells", "Stalin")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cast.toml"
    path.write_text(text, "utf-8")
    return path


# ---------------------------------------------------------------- shipped casts


@needs_flite
def test_wells_stalin_cast_gives_three_voices_and_the_lexicon():
    cast = load_cast(VOICES / "wells-stalin.toml", INTERVIEW)
    assert set(cast.voices) == {NARRATOR, "Wells", "Stalin"}
    assert len(set(cast.voices.values())) == 3
    if not RhvoiceEngine.is_installed() and not engine_class("kokoro").is_installed():
        assert cast.voices["Stalin"] == VoiceSettings("flite", "kal16", rate=0.92)
    assert cast.voices["Stalin"].rate == 0.92  # whoever speaks him, a little slower
    assert cast.lexicon == {"USSR": "U S S R"}  # the interview's own, not the memoir's


@pytest.mark.slow
@needs_flite
@pytest.mark.parametrize("draft", [False, True], ids=["best", "draft"])
def test_the_interview_cast_has_three_voices_a_listener_tells_apart(tmp_path, draft):
    """With the neural voices: hibari's heart narrates, Kokoro's jm_kumo is Stalin, flite's
    awb Wells (measured the most distinct pair of men, README "Voices"); in a draft, flite's
    three. Every pair differs in pitch or timbre more than one voice does between sentences."""
    config = Settings(draft=draft, cache_dir=tmp_path)
    cast = load_cast(VOICES / "wells-stalin.toml", INTERVIEW, config)
    neural = not draft and all(engine_class(e).is_installed() for e in ("hibari", "kokoro"))
    if neural and not RhvoiceEngine.is_installed():
        assert [cast.voices[s] for s in (NARRATOR, "Wells", "Stalin")] == [
            VoiceSettings("hibari", "heart"),
            VoiceSettings("flite", "awb"),
            VoiceSettings("kokoro", "jm_kumo", rate=0.92),
        ]
    text = (
        "I am very much obliged to you for agreeing to see me. I was in the United States "
        "recently, and I had a long conversation with President Roosevelt."
    )
    prints = {}
    for speaker, settings in cast.voices.items():
        (tmp_path / speaker).mkdir()
        prints[speaker] = voice_print(
            synthesize_texts([text], settings, tmp_path / speaker, config)
        )
    for a, b in [(NARRATOR, "Wells"), (NARRATOR, "Stalin"), ("Wells", "Stalin")]:
        difference = voice_difference(prints[a], prints[b])
        assert difference.distinct, f"{a} ({prints[a]}) and {b} ({prints[b]}): {difference}"


@needs_flite
def test_book_cast_has_one_narrator_for_everyone():
    cast = load_cast(VOICES / "book.toml", script_with("Lenin"))
    assert list(cast.voices) == [NARRATOR]
    assert cast.pauses == Pauses()


MEMOIR_TERMS = ("Ciliga", "G.P.U.", "U.S.S.R.", "Verkhne-Uralsk", "kulak", "Comintern")


@needs_flite
def test_the_memoir_cast_covers_the_memoirs_terms_and_the_shared_lexicon_none():
    """Issue 10: the seed texts' names were in the lexicon shipped for every book."""
    lexicon = load_cast(VOICES / "ciliga.toml", script_with()).lexicon
    assert all(term in lexicon for term in MEMOIR_TERMS)
    shared = load_lexicon(VOICES / "lexicon.toml")
    assert not [term for term in MEMOIR_TERMS if term in shared]


# ---------------------------------------------------------------- errors that list choices


@needs_flite
@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[voices.Lenin]\nengine = "flite"\nvoice = "rms"\n',
            "no speaker 'Lenin'; its speakers are: Narrator, Wells, Stalin",
        ),
        (
            '[voices.Wells]\nengine = "festival"\nvoice = "kal"\n',
            "unknown speech engine 'festival'; choose one of: hibari, piper, kokoro, rhvoice, flite, espeak-ng, pyttsx3",
        ),
        (
            '[voices.Wells]\nengine = "flite"\nvoice = "bdl"\n',
            r"\[voices.Wells\]: flite has no voice 'bdl'; choose one of: .*rms",
        ),
        ('[voices.Wells]\nengine = "flite"\nvoice = "rms"\nspeed = 2\n', "unknown setting 'speed'"),
        (
            '[voices.Wells]\nengine = "flite"\nvoice = "rms"\nrate = "fast"\n',
            "rate must be a number",
        ),
        ('[voices.Wells]\nengine = "flite"\nvoice = "rms"\nrate = 9\n', "rate = 9 .* out of range"),
        ('[voices.Wells]\nengine = "flite"\n', 'needs engine = "…" and voice = "…"'),
        ('[voices.Wells]\nengine = "flite"\nvoice = "rms"\nprefer = ["bdl"]\n', "engine:voice"),
        ("[pauses]\nturn_ms = -5\n[voices.Wells]\nengine = 'flite'\nvoice = 'rms'", "0 or more"),
        ("[voice.Wells]\nengine = 'flite'\nvoice = 'rms'", "unknown setting 'voice'"),
        ("[voices.Wells\n", "not valid TOML"),
    ],
)
def test_cast_mistakes_are_user_errors(tmp_path, toml, message):
    with pytest.raises(UserError, match=message):
        load_cast(write(tmp_path, toml), INTERVIEW)


@needs_flite
def test_a_preferred_engine_that_is_missing_falls_back(tmp_path, monkeypatch):
    monkeypatch.setattr(RhvoiceEngine, "is_installed", classmethod(lambda cls, config=None: False))
    toml = '[voices.Wells]\nengine = "flite"\nvoice = "awb"\nprefer = ["rhvoice:alan"]\n'
    cast = load_cast(write(tmp_path, toml), INTERVIEW)
    assert cast.voices["Wells"] == VoiceSettings("flite", "awb")


def test_a_missing_main_engine_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(RhvoiceEngine, "is_installed", classmethod(lambda cls, config=None: False))
    get_engine.cache_clear()
    toml = '[voices.Wells]\nengine = "rhvoice"\nvoice = "alan"\n'
    with pytest.raises(UserError, match="rhvoice is not installed; apt-get install rhvoice"):
        load_cast(write(tmp_path, toml), INTERVIEW)


def test_missing_cast_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="cannot read cast"):
        load_cast(tmp_path / "nope.toml", INTERVIEW)


# ---------------------------------------------------------------- automatic casting


def test_auto_cast_is_deterministic_and_every_voice_distinct():
    speakers = [f"Speaker {n}" for n in range(12)]
    script = script_with(*speakers)
    first, second = auto_cast(script), auto_cast(script)
    assert first == second
    assert list(first.voices) == [NARRATOR, *speakers]
    assert len(set(first.voices.values())) == len(first.voices)
    if EspeakNgEngine.is_installed():  # pyttsx3 on Linux would only repeat espeak-ng's voices
        assert "pyttsx3" not in {v.engine for v in first.voices.values()}


@needs_flite
def test_auto_cast_prefers_the_best_installed_engine():
    """The narrator gets the best engine's voice; the others the best distinct voices left:
    hibari's one voice, Kokoro's one man, then the best classic engine."""
    cast = auto_cast(INTERVIEW)
    classic = "rhvoice" if RhvoiceEngine.is_installed() else "flite"
    neural = [e for e in ("hibari", "kokoro") if engine_class(e).is_installed()]
    engines = [*neural, classic]
    assert [cast.voices[s].engine for s in (NARRATOR, "Wells", "Stalin")] == engines[:3] + [
        classic
    ] * (3 - len(engines[:3]))


def test_auto_cast_with_one_engine_only():
    cast = auto_cast(INTERVIEW, engine="espeak-ng")
    assert {v.engine for v in cast.voices.values()} == {"espeak-ng"}
    with pytest.raises(UserError, match="unknown speech engine 'sam'"):
        auto_cast(INTERVIEW, engine="sam")


@needs_flite
def test_a_draft_casts_only_classic_voices(tmp_path, caplog):
    """--draft: automatic casting and a cast's `prefer` skip the neural voices, so a quick
    listen takes seconds; a voice a cast names as its own is still used, with a warning."""
    draft = Settings(draft=True, cache_dir=tmp_path)
    assert all(
        not engine_class(v.engine).NEURAL
        for v in auto_cast(INTERVIEW, config=draft).voices.values()
    )
    shipped = load_cast(VOICES / "wells-stalin.toml", INTERVIEW, draft)
    assert shipped.voices[NARRATOR] == VoiceSettings("flite", "slt")
    if engine_class("hibari").is_installed():
        assert (
            load_cast(VOICES / "wells-stalin.toml", INTERVIEW).voices[NARRATOR].engine == "hibari"
        )
        own = write(tmp_path, '[voices.Narrator]\nengine = "hibari"\nvoice = "heart"\n')
        with caplog.at_level(logging.WARNING):
            assert load_cast(own, INTERVIEW, draft).voices[NARRATOR].engine == "hibari"
        assert (
            "cast.toml: [voices.Narrator] names no classic voice, only hibari:heart" in caplog.text
        )


@needs_flite
def test_cast_command_with_draft_prints_classic_voices(tmp_path):
    text = tmp_path / "play.txt"
    text.write_text("WELLS: Good morning.\n\nSTALIN: Good morning to you.\n", "utf-8")
    result = CliRunner().invoke(cli, ["cast", "--draft", str(text)])
    assert result.exit_code == 0, result.output
    engines = set(re.findall(r'engine = "([^"]+)"', result.output))
    assert engines
    assert not any(engine_class(e).NEURAL for e in engines)


@pytest.mark.parametrize("engine", [None, "espeak-ng"])
def test_auto_cast_voices_really_sound_different(tmp_path, engine):
    """Not just different names: pitch or timbre differ by more than the same voice's do on
    other sentences (audio_checks.VoiceDifference)."""
    cast = auto_cast(INTERVIEW, engine=engine)
    text = (
        "I wander around the world as a common man and observe what is going on around me. "
        "Important public men like yourself are not common men."
    )
    prints = {}
    for speaker, settings in cast.voices.items():
        folder = tmp_path / speaker
        folder.mkdir()
        prints[speaker] = voice_print(synthesize_texts([text], settings, folder))
    for a, b in [(NARRATOR, "Wells"), (NARRATOR, "Stalin"), ("Wells", "Stalin")]:
        difference = voice_difference(prints[a], prints[b])
        assert difference.distinct, f"{a} ({prints[a]}) and {b} ({prints[b]}): {difference}"


# ---------------------------------------------------------------- TOML round trip


def test_cast_to_toml_reads_back_to_the_same_cast(tmp_path):
    script = script_with('Mr "Quoted" Name', "Wells")
    cast = auto_cast(script)
    cast.lexicon.update({"G.P.U.": "G P U", 'say "this"': "that\\way"})
    cast.pauses = Pauses(turn_ms=1000)
    assert load_cast(write(tmp_path, cast_to_toml(cast)), script) == cast


# ---------------------------------------------------------------- commands


def test_voices_command_lists_voices_and_missing_engines(monkeypatch):
    monkeypatch.setattr(RhvoiceEngine, "is_installed", classmethod(lambda cls, config=None: False))
    result = CliRunner().invoke(cli, ["voices", "--language", "en"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["ENGINE", "VOICE", "LANGUAGE", "GENDER", "RATE", "SPEED", "NAME"]
    if FliteEngine.is_installed():
        assert re.search(r"^flite\s+slt\s+en-us\s+female\s+16 kHz\s+~93x", result.output, re.M)
        assert re.search(r"^flite\s+kal\s+en-us\s+male\s+8 kHz\s+~530x", result.output, re.M)
    if engine_class("hibari").is_installed():
        assert re.search(r"^hibari\s+heart\s+en-us\s+female\s+24 kHz\s+~190x", result.output, re.M)
    if engine_class("piper").is_installed():
        assert re.search(
            r"^piper\s+en_US-joe-medium\s+en-us\s+male\s+22.05 kHz", result.output, re.M
        )
    assert "rhvoice: not installed; apt-get install rhvoice rhvoice-english" in result.output
    assert "SPEED: seconds of audio per second on one core" in result.output


@needs_flite
def test_voices_measure_times_each_voice_here():
    """--measure: the rate the voice really writes at and its speed on this machine."""
    result = CliRunner().invoke(cli, ["voices", "--engine", "flite", "--measure"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line for line in result.output.splitlines()[1:]}
    assert re.search(r"\s8 kHz\s+\d+x\s*$", rows["kal"])  # measured: no ~
    speed = float(re.search(r"16 kHz\s+(\d+)x", rows["awb"]).group(1))
    assert speed > 5, "flite speaks far faster than real time"
    assert "SPEED: seconds" not in result.output


def test_voices_command_unknown_engine_is_a_user_error():
    result = CliRunner().invoke(cli, ["voices", "--engine", "sam"])
    assert isinstance(result.exception, UserError)


def test_cast_command_prints_a_cast_that_loads_back(tmp_path, interview_path):
    from audiobook.pipeline import load_script

    result = CliRunner().invoke(cli, ["cast", str(interview_path)])
    assert result.exit_code == 0, result.output
    script = load_script(interview_path)
    cast = load_cast(write(tmp_path, result.output), script)
    assert cast == resolve_cast(script, None, None)


def test_the_shipped_cast_is_chosen_for_its_speakers(interview_script, memoir_script):
    assert shipped_cast_for(interview_script) == VOICES / "wells-stalin.toml"
    assert shipped_cast_for(memoir_script) == VOICES / "ciliga.toml"  # its [book] names it
    assert shipped_cast_for(script_with()) == VOICES / "book.toml"  # any other book
    example = load_script(None)
    assert shipped_cast_for(example) is None
    assert "Ciliga" not in auto_cast(example).lexicon


def test_the_memoir_keeps_its_pronunciations_whoever_reads_it(memoir_script):
    """Issue 10: moved out of the shared lexicon, the memoir's words still reach its audio,
    with its own cast or with voices cast afresh (--engine)."""
    for engine in (None, "espeak-ng"):
        lexicon = resolve_cast(memoir_script, None, engine).lexicon
        assert lexicon["Ciliga"] == "Tseeliga"
        assert lexicon["Verkhne-Uralsk"] == "Verkhnyeh Ooralsk"


def test_the_cast_command_offers_no_other_books_words(tmp_path):
    """Issue 10: `audiobook cast` on any text listed Ciliga, Zinoviev, G.P.U. …"""
    from tests.conftest import run_cli

    text = tmp_path / "garden.txt"
    text.write_text("The Garden\n\nThe roses came out early that year, and the bees with them.\n")
    result = run_cli("cast", str(text))
    assert result.returncode == 0, result.stderr
    assert "[voices.Narrator]" in result.stdout
    assert not [term for term in MEMOIR_TERMS if term in result.stdout]


@needs_flite
def test_cast_command_checks_a_cast_file(interview_path):
    result = CliRunner().invoke(
        cli, ["cast", str(interview_path), "--cast", str(VOICES / "wells-stalin.toml")]
    )
    assert result.exit_code == 0, result.output
    assert 'USSR = "U S S R"' in result.output
    assert "Verkhne-Uralsk" not in result.output


def test_cast_objects_compare_by_value():
    assert Cast({NARRATOR: VoiceSettings("flite", "rms")}) == Cast(
        {NARRATOR: VoiceSettings("flite", "rms")}
    )


# ---------------------------------------------------------------- installed, not editable

REPO = Path(__file__).resolve().parent.parent
INSTALLED_CHECK = """
import audiobook, json
from audiobook.casting import shipped_cast_for
from audiobook.model import NARRATOR, Chapter, Script, Segment, SegmentKind
from audiobook.settings import Settings

def script(author, *speakers):
    segments = [Segment(s, SegmentKind.SPEECH, "Hello.") for s in [NARRATOR, *speakers]]
    chapter = Chapter(1, "1", "One", segments=tuple(segments))
    return Script("A Book", author, (NARRATOR, *speakers), (chapter,))

print(json.dumps({
    "package": audiobook.__file__,
    "voices": str(Settings().voices_dir),
    "interview": shipped_cast_for(script(None, "Wells", "Stalin")).name,
    "memoir": shipped_cast_for(script("A. Ciliga")).name,
    "book": shipped_cast_for(script("Someone Else")).name,
}))
"""


def test_an_installed_copy_has_the_shipped_casts_and_lexicon(tmp_path):
    """Issue 10: voices/ sat beside the package, so `pip install .` (not editable) lost the
    casts and the lexicon. Built as a wheel and installed into a folder of its own."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "README.md"):
        (project / name).write_bytes((REPO / name).read_bytes())
    shutil.copytree(
        REPO / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    wheel = subprocess.run(
        [*pip, "wheel", "--no-deps", str(project), "-w", str(tmp_path / "wheel")],
        capture_output=True,
        text=True,
        cwd=project,
    )
    if wheel.returncode != 0:  # pip fetches setuptools to build: offline, there is none
        pytest.skip(f"cannot build a wheel here: {wheel.stderr.strip().splitlines()[-1:]}")
    [built] = (tmp_path / "wheel").glob("audiobook-*.whl")
    target = tmp_path / "installed"
    install = [*pip, "install", "--no-deps", "--no-index", "--target", str(target), str(built)]
    subprocess.run(install, check=True)
    env = {k: v for k, v in os.environ.items() if k != "AUDIOBOOK_VOICES"}
    result = subprocess.run(
        [sys.executable, "-c", INSTALLED_CHECK],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(target)},
        check=True,
    )
    found = json.loads(result.stdout)
    assert found["package"] == str(target / "audiobook" / "__init__.py")
    assert found["voices"] == str(target / "audiobook" / "voices")
    assert sorted(p.name for p in Path(found["voices"]).glob("*.toml")) == [
        "book.toml",
        "ciliga.toml",
        "lexicon.toml",
        "wells-stalin.toml",
    ]
    assert (found["interview"], found["memoir"], found["book"]) == (
        "wells-stalin.toml",
        "ciliga.toml",
        "book.toml",
    )
