"""Transcript rules (issue 9), pinned with small inputs and their exact outputs: timestamps
are data, never speech, wherever they stand; times of day and verses stay."""

from __future__ import annotations

import re

import pytest

from audiobook.cleaning import clean_text
from audiobook.pipeline import text_to_script
from tests.layout_fixtures import read_fixture, rows

TIMESTAMP_CASES = {
    "leading, bracketed": ("[00:04:03] Welcome back.", "Welcome back.", ["[00:04:03]"]),
    "leading, escaped, with a fraction": ("\\[00:04:03.15\\] Welcome back.", "Welcome back.", ["[00:04:03.15]"]),
    "leading, bare": ("00:04:03 Welcome back.", "Welcome back.", ["00:04:03"]),
    "leading, in parentheses": ("(00:04:03) Welcome back.", "Welcome back.", ["(00:04:03)"]),
    "after a bold label": ("**Ann Lee:** [00:04:03] Welcome back.", "**Ann Lee:** Welcome back.", ["[00:04:03]"]),
    "bare, after a bold label": ("**Ann Lee:** 00:04:03 Welcome back.", "**Ann Lee:** Welcome back.", ["00:04:03"]),
    "escaped, after a bold label": ("**Ann Lee:** \\[00:04:03.15\\] Welcome back.", "**Ann Lee:** Welcome back.", ["[00:04:03.15]"]),
    "minutes and a dash, after a label": ("Ann Lee: 04:03 - Welcome back.", "Ann Lee: Welcome back.", ["04:03 -"]),
    "inside a bracket": ("Welcome [inaudible 01:06:52.23] back.", "Welcome [inaudible] back.", ["01:06:52.23"]),
    "embedded, with hours and a fraction": ("It ran 01:06:52.23 in total.", "It ran in total.", ["01:06:52.23"]),
    "embedded, with hours": ("Half past: 10:30:15 exactly.", "Half past: exactly.", ["10:30:15"]),
    "embedded, minutes with a fraction": ("It ran 06:52.2 in total.", "It ran in total.", ["06:52.2"]),
    "embedded, bracketed": ("Welcome back (4:03) everyone.", "Welcome back everyone.", ["(4:03)"]),
}  # fmt: skip


@pytest.mark.parametrize(
    ("line", "left", "stamps"), TIMESTAMP_CASES.values(), ids=TIMESTAMP_CASES.keys()
)
def test_timestamp_is_removed(line: str, left: str, stamps: list[str]) -> None:
    result = clean_text(line, layout="transcript")
    assert [b.text for b in result.blocks] == [left]
    assert [(r.rule, r.line, r.text) for r in result.removed] == [
        ("timestamp", 1, stamp) for stamp in stamps
    ]


@pytest.mark.parametrize(
    "line", ["[00:04:03]", "00:04:03", "00:04:03 - 00:04:09", "[00:04:03] [00:04:09]"]
)
def test_a_line_of_timestamps_goes_whole(line: str) -> None:
    text = f"Welcome back.\n\n{line}\n\nGood to be here.\n"
    result = clean_text(text, layout="transcript")
    assert [b.text for b in result.blocks] == ["Welcome back.", "Good to be here."]
    assert [(r.rule, r.line, r.text) for r in result.removed] == [("timestamp", 3, line)]


@pytest.mark.parametrize(
    "line",
    [
        "We met at 10:30 and talked.",  # a time of day
        "The score was 3:2 at half time.",
        "Read John 3:16 aloud.",
        "The ratio is 16:9, wide.",
    ],
)
def test_times_of_day_and_ratios_are_not_timestamps(line: str) -> None:
    result = clean_text(line, layout="transcript")
    assert [b.text for b in result.blocks] == [line]
    assert result.removed == ()


def test_only_the_transcript_layout_removes_timestamps() -> None:
    line = "It ran 01:06:52.23 in total."
    for layout in ("markdown", "ocr", "etext", "play"):
        assert [b.text for b in clean_text(line, layout=layout).blocks] == [line], layout


def test_the_fixtures_timestamps_are_data_not_speech() -> None:
    text = read_fixture("transcript.md")
    script = text_to_script(text)
    stamps = [r.text for r in script.removed if r.rule == "timestamp"]
    assert stamps == [
        "[00:00:12]",
        "[00:00:19]",
        "[00:01:02.40]",
        "[00:01:09.15]",
        "[00:02:30]",
        "[00:02:41]",
        "[00:04:03]",
        "[00:04:10]",
    ]
    assert [r.line for r in script.removed if r.rule == "timestamp"] == [1, 3, 5, 7, 9, 11, 13, 15]
    for _, _, said in rows(script):
        assert not re.search(r"\d:\d\d", said), said


def test_the_fixtures_laughs_are_directions() -> None:
    said = rows(text_to_script(read_fixture("transcript.md")))
    assert said[1:4] == [
        ("Owen Pryce", "speech", "Thanks for having me."),
        ("Narrator", "direction", "laughs"),
        ("Owen Pryce", "speech", "I have been looking forward to this."),
    ]
    assert [s for s in said if s[1] == "direction"] == [("Narrator", "direction", "laughs")] * 2


SUBTITLES = """1
00:00:05,758 --> 00:00:07,452
Bekka: Hello and welcome to
episode seven of

2
00:00:07,452 --> 00:00:09,146
the Lantern podcast.

3
00:00:09,147 --> 00:00:11,537
Dan: Thanks for having me,
it is good to be here.

4
00:00:11,600 --> 00:00:13,000
Bekka: So tell us about
the lanterns.

5
00:00:13,100 --> 00:00:15,000
Dan: They are red.
"""


def test_a_subtitle_file_reads_as_turns_without_its_cue_numbers() -> None:
    """Issue 9 (adversarial run): an SRT transcript read "1 --> Bekka: Hello" and found nobody."""
    from audiobook.pipeline import text_to_script

    script = text_to_script(SUBTITLES)
    assert script.layout == "transcript"
    said = [(s.speaker, s.text) for c in script.chapters for s in c.segments]
    assert said == [
        ("Bekka", "Hello and welcome to episode seven of the Lantern podcast."),
        ("Dan", "Thanks for having me, it is good to be here."),
        ("Bekka", "So tell us about the lanterns."),
        ("Dan", "They are red."),
    ]
