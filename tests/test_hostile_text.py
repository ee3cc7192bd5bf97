"""Hostile text (issue 6): whatever text a user feeds in gives a valid script or a clean user
error, in bounded time; names made from it stay inside the output folder and make valid tags;
and what the engines receive is spoken as text, never obeyed as engine commands."""

from __future__ import annotations

import array
import json
import re
import tempfile
import time
import unicodedata
from pathlib import Path

import mutagen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audiobook import ffmpeg, processes
from audiobook.build import BuildOptions, build_book
from audiobook.engines import get_engine
from audiobook.engines.espeak_ng import EspeakNgEngine
from audiobook.engines.flite import FliteEngine
from audiobook.engines.rhvoice import RhvoiceEngine
from audiobook.errors import UserError
from audiobook.filenames import DEFAULT_MAX_NAME_BYTES
from audiobook.lexicon import apply_lexicon
from audiobook.manifest import MANIFEST_NAME
from audiobook.model import (
    AUDIO_SAMPLE_RATE_HZ,
    NARRATOR,
    Chapter,
    Division,
    Script,
    Segment,
    SegmentKind,
    VoiceSettings,
)
from audiobook.pipeline import load_script, text_to_script
from audiobook.script_io import read_json_script, script_to_json
from audiobook.settings import Settings
from audiobook.synthesis import chunk_text, segment_chunks, synthesize_texts
from tests.audio_checks import samples
from tests.audio_fakes import fake_cast, fake_synthesize
from tests.conftest import run_cli
from tests.test_engines import pyttsx3_works

# ---------------------------------------------------------------- long lines, bounded time

SIZE = 100_000  # characters: large enough that quadratic work takes many seconds
PROSE = "It was cold in Moscow. Mr. Smith said so, and left. "
LOG_LINE = "2024-01-01 12:00:00 INFO worker 7 finished job 49 in 3 ms\n"


def repeat(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


LONG_TEXTS = {
    "prose on one line": repeat(PROSE),
    "one word": "a" * SIZE,
    "abbreviations": repeat("Mr. "),
    "initials": repeat("A. "),
    "exclamation marks": "Wait" + "!" * SIZE + " then go.",
    "full stops": "Wait" + "." * SIZE + " then go.",
    "spaces": "a" + " " * SIZE + "b",
    "asterisks": repeat("* ") + "word",
    "a log file": repeat(LOG_LINE),
    "hyphenated lines": repeat("oppres-\n") + "word",
    "repeated headings": repeat("CHAPTER I\n"),
    "one speaker turn after another": repeat("**Ada** Hi.\n"),
    "markup": repeat("<speak>hi</speak> [[h@'loU]] "),
}


@pytest.mark.parametrize("text", LONG_TEXTS.values(), ids=LONG_TEXTS.keys())
def test_long_hostile_text_takes_bounded_time(text: str) -> None:
    """Each took from 3 s to hours at this size or a little more, before issue 6: regular
    expressions that backtracked along a run, paragraphs re-read whole for every line."""
    start = time.monotonic()
    try:
        script = text_to_script(text)
    except UserError:
        script = None
    for chapter in script.chapters if script else []:
        for segment in chapter.segments:
            chunk_text(apply_lexicon(segment.text, {}), 600)
    assert time.monotonic() - start < 5.0


# ---------------------------------------------------------------- any text at all

HOSTILE_LINES = st.sampled_from(
    [
        "<speak>Hello <break time='5s'/> world</speak>",
        "[[h@'loU]] [[",
        "]] ]] [[ [",
        "!" * 400,
        "Wait" + "?!" * 300 + " then go.",
        "a" * 1300,
        "\u202eevil\u200f mark\u200b",
        "Emoji 😀👍🏽 ❤️ here.",
        "\x00\x07\x1b[31mred\x7f\x85",
        "../../etc/passwd",
        "CON",
        "# ../../etc/passwd",
        "**../x** Hello there.",
        "**CON** Hello there.",
        "HAMLET\u202e: Who's there?",
        "ВООК I",
        "\ufeff\ufffe\uffff",
        "\t\v\f\r",
    ]
)
ANY_LINE = st.one_of(st.text(max_size=120), HOSTILE_LINES)


def has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\t\n" for ch in text)


def assert_speakable(script: Script) -> None:
    """A valid script, and what the engines would be given for it: short pieces of plain
    text with something to say, which together hold every letter and digit of the text."""
    assert script.speakers[0] == NARRATOR
    for chapter in script.chapters:
        assert chapter.segments
        for seg in chapter.segments:
            assert seg.kind in SegmentKind
            assert seg.speaker in script.speakers
            assert seg.text.strip()
            assert not has_control(seg.text), repr(seg.text)
            spoken = apply_lexicon(seg.text, {})
            chunks = chunk_text(spoken, 600)
            assert all(0 < len(c) <= 600 and any(ch.isalnum() for ch in c) for c in chunks)
            assert [ch for ch in "".join(chunks) if ch.isalnum()] == [
                ch for ch in spoken if ch.isalnum()
            ]
    json.loads(script_to_json(script))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ANY_LINE, min_size=1, max_size=12))
