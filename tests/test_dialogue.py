"""Quoted dialogue in prose (audiobook.dialogue), measured on annotated texts of our own
(tests/dialogue_fixtures.py): who says each quotation, and that no narration is ever read
in a character's voice."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiobook.dialogue import attribute_dialogue, find_quotes, quote_style
from audiobook.model import NARRATOR, ReadOptions, Script, SegmentKind
from audiobook.pipeline import load_script, text_to_script
from tests.dialogue_fixtures import FIXTURES, annotated

ACCURACY_FLOOR = 0.9  # the bar for a two-person exchange with few tags


def said_by(script: Script, opener: str) -> list[str]:
    """Who says each quotation, in order ("-" for the narrator's voice)."""
    out = []
    for chapter in script.chapters:
        for segment in chapter.segments:
            if segment.kind == SegmentKind.SPEECH:
                out.append(segment.speaker)
            elif segment.kind == SegmentKind.NARRATION:
                out += ["-"] * len(find_quotes(segment.text, opener))
    return out


def dramatised(name: str) -> tuple[Script, list[str], str]:
    text, expected = annotated(name)
    script = attribute_dialogue(text_to_script(text, source=f"{name}.txt"))
    narration = [s.text for c in script.chapters for s in c.segments]
    return script, expected, quote_style(narration)


@pytest.mark.parametrize("name", list(FIXTURES))
def test_each_quotation_goes_to_its_speaker(name: str) -> None:
    script, expected, opener = dramatised(name)
    assert said_by(script, opener) == expected


def test_accuracy_over_all_fixtures_and_no_narration_in_a_characters_voice() -> None:
    right = total = 0
    for name in FIXTURES:
        script, expected, opener = dramatised(name)
        found = said_by(script, opener)
        total += len(expected)
        right += sum(1 for a, b in zip(found, expected, strict=False) if a == b)
        for chapter in script.chapters:
            for segment in chapter.segments:
                if segment.kind == SegmentKind.SPEECH:  # a character speaks only quotations
                    assert segment.text[:1] in '“‘"—', segment.text
    assert right / total >= ACCURACY_FLOOR


def test_the_narration_around_a_quotation_stays_the_narrators() -> None:
    script, _, _ = dramatised("married-couple")
    first = [(s.speaker, s.kind, s.text) for s in script.chapters[0].segments[2:5]]
    assert first == [
        ("Mrs. Hartley", SegmentKind.SPEECH, "“My dear Mr. Hartley,”"),
        (NARRATOR, SegmentKind.NARRATION, "said his lady to him one morning,"),
        (
            "Mrs. Hartley",
            SegmentKind.SPEECH,
            "“have you heard that the Grange is sold at last?”",
        ),
    ]


def test_characters_are_listed_with_their_lines_and_sex() -> None:
    script, _, _ = dramatised("married-couple")
    assert [(c.name, c.gender, c.lines) for c in script.characters] == [
        ("Mrs. Hartley", "female", 11),
        ("Mr. Hartley", "male", 8),
    ]
    assert script.speakers == (NARRATOR, "Mrs. Hartley", "Mr. Hartley")


def test_quotations_in_a_script_are_speech_with_a_confidence(tmp_path: Path) -> None:
    text, _ = annotated("detective")
    path = tmp_path / "lamp.txt"
    path.write_text(text, encoding="utf-8")
    script = load_script(path, ReadOptions(dialogue=True))
    speech = [s for c in script.chapters for s in c.segments if s.kind == SegmentKind.SPEECH]
    assert {s.speaker for s in speech} == {"Marlowe", "Inspector Gray"}
    assert all(0.5 <= (s.confidence or 0) <= 1 for s in speech)
    plain = load_script(path)
    assert not [s for c in plain.chapters for s in c.segments if s.kind == SegmentKind.SPEECH]


def test_labelled_turns_are_left_as_they_are(interview_script: Script) -> None:
    """The interview's turns are labelled; quotation marks inside them are no one else's."""
    assert attribute_dialogue(interview_script).chapters == interview_script.chapters


# ---------------------------------------------------------------- voices


def test_characters_get_voices_of_their_sex_and_minor_ones_share() -> None:
    from audiobook.casting import auto_cast
    from audiobook.engines import get_engine
    from audiobook.model import Character

    script, _, _ = dramatised("married-couple")
    extras = (
        Character("Mrs. Pryor", "female", 2, minor=True),
        Character("Miss Dale", "female", 1, minor=True),
    )
    script = replace_script(script, extras)
    cast = auto_cast(script, engine="flite")
    flite = get_engine("flite")
    sexes = {name: flite.voice_gender(v.voice) for name, v in cast.voices.items()}
    assert sexes["Mrs. Hartley"] == "female"
    assert sexes["Mr. Hartley"] == "male"
    assert cast.voices["Mrs. Pryor"] == cast.voices["Miss Dale"]  # minor: one shared voice
    assert cast.voices["Mrs. Pryor"] != cast.voices["Mrs. Hartley"]
    assert cast.dialogue


def replace_script(script: Script, extras: tuple) -> Script:
    from dataclasses import replace

    names = tuple(c.name for c in extras)
    return replace(
        script,
        characters=(*script.characters, *extras),
        speakers=(*script.speakers, *names),
    )


def test_a_cast_with_dialogue_true_reads_quotations_as_speech(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    text, _ = annotated("married-couple")
    book = tmp_path / "mill.txt"
    book.write_text(text, encoding="utf-8")
    cast = run_cli("cast", "--dialogue", "--engine", "flite", str(book))
    assert cast.returncode == 0, cast.stderr
    assert "dialogue = true" in cast.stdout
    assert '[voices."Mrs. Hartley"]' in cast.stdout
    cast_file = tmp_path / "mill.toml"
    cast_file.write_text(cast.stdout, encoding="utf-8")
    out = tmp_path / "out"
    built = run_cli(
        "build", str(book), "--cast", str(cast_file), "--format", "mp3,vtt",
        "--out", str(out), "--cache", str(tmp_path / "cache"),
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    [vtt] = out.rglob("*.vtt")
    captions = vtt.read_text(encoding="utf-8")
    assert "<v Mrs. Hartley>" in captions
    assert "<v Mr. Hartley>" in captions


def test_the_attribution_survives_json_and_fountain(tmp_path: Path) -> None:
    from audiobook.script_io import script_to_fountain, script_to_json

    script, _, _ = dramatised("married-couple")
    for name, text in (
        ("s.json", script_to_json(script)),
        ("s.fountain", script_to_fountain(script)),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        back = load_script(path)
        assert back.characters == script.characters
        speech = [
            (s.speaker, s.confidence)
            for c in back.chapters
            for s in c.segments
            if s.kind == SegmentKind.SPEECH
        ]
        assert speech == [
            (s.speaker, s.confidence)
            for c in script.chapters
            for s in c.segments
            if s.kind == SegmentKind.SPEECH
        ]


def test_inspect_lists_the_characters(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    text, _ = annotated("married-couple")
    path = tmp_path / "mill.txt"
    path.write_text(text, encoding="utf-8")
    shown = run_cli("inspect", "--dialogue", str(path))
    assert shown.returncode == 0, shown.stderr
    table = shown.stdout.split("character (--dialogue)")[1]
    assert "Mrs. Hartley                 11  female" in table
    assert "Mr. Hartley                   8  male" in table
