"""Speech engines (issue 3): real synthesis with every engine installed here, their traps,
and the conversion of their output to the one clip format."""

from __future__ import annotations

import array
import hashlib
import itertools
import math
import os
import random
import stat
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import pytest

from audiobook.engines import ENGINES, get_engine
from audiobook.engines.audio import to_clip_rate, to_clips, trim_silence, wav_duration_s
from audiobook.engines.espeak_ng import EspeakNgEngine, as_plain_text
from audiobook.engines.flite import FliteEngine
from audiobook.engines.pyttsx3 import Pyttsx3Engine
from audiobook.engines.pyttsx3_worker import fix_header_rate
from audiobook.engines.rhvoice import RhvoiceEngine, parse_voice_info
from audiobook.errors import AudiobookError, UserError
from audiobook.model import AUDIO_SAMPLE_RATE_HZ, VoiceSettings
from audiobook.saying import spoken_form
from audiobook.settings import Settings
from audiobook.synthesis import segment_chunks, synthesize_texts
from tests.audio_checks import (
    assert_speech,
    median_pitch_hz,
    rms,
    samples,
    voice_difference,
    voice_print,
)

FOX = "The quick brown fox jumps over the lazy dog."
WELLS = (
    "I am very much obliged to you, Mr Stalin, for agreeing to see me. "
    "I was in the United States recently."
)

needs_espeak = pytest.mark.skipif(not EspeakNgEngine.is_installed(), reason="no espeak-ng")
needs_flite = pytest.mark.skipif(not FliteEngine.is_installed(), reason="no flite")


def pyttsx3_works() -> bool:
    if not Pyttsx3Engine.is_installed():
        return False
    try:
        get_engine("pyttsx3").describe()
    except AudiobookError:
        return False
    return True


needs_pyttsx3 = pytest.mark.skipif(not pyttsx3_works(), reason="pyttsx3 cannot run here")


def speak(
    tmp_path: Path, settings: VoiceSettings, *texts: str, config: Settings | None = None
) -> list[Path]:
    get_engine(settings.engine, config).check(settings)
    return synthesize_texts(list(texts), settings, tmp_path, config)


# ---------------------------------------------------------------- registry


def test_unknown_engine_lists_the_choices():
    with pytest.raises(UserError, match="festival") as error:
        get_engine("festival")
    for name in ("espeak-ng", "flite", "pyttsx3", "rhvoice"):
        assert name in str(error.value)


def test_registry_names_match_the_engines():
    assert set(ENGINES) == {"espeak-ng", "flite", "hibari", "kokoro", "piper", "pyttsx3", "rhvoice"}
    assert all(cls.NAME == name for name, cls in ENGINES.items())


def test_a_missing_engine_says_how_to_install_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    get_engine.cache_clear()
    try:
        with pytest.raises(UserError, match="apt-get install flite"):
            get_engine("flite")
    finally:
        get_engine.cache_clear()


# ---------------------------------------------------------------- real speech

REAL_VOICES = [
    pytest.param(VoiceSettings("espeak-ng", "en-us"), marks=needs_espeak, id="espeak-ng"),
    pytest.param(VoiceSettings("flite", "rms"), marks=needs_flite, id="flite-rms"),
    pytest.param(VoiceSettings("flite", "kal16"), marks=needs_flite, id="flite-kal16"),
    pytest.param(VoiceSettings("pyttsx3", "gmw/en-us"), marks=needs_pyttsx3, id="pyttsx3"),
]


@pytest.mark.parametrize("settings", REAL_VOICES)
def test_engine_speaks_in_the_clip_format(tmp_path, settings):
    [clip] = speak(tmp_path, settings, WELLS)
    assert_speech([clip], WELLS)  # 24 kHz mono 16-bit, not silent, plausible length


def speak_in(folder: Path, settings: VoiceSettings, text: str) -> Path:
    folder.mkdir()
    [clip] = speak(folder, settings, text)
    return clip


@pytest.mark.parametrize("settings", REAL_VOICES)
def test_a_faster_rate_speaks_faster(tmp_path, settings):
    normal = speak_in(tmp_path / "normal", settings, WELLS)
    fast = speak_in(
        tmp_path / "fast", VoiceSettings(settings.engine, settings.voice, rate=1.6), WELLS
    )
    assert 1.25 < wav_duration_s(normal) / wav_duration_s(fast) < 2.0