def test_any_text_gives_a_valid_script_and_plain_text_for_the_engines(lines: list[str]) -> None:
    """Any Unicode at all, and the lines engines choke on (tests/test_nothing_lost.py runs
    the same checks on lines shaped like a book's, with the nothing-lost audit)."""
    try:
        script = text_to_script("\n".join(lines))
    except UserError:
        return
    assert_speakable(script)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from([".txt", ".md", ".json", ".fountain"]))
def test_any_file_gives_a_script_or_one_user_error(data: bytes, suffix: str) -> None:
    """Whatever bytes are in a file of any suffix we read: a script, or a UserError."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        try:
            script = load_script(path)
        except UserError as e:
            error = str(e)
        else:
            assert any(seg.text.strip() for c in script.chapters for seg in c.segments)
            return
    assert "\n" not in error


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


def almost(value: object) -> st.SearchStrategy[object]:
    """Mostly the right value, sometimes anything JSON can hold."""
    return st.one_of(st.just(value), st.just(value), JSON_VALUE)


SEGMENT_DATA = st.fixed_dictionaries(
    {
        "speaker": almost("Narrator"),
        "kind": st.one_of(st.sampled_from(sorted(SegmentKind)), JSON_VALUE),
        "text": almost("Hello there."),
    },
    optional={
        "source_line": almost(3),
        "page": almost("12"),
        "level": almost(1),
        "scene_break_before": almost(True),
    },
)
CHAPTER_DATA = st.fixed_dictionaries(
    {"title": almost("One"), "segments": st.one_of(st.lists(SEGMENT_DATA, max_size=3), JSON_VALUE)},
    optional={
        "index": almost(1),
        "number": almost("I"),
        "path": almost(["PART ONE"]),
        "path_titles": almost(["The Beginning"]),
        "source_line": almost(1),
    },
)
SCRIPT_DATA = st.fixed_dictionaries(
    {
        "title": almost("A Book"),
        "chapters": st.one_of(st.lists(CHAPTER_DATA, max_size=3), JSON_VALUE),
    },
    optional={
        "author": almost("Somebody"),
        "year": almost("1934"),
        "speakers": almost(["Narrator"]),
        "language": almost("en"),
        "removed": almost([]),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(SCRIPT_DATA, JSON_VALUE))
def test_any_json_script_is_usable_or_one_user_error(data: object) -> None:
    """A script edited by hand may hold anything JSON can: a usable Script, or a UserError."""
    try:
        script = read_json_script(Path("edited.json"), json.dumps(data))
    except UserError as e:
        error = str(e)
        assert "\n" not in error
        return
    assert isinstance(script.title, str)
    assert script.author is None or isinstance(script.author, str)
    for chapter in script.chapters:
        assert isinstance(chapter.index, int)
        assert isinstance(chapter.title, str)
        assert chapter.number is None or isinstance(chapter.number, str)
        for division in chapter.divisions:
            assert isinstance(division.label, str)
            assert division.title is None or isinstance(division.title, str)
        for seg in chapter.segments:
            assert isinstance(seg.speaker, str)
            assert isinstance(seg.text, str)
            assert seg.source_line is None or isinstance(seg.source_line, int)
            assert seg.level is None or isinstance(seg.level, int)
            assert seg.page is None or isinstance(seg.page, str)


# ---------------------------------------------------------------- names and tags

EVIL_NAMES = [
    "../../etc/passwd",
    "CON",
    "x" * 500,
    "Ctrl\x00\x07\x1b[0m\nnew line",
    "\u202eevil\u200f\u200b name",
    "😀👍🏽 ❤️",
    "..",
    "/",
    "con.mp3",
]


def hostile_script() -> Script:
    """A script as a hand-edited JSON or Fountain file could give it: every name hostile."""
    speakers = [NARRATOR, "../../etc/passwd", "CON", "\u202eevil\u200f", "😀", "y" * 500]
    chapters = []
    for index, name in enumerate(EVIL_NAMES, start=1):
        segments = [Segment(NARRATOR, SegmentKind.HEADING, name, level=1)]
        segments += [
            Segment(speaker, SegmentKind.SPEECH, f"Line {n} of {name}. It ends here.")
            for n, speaker in enumerate(speakers[1:])
        ]
        segments.append(Segment(NARRATOR, SegmentKind.NARRATION, "A quiet close."))
        path = (Division(name), Division("CON"))
        chapters.append(Chapter(index, name[:20], name, path, tuple(segments)))
    return Script(
        title="../../etc/passwd\x00\n",
        author="CON",
        speakers=tuple(speakers),
        chapters=tuple(chapters),
    )


def assert_clean_tag(value: str) -> None:
    assert value, "empty"
    assert value.strip() == value, repr(value)
    assert not has_control(value), repr(value)
    assert "\t" not in value, repr(value)
    value.encode("utf-8")  # no lone surrogates


@pytest.mark.slow
def test_hostile_names_give_safe_files_and_valid_tags(tmp_path: Path) -> None:
    """Titles, chapter names and speakers like ../../etc/passwd, CON, 500 letters, control
    characters, right-to-left marks and emoji, end to end through build (issue 6)."""
    script = hostile_script()
    out = tmp_path / "out"
    options = BuildOptions(
        out_dir=out,
        formats="mp3,m4b,opus,vtt,m3u8",
        config=Settings(cache_dir=tmp_path / "c", jobs=2),
    )
    result = build_book(script, fake_cast(script), options, synthesize=fake_synthesize)
    assert result.folder == out / "_CON" / "etc-passwd"
    files = [p for p in out.rglob("*") if p.is_file()]
    visible = [p for p in files if not p.name.startswith(".")]
    assert len(visible) == 3 * len(EVIL_NAMES) + 3  # mp3, opus, vtt each; m4b, m3u8, json
    assert sorted(p.name for p in files if p not in visible) == [MANIFEST_NAME]
    for path in visible:
        assert path.resolve().is_relative_to(out.resolve())
        relative = path.relative_to(out)
        for part in relative.parts:
            assert len(part.encode("utf-8")) <= DEFAULT_MAX_NAME_BYTES + len(".opus")
            assert not has_control(part), repr(part)
            assert part.strip(" .") == part, repr(part)
            assert unicodedata.category(part[0])[0] != "C"
            assert not re.match(r"(?i)^(con|prn|aux|nul|com\d|lpt\d)(\.|$)", part)
    names = sorted(p.name for p in result.folder.glob("*.mp3"))
    assert names[0].startswith("01 - _Con - ")
    assert names == sorted(set(names))

    for path in sorted(result.folder.glob("*.mp3")) + sorted(result.folder.glob("*.opus")):
        audio = mutagen.File(path, easy=True)
        for key in ("title", "album", "artist"):
            for value in audio[key]:
                assert_clean_tag(value)
        info = ffmpeg.probe(path)
        assert info["chapters"] or path.suffix == ".opus"
        for chapter in info["chapters"]:
            assert_clean_tag(chapter["tags"]["title"])
    [m4b] = result.folder.glob("*.m4b")
    info = ffmpeg.probe(m4b)
    assert len(info["chapters"]) == len(EVIL_NAMES)
    for chapter in info["chapters"]:
        assert_clean_tag(chapter["tags"]["title"])
    [playlist] = result.folder.glob("*.m3u8")
    entries = [line for line in playlist.read_text("utf-8").splitlines() if line[:1] != "#"]
    assert sorted(entries) == names
    metadata = json.loads((result.folder / "metadata.json").read_text("utf-8"))
    for mark in metadata["chapters"]:
        assert_clean_tag(mark["title"])
    for vtt in result.folder.glob("*.vtt"):
        text = vtt.read_text("utf-8")
        assert text.startswith("WEBVTT\n")
        assert not has_control(text)
        voices = re.findall(r"<v ([^>]*)>", text)
        assert voices
        assert all(v.strip() for v in voices)


@pytest.mark.skipif(not EspeakNgEngine.is_installed(), reason="needs espeak-ng")
def test_hostile_title_and_speakers_from_a_text_file(tmp_path: Path) -> None:
    """The same through the command line, from a Markdown file, with a real voice."""
    source = tmp_path / "evil.md"
    source.write_text(
        "# ../../etc/passwd \u202e😀\n\n"
        "**CON** Who is there? Nobody at all.\n\n"
        "**Bob** Only me. [[h@'loU]] <speak>hi</speak>\n\n"
        "**CON** Then come in.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["build", str(source), "--engine", "espeak-ng", "--out", str(out)]
    done = run_cli(*args, "--format", "mp3,vtt", env={"AUDIOBOOK_CACHE": str(tmp_path / "c")})
    assert done.returncode == 0, done.stderr
    [mp3] = out.rglob("*.mp3")
    assert mp3.resolve().is_relative_to(out.resolve())
    assert mp3.parent.name == "etc-passwd"
    titles = [c["tags"]["title"] for c in ffmpeg.probe(mp3)["chapters"]]
    assert titles[1].startswith("CON: Who is there?")
    for title in titles:
        assert_clean_tag(title)


# ---------------------------------------------------------------- what the engines are given

ENGINE_VOICES = [
    pytest.param(
        VoiceSettings("espeak-ng", "en-us"),
        marks=pytest.mark.skipif(not EspeakNgEngine.is_installed(), reason="no espeak-ng"),
        id="espeak-ng",
    ),
    pytest.param(
        VoiceSettings("flite", "kal16"),
        marks=pytest.mark.skipif(not FliteEngine.is_installed(), reason="no flite"),
        id="flite",
    ),
    pytest.param(
        VoiceSettings("pyttsx3", "gmw/en-us"),
        marks=pytest.mark.skipif(not pyttsx3_works(), reason="pyttsx3 cannot run here"),
        id="pyttsx3",
    ),
    pytest.param(
        VoiceSettings("rhvoice", "alan"),
        marks=pytest.mark.skipif(not RhvoiceEngine.is_installed(), reason="no RHVoice"),
        id="rhvoice",
    ),
]
MARKUP = "<speak>Wait <break time='4s'/> now.</speak> [[h@'loU]] &lt;b&gt; \\pau=4000\\ <b>go</b>"
CHOKING_TEXTS = {
    "markup": MARKUP,
    "a 10,000-letter word": "a" * 10_000,
    "5,000 punctuation marks": "Wait" + "!?" * 2_500 + " then go.",
    "5,000 full stops": "Wait " + ". " * 2_500 + "then go.",
}
# The options that would make each program obey markup in its text: never given.
MARKUP_OPTIONS = {"espeak-ng": {"-m"}, "flite": {"-ssml"}, "RHVoice-test": {"-s", "--ssml"}}
MAX_SILENCE_S = 1.5  # the longest pause inside a clip that no markup asked for


def longest_silence_s(path: Path) -> float:
    """The longest stretch of near silence inside a clip, in seconds."""
    data: array.array = samples(path)
    longest = run = 0
    for value in data:
        run = run + 1 if -200 <= value <= 200 else 0
        longest = max(longest, run)
    return longest / AUDIO_SAMPLE_RATE_HZ


def record_engine_input(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], bytes]]:
    """Every program run from now on, with its arguments and what it got on stdin."""
    calls: list[tuple[list[str], bytes]] = []
    real = processes.run

    def recording(args: list[str], **kw):  # type: ignore[no-untyped-def]
        calls.append((list(args), kw.get("input_bytes") or b""))
        return real(args, **kw)

    monkeypatch.setattr(processes, "run", recording)
    return calls


# flite takes some 4 s over the 10,000-letter word.
SLOW_CASES = {("a 10,000-letter word", "flite")}
ENGINE_CASES = [
    pytest.param(
        text,
        voice.values[0],
        id=f"{name}-{voice.id}",
        marks=[*voice.marks, *([pytest.mark.slow] if (name, voice.id) in SLOW_CASES else [])],
    )
    for name, text in CHOKING_TEXTS.items()
    for voice in ENGINE_VOICES
]


@pytest.mark.parametrize(("text", "voice"), ENGINE_CASES)
def test_engines_speak_hostile_text_as_text_in_bounded_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, voice: VoiceSettings, text: str
) -> None:
    get_engine(voice.engine).check(voice)
    chunks = segment_chunks(text, voice, {})
    limit = get_engine(voice.engine).MAX_CHARS
    assert chunks
    assert all(len(chunk) <= limit for chunk in chunks)
    calls = record_engine_input(monkeypatch)
    start = time.monotonic()
    clips = synthesize_texts(chunks, voice, tmp_path)
    assert time.monotonic() - start < 30
    given = [(args, stdin) for args, stdin in calls if args[0] != "ffmpeg"]
    assert given, "the engine was run"
    for args, stdin in given:
        assert not MARKUP_OPTIONS.get(Path(args[0]).name, set()) & set(args), args
        if voice.engine == "espeak-ng":  # [[ … ]] is phoneme input to espeak-ng's command line
            assert "[[" not in stdin.decode("utf-8")
    for clip in clips:
        if text == MARKUP:
            assert longest_silence_s(clip) < MAX_SILENCE_S, "a <break> was obeyed"
    if text == MARKUP:
        # Spoken as text, the markup takes seconds; obeyed, it would leave a word or two.
        assert sum(len(samples(c)) for c in clips) / AUDIO_SAMPLE_RATE_HZ > 3.0