# ---------------------------------------------------------------- espeak-ng


@needs_espeak
def test_espeak_unknown_voice_lists_the_voices():
    with pytest.raises(UserError, match=r"no voice 'en-klingon'.*en-gb-x-rp"):
        get_engine("espeak-ng").check(VoiceSettings("espeak-ng", "en-klingon"))


@needs_espeak
def test_espeak_variant_it_would_ignore_is_an_error():
    """espeak-ng speaks `en-gb+m3` as plain `en-gb`, silently; a cast must not get that."""
    engine = get_engine("espeak-ng")
    with pytest.raises(UserError, match=r"ignores the variant \+m3 on 'en-gb'"):
        engine.check(VoiceSettings("espeak-ng", "en-gb+m3"))
    engine.check(VoiceSettings("espeak-ng", "en-gb-x-rp+m3"))  # this one works
    with pytest.raises(UserError, match=r"no voice variant 'mr-serious'"):
        engine.check(VoiceSettings("espeak-ng", "en-us+mr-serious"))


@needs_espeak
def test_espeak_speaks_brackets_as_text_never_as_phonemes():
    """`[[...]]` is phoneme input to espeak-ng's command line; text must stay text."""

    def phonemes(text: str) -> str:
        args = ["espeak-ng", "-q", "-x", "--stdin"]
        return subprocess.run(args, input=text.encode(), capture_output=True).stdout.decode()

    text = "[[h@'loU]]"
    assert phonemes(text).strip() == "h@l'oU"  # what espeak-ng does with it raw
    assert "h@l'oU" not in phonemes(as_plain_text(text))
    assert as_plain_text("a [[b]] c [d]") == "a [ [b]] c [d]"


# ---------------------------------------------------------------- flite


@needs_flite
def test_flite_unknown_voice_is_an_error_not_kal():
    """flite falls back to its 8 kHz kal voice without a word when -voice is wrong."""
    with pytest.raises(UserError, match=r"no voice 'bdl'.*rms"):
        get_engine("flite").check(VoiceSettings("flite", "bdl"))


@needs_flite
def test_flite_voice_without_pitch_control_refuses_a_pitch():
    with pytest.raises(UserError, match="cannot change pitch"):
        get_engine("flite").check(VoiceSettings("flite", "rms", pitch=1.2))


@needs_flite
def test_flite_pitch_raises_the_voice(tmp_path):
    low = speak_in(tmp_path / "a", VoiceSettings("flite", "awb"), WELLS)
    high = speak_in(tmp_path / "b", VoiceSettings("flite", "awb", pitch=1.3), WELLS)
    ratio = median_pitch_hz(samples(high)) / median_pitch_hz(samples(low))
    assert 1.15 < ratio < 1.45


@needs_flite
def test_volume_is_applied_where_the_engine_cannot(tmp_path):
    loud = speak_in(tmp_path / "a", VoiceSettings("flite", "kal16"), FOX)
    soft = speak_in(tmp_path / "b", VoiceSettings("flite", "kal16", volume=0.5), FOX)
    assert 0.4 < rms(samples(soft)) / rms(samples(loud)) < 0.6


@needs_flite
@needs_espeak
def test_different_engines_sound_different(tmp_path):
    a = speak_in(tmp_path / "a", VoiceSettings("flite", "awb"), WELLS)
    b = speak_in(tmp_path / "b", VoiceSettings("espeak-ng", "en-us"), WELLS)
    assert voice_difference(voice_print([a]), voice_print([b])).distinct


# ---------------------------------------------------------------- pyttsx3 traps

PYTTSX3 = VoiceSettings("pyttsx3", "gmw/en-us")


@needs_pyttsx3
def test_pyttsx3_writes_every_file_of_a_batch(tmp_path):
    """Trap: of several queued save_to_file calls only the last is written."""
    texts = ["One.", "One two three four five.", WELLS]
    clips = speak(tmp_path, PYTTSX3, *texts)
    durations = [assert_speech([clip], text) for clip, text in zip(clips, texts, strict=True)]
    assert durations == sorted(durations)


@needs_pyttsx3
def test_pyttsx3_each_file_speaks_its_own_text_not_the_previous_one(tmp_path):
    """Trap: a bare runAndWait() re-synthesises the previous file."""
    long_clip, short_clip = speak(tmp_path, PYTTSX3, WELLS, "Yes.")
    assert wav_duration_s(short_clip) < wav_duration_s(long_clip) / 4
    assert hashlib.sha256(long_clip.read_bytes()) != hashlib.sha256(short_clip.read_bytes())


@needs_pyttsx3
def test_pyttsx3_speaks_several_sentences_in_a_chosen_voice(tmp_path):
    """Trap found here: a voice change still queued when the first text is saved cuts a
    text of several sentences short, and no file is written at all."""
    [clip] = speak(tmp_path, PYTTSX3, "Yes. No. Perhaps. " + WELLS)
    assert_speech([clip], "Yes. No. Perhaps. " + WELLS)


@needs_pyttsx3
def test_pyttsx3_unknown_voice_is_an_error_not_the_default(tmp_path):
    """Trap: a bad voice name falls back to the default voice silently."""
    bad = VoiceSettings("pyttsx3", "gmw/en-klingon")
    with pytest.raises(UserError, match=r"no voice 'gmw/en-klingon'.*gmw/en-us"):
        get_engine("pyttsx3").check(bad)
    with pytest.raises(AudiobookError, match="no voice"):  # the worker refuses it too
        get_engine("pyttsx3").synthesize(["Hello."], bad, tmp_path)


HANGING_WORKER = """
import sys, pyttsx3
engine = pyttsx3.init()
def again(name, completed):
    engine.save_to_file("second", sys.argv[1] + "/b.wav")
    engine.runAndWait()  # from a callback: never returns
engine.connect("finished-utterance", again)
engine.save_to_file("first", sys.argv[1] + "/a.wav")
engine.runAndWait()
"""


@needs_pyttsx3
def test_pyttsx3_hanging_worker_becomes_an_error(tmp_path, monkeypatch):
    """Trap: runAndWait() from a callback hangs. The worker never does it; should pyttsx3
    hang anyway, the time limit turns it into an error instead of a build that never ends."""
    script = tmp_path / "hang.py"
    script.write_text(HANGING_WORKER)
    monkeypatch.setattr(Pyttsx3Engine, "WORKER", [sys.executable, str(script), str(tmp_path)])
    monkeypatch.setattr("audiobook.engines.pyttsx3.WORKER_START_S", 2.0)
    start = time.monotonic()
    with pytest.raises(AudiobookError, match="did not finish within"):
        Pyttsx3Engine().synthesize(["Hello."], PYTTSX3, tmp_path)
    assert time.monotonic() - start < 10


def test_wav_header_with_the_wrong_rate_is_rewritten(tmp_path):
    """Trap: pyttsx3's espeak driver writes 22,050 Hz in every header, whatever the voice's
    real rate (MBROLA voices are 16 kHz). The worker rewrites it with the real rate."""
    path = tmp_path / "lying.wav"
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(22050)
        f.writeframes(bytes(2 * 16000))  # one second of 16 kHz audio
    fix_header_rate(str(path), 16000)
    assert wav_duration_s(path) == pytest.approx(1.0)


@needs_pyttsx3
@needs_espeak
def test_pyttsx3_clip_has_the_real_rate_and_speed(tmp_path):
    """The same voice through pyttsx3 and through espeak-ng lasts the same time: the
    header's rate is the real one and 1.0 is the same normal speed."""
    via_pyttsx3 = speak_in(tmp_path / "a", PYTTSX3, WELLS)
    direct = speak_in(tmp_path / "b", VoiceSettings("espeak-ng", "en-us"), WELLS)
    assert wav_duration_s(via_pyttsx3) == pytest.approx(wav_duration_s(direct), rel=0.15)


@needs_pyttsx3
def test_pyttsx3_prints_nothing_on_our_stdout(tmp_path, capfd):
    """Trap: pyttsx3 prints "Audio saved to …" on stdout (which `audiobook … | less` or a
    JSON-printing command would carry)."""
    speak(tmp_path, PYTTSX3, "Hello.")
    assert "Audio saved" not in capfd.readouterr().out


@needs_pyttsx3
def test_pyttsx3_is_only_given_short_texts():
    """Trap: pyttsx3's buffer grows quadratically with the text; it gets sentence chunks."""
    paragraph = " ".join([WELLS] * 30)
    chunks = segment_chunks(paragraph, PYTTSX3, {})
    assert len(chunks) > 5
    assert max(len(c) for c in chunks) <= Pyttsx3Engine.MAX_CHARS <= 400
    assert " ".join(chunks) == spoken_form(paragraph)  # "Mr Stalin" said "Mister Stalin"


@needs_pyttsx3
def test_pyttsx3_settings_stay_with_their_own_clips(tmp_path):
    """Trap: pyttsx3's settings are process-global; two voices at once must not mix."""
    results: dict[float, Path] = {}

    def run(rate: float) -> None:
        settings = VoiceSettings("pyttsx3", "gmw/en-us", rate=rate)
        results[rate] = speak_in(tmp_path / str(rate), settings, WELLS)

    threads = [threading.Thread(target=run, args=(rate,)) for rate in (1.0, 1.6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ratio = wav_duration_s(results[1.0]) / wav_duration_s(results[1.6])
    assert 1.25 < ratio < 2.0


# ---------------------------------------------------------------- RHVoice (optional)

FAKE_RHVOICE = """#!/bin/sh
# Stands in for RHVoice-test: reads the text on stdin, writes a WAV where -o says.
out=""
while [ $# -gt 0 ]; do
  case "$1" in -o) out="$2"; shift;; esac
  shift
done
exec espeak-ng -v en-us -w "$out" --stdin
"""


def fake_rhvoice(tmp_path: Path, monkeypatch) -> Path:
    """A stand-in RHVoice-test first on PATH; its voices' folder, for Settings.rhvoice_voices."""
    voices = tmp_path / "voices"
    for name, gender in (("Alan", "male"), ("Evgeniy-Eng", "male"), ("Clb", "female")):
        (voices / name.lower()).mkdir(parents=True)
        (voices / name.lower() / "voice.info").write_text(
            f"name={name}\nlanguage=English\ngender={gender}\nformat=4\n"
        )
    program = tmp_path / "bin" / "RHVoice-test"
    program.parent.mkdir()
    program.write_text(FAKE_RHVOICE)
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{program.parent}{os.pathsep}{os.environ['PATH']}")
    get_engine.cache_clear()
    return voices


def test_rhvoice_voice_info_is_parsed():
    info = parse_voice_info("name=Evgeniy-Eng\nlanguage=English\ngender=male\nformat=4\n")
    assert info == {"name": "Evgeniy-Eng", "language": "English", "gender": "male", "format": "4"}


@needs_espeak
def test_rhvoice_is_driven_with_plain_text_on_stdin(tmp_path, monkeypatch):
    """Without RHVoice installed, a stand-in program checks how it would be driven."""
    if RhvoiceEngine.is_installed():
        pytest.skip("the real RHVoice is installed; test_rhvoice_speaks covers it")
    config = Settings(rhvoice_voices=(fake_rhvoice(tmp_path, monkeypatch),))
    try:
        assert not RhvoiceEngine.is_installed(Settings())  # its voices are where config says
        engine = get_engine("rhvoice", config)
        assert [(v.id, v.language, v.gender) for v in engine.voices()] == [
            ("alan", "en", "male"),
            ("clb", "en", "female"),
            ("evgeniy-eng", "en", "male"),
        ]
        with pytest.raises(UserError, match=r"no voice 'bdl'.*alan, clb, evgeniy-eng"):
            engine.check(VoiceSettings("rhvoice", "bdl"))
        (tmp_path / "out").mkdir()
        clips = speak(
            tmp_path / "out", VoiceSettings("rhvoice", "evgeniy-eng"), WELLS, config=config
        )
        assert_speech(clips, WELLS)
    finally:
        get_engine.cache_clear()


def test_rhvoice_absent_is_reported_not_fatal(monkeypatch):
    monkeypatch.setattr("audiobook.engines.rhvoice.VOICE_DIRS", ())
    assert not RhvoiceEngine.is_installed(Settings(rhvoice_voices=(Path("/nonexistent"),)))


def test_rhvoice_voices_from_the_environment_reach_the_voices_command(tmp_path, monkeypatch):
    """RHVOICE_VOICES still names folders of voices, read once by the CLI (issue 10)."""
    from tests.conftest import run_cli

    voices = fake_rhvoice(tmp_path, monkeypatch)  # the program first on PATH
    monkeypatch.delenv("RHVOICE_VOICES", raising=False)
    empty = tmp_path / "empty"
    empty.mkdir()
    folders = f"{empty}{os.pathsep}{voices}"
    result = run_cli("voices", "--engine", "rhvoice", env={"RHVOICE_VOICES": folders})
    assert result.returncode == 0, result.stderr
    listed = [line.split()[:2] for line in result.stdout.splitlines()[1:]]
    assert ["rhvoice", "alan"] in listed
    assert ["rhvoice", "evgeniy-eng"] in listed
    if not RhvoiceEngine.is_installed():  # without the variable, none of these voices
        result = run_cli("voices", "--engine", "rhvoice")
        assert "rhvoice: not installed" in result.stdout


@pytest.mark.skipif(not RhvoiceEngine.is_installed(), reason="no RHVoice")
def test_rhvoice_speaks(tmp_path):
    voice = next(v for v in get_engine("rhvoice").cast_candidates())
    clips = speak(tmp_path, VoiceSettings("rhvoice", voice), WELLS)
    assert_speech(clips, WELLS)


# ---------------------------------------------------------------- clip format


def test_resampling_reaches_the_clip_rate_with_the_tone_intact():
    """A 440 Hz tone at 16 kHz comes out at 24 kHz, as long, as loud, at the same pitch."""
    tone = array.array(
        "h", (round(8000 * math.sin(2 * math.pi * 440 * i / 16000)) for i in range(16000))
    )
    out = array.array("h", to_clip_rate(tone.tobytes(), 16000))
    assert len(out) == AUDIO_SAMPLE_RATE_HZ
    middle = out[2000:-2000]
    assert max(middle) == pytest.approx(8000, rel=0.01)
    crossings = sum(1 for a, b in itertools.pairwise(middle) if (a < 0) != (b < 0))
    assert crossings / (len(middle) / AUDIO_SAMPLE_RATE_HZ) == pytest.approx(880, rel=0.01)


def test_a_clip_never_depends_on_what_else_is_converted_with_it(tmp_path):
    """Engine output converted in different batches gives the same clip bytes (ffmpeg's soxr
    on one stream per batch changed samples by one step with a clip's place in it), at the
    clip rate's length."""
    noise = random.Random(7)
    raw = []
    for n in (3000, 4001, 999):
        path = tmp_path / f"raw-{n}.wav"
        with wave.open(str(path), "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(2)
            f.setframerate(22050)
            f.writeframes(
                array.array("h", (noise.randint(-9000, 9000) for _ in range(n))).tobytes()
            )
        raw.append(path)
    together = [tmp_path / f"together-{i}.wav" for i in range(3)]
    to_clips(raw, together, gain=0.8, work_dir=tmp_path)
    alone = tmp_path / "alone.wav"
    to_clips(raw[1:2], [alone], gain=0.8, work_dir=tmp_path)
    assert alone.read_bytes() == together[1].read_bytes()
    assert [wav_duration_s(p) for p in together] == pytest.approx(
        [n / 22050 for n in (3000, 4001, 999)], abs=1e-4
    )


def test_gain_is_applied_at_the_native_rate_too():
    loud = array.array("h", [20000, -20000, 100] * 10).tobytes()
    quieter = array.array("h", to_clip_rate(loud, AUDIO_SAMPLE_RATE_HZ, gain=0.5))
    assert list(quieter[:3]) == [10000, -10000, 50]
    assert max(array.array("h", to_clip_rate(loud, AUDIO_SAMPLE_RATE_HZ, gain=2.0))) == 32767


def test_trimming_keeps_speech_and_a_short_margin():
    silence, loud = bytes(2 * 24000), array.array("h", [3000, -3000] * 2400).tobytes()
    trimmed = trim_silence(silence + loud + silence)
    assert len(trimmed) == len(loud) + 2 * 2 * 480  # 20 ms each side
    assert trim_silence(silence) == b""


def test_speakers_chunks_use_their_engines_limit():
    text = " ".join([WELLS] * 20)
    chunks = segment_chunks(text, VoiceSettings("espeak-ng", "en-us"), {})
    assert all(len(c) <= EspeakNgEngine.MAX_CHARS for c in chunks)
